//! Renders survival results for people and programs: aligned text tables, JSON
//! and tidy CSV ([`km`], [`logrank`], [`cox`]), and Kaplan-Meier figures as
//! SVG, PNG or PDF ([`plot`]).
//!
//! It computes nothing: every number it prints comes from the `surv-engine`
//! types handed to it, and it reads no files. JSON and CSV are written by
//! serde_json and the `csv` crate, never by joining strings. Undefined values
//! print as `NA` in text, `null` in JSON and an empty cell in CSV, never as NaN.
//!
//! ```
//! use surv_engine::{kaplan_meier, KmConfig, SurvivalData};
//! use surv_render::km::{self, KmCurveOutput};
//! use surv_render::OutputFormat;
//!
//! let data = SurvivalData::new(&[5.0, 8.0, 12.0], &[true, false, true]).unwrap();
//! let curve = kaplan_meier(&data, &KmConfig::default()).unwrap();
//! let output = [KmCurveOutput { group: Some("Bone, liver"), curve: &curve, at: &[6.0], rmean: None }];
//! let csv = km::render(&output, 0, OutputFormat::Csv);
//! assert!(csv.starts_with("kind,group,time,"));
//! assert!(csv.contains("\"Bone, liver\"")); // quoted, one field
//! let json: serde_json::Value = serde_json::from_str(&km::render(&output, 0, OutputFormat::Json)).unwrap();
//! assert_eq!(json["curves"][0]["at"][0]["survival"], 2.0 / 3.0);
//! ```

#![deny(missing_docs)]

mod coefficients;
pub mod cox;
pub mod cuminc;
pub mod finegray;
mod format;
pub mod km;
pub mod logrank;
pub mod plot;
pub mod table1;
pub mod text;
mod tidy;
pub mod univariate;

pub use format::OutputFormat;
