//! The pair counts of plain data walked in score order, for data with few
//! distinct times (whole days): the trees are then over the tie runs, small
//! enough to stay in cache, where a walk in time order needs a tree over the
//! scores' ranks, a cache miss a query once there are a million of them.
//!
//! A pair's two members are compared by score and by time; counting them is
//! counting points under a corner in either order. Walking the scores upward,
//! the rows of lower score are those already inserted, and a prefix count over
//! the runs says how many of them lie on the comparable side in time: from an
//! event's side, the subjects later than it; from a subject's side, the events
//! earlier than it. One walk takes both sides of each row, so that a subject's
//! partners are complete when it is passed, and only the sums of the jackknife
//! variance are kept.
//!
//! The scores are put in order by buckets: a bucket is a stretch of equal
//! width between the least and the greatest score, so the buckets are in
//! score order and only each bucket's few rows need sorting. On large data
//! the lower and the upper half of the buckets are sorted and walked on two
//! threads, the upper half's walk starting from the lower half's counts.

use super::super::data::CoxData;
use super::PARALLEL;
use crate::column::Column;
use crate::order::radix::{self, Pair};

/// Rows and events per tie run, answering prefix sums of both at once: a
/// Fenwick tree of pairs, so that one walk up or down the tree serves both
/// sides of a row.
struct RunTree {
    tree: Vec<[u32; 2]>,
}

impl RunTree {
    /// The tree of `rows` and `events` (one count each per run), built in
    /// one pass.
    fn of(rows: &[u32], events: &[u32]) -> RunTree {
        let mut tree = vec![[0u32; 2]; rows.len() + 1];
        for ((node, &r), &e) in tree[1..].iter_mut().zip(rows).zip(events) {
            *node = [r, e];
        }
        for i in 1..tree.len() {
            let parent = i + (i & i.wrapping_neg());
            if parent < tree.len() {
                let [r, e] = tree[i];
                tree[parent][0] += r;
                tree[parent][1] += e;
            }
        }
        RunTree { tree }
    }

    fn add(&mut self, run: usize, event: bool) {
        let e = u32::from(event);
        let mut i = run + 1;
        while i < self.tree.len() {
            self.tree[i][0] += 1;
            self.tree[i][1] += e;
            i += i & i.wrapping_neg();
        }
    }

    /// The rows and the events of runs `0..end`.
    fn before(&self, end: usize) -> [u32; 2] {
        let (mut i, mut rows, mut events) = (end, 0u32, 0u32);
        while i > 0 {
            rows += self.tree[i][0];
            events += self.tree[i][1];
            i &= i - 1;
        }
        [rows, events]
    }
}

/// A sorted row as the walk sees it: its tie run and whether it is an event.
#[derive(Clone, Copy)]
struct Row {
    run: u32,
    event: bool,
}

/// A sorted pair's payload: the row's run shifted left once, with the event
/// flag as the low bit.
fn row(pair: Pair) -> Row {
    Row {
        run: pair.row >> 1,
        event: pair.row & 1 == 1,
    }
}

/// The runs of the layout: where each stratum's runs begin and end, and the
/// rows and events of each run.
struct Runs {
    /// Per run: the first and one-past-last run of its stratum.
    stratum: Vec<(u32, u32)>,
    /// Rows in runs `0..r` (`n_runs + 1` entries).
    rows_before: Vec<u32>,
    /// Events in runs `0..r`.
    events_before: Vec<u32>,
    /// Censored rows in each run.
    censored: Vec<u32>,
}

impl Runs {
    fn new(data: &CoxData) -> Runs {
        let n_runs = data.tie_runs.len() - 1;
        let mut runs = Runs {
            stratum: Vec::with_capacity(n_runs),
            rows_before: Vec::with_capacity(n_runs + 1),
            events_before: Vec::with_capacity(n_runs + 1),
            censored: Vec::with_capacity(n_runs),
        };
        let (mut rows, mut events) = (0u32, 0u32);
        let mut stratum_end = 1;
        let mut first = 0u32;
        for (r, w) in data.tie_runs.windows(2).enumerate() {
            if w[0] == data.strata[stratum_end - 1] {
                first = r as u32;
                stratum_end += 1;
            }
            let d = data.event[w[0]..w[1]].iter().filter(|&&e| e).count() as u32;
            runs.rows_before.push(rows);
            runs.events_before.push(events);
            runs.censored.push((w[1] - w[0]) as u32 - d);
            rows += (w[1] - w[0]) as u32;
            events += d;
            runs.stratum.push((first, 0));
        }
        runs.rows_before.push(rows);
        runs.events_before.push(events);
        // Each run's stratum end: the next stratum's first run.
        let mut end = n_runs as u32;
        for r in (0..n_runs).rev() {
            runs.stratum[r].1 = end;
            if runs.stratum[r].0 == r as u32 {
                end = r as u32;
            }
        }
        runs
    }

