//! The count table's SQL (`exchange::count_query`, printed by `npcsurv site
//! sql`) run with polars' own SQL on a fixture gives the table a site summary
//! counts from the same rows.

use std::collections::BTreeMap;
use std::path::Path;

use polars::prelude::*;
use polars::sql::SQLContext;
use surv_reader::exchange::count_query;
use surv_reader::{ColumnSpec, SurvivalTable};

fn fixture() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/golden/data/federated/lung.csv")
}

fn column_f64(frame: &DataFrame, name: &str) -> Vec<f64> {
    frame
        .column(name)
        .unwrap()
        .cast(&DataType::Float64)
        .unwrap()
        .f64()
        .unwrap()
        .into_no_null_iter()
        .collect()
}

#[test]
fn the_query_counts_what_a_site_summary_counts() {
    let frame = CsvReadOptions::default()
        .with_has_header(true)
        .try_into_reader_with_file_path(Some(fixture()))
        .unwrap()
        .finish()
        .unwrap();
    let mut sql = SQLContext::new();
    sql.register("lung", frame.lazy());
    let query = count_query("lung", "time", "status", None, Some("sex")).unwrap();
    let result = sql.execute(&query).unwrap().collect().unwrap();
    let groups: Vec<String> = result
        .column("group")
        .unwrap()
        .str()
        .unwrap()
        .iter()
        .map(|g| g.unwrap_or_default().to_owned())
        .collect();
    let times = column_f64(&result, "time");
    let events = column_f64(&result, "n_event");
    let censored = column_f64(&result, "n_censor");

    // The same count by hand from the reader's columns.
    let table = SurvivalTable::read(
        &fixture(),
        &ColumnSpec::new("time", "status").with_group("sex"),
    )
    .unwrap();
    let labels = table.group.unwrap();
    let mut expected: BTreeMap<(u32, u64), (f64, f64)> = BTreeMap::new();
    for ((&t, &e), &g) in table.time.iter().zip(&table.event).zip(&labels.codes) {
        let cell = expected.entry((g, t.to_bits())).or_default();
        if e {
            cell.0 += 1.0;
        } else {
            cell.1 += 1.0;
        }
    }
    assert_eq!(result.height(), expected.len());
    let mut rows: Vec<((u32, f64), (f64, f64))> = expected
        .into_iter()
        .map(|((g, t), c)| ((g, f64::from_bits(t)), c))
        .collect();
    rows.sort_by(|a, b| a.0.0.cmp(&b.0.0).then(a.0.1.total_cmp(&b.0.1)));
    for (i, ((g, t), (d, c))) in rows.iter().enumerate() {
        assert_eq!(groups[i], labels.levels[*g as usize], "row {i}");
        assert_eq!(times[i], *t, "row {i}");
        assert_eq!((events[i], censored[i]), (*d, *c), "row {i}");
    }
}

#[test]
fn names_and_values_are_quoted() {
    let q = count_query("my \"table\"", "t", "state", Some("dead's"), None).unwrap();
    assert!(q.contains(r#"FROM "my ""table""""#), "{q}");
    assert!(q.contains("= 'dead''s'"), "{q}");
    assert!(q.contains("'all' AS \"group\""), "{q}");
}
