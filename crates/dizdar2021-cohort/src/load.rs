//! Reading a file in the paper's patient schema (CSV, TSV, Parquet or Excel, through
//! `surv-reader`) into typed records.
//!
//! Every column is read as text and parsed by [`crate::codes`], so an error can
//! quote the cell exactly as the file holds it. Nothing is dropped: a row either
//! becomes a [`Patient`] or the load fails naming that row. A row with more or
//! fewer fields than the header is refused by the reader.

use std::collections::HashMap;
use std::path::Path;

use surv_reader::{Format, TextTable};

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

/// Loads a cohort from a `.csv`, `.tsv`, `.parquet` or `.xlsx` file (of a
/// workbook, its first sheet), chosen by extension.
pub fn load_path(path: &Path) -> Result<Cohort, LoadError> {
    from_table(&TextTable::read(path)?)
}

/// Loads a cohort from bytes already in memory; `name` is how errors refer to them.
pub fn load_bytes(name: &str, format: Format, bytes: Vec<u8>) -> Result<Cohort, LoadError> {
    from_table(&TextTable::from_bytes(name, format, bytes)?)
}

fn from_table(table: &TextTable) -> Result<Cohort, LoadError> {
    let mut columns = [0usize; COLUMNS.len()];
    for (slot, name) in columns.iter_mut().zip(COLUMNS) {
        *slot = table.column(name)?;
    }
    let mut patients = Vec::with_capacity(table.height());
    let mut first_row_of: HashMap<u32, usize> = HashMap::with_capacity(table.height());
    for index in 0..table.height() {
        let row = RowReader {
            table,
            index,
            row: table.row_number(index),
            columns: &columns,
        };
        let patient = row.patient()?;
        if let Some(&first_row) = first_row_of.get(&patient.number) {
            return Err(LoadError::DuplicatePatient {
                path: table.source().to_owned(),
                row: row.row,
                first_row,
                patient: patient.number,
            });
        }
        first_row_of.insert(patient.number, row.row);
        patients.push(patient);
    }
    Ok(Cohort::from_loaded(table.source().to_owned(), patients))
}

struct RowReader<'a> {
    table: &'a TextTable,
    /// 0-based row of the table.
    index: usize,
    /// Spreadsheet row (header = 1).
    row: usize,
    columns: &'a [usize; COLUMNS.len()],
}

impl RowReader<'_> {
    /// The cell of `column` in this row as the file holds it.
    fn raw(&self, column: &'static str) -> Option<&str> {
        let position = COLUMNS.iter().position(|c| *c == column)?;
        self.table.cell(self.columns[position], self.index)
    }

    fn cell<T>(
        &self,
        column: &'static str,
        parse: impl Fn(&str) -> Result<T, Expected>,
    ) -> Result<T, LoadError> {
        let cell = self.raw(column);
        match cell.map(str::trim) {
            None | Some("") => Err(LoadError::MissingValue {
                path: self.table.source().to_owned(),
                row: self.row,
                column: column.to_owned(),
                expected: parse("").err().unwrap_or_default(),
            }),
            Some(text) => parse(text).map_err(|expected| LoadError::InvalidValue {
                path: self.table.source().to_owned(),
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
                path: self.table.source().to_owned(),
                row: self.row,
                column: "liver_metastasis".to_owned(),
                value: self.raw("liver_metastasis").unwrap_or_default().to_owned(),
                expected: expected.to_owned(),
            });
        }
        Ok(patient)
    }
}
