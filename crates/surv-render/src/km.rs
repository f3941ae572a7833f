//! Kaplan-Meier curves: the median table and the curve at chosen times for
//! people, every step for programs.

use std::fmt::Write;

use serde::Serialize;
use surv_engine::{ConfType, KmCurve, KmStep, RestrictedMean, SurvivalAt};

use crate::format::{self, OutputFormat};
use crate::text;
use crate::tidy::{self, Cell, Tidy};

/// One curve with what was asked of it.
pub struct KmCurveOutput<'a> {
    /// Group value as text (`None` for the whole cohort).
    pub group: Option<&'a str>,
    /// The curve.
    pub curve: &'a KmCurve,
    /// Requested times.
    pub at: &'a [f64],
    /// The restricted mean, if asked for.
    pub rmean: Option<RestrictedMean>,
}

/// The JSON document: `{"conf_type","conf_level","n_dropped","curves":[…]}`.
#[derive(Serialize)]
struct Document<'a> {
    conf_type: ConfType,
    conf_level: f64,
    n_dropped: usize,
    curves: Vec<CurveJson<'a>>,
}

/// One curve: `{"group","n","events","median","median_lower","median_upper",
/// "steps","at"}`, then `"rmean"` when asked for.
#[derive(Serialize)]
struct CurveJson<'a> {
    group: Option<&'a str>,
    n: usize,
    events: usize,
    median: Option<f64>,
    median_lower: Option<f64>,
    median_upper: Option<f64>,
    steps: Vec<KmStep>,
    at: Vec<SurvivalAt>,
    #[serde(skip_serializing_if = "Option::is_none")]
    rmean: Option<RestrictedMean>,
}

/// The columns of the CSV table.
const CSV_COLUMNS: &[&str] = &[
    "kind",
    "group",
    "time",
    "n_risk",
    "n_event",
    "n_censor",
    "estimate",
    "std_err",
    "lower",
    "upper",
    "n_risk_weighted",
    "n_event_weighted",
    "n_censor_weighted",
];

