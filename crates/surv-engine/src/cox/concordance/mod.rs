//! Harrell's concordance of a Cox model's linear predictor with the observed
//! survival, and its infinitesimal-jackknife standard error, as `coxph`
//! reports them.
//!
//! A pair is comparable when its earlier member had the event and the other was
//! still under observation later (or was censored at the same time); it is
//! concordant when the earlier member has the higher risk score. Pairs tied on
//! the score count one half; pairs of events at the same time are left out.
//! Pairs form only within a stratum. O(n log n), the scores put in order and
//! walked with Fenwick trees, whichever way keeps the trees small: in score
//! order with a tree over the tie runs when the distinct times are few (whole
//! days; `by_score`), else in time order with trees over the scores' ranks.
//! Weights, clusters and entry times take the walk of `general`. The
//! variance is summed from each subject's partners, as Σa², Σab and Σb²
//! ([`SubjectSums`]), the same sums a site sends for pooling.

mod by_score;
mod general;

use super::data::CoxData;
use crate::order::radix::{self, Pair};

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

/// The pair counts of one walk, and the sums over subjects from which the
/// jackknife variance follows.
struct Walk {
    conc: f64,
    disc: f64,
    tx: f64,
    ty: f64,
    txy: f64,
    sums: SubjectSums,
}

/// With a = concordant − discordant and b = concordant + discordant + tied,
/// a subject's partners: Σa², Σab and Σb² over subjects.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
struct SubjectSums {
    aa: f64,
    ab: f64,
    bb: f64,
}

impl SubjectSums {
    /// The sums of subjects whose partners are `own` ([concordant,
    /// discordant, tied] each).
    fn of(own: &[[f64; 3]]) -> SubjectSums {
        let mut sums = SubjectSums::default();
        for &[c, d, t] in own {
            let (a, b) = (c - d, c + d + t);
            sums.aa += a * a;
            sums.ab += a * b;
            sums.bb += b * b;
        }
        sums
    }

    /// The infinitesimal-jackknife variance: each subject's dfbeta is
    /// (a − τ·b) / total, with τ = (concordant − discordant) / total, so
    /// Σ dfbeta² = (Σa² − 2τ Σab + τ² Σb²) / total². R's variance is a
    /// quarter of it (that of the concordance, not of τ).
    fn variance(&self, conc: f64, disc: f64, tx: f64) -> f64 {
        let total = conc + disc + tx;
        let tau = (conc - disc) / total;
        let sum = self.aa - 2.0 * tau * self.ab + tau * tau * self.bb;
        (sum / (total * total) / 4.0).max(0.0)
    }
}

/// The concordance of `eta` within the strata of `data`, with its
/// infinitesimal-jackknife standard error.
pub(crate) fn concordance(data: &CoxData, eta: &[f64]) -> Concordance {
    if !data.is_plain() {
        return general::concordance(data, eta);
    }
    from_walk(walk(data, eta))
}

/// The concordance and its standard error from a walk's counts.
fn from_walk(walk: Walk) -> Concordance {
    let Walk {
        conc,
        disc,
        tx,
        ty,
        txy,
        sums,
    } = walk;
    finish(conc, disc, tx, ty, txy, sums.variance(conc, disc, tx))
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
        let sums = SubjectSums {
            aa: t.sum_aa,
            ab: t.sum_ab,
            bb: t.sum_bb,
        };
        finish(
            t.concordant,
            t.discordant,
            t.tied_x,
            t.tied_y,
            t.tied_xy,
            sums.variance(t.concordant, t.discordant, t.tied_x),
        )
    }
}

