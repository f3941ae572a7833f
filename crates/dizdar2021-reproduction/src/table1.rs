//! Table 1 (cohort characteristics) recomputed from the patient rows, beside
//! the numbers the paper printed.

use std::fmt::Write;

use dizdar2021_cohort::AggregateFacts;
use dizdar2021_cohort::summary::{CohortSummary, Spread};
use serde::Serialize;

use crate::claims::Claim;
use crate::predicate::Predicate;

/// The rows of the paper's Table 1: variable and category as the summary names
/// them, and the predicate the claims file uses for them.
const ROWS: &[(&str, &str, &str)] = &[
    ("Gender", "Male", "sex=male"),
    ("Gender", "Female", "sex=female"),
    ("Histopathology", "WHO1", "histology=1"),
    ("Histopathology", "WHO2", "histology=2"),
    ("Histopathology", "WHO3", "histology=3"),
    ("T stage", "T1", "t_stage=1"),
    ("T stage", "T2", "t_stage=2"),
    ("T stage", "T3", "t_stage=3"),
    ("T stage", "T4", "t_stage=4"),
    ("N stage", "N0", "n_stage=0"),
    ("N stage", "N2", "n_stage=2"),
    ("N stage", "N3", "n_stage=3"),
    ("No. of metastatic lesions", "Single", "lesions=single"),
    ("No. of metastatic lesions", "Oligo", "lesions=oligo"),
    ("No. of metastatic lesions", "Multiple", "lesions=multiple"),
    ("No. of metastatic organs", "Single", "organs=single"),
    ("No. of metastatic organs", "Multiple", "organs=multiple"),
    ("Liver metastasis", "Yes", "liver=yes"),
    ("Liver metastasis", "No", "liver=no"),
    ("Induction chemotherapy", "Yes", "induction=yes"),
    ("Induction chemotherapy", "No", "induction=no"),
    ("Concurrent chemotherapy", "Yes", "concurrent=any"),
    ("Concurrent chemotherapy", "No", "concurrent=none"),
];

/// The Initial PET-CT rows, which no patient column carries: (category, fact id).
const PET_CT: &[(&str, &str)] = &[
    ("Yes", "pet_ct_at_diagnosis"),
    ("No", "conventional_staging"),
];

/// One row: recomputed and printed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Table1Row {
    /// Variable.
    pub variable: String,
    /// Category.
    pub category: String,
    /// Patients, recomputed (or the aggregate, for rows no column carries).
    pub n: f64,
    /// Percent of the cohort, recomputed.
    pub percent: f64,
    /// n as printed.
    pub printed_n: Option<f64>,
    /// Percent as printed.
    pub printed_percent: Option<f64>,
    /// `rows` or `aggregate` (the Initial PET-CT rows).
    pub source: &'static str,
}

/// Builds Table 1 from the summary, the printed values in the claims, and the
/// aggregate facts.
pub fn rows(
    summary: &CohortSummary,
    claims: &[Claim],
    aggregates: &AggregateFacts,
) -> Vec<Table1Row> {
    let printed = |kind: &str, predicate: &str| {
        let wanted = Predicate::parse(predicate).ok()?;
        claims
            .iter()
            .filter(|c| c.section == "Table 1")
            .find(|c| {
                c.quantity
                    .split_once(':')
                    .filter(|(k, _)| *k == kind)
                    .and_then(|(_, p)| Predicate::parse(p).ok())
                    .is_some_and(|p| p == wanted || p.to_string() == wanted.to_string())
            })
            .map(|c| c.reported)
    };
    let mut out = Vec::new();
    let mut push_pet_ct = true;
    for &(variable, category, predicate) in ROWS {
        // The paper puts Initial PET-CT after histopathology.
        if variable == "T stage" && push_pet_ct {
            push_pet_ct = false;
            // Only where the aggregate facts are known (the paper's own cohort).
            for &(category, fact) in PET_CT {
                let Some(n) = aggregates.get(fact).map(|f| f.value) else {
                    continue;
                };
                let aggregate_claim = |kind: &str| {
                    claims
                        .iter()
                        .filter(|c| c.section == "Table 1")
                        .find(|c| c.quantity.starts_with(kind) && c.quantity.contains(fact))
                        .map(|c| c.reported)
                };
                out.push(Table1Row {
                    variable: "Initial PET-CT".to_owned(),
                    category: category.to_owned(),
                    n,
                    percent: 100.0 * n / summary.n as f64,
                    printed_n: aggregate_claim("aggregate:"),
                    printed_percent: aggregate_claim("aggregate_percent:"),
                    source: "aggregate",
                });
            }
        }
        let Some(count) = summary.count(variable, category) else {
            continue;
        };
        out.push(Table1Row {
            variable: variable.to_owned(),
            category: category.to_owned(),
            n: count.n as f64,
            percent: count.percent,
            printed_n: printed("count", predicate),
            printed_percent: printed("percent", predicate),
            source: "rows",
        });
    }
    out
}

