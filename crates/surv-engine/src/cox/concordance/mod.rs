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

mod general;

use super::data::CoxData;

/// The concordance statistic with its pair counts.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Concordance {
    /// (concordant + tied_x / 2) / (concordant + discordant + tied_x); `None`
    /// when no pair is comparable.
    pub value: Option<f64>,
    /// Infinitesimal-jackknife standard error of `value`.
    pub std_err: Option<f64>,
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

/// Ranks per block of [`Fenwick`]: a block's counts fill one cache line.
const BLOCK: usize = 16;

/// Counts by score rank, answering "how many below, above, equal". A count per
/// rank plus a Fenwick tree over blocks of [`BLOCK`] ranks: the tree is small
/// enough to stay in cache, and the rest of a query is a short contiguous sum,
/// so a query costs about one cache miss where a plain Fenwick tree over a
/// million ranks costs a dozen.
struct Fenwick {
    at: Vec<u32>,
    tree: Vec<u32>,
    total: u32,
}

impl Fenwick {
    fn new(size: usize) -> Fenwick {
        Fenwick {
            at: vec![0; size],
            tree: vec![0; size / BLOCK + 2],
            total: 0,
        }
    }

    fn add(&mut self, rank: usize) {
        self.update(rank, 1);
    }

    fn remove(&mut self, rank: usize) {
        self.update(rank, u32::MAX); // wrapping −1
    }

    fn update(&mut self, rank: usize, delta: u32) {
        self.total = self.total.wrapping_add(delta);
        self.at[rank] = self.at[rank].wrapping_add(delta);
        let mut i = rank / BLOCK + 1;
        while i < self.tree.len() {
            self.tree[i] = self.tree[i].wrapping_add(delta);
            i += i & i.wrapping_neg();
        }
    }

    /// (below, above, equal) relative to `rank`.
    fn split(&self, rank: usize) -> [f64; 3] {
        let block = rank / BLOCK;
        let (mut i, mut below) = (block, 0u32);
        while i > 0 {
            below = below.wrapping_add(self.tree[i]);
            i &= i - 1;
        }
        below = self.at[block * BLOCK..rank]
            .iter()
            .fold(below, |s, &c| s.wrapping_add(c));
        let equal = self.at[rank];
        [
            f64::from(below),
            f64::from(self.total - below - equal),
            f64::from(equal),
        ]
    }
}

/// The concordance of `eta` (one score per sorted row of `data`).
/// The pair counts of one walk, and each subject's own counts.
struct Walk {
    conc: f64,
    disc: f64,
    tx: f64,
    ty: f64,
    txy: f64,
    /// Per subject: its partners as [concordant, discordant, tied].
    own: Vec<[f64; 3]>,
}

/// The concordance of `eta` within the strata of `data`, with its
/// infinitesimal-jackknife standard error.
pub(crate) fn concordance(data: &CoxData, eta: &[f64]) -> Concordance {
    if !data.is_plain() {
        return general::concordance(data, eta);
    }
    let Walk {
        conc,
        disc,
        tx,
        ty,
        txy,
        own,
    } = walk(data, eta);
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
    finish(conc, disc, tx, ty, txy, variance)
}

/// What a site sends so that the concordance of several sites (strata) can be
/// computed without their rows: the pair counts, and the sums from which the
/// jackknife variance follows once the pooled totals are known. With a =
/// concordant − discordant and b = concordant + discordant + tied per subject,
/// Σ dfbeta² = (Σa² − 2τ Σab + τ² Σb²) / total².
#[derive(Debug, Clone, Copy, PartialEq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct ConcordanceSums {
    /// Comparable pairs ordered as the scores predict.
    pub concordant: f64,
    /// Comparable pairs ordered against the scores.
    pub discordant: f64,
    /// Comparable pairs with equal scores.
    pub tied_x: f64,
    /// Pairs of events at the same time with different scores.
    pub tied_y: f64,
    /// Pairs of events at the same time with equal scores.
    pub tied_xy: f64,
    /// Σ a² over subjects.
    pub sum_aa: f64,
    /// Σ a·b over subjects.
    pub sum_ab: f64,
    /// Σ b² over subjects.
    pub sum_bb: f64,
}

