//! The test of proportional hazards of R's `cox.zph` (survival 3.x): a score
//! test, at the fitted β, for adding each covariate's interaction with a
//! transform g(t) of time. A non-zero interaction means the covariate's effect
//! changes over time.
//!
//! With e_t and V_t an event time's contributions to the score and information
//! at β̂, and g̃ the transform centred over the events, the test uses the score
//! (0, Σ g̃·e_t) and the information [[ΣV, Σg̃V], [Σg̃V, Σg̃²V]] of the model with
//! the interactions added; per covariate on its own block, and globally.

use super::CoxFit;
use super::data::CoxData;
use super::likelihood::{Workspace, for_each_event_time};
use crate::chisq::ChiSquareTest;
use crate::data::SurvivalData;
use crate::error::SurvivalError;
use crate::km::{KmConfig, kaplan_meier};

/// The transform of time the effects may vary with (R's `transform`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize),
    serde(rename_all = "lowercase")
)]
pub enum TimeTransform {
    /// 1 − S(t−), S the Kaplan-Meier of all subjects (R's default).
    #[default]
    Km,
    /// Time itself.
    Identity,
    /// The rank of the time among all subjects' times (ties averaged).
    Rank,
    /// The logarithm of time.
    Log,
}

impl std::str::FromStr for TimeTransform {
    type Err = String;

    /// Parses R's names: `km`, `identity`, `rank`, `log`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        [
            TimeTransform::Km,
            TimeTransform::Identity,
            TimeTransform::Rank,
            TimeTransform::Log,
        ]
        .into_iter()
        .find(|t| t.r_name() == s)
        .ok_or_else(|| format!("`{s}`; expected km, identity, rank or log"))
    }
}

impl TimeTransform {
    /// R's name for it: `km`, `identity`, `rank` or `log`.
    pub fn r_name(self) -> &'static str {
        match self {
            TimeTransform::Km => "km",
            TimeTransform::Identity => "identity",
            TimeTransform::Rank => "rank",
            TimeTransform::Log => "log",
        }
    }
}

/// Options of the proportional-hazards test; the default is R's.
///
/// ```
/// use surv_engine::{TimeTransform, ZphConfig};
/// assert_eq!(ZphConfig::default().transform, TimeTransform::Km);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct ZphConfig {
    /// The transform of time the effects may vary with.
    pub transform: TimeTransform,
}

/// The proportional-hazards test of a Cox model.
///
/// ```
/// use surv_engine::{cox_ph, CoxConfig, SurvivalData, TimeTransform, ZphConfig};
/// let times = [5.0, 8.0, 12.0, 3.0, 9.0, 15.0, 4.0, 11.0, 7.0, 2.0];
/// let events = [true, true, false, true, true, false, true, true, true, false];
/// let x = [0.0, 0.0, 0.0, 1.0, 1.0, 1.0, 1.0, 0.0, 1.0, 0.0];
/// let fit = cox_ph(&SurvivalData::new(&times, &events).unwrap(), &[&x], &CoxConfig::default()).unwrap();
/// let zph = fit.zph(&ZphConfig { transform: TimeTransform::Rank }).unwrap();
/// assert_eq!(zph.terms.len(), 1);
/// assert!(zph.global.p_value > 0.0 && zph.global.p_value <= 1.0);
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Zph {
    /// The transform used.
    pub transform: TimeTransform,
    /// One test per covariate, in covariate order (1 df each).
    pub terms: Vec<ChiSquareTest>,
    /// The global test over all covariates.
    pub global: ChiSquareTest,
}

impl CoxFit {
    /// Tests the proportional-hazards assumption of this fit, as R's
    /// `cox.zph(fit, transform)`: on the data the fit was computed from.
    pub fn zph(&self, config: &ZphConfig) -> Result<Zph, SurvivalError> {
        match &self.layout {
            // Entry times, weights and clusters need nothing of their own:
            // the risk-set walk honours the first two, and the test uses the
            // model-based information, as R's cox.zph does.
            Some(layout) => zph(self, &layout.0, config.transform),
            // A fit pooled from sites has no rows to test.
            None => Err(SurvivalError::InvalidParameter {
                name: "zph",
                value: f64::NAN,
                expected: "a fit computed from its rows, not pooled from sites",
            }),
        }
    }
}

