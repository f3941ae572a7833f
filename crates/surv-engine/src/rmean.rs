//! Restricted mean survival time: the area under the curve up to a horizon, with
//! its standard error, as `print(fit, rmean = tau)` reports them.

use crate::error::SurvivalError;
use crate::km::KmCurve;

/// The restricted mean survival time up to `tau`.
///
/// ```
/// use surv_engine::{kaplan_meier, KmConfig, SurvivalData};
/// let curve = kaplan_meier(&SurvivalData::new(&[2.0, 4.0], &[true, true]).unwrap(), &KmConfig::default()).unwrap();
/// let r = curve.restricted_mean(3.0).unwrap();
/// assert_eq!((r.tau, r.rmean), (3.0, 2.5)); // 2·1 + 1·0.5
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct RestrictedMean {
    /// The horizon.
    pub tau: f64,
    /// ∫₀^τ S(t) dt.
    pub rmean: f64,
    /// Its standard error.
    pub std_err: f64,
}

impl KmCurve {
    /// The restricted mean up to `tau`. Past the last observed time the curve is
    /// held at its last value. As in R, `tau` must not be before the first
    /// observed time.
    ///
    /// The variance is Σ A²·d / (n(n − d)) over event times t ≤ τ, where A is the
    /// area under the curve from t to τ (a Greenwood-type sum; a time where
    /// everyone at risk dies adds nothing).
    ///
    /// ```
    /// use surv_engine::{kaplan_meier, KmConfig, SurvivalData};
    /// let curve = kaplan_meier(&SurvivalData::new(&[1.0, 2.0, 3.0, 4.0], &[true; 4]).unwrap(), &KmConfig::default()).unwrap();
    /// let r = curve.restricted_mean(4.0).unwrap();
    /// assert!((r.rmean - 2.5).abs() < 1e-12); // 1 + 0.75 + 0.5 + 0.25
    /// ```
    pub fn restricted_mean(&self, tau: f64) -> Result<RestrictedMean, SurvivalError> {
        let first = self.time.first().copied().unwrap_or(0.0);
        if !(tau.is_finite() && tau >= first) {
            return Err(SurvivalError::InvalidParameter {
                name: "tau",
                value: tau,
                expected: "a finite horizon at or after the first observed time",
            });
        }
        // Rows up to tau; the area is a sum of rectangles from 0.
        let k = self.time.partition_point(|&t| t <= tau);
        let mut rmean = first; // S = 1 from 0 to the first time
        for i in 0..k {
            let right = if i + 1 < k { self.time[i + 1] } else { tau };
            rmean += self.survival[i] * (right - self.time[i]);
        }
        // Area from each row's time to tau, accumulated from tau backwards.
        let mut variance = 0.0;
        let mut area_after = 0.0;
        for i in (0..k).rev() {
            let right = if i + 1 < k { self.time[i + 1] } else { tau };
            area_after += self.survival[i] * (right - self.time[i]);
            let (n, d) = self.risk_and_events(i);
            if d > 0.0 && n > d {
                variance += area_after * area_after * d / (n * (n - d));
            }
        }
        Ok(RestrictedMean {
            tau,
            rmean,
            std_err: variance.sqrt(),
        })
    }
}
