//! Parquet input: typed columns (integers, floats, booleans) load to the same
//! cohort as the CSV fixture.

use std::io::Cursor;

use npc_cohort::{Cohort, Format, dizdar2021};
use polars::prelude::*;

fn fixture_frame() -> DataFrame {
    // Let polars infer types, as a user's Parquet writer would have them.
    CsvReadOptions::default()
        .with_has_header(true)
        .into_reader_with_file_handle(Cursor::new(dizdar2021::PATIENTS_CSV.as_bytes().to_vec()))
        .finish()
        .unwrap()
}

fn to_parquet(frame: &mut DataFrame) -> Vec<u8> {
    let mut bytes = Vec::new();
    ParquetWriter::new(&mut bytes).finish(frame).unwrap();
    bytes
}

#[test]
fn parquet_with_inferred_types_loads_like_the_csv() {
    let mut frame = fixture_frame();
    assert_eq!(frame.column("age").unwrap().dtype(), &DataType::Int64);
    let cohort = Cohort::from_bytes("p.parquet", Format::Parquet, to_parquet(&mut frame)).unwrap();
    assert_eq!(cohort.patients(), dizdar2021::cohort().unwrap().patients());
}

#[test]
fn parquet_with_float_doses_and_boolean_flags_loads() {
    let mut frame = fixture_frame();
    let dose = frame
        .column("rt_dose_cgy")
        .unwrap()
        .cast(&DataType::Float64)
        .unwrap();
    frame.with_column(dose).unwrap();
    let liver: BooleanChunked = frame
        .column("liver_metastasis")
        .unwrap()
        .str()
        .unwrap()
        .iter()
        .map(|v| v.map(|s| s == "Yes"))
        .collect();
    frame
        .with_column(liver.with_name("liver_metastasis".into()).into_column())
        .unwrap();
    let cohort = Cohort::from_bytes("p.parquet", Format::Parquet, to_parquet(&mut frame)).unwrap();
    assert_eq!(cohort.patients(), dizdar2021::cohort().unwrap().patients());
}

#[test]
fn parquet_with_a_fractional_dose_names_the_value() {
    let mut frame = fixture_frame();
    let dose: Float64Chunked = (0..frame.height())
        .map(|i| Some(if i == 4 { 7000.5 } else { 7000.0 }))
        .collect();
    frame
        .with_column(dose.with_name("rt_dose_cgy".into()).into_column())
        .unwrap();
    let err = Cohort::from_bytes("p.parquet", Format::Parquet, to_parquet(&mut frame)).unwrap_err();
    assert_eq!(
        err.to_string(),
        "p.parquet: row 6, column `rt_dose_cgy`: `7000.5`; expected a whole number of cGy from 1000 to 10000 (70 Gy is written 7000)"
    );
}

#[test]
fn parquet_file_on_disk_is_read_by_extension() {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"));
    let path = dir.join("npc_cohort_fixture.parquet");
    std::fs::write(&path, to_parquet(&mut fixture_frame())).unwrap();
    let cohort = Cohort::load(&path).unwrap();
    assert_eq!(cohort.len(), 35);
}
