//! A survival-analysis engine that gives the same numbers as R's `survival`
//! package, on any cohort size.
//!
//! Plain slices in, plain structs out. One validated input, [`SurvivalData`]
//! (times, events, optional group and stratum codes), built once; one config
//! struct with `Default` per estimator; results named alike across estimators
//! (`n`, `n_events`, `n_risk`, `std_err`, `lower`, `upper`, `statistic`, `df`,
//! `p_value`). It knows nothing of any particular cohort, reads no files and
//! depends on no other crate of its workspace. Degenerate input gets a
//! [`SurvivalError`], never a panic, and an undefined value is `None`, never
//! NaN or infinity. With the `serde` feature every result derives
//! `serde::Serialize`.
//!
//! Every estimator is checked against values computed by R's `survival` 3.5-3
//! (and, for Gray's test, `cmprsk` 2.2-11) (`fixtures/golden/`) at a relative
//! tolerance of 1e-9; the Fine-Gray model ([`finegray`]) against `cmprsk`'s
//! `crr` at 1e-6, the precision it iterates to.
//!
//! # Kaplan-Meier, with confidence intervals at chosen times
//!
//! ```
//! use surv_engine::{kaplan_meier, ConfType, KmConfig, SurvivalData};
//!
//! let months = [9.0, 196.0, 20.0, 5.0, 18.0, 43.0, 161.0, 6.0];
//! let died = [true, false, true, true, true, true, false, true];
//! let data = SurvivalData::new(&months, &died)?;
//! let config = KmConfig { conf_type: ConfType::LogLog, ..KmConfig::default() };
//! let curve = kaplan_meier(&data, &config)?;
//! // S is exactly 0.5 from 18 to the next death at 20: R's median is the midpoint.
//! assert_eq!(curve.median().time, Some(19.0));
//! // One entry per requested time, in the order asked; past the end, `None`.
//! let at = curve.at(&[24.0, 240.0]);
//! assert!((at[0].survival.unwrap() - 0.375).abs() < 1e-12);
//! assert!(at[0].lower.unwrap() < 0.375 && 0.375 < at[0].upper.unwrap());
//! assert_eq!(at[1].survival, None);
//! # Ok::<(), surv_engine::SurvivalError>(())
//! ```
//!
//! # Log-rank, stratified, and its permutation p-value
//!
//! ```
//! use surv_engine::{log_rank, permutation_log_rank, LogRankConfig, PermutationConfig, SurvivalData};
//!
//! let months = [9.0, 13.0, 13.0, 18.0, 23.0, 28.0, 31.0, 34.0, 45.0, 48.0, 5.0, 5.0, 8.0, 8.0, 12.0, 16.0];
//! let died = [true, true, false, true, true, false, true, true, false, true, true, true, true, true, true, false];
//! let arm = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1];
//! let centre = [0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1];
//! let data = SurvivalData::new(&months, &died)?.with_groups(&arm)?.with_strata(&centre)?;
//! let config = LogRankConfig::default();
//! let test = log_rank(&data, &config)?;
//! assert_eq!(test.df, 1);
//! // The permutation test asks the same question: within centres, same weights.
//! let exact = permutation_log_rank(&data, &PermutationConfig { log_rank: config, ..PermutationConfig::default() })?;
//! assert!(exact.p_value > 0.0 && exact.p_value <= 1.0);
//! # Ok::<(), surv_engine::SurvivalError>(())
//! ```
//!
//! # Cox regression, and its test of proportional hazards
//!
//! ```
//! use surv_engine::{cox_ph, CoxConfig, SurvivalData, Ties, ZphConfig};
//!
//! let months = [5.0, 8.0, 12.0, 3.0, 9.0, 15.0, 4.0, 11.0, 7.0, 2.0];
//! let died = [true, true, false, true, true, false, true, true, true, false];
//! let treated = [0.0, 0.0, 0.0, 1.0, 1.0, 1.0, 1.0, 0.0, 1.0, 0.0];
//! let age = [61.0, 70.0, 45.0, 52.0, 66.0, 48.0, 59.0, 73.0, 50.0, 64.0];
//! let data = SurvivalData::new(&months, &died)?;
//! let fit = cox_ph(&data, &[&treated, &age], &CoxConfig { ties: Ties::Breslow, ..CoxConfig::default() })?;
//! let hr = fit.hazard_ratio[0];
//! assert!(hr.lower.unwrap() < hr.hr.unwrap() && hr.hr.unwrap() < hr.upper.unwrap());
//! let zph = fit.zph(&ZphConfig::default())?; // no data passed again
//! assert_eq!(zph.terms.len(), 2);
//! # Ok::<(), surv_engine::SurvivalError>(())
//! ```
//!
//! # Competing risks: cumulative incidence and Gray's test
//!
//! ```
//! use surv_engine::{cumulative_incidence, gray_test, CompetingRisksData, GrayConfig};
//!
//! let months = [3.0, 5.0, 5.0, 8.0, 9.0, 12.0, 2.0, 4.0, 6.0, 6.0, 7.0, 10.0];
//! let cause = [1, 2, 0, 1, 0, 2, 2, 1, 1, 0, 1, 2]; // 0 = censored
//! let arm = [0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1];
//! let data = CompetingRisksData::new(&months, &cause)?.with_groups(&arm)?;
//! let fit = cumulative_incidence(&data)?; // per arm and cause, as survfit's pstate
//! let at = fit.curve(Some(1), 1).unwrap().at(&[6.0]);
//! assert!((at[0].estimate.unwrap() - 1.0 / 3.0).abs() < 1e-15);
//! let tests = gray_test(&data, &GrayConfig::default())?; // as cmprsk::cuminc's Tests
//! assert_eq!(tests.len(), 2);
//! # Ok::<(), surv_engine::SurvivalError>(())
//! ```
//!
//! # Several tests at once
//!
//! ```
//! use surv_engine::{adjust_p_values, Adjustment};
//!
//! let p = [0.038, 0.30, 0.62, 0.49, 0.15]; // five factors' tests
//! let holm = adjust_p_values(&p, Adjustment::Holm)?; // as R's p.adjust(p, "holm")
//! assert!((holm[0] - 0.19).abs() < 1e-12);
//! # Ok::<(), surv_engine::SurvivalError>(())
//! ```
//!
//! # Power of the log-rank test
//!
//! ```
//! use surv_engine::{minimal_detectable_hazard_ratio, power, PowerConfig};
//!
//! let config = PowerConfig::default(); // 1:1 allocation, two-sided α = 0.05
//! let p = power(0.5, 24.0, &config)?;
//! assert!((p - 0.3967).abs() < 1e-4);
//! let hr = minimal_detectable_hazard_ratio(24.0, 0.8, &config)?;
//! assert!((hr - 0.3186).abs() < 1e-4);
//! # Ok::<(), surv_engine::SurvivalError>(())
//! ```

