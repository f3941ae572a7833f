//! Rank tests of a continuous variable between groups, as R's
//! `wilcox.test(x, y)` and `kruskal.test(x, g)` give them with their defaults.
//!
//! Tied values share the mean of their ranks. The Wilcoxon rank-sum test is
//! exact when both samples are smaller than 50 and nothing is tied, and
//! otherwise uses the normal approximation with the tie correction of the
//! variance and a continuity correction of ½, as R does.
//!
//! ```
//! use surv_engine::rank::{kruskal_wallis, wilcoxon_rank_sum};
//!
//! let x = [0.80, 0.83, 1.89, 1.04, 1.45, 1.38, 1.91, 1.64, 0.73, 1.46];
//! let y = [1.15, 0.88, 0.90, 0.74, 1.21];
//! let w = wilcoxon_rank_sum(&x, &y)?;
//! assert!(w.exact);
//! assert_eq!(w.statistic, 35.0);
//! assert!((w.p_value - 0.254412254412254).abs() < 1e-14); // wilcox.test(x, y)
//!
//! let values = [0.80, 0.83, 1.89, 1.15, 0.88, 0.90, 2.1, 0.5, 1.3];
//! let groups = [0, 0, 0, 1, 1, 1, 2, 2, 2];
//! let k = kruskal_wallis(&values, &groups)?;
//! assert_eq!(k.df, 2);
//! # Ok::<(), surv_engine::SurvivalError>(())
//! ```

use statrs::distribution::{ContinuousCDF, Normal};

use crate::chisq::ChiSquareTest;
use crate::error::SurvivalError;

/// The Wilcoxon rank-sum (Mann-Whitney) test of two samples.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct WilcoxonTest {
    /// R's W: the rank sum of the first sample minus its least possible value.
    pub statistic: f64,
    /// Two-sided p-value.
    pub p_value: f64,
    /// Whether the p-value is exact (both samples under 50, no ties) or from
    /// the normal approximation.
    pub exact: bool,
}

/// Samples of this size and above get the normal approximation, as in R.
const EXACT_BELOW: usize = 50;

/// The two-sided Wilcoxon rank-sum test of `x` against `y`, as
/// `wilcox.test(x, y)`.
pub fn wilcoxon_rank_sum(x: &[f64], y: &[f64]) -> Result<WilcoxonTest, SurvivalError> {
    if x.is_empty() || y.is_empty() {
        return Err(SurvivalError::EmptyGroup {
            group: u32::from(!x.is_empty()),
        });
    }
    let values: Vec<f64> = x.iter().chain(y).copied().collect();
    let ranked = Ranks::of(&values)?;
    let (m, n) = (x.len(), y.len());
    let (mf, nf) = (m as f64, n as f64);
    let rank_sum: f64 = ranked.ranks[..m].iter().sum();
    let statistic = rank_sum - mf * (mf + 1.0) / 2.0;
    let exact = m < EXACT_BELOW && n < EXACT_BELOW && !ranked.has_ties();
    let p_value = if exact {
        exact_p_value(statistic as usize, m, n)
    } else {
        let total = mf + nf;
        let sigma =
            ((mf * nf / 12.0) * ((total + 1.0) - ranked.tie_sum / (total * (total - 1.0)))).sqrt();
        let z = statistic - mf * nf / 2.0;
        let z = (z - 0.5 * z.signum()) / sigma;
        if !z.is_finite() {
            return Err(SurvivalError::NotFinite {
                what: "Wilcoxon statistic",
            });
        }
        let normal = Normal::standard();
        (2.0 * normal.cdf(z).min(normal.sf(z))).min(1.0)
    };
    Ok(WilcoxonTest {
        statistic,
        p_value,
        exact,
    })
}

/// The Kruskal-Wallis test of `values` across the groups coded in `groups`,
/// as `kruskal.test(values, factor(groups))`: codes without observations are
/// not groups; k groups give k − 1 degrees of freedom.
pub fn kruskal_wallis(values: &[f64], groups: &[u32]) -> Result<ChiSquareTest, SurvivalError> {
    if values.len() != groups.len() {
        return Err(SurvivalError::LengthMismatch {
            column: "groups",
            expected: values.len(),
            found: groups.len(),
        });
    }
    if values.is_empty() {
        return Err(SurvivalError::Empty);
    }
    let ranked = Ranks::of(values)?;
    let n_codes = groups.iter().max().map_or(0, |&g| g as usize + 1);
    let mut sums = vec![0.0; n_codes];
    let mut sizes = vec![0usize; n_codes];
    for (&g, &r) in groups.iter().zip(&ranked.ranks) {
        sums[g as usize] += r;
        sizes[g as usize] += 1;
    }
    let k = sizes.iter().filter(|&&s| s > 0).count();
    if k < 2 {
        return Err(SurvivalError::TooFewGroups { found: k });
    }
    let n = values.len() as f64;
    let between: f64 = sums
        .iter()
        .zip(&sizes)
        .filter(|&(_, &s)| s > 0)
        .map(|(&sum, &s)| sum * sum / s as f64)
        .sum();
    let statistic = (12.0 * between / (n * (n + 1.0)) - 3.0 * (n + 1.0))
        / (1.0 - ranked.tie_sum / (n * n * n - n));
    ChiSquareTest::new(statistic, k - 1, "Kruskal-Wallis statistic")
}

