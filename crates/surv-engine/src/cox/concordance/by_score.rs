//! The pair counts of plain data walked in score order, for data with few
//! distinct times (whole days): the trees are then over the tie runs, small
//! enough to stay in cache, where a walk in time order needs a tree over the
//! scores' ranks, a cache miss a query once there are a million of them.
//!
//! A pair's two members are compared by score and by time; counting them is
//! counting points under a corner in either order. Walking the scores upward,
//! the rows of lower score are those already inserted, and a prefix count over
//! the runs says how many of them lie on the comparable side in time. The
//! event side (subjects later than each event) and the subject side (events
//! earlier than each subject) are independent walks over the same sorted
//! rows, and run on two threads on large data.

use super::super::data::CoxData;
use super::{PARALLEL, sort_by_score};
use crate::column::Column;
use crate::order::radix::{self, Pair};

/// Counts per tie run, answering prefix sums: a Fenwick tree.
struct RunTree {
    tree: Vec<u32>,
}

impl RunTree {
    fn new(n_runs: usize) -> RunTree {
        RunTree {
            tree: vec![0; n_runs + 1],
        }
    }

    fn add(&mut self, run: usize) {
        let mut i = run + 1;
        while i < self.tree.len() {
            self.tree[i] += 1;
            i += i & i.wrapping_neg();
        }
    }

    /// The count of runs `0..end`.
    fn before(&self, end: usize) -> u32 {
        let (mut i, mut sum) = (end, 0u32);
        while i > 0 {
            sum += self.tree[i];
            i &= i - 1;
        }
        sum
    }
}

/// A sorted row as the walks see it: its tie run and whether it is an event.
#[derive(Clone, Copy)]
struct Row {
    run: u32,
    event: bool,
}

/// A sorted pair: the score's ordered bits, and the row's run shifted left
/// once with the event flag as the low bit.
type Sorted = Pair;

fn row(pair: Sorted) -> Row {
    Row {
        run: pair.row >> 1,
        event: pair.row & 1 == 1,
    }
}

/// The ranges of equal scores in `sorted`, in order.
fn groups(sorted: &[Sorted]) -> impl Iterator<Item = std::ops::Range<usize>> + '_ {
    let mut start = 0;
    std::iter::from_fn(move || {
        if start == sorted.len() {
            return None;
        }
        let key = sorted[start].key;
        let mut end = start + 1;
        while end < sorted.len() && sorted[end].key == key {
            end += 1;
        }
        let group = start..end;
        start = end;
        Some(group)
    })
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
}

/// What a walk returns: its sums, and its counts per sorted row as
/// [concordant, discordant, tied].
struct Side {
    conc: u64,
    disc: u64,
    tied: u64,
    tied_same_time: u64,
    own: Column<[u32; 3]>,
}

impl Side {
    /// No pairs yet, for `n` sorted rows.
    fn new(n: usize) -> Side {
        Side {
            conc: 0,
            disc: 0,
            tied: 0,
            tied_same_time: 0,
            own: Column::zeroed(n),
        }
    }
}

/// The pair counts of `eta` over the plain layout `data`, best when its runs
/// are few.
pub(super) fn pair_counts(data: &CoxData, eta: &[f64]) -> super::Walk {
    let mut sorted: Column<Pair> = Column::zeroed(eta.len());
    let mut slots = sorted.iter_mut();
    for (run, w) in data.tie_runs.windows(2).enumerate() {
        let rows = w[0]..w[1];
        for ((&score, &event), slot) in eta[rows.clone()]
            .iter()
            .zip(&data.event[rows])
            .zip(&mut slots)
        {
            let payload = ((run as u32) << 1) | u32::from(event);
            *slot = Pair::new(radix::ordered_bits(score), payload);
        }
    }
    sort_by_score(&mut sorted);
    let runs = Runs::new(data);
    let (later, earlier) = if sorted.len() >= PARALLEL {
        std::thread::scope(|scope| {
            let earlier = scope.spawn(|| earlier_events(&sorted, &runs));
            let later = later_subjects(&sorted, &runs);
            // A panic on the other thread is a bug; pass it on as it is.
            let earlier = earlier
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            (later, earlier)
        })
    } else {
        (
            later_subjects(&sorted, &runs),
            earlier_events(&sorted, &runs),
        )
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
        conc: later.conc as f64,
        disc: later.disc as f64,
        tx: later.tied as f64,
        ty: (same_time - later.tied_same_time) as f64,
        txy: later.tied_same_time as f64,
        own: super::Own::Sides(later.own, earlier.own),
    }
}

