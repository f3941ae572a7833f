//! The curve read at chosen times, as `summary(fit, times = …)` reports it,
//! with one difference: every requested time gets an entry.

use crate::km::{KmCurve, WeightedCount};

/// The estimate at one requested time.
///
/// ```
/// use surv_engine::{kaplan_meier, KmConfig, SurvivalData};
/// let data = SurvivalData::new(&[12.0, 30.0, 40.0], &[true, true, false]).unwrap();
/// let curve = kaplan_meier(&data, &KmConfig::default()).unwrap();
/// let two_years = curve.at(&[24.0])[0];
/// assert_eq!((two_years.n_risk, two_years.n_event), (2, 1));
/// assert!((two_years.survival.unwrap() - 2.0 / 3.0).abs() < 1e-15);
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct SurvivalAt {
    /// The requested time.
    pub time: f64,
    /// Number at risk at `time`: subjects whose observed time is ≥ `time`.
    pub n_risk: usize,
    /// S(time): the step in force at `time`; `None` past the last observed
    /// time, where the curve is not estimated.
    pub survival: Option<f64>,
    /// Standard error of S(time); `None` where S(time) = 0 or is not estimated.
    pub std_err: Option<f64>,
    /// Lower confidence bound; `None` where R gives none.
    pub lower: Option<f64>,
    /// Upper confidence bound; `None` where R gives none.
    pub upper: Option<f64>,
    /// Events after the next earlier requested time (or since the start), up
    /// to and including `time`.
    pub n_event: usize,
    /// Censorings over the same interval.
    pub n_censor: usize,
    /// With case weights, the weighted counts of `n_risk`, `n_event` and
    /// `n_censor` (R's `summary(fit, times =)` reports these); `None` without.
    #[cfg_attr(
        feature = "serde",
        serde(flatten, skip_serializing_if = "Option::is_none")
    )]
    pub weighted: Option<WeightedCount>,
}

impl KmCurve {
    /// The curve at each of `times`: exactly one entry per requested time, in
    /// the order asked. A time before the first observation reads S = 1. A
    /// time after the last observed time (or NaN) is kept, with `n_risk` 0 and
    /// survival, standard error and bounds `None`: R's `summary(fit, times =)`
    /// leaves such a time out, so that a table of requested times loses a
    /// row without a word; here the row stays and says "not estimated".
    ///
    /// Event and censoring counts run from the next earlier requested time
    /// (a repeated time repeats its entry).
    ///
    /// ```
    /// use surv_engine::{kaplan_meier, KmConfig, SurvivalData};
    /// let data = SurvivalData::new(&[1.0, 2.0, 3.0], &[true, false, true]).unwrap();
    /// let curve = kaplan_meier(&data, &KmConfig::default()).unwrap();
    /// let at = curve.at(&[2.5, 0.5, 10.0]);
    /// assert_eq!(at.len(), 3);
    /// assert_eq!((at[0].time, at[0].n_risk, at[0].n_event), (2.5, 1, 1));
    /// assert_eq!((at[1].time, at[1].survival, at[1].n_risk), (0.5, Some(1.0), 3));
    /// assert_eq!((at[2].time, at[2].survival, at[2].n_risk), (10.0, None, 0));
    /// ```
    pub fn at(&self, times: &[f64]) -> Vec<SurvivalAt> {
        // The requests in time order (they are few); NaN last.
        let mut order: Vec<usize> = (0..times.len()).collect();
        order.sort_by(|&a, &b| times[a].total_cmp(&times[b]));
        let mut out = vec![None; times.len()];
        // `step` counts the rows with time ≤ the current requested time.
        let mut step = 0;
        let mut previous: Option<SurvivalAt> = None;
        for &request in &order {
            let t = times[request];
            if let Some(p) = previous.filter(|p| p.time == t) {
                out[request] = Some(p);
                continue;
            }
            let estimate = if t.is_nan() {
                SurvivalAt {
                    time: t,
                    n_risk: 0,
                    survival: None,
                    std_err: None,
                    lower: None,
                    upper: None,
                    n_event: 0,
                    n_censor: 0,
                    weighted: self.weighted.as_ref().map(|_| WeightedCount {
                        n_risk_weighted: 0.0,
                        n_event_weighted: 0.0,
                        n_censor_weighted: 0.0,
                    }),
                }
            } else {
                self.at_one(t, &mut step)
            };
            out[request] = Some(estimate);
            previous = Some(estimate);
        }
        out.into_iter().flatten().collect()
    }

    /// The estimate at `t` (not NaN), moving `step` past the rows up to `t`.
    fn at_one(&self, t: f64, step: &mut usize) -> SurvivalAt {
        let (mut n_event, mut n_censor) = (0, 0);
        let (mut event_weight, mut censor_weight) = (0.0, 0.0);
        while *step < self.len() && self.time[*step] <= t {
            n_event += self.n_event[*step];
            n_censor += self.n_censor[*step];
            if let Some(w) = &self.weighted {
                event_weight += w.n_event[*step];
                censor_weight += w.n_censor[*step];
            }
            *step += 1;
        }
        let step = *step;
        // At risk at t: the first row at or after t (a row exactly at t counts).
        let at_or_after = if step > 0 && self.time[step - 1] == t {
            step - 1
        } else {
            step
        };
        let past_end = t > self.last_time();
        let weighted = self.weighted.as_ref().map(|w| WeightedCount {
            n_risk_weighted: if past_end {
                0.0
            } else {
                w.n_risk.get(at_or_after).copied().unwrap_or(0.0)
            },
            n_event_weighted: event_weight,
            n_censor_weighted: censor_weight,
        });
        let counts = |n_risk: usize, survival, std_err, lower, upper| SurvivalAt {
            time: t,
            n_risk,
            survival,
            std_err,
            lower,
            upper,
            n_event,
            n_censor,
            weighted,
        };
        if past_end {
            return counts(0, None, None, None, None);
        }
        let n_risk = self.n_risk.get(at_or_after).copied().unwrap_or(0);
        // R adds a row S = 1 at time 0 unless the curve already starts there; a
        // time before a first observation at 0 then reads that first row.
        match step.checked_sub(1).or((self.time[0] == 0.0).then_some(0)) {
            Some(row) => {
                let (lower, upper) = self.bounds(row);
                counts(
                    n_risk,
                    Some(self.survival[row]),
                    self.std_err(row),
                    lower,
                    upper,
                )
            }
            // Before the first observation the curve is 1 with no uncertainty.
            None => counts(n_risk, Some(1.0), Some(0.0), Some(1.0), Some(1.0)),
        }
    }
}
