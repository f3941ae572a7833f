//! Gray's test of equal cumulative incidence of a cause across groups (Gray,
//! 1988, *Ann. Statist.* 16:1141–1154), as `cmprsk::cuminc` computes it.
//!
//! At each event time the score compares each group's events of the cause
//! with what the pooled subdistribution hazard predicts among those the group
//! still "holds" (at risk, or failed of another cause: `n / S(t−)` times
//! `1 − F(t−)`), weighted by `(1 − F(t−))^ρ`. The variance is Gray's
//! estimator, assembled in the same pass: per group, the contributions of the
//! events of the cause and of the other causes, with cuminc's corrections for
//! tied events, and the running sums that carry earlier times' terms forward.
//! After the one sort, each time with events costs O(groups³) per cause, as in
//! cuminc (a rank-one update of the variance per group); groups are few.
//!
//! Times are those of [`super::CompetingRisksData`]'s sort, with near-ties
//! merged as R's `survfit` merges them; cuminc compares times exactly, so on
//! times that differ only by rounding (within about 1.5e-8) the two differ.

use super::data::CompetingRisksData;
use crate::chisq::ChiSquareTest;
use crate::error::SurvivalError;
use crate::linalg;
use crate::order::Tally;

/// The weight of Gray's test.
///
/// ```
/// use surv_engine::GrayConfig;
/// assert_eq!(GrayConfig::default().rho, 0.0); // cuminc's default
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct GrayConfig {
    /// The power of `1 − F(t−)` weighting each time (cuminc's `rho`); 0
    /// weighs every time alike, larger values weigh early times more.
    pub rho: f64,
}

impl Default for GrayConfig {
    fn default() -> Self {
        GrayConfig { rho: 0.0 }
    }
}

/// Gray's test for one cause.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct GrayTest {
    /// The cause, `1..=k`.
    pub cause: u32,
    /// The chi-square on `groups − 1` degrees of freedom; `None` when its
    /// variance matrix is singular (cuminc reports a statistic of −1), e.g.
    /// when every event of the cause happens while only one group is at risk.
    pub test: Option<ChiSquareTest>,
}

/// Gray's test of each cause, comparing the groups of `data`: one entry per
/// cause, in cause order. Matches `cmprsk::cuminc(time, status, group, rho =,
/// cencode = 0)$Tests`.
///
/// Data without groups are [`SurvivalError::NoGroups`], with one group
/// [`SurvivalError::TooFewGroups`]; a `rho` that is not a finite number is
/// [`SurvivalError::InvalidParameter`].
///
/// ```
/// use surv_engine::{gray_test, CompetingRisksData, GrayConfig};
/// let months = [3.0, 5.0, 5.0, 8.0, 9.0, 12.0, 2.0, 4.0, 6.0, 6.0, 7.0, 10.0];
/// let cause = [1, 2, 0, 1, 0, 2, 2, 1, 1, 0, 1, 2];
/// let arm = [0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1];
/// let data = CompetingRisksData::new(&months, &cause)?.with_groups(&arm)?;
/// let tests = gray_test(&data, &GrayConfig::default())?;
/// assert_eq!(tests.len(), 2);
/// let relapse = tests[0].test.unwrap();
/// assert_eq!(relapse.df, 1);
/// assert!(relapse.p_value > 0.0 && relapse.p_value <= 1.0);
/// # Ok::<(), surv_engine::SurvivalError>(())
/// ```
pub fn gray_test(
    data: &CompetingRisksData,
    config: &GrayConfig,
) -> Result<Vec<GrayTest>, SurvivalError> {
    if !config.rho.is_finite() {
        return Err(SurvivalError::InvalidParameter {
            name: "rho",
            value: config.rho,
            expected: "a finite number",
        });
    }
    let n_groups = match data.n_groups() {
        0 => return Err(SurvivalError::NoGroups),
        1 => return Err(SurvivalError::TooFewGroups { found: 1 }),
        g => g,
    };
    let k = data.n_causes();
    let stride = k + 1;
    let cells = data.cells();
    let mut at_risk: Vec<usize> = (0..n_groups)
        .map(|g| (0..stride).map(|c| cells.size(g * stride + c)).sum())
        .collect();
    // Each group's event-free Kaplan-Meier just before and just after the time.
    let mut survival = vec![1.0f64; n_groups];
    let mut survival_after = vec![1.0f64; n_groups];
    let mut causes: Vec<CauseSums> = (1..=k).map(|_| CauseSums::new(n_groups)).collect();
    let mut events = vec![0usize; n_groups];
    let mut cause_events = vec![0usize; n_groups];
    let mut walk = cells.walk(0, n_groups * stride);
    let mut tally = vec![Tally::default(); n_groups * stride];
    while walk.next_time(&mut tally).is_some() {
        for (g, e) in events.iter_mut().enumerate() {
            *e = tally[g * stride + 1..(g + 1) * stride]
                .iter()
                .map(|c| c.events)
                .sum();
        }
        if events.iter().any(|&e| e > 0) {
            for g in 0..n_groups {
                if at_risk[g] > 0 {
                    let n = at_risk[g] as f64;
                    survival_after[g] = survival[g] * (n - events[g] as f64) / n;
                }
            }
            for (cause, sums) in causes.iter_mut().enumerate() {
                for (g, d) in cause_events.iter_mut().enumerate() {
                    *d = tally[g * stride + cause + 1].events;
                }
                let time = Time {
                    at_risk: &at_risk,
                    survival: &survival,
                    survival_after: &survival_after,
                    events: &events,
                    cause_events: &cause_events,
                };
                sums.add(&time, config.rho);
            }
            survival.copy_from_slice(&survival_after);
        }
        for (g, n) in at_risk.iter_mut().enumerate() {
            *n -= events[g] + tally[g * stride].censored;
        }
    }
    Ok(causes
        .into_iter()
        .enumerate()
        .map(|(cause, sums)| GrayTest {
            cause: cause as u32 + 1,
            test: sums.test(),
        })
        .collect())
}

