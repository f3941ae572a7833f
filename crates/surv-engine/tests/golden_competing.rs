//! Competing risks against R: every number of `fixtures/golden/competing.json`
//! (written by `generate_competing.R`). The curves are survival's
//! `survfit(Surv(time, factor(status)) ~ group)` (or `~ 1`) and
//! `summary(fit, times =)`, with cmprsk's `timepoints(cuminc(...))` estimates
//! at the same times; the tests are `cmprsk::cuminc(...)$Tests`, rho 0 and 1.

mod common;

use common::finite::assert_finite;
use common::{Report, golden_dir, nums, read_json, strings};
use serde_json::Value;
use surv_engine::{
    CompetingRisksData, CumulativeIncidence, GrayConfig, GrayTest, cumulative_incidence, gray_test,
};

/// One dataset of `fixtures/golden/data/competing`: `time,status,group`.
struct Dataset {
    time: Vec<f64>,
    cause: Vec<u32>,
    group: Vec<String>,
}

fn read_dataset(relative: &str) -> Dataset {
    let path = golden_dir().join(relative);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some("time,status,group"),
        "{}",
        path.display()
    );
    let mut d = Dataset {
        time: vec![],
        cause: vec![],
        group: vec![],
    };
    for (i, line) in lines.enumerate() {
        let f: Vec<&str> = line.split(',').collect();
        let at = || format!("{}:{}: {line}", path.display(), i + 2);
        assert_eq!(f.len(), 3, "{}", at());
        d.time
            .push(f[0].parse().unwrap_or_else(|_| panic!("{}", at())));
        d.cause
            .push(f[1].parse().unwrap_or_else(|_| panic!("{}", at())));
        d.group.push(f[2].to_owned());
    }
    d
}

fn counts(v: &Value) -> Vec<Option<f64>> {
    nums(v)
}

fn as_f64(v: &[usize]) -> Vec<Option<f64>> {
    v.iter().map(|&x| Some(x as f64)).collect()
}

/// The fit and the tests of one case, on its data file.
struct Fitted {
    fit: CumulativeIncidence,
    gray: Option<[Vec<GrayTest>; 2]>,
}

fn fit_case(case: &Value) -> Fitted {
    let id = case["id"].as_str().unwrap();
    let d = read_dataset(case["data_file"].as_str().unwrap());
    let by_group = case["by_group"].as_bool().unwrap();
    let codes: Vec<u32> = if by_group {
        common::codes(&d.group, &strings(&case["groups"]))
    } else {
        vec![]
    };
    let mut data = CompetingRisksData::new(&d.time, &d.cause)
        .unwrap_or_else(|e| panic!("{id}: data refused: {e}"));
    if by_group {
        data = data
            .with_groups(&codes)
            .unwrap_or_else(|e| panic!("{id}: groups refused: {e}"));
    }
    let fit = cumulative_incidence(&data).unwrap_or_else(|e| panic!("{id}: {e}"));
    assert_finite(id, &fit);
    let gray = by_group.then(|| {
        [0.0, 1.0].map(|rho| {
            let tests = gray_test(&data, &GrayConfig { rho })
                .unwrap_or_else(|e| panic!("{id}: Gray's test, rho {rho}: {e}"));
            assert_finite(id, &tests);
            tests
        })
    });
    Fitted { fit, gray }
}

