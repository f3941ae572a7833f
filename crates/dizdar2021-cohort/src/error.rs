//! Load errors: each names the file, and where a cell is at fault its row, column,
//! value and what was expected.

use std::fmt;

use surv_reader::ReadError;

/// Why a cohort file could not be loaded.
///
/// Row numbers count as a spreadsheet shows them: the header is row 1, the first
/// patient row 2.
#[derive(Debug)]
#[non_exhaustive]
pub enum LoadError {
    /// The file could not be read into columns: unreadable, empty, ragged, a
    /// column missing or named twice.
    Read(ReadError),
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

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LoadError::Read(e) => write!(f, "{e}"),
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
            LoadError::Read(e) => Some(e),
            _ => None,
        }
    }
}

impl From<ReadError> for LoadError {
    fn from(e: ReadError) -> Self {
        LoadError::Read(e)
    }
}
