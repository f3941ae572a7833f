//! The permutation log-rank test: the log-rank statistic's distribution under
//! random relabelling of the groups, exact by enumeration when the relabellings
//! are few enough, Monte Carlo otherwise. Valid at any sample size, where the
//! chi-square approximation is not.
//!
//! Each subject gets the log-rank score a = δ − H(t) (event indicator less the
//! pooled Nelson-Aalen cumulative hazard at its time), so a group's observed
//! minus expected events is the sum of its members' scores, T_g. Under
//! relabelling the scores are fixed and T has mean 0 and covariance
//! Σa²/(n − 1)·(n_g·δ_gh − n_g·n_h/n); the statistic is the quadratic form
//! TᵀΣ⁻T (for two groups T₁²/Var T₁, equivalent to |T₁|). This is the test
//! `coin::logrank_test` performs.

use crate::error::SurvivalError;
use crate::linalg;
use crate::order;

/// How the permutation distribution is obtained.
///
/// ```
/// use surv_engine::permutation::PermutationConfig;
/// let config = PermutationConfig { seed: 7, ..PermutationConfig::default() };
/// assert_eq!(config.max_exact, 2_000_000);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PermutationConfig {
    /// Enumerate every relabelling when there are at most this many.
    pub max_exact: u64,
    /// Random relabellings drawn otherwise.
    pub resamples: u64,
    /// Seed of the random relabellings (the same seed gives the same p-value).
    pub seed: u64,
}

impl Default for PermutationConfig {
    fn default() -> Self {
        PermutationConfig {
            max_exact: 2_000_000,
            resamples: 100_000,
            seed: 20_240_601,
        }
    }
}

/// How a p-value was computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PermutationMethod {
    /// Every distinct relabelling was evaluated.
    Exact {
        /// Number of distinct relabellings.
        relabellings: u64,
    },
    /// Random relabellings were drawn.
    MonteCarlo {
        /// Number drawn.
        resamples: u64,
        /// The seed.
        seed: u64,
    },
}

/// A permutation log-rank test.
///
/// ```
/// use surv_engine::permutation::{permutation_log_rank, PermutationConfig, PermutationMethod};
/// let times = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0];
/// let events = [true; 8];
/// let groups = [0, 0, 0, 0, 1, 1, 1, 1];
/// let test = permutation_log_rank(&times, &events, &groups, &PermutationConfig::default()).unwrap();
/// assert_eq!(test.method, PermutationMethod::Exact { relabellings: 70 });
/// assert!((test.p_value - 2.0 / 70.0).abs() < 1e-12); // only the observed split and its mirror are as extreme
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PermutationTest {
    /// TᵀΣ⁻T for the observed labels.
    pub statistic: f64,
    /// Fraction of relabellings with a statistic at least as large.
    pub p_value: f64,
    /// Monte Carlo standard error of `p_value` (`None` when exact).
    pub mc_std_err: Option<f64>,
    /// How it was computed.
    pub method: PermutationMethod,
}

/// Statistics within this relative distance count as equal (rounding).
const TIE_TOLERANCE: f64 = 1e-10;

/// The permutation log-rank test of `groups` (codes `0..k`, each used, k ≥ 2).
pub fn permutation_log_rank(
    times: &[f64],
    events: &[bool],
    groups: &[u32],
    config: &PermutationConfig,
) -> Result<PermutationTest, SurvivalError> {
    order::validate(times, &[("events", events.len()), ("groups", groups.len())])?;
    let k = order::group_count(groups)?;
    let n = times.len();
    let mut size = vec![0usize; k];
    for &g in groups {
        size[g as usize] += 1;
    }
    if let Some(g) = size.iter().position(|&s| s == 0) {
        return Err(SurvivalError::EmptyGroup { group: g as u32 });
    }
    if k < 2 {
        return Err(SurvivalError::TooFewGroups { found: k });
    }
    if !events.iter().any(|&e| e) {
        return Err(SurvivalError::NoEvents);
    }
    let scores = log_rank_scores(times, events);
    let statistic = Statistic::new(&scores, &size)?;
    let observed = statistic.of_labels(&scores, groups);
    let threshold = observed - TIE_TOLERANCE * observed.abs().max(1.0);

    let relabellings = multinomial(&size);
    match relabellings {
        Some(count) if count <= config.max_exact => {
            let extreme = enumerate(&scores, &size, &statistic, threshold);
            Ok(PermutationTest {
                statistic: observed,
                p_value: extreme as f64 / count as f64,
                mc_std_err: None,
                method: PermutationMethod::Exact {
                    relabellings: count,
                },
            })
        }
        _ => {
            if config.resamples == 0 {
                return Err(SurvivalError::InvalidParameter {
                    name: "resamples",
                    value: 0.0,
                    expected: "at least one random relabelling",
                });
            }
            let mut rng = SplitMix64(config.seed);
            let mut labels = groups.to_vec();
            let mut extreme = 0u64;
            for _ in 0..config.resamples {
                // Fisher-Yates shuffle.
                for i in (1..n).rev() {
                    let j = rng.below(i as u64 + 1) as usize;
                    labels.swap(i, j);
                }
                if statistic.of_labels(&scores, &labels) >= threshold {
                    extreme += 1;
                }
            }
            let p = extreme as f64 / config.resamples as f64;
            Ok(PermutationTest {
                statistic: observed,
                p_value: p,
                mc_std_err: Some((p * (1.0 - p) / config.resamples as f64).sqrt()),
                method: PermutationMethod::MonteCarlo {
                    resamples: config.resamples,
                    seed: config.seed,
                },
            })
        }
    }
}

