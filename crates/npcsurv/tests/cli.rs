//! `npcsurv` as a user runs it: JSON output against the R golden files, exit
//! codes, and a catalogue of broken files that must give a clear error (exit 2),
//! never a panic.

mod common;

use common::{close, golden, json_of, npcsurv, npcsurv_stdin, root};

#[test]
fn km_json_matches_r() {
    let km = golden("km.json");
    for id in [
        "aml/by-group/log/0.95",
        "lung/by-group/log-log/0.95",
        "dizdar2021/overall/plain/0.95",
    ] {
        let case = km["cases"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"] == id)
            .unwrap();
        let file = format!("fixtures/golden/{}", case["data_file"].as_str().unwrap());
        let conf = case["conf_type"].as_str().unwrap();
        let mut args = vec![
            "km",
            &file,
            "--time",
            "time",
            "--event",
            "status",
            "--conf-type",
            conf,
            "--format",
            "json",
        ];
        if case["by_group"].as_bool().unwrap() {
            args.extend(["--group", "group"]);
        }
        let requested: Vec<String> = case["curves"][0]["at"]["requested"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.to_string())
            .collect();
        let at = requested.join(",");
        args.extend(["--at", &at]);
        let out = json_of(&npcsurv(&args));
        assert_eq!(out["conf_type"], conf);
        assert_eq!(out["n_dropped"], 0);
        let curves = out["curves"].as_array().unwrap();
        let expected = case["curves"].as_array().unwrap();
        assert_eq!(curves.len(), expected.len(), "{id}: curves");
        for (got, e) in curves.iter().zip(expected) {
            assert_eq!(got["group"], e["group"], "{id}: group order");
            for key in ["median", "median_lower", "median_upper"] {
                close(&e[key], &got[key], &format!("{id} {key}"));
            }
            let steps = got["steps"].as_array().unwrap();
            for (i, step) in steps.iter().enumerate() {
                for (mine, theirs) in [
                    ("time", "time"),
                    ("n_risk", "n_risk"),
                    ("survival", "surv"),
                    ("std_err", "std_err"),
                    ("lower", "lower"),
                    ("upper", "upper"),
                ] {
                    close(&e[theirs][i], &step[mine], &format!("{id} step {i} {mine}"));
                }
            }
            // One entry per requested time, in the order asked. R's summary
            // keeps only times up to the last observation; every one of those
            // must match, and the others must say "not estimated".
            let at = got["at"].as_array().unwrap();
            assert_eq!(at.len(), requested.len(), "{id}: one `at` entry per time");
            let r_times = e["at"]["time"].as_array().unwrap();
            let mut matched = 0;
            for (a, asked) in at.iter().zip(&requested) {
                let time = a["time"].as_f64().unwrap();
                assert_eq!(time, asked.parse::<f64>().unwrap(), "{id}: order of `at`");
                match r_times.iter().position(|t| t.as_f64() == Some(time)) {
                    Some(i) => {
                        matched += 1;
                        for (mine, theirs) in [
                            ("survival", "surv"),
                            ("n_risk", "n_risk"),
                            ("std_err", "std_err"),
                            ("lower", "lower"),
                            ("upper", "upper"),
                        ] {
                            close(
                                &e["at"][theirs][i],
                                &a[mine],
                                &format!("{id} at {asked} {mine}"),
                            );
                        }
                    }
                    None => {
                        for key in ["survival", "std_err", "lower", "upper"] {
                            assert!(a[key].is_null(), "{id} at {asked}: {key} past the end");
                        }
                        assert_eq!(a["n_risk"], 0, "{id} at {asked}");
                    }
                }
            }
            assert_eq!(matched, r_times.len(), "{id}: every row R gives is matched");
        }
    }
}

#[test]
fn logrank_json_matches_r() {
    let lr = golden("logrank.json");
    for id in ["veteran/trt/stratified/rho0", "aml/x/unstratified/rho1"] {
        let case = lr["cases"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"] == id)
            .unwrap_or_else(|| panic!("no {id}"));
        let file = format!("fixtures/golden/{}", case["data_file"].as_str().unwrap());
        let rho = case["rho"].to_string();
        let mut args = vec![
            "logrank", &file, "--time", "time", "--event", "status", "--group", "group", "--rho",
            &rho, "--format", "json",
        ];
        if case["stratified"].as_bool().unwrap() {
            args.extend(["--strata", "strata"]);
        }
        let out = json_of(&npcsurv(&args));
        for key in ["chisq", "df", "p_value"] {
            close(&case[key], &out[key], &format!("{id} {key}"));
        }
        for (g, group) in out["groups"].as_array().unwrap().iter().enumerate() {
            assert_eq!(group["group"], case["groups"][g], "{id}: group order");
            close(
                &case["observed"][g],
                &group["observed"],
                &format!("{id} observed {g}"),
            );
            close(
                &case["expected"][g],
                &group["expected"],
                &format!("{id} expected {g}"),
            );
        }
    }
}

#[test]
fn cox_json_matches_r() {
    let cox = golden("cox.json");
    let case = cox["cases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "lung/breslow")
        .unwrap();
    let covariates: Vec<&str> = case["covariates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    let list = covariates.join(",");
    let out = json_of(&npcsurv(&[
        "cox",
        "fixtures/golden/data/cox/lung.csv",
        "--time",
        "time",
        "--event",
        "status",
        "--covariates",
        &list,
        "--ties",
        "breslow",
        "--format",
        "json",
    ]));
    assert_eq!(out["ties"], "breslow");
    close(&case["loglik_fit"], &out["loglik"], "loglik");
    close(&case["loglik_null"], &out["loglik_null"], "loglik_null");
    close(
        &case["concordance"]["value"],
        &out["concordance"],
        "concordance",
    );
    for key in ["lr_test", "wald_test", "score_test"] {
        close(&case[key]["statistic"], &out[key]["statistic"], key);
        close(&case[key]["p"], &out[key]["p_value"], key);
    }
    for (j, c) in out["coefficients"].as_array().unwrap().iter().enumerate() {
        assert_eq!(c["name"], case["covariates"][j]);
        for (mine, theirs) in [
            ("coef", "coef"),
            ("se", "se"),
            ("hr", "hr"),
            ("hr_lower", "hr_lower"),
            ("hr_upper", "hr_upper"),
            ("z", "z"),
            ("p_value", "p"),
        ] {
            close(&case[theirs][j], &c[mine], &format!("{mine}[{j}]"));
        }
    }
}

#[test]
fn the_papers_file_runs_with_event_codes_and_from_stdin() {
    let csv = std::fs::read(root().join("fixtures/dizdar2021/patients.csv")).unwrap();
    let out = npcsurv_stdin(
        &[
            "km",
            "-",
            "--time",
            "survival_months",
            "--event",
            "last_status",
            "--event-value",
            "Ex",
            "--format",
            "json",
        ],
        &csv,
    );
    let v = json_of(&out);
    assert_eq!(v["curves"][0]["events"], 24);
    assert_eq!(v["curves"][0]["median"], 25.0);
    let out = npcsurv(&[
        "logrank",
        "fixtures/dizdar2021/patients.csv",
        "--time",
        "survival_months",
        "--event",
        "last_status",
        "--event-value",
        "Ex",
        "--group",
        "metastatic_lesions",
        "--trend",
        "--format",
        "json",
    ]);
    let v = json_of(&out);
    // Groups in byte order of their text.
    assert_eq!(
        v["groups"]
            .as_array()
            .unwrap()
            .iter()
            .map(|g| g["group"].as_str().unwrap())
            .collect::<Vec<_>>(),
        ["Multiple", "Oligometastasis", "Single"]
    );
    assert!(v["trend"]["p_value"].as_f64().unwrap() > 0.0);
    for cmd in [
        vec!["power", "--hr", "0.5", "--events", "24"],
        vec!["table1", "fixtures/dizdar2021/patients.csv"],
        vec!["--version"],
        vec!["km", "--help"],
    ] {
        let out = npcsurv(&cmd);
        assert!(
            out.status.success(),
            "{cmd:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

#[test]
fn missing_values_are_left_out_and_counted() {
    let csv = b"time,event,group\n5,1,A\n,1,A\n7,0,B\n8,1,\n9,1,B\n3,NA,A\n";
    let v = json_of(&npcsurv_stdin(
        &[
            "km", "-", "--time", "time", "--event", "event", "--group", "group", "--format", "json",
        ],
        csv,
    ));
    assert_eq!(v["n_dropped"], 3);
    let n: u64 = v["curves"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["n"].as_u64().unwrap())
        .sum();
    assert_eq!(n, 3);
    let out = npcsurv_stdin(&["km", "-", "--time", "time", "--event", "event"], csv);
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("2 of 6 rows left out"),
        "a line on standard error: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The broken-file catalogue: (what, file contents, extra args, exit code, fragments of the message).
fn broken(name: &str, contents: &[u8], args: &[&str], code: i32, fragments: &[&str]) {
    let dir = std::env::temp_dir().join(format!("npcsurv-catalogue-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, contents).unwrap();
    let path_text = path.display().to_string();
    let mut all = vec![args[0], path_text.as_str()];
    all.extend(&args[1..]);
    let out = npcsurv(&all);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        out.status.code(),
        Some(code),
        "{name}: exit code; stderr: {stderr}"
    );
    assert!(!stderr.contains("panicked"), "{name}: panicked: {stderr}");
    for f in fragments {
        assert!(stderr.contains(f), "{name}: message {stderr:?} lacks {f:?}");
    }
}

const KM: &[&str] = &["km", "--time", "time", "--event", "event"];

#[test]
fn broken_files_get_clear_errors() {
    broken("empty.csv", b"", KM, 2, &["empty.csv", "no data rows"]);
    broken(
        "no_header.csv",
        b"5,1\n6,0\n",
        KM,
        2,
        &["missing column `time`", "`5`"],
    );
    broken(
        "unknown.csv",
        b"months,event\n5,1\n",
        KM,
        2,
        &["missing column `time`", "`months`"],
    );
    broken(
        "text.csv",
        b"time,event\n5,1\nsix,0\n7,1\n",
        KM,
        2,
        &["row 3", "column `time`", "`six`", "a number"],
    );
    broken(
        "negative.csv",
        b"time,event\n5,1\n-2,0\n",
        KM,
        2,
        &["row 3", "`-2`", "0 or more"],
    );
    broken(
        "event.csv",
        b"time,event\n5,1\n6,2\n",
        KM,
        2,
        &["row 3", "column `event`", "`2`", "--event-value"],
    );
    broken(
        "all_missing.csv",
        b"time,event\n,1\n5,\n",
        KM,
        2,
        &["all 2 rows miss a value"],
    );
    broken(
        "one_group.csv",
        b"time,event,g\n5,1,A\n6,0,A\n",
        &[
            "logrank", "--time", "time", "--event", "event", "--group", "g",
        ],
        2,
        &["at least 2 groups"],
    );
    broken(
        "no_events.csv",
        b"time,event,g\n5,0,A\n6,0,B\n",
        &[
            "logrank", "--time", "time", "--event", "event", "--group", "g",
        ],
        2,
        &["no events"],
    );
    broken(
        "binary.csv",
        &(0..4096u32)
            .map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8)
            .collect::<Vec<u8>>(),
        KM,
        2,
        &["binary.csv"],
    );
    broken(
        "not.parquet",
        b"PAR1 this is not parquet",
        KM,
        2,
        &["not.parquet", "not a readable table"],
    );
    broken(
        "data.xlsx",
        b"time,event\n1,1\n",
        KM,
        2,
        &["data.xlsx", "not an Excel workbook (.xlsx)"],
    );
    broken(
        "data.xls",
        b"time,event\n1,1\n",
        KM,
        2,
        &["expected a .csv, .tsv, .tab, .parquet or .xlsx file"],
    );
    broken(
        "constant.csv",
        b"time,event,x\n5,1,1\n6,0,1\n7,1,1\n",
        &[
            "cox",
            "--time",
            "time",
            "--event",
            "event",
            "--covariates",
            "x",
        ],
        2,
        &["singular"],
    );
    // Many columns: the used ones are found among 5000.
    let mut wide = (0..5000)
        .map(|i| format!("c{i}"))
        .collect::<Vec<_>>()
        .join(",")
        + ",time,event\n";
    for r in 0..20 {
        wide += &(0..5000)
            .map(|i| (i + r).to_string())
            .collect::<Vec<_>>()
            .join(",");
        wide += &format!(",{},{}\n", r + 1, r % 2);
    }
    broken("wide.csv", wide.as_bytes(), KM, 0, &[]);
}

#[test]
fn a_group_column_with_1000_levels_works() {
    let mut csv = String::from("time,event,g\n");
    for i in 0..3000 {
        csv += &format!("{},{},{}\n", 1 + i % 97, u8::from(i % 3 != 0), i % 1000);
    }
    let out = npcsurv_stdin(
        &[
            "logrank", "-", "--time", "time", "--event", "event", "--group", "g", "--format",
            "json",
        ],
        csv.as_bytes(),
    );
    let v = json_of(&out);
    assert_eq!(v["df"], 999);
    // Numeric labels sort numerically: 0, 1, 2, …, 10, not 0, 1, 10, 100.
    assert_eq!(v["groups"][10]["group"], "10");
    let out = npcsurv_stdin(
        &[
            "km", "-", "--time", "time", "--event", "event", "--group", "g", "--format", "csv",
        ],
        csv.as_bytes(),
    );
    assert!(out.status.success());
}

#[test]
fn usage_errors_exit_2() {
    for args in [
        vec!["km"],
        vec!["frobnicate"],
        vec![
            "km",
            "x.csv",
            "--time",
            "t",
            "--event",
            "e",
            "--conf-type",
            "wide",
        ],
    ] {
        let out = npcsurv(&args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
    }
}

#[test]
fn km_plot_writes_an_svg() {
    let path = std::env::temp_dir().join(format!("npcsurv-plot-{}.svg", std::process::id()));
    let path_text = path.display().to_string();
    let out = npcsurv(&[
        "km",
        "fixtures/golden/data/aml.csv",
        "--time",
        "time",
        "--event",
        "status",
        "--group",
        "group",
        "--plot",
        &path_text,
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let svg = std::fs::read_to_string(&path).unwrap();
    assert!(
        svg.starts_with("<svg") && svg.contains("Maintained") && svg.contains("Number at risk")
    );
    // The default title names no path.
    assert!(!svg.contains("aml.csv"));
    let out = npcsurv(&[
        "km",
        "fixtures/golden/data/aml.csv",
        "--time",
        "time",
        "--event",
        "status",
        "--plot",
        "/nonexistent/dir/x.svg",
    ]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "an unwritable output is not bad input"
    );
}

#[test]
fn parquet_input_gives_the_same_results_as_csv() {
    let csv_path = root().join("fixtures/golden/data/veteran.csv");
    let bytes = surv_reader::convert::to_parquet(
        "veteran.csv",
        surv_reader::Format::Csv,
        std::fs::read(csv_path).unwrap(),
    )
    .unwrap();
    let parquet =
        std::env::temp_dir().join(format!("npcsurv-veteran-{}.parquet", std::process::id()));
    std::fs::write(&parquet, bytes).unwrap();
    let parquet_text = parquet.display().to_string();
    let args = |file: &str| {
        vec![
            "logrank".to_owned(),
            file.to_owned(),
            "--time".into(),
            "time".into(),
            "--event".into(),
            "status".into(),
            "--group".into(),
            "strata".into(),
            "--format".into(),
            "json".into(),
        ]
    };
    let run = |a: Vec<String>| json_of(&npcsurv(&a.iter().map(String::as_str).collect::<Vec<_>>()));
    assert_eq!(
        run(args(&parquet_text)),
        run(args("fixtures/golden/data/veteran.csv"))
    );
}
