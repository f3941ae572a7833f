//! The claims ledger: every number the paper states, recomputed from the patient
//! rows (or, for facts no row carries, checked against the other aggregates),
//! with one verdict each.

use std::collections::BTreeMap;
use std::fmt::Write;

use dizdar2021_cohort::{AggregateFacts, Cohort};
use serde::{Deserialize, Serialize};

use crate::predicate::{NumericField, Predicate};
use crate::survival_summary::SurvivalSummary;
use crate::univariate::FactorResult;

/// The claims file: `fixtures/dizdar2021/claims.toml`.
pub const CLAIMS_TOML: &str = include_str!("../../../fixtures/dizdar2021/claims.toml");

/// One quantitative statement of the paper.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Claim {
    /// Stable identifier.
    pub id: String,
    /// Where it stands: Abstract, Methods, Results, Discussion, Table 1.
    pub section: String,
    /// The paper's words.
    pub quote: String,
    /// The number as printed.
    pub reported: f64,
    /// Decimals it was printed with.
    pub decimals: u32,
    /// What the rows give, in the vocabulary of [`evaluate`].
    pub quantity: String,
    /// `eq` (default) or a bound: `ge`, `gt`, `le`, `lt`.
    #[serde(default)]
    pub relation: Option<String>,
    /// How an ambiguous sentence was read.
    #[serde(default)]
    pub note: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ClaimsFile {
    claim: Vec<Claim>,
}

/// Parses the claims file; `Err` says where it is malformed.
pub fn parse(text: &str) -> Result<Vec<Claim>, String> {
    let file: ClaimsFile = toml::from_str(text).map_err(|e| e.to_string())?;
    let mut seen = std::collections::HashSet::new();
    for c in &file.claim {
        if !seen.insert(c.id.as_str()) {
            return Err(format!("claim id `{}` appears twice", c.id));
        }
    }
    Ok(file.claim)
}

/// What the ledger says of a claim.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    /// The rows give the same number at the printed precision.
    Reproduced,
    /// The rows give another number.
    Discrepant,
    /// No row carries it; only the paper's other aggregates can check it.
    AggregateOnly,
}

impl Verdict {
    /// The verdict as written in the ledger.
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Reproduced => "reproduced",
            Verdict::Discrepant => "discrepant",
            Verdict::AggregateOnly => "aggregate-only",
        }
    }
}

/// One row of the ledger.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LedgerEntry {
    /// Claim id.
    pub id: String,
    /// Section.
    pub section: String,
    /// The paper's words.
    pub quote: String,
    /// The number as printed.
    pub reported: f64,
    /// Decimals printed.
    pub decimals: u32,
    /// The relation checked.
    pub relation: String,
    /// The number recomputed (or the aggregate it rests on).
    pub computed: Option<f64>,
    /// The verdict.
    pub verdict: Verdict,
    /// What was computed and, when discrepant, what the data show instead.
    pub note: String,
}

/// Everything a quantity can be computed from.
pub struct Context<'a> {
    /// The patients.
    pub cohort: &'a Cohort,
    /// Overall survival.
    pub survival: &'a SurvivalSummary,
    /// Univariate results by factor id.
    pub factors: &'a BTreeMap<String, FactorResult>,
    /// Facts stated only in aggregate.
    pub aggregates: &'a AggregateFacts,
}

/// Where a computed number comes from.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Source {
    /// The patient rows.
    Rows,
    /// The paper's aggregate facts.
    Aggregates,
}

