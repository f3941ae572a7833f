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
use crate::column::Column;

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
    pub(crate) risk: Column<f64>,
    eta: Column<f64>,
}

impl Workspace {
    pub(crate) fn new(n: usize) -> Workspace {
        Workspace {
            risk: Column::zeroed(n),
            eta: Column::zeroed(n),
        }
    }

    /// η = xβ of each sorted row at the β of the last walk.
    pub(crate) fn eta(&self) -> &[f64] {
        &self.eta
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

/// Rows from which a walk's per-row work is split between two threads.
const PARALLEL: usize = 50_000;
/// ... when the tie runs hold this many rows on average: then the records of
/// the runs are small and the walk over them is short.
const ROWS_PER_RUN: usize = 16;

/// Walks the event times at `beta`, from the latest back within each stratum,
/// handing each one's contributions to `visit`. Rows join the risk sets at
/// their time and, with entry times, leave them once the walk reaches their
/// entry.
///
/// The per-row work (risk scores, each row's r·x·xᵀ) dominates. On a large
/// data set with many rows per distinct time (and no entry times), two threads
/// first sum each tie run's rows into a record of its own, and the walk then
/// adds the records: the same sums, but a run's censored rows are summed
/// before they join the risk set, so the rounding differs.
pub(crate) fn for_each_event_time(
    data: &CoxData,
    beta: &[f64],
    ties: Ties,
    work: &mut Workspace,
    visit: impl FnMut(EventTime<'_>),
) {
    let runs = data.tie_runs.len() - 1;
    let parallel = data.entry.is_none() && data.n() >= PARALLEL && runs * ROWS_PER_RUN <= data.n();
    walk(data, beta, ties, work, parallel, visit);
}

fn walk(
    data: &CoxData,
    beta: &[f64],
    ties: Ties,
    work: &mut Workspace,
    parallel: bool,
    mut visit: impl FnMut(EventTime<'_>),
) {
    let p = data.p;
    let sum_run = accumulator(p);
    let records = if parallel {
        Some(run_records(data, beta, work))
    } else {
        risk_scores(data, beta, 0, &mut work.eta, &mut work.risk);
        None
    };
    let width = record_width(p);
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
    for (k, run) in data.tie_runs.windows(2).enumerate() {
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
        information.iter_mut().for_each(|v| *v = 0.0);
        let mut a0 = 0.0;
        let totals = match &records {
            Some(records) => {
                let record = &records[k * width..(k + 1) * width];
                let m = 1 + p + p * p;
                set.s0 += record[0];
                add_to(&mut set.s1, &record[1..1 + p]);
                add_to(&mut set.s2, &record[1 + p..m]);
                a0 = record[m];
                a1.copy_from_slice(&record[m + 1..m + 1 + p]);
                a2.copy_from_slice(&record[m + 1 + p..2 * m]);
                score.copy_from_slice(&record[2 * m..2 * m + p]);
                RunTotals::read(&record[2 * m + p..])
            }
            None => {
                a1.iter_mut().for_each(|v| *v = 0.0);
                a2.iter_mut().for_each(|v| *v = 0.0);
                score.iter_mut().for_each(|v| *v = 0.0);
                sum_run(
                    data,
                    &work.risk[start..end],
                    &work.eta[start..end],
                    start..end,
                    Moments {
                        s0: &mut set.s0,
                        s1: &mut set.s1,
                        s2: &mut set.s2,
                    },
                    Moments {
                        s0: &mut a0,
                        s1: &mut a1,
                        s2: &mut a2,
                    },
                    &mut score,
                )
            }
        };
        let RunTotals {
            deaths,
            death_weight,
            mut loglik,
        } = totals;
        set.rows += end - start;
        if deaths == 0 {
            continue;
        }
        set.s0 += a0;
        add_to(&mut set.s1, &a1);
        add_to(&mut set.s2, &a2);
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

/// Sums Σ w·r, Σ w·r·x and Σ w·r·x·xᵀ (lower triangle) being added to.
struct Moments<'a> {
    s0: &'a mut f64,
    s1: &'a mut [f64],
    s2: &'a mut [f64],
}

/// What a tie run's dying rows add besides their moments.
#[derive(Debug, Clone, Copy, PartialEq)]
struct RunTotals {
    deaths: usize,
    /// Σ w.
    death_weight: f64,
    /// Σ w·η, their part of the log-likelihood.
    loglik: f64,
}

impl RunTotals {
    fn read(slots: &[f64]) -> RunTotals {
        RunTotals {
            deaths: slots[0] as usize,
            death_weight: slots[1],
            loglik: slots[2],
        }
    }

    fn write(&self, slots: &mut [f64]) {
        slots[0] = self.deaths as f64;
        slots[1] = self.death_weight;
        slots[2] = self.loglik;
    }
}

/// How a tie run's rows are summed: [`accumulate`] for some number of covariates.
type Accumulate = fn(
    &CoxData,
    &[f64],
    &[f64],
    std::ops::Range<usize>,
    Moments<'_>,
    Moments<'_>,
    &mut [f64],
) -> RunTotals;

/// [`accumulate`] for `p` covariates: an unrolled copy for the common sizes,
/// chosen once per walk rather than once per row.
fn accumulator(p: usize) -> Accumulate {
    match p {
        1 => accumulate::<1>,
        2 => accumulate::<2>,
        3 => accumulate::<3>,
        4 => accumulate::<4>,
        5 => accumulate::<5>,
        6 => accumulate::<6>,
        7 => accumulate::<7>,
        8 => accumulate::<8>,
        _ => accumulate::<0>,
    }
}

/// Adds the sorted rows `rows` (one tie run), whose risk scores and η are
/// `risk` and `eta`: each censored row's moments to `censored`, each dying
/// row's to `dying` and its w·x to `score`. For `P` covariates, or for any
/// number when `P` is 0.
fn accumulate<const P: usize>(
    data: &CoxData,
    risk: &[f64],
    eta: &[f64],
    rows: std::ops::Range<usize>,
    censored: Moments<'_>,
    dying: Moments<'_>,
    score: &mut [f64],
) -> RunTotals {
    let add_outer = |first: &mut [f64], second: &mut [f64], r: f64, x: &[f64]| match P {
        0 => add_outer_any(first, second, r, x),
        _ => add_outer_fixed::<P>(first, second, r, x),
    };
    let p = if P == 0 { data.p } else { P };
    let mut totals = RunTotals {
        deaths: 0,
        death_weight: 0.0,
        loglik: 0.0,
    };
    let x = &data.x[rows.start * p..rows.end * p];
    let event = &data.event[rows.clone()];
    // Each row's outer product goes to one sum only: the dying ones to theirs,
    // which join the risk set after the time's steps; the censored ones
    // straight in.
    for (k, row) in x.chunks_exact(p).enumerate() {
        let r = risk[k];
        if event[k] {
            let w = data.weight_of(rows.start + k);
            totals.deaths += 1;
            totals.death_weight += w;
            *dying.s0 += r;
            add_outer(dying.s1, dying.s2, r, row);
            totals.loglik += w * eta[k];
            for (u, xj) in score.iter_mut().zip(row) {
                *u += w * xj;
            }
        } else {
            *censored.s0 += r;
            add_outer(censored.s1, censored.s2, r, row);
        }
    }
    totals
}

/// Slots of one run's record: the censored rows' moments, the dying rows'
/// moments, the dying rows' Σ w·x, then their [`RunTotals`].
fn record_width(p: usize) -> usize {
    2 * (1 + p + p * p) + p + 3
}

/// η = xβ and the risk score w·exp(η) of the sorted rows from `first` on,
/// as many as `eta` and `risk` hold.
fn risk_scores(data: &CoxData, beta: &[f64], first: usize, eta: &mut [f64], risk: &mut [f64]) {
    let p = data.p;
    let rows = first..first + eta.len();
    if beta.iter().all(|&b| b == 0.0) {
        // Newton's first point: every η is 0 and exp(0) = 1 exactly, so the
        // risk scores are the weights, without a million exponentials.
        eta.fill(0.0);
        match &data.weight {
            Some(weight) => risk.copy_from_slice(&weight[rows]),
            None => risk.fill(1.0),
        }
        return;
    }
    let x = data.x[rows.start * p..rows.end * p].chunks_exact(p);
    for (i, ((row, eta), risk)) in x.zip(eta).zip(risk).enumerate() {
        *eta = row.iter().zip(beta).map(|(x, b)| x * b).sum();
        *risk = eta.exp() * data.weight_of(first + i);
    }
}

/// Each tie run's record, the runs split between two threads; each run's η
/// and risk scores are computed into `work` just before its rows are summed,
/// so that the covariates are read once.
fn run_records(data: &CoxData, beta: &[f64], work: &mut Workspace) -> Vec<f64> {
    let p = data.p;
    let width = record_width(p);
    let m = 1 + p + p * p;
    let runs = data.tie_runs.len() - 1;
    let mut records = vec![0.0; runs * width];
    let sum_run = accumulator(p);
    let fill = |first_run: usize, records: &mut [f64], eta: &mut [f64], risk: &mut [f64]| {
        let first_row = data.tie_runs[first_run];
        for (k, record) in records.chunks_exact_mut(width).enumerate() {
            let rows = data.tie_runs[first_run + k]..data.tie_runs[first_run + k + 1];
            let local = rows.start - first_row..rows.end - first_row;
            let (eta, risk) = (&mut eta[local.clone()], &mut risk[local]);
            risk_scores(data, beta, rows.start, eta, risk);
            let (censored, rest) = record.split_at_mut(m);
            let (dying, rest) = rest.split_at_mut(m);
            let (score, totals) = rest.split_at_mut(p);
            let (c0, c) = censored.split_at_mut(1);
            let (c1, c2) = c.split_at_mut(p);
            let (d0, d) = dying.split_at_mut(1);
            let (d1, d2) = d.split_at_mut(p);
            sum_run(
                data,
                risk,
                eta,
                rows,
                Moments {
                    s0: &mut c0[0],
                    s1: c1,
                    s2: c2,
                },
                Moments {
                    s0: &mut d0[0],
                    s1: d1,
                    s2: d2,
                },
                score,
            )
            .write(totals);
        }
    };
    // Split where the rows, not the runs, are halved: the runs near the
    // start of follow-up hold most rows.
    let mid = data.tie_runs[..runs].partition_point(|&start| start < data.n() / 2);
    let (low, high) = records.split_at_mut(mid * width);
    let mid_row = data.tie_runs[mid];
    let (eta_low, eta_high) = work.eta.split_at_mut(mid_row);
    let (risk_low, risk_high) = work.risk.split_at_mut(mid_row);
    std::thread::scope(|scope| {
        scope.spawn(|| fill(mid, high, eta_high, risk_high));
        fill(0, low, eta_low, risk_low);
    });
    records
}

/// `sum += other`, element by element.
fn add_to(sum: &mut [f64], other: &[f64]) {
    for (s, o) in sum.iter_mut().zip(other) {
        *s += o;
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
    // One division per step: f = k/d as k times 1/d (the last bit of f may
    // differ from k/d's; the terms it weights are summed, not compared).
    let per_death = 1.0 / d;
    for k in 0..deaths {
        let f = k as f64 * per_death;
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::SurvivalData;

    /// Sums over all event times of what the walk hands out.
    fn totals(data: &CoxData, beta: &[f64], ties: Ties, parallel: bool) -> Vec<f64> {
        let mut work = Workspace::new(data.n());
        let mut out = vec![0.0; 3 + 4 * data.p + data.p * data.p];
        walk(data, beta, ties, &mut work, parallel, |t| {
            let p = data.p;
            out[0] += t.loglik;
            out[1] += t.hazard;
            out[2] += t.efron_hazard;
            for j in 0..p {
                out[3 + j] += t.score[j];
                out[3 + p + j] += t.hazard_mean[j];
                out[3 + 2 * p + j] += t.efron_hazard_mean[j];
                out[3 + 3 * p + j] += t.event_mean[j];
            }
            for (o, v) in out[3 + 4 * p..].iter_mut().zip(t.information) {
                *o += v;
            }
        });
        out
    }

    /// The two-thread walk over run records gives what the one-thread walk
    /// gives, to rounding, with ties (both methods), strata and weights; for
    /// sizes with their own unrolled sums (2, 6) and one without (9).
    #[test]
    fn the_two_thread_walk_agrees_with_the_one_thread_walk() {
        let n = 3 * PARALLEL + 11;
        let mut state = 0x9e37_79b9_7f4a_7c15_u64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 11) as f64 / (1u64 << 53) as f64
        };
        let time: Vec<f64> = (0..n).map(|_| (next() * 500.0).ceil()).collect();
        let event: Vec<bool> = (0..n).map(|_| next() < 0.7).collect();
        let strata: Vec<u32> = (0..n).map(|_| u32::from(next() < 0.4)).collect();
        let weights: Vec<f64> = (0..n).map(|_| 0.5 + next()).collect();
        let columns: Vec<Vec<f64>> = (0..9)
            .map(|j| {
                (0..n)
                    .map(|_| match j % 2 {
                        0 => next() * 4.0 - 2.0,
                        _ => f64::from(next() < 0.3),
                    })
                    .collect()
            })
            .collect();
        let data = SurvivalData::new(&time, &event)
            .and_then(|d| d.with_strata(&strata))
            .and_then(|d| d.with_weights(&weights))
            .unwrap();
        for p in [2, 6, 9] {
            let x: Vec<&[f64]> = columns[..p].iter().map(Vec::as_slice).collect();
            let cox = CoxData::new(&data, &x).unwrap();
            let runs = cox.tie_runs.len() - 1;
            assert!(
                runs * ROWS_PER_RUN <= n,
                "the data take the two-thread path"
            );
            let beta: Vec<f64> = (0..p).map(|j| 0.3 - 0.1 * j as f64).collect();
            for ties in [Ties::Efron, Ties::Breslow] {
                let one = totals(&cox, &beta, ties, false);
                let two = totals(&cox, &beta, ties, true);
                for (a, b) in one.iter().zip(&two) {
                    assert!((a - b).abs() <= 1e-10 * a.abs().max(1.0), "{a} vs {b}");
                }
            }
        }
    }
}