fn zph(fit: &CoxFit, data: &CoxData, transform: TimeTransform) -> Result<Zph, SurvivalError> {
    let p = data.p;
    let g = transformed_event_times(data, transform)?;
    // Centre over the event rows, each event counted once.
    let (mut sum, mut count) = (0.0, 0usize);
    for (gi, &event) in g.iter().zip(&data.event) {
        if event {
            sum += gi;
            count += 1;
        }
    }
    let mean = sum / count.max(1) as f64;

    let q = 2 * p;
    let mut score = vec![0.0; q];
    let mut info = vec![0.0; q * q];
    let mut work = Workspace::new(data.n());
    for_each_event_time(data, &fit.coef, fit.ties, &mut work, |t| {
        let gt = g[t.start] - mean;
        for j in 0..p {
            score[p + j] += gt * t.score[j];
            for l in 0..=j {
                let v = t.information[j * p + l];
                for (a, b, w) in [
                    (j, l, 1.0),
                    (p + j, l, gt),
                    (j, p + l, gt),
                    (p + j, p + l, gt * gt),
                ] {
                    info[a * q + b] += w * v;
                    if j != l {
                        info[b * q + a] += w * v;
                    }
                }
            }
        }
    });
    // The fitted β solves the first block: its score is zero by construction.
    let quadratic = |keep: &[usize]| -> Result<f64, SurvivalError> {
        let m = keep.len();
        let sub: Vec<f64> = keep
            .iter()
            .flat_map(|&a| keep.iter().map(move |&b| (a, b)))
            .map(|(a, b)| info[a * q + b])
            .collect();
        let u: Vec<f64> = keep.iter().map(|&a| score[a]).collect();
        crate::linalg::quadratic_form_inverse(&sub, &u, f64::EPSILON * m as f64)
            .ok_or(SurvivalError::SingularVariance)
    };
    let mut terms = Vec::with_capacity(p);
    for j in 0..p {
        let keep: Vec<usize> = (0..p).chain([p + j]).collect();
        terms.push(ChiSquareTest::new(
            quadratic(&keep)?,
            1,
            "cox.zph statistic",
        )?);
    }
    let all: Vec<usize> = (0..q).collect();
    Ok(Zph {
        transform,
        terms,
        global: ChiSquareTest::new(quadratic(&all)?, p, "cox.zph statistic")?,
    })
}

/// g(t) for every sorted row (only event rows are used).
fn transformed_event_times(
    data: &CoxData,
    transform: TimeTransform,
) -> Result<Vec<f64>, SurvivalError> {
    Ok(match transform {
        TimeTransform::Identity => data.time.to_vec(),
        TimeTransform::Log => data.time.iter().map(|t| t.ln()).collect(),
        TimeTransform::Km => {
            // The pooled curve, strata ignored (entry times kept, weights not,
            // as R's survfitKM(y) in cox.zph); its value just before each time.
            let mut pooled = SurvivalData::new(&data.time, &data.event)?;
            if let Some(entry) = &data.entry {
                pooled = pooled.with_entry(&entry.start)?;
            }
            let curve = kaplan_meier(&pooled, &KmConfig::default())?;
            data.time
                .iter()
                .map(|&t| {
                    let before = curve.time.partition_point(|&s| s < t);
                    1.0 - if before == 0 {
                        1.0
                    } else {
                        curve.survival[before - 1]
                    }
                })
                .collect()
        }
        TimeTransform::Rank => {
            // Average ranks of the times among all subjects' times.
            let mut sorted = data.time.to_vec();
            sorted.sort_by(f64::total_cmp);
            data.time
                .iter()
                .map(|&t| {
                    let below = sorted.partition_point(|&s| s < t);
                    let up_to = sorted.partition_point(|&s| s <= t);
                    (below + 1 + up_to) as f64 / 2.0
                })
                .collect()
        }
    })
}
