//! The curve read at chosen times, as `summary(fit, times = …)` reports it.

use crate::km::KmCurve;

/// The estimate at one requested time.
///
/// ```
/// use surv_engine::{kaplan_meier, KmConfig};
/// let curve = kaplan_meier(&[12.0, 30.0, 40.0], &[true, true, false], &KmConfig::default()).unwrap();
/// let two_years = curve.at(&[24.0])[0];
/// assert_eq!((two_years.n_risk, two_years.n_event), (2, 1));
/// assert!((two_years.survival - 2.0 / 3.0).abs() < 1e-15);
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SurvivalAt {
    /// The requested time.
    pub time: f64,
    /// Number at risk at `time`: subjects whose observed time is ≥ `time`.
    pub n_risk: usize,
    /// Events since the previous requested time (or since the start), up to and
    /// including `time`.
    pub n_event: usize,
    /// Censorings over the same interval.
    pub n_censor: usize,
    /// S(time): the step in force at `time`.
    pub survival: f64,
    /// Standard error of S(time); `None` where S(time) = 0.
    pub std_err: Option<f64>,
    /// Lower confidence bound; `None` where R gives none.
    pub lower: Option<f64>,
    /// Upper confidence bound; `None` where R gives none.
    pub upper: Option<f64>,
}

impl KmCurve {
    /// The curve at `times`, sorted ascending. As R does without `extend`, times
    /// after the last observed time are left out (there is no estimate there), as
    /// are NaN and infinite ones; a time before the first observation reads S = 1.
    ///
    /// ```
    /// use surv_engine::km::{kaplan_meier, KmConfig};
    /// let curve = kaplan_meier(&[1.0, 2.0, 3.0], &[true, false, true], &KmConfig::default()).unwrap();
    /// let at = curve.at(&[2.5, 0.5, 10.0]);
    /// assert_eq!(at.len(), 2); // 10 is past the last time
    /// assert_eq!((at[0].time, at[0].survival, at[0].n_risk), (0.5, 1.0, 3));
    /// assert_eq!((at[1].time, at[1].n_risk, at[1].n_event), (2.5, 1, 1));
    /// ```
    pub fn at(&self, times: &[f64]) -> Vec<SurvivalAt> {
        let last = self.last_time();
        let mut requested: Vec<f64> = times
            .iter()
            .copied()
            .filter(|t| t.is_finite() && *t <= last)
            .collect();
        requested.sort_by(f64::total_cmp);
        let mut out = Vec::with_capacity(requested.len());
        // `step` counts the rows with time ≤ the current requested time.
        let mut step = 0;
        for t in requested {
            let (mut n_event, mut n_censor) = (0, 0);
            while step < self.len() && self.time[step] <= t {
                n_event += self.n_event[step];
                n_censor += self.n_censor[step];
                step += 1;
            }
            // At risk at t: the first row at or after t (a row exactly at t counts).
            let at_or_after = if step > 0 && self.time[step - 1] == t {
                step - 1
            } else {
                step
            };
            let n_risk = self.n_risk.get(at_or_after).copied().unwrap_or(0);
            // R adds a row S = 1 at time 0 unless the curve already starts there; a
            // time before a first observation at 0 then reads that first row.
            let row = step.checked_sub(1).or((self.time[0] == 0.0).then_some(0));
            let estimate = match row {
                Some(row) => SurvivalAt {
                    time: t,
                    n_risk,
                    n_event,
                    n_censor,
                    survival: self.survival[row],
                    std_err: self.std_err[row],
                    lower: self.lower[row],
                    upper: self.upper[row],
                },
                // Before the first observation the curve is 1 with no uncertainty.
                None => SurvivalAt {
                    time: t,
                    n_risk,
                    n_event,
                    n_censor,
                    survival: 1.0,
                    std_err: Some(0.0),
                    lower: Some(1.0),
                    upper: Some(1.0),
                },
            };
            out.push(estimate);
        }
        out
    }
}
