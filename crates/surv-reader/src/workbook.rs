//! Excel workbooks (`.xlsx`): one sheet as the frame of text columns the
//! column readers take, so that a workbook is checked by the same code as a
//! text file and its errors name the rows Excel shows.
//!
//! What a cell becomes:
//!
//! * a number: its text, as the numeric parser reads it (`68`, `0.5`);
//! * a date or date-time cell: its calendar day as ISO `YYYY-MM-DD`, the time
//!   of day left out (as R's `as.Date` does), so that a date column reads as
//!   the same dates written as text; a duration cell (`[h]:mm`): its number of
//!   days; a serial that is no calendar day (a bare time of day, or the
//!   29 February 1900 Excel counts) is refused;
//! * a formula: the value Excel cached when it last computed it;
//! * a column of booleans only: a Boolean column, as a typed file's would be;
//!   a boolean among other values: `TRUE` or `FALSE`, as Excel shows it;
//! * an empty cell, or `#N/A` (Excel's "not available", which R's readers read
//!   as `NA`): missing. Any other error cell (`#DIV/0!`, `#REF!`, …) in a
//!   column that is read is refused, naming the cell.
//!
//! The header is the sheet's first row that holds anything: empty rows and
//! columns before the table are not part of it, as R's `readxl` skips them.
//! Rows keep the numbers Excel shows; an empty row is not a row, as a blank
//! line of a text file is not.

use std::fmt;
use std::io::Cursor;

use calamine::{CellErrorType, Data, Dimensions, Range, Reader, Xlsx};
use polars::prelude::*;

use crate::dates::{format_iso_date, parse_iso_date};
use crate::error::{HeaderProblem, ReadError};
use crate::source::{Parsed, require};

/// Which sheet of a workbook to read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Sheet {
    /// The sheet of this name. A name that no sheet has but that is a whole
    /// number N ≥ 1 chooses the N-th sheet, so that a command line's
    /// `--sheet 2` needs no syntax of its own; a sheet named `2` is still
    /// chosen first.
    Name(String),
    /// The sheet at this position, the first being 1.
    Index(usize),
}

impl fmt::Display for Sheet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Sheet::Name(name) => write!(f, "`{name}`"),
            Sheet::Index(n) => write!(f, "number {n}"),
        }
    }
}

impl Sheet {
    /// The name of the sheet, among `sheets`, that this one chooses.
    fn among<'a>(&self, sheets: &'a [String]) -> Option<&'a str> {
        let at = |n: usize| n.checked_sub(1).and_then(|i| sheets.get(i));
        match self {
            Sheet::Name(name) => sheets
                .iter()
                .find(|s| *s == name)
                .or_else(|| name.trim().parse().ok().and_then(at)),
            Sheet::Index(n) => at(*n),
        }
        .map(String::as_str)
    }
}

/// Parses sheet `sheet` (the first when `None`) of the workbook in `bytes`
/// into a frame of `columns` (all when `None`). Errors name the file and the
/// sheet.
pub(crate) fn parse(
    name: &str,
    bytes: &[u8],
    sheet: Option<&Sheet>,
    columns: Option<&[String]>,
) -> Result<Parsed, ReadError> {
    let unreadable = |reason: String| ReadError::Unreadable {
        path: name.to_owned(),
        reason,
    };
    let mut book = Xlsx::new(Cursor::new(bytes))
        .map_err(|e| unreadable(format!("not an Excel workbook (.xlsx): {e}")))?;
    let sheets = book.sheet_names();
    let wanted = sheet.cloned().unwrap_or(Sheet::Index(1));
    let chosen = wanted
        .among(&sheets)
        .ok_or_else(|| ReadError::UnknownSheet {
            path: name.to_owned(),
            sheet: wanted.clone(),
            sheets: sheets.clone(),
        })?
        .to_owned();
    let range = book
        .worksheet_range(&chosen)
        .map_err(|e| unreadable(format!("sheet `{chosen}`: {e}")))?;
    let merged = book
        .merge_cells_by_sheet_name(&chosen)
        .map_err(|e| unreadable(format!("sheet `{chosen}`: {e}")))?;
    let sheet = SheetData {
        file: name,
        name: &chosen,
        range: &range,
        merged: &merged,
        is_1904: book.has_1904_epoch(),
    };
    sheet.parse(columns)
}

