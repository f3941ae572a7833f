//! Times from two date columns: every command that reads a file gives the
//! results it gives on the time column the dates were made from, and refuses
//! a time given twice or half.

mod common;

use common::{json_of, npcsurv, stderr};

/// The date `days` after 2003-12-30, counted one day at a time (a naive
/// calendar, independent of the reader's).
fn date_after(days: i64) -> String {
    let (mut y, mut m, mut d) = (2003i64, 12i64, 30i64);
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
            (d, m) = (1, m + 1);
            if m > 12 {
                (m, y) = (1, y + 1);
            }
        }
    }
    format!("{y:04}-{m:02}-{d:02}")
}

/// R's `aml` with its times turned into diagnosis and last-contact dates.
fn aml_with_dates(name: &str) -> String {
    let text =
        std::fs::read_to_string(common::root().join("fixtures/golden/data/aml.csv")).unwrap();
    let path =
        std::env::temp_dir().join(format!("npcsurv-dates-{}-{name}.csv", std::process::id()));
    let mut csv = String::from("diagnosed,last_seen,status,group\n");
    for (k, line) in text.lines().skip(1).enumerate() {
        let cells: Vec<&str> = line.split(',').collect();
        let start = 41 * k as i64;
        let time: i64 = cells[0].parse().unwrap();
        csv.push_str(&format!(
            "{},{},{},{}\n",
            date_after(start),
            date_after(start + time),
            cells[1],
            cells[2]
        ));
    }
    std::fs::write(&path, csv).unwrap();
    path.display().to_string()
}

#[test]
fn dates_give_the_results_of_the_time_column() {
    let dated = aml_with_dates("same");
    let aml = "fixtures/golden/data/aml.csv";
    let dates = ["--time-from", "diagnosed", "--time-to", "last_seen"];
    for command in [
        vec!["km", "--group", "group", "--at", "10,20"],
        vec!["logrank", "--group", "group", "--rho", "1"],
        vec!["cox", "--covariates", "group"],
    ] {
        let (name, rest) = (command[0], &command[1..]);
        let mut by_time = vec![
            name, aml, "--time", "time", "--event", "status", "--format", "json",
        ];
        by_time.extend_from_slice(rest);
        let mut by_dates = vec![name, &dated, "--event", "status", "--format", "json"];
        by_dates.extend_from_slice(&dates);
        by_dates.extend_from_slice(rest);
        assert_eq!(
            json_of(&npcsurv(&by_dates)),
            json_of(&npcsurv(&by_time)),
            "{name}"
        );
    }
    // Months are days / (365.25 / 12).
    let months = json_of(&npcsurv(&[
        "km",
        &dated,
        "--event",
        "status",
        "--time-from",
        "diagnosed",
        "--time-to",
        "last_seen",
        "--time-unit",
        "months",
        "--format",
        "json",
    ]));
    let days = json_of(&npcsurv(&[
        "km", aml, "--time", "time", "--event", "status", "--format", "json",
    ]));
    let times = |j: &serde_json::Value| -> Vec<f64> {
        j["curves"][0]["steps"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["time"].as_f64().unwrap())
            .collect()
    };
    let expected: Vec<f64> = times(&days).iter().map(|d| d / (365.25 / 12.0)).collect();
    assert_eq!(times(&months), expected);
}

#[test]
fn a_time_given_twice_or_by_half_is_refused() {
    let dated = aml_with_dates("refused");
    for extra in [
        vec![
            "--time",
            "x",
            "--time-from",
            "diagnosed",
            "--time-to",
            "last_seen",
        ],
        vec!["--time-from", "diagnosed"],
        vec!["--time-to", "last_seen"],
        vec!["--time-unit", "months", "--time", "x"],
        vec![],
        vec![
            "--time-from",
            "diagnosed",
            "--time-to",
            "last_seen",
            "--time-unit",
            "fortnights",
        ],
    ] {
        let mut args = vec!["km", dated.as_str(), "--event", "status"];
        args.extend(extra.iter().copied());
        let out = npcsurv(&args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
    }
    // A last contact before the diagnosis names the row.
    let path = std::env::temp_dir().join(format!("npcsurv-reversed-{}.csv", std::process::id()));
    std::fs::write(
        &path,
        "dx,last,dead\n2020-01-01,2020-02-01,1\n2020-05-10,2020-04-30,0\n",
    )
    .unwrap();
    let path_text = path.display().to_string();
    let out = npcsurv(&[
        "km",
        &path_text,
        "--event",
        "dead",
        "--time-from",
        "dx",
        "--time-to",
        "last",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains(
            "row 3, column `last`: `2020-04-30`; expected a date on or after `dx` (2020-05-10)"
        ),
        "{}",
        stderr(&out)
    );
}