/// Mid-ranks of a sample (1-based, ties sharing their mean rank) and the
/// tie term Σ (t³ − t) over groups of t equal values.
struct Ranks {
    ranks: Vec<f64>,
    tie_sum: f64,
}

impl Ranks {
    fn of(values: &[f64]) -> Result<Ranks, SurvivalError> {
        if let Some((index, &value)) = values.iter().enumerate().find(|(_, v)| !v.is_finite()) {
            return Err(SurvivalError::InvalidObservation { index, value });
        }
        let mut order: Vec<usize> = (0..values.len()).collect();
        order.sort_unstable_by(|&a, &b| values[a].total_cmp(&values[b]));
        let mut ranks = vec![0.0; values.len()];
        let mut tie_sum = 0.0;
        let mut start = 0;
        while start < order.len() {
            let value = values[order[start]];
            let end = start
                + order[start..]
                    .iter()
                    .take_while(|&&i| values[i] == value)
                    .count();
            // Ranks start+1 ..= end share their mean.
            let mid = (start + 1 + end) as f64 / 2.0;
            for &i in &order[start..end] {
                ranks[i] = mid;
            }
            let t = (end - start) as f64;
            tie_sum += t * t * t - t;
            start = end;
        }
        Ok(Ranks { ranks, tie_sum })
    }

    fn has_ties(&self) -> bool {
        self.tie_sum > 0.0
    }
}

/// The exact two-sided p-value of W = `statistic` for samples of `m` and `n`
/// without ties: twice the tail W lies in, as R takes it (the upper tail when
/// W is above its mean m·n/2), at most 1.
fn exact_p_value(statistic: usize, m: usize, n: usize) -> f64 {
    let counts = rank_sum_counts(m, n);
    let total: f64 = counts.iter().sum();
    let tail: f64 = if 2 * statistic > m * n {
        counts[statistic..].iter().sum()
    } else {
        counts[..=statistic].iter().sum()
    };
    (2.0 * tail / total).min(1.0)
}

/// How many ways each W = 0..=m·n arises when m of the ranks 1..=m+n are
/// drawn: a subset whose j-th smallest rank is i adds i − j to W. Only
/// additions, so the counts are exact in floating point for the sizes that
/// reach here (below 50 each, at most C(98, 49) ≈ 2.5e28 subsets, with the
/// relative precision of a double).
fn rank_sum_counts(m: usize, n: usize) -> Vec<f64> {
    let width = m * n + 1;
    // ways[j][w]: subsets of size j of the ranks seen so far with W-part w.
    let mut ways = vec![vec![0.0; width]; m + 1];
    ways[0][0] = 1.0;
    for i in 1..=m + n {
        for j in (1..=m.min(i)).rev() {
            if i - j > n {
                continue;
            }
            let shift = i - j;
            let (below, here) = ways.split_at_mut(j);
            let from = &below[j - 1];
            let to = &mut here[0];
            for w in (0..width - shift).rev() {
                to[w + shift] += from[w];
            }
        }
    }
    ways.swap_remove(m)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn binomial(n: u64, k: u64) -> f64 {
        (0..k).fold(1.0, |acc, i| acc * (n - i) as f64 / (i + 1) as f64)
    }

    #[test]
    fn the_exact_counts_cover_every_subset_and_are_symmetric() {
        for (m, n) in [(1, 1), (3, 4), (7, 2), (12, 15)] {
            let counts = rank_sum_counts(m, n);
            let total: f64 = counts.iter().sum();
            assert!((total - binomial((m + n) as u64, m as u64)).abs() < 1e-6 * total);
            for w in 0..=m * n {
                assert_eq!(counts[w], counts[m * n - w], "m={m} n={n} w={w}");
            }
        }
        // m = 2, n = 2: W = 0,1,2,2,3,4 over the six subsets.
        assert_eq!(rank_sum_counts(2, 2), [1.0, 1.0, 2.0, 1.0, 1.0]);
    }

    #[test]
    fn ties_share_their_mean_rank() {
        let r = Ranks::of(&[3.0, 1.0, 3.0, 2.0, 3.0]).unwrap();
        assert_eq!(r.ranks, [4.0, 1.0, 4.0, 2.0, 4.0]);
        assert_eq!(r.tie_sum, 24.0);
    }

    #[test]
    fn bad_observations_and_groups_are_refused() {
        assert!(matches!(
            wilcoxon_rank_sum(&[1.0, f64::NAN], &[2.0]),
            Err(SurvivalError::InvalidObservation { index: 1, .. })
        ));
        assert_eq!(
            wilcoxon_rank_sum(&[], &[2.0]),
            Err(SurvivalError::EmptyGroup { group: 0 })
        );
        assert_eq!(
            kruskal_wallis(&[1.0, 2.0], &[3, 3]),
            Err(SurvivalError::TooFewGroups { found: 1 })
        );
        // All values equal: the normal approximation has no variance.
        assert!(matches!(
            wilcoxon_rank_sum(&[1.0; 60], &[1.0; 3]),
            Err(SurvivalError::NotFinite { .. })
        ));
    }
}
