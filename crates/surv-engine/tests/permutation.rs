//! The permutation log-rank test, checked by routes independent of its own
//! enumeration:
//!
//! * against coin's exact p-values (`fixtures/golden/permutation.json`);
//! * against a brute force written here: every within-strata relabelling is
//!   listed, the *log-rank* test (`surv_engine::log_rank`, stratified, same
//!   rho) is run on each, and the share at least as extreme is counted;
//! * against its own Monte Carlo (a second route to the same distribution) for
//!   three and four groups and within strata;
//! * and for the question it asks: stratified data whose unstratified test is
//!   confounded by centre, and weights (rho) that take effect.

use std::path::{Path, PathBuf};

use surv_engine::{
    LogRankConfig, PermutationConfig, PermutationMethod, PermutationTest, SurvivalData,
    SurvivalError, log_rank, permutation_log_rank,
};

/// Relative tolerance of "as extreme" in the brute force, the engine's own.
const TIE_TOLERANCE: f64 = 1e-10;

fn grouped<'a>(times: &'a [f64], events: &'a [bool], groups: &'a [u32]) -> SurvivalData<'a> {
    SurvivalData::new(times, events)
        .and_then(|d| d.with_groups(groups))
        .unwrap()
}

fn stratified<'a>(
    times: &'a [f64],
    events: &'a [bool],
    groups: &'a [u32],
    strata: &'a [u32],
) -> SurvivalData<'a> {
    grouped(times, events, groups).with_strata(strata).unwrap()
}

fn config(rho: f64) -> PermutationConfig {
    PermutationConfig {
        log_rank: LogRankConfig { rho },
        ..PermutationConfig::default()
    }
}

fn exact(data: &SurvivalData, rho: f64) -> (PermutationTest, u64) {
    let test = permutation_log_rank(data, &config(rho)).unwrap();
    let PermutationMethod::Exact { relabellings } = test.method else {
        panic!("expected an exact test, got {:?}", test.method)
    };
    (test, relabellings)
}

// ---------------------------------------------------------------------------
// Exact enumeration against Monte Carlo

fn check_against_monte_carlo(data: &SurvivalData, rho: f64) -> (PermutationTest, PermutationTest) {
    let (exact, relabellings) = exact(data, rho);
    assert!(relabellings > 1);
    let sampled = PermutationConfig {
        log_rank: LogRankConfig { rho },
        max_exact: 0,
        resamples: 200_000,
        seed: 11,
    };
    let mc = permutation_log_rank(data, &sampled).unwrap();
    assert_eq!(
        mc.method,
        PermutationMethod::MonteCarlo {
            resamples: 200_000,
            seed: 11
        }
    );
    let se = mc.std_err.unwrap().max(1e-4);
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
    assert_eq!(
        permutation_log_rank(data, &sampled).unwrap(),
        mc,
        "the same seed gives the same p-value"
    );
    (exact, mc)
}

#[test]
fn three_groups_with_ties() {
    let times = [1.0, 2.0, 2.0, 3.0, 4.0, 5.0, 5.0, 6.0, 7.0, 8.0];
    let events = [
        true, true, false, true, true, true, false, true, true, false,
    ];
    let groups = [0, 0, 0, 1, 1, 1, 2, 2, 2, 2];
    check_against_monte_carlo(&grouped(&times, &events, &groups), 0.0);
}

#[test]
fn four_groups() {
    let times = [3.0, 1.0, 4.0, 1.5, 5.0, 9.0, 2.0, 6.0, 5.5, 3.5, 8.0, 7.0];
    let events = [
        true, true, false, true, true, false, true, true, true, true, false, true,
    ];
    let groups = [0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3];
    check_against_monte_carlo(&grouped(&times, &events, &groups), 0.0);
}

#[test]
fn exact_p_counts_the_observed_labelling() {
    // Perfectly separated groups: only the observed split and its mirror image
    // are as extreme, out of C(6, 3) = 20.
    let times = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0];
    let data = grouped(&times, &[true; 6], &[0, 0, 0, 1, 1, 1]);
    let test = permutation_log_rank(&data, &PermutationConfig::default()).unwrap();
    assert_eq!(test.method, PermutationMethod::Exact { relabellings: 20 });
    assert!(
        (test.p_value - 0.1).abs() < 1e-12,
        "expected 2/20, got {}",
        test.p_value
    );
}

