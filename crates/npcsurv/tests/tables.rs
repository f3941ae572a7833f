//! The default (table) output of every subcommand, pinned on fixtures. A
//! snapshot only detects change; the numbers themselves are proven against R
//! in `cli.rs` and in the engine's golden tests.

mod common;

use std::path::Path;

use common::{npcsurv, stderr, stdout};

/// Standard output of a successful run, and standard error after it.
fn run(args: &[&str]) -> String {
    let out = npcsurv(args);
    assert!(out.status.success(), "{args:?}: {}", stderr(&out));
    let mut text = stdout(&out);
    if !out.stderr.is_empty() {
        text += "--- standard error ---\n";
        text += &stderr(&out);
    }
    text
}

macro_rules! pin {
    ($name:expr, $text:expr) => {
        insta::with_settings!({ omit_expression => true, prepend_module_to_snapshot => false }, {
            insta::assert_snapshot!($name, $text);
        })
    };
}

const PAPER: &str = "fixtures/dizdar2021/patients.csv";
const OS: [&str; 6] = [
    "--time",
    "survival_months",
    "--event",
    "last_status",
    "--event-value",
    "Ex",
];

fn with_os<'a>(command: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec![command, PAPER];
    args.extend(OS);
    args.extend(extra);
    args
}

#[test]
fn km_table() {
    pin!(
        "km",
        run(&with_os(
            "km",
            &["--group", "sex", "--at", "24,48,240", "--rmean", "60"]
        ))
    );
}

#[test]
fn logrank_table() {
    pin!(
        "logrank",
        run(&with_os(
            "logrank",
            &["--group", "metastatic_lesions", "--trend", "--permutation"]
        ))
    );
}

#[test]
fn logrank_stratified_table() {
    pin!(
        "logrank_stratified",
        run(&[
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
            "--rho",
            "1",
            "--permutation",
        ])
    );
}

#[test]
fn cox_table() {
    pin!(
        "cox",
        run(&[
            "cox",
            "fixtures/golden/data/cox/lung.csv",
            "--time",
            "time",
            "--event",
            "status",
            "--covariates",
            "age,sex_female,ph_ecog",
            "--zph",
        ])
    );
}

#[test]
fn cox_with_a_warning() {
    pin!(
        "cox_monotone",
        run(&[
            "cox",
            "fixtures/golden/data/cox/monotone.csv",
            "--time",
            "time",
            "--event",
            "status",
            "--covariates",
            "x,z",
        ])
    );
}

#[test]
fn power_table() {
    pin!(
        "power",
        run(&["power", "--hr", "0.5", "--events", "24", "--power", "0.8"])
    );
}

#[test]
fn table1_table() {
    pin!(
        "table1",
        run(&[
            "table1",
            PAPER,
            "--by",
            "liver_metastasis",
            "--variables",
            "age,sex,histology,metastatic_lesions,rt_dose_cgy"
        ])
    );
}

#[test]
fn reproduce_summary() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("tables-reproduce");
    let dir_text = dir.display().to_string();
    let text = run(&["reproduce", "--out", &dir_text]).replace(&dir_text, "DIR");
    pin!("reproduce", text);
}

const HEART: &str = "fixtures/golden/data/counting/heart.csv";

#[test]
fn cox_clustered_table() {
    pin!(
        "cox_cluster",
        run(&[
            "cox",
            HEART,
            "--start",
            "start",
            "--time",
            "stop",
            "--event",
            "event",
            "--covariates",
            "age,year,surgery,transplant",
            "--cluster",
            "id"
        ])
    );
}

#[test]
fn km_weighted_table() {
    pin!(
        "km_weighted",
        run(&[
            "km",
            HEART,
            "--start",
            "start",
            "--time",
            "stop",
            "--event",
            "event",
            "--weights",
            "w",
            "--group",
            "surgery",
            "--at",
            "100,365,2000"
        ])
    );
}

#[test]
fn cuminc_table() {
    pin!(
        "cuminc",
        run(&[
            "cuminc",
            "fixtures/golden/data/competing/mgus2.csv",
            "--time",
            "time",
            "--status",
            "status",
            "--group",
            "group",
            "--at",
            "120,240,500"
        ])
    );
}

#[test]
fn finegray_table() {
    pin!(
        "finegray",
        run(&[
            "finegray",
            "fixtures/golden/data/finegray/mgus2.csv",
            "--time",
            "time",
            "--status",
            "status",
            "--cause",
            "1",
            "--covariates",
            "age,sex,hgb"
        ])
    );
}
