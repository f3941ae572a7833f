//! The partial log-likelihood of a Cox model with its score vector and
//! information matrix, for Breslow's and Efron's handling of tied event times.
//!
//! One pass per evaluation: rows come sorted from the latest time back within
//! each stratum, so the risk-set sums S0 = Σ r, S1 = Σ r·x, S2 = Σ r·x·xᵀ
//! (r = exp(xβ)) only grow. At a time with d events, Efron's method replaces
//! the risk set of the k-th of them (k = 0…d−1) by the full set less k/d of the
//! dying subjects' sums; Breslow's uses the full set for all d.

use super::Ties;
use super::data::CoxData;

/// The log-likelihood and its first two derivatives at one β.
pub(crate) struct Evaluation {
    /// log partial likelihood.
    pub loglik: f64,
    /// Score vector U(β).
    pub score: Vec<f64>,
    /// Information matrix I(β) = −∂²ℓ/∂β², row-major p × p.
    pub information: Vec<f64>,
}

/// Buffers reused across evaluations so an iteration allocates nothing per row.
pub(crate) struct Workspace {
    risk: Vec<f64>,
    eta: Vec<f64>,
}

impl Workspace {
    pub(crate) fn new(n: usize) -> Workspace {
        Workspace {
            risk: vec![0.0; n],
            eta: vec![0.0; n],
        }
    }
}

/// What one event time (one tie group in one stratum) adds at a given β.
pub(crate) struct EventTime<'a> {
    /// First sorted row of the tie group.
    pub start: usize,
    /// Its contribution to ℓ.
    pub loglik: f64,
    /// Its contribution to U: Σ x over the events less the risk-set means.
    pub score: &'a [f64],
    /// Its contribution to I, lower triangle of a row-major p × p matrix.
    pub information: &'a [f64],
}

/// Evaluates ℓ, U and I at `beta`.
pub(crate) fn evaluate(
    data: &CoxData,
    beta: &[f64],
    ties: Ties,
    work: &mut Workspace,
) -> Evaluation {
    let p = data.p;
    let mut loglik = 0.0;
    let mut score = vec![0.0; p];
    let mut information = vec![0.0; p * p];
    for_each_event_time(data, beta, ties, work, |t| {
        loglik += t.loglik;
        for (u, e) in score.iter_mut().zip(t.score) {
            *u += e;
        }
        for (i, v) in information.iter_mut().zip(t.information) {
            *i += v;
        }
    });
    // Only the lower triangle was accumulated.
    for j in 0..p {
        for l in 0..j {
            information[l * p + j] = information[j * p + l];
        }
    }
    Evaluation {
        loglik,
        score,
        information,
    }
}

