//! The G-rho tests against R's survdiff (fixtures/golden/logrank.json).

mod common;

use common::{Report, codes, num, nums, read_dataset, read_json, strings};
use surv_engine::{LogRankConfig, SurvivalData, SurvivalError, log_rank};

fn strata_codes(labels: &[String]) -> Vec<u32> {
    let mut levels: Vec<String> = labels.to_vec();
    levels.sort();
    levels.dedup();
    codes(labels, &levels)
}

#[test]
fn survdiff_matches_r() {
    let golden = read_json("logrank.json");
    let cases = golden["cases"].as_array().unwrap();
    assert!(
        cases.len() >= 40,
        "expected the full set of golden cases, found {}",
        cases.len()
    );
    let mut r = Report::default();
    for case in cases {
        let id = case["id"].as_str().unwrap();
        let data = read_dataset(case["data_file"].as_str().unwrap());
        let groups = codes(&data.group, &strings(&case["groups"]));
        let strata = case["stratified"]
            .as_bool()
            .unwrap()
            .then(|| strata_codes(&data.strata));
        let rho = case["rho"].as_f64().unwrap();
        let mut survival = SurvivalData::new(&data.time, &data.event)
            .and_then(|d| d.with_groups(&groups))
            .unwrap_or_else(|e| panic!("{id}: {e}"));
        if let Some(strata) = &strata {
            survival = survival
                .with_strata(strata)
                .unwrap_or_else(|e| panic!("{id}: {e}"));
        }
        let test = match log_rank(&survival, &LogRankConfig { rho }) {
            Ok(t) => t,
            Err(SurvivalError::NoEvents) => {
                // R returns chisq 0 on -1 df and a NaN p-value: no test exists.
                assert_eq!(
                    case["df"].as_i64(),
                    Some(-1),
                    "{id}: NoEvents but R found events"
                );
                assert!(case["p_value"].is_null(), "{id}");
                r.checked += 1;
                continue;
            }
            Err(e) => panic!("{id}: {e}"),
        };
        let k = test.n.len();
        r.series(
            &format!("{id} n"),
            &nums(&case["n"]),
            &test.n.iter().map(|&x| Some(x as f64)).collect::<Vec<_>>(),
        );
        r.series(
            &format!("{id} observed"),
            &nums(&case["observed"]),
            &test.observed.iter().map(|&x| Some(x)).collect::<Vec<_>>(),
        );
        r.series(
            &format!("{id} expected"),
            &nums(&case["expected"]),
            &test.expected.iter().map(|&x| Some(x)).collect::<Vec<_>>(),
        );
        let rows = case["variance"].as_array().unwrap();
        assert_eq!(rows.len(), k, "{id}: variance rows");
        for (i, row) in rows.iter().enumerate() {
            let got: Vec<Option<f64>> = (0..k).map(|j| Some(test.variance_at(i, j))).collect();
            r.series(&format!("{id} variance[{i}]"), &nums(row), &got);
        }
        r.value(
            &format!("{id} chisq"),
            num(&case["chisq"]),
            Some(test.statistic),
        );
        r.value(&format!("{id} df"), num(&case["df"]), Some(test.df as f64));
        r.value(
            &format!("{id} p"),
            num(&case["p_value"]),
            Some(test.p_value),
        );
    }
    r.finish("survdiff");
}

#[test]
fn trend_test_matches_r() {
    let golden = read_json("logrank.json");
    let mut r = Report::default();
    for case in golden["trend"].as_array().unwrap() {
        let id = case["id"].as_str().unwrap();
        let data = read_dataset(case["data_file"].as_str().unwrap());
        let groups = codes(&data.group, &strings(&case["groups"]));
        let survival = SurvivalData::new(&data.time, &data.event)
            .and_then(|d| d.with_groups(&groups))
            .unwrap_or_else(|e| panic!("{id}: {e}"));
        let test = log_rank(&survival, &LogRankConfig::default()).unwrap();
        let scores: Vec<f64> = nums(&case["scores"])
            .into_iter()
            .map(Option::unwrap)
            .collect();
        let trend = test.trend(&scores).unwrap();
        // The log-rank sums the trend is formed from.
        r.series(
            &format!("{id} observed"),
            &nums(&case["observed"]),
            &test.observed.iter().map(|&x| Some(x)).collect::<Vec<_>>(),
        );
        r.series(
            &format!("{id} expected"),
            &nums(&case["expected"]),
            &test.expected.iter().map(|&x| Some(x)).collect::<Vec<_>>(),
        );
        let k = test.n.len();
        let rows = case["variance"].as_array().unwrap();
        assert_eq!(rows.len(), k, "{id}: variance rows");
        for (i, row) in rows.iter().enumerate() {
            let got: Vec<Option<f64>> = (0..k).map(|j| Some(test.variance_at(i, j))).collect();
            r.series(&format!("{id} variance[{i}]"), &nums(row), &got);
        }
        r.series(
            &format!("{id} scores"),
            &nums(&case["scores"]),
            &trend.scores.iter().map(|&x| Some(x)).collect::<Vec<_>>(),
        );
        r.value(&format!("{id} u"), num(&case["u"]), Some(trend.u));
        r.value(&format!("{id} v"), num(&case["v"]), Some(trend.variance));
        r.value(
            &format!("{id} chisq"),
            num(&case["chisq"]),
            Some(trend.statistic),
        );
        r.value(&format!("{id} df"), num(&case["df"]), Some(trend.df as f64));
        r.value(
            &format!("{id} p"),
            num(&case["p_value"]),
            Some(trend.p_value),
        );
    }
    r.finish("trend");
}
