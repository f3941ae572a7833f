//! Properties of `(start, stop]` rows, case weights and clusters on random
//! cohorts: entries before every time, unit weights and one row per cluster
//! each reduce to what the plain estimators give.

use proptest::collection::vec;
use proptest::prelude::*;
use proptest::test_runner::Config as ProptestConfig;
use surv_engine::{CoxConfig, KmConfig, KmCurve, SurvivalData, Ties, cox_ph, kaplan_meier};

/// A curve's computed column (`KmCurve::std_err`, `lower`, ...) at every step.
fn computed(curve: &KmCurve, value: fn(&KmCurve, usize) -> Option<f64>) -> Vec<Option<f64>> {
    (0..curve.len()).map(|i| value(curve, i)).collect()
}

fn config() -> ProptestConfig {
    let mut config = ProptestConfig::with_cases(96);
    config.failure_persistence = None;
    config
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * a.abs().max(b.abs()) + 1e-12
}

fn close_all(a: &[Option<f64>], b: &[Option<f64>]) -> bool {
    a.len() == b.len()
        && a.iter().zip(b).all(|(x, y)| match (x, y) {
            (Some(x), Some(y)) => close(*x, *y),
            (None, None) => true,
            _ => false,
        })
}

/// Rows: whole-number times (ties), events, a covariate and a binary one.
fn cohort() -> impl Strategy<Value = (Vec<f64>, Vec<bool>, Vec<f64>, Vec<f64>)> {
    (8usize..60).prop_flat_map(|n| {
        (
            vec(1u32..30, n).prop_map(|t| t.into_iter().map(f64::from).collect()),
            vec(prop::bool::weighted(0.7), n),
            vec(-2.0f64..2.0, n),
            vec(prop::bool::ANY, n)
                .prop_map(|b| b.into_iter().map(|x| f64::from(u8::from(x))).collect()),
        )
    })
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn entries_below_every_time_and_unit_weights_change_nothing(
        (times, events, x, z) in cohort(),
        ties in prop::sample::select(vec![Ties::Efron, Ties::Breslow]),
    ) {
        prop_assume!(events.iter().any(|&e| e));
        let plain = SurvivalData::new(&times, &events).unwrap();
        let zeros = vec![0.0; times.len()];
        let negative = vec![-1.5; times.len()];
        let ones = vec![1.0; times.len()];
        let cox = CoxConfig { ties, ..CoxConfig::default() };
        let expected = cox_ph(&plain, &[&x, &z], &cox);
        let km = kaplan_meier(&plain, &KmConfig::default()).unwrap();
        for (what, data) in [
            ("entry 0", plain.clone().with_entry(&zeros).unwrap()),
            ("entry -1.5", plain.clone().with_entry(&negative).unwrap()),
            ("unit weights", plain.clone().with_weights(&ones).unwrap()),
        ] {
            let curve = kaplan_meier(&data, &KmConfig::default()).unwrap();
            prop_assert_eq!(&curve.time, &km.time, "{}", what);
            prop_assert_eq!(&curve.n_risk, &km.n_risk, "{}", what);
            prop_assert!(curve.survival.iter().zip(&km.survival).all(|(a, b)| close(*a, *b)), "{}", what);
            prop_assert!(close_all(&computed(&curve, KmCurve::std_err), &computed(&km, KmCurve::std_err)), "{}", what);
            let got = cox_ph(&data, &[&x, &z], &cox);
            match (&expected, &got) {
                (Ok(e), Ok(g)) => {
                    prop_assert!(e.coef.iter().zip(&g.coef).all(|(a, b)| close(*a, *b)), "{}: {:?} {:?}", what, e.coef, g.coef);
                    prop_assert!(close_all(&e.std_err, &g.std_err), "{}", what);
                    prop_assert!(close(e.loglik, g.loglik), "{}", what);
                    prop_assert!(close_all(&[e.concordance.value, e.concordance.std_err], &[g.concordance.value, g.concordance.std_err]), "{}", what);
                    prop_assert!(g.robust_std_err.is_none(), "{}", what);
                }
                (Err(e), Err(g)) => prop_assert_eq!(e, g),
                (e, g) => prop_assert!(false, "{}: {:?} against {:?}", what, e, g),
            }
        }
    }

    /// One row per cluster: the robust variance is the per-row sandwich, the
    /// same whatever the cluster codes are.
    #[test]
    fn cluster_codes_matter_only_as_a_partition(
        (times, events, x, z) in cohort(),
    ) {
        prop_assume!(events.iter().filter(|&&e| e).count() >= 3);
        let n = times.len() as u32;
        let ids: Vec<u32> = (0..n).collect();
        let shuffled: Vec<u32> = (0..n).map(|i| (i * 7919 + 13) % 1_000_003).collect();
        let plain = SurvivalData::new(&times, &events).unwrap();
        let a = cox_ph(&plain.clone().with_clusters(&ids).unwrap(), &[&x, &z], &CoxConfig::default());
        let b = cox_ph(&plain.with_clusters(&shuffled).unwrap(), &[&x, &z], &CoxConfig::default());
        if let (Ok(a), Ok(b)) = (a, b) {
            let (ra, rb) = (a.robust_std_err.unwrap(), b.robust_std_err.unwrap());
            prop_assert!(close_all(&ra, &rb));
        }
    }
}