/// A sheet as calamine read it: its cells (cached values for formulas) and
/// its merged regions.
struct SheetData<'a> {
    file: &'a str,
    name: &'a str,
    range: &'a Range<Data>,
    merged: &'a [Dimensions],
    /// Dates count from 1904-01-01 (old Mac workbooks), not from 1900.
    is_1904: bool,
}

/// A cell as the reader takes it.
#[derive(Debug, Clone, PartialEq)]
enum Value {
    Missing,
    Text(String),
    Flag(bool),
    /// A cell no column can hold: the value as Excel shows it, and what was
    /// expected instead.
    Refused(String, &'static str),
}

impl Value {
    fn of(cell: Option<&Data>, is_1904: bool) -> Value {
        match cell {
            None | Some(Data::Empty) | Some(Data::Error(CellErrorType::NA)) => Value::Missing,
            Some(Data::String(s)) if s.trim().is_empty() => Value::Missing,
            Some(Data::String(s)) | Some(Data::DurationIso(s)) => Value::Text(s.clone()),
            Some(Data::Int(i)) => Value::Text(i.to_string()),
            // Display is the shortest text that reads back as the same
            // double, without an exponent and without `.0` on whole numbers.
            Some(Data::Float(x)) => Value::Text(x.to_string()),
            Some(Data::Bool(b)) => Value::Flag(*b),
            Some(Data::DateTime(t)) if t.is_duration() => Value::Text(t.as_f64().to_string()),
            Some(Data::DateTime(t)) => match day_of_serial(t.as_f64(), is_1904) {
                Some(day) => Value::Text(format_iso_date(day)),
                None => Value::Refused(
                    t.as_f64().to_string(),
                    "a date cell holding a calendar day (this serial number is a time of day \
                     alone, or a day the calendar lacks)",
                ),
            },
            // ISO text from the cell itself (`t="d"`): its day, as for a
            // date serial.
            Some(Data::DateTimeIso(s)) => match s.get(..10) {
                Some(day) if parse_iso_date(day).is_some() => Value::Text(day.to_owned()),
                _ => Value::Text(s.clone()),
            },
            Some(Data::Error(e)) => Value::Refused(
                e.to_string(),
                "a value, not an Excel error (#N/A alone reads as missing)",
            ),
        }
    }

    /// The header's name for a column, if the cell gives one.
    fn name(self) -> Option<String> {
        match self {
            Value::Missing => None,
            Value::Text(s) | Value::Refused(s, _) => Some(s),
            Value::Flag(b) => Some(flag_text(b).to_owned()),
        }
    }
}

fn flag_text(b: bool) -> &'static str {
    if b { "TRUE" } else { "FALSE" }
}

/// The last day Excel can show, 9999-12-31, in days from 1970-01-01.
const LAST_EXCEL_DAY: i64 = 2_932_896;

/// The calendar day (days from 1970-01-01) of an Excel date serial, the time
/// of day (its fraction) left out. In the 1900 date system day 1 is
/// 1900-01-01 and day 60 is the 29 February 1900 that Excel counts (after
/// Lotus 1-2-3) but the calendar lacks; in the 1904 system day 0 is
/// 1904-01-01. A serial below 1 is a time of day without a date.
fn day_of_serial(serial: f64, is_1904: bool) -> Option<i64> {
    if !(1.0..3.0e6).contains(&serial) {
        return None;
    }
    let whole = serial.floor() as i64;
    let day = match (is_1904, whole) {
        (true, _) => whole - 24_107,
        (false, 60) => return None,
        (false, ..60) => whole - 25_568,
        (false, _) => whole - 25_569,
    };
    (day <= LAST_EXCEL_DAY).then_some(day)
}

