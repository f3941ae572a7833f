//! Degenerate input gets a typed `SurvivalError`, never a panic, and the output
//! of a fit never holds NaN or infinity: undefined values are `None`. The
//! latter is checked on every number a result reports, through its
//! `serde::Serialize` implementation (see `common::finite`).

mod common;

use std::fmt::Debug;

use common::finite::assert_finite;
use surv_engine::confint::z_for_level;
use surv_engine::{
    ConfType, KmConfig, KmCurve, LogRankConfig, SurvivalData, SurvivalError, kaplan_meier,
    kaplan_meier_by_group, log_rank, median_follow_up,
};

const CONF_TYPES: [ConfType; 3] = [ConfType::Log, ConfType::LogLog, ConfType::Plain];

/// The error of `result`, failing the test if there is none.
fn error_of<T: Debug>(what: &str, result: Result<T, SurvivalError>) -> SurvivalError {
    match result {
        Err(e) => e,
        Ok(value) => panic!("{what}: expected an error, got Ok({value:?})"),
    }
}

fn assert_error<T: Debug>(what: &str, result: Result<T, SurvivalError>, expected: &SurvivalError) {
    let got = error_of(what, result);
    assert_eq!(&got, expected, "{what}: expected {expected:?}, got {got:?}");
}

fn config(conf_level: f64) -> KmConfig {
    KmConfig {
        conf_type: ConfType::Log,
        conf_level,
    }
}

/// Valid data, failing the test on an error.
fn data<'a>(times: &'a [f64], events: &'a [bool]) -> SurvivalData<'a> {
    SurvivalData::new(times, events)
        .unwrap_or_else(|e| panic!("expected valid data for {times:?}, {events:?}, got error: {e}"))
}

/// Valid data with groups, failing the test on an error.
fn grouped<'a>(times: &'a [f64], events: &'a [bool], groups: &'a [u32]) -> SurvivalData<'a> {
    data(times, events)
        .with_groups(groups)
        .unwrap_or_else(|e| panic!("expected valid groups {groups:?}, got error: {e}"))
}

fn rho(rho: f64) -> LogRankConfig {
    LogRankConfig { rho }
}

/// Every way of building the one input from `times` and `events` (alone,
/// with groups, with groups and strata): the columns are validated there,
/// once, for every estimator. Groups alternate 0, 1, ….
fn every_entry_point(times: &[f64], events: &[bool]) -> Vec<(&'static str, SurvivalError)> {
    let groups: Vec<u32> = (0..times.len() as u32).map(|i| i % 2).collect();
    let strata = vec![0u32; times.len()];
    vec![
        (
            "SurvivalData::new",
            error_of("SurvivalData::new", SurvivalData::new(times, events)),
        ),
        (
            "SurvivalData::new, then with_groups",
            error_of(
                "SurvivalData::new, then with_groups",
                SurvivalData::new(times, events).and_then(|d| d.with_groups(&groups)),
            ),
        ),
        (
            "SurvivalData::new, then with_groups and with_strata",
            error_of(
                "SurvivalData::new, then with_groups and with_strata",
                SurvivalData::new(times, events)
                    .and_then(|d| d.with_groups(&groups))
                    .and_then(|d| d.with_strata(&strata)),
            ),
        ),
    ]
}

#[test]
fn empty_input_is_empty() {
    for (what, got) in every_entry_point(&[], &[]) {
        assert_eq!(
            got,
            SurvivalError::Empty,
            "{what}: expected Empty, got {got:?}"
        );
    }
}

#[test]
fn invalid_times_report_the_first_bad_position_and_its_value() {
    let cases: [(&[f64], usize, f64); 8] = [
        (&[1.0, f64::NAN, 2.0], 1, f64::NAN),
        (&[f64::NAN], 0, f64::NAN),
        (&[1.0, 2.0, f64::INFINITY], 2, f64::INFINITY),
        (&[f64::NEG_INFINITY, 1.0, 2.0], 0, f64::NEG_INFINITY),
        (&[3.0, 1.0, -0.5, 2.0], 2, -0.5),
        (&[-1e-300, 1.0], 0, -1e-300),
        (&[1.0, -1.0, f64::NAN], 1, -1.0),
        (&[0.0, 5.0, f64::MAX, f64::INFINITY, -2.0], 3, f64::INFINITY),
    ];
    for (times, index, value) in cases {
        let events = vec![true; times.len()];
        for (what, got) in every_entry_point(times, &events) {
            match got {
                SurvivalError::InvalidTime {
                    index: got_index,
                    value: got_value,
                } => {
                    assert_eq!(
                        got_index, index,
                        "{what} on {times:?}: expected the bad time at index {index}, got index {got_index}"
                    );
                    assert_eq!(
                        got_value.to_bits(),
                        value.to_bits(),
                        "{what} on {times:?}: expected the bad value {value}, got {got_value}"
                    );
                }
                other => panic!("{what} on {times:?}: expected InvalidTime, got {other:?}"),
            }
        }
    }
}

#[test]
fn negative_zero_is_a_valid_time_equal_to_zero() {
    let times = [-0.0, 0.0, 1.0];
    let events = [true, false, true];
    let survival = SurvivalData::new(&times, &events)
        .unwrap_or_else(|e| panic!("expected -0.0 to be accepted as a time, got error: {e}"));
    let curve = kaplan_meier(&survival, &KmConfig::default())
        .unwrap_or_else(|e| panic!("expected a curve, got error: {e}"));
    assert_eq!(
        curve.time.len(),
        2,
        "expected -0.0 and 0.0 to be one time, got times {:?}",
        curve.time
    );
    assert_eq!(
        (curve.n_event[0], curve.n_censor[0]),
        (1, 1),
        "expected 1 event and 1 censoring at time 0, got {} and {}",
        curve.n_event[0],
        curve.n_censor[0]
    );
}

