//! Properties of the estimators that must hold on any input, checked on small
//! random cohorts: times from a few integers (to force ties) or from a fine grid
//! (continuous), random events, and group codes 0..k with every code used.
//!
//! The continuous times lie on a grid of 0.001 in [0, 100], so no two distinct
//! times are close enough for R's merging of near-ties to apply; fitting the
//! whole cohort or one group's rows then sees the same distinct times.

use std::ops::RangeInclusive;

use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::select;
use proptest::test_runner::Config as ProptestConfig;
use surv_engine::km::{KmConfig, KmCurve, kaplan_meier, kaplan_meier_by_group};
use surv_engine::logrank::{LogRank, log_rank};
use surv_engine::{ConfType, SurvivalError};

/// Relative tolerance for quantities that are equal in exact arithmetic but
/// computed along different paths.
const REL: f64 = 1e-9;
/// Absolute floor for such quantities when they are zero up to rounding.
const ABS_FLOOR: f64 = 1e-12;
/// Slack for "lower ≤ S ≤ upper".
const BRACKET: f64 = 1e-12;

const CONF_TYPES: [ConfType; 3] = [ConfType::Log, ConfType::LogLog, ConfType::Plain];
const CONF_LEVELS: [f64; 5] = [0.5, 0.8, 0.9, 0.95, 0.99];

fn config() -> ProptestConfig {
    let mut config = ProptestConfig::with_cases(128);
    // A failing case is reported in the test output; no regression files.
    config.failure_persistence = None;
    config
}

/// A random cohort with a random row permutation and a random relabelling of
/// the group codes.
#[derive(Debug, Clone)]
struct Cohort {
    times: Vec<f64>,
    events: Vec<bool>,
    groups: Vec<u32>,
    k: usize,
    /// Row `i` of the shuffled cohort is row `row_perm[i]` of this one.
    row_perm: Vec<usize>,
    /// Group `g` becomes group `label_perm[g]`.
    label_perm: Vec<u32>,
}

impl Cohort {
    fn n(&self) -> usize {
        self.times.len()
    }

    fn shuffled(&self) -> (Vec<f64>, Vec<bool>, Vec<u32>) {
        (
            self.row_perm.iter().map(|&i| self.times[i]).collect(),
            self.row_perm.iter().map(|&i| self.events[i]).collect(),
            self.row_perm.iter().map(|&i| self.groups[i]).collect(),
        )
    }

    fn relabelled(&self) -> Vec<u32> {
        self.groups
            .iter()
            .map(|&g| self.label_perm[g as usize])
            .collect()
    }

    /// The rows of group `g`, in input order.
    fn group_rows(&self, g: u32) -> (Vec<f64>, Vec<bool>) {
        let rows = (0..self.n()).filter(|&i| self.groups[i] == g);
        (
            rows.clone().map(|i| self.times[i]).collect(),
            rows.map(|i| self.events[i]).collect(),
        )
    }

    fn event_count(&self) -> usize {
        self.events.iter().filter(|&&e| e).count()
    }
}

/// One time value; `kind` picks the distribution for the whole cohort.
fn time_value(kind: u8) -> BoxedStrategy<f64> {
    let continuous = (0u32..=100_000).prop_map(|x| f64::from(x) / 1000.0);
    match kind {
        // Heavy ties, including time 0.
        0 => (0u32..=5).prop_map(f64::from).boxed(),
        // Moderate ties.
        1 => (1u32..=20).prop_map(f64::from).boxed(),
        // Continuous: ties are rare.
        2 => continuous.boxed(),
        // A mixture of both.
        _ => prop_oneof![(0u32..=10).prop_map(f64::from), continuous].boxed(),
    }
}

