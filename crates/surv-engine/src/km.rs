//! The Kaplan-Meier product-limit estimator, as R's `survfit` computes it for
//! right-censored data.

use crate::confint::{self, ConfType};
use crate::data::SurvivalData;
use crate::error::SurvivalError;
use crate::order::{Cells, Tally};

/// How to compute the confidence band.
///
/// ```
/// use surv_engine::{ConfType, KmConfig};
/// let config = KmConfig { conf_type: ConfType::LogLog, conf_level: 0.90 };
/// assert_eq!(KmConfig::default().conf_level, 0.95);
/// # let _ = config;
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
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
/// use surv_engine::{kaplan_meier, KmConfig, SurvivalData};
/// // Times in months; true = died.
/// let times = [6.0, 6.0, 7.0, 9.0, 10.0];
/// let events = [true, false, true, false, true];
/// let data = SurvivalData::new(&times, &events).unwrap();
/// let curve = kaplan_meier(&data, &KmConfig::default()).unwrap();
/// assert_eq!(curve.time, [6.0, 7.0, 9.0, 10.0]);
/// assert_eq!(curve.n_risk, [5, 3, 2, 1]);
/// assert!((curve.survival[1] - 0.8 * 2.0 / 3.0).abs() < 1e-15);
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
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
    pub std_err_cumhaz: Vec<f64>,
    /// The interval's transformation.
    pub conf_type: ConfType,
    /// The interval's confidence level.
    pub conf_level: f64,
}

/// Fits one Kaplan-Meier curve to all rows of `data`, pooling any groups and
/// strata.
///
/// ```
/// use surv_engine::{kaplan_meier, KmConfig, SurvivalData};
/// let data = SurvivalData::new(&[3.0, 1.0, 2.0], &[true, true, false]).unwrap();
/// let curve = kaplan_meier(&data, &KmConfig::default()).unwrap();
/// assert_eq!(curve.survival, [2.0 / 3.0, 2.0 / 3.0, 0.0]);
/// ```
pub fn kaplan_meier(data: &SurvivalData, config: &KmConfig) -> Result<KmCurve, SurvivalError> {
    let z = confint::z_for_level(config.conf_level)?;
    let cells = Cells::new(data.times(), data.events(), |_| 0, 1);
    Ok(from_cell(&cells, 0, config, z))
}

/// Fits one curve per group of `data`, in code order; strata are pooled within
/// each group. Data without groups are [`SurvivalError::NoGroups`].
///
/// ```
/// use surv_engine::{kaplan_meier_by_group, KmConfig, SurvivalData};
/// let data = SurvivalData::new(&[1.0, 2.0, 3.0, 4.0], &[true, true, false, true])
///     .and_then(|d| d.with_groups(&[0, 1, 0, 1]))
///     .unwrap();
/// let curves = kaplan_meier_by_group(&data, &KmConfig::default()).unwrap();
/// assert_eq!(curves.len(), 2);
/// assert_eq!(curves[1].time, [2.0, 4.0]);
/// ```
pub fn kaplan_meier_by_group(
    data: &SurvivalData,
    config: &KmConfig,
) -> Result<Vec<KmCurve>, SurvivalError> {
    let groups = data.require_groups()?;
    let z = confint::z_for_level(config.conf_level)?;
    let n_groups = data.n_groups();
    let cells = Cells::new(
        data.times(),
        data.events(),
        |i| groups[i] as usize,
        n_groups,
    );
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
        std_err_cumhaz: Vec::with_capacity(steps),
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
        curve.std_err_cumhaz.push(hazard_var.sqrt());
        curve.n_events += deaths;
        at_risk -= deaths + censored;
    }
    curve
}

/// One row of a curve, as a row of R's `summary(fit, censored = TRUE)`.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct KmStep {
    /// The time.
    pub time: f64,
    /// Number at risk just before it.
    pub n_risk: usize,
    /// Events at it.
    pub n_event: usize,
    /// Censorings at it.
    pub n_censor: usize,
    /// S(time).
    pub survival: f64,
    /// Standard error of S(time); `None` once S = 0.
    pub std_err: Option<f64>,
    /// Lower confidence bound.
    pub lower: Option<f64>,
    /// Upper confidence bound.
    pub upper: Option<f64>,
}

impl KmCurve {
    /// The curve row by row.
    ///
    /// ```
    /// use surv_engine::{kaplan_meier, KmConfig, SurvivalData};
    /// let data = SurvivalData::new(&[1.0, 2.0], &[true, false]).unwrap();
    /// let curve = kaplan_meier(&data, &KmConfig::default()).unwrap();
    /// let first = curve.steps().next().unwrap();
    /// assert_eq!((first.time, first.n_risk, first.survival), (1.0, 2, 0.5));
    /// ```
    pub fn steps(&self) -> impl ExactSizeIterator<Item = KmStep> + '_ {
        (0..self.len()).map(|i| KmStep {
            time: self.time[i],
            n_risk: self.n_risk[i],
            n_event: self.n_event[i],
            n_censor: self.n_censor[i],
            survival: self.survival[i],
            std_err: self.std_err[i],
            lower: self.lower[i],
            upper: self.upper[i],
        })
    }

    /// Number of steps (distinct observed times).
    ///
    /// ```
    /// use surv_engine::{kaplan_meier, KmConfig, SurvivalData};
    /// let data = SurvivalData::new(&[1.0, 1.0, 2.0], &[true, false, true]).unwrap();
    /// let curve = kaplan_meier(&data, &KmConfig::default()).unwrap();
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
