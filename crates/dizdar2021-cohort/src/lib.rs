//! The cohort of Dizdar, Özkaya Toraman and Altun, *Locoregional Treatment for De
//! Novo Metastatic Nasopharyngeal Carcinoma* (Turk J Oncol 2021), as typed records.
//!
//! This crate is the paper's data model: one [`Patient`] per row of the paper's
//! Table 2, loaded from CSV, TSV or Parquet (read by `surv-reader`) with an error
//! naming file, row, column and value for anything it cannot read; the derived
//! values the analysis splits on, each defined once ([`derived`]); Table 1
//! summaries ([`summary`]); and the facts the paper states only in aggregate
//! ([`aggregate`]).
//!
//! It must not read files of any other shape (that is `surv-reader`'s job) and
//! does no statistics beyond counting: survival estimates live in `surv-engine`,
//! which knows nothing of this cohort.
//!
//! ```
//! let cohort = dizdar2021_cohort::dizdar2021::cohort().unwrap();
//! assert_eq!(cohort.len(), 35);
//! let deaths = cohort.patients().iter().filter(|p| p.died()).count();
//! assert_eq!(deaths, 24);
//! let summary = cohort.summary().unwrap();
//! assert_eq!(summary.count("Gender", "Male").unwrap().n, 30);
//! ```

#![deny(missing_docs)]

pub mod aggregate;
pub mod codes;
pub mod derived;
pub mod dizdar2021;
mod error;
pub mod load;
pub mod model;
pub mod summary;

use std::path::Path;

pub use aggregate::{AggregateFact, AggregateFacts};
pub use error::LoadError;
pub use model::*;
pub use summary::CohortSummary;
pub use surv_reader::Format;

/// A loaded cohort: at least one patient, patient numbers unique, rows in file order.
#[derive(Debug, Clone, PartialEq)]
pub struct Cohort {
    source: String,
    patients: Vec<Patient>,
}

impl Cohort {
    /// Loads a `.csv`, `.tsv` or `.parquet` file in the patient schema ([`load::COLUMNS`]).
    pub fn load(path: &Path) -> Result<Cohort, LoadError> {
        load::load_path(path)
    }

    /// Loads from bytes in memory; `name` is how errors refer to them.
    pub fn from_bytes(name: &str, format: Format, bytes: Vec<u8>) -> Result<Cohort, LoadError> {
        load::load_bytes(name, format, bytes)
    }

    pub(crate) fn from_loaded(source: String, patients: Vec<Patient>) -> Cohort {
        Cohort { source, patients }
    }

    /// Where the cohort was read from.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// The patients, in file order.
    pub fn patients(&self) -> &[Patient] {
        &self.patients
    }

    /// Number of patients.
    pub fn len(&self) -> usize {
        self.patients.len()
    }

    /// Always false: a loaded cohort has at least one patient.
    pub fn is_empty(&self) -> bool {
        self.patients.is_empty()
    }

    /// Overall-survival times, months, in patient order.
    pub fn survival_months(&self) -> Vec<f64> {
        self.patients.iter().map(|p| p.survival_months).collect()
    }

    /// Overall-survival events (death from any cause), in patient order.
    pub fn deaths(&self) -> Vec<bool> {
        self.patients.iter().map(Patient::died).collect()
    }

    /// The Table 1 summary.
    pub fn summary(&self) -> Result<CohortSummary, surv_engine::SurvivalError> {
        summary::summarize(&self.patients)
    }
}