#[test]
fn mismatched_columns_name_the_column_and_both_lengths() {
    let times = [1.0, 2.0, 3.0, 4.0];
    let events = [true, false, true, true];
    let groups = [0u32, 1, 0, 1];
    let strata = [0u32, 0, 1, 1];
    let mismatch = |column: &'static str, found: usize| SurvivalError::LengthMismatch {
        column,
        expected: times.len(),
        found,
    };
    for found in [0usize, 3, 5] {
        let short_events = vec![true; found];
        let short_codes = vec![0u32; found];
        assert_error(
            "SurvivalData::new events",
            SurvivalData::new(&times, &short_events),
            &mismatch("events", found),
        );
        assert_error(
            "with_groups groups",
            data(&times, &events).with_groups(&short_codes),
            &mismatch("groups", found),
        );
        assert_error(
            "with_strata strata",
            data(&times, &events).with_strata(&short_codes),
            &mismatch("strata", found),
        );
        assert_error(
            "with_groups, then with_strata strata",
            grouped(&times, &events, &groups).with_strata(&short_codes),
            &mismatch("strata", found),
        );
        assert_error(
            "with_strata, then with_groups groups",
            data(&times, &events)
                .with_strata(&strata)
                .and_then(|d| d.with_groups(&short_codes)),
            &mismatch("groups", found),
        );
    }
}

#[test]
fn estimators_that_compare_or_separate_groups_need_groups() {
    let times = [1.0, 2.0, 3.0, 4.0];
    let events = [true, false, true, true];
    let strata = [0u32, 0, 1, 1];
    let plain = data(&times, &events);
    let stratified = data(&times, &events).with_strata(&strata).unwrap();
    for (what, d) in [("no strata", &plain), ("strata", &stratified)] {
        assert_error(
            &format!("kaplan_meier_by_group, {what}"),
            kaplan_meier_by_group(d, &KmConfig::default()),
            &SurvivalError::NoGroups,
        );
        for r in [0.0, 1.0] {
            assert_error(
                &format!("log_rank rho {r}, {what}"),
                log_rank(d, &rho(r)),
                &SurvivalError::NoGroups,
            );
        }
        // The pooled estimators need none.
        let curve = kaplan_meier(d, &KmConfig::default())
            .unwrap_or_else(|e| panic!("kaplan_meier, {what}: expected a curve, got error: {e}"));
        assert_eq!(curve.n, times.len());
    }
}

#[test]
fn a_group_code_without_subjects_is_an_empty_group() {
    let times = [1.0, 2.0, 3.0, 4.0];
    let events = [true, true, false, true];
    let cases: [(&[u32], u32); 4] = [
        (&[0, 2, 0, 2], 1),
        (&[1, 1, 2, 2], 0),
        (&[0, 1, 3, 3], 2),
        (&[0, 0, 0, 5], 1),
    ];
    for (groups, group) in cases {
        let expected = SurvivalError::EmptyGroup { group };
        assert_error(
            &format!("with_groups {groups:?}"),
            data(&times, &events).with_groups(groups),
            &expected,
        );
        assert_error(
            &format!("with_strata, then with_groups {groups:?}"),
            data(&times, &events)
                .with_strata(&[0, 1, 0, 1])
                .and_then(|d| d.with_groups(groups)),
            &expected,
        );
    }
}

#[test]
fn a_test_between_one_group_is_too_few_groups() {
    let times = [1.0, 2.0, 3.0];
    let events = [true, false, true];
    let groups = [0u32; 3];
    let one_group = grouped(&times, &events, &groups);
    let stratified = one_group.clone().with_strata(&[0, 1, 1]).unwrap();
    for r in [0.0, 1.0] {
        assert_error(
            "log_rank",
            log_rank(&one_group, &rho(r)),
            &SurvivalError::TooFewGroups { found: 1 },
        );
        assert_error(
            "stratified log_rank",
            log_rank(&stratified, &rho(r)),
            &SurvivalError::TooFewGroups { found: 1 },
        );
    }
}

#[test]
fn a_test_without_events_is_no_events() {
    let times = [1.0, 2.0, 2.0, 5.0, 0.0];
    let events = [false; 5];
    let groups = [0u32, 1, 0, 1, 2];
    let plain = grouped(&times, &events, &groups);
    let stratified = plain.clone().with_strata(&[1, 0, 1, 0, 3]).unwrap();
    for r in [0.0, 0.5, 1.0] {
        assert_error(
            "log_rank",
            log_rank(&plain, &rho(r)),
            &SurvivalError::NoEvents,
        );
        assert_error(
            "stratified log_rank",
            log_rank(&stratified, &rho(r)),
            &SurvivalError::NoEvents,
        );
    }
}

#[test]
fn a_group_never_at_risk_at_an_event_leaves_no_test_and_no_nan() {
    // Group 1 leaves before the first event: 0 df, chisq 0, p 1.
    let times = [3.0, 4.0, 5.0, 1.0, 2.0];
    let events = [true, true, false, false, false];
    let groups = [0u32, 0, 0, 1, 1];
    let test = log_rank(&grouped(&times, &events, &groups), &rho(0.0))
        .unwrap_or_else(|e| panic!("expected a test on 0 df, got error: {e}"));
    assert_eq!(
        (test.df, test.statistic, test.p_value),
        (0, 0.0, 1.0),
        "expected df 0, statistic 0 and p 1, got {:?}",
        test
    );
    assert_finite("log-rank on 0 df", &test);
    let numbers = test
        .observed
        .iter()
        .chain(&test.expected)
        .chain(&test.variance);
    for x in numbers {
        assert!(
            x.is_finite(),
            "expected finite numbers, got {x} in {test:?}"
        );
    }
}