// ---------------------------------------------------------------------------
// coin

fn golden_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/golden")
}

/// A `time,status,group,strata` file of `fixtures/golden/data`, with the group
/// coded by its position in `levels` (R's factor order, from the JSON).
fn read_case(relative: &str, levels: &[String]) -> (Vec<f64>, Vec<bool>, Vec<u32>) {
    let path = golden_dir().join(relative);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("time,status,group,strata"));
    let (mut times, mut events, mut groups) = (vec![], vec![], vec![]);
    for line in lines {
        let fields: Vec<&str> = line.split(',').collect();
        assert_eq!(fields.len(), 4, "{}: {line}", path.display());
        times.push(fields[0].parse::<f64>().unwrap());
        events.push(fields[1] == "1");
        let code = levels.iter().position(|l| l == fields[2]).unwrap();
        groups.push(code as u32);
    }
    (times, events, groups)
}

#[test]
fn exact_p_values_match_coin_unstratified() {
    let text = std::fs::read_to_string(golden_dir().join("permutation.json")).unwrap();
    let golden: serde_json::Value = serde_json::from_str(&text).unwrap();
    let mut exact_cases = 0;
    for case in golden["cases"].as_array().unwrap() {
        let id = case["id"].as_str().unwrap();
        let levels: Vec<String> = serde_json::from_value(case["groups"].clone()).unwrap();
        let (times, events, groups) = read_case(case["data_file"].as_str().unwrap(), &levels);
        let data = grouped(&times, &events, &groups);
        let test = permutation_log_rank(&data, &PermutationConfig::default()).unwrap();
        // coin's standardised statistic squared is the quadratic form.
        let z = case["asymptotic"]["statistic"].as_f64().unwrap();
        assert!(
            (test.statistic - z * z).abs() <= 1e-9 * z * z,
            "{id}: statistic {} vs coin {}",
            test.statistic,
            z * z
        );
        match (case["main"]["method"].as_str().unwrap(), test.method) {
            ("exact", PermutationMethod::Exact { relabellings }) => {
                // The count itself, from the enumeration in R over coin's scores.
                let enumeration = &case["enumeration"];
                let total = enumeration["labellings"].as_u64().unwrap();
                assert_eq!(relabellings, total, "{id}");
                let extreme_in_r =
                    (enumeration["p_value"].as_f64().unwrap() * total as f64).round();
                let extreme = test.p_value * relabellings as f64;
                assert_eq!(
                    extreme.round(),
                    extreme_in_r,
                    "{id}: relabellings as extreme"
                );
                assert_eq!(test.p_value, extreme_in_r / total as f64, "{id}");
                let coin = case["main"]["result"]["p_value"].as_f64().unwrap();
                assert!(
                    (test.p_value - coin).abs() < 1e-14,
                    "{id}: {} vs coin {coin}",
                    test.p_value
                );
                assert_eq!(test.std_err, None);
                exact_cases += 1;
            }
            ("approximate", PermutationMethod::MonteCarlo { .. }) => {
                // Different generators: compare with coin's exact p.
                let coin = case["exact_for_comparison"]["p_value"].as_f64().unwrap();
                let se = test.std_err.unwrap();
                assert!(
                    (test.p_value - coin).abs() <= 4.0 * se,
                    "{id}: Monte Carlo p {} ± {se}, coin's exact {coin}",
                    test.p_value
                );
                // coin's exact p comes from van de Wiel's split-up algorithm, not
                // enumeration: enumerating its 23.5 million relabellings (under a
                // second here) is an independent check of both.
                let all = PermutationConfig {
                    max_exact: 30_000_000,
                    ..PermutationConfig::default()
                };
                let enumerated = permutation_log_rank(&data, &all).unwrap();
                assert!(matches!(enumerated.method, PermutationMethod::Exact { .. }));
                assert!(
                    (enumerated.p_value - coin).abs() < 1e-12,
                    "{id}: enumerated p {} vs coin's exact {coin}",
                    enumerated.p_value
                );
            }
            (expected, got) => panic!("{id}: coin used {expected}, we used {got:?}"),
        }
    }
    assert!(exact_cases >= 2, "the paper's sex split and aml are exact");
}

