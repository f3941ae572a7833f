//! `npcsurv logrank`: the G-rho test between groups, stratified when asked,
//! with its test for trend and its permutation p-value, all of the same test.

use surv_engine::{LogRankConfig, PermutationConfig, log_rank, permutation_log_rank};
use surv_render::logrank::{self, LogRankOutput};

use crate::args::LogrankArgs;
use crate::error::CliError;
use crate::input;

pub fn run(args: LogrankArgs) -> Result<(), CliError> {
    for (flag, given, what) in [
        ("--start", args.rows.start.is_some(), "(start, stop] rows"),
        ("--weights", args.rows.weights.is_some(), "case weights"),
    ] {
        if given {
            return Err(CliError::Flag {
                flag,
                message: format!(
                    "the log-rank test takes no {what}: R's survdiff has no such test; \
                     compare the groups with `npcsurv cox` (its score test is the log-rank \
                     test on plain rows)"
                ),
            });
        }
    }
    let mut spec = input::spec(&args.input);
    spec.group = Some(args.group.clone());
    spec.strata = args.strata.clone();
    let table = input::read(&args.input, &spec)?;
    let analysis = CliError::analysis(&table.source);
    // The reader returns the group column it was asked for.
    let groups = table
        .group
        .as_ref()
        .ok_or(surv_engine::SurvivalError::NoGroups)
        .map_err(&analysis)?;
    let mut data = input::survival_data(&table)?
        .with_groups(&groups.codes)
        .map_err(&analysis)?;
    if let Some(strata) = &table.strata {
        data = data.with_strata(&strata.codes).map_err(&analysis)?;
    }
    let config = LogRankConfig { rho: args.rho };
    let test = log_rank(&data, &config).map_err(&analysis)?;
    let trend = if args.trend {
        let scores: Vec<f64> = (1..=groups.levels.len()).map(|s| s as f64).collect();
        Some(test.trend(&scores).map_err(&analysis)?)
    } else {
        None
    };
    let permutation = if args.permutation {
        let config = PermutationConfig {
            log_rank: config,
            seed: args.seed,
            ..PermutationConfig::default()
        };
        Some(permutation_log_rank(&data, &config).map_err(&analysis)?)
    } else {
        None
    };
    let output = LogRankOutput {
        test: &test,
        levels: &groups.levels,
        strata: table
            .strata
            .as_ref()
            .map(|s| (s.column.as_str(), data.n_strata())),
        trend: trend.as_ref(),
        permutation: permutation.as_ref(),
        n_dropped: table.n_dropped,
    };
    input::print(&logrank::render(&output, args.input.columns.format))
}
