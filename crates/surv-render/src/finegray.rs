//! A Fine-Gray subdistribution hazards model, printed as `npcsurv cox`
//! prints a Cox model.

use std::fmt::Write;

use serde::Serialize;
use surv_engine::FineGrayFit;

use crate::coefficients::{CoefficientJson, Coefficients};
use crate::format::{self, OutputFormat};
use crate::tidy::{Cell, Tidy};

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

const CSV_COLUMNS: &[&str] = &[
    "kind", "term", "estimate", "std_err", "hr", "hr_lower", "hr_upper", "z", "p_value",
];

fn coefficients<'a>(o: &'a FineGrayOutput<'a>) -> Coefficients<'a> {
    let f = o.fit;
    Coefficients {
        names: o.names,
        coef: &f.coef,
        std_err: &f.std_err,
        hazard_ratio: &f.hazard_ratio,
        z: &f.z,
        p_value: &f.p_value,
        robust_std_err: None,
    }
}

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
            coefficients: coefficients(o).json(),
            loglik_null: f.loglik_null,
            loglik: f.loglik,
            iterations: f.iterations,
            converged: f.converged,
            conf_level: f.conf_level,
            warnings: warnings(o),
        }),
        OutputFormat::Csv => {
            let mut out = Tidy::new(CSV_COLUMNS);
            coefficients(o).csv_rows(&mut out);
            out.row("loglik_null", &[("estimate", Cell::Number(f.loglik_null))]);
            out.row("loglik", &[("estimate", Cell::Number(f.loglik))]);
            out.finish()
        }
        OutputFormat::Table => table(o),
    }
}

fn table(o: &FineGrayOutput<'_>) -> String {
    let f = o.fit;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Fine-Gray model of cause {}: n = {}, events of the cause = {}, competing = {}, censored = {}\n",
        o.cause, f.n, f.n_events, f.n_competing, f.n_censored
    );
    out.push_str(&coefficients(o).table(f.conf_level));
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
