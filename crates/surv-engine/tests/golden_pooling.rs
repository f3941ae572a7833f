//! The multi-centre analysis against R (`fixtures/golden/generate_federated.R`):
//! R's lung split by institution and the paper's rows split into three
//! made-up centres. Each site's rows give only their summaries; the pooled
//! results must equal `survfit` and `survdiff` on the pooled rows and
//! `survdiff(~ g + strata(site))`, `coxph(~ x + strata(site))` at 1e-9.

mod common;

use common::{Report, golden_dir, num, nums, read_json, strings};
use surv_engine::cox::{ConcordanceSums, CoxConfig, CoxEvaluation, Newton, Ties};
use surv_engine::pooling::{
    CoxSite, LogRankSums, SiteCounts, expand, pooled_cox_fit, pooled_log_rank,
};
use surv_engine::{
    ConfType, KmConfig, KmCurve, LogRankConfig, SurvivalData, kaplan_meier_by_group, log_rank,
};

/// One dataset's rows, as the sites hold them.
struct Rows {
    site: Vec<String>,
    time: Vec<f64>,
    event: Vec<bool>,
    group: Vec<u32>,
    /// Covariates per row; `None` where one is missing.
    covariates: Vec<Option<Vec<f64>>>,
}

fn field(row: &[&str], header: &[&str], name: &str) -> String {
    let at = header.iter().position(|h| *h == name).unwrap();
    row[at].to_owned()
}

fn read(dataset: &serde_json::Value) -> Rows {
    let path = golden_dir().join(dataset["file"].as_str().unwrap());
    let text = std::fs::read_to_string(&path).unwrap();
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let site = dataset["site"].as_str().unwrap();
    let time = dataset["time"].as_str().unwrap();
    let event = dataset["event"].as_str().unwrap();
    let event_value = dataset["event_value"].as_str().unwrap_or("1");
    let group = dataset["group"].as_str().unwrap();
    let covariates = strings(&dataset["covariates"]);
    let mut rows = Rows {
        site: vec![],
        time: vec![],
        event: vec![],
        group: vec![],
        covariates: vec![],
    };
    for line in lines {
        let row: Vec<&str> = line.split(',').collect();
        let number = |name: &str| field(&row, &header, name).parse::<f64>().ok();
        rows.site.push(field(&row, &header, site));
        rows.time.push(number(time).unwrap());
        rows.event.push(field(&row, &header, event) == event_value);
        // Both datasets' groups are two numeric codes: sex 1/2, liver 0/1.
        let g = number(group).unwrap();
        let second = if group == "sex" { 2.0 } else { 1.0 };
        rows.group.push(u32::from(g == second));
        let values: Option<Vec<f64>> = covariates
            .iter()
            .map(|c| match c.as_str() {
                "sex" | "liver" | "age" | "ph_ecog" => number(c),
                _ => None,
            })
            .collect();
        rows.covariates.push(values);
    }
    rows
}

/// Row positions per site, in the order of the golden file's site list.
fn by_site(rows: &Rows, sites: &[String]) -> Vec<Vec<usize>> {
    sites
        .iter()
        .map(|s| {
            (0..rows.site.len())
                .filter(|&i| rows.site[i] == *s)
                .collect()
        })
        .collect()
}

fn pick<T: Clone>(values: &[T], at: &[usize]) -> Vec<T> {
    at.iter().map(|&i| values[i].clone()).collect()
}

