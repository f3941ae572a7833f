//! Power and sample size for the log-rank test by Schoenfeld's formula: with D
//! events, a fraction `allocation` of subjects in one arm and a true hazard
//! ratio HR, the log-rank statistic is approximately normal with mean
//! x = √(D·p·(1 − p))·|log HR|, so a two-sided test at level α has power
//! Φ(x − z₁₋α/₂) + Φ(−x − z₁₋α/₂) (both tails, as `rpact` reports it; the second
//! term is usually negligible). Events needed and the detectable hazard ratio
//! use the usual closed form, which keeps only the first tail.

use statrs::distribution::{ContinuousCDF, Normal};

use crate::error::SurvivalError;

/// The design of a two-arm comparison.
///
/// ```
/// use surv_engine::power::PowerConfig;
/// let d = PowerConfig::default();
/// assert_eq!((d.allocation, d.alpha), (0.5, 0.05));
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct PowerConfig {
    /// Fraction of subjects in the first arm, strictly between 0 and 1.
    pub allocation: f64,
    /// Two-sided significance level, strictly between 0 and 1.
    pub alpha: f64,
}

impl Default for PowerConfig {
    fn default() -> Self {
        PowerConfig {
            allocation: 0.5,
            alpha: 0.05,
        }
    }
}

impl PowerConfig {
    fn check(&self) -> Result<(), SurvivalError> {
        let open_unit = |name, value: f64| {
            if value > 0.0 && value < 1.0 {
                Ok(())
            } else {
                Err(SurvivalError::InvalidParameter {
                    name,
                    value,
                    expected: "a number strictly between 0 and 1",
                })
            }
        };
        open_unit("allocation", self.allocation)?;
        open_unit("alpha", self.alpha)
    }

    fn z_alpha(&self) -> f64 {
        Normal::standard().inverse_cdf(1.0 - self.alpha / 2.0)
    }

    fn balance(&self) -> f64 {
        self.allocation * (1.0 - self.allocation)
    }
}

fn positive(name: &'static str, value: f64) -> Result<(), SurvivalError> {
    if value > 0.0 && value.is_finite() {
        Ok(())
    } else {
        Err(SurvivalError::InvalidParameter {
            name,
            value,
            expected: "a finite number greater than 0",
        })
    }
}

/// The power to detect `hazard_ratio` with `events` events.
///
/// ```
/// use surv_engine::{power, PowerConfig};
/// // 24 deaths split evenly: a halving of the hazard is detected 40 % of the time.
/// let p = power(0.5, 24.0, &PowerConfig::default()).unwrap();
/// assert!((p - 0.39675).abs() < 1e-5);
/// ```
pub fn power(hazard_ratio: f64, events: f64, config: &PowerConfig) -> Result<f64, SurvivalError> {
    config.check()?;
    positive("hazard_ratio", hazard_ratio)?;
    positive("events", events)?;
    let shift = (events * config.balance()).sqrt() * hazard_ratio.ln().abs();
    let (normal, z) = (Normal::standard(), config.z_alpha());
    Ok(normal.cdf(shift - z) + normal.cdf(-shift - z))
}

/// Events needed to detect `hazard_ratio` with probability `power`.
///
/// ```
/// use surv_engine::power::{events_required, PowerConfig};
/// let d = events_required(0.5, 0.8, &PowerConfig::default()).unwrap();
/// assert!((d - 65.34).abs() < 0.01);
/// ```
pub fn events_required(
    hazard_ratio: f64,
    power: f64,
    config: &PowerConfig,
) -> Result<f64, SurvivalError> {
    config.check()?;
    positive("hazard_ratio", hazard_ratio)?;
    if hazard_ratio == 1.0 {
        return Err(SurvivalError::InvalidParameter {
            name: "hazard_ratio",
            value: hazard_ratio,
            expected: "a hazard ratio other than 1",
        });
    }
    let z_power = z_for_power(power)?;
    let z = config.z_alpha() + z_power;
    Ok(z * z / (config.balance() * hazard_ratio.ln().powi(2)))
}

/// The smallest hazard ratio below 1 detectable with probability `power` from
/// `events` events; its reciprocal is the matching ratio above 1.
///
/// ```
/// use surv_engine::power::{minimal_detectable_hazard_ratio, PowerConfig};
/// let hr = minimal_detectable_hazard_ratio(24.0, 0.8, &PowerConfig::default()).unwrap();
/// assert!((hr - 0.31862).abs() < 1e-5);
/// ```
pub fn minimal_detectable_hazard_ratio(
    events: f64,
    power: f64,
    config: &PowerConfig,
) -> Result<f64, SurvivalError> {
    config.check()?;
    positive("events", events)?;
    let z = config.z_alpha() + z_for_power(power)?;
    Ok((-z / (events * config.balance()).sqrt()).exp())
}

fn z_for_power(power: f64) -> Result<f64, SurvivalError> {
    if power > 0.0 && power < 1.0 {
        Ok(Normal::standard().inverse_cdf(power))
    } else {
        Err(SurvivalError::InvalidParameter {
            name: "power",
            value: power,
            expected: "a number strictly between 0 and 1",
        })
    }
}
