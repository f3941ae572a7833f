//! Tests of independence in a table of counts (a categorical variable by
//! group), as R's `chisq.test(correct = FALSE)` and `fisher.test` give them.
//!
//! Fisher's test sums the probabilities of every table with the observed
//! margins that is no more likely than the observed one. The tables are
//! enumerated exactly while there are at most [`FisherConfig::max_tables`] of
//! them; beyond that (where R's `fisher.test` stops with a workspace error) the
//! p-value is estimated from random tables with the same margins, seeded, and
//! the result says so.
//!
//! ```
//! use surv_engine::contingency::{ContingencyTable, FisherConfig, FisherMethod};
//!
//! // Sex by treatment: 3 of 10 women and 12 of 14 men treated.
//! let table = ContingencyTable::from_rows(&[[3, 7], [12, 2]])?;
//! assert!(table.expected_min() < 5.0); // gtsummary would use Fisher's test here
//! let fisher = table.fisher(&FisherConfig::default())?;
//! assert_eq!(fisher.method, FisherMethod::Exact);
//! assert!((fisher.p_value - 0.010372434807).abs() < 1e-12); // fisher.test
//! assert!((table.pearson()?.statistic - 7.725714).abs() < 1e-6); // chisq.test(correct = FALSE)
//! # Ok::<(), surv_engine::SurvivalError>(())
//! ```

use crate::chisq::ChiSquareTest;
use crate::error::SurvivalError;

mod network;
mod simulated;

/// A two-way table of counts: at least two rows and two columns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContingencyTable {
    n_rows: usize,
    n_cols: usize,
    /// Row-major.
    counts: Vec<u64>,
}

/// How Fisher's test is computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FisherConfig {
    /// The most steps of the exact walk (partial tables extended or summed);
    /// beyond it, Monte Carlo. The default keeps the exact walk under a
    /// second or so, and reaches tables R's default workspace cannot.
    pub max_tables: u64,
    /// Random tables drawn when the exact computation is out of reach.
    pub replicates: u64,
    /// Seed of the random tables (the same seed gives the same p-value).
    pub seed: u64,
}

impl Default for FisherConfig {
    fn default() -> Self {
        FisherConfig {
            max_tables: 6_000_000,
            replicates: 10_000,
            seed: 20_211_127,
        }
    }
}

/// How a Fisher p-value was obtained.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum FisherMethod {
    /// Every table with the observed margins was enumerated (as R computes it).
    Exact,
    /// Too many tables to enumerate: estimated as R's
    /// `fisher.test(simulate.p.value = TRUE)` does, `(1 + k) / (B + 1)`.
    MonteCarlo {
        /// Random tables drawn (B).
        replicates: u64,
        /// Their seed.
        seed: u64,
    },
}

/// Fisher's exact test of independence.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct FisherTest {
    /// Two-sided p-value: the probability of a table no more likely than the
    /// observed one.
    pub p_value: f64,
    /// Exact, or estimated from random tables.
    pub method: FisherMethod,
}

/// Tables whose probability is within this factor of the observed one count
/// as equally likely, as R's `fisher.test` does (its `relErr`): otherwise
/// rounding would decide ties between mirror-image tables.
const RELATIVE_TIE: f64 = 1e-7;

impl ContingencyTable {
    /// A table of `n_rows × n_cols` counts given row by row.
    pub fn new(n_rows: usize, n_cols: usize, counts: Vec<u64>) -> Result<Self, SurvivalError> {
        if n_rows < 2 || n_cols < 2 {
            return Err(SurvivalError::InvalidTable {
                reason: "needs at least two rows and two columns",
            });
        }
        if n_rows.checked_mul(n_cols) != Some(counts.len()) {
            return Err(SurvivalError::InvalidTable {
                reason: "has a number of cells other than rows × columns",
            });
        }
        if counts.iter().all(|&c| c == 0) {
            return Err(SurvivalError::InvalidTable {
                reason: "holds no counts",
            });
        }
        Ok(ContingencyTable {
            n_rows,
            n_cols,
            counts,
        })
    }