/// Evaluates a quantity:
/// `n_patients`, `count:<pred>`, `percent:<pred>`, `percent_of:<pred>|<base>`,
/// `median|min|max:<field>[|<pred>]`, `os_percent:<months>`, `median_os`,
/// `median_followup_observed`, `median_followup_reverse_km`,
/// `logrank_p:<factor>`, `logrank_min_p:<factor>,…`, `aggregate:<fact>`,
/// `aggregate_percent:<fact>/<fact or n_patients>`.
/// `Ok(None)`: defined but not estimable (e.g. a median not reached).
pub fn evaluate(quantity: &str, cx: &Context<'_>) -> Result<(Option<f64>, Source), String> {
    let patients = cx.cohort.patients();
    let (kind, argument) = quantity.split_once(':').unwrap_or((quantity, ""));
    let rows = |v: Option<f64>| Ok((v, Source::Rows));
    let count = |text: &str| -> Result<usize, String> {
        let pred = Predicate::parse(text)?;
        Ok(patients.iter().filter(|p| pred.holds(p)).count())
    };
    match kind {
        "n_patients" => rows(Some(patients.len() as f64)),
        "count" => rows(Some(count(argument)? as f64)),
        "percent" => rows(Some(
            100.0 * count(argument)? as f64 / patients.len() as f64,
        )),
        "percent_of" => {
            let (part, base) = argument
                .split_once('|')
                .ok_or("percent_of needs `<pred>|<base pred>`")?;
            let base_pred = Predicate::parse(base)?;
            let part_pred = Predicate::parse(part)?;
            let in_base: Vec<_> = patients.iter().filter(|p| base_pred.holds(p)).collect();
            let hits = in_base.iter().filter(|p| part_pred.holds(p)).count();
            rows((!in_base.is_empty()).then(|| 100.0 * hits as f64 / in_base.len() as f64))
        }
        "median" | "min" | "max" => {
            let (field, filter) = argument.split_once('|').unwrap_or((argument, "all"));
            let field =
                NumericField::parse(field).ok_or_else(|| format!("unknown field `{field}`"))?;
            let pred = Predicate::parse(filter)?;
            let mut values: Vec<f64> = patients
                .iter()
                .filter(|p| pred.holds(p))
                .filter_map(|p| field.value(p))
                .collect();
            values.sort_by(f64::total_cmp);
            let n = values.len();
            rows(match (kind, n) {
                (_, 0) => None,
                ("min", _) => values.first().copied(),
                ("max", _) => values.last().copied(),
                _ if n % 2 == 1 => Some(values[n / 2]),
                _ => Some((values[n / 2 - 1] + values[n / 2]) / 2.0),
            })
        }
        "os_percent" => {
            let months: f64 = argument
                .parse()
                .map_err(|_| format!("`{argument}` is not a number of months"))?;
            rows(
                cx.survival
                    .curve
                    .at(&[months])
                    .first()
                    .and_then(|a| a.survival)
                    .map(|s| 100.0 * s),
            )
        }
        "median_os" => rows(cx.survival.median.time),
        "median_followup_observed" => rows(Some(cx.survival.follow_up.median_observed)),
        "median_followup_reverse_km" => rows(cx.survival.follow_up.reverse_km.time),
        "logrank_p" => {
            let f = cx
                .factors
                .get(argument)
                .ok_or_else(|| format!("unknown factor `{argument}`"))?;
            rows(Some(f.logrank_p))
        }
        "logrank_min_p" => {
            let mut smallest = f64::INFINITY;
            for id in argument.split(',') {
                let f = cx
                    .factors
                    .get(id.trim())
                    .ok_or_else(|| format!("unknown factor `{id}`"))?;
                smallest = smallest.min(f.logrank_p);
            }
            rows(Some(smallest))
        }
        "aggregate" => Ok((Some(fact(cx, argument)?), Source::Aggregates)),
        "aggregate_percent" => {
            let (num, den) = argument
                .split_once('/')
                .ok_or("aggregate_percent needs `<fact>/<fact>`")?;
            let den = if den == "n_patients" {
                patients.len() as f64
            } else {
                fact(cx, den)?
            };
            Ok((Some(100.0 * fact(cx, num)? / den), Source::Aggregates))
        }
        other => Err(format!("unknown quantity `{other}`")),
    }
}

fn fact(cx: &Context<'_>, id: &str) -> Result<f64, String> {
    cx.aggregates
        .get(id)
        .map(|f| f.value)
        .ok_or_else(|| format!("no aggregate fact `{id}`"))
}

