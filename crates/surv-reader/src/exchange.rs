//! The files a multi-centre study exchanges, by e-mail or a shared folder: a
//! site's summary for Kaplan-Meier and log-rank, and the rounds and replies of
//! a Cox fit. Each is readable JSON with a schema name and version, the site,
//! the variables and levels, and a plain list of what it discloses, so that a
//! data-protection officer can read it before it leaves the site.
//!
//! These are the formats only: the numbers come from the engine, and the
//! command line writes them with the same types (serde), so what is written is
//! what is read back.

use std::path::Path;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::error::ReadError;

/// The schema of a site summary.
pub const SUMMARY_SCHEMA: &str = "npcsurv-site-summary/1";
/// The schema of a Cox round (coordinator to sites).
pub const ROUND_SCHEMA: &str = "npcsurv-cox-round/1";
/// The schema of a Cox reply (site to coordinator).
pub const REPLY_SCHEMA: &str = "npcsurv-cox-reply/1";
/// The schema of the coordinator's record of a Cox fit.
pub const STATE_SCHEMA: &str = "npcsurv-cox-state/1";

/// What a site sends for Kaplan-Meier and log-rank.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SiteSummary {
    /// [`SUMMARY_SCHEMA`].
    pub schema: String,
    /// The site's id.
    pub site: String,
    /// What the file discloses, in words.
    pub discloses: Vec<String>,
    /// How the time was read (a column, or two date columns and a unit).
    pub time: String,
    /// The event column, and the value that means an event if one was given.
    pub event: String,
    /// The grouping column, if any.
    pub group: Option<String>,
    /// The study's group levels, in code order (`["all"]` without groups).
    pub levels: Vec<String>,
    /// Rows were merged into intervals of at least this many subjects (0: not).
    pub min_cell: u64,
    /// Subjects counted.
    pub n: u64,
    /// Rows left out for a missing value.
    pub n_dropped: u64,
    /// Events and censorings per group and time (the end of its interval when
    /// coarsened), sorted by group, then time.
    pub counts: Vec<CountEntry>,
    /// The site's part of the log-rank test stratified by site (with groups).
    pub logrank: Option<LogRankEntry>,
}

/// One row of a site's count table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CountEntry {
    /// The group's level.
    pub group: String,
    /// The time.
    pub time: f64,
    /// Events.
    pub n_event: u64,
    /// Censorings.
    pub n_censor: u64,
}

/// A site's G-rho sums.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LogRankEntry {
    /// The weights' exponent.
    pub rho: f64,
    /// Subjects per group.
    pub n: Vec<u64>,
    /// Weighted observed events per group.
    pub observed: Vec<f64>,
    /// Weighted expected events per group.
    pub expected: Vec<f64>,
    /// Variance matrix of observed − expected, one row per group.
    pub variance: Vec<Vec<f64>>,
}

/// What the coordinator asks of every site in one round of a Cox fit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CoxRound {
    /// [`ROUND_SCHEMA`].
    pub schema: String,
    /// The round, from 0.
    pub round: u64,
    /// `evaluate` (log-likelihood, score and information at `beta`) or
    /// `concordance` (pair counts at the final `beta`).
    pub asks: String,
    /// The covariate columns.
    pub covariates: Vec<String>,
    /// The declared levels of the categorical ones, the reference first.
    pub factors: Vec<FactorLevels>,
    /// The coefficients' names, in order: a numeric column's name, or
    /// `column=level` for each level of a factor but its reference.
    pub terms: Vec<String>,
    /// `efron` or `breslow`.
    pub ties: String,
    /// The coefficients to evaluate at.
    pub beta: Vec<f64>,
}

/// A categorical covariate's levels, as the study declares them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FactorLevels {
    /// The column.
    pub column: String,
    /// Its levels, the reference first.
    pub levels: Vec<String>,
}

/// The coefficients' names of `covariates` with `factors` declared.
pub fn terms(covariates: &[String], factors: &[FactorLevels]) -> Vec<String> {
    covariates
        .iter()
        .flat_map(|c| match factors.iter().find(|f| f.column == *c) {
            Some(f) => f.levels[1..].iter().map(|l| format!("{c}={l}")).collect(),
            None => vec![c.clone()],
        })
        .collect()
}

/// A site's reply to one round.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CoxReply {
    /// [`REPLY_SCHEMA`].
    pub schema: String,
    /// The site's id.
    pub site: String,
    /// The round answered.
    pub round: u64,
    /// The coefficients' names (as the round gave them).
    pub terms: Vec<String>,
    /// The coefficients it was evaluated at (as the round gave them).
    pub beta: Vec<f64>,
    /// What the file discloses, in words.
    pub discloses: Vec<String>,
    /// Subjects used.
    pub n: u64,
    /// Events among them.
    pub events: u64,
    /// Rows left out for a missing value.
    pub n_dropped: u64,
    /// The answer to `evaluate`.
    pub evaluation: Option<EvaluationEntry>,
    /// The answer to `concordance`.
    pub concordance: Option<ConcordanceEntry>,
}

/// ℓ, U and I at one β.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EvaluationEntry {
    /// Log partial likelihood.
    pub loglik: f64,
    /// Score vector.
    pub score: Vec<f64>,
    /// Information matrix, one row per coefficient.
    pub information: Vec<Vec<f64>>,
}