/// What the groups hold at one time with events.
struct Time<'a> {
    at_risk: &'a [usize],
    /// Event-free survival just before the time.
    survival: &'a [f64],
    /// And just after.
    survival_after: &'a [f64],
    /// Events of any cause.
    events: &'a [usize],
    /// Events of the tested cause.
    cause_events: &'a [usize],
}

/// The running sums of one cause's test. Matrices are row-major; only the
/// first `groups − 1` groups get a score (the scores sum to 0).
struct CauseSums {
    groups: usize,
    /// Each group's incidence of the cause just before the time.
    incidence: Vec<f64>,
    /// The pooled incidence just before the time.
    pooled: f64,
    score: Vec<f64>,
    /// `groups × groups`: the weights' running sums scaled by the pooled
    /// subdistribution hazard, which carry earlier times into later terms.
    carry: Vec<f64>,
    /// Per group, and `(groups − 1) × groups`: the sums that the carried terms
    /// multiply at the end.
    own: Vec<f64>,
    cross: Vec<f64>,
    /// `(groups − 1) × (groups − 1)`, lower triangle: the variance so far.
    variance: Vec<f64>,
    /// Scratch: this time's weights, `groups × groups`.
    weight: Vec<f64>,
    /// Scratch: one group's term of the variance, per scored group.
    e: Vec<f64>,
}

impl CauseSums {
    fn new(groups: usize) -> CauseSums {
        let m = groups - 1;
        CauseSums {
            groups,
            incidence: vec![0.0; groups],
            pooled: 0.0,
            score: vec![0.0; m],
            carry: vec![0.0; groups * groups],
            own: vec![0.0; groups],
            cross: vec![0.0; m * groups],
            variance: vec![0.0; m * m],
            weight: vec![0.0; groups * groups],
            e: vec![0.0; m],
        }
    }

    /// Adds one time at which some group has an event of any cause.
    fn add(&mut self, time: &Time, rho: f64) {
        let (g_n, m) = (self.groups, self.groups - 1);
        let held = |g: usize| time.at_risk[g] as f64 / time.survival[g];
        let (mut total_held, mut total_free) = (0.0f64, 0.0f64);
        for g in (0..g_n).filter(|&g| time.at_risk[g] > 0) {
            total_held += held(g);
            total_free += held(g) * (1.0 - self.incidence[g]);
        }
        let d1: usize = time.cause_events.iter().sum();
        let d2: usize = time.events.iter().sum::<usize>() - d1;
        let nd1 = d1 as f64;
        let pooled_after = self.pooled + nd1 / total_held;
        let fb = (1.0 - self.pooled).powf(rho);
        // This time's weights (zero for a group not at risk), and their
        // running sums scaled by the pooled hazard.
        let hazard = nd1 / (total_held * (1.0 - self.pooled));
        for i in 0..g_n {
            for j in 0..g_n {
                let a = if time.at_risk[i] > 0 && time.at_risk[j] > 0 {
                    let delta = if i == j { 1.0 } else { 0.0 };
                    fb * held(i) * (delta - held(j) / total_held)
                } else {
                    0.0
                };
                self.weight[i * g_n + j] = a;
                if d1 > 0 && a != 0.0 {
                    self.carry[i * g_n + j] += a * hazard;
                }
            }
        }
        for i in (0..m).filter(|&i| time.at_risk[i] > 0) {
            let expected = nd1 * held(i) * (1.0 - self.incidence[i]) / total_free;
            self.score[i] += fb * (time.cause_events[i] as f64 - expected);
        }
        if d1 > 0 {
            for g in (0..g_n).filter(|&g| time.at_risk[g] > 0) {
                let w = if time.survival_after[g] > 0.0 {
                    1.0 - (1.0 - pooled_after) / time.survival_after[g]
                } else {
                    1.0
                };
                let ties = if d1 > 1 {
                    1.0 - (nd1 - 1.0) / (total_held * time.survival[g] - 1.0)
                } else {
                    1.0
                };
                let q = ties * time.survival[g] * nd1 / (total_held * time.at_risk[g] as f64);
                for i in 0..m {
                    self.e[i] = self.weight[i * g_n + g] - w * self.carry[i * g_n + g];
                }
                self.accumulate(g, w, q);
            }
        }
        if d2 > 0 {
            for g in 0..g_n {
                let other = time.events[g] - time.cause_events[g];
                if other == 0 || time.survival_after[g] <= 0.0 {
                    continue;
                }
                let n = time.at_risk[g] as f64;
                let w = (1.0 - pooled_after) / time.survival_after[g];
                let ties = if other > 1 {
                    1.0 - (other as f64 - 1.0) / (n - 1.0)
                } else {
                    1.0
                };
                let q = ties * time.survival[g] * time.survival[g] * other as f64 / (n * n);
                for i in 0..m {
                    self.e[i] = -w * self.carry[i * g_n + g];
                }
                self.accumulate(g, w, q);
            }
        }
        self.pooled = pooled_after;
        for g in (0..g_n).filter(|&g| time.at_risk[g] > 0) {
            self.incidence[g] +=
                time.survival[g] * time.cause_events[g] as f64 / time.at_risk[g] as f64;
        }
    }