    fn len(&self) -> usize {
        self.censored.len()
    }

    /// The subjects an event of `run` is compared with: the rows of its
    /// stratum's later runs and the censored rows of its own.
    fn later_subjects(&self, run: usize) -> u32 {
        let first = self.stratum[run].0 as usize;
        self.rows_before[run] - self.rows_before[first] + self.censored[run]
    }

    /// The events a row of `run` is compared with: those of its stratum's
    /// earlier runs, and for a censored row its own run's.
    fn earlier_events(&self, row: Row) -> u32 {
        let run = row.run as usize;
        let end = self.stratum[run].1 as usize;
        let same_time = if row.event {
            0
        } else {
            self.events_before[run + 1] - self.events_before[run]
        };
        self.events_before[end] - self.events_before[run + 1] + same_time
    }
}

/// The rows of lower score than the walk's position, counted by run.
struct Inserted {
    /// All inserted rows, and the inserted events.
    tree: RunTree,
    /// Inserted censored rows, per run.
    censored: Vec<u32>,
    /// Inserted events, per run.
    events_at: Vec<u32>,
    /// Inserted events of each stratum, at the stratum's first run.
    stratum_events: Vec<u32>,
}

impl Inserted {
    /// `rows` and `events_at` inserted per run of `runs`.
    fn of(runs: &Runs, rows: Vec<u32>, events_at: Vec<u32>) -> Inserted {
        let censored = rows.iter().zip(&events_at).map(|(r, e)| r - e).collect();
        let mut stratum_events = vec![0u32; runs.len()];
        for (&(first, _), &e) in runs.stratum.iter().zip(&events_at) {
            stratum_events[first as usize] += e;
        }
        Inserted {
            tree: RunTree::of(&rows, &events_at),
            censored,
            events_at,
            stratum_events,
        }
    }

    fn add(&mut self, runs: &Runs, row: Row) {
        let run = row.run as usize;
        self.tree.add(run, row.event);
        if row.event {
            self.events_at[run] += 1;
            self.stratum_events[runs.stratum[run].0 as usize] += 1;
        } else {
            self.censored[run] += 1;
        }
    }

    /// Of the subjects an event at `row`'s run is compared with, and of the
    /// events `row` is compared with, those inserted: one walk of the tree.
    fn partners(&self, runs: &Runs, row: Row) -> [u32; 2] {
        let run = row.run as usize;
        let first = runs.stratum[run].0 as usize;
        let [rows_before, events_before] = self.tree.before(run);
        let [rows_first, events_first] = self.tree.before(first);
        let later = rows_before - rows_first + self.censored[run];
        // The stratum's events in runs after this one; for a censored row
        // also those of its own run.
        let own_run = if row.event { self.events_at[run] } else { 0 };
        let earlier = self.stratum_events[first] - (events_before - events_first) - own_run;
        [later, earlier]
    }
}

/// What a walk counts: the pairs, and over subjects the sums Σa², Σab, Σb²
/// of a = concordant − discordant and b = concordant + discordant + tied,
/// its partners counted from both sides (exact: integers).
#[derive(Default)]
struct Tally {
    conc: u64,
    disc: u64,
    tied: u64,
    tied_same_time: u64,
    aa: i128,
    ab: i128,
    bb: i128,
}

impl Tally {
    fn subject(&mut self, [c, d, t]: [u32; 3]) {
        // Products of two 64-bit numbers, each one widening multiplication:
        // with 2^32 rows a square would not fit 64 bits.
        let (c, d, t) = (i128::from(c), i128::from(d), i128::from(t));
        let (a, b) = (c - d, c + d + t);
        self.aa += a * a;
        self.ab += a * b;
        self.bb += b * b;
    }

    fn add(&mut self, other: &Tally) {
        self.conc += other.conc;
        self.disc += other.disc;
        self.tied += other.tied;
        self.tied_same_time += other.tied_same_time;
        self.aa += other.aa;
        self.ab += other.ab;
        self.bb += other.bb;
    }
}

