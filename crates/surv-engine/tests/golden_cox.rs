//! Cox regression against R's coxph and summary.coxph (fixtures/golden/cox.json).

mod common;

use common::{Report, Table, num, nums, read_json, strings};
use serde_json::Value;
use surv_engine::{CoxConfig, CoxFit, CoxWarning, SurvivalData, SurvivalError, Ties, cox_ph};

/// The inputs of one golden model: its data file, covariates, strata and ties.
struct Model {
    table: Table,
    events: Vec<bool>,
    names: Vec<String>,
    strata: Option<Vec<u32>>,
    config: CoxConfig,
}

impl Model {
    fn from_case(case: &Value) -> Model {
        let table = Table::read(case["data_file"].as_str().unwrap());
        let events = table.column("status").iter().map(|&s| s == 1.0).collect();
        let strata = case["strata"]
            .as_str()
            .map(|s| table.column(s).iter().map(|&v| v as u32).collect());
        let ties: Ties = case["ties"].as_str().unwrap().parse().unwrap();
        let conf_level = case["conf_level"].as_f64().unwrap_or(0.95);
        let config = CoxConfig {
            ties,
            conf_level,
            ..CoxConfig::default()
        };
        Model {
            names: strings(&case["covariates"]),
            table,
            events,
            strata,
            config,
        }
    }

    fn times(&self) -> &[f64] {
        self.table.column("time")
    }

    fn columns(&self) -> Vec<&[f64]> {
        self.names.iter().map(|n| self.table.column(n)).collect()
    }

    fn fit(&self) -> Result<CoxFit, SurvivalError> {
        let mut data = SurvivalData::new(self.times(), &self.events)?;
        if let Some(strata) = &self.strata {
            data = data.with_strata(strata)?;
        }
        cox_ph(&data, &self.columns(), &self.config)
    }
}

#[test]
fn coxph_matches_r() {
    let golden = read_json("cox.json");
    let cases = golden["cases"].as_array().unwrap();
    assert!(
        cases.len() >= 20,
        "expected the full set of golden cases, found {}",
        cases.len()
    );
    let mut r = Report::default();
    for case in cases {
        let id = case["id"].as_str().unwrap();
        let model = Model::from_case(case);
        let names = &model.names;
        let fit = match model.fit() {
            Ok(f) => f,
            Err(e) => {
                r.failures.push(format!("{id}: {e}"));
                continue;
            }
        };
        let p = names.len();
        let some = |v: &[f64]| v.iter().map(|&x| Some(x)).collect::<Vec<_>>();
        r.value(&format!("{id} n"), num(&case["n"]), Some(fit.n as f64));
        r.value(
            &format!("{id} nevent"),
            num(&case["nevent"]),
            Some(fit.n_events as f64),
        );
        r.value(
            &format!("{id} iter"),
            num(&case["iter"]),
            Some(fit.iterations as f64),
        );
        r.series(
            &format!("{id} coef"),
            &nums(&case["coef"]),
            &some(&fit.coef),
        );
        r.series(&format!("{id} se"), &nums(&case["se"]), &fit.std_err);
        r.series(&format!("{id} z"), &nums(&case["z"]), &fit.z);
        r.series(&format!("{id} p"), &nums(&case["p"]), &fit.p_value);
        let hr = &fit.hazard_ratio;
        r.series(
            &format!("{id} hr"),
            &nums(&case["hr"]),
            &hr.iter().map(|h| h.hr).collect::<Vec<_>>(),
        );
        r.series(
            &format!("{id} hr_lower"),
            &nums(&case["hr_lower"]),
            &hr.iter().map(|h| h.lower).collect::<Vec<_>>(),
        );
        // R's upper bound overflows to Inf (null in the file) for a coefficient
        // running off to infinity; ours is then None.
        r.series(
            &format!("{id} hr_upper"),
            &nums(&case["hr_upper"]),
            &hr.iter().map(|h| h.upper).collect::<Vec<_>>(),
        );
        r.value(
            &format!("{id} loglik_null"),
            num(&case["loglik_null"]),
            Some(fit.loglik_null),
        );
        r.value(
            &format!("{id} loglik"),
            num(&case["loglik_fit"]),
            Some(fit.loglik),
        );
        for (key, test) in [
            ("lr_test", Some(fit.lr_test)),
            ("wald_test", fit.wald_test),
            ("score_test", Some(fit.score_test)),
        ] {
            // A test we do not report where R has one is a mismatch, value by value.
            r.value(
                &format!("{id} {key}"),
                num(&case[key]["statistic"]),
                test.map(|t| t.statistic),
            );
            r.value(
                &format!("{id} {key} df"),
                num(&case[key]["df"]),
                test.map(|t| t.df as f64),
            );
            r.value(
                &format!("{id} {key} p"),
                num(&case[key]["p"]),
                test.map(|t| t.p_value),
            );
        }
        let c = &case["concordance"];
        r.value(
            &format!("{id} concordance"),
            num(&c["value"]),
            fit.concordance.value,
        );
        r.value(
            &format!("{id} concordance se"),
            num(&c["se"]),
            fit.concordance.std_err,
        );
        for (key, got) in [
            ("concordant", fit.concordance.concordant),
            ("discordant", fit.concordance.discordant),
            ("tied_x", fit.concordance.tied_x),
            ("tied_y", fit.concordance.tied_y),
            ("tied_xy", fit.concordance.tied_xy),
        ] {
            r.value(&format!("{id} concordance {key}"), num(&c[key]), Some(got));
        }
        let var = case["var"].as_array().unwrap();
        for (i, row) in var.iter().enumerate() {
            let got: Vec<Option<f64>> = (0..p).map(|j| fit.variance[i * p + j]).collect();
            r.series(&format!("{id} var[{i}]"), &nums(row), &got);
        }
        // Every warning R gave, and no other: "Loglik converged before
        // variable(s) 1,2 ; coefficient may be infinite." names 1-based
        // covariates; "Ran out of iterations and did not converge" is
        // NotConverged.
        let mut expected_warnings = Vec::new();
        for w in strings(&case["warnings"]) {
            if w.contains("may be infinite") {
                let list = w
                    .split("variable")
                    .nth(1)
                    .and_then(|rest| rest.split(';').next())
                    .unwrap_or_else(|| panic!("{id}: unreadable R warning {w:?}"));
                for v in list.trim_start_matches('s').split(',') {
                    let v: usize = v
                        .trim()
                        .parse()
                        .unwrap_or_else(|_| panic!("{id}: unreadable R warning {w:?}"));
                    expected_warnings.push(CoxWarning::InfiniteCoefficient { covariate: v - 1 });
                }
            } else if w.contains("did not converge") {
                expected_warnings.push(CoxWarning::NotConverged {
                    iterations: fit.iterations,
                });
            } else {
                r.failures
                    .push(format!("{id}: R warning {w:?} has no counterpart here"));
            }
        }
        r.checked += 1;
        if fit.warnings != expected_warnings {
            r.failures.push(format!(
                "{id}: R warns {:?} (expected {expected_warnings:?}), we warn {:?}",
                strings(&case["warnings"]),
                fit.warnings
            ));
        }
    }
    r.finish("coxph");
}

