//! Cumulative incidence of competing risks: each cause's curve per group,
//! read at chosen times, with Gray's test between the groups.

use std::fmt::Write;

use serde::Serialize;
use surv_engine::{CumulativeIncidence, GrayTest, IncidenceCurve};

use crate::format::{self, OutputFormat};
use crate::text;
use crate::tidy::{self, Cell, Tidy};

/// The curves with what was asked of them, and the names of the codes.
pub struct CumincOutput<'a> {
    /// The status value of a censored row, as given.
    pub censor_value: &'a str,
    /// Cause `c` is `causes[c - 1]`, as the file writes it.
    pub causes: &'a [String],
    /// Group `g` is `groups[g]`; `None` without groups.
    pub groups: Option<&'a [String]>,
    /// The estimate.
    pub fit: &'a CumulativeIncidence,
    /// Requested times.
    pub at: &'a [f64],
    /// Gray's tests, with groups.
    pub gray: Option<&'a [GrayTest]>,
    /// Rows left out for missing values.
    pub n_dropped: usize,
}

/// `{"censor_value","causes","n_dropped","curves":[…],"gray":[…]}`; no `gray`
/// without groups.
#[derive(Serialize)]
struct Document<'a> {
    censor_value: &'a str,
    causes: &'a [String],
    n_dropped: usize,
    curves: Vec<CurveJson<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    gray: Option<Vec<GrayJson<'a>>>,
}

/// `{"group","cause","steps","at"}`, then the counts.
#[derive(Serialize)]
struct CurveJson<'a> {
    group: Option<&'a str>,
    cause: &'a str,
    steps: Vec<StepJson>,
    at: Vec<AtJson>,
    n: usize,
    events: usize,
}

#[derive(Serialize)]
struct StepJson {
    time: f64,
    n_risk: usize,
    n_event: usize,
    estimate: f64,
    std_err: f64,
}

/// `{"time","estimate","std_err"}`, then the counts.
#[derive(Serialize)]
struct AtJson {
    time: f64,
    estimate: Option<f64>,
    std_err: Option<f64>,
    n_risk: usize,
    n_event: usize,
}

#[derive(Serialize)]
struct GrayJson<'a> {
    cause: &'a str,
    statistic: Option<f64>,
    df: usize,
    p_value: Option<f64>,
}

const CSV_COLUMNS: &[&str] = &[
    "kind",
    "group",
    "cause",
    "time",
    "n_risk",
    "n_event",
    "estimate",
    "std_err",
    "statistic",
    "df",
    "p_value",
];

impl CumincOutput<'_> {
    fn cause(&self, code: u32) -> &str {
        self.causes
            .get(code as usize - 1)
            .map_or("?", String::as_str)
    }

    fn group(&self, curve: &IncidenceCurve) -> Option<&str> {
        curve
            .group
            .and_then(|g| self.groups.and_then(|l| l.get(g as usize)))
            .map(String::as_str)
    }

    /// Gray's test's degrees of freedom: groups − 1.
    fn gray_df(&self) -> usize {
        self.groups.map_or(0, |g| g.len().saturating_sub(1))
    }
}

/// Cumulative incidence in `format`.
///
/// CSV rows, by `kind`: `step` (every distinct time of a group, per cause;
/// estimate = cumulative incidence), `at` (each requested time), `gray`
/// (cause, statistic, df, p).
pub fn render(o: &CumincOutput<'_>, format: OutputFormat) -> String {
    match format {
        OutputFormat::Json => format::json(&document(o)),
        OutputFormat::Csv => csv(o),
        OutputFormat::Table => table(o),
    }
}

fn document<'a>(o: &'a CumincOutput<'a>) -> Document<'a> {
    Document {
        censor_value: o.censor_value,
        causes: o.causes,
        n_dropped: o.n_dropped,
        curves: o
            .fit
            .curves
            .iter()
            .map(|c| CurveJson {
                group: o.group(c),
                cause: o.cause(c.cause),
                steps: (0..c.len())
                    .map(|i| StepJson {
                        time: c.time[i],
                        n_risk: c.n_risk[i],
                        n_event: c.n_event[i],
                        estimate: c.estimate[i],
                        std_err: c.std_err[i],
                    })
                    .collect(),
                at: c
                    .at(o.at)
                    .into_iter()
                    .map(|a| AtJson {
                        time: a.time,
                        estimate: a.estimate,
                        std_err: a.std_err,
                        n_risk: a.n_risk,
                        n_event: a.n_event,
                    })
                    .collect(),
                n: c.n,
                events: c.n_events,
            })
            .collect(),
        gray: o.gray.map(|tests| {
            tests
                .iter()
                .map(|t| GrayJson {
                    cause: o.cause(t.cause),
                    statistic: t.test.map(|t| t.statistic),
                    df: t.test.map_or(o.gray_df(), |t| t.df),
                    p_value: t.test.map(|t| t.p_value),
                })
                .collect()
        }),
    }
}

