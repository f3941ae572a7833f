//! Typed errors for degenerate input: the engine never panics on data and never
//! returns NaN where a caller could mistake it for a number.

use std::fmt;

/// Why an estimate or test could not be computed.
///
/// ```
/// use surv_engine::{SurvivalData, SurvivalError};
/// let err = SurvivalData::new(&[1.0, -2.0], &[true, true]).unwrap_err();
/// assert_eq!(err, SurvivalError::InvalidTime { index: 1, value: -2.0 });
/// assert_eq!(err.to_string(), "time at position 1 is -2; expected a finite number ≥ 0");
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum SurvivalError {
    /// No observations were given.
    Empty,
    /// Two input columns differ in length.
    LengthMismatch {
        /// The column compared with `times`.
        column: &'static str,
        /// Length of `times`.
        expected: usize,
        /// Length of the other column.
        found: usize,
    },
    /// A time is NaN, infinite or negative.
    InvalidTime {
        /// 0-based position in the input.
        index: usize,
        /// The value.
        value: f64,
    },
    /// More observations than the engine indexes (2³² − 1).
    TooManyObservations {
        /// How many were given.
        n: usize,
    },
    /// A group code in `0..n_groups` has no subjects.
    EmptyGroup {
        /// The group code.
        group: u32,
    },
    /// An estimator that compares or separates groups was given data without
    /// group codes.
    NoGroups,
    /// A test between groups was asked for with fewer than two groups.
    TooFewGroups {
        /// How many groups the data hold.
        found: usize,
    },
    /// A parameter is outside its domain.
    InvalidParameter {
        /// The parameter's name.
        name: &'static str,
        /// The value given.
        value: f64,
        /// What it must be.
        expected: &'static str,
    },
    /// The variance matrix of a test is singular, so no chi-square exists.
    SingularVariance,
    /// No events at all: there is nothing to compare.
    NoEvents,
    /// No subject failed from the cause a competing-risks model was asked
    /// for (the code is absent from the data).
    NoEventsOfCause {
        /// The cause code.
        cause: u32,
    },
    /// A regression was asked for without covariates.
    NoCovariates,
    /// A covariate value is NaN or infinite.
    InvalidCovariate {
        /// 0-based covariate (column) position.
        covariate: usize,
        /// 0-based row.
        index: usize,
        /// The value.
        value: f64,
    },
    /// The information matrix is singular at the start: some covariate is constant
    /// or a combination of others.
    SingularInformation,
    /// A contingency table a test cannot take (fewer than two rows or
    /// columns, cells not filling the shape, no counts at all).
    InvalidTable {
        /// What is wrong with it.
        reason: &'static str,
    },
    /// An observation of a rank test is NaN or infinite.
    InvalidObservation {
        /// 0-based position in the input.
        index: usize,
        /// The value.
        value: f64,
    },
    /// A statistic came out infinite or NaN: the data leave it undefined.
    NotFinite {
        /// The statistic.
        what: &'static str,
    },
    /// A counting-process row whose entry is not before its time (R's
    /// `Surv(start, stop)` needs start < stop), or whose entry is not finite.
    InvalidInterval {
        /// 0-based position in the input.
        index: usize,
        /// The entry time.
        start: f64,
        /// The exit time.
        stop: f64,
    },
    /// A case weight is negative, NaN or infinite.
    InvalidWeight {
        /// 0-based position in the input.
        index: usize,
        /// The value.
        value: f64,
    },
    /// A case weight of 0 given to Cox regression, which (as R's `coxph`)
    /// needs every weight > 0.
    ZeroWeight {
        /// 0-based position in the input.
        index: usize,
    },
    /// The data carry something this estimator cannot honour (as R's
    /// `survdiff` takes no `(start, stop]` data); refused rather than ignored.
    Unsupported {
        /// The estimator.
        estimator: &'static str,
        /// What it cannot take.
        feature: crate::data::RowFeature,
    },
    /// Competing-risks data with no event of any cause: there is no cause
    /// whose incidence could be estimated.
    NoCauses,
    /// A cause code in `1..=n_causes` has no events: cause codes must be
    /// dense, so that a code beyond the causes that occur cannot name one.
    EmptyCause {
        /// The cause code.
        cause: u32,
    },
    /// So many groups and causes that their cells (groups × (causes + 1))
    /// outnumber what the observations could fill.
    TooManyCells {
        /// Number of groups (1 without groups).
        groups: usize,
        /// Number of causes.
        causes: usize,
        /// Number of observations.
        n: usize,
    },
}

