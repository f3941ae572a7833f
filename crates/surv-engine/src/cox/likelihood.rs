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
    /// w·exp(xβ) of each sorted row, as the last walk left it.
    pub(crate) risk: Vec<f64>,
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
    /// One past its last sorted row.
    pub end: usize,
    /// Its contribution to ℓ.
    pub loglik: f64,
    /// Its contribution to U: Σ w·x over the events less the risk-set means.
    pub score: &'a [f64],
    /// Its contribution to I, lower triangle of a row-major p × p matrix.
    pub information: &'a [f64],
    /// The hazard increment Σₖ hₖ (Efron's d steps, or Breslow's one), with
    /// hₖ the death weight of the step over its risk-set denominator.
    pub hazard: f64,
    /// Σₖ hₖ·x̄ₖ, the hazard-weighted risk-set means.
    pub hazard_mean: &'a [f64],
    /// Σₖ (k/d)·hₖ: the part of the hazard a dying row is not at risk for
    /// under Efron's method (0 under Breslow's).
    pub efron_hazard: f64,
    /// Σₖ (k/d)·hₖ·x̄ₖ.
    pub efron_hazard_mean: &'a [f64],
    /// The mean a dying row's covariates are compared with: the average of
    /// the d steps' means (the one mean under Breslow's).
    pub event_mean: &'a [f64],
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

/// The risk-set sums S0 = Σ w·r, S1 = Σ w·r·x, S2 = Σ w·r·x·xᵀ (lower
/// triangle), with the number of rows in the set.
struct RiskSet {
    s0: f64,
    s1: Vec<f64>,
    s2: Vec<f64>,
    rows: usize,
}

impl RiskSet {
    fn clear(&mut self) {
        self.s0 = 0.0;
        self.s1.iter_mut().for_each(|v| *v = 0.0);
        self.s2.iter_mut().for_each(|v| *v = 0.0);
        self.rows = 0;
    }
}

/// Walks the event times at `beta`, from the latest back within each stratum,
/// handing each one's contributions to `visit`. Rows join the risk sets at
/// their time and, with entry times, leave them once the walk reaches their
/// entry.
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
        work.risk[i] = eta.exp() * data.weight_of(i);
    }
    let mut set = RiskSet {
        s0: 0.0,
        s1: vec![0.0; p],
        s2: vec![0.0; p * p],
        rows: 0,
    };
    let (mut a1, mut a2) = (vec![0.0; p], vec![0.0; p * p]);
    let (mut score, mut information) = (vec![0.0; p], vec![0.0; p * p]);
    let mut steps = Steps::new(p);
    let (mut hazard_mean, mut efron_hazard_mean, mut event_mean) =
        (vec![0.0; p], vec![0.0; p], vec![0.0; p]);
    let mut next_stratum = 0;
    // With entry times, the next row (in `by_start`) to leave the risk set.
    let mut leaving = 0;
    for run in data.tie_runs.windows(2) {
        let (start, end) = (run[0], run[1]);
        if start == data.strata[next_stratum] {
            // A new stratum: its risk sets start empty.
            set.clear();
            leaving = start;
            next_stratum += 1;
        }
        if let Some(entry) = &data.entry {
            // Rows entering at or after this time are no longer at risk.
            let t = data.time[start];
            let stratum_end = data.strata[next_stratum];
            while leaving < stratum_end && entry.start[entry.by_start[leaving] as usize] >= t {
                let i = entry.by_start[leaving] as usize;
                set.s0 -= work.risk[i];
                add_outer(
                    &mut set.s1,
                    &mut set.s2,
                    -work.risk[i],
                    &data.x[i * p..(i + 1) * p],
                );
                set.rows -= 1;
                leaving += 1;
            }
            if set.rows == 0 {
                // Exactly empty, not the rounding left by the subtractions.
                set.clear();
            }
        }
        let mut deaths = 0usize;
        let (mut a0, mut death_weight) = (0.0, 0.0);
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
                let w = data.weight_of(i);
                deaths += 1;
                death_weight += w;
                a0 += r;
                add_outer(&mut a1, &mut a2, r, x);
                loglik += w * work.eta[i];
                for (u, xj) in score.iter_mut().zip(x) {
                    *u += w * xj;
                }
            } else {
                set.s0 += r;
                add_outer(&mut set.s1, &mut set.s2, r, x);
            }
        }
        set.rows += end - start;
        if deaths == 0 {
            continue;
        }
        set.s0 += a0;
        for (s, a) in set.s1.iter_mut().zip(&a1) {
            *s += a;
        }
        for (s, a) in set.s2.iter_mut().zip(&a2) {
            *s += a;
        }
        let d = deaths as f64;
        // Breslow: the d events share one risk set, weighted by their total
        // weight; Efron: d steps, each carrying the mean death weight.
        let m = match ties {
            Ties::Efron if deaths > 1 => death_weight / d,
            _ => death_weight,
        };
        let sums = if matches!(ties, Ties::Efron) && deaths > 1 {
            efron_steps(&set, a0, &a1, &a2, deaths, &mut steps)
        } else {
            one_step(&set, &mut steps)
        };
        loglik -= m * sums.log_denominator;
        for j in 0..p {
            score[j] -= m * steps.mean_sum[j];
            hazard_mean[j] = m * steps.hazard_mean[j];
            efron_hazard_mean[j] = m * steps.efron_hazard_mean[j];
            event_mean[j] = steps.mean_sum[j] / sums.steps;
        }
        for (i, v) in information.iter_mut().zip(&steps.information) {
            *i += m * v;
        }
        let (hazard, efron_hazard) = (m * sums.hazard, m * sums.efron_hazard);
        visit(EventTime {
            start,
            end,
            loglik,
            score: &score,
            information: &information,
            hazard,
            hazard_mean: &hazard_mean,
            efron_hazard,
            efron_hazard_mean: &efron_hazard_mean,
            event_mean: &event_mean,
        });
    }
}

