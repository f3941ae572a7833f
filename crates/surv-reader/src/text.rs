//! Every cell of a file as text, for a loader with its own typed schema (such
//! as a paper's patient table): it parses the cells itself and can quote each
//! one exactly as the file holds it in an error.

use std::path::Path;

use polars::prelude::*;

use crate::error::ReadError;
use crate::source::{self, Format, ReadOptions, Typing};
use crate::survival_columns::parse_number;
use crate::workbook::Sheet;

/// A file read as text: one column of cells per header name, `None` for a
/// missing cell ([`crate::MISSING`]). Blank lines are left out; every other
/// row keeps its spreadsheet row number.
#[derive(Debug, Clone, PartialEq)]
pub struct TextTable {
    source: String,
    names: Vec<String>,
    columns: Vec<Vec<Option<String>>>,
    rows: Vec<usize>,
    /// Numbers in the file's text are written with a decimal comma.
    decimal_comma: bool,
}

impl TextTable {
    /// Reads a `.csv`, `.tsv`/`.tab`, `.parquet` or `.xlsx` file (its first
    /// sheet); `-` is CSV on standard input.
    pub fn read(path: &Path) -> Result<TextTable, ReadError> {
        let (name, format, bytes) = source::read_path(path)?;
        TextTable::read_bytes(&name, format, None, bytes)
    }

    /// The same, read as `options` ask: as delimited text laid out as their
    /// layout, whatever the extension; from their sheet of a workbook.
    pub fn read_as(path: &Path, options: &ReadOptions) -> Result<TextTable, ReadError> {
        let (name, format, bytes) = source::read_path_as(path, options)?;
        TextTable::read_bytes(&name, format, options.sheet.as_ref(), bytes)
    }

    /// Reads bytes in memory; `name` is how errors refer to them. Of a
    /// workbook, the first sheet is read.
    ///
    /// ```
    /// use surv_reader::{Format, TextTable};
    /// let t = TextTable::from_bytes("t.csv", Format::Csv, b"id,dose\n1,7000\n2,NA\n".to_vec()).unwrap();
    /// assert_eq!(t.height(), 2);
    /// assert_eq!(t.cell(t.column("dose").unwrap(), 0), Some("7000"));
    /// assert_eq!(t.cell(t.column("dose").unwrap(), 1), None);
    /// assert_eq!(t.row_number(1), 3);
    /// ```
    pub fn from_bytes(name: &str, format: Format, bytes: Vec<u8>) -> Result<TextTable, ReadError> {
        TextTable::read_bytes(name, format, None, bytes)
    }

    fn read_bytes(
        name: &str,
        format: Format,
        sheet: Option<&Sheet>,
        bytes: Vec<u8>,
    ) -> Result<TextTable, ReadError> {
        let parsed = source::parse(name, format, &bytes, sheet, None, Typing::Text)?;
        let kept: Vec<usize> = parsed.data_rows().collect();
        let name = parsed.source.as_str();
        let frame = parsed.frame;
        if kept.is_empty() {
            return Err(ReadError::Empty {
                path: name.to_owned(),
            });
        }
        let mut names = Vec::with_capacity(frame.width());
        let mut columns = Vec::with_capacity(frame.width());
        for column in frame.columns() {
            names.push(column.name().to_string());
            let cells = text_cells(name, column)?;
            columns.push(kept.iter().map(|&r| cells[r].clone()).collect());
        }
        Ok(TextTable {
            source: name.to_owned(),
            names,
            columns,
            rows: kept.iter().map(|r| r + 2).collect(),
            decimal_comma: format.decimal_comma(),
        })
    }

    /// Where the table was read from.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// The column names, in file order.
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// Number of rows (blank lines left out).
    pub fn height(&self) -> usize {
        self.rows.len()
    }

    /// The index of a column, or [`ReadError::MissingColumn`] naming it and the
    /// columns the file has.
    pub fn column(&self, name: &str) -> Result<usize, ReadError> {
        self.names
            .iter()
            .position(|n| n == name)
            .ok_or_else(|| ReadError::MissingColumn {
                path: self.source.clone(),
                column: name.to_owned(),
                found: self.names.clone(),
            })
    }

    /// The cell of column `column` (an index from [`TextTable::column`]) in row
    /// `row` (0-based), as the file holds it; `None` when missing.
    pub fn cell(&self, column: usize, row: usize) -> Option<&str> {
        self.columns[column][row].as_deref()
    }

    /// The spreadsheet row number (header = 1) of row `row` (0-based).
    pub fn row_number(&self, row: usize) -> usize {
        self.rows[row]
    }
}

