//! The general path: observations as sorted keys, walked one distinct time at a
//! time.
//!
//! Each observation becomes one `u64` key: the bits of its time shifted left by
//! one, with the event flag in the freed lowest bit. Non-negative doubles order
//! like their bit patterns, so keys order by time (censorings before events at a
//! tie), and the event travels with the time: no permutation, no payload, no
//! random access afterwards. Observations are first bucketed by a cell code
//! (group, stratum) with a counting sort, then each bucket is sorted.
//!
//! R merges times that differ only by rounding error (`timefix = TRUE`); see
//! [`TieRule`]. Merging is checked for on the whole data, over the sorted
//! buckets (a pass for the mean of the distinct times, then one that finds
//! the ties), and applied by rewriting the keys, so that every later pass
//! sees exactly R's times.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use super::Tally;
use crate::column::Column;

/// The key of one observation.
#[inline]
pub(crate) fn key(time: f64, event: bool) -> u64 {
    // `+ 0.0` turns -0.0 into +0.0 so both share a key.
    ((time + 0.0).to_bits() << 1) | u64::from(event)
}

/// The time part of a key, still as ordered bits.
#[inline]
pub(crate) fn time_bits(key: u64) -> u64 {
    key >> 1
}

/// The time of a key.
#[inline]
pub(crate) fn time_of(key: u64) -> f64 {
    f64::from_bits(key >> 1)
}

/// `key` with its time replaced by the time `bits`, its event kept.
#[inline]
fn with_time(key: u64, bits: u64) -> u64 {
    (bits << 1) | (key & 1)
}

/// Whether a key is an event.
#[inline]
pub(crate) fn is_event(key: u64) -> bool {
    key & 1 == 1
}

/// Rows from which the buckets are sorted on two threads.
const PARALLEL: usize = 1 << 16;

/// Keys bucketed by cell, each bucket sorted by time.
#[derive(Debug, Clone)]
pub(crate) struct Buckets {
    keys: Column<u64>,
    offsets: Vec<usize>,
}

impl Buckets {
    /// Buckets validated `times`/`events` by `cell(i)` (each `< n_cells`), sorts
    /// each bucket by time, and merges near-tied times over all buckets as R does.
    pub(crate) fn new(
        times: &[f64],
        events: &[bool],
        cell: impl Fn(usize) -> usize,
        n_cells: usize,
    ) -> Buckets {
        let n = times.len();
        let (mut keys, offsets) = if n_cells == 1 {
            (
                Column::from_iter_exact(n, times.iter().zip(events).map(|(&t, &e)| key(t, e))),
                vec![0, n],
            )
        } else {
            let mut offsets = vec![0usize; n_cells + 1];
            for i in 0..n {
                offsets[cell(i) + 1] += 1;
            }
            for c in 0..n_cells {
                offsets[c + 1] += offsets[c];
            }
            let mut next = offsets.clone();
            let mut keys = Column::zeroed(n);
            for i in 0..n {
                let slot = &mut next[cell(i)];
                keys[*slot] = key(times[i], events[i]);
                *slot += 1;
            }
            (keys, offsets)
        };
        // Pattern-defeating quicksort: as fast as a radix sort here on distinct
        // keys (measured), and much faster on the repeated ones of tied data.
        // On large data with several buckets, two threads each sort the
        // buckets of about half the rows.
        let sort = |keys: &mut [u64], offsets: &[usize]| {
            let start = offsets[0];
            for w in offsets.windows(2) {
                keys[w[0] - start..w[1] - start].sort_unstable();
            }
        };
        // The bucket boundary nearest the middle row.
        let half = (1..n_cells)
            .min_by_key(|&b| offsets[b].abs_diff(n / 2))
            .unwrap_or(0);
        if n >= PARALLEL && half > 0 {
            let (low, high) = keys.split_at_mut(offsets[half]);
            std::thread::scope(|scope| {
                scope.spawn(|| sort(high, &offsets[half..]));
                sort(low, &offsets[..=half]);
            });
        } else {
            sort(&mut keys, &offsets);
        }
        merge_near_ties(&mut keys, &offsets);
        Buckets { keys, offsets }
    }

    /// The sorted keys of bucket `b`.
    pub(crate) fn bucket(&self, b: usize) -> &[u64] {
        &self.keys[self.offsets[b]..self.offsets[b + 1]]
    }
}

