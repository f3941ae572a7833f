//! The univariate analysis table a paper prints: per factor and group the
//! patients, events, median survival (95% CI), survival at chosen times, the
//! hazard ratio against the reference group with its interval, and the
//! factor's log-rank and permutation p-values; continuous factors as a hazard
//! ratio per unit; and, when asked, the multivariable Cox model of all the
//! factors.

use std::fmt::Write;

use serde::Serialize;
use surv_engine::univariate::FactorAnalysis;
use surv_engine::{CoxFit, PermutationMethod};

use crate::cox::{self, CoxOutput};
use crate::format::{self, OutputFormat};
use crate::text;
use crate::tidy::{self, Cell, Tidy};

/// One factor's result, with its names.
pub enum FactorOutput<'a> {
    /// A grouping: one row per group, the first the reference.
    Categorical {
        /// The column.
        name: &'a str,
        /// The groups' names, in code order.
        groups: &'a [String],
        /// The analysis.
        analysis: &'a FactorAnalysis,
        /// Rows left out for a missing value.
        n_dropped: usize,
        /// The log-rank p adjusted for the factors tested, when asked.
        p_adjusted: Option<f64>,
        /// The permutation p adjusted likewise.
        permutation_p_adjusted: Option<f64>,
    },
    /// A number entered as it is: the hazard ratio per unit.
    Continuous {
        /// The column.
        name: &'a str,
        /// The one-covariate Cox fit.
        fit: &'a CoxFit,
        /// Rows left out for a missing value.
        n_dropped: usize,
    },
}

/// The table.
pub struct UnivariateOutput<'a> {
    /// The factors, in the order asked.
    pub factors: &'a [FactorOutput<'a>],
    /// Times at which survival is read.
    pub at: &'a [f64],
    /// The adjustment of the p-values across factors (`holm`, `BH`), if any.
    pub adjustment: Option<&'a str>,
    /// The multivariable model, when asked.
    pub multivariable: Option<CoxOutput<'a>>,
}

/// Renders the table in `format`.
pub fn render(o: &UnivariateOutput<'_>, format: OutputFormat) -> String {
    match format {
        OutputFormat::Json => json(o),
        OutputFormat::Csv => csv(o),
        OutputFormat::Table => markdown(o),
    }
}

#[derive(Serialize)]
struct Document<'a> {
    factors: Vec<FactorJson<'a>>,
    multivariable: Option<cox::Document<'a>>,
    adjustment: Option<&'a str>,
    at: &'a [f64],
}

#[derive(Serialize)]
struct FactorJson<'a> {
    name: &'a str,
    logrank: Option<LogrankJson>,
    groups: Vec<GroupJson<'a>>,
    kind: &'static str,
    n: usize,
    events: usize,
    n_dropped: usize,
    permutation: Option<PermutationJson>,
    detectable_hr: Option<f64>,
    /// A continuous factor: the hazard ratio per unit.
    #[serde(skip_serializing_if = "Option::is_none")]
    per_unit: Option<PerUnitJson>,
    warnings: Vec<String>,
}

#[derive(Serialize)]
struct LogrankJson {
    chisq: f64,
    df: usize,
    p_value: f64,
    p_adjusted: Option<f64>,
}

#[derive(Serialize)]
struct PermutationJson {
    p_value: f64,
    p_adjusted: Option<f64>,
    method: &'static str,
    relabellings: Option<u64>,
    resamples: Option<u64>,
    seed: Option<u64>,
    std_err: Option<f64>,
}

#[derive(Serialize)]
struct GroupJson<'a> {
    group: &'a str,
    n: usize,
    events: usize,
    hr: f64,
    hr_lower: Option<f64>,
    hr_upper: Option<f64>,
    reference: bool,
    p_value: Option<f64>,
    median: Option<f64>,
    median_lower: Option<f64>,
    median_upper: Option<f64>,
    at: Vec<AtJson>,
}

#[derive(Serialize)]
struct AtJson {
    time: f64,
    survival: Option<f64>,
    lower: Option<f64>,
    upper: Option<f64>,
}

#[derive(Serialize)]
struct PerUnitJson {
    coef: f64,
    se: Option<f64>,
    hr: Option<f64>,
    hr_lower: Option<f64>,
    hr_upper: Option<f64>,
    p_value: Option<f64>,
}