#[test]
fn the_papers_sex_split_keeps_its_p_value() {
    let levels = ["E".to_owned(), "K".to_owned()];
    let (times, events, groups) = read_case("data/dizdar2021.csv", &levels);
    let (test, relabellings) = exact(&grouped(&times, &events, &groups), 0.0);
    assert_eq!(relabellings, 324_632);
    assert_eq!(format!("{:.4}", test.p_value), "0.2197");
}

// ---------------------------------------------------------------------------
// Brute force over within-strata relabellings, through `log_rank`

/// Rearranges `v` into the next permutation in lexicographic order; false
/// (leaving `v` sorted) after the last.
fn next_permutation(v: &mut [u32]) -> bool {
    let Some(i) = (1..v.len()).rev().find(|&i| v[i - 1] < v[i]) else {
        v.reverse();
        return false;
    };
    let j = (i..v.len()).rev().find(|&j| v[j] > v[i - 1]).unwrap();
    v.swap(i - 1, j);
    v[i..].reverse();
    true
}

/// Every labelling that keeps each stratum's group sizes, each once.
fn within_strata_relabellings(groups: &[u32], strata: &[u32]) -> Vec<Vec<u32>> {
    let n_strata = strata.iter().max().map_or(0, |&s| s as usize + 1);
    let mut all = vec![groups.to_vec()];
    for s in 0..n_strata as u32 {
        let rows: Vec<usize> = (0..groups.len()).filter(|&i| strata[i] == s).collect();
        let mut labels: Vec<u32> = rows.iter().map(|&i| groups[i]).collect();
        labels.sort_unstable();
        let mut arrangements = vec![labels.clone()];
        while next_permutation(&mut labels) {
            arrangements.push(labels.clone());
        }
        all = all
            .iter()
            .flat_map(|base| {
                arrangements.iter().map(|arrangement| {
                    let mut l = base.clone();
                    for (&i, &g) in rows.iter().zip(arrangement) {
                        l[i] = g;
                    }
                    l
                })
            })
            .collect();
    }
    all
}

/// observed − expected of the stratified G-rho test, per group, from `log_rank`.
fn log_rank_u(
    times: &[f64],
    events: &[bool],
    groups: &[u32],
    strata: &[u32],
    rho: f64,
) -> Vec<f64> {
    let data = stratified(times, events, groups, strata);
    let test = log_rank(&data, &LogRankConfig { rho }).unwrap();
    test.observed
        .iter()
        .zip(&test.expected)
        .map(|(o, e)| o - e)
        .collect()
}

/// The G-rho scores written out naively, O(n²): for subject i of stratum s,
/// a_i = w(t_i)·δ_i − Σ_{event times u ≤ t_i in s} w(u)·d_u/n_u, w(u) =
/// (Π_{event times v < u in s} (1 − d_v/n_v))^rho.
fn naive_scores(times: &[f64], events: &[bool], strata: &[u32], rho: f64) -> Vec<f64> {
    let n = times.len();
    let in_stratum = |i: usize, j: usize| strata[i] == strata[j];
    let at_risk = |i: usize, u: f64| {
        (0..n)
            .filter(|&j| in_stratum(i, j) && times[j] >= u)
            .count()
    };
    let deaths = |i: usize, u: f64| {
        (0..n)
            .filter(|&j| in_stratum(i, j) && times[j] == u && events[j])
            .count()
    };
    let event_times = |i: usize, below: f64, inclusive: bool| {
        let mut u: Vec<f64> = (0..n)
            .filter(|&j| in_stratum(i, j) && events[j])
            .map(|j| times[j])
            .filter(|&t| if inclusive { t <= below } else { t < below })
            .collect();
        u.sort_by(f64::total_cmp);
        u.dedup();
        u
    };
    let weight = |i: usize, u: f64| {
        event_times(i, u, false)
            .iter()
            .map(|&v| 1.0 - deaths(i, v) as f64 / at_risk(i, v) as f64)
            .product::<f64>()
            .powf(rho)
    };
    (0..n)
        .map(|i| {
            let own = if events[i] { weight(i, times[i]) } else { 0.0 };
            let cumulative: f64 = event_times(i, times[i], true)
                .iter()
                .map(|&u| weight(i, u) * deaths(i, u) as f64 / at_risk(i, u) as f64)
                .sum();
            own - cumulative
        })
        .collect()
}

