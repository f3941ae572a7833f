//! Reproduction artefacts for Dizdar, Özkaya Toraman and Altun (Turk J Oncol 2021):
//! the tables, figure and claims ledger, rendered from the cohort and the survival
//! engine.
//!
//! This crate renders; it computes no statistics of its own (they come from
//! `npc-survival`) and reads no files (the paper's fixtures are embedded in
//! `npc-cohort`), so the same reproduction runs from a checkout and from the
//! installed binary.
//!
//! ```
//! let cohort = npc_cohort::dizdar2021::cohort().unwrap();
//! let markdown = npc_report::table1::markdown(&cohort.summary());
//! assert!(markdown.contains("| Gender | Male | 30 | 85.7 |"));
//! ```

#![deny(missing_docs)]

pub mod table1;
