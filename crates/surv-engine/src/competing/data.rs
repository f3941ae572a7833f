//! The one input of the competing-risks estimators: times and causes, with
//! optional group codes, checked once when built.

use crate::error::SurvivalError;
use crate::order::{self, Cells};

/// Right-censored data with competing causes, validated: at least one row,
/// every column as long as `times`, every time finite and ≥ 0, causes coded
/// `0` (censored) or `1..=k` with every cause occurring, group codes `0..g`
/// with every code used.
///
/// It borrows the caller's columns, so building it costs one pass over each.
///
/// ```
/// use surv_engine::{CompetingRisksData, SurvivalError};
/// let months = [5.0, 8.0, 12.0, 3.0, 9.0];
/// let cause = [1, 0, 2, 1, 2]; // 0 = censored, 1 = relapse, 2 = death without relapse
/// let arm = [0, 0, 1, 1, 1];
/// let data = CompetingRisksData::new(&months, &cause)?.with_groups(&arm)?;
/// assert_eq!((data.len(), data.n_causes(), data.n_groups()), (5, 2, 2));
///
/// // Cause codes are dense: a 3 without a 2 is refused.
/// let gap = CompetingRisksData::new(&[1.0, 2.0], &[1, 3]).unwrap_err();
/// assert_eq!(gap, SurvivalError::EmptyCause { cause: 2 });
/// # Ok::<(), SurvivalError>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct CompetingRisksData<'a> {
    times: &'a [f64],
    causes: &'a [u32],
    n_causes: usize,
    groups: Option<Groups<'a>>,
}

#[derive(Debug, Clone, PartialEq)]
struct Groups<'a> {
    codes: &'a [u32],
    count: usize,
}

impl<'a> CompetingRisksData<'a> {
    /// Times (finite, ≥ 0) and causes (0 = censored, `1..=k` = the cause of
    /// the event) of the same length, at least one row, at least one event,
    /// and every cause code up to the largest occurring.
    pub fn new(times: &'a [f64], causes: &'a [u32]) -> Result<Self, SurvivalError> {
        order::validate(times, &[("causes", causes.len())])?;
        let n_causes = cause_count(causes)?;
        Ok(CompetingRisksData {
            times,
            causes,
            n_causes,
            groups: None,
        })
    }

    /// Adds group codes `0..g`, one per row; every code must have rows.
    ///
    /// ```
    /// use surv_engine::{CompetingRisksData, SurvivalError};
    /// let data = CompetingRisksData::new(&[1.0, 2.0], &[1, 0])?;
    /// assert_eq!(data.with_groups(&[0, 2]).unwrap_err(), SurvivalError::EmptyGroup { group: 1 });
    /// # Ok::<(), SurvivalError>(())
    /// ```
    pub fn with_groups(self, codes: &'a [u32]) -> Result<Self, SurvivalError> {
        let n = self.times.len();
        if codes.len() != n {
            return Err(SurvivalError::LengthMismatch {
                column: "groups",
                expected: n,
                found: codes.len(),
            });
        }
        let count = order::group_count(codes)?;
        let mut sizes = vec![0usize; count];
        for &c in codes {
            sizes[c as usize] += 1;
        }
        if let Some(g) = sizes.iter().position(|&s| s == 0) {
            return Err(SurvivalError::EmptyGroup { group: g as u32 });
        }
        // Every (group, cause) pair is a cell of the sort; bound them by the
        // data, as the counting sort bounds its table, so that no table is
        // sized by codes the rows cannot fill.
        let cells = count.checked_mul(self.n_causes + 1);
        if cells.is_none_or(|c| c > 4 * n + 4096) {
            return Err(SurvivalError::TooManyCells {
                groups: count,
                causes: self.n_causes,
                n,
            });
        }
        Ok(CompetingRisksData {
            groups: Some(Groups { codes, count }),
            ..self
        })
    }

    /// Number of rows.
    pub fn len(&self) -> usize {
        self.times.len()
    }

    /// Always false: validated data have at least one row.
    pub fn is_empty(&self) -> bool {
        self.times.is_empty()
    }

