//! `npcsurv cuminc` and `npcsurv finegray`: competing risks, where the
//! status column holds the censoring value or one of several causes.

use std::path::Path;

use surv_engine::{
    CompetingRisksData, FineGrayConfig, GrayConfig, GrayTest, cumulative_incidence, fine_gray,
    gray_test,
};
use surv_reader::{ColumnSpec, Status, StatusSpec, SurvivalTable};
use surv_render::cuminc::{self, CumincOutput};
use surv_render::finegray::{self, FineGrayOutput};
use surv_render::plot::{self, DEFAULT_DPI, ImageFormat, PlotOptions, RiskRow, Scale, StepCurve};

use crate::args::{CompetingInput, CumincArgs, FinegrayArgs};
use crate::error::CliError;
use crate::input;

/// The columns of a competing-risks analysis: time and status.
fn spec(input: &CompetingInput) -> ColumnSpec {
    ColumnSpec {
        status: Some(StatusSpec {
            column: input.status.clone(),
            censor_value: input.censor_value.clone(),
        }),
        ..input::spec_of_span(&input.span, &input.status)
    }
}

/// The table's status, with a warning when no row is censored (a mistyped
/// --censor-value would otherwise turn censoring into a cause).
fn status<'a>(table: &'a SurvivalTable, input: &CompetingInput) -> Result<&'a Status, CliError> {
    let status = table.status.as_ref().ok_or_else(|| CliError::Flag {
        flag: "--status",
        message: "was not read".to_owned(),
    })?;
    if status.causes.is_empty() {
        return Err(CliError::Flag {
            flag: "--status",
            message: format!(
                "every row of `{}` is censored ({}); there is no cause to estimate",
                status.column, input.censor_value
            ),
        });
    }
    if status.codes.iter().all(|&c| c != 0) {
        input::warn(&format!(
            "{}: no row of `{}` has the censoring value {}, so every row is an event; \
             the values are {} (give --censor-value if one of them means censored)",
            table.source,
            status.column,
            input.censor_value,
            status.causes.join(", ")
        ));
    }
    Ok(status)
}

pub fn cuminc(args: CumincArgs) -> Result<(), CliError> {
    input::check_dpi(args.plot.as_deref(), args.dpi)?;
    let mut spec = spec(&args.input);
    spec.group = args.group.clone();
    let table = input::read_source(&args.input.source, &spec)?;
    let analysis = CliError::analysis(&table.source);
    let status = status(&table, &args.input)?;
    let mut data = CompetingRisksData::new(&table.time, &status.codes).map_err(&analysis)?;
    if let Some(g) = &table.group {
        data = data.with_groups(&g.codes).map_err(&analysis)?;
    }
    let fit = cumulative_incidence(&data).map_err(&analysis)?;
    let gray: Option<Vec<GrayTest>> = match &table.group {
        Some(g) if g.levels.len() < 2 => {
            input::warn(&format!(
                "{}: one group only ({}), so Gray's test is not defined",
                table.source,
                g.levels.join(", ")
            ));
            Some(
                (1..=status.causes.len() as u32)
                    .map(|cause| GrayTest { cause, test: None })
                    .collect(),
            )
        }
        Some(_) => Some(gray_test(&data, &GrayConfig { rho: args.rho }).map_err(&analysis)?),
        None => None,
    };
    let output = CumincOutput {
        censor_value: &args.input.censor_value,
        causes: &status.causes,
        groups: table.group.as_ref().map(|g| g.levels.as_slice()),
        fit: &fit,
        at: &args.at,
        gray: gray.as_deref(),
        n_dropped: table.n_dropped,
    };
    if let Some(path) = &args.plot {
        draw(path, &args, &output)?;
    }
    input::print(&cuminc::render(&output, args.input.format))
}

