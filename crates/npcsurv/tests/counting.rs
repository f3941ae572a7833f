//! `--start`, `--weights` and `--cluster` on the command line: every R number
//! of `counting.json` that the engine matches reaches the printed JSON, and
//! the commands that cannot honour the flags refuse them.

mod common;

use common::{close, golden, json_of, npcsurv, stderr};
use serde_json::Value;

fn column<'a>(case: &'a Value, key: &str) -> Option<&'a str> {
    case[key].as_str()
}

/// The flags of a golden case's columns.
fn flags(case: &Value) -> Vec<String> {
    let mut args = vec![
        case["data_file"]
            .as_str()
            .map(|f| format!("fixtures/golden/{f}"))
            .unwrap(),
        "--time".into(),
        column(case, "stop").unwrap().into(),
        "--event".into(),
        column(case, "event").unwrap().into(),
    ];
    for (key, flag) in [
        ("start", "--start"),
        ("weights", "--weights"),
        ("cluster", "--cluster"),
        ("strata", "--strata"),
        ("group", "--group"),
    ] {
        if let Some(c) = column(case, key) {
            args.extend([flag.to_owned(), c.to_owned()]);
        }
    }
    args
}

#[test]
fn cox_prints_r_coxph_with_entry_weights_and_clusters() {
    let doc = golden("counting.json");
    let mut checked = 0;
    for case in doc["cox"].as_array().unwrap() {
        if !case["robust_arg"].is_null() {
            continue; // R's robust = set by hand: not an option here
        }
        let id = case["name"].as_str().unwrap();
        let covariates: Vec<&str> = case["covariates"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect();
        let covariates = covariates.join(",");
        let mut args = vec!["cox".to_owned()];
        args.extend(flags(case));
        args.extend([
            "--covariates".into(),
            covariates,
            "--ties".into(),
            case["ties"].as_str().unwrap().into(),
            "--format".into(),
            "json".into(),
        ]);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = json_of(&npcsurv(&args));
        let robust = case["robust"].as_bool().unwrap();
        for (j, c) in out["coefficients"].as_array().unwrap().iter().enumerate() {
            close(&case["coef"][j], &c["coef"], &format!("{id} coef[{j}]"));
            close(&case["p_value"][j], &c["p_value"], &format!("{id} p[{j}]"));
            close(
                &case["hr_lower"][j],
                &c["hr_lower"],
                &format!("{id} lower[{j}]"),
            );
            if robust {
                close(
                    &case["se"][j],
                    &c["robust_se"],
                    &format!("{id} robust_se[{j}]"),
                );
                close(&case["naive_se"][j], &c["se"], &format!("{id} se[{j}]"));
            } else {
                close(&case["se"][j], &c["se"], &format!("{id} se[{j}]"));
                assert!(
                    c.get("robust_se").is_none(),
                    "{id}: robust_se without robust"
                );
            }
        }
        close(
            &case["wald_test"]["statistic"],
            &out["wald_test"]["statistic"],
            &format!("{id} wald"),
        );
        if robust {
            close(
                &case["robust_score_test"]["statistic"],
                &out["robust_score_test"]["statistic"],
                &format!("{id} robust score"),
            );
        }
        close(
            &case["concordance"][0],
            &out["concordance"],
            &format!("{id} C"),
        );
        close(
            &case["concordance"][1],
            &out["concordance_se"],
            &format!("{id} C se"),
        );
        checked += 1;
    }
    assert!(checked >= 15, "{checked} cases");
}

#[test]
fn km_prints_r_survfit_with_entry_and_weights() {
    let doc = golden("counting.json");
    let mut checked = 0;
    for case in doc["km"].as_array().unwrap() {
        if !case["robust_arg"].is_null() {
            continue;
        }
        let id = case["name"].as_str().unwrap();
        let mut args = vec!["km".to_owned()];
        args.extend(flags(case));
        args.extend(["--format".into(), "json".into()]);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = json_of(&npcsurv(&args));
        let weighted = !case["weights"].is_null();
        for (k, (want, got)) in case["curves"]
            .as_array()
            .unwrap()
            .iter()
            .zip(out["curves"].as_array().unwrap())
            .enumerate()
        {
            let steps = got["steps"].as_array().unwrap();
            assert_eq!(
                steps.len(),
                want["time"].as_array().unwrap().len(),
                "{id}[{k}]"
            );
            for (i, s) in steps.iter().enumerate() {
                let what = format!("{id}[{k}] step {i}");
                close(&want["time"][i], &s["time"], &what);
                close(&want["surv"][i], &s["survival"], &what);
                close(&want["std_err_surv"][i], &s["std_err"], &what);
                close(&want["lower"][i], &s["lower"], &what);
                let n_risk = if weighted {
                    &s["n_risk_weighted"]
                } else {
                    &s["n_risk"]
                };
                close(&want["n_risk"][i], n_risk, &what);
            }
        }
        checked += 1;
    }
    assert!(checked >= 10, "{checked} cases");
}

#[test]
fn commands_that_cannot_honour_the_rows_refuse_them() {
    let heart = "fixtures/golden/data/counting/heart.csv";
    let base = ["--time", "stop", "--event", "event"];
    for (command, extra, words) in [
        (
            vec!["logrank", heart],
            vec!["--group", "surgery", "--start", "start"],
            "--start",
        ),
        (
            vec!["logrank", heart],
            vec!["--group", "surgery", "--weights", "w"],
            "--weights",
        ),
        (
            vec!["km", heart],
            vec![
                "--group",
                "surgery",
                "--start",
                "start",
                "--plot",
                "/tmp/x.svg",
            ],
            "--no-pval",
        ),
        (
            vec!["km", heart],
            vec!["--weights", "w", "--plot", "/tmp/x.svg"],
            "weight at risk",
        ),
    ] {
        let mut args = command.clone();
        args.extend(base);
        args.extend(extra);
        let out = npcsurv(&args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(stderr(&out).contains(words), "{args:?}: {}", stderr(&out));
    }
    // cox.zph takes (start, stop] rows (checked against R in the engine).
    let out = npcsurv(&[
        "cox",
        heart,
        "--start",
        "start",
        "--time",
        "stop",
        "--event",
        "event",
        "--covariates",
        "age,transplant",
        "--zph",
        "--format",
        "json",
    ]);
    assert_eq!(
        json_of(&out)["zph"]["terms"].as_array().map(Vec::len),
        Some(2)
    );
    // A row whose start is not before its time names its row.
    let out = npcsurv(&[
        "km", heart, "--time", "start", "--start", "stop", "--event", "event",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("row 2"), "{}", stderr(&out));
}
