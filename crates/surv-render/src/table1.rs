//! Table 1: a cohort's characteristics overall and by group, with a p-value
//! per variable, laid out as gtsummary prints `tbl_summary(by =) |>
//! add_overall() |> add_p()`: n (%) per level, median (Q1, Q3) and range,
//! an "Unknown" row where values are missing, and footnotes naming the
//! statistics and tests.

use std::fmt::Write;

use serde::Serialize;
use surv_engine::baseline::{
    BaselineTable, GroupTest, LevelCount, Spread, Statistics, TestKind, VariableSummary,
};
use surv_engine::contingency::FisherMethod;

use crate::format::{self, OutputFormat};
use crate::text;
use crate::tidy::{self, Cell, Tidy};

/// The names that go with a [`BaselineTable`].
#[derive(Debug, Clone)]
pub struct Table1Output<'a> {
    /// The summary.
    pub table: &'a BaselineTable,
    /// The column that splits the groups, if any.
    pub by: Option<&'a str>,
    /// The groups' names, in code order.
    pub groups: &'a [String],
    /// Each variable's name and, for a categorical one, its levels' names.
    pub variables: &'a [VariableNames],
    /// Rows left out because the `by` column was missing.
    pub n_missing_by: usize,
}

/// A variable's name, and its levels' names when it is categorical.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VariableNames {
    /// The column.
    pub name: String,
    /// Its levels (empty for a continuous variable).
    pub levels: Vec<String>,
}

/// Renders Table 1 in `format`.
pub fn render(o: &Table1Output<'_>, format: OutputFormat) -> String {
    match format {
        OutputFormat::Json => json(o),
        OutputFormat::Csv => csv(o),
        OutputFormat::Table => markdown(o),
    }
}

#[derive(Serialize)]
struct Document<'a> {
    by: Option<&'a str>,
    groups: Vec<GroupJson<'a>>,
    variables: Vec<VariableJson<'a>>,
    n: usize,
    n_missing_by: usize,
}

#[derive(Serialize)]
struct GroupJson<'a> {
    group: &'a str,
    n: usize,
}

#[derive(Serialize)]
struct VariableJson<'a> {
    name: &'a str,
    kind: &'static str,
    test: Option<&'static str>,
    p_value: Option<f64>,
    statistic: Option<f64>,
    df: Option<usize>,
    /// `exact`, or `monte_carlo` with its replicates and seed.
    fisher_method: Option<FisherMethod>,
    /// Wilcoxon: whether the p-value is exact.
    exact: Option<bool>,
    /// Why the test is undefined.
    test_undefined: Option<&'a str>,
    missing: MissingJson<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    levels: Option<Vec<LevelJson<'a>>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    overall: Option<&'a Spread>,
    #[serde(skip_serializing_if = "Option::is_none")]
    by_group: Option<&'a [Spread]>,
}

#[derive(Serialize)]
struct MissingJson<'a> {
    overall: usize,
    by_group: &'a [usize],
}

#[derive(Serialize)]
struct LevelJson<'a> {
    level: &'a str,
    overall: CountJson,
    by_group: Vec<CountJson>,
}

#[derive(Serialize)]
struct CountJson {
    n: usize,
    percent: Option<f64>,
}

fn kind(v: &VariableSummary) -> &'static str {
    match v.statistics {
        Statistics::Categorical(_) => "categorical",
        Statistics::Continuous { .. } => "continuous",
    }
}

