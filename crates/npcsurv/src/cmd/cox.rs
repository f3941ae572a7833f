//! `npcsurv cox`: a Cox model, with its proportional-hazards test when asked.

use surv_engine::{CoxConfig, SurvivalData, ZphConfig, cox_ph};
use surv_render::cox::{self, CoxOutput};

use crate::args::CoxArgs;
use crate::error::CliError;
use crate::input;

pub fn run(args: CoxArgs) -> Result<(), CliError> {
    let mut spec = input::spec(&args.input);
    spec.covariates = args.covariates.clone();
    spec.references = args.references.clone();
    spec.strata = args.strata.clone();
    let table = input::read(&args.input, &spec)?;
    let analysis = CliError::analysis(&table.source);
    let mut data = SurvivalData::new(&table.time, &table.event).map_err(&analysis)?;
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
    };
    for warning in cox::warnings(&output) {
        input::warn(&warning);
    }
    input::print(&cox::render(&output, args.input.format))
}
