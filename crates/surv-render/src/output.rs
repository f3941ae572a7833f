//! What `npcsurv` prints: the engine's results as aligned tables for people, one
//! JSON document for programs, or the main table as CSV. Undefined values are
//! `null` in JSON and empty in CSV, never NaN.

use std::fmt::Write;

use serde_json::{Value, json};
use surv_engine::cox::{CoxFit, Zph};
use surv_engine::km::KmCurve;
use surv_engine::logrank::{LogRank, Trend};
use surv_engine::permutation::{PermutationMethod, PermutationTest};
use surv_engine::rmean::RestrictedMean;

/// An output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OutputFormat {
    /// Aligned, human-readable tables (the default).
    #[default]
    Table,
    /// One JSON document.
    Json,
    /// The main table as CSV.
    Csv,
}

impl std::str::FromStr for OutputFormat {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "table" => Ok(OutputFormat::Table),
            "json" => Ok(OutputFormat::Json),
            "csv" => Ok(OutputFormat::Csv),
            other => Err(format!("`{other}`; expected table, json or csv")),
        }
    }
}

/// One Kaplan-Meier curve with what was asked of it.
pub struct KmOutput<'a> {
    /// Group value as text (`None` for the whole cohort).
    pub group: Option<&'a str>,
    /// The curve.
    pub curve: &'a KmCurve,
    /// Requested times.
    pub at: &'a [f64],
    /// The restricted mean, if asked for.
    pub rmean: Option<RestrictedMean>,
}

fn num(x: f64) -> String {
    if x == x.trunc() && x.abs() < 1e15 {
        format!("{x:.0}")
    } else {
        format!("{x:.4}")
    }
}

fn opt(x: Option<f64>, decimals: usize) -> String {
    x.map_or_else(|| "NA".to_owned(), |v| format!("{v:.decimals$}"))
}

fn csv_opt(x: Option<f64>) -> String {
    x.map_or_else(String::new, |v| v.to_string())
}

/// Pads columns to their widest cell; numbers right-aligned.
fn aligned(headers: &[&str], rows: &[Vec<String>]) -> String {
    let mut widths: Vec<usize> = headers.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    let line = |cells: Vec<String>, out: &mut String| {
        let padded: Vec<String> = cells
            .iter()
            .zip(&widths)
            .map(|(c, w)| format!("{c:>w$}"))
            .collect();
        let _ = writeln!(out, "{}", padded.join("  ").trim_end());
    };
    line(headers.iter().map(|h| (*h).to_owned()).collect(), &mut out);
    for row in rows {
        line(row.clone(), &mut out);
    }
    out
}

