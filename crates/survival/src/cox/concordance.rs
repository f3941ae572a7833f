//! Harrell's concordance of a Cox model's linear predictor with the observed
//! survival, and its infinitesimal-jackknife standard error, as `coxph`
//! reports them.
//!
//! A pair is comparable when its earlier member had the event and the other was
//! still under observation later (or was censored at the same time); it is
//! concordant when the earlier member has the higher risk score. Pairs tied on
//! the score count one half; pairs of events at the same time are left out.
//! Pairs form only within a stratum. O(n log n): one walk from the latest time
//! back with two Fenwick trees over score ranks.

use super::data::CoxData;

/// The concordance statistic with its pair counts.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Concordance {
    /// (concordant + tied_x / 2) / (concordant + discordant + tied_x).
    pub value: f64,
    /// Infinitesimal-jackknife standard error of `value`.
    pub std_err: f64,
    /// Comparable pairs ordered as the scores predict.
    pub concordant: f64,
    /// Comparable pairs ordered against the scores.
    pub discordant: f64,
    /// Comparable pairs with equal scores.
    pub tied_x: f64,
    /// Pairs of events at the same time with different scores (not comparable).
    pub tied_y: f64,
    /// Pairs of events at the same time with equal scores (not comparable).
    pub tied_xy: f64,
}

/// Counts by score rank: a Fenwick tree.
struct Fenwick {
    tree: Vec<f64>,
    total: f64,
}

impl Fenwick {
    fn new(size: usize) -> Fenwick {
        Fenwick {
            tree: vec![0.0; size + 1],
            total: 0.0,
        }
    }

    fn add(&mut self, rank: usize, w: f64) {
        self.total += w;
        let mut i = rank + 1;
        while i < self.tree.len() {
            self.tree[i] += w;
            i += i & i.wrapping_neg();
        }
    }

    /// Sum over ranks `< rank`.
    fn below(&self, rank: usize) -> f64 {
        let (mut i, mut s) = (rank, 0.0);
        while i > 0 {
            s += self.tree[i];
            i &= i - 1;
        }
        s
    }

    /// (below, above, equal) relative to `rank`.
    fn split(&self, rank: usize) -> [f64; 3] {
        let below = self.below(rank);
        let up_to = self.below(rank + 1);
        [below, self.total - up_to, up_to - below]
    }
}

/// The concordance of `eta` (one score per sorted row of `data`).
pub(crate) fn concordance(data: &CoxData, eta: &[f64]) -> Concordance {
    let n = data.n();
    // Ranks of the distinct scores (exact equality, as R compares them).
    let mut distinct: Vec<f64> = eta.to_vec();
    distinct.sort_by(f64::total_cmp);
    distinct.dedup();
    let rank: Vec<usize> = eta
        .iter()
        .map(|e| distinct.partition_point(|d| d < e))
        .collect();
    let m = distinct.len();

    let (mut conc, mut disc, mut tx, mut ty, mut txy) = (0.0, 0.0, 0.0, 0.0, 0.0);
    // Per subject: partners' counts as [concordant, discordant, tied] and the
    // snapshot of the event tree taken when the subject joined the later set.
    let mut own = vec![[0.0f64; 3]; n];
    let mut snapshot = vec![[0.0f64; 3]; n];
    let mut later = Fenwick::new(m); // subjects with later times (or censored at the same)
    let mut events = Fenwick::new(m); // events already walked
    let mut stratum_end = 1;
    let mut stratum_rows = 0..0;
    for run in data.tie_runs.windows(2) {
        let (start, end) = (run[0], run[1]);
        if start == data.strata[stratum_end - 1] {
            // A new stratum: settle the previous one's subjects, then empty the trees.
            settle(&stratum_rows, &rank, &events, &snapshot, &mut own);
            for i in stratum_rows.clone() {
                later.add(rank[i], -1.0);
                if data.event[i] {
                    events.add(rank[i], -1.0);
                }
            }
            later.total = 0.0;
            events.total = 0.0;
            stratum_rows = start..data.strata[stratum_end];
            stratum_end += 1;
        }
        // Censored at this time: later than this time's events; their comparable
        // earlier events are those not yet walked, including this time's.
        for i in start..end {
            if !data.event[i] {
                snapshot[i] = events.split(rank[i]);
                later.add(rank[i], 1.0);
            }
        }
        for i in (start..end).filter(|&i| data.event[i]) {
            let [below, above, equal] = later.split(rank[i]);
            conc += below;
            disc += above;
            tx += equal;
            own[i][0] += below;
            own[i][1] += above;
            own[i][2] += equal;
        }
        // Events at the same time pair with each other only as tied.y / tied.xy.
        let mut tied_events: Vec<usize> = (start..end)
            .filter(|&i| data.event[i])
            .map(|i| rank[i])
            .collect();
        let d = tied_events.len() as f64;
        if tied_events.len() > 1 {
            tied_events.sort_unstable();
            let mut same_score = 0.0;
            for group in tied_events.chunk_by(|a, b| a == b) {
                let c = group.len() as f64;
                same_score += c * (c - 1.0) / 2.0;
            }
            txy += same_score;
            ty += d * (d - 1.0) / 2.0 - same_score;
        }
        for i in (start..end).filter(|&i| data.event[i]) {
            events.add(rank[i], 1.0);
        }
        for i in (start..end).filter(|&i| data.event[i]) {
            snapshot[i] = events.split(rank[i]);
            later.add(rank[i], 1.0);
        }
    }
    settle(&stratum_rows, &rank, &events, &snapshot, &mut own);

    let total = conc + disc + tx;
    let tau = (conc - disc) / total;
    let variance: f64 = own
        .iter()
        .map(|[c, d, t]| {
            let dfbeta = (c - d) / total - tau * (c + d + t) / total;
            dfbeta * dfbeta
        })
        .sum::<f64>()
        / 4.0;
    Concordance {
        value: (conc + tx / 2.0) / total,
        std_err: variance.sqrt(),
        concordant: conc,
        discordant: disc,
        tied_x: tx,
        tied_y: ty,
        tied_xy: txy,
    }
}

/// Adds to each subject of a finished stratum the earlier events it pairs with:
/// all events of the stratum less those walked before it joined the later set.
/// From the later member's side, an earlier event with a higher score is
/// concordant.
fn settle(
    rows: &std::ops::Range<usize>,
    rank: &[usize],
    events: &Fenwick,
    snapshot: &[[f64; 3]],
    own: &mut [[f64; 3]],
) {
    for i in rows.clone() {
        let [below, above, equal] = events.split(rank[i]);
        let [b0, a0, e0] = snapshot[i];
        own[i][0] += above - a0;
        own[i][1] += below - b0;
        own[i][2] += equal - e0;
    }
}
