//! Reading a cohort file (CSV or Parquet) through polars into typed records.
//!
//! Every column is read as text and parsed by [`crate::codes`], so an error can
//! quote the cell exactly as the file holds it. Nothing is dropped: a row either
//! becomes a [`Patient`] or the load fails naming that row.

use std::collections::HashMap;
use std::io::Cursor;
use std::path::Path;

use polars::prelude::*;

use crate::Cohort;
use crate::codes::{self, Expected};
use crate::error::LoadError;
use crate::model::{MetastaticSite, Patient};

/// The columns of the paper's patient schema, in Table 2 order.
pub const COLUMNS: [&str; 15] = [
    "patient",
    "age",
    "sex",
    "histology",
    "t_stage",
    "n_stage",
    "metastatic_sites",
    "metastatic_lesions",
    "metastatic_organs",
    "liver_metastasis",
    "induction_chemotherapy",
    "rt_dose_cgy",
    "concurrent_chemotherapy",
    "survival_months",
    "last_status",
];

/// A file format the loader reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Comma-separated values with a header row.
    Csv,
    /// Apache Parquet.
    Parquet,
}

impl Format {
    /// The format named by a path's extension, if any.
    pub fn from_path(path: &Path) -> Option<Format> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "csv" => Some(Format::Csv),
            "parquet" | "pq" => Some(Format::Parquet),
            _ => None,
        }
    }
}

/// Loads a cohort from a `.csv` or `.parquet` file, chosen by extension.
pub fn load_path(path: &Path) -> Result<Cohort, LoadError> {
    let (name, format, bytes) = read_file(path)?;
    load_bytes(&name, format, bytes)
}

/// A file's name for messages, its format by extension, and its bytes.
pub(crate) fn read_file(path: &Path) -> Result<(String, Format, Vec<u8>), LoadError> {
    let name = path.display().to_string();
    let format = Format::from_path(path)
        .ok_or_else(|| LoadError::UnsupportedFormat { path: name.clone() })?;
    let bytes = std::fs::read(path).map_err(|source| LoadError::Io {
        path: name.clone(),
        source,
    })?;
    Ok((name, format, bytes))
}

/// An empty (or all-whitespace) file is [`LoadError::Empty`].
pub(crate) fn ensure_not_blank(name: &str, bytes: &[u8]) -> Result<(), LoadError> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(LoadError::Empty {
            path: name.to_owned(),
        });
    }
    Ok(())
}

/// Turns a polars error on the file `name` into [`LoadError::Unreadable`].
pub(crate) fn unreadable(name: &str) -> impl Fn(PolarsError) -> LoadError + '_ {
    move |e| LoadError::Unreadable {
        path: name.to_owned(),
        reason: e.to_string(),
    }
}

/// Loads a cohort from bytes already in memory; `name` is how errors refer to them.
pub fn load_bytes(name: &str, format: Format, bytes: Vec<u8>) -> Result<Cohort, LoadError> {
    ensure_not_blank(name, &bytes)?;
    let unreadable = unreadable(name);
    let frame = match format {
        // Every column as text (no schema inference), so values reach the parsers untouched.
        Format::Csv => CsvReadOptions::default()
            .with_has_header(true)
            .with_infer_schema_length(Some(0))
            .into_reader_with_file_handle(Cursor::new(bytes))
            .finish()
            .map_err(unreadable)?,
        Format::Parquet => ParquetReader::new(Cursor::new(bytes))
            .finish()
            .map_err(unreadable)?,
    };
    from_frame(name, &frame)
}

/// The cells of one column as text, whatever type the file gave it.
struct TextColumn {
    cells: Vec<Option<String>>,
}

impl TextColumn {
    fn read(name: &str, column: &Column) -> Result<TextColumn, LoadError> {
        let unreadable = |e: PolarsError| LoadError::Unreadable {
            path: name.to_owned(),
            reason: format!("column `{}`: {e}", column.name()),
        };
        let series = column.as_materialized_series();
        let cells = match series.dtype() {
            // Parquet writers often store whole numbers as floats; print 7000.0 as 7000
            // so whole-number columns accept them, and keep any fraction visible.
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
            // A boolean column stands for the table's Yes/No.
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
                    .map(|v| v.map(str::to_owned))
                    .collect()
            }
        };
        Ok(TextColumn { cells })
    }
}

