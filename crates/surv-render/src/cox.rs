//! A Cox model as `summary.coxph` prints it, with `cox.zph` when asked for.

use std::fmt::Write;

use serde::Serialize;
use surv_engine::{ChiSquareTest, CoxFit, Ties, Zph};

use crate::coefficients::{CoefficientJson, Coefficients};
use crate::format::{self, OutputFormat};
use crate::text;
use crate::tidy::{self, Cell, Tidy};

/// A fitted model with its covariate names.
pub struct CoxOutput<'a> {
    /// The fit.
    pub fit: &'a CoxFit,
    /// One name per coefficient.
    pub names: &'a [String],
    /// The proportional-hazards test, if asked for.
    pub zph: Option<&'a Zph>,
    /// Rows left out for missing values.
    pub n_dropped: usize,
    /// The caller's warnings about the data (e.g. a category without events),
    /// printed and kept in JSON after the fit's own.
    pub notes: &'a [String],
}

/// `{"ties","n","events","n_dropped","coefficients":[…],"loglik_null","loglik",
/// "lr_test","wald_test","score_test","concordance"}`, then the additions.
#[derive(Serialize)]
pub(crate) struct Document<'a> {
    ties: Ties,
    n: usize,
    events: usize,
    n_dropped: usize,
    coefficients: Vec<CoefficientJson<'a>>,
    loglik_null: f64,
    loglik: f64,
    lr_test: ChiSquareTest,
    wald_test: Option<ChiSquareTest>,
    score_test: ChiSquareTest,
    concordance: Option<f64>,
    concordance_se: Option<f64>,
    iterations: usize,
    conf_level: f64,
    warnings: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    zph: Option<ZphJson<'a>>,
    /// With a robust variance: R's robust score test (`rscore`).
    #[serde(skip_serializing_if = "Option::is_none")]
    robust_score_test: Option<Option<ChiSquareTest>>,
}

#[derive(Serialize)]
struct ZphJson<'a> {
    transform: &'static str,
    terms: Vec<ZphTermJson<'a>>,
    global: ChiSquareTest,
}

#[derive(Serialize)]
struct ZphTermJson<'a> {
    term: &'a str,
    chisq: f64,
    df: usize,
    p_value: f64,
}

const CSV_COLUMNS: &[&str] = &[
    "kind",
    "term",
    "estimate",
    "std_err",
    "hr",
    "hr_lower",
    "hr_upper",
    "z",
    "statistic",
    "df",
    "p_value",
    "robust_std_err",
];

/// A Cox fit in `format`.
///
/// CSV rows, by `kind`: `coefficient` (estimate = coef, with its standard
/// error, hazard ratio and interval, z and p), `lr_test`, `wald_test`,
/// `score_test` (statistic, df, p), `concordance` (estimate and standard
/// error), `loglik_null` and `loglik` (estimate), and `zph` rows (term, or
/// `GLOBAL`) when asked for. With a robust variance, `robust_std_err` holds
/// each coefficient's robust SE (z, p and the interval use it) and a
/// `robust_score_test` row follows the score test.
pub fn render(o: &CoxOutput<'_>, format: OutputFormat) -> String {
    match format {
        OutputFormat::Json => json(o),
        OutputFormat::Csv => csv(o),
        OutputFormat::Table => table(o),
    }
}

fn json(o: &CoxOutput<'_>) -> String {
    format::json(&document(o))
}

/// A fit pooled from the sites of a multi-centre study, stratified by site:
/// [`render`]'s shape with the sites and the rounds the fit took (JSON keys
/// `sites` and `rounds`; a line in the table).
pub fn render_pooled(
    o: &CoxOutput<'_>,
    sites: &[String],
    rounds: usize,
    format: OutputFormat,
) -> String {
    #[derive(Serialize)]
    struct Pooled<'a> {
        #[serde(flatten)]
        fit: Document<'a>,
        sites: &'a [String],
        rounds: usize,
    }
    match format {
        OutputFormat::Json => format::json(&Pooled {
            fit: document(o),
            sites,
            rounds,
        }),
        OutputFormat::Csv => csv(o),
        OutputFormat::Table => format!(
            "Stratified by site ({} sites: {}), pooled from the sites' replies in {rounds} rounds\n{}",
            sites.len(),
            sites.join(", "),
            table(o)
        ),
    }
}

/// The JSON document of a fit, also embedded where another result holds a
/// Cox model (the univariate table's multivariable model).
pub(crate) fn document<'a>(o: &'a CoxOutput<'a>) -> Document<'a> {
    let f = o.fit;
    Document {
        ties: f.ties,
        n: f.n,
        events: f.n_events,
        n_dropped: o.n_dropped,
        coefficients: coefficients(o).json(),
        loglik_null: f.loglik_null,
        loglik: f.loglik,
        lr_test: f.lr_test,
        wald_test: f.wald_test,
        score_test: f.score_test,
        concordance: f.concordance.value,
        concordance_se: f.concordance.std_err,
        iterations: f.iterations,
        conf_level: f.conf_level,
        warnings: warnings(o),
        robust_score_test: f.robust_std_err.as_ref().map(|_| f.robust_score_test),
        zph: o.zph.map(|z| ZphJson {
            transform: z.transform.r_name(),
            terms: z
                .terms
                .iter()
                .zip(o.names)
                .map(|(t, name)| ZphTermJson {
                    term: name,
                    chisq: t.statistic,
                    df: t.df,
                    p_value: t.p_value,
                })
                .collect(),
            global: z.global,
        }),
    }
}

