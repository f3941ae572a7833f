//! Reproduction artefacts for Dizdar, Özkaya Toraman and Altun, *Locoregional
//! Treatment for De Novo Metastatic Nasopharyngeal Carcinoma* (Turk J Oncol
//! 2021): Table 1 and Table 2 regenerated from the patient rows, Figure 1 (the
//! Kaplan-Meier curve), the survival summary, the univariate analysis and a
//! claims ledger that sets every number the paper states beside the number the
//! rows give.
//!
//! This crate applies the generic tools to the paper's data and judges the
//! paper's claims against them: the statistics come from `surv-engine`, the
//! drawing and table rendering from `surv-render`, the data from
//! `dizdar2021-cohort`. It must not estimate anything itself. It reads no files: the paper's fixtures are
//! embedded, so the same reproduction runs from a checkout (`cargo xtask
//! reproduce`) and from the installed binary (`npcsurv reproduce`).
//!
//! ```
//! let r = dizdar2021_reproduction::Reproduction::build().unwrap();
//! assert_eq!(r.cohort.len(), 35);
//! let two_years = r.survival.landmarks[0];
//! assert_eq!(two_years.time, 24.0);
//! assert!((two_years.survival.unwrap() - 0.514).abs() < 0.001);
//! ```

#![deny(missing_docs)]

pub mod beyond;
pub mod claims;
mod error;
pub mod factors;
pub mod figure;
pub mod overlap;
pub mod predicate;
mod render;
mod reproduction;
pub mod survival_summary;
pub mod table1;
pub mod table2;
pub mod univariate;

pub use error::ReportError;
pub use reproduction::{Reproduction, VerdictCounts};