/// Whether `computed` agrees with the claim.
fn agrees(claim: &Claim, computed: f64) -> bool {
    let scale = 10f64.powi(claim.decimals as i32);
    match claim.relation.as_deref().unwrap_or("eq") {
        "ge" => computed >= claim.reported,
        "gt" => computed > claim.reported,
        "le" => computed <= claim.reported,
        "lt" => computed < claim.reported,
        // Rounded to the printed decimals, the two are the same number. A tiny
        // nudge keeps values like 0.5 − 1e-15 from rounding the wrong way.
        _ => ((computed * scale) + 1e-9).round() == (claim.reported * scale).round(),
    }
}

/// Formats a number at `decimals` places.
pub fn fixed(x: f64, decimals: u32) -> String {
    format!("{:.*}", decimals as usize, x)
}

/// Judges every claim.
pub fn ledger(claims: &[Claim], cx: &Context<'_>) -> Result<Vec<LedgerEntry>, String> {
    claims
        .iter()
        .map(|claim| {
            let (computed, source) = evaluate(&claim.quantity, cx).map_err(|e| format!("claim `{}`: {e}", claim.id))?;
            let relation = claim.relation.clone().unwrap_or_else(|| "eq".to_owned());
            let shown = |x: f64| fixed(x, claim.decimals.max(if relation == "eq" { 0 } else { 3 }));
            let (verdict, mut note) = match (source, computed) {
                (Source::Aggregates, Some(x)) => {
                    let check = if x == claim.reported || agrees(claim, x) {
                        format!("no patient row carries this; consistent with the stated aggregates ({})", shown(x))
                    } else {
                        format!("no patient row carries this; the stated aggregates give {} instead", shown(x))
                    };
                    (Verdict::AggregateOnly, check)
                }
                (_, Some(x)) if agrees(claim, x) => (Verdict::Reproduced, format!("rows give {}", shown(x))),
                (_, Some(x)) => (Verdict::Discrepant, format!("rows give {}, not {}", shown(x), shown(claim.reported))),
                (_, None) => (Verdict::Discrepant, "the rows do not allow this estimate".to_owned()),
            };
            if let Some(extra) = &claim.note {
                let _ = write!(note, "; {extra}");
            }
            Ok(LedgerEntry {
                id: claim.id.clone(),
                section: claim.section.clone(),
                quote: claim.quote.clone(),
                reported: claim.reported,
                decimals: claim.decimals,
                relation,
                computed,
                verdict,
                note,
            })
        })
        .collect()
}

/// The ledger as Markdown.
pub fn markdown(entries: &[LedgerEntry]) -> String {
    let mut out = String::from("# Claims ledger\n\n");
    let count = |v: Verdict| entries.iter().filter(|e| e.verdict == v).count();
    let _ = writeln!(
        out,
        "{} claims: {} reproduced, {} discrepant, {} aggregate-only.\n",
        entries.len(),
        count(Verdict::Reproduced),
        count(Verdict::Discrepant),
        count(Verdict::AggregateOnly)
    );
    out.push_str(
        "Each number the paper states is recomputed from the 35 patient rows of Table 2 and compared at \
         the precision the paper printed it with (a bound such as \"more than 5 years\" is checked as a \
         bound). Numbers no row carries are marked aggregate-only and checked against the paper's other \
         aggregates.\n\n",
    );
    out.push_str("| id | section | quote | reported | computed | verdict | note |\n|---|---|---|---:|---:|---|---|\n");
    for e in entries {
        let computed = e
            .computed
            // Whole numbers as such; otherwise one decimal more than printed, so
            // that the rounding behind a verdict shows (51.4 against a printed 51).
            .map_or_else(
                || "—".to_owned(),
                |x| {
                    if x.fract() == 0.0 {
                        fixed(x, 0)
                    } else {
                        fixed(x, e.decimals + 1)
                    }
                },
            );
        let relation = match e.relation.as_str() {
            "ge" => "≥ ",
            "gt" => "> ",
            "le" => "≤ ",
            "lt" => "< ",
            _ => "",
        };
        let _ = writeln!(
            out,
            "| {} | {} | {} | {relation}{} | {computed} | **{}** | {} |",
            e.id,
            e.section,
            e.quote.replace('|', "\\|"),
            fixed(e.reported, e.decimals),
            e.verdict.as_str(),
            e.note.replace('|', "\\|")
        );
    }
    out
}
