//! `cox --categorical`: numeric codes entered as categories agree with R's
//! `coxph(... ~ factor(x))` (and `relevel`), and the data's warnings are given.

mod common;

use common::{close, golden, json_of, npcsurv, stderr};

const LUNG: &str = "fixtures/golden/data/cox/lung.csv";

#[test]
fn factors_agree_with_r() {
    let doc = golden("categorical.json");
    for case in doc["cases"].as_array().unwrap() {
        let id = case["id"].as_str().unwrap();
        let list = |key: &str| -> Vec<String> {
            case[key]
                .as_array()
                .map(|a| a.iter().map(|v| v.as_str().unwrap().to_owned()).collect())
                .unwrap_or_default()
        };
        let covariates = list("covariates").join(",");
        let categorical = list("categorical").join(",");
        let ties = case["ties"].as_str().unwrap();
        let mut args = vec![
            "cox",
            LUNG,
            "--time",
            "time",
            "--event",
            "status",
            "--covariates",
            &covariates,
            "--categorical",
            &categorical,
            "--ties",
            ties,
            "--format",
            "json",
        ];
        let references = list("reference");
        for r in &references {
            args.extend(["--reference", r.as_str()]);
        }
        let out = json_of(&npcsurv(&args));
        let coefficients = out["coefficients"].as_array().unwrap();
        assert_eq!(coefficients.len(), list("names").len(), "{id}");
        for (j, c) in coefficients.iter().enumerate() {
            assert_eq!(c["name"], case["names"][j], "{id}");
            for (mine, theirs) in [
                ("coef", "coef"),
                ("se", "se"),
                ("hr", "hr"),
                ("hr_lower", "hr_lower"),
                ("hr_upper", "hr_upper"),
                ("p_value", "p"),
            ] {
                close(&case[theirs][j], &c[mine], &format!("{id} {mine}[{j}]"));
            }
        }
        close(&case["loglik"][0], &out["loglik_null"], id);
        close(&case["loglik"][1], &out["loglik"], id);
        for key in ["lr_test", "wald_test", "score_test"] {
            close(
                &case[key][0],
                &out[key]["statistic"],
                &format!("{id} {key}"),
            );
            close(
                &case[key][2],
                &out[key]["p_value"],
                &format!("{id} {key} p"),
            );
        }
    }
}

#[test]
fn categories_without_events_and_few_events_per_coefficient_are_warned() {
    let path = std::env::temp_dir().join(format!("npcsurv-categorical-{}.csv", std::process::id()));
    // Stage 3 has no events; 5 events for 3 coefficients.
    std::fs::write(
        &path,
        "t,e,stage,age\n1,1,1,50\n2,1,1,61\n3,0,3,70\n4,1,2,55\n5,1,2,66\n6,0,3,59\n7,1,1,45\n8,0,2,62\n",
    )
    .unwrap();
    let path_text = path.display().to_string();
    let args = [
        "cox",
        &path_text,
        "--time",
        "t",
        "--event",
        "e",
        "--covariates",
        "stage,age",
        "--categorical",
        "stage",
        "--format",
        "json",
    ];
    let out = npcsurv(&args);
    let json = json_of(&out);
    let names: Vec<&str> = json["coefficients"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["stage=2", "stage=3", "age"]);
    let warnings: Vec<&str> = json["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w.as_str().unwrap())
        .collect();
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("level `stage=3` has no events")),
        "{warnings:?}"
    );
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("5 events for 3 coefficients (1.7 per coefficient)")),
        "{warnings:?}"
    );
    assert!(stderr(&out).contains("stage=3"));
    // Without --categorical the column is one linear term.
    let linear = json_of(&npcsurv(&[
        "cox",
        &path_text,
        "--time",
        "t",
        "--event",
        "e",
        "--covariates",
        "stage,age",
        "--format",
        "json",
    ]));
    assert_eq!(linear["coefficients"][0]["name"], "stage");
    // --categorical names a covariate, or is refused.
    let out = npcsurv(&[
        "cox",
        &path_text,
        "--time",
        "t",
        "--event",
        "e",
        "--covariates",
        "age",
        "--categorical",
        "stage",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("not among --covariates"));
}