impl ConcordanceSums {
    /// The concordance of the sites whose sums are `parts`, as R computes it
    /// on their rows stratified by site.
    pub fn pooled(parts: &[ConcordanceSums]) -> Concordance {
        let mut t = ConcordanceSums::default();
        for p in parts {
            t.concordant += p.concordant;
            t.discordant += p.discordant;
            t.tied_x += p.tied_x;
            t.tied_y += p.tied_y;
            t.tied_xy += p.tied_xy;
            t.sum_aa += p.sum_aa;
            t.sum_ab += p.sum_ab;
            t.sum_bb += p.sum_bb;
        }
        let total = t.concordant + t.discordant + t.tied_x;
        let tau = (t.concordant - t.discordant) / total;
        let variance =
            (t.sum_aa - 2.0 * tau * t.sum_ab + tau * tau * t.sum_bb) / (total * total) / 4.0;
        finish(
            t.concordant,
            t.discordant,
            t.tied_x,
            t.tied_y,
            t.tied_xy,
            variance.max(0.0),
        )
    }
}

/// A site's [`ConcordanceSums`].
pub(crate) fn concordance_sums(data: &CoxData, eta: &[f64]) -> ConcordanceSums {
    let w = walk(data, eta);
    let mut sums = ConcordanceSums {
        concordant: w.conc,
        discordant: w.disc,
        tied_x: w.tx,
        tied_y: w.ty,
        tied_xy: w.txy,
        ..ConcordanceSums::default()
    };
    for [c, d, t] in &w.own {
        let a = c - d;
        let b = c + d + t;
        sums.sum_aa += a * a;
        sums.sum_ab += a * b;
        sums.sum_bb += b * b;
    }
    sums
}

fn finish(conc: f64, disc: f64, tx: f64, ty: f64, txy: f64, variance: f64) -> Concordance {
    let total = conc + disc + tx;
    // No comparable pair (e.g. a single event with nobody later at risk):
    // the concordance is undefined, as R's NaN says.
    let defined = total > 0.0;
    Concordance {
        value: defined.then(|| (conc + tx / 2.0) / total),
        std_err: defined.then(|| variance.sqrt()).filter(|s| s.is_finite()),
        concordant: conc,
        discordant: disc,
        tied_x: tx,
        tied_y: ty,
        tied_xy: txy,
    }
}

/// Ranks of the distinct scores (exact equality, as R compares them), from
/// one sort of (score, row) pairs; with the number of distinct scores.
fn score_ranks(eta: &[f64]) -> (Vec<usize>, usize) {
    let mut by_score: Vec<(f64, u32)> = eta.iter().zip(0u32..).map(|(&e, i)| (e, i)).collect();
    by_score.sort_unstable_by(|a, b| a.0.total_cmp(&b.0));
    let mut rank = vec![0usize; eta.len()];
    let mut m = 0;
    for (k, &(e, i)) in by_score.iter().enumerate() {
        if k > 0 && e != by_score[k - 1].0 {
            m += 1;
        }
        rank[i as usize] = m;
    }
    (rank, m + 1)
}

fn walk(data: &CoxData, eta: &[f64]) -> Walk {
    let n = data.n();
    let (rank, m) = score_ranks(eta);

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
                later.remove(rank[i]);
                if data.event[i] {
                    events.remove(rank[i]);
                }
            }
            stratum_rows = start..data.strata[stratum_end];
            stratum_end += 1;
        }
        // Censored at this time: later than this time's events; their comparable
        // earlier events are those not yet walked, including this time's.
        for i in start..end {
            if !data.event[i] {
                snapshot[i] = events.split(rank[i]);
                later.add(rank[i]);
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
            events.add(rank[i]);
        }
        for i in (start..end).filter(|&i| data.event[i]) {
            snapshot[i] = events.split(rank[i]);
            later.add(rank[i]);
        }
    }
    settle(&stratum_rows, &rank, &events, &snapshot, &mut own);
    Walk {
        conc,
        disc,
        tx,
        ty,
        txy,
        own,
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
    // A large stratum reads its final counts from one prefix sum over the ranks
    // rather than one tree walk per subject.
    let m = events.at.len();
    let prefix: Option<Vec<u32>> = (rows.len() >= m / 8).then(|| {
        let mut sum = 0u32;
        events
            .at
            .iter()
            .map(|&c| {
                let below = sum;
                sum += c;
                below
            })
            .collect()
    });
    for i in rows.clone() {
        let [below, above, equal] = match &prefix {
            Some(prefix) => {
                let (below, equal) = (prefix[rank[i]], events.at[rank[i]]);
                [
                    f64::from(below),
                    f64::from(events.total - below - equal),
                    f64::from(equal),
                ]
            }
            None => events.split(rank[i]),
        };
        let [b0, a0, e0] = snapshot[i];
        own[i][0] += above - a0;
        own[i][1] += below - b0;
        own[i][2] += equal - e0;
    }
}
