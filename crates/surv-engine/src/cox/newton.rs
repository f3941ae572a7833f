//! R's Newton-Raphson for `coxph`, as a state machine that asks for the
//! log-likelihood, score and information at one β at a time and is told them.
//!
//! One local fit drives it in a loop; a multi-centre fit drives it across
//! rounds, each site evaluating its own rows at the β asked for and the
//! coordinator summing the replies. Both take exactly the same steps, so a fit
//! pooled from sites is the fit of the pooled rows stratified by site.

use super::CoxConfig;
use crate::error::SurvivalError;
use crate::linalg::Cholesky;

/// ℓ, U and I at one β: what a Newton-Raphson step needs.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct CoxEvaluation {
    /// Log partial likelihood.
    pub loglik: f64,
    /// Score vector U(β).
    pub score: Vec<f64>,
    /// Information matrix I(β) = −∂²ℓ/∂β², row-major p × p.
    pub information: Vec<f64>,
}

impl CoxEvaluation {
    /// The sum of evaluations of disjoint strata (sites) at the same β.
    pub fn sum(parts: &[CoxEvaluation]) -> Result<CoxEvaluation, SurvivalError> {
        let Some(first) = parts.first() else {
            return Err(SurvivalError::Empty);
        };
        let mut total = first.clone();
        for part in &parts[1..] {
            if part.score.len() != total.score.len()
                || part.information.len() != total.information.len()
            {
                return Err(SurvivalError::LengthMismatch {
                    column: "score",
                    expected: total.score.len(),
                    found: part.score.len(),
                });
            }
            total.loglik += part.loglik;
            for (t, s) in total.score.iter_mut().zip(&part.score) {
                *t += s;
            }
            for (t, s) in total.information.iter_mut().zip(&part.information) {
                *t += s;
            }
        }
        Ok(total)
    }
}

/// Where the iteration stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum NewtonPhase {
    /// Wants the evaluation at β = 0 (null log-likelihood, score test).
    Null,
    /// Wants the evaluation of iteration `iteration` (1-based).
    Iterating {
        /// The iteration.
        iteration: usize,
    },
    /// Out of iterations: wants the evaluation at the last accepted β.
    LastAccepted,
    /// Finished.
    Done,
}

/// R's Newton-Raphson with step halving, one evaluation at a time.
#[derive(Debug, Clone, PartialEq)]
pub struct Newton {
    config: CoxConfig,
    phase: NewtonPhase,
    /// The last accepted β.
    beta: Vec<f64>,
    /// The β asked for next.
    new_beta: Vec<f64>,
    best: f64,
    halving: u32,
    loglik_null: f64,
    score_statistic: f64,
    converged: bool,
    iterations: usize,
    current: Option<CoxEvaluation>,
}

/// The end of an iteration: the estimate, its variance and what led there.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct NewtonResult {
    pub coef: Vec<f64>,
    pub variance: Vec<f64>,
    pub converged: bool,
    pub iterations: usize,
    pub loglik_null: f64,
    pub score_statistic: f64,
    /// The evaluation at `coef`.
    pub last: CoxEvaluation,
}

impl Newton {
    /// Starts a fit of `p` coefficients.
    pub fn new(p: usize, config: &CoxConfig) -> Newton {
        Newton {
            config: *config,
            phase: NewtonPhase::Null,
            beta: vec![0.0; p],
            new_beta: vec![0.0; p],
            best: 0.0,
            halving: 0,
            loglik_null: 0.0,
            score_statistic: 0.0,
            converged: false,
            iterations: config.max_iter + 1,
            current: None,
        }
    }

    /// Where it stands.
    pub fn phase(&self) -> NewtonPhase {
        self.phase
    }

    /// The β to evaluate next; `None` when finished.
    pub fn wanted(&self) -> Option<&[f64]> {
        match self.phase {
            NewtonPhase::Null => Some(&self.beta),
            NewtonPhase::Iterating { .. } => Some(&self.new_beta),
            NewtonPhase::LastAccepted => Some(&self.beta),
            NewtonPhase::Done => None,
        }
    }

    fn cholesky(&self, information: &[f64]) -> Option<Cholesky> {
        Cholesky::new(information, self.beta.len(), self.config.toler_chol)
    }

