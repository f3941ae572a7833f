//! Properties of the estimators that must hold on any input, checked on small
//! random cohorts: times from a few integers (to force ties) or from a fine grid
//! (continuous), random events, and group codes 0..k with every code used.
//!
//! The continuous times lie on a grid of 0.001 in [0, 100], so no two distinct
//! times are close enough for R's merging of near-ties to apply; fitting the
//! whole cohort or one group's rows then sees the same distinct times.

mod common;

use std::collections::HashSet;
use std::ops::RangeInclusive;

use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::select;
use proptest::test_runner::Config as ProptestConfig;
use surv_engine::quantile::TOLERANCE;
use surv_engine::{
    ConfType, KmConfig, KmCurve, LogRank, LogRankConfig, SurvivalData, SurvivalError, kaplan_meier,
    kaplan_meier_by_group, log_rank,
};

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
    kaplan_meier(&valid(times, events), &config)
        .unwrap_or_else(|e| panic!("expected a curve for valid input, got error: {e}"))
}

/// Data that are valid by construction.
fn valid<'a>(times: &'a [f64], events: &'a [bool]) -> SurvivalData<'a> {
    SurvivalData::new(times, events)
        .unwrap_or_else(|e| panic!("expected valid data, got error: {e}"))
}

/// The G-rho test of `groups` (every code used), optionally within `strata`.
fn test_of(
    times: &[f64],
    events: &[bool],
    groups: &[u32],
    strata: Option<&[u32]>,
    rho: f64,
) -> Result<LogRank, SurvivalError> {
    let mut data = valid(times, events)
        .with_groups(groups)
        .unwrap_or_else(|e| panic!("expected valid groups, got error: {e}"));
    if let Some(strata) = strata {
        data = data
            .with_strata(strata)
            .unwrap_or_else(|e| panic!("expected valid strata, got error: {e}"));
    }
    log_rank(&data, &LogRankConfig { rho })
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
        close(base.statistic, other.statistic),
        "{}: expected chisq {}, got {}",
        what,
        base.statistic,
        other.statistic
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
            curve.std_err(i).is_none(),
            zero,
            "expected std_err None exactly where S = 0; at step {} S = {} and std_err = {:?}",
            i,
            curve.survival[i],
            curve.std_err(i)
        );
        if let Some(se) = curve.std_err(i) {
            prop_assert!(
                se.is_finite() && se >= 0.0,
                "expected a finite std_err ≥ 0 at step {}, got {}",
                i,
                se
            );
        }
        prop_assert!(
            curve.cumhaz[i].is_finite() && curve.std_err_cumhaz[i].is_finite(),
            "expected finite cumhaz and std_err_cumhaz at step {}, got {} and {}",
            i,
            curve.cumhaz[i],
            curve.std_err_cumhaz[i]
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
                // Bounds exist exactly where R gives them: wherever S > 0, and
                // for log-log also S < 1 (log(−log 1) is undefined).
                let defined = match conf_type {
                    ConfType::LogLog => s > 0.0 && s < 1.0,
                    _ => s > 0.0,
                };
                prop_assert_eq!(
                    (curve.lower(i).is_some(), curve.upper(i).is_some()),
                    (defined, defined),
                    "{:?} at {}: expected bounds {} at step {} (S = {}), got {:?} and {:?}",
                    conf_type,
                    level,
                    if defined { "defined" } else { "None" },
                    i,
                    s,
                    curve.lower(i),
                    curve.upper(i)
                );
                if let (Some(lo), Some(hi)) = (curve.lower(i), curve.upper(i)) {
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
        // The median exists exactly when the curve falls to 0.5 (within R's
        // tolerance), and each quantile p when 1 − S reaches p; the guards
        // below must not skip a value that ought to be there.
        let lowest = curve.survival.iter().copied().fold(1.0, f64::min);
        prop_assert_eq!(
            curve.median().time.is_some(),
            lowest < 0.5 + TOLERANCE,
            "{:?}: median {:?} with lowest S {}",
            conf_type,
            curve.median().time,
            lowest
        );
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
            let reached = q.and_then(|q| q.time).is_some();
            // Away from the tolerance band around p, where R's rule may go either way.
            if 1.0 - lowest < p {
                prop_assert!(
                    !reached,
                    "{:?}: quantile {} with lowest S {}: expected None",
                    conf_type,
                    p,
                    lowest
                );
            } else if 1.0 - lowest >= p + 1e-6 {
                prop_assert!(
                    reached,
                    "{:?}: quantile {} with lowest S {}: expected Some",
                    conf_type,
                    p,
                    lowest
                );
            }
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
    let (first, last) = (curve.time[0], curve.last_time());
    // Every step's own time (latest first), some arbitrary times (some past
    // the end, some before 0, possibly repeated) and values no curve has.
    let mut requested: Vec<f64> = curve.time.iter().rev().copied().collect();
    requested.extend(&extra);
    requested.extend([f64::NAN, f64::INFINITY, f64::NEG_INFINITY]);
    let at = curve.at(&requested);
    prop_assert_eq!(
        at.len(),
        requested.len(),
        "expected one entry per requested time"
    );
    for (i, (row, &t)) in at.iter().zip(&requested).enumerate() {
        prop_assert_eq!(
            row.time.to_bits(),
            t.to_bits(),
            "expected entry {} for requested time {}, in the order asked; got {}",
            i,
            t,
            row.time
        );
        let estimate = (row.n_risk, row.survival, row.std_err, row.lower, row.upper);
        if t.is_nan() || t > last {
            prop_assert_eq!(
                estimate,
                (0, None, None, None, None),
                "expected no estimate at {} past the last time {}",
                t,
                last
            );
        } else {
            let s = row.survival;
            prop_assert!(
                s.is_some_and(|s| (0.0..=1.0).contains(&s)),
                "expected survival in [0, 1] at {} ≤ the last time {}, got {:?}",
                t,
                last,
                s
            );
            if t < first {
                // Before the first observation: everyone at risk, and S = 1
                // (or, for a curve starting at 0, its first row).
                let expected = if first > 0.0 { 1.0 } else { curve.survival[0] };
                prop_assert_eq!(
                    (row.n_risk, s),
                    (c.n(), Some(expected)),
                    "expected n_risk n and S {} before the first time {}, at {}",
                    expected,
                    first,
                    t
                );
            }
        }
    }
    // A repeated time repeats its entry.
    for i in 0..at.len() {
        for j in i + 1..at.len() {
            if requested[i] == requested[j] {
                prop_assert_eq!(
                    at[i],
                    at[j],
                    "expected equal entries for the repeated time {}",
                    requested[i]
                );
            }
        }
    }
    // The order asked changes the order of the entries, nothing else.
    let reversed: Vec<f64> = requested.iter().rev().copied().collect();
    let mut back = curve.at(&reversed);
    back.reverse();
    for (a, b) in at.iter().zip(&back).filter(|(a, _)| !a.time.is_nan()) {
        prop_assert_eq!(
            a,
            b,
            "expected the same entry for {} whatever the order asked",
            a.time
        );
    }
    // Each distinct time counts the events since the next earlier one, so
    // over all distinct times (the last time is requested) every event once.
    let mut seen = HashSet::new();
    let events_read: usize = at
        .iter()
        .filter(|r| seen.insert(r.time.to_bits()))
        .map(|r| r.n_event)
        .sum();
    prop_assert_eq!(
        events_read,
        curve.n_events,
        "expected the distinct times' events to add up to all {} events, got {}",
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
            Some(curve.survival[i]),
            "at {} time {}: expected the curve's S = {}, got {:?}",
            kind,
            t,
            curve.survival[i],
            row.survival
        );
        prop_assert_eq!(
            row.std_err,
            curve.std_err(i),
            "at {} time {}: expected the curve's std_err {:?}, got {:?}",
            kind,
            t,
            curve.std_err(i),
            row.std_err
        );
        prop_assert_eq!(
            (row.lower, row.upper),
            (curve.lower(i), curve.upper(i)),
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
        let data = valid(&c.times, &c.events)
            .with_groups(&c.groups)
            .unwrap_or_else(|e| panic!("expected valid groups, got error: {e}"));
        let curves = kaplan_meier_by_group(&data, &config)
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
    let base = test_of(&c.times, &c.events, &c.groups, None, rho);
    let relabelled = test_of(&c.times, &c.events, &c.relabelled(), None, rho);
    let (times, events, groups) = c.shuffled();
    let shuffled = test_of(&times, &events, &groups, None, rho);
    let scaled_times: Vec<f64> = c.times.iter().map(|t| t * scale).collect();
    let scaled = test_of(&scaled_times, &c.events, &c.groups, None, rho);
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
    let test = test_or_skip(test_of(&c.times, &c.events, &c.groups, None, rho));
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
        test.statistic.is_finite(),
        "expected a finite chisq, got {}",
        test.statistic
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
    let test = test_or_skip(test_of(&c.times, &c.events, &c.groups, None, rho));
    prop_assume!(test.is_some());
    let test = test.unwrap();
    let trend = test.trend(&[1.0, 2.0]);
    if test.df == 0 {
        // One group was never at risk at an event time: there is no test.
        prop_assert_eq!(
            (test.statistic, test.p_value),
            (0.0, 1.0),
            "expected chisq 0 and p 1 on 0 df, got {} and {}",
            test.statistic,
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
            close(test.statistic, z * z),
            "expected chisq = z² = {} (z = (O₁ − E₁)/√V₁₁), got {}",
            z * z,
            test.statistic
        );
        let z0 = (test.observed[0] - test.expected[0]) / test.variance_at(0, 0).sqrt();
        prop_assert!(
            close(test.statistic, z0 * z0),
            "expected chisq = z₀² = {} (z₀ = (O₀ − E₀)/√V₀₀), got {}",
            z0 * z0,
            test.statistic
        );
        prop_assert_eq!(test.df, 1, "expected 1 df, got {}", test.df);
        let trend = trend.unwrap_or_else(|e| panic!("expected a trend test, got error: {e}"));
        prop_assert!(
            close(trend.statistic, test.statistic),
            "expected the trend chisq with scores (1, 2) to equal the log-rank chisq {}, got {}",
            test.statistic,
            trend.statistic
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

/// Fails the case if any float of `value` (through serde) is NaN or infinite.
fn all_finite<T: serde::Serialize + std::fmt::Debug>(
    what: &str,
    value: &T,
) -> Result<(), TestCaseError> {
    let found = common::finite::floats(value);
    prop_assert!(
        found.bad.is_empty(),
        "{}: expected every number finite, found {:?} in {:?}",
        what,
        found.bad,
        value
    );
    Ok(())
}

/// Every result of every estimator on the cohort, through serde: no float is
/// NaN or infinite. Errors are allowed only where the data leave a result
/// undefined, and must then be the typed error saying so.
fn no_result_holds_nan_or_infinity_holds(
    c: Cohort,
    strata: &[u32],
    x: &[f64],
    flags: &[bool],
    rho: f64,
    km: KmConfig,
) -> Result<(), TestCaseError> {
    let n = c.n();
    let strata = &strata[..n];
    let x1 = &x[..n];
    let x2: Vec<f64> = flags[..n].iter().map(|&b| f64::from(u8::from(b))).collect();
    let data = valid(&c.times, &c.events)
        .with_groups(&c.groups)
        .unwrap_or_else(|e| panic!("expected valid groups, got error: {e}"));
    let stratified = data
        .clone()
        .with_strata(strata)
        .unwrap_or_else(|e| panic!("expected valid strata, got error: {e}"));

    let curve = kaplan_meier(&data, &km)
        .unwrap_or_else(|e| panic!("expected a curve for valid input, got error: {e}"));
    all_finite("curve", &curve)?;
    all_finite("steps", &curve.steps().collect::<Vec<_>>())?;
    all_finite("median", &curve.median())?;
    let quantiles: Vec<_> = [0.0, 0.1, 0.25, 0.5, 0.75, 0.9, 1.0]
        .into_iter()
        .map(|p| curve.quantile(p))
        .collect();
    all_finite("quantiles", &quantiles)?;
    let (first, last) = (curve.time[0], curve.last_time());
    let mut times: Vec<f64> = c.times.clone();
    times.extend([0.0, last / 3.0, last + 1.0, 1e300]);
    all_finite("at()", &curve.at(&times))?;
    for tau in [first, (first + last) / 2.0, last, 2.0 * last + 1.0] {
        let mean = curve
            .restricted_mean(tau)
            .unwrap_or_else(|e| panic!("expected a restricted mean to {tau}, got error: {e}"));
        all_finite(&format!("restricted mean to {tau}"), &mean)?;
    }
    let follow_up = surv_engine::median_follow_up(&data, &km)
        .unwrap_or_else(|e| panic!("expected a follow-up, got error: {e}"));
    all_finite("follow-up", &follow_up)?;

    for (how, d) in [("unstratified", &data), ("stratified", &stratified)] {
        let curves = kaplan_meier_by_group(d, &km)
            .unwrap_or_else(|e| panic!("{how}: expected curves, got error: {e}"));
        all_finite(&format!("{how} curves by group"), &curves)?;
        match log_rank(d, &LogRankConfig { rho }) {
            Ok(test) => {
                all_finite(&format!("{how} log-rank"), &test)?;
                let scores: Vec<f64> = (0..c.k).map(|g| (g * g) as f64 / 2.0).collect();
                match test.trend(&scores) {
                    Ok(trend) => all_finite(&format!("{how} trend"), &trend)?,
                    Err(SurvivalError::SingularVariance) => {}
                    Err(e) => panic!("{how} trend: unexpected error {e:?}"),
                }
            }
            Err(
                SurvivalError::NoEvents
                | SurvivalError::SingularVariance
                | SurvivalError::TooFewGroups { .. },
            ) => {}
            Err(e) => panic!("{how} log-rank: unexpected error {e:?}"),
        }
        for columns in [vec![x1], vec![&x2[..]], vec![x1, &x2[..]]] {
            let what = format!("{how} Cox with {} covariates", columns.len());
            match surv_engine::cox_ph(d, &columns, &surv_engine::CoxConfig::default()) {
                Ok(fit) => {
                    all_finite(&what, &fit)?;
                    all_finite(&format!("{what}: concordance"), &fit.concordance)?;
                    let zph = fit.zph(&surv_engine::ZphConfig::default());
                    match zph {
                        Ok(zph) => all_finite(&format!("{what}: zph"), &zph)?,
                        Err(SurvivalError::SingularVariance | SurvivalError::NotFinite { .. }) => {}
                        Err(e) => panic!("{what}: zph: unexpected error {e:?}"),
                    }
                }
                Err(
                    SurvivalError::NoEvents
                    | SurvivalError::SingularInformation
                    | SurvivalError::NotFinite { .. },
                ) => {}
                Err(e) => panic!("{what}: unexpected error {e:?}"),
            }
        }
    }
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

    #[test]
    fn no_result_holds_nan_or_infinity(
        c in cohort(1..=4),
        strata in vec(0u32..3, 60),
        x in vec(select(vec![-1.5, -0.5, 0.0, 0.25, 1.0, 2.0, 40.0, 75.5]), 60),
        flags in vec(proptest::bool::ANY, 60),
        rho in select(vec![0.0, 0.5, 1.0]),
        conf_type in select(CONF_TYPES.to_vec()),
        conf_level in select(CONF_LEVELS.to_vec()),
    ) {
        let km = KmConfig { conf_type, conf_level };
        no_result_holds_nan_or_infinity_holds(c, &strata, &x, &flags, rho, km)?;
    }
}
