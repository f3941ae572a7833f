//! Read errors: each names the file, and where a cell is at fault its row,
//! column, value and what was expected.

use std::fmt;

use crate::workbook::Sheet;

/// Why a file could not be read into columns.
///
/// Row numbers count as a spreadsheet shows them: the header is row 1, the first
/// data row 2. In a workbook they are the rows Excel shows, and where the text
/// says `path` it names the file and the sheet (`book.xlsx, sheet `lung``).
#[derive(Debug)]
#[non_exhaustive]
pub enum ReadError {
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
    /// A text layout (delimiter, decimal mark), or a sheet, that cannot apply
    /// to the file.
    Layout {
        /// The file.
        path: String,
        /// Why.
        reason: String,
    },
    /// The file is not valid CSV, TSV, Parquet or Excel.
    Unreadable {
        /// The file.
        path: String,
        /// What the reader said.
        reason: String,
    },
    /// The file holds no data rows.
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
    /// The header names a column twice.
    DuplicateColumn {
        /// The file.
        path: String,
        /// The repeated name.
        column: String,
        /// 1-based positions of its first and second occurrence.
        positions: (usize, usize),
    },
    /// A row has more or fewer fields than the header.
    RaggedRow {
        /// The file.
        path: String,
        /// Spreadsheet row (header = 1).
        row: usize,
        /// Fields in that row.
        found: usize,
        /// Fields in the header.
        expected: usize,
    },
    /// A row's quotes do not delimit its fields (RFC 4180): a quote inside an
    /// unquoted field, text after a closing quote, or a quote never closed.
    MalformedQuote {
        /// The file.
        path: String,
        /// Spreadsheet row (header = 1) where the row starts.
        row: usize,
        /// What is wrong, and what was expected.
        problem: &'static str,
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
    /// The workbook has no sheet of the name or position asked for.
    UnknownSheet {
        /// The file.
        path: String,
        /// The sheet asked for.
        sheet: Sheet,
        /// The sheets the workbook has, in order.
        sheets: Vec<String>,
    },
    /// The sheet read holds no data rows.
    EmptySheet {
        /// The file.
        path: String,
        /// The sheet.
        sheet: String,
        /// Whether it has a header (else it holds no cell at all).
        has_header: bool,
    },
    /// A sheet's header row does not give each column one name.
    SheetHeader {
        /// The file and the sheet.
        path: String,
        /// The cells at fault, as Excel names them (`A1:B1`).
        cells: String,
        /// What is wrong with them.
        problem: HeaderProblem,
    },
    /// Merged cells in a column that is read: only the first of them holds
    /// the value, which the others seem to share.
    MergedCells {
        /// The file and the sheet.
        path: String,
        /// The merged cells, as Excel names them (`B3:B4`).
        cells: String,
        /// The column.
        column: String,
    },
    /// An option names a value that does not occur in its column.
    ValueNotFound {
        /// The file.
        path: String,
        /// The option, e.g. `--event-value`.
        option: String,
        /// The column.
        column: String,
        /// The value asked for.
        value: String,
        /// The distinct values the column holds (sorted, possibly cut short).
        seen: Vec<String>,
    },
}

/// What is wrong with a sheet's header cells.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum HeaderProblem {
    /// Merged: one name over several columns, or a header of two rows.
    Merged,
    /// Empty, over a column that holds values.
    Unnamed,
    /// Two cells give the same name.
    Repeated {
        /// The name.
        column: String,
    },
}

/// How many column names or values a message lists before "and N more".
const MAX_LISTED: usize = 20;

fn listed(items: &[String], f: &mut fmt::Formatter<'_>) -> fmt::Result {
    let shown: Vec<String> = items
        .iter()
        .take(MAX_LISTED)
        .map(|c| format!("`{c}`"))
        .collect();
    f.write_str(&shown.join(", "))?;
    if items.len() > MAX_LISTED {
        write!(f, " and {} more", items.len() - MAX_LISTED)?;
    }
    Ok(())
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReadError::Io { path, source } => write!(f, "{path}: cannot read the file: {source}"),
            ReadError::UnsupportedFormat { path } => write!(
                f,
                "{path}: unknown file type; expected a .csv, .tsv, .tab, .parquet or .xlsx file"
            ),
            ReadError::Layout { path, reason } => write!(f, "{path}: {reason}"),
            ReadError::Unreadable { path, reason } => {
                write!(f, "{path}: not a readable table: {reason}")
            }
            ReadError::Empty { path } => write!(
                f,
                "{path}: the file holds no data rows; expected a header and at least one row"
            ),
            ReadError::AllRowsMissing { path, rows } => write!(
                f,
                "{path}: all {rows} rows miss a value in a column the analysis uses; expected at least one complete row"
            ),
            ReadError::MissingColumn {
                path,
                column,
                found,
            } => {
                write!(f, "{path}: missing column `{column}`; the file has ")?;
                if found.is_empty() {
                    return f.write_str("no columns");
                }
                listed(found, f)
            }
            ReadError::DuplicateColumn {
                path,
                column,
                positions: (first, second),
            } => write!(
                f,
                "{path}: row 1: the header names column `{column}` twice (fields {first} and {second}); expected each column name once"
            ),
            ReadError::RaggedRow {
                path,
                row,
                found,
                expected,
            } => write!(
                f,
                "{path}: row {row}: {found} fields; expected {expected}, as many as the header has"
            ),
            ReadError::MalformedQuote { path, row, problem } => {
                write!(f, "{path}: row {row}: {problem}")
            }
            ReadError::InvalidValue {
                path,
                row,
                column,
                value,
                expected,
            } => write!(
                f,
                "{path}: row {row}, column `{column}`: `{value}`; expected {expected}"
            ),
            ReadError::UnknownSheet {
                path,
                sheet,
                sheets,
            } => {
                write!(f, "{path}: no sheet {sheet}; ")?;
                if sheets.is_empty() {
                    return f.write_str("the workbook has no sheets");
                }
                f.write_str("the workbook has sheets ")?;
                listed(sheets, f)?;
                write!(
                    f,
                    "; expected one of these names, or a position from 1 to {}",
                    sheets.len()
                )
            }
            ReadError::EmptySheet {
                path,
                sheet,
                has_header,
            } => {
                let what = if *has_header {
                    "has a header but no data rows"
                } else {
                    "is empty"
                };
                write!(
                    f,
                    "{path}: sheet `{sheet}` {what}; expected a header row and at least one row below it"
                )
            }
            ReadError::SheetHeader {
                path,
                cells,
                problem,
            } => match problem {
                HeaderProblem::Merged => write!(
                    f,
                    "{path}: header cells {cells} are merged; expected one column name in each cell of the header row"
                ),
                HeaderProblem::Unnamed => write!(
                    f,
                    "{path}: header cell {cells} is empty but its column holds values; expected a column name"
                ),
                HeaderProblem::Repeated { column } => write!(
                    f,
                    "{path}: header cells {cells} both name column `{column}`; expected each column name once"
                ),
            },
            ReadError::MergedCells {
                path,
                cells,
                column,
            } => write!(
                f,
                "{path}: cells {cells} of column `{column}` are merged, so only the first holds a value; expected a value in each cell"
            ),
            ReadError::ValueNotFound {
                path,
                option,
                column,
                value,
                seen,
            } => {
                write!(
                    f,
                    "{path}: {option} `{value}` matches no row of column `{column}`; the column holds "
                )?;
                listed(seen, f)
            }
        }
    }
}

impl std::error::Error for ReadError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ReadError::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}
