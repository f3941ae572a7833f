//! The numbers a figure draws, taken from the engine's curves: step corners,
//! bands, censoring marks, the risk table at the ticks and the test. Layout
//! happens later; nothing here knows about points or colours.

use std::str::FromStr;

use serde::Serialize;
use surv_engine::km::KmCurve;

use super::PlotError;

/// The most curves one figure draws: beyond this, neither colours nor legend
/// stay readable.
pub const MAX_GROUPS: usize = 12;

/// The most x-axis ticks a figure carries.
const MAX_TICKS: usize = 200;

/// A row kind of the table under the plot.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum RiskRow {
    /// Number at risk at the tick (R's `n.risk` from `summary(fit, times)`).
    AtRisk,
    /// Events up to and including the tick, as survminer's `cumevents`.
    CumulativeEvents,
    /// Censorings up to and including the tick, as survminer's `cumcensor`.
    Censored,
}

impl RiskRow {
    /// The row block's heading.
    pub fn heading(self) -> &'static str {
        match self {
            RiskRow::AtRisk => "Number at risk",
            RiskRow::CumulativeEvents => "Cumulative number of events",
            RiskRow::Censored => "Cumulative number censored",
        }
    }
}

impl FromStr for RiskRow {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "at-risk" => Ok(RiskRow::AtRisk),
            "cumulative-events" => Ok(RiskRow::CumulativeEvents),
            "censored" => Ok(RiskRow::Censored),
            other => Err(format!(
                "unknown risk-table row `{other}`: expected at-risk, cumulative-events or censored"
            )),
        }
    }
}

/// The test between the curves, as it ran; the label says which it was.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct PlottedTest {
    /// The test's p-value.
    pub p_value: f64,
    /// The G-rho exponent (0 is the log-rank test).
    pub rho: f64,
    /// Whether the test was stratified.
    pub stratified: bool,
}

impl PlottedTest {
    /// "Log-rank p = 0.0013", "Stratified G-rho (ρ = 1) p < 0.0001", …
    pub fn label(&self) -> String {
        let test = if self.rho == 0.0 {
            "log-rank".to_owned()
        } else {
            format!("G-rho (ρ = {})", self.rho)
        };
        let named = if self.stratified {
            format!("Stratified {test}")
        } else {
            let mut chars = test.chars();
            chars
                .next()
                .map(|c| c.to_uppercase().chain(chars).collect())
                .unwrap_or_default()
        };
        format!("{named} {}", format_p(self.p_value))
    }
}

/// `p = 0.0013` with two significant digits, `p < 0.0001` below that, and
/// `p > 0.99` where two digits would round to 1.
pub fn format_p(p: f64) -> String {
    if p < 1e-4 {
        return "p < 0.0001".to_owned();
    }
    if p >= 0.995 {
        return "p > 0.99".to_owned();
    }
    let magnitude = p.log10().floor() as i32;
    let mut digits = (1 - magnitude).max(2) as usize;
    // 0.0999 rounds up into the next decade: one digit fewer keeps two.
    if format!("{p:.digits$}").parse::<f64>().unwrap_or(p) >= 10f64.powi(magnitude + 1) {
        digits = digits.saturating_sub(1).max(2);
    }
    format!("p = {p:.digits$}")
}

/// What to draw besides the curves.
#[derive(Debug, Clone, PartialEq)]
pub struct PlotOptions {
    /// A translucent confidence band under every curve.
    pub conf_band: bool,
    /// The table under the plot, block by block (empty: no table).
    pub risk_table: Vec<RiskRow>,
    /// Spacing of the x-axis ticks and table columns (default: 1, 2 or 5 × 10^k
    /// giving about ten ticks).
    pub time_breaks: Option<f64>,
    /// End of the x axis; curves are cut there (default: the last time, rounded
    /// up to a tick).
    pub xlim: Option<f64>,
    /// Times to mark on a single curve with their estimate and interval.
    pub landmarks: Vec<f64>,
    /// The test to print on the plot.
    pub test: Option<PlottedTest>,
    /// What the y axis shows.
    pub scale: Scale,
}

impl Default for PlotOptions {
    fn default() -> Self {
        PlotOptions {
            conf_band: false,
            risk_table: vec![RiskRow::AtRisk],
            time_breaks: None,
            xlim: None,
            landmarks: Vec::new(),
            test: None,
            scale: Scale::Survival,
        }
    }
}

/// One curve as drawn.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CurveData {
    /// Legend and table label (`None` for a single, unlabelled curve).
    pub label: Option<String>,
    /// Step corners: (time, survival), from (0, 1) to the last time drawn.
    pub steps: Vec<(f64, f64)>,
    /// Band corners: (time, lower, upper); empty without a band.
    pub band: Vec<(f64, f64, f64)>,
    /// Censoring marks: (time, survival).
    pub censored: Vec<(f64, f64)>,
    /// One row per block of the table, one count per tick.
    pub table: Vec<Vec<usize>>,
}

