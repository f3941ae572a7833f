//! `npcsurv km`: Kaplan-Meier curves, with the curve at chosen times, the
//! restricted mean and a plot.

use surv_engine::{KmConfig, SurvivalData, kaplan_meier, kaplan_meier_by_group};
use surv_render::km::{self, KmCurveOutput};
use surv_render::plot;

use crate::args::KmArgs;
use crate::error::CliError;
use crate::input;

pub fn run(args: KmArgs) -> Result<(), CliError> {
    let mut spec = input::spec(&args.input);
    spec.group = args.group.clone();
    let table = input::read(&args.input, &spec)?;
    let analysis = CliError::analysis(&table.source);
    let config = KmConfig {
        conf_type: args.conf_type,
        conf_level: args.conf_level,
    };
    let data = SurvivalData::new(&table.time, &table.event).map_err(&analysis)?;
    let (curves, labels): (Vec<_>, Vec<Option<&str>>) = match &table.group {
        Some(g) => {
            let data = data.with_groups(&g.codes).map_err(&analysis)?;
            (
                kaplan_meier_by_group(&data, &config).map_err(&analysis)?,
                g.levels.iter().map(|l| Some(l.as_str())).collect(),
            )
        }
        None => (
            vec![kaplan_meier(&data, &config).map_err(&analysis)?],
            vec![None],
        ),
    };
    let outputs = curves
        .iter()
        .zip(&labels)
        .map(|(curve, &group)| {
            Ok(KmCurveOutput {
                group,
                curve,
                at: &args.at,
                rmean: args
                    .rmean
                    .map(|tau| curve.restricted_mean(tau))
                    .transpose()
                    .map_err(&analysis)?,
            })
        })
        .collect::<Result<Vec<_>, CliError>>()?;
    if let Some(path) = &args.plot {
        let labelled: Vec<(Option<String>, &surv_engine::KmCurve)> = labels
            .iter()
            .map(|l| l.map(str::to_owned))
            .zip(curves.iter())
            .collect();
        let figure = plot::data(&labelled, None, &[]);
        let title = format!("Kaplan-Meier estimate: {}", table.source);
        let labels = plot::Labels {
            title: &title,
            x: &args.input.time,
            y: "Survival",
            landmark: None,
        };
        let write_error = |reason: String| CliError::Write {
            path: path.display().to_string(),
            reason,
        };
        let svg = plot::svg(&figure, &labels).map_err(write_error)?;
        std::fs::write(path, svg).map_err(|e| write_error(e.to_string()))?;
    }
    input::print(&km::render(&outputs, table.n_dropped, args.input.format))
}