/// From each event's side: the rows of its stratum later than it (or censored
/// at its time) below, above and tied with its score; and the pairs of events
/// at the same time with the same score.
fn later_subjects(sorted: &[Sorted], runs: &Runs) -> Side {
    let mut inserted = RunTree::new(runs.censored.len());
    // Censored rows inserted so far, per run.
    let mut censored = vec![0u32; runs.censored.len()];
    let count = |inserted: &RunTree, censored: &[u32], run: usize| {
        let first = runs.stratum[run].0 as usize;
        inserted.before(run) - inserted.before(first) + censored[run]
    };
    let mut side = Side::new(sorted.len());
    let mut tied_runs: Vec<u32> = Vec::new();
    for group in groups(sorted) {
        for k in group.clone() {
            let row = row(sorted[k]);
            if row.event {
                side.own[k][0] = count(&inserted, &censored, row.run as usize);
            }
        }
        for row in sorted[group.clone()].iter().map(|&pair| row(pair)) {
            inserted.add(row.run as usize);
            if !row.event {
                censored[row.run as usize] += 1;
            }
        }
        let single = group.len() == 1;
        if !single {
            tied_runs.clear();
        }
        for k in group {
            let row = row(sorted[k]);
            if !row.event {
                continue;
            }
            let run = row.run as usize;
            let first = runs.stratum[run].0 as usize;
            // Comparable partners: the stratum's rows in later runs, and the
            // censored of this run.
            let total = runs.rows_before[run] - runs.rows_before[first] + runs.censored[run];
            let below = side.own[k][0];
            // Rows of this score already counted once inserted; the row itself
            // is not comparable with itself (an event at its own time).
            let up_to = if single {
                below
            } else {
                tied_runs.push(row.run);
                count(&inserted, &censored, run)
            };
            let (equal, above) = (up_to - below, total - up_to);
            side.own[k] = [below, above, equal];
            side.conc += u64::from(below);
            side.disc += u64::from(above);
            side.tied += u64::from(equal);
        }
        if !single && tied_runs.len() > 1 {
            tied_runs.sort_unstable();
            for same in tied_runs.chunk_by(|a, b| a == b) {
                let c = same.len() as u64;
                side.tied_same_time += c * (c - 1) / 2;
            }
        }
    }
    side
}

/// From each row's side: the events of its stratum earlier than it (for a
/// censored row, its own time's events too), as [concordant, discordant,
/// tied]: an earlier event with a higher score is concordant.
fn earlier_events(sorted: &[Sorted], runs: &Runs) -> Side {
    let n_runs = runs.censored.len();
    let mut inserted = RunTree::new(n_runs);
    // Events inserted so far, per run.
    let mut events = vec![0u32; n_runs];
    let count = |inserted: &RunTree, events: &[u32], row: Row| {
        let run = row.run as usize;
        let end = runs.stratum[run].1 as usize;
        let same_time = if row.event { 0 } else { events[run] };
        inserted.before(end) - inserted.before(run + 1) + same_time
    };
    let mut side = Side::new(sorted.len());
    for group in groups(sorted) {
        for k in group.clone() {
            side.own[k][1] = count(&inserted, &events, row(sorted[k]));
        }
        for row in sorted[group.clone()].iter().map(|&pair| row(pair)) {
            if row.event {
                inserted.add(row.run as usize);
                events[row.run as usize] += 1;
            }
        }
        let single = group.len() == 1;
        for k in group {
            let row = row(sorted[k]);
            let run = row.run as usize;
            let end = runs.stratum[run].1 as usize;
            let same_time = if row.event {
                0
            } else {
                runs.events_before[run + 1] - runs.events_before[run]
            };
            let total = runs.events_before[end] - runs.events_before[run + 1] + same_time;
            let below = side.own[k][1];
            let up_to = if single {
                below
            } else {
                count(&inserted, &events, row)
            };
            side.own[k] = [total - up_to, below, up_to - below];
        }
    }
    side
}