/// A marked estimate on a single curve.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Landmark {
    /// Its time.
    pub time: f64,
    /// The estimate there.
    pub estimate: f64,
    /// Lower confidence limit.
    pub lower: Option<f64>,
    /// Upper confidence limit.
    pub upper: Option<f64>,
}

/// The numbers a figure draws, for a snapshot and for readers.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FigureData {
    /// The curves, in legend order.
    pub curves: Vec<CurveData>,
    /// The x-axis ticks, which are also the table's columns.
    pub ticks: Vec<f64>,
    /// End of the x axis.
    pub x_max: f64,
    /// Whether the curves rise from 0 (cumulative incidence) or fall from 1.
    pub rising: bool,
    /// The blocks of the table under the plot, in order.
    pub risk_table: Vec<RiskRow>,
    /// Marked estimates of a single curve.
    pub landmarks: Vec<Landmark>,
    /// The test printed on the plot.
    pub test: Option<PlottedTest>,
}

/// A tick spacing of 1, 2 or 5 × 10^k giving at most about ten ticks up to `last`.
fn nice_tick(last: f64) -> f64 {
    let raw = (last / 10.0).max(f64::MIN_POSITIVE);
    let power = 10f64.powf(raw.log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * power)
        .find(|&t| t >= raw)
        .unwrap_or(10.0 * power)
}

fn positive(value: Option<f64>, what: &'static str) -> Result<Option<f64>, PlotError> {
    match value {
        Some(v) if !(v.is_finite() && v > 0.0) => Err(PlotError::InvalidOption {
            what,
            value: v,
            expected: "a finite number > 0",
        }),
        _ => Ok(value),
    }
}

/// What the y axis shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Scale {
    /// The survival curve, falling from 1 (survminer's `fun = NULL`).
    Survival,
    /// One minus it, the cumulative probability of the event, rising from 0
    /// (survminer's `fun = "event"`).
    Event,
}

impl FromStr for Scale {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "surv" | "survival" => Ok(Scale::Survival),
            "event" => Ok(Scale::Event),
            other => Err(format!("unknown scale `{other}`: expected surv or event")),
        }
    }
}

/// A step curve as a figure draws it, whatever estimated it: a Kaplan-Meier
/// curve (falling) or a cumulative incidence (rising). One entry per distinct
/// time, in increasing order; the estimate holds from its time on.
#[derive(Debug, Clone, Copy)]
pub struct StepCurve<'a> {
    /// Distinct times.
    pub time: &'a [f64],
    /// The estimate after each time.
    pub estimate: &'a [f64],
    /// Lower confidence limit (`None` where undefined).
    pub lower: &'a [Option<f64>],
    /// Upper confidence limit.
    pub upper: &'a [Option<f64>],
    /// Number at risk at each time.
    pub n_risk: &'a [usize],
    /// Events at each time.
    pub n_event: &'a [usize],
    /// Censorings at each time.
    pub n_censor: &'a [usize],
    /// Whether the curve rises from 0 (else it falls from 1).
    pub rising: bool,
}

impl StepCurve<'_> {
    fn len(&self) -> usize {
        self.time.len()
    }

    fn last_time(&self) -> f64 {
        self.time.last().copied().unwrap_or(0.0)
    }

    fn start(&self) -> f64 {
        if self.rising { 0.0 } else { 1.0 }
    }
}

/// A Kaplan-Meier curve's columns as a figure draws them: the estimate when it
/// is not S itself (1 - S on the event scale), and the lower and upper limits,
/// which the curve computes when read.
type Drawn = (Option<Vec<f64>>, Vec<Option<f64>>, Vec<Option<f64>>);

/// The data of a figure of Kaplan-Meier `curves`, labelled as given, on the
/// scale `options` asks for.
pub fn data(
    curves: &[(Option<String>, &KmCurve)],
    options: &PlotOptions,
) -> Result<FigureData, PlotError> {
    let drawn: Vec<Drawn> = curves
        .iter()
        .map(|(_, c)| {
            let (lower, upper): (Vec<_>, Vec<_>) = (0..c.len()).map(|i| c.bounds(i)).unzip();
            match options.scale {
                Scale::Survival => (None, lower, upper),
                Scale::Event => {
                    // 1 - S, with the limits swapped.
                    let one_minus = |v: Option<f64>| v.map(|v| 1.0 - v);
                    (
                        Some(c.survival.iter().map(|s| 1.0 - s).collect()),
                        upper.into_iter().map(one_minus).collect(),
                        lower.into_iter().map(one_minus).collect(),
                    )
                }
            }
        })
        .collect();
    let steps: Vec<_> = curves
        .iter()
        .zip(&drawn)
        .map(|((label, c), (estimate, lower, upper))| {
            let curve = StepCurve {
                time: &c.time,
                estimate: estimate.as_deref().unwrap_or(&c.survival),
                lower,
                upper,
                n_risk: &c.n_risk,
                n_event: &c.n_event,
                n_censor: &c.n_censor,
                rising: estimate.is_some(),
            };
            (label.clone(), curve)
        })
        .collect();
    data_of_steps(&steps, options)
}

