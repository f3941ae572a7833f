//! Read a file, fit, print: the three reusable crates together, as a project
//! of its own would use them.
//!
//! `cargo run -p surv-render --example read_fit_print -- fixtures/golden/data/aml.csv time status group`

use std::path::Path;

use surv_engine::{KmConfig, LogRankConfig, SurvivalData, kaplan_meier_by_group, log_rank};
use surv_reader::{ColumnSpec, SurvivalTable};
use surv_render::OutputFormat;
use surv_render::km::{self, KmCurveOutput};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [file, time, event, group] = args.as_slice() else {
        return Err("usage: read_fit_print FILE TIME EVENT GROUP".into());
    };
    let table = SurvivalTable::read(
        Path::new(file),
        &ColumnSpec::new(time, event).with_group(group),
    )?;
    let groups = table.group.as_ref().ok_or("no group column")?;
    let data = SurvivalData::new(&table.time, &table.event)?.with_groups(&groups.codes)?;

    let curves = kaplan_meier_by_group(&data, &KmConfig::default())?;
    let outputs: Vec<KmCurveOutput> = curves
        .iter()
        .zip(&groups.levels)
        .map(|(curve, level)| KmCurveOutput {
            group: Some(level),
            curve,
            at: &[12.0, 24.0],
            rmean: None,
        })
        .collect();
    print!(
        "{}",
        km::render(&outputs, table.n_dropped, OutputFormat::Table)
    );

    let test = log_rank(&data, &LogRankConfig::default())?;
    println!(
        "\nlog-rank chi-square {:.3} on {} df, p = {:.4}",
        test.statistic, test.df, test.p_value
    );
    Ok(())
}
