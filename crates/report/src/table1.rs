//! Table 1 (cohort characteristics) recomputed from the patient rows.

use std::fmt::Write;

use npc_cohort::summary::{CategoryCount, CohortSummary, Spread};

/// Percentages as the paper prints them: one decimal.
fn percent(p: f64) -> String {
    format!("{p:.1}")
}

fn push_rows(out: &mut String, rows: &[CategoryCount]) {
    for c in rows {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} |",
            c.variable,
            c.category,
            c.n,
            percent(c.percent)
        );
    }
}

fn spread(s: &Spread) -> String {
    format!("{} ({}-{})", s.median, s.min, s.max)
}

/// The summary as a Markdown document: the Table 1 counts, the metastatic sites,
/// and median (range) of age, RT dose and survival time.
pub fn markdown(summary: &CohortSummary) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "## Table 1, recomputed from {} patient rows\n",
        summary.n
    );
    out.push_str("| Variable | Category | n | % |\n|---|---|---:|---:|\n");
    push_rows(&mut out, &summary.categories);
    out.push_str("\n### Metastatic sites (a patient may have several)\n\n");
    out.push_str("| Variable | Category | n | % |\n|---|---|---:|---:|\n");
    push_rows(&mut out, &summary.sites);
    out.push_str("\n### Median (range)\n\n");
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

/// The category counts as CSV (`variable,category,n,percent`, percent unrounded).
pub fn csv(summary: &CohortSummary) -> String {
    let mut out = String::from("variable,category,n,percent\n");
    for c in summary.categories.iter().chain(&summary.sites) {
        let _ = writeln!(out, "{},{},{},{}", c.variable, c.category, c.n, c.percent);
    }
    out
}
