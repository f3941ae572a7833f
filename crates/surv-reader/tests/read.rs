//! Behaviour tests of the public API of `surv-reader`: the same data read from
//! CSV, TSV and Parquet, missing cells, blank lines, every error with the row,
//! column and value it names, event coding, groups and covariates, BOM and CRLF,
//! `TextTable`, and `tabulate::counts`.

use std::path::{Path, PathBuf};

use surv_reader::{
    ColumnSpec, Covariate, Format, Labels, ReadError, SurvivalTable, TextTable, convert, tabulate,
};

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

/// Reads CSV text held in memory, named `t.csv` in errors.
fn csv(text: &str, spec: &ColumnSpec) -> Result<SurvivalTable, ReadError> {
    SurvivalTable::from_bytes("t.csv", Format::Csv, text.as_bytes().to_vec(), spec)
}

/// Reads CSV text held in memory that must be readable.
fn csv_ok(text: &str, spec: &ColumnSpec) -> SurvivalTable {
    csv(text, spec).unwrap_or_else(|e| panic!("{e}\n--- input ---\n{text}"))
}

/// Reads CSV text that must be refused.
fn csv_err(text: &str, spec: &ColumnSpec) -> ReadError {
    match csv(text, spec) {
        Ok(table) => panic!("expected an error, got {table:?}\n--- input ---\n{text}"),
        Err(e) => e,
    }
}

/// The same text with tabs for commas (for data without quoted commas).
fn tsv_of(csv: &str) -> String {
    assert!(!csv.contains('"'), "tsv_of takes unquoted CSV only");
    csv.replace(',', "\t")
}

/// The CSV text converted to Parquet bytes.
fn parquet_of(csv: &str) -> Vec<u8> {
    convert::to_parquet("t.csv", Format::Csv, csv.as_bytes().to_vec()).expect("converts")
}

fn parquet(bytes: Vec<u8>, spec: &ColumnSpec) -> Result<SurvivalTable, ReadError> {
    SurvivalTable::from_bytes("t.parquet", Format::Parquet, bytes, spec)
}

/// A directory of this test binary's own under Cargo's temporary directory.
fn tmp_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("surv-reader-read-tests");
    std::fs::create_dir_all(&dir).expect("temporary directory");
    dir
}

/// Writes `bytes` to a file named `name` in [`tmp_dir`] and returns its path.
fn write_file(name: &str, bytes: &[u8]) -> PathBuf {
    let path = tmp_dir().join(name);
    std::fs::write(&path, bytes).expect("written");
    path
}

/// The table with its `source` blanked, to compare tables read from different
/// places.
fn without_source(table: &SurvivalTable) -> SurvivalTable {
    SurvivalTable {
        source: String::new(),
        ..table.clone()
    }
}

/// Spreadsheet rows 2..=n+1 of a file `time,event,arm` with one cell replaced:
/// the cell of `column` (0 = time, 1 = event, 2 = arm) in spreadsheet row
/// `bad_row` holds `bad`.
fn long_csv(n: usize, bad_row: usize, column: usize, bad: &str) -> String {
    let mut text = String::from("time,event,arm\n");
    for row in 2..n + 2 {
        let mut cells = [
            format!("{}", row % 97 + 1),
            format!("{}", row % 2),
            if row % 3 == 0 { "A" } else { "B" }.to_owned(),
        ];
        if row == bad_row {
            cells[column] = bad.to_owned();
        }
        text.push_str(&cells.join(","));
        text.push('\n');
    }
    text
}

fn labels(column: &str, levels: &[&str], codes: &[u32]) -> Labels {
    Labels {
        column: column.to_owned(),
        levels: levels.iter().map(|&l| l.to_owned()).collect(),
        codes: codes.to_vec(),
    }
}

fn covariate(name: &str, values: &[f64]) -> Covariate {
    Covariate {
        name: name.to_owned(),
        values: values.to_vec(),
    }
}

fn names(items: &[&str]) -> Vec<String> {
    items.iter().map(|&s| s.to_owned()).collect()
}

// ---------------------------------------------------------------------------
// 1. The same data from CSV, TSV and Parquet
// ---------------------------------------------------------------------------

const TRIAL: &str = "\
id,time,status,arm,stage,age,sex,unused
1,5,1,2,I,61.5,M,x
2,8,0,10,II,70,F,y
3,3.5,1,2,III,,M,z
4,12,0,10,I,55,F,
5,7,1,2,II,48,M,w
6,9.25,1,10,II,NA,F,v
";

fn trial_spec() -> ColumnSpec {
    ColumnSpec {
        strata: Some("stage".into()),
        covariates: vec!["age".into(), "sex".into()],
        ..ColumnSpec::new("time", "status").with_group("arm")
    }
}

fn trial_expected() -> SurvivalTable {
    // Rows 3 and 6 miss their age; the empty `unused` cell of row 4 does not count.
    SurvivalTable {
        source: String::new(),
        time: vec![5.0, 8.0, 12.0, 7.0],
        event: vec![true, false, false, true],
        group: Some(labels("arm", &["2", "10"], &[0, 1, 1, 0])),
        strata: Some(labels("stage", &["I", "II"], &[0, 1, 0, 1])),
        covariates: vec![
            covariate("age", &[61.5, 70.0, 55.0, 48.0]),
            covariate("sex=M", &[1.0, 0.0, 0.0, 1.0]),
        ],
        entry: None,
        weights: None,
        cluster: None,
        status: None,
        n_read: 6,
        n_dropped: 2,
    }
}

/// Entry, weight and cluster columns are read with the others; a missing cell
/// drops the row, and a bad one is an error naming its row, column and value.
#[test]
fn entry_weight_and_cluster_columns() {
    let spec = ColumnSpec {
        entry: Some("start".into()),
        weights: Some("w".into()),
        cluster: Some("id".into()),
        ..ColumnSpec::new("stop", "event")
    };
    let text = "id,start,stop,event,w\nA,0,5,1,1.5\nA,5,9,0,1.5\nB,,4,1,2\nB,2,7,1,0.25\n";
    let table = csv_ok(text, &spec);
    assert_eq!(table.time, [5.0, 9.0, 7.0]);
    assert_eq!(table.entry.as_deref(), Some(&[0.0, 5.0, 2.0][..]));
    assert_eq!(table.weights.as_deref(), Some(&[1.5, 1.5, 0.25][..]));
    assert_eq!(
        table.cluster.as_ref().map(|c| c.codes.clone()),
        Some(vec![0, 0, 1])
    );
    assert_eq!(table.n_dropped, 1);
    for (bad, column, value) in [
        (
            "id,start,stop,event,w\nA,0,5,1,1\nA,5,5,0,1\n",
            "start",
            "5",
        ),
        (
            "id,start,stop,event,w\nA,0,5,1,1\nA,x,9,0,1\n",
            "start",
            "x",
        ),
        ("id,start,stop,event,w\nA,0,5,1,1\nA,5,9,0,-1\n", "w", "-1"),
    ] {
        let err = SurvivalTable::from_bytes("t.csv", Format::Csv, bad.as_bytes().to_vec(), &spec)
            .unwrap_err();
        let message = err.to_string();
        assert!(
            message.contains("row 3") && message.contains(column) && message.contains(value),
            "{message}"
        );
    }
}

#[test]
fn csv_tsv_and_parquet_of_the_same_data_give_the_same_table() {
    let spec = trial_spec();
    let expected = trial_expected();
    let tsv = tsv_of(TRIAL);
    let from_csv = csv_ok(TRIAL, &spec);
    assert_eq!(from_csv.source, "t.csv");
    assert_eq!(without_source(&from_csv), expected);

    let from_tsv =
        SurvivalTable::from_bytes("t.tsv", Format::Tsv, tsv.clone().into_bytes(), &spec).unwrap();
    assert_eq!(from_tsv.source, "t.tsv");
    assert_eq!(without_source(&from_tsv), expected, "TSV bytes");

    let from_parquet = parquet(parquet_of(TRIAL), &spec).unwrap();
    assert_eq!(from_parquet.source, "t.parquet");
    assert_eq!(without_source(&from_parquet), expected, "Parquet from CSV");

    let tsv_parquet = convert::to_parquet("t.tsv", Format::Tsv, tsv.clone().into_bytes()).unwrap();
    assert_eq!(
        without_source(&parquet(tsv_parquet, &spec).unwrap()),
        expected,
        "Parquet from TSV"
    );

    // The same through files, the format chosen by the extension.
    let files = [
        write_file("trial.csv", TRIAL.as_bytes()),
        write_file("trial.tsv", tsv.as_bytes()),
        write_file("trial.tab", tsv.as_bytes()),
        write_file("trial.TSV", tsv.as_bytes()),
        write_file("trial.parquet", &parquet_of(TRIAL)),
        write_file("trial.pq", &parquet_of(TRIAL)),
    ];
    for path in &files {
        let table = SurvivalTable::read(path, &spec).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(table.source, path.display().to_string());
        assert_eq!(without_source(&table), expected, "{}", path.display());
    }
}