#[test]
fn conf_level_outside_zero_one_is_an_invalid_parameter() {
    let times = [1.0, 2.0, 3.0];
    let events = [true, false, true];
    let groups = [0u32, 1, 0];
    let x = [0.5, 1.0, 0.0];
    let d = grouped(&times, &events, &groups);
    for level in [0.0, 1.0, 1.5, f64::NAN, -0.5, f64::INFINITY, -0.0] {
        let cox = surv_engine::CoxConfig {
            conf_level: level,
            ..surv_engine::CoxConfig::default()
        };
        let results = [
            ("z_for_level", z_for_level(level).err()),
            ("kaplan_meier", kaplan_meier(&d, &config(level)).err()),
            (
                "kaplan_meier_by_group",
                kaplan_meier_by_group(&d, &config(level)).err(),
            ),
            (
                "median_follow_up",
                median_follow_up(&d, &config(level)).err(),
            ),
            ("cox_ph", surv_engine::cox_ph(&d, &[&x], &cox).err()),
        ];
        for (what, got) in results {
            match got {
                Some(SurvivalError::InvalidParameter {
                    name: "conf_level",
                    value,
                    expected,
                }) => {
                    assert_eq!(
                        value.to_bits(),
                        level.to_bits(),
                        "{what}: expected the reported value {level}, got {value}"
                    );
                    assert!(
                        !expected.is_empty(),
                        "{what}: expected a description of the domain, got \"\""
                    );
                }
                other => panic!(
                    "{what} at conf_level {level}: expected InvalidParameter for conf_level, got {other:?}"
                ),
            }
        }
    }
}

#[test]
fn a_non_finite_rho_is_an_invalid_parameter() {
    let times = [1.0, 2.0, 3.0, 4.0];
    let events = [true, false, true, true];
    let groups = [0u32, 1, 0, 1];
    for rho in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
        for strata in [None, Some(&[0u32, 0, 1, 1][..])] {
            let mut d = grouped(&times, &events, &groups);
            if let Some(strata) = strata {
                d = d.with_strata(strata).unwrap();
            }
            match log_rank(&d, &LogRankConfig { rho }) {
                Err(SurvivalError::InvalidParameter {
                    name: "rho", value, ..
                }) => assert_eq!(
                    value.to_bits(),
                    rho.to_bits(),
                    "expected the reported rho {rho}, got {value}"
                ),
                other => panic!(
                    "rho {rho}, strata {strata:?}: expected InvalidParameter for rho, got {other:?}"
                ),
            }
        }
    }
}

#[test]
fn restricted_mean_horizon_before_the_first_time_or_not_finite_is_invalid() {
    let curve = kaplan_meier(
        &data(&[2.0, 3.0, 5.0, 5.0], &[true, false, true, true]),
        &KmConfig::default(),
    )
    .unwrap_or_else(|e| panic!("expected a curve, got error: {e}"));
    for tau in [1.999, 0.0, -1.0, f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
        match curve.restricted_mean(tau) {
            Err(SurvivalError::InvalidParameter {
                name: "tau", value, ..
            }) => assert_eq!(
                value.to_bits(),
                tau.to_bits(),
                "expected the reported tau {tau}, got {value}"
            ),
            other => panic!("tau {tau}: expected InvalidParameter for tau, got {other:?}"),
        }
    }
    // The first time itself and any later horizon are fine.
    for tau in [2.0, 4.0, 5.0, 100.0] {
        let r = curve
            .restricted_mean(tau)
            .unwrap_or_else(|e| panic!("tau {tau}: expected a restricted mean, got error: {e}"));
        assert_finite(&format!("restricted mean to {tau}"), &r);
    }
}

#[test]
fn trend_scores_must_be_one_finite_number_per_group() {
    let times = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0];
    let events = [true; 6];
    let test = log_rank(&grouped(&times, &events, &[0, 0, 1, 1, 2, 2]), &rho(0.0))
        .unwrap_or_else(|e| panic!("expected a test, got error: {e}"));
    let wrong_lengths: [&[f64]; 4] = [&[], &[1.0], &[1.0, 2.0], &[1.0, 2.0, 3.0, 4.0]];
    for scores in wrong_lengths {
        assert_error(
            &format!("trend with scores {scores:?}"),
            test.trend(scores),
            &SurvivalError::LengthMismatch {
                column: "scores",
                expected: 3,
                found: scores.len(),
            },
        );
    }
    for bad in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
        match test.trend(&[1.0, bad, 3.0]) {
            Err(SurvivalError::InvalidParameter {
                name: "scores",
                value,
                ..
            }) => assert_eq!(
                value.to_bits(),
                bad.to_bits(),
                "expected the reported score {bad}, got {value}"
            ),
            other => panic!("score {bad}: expected InvalidParameter for scores, got {other:?}"),
        }
    }
}

#[test]
fn quantile_outside_zero_one_is_none() {
    let curve = kaplan_meier(
        &data(&[1.0, 2.0, 3.0, 4.0], &[true; 4]),
        &KmConfig::default(),
    )
    .unwrap_or_else(|e| panic!("expected a curve, got error: {e}"));
    for p in [
        -0.1,
        -1e-12,
        1.0 + 1e-12,
        1.5,
        f64::NAN,
        f64::INFINITY,
        f64::NEG_INFINITY,
    ] {
        let got = curve.quantile(p);
        assert!(got.is_none(), "quantile({p}): expected None, got {got:?}");
    }
    for p in [0.0, 0.5, 1.0] {
        let got = curve.quantile(p);
        assert!(got.is_some(), "quantile({p}): expected Some, got None");
    }
}