    /// A table from its rows, which must all have the same length.
    pub fn from_rows<R: AsRef<[u64]>>(rows: &[R]) -> Result<Self, SurvivalError> {
        let n_cols = rows.first().map_or(0, |r| r.as_ref().len());
        if rows.iter().any(|r| r.as_ref().len() != n_cols) {
            return Err(SurvivalError::InvalidTable {
                reason: "has rows of different lengths",
            });
        }
        let counts = rows
            .iter()
            .flat_map(|r| r.as_ref().iter().copied())
            .collect();
        ContingencyTable::new(rows.len(), n_cols, counts)
    }

    /// The row totals.
    pub fn row_sums(&self) -> Vec<u64> {
        self.counts
            .chunks(self.n_cols)
            .map(|row| row.iter().sum())
            .collect()
    }

    /// The column totals.
    pub fn col_sums(&self) -> Vec<u64> {
        let mut sums = vec![0; self.n_cols];
        for row in self.counts.chunks(self.n_cols) {
            for (s, &c) in sums.iter_mut().zip(row) {
                *s += c;
            }
        }
        sums
    }

    /// The total count.
    pub fn total(&self) -> u64 {
        self.counts.iter().sum()
    }

    /// The smallest count expected under independence (row total × column
    /// total / total): gtsummary takes Fisher's test when it is below 5.
    pub fn expected_min(&self) -> f64 {
        let n = self.total() as f64;
        let row_min = self.row_sums().into_iter().min().unwrap_or(0) as f64;
        let col_min = self.col_sums().into_iter().min().unwrap_or(0) as f64;
        row_min * col_min / n
    }

    /// Pearson's χ² test without continuity correction, as
    /// `chisq.test(x, correct = FALSE)`: (r − 1)(c − 1) degrees of freedom. A
    /// row or column without counts leaves it undefined
    /// ([`SurvivalError::NotFinite`]), where R gives NaN.
    pub fn pearson(&self) -> Result<ChiSquareTest, SurvivalError> {
        let n = self.total() as f64;
        let rows = self.row_sums();
        let cols = self.col_sums();
        let mut statistic = 0.0;
        for (row, &r) in self.counts.chunks(self.n_cols).zip(&rows) {
            for (&observed, &c) in row.iter().zip(&cols) {
                let expected = r as f64 * c as f64 / n;
                let d = observed as f64 - expected;
                statistic += d * d / expected;
            }
        }
        ChiSquareTest::new(
            statistic,
            (self.n_rows - 1) * (self.n_cols - 1),
            "chi-square statistic",
        )
    }

    /// Fisher's exact test, two-sided, as `fisher.test(x)`: exact while the
    /// tables with these margins number at most `config.max_tables`, otherwise
    /// estimated from `config.replicates` random tables.
    pub fn fisher(&self, config: &FisherConfig) -> Result<FisherTest, SurvivalError> {
        if config.replicates == 0 {
            return Err(SurvivalError::InvalidParameter {
                name: "replicates",
                value: 0.0,
                expected: "at least 1",
            });
        }
        let rows = self.row_sums();
        let cols = self.col_sums();
        let n = self.total();
        let ln_factorial = ln_factorials(n);
        let lf = |k: u64| ln_factorial[k as usize];
        // log P(table) = constant + core, core = −Σ ln(cell!).
        let constant = rows.iter().map(|&r| lf(r)).sum::<f64>()
            + cols.iter().map(|&c| lf(c)).sum::<f64>()
            - lf(n);
        let observed: f64 = -self.counts.iter().map(|&c| lf(c)).sum::<f64>();
        let threshold = observed + RELATIVE_TIE.ln_1p();
        // The walk fills one column at a time into the rows: with the shorter
        // margin as rows, each fill has far fewer ways (a 6 × 2 table walks
        // as 2 × 6). The p-value does not depend on the orientation.
        let (walk_rows, walk_cols) = if rows.len() <= cols.len() {
            (&rows, &cols)
        } else {
            (&cols, &rows)
        };
        let network = network::Network {
            ln_factorial: &ln_factorial,
            rows: walk_rows,
            cols: walk_cols,
            threshold,
            constant,
            max_steps: config.max_tables,
        };
        if let Some(p_value) = network.p_value() {
            return Ok(FisherTest {
                p_value: p_value.clamp(0.0, 1.0),
                method: FisherMethod::Exact,
            });
        }
        let p_value = simulated::monte_carlo(&rows, &cols, &ln_factorial, threshold, config);
        Ok(FisherTest {
            p_value,
            method: FisherMethod::MonteCarlo {
                replicates: config.replicates,
                seed: config.seed,
            },
        })
    }
}

