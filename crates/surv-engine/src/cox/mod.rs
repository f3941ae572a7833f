//! Cox proportional-hazards regression, as R's `coxph` fits it and
//! `summary.coxph` reports it.
//!
//! Newton-Raphson from β = 0 on the partial likelihood (module `likelihood`), with
//! R's stopping rule (relative change of the log-likelihood ≤ `eps`), its step
//! halving when the likelihood falls, and its warning when the likelihood
//! converges while a coefficient is still running off to infinity (monotone
//! likelihood). Ties by Efron's method (R's default) or Breslow's; optional
//! strata. One sort up front; each iteration is one linear pass.

pub(crate) mod concordance;
pub(crate) mod data;
pub(crate) mod likelihood;
mod newton;
mod robust;
mod zph;

use std::sync::Arc;

use statrs::distribution::{ContinuousCDF, Normal};

use crate::chisq::ChiSquareTest;
use crate::confint::z_for_level;
use crate::data::SurvivalData;
use crate::error::SurvivalError;
use crate::linalg::Cholesky;
pub use concordance::{Concordance, ConcordanceSums};
use data::CoxData;
use likelihood::{Workspace, evaluate};
use newton::NewtonResult;
pub use newton::{CoxEvaluation, Newton, NewtonPhase};
pub use zph::{TimeTransform, Zph, ZphConfig};

/// How tied event times enter the partial likelihood.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize),
    serde(rename_all = "lowercase")
)]
pub enum Ties {
    /// Efron's approximation (R's default).
    #[default]
    Efron,
    /// Breslow's approximation.
    Breslow,
}

impl std::str::FromStr for Ties {
    type Err = String;

    /// Parses `efron` or `breslow`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        [Ties::Efron, Ties::Breslow]
            .into_iter()
            .find(|t| t.r_name() == s)
            .ok_or_else(|| format!("`{s}`; expected efron or breslow"))
    }
}

impl Ties {
    /// R's name for it: `efron` or `breslow`.
    pub fn r_name(self) -> &'static str {
        match self {
            Ties::Efron => "efron",
            Ties::Breslow => "breslow",
        }
    }
}

/// Fitting options; the defaults are R's `coxph.control()`.
///
/// ```
/// use surv_engine::{CoxConfig, Ties};
/// let config = CoxConfig { ties: Ties::Breslow, ..CoxConfig::default() };
/// assert_eq!(config.max_iter, 20);
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct CoxConfig {
    /// Handling of tied event times.
    pub ties: Ties,
    /// Most Newton-Raphson iterations (R's `iter.max`, 20).
    pub max_iter: usize,
    /// Convergence when |1 − ℓ_old/ℓ_new| ≤ `eps` (R's `eps`, 1e-9).
    pub eps: f64,
    /// Relative pivot below which the information matrix is singular (R's
    /// `toler.chol`, ε^0.75).
    pub toler_chol: f64,
    /// A last step larger than this fraction of its coefficient flags it as
    /// possibly infinite (R's `toler.inf`, √eps).
    pub toler_inf: f64,
    /// Confidence level of the hazard-ratio intervals.
    pub conf_level: f64,
}

impl Default for CoxConfig {
    fn default() -> Self {
        CoxConfig {
            ties: Ties::Efron,
            max_iter: 20,
            eps: 1e-9,
            toler_chol: f64::EPSILON.powf(0.75),
            toler_inf: 1e-9f64.sqrt(),
            conf_level: 0.95,
        }
    }
}

/// Something R would warn about; the fit is still returned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize),
    serde(tag = "kind", rename_all = "snake_case")
)]
pub enum CoxWarning {
    /// The iteration limit was reached before the log-likelihood converged.
    NotConverged {
        /// Iterations run.
        iterations: usize,
    },
    /// The log-likelihood converged while this coefficient (0-based) was still
    /// moving: its estimate may be infinite (monotone likelihood, e.g. no events
    /// in one level of a binary covariate).
    InfiniteCoefficient {
        /// 0-based covariate position.
        covariate: usize,
    },
}

impl std::fmt::Display for CoxWarning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CoxWarning::NotConverged { iterations } => {
                write!(
                    f,
                    "ran out of iterations ({iterations}) and did not converge"
                )
            }
            CoxWarning::InfiniteCoefficient { covariate } => write!(
                f,
                "log-likelihood converged before covariate {covariate}; its coefficient may be infinite"
            ),
        }
    }
}