/// Fails the test if any number the curve or its summaries report is NaN or
/// infinite: field by field, and then every float of every result through
/// serde.
fn assert_no_nan(what: &str, curve: &KmCurve) {
    let finite = |field: &str, x: f64| {
        assert!(
            x.is_finite(),
            "{what}: expected a finite {field}, got {x} in {curve:?}"
        );
    };
    let finite_or_none = |field: &str, x: Option<f64>| {
        if let Some(x) = x {
            assert!(
                x.is_finite(),
                "{what}: expected {field} None or finite, got {x} in {curve:?}"
            );
        }
    };
    finite("conf_level", curve.conf_level());
    let columns = [
        ("time", &curve.time),
        ("survival", &curve.survival),
        ("cumhaz", &curve.cumhaz),
        ("std_err_cumhaz", &curve.std_err_cumhaz),
    ];
    for (field, column) in columns {
        assert_eq!(
            column.len(),
            curve.len(),
            "{what}: expected one {field} per step"
        );
        column.iter().for_each(|&x| finite(field, x));
    }
    let optional = [
        ("std_err", common::computed(curve, KmCurve::std_err)),
        ("std_err_log", common::computed(curve, KmCurve::std_err_log)),
        ("lower", common::computed(curve, KmCurve::lower)),
        ("upper", common::computed(curve, KmCurve::upper)),
    ];
    for (field, column) in optional {
        assert_eq!(
            column.len(),
            curve.len(),
            "{what}: expected one {field} per step"
        );
        column.iter().for_each(|&x| finite_or_none(field, x));
    }
    let median = curve.median();
    for (field, x) in [
        ("median", median.time),
        ("median lower", median.lower),
        ("median upper", median.upper),
    ] {
        finite_or_none(field, x);
    }
    for p in [0.0, 0.25, 0.5, 0.75, 1.0] {
        let q = curve
            .quantile(p)
            .unwrap_or_else(|| panic!("{what}: expected quantile({p}), got None"));
        for x in [q.time, q.lower, q.upper] {
            finite_or_none("quantile", x);
        }
    }
    let last = curve.last_time();
    for row in curve.at(&[0.0, last / 2.0, last]) {
        let s = row.survival.unwrap_or_else(|| {
            panic!(
                "{what}: expected an estimate at {} ≤ the last time {last}",
                row.time
            )
        });
        finite("at() survival", s);
        for x in [row.std_err, row.lower, row.upper] {
            finite_or_none("at() bound or std_err", x);
        }
    }
    let r = curve.restricted_mean(last).unwrap_or_else(|e| {
        panic!("{what}: expected a restricted mean at the last time, got error: {e}")
    });
    finite("rmean", r.rmean);
    finite("rmean std_err", r.std_err);

    // Every float of every result, whatever its field.
    let floats = assert_finite(what, curve);
    assert!(
        floats >= 3 * curve.len(),
        "{what}: the walk saw only {floats} floats"
    );
    let steps: Vec<_> = curve.steps().collect();
    assert_eq!(steps.len(), curve.len());
    assert_finite(&format!("{what}: steps"), &steps);
    assert_finite(&format!("{what}: median"), &curve.median());
    let quantiles: Vec<_> = [0.0, 0.1, 0.25, 0.5, 0.75, 0.9, 1.0]
        .into_iter()
        .map(|p| curve.quantile(p))
        .collect();
    assert_finite(&format!("{what}: quantiles"), &quantiles);
    // Before the start, at each step, between steps and past the end.
    let mut times: Vec<f64> = curve.time.to_vec();
    times.extend(curve.time.iter().map(|t| t / 2.0 + 0.25));
    times.extend([0.0, last + 1.0, 2.0 * last + 10.0, f64::MAX]);
    let at = curve.at(&times);
    assert_eq!(at.len(), times.len(), "{what}: one at() entry per time");
    assert_finite(&format!("{what}: at()"), &at);
    let first = curve.time[0];
    let means: Vec<_> = [
        first,
        (first + last) / 2.0,
        last,
        last + 1.0,
        2.0 * last + 10.0,
    ]
    .into_iter()
    .map(|tau| {
        curve.restricted_mean(tau).unwrap_or_else(|e| {
            panic!("{what}: expected a restricted mean to {tau}, got error: {e}")
        })
    })
    .collect();
    assert_finite(&format!("{what}: restricted means"), &means);
}

#[test]
fn all_censored_and_single_subject_cohorts_have_no_nan() {
    let cohorts: [(&str, &[f64], &[bool]); 7] = [
        ("all censored", &[3.0, 1.0, 4.0, 1.0, 5.0], &[false; 5]),
        ("all censored at 0", &[0.0, 0.0], &[false; 2]),
        ("one subject, event", &[2.5], &[true]),
        ("one subject, censored", &[2.5], &[false]),
        ("one subject, event at 0", &[0.0], &[true]),
        ("everyone dies at once", &[2.0, 2.0, 2.0], &[true; 3]),
        (
            "the last subject dies",
            &[1.0, 2.0, 3.0],
            &[false, true, true],
        ),
    ];
    for (name, times, events) in cohorts {
        for conf_type in CONF_TYPES {
            for level in [0.5, 0.95, 0.999] {
                let what = format!("{name} ({conf_type:?}, {level})");
                let cfg = KmConfig {
                    conf_type,
                    conf_level: level,
                };
                let d = data(times, events);
                let curve = kaplan_meier(&d, &cfg)
                    .unwrap_or_else(|e| panic!("{what}: expected a curve, got error: {e}"));
                assert_no_nan(&what, &curve);
                let follow_up = median_follow_up(&d, &cfg)
                    .unwrap_or_else(|e| panic!("{what}: expected a follow-up, got error: {e}"));
                assert_finite(&format!("{what}: follow-up"), &follow_up);
                let reverse = follow_up.reverse_km;
                for x in [reverse.time, reverse.lower, reverse.upper]
                    .into_iter()
                    .flatten()
                {
                    assert!(
                        x.is_finite(),
                        "{what}: expected follow-up None or finite, got {x}"
                    );
                }
                assert!(
                    follow_up.median_observed.is_finite(),
                    "{what}: expected a finite median observed time, got {}",
                    follow_up.median_observed
                );
            }
        }
    }
}