fn from_frame(name: &str, frame: &DataFrame) -> Result<Cohort, LoadError> {
    let found: Vec<String> = frame
        .get_column_names()
        .iter()
        .map(|c| c.to_string())
        .collect();
    let mut columns = Vec::with_capacity(COLUMNS.len());
    for column in COLUMNS {
        let col = frame.column(column).map_err(|_| LoadError::MissingColumn {
            path: name.to_owned(),
            column: column.to_owned(),
            found: found.clone(),
        })?;
        columns.push(TextColumn::read(name, col)?);
    }
    let height = frame.height();
    if height == 0 {
        return Err(LoadError::Empty {
            path: name.to_owned(),
        });
    }

    let mut patients = Vec::with_capacity(height);
    let mut first_row_of: HashMap<u32, usize> = HashMap::with_capacity(height);
    for index in 0..height {
        let row = RowReader {
            name,
            row: index + 2,
            columns: &columns,
        };
        let patient = row.patient()?;
        if let Some(&first_row) = first_row_of.get(&patient.number) {
            return Err(LoadError::DuplicatePatient {
                path: name.to_owned(),
                row: row.row,
                first_row,
                patient: patient.number,
            });
        }
        first_row_of.insert(patient.number, row.row);
        patients.push(patient);
    }
    Ok(Cohort::from_loaded(name.to_owned(), patients))
}

struct RowReader<'a> {
    name: &'a str,
    row: usize,
    columns: &'a [TextColumn],
}

impl RowReader<'_> {
    /// The cell of `column` in this row as the file holds it.
    fn raw(&self, column: &'static str) -> Option<&str> {
        let index = COLUMNS.iter().position(|c| *c == column)?;
        self.columns[index].cells[self.row - 2].as_deref()
    }

    fn cell<T>(
        &self,
        column: &'static str,
        parse: impl Fn(&str) -> Result<T, Expected>,
    ) -> Result<T, LoadError> {
        let cell = self.raw(column);
        match cell.map(str::trim) {
            None | Some("") => Err(LoadError::MissingValue {
                path: self.name.to_owned(),
                row: self.row,
                column: column.to_owned(),
                expected: parse("").err().unwrap_or_default(),
            }),
            Some(text) => parse(text).map_err(|expected| LoadError::InvalidValue {
                path: self.name.to_owned(),
                row: self.row,
                column: column.to_owned(),
                value: cell.unwrap_or_default().to_owned(),
                expected,
            }),
        }
    }

    fn patient(&self) -> Result<Patient, LoadError> {
        let patient = Patient {
            number: self.cell("patient", codes::patient_number)?,
            age_years: self.cell("age", codes::age_years)?,
            sex: self.cell("sex", codes::sex)?,
            histology: self.cell("histology", codes::histology)?,
            t_stage: self.cell("t_stage", codes::t_stage)?,
            n_stage: self.cell("n_stage", codes::n_stage)?,
            metastatic_sites: self.cell("metastatic_sites", codes::metastatic_sites)?,
            lesions: self.cell("metastatic_lesions", codes::lesions)?,
            organs: self.cell("metastatic_organs", codes::organs)?,
            liver_metastasis: self.cell("liver_metastasis", codes::yes_no)?,
            induction: self.cell("induction_chemotherapy", codes::induction)?,
            rt_dose_cgy: self.cell("rt_dose_cgy", codes::rt_dose_cgy)?,
            concurrent: self.cell("concurrent_chemotherapy", codes::concurrent)?,
            survival_months: self.cell("survival_months", codes::survival_months)?,
            last_status: self.cell("last_status", codes::last_status)?,
        };
        // The table carries liver involvement twice; a row must not contradict itself.
        let listed = patient.metastatic_sites.contains(MetastaticSite::Liver);
        if listed != patient.liver_metastasis {
            let expected = if listed {
                "Yes, since `metastatic_sites` lists liver"
            } else {
                "No, since `metastatic_sites` does not list liver"
            };
            return Err(LoadError::InvalidValue {
                path: self.name.to_owned(),
                row: self.row,
                column: "liver_metastasis".to_owned(),
                value: self.raw("liver_metastasis").unwrap_or_default().to_owned(),
                expected: expected.to_owned(),
            });
        }
        Ok(patient)
    }
}