/// A hazard ratio with its confidence interval; `None` where exp overflows or
/// the standard error is undefined.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct HazardRatio {
    /// exp(coefficient).
    pub hr: Option<f64>,
    /// Lower bound, exp(coef − z·se).
    pub lower: Option<f64>,
    /// Upper bound, exp(coef + z·se).
    pub upper: Option<f64>,
}

/// A fitted Cox model. Per-coefficient results are columns, one entry per
/// covariate in the order given.
///
/// ```
/// use surv_engine::{cox_ph, CoxConfig, SurvivalData, ZphConfig};
/// let times = [5.0, 8.0, 12.0, 3.0, 9.0, 15.0, 4.0, 11.0];
/// let events = [true, true, false, true, true, false, true, true];
/// let treated = [0.0, 0.0, 0.0, 1.0, 1.0, 1.0, 1.0, 0.0];
/// let data = SurvivalData::new(&times, &events).unwrap();
/// let fit = cox_ph(&data, &[&treated], &CoxConfig::default()).unwrap();
/// assert!(fit.warnings.is_empty());
/// let hr = fit.hazard_ratio[0];
/// assert!(hr.lower < hr.hr && hr.hr < hr.upper);
/// assert!(fit.loglik >= fit.loglik_null);
/// // The fit tests its own proportional hazards.
/// let zph = fit.zph(&ZphConfig::default()).unwrap();
/// assert_eq!(zph.terms.len(), 1);
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct CoxFit {
    /// Observations used.
    pub n: usize,
    /// Events.
    pub n_events: usize,
    /// Tie handling used.
    pub ties: Ties,
    /// Confidence level of [`CoxFit::hazard_ratio`].
    pub conf_level: f64,
    /// Coefficients (log hazard ratios).
    pub coef: Vec<f64>,
    /// Their model-based standard errors, √diag of the inverse information
    /// (R's `se(coef)`).
    pub std_err: Vec<Option<f64>>,
    /// With a robust variance (clusters, or non-integer case weights, as R
    /// decides), its standard errors (R's `robust se`); `None` otherwise.
    pub robust_std_err: Option<Vec<Option<f64>>>,
    /// Wald z statistics, coef over the robust standard error when there is
    /// one, else over the model-based one (as `summary.coxph`).
    pub z: Vec<Option<f64>>,
    /// Two-sided p-values of `z`.
    pub p_value: Vec<Option<f64>>,
    /// Hazard ratios with confidence intervals at `conf_level`.
    pub hazard_ratio: Vec<HazardRatio>,
    /// The variance matrix, row-major: the robust one when there is one (R's
    /// `fit$var`), else the inverse information at the estimate.
    pub variance: Vec<Option<f64>>,
    /// With a robust variance, the model-based one (R's `naive.var`).
    pub naive_variance: Option<Vec<Option<f64>>>,
    /// Log partial likelihood at β = 0.
    pub loglik_null: f64,
    /// Log partial likelihood at the estimate.
    pub loglik: f64,
    /// Newton-Raphson iterations run.
    pub iterations: usize,
    /// Likelihood-ratio test, 2(ℓ − ℓ₀).
    pub lr_test: ChiSquareTest,
    /// Wald test, βᵀ variance⁻¹ β (the robust variance when there is one);
    /// `None` when the variance matrix is singular.
    pub wald_test: Option<ChiSquareTest>,
    /// Score (log-rank) test at β = 0.
    pub score_test: ChiSquareTest,
    /// With a robust variance, the robust score test at β = 0 (R's
    /// `rscore`); `None` otherwise or when its variance is singular.
    pub robust_score_test: Option<ChiSquareTest>,
    /// Harrell's concordance of the linear predictor with survival.
    pub concordance: Concordance,
    /// What R would warn about.
    pub warnings: Vec<CoxWarning>,
    /// The sorted model data, kept so that the fit can test itself.
    #[cfg_attr(feature = "serde", serde(skip))]
    layout: Option<Layout>,
}

/// The model data a fit was computed from, shared by its clones.
#[derive(Clone, PartialEq)]
pub(crate) struct Layout(Arc<CoxData>);

impl std::fmt::Debug for Layout {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Layout {{ n: {}, p: {} }}", self.0.n(), self.0.p)
    }
}