/// a = δ − H(t), H the pooled Nelson-Aalen estimate including ties at t.
fn log_rank_scores(times: &[f64], events: &[bool]) -> Vec<f64> {
    let fixed = order::merged_times(times);
    let times = fixed.as_deref().unwrap_or(times);
    let mut index: Vec<usize> = (0..times.len()).collect();
    index.sort_by(|&a, &b| times[a].total_cmp(&times[b]));
    let mut scores = vec![0.0; times.len()];
    let (mut hazard, mut at_risk, mut start) = (0.0, times.len(), 0);
    while start < index.len() {
        let t = times[index[start]];
        let end = start
            + index[start..]
                .iter()
                .take_while(|&&i| times[i] == t)
                .count();
        let deaths = index[start..end].iter().filter(|&&i| events[i]).count();
        hazard += deaths as f64 / at_risk as f64;
        for &i in &index[start..end] {
            scores[i] = f64::from(u8::from(events[i])) - hazard;
        }
        at_risk -= end - start;
        start = end;
    }
    scores
}

/// The quadratic form TᵀΣ⁻T, with Σ restricted to all groups but the last.
struct Statistic {
    k: usize,
    /// Inverse of the reduced covariance, row-major (k − 1)².
    inverse: Vec<f64>,
}

impl Statistic {
    fn new(scores: &[f64], size: &[usize]) -> Result<Statistic, SurvivalError> {
        let n = scores.len() as f64;
        let k = size.len();
        let spread: f64 = scores.iter().map(|a| a * a).sum::<f64>() / (n - 1.0);
        let m = k - 1;
        let mut cov = vec![0.0; m * m];
        for g in 0..m {
            for h in 0..m {
                let (ng, nh) = (size[g] as f64, size[h] as f64);
                cov[g * m + h] = spread * (if g == h { ng } else { 0.0 } - ng * nh / n);
            }
        }
        let chol = linalg::Cholesky::new(&cov, m, f64::EPSILON * m as f64)
            .ok_or(SurvivalError::SingularVariance)?;
        Ok(Statistic {
            k,
            inverse: chol.inverse(),
        })
    }

    fn of_sums(&self, sums: &[f64]) -> f64 {
        let m = self.k - 1;
        let mut q = 0.0;
        for g in 0..m {
            for h in 0..m {
                q += sums[g] * self.inverse[g * m + h] * sums[h];
            }
        }
        q
    }

    fn of_labels(&self, scores: &[f64], labels: &[u32]) -> f64 {
        let mut sums = vec![0.0; self.k];
        for (a, &g) in scores.iter().zip(labels) {
            sums[g as usize] += a;
        }
        self.of_sums(&sums)
    }
}

/// n! / Π n_g!, or `None` if it exceeds u64.
fn multinomial(size: &[usize]) -> Option<u64> {
    let mut total: u64 = 1;
    let mut placed = 0u64;
    for &s in size {
        for i in 1..=s as u64 {
            placed += 1;
            // total · placed / i stays whole at every step (a product of binomials).
            total = total.checked_mul(placed)? / i;
        }
    }
    Some(total)
}

/// Counts the relabellings whose statistic reaches `threshold`, by assigning
/// subjects to the groups one group at a time; the last group takes whatever is
/// left.
fn enumerate(scores: &[f64], size: &[usize], statistic: &Statistic, threshold: f64) -> u64 {
    let mut walk = Enumeration {
        scores,
        size,
        statistic,
        threshold,
        taken: vec![false; scores.len()],
        sums: vec![0.0; size.len()],
        count: 0,
    };
    walk.assign(0, 0, size[0]);
    walk.count
}

struct Enumeration<'a> {
    scores: &'a [f64],
    size: &'a [usize],
    statistic: &'a Statistic,
    threshold: f64,
    taken: Vec<bool>,
    sums: Vec<f64>,
    count: u64,
}

impl Enumeration<'_> {
    /// Chooses `left` more members of `group` from subjects `from..`.
    fn assign(&mut self, group: usize, from: usize, left: usize) {
        if left == 0 {
            if group + 2 >= self.size.len() {
                // Only the last group is left: its sum is implied (scores sum to 0).
                if self.statistic.of_sums(&self.sums) >= self.threshold {
                    self.count += 1;
                }
            } else {
                self.assign(group + 1, 0, self.size[group + 1]);
            }
            return;
        }
        let n = self.scores.len();
        for i in from..=n - left {
            if self.taken[i] {
                continue;
            }
            self.taken[i] = true;
            self.sums[group] += self.scores[i];
            self.assign(group, i + 1, left - 1);
            self.sums[group] -= self.scores[i];
            self.taken[i] = false;
        }
    }
}

/// A small, well-mixed generator (SplitMix64): reproducible from its seed.
struct SplitMix64(u64);

impl SplitMix64 {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform on 0..bound (bound > 0), without modulo bias.
    fn below(&mut self, bound: u64) -> u64 {
        let zone = u64::MAX - u64::MAX % bound;
        loop {
            let r = self.next();
            if r < zone {
                return r % bound;
            }
        }
    }
}
