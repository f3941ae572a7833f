//! Follow-up times from two dates: the same times as the time column the dates
//! were made from, in every unit, from CSV, TSV and Parquet (dates as ISO text); a
//! reversed or malformed date is an error naming its row.

use surv_reader::{ColumnSpec, Format, ReadError, SurvivalTable, TimeUnit, convert};

/// The date `days` after `start` (year, month, day), counted one day at a time:
/// a deliberately naive calendar, independent of the reader's arithmetic.
fn date_after(start: (i64, i64, i64), days: i64) -> String {
    let (mut y, mut m, mut d) = start;
    for _ in 0..days {
        let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
        let length = match m {
            2 if leap => 29,
            2 => 28,
            4 | 6 | 9 | 11 => 30,
            _ => 31,
        };
        d += 1;
        if d > length {
            d = 1;
            m += 1;
            if m > 12 {
                m = 1;
                y += 1;
            }
        }
    }
    format!("{y:04}-{m:02}-{d:02}")
}

/// R's `aml` times, and a CSV with a diagnosis date (a different one per row,
/// across leap years) and a last-contact date that many days later.
fn aml_with_dates() -> (Vec<f64>, Vec<bool>, String) {
    let text = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/golden/data/aml.csv"),
    )
    .unwrap();
    let spec = ColumnSpec::new("time", "status");
    let table =
        SurvivalTable::from_bytes("aml.csv", Format::Csv, text.into_bytes(), &spec).unwrap();
    let mut csv = String::from("diagnosed,last_seen,status\n");
    for (k, (&t, &e)) in table.time.iter().zip(&table.event).enumerate() {
        let from = date_after((1999, 11, 20), 97 * k as i64);
        let to = date_after((1999, 11, 20), 97 * k as i64 + t as i64);
        csv.push_str(&format!("{from},{to},{}\n", u8::from(e)));
    }
    (table.time, table.event, csv)
}

fn read(csv: &str, unit: TimeUnit) -> Result<SurvivalTable, ReadError> {
    let spec = ColumnSpec::new("", "status").with_dates("diagnosed", "last_seen", unit);
    SurvivalTable::from_bytes("dates.csv", Format::Csv, csv.as_bytes().to_vec(), &spec)
}

#[test]
fn dates_give_the_times_they_were_made_from_in_every_unit() {
    let (time, event, csv) = aml_with_dates();
    let days = read(&csv, TimeUnit::Days).unwrap();
    assert_eq!(days.time, time);
    assert_eq!(days.event, event);
    for (unit, per) in [
        (TimeUnit::Weeks, 7.0),
        (TimeUnit::Months, 30.4375),
        (TimeUnit::Years, 365.25),
    ] {
        let table = read(&csv, unit).unwrap();
        for (t, d) in table.time.iter().zip(&time) {
            assert_eq!(*t, d / per, "{unit}");
        }
    }
}

#[test]
fn a_missing_date_leaves_its_row_out_and_counts_it() {
    let csv =
        "diagnosed,last_seen,status\n2020-01-01,2020-02-01,1\n2020-01-05,NA,0\n,2020-03-01,1\n";
    let table = read(csv, TimeUnit::Days).unwrap();
    assert_eq!(table.time, [31.0]);
    assert_eq!(table.n_dropped, 2);
}

#[test]
fn a_last_contact_before_diagnosis_names_its_row() {
    let csv = "diagnosed,last_seen,status\n2020-01-01,2020-02-01,1\n2020-05-10,2020-04-30,0\n";
    let err = read(csv, TimeUnit::Days).unwrap_err();
    assert_eq!(
        err.to_string(),
        "dates.csv: row 3, column `last_seen`: `2020-04-30`; expected a date on or after `diagnosed` (2020-05-10)"
    );
    // The same day is a time of 0, not an error.
    let same = "diagnosed,last_seen,status\n2020-05-10,2020-05-10,0\n";
    assert_eq!(read(same, TimeUnit::Days).unwrap().time, [0.0]);
}

#[test]
fn a_date_that_is_not_a_calendar_day_is_refused() {
    for bad in ["2021-02-29", "10/05/2020", "2020-5-1", "43891"] {
        let csv =
            format!("diagnosed,last_seen,status\n2020-01-01,2020-02-01,1\n{bad},2021-06-01,0\n");
        match read(&csv, TimeUnit::Days).unwrap_err() {
            ReadError::InvalidValue {
                row,
                column,
                value,
                expected,
                ..
            } => {
                assert_eq!(
                    (row, column.as_str(), value.as_str()),
                    (3, "diagnosed", bad)
                );
                assert_eq!(expected, "a date as YYYY-MM-DD");
            }
            other => panic!("{bad}: {other}"),
        }
    }
}

#[test]
fn dates_read_alike_from_csv_tsv_and_parquet() {
    let (time, _, csv) = aml_with_dates();
    let spec = ColumnSpec::new("", "status").with_dates("diagnosed", "last_seen", TimeUnit::Days);
    let tsv = csv.replace(',', "\t");
    let from_tsv =
        SurvivalTable::from_bytes("dates.tsv", Format::Tsv, tsv.into_bytes(), &spec).unwrap();
    assert_eq!(from_tsv.time, time);
    let parquet = convert::to_parquet("dates.csv", Format::Csv, csv.into_bytes()).unwrap();
    let from_parquet =
        SurvivalTable::from_bytes("dates.parquet", Format::Parquet, parquet, &spec).unwrap();
    assert_eq!(from_parquet.time, time);
}
