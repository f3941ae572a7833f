//! `npcsurv table1` against R: every case of `table1.json`
//! (`fixtures/golden/generate_table1.R`, gtsummary's rules written out in base
//! R) run through the command line, and its bad input.

mod common;

use common::{close, golden, json_of, npcsurv, stderr};
use serde_json::Value;

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .map(|a| a.iter().map(|s| s.as_str().unwrap().to_owned()).collect())
        .unwrap_or_default()
}

fn run_case(case: &Value) -> Value {
    let file = format!("fixtures/golden/{}", case["file"].as_str().unwrap());
    let variables = strings(&case["variables_requested"]).join(",");
    let categorical = strings(&case["categorical_forced"]).join(",");
    let mut args = vec![
        "table1",
        &file,
        "--variables",
        &variables,
        "--format",
        "json",
    ];
    let by = case["by"].as_str().map(str::to_owned);
    if let Some(by) = &by {
        args.extend(["--by", by]);
    }
    if !categorical.is_empty() {
        args.extend(["--categorical", &categorical]);
    }
    json_of(&npcsurv(&args))
}

#[test]
fn every_case_agrees_with_r() {
    let doc = golden("table1.json");
    let cases = doc["table1"].as_array().unwrap();
    assert!(cases.len() >= 10);
    let mut checked = 0;
    for case in cases {
        let id = case["id"].as_str().unwrap();
        let got = run_case(case);
        assert_eq!(got["by"], case["by"], "{id}");
        assert_eq!(got["n"], case["n"], "{id} n");
        assert_eq!(got["n_missing_by"], case["n_missing_by"], "{id}");
        let groups: Vec<&Value> = got["groups"].as_array().unwrap().iter().collect();
        assert_eq!(
            groups
                .iter()
                .map(|g| g["group"].clone())
                .collect::<Vec<_>>(),
            case["groups"].as_array().unwrap().clone(),
            "{id} groups"
        );
        assert_eq!(
            groups.iter().map(|g| g["n"].clone()).collect::<Vec<_>>(),
            case["n_by_group"].as_array().unwrap().clone(),
            "{id} group sizes"
        );
        let expected = case["variables"].as_array().unwrap();
        let variables = got["variables"].as_array().unwrap();
        assert_eq!(variables.len(), expected.len(), "{id}");
        for (e, g) in expected.iter().zip(variables) {
            let what = format!("{id} {}", e["name"]);
            assert_eq!(g["name"], e["name"], "{what}");
            assert_eq!(g["kind"], e["kind"], "{what} kind");
            assert_eq!(g["test"], e["test"], "{what} test");
            assert_eq!(g["missing"], e["missing"], "{what} missing");
            close(
                &e["statistic"],
                &g["statistic"],
                &format!("{what} statistic"),
            );
            close(&e["df"], &g["df"], &format!("{what} df"));
            if e["error"].is_null() {
                close(&e["p_value"], &g["p_value"], &format!("{what} p"));
                checked += 1;
            } else {
                // R's workspace ran out; npcsurv computes it exactly or says how.
                assert!(g["p_value"].as_f64().is_some(), "{what}");
                assert!(g["fisher_method"].is_string() || g["fisher_method"].is_object());
            }
            if e["kind"] == "categorical" {
                let levels = e["levels"].as_array().unwrap();
                let got_levels = g["levels"].as_array().unwrap();
                assert_eq!(got_levels.len(), levels.len(), "{what} levels");
                for (el, gl) in levels.iter().zip(got_levels) {
                    let lw = format!("{what} level {}", el["level"]);
                    assert_eq!(gl["level"], el["level"], "{lw}");
                    assert_eq!(gl["overall"]["n"], el["overall"], "{lw}");
                    close(&el["percent_overall"], &gl["overall"]["percent"], &lw);
                    let by: Vec<Value> = gl["by_group"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .map(|c| c["n"].clone())
                        .collect();
                    assert_eq!(by, el["by_group"].as_array().unwrap().clone(), "{lw}");
                    for (ep, gc) in el["percent_by_group"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .zip(gl["by_group"].as_array().unwrap())
                    {
                        close(ep, &gc["percent"], &lw);
                    }
                }
            } else {
                let spreads = std::iter::once((&e["overall"], &g["overall"])).chain(
                    e["by_group"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .zip(g["by_group"].as_array().unwrap()),
                );
                for (es, gs) in spreads {
                    assert_eq!(gs["n"], es["n"], "{what} n");
                    for key in ["median", "q1", "q3", "min", "max"] {
                        close(&es[key], &gs[key], &format!("{what} {key}"));
                    }
                }
            }
        }
    }
    assert!(checked >= 30, "p-values checked against R: {checked}");
}

#[test]
fn the_table_prints_as_gtsummary_does() {
    let out = npcsurv(&[
        "table1",
        "fixtures/golden/data/table1/lung.csv",
        "--by",
        "sex",
        "--variables",
        "age,ph_ecog,wt_loss,status",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    insta::assert_snapshot!("table1_lung_by_sex", common::stdout(&out));
}

#[test]
fn bad_flags_are_refused_naming_them() {
    let lung = "fixtures/golden/data/table1/lung.csv";
    let cases: &[(&[&str], &str)] = &[
        (
            &["--by", "sex", "--variables", "age,sex"],
            "`sex` is the --by column",
        ),
        (
            &["--variables", "age,ph_ecog", "--categorical", "wt_loss"],
            "--categorical: `wt_loss` is not among the table's variables",
        ),
        (&["--variables", "age,age"], "`age` is listed twice"),
        (&["--by", "arm"], "arm"),
        (&["--variables", "age,weight"], "weight"),
    ];
    for (flags, message) in cases {
        let mut args = vec!["table1", lung];
        args.extend_from_slice(flags);
        let out = npcsurv(&args);
        assert_eq!(out.status.code(), Some(2), "{flags:?}");
        assert!(
            stderr(&out).contains(message),
            "{flags:?}: {}",
            stderr(&out)
        );
    }
}

#[test]
fn a_mostly_numeric_column_with_text_is_summarised_as_categories_with_a_warning() {
    let csv = b"arm,dose\nA,10\nB,12\nA,1O\nB,14\nA,15\nB,16\nA,17\nB,18\nA,19\nB,20\nA,21\n";
    let out = common::npcsurv_stdin(&["table1", "-", "--by", "arm", "--format", "json"], csv);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("row 4") && stderr(&out).contains("`1O`"),
        "{}",
        stderr(&out)
    );
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["variables"][0]["kind"], "categorical");
}

#[test]
fn rows_without_a_group_are_left_out_and_said() {
    let csv = b"arm,age\nA,50\n,61\nB,70\nA,55\nB,64\n";
    let out = common::npcsurv_stdin(&["table1", "-", "--by", "arm", "--format", "json"], csv);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("1 of 5 rows left out"),
        "{}",
        stderr(&out)
    );
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["n"], 4);
    assert_eq!(json["n_missing_by"], 1);
}

#[test]
fn the_workbook_gives_the_same_table_as_the_csv() {
    let doc = golden("table1.json");
    let mut compared = 0;
    for case in doc["table1"].as_array().unwrap() {
        if case["file"] != "data/table1/lung.csv" {
            continue;
        }
        let mut workbook = case.clone();
        workbook["file"] = Value::from("data/table1/lung.xlsx");
        assert_eq!(run_case(&workbook), run_case(case), "{}", case["id"]);
        compared += 1;
    }
    assert!(compared >= 3);
}