/// Applies R's merging of near-tied times to `keys`, bucketed by `offsets`
/// (bucket `b` is `keys[offsets[b]..offsets[b + 1]]`, each sorted ascending):
/// near ties are found over all buckets together, and every key's time is
/// rewritten to its chain's start, which keeps each bucket sorted.
pub(crate) fn merge_near_ties(keys: &mut [u64], offsets: &[usize]) {
    match *offsets {
        [start, end] => merge_near_ties_in_place(&mut keys[start..end], &mut []),
        [start, middle, end] => {
            let (first, second) = keys[start..end].split_at_mut(middle - start);
            merge_near_ties_in_place(first, second);
        }
        _ => {
            let fix = {
                let buckets: Vec<&[u64]> = offsets.windows(2).map(|w| &keys[w[0]..w[1]]).collect();
                TimeFix::find(&buckets)
            };
            if let Some(fix) = fix {
                for w in offsets.windows(2) {
                    fix.rewrite(&mut keys[w[0]..w[1]]);
                }
            }
        }
    }
}

/// [`merge_near_ties`] for one bucket (a curve, `second` empty) or two (two
/// groups): the keys are rewritten in the pass that finds the ties, without
/// listing the moves. On large data the times are cut at a pivot, and two
/// threads take the two sides, each bucket's keys below the pivot and each
/// one's from it on: both passes step from one time to the next, and
/// cannot go faster on one core.
fn merge_near_ties_in_place(first: &mut [u64], second: &mut [u64]) {
    if first.len() + second.len() < PARALLEL {
        if let Some(rule) = TieRule::of(&[first, second]) {
            rewrite(first, second, rule);
        }
        return;
    }
    let bound = TieRule::bound(&[first, second]);
    let pivot = {
        let larger: &[u64] = if first.len() >= second.len() {
            first
        } else {
            second
        };
        time_bits(larger[larger.len() / 2])
    };
    let (first_below, first_above) =
        first.split_at_mut(first.partition_point(|&k| time_bits(k) < pivot));
    let (second_below, second_above) =
        second.split_at_mut(second.partition_point(|&k| time_bits(k) < pivot));
    let (below, above) = std::thread::scope(|scope| {
        let above = scope.spawn(|| DistinctTimes::of(&[first_above, second_above], bound));
        let below = DistinctTimes::of(&[first_below, second_below], bound);
        // A panic on the other thread is a bug; pass it on as it is.
        let above = above
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (below, above)
    });
    let Some(rule) = below.and(&above, bound).rule() else {
        return;
    };
    let below_end = std::thread::scope(|scope| {
        scope.spawn(|| rewrite(first_above, second_above, rule));
        rewrite(first_below, second_below, rule)
    });
    // The chain across the pivot: the side above started its first chain
    // afresh, at its least time; it joins the chain below.
    if let (Some((last, start)), Some(least)) = (below_end, above.least)
        && rule.tied(last, least)
    {
        for bucket in [first_above, second_above] {
            for k in bucket.iter_mut().take_while(|k| time_bits(**k) == least) {
                *k = with_time(*k, start);
            }
        }
    }
}

/// Rewrites one sorted bucket's times (`second` empty) or two buckets' to
/// their chain starts under `rule`; the last distinct time met and its
/// chain's start.
fn rewrite(first: &mut [u64], second: &mut [u64], rule: TieRule) -> Option<(u64, u64)> {
    if second.is_empty() {
        rewrite_in_one(first, rule)
    } else {
        rewrite_in_two(first, second, rule)
    }
}

/// [`rewrite`] for one bucket, in a scan.
fn rewrite_in_one(keys: &mut [u64], rule: TieRule) -> Option<(u64, u64)> {
    let mut chains = Chains::new(rule);
    for k in keys.iter_mut() {
        // A store to every key, unchanged unless it moves: cheaper than a
        // branch on the few that do.
        *k = with_time(*k, chains.start_of(time_bits(*k)));
    }
    chains.end()
}

/// [`rewrite`] for two buckets, in one merge.
fn rewrite_in_two(first: &mut [u64], second: &mut [u64], rule: TieRule) -> Option<(u64, u64)> {
    // An exhausted bucket reads as the key `u64::MAX`, whose time bits are
    // above those of every finite time.
    const END: u64 = u64::MAX >> 1;
    let read = |bucket: &[u64], at: usize| bucket.get(at).copied().unwrap_or(u64::MAX);
    let mut chains = Chains::new(rule);
    let (mut i, mut j) = (0, 0);
    loop {
        let (a, b) = (read(first, i), read(second, j));
        let head = time_bits(a).min(time_bits(b));
        if head == END {
            return chains.end();
        }
        let start = chains.start_of(head);
        // Which bucket holds the time is a coin toss with two groups: each
        // head is stored (unchanged unless it is at the time) and stepped past
        // by arithmetic, not by a branch.
        let (at_first, at_second) = (time_bits(a) == head, time_bits(b) == head);
        if let Some(slot) = first.get_mut(i) {
            *slot = if at_first { with_time(a, start) } else { a };
        }
        if let Some(slot) = second.get_mut(j) {
            *slot = if at_second { with_time(b, start) } else { b };
        }
        i += usize::from(at_first);
        j += usize::from(at_second);
    }
}