/// The pair counts of `eta` over the plain layout `data`, best when its runs
/// are few.
pub(super) fn pair_counts(data: &CoxData, eta: &[f64]) -> super::Walk {
    let runs = Runs::new(data);
    let buckets = Buckets::of(eta);
    let mut pairs: Column<Pair> = Column::zeroed(eta.len());
    let starts = &buckets.starts;
    let tally = if eta.len() >= PARALLEL {
        // Each thread files the rows of its half of the buckets (reading
        // them all), sorts and walks them; the upper half's walk starts from
        // the lower half's rows, which its thread counts as it skips them.
        let middle = buckets.middle;
        let split = starts[middle] as usize;
        let (low, high) = pairs.split_at_mut(split);
        std::thread::scope(|scope| {
            let upper = scope.spawn(|| {
                let lower = buckets.file(data, eta, middle..starts.len() - 1, high, &runs);
                walk(high, &starts[middle..], &runs, lower)
            });
            let none_below = buckets.file(data, eta, 0..middle, low, &runs);
            let mut tally = walk(low, &starts[..=middle], &runs, none_below);
            // A panic on the other thread is a bug; pass it on as it is.
            let upper = upper
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            tally.add(&upper);
            tally
        })
    } else {
        let none_below = buckets.file(data, eta, 0..starts.len() - 1, &mut pairs, &runs);
        walk(&mut pairs, starts, &runs, none_below)
    };
    let same_time: u64 = runs
        .events_before
        .windows(2)
        .map(|w| {
            let d = u64::from(w[1] - w[0]);
            d * d.saturating_sub(1) / 2
        })
        .sum();
    super::Walk {
        conc: tally.conc as f64,
        disc: tally.disc as f64,
        tx: tally.tied as f64,
        ty: (same_time - tally.tied_same_time) as f64,
        txy: tally.tied_same_time as f64,
        sums: super::SubjectSums {
            aa: tally.aa as f64,
            ab: tally.ab as f64,
            bb: tally.bb as f64,
        },
    }
}

/// Buckets of score: stretches of equal width between the least and the
/// greatest score, so that the buckets are in score order.
struct Buckets {
    least: f64,
    /// Buckets per unit of score.
    scale: f64,
    /// Where each bucket's rows start among the rows in score order, and the
    /// end last.
    starts: Vec<u32>,
    /// The first bucket of the upper half of the rows.
    middle: usize,
}

/// Rows per bucket, on average: few enough to sort quickly, where the scores
/// are densest too.
const ROWS_PER_BUCKET: usize = 4;

impl Buckets {
    /// The buckets of the scores `eta`, with their rows counted.
    fn of(eta: &[f64]) -> Buckets {
        let n = eta.len();
        let (least, greatest) = eta
            .iter()
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &e| {
                (lo.min(e), hi.max(e))
            });
        let count = (n / ROWS_PER_BUCKET).max(1);
        // Scores that are all equal (or spread beyond f64) share one bucket.
        let scale = count as f64 / (greatest - least);
        let mut buckets = Buckets {
            least,
            scale: if scale.is_finite() { scale } else { 0.0 },
            starts: vec![0u32; count + 1],
            middle: 0,
        };
        for &e in eta {
            let b = buckets.bucket(e);
            buckets.starts[b + 1] += 1;
        }
        for b in 0..count {
            buckets.starts[b + 1] += buckets.starts[b];
        }
        // The first bucket that ends past the middle row, unless it is the
        // last: then the upper half is what follows it (possibly nothing).
        buckets.middle = buckets.starts[1..]
            .partition_point(|&end| (end as usize) < n / 2)
            .min(count - 1)
            + 1;
        buckets
    }

    /// The bucket of score `e`. Rounding is monotone: a greater score never
    /// falls in a lower bucket.
    #[inline]
    fn bucket(&self, e: f64) -> usize {
        (((e - self.least) * self.scale) as usize).min(self.starts.len() - 2)
    }

    /// Files the rows of `data` whose scores (`eta`) fall in `buckets` into
    /// `pairs` (which hold those buckets), bucket by bucket, each in layout
    /// order; with the rows of the buckets below, counted by run of `runs`.
    fn file(
        &self,
        data: &CoxData,
        eta: &[f64],
        buckets: std::ops::Range<usize>,
        pairs: &mut [Pair],
        runs: &Runs,
    ) -> Inserted {
        let offset = self.starts[buckets.start];
        let mut next: Vec<u32> = self.starts[buckets.clone()]
            .iter()
            .map(|&start| start - offset)
            .collect();
        let (mut rows_below, mut events_below) = (vec![0u32; runs.len()], vec![0u32; runs.len()]);
        for (run, w) in data.tie_runs.windows(2).enumerate() {
            let rows = w[0]..w[1];
            for (&score, &event) in eta[rows.clone()].iter().zip(&data.event[rows]) {
                let b = self.bucket(score);
                if buckets.contains(&b) {
                    let slot = &mut next[b - buckets.start];
                    let payload = ((run as u32) << 1) | u32::from(event);
                    pairs[*slot as usize] = Pair::new(radix::ordered_bits(score), payload);
                    *slot += 1;
                } else if b < buckets.start {
                    rows_below[run] += 1;
                    events_below[run] += u32::from(event);
                }
            }
        }
        Inserted::of(runs, rows_below, events_below)
    }
}