/// The data of a figure of any step `curves`: the one path every figure takes.
pub fn data_of_steps(
    curves: &[(Option<String>, StepCurve<'_>)],
    options: &PlotOptions,
) -> Result<FigureData, PlotError> {
    if curves.len() > MAX_GROUPS {
        return Err(PlotError::TooManyGroups {
            groups: curves.len(),
        });
    }
    if let Some((label, _)) = curves.iter().find(|(_, c)| c.len() == 0) {
        return Err(PlotError::EmptyGroup {
            label: label.clone().unwrap_or_default(),
        });
    }
    let rising = curves.first().is_some_and(|(_, c)| c.rising);
    if curves.iter().any(|(_, c)| c.rising != rising) {
        return Err(PlotError::MixedDirections);
    }
    let time_breaks = positive(options.time_breaks, "time breaks")?;
    let xlim = positive(options.xlim, "x-axis limit")?;
    let last = curves
        .iter()
        .map(|(_, c)| c.last_time())
        .fold(0.0, f64::max);
    let end = xlim.unwrap_or(last);
    let tick = time_breaks.unwrap_or_else(|| nice_tick(end));
    let n_ticks = (end / tick * (1.0 + 1e-12)).floor();
    if n_ticks >= MAX_TICKS as f64 {
        return Err(PlotError::TicksTooDense {
            spacing: tick,
            ticks: n_ticks as usize + 1,
            max: MAX_TICKS,
        });
    }
    // Without a limit the axis ends at a tick, so every tick carries a label
    // and a table column; with one it ends exactly there.
    let x_max = match xlim {
        Some(x) => x,
        None => ((last / tick).ceil() * tick).max(tick),
    };
    let ticks: Vec<f64> = (0..=(x_max / tick * (1.0 + 1e-12)).floor() as usize)
        .map(|k| k as f64 * tick)
        .collect();
    let landmarks = match curves {
        [(_, only)] => options
            .landmarks
            .iter()
            // A landmark past the end of follow-up, or past the axis, has no
            // estimate to mark.
            .filter(|&&t| t <= x_max && t <= only.last_time())
            .map(|&time| {
                let i = only.time.partition_point(|&s| s <= time);
                match i.checked_sub(1) {
                    Some(i) => Landmark {
                        time,
                        estimate: only.estimate[i],
                        lower: only.lower[i],
                        upper: only.upper[i],
                    },
                    None => Landmark {
                        time,
                        estimate: only.start(),
                        lower: None,
                        upper: None,
                    },
                }
            })
            .collect(),
        _ => Vec::new(),
    };
    Ok(FigureData {
        curves: curves
            .iter()
            .map(|(label, c)| curve_data(label.clone(), c, &ticks, x_max, options))
            .collect(),
        ticks,
        x_max,
        rising,
        risk_table: options.risk_table.clone(),
        landmarks,
        test: options.test,
    })
}

fn curve_data(
    label: Option<String>,
    c: &StepCurve<'_>,
    ticks: &[f64],
    x_max: f64,
    options: &PlotOptions,
) -> CurveData {
    let start = c.start();
    let mut steps = vec![(0.0, start)];
    let mut band = vec![(0.0, start, start)];
    let mut censored = Vec::new();
    let (mut s_prev, mut lo_prev, mut hi_prev) = (start, start, start);
    let mut shown = 0;
    for i in (0..c.len()).take_while(|&i| c.time[i] <= x_max) {
        let t = c.time[i];
        let (lo, hi) = (
            c.lower[i].unwrap_or(c.estimate[i]),
            c.upper[i].unwrap_or(c.estimate[i]),
        );
        if c.n_event[i] > 0 {
            steps.push((t, s_prev));
            steps.push((t, c.estimate[i]));
            band.push((t, lo_prev, hi_prev));
            band.push((t, lo, hi));
        }
        if c.n_censor[i] > 0 {
            censored.push((t, c.estimate[i]));
        }
        (s_prev, lo_prev, hi_prev) = (c.estimate[i], lo, hi);
        shown = i + 1;
    }
    // The curve runs to its last time, or to the axis's end if that comes first.
    let end = if shown == c.len() {
        c.last_time()
    } else {
        x_max
    };
    steps.push((end, s_prev));
    band.push((end, lo_prev, hi_prev));
    if !options.conf_band {
        band.clear();
    }
    let table = options
        .risk_table
        .iter()
        .map(|&row| table_row(c, ticks, row))
        .collect();
    CurveData {
        label,
        steps,
        band,
        censored,
        table,
    }
}

/// One table row: a count per tick, in one merge of the ticks with the steps.
fn table_row(c: &StepCurve<'_>, ticks: &[f64], row: RiskRow) -> Vec<usize> {
    let (mut i, mut total) = (0, 0);
    ticks
        .iter()
        .map(|&t| match row {
            // At risk at t: those still followed at t, which is the number
            // at risk at the first time from t on (0 after the last).
            RiskRow::AtRisk => {
                while i < c.len() && c.time[i] < t {
                    i += 1;
                }
                c.n_risk.get(i).copied().unwrap_or(0)
            }
            RiskRow::CumulativeEvents | RiskRow::Censored => {
                let counts = if row == RiskRow::Censored {
                    c.n_censor
                } else {
                    c.n_event
                };
                while i < c.len() && c.time[i] <= t {
                    total += counts[i];
                    i += 1;
                }
                total
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn p_values_print_two_significant_digits() {
        assert_eq!(format_p(0.0013), "p = 0.0013");
        assert_eq!(format_p(0.01234), "p = 0.012");
        assert_eq!(format_p(0.2345), "p = 0.23");
        assert_eq!(format_p(0.05), "p = 0.050");
        assert_eq!(format_p(0.00009), "p < 0.0001");
        assert_eq!(format_p(0.0999), "p = 0.10");
        assert_eq!(format_p(0.00999), "p = 0.010");
        assert_eq!(format_p(0.996), "p > 0.99");
    }

    #[test]
    fn the_test_label_names_the_test_that_ran() {
        let mut test = PlottedTest {
            p_value: 0.0013,
            rho: 0.0,
            stratified: false,
        };
        assert_eq!(test.label(), "Log-rank p = 0.0013");
        test.stratified = true;
        assert_eq!(test.label(), "Stratified log-rank p = 0.0013");
        test.rho = 1.0;
        test.p_value = 1e-7;
        assert_eq!(test.label(), "Stratified G-rho (ρ = 1) p < 0.0001");
        test.stratified = false;
        test.rho = 0.5;
        assert_eq!(test.label(), "G-rho (ρ = 0.5) p < 0.0001");
    }

    #[test]
    fn risk_rows_parse_from_their_flag_names() {
        assert_eq!("censored".parse::<RiskRow>(), Ok(RiskRow::Censored));
        assert!("events".parse::<RiskRow>().is_err());
    }

    fn steps<'a>(time: &'a [f64], estimate: &'a [f64], rising: bool) -> StepCurve<'a> {
        const NONE: [Option<f64>; 2] = [None, None];
        const ONES: [usize; 2] = [1, 1];
        let n = time.len();
        StepCurve {
            time,
            estimate,
            lower: &NONE[..n],
            upper: &NONE[..n],
            n_risk: &ONES[..n],
            n_event: &ONES[..n],
            n_censor: &[0, 0][..n],
            rising,
        }
    }

    #[test]
    fn an_empty_group_is_named_and_directions_do_not_mix() {
        let full = steps(&[1.0, 2.0], &[0.5, 0.0], false);
        let empty = steps(&[], &[], false);
        let named = |label: &str, c| (Some(label.to_owned()), c);
        assert_eq!(
            data_of_steps(
                &[named("treated", full), named("untreated", empty)],
                &PlotOptions::default()
            ),
            Err(PlotError::EmptyGroup {
                label: "untreated".to_owned()
            })
        );
        let rising = steps(&[1.0, 2.0], &[0.5, 1.0], true);
        assert_eq!(
            data_of_steps(
                &[named("a", full), named("b", rising)],
                &PlotOptions::default()
            ),
            Err(PlotError::MixedDirections)
        );
        let figure = data_of_steps(&[named("b", rising)], &PlotOptions::default()).unwrap();
        assert!(figure.rising);
        assert_eq!(
            figure.curves[0].steps,
            [
                (0.0, 0.0),
                (1.0, 0.0),
                (1.0, 0.5),
                (2.0, 0.5),
                (2.0, 1.0),
                (2.0, 1.0)
            ]
        );
    }

    #[test]
    fn ticks_are_round_and_cover_the_data() {
        assert_eq!(nice_tick(57.0), 10.0);
        assert_eq!(nice_tick(1000.0), 100.0);
        assert_eq!(nice_tick(13.0), 2.0);
        assert!((nice_tick(0.3) - 0.05).abs() < 1e-15);
    }
}
