//! `npcsurv cuminc` and `npcsurv finegray` print R's numbers
//! (`competing.json`: survfit's multi-state curves and cmprsk's Gray tests;
//! `finegray.json`: cmprsk's crr) in the JSON shapes.

mod common;

use common::{golden, json_of, npcsurv, stderr, stdout};
use serde_json::Value;

/// Relative agreement: 1e-9 against survfit and cuminc, 1e-6 against crr.
fn near(expected: &Value, got: &Value, rel: f64, what: &str) {
    match (expected.as_f64(), got.as_f64()) {
        (None, None) => assert!(got.is_null(), "{what}: expected {expected}, got {got}"),
        (Some(e), Some(g)) => assert!(
            (e - g).abs() <= rel * e.abs().max(g.abs()) + 1e-15,
            "{what}: R gives {e}, npcsurv {g}"
        ),
        _ => panic!("{what}: expected {expected}, got {got}"),
    }
}

fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

#[test]
fn cuminc_prints_survfit_curves_and_gray_tests() {
    let doc = golden("competing.json");
    let mut checked = 0;
    for case in doc["cases"].as_array().unwrap() {
        let id = case["id"].as_str().unwrap();
        let file = format!("fixtures/golden/{}", case["data_file"].as_str().unwrap());
        let requested: Vec<String> = case["requested"]
            .as_array()
            .unwrap()
            .iter()
            .map(text)
            .collect();
        let at = requested.join(",");
        let mut args = vec![
            "cuminc", &file, "--time", "time", "--status", "status", "--at", &at, "--format",
            "json",
        ];
        let by_group = case["by_group"].as_bool().unwrap();
        if by_group {
            args.extend(["--group", "group"]);
        }
        let out = json_of(&npcsurv(&args));
        let causes: Vec<String> = case["causes"]
            .as_array()
            .unwrap()
            .iter()
            .map(text)
            .collect();
        assert_eq!(out["causes"], serde_json::json!(causes), "{id}");
        let want = case["curves"].as_array().unwrap();
        let got = out["curves"].as_array().unwrap();
        assert_eq!(got.len(), want.len(), "{id}: curves");
        for (w, g) in want.iter().zip(got) {
            let what = format!("{id} {} cause {}", text(&w["group"]), text(&w["cause"]));
            if by_group {
                assert_eq!(g["group"], w["group"], "{what}");
            } else {
                assert!(g["group"].is_null(), "{what}");
            }
            assert_eq!(g["cause"].as_str().unwrap(), text(&w["cause"]), "{what}");
            let steps = g["steps"].as_array().unwrap();
            assert_eq!(steps.len(), w["time"].as_array().unwrap().len(), "{what}");
            for (i, s) in steps.iter().enumerate() {
                for key in ["time", "n_risk", "n_event", "estimate", "std_err"] {
                    near(&w[key][i], &s[key], 1e-9, &format!("{what} {key}[{i}]"));
                }
            }
            // R's summary leaves out times past the end; ours keeps them as null.
            let at = g["at"].as_array().unwrap();
            assert_eq!(
                at.len(),
                requested.len(),
                "{what}: one row per requested time"
            );
            let r_times = w["at"]["time"].as_array().unwrap();
            for (k, t) in r_times.iter().enumerate() {
                let row = at
                    .iter()
                    .find(|a| a["time"].as_f64() == t.as_f64())
                    .unwrap_or_else(|| panic!("{what}: no row at {t}"));
                near(
                    &w["at"]["estimate"][k],
                    &row["estimate"],
                    1e-9,
                    &format!("{what} at {t}"),
                );
                near(
                    &w["at"]["std_err"][k],
                    &row["std_err"],
                    1e-9,
                    &format!("{what} at {t}"),
                );
            }
        }
        match case["gray"].get("rho0") {
            Some(tests) => {
                let gray = out["gray"].as_array().unwrap();
                for (w, g) in tests.as_array().unwrap().iter().zip(gray) {
                    let what = format!("{id} gray cause {}", text(&w["cause"]));
                    assert_eq!(g["cause"].as_str().unwrap(), text(&w["cause"]), "{what}");
                    near(&w["statistic"], &g["statistic"], 1e-9, &what);
                    near(&w["p_value"], &g["p_value"], 1e-9, &what);
                    assert_eq!(g["df"], w["df"], "{what}");
                }
            }
            None => assert!(out.get("gray").is_none(), "{id}: gray without --group"),
        }
        checked += 1;
    }
    assert!(checked >= 18, "{checked} cases");
}

#[test]
fn cuminc_json_keeps_the_contract_order_and_writes_codes_as_text() {
    let out = npcsurv(&[
        "cuminc",
        "fixtures/golden/data/competing/mgus2.csv",
        "--time",
        "time",
        "--status",
        "status",
        "--group",
        "group",
        "--at",
        "12",
        "--format",
        "json",
    ]);
    let text = stdout(&out);
    let mut from = 0;
    for key in [
        "censor_value",
        "causes",
        "n_dropped",
        "curves",
        "group",
        "cause",
        "steps",
        "time",
        "n_risk",
        "n_event",
        "estimate",
        "std_err",
        "at",
        "time",
        "estimate",
        "std_err",
        "gray",
        "cause",
        "statistic",
        "df",
        "p_value",
    ] {
        from += text[from..]
            .find(&format!("\"{key}\":"))
            .unwrap_or_else(|| panic!("no {key} in order"))
            + 1;
    }
    let doc = json_of(&out);
    assert_eq!(doc["censor_value"], "0");
    assert_eq!(doc["causes"], serde_json::json!(["1", "2"]));
    assert_eq!(doc["curves"][0]["cause"], "1");
    assert_eq!(doc["gray"][1]["cause"], "2");
}