/// Cohorts of 1–60 rows (at least k) with k group codes drawn from `groups`.
fn cohort(groups: RangeInclusive<usize>) -> impl Strategy<Value = Cohort> {
    (groups, 0u8..4, select(vec![0.0, 0.3, 0.5, 0.7, 0.9, 1.0])).prop_flat_map(
        |(k, kind, event_probability)| {
            (k.max(1)..=60usize).prop_flat_map(move |n| {
                (
                    vec(time_value(kind), n),
                    vec(proptest::bool::weighted(event_probability), n),
                    vec(0..k as u32, n),
                    Just((0..n).collect::<Vec<usize>>()).prop_shuffle(),
                    Just((0..k as u32).collect::<Vec<u32>>()).prop_shuffle(),
                )
                    .prop_map(
                        move |(times, events, mut groups, row_perm, label_perm)| {
                            // Every code is used: the first k rows take 0..k.
                            for (g, code) in groups.iter_mut().take(k).enumerate() {
                                *code = g as u32;
                            }
                            Cohort {
                                times,
                                events,
                                groups,
                                k,
                                row_perm,
                                label_perm,
                            }
                        },
                    )
            })
        },
    )
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= REL * a.abs().max(b.abs()) + ABS_FLOOR
}

fn fit(times: &[f64], events: &[bool], conf_type: ConfType, conf_level: f64) -> KmCurve {
    let config = KmConfig {
        conf_type,
        conf_level,
    };
    kaplan_meier(times, events, &config)
        .unwrap_or_else(|e| panic!("expected a curve for valid input, got error: {e}"))
}

/// The log-rank test, or `None` for the two errors valid input may get.
fn test_or_skip(result: Result<LogRank, SurvivalError>) -> Option<LogRank> {
    match result {
        Ok(test) => Some(test),
        Err(SurvivalError::NoEvents | SurvivalError::SingularVariance) => None,
        Err(e) => {
            panic!("expected a test, NoEvents or SingularVariance for valid input, got: {e:?}")
        }
    }
}

fn same_error_kind(a: &Result<LogRank, SurvivalError>, b: &Result<LogRank, SurvivalError>) -> bool {
    match (a, b) {
        (Ok(_), Ok(_)) => true,
        (Err(x), Err(y)) => x == y,
        _ => false,
    }
}

fn assert_tests_agree(
    what: &str,
    base: &LogRank,
    other: &LogRank,
    perm: &[u32],
) -> Result<(), TestCaseError> {
    prop_assert_eq!(
        base.df,
        other.df,
        "{}: expected df {}, got {}",
        what,
        base.df,
        other.df
    );
    prop_assert!(
        close(base.chisq, other.chisq),
        "{}: expected chisq {}, got {}",
        what,
        base.chisq,
        other.chisq
    );
    prop_assert!(
        close(base.p_value, other.p_value),
        "{}: expected p {}, got {}",
        what,
        base.p_value,
        other.p_value
    );
    let k = base.n.len();
    for g in 0..k {
        let pg = perm[g] as usize;
        prop_assert_eq!(
            base.n[g],
            other.n[pg],
            "{}: expected n[{}] = {}, got n[{}] = {}",
            what,
            g,
            base.n[g],
            pg,
            other.n[pg]
        );
        prop_assert!(
            close(base.observed[g], other.observed[pg]),
            "{}: expected observed[{}] = {}, got observed[{}] = {}",
            what,
            g,
            base.observed[g],
            pg,
            other.observed[pg]
        );
        prop_assert!(
            close(base.expected[g], other.expected[pg]),
            "{}: expected expected[{}] = {}, got expected[{}] = {}",
            what,
            g,
            base.expected[g],
            pg,
            other.expected[pg]
        );
        for (h, &ph) in perm.iter().enumerate() {
            let ph = ph as usize;
            prop_assert!(
                close(base.variance_at(g, h), other.variance_at(pg, ph)),
                "{}: expected variance[{}][{}] = {}, got variance[{}][{}] = {}",
                what,
                g,
                h,
                base.variance_at(g, h),
                pg,
                ph,
                other.variance_at(pg, ph)
            );
        }
    }
    Ok(())
}

