//! What goes in and what comes out stays true: ragged rows, repeated header
//! names and bad event cells are refused naming the row; missing markers are
//! missing; CSV output survives labels with commas; the JSON keys keep the
//! order the contract states; every requested time gets its row; the
//! permutation test takes the strata and weights of the test beside it;
//! warnings go to standard error in every format.

mod common;

use std::path::Path;
use std::process::Output;

use common::{json_of as json, npcsurv, root, stderr, stdout};

/// Writes `contents` to a fresh file named `name` and returns its path.
fn file(name: &str, contents: &str) -> String {
    let dir =
        Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("integrity-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, contents).unwrap();
    path.display().to_string()
}

fn fails(out: &Output, fragments: &[&str]) {
    assert_eq!(
        out.status.code(),
        Some(2),
        "exit code; stderr: {}",
        stderr(out)
    );
    let message = stderr(out);
    for f in fragments {
        assert!(message.contains(f), "{message:?} lacks {f:?}");
    }
    assert!(!message.contains("panicked"), "{message}");
}

const KM: [&str; 5] = ["km", "--time", "time", "--event", "event"];

fn km(path: &str, extra: &[&str]) -> Output {
    let mut args = vec![KM[0], path];
    args.extend(&KM[1..]);
    args.extend(extra);
    npcsurv(&args)
}

#[test]
fn a_row_with_an_extra_field_exits_2_naming_the_row() {
    let path = file("ragged.csv", "time,event,g\n1,1,a\n5,1,a,extra\n3,0,b\n");
    let out = km(&path, &[]);
    fails(
        &out,
        &[&format!(
            "{path}: row 3: 4 fields; expected 3, as many as the header has"
        )],
    );
    let short = file("short.csv", "time,event,g\n1,1,a\n5,1\n");
    fails(&km(&short, &[]), &["row 3: 2 fields; expected 3"]);
    // The paper's own loader refuses it the same way.
    let table = std::fs::read_to_string(root().join("fixtures/dizdar2021/patients.csv")).unwrap();
    let mut lines: Vec<&str> = table.lines().collect();
    let shifted = lines[4].replacen(',', ",,", 1);
    lines[4] = &shifted;
    let path = file("patients.csv", &(lines.join("\n") + "\n"));
    fails(
        &npcsurv(&["table1", &path]),
        &["row 5: 16 fields; expected 15"],
    );
}

#[test]
fn a_repeated_header_name_exits_2() {
    let path = file("dup.csv", "time,event,time\n1,1,9\n2,0,9\n");
    fails(
        &km(&path, &[]),
        &["names column `time` twice (fields 1 and 3)"],
    );
}

#[test]
fn a_bad_event_cell_is_named_with_its_own_row() {
    let path = file("event.csv", "time,event\n1,1\n2,0\n3,1\n4,0\n5,x\n6,1\n");
    fails(
        &km(&path, &[]),
        &["row 6, column `event`: `x`; expected 1 or 0"],
    );
}

#[test]
fn missing_markers_are_missing_with_an_event_value() {
    let path = file(
        "codes.csv",
        "time,event\n1,Ex\n2,NED\n3,.\n4,NULL\n5,NA\n6,Ex\n7,\n",
    );
    let v = json(&km(&path, &["--event-value", "Ex", "--format", "json"]));
    assert_eq!(v["n_dropped"], 4);
    assert_eq!(v["curves"][0]["n"], 3);
    assert_eq!(v["curves"][0]["events"], 2);
}

#[test]
fn an_event_value_that_matches_nothing_lists_the_values_seen() {
    let path = file("codes.csv", "time,event\n1,Ex\n2,NED\n3,Active disease\n");
    fails(
        &km(&path, &["--event-value", "Died"]),
        &[
            "--event-value `Died` matches no row of column `event`; the column holds `Active disease`, `Ex`, `NED`",
        ],
    );
}

#[test]
fn csv_output_quotes_labels_and_reads_back() {
    let out = npcsurv(&[
        "km",
        "fixtures/dizdar2021/patients.csv",
        "--time",
        "survival_months",
        "--event",
        "last_status",
        "--event-value",
        "Ex",
        "--group",
        "metastatic_sites",
        "--at",
        "12,24",
        "--format",
        "csv",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.contains("\"Bone, liver\""),
        "labels with commas are quoted"
    );
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    assert_eq!(header[..3], ["kind", "group", "time"]);
    let records: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert!(
        records.iter().all(|r| r.len() == header.len()),
        "every row as wide as the header"
    );
    let groups: std::collections::BTreeSet<&str> = records.iter().map(|r| &r[1]).collect();
    assert!(groups.contains("Bone, liver"), "{groups:?}");
    let kinds: std::collections::BTreeSet<&str> = records.iter().map(|r| &r[0]).collect();
    assert_eq!(
        kinds.into_iter().collect::<Vec<_>>(),
        ["at", "curve", "median", "step"]
    );
}

#[test]
fn csv_output_carries_the_tests_and_the_model() {
    let out = npcsurv(&[
        "logrank",
        "fixtures/golden/data/aml.csv",
        "--time",
        "time",
        "--event",
        "status",
        "--group",
        "group",
        "--trend",
        "--permutation",
        "--format",
        "csv",
    ]);
    let text = stdout(&out);
    for kind in ["\ngroup,", "\ntest,", "\ntrend,", "\npermutation,"] {
        assert!(text.contains(kind), "{kind:?} in {text}");
    }
    let out = npcsurv(&[
        "cox",
        "fixtures/golden/data/cox/lung.csv",
        "--time",
        "time",
        "--event",
        "status",
        "--covariates",
        "age,sex_female",
        "--zph",
        "--format",
        "csv",
    ]);
    let text = stdout(&out);
    for kind in [
        "\ncoefficient,age,",
        "\nlr_test,",
        "\nwald_test,",
        "\nscore_test,",
        "\nconcordance,",
        "\nzph,GLOBAL,",
    ] {
        assert!(text.contains(kind), "{kind:?} in {text}");
    }
}

/// `keys` appear in `text` in this order, each as `"key":` (the first
/// occurrence after the previous one, so nested objects can be checked by
/// passing the slice that starts at them).
fn order_in(text: &str, keys: &[&str]) {
    let mut from = 0;
    for key in keys {
        let found = text[from..]
            .find(&format!("\"{key}\":"))
            .unwrap_or_else(|| panic!("no key {key} after the previous ones ({keys:?})"));
        from += found + 1;
    }
}

/// The text from the first occurrence of `"key":` on.
fn from_key<'a>(text: &'a str, key: &str) -> &'a str {
    &text[text
        .find(&format!("\"{key}\":"))
        .unwrap_or_else(|| panic!("no key {key}"))..]
}