/// The permutation covariance of (T_0, …, T_{k−2}) written out:
/// Σ_s [Σ_{i∈s}(a_i − ā_s)²/(n_s − 1)]·(diag(n_gs) − n_gs·n_hs/n_s).
fn permutation_covariance(
    scores: &[f64],
    groups: &[u32],
    strata: &[u32],
    k: usize,
) -> Vec<Vec<f64>> {
    let m = k - 1;
    let mut cov = vec![vec![0.0; m]; m];
    let n_strata = strata.iter().max().map_or(0, |&s| s as usize + 1);
    for s in 0..n_strata as u32 {
        let rows: Vec<usize> = (0..scores.len()).filter(|&i| strata[i] == s).collect();
        let n = rows.len() as f64;
        if rows.len() < 2 {
            continue;
        }
        let mean = rows.iter().map(|&i| scores[i]).sum::<f64>() / n;
        let v = rows
            .iter()
            .map(|&i| (scores[i] - mean).powi(2))
            .sum::<f64>()
            / (n - 1.0);
        let size = |g: usize| rows.iter().filter(|&&i| groups[i] as usize == g).count() as f64;
        for (g, row) in cov.iter_mut().enumerate() {
            for (h, c) in row.iter_mut().enumerate() {
                let diagonal = if g == h { size(g) } else { 0.0 };
                *c += v * (diagonal - size(g) * size(h) / n);
            }
        }
    }
    cov
}

/// What a brute force found: relabellings, how many as extreme, the observed
/// statistic.
struct BruteForce {
    total: u64,
    extreme: u64,
    statistic: f64,
}

/// Two groups: the permutation variance of U_0 is the same for every
/// relabelling, so "as extreme" is |U_0| ≥ |U_0 observed|.
fn brute_force_two_groups(
    times: &[f64],
    events: &[bool],
    groups: &[u32],
    strata: &[u32],
    rho: f64,
) -> BruteForce {
    let u_observed = log_rank_u(times, events, groups, strata, rho)[0];
    let scores = naive_scores(times, events, strata, rho);
    let from_scores: f64 = (0..times.len())
        .filter(|&i| groups[i] == 0)
        .map(|i| scores[i])
        .sum();
    assert!(
        (from_scores - u_observed).abs() < 1e-12,
        "group 0's scores sum to its observed − expected: {from_scores} vs {u_observed}"
    );
    let variance = permutation_covariance(&scores, groups, strata, 2)[0][0];
    let threshold = u_observed.abs() * (1.0 - TIE_TOLERANCE);
    let labellings = within_strata_relabellings(groups, strata);
    let extreme = labellings
        .iter()
        .filter(|l| log_rank_u(times, events, l, strata, rho)[0].abs() >= threshold)
        .count();
    BruteForce {
        total: labellings.len() as u64,
        extreme: extreme as u64,
        statistic: u_observed * u_observed / variance,
    }
}

/// Three groups: TᵀΣ⁻¹T with T = (U_0, U_1) from `log_rank` and Σ written out
/// (the same for every relabelling), inverted by hand.
fn brute_force_three_groups(
    times: &[f64],
    events: &[bool],
    groups: &[u32],
    strata: &[u32],
    rho: f64,
) -> BruteForce {
    let scores = naive_scores(times, events, strata, rho);
    let c = permutation_covariance(&scores, groups, strata, 3);
    let det = c[0][0] * c[1][1] - c[0][1] * c[1][0];
    let quadratic = |u: &[f64]| {
        (u[0] * u[0] * c[1][1] - 2.0 * u[0] * u[1] * c[0][1] + u[1] * u[1] * c[0][0]) / det
    };
    let observed = quadratic(&log_rank_u(times, events, groups, strata, rho));
    let threshold = observed * (1.0 - TIE_TOLERANCE);
    let labellings = within_strata_relabellings(groups, strata);
    let extreme = labellings
        .iter()
        .filter(|l| quadratic(&log_rank_u(times, events, l, strata, rho)) >= threshold)
        .count();
    BruteForce {
        total: labellings.len() as u64,
        extreme: extreme as u64,
        statistic: observed,
    }
}