/// As [`merge_near_ties`], for `(entry, exit]` rows: near ties are found over
/// the exits and the entries together (as R's `aeqSurv` treats start and stop
/// alike), and both are rewritten. Negative entries, before every exit, are
/// left as they are.
pub(crate) fn merge_near_ties_with_entries(
    keys: &mut [u64],
    offsets: &[usize],
    entries: &mut [f64],
) {
    let mut entry_keys: Vec<u64> = entries
        .iter()
        .filter(|t| **t >= 0.0)
        .map(|&t| key(t, false))
        .collect();
    entry_keys.sort_unstable();
    let fix = {
        let mut buckets: Vec<&[u64]> = offsets.windows(2).map(|w| &keys[w[0]..w[1]]).collect();
        buckets.push(&entry_keys);
        TimeFix::find(&buckets)
    };
    if let Some(fix) = fix {
        for w in offsets.windows(2) {
            fix.rewrite(&mut keys[w[0]..w[1]]);
        }
        for t in entries.iter_mut().filter(|t| **t >= 0.0) {
            let bits = (*t + 0.0).to_bits();
            if let Ok(m) = fix.moves.binary_search_by_key(&bits, |&(raw, _)| raw) {
                *t = f64::from_bits(fix.moves[m].1);
            }
        }
    }
}

/// R's tolerance for times that are "the same" (`sqrt(.Machine$double.eps)`).
pub(crate) const TIME_TOLERANCE: f64 = 1.490_116_119_384_765_6e-8;

/// R's merging of near-tied times: neighbouring distinct times (over the whole
/// data) are tied when their gap is at most [`TIME_TOLERANCE`] absolutely or
/// relative to the mean of the distinct times, and each chain of tied neighbours
/// takes its smallest value.
struct TimeFix {
    /// The distinct raw times (as bits) that move, ascending, with the time each
    /// becomes; chain starts keep their value and are not listed.
    moves: Vec<(u64, u64)>,
}

/// R's test for a near tie, for the distinct times of some data.
#[derive(Debug, Clone, Copy)]
struct TieRule {
    /// The mean of the distinct times.
    mean: f64,
}

impl TieRule {
    /// The rule for these sorted buckets, or `None` if no two neighbouring
    /// distinct times can be tied.
    ///
    /// One walk over the distinct times sums them for their mean, and notes
    /// whether any gap is within the tolerance of the largest time, a bound on
    /// the mean. Whole-number times never are, and stop here. The ties of
    /// other times are found by a second walk that knows the mean, so that
    /// gaps merely within that bound are never listed: on ten million
    /// continuous times over ten years, the bound is a seventh of the mean
    /// gap.
    fn of(buckets: &[&[u64]]) -> Option<TieRule> {
        DistinctTimes::of(buckets, TieRule::bound(buckets)).rule()
    }

    /// The widest gap that can be a tie, whatever the mean: the tolerance
    /// of the largest time (or of 1).
    fn bound(buckets: &[&[u64]]) -> f64 {
        let largest = buckets
            .iter()
            .filter_map(|b| b.last())
            .map(|&k| f64::from_bits(time_bits(k)))
            .fold(0.0, f64::max);
        TIME_TOLERANCE * largest.max(1.0)
    }

    /// Whether the distinct times `below < above` (as bits), neighbours, are tied.
    #[inline]
    fn tied(self, below: u64, above: u64) -> bool {
        let gap = f64::from_bits(above) - f64::from_bits(below);
        gap <= TIME_TOLERANCE || (self.mean > 0.0 && gap / self.mean <= TIME_TOLERANCE)
    }
}

/// The chains of near-tied times met by a walk in ascending order: each
/// time joins its predecessor's chain when the two are tied, and starts a
/// chain of its own otherwise.
struct Chains {
    rule: TieRule,
    /// The last distinct raw time met.
    previous: Option<u64>,
    /// The start of its chain.
    start: u64,
}

impl Chains {
    fn new(rule: TieRule) -> Chains {
        Chains {
            rule,
            previous: None,
            start: 0,
        }
    }

    /// The start of the chain of `bits`, the time met now (as bits, no less
    /// than the last one met).
    #[inline]
    fn start_of(&mut self, bits: u64) -> u64 {
        if self.previous != Some(bits) {
            if !self.previous.is_some_and(|p| self.rule.tied(p, bits)) {
                self.start = bits;
            }
            self.previous = Some(bits);
        }
        self.start
    }

