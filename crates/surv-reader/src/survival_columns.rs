//! The columns of a survival analysis (time, event, optional group, strata and
//! covariates) read from anyone's file into plain vectors for the engine.
//!
//! Only the used columns are parsed. A row with a missing value
//! ([`crate::MISSING`]) in a used column is left out and counted, as R's
//! `na.omit` does, but never silently: [`SurvivalTable::n_dropped`] says how
//! many. Any other bad cell (text in a numeric column, an event code that is
//! neither 0/1 nor true/false) is an error naming file, row, column and value.

use std::borrow::Cow;
use std::collections::HashMap;
use std::path::Path;

use polars::prelude::*;

use crate::dates::{DateSpan, TimeUnit, parse_iso_date};
use crate::error::ReadError;
use crate::gathered::{Column, Gathered, Numbers};
use crate::kept::Kept;
use crate::pieces::{Stopped, TextSource};
use crate::shape;
use crate::source::{self, Format, ReadOptions, Typing};
use crate::workbook::Sheet;

/// Which columns to read, and how to read the event.
///
/// ```
/// use surv_reader::ColumnSpec;
/// let spec = ColumnSpec::new("months", "status").with_group("arm");
/// assert_eq!(spec.used_columns(), ["months", "status", "arm"]);
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ColumnSpec {
    /// Follow-up time column (numeric, ≥ 0); unused when `dates` is set.
    pub time: String,
    /// Time from two date columns instead of a time column.
    pub dates: Option<DateSpan>,
    /// Event column: 1/0 or true/false, or compared with `event_value`.
    pub event: String,
    /// When set, event = (cell equals this), e.g. `Ex` or R's `2`.
    pub event_value: Option<String>,
    /// Optional grouping column.
    pub group: Option<String>,
    /// Optional strata column.
    pub strata: Option<String>,
    /// Covariate columns; text columns become indicator columns.
    pub covariates: Vec<String>,
    /// Reference level per text covariate (`column`, `level`); otherwise the
    /// first level in sorted order.
    pub references: Vec<(String, String)>,
    /// Numeric covariates to treat as categories (R's `factor()`): indicators
    /// per level, as a text column gets, levels in numeric order.
    pub categorical: Vec<String>,
    /// Declared levels of categorical covariates (`column`, levels), as R's
    /// `factor(x, levels = )`: the first is the reference, every other one
    /// gets an indicator even where no row has it (so that sites of a study
    /// with different levels present fit the same coefficients), and a row
    /// with a level not declared is an error naming it.
    pub levels: Vec<(String, Vec<String>)>,
    /// Entry-time column: each row is the interval (entry, time] of R's
    /// `Surv(start, stop, event)`. Any finite number before the row's time.
    pub entry: Option<String>,
    /// Case-weight column: finite numbers ≥ 0 (> 0 with `positive_weights`).
    pub weights: Option<String>,
    /// Whether a weight of 0 is bad input (R's `coxph` refuses it, `survfit`
    /// takes it).
    pub positive_weights: bool,
    /// Cluster column (any values): rows of one cluster are not independent.
    pub cluster: Option<String>,
    /// A competing-risks status column read instead of `event`: the cell
    /// equal to `censor_value` is censored, any other value is a cause.
    pub status: Option<StatusSpec>,
}

/// Which column holds the status of a competing-risks analysis, and which
/// of its values means censored.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct StatusSpec {
    /// The column.
    pub column: String,
    /// The censoring value (compared as a number in a numeric column).
    pub censor_value: String,
}

/// A competing-risks status: codes 0 (censored) and 1..=k for the causes.
#[derive(Debug, Clone, PartialEq)]
pub struct Status {
    /// The column.
    pub column: String,
    /// The causes, as text, in sorted order (numeric for a numeric column);
    /// cause `c` is `causes[c - 1]`.
    pub causes: Vec<String>,
    /// One code per kept row: 0 censored, `c` for `causes[c - 1]`.
    pub codes: Vec<u32>,
    /// Whether the column holds numbers (values then compare as numbers).
    pub numeric: bool,
}

impl Status {
    /// The code of the cause written `value` (`2`, or `2.0` in a numeric
    /// column), if some row has it.
    pub fn cause_code(&self, value: &str) -> Option<u32> {
        self.causes
            .iter()
            .position(|c| same_value(c, value, self.numeric))
            .map(|i| i as u32 + 1)
    }
}

/// Whether a level of a column is `value` as typed: as numbers in a numeric
/// column, as text otherwise.
fn same_value(level: &str, value: &str, numeric: bool) -> bool {
    match (numeric, value.trim().parse::<f64>(), level.parse::<f64>()) {
        (true, Ok(a), Ok(b)) => a == b,
        _ => level == value,
    }
}