fn km_counts_and_monotonicity_holds(c: Cohort) -> Result<(), TestCaseError> {
    let n = c.n();
    let curve = fit(&c.times, &c.events, ConfType::Log, 0.95);
    prop_assert_eq!(curve.n, n, "expected n = {}, got {}", n, curve.n);
    prop_assert!(!curve.is_empty(), "expected at least one step, got none");
    prop_assert_eq!(
        curve.n_risk[0],
        n,
        "expected n_risk[0] = n = {}, got {}",
        n,
        curve.n_risk[0]
    );
    let leaving: usize = curve
        .n_event
        .iter()
        .zip(&curve.n_censor)
        .map(|(d, c)| d + c)
        .sum();
    prop_assert_eq!(
        leaving,
        n,
        "expected Σ(n_event + n_censor) = n = {}, got {}",
        n,
        leaving
    );
    let events = c.event_count();
    let summed: usize = curve.n_event.iter().sum();
    prop_assert_eq!(
        curve.n_events,
        events,
        "expected n_events = {}, got {}",
        events,
        curve.n_events
    );
    prop_assert_eq!(
        summed,
        events,
        "expected Σ n_event = {}, got {}",
        events,
        summed
    );
    for w in curve.time.windows(2) {
        prop_assert!(
            w[0] < w[1],
            "expected strictly increasing times, got {} then {}",
            w[0],
            w[1]
        );
    }
    for (i, &s) in curve.survival.iter().enumerate() {
        prop_assert!(
            (0.0..=1.0).contains(&s),
            "expected survival[{}] in [0, 1], got {}",
            i,
            s
        );
    }
    for (i, w) in curve.survival.windows(2).enumerate() {
        prop_assert!(
            w[1] <= w[0],
            "expected non-increasing survival, got {} at step {} then {}",
            w[0],
            i,
            w[1]
        );
    }
    for (i, w) in curve.n_risk.windows(2).enumerate() {
        prop_assert!(
            w[1] <= w[0],
            "expected non-increasing n_risk, got {} at step {} then {}",
            w[0],
            i,
            w[1]
        );
    }
    for i in 0..curve.len() {
        let zero = curve.survival[i] == 0.0;
        prop_assert_eq!(
            curve.std_err[i].is_none(),
            zero,
            "expected std_err None exactly where S = 0; at step {} S = {} and std_err = {:?}",
            i,
            curve.survival[i],
            curve.std_err[i]
        );
        if let Some(se) = curve.std_err[i] {
            prop_assert!(
                se.is_finite() && se >= 0.0,
                "expected a finite std_err ≥ 0 at step {}, got {}",
                i,
                se
            );
        }
        prop_assert!(
            curve.cumhaz[i].is_finite() && curve.std_chaz[i].is_finite(),
            "expected finite cumhaz and std_chaz at step {}, got {} and {}",
            i,
            curve.cumhaz[i],
            curve.std_chaz[i]
        );
    }
    Ok(())
}

fn km_confidence_bands_bracket_the_estimate_holds(
    c: Cohort,
    extra_level: f64,
) -> Result<(), TestCaseError> {
    for conf_type in CONF_TYPES {
        for level in CONF_LEVELS.into_iter().chain([extra_level]) {
            let curve = fit(&c.times, &c.events, conf_type, level);
            for i in 0..curve.len() {
                let s = curve.survival[i];
                if let (Some(lo), Some(hi)) = (curve.lower[i], curve.upper[i]) {
                    prop_assert!(
                        lo <= s + BRACKET && s <= hi + BRACKET,
                        "{:?} at {}: expected lower ≤ S ≤ upper at step {}, got {} ≤ {} ≤ {}",
                        conf_type,
                        level,
                        i,
                        lo,
                        s,
                        hi
                    );
                    prop_assert!(
                        (0.0..=1.0).contains(&lo) && (0.0..=1.0).contains(&hi),
                        "{:?} at {}: expected bounds in [0, 1] at step {}, got [{}, {}]",
                        conf_type,
                        level,
                        i,
                        lo,
                        hi
                    );
                }
            }
        }
    }
    Ok(())
}

