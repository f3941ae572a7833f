//! The univariate analysis of one prognostic factor: per group its size,
//! events, median survival with its confidence interval and survival at chosen
//! times; the log-rank test and its permutation p-value; the Cox hazard ratio
//! of each group against the first (the reference); and, for two groups, the
//! smallest hazard ratio the events could detect. It is the table clinical
//! papers print ("univariate analysis"), as R gives it from `survfit`,
//! `survdiff` and `coxph(Surv(t, e) ~ factor(g))`.
//!
//! ```
//! use surv_engine::univariate::{analyse_factor, UnivariateConfig};
//! use surv_engine::SurvivalData;
//!
//! let months = [5.0, 8.0, 12.0, 3.0, 9.0, 15.0, 4.0, 11.0, 7.0, 2.0];
//! let died = [true, true, false, true, true, false, true, true, true, false];
//! let arm = [0, 0, 0, 0, 0, 1, 1, 1, 1, 1];
//! let data = SurvivalData::new(&months, &died)?.with_groups(&arm)?;
//! let config = UnivariateConfig { at: vec![6.0], ..UnivariateConfig::default() };
//! let factor = analyse_factor(&data, &config)?;
//! assert_eq!(factor.groups.len(), 2);
//! assert!(factor.groups[0].hazard_ratio.is_none()); // the reference
//! assert!(factor.groups[1].hazard_ratio.unwrap().hr.unwrap() > 0.0);
//! assert_eq!(factor.log_rank.df, 1);
//! assert!(factor.detectable_hr.is_some());
//! # Ok::<(), surv_engine::SurvivalError>(())
//! ```

use crate::at_times::SurvivalAt;
use crate::cox::{CoxConfig, CoxFit, HazardRatio, cox_ph};
use crate::data::SurvivalData;
use crate::error::SurvivalError;
use crate::km::{KmConfig, kaplan_meier_by_group};
use crate::logrank::{LogRank, LogRankConfig, log_rank};
use crate::permutation::{PermutationConfig, PermutationTest, permutation_log_rank};
use crate::power::{PowerConfig, minimal_detectable_hazard_ratio};
use crate::quantile::QuantileEstimate;

/// How each part of the analysis is computed.
#[derive(Debug, Clone, PartialEq)]
pub struct UnivariateConfig {
    /// The Kaplan-Meier curves (confidence level and transform).
    pub km: KmConfig,
    /// The test between groups.
    pub log_rank: LogRankConfig,
    /// Its permutation p-value; `None` leaves it out.
    pub permutation: Option<PermutationConfig>,
    /// The Cox model.
    pub cox: CoxConfig,
    /// Times at which each group's survival is read.
    pub at: Vec<f64>,
    /// Power at which the detectable hazard ratio is computed.
    pub power: f64,
    /// Two-sided level of the detectable hazard ratio's test.
    pub alpha: f64,
}

impl Default for UnivariateConfig {
    fn default() -> Self {
        UnivariateConfig {
            km: KmConfig::default(),
            log_rank: LogRankConfig::default(),
            permutation: Some(PermutationConfig::default()),
            cox: CoxConfig::default(),
            at: Vec::new(),
            power: 0.8,
            alpha: 0.05,
        }
    }
}

/// One group of a factor.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct GroupSummary {
    /// Subjects.
    pub n: usize,
    /// Events.
    pub n_events: usize,
    /// Median survival with its confidence interval.
    pub median: QuantileEstimate,
    /// Survival at each requested time, in the order asked.
    pub at: Vec<SurvivalAt>,
    /// Hazard ratio against the reference group (`None` for the reference).
    pub hazard_ratio: Option<HazardRatio>,
    /// Wald p-value of that hazard ratio (`None` for the reference).
    pub p_value: Option<f64>,
}

/// The analysis of one factor.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct FactorAnalysis {
    /// One per group, in code order; the first is the reference.
    pub groups: Vec<GroupSummary>,
    /// The log-rank (G-rho) test across the groups.
    pub log_rank: LogRank,
    /// Its permutation p-value, when asked for.
    pub permutation: Option<PermutationTest>,
    /// The Cox model with one indicator per group but the reference.
    pub cox: CoxFit,
    /// With two groups, the smallest hazard ratio below 1 that the events
    /// detect with the configured power (Schoenfeld), at the groups' allocation.
    pub detectable_hr: Option<f64>,
}

/// Analyses the groups of `data` (at least two, codes `0..k`, every code
/// used); code 0 is the reference of the hazard ratios.
pub fn analyse_factor(
    data: &SurvivalData,
    config: &UnivariateConfig,
) -> Result<FactorAnalysis, SurvivalError> {
    let Some(codes) = data.groups() else {
        return Err(SurvivalError::NoGroups);
    };
    let k = data.n_groups();
    if k < 2 {
        return Err(SurvivalError::TooFewGroups { found: k });
    }
    let curves = kaplan_meier_by_group(data, &config.km)?;
    let test = log_rank(data, &config.log_rank)?;
    let permutation = config
        .permutation
        .as_ref()
        .map(|p| {
            permutation_log_rank(
                data,
                &PermutationConfig {
                    log_rank: config.log_rank,
                    ..*p
                },
            )
        })
        .transpose()?;
    let indicators: Vec<Vec<f64>> = (1..k as u32)
        .map(|level| {
            codes
                .iter()
                .map(|&c| f64::from(u8::from(c == level)))
                .collect()
        })
        .collect();
    let columns: Vec<&[f64]> = indicators.iter().map(Vec::as_slice).collect();
    let cox = cox_ph(data, &columns, &config.cox)?;
    let groups: Vec<GroupSummary> = curves
        .iter()
        .enumerate()
        .map(|(code, curve)| GroupSummary {
            n: curve.n,
            n_events: curve.n_events,
            median: curve.median(),
            at: curve.at(&config.at),
            hazard_ratio: code.checked_sub(1).map(|i| cox.hazard_ratio[i]),
            p_value: code.checked_sub(1).and_then(|i| cox.p_value[i]),
        })
        .collect();
    let detectable_hr = if k == 2 {
        let n: usize = groups.iter().map(|g| g.n).sum();
        let events: usize = groups.iter().map(|g| g.n_events).sum();
        Some(minimal_detectable_hazard_ratio(
            events as f64,
            config.power,
            &PowerConfig {
                allocation: groups[1].n as f64 / n as f64,
                alpha: config.alpha,
            },
        )?)
    } else {
        None
    };
    Ok(FactorAnalysis {
        groups,
        log_rank: test,
        permutation,
        cox,
        detectable_hr,
    })
}
