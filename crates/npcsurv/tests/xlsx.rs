//! Excel workbooks: every command that reads a file gives on a sheet the
//! results it gives on the CSV the sheet was made from, on its date cells the
//! results of the time column, and refuses a sheet it cannot read (exit 2).

mod common;

use common::{json_of, npcsurv, stderr};

const XLSX: &str = "fixtures/golden/data/lung.xlsx";
const CSV: &str = "fixtures/golden/data/cox/lung.csv";
const BAD: &str = "fixtures/golden/data/bad.xlsx";

/// The commands, with their own flags, that the equivalences run.
fn commands() -> Vec<Vec<&'static str>> {
    vec![
        vec![
            "km",
            "--group",
            "sex_female",
            "--at",
            "100,365",
            "--rmean",
            "700",
        ],
        vec!["logrank", "--group", "ph_ecog", "--trend"],
        vec![
            "cox",
            "--covariates",
            "age,ph_ecog",
            "--categorical",
            "ph_ecog",
        ],
        vec!["cox", "--covariates", "age,sex_female,wt_loss", "--zph"],
    ]
}

/// `command` on `file` with `time` flags and the command's own, as JSON.
fn run(command: &[&str], file: &str, time: &[&str], extra: &[&str]) -> serde_json::Value {
    let mut args = vec![command[0], file, "--event", "status", "--format", "json"];
    args.extend_from_slice(time);
    args.extend_from_slice(extra);
    args.extend_from_slice(&command[1..]);
    json_of(&npcsurv(&args))
}

#[test]
fn a_sheet_gives_the_results_of_its_csv() {
    for command in commands() {
        let by_time = ["--time", "time"];
        assert_eq!(
            run(&command, XLSX, &by_time, &[]),
            run(&command, CSV, &by_time, &[]),
            "{command:?}"
        );
        // The same sheet chosen by name and by position.
        for sheet in ["lung", "1"] {
            assert_eq!(
                run(&command, XLSX, &by_time, &["--sheet", sheet]),
                run(&command, CSV, &by_time, &[]),
                "{command:?} --sheet {sheet}"
            );
        }
    }
}

#[test]
fn date_cells_give_the_results_of_the_time_column() {
    let dates = ["--time-from", "diagnosed", "--time-to", "last_seen"];
    for command in commands() {
        assert_eq!(
            run(&command, XLSX, &dates, &[]),
            run(&command, CSV, &["--time", "time"], &[]),
            "{command:?}"
        );
    }
}

#[test]
fn a_sheet_that_cannot_be_read_is_refused() {
    let refused = |args: &[&str], fragments: &[&str]| {
        let out = npcsurv(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        for fragment in fragments {
            assert!(
                stderr(&out).contains(fragment),
                "{args:?}: expected `{fragment}` in {}",
                stderr(&out)
            );
        }
        assert!(out.stdout.is_empty(), "{args:?}");
    };
    let km = |file: &'static str, extra: &[&'static str]| {
        let mut args = vec!["km", file, "--time", "time", "--event", "status"];
        args.extend_from_slice(extra);
        args
    };
    refused(
        &km(CSV, &["--sheet", "lung"]),
        &["lung.csv: a sheet can be chosen only in an Excel workbook (.xlsx or .xlsm)"],
    );
    refused(
        &km(XLSX, &["--sheet", "survival"]),
        &["lung.xlsx: no sheet `survival`; the workbook has sheets `lung`, `notes`"],
    );
    refused(
        &km(XLSX, &["--sheet", "3"]),
        &["no sheet `3`; the workbook has sheets `lung`, `notes`"],
    );
    // The notes are no cohort: their columns are named.
    refused(
        &km(XLSX, &["--sheet", "notes"]),
        &["lung.xlsx, sheet `notes`: missing column `time`; the file has `column`, `meaning`"],
    );
    refused(
        &km(XLSX, &["--delimiter", ";"]),
        &["an Excel workbook has no delimiter or decimal mark to set"],
    );
    refused(
        &km(BAD, &["--sheet", "merged_header"]),
        &["bad.xlsx, sheet `merged_header`: header cells A1:B1 are merged"],
    );
    refused(
        &km(BAD, &["--sheet", "empty"]),
        &["bad.xlsx: sheet `empty` is empty"],
    );
    refused(
        &km(BAD, &["--sheet", "merged_data"]),
        &["cells B3:B4 of column `status` are merged"],
    );
}

#[test]
fn rows_left_out_are_counted_naming_the_sheet() {
    // `time` and `status` miss a value in a row each (empty cells), `age` in
    // two (#N/A).
    let out = npcsurv(&[
        "km", BAD, "--sheet", "missing", "--time", "time", "--event", "status", "--group", "age",
        "--format", "json",
    ]);
    let curves = json_of(&out)["curves"].as_array().unwrap().len();
    assert_eq!(curves, 2, "ages 60 and 70 are left");
    assert!(
        stderr(&out)
            .contains("bad.xlsx, sheet `missing`: 4 of 6 rows left out for a missing value"),
        "{}",
        stderr(&out)
    );
}