/// A site's [`ConcordanceSums`].
pub(crate) fn concordance_sums(data: &CoxData, eta: &[f64]) -> ConcordanceSums {
    let w = walk(data, eta);
    ConcordanceSums {
        concordant: w.conc,
        discordant: w.disc,
        tied_x: w.tx,
        tied_y: w.ty,
        tied_xy: w.txy,
        sum_aa: w.sums.aa,
        sum_ab: w.sums.ab,
        sum_bb: w.sums.bb,
    }
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

/// Sorts (score, payload) pairs by score. Scores vary in all their bits: a
/// comparison sort beats a radix sort's six passes here (measured). On large
/// data the pairs are split at the median score and the halves sorted on two
/// threads.
fn sort_by_score(pairs: &mut [Pair]) {
    if pairs.len() < PARALLEL {
        pairs.sort_unstable_by_key(|pair| pair.key);
        return;
    }
    let middle = pairs.len() / 2;
    pairs.select_nth_unstable_by_key(middle, |pair| pair.key);
    let (low, high) = pairs.split_at_mut(middle);
    std::thread::scope(|scope| {
        let other = scope.spawn(|| low.sort_unstable_by_key(|pair| pair.key));
        high.sort_unstable_by_key(|pair| pair.key);
        // A panic on the other thread is a bug; pass it on as it is.
        other
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
    });
}

/// Ranks of the distinct scores (exact equality, as R compares them), from
/// one sort of (score, row) pairs; with the number of distinct scores.
fn score_ranks(eta: &[f64]) -> (Vec<u32>, usize) {
    let mut by_score: Vec<Pair> = eta
        .iter()
        .zip(0u32..)
        .map(|(&e, i)| Pair::new(radix::ordered_bits(e), i))
        .collect();
    sort_by_score(&mut by_score);
    let mut rank = vec![0u32; eta.len()];
    let mut m = 0;
    for (k, pair) in by_score.iter().enumerate() {
        if k > 0 && pair.key != by_score[k - 1].key {
            m += 1;
        }
        rank[pair.row as usize] = m;
    }
    (rank, m as usize + 1)
}

/// Tie runs up to which the walk in score order is used: its trees are over
/// the runs, and stay in cache (a Fenwick tree of 256 KB).
const SCORE_ORDER_RUNS: usize = 1 << 16;

/// Rows from which two threads pay for themselves.
const PARALLEL: usize = 50_000;

/// The pair counts of plain data, by the walk that suits its number of
/// distinct times.
fn walk(data: &CoxData, eta: &[f64]) -> Walk {
    if data.tie_runs.len() - 1 <= SCORE_ORDER_RUNS {
        return by_score::pair_counts(data, eta);
    }
    time_order(data, eta)
}

/// The walk in time order, with trees over the scores' ranks: two
/// independent walks over the same order, each with its own tree, the
/// subjects later than each event (from the event's side) and the events
/// earlier than each subject (from the later subject's side). On large data
/// they run on two threads.
fn time_order(data: &CoxData, eta: &[f64]) -> Walk {
    let (rank, m) = score_ranks(eta);
    let (walk, earlier) = if data.n() >= PARALLEL {
        std::thread::scope(|scope| {
            let earlier = scope.spawn(|| earlier_events(data, &rank, m));
            let walk = later_subjects(data, &rank, m);
            // A panic on the other thread is a bug; pass it on as it is.
            let earlier = earlier
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            (walk, earlier)
        })
    } else {
        (
            later_subjects(data, &rank, m),
            earlier_events(data, &rank, m),
        )
    };
    let ([conc, disc, tx, ty, txy], mut own) = walk;
    for (own, [c, d, t]) in own.iter_mut().zip(earlier) {
        own[0] += c;
        own[1] += d;
        own[2] += t;
    }
    Walk {
        conc,
        disc,
        tx,
        ty,
        txy,
        sums: SubjectSums::of(&own),
    }
}

/// From each event's side: the subjects later than it (or censored at its
/// time), below, above and tied with its score; with the pairs of events at
/// the same time: [concordant, discordant, tied.x, tied.y, tied.xy] and each
/// event's own counts.
fn later_subjects(data: &CoxData, rank: &[u32], m: usize) -> ([f64; 5], Vec<[f64; 3]>) {
    let rank = |i: usize| rank[i] as usize;
    let (mut conc, mut disc, mut tx, mut ty, mut txy) = (0.0, 0.0, 0.0, 0.0, 0.0);
    // Per subject: its partners' counts as [concordant, discordant, tied].
    let mut own = vec![[0.0f64; 3]; data.n()];
    let mut later = Fenwick::new(m);
    let mut tied_events = Vec::new();
    let mut stratum_end = 1;
    for run in data.tie_runs.windows(2) {
        let (start, end) = (run[0], run[1]);
        if start == data.strata[stratum_end - 1] {
            // A new stratum: empty the tree.
            if stratum_end > 1 {
                for i in data.strata[stratum_end - 2]..start {
                    later.remove(rank(i));
                }
            }
            stratum_end += 1;
        }
        // Censored at this time count as later than this time's events.
        for i in start..end {
            if !data.event[i] {
                later.add(rank(i));
            }
        }
        tied_events.clear();
        for i in (start..end).filter(|&i| data.event[i]) {
            let [below, above, equal] = later.split(rank(i));
            conc += below;
            disc += above;
            tx += equal;
            own[i] = [below, above, equal];
            tied_events.push(rank(i));
        }
        // Events at the same time pair with each other only as tied.y / tied.xy.
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
            later.add(rank(i));
        }
    }
    ([conc, disc, tx, ty, txy], own)
}