    /// The last distinct time met and the start of its chain.
    fn end(&self) -> Option<(u64, u64)> {
        self.previous.map(|p| (p, self.start))
    }
}

/// What the tie rule needs of some distinct times: their sum and number,
/// the least and the greatest, and whether any gap between neighbours is
/// within the bound.
#[derive(Debug, Clone, Copy)]
struct DistinctTimes {
    sum: f64,
    count: usize,
    least: Option<u64>,
    greatest: Option<u64>,
    close: bool,
}

impl DistinctTimes {
    /// The distinct times of these sorted buckets, gaps measured against
    /// `bound`.
    fn of(buckets: &[&[u64]], bound: f64) -> DistinctTimes {
        let (mut sum, mut count) = (0.0f64, 0usize);
        let (mut previous, mut close) = (f64::NEG_INFINITY, false);
        for_each_distinct(buckets, |bits| {
            let t = f64::from_bits(bits);
            sum += t;
            count += 1;
            close |= t - previous <= bound;
            previous = t;
        });
        let ends = |end: fn(&[u64]) -> Option<&u64>, pick: fn(u64, u64) -> u64| {
            buckets
                .iter()
                .filter_map(|b| end(b).map(|&k| time_bits(k)))
                .reduce(pick)
        };
        DistinctTimes {
            sum,
            count,
            least: ends(<[u64]>::first, u64::min),
            greatest: ends(<[u64]>::last, u64::max),
            close,
        }
    }

    /// These times and the greater ones `above`, together. The sum is then
    /// taken in two parts, which can round differently from one in the last
    /// bit; R's own sum is in extended precision, so neither is R's exactly,
    /// and the mean only places the line between a tie and a gap.
    fn and(&self, above: &DistinctTimes, bound: f64) -> DistinctTimes {
        let gap = match (self.greatest, above.least) {
            (Some(below), Some(above)) => f64::from_bits(above) - f64::from_bits(below) <= bound,
            _ => false,
        };
        DistinctTimes {
            sum: self.sum + above.sum,
            count: self.count + above.count,
            least: self.least.or(above.least),
            greatest: above.greatest.or(self.greatest),
            close: self.close || above.close || gap,
        }
    }

    /// The tie rule of these times, or `None` if no gap can be a tie.
    fn rule(&self) -> Option<TieRule> {
        self.close.then(|| TieRule {
            mean: self.sum / self.count as f64,
        })
    }
}

impl TimeFix {
    /// The merging needed for these sorted buckets, or `None` if no two distinct
    /// times are near-tied.
    fn find(buckets: &[&[u64]]) -> Option<TimeFix> {
        let mut chains = Chains::new(TieRule::of(buckets)?);
        let mut moves: Vec<(u64, u64)> = Vec::new();
        for_each_distinct(buckets, |bits| {
            let start = chains.start_of(bits);
            if start != bits {
                moves.push((bits, start));
            }
        });
        (!moves.is_empty()).then_some(TimeFix { moves })
    }

    /// Rewrites a sorted bucket's times to their chain starts (order by time is kept).
    fn rewrite(&self, keys: &mut [u64]) {
        let mut m = 0;
        for k in keys.iter_mut() {
            let bits = time_bits(*k);
            while m < self.moves.len() && self.moves[m].0 < bits {
                m += 1;
            }
            match self.moves.get(m) {
                Some(&(raw, start)) if raw == bits => *k = with_time(*k, start),
                Some(_) => {}
                None => return,
            }
        }
    }
}

/// Buckets beyond which finding the smallest head by a heap beats a scan.
const SCAN_MAX_BUCKETS: usize = 8;

