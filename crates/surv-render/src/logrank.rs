//! Tests between groups: the G-rho test as `survdiff` prints it, with its
//! test for trend and permutation p-value when asked for.

use std::fmt::Write;

use serde::Serialize;
use surv_engine::{LogRank, PermutationMethod, PermutationTest, Trend};

use crate::format::{self, OutputFormat};
use crate::text;
use crate::tidy::{Cell, Tidy};

/// A log-rank test with what came with it.
pub struct LogRankOutput<'a> {
    /// The test.
    pub test: &'a LogRank,
    /// Group labels, in code order.
    pub levels: &'a [String],
    /// The strata column, when the test was stratified, and its number of strata.
    pub strata: Option<(&'a str, usize)>,
    /// The test for trend, if asked for.
    pub trend: Option<&'a Trend>,
    /// The permutation test, if asked for.
    pub permutation: Option<&'a PermutationTest>,
    /// Rows left out for missing values.
    pub n_dropped: usize,
}

/// `{"rho","chisq","df","p_value","n_dropped","groups":[…]}`, then the
/// additions.
#[derive(Serialize)]
struct Document<'a> {
    rho: f64,
    chisq: f64,
    df: usize,
    p_value: f64,
    n_dropped: usize,
    groups: Vec<GroupJson<'a>>,
    strata: Option<StrataJson<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    trend: Option<TrendJson<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    permutation: Option<PermutationJson>,
}

#[derive(Serialize)]
struct GroupJson<'a> {
    group: &'a str,
    n: usize,
    observed: f64,
    expected: f64,
    variance: f64,
}

#[derive(Serialize)]
struct StrataJson<'a> {
    column: &'a str,
    count: usize,
}

#[derive(Serialize)]
struct TrendJson<'a> {
    scores: &'a [f64],
    chisq: f64,
    df: usize,
    p_value: f64,
}

#[derive(Serialize)]
struct PermutationJson {
    statistic: f64,
    p_value: f64,
    method: &'static str,
    relabellings: u64,
    seed: Option<u64>,
    mc_std_err: Option<f64>,
}

impl PermutationJson {
    fn new(p: &PermutationTest) -> PermutationJson {
        let (method, relabellings, seed) = match p.method {
            PermutationMethod::Exact { relabellings } => ("exact", relabellings, None),
            PermutationMethod::MonteCarlo { resamples, seed } => {
                ("monte_carlo", resamples, Some(seed))
            }
        };
        PermutationJson {
            statistic: p.statistic,
            p_value: p.p_value,
            method,
            relabellings,
            seed,
            mc_std_err: p.std_err,
        }
    }
}

const CSV_COLUMNS: &[&str] = &[
    "kind",
    "group",
    "n",
    "observed",
    "expected",
    "variance",
    "statistic",
    "df",
    "p_value",
    "method",
];

/// A log-rank test in `format`.
///
/// CSV rows, by `kind`: `group` (n, observed, expected and the variance of
/// observed − expected), `test` (the chi-square; method says log-rank or G-rho
/// and the strata), `trend` and `permutation` when asked for.
pub fn render(o: &LogRankOutput<'_>, format: OutputFormat) -> String {
    match format {
        OutputFormat::Json => json(o),
        OutputFormat::Csv => csv(o),
        OutputFormat::Table => table(o),
    }
}

fn json(o: &LogRankOutput<'_>) -> String {
    format::json(&document(o))
}

fn document<'a>(o: &'a LogRankOutput<'a>) -> Document<'a> {
    let t = o.test;
    Document {
        rho: t.rho,
        chisq: t.statistic,
        df: t.df,
        p_value: t.p_value,
        n_dropped: o.n_dropped,
        groups: o
            .levels
            .iter()
            .enumerate()
            .map(|(g, l)| GroupJson {
                group: l,
                n: t.n[g],
                observed: t.observed[g],
                expected: t.expected[g],
                variance: t.variance_at(g, g),
            })
            .collect(),
        strata: o.strata.map(|(column, count)| StrataJson { column, count }),
        trend: o.trend.map(|tr| TrendJson {
            scores: &tr.scores,
            chisq: tr.statistic,
            df: tr.df,
            p_value: tr.p_value,
        }),
        permutation: o.permutation.map(PermutationJson::new),
    }
}

/// A multi-centre study's tests: the one stratified by site in
/// [`render`]'s shape, the unstratified test of the pooled counts beside it
/// (JSON key `pooled`, CSV kinds `pooled_group` and `pooled_test`), and the
/// sites.
pub fn render_pooled(
    stratified: &LogRankOutput<'_>,
    pooled: &LogRankOutput<'_>,
    sites: &[String],
    format: OutputFormat,
) -> String {
    #[derive(Serialize)]
    struct Pooled<'a> {
        #[serde(flatten)]
        stratified: Document<'a>,
        pooled: Document<'a>,
        sites: &'a [String],
    }
    match format {
        OutputFormat::Json => format::json(&Pooled {
            stratified: document(stratified),
            pooled: document(pooled),
            sites,
        }),
        OutputFormat::Csv => {
            let mut out = Tidy::new(CSV_COLUMNS);
            csv_rows(&mut out, stratified, "");
            csv_rows(&mut out, pooled, "pooled_");
            out.finish()
        }
        OutputFormat::Table => format!(
            "Stratified by site ({} sites: {}):\n{}\nThe pooled counts, not stratified:\n{}",
            sites.len(),
            sites.join(", "),
            table(stratified),
            table(pooled)
        ),
    }
}

