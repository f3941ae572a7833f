//! The rows of a table an analysis keeps: usually every row, which is then
//! not listed (a million row numbers would be 8 MB to say "all of them").

/// The rows kept, ascending.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Kept {
    /// Rows `0..n`.
    All(usize),
    /// These rows.
    Rows(Vec<usize>),
}

impl Kept {
    /// The rows `0..height` that pass `keep`: [`Kept::All`] when `all_pass`
    /// says beforehand that every one does.
    pub(crate) fn from_rows(
        height: usize,
        all_pass: bool,
        rows: impl Iterator<Item = usize>,
        keep: impl Fn(usize) -> bool,
    ) -> Kept {
        if all_pass {
            Kept::All(height)
        } else {
            Kept::Rows(rows.filter(|&r| keep(r)).collect())
        }
    }

    pub(crate) fn len(&self) -> usize {
        match self {
            Kept::All(n) => *n,
            Kept::Rows(rows) => rows.len(),
        }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The `k`-th kept row.
    pub(crate) fn row(&self, k: usize) -> usize {
        match self {
            Kept::All(_) => k,
            Kept::Rows(rows) => rows[k],
        }
    }

    /// The kept rows, ascending.
    pub(crate) fn iter(&self) -> Iter<'_> {
        match self {
            Kept::All(n) => Iter::All(0..*n),
            Kept::Rows(rows) => Iter::Rows(rows.iter()),
        }
    }

    /// `values` at the kept rows.
    pub(crate) fn gather<T: Copy>(&self, values: &[T]) -> Vec<T> {
        match self {
            Kept::All(n) => values[..*n].to_vec(),
            Kept::Rows(rows) => rows.iter().map(|&r| values[r]).collect(),
        }
    }
}

/// The kept rows, ascending.
pub(crate) enum Iter<'a> {
    All(std::ops::Range<usize>),
    Rows(std::slice::Iter<'a, usize>),
}

impl Iterator for Iter<'_> {
    type Item = usize;

    fn next(&mut self) -> Option<usize> {
        match self {
            Iter::All(rows) => rows.next(),
            Iter::Rows(rows) => rows.next().copied(),
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        match self {
            Iter::All(rows) => rows.size_hint(),
            Iter::Rows(rows) => rows.size_hint(),
        }
    }
}

impl ExactSizeIterator for Iter<'_> {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn all_rows_and_listed_rows_read_alike() {
        let all = Kept::from_rows(4, true, 0..4, |_| false);
        let listed = Kept::from_rows(4, false, 0..4, |_| true);
        assert_eq!(all, Kept::All(4));
        assert_eq!(listed, Kept::Rows(vec![0, 1, 2, 3]));
        for kept in [&all, &listed] {
            assert_eq!(kept.iter().collect::<Vec<_>>(), [0, 1, 2, 3]);
            assert_eq!(kept.len(), 4);
            assert_eq!(kept.row(2), 2);
            assert_eq!(kept.gather(&[5, 6, 7, 8]), [5, 6, 7, 8]);
        }
        let some = Kept::from_rows(5, false, [0, 2, 3, 4].into_iter(), |r| r != 3);
        assert_eq!(some.iter().collect::<Vec<_>>(), [0, 2, 4]);
        assert_eq!((some.row(1), some.len()), (2, 3));
        assert_eq!(some.gather(&[9, 8, 7, 6, 5]), [9, 7, 5]);
        assert!(Kept::from_rows(2, false, 0..2, |_| false).is_empty());
    }
}
