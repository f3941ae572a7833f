//! Kaplan-Meier against R's survfit, summary.survfit, quantile.survfit and
//! print.survfit (fixtures/golden/km.json), every number at VS_R_REL.

mod common;

use common::{Report, codes, num, nums, read_dataset, read_json};
use serde_json::Value;
use surv_engine::{
    ConfType, KmConfig, KmCurve, QuantileEstimate, SurvivalAt, SurvivalData, SurvivalError,
    kaplan_meier, kaplan_meier_by_group, median_follow_up,
};

fn some(v: &[f64]) -> Vec<Option<f64>> {
    v.iter().map(|&x| Some(x)).collect()
}

fn counts(v: &[usize]) -> Vec<Option<f64>> {
    v.iter().map(|&x| Some(x as f64)).collect()
}

fn fit_case(case: &Value) -> Vec<KmCurve> {
    let data = read_dataset(case["data_file"].as_str().unwrap());
    let config = KmConfig {
        conf_type: case["conf_type"]
            .as_str()
            .unwrap()
            .parse::<ConfType>()
            .unwrap(),
        conf_level: case["conf_level"].as_f64().unwrap(),
    };
    let survival = SurvivalData::new(&data.time, &data.event).unwrap();
    if case["by_group"].as_bool().unwrap() {
        let levels: Vec<String> = case["curves"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["group"].as_str().unwrap().to_owned())
            .collect();
        let groups = codes(&data.group, &levels);
        kaplan_meier_by_group(&survival.with_groups(&groups).unwrap(), &config).unwrap()
    } else {
        vec![kaplan_meier(&survival, &config).unwrap()]
    }
}

fn check_quantile(
    r: &mut Report,
    ctx: &str,
    expected: (&Value, &Value, &Value),
    got: QuantileEstimate,
) {
    r.value(&format!("{ctx} time"), num(expected.0), got.time);
    r.value(&format!("{ctx} lower"), num(expected.1), got.lower);
    r.value(&format!("{ctx} upper"), num(expected.2), got.upper);
}

