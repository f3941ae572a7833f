//! Delimited text laid out otherwise than CSV: a European export (`;` between
//! fields, decimal commas) reads as the same CSV does; what cannot apply is
//! refused.

use std::path::PathBuf;

use surv_reader::{ColumnSpec, Format, ReadError, ReadOptions, SurvivalTable, TextLayout};

const EUROPEAN: TextLayout = TextLayout {
    delimiter: b';',
    decimal_comma: true,
};

fn spec() -> ColumnSpec {
    ColumnSpec {
        covariates: vec!["age".into(), "arm".into()],
        ..ColumnSpec::new("months", "dead").with_group("arm")
    }
}

#[test]
fn a_european_export_reads_as_the_same_csv() {
    let plain = "months,dead,age,arm\n2.5,1,61.5,A\n10.25,0,70,B\n7,1,55.25,A\n12.75,1,48,B\n";
    let european = "months;dead;age;arm\n2,5;1;61,5;A\n10,25;0;70;B\n7;1;55,25;A\n12,75;1;48;B\n";
    let expected =
        SurvivalTable::from_bytes("t.csv", Format::Csv, plain.as_bytes().to_vec(), &spec())
            .unwrap();
    let read = SurvivalTable::from_bytes(
        "t.csv",
        Format::Delimited(EUROPEAN),
        european.as_bytes().to_vec(),
        &spec(),
    )
    .unwrap();
    assert_eq!(read.time, expected.time);
    assert_eq!(read.event, expected.event);
    assert_eq!(read.covariates, expected.covariates);
    assert_eq!(read.group, expected.group);
    // A quoted field may hold the delimiter.
    let quoted = "months;dead;age;arm\n2,5;1;61,5;\"A; first\"\n";
    let t = SurvivalTable::from_bytes(
        "t.csv",
        Format::Delimited(EUROPEAN),
        quoted.as_bytes().to_vec(),
        &spec(),
    )
    .unwrap();
    assert_eq!(t.group.unwrap().levels, ["A; first"]);
}

#[test]
fn a_decimal_point_in_a_decimal_comma_file_names_its_cell() {
    // Text after a typed first row: the cell is reported as the file holds it.
    let mut text = String::from("months;dead\n");
    for _ in 0..3 {
        text.push_str("2,5;1\n");
    }
    text.push_str("1.234,5;0\n");
    let err = SurvivalTable::from_bytes(
        "eu.csv",
        Format::Delimited(EUROPEAN),
        text.into_bytes(),
        &ColumnSpec::new("months", "dead"),
    )
    .unwrap_err();
    match err {
        ReadError::InvalidValue {
            row, column, value, ..
        } => assert_eq!(
            (row, column.as_str(), value.as_str()),
            (5, "months", "1.234,5")
        ),
        other => panic!("{other}"),
    }
}

fn laid_out(layout: TextLayout) -> ReadOptions {
    ReadOptions {
        layout: Some(layout),
        ..ReadOptions::default()
    }
}

fn temp(name: &str, bytes: &[u8]) -> PathBuf {
    let path =
        std::env::temp_dir().join(format!("surv-reader-layout-{}-{name}", std::process::id()));
    std::fs::write(&path, bytes).unwrap();
    path
}

#[test]
fn a_layout_that_cannot_apply_is_refused() {
    let csv = temp("t.csv", b"months,dead\n2,1\n");
    let comma_both = TextLayout {
        delimiter: b',',
        decimal_comma: true,
    };
    let err = SurvivalTable::read_as(
        &csv,
        &laid_out(comma_both),
        &ColumnSpec::new("months", "dead"),
    )
    .unwrap_err();
    assert!(matches!(err, ReadError::Layout { .. }), "{err}");
    assert!(err.to_string().contains("a comma cannot separate both"));
    let parquet =
        surv_reader::convert::to_parquet("t.csv", Format::Csv, b"months,dead\n2,1\n".to_vec())
            .unwrap();
    let pq = temp("t.parquet", &parquet);
    let err = SurvivalTable::read_as(&pq, &laid_out(EUROPEAN), &ColumnSpec::new("months", "dead"))
        .unwrap_err();
    assert!(
        err.to_string().contains("Parquet file has no delimiter"),
        "{err}"
    );
    // A layout overrides the extension: a .txt file reads.
    let txt = temp("t.txt", b"months;dead\n2,5;1\n");
    let t = SurvivalTable::read_as(
        &txt,
        &laid_out(EUROPEAN),
        &ColumnSpec::new("months", "dead"),
    );
    assert_eq!(t.unwrap().time, [2.5]);
    // Without one, it does not.
    let t = SurvivalTable::read(&txt, &ColumnSpec::new("months", "dead"));
    assert!(
        matches!(t, Err(ReadError::UnsupportedFormat { .. })),
        "{t:?}"
    );
}
