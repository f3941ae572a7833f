//! The data of a Cox model, laid out once for every iteration: rows sorted by
//! stratum and by time from the latest back (so risk sets grow as a pass moves
//! forward), covariates centred and stored row by row.

use crate::column::Column;
use crate::data::SurvivalData;
use crate::error::SurvivalError;
use crate::order;
use crate::order::radix::Pair;

/// Sorted, centred model data.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct CoxData {
    /// Number of covariates.
    pub p: usize,
    /// Covariates of sorted row `i`: `x[i·p .. (i+1)·p]`, centred by `means`.
    pub x: Column<f64>,
    /// Event indicator of each sorted row.
    pub event: Vec<bool>,
    /// Time of each sorted row (after R's merging of near-ties).
    pub time: Column<f64>,
    /// Start of each stratum's rows, and the end (`n`) last.
    pub strata: Vec<usize>,
    /// Start of each run of equal times within a stratum, and `n` last.
    pub tie_runs: Vec<usize>,
    /// Case weight of each sorted row; `None` when all are 1.
    pub weight: Option<Vec<f64>>,
    /// With entry times: when each sorted row joins its risk sets.
    pub entry: Option<Entry>,
    /// With clusters: the dense cluster code of each sorted row.
    pub cluster: Option<Clusters>,
}

/// Entry times of `(start, stop]` rows, laid out for a walk from the latest
/// time back: a row leaves the risk sets once the walk reaches its start.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Entry {
    /// Entry time of each sorted row (after R's merging of near-tied times).
    pub start: Vec<f64>,
    /// Sorted rows, each stratum's (the same ranges as `strata`) ordered by
    /// entry from the latest back.
    pub by_start: Vec<u32>,
}

/// Cluster codes of the sorted rows, renumbered `0..count`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Clusters {
    pub code: Vec<u32>,
    pub count: usize,
}

impl CoxData {
    /// Checks the covariate `columns` against `data` and lays them out.
    pub(crate) fn new(data: &SurvivalData, columns: &[&[f64]]) -> Result<CoxData, SurvivalError> {
        let n = data.len();
        let p = columns.len();
        if p == 0 {
            return Err(SurvivalError::NoCovariates);
        }
        for (k, column) in columns.iter().enumerate() {
            if column.len() != n {
                // A bad value in an earlier column is named first, as when
                // each column was checked whole before the next.
                if let Some(error) = columns[..k]
                    .iter()
                    .enumerate()
                    .find_map(|(j, c)| not_finite(j, c))
                {
                    return Err(error);
                }
                return Err(SurvivalError::LengthMismatch {
                    column: "covariate",
                    expected: n,
                    found: column.len(),
                });
            }
        }

        // The means need no order: on large data they are summed (and the
        // covariates checked) on a second thread while the rows are sorted.
        let (
            means,
            (
                starts,
                Sorted {
                    rows: sorted,
                    keys,
                    destination,
                },
                entry_start,
            ),
        ) = if n >= PARALLEL {
            std::thread::scope(|scope| {
                let means = scope.spawn(|| column_means(columns));
                let sorted = sort_rows(data);
                // A panic on the other thread is a bug; pass it on as it is.
                let means = means
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
                (means, sorted)
            })
        } else {
            (column_means(columns), sort_rows(data))
        };
        let means = means?;
        if let Some(i) = data
            .weights()
            .and_then(|w| w.iter().position(|&v| v <= 0.0))
        {
            return Err(SurvivalError::ZeroWeight { index: i });
        }
        // Each input row is written once to its sorted place: the columns are
        // read in order, and scattered writes are cheaper than scattered reads.
        // On large data two threads each write the rows of one half of the
        // layout (each reads every input row, and skips the other half's).
        let mut x = Column::zeroed(n * p);
        let scatter = |rows: std::ops::Range<usize>, x: &mut [f64]| {
            for (i, &r) in destination.iter().enumerate() {
                let r = r as usize;
                if rows.contains(&r) {
                    let at = (r - rows.start) * p;
                    let row = &mut x[at..at + p];
                    for ((slot, column), mean) in row.iter_mut().zip(columns).zip(&means) {
                        *slot = column[i] - mean;
                    }
                }
            }
        };
        if n >= PARALLEL {
            let half = n / 2;
            let (low, high) = x.split_at_mut(half * p);
            std::thread::scope(|scope| {
                scope.spawn(|| scatter(0..half, low));
                scatter(half..n, high);
            });
        } else {
            scatter(0..n, &mut x);
        }
        let event: Vec<bool> = keys.iter().map(|&k| order::is_event(k)).collect();
        let time = Column::from_iter_exact(n, keys.iter().map(|&k| order::time_of(k)));
        let mut tie_runs = Vec::new();
        for w in starts.windows(2) {
            for i in w[0]..w[1] {
                if i == w[0] || time[i] != time[i - 1] {
                    tie_runs.push(i);
                }
            }
        }
        tie_runs.push(n);
        let weight = data
            .weights()
            .map(|w| sorted.iter().map(|&row| w[row as usize]).collect());
        let entry = entry_start.map(|start| {
            let mut by_start: Vec<u32> = (0..n as u32).collect();
            for w in starts.windows(2) {
                by_start[w[0]..w[1]]
                    .sort_unstable_by(|&a, &b| start[b as usize].total_cmp(&start[a as usize]));
            }
            Entry { start, by_start }
        });
        let cluster = data.clusters().map(|codes| {
            let codes: Vec<u32> = sorted.iter().map(|&row| codes[row as usize]).collect();
            let (dense, count) = order::dense_strata(&codes);
            Clusters {
                code: dense.into_owned(),
                count,
            }
        });
        let mut strata = starts;
        strata.dedup();
        Ok(CoxData {
            p,
            x,
            event,
            time,
            strata,
            tie_runs,
            weight,
            entry,
            cluster,
        })
    }

