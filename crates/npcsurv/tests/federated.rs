//! The multi-centre commands against R (`fixtures/golden/generate_federated.R`)
//! and against each other: `federate` prints R's stratified fit and tests and
//! the pooled curves; the same study run site by site through `site` and
//! `pool` files gives the same JSON; every refusal exits 2 with its reason.

mod common;

use std::path::{Path, PathBuf};

use common::{close, golden, json_of, npcsurv, root, stderr, stdout};
use serde_json::Value;

const LUNG: &str = "fixtures/golden/data/federated/lung.csv";
const PAPER: &str = "fixtures/golden/data/federated/dizdar2021.csv";

/// The columns of each golden dataset, as flags.
fn columns(id: &str) -> Vec<&'static str> {
    match id {
        "lung" => vec!["--time", "time", "--event", "status"],
        _ => vec!["--time", "time", "--event", "dead"],
    }
}

fn file_and_site(id: &str) -> (&'static str, &'static str) {
    match id {
        "lung" => (LUNG, "inst"),
        _ => (PAPER, "centre"),
    }
}

fn group_of(id: &str) -> &'static str {
    if id == "lung" { "sex" } else { "liver" }
}

fn federate(id: &str, analysis: &str, extra: &[&str]) -> Value {
    let (file, site) = file_and_site(id);
    let mut args = vec!["federate", file, "--site-column", site, analysis];
    args.extend(columns(id));
    args.extend_from_slice(extra);
    args.extend(["--format", "json"]);
    json_of(&npcsurv(&args))
}

fn numbers(v: &Value) -> Vec<Value> {
    v.as_array().unwrap().clone()
}

#[test]
fn federated_cox_is_rs_stratified_fit() {
    let doc = golden("federated.json");
    for dataset in doc["datasets"].as_array().unwrap() {
        let id = dataset["id"].as_str().unwrap();
        let covariates = if id == "lung" {
            "age,sex,ph_ecog"
        } else {
            "age,liver"
        };
        for ties in ["efron", "breslow"] {
            let got = federate(id, "cox", &["--covariates", covariates, "--ties", ties]);
            let e = &dataset["cox_by_site"][ties];
            let what = format!("{id} {ties}");
            assert_eq!(got["n"], e["n"], "{what}");
            assert_eq!(got["events"], e["events"], "{what}");
            for (j, c) in got["coefficients"].as_array().unwrap().iter().enumerate() {
                for key in ["coef", "se", "hr", "hr_lower", "hr_upper", "z", "p_value"] {
                    close(&e[key][j], &c[key], &format!("{what} {key} {j}"));
                }
            }
            for key in [
                "loglik_null",
                "loglik",
                "concordance",
                "concordance_se",
                "iterations",
            ] {
                close(&e[key], &got[key], &format!("{what} {key}"));
            }
            for (key, got_key) in [
                ("lr_test", "lr_test"),
                ("wald_test", "wald_test"),
                ("score_test", "score_test"),
            ] {
                let t = &got[got_key];
                close(&e[key][0], &t["statistic"], &format!("{what} {key}"));
                close(&e[key][1], &t["df"], &format!("{what} {key} df"));
                close(&e[key][2], &t["p_value"], &format!("{what} {key} p"));
            }
            assert_eq!(got["sites"], dataset["sites"], "{what} sites");
            assert!(got["rounds"].as_u64().unwrap() >= 3, "{what}");
        }
    }
}

#[test]
fn federated_km_and_logrank_are_rs_on_the_pooled_rows() {
    let doc = golden("federated.json");
    for dataset in doc["datasets"].as_array().unwrap() {
        let id = dataset["id"].as_str().unwrap();
        let group = group_of(id);
        let km = federate(id, "km", &["--group", group, "--min-cell", "0"]);
        for (curve, e) in km["curves"]
            .as_array()
            .unwrap()
            .iter()
            .zip(numbers(&dataset["km"]["groups"]))
        {
            let what = format!("{id} km {}", e["group"]);
            assert_eq!(curve["group"], e["group"], "{what}");
            let steps = curve["steps"].as_array().unwrap();
            assert_eq!(steps.len(), e["time"].as_array().unwrap().len(), "{what}");
            for (k, s) in steps.iter().enumerate() {
                for (key, got) in [
                    ("time", "time"),
                    ("n_risk", "n_risk"),
                    ("n_event", "n_event"),
                    ("n_censor", "n_censor"),
                    ("surv", "survival"),
                    ("std_err", "std_err"),
                    ("lower", "lower"),
                    ("upper", "upper"),
                ] {
                    close(&e[key][k], &s[got], &format!("{what} {key} {k}"));
                }
            }
            for key in ["median", "median_lower", "median_upper"] {
                close(&e[key], &curve[key], &format!("{what} {key}"));
            }
        }
        for (key, rho) in [("rho0", "0"), ("rho1", "1")] {
            let got = federate(
                id,
                "logrank",
                &["--group", group, "--rho", rho, "--min-cell", "0"],
            );
            let by_site = &dataset["logrank_by_site"][key];
            let pooled = &dataset["logrank_pooled"][key];
            let what = format!("{id} logrank {key}");
            for k in ["chisq", "df", "p_value"] {
                close(&by_site[k], &got[k], &format!("{what} by site {k}"));
                close(&pooled[k], &got["pooled"][k], &format!("{what} pooled {k}"));
            }
            for (g, group) in got["groups"].as_array().unwrap().iter().enumerate() {
                close(&by_site["observed"][g], &group["observed"], &what);
                close(&by_site["expected"][g], &group["expected"], &what);
            }
        }
    }
}

