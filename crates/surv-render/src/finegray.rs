//! A Fine-Gray subdistribution hazards model, printed as `npcsurv cox`
//! prints a Cox model.

use std::fmt::Write;

use serde::Serialize;
use surv_engine::FineGrayFit;

use crate::format::{self, OutputFormat};
use crate::text;
use crate::tidy::{self, Cell, Tidy};

/// A fitted model with the names of its codes and covariates.
pub struct FineGrayOutput<'a> {
    /// The fit.
    pub fit: &'a FineGrayFit,
    /// One name per coefficient.
    pub names: &'a [String],
    /// The cause modelled, as the file writes it.
    pub cause: &'a str,
    /// The status value of a censored row, as given.
    pub censor_value: &'a str,
    /// Rows left out for missing values.
    pub n_dropped: usize,
}

/// `{"cause","censor_value","n","events","competing","censored","n_dropped",
/// "coefficients":[…],"loglik_null","loglik","iterations","converged",
/// "conf_level","warnings"}`.
#[derive(Serialize)]
struct Document<'a> {
    cause: &'a str,
    censor_value: &'a str,
    n: usize,
    events: usize,
    competing: usize,
    censored: usize,
    n_dropped: usize,
    coefficients: Vec<CoefficientJson<'a>>,
    loglik_null: f64,
    loglik: f64,
    iterations: usize,
    converged: bool,
    conf_level: f64,
    warnings: Vec<String>,
}

/// The coefficient as `npcsurv cox` prints one.
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
}

const CSV_COLUMNS: &[&str] = &[
    "kind", "term", "estimate", "std_err", "hr", "hr_lower", "hr_upper", "z", "p_value",
];

/// The fit's warnings in words.
fn warnings(o: &FineGrayOutput<'_>) -> Vec<String> {
    if o.fit.converged {
        Vec::new()
    } else {
        vec![format!(
            "did not converge in {} iterations (crr's rule: every score below gtol); \
             the estimates are where the iterations stopped",
            o.fit.iterations
        )]
    }
}

/// A Fine-Gray fit in `format`.
///
/// CSV rows, by `kind`: `coefficient` (estimate = coef, with its robust
/// standard error, subdistribution hazard ratio and interval, z and p),
/// `loglik_null` and `loglik` (estimate).
pub fn render(o: &FineGrayOutput<'_>, format: OutputFormat) -> String {
    let f = o.fit;
    match format {
        OutputFormat::Json => format::json(&Document {
            cause: o.cause,
            censor_value: o.censor_value,
            n: f.n,
            events: f.n_events,
            competing: f.n_competing,
            censored: f.n_censored,
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
                })
                .collect(),
            loglik_null: f.loglik_null,
            loglik: f.loglik,
            iterations: f.iterations,
            converged: f.converged,
            conf_level: f.conf_level,
            warnings: warnings(o),
        }),
        OutputFormat::Csv => {
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
                    ],
                );
            }
            out.row("loglik_null", &[("estimate", Cell::Number(f.loglik_null))]);
            out.row("loglik", &[("estimate", Cell::Number(f.loglik))]);
            out.finish()
        }
        OutputFormat::Table => table(o),
    }
}

fn table(o: &FineGrayOutput<'_>) -> String {
    let f = o.fit;
    let level = f.conf_level * 100.0;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Fine-Gray model of cause {}: n = {}, events of the cause = {}, competing = {}, censored = {}\n",
        o.cause, f.n, f.n_events, f.n_competing, f.n_censored
    );
    let rows: Vec<Vec<String>> = (0..f.coef.len())
        .map(|j| {
            let hr = f.hazard_ratio[j];
            vec![
                o.names[j].clone(),
                format!("{:.4}", f.coef[j]),
                text::or_na(hr.hr, 4),
                text::or_na(f.std_err[j], 4),
                text::or_na(f.z[j], 3),
                f.p_value[j].map_or_else(|| "NA".to_owned(), text::p_value),
                text::or_na(hr.lower, 3),
                text::or_na(hr.upper, 3),
            ]
        })
        .collect();
    out.push_str(&text::aligned(
        &[
            "",
            "coef",
            "exp(coef)",
            "se(coef)",
            "z",
            "p",
            &format!("lower .{level:.0}"),
            &format!("upper .{level:.0}"),
        ],
        &rows,
    ));
    let _ = writeln!(
        out,
        "\nexp(coef) is the subdistribution hazard ratio; se is crr's robust one.\n\
         Pseudo log-likelihood = {:.4} (null {:.4}); {} iterations",
        f.loglik, f.loglik_null, f.iterations
    );
    for w in warnings(o) {
        let _ = writeln!(out, "warning: {w}");
    }
    let _ = writeln!(out, "Rows left out for missing values: {}", o.n_dropped);
    out
}