#[test]
fn cuminc_refuses_and_warns_about_its_status() {
    let file = "fixtures/golden/data/competing/mgus2.csv";
    let base = ["cuminc", file, "--time", "time", "--status", "status"];
    // A censoring value no row has: every row becomes an event, said aloud.
    let mut args = base.to_vec();
    args.extend(["--censor-value", "9"]);
    let out = npcsurv(&args);
    assert!(out.status.success());
    assert!(
        stderr(&out).contains("censoring value 9"),
        "{}",
        stderr(&out)
    );
    // --rho without --group is refused by clap (exit 2).
    let mut args = base.to_vec();
    args.extend(["--rho", "1"]);
    assert_eq!(npcsurv(&args).status.code(), Some(2));
    // A figure is written, and --dpi means a .png.
    let svg = std::env::temp_dir().join("npcsurv-cuminc.svg");
    let svg = svg.to_str().unwrap();
    let mut args = base.to_vec();
    args.extend(["--group", "group", "--plot", svg]);
    assert!(npcsurv(&args).status.success());
    assert!(std::fs::read_to_string(svg).unwrap().contains("<svg"));
    args.extend(["--dpi", "300"]);
    assert_eq!(npcsurv(&args).status.code(), Some(2));
}

#[test]
fn finegray_prints_crr() {
    let doc = golden("finegray.json");
    for case in doc["cases"].as_array().unwrap() {
        let id = case["id"].as_str().unwrap();
        let file = format!("fixtures/golden/{}", case["file"].as_str().unwrap());
        let cause = text(&case["cause"]);
        let covariates: Vec<String> = case["covariates"]
            .as_array()
            .unwrap()
            .iter()
            .map(text)
            .collect();
        let covariates = covariates.join(",");
        let out = npcsurv(&[
            "finegray",
            &file,
            "--time",
            "time",
            "--status",
            "status",
            "--cause",
            &cause,
            "--covariates",
            &covariates,
            "--format",
            "json",
        ]);
        let doc = json_of(&out);
        assert_eq!(doc["converged"], case["converged"], "{id}");
        for (j, c) in doc["coefficients"].as_array().unwrap().iter().enumerate() {
            assert_eq!(c["name"], case["covariates"][j], "{id}");
            for (mine, theirs) in [
                ("coef", "coef"),
                ("se", "se"),
                ("hr", "hr"),
                ("hr_lower", "hr_lower"),
                ("hr_upper", "hr_upper"),
                ("z", "z"),
            ] {
                near(
                    &case[theirs][j],
                    &c[mine],
                    1e-6,
                    &format!("{id} {mine}[{j}]"),
                );
            }
        }
        near(&case["loglik"], &doc["loglik"], 1e-6, id);
    }
    // A cause no row has names the causes there are.
    let out = npcsurv(&[
        "finegray",
        "fixtures/golden/data/finegray/mgus2.csv",
        "--time",
        "time",
        "--status",
        "status",
        "--cause",
        "7",
        "--covariates",
        "age",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("the causes are 1, 2"),
        "{}",
        stderr(&out)
    );
}

/// Times from two date columns give the same curves and model as the time
/// column they span.
#[test]
fn dates_give_what_their_span_gives() {
    let rows = [
        (30, 2, 0.5),
        (25, 1, 1.0),
        (46, 0, 2.0),
        (92, 1, 0.0),
        (8, 2, 1.5),
        (59, 1, 0.3),
        (120, 0, 1.1),
        (11, 1, 2.2),
        (67, 2, 0.9),
        (40, 1, 1.7),
    ];
    let mut text = String::from("time,status,x,from,to\n");
    for (days, status, x) in rows {
        // 2020 is a leap year: the span crosses 29 February for some rows.
        let to = 18_293 + days; // days since 1970-01-01 of 2020-02-01, plus the span
        text += &format!("{days},{status},{x},2020-02-01,{}\n", iso(to));
    }
    let path = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("competing-dates.csv");
    std::fs::write(&path, text).unwrap();
    let path = path.to_str().unwrap();
    for command in [
        vec!["cuminc", "--at", "30,60"],
        vec!["finegray", "--cause", "1", "--covariates", "x"],
    ] {
        let run = |time: &[&str]| {
            let mut args = vec![command[0], path];
            args.extend(time);
            args.extend(["--status", "status", "--format", "json"]);
            args.extend(&command[1..]);
            json_of(&npcsurv(&args))
        };
        assert_eq!(
            run(&["--time", "time"]),
            run(&["--time-from", "from", "--time-to", "to"]),
            "{}",
            command[0]
        );
    }
}

/// The ISO date of a day count from 1970-01-01 (civil-from-days).
fn iso(days: i64) -> String {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}