fn assert_matches_brute_force(data: &SurvivalData, rho: f64, brute: &BruteForce) -> f64 {
    let (test, relabellings) = exact(data, rho);
    assert_eq!(relabellings, brute.total, "rho = {rho}");
    assert_eq!(
        test.p_value,
        brute.extreme as f64 / brute.total as f64,
        "rho = {rho}: {} of {} as extreme by brute force",
        brute.extreme,
        brute.total
    );
    assert!(
        (test.statistic - brute.statistic).abs() <= 1e-10 * brute.statistic.max(1.0),
        "rho = {rho}: statistic {} vs {}",
        test.statistic,
        brute.statistic
    );
    test.p_value
}

/// Three strata of 5, 5 and 4 with tied events, censorings tied with events and
/// censorings last: 10 · 10 · 6 = 600 relabellings.
const TIMES: [f64; 14] = [
    2.0, 3.0, 3.0, 5.0, 7.0, 1.0, 4.0, 4.0, 6.0, 9.0, 2.0, 5.0, 8.0, 8.0,
];
const EVENTS: [bool; 14] = [
    true, true, false, true, false, true, true, true, false, true, true, false, true, true,
];
const ARM: [u32; 14] = [0, 1, 0, 1, 1, 1, 0, 0, 1, 0, 0, 1, 1, 0];
const CENTRE: [u32; 14] = [0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 2, 2, 2, 2];

/// Two strata of 6 (3 + 3) in which arm 0 has the earliest deaths and the
/// longest follow-up: early-weighted (rho = 1) and log-rank (rho = 0) tests see
/// different things (chi-square p 0.34 against 0.89).
const CROSSING_TIMES: [f64; 12] = [3.0, 7.0, 2.0, 5.0, 7.0, 7.0, 5.0, 5.0, 12.0, 6.0, 9.0, 6.0];
const CROSSING_EVENTS: [bool; 12] = [
    true, false, true, true, true, true, true, true, false, true, true, true,
];
const CROSSING_ARM: [u32; 12] = [0, 0, 0, 1, 1, 1, 0, 0, 0, 1, 1, 1];
const CROSSING_CENTRE: [u32; 12] = [0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1];

#[test]
fn exact_p_equals_brute_force_over_within_strata_relabellings() {
    let data = stratified(&TIMES, &EVENTS, &ARM, &CENTRE);
    for rho in [0.0, 1.0, 0.5] {
        let brute = brute_force_two_groups(&TIMES, &EVENTS, &ARM, &CENTRE, rho);
        assert_eq!(brute.total, 600);
        assert_matches_brute_force(&data, rho, &brute);
    }
    let data = stratified(
        &CROSSING_TIMES,
        &CROSSING_EVENTS,
        &CROSSING_ARM,
        &CROSSING_CENTRE,
    );
    for rho in [0.0, 1.0] {
        let brute = brute_force_two_groups(
            &CROSSING_TIMES,
            &CROSSING_EVENTS,
            &CROSSING_ARM,
            &CROSSING_CENTRE,
            rho,
        );
        assert_eq!(brute.total, 400);
        assert_matches_brute_force(&data, rho, &brute);
    }
}

#[test]
fn exact_p_equals_brute_force_for_three_groups_within_strata() {
    // Stratum sizes 5 (2, 2, 1), 5 (1, 2, 2) and 4 (2, 1, 1): 30 · 30 · 12 relabellings.
    let groups = [0, 1, 0, 2, 1, 2, 0, 1, 1, 2, 0, 1, 2, 0];
    let data = stratified(&TIMES, &EVENTS, &groups, &CENTRE);
    for rho in [0.0, 1.0] {
        let brute = brute_force_three_groups(&TIMES, &EVENTS, &groups, &CENTRE, rho);
        assert_eq!(brute.total, 10_800);
        assert_matches_brute_force(&data, rho, &brute);
    }
}

