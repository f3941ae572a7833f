//! Derived values: each has exactly one definition, here.
//!
//! The paper's univariate analysis splits the cohort by these; where its text is
//! ambiguous the reading chosen is stated on the method and the alternative is
//! given beside it, so a report can show both.

use crate::model::{
    ConcurrentChemotherapy, Induction, LastStatus, LesionBurden, OrganBurden, Patient,
};

/// Age at or below which the paper treats a patient as paediatric (reduced RT dose,
/// no concurrent chemotherapy): "≤ 16 years of age" in its Results.
pub const PAEDIATRIC_MAX_AGE: u32 = 16;

/// The age cut-off of the univariate analysis: "age ≤ 40 years".
pub const AGE_CUTOFF_YEARS: u32 = 40;

/// The RT dose cut-off used for the dose comparison: the standard adult dose of 70 Gy.
/// The paper names "RT dose" as a factor without a cut-off; 7000 cGy is its median
/// and its stated adult dose.
pub const FULL_RT_DOSE_CGY: u32 = 7000;

impl Patient {
    /// The overall-survival event: death from any cause (`Ex`). Alive patients,
    /// with or without disease, are censored at their last follow-up.
    pub fn died(&self) -> bool {
        self.last_status == LastStatus::Died
    }

    /// Age ≤ 16 years ([`PAEDIATRIC_MAX_AGE`]). The abstract says "under the age of
    /// 16" but counts seven patients, which only "≤ 16" gives.
    pub fn is_paediatric(&self) -> bool {
        self.age_years <= PAEDIATRIC_MAX_AGE
    }

    /// Age ≤ 40 years ([`AGE_CUTOFF_YEARS`]).
    pub fn age_at_most_40(&self) -> bool {
        self.age_years <= AGE_CUTOFF_YEARS
    }

    /// Oligometastatic disease as Table 2 records it: the "Oligometastasis" class
    /// of the lesion count, which the paper keeps apart from a single lesion
    /// (Table 1: single 8, oligo 6, multiple 21).
    ///
    /// The alternative reading, "not multiple" (single or oligometastatic), is
    /// [`Patient::has_limited_metastases`].
    pub fn is_oligometastatic(&self) -> bool {
        self.lesions == LesionBurden::Oligometastatic
    }

    /// Single or oligometastatic disease (not multiple): the broader reading of
    /// "oligometastatic" common in the literature.
    pub fn has_limited_metastases(&self) -> bool {
        self.lesions != LesionBurden::Multiple
    }

    /// Metastases in more than one organ.
    pub fn has_multiple_metastatic_organs(&self) -> bool {
        self.organs == OrganBurden::Multiple
    }

    /// Locoregional RT dose ≥ 7000 cGy ([`FULL_RT_DOSE_CGY`]).
    pub fn received_full_rt_dose(&self) -> bool {
        self.rt_dose_cgy >= FULL_RT_DOSE_CGY
    }

    /// Any induction chemotherapy.
    pub fn received_induction(&self) -> bool {
        matches!(self.induction, Induction::Given { .. })
    }

    /// Any concurrent chemotherapy with RT.
    pub fn received_concurrent(&self) -> bool {
        self.concurrent != ConcurrentChemotherapy::None
    }
}