/// What the risk sets of one event time give, per unit of death weight: the
/// sums over its steps (Efron's d, or Breslow's one) that the contributions
/// to U, I and the hazard are made of.
struct Steps {
    /// Σₖ x̄ₖ, the steps' risk-set means.
    mean_sum: Vec<f64>,
    /// Σₖ cₖ·x̄ₖ, with cₖ = 1 / (the k-th step's denominator).
    hazard_mean: Vec<f64>,
    /// Σₖ (k/d)·cₖ·x̄ₖ.
    efron_hazard_mean: Vec<f64>,
    /// Σₖ (second moment − x̄ₖ·x̄ₖᵀ), lower triangle.
    information: Vec<f64>,
    /// The dying rows' mean μ and g = S1 − μ·S0 (see [`efron_steps`]).
    mu: Vec<f64>,
    g: Vec<f64>,
}

impl Steps {
    fn new(p: usize) -> Steps {
        Steps {
            mean_sum: vec![0.0; p],
            hazard_mean: vec![0.0; p],
            efron_hazard_mean: vec![0.0; p],
            information: vec![0.0; p * p],
            mu: vec![0.0; p],
            g: vec![0.0; p],
        }
    }
}

/// The scalar sums over the steps of one event time.
struct StepSums {
    /// Number of steps.
    steps: f64,
    /// Σₖ log(denominator).
    log_denominator: f64,
    /// Σₖ cₖ.
    hazard: f64,
    /// Σₖ (k/d)·cₖ.
    efron_hazard: f64,
}

/// One risk set for all the time's deaths (Breslow's method, or one death).
fn one_step(set: &RiskSet, steps: &mut Steps) -> StepSums {
    let p = steps.mu.len();
    let c = 1.0 / set.s0;
    for j in 0..p {
        let mean = set.s1[j] * c;
        steps.mean_sum[j] = mean;
        steps.hazard_mean[j] = c * mean;
        steps.efron_hazard_mean[j] = 0.0;
    }
    let mean = &steps.mean_sum;
    for j in 0..p {
        for l in 0..=j {
            steps.information[j * p + l] = set.s2[j * p + l] * c - mean[j] * mean[l];
        }
    }
    StepSums {
        steps: 1.0,
        log_denominator: set.s0.ln(),
        hazard: c,
        efron_hazard: 0.0,
    }
}

/// Efron's d steps without walking them in p dimensions. The k-th step's
/// risk set is the full one less k/d of the dying rows' sums (a0, a1, a2), so
/// with μ = a1/a0 and M = a2/a0 (the dying rows' mean and second moment),
/// g = S1 − μ·S0, G = S2 − M·S0 and cₖ = 1/(S0 − (k/d)·a0), its mean is
/// μ + cₖ·g and its second moment M + cₖ·G. Summed over the steps, only the
/// scalars Σcₖ and Σcₖ² vary with k: O(d + p²) per event time instead of
/// O(d·p²). Centring on the dying rows keeps every term of the size of the
/// result, also at the last times, where nearly the whole risk set dies.
fn efron_steps(
    set: &RiskSet,
    a0: f64,
    a1: &[f64],
    a2: &[f64],
    deaths: usize,
    steps: &mut Steps,
) -> StepSums {
    let p = steps.mu.len();
    let d = deaths as f64;
    let (mut c_sum, mut c2_sum, mut fc_sum, mut fc2_sum) = (0.0, 0.0, 0.0, 0.0);
    // Σ log(S0 − f·a0) = d·log S0 + log Π(1 − f·a0/S0): one logarithm, the
    // product taken back to a logarithm before it could underflow.
    let (mut product, mut log_sum) = (1.0, d * set.s0.ln());
    let share = a0 / set.s0;
    for k in 0..deaths {
        let f = k as f64 / d;
        let c = 1.0 / (set.s0 - f * a0);
        c_sum += c;
        c2_sum += c * c;
        fc_sum += f * c;
        fc2_sum += f * c * c;
        product *= 1.0 - f * share;
        if product < 1e-250 {
            log_sum += product.ln();
            product = 1.0;
        }
    }
    log_sum += product.ln();
    // Rows whose risk scores underflow to 0 leave a0 = 0, and then a1 = a2 = 0
    // too: centring on 0 keeps the identities.
    let inv_a0 = if a0 > 0.0 { 1.0 / a0 } else { 0.0 };
    for ((mu, g), (a, s)) in steps
        .mu
        .iter_mut()
        .zip(steps.g.iter_mut())
        .zip(a1.iter().zip(&set.s1))
    {
        *mu = a * inv_a0;
        *g = s - *mu * set.s0;
    }
    let (mu, g) = (&steps.mu, &steps.g);
    for j in 0..p {
        steps.mean_sum[j] = d * mu[j] + c_sum * g[j];
        steps.hazard_mean[j] = c_sum * mu[j] + c2_sum * g[j];
        steps.efron_hazard_mean[j] = fc_sum * mu[j] + fc2_sum * g[j];
    }
    for j in 0..p {
        for l in 0..=j {
            let second = a2[j * p + l] * inv_a0;
            let spread = set.s2[j * p + l] - second * set.s0;
            steps.information[j * p + l] = d * (second - mu[j] * mu[l])
                + c_sum * (spread - mu[j] * g[l] - g[j] * mu[l])
                - c2_sum * g[j] * g[l];
        }
    }
    StepSums {
        steps: d,
        log_denominator: log_sum,
        hazard: c_sum,
        efron_hazard: fc_sum,
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
