//! Properties of the competing-risks estimators that must hold on any input,
//! checked on small random cohorts (times from a few integers, forcing ties,
//! or from a grid of 0.001 in [0, 100], on which R's merging of near-ties never
//! applies): with one cause the cumulative incidence is 1 − Kaplan-Meier; the
//! incidences never decrease and add up with the event-free Kaplan-Meier to 1
//! at every step; rows in any order and groups under any labels give the same
//! curves and tests.

mod common;

use common::finite::assert_finite;
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::test_runner::Config as ProptestConfig;
use surv_engine::{
    CompetingRisksData, CumulativeIncidence, GrayConfig, KmConfig, SurvivalData,
    cumulative_incidence, gray_test, kaplan_meier, kaplan_meier_by_group,
};

/// Relative tolerance for quantities equal in exact arithmetic but computed
/// along different paths, with an absolute floor for those that are zero up
/// to rounding.
const REL: f64 = 1e-12;
const ABS_FLOOR: f64 = 1e-14;

fn config() -> ProptestConfig {
    let mut config = ProptestConfig::with_cases(256);
    config.failure_persistence = None;
    config
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= REL * a.abs().max(b.abs()) + ABS_FLOOR
}

#[derive(Debug, Clone)]
struct Cohort {
    times: Vec<f64>,
    causes: Vec<u32>,
    groups: Vec<u32>,
    n_causes: usize,
    n_groups: usize,
    /// Row `i` of the shuffled cohort is row `row_perm[i]` of this one.
    row_perm: Vec<usize>,
    /// Group `g` becomes group `label_perm[g]`.
    label_perm: Vec<u32>,
}

fn time_value(kind: u8) -> BoxedStrategy<f64> {
    let continuous = (0u32..=100_000).prop_map(|x| f64::from(x) / 1000.0);
    match kind {
        0 => (0u32..=5).prop_map(f64::from).boxed(),
        1 => (1u32..=20).prop_map(f64::from).boxed(),
        2 => continuous.boxed(),
        _ => prop_oneof![(0u32..=10).prop_map(f64::from), continuous].boxed(),
    }
}

/// Cohorts of up to 60 rows with causes `1..=k` (every one occurring) among
/// censorings, and `g` groups (every code used).
fn cohort(
    causes: std::ops::RangeInclusive<usize>,
    groups: std::ops::RangeInclusive<usize>,
) -> impl Strategy<Value = Cohort> {
    (causes, groups, 0u8..4, 0u32..=90).prop_flat_map(|(k, g, kind, censored_percent)| {
        (k.max(g)..=60usize).prop_flat_map(move |n| {
            (
                vec(time_value(kind), n),
                vec((0u32..100, 1..=k as u32), n),
                vec(0..g as u32, n),
                Just((0..n).collect::<Vec<usize>>()).prop_shuffle(),
                Just((0..g as u32).collect::<Vec<u32>>()).prop_shuffle(),
            )
                .prop_map(move |(times, draws, mut groups, row_perm, label_perm)| {
                    let mut causes: Vec<u32> = draws
                        .iter()
                        .map(|&(u, c)| if u < censored_percent { 0 } else { c })
                        .collect();
                    // Every cause occurs and every group code is used.
                    for (c, cause) in causes.iter_mut().take(k).enumerate() {
                        *cause = c as u32 + 1;
                    }
                    for (code, group) in groups.iter_mut().take(g).enumerate() {
                        *group = code as u32;
                    }
                    Cohort {
                        times,
                        causes,
                        groups,
                        n_causes: k,
                        n_groups: g,
                        row_perm,
                        label_perm,
                    }
                })
        })
    })
}

impl Cohort {
    fn data(&self) -> CompetingRisksData<'_> {
        CompetingRisksData::new(&self.times, &self.causes)
            .unwrap_or_else(|e| panic!("expected valid data, got error: {e}"))
    }

    fn grouped(&self) -> CompetingRisksData<'_> {
        self.data()
            .with_groups(&self.groups)
            .unwrap_or_else(|e| panic!("expected valid groups, got error: {e}"))
    }

    fn events(&self) -> Vec<bool> {
        self.causes.iter().map(|&c| c != 0).collect()
    }
}

fn fit(data: &CompetingRisksData) -> CumulativeIncidence {
    let fit = cumulative_incidence(data).unwrap_or_else(|e| panic!("expected a fit, got: {e}"));
    assert_finite("cumulative incidence", &fit);
    fit
}