impl ColumnSpec {
    /// Time and event columns, nothing else.
    pub fn new(time: &str, event: &str) -> ColumnSpec {
        ColumnSpec {
            time: time.to_owned(),
            event: event.to_owned(),
            ..ColumnSpec::default()
        }
    }

    /// The same, with a group column.
    pub fn with_group(self, group: &str) -> ColumnSpec {
        ColumnSpec {
            group: Some(group.to_owned()),
            ..self
        }
    }

    /// Time from the dates in columns `from` and `to`, in `unit`.
    ///
    /// ```
    /// use surv_reader::{ColumnSpec, Format, SurvivalTable, TimeUnit};
    /// let csv = b"diagnosed,last_seen,dead\n2020-01-15,2020-03-15,1\n2020-02-01,2021-02-01,0\n".to_vec();
    /// let spec = ColumnSpec::new("", "dead").with_dates("diagnosed", "last_seen", TimeUnit::Days);
    /// let t = SurvivalTable::from_bytes("cohort.csv", Format::Csv, csv, &spec).unwrap();
    /// assert_eq!(t.time, [60.0, 366.0]); // 2020 is a leap year
    /// ```
    pub fn with_dates(self, from: &str, to: &str, unit: TimeUnit) -> ColumnSpec {
        ColumnSpec {
            dates: Some(DateSpan {
                from: from.to_owned(),
                to: to.to_owned(),
                unit,
            }),
            ..self
        }
    }

    /// Every column the analysis reads, each once.
    pub fn used_columns(&self) -> Vec<String> {
        let mut columns = match &self.dates {
            Some(span) => vec![span.from.clone(), span.to.clone()],
            None => vec![self.time.clone()],
        };
        match &self.status {
            Some(status) => columns.push(status.column.clone()),
            None => columns.push(self.event.clone()),
        }
        columns.extend(self.group.iter().cloned());
        columns.extend(self.strata.iter().cloned());
        columns.extend(self.covariates.iter().cloned());
        columns.extend(self.entry.iter().cloned());
        columns.extend(self.weights.iter().cloned());
        columns.extend(self.cluster.iter().cloned());
        let mut seen = std::collections::HashSet::new();
        columns.retain(|c| seen.insert(c.clone()));
        columns
    }
}

/// Labels of a grouping column as codes `0..k`, levels in sorted order (numeric
/// order for a numeric column, byte order for text).
#[derive(Debug, Clone, PartialEq)]
pub struct Labels {
    /// The column.
    pub column: String,
    /// Distinct values as text, in code order.
    pub levels: Vec<String>,
    /// One code per kept row.
    pub codes: Vec<u32>,
}

/// A numeric covariate column as the engine takes it.
#[derive(Debug, Clone, PartialEq)]
pub struct Covariate {
    /// Name: the column, or `column=level` for an indicator.
    pub name: String,
    /// One value per kept row.
    pub values: Vec<f64>,
}

/// The columns of a survival analysis, missing rows left out.
#[derive(Debug, Clone, PartialEq)]
pub struct SurvivalTable {
    /// Where it was read from.
    pub source: String,
    /// Times of the kept rows.
    pub time: Vec<f64>,
    /// Events of the kept rows.
    pub event: Vec<bool>,
    /// Groups, if asked for.
    pub group: Option<Labels>,
    /// Strata, if asked for.
    pub strata: Option<Labels>,
    /// Covariates (indicators expanded), if asked for.
    pub covariates: Vec<Covariate>,
    /// Entry times, if asked for: each before its row's time.
    pub entry: Option<Vec<f64>>,
    /// Case weights, if asked for: finite and ≥ 0.
    pub weights: Option<Vec<f64>>,
    /// Clusters, if asked for.
    pub cluster: Option<Labels>,
    /// The competing-risks status, if asked for (then `event` is "not
    /// censored").
    pub status: Option<Status>,
    /// Data rows read (blank lines not counted).
    pub n_read: usize,
    /// Rows left out for a missing value in a used column.
    pub n_dropped: usize,
}

impl SurvivalTable {
    /// Reads the columns of `spec` from a `.csv`, `.tsv`/`.tab`, `.parquet`
    /// or `.xlsx` file (its first sheet), or CSV on standard input for `-`.
    pub fn read(path: &Path, spec: &ColumnSpec) -> Result<SurvivalTable, ReadError> {
        SurvivalTable::read_as(path, &ReadOptions::default(), spec)
    }

