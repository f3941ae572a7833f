//! The Fine-Gray proportional subdistribution hazards model for competing
//! risks, as `cmprsk::crr` fits it and `summary.crr` reports it.
//!
//! Fine and Gray (1999, JASA 94:496–509) model the hazard of the cumulative
//! incidence of one cause. Subjects who failed from another cause stay in
//! its risk sets, weighted by Ĝ(t−)/Ĝ(Tᵢ−), Ĝ the Kaplan-Meier estimate of
//! the censoring distribution (censorings as its events, failures tied with
//! a censoring at risk for it). The fit solves that weighted score equation
//! (Breslow's handling of ties, `crr`'s "weighted estimating equation") by
//! `crr`'s Newton-Raphson: from β = 0, stop when
//! maxⱼ |Uⱼ|·max(|βⱼ|, 1) < `gtol`·max(|ℓ|, 1), otherwise step by I⁻¹U,
//! halving the step (at most 20 times) until ℓ rises by at least 10⁻⁴ of
//! the step's predicted gain. The variance is `crr`'s sandwich, which counts
//! what estimating Ĝ adds (module `variance`).
//!
//! One sort up front; each iteration and the variance are linear passes,
//! O(n·p²). Times are compared exactly, as `crr`'s Fortran does (R's
//! `survfit`, which `crr` calls for Ĝ, would merge times equal up to
//! rounding; data whose times differ only in their last bits may differ
//! from `crr` there). Checked against `cmprsk` 2.2-11 at a relative 1e-6
//! (`fixtures/golden/generate_finegray.R`).
//!
//! ```
//! use surv_engine::finegray::{FineGrayConfig, fine_gray};
//!
//! // 0 censored, 1 relapse (the cause of interest), 2 death without relapse.
//! let months = [3.0, 5.0, 5.0, 8.0, 9.0, 12.0, 12.0, 15.0, 18.0, 20.0, 24.0, 30.0];
//! let cause = [1, 2, 1, 0, 1, 2, 0, 1, 2, 0, 1, 0];
//! let age = [71.0, 64.0, 58.0, 49.0, 66.0, 80.0, 55.0, 62.0, 77.0, 45.0, 59.0, 52.0];
//! let fit = fine_gray(&months, &cause, 1, &[&age], &FineGrayConfig::default())?;
//! assert!(fit.converged);
//! assert_eq!((fit.n, fit.n_events, fit.n_competing), (12, 5, 3));
//! let hr = fit.hazard_ratio[0];
//! assert!(hr.lower.unwrap() < hr.hr.unwrap() && hr.hr.unwrap() < hr.upper.unwrap());
//! assert!(fit.loglik >= fit.loglik_null);
//! # Ok::<(), surv_engine::SurvivalError>(())
//! ```

mod data;
mod likelihood;
mod variance;

use statrs::distribution::{ContinuousCDF, Normal};

use crate::confint::z_for_level;
use crate::cox::HazardRatio;
use crate::error::SurvivalError;
use crate::linalg::Cholesky;
use data::FineGrayData;
use likelihood::{Evaluation, Workspace, evaluate, loglik};

/// Relative pivot below which the information matrix counts as singular (as
/// [`crate::CoxConfig::toler_chol`]).
const TOLER_CHOL: f64 = 1.8189894035458617e-12; // ε^0.75 = 2^−39

/// Most halvings of one Newton step, as `crr`.
const MAX_HALVINGS: usize = 20;

/// Fitting options; the defaults are `crr`'s.
///
/// ```
/// use surv_engine::finegray::FineGrayConfig;
/// let config = FineGrayConfig::default();
/// assert_eq!((config.max_iter, config.gtol, config.conf_level), (10, 1e-6, 0.95));
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct FineGrayConfig {
    /// Most Newton-Raphson steps (`crr`'s `maxiter`, 10; 0 evaluates at β = 0
    /// only).
    pub max_iter: usize,
    /// Convergence when maxⱼ |Uⱼ|·max(|βⱼ|, 1) < `gtol`·max(|ℓ|, 1) (`crr`'s
    /// `gtol`, 1e-6).
    pub gtol: f64,
    /// Confidence level of the hazard-ratio intervals.
    pub conf_level: f64,
}

impl Default for FineGrayConfig {
    fn default() -> Self {
        FineGrayConfig {
            max_iter: 10,
            gtol: 1e-6,
            conf_level: 0.95,
        }
    }
}