#[test]
fn log_rank_and_trend_on_degenerate_data_report_no_nan() {
    type Case<'a> = (&'a str, &'a [f64], &'a [bool], &'a [u32], &'a [u32]);
    let cases: [Case; 7] = [
        (
            "one event",
            &[1.0, 2.0, 3.0, 4.0],
            &[false, true, false, false],
            &[0, 1, 0, 1],
            &[0, 0, 1, 1],
        ),
        (
            "everyone dies at once",
            &[2.0; 4],
            &[true; 4],
            &[0, 1, 2, 1],
            &[0, 1, 0, 1],
        ),
        (
            "one subject per group",
            &[1.0, 2.0],
            &[true, true],
            &[0, 1],
            &[0, 0],
        ),
        (
            "groups in separate strata",
            &[1.0, 2.0, 3.0, 4.0],
            &[true; 4],
            &[0, 0, 1, 1],
            &[0, 0, 1, 1],
        ),
        (
            "the last at risk dies",
            &[1.0, 2.0, 3.0, 3.0],
            &[true, false, true, true],
            &[0, 1, 0, 1],
            &[0, 0, 0, 0],
        ),
        (
            "time 0 only",
            &[0.0, 0.0, 0.0],
            &[true, false, true],
            &[0, 1, 2],
            &[5, 5, 9],
        ),
        (
            "one stratum per subject",
            &[1.0, 2.0, 3.0],
            &[true, true, false],
            &[0, 1, 0],
            &[3, 2, 1],
        ),
    ];
    let mut tests = 0;
    for (name, times, events, groups, strata) in cases {
        let plain = grouped(times, events, groups);
        let stratified = plain.clone().with_strata(strata).unwrap();
        for (how, d) in [("unstratified", &plain), ("stratified", &stratified)] {
            for r in [0.0, 0.5, 1.0] {
                let what = format!("{name} ({how}, rho {r})");
                match log_rank(d, &rho(r)) {
                    Ok(test) => {
                        tests += 1;
                        assert_finite(&what, &test);
                        let scores: Vec<f64> = (0..test.n.len()).map(|g| g as f64).collect();
                        match test.trend(&scores) {
                            Ok(trend) => {
                                assert_finite(&format!("{what}: trend"), &trend);
                            }
                            Err(SurvivalError::SingularVariance) => {}
                            Err(e) => panic!("{what}: trend: unexpected error {e:?}"),
                        }
                    }
                    Err(SurvivalError::SingularVariance | SurvivalError::NoEvents) => {}
                    Err(e) => panic!("{what}: unexpected error {e:?}"),
                }
                let curves = kaplan_meier_by_group(d, &KmConfig::default())
                    .unwrap_or_else(|e| panic!("{what}: expected curves, got error: {e}"));
                assert_finite(&format!("{what}: curves by group"), &curves);
            }
        }
    }
    assert!(tests >= 20, "only {tests} of the tests were defined");
}

#[test]
fn the_finiteness_check_finds_nan_and_infinity_wherever_they_are() {
    // The check above would pass vacuously if the walk missed floats: plant
    // NaN and infinity in real results and make sure they are found, by path.
    let times = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0];
    let events = [true, false, true, true, false, true];
    let mut curve = kaplan_meier(&data(&times, &events), &KmConfig::default()).unwrap();
    let clean = common::finite::floats(&curve);
    assert!(clean.bad.is_empty() && clean.count > 0, "{clean:?}");
    curve.std_err_cumhaz[1] = f64::NAN;
    curve.cumhaz[2] = f64::INFINITY;
    let found = common::finite::floats(&curve);
    let paths: Vec<&str> = found.bad.iter().map(|(p, _)| p.as_str()).collect();
    assert_eq!(paths, ["cumhaz[2]", "std_err_cumhaz[1]"]);
    assert_eq!(found.count, clean.count, "a NaN is still one float");

    let x = [0.5, 1.0, 0.0, 2.0, 1.5, 0.2];
    let mut fit = surv_engine::cox_ph(&data(&times, &events), &[&x], &Default::default()).unwrap();
    assert!(common::finite::floats(&fit).bad.is_empty());
    fit.concordance.std_err = Some(f64::NEG_INFINITY);
    fit.hazard_ratio[0].upper = Some(f64::INFINITY);
    fit.wald_test
        .as_mut()
        .expect("a Wald test on these data")
        .p_value = f64::NAN;
    let found = common::finite::floats(&fit);
    let mut paths: Vec<&str> = found.bad.iter().map(|(p, _)| p.as_str()).collect();
    paths.sort_unstable();
    assert_eq!(
        paths,
        [
            "concordance.std_err",
            "hazard_ratio[0].upper",
            "wald_test.p_value"
        ]
    );
    let caught = std::panic::catch_unwind(|| common::finite::assert_finite("planted", &fit));
    assert!(caught.is_err(), "assert_finite let a NaN through");
}