    /// The same, read as `options` ask: as delimited text laid out as their
    /// layout (say `;` and a decimal comma) when they give one, whatever the
    /// extension; from their sheet of a workbook.
    pub fn read_as(
        path: &Path,
        options: &ReadOptions,
        spec: &ColumnSpec,
    ) -> Result<SurvivalTable, ReadError> {
        let (name, format) = source::resolve(path, options)?;
        let used = spec.used_columns();
        match format {
            Format::Parquet => {
                let file = source::open_parquet(&name, path)?;
                let parsed = source::parse_parquet(&name, file, Some(&used))?;
                from_columns(Gathered::from_parsed(parsed, &used)?, spec, false)
            }
            Format::Xlsx => {
                let bytes = source::read_all(&name, path)?;
                read_whole(&name, format, &bytes, options.sheet.as_ref(), spec)
            }
            // Standard input cannot be read twice: it is held in memory.
            _ if path == Path::new("-") => {
                let bytes = source::read_all(&name, path)?;
                read_text(&name, format, TextSource::Bytes(&bytes), spec)
            }
            // A file is read in pieces, never whole; read again only should an
            // error need to quote a cell as the file has it.
            _ => read_text(&name, format, TextSource::File(path), spec),
        }
    }

    /// Reads from bytes in memory; `name` is how errors refer to them. Of a
    /// workbook, the first sheet is read.
    ///
    /// ```
    /// use surv_reader::{ColumnSpec, Format, SurvivalTable};
    /// let csv = b"months,status,arm\n5,1,A\n8,0,B\n.,1,A\n12,1,B\n".to_vec();
    /// let spec = ColumnSpec::new("months", "status").with_group("arm");
    /// let t = SurvivalTable::from_bytes("trial.csv", Format::Csv, csv, &spec).unwrap();
    /// assert_eq!(t.time, [5.0, 8.0, 12.0]);
    /// assert_eq!(t.n_dropped, 1); // the `.` is missing
    /// assert_eq!(t.group.unwrap().codes, [0, 1, 1]);
    /// ```
    pub fn from_bytes(
        name: &str,
        format: Format,
        bytes: Vec<u8>,
        spec: &ColumnSpec,
    ) -> Result<SurvivalTable, ReadError> {
        match format {
            Format::Parquet | Format::Xlsx => read_whole(name, format, &bytes, None, spec),
            _ => read_text(name, format, TextSource::Bytes(&bytes), spec),
        }
    }
}

/// Reads the table from a Parquet file or a workbook's sheet (of `sheet`, the
/// first when `None`) in memory, parsed whole.
fn read_whole(
    name: &str,
    format: Format,
    bytes: &[u8],
    sheet: Option<&Sheet>,
    spec: &ColumnSpec,
) -> Result<SurvivalTable, ReadError> {
    let used = spec.used_columns();
    let parsed = source::parse(name, format, bytes, sheet, Some(&used), Typing::Inferred)?;
    from_columns(Gathered::from_parsed(parsed, &used)?, spec, false)
}

/// Reads the table from delimited text, in pieces: typed as polars infers
/// from the first rows, or, should a later row break those types, every
/// column as text (so that the bad cell is reported with its row).
fn read_text(
    name: &str,
    format: Format,
    text: TextSource<'_>,
    spec: &ColumnSpec,
) -> Result<SurvivalTable, ReadError> {
    let used = spec.used_columns();
    let gathered = match Gathered::from_text(name, format, text, &used, Typing::Inferred) {
        Err(Stopped::Caller(ReadError::Unreadable { .. })) => {
            Gathered::from_text(name, format, text, &used, Typing::Text)
        }
        read => read,
    }
    .map_err(|stopped| match stopped {
        Stopped::Text(e) | Stopped::Caller(e) => e,
    })?;
    from_columns(gathered, spec, format.decimal_comma()).map_err(|e| {
        let bytes = match text {
            TextSource::Bytes(bytes) => Some(Cow::Borrowed(bytes)),
            TextSource::File(path) => std::fs::read(path).ok().map(Cow::Owned),
        };
        match bytes {
            Some(bytes) => as_found(e, format, &bytes),
            None => e,
        }
    })
}

/// A bad cell quoted as the file holds it: polars has parsed a numeric
/// column's `2.0` into 2, so the text is looked up again (only on this error
/// path, which may walk the file).
fn as_found(error: ReadError, format: Format, bytes: &[u8]) -> ReadError {
    match (error, format.delimiter()) {
        (
            ReadError::InvalidValue {
                path,
                row,
                column,
                value,
                expected,
            },
            Some(delimiter),
        ) => {
            let raw = shape::header_position(bytes, delimiter, &column)
                .and_then(|c| shape::cell(bytes, delimiter, row - 2, c));
            ReadError::InvalidValue {
                path,
                row,
                column,
                value: raw.unwrap_or(value),
                expected,
            }
        }
        (error, _) => error,
    }
}

/// A used column: its cells as numbers where the column is numeric, and as text
/// where it is text (borrowed from the frame: nothing is allocated per row).
struct Cells<'a> {
    name: String,
    numbers: Option<Cow<'a, Numbers>>,
    text: Option<Vec<Option<&'a str>>>,
    /// A Boolean column: numbers 1/0 for arithmetic, `true`/`false` for labels.
    boolean: bool,
    /// Text numbers are written with a decimal comma.
    decimal_comma: bool,
}

