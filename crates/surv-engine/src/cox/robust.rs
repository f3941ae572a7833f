//! The robust (sandwich) variance of a Cox fit over clusters of rows, as R's
//! `coxph(… + cluster(id))` computes it, with its robust score test.
//!
//! Each row's score residual is its event's covariates less the risk-set mean,
//! less what it accrued while at risk: Σ over the event times in its interval
//! of r·(x − x̄)·dΛ. Under Efron's method a dying row is at risk for only
//! (1 − k/d) of the k-th of its time's d steps, and is compared with the
//! average of the steps' means. The accrual is a difference of running sums
//! (the hazard and the hazard-weighted means, summed from the latest time
//! back), taken when the row joins the risk set and when it leaves: one walk,
//! linear in the rows. Weighted residuals summed within clusters give D, and
//! the robust variance is V·DᵀD·V with V the model-based one.

use super::Ties;
use super::data::CoxData;
use super::likelihood::{EventTime, Workspace, for_each_event_time};

/// Σ over each cluster's rows of w·(score residual) at `beta`: a
/// clusters × p matrix, row-major. Without clusters every row is its own.
pub(crate) fn cluster_scores(
    data: &CoxData,
    beta: &[f64],
    ties: Ties,
    work: &mut Workspace,
) -> (Vec<f64>, usize) {
    let p = data.p;
    let n = data.n();
    let count = data.cluster.as_ref().map_or(n, |c| c.count);
    let code = |i: usize| data.cluster.as_ref().map_or(i, |c| c.code[i] as usize);
    let mut out = vec![0.0; count * p];
    let mut walk = Accrual {
        hazard: 0.0,
        hazard_mean: vec![0.0; p],
        stratum: 0,
        added: 0,
        leaving: 0,
    };
    // The likelihood's walk records each event time; the rows' accrual then
    // walks them again with the risk scores it left in the workspace.
    let mut times = EventTimes::new(p);
    for_each_event_time(data, beta, ties, work, |t: EventTime<'_>| times.push(&t));
    let risk = &work.risk;
    let accrue = |out: &mut [f64], i: usize, sign: f64, hazard: f64, hazard_mean: &[f64]| {
        let x = &data.x[i * p..(i + 1) * p];
        let row = &mut out[code(i) * p..(code(i) + 1) * p];
        for j in 0..p {
            row[j] -= sign * risk[i] * (x[j] * hazard - hazard_mean[j]);
        }
    };
    for k in 0..times.start.len() {
        let t = times.get(k);
        // Strata passed since the last event time: their rows still at risk
        // leave with the stratum's whole hazard.
        while t.start >= data.strata[walk.stratum + 1] {
            walk.finish_stratum(data, &mut out, &accrue);
        }
        // Rows since the last event time join, having accrued nothing yet.
        for i in walk.added..t.end {
            accrue(&mut out, i, -1.0, walk.hazard, &walk.hazard_mean);
        }
        walk.added = t.end;
        if let Some(entry) = &data.entry {
            let time = data.time[t.start];
            let stratum_end = data.strata[walk.stratum + 1];
            while walk.leaving < stratum_end
                && entry.start[entry.by_start[walk.leaving] as usize] >= time
            {
                let i = entry.by_start[walk.leaving] as usize;
                accrue(&mut out, i, 1.0, walk.hazard, &walk.hazard_mean);
                walk.leaving += 1;
            }
        }
        walk.hazard += t.hazard;
        for (h, m) in walk.hazard_mean.iter_mut().zip(t.hazard_mean) {
            *h += m;
        }
        for i in (t.start..t.end).filter(|&i| data.event[i]) {
            let x = &data.x[i * p..(i + 1) * p];
            let w = data.weight_of(i);
            let row = &mut out[code(i) * p..(code(i) + 1) * p];
            for j in 0..p {
                row[j] += w * (x[j] - t.event_mean[j])
                    + risk[i] * (x[j] * t.efron_hazard - t.efron_hazard_mean[j]);
            }
        }
    }
    while walk.stratum + 1 < data.strata.len() {
        walk.finish_stratum(data, &mut out, &accrue);
    }
    (out, count)
}

/// What the residuals need of each event time, as flat columns.
struct EventTimes {
    p: usize,
    start: Vec<usize>,
    end: Vec<usize>,
    hazard: Vec<f64>,
    efron_hazard: Vec<f64>,
    /// p values per event time, as the three below.
    hazard_mean: Vec<f64>,
    efron_hazard_mean: Vec<f64>,
    event_mean: Vec<f64>,
}

/// One event time of [`EventTimes`].
struct EventView<'a> {
    start: usize,
    end: usize,
    hazard: f64,
    efron_hazard: f64,
    hazard_mean: &'a [f64],
    efron_hazard_mean: &'a [f64],
    event_mean: &'a [f64],
}

