//! A stable radix sort of `(key, row)` pairs, for the sorts whose payload
//! makes a comparison sort of 16-byte pairs cost more than a few linear
//! passes: the Cox layout (rows by time) and the concordance (rows by score).

use bytemuck::{Pod, Zeroable};

use crate::column::Column;

/// A key and the row it belongs to, ordered by key, then row. Plain data with
/// its padding spelled out, so that large arrays of pairs can live on huge
/// pages (a [`Column`](crate::Column)).
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

/// Widest digit sorted in one pass: its counts (4 bytes a bucket) stay in a
/// core's L2 cache.
const DIGIT_BITS: u32 = 16;
/// Below this a comparison sort is faster than the histograms.
const SMALL: usize = 1 << 12;
/// Keys that differ in more bits than this take a comparison sort: it is
/// faster than the three or more passes they would need (measured).
const MAX_BITS: u32 = 33;

/// Sorts `items` by key, then by row. Least significant digit first, stable,
/// for rows given in ascending order. Only the bits in which the keys differ
/// are sorted, cut into as few digits of at most [`DIGIT_BITS`] as cover them:
/// whole days up to ten years differ in 15 bits of their `f64` keys, one pass.
/// Keys that differ in more than [`MAX_BITS`] bits (continuous times, scores)
/// fall back to a comparison sort of the pairs.
pub(crate) fn sort_pairs(items: &mut [Pair]) {
    let n = items.len();
    if n < SMALL {
        items.sort_unstable();
        return;
    }
    let first = items[0].key;
    let differ = items.iter().fold(0, |bits, pair| bits | (pair.key ^ first));
    if differ == 0 {
        // One key: the rows are in order already.
        return;
    }
    let low = differ.trailing_zeros();
    let width = 64 - differ.leading_zeros() - low;
    if width > MAX_BITS {
        // Pattern-defeating quicksort on the pairs, as stable here, since
        // rows break ties.
        items.sort_unstable();
        return;
    }
    let passes = width.div_ceil(DIGIT_BITS);
    let bits = width.div_ceil(passes);
    let radix = 1usize << bits;
    let mask = radix as u64 - 1;
    let digit = |key: u64, pass: u32| ((key >> (low + pass * bits)) & mask) as usize;
    let mut counts = vec![0u32; passes as usize * radix];
    for &Pair { key, .. } in items.iter() {
        for (pass, count) in counts.chunks_exact_mut(radix).enumerate() {
            count[digit(key, pass as u32)] += 1;
        }
    }
    let mut buffer: Column<Pair> = Column::zeroed(n);
    // Whether the sorted data are in `buffer` rather than `items`.
    let mut in_buffer = false;
    let mut next = vec![0usize; radix];
    for (pass, count) in counts.chunks_exact(radix).enumerate() {
        let mut sum = 0;
        for (slot, &c) in next.iter_mut().zip(count) {
            *slot = sum;
            sum += c as usize;
        }
        let (from, to): (&[Pair], &mut [Pair]) = if in_buffer {
            (&buffer, items)
        } else {
            (items, &mut buffer)
        };
        for &pair in from {
            let d = digit(pair.key, pass as u32);
            to[next[d]] = pair;
            next[d] += 1;
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
        // Keys differing in exactly one digit's width, one bit more (two
        // digits), and in a middle stretch of bits, as whole days do.
        check((0..20_000).map(|i| Pair::new(next() & 0xffff, i)).collect());
        check(
            (0..20_000)
                .map(|i| Pair::new(next() & 0x1_ffff, i))
                .collect(),
        );
        check(
            (0..20_000)
                .map(|i| Pair::new((next() % 3650 + 1) << 37 | 7, i))
                .collect(),
        );
        check(
            (0..20_000)
                .map(|i| Pair::new(next() & 0x1_ffff_ffff, i))
                .collect(),
        );
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