/// A folder for one test's files, removed at the end.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Scratch {
        let dir = std::env::temp_dir().join(format!("npcsurv-{name}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        Scratch(dir)
    }

    fn path(&self, name: &str) -> String {
        self.0.join(name).display().to_string()
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// lung split into one CSV per institution, as the sites would hold it.
fn split_lung(dir: &Scratch) -> Vec<(String, String)> {
    let text = std::fs::read_to_string(root().join(LUNG)).unwrap();
    let mut lines = text.lines();
    let header = lines.next().unwrap();
    let mut sites: Vec<(String, Vec<&str>)> = Vec::new();
    for line in lines {
        let site = line.split(',').next().unwrap().to_owned();
        if site == "NA" {
            continue;
        }
        match sites.iter_mut().find(|(s, _)| *s == site) {
            Some((_, rows)) => rows.push(line),
            None => sites.push((site, vec![line])),
        }
    }
    sites
        .into_iter()
        .map(|(site, rows)| {
            let path = dir.path(&format!("site-{site}.csv"));
            std::fs::write(&path, format!("{header}\n{}\n", rows.join("\n"))).unwrap();
            (site, path)
        })
        .collect()
}

fn run_ok(args: &[&str]) -> std::process::Output {
    let out = npcsurv(args);
    assert!(out.status.success(), "{args:?}: {}", stderr(&out));
    out
}

#[test]
fn the_site_and_pool_commands_make_the_same_round_trip_through_files() {
    let dir = Scratch::new("roundtrip");
    let sites = split_lung(&dir);
    let lung = ["--time", "time", "--event", "status"];
    // Kaplan-Meier and log-rank: one summary per site.
    let mut summaries = Vec::new();
    for (site, file) in &sites {
        let out = dir.path(&format!("summary-{site}.json"));
        let mut args = vec!["site", "summary", file, "--site", site];
        args.extend(lung);
        args.extend([
            "--group",
            "sex",
            "--levels",
            "1,2",
            "--min-cell",
            "0",
            "--out",
            &out,
        ]);
        run_ok(&args);
        summaries.push(out);
    }
    let mut km = vec!["pool", "km"];
    km.extend(summaries.iter().map(String::as_str));
    km.extend(["--format", "json"]);
    let pooled_km = json_of(&run_ok(&km));
    let federated_km = federate("lung", "km", &["--group", "sex", "--min-cell", "0"]);
    assert_eq!(pooled_km["curves"], federated_km["curves"]);
    let mut lr = vec!["pool", "logrank"];
    lr.extend(summaries.iter().map(String::as_str));
    lr.extend(["--format", "json"]);
    let pooled_lr = json_of(&run_ok(&lr));
    let federated_lr = federate("lung", "logrank", &["--group", "sex", "--min-cell", "0"]);
    assert_eq!(pooled_lr["chisq"], federated_lr["chisq"]);
    assert_eq!(pooled_lr["pooled"], federated_lr["pooled"]);

    // Cox: the coordinator's rounds and the sites' replies, until the fit.
    let state = dir.path("state.json");
    let round0 = dir.path("round-0.json");
    run_ok(&[
        "pool",
        "cox",
        "--start",
        "--covariates",
        "age,sex,ph_ecog",
        "--state",
        &state,
        "--out",
        &round0,
    ]);
    let mut round = round0;
    let mut fit = None;
    for r in 0..30 {
        let mut replies = Vec::new();
        for (site, file) in &sites {
            let out = dir.path(&format!("reply-{r}-{site}.json"));
            let mut args = vec![
                "site", "cox", file, "--site", site, "--round", &round, "--out", &out,
            ];
            args.extend(lung);
            run_ok(&args);
            replies.push(out);
        }
        let next = dir.path(&format!("round-{}.json", r + 1));
        let mut args = vec![
            "pool", "cox", "--state", &state, "--out", &next, "--format", "json",
        ];
        args.extend(replies.iter().map(String::as_str));
        let out = run_ok(&args);
        if !stdout(&out).is_empty() {
            fit = Some(json_of(&out));
            break;
        }
        round = next;
    }
    let fit = fit.expect("the fit finishes");
    let federated = federate("lung", "cox", &["--covariates", "age,sex,ph_ecog"]);
    assert_eq!(fit["coefficients"], federated["coefficients"]);
    assert_eq!(fit["concordance"], federated["concordance"]);
    assert_eq!(fit["rounds"], federated["rounds"]);
}

#[test]
fn coarsened_counts_hold_k_subjects_and_pool_to_the_coarsened_rows() {
    let dir = Scratch::new("coarse");
    let work = dir.path("work");
    let (file, site) = file_and_site("lung");
    let mut args = vec![
        "federate",
        file,
        "--site-column",
        site,
        "--work-dir",
        &work,
        "km",
    ];
    args.extend(columns("lung"));
    args.extend(["--group", "sex", "--min-cell", "5", "--format", "json"]);
    let pooled = json_of(&run_ok(&args));
    // Every released row of every summary holds at least 5 subjects, unless
    // the site has fewer in that group; rebuild the rows they stand for.
    let mut csv = String::from("time,status,sex\n");
    for entry in std::fs::read_dir(&work).unwrap() {
        let path = entry.unwrap().path();
        if !path
            .file_name()
            .unwrap()
            .to_str()
            .unwrap()
            .starts_with("summary-")
        {
            continue;
        }
        let summary: Value =
            serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        assert_eq!(summary["min_cell"], 5);
        assert!(
            summary["discloses"][0]
                .as_str()
                .unwrap()
                .contains("at least 5 subjects")
        );
        let rows = summary["counts"].as_array().unwrap();
        for row in rows {
            let n = row["n_event"].as_u64().unwrap() + row["n_censor"].as_u64().unwrap();
            let group_rows = rows.iter().filter(|r| r["group"] == row["group"]).count();
            assert!(n >= 5 || group_rows == 1, "{}: {row}", path.display());
            for (k, status) in [("n_event", 1), ("n_censor", 0)] {
                for _ in 0..row[k].as_u64().unwrap() {
                    csv.push_str(&format!(
                        "{},{status},{}\n",
                        row["time"],
                        row["group"].as_str().unwrap()
                    ));
                }
            }
        }
    }
    let coarse = dir.path("coarse.csv");
    std::fs::write(&coarse, csv).unwrap();
    let direct = json_of(&run_ok(&[
        "km", &coarse, "--time", "time", "--event", "status", "--group", "sex", "--format", "json",
    ]));
    assert_eq!(pooled["curves"], direct["curves"]);
}

#[test]
fn refusals_exit_2_with_their_reason() {
    let dir = Scratch::new("refusals");
    let sites = split_lung(&dir);
    let lung = ["--time", "time", "--event", "status"];
    let summary = |site: &str, file: &str, levels: &str, name: &str| {
        let out = dir.path(name);
        let mut args = vec!["site", "summary", file, "--site", site];
        args.extend(lung);
        args.extend([
            "--group",
            "sex",
            "--levels",
            levels,
            "--min-cell",
            "0",
            "--out",
            &out,
        ]);
        run_ok(&args);
        out
    };
    let a = summary(&sites[0].0, &sites[0].1, "1,2", "a.json");
    let a_again = summary(&sites[0].0, &sites[1].1, "1,2", "a-again.json");
    let b = summary(&sites[1].0, &sites[1].1, "1,2", "b.json");
    let b_levels = summary(&sites[1].0, &sites[1].1, "1,2,3", "b-levels.json");
    let fails = |args: &[&str], message: &str| {
        let out = npcsurv(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(stderr(&out).contains(message), "{args:?}: {}", stderr(&out));
    };
    fails(&["pool", "km", &a, &a_again], "is given twice");
    fails(
        &["pool", "km", &a, &b_levels],
        "give every site the same --levels",
    );
    fails(
        &["pool", "km", &a, "fixtures/golden/federated.json"],
        "no schema",
    );
    // Two sites: pooled, with a warning.
    let out = run_ok(&["pool", "logrank", &a, &b]);
    assert!(stderr(&out).contains("two sites only"), "{}", stderr(&out));
    // A level the study does not list.
    let mut args = vec!["site", "summary", &sites[0].1, "--site", "x"];
    args.extend(lung);
    let out_file = dir.path("x.json");
    args.extend(["--group", "sex", "--levels", "2", "--out", &out_file]);
    fails(&args, "the site has level `1`");
    // Cox: a reply to another round, and one at other coefficients.
    let state = dir.path("state.json");
    let round0 = dir.path("round-0.json");
    run_ok(&[
        "pool",
        "cox",
        "--start",
        "--covariates",
        "age,sex",
        "--state",
        &state,
        "--out",
        &round0,
    ]);
    let reply = |site: &(String, String), round: &str, name: &str| {
        let out = dir.path(name);
        let mut args = vec![
            "site", "cox", &site.1, "--site", &site.0, "--round", round, "--out", &out,
        ];
        args.extend(lung);
        run_ok(&args);
        out
    };
    let r0: Vec<String> = sites
        .iter()
        .take(3)
        .enumerate()
        .map(|(i, s)| reply(s, &round0, &format!("r0-{i}.json")))
        .collect();
    let round1 = dir.path("round-1.json");
    let mut step = vec!["pool", "cox", "--state", &state, "--out", &round1];
    step.extend(r0.iter().map(String::as_str));
    run_ok(&step);
    // Round 0's replies again: the wrong round.
    let mut again = vec!["pool", "cox", "--state", &state, "--out", &round1];
    again.extend(r0.iter().map(String::as_str));
    fails(&again, "a reply to round 0; the current round is 1");
    // A round-1 reply edited to other coefficients.
    let r1: Vec<String> = sites
        .iter()
        .take(3)
        .enumerate()
        .map(|(i, s)| reply(s, &round1, &format!("r1-{i}.json")))
        .collect();
    let mut edited: Value =
        serde_json::from_str(&std::fs::read_to_string(&r1[0]).unwrap()).unwrap();
    edited["beta"][0] = Value::from(edited["beta"][0].as_f64().unwrap() + 1e-3);
    std::fs::write(&r1[0], edited.to_string()).unwrap();
    let round2 = dir.path("round-2.json");
    let mut other = vec!["pool", "cox", "--state", &state, "--out", &round2];
    other.extend(r1.iter().map(String::as_str));
    fails(
        &other,
        "computed at other coefficients than round 1 asks for",
    );
    // A missing site.
    let mut missing = vec!["pool", "cox", "--state", &state, "--out", &round2];
    missing.extend(r1[1..].iter().map(String::as_str));
    fails(&missing, "needs one from each of");
    assert!(Path::new(&state).exists());
}

#[test]
fn factors_declared_to_every_site_give_rs_factor_fit() {
    let doc = golden("federated.json");
    for dataset in doc["datasets"].as_array().unwrap() {
        let id = dataset["id"].as_str().unwrap();
        let (covariates, categorical) = if id == "lung" {
            ("age,sex,ph_ecog", "sex,ph_ecog")
        } else {
            ("age,liver", "liver")
        };
        for ties in ["efron", "breslow"] {
            let got = federate(
                id,
                "cox",
                &[
                    "--covariates",
                    covariates,
                    "--categorical",
                    categorical,
                    "--ties",
                    ties,
                ],
            );
            let e = &dataset["cox_by_site_factors"][ties];
            let what = format!("{id} factors {ties}");
            let names: Vec<String> = got["coefficients"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| c["name"].as_str().unwrap().to_owned())
                .collect();
            // R's factor(x)level is npcsurv's x=level.
            let r_names: Vec<String> = e["names"]
                .as_array()
                .unwrap()
                .iter()
                .map(|n| {
                    let n = n.as_str().unwrap();
                    match n.strip_prefix("factor(") {
                        Some(rest) => rest.replacen(')', "=", 1),
                        None => n.to_owned(),
                    }
                })
                .collect();
            assert_eq!(names, r_names, "{what}");
            for (j, c) in got["coefficients"].as_array().unwrap().iter().enumerate() {
                for key in ["coef", "se", "hr", "hr_lower", "hr_upper", "p_value"] {
                    close(&e[key][j], &c[key], &format!("{what} {key} {j}"));
                }
            }
            for key in ["loglik", "concordance", "concordance_se"] {
                close(&e[key], &got[key], &format!("{what} {key}"));
            }
        }
    }
    // The same through files, where every site but one lacks a level (one
    // patient in all has ECOG 3) and still fits every coefficient.
    let dir = Scratch::new("factors");
    let sites = split_lung(&dir);
    let lung = ["--time", "time", "--event", "status"];
    let state = dir.path("state.json");
    let round0 = dir.path("round-0.json");
    run_ok(&[
        "pool",
        "cox",
        "--start",
        "--covariates",
        "age,sex,ph_ecog",
        "--factor",
        "sex=1,2",
        "--factor",
        "ph_ecog=0,1,2,3",
        "--state",
        &state,
        "--out",
        &round0,
    ]);
    let mut round = round0;
    let mut fit = None;
    for r in 0..30 {
        let mut replies = Vec::new();
        for (site, file) in &sites {
            let out = dir.path(&format!("reply-{r}-{site}.json"));
            let mut args = vec![
                "site", "cox", file, "--site", site, "--round", &round, "--out", &out,
            ];
            args.extend(lung);
            run_ok(&args);
            replies.push(out);
        }
        let next = dir.path(&format!("round-{}.json", r + 1));
        let mut args = vec![
            "pool", "cox", "--state", &state, "--out", &next, "--format", "json",
        ];
        args.extend(replies.iter().map(String::as_str));
        let out = run_ok(&args);
        if !stdout(&out).is_empty() {
            fit = Some(json_of(&out));
            break;
        }
        round = next;
    }
    let fit = fit.expect("the fit finishes");
    let federated = federate(
        "lung",
        "cox",
        &[
            "--covariates",
            "age,sex,ph_ecog",
            "--categorical",
            "sex,ph_ecog",
        ],
    );
    assert_eq!(fit["coefficients"], federated["coefficients"]);
}

#[test]
fn a_level_no_factor_declares_is_refused_naming_its_row() {
    let dir = Scratch::new("undeclared");
    let sites = split_lung(&dir);
    let state = dir.path("state.json");
    let round0 = dir.path("round-0.json");
    run_ok(&[
        "pool",
        "cox",
        "--start",
        "--covariates",
        "age,ph_ecog",
        "--factor",
        "ph_ecog=0,1",
        "--state",
        &state,
        "--out",
        &round0,
    ]);
    let out = dir.path("reply.json");
    let site = sites.iter().find(|(s, _)| s == "3").unwrap();
    let failed = npcsurv(&[
        "site", "cox", &site.1, "--site", "3", "--round", &round0, "--out", &out, "--time", "time",
        "--event", "status",
    ]);
    assert_eq!(failed.status.code(), Some(2));
    assert!(
        stderr(&failed).contains("column `ph_ecog`")
            && stderr(&failed).contains("one of the declared levels 0, 1"),
        "{}",
        stderr(&failed)
    );
}

#[test]
fn site_sql_prints_the_count_query() {
    let out = run_ok(&[
        "site",
        "sql",
        "visits",
        "--time",
        "months",
        "--event",
        "status",
        "--event-value",
        "Ex",
        "--group",
        "arm",
    ]);
    let query = stdout(&out);
    assert!(
        query.starts_with("SELECT CAST(\"arm\" AS VARCHAR) AS \"group\""),
        "{query}"
    );
    assert!(query.contains("WHEN \"status\" = 'Ex' THEN 1"), "{query}");
    assert!(query.contains("GROUP BY \"arm\", \"months\""), "{query}");
}

#[test]
fn federate_equals_the_pooled_command_stratified_by_site() {
    let strat = |args: &[&str]| {
        let mut all = args.to_vec();
        all.extend(["--format", "json"]);
        json_of(&run_ok(&all))
    };
    let lung = ["--time", "time", "--event", "status"];
    let mut logrank = vec!["logrank", LUNG];
    logrank.extend(lung);
    logrank.extend(["--group", "sex", "--strata", "inst"]);
    let direct = strat(&logrank);
    let federated = federate("lung", "logrank", &["--group", "sex", "--min-cell", "0"]);
    for key in ["chisq", "df", "p_value"] {
        close(&direct[key], &federated[key], key);
    }
    let mut cox = vec!["cox", LUNG];
    cox.extend(lung);
    cox.extend(["--covariates", "age,sex,ph_ecog", "--strata", "inst"]);
    let direct = strat(&cox);
    let federated = federate("lung", "cox", &["--covariates", "age,sex,ph_ecog"]);
    for (d, f) in numbers(&direct["coefficients"])
        .iter()
        .zip(numbers(&federated["coefficients"]))
    {
        for key in ["coef", "se", "p_value"] {
            close(&d[key], &f[key], key);
        }
    }
    close(
        &direct["concordance"],
        &federated["concordance"],
        "concordance",
    );
    let mut km = vec!["km", LUNG];
    km.extend(lung);
    km.extend(["--group", "sex"]);
    let direct = strat(&km);
    let federated = federate("lung", "km", &["--group", "sex", "--min-cell", "0"]);
    assert_eq!(direct["curves"], federated["curves"]);
}
