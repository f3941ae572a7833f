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
    /// For a number no row carries: the sum or difference of other stated
    /// numbers that determines it (`aggregate:identified - n_patients`), so
    /// that it is checked against them.
    #[serde(default)]
    pub check: Option<String>,
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
    /// No row carries it, and the other numbers the paper states give the same.
    Consistent,
    /// No row carries it, and the other numbers the paper states give another.
    Inconsistent,
    /// No row carries it and no other stated number determines it: it cannot
    /// be checked.
    AggregateOnly,
}

impl Verdict {
    /// The verdict as written in the ledger.
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Reproduced => "reproduced",
            Verdict::Discrepant => "discrepant",
            Verdict::Consistent => "consistent",
            Verdict::Inconsistent => "inconsistent",
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
    /// The number recomputed from the rows, or from the other stated numbers
    /// that determine it; `None` where neither can give it.
    pub computed: Option<f64>,
    /// The verdict.
    pub verdict: Verdict,
    /// For a percentage: whether some k/n, rounded as printed, gives it (the
    /// GRIM test), n being the count the percentage is of; `None` where no n
    /// applies (e.g. a Kaplan-Meier estimate).
    pub grim: Option<bool>,
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

/// A stated number, as a term of a check: its value and what it is.
struct Term {
    value: f64,
    name: String,
}

/// Evaluates a check: quantities and literal numbers joined by `+` and `-`.
fn evaluate_check(check: &str, cx: &Context<'_>) -> Result<(f64, String), String> {
    let mut total = 0.0;
    let mut shown = String::new();
    let mut sign = 1.0;
    for (i, token) in check.split_whitespace().enumerate() {
        if i % 2 == 1 {
            sign = match token {
                "+" => 1.0,
                "-" => -1.0,
                other => return Err(format!("`{other}` in check `{check}`; expected + or -")),
            };
            shown.push_str(if sign > 0.0 { " + " } else { " − " });
            continue;
        }
        let term = term(token, cx)?;
        total += sign * term.value;
        let _ = write!(shown, "{} ({})", fixed_short(term.value), term.name);
    }
    Ok((total, shown))
}

fn term(token: &str, cx: &Context<'_>) -> Result<Term, String> {
    if let Ok(value) = token.parse::<f64>() {
        return Ok(Term {
            value,
            name: "stated".to_owned(),
        });
    }
    let (value, _) = evaluate(token, cx)?;
    let value = value.ok_or_else(|| format!("`{token}` has no value"))?;
    let name = match token {
        "n_patients" => "patients analysed".to_owned(),
        _ => token
            .strip_prefix("aggregate:")
            .unwrap_or(token)
            .replace('_', " "),
    };
    Ok(Term { value, name })
}

/// A number without trailing zeros: 35, 82.86.
fn fixed_short(x: f64) -> String {
    if x.fract() == 0.0 {
        fixed(x, 0)
    } else {
        let s = fixed(x, 2);
        s.trim_end_matches('0').trim_end_matches('.').to_owned()
    }
}

/// The count a percentage quantity is of, if it is one.
fn denominator(quantity: &str, cx: &Context<'_>) -> Result<Option<f64>, String> {
    let (kind, argument) = quantity.split_once(':').unwrap_or((quantity, ""));
    Ok(match kind {
        "percent" => Some(cx.cohort.len() as f64),
        "percent_of" => {
            let (_, base) = argument.split_once('|').unwrap_or(("", argument));
            evaluate(&format!("count:{base}"), cx)?.0
        }
        "aggregate_percent" => {
            let (_, den) = argument.split_once('/').unwrap_or(("", argument));
            Some(term(&aggregate_token(den), cx)?.value)
        }
        _ => None,
    })
}

/// `n_patients` as it is, any other fact as `aggregate:<fact>`.
fn aggregate_token(id: &str) -> String {
    if id == "n_patients" {
        id.to_owned()
    } else {
        format!("aggregate:{id}")
    }
}

/// GRIM: can a whole number k of n, as a percentage rounded to `decimals`
/// places, print as `reported`? Rounding half up or half to even alike.
pub fn grim(reported: f64, decimals: u32, n: f64) -> bool {
    if !(n >= 1.0 && n.fract() == 0.0) {
        return false;
    }
    let half_unit = 0.5 * 10f64.powi(-(decimals as i32));
    let centre = (reported * n / 100.0).round();
    (-1..=1).any(|dk: i32| {
        let k = centre + f64::from(dk);
        (0.0..=n).contains(&k) && (100.0 * k / n - reported).abs() <= half_unit + 1e-9
    })
}

/// Judges every claim.
pub fn ledger(claims: &[Claim], cx: &Context<'_>) -> Result<Vec<LedgerEntry>, String> {
    claims
        .iter()
        .map(|claim| {
            let context = |e: String| format!("claim `{}`: {e}", claim.id);
            let (computed, source) = evaluate(&claim.quantity, cx).map_err(context)?;
            let relation = claim.relation.clone().unwrap_or_else(|| "eq".to_owned());
            let shown = |x: f64| fixed(x, claim.decimals.max(if relation == "eq" { 0 } else { 3 }));
            let judge = |x: f64, arithmetic: String| {
                let verdict = if agrees(claim, x) { Verdict::Consistent } else { Verdict::Inconsistent };
                (Some(x), verdict, format!("no patient row carries this; the other stated numbers give {arithmetic}"))
            };
            let (computed, verdict, mut note) = match (&claim.check, source, computed) {
                (Some(check), _, _) => {
                    let (x, arithmetic) = evaluate_check(check, cx).map_err(context)?;
                    judge(x, format!("{arithmetic} = {}", fixed_short(x)))
                }
                (None, Source::Aggregates, Some(x)) if claim.quantity.starts_with("aggregate_percent:") => {
                    let (num, den) = claim.quantity["aggregate_percent:".len()..]
                        .split_once('/')
                        .unwrap_or_default();
                    let (num, den) = (term(&aggregate_token(num), cx).map_err(context)?, term(&aggregate_token(den), cx).map_err(context)?);
                    judge(x, format!("{} ({}) / {} ({}) = {} %", fixed_short(num.value), num.name, fixed_short(den.value), den.name, fixed_short(x)))
                }
                (None, Source::Aggregates, _) => (
                    None,
                    Verdict::AggregateOnly,
                    "no patient row carries this and no other stated number determines it: it cannot be checked".to_owned(),
                ),
                (None, Source::Rows, Some(x)) if agrees(claim, x) => (Some(x), Verdict::Reproduced, format!("rows give {}", shown(x))),
                (None, Source::Rows, Some(x)) => (Some(x), Verdict::Discrepant, format!("rows give {}, not {}", shown(x), shown(claim.reported))),
                (None, Source::Rows, None) => (None, Verdict::Discrepant, "the rows do not allow this estimate".to_owned()),
            };
            let grim = denominator(&claim.quantity, cx)
                .map_err(context)?
                .map(|n| grim(claim.reported, claim.decimals, n));
            if grim == Some(false) {
                note.push_str("; no whole number of patients gives this percentage (GRIM)");
            }
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
                grim,
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
        "{} claims: {} reproduced, {} discrepant, {} consistent, {} inconsistent, {} aggregate-only.\n",
        entries.len(),
        count(Verdict::Reproduced),
        count(Verdict::Discrepant),
        count(Verdict::Consistent),
        count(Verdict::Inconsistent),
        count(Verdict::AggregateOnly)
    );
    out.push_str(
        "Each number the paper states is recomputed from the 35 patient rows of Table 2 and compared at \
         the precision the paper printed it with (a bound such as \"more than 5 years\" is checked as a \
         bound). A number no row carries is checked against the other numbers the paper states where they \
         determine it (`consistent` or `inconsistent`, with the arithmetic), and is `aggregate-only`, \
         with nothing computed, where they do not. Every percentage is also given the GRIM test: can some \
         whole number k of its n patients, rounded as printed, give it?\n\n",
    );
    out.push_str("| id | section | quote | reported | computed | verdict | GRIM | note |\n|---|---|---|---:|---:|---|---|---|\n");
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
            "| {} | {} | {} | {relation}{} | {computed} | **{}** | {} | {} |",
            e.id,
            e.section,
            e.quote.replace('|', "\\|"),
            fixed(e.reported, e.decimals),
            e.verdict.as_str(),
            match e.grim {
                Some(true) => "passes",
                Some(false) => "**fails**",
                None => "",
            },
            e.note.replace('|', "\\|")
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::grim;

    #[test]
    fn grim_accepts_only_what_some_k_of_n_prints() {
        assert!(grim(82.9, 1, 35.0)); // 29/35 = 82.857
        assert!(!grim(83.0, 1, 35.0)); // 29/35 prints 82.9, 30/35 prints 85.7
        assert!(grim(17.0, 0, 35.0)); // 6/35 = 17.14
        assert!(grim(12.5, 1, 8.0) && grim(13.0, 0, 8.0) && grim(12.0, 0, 8.0)); // 1/8 on the boundary
        assert!(grim(0.0, 1, 35.0) && grim(100.0, 1, 35.0));
        assert!(!grim(50.0, 1, 0.0));
    }
}