/// Kaplan-Meier curves in `format`.
pub fn km(curves: &[KmOutput<'_>], n_dropped: usize, format: OutputFormat) -> String {
    let (conf_type, conf_level) = curves.first().map_or(("log", 0.95), |c| {
        (c.curve.conf_type.r_name(), c.curve.conf_level)
    });
    match format {
        OutputFormat::Json => {
            let curves: Vec<Value> = curves
                .iter()
                .map(|c| {
                    let k = c.curve;
                    let median = k.median();
                    let steps: Vec<Value> = (0..k.len())
                        .map(|i| {
                            json!({"time": k.time[i], "n_risk": k.n_risk[i], "n_event": k.n_event[i],
                                   "n_censor": k.n_censor[i], "survival": k.survival[i], "std_err": k.std_err[i],
                                   "lower": k.lower[i], "upper": k.upper[i]})
                        })
                        .collect();
                    let at: Vec<Value> = k
                        .at(c.at)
                        .iter()
                        .map(|a| json!({"time": a.time, "n_risk": a.n_risk, "survival": a.survival,
                                        "std_err": a.std_err, "lower": a.lower, "upper": a.upper}))
                        .collect();
                    let mut v = json!({"group": c.group, "n": k.n, "events": k.n_events, "median": median.time,
                           "median_lower": median.lower, "median_upper": median.upper, "steps": steps, "at": at});
                    if let Some(r) = c.rmean {
                        v["rmean"] = json!({"tau": r.tau, "rmean": r.rmean, "std_err": r.std_err});
                    }
                    v
                })
                .collect();
            pretty(
                &json!({"conf_type": conf_type, "conf_level": conf_level, "n_dropped": n_dropped, "curves": curves}),
            )
        }
        OutputFormat::Csv => {
            let mut out =
                String::from("group,time,n_risk,n_event,n_censor,survival,std_err,lower,upper\n");
            for c in curves {
                let k = c.curve;
                for i in 0..k.len() {
                    let _ = writeln!(
                        out,
                        "{},{},{},{},{},{},{},{},{}",
                        c.group.unwrap_or(""),
                        k.time[i],
                        k.n_risk[i],
                        k.n_event[i],
                        k.n_censor[i],
                        k.survival[i],
                        csv_opt(k.std_err[i]),
                        csv_opt(k.lower[i]),
                        csv_opt(k.upper[i])
                    );
                }
            }
            out
        }
        OutputFormat::Table => {
            let mut out = String::new();
            let headers = [
                "group",
                "n",
                "events",
                "median",
                &format!("{:.0}% LCL", conf_level * 100.0),
                &format!("{:.0}% UCL", conf_level * 100.0),
            ];
            let rows: Vec<Vec<String>> = curves
                .iter()
                .map(|c| {
                    let m = c.curve.median();
                    vec![
                        c.group.unwrap_or("all").to_owned(),
                        c.curve.n.to_string(),
                        c.curve.n_events.to_string(),
                        opt(m.time, 2),
                        opt(m.lower, 2),
                        opt(m.upper, 2),
                    ]
                })
                .collect();
            out.push_str(&aligned(&headers, &rows));
            let _ = writeln!(
                out,
                "\n{conf_type} confidence intervals; rows left out for missing values: {n_dropped}"
            );
            for c in curves {
                let at = c.curve.at(c.at);
                if !at.is_empty() {
                    let _ = writeln!(out, "\n{}:", c.group.unwrap_or("all"));
                    let rows: Vec<Vec<String>> = at
                        .iter()
                        .map(|a| {
                            vec![
                                num(a.time),
                                a.n_risk.to_string(),
                                format!("{:.4}", a.survival),
                                opt(a.std_err, 4),
                                opt(a.lower, 4),
                                opt(a.upper, 4),
                            ]
                        })
                        .collect();
                    out.push_str(&aligned(
                        &["time", "n.risk", "survival", "std.err", "lower", "upper"],
                        &rows,
                    ));
                }
                if let Some(r) = c.rmean {
                    let _ = writeln!(
                        out,
                        "restricted mean up to {}: {:.4} (se {:.4})",
                        num(r.tau),
                        r.rmean,
                        r.std_err
                    );
                }
            }
            out
        }
    }
}

/// Extra results of a log-rank run.
pub struct LogRankExtras<'a> {
    /// Test for trend.
    pub trend: Option<&'a Trend>,
    /// Permutation p-value.
    pub permutation: Option<&'a PermutationTest>,
}