fn json(o: &Table1Output<'_>) -> String {
    let t = o.table;
    format::json(&Document {
        by: o.by,
        groups: o
            .groups
            .iter()
            .zip(&t.n_by_group)
            .map(|(g, &n)| GroupJson { group: g, n })
            .collect(),
        variables: t
            .variables
            .iter()
            .zip(o.variables)
            .map(|(v, names)| {
                let test = v.test.as_ref();
                let (levels, overall, by_group) = match &v.statistics {
                    Statistics::Categorical(levels) => (
                        Some(
                            levels
                                .iter()
                                .zip(&names.levels)
                                .map(|(l, name)| LevelJson {
                                    level: name,
                                    overall: CountJson {
                                        n: l.overall,
                                        percent: l.percent_overall,
                                    },
                                    by_group: l
                                        .by_group
                                        .iter()
                                        .zip(&l.percent_by_group)
                                        .map(|(&n, &percent)| CountJson { n, percent })
                                        .collect(),
                                })
                                .collect(),
                        ),
                        None,
                        None,
                    ),
                    Statistics::Continuous { overall, by_group } => {
                        (None, Some(overall), Some(by_group.as_slice()))
                    }
                };
                VariableJson {
                    name: &names.name,
                    kind: kind(v),
                    test: test.map(|t| t.kind.name()),
                    p_value: test.and_then(|t| t.p_value),
                    statistic: test.and_then(|t| t.statistic),
                    df: test.and_then(|t| t.df),
                    fisher_method: test.and_then(|t| t.fisher_method),
                    exact: test.and_then(|t| t.exact),
                    test_undefined: test.and_then(|t| t.undefined.as_deref()),
                    missing: MissingJson {
                        overall: v.missing.overall,
                        by_group: &v.missing.by_group,
                    },
                    levels,
                    overall,
                    by_group,
                }
            })
            .collect(),
        n: t.n,
        n_missing_by: o.n_missing_by,
    })
}

const CSV_HEADER: &[&str] = &[
    "kind",
    "variable",
    "level",
    "group",
    "n",
    "percent",
    "median",
    "q1",
    "q3",
    "min",
    "max",
    "test",
    "statistic",
    "df",
    "p_value",
];

/// One row per statistic: `count` (a level in a group or overall), `missing`,
/// `spread` (a continuous variable in a group or overall), `test`.
fn csv(o: &Table1Output<'_>) -> String {
    let mut out = Tidy::new(CSV_HEADER);
    let overall = "Overall";
    for (v, names) in o.table.variables.iter().zip(o.variables) {
        let name = Cell::Text(&names.name);
        match &v.statistics {
            Statistics::Categorical(levels) => {
                for (l, level) in levels.iter().zip(&names.levels) {
                    let mut count = |group: &str, n: usize, percent: Option<f64>| {
                        out.row(
                            "count",
                            &[
                                ("variable", name),
                                ("level", Cell::Text(level)),
                                ("group", Cell::Text(group)),
                                ("n", Cell::Count(n)),
                                ("percent", tidy::number(percent)),
                            ],
                        );
                    };
                    count(overall, l.overall, l.percent_overall);
                    for ((g, &n), &p) in o.groups.iter().zip(&l.by_group).zip(&l.percent_by_group) {
                        count(g, n, p);
                    }
                }
            }
            Statistics::Continuous {
                overall: all,
                by_group,
            } => {
                let groups = std::iter::once((overall, all))
                    .chain(o.groups.iter().map(String::as_str).zip(by_group));
                for (group, s) in groups {
                    out.row(
                        "spread",
                        &[
                            ("variable", name),
                            ("group", Cell::Text(group)),
                            ("n", Cell::Count(s.n)),
                            ("median", tidy::number(s.median)),
                            ("q1", tidy::number(s.q1)),
                            ("q3", tidy::number(s.q3)),
                            ("min", tidy::number(s.min)),
                            ("max", tidy::number(s.max)),
                        ],
                    );
                }
            }
        }
        out.row(
            "missing",
            &[
                ("variable", name),
                ("group", Cell::Text(overall)),
                ("n", Cell::Count(v.missing.overall)),
            ],
        );
        for (g, &n) in o.groups.iter().zip(&v.missing.by_group) {
            out.row(
                "missing",
                &[
                    ("variable", name),
                    ("group", Cell::Text(g)),
                    ("n", Cell::Count(n)),
                ],
            );
        }
        if let Some(t) = &v.test {
            out.row(
                "test",
                &[
                    ("variable", name),
                    ("test", Cell::Text(t.kind.name())),
                    ("statistic", tidy::number(t.statistic)),
                    ("df", t.df.map_or(Cell::Empty, Cell::Count)),
                    ("p_value", tidy::number(t.p_value)),
                ],
            );
        }
    }
    out.finish()
}

