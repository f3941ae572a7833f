//! The prognostic factors of the univariate analysis: the five the paper names
//! and the others its rows allow. Each splits the patients into labelled
//! levels; the first level is the reference of the hazard ratios.

use dizdar2021_cohort::{
    ConcurrentChemotherapy, LesionBurden, NStage, OrganBurden, Patient, Sex, TStage, WhoHistology,
};

/// A way of splitting the cohort.
pub struct Factor {
    /// Identifier used in claims (`logrank_p:<id>`).
    pub id: &'static str,
    /// Name in tables.
    pub label: &'static str,
    /// Level names; a patient's level is an index into them.
    pub levels: &'static [&'static str],
    /// The level of a patient.
    pub level_of: fn(&Patient) -> usize,
    /// Whether the paper names this factor in its univariate analysis.
    pub named_by_paper: bool,
    /// The reading chosen where the paper's definition is ambiguous, and the
    /// alternative shown beside it.
    pub reading: Option<&'static str>,
    /// Scores for a test for trend (ordered levels), if meaningful.
    pub trend_scores: Option<&'static [f64]>,
}

/// All factors, the paper's five first.
pub fn all() -> Vec<Factor> {
    vec![
        Factor {
            id: "age_le40",
            label: "Age",
            levels: &["≤ 40 years", "> 40 years"],
            level_of: |p| usize::from(!p.age_at_most_40()),
            named_by_paper: true,
            reading: None,
            trend_scores: None,
        },
        Factor {
            id: "sex",
            label: "Gender",
            levels: &["Male", "Female"],
            level_of: |p| usize::from(p.sex == Sex::Female),
            named_by_paper: true,
            reading: None,
            trend_scores: None,
        },
        Factor {
            id: "oligometastatic",
            label: "Oligometastatic disease",
            levels: &["Single or multiple", "Oligometastatic"],
            level_of: |p| usize::from(p.is_oligometastatic()),
            named_by_paper: true,
            reading: Some(
                "the paper does not define oligometastatic; read as Table 2's \"Oligometastasis\" class \
                 (6 patients). The alternative \"single or oligometastatic vs multiple\" is the factor \
                 `limited_metastases`",
            ),
            trend_scores: None,
        },
        Factor {
            id: "liver",
            label: "Liver metastasis",
            levels: &["No", "Yes"],
            level_of: |p| usize::from(p.liver_metastasis),
            named_by_paper: true,
            reading: None,
            trend_scores: None,
        },
        Factor {
            id: "rt_dose_ge7000",
            label: "RT dose",
            levels: &["≥ 7000 cGy", "< 7000 cGy"],
            level_of: |p| usize::from(!p.received_full_rt_dose()),
            named_by_paper: true,
            reading: Some(
                "the paper gives no cut-off; read as the adult dose of 70 Gy (≥ 7000 vs < 7000 cGy, \
                 which splits off the six reduced paediatric doses). The alternative \"> 7000 cGy\" is \
                 the factor `rt_dose_gt7000`",
            ),
            trend_scores: None,
        },
        Factor {
            id: "limited_metastases",
            label: "Single or oligometastatic disease",
            levels: &["Multiple", "Single or oligometastatic"],
            level_of: |p| usize::from(p.has_limited_metastases()),
            named_by_paper: false,
            reading: Some("the alternative reading of \"oligometastatic disease\""),
            trend_scores: None,
        },
        Factor {
            id: "rt_dose_gt7000",
            label: "RT dose above 70 Gy",
            levels: &["≤ 7000 cGy", "> 7000 cGy"],
            level_of: |p| usize::from(p.rt_dose_cgy > 7000),
            named_by_paper: false,
            reading: Some(
                "the alternative reading of \"RT dose\" (only 7040 and 7400 cGy exceed 70 Gy)",
            ),
            trend_scores: None,
        },
        Factor {
            id: "age_le16",
            label: "Age ≤ 16",
            levels: &["> 16 years", "≤ 16 years"],
            level_of: |p| usize::from(p.is_paediatric()),
            named_by_paper: false,
            reading: None,
            trend_scores: None,
        },
        Factor {
            id: "t_stage",
            label: "T stage",
            levels: &["T1", "T2", "T3", "T4"],
            level_of: |p| match p.t_stage {
                TStage::T1 => 0,
                TStage::T2 => 1,
                TStage::T3 => 2,
                TStage::T4 => 3,
            },
            named_by_paper: false,
            reading: None,
            trend_scores: Some(&[1.0, 2.0, 3.0, 4.0]),
        },
        Factor {
            id: "n_stage",
            label: "N stage",
            levels: &["N0-2", "N3"],
            level_of: |p| usize::from(p.n_stage == NStage::N3),
            named_by_paper: false,
            reading: Some("N0 (one patient) and N1 (none) are grouped with N2"),
            trend_scores: None,
        },
        Factor {
            id: "histology",
            label: "Histology",
            levels: &["WHO 1", "WHO 2", "WHO 3"],
            level_of: |p| match p.histology {
                WhoHistology::Keratinizing => 0,
                WhoHistology::NonKeratinizing => 1,
                WhoHistology::Undifferentiated => 2,
            },
            named_by_paper: false,
            reading: None,
            trend_scores: None,
        },
        Factor {
            id: "induction",
            label: "Induction chemotherapy",
            levels: &["Yes", "No"],
            level_of: |p| usize::from(!p.received_induction()),
            named_by_paper: false,
            reading: None,
            trend_scores: None,
        },
        Factor {
            id: "concurrent",
            label: "Concurrent chemotherapy",
            levels: &["No", "Yes"],
            level_of: |p| usize::from(p.concurrent != ConcurrentChemotherapy::None),
            named_by_paper: false,
            reading: None,
            trend_scores: None,
        },
        Factor {
            id: "organs",
            label: "Metastatic organs",
            levels: &["Single", "Multiple"],
            level_of: |p| usize::from(p.organs == OrganBurden::Multiple),
            named_by_paper: false,
            reading: None,
            trend_scores: None,
        },
        Factor {
            id: "lesions",
            label: "Metastatic lesions",
            levels: &["Single", "Oligometastatic", "Multiple"],
            level_of: |p| match p.lesions {
                LesionBurden::Single => 0,
                LesionBurden::Oligometastatic => 1,
                LesionBurden::Multiple => 2,
            },
            named_by_paper: false,
            reading: None,
            trend_scores: Some(&[1.0, 2.0, 3.0]),
        },
    ]
}

/// The factor with this id.
pub fn by_id(id: &str) -> Option<Factor> {
    all().into_iter().find(|f| f.id == id)
}