#[test]
fn error_messages_are_lower_case_first_without_a_trailing_period() {
    let times = [1.0, 2.0];
    let mut errors: Vec<SurvivalError> = vec![
        error_of("empty", SurvivalData::new(&[], &[])),
        error_of("mismatch", SurvivalData::new(&times, &[true])),
        error_of("NaN time", SurvivalData::new(&[f64::NAN], &[true])),
        error_of("negative time", SurvivalData::new(&[-1.0], &[true])),
        error_of("empty group", data(&times, &[true; 2]).with_groups(&[0, 2])),
        error_of("no groups", log_rank(&data(&times, &[true; 2]), &rho(0.0))),
        error_of(
            "one group",
            log_rank(&grouped(&times, &[true; 2], &[0, 0]), &rho(0.0)),
        ),
        error_of(
            "no events",
            log_rank(&grouped(&times, &[false; 2], &[0, 1]), &rho(0.0)),
        ),
        error_of(
            "conf_level",
            kaplan_meier(&data(&times, &[true; 2]), &config(1.5)),
        ),
        error_of(
            "rho",
            log_rank(&grouped(&times, &[true; 2], &[0, 1]), &rho(f64::NAN)),
        ),
    ];
    // Variants no small input reaches.
    errors.push(SurvivalError::TooManyObservations { n: 5_000_000_000 });
    errors.push(SurvivalError::SingularVariance);
    errors.push(SurvivalError::NoCovariates);
    errors.push(SurvivalError::InvalidCovariate {
        covariate: 2,
        index: 7,
        value: f64::NAN,
    });
    errors.push(SurvivalError::SingularInformation);
    errors.push(SurvivalError::NotFinite {
        what: "Wald statistic",
    });
    for error in &errors {
        let message = error.to_string();
        let first = message.chars().next();
        assert!(first.is_some(), "{error:?}: expected a message, got \"\"");
        assert!(
            !first.is_some_and(char::is_uppercase),
            "{error:?}: expected a message that does not start upper-case, got \"{message}\""
        );
        let first_letter = message.chars().find(|c| c.is_alphabetic());
        assert!(
            first_letter.is_some_and(char::is_lowercase),
            "{error:?}: expected the first letter lower-case, got \"{message}\""
        );
        assert!(
            !message.ends_with('.'),
            "{error:?}: expected no trailing period, got \"{message}\""
        );
        assert_eq!(
            message.trim(),
            message,
            "{error:?}: expected no surrounding whitespace, got \"{message}\""
        );
        let as_std: &dyn std::error::Error = error;
        assert!(
            as_std.source().is_none(),
            "{error:?}: expected no source error"
        );
    }
}

#[test]
fn huge_unused_codes_are_reported_without_sizing_tables_by_them() {
    let times = [1.0, 2.0, 3.0];
    let events = [true, true, false];
    let groups = [0, u32::MAX, 0];
    assert_error(
        "with_groups with code u32::MAX",
        data(&times, &events).with_groups(&groups),
        &SurvivalError::EmptyGroup { group: 1 },
    );
    // Empty strata are allowed: sparse stratum codes are renumbered, not tabulated.
    let sparse_strata = [0, u32::MAX, u32::MAX];
    let sparse = grouped(&times, &events, &[0, 1, 1])
        .with_strata(&sparse_strata)
        .unwrap();
    assert_eq!(sparse.n_strata(), 2);
    let dense = grouped(&times, &events, &[0, 1, 1])
        .with_strata(&[0, 1, 1])
        .unwrap();
    assert_eq!(
        log_rank(&sparse, &rho(0.0)),
        log_rank(&dense, &rho(0.0)),
        "expected sparse strata codes to act like dense ones"
    );
}

#[test]
fn trend_with_equal_scores_is_singular_not_rounding_noise() {
    // Smallest case where cᵀVc came out as 1.1e-16 instead of 0.
    let test = log_rank(
        &grouped(&[2.0, 1.0, 2.0], &[true, true, false], &[0, 1, 0]),
        &rho(0.0),
    )
    .unwrap();
    assert_error(
        "trend with scores (1, 1)",
        test.trend(&[1.0, 1.0]),
        &SurvivalError::SingularVariance,
    );
}

mod regression {
    use surv_engine::{
        CoxConfig, CoxFit, CoxWarning, PermutationConfig, PowerConfig, SurvivalData, SurvivalError,
        TimeTransform, ZphConfig, cox_ph, events_required, minimal_detectable_hazard_ratio,
        permutation_log_rank, power,
    };

    use super::common::finite::assert_finite;
    use super::{data, grouped};

