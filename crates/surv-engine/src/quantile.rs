//! Median and other quantiles of survival, with confidence limits read off the
//! confidence band, as R reports them.
//!
//! R has two rules that differ only in one corner case, and this module has both:
//! [`KmCurve::median`] follows `print.survfit` (and `summary(fit)$table`);
//! [`KmCurve::quantile`] follows `quantile.survfit`. Both treat a curve that sits
//! exactly at the target probability (within [`TOLERANCE`]) as reaching it over an
//! interval, and report the midpoint between where it gets there and the next time
//! it drops. They differ when the curve stays at the target until the end of
//! follow-up: the median rule then gives the time it got there, the quantile rule
//! the midpoint with the last observed time.

use std::collections::HashSet;

use crate::km::KmCurve;

/// Tolerance for "exactly at the probability" (R's `sqrt(.Machine$double.eps)`).
pub const TOLERANCE: f64 = 1.490_116_119_384_765_6e-8;

/// A quantile of the survival distribution with its confidence limits. `None`
/// means "not reached": the curve (or that confidence limit) never falls to the
/// probability.
///
/// ```
/// use surv_engine::{kaplan_meier, KmConfig, SurvivalData};
/// // Only one death in four: the median is not reached.
/// let curve = kaplan_meier(&SurvivalData::new(&[1.0, 2.0, 3.0, 4.0], &[true, false, false, false]).unwrap(), &KmConfig::default()).unwrap();
/// let median = curve.median();
/// assert_eq!((median.time, median.upper), (None, None));
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct QuantileEstimate {
    /// The estimate.
    pub time: Option<f64>,
    /// Lower confidence limit (read off the lower confidence band).
    pub lower: Option<f64>,
    /// Upper confidence limit (read off the upper confidence band).
    pub upper: Option<f64>,
}

impl KmCurve {
    /// Median survival and its confidence interval, as `print.survfit` reports
    /// them.
    ///
    /// ```
    /// use surv_engine::{kaplan_meier, KmConfig, SurvivalData};
    /// // S = 0.75, 0.5, 0.25, 0: exactly 0.5 on [2, 3), so the median is 2.5.
    /// let curve = kaplan_meier(&SurvivalData::new(&[1.0, 2.0, 3.0, 4.0], &[true; 4]).unwrap(), &KmConfig::default()).unwrap();
    /// assert_eq!(curve.median().time, Some(2.5));
    /// ```
    pub fn median(&self) -> QuantileEstimate {
        QuantileEstimate {
            time: print_rule(&self.time, self.survival.iter().map(|&s| Some(s))),
            lower: print_rule(&self.time, self.lower_bounds()),
            upper: print_rule(&self.time, self.upper_bounds()),
        }
    }

    /// The time by which a fraction `p` (0 ≤ p ≤ 1) of subjects has had the event,
    /// i.e. where S falls to 1 − p, with its confidence interval, as
    /// `quantile.survfit` reports it. `None` for a `p` outside [0, 1].
    ///
    /// ```
    /// use surv_engine::{kaplan_meier, KmConfig, SurvivalData};
    /// let curve = kaplan_meier(&SurvivalData::new(&[1.0, 2.0, 3.0, 4.0], &[true; 4]).unwrap(), &KmConfig::default()).unwrap();
    /// assert_eq!(curve.quantile(0.25).unwrap().time, Some(1.5));
    /// assert_eq!(curve.quantile(0.9).unwrap().time, Some(4.0));
    /// ```
    pub fn quantile(&self, p: f64) -> Option<QuantileEstimate> {
        if !(0.0..=1.0).contains(&p) {
            return None;
        }
        let last = self.last_time();
        Some(QuantileEstimate {
            time: quantile_rule(&self.time, self.survival.iter().map(|&s| Some(s)), p, last),
            lower: quantile_rule(&self.time, self.lower_bounds(), p, last),
            upper: quantile_rule(&self.time, self.upper_bounds(), p, last),
        })
    }

    /// The lower confidence bound at each step.
    fn lower_bounds(&self) -> impl Iterator<Item = Option<f64>> + '_ {
        (0..self.len()).map(|i| self.lower(i))
    }

    /// The upper confidence bound at each step.
    fn upper_bounds(&self) -> impl Iterator<Item = Option<f64>> + '_ {
        (0..self.len()).map(|i| self.upper(i))
    }
}

/// `print.survfit`'s median of a step function `y` over `time` (`None` entries are
/// skipped).
fn print_rule(time: &[f64], y: impl IntoIterator<Item = Option<f64>>) -> Option<f64> {
    let target = 0.5;
    let mut kept = time
        .iter()
        .zip(y)
        .filter_map(|(&t, v)| v.map(|v| (t, v)))
        .filter(|&(_, v)| v < target + TOLERANCE);
    let (t1, y1) = kept.next()?;
    if (y1 - target).abs() < TOLERANCE
        && let Some((t2, _)) = kept.find(|&(_, v)| v < y1)
    {
        return Some((t1 + t2) / 2.0);
    }
    Some(t1)
}

/// `quantile.survfit`'s rule on the distribution function 1 − y, starting from 0
/// at time 0. `last` is the last observed time of the curve.
fn quantile_rule(
    time: &[f64],
    y: impl IntoIterator<Item = Option<f64>>,
    p: f64,
    last: f64,
) -> Option<f64> {
    if p == 0.0 {
        return Some(0.0);
    }
    // The levels of F = 1 − y with the time each is first reached; a repeated level
    // (including a repeated "undefined") keeps its first time only.
    // Confidence bands need not be monotone, so "repeated" means anywhere before.
    let mut levels: Vec<(f64, Option<f64>)> = Vec::with_capacity(time.len() + 1);
    levels.push((0.0, Some(0.0)));
    let mut seen: HashSet<u64> = HashSet::with_capacity(time.len() + 1);
    seen.insert(0.0f64.to_bits());
    let mut seen_undefined = false;
    for (&t, v) in time.iter().zip(y) {
        let f = v.map(|v| 1.0 - v + 0.0);
        let repeated = match f {
            None => std::mem::replace(&mut seen_undefined, true),
            Some(f) => !seen.insert(f.to_bits()),
        };
        if !repeated {
            levels.push((t, f));
        }
    }
    let defined = || levels.iter().filter_map(|&(t, f)| f.map(|f| (t, f)));
    let max_f = defined().map(|(_, f)| f).fold(f64::NEG_INFINITY, f64::max);
    if max_f < p {
        return None;
    }
    // Where a horizontal line at p meets the (possibly non-monotone) band: the
    // level with the smallest value at or above the line, shifted by ± tolerance.
    let meets = |shift: f64| {
        defined()
            .filter(|&(_, f)| f + shift >= p)
            .min_by(|a, b| (a.1 + shift).total_cmp(&(b.1 + shift)))
            .map(|(t, _)| t)
    };
    let t1 = meets(TOLERANCE);
    let estimate = match (t1, meets(-TOLERANCE)) {
        (Some(a), Some(b)) => Some((a + b) / 2.0),
        _ => None,
    };
    // A band that ends on the level p stays there to the last observed time.
    match levels.last() {
        Some(&(_, Some(f))) if (p - f).abs() < TOLERANCE => t1.map(|a| (a + last) / 2.0),
        _ => estimate,
    }
}