fn permutation(a: &FactorAnalysis, adjusted: Option<f64>) -> Option<PermutationJson> {
    a.permutation.as_ref().map(|p| {
        let (method, relabellings, resamples, seed) = match p.method {
            PermutationMethod::Exact { relabellings } => ("exact", Some(relabellings), None, None),
            PermutationMethod::MonteCarlo { resamples, seed } => {
                ("monte_carlo", None, Some(resamples), Some(seed))
            }
        };
        PermutationJson {
            p_value: p.p_value,
            p_adjusted: adjusted,
            method,
            relabellings,
            resamples,
            seed,
            std_err: p.std_err,
        }
    })
}

fn json(o: &UnivariateOutput<'_>) -> String {
    let factors = o
        .factors
        .iter()
        .map(|f| match f {
            FactorOutput::Categorical {
                name,
                groups,
                analysis: a,
                n_dropped,
                p_adjusted,
                permutation_p_adjusted,
            } => FactorJson {
                name,
                logrank: Some(LogrankJson {
                    chisq: a.log_rank.statistic,
                    df: a.log_rank.df,
                    p_value: a.log_rank.p_value,
                    p_adjusted: *p_adjusted,
                }),
                groups: groups
                    .iter()
                    .zip(&a.groups)
                    .map(|(name, g)| GroupJson {
                        group: name,
                        n: g.n,
                        events: g.n_events,
                        hr: g.hazard_ratio.and_then(|h| h.hr).unwrap_or(1.0),
                        hr_lower: g.hazard_ratio.and_then(|h| h.lower),
                        hr_upper: g.hazard_ratio.and_then(|h| h.upper),
                        reference: g.hazard_ratio.is_none(),
                        p_value: g.p_value,
                        median: g.median.time,
                        median_lower: g.median.lower,
                        median_upper: g.median.upper,
                        at: g
                            .at
                            .iter()
                            .map(|s| AtJson {
                                time: s.time,
                                survival: s.survival,
                                lower: s.lower,
                                upper: s.upper,
                            })
                            .collect(),
                    })
                    .collect(),
                kind: "categorical",
                n: a.cox.n,
                events: a.cox.n_events,
                n_dropped: *n_dropped,
                permutation: permutation(a, *permutation_p_adjusted),
                detectable_hr: a.detectable_hr,
                per_unit: None,
                warnings: a.cox.warnings.iter().map(ToString::to_string).collect(),
            },
            FactorOutput::Continuous {
                name,
                fit,
                n_dropped,
            } => FactorJson {
                name,
                logrank: None,
                groups: Vec::new(),
                kind: "continuous",
                n: fit.n,
                events: fit.n_events,
                n_dropped: *n_dropped,
                permutation: None,
                detectable_hr: None,
                per_unit: Some(PerUnitJson {
                    coef: fit.coef[0],
                    se: fit.std_err[0],
                    hr: fit.hazard_ratio[0].hr,
                    hr_lower: fit.hazard_ratio[0].lower,
                    hr_upper: fit.hazard_ratio[0].upper,
                    p_value: fit.p_value[0],
                }),
                warnings: fit.warnings.iter().map(ToString::to_string).collect(),
            },
        })
        .collect();
    format::json(&Document {
        factors,
        multivariable: o.multivariable.as_ref().map(cox::document),
        adjustment: o.adjustment,
        at: o.at,
    })
}

const CSV_HEADER: &[&str] = &[
    "kind",
    "factor",
    "group",
    "n",
    "events",
    "estimate",
    "lower",
    "upper",
    "time",
    "statistic",
    "df",
    "p_value",
    "p_adjusted",
];