/// A fitted Fine-Gray model. Per-coefficient results are columns, one entry
/// per covariate in the order given.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct FineGrayFit {
    /// The cause modelled.
    pub cause: u32,
    /// Observations used.
    pub n: usize,
    /// Failures from the cause.
    pub n_events: usize,
    /// Failures from any other cause.
    pub n_competing: usize,
    /// Censored observations.
    pub n_censored: usize,
    /// Confidence level of [`FineGrayFit::hazard_ratio`].
    pub conf_level: f64,
    /// Coefficients (log subdistribution hazard ratios).
    pub coef: Vec<f64>,
    /// Their standard errors, √diag(variance).
    pub std_err: Vec<Option<f64>>,
    /// Wald z statistics, coef / std_err.
    pub z: Vec<Option<f64>>,
    /// Two-sided p-values of `z`, 2·Φ(−|z|) (`summary.crr` prints them rounded
    /// to two significant digits).
    pub p_value: Vec<Option<f64>>,
    /// Subdistribution hazard ratios with confidence intervals at
    /// `conf_level`, exp(coef ± z·std_err).
    pub hazard_ratio: Vec<HazardRatio>,
    /// `crr`'s sandwich variance matrix, row-major.
    pub variance: Vec<Option<f64>>,
    /// Log pseudo-likelihood at the estimate.
    pub loglik: f64,
    /// Log pseudo-likelihood at β = 0.
    pub loglik_null: f64,
    /// Newton-Raphson steps taken.
    pub iterations: usize,
    /// Whether `crr`'s convergence rule was met (false: the step limit was
    /// reached, or no halving of a step increased the likelihood; the fit is
    /// then where the iteration stopped, as `crr` returns it).
    pub converged: bool,
}

/// Fits the Fine-Gray model for failures from `cause` to `times` and
/// `causes` (0 = censored, any other code a failure from that cause; every
/// cause other than `cause` competes), with `covariates` (columns, each as
/// long as `times`; categorical covariates as indicator columns). Equals
/// `crr(times, causes, cbind(…), failcode = cause, cencode = 0)` with one
/// censoring group.
pub fn fine_gray(
    times: &[f64],
    causes: &[u32],
    cause: u32,
    covariates: &[&[f64]],
    config: &FineGrayConfig,
) -> Result<FineGrayFit, SurvivalError> {
    let z_level = z_for_level(config.conf_level)?;
    if !(config.gtol > 0.0 && config.gtol.is_finite()) {
        return Err(SurvivalError::InvalidParameter {
            name: "gtol",
            value: config.gtol,
            expected: "a finite number > 0",
        });
    }
    let data = FineGrayData::new(times, causes, cause, covariates)?;
    let p = data.p;
    let mut work = Workspace::new(&data);

    let mut beta = vec![0.0; p];
    let mut current = evaluate(&data, &beta, &mut work);
    let loglik_null = current.loglik;
    let mut iterations = 0;
    let converged = loop {
        if gradient_small(&current, &beta, config.gtol) {
            break true;
        }
        if iterations == config.max_iter {
            break false;
        }
        let step = Cholesky::new(&current.information, p, TOLER_CHOL)
            .ok_or(SurvivalError::SingularInformation)?
            .solve(&current.score);
        match search(&data, &beta, &step, &current, &mut work) {
            Some(next) => beta = next,
            None => break false,
        }
        iterations += 1;
        current = evaluate(&data, &beta, &mut work);
    };
    // `work` now describes β (the last evaluation was there).
    if !current.loglik.is_finite() {
        return Err(SurvivalError::NotFinite {
            what: "log pseudo-likelihood",
        });
    }
    let inverse = Cholesky::new(&current.information, p, TOLER_CHOL)
        .ok_or(SurvivalError::SingularInformation)?
        .inverse();
    let middle = variance::score_variance(&data, &work);
    let variance = sandwich(&inverse, &middle, p);

    let finite = |x: f64| x.is_finite().then_some(x);
    let std_err: Vec<Option<f64>> = (0..p)
        .map(|j| finite(variance[j * p + j].sqrt()).filter(|s| *s > 0.0))
        .collect();
    let z: Vec<Option<f64>> = beta
        .iter()
        .zip(&std_err)
        .map(|(b, s)| s.and_then(|s| finite(b / s)))
        .collect();
    let normal = Normal::standard();
    let p_value = z
        .iter()
        .map(|z| z.map(|z| 2.0 * normal.cdf(-z.abs())))
        .collect();
    let hazard_ratio = beta
        .iter()
        .zip(&std_err)
        .map(|(&b, s)| HazardRatio {
            hr: finite(b.exp()),
            lower: s.and_then(|s| finite((b - z_level * s).exp())),
            upper: s.and_then(|s| finite((b + z_level * s).exp())),
        })
        .collect();
    Ok(FineGrayFit {
        cause,
        n: data.n(),
        n_events: data.n_events,
        n_competing: data.n_competing,
        n_censored: data.n() - data.n_events - data.n_competing,
        conf_level: config.conf_level,
        std_err,
        z,
        p_value,
        hazard_ratio,
        variance: variance.into_iter().map(finite).collect(),
        coef: beta,
        loglik: current.loglik,
        loglik_null,
        iterations,
        converged,
    })
}

