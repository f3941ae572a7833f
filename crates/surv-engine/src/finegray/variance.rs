//! The sandwich variance `crr` reports: I⁻¹ (Σᵢ uᵢ uᵢᵀ) I⁻¹, where uᵢ is
//! subject i's influence on the estimating equation, the sum of two parts
//! (Fine & Gray 1999, section 3):
//!
//! * ηᵢ, the weighted score martingale: for a failure from the cause, xᵢ
//!   less the risk-set mean at its time, less Σ over failure times s of
//!   rᵢ(s)·(xᵢ − x̄(s))·d(s)/S0(s), rᵢ(s) its weight in the risk set at s;
//! * ψᵢ, what estimating the censoring distribution adds: the integral of
//!   q(u)/Y(u) against the censoring martingale of subject i, with
//!   q(u) = Σ_{failure times s ≥ u} d(s)/S0(s) Σ_{j: other cause, Tⱼ < u}
//!   rⱼ(s)·(xⱼ − x̄(s)).
//!
//! Both are kept linear. Since rⱼ(s) = Ĝ(s−)·exp(xⱼβ)/Ĝ(Tⱼ−) for an earlier
//! competing failure, q(u) = C1(u)·D0(u) − C0(u)·D1(u), with C the competing
//! failures' sums before u (Σ exp(xβ)·x^k/Ĝ(Tⱼ−)) and D the sums over
//! failure times from u on (Σ d·Ĝ(s−)·x̄(s)^k/S0(s)), one forward and one
//! backward. ηᵢ's sums are prefix sums (failure times up to Tᵢ) and, for a
//! competing failure, suffix sums (those after). So the variance costs
//! O(n·p²) like one evaluation of the likelihood.

use super::data::{FineGrayData, Status};
use super::likelihood::Workspace;

/// Σᵢ uᵢ uᵢᵀ (row-major p × p), the middle of the sandwich, from the
/// workspace of an evaluation at the estimate.
pub(crate) fn score_variance(data: &FineGrayData, work: &Workspace) -> Vec<f64> {
    let p = data.p;
    let n = data.n();
    let x = |i: usize| &data.x[i * p..(i + 1) * p];
    let mut u = vec![0.0; n * p];

    // Backward: the competing failures' part of η (failure times after theirs)
    // and, at each censoring run, D(u) (failure times from u on).
    let mut d0 = 0.0;
    let mut d1 = vec![0.0; p];
    let mut at_censoring = vec![0.0; data.runs.len() * (p + 1)];
    let mut k = data.n_failure_runs;
    for (r, run) in data.runs.iter().enumerate().rev() {
        // Here d0, d1 cover the failure runs after this one.
        for i in run.start..run.end {
            if data.status[i] == Status::Competing {
                let w = work.risk[i] / run.censoring;
                for j in 0..p {
                    u[i * p + j] -= w * (x(i)[j] * d0 - d1[j]);
                }
            }
        }
        if run.n_event > 0 {
            k -= 1;
            let f = run.n_event as f64 * run.censoring / work.s0[k];
            d0 += f;
            for (d, m) in d1.iter_mut().zip(&work.mean[k * p..(k + 1) * p]) {
                *d += f * m;
            }
        }
        if run.n_censor > 0 {
            let slot = &mut at_censoring[r * (p + 1)..(r + 1) * (p + 1)];
            slot[0] = d0;
            slot[1..].copy_from_slice(&d1);
        }
    }

    // Forward: the rest of η (failure times up to each subject's), and ψ.
    let mut a0 = 0.0;
    let mut a1 = vec![0.0; p];
    let mut c0 = 0.0;
    let mut c1 = vec![0.0; p];
    let mut psi = vec![0.0; p]; // −Σ_{censoring times ≤ t} q(u)·c(u)/Y(u)²
    let mut q = vec![0.0; p];
    let mut mean: &[f64] = &[];
    for (r, run) in data.runs.iter().enumerate() {
        if run.n_event > 0 {
            let f = run.n_event as f64 / work.s0[k];
            mean = &work.mean[k * p..(k + 1) * p];
            a0 += f;
            for j in 0..p {
                a1[j] += f * mean[j];
            }
            k += 1;
        }
        let y = run.n_risk as f64;
        if run.n_censor > 0 {
            let slot = &at_censoring[r * (p + 1)..(r + 1) * (p + 1)];
            let c = run.n_censor as f64;
            for j in 0..p {
                q[j] = c1[j] * slot[0] - c0 * slot[1 + j];
                psi[j] -= q[j] * c / (y * y);
            }
        }
        for i in run.start..run.end {
            let ui = &mut u[i * p..(i + 1) * p];
            let w = work.risk[i];
            for j in 0..p {
                ui[j] += psi[j] - w * (x(i)[j] * a0 - a1[j]);
            }
            match data.status[i] {
                Status::Event => {
                    for j in 0..p {
                        ui[j] += x(i)[j] - mean[j];
                    }
                }
                Status::Censored => {
                    for j in 0..p {
                        ui[j] += q[j] / y;
                    }
                }
                Status::Competing => {}
            }
        }
        for i in run.start..run.end {
            if data.status[i] == Status::Competing {
                let w = work.risk[i] / run.censoring;
                c0 += w;
                for (c, xj) in c1.iter_mut().zip(x(i)) {
                    *c += w * xj;
                }
            }
        }
    }

    let mut middle = vec![0.0; p * p];
    for ui in u.chunks_exact(p) {
        for j in 0..p {
            for l in j..p {
                middle[j * p + l] += ui[j] * ui[l];
            }
        }
    }
    for j in 0..p {
        for l in 0..j {
            middle[j * p + l] = middle[l * p + j];
        }
    }
    middle
}