/// A number written as text: `1.5`, or `1,5` in a file with decimal commas
/// (where `1.5` is not a number: the point may be a thousands separator).
pub(crate) fn parse_number(text: &str, decimal_comma: bool) -> Option<f64> {
    if !decimal_comma {
        return text.parse().ok();
    }
    if text.contains('.') {
        return None;
    }
    text.replacen(',', ".", 1).parse().ok()
}

impl<'a> Cells<'a> {
    fn read(
        gathered: &'a Gathered,
        column: &str,
        decimal_comma: bool,
    ) -> Result<Cells<'a>, ReadError> {
        let source = &gathered.source;
        let series = match gathered.column(column) {
            Some(Column::Series(series)) => series,
            Some(Column::Pending) => {
                return Err(ReadError::Empty {
                    path: source.to_owned(),
                });
            }
            Some(Column::Numbers(numbers)) => {
                return Ok(Cells {
                    name: column.to_owned(),
                    numbers: Some(Cow::Borrowed(numbers)),
                    text: None,
                    boolean: false,
                    decimal_comma,
                });
            }
            None => {
                return Err(ReadError::MissingColumn {
                    path: source.to_owned(),
                    column: column.to_owned(),
                    found: gathered.names(),
                });
            }
        };
        let unreadable = |e: PolarsError| ReadError::Unreadable {
            path: source.to_owned(),
            reason: format!("column `{column}`: {e}"),
        };
        let (numbers, text) = match series.dtype() {
            DataType::String => {
                let text: Vec<Option<&'a str>> = series
                    .str()
                    .map_err(unreadable)?
                    .iter()
                    .map(|v| v.map(str::trim).filter(|v| !source::is_missing(v)))
                    .collect();
                // Numeric exactly when every present cell parses as a number.
                let numeric = text
                    .iter()
                    .flatten()
                    .all(|v| parse_number(v, decimal_comma).is_some());
                let parsed = numeric.then(|| {
                    Numbers::collect(
                        text.iter()
                            .map(|c| c.and_then(|v| parse_number(v, decimal_comma))),
                    )
                });
                (parsed.map(Cow::Owned), Some(text))
            }
            DataType::Boolean => {
                let flags = series.bool().map_err(unreadable)?;
                let numbers =
                    Numbers::collect(flags.iter().map(|b| b.map(|b| f64::from(u8::from(b)))));
                let text = flags
                    .iter()
                    .map(|b| b.map(|b| if b { "true" } else { "false" }))
                    .collect();
                (Some(Cow::Owned(numbers)), Some(text))
            }
            other => {
                return Err(ReadError::Unreadable {
                    path: source.to_owned(),
                    reason: format!("column `{column}` has type {other}; expected numbers or text"),
                });
            }
        };
        Ok(Cells {
            name: column.to_owned(),
            numbers,
            text,
            boolean: series.dtype() == &DataType::Boolean,
            decimal_comma,
        })
    }

    /// Whether any cell is missing (then [`Cells::missing`] says which).
    fn any_missing(&self) -> bool {
        match (&self.text, &self.numbers) {
            (Some(text), _) => text.iter().any(Option::is_none),
            (None, Some(numbers)) => numbers.missing.is_some(),
            (None, None) => true,
        }
    }

    /// The kept rows' numbers when the column is numeric and each is `valid`;
    /// `None` otherwise (the per-cell path then names the cell at fault).
    /// When every row is kept, they are the gathered column itself.
    fn numbers_if(&self, kept: &Kept, valid: impl Fn(f64) -> bool) -> Option<Cow<'a, [f64]>> {
        let numbers = self.numbers.as_ref().filter(|n| n.missing.is_none())?;
        let values = match (numbers, kept) {
            (&Cow::Borrowed(gathered), Kept::All(_)) => Cow::Borrowed(&gathered.values[..]),
            _ => Cow::Owned(kept.gather(&numbers.values)),
        };
        // Every cell looked at, without stopping at the first bad one: the
        // check is then a few vector instructions per cell, and a bad cell
        // is rare (its message comes from the per-cell path).
        let all_valid = values.iter().fold(true, |all, &v| all & valid(v));
        all_valid.then_some(values)
    }

    /// The kept rows' events when the column holds only the numbers 1 and 0;
    /// `None` otherwise.
    fn flags(&self, kept: &Kept) -> Option<Vec<bool>> {
        // Events and censored rows come in no order a processor could
        // predict: checked, and then read, without a branch per cell.
        let values = self.numbers_if(kept, |v| (v == 0.0) | (v == 1.0))?;
        Some(values.iter().map(|&v| v == 1.0).collect())
    }

    fn missing(&self, row: usize) -> bool {
        match (&self.text, &self.numbers) {
            (Some(text), _) => text[row].is_none(),
            (None, Some(numbers)) => numbers.get(row).is_none(),
            (None, None) => true,
        }
    }

    /// The cell as the file has it, for messages and labels.
    fn shown(&self, row: usize) -> String {
        match (&self.text, &self.numbers) {
            (Some(text), _) => text[row].unwrap_or_default().to_owned(),
            (None, Some(numbers)) => numbers.get(row).map_or_else(String::new, |x| x.to_string()),
            (None, None) => String::new(),
        }
    }

    /// The cell as a number, if it is one: from a numeric column, or a text
    /// cell that parses.
    fn number_at(&self, row: usize) -> Option<f64> {
        match (&self.numbers, &self.text) {
            (Some(numbers), _) => numbers.get(row),
            (None, Some(text)) => text[row].and_then(|t| parse_number(t, self.decimal_comma)),
            (None, None) => None,
        }
        .filter(|v| !v.is_nan())
    }

    /// The number in `row`, or an error naming the cell.
    fn number(&self, source: &str, row: usize, expected: &str) -> Result<f64, ReadError> {
        self.number_at(row)
            .ok_or_else(|| self.invalid(source, row, expected))
    }

    /// The date in `row` as days from 1970-01-01, from ISO `YYYY-MM-DD` text
    /// (which is what a workbook's date cells arrive as). A number is not a
    /// date: a serial number in a text file, or a date-typed Parquet column,
    /// is not read as one.
    fn day(&self, source: &str, row: usize) -> Result<i64, ReadError> {
        self.text
            .as_ref()
            .and_then(|text| text[row])
            .and_then(parse_iso_date)
            .ok_or_else(|| self.invalid(source, row, "a date as YYYY-MM-DD"))
    }

    fn invalid(&self, source: &str, row: usize, expected: &str) -> ReadError {
        ReadError::InvalidValue {
            path: source.to_owned(),
            row: row + 2,
            column: self.name.clone(),
            value: self.shown(row),
            expected: expected.to_owned(),
        }
    }
}

