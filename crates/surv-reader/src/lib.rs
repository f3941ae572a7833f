//! Reads a table file (CSV, TSV, Parquet, or a sheet of an Excel workbook)
//! into the typed columns of a survival analysis: times, events, and optional
//! groups, strata and covariates, as plain vectors an estimator can take.
//!
//! A workbook's sheet ([`ReadOptions::sheet`], the first by default) becomes
//! the same text columns a CSV file would give, so the same checks apply to
//! it: numbers as numbers, date cells as ISO dates (the time of day left out),
//! formulas as the values Excel cached, empty cells and `#N/A` as missing.
//! Row numbers are those Excel shows, and messages name the sheet. Other error
//! cells (`#DIV/0!`) in a column that is read, merged cells in the header or
//! in a column that is read, and an empty sheet are refused.
//!
//! This is the only crate of the workspace that touches polars. It knows no
//! statistics and no particular cohort. Everything it refuses, it refuses with a
//! [`ReadError`] naming the file and, where one cell is at fault, its row (as a
//! spreadsheet counts them: header = 1), column and value: a row with more or
//! fewer fields than the header, a header naming a column twice, text in a
//! numeric column, an event code it cannot read. Missing cells ([`MISSING`])
//! leave their row out, and the table counts how many were left out.
//!
//! ```
//! use surv_reader::{ColumnSpec, Format, SurvivalTable};
//! let csv = b"days,status,arm\n120,2,A\n340,1,B\n95,2,B\n".to_vec();
//! let spec = ColumnSpec {
//!     event_value: Some("2".into()), // R's coding: 2 = dead
//!     ..ColumnSpec::new("days", "status").with_group("arm")
//! };
//! let table = SurvivalTable::from_bytes("trial.csv", Format::Csv, csv, &spec).unwrap();
//! assert_eq!(table.event, [true, false, true]);
//! assert_eq!(table.group.unwrap().levels, ["A", "B"]);
//!
//! let ragged = b"days,status\n120,1\n340,0,B\n".to_vec();
//! let err = SurvivalTable::from_bytes("t.csv", Format::Csv, ragged, &ColumnSpec::new("days", "status"));
//! assert_eq!(err.unwrap_err().to_string(), "t.csv: row 3: 3 fields; expected 2, as many as the header has");
//! ```

#![deny(missing_docs)]

pub mod convert;
mod dates;
mod error;
pub mod exchange;
mod gathered;
mod kept;
mod pieces;
mod plain_numbers;
mod shape;
mod source;
mod survival_columns;
pub mod tabulate;
mod text;
mod workbook;

pub use dates::{DateSpan, TimeUnit, parse_iso_date};
pub use error::{HeaderProblem, ReadError};
pub use source::{Format, MISSING, ReadOptions, TextLayout};
pub use survival_columns::{ColumnSpec, Covariate, Labels, Status, StatusSpec, SurvivalTable};
pub use text::{Levels, TextTable};
pub use workbook::Sheet;
