//! A European export (`;` between fields, decimal commas) gives the results of
//! the same data as CSV, in every command that reads a file.

mod common;

use common::{json_of, npcsurv, stderr};

fn temp(name: &str, text: &str) -> String {
    let path = std::env::temp_dir().join(format!("npcsurv-layout-{}-{name}", std::process::id()));
    std::fs::write(&path, text).unwrap();
    path.display().to_string()
}

#[test]
fn semicolons_and_decimal_commas_read_as_csv() {
    // R's ovarian, with its decimal ages, written both ways.
    let plain =
        std::fs::read_to_string(common::root().join("fixtures/golden/data/cox/ovarian.csv"))
            .unwrap();
    let european: String = plain
        .lines()
        .map(|l| l.replace(',', ";").replace('.', ",") + "\n")
        .collect();
    let csv = temp("ovarian.csv", &plain);
    let eu = temp("ovarian-eu.txt", &european);
    let header: Vec<&str> = plain.lines().next().unwrap().split(',').collect();
    assert!(header.contains(&"age"), "{header:?}");
    let (time, event) = (header[0], header[1]);
    for command in [
        vec!["km", "--group", "rx_2"],
        vec!["logrank", "--group", "rx_2"],
        vec!["cox", "--covariates", "age,rx_2"],
    ] {
        let (name, rest) = (command[0], &command[1..]);
        let mut base = vec![name, "--time", time, "--event", event, "--format", "json"];
        base.extend_from_slice(rest);
        let mut on_csv = vec![base[0], csv.as_str()];
        on_csv.extend_from_slice(&base[1..]);
        let mut on_eu = vec![base[0], eu.as_str(), "--delimiter", ";", "--decimal-comma"];
        on_eu.extend_from_slice(&base[1..]);
        assert_eq!(
            json_of(&npcsurv(&on_eu)),
            json_of(&npcsurv(&on_csv)),
            "{name}"
        );
    }
}

#[test]
fn a_layout_that_cannot_apply_is_refused() {
    let csv = temp("plain.csv", "t,e\n1,1\n2,0\n");
    for extra in [
        vec!["--decimal-comma"],
        vec!["--delimiter", "ab"],
        vec!["--delimiter", "x"],
    ] {
        let mut args = vec!["km", csv.as_str(), "--time", "t", "--event", "e"];
        args.extend(extra.iter().copied());
        let out = npcsurv(&args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
    }
}