fn csv(o: &CumincOutput<'_>) -> String {
    let mut out = Tidy::new(CSV_COLUMNS);
    for c in &o.fit.curves {
        let group = Cell::Text(o.group(c).unwrap_or(""));
        let cause = Cell::Text(o.cause(c.cause));
        for i in 0..c.len() {
            out.row(
                "step",
                &[
                    ("group", group),
                    ("cause", cause),
                    ("time", Cell::Number(c.time[i])),
                    ("n_risk", Cell::Count(c.n_risk[i])),
                    ("n_event", Cell::Count(c.n_event[i])),
                    ("estimate", Cell::Number(c.estimate[i])),
                    ("std_err", Cell::Number(c.std_err[i])),
                ],
            );
        }
        for a in c.at(o.at) {
            out.row(
                "at",
                &[
                    ("group", group),
                    ("cause", cause),
                    ("time", Cell::Number(a.time)),
                    ("n_risk", Cell::Count(a.n_risk)),
                    ("n_event", Cell::Count(a.n_event)),
                    ("estimate", tidy::number(a.estimate)),
                    ("std_err", tidy::number(a.std_err)),
                ],
            );
        }
    }
    for t in o.gray.unwrap_or_default() {
        out.row(
            "gray",
            &[
                ("cause", Cell::Text(o.cause(t.cause))),
                ("statistic", tidy::number(t.test.map(|t| t.statistic))),
                ("df", Cell::Count(t.test.map_or(o.gray_df(), |t| t.df))),
                ("p_value", tidy::number(t.test.map(|t| t.p_value))),
            ],
        );
    }
    out.finish()
}

fn table(o: &CumincOutput<'_>) -> String {
    let mut out = String::new();
    let rows: Vec<Vec<String>> = o
        .fit
        .curves
        .iter()
        .map(|c| {
            let last = c.len().saturating_sub(1);
            vec![
                o.group(c).unwrap_or("all").to_owned(),
                o.cause(c.cause).to_owned(),
                c.n.to_string(),
                c.n_events.to_string(),
                text::number(c.last_time()),
                text::or_na(c.estimate.get(last).copied(), 4),
                text::or_na(c.std_err.get(last).copied(), 4),
            ]
        })
        .collect();
    out.push_str(&text::aligned(
        &[
            "group",
            "cause",
            "n",
            "events",
            "last time",
            "incidence",
            "std.err",
        ],
        &rows,
    ));
    let _ = writeln!(
        out,
        "\nAalen-Johansen cumulative incidence (status {} = censored); rows left out for missing values: {}",
        o.censor_value, o.n_dropped
    );
    if !o.at.is_empty() {
        for c in &o.fit.curves {
            let _ = writeln!(
                out,
                "\n{}cause {}:",
                o.group(c).map_or_else(String::new, |g| format!("{g}, ")),
                o.cause(c.cause)
            );
            let rows: Vec<Vec<String>> = c
                .at(o.at)
                .iter()
                .map(|a| {
                    vec![
                        text::number(a.time),
                        a.n_risk.to_string(),
                        a.n_event.to_string(),
                        text::or_na(a.estimate, 4),
                        text::or_na(a.std_err, 4),
                    ]
                })
                .collect();
            out.push_str(&text::aligned(
                &["time", "n.risk", "n.event", "incidence", "std.err"],
                &rows,
            ));
            if o.at.iter().any(|&t| t > c.last_time()) {
                let _ = writeln!(
                    out,
                    "NA after the group's last observed time ({}): not estimated",
                    text::number(c.last_time())
                );
            }
        }
    }
    if let Some(tests) = o.gray {
        let _ = writeln!(out, "\nGray's test between the groups:");
        for t in tests {
            match t.test {
                Some(test) => {
                    let _ = writeln!(
                        out,
                        "cause {}: chi-square = {:.2} on {} df, p = {}",
                        o.cause(t.cause),
                        test.statistic,
                        test.df,
                        text::p_value(test.p_value)
                    );
                }
                None => {
                    let _ = writeln!(
                        out,
                        "cause {}: NA (singular variance: the cause's events leave the groups incomparable)",
                        o.cause(t.cause)
                    );
                }
            }
        }
    }
    out
}