/// Fits a Cox model to `data` with `covariates` (columns, each as long as the
/// data; categorical covariates as indicator columns), one baseline hazard per
/// stratum of `data`. Group codes of `data` are not used.
pub fn cox_ph(
    data: &SurvivalData,
    covariates: &[&[f64]],
    config: &CoxConfig,
) -> Result<CoxFit, SurvivalError> {
    let z_level = z_for_level(config.conf_level)?;
    // R's choice: a robust variance with clusters, or with case weights that
    // are not all whole numbers (then each row is its own cluster).
    let robust_by_default = data.clusters().is_some() || data.has_fractional_weights();
    let data = CoxData::new(data, covariates)?;
    let n_events = data.event.iter().filter(|e| **e).count();
    if n_events == 0 {
        return Err(SurvivalError::NoEvents);
    }
    let mut work = Workspace::new(data.n());
    let mut newton = Newton::new(data.p, config);
    let mut evaluated_at = Vec::with_capacity(data.p);
    while let Some(beta) = newton.wanted() {
        evaluated_at.clear();
        evaluated_at.extend_from_slice(beta);
        let e = evaluate(&data, beta, config.ties, &mut work);
        newton.receive(CoxEvaluation {
            loglik: e.loglik,
            score: e.score,
            information: e.information,
        })?;
    }
    let result = newton.result()?;
    // The last evaluation is usually at the estimate, and left its η.
    let concordance = if evaluated_at == result.coef {
        concordance::concordance(&data, work.eta())
    } else {
        let eta: Vec<f64> = data
            .x
            .chunks_exact(data.p)
            .map(|row| row.iter().zip(&result.coef).map(|(x, b)| x * b).sum())
            .collect();
        concordance::concordance(&data, &eta)
    };
    let robust = robust_by_default
        .then(|| robust_variance(&data, &result.coef, &result.variance, config, &mut work));
    let mut fit = assemble(
        result,
        Counts {
            n: data.n(),
            n_events,
        },
        concordance,
        config,
        z_level,
        None,
    )?;
    if let Some(robust) = robust {
        fit.use_robust(robust, config, z_level);
    }
    fit.layout = Some(Layout(Arc::new(data)));
    Ok(fit)
}

/// The robust variance at the estimate and the robust score test at β = 0.
struct Robust {
    variance: Vec<f64>,
    score_test: Option<ChiSquareTest>,
}

fn robust_variance(
    data: &CoxData,
    coef: &[f64],
    naive: &[f64],
    config: &CoxConfig,
    work: &mut Workspace,
) -> Robust {
    let p = data.p;
    let (scores, _) = robust::cluster_scores(data, coef, config.ties, work);
    let variance = robust::sandwich(naive, &robust::cross_product(&scores, p), p);
    let (null_scores, _) = robust::cluster_scores(data, &vec![0.0; p], config.ties, work);
    let mut u = vec![0.0; p];
    for row in null_scores.chunks_exact(p) {
        for (s, v) in u.iter_mut().zip(row) {
            *s += v;
        }
    }
    let score_test = Cholesky::new(
        &robust::cross_product(&null_scores, p),
        p,
        config.toler_chol,
    )
    .map(|f| {
        let s = f.solve(&u);
        u.iter().zip(&s).map(|(a, b)| a * b).sum::<f64>()
    })
    .and_then(|w| ChiSquareTest::new(w, p, "robust score statistic").ok());
    Robust {
        variance,
        score_test,
    }
}

/// Subjects and events of a fit.
pub(crate) struct Counts {
    pub n: usize,
    pub n_events: usize,
}

