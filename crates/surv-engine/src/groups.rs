//! Group labels turned into the dense codes the engine works on.

/// Labels encoded as codes `0..k`, the codes in sorted label order.
///
/// ```
/// use surv_engine::groups::Groups;
/// let g = Groups::from_labels(&["K", "E", "E"]);
/// assert_eq!(g.levels(), ["E", "K"]);
/// assert_eq!(g.codes(), [1, 0, 0]);
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Groups<T> {
    levels: Vec<T>,
    codes: Vec<u32>,
}

impl<T: Ord + Clone> Groups<T> {
    /// Encodes `labels`; the levels are the distinct labels in ascending order.
    pub fn from_labels(labels: &[T]) -> Groups<T> {
        let mut levels: Vec<T> = labels.to_vec();
        levels.sort();
        levels.dedup();
        let codes = labels
            .iter()
            .map(|l| levels.binary_search(l).map_or(0, |i| i as u32))
            .collect();
        Groups { levels, codes }
    }
}

impl<T> Groups<T> {
    /// The distinct labels, in code order.
    pub fn levels(&self) -> &[T] {
        &self.levels
    }

    /// One code per input label.
    pub fn codes(&self) -> &[u32] {
        &self.codes
    }

    /// Number of groups.
    pub fn len(&self) -> usize {
        self.levels.len()
    }

    /// Whether there are no labels at all.
    pub fn is_empty(&self) -> bool {
        self.levels.is_empty()
    }
}
