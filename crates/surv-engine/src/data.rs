//! The one input of every estimator: times and events, with optional group and
//! stratum codes, checked once when built.

use std::borrow::Cow;

use crate::error::SurvivalError;
use crate::order;

/// Right-censored survival data, validated: at least one row, every column as
/// long as `times`, every time finite and ≥ 0, group codes `0..k` with every
/// code used. Strata may be any codes; they are renumbered densely in their
/// order.
///
/// It borrows the caller's columns (nothing is copied unless strata codes are
/// sparse), so building it costs one pass over each column.
///
/// Which estimator uses what: Kaplan-Meier pools everything
/// ([`crate::kaplan_meier`]) or fits one curve per group
/// ([`crate::kaplan_meier_by_group`], strata pooled within each group); the
/// log-rank and permutation tests compare the groups within strata; Cox
/// regression fits the covariates it is given, stratified by the strata (group
/// codes are not covariates: give them as indicator columns).
///
/// ```
/// use surv_engine::{SurvivalData, SurvivalError};
/// let times = [5.0, 8.0, 12.0, 3.0];
/// let died = [true, false, true, true];
/// let arm = [0, 0, 1, 1];
/// let data = SurvivalData::new(&times, &died)?.with_groups(&arm)?;
/// assert_eq!((data.len(), data.n_groups(), data.n_events()), (4, 2, 3));
///
/// let bad = SurvivalData::new(&[1.0, -2.0], &[true, true]).unwrap_err();
/// assert_eq!(bad, SurvivalError::InvalidTime { index: 1, value: -2.0 });
/// # Ok::<(), SurvivalError>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct SurvivalData<'a> {
    times: &'a [f64],
    events: &'a [bool],
    groups: Option<GroupCodes<'a>>,
    strata: Option<Strata<'a>>,
}

#[derive(Debug, Clone, PartialEq)]
struct GroupCodes<'a> {
    codes: &'a [u32],
    sizes: Vec<usize>,
}

#[derive(Debug, Clone, PartialEq)]
struct Strata<'a> {
    codes: Cow<'a, [u32]>,
    count: usize,
}

impl<'a> SurvivalData<'a> {
    /// Times (finite, ≥ 0) and events (true = event) of the same length, at
    /// least one.
    pub fn new(times: &'a [f64], events: &'a [bool]) -> Result<Self, SurvivalError> {
        order::validate(times, &[("events", events.len())])?;
        Ok(SurvivalData {
            times,
            events,
            groups: None,
            strata: None,
        })
    }

    /// Adds group codes `0..k`, one per row; every code must have rows.
    ///
    /// ```
    /// use surv_engine::{SurvivalData, SurvivalError};
    /// let data = SurvivalData::new(&[1.0, 2.0], &[true, true])?;
    /// assert_eq!(data.clone().with_groups(&[0, 2]).unwrap_err(), SurvivalError::EmptyGroup { group: 1 });
    /// # Ok::<(), SurvivalError>(())
    /// ```
    pub fn with_groups(self, codes: &'a [u32]) -> Result<Self, SurvivalError> {
        self.check_length("groups", codes.len())?;
        let k = order::group_count(codes)?;
        let mut sizes = vec![0usize; k];
        for &c in codes {
            sizes[c as usize] += 1;
        }
        if let Some(g) = sizes.iter().position(|&s| s == 0) {
            return Err(SurvivalError::EmptyGroup { group: g as u32 });
        }
        Ok(SurvivalData {
            groups: Some(GroupCodes { codes, sizes }),
            ..self
        })
    }

    /// Adds stratum codes, one per row (any values; renumbered densely in
    /// their order).
    pub fn with_strata(self, codes: &'a [u32]) -> Result<Self, SurvivalError> {
        self.check_length("strata", codes.len())?;
        let (codes, count) = order::dense_strata(codes);
        Ok(SurvivalData {
            strata: Some(Strata { codes, count }),
            ..self
        })
    }

    fn check_length(&self, column: &'static str, found: usize) -> Result<(), SurvivalError> {
        if found == self.times.len() {
            Ok(())
        } else {
            Err(SurvivalError::LengthMismatch {
                column,
                expected: self.times.len(),
                found,
            })
        }
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

    /// The event flags.
    pub fn events(&self) -> &'a [bool] {
        self.events
    }

    /// Number of events.
    pub fn n_events(&self) -> usize {
        self.events.iter().filter(|&&e| e).count()
    }

    /// The group codes, if given.
    pub fn groups(&self) -> Option<&'a [u32]> {
        self.groups.as_ref().map(|g| g.codes)
    }

    /// Number of groups: 0 when none were given.
    pub fn n_groups(&self) -> usize {
        self.groups.as_ref().map_or(0, |g| g.sizes.len())
    }

    /// Rows per group, in code order; empty when no groups were given.
    pub fn group_sizes(&self) -> &[usize] {
        self.groups.as_ref().map_or(&[], |g| &g.sizes)
    }

    /// The dense stratum codes (`0..n_strata`), if strata were given.
    pub fn strata(&self) -> Option<&[u32]> {
        self.strata.as_ref().map(|s| s.codes.as_ref())
    }

    /// Number of strata: 1 when none were given.
    pub fn n_strata(&self) -> usize {
        self.strata.as_ref().map_or(1, |s| s.count)
    }

    /// The stratum of row `i` (0 without strata).
    #[inline]
    pub(crate) fn stratum_of(&self, i: usize) -> usize {
        self.strata.as_ref().map_or(0, |s| s.codes[i] as usize)
    }

    /// The groups, or [`SurvivalError::NoGroups`] for an estimator that needs them.
    pub(crate) fn require_groups(&self) -> Result<&'a [u32], SurvivalError> {
        self.groups().ok_or(SurvivalError::NoGroups)
    }
}
