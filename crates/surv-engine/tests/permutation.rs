//! The exact permutation test by enumeration, checked against the same test by
//! Monte Carlo (an independent route to the same distribution) for three and
//! four groups, where no golden value from coin is at hand.

use surv_engine::permutation::{PermutationConfig, PermutationMethod, permutation_log_rank};

fn check(times: &[f64], events: &[bool], groups: &[u32]) {
    let exact = permutation_log_rank(times, events, groups, &PermutationConfig::default()).unwrap();
    let PermutationMethod::Exact { relabellings } = exact.method else {
        panic!("expected an exact test, got {:?}", exact.method)
    };
    assert!(relabellings > 1);
    let sampled = PermutationConfig {
        max_exact: 0,
        resamples: 200_000,
        seed: 11,
    };
    let mc = permutation_log_rank(times, events, groups, &sampled).unwrap();
    let se = mc.mc_std_err.unwrap().max(1e-4);
    assert!(
        (mc.p_value - exact.p_value).abs() <= 4.0 * se,
        "exact p {} (over {relabellings} relabellings), Monte Carlo p {} ± {se}",
        exact.p_value,
        mc.p_value
    );
    assert_eq!(
        mc.statistic, exact.statistic,
        "the observed statistic does not depend on the method"
    );
}

#[test]
fn three_groups_with_ties() {
    let times = [1.0, 2.0, 2.0, 3.0, 4.0, 5.0, 5.0, 6.0, 7.0, 8.0];
    let events = [
        true, true, false, true, true, true, false, true, true, false,
    ];
    check(&times, &events, &[0, 0, 0, 1, 1, 1, 2, 2, 2, 2]);
}

#[test]
fn four_groups() {
    let times = [3.0, 1.0, 4.0, 1.5, 5.0, 9.0, 2.0, 6.0, 5.5, 3.5, 8.0, 7.0];
    let events = [
        true, true, false, true, true, false, true, true, true, true, false, true,
    ];
    check(&times, &events, &[0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3]);
}

#[test]
fn exact_p_counts_the_observed_labelling() {
    // Perfectly separated groups: only the observed split and its mirror image
    // are as extreme, out of C(6, 3) = 20.
    let times = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0];
    let test = permutation_log_rank(
        &times,
        &[true; 6],
        &[0, 0, 0, 1, 1, 1],
        &PermutationConfig::default(),
    )
    .unwrap();
    assert_eq!(test.method, PermutationMethod::Exact { relabellings: 20 });
    assert!(
        (test.p_value - 0.1).abs() < 1e-12,
        "expected 2/20, got {}",
        test.p_value
    );
}