fn km_does_not_depend_on_row_order_holds(c: Cohort) -> Result<(), TestCaseError> {
    let (times, events, _) = c.shuffled();
    for conf_type in CONF_TYPES {
        let original = fit(&c.times, &c.events, conf_type, 0.95);
        let permuted = fit(&times, &events, conf_type, 0.95);
        prop_assert_eq!(
            &original,
            &permuted,
            "{:?}: expected the same curve for shuffled rows (left: input order, right: shuffled)",
            conf_type
        );
    }
    Ok(())
}

fn km_is_unchanged_by_an_exact_rescaling_of_time_holds(
    c: Cohort,
    scale: f64,
) -> Result<(), TestCaseError> {
    // Whole-number and fractional times, dense and sparse, may take different
    // paths through the engine; a power-of-two scale is exact, so everything
    // but the time column must come out bit-for-bit the same.
    let scaled: Vec<f64> = c.times.iter().map(|t| t * scale).collect();
    for conf_type in CONF_TYPES {
        let original = fit(&c.times, &c.events, conf_type, 0.95);
        let mut rescaled = fit(&scaled, &c.events, conf_type, 0.95);
        let expected_time: Vec<f64> = original.time.iter().map(|t| t * scale).collect();
        prop_assert_eq!(
            &rescaled.time,
            &expected_time,
            "{:?}: expected the times scaled by {} (right), got left",
            conf_type,
            scale
        );
        rescaled.time = original.time.clone();
        prop_assert_eq!(
            &original,
            &rescaled,
            "{:?}: expected the same curve for times scaled by {} (left: original, right: scaled)",
            conf_type,
            scale
        );
    }
    Ok(())
}

fn km_median_and_quantiles_lie_within_follow_up_holds(c: Cohort) -> Result<(), TestCaseError> {
    for conf_type in CONF_TYPES {
        let curve = fit(&c.times, &c.events, conf_type, 0.95);
        let (first, last) = (curve.time[0], curve.last_time());
        if let Some(m) = curve.median().time {
            prop_assert!(
                first <= m && m <= last,
                "{:?}: expected the median in [{}, {}], got {}",
                conf_type,
                first,
                last,
                m
            );
        }
        for p in [0.1, 0.25, 0.5, 0.75, 0.9, 1.0] {
            let q = curve.quantile(p);
            prop_assert!(
                q.is_some(),
                "expected Some quantile for p = {}, got None",
                p
            );
            if let Some(t) = q.and_then(|q| q.time) {
                prop_assert!(
                    first <= t && t <= last,
                    "{:?}: expected quantile {} in [{}, {}], got {}",
                    conf_type,
                    p,
                    first,
                    last,
                    t
                );
            }
        }
    }
    Ok(())
}