/// From each subject's side: the events of its stratum earlier than it (not
/// yet walked when it joined the later set), as [concordant, discordant,
/// tied]: an earlier event with a higher score is concordant.
fn earlier_events(data: &CoxData, rank: &[u32], m: usize) -> Vec<[f64; 3]> {
    let rank_of = |i: usize| rank[i] as usize;
    // First each subject's snapshot of the event tree, taken when it joined
    // the later set; once its stratum is walked, replaced by the difference.
    let mut counts = vec![[0.0f64; 3]; data.n()];
    let mut events = Fenwick::new(m);
    let mut stratum_end = 1;
    let mut stratum_rows = 0..0;
    for run in data.tie_runs.windows(2) {
        let (start, end) = (run[0], run[1]);
        if start == data.strata[stratum_end - 1] {
            // A new stratum: settle the previous one's subjects, then empty the tree.
            settle(&stratum_rows, rank, &events, &mut counts);
            for i in stratum_rows.clone() {
                if data.event[i] {
                    events.remove(rank_of(i));
                }
            }
            stratum_rows = start..data.strata[stratum_end];
            stratum_end += 1;
        }
        // Censored at this time: their comparable earlier events are those not
        // yet walked, including this time's.
        for i in (start..end).filter(|&i| !data.event[i]) {
            counts[i] = events.split(rank_of(i));
        }
        for i in (start..end).filter(|&i| data.event[i]) {
            events.add(rank_of(i));
        }
        for i in (start..end).filter(|&i| data.event[i]) {
            counts[i] = events.split(rank_of(i));
        }
    }
    settle(&stratum_rows, rank, &events, &mut counts);
    counts
}