/// Every curve's steps against the event-free Kaplan-Meier of its group:
/// same times and numbers at risk, incidences non-decreasing in [0, 1] whose
/// sum with S is 1, and each curve read at its own times gives its steps.
fn check_against_km(
    fit: &CumulativeIncidence,
    km: &[surv_engine::KmCurve],
    k: usize,
) -> Result<(), TestCaseError> {
    for (g, curve_km) in km.iter().enumerate() {
        let curves = &fit.curves[g * k..(g + 1) * k];
        for c in curves {
            prop_assert_eq!(&c.time, &curve_km.time, "group {} cause {}", g, c.cause);
            prop_assert_eq!(&c.n_risk, &curve_km.n_risk, "group {} cause {}", g, c.cause);
            for j in 0..c.len() {
                let previous = if j == 0 { 0.0 } else { c.estimate[j - 1] };
                prop_assert!(
                    c.estimate[j] >= previous && c.estimate[j] <= 1.0 + ABS_FLOOR,
                    "group {} cause {} step {}: {} after {}",
                    g,
                    c.cause,
                    j,
                    c.estimate[j],
                    previous
                );
                prop_assert!(c.std_err[j] >= 0.0);
            }
            let at = c.at(&c.time);
            for (j, a) in at.iter().enumerate() {
                prop_assert_eq!(a.estimate, Some(c.estimate[j]));
                prop_assert_eq!(a.std_err, Some(c.std_err[j]));
                prop_assert_eq!(a.n_risk, c.n_risk[j]);
            }
        }
        let events: usize = curves.iter().map(|c| c.n_events).sum();
        prop_assert_eq!(events, curve_km.n_events, "group {}", g);
        for j in 0..curve_km.len() {
            let total: f64 =
                curves.iter().map(|c| c.estimate[j]).sum::<f64>() + curve_km.survival[j];
            prop_assert!(
                close(total, 1.0),
                "group {} step {}: Σ F + S = {}",
                g,
                j,
                total
            );
            if k == 1 {
                let (f, s) = (curves[0].estimate[j], curve_km.survival[j]);
                prop_assert!(
                    close(f, 1.0 - s),
                    "group {} step {}: F = {} but 1 − KM = {}",
                    g,
                    j,
                    f,
                    1.0 - s
                );
            }
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn one_cause_is_one_minus_kaplan_meier(cohort in cohort(1..=1, 1..=3)) {
        let events = cohort.events();
        let overall = fit(&cohort.data());
        let km = kaplan_meier(&SurvivalData::new(&cohort.times, &events).unwrap(), &KmConfig::default()).unwrap();
        check_against_km(&overall, &[km], 1)?;
        let by_group = fit(&cohort.grouped());
        let km = kaplan_meier_by_group(
            &SurvivalData::new(&cohort.times, &events).unwrap().with_groups(&cohort.groups).unwrap(),
            &KmConfig::default(),
        )
        .unwrap();
        check_against_km(&by_group, &km, 1)?;
    }

    #[test]
    fn incidences_rise_and_add_up_with_survival_to_one(cohort in cohort(1..=4, 1..=3)) {
        let events = cohort.events();
        let k = cohort.n_causes;
        let overall = fit(&cohort.data());
        prop_assert_eq!(overall.curves.len(), k);
        let km = kaplan_meier(&SurvivalData::new(&cohort.times, &events).unwrap(), &KmConfig::default()).unwrap();
        check_against_km(&overall, &[km], k)?;
        let by_group = fit(&cohort.grouped());
        prop_assert_eq!(by_group.curves.len(), k * cohort.n_groups);
        let km = kaplan_meier_by_group(
            &SurvivalData::new(&cohort.times, &events).unwrap().with_groups(&cohort.groups).unwrap(),
            &KmConfig::default(),
        )
        .unwrap();
        check_against_km(&by_group, &km, k)?;
    }

    #[test]
    fn row_order_and_group_labels_do_not_matter(cohort in cohort(1..=3, 2..=3)) {
        let base = fit(&cohort.grouped());
        let base_tests = gray_test(&cohort.grouped(), &GrayConfig::default()).unwrap();
        assert_finite("Gray's tests", &base_tests);
        let times: Vec<f64> = cohort.row_perm.iter().map(|&i| cohort.times[i]).collect();
        let causes: Vec<u32> = cohort.row_perm.iter().map(|&i| cohort.causes[i]).collect();
        let groups: Vec<u32> = cohort
            .row_perm
            .iter()
            .map(|&i| cohort.label_perm[cohort.groups[i] as usize])
            .collect();
        let data = CompetingRisksData::new(&times, &causes).unwrap().with_groups(&groups).unwrap();
        let other = fit(&data);
        let k = cohort.n_causes;
        for g in 0..cohort.n_groups {
            let h = cohort.label_perm[g] as usize;
            for c in 0..k {
                let (a, b) = (&base.curves[g * k + c], &other.curves[h * k + c]);
                prop_assert_eq!(&a.time, &b.time);
                prop_assert_eq!(&a.n_risk, &b.n_risk);
                prop_assert_eq!(&a.n_event, &b.n_event);
                for j in 0..a.len() {
                    prop_assert!(close(a.estimate[j], b.estimate[j]));
                    prop_assert!(close(a.std_err[j], b.std_err[j]), "group {} cause {} step {}: {} vs {}", g, c + 1, j, a.std_err[j], b.std_err[j]);
                }
            }
        }
        let tests = gray_test(&data, &GrayConfig::default()).unwrap();
        for (a, b) in base_tests.iter().zip(&tests) {
            prop_assert_eq!(a.cause, b.cause);
            match (a.test, b.test) {
                (Some(x), Some(y)) => {
                    // Relabelling changes which group's score is left out;
                    // the statistic is the same in exact arithmetic.
                    prop_assert!((x.statistic - y.statistic).abs() <= 1e-7 * x.statistic.abs().max(1.0), "cause {}: {} vs {}", a.cause, x.statistic, y.statistic);
                    prop_assert_eq!(x.df, cohort.n_groups - 1);
                }
                (None, None) => {}
                (x, y) => prop_assert!(false, "cause {}: {:?} vs {:?}", a.cause, x, y),
            }
        }
    }
}
