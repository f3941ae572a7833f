//! The Aalen-Johansen estimate of each cause's cumulative incidence, with the
//! standard error R's `survfit` gives a multi-state curve by default: the
//! infinitesimal jackknife.
//!
//! With event-free probability `S` and cause-specific hazards `d_k / n`, the
//! incidence of cause `k` rises at each time by `S(t−) · d_k / n`. The
//! infinitesimal jackknife's variance is `Σ_i U_i(t)²`, with `U_i` the
//! derivative of the estimate with respect to subject `i`'s case weight. An
//! O(n · T) sum is avoided by two facts: every subject still at risk has the
//! same influence (they share their whole history), so those contribute
//! `n_risk · A(t)²`; and a subject who left at `T_i` no longer enters any
//! hazard, so its influence afterwards is `x_i + c_i · (F(t) − F(T_i))`, where
//! `c_i` is its influence on log S at `T_i`. Keeping `Σ x²`, `Σ x·c` and
//! `Σ c²` over the departed, with `x` moved forward at each rise of `F`, makes
//! each step cost O(causes²) and the fit linear after the sort.
//!
//! Moving `x` forward expands a square, which loses the variance to rounding
//! when it ends far below the sums it came from. That happens exactly when a
//! group's events have all been of one cause and its incidence climbs to 1:
//! the truth is 0, the expansion leaves ~1e-9. While only one cause has
//! occurred its incidence is `1 − S`, so its variance is that of S, which has
//! no such expansion: a departed subject's influence on S is `c_i · S(t)`.

use super::data::CompetingRisksData;
use crate::error::SurvivalError;
use crate::order::{Cells, Tally};

/// The cumulative incidence of every cause, per group when the data have
/// groups (else for all rows together).
///
/// ```
/// use surv_engine::{cumulative_incidence, CompetingRisksData};
/// let data = CompetingRisksData::new(&[2.0, 4.0, 4.0, 7.0], &[1, 2, 0, 1])?;
/// let fit = cumulative_incidence(&data)?;
/// let relapse = fit.curve(None, 1).unwrap();
/// assert_eq!(relapse.time, [2.0, 4.0, 7.0]);
/// assert_eq!(relapse.estimate, [0.25, 0.25, 0.75]);
/// # Ok::<(), surv_engine::SurvivalError>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct CumulativeIncidence {
    /// Number of observations.
    pub n: usize,
    /// Number of causes.
    pub n_causes: usize,
    /// One curve per group and cause, ordered by group, then cause.
    pub curves: Vec<IncidenceCurve>,
}

impl CumulativeIncidence {
    /// The curve of `cause` in `group` (`None` for data without groups).
    pub fn curve(&self, group: Option<u32>, cause: u32) -> Option<&IncidenceCurve> {
        self.curves
            .iter()
            .find(|c| c.group == group && c.cause == cause)
    }
}

/// The cumulative incidence of one cause in one group: one step per distinct
/// observed time of the group (event of any cause, or censoring), as the rows
/// of R's multi-state survfit object. All vectors have one entry per step.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct IncidenceCurve {
    /// The group code; `None` for data without groups.
    pub group: Option<u32>,
    /// The cause, `1..=k`.
    pub cause: u32,
    /// Number of observations in the group.
    pub n: usize,
    /// Events of this cause in the group.
    pub n_events: usize,
    /// Distinct observed times, ascending.
    pub time: Vec<f64>,
    /// Number still free of every cause just before each time (censored at
    /// that time included): R's `n.risk` of the initial state.
    pub n_risk: Vec<usize>,
    /// Events of this cause at each time.
    pub n_event: Vec<usize>,
    /// The cumulative incidence of this cause: the probability of an event of
    /// this cause by each time (R's `pstate` of the cause's state).
    pub estimate: Vec<f64>,
    /// Its standard error, the infinitesimal jackknife (R's `std.err`).
    /// Defined at every step, also once the at-risk set is empty, so it is a
    /// number, not an option.
    pub std_err: Vec<f64>,
}

