//! The Kaplan-Meier product-limit estimator, as R's `survfit` computes it for
//! right-censored data.

use crate::confint::{self, ConfType};
use crate::error::SurvivalError;
use crate::order::{self, Cells, Tally};

/// How to compute the confidence band.
///
/// ```
/// use surv_engine::{ConfType, KmConfig};
/// let config = KmConfig { conf_type: ConfType::LogLog, conf_level: 0.90 };
/// assert_eq!(KmConfig::default().conf_level, 0.95);
/// # let _ = config;
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct KmConfig {
    /// The interval's transformation; R's default is [`ConfType::Log`].
    pub conf_type: ConfType,
    /// Two-sided confidence level, e.g. 0.95.
    pub conf_level: f64,
}

impl Default for KmConfig {
    fn default() -> Self {
        KmConfig {
            conf_type: ConfType::Log,
            conf_level: 0.95,
        }
    }
}

/// A Kaplan-Meier curve: one step per distinct observed time (event or censoring),
/// as the rows of R's survfit object. All vectors have one entry per step.
///
/// ```
/// use surv_engine::km::{kaplan_meier, KmConfig};
/// // Times in months; true = died.
/// let times = [6.0, 6.0, 7.0, 9.0, 10.0];
/// let events = [true, false, true, false, true];
/// let curve = kaplan_meier(&times, &events, &KmConfig::default()).unwrap();
/// assert_eq!(curve.time, [6.0, 7.0, 9.0, 10.0]);
/// assert_eq!(curve.n_risk, [5, 3, 2, 1]);
/// assert!((curve.survival[1] - 0.8 * 2.0 / 3.0).abs() < 1e-15);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct KmCurve {
    /// Number of observations.
    pub n: usize,
    /// Number of events.
    pub n_events: usize,
    /// Distinct observed times, ascending.
    pub time: Vec<f64>,
    /// Number at risk just before each time (censored at that time included).
    pub n_risk: Vec<usize>,
    /// Events at each time.
    pub n_event: Vec<usize>,
    /// Censorings at each time.
    pub n_censor: Vec<usize>,
    /// S(t), the product-limit estimate.
    pub survival: Vec<f64>,
    /// Standard error of S(t) (Greenwood), as `summary.survfit` prints it; `None`
    /// once S(t) = 0, where R gives NaN.
    pub std_err: Vec<Option<f64>>,
    /// Standard error of log S(t) (R's `fit$std.err`); `None` once S(t) = 0, where
    /// R gives infinity.
    pub std_err_log: Vec<Option<f64>>,
    /// Lower confidence bound; `None` where R gives none.
    pub lower: Vec<Option<f64>>,
    /// Upper confidence bound; `None` where R gives none.
    pub upper: Vec<Option<f64>>,
    /// Nelson-Aalen cumulative hazard (what R's survfit reports as `cumhaz`).
    pub cumhaz: Vec<f64>,
    /// Standard error of the cumulative hazard, `sqrt(Σ d/n²)` (R's `std.chaz`).
    pub std_chaz: Vec<f64>,
    /// The interval's transformation.
    pub conf_type: ConfType,
    /// The interval's confidence level.
    pub conf_level: f64,
}

/// Fits one Kaplan-Meier curve to `times` (finite, ≥ 0) and `events` (true = event).
///
/// ```
/// use surv_engine::{kaplan_meier, KmConfig, SurvivalError};
/// let curve = kaplan_meier(&[3.0, 1.0, 2.0], &[true, true, false], &KmConfig::default()).unwrap();
/// assert_eq!(curve.survival, [2.0 / 3.0, 2.0 / 3.0, 0.0]);
/// assert_eq!(kaplan_meier(&[], &[], &KmConfig::default()), Err(SurvivalError::Empty));
/// ```
pub fn kaplan_meier(
    times: &[f64],
    events: &[bool],
    config: &KmConfig,
) -> Result<KmCurve, SurvivalError> {
    order::validate(times, &[("events", events.len())])?;
    let z = confint::z_for_level(config.conf_level)?;
    let cells = Cells::new(times, events, |_| 0, 1);
    Ok(from_cell(&cells, 0, config, z))
}