fn km_at_reads_the_curve_holds(c: Cohort, extra: Vec<f64>) -> Result<(), TestCaseError> {
    let curve = fit(&c.times, &c.events, ConfType::Log, 0.95);
    let last = curve.last_time();
    // Every step's own time, some arbitrary times (some past the end, some
    // before 0) and values that must be dropped.
    let mut requested: Vec<f64> = curve.time.iter().rev().copied().collect();
    requested.extend(&extra);
    requested.extend([f64::NAN, f64::INFINITY, f64::NEG_INFINITY]);
    let at = curve.at(&requested);
    let kept = requested
        .iter()
        .filter(|t| t.is_finite() && **t <= last)
        .count();
    prop_assert_eq!(
        at.len(),
        kept,
        "expected {} rows (finite and ≤ last time {}), got {}",
        kept,
        last,
        at.len()
    );
    for w in at.windows(2) {
        prop_assert!(
            w[0].time <= w[1].time,
            "expected sorted times, got {} then {}",
            w[0].time,
            w[1].time
        );
    }
    for row in &at {
        prop_assert!(
            row.time <= last,
            "expected times ≤ last time {}, got {}",
            last,
            row.time
        );
        prop_assert!(
            (0.0..=1.0).contains(&row.survival),
            "expected survival in [0, 1] at {}, got {}",
            row.time,
            row.survival
        );
    }
    let events_read: usize = at.iter().map(|r| r.n_event).sum();
    prop_assert_eq!(
        events_read,
        curve.n_events,
        "expected the rows' events to add up to all {} events (the last time is requested), got {}",
        curve.n_events,
        events_read
    );
    for i in 0..curve.len() {
        let t = curve.time[i];
        let row = at.iter().find(|r| r.time == t);
        prop_assert!(
            row.is_some(),
            "expected a row for the curve's time {}, got none",
            t
        );
        let row = row.unwrap();
        let kind = if curve.n_event[i] > 0 {
            "event"
        } else {
            "censoring"
        };
        prop_assert_eq!(
            row.survival,
            curve.survival[i],
            "at {} time {}: expected the curve's S = {}, got {}",
            kind,
            t,
            curve.survival[i],
            row.survival
        );
        prop_assert_eq!(
            row.std_err,
            curve.std_err[i],
            "at {} time {}: expected the curve's std_err {:?}, got {:?}",
            kind,
            t,
            curve.std_err[i],
            row.std_err
        );
        prop_assert_eq!(
            (row.lower, row.upper),
            (curve.lower[i], curve.upper[i]),
            "at {} time {}: expected the curve's bounds",
            kind,
            t
        );
        prop_assert_eq!(
            row.n_risk,
            curve.n_risk[i],
            "at {} time {}: expected the curve's n_risk {}, got {}",
            kind,
            t,
            curve.n_risk[i],
            row.n_risk
        );
    }
    Ok(())
}

fn km_by_group_equals_km_of_each_group_holds(c: Cohort) -> Result<(), TestCaseError> {
    for conf_type in CONF_TYPES {
        let config = KmConfig {
            conf_type,
            conf_level: 0.9,
        };
        let curves = kaplan_meier_by_group(&c.times, &c.events, &c.groups, &config)
            .unwrap_or_else(|e| panic!("expected curves for valid input, got error: {e}"));
        prop_assert_eq!(
            curves.len(),
            c.k,
            "expected {} curves, got {}",
            c.k,
            curves.len()
        );
        for (g, curve) in curves.iter().enumerate() {
            let (times, events) = c.group_rows(g as u32);
            let alone = fit(&times, &events, conf_type, 0.9);
            prop_assert_eq!(
                curve,
                &alone,
                "{:?}: expected group {}'s curve (left) to equal the curve of its rows alone (right)",
                conf_type,
                g
            );
        }
    }
    Ok(())
}

fn log_rank_does_not_depend_on_labels_or_row_order_holds(
    c: Cohort,
    rho: f64,
    scale: f64,
) -> Result<(), TestCaseError> {
    let base = log_rank(&c.times, &c.events, &c.groups, None, rho);
    let relabelled = log_rank(&c.times, &c.events, &c.relabelled(), None, rho);
    let (times, events, groups) = c.shuffled();
    let shuffled = log_rank(&times, &events, &groups, None, rho);
    let scaled_times: Vec<f64> = c.times.iter().map(|t| t * scale).collect();
    let scaled = log_rank(&scaled_times, &c.events, &c.groups, None, rho);
    prop_assert!(
        same_error_kind(&base, &relabelled)
            && same_error_kind(&base, &shuffled)
            && same_error_kind(&base, &scaled),
        "expected the same outcome for relabelled groups, shuffled rows and times scaled by {}, \
         got {:?}, {:?}, {:?} and {:?}",
        scale,
        base.as_ref().err(),
        relabelled.as_ref().err(),
        shuffled.as_ref().err(),
        scaled.as_ref().err()
    );
    let base = test_or_skip(base);
    prop_assume!(base.is_some());
    let base = base.unwrap();
    let identity: Vec<u32> = (0..c.k as u32).collect();
    assert_tests_agree(
        "relabelled groups",
        &base,
        &relabelled.unwrap(),
        &c.label_perm,
    )?;
    assert_tests_agree("shuffled rows", &base, &shuffled.unwrap(), &identity)?;
    assert_tests_agree("scaled times", &base, &scaled.unwrap(), &identity)?;
    Ok(())
}