#[test]
fn a_tsv_cell_may_hold_a_comma_and_a_space() {
    let tsv = "time\tevent\tarm\n5\t1\tA, left\n6\t0\tB right\n";
    let spec = ColumnSpec::new("time", "event").with_group("arm");
    let t =
        SurvivalTable::from_bytes("t.tsv", Format::Tsv, tsv.as_bytes().to_vec(), &spec).unwrap();
    assert_eq!(t.group.unwrap().levels, ["A, left", "B right"]);
}

#[test]
fn a_delimited_file_read_as_the_other_format_is_a_single_column() {
    // A TSV file read as CSV has one column named by the whole header line.
    let tsv = "time\tevent\n5\t1\n";
    let err = SurvivalTable::from_bytes(
        "t.csv",
        Format::Csv,
        tsv.as_bytes().to_vec(),
        &ColumnSpec::new("time", "event"),
    )
    .unwrap_err();
    match &err {
        ReadError::MissingColumn {
            path,
            column,
            found,
        } => {
            assert_eq!(path, "t.csv");
            assert_eq!(column, "time");
            assert_eq!(found, &names(&["time\tevent"]));
        }
        other => panic!("{other:?}"),
    }
}

#[test]

fn parquet_converted_from_a_file_with_blank_lines_reads_as_the_file_does() {
    let text = "time,event,arm\n5,1,A\n\n6,0,B\n  \n7,1,A\n\n";
    let spec = ColumnSpec::new("time", "event").with_group("arm");
    let from_csv = csv_ok(text, &spec);
    assert_eq!(from_csv.n_read, 3);
    let from_parquet = parquet(parquet_of(text), &spec).unwrap();
    assert_eq!(without_source(&from_parquet), without_source(&from_csv));
}

#[test]

fn a_row_of_empty_fields_counts_the_same_in_csv_and_tsv() {
    // `,,` in CSV and two tabs in TSV are the same row: three empty cells, a
    // missing row (pandas and R's read.delim read it as a row of NA too).
    let text = "time,event,arm\n5,1,A\n,,\n6,0,B\n";
    let spec = ColumnSpec::new("time", "event").with_group("arm");
    let from_csv = csv_ok(text, &spec);
    assert_eq!((from_csv.n_read, from_csv.n_dropped), (3, 1));
    let from_tsv =
        SurvivalTable::from_bytes("t.tsv", Format::Tsv, tsv_of(text).into_bytes(), &spec).unwrap();
    assert_eq!(without_source(&from_tsv), without_source(&from_csv));
}

// ---------------------------------------------------------------------------
// 2. Missing markers
// ---------------------------------------------------------------------------

const MARKERS: [&str; 10] = [
    "", "NA", ".", "NULL", " ", " NA", "NA ", " . ", "  NULL  ", "\tNA",
];

/// Columns `time,event,grp,str,cov,unused`; the cell of `column` in the second
/// data row (spreadsheet row 3) holds `cell`.
fn marked(column: usize, cell: &str) -> String {
    let mut rows = vec![
        ["5", "1", "a", "s1", "1.5", "u1"],
        ["6", "0", "b", "s2", "2.5", "u2"],
        ["7", "1", "a", "s1", "3.5", "u3"],
    ];
    rows[1][column] = cell;
    let mut text = String::from("time,event,grp,str,cov,unused\n");
    for row in rows {
        text.push_str(&row.join(","));
        text.push('\n');
    }
    text
}

fn marked_spec() -> ColumnSpec {
    ColumnSpec {
        strata: Some("str".into()),
        covariates: vec!["cov".into()],
        ..ColumnSpec::new("time", "event").with_group("grp")
    }
}

#[test]
fn a_missing_marker_in_any_used_column_leaves_the_row_out_and_counts_it() {
    let spec = marked_spec();
    for column in 0..5 {
        for marker in MARKERS {
            let text = marked(column, marker);
            let t = csv_ok(&text, &spec);
            let what = format!("column {column}, marker {marker:?}");
            assert_eq!(t.time, [5.0, 7.0], "{what}");
            assert_eq!(t.event, [true, true], "{what}");
            assert_eq!(t.group, Some(labels("grp", &["a"], &[0, 0])), "{what}");
            assert_eq!(t.strata, Some(labels("str", &["s1"], &[0, 0])), "{what}");
            assert_eq!(t.covariates, [covariate("cov", &[1.5, 3.5])], "{what}");
            assert_eq!((t.n_read, t.n_dropped), (3, 1), "{what}");

            // The same from Parquet (cells such as ` NA ` stored as text).
            let p = parquet(parquet_of(&text), &spec).unwrap();
            assert_eq!(without_source(&p), without_source(&t), "Parquet, {what}");
            // And TSV, but for a tab marker, which TSV reads as two cells.
            if !marker.contains('\t') {
                let tsv = SurvivalTable::from_bytes(
                    "t.tsv",
                    Format::Tsv,
                    tsv_of(&text).into_bytes(),
                    &spec,
                )
                .unwrap();
                assert_eq!(without_source(&tsv), without_source(&t), "TSV, {what}");
            }
        }
    }
}

#[test]
fn a_missing_marker_in_an_unused_column_keeps_the_row() {
    let spec = marked_spec();
    for marker in MARKERS {
        let t = csv_ok(&marked(5, marker), &spec);
        assert_eq!(t.time, [5.0, 6.0, 7.0], "marker {marker:?}");
        assert_eq!((t.n_read, t.n_dropped), (3, 0), "marker {marker:?}");
    }
}

#[test]
fn with_an_event_value_a_missing_event_is_missing_not_censored() {
    for marker in [".", "NULL", "NA", " . ", " NULL", "NA  ", ""] {
        let text = format!("time,status\n5,Ex\n6,{marker}\n7,Cens\n8,Ex\n");
        let spec = ColumnSpec {
            event_value: Some("Ex".into()),
            ..ColumnSpec::new("time", "status")
        };
        let t = csv_ok(&text, &spec);
        assert_eq!(t.time, [5.0, 7.0, 8.0], "marker {marker:?}");
        assert_eq!(t.event, [true, false, true], "marker {marker:?}");
        assert_eq!((t.n_read, t.n_dropped), (4, 1), "marker {marker:?}");

        // R's numeric coding, 2 = dead.
        let text = format!("time,status\n5,2\n6,{marker}\n7,1\n8,2\n");
        let spec = ColumnSpec {
            event_value: Some("2".into()),
            ..ColumnSpec::new("time", "status")
        };
        let t = csv_ok(&text, &spec);
        assert_eq!(t.time, [5.0, 7.0, 8.0], "marker {marker:?}");
        assert_eq!(t.event, [true, false, true], "marker {marker:?}");
        assert_eq!((t.n_read, t.n_dropped), (4, 1), "marker {marker:?}");
    }
}

#[test]
fn a_missing_marker_late_in_a_long_numeric_column_is_still_missing() {
    // Beyond polars' 1000-row type inference the column is read as text.
    for marker in [" NA ", " . ", "NULL "] {
        let text = long_csv(2000, 1500, 0, marker);
        let t = csv_ok(&text, &ColumnSpec::new("time", "event").with_group("arm"));
        assert_eq!((t.n_read, t.n_dropped), (2000, 1), "marker {marker:?}");
        assert_eq!(t.time.len(), 1999);
        assert_eq!(t.group.unwrap().levels, ["A", "B"]);
    }
}

// ---------------------------------------------------------------------------
// 3. Blank lines
// ---------------------------------------------------------------------------

#[test]
fn blank_lines_are_skipped_and_not_counted() {
    let spec = ColumnSpec::new("time", "event").with_group("arm");
    for text in [
        "time,event,arm\n5,1,A\n\n6,0,B\n7,1,A\n",
        "time,event,arm\n5,1,A\n6,0,B\n7,1,A\n\n",
        "time,event,arm\n5,1,A\n6,0,B\n7,1,A\n\n\n",
        "time,event,arm\n5,1,A\n   \n6,0,B\n \t \n7,1,A\n",
        "time,event,arm\n\n5,1,A\n6,0,B\n7,1,A\n",
        "time,event,arm\r\n5,1,A\r\n\r\n6,0,B\r\n7,1,A\r\n\r\n",
    ] {
        let t = csv_ok(text, &spec);
        assert_eq!(t.time, [5.0, 6.0, 7.0], "{text:?}");
        assert_eq!(t.event, [true, false, true], "{text:?}");
        assert_eq!(
            t.group,
            Some(labels("arm", &["A", "B"], &[0, 1, 0])),
            "{text:?}"
        );
        assert_eq!((t.n_read, t.n_dropped), (3, 0), "{text:?}");
    }
}

