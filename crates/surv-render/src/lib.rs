//! Renders survival results for people and programs: aligned text tables, JSON,
//! CSV, and Kaplan-Meier plots as SVG.
//!
//! It computes nothing: every number it prints comes from `surv-engine` types
//! handed to it, and it reads no files. Undefined values print as `NA` in text,
//! `null` in JSON and an empty cell in CSV, never as NaN.

#![deny(missing_docs)]

pub mod output;
pub mod plot;

pub use output::OutputFormat;