#[test]
fn rho_takes_effect() {
    let data = stratified(
        &CROSSING_TIMES,
        &CROSSING_EVENTS,
        &CROSSING_ARM,
        &CROSSING_CENTRE,
    );
    let chi_square = |rho| log_rank(&data, &LogRankConfig { rho }).unwrap().p_value;
    let (log_rank_0, log_rank_1) = (chi_square(0.0), chi_square(1.0));
    assert!(
        (log_rank_0 - log_rank_1).abs() > 0.05,
        "the data must separate the weights: log-rank p {log_rank_0} vs {log_rank_1}"
    );
    let (permuted_0, _) = exact(&data, 0.0);
    let (permuted_1, _) = exact(&data, 1.0);
    assert!(
        (permuted_0.p_value - permuted_1.p_value).abs() > 0.05,
        "permutation p {} (rho = 0) vs {} (rho = 1); log-rank {log_rank_0} vs {log_rank_1}",
        permuted_0.p_value,
        permuted_1.p_value
    );
    // Each moves the way the chi-square test beside it does.
    assert_eq!(
        permuted_0.p_value < permuted_1.p_value,
        log_rank_0 < log_rank_1
    );
}

// ---------------------------------------------------------------------------
// Strata

/// Two centres of `size` with no arm effect within either: centre A (times
/// 1..=size) is mostly arm 0, centre B (times 41..) mostly arm 1, each with
/// the minority arm at every `every`-th time (at different phases, so that the
/// two centres do not cancel exactly). Pooled, arm 0 simply dies earlier.
fn confounded_by_centre(size: u32, every: u32) -> (Vec<f64>, Vec<bool>, Vec<u32>, Vec<u32>) {
    let (mut times, mut events, mut arm, mut centre) = (vec![], vec![], vec![], vec![]);
    for (c, offset, phase) in [(0u32, 0.0, 3), (1, 40.0, 1)] {
        for i in 1..=size {
            times.push(offset + f64::from(i));
            events.push(i % 7 != 0); // every 7th censored
            let minority = i % every == phase;
            arm.push(if minority { 1 - c } else { c });
            centre.push(c);
        }
    }
    (times, events, arm, centre)
}

#[test]
fn stratification_matters() {
    let (times, events, arm, centre) = confounded_by_centre(30, 6);
    let pooled = grouped(&times, &events, &arm);
    let within = stratified(&times, &events, &arm, &centre);
    let unstratified_p = log_rank(&pooled, &LogRankConfig::default())
        .unwrap()
        .p_value;
    let stratified_p = log_rank(&within, &LogRankConfig::default())
        .unwrap()
        .p_value;
    assert!(unstratified_p < 1e-3, "pooled log-rank p {unstratified_p}");
    assert!(stratified_p > 0.3, "stratified log-rank p {stratified_p}");

    // C(30, 5)² = 2·10¹⁰ relabellings: Monte Carlo.
    let permuted = permutation_log_rank(&within, &PermutationConfig::default()).unwrap();
    assert!(matches!(
        permuted.method,
        PermutationMethod::MonteCarlo { .. }
    ));
    // The permutation and chi-square p-values of one statistic differ by the
    // normal approximation and by the variance used (permutation vs
    // hypergeometric), a few hundredths here at 60 subjects with 10 in the
    // minority arms; confounding by centre would instead drive the permutation
    // p towards 0.
    assert!(
        permuted.p_value > 0.3 && (permuted.p_value - stratified_p).abs() < 0.1,
        "stratified permutation p {} vs log-rank {stratified_p}",
        permuted.p_value
    );

    // The same data without strata: the confounded, unstratified answer.
    let pooled_permuted = permutation_log_rank(&pooled, &PermutationConfig::default()).unwrap();
    assert!(
        pooled_permuted.p_value < 1e-3,
        "unstratified permutation p {}",
        pooled_permuted.p_value
    );
}

#[test]
fn monte_carlo_within_strata_agrees_with_exact() {
    let data = stratified(&TIMES, &EVENTS, &ARM, &CENTRE);
    for rho in [0.0, 1.0] {
        check_against_monte_carlo(&data, rho);
    }
    let groups = [0, 1, 0, 2, 1, 2, 0, 1, 1, 2, 0, 1, 2, 0];
    check_against_monte_carlo(&stratified(&TIMES, &EVENTS, &groups, &CENTRE), 0.0);
}