/// `crr`'s convergence rule, on −ℓ and its gradient as `crr` minimises them.
fn gradient_small(at: &Evaluation, beta: &[f64], gtol: f64) -> bool {
    let largest = at
        .score
        .iter()
        .zip(beta)
        .map(|(u, b)| u.abs() * b.abs().max(1.0))
        .fold(0.0, f64::max);
    // NaN compares false: never converged on an undefined gradient.
    largest < at.loglik.abs().max(1.0) * gtol
}

/// `crr`'s backtracking: the Newton step, halved until −ℓ falls by at least
/// 10⁻⁴ of the decrease the gradient predicts; `None` after 20 halvings.
fn search(
    data: &FineGrayData,
    beta: &[f64],
    step: &[f64],
    at: &Evaluation,
    work: &mut Workspace,
) -> Option<Vec<f64>> {
    // In crr's terms: f = −ℓ, gradient −U, step sc; accept f(b + sc) ≤
    // f(b) + 1e-4·scᵀ(−U).
    let slope: f64 = step.iter().zip(&at.score).map(|(s, u)| s * u).sum();
    let mut scale = 1.0;
    for _ in 0..=MAX_HALVINGS {
        let next: Vec<f64> = beta.iter().zip(step).map(|(b, s)| b + scale * s).collect();
        let value = -loglik(data, &next, work);
        // A value that is not finite is halved. crr halves NaN too, but
        // would accept −∞ (every exp(xβ) underflowed to 0) and go on with
        // NaN; here the fit stays at the last finite point, unconverged.
        if value.is_finite() && value <= -at.loglik - 1e-4 * scale * slope {
            return Some(next);
        }
        scale *= 0.5;
    }
    None
}

