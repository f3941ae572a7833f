//! A cumulative-incidence curve read at chosen times, as
//! `summary(fit, times = …)` reports it, with one difference: every requested
//! time gets an entry.

use super::aalen_johansen::IncidenceCurve;

/// The cumulative incidence at one requested time.
///
/// ```
/// use surv_engine::{cumulative_incidence, CompetingRisksData};
/// let data = CompetingRisksData::new(&[12.0, 30.0, 40.0], &[1, 2, 0])?;
/// let fit = cumulative_incidence(&data)?;
/// let two_years = fit.curve(None, 1).unwrap().at(&[24.0])[0];
/// assert_eq!((two_years.n_risk, two_years.n_event), (2, 1));
/// assert!((two_years.estimate.unwrap() - 1.0 / 3.0).abs() < 1e-15);
/// # Ok::<(), surv_engine::SurvivalError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct IncidenceAt {
    /// The requested time.
    pub time: f64,
    /// Number at risk at `time`: subjects of the group whose observed time is
    /// ≥ `time`.
    pub n_risk: usize,
    /// Events of the curve's cause after the next earlier requested time (or
    /// since the start), up to and including `time`.
    pub n_event: usize,
    /// The cumulative incidence at `time`: the step in force there; `None`
    /// past the group's last observed time, where it is not estimated.
    pub estimate: Option<f64>,
    /// Its standard error; `None` where the estimate is.
    pub std_err: Option<f64>,
}

impl IncidenceCurve {
    /// The curve at each of `times`: exactly one entry per requested time, in
    /// the order asked. A time before the first observation reads 0 with
    /// standard error 0. A time after the last observed time (or NaN) is kept,
    /// with `n_risk` 0 and estimate and standard error `None`: R's
    /// `summary(fit, times =)` leaves such a time out; here the row stays and
    /// says "not estimated" (as `cmprsk::timepoints` gives NA).
    ///
    /// Event counts run from the next earlier requested time (a repeated time
    /// repeats its entry).
    ///
    /// ```
    /// use surv_engine::{cumulative_incidence, CompetingRisksData};
    /// let data = CompetingRisksData::new(&[1.0, 2.0, 3.0], &[1, 0, 2])?;
    /// let fit = cumulative_incidence(&data)?;
    /// let at = fit.curve(None, 1).unwrap().at(&[2.5, 0.5, 10.0]);
    /// assert_eq!(at.len(), 3);
    /// assert_eq!((at[0].time, at[0].n_risk, at[0].n_event), (2.5, 1, 1));
    /// assert_eq!((at[1].estimate, at[1].std_err, at[1].n_risk), (Some(0.0), Some(0.0), 3));
    /// assert_eq!((at[2].estimate, at[2].n_risk), (None, 0));
    /// # Ok::<(), surv_engine::SurvivalError>(())
    /// ```
    pub fn at(&self, times: &[f64]) -> Vec<IncidenceAt> {
        // The requests in time order (they are few); NaN last.
        let mut order: Vec<usize> = (0..times.len()).collect();
        order.sort_by(|&a, &b| times[a].total_cmp(&times[b]));
        let mut out = vec![None; times.len()];
        // `step` counts the rows with time ≤ the current requested time.
        let mut step = 0;
        let mut previous: Option<IncidenceAt> = None;
        for &request in &order {
            let t = times[request];
            if let Some(p) = previous.filter(|p| p.time == t) {
                out[request] = Some(p);
                continue;
            }
            let estimate = if t.is_nan() {
                IncidenceAt {
                    time: t,
                    n_risk: 0,
                    n_event: 0,
                    estimate: None,
                    std_err: None,
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
    fn at_one(&self, t: f64, step: &mut usize) -> IncidenceAt {
        let mut n_event = 0;
        while *step < self.len() && self.time[*step] <= t {
            n_event += self.n_event[*step];
            *step += 1;
        }
        let step = *step;
        let entry = |n_risk, estimate, std_err| IncidenceAt {
            time: t,
            n_risk,
            n_event,
            estimate,
            std_err,
        };
        if self.is_empty() || t > self.last_time() {
            return entry(0, None, None);
        }
        // At risk at t: the first row at or after t (a row exactly at t counts).
        let at_or_after = if step > 0 && self.time[step - 1] == t {
            step - 1
        } else {
            step
        };
        let n_risk = self.n_risk.get(at_or_after).copied().unwrap_or(0);
        // As for Kaplan-Meier, R reads a time before a first observation at 0
        // from that first row (a negative time: the data have none).
        match step.checked_sub(1).or((self.time[0] == 0.0).then_some(0)) {
            Some(row) => entry(n_risk, Some(self.estimate[row]), Some(self.std_err[row])),
            // Before the first observation nothing has happened yet.
            None => entry(n_risk, Some(0.0), Some(0.0)),
        }
    }
}
