//! Every kind of bad input gets an error naming the file, the row (as a spreadsheet
//! shows it: header = 1), the column, the value and what was expected.

use dizdar2021_cohort::{Cohort, Format, LoadError, dizdar2021};
use surv_reader::ReadError;

const NAME: &str = "cohort.csv";

/// The fixture with one cell replaced: `patient`'s row, `column`, new `value`.
fn with_cell(patient: usize, column: &str, value: &str) -> String {
    let mut lines: Vec<String> = dizdar2021::PATIENTS_CSV
        .lines()
        .map(str::to_owned)
        .collect();
    let header: Vec<&str> = lines[0].split(',').collect();
    let index = header
        .iter()
        .position(|h| *h == column)
        .expect("known column");
    let fields = split_csv(&lines[patient]);
    let mut fields = fields;
    fields[index] = value.to_owned();
    lines[patient] = fields
        .iter()
        .map(|f| {
            if f.contains(',') {
                format!("\"{f}\"")
            } else {
                f.clone()
            }
        })
        .collect::<Vec<_>>()
        .join(",");
    lines.join("\n") + "\n"
}

fn split_csv(line: &str) -> Vec<String> {
    let mut fields = vec![String::new()];
    let mut quoted = false;
    for c in line.chars() {
        match c {
            '"' => quoted = !quoted,
            ',' if !quoted => fields.push(String::new()),
            _ => fields.last_mut().unwrap().push(c),
        }
    }
    fields
}

fn load(text: &str) -> Result<Cohort, LoadError> {
    Cohort::from_bytes(NAME, Format::Csv, text.as_bytes().to_vec())
}

/// Replacing one cell gives an `InvalidValue` at that row and column, quoting the value,
/// and a message that says what was expected.
fn check_invalid(patient: usize, column: &str, value: &str, expected_fragment: &str) {
    let err = load(&with_cell(patient, column, value)).expect_err("bad cell must fail");
    match &err {
        LoadError::InvalidValue {
            path,
            row,
            column: c,
            value: v,
            expected,
        } => {
            assert_eq!(path, NAME);
            assert_eq!(
                *row,
                patient + 1,
                "patient {patient} stands in spreadsheet row {}",
                patient + 1
            );
            assert_eq!(*c, column);
            assert_eq!(v, value);
            assert!(
                expected.contains(expected_fragment),
                "expected {expected_fragment:?} in {expected:?}"
            );
        }
        other => panic!("expected InvalidValue for {column}={value:?}, got {other:?}"),
    }
    let message = err.to_string();
    for part in [
        NAME,
        &format!("row {}", patient + 1),
        &format!("`{column}`"),
        &format!("`{value}`"),
        expected_fragment,
    ] {
        assert!(message.contains(part), "message {message:?} lacks {part:?}");
    }
}

#[test]
fn unknown_codes() {
    check_invalid(3, "sex", "M", "E (male) or K (female)");
    check_invalid(4, "histology", "WHO 4", "WHO 1, WHO 2 or WHO 3");
    check_invalid(5, "t_stage", "5", "T stage from 1 to 4");
    check_invalid(6, "n_stage", "N4", "N stage from 0 to 3");
    check_invalid(7, "metastatic_sites", "Bone, kidney", "`kidney` is not one");
    check_invalid(
        8,
        "metastatic_lesions",
        "Several",
        "Single, Oligometastasis or Multiple",
    );
    check_invalid(9, "metastatic_organs", "Three", "Single or Multiple");
    check_invalid(10, "liver_metastasis", "Maybe", "Yes or No");
    check_invalid(11, "induction_chemotherapy", "3 FOLFOX", "regimen");
    check_invalid(
        12,
        "concurrent_chemotherapy",
        "Cetuximab",
        "No, Cisplatin or Carboplatin",
    );
}

#[test]
fn negative_or_non_numeric_time() {
    check_invalid(1, "survival_months", "-3", "a number of months, 0 or more");
    check_invalid(
        2,
        "survival_months",
        "nine",
        "a number of months, 0 or more",
    );
    check_invalid(
        35,
        "survival_months",
        "NaN",
        "a number of months, 0 or more",
    );
}

#[test]
fn age_outside_0_to_120() {
    check_invalid(20, "age", "121", "from 0 to 120");
    check_invalid(21, "age", "-1", "from 0 to 120");
    check_invalid(22, "age", "forty", "from 0 to 120");
}

#[test]
fn status_outside_the_known_set() {
    check_invalid(
        14,
        "last_status",
        "Alive",
        "Ex (died), NED or Active disease",
    );
}

#[test]
fn dose_that_is_not_a_number() {
    check_invalid(15, "rt_dose_cgy", "70 Gy", "whole number of cGy");
    check_invalid(16, "rt_dose_cgy", "70", "70 Gy is written 7000");
}

#[test]
fn liver_column_contradicting_the_sites() {
    // Patient 2 has "Bone, liver".
    check_invalid(2, "liver_metastasis", "No", "metastatic_sites` lists liver");
    check_invalid(1, "liver_metastasis", "Yes", "does not list liver");
}