/// One row per number: `group` (n, events), `median` and `survival` (with
/// their intervals; survival at `time`), `hr` (a group against the reference,
/// or `per unit`), `logrank` and `permutation` (a factor's test),
/// `multivariable` (a coefficient of the joint model).
fn csv(o: &UnivariateOutput<'_>) -> String {
    let mut out = Tidy::new(CSV_HEADER);
    for f in o.factors {
        match f {
            FactorOutput::Categorical {
                name,
                groups,
                analysis: a,
                p_adjusted,
                permutation_p_adjusted,
                ..
            } => {
                let factor = Cell::Text(name);
                for (group, g) in groups.iter().zip(&a.groups) {
                    let group = Cell::Text(group);
                    out.row(
                        "group",
                        &[
                            ("factor", factor),
                            ("group", group),
                            ("n", Cell::Count(g.n)),
                            ("events", Cell::Count(g.n_events)),
                        ],
                    );
                    out.row(
                        "median",
                        &[
                            ("factor", factor),
                            ("group", group),
                            ("estimate", tidy::number(g.median.time)),
                            ("lower", tidy::number(g.median.lower)),
                            ("upper", tidy::number(g.median.upper)),
                        ],
                    );
                    for s in &g.at {
                        out.row(
                            "survival",
                            &[
                                ("factor", factor),
                                ("group", group),
                                ("time", Cell::Number(s.time)),
                                ("estimate", tidy::number(s.survival)),
                                ("lower", tidy::number(s.lower)),
                                ("upper", tidy::number(s.upper)),
                            ],
                        );
                    }
                    let hr = g.hazard_ratio;
                    out.row(
                        "hr",
                        &[
                            ("factor", factor),
                            ("group", group),
                            (
                                "estimate",
                                Cell::Number(hr.and_then(|h| h.hr).unwrap_or(1.0)),
                            ),
                            ("lower", tidy::number(hr.and_then(|h| h.lower))),
                            ("upper", tidy::number(hr.and_then(|h| h.upper))),
                            ("p_value", tidy::number(g.p_value)),
                        ],
                    );
                }
                out.row(
                    "logrank",
                    &[
                        ("factor", factor),
                        ("statistic", Cell::Number(a.log_rank.statistic)),
                        ("df", Cell::Count(a.log_rank.df)),
                        ("p_value", Cell::Number(a.log_rank.p_value)),
                        ("p_adjusted", tidy::number(*p_adjusted)),
                    ],
                );
                if let Some(p) = &a.permutation {
                    out.row(
                        "permutation",
                        &[
                            ("factor", factor),
                            ("statistic", Cell::Number(p.statistic)),
                            ("p_value", Cell::Number(p.p_value)),
                            ("p_adjusted", tidy::number(*permutation_p_adjusted)),
                        ],
                    );
                }
            }
            FactorOutput::Continuous { name, fit, .. } => {
                let hr = fit.hazard_ratio[0];
                out.row(
                    "hr",
                    &[
                        ("factor", Cell::Text(name)),
                        ("group", Cell::Text("per unit")),
                        ("n", Cell::Count(fit.n)),
                        ("events", Cell::Count(fit.n_events)),
                        ("estimate", tidy::number(hr.hr)),
                        ("lower", tidy::number(hr.lower)),
                        ("upper", tidy::number(hr.upper)),
                        ("p_value", tidy::number(fit.p_value[0])),
                    ],
                );
            }
        }
    }
    if let Some(m) = &o.multivariable {
        for (j, name) in m.names.iter().enumerate() {
            let hr = m.fit.hazard_ratio[j];
            out.row(
                "multivariable",
                &[
                    ("factor", Cell::Text(name)),
                    ("n", Cell::Count(m.fit.n)),
                    ("events", Cell::Count(m.fit.n_events)),
                    ("estimate", tidy::number(hr.hr)),
                    ("lower", tidy::number(hr.lower)),
                    ("upper", tidy::number(hr.upper)),
                    ("p_value", tidy::number(m.fit.p_value[j])),
                ],
            );
        }
    }
    out.finish()
}

/// `est (lower–upper)`: `NR` for an estimate not reached, `NA` for a bound
/// R gives none for; whole numbers without decimals, others to one.
fn with_interval(est: Option<f64>, lower: Option<f64>, upper: Option<f64>) -> String {
    let f = |x: Option<f64>| {
        x.map_or_else(
            || "NA".to_owned(),
            |v| {
                if v.fract() == 0.0 {
                    format!("{v:.0}")
                } else {
                    format!("{v:.1}")
                }
            },
        )
    };
    match est {
        None => "NR".to_owned(),
        Some(_) => format!("{} ({}–{})", f(est), f(lower), f(upper)),
    }
}

/// A hazard ratio with its interval; `NA` where undefined.
fn hazard_ratio(hr: Option<f64>, lower: Option<f64>, upper: Option<f64>) -> String {
    let f = |x: Option<f64>| x.map_or_else(|| "NA".to_owned(), |v| format!("{v:.2}"));
    format!("{} ({}–{})", f(hr), f(lower), f(upper))
}

