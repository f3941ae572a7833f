//! The univariate analysis: for each factor, the groups' sizes, deaths, median
//! and two-year survival, the log-rank test (and its permutation p-value), Cox
//! hazard ratios with confidence intervals, and the smallest hazard ratio the
//! cohort's deaths could have detected.

use dizdar2021_cohort::Cohort;
use serde::Serialize;
use surv_engine::SurvivalError;
use surv_engine::cox::HazardRatio;
use surv_engine::logrank::{LogRank, Trend};
use surv_engine::univariate::{UnivariateConfig, analyse_factor};
use surv_engine::{Adjustment, SurvivalData, adjust_p_values};

use crate::factors::Factor;

/// Months at which group survival is reported.
pub const LANDMARK_MONTHS: f64 = 24.0;

/// Power at which the detectable hazard ratio is computed.
pub const POWER: f64 = 0.8;

/// One level of a factor.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LevelRow {
    /// Level name.
    pub level: String,
    /// Patients.
    pub n: usize,
    /// Deaths.
    pub deaths: usize,
    /// Kaplan-Meier median survival, months (`None`: not reached).
    pub median_os: Option<f64>,
    /// Survival at [`LANDMARK_MONTHS`], percent (`None`: follow-up ends earlier).
    pub os_24_percent: Option<f64>,
    /// Hazard ratio against the reference level (`None` for the reference).
    pub hazard_ratio: Option<HazardRatio>,
}

/// The analysis of one factor.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FactorResult {
    /// Factor id.
    pub id: String,
    /// Factor name.
    pub label: String,
    /// Whether the paper names it.
    pub named_by_paper: bool,
    /// The reading of an ambiguous definition, if any.
    pub reading: Option<String>,
    /// The levels with patients, reference first.
    pub levels: Vec<LevelRow>,
    /// Log-rank chi-square.
    pub logrank_chisq: f64,
    /// Its degrees of freedom.
    pub logrank_df: usize,
    /// Its p-value.
    pub logrank_p: f64,
    /// Permutation p-value of the log-rank test.
    pub permutation_p: f64,
    /// The log-rank p, Holm-adjusted across the factors the paper names
    /// (`None` for the others).
    pub logrank_p_holm_paper: Option<f64>,
    /// The permutation p, Holm-adjusted across the factors the paper names.
    pub permutation_p_holm_paper: Option<f64>,
    /// The log-rank p, Holm-adjusted across every factor analysed.
    pub logrank_p_holm_all: f64,
    /// The permutation p, Holm-adjusted across every factor analysed.
    pub permutation_p_holm_all: f64,
    /// How the permutation p-value was obtained.
    pub permutation_method: String,
    /// Test for trend over ordered levels, p-value.
    pub trend_p: Option<f64>,
    /// Smallest hazard ratio below 1 detectable with 80 % power (two-level factors).
    pub detectable_hr: Option<f64>,
    /// Warnings of the Cox fit (e.g. a level without deaths).
    pub cox_warnings: Vec<String>,
}

/// Analyses every factor on the cohort, then adjusts the p-values for the
/// number of factors tested (Holm): once across the factors the paper names,
/// once across all.
pub fn analyse_all(
    cohort: &Cohort,
    factors: &[Factor],
) -> Result<Vec<FactorResult>, SurvivalError> {
    let mut results = factors
        .iter()
        .map(|f| analyse(cohort, f))
        .collect::<Result<Vec<_>, _>>()?;
    let adjusted = |pick: fn(&FactorResult) -> f64, keep: fn(&FactorResult) -> bool| {
        let chosen: Vec<usize> = (0..results.len()).filter(|&i| keep(&results[i])).collect();
        let p: Vec<f64> = chosen.iter().map(|&i| pick(&results[i])).collect();
        adjust_p_values(&p, Adjustment::Holm).map(|a| {
            let mut all = vec![None; results.len()];
            for (&i, a) in chosen.iter().zip(a) {
                all[i] = Some(a);
            }
            all
        })
    };
    let paper = |f: &FactorResult| f.named_by_paper;
    let every = |_: &FactorResult| true;
    let logrank_paper = adjusted(|f| f.logrank_p, paper)?;
    let permutation_paper = adjusted(|f| f.permutation_p, paper)?;
    let logrank_all = adjusted(|f| f.logrank_p, every)?;
    let permutation_all = adjusted(|f| f.permutation_p, every)?;
    for (i, r) in results.iter_mut().enumerate() {
        r.logrank_p_holm_paper = logrank_paper[i];
        r.permutation_p_holm_paper = permutation_paper[i];
        r.logrank_p_holm_all = logrank_all[i].unwrap_or(r.logrank_p);
        r.permutation_p_holm_all = permutation_all[i].unwrap_or(r.permutation_p);
    }
    Ok(results)
}

