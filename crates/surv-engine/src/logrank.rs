//! Tests between survival curves: the G-rho family of R's `survdiff` (rho = 0 the
//! log-rank test, rho = 1 the Peto-Peto modification of the Wilcoxon test),
//! optionally stratified, and the log-rank test for trend.
//!
//! One sort, then one pass over each stratum's distinct times. At an event time
//! the work is over groups, never over subjects: O(n log n + D·k²) for D event
//! times and k groups.

use crate::chisq::ChiSquareTest;
use crate::data::{RowFeature, SurvivalData};
use crate::error::SurvivalError;
use crate::linalg;
use crate::order::{Cells, Tally};

/// The weighting of a G-rho test.
///
/// ```
/// use surv_engine::LogRankConfig;
/// assert_eq!(LogRankConfig::default().rho, 0.0); // the log-rank test
/// let peto = LogRankConfig { rho: 1.0 };
/// # let _ = peto;
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct LogRankConfig {
    /// Weight exponent: each event time is weighted by S(t−)^rho, S the pooled
    /// Kaplan-Meier of its stratum; 0 gives the log-rank test, 1 the
    /// Peto-Peto modification of the Wilcoxon test.
    pub rho: f64,
}

impl LogRankConfig {
    pub(crate) fn check(&self) -> Result<(), SurvivalError> {
        if self.rho.is_finite() {
            Ok(())
        } else {
            Err(SurvivalError::InvalidParameter {
                name: "rho",
                value: self.rho,
                expected: "a finite number",
            })
        }
    }
}

/// A G-rho test between k ≥ 2 groups, as `survdiff` reports it.
///
/// ```
/// use surv_engine::{log_rank, LogRankConfig, SurvivalData};
/// let data = SurvivalData::new(&[1.0, 2.0, 3.0, 4.0], &[true; 4])
///     .and_then(|d| d.with_groups(&[0, 1, 0, 1]))
///     .unwrap();
/// let test = log_rank(&data, &LogRankConfig { rho: 1.0 }).unwrap();
/// assert_eq!(test.rho, 1.0);
/// assert_eq!(test.n, [2, 2]);
/// assert!((test.expected.iter().sum::<f64>() - test.observed.iter().sum::<f64>()).abs() < 1e-12);
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct LogRank {
    /// The weight exponent: each event time is weighted by S(t−)^rho, S the pooled
    /// Kaplan-Meier of its stratum.
    pub rho: f64,
    /// Subjects per group.
    pub n: Vec<usize>,
    /// Observed events per group, weighted (integers when rho = 0), summed over strata.
    pub observed: Vec<f64>,
    /// Expected events per group under the null hypothesis, summed over strata.
    pub expected: Vec<f64>,
    /// The k × k variance matrix of observed − expected, row-major.
    pub variance: Vec<f64>,
    /// The chi-square statistic.
    pub statistic: f64,
    /// Degrees of freedom: groups with expected > 0, minus one.
    pub df: usize,
    /// Upper-tail p-value of `chisq` on `df` degrees of freedom.
    pub p_value: f64,
}

/// Below this fraction of the size of its terms, cᵀVc is taken as zero.
const TREND_SINGULAR_REL: f64 = 1e-10;

/// The log-rank test for trend across ordered groups.
///
/// ```
/// use surv_engine::{log_rank, LogRankConfig, SurvivalData};
/// let data = SurvivalData::new(&[1.0, 2.0, 3.0, 4.0, 5.0, 6.0], &[true; 6])
///     .and_then(|d| d.with_groups(&[2, 2, 1, 1, 0, 0]))
///     .unwrap();
/// let trend = log_rank(&data, &LogRankConfig::default()).unwrap().trend(&[0.0, 1.0, 2.0]).unwrap();
/// assert!(trend.u > 0.0 && trend.p_value < 0.05);
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Trend {
    /// The score of each group.
    pub scores: Vec<f64>,
    /// Σ score·(observed − expected).
    pub u: f64,
    /// Its variance, scoresᵀ V scores.
    pub variance: f64,
    /// u² / variance.
    pub statistic: f64,
    /// Degrees of freedom: 1.
    pub df: usize,
    /// Upper-tail p-value.
    pub p_value: f64,
}