#[test]
fn cox_zph_matches_r() {
    use surv_engine::{TimeTransform, ZphConfig};
    let golden = read_json("zph.json");
    let cases = golden["cases"].as_array().unwrap();
    assert!(
        cases.len() >= 15,
        "expected the full set of zph cases, found {}",
        cases.len()
    );
    let mut r = Report::default();
    for case in cases {
        let id = case["id"].as_str().unwrap();
        let model = Model::from_case(case);
        let fit = model.fit().unwrap();
        let transform: TimeTransform = case["transform"].as_str().unwrap().parse().unwrap();
        let zph = match fit.zph(&ZphConfig { transform }) {
            Ok(z) => z,
            Err(e) => {
                r.failures.push(format!("{id}: {e}"));
                continue;
            }
        };
        let rows = case["table"].as_array().unwrap();
        assert_eq!(rows.len(), zph.terms.len(), "{id}: terms");
        assert_eq!(zph.transform, transform, "{id}: transform");
        for ((row, got), name) in rows.iter().zip(&zph.terms).zip(&model.names) {
            let term = row["term"].as_str().unwrap();
            assert_eq!(term, name, "{id}: R's rows are the covariates in order");
            r.value(
                &format!("{id} {term} chisq"),
                num(&row["chisq"]),
                Some(got.statistic),
            );
            r.value(
                &format!("{id} {term} df"),
                num(&row["df"]),
                Some(got.df as f64),
            );
            r.value(&format!("{id} {term} p"), num(&row["p"]), Some(got.p_value));
        }
        r.value(
            &format!("{id} global chisq"),
            num(&case["global"]["chisq"]),
            Some(zph.global.statistic),
        );
        r.value(
            &format!("{id} global df"),
            num(&case["global"]["df"]),
            Some(zph.global.df as f64),
        );
        r.value(
            &format!("{id} global p"),
            num(&case["global"]["p"]),
            Some(zph.global.p_value),
        );
    }
    r.finish("cox.zph");
}

