//! Degenerate input gets a typed `SurvivalError`, never a panic, and the output
//! of a fit never holds NaN: undefined values are `None`.

use std::fmt::Debug;

use surv_engine::confint::z_for_level;
use surv_engine::followup::median_follow_up;
use surv_engine::km::{KmConfig, KmCurve, kaplan_meier, kaplan_meier_by_group};
use surv_engine::logrank::log_rank;
use surv_engine::{ConfType, SurvivalError};

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

/// Every entry point that validates `times` and `events`, run on the given
/// columns (groups alternate 0, 1, …).
fn every_entry_point(times: &[f64], events: &[bool]) -> Vec<(&'static str, SurvivalError)> {
    let groups: Vec<u32> = (0..times.len() as u32).map(|i| i % 2).collect();
    let strata = vec![0u32; times.len()];
    let cfg = KmConfig::default();
    vec![
        (
            "kaplan_meier",
            error_of("kaplan_meier", kaplan_meier(times, events, &cfg)),
        ),
        (
            "kaplan_meier_by_group",
            error_of(
                "kaplan_meier_by_group",
                kaplan_meier_by_group(times, events, &groups, &cfg),
            ),
        ),
        (
            "log_rank",
            error_of("log_rank", log_rank(times, events, &groups, None, 0.0)),
        ),
        (
            "stratified log_rank",
            error_of(
                "stratified log_rank",
                log_rank(times, events, &groups, Some(&strata), 1.0),
            ),
        ),
        (
            "median_follow_up",
            error_of("median_follow_up", median_follow_up(times, events, &cfg)),
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
    let curve = kaplan_meier(
        &[-0.0, 0.0, 1.0],
        &[true, false, true],
        &KmConfig::default(),
    )
    .unwrap_or_else(|e| panic!("expected -0.0 to be accepted as a time, got error: {e}"));
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
    let cfg = KmConfig::default();
    let mismatch = |column: &'static str, found: usize| SurvivalError::LengthMismatch {
        column,
        expected: times.len(),
        found,
    };
    for found in [0usize, 3, 5] {
        let short_events = vec![true; found];
        let short_codes = vec![0u32; found];
        assert_error(
            "kaplan_meier events",
            kaplan_meier(&times, &short_events, &cfg),
            &mismatch("events", found),
        );
        assert_error(
            "median_follow_up events",
            median_follow_up(&times, &short_events, &cfg),
            &mismatch("events", found),
        );
        assert_error(
            "kaplan_meier_by_group events",
            kaplan_meier_by_group(&times, &short_events, &groups, &cfg),
            &mismatch("events", found),
        );
        assert_error(
            "kaplan_meier_by_group groups",
            kaplan_meier_by_group(&times, &events, &short_codes, &cfg),
            &mismatch("groups", found),
        );
        assert_error(
            "log_rank events",
            log_rank(&times, &short_events, &groups, Some(&strata), 0.0),
            &mismatch("events", found),
        );
        assert_error(
            "log_rank groups",
            log_rank(&times, &events, &short_codes, Some(&strata), 0.0),
            &mismatch("groups", found),
        );
        assert_error(
            "log_rank strata",
            log_rank(&times, &events, &groups, Some(&short_codes), 0.0),
            &mismatch("strata", found),
        );
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
            &format!("kaplan_meier_by_group {groups:?}"),
            kaplan_meier_by_group(&times, &events, groups, &KmConfig::default()),
            &expected,
        );
        assert_error(
            &format!("log_rank {groups:?}"),
            log_rank(&times, &events, groups, None, 0.0),
            &expected,
        );
    }
}

#[test]
fn a_test_between_one_group_is_too_few_groups() {
    let times = [1.0, 2.0, 3.0];
    let events = [true, false, true];
    let groups = [0u32; 3];
    for rho in [0.0, 1.0] {
        assert_error(
            "log_rank",
            log_rank(&times, &events, &groups, None, rho),
            &SurvivalError::TooFewGroups { found: 1 },
        );
        assert_error(
            "stratified log_rank",
            log_rank(&times, &events, &groups, Some(&[0, 1, 1]), rho),
            &SurvivalError::TooFewGroups { found: 1 },
        );
    }
}