/// ln(k!) for k = 0..=n, by summing logarithms (exact to rounding, which
/// stays far below the tolerance of the tests).
fn ln_factorials(n: u64) -> Vec<f64> {
    let mut table = Vec::with_capacity(n as usize + 1);
    let mut acc = 0.0;
    table.push(0.0);
    for k in 1..=n {
        acc += (k as f64).ln();
        table.push(acc);
    }
    table
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A 2×3 table against brute force: every first row with the margins,
    /// its probability, and the sum over those no more likely than observed.
    #[test]
    fn the_exact_p_value_is_the_sum_over_tables_no_more_likely() {
        let observed = [[2u64, 3, 1], [4, 0, 5]];
        let table = ContingencyTable::from_rows(&observed).unwrap();
        let cols = table.col_sums();
        let lf = ln_factorials(table.total());
        let ln_p = |first: [u64; 3]| {
            let second: Vec<u64> = cols.iter().zip(first).map(|(c, a)| c - a).collect();
            let rows = [first.iter().sum::<u64>(), second.iter().sum::<u64>()];
            rows.iter().map(|&r| lf[r as usize]).sum::<f64>()
                + cols.iter().map(|&c| lf[c as usize]).sum::<f64>()
                - lf[table.total() as usize]
                - first
                    .iter()
                    .chain(&second)
                    .map(|&k| lf[k as usize])
                    .sum::<f64>()
        };
        let p_observed = ln_p(observed[0]).exp();
        let (mut all, mut as_extreme, mut tables) = (0.0, 0.0, 0);
        for a in 0..=cols[0] {
            for b in 0..=cols[1] {
                let Some(c) = 6u64.checked_sub(a + b).filter(|&c| c <= cols[2]) else {
                    continue;
                };
                tables += 1;
                let p = ln_p([a, b, c]).exp();
                all += p;
                if p <= p_observed * (1.0 + 1e-7) {
                    as_extreme += p;
                }
            }
        }
        assert!(tables > 10);
        assert!((all - 1.0).abs() < 1e-12);
        let fisher = table.fisher(&FisherConfig::default()).unwrap();
        assert_eq!(fisher.method, FisherMethod::Exact);
        assert!(
            (fisher.p_value - as_extreme).abs() < 1e-14,
            "{} {as_extreme}",
            fisher.p_value
        );
    }

    #[test]
    fn a_table_too_large_to_enumerate_is_estimated_and_says_so() {
        let table = ContingencyTable::from_rows(&[[20, 15, 10], [5, 25, 12], [9, 14, 30]]).unwrap();
        let small = FisherConfig {
            max_tables: 10,
            ..FisherConfig::default()
        };
        let estimated = table.fisher(&small).unwrap();
        assert_eq!(
            estimated.method,
            FisherMethod::MonteCarlo {
                replicates: small.replicates,
                seed: small.seed
            }
        );
        let exact = table.fisher(&FisherConfig::default()).unwrap();
        assert_eq!(exact.method, FisherMethod::Exact);
        // 10 000 replicates: the estimate is within a few standard errors.
        let se = (exact.p_value * (1.0 - exact.p_value) / 10_000.0).sqrt();
        assert!((estimated.p_value - exact.p_value).abs() < 4.0 * se + 1e-4);
        // Seeded: the same again.
        assert_eq!(table.fisher(&small).unwrap(), estimated);
    }

    #[test]
    fn degenerate_tables_are_refused() {
        assert!(matches!(
            ContingencyTable::from_rows(&[[1, 2]]),
            Err(SurvivalError::InvalidTable { .. })
        ));
        assert!(matches!(
            ContingencyTable::from_rows(&[vec![1, 2], vec![3]]),
            Err(SurvivalError::InvalidTable { .. })
        ));
        assert!(matches!(
            ContingencyTable::from_rows(&[[0, 0], [0, 0]]),
            Err(SurvivalError::InvalidTable { .. })
        ));
        let zero_column = ContingencyTable::from_rows(&[[1, 0], [3, 0]]).unwrap();
        assert!(matches!(
            zero_column.pearson(),
            Err(SurvivalError::NotFinite { .. })
        ));
        // Fisher is defined there: only one table has those margins.
        let p = zero_column
            .fisher(&FisherConfig::default())
            .unwrap()
            .p_value;
        assert!((p - 1.0).abs() < 1e-12);
    }
}