/// Calls `f` with each distinct time (as bits) over all buckets, ascending:
/// one or two buckets by a scan or a merge of their keys, a few by [`Merge`]'s walk, O(n + D·B)
/// over the B bucket heads, or O(n log B) by a heap when B is large.
fn for_each_distinct(buckets: &[&[u64]], mut f: impl FnMut(u64)) {
    // One bucket (a curve) is a scan in which a run ends where the time
    // changes; two (two groups) a merge that steps past the smaller head, or
    // both when they are at one time, by arithmetic rather than a branch.
    let mut last = None;
    let mut emit = |bits: u64| {
        if last != Some(bits) {
            f(bits);
            last = Some(bits);
        }
    };
    match buckets {
        [keys] | [keys, []] => {
            keys.iter().for_each(|&k| emit(time_bits(k)));
            return;
        }
        [first, second] => {
            let (mut i, mut j) = (0, 0);
            while let (Some(&a), Some(&b)) = (first.get(i), second.get(j)) {
                let (a, b) = (time_bits(a), time_bits(b));
                let head = a.min(b);
                emit(head);
                i += usize::from(a == head);
                j += usize::from(b == head);
            }
            let rest = first[i..].iter().chain(&second[j..]);
            rest.for_each(|&k| emit(time_bits(k)));
            return;
        }
        _ => {}
    }
    if buckets.len() <= SCAN_MAX_BUCKETS {
        let mut merge = Merge::new(buckets.to_vec());
        let mut tally = [Tally::default(); SCAN_MAX_BUCKETS];
        while let Some(t) = merge.next_time(&mut tally[..buckets.len()]) {
            f(t.to_bits());
        }
        return;
    }
    // Index just past the run of `bits` that starts at `pos`.
    let skip_run = |bucket: &[u64], mut pos: usize, bits: u64| {
        while pos < bucket.len() && time_bits(bucket[pos]) == bits {
            pos += 1;
        }
        pos
    };
    let mut heap: BinaryHeap<Reverse<(u64, usize, usize)>> = buckets
        .iter()
        .enumerate()
        .filter(|(_, b)| !b.is_empty())
        .map(|(i, b)| Reverse((time_bits(b[0]), i, 0)))
        .collect();
    let mut last = None;
    while let Some(Reverse((bits, b, pos))) = heap.pop() {
        if last != Some(bits) {
            f(bits);
            last = Some(bits);
        }
        let next = skip_run(buckets[b], pos, bits);
        if let Some(&k) = buckets[b].get(next) {
            heap.push(Reverse((time_bits(k), b, next)));
        }
    }
}

/// Walks sorted buckets together, one distinct time at a time. One bucket (a
/// curve) and two (two groups) have walks of their own, whose positions are
/// plain fields that stay in registers once the walk is inlined into an
/// estimator's loop.
pub(crate) enum Merge<'a> {
    /// One bucket, at `at`.
    One { keys: &'a [u64], at: usize },
    /// Two buckets, at `i` and `j`.
    Two {
        first: &'a [u64],
        second: &'a [u64],
        i: usize,
        j: usize,
    },
    /// Any number of buckets.
    Many {
        buckets: Vec<&'a [u64]>,
        position: Vec<usize>,
    },
}

