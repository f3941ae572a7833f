//! The multi-centre pooling on random cohorts split across random sites: the
//! pooled Kaplan-Meier equals the unsplit one, the log-rank from the sites'
//! sums equals `log_rank` stratified by site on the pooled rows, and the Cox
//! fit from rounds equals `cox_ph` stratified by site.

use proptest::collection::vec;
use proptest::prelude::*;
use proptest::test_runner::Config as ProptestConfig;
use surv_engine::cox::{ConcordanceSums, CoxEvaluation, Newton};
use surv_engine::pooling::{
    CoxSite, LogRankSums, SiteCounts, expand, pooled_cox_fit, pooled_log_rank,
};
use surv_engine::{
    CoxConfig, KmConfig, LogRankConfig, SurvivalData, cox_ph, kaplan_meier, log_rank,
};

const REL: f64 = 1e-9;

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= REL * a.abs().max(b.abs()) + 1e-12
}

fn config() -> ProptestConfig {
    let mut config = ProptestConfig::with_cases(64);
    config.failure_persistence = None;
    config
}

/// A row: (time, event, group, site, covariate).
type Row = (f64, bool, u32, u32, f64);

fn cohort() -> impl Strategy<Value = Vec<Row>> {
    vec(
        (1u32..40, any::<bool>(), 0u32..2, 0u32..4, -2.0f64..2.0),
        12..80,
    )
    .prop_map(|rows| {
        rows.into_iter()
            .map(|(t, e, g, s, x)| (f64::from(t), e, g, s, (x * 100.0).round() / 100.0))
            .collect()
    })
}

/// The rows of each site that has any.
fn sites(rows: &[Row]) -> Vec<Vec<Row>> {
    (0..4)
        .map(|s| {
            rows.iter()
                .copied()
                .filter(|r| r.3 == s)
                .collect::<Vec<_>>()
        })
        .filter(|r| !r.is_empty())
        .collect()
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn pooled_results_equal_the_pooled_rows(rows in cohort()) {
        let times: Vec<f64> = rows.iter().map(|r| r.0).collect();
        let events: Vec<bool> = rows.iter().map(|r| r.1).collect();
        let groups: Vec<u32> = rows.iter().map(|r| r.2).collect();
        prop_assume!(events.iter().any(|&e| e));
        prop_assume!(groups.contains(&0) && groups.contains(&1));
        let by_site = sites(&rows);
        // Site codes in the order the sites are listed.
        let present: Vec<u32> = (0..4).filter(|s| rows.iter().any(|r| r.3 == *s)).collect();
        let site_codes: Vec<u32> = rows
            .iter()
            .map(|r| present.iter().position(|&s| s == r.3).unwrap() as u32)
            .collect();

        // Kaplan-Meier: the expanded counts give the unsplit curve.
        let counts: Vec<SiteCounts> = by_site
            .iter()
            .map(|s| {
                let t: Vec<f64> = s.iter().map(|r| r.0).collect();
                let e: Vec<bool> = s.iter().map(|r| r.1).collect();
                SiteCounts::of(&t, &e, &vec![0; s.len()], 1).unwrap()
            })
            .collect();
        let pooled = expand(&counts).unwrap();
        let a = kaplan_meier(&SurvivalData::new(&pooled.times, &pooled.events).unwrap(), &KmConfig::default()).unwrap();
        let b = kaplan_meier(&SurvivalData::new(&times, &events).unwrap(), &KmConfig::default()).unwrap();
        prop_assert_eq!(&a.time, &b.time);
        prop_assert_eq!(&a.survival, &b.survival);

        // Log-rank stratified by site, rho 0 and 1.
        for rho in [0.0, 1.0] {
            let config = LogRankConfig { rho };
            let sums: Vec<LogRankSums> = by_site
                .iter()
                .map(|s| {
                    let t: Vec<f64> = s.iter().map(|r| r.0).collect();
                    let e: Vec<bool> = s.iter().map(|r| r.1).collect();
                    let g: Vec<u32> = s.iter().map(|r| r.2).collect();
                    LogRankSums::of(&t, &e, &g, 2, &config).unwrap()
                })
                .collect();
            let data = SurvivalData::new(&times, &events).unwrap()
                .with_groups(&groups).unwrap()
                .with_strata(&site_codes).unwrap();
            match (pooled_log_rank(&sums), log_rank(&data, &config)) {
                (Ok(p), Ok(d)) => {
                    prop_assert!(close(p.statistic, d.statistic), "{} {}", p.statistic, d.statistic);
                    prop_assert_eq!(p.df, d.df);
                }
                (Err(p), Err(d)) => prop_assert_eq!(p, d),
                (p, d) => prop_assert!(false, "{:?} vs {:?}", p, d),
            }
        }

        // Cox stratified by site, from rounds.
        let x: Vec<f64> = rows.iter().map(|r| r.4).collect();
        let g: Vec<f64> = groups.iter().map(|&g| f64::from(g)).collect();
        let data = SurvivalData::new(&times, &events).unwrap().with_strata(&site_codes).unwrap();
        let config = CoxConfig::default();
        // A fit whose coefficient runs off to infinity (monotone likelihood)
        // or does not converge has no estimate to agree on.
        let direct = cox_ph(&data, &[&x, &g], &config)
            .ok()
            .filter(|f| f.warnings.is_empty());
        if let Some(direct) = direct {
            let layouts: Vec<CoxSite> = by_site
                .iter()
                .map(|s| {
                    let t: Vec<f64> = s.iter().map(|r| r.0).collect();
                    let e: Vec<bool> = s.iter().map(|r| r.1).collect();
                    let xs: Vec<f64> = s.iter().map(|r| r.4).collect();
                    let gs: Vec<f64> = s.iter().map(|r| f64::from(r.2)).collect();
                    CoxSite::new(&t, &e, &[&xs, &gs]).unwrap()
                })
                .collect();
            let mut newton = Newton::new(2, &config);
            while let Some(beta) = newton.wanted() {
                let replies: Vec<CoxEvaluation> =
                    layouts.iter().map(|s| s.evaluate(beta, &config).unwrap()).collect();
                newton.receive(CoxEvaluation::sum(&replies).unwrap()).unwrap();
            }
            let estimate = newton.estimate().unwrap().to_vec();
            let sums: Vec<ConcordanceSums> = layouts.iter().map(|s| s.concordance(&estimate)).collect();
            let n = layouts.iter().map(CoxSite::n).sum();
            let d = layouts.iter().map(CoxSite::n_events).sum();
            let fit = pooled_cox_fit(newton, n, d, ConcordanceSums::pooled(&sums), &config).unwrap();
            prop_assert_eq!(fit.iterations, direct.iterations);
            for j in 0..2 {
                prop_assert!(close(fit.coef[j], direct.coef[j]), "coef {} {}", fit.coef[j], direct.coef[j]);
            }
            prop_assert!(close(fit.loglik, direct.loglik));
            match (fit.concordance.value, direct.concordance.value) {
                (Some(a), Some(b)) => prop_assert!(close(a, b)),
                (a, b) => prop_assert_eq!(a, b),
            }
            match (fit.concordance.std_err, direct.concordance.std_err) {
                (Some(a), Some(b)) => prop_assert!((a - b).abs() <= 1e-9 * b.max(1e-6), "{} {}", a, b),
                (a, b) => prop_assert_eq!(a, b),
            }
        }
    }
}