/// A count as gtsummary prints it: `36 (26%)`.
fn count(n: usize, percent: Option<f64>) -> String {
    match percent {
        Some(p) => format!("{n} ({})", percent_text(p)),
        None => n.to_string(),
    }
}

/// A percentage to whole numbers, `<1%` for a small non-zero one (gtsummary's
/// style_percent).
fn percent_text(p: f64) -> String {
    if p > 0.0 && p < 1.0 {
        "<1%".to_owned()
    } else {
        format!("{}%", text::half_up(p, 0))
    }
}

/// A p-value as gtsummary's style_pvalue prints it: `<0.001`, three decimals
/// below 0.1, two below 0.2, one up to 0.9, `>0.9` above.
pub fn p_value_text(p: f64) -> String {
    if p < 0.001 {
        "<0.001".to_owned()
    } else if p < 0.1 {
        text::half_up(p, 3)
    } else if p < 0.2 {
        text::half_up(p, 2)
    } else if p <= 0.9 {
        text::half_up(p, 1)
    } else {
        ">0.9".to_owned()
    }
}

/// The median (Q1, Q3) and range cells of a spread, at `decimals`.
fn spread_cells(s: &Spread, decimals: usize) -> (String, String) {
    let f = |x: Option<f64>| x.map_or_else(|| "NA".to_owned(), |v| format!("{v:.decimals$}"));
    if s.n == 0 {
        return ("NA".to_owned(), "NA".to_owned());
    }
    (
        format!("{} ({}, {})", f(s.median), f(s.q1), f(s.q3)),
        format!("{}, {}", f(s.min), f(s.max)),
    )
}

/// Decimals for a continuous variable: none when every summary is a whole
/// number, otherwise one, or two when the spread is narrow (below 10), so
/// that quartiles stay distinguishable.
fn decimals(spreads: &[&Spread]) -> usize {
    let values: Vec<f64> = spreads
        .iter()
        .flat_map(|s| [s.median, s.q1, s.q3, s.min, s.max])
        .flatten()
        .collect();
    if values.iter().all(|v| v.fract() == 0.0) {
        return 0;
    }
    let range = values.iter().copied().fold(f64::NEG_INFINITY, f64::max)
        - values.iter().copied().fold(f64::INFINITY, f64::min);
    if range < 10.0 { 2 } else { 1 }
}

fn test_name(t: &GroupTest) -> &'static str {
    match (t.kind, t.fisher_method) {
        (TestKind::Chisq, _) => "Pearson's Chi-squared test",
        (TestKind::Fisher, Some(FisherMethod::MonteCarlo { .. })) => {
            "Fisher's exact test, Monte Carlo estimate"
        }
        (TestKind::Fisher, _) => "Fisher's exact test",
        (TestKind::Wilcoxon, _) => "Wilcoxon rank sum test",
        (TestKind::Kruskal, _) => "Kruskal-Wallis rank sum test",
    }
}