    /// The estimate once finished (R's: the last β when converged, the last
    /// accepted one when out of iterations); `None` before.
    pub fn estimate(&self) -> Option<&[f64]> {
        match self.phase {
            NewtonPhase::Done if self.converged => Some(&self.new_beta),
            NewtonPhase::Done => Some(&self.beta),
            _ => None,
        }
    }

    /// Takes the evaluation at [`Newton::wanted`] and moves on.
    pub fn receive(&mut self, e: CoxEvaluation) -> Result<(), SurvivalError> {
        let p = self.beta.len();
        if e.score.len() != p || e.information.len() != p * p {
            return Err(SurvivalError::LengthMismatch {
                column: "score",
                expected: p,
                found: e.score.len(),
            });
        }
        let max_iter = self.config.max_iter;
        self.phase = match self.phase {
            NewtonPhase::Null => {
                self.loglik_null = e.loglik;
                let factor = self
                    .cholesky(&e.information)
                    .ok_or(SurvivalError::SingularInformation)?;
                let step = factor.solve(&e.score);
                self.score_statistic = e.score.iter().zip(&step).map(|(u, s)| u * s).sum();
                self.new_beta = self.beta.iter().zip(&step).map(|(b, s)| b + s).collect();
                self.best = e.loglik;
                self.current = Some(e);
                if max_iter == 0 {
                    NewtonPhase::LastAccepted
                } else {
                    NewtonPhase::Iterating { iteration: 1 }
                }
            }
            NewtonPhase::Iterating { iteration } => {
                let finite = e.loglik.is_finite();
                // Compared with the best log-likelihood so far, before the test
                // for a decrease: a tiny decrease at the end also counts.
                if finite && (1.0 - self.best / e.loglik).abs() <= self.config.eps {
                    self.converged = true;
                    self.iterations = iteration;
                    self.current = Some(e);
                    self.phase = NewtonPhase::Done;
                    return Ok(());
                }
                if !finite || e.loglik < self.best {
                    // Worse: shrink towards the last accepted β, by 1/2, 1/3, …
                    self.halving += 1;
                    let h = f64::from(self.halving);
                    for (nb, b) in self.new_beta.iter_mut().zip(&self.beta) {
                        *nb = (*nb + h * b) / (h + 1.0);
                    }
                } else {
                    self.halving = 0;
                    self.best = e.loglik;
                    let step = self
                        .cholesky(&e.information)
                        .map_or(vec![0.0; p], |f| f.solve(&e.score));
                    self.beta.clone_from(&self.new_beta);
                    for (nb, s) in self.new_beta.iter_mut().zip(&step) {
                        *nb += s;
                    }
                }
                self.current = Some(e);
                if iteration == max_iter {
                    NewtonPhase::LastAccepted
                } else {
                    NewtonPhase::Iterating {
                        iteration: iteration + 1,
                    }
                }
            }
            NewtonPhase::LastAccepted => {
                self.current = Some(e);
                NewtonPhase::Done
            }
            NewtonPhase::Done => {
                return Err(SurvivalError::InvalidParameter {
                    name: "evaluation",
                    value: e.loglik,
                    expected: "none: the fit has finished",
                });
            }
        };
        Ok(())
    }

    /// The estimate and its variance, once [`Newton::wanted`] is `None`.
    pub(crate) fn result(self) -> Result<NewtonResult, SurvivalError> {
        let last = match (self.phase, self.current) {
            (NewtonPhase::Done, Some(last)) => last,
            _ => {
                return Err(SurvivalError::InvalidParameter {
                    name: "evaluation",
                    value: f64::NAN,
                    expected: "the fit to have finished",
                });
            }
        };
        let p = self.beta.len();
        let (coef, variance) = if self.converged {
            let variance = Cholesky::new(&last.information, p, self.config.toler_chol)
                .map(|f| f.inverse())
                .ok_or(SurvivalError::SingularInformation)?;
            (self.new_beta, variance)
        } else {
            // Out of iterations: R returns the last accepted β and, as its
            // compiled code does there, only the reciprocal diagonal of the
            // information.
            let mut variance = vec![0.0; p * p];
            for j in 0..p {
                variance[j * p + j] = 1.0 / last.information[j * p + j];
            }
            (self.beta, variance)
        };
        Ok(NewtonResult {
            coef,
            variance,
            converged: self.converged,
            iterations: self.iterations,
            loglik_null: self.loglik_null,
            score_statistic: self.score_statistic,
            last,
        })
    }
}
