//! Typed patient records: one field per column of the paper's Table 2.

use std::fmt;

/// Sex as recorded in Table 2, where the Turkish codes are `E` (erkek) and `K` (kadın).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Sex {
    /// Coded `E` (erkek).
    Male,
    /// Coded `K` (kadın).
    Female,
}

/// WHO histological type of nasopharyngeal carcinoma.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum WhoHistology {
    /// WHO type 1: keratinizing squamous cell carcinoma.
    Keratinizing,
    /// WHO type 2: non-keratinizing (differentiated) carcinoma.
    NonKeratinizing,
    /// WHO type 3: undifferentiated carcinoma.
    Undifferentiated,
}

impl WhoHistology {
    /// The WHO type number (1, 2 or 3) as the paper prints it.
    pub fn who_type(self) -> u8 {
        match self {
            WhoHistology::Keratinizing => 1,
            WhoHistology::NonKeratinizing => 2,
            WhoHistology::Undifferentiated => 3,
        }
    }
}

/// Primary tumour stage (AJCC 7th edition), T1 to T4.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TStage {
    /// T1.
    T1,
    /// T2.
    T2,
    /// T3.
    T3,
    /// T4.
    T4,
}

impl TStage {
    /// The stage number, 1 to 4.
    pub fn number(self) -> u8 {
        self as u8 + 1
    }
}

/// Regional node stage (AJCC 7th edition), N0 to N3.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum NStage {
    /// N0.
    N0,
    /// N1.
    N1,
    /// N2.
    N2,
    /// N3.
    N3,
}

impl NStage {
    /// The stage number, 0 to 3.
    pub fn number(self) -> u8 {
        self as u8
    }
}

/// A site of distant metastasis named in Table 2.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum MetastaticSite {
    /// Bone ("Bone").
    Bone,
    /// Bone marrow ("Bone marrow").
    BoneMarrow,
    /// Liver ("Liver").
    Liver,
    /// Lung ("Lung").
    Lung,
    /// Mediastinal lymph nodes (the table says "mediastinum").
    MediastinalLymphNodes,
    /// Para-aortic lymph nodes ("paraaortic lymph nodes").
    ParaAorticLymphNodes,
    /// Axillary lymph nodes ("axilla lymph nodes").
    AxillaryLymphNodes,
    /// Adrenal gland (the table says "surrenal").
    Adrenal,
}

impl MetastaticSite {
    /// Every site, in the order used for listings.
    pub const ALL: [MetastaticSite; 8] = [
        MetastaticSite::Bone,
        MetastaticSite::BoneMarrow,
        MetastaticSite::Liver,
        MetastaticSite::Lung,
        MetastaticSite::MediastinalLymphNodes,
        MetastaticSite::ParaAorticLymphNodes,
        MetastaticSite::AxillaryLymphNodes,
        MetastaticSite::Adrenal,
    ];

    /// An English name for tables.
    pub fn name(self) -> &'static str {
        match self {
            MetastaticSite::Bone => "bone",
            MetastaticSite::BoneMarrow => "bone marrow",
            MetastaticSite::Liver => "liver",
            MetastaticSite::Lung => "lung",
            MetastaticSite::MediastinalLymphNodes => "mediastinal lymph nodes",
            MetastaticSite::ParaAorticLymphNodes => "para-aortic lymph nodes",
            MetastaticSite::AxillaryLymphNodes => "axillary lymph nodes",
            MetastaticSite::Adrenal => "adrenal",
        }
    }

    fn bit(self) -> u8 {
        1 << (self as u8)
    }
}

/// The set of metastatic sites of one patient.
///
/// Eight sites fit in one byte, so the set is `Copy` and costs no allocation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct MetastaticSites {
    bits: u8,
}

impl MetastaticSites {
    /// The empty set.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a site; returns false if it was already present.
    pub fn insert(&mut self, site: MetastaticSite) -> bool {
        let present = self.contains(site);
        self.bits |= site.bit();
        !present
    }

    /// Whether the set holds `site`.
    pub fn contains(self, site: MetastaticSite) -> bool {
        self.bits & site.bit() != 0
    }

    /// Number of distinct sites.
    pub fn len(self) -> usize {
        self.bits.count_ones() as usize
    }