/// The table as Markdown: a Characteristic column, Overall, one column per
/// group and the p-value, with footnotes.
fn markdown(o: &Table1Output<'_>) -> String {
    let t = o.table;
    let grouped = o.by.is_some();
    let mut header = vec![
        "**Characteristic**".to_owned(),
        format!("**Overall**, N = {}", t.n),
    ];
    for (g, n) in o.groups.iter().zip(&t.n_by_group) {
        header.push(format!("**{g}**, N = {n}"));
    }
    if grouped {
        header.push("**p-value**".to_owned());
    }
    let mut tests: Vec<&'static str> = Vec::new();
    let mut rows: Vec<Vec<String>> = Vec::new();
    let blank = |k: usize| vec![String::new(); k];
    let width = header.len();
    for (v, names) in t.variables.iter().zip(o.variables) {
        let mut first = vec![format!("**{}**", names.name)];
        let p = v.test.as_ref().map(|test| {
            let name = test_name(test);
            let mark = match tests.iter().position(|t| *t == name) {
                Some(i) => i + 1,
                None => {
                    tests.push(name);
                    tests.len()
                }
            };
            test.p_value.map_or_else(
                || "NA".to_owned(),
                |p| format!("{}<sup>{mark}</sup>", p_value_text(p)),
            )
        });
        match &v.statistics {
            Statistics::Categorical(levels) => {
                first.extend(blank(width - 1));
                if let Some(p) = p {
                    first[width - 1] = p;
                }
                rows.push(first);
                for (l, level) in levels.iter().zip(&names.levels) {
                    rows.push(level_row(level, l, grouped));
                }
            }
            Statistics::Continuous { overall, by_group } => {
                let all: Vec<&Spread> = std::iter::once(overall).chain(by_group).collect();
                let d = decimals(&all);
                let cells: Vec<(String, String)> = all.iter().map(|s| spread_cells(s, d)).collect();
                first.extend(blank(width - 1));
                if let Some(p) = p {
                    first[width - 1] = p;
                }
                rows.push(first);
                let mut median = vec!["    Median (Q1, Q3)".to_owned()];
                median.extend(cells.iter().map(|c| c.0.clone()));
                let mut range = vec!["    Range".to_owned()];
                range.extend(cells.iter().map(|c| c.1.clone()));
                if grouped {
                    median.push(String::new());
                    range.push(String::new());
                }
                rows.push(median);
                rows.push(range);
            }
        }
        if v.missing.overall > 0 {
            let mut unknown = vec!["    Unknown".to_owned(), v.missing.overall.to_string()];
            unknown.extend(v.missing.by_group.iter().map(usize::to_string));
            if grouped {
                unknown.push(String::new());
            }
            rows.push(unknown);
        }
    }
    let mut out = text::markdown(&header, &rows);
    let _ = writeln!(out, "\nn (%); Median (Q1, Q3); Range");
    for (i, name) in tests.iter().enumerate() {
        let _ = writeln!(out, "<sup>{}</sup> {name}", i + 1);
    }
    if o.n_missing_by > 0 {
        let _ = writeln!(
            out,
            "{} rows without a value of {} are left out.",
            o.n_missing_by,
            o.by.unwrap_or_default()
        );
    }
    out
}

fn level_row(level: &str, l: &LevelCount, grouped: bool) -> Vec<String> {
    let mut row = vec![format!("    {level}"), count(l.overall, l.percent_overall)];
    row.extend(
        l.by_group
            .iter()
            .zip(&l.percent_by_group)
            .map(|(&n, &p)| count(n, p)),
    );
    if grouped {
        row.push(String::new());
    }
    row
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn p_values_print_as_gtsummary_prints_them() {
        assert_eq!(p_value_text(0.0004), "<0.001");
        assert_eq!(p_value_text(0.0123), "0.012");
        assert_eq!(p_value_text(0.057), "0.057");
        assert_eq!(p_value_text(0.1349), "0.13");
        assert_eq!(p_value_text(0.8225), "0.8");
        assert_eq!(p_value_text(0.95), ">0.9");
    }

    #[test]
    fn percentages_are_whole_with_small_ones_marked() {
        assert_eq!(count(36, Some(26.277)), "36 (26%)");
        assert_eq!(count(1, Some(0.44)), "1 (<1%)");
        assert_eq!(count(0, Some(0.0)), "0 (0%)");
    }
}
