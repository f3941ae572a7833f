//! Parquet input: typed columns (integers, floats, booleans) load to the same
//! cohort as the CSV fixture. The Parquet files are written by the reader's
//! converter, with the types polars infers, as a user's own writer would store
//! them.

use dizdar2021_cohort::{Cohort, Format, dizdar2021};
use surv_reader::convert;

/// The fixture with `f` applied to every cell of `column` (header excluded).
fn with_column(column: &str, f: impl Fn(usize, &str) -> String) -> String {
    let mut lines = dizdar2021::PATIENTS_CSV.lines();
    let header = lines.next().unwrap();
    let index = header.split(',').position(|h| h == column).unwrap();
    let mut out = header.to_owned() + "\n";
    for (row, line) in lines.enumerate() {
        let fields = split(line);
        let cells: Vec<String> = fields
            .iter()
            .enumerate()
            .map(|(i, c)| if i == index { f(row, c) } else { c.clone() })
            .map(|c| {
                if c.contains(',') {
                    format!("\"{c}\"")
                } else {
                    c
                }
            })
            .collect();
        out += &(cells.join(",") + "\n");
    }
    out
}

fn split(line: &str) -> Vec<String> {
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

fn parquet(csv: &str) -> Vec<u8> {
    convert::to_parquet("p.csv", Format::Csv, csv.as_bytes().to_vec()).unwrap()
}

fn load(csv: &str) -> Result<Cohort, dizdar2021_cohort::LoadError> {
    Cohort::from_bytes("p.parquet", Format::Parquet, parquet(csv))
}

#[test]
fn parquet_with_inferred_types_loads_like_the_csv() {
    let cohort = load(dizdar2021::PATIENTS_CSV).unwrap();
    assert_eq!(cohort.patients(), dizdar2021::cohort().unwrap().patients());
}

#[test]
fn parquet_with_float_doses_and_boolean_flags_loads() {
    let floats = with_column("rt_dose_cgy", |_, c| format!("{c}.0"));
    let csv = {
        let text = floats;
        let mut lines = text.lines();
        let header = lines.next().unwrap().to_owned();
        let index = header
            .split(',')
            .position(|h| h == "liver_metastasis")
            .unwrap();
        let mut out = header + "\n";
        for line in lines {
            let cells: Vec<String> = split(line)
                .into_iter()
                .enumerate()
                .map(|(i, c)| match (i == index, c.as_str()) {
                    (true, "Yes") => "true".to_owned(),
                    (true, "No") => "false".to_owned(),
                    _ if c.contains(',') => format!("\"{c}\""),
                    _ => c,
                })
                .collect();
            out += &(cells.join(",") + "\n");
        }
        out
    };
    assert!(csv.contains("7000.0") && csv.contains(",true,"));
    let cohort = load(&csv).unwrap();
    assert_eq!(cohort.patients(), dizdar2021::cohort().unwrap().patients());
}

#[test]
fn parquet_with_a_fractional_dose_names_the_value() {
    let csv = with_column("rt_dose_cgy", |row, _| {
        if row == 4 { "7000.5" } else { "7000.0" }.to_owned()
    });
    let err = load(&csv).unwrap_err();
    assert_eq!(
        err.to_string(),
        "p.parquet: row 6, column `rt_dose_cgy`: `7000.5`; expected a whole number of cGy from 1000 to 10000 (70 Gy is written 7000)"
    );
}

#[test]
fn parquet_file_on_disk_is_read_by_extension() {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"));
    let path = dir.join("dizdar2021_cohort_fixture.parquet");
    std::fs::write(&path, parquet(dizdar2021::PATIENTS_CSV)).unwrap();
    let cohort = Cohort::load(&path).unwrap();
    assert_eq!(cohort.len(), 35);
}
