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
    entry: Option<&'a [f64]>,
    weights: Option<&'a [f64]>,
    clusters: Option<&'a [u32]>,
}

/// What a row of [`SurvivalData`] may carry beyond its time and event, for an
/// estimator to say which of them it cannot honour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize),
    serde(rename_all = "snake_case")
)]
pub enum RowFeature {
    /// Entry times: counting-process `(start, stop]` rows.
    Entry,
    /// Case weights.
    Weights,
    /// Cluster codes for a robust variance.
    Clusters,
}

impl RowFeature {
    /// What it is, in words.
    pub fn describe(self) -> &'static str {
        match self {
            RowFeature::Entry => "(start, stop] rows (delayed entry)",
            RowFeature::Weights => "case weights",
            RowFeature::Clusters => "clusters",
        }
    }
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
            entry: None,
            weights: None,
            clusters: None,
        })
    }

    /// Adds entry times, turning each row into the counting-process interval
    /// `(entry, time]` of R's `Surv(start, stop, event)`: the row is at risk
    /// after its entry, up to and including its time. Every entry must be
    /// finite and before its row's time.
    ///
    /// ```
    /// use surv_engine::{SurvivalData, SurvivalError};
    /// let data = SurvivalData::new(&[5.0, 8.0], &[true, false])?;
    /// let late = data.clone().with_entry(&[0.0, 2.0])?;
    /// assert!(late.entry().is_some());
    /// let err = data.with_entry(&[0.0, 8.0]).unwrap_err();
    /// assert_eq!(err, SurvivalError::InvalidInterval { index: 1, start: 8.0, stop: 8.0 });
    /// # Ok::<(), SurvivalError>(())
    /// ```
    pub fn with_entry(self, starts: &'a [f64]) -> Result<Self, SurvivalError> {
        self.check_length("entry", starts.len())?;
        // NaN entries fail the comparison too.
        let before = |i: usize| {
            starts[i].is_finite()
                && starts[i].partial_cmp(&self.times[i]) == Some(std::cmp::Ordering::Less)
        };
        if let Some(i) = (0..starts.len()).find(|&i| !before(i)) {
            return Err(SurvivalError::InvalidInterval {
                index: i,
                start: starts[i],
                stop: self.times[i],
            });
        }
        Ok(SurvivalData {
            entry: Some(starts),
            ..self
        })
    }

    /// Adds case weights, one per row: finite and ≥ 0, as R's `weights =`.
    ///
    /// ```
    /// use surv_engine::{SurvivalData, SurvivalError};
    /// let data = SurvivalData::new(&[5.0, 8.0], &[true, false])?;
    /// let err = data.with_weights(&[1.0, -0.5]).unwrap_err();
    /// assert_eq!(err, SurvivalError::InvalidWeight { index: 1, value: -0.5 });
    /// # Ok::<(), SurvivalError>(())
    /// ```
    pub fn with_weights(self, weights: &'a [f64]) -> Result<Self, SurvivalError> {
        self.check_length("weights", weights.len())?;
        if let Some(i) = weights.iter().position(|w| !(w.is_finite() && *w >= 0.0)) {
            return Err(SurvivalError::InvalidWeight {
                index: i,
                value: weights[i],
            });
        }
        Ok(SurvivalData {
            weights: Some(weights),
            ..self
        })
    }

    /// Adds cluster codes, one per row (any values): rows of one cluster (one
    /// patient's repeated rows, say) are not independent, and a Cox fit gives
    /// the robust (sandwich) variance over clusters, as R's `cluster(id)`.
    pub fn with_clusters(self, codes: &'a [u32]) -> Result<Self, SurvivalError> {
        self.check_length("clusters", codes.len())?;
        Ok(SurvivalData {
            clusters: Some(codes),
            ..self
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

    /// The entry times, if the rows are `(entry, time]` intervals.
    pub fn entry(&self) -> Option<&'a [f64]> {
        self.entry
    }

    /// The case weights, if given.
    pub fn weights(&self) -> Option<&'a [f64]> {
        self.weights
    }

    /// The cluster codes, if given.
    pub fn clusters(&self) -> Option<&'a [u32]> {
        self.clusters
    }

    /// Whether some case weight is not a whole number: R's rule for a robust
    /// variance (the infinitesimal jackknife for curves, the sandwich for
    /// Cox) when the caller has not asked for one.
    pub(crate) fn has_fractional_weights(&self) -> bool {
        self.weights
            .is_some_and(|w| w.iter().any(|v| v.fract() != 0.0))
    }

    /// The weight of row `i` (1 without weights).
    #[inline]
    pub(crate) fn weight_of(&self, i: usize) -> f64 {
        self.weights.map_or(1.0, |w| w[i])
    }

    /// Refuses data carrying a feature that `estimator` does not honour, so
    /// that no option is silently ignored.
    pub(crate) fn refuse(
        &self,
        estimator: &'static str,
        features: &[RowFeature],
    ) -> Result<(), SurvivalError> {
        for &feature in features {
            let present = match feature {
                RowFeature::Entry => self.entry.is_some(),
                RowFeature::Weights => self.weights.is_some(),
                RowFeature::Clusters => self.clusters.is_some(),
            };
            if present {
                return Err(SurvivalError::Unsupported { estimator, feature });
            }
        }
        Ok(())
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
