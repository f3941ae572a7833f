//! A stable radix sort of `(key, row)` pairs, for the sorts whose payload
//! makes a comparison sort of 16-byte pairs cost more than a few linear
//! passes: the Cox layout (rows by time) and the concordance (rows by score).

use bytemuck::{Pod, Zeroable};

use crate::pages::Pages;

/// A key and the row it belongs to, ordered by key, then row. Plain data with
/// its padding spelled out, so that large arrays of pairs can live on huge
/// pages ([`Pages`]).
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Pod, Zeroable)]
pub(crate) struct Pair {
    pub key: u64,
    pub row: u32,
    /// Always 0.
    padding: u32,
}

impl Pair {
    pub(crate) fn new(key: u64, row: u32) -> Pair {
        Pair {
            key,
            row,
            padding: 0,
        }
    }
}

/// Bits of the key sorted per pass.
const BITS: u32 = 11;
const RADIX: usize = 1 << BITS;
const MASK: u64 = RADIX as u64 - 1;
/// Enough passes to cover 64 bits.
const PASSES: usize = 64_usize.div_ceil(BITS as usize);
/// Below this a comparison sort is faster than the histograms.
const SMALL: usize = 1 << 12;
/// Beyond this many passes a comparison sort is faster.
const MAX_PASSES: usize = 3;

/// Sorts `items` by key, then by row. Least significant digit first, 11 bits
/// a pass, stable, for rows given in ascending order; a pass on which every
/// key has the same digit is skipped, so keys that vary in few bits (whole
/// days) take few passes. Keys that need more fall back to a comparison sort
/// of the pairs.
pub(crate) fn sort_pairs(items: &mut [Pair]) {
    let n = items.len();
    if n < SMALL {
        items.sort_unstable();
        return;
    }
    let mut counts = vec![[0usize; RADIX]; PASSES];
    for &Pair { key, .. } in items.iter() {
        for (pass, count) in counts.iter_mut().enumerate() {
            count[((key >> (pass as u32 * BITS)) & MASK) as usize] += 1;
        }
    }
    let first = items[0].key;
    let passes = counts
        .iter()
        .enumerate()
        .filter(|(pass, count)| count[((first >> (*pass as u32 * BITS)) & MASK) as usize] != n)
        .count();
    if passes > MAX_PASSES {
        // Keys that vary in most of their bits (continuous times, scores):
        // pattern-defeating quicksort on the pairs is faster than six passes
        // (measured), and as stable here, since rows break ties.
        items.sort_unstable();
        return;
    }
    let mut buffer: Pages<Pair> = Pages::zeroed(n);
    // Whether the sorted data are in `buffer` rather than `items`.
    let mut in_buffer = false;
    for (pass, count) in counts.iter().enumerate() {
        let shift = pass as u32 * BITS;
        if count[((first >> shift) & MASK) as usize] == n {
            continue;
        }
        let mut next = [0usize; RADIX];
        let mut sum = 0;
        for (slot, &c) in next.iter_mut().zip(count) {
            *slot = sum;
            sum += c;
        }
        let (from, to): (&[Pair], &mut [Pair]) = if in_buffer {
            (&buffer, items)
        } else {
            (items, &mut buffer)
        };
        for &pair in from {
            let digit = ((pair.key >> shift) & MASK) as usize;
            to[next[digit]] = pair;
            next[digit] += 1;
        }
        in_buffer = !in_buffer;
    }
    if in_buffer {
        items.copy_from_slice(&buffer);
    }
}

/// The key of a finite `f64` whose unsigned order is the number's order
/// (−0.0 and 0.0 share one key).
#[inline]
pub(crate) fn ordered_bits(value: f64) -> u64 {
    let bits = (value + 0.0).to_bits();
    if bits >> 63 == 1 {
        !bits
    } else {
        bits | 1 << 63
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(mut items: Vec<Pair>) {
        let mut expected = items.clone();
        expected.sort_by_key(|pair| pair.key); // stable
        sort_pairs(&mut items);
        assert_eq!(items, expected);
    }

    #[test]
    fn sorts_stably_like_a_stable_comparison_sort() {
        let mut state = 0x9e37_79b9_7f4a_7c15_u64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        // Wide keys, keys with few distinct values (ties keep row order), keys
        // varying only in high bits, and a small input.
        check((0..20_000).map(|i| Pair::new(next(), i)).collect());
        check((0..20_000).map(|i| Pair::new(next() % 7, i)).collect());
        check((0..20_000).map(|i| Pair::new(next() << 50, i)).collect());
        check((0..100).map(|i| Pair::new(next(), i)).collect());
        check((0..10_000).map(|i| Pair::new(5, i)).collect());
    }

    #[test]
    fn ordered_bits_order_numbers() {
        let values = [
            -1e300, -2.5, -1.0, -1e-300, -0.0, 0.0, 1e-300, 1.0, 2.5, 1e300,
        ];
        for w in values.windows(2) {
            assert!(ordered_bits(w[0]) <= ordered_bits(w[1]), "{w:?}");
            assert_eq!(ordered_bits(w[0]) == ordered_bits(w[1]), w[0] == w[1]);
        }
    }
}