/// A log-rank test in `format`.
pub fn logrank(
    test: &LogRank,
    levels: &[String],
    n_dropped: usize,
    extras: &LogRankExtras<'_>,
    format: OutputFormat,
) -> String {
    match format {
        OutputFormat::Json => {
            let groups: Vec<Value> = levels
                .iter()
                .enumerate()
                .map(|(g, l)| json!({"group": l, "n": test.n[g], "observed": test.observed[g], "expected": test.expected[g]}))
                .collect();
            let mut v = json!({"rho": test.rho, "chisq": test.chisq, "df": test.df, "p_value": test.p_value,
                               "n_dropped": n_dropped, "groups": groups});
            if let Some(t) = extras.trend {
                v["trend"] = json!({"scores": t.scores, "chisq": t.chisq, "p_value": t.p_value});
            }
            if let Some(p) = extras.permutation {
                v["permutation"] = permutation_json(p);
            }
            pretty(&v)
        }
        OutputFormat::Csv => {
            let mut out = String::from("group,n,observed,expected\n");
            for (g, l) in levels.iter().enumerate() {
                let _ = writeln!(
                    out,
                    "{l},{},{},{}",
                    test.n[g], test.observed[g], test.expected[g]
                );
            }
            out
        }
        OutputFormat::Table => {
            let rows: Vec<Vec<String>> = levels
                .iter()
                .enumerate()
                .map(|(g, l)| {
                    let (o, e) = (test.observed[g], test.expected[g]);
                    vec![
                        l.clone(),
                        test.n[g].to_string(),
                        num(o),
                        format!("{e:.2}"),
                        format!("{:.3}", (o - e).powi(2) / e),
                        format!("{:.3}", (o - e).powi(2) / test.variance_at(g, g)),
                    ]
                })
                .collect();
            let mut out = aligned(
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
                test.chisq,
                test.df,
                p(test.p_value)
            );
            if test.rho != 0.0 {
                let _ = writeln!(out, "G-rho test with rho = {}", test.rho);
            }
            if let Some(t) = extras.trend {
                let _ = writeln!(
                    out,
                    "Test for trend (scores {:?}): chisq = {:.4} on 1 df, p = {}",
                    t.scores,
                    t.chisq,
                    p(t.p_value)
                );
            }
            if let Some(perm) = extras.permutation {
                let _ = writeln!(
                    out,
                    "Permutation p = {} ({})",
                    p(perm.p_value),
                    method(perm)
                );
            }
            let _ = writeln!(out, "Rows left out for missing values: {n_dropped}");
            out
        }
    }
}

fn method(p: &PermutationTest) -> String {
    match p.method {
        PermutationMethod::Exact { relabellings } => format!("exact, {relabellings} relabellings"),
        PermutationMethod::MonteCarlo { resamples, seed } => {
            format!(
                "Monte Carlo, {resamples} resamples, seed {seed}, standard error {:.4}",
                p.mc_std_err.unwrap_or(0.0)
            )
        }
    }
}

fn permutation_json(p: &PermutationTest) -> Value {
    let (kind, count, seed) = match p.method {
        PermutationMethod::Exact { relabellings } => ("exact", relabellings, None),
        PermutationMethod::MonteCarlo { resamples, seed } => ("monte_carlo", resamples, Some(seed)),
    };
    json!({"statistic": p.statistic, "p_value": p.p_value, "method": kind, "relabellings": count, "seed": seed, "mc_std_err": p.mc_std_err})
}

fn p(x: f64) -> String {
    if x < 1e-4 {
        format!("{x:.2e}")
    } else {
        format!("{x:.4}")
    }
}

