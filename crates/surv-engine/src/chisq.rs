//! Chi-square tests: a statistic, its degrees of freedom and its upper-tail
//! p-value, the shape every test of this crate reports.

use statrs::distribution::{ChiSquared, ContinuousCDF};

use crate::error::SurvivalError;

/// A chi-square test statistic with its p-value; always finite.
///
/// ```
/// use surv_engine::ChiSquareTest;
/// let t = ChiSquareTest::new(3.841458820694124, 1, "example").unwrap();
/// assert!((t.p_value - 0.05).abs() < 1e-12);
/// assert!(ChiSquareTest::new(f64::NAN, 1, "example").is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct ChiSquareTest {
    /// The statistic.
    pub statistic: f64,
    /// Degrees of freedom.
    pub df: usize,
    /// Upper-tail p-value (1 when `df` is 0: no test).
    pub p_value: f64,
}

impl ChiSquareTest {
    /// The test of `statistic` on `df` degrees of freedom; a statistic that is
    /// not a finite number is [`SurvivalError::NotFinite`] naming `what`.
    pub fn new(statistic: f64, df: usize, what: &'static str) -> Result<Self, SurvivalError> {
        if !statistic.is_finite() {
            return Err(SurvivalError::NotFinite { what });
        }
        Ok(ChiSquareTest {
            statistic,
            df,
            p_value: upper_tail(statistic, df),
        })
    }
}

/// P(χ²_df > x) for finite x; 1 when df = 0 (no test).
pub(crate) fn upper_tail(x: f64, df: usize) -> f64 {
    if df == 0 {
        return 1.0;
    }
    // ChiSquared::new refuses only a non-positive or NaN df.
    ChiSquared::new(df as f64).map_or(1.0, |d| d.sf(x).clamp(0.0, 1.0))
}