/// The table of `spec`'s columns from the gathered ones, which it takes: a
/// numeric column kept whole becomes the table's column as it is, not a copy.
fn from_columns(
    mut gathered: Gathered,
    spec: &ColumnSpec,
    decimal_comma: bool,
) -> Result<SurvivalTable, ReadError> {
    let (mut table, whole) = from_cells(&gathered, spec, decimal_comma)?;
    for (column, place) in whole.0 {
        let values = gathered.take_values(&column);
        match place {
            Place::Time => table.time = values,
            Place::Covariate => {
                if let Some(c) = table.covariates.iter_mut().find(|c| c.name == column) {
                    c.values = values;
                }
            }
        }
    }
    Ok(table)
}

/// Where a gathered column goes in the table as it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Place {
    Time,
    Covariate,
}

/// A gathered column's values to be placed in the table as they are, each
/// column once.
#[derive(Default)]
struct Whole(Vec<(String, Place)>);

impl Whole {
    /// The values for the table: empty, to be filled by the gathered column
    /// itself, when they are that column (and not already placed elsewhere).
    fn place(&mut self, column: &str, place: Place, values: Cow<'_, [f64]>) -> Vec<f64> {
        match values {
            Cow::Borrowed(_) if !self.0.iter().any(|(c, _)| c == column) => {
                self.0.push((column.to_owned(), place));
                Vec::new()
            }
            values => values.into_owned(),
        }
    }
}