/// The A1 name of a cell (0-based row and column).
fn cell_name(row: u32, col: u32) -> String {
    let mut letters = Vec::new();
    let mut n = col + 1;
    while n > 0 {
        let rem = (n - 1) % 26;
        letters.push(b'A' + rem as u8);
        n = (n - 1) / 26;
    }
    letters.reverse();
    format!("{}{}", String::from_utf8_lossy(&letters), row + 1)
}

/// The A1 name of a region, `A1:B2`.
fn region_name(d: &Dimensions) -> String {
    format!(
        "{}:{}",
        cell_name(d.start.0, d.start.1),
        cell_name(d.end.0, d.end.1)
    )
}

impl SheetData<'_> {
    /// How errors name the sheet's cells' source.
    fn source(&self) -> String {
        format!("{}, sheet `{}`", self.file, self.name)
    }

    fn value(&self, row: usize, col: usize) -> Value {
        Value::of(self.range.get((row, col)), self.is_1904)
    }

    fn parse(&self, columns: Option<&[String]>) -> Result<Parsed, ReadError> {
        let source = self.source();
        let empty = |has_header| ReadError::EmptySheet {
            path: self.file.to_owned(),
            sheet: self.name.to_owned(),
            has_header,
        };
        let Some((top, left)) = self.range.start() else {
            return Err(empty(false));
        };
        let (height, width) = self.range.get_size();
        let blank: Vec<bool> = (1..height)
            .map(|r| (0..width).all(|c| self.value(r, c) == Value::Missing))
            .collect();
        if blank.iter().all(|&b| b) {
            return Err(empty(true));
        }
        let header_problem = |cells: String, problem| ReadError::SheetHeader {
            path: source.clone(),
            cells,
            problem,
        };
        let overlaps_columns =
            |d: &&Dimensions, from: u32, to: u32| d.start.1 <= to && d.end.1 >= from;
        let right = left + width as u32 - 1;
        if let Some(region) = self
            .merged
            .iter()
            .find(|d| d.start.0 <= top && d.end.0 >= top && overlaps_columns(d, left, right))
        {
            return Err(header_problem(region_name(region), HeaderProblem::Merged));
        }

        // The named columns: (position in the range, name). A column with
        // neither a name nor a value (a spacer) is no column.
        let mut named: Vec<(usize, String)> = Vec::with_capacity(width);
        for c in 0..width {
            let at = cell_name(top, left + c as u32);
            match self.value(0, c).name() {
                Some(name) => {
                    if let Some((first, _)) = named.iter().find(|(_, n)| *n == name) {
                        let first = cell_name(top, left + *first as u32);
                        return Err(header_problem(
                            format!("{first} and {at}"),
                            HeaderProblem::Repeated { column: name },
                        ));
                    }
                    named.push((c, name));
                }
                None if (1..height).any(|r| self.value(r, c) != Value::Missing) => {
                    return Err(header_problem(at, HeaderProblem::Unnamed));
                }
                None => {}
            }
        }
        let names: Vec<String> = named.iter().map(|(_, n)| n.clone()).collect();
        let read: Vec<(usize, String)> = match columns {
            Some(columns) => {
                require(&source, columns, &names)?;
                columns
                    .iter()
                    .filter_map(|wanted| named.iter().find(|(_, n)| n == wanted).cloned())
                    .collect()
            }
            None => named,
        };
        for (c, column) in &read {
            let col = left + *c as u32;
            if let Some(region) = self
                .merged
                .iter()
                .find(|d| d.end.0 > top && overlaps_columns(d, col, col))
            {
                return Err(ReadError::MergedCells {
                    path: source.clone(),
                    cells: region_name(region),
                    column: column.clone(),
                });
            }
        }

        // The sheet's rows down to the header stand in the frame as blank
        // rows, so that frame row i is sheet row i + 2, as in a text file
        // whose header is its first line.
        let pad = top as usize;
        let mut cells: Vec<Vec<Value>> = vec![Vec::with_capacity(pad + height); read.len()];
        for column in &mut cells {
            column.resize(pad, Value::Missing);
        }
        for (r, &is_blank) in (1..height).zip(&blank) {
            for ((c, column), out) in read.iter().zip(&mut cells) {
                let value = if is_blank {
                    Value::Missing
                } else {
                    self.value(r, *c)
                };
                if let Value::Refused(value, expected) = value {
                    return Err(ReadError::InvalidValue {
                        path: source,
                        row: pad + r + 1,
                        column: column.clone(),
                        value,
                        expected: expected.to_owned(),
                    });
                }
                out.push(value);
            }
        }
        let frame_columns: Vec<Column> = read
            .iter()
            .zip(cells)
            .map(|((_, name), values)| frame_column(name, values))
            .collect();
        let frame =
            DataFrame::new_infer_height(frame_columns).map_err(|e| ReadError::Unreadable {
                path: source.clone(),
                reason: e.to_string(),
            })?;
        let blank = (0..pad)
            .chain(
                blank
                    .iter()
                    .enumerate()
                    .filter(|(_, b)| **b)
                    .map(|(k, _)| pad + k),
            )
            .collect();
        Ok(Parsed {
            frame,
            blank,
            source,
        })
    }
}

