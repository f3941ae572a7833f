//! The paper's own data, embedded so that it travels with the library and the
//! installed binary, not only with a checkout.

use crate::aggregate::{AggregateError, AggregateFacts};
use crate::{Cohort, Format, LoadError};

/// Table 2 of the paper, transcribed: `fixtures/dizdar2021/patients.csv`.
pub const PATIENTS_CSV: &str = include_str!("../../../fixtures/dizdar2021/patients.csv");

/// The facts stated only in aggregate: `fixtures/dizdar2021/aggregate.toml`.
pub const AGGREGATE_TOML: &str = include_str!("../../../fixtures/dizdar2021/aggregate.toml");

/// How errors and reports name the embedded patient table.
pub const PATIENTS_SOURCE: &str = "fixtures/dizdar2021/patients.csv";

/// The 35 patients of Table 2.
pub fn cohort() -> Result<Cohort, LoadError> {
    Cohort::from_bytes(
        PATIENTS_SOURCE,
        Format::Csv,
        PATIENTS_CSV.as_bytes().to_vec(),
    )
}

/// The paper's aggregate facts.
pub fn aggregate_facts() -> Result<AggregateFacts, AggregateError> {
    AggregateFacts::from_toml("fixtures/dizdar2021/aggregate.toml", AGGREGATE_TOML)
}
