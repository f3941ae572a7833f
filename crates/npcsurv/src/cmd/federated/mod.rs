//! The multi-centre commands: `site summary` and `site cox` (run at each
//! site), `pool km`, `pool logrank` and `pool cox` (run by the coordinator),
//! and `federate`, the whole protocol rehearsed on one machine through the
//! same files. The numbers come from `surv_engine::pooling`; the files are
//! `surv_reader::exchange`'s. `site` is what a site runs, `pool` what the
//! coordinator runs, `federate` the rehearsal that runs both.

use std::path::{Path, PathBuf};

use surv_engine::cox::{ConcordanceSums, CoxEvaluation, Newton};
use surv_engine::pooling::{
    CountRow, CoxSite, LogRankSums, SiteCounts, expand, pooled_cox_fit, pooled_log_rank,
};
use surv_engine::{
    CoxConfig, KmConfig, LogRankConfig, SurvivalData, Ties, kaplan_meier, kaplan_meier_by_group,
    log_rank,
};
use surv_reader::exchange::{
    self, ConcordanceEntry, CountEntry, CoxReply, CoxRound, CoxState, EvaluationEntry,
    FactorLevels, LogRankEntry, REPLY_SCHEMA, ROUND_SCHEMA, RoundRecord, STATE_SCHEMA,
    SUMMARY_SCHEMA, SiteSummary, read_exchange,
};
use surv_reader::{ColumnSpec, SurvivalTable};
use surv_render::OutputFormat;
use surv_render::cox::{self, CoxOutput};
use surv_render::km::{self, KmCurveOutput};
use surv_render::logrank::{self, LogRankOutput};

use crate::args::{
    FederateArgs, FederatedAnalysis, PoolCoxArgs, PoolKmArgs, PoolLogrankArgs, SiteCoxArgs,
    SiteSqlArgs, SiteSummaryArgs, Source, TimeEvent,
};
use crate::error::CliError;
use crate::input;

/// The level name of a study without groups.
const ALL: &str = "all";

mod federate;
mod pool;
mod site;

pub use federate::federate;
pub use pool::{pool_cox, pool_km, pool_logrank};
pub use site::{site_cox, site_sql, site_summary};

fn time_words(columns: &TimeEvent) -> String {
    let span = &columns.span;
    match (&span.time, &span.time_from, &span.time_to) {
        (Some(time), _, _) => format!("column `{time}`"),
        (None, Some(from), Some(to)) => format!(
            "{} from `{from}` to `{to}`",
            span.time_unit.unwrap_or_default().name()
        ),
        _ => String::new(),
    }
}

fn event_words(columns: &TimeEvent) -> String {
    match &columns.event_value {
        Some(v) => format!("column `{}` = {v}", columns.event),
        None => format!("column `{}`", columns.event),
    }
}

fn read_site(source: &Source, spec: &ColumnSpec) -> Result<SurvivalTable, CliError> {
    Ok(SurvivalTable::read_as(
        &source.file,
        &input::options(source),
        spec,
    )?)
}

fn write_json<T: serde::Serialize>(path: &Path, value: &T) -> Result<(), CliError> {
    std::fs::write(path, exchange::to_text(value)).map_err(|e| CliError::Write {
        path: path.display().to_string(),
        reason: e.to_string(),
    })
}

fn cox_config(ties: &str) -> Result<CoxConfig, CliError> {
    let ties: Ties = ties.parse().map_err(|e: String| CliError::Flag {
        flag: "--ties",
        message: e,
    })?;
    Ok(CoxConfig {
        ties,
        ..CoxConfig::default()
    })
}

/// Sites in a fixed order whatever order their files come in (numeric ids
/// in numeric order, others as text), so that sums over sites, and with them
/// every last digit of the result, do not depend on the command line's order.
fn site_order(a: &str, b: &str) -> std::cmp::Ordering {
    match (a.parse::<f64>(), b.parse::<f64>()) {
        (Ok(x), Ok(y)) => x.total_cmp(&y).then_with(|| a.cmp(b)),
        _ => a.cmp(b),
    }
}

fn pick<T: Clone>(values: &[T], at: &[usize]) -> Vec<T> {
    at.iter().map(|&i| values[i].clone()).collect()
}

/// A safe file name for a site id.
fn file_name(site: &str) -> String {
    site.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect()
}