    /// Number of rows.
    pub(crate) fn n(&self) -> usize {
        self.event.len()
    }

    /// The weight of sorted row `i`.
    #[inline]
    pub(crate) fn weight_of(&self, i: usize) -> f64 {
        self.weight.as_ref().map_or(1.0, |w| w[i])
    }

    /// Whether the rows are plain right-censored, unweighted, unclustered
    /// data, as the estimators that read the layout without those assume.
    pub(crate) fn is_plain(&self) -> bool {
        self.weight.is_none() && self.entry.is_none() && self.cluster.is_none()
    }
}

/// Rows from which the layout's two threads pay for themselves.
const PARALLEL: usize = 50_000;

/// Each covariate's mean, by which it is centred for numerical stability;
/// 0 (as R does) for columns holding only -1, 0 and 1, such as indicators:
/// the likelihood is the same either way, but its rounding is not, and
/// matching R's matters where the information is nearly singular. The first
/// column holding a value that is not finite is an error, at its first such
/// row: a sum that stays finite proves there is none, so the rows are searched
/// only when it does not.
fn column_means(columns: &[&[f64]]) -> Result<Vec<f64>, SurvivalError> {
    columns
        .iter()
        .enumerate()
        .map(|(j, c)| {
            let (sum, indicator) = c.iter().fold((0.0, true), |(sum, indicator), &v| {
                (sum + v, indicator && (v == 0.0 || v == 1.0 || v == -1.0))
            });
            if !f64::is_finite(sum)
                && let Some(error) = not_finite(j, c)
            {
                return Err(error);
            }
            Ok(if indicator { 0.0 } else { sum / c.len() as f64 })
        })
        .collect()
}

/// The error naming covariate `j`'s first value that is not finite, if any.
fn not_finite(j: usize, column: &[f64]) -> Option<SurvivalError> {
    let i = column.iter().position(|v| !v.is_finite())?;
    Some(SurvivalError::InvalidCovariate {
        covariate: j,
        index: i,
        value: column[i],
    })
}