/// A column of the frame: Boolean when every present cell is a boolean (as a
/// typed file's true/false column is), text otherwise.
fn frame_column(name: &str, values: Vec<Value>) -> Column {
    let flags = values.iter().any(|v| matches!(v, Value::Flag(_)))
        && values
            .iter()
            .all(|v| matches!(v, Value::Flag(_) | Value::Missing));
    if flags {
        let flags: Vec<Option<bool>> = values
            .iter()
            .map(|v| match v {
                Value::Flag(b) => Some(*b),
                _ => None,
            })
            .collect();
        return Column::new(name.into(), flags);
    }
    let text: Vec<Option<String>> = values
        .into_iter()
        .map(|v| match v {
            Value::Text(s) => Some(s),
            Value::Flag(b) => Some(flag_text(b).to_owned()),
            Value::Missing | Value::Refused(..) => None,
        })
        .collect();
    Column::new(name.into(), text)
}

#[cfg(test)]
mod tests {
    use calamine::{Cell, ExcelDateTime, ExcelDateTimeType};

    use super::*;

    fn date(serial: f64) -> Data {
        Data::DateTime(ExcelDateTime::new(
            serial,
            ExcelDateTimeType::DateTime,
            false,
        ))
    }

    fn text(s: &str) -> Data {
        Data::String(s.to_owned())
    }

    /// A sheet of `cells` at (row, column), 0-based.
    fn sheet(cells: Vec<((u32, u32), Data)>, merged: &[Dimensions]) -> Result<Parsed, ReadError> {
        let range = Range::from_sparse(cells.into_iter().map(|(at, v)| Cell::new(at, v)).collect());
        SheetData {
            file: "book.xlsx",
            name: "data",
            range: &range,
            merged,
            is_1904: false,
        }
        .parse(None)
    }

    fn column(parsed: &Parsed, name: &str) -> Vec<Option<String>> {
        let series = parsed.frame.column(name).unwrap().as_materialized_series();
        let text = series.cast(&DataType::String).unwrap();
        text.str()
            .unwrap()
            .iter()
            .map(|v| v.map(str::to_owned))
            .collect()
    }

    #[test]
    fn serials_are_the_days_excel_shows() {
        let day = |s| day_of_serial(s, false).map(format_iso_date);
        assert_eq!(day(1.0).as_deref(), Some("1900-01-01"));
        assert_eq!(day(59.0).as_deref(), Some("1900-02-28"));
        assert_eq!(day(60.0), None, "Excel's 1900-02-29");
        assert_eq!(day(61.0).as_deref(), Some("1900-03-01"));
        assert_eq!(day(25_569.0).as_deref(), Some("1970-01-01"));
        assert_eq!(day(36_892.0).as_deref(), Some("2001-01-01"));
        // The time of day is left out, however late.
        assert_eq!(day(45_943.999_99).as_deref(), Some("2025-10-13"));
        assert_eq!(day(2_958_465.0).as_deref(), Some("9999-12-31"));
        assert_eq!(day(2_958_466.0), None);
        assert_eq!(day(0.5), None, "a time of day alone");
        let day_1904 = |s| day_of_serial(s, true).map(format_iso_date);
        assert_eq!(day_1904(1.0).as_deref(), Some("1904-01-02"));
        // The same day is 1462 days apart in the two systems.
        assert_eq!(day_1904(36_892.0 - 1462.0).as_deref(), Some("2001-01-01"));
    }

