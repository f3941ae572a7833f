//! The fast path for whole-number times (days, months): a counting sort.
//!
//! When every time is a whole number no larger than a few times the number of
//! observations, a table of counts indexed by time, cell and event replaces the
//! comparison sort: one pass to fill it, one walk over it. Whole numbers below
//! 2²⁶ are never near-tied in R's sense (their gaps are at least 1 and their
//! mean below 1/tolerance), so no merging can be needed.

use super::Tally;

/// Whole-number times at or above this could be near-tied in R's sense.
const MAX_TIME: f64 = (1u64 << 26) as f64;

/// Adding and removing 2⁵² rounds a non-negative double below 2⁵² to a whole
/// number; it is unchanged exactly when it was one. Unlike `floor`, this
/// vectorises.
const ROUNDER: f64 = (1u64 << 52) as f64;

/// Counts of events and censorings per (time, cell).
#[derive(Debug, Clone)]
pub(crate) struct Dense {
    /// Largest time.
    max_time: usize,
    n_cells: usize,
    /// `[(time · n_cells + cell) · 2 + event]`.
    counts: Vec<u32>,
    /// Observations per cell.
    sizes: Vec<usize>,
}

impl Dense {
    /// The table for validated `times`, or `None` when the times are not all
    /// whole numbers or the table would be larger than the data warrant.
    pub(crate) fn new(
        times: &[f64],
        events: &[bool],
        cell: impl Fn(usize) -> usize,
        n_cells: usize,
    ) -> Option<Dense> {
        // Chunk by chunk, so that fractional times are found early and cheaply.
        let mut max = 0.0f64;
        for chunk in times.chunks(4096) {
            let (whole, chunk_max) = chunk.iter().fold((true, 0.0f64), |(whole, max), &t| {
                (
                    whole & ((t + ROUNDER) - ROUNDER == t),
                    if t > max { t } else { max },
                )
            });
            max = max.max(chunk_max);
            if !whole || max >= MAX_TIME {
                return None;
            }
        }
        let n = times.len();
        let max_time = max as usize;
        let table = (max_time + 1).checked_mul(n_cells)?;
        if table > 4 * n + 4096 {
            return None;
        }
        let mut counts = vec![0u32; table * 2];
        let mut sizes = vec![0usize; n_cells];
        for i in 0..n {
            let c = cell(i);
            sizes[c] += 1;
            counts[((times[i] as usize) * n_cells + c) * 2 + usize::from(events[i])] += 1;
        }
        Some(Dense {
            max_time,
            n_cells,
            counts,
            sizes,
        })
    }

    /// Observations in `cell`.
    pub(crate) fn size(&self, cell: usize) -> usize {
        self.sizes[cell]
    }

    /// Number of distinct times the table can hold.
    pub(crate) fn times(&self) -> usize {
        self.max_time + 1
    }

    /// A walk over the times of cells `first..first + tally.len()`.
    pub(crate) fn walk(&self, first: usize) -> DenseWalk<'_> {
        DenseWalk {
            dense: self,
            first,
            next: 0,
        }
    }
}

/// Walks a [`Dense`] table one occupied time at a time.
pub(crate) struct DenseWalk<'a> {
    dense: &'a Dense,
    first: usize,
    next: usize,
}

impl DenseWalk<'_> {
    /// The next time at which any of the walked cells has an observation, with
    /// each cell's tally there.
    pub(crate) fn next_time(&mut self, tally: &mut [Tally]) -> Option<f64> {
        let d = self.dense;
        while self.next <= d.max_time {
            let t = self.next;
            self.next += 1;
            let base = (t * d.n_cells + self.first) * 2;
            let row = &d.counts[base..base + 2 * tally.len()];
            if row.iter().all(|&c| c == 0) {
                continue;
            }
            for (slot, pair) in tally.iter_mut().zip(row.chunks_exact(2)) {
                *slot = Tally {
                    events: pair[1] as usize,
                    censored: pair[0] as usize,
                };
            }
            return Some(t as f64);
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_whole_numbers_in_a_small_range_take_the_dense_path() {
        let events = [true, false, true];
        assert!(Dense::new(&[1.0, 2.0, 3.0], &events, |_| 0, 1).is_some());
        assert!(Dense::new(&[1.0, 2.5, 3.0], &events, |_| 0, 1).is_none());
        assert!(Dense::new(&[1.0, 2.0, 1e9], &events, |_| 0, 1).is_none());
    }

    #[test]
    fn walk_tallies_each_cell() {
        let times = [2.0, 0.0, 2.0, 5.0];
        let events = [true, false, false, true];
        let cells = [0, 1, 1, 0];
        let d = Dense::new(&times, &events, |i| cells[i], 2).unwrap();
        assert_eq!((d.size(0), d.size(1)), (2, 2));
        let mut walk = d.walk(0);
        let mut tally = [Tally::default(); 2];
        assert_eq!(walk.next_time(&mut tally), Some(0.0));
        assert_eq!(
            tally,
            [
                Tally::default(),
                Tally {
                    events: 0,
                    censored: 1
                }
            ]
        );
        assert_eq!(walk.next_time(&mut tally), Some(2.0));
        assert_eq!(
            tally,
            [
                Tally {
                    events: 1,
                    censored: 0
                },
                Tally {
                    events: 0,
                    censored: 1
                }
            ]
        );
        assert_eq!(walk.next_time(&mut tally), Some(5.0));
        assert_eq!(walk.next_time(&mut tally), None);
        let mut one = d.walk(1);
        let mut tally = [Tally::default()];
        assert_eq!(one.next_time(&mut tally), Some(0.0));
        assert_eq!(one.next_time(&mut tally), Some(2.0));
        assert_eq!(one.next_time(&mut tally), None);
    }
}
