//! Load errors: each names the file, and where a cell is at fault its row, column,
//! value and what was expected.

use std::fmt;

/// Why a cohort file could not be loaded.
///
/// Row numbers count as a spreadsheet shows them: the header is row 1, the first
/// patient row 2.
#[derive(Debug)]
#[non_exhaustive]
pub enum LoadError {
    /// The file could not be read.
    Io {
        /// The file.
        path: String,
        /// What the operating system said.
        source: std::io::Error,
    },
    /// The extension names no format this crate reads.
    UnsupportedFormat {
        /// The file.
        path: String,
    },
    /// The file is not valid CSV or Parquet.
    Unreadable {
        /// The file.
        path: String,
        /// What the reader said.
        reason: String,
    },
    /// The file holds no patient rows.
    Empty {
        /// The file.
        path: String,
    },
    /// Every row misses a value in some column the analysis uses.
    AllRowsMissing {
        /// The file.
        path: String,
        /// Rows read.
        rows: usize,
    },
    /// A required column is absent.
    MissingColumn {
        /// The file.
        path: String,
        /// The column that should be there.
        column: String,
        /// The columns the file has.
        found: Vec<String>,
    },
    /// A required cell is empty.
    MissingValue {
        /// The file.
        path: String,
        /// Spreadsheet row (header = 1).
        row: usize,
        /// The column.
        column: String,
        /// What the cell should hold.
        expected: String,
    },
    /// A cell holds a value the column does not allow.
    InvalidValue {
        /// The file.
        path: String,
        /// Spreadsheet row (header = 1).
        row: usize,
        /// The column.
        column: String,
        /// The offending value, as found.
        value: String,
        /// What the cell should hold.
        expected: String,
    },
    /// Two rows carry the same patient number.
    DuplicatePatient {
        /// The file.
        path: String,
        /// Spreadsheet row of the second occurrence.
        row: usize,
        /// Spreadsheet row of the first occurrence.
        first_row: usize,
        /// The repeated patient number.
        patient: u32,
    },
}

const MAX_LISTED_COLUMNS: usize = 20;

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LoadError::Io { path, source } => write!(f, "{path}: cannot read the file: {source}"),
            LoadError::UnsupportedFormat { path } => {
                write!(
                    f,
                    "{path}: unknown file type; expected a .csv or .parquet file"
                )
            }
            LoadError::Unreadable { path, reason } => {
                write!(f, "{path}: not a readable table: {reason}")
            }
            LoadError::Empty { path } => {
                write!(
                    f,
                    "{path}: the file holds no patient rows; expected a header and at least one row"
                )
            }
            LoadError::AllRowsMissing { path, rows } => write!(
                f,
                "{path}: all {rows} rows miss a value in a column the analysis uses; expected at least one complete row"
            ),
            LoadError::MissingColumn {
                path,
                column,
                found,
            } => {
                write!(f, "{path}: missing column `{column}`; the file has ")?;
                if found.is_empty() {
                    return f.write_str("no columns");
                }
                let shown: Vec<String> = found
                    .iter()
                    .take(MAX_LISTED_COLUMNS)
                    .map(|c| format!("`{c}`"))
                    .collect();
                write!(f, "{}", shown.join(", "))?;
                if found.len() > MAX_LISTED_COLUMNS {
                    write!(f, " and {} more", found.len() - MAX_LISTED_COLUMNS)?;
                }
                Ok(())
            }
            LoadError::MissingValue {
                path,
                row,
                column,
                expected,
            } => {
                write!(
                    f,
                    "{path}: row {row}, column `{column}`: empty cell; expected {expected}"
                )
            }
            LoadError::InvalidValue {
                path,
                row,
                column,
                value,
                expected,
            } => {
                write!(
                    f,
                    "{path}: row {row}, column `{column}`: `{value}`; expected {expected}"
                )
            }
            LoadError::DuplicatePatient {
                path,
                row,
                first_row,
                patient,
            } => write!(
                f,
                "{path}: row {row}, column `patient`: `{patient}` repeats the patient of row \
                 {first_row}; expected each patient number once"
            ),
        }
    }
}

impl std::error::Error for LoadError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            LoadError::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}