    #[test]
    fn cells_are_named_as_excel_names_them() {
        assert_eq!(cell_name(0, 0), "A1");
        assert_eq!(cell_name(9, 25), "Z10");
        assert_eq!(cell_name(0, 26), "AA1");
        assert_eq!(cell_name(0, 701), "ZZ1");
        assert_eq!(cell_name(0, 702), "AAA1");
    }

    #[test]
    fn a_sheet_is_chosen_by_name_then_by_position() {
        let sheets = ["lung".to_owned(), "2".to_owned(), "notes".to_owned()];
        let name = |s: &str| Sheet::Name(s.to_owned());
        assert_eq!(name("notes").among(&sheets), Some("notes"));
        assert_eq!(name("2").among(&sheets), Some("2"), "the name first");
        assert_eq!(name("3").among(&sheets), Some("notes"));
        assert_eq!(name("4").among(&sheets), None);
        assert_eq!(name("0").among(&sheets), None);
        assert_eq!(Sheet::Index(2).among(&sheets), Some("2"));
        assert_eq!(Sheet::Index(0).among(&sheets), None);
        assert_eq!(name("Lung").among(&sheets), None, "names are exact");
    }

    #[test]
    fn cells_become_the_text_a_csv_would_hold() {
        let parsed = sheet(
            vec![
                ((0, 0), text("n")),
                ((0, 1), text("x")),
                ((0, 2), text("when")),
                ((0, 3), text("flag")),
                ((0, 4), text("mixed")),
                ((1, 0), Data::Int(7)),
                ((1, 1), Data::Float(0.1)),
                ((1, 2), date(36_892.75)),
                ((1, 3), Data::Bool(true)),
                ((1, 4), Data::Bool(false)),
                ((2, 0), Data::Float(455.0)),
                ((2, 1), Data::Float(1e21)),
                ((2, 2), Data::DateTimeIso("2004-02-29T13:00:00".to_owned())),
                ((2, 3), Data::Error(CellErrorType::NA)),
                ((2, 4), text("NA")),
            ],
            &[],
        )
        .unwrap();
        assert_eq!(column(&parsed, "n"), [Some("7".into()), Some("455".into())]);
        assert_eq!(
            column(&parsed, "x"),
            [Some("0.1".into()), Some("1000000000000000000000".into())]
        );
        assert_eq!(
            column(&parsed, "when"),
            [Some("2001-01-01".into()), Some("2004-02-29".into())]
        );
        assert_eq!(
            parsed.frame.column("flag").unwrap().dtype(),
            &DataType::Boolean
        );
        assert_eq!(column(&parsed, "flag"), [Some("true".into()), None]);
        assert_eq!(
            column(&parsed, "mixed"),
            [Some("FALSE".into()), Some("NA".into())]
        );
        assert_eq!(parsed.source, "book.xlsx, sheet `data`");
    }

    #[test]
    fn rows_keep_the_numbers_excel_shows() {
        // The header is in C3; rows 5 and 7 are empty, and row 8 holds a
        // blank string.
        let parsed = sheet(
            vec![
                ((2, 2), text("time")),
                ((3, 2), Data::Int(5)),
                ((5, 2), Data::Int(8)),
                ((7, 2), text(" ")),
            ],
            &[],
        )
        .unwrap();
        // Frame row i is sheet row i + 2: rows 2 and 3 (down to the header)
        // and 5, 7 and 8 are blank.
        assert_eq!(parsed.blank, [0, 1, 3, 5, 6]);
        assert_eq!(parsed.frame.height(), 7);
        assert_eq!(parsed.data_rows().collect::<Vec<_>>(), [2, 4]);
        assert_eq!(column(&parsed, "time")[2].as_deref(), Some("5"));
        assert_eq!(column(&parsed, "time")[4].as_deref(), Some("8"));
    }