impl IncidenceCurve {
    /// Number of steps (distinct observed times).
    pub fn len(&self) -> usize {
        self.time.len()
    }

    /// Whether the curve has no steps (never true for a fitted curve).
    pub fn is_empty(&self) -> bool {
        self.time.is_empty()
    }

    /// The last observed time of the group (event or censoring).
    pub fn last_time(&self) -> f64 {
        self.time.last().copied().unwrap_or(0.0)
    }
}

/// The Aalen-Johansen cumulative incidence of every cause, with R's
/// infinitesimal-jackknife standard error: per group when the data have
/// groups, else one curve per cause for all rows. Linear in the rows after one
/// sort.
///
/// Matches `survfit(Surv(time, factor(status)) ~ group)` (or `~ 1`): its
/// `pstate` and `std.err` for the cause's state, `n.risk` of the initial
/// state and `n.event` of the cause's.
///
/// ```
/// use surv_engine::{cumulative_incidence, CompetingRisksData};
/// let months = [3.0, 5.0, 5.0, 8.0, 9.0, 12.0, 2.0, 4.0, 6.0, 6.0];
/// let cause = [1, 2, 0, 1, 0, 2, 2, 1, 1, 0];
/// let arm = [0, 0, 0, 0, 0, 0, 1, 1, 1, 1];
/// let data = CompetingRisksData::new(&months, &cause)?.with_groups(&arm)?;
/// let fit = cumulative_incidence(&data)?;
/// assert_eq!(fit.curves.len(), 4); // (arm 0, cause 1), (arm 0, cause 2), (arm 1, cause 1), …
/// let c = fit.curve(Some(1), 1).unwrap();
/// assert_eq!((c.time.len(), c.n_events), (3, 2));
/// assert_eq!(c.estimate, [0.0, 0.25, 0.5]);
/// # Ok::<(), surv_engine::SurvivalError>(())
/// ```
pub fn cumulative_incidence(
    data: &CompetingRisksData,
) -> Result<CumulativeIncidence, SurvivalError> {
    let cells = data.cells();
    let k = data.n_causes();
    let stride = k + 1;
    let mut curves = Vec::with_capacity(data.n_groups().max(1) * k);
    match data.n_groups() {
        0 => curves.extend(fit_group(&cells, None, 0, k)),
        g => {
            for group in 0..g {
                curves.extend(fit_group(&cells, Some(group as u32), group * stride, k));
            }
        }
    }
    Ok(CumulativeIncidence {
        n: data.len(),
        n_causes: k,
        curves,
    })
}

/// The sums over subjects who have left the risk set that give their share of
/// the variance: per cause `Σ x²` and `Σ x·c`, and `Σ c²`, where `x` is a
/// subject's current influence on the cause's incidence and `c` its influence
/// on log S when it left.
struct Departed {
    x2: Vec<f64>,
    xc: Vec<f64>,
    c2: f64,
}

impl Departed {
    /// Cause `cause`'s incidence rose by `rise`: every departed `x` moves by
    /// `c · rise`.
    fn rise(&mut self, cause: usize, rise: f64) {
        self.x2[cause] += rise * (2.0 * self.xc[cause] + rise * self.c2);
        self.xc[cause] += rise * self.c2;
    }

    /// `m` subjects leave with influences `x` (one per cause) and `c`.
    fn leave(&mut self, m: usize, x: impl Iterator<Item = f64>, c: f64) {
        let m = m as f64;
        for (cause, x) in x.enumerate() {
            self.x2[cause] += m * x * x;
            self.xc[cause] += m * x * c;
        }
        self.c2 += m * c * c;
    }
}