/// Analyses one factor on the cohort; the adjusted p-values are left
/// unadjusted until [`analyse_all`] has them all.
fn analyse(cohort: &Cohort, factor: &Factor) -> Result<FactorResult, SurvivalError> {
    let times = cohort.survival_months();
    let deaths = cohort.deaths();
    let raw: Vec<usize> = cohort.patients().iter().map(factor.level_of).collect();
    // Keep the levels that have patients, in their defined order.
    let present: Vec<usize> = (0..factor.levels.len())
        .filter(|l| raw.contains(l))
        .collect();
    let codes: Vec<u32> = raw
        .iter()
        .map(|l| present.iter().position(|p| p == l).unwrap_or(0) as u32)
        .collect();
    let k = present.len();

    let data = SurvivalData::new(&times, &deaths)?.with_groups(&codes)?;
    // The same analysis `npcsurv univariate` runs on any cohort.
    let config = UnivariateConfig {
        at: vec![LANDMARK_MONTHS],
        power: POWER,
        ..UnivariateConfig::default()
    };
    let analysis = analyse_factor(&data, &config)?;
    let test: &LogRank = &analysis.log_rank;
    let trend: Option<Trend> = match factor.trend_scores {
        Some(scores) if k == factor.levels.len() => Some(test.trend(scores)?),
        _ => None,
    };
    // Asked for by the default config above.
    let Some(permutation) = analysis.permutation else {
        return Err(SurvivalError::NoGroups);
    };
    let levels = present
        .iter()
        .zip(&analysis.groups)
        .map(|(&level, group)| LevelRow {
            level: factor.levels[level].to_owned(),
            n: group.n,
            deaths: group.n_events,
            median_os: group.median.time,
            os_24_percent: group.at.first().and_then(|a| a.survival).map(|s| 100.0 * s),
            hazard_ratio: group.hazard_ratio,
        })
        .collect::<Vec<_>>();
    let detectable_hr = analysis.detectable_hr;
    let fit = &analysis.cox;
    Ok(FactorResult {
        id: factor.id.to_owned(),
        label: factor.label.to_owned(),
        named_by_paper: factor.named_by_paper,
        reading: factor.reading.map(str::to_owned),
        levels,
        logrank_chisq: test.statistic,
        logrank_df: test.df,
        logrank_p: test.p_value,
        permutation_p: permutation.p_value,
        logrank_p_holm_paper: None,
        permutation_p_holm_paper: None,
        logrank_p_holm_all: test.p_value,
        permutation_p_holm_all: permutation.p_value,
        permutation_method: match permutation.method {
            surv_engine::permutation::PermutationMethod::Exact { relabellings } => {
                format!("exact ({relabellings} relabellings)")
            }
            surv_engine::permutation::PermutationMethod::MonteCarlo { resamples, seed } => {
                format!(
                    "Monte Carlo ({resamples} resamples, seed {seed}, SE {:.4})",
                    permutation.std_err.unwrap_or(0.0)
                )
            }
        },
        trend_p: trend.map(|t| t.p_value),
        detectable_hr,
        cox_warnings: fit.warnings.iter().map(ToString::to_string).collect(),
    })
}
