//! Cohort summaries in the shape of the paper's Table 1: counts and percentages per
//! category, and median and range of the continuous columns.
//!
//! Counting runs as a group-by (`surv_reader::tabulate`) over the category labels of
//! each Table 1 variable; every category the model defines is listed, with 0 where no
//! patient falls in it, in the order of the paper's table.

use crate::model::{
    ConcurrentChemotherapy, LesionBurden, MetastaticSite, NStage, OrganBurden, Patient, Sex,
    TStage, WhoHistology,
};

/// One category of one variable: `n` patients, `percent` of the cohort.
#[derive(Debug, Clone, PartialEq)]
pub struct CategoryCount {
    /// The variable, as Table 1 names it (e.g. "Gender").
    pub variable: &'static str,
    /// The category (e.g. "Male").
    pub category: &'static str,
    /// Number of patients in it.
    pub n: usize,
    /// `n` as a percentage of all patients (not rounded).
    pub percent: f64,
}

/// Median and range of a continuous column.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Spread {
    /// The median (the mean of the two middle values for an even count).
    pub median: f64,
    /// The smallest value.
    pub min: f64,
    /// The largest value.
    pub max: f64,
}

/// The Table 1 summary of a cohort.
#[derive(Debug, Clone, PartialEq)]
pub struct CohortSummary {
    /// Number of patients.
    pub n: usize,
    /// Counts per category of each Table 1 variable, in the paper's order.
    pub categories: Vec<CategoryCount>,
    /// Patients with each metastatic site (a patient can have several, so these do
    /// not add up to `n`); the paper gives them in its Results text.
    pub sites: Vec<CategoryCount>,
    /// Age, years.
    pub age_years: Spread,
    /// Locoregional RT dose, cGy.
    pub rt_dose_cgy: Spread,
    /// Survival (follow-up) time, months.
    pub survival_months: Spread,
}

impl CohortSummary {
    /// The count of one category, if the summary has it.
    pub fn count(&self, variable: &str, category: &str) -> Option<&CategoryCount> {
        self.categories
            .iter()
            .chain(&self.sites)
            .find(|c| c.variable == variable && c.category == category)
    }
}

/// A Table 1 variable: its name, its categories in order, and how a patient falls in one.
struct Variable {
    name: &'static str,
    categories: &'static [&'static str],
    category_of: fn(&Patient) -> &'static str,
}

const YES_NO: &[&str] = &["Yes", "No"];

fn yes_no(b: bool) -> &'static str {
    if b { "Yes" } else { "No" }
}

const VARIABLES: &[Variable] = &[
    Variable {
        name: "Gender",
        categories: &["Male", "Female"],
        category_of: |p| match p.sex {
            Sex::Male => "Male",
            Sex::Female => "Female",
        },
    },
    Variable {
        name: "Histopathology",
        categories: &["WHO1", "WHO2", "WHO3"],
        category_of: |p| match p.histology {
            WhoHistology::Keratinizing => "WHO1",
            WhoHistology::NonKeratinizing => "WHO2",
            WhoHistology::Undifferentiated => "WHO3",
        },
    },
    Variable {
        name: "T stage",
        categories: &["T1", "T2", "T3", "T4"],
        category_of: |p| match p.t_stage {
            TStage::T1 => "T1",
            TStage::T2 => "T2",
            TStage::T3 => "T3",
            TStage::T4 => "T4",
        },
    },
    Variable {
        name: "N stage",
        categories: &["N0", "N1", "N2", "N3"],
        category_of: |p| match p.n_stage {
            NStage::N0 => "N0",
            NStage::N1 => "N1",
            NStage::N2 => "N2",
            NStage::N3 => "N3",
        },
    },
    Variable {
        name: "No. of metastatic lesions",
        categories: &["Single", "Oligo", "Multiple"],
        category_of: |p| match p.lesions {
            LesionBurden::Single => "Single",
            LesionBurden::Oligometastatic => "Oligo",
            LesionBurden::Multiple => "Multiple",
        },
    },
    Variable {
        name: "No. of metastatic organs",
        categories: &["Single", "Multiple"],
        category_of: |p| match p.organs {
            OrganBurden::Single => "Single",
            OrganBurden::Multiple => "Multiple",
        },
    },
    Variable {
        name: "Liver metastasis",
        categories: YES_NO,
        category_of: |p| yes_no(p.liver_metastasis),
    },
    Variable {
        name: "Induction chemotherapy",
        categories: YES_NO,
        category_of: |p| yes_no(p.received_induction()),
    },
    Variable {
        name: "Concurrent chemotherapy",
        categories: YES_NO,
        category_of: |p| yes_no(p.concurrent != ConcurrentChemotherapy::None),
    },
];

/// Summarises `patients`. An empty slice gives an empty summary with NaN spreads;
/// a loaded [`crate::Cohort`] is never empty.
pub fn summarize(patients: &[Patient]) -> CohortSummary {
    let n = patients.len();
    let percent = |k: usize| {
        if n == 0 {
            f64::NAN
        } else {
            100.0 * k as f64 / n as f64
        }
    };

    let mut categories = Vec::new();
    for variable in VARIABLES {
        let labels: Vec<&str> = patients.iter().map(variable.category_of).collect();
        let counts = group_counts(&labels);
        for &category in variable.categories {
            let k = counts
                .iter()
                .find(|(c, _)| c == category)
                .map_or(0, |(_, k)| *k);
            categories.push(CategoryCount {
                variable: variable.name,
                category,
                n: k,
                percent: percent(k),
            });
        }
    }

    let sites = MetastaticSite::ALL
        .iter()
        .map(|&site| {
            let k = patients
                .iter()
                .filter(|p| p.metastatic_sites.contains(site))
                .count();
            CategoryCount {
                variable: "Metastatic site",
                category: site.name(),
                n: k,
                percent: percent(k),
            }
        })
        .collect();

    CohortSummary {
        n,
        categories,
        sites,
        age_years: spread(patients.iter().map(|p| f64::from(p.age_years))),
        rt_dose_cgy: spread(patients.iter().map(|p| f64::from(p.rt_dose_cgy))),
        survival_months: spread(patients.iter().map(|p| p.survival_months)),
    }
}

fn group_counts(labels: &[&str]) -> Vec<(String, usize)> {
    surv_reader::tabulate::counts(labels)
}

fn spread(values: impl Iterator<Item = f64>) -> Spread {
    let mut sorted: Vec<f64> = values.collect();
    sorted.sort_by(f64::total_cmp);
    let n = sorted.len();
    let median = match n {
        0 => f64::NAN,
        _ if n % 2 == 1 => sorted[n / 2],
        _ => (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0,
    };
    Spread {
        median,
        min: sorted.first().copied().unwrap_or(f64::NAN),
        max: sorted.last().copied().unwrap_or(f64::NAN),
    }
}