    #[test]
    fn an_error_cell_is_refused_with_its_row() {
        let err = sheet(
            vec![
                ((1, 0), text("time")),
                ((2, 0), Data::Int(5)),
                ((3, 0), Data::Error(CellErrorType::Div0)),
            ],
            &[],
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "book.xlsx, sheet `data`: row 4, column `time`: `#DIV/0!`; \
             expected a value, not an Excel error (#N/A alone reads as missing)"
        );
    }

    #[test]
    fn the_header_must_name_each_column_once() {
        let unnamed = sheet(
            vec![
                ((0, 0), text("time")),
                ((1, 0), Data::Int(5)),
                ((1, 1), Data::Int(1)),
            ],
            &[],
        )
        .unwrap_err();
        assert!(
            matches!(&unnamed, ReadError::SheetHeader { cells, problem: HeaderProblem::Unnamed, .. } if cells == "B1"),
            "{unnamed:?}"
        );
        // A spacer column, with neither name nor values, is no column.
        let spaced = sheet(
            vec![
                ((0, 0), text("time")),
                ((0, 2), text("status")),
                ((1, 0), Data::Int(5)),
                ((1, 2), Data::Int(1)),
            ],
            &[],
        )
        .unwrap();
        assert_eq!(parsed_names(&spaced), ["time", "status"]);
        let repeated = sheet(
            vec![
                ((0, 1), text("time")),
                ((0, 2), text("x")),
                ((0, 3), text("time")),
                ((1, 1), Data::Int(5)),
            ],
            &[],
        )
        .unwrap_err();
        assert_eq!(
            repeated.to_string(),
            "book.xlsx, sheet `data`: header cells B1 and D1 both name column `time`; \
             expected each column name once"
        );
    }

    fn parsed_names(parsed: &Parsed) -> Vec<String> {
        parsed
            .frame
            .get_column_names()
            .iter()
            .map(|n| n.to_string())
            .collect()
    }

    #[test]
    fn merged_cells_are_refused_in_the_header_and_in_a_read_column() {
        let cells = || {
            vec![
                ((0, 0), text("time")),
                ((0, 1), text("arm")),
                ((1, 0), Data::Int(5)),
                ((1, 1), text("A")),
                ((2, 0), Data::Int(6)),
            ]
        };
        let header = sheet(cells(), &[Dimensions::new((0, 0), (0, 1))]).unwrap_err();
        assert!(
            matches!(&header, ReadError::SheetHeader { cells, problem: HeaderProblem::Merged, .. } if cells == "A1:B1"),
            "{header:?}"
        );
        let data = sheet(cells(), &[Dimensions::new((1, 1), (2, 1))]).unwrap_err();
        assert!(
            matches!(&data, ReadError::MergedCells { cells, column, .. } if cells == "B2:B3" && column == "arm"),
            "{data:?}"
        );
        // A merged title far from the table is none of its business.
        assert!(sheet(cells(), &[Dimensions::new((10, 5), (10, 7))]).is_ok());
    }

    #[test]
    fn a_sheet_without_data_rows_is_empty() {
        let none = sheet(Vec::new(), &[]).unwrap_err();
        assert!(
            matches!(
                none,
                ReadError::EmptySheet {
                    has_header: false,
                    ..
                }
            ),
            "{none:?}"
        );
        let header = sheet(vec![((0, 0), text("time")), ((3, 0), text(""))], &[]).unwrap_err();
        assert!(
            matches!(
                header,
                ReadError::EmptySheet {
                    has_header: true,
                    ..
                }
            ),
            "{header:?}"
        );
    }
}