/// The table, but for the columns that are gathered ones as they are (left
/// empty, listed in the [`Whole`]).
fn from_cells(
    gathered: &Gathered,
    spec: &ColumnSpec,
    decimal_comma: bool,
) -> Result<(SurvivalTable, Whole), ReadError> {
    let source = gathered.source.as_str();
    let read = |column: &str| Cells::read(gathered, column, decimal_comma);
    let n = gathered.height - gathered.blank.len();
    if n == 0 {
        return Err(ReadError::Empty {
            path: source.to_owned(),
        });
    }
    let time = match &spec.dates {
        Some(span) => Time::Dates {
            from: read(&span.from)?,
            to: read(&span.to)?,
            unit: span.unit,
        },
        None => Time::Column(read(&spec.time)?),
    };
    let event = match &spec.status {
        Some(status) => read(&status.column)?,
        None => read(&spec.event)?,
    };
    let group = spec.group.as_deref().map(read).transpose()?;
    let strata = spec.strata.as_deref().map(read).transpose()?;
    let covariates = spec
        .covariates
        .iter()
        .map(|c| read(c))
        .collect::<Result<Vec<_>, _>>()?;
    let entry = spec.entry.as_deref().map(read).transpose()?;
    let weights = spec.weights.as_deref().map(read).transpose()?;
    let cluster = spec.cluster.as_deref().map(read).transpose()?;

    // Rows kept: not a blank line, no missing value in any used column.
    let used: Vec<&Cells> = time
        .cells()
        .into_iter()
        .chain([Some(&event), group.as_ref(), strata.as_ref()])
        .chain([entry.as_ref(), weights.as_ref(), cluster.as_ref()])
        .flatten()
        .chain(covariates.iter())
        .collect();
    let kept = Kept::from_rows(
        gathered.height,
        gathered.blank.is_empty() && !used.iter().any(|c| c.any_missing()),
        gathered.data_rows(),
        |r| used.iter().all(|c| !c.missing(r)),
    );
    if kept.is_empty() {
        return Err(ReadError::AllRowsMissing {
            path: source.to_owned(),
            rows: n,
        });
    }

    let fast_times = match &time {
        Time::Column(c) => c.numbers_if(&kept, |t| t >= 0.0 && t.is_finite()),
        Time::Dates { .. } => None,
    };
    let times = match fast_times {
        Some(times) => times,
        None => Cow::Owned(
            kept.iter()
                .map(|r| time.at(source, r))
                .collect::<Result<Vec<_>, _>>()?,
        ),
    };
    let mut whole = Whole::default();
    let status = spec
        .status
        .as_ref()
        .map(|s| causes(&event, &kept, &s.censor_value));
    let events = match spec.event_value.as_deref() {
        _ if status.is_some() => status
            .iter()
            .flat_map(|s| s.codes.iter().map(|&c| c != 0))
            .collect(),
        Some(value) => events_equal_to(source, &event, &kept, value)?,
        None => match event.flags(&kept) {
            Some(flags) => flags,
            None => kept
                .iter()
                .map(|r| event_flag(source, &event, r))
                .collect::<Result<Vec<_>, _>>()?,
        },
    };
    let covariates = covariates
        .iter()
        .map(|c| {
            let categorical = spec.categorical.contains(&c.name);
            match spec.levels.iter().find(|(column, _)| *column == c.name) {
                Some((_, declared)) => declared_indicators(source, c, &kept, declared),
                None => covariate_columns(source, c, &kept, &spec.references, categorical).map(
                    |covariates| {
                        covariates
                            .into_iter()
                            .map(|(name, values)| Covariate {
                                values: whole.place(&name, Place::Covariate, values),
                                name,
                            })
                            .collect()
                    },
                ),
            }
        })
        .collect::<Result<Vec<_>, _>>()?
        .into_iter()
        .flatten()
        .collect();
    let entry = entry
        .as_ref()
        .map(|c| {
            kept.iter()
                .zip(times.iter())
                .map(|(r, &stop)| {
                    let expected = "a finite start before the row's time (R's Surv(start, stop) needs start < stop)";
                    c.number(source, r, expected)
                        .and_then(|v| if v.is_finite() && v < stop { Ok(v) } else { Err(c.invalid(source, r, expected)) })
                })
                .collect::<Result<Vec<_>, _>>()
        })
        .transpose()?;
    let weights = weights
        .as_ref()
        .map(|c| {
            kept.iter()
                .map(|r| {
                    let expected = if spec.positive_weights {
                        "a case weight: a finite number > 0 (R's coxph refuses 0)"
                    } else {
                        "a case weight: a finite number ≥ 0"
                    };
                    c.number(source, r, expected).and_then(|v| {
                        if v.is_finite() && (v > 0.0 || (v == 0.0 && !spec.positive_weights)) {
                            Ok(v)
                        } else {
                            Err(c.invalid(source, r, expected))
                        }
                    })
                })
                .collect::<Result<Vec<_>, _>>()
        })
        .transpose()?;
    let table = SurvivalTable {
        source: source.to_owned(),
        time: whole.place(&spec.time, Place::Time, times),
        event: events,
        group: group.as_ref().map(|c| labels(c, &kept)),
        strata: strata.as_ref().map(|c| labels(c, &kept)),
        entry,
        weights,
        cluster: cluster.as_ref().map(|c| labels(c, &kept)),
        status,
        covariates,
        n_read: n,
        n_dropped: n - kept.len(),
    };
    Ok((table, whole))
}

/// Where follow-up times come from.
enum Time<'a> {
    /// A column of numbers ≥ 0.
    Column(Cells<'a>),
    /// The days from one date column to another, in a unit.
    Dates {
        from: Cells<'a>,
        to: Cells<'a>,
        unit: TimeUnit,
    },
}