/// Compares the groups of `data` (k ≥ 2) within its strata, if any, weighting
/// each event time as `config` says.
///
/// ```
/// use surv_engine::{log_rank, LogRankConfig, SurvivalData};
/// let times = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0];
/// let events = [true, true, true, true, false, true];
/// let arm = [0, 0, 0, 1, 1, 1];
/// let data = SurvivalData::new(&times, &events).and_then(|d| d.with_groups(&arm)).unwrap();
/// let test = log_rank(&data, &LogRankConfig::default()).unwrap();
/// assert_eq!(test.df, 1);
/// assert_eq!(test.observed, [3.0, 2.0]);
/// assert!(test.p_value > 0.0 && test.p_value < 0.1);
/// ```
pub fn log_rank(data: &SurvivalData, config: &LogRankConfig) -> Result<LogRank, SurvivalError> {
    // R's survdiff takes neither (start, stop] rows nor weights.
    data.refuse(
        "log-rank test",
        &[RowFeature::Entry, RowFeature::Weights, RowFeature::Clusters],
    )?;
    config.check()?;
    let groups = data.require_groups()?;
    let k = data.n_groups();
    if k < 2 {
        return Err(SurvivalError::TooFewGroups { found: k });
    }
    let n_strata = data.n_strata();
    let cells = match data.strata() {
        Some(s) => Cells::new(
            data.times(),
            data.events(),
            |i| s[i] as usize * k + groups[i] as usize,
            n_strata * k,
        ),
        None => Cells::new(data.times(), data.events(), |i| groups[i] as usize, k),
    };
    let Sums {
        observed,
        expected,
        variance,
    } = accumulate(&cells, k, n_strata, config.rho);

    let test = chi_square(&observed, &expected, &variance, k)?;
    Ok(LogRank {
        rho: config.rho,
        n: data.group_sizes().to_vec(),
        observed,
        expected,
        variance,
        statistic: test.statistic,
        df: test.df,
        p_value: test.p_value,
    })
}

/// Observed, expected and variance summed over strata.
pub(crate) struct Sums {
    pub observed: Vec<f64>,
    pub expected: Vec<f64>,
    pub variance: Vec<f64>,
}

/// The sums of one stratum whose rows carry group codes below `k`, some of
/// which may have no rows (a site that saw only some of the groups).
pub(crate) fn stratum_sums(data: &SurvivalData, groups: &[u32], k: usize, rho: f64) -> Sums {
    let cells = Cells::new(data.times(), data.events(), |i| groups[i] as usize, k);
    accumulate(&cells, k, 1, rho)
}

/// The test from sums over strata (of one data set or of several sites).
pub(crate) fn from_sums(rho: f64, n: Vec<usize>, sums: Sums) -> Result<LogRank, SurvivalError> {
    let k = n.len();
    let test = chi_square(&sums.observed, &sums.expected, &sums.variance, k)?;
    Ok(LogRank {
        rho,
        n,
        observed: sums.observed,
        expected: sums.expected,
        variance: sums.variance,
        statistic: test.statistic,
        df: test.df,
        p_value: test.p_value,
    })
}

/// One pass over each stratum's distinct times; cell `s·k + g` holds stratum
/// `s`, group `g`.
fn accumulate(cells: &Cells, k: usize, n_strata: usize, rho: f64) -> Sums {
    // Two groups, by far the common case, get a copy whose loops over the
    // groups the compiler unrolls; the sums are the same operations in the same
    // order, so the results are identical.
    match k {
        2 => accumulate_groups::<2>(cells, k, n_strata, rho),
        _ => accumulate_groups::<0>(cells, k, n_strata, rho),
    }
}

/// [`accumulate`] for `K` groups, or for any `k` when `K` is 0.
fn accumulate_groups<const K: usize>(cells: &Cells, k: usize, n_strata: usize, rho: f64) -> Sums {
    let k = if K == 0 { k } else { K };
    let mut observed = vec![0.0; k];
    let mut expected = vec![0.0; k];
    let mut variance = vec![0.0; k * k];
    let mut at_risk = vec![0usize; k];
    let mut tally = vec![Tally::default(); k];
    let mut shares = vec![0.0; k];
    let shares = &mut shares[..k];
    let (observed_k, expected_k, variance_k) = (
        &mut observed[..k],
        &mut expected[..k],
        &mut variance[..k * k],
    );
    let (at_risk, tally) = (&mut at_risk[..k], &mut tally[..k]);
    for stratum in 0..n_strata {
        for (g, a) in at_risk.iter_mut().enumerate() {
            *a = cells.size(stratum * k + g);
        }
        let mut total: usize = at_risk.iter().sum();
        let mut pooled_survival = 1.0f64;
        let mut walk = cells.walk(stratum * k, k);
        while walk.next_time(tally).is_some() {
            let d_total: usize = tally.iter().map(|t| t.events).sum();
            // No branch on whether anyone died: with continuous times that is
            // a coin toss per time. A time without deaths adds exact zeros
            // (d = 0 makes every term 0), so the sums are the same.
            let weight = if rho == 0.0 {
                1.0
            } else {
                pooled_survival.powf(rho)
            };
            let (nr, d) = (real(total), real(d_total));
            let hypergeometric = if total > 1 {
                weight * weight * d * (nr - d) / (nr - 1.0)
            } else {
                0.0
            };
            // Each group's share of the risk set, divided once per time.
            for (share, &r) in shares.iter_mut().zip(at_risk.iter()) {
                *share = real(r) / nr;
            }
            for g in 0..k {
                observed_k[g] += weight * real(tally[g].events);
                if at_risk[g] == 0 {
                    continue;
                }
                let share = shares[g];
                expected_k[g] += weight * d * share;
                let row = &mut variance_k[g * k..(g + 1) * k];
                row[g] += hypergeometric * share;
                for h in 0..k {
                    if at_risk[h] > 0 {
                        row[h] -= hypergeometric * share * shares[h];
                    }
                }
            }
            // Only the weights of the G-rho family need the pooled curve.
            if rho != 0.0 {
                pooled_survival *= (nr - d) / nr;
            }
            for (a, t) in at_risk.iter_mut().zip(tally.iter()) {
                *a -= t.events + t.censored;
                total -= t.events + t.censored;
            }
        }
    }
    Sums {
        observed,
        expected,
        variance,
    }
}