#[test]
fn pooled_kaplan_meier_and_log_rank_match_r() {
    let golden = read_json("federated.json");
    let mut r = Report::default();
    for dataset in golden["datasets"].as_array().unwrap() {
        let id = dataset["id"].as_str().unwrap();
        let rows = read(dataset);
        let sites = by_site(&rows, &strings(&dataset["sites"]));
        let counts: Vec<SiteCounts> = sites
            .iter()
            .map(|at| {
                SiteCounts::of(
                    &pick(&rows.time, at),
                    &pick(&rows.event, at),
                    &pick(&rows.group, at),
                    2,
                )
                .unwrap()
            })
            .collect();
        // Coarsening to cells of 0 or 1 releases the table as it is.
        for c in &counts {
            assert_eq!(&c.coarsen(0), c);
            assert_eq!(&c.coarsen(1), c);
        }
        let pooled = expand(&counts).unwrap();
        assert_eq!(
            pooled.times.len() as f64,
            num(&dataset["n"]).unwrap(),
            "{id}"
        );
        let data = SurvivalData::new(&pooled.times, &pooled.events)
            .unwrap()
            .with_groups(&pooled.groups)
            .unwrap();
        for (conf_type, lower, upper) in [
            (ConfType::Log, "lower", "upper"),
            (ConfType::LogLog, "lower_loglog", "upper_loglog"),
            (ConfType::Plain, "lower_plain", "upper_plain"),
        ] {
            let config = KmConfig {
                conf_type,
                ..KmConfig::default()
            };
            let curves = kaplan_meier_by_group(&data, &config).unwrap();
            for (curve, e) in curves
                .iter()
                .zip(dataset["km"]["groups"].as_array().unwrap())
            {
                let ctx = format!("{id} km group {} {conf_type:?}", e["group"]);
                r.series(
                    &format!("{ctx} time"),
                    &nums(&e["time"]),
                    &curve.time.iter().map(|&t| Some(t)).collect::<Vec<_>>(),
                );
                r.series(
                    &format!("{ctx} {lower}"),
                    &nums(&e[lower]),
                    &common::computed(curve, KmCurve::lower),
                );
                r.series(
                    &format!("{ctx} {upper}"),
                    &nums(&e[upper]),
                    &common::computed(curve, KmCurve::upper),
                );
                if conf_type == ConfType::Log {
                    let count = |v: &[usize]| v.iter().map(|&x| Some(x as f64)).collect::<Vec<_>>();
                    r.series(
                        &format!("{ctx} n_risk"),
                        &nums(&e["n_risk"]),
                        &count(&curve.n_risk),
                    );
                    r.series(
                        &format!("{ctx} n_event"),
                        &nums(&e["n_event"]),
                        &count(&curve.n_event),
                    );
                    r.series(
                        &format!("{ctx} n_censor"),
                        &nums(&e["n_censor"]),
                        &count(&curve.n_censor),
                    );
                    r.series(
                        &format!("{ctx} surv"),
                        &nums(&e["surv"]),
                        &curve.survival.iter().map(|&s| Some(s)).collect::<Vec<_>>(),
                    );
                    r.series(
                        &format!("{ctx} std_err"),
                        &nums(&e["std_err"]),
                        &common::computed(curve, KmCurve::std_err),
                    );
                    let median = curve.median();
                    r.value(&format!("{ctx} median"), num(&e["median"]), median.time);
                    r.value(
                        &format!("{ctx} median_lower"),
                        num(&e["median_lower"]),
                        median.lower,
                    );
                    r.value(
                        &format!("{ctx} median_upper"),
                        num(&e["median_upper"]),
                        median.upper,
                    );
                    let times: Vec<f64> = nums(&e["at_time"]).into_iter().flatten().collect();
                    let at = curve.at(&times);
                    r.series(
                        &format!("{ctx} at"),
                        &nums(&e["at_surv"]),
                        &at.iter().map(|a| a.survival).collect::<Vec<_>>(),
                    );
                    r.series(
                        &format!("{ctx} at lower"),
                        &nums(&e["at_lower"]),
                        &at.iter().map(|a| a.lower).collect::<Vec<_>>(),
                    );
                    r.series(
                        &format!("{ctx} at upper"),
                        &nums(&e["at_upper"]),
                        &at.iter().map(|a| a.upper).collect::<Vec<_>>(),
                    );
                }
            }
        }
        for (key, rho) in [("rho0", 0.0), ("rho1", 1.0)] {
            let config = LogRankConfig { rho };
            // Unstratified, from the count tables.
            let test = log_rank(&data, &config).unwrap();
            let e = &dataset["logrank_pooled"][key];
            let ctx = format!("{id} pooled log-rank {key}");
            r.value(
                &format!("{ctx} chisq"),
                num(&e["chisq"]),
                Some(test.statistic),
            );
            r.value(&format!("{ctx} df"), num(&e["df"]), Some(test.df as f64));
            r.value(&format!("{ctx} p"), num(&e["p_value"]), Some(test.p_value));
            r.series(
                &format!("{ctx} observed"),
                &nums(&e["observed"]),
                &test.observed.iter().map(|&x| Some(x)).collect::<Vec<_>>(),
            );
            r.series(
                &format!("{ctx} expected"),
                &nums(&e["expected"]),
                &test.expected.iter().map(|&x| Some(x)).collect::<Vec<_>>(),
            );
            // Stratified by site, from each site's sums.
            let sums: Vec<LogRankSums> = sites
                .iter()
                .map(|at| {
                    LogRankSums::of(
                        &pick(&rows.time, at),
                        &pick(&rows.event, at),
                        &pick(&rows.group, at),
                        2,
                        &config,
                    )
                    .unwrap()
                })
                .collect();
            let test = pooled_log_rank(&sums).unwrap();
            let e = &dataset["logrank_by_site"][key];
            let ctx = format!("{id} log-rank by site {key}");
            r.value(
                &format!("{ctx} chisq"),
                num(&e["chisq"]),
                Some(test.statistic),
            );
            r.value(&format!("{ctx} df"), num(&e["df"]), Some(test.df as f64));
            r.value(&format!("{ctx} p"), num(&e["p_value"]), Some(test.p_value));
            r.series(
                &format!("{ctx} observed"),
                &nums(&e["observed"]),
                &test.observed.iter().map(|&x| Some(x)).collect::<Vec<_>>(),
            );
            r.series(
                &format!("{ctx} expected"),
                &nums(&e["expected"]),
                &test.expected.iter().map(|&x| Some(x)).collect::<Vec<_>>(),
            );
        }
    }
    r.finish("pooled survfit and survdiff");
}