impl Time<'_> {
    /// The columns read, for the missing-value check.
    fn cells(&self) -> [Option<&Cells<'_>>; 2] {
        match self {
            Time::Column(c) => [Some(c), None],
            Time::Dates { from, to, .. } => [Some(from), Some(to)],
        }
    }

    /// The time of `row`, or an error naming the cell at fault.
    fn at(&self, source: &str, row: usize) -> Result<f64, ReadError> {
        match self {
            Time::Column(time) => {
                let expected = "a number of time units, 0 or more";
                let t = time.number(source, row, expected)?;
                if t >= 0.0 && t.is_finite() {
                    Ok(t)
                } else {
                    Err(time.invalid(source, row, expected))
                }
            }
            Time::Dates { from, to, unit } => {
                let (start, end) = (from.day(source, row)?, to.day(source, row)?);
                if end < start {
                    return Err(ReadError::InvalidValue {
                        path: source.to_owned(),
                        row: row + 2,
                        column: to.name.clone(),
                        value: to.shown(row),
                        expected: format!(
                            "a date on or after `{}` ({})",
                            from.name,
                            from.shown(row)
                        ),
                    });
                }
                Ok((end - start) as f64 / unit.days())
            }
        }
    }
}

/// An event cell without `--event-value`: 1/0 (as a number or as text) or
/// true/false.
fn event_flag(source: &str, cells: &Cells<'_>, row: usize) -> Result<bool, ReadError> {
    if let Some(x) = cells.number_at(row)
        && (x == 1.0 || x == 0.0)
    {
        return Ok(x == 1.0);
    }
    if let Some(t) = cells.text.as_ref().and_then(|t| t[row]) {
        if t.eq_ignore_ascii_case("true") {
            return Ok(true);
        }
        if t.eq_ignore_ascii_case("false") {
            return Ok(false);
        }
    }
    Err(cells.invalid(
        source,
        row,
        "1 or 0 (or true/false); give --event-value for other codes, e.g. 2 for R's dead",
    ))
}

/// Events as (cell equals `value`): numerically when both are numbers (2
/// matches 2.0), as text otherwise. A value no kept row holds is an error
/// listing the values the column does hold.
fn events_equal_to(
    source: &str,
    cells: &Cells<'_>,
    kept: &Kept,
    value: &str,
) -> Result<Vec<bool>, ReadError> {
    let code = value.trim().parse::<f64>().ok();
    let events: Vec<bool> = kept
        .iter()
        .map(|r| match (code, cells.number_at(r)) {
            (Some(code), Some(x)) if !cells.boolean => x == code,
            // polars reads TRUE and true alike into a Boolean column.
            _ if cells.boolean => cells.shown(r).eq_ignore_ascii_case(value.trim()),
            _ => cells.shown(r) == value,
        })
        .collect();
    if !events.iter().any(|&e| e) {
        return Err(ReadError::ValueNotFound {
            path: source.to_owned(),
            option: "--event-value".to_owned(),
            column: cells.name.clone(),
            value: value.to_owned(),
            seen: labels(cells, kept).levels,
        });
    }
    Ok(events)
}

/// A status column's causes: every level but the censoring value, in
/// order, coded from 1; censored rows 0.
fn causes(cells: &Cells<'_>, kept: &Kept, censor_value: &str) -> Status {
    let Labels { levels, codes, .. } = labels(cells, kept);
    let numeric = cells.numbers.is_some() && !cells.boolean;
    let censor_level = levels
        .iter()
        .position(|l| same_value(l, censor_value, numeric));
    // Old level → new code: the censoring level 0, the others 1.. in order.
    let recode: Vec<u32> = (0..levels.len())
        .map(|l| match censor_level {
            Some(c) if l == c => 0,
            Some(c) if l > c => l as u32,
            _ => l as u32 + 1,
        })
        .collect();
    Status {
        column: cells.name.clone(),
        causes: levels
            .iter()
            .enumerate()
            .filter(|&(l, _)| Some(l) != censor_level)
            .map(|(_, level)| level.clone())
            .collect(),
        codes: codes.iter().map(|&c| recode[c as usize]).collect(),
        numeric,
    }
}

/// Sorted levels and codes of the kept rows: numeric order for a numeric
/// column, byte order for text. One hash lookup per row, nothing allocated per
/// row.
/// Levels up to which [`labels`] looks a cell up among them in turn.
const FEW_LEVELS: usize = 8;