#[cfg(test)]
mod tests {
    use super::super::likelihood::evaluate;
    use super::*;
    use crate::random::SplitMix64;

    /// The influence of each subject straight from its definition, with a
    /// loop over every failure, censoring and competing subject for each
    /// subject: O(n²), for checking the linear passes.
    fn by_definition(data: &FineGrayData, beta: &[f64]) -> Vec<f64> {
        let (n, p) = (data.n(), data.p);
        let x = |i: usize| &data.x[i * p..(i + 1) * p];
        let run_of = |i: usize| {
            data.runs
                .iter()
                .position(|r| r.start <= i && i < r.end)
                .unwrap()
        };
        let risk: Vec<f64> = (0..n)
            .map(|i| x(i).iter().zip(beta).map(|(a, b)| a * b).sum::<f64>().exp())
            .collect();
        // Weight of subject i in the risk set of failure run s.
        let weight = |i: usize, s: usize| {
            let ri = run_of(i);
            if ri >= s {
                risk[i]
            } else if data.status[i] == Status::Competing {
                risk[i] * data.runs[s].censoring / data.runs[ri].censoring
            } else {
                0.0
            }
        };
        let s0 = |s: usize| (0..n).map(|i| weight(i, s)).sum::<f64>();
        let mean = |s: usize| {
            (0..p)
                .map(|j| (0..n).map(|i| weight(i, s) * x(i)[j]).sum::<f64>() / s0(s))
                .collect::<Vec<_>>()
        };
        let failures: Vec<usize> = (0..n)
            .filter(|&i| data.status[i] == Status::Event)
            .collect();
        let censored: Vec<usize> = (0..n)
            .filter(|&i| data.status[i] == Status::Censored)
            .collect();
        let q = |u: usize| {
            let mut q = vec![0.0; p];
            for &f in failures.iter().filter(|&&f| run_of(f) >= u) {
                let s = run_of(f);
                let (m, total) = (mean(s), s0(s));
                for l in (0..n).filter(|&l| data.status[l] == Status::Competing && run_of(l) < u) {
                    for j in 0..p {
                        q[j] += weight(l, s) * (x(l)[j] - m[j]) / total;
                    }
                }
            }
            q
        };
        let mut middle = vec![0.0; p * p];
        for i in 0..n {
            let mut u = vec![0.0; p];
            let ri = run_of(i);
            if data.status[i] == Status::Event {
                let m = mean(ri);
                for j in 0..p {
                    u[j] += x(i)[j] - m[j];
                }
            }
            for &f in &failures {
                let s = run_of(f);
                let (m, total) = (mean(s), s0(s));
                for j in 0..p {
                    u[j] -= weight(i, s) * (x(i)[j] - m[j]) / total;
                }
            }
            let y = |r: usize| data.runs[r].n_risk as f64;
            if data.status[i] == Status::Censored {
                let qi = q(ri);
                for j in 0..p {
                    u[j] += qi[j] / y(ri);
                }
            }
            for &c in censored.iter().filter(|&&c| run_of(c) <= ri) {
                let qc = q(run_of(c));
                for j in 0..p {
                    u[j] -= qc[j] / (y(run_of(c)) * y(run_of(c)));
                }
            }
            for j in 0..p {
                for l in 0..p {
                    middle[j * p + l] += u[j] * u[l];
                }
            }
        }
        middle
    }

    #[test]
    fn linear_passes_equal_the_definition() {
        let mut rng = SplitMix64(20240611);
        for round in 0..40 {
            let n = 5 + rng.below(30) as usize;
            // Few distinct times, so that failures, competing failures and
            // censorings tie; time 0 now and then.
            let times: Vec<f64> = (0..n).map(|_| rng.below(8) as f64).collect();
            let mut causes: Vec<u32> = (0..n).map(|_| rng.below(4) as u32).collect();
            causes[0] = 1;
            let x1: Vec<f64> = (0..n)
                .map(|_| rng.below(1000) as f64 / 250.0 - 2.0)
                .collect();
            let x2: Vec<f64> = (0..n).map(|_| rng.below(2) as f64).collect();
            let data = FineGrayData::new(&times, &causes, 1, &[&x1, &x2]).unwrap();
            let beta = [0.4, -0.7];
            let mut work = Workspace::new(&data);
            evaluate(&data, &beta, &mut work);
            let fast = score_variance(&data, &work);
            let slow = by_definition(&data, &beta);
            for (k, (a, b)) in fast.iter().zip(&slow).enumerate() {
                assert!(
                    (a - b).abs() <= 1e-10 * a.abs().max(b.abs()).max(1.0),
                    "round {round}, entry {k}: linear {a}, by definition {b}"
                );
            }
        }
    }
}