/// What was tested, in words: "log-rank" or "G-rho, rho = 1", and the strata.
fn test_name(o: &LogRankOutput<'_>) -> String {
    let mut name = if o.test.rho == 0.0 {
        "log-rank".to_owned()
    } else {
        format!("G-rho, rho = {}", o.test.rho)
    };
    if let Some((column, count)) = o.strata {
        let _ = write!(name, ", stratified by {column} ({count} strata)");
    }
    name
}

fn method(p: &PermutationTest) -> String {
    match p.method {
        PermutationMethod::Exact { relabellings } => format!("exact, {relabellings} relabellings"),
        PermutationMethod::MonteCarlo { resamples, seed } => format!(
            "Monte Carlo, {resamples} resamples, seed {seed}, standard error {:.4}",
            p.std_err.unwrap_or(0.0)
        ),
    }
}

fn csv(o: &LogRankOutput<'_>) -> String {
    let mut out = Tidy::new(CSV_COLUMNS);
    csv_rows(&mut out, o, "");
    out.finish()
}

/// The rows of one test, their kinds prefixed by `prefix`.
fn csv_rows(out: &mut Tidy, o: &LogRankOutput<'_>, prefix: &str) {
    let t = o.test;
    let kind = |k: &str| format!("{prefix}{k}");
    for (g, level) in o.levels.iter().enumerate() {
        out.row(
            &kind("group"),
            &[
                ("group", Cell::Text(level)),
                ("n", Cell::Count(t.n[g])),
                ("observed", Cell::Number(t.observed[g])),
                ("expected", Cell::Number(t.expected[g])),
                ("variance", Cell::Number(t.variance_at(g, g))),
            ],
        );
    }
    let name = test_name(o);
    out.row(
        &kind("test"),
        &[
            ("statistic", Cell::Number(t.statistic)),
            ("df", Cell::Count(t.df)),
            ("p_value", Cell::Number(t.p_value)),
            ("method", Cell::Text(&name)),
        ],
    );
    if let Some(tr) = o.trend {
        let scores: Vec<String> = tr.scores.iter().map(|s| text::number(*s)).collect();
        let method = format!("trend, scores {}", scores.join(" "));
        out.row(
            &kind("trend"),
            &[
                ("statistic", Cell::Number(tr.statistic)),
                ("df", Cell::Count(tr.df)),
                ("p_value", Cell::Number(tr.p_value)),
                ("method", Cell::Text(&method)),
            ],
        );
    }
    if let Some(p) = o.permutation {
        let method = format!("permutation ({name}), {}", method(p));
        out.row(
            &kind("permutation"),
            &[
                ("statistic", Cell::Number(p.statistic)),
                ("p_value", Cell::Number(p.p_value)),
                ("method", Cell::Text(&method)),
            ],
        );
    }
}

fn table(o: &LogRankOutput<'_>) -> String {
    let t = o.test;
    let rows: Vec<Vec<String>> = o
        .levels
        .iter()
        .enumerate()
        .map(|(g, l)| {
            let (obs, exp) = (t.observed[g], t.expected[g]);
            let ratio = |d: f64| {
                if d > 0.0 {
                    format!("{:.3}", (obs - exp).powi(2) / d)
                } else {
                    "NA".to_owned()
                }
            };
            vec![
                l.clone(),
                t.n[g].to_string(),
                text::number(obs),
                format!("{exp:.2}"),
                ratio(exp),
                ratio(t.variance_at(g, g)),
            ]
        })
        .collect();
    let mut out = text::aligned(
        &[
            "group",
            "N",
            "Observed",
            "Expected",
            "(O-E)^2/E",
            "(O-E)^2/V",
        ],
        &rows,
    );
    let _ = writeln!(
        out,
        "\nChisq = {:.4} on {} degrees of freedom, p = {}",
        t.statistic,
        t.df,
        text::p_value(t.p_value)
    );
    if t.rho != 0.0 || o.strata.is_some() {
        let _ = writeln!(out, "Test: {}", test_name(o));
    }
    if let Some(tr) = o.trend {
        let scores: Vec<String> = tr.scores.iter().map(|s| text::number(*s)).collect();
        let _ = writeln!(
            out,
            "Test for trend (scores {}): chisq = {:.4} on 1 df, p = {}",
            scores.join(", "),
            tr.statistic,
            text::p_value(tr.p_value)
        );
    }
    if let Some(p) = o.permutation {
        let _ = writeln!(
            out,
            "Permutation p = {} ({})",
            text::p_value(p.p_value),
            method(p)
        );
    }
    let _ = writeln!(out, "Rows left out for missing values: {}", o.n_dropped);
    out
}