#[test]
fn empty_cell_is_a_missing_value_not_a_dropped_row() {
    let err = load(&with_cell(17, "survival_months", "")).unwrap_err();
    assert!(
        matches!(
            &err,
            LoadError::MissingValue { row: 18, column, .. } if column == "survival_months"
        ),
        "got {err:?}"
    );
    assert!(
        err.to_string()
            .contains("row 18, column `survival_months`: empty cell; expected a number of months")
    );
}

#[test]
fn duplicate_patient_number() {
    let err = load(&with_cell(30, "patient", "7")).unwrap_err();
    assert!(
        matches!(
            &err,
            LoadError::DuplicatePatient {
                row: 31,
                first_row: 8,
                patient: 7,
                ..
            }
        ),
        "got {err:?}"
    );
    assert!(
        err.to_string()
            .contains("row 31, column `patient`: `7` repeats the patient of row 8")
    );
}

#[test]
fn missing_required_column() {
    let text: String = dizdar2021::PATIENTS_CSV.replacen("last_status", "outcome", 1);
    let err = load(&text).unwrap_err();
    match &err {
        LoadError::Read(ReadError::MissingColumn { column, found, .. }) => {
            assert_eq!(*column, "last_status");
            assert!(found.contains(&"outcome".to_owned()));
        }
        other => panic!("got {other:?}"),
    }
    assert!(
        err.to_string()
            .starts_with("cohort.csv: missing column `last_status`; the file has `patient`")
    );
}

#[test]
fn empty_file_and_header_only() {
    for text in ["", "\n  \n"] {
        let err = load(text).unwrap_err();
        assert!(
            matches!(err, LoadError::Read(ReadError::Empty { .. })),
            "{text:?} gave {err:?}"
        );
        assert!(err.to_string().contains("no data rows"));
    }
    let header_only = dizdar2021::PATIENTS_CSV.lines().next().unwrap().to_owned() + "\n";
    let err = load(&header_only).unwrap_err();
    assert!(
        matches!(err, LoadError::Read(ReadError::Empty { .. })),
        "header only gave {err:?}"
    );
}

#[test]
fn unreadable_files_error_with_the_path() {
    let missing = std::path::Path::new("no/such/cohort.csv");
    let err = Cohort::load(missing).unwrap_err();
    assert!(matches!(err, LoadError::Read(ReadError::Io { .. })));
    assert!(
        err.to_string()
            .starts_with("no/such/cohort.csv: cannot read the file")
    );

    let err = Cohort::load(std::path::Path::new("cohort.xls")).unwrap_err();
    assert!(
        err.to_string()
            .contains("expected a .csv, .tsv, .tab, .parquet or .xlsx file"),
        "{err}"
    );

    // Parquet bytes that are not Parquet.
    let err =
        Cohort::from_bytes("x.parquet", Format::Parquet, b"PAR1 not really".to_vec()).unwrap_err();
    assert!(
        matches!(err, LoadError::Read(ReadError::Unreadable { .. })),
        "{err:?}"
    );
    assert!(
        err.to_string()
            .starts_with("x.parquet: not a readable table")
    );
}

#[test]
fn binary_garbage_is_an_error_not_a_panic() {
    let bytes: Vec<u8> = (0u16..2048)
        .map(|i| (i.wrapping_mul(7919) % 251) as u8)
        .collect();
    let err = Cohort::from_bytes("garbage.csv", Format::Csv, bytes).unwrap_err();
    assert!(err.to_string().starts_with("garbage.csv: "), "{err}");
}

#[test]
fn error_messages_read_as_pinned() {
    let cases = [
        load(&with_cell(3, "sex", "M")),
        load(&with_cell(1, "survival_months", "-3")),
        load(&with_cell(20, "age", "121")),
        load(&with_cell(14, "last_status", "Alive")),
        load(&with_cell(15, "rt_dose_cgy", "70 Gy")),
        load(&with_cell(30, "patient", "7")),
        load(""),
    ];
    let messages: Vec<String> = cases
        .into_iter()
        .map(|r| r.unwrap_err().to_string())
        .collect();
    insta::assert_snapshot!("bad_input_messages", messages.join("\n"));
}

#[test]
fn a_row_with_a_shifted_column_is_refused_naming_it() {
    // A stray comma in patient 5's row, as a spreadsheet export makes it.
    let mut lines: Vec<String> = dizdar2021::PATIENTS_CSV
        .lines()
        .map(str::to_owned)
        .collect();
    lines[5] = lines[5].replacen(',', ",,", 1);
    let err = load(&(lines.join("\n") + "\n")).unwrap_err();
    assert!(
        matches!(
            err,
            LoadError::Read(ReadError::RaggedRow {
                row: 6,
                found: 16,
                expected: 15,
                ..
            })
        ),
        "{err:?}"
    );
    assert_eq!(
        err.to_string(),
        "cohort.csv: row 6: 16 fields; expected 15, as many as the header has"
    );
    // One field short.
    lines[5] = dizdar2021::PATIENTS_CSV
        .lines()
        .nth(5)
        .unwrap()
        .rsplit_once(',')
        .unwrap()
        .0
        .to_owned();
    let err = load(&(lines.join("\n") + "\n")).unwrap_err();
    assert!(
        matches!(
            err,
            LoadError::Read(ReadError::RaggedRow {
                row: 6,
                found: 14,
                ..
            })
        ),
        "{err:?}"
    );
}