/// The table as Markdown: one row per group, the factor's p-values on its
/// first row; then the multivariable model.
fn markdown(o: &UnivariateOutput<'_>) -> String {
    let mut header: Vec<String> = ["Factor", "Group", "n", "Events", "Median (95% CI)"]
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
    for t in o.at {
        header.push(format!("S({}) % (95% CI)", text::number(*t)));
    }
    header.push("HR (95% CI)".to_owned());
    header.push("Log-rank p".to_owned());
    let permutation = o.factors.iter().any(|f| {
        matches!(f, FactorOutput::Categorical { analysis, .. } if analysis.permutation.is_some())
    });
    if permutation {
        header.push("Permutation p".to_owned());
    }
    let adjusted = o.adjustment.is_some();
    if adjusted {
        header.push(format!("Log-rank p ({})", o.adjustment.unwrap_or_default()));
        if permutation {
            header.push(format!(
                "Permutation p ({})",
                o.adjustment.unwrap_or_default()
            ));
        }
    }
    let mut rows = Vec::new();
    for f in o.factors {
        match f {
            FactorOutput::Categorical {
                name,
                groups,
                analysis: a,
                p_adjusted,
                permutation_p_adjusted,
                ..
            } => {
                for (i, (group, g)) in groups.iter().zip(&a.groups).enumerate() {
                    let mut row = vec![
                        if i == 0 {
                            (*name).to_owned()
                        } else {
                            String::new()
                        },
                        group.clone(),
                        g.n.to_string(),
                        g.n_events.to_string(),
                        with_interval(g.median.time, g.median.lower, g.median.upper),
                    ];
                    for s in &g.at {
                        let pct = |x: Option<f64>| x.map(|v| 100.0 * v);
                        row.push(match s.survival {
                            None => "NA".to_owned(),
                            Some(_) => with_interval(pct(s.survival), pct(s.lower), pct(s.upper)),
                        });
                    }
                    row.push(match g.hazard_ratio {
                        None => "1 (reference)".to_owned(),
                        Some(h) => hazard_ratio(h.hr, h.lower, h.upper),
                    });
                    let first = i == 0;
                    row.push(if first {
                        text::p_short(Some(a.log_rank.p_value))
                    } else {
                        String::new()
                    });
                    if permutation {
                        row.push(if first {
                            text::p_short(a.permutation.as_ref().map(|p| p.p_value))
                        } else {
                            String::new()
                        });
                    }
                    if adjusted {
                        let shown = |p: Option<f64>| {
                            if first {
                                text::p_short(p)
                            } else {
                                String::new()
                            }
                        };
                        row.push(shown(*p_adjusted));
                        if permutation {
                            row.push(shown(*permutation_p_adjusted));
                        }
                    }
                    rows.push(row);
                }
            }
            FactorOutput::Continuous { name, fit, .. } => {
                let hr = fit.hazard_ratio[0];
                let mut row = vec![
                    (*name).to_owned(),
                    "per unit".to_owned(),
                    fit.n.to_string(),
                    fit.n_events.to_string(),
                    String::new(),
                ];
                row.extend(o.at.iter().map(|_| String::new()));
                row.push(hazard_ratio(hr.hr, hr.lower, hr.upper));
                row.push(String::new());
                if permutation {
                    row.push(String::new());
                }
                if adjusted {
                    row.push(String::new());
                    if permutation {
                        row.push(String::new());
                    }
                }
                rows.push(row);
            }
        }
    }
    let mut out = text::markdown(&header, &rows);
    out.push_str(
        "\nHR: Cox hazard ratio against the first group (per unit for a continuous factor); \
         NR: not reached.\n",
    );
    if let Some(m) = &o.multivariable {
        let _ = writeln!(
            out,
            "\n**Multivariable Cox model** (n = {}, {} events; rows left out for a missing value: {})\n",
            m.fit.n, m.fit.n_events, m.n_dropped
        );
        let rows: Vec<Vec<String>> = m
            .names
            .iter()
            .enumerate()
            .map(|(j, name)| {
                let hr = m.fit.hazard_ratio[j];
                vec![
                    name.clone(),
                    hazard_ratio(hr.hr, hr.lower, hr.upper),
                    text::p_short(m.fit.p_value[j]),
                ]
            })
            .collect();
        out.push_str(&text::markdown(
            &["Term".to_owned(), "HR (95% CI)".to_owned(), "p".to_owned()],
            &rows,
        ));
    }
    out
}