fn coefficients<'a>(o: &'a CoxOutput<'a>) -> Coefficients<'a> {
    let f = o.fit;
    Coefficients {
        names: o.names,
        coef: &f.coef,
        std_err: &f.std_err,
        hazard_ratio: &f.hazard_ratio,
        z: &f.z,
        p_value: &f.p_value,
        robust_std_err: f.robust_std_err.as_deref(),
    }
}

/// The fit's warnings, in words, naming the covariate where there is one.
pub fn warnings(o: &CoxOutput<'_>) -> Vec<String> {
    o.fit
        .warnings
        .iter()
        .map(|w| match w {
            surv_engine::CoxWarning::InfiniteCoefficient { covariate } => format!(
                "log-likelihood converged before the coefficient of `{}`; it may be infinite",
                o.names.get(*covariate).map_or("?", String::as_str)
            ),
            other => other.to_string(),
        })
        .chain(o.notes.iter().cloned())
        .collect()
}

fn csv(o: &CoxOutput<'_>) -> String {
    let f = o.fit;
    let mut out = Tidy::new(CSV_COLUMNS);
    coefficients(o).csv_rows(&mut out);
    let test = |out: &mut Tidy, kind: &str, term: &str, t: &ChiSquareTest| {
        out.row(
            kind,
            &[
                ("term", Cell::Text(term)),
                ("statistic", Cell::Number(t.statistic)),
                ("df", Cell::Count(t.df)),
                ("p_value", Cell::Number(t.p_value)),
            ],
        );
    };
    test(&mut out, "lr_test", "", &f.lr_test);
    match &f.wald_test {
        Some(w) => test(&mut out, "wald_test", "", w),
        None => out.row("wald_test", &[]),
    }
    test(&mut out, "score_test", "", &f.score_test);
    if f.robust_std_err.is_some() {
        match &f.robust_score_test {
            Some(t) => test(&mut out, "robust_score_test", "", t),
            None => out.row("robust_score_test", &[]),
        }
    }
    out.row(
        "concordance",
        &[
            ("estimate", tidy::number(f.concordance.value)),
            ("std_err", tidy::number(f.concordance.std_err)),
        ],
    );
    out.row("loglik_null", &[("estimate", Cell::Number(f.loglik_null))]);
    out.row("loglik", &[("estimate", Cell::Number(f.loglik))]);
    if let Some(z) = o.zph {
        for (t, name) in z.terms.iter().zip(o.names) {
            test(&mut out, "zph", name, t);
        }
        test(&mut out, "zph", "GLOBAL", &z.global);
    }
    out.finish()
}

fn table(o: &CoxOutput<'_>) -> String {
    let f = o.fit;
    let robust = f.robust_std_err.is_some();
    let mut out = String::new();
    let _ = writeln!(
        out,
        "n = {}, number of events = {} ({} ties)\n",
        f.n,
        f.n_events,
        f.ties.r_name()
    );
    out.push_str(&coefficients(o).table(f.conf_level));
    let _ = writeln!(
        out,
        "\nConcordance = {} (se = {})",
        text::or_na(f.concordance.value, 3),
        text::or_na(f.concordance.std_err, 3)
    );
    let mut tests = vec![
        ("Likelihood ratio test", Some(&f.lr_test)),
        ("Wald test", f.wald_test.as_ref()),
        ("Score (logrank) test", Some(&f.score_test)),
    ];
    if robust {
        tests.push(("Robust score test", f.robust_score_test.as_ref()));
    }
    for (label, t) in tests {
        match t {
            Some(t) => {
                let _ = writeln!(
                    out,
                    "{label:<22} = {:.2} on {} df, p = {}",
                    t.statistic,
                    t.df,
                    text::p_value(t.p_value)
                );
            }
            None => {
                let _ = writeln!(out, "{label:<22} = NA (singular variance matrix)");
            }
        }
    }
    if robust {
        out.push_str(
            "(the likelihood-ratio and score tests assume independent rows; the Wald and \
             robust score tests, z and p use the robust variance)\n",
        );
    }
    if let Some(zph) = o.zph {
        let mut rows: Vec<Vec<String>> = zph
            .terms
            .iter()
            .zip(o.names)
            .map(|(t, n)| {
                vec![
                    n.clone(),
                    format!("{:.4}", t.statistic),
                    t.df.to_string(),
                    text::p_value(t.p_value),
                ]
            })
            .collect();
        rows.push(vec![
            "GLOBAL".to_owned(),
            format!("{:.4}", zph.global.statistic),
            zph.global.df.to_string(),
            text::p_value(zph.global.p_value),
        ]);
        let _ = writeln!(
            out,
            "\nProportional hazards test (cox.zph, {} transform):",
            zph.transform.r_name()
        );
        out.push_str(&text::aligned(&["", "chisq", "df", "p"], &rows));
    }
    let _ = writeln!(out, "Rows left out for missing values: {}", o.n_dropped);
    out
}