#[test]
fn json_keys_keep_the_order_of_the_contract() {
    let out = npcsurv(&[
        "km",
        "fixtures/golden/data/aml.csv",
        "--time",
        "time",
        "--event",
        "status",
        "--group",
        "group",
        "--at",
        "10",
        "--format",
        "json",
    ]);
    let text = stdout(&out);
    json(&out);
    order_in(&text, &["conf_type", "conf_level", "n_dropped", "curves"]);
    let curve = from_key(&text, "curves");
    order_in(
        curve,
        &[
            "group",
            "n",
            "events",
            "median",
            "median_lower",
            "median_upper",
            "steps",
            "at",
        ],
    );
    order_in(
        from_key(curve, "steps"),
        &[
            "time", "n_risk", "n_event", "n_censor", "survival", "std_err", "lower", "upper",
        ],
    );
    order_in(
        from_key(curve, "at"),
        &["time", "n_risk", "survival", "std_err", "lower", "upper"],
    );

    let out = npcsurv(&[
        "logrank",
        "fixtures/golden/data/aml.csv",
        "--time",
        "time",
        "--event",
        "status",
        "--group",
        "group",
        "--format",
        "json",
    ]);
    let text = stdout(&out);
    order_in(
        &text,
        &["rho", "chisq", "df", "p_value", "n_dropped", "groups"],
    );
    order_in(
        from_key(&text, "groups"),
        &["group", "n", "observed", "expected"],
    );

    let out = npcsurv(&[
        "cox",
        "fixtures/golden/data/cox/lung.csv",
        "--time",
        "time",
        "--event",
        "status",
        "--covariates",
        "age,sex_female",
        "--format",
        "json",
    ]);
    let text = stdout(&out);
    order_in(
        &text,
        &[
            "ties",
            "n",
            "events",
            "n_dropped",
            "coefficients",
            "loglik_null",
            "loglik",
            "lr_test",
            "wald_test",
            "score_test",
            "concordance",
        ],
    );
    order_in(
        from_key(&text, "coefficients"),
        &[
            "name", "coef", "se", "hr", "hr_lower", "hr_upper", "z", "p_value",
        ],
    );
    order_in(from_key(&text, "lr_test"), &["statistic", "df", "p_value"]);
}