    /// One group's variance term at this time: `q` times the outer product of
    /// `e`, with its pieces kept for the carried terms.
    fn accumulate(&mut self, g: usize, w: f64, q: f64) {
        let (g_n, m) = (self.groups, self.groups - 1);
        self.own[g] += w * w * q;
        let e = &self.e;
        for i in 0..m {
            self.cross[i * g_n + g] += e[i] * w * q;
            for j in 0..=i {
                self.variance[i * m + j] += e[i] * e[j] * q;
            }
        }
    }

    /// The statistic `sᵀ V⁻¹ s` on `groups − 1` degrees of freedom.
    fn test(self) -> Option<ChiSquareTest> {
        let (g_n, m) = (self.groups, self.groups - 1);
        let mut v = vec![0.0; m * m];
        for i in 0..m {
            for j in 0..=i {
                let mut x = self.variance[i * m + j];
                for g in 0..g_n {
                    let (ci, cj) = (self.carry[i * g_n + g], self.carry[j * g_n + g]);
                    x += ci * cj * self.own[g]
                        + ci * self.cross[j * g_n + g]
                        + cj * self.cross[i * g_n + g];
                }
                v[i * m + j] = x;
                v[j * m + i] = x;
            }
        }
        // R decides the rank by a QR decomposition with tolerance 1e-7; the
        // same relative tolerance on the elimination's pivots.
        let statistic = linalg::quadratic_form_solve(&v, &self.score, 1e-7)?;
        ChiSquareTest::new(statistic, m, "Gray statistic").ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TIMES: [f64; 8] = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0];
    const CAUSES: [u32; 8] = [1, 2, 0, 1, 1, 2, 1, 0];

    #[test]
    fn degenerate_input_is_refused_with_its_reason() {
        let data = CompetingRisksData::new(&TIMES, &CAUSES).unwrap();
        let config = GrayConfig::default();
        assert_eq!(gray_test(&data, &config), Err(SurvivalError::NoGroups));
        let one = data.clone().with_groups(&[0; 8]).unwrap();
        assert_eq!(
            gray_test(&one, &config),
            Err(SurvivalError::TooFewGroups { found: 1 })
        );
        let two = data.with_groups(&[0, 1, 0, 1, 0, 1, 0, 1]).unwrap();
        for rho in [f64::NAN, f64::INFINITY] {
            assert!(matches!(
                gray_test(&two, &GrayConfig { rho }),
                Err(SurvivalError::InvalidParameter { name: "rho", .. })
            ));
        }
    }

    #[test]
    fn identical_groups_score_zero() {
        let times: Vec<f64> = TIMES.iter().chain(&TIMES).copied().collect();
        let causes: Vec<u32> = CAUSES.iter().chain(&CAUSES).copied().collect();
        let groups: Vec<u32> = [0; 8].into_iter().chain([1; 8]).collect();
        let data = CompetingRisksData::new(&times, &causes)
            .unwrap()
            .with_groups(&groups)
            .unwrap();
        for rho in [0.0, 1.0] {
            for t in gray_test(&data, &GrayConfig { rho }).unwrap() {
                let test = t.test.expect("a variance");
                assert!(test.statistic.abs() < 1e-24, "cause {}: {test:?}", t.cause);
                assert_eq!(test.df, 1);
            }
        }
    }

    #[test]
    fn a_cause_seen_while_one_group_is_at_risk_has_no_test() {
        // Cause 2 occurs once, in group 0, after group 1 has left.
        let times = [1.0, 2.0, 3.0, 4.0, 5.0, 1.5, 2.5, 3.5];
        let causes = [1, 0, 1, 1, 2, 1, 0, 1];
        let groups = [0, 0, 0, 0, 0, 1, 1, 1];
        let data = CompetingRisksData::new(&times, &causes)
            .unwrap()
            .with_groups(&groups)
            .unwrap();
        let tests = gray_test(&data, &GrayConfig::default()).unwrap();
        assert!(tests[0].test.is_some());
        assert_eq!(
            tests[1],
            GrayTest {
                cause: 2,
                test: None
            }
        );
    }
}
