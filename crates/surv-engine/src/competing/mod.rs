//! Competing risks: when an event of one cause (death without relapse)
//! precludes another (relapse), the probability of each cause by time t is
//! its cumulative incidence, not one minus a Kaplan-Meier curve that censors
//! the other causes.
//!
//! [`CompetingRisksData`] is the validated input (times, causes coded 0 =
//! censored and `1..=k`, optional group codes). [`cumulative_incidence`]
//! gives the Aalen-Johansen estimate of every cause per group, with R's
//! infinitesimal-jackknife standard error, read at chosen times by
//! [`IncidenceCurve::at`]; [`gray_test`] compares the groups cause by cause.
//! Both sort the data once; the estimator is linear after the sort.
//!
//! Checked against R at a relative tolerance of 1e-9: the curves against
//! `survival::survfit(Surv(time, factor(status)) ~ group)` and
//! `summary(fit, times =)`, the tests against `cmprsk::cuminc()$Tests`
//! (`fixtures/golden/generate_competing.R`).
//!
//! ```
//! use surv_engine::{cumulative_incidence, gray_test, CompetingRisksData, GrayConfig};
//!
//! // Months to relapse (1) or death without relapse (2); 0 = censored.
//! let months = [3.0, 5.0, 5.0, 8.0, 9.0, 12.0, 2.0, 4.0, 6.0, 6.0, 7.0, 10.0];
//! let cause = [1, 2, 0, 1, 0, 2, 2, 1, 1, 0, 1, 2];
//! let arm = [0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1];
//! let data = CompetingRisksData::new(&months, &cause)?.with_groups(&arm)?;
//!
//! let fit = cumulative_incidence(&data)?;
//! let relapse = fit.curve(Some(0), 1).unwrap();
//! let at = relapse.at(&[6.0, 24.0]);
//! assert!((at[0].estimate.unwrap() - 1.0 / 6.0).abs() < 1e-15);
//! assert!(at[0].std_err.unwrap() > 0.0);
//! assert_eq!(at[1].estimate, None); // past the arm's last time: not estimated
//!
//! let tests = gray_test(&data, &GrayConfig::default())?;
//! assert_eq!((tests[0].cause, tests[1].cause), (1, 2));
//! # Ok::<(), surv_engine::SurvivalError>(())
//! ```

mod aalen_johansen;
mod at_times;
mod data;
mod gray;

pub use aalen_johansen::{CumulativeIncidence, IncidenceCurve, cumulative_incidence};
pub use at_times::IncidenceAt;
pub use data::CompetingRisksData;
pub use gray::{GrayConfig, GrayTest, gray_test};
