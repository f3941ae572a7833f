//! `npcsurv univariate` against R (`fixtures/golden/generate_univariate.R`):
//! survfit's groups, survdiff, coxph with factor() univariable and
//! multivariable; the forest plot; its bad flags.

mod common;

use common::{close, golden, json_of, npcsurv, stderr};
use serde_json::Value;

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .map(|a| a.iter().map(|s| s.as_str().unwrap().to_owned()).collect())
        .unwrap_or_default()
}

fn names(list: &Value) -> String {
    list.as_array()
        .unwrap()
        .iter()
        .map(|f| f["name"].as_str().unwrap().to_owned())
        .collect::<Vec<_>>()
        .join(",")
}

#[test]
fn every_case_agrees_with_r() {
    let doc = golden("univariate.json");
    let mut checked = 0;
    for case in doc["cases"].as_array().unwrap() {
        let id = case["id"].as_str().unwrap();
        let file = format!("fixtures/golden/{}", case["file"].as_str().unwrap());
        let at: Vec<String> = case["at"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t.to_string())
            .collect();
        let at = at.join(",");
        let factors = names(&case["factors"]);
        let continuous = names(&case["continuous"]);
        let mut args = vec![
            "univariate",
            &file,
            "--time",
            case["time"].as_str().unwrap(),
            "--event",
            case["event"].as_str().unwrap(),
            "--event-value",
            case["event_value"].as_str().unwrap(),
            "--factors",
            &factors,
            "--at",
            &at,
            "--multivariable",
            "--no-permutation",
            "--format",
            "json",
        ];
        if !continuous.is_empty() {
            args.extend(["--continuous", &continuous]);
        }
        let references = strings(&case["references"]);
        for r in &references {
            args.extend(["--reference", r]);
        }
        let got = json_of(&npcsurv(&args));
        let got_factors = got["factors"].as_array().unwrap();
        for (e, g) in case["factors"].as_array().unwrap().iter().zip(got_factors) {
            let what = format!("{id} {}", e["name"]);
            assert_eq!(g["name"], e["name"]);
            assert_eq!(g["n"], e["n"], "{what} n");
            for key in ["chisq", "df", "p_value"] {
                close(
                    &e["logrank"][key],
                    &g["logrank"][key],
                    &format!("{what} logrank {key}"),
                );
            }
            let groups = g["groups"].as_array().unwrap();
            let expected = e["groups"].as_array().unwrap();
            assert_eq!(groups.len(), expected.len(), "{what}");
            for (eg, gg) in expected.iter().zip(groups) {
                let gw = format!("{what} group {}", eg["group"]);
                assert_eq!(gg["group"], eg["group"], "{gw}");
                assert_eq!(gg["n"], eg["n"], "{gw}");
                assert_eq!(gg["events"], eg["events"], "{gw}");
                assert_eq!(gg["reference"], eg["hr_lower"].is_null(), "{gw}");
                for key in [
                    "median",
                    "median_lower",
                    "median_upper",
                    "hr",
                    "hr_lower",
                    "hr_upper",
                    "p_value",
                ] {
                    close(&eg[key], &gg[key], &format!("{gw} {key}"));
                }
                let ats = gg["at"].as_array().unwrap();
                for (k, a) in ats.iter().enumerate() {
                    close(&eg["at_time"][k], &a["time"], &gw);
                    close(&eg["at_survival"][k], &a["survival"], &format!("{gw} S"));
                    close(&eg["at_lower"][k], &a["lower"], &format!("{gw} lower"));
                    close(&eg["at_upper"][k], &a["upper"], &format!("{gw} upper"));
                }
                checked += 1;
            }
        }
        let continuous_got: Vec<&Value> = got_factors
            .iter()
            .filter(|f| f["kind"] == "continuous")
            .collect();
        for (e, g) in case["continuous"]
            .as_array()
            .unwrap()
            .iter()
            .zip(continuous_got)
        {
            let what = format!("{id} {}", e["name"]);
            assert_eq!(g["n"], e["n"], "{what}");
            assert!(g["logrank"].is_null());
            for key in ["coef", "se", "hr", "hr_lower", "hr_upper", "p_value"] {
                close(&e[key], &g["per_unit"][key], &format!("{what} {key}"));
            }
            checked += 1;
        }
        let m = &case["multivariable"];
        let gm = &got["multivariable"];
        assert_eq!(gm["n"], m["n"], "{id} multivariable n");
        let coefficients = gm["coefficients"].as_array().unwrap();
        assert_eq!(
            coefficients
                .iter()
                .map(|c| c["name"].clone())
                .collect::<Vec<_>>(),
            m["names"].as_array().unwrap().clone(),
            "{id} multivariable terms"
        );
        for (j, c) in coefficients.iter().enumerate() {
            for (key, got_key) in [
                ("coef", "coef"),
                ("se", "se"),
                ("hr", "hr"),
                ("hr_lower", "hr_lower"),
                ("hr_upper", "hr_upper"),
                ("p_value", "p_value"),
            ] {
                close(
                    &m[key][j],
                    &c[got_key],
                    &format!("{id} multivariable {key} {j}"),
                );
            }
        }
        checked += 1;
    }
    assert!(checked >= 15, "{checked}");
}

