//! Pointwise confidence intervals for a survival curve, as R's `survfit`
//! computes them from the Greenwood standard error of log S.

use statrs::distribution::{ContinuousCDF, Normal};

use crate::error::SurvivalError;

/// The transformation on which the interval is symmetric (R's `conf.type`).
///
/// ```
/// use surv_engine::ConfType;
/// let t: ConfType = "log-log".parse().unwrap();
/// assert_eq!(t, ConfType::LogLog);
/// assert_eq!(t.r_name(), "log-log");
/// assert_eq!(ConfType::default(), ConfType::Log);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub enum ConfType {
    /// Symmetric on log S (R's default): `S·exp(∓zσ)`, upper bound capped at 1.
    #[default]
    #[cfg_attr(feature = "serde", serde(rename = "log"))]
    Log,
    /// Symmetric on log(−log S); undefined where S is 0 or 1.
    #[cfg_attr(feature = "serde", serde(rename = "log-log"))]
    LogLog,
    /// Symmetric on S itself, clipped to [0, 1].
    #[cfg_attr(feature = "serde", serde(rename = "plain"))]
    Plain,
}

impl ConfType {
    /// R's name for it: `log`, `log-log` or `plain`.
    ///
    /// ```
    /// assert_eq!(surv_engine::ConfType::Plain.r_name(), "plain");
    /// ```
    pub fn r_name(self) -> &'static str {
        match self {
            ConfType::Log => "log",
            ConfType::LogLog => "log-log",
            ConfType::Plain => "plain",
        }
    }
}

impl std::str::FromStr for ConfType {
    type Err = String;

    /// Parses R's names (`log`, `log-log`, `plain`).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "log" => Ok(ConfType::Log),
            "log-log" => Ok(ConfType::LogLog),
            "plain" => Ok(ConfType::Plain),
            other => Err(format!("`{other}`; expected log, log-log or plain")),
        }
    }
}

/// The standard normal quantile for a two-sided interval at `conf_level`.
///
/// ```
/// let z = surv_engine::confint::z_for_level(0.95).unwrap();
/// assert!((z - 1.959963984540054).abs() < 1e-12);
/// ```
pub fn z_for_level(conf_level: f64) -> Result<f64, SurvivalError> {
    if !(conf_level > 0.0 && conf_level < 1.0) {
        return Err(SurvivalError::InvalidParameter {
            name: "conf_level",
            value: conf_level,
            expected: "a number strictly between 0 and 1",
        });
    }
    let normal = Normal::standard();
    Ok(normal.inverse_cdf(1.0 - (1.0 - conf_level) / 2.0))
}

/// Bounds at one time from S and σ, the standard error of log S (R's
/// `std.err`). `None` where R gives NA or NaN.
pub(crate) fn bounds(
    conf_type: ConfType,
    z: f64,
    survival: f64,
    se_log: f64,
) -> (Option<f64>, Option<f64>) {
    let finite = |x: f64| x.is_finite().then_some(x);
    match conf_type {
        ConfType::Log => {
            if survival <= 0.0 {
                return (None, None);
            }
            let width = (z * se_log).exp();
            (
                finite(survival / width),
                finite((survival * width).min(1.0)),
            )
        }
        ConfType::LogLog => {
            if survival <= 0.0 || survival >= 1.0 {
                return (None, None);
            }
            // On log(-log S) the interval is ±zσ/|log S|; transformed back the
            // bounds are powers of S.
            let shift = z * se_log / survival.ln().abs();
            (
                finite(survival.powf(shift.exp())),
                finite(survival.powf((-shift).exp())),
            )
        }
        ConfType::Plain => {
            if survival <= 0.0 {
                return (None, None);
            }
            let half = z * se_log * survival;
            (
                finite((survival - half).max(0.0)),
                finite((survival + half).min(1.0)),
            )
        }
    }
}