#[test]
fn cox_stratified_by_site_from_rounds_matches_coxph() {
    let golden = read_json("federated.json");
    let mut r = Report::default();
    for dataset in golden["datasets"].as_array().unwrap() {
        let id = dataset["id"].as_str().unwrap();
        let rows = read(dataset);
        let complete: Vec<usize> = (0..rows.time.len())
            .filter(|&i| rows.covariates[i].is_some())
            .collect();
        let sites: Vec<CoxSite> = by_site(&rows, &strings(&dataset["sites"]))
            .into_iter()
            .map(|at| {
                at.into_iter()
                    .filter(|i| complete.contains(i))
                    .collect::<Vec<_>>()
            })
            .filter(|at| !at.is_empty())
            .map(|at| {
                let p = strings(&dataset["covariates"]).len();
                let columns: Vec<Vec<f64>> = (0..p)
                    .map(|j| {
                        at.iter()
                            .map(|&i| rows.covariates[i].as_ref().unwrap()[j])
                            .collect()
                    })
                    .collect();
                let refs: Vec<&[f64]> = columns.iter().map(Vec::as_slice).collect();
                CoxSite::new(&pick(&rows.time, &at), &pick(&rows.event, &at), &refs).unwrap()
            })
            .collect();
        for (key, ties) in [("efron", Ties::Efron), ("breslow", Ties::Breslow)] {
            let config = CoxConfig {
                ties,
                ..CoxConfig::default()
            };
            let p = strings(&dataset["covariates"]).len();
            let mut newton = Newton::new(p, &config);
            let mut rounds = 0;
            while let Some(beta) = newton.wanted() {
                let replies: Vec<CoxEvaluation> = sites
                    .iter()
                    .map(|s| s.evaluate(beta, &config).unwrap())
                    .collect();
                newton
                    .receive(CoxEvaluation::sum(&replies).unwrap())
                    .unwrap();
                rounds += 1;
            }
            assert!(rounds >= 2);
            let n: usize = sites.iter().map(CoxSite::n).sum();
            let events: usize = sites.iter().map(CoxSite::n_events).sum();
            // The concordance at the estimate: one more round.
            let estimate = newton.estimate().unwrap().to_vec();
            let sums: Vec<ConcordanceSums> =
                sites.iter().map(|s| s.concordance(&estimate)).collect();
            let concordance = ConcordanceSums::pooled(&sums);
            let fit = pooled_cox_fit(newton, n, events, concordance, &config).unwrap();
            let e = &dataset["cox_by_site"][key];
            let ctx = format!("{id} cox {key}");
            let some = |v: &[f64]| v.iter().map(|&x| Some(x)).collect::<Vec<_>>();
            r.value(&format!("{ctx} n"), num(&e["n"]), Some(fit.n as f64));
            r.value(
                &format!("{ctx} events"),
                num(&e["events"]),
                Some(fit.n_events as f64),
            );
            r.series(&format!("{ctx} coef"), &nums(&e["coef"]), &some(&fit.coef));
            r.series(&format!("{ctx} se"), &nums(&e["se"]), &fit.std_err);
            r.series(
                &format!("{ctx} hr"),
                &nums(&e["hr"]),
                &fit.hazard_ratio.iter().map(|h| h.hr).collect::<Vec<_>>(),
            );
            r.series(
                &format!("{ctx} hr_lower"),
                &nums(&e["hr_lower"]),
                &fit.hazard_ratio.iter().map(|h| h.lower).collect::<Vec<_>>(),
            );
            r.series(
                &format!("{ctx} hr_upper"),
                &nums(&e["hr_upper"]),
                &fit.hazard_ratio.iter().map(|h| h.upper).collect::<Vec<_>>(),
            );
            r.series(&format!("{ctx} z"), &nums(&e["z"]), &fit.z);
            r.series(&format!("{ctx} p"), &nums(&e["p_value"]), &fit.p_value);
            r.value(
                &format!("{ctx} loglik_null"),
                num(&e["loglik_null"]),
                Some(fit.loglik_null),
            );
            r.value(
                &format!("{ctx} loglik"),
                num(&e["loglik"]),
                Some(fit.loglik),
            );
            let test = |t: &surv_engine::ChiSquareTest| {
                vec![Some(t.statistic), Some(t.df as f64), Some(t.p_value)]
            };
            r.series(
                &format!("{ctx} lr"),
                &nums(&e["lr_test"]),
                &test(&fit.lr_test),
            );
            r.series(
                &format!("{ctx} wald"),
                &nums(&e["wald_test"]),
                &test(fit.wald_test.as_ref().unwrap()),
            );
            r.series(
                &format!("{ctx} score"),
                &nums(&e["score_test"]),
                &test(&fit.score_test),
            );
            r.value(
                &format!("{ctx} concordance"),
                num(&e["concordance"]),
                fit.concordance.value,
            );
            r.value(
                &format!("{ctx} concordance_se"),
                num(&e["concordance_se"]),
                fit.concordance.std_err,
            );
            r.value(
                &format!("{ctx} iterations"),
                num(&e["iterations"]),
                Some(fit.iterations as f64),
            );
        }
    }
    r.finish("coxph stratified by site, from rounds");
}
