//! A Cox model as `summary.coxph` prints it, with `cox.zph` when asked for.

use std::fmt::Write;

use serde::Serialize;
use surv_engine::{ChiSquareTest, CoxFit, Ties, Zph};

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
struct CoefficientJson<'a> {
    name: &'a str,
    coef: f64,
    se: Option<f64>,
    hr: Option<f64>,
    hr_lower: Option<f64>,
    hr_upper: Option<f64>,
    z: Option<f64>,
    p_value: Option<f64>,
    /// With a robust variance (clusters, or weights that are not whole
    /// numbers): its standard error, which `z`, `p_value` and the interval use.
    #[serde(skip_serializing_if = "Option::is_none")]
    robust_se: Option<Option<f64>>,
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
        coefficients: (0..f.coef.len())
            .map(|j| CoefficientJson {
                name: &o.names[j],
                coef: f.coef[j],
                se: f.std_err[j],
                hr: f.hazard_ratio[j].hr,
                hr_lower: f.hazard_ratio[j].lower,
                hr_upper: f.hazard_ratio[j].upper,
                z: f.z[j],
                p_value: f.p_value[j],
                robust_se: f.robust_std_err.as_ref().map(|r| r[j]),
            })
            .collect(),
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
    for (j, name) in o.names.iter().enumerate() {
        let hr = f.hazard_ratio[j];
        out.row(
            "coefficient",
            &[
                ("term", Cell::Text(name)),
                ("estimate", Cell::Number(f.coef[j])),
                ("std_err", tidy::number(f.std_err[j])),
                ("hr", tidy::number(hr.hr)),
                ("hr_lower", tidy::number(hr.lower)),
                ("hr_upper", tidy::number(hr.upper)),
                ("z", tidy::number(f.z[j])),
                ("p_value", tidy::number(f.p_value[j])),
                (
                    "robust_std_err",
                    tidy::number(f.robust_std_err.as_ref().and_then(|r| r[j])),
                ),
            ],
        );
    }
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
    let level = f.conf_level * 100.0;
    let rows: Vec<Vec<String>> = (0..f.coef.len())
        .map(|j| {
            let hr = f.hazard_ratio[j];
            vec![
                o.names[j].clone(),
                format!("{:.4}", f.coef[j]),
                text::or_na(hr.hr, 4),
                text::or_na(f.std_err[j], 4),
                text::or_na(f.robust_std_err.as_ref().and_then(|r| r[j]), 4),
                text::or_na(f.z[j], 3),
                f.p_value[j].map_or_else(|| "NA".to_owned(), text::p_value),
                text::or_na(hr.lower, 3),
                text::or_na(hr.upper, 3),
            ]
        })
        .collect();
    let mut out = String::new();
    let _ = writeln!(
        out,
        "n = {}, number of events = {} ({} ties)\n",
        f.n,
        f.n_events,
        f.ties.r_name()
    );
    let robust = f.robust_std_err.is_some();
    let (lower, upper) = (format!("lower .{level:.0}"), format!("upper .{level:.0}"));
    let header = [
        "",
        "coef",
        "exp(coef)",
        "se(coef)",
        "robust se",
        "z",
        "p",
        &lower,
        &upper,
    ];
    // The robust column only where there is a robust variance, as R prints it.
    let keep = |k: usize| robust || k != 4;
    let header: Vec<&str> = (0..header.len())
        .filter(|&k| keep(k))
        .map(|k| header[k])
        .collect();
    let rows: Vec<Vec<String>> = rows
        .into_iter()
        .map(|row| {
            row.into_iter()
                .enumerate()
                .filter(|(k, _)| keep(*k))
                .map(|(_, cell)| cell)
                .collect()
        })
        .collect();
    out.push_str(&text::aligned(&header, &rows));
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
