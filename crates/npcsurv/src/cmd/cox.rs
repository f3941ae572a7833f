//! `npcsurv cox`: a Cox model, with its proportional-hazards test when asked.

use surv_engine::{CoxConfig, ZphConfig, cox_ph};
use surv_render::cox::{self, CoxOutput};

use surv_reader::{Covariate, SurvivalTable};

use crate::args::CoxArgs;
use crate::error::CliError;
use crate::input;

pub fn run(args: CoxArgs) -> Result<(), CliError> {
    let mut spec = input::with_rows(input::spec(&args.input), &args.rows);
    spec.cluster = args.cluster.clone();
    spec.positive_weights = true;
    spec.covariates = args.covariates.clone();
    spec.references = args.references.clone();
    spec.strata = args.strata.clone();
    for column in &args.categorical {
        if !args.covariates.contains(column) {
            return Err(CliError::Flag {
                flag: "--categorical",
                message: format!(
                    "`{column}` is not among --covariates ({})",
                    args.covariates.join(", ")
                ),
            });
        }
    }
    spec.categorical = args.categorical.clone();
    let table = input::read(&args.input, &spec)?;
    let analysis = CliError::analysis(&table.source);
    let mut data = input::survival_data(&table)?;
    if let Some(strata) = &table.strata {
        data = data.with_strata(&strata.codes).map_err(&analysis)?;
    }
    let columns: Vec<&[f64]> = table
        .covariates
        .iter()
        .map(|c| c.values.as_slice())
        .collect();
    let names: Vec<String> = table.covariates.iter().map(|c| c.name.clone()).collect();
    let config = CoxConfig {
        ties: args.ties,
        ..CoxConfig::default()
    };
    let fit = cox_ph(&data, &columns, &config).map_err(&analysis)?;
    let zph = if args.zph {
        let config = ZphConfig {
            transform: args.zph_transform,
        };
        Some(fit.zph(&config).map_err(&analysis)?)
    } else {
        None
    };
    let output = CoxOutput {
        fit: &fit,
        names: &names,
        zph: zph.as_ref(),
        n_dropped: table.n_dropped,
        notes: &data_warnings(&table, &args.covariates),
    };
    for warning in cox::warnings(&output) {
        input::warn(&warning);
    }
    input::print(&cox::render(&output, args.input.columns.format))
}

/// What the data say about the model before it is read: a category without
/// events (its hazard ratio cannot be estimated), and fewer than 10 events per
/// coefficient (the rule of thumb of Peduzzi et al., 1996).
fn data_warnings(table: &SurvivalTable, columns: &[String]) -> Vec<String> {
    let mut notes = Vec::new();
    let events_where = |rows: &dyn Fn(usize) -> bool| {
        (0..table.event.len())
            .filter(|&r| rows(r) && table.event[r])
            .count()
    };
    for column in columns {
        let prefix = format!("{column}=");
        let indicators: Vec<&Covariate> = table
            .covariates
            .iter()
            .filter(|c| c.name.starts_with(&prefix))
            .collect();
        if indicators.is_empty() {
            continue;
        }
        for c in &indicators {
            if events_where(&|r| c.values[r] == 1.0) == 0 {
                notes.push(format!(
                    "level `{}` has no events: its hazard ratio cannot be estimated",
                    c.name
                ));
            }
        }
        if events_where(&|r| indicators.iter().all(|c| c.values[r] == 0.0)) == 0 {
            notes.push(format!(
                "the reference level of `{column}` has no events: no hazard ratio against it can be estimated"
            ));
        }
    }
    let events = table.event.iter().filter(|&&e| e).count();
    let coefficients = table.covariates.len();
    if coefficients > 0 && events < 10 * coefficients {
        notes.push(format!(
            "{events} events for {coefficients} coefficients ({:.1} per coefficient): \
             with fewer than 10 events per coefficient the estimates may be unreliable",
            events as f64 / coefficients as f64
        ));
    }
    notes
}
