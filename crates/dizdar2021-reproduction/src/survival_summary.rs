//! Overall survival of the whole cohort: the Kaplan-Meier estimates the paper
//! reports (2- and 4-year survival, median) and follow-up measured two ways.

use dizdar2021_cohort::{Cohort, LastStatus};
use surv_engine::at_times::SurvivalAt;
use surv_engine::followup::{FollowUp, median_follow_up};
use surv_engine::km::{KmConfig, KmCurve, kaplan_meier};
use surv_engine::quantile::QuantileEstimate;
use surv_engine::{SurvivalData, SurvivalError};

/// Landmarks of the paper: 2 and 4 years, in months.
pub const LANDMARKS_MONTHS: [f64; 2] = [24.0, 48.0];

/// The overall-survival summary.
#[derive(Debug, Clone, PartialEq)]
pub struct SurvivalSummary {
    /// Patients.
    pub n: usize,
    /// Deaths (`Ex`).
    pub deaths: usize,
    /// Alive without disease.
    pub ned: usize,
    /// Alive with active disease.
    pub active: usize,
    /// The Kaplan-Meier curve (log intervals, 95 %, as R's default).
    pub curve: KmCurve,
    /// Survival at 24 and 48 months.
    pub landmarks: Vec<SurvivalAt>,
    /// Median overall survival with its interval.
    pub median: QuantileEstimate,
    /// Follow-up: reverse Kaplan-Meier median and plain median of times.
    pub follow_up: FollowUp,
}

/// Summarises the cohort's overall survival.
pub fn summarise(cohort: &Cohort) -> Result<SurvivalSummary, SurvivalError> {
    let times = cohort.survival_months();
    let deaths = cohort.deaths();
    let config = KmConfig::default();
    let data = SurvivalData::new(&times, &deaths)?;
    let curve = kaplan_meier(&data, &config)?;
    let count = |s: LastStatus| {
        cohort
            .patients()
            .iter()
            .filter(|p| p.last_status == s)
            .count()
    };
    Ok(SurvivalSummary {
        n: cohort.len(),
        deaths: count(LastStatus::Died),
        ned: count(LastStatus::NoEvidenceOfDisease),
        active: count(LastStatus::ActiveDisease),
        landmarks: curve.at(&LANDMARKS_MONTHS),
        median: curve.median(),
        follow_up: median_follow_up(&data, &config)?,
        curve,
    })
}