#[test]
fn monte_carlo_within_strata_agrees_with_a_large_enumeration() {
    let (times, events, arm, centre) = confounded_by_centre(20, 5);
    let data = stratified(&times, &events, &arm, &centre);
    let all = PermutationConfig {
        max_exact: 30_000_000,
        ..PermutationConfig::default()
    };
    let exact = permutation_log_rank(&data, &all).unwrap();
    assert_eq!(
        exact.method,
        PermutationMethod::Exact {
            relabellings: 4845 * 4845
        }
    );
    let mc = permutation_log_rank(&data, &PermutationConfig::default()).unwrap();
    let se = mc.std_err.unwrap();
    assert!(
        (mc.p_value - exact.p_value).abs() <= 4.0 * se,
        "exact p {}, Monte Carlo p {} ± {se}",
        exact.p_value,
        mc.p_value
    );
}

#[test]
fn strata_with_one_group_add_nothing_to_relabel() {
    // A third centre holds only arm 0: it has one labelling, and both the
    // relabelling count and the p-value are those of the other two centres
    // (its scores are fixed in T and its covariance term is zero).
    let mut times = TIMES.to_vec();
    let mut events = EVENTS.to_vec();
    let mut arm = ARM.to_vec();
    let mut centre = CENTRE.to_vec();
    for (t, e) in [(1.0, true), (2.0, false), (3.0, true)] {
        times.push(t);
        events.push(e);
        arm.push(0);
        centre.push(7);
    }
    let (with_extra, n) = exact(&stratified(&times, &events, &arm, &centre), 0.0);
    let (without, m) = exact(&stratified(&TIMES, &EVENTS, &ARM, &CENTRE), 0.0);
    assert_eq!((n, m), (600, 600));
    assert_eq!(with_extra.p_value, without.p_value);
    assert!((with_extra.statistic - without.statistic).abs() < 1e-12);
}

#[test]
fn near_ties_are_merged_before_scoring() {
    // R merges times that differ by rounding; so does the permutation test.
    let mut nudged = TIMES;
    nudged[2] += 1e-12; // ties 3.0 (an event) in centre 0
    nudged[7] -= 1e-12; // ties 4.0 in centre 1
    let plain = exact(&stratified(&TIMES, &EVENTS, &ARM, &CENTRE), 1.0).0;
    let near = exact(&stratified(&nudged, &EVENTS, &ARM, &CENTRE), 1.0).0;
    assert_eq!(plain.p_value, near.p_value);
    assert!((plain.statistic - near.statistic).abs() < 1e-12);
}

#[test]
fn degenerate_input_is_an_error() {
    let times = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0];
    let events = [true, false, true, true, false, true];
    let default = PermutationConfig::default();
    let no_groups = SurvivalData::new(&times, &events).unwrap();
    assert_eq!(
        permutation_log_rank(&no_groups, &default),
        Err(SurvivalError::NoGroups)
    );
    assert_eq!(
        permutation_log_rank(&grouped(&times, &events, &[0; 6]), &default),
        Err(SurvivalError::TooFewGroups { found: 1 })
    );
    let arm = [0, 1, 0, 1, 0, 1];
    assert_eq!(
        permutation_log_rank(&grouped(&times, &[false; 6], &arm), &default),
        Err(SurvivalError::NoEvents)
    );
    let data = grouped(&times, &events, &arm);
    assert!(matches!(
        permutation_log_rank(&data, &config(f64::NAN)),
        Err(SurvivalError::InvalidParameter { name: "rho", .. })
    ));
    let no_draws = PermutationConfig {
        max_exact: 0,
        resamples: 0,
        ..default
    };
    assert!(matches!(
        permutation_log_rank(&data, &no_draws),
        Err(SurvivalError::InvalidParameter {
            name: "resamples",
            ..
        })
    ));
    // Each centre holds one arm: nothing can be relabelled within strata.
    let centre = [0, 1, 0, 1, 0, 1];
    assert_eq!(
        permutation_log_rank(&stratified(&times, &events, &arm, &centre), &default),
        Err(SurvivalError::SingularVariance)
    );
    // Weights that overflow are refused, not passed on as infinity.
    let strong = PermutationConfig {
        log_rank: LogRankConfig { rho: -1e6 },
        ..default
    };
    let result = permutation_log_rank(&data, &strong);
    assert!(
        matches!(result, Err(SurvivalError::NotFinite { .. })),
        "{result:?}"
    );
}