#[test]
fn the_table_prints_as_a_paper_prints_it() {
    let out = npcsurv(&[
        "univariate",
        "fixtures/golden/data/table1/lung.csv",
        "--time",
        "time",
        "--event",
        "status",
        "--event-value",
        "2",
        "--factors",
        "sex,ph_ecog",
        "--continuous",
        "age",
        "--at",
        "365",
        "--multivariable",
        "--adjust",
        "holm",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    insta::assert_snapshot!("univariate_lung", common::stdout(&out));
}

#[test]
fn adjusted_p_values_follow_p_adjust() {
    let run = |adjust: &str| {
        json_of(&npcsurv(&[
            "univariate",
            "fixtures/golden/data/table1/lung.csv",
            "--time",
            "time",
            "--event",
            "status",
            "--event-value",
            "2",
            "--factors",
            "sex,ph_ecog,ph_karno",
            "--adjust",
            adjust,
            "--no-permutation",
            "--format",
            "json",
        ]))
    };
    let json = run("holm");
    let p: Vec<f64> = json["factors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["logrank"]["p_value"].as_f64().unwrap())
        .collect();
    // Holm by hand: sorted ascending, p_(i) × (m − i + 1), cumulative maximum.
    let mut order: Vec<usize> = (0..3).collect();
    order.sort_by(|&a, &b| p[a].total_cmp(&p[b]));
    let mut expected = [0.0; 3];
    let mut running: f64 = 0.0;
    for (i, &k) in order.iter().enumerate() {
        running = running.max((p[k] * (3 - i) as f64).min(1.0));
        expected[k] = running;
    }
    for (k, f) in json["factors"].as_array().unwrap().iter().enumerate() {
        let got = f["logrank"]["p_adjusted"].as_f64().unwrap();
        assert!(
            (got - expected[k]).abs() < 1e-15,
            "{k}: {got} {}",
            expected[k]
        );
    }
    assert_eq!(json["adjustment"], "holm");
    assert_eq!(run("bh")["adjustment"], "BH");
}

#[test]
fn the_forest_plot_is_drawn_in_every_format() {
    let dir = std::env::temp_dir().join(format!("npcsurv-forest-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for ext in ["svg", "png", "pdf"] {
        let path = dir.join(format!("forest.{ext}"));
        let out = npcsurv(&[
            "univariate",
            "fixtures/golden/data/table1/lung.csv",
            "--time",
            "time",
            "--event",
            "status",
            "--event-value",
            "2",
            "--factors",
            "sex,ph_ecog",
            "--continuous",
            "age",
            "--multivariable",
            "--no-permutation",
            "--forest",
            path.to_str().unwrap(),
        ]);
        assert!(out.status.success(), "{}", stderr(&out));
        let bytes = std::fs::read(&path).unwrap();
        match ext {
            "svg" => {
                let svg = String::from_utf8(bytes).unwrap();
                // Each factor's reference is marked; each term has its estimate.
                assert_eq!(svg.matches("class=\"reference\"").count(), 2);
                assert_eq!(svg.matches("class=\"estimate\"").count(), 5);
                assert!(svg.contains("Hazard ratio, adjusted"));
            }
            "png" => assert!(bytes.starts_with(b"\x89PNG")),
            _ => assert!(bytes.starts_with(b"%PDF")),
        }
    }
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn bad_flags_are_refused_naming_them() {
    let lung = "fixtures/golden/data/table1/lung.csv";
    let base = [
        "univariate",
        lung,
        "--time",
        "time",
        "--event",
        "status",
        "--event-value",
        "2",
    ];
    let cases: &[(&[&str], &str)] = &[
        (
            &["--factors", "sex", "--continuous", "sex"],
            "`sex` is listed twice",
        ),
        (
            &["--factors", "sex", "--reference", "ph_ecog=1"],
            "`ph_ecog` is not among --factors",
        ),
        (
            &["--factors", "sex", "--reference", "sex=9"],
            "`sex` has no level `9`; its levels are 1, 2",
        ),
        (&["--factors", "arm"], "arm"),
        (&["--factors", "sex", "--dpi", "300"], "--forest"),
        (&["--factors", "sex", "--forest", "f.gif"], "f.gif"),
        (&["--at", "365"], "--factors"),
    ];
    for (flags, message) in cases {
        let mut args = base.to_vec();
        args.extend_from_slice(flags);
        let out = npcsurv(&args);
        assert_eq!(out.status.code(), Some(2), "{flags:?}: {}", stderr(&out));
        assert!(
            stderr(&out).contains(message),
            "{flags:?}: {}",
            stderr(&out)
        );
    }
}

#[test]
fn the_workbook_and_its_dates_give_the_same_table_as_the_csv() {
    let run = |file: &str, time: &[&str]| {
        let mut args = vec!["univariate", file];
        args.extend_from_slice(time);
        args.extend([
            "--event",
            "status",
            "--event-value",
            "2",
            "--factors",
            "sex,ph_ecog",
            "--continuous",
            "age",
            "--at",
            "365",
            "--multivariable",
            "--format",
            "json",
        ]);
        json_of(&npcsurv(&args))
    };
    let csv = run("fixtures/golden/data/table1/lung.csv", &["--time", "time"]);
    let xlsx = "fixtures/golden/data/table1/lung.xlsx";
    assert_eq!(run(xlsx, &["--time", "time"]), csv);
    assert_eq!(
        run(
            xlsx,
            &["--time-from", "diagnosed", "--time-to", "last_seen"]
        ),
        csv
    );
}

#[test]
fn a_group_without_events_is_named() {
    let csv = b"months,died,arm\n5,1,A\n8,1,A\n12,0,B\n3,1,A\n9,0,B\n15,1,A\n";
    let out = common::npcsurv_stdin(
        &[
            "univariate",
            "-",
            "--time",
            "months",
            "--event",
            "died",
            "--factors",
            "arm",
            "--no-permutation",
        ],
        csv,
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("arm: group `B` has no events"),
        "{}",
        stderr(&out)
    );
}