/// Bad rows and weights are typed errors, never NaN.
#[test]
fn degenerate_rows_and_weights_are_typed_errors() {
    use surv_engine::SurvivalError;
    let times = [2.0, 3.0, 5.0];
    let events = [true, false, true];
    let data = SurvivalData::new(&times, &events).unwrap();
    for bad in [
        [0.0, f64::NEG_INFINITY, 1.0],
        [0.0, f64::NAN, 1.0],
        [0.0, 3.0, 1.0],
    ] {
        assert!(matches!(
            data.clone().with_entry(&bad),
            Err(SurvivalError::InvalidInterval { index: 1, .. })
        ));
    }
    for bad in [
        [1.0, -1.0, 1.0],
        [1.0, f64::NAN, 1.0],
        [1.0, f64::INFINITY, 1.0],
    ] {
        assert!(matches!(
            data.clone().with_weights(&bad),
            Err(SurvivalError::InvalidWeight { index: 1, .. })
        ));
    }
    // A zero weight: a curve takes it (as survfit), Cox refuses it (as coxph).
    let zero = [1.0, 0.0, 1.0];
    let weighted = data.clone().with_weights(&zero).unwrap();
    assert!(kaplan_meier(&weighted, &KmConfig::default()).is_ok());
    // A row of weight 0 dying after every weighted row has left (the weight at
    // risk is 0, so the jackknife's own term would be 0 · ∞): every number
    // stays a number or None.
    let times = [2.0, 3.0, 5.0, 6.0];
    let events = [true, false, true, true];
    let weights = [1.5, 0.5, 1.25, 0.0];
    let last = SurvivalData::new(&times, &events)
        .and_then(|d| d.with_weights(&weights))
        .unwrap();
    let curve = kaplan_meier(&last, &KmConfig::default()).unwrap();
    assert!(
        curve.std_err_cumhaz.iter().all(|v| v.is_finite()),
        "{curve:?}"
    );
    assert!(curve.survival.iter().all(|v| v.is_finite()));
    for v in [
        computed(&curve, KmCurve::std_err),
        computed(&curve, KmCurve::std_err_log),
        computed(&curve, KmCurve::lower),
        computed(&curve, KmCurve::upper),
    ] {
        assert!(v.iter().flatten().all(|x| x.is_finite()), "{curve:?}");
    }
    let x = [0.5, 1.0, 2.0];
    assert_eq!(
        cox_ph(&weighted, &[&x], &CoxConfig::default()).unwrap_err(),
        SurvivalError::ZeroWeight { index: 1 }
    );
}