    /// The times.
    pub fn times(&self) -> &'a [f64] {
        self.times
    }

    /// The causes (0 = censored).
    pub fn causes(&self) -> &'a [u32] {
        self.causes
    }

    /// Number of causes `k`: the codes are `1..=k`.
    pub fn n_causes(&self) -> usize {
        self.n_causes
    }

    /// The group codes, if given.
    pub fn groups(&self) -> Option<&'a [u32]> {
        self.groups.as_ref().map(|g| g.codes)
    }

    /// Number of groups: 0 when none were given.
    pub fn n_groups(&self) -> usize {
        self.groups.as_ref().map_or(0, |g| g.count)
    }

    /// The rows sorted once into cells `group · (k + 1) + cause` (group 0
    /// without groups): a walk over one group's `k + 1` cells gives, at each
    /// of its distinct times, its censorings (cell `cause` 0) and its events
    /// of each cause. Near-tied times are merged over all the data, as R does.
    pub(crate) fn cells(&self) -> Cells {
        let stride = self.n_causes + 1;
        let events: Vec<bool> = self.causes.iter().map(|&c| c != 0).collect();
        let causes = self.causes;
        match self.groups() {
            Some(groups) => Cells::new(
                self.times,
                &events,
                |i| groups[i] as usize * stride + causes[i] as usize,
                self.n_groups() * stride,
            ),
            None => Cells::new(self.times, &events, |i| causes[i] as usize, stride),
        }
    }
}

/// The number of causes (largest code), checking that every code from 1 up
/// to it occurs; a code larger than the number of rows leaves some code
/// unused, found without sizing anything by the large code.
fn cause_count(causes: &[u32]) -> Result<usize, SurvivalError> {
    let largest = causes.iter().copied().max().unwrap_or(0) as usize;
    if largest == 0 {
        return Err(SurvivalError::NoCauses);
    }
    let mut used = vec![false; largest.min(causes.len()) + 2];
    for &c in causes {
        if let Some(u) = used.get_mut(c as usize) {
            *u = true;
        }
    }
    match (1..used.len()).find(|&c| !used[c]) {
        Some(c) if c <= largest => Err(SurvivalError::EmptyCause { cause: c as u32 }),
        _ => Ok(largest),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn degenerate_input_is_refused_with_its_reason() {
        let new = CompetingRisksData::new;
        assert_eq!(new(&[], &[]).unwrap_err(), SurvivalError::Empty);
        assert_eq!(
            new(&[1.0, 2.0], &[1]).unwrap_err(),
            SurvivalError::LengthMismatch {
                column: "causes",
                expected: 2,
                found: 1
            }
        );
        // NaN is not equal to itself: match on the index.
        assert!(matches!(
            new(&[1.0, f64::NAN], &[1, 1]),
            Err(SurvivalError::InvalidTime { index: 1, .. })
        ));
        assert!(matches!(
            new(&[1.0, -1.0], &[1, 1]),
            Err(SurvivalError::InvalidTime { index: 1, .. })
        ));
        assert_eq!(
            new(&[1.0, 2.0], &[0, 0]).unwrap_err(),
            SurvivalError::NoCauses
        );
        assert_eq!(
            new(&[1.0, 2.0, 3.0], &[1, 3, 0]).unwrap_err(),
            SurvivalError::EmptyCause { cause: 2 }
        );
        assert_eq!(
            new(&[1.0, 2.0, 3.0], &[2, 2, 0]).unwrap_err(),
            SurvivalError::EmptyCause { cause: 1 }
        );
        // A code far beyond the rows: no table is sized by it.
        assert_eq!(
            new(&[1.0, 2.0], &[1, u32::MAX]).unwrap_err(),
            SurvivalError::EmptyCause { cause: 2 }
        );
        let data = new(&[1.0, 2.0, 3.0], &[1, 2, 0]).unwrap();
        assert_eq!(data.n_causes(), 2);
        assert_eq!(
            data.clone().with_groups(&[0, 1]).unwrap_err(),
            SurvivalError::LengthMismatch {
                column: "groups",
                expected: 3,
                found: 2
            }
        );
        assert_eq!(
            data.clone().with_groups(&[0, 0, 2]).unwrap_err(),
            SurvivalError::EmptyGroup { group: 1 }
        );
        assert_eq!(
            data.with_groups(&[0, 0, u32::MAX]).unwrap_err(),
            SurvivalError::EmptyGroup { group: 1 }
        );
    }

    #[test]
    fn groups_times_causes_beyond_what_the_rows_can_fill_are_refused() {
        let n = 5000;
        let times: Vec<f64> = (0..n).map(f64::from).collect();
        let causes: Vec<u32> = (0..n).map(|i| i + 1).collect();
        let groups: Vec<u32> = (0..n).collect();
        let data = CompetingRisksData::new(&times, &causes).unwrap();
        assert_eq!(
            data.with_groups(&groups).unwrap_err(),
            SurvivalError::TooManyCells {
                groups: 5000,
                causes: 5000,
                n: 5000
            }
        );
    }
}