/// Sorts the buckets of `pairs` (which start at `starts`, counted from the
/// first bucket's start) and walks them upward from the counts `inserted`:
/// each event's later subjects and each row's earlier events, below, above
/// and tied with its score.
fn walk(pairs: &mut [Pair], starts: &[u32], runs: &Runs, mut inserted: Inserted) -> Tally {
    let mut tally = Tally::default();
    // Per row of a group of tied scores: its counts before the group is
    // inserted, [later subjects, earlier events].
    let mut below: Vec<[u32; 2]> = Vec::new();
    let mut tied_runs: Vec<u32> = Vec::new();
    let offset = starts[0] as usize;
    for w in starts.windows(2) {
        let bucket = &mut pairs[w[0] as usize - offset..w[1] as usize - offset];
        sort_bucket(bucket);
        let mut start = 0;
        while start < bucket.len() {
            let key = bucket[start].key;
            let mut end = start + 1;
            while end < bucket.len() && bucket[end].key == key {
                end += 1;
            }
            let group = &bucket[start..end];
            start = end;
            if let [pair] = group {
                // One row of this score: nothing is tied with it.
                let row = row(*pair);
                let run = row.run as usize;
                let [later, earlier] = inserted.partners(runs, row);
                let mut own = [0u32; 3];
                if row.event {
                    let higher = runs.later_subjects(run) - later;
                    tally.conc += u64::from(later);
                    tally.disc += u64::from(higher);
                    own = [later, higher, 0];
                }
                let higher = runs.earlier_events(row) - earlier;
                own[0] += higher;
                own[1] += earlier;
                tally.subject(own);
                inserted.add(runs, row);
                continue;
            }
            below.clear();
            below.extend(group.iter().map(|&pair| inserted.partners(runs, row(pair))));
            for &pair in group {
                inserted.add(runs, row(pair));
            }
            tied_runs.clear();
            for (row, [later_below, earlier_below]) in group
                .iter()
                .map(|&pair| row(pair))
                .zip(below.iter().copied())
            {
                let run = row.run as usize;
                let [later_up_to, earlier_up_to] = inserted.partners(runs, row);
                let mut own = [0u32; 3];
                if row.event {
                    // The row itself is not among its own later subjects.
                    let equal = later_up_to - later_below;
                    let higher = runs.later_subjects(run) - later_up_to;
                    tally.conc += u64::from(later_below);
                    tally.disc += u64::from(higher);
                    tally.tied += u64::from(equal);
                    own = [later_below, higher, equal];
                    tied_runs.push(row.run);
                }
                let equal = earlier_up_to - earlier_below;
                let higher = runs.earlier_events(row) - earlier_up_to;
                own[0] += higher;
                own[1] += earlier_below;
                own[2] += equal;
                tally.subject(own);
            }
            if tied_runs.len() > 1 {
                tied_runs.sort_unstable();
                for same in tied_runs.chunk_by(|a, b| a == b) {
                    let c = same.len() as u64;
                    tally.tied_same_time += c * (c - 1) / 2;
                }
            }
        }
    }
    tally
}

/// Sorts one bucket's pairs by score: by insertion when they are few, as
/// nearly all are.
fn sort_bucket(pairs: &mut [Pair]) {
    if pairs.len() > 16 {
        pairs.sort_unstable_by_key(|pair| pair.key);
        return;
    }
    for i in 1..pairs.len() {
        let pair = pairs[i];
        let mut j = i;
        while j > 0 && pairs[j - 1].key > pair.key {
            pairs[j] = pairs[j - 1];
            j -= 1;
        }
        pairs[j] = pair;
    }
}