#[test]
fn every_requested_time_gets_its_row_in_the_order_asked() {
    let out = npcsurv(&[
        "km",
        "fixtures/golden/data/aml.csv",
        "--time",
        "time",
        "--event",
        "status",
        "--group",
        "group",
        "--at",
        "200,12,60,0,24",
        "--format",
        "json",
    ]);
    let v = json(&out);
    for curve in v["curves"].as_array().unwrap() {
        let times: Vec<f64> = curve["at"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["time"].as_f64().unwrap())
            .collect();
        assert_eq!(times, [200.0, 12.0, 60.0, 0.0, 24.0]);
        let past = &curve["at"][0];
        assert!(
            past["survival"].is_null() && past["n_risk"] == 0,
            "200 is past both curves: {past}"
        );
        assert_eq!(curve["at"][3]["survival"], 1.0);
    }
    let out = npcsurv(&[
        "km",
        "fixtures/golden/data/aml.csv",
        "--time",
        "time",
        "--event",
        "status",
        "--at",
        "12,200",
    ]);
    let text = stdout(&out);
    assert!(text.contains(" 200       0        NA"), "{text}");
    assert!(
        text.contains("NA after the last observed time (161): not estimated"),
        "{text}"
    );
    fails(
        &npcsurv(&[
            "km",
            "fixtures/golden/data/aml.csv",
            "--time",
            "time",
            "--event",
            "status",
            "--at",
            "12,inf",
        ]),
        &["expected a finite number ≥ 0"],
    );
}

fn permutation_p(extra: &[&str]) -> f64 {
    let mut args = vec![
        "logrank",
        "fixtures/golden/data/veteran.csv",
        "--time",
        "time",
        "--event",
        "status",
        "--group",
        "group",
        "--permutation",
        "--format",
        "json",
    ];
    args.extend(extra);
    let v = json(&npcsurv(&args));
    v["permutation"]["p_value"].as_f64().unwrap()
}

#[test]
fn the_permutation_test_takes_the_strata_and_weights_of_its_log_rank() {
    let plain = permutation_p(&[]);
    let stratified = permutation_p(&["--strata", "strata"]);
    let peto = permutation_p(&["--rho", "1"]);
    assert_ne!(plain, stratified, "--strata changes the permutation p");
    assert_ne!(plain, peto, "--rho changes the permutation p");
    let v = json(&npcsurv(&[
        "logrank",
        "fixtures/golden/data/veteran.csv",
        "--time",
        "time",
        "--event",
        "status",
        "--group",
        "group",
        "--strata",
        "strata",
        "--permutation",
        "--format",
        "json",
    ]));
    assert_eq!(v["strata"]["column"], "strata");
    // The same question: the permutation p lies near the stratified chi-square p.
    let (chisq_p, perm_p) = (
        v["p_value"].as_f64().unwrap(),
        v["permutation"]["p_value"].as_f64().unwrap(),
    );
    assert!(
        (chisq_p - perm_p).abs() < 0.1,
        "chi-square p {chisq_p}, permutation p {perm_p}"
    );
    fails(
        &npcsurv(&[
            "logrank",
            "fixtures/golden/data/aml.csv",
            "--time",
            "time",
            "--event",
            "status",
            "--group",
            "group",
            "--seed",
            "3",
        ]),
        &["--permutation"],
    );
}

#[test]
fn warnings_go_to_standard_error_in_every_format() {
    for format in ["table", "json", "csv"] {
        let out = npcsurv(&[
            "cox",
            "fixtures/golden/data/cox/monotone.csv",
            "--time",
            "time",
            "--event",
            "status",
            "--covariates",
            "x",
            "--format",
            format,
        ]);
        assert!(out.status.success(), "{}", stderr(&out));
        assert!(
            stderr(&out).contains(
                "npcsurv: warning: log-likelihood converged before the coefficient of `x`"
            ),
            "{format}: {}",
            stderr(&out)
        );
        assert!(
            !stdout(&out).contains("warning:"),
            "{format}: no warning in the result"
        );
        let missing = file("missing.csv", "time,event\n1,1\n2,NA\n3,0\n");
        let out = npcsurv(&[
            "km", &missing, "--time", "time", "--event", "event", "--format", format,
        ]);
        assert!(
            stderr(&out).contains("1 of 3 rows left out"),
            "{format}: {}",
            stderr(&out)
        );
    }
}