/// Kaplan-Meier curves in `format`. `n_dropped` is the number of rows left
/// out for missing values.
///
/// CSV rows, by `kind`: `curve` (n_risk = subjects, n_event = events,
/// n_censor = censorings), `median` (estimate = median time, lower and upper
/// its interval), `step` (every distinct time; estimate = S(t)), `at` (each
/// requested time), `rmean` (time = τ, estimate = restricted mean). With
/// case weights, `step` and `at` rows also give the weighted counts
/// (`n_risk_weighted`, …), which R's `survfit` reports as its counts.
pub fn render(curves: &[KmCurveOutput<'_>], n_dropped: usize, format: OutputFormat) -> String {
    let (conf_type, conf_level) = curves.first().map_or((ConfType::Log, 0.95), |c| {
        (c.curve.conf_type(), c.curve.conf_level())
    });
    match format {
        OutputFormat::Json => format::json(&Document {
            conf_type,
            conf_level,
            n_dropped,
            curves: curves
                .iter()
                .map(|c| {
                    let median = c.curve.median();
                    CurveJson {
                        group: c.group,
                        n: c.curve.n,
                        events: c.curve.n_events,
                        median: median.time,
                        median_lower: median.lower,
                        median_upper: median.upper,
                        steps: c.curve.steps().collect(),
                        at: c.curve.at(c.at),
                        rmean: c.rmean,
                    }
                })
                .collect(),
        }),
        OutputFormat::Csv => csv(curves),
        OutputFormat::Table => table(curves, n_dropped, conf_type, conf_level),
    }
}

fn csv(curves: &[KmCurveOutput<'_>]) -> String {
    let mut out = Tidy::new(CSV_COLUMNS);
    for c in curves {
        let k = c.curve;
        let group = Cell::Text(c.group.unwrap_or(""));
        out.row(
            "curve",
            &[
                ("group", group),
                ("n_risk", Cell::Count(k.n)),
                ("n_event", Cell::Count(k.n_events)),
                ("n_censor", Cell::Count(k.n - k.n_events)),
            ],
        );
        let median = k.median();
        out.row(
            "median",
            &[
                ("group", group),
                ("estimate", tidy::number(median.time)),
                ("lower", tidy::number(median.lower)),
                ("upper", tidy::number(median.upper)),
            ],
        );
        let rows = k
            .steps()
            .map(|s| {
                (
                    "step",
                    s.time,
                    s.n_risk,
                    s.n_event,
                    s.n_censor,
                    Some(s.survival),
                    s.std_err,
                    s.lower,
                    s.upper,
                    s.weighted,
                )
            })
            .chain(k.at(c.at).into_iter().map(|a| {
                (
                    "at", a.time, a.n_risk, a.n_event, a.n_censor, a.survival, a.std_err, a.lower,
                    a.upper, a.weighted,
                )
            }));
        for (kind, time, n_risk, n_event, n_censor, estimate, std_err, lower, upper, weighted) in
            rows
        {
            out.row(
                kind,
                &[
                    ("group", group),
                    ("time", Cell::Number(time)),
                    ("n_risk", Cell::Count(n_risk)),
                    ("n_event", Cell::Count(n_event)),
                    ("n_censor", Cell::Count(n_censor)),
                    ("estimate", tidy::number(estimate)),
                    ("std_err", tidy::number(std_err)),
                    ("lower", tidy::number(lower)),
                    ("upper", tidy::number(upper)),
                    (
                        "n_risk_weighted",
                        tidy::number(weighted.map(|w| w.n_risk_weighted)),
                    ),
                    (
                        "n_event_weighted",
                        tidy::number(weighted.map(|w| w.n_event_weighted)),
                    ),
                    (
                        "n_censor_weighted",
                        tidy::number(weighted.map(|w| w.n_censor_weighted)),
                    ),
                ],
            );
        }
        if let Some(r) = c.rmean {
            out.row(
                "rmean",
                &[
                    ("group", group),
                    ("time", Cell::Number(r.tau)),
                    ("estimate", Cell::Number(r.rmean)),
                    ("std_err", Cell::Number(r.std_err)),
                ],
            );
        }
    }
    out.finish()
}

fn table(
    curves: &[KmCurveOutput<'_>],
    n_dropped: usize,
    conf_type: ConfType,
    conf_level: f64,
) -> String {
    let mut out = String::new();
    let percent = conf_level * 100.0;
    let (lcl, ucl) = (format!("{percent:.0}% LCL"), format!("{percent:.0}% UCL"));
    let rows: Vec<Vec<String>> = curves
        .iter()
        .map(|c| {
            let m = c.curve.median();
            vec![
                c.group.unwrap_or("all").to_owned(),
                c.curve.n.to_string(),
                c.curve.n_events.to_string(),
                text::or_na(m.time, 2),
                text::or_na(m.lower, 2),
                text::or_na(m.upper, 2),
            ]
        })
        .collect();
    out.push_str(&text::aligned(
        &["group", "n", "events", "median", &lcl, &ucl],
        &rows,
    ));
    let _ = writeln!(
        out,
        "\n{} confidence intervals; rows left out for missing values: {n_dropped}",
        conf_type.r_name()
    );
    if curves.iter().any(|c| c.curve.weighted.is_some()) {
        out.push_str(
            "case weights: n.risk is the weight at risk, as R's survfit reports it \
             (n and events count rows)\n",
        );
    }
    for c in curves {
        if !c.at.is_empty() {
            let _ = writeln!(out, "\n{}:", c.group.unwrap_or("all"));
            let rows: Vec<Vec<String>> = c
                .curve
                .at(c.at)
                .iter()
                .map(|a| {
                    vec![
                        text::number(a.time),
                        // R's n.risk: the weight at risk when there are weights.
                        a.weighted.map_or_else(
                            || a.n_risk.to_string(),
                            |w| text::number(w.n_risk_weighted),
                        ),
                        text::or_na(a.survival, 4),
                        text::or_na(a.std_err, 4),
                        text::or_na(a.lower, 4),
                        text::or_na(a.upper, 4),
                    ]
                })
                .collect();
            out.push_str(&text::aligned(
                &["time", "n.risk", "survival", "std.err", "lower", "upper"],
                &rows,
            ));
            if c.at.iter().any(|&t| t > c.curve.last_time()) {
                let _ = writeln!(
                    out,
                    "NA after the last observed time ({}): not estimated",
                    text::number(c.curve.last_time())
                );
            }
        }
        if let Some(r) = c.rmean {
            let _ = writeln!(
                out,
                "restricted mean up to {}: {:.4} (se {:.4})",
                text::number(r.tau),
                r.rmean,
                r.std_err
            );
        }
    }
    out
}