/// The levels of a column read as categories: every distinct value, in numeric
/// order when all are numbers and in byte order otherwise, and each row's
/// level (`None`: missing).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Levels {
    /// The distinct values, as the file writes them.
    pub levels: Vec<String>,
    /// Each row's index into `levels`.
    pub codes: Vec<Option<u32>>,
}

impl TextTable {
    /// The cells of column `column` as numbers (`None`: missing), or
    /// [`ReadError::InvalidValue`] naming the first cell that is not one.
    pub fn numbers(&self, column: usize) -> Result<Vec<Option<f64>>, ReadError> {
        self.columns[column]
            .iter()
            .enumerate()
            .map(|(row, cell)| match cell {
                None => Ok(None),
                Some(text) => parse_number(text.trim(), self.decimal_comma)
                    .filter(|x| x.is_finite())
                    .map(Some)
                    .ok_or_else(|| ReadError::InvalidValue {
                        path: self.source.clone(),
                        row: self.rows[row],
                        column: self.names[column].clone(),
                        value: text.clone(),
                        expected: if self.decimal_comma {
                            "a number written with a decimal comma".to_owned()
                        } else {
                            "a number".to_owned()
                        },
                    }),
            })
            .collect()
    }

    /// Column `column` read as categories.
    ///
    /// ```
    /// use surv_reader::{Format, TextTable};
    /// let t = TextTable::from_bytes("t.csv", Format::Csv, b"stage\n10\n9\nNA\n10\n".to_vec()).unwrap();
    /// let stage = t.levels(0);
    /// assert_eq!(stage.levels, ["9", "10"]); // numeric order
    /// assert_eq!(stage.codes, [Some(1), Some(0), None, Some(1)]);
    /// ```
    pub fn levels(&self, column: usize) -> Levels {
        let cells = &self.columns[column];
        let mut levels: Vec<String> = cells.iter().flatten().cloned().collect();
        levels.sort_unstable();
        levels.dedup();
        let numbers: Option<Vec<f64>> = levels
            .iter()
            .map(|l| parse_number(l.trim(), self.decimal_comma))
            .collect();
        if let Some(numbers) = numbers {
            let mut paired: Vec<(f64, String)> = numbers.into_iter().zip(levels).collect();
            paired.sort_by(|a, b| a.0.total_cmp(&b.0).then_with(|| a.1.cmp(&b.1)));
            levels = paired.into_iter().map(|(_, l)| l).collect();
        }
        let mut index: Vec<(&str, u32)> = levels
            .iter()
            .enumerate()
            .map(|(i, l)| (l.as_str(), i as u32))
            .collect();
        index.sort_unstable();
        let codes = cells
            .iter()
            .map(|cell| {
                cell.as_deref().map(|c| {
                    let at = index.binary_search_by(|(l, _)| (*l).cmp(c)).unwrap_or(0);
                    index[at].1
                })
            })
            .collect();
        Levels { levels, codes }
    }
}

/// The cells of one column as text, whatever type the file gave it.
fn text_cells(name: &str, column: &Column) -> Result<Vec<Option<String>>, ReadError> {
    let unreadable = |e: PolarsError| ReadError::Unreadable {
        path: name.to_owned(),
        reason: format!("column `{}`: {e}", column.name()),
    };
    let series = column.as_materialized_series();
    Ok(match series.dtype() {
        // Parquet writers often store whole numbers as floats; print 7000.0 as
        // 7000 so whole-number columns accept them, and keep any fraction visible.
        DataType::Float32 | DataType::Float64 => {
            let floats = series.cast(&DataType::Float64).map_err(unreadable)?;
            floats
                .f64()
                .map_err(unreadable)?
                .iter()
                .map(|v| {
                    v.map(|x| {
                        if x.fract() == 0.0 && x.abs() < 1e15 {
                            format!("{x:.0}")
                        } else {
                            x.to_string()
                        }
                    })
                })
                .collect()
        }
        // A Boolean column stands for a Yes/No column.
        DataType::Boolean => series
            .bool()
            .map_err(unreadable)?
            .iter()
            .map(|v| v.map(|b| if b { "Yes" } else { "No" }.to_owned()))
            .collect(),
        _ => {
            let text = series.cast(&DataType::String).map_err(unreadable)?;
            text.str()
                .map_err(unreadable)?
                .iter()
                .map(|v| v.filter(|v| !source::is_missing(v)).map(str::to_owned))
                .collect()
        }
    })
}