fn labels(cells: &Cells<'_>, kept: &Kept) -> Labels {
    // Provisional codes in order of first appearance, then sorted levels.
    let mut provisional = Vec::with_capacity(kept.len());
    let numbers = cells.numbers.as_ref().filter(|_| !cells.boolean);
    let (levels, order): (Vec<String>, Vec<usize>) = match (&cells.text, numbers) {
        (_, Some(numbers)) => {
            let mut seen: HashMap<u64, u32> = HashMap::new();
            let mut values: Vec<f64> = Vec::new();
            for r in kept.iter() {
                let x = numbers.get(r).unwrap_or(f64::NAN);
                let key = (x + 0.0).to_bits();
                // Few levels (a group, an indicator): a look along them beats hashing.
                let known = if values.len() <= FEW_LEVELS {
                    values.iter().position(|v: &f64| (v + 0.0).to_bits() == key)
                } else {
                    seen.get(&key).map(|&c| c as usize)
                };
                let code = known.unwrap_or_else(|| {
                    values.push(x);
                    seen.insert(key, values.len() as u32 - 1);
                    values.len() - 1
                });
                provisional.push(code as u32);
            }
            let mut order: Vec<usize> = (0..values.len()).collect();
            order.sort_by(|&a, &b| values[a].total_cmp(&values[b]));
            (
                order.iter().map(|&i| values[i].to_string()).collect(),
                order,
            )
        }
        (Some(text), None) => {
            let mut seen: HashMap<&str, u32> = HashMap::new();
            let mut values: Vec<&str> = Vec::new();
            for r in kept.iter() {
                let t = text[r].unwrap_or_default();
                let known = if values.len() <= FEW_LEVELS {
                    values.iter().position(|&v| v == t)
                } else {
                    seen.get(t).map(|&c| c as usize)
                };
                let code = known.unwrap_or_else(|| {
                    values.push(t);
                    seen.insert(t, values.len() as u32 - 1);
                    values.len() - 1
                });
                provisional.push(code as u32);
            }
            let mut order: Vec<usize> = (0..values.len()).collect();
            order.sort_by(|&a, &b| values[a].as_bytes().cmp(values[b].as_bytes()));
            (order.iter().map(|&i| values[i].to_owned()).collect(), order)
        }
        (None, None) => (Vec::new(), Vec::new()),
    };
    let mut rank = vec![0u32; order.len()];
    for (sorted, &first_seen) in order.iter().enumerate() {
        rank[first_seen] = sorted as u32;
    }
    let codes = provisional.into_iter().map(|c| rank[c as usize]).collect();
    Labels {
        column: cells.name.clone(),
        levels,
        codes,
    }
}

/// Indicators of every declared level but the first, in the declared order.
fn declared_indicators(
    source: &str,
    cells: &Cells<'_>,
    kept: &Kept,
    declared: &[String],
) -> Result<Vec<Covariate>, ReadError> {
    let labels = labels(cells, kept);
    let mut at = Vec::with_capacity(labels.levels.len());
    for (code, level) in labels.levels.iter().enumerate() {
        match declared.iter().position(|d| d == level) {
            Some(d) => at.push(d),
            None => {
                let first = labels.codes.iter().position(|&c| c as usize == code);
                let row = first.map_or(0, |k| kept.row(k));
                return Err(cells.invalid(
                    source,
                    row,
                    &format!("one of the declared levels {}", declared.join(", ")),
                ));
            }
        }
    }
    Ok((1..declared.len())
        .map(|d| Covariate {
            name: format!("{}={}", cells.name, declared[d]),
            values: labels
                .codes
                .iter()
                .map(|&c| f64::from(u8::from(at[c as usize] == d)))
                .collect(),
        })
        .collect())
}

/// A covariate's name and values: the gathered column itself, where it is one.
type NamedValues<'a> = (String, Cow<'a, [f64]>);

/// A numeric covariate as is; a text covariate as indicators of every level but
/// the reference.
fn covariate_columns<'a>(
    source: &str,
    cells: &Cells<'a>,
    kept: &Kept,
    references: &[(String, String)],
    categorical: bool,
) -> Result<Vec<NamedValues<'a>>, ReadError> {
    if cells.numbers.is_some() && !categorical {
        let values = match cells.numbers_if(kept, |x| !x.is_nan()) {
            Some(values) => values,
            None => Cow::Owned(
                kept.iter()
                    .map(|r| cells.number(source, r, "a number"))
                    .collect::<Result<Vec<_>, _>>()?,
            ),
        };
        return Ok(vec![(cells.name.clone(), values)]);
    }
    let labels = labels(cells, kept);
    let reference = match references.iter().find(|(c, _)| *c == cells.name) {
        Some((_, level)) => labels
            .levels
            .iter()
            .position(|l| l == level)
            .ok_or_else(|| ReadError::ValueNotFound {
                path: source.to_owned(),
                option: "--reference".to_owned(),
                column: cells.name.clone(),
                value: level.clone(),
                seen: labels.levels.clone(),
            })?,
        None => 0,
    };
    Ok((0..labels.levels.len())
        .filter(|&l| l != reference)
        .map(|l| {
            let name = format!("{}={}", cells.name, labels.levels[l]);
            let values = labels
                .codes
                .iter()
                .map(|&c| f64::from(u8::from(c as usize == l)))
                .collect();
            (name, Cow::Owned(values))
        })
        .collect())
}