#[test]
fn blank_lines_and_missing_rows_are_told_apart() {
    let text = "time,event\n5,1\n\nNA,0\n\n7,1\n";
    let t = csv_ok(text, &ColumnSpec::new("time", "event"));
    assert_eq!(t.time, [5.0, 7.0]);
    assert_eq!((t.n_read, t.n_dropped), (3, 1));
}

#[test]
fn blank_lines_throughout_a_large_file_keep_the_row_numbers() {
    // Large enough for polars to parse in several chunks.
    let mut text = String::from("time,event,arm\n");
    let (mut data, mut line) = (0, 2);
    while data < 100_000 {
        if line % 997 == 0 {
            text.push('\n');
        } else if line % 1009 == 0 {
            text.push_str("  \n");
        } else {
            text.push_str(&format!("{},{},A\n", line % 50, line % 2));
            data += 1;
        }
        line += 1;
    }
    let spec = ColumnSpec::new("time", "event");
    let t = csv_ok(&text, &spec);
    assert_eq!((t.n_read, t.n_dropped, t.time.len()), (100_000, 0, 100_000));
    assert_eq!(t.time[..3], [2.0, 3.0, 4.0]);
    let last = (line - 1) as f64 % 50.0;
    assert_eq!(t.time.last(), Some(&last));

    let tt = TextTable::from_bytes("t.csv", Format::Csv, text.clone().into_bytes()).unwrap();
    assert_eq!(tt.height(), 100_000);
    assert_eq!(tt.row_number(99_999), line - 1);
    // Rows 2..=996 are data, 997 is blank: the 996th data row is row 998.
    assert_eq!((tt.row_number(994), tt.row_number(995)), (996, 998));

    text.push_str("\n\nx,1,A\n");
    let err = csv_err(&text, &spec);
    assert_eq!(
        invalid(&err),
        ("t.csv", line + 2, "time", "x", EXPECTED_TIME)
    );
}

