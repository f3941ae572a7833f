//! Holm and Benjamini-Hochberg adjustments against R's `p.adjust`
//! (`fixtures/golden/generate_adjust.R`).

mod common;

use common::{Report, nums, read_json};
use surv_engine::{Adjustment, adjust_p_values};

#[test]
fn p_adjust_matches_r() {
    let golden = read_json("adjust.json");
    let mut r = Report::default();
    let cases = golden["cases"].as_array().unwrap();
    assert!(cases.len() >= 8, "every case of adjust.json");
    for case in cases {
        let id = case["id"].as_str().unwrap();
        let p: Vec<f64> = nums(&case["p"]).into_iter().map(Option::unwrap).collect();
        for (key, method) in [
            ("holm", Adjustment::Holm),
            ("BH", Adjustment::BenjaminiHochberg),
        ] {
            let got = adjust_p_values(&p, method).unwrap();
            let got: Vec<Option<f64>> = got.into_iter().map(Some).collect();
            r.series(&format!("{id} {key}"), &nums(&case[key]), &got);
        }
    }
    r.finish("p.adjust");
}