#[test]
fn cumulative_incidence_matches_survfit_and_cuminc() {
    let golden = read_json("competing.json");
    let mut report = Report::default();
    for case in golden["cases"].as_array().unwrap() {
        let id = case["id"].as_str().unwrap();
        let fitted = fit_case(case);
        let expected = case["curves"].as_array().unwrap();
        report.value(
            &format!("{id}: number of curves"),
            Some(expected.len() as f64),
            Some(fitted.fit.curves.len() as f64),
        );
        let groups = case["groups"].as_array().map(|_| strings(&case["groups"]));
        let requested: Vec<f64> = nums(&case["requested"]).into_iter().flatten().collect();
        for (r, ours) in expected.iter().zip(&fitted.fit.curves) {
            let label = r["group"].as_str().unwrap_or("(all)");
            let cause = r["cause"].as_u64().unwrap() as u32;
            let ours_label = match (&groups, ours.group) {
                (Some(levels), Some(g)) => levels[g as usize].as_str(),
                (None, None) => "(all)",
                _ => "(group mismatch)",
            };
            let ctx = format!("{id} group {label} cause {cause}");
            assert_eq!(
                (ours_label, ours.cause),
                (label, cause),
                "{ctx}: curves out of order"
            );
            report.value(&format!("{ctx} n"), r["n"].as_f64(), Some(ours.n as f64));
            let time: Vec<Option<f64>> = ours.time.iter().map(|&t| Some(t)).collect();
            report.series(&format!("{ctx} time"), &nums(&r["time"]), &time);
            report.series(
                &format!("{ctx} n_risk"),
                &counts(&r["n_risk"]),
                &as_f64(&ours.n_risk),
            );
            report.series(
                &format!("{ctx} n_event"),
                &counts(&r["n_event"]),
                &as_f64(&ours.n_event),
            );
            let estimate: Vec<Option<f64>> = ours.estimate.iter().map(|&x| Some(x)).collect();
            report.series(&format!("{ctx} estimate"), &nums(&r["estimate"]), &estimate);
            let std_err: Vec<Option<f64>> = ours.std_err.iter().map(|&x| Some(x)).collect();
            report.series(&format!("{ctx} std_err"), &nums(&r["std_err"]), &std_err);
            report.value(
                &format!("{ctx} n_events"),
                Some(nums(&r["n_event"]).into_iter().flatten().sum()),
                Some(ours.n_events as f64),
            );

            // summary(fit, times =) returns the requested times up to the
            // curve's last time; ours has every one, `None` past the end.
            let at = ours.at(&requested);
            let (inside, beyond): (Vec<&surv_engine::IncidenceAt>, Vec<_>) =
                at.iter().partition(|a| a.time <= ours.last_time());
            for a in &beyond {
                report.value(
                    &format!("{ctx} at {} (past the end)", a.time),
                    None,
                    a.estimate,
                );
                report.value(
                    &format!("{ctx} at {} std_err (past the end)", a.time),
                    None,
                    a.std_err,
                );
                report.value(
                    &format!("{ctx} at {} n_risk (past the end)", a.time),
                    Some(0.0),
                    Some(a.n_risk as f64),
                );
            }
            let rat = &r["at"];
            let column = |f: fn(&surv_engine::IncidenceAt) -> Option<f64>| -> Vec<Option<f64>> {
                inside.iter().map(|a| f(a)).collect()
            };
            report.series(
                &format!("{ctx} at time"),
                &nums(&rat["time"]),
                &column(|a| Some(a.time)),
            );
            report.series(
                &format!("{ctx} at n_risk"),
                &nums(&rat["n_risk"]),
                &column(|a| Some(a.n_risk as f64)),
            );
            report.series(
                &format!("{ctx} at n_event"),
                &nums(&rat["n_event"]),
                &column(|a| Some(a.n_event as f64)),
            );
            report.series(
                &format!("{ctx} at estimate"),
                &nums(&rat["estimate"]),
                &column(|a| a.estimate),
            );
            report.series(
                &format!("{ctx} at std_err"),
                &nums(&rat["std_err"]),
                &column(|a| a.std_err),
            );
            // cmprsk's own estimate at every requested time (NA past the end).
            let all: Vec<Option<f64>> = at.iter().map(|a| a.estimate).collect();
            report.series(
                &format!("{ctx} cuminc estimate at {requested:?}"),
                &nums(&r["cuminc_estimate"]),
                &all,
            );
        }
    }
    report.finish("competing.json curves");
}

#[test]
fn gray_test_matches_cuminc() {
    let golden = read_json("competing.json");
    let mut report = Report::default();
    for case in golden["cases"].as_array().unwrap() {
        let id = case["id"].as_str().unwrap();
        let fitted = fit_case(case);
        let (Some(expected), Some(ours)) = (case["gray"].as_object(), fitted.gray) else {
            assert!(
                case["gray"].is_null() && !case["by_group"].as_bool().unwrap(),
                "{id}: Gray's tests in the golden file and the fit disagree on whether there are any"
            );
            continue;
        };
        for (name, tests) in [("rho0", &ours[0]), ("rho1", &ours[1])] {
            let rows = expected[name].as_array().unwrap();
            assert_eq!(rows.len(), tests.len(), "{id} {name}: number of causes");
            for (r, t) in rows.iter().zip(tests) {
                let ctx = format!("{id} {name} cause {}", r["cause"]);
                report.value(
                    &format!("{ctx} cause"),
                    r["cause"].as_f64(),
                    Some(f64::from(t.cause)),
                );
                report.value(
                    &format!("{ctx} statistic"),
                    common::num(&r["statistic"]),
                    t.test.map(|x| x.statistic),
                );
                report.value(
                    &format!("{ctx} p_value"),
                    common::num(&r["p_value"]),
                    t.test.map(|x| x.p_value),
                );
                // R gives df even when the variance is singular; ours is in the test.
                if let Some(x) = t.test {
                    report.value(&format!("{ctx} df"), r["df"].as_f64(), Some(x.df as f64));
                }
            }
        }
    }
    report.finish("competing.json Gray tests");
}
