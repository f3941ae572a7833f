//! `npcsurv km`: Kaplan-Meier curves, with the curve at chosen times, the
//! restricted mean and a figure.

use std::path::Path;

use surv_engine::{
    KmConfig, KmCurve, LogRankConfig, SurvivalData, kaplan_meier, kaplan_meier_by_group, log_rank,
};
use surv_reader::SurvivalTable;
use surv_render::km::{self, KmCurveOutput};
use surv_render::plot::{self, DEFAULT_DPI, ImageFormat, PlotOptions, PlottedTest, RiskRow, Scale};

use crate::args::{FigureArgs, KmArgs};
use crate::error::CliError;
use crate::input;

pub fn run(args: KmArgs) -> Result<(), CliError> {
    input::check_dpi(args.plot.as_deref(), args.figure.dpi)?;
    if args.plot.is_some() && args.rows.weights.is_some() {
        // The table under the figure counts rows; R's weighted n.risk is a
        // sum of weights. Refused rather than printed wrong.
        return Err(CliError::Flag {
            flag: "--plot",
            message: "draws the number at risk as a count of rows, and with --weights R's \
                      n.risk is the weight at risk: a weighted figure is not drawn yet"
                .to_owned(),
        });
    }
    if args.plot.is_some()
        && args.group.is_some()
        && !args.figure.no_pval
        && (args.rows.start.is_some() || args.rows.weights.is_some())
    {
        return Err(CliError::Flag {
            flag: "--plot",
            message: "prints the log-rank p on the figure, and R's survdiff has no test for \
                      --start or --weights rows: add --no-pval"
                .to_owned(),
        });
    }
    let mut spec = input::with_rows(input::spec(&args.input), &args.rows);
    spec.group = args.group.clone();
    spec.strata = args.figure.strata.clone();
    let table = input::read(&args.input, &spec)?;
    let analysis = CliError::analysis(&table.source);
    let config = KmConfig {
        conf_type: args.conf_type,
        conf_level: args.conf_level,
    };
    let data = input::survival_data(&table)?;
    let (curves, labels, grouped): (Vec<_>, Vec<Option<&str>>, _) = match &table.group {
        Some(g) => {
            let data = data.with_groups(&g.codes).map_err(&analysis)?;
            (
                kaplan_meier_by_group(&data, &config).map_err(&analysis)?,
                g.levels.iter().map(|l| Some(l.as_str())).collect(),
                Some(data),
            )
        }
        None => (
            vec![kaplan_meier(&data, &config).map_err(&analysis)?],
            vec![None],
            None,
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
        let test = match grouped {
            Some(data) => plotted_test(&args, &table, data)?,
            None => None,
        };
        let named = names(&args.figure, &labels)?;
        let labelled: Vec<(Option<String>, &KmCurve)> = named.into_iter().zip(&curves).collect();
        draw(path, &args, &labelled, test)?;
    }
    input::print(&km::render(
        &outputs,
        table.n_dropped,
        args.input.columns.format,
    ))
}

/// The test printed on a grouped plot: the log-rank, or the G-rho and strata
/// asked for, on the grouped rows of the curves.
fn plotted_test(
    args: &KmArgs,
    table: &SurvivalTable,
    grouped: SurvivalData,
) -> Result<Option<PlottedTest>, CliError> {
    let Some(groups) = &table.group else {
        return Ok(None);
    };
    if args.figure.no_pval {
        return Ok(None);
    }
    if groups.levels.len() < 2 {
        input::warn(&format!(
            "{}: one group only ({}), so the plot shows no test",
            table.source,
            groups.levels.join(", ")
        ));
        return Ok(None);
    }
    let analysis = CliError::analysis(&table.source);
    let data = match &table.strata {
        Some(strata) => grouped.with_strata(&strata.codes).map_err(&analysis)?,
        None => grouped,
    };
    let rho = args.figure.rho.unwrap_or(0.0);
    let test = log_rank(&data, &LogRankConfig { rho }).map_err(&analysis)?;
    Ok(Some(PlottedTest {
        p_value: test.p_value,
        rho,
        stratified: table.strata.is_some(),
    }))
}

/// Each curve's name on the plot: its level, or the name --labels gives it.
fn names(figure: &FigureArgs, levels: &[Option<&str>]) -> Result<Vec<Option<String>>, CliError> {
    for (level, _) in &figure.labels {
        if !levels.contains(&Some(level.as_str())) {
            let known: Vec<&str> = levels.iter().flatten().copied().collect();
            return Err(CliError::Flag {
                flag: "--labels",
                message: format!("no group `{level}`; the groups are {}", known.join(", ")),
            });
        }
    }
    Ok(levels
        .iter()
        .map(|level| {
            level.map(|level| {
                figure
                    .labels
                    .iter()
                    .rev()
                    .find(|(l, _)| l == level)
                    .map_or_else(|| level.to_owned(), |(_, name)| name.clone())
            })
        })
        .collect())
}

fn draw(
    path: &Path,
    args: &KmArgs,
    curves: &[(Option<String>, &KmCurve)],
    test: Option<PlottedTest>,
) -> Result<(), CliError> {
    let figure = &args.figure;
    let plot_error = |error| CliError::Plot {
        path: path.display().to_string(),
        error,
    };
    let mut risk_table = vec![RiskRow::AtRisk];
    for &row in &figure.risk_table {
        if !risk_table.contains(&row) {
            risk_table.push(row);
        }
    }
    let options = PlotOptions {
        conf_band: figure.conf_band,
        risk_table,
        time_breaks: figure.time_breaks,
        xlim: figure.xlim,
        landmarks: Vec::new(),
        test,
        scale: figure.fun,
    };
    let data = plot::data(curves, &options).map_err(plot_error)?;
    let x_label = figure
        .xlab
        .clone()
        .unwrap_or_else(|| input::time_description(&args.input.columns.time_event.span));
    let labels = plot::Labels {
        title: figure.title.as_deref(),
        x: &x_label,
        y: figure.ylab.as_deref().unwrap_or(match figure.fun {
            Scale::Survival => "Survival probability",
            Scale::Event => "Cumulative event probability",
        }),
        legend: args.group.as_deref(),
        landmark: None,
    };
    let svg = plot::svg(&data, &labels).map_err(plot_error)?;
    let format = ImageFormat::from_path(path).map_err(plot_error)?;
    let bytes =
        plot::encode(&svg, format, figure.dpi.unwrap_or(DEFAULT_DPI)).map_err(plot_error)?;
    std::fs::write(path, bytes).map_err(|e| CliError::Write {
        path: path.display().to_string(),
        reason: e.to_string(),
    })
}
