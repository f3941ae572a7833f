//! Columns of plain numbers (a curve's times and counts, a fit's working
//! arrays), on 2 MiB pages where the system offers them.
//!
//! A fit on a million rows writes a few hundred MB of fresh memory. On 4 KiB
//! pages that is tens of thousands of page faults, and in a virtual machine
//! each costs microseconds: measured, about a sixth of a Cox fit's time, and
//! half of a Kaplan-Meier curve's on continuous times. Transparent huge pages
//! make the faults 512 times fewer, but Linux gives them to a mapping only
//! when asked (`madvise`), as NumPy asks for its large arrays. Below
//! [`MAPPED_FROM`] bytes, and off Linux, a column is a `Vec`.

use std::ops::{Deref, DerefMut};

use bytemuck::Pod;

/// Bytes from which a column gets its own mapping (NumPy's threshold too).
/// Smaller ones come from the allocator, which reuses freed memory.
#[cfg_attr(not(target_os = "linux"), allow(dead_code))]
const MAPPED_FROM: usize = 4 << 20;

/// A column of plain values (`f64`, `usize`, ...): read it as a slice.
///
/// ```
/// use surv_engine::Column;
/// let mut times: Column<f64> = Column::with_capacity(2);
/// times.push(1.5);
/// times.push(3.0);
/// assert_eq!(times, [1.5, 3.0]);
/// assert_eq!(times.iter().sum::<f64>(), 4.5);
/// ```
pub struct Column<T: Pod> {
    storage: Storage<T>,
}

enum Storage<T> {
    Heap(Vec<T>),
    #[cfg_attr(not(target_os = "linux"), allow(dead_code))]
    Mapped {
        map: memmap2::MmapMut,
        len: usize,
    },
}

impl<T: Pod> Column<T> {
    /// `len` zeroes.
    pub fn zeroed(len: usize) -> Column<T> {
        let mut column = Column::with_capacity(len);
        match &mut column.storage {
            Storage::Heap(values) => values.resize(len, T::zeroed()),
            Storage::Mapped { len: filled, .. } => *filled = len,
        }
        column
    }

    /// `len` zeroes, with every page of them already in memory: a write to
    /// each 4 KiB makes the system supply (and clear) the pages now, on this
    /// thread, rather than on the first write of whoever fills the column.
    pub(crate) fn faulted_in(len: usize) -> Column<T> {
        let mut column = Column::zeroed(len);
        let per_page = (4096 / std::mem::size_of::<T>().max(1)).max(1);
        for value in column.iter_mut().step_by(per_page) {
            *value = T::zeroed();
        }
        column
    }

    /// An empty column with room for `capacity` values.
    pub fn with_capacity(capacity: usize) -> Column<T> {
        let bytes = capacity.saturating_mul(std::mem::size_of::<T>());
        #[cfg(target_os = "linux")]
        if bytes >= MAPPED_FROM {
            // A mapping that fails (address space, limits) falls back to the
            // heap; advice the kernel declines leaves 4 KiB pages. Neither
            // changes a value.
            if let Ok(map) = memmap2::MmapMut::map_anon(bytes) {
                let _ = map.advise(memmap2::Advice::HugePage);
                return Column {
                    storage: Storage::Mapped { map, len: 0 },
                };
            }
        }
        let _ = bytes;
        Column {
            storage: Storage::Heap(Vec::with_capacity(capacity)),
        }
    }

    /// The values of `values`, in order, `len` of them.
    pub(crate) fn from_iter_exact(len: usize, values: impl IntoIterator<Item = T>) -> Column<T> {
        let mut column = Column::zeroed(len);
        let mut filled = 0;
        for (slot, value) in column.iter_mut().zip(values) {
            *slot = value;
            filled += 1;
        }
        debug_assert_eq!(filled, len, "as many values as slots");
        column
    }

    /// Appends `value`; a full mapping moves to one twice as large.
    #[inline]
    pub fn push(&mut self, value: T) {
        match &mut self.storage {
            Storage::Heap(values) => values.push(value),
            Storage::Mapped { map, len } => {
                let values: &mut [T] = bytemuck::cast_slice_mut(&mut map[..]);
                if let Some(slot) = values.get_mut(*len) {
                    *slot = value;
                    *len += 1;
                } else {
                    self.grow();
                    self.push(value);
                }
            }
        }
    }

    /// Keeps the first `len` values (all of them if there are fewer).
    pub fn truncate(&mut self, len: usize) {
        match &mut self.storage {
            Storage::Heap(values) => values.truncate(len),
            Storage::Mapped { len: filled, .. } => *filled = len.min(*filled),
        }
    }

    #[cold]
    fn grow(&mut self) {
        let mut larger = Column::with_capacity(2 * self.len().max(1));
        for &value in self.iter() {
            larger.push(value);
        }
        *self = larger;
    }
}

impl<T: Pod> Default for Column<T> {
    fn default() -> Column<T> {
        Column {
            storage: Storage::Heap(Vec::new()),
        }
    }
}

impl<T: Pod> Deref for Column<T> {
    type Target = [T];