impl EventTimes {
    fn new(p: usize) -> EventTimes {
        EventTimes {
            p,
            start: Vec::new(),
            end: Vec::new(),
            hazard: Vec::new(),
            efron_hazard: Vec::new(),
            hazard_mean: Vec::new(),
            efron_hazard_mean: Vec::new(),
            event_mean: Vec::new(),
        }
    }

    fn push(&mut self, t: &EventTime<'_>) {
        self.start.push(t.start);
        self.end.push(t.end);
        self.hazard.push(t.hazard);
        self.efron_hazard.push(t.efron_hazard);
        self.hazard_mean.extend_from_slice(t.hazard_mean);
        self.efron_hazard_mean
            .extend_from_slice(t.efron_hazard_mean);
        self.event_mean.extend_from_slice(t.event_mean);
    }

    fn get(&self, k: usize) -> EventView<'_> {
        let span = k * self.p..(k + 1) * self.p;
        EventView {
            start: self.start[k],
            end: self.end[k],
            hazard: self.hazard[k],
            efron_hazard: self.efron_hazard[k],
            hazard_mean: &self.hazard_mean[span.clone()],
            efron_hazard_mean: &self.efron_hazard_mean[span.clone()],
            event_mean: &self.event_mean[span],
        }
    }
}

/// The running sums of one stratum's walk.
struct Accrual {
    /// Σ hazard over the event times walked in this stratum.
    hazard: f64,
    /// Σ hazard-weighted means over the same.
    hazard_mean: Vec<f64>,
    /// The stratum walked.
    stratum: usize,
    /// Rows before this have joined the risk set.
    added: usize,
    /// With entry times, the next row (in `by_start`) to leave.
    leaving: usize,
}

impl Accrual {
    /// Lets the stratum's rows still at risk leave, and moves to the next.
    fn finish_stratum(
        &mut self,
        data: &CoxData,
        out: &mut [f64],
        accrue: &impl Fn(&mut [f64], usize, f64, f64, &[f64]),
    ) {
        let (first, end) = (data.strata[self.stratum], data.strata[self.stratum + 1]);
        match &data.entry {
            Some(entry) => {
                for k in self.leaving.max(first)..end {
                    let i = entry.by_start[k] as usize;
                    if i < self.added {
                        accrue(out, i, 1.0, self.hazard, &self.hazard_mean);
                    }
                }
            }
            None => {
                for i in first..self.added.max(first) {
                    accrue(out, i, 1.0, self.hazard, &self.hazard_mean);
                }
            }
        }
        self.stratum += 1;
        self.hazard = 0.0;
        self.hazard_mean.iter_mut().for_each(|v| *v = 0.0);
        self.added = end;
        self.leaving = end;
    }
}

/// Σ_c D_c·D_cᵀ of a clusters × p matrix, row-major p × p.
pub(crate) fn cross_product(d: &[f64], p: usize) -> Vec<f64> {
    let mut out = vec![0.0; p * p];
    for row in d.chunks_exact(p) {
        for j in 0..p {
            for l in 0..p {
                out[j * p + l] += row[j] * row[l];
            }
        }
    }
    out
}

/// V·B·V for p × p row-major matrices.
pub(crate) fn sandwich(v: &[f64], b: &[f64], p: usize) -> Vec<f64> {
    let product = |a: &[f64], c: &[f64]| {
        let mut out = vec![0.0; p * p];
        for j in 0..p {
            for k in 0..p {
                let ajk = a[j * p + k];
                for l in 0..p {
                    out[j * p + l] += ajk * c[k * p + l];
                }
            }
        }
        out
    };
    product(&product(v, b), v)
}