#[test]
fn permutation_log_rank_matches_coin() {
    use surv_engine::{PermutationConfig, PermutationMethod, permutation_log_rank};
    let golden = read_json("permutation.json");
    let cases = golden["cases"].as_array().unwrap();
    assert!(cases.len() >= 3);
    let mut r = Report::default();
    for case in cases {
        let id = case["id"].as_str().unwrap();
        let data = common::read_dataset(case["data_file"].as_str().unwrap());
        let groups = common::codes(&data.group, &strings(&case["groups"]));
        let survival = SurvivalData::new(&data.time, &data.event)
            .and_then(|d| d.with_groups(&groups))
            .unwrap_or_else(|e| panic!("{id}: {e}"));
        let test = permutation_log_rank(&survival, &PermutationConfig::default())
            .unwrap_or_else(|e| panic!("{id}: {e}"));
        // coin's standardised statistic squared is the quadratic form.
        let z = case["asymptotic"]["statistic"].as_f64().unwrap();
        r.value(
            &format!("{id} statistic"),
            Some(z * z),
            Some(test.statistic),
        );
        let main = &case["main"];
        match (main["method"].as_str().unwrap(), test.method) {
            ("exact", PermutationMethod::Exact { .. }) => {
                r.value(
                    &format!("{id} exact p"),
                    num(&main["result"]["p_value"]),
                    Some(test.p_value),
                );
            }
            ("approximate", PermutationMethod::MonteCarlo { .. }) => {
                // Different generators: agree with coin's exact p within 4 Monte Carlo SEs.
                let exact = case["exact_for_comparison"]["p_value"].as_f64().unwrap();
                let se = test.std_err.unwrap_or_else(|| {
                    panic!("{id}: a Monte Carlo p-value without its standard error")
                });
                r.checked += 1;
                if (test.p_value - exact).abs() > 4.0 * se {
                    r.failures.push(format!(
                        "{id}: Monte Carlo p {} is {} SEs from {exact}",
                        test.p_value,
                        (test.p_value - exact).abs() / se
                    ));
                }
            }
            (expected, got) => r
                .failures
                .push(format!("{id}: R used {expected}, we used {got:?}")),
        }
    }
    r.finish("permutation log-rank");
}

#[test]
fn schoenfeld_power_matches_r() {
    use surv_engine::{PowerConfig, events_required, minimal_detectable_hazard_ratio, power};
    let golden = read_json("power.json");
    let mut r = Report::default();
    let paper = &golden["paper_cohort"];
    for row in paper["grid"].as_array().unwrap() {
        let ctx = format!(
            "{} events, allocation {}, HR {}",
            row["events"], row["allocation_label"], row["hr"]
        );
        let design = PowerConfig {
            allocation: row["allocation"].as_f64().unwrap(),
            alpha: row["alpha"].as_f64().unwrap(),
        };
        let (hr, events) = (row["hr"].as_f64().unwrap(), row["events"].as_f64().unwrap());
        r.value(
            &format!("{ctx} power"),
            num(&row["power_two_tail"]),
            power(hr, events, &design).ok(),
        );
        for (key, target) in [("events_for_power_0.8", 0.8), ("events_for_power_0.9", 0.9)] {
            r.value(
                &format!("{ctx} {key}"),
                num(&row[key]),
                events_required(hr, target, &design).ok(),
            );
        }
    }
    for row in paper["detectable_hr_80"].as_array().unwrap() {
        let ctx = format!(
            "{} events, allocation {}",
            row["events"], row["allocation_label"]
        );
        let design = PowerConfig {
            allocation: row["allocation"].as_f64().unwrap(),
            alpha: row["alpha"].as_f64().unwrap(),
        };
        let hr =
            minimal_detectable_hazard_ratio(row["events"].as_f64().unwrap(), 0.8, &design).unwrap();
        r.value(
            &format!("{ctx} detectable HR"),
            num(&row["hr_below_1"]),
            Some(hr),
        );
        r.value(
            &format!("{ctx} detectable HR above 1"),
            num(&row["hr_above_1"]),
            Some(1.0 / hr),
        );
    }
    // A published worked example: Schoenfeld with exact normal quantiles (the wiki
    // rounds them to 1.96 and 0.84 and prints 20.39).
    let wiki = golden["published_examples"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["id"] == "mrc_cbu_statswiki_powsurv")
        .unwrap();
    let inputs = &wiki["inputs"];
    let design = PowerConfig {
        allocation: inputs["p"].as_f64().unwrap(),
        alpha: inputs["alpha"].as_f64().unwrap(),
    };
    let events = events_required(
        inputs["hr"].as_f64().unwrap(),
        inputs["power"].as_f64().unwrap(),
        &design,
    )
    .unwrap();
    r.value(
        "published example events",
        num(&wiki["events"]),
        Some(events),
    );
    assert!(
        (events - wiki["published_events"].as_f64().unwrap()).abs() < 0.03,
        "published 20.39, got {events}"
    );
    r.finish("Schoenfeld power");
}