/// The `k` curves of the group whose cells start at `first`.
fn fit_group(cells: &Cells, group: Option<u32>, first: usize, k: usize) -> Vec<IncidenceCurve> {
    let stride = k + 1;
    let n: usize = (first..first + stride).map(|c| cells.size(c)).sum();
    let steps = (first..first + stride)
        .map(|c| cells.distinct_bound(c))
        .sum::<usize>()
        .min(n);
    let mut curves: Vec<IncidenceCurve> = (1..=k)
        .map(|cause| IncidenceCurve {
            group,
            cause: cause as u32,
            n,
            n_events: cells.size(first + cause),
            time: Vec::with_capacity(steps),
            n_risk: Vec::with_capacity(steps),
            n_event: Vec::with_capacity(steps),
            estimate: Vec::with_capacity(steps),
            std_err: Vec::with_capacity(steps),
        })
        .collect();
    // Event-free probability just before the step, and each cause's incidence.
    let mut survival = 1.0f64;
    let mut incidence = vec![0.0f64; k];
    // Influence of a subject still at risk on S and on each incidence.
    let mut at_risk_on_survival = 0.0f64;
    let mut at_risk_on_incidence = vec![0.0f64; k];
    // Influence at this step of a subject without an event here.
    let mut stay = vec![0.0f64; k];
    let mut departed = Departed {
        x2: vec![0.0; k],
        xc: vec![0.0; k],
        c2: 0.0,
    };
    // Which causes have had events in the group so far.
    let mut occurred = vec![false; k];
    let mut at_risk = n;
    let mut walk = cells.walk(first, stride);
    let mut tally = vec![Tally::default(); stride];
    while let Some(t) = walk.next_time(&mut tally) {
        let censored = tally[0].censored;
        let deaths: usize = tally[1..].iter().map(|c| c.events).sum();
        let nr = at_risk as f64;
        // Derivatives of the hazards d_k / n in a weight: (dN_ik − h_k) / n.
        let (stay_on_survival, survival_after) = if deaths > 0 {
            let h = deaths as f64 / nr;
            (
                at_risk_on_survival * (1.0 - h) + survival * h / nr,
                survival * (nr - deaths as f64) / nr,
            )
        } else {
            (at_risk_on_survival, survival)
        };
        for cause in 0..k {
            let d = tally[cause + 1].events;
            if d > 0 {
                let h = d as f64 / nr;
                stay[cause] =
                    at_risk_on_incidence[cause] + at_risk_on_survival * h - survival * h / nr;
                let rise = survival * h;
                departed.rise(cause, rise);
                incidence[cause] += rise;
            } else {
                stay[cause] = at_risk_on_incidence[cause];
            }
        }
        // Who leaves here: the censored, with the influence of those who stay,
        // and those with an event of each cause. Once S is 0 nobody is left,
        // so their `c` is never used.
        let on_log = |on_survival: f64| {
            if survival_after > 0.0 {
                on_survival / survival_after
            } else {
                0.0
            }
        };
        if censored > 0 {
            departed.leave(censored, stay.iter().copied(), on_log(stay_on_survival));
        }
        for cause in 0..k {
            let d = tally[cause + 1].events;
            if d > 0 {
                let own = survival / nr;
                let x = stay
                    .iter()
                    .enumerate()
                    .map(|(j, &s)| if j == cause { s + own } else { s });
                departed.leave(d, x, on_log(stay_on_survival - own));
            }
        }
        survival = survival_after;
        at_risk_on_survival = stay_on_survival;
        at_risk_on_incidence.copy_from_slice(&stay);
        for (o, t) in occurred.iter_mut().zip(&tally[1..]) {
            *o |= t.events > 0;
        }
        let remaining = (at_risk - deaths - censored) as f64;
        let alone = |cause: usize| (0..k).all(|j| j == cause || !occurred[j]);
        for (cause, curve) in curves.iter_mut().enumerate() {
            let variance = if alone(cause) {
                // The incidence is 1 − S: its influences are S's, negated.
                let a = at_risk_on_survival;
                remaining * a * a + survival * survival * departed.c2
            } else {
                let a = at_risk_on_incidence[cause];
                remaining * a * a + departed.x2[cause]
            };
            curve.time.push(t);
            curve.n_risk.push(at_risk);
            curve.n_event.push(tally[cause + 1].events);
            curve.estimate.push(incidence[cause]);
            curve.std_err.push(variance.max(0.0).sqrt());
        }
        at_risk -= deaths + censored;
    }
    curves
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The infinitesimal jackknife the slow way: every subject's influence
    /// carried through every time (O(n · T)), from the derivative of each
    /// hazard `d_k / n` in the subject's weight, `(dN_ik − Y_i · d_k / n) / n`.
    fn brute_force(times: &[f64], causes: &[u32], k: usize) -> Vec<(f64, Vec<f64>, Vec<f64>)> {
        let mut distinct: Vec<f64> = times.to_vec();
        distinct.sort_by(f64::total_cmp);
        distinct.dedup();
        let n = times.len();
        let (mut s, mut f) = (1.0f64, vec![0.0f64; k]);
        let mut u0 = vec![0.0f64; n];
        let mut uk = vec![vec![0.0f64; k]; n];
        let mut rows = Vec::new();
        for &t in &distinct {
            let at_risk: Vec<usize> = (0..n).filter(|&i| times[i] >= t).collect();
            let nr = at_risk.len() as f64;
            let d: Vec<f64> = (1..=k)
                .map(|c| {
                    at_risk
                        .iter()
                        .filter(|&&i| times[i] == t && causes[i] == c as u32)
                        .count() as f64
                })
                .collect();
            let dall: f64 = d.iter().sum();
            for i in 0..n {
                let y = if times[i] >= t { 1.0 } else { 0.0 };
                let dn = |c: usize| {
                    if times[i] == t && causes[i] == c as u32 {
                        1.0
                    } else {
                        0.0
                    }
                };
                let dh: Vec<f64> = (1..=k).map(|c| (dn(c) - y * d[c - 1] / nr) / nr).collect();
                let dh_all: f64 = dh.iter().sum();
                for c in 0..k {
                    uk[i][c] += u0[i] * d[c] / nr + s * dh[c];
                }
                u0[i] = u0[i] * (1.0 - dall / nr) - s * dh_all;
            }
            for c in 0..k {
                f[c] += s * d[c] / nr;
            }
            s *= 1.0 - dall / nr;
            let se = (0..k)
                .map(|c| (0..n).map(|i| uk[i][c] * uk[i][c]).sum::<f64>().sqrt())
                .collect();
            rows.push((t, f.clone(), se));
        }
        rows
    }

    #[test]
    fn linear_standard_errors_equal_the_subject_by_subject_sum() {
        let mut state = 0x2545_f491_4f6c_dd1du64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for round in 0..200 {
            let n = 1 + (next() % 40) as usize;
            let k = 1 + (next() % 3) as usize;
            // Few distinct times, so that ties across causes are common; half
            // the rounds fractional (the sorted path), half whole (counted).
            let scale = if round % 2 == 0 { 1.0 } else { 0.5 };
            let times: Vec<f64> = (0..n).map(|_| (next() % 8) as f64 * scale).collect();
            let mut causes: Vec<u32> = (0..n).map(|_| (next() % (k as u64 + 1)) as u32).collect();
            // Make the codes dense: every cause occurs.
            for c in 1..=k.min(n) {
                causes[c - 1] = c as u32;
            }
            let k = k.min(n);
            let data = CompetingRisksData::new(&times, &causes).unwrap();
            let fit = cumulative_incidence(&data).unwrap();
            let slow = brute_force(&times, &causes, k);
            for (c, curve) in fit.curves.iter().enumerate() {
                assert_eq!(curve.len(), slow.len(), "round {round}");
                for (j, (t, f, se)) in slow.iter().enumerate() {
                    let ctx = format!("round {round}, cause {}, t = {t}", c + 1);
                    assert_eq!(curve.time[j], *t, "{ctx}");
                    assert!(
                        (curve.estimate[j] - f[c]).abs() <= 1e-13,
                        "{ctx}: estimate {} vs {}",
                        curve.estimate[j],
                        f[c]
                    );
                    assert!(
                        (curve.std_err[j] - se[c]).abs() <= 1e-12 * se[c] + 1e-15,
                        "{ctx}: std_err {} vs {}",
                        curve.std_err[j],
                        se[c]
                    );
                }
            }
        }
    }
}
