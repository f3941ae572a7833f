//! Median follow-up: by the reverse Kaplan-Meier method (the standard one) and as
//! the plain median of observed times (what many papers report).

use crate::data::{RowFeature, SurvivalData};
use crate::error::SurvivalError;
use crate::km::{KmConfig, kaplan_meier};
use crate::quantile::QuantileEstimate;

/// Two ways of summarising follow-up time.
///
/// ```
/// use surv_engine::{median_follow_up, KmConfig, SurvivalData};
/// // Everyone censored: follow-up is complete, the reverse KM falls to 0.
/// let data = SurvivalData::new(&[10.0, 20.0, 30.0], &[false; 3]).unwrap();
/// let f = median_follow_up(&data, &KmConfig::default()).unwrap();
/// assert_eq!((f.reverse_km.time, f.median_observed), (Some(20.0), 20.0));
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct FollowUp {
    /// Median of the reverse Kaplan-Meier curve (censoring treated as the event,
    /// deaths as censored) with its confidence interval, as R gives for
    /// `survfit(Surv(time, 1 - status) ~ 1)`.
    pub reverse_km: QuantileEstimate,
    /// Median of all observed times, deaths and censorings alike.
    pub median_observed: f64,
}

/// Median follow-up of `data` (events: true = event of interest; groups and
/// strata pooled).
///
/// ```
/// use surv_engine::{median_follow_up, KmConfig, SurvivalData};
/// let times = [1.0, 2.0, 3.0, 3.0, 4.0, 5.0];
/// let events = [false, true, true, false, true, false];
/// let f = median_follow_up(&SurvivalData::new(&times, &events).unwrap(), &KmConfig::default()).unwrap();
/// assert_eq!(f.reverse_km.time, Some(5.0));
/// assert_eq!(f.median_observed, 3.0);
/// ```
pub fn median_follow_up(data: &SurvivalData, config: &KmConfig) -> Result<FollowUp, SurvivalError> {
    data.refuse(
        "median follow-up",
        &[RowFeature::Entry, RowFeature::Weights, RowFeature::Clusters],
    )?;
    let censored: Vec<bool> = data.events().iter().map(|e| !e).collect();
    let reverse = kaplan_meier(&SurvivalData::new(data.times(), &censored)?, config)?;
    Ok(FollowUp {
        reverse_km: reverse.median(),
        median_observed: median(data.times()),
    })
}

/// The median of a non-empty slice (mean of the two middle values for an even
/// count), by selection rather than sorting.
fn median(values: &[f64]) -> f64 {
    let mut v = values.to_vec();
    let n = v.len();
    let (_, &mut upper, _) = v.select_nth_unstable_by(n / 2, f64::total_cmp);
    if n % 2 == 1 {
        upper
    } else {
        // The lower middle value is the largest of the values below the upper one.
        let lower = v[..n / 2].iter().copied().fold(f64::NEG_INFINITY, f64::max);
        (lower + upper) / 2.0
    }
}