/// A count as a real number: through `i64`, which x86-64 converts in one
/// instruction where `usize` takes several. Counts of rows are far below
/// 2^63, so the value is the same.
#[inline]
fn real(count: usize) -> f64 {
    count as i64 as f64
}

impl LogRank {
    /// Entry (i, j) of the variance matrix.
    ///
    /// ```
    /// use surv_engine::{log_rank, LogRankConfig, SurvivalData};
    /// let data = SurvivalData::new(&[1.0, 2.0, 3.0], &[true; 3]).and_then(|d| d.with_groups(&[0, 1, 1])).unwrap();
    /// let test = log_rank(&data, &LogRankConfig::default()).unwrap();
    /// assert_eq!(test.variance_at(0, 1), test.variance_at(1, 0));
    /// assert!((test.variance_at(0, 0) + test.variance_at(0, 1)).abs() < 1e-15);
    /// ```
    pub fn variance_at(&self, i: usize, j: usize) -> f64 {
        self.variance[i * self.n.len() + j]
    }

    /// The test for trend with `scores` (one per group, in group order), from this
    /// test's observed, expected and variance: (Σ c(O − E))² / cᵀVc on 1 df.
    ///
    /// ```
    /// use surv_engine::{log_rank, LogRankConfig, SurvivalData};
    /// let times = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0];
    /// let events = [true; 6];
    /// let data = SurvivalData::new(&times, &events).and_then(|d| d.with_groups(&[0, 0, 1, 1, 2, 2])).unwrap();
    /// let test = log_rank(&data, &LogRankConfig::default()).unwrap();
    /// let trend = test.trend(&[1.0, 2.0, 3.0]).unwrap();
    /// assert!(trend.u < 0.0); // later groups die later: fewer deaths than expected
    /// ```
    pub fn trend(&self, scores: &[f64]) -> Result<Trend, SurvivalError> {
        let k = self.n.len();
        if scores.len() != k {
            return Err(SurvivalError::LengthMismatch {
                column: "scores",
                expected: k,
                found: scores.len(),
            });
        }
        if let Some(&bad) = scores.iter().find(|s| !s.is_finite()) {
            return Err(SurvivalError::InvalidParameter {
                name: "scores",
                value: bad,
                expected: "finite numbers",
            });
        }
        let u: f64 = (0..k)
            .map(|g| scores[g] * (self.observed[g] - self.expected[g]))
            .sum();
        let (mut v, mut magnitude) = (0.0, 0.0);
        for g in 0..k {
            for h in 0..k {
                let term = scores[g] * self.variance_at(g, h) * scores[h];
                v += term;
                magnitude += term.abs();
            }
        }
        // Equal scores (or scores on groups never at risk together) leave only
        // rounding noise: no trend can be tested.
        if v <= magnitude * TREND_SINGULAR_REL {
            return Err(SurvivalError::SingularVariance);
        }
        let test = ChiSquareTest::new(u * u / v, 1, "trend statistic")?;
        Ok(Trend {
            scores: scores.to_vec(),
            u,
            variance: v,
            statistic: test.statistic,
            df: 1,
            p_value: test.p_value,
        })
    }
}

/// The chi-square over groups with expected > 0, leaving out the first of them
/// (the variance matrix has rank k − 1).
fn chi_square(
    observed: &[f64],
    expected: &[f64],
    variance: &[f64],
    k: usize,
) -> Result<ChiSquareTest, SurvivalError> {
    let kept: Vec<usize> = (0..k).filter(|&g| expected[g] > 0.0).collect();
    match kept.len() {
        0 => Err(SurvivalError::NoEvents),
        1 => ChiSquareTest::new(0.0, 0, "log-rank statistic"),
        m => {
            let free = &kept[1..];
            let u: Vec<f64> = free.iter().map(|&g| observed[g] - expected[g]).collect();
            let matrix: Vec<f64> = free
                .iter()
                .flat_map(|&g| free.iter().map(move |&h| variance[g * k + h]))
                .collect();
            // Pivots below rounding level (relative to the largest variance) mean
            // the groups carry no independent information.
            let tolerance = f64::EPSILON * (m - 1) as f64;
            let chisq = linalg::quadratic_form_inverse(&matrix, &u, tolerance)
                .ok_or(SurvivalError::SingularVariance)?;
            ChiSquareTest::new(chisq, m - 1, "log-rank statistic")
        }
    }
}
