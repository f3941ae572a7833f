//! Sorting once: the permutation that puts observations in time order, and R's
//! merging of times that differ only by rounding error.
//!
//! Times are sorted by an LSD radix sort on their IEEE-754 bits (for non-negative
//! doubles the bit patterns order like the numbers). Byte positions on which every
//! key agrees are skipped, so integer-valued times, whose low mantissa bytes are all
//! zero, sort in two or three passes. The sort is stable, and grouping by a code
//! afterwards is a stable counting sort, so "by stratum, then by time" costs one
//! more linear pass.

use crate::error::SurvivalError;

/// Below this many observations a comparison sort is faster than eight histograms.
const RADIX_MIN_LEN: usize = 256;

/// Observations in time order.
#[derive(Debug, Clone)]
pub(crate) struct Ordered {
    /// Times, ascending, after merging near-ties (see [`merge_near_ties`]).
    pub time: Vec<f64>,
    /// Original position of each sorted observation.
    pub index: Vec<u32>,
}

/// Checks that `times` is non-empty, finite and non-negative and that `others`
/// (name, length) match its length.
pub(crate) fn validate(times: &[f64], others: &[(&'static str, usize)]) -> Result<(), SurvivalError> {
    if times.is_empty() {
        return Err(SurvivalError::Empty);
    }
    if times.len() > u32::MAX as usize {
        return Err(SurvivalError::TooManyObservations { n: times.len() });
    }
    for &(column, found) in others {
        if found != times.len() {
            return Err(SurvivalError::LengthMismatch { column, expected: times.len(), found });
        }
    }
    if let Some(index) = times.iter().position(|t| !(t.is_finite() && *t >= 0.0)) {
        return Err(SurvivalError::InvalidTime { index, value: times[index] });
    }
    Ok(())
}

/// Sorts validated `times` (finite, ≥ 0) and merges near-ties.
pub(crate) fn by_time(times: &[f64]) -> Ordered {
    // `+ 0.0` turns -0.0 into +0.0 so that both share a key.
    let mut keys: Vec<u64> = times.iter().map(|t| (t + 0.0).to_bits()).collect();
    let mut index: Vec<u32> = (0..times.len() as u32).collect();
    if keys.len() < RADIX_MIN_LEN {
        let mut pairs: Vec<(u64, u32)> = keys.iter().copied().zip(index.iter().copied()).collect();
        pairs.sort_unstable();
        for (i, (k, j)) in pairs.into_iter().enumerate() {
            keys[i] = k;
            index[i] = j;
        }
    } else {
        radix_sort(&mut keys, &mut index);
    }
    let mut time: Vec<f64> = keys.into_iter().map(f64::from_bits).collect();
    merge_near_ties(&mut time);
    Ordered { time, index }
}

fn radix_sort(keys: &mut Vec<u64>, index: &mut Vec<u32>) {
    let n = keys.len();
    let mut histograms = vec![[0usize; 256]; 8];
    for &k in keys.iter() {
        for (byte, h) in histograms.iter_mut().enumerate() {
            h[((k >> (8 * byte)) & 0xff) as usize] += 1;
        }
    }
    let mut keys_out = vec![0u64; n];
    let mut index_out = vec![0u32; n];
    for (byte, h) in histograms.iter().enumerate() {
        if h.contains(&n) {
            continue; // every key has the same byte here
        }
        let mut offset = [0usize; 256];
        let mut sum = 0;
        for (o, &count) in offset.iter_mut().zip(h.iter()) {
            *o = sum;
            sum += count;
        }
        let shift = 8 * byte;
        for (&k, &i) in keys.iter().zip(index.iter()) {
            let slot = &mut offset[((k >> shift) & 0xff) as usize];
            keys_out[*slot] = k;
            index_out[*slot] = i;
            *slot += 1;
        }
        std::mem::swap(keys, &mut keys_out);
        std::mem::swap(index, &mut index_out);
    }
}

/// R's tolerance for times that are "the same" (`sqrt(.Machine$double.eps)`).
pub(crate) const TIME_TOLERANCE: f64 = 1.490_116_119_384_765_6e-8;

/// Merges times that differ by rounding error, as R's survival does by default
/// (`timefix = TRUE`): neighbouring distinct times are tied when their gap is at
/// most [`TIME_TOLERANCE`] absolutely or relative to the mean of the distinct
/// times; each chain of tied neighbours takes its smallest value.
pub(crate) fn merge_near_ties(sorted: &mut [f64]) {
    let (mut sum, mut distinct) = (0.0, 0usize);
    let mut previous = f64::NAN;
    for &t in sorted.iter() {
        if t != previous {
            sum += t.abs();
            distinct += 1;
            previous = t;
        }
    }
    let mean = if distinct > 0 { sum / distinct as f64 } else { 0.0 };
    let mut previous_raw = f64::NAN;
    let mut chain_start = f64::NAN;
    for t in sorted.iter_mut() {
        let raw = *t;
        if raw == previous_raw {
            *t = chain_start;
            continue;
        }
        let gap = raw - previous_raw; // NaN for the first value: not tied
        let tied = gap <= TIME_TOLERANCE || (mean > 0.0 && gap / mean <= TIME_TOLERANCE);
        if !tied {
            chain_start = raw;
        }
        *t = chain_start;
        previous_raw = raw;
    }
}

/// Stably reorders `ordered` by `codes[original index]` (each `< n_codes`) and
/// returns the start of each code's run (`n_codes + 1` offsets).
pub(crate) fn partition(ordered: &Ordered, codes: &[u32], n_codes: usize) -> (Ordered, Vec<usize>) {
    let mut offsets = vec![0usize; n_codes + 1];
    for &i in &ordered.index {
        offsets[codes[i as usize] as usize + 1] += 1;
    }
    for c in 0..n_codes {
        offsets[c + 1] += offsets[c];
    }
    let mut next = offsets.clone();
    let n = ordered.index.len();
    let mut time = vec![0.0; n];
    let mut index = vec![0u32; n];
    for (&t, &i) in ordered.time.iter().zip(&ordered.index) {
        let slot = &mut next[codes[i as usize] as usize];
        time[*slot] = t;
        index[*slot] = i;
        *slot += 1;
    }
    (Ordered { time, index }, offsets)
}

/// The number of codes (`max + 1`), checking that every code in `0..max` is used.
pub(crate) fn count_codes(codes: &[u32]) -> Result<usize, SurvivalError> {
    let n_codes = codes.iter().max().map_or(0, |&m| m as usize + 1);
    let mut used = vec![false; n_codes];
    for &c in codes {
        used[c as usize] = true;
    }
    match used.iter().position(|u| !u) {
        Some(group) => Err(SurvivalError::EmptyGroup { group: group as u32 }),
        None => Ok(n_codes),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn radix_and_comparison_sorts_agree() {
        // Deterministic pseudo-random times with ties and a wide range of magnitudes.
        let mut state = 0x2545_f491_4f6c_dd1du64;
        let times: Vec<f64> = (0..5000)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                let x = (state % 1000) as f64;
                if state % 3 == 0 { x * 0.001 } else { x }
            })
            .collect();
        let ordered = by_time(&times);
        let mut expected = times.clone();
        expected.sort_by(f64::total_cmp);
        assert_eq!(ordered.time, expected);
        for (t, &i) in ordered.time.iter().zip(&ordered.index) {
            assert_eq!(*t, times[i as usize]);
        }
        // Stable: equal times keep their input order.
        for w in ordered.index.windows(2).zip(ordered.time.windows(2)) {
            if w.1[0] == w.1[1] {
                assert!(w.0[0] < w.0[1]);
            }
        }
    }

    #[test]
    fn near_ties_merge_to_the_smallest_of_the_chain() {
        let mut t = vec![1.0, 1.0 + 1e-9, 1.0 + 2e-9, 2.0, 3.0, 3.0 + 1e-6];
        merge_near_ties(&mut t);
        assert_eq!(t, vec![1.0, 1.0, 1.0, 2.0, 3.0, 3.0 + 1e-6]);
    }

    #[test]
    fn partition_is_stable_and_counts_codes() {
        let ordered = by_time(&[3.0, 1.0, 2.0, 1.0]);
        let codes = [1, 0, 1, 1];
        let (p, offsets) = partition(&ordered, &codes, 2);
        assert_eq!(offsets, vec![0, 1, 4]);
        assert_eq!(p.index, vec![1, 3, 2, 0]);
        assert_eq!(count_codes(&[0, 2, 2]), Err(SurvivalError::EmptyGroup { group: 1 }));
    }
}
