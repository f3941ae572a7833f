//! A survival-analysis engine that gives the same numbers as R's `survival`
//! package, on any cohort size.
//!
//! It takes plain columns (times as `&[f64]`, events as `&[bool]`, group codes as
//! `&[u32]`) and returns plain structs. It knows nothing of any particular cohort,
//! reads no files and depends on no other crate of this workspace. Degenerate input
//! gets a [`SurvivalError`], never a panic, and an undefined value is `None`, never
//! NaN.
//!
//! Every estimator is checked against values computed by R's `survival` 3.5-3
//! (`fixtures/golden/`) at a relative tolerance of 1e-9: Kaplan-Meier with
//! Greenwood standard errors and `log`, `log-log` and `plain` intervals
//! ([`km`]), the median and quantiles as `print.survfit` and `quantile.survfit`
//! give them ([`quantile`]), the curve at chosen times ([`at_times`]), the
//! restricted mean ([`rmean`]), reverse Kaplan-Meier follow-up ([`followup`]) and
//! the G-rho tests of `survdiff` with strata and the test for trend
//! ([`logrank`]).
//!
//! ```
//! use surv_engine::km::{kaplan_meier, KmConfig};
//! use surv_engine::logrank::log_rank;
//!
//! let months = [9.0, 196.0, 20.0, 5.0, 18.0, 43.0, 161.0, 6.0];
//! let died = [true, false, true, true, true, true, false, true];
//! let curve = kaplan_meier(&months, &died, &KmConfig::default()).unwrap();
//! // S is exactly 0.5 from 18 to the next death at 20: R's median is the midpoint.
//! assert_eq!(curve.median().time, Some(19.0));
//! let at_two_years = &curve.at(&[24.0])[0];
//! assert!((at_two_years.survival - 0.375).abs() < 1e-12);
//!
//! let sex = [0, 0, 0, 1, 0, 0, 1, 1];
//! let test = log_rank(&months, &died, &sex, None, 0.0).unwrap();
//! assert_eq!(test.df, 1);
//! ```

#![deny(missing_docs)]

pub mod at_times;
pub mod confint;
pub mod cox;
mod error;
pub mod followup;
pub mod groups;
pub mod km;
mod linalg;
pub mod logrank;
mod order;
pub mod permutation;
pub mod power;
pub mod quantile;
pub mod rmean;

pub use confint::ConfType;
pub use error::SurvivalError;
pub use km::{KmConfig, KmCurve, kaplan_meier, kaplan_meier_by_group};
pub use logrank::{LogRank, log_rank};