/// Walks the event times at `beta`, from the latest back within each stratum,
/// handing each one's contributions to `visit`.
pub(crate) fn for_each_event_time(
    data: &CoxData,
    beta: &[f64],
    ties: Ties,
    work: &mut Workspace,
    mut visit: impl FnMut(EventTime<'_>),
) {
    let p = data.p;
    for (i, row) in data.x.chunks_exact(p).enumerate() {
        let eta: f64 = row.iter().zip(beta).map(|(x, b)| x * b).sum();
        work.eta[i] = eta;
        work.risk[i] = eta.exp();
    }
    let (mut s0, mut s1, mut s2) = (0.0, vec![0.0; p], vec![0.0; p * p]);
    let (mut a1, mut a2) = (vec![0.0; p], vec![0.0; p * p]);
    let (mut score, mut information) = (vec![0.0; p], vec![0.0; p * p]);
    let mut mean = vec![0.0; p];
    let mut next_stratum = 0;
    for run in data.tie_runs.windows(2) {
        let (start, end) = (run[0], run[1]);
        if start == data.strata[next_stratum] {
            // A new stratum: its risk sets start empty.
            s0 = 0.0;
            s1.iter_mut().for_each(|v| *v = 0.0);
            s2.iter_mut().for_each(|v| *v = 0.0);
            next_stratum += 1;
        }
        let mut deaths = 0usize;
        let mut a0 = 0.0;
        let mut loglik = 0.0;
        a1.iter_mut().for_each(|v| *v = 0.0);
        a2.iter_mut().for_each(|v| *v = 0.0);
        score.iter_mut().for_each(|v| *v = 0.0);
        information.iter_mut().for_each(|v| *v = 0.0);
        // Each row's outer product goes to one sum only: the dying ones to the
        // A sums, which then join the risk set; the censored ones straight in.
        for i in start..end {
            let r = work.risk[i];
            let x = &data.x[i * p..(i + 1) * p];
            if data.event[i] {
                deaths += 1;
                a0 += r;
                add_outer(&mut a1, &mut a2, r, x);
                loglik += work.eta[i];
                for (u, xj) in score.iter_mut().zip(x) {
                    *u += xj;
                }
            } else {
                s0 += r;
                add_outer(&mut s1, &mut s2, r, x);
            }
        }
        if deaths > 0 {
            s0 += a0;
            for (s, a) in s1.iter_mut().zip(&a1) {
                *s += a;
            }
            for (s, a) in s2.iter_mut().zip(&a2) {
                *s += a;
            }
        }
        if deaths == 0 {
            continue;
        }
        let d = deaths as f64;
        // Breslow: the d events share one risk set, counted d times.
        let (tied_steps, multiplicity) = match ties {
            Ties::Efron if deaths > 1 => (deaths, 1.0),
            _ => (1, d),
        };
        for k in 0..tied_steps {
            let f = if tied_steps > 1 { k as f64 / d } else { 0.0 };
            let denom = s0 - f * a0;
            loglik -= multiplicity * denom.ln();
            for j in 0..p {
                mean[j] = (s1[j] - f * a1[j]) / denom;
                score[j] -= multiplicity * mean[j];
            }
            for j in 0..p {
                for l in 0..=j {
                    let second = (s2[j * p + l] - f * a2[j * p + l]) / denom;
                    information[j * p + l] += multiplicity * (second - mean[j] * mean[l]);
                }
            }
        }
        visit(EventTime {
            start,
            loglik,
            score: &score,
            information: &information,
        });
    }
}

/// Adds r·x to `first` and r·x·xᵀ (lower triangle) to `second`. The common
/// small sizes get their own unrolled copy.
#[inline]
fn add_outer(first: &mut [f64], second: &mut [f64], r: f64, x: &[f64]) {
    match x.len() {
        1 => add_outer_fixed::<1>(first, second, r, x),
        2 => add_outer_fixed::<2>(first, second, r, x),
        3 => add_outer_fixed::<3>(first, second, r, x),
        4 => add_outer_fixed::<4>(first, second, r, x),
        5 => add_outer_fixed::<5>(first, second, r, x),
        6 => add_outer_fixed::<6>(first, second, r, x),
        7 => add_outer_fixed::<7>(first, second, r, x),
        8 => add_outer_fixed::<8>(first, second, r, x),
        _ => add_outer_any(first, second, r, x),
    }
}

#[inline(always)]
fn add_outer_fixed<const P: usize>(first: &mut [f64], second: &mut [f64], r: f64, x: &[f64]) {
    let x: &[f64; P] = x.try_into().expect("row of P covariates");
    let first: &mut [f64; P] = first.try_into().expect("P sums");
    let second: &mut [f64] = &mut second[..P * P];
    for j in 0..P {
        let rx = r * x[j];
        first[j] += rx;
        for l in 0..=j {
            second[j * P + l] += rx * x[l];
        }
    }
}

fn add_outer_any(first: &mut [f64], second: &mut [f64], r: f64, x: &[f64]) {
    let p = x.len();
    for j in 0..p {
        let rx = r * x[j];
        first[j] += rx;
        let row = &mut second[j * p..j * p + j + 1];
        for (s, xl) in row.iter_mut().zip(&x[..=j]) {
            *s += rx * xl;
        }
    }
}