#![deny(missing_docs)]

pub mod adjust;
pub mod at_times;
pub mod baseline;
mod chisq;
mod column;
pub mod competing;
pub mod confint;
pub mod contingency;
pub mod cox;
mod data;
mod error;
pub mod finegray;
pub mod followup;
pub mod groups;
pub mod km;
mod linalg;
pub mod logrank;
mod order;
pub mod permutation;
pub mod pooling;
pub mod power;
pub mod quantile;
mod random;
pub mod rank;
pub mod rmean;
pub mod univariate;

pub use adjust::{Adjustment, adjust_p_values};
pub use at_times::SurvivalAt;
pub use chisq::ChiSquareTest;
pub use column::Column;
pub use competing::{
    CompetingRisksData, CumulativeIncidence, GrayConfig, GrayTest, IncidenceAt, IncidenceCurve,
    cumulative_incidence, gray_test,
};
pub use confint::ConfType;
pub use cox::{
    Concordance, CoxConfig, CoxFit, CoxWarning, HazardRatio, Ties, TimeTransform, Zph, ZphConfig,
    cox_ph,
};
pub use data::{RowFeature, SurvivalData};
pub use error::SurvivalError;
pub use finegray::{FineGrayConfig, FineGrayFit, fine_gray};
pub use followup::{FollowUp, median_follow_up};
pub use groups::Groups;
pub use km::{
    KmConfig, KmCurve, KmStep, WeightedCount, WeightedCounts, kaplan_meier, kaplan_meier_by_group,
};
pub use logrank::{LogRank, LogRankConfig, Trend, log_rank};
pub use permutation::{
    PermutationConfig, PermutationMethod, PermutationTest, permutation_log_rank,
};
pub use power::{PowerConfig, events_required, minimal_detectable_hazard_ratio, power};
pub use quantile::QuantileEstimate;
pub use rmean::RestrictedMean;
