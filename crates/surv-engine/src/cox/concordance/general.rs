//! The concordance of a fit whose rows enter late (`(start, stop]`), carry
//! case weights or belong to clusters, as R's `concordance` counts it for
//! such data.
//!
//! An event is compared with every row at risk at its time (start < t ≤
//! stop); a pair counts w_event · w_other. The walk is the plain one's, with
//! weighted trees, and a row leaves the later set once the walk reaches its
//! entry. Each row's own pair weights, summed within its cluster, give the
//! infinitesimal-jackknife variance.

use super::super::data::CoxData;
use super::{Concordance, finish, score_ranks};

/// Weight by score rank: "how much below, above, equal".
struct WeightedTree {
    at: Vec<f64>,
    tree: Vec<f64>,
    total: f64,
}

impl WeightedTree {
    fn new(size: usize) -> WeightedTree {
        WeightedTree {
            at: vec![0.0; size],
            tree: vec![0.0; size + 1],
            total: 0.0,
        }
    }

    fn add(&mut self, rank: usize, w: f64) {
        self.total += w;
        self.at[rank] += w;
        let mut i = rank + 1;
        while i < self.tree.len() {
            self.tree[i] += w;
            i += i & i.wrapping_neg();
        }
    }

    fn clear(&mut self) {
        self.at.iter_mut().for_each(|v| *v = 0.0);
        self.tree.iter_mut().for_each(|v| *v = 0.0);
        self.total = 0.0;
    }

    /// (below, above, equal) relative to `rank`.
    fn split(&self, rank: usize) -> [f64; 3] {
        let (mut i, mut below) = (rank, 0.0);
        while i > 0 {
            below += self.tree[i];
            i &= i - 1;
        }
        let equal = self.at[rank];
        [below, self.total - below - equal, equal]
    }
}

/// The concordance of `eta` (one score per sorted row of `data`).
pub(crate) fn concordance(data: &CoxData, eta: &[f64]) -> Concordance {
    let n = data.n();
    let (rank, m) = score_ranks(eta);
    let w = |i: usize| data.weight_of(i);
    let (mut conc, mut disc, mut tx, mut ty, mut txy) = (0.0, 0.0, 0.0, 0.0, 0.0);
    // Per row: its pairs' weights as [concordant, discordant, tied], and the
    // events tree as it was when the row joined the later set.
    let mut own = vec![[0.0f64; 3]; n];
    let mut snapshot = vec![[0.0f64; 3]; n];
    let mut joined = vec![false; n];
    let mut later = WeightedTree::new(m);
    let mut events = WeightedTree::new(m);
    // A row leaving the later set pairs with the events walked since it joined;
    // from its side an earlier event with a higher score is concordant.
    let leave = |i: usize, events: &WeightedTree, snapshot: &[[f64; 3]], own: &mut [[f64; 3]]| {
        let [below, above, equal] = events.split(rank[i] as usize);
        let [b0, a0, e0] = snapshot[i];
        own[i][0] += w(i) * (above - a0);
        own[i][1] += w(i) * (below - b0);
        own[i][2] += w(i) * (equal - e0);
    };
    for s in data.strata.windows(2) {
        let (first, end) = (s[0], s[1]);
        later.clear();
        events.clear();
        let mut leaving = first;
        let runs_start = data.tie_runs.partition_point(|&r| r < first);
        let runs_end = data.tie_runs.partition_point(|&r| r < end);
        for k in runs_start..runs_end {
            let (start, stop) = (data.tie_runs[k], data.tie_runs[k + 1]);
            if let Some(entry) = &data.entry {
                let t = data.time[start];
                while leaving < end && entry.start[entry.by_start[leaving] as usize] >= t {
                    let i = entry.by_start[leaving] as usize;
                    if joined[i] {
                        leave(i, &events, &snapshot, &mut own);
                        later.add(rank[i] as usize, -w(i));
                        joined[i] = false;
                    }
                    leaving += 1;
                }
            }
            for i in (start..stop).filter(|&i| !data.event[i]) {
                snapshot[i] = events.split(rank[i] as usize);
                later.add(rank[i] as usize, w(i));
                joined[i] = true;
            }
            let (mut dw, mut dw2) = (0.0, 0.0);
            for i in (start..stop).filter(|&i| data.event[i]) {
                let [below, above, equal] = later.split(rank[i] as usize);
                let wi = w(i);
                conc += wi * below;
                disc += wi * above;
                tx += wi * equal;
                own[i][0] += wi * below;
                own[i][1] += wi * above;
                own[i][2] += wi * equal;
                dw += wi;
                dw2 += wi * wi;
            }
            if dw > 0.0 {
                // Events at one time pair with each other only as tied.y/tied.xy.
                let mut same: Vec<(usize, f64)> = (start..stop)
                    .filter(|&i| data.event[i])
                    .map(|i| (rank[i] as usize, w(i)))
                    .collect();
                same.sort_unstable_by_key(|e| e.0);
                let mut same_score = 0.0;
                for group in same.chunk_by(|a, b| a.0 == b.0) {
                    let (sw, sw2) = group
                        .iter()
                        .fold((0.0, 0.0), |(a, b), e| (a + e.1, b + e.1 * e.1));
                    same_score += (sw * sw - sw2) / 2.0;
                }
                txy += same_score;
                ty += (dw * dw - dw2) / 2.0 - same_score;
            }
            for i in (start..stop).filter(|&i| data.event[i]) {
                events.add(rank[i] as usize, w(i));
            }
            for i in (start..stop).filter(|&i| data.event[i]) {
                snapshot[i] = events.split(rank[i] as usize);
                later.add(rank[i] as usize, w(i));
                joined[i] = true;
            }
        }
        for (i, joined) in joined.iter_mut().enumerate().take(end).skip(first) {
            if *joined {
                leave(i, &events, &snapshot, &mut own);
                *joined = false;
            }
        }
    }
    let total = conc + disc + tx;
    let tau = (conc - disc) / total;
    let dfbeta = |[c, d, t]: [f64; 3]| (c - d) / total - tau * (c + d + t) / total;
    let variance = match &data.cluster {
        Some(clusters) => {
            let mut sums = vec![0.0; clusters.count];
            for (i, o) in own.iter().enumerate() {
                sums[clusters.code[i] as usize] += dfbeta(*o);
            }
            sums.iter().map(|s| s * s).sum::<f64>()
        }
        None => own.iter().map(|o| dfbeta(*o).powi(2)).sum::<f64>(),
    } / 4.0;
    finish(conc, disc, tx, ty, txy, variance)
}