/// The curves as rising steps, one per group and cause, with the number at
/// risk under them (once per group: with several causes, under the first).
fn draw(path: &Path, args: &CumincArgs, o: &CumincOutput<'_>) -> Result<(), CliError> {
    let plot_error = |error| CliError::Plot {
        path: path.display().to_string(),
        error,
    };
    let several_causes = o.causes.len() > 1;
    let label = |c: &surv_engine::IncidenceCurve| {
        let cause = o
            .causes
            .get(c.cause as usize - 1)
            .cloned()
            .unwrap_or_default();
        let group = c
            .group
            .and_then(|g| o.groups.and_then(|l| l.get(g as usize)).cloned());
        match (group, several_causes) {
            (Some(g), true) => format!("{g}, {cause}"),
            (Some(g), false) => g,
            (None, _) => cause,
        }
    };
    // No confidence band and no censoring marks: a cumulative incidence plot
    // shows the estimates, as cmprsk's plot does.
    let blanks: Vec<(Vec<Option<f64>>, Vec<usize>)> = o
        .fit
        .curves
        .iter()
        .map(|c| (vec![None; c.len()], vec![0; c.len()]))
        .collect();
    let curves: Vec<(Option<String>, StepCurve<'_>)> = o
        .fit
        .curves
        .iter()
        .zip(&blanks)
        .map(|(c, (none, zeros))| {
            (
                Some(label(c)),
                StepCurve {
                    time: &c.time,
                    estimate: &c.estimate,
                    lower: none,
                    upper: none,
                    n_risk: &c.n_risk,
                    n_event: &c.n_event,
                    n_censor: zeros,
                    rising: true,
                },
            )
        })
        .collect();
    let options = PlotOptions {
        // The number at risk is a group's, the same for each of its causes:
        // with several causes it would repeat, so the table is left out.
        risk_table: if several_causes {
            Vec::new()
        } else {
            vec![RiskRow::AtRisk]
        },
        scale: Scale::Event,
        ..PlotOptions::default()
    };
    let data = plot::data_of_steps(&curves, &options).map_err(plot_error)?;
    let legend = match (&args.group, several_causes) {
        (Some(g), true) => format!("{g}, {}", args.input.status),
        (Some(g), false) => g.clone(),
        (None, _) => args.input.status.clone(),
    };
    let x_label = args
        .xlab
        .clone()
        .unwrap_or_else(|| input::time_description(&args.input.span));
    let labels = plot::Labels {
        title: args.title.as_deref(),
        x: &x_label,
        y: "Cumulative incidence",
        legend: Some(&legend),
        landmark: None,
    };
    let svg = plot::svg(&data, &labels).map_err(plot_error)?;
    let format = ImageFormat::from_path(path).map_err(plot_error)?;
    let bytes = plot::encode(&svg, format, args.dpi.unwrap_or(DEFAULT_DPI)).map_err(plot_error)?;
    std::fs::write(path, bytes).map_err(|e| CliError::Write {
        path: path.display().to_string(),
        reason: e.to_string(),
    })
}

pub fn finegray(args: FinegrayArgs) -> Result<(), CliError> {
    let mut spec = spec(&args.input);
    spec.covariates = args.covariates.clone();
    spec.categorical = args.categorical.clone();
    spec.references = args.references.clone();
    let table = input::read_source(&args.input.source, &spec)?;
    let analysis = CliError::analysis(&table.source);
    let status = status(&table, &args.input)?;
    let Some(cause) = status.cause_code(&args.cause) else {
        return Err(CliError::Flag {
            flag: "--cause",
            message: format!(
                "no row of `{}` has the cause {}; the causes are {}",
                status.column,
                args.cause,
                status.causes.join(", ")
            ),
        });
    };
    let columns: Vec<&[f64]> = table
        .covariates
        .iter()
        .map(|c| c.values.as_slice())
        .collect();
    let names: Vec<String> = table.covariates.iter().map(|c| c.name.clone()).collect();
    let fit = fine_gray(
        &table.time,
        &status.codes,
        cause,
        &columns,
        &FineGrayConfig::default(),
    )
    .map_err(&analysis)?;
    if !fit.converged {
        input::warn(&format!(
            "{}: the Fine-Gray fit did not converge in {} iterations",
            table.source, fit.iterations
        ));
    }
    input::print(&finegray::render(
        &FineGrayOutput {
            fit: &fit,
            names: &names,
            cause: &status.causes[cause as usize - 1],
            censor_value: &args.input.censor_value,
            n_dropped: table.n_dropped,
        },
        args.input.format,
    ))
}
