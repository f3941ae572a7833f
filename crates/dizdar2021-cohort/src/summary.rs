//! Cohort summaries in the shape of the paper's Table 1: counts and percentages per
//! category, and median and range of the continuous columns.
//!
//! The numbers come from `surv_engine::baseline::describe`, the same function
//! that makes `npcsurv table1` for any file: this module only turns each
//! patient into the table's columns. Every category the model defines is
//! listed, with 0 where no patient falls in it, in the order of the paper's
//! table; each metastatic site is a Yes/No column of its own, since a patient
//! may have several.

use surv_engine::SurvivalError;
use surv_engine::baseline::{self, BaselineConfig, Column, Statistics, Variable as Described};

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

/// A categorical column of Table 1: its variable, its categories in the
/// paper's order, and each patient's category.
type CategoricalColumn = (&'static str, &'static [&'static str], Vec<Option<u32>>);

/// Summarises `patients`; an empty slice is [`SurvivalError::Empty`] (a
/// loaded [`crate::Cohort`] is never empty).
pub fn summarize(patients: &[Patient]) -> Result<CohortSummary, SurvivalError> {
    if patients.is_empty() {
        return Err(SurvivalError::Empty);
    }
    let code = |categories: &[&str], label: &str| {
        categories
            .iter()
            .position(|c| *c == label)
            .map(|i| i as u32)
    };
    let mut columns: Vec<CategoricalColumn> = VARIABLES
        .iter()
        .map(|v| {
            let codes = patients
                .iter()
                .map(|p| code(v.categories, (v.category_of)(p)))
                .collect();
            (v.name, v.categories, codes)
        })
        .collect();
    let site_columns = columns.len();
    for site in MetastaticSite::ALL {
        let codes = patients
            .iter()
            .map(|p| code(YES_NO, yes_no(p.metastatic_sites.contains(site))))
            .collect();
        columns.push(("Metastatic site", YES_NO, codes));
    }
    let continuous: [Vec<Option<f64>>; 3] = [
        patients
            .iter()
            .map(|p| Some(f64::from(p.age_years)))
            .collect(),
        patients
            .iter()
            .map(|p| Some(f64::from(p.rt_dose_cgy)))
            .collect(),
        patients.iter().map(|p| Some(p.survival_months)).collect(),
    ];
    let variables: Vec<Described<'_>> = columns
        .iter()
        .map(|(_, categories, codes)| Described {
            column: Column::Categorical {
                n_levels: categories.len(),
                codes,
            },
        })
        .chain(continuous.iter().map(|values| Described {
            column: Column::Continuous { values },
        }))
        .collect();
    let table = baseline::describe(&variables, None, &BaselineConfig::default())?;

    let mut categories = Vec::new();
    let mut sites = Vec::new();
    for (i, ((variable, labels, _), summary)) in columns.iter().zip(&table.variables).enumerate() {
        let Statistics::Categorical(levels) = &summary.statistics else {
            continue;
        };
        if i < site_columns {
            for (&category, level) in labels.iter().zip(levels) {
                categories.push(CategoryCount {
                    variable,
                    category,
                    n: level.overall,
                    percent: level.percent_overall.unwrap_or(f64::NAN),
                });
            }
        } else {
            // The site's "Yes" level.
            let site = MetastaticSite::ALL[i - site_columns];
            sites.push(CategoryCount {
                variable,
                category: site.name(),
                n: levels[0].overall,
                percent: levels[0].percent_overall.unwrap_or(f64::NAN),
            });
        }
    }
    let spreads: Vec<Spread> = table.variables[columns.len()..]
        .iter()
        .map(|v| match &v.statistics {
            Statistics::Continuous { overall, .. } => Spread {
                median: overall.median.unwrap_or(f64::NAN),
                min: overall.min.unwrap_or(f64::NAN),
                max: overall.max.unwrap_or(f64::NAN),
            },
            Statistics::Categorical(_) => Spread {
                median: f64::NAN,
                min: f64::NAN,
                max: f64::NAN,
            },
        })
        .collect();
    Ok(CohortSummary {
        n: table.n,
        categories,
        sites,
        age_years: spreads[0],
        rt_dose_cgy: spreads[1],
        survival_months: spreads[2],
    })
}