#[test]
fn a_test_without_events_is_no_events() {
    let times = [1.0, 2.0, 2.0, 5.0, 0.0];
    let events = [false; 5];
    let groups = [0u32, 1, 0, 1, 2];
    for rho in [0.0, 0.5, 1.0] {
        assert_error(
            "log_rank",
            log_rank(&times, &events, &groups, None, rho),
            &SurvivalError::NoEvents,
        );
        assert_error(
            "stratified log_rank",
            log_rank(&times, &events, &groups, Some(&[1, 0, 1, 0, 3]), rho),
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
    let test = log_rank(&times, &events, &groups, None, 0.0)
        .unwrap_or_else(|e| panic!("expected a test on 0 df, got error: {e}"));
    assert_eq!(
        (test.df, test.chisq, test.p_value),
        (0, 0.0, 1.0),
        "expected df 0, chisq 0 and p 1, got {:?}",
        test
    );
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
    for level in [0.0, 1.0, 1.5, f64::NAN, -0.5, f64::INFINITY, -0.0] {
        let results = [
            ("z_for_level", z_for_level(level).err()),
            (
                "kaplan_meier",
                kaplan_meier(&times, &events, &config(level)).err(),
            ),
            (
                "kaplan_meier_by_group",
                kaplan_meier_by_group(&times, &events, &groups, &config(level)).err(),
            ),
            (
                "median_follow_up",
                median_follow_up(&times, &events, &config(level)).err(),
            ),
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
            match log_rank(&times, &events, &groups, strata, rho) {
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
        &[2.0, 3.0, 5.0, 5.0],
        &[true, false, true, true],
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
        assert!(
            r.rmean.is_finite() && r.std_err.is_finite(),
            "tau {tau}: expected finite rmean and std_err, got {r:?}"
        );
    }
}

#[test]
fn trend_scores_must_be_one_finite_number_per_group() {
    let times = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0];
    let events = [true; 6];
    let test = log_rank(&times, &events, &[0, 0, 1, 1, 2, 2], None, 0.0)
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
    let curve = kaplan_meier(&[1.0, 2.0, 3.0, 4.0], &[true; 4], &KmConfig::default())
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
/// infinite.
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
    finite("conf_level", curve.conf_level);
    let columns = [
        ("time", &curve.time),
        ("survival", &curve.survival),
        ("cumhaz", &curve.cumhaz),
        ("std_chaz", &curve.std_chaz),
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
        ("std_err", &curve.std_err),
        ("std_err_log", &curve.std_err_log),
        ("lower", &curve.lower),
        ("upper", &curve.upper),
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
        finite("at() survival", row.survival);
        for x in [row.std_err, row.lower, row.upper] {
            finite_or_none("at() bound or std_err", x);
        }
    }
    let r = curve.restricted_mean(last).unwrap_or_else(|e| {
        panic!("{what}: expected a restricted mean at the last time, got error: {e}")
    });
    finite("rmean", r.rmean);
    finite("rmean std_err", r.std_err);
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
                let curve = kaplan_meier(times, events, &cfg)
                    .unwrap_or_else(|e| panic!("{what}: expected a curve, got error: {e}"));
                assert_no_nan(&what, &curve);
                let follow_up = median_follow_up(times, events, &cfg)
                    .unwrap_or_else(|e| panic!("{what}: expected a follow-up, got error: {e}"));
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
fn error_messages_are_lower_case_first_without_a_trailing_period() {
    let times = [1.0, 2.0];
    let mut errors: Vec<SurvivalError> = vec![
        error_of("empty", kaplan_meier(&[], &[], &KmConfig::default())),
        error_of(
            "mismatch",
            kaplan_meier(&times, &[true], &KmConfig::default()),
        ),
        error_of(
            "NaN time",
            kaplan_meier(&[f64::NAN], &[true], &KmConfig::default()),
        ),
        error_of(
            "negative time",
            kaplan_meier(&[-1.0], &[true], &KmConfig::default()),
        ),
        error_of(
            "empty group",
            log_rank(&times, &[true; 2], &[0, 2], None, 0.0),
        ),
        error_of(
            "one group",
            log_rank(&times, &[true; 2], &[0, 0], None, 0.0),
        ),
        error_of(
            "no events",
            log_rank(&times, &[false; 2], &[0, 1], None, 0.0),
        ),
        error_of("conf_level", kaplan_meier(&times, &[true; 2], &config(1.5))),
        error_of("rho", log_rank(&times, &[true; 2], &[0, 1], None, f64::NAN)),
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
        "kaplan_meier_by_group with code u32::MAX",
        kaplan_meier_by_group(&times, &events, &groups, &KmConfig::default()),
        &SurvivalError::EmptyGroup { group: 1 },
    );
    assert_error(
        "log_rank with code u32::MAX",
        log_rank(&times, &events, &groups, None, 0.0),
        &SurvivalError::EmptyGroup { group: 1 },
    );
    // Empty strata are allowed: sparse stratum codes are renumbered, not tabulated.
    let sparse = log_rank(
        &times,
        &events,
        &[0, 1, 1],
        Some(&[0, u32::MAX, u32::MAX]),
        0.0,
    );
    let dense = log_rank(&times, &events, &[0, 1, 1], Some(&[0, 1, 1]), 0.0);
    assert_eq!(
        sparse, dense,
        "expected sparse strata codes to act like dense ones"
    );
}

#[test]
fn trend_with_equal_scores_is_singular_not_rounding_noise() {
    // Smallest case where cᵀVc came out as 1.1e-16 instead of 0.
    let test = log_rank(
        &[2.0, 1.0, 2.0],
        &[true, true, false],
        &[0, 1, 0],
        None,
        0.0,
    )
    .unwrap();
    assert_error(
        "trend with scores (1, 1)",
        test.trend(&[1.0, 1.0]),
        &SurvivalError::SingularVariance,
    );
}

mod regression {
    use surv_engine::SurvivalError;
    use surv_engine::cox::{CoxConfig, CoxWarning, cox_ph};
    use surv_engine::permutation::{PermutationConfig, permutation_log_rank};
    use surv_engine::power::{Design, events_required, minimal_detectable_hazard_ratio, power};

    const T: [f64; 6] = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0];
    const E: [bool; 6] = [true, false, true, true, false, true];
    const X: [f64; 6] = [0.5, 1.0, 0.0, 2.0, 1.5, 0.2];

    fn cox_error(times: &[f64], events: &[bool], x: &[&[f64]]) -> SurvivalError {
        cox_ph(times, events, x, None, &CoxConfig::default()).expect_err("expected an error")
    }

    #[test]
    fn cox_rejects_degenerate_input_with_typed_errors() {
        assert_eq!(cox_error(&[], &[], &[&[]]), SurvivalError::Empty);
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
            cox_ph(&T, &E, &[&X], Some(&strata), &CoxConfig::default()),
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
            cox_ph(&T, &E, &[&X], None, &config),
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
        let fit = cox_ph(&times, &events, &[&x], None, &CoxConfig::default()).unwrap();
        assert_eq!(
            fit.warnings,
            vec![CoxWarning::NotConverged { iterations: 21 }]
        );
        assert!(
            (fit.coef[0] - -21.2028947707468).abs() < 1e-9 * 21.2,
            "expected R's coefficient -21.2028947707468, got {}",
            fit.coef[0]
        );
        let short = CoxConfig {
            max_iter: 2,
            ..CoxConfig::default()
        };
        let fit = cox_ph(&times, &events, &[&x], None, &short).unwrap();
        assert_eq!(
            fit.warnings,
            vec![CoxWarning::NotConverged { iterations: 3 }]
        );
        assert!(fit.coef.iter().chain(&fit.se).all(|v| v.is_finite()));
    }

    #[test]
    fn permutation_and_power_reject_degenerate_input() {
        let config = PermutationConfig::default();
        assert_eq!(
            permutation_log_rank(&T, &E, &[0; 6], &config),
            Err(SurvivalError::TooFewGroups { found: 1 })
        );
        assert_eq!(
            permutation_log_rank(&T, &[false; 6], &[0, 1, 0, 1, 0, 1], &config),
            Err(SurvivalError::NoEvents)
        );
        assert_eq!(
            permutation_log_rank(&T, &E, &[0, 2, 0, 2, 0, 2], &config),
            Err(SurvivalError::EmptyGroup { group: 1 })
        );
        let d = Design::default();
        for (name, result) in [
            ("hazard_ratio", power(0.0, 24.0, &d)),
            ("events", power(0.5, -1.0, &d)),
            (
                "allocation",
                power(
                    0.5,
                    24.0,
                    &Design {
                        allocation: 1.0,
                        ..d
                    },
                ),
            ),
            ("alpha", power(0.5, 24.0, &Design { alpha: 0.0, ..d })),
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