    const T: [f64; 6] = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0];
    const E: [bool; 6] = [true, false, true, true, false, true];
    const X: [f64; 6] = [0.5, 1.0, 0.0, 2.0, 1.5, 0.2];

    fn cox_error(times: &[f64], events: &[bool], x: &[&[f64]]) -> SurvivalError {
        cox_ph(&data(times, events), x, &CoxConfig::default()).expect_err("expected an error")
    }

    fn cox(times: &[f64], events: &[bool], x: &[&[f64]], config: &CoxConfig) -> CoxFit {
        cox_ph(&data(times, events), x, config)
            .unwrap_or_else(|e| panic!("expected a fit, got error: {e}"))
    }

    #[test]
    fn cox_rejects_degenerate_input_with_typed_errors() {
        // Empty and mismatched times are refused before any model is fitted.
        assert_eq!(
            SurvivalData::new(&[], &[]).unwrap_err(),
            SurvivalError::Empty
        );
        assert_eq!(cox_error(&T, &E, &[]), SurvivalError::NoCovariates);
        assert_eq!(cox_error(&T, &[false; 6], &[&X]), SurvivalError::NoEvents);
        assert_eq!(
            cox_error(&T, &E, &[&X[..5]]),
            SurvivalError::LengthMismatch {
                column: "covariate",
                expected: 6,
                found: 5
            }
        );
        let mut bad = X;
        bad[3] = f64::INFINITY;
        assert_eq!(
            cox_error(&T, &E, &[&bad]),
            SurvivalError::InvalidCovariate {
                covariate: 0,
                index: 3,
                value: f64::INFINITY
            }
        );
        assert_eq!(
            cox_error(&T, &E, &[&[1.0; 6]]),
            SurvivalError::SingularInformation
        );
        assert_eq!(
            cox_error(&T, &E, &[&X, &X]),
            SurvivalError::SingularInformation
        );
        let strata = [0u32, 0, 1];
        assert!(matches!(
            data(&T, &E).with_strata(&strata),
            Err(SurvivalError::LengthMismatch {
                column: "strata",
                ..
            })
        ));
        let config = CoxConfig {
            conf_level: 1.0,
            ..CoxConfig::default()
        };
        assert!(matches!(
            cox_ph(&data(&T, &E), &[&X], &config),
            Err(SurvivalError::InvalidParameter {
                name: "conf_level",
                ..
            })
        ));
    }

    #[test]
    fn cox_reports_monotone_likelihood_and_non_convergence_as_warnings() {
        // No events where x = 1: the likelihood keeps rising as β → −∞.
        let times = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0];
        let events = [true, false, true, false, true, false, true, false];
        let x = [0.0, 1.0, 0.0, 1.0, 0.0, 1.0, 0.0, 1.0];
        // R 3.5-3 on these data: "Ran out of iterations and did not converge",
        // iter 21, coef -21.2028947707468 (the last accepted step).
        let fit = cox(&times, &events, &[&x], &CoxConfig::default());
        assert_eq!(
            fit.warnings,
            vec![CoxWarning::NotConverged { iterations: 21 }]
        );
        assert!(
            (fit.coef[0] - -21.2028947707468).abs() < 1e-9 * 21.2,
            "expected R's coefficient -21.2028947707468, got {}",
            fit.coef[0]
        );
        assert_cox_finite("monotone, 20 iterations", &fit);
        let short = CoxConfig {
            max_iter: 2,
            ..CoxConfig::default()
        };
        let fit = cox(&times, &events, &[&x], &short);
        assert_eq!(
            fit.warnings,
            vec![CoxWarning::NotConverged { iterations: 3 }]
        );
        assert!(
            fit.coef.iter().all(|v| v.is_finite())
                && fit.std_err.iter().all(|v| v.is_some_and(f64::is_finite)),
            "expected finite coefficients and standard errors, got {:?} and {:?}",
            fit.coef,
            fit.std_err
        );
        assert_cox_finite("monotone, 2 iterations", &fit);
    }

    /// Every float of the fit, its concordance and its proportional-hazards
    /// tests (each transform; a test the data leave undefined must be a typed
    /// error) is finite. Returns how many of the four tests were defined.
    fn assert_cox_finite(what: &str, fit: &CoxFit) -> usize {
        assert_finite(what, fit);
        assert_finite(&format!("{what}: concordance"), &fit.concordance);
        assert_finite(&format!("{what}: hazard ratios"), &fit.hazard_ratio);
        let mut defined = 0;
        for transform in [
            TimeTransform::Km,
            TimeTransform::Identity,
            TimeTransform::Rank,
            TimeTransform::Log,
        ] {
            match fit.zph(&ZphConfig { transform }) {
                Ok(zph) => {
                    assert_finite(&format!("{what}: zph {transform:?}"), &zph);
                    defined += 1;
                }
                Err(SurvivalError::SingularVariance | SurvivalError::NotFinite { .. }) => {}
                Err(e) => panic!("{what}: zph {transform:?}: unexpected error {e:?}"),
            }
        }
        defined
    }

    #[test]
    fn cox_on_degenerate_data_reports_no_nan() {
        let one = CoxConfig::default();
        let breslow = CoxConfig {
            ties: surv_engine::Ties::Breslow,
            ..CoxConfig::default()
        };
        /// Name, times, events, covariate, strata.
        type Case<'a> = (&'a str, &'a [f64], &'a [bool], &'a [f64], Option<&'a [u32]>);
        let cases: [Case; 10] = [
            (
                "one event",
                &T,
                &[false, false, true, false, false, false],
                &X,
                None,
            ),
            ("every event at one time", &[2.0; 6], &[true; 6], &X, None),
            (
                "events all tied, censored later",
                &[1.0, 1.0, 1.0, 5.0, 5.0, 5.0],
                &[true, true, true, false, false, false],
                &X,
                None,
            ),
            (
                "binary covariate, events only where x = 1",
                &[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0],
                &[false, true, false, true, false, true, false, true],
                &[0.0, 1.0, 0.0, 1.0, 0.0, 1.0, 0.0, 1.0],
                None,
            ),
            (
                "two subjects",
                &[1.0, 2.0],
                &[true, false],
                &[0.0, 1.0],
                None,
            ),
            (
                "time 0 events",
                &[0.0, 0.0, 1.0, 2.0],
                &[true, true, false, true],
                &[1.0, 0.0, 1.0, 0.0],
                None,
            ),
            (
                "one subject per stratum",
                &T,
                &E,
                &X,
                Some(&[0, 1, 2, 3, 4, 5]),
            ),
            (
                "events in one stratum only",
                &T,
                &[true, true, true, false, false, false],
                &X,
                Some(&[0, 0, 0, 1, 1, 1]),
            ),
            (
                "huge covariate",
                &T,
                &E,
                &[1e150, -1e150, 0.0, 1e150, 2e150, -1e150],
                None,
            ),
            (
                "tiny covariate",
                &T,
                &E,
                &[1e-150, -1e-150, 0.0, 1e-150, 2e-150, -1e-150],
                None,
            ),
        ];
        // A second covariate unrelated to the first.
        const W: [f64; 8] = [0.3, -1.2, 2.0, 0.7, -0.4, 1.1, -2.5, 0.9];
        let (mut fits, mut tests) = (0, 0);
        for (name, times, events, x, strata) in cases {
            for (ties, config) in [("efron", &one), ("breslow", &breslow)] {
                let mut d = data(times, events);
                if let Some(strata) = strata {
                    d = d.with_strata(strata).unwrap();
                }
                let w = &W[..times.len()];
                for columns in [vec![x], vec![x, w]] {
                    let what = format!("{name} ({ties}, {} covariates)", columns.len());
                    match cox_ph(&d, &columns, config) {
                        Ok(fit) => {
                            fits += 1;
                            tests += assert_cox_finite(&what, &fit);
                        }
                        Err(SurvivalError::SingularInformation) => {}
                        Err(e) => panic!("{what}: unexpected error {e:?}"),
                    }
                }
            }
        }
        // The checks above ran on real fits, not only on refusals.
        assert!(
            fits >= 20 && tests >= 20,
            "only {fits} fits and {tests} zph tests"
        );
    }

    #[test]
    fn permutation_and_power_reject_degenerate_input() {
        let config = PermutationConfig::default();
        assert_eq!(
            permutation_log_rank(&data(&T, &E), &config),
            Err(SurvivalError::NoGroups)
        );
        assert_eq!(
            permutation_log_rank(&grouped(&T, &E, &[0; 6]), &config),
            Err(SurvivalError::TooFewGroups { found: 1 })
        );
        assert_eq!(
            permutation_log_rank(&grouped(&T, &[false; 6], &[0, 1, 0, 1, 0, 1]), &config),
            Err(SurvivalError::NoEvents)
        );
        // An empty group is refused where the groups are given.
        assert_eq!(
            data(&T, &E).with_groups(&[0, 2, 0, 2, 0, 2]).unwrap_err(),
            SurvivalError::EmptyGroup { group: 1 }
        );
        let d = PowerConfig::default();
        for (name, result) in [
            ("hazard_ratio", power(0.0, 24.0, &d)),
            ("events", power(0.5, -1.0, &d)),
            (
                "allocation",
                power(
                    0.5,
                    24.0,
                    &PowerConfig {
                        allocation: 1.0,
                        ..d
                    },
                ),
            ),
            ("alpha", power(0.5, 24.0, &PowerConfig { alpha: 0.0, ..d })),
            ("power", events_required(0.5, 1.0, &d)),
            ("hazard_ratio", events_required(1.0, 0.8, &d)),
            ("events", minimal_detectable_hazard_ratio(f64::NAN, 0.8, &d)),
        ] {
            assert!(
                matches!(result, Err(SurvivalError::InvalidParameter { name: n, .. }) if n == name),
                "expected InvalidParameter for {name}, got {result:?}"
            );
        }
    }
}