fn number(x: Option<f64>, decimals: usize) -> String {
    x.map_or_else(|| "—".to_owned(), |v| format!("{v:.decimals$}"))
}

fn spread(s: &Spread) -> String {
    format!("{} ({}-{})", s.median, s.min, s.max)
}

/// Table 1 as Markdown: recomputed n and % beside the printed ones, then the
/// metastatic sites and median (range) of age, RT dose and survival time.
pub fn markdown(summary: &CohortSummary, rows: &[Table1Row]) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# Table 1, recomputed from {} patient rows\n",
        summary.n
    );
    // Beside the printed values when there are any (the paper's own cohort).
    let compared = rows.iter().any(|r| r.printed_n.is_some());
    if compared {
        out.push_str("| Variable | Category | n | % | printed n | printed % | agrees |\n|---|---|---:|---:|---:|---:|---|\n");
    } else {
        out.push_str("| Variable | Category | n | % |\n|---|---|---:|---:|\n");
    }
    for r in rows {
        if !compared {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {:.1} |",
                r.variable, r.category, r.n, r.percent
            );
            continue;
        }
        let agrees = match (r.printed_n, r.printed_percent) {
            (Some(n), Some(p)) if n == r.n && format!("{:.1}", r.percent) == format!("{p:.1}") => {
                "yes"
            }
            (Some(_), Some(_)) => "**no**",
            _ => "—",
        };
        let marker = if r.source == "aggregate" {
            " (aggregate: no patient column)"
        } else {
            ""
        };
        let _ = writeln!(
            out,
            "| {}{marker} | {} | {} | {:.1} | {} | {} | {agrees} |",
            r.variable,
            r.category,
            r.n,
            r.percent,
            number(r.printed_n, 0),
            number(r.printed_percent, 2),
        );
    }
    if compared {
        out.push_str("\nThe paper prints percentages with two decimals, the second always 0; they are compared at one.\n");
    }
    out.push_str(
        "\n## Metastatic sites (a patient may have several)\n\n| Site | n | % |\n|---|---:|---:|\n",
    );
    for c in &summary.sites {
        let _ = writeln!(out, "| {} | {} | {:.1} |", c.category, c.n, c.percent);
    }
    out.push_str("\n## Median (range)\n\n");
    let _ = writeln!(out, "- Age, years: {}", spread(&summary.age_years));
    let _ = writeln!(
        out,
        "- Locoregional RT dose, cGy: {}",
        spread(&summary.rt_dose_cgy)
    );
    let _ = writeln!(
        out,
        "- Survival time, months: {}",
        spread(&summary.survival_months)
    );
    out
}

/// Table 1 as CSV (percent unrounded).
pub fn csv(rows: &[Table1Row]) -> String {
    let mut out = String::from("variable,category,n,percent,printed_n,printed_percent,source\n");
    let opt = |x: Option<f64>| x.map_or_else(String::new, |v| v.to_string());
    for r in rows {
        let _ = writeln!(
            out,
            "{},{},{},{},{},{},{}",
            r.variable,
            r.category,
            r.n,
            r.percent,
            opt(r.printed_n),
            opt(r.printed_percent),
            r.source
        );
    }
    out
}