fn log_rank_sums_and_variance_holds(c: Cohort, rho: f64) -> Result<(), TestCaseError> {
    let test = test_or_skip(log_rank(&c.times, &c.events, &c.groups, None, rho));
    prop_assume!(test.is_some());
    let test = test.unwrap();
    let k = c.k;
    prop_assert_eq!(
        test.n.len(),
        k,
        "expected {} groups, got {}",
        k,
        test.n.len()
    );
    for g in 0..k {
        let size = c.groups.iter().filter(|&&x| x as usize == g).count();
        prop_assert_eq!(
            test.n[g],
            size,
            "expected n[{}] = {}, got {}",
            g,
            size,
            test.n[g]
        );
    }
    let observed: f64 = test.observed.iter().sum();
    let expected: f64 = test.expected.iter().sum();
    if rho == 0.0 {
        let events = c.event_count() as f64;
        prop_assert_eq!(
            observed,
            events,
            "expected Σ observed = number of events {}, got {}",
            events,
            observed
        );
    }
    prop_assert!(
        close(expected, observed),
        "expected Σ expected = Σ observed = {}, got {}",
        observed,
        expected
    );
    for g in 0..k {
        let row = &test.variance[g * k..(g + 1) * k];
        let sum: f64 = row.iter().sum();
        let scale: f64 = row.iter().map(|v| v.abs()).sum();
        prop_assert!(
            sum.abs() <= REL * scale + ABS_FLOOR,
            "expected variance row {} to sum to 0, got {} (row {:?})",
            g,
            sum,
            row
        );
        for h in 0..k {
            prop_assert!(
                close(test.variance_at(g, h), test.variance_at(h, g)),
                "expected a symmetric variance, got V[{}][{}] = {} and V[{}][{}] = {}",
                g,
                h,
                test.variance_at(g, h),
                h,
                g,
                test.variance_at(h, g)
            );
        }
    }
    prop_assert!(
        test.df < k,
        "expected df ≤ k − 1 = {}, got {}",
        k - 1,
        test.df
    );
    prop_assert!(
        test.chisq.is_finite(),
        "expected a finite chisq, got {}",
        test.chisq
    );
    prop_assert!(
        (0.0..=1.0).contains(&test.p_value),
        "expected p in [0, 1], got {}",
        test.p_value
    );
    Ok(())
}