/// A site's concordance pair counts and jackknife sums.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConcordanceEntry {
    /// Concordant pairs.
    pub concordant: f64,
    /// Discordant pairs.
    pub discordant: f64,
    /// Pairs tied on the score.
    pub tied_x: f64,
    /// Pairs tied on the time.
    pub tied_y: f64,
    /// Pairs tied on both.
    pub tied_xy: f64,
    /// Σ (concordant − discordant)² over subjects.
    pub sum_aa: f64,
    /// Σ (concordant − discordant)(concordant + discordant + tied).
    pub sum_ab: f64,
    /// Σ (concordant + discordant + tied)².
    pub sum_bb: f64,
}

/// The coordinator's record of a Cox fit: the study and every round's
/// summed replies, from which the iteration is replayed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CoxState {
    /// [`STATE_SCHEMA`].
    pub schema: String,
    /// The covariate columns.
    pub covariates: Vec<String>,
    /// The declared levels of the categorical ones.
    pub factors: Vec<FactorLevels>,
    /// `efron` or `breslow`.
    pub ties: String,
    /// The sites, fixed by the first round's replies.
    pub sites: Vec<String>,
    /// Each finished round: the β asked and the sum of the replies.
    pub rounds: Vec<RoundRecord>,
}

/// One finished round.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RoundRecord {
    /// The round.
    pub round: u64,
    /// The β it asked for.
    pub beta: Vec<f64>,
    /// The replies summed.
    pub evaluation: EvaluationEntry,
    /// Subjects over the sites.
    pub n: u64,
    /// Events over the sites.
    pub events: u64,
}

/// A file of the kind `T` whose schema is `schema`; a file that is not
/// (another kind, another version, not JSON) is [`ReadError::Unreadable`]
/// saying what it is and what was expected.
pub fn read_exchange<T: DeserializeOwned>(path: &Path, schema: &str) -> Result<T, ReadError> {
    let name = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|source| ReadError::Io {
        path: name.clone(),
        source,
    })?;
    let value: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| ReadError::Unreadable {
            path: name.clone(),
            reason: format!("not JSON: {e}"),
        })?;
    match value.get("schema").and_then(|s| s.as_str()) {
        Some(found) if found == schema => {}
        Some(found) => {
            return Err(ReadError::Unreadable {
                path: name,
                reason: format!("schema `{found}`; expected `{schema}`"),
            });
        }
        None => {
            return Err(ReadError::Unreadable {
                path: name,
                reason: format!("no schema; expected a file of schema `{schema}`"),
            });
        }
    }
    serde_json::from_value(value).map_err(|e| ReadError::Unreadable {
        path: name,
        reason: format!("not a valid `{schema}` file: {e}"),
    })
}

/// The text of an exchange file: pretty JSON, a final newline, every number
/// in the shortest form that reads back as the same double (so that a β sent
/// to the sites comes back from them unchanged).
pub fn to_text<T: Serialize>(value: &T) -> String {
    // The exchange types are plain structs of numbers and text, which
    // serde_json always serialises.
    serde_json::to_string_pretty(value).unwrap_or_default() + "\n"
}

/// The count table of a site summary (before any coarsening) as one SQL
/// query, for a site whose rows live in a database: `group`, `time`,
/// `n_event` and `n_censor` per group and distinct time, sorted, leaving out
/// rows with a missing time, event or group as the reader does. `time` is a
/// column (times from two dates differ in SQL between databases and are
/// refused); the event is the column equal to `event_value`, or 1.
///
/// ```
/// let q = surv_reader::exchange::count_query("visits", "months", "died", None, Some("arm")).unwrap();
/// assert!(q.contains(r#"GROUP BY "arm", "months""#));
/// ```
pub fn count_query(
    table: &str,
    time: &str,
    event: &str,
    event_value: Option<&str>,
    group: Option<&str>,
) -> Result<String, String> {
    let ident = |name: &str| format!("\"{}\"", name.replace('"', "\"\""));
    let literal = |value: &str| {
        if value.parse::<f64>().is_ok_and(f64::is_finite) {
            value.to_owned()
        } else {
            format!("'{}'", value.replace('\'', "''"))
        }
    };
    if table.trim().is_empty() || time.trim().is_empty() {
        return Err("a table and a time column are needed".to_owned());
    }
    let is_event = format!("{} = {}", ident(event), literal(event_value.unwrap_or("1")));
    let (group_expr, group_by, not_null) = match group {
        Some(g) => (
            format!("CAST({} AS VARCHAR)", ident(g)),
            format!("{}, ", ident(g)),
            format!(" AND {} IS NOT NULL", ident(g)),
        ),
        None => ("'all'".to_owned(), String::new(), String::new()),
    };
    Ok(format!(
        "SELECT {group_expr} AS \"group\", {t} AS \"time\",\n\
         \x20      SUM(CASE WHEN {is_event} THEN 1 ELSE 0 END) AS \"n_event\",\n\
         \x20      SUM(CASE WHEN {is_event} THEN 0 ELSE 1 END) AS \"n_censor\"\n\
         FROM {table}\n\
         WHERE {t} IS NOT NULL AND {e} IS NOT NULL{not_null}\n\
         GROUP BY {group_by}{t}\n\
         ORDER BY {group_by}{t}\n",
        t = ident(time),
        e = ident(event),
        table = ident(table),
    ))
}
