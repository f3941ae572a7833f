//! Median follow-up: by the reverse Kaplan-Meier method (the standard one) and as
//! the plain median of observed times (what many papers report).

use crate::error::SurvivalError;
use crate::km::{KmConfig, kaplan_meier};
use crate::quantile::QuantileEstimate;

/// Two ways of summarising follow-up time.
///
/// ```
/// use surv_engine::followup::median_follow_up;
/// use surv_engine::KmConfig;
/// // Everyone censored: follow-up is complete, the reverse KM falls to 0.
/// let f = median_follow_up(&[10.0, 20.0, 30.0], &[false; 3], &KmConfig::default()).unwrap();
/// assert_eq!((f.reverse_km.time, f.median_observed), (Some(20.0), 20.0));
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FollowUp {
    /// Median of the reverse Kaplan-Meier curve (censoring treated as the event,
    /// deaths as censored) with its confidence interval, as R gives for
    /// `survfit(Surv(time, 1 - status) ~ 1)`.
    pub reverse_km: QuantileEstimate,
    /// Median of all observed times, deaths and censorings alike.
    pub median_observed: f64,
}

/// Median follow-up of `times` with `events` (true = event of interest).
///
/// ```
/// use surv_engine::followup::median_follow_up;
/// use surv_engine::km::KmConfig;
/// let f = median_follow_up(&[1.0, 2.0, 3.0, 3.0, 4.0, 5.0], &[false, true, true, false, true, false], &KmConfig::default()).unwrap();
/// assert_eq!(f.reverse_km.time, Some(5.0));
/// assert_eq!(f.median_observed, 3.0);
/// ```
pub fn median_follow_up(
    times: &[f64],
    events: &[bool],
    config: &KmConfig,
) -> Result<FollowUp, SurvivalError> {
    let censored: Vec<bool> = events.iter().map(|e| !e).collect();
    let reverse = kaplan_meier(times, &censored, config)?;
    Ok(FollowUp {
        reverse_km: reverse.median(),
        median_observed: median(times),
    })
}

/// The median of a non-empty slice (mean of the two middle values for an even
/// count).
pub(crate) fn median(values: &[f64]) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let n = sorted.len();
    if n % 2 == 1 {
        sorted[n / 2]
    } else {
        (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0
    }
}