fn log_rank_of_two_groups_is_z_squared_and_the_trend_test_holds(
    c: Cohort,
    rho: f64,
) -> Result<(), TestCaseError> {
    let test = test_or_skip(log_rank(&c.times, &c.events, &c.groups, None, rho));
    prop_assume!(test.is_some());
    let test = test.unwrap();
    let trend = test.trend(&[1.0, 2.0]);
    if test.df == 0 {
        // One group was never at risk at an event time: there is no test.
        prop_assert_eq!(
            (test.chisq, test.p_value),
            (0.0, 1.0),
            "expected chisq 0 and p 1 on 0 df, got {} and {}",
            test.chisq,
            test.p_value
        );
        prop_assert_eq!(
            trend.as_ref().err(),
            Some(&SurvivalError::SingularVariance),
            "expected the trend test to have a singular variance on 0 df, got {:?}",
            trend
        );
    } else {
        let z = (test.observed[1] - test.expected[1]) / test.variance_at(1, 1).sqrt();
        prop_assert!(
            close(test.chisq, z * z),
            "expected chisq = z² = {} (z = (O₁ − E₁)/√V₁₁), got {}",
            z * z,
            test.chisq
        );
        let z0 = (test.observed[0] - test.expected[0]) / test.variance_at(0, 0).sqrt();
        prop_assert!(
            close(test.chisq, z0 * z0),
            "expected chisq = z₀² = {} (z₀ = (O₀ − E₀)/√V₀₀), got {}",
            z0 * z0,
            test.chisq
        );
        prop_assert_eq!(test.df, 1, "expected 1 df, got {}", test.df);
        let trend = trend.unwrap_or_else(|e| panic!("expected a trend test, got error: {e}"));
        prop_assert!(
            close(trend.chisq, test.chisq),
            "expected the trend chisq with scores (1, 2) to equal the log-rank chisq {}, got {}",
            test.chisq,
            trend.chisq
        );
        prop_assert!(
            close(trend.p_value, test.p_value),
            "expected the trend p with scores (1, 2) to equal the log-rank p {}, got {}",
            test.p_value,
            trend.p_value
        );
    }
    prop_assert!(
        (0.0..=1.0).contains(&test.p_value),
        "expected p in [0, 1], got {}",
        test.p_value
    );
    Ok(())
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn km_counts_and_monotonicity(
        c in cohort(1..=1),
    ) {
        km_counts_and_monotonicity_holds(c)?;
    }

    #[test]
    fn km_confidence_bands_bracket_the_estimate(
        c in cohort(1..=1),
        extra_level in 0.01f64..0.999,
    ) {
        km_confidence_bands_bracket_the_estimate_holds(c, extra_level)?;
    }

    #[test]
    fn km_does_not_depend_on_row_order(
        c in cohort(1..=1),
    ) {
        km_does_not_depend_on_row_order_holds(c)?;
    }

    #[test]
    fn km_is_unchanged_by_an_exact_rescaling_of_time(
        c in cohort(1..=1),
        scale in select(vec![0.5, 1024.0]),
    ) {
        km_is_unchanged_by_an_exact_rescaling_of_time_holds(c, scale)?;
    }

    #[test]
    fn km_median_and_quantiles_lie_within_follow_up(
        c in cohort(1..=1),
    ) {
        km_median_and_quantiles_lie_within_follow_up_holds(c)?;
    }

    #[test]
    fn km_at_reads_the_curve(
        c in cohort(1..=1),
        extra in vec(-5.0f64..120.0, 0..8),
    ) {
        km_at_reads_the_curve_holds(c, extra)?;
    }

    #[test]
    fn km_by_group_equals_km_of_each_group(
        c in cohort(1..=4),
    ) {
        km_by_group_equals_km_of_each_group_holds(c)?;
    }

    #[test]
    fn log_rank_does_not_depend_on_labels_or_row_order(
        c in cohort(2..=4),
        rho in select(vec![0.0, 1.0]),
        scale in select(vec![0.5, 1024.0]),
    ) {
        log_rank_does_not_depend_on_labels_or_row_order_holds(c, rho, scale)?;
    }

    #[test]
    fn log_rank_sums_and_variance(
        c in cohort(2..=4),
        rho in select(vec![0.0, 1.0]),
    ) {
        log_rank_sums_and_variance_holds(c, rho)?;
    }

    #[test]
    fn log_rank_of_two_groups_is_z_squared_and_the_trend_test(
        c in cohort(2..=2),
        rho in select(vec![0.0, 1.0]),
    ) {
        log_rank_of_two_groups_is_z_squared_and_the_trend_test_holds(c, rho)?;
    }
}