/// Turns the snapshot of each subject of a finished stratum into the earlier
/// events it pairs with: all events of the stratum less those walked before
/// it joined the later set.
fn settle(rows: &std::ops::Range<usize>, rank: &[u32], events: &Fenwick, counts: &mut [[f64; 3]]) {
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
        let r = rank[i] as usize;
        let [below, above, equal] = match &prefix {
            Some(prefix) => {
                let (below, equal) = (prefix[r], events.at[r]);
                [
                    f64::from(below),
                    f64::from(events.total - below - equal),
                    f64::from(equal),
                ]
            }
            None => events.split(r),
        };
        let [b0, a0, e0] = counts[i];
        counts[i] = [above - a0, below - b0, equal - e0];
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::SurvivalData;

    /// Data of `n` rows: `days` distinct times (continuous when 0), three
    /// strata, scores on a grid of `levels` values (ties when few).
    fn cohort(n: usize, days: u64, levels: u64) -> CoxData {
        let mut state = 0x2545_f491_4f6c_dd1d_u64 ^ n as u64;
        let mut next = move |m: u64| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state % m
        };
        let time: Vec<f64> = (0..n)
            .map(|_| match days {
                0 => 1.0 + next(1 << 40) as f64 / (1u64 << 30) as f64,
                d => 1.0 + next(d) as f64,
            })
            .collect();
        let event: Vec<bool> = (0..n).map(|_| next(10) < 7).collect();
        let strata: Vec<u32> = (0..n).map(|_| next(3) as u32).collect();
        let x: Vec<f64> = (0..n).map(|_| next(levels) as f64 / 10.0).collect();
        let data = SurvivalData::new(&time, &event)
            .and_then(|d| d.with_strata(&strata))
            .unwrap();
        CoxData::new(&data, &[&x]).unwrap()
    }

    /// A fast walk's counts, concordance and standard error are the weighted
    /// walk's, to rounding.
    fn assert_same_counts(fast: Concordance, weighted: Concordance, case: &str) {
        let close = |a: f64, b: f64| (a - b).abs() <= 1e-12 * a.abs().max(1.0);
        for (a, b) in [
            (fast.concordant, weighted.concordant),
            (fast.discordant, weighted.discordant),
            (fast.tied_x, weighted.tied_x),
            (fast.tied_y, weighted.tied_y),
            (fast.tied_xy, weighted.tied_xy),
            (fast.value.unwrap(), weighted.value.unwrap()),
            (fast.std_err.unwrap(), weighted.std_err.unwrap()),
        ] {
            assert!(close(a, b), "{case}: {a} vs {b}");
        }
    }

    /// Scores the buckets of the walk in score order cannot spread: all equal,
    /// two values a rounding apart, a spread beyond `f64`, one far outlier
    /// (nearly all rows in one bucket). The counts are those of the weighted
    /// walk, on one thread and on two.
    #[test]
    fn the_walk_in_score_order_takes_any_spread_of_scores() {
        for n in [997, 2 * PARALLEL + 17] {
            let cox = cohort(n, 300, 1000);
            let next_up = f64::from_bits(1.0f64.to_bits() + 1);
            let spreads: [Box<dyn Fn(usize) -> f64>; 4] = [
                Box::new(|_| 0.25),
                Box::new(|i| if i % 3 == 0 { 1.0 } else { next_up }),
                Box::new(|i| match i % 3 {
                    0 => -1e308,
                    1 => 1e308,
                    _ => (i % 11) as f64,
                }),
                Box::new(|i| if i == n / 2 { 1e12 } else { (i % 101) as f64 }),
            ];
            for spread in &spreads {
                let eta: Vec<f64> = (0..n).map(spread).collect();
                let fast = from_walk(by_score::pair_counts(&cox, &eta));
                let weighted = general::concordance(&cox, &eta);
                let case = format!("n {n}, eta[..3] {:?}", &eta[..3]);
                assert_same_counts(fast, weighted, &case);
            }
        }
    }

    /// The walk in score order, the walk in time order and the weighted walk
    /// of `general` (one thread, its own trees, unit weights) count the same
    /// pairs, with strata, tied times and tied scores; above [`PARALLEL`] rows
    /// the first two run on two threads.
    #[test]
    fn the_three_walks_count_the_same_pairs() {
        for (n, days, levels) in [
            (2 * PARALLEL + 17, 300, 1000),
            (2 * PARALLEL + 17, 0, 1000),
            (2 * PARALLEL + 17, 40, 1 << 40),
            (997, 50, 7),
            (997, 0, 1 << 40),
        ] {
            let cox = cohort(n, days, levels);
            let eta = cox.x.clone();
            let by_score = from_walk(by_score::pair_counts(&cox, &eta));
            let by_time = from_walk(time_order(&cox, &eta));
            let weighted = general::concordance(&cox, &eta);
            assert!(by_score.concordant > 0.0 && by_score.discordant > 0.0);
            if levels < 1 << 20 {
                assert!(by_score.tied_x > 0.0);
            }
            if days > 0 {
                assert!(by_score.tied_y > 0.0);
            }
            for fast in [by_score, by_time] {
                let case = format!("n {n}, days {days}, levels {levels}");
                assert_same_counts(fast, weighted, &case);
            }
        }
    }
}