#[test]
fn an_error_after_a_blank_line_names_the_spreadsheet_row() {
    let spec = ColumnSpec::new("time", "event");
    // Row 1 header, 2 `5,1`, 3 blank, 4 `6,0`, 5 `abc,1`.
    let err = csv_err("time,event\n5,1\n\n6,0\nabc,1\n", &spec);
    match &err {
        ReadError::InvalidValue {
            path,
            row,
            column,
            value,
            ..
        } => {
            assert_eq!((path.as_str(), *row), ("t.csv", 5));
            assert_eq!((column.as_str(), value.as_str()), ("time", "abc"));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        err.to_string(),
        "t.csv: row 5, column `time`: `abc`; expected a number of time units, 0 or more"
    );

    // Two blank lines, one of them white space, before an event code 2.
    let err = csv_err("time,event\n5,1\n\n  \n6,2\n", &spec);
    assert!(
        matches!(&err, ReadError::InvalidValue { row: 5, column, value, .. } if column == "event" && value == "2"),
        "{err:?}"
    );

    // A ragged row after a blank line.
    let err = csv_err("time,event\n5,1\n\n6,0,9\n", &spec);
    assert!(
        matches!(
            err,
            ReadError::RaggedRow {
                row: 4,
                found: 3,
                expected: 2,
                ..
            }
        ),
        "{err:?}"
    );
}

#[test]
fn a_header_followed_only_by_blank_lines_is_empty() {
    for text in [
        "time,event\n\n",
        "time,event\n\n\n  \n",
        "time,event\r\n\r\n",
    ] {
        let err = csv_err(text, &ColumnSpec::new("time", "event"));
        assert!(
            matches!(&err, ReadError::Empty { path } if path == "t.csv"),
            "{text:?}: {err:?}"
        );
        let err =
            TextTable::from_bytes("t.csv", Format::Csv, text.as_bytes().to_vec()).unwrap_err();
        assert!(matches!(err, ReadError::Empty { .. }), "{text:?}: {err:?}");
    }
}

// ---------------------------------------------------------------------------
// 4. Errors
// ---------------------------------------------------------------------------

#[test]
fn a_row_with_one_field_more_is_ragged() {
    let err = csv_err(
        "time,event\n5,1\n6,0,extra\n7,1\n",
        &ColumnSpec::new("time", "event"),
    );
    match &err {
        ReadError::RaggedRow {
            path,
            row,
            found,
            expected,
        } => assert_eq!((path.as_str(), *row, *found, *expected), ("t.csv", 3, 3, 2)),
        other => panic!("{other:?}"),
    }
    assert_eq!(
        err.to_string(),
        "t.csv: row 3: 3 fields; expected 2, as many as the header has"
    );
}

#[test]
fn a_row_with_one_field_fewer_is_ragged() {
    // Even when the missing field is in a column the analysis does not use.
    let err = csv_err(
        "time,event,arm\n5,1,A\n6,0,B\n7,1\n",
        &ColumnSpec::new("time", "event"),
    );
    match &err {
        ReadError::RaggedRow {
            path,
            row,
            found,
            expected,
        } => assert_eq!((path.as_str(), *row, *found, *expected), ("t.csv", 4, 2, 3)),
        other => panic!("{other:?}"),
    }
    assert_eq!(
        err.to_string(),
        "t.csv: row 4: 2 fields; expected 3, as many as the header has"
    );

    // The same in TSV.
    let err = SurvivalTable::from_bytes(
        "t.tsv",
        Format::Tsv,
        b"time\tevent\tarm\n5\t1\tA\n6\t0\n".to_vec(),
        &ColumnSpec::new("time", "event"),
    )
    .unwrap_err();
    assert!(
        matches!(&err, ReadError::RaggedRow { path, row: 3, found: 2, expected: 3 } if path == "t.tsv"),
        "{err:?}"
    );
}

#[test]
fn a_ragged_row_late_in_a_long_file_names_its_row() {
    let mut text = long_csv(2000, 0, 0, "");
    text.push_str("5,1,A,extra\n");
    let err = csv_err(&text, &ColumnSpec::new("time", "event"));
    assert!(
        matches!(
            err,
            ReadError::RaggedRow {
                row: 2002,
                found: 4,
                expected: 3,
                ..
            }
        ),
        "{err:?}"
    );
}

#[test]
fn a_quoted_comma_or_newline_is_inside_a_field_and_not_ragged() {
    let spec = ColumnSpec::new("time", "event").with_group("arm");
    let t = csv_ok("time,event,arm\n5,1,\"A,B\"\n6,0,C\n7,1,\"A,B\"\n", &spec);
    assert_eq!(t.group, Some(labels("arm", &["A,B", "C"], &[0, 1, 0])));
    assert_eq!(t.n_read, 3);

    let t = csv_ok("time,event,arm\n5,1,\"A\nB\"\n6,0,C\n", &spec);
    assert_eq!(t.group, Some(labels("arm", &["A\nB", "C"], &[0, 1])));
    assert_eq!(t.time, [5.0, 6.0]);
    assert_eq!(t.n_read, 2);

    // A doubled quote is a literal quote.
    let t = csv_ok("time,event,arm\n5,1,\"say \"\"hi\"\", then\"\n", &spec);
    assert_eq!(t.group.unwrap().levels, ["say \"hi\", then"]);

    // A quoted field with a comma, yet one field too many.
    let err = csv_err("time,event,arm\n5,1,\"A,B\",extra\n", &spec);
    assert!(
        matches!(
            err,
            ReadError::RaggedRow {
                row: 2,
                found: 4,
                expected: 3,
                ..
            }
        ),
        "{err:?}"
    );

    // A record spanning two lines is one row: the next is row 3.
    let err = csv_err("time,event,arm\n5,1,\"A\nB\"\nx,0,C\n", &spec);
    assert!(
        matches!(&err, ReadError::InvalidValue { row: 3, column, value, .. } if column == "time" && value == "x"),
        "{err:?}"
    );
    let err = csv_err("time,event,arm\n5,1,\"A\nB\"\n6,0\n", &spec);
    assert!(
        matches!(
            err,
            ReadError::RaggedRow {
                row: 3,
                found: 2,
                expected: 3,
                ..
            }
        ),
        "{err:?}"
    );
}

#[test]

fn a_stray_quote_inside_a_field_does_not_swallow_the_rows_after_it() {
    let spec = ColumnSpec::new("time", "event");
    for text in [
        // Never closed: rows 3 and 4 vanish, even a ragged row and a bad event.
        "time,event,name\n5,1,O\"Brien\n6,0,Smith\n7,1,Jones\n",
        "time,event,name\n5,1,O\"Brien\n6,x,Smith\n7,1,Jones,extra\n",
        // Closed on the next line: rows 2 and 3 become one.
        "time,event,name\n5,1,O\"Brien\n6,0,D\"Arcy\n7,1,Smith\n",
    ] {
        match csv(text, &spec) {
            Ok(t) => panic!(
                "{text:?}: read {} of 3 rows without an error: {t:?}",
                t.n_read
            ),
            Err(err) => assert!(err.to_string().contains("row 2"), "{text:?}: {err}"),
        }
    }
}

#[test]

fn an_invalid_value_is_quoted_as_the_file_has_it() {
    let spec = ColumnSpec::new("time", "event");
    let err = csv_err("time,event\n5,1.0\n6,2.0\n", &spec);
    assert_eq!(invalid(&err), ("t.csv", 3, "event", "2.0", EXPECTED_EVENT));
    let err = csv_err("time,event\n5.0,1\n-3.50,0\n", &spec);
    assert_eq!(invalid(&err), ("t.csv", 3, "time", "-3.50", EXPECTED_TIME));
}

/// A file's bytes are let go once parsed; the message still quotes the cell
/// as the file has it (read again), not as polars parsed it.
#[test]
fn an_invalid_value_in_a_file_is_quoted_as_the_file_has_it() {
    let path = write_file("quoted-event.csv", b"time,event\n5,1.0\n6,2.0\n");
    let err = SurvivalTable::read(&path, &ColumnSpec::new("time", "event")).unwrap_err();
    let shown = path.display().to_string();
    assert_eq!(
        invalid(&err),
        (shown.as_str(), 3, "event", "2.0", EXPECTED_EVENT)
    );
}

#[test]
fn a_repeated_header_name_is_refused() {
    let err = csv_err(
        "time,event,arm,event\n5,1,A,0\n",
        &ColumnSpec::new("time", "event"),
    );
    match &err {
        ReadError::DuplicateColumn {
            path,
            column,
            positions,
        } => {
            assert_eq!((path.as_str(), column.as_str()), ("t.csv", "event"));
            assert_eq!(*positions, (2, 4));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        err.to_string(),
        "t.csv: row 1: the header names column `event` twice (fields 2 and 4); expected each column name once"
    );
    // Also when the repeated column is not used, and for TextTable.
    let text = "time,event,x,x\n5,1,a,b\n";
    assert!(matches!(
        csv_err(text, &ColumnSpec::new("time", "event")),
        ReadError::DuplicateColumn {
            positions: (3, 4),
            ..
        }
    ));
    assert!(matches!(
        TextTable::from_bytes("t.csv", Format::Csv, text.as_bytes().to_vec()),
        Err(ReadError::DuplicateColumn {
            positions: (3, 4),
            ..
        })
    ));
}

#[test]
fn a_missing_column_is_named_with_the_columns_the_file_has() {
    let text = "time,event,arm\n5,1,A\n";
    let spec = ColumnSpec {
        covariates: vec!["age".into()],
        ..ColumnSpec::new("time", "event").with_group("arm")
    };
    let err = csv_err(text, &spec);
    match &err {
        ReadError::MissingColumn {
            path,
            column,
            found,
        } => {
            assert_eq!((path.as_str(), column.as_str()), ("t.csv", "age"));
            assert_eq!(found, &names(&["time", "event", "arm"]));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        err.to_string(),
        "t.csv: missing column `age`; the file has `time`, `event`, `arm`"
    );

    // The same from Parquet.
    let err = parquet(parquet_of(text), &spec).unwrap_err();
    match &err {
        ReadError::MissingColumn {
            path,
            column,
            found,
        } => {
            assert_eq!((path.as_str(), column.as_str()), ("t.parquet", "age"));
            assert_eq!(found, &names(&["time", "event", "arm"]));
        }
        other => panic!("{other:?}"),
    }

    // Column names are case-sensitive; the first missing one is named.
    let err = csv_err(text, &ColumnSpec::new("Time", "Event"));
    assert!(
        matches!(&err, ReadError::MissingColumn { column, .. } if column == "Time"),
        "{err:?}"
    );
}

#[test]
fn a_long_list_of_columns_is_cut_short_in_the_message() {
    let header: Vec<String> = (1..=25).map(|i| format!("c{i}")).collect();
    let text = format!("{}\n{}\n", header.join(","), vec!["1"; 25].join(","));
    let err = csv_err(&text, &ColumnSpec::new("time", "c1"));
    match &err {
        ReadError::MissingColumn { found, .. } => assert_eq!(found, &header),
        other => panic!("{other:?}"),
    }
    let listed: Vec<String> = header[..20].iter().map(|c| format!("`{c}`")).collect();
    assert_eq!(
        err.to_string(),
        format!(
            "t.csv: missing column `time`; the file has {} and 5 more",
            listed.join(", ")
        )
    );
}

/// The `InvalidValue` error's fields: (path, row, column, value, expected).
fn invalid(err: &ReadError) -> (&str, usize, &str, &str, &str) {
    match err {
        ReadError::InvalidValue {
            path,
            row,
            column,
            value,
            expected,
        } => (path, *row, column, value, expected),
        other => panic!("expected InvalidValue, got {other:?}"),
    }
}

const EXPECTED_TIME: &str = "a number of time units, 0 or more";
const EXPECTED_EVENT: &str =
    "1 or 0 (or true/false); give --event-value for other codes, e.g. 2 for R's dead";

#[test]
fn text_in_the_time_column_names_its_row_and_value() {
    let spec = ColumnSpec::new("time", "event");
    let err = csv_err("time,event\n5,1\n6,0\nsoon,1\n", &spec);
    assert_eq!(invalid(&err), ("t.csv", 4, "time", "soon", EXPECTED_TIME));
    assert_eq!(
        err.to_string(),
        "t.csv: row 4, column `time`: `soon`; expected a number of time units, 0 or more"
    );
}

#[test]
fn text_late_in_a_long_time_column_names_its_row() {
    // Row 1500 of 2000, beyond the 1000 rows polars infers the type from.
    let err = csv_err(
        &long_csv(2000, 1500, 0, "soon"),
        &ColumnSpec::new("time", "event"),
    );
    assert_eq!(
        invalid(&err),
        ("t.csv", 1500, "time", "soon", EXPECTED_TIME)
    );
    assert_eq!(
        err.to_string(),
        "t.csv: row 1500, column `time`: `soon`; expected a number of time units, 0 or more"
    );
}

#[test]
fn a_negative_time_is_refused_with_its_row() {
    let spec = ColumnSpec::new("time", "event");
    let err = csv_err("time,event\n5,1\n-3,0\n7,1\n", &spec);
    assert_eq!(invalid(&err), ("t.csv", 3, "time", "-3", EXPECTED_TIME));
    assert_eq!(
        err.to_string(),
        "t.csv: row 3, column `time`: `-3`; expected a number of time units, 0 or more"
    );
    let err = csv_err("time,event\n5.5,1\n-0.25,0\n", &spec);
    assert_eq!(invalid(&err), ("t.csv", 3, "time", "-0.25", EXPECTED_TIME));

    let err = csv_err(&long_csv(2000, 1500, 0, "-3"), &spec);
    assert_eq!(invalid(&err), ("t.csv", 1500, "time", "-3", EXPECTED_TIME));
    // Zero is a time.
    assert_eq!(csv_ok("time,event\n0,1\n", &spec).time, [0.0]);
}

#[test]
fn an_infinite_or_nan_time_is_refused_with_its_row() {
    let spec = ColumnSpec::new("time", "event");
    for bad in ["Inf", "inf", "-Inf", "NaN"] {
        let err = csv_err(&format!("time,event\n5,1\n6,0\n{bad},1\n"), &spec);
        assert_eq!(
            invalid(&err),
            ("t.csv", 4, "time", bad, EXPECTED_TIME),
            "{bad}"
        );
        let err = csv_err(&long_csv(2000, 1500, 0, bad), &spec);
        assert_eq!(
            invalid(&err),
            ("t.csv", 1500, "time", bad, EXPECTED_TIME),
            "{bad}"
        );
    }
}

#[test]
fn a_bad_event_code_names_its_own_row_and_value() {
    // Regression: the error used to name row 2 with the value of the first row.
    let spec = ColumnSpec::new("time", "event");
    let err = csv_err("time,event\n5,1\n6,0\n7,x\n8,1\n", &spec);
    assert_eq!(invalid(&err), ("t.csv", 4, "event", "x", EXPECTED_EVENT));
    assert_eq!(
        err.to_string(),
        "t.csv: row 4, column `event`: `x`; expected 1 or 0 (or true/false); give --event-value for other codes, e.g. 2 for R's dead"
    );
    let err = csv_err("time,event\n5,1\n6,0\n7,2\n8,1\n", &spec);
    assert_eq!(invalid(&err), ("t.csv", 4, "event", "2", EXPECTED_EVENT));
    let err = csv_err("time,event\n5,0\n6,2\n", &spec);
    assert_eq!(invalid(&err), ("t.csv", 3, "event", "2", EXPECTED_EVENT));
    let err = csv_err("time,event\n5,true\n6,yes\n", &spec);
    assert_eq!(invalid(&err), ("t.csv", 3, "event", "yes", EXPECTED_EVENT));

    // Late in a long file, as text and as a number.
    let err = csv_err(&long_csv(2000, 1500, 1, "x"), &spec);
    assert_eq!(invalid(&err), ("t.csv", 1500, "event", "x", EXPECTED_EVENT));
    let err = csv_err(&long_csv(2000, 1500, 1, "2"), &spec);
    assert_eq!(invalid(&err), ("t.csv", 1500, "event", "2", EXPECTED_EVENT));
}

#[test]
fn a_bad_value_names_the_file_it_came_from() {
    let path = write_file("bad-event.tsv", b"time\tevent\n5\t1\n6\tx\n");
    let err = SurvivalTable::read(&path, &ColumnSpec::new("time", "event")).unwrap_err();
    let shown = path.display().to_string();
    assert_eq!(
        invalid(&err),
        (shown.as_str(), 3, "event", "x", EXPECTED_EVENT)
    );
    assert!(
        err.to_string()
            .starts_with(&format!("{shown}: row 3, column `event`: `x`"))
    );
}

/// The `ValueNotFound` error's fields: (path, option, column, value, seen).
fn not_found(err: &ReadError) -> (&str, &str, &str, &str, Vec<&str>) {
    match err {
        ReadError::ValueNotFound {
            path,
            option,
            column,
            value,
            seen,
        } => (
            path,
            option,
            column,
            value,
            seen.iter().map(String::as_str).collect(),
        ),
        other => panic!("expected ValueNotFound, got {other:?}"),
    }
}

#[test]
fn an_event_value_that_matches_no_row_lists_the_values_seen() {
    let spec = ColumnSpec {
        event_value: Some("2".into()),
        ..ColumnSpec::new("time", "status")
    };
    let err = csv_err("time,status\n5,1\n6,0\n7,1\n8,10\n", &spec);
    assert_eq!(
        not_found(&err),
        (
            "t.csv",
            "--event-value",
            "status",
            "2",
            vec!["0", "1", "10"]
        )
    );
    assert_eq!(
        err.to_string(),
        "t.csv: --event-value `2` matches no row of column `status`; the column holds `0`, `1`, `10`"
    );

    // Text, sorted in byte order; a missing row's value is not seen.
    let spec = ColumnSpec {
        event_value: Some("Ex".into()),
        ..ColumnSpec::new("time", "status")
    };
    let err = csv_err(
        "time,status\n5,dead\n6,Alive\n7,NA\n8,Dead\n9,Alive\nNA,EX\n",
        &spec,
    );
    assert_eq!(
        not_found(&err),
        (
            "t.csv",
            "--event-value",
            "status",
            "Ex",
            vec!["Alive", "Dead", "dead"]
        )
    );
    assert_eq!(
        err.to_string(),
        "t.csv: --event-value `Ex` matches no row of column `status`; the column holds `Alive`, `Dead`, `dead`"
    );
}

#[test]
fn a_reference_level_that_does_not_occur_is_refused() {
    let spec = ColumnSpec {
        covariates: vec!["sex".into()],
        references: vec![("sex".into(), "X".into())],
        ..ColumnSpec::new("time", "event")
    };
    let err = csv_err("time,event,sex\n5,1,M\n6,0,F\n7,1,M\n", &spec);
    assert_eq!(
        not_found(&err),
        ("t.csv", "--reference", "sex", "X", vec!["F", "M"])
    );
    assert_eq!(
        err.to_string(),
        "t.csv: --reference `X` matches no row of column `sex`; the column holds `F`, `M`"
    );
}

#[test]
fn an_empty_file_and_a_header_only_file_are_empty() {
    let spec = ColumnSpec::new("time", "event");
    for text in [
        "",
        "\n",
        "  \n\n",
        "time,event\n",
        "time,event",
        "time,event\r\n",
    ] {
        let err = csv_err(text, &spec);
        match &err {
            ReadError::Empty { path } => assert_eq!(path, "t.csv", "{text:?}"),
            other => panic!("{text:?}: {other:?}"),
        }
        assert_eq!(
            err.to_string(),
            "t.csv: the file holds no data rows; expected a header and at least one row"
        );
        let err =
            TextTable::from_bytes("t.csv", Format::Csv, text.as_bytes().to_vec()).unwrap_err();
        assert!(matches!(err, ReadError::Empty { .. }), "{text:?}: {err:?}");
    }
    // A Parquet file of no rows, and an empty file read by its path.
    let err = parquet(parquet_of("time,event\n"), &spec).unwrap_err();
    assert!(
        matches!(&err, ReadError::Empty { path } if path == "t.parquet"),
        "{err:?}"
    );
    let path = write_file("empty.csv", b"");
    let err = SurvivalTable::read(&path, &spec).unwrap_err();
    assert!(
        matches!(&err, ReadError::Empty { path: p } if *p == path.display().to_string()),
        "{err:?}"
    );
}

#[test]
fn a_file_whose_every_row_misses_a_value_is_refused() {
    let spec = ColumnSpec::new("time", "event").with_group("arm");
    let err = csv_err("time,event,arm\nNA,1,A\n5,.,B\n\n6,1,NULL\n", &spec);
    match &err {
        ReadError::AllRowsMissing { path, rows } => {
            assert_eq!((path.as_str(), *rows), ("t.csv", 3));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        err.to_string(),
        "t.csv: all 3 rows miss a value in a column the analysis uses; expected at least one complete row"
    );
}

#[test]
fn an_unsupported_extension_is_refused_before_reading() {
    // The file need not exist: the extension is enough.
    for name in ["cohort.xls", "cohort", "cohort.csv.gz"] {
        let path = tmp_dir().join(name);
        let err = SurvivalTable::read(&path, &ColumnSpec::new("time", "event")).unwrap_err();
        let shown = path.display().to_string();
        match &err {
            ReadError::UnsupportedFormat { path } => assert_eq!(path, &shown),
            other => panic!("{name}: {other:?}"),
        }
        assert_eq!(
            err.to_string(),
            format!(
                "{shown}: unknown file type; expected a .csv, .tsv, .tab, .parquet or .xlsx file"
            )
        );
        assert!(matches!(
            TextTable::read(&path),
            Err(ReadError::UnsupportedFormat { .. })
        ));
    }
}

#[test]
fn a_file_that_does_not_exist_is_an_io_error() {
    let path = tmp_dir().join("no-such-file.csv");
    let err = SurvivalTable::read(&path, &ColumnSpec::new("time", "event")).unwrap_err();
    let shown = path.display().to_string();
    match &err {
        ReadError::Io { path, source } => {
            assert_eq!(path, &shown);
            assert_eq!(source.kind(), std::io::ErrorKind::NotFound);
        }
        other => panic!("{other:?}"),
    }
    assert!(
        err.to_string()
            .starts_with(&format!("{shown}: cannot read the file: ")),
        "{err}"
    );
    assert!(std::error::Error::source(&err).is_some());
    assert!(matches!(
        TextTable::read(&tmp_dir().join("no-such-file.parquet")),
        Err(ReadError::Io { .. })
    ));
}

#[test]
fn bytes_that_are_not_parquet_are_unreadable() {
    let spec = ColumnSpec::new("time", "event");
    for bytes in [
        b"time,event\n5,1\n".to_vec(),
        b"PAR1 but not really".to_vec(),
    ] {
        let err = parquet(bytes, &spec).unwrap_err();
        match &err {
            ReadError::Unreadable { path, reason } => {
                assert_eq!(path, "t.parquet");
                assert!(!reason.is_empty());
            }
            other => panic!("{other:?}"),
        }
        assert!(
            err.to_string()
                .starts_with("t.parquet: not a readable table: "),
            "{err}"
        );
        assert!(std::error::Error::source(&err).is_none());
    }
    // A CSV file named .parquet.
    let path = write_file("csv-in-disguise.parquet", b"time,event\n5,1\n");
    assert!(matches!(
        SurvivalTable::read(&path, &spec),
        Err(ReadError::Unreadable { .. })
    ));
    assert!(matches!(
        TextTable::read(&path),
        Err(ReadError::Unreadable { .. })
    ));
}

// ---------------------------------------------------------------------------
// 5. Event coding
// ---------------------------------------------------------------------------

#[test]
fn events_coded_one_zero_or_true_false() {
    let spec = ColumnSpec::new("time", "event");
    for (column, expected) in [
        ("1,0,0,1", [true, false, false, true]),
        ("1.0,0.0,0,1", [true, false, false, true]),
        ("true,false,false,true", [true, false, false, true]),
        ("TRUE,False,false,True", [true, false, false, true]),
        ("FALSE,TRUE,true,false", [false, true, true, false]),
    ] {
        let mut text = String::from("time,event\n");
        for (i, cell) in column.split(',').enumerate() {
            text.push_str(&format!("{},{cell}\n", i + 1));
        }
        let t = csv_ok(&text, &spec);
        assert_eq!(t.event, expected, "{column}");
        // The same from Parquet, where true/false are Booleans and 1.0 a float.
        let p = parquet(parquet_of(&text), &spec).unwrap();
        assert_eq!(p.event, expected, "Parquet {column}");
    }
}

#[test]
fn a_numeric_event_value_matches_numerically() {
    let spec = ColumnSpec {
        event_value: Some("2".into()),
        ..ColumnSpec::new("time", "status")
    };
    let t = csv_ok("time,status\n1,2\n2,1\n3,2\n4,1\n", &spec);
    assert_eq!(t.event, [true, false, true, false]);
    let t = csv_ok("time,status\n1,2.0\n2,1.0\n3,2\n4,1.5\n", &spec);
    assert_eq!(t.event, [true, false, true, false]);
    // In a text column too: `2.0` is 2.
    let t = csv_ok("time,status\n1,2.0\n2,censored\n3,2\n", &spec);
    assert_eq!(t.event, [true, false, true]);
    // And written as 2.0 it matches 2.
    let spec = ColumnSpec {
        event_value: Some("2.0".into()),
        ..spec
    };
    let t = csv_ok("time,status\n1,2\n2,1\n", &spec);
    assert_eq!(t.event, [true, false]);
    let p = parquet(parquet_of("time,status\n1,2\n2,1\n"), &spec).unwrap();
    assert_eq!(p.event, [true, false]);
}

#[test]
fn a_text_event_value_matches_the_cell() {
    let spec = ColumnSpec {
        event_value: Some("Ex".into()),
        ..ColumnSpec::new("time", "status")
    };
    let text = "time,status\n1,Ex\n2,Cens\n3,ex\n4, Ex \n5,Exit\n";
    let t = csv_ok(text, &spec);
    // Case matters; surrounding white space does not.
    assert_eq!(t.event, [true, false, false, true, false]);
    let p = parquet(parquet_of(text), &spec).unwrap();
    assert_eq!(p.event, t.event);
    // Any code that is not 0/1 is fine with an event value.
    let t = csv_ok("time,status\n1,Ex\n2,0\n3,7\n", &spec);
    assert_eq!(t.event, [true, false, false]);
}

// ---------------------------------------------------------------------------
// 6. Groups and covariates
// ---------------------------------------------------------------------------

#[test]
fn a_numeric_group_sorts_numerically_and_a_text_one_in_byte_order() {
    let spec = ColumnSpec {
        strata: Some("site".into()),
        ..ColumnSpec::new("time", "event").with_group("arm")
    };
    let text = "time,event,arm,site\n1,1,10,b\n2,0,2,B\n3,1,1,a\n4,0,10,10\n5,1,2,2\n6,1,-1,b\n";
    let t = csv_ok(text, &spec);
    assert_eq!(
        t.group,
        Some(labels("arm", &["-1", "1", "2", "10"], &[3, 2, 1, 3, 2, 0]))
    );
    assert_eq!(
        t.strata,
        Some(labels(
            "site",
            &["10", "2", "B", "a", "b"],
            &[4, 2, 3, 0, 1, 4]
        ))
    );
    let p = parquet(parquet_of(text), &spec).unwrap();
    assert_eq!(without_source(&p), without_source(&t));

    // Decimals sort numerically too and are shown as numbers.
    let t = csv_ok(
        "time,event,arm\n1,1,2.5\n2,0,10\n3,1,0.5\n",
        &ColumnSpec::new("time", "event").with_group("arm"),
    );
    assert_eq!(
        t.group,
        Some(labels("arm", &["0.5", "2.5", "10"], &[1, 2, 0]))
    );
}

#[test]
fn group_codes_follow_the_kept_rows() {
    let spec = ColumnSpec::new("time", "event").with_group("arm");
    let t = csv_ok("time,event,arm\n1,1,C\nNA,0,A\n3,1,B\n4,0,C\n", &spec);
    // `A` is only on a dropped row, so it is no level.
    assert_eq!(t.group, Some(labels("arm", &["B", "C"], &[1, 0, 1])));
    // White space around a label is not part of it.
    let t = csv_ok("time,event,arm\n1,1, B\n2,0,B \n3,1,A\n", &spec);
    assert_eq!(t.group, Some(labels("arm", &["A", "B"], &[1, 1, 0])));
}

#[test]
fn a_numeric_group_with_text_late_in_the_file_sorts_in_byte_order() {
    // Beyond polars' type inference: the whole column becomes text.
    let mut text = String::from("time,event,arm\n");
    for row in 2..=2001 {
        let arm = if row == 1500 {
            "x".to_owned()
        } else {
            (row % 3 * 5).to_string()
        };
        text.push_str(&format!("{row},1,{arm}\n"));
    }
    let t = csv_ok(&text, &ColumnSpec::new("time", "event").with_group("arm"));
    assert_eq!(t.group.unwrap().levels, ["0", "10", "5", "x"]);
}

#[test]
fn a_text_covariate_becomes_indicators_of_all_but_the_reference() {
    let text = "time,event,sex,stage,age\n1,1,M,II,60\n2,0,F,I,70.5\n3,1,X,III,50\n4,0,M,I,40\n";
    let spec = ColumnSpec {
        covariates: vec!["sex".into(), "stage".into(), "age".into()],
        ..ColumnSpec::new("time", "event")
    };
    let t = csv_ok(text, &spec);
    assert_eq!(
        t.covariates,
        [
            covariate("sex=M", &[1.0, 0.0, 0.0, 1.0]),
            covariate("sex=X", &[0.0, 0.0, 1.0, 0.0]),
            covariate("stage=II", &[1.0, 0.0, 0.0, 0.0]),
            covariate("stage=III", &[0.0, 0.0, 1.0, 0.0]),
            covariate("age", &[60.0, 70.5, 50.0, 40.0]),
        ]
    );
    assert!(t.group.is_none() && t.strata.is_none());

    // A named reference replaces the first sorted level.
    let spec = ColumnSpec {
        references: vec![("sex".into(), "M".into()), ("stage".into(), "III".into())],
        ..spec
    };
    let t = csv_ok(text, &spec);
    assert_eq!(
        t.covariates,
        [
            covariate("sex=F", &[0.0, 1.0, 0.0, 0.0]),
            covariate("sex=X", &[0.0, 0.0, 1.0, 0.0]),
            covariate("stage=I", &[0.0, 1.0, 0.0, 1.0]),
            covariate("stage=II", &[1.0, 0.0, 0.0, 0.0]),
            covariate("age", &[60.0, 70.5, 50.0, 40.0]),
        ]
    );
    let p = parquet(parquet_of(text), &spec).unwrap();
    assert_eq!(p.covariates, t.covariates);
}

#[test]
fn a_numeric_covariate_stays_one_column_and_a_single_level_gives_none() {
    let spec = ColumnSpec {
        covariates: vec!["dose".into(), "site".into()],
        ..ColumnSpec::new("time", "event")
    };
    let t = csv_ok("time,event,dose,site\n1,1,10,A\n2,0,2,A\n3,1,2,A\n", &spec);
    // A numeric column is not split into levels, whatever it holds.
    assert_eq!(t.covariates, [covariate("dose", &[10.0, 2.0, 2.0])]);
}

#[test]
fn only_the_used_columns_need_to_be_readable() {
    let spec = ColumnSpec::new("time", "event");
    // Text in a numeric column, a bad event-like code and a date nobody asked for.
    let t = csv_ok(
        "id,time,event,dose,flag,when\n1,5,1,ten,2,2024-01-01\n2,6,0,10,x,soon\n",
        &spec,
    );
    assert_eq!(t.time, [5.0, 6.0]);
    assert_eq!((t.n_read, t.n_dropped), (2, 0));
    // Also late in a long file, and from Parquet.
    let mut text = String::from("time,event,junk\n");
    for row in 2..=2001 {
        let junk = if row == 1500 {
            "oops".to_owned()
        } else {
            row.to_string()
        };
        text.push_str(&format!("{row},{},{junk}\n", row % 2));
    }
    let t = csv_ok(&text, &spec);
    assert_eq!((t.n_read, t.time.len()), (2000, 2000));
    let p = parquet(parquet_of(&text), &spec).unwrap();
    assert_eq!(without_source(&p), without_source(&t));
}

#[test]
fn a_column_used_twice_is_read_once() {
    let spec = ColumnSpec {
        strata: Some("arm".into()),
        covariates: vec!["arm".into()],
        ..ColumnSpec::new("time", "event").with_group("arm")
    };
    let t = csv_ok("time,event,arm\n1,1,B\n2,0,A\n", &spec);
    assert_eq!(t.group, Some(labels("arm", &["A", "B"], &[1, 0])));
    assert_eq!(t.strata, t.group);
    assert_eq!(t.covariates, [covariate("arm=B", &[1.0, 0.0])]);
}

// ---------------------------------------------------------------------------
// 7. BOM and CRLF
// ---------------------------------------------------------------------------

#[test]
fn a_byte_order_mark_is_not_part_of_the_first_name() {
    let spec = ColumnSpec::new("time", "event").with_group("arm");
    for text in [
        "\u{feff}time,event,arm\n5,1,A\n6,0,B\n",
        "\u{feff}\"time\",event,arm\n5,1,A\n6,0,B\n",
        "\u{feff}time,event,arm\r\n5,1,A\r\n6,0,B\r\n",
    ] {
        let t = csv_ok(text, &spec);
        assert_eq!(t.time, [5.0, 6.0], "{text:?}");
        assert_eq!(t.group.unwrap().levels, ["A", "B"], "{text:?}");
        let tt = TextTable::from_bytes("t.csv", Format::Csv, text.as_bytes().to_vec()).unwrap();
        assert_eq!(tt.names(), ["time", "event", "arm"], "{text:?}");
        assert_eq!(tt.cell(tt.column("time").unwrap(), 0), Some("5"));
    }
    // In TSV too; and an error lists the names without the BOM.
    let tsv = "\u{feff}time\tevent\n5\t1\n";
    let err = SurvivalTable::from_bytes("t.tsv", Format::Tsv, tsv.as_bytes().to_vec(), &spec)
        .unwrap_err();
    assert!(
        matches!(&err, ReadError::MissingColumn { column, found, .. }
            if column == "arm" && *found == names(&["time", "event"])),
        "{err:?}"
    );
    let t = SurvivalTable::from_bytes(
        "t.tsv",
        Format::Tsv,
        tsv.as_bytes().to_vec(),
        &ColumnSpec::new("time", "event"),
    )
    .unwrap();
    assert_eq!(t.event, [true]);
}

#[test]
fn crlf_line_endings_read_as_lf_ones() {
    let spec = ColumnSpec {
        event_value: Some("Ex".into()),
        covariates: vec!["sex".into()],
        ..ColumnSpec::new("time", "status").with_group("arm")
    };
    let lf = "time,status,arm,sex\n5,Ex,A,F\n6,Cens,B,M\n7,Ex,B,F\n";
    let crlf = lf.replace('\n', "\r\n");
    let a = csv_ok(lf, &spec);
    let b = csv_ok(&crlf, &spec);
    assert_eq!(a, b);
    assert_eq!(a.event, [true, false, true]);
    assert_eq!(a.group.as_ref().unwrap().levels, ["A", "B"]);
    assert_eq!(a.covariates, [covariate("sex=M", &[0.0, 1.0, 0.0])]);
    // A file without a final line end.
    let c = csv_ok(lf.trim_end(), &spec);
    assert_eq!(c, a);
    let d = csv_ok(crlf.trim_end(), &spec);
    assert_eq!(d, a);

    // TextTable keeps no `\r` in the last column.
    let tt = TextTable::from_bytes("t.csv", Format::Csv, crlf.into_bytes()).unwrap();
    let sex = tt.column("sex").unwrap();
    assert_eq!(
        (0..tt.height())
            .map(|r| tt.cell(sex, r))
            .collect::<Vec<_>>(),
        [Some("F"), Some("M"), Some("F")]
    );
    // Errors count CRLF rows as rows.
    let err = csv_err(
        "time,event\r\n5,1\r\n\r\n6,x\r\n",
        &ColumnSpec::new("time", "event"),
    );
    assert_eq!(invalid(&err), ("t.csv", 4, "event", "x", EXPECTED_EVENT));
}

// ---------------------------------------------------------------------------
// 8. TextTable
// ---------------------------------------------------------------------------

#[test]
fn a_text_table_holds_every_cell_as_the_file_has_it() {
    let text = "id,dose,note,ok\n1,7000,\"a, b\",true\n\n2,NA,x,false\n  \n3,7000.0, NULL ,\n4,.,007,TRUE\n";
    let t = TextTable::from_bytes("t.csv", Format::Csv, text.as_bytes().to_vec()).unwrap();
    assert_eq!(t.source(), "t.csv");
    assert_eq!(t.names(), ["id", "dose", "note", "ok"]);
    assert_eq!(t.height(), 4);
    let column = |name| t.column(name).unwrap();
    let cells = |name| {
        (0..t.height())
            .map(|r| t.cell(column(name), r).map(str::to_owned))
            .collect::<Vec<_>>()
    };
    let some = |s: &str| Some(s.to_owned());
    assert_eq!(cells("id"), [some("1"), some("2"), some("3"), some("4")]);
    // Text is kept as written: 7000.0, 007 and TRUE are not retyped.
    assert_eq!(cells("dose"), [some("7000"), None, some("7000.0"), None]);
    assert_eq!(cells("note"), [some("a, b"), some("x"), None, some("007")]);
    assert_eq!(
        cells("ok"),
        [some("true"), some("false"), None, some("TRUE")]
    );
    // Spreadsheet rows: header 1, data 2, blank 3, data 4, blank 5, data 6 and 7.
    assert_eq!(
        (0..t.height()).map(|r| t.row_number(r)).collect::<Vec<_>>(),
        [2, 4, 6, 7]
    );
    assert_eq!(column("note"), 2);

    let err = t.column("age").unwrap_err();
    match &err {
        ReadError::MissingColumn {
            path,
            column,
            found,
        } => {
            assert_eq!((path.as_str(), column.as_str()), ("t.csv", "age"));
            assert_eq!(found, &names(&["id", "dose", "note", "ok"]));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        err.to_string(),
        "t.csv: missing column `age`; the file has `id`, `dose`, `note`, `ok`"
    );
}

#[test]
fn a_text_table_reads_tsv_and_parquet_files() {
    let csv = "id,dose,ratio,ok,name\n1,7000.0,2.5,true,Ann\n2,,0.1,false,NA\n3,12,1e20,,Bo\n";
    let parquet = convert::to_parquet("t.csv", Format::Csv, csv.as_bytes().to_vec()).unwrap();
    let path = write_file("text-table.parquet", &parquet);
    let t = TextTable::read(&path).unwrap();
    assert_eq!(t.source(), path.display().to_string());
    assert_eq!(t.names(), ["id", "dose", "ratio", "ok", "name"]);
    assert_eq!(t.height(), 3);
    let column = |name| t.column(name).unwrap();
    let cells = |name| {
        (0..t.height())
            .map(|r| t.cell(column(name), r).map(str::to_owned))
            .collect::<Vec<_>>()
    };
    let some = |s: &str| Some(s.to_owned());
    assert_eq!(cells("id"), [some("1"), some("2"), some("3")]);
    // Floats: whole numbers without `.0`, fractions kept.
    assert_eq!(cells("dose"), [some("7000"), None, some("12")]);
    assert_eq!(
        cells("ratio"),
        [some("2.5"), some("0.1"), some("100000000000000000000")]
    );
    // Booleans stand for a Yes/No column.
    assert_eq!(cells("ok"), [some("Yes"), some("No"), None]);
    assert_eq!(cells("name"), [some("Ann"), None, some("Bo")]);
    assert_eq!(
        (0..t.height()).map(|r| t.row_number(r)).collect::<Vec<_>>(),
        [2, 3, 4]
    );

    // The same file as TSV, read by its `.tab` path, holds the text as written.
    let path = write_file("text-table.tab", tsv_of(csv).as_bytes());
    let t = TextTable::read(&path).unwrap();
    assert_eq!(t.names(), ["id", "dose", "ratio", "ok", "name"]);
    assert_eq!(t.cell(t.column("dose").unwrap(), 0), Some("7000.0"));
    assert_eq!(t.cell(t.column("ok").unwrap(), 1), Some("false"));
    assert_eq!(t.cell(t.column("name").unwrap(), 1), None);
}

#[test]
fn a_text_table_refuses_what_the_survival_table_refuses() {
    let err = TextTable::from_bytes("t.csv", Format::Csv, b"a,b\n1,2\n\n3\n".to_vec()).unwrap_err();
    assert!(
        matches!(
            err,
            ReadError::RaggedRow {
                row: 4,
                found: 1,
                expected: 2,
                ..
            }
        ),
        "{err:?}"
    );
    let err =
        TextTable::from_bytes("t.parquet", Format::Parquet, b"a,b\n1,2\n".to_vec()).unwrap_err();
    assert!(matches!(err, ReadError::Unreadable { .. }), "{err:?}");
}

// ---------------------------------------------------------------------------
// 9. tabulate::counts
// ---------------------------------------------------------------------------

/// A small deterministic generator (64-bit LCG, Knuth's constants).
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        ((self.0 >> 33) % n as u64) as usize
    }
}

fn count_by_hand(labels: &[&str]) -> Vec<(String, usize)> {
    let mut out: Vec<(String, usize)> = Vec::new();
    for &label in labels {
        match out.iter_mut().find(|(k, _)| k == label) {
            Some((_, n)) => *n += 1,
            None => out.push((label.to_owned(), 1)),
        }
    }
    out
}

#[test]
fn counts_agree_with_a_hand_count_on_random_labels() {
    let pool = [
        "Male",
        "Female",
        "",
        "NA",
        "male",
        "Ünïcode",
        "a,b",
        " Male",
        "x",
        "y",
        "z",
        "w",
    ];
    let mut rng = Lcg(20_240_601);
    for n in [0, 1, 2, 7, 100, 1_000, 20_000, 100_000] {
        for kinds in [1, 2, 5, pool.len()] {
            let labels: Vec<&str> = (0..n).map(|_| pool[rng.below(kinds)]).collect();
            let counted = tabulate::counts(&labels);
            assert_eq!(counted, count_by_hand(&labels), "n = {n}, kinds = {kinds}");
            assert_eq!(counted.iter().map(|(_, c)| c).sum::<usize>(), n);
        }
    }
    // Many distinct labels, in order of first appearance.
    let owned: Vec<String> = (0..5_000)
        .map(|_| format!("L{}", rng.below(3_000)))
        .collect();
    let labels: Vec<&str> = owned.iter().map(String::as_str).collect();
    assert_eq!(tabulate::counts(&labels), count_by_hand(&labels));
}

#[test]
fn a_true_false_column_keeps_its_words_as_labels_and_codes() {
    let text = "time,event,treated\n5,1,TRUE\n6,0,false\n7,1,True\n8,1,FALSE\n";
    let spec = ColumnSpec::new("time", "event").with_group("treated");
    let table =
        SurvivalTable::from_bytes("t.csv", Format::Csv, text.as_bytes().to_vec(), &spec).unwrap();
    let group = table.group.unwrap();
    assert_eq!(group.levels, ["false", "true"]);
    assert_eq!(group.codes, [1, 0, 1, 0]);
    let spec = ColumnSpec {
        event_value: Some("TRUE".into()),
        ..ColumnSpec::new("time", "treated")
    };
    let table =
        SurvivalTable::from_bytes("t.csv", Format::Csv, text.as_bytes().to_vec(), &spec).unwrap();
    assert_eq!(table.event, [true, false, true, false]);
}

#[test]
fn declared_levels_give_every_indicator_and_refuse_an_undeclared_one() {
    let csv = b"t,e,stage\n5,1,II\n8,0,I\n3,1,II\n".to_vec();
    let spec = ColumnSpec {
        covariates: vec!["stage".into()],
        levels: vec![("stage".into(), vec!["I".into(), "II".into(), "III".into()])],
        ..ColumnSpec::new("t", "e")
    };
    let t = SurvivalTable::from_bytes("site.csv", Format::Csv, csv, &spec).unwrap();
    let names: Vec<&str> = t.covariates.iter().map(|c| c.name.as_str()).collect();
    // III has no row here and still gets its (all-zero) indicator.
    assert_eq!(names, ["stage=II", "stage=III"]);
    assert_eq!(t.covariates[0].values, [1.0, 0.0, 1.0]);
    assert_eq!(t.covariates[1].values, [0.0, 0.0, 0.0]);
    let other = b"t,e,stage\n5,1,II\n8,0,IV\n".to_vec();
    let err = SurvivalTable::from_bytes("site.csv", Format::Csv, other, &spec).unwrap_err();
    assert_eq!(
        err.to_string(),
        "site.csv: row 3, column `stage`: `IV`; expected one of the declared levels I, II, III"
    );
}

/// Groups of many levels (past the few looked up in turn, then hashed), as
/// numbers and as text: each row keeps its own level, levels in order.
#[test]
fn many_group_levels_keep_each_row_s_level() {
    let levels: Vec<u32> = (0..40).map(|i| (i * 17) % 40).collect();
    for text in [false, true] {
        let mut csv_text = String::from("time,event,arm\n");
        for (i, level) in levels.iter().chain(&levels).enumerate() {
            let arm = if text {
                format!("g{level:02}")
            } else {
                level.to_string()
            };
            csv_text.push_str(&format!("{},{},{arm}\n", i + 1, i % 2));
        }
        let spec = ColumnSpec::new("time", "event").with_group("arm");
        let table = csv(&csv_text, &spec).unwrap();
        let group = table.group.unwrap();
        let expected: Vec<String> = (0..40)
            .map(|l| {
                if text {
                    format!("g{l:02}")
                } else {
                    l.to_string()
                }
            })
            .collect();
        assert_eq!(group.levels, expected);
        for (code, level) in group.codes.iter().zip(levels.iter().chain(&levels)) {
            assert_eq!(*code, *level);
        }
    }
}

// ---------------------------------------------------------------------------
// 10. Large files, read in pieces
// ---------------------------------------------------------------------------

/// `n` rows of `time,event,arm,x`, several of the reader's pieces long, with
/// (when `gaps`) blank lines and missing `x` cells only past the first
/// pieces, and, when `late` is given, that text in the integer column `x` of
/// the tenth row from the end. Also the kept rows' times and the number of
/// rows with a missing `x`.
fn large_csv(n: usize, gaps: bool, late: Option<&str>) -> (String, Vec<f64>, usize) {
    let mut text = String::from("time,event,arm,x\n");
    let (mut times, mut missing) = (Vec::new(), 0);
    for i in 0..n {
        if gaps && i > 50_000 && i % 20_000 == 0 {
            text.push('\n');
        }
        let time = i % 1000 + 1;
        let x = match late {
            Some(late) if i == n - 10 => late.to_owned(),
            _ if gaps && i > 50_000 && i % 15_000 == 14_999 => "NA".to_owned(),
            _ => (i % 7).to_string(),
        };
        if x == "NA" {
            missing += 1;
        } else {
            times.push(time as f64);
        }
        let arm = if i % 3 == 0 { "\"A, left\"" } else { "B" };
        text.push_str(&format!("{time},{},{arm},{x}\n", i % 2));
    }
    (text, times, missing)
}

#[test]
fn a_file_read_in_pieces_gives_the_table_read_whole() {
    let spec = ColumnSpec {
        covariates: vec!["x".into(), "time".into()],
        ..ColumnSpec::new("time", "event").with_group("arm")
    };
    // Without `late`, x is read as integers throughout; with it, a decimal
    // after the first pieces makes every column text, read a second time.
    // Without gaps, every row is kept and the numeric columns are the
    // table's as they were gathered.
    for (gaps, late) in [(true, None), (true, Some("2.5")), (false, None)] {
        let n = 200_000;
        let (text, times, missing) = large_csv(n, gaps, late);
        // The reader's pieces are 512 KiB.
        assert!(text.len() > 2_000_000, "several pieces");
        let path = write_file("pieces.csv", text.as_bytes());
        let from_file = SurvivalTable::read(&path, &spec).unwrap();
        // Parquet is read whole, by another path.
        let whole = parquet(parquet_of(&text), &spec).unwrap();
        let from_bytes =
            SurvivalTable::from_bytes("t.csv", Format::Csv, text.into_bytes(), &spec).unwrap();
        assert_eq!(
            without_source(&from_file),
            without_source(&whole),
            "{late:?}"
        );
        assert_eq!(
            without_source(&from_bytes),
            without_source(&whole),
            "{late:?}"
        );
        assert_eq!((from_file.n_read, from_file.n_dropped), (n, missing));
        assert_eq!(missing > 0, gaps);
        assert_eq!(from_file.time, times);
        assert_eq!(from_file.covariates[1], covariate("time", &times));
        let x = &from_file.covariates[0].values;
        assert_eq!(
            x.iter().filter(|&&v| v == 2.5).count(),
            usize::from(late.is_some())
        );
        assert_eq!(from_file.group.unwrap().levels, ["A, left", "B"]);
    }
}

#[test]
fn a_bad_cell_far_into_a_file_read_in_pieces_is_quoted_with_its_row() {
    let (mut text, _, _) = large_csv(150_000, true, None);
    text.push_str("5,1,B,2.00\n7,3,B,1\n");
    let path = write_file("late-bad.csv", text.as_bytes());
    let err = SurvivalTable::read(&path, &ColumnSpec::new("time", "event")).unwrap_err();
    // The event 3 is in spreadsheet row 150,000 + header + blank lines + 2.
    let blank = (50_001..150_000).filter(|i| i % 20_000 == 0).count();
    assert_eq!(
        err.to_string(),
        format!(
            "{}: row {}, column `event`: `3`; expected 1 or 0 (or true/false); give \
             --event-value for other codes, e.g. 2 for R's dead",
            path.display(),
            150_000 + blank + 3
        )
    );
}