/// Competing risks on degenerate cohorts: every fit and test is finite, and
/// the undefined is `None` or an error.
#[test]
fn competing_risks_on_degenerate_cohorts_report_no_nan() {
    use surv_engine::{CompetingRisksData, GrayConfig, cumulative_incidence, gray_test};

    let fit_of = |what: &str, times: &[f64], causes: &[u32], groups: Option<&[u32]>| {
        let mut d = CompetingRisksData::new(times, causes)
            .unwrap_or_else(|e| panic!("{what}: expected valid data, got: {e}"));
        if let Some(g) = groups {
            d = d
                .with_groups(g)
                .unwrap_or_else(|e| panic!("{what}: expected valid groups, got: {e}"));
        }
        let fit = cumulative_incidence(&d).unwrap_or_else(|e| panic!("{what}: {e}"));
        assert_finite(what, &fit);
        for curve in &fit.curves {
            let at = curve.at(&[f64::NAN, -1.0, 0.0, 1e300, f64::INFINITY]);
            // The requested time is echoed as given; what is read is finite.
            for a in &at {
                let read = [a.estimate, a.std_err];
                assert!(
                    read.iter().flatten().all(|x| x.is_finite()),
                    "{what}: {a:?}"
                );
            }
            assert_eq!((at[0].estimate, at[0].n_risk), (None, 0), "{what}: NaN");
            assert_eq!(at[4].estimate, None, "{what}: infinity");
        }
        if groups.is_some() {
            for rho in [0.0, 1.0, -2.0] {
                let tests = gray_test(&d, &GrayConfig { rho })
                    .unwrap_or_else(|e| panic!("{what}: Gray's test: {e}"));
                assert_finite(what, &tests);
            }
        }
        fit
    };

    // One subject with an event: the incidence jumps to 1 with no uncertainty.
    let one = fit_of("single event", &[5.0], &[1], None);
    let c = &one.curves[0];
    assert_eq!(
        (
            c.time.as_slice(),
            c.estimate.as_slice(),
            c.std_err.as_slice()
        ),
        (&[5.0][..], &[1.0][..], &[0.0][..])
    );
    // Only censorings: no cause to estimate.
    assert_error(
        "single censored",
        CompetingRisksData::new(&[5.0], &[0]),
        &SurvivalError::NoCauses,
    );
    // Everyone at one time, causes mixed: the incidences are the shares.
    let same = fit_of("one time", &[3.0; 5], &[1, 2, 2, 0, 1], None);
    assert_eq!(same.curves[0].estimate, [0.4]);
    assert_eq!(same.curves[1].estimate, [0.4]);
    // Events at time 0, huge and near-tied times (R merges 1 and 1 + 1e-9).
    fit_of(
        "time zero",
        &[0.0, 0.0, 1.0, 2.0],
        &[1, 2, 0, 1],
        Some(&[0, 1, 0, 1]),
    );
    fit_of(
        "huge times",
        &[1e300, 2e300, 3e300, 1e-300],
        &[1, 2, 1, 0],
        Some(&[0, 0, 1, 1]),
    );
    let merged = fit_of("near ties", &[1.0, 1.0 + 1e-9, 2.0], &[1, 2, 0], None);
    assert_eq!(merged.curves[0].time, [1.0, 2.0]);
    // A group with only censorings, and a group that empties at once.
    fit_of(
        "censored group",
        &[1.0, 2.0, 3.0, 4.0, 2.5, 3.5],
        &[1, 2, 1, 0, 0, 0],
        Some(&[0, 0, 0, 0, 1, 1]),
    );
    fit_of(
        "group ends at once",
        &[1.0, 1.0, 1.0, 2.0, 3.0, 4.0],
        &[1, 2, 1, 1, 0, 2],
        Some(&[0, 0, 0, 1, 1, 1]),
    );
    // Every event of one cause at one time in both groups: Gray's variance
    // for it may vanish; the test is then None, never NaN.
    fit_of(
        "all at once",
        &[2.0; 6],
        &[1, 1, 2, 1, 1, 2],
        Some(&[0, 0, 0, 1, 1, 1]),
    );
}