/// A⁻¹ M A⁻¹ for symmetric A⁻¹ and M, row-major p × p.
fn sandwich(inverse: &[f64], middle: &[f64], p: usize) -> Vec<f64> {
    let mut left = vec![0.0; p * p];
    for i in 0..p {
        for j in 0..p {
            left[i * p + j] = (0..p).map(|k| inverse[i * p + k] * middle[k * p + j]).sum();
        }
    }
    let mut out = vec![0.0; p * p];
    for i in 0..p {
        for j in 0..p {
            out[i * p + j] = (0..p).map(|k| left[i * p + k] * inverse[k * p + j]).sum();
        }
    }
    for i in 0..p {
        for j in 0..i {
            let m = (out[i * p + j] + out[j * p + i]) / 2.0;
            out[i * p + j] = m;
            out[j * p + i] = m;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const TIMES: [f64; 8] = [1.0, 2.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0];
    const CAUSES: [u32; 8] = [1, 2, 0, 1, 2, 1, 0, 1];
    const X: [f64; 8] = [0.5, 1.5, -0.2, 0.9, 0.1, 1.2, -1.0, 0.3];

    fn fit(
        times: &[f64],
        causes: &[u32],
        cause: u32,
        x: &[&[f64]],
    ) -> Result<FineGrayFit, SurvivalError> {
        fine_gray(times, causes, cause, x, &FineGrayConfig::default())
    }

    #[test]
    fn a_small_fit_converges_with_every_number_defined() {
        let f = fit(&TIMES, &CAUSES, 1, &[&X]).unwrap();
        assert!(f.converged);
        assert_eq!((f.n, f.n_events, f.n_competing, f.n_censored), (8, 4, 2, 2));
        assert!(f.std_err[0].is_some() && f.p_value[0].is_some());
        assert!(f.loglik >= f.loglik_null);
    }

    #[test]
    fn bad_input_is_an_error_naming_it() {
        assert_eq!(fit(&[], &[], 1, &[&[]]), Err(SurvivalError::Empty));
        assert_eq!(
            fit(&TIMES, &CAUSES[..7], 1, &[&X]),
            Err(SurvivalError::LengthMismatch {
                column: "causes",
                expected: 8,
                found: 7
            })
        );
        assert_eq!(
            fit(&TIMES, &CAUSES, 1, &[&X[..6]]),
            Err(SurvivalError::LengthMismatch {
                column: "covariate",
                expected: 8,
                found: 6
            })
        );
        let mut times = TIMES;
        times[3] = f64::NAN;
        assert!(matches!(
            fit(&times, &CAUSES, 1, &[&X]),
            Err(SurvivalError::InvalidTime { index: 3, .. })
        ));
        let mut x = X;
        x[5] = f64::INFINITY;
        assert_eq!(
            fit(&TIMES, &CAUSES, 1, &[&X, &x]),
            Err(SurvivalError::InvalidCovariate {
                covariate: 1,
                index: 5,
                value: f64::INFINITY
            })
        );
        assert_eq!(
            fit(&TIMES, &CAUSES, 1, &[]),
            Err(SurvivalError::NoCovariates)
        );
    }

    #[test]
    fn the_cause_must_be_a_failure_code_that_occurs() {
        assert!(matches!(
            fit(&TIMES, &CAUSES, 0, &[&X]),
            Err(SurvivalError::InvalidParameter { name: "cause", .. })
        ));
        let err = fit(&TIMES, &CAUSES, 3, &[&X]).unwrap_err();
        assert_eq!(err, SurvivalError::NoEventsOfCause { cause: 3 });
        assert_eq!(
            err.to_string(),
            "no subject failed from cause 3; the model needs at least one such event"
        );
        // Code 2 is present only as a competing cause of 1; fitting it is fine.
        assert!(fit(&TIMES, &CAUSES, 2, &[&X]).is_ok());
    }

    #[test]
    fn a_constant_or_collinear_covariate_is_singular() {
        let constant = [2.0; 8];
        assert_eq!(
            fit(&TIMES, &CAUSES, 1, &[&constant]),
            Err(SurvivalError::SingularInformation)
        );
        let twice: Vec<f64> = X.iter().map(|x| 2.0 * x).collect();
        assert_eq!(
            fit(&TIMES, &CAUSES, 1, &[&X, &twice]),
            Err(SurvivalError::SingularInformation)
        );
    }

    #[test]
    fn config_is_checked() {
        let bad = |config: FineGrayConfig| fine_gray(&TIMES, &CAUSES, 1, &[&X], &config);
        assert!(matches!(
            bad(FineGrayConfig {
                gtol: 0.0,
                ..FineGrayConfig::default()
            }),
            Err(SurvivalError::InvalidParameter { name: "gtol", .. })
        ));
        assert!(matches!(
            bad(FineGrayConfig {
                conf_level: 1.0,
                ..FineGrayConfig::default()
            }),
            Err(SurvivalError::InvalidParameter {
                name: "conf_level",
                ..
            })
        ));
        // maxiter 0: crr's evaluation at β = 0, not converged, still a fit.
        let at_zero = bad(FineGrayConfig {
            max_iter: 0,
            ..FineGrayConfig::default()
        })
        .unwrap();
        assert_eq!(
            (at_zero.iterations, at_zero.converged, at_zero.coef[0]),
            (0, false, 0.0)
        );
        assert_eq!(at_zero.loglik, at_zero.loglik_null);
    }

    #[test]
    fn a_covariate_separating_the_events_runs_off_without_nan() {
        // Every failure from cause 1 has x = 1, nobody else does: the
        // coefficient grows without bound; crr stops unconverged at 10 steps.
        let x = [1.0, 0.0, 0.0, 1.0, 0.0, 1.0, 0.0, 1.0];
        let f = fit(&TIMES, &CAUSES, 1, &[&x]).unwrap();
        assert!(f.coef[0] > 5.0);
        assert!(f.loglik.is_finite() && f.loglik_null.is_finite());
        for v in f
            .variance
            .iter()
            .chain(&f.std_err)
            .chain(&f.z)
            .chain(&f.p_value)
        {
            assert!(v.is_none_or(f64::is_finite));
        }
    }
}