/// Fits one curve per group. `groups[i]` is the group code of observation `i`;
/// codes run from 0 to k − 1 and every code must have subjects. Curves come in code
/// order.
///
/// ```
/// use surv_engine::km::{kaplan_meier_by_group, KmConfig};
/// let times = [1.0, 2.0, 3.0, 4.0];
/// let events = [true, true, false, true];
/// let curves = kaplan_meier_by_group(&times, &events, &[0, 1, 0, 1], &KmConfig::default()).unwrap();
/// assert_eq!(curves.len(), 2);
/// assert_eq!(curves[1].time, [2.0, 4.0]);
/// ```
pub fn kaplan_meier_by_group(
    times: &[f64],
    events: &[bool],
    groups: &[u32],
    config: &KmConfig,
) -> Result<Vec<KmCurve>, SurvivalError> {
    order::validate(times, &[("events", events.len()), ("groups", groups.len())])?;
    let z = confint::z_for_level(config.conf_level)?;
    let n_groups = order::group_count(groups)?;
    let cells = Cells::new(times, events, |i| groups[i] as usize, n_groups);
    if let Some(g) = (0..n_groups).find(|&g| cells.size(g) == 0) {
        return Err(SurvivalError::EmptyGroup { group: g as u32 });
    }
    Ok((0..n_groups)
        .map(|g| from_cell(&cells, g, config, z))
        .collect())
}

/// Builds the curve of one cell.
fn from_cell(cells: &Cells, cell: usize, config: &KmConfig, z: f64) -> KmCurve {
    let n = cells.size(cell);
    let steps = cells.distinct_bound(cell);
    let mut curve = KmCurve {
        n,
        n_events: 0,
        time: Vec::with_capacity(steps),
        n_risk: Vec::with_capacity(steps),
        n_event: Vec::with_capacity(steps),
        n_censor: Vec::with_capacity(steps),
        survival: Vec::with_capacity(steps),
        std_err: Vec::with_capacity(steps),
        std_err_log: Vec::with_capacity(steps),
        lower: Vec::with_capacity(steps),
        upper: Vec::with_capacity(steps),
        cumhaz: Vec::with_capacity(steps),
        std_chaz: Vec::with_capacity(steps),
        conf_type: config.conf_type,
        conf_level: config.conf_level,
    };
    let (mut survival, mut greenwood, mut hazard, mut hazard_var) =
        (1.0f64, 0.0f64, 0.0f64, 0.0f64);
    let mut at_risk = n;
    let mut walk = cells.walk(cell, 1);
    let mut tally = [Tally::default()];
    while let Some(t) = walk.next_time(&mut tally) {
        let Tally {
            events: deaths,
            censored,
        } = tally[0];
        if deaths > 0 {
            let (nr, d) = (at_risk as f64, deaths as f64);
            survival *= (nr - d) / nr;
            greenwood += if at_risk > deaths {
                d / (nr * (nr - d))
            } else {
                f64::INFINITY
            };
            hazard += d / nr;
            hazard_var += d / (nr * nr);
        }
        let se_log = greenwood.sqrt();
        let (lower, upper) = confint::bounds(config.conf_type, z, survival, se_log);
        curve.time.push(t);
        curve.n_risk.push(at_risk);
        curve.n_event.push(deaths);
        curve.n_censor.push(censored);
        curve.survival.push(survival);
        curve.std_err_log.push(se_log.is_finite().then_some(se_log));
        curve
            .std_err
            .push((survival > 0.0 && se_log.is_finite()).then_some(survival * se_log));
        curve.lower.push(lower);
        curve.upper.push(upper);
        curve.cumhaz.push(hazard);
        curve.std_chaz.push(hazard_var.sqrt());
        curve.n_events += deaths;
        at_risk -= deaths + censored;
    }
    curve
}

impl KmCurve {
    /// Number of steps (distinct observed times).
    ///
    /// ```
    /// use surv_engine::{kaplan_meier, KmConfig};
    /// let curve = kaplan_meier(&[1.0, 1.0, 2.0], &[true, false, true], &KmConfig::default()).unwrap();
    /// assert_eq!((curve.len(), curve.is_empty(), curve.last_time()), (2, false, 2.0));
    /// ```
    pub fn len(&self) -> usize {
        self.time.len()
    }

    /// Whether the curve has no steps (never true for a fitted curve).
    pub fn is_empty(&self) -> bool {
        self.time.is_empty()
    }

    /// The last observed time (event or censoring).
    pub fn last_time(&self) -> f64 {
        self.time.last().copied().unwrap_or(0.0)
    }
}