/// The rows sorted by stratum, then by time from the latest back (ties in
/// row order): each stratum's first row with `n` last, the [`Sorted`] rows
/// (their keys after R's merging of near-tied times), and the entry times in
/// the sorted order.
type SortedRows = (Vec<usize>, Sorted, Option<Vec<f64>>);

/// The rows in their sorted order.
struct Sorted {
    /// The input row of each sorted row.
    rows: Column<u32>,
    /// The order key of each sorted row.
    keys: Column<u64>,
    /// The sorted place of each input row.
    destination: Vec<u32>,
}

fn sort_rows(data: &SurvivalData) -> SortedRows {
    let n = data.len();
    let n_strata = data.n_strata();
    let mut starts = vec![0usize; n_strata + 1];
    for i in 0..n {
        starts[data.stratum_of(i) + 1] += 1;
    }
    for s in 0..n_strata {
        starts[s + 1] += starts[s];
    }
    let mut sorted = match by_counting(data, &starts) {
        Some(sorted) => sorted,
        None => by_radix(data, &starts),
    };
    let keys = &mut sorted.keys;
    // R's merging of near-tied times, found over all strata at once on the
    // keys in ascending order (each bucket reversed, then back).
    for w in starts.windows(2) {
        keys[w[0]..w[1]].reverse();
    }
    // Entry times travel in the sorted order.
    let mut entry_start: Option<Vec<f64>> = data
        .entry()
        .map(|e| sorted.rows.iter().map(|&row| e[row as usize]).collect());
    match entry_start.as_mut() {
        Some(start) => order::merge_near_ties_with_entries(keys, &starts, start),
        None => order::merge_near_ties(keys, &starts),
    }
    for w in starts.windows(2) {
        keys[w[0]..w[1]].reverse();
    }
    (starts, sorted, entry_start)
}

/// A time's sort key from the latest back: the complement of its bits
/// (`+ 0.0` gives -0.0 the key of 0.0).
fn descending(time: f64) -> u64 {
    !((time + 0.0).to_bits())
}

/// Most (stratum, time) buckets the counting sort keeps (4 MB of counts):
/// whole days over ten years take 3,651 a stratum.
const COUNTING_BUCKETS: usize = 1 << 20;

/// The sort by counting, for whole-number times spanning few values (days,
/// months): a bucket per stratum and time, the latest first, each row written
/// straight to its place with its order key. `None` for other times.
fn by_counting(data: &SurvivalData, starts: &[usize]) -> Option<Sorted> {
    let n = data.len();
    let (times, events) = (data.times(), data.events());
    // `as` truncates toward zero (and saturates), so a time survives the
    // round trip through an integer exactly when it is a whole number.
    let (least, greatest, whole) = times.iter().fold(
        (f64::INFINITY, f64::NEG_INFINITY, true),
        |(least, greatest, whole), &t| {
            (
                least.min(t),
                greatest.max(t),
                whole && (t as i64) as f64 == t,
            )
        },
    );
    let span = greatest - least + 1.0;
    let n_strata = starts.len() - 1;
    if n == 0 || !whole || span * n_strata as f64 > COUNTING_BUCKETS as f64 {
        return None;
    }
    let span = span as usize;
    let bucket = |i: usize| data.stratum_of(i) * span + (greatest - times[i]) as usize;
    let mut next = vec![0u32; n_strata * span + 1];
    for i in 0..n {
        next[bucket(i) + 1] += 1;
    }
    for b in 1..next.len() {
        next[b] += next[b - 1];
    }
    let mut rows: Column<u32> = Column::zeroed(n);
    let mut keys: Column<u64> = Column::zeroed(n);
    let mut destination = vec![0u32; n];
    for (i, place) in destination.iter_mut().enumerate() {
        let slot = &mut next[bucket(i)];
        let at = *slot as usize;
        *slot += 1;
        rows[at] = i as u32;
        keys[at] = order::key(times[i], events[i]);
        *place = at as u32;
    }
    Some(Sorted {
        rows,
        keys,
        destination,
    })
}

