//! Kaplan-Meier against R's survfit, summary.survfit, quantile.survfit and
//! print.survfit (fixtures/golden/km.json), every number at VS_R_REL.

mod common;

use common::{Report, codes, num, nums, read_dataset, read_json};
use serde_json::Value;
use surv_engine::followup::median_follow_up;
use surv_engine::km::{KmConfig, KmCurve, kaplan_meier, kaplan_meier_by_group};
use surv_engine::quantile::QuantileEstimate;
use surv_engine::{ConfType, SurvivalError};

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
    if case["by_group"].as_bool().unwrap() {
        let levels: Vec<String> = case["curves"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["group"].as_str().unwrap().to_owned())
            .collect();
        kaplan_meier_by_group(
            &data.time,
            &data.event,
            &codes(&data.group, &levels),
            &config,
        )
        .unwrap()
    } else {
        vec![kaplan_meier(&data.time, &data.event, &config).unwrap()]
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
                &curve.std_err,
            );
            r.series(
                &format!("{ctx} std_err_cumhaz"),
                &nums(&e["std_err_cumhaz"]),
                &curve.std_err_log,
            );
            r.series(
                &format!("{ctx} std_chaz"),
                &nums(&e["std_chaz"]),
                &some(&curve.std_chaz),
            );
            r.series(&format!("{ctx} lower"), &nums(&e["lower"]), &curve.lower);
            r.series(&format!("{ctx} upper"), &nums(&e["upper"]), &curve.upper);
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
                    }
                    Err(other) => panic!("{ctx} {key}: {other}"),
                }
            }

            let at = &e["at"];
            let requested: Vec<f64> = nums(&at["requested"])
                .into_iter()
                .map(Option::unwrap)
                .collect();
            let got = curve.at(&requested);
            r.series(
                &format!("{ctx} at time"),
                &nums(&at["time"]),
                &got.iter().map(|a| Some(a.time)).collect::<Vec<_>>(),
            );
            if got.len() == nums(&at["time"]).len() {
                let col = |f: fn(&surv_engine::at_times::SurvivalAt) -> Option<f64>| {
                    got.iter().map(f).collect::<Vec<_>>()
                };
                r.series(
                    &format!("{ctx} at n_risk"),
                    &nums(&at["n_risk"]),
                    &col(|a| Some(a.n_risk as f64)),
                );
                r.series(
                    &format!("{ctx} at n_event"),
                    &nums(&at["n_event"]),
                    &col(|a| Some(a.n_event as f64)),
                );
                r.series(
                    &format!("{ctx} at n_censor"),
                    &nums(&at["n_censor"]),
                    &col(|a| Some(a.n_censor as f64)),
                );
                r.series(
                    &format!("{ctx} at surv"),
                    &nums(&at["surv"]),
                    &col(|a| Some(a.survival)),
                );
                r.series(
                    &format!("{ctx} at std_err"),
                    &nums(&at["std_err"]),
                    &col(|a| a.std_err),
                );
                r.series(
                    &format!("{ctx} at lower"),
                    &nums(&at["lower"]),
                    &col(|a| a.lower),
                );
                r.series(
                    &format!("{ctx} at upper"),
                    &nums(&at["upper"]),
                    &col(|a| a.upper),
                );
            }
        }
    }
    r.finish("Kaplan-Meier");
}

#[test]
fn reverse_km_follow_up_matches_r() {
    let golden = read_json("km.json");
    let mut r = Report::default();
    for e in golden["reverse_km_followup"].as_array().unwrap() {
        let ctx = e["dataset"].as_str().unwrap();
        let data = read_dataset(e["data_file"].as_str().unwrap());
        let f = median_follow_up(&data.time, &data.event, &KmConfig::default()).unwrap();
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