/// A Cox fit in `format`.
pub fn cox(
    fit: &CoxFit,
    names: &[String],
    n_dropped: usize,
    zph: Option<&Zph>,
    format: OutputFormat,
) -> String {
    let z = fit.z();
    let pv = fit.p_values();
    let hr = fit.hazard_ratios();
    let finite = |x: f64| x.is_finite().then_some(x);
    let ties = match fit.ties {
        surv_engine::cox::Ties::Efron => "efron",
        surv_engine::cox::Ties::Breslow => "breslow",
    };
    match format {
        OutputFormat::Json => {
            let coefficients: Vec<Value> = (0..fit.coef.len())
                .map(|j| json!({"name": names[j], "coef": fit.coef[j], "se": fit.se[j], "hr": finite(hr[j].hr),
                                "hr_lower": finite(hr[j].lower), "hr_upper": finite(hr[j].upper), "z": z[j], "p_value": pv[j]}))
                .collect();
            let test = |t: &surv_engine::cox::ChiSquareTest| json!({"statistic": t.statistic, "df": t.df, "p_value": t.p_value});
            let mut v = json!({"ties": ties, "n": fit.n, "events": fit.n_events, "n_dropped": n_dropped,
                "coefficients": coefficients, "loglik_null": fit.loglik_null, "loglik": fit.loglik,
                "lr_test": test(&fit.lr_test), "wald_test": test(&fit.wald_test), "score_test": test(&fit.score_test),
                "concordance": fit.concordance.value, "concordance_se": fit.concordance.std_err,
                "iterations": fit.iterations,
                "warnings": fit.warnings.iter().map(ToString::to_string).collect::<Vec<_>>()});
            if let Some(zph) = zph {
                let terms: Vec<Value> = zph.terms.iter().zip(names).map(|(t, n)| json!({"term": n, "chisq": t.statistic, "df": t.df, "p_value": t.p_value})).collect();
                v["zph"] = json!({"terms": terms, "global": test(&zph.global)});
            }
            pretty(&v)
        }
        OutputFormat::Csv => {
            let mut out = String::from("name,coef,se,hr,hr_lower,hr_upper,z,p_value\n");
            for j in 0..fit.coef.len() {
                let _ = writeln!(
                    out,
                    "{},{},{},{},{},{},{},{}",
                    names[j],
                    fit.coef[j],
                    fit.se[j],
                    csv_opt(finite(hr[j].hr)),
                    csv_opt(finite(hr[j].lower)),
                    csv_opt(finite(hr[j].upper)),
                    z[j],
                    pv[j]
                );
            }
            out
        }
        OutputFormat::Table => {
            let level = fit.conf_level * 100.0;
            let rows: Vec<Vec<String>> = (0..fit.coef.len())
                .map(|j| {
                    vec![
                        names[j].clone(),
                        format!("{:.4}", fit.coef[j]),
                        format!("{:.4}", hr[j].hr),
                        format!("{:.4}", fit.se[j]),
                        format!("{:.3}", z[j]),
                        p(pv[j]),
                        opt(finite(hr[j].lower), 3),
                        opt(finite(hr[j].upper), 3),
                    ]
                })
                .collect();
            let mut out = String::new();
            let _ = writeln!(
                out,
                "n = {}, number of events = {} ({} ties)\n",
                fit.n, fit.n_events, ties
            );
            out.push_str(&aligned(
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
                "\nConcordance = {:.3} (se = {:.3})",
                fit.concordance.value, fit.concordance.std_err
            );
            for (label, t) in [
                ("Likelihood ratio test", &fit.lr_test),
                ("Wald test", &fit.wald_test),
                ("Score (logrank) test", &fit.score_test),
            ] {
                let _ = writeln!(
                    out,
                    "{label:<22} = {:.2} on {} df, p = {}",
                    t.statistic,
                    t.df,
                    p(t.p_value)
                );
            }
            for w in &fit.warnings {
                let _ = writeln!(out, "warning: {w}");
            }
            if let Some(zph) = zph {
                let mut rows: Vec<Vec<String>> = zph
                    .terms
                    .iter()
                    .zip(names)
                    .map(|(t, n)| {
                        vec![
                            n.clone(),
                            format!("{:.4}", t.statistic),
                            t.df.to_string(),
                            p(t.p_value),
                        ]
                    })
                    .collect();
                rows.push(vec![
                    "GLOBAL".to_owned(),
                    format!("{:.4}", zph.global.statistic),
                    zph.global.df.to_string(),
                    p(zph.global.p_value),
                ]);
                let _ = writeln!(
                    out,
                    "\nProportional hazards test (cox.zph, {:?} transform):",
                    zph.transform
                );
                out.push_str(&aligned(&["", "chisq", "df", "p"], &rows));
            }
            let _ = writeln!(out, "Rows left out for missing values: {n_dropped}");
            out
        }
    }
}

fn pretty(v: &Value) -> String {
    serde_json::to_string_pretty(v).unwrap_or_default() + "\n"
}