    fn deref(&self) -> &[T] {
        match &self.storage {
            Storage::Heap(values) => values,
            // The mapping is page-aligned and holds at least `len` values.
            Storage::Mapped { map, len } => &bytemuck::cast_slice(&map[..])[..*len],
        }
    }
}

impl<T: Pod> DerefMut for Column<T> {
    fn deref_mut(&mut self) -> &mut [T] {
        match &mut self.storage {
            Storage::Heap(values) => values,
            Storage::Mapped { map, len } => &mut bytemuck::cast_slice_mut(&mut map[..])[..*len],
        }
    }
}

impl<'a, T: Pod> IntoIterator for &'a Column<T> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

impl<'a, T: Pod> IntoIterator for &'a mut Column<T> {
    type Item = &'a mut T;
    type IntoIter = std::slice::IterMut<'a, T>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter_mut()
    }
}

impl<T: Pod> FromIterator<T> for Column<T> {
    fn from_iter<I: IntoIterator<Item = T>>(values: I) -> Column<T> {
        let values = values.into_iter();
        let mut column = Column::with_capacity(values.size_hint().0);
        for value in values {
            column.push(value);
        }
        column
    }
}

impl<T: Pod> From<Vec<T>> for Column<T> {
    fn from(values: Vec<T>) -> Column<T> {
        Column {
            storage: Storage::Heap(values),
        }
    }
}

impl<T: Pod> Clone for Column<T> {
    fn clone(&self) -> Column<T> {
        let mut copy = Column::zeroed(self.len());
        copy.copy_from_slice(self);
        copy
    }
}

impl<T: Pod + PartialEq> PartialEq for Column<T> {
    fn eq(&self, other: &Column<T>) -> bool {
        **self == **other
    }
}

impl<T: Pod + PartialEq> PartialEq<[T]> for Column<T> {
    fn eq(&self, other: &[T]) -> bool {
        **self == *other
    }
}

impl<T: Pod + PartialEq, const N: usize> PartialEq<[T; N]> for Column<T> {
    fn eq(&self, other: &[T; N]) -> bool {
        **self == other[..]
    }
}

impl<T: Pod + PartialEq> PartialEq<Vec<T>> for Column<T> {
    fn eq(&self, other: &Vec<T>) -> bool {
        **self == other[..]
    }
}

impl<T: Pod + PartialEq> PartialEq<&[T]> for Column<T> {
    fn eq(&self, other: &&[T]) -> bool {
        **self == **other
    }
}

impl<T: Pod + PartialEq> PartialEq<Column<T>> for Vec<T> {
    fn eq(&self, other: &Column<T>) -> bool {
        self[..] == **other
    }
}

impl<T: Pod + PartialEq> PartialEq<Column<T>> for [T] {
    fn eq(&self, other: &Column<T>) -> bool {
        *self == **other
    }
}

impl<T: Pod + std::fmt::Debug> std::fmt::Debug for Column<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

/// A column serialises as the sequence of its values.
#[cfg(feature = "serde")]
impl<T: Pod + serde::Serialize> serde::Serialize for Column<T> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.iter())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Small and large columns alike start at zero, hold what is written, and
    /// are exactly as long as asked, also when the bytes are not a whole
    /// number of pages.
    #[test]
    fn small_and_mapped_columns_hold_their_values() {
        for len in [0, 1, 1000, MAPPED_FROM / 8 + 3] {
            let mut values: Column<f64> = Column::zeroed(len);
            assert_eq!(values.len(), len);
            assert!(values.iter().all(|&v| v == 0.0));
            for (i, v) in values.iter_mut().enumerate() {
                *v = i as f64;
            }
            let copy = values.clone();
            assert_eq!(copy, values);
            assert!(copy.iter().enumerate().all(|(i, &v)| v == i as f64));
        }
        let big = MAPPED_FROM / 4 + 1;
        let triples: Column<[u32; 3]> =
            Column::from_iter_exact(big, (0..big as u32).map(|i| [i; 3]));
        assert_eq!(triples[big - 1], [big as u32 - 1; 3]);
    }

    /// Pushing past a mapping's room moves the values to a larger one, in
    /// order; pushing into a small column is a `Vec`'s push.
    #[test]
    fn pushed_values_are_kept_in_order_past_the_capacity() {
        for capacity in [0, 3, MAPPED_FROM / 8] {
            let mut column: Column<u64> = Column::with_capacity(capacity);
            let n = 2 * capacity as u64 + 5;
            for v in 0..n {
                column.push(v * 7);
            }
            assert_eq!(column.len() as u64, n);
            assert!(column.iter().enumerate().all(|(i, &v)| v == i as u64 * 7));
        }
        let mut collected: Column<u32> = (0..10).collect();
        assert_eq!(collected, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
        collected.truncate(3);
        assert_eq!(collected, [0, 1, 2]);
        let mut mapped: Column<u64> = Column::zeroed(MAPPED_FROM / 8 + 1);
        mapped.truncate(2);
        assert_eq!(mapped, [0, 0]);
        mapped.truncate(5);
        assert_eq!(mapped.len(), 2);
        assert_eq!(collected, Vec::from_iter(0..3));
    }
}
