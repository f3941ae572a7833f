//! Fine and Gray's weighted log pseudo-likelihood with its score vector and
//! information matrix, as `crr` defines them (Breslow's handling of ties).
//!
//! At a time t with d failures from the cause of interest, the risk set is
//! everyone still under observation (time ≥ t) with weight r = exp(xβ), and
//! everyone who failed earlier from another cause with weight
//! r·Ĝ(t−)/Ĝ(Tᵢ−). The second part factorises as Ĝ(t−) times a sum that only
//! grows as t moves forward, so two linear passes give every risk set:
//! forward for the competing failures' sums C = Σ r·x^k/Ĝ(Tᵢ−) (k = 0, 1, 2),
//! backward for the sums R over those still under observation, and
//! S = R + Ĝ(t−)·C.

use super::data::{FineGrayData, Status};

/// The log pseudo-likelihood and its first two derivatives at one β.
pub(crate) struct Evaluation {
    /// Log pseudo-likelihood.
    pub loglik: f64,
    /// Score vector U(β).
    pub score: Vec<f64>,
    /// Information matrix I(β) = −∂²ℓ/∂β², row-major p × p.
    pub information: Vec<f64>,
}

/// Buffers reused across evaluations. After [`evaluate`], `risk`, `s0` and
/// `mean` describe that β (the sandwich variance reads them).
pub(crate) struct Workspace {
    /// exp(xβ) of each sorted row.
    pub risk: Vec<f64>,
    /// Per failure run (earliest first): the weighted risk-set total S0.
    pub s0: Vec<f64>,
    /// Per failure run: the weighted risk-set mean S1/S0, p entries each.
    pub mean: Vec<f64>,
    eta: Vec<f64>,
    /// Per failure run: the competing failures' sums C0, C1, C2 before it.
    c0: Vec<f64>,
    c1: Vec<f64>,
    c2: Vec<f64>,
}

impl Workspace {
    pub(crate) fn new(data: &FineGrayData) -> Workspace {
        let (n, p, k) = (data.n(), data.p, data.n_failure_runs);
        Workspace {
            risk: vec![0.0; n],
            s0: vec![0.0; k],
            mean: vec![0.0; k * p],
            eta: vec![0.0; n],
            c0: vec![0.0; k],
            c1: vec![0.0; k * p],
            c2: vec![0.0; k * p * p],
        }
    }
}

/// Fills the linear predictor and risk scores of every row.
fn linear_predictor(data: &FineGrayData, beta: &[f64], work: &mut Workspace) {
    let p = data.p;
    for ((row, eta), risk) in data
        .x
        .chunks_exact(p)
        .zip(&mut work.eta)
        .zip(&mut work.risk)
    {
        *eta = row.iter().zip(beta).map(|(x, b)| x * b).sum();
        *risk = eta.exp();
    }
}

/// ℓ alone at `beta` (what `crr`'s step search compares): O(n·p). May be
/// NaN or infinite where exp(xβ) overflows.
pub(crate) fn loglik(data: &FineGrayData, beta: &[f64], work: &mut Workspace) -> f64 {
    linear_predictor(data, beta, work);
    // Forward: competing failures before each failure run.
    let mut c0 = 0.0;
    let mut k = 0;
    for run in &data.runs {
        if run.n_event > 0 {
            work.c0[k] = c0;
            k += 1;
        }
        for i in run.start..run.end {
            if data.status[i] == Status::Competing {
                c0 += work.risk[i] / run.censoring;
            }
        }
    }
    // Backward: those still under observation.
    let mut r0 = 0.0;
    let mut loglik = 0.0;
    for run in data.runs.iter().rev() {
        for i in run.start..run.end {
            r0 += work.risk[i];
        }
        if run.n_event > 0 {
            k -= 1;
            let s0 = r0 + run.censoring * work.c0[k];
            loglik -= run.n_event as f64 * s0.ln();
            for i in run.start..run.end {
                if data.status[i] == Status::Event {
                    loglik += work.eta[i];
                }
            }
        }
    }
    loglik
}

/// ℓ, U and I at `beta`: O(n·p²).
pub(crate) fn evaluate(data: &FineGrayData, beta: &[f64], work: &mut Workspace) -> Evaluation {
    let p = data.p;
    linear_predictor(data, beta, work);

    // Forward: the competing failures' sums before each failure run (upper
    // triangles of the p × p sums).
    let mut c0 = 0.0;
    let mut c1 = vec![0.0; p];
    let mut c2 = vec![0.0; p * p];
    let mut k = 0;
    for run in &data.runs {
        if run.n_event > 0 {
            work.c0[k] = c0;
            work.c1[k * p..(k + 1) * p].copy_from_slice(&c1);
            work.c2[k * p * p..(k + 1) * p * p].copy_from_slice(&c2);
            k += 1;
        }
        for i in run.start..run.end {
            if data.status[i] == Status::Competing {
                let w = work.risk[i] / run.censoring;
                add_outer(&data.x[i * p..(i + 1) * p], w, &mut c0, &mut c1, &mut c2);
            }
        }
    }

    // Backward: those still under observation, and each failure run's terms.
    let mut r0 = 0.0;
    let mut r1 = vec![0.0; p];
    let mut r2 = vec![0.0; p * p];
    let mut loglik = 0.0;
    let mut score = vec![0.0; p];
    let mut information = vec![0.0; p * p];
    let mut mean = vec![0.0; p];
    for run in data.runs.iter().rev() {
        for i in run.start..run.end {
            add_outer(
                &data.x[i * p..(i + 1) * p],
                work.risk[i],
                &mut r0,
                &mut r1,
                &mut r2,
            );
        }
        if run.n_event == 0 {
            continue;
        }
        k -= 1;
        let g = run.censoring;
        let d = run.n_event as f64;
        let s0 = r0 + g * work.c0[k];
        for j in 0..p {
            mean[j] = (r1[j] + g * work.c1[k * p + j]) / s0;
        }
        for i in run.start..run.end {
            if data.status[i] == Status::Event {
                loglik += work.eta[i];
                for (s, x) in score.iter_mut().zip(&data.x[i * p..(i + 1) * p]) {
                    *s += x;
                }
            }
        }
        loglik -= d * s0.ln();
        for j in 0..p {
            score[j] -= d * mean[j];
            for l in j..p {
                let s2 = r2[j * p + l] + g * work.c2[k * p * p + j * p + l];
                information[j * p + l] += d * (s2 / s0 - mean[j] * mean[l]);
            }
        }
        work.s0[k] = s0;
        work.mean[k * p..(k + 1) * p].copy_from_slice(&mean);
    }
    for j in 0..p {
        for l in 0..j {
            information[j * p + l] = information[l * p + j];
        }
    }
    Evaluation {
        loglik,
        score,
        information,
    }
}

/// Adds w, w·x and the upper triangle of w·x·xᵀ.
fn add_outer(x: &[f64], w: f64, s0: &mut f64, s1: &mut [f64], s2: &mut [f64]) {
    let p = x.len();
    *s0 += w;
    for j in 0..p {
        let wx = w * x[j];
        s1[j] += wx;
        for l in j..p {
            s2[j * p + l] += wx * x[l];
        }
    }
}