    /// Whether no site is recorded.
    pub fn is_empty(self) -> bool {
        self.bits == 0
    }

    /// The sites in [`MetastaticSite::ALL`] order.
    pub fn iter(self) -> impl Iterator<Item = MetastaticSite> {
        MetastaticSite::ALL
            .into_iter()
            .filter(move |s| self.contains(*s))
    }
}

impl FromIterator<MetastaticSite> for MetastaticSites {
    fn from_iter<I: IntoIterator<Item = MetastaticSite>>(iter: I) -> Self {
        let mut set = Self::new();
        for site in iter {
            set.insert(site);
        }
        set
    }
}

/// Number of metastatic lesions, as Table 2 classes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum LesionBurden {
    /// A single metastatic lesion ("Single").
    Single,
    /// Oligometastatic disease ("Oligometastasis"). The paper does not give its
    /// lesion-count threshold; this is the table's own category.
    Oligometastatic,
    /// Multiple metastases ("Multiple").
    Multiple,
}

/// Number of organs with metastases.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum OrganBurden {
    /// One organ.
    Single,
    /// More than one organ.
    Multiple,
}

/// An induction chemotherapy regimen, by the abbreviations of Table 2's legend.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum InductionRegimen {
    /// PE: cisplatin + epirubicin.
    Pe,
    /// TP: docetaxel + cisplatin.
    Tp,
    /// BEP: bleomycin + epirubicin + cisplatin.
    Bep,
    /// DCX: docetaxel + cisplatin + capecitabine.
    Dcx,
    /// EP: printed without expansion in the paper's legend.
    Ep,
    /// Carboplatin + docetaxel, written out in full in the table.
    CarboplatinDocetaxel,
}

impl InductionRegimen {
    /// The code as Table 2 prints it.
    pub fn code(self) -> &'static str {
        match self {
            InductionRegimen::Pe => "PE",
            InductionRegimen::Tp => "TP",
            InductionRegimen::Bep => "BEP",
            InductionRegimen::Dcx => "DCX",
            InductionRegimen::Ep => "EP",
            InductionRegimen::CarboplatinDocetaxel => "carboplatin+docetaxel",
        }
    }
}

/// Induction chemotherapy before locoregional radiotherapy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Induction {
    /// No induction chemotherapy ("No").
    None,
    /// `cycles` cycles of `regimen` (e.g. "3 TP").
    Given {
        /// Number of cycles.
        cycles: u8,
        /// The regimen.
        regimen: InductionRegimen,
    },
}

/// Chemotherapy given concurrently with radiotherapy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ConcurrentChemotherapy {
    /// None ("No").
    None,
    /// Cisplatin.
    Cisplatin,
    /// Carboplatin.
    Carboplatin,
}

/// Status at last follow-up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum LastStatus {
    /// Died of any cause ("Ex", exitus).
    Died,
    /// Alive with no evidence of disease ("NED").
    NoEvidenceOfDisease,
    /// Alive with active disease ("Active disease").
    ActiveDisease,
}

/// One patient: one row of Table 2.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Patient {
    /// Patient number as printed (1-based).
    pub number: u32,
    /// Age at diagnosis, whole years.
    pub age_years: u32,
    /// Sex.
    pub sex: Sex,
    /// WHO histology.
    pub histology: WhoHistology,
    /// T stage.
    pub t_stage: TStage,
    /// N stage.
    pub n_stage: NStage,
    /// Sites of distant metastasis.
    pub metastatic_sites: MetastaticSites,
    /// Number of metastatic lesions.
    pub lesions: LesionBurden,
    /// Number of organs with metastases.
    pub organs: OrganBurden,
    /// Liver metastasis, as its own column of Table 2 (checked against the sites on load).
    pub liver_metastasis: bool,
    /// Induction chemotherapy.
    pub induction: Induction,
    /// Locoregional radiotherapy dose in cGy.
    pub rt_dose_cgy: u32,
    /// Concurrent chemotherapy.
    pub concurrent: ConcurrentChemotherapy,
    /// Overall survival time from diagnosis, months.
    pub survival_months: f64,
    /// Status at last follow-up.
    pub last_status: LastStatus,
}

impl fmt::Display for Sex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Sex::Male => "male",
            Sex::Female => "female",
        })
    }
}
