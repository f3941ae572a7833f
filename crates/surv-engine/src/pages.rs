//! Large working arrays, on 2 MiB pages where the system offers them.
//!
//! A fit on a million rows writes a few hundred MB of fresh memory. On 4 KiB
//! pages that is tens of thousands of page faults, and in a virtual machine
//! each costs microseconds: measured, about a sixth of a Cox fit's time.
//! Transparent huge pages make the faults 512 times fewer, but Linux gives them
//! to a mapping only when asked (`madvise`), as NumPy asks for its large
//! arrays. Below [`MAPPED_FROM`] bytes, and off Linux, an array is a `Vec`.

use std::ops::{Deref, DerefMut};

use bytemuck::Pod;

/// Bytes from which an array gets its own mapping (NumPy's threshold too).
/// Smaller ones come from the allocator, which reuses freed memory.
#[cfg_attr(not(target_os = "linux"), allow(dead_code))]
const MAPPED_FROM: usize = 4 << 20;

/// A zero-initialised array of plain values, as large as asked and no larger.
pub(crate) struct Pages<T: Pod> {
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

impl<T: Pod> Pages<T> {
    /// `len` zeroes.
    pub(crate) fn zeroed(len: usize) -> Pages<T> {
        let bytes = len.saturating_mul(std::mem::size_of::<T>());
        #[cfg(target_os = "linux")]
        if bytes >= MAPPED_FROM {
            // A mapping that fails (address space, limits) falls back to the
            // heap; advice the kernel declines leaves 4 KiB pages. Neither
            // changes a value.
            if let Ok(map) = memmap2::MmapMut::map_anon(bytes) {
                let _ = map.advise(memmap2::Advice::HugePage);
                return Pages {
                    storage: Storage::Mapped { map, len },
                };
            }
        }
        let _ = bytes;
        Pages {
            storage: Storage::Heap(vec![T::zeroed(); len]),
        }
    }

    /// The values of `values`, in order.
    pub(crate) fn from_iter_exact(len: usize, values: impl IntoIterator<Item = T>) -> Pages<T> {
        let mut pages = Pages::zeroed(len);
        let mut filled = 0;
        for (slot, value) in pages.iter_mut().zip(values) {
            *slot = value;
            filled += 1;
        }
        debug_assert_eq!(filled, len, "as many values as slots");
        pages
    }
}

impl<T: Pod> Deref for Pages<T> {
    type Target = [T];

    fn deref(&self) -> &[T] {
        match &self.storage {
            Storage::Heap(values) => values,
            // The mapping is page-aligned and exactly `len` values long.
            Storage::Mapped { map, len } => &bytemuck::cast_slice(&map[..])[..*len],
        }
    }
}

impl<T: Pod> DerefMut for Pages<T> {
    fn deref_mut(&mut self) -> &mut [T] {
        match &mut self.storage {
            Storage::Heap(values) => values,
            Storage::Mapped { map, len } => &mut bytemuck::cast_slice_mut(&mut map[..])[..*len],
        }
    }
}

impl<'a, T: Pod> IntoIterator for &'a Pages<T> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

impl<'a, T: Pod> IntoIterator for &'a mut Pages<T> {
    type Item = &'a mut T;
    type IntoIter = std::slice::IterMut<'a, T>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter_mut()
    }
}

impl<T: Pod> Clone for Pages<T> {
    fn clone(&self) -> Pages<T> {
        let mut copy = Pages::zeroed(self.len());
        copy.copy_from_slice(self);
        copy
    }
}

impl<T: Pod + PartialEq> PartialEq for Pages<T> {
    fn eq(&self, other: &Pages<T>) -> bool {
        **self == **other
    }
}

impl<T: Pod + std::fmt::Debug> std::fmt::Debug for Pages<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Small and large arrays alike start at zero, hold what is written, and
    /// are exactly as long as asked, also when the bytes are not a whole
    /// number of pages.
    #[test]
    fn small_and_mapped_arrays_hold_their_values() {
        for len in [0, 1, 1000, MAPPED_FROM / 8 + 3] {
            let mut values: Pages<f64> = Pages::zeroed(len);
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
        let triples: Pages<[u32; 3]> = Pages::from_iter_exact(big, (0..big as u32).map(|i| [i; 3]));
        assert_eq!(triples[big - 1], [big as u32 - 1; 3]);
    }
}