impl fmt::Display for SurvivalError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SurvivalError::Empty => f.write_str("no observations"),
            SurvivalError::LengthMismatch {
                column,
                expected,
                found,
            } => {
                write!(
                    f,
                    "`{column}` has {found} values but `times` has {expected}"
                )
            }
            SurvivalError::InvalidTime { index, value } => {
                write!(
                    f,
                    "time at position {index} is {value}; expected a finite number ≥ 0"
                )
            }
            SurvivalError::TooManyObservations { n } => {
                write!(f, "{n} observations; at most {} are supported", u32::MAX)
            }
            SurvivalError::EmptyGroup { group } => write!(f, "group {group} has no subjects"),
            SurvivalError::NoGroups => {
                f.write_str("no group codes; this estimator compares or separates groups")
            }
            SurvivalError::InvalidTable { reason } => {
                write!(f, "the contingency table {reason}")
            }
            SurvivalError::InvalidObservation { index, value } => {
                write!(f, "observation at position {index} is {value}; expected a finite number")
            }
            SurvivalError::InvalidInterval { index, start, stop } => write!(
                f,
                "row at position {index} enters at {start} and leaves at {stop}; expected a finite entry before the exit"
            ),
            SurvivalError::InvalidWeight { index, value } => {
                write!(f, "weight at position {index} is {value}; expected a finite number ≥ 0")
            }
            SurvivalError::ZeroWeight { index } => write!(
                f,
                "weight at position {index} is 0; Cox regression needs every weight > 0 (as R's coxph)"
            ),
            SurvivalError::Unsupported { estimator, feature } => {
                write!(f, "the {estimator} does not take {}", feature.describe())
            }
            SurvivalError::NotFinite { what } => {
                write!(f, "the {what} is not a finite number for these data")
            }
            SurvivalError::TooFewGroups { found } => {
                write!(
                    f,
                    "a test between groups needs at least 2 groups; found {found}"
                )
            }
            SurvivalError::InvalidParameter {
                name,
                value,
                expected,
            } => {
                write!(f, "`{name}` is {value}; expected {expected}")
            }
            SurvivalError::NoCovariates => f.write_str("no covariates; a regression needs at least one"),
            SurvivalError::InvalidCovariate { covariate, index, value } => write!(
                f,
                "covariate {covariate} at position {index} is {value}; expected a finite number"
            ),
            SurvivalError::SingularInformation => f.write_str(
                "the information matrix is singular: a covariate is constant or a combination of others",
            ),
            SurvivalError::NoEvents => {
                f.write_str("no events in any group; a test needs at least one event")
            }
            SurvivalError::NoEventsOfCause { cause } => write!(
                f,
                "no subject failed from cause {cause}; the model needs at least one such event"
            ),
            SurvivalError::SingularVariance => f.write_str(
                "the variance matrix of the test is singular; no chi-square can be formed",
            ),
            SurvivalError::NoCauses => {
                f.write_str("no events of any cause; competing risks need at least one")
            }
            SurvivalError::EmptyCause { cause } => write!(
                f,
                "cause {cause} has no events; cause codes must be 1..=k with every code used"
            ),
            SurvivalError::TooManyCells { groups, causes, n } => write!(
                f,
                "{groups} groups × {causes} causes are more cells than {n} observations can fill"
            ),
        }
    }
}

impl std::error::Error for SurvivalError {}