/// The fit from where Newton-Raphson ended: standard errors, tests, hazard
/// ratios and R's warnings.
pub(crate) fn assemble(
    result: NewtonResult,
    counts: Counts,
    concordance: Concordance,
    config: &CoxConfig,
    z_level: f64,
    layout: Option<Layout>,
) -> Result<CoxFit, SurvivalError> {
    let NewtonResult {
        coef,
        variance: var,
        converged,
        iterations,
        loglik_null,
        score_statistic: score_stat,
        last: current,
    } = result;
    let p = coef.len();
    let finite = |x: f64| x.is_finite().then_some(x);
    let std_err = std_errors(&var, p);

    let mut warnings = Vec::new();
    if !converged {
        warnings.push(CoxWarning::NotConverged { iterations });
    } else if config.max_iter > 1 {
        // The step a further iteration would take, U·var: large relative to the
        // coefficient means the likelihood is still rising towards infinity.
        for j in 0..p {
            let step: f64 = (0..p)
                .map(|l| current.score[l] * var[l * p + j])
                .sum::<f64>()
                .abs();
            if step > config.eps && step > config.toler_inf * coef[j].abs() {
                warnings.push(CoxWarning::InfiniteCoefficient { covariate: j });
            }
        }
    }

    let Inference {
        z,
        p_value,
        hazard_ratio,
        wald_test,
    } = Inference::of(&coef, &var, &std_err, config, z_level);
    Ok(CoxFit {
        n: counts.n,
        n_events: counts.n_events,
        ties: config.ties,
        conf_level: config.conf_level,
        lr_test: ChiSquareTest::new(
            2.0 * (current.loglik - loglik_null),
            p,
            "likelihood-ratio statistic",
        )?,
        wald_test,
        score_test: ChiSquareTest::new(score_stat, p, "score statistic")?,
        robust_score_test: None,
        z,
        p_value,
        hazard_ratio,
        std_err,
        robust_std_err: None,
        variance: var.into_iter().map(finite).collect(),
        naive_variance: None,
        coef,
        loglik_null,
        loglik: current.loglik,
        iterations,
        concordance,
        warnings,
        layout,
    })
}

/// What follows from the coefficients and the variance the tests use.
struct Inference {
    z: Vec<Option<f64>>,
    p_value: Vec<Option<f64>>,
    hazard_ratio: Vec<HazardRatio>,
    wald_test: Option<ChiSquareTest>,
}

impl Inference {
    fn of(
        coef: &[f64],
        var: &[f64],
        std_err: &[Option<f64>],
        config: &CoxConfig,
        z_level: f64,
    ) -> Inference {
        let p = coef.len();
        let finite = |x: f64| x.is_finite().then_some(x);
        let wald_test = Cholesky::new(var, p, config.toler_chol)
            .map(|f| {
                let s = f.solve(coef);
                coef.iter().zip(&s).map(|(a, b)| a * b).sum::<f64>()
            })
            .and_then(|w| ChiSquareTest::new(w, p, "Wald statistic").ok());
        let normal = Normal::standard();
        let z: Vec<Option<f64>> = coef
            .iter()
            .zip(std_err)
            .map(|(b, s)| s.and_then(|s| finite(b / s)))
            .collect();
        let p_value = z
            .iter()
            .map(|z| z.map(|z| 2.0 * normal.cdf(-z.abs())))
            .collect();
        let hazard_ratio = coef
            .iter()
            .zip(std_err)
            .map(|(&b, s)| HazardRatio {
                hr: finite(b.exp()),
                lower: s.and_then(|s| finite((b - z_level * s).exp())),
                upper: s.and_then(|s| finite((b + z_level * s).exp())),
            })
            .collect();
        Inference {
            z,
            p_value,
            hazard_ratio,
            wald_test,
        }
    }
}

/// √diag of a p × p variance, `None` where not a positive finite number.
fn std_errors(var: &[f64], p: usize) -> Vec<Option<f64>> {
    (0..p)
        .map(|j| Some(var[j * p + j].sqrt()).filter(|s| s.is_finite() && *s > 0.0))
        .collect()
}

impl CoxFit {
    /// Switches the tests and intervals to the robust variance, keeping the
    /// model-based one beside it, as `summary.coxph` reports a clustered fit.
    fn use_robust(&mut self, robust: Robust, config: &CoxConfig, z_level: f64) {
        let p = self.coef.len();
        let robust_std_err = std_errors(&robust.variance, p);
        let Inference {
            z,
            p_value,
            hazard_ratio,
            wald_test,
        } = Inference::of(
            &self.coef,
            &robust.variance,
            &robust_std_err,
            config,
            z_level,
        );
        self.z = z;
        self.p_value = p_value;
        self.hazard_ratio = hazard_ratio;
        self.wald_test = wald_test;
        self.robust_score_test = robust.score_test;
        self.robust_std_err = Some(robust_std_err);
        let finite = |x: f64| x.is_finite().then_some(x);
        self.naive_variance = Some(std::mem::replace(
            &mut self.variance,
            robust.variance.into_iter().map(finite).collect(),
        ));
    }
}