impl<'a> Merge<'a> {
    pub(crate) fn new(buckets: Vec<&'a [u64]>) -> Merge<'a> {
        match buckets[..] {
            [keys] => Merge::One { keys, at: 0 },
            [first, second] => Merge::Two {
                first,
                second,
                i: 0,
                j: 0,
            },
            _ => {
                let position = vec![0; buckets.len()];
                Merge::Many { buckets, position }
            }
        }
    }

    /// The next distinct time, with each bucket's tally there written to `tally`
    /// (one entry per bucket); `None` when every bucket is used up.
    #[inline(always)]
    pub(crate) fn next_time(&mut self, tally: &mut [Tally]) -> Option<f64> {
        match self {
            Merge::One { keys, at } => next_of_one(keys, at, tally),
            Merge::Two {
                first,
                second,
                i,
                j,
            } => next_of_two(first, second, i, j, tally),
            Merge::Many { buckets, position } => next_of_any(buckets, position, tally),
        }
    }

    /// Number of distinct times in a sorted bucket.
    pub(crate) fn distinct(bucket: &[u64]) -> usize {
        bucket
            .windows(2)
            .filter(|w| time_bits(w[0]) != time_bits(w[1]))
            .count()
            + usize::from(!bucket.is_empty())
    }
}

/// [`Merge::next_time`] for one bucket (one curve): the run of keys at the
/// next time.
#[inline(always)]
fn next_of_one(keys: &[u64], at: &mut usize, tally: &mut [Tally]) -> Option<f64> {
    let start = *at;
    let bits = time_bits(*keys.get(start)?);
    let mut events = 0;
    let mut end = start;
    for &k in &keys[start..] {
        if time_bits(k) != bits {
            break;
        }
        events += usize::from(is_event(k));
        end += 1;
    }
    *at = end;
    tally[0] = Tally {
        events,
        censored: end - start - events,
    };
    Some(f64::from_bits(bits))
}

/// [`Merge::next_time`] for two buckets (two groups, the common test): one
/// key a step from the bucket whose head is at the time, or from both, so
/// that which bucket moves is arithmetic, not a branch.
#[inline(always)]
fn next_of_two(
    first: &[u64],
    second: &[u64],
    i: &mut usize,
    j: &mut usize,
    tally: &mut [Tally],
) -> Option<f64> {
    // An exhausted bucket reads as the key `u64::MAX`, whose time bits
    // (2^63 − 1) are above those of every finite time.
    const END: u64 = u64::MAX >> 1;
    let read = |bucket: &[u64], pos: usize| bucket.get(pos).copied().unwrap_or(u64::MAX);
    let (mut a, mut b) = (read(first, *i), read(second, *j));
    let bits = time_bits(a).min(time_bits(b));
    if bits == END {
        return None;
    }
    // Counts in scalars, not an array indexed by the event flag: a store to
    // a computed slot and the load of the pair after it defeat the
    // processor's store forwarding (measured: a fifth of the log-rank walk).
    let (mut first_tally, mut second_tally) = (Tally::default(), Tally::default());
    loop {
        // One test of both heads: which bucket holds the time is a coin toss
        // that a branch per bucket would mispredict half the time. Heads never
        // fall below `bits`, so neither is at it when their minimum is not.
        if time_bits(a).min(time_bits(b)) != bits {
            break;
        }
        let (take_first, take_second) = (time_bits(a) == bits, time_bits(b) == bits);
        first_tally.events += usize::from(take_first & is_event(a));
        first_tally.censored += usize::from(take_first & !is_event(a));
        second_tally.events += usize::from(take_second & is_event(b));
        second_tally.censored += usize::from(take_second & !is_event(b));
        *i += usize::from(take_first);
        *j += usize::from(take_second);
        a = read(first, *i);
        b = read(second, *j);
    }
    tally[0] = first_tally;
    tally[1] = second_tally;
    Some(f64::from_bits(bits))
}

/// [`Merge::next_time`] for any number of buckets.
#[inline(never)]
fn next_of_any(buckets: &[&[u64]], position: &mut [usize], tally: &mut [Tally]) -> Option<f64> {
    let mut min = u64::MAX;
    for (bucket, &p) in buckets.iter().zip(position.iter()) {
        if let Some(&k) = bucket.get(p) {
            min = min.min(time_bits(k));
        }
    }
    if min == u64::MAX {
        return None;
    }
    for ((bucket, p), t) in buckets
        .iter()
        .zip(position.iter_mut())
        .zip(tally.iter_mut())
    {
        let start = *p;
        let mut end = start;
        let mut events = 0;
        while end < bucket.len() && time_bits(bucket[end]) == min {
            events += usize::from(is_event(bucket[end]));
            end += 1;
        }
        *p = end;
        *t = Tally {
            events,
            censored: end - start - events,
        };
    }
    Some(f64::from_bits(min))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::order::Tally;
    use crate::random::SplitMix64;

    #[test]
    fn keys_order_by_time_and_carry_the_event() {
        let k = [
            key(2.0, false),
            key(1.0, true),
            key(0.0, false),
            key(-0.0, true),
        ];
        assert!(k[2] < k[3] && k[3] < k[1] && k[1] < k[0]);
        assert_eq!((time_of(k[1]), is_event(k[1])), (1.0, true));
        assert_eq!(time_of(k[3]), 0.0);
    }

    #[test]
    fn near_ties_merge_to_the_smallest_of_the_chain_across_buckets() {
        let times = [1.0, 1.0 + 1e-9, 3.0, 1.0 + 2e-9, 2.0, 3.0 + 1e-6];
        let events = [true; 6];
        let cells = [0usize, 1, 0, 1, 1, 0];
        let b = Buckets::new(&times, &events, |i| cells[i], 2);
        let t0: Vec<f64> = b.bucket(0).iter().map(|&k| time_of(k)).collect();
        let t1: Vec<f64> = b.bucket(1).iter().map(|&k| time_of(k)).collect();
        assert_eq!(t0, vec![1.0, 3.0, 3.0 + 1e-6]);
        assert_eq!(t1, vec![1.0, 1.0, 2.0]);
    }

    /// The keys of the rows in cell `c`, sorted, as a bucket holds them.
    fn sorted_keys_of(times: &[f64], events: &[bool], cell_of: &[usize], c: usize) -> Vec<u64> {
        let mut keys: Vec<u64> = (0..times.len())
            .filter(|&i| cell_of[i] == c)
            .map(|i| key(times[i], events[i]))
            .collect();
        keys.sort_unstable();
        keys
    }

    /// Keys with their times moved as R's rule says, written out plainly:
    /// the distinct times over all keys, their mean, each time's chain start.
    fn by_rule(unmerged: &[u64]) -> Vec<u64> {
        let mut distinct: Vec<f64> = unmerged.iter().map(|&k| time_of(k)).collect();
        distinct.sort_unstable_by(f64::total_cmp);
        distinct.dedup();
        let mean = distinct.iter().sum::<f64>() / distinct.len() as f64;
        let mut starts = vec![distinct[0]];
        for w in distinct.windows(2) {
            let gap = w[1] - w[0];
            let tied = gap <= TIME_TOLERANCE || gap / mean <= TIME_TOLERANCE;
            let start = if tied { *starts.last().unwrap() } else { w[1] };
            starts.push(start);
        }
        unmerged
            .iter()
            .map(|&k| {
                let at = distinct.partition_point(|&t| t < time_of(k));
                key(starts[at], is_event(k))
            })
            .collect()
    }

    /// Two large buckets, then one, whose only near tie is the pair either
    /// side of the pivot at which two threads split them (the larger
    /// bucket's middle time): the tie is found across the cut.
    #[test]
    fn a_near_tie_across_the_parallel_cut_is_merged() {
        let m = PARALLEL + 1;
        let first: Vec<u64> = (0..m).map(|i| key(i as f64 + 0.5, true)).collect();
        let pivot = time_of(first[m / 2]);
        let second = vec![key(pivot - 1e-9, false)];
        let mut keys = [first.clone(), second].concat();
        let expected = by_rule(&keys);
        assert_ne!(expected, keys, "the pair is tied");
        merge_near_ties(&mut keys, &[0, m, m + 1]);
        assert_eq!(keys, expected);
        // One bucket: the pair straddles its middle key.
        let j = m.div_ceil(2) - 1;
        let straddle = time_of(first[j]);
        let mut one = first.clone();
        one.insert(j, key(straddle - 1e-9, false));
        assert_eq!(time_of(one[one.len() / 2]), straddle, "the pivot");
        let expected = by_rule(&one);
        assert_ne!(expected, one, "the pair is tied");
        merge_near_ties(&mut one, &[0, m + 1]);
        assert_eq!(one, expected);
    }

    /// Near ties are merged as R's rule says, written out plainly here: in
    /// place for one and two buckets, by listed moves for more. Times with
    /// chains of ties (relative to the mean and absolute), gaps just too wide,
    /// and repeated times.
    #[test]
    fn near_ties_merged_in_place_agree_with_the_listed_moves() {
        let mut rng = SplitMix64(0x0dd_ba11_cafe_f00d);
        let mut next = || rng.next();
        // The mean is about 25 000: gaps of 1e-4 are relative ties, 1e-3 not.
        let nudges = [0.0, 1e-9, 1e-4, 2e-4, 1e-3, 3e-4];
        // The last data are one chain of ties, across any pivot the merge of
        // large data cuts at.
        let one_chain = |i: usize| 1000.0 + i as f64 * 1e-6;
        for (n, chain) in [
            (1usize, false),
            (2, false),
            (40, false),
            (3000, false),
            (PARALLEL + 777, false),
            (PARALLEL + 55, true),
        ] {
            for cells in [1usize, 2, 3] {
                let times: Vec<f64> = (0..n)
                    .map(|i| match chain {
                        true => one_chain(i),
                        false => (next() % 50) as f64 * 1000.0 + nudges[(next() % 6) as usize],
                    })
                    .collect();
                let events: Vec<bool> = (0..n).map(|_| next() % 3 == 0).collect();
                let cell_of: Vec<usize> = (0..n).map(|_| (next() as usize) % cells).collect();
                // Sorted buckets, not yet merged.
                let mut offsets = vec![0];
                let mut unmerged = Vec::new();
                for c in 0..cells {
                    unmerged.extend(sorted_keys_of(&times, &events, &cell_of, c));
                    offsets.push(unmerged.len());
                }
                let mut in_place = unmerged.clone();
                merge_near_ties(&mut in_place, &offsets);
                let listed = by_rule(&unmerged);
                assert_eq!(in_place, listed, "{n} rows, {cells} cells");
                if n >= 3000 {
                    assert_ne!(in_place, unmerged, "some times merged");
                }
                if chain {
                    assert!(in_place.iter().all(|&k| time_of(k) == 1000.0));
                }
            }
        }
        // Whole numbers have no near ties: the rule stops at its first walk.
        let whole: Vec<u64> = (0..100).map(|t| key(f64::from(t), true)).collect();
        assert!(TieRule::of(&[&whole]).is_none());
        assert!(TieRule::of(&[&whole, &whole[..7]]).is_none());
    }

    #[test]
    fn merge_tallies_each_bucket_at_each_time() {
        let b0 = [key(1.0, true), key(2.0, false), key(2.0, true)];
        let b1 = [key(2.0, true), key(3.0, false)];
        let mut m = Merge::new(vec![&b0, &b1]);
        let mut tally = [Tally::default(); 2];
        assert_eq!(m.next_time(&mut tally), Some(1.0));
        assert_eq!(
            tally,
            [
                Tally {
                    events: 1,
                    censored: 0
                },
                Tally::default()
            ]
        );
        assert_eq!(m.next_time(&mut tally), Some(2.0));
        assert_eq!(
            tally,
            [
                Tally {
                    events: 1,
                    censored: 1
                },
                Tally {
                    events: 1,
                    censored: 0
                }
            ]
        );
        assert_eq!(m.next_time(&mut tally), Some(3.0));
        assert_eq!(m.next_time(&mut tally), None);
    }

    /// Large data, whose buckets two threads sort, give each bucket its
    /// cell's keys in order, whatever the balance of the cells.
    #[test]
    fn buckets_sorted_on_two_threads_hold_their_cells_keys_in_order() {
        let mut rng = SplitMix64(0x9e37_79b9_7f4a_7c15u64);
        let mut next = || rng.next();
        let n = PARALLEL + 999;
        // Times a whole unit apart at least, far from R's near ties.
        let times: Vec<f64> = (0..n).map(|_| (next() % 1_000_000) as f64 + 0.5).collect();
        let events: Vec<bool> = (0..n).map(|_| next() % 3 != 0).collect();
        for (n_cells, share_of_first) in [(2, 50), (2, 90), (3, 10), (5, 30)] {
            let cell_of: Vec<usize> = (0..n)
                .map(|_| {
                    if next() % 100 < share_of_first {
                        0
                    } else {
                        1 + (next() % (n_cells as u64 - 1)) as usize
                    }
                })
                .collect();
            let buckets = Buckets::new(&times, &events, |i| cell_of[i], n_cells);
            for c in 0..n_cells {
                let expected = sorted_keys_of(&times, &events, &cell_of, c);
                assert_eq!(buckets.bucket(c), expected, "{n_cells} cells, cell {c}");
            }
        }
    }

    /// The one- and two-bucket merges (distinct times, tallies) agree with the
    /// general ones, which added empty buckets select.
    #[test]
    fn one_and_two_bucket_merges_agree_with_the_general_ones() {
        let mut rng = SplitMix64(0x2545_f491_4f6c_dd1du64);
        let mut next = || rng.next();
        for n in [0usize, 1, 9, 400] {
            let mut bucket = |spread: u64| {
                let mut keys: Vec<u64> = (0..n)
                    .map(|_| key((next() % spread) as f64, next() % 3 == 0))
                    .collect();
                keys.sort_unstable();
                keys
            };
            let (first, second) = (bucket(40), bucket(70));
            let empty: [u64; 0] = [];
            let distinct = |buckets: &[&[u64]]| {
                let mut all = Vec::new();
                for_each_distinct(buckets, |bits| all.push(bits));
                all
            };
            // Past `SCAN_MAX_BUCKETS` buckets the distinct times come from a heap.
            fn padded<'a>(given: &[&'a [u64]]) -> Vec<&'a [u64]> {
                let mut all = given.to_vec();
                all.resize(SCAN_MAX_BUCKETS + 1, &[]);
                all
            }
            let one = distinct(&[&first]);
            let two = distinct(&[&first, &second]);
            assert_eq!(one, distinct(&padded(&[&first])), "n = {n}");
            assert_eq!(one, distinct(&[&first, &empty, &empty]), "n = {n}");
            assert_eq!(two, distinct(&padded(&[&first, &second])), "n = {n}");
            assert_eq!(two, distinct(&[&first, &second, &empty]), "n = {n}");
            let mut expected: Vec<u64> =
                first.iter().chain(&second).map(|&k| time_bits(k)).collect();
            expected.sort_unstable();
            expected.dedup();
            assert_eq!(two, expected, "n = {n}");
            let same_walk = |mut a: Merge, mut b: Merge, width: usize| {
                let (mut ta, mut tb) = ([Tally::default(); 2], [Tally::default(); 3]);
                loop {
                    let (x, y) = (a.next_time(&mut ta[..width]), b.next_time(&mut tb));
                    assert_eq!(x, y, "n = {n}");
                    assert_eq!(ta[..width], tb[..width], "n = {n} at {x:?}");
                    if x.is_none() {
                        break;
                    }
                }
            };
            same_walk(
                Merge::new(vec![&first]),
                Merge::new(vec![&first, &empty, &empty]),
                1,
            );
            same_walk(
                Merge::new(vec![&first, &second]),
                Merge::new(vec![&first, &second, &empty]),
                2,
            );
        }
    }
}