/// `curve.at(requested)` against R's `summary(fit, times = requested)`. R
/// keeps only the requested times up to the last observed time; we keep every
/// requested time, in the order asked. Each of R's rows is matched by time with
/// the entry for that requested time (a row that matches none fails), and each
/// requested time R left out must be past the last observed time and read "not
/// estimated": n_risk 0 and survival, std_err and bounds `None`.
fn check_at(r: &mut Report, dropped: &mut Report, ctx: &str, curve: &KmCurve, at: &Value) {
    let requested: Vec<f64> = nums(&at["requested"])
        .into_iter()
        .map(|t| t.unwrap_or_else(|| panic!("{ctx}: a requested time is null")))
        .collect();
    let got = curve.at(&requested);
    assert_eq!(
        got.len(),
        requested.len(),
        "{ctx}: expected one entry per requested time"
    );
    for (i, (entry, &t)) in got.iter().zip(&requested).enumerate() {
        assert_eq!(
            entry.time.to_bits(),
            t.to_bits(),
            "{ctx}: entry {i} should be for requested time {t}, in the order asked"
        );
    }
    let r_times: Vec<f64> = nums(&at["time"])
        .into_iter()
        .map(|t| t.unwrap_or_else(|| panic!("{ctx}: a time of R's rows is null")))
        .collect();
    /// A column of R's rows and how to read it from an entry.
    type Column = (&'static str, fn(&SurvivalAt) -> Option<f64>);
    let columns: [Column; 7] = [
        ("n_risk", |a| Some(a.n_risk as f64)),
        ("n_event", |a| Some(a.n_event as f64)),
        ("n_censor", |a| Some(a.n_censor as f64)),
        ("surv", |a| a.survival),
        ("std_err", |a| a.std_err),
        ("lower", |a| a.lower),
        ("upper", |a| a.upper),
    ];
    let expected: Vec<Vec<Option<f64>>> = columns
        .iter()
        .map(|(key, _)| {
            let column = nums(&at[*key]);
            assert_eq!(
                column.len(),
                r_times.len(),
                "{ctx}: R's `at` column {key} has {} rows, its times {}",
                column.len(),
                r_times.len()
            );
            column
        })
        .collect();
    let mut matched = vec![false; requested.len()];
    for (row, &t) in r_times.iter().enumerate() {
        let Some(i) = requested.iter().position(|&q| q == t) else {
            r.failures.push(format!(
                "{ctx} at: R has a row for time {t}, which was not requested {requested:?}"
            ));
            continue;
        };
        if std::mem::replace(&mut matched[i], true) {
            r.failures
                .push(format!("{ctx} at: R has two rows for time {t}"));
        }
        let entry = &got[i];
        r.value(&format!("{ctx} at[{t}] time"), Some(t), Some(entry.time));
        for ((key, read), column) in columns.iter().zip(&expected) {
            r.value(&format!("{ctx} at[{t}] {key}"), column[row], read(entry));
        }
    }
    let last = curve.last_time();
    for (entry, _) in got.iter().zip(&matched).filter(|(_, m)| !**m) {
        let t = entry.time;
        dropped.checked += 1;
        if t.is_nan() || t <= last {
            dropped.failures.push(format!(
                "{ctx} at: R left out time {t}, which is not past the last observed time {last}"
            ));
        }
        let not_estimated = (
            entry.n_risk,
            entry.survival,
            entry.std_err,
            entry.lower,
            entry.upper,
        );
        if not_estimated != (0, None, None, None, None) {
            dropped.failures.push(format!(
                "{ctx} at: time {t} is past the end (R has no row); expected n_risk 0 and no \
                 estimate, got (n_risk, survival, std_err, lower, upper) = {not_estimated:?}"
            ));
        }
    }
}

#[test]
fn kaplan_meier_matches_r() {
    let golden = read_json("km.json");
    let cases = golden["cases"].as_array().unwrap();
    assert!(
        cases.len() >= 50,
        "expected the full set of golden cases, found {}",
        cases.len()
    );
    let mut r = Report::default();
    // Requested times R leaves out of `summary(fit, times =)` (past the last
    // observed time), checked as "not estimated" here.
    let mut dropped = Report::default();
    for case in cases {
        let id = case["id"].as_str().unwrap();
        let curves = fit_case(case);
        let expected_curves = case["curves"].as_array().unwrap();
        assert_eq!(
            curves.len(),
            expected_curves.len(),
            "{id}: number of curves"
        );
        // R's "common" restricted-mean horizon: the largest last time over all curves.
        let common_tau = curves.iter().map(KmCurve::last_time).fold(0.0, f64::max);
        for (curve, e) in curves.iter().zip(expected_curves) {
            let ctx = format!("{id} [{}]", e["group"]);
            r.value(&format!("{ctx} n"), num(&e["n"]), Some(curve.n as f64));
            r.value(
                &format!("{ctx} events"),
                num(&e["events"]),
                Some(curve.n_events as f64),
            );
            r.series(
                &format!("{ctx} time"),
                &nums(&e["time"]),
                &some(&curve.time),
            );
            r.series(
                &format!("{ctx} n_risk"),
                &nums(&e["n_risk"]),
                &counts(&curve.n_risk),
            );
            r.series(
                &format!("{ctx} n_event"),
                &nums(&e["n_event"]),
                &counts(&curve.n_event),
            );
            r.series(
                &format!("{ctx} n_censor"),
                &nums(&e["n_censor"]),
                &counts(&curve.n_censor),
            );
            r.series(
                &format!("{ctx} surv"),
                &nums(&e["surv"]),
                &some(&curve.survival),
            );
            r.series(
                &format!("{ctx} std_err"),
                &nums(&e["std_err"]),
                &common::computed(curve, KmCurve::std_err),
            );
            r.series(
                &format!("{ctx} std_err_cumhaz"),
                &nums(&e["std_err_cumhaz"]),
                &common::computed(curve, KmCurve::std_err_log),
            );
            r.series(
                &format!("{ctx} std_chaz"),
                &nums(&e["std_chaz"]),
                &some(&curve.std_err_cumhaz),
            );
            r.series(
                &format!("{ctx} lower"),
                &nums(&e["lower"]),
                &common::computed(curve, KmCurve::lower),
            );
            r.series(
                &format!("{ctx} upper"),
                &nums(&e["upper"]),
                &common::computed(curve, KmCurve::upper),
            );
            r.series(
                &format!("{ctx} cumhaz"),
                &nums(&e["cumhaz"]),
                &some(&curve.cumhaz),
            );

            check_quantile(
                &mut r,
                &format!("{ctx} median"),
                (&e["median"], &e["median_lower"], &e["median_upper"]),
                curve.median(),
            );
            for q in e["quantiles"].as_array().unwrap() {
                let p = q["p"].as_f64().unwrap();
                let got = curve.quantile(p).unwrap();
                check_quantile(
                    &mut r,
                    &format!("{ctx} quantile {p}"),
                    (&q["time"], &q["lower"], &q["upper"]),
                    got,
                );
            }

            for (key, tau) in [
                ("rmean", e["rmean"]["tau"].as_f64().unwrap()),
                ("rmean_common", common_tau),
            ] {
                let expected = &e[key];
                r.value(
                    &format!("{ctx} {key} tau"),
                    num(&expected["tau"]),
                    Some(tau),
                );
                match curve.restricted_mean(tau) {
                    Ok(m) => {
                        r.value(
                            &format!("{ctx} {key}"),
                            num(&expected["rmean"]),
                            Some(m.rmean),
                        );
                        r.value(
                            &format!("{ctx} {key} se"),
                            num(&expected["se"]),
                            Some(m.std_err),
                        );
                    }
                    Err(SurvivalError::InvalidParameter { name: "tau", .. }) => {
                        // R refuses a horizon before the first time; so must we.
                        assert!(
                            expected["error"].is_string(),
                            "{ctx} {key}: refused tau {tau} that R accepted"
                        );
                        r.value(&format!("{ctx} {key}"), num(&expected["rmean"]), None);
                        r.value(&format!("{ctx} {key} se"), num(&expected["se"]), None);
                    }
                    Err(other) => panic!("{ctx} {key}: {other}"),
                }
            }

            check_at(&mut r, &mut dropped, &ctx, curve, &e["at"]);
        }
    }
    r.finish("Kaplan-Meier");
    dropped.finish("Kaplan-Meier times past the end, which R leaves out");
}

#[test]
fn reverse_km_follow_up_matches_r() {
    let golden = read_json("km.json");
    let mut r = Report::default();
    for e in golden["reverse_km_followup"].as_array().unwrap() {
        let ctx = e["dataset"].as_str().unwrap();
        let data = read_dataset(e["data_file"].as_str().unwrap());
        let f = median_follow_up(
            &SurvivalData::new(&data.time, &data.event).unwrap(),
            &KmConfig::default(),
        )
        .unwrap();
        check_quantile(
            &mut r,
            &format!("{ctx} reverse KM median"),
            (&e["median"], &e["median_lower"], &e["median_upper"]),
            f.reverse_km,
        );
        r.value(
            &format!("{ctx} median observed time"),
            num(&e["median_observed_time"]),
            Some(f.median_observed),
        );
    }
    r.finish("reverse Kaplan-Meier");
}

#[test]
fn at_keeps_the_order_asked_and_repeated_times() {
    // aml, both arms pooled: last observed time 161.
    let golden = read_json("km.json");
    let case = golden["cases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "aml/overall/log/0.95")
        .expect("the aml/overall/log/0.95 case");
    let curve = &fit_case(case)[0];
    assert_eq!(curve.last_time(), 161.0);
    let estimate = |a: &SurvivalAt| (a.n_risk, a.survival, a.std_err, a.lower, a.upper);

    let got = curve.at(&[48.0, 12.0, 600.0, 12.0]);
    let times: Vec<f64> = got.iter().map(|a| a.time).collect();
    assert_eq!(
        times,
        [48.0, 12.0, 600.0, 12.0],
        "entries in the order asked"
    );
    assert_eq!(got[1], got[3], "a repeated time repeats its entry");
    assert_eq!(got[1], curve.at(&[12.0])[0], "12 reads what it reads alone");
    let alone_48 = curve.at(&[48.0])[0];
    assert_eq!(estimate(&got[0]), estimate(&alone_48));
    // Event counts run from the next earlier requested time: 48's from 12 on.
    assert_eq!(got[0].n_event + got[1].n_event, alone_48.n_event);
    assert_eq!(got[0].n_censor + got[1].n_censor, alone_48.n_censor);
    assert!(got[0].n_event > 0 && got[1].n_event > 0);
    assert_eq!(
        estimate(&got[2]),
        (0, None, None, None, None),
        "600 is past the end"
    );
    for (i, a) in got.iter().enumerate().filter(|&(i, _)| i != 2) {
        let s = a
            .survival
            .unwrap_or_else(|| panic!("entry {i} ({}) has no estimate", a.time));
        let row = curve.time.iter().rposition(|&t| t <= a.time).unwrap();
        assert_eq!(
            s, curve.survival[row],
            "entry {i} reads the step in force at {}",
            a.time
        );
    }

    // The same with times R reported: summary(fit, times = c(27, 28, 51.8, 114))
    // gives n.event 11, 0, 7, 0 and n.censor 2, 1, 1, 0; asked as 51.8, 27,
    // 600, 27, the entry for 51.8 counts the events after 27 (0 + 7) and the
    // censorings (1 + 1).
    let r_at = &case["curves"][0]["at"];
    let r_row = |t: f64| {
        nums(&r_at["time"])
            .iter()
            .position(|&x| x == Some(t))
            .unwrap_or_else(|| panic!("R has no row for {t}"))
    };
    let got = curve.at(&[51.8, 27.0, 600.0, 27.0]);
    assert_eq!(
        got.iter().map(|a| a.time).collect::<Vec<_>>(),
        [51.8, 27.0, 600.0, 27.0]
    );
    assert_eq!(got[1], got[3]);
    let mut r = Report::default();
    for (entry, t) in [(&got[0], 51.8), (&got[1], 27.0), (&got[3], 27.0)] {
        let row = r_row(t);
        let column = |key: &str| nums(&r_at[key])[row];
        r.value(
            &format!("{t} n_risk"),
            column("n_risk"),
            Some(entry.n_risk as f64),
        );
        r.value(&format!("{t} surv"), column("surv"), entry.survival);
        r.value(&format!("{t} std_err"), column("std_err"), entry.std_err);
        r.value(&format!("{t} lower"), column("lower"), entry.lower);
        r.value(&format!("{t} upper"), column("upper"), entry.upper);
    }
    r.value("27 n_event", Some(11.0), Some(got[1].n_event as f64));
    r.value("27 n_censor", Some(2.0), Some(got[1].n_censor as f64));
    r.value(
        "51.8 n_event after 27",
        Some(7.0),
        Some(got[0].n_event as f64),
    );
    r.value(
        "51.8 n_censor after 27",
        Some(2.0),
        Some(got[0].n_censor as f64),
    );
    assert_eq!(estimate(&got[2]), (0, None, None, None, None));
    r.finish("at() in the order asked");
}
