//! Sorting once, and walking the observations one distinct time at a time.
//!
//! Two backends give the same walk. Whole-number times in a modest range (days,
//! months: the common case) are counted into a table indexed by time
//! ([`dense`]), a counting sort. Any other times become sorted keys carrying
//! their event flag ([`keys`]), with R's merging of near-tied times applied
//! once, up front. Either way
//! observations are grouped into cells (group, or stratum × group) and an
//! estimator walks some cells together, receiving at each distinct time how many
//! events and censorings each cell has there.

mod dense;
mod keys;
pub(crate) mod radix;

use std::borrow::Cow;

use crate::error::SurvivalError;
use dense::{Dense, DenseWalk};
use keys::{Buckets, Merge};
pub(crate) use keys::{is_event, key, merge_near_ties, merge_near_ties_with_entries, time_of};

/// What one cell holds at one time.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Tally {
    /// Events at the time.
    pub events: usize,
    /// Censorings at the time.
    pub censored: usize,
}

/// Checks that `times` is non-empty, finite and non-negative and that `others`
/// (name, length) match its length.
pub(crate) fn validate(
    times: &[f64],
    others: &[(&'static str, usize)],
) -> Result<(), SurvivalError> {
    if times.is_empty() {
        return Err(SurvivalError::Empty);
    }
    if times.len() > u32::MAX as usize {
        return Err(SurvivalError::TooManyObservations { n: times.len() });
    }
    for &(column, found) in others {
        if found != times.len() {
            return Err(SurvivalError::LengthMismatch {
                column,
                expected: times.len(),
                found,
            });
        }
    }
    // Branch-free per chunk so the common, valid case vectorises; NaN fails both
    // comparisons.
    const CHUNK: usize = 4096;
    for (c, chunk) in times.chunks(CHUNK).enumerate() {
        let valid = chunk
            .iter()
            .fold(true, |ok, &t| ok & (0.0..f64::INFINITY).contains(&t));
        if !valid {
            let offset = chunk
                .iter()
                .position(|t| !(*t >= 0.0 && *t < f64::INFINITY))
                .unwrap_or(0);
            let index = c * CHUNK + offset;
            return Err(SurvivalError::InvalidTime {
                index,
                value: times[index],
            });
        }
    }
    Ok(())
}

/// The number of groups (largest code + 1). Codes must be dense: a code larger
/// than the number of observations leaves some code unused, reported as
/// [`SurvivalError::EmptyGroup`] without sizing anything by the large code.
pub(crate) fn group_count(codes: &[u32]) -> Result<usize, SurvivalError> {
    let n = codes.len();
    // A fold of `max` vectorises where `Iterator::max` does not (measured).
    let k = if n == 0 {
        0
    } else {
        codes.iter().fold(0, |m, &c| m.max(c)) as usize + 1
    };
    if k <= n {
        return Ok(k); // emptiness is checked on the cell sizes
    }
    let mut used = vec![false; n + 1];
    for &c in codes {
        if let Some(u) = used.get_mut(c as usize) {
            *u = true;
        }
    }
    let first = used.iter().position(|u| !u).unwrap_or(n);
    Err(SurvivalError::EmptyGroup {
        group: first as u32,
    })
}

/// Strata codes renumbered densely (keeping their order) when they are sparse,
/// so that no table is sized by a large code; with the number of strata.
pub(crate) fn dense_strata(codes: &[u32]) -> (Cow<'_, [u32]>, usize) {
    let max = codes.iter().max().map_or(0, |&m| m as usize);
    if max < codes.len() {
        return (Cow::Borrowed(codes), max + 1);
    }
    let mut levels = codes.to_vec();
    levels.sort_unstable();
    levels.dedup();
    let dense = codes
        .iter()
        .map(|c| levels.binary_search(c).unwrap_or(0) as u32)
        .collect();
    (Cow::Owned(dense), levels.len())
}

/// Observations sorted by time within cells.
pub(crate) enum Cells {
    /// Whole-number times, counted.
    Dense(Dense),
    /// Any times, as sorted keys.
    Sorted(Buckets),
}

impl Cells {
    /// Sorts validated `times`/`events` into `n_cells` cells by `cell(i)`.
    pub(crate) fn new(
        times: &[f64],
        events: &[bool],
        cell: impl Fn(usize) -> usize,
        n_cells: usize,
    ) -> Cells {
        Cells::new_sorting_beside(times, events, cell, n_cells, usize::MAX, || ()).0
    }

    /// As [`Cells::new`], running `meanwhile` on a second thread while the
    /// keys are sorted, when the times take the sort and there are at least
    /// `parallel_from` of them; `None` when it did not run.
    pub(crate) fn new_sorting_beside<R: Send>(
        times: &[f64],
        events: &[bool],
        cell: impl Fn(usize) -> usize,
        n_cells: usize,
        parallel_from: usize,
        meanwhile: impl FnOnce() -> R + Send,
    ) -> (Cells, Option<R>) {
        if let Some(dense) = Dense::new(times, events, &cell, n_cells) {
            return (Cells::Dense(dense), None);
        }
        if times.len() < parallel_from {
            let buckets = Buckets::new(times, events, cell, n_cells);
            return (Cells::Sorted(buckets), None);
        }
        std::thread::scope(|scope| {
            let beside = scope.spawn(meanwhile);
            let buckets = Buckets::new(times, events, cell, n_cells);
            // A panic on the other thread is a bug; pass it on as it is.
            let result = beside
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            (Cells::Sorted(buckets), Some(result))
        })
    }

    /// Observations in `cell`.
    pub(crate) fn size(&self, cell: usize) -> usize {
        match self {
            Cells::Dense(d) => d.size(cell),
            Cells::Sorted(b) => b.bucket(cell).len(),
        }
    }

    /// An upper bound on the distinct times in `cell` (exact for sorted keys).
    pub(crate) fn distinct_bound(&self, cell: usize) -> usize {
        match self {
            Cells::Dense(d) => d.size(cell).min(d.times()),
            Cells::Sorted(b) => Merge::distinct(b.bucket(cell)),
        }
    }

    /// A walk over cells `first..first + count`.
    pub(crate) fn walk(&self, first: usize, count: usize) -> Walk<'_> {
        match self {
            Cells::Dense(d) => Walk::Dense(d.walk(first)),
            Cells::Sorted(b) => Walk::Sorted(Merge::new(
                (first..first + count).map(|c| b.bucket(c)).collect(),
            )),
        }
    }
}

/// A walk over some cells, one distinct time at a time.
pub(crate) enum Walk<'a> {
    /// Over a count table.
    Dense(DenseWalk<'a>),
    /// Over sorted keys.
    Sorted(Merge<'a>),
}

impl Walk<'_> {
    /// The next distinct time and each walked cell's tally there (`tally` has one
    /// entry per cell); `None` at the end.
    #[inline]
    pub(crate) fn next_time(&mut self, tally: &mut [Tally]) -> Option<f64> {
        match self {
            Walk::Dense(w) => w.next_time(tally),
            Walk::Sorted(m) => m.next_time(tally),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The two backends walk whole-number data identically, cell by cell.
    #[test]
    fn dense_and_sorted_backends_agree() {
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for n in [1usize, 7, 300, 5000] {
            let times: Vec<f64> = (0..n).map(|_| (next() % 50) as f64).collect();
            let events: Vec<bool> = (0..n).map(|_| next() % 3 != 0).collect();
            let cell_of: Vec<usize> = (0..n).map(|_| (next() % 3) as usize).collect();
            let dense = Cells::Dense(
                Dense::new(&times, &events, |i| cell_of[i], 3).expect("whole numbers"),
            );
            let sorted = Cells::Sorted(Buckets::new(&times, &events, |i| cell_of[i], 3));
            for (first, count) in [(0, 3), (0, 1), (1, 1), (2, 1), (1, 2)] {
                for c in first..first + count {
                    assert_eq!(dense.size(c), sorted.size(c), "n = {n}, cell {c}");
                }
                let (mut a, mut b) = (dense.walk(first, count), sorted.walk(first, count));
                let (mut ta, mut tb) =
                    (vec![Tally::default(); count], vec![Tally::default(); count]);
                loop {
                    let (x, y) = (a.next_time(&mut ta), b.next_time(&mut tb));
                    assert_eq!(x, y, "n = {n}, cells {first}..{}", first + count);
                    assert_eq!(ta, tb, "n = {n}, at time {x:?}");
                    if x.is_none() {
                        break;
                    }
                }
            }
        }
    }
}