/// The general sort: rows bucketed by stratum (a counting pass), each bucket
/// sorted by time from the latest back (ties in row order: the sort is
/// stable); the input row and the order key of each sorted row.
fn by_radix(data: &SurvivalData, starts: &[usize]) -> Sorted {
    let n = data.len();
    let (times, events) = (data.times(), data.events());
    let mut next = starts.to_vec();
    let mut keyed: Column<Pair> = Column::zeroed(n);
    for i in 0..n {
        let slot = &mut next[data.stratum_of(i)];
        keyed[*slot] = Pair::new(descending(times[i]), i as u32);
        *slot += 1;
    }
    for w in starts.windows(2) {
        order::radix::sort_pairs(&mut keyed[w[0]..w[1]]);
    }
    let rows = Column::from_iter_exact(n, keyed.iter().map(|pair| pair.row));
    let mut destination = vec![0u32; n];
    for (r, &row) in rows.iter().enumerate() {
        destination[row as usize] = r as u32;
    }
    // The time comes back from the sort key (its complement), so only the
    // events are read in the scattered order.
    let keys = Column::from_iter_exact(
        n,
        keyed
            .iter()
            .map(|pair| order::key(f64::from_bits(!pair.key), events[pair.row as usize])),
    );
    Sorted {
        rows,
        keys,
        destination,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A small deterministic generator (xorshift) of numbers below `m`.
    fn generator(mut state: u64) -> impl FnMut(u64) -> u64 {
        move |m| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state % m
        }
    }

    /// The counting sort puts whole-number times (with strata, ties, zero
    /// of either sign) in the order the general sort gives, with the same
    /// keys and places, and declines times that are not whole or that span
    /// too many values.
    #[test]
    fn the_counting_sort_agrees_with_the_general_sort() {
        let mut next = generator(0x2545_f491_4f6c_dd1d);
        let n = 5_000;
        let event: Vec<bool> = (0..n).map(|_| next(10) < 7).collect();
        let strata: Vec<u32> = (0..n).map(|_| next(4) as u32).collect();
        let days: Vec<f64> = (0..n).map(|_| (next(3650) + 1) as f64).collect();
        let zeros: Vec<f64> = (0..n)
            .map(|i| match i % 3 {
                0 => 0.0,
                1 => -0.0,
                _ => next(40) as f64,
            })
            .collect();
        for time in [&days, &zeros] {
            let plain = SurvivalData::new(time, &event).unwrap();
            let stratified = plain.clone().with_strata(&strata).unwrap();
            for data in [plain, stratified] {
                let starts = sort_rows(&data).0;
                let counted = by_counting(&data, &starts).expect("whole days are counted");
                let general = by_radix(&data, &starts);
                assert!(counted.rows == general.rows, "rows");
                assert!(counted.keys == general.keys, "keys");
                assert_eq!(counted.destination, general.destination);
            }
        }
        let halves: Vec<f64> = days.iter().map(|d| d + 0.5).collect();
        let centuries: Vec<f64> = days.iter().map(|d| d * 1000.0).collect();
        for time in [&halves, &centuries] {
            let data = SurvivalData::new(time, &event).unwrap();
            assert!(by_counting(&data, &[0, n]).is_none());
        }
    }

    /// A value that is not finite is reported at its column and first row,
    /// the first such column first, on both sides of [`PARALLEL`]; finite
    /// values whose sum overflows are not an error of the input.
    #[test]
    fn covariates_that_are_not_finite_are_named_at_their_first_row() {
        for n in [10, PARALLEL + 3] {
            let time: Vec<f64> = (0..n).map(|i| 1.0 + (i % 7) as f64).collect();
            let event = vec![true; n];
            let data = SurvivalData::new(&time, &event).unwrap();
            let fine = vec![0.5; n];
            let mut nan = fine.clone();
            nan[n - 2] = f64::NAN;
            nan[n - 1] = 1.0;
            let mut infinities = fine.clone();
            (infinities[1], infinities[n - 1]) = (f64::INFINITY, f64::NEG_INFINITY);
            let error = CoxData::new(&data, &[&fine, &nan, &infinities]).unwrap_err();
            assert!(
                matches!(error, SurvivalError::InvalidCovariate { covariate: 1, index, value }
                    if index == n - 2 && value.is_nan()),
                "{error:?}"
            );
            assert_eq!(
                CoxData::new(&data, &[&fine, &infinities]).unwrap_err(),
                SurvivalError::InvalidCovariate {
                    covariate: 1,
                    index: 1,
                    value: f64::INFINITY
                }
            );
            let huge = vec![f64::MAX; n];
            assert!(CoxData::new(&data, &[&huge]).is_ok());
            // Before a later column's length, as when each column was
            // checked whole in turn.
            let short = vec![0.5; n - 1];
            let error = CoxData::new(&data, &[&fine, &infinities, &short]).unwrap_err();
            assert!(
                matches!(
                    error,
                    SurvivalError::InvalidCovariate {
                        covariate: 1,
                        index: 1,
                        ..
                    }
                ),
                "{error:?}"
            );
            assert!(matches!(
                CoxData::new(&data, &[&fine, &short, &infinities]).unwrap_err(),
                SurvivalError::LengthMismatch { .. }
            ));
        }
    }

    /// Above [`PARALLEL`] rows the means are summed and the two halves of the
    /// layout written on two threads: every input row must land once, with
    /// its time, event, stratum and centred covariates, in time order.
    #[test]
    fn the_threaded_layout_holds_every_row_once_in_order() {
        let n = 2 * PARALLEL + 7;
        let mut next = generator(0x9e37_79b9_7f4a_7c15);
        let time: Vec<f64> = (0..n).map(|_| 1.0 + next(500) as f64).collect();
        let event: Vec<bool> = (0..n).map(|_| next(10) < 7).collect();
        let strata: Vec<u32> = (0..n).map(|_| next(3) as u32).collect();
        let x0: Vec<f64> = (0..n).map(|_| next(1 << 20) as f64 / 7.0).collect();
        let x1: Vec<f64> = (0..n).map(|_| next(2) as f64).collect();
        let data = SurvivalData::new(&time, &event)
            .and_then(|d| d.with_strata(&strata))
            .unwrap();
        let columns: [&[f64]; 2] = [&x0, &x1];
        let layout = CoxData::new(&data, &columns).unwrap();
        let means = column_means(&columns).unwrap();
        assert_eq!(means[1], 0.0, "an indicator is not centred");
        let key =
            |s: u32, t: f64, e: bool, a: f64, b: f64| (s, t.to_bits(), e, a.to_bits(), b.to_bits());
        let mut expected: Vec<_> = (0..n)
            .map(|i| {
                key(
                    strata[i],
                    time[i],
                    event[i],
                    x0[i] - means[0],
                    x1[i] - means[1],
                )
            })
            .collect();
        let mut found = Vec::with_capacity(n);
        for (s, w) in layout.strata.windows(2).enumerate() {
            for r in w[0]..w[1] {
                if r > w[0] {
                    assert!(layout.time[r] <= layout.time[r - 1], "time order at {r}");
                }
                let row = &layout.x[r * 2..r * 2 + 2];
                found.push(key(
                    s as u32,
                    layout.time[r],
                    layout.event[r],
                    row[0],
                    row[1],
                ));
            }
        }
        expected.sort_unstable();
        found.sort_unstable();
        assert!(expected == found, "the layout's rows are not the input's");
    }
}
