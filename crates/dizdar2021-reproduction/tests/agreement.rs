//! The reproduction's key numbers checked independently: against the R golden
//! files (computed by R's survival on the same rows) and against the paper's
//! own counts.

use dizdar2021_cohort::{Cohort, Format, dizdar2021};
use dizdar2021_reproduction::Reproduction;
use dizdar2021_reproduction::claims::Verdict;
use serde_json::Value;

const VS_R_REL: f64 = 1e-9;

fn golden(name: &str) -> Value {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures/golden")
        .join(name);
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap()
}

fn close(expected: &Value, got: Option<f64>, what: &str) {
    match (expected.as_f64(), got) {
        (None, None) => {}
        (Some(e), Some(g)) => {
            assert!(
                (e - g).abs() <= VS_R_REL * e.abs().max(g.abs()),
                "{what}: R gives {e}, we give {g}"
            )
        }
        (e, g) => panic!("{what}: R gives {e:?}, we give {g:?}"),
    }
}

#[test]
fn overall_survival_agrees_with_r() {
    let r = Reproduction::build().unwrap();
    let km = golden("km.json");
    let case = km["cases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "dizdar2021/overall/log/0.95")
        .unwrap();
    let curve = &case["curves"][0];
    close(&curve["median"], r.survival.median.time, "median OS");
    close(
        &curve["median_lower"],
        r.survival.median.lower,
        "median OS lower",
    );
    close(
        &curve["median_upper"],
        r.survival.median.upper,
        "median OS upper",
    );
    let at = &curve["at"];
    let r_times: Vec<f64> = at["time"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t.as_f64().unwrap())
        .collect();
    assert_eq!(r.survival.landmarks.len(), 2, "2 and 4 years");
    for ours in &r.survival.landmarks {
        let t = ours.time;
        // Every landmark must have its R row: a missing one fails, never skips.
        let i = r_times
            .iter()
            .position(|&rt| rt == t)
            .unwrap_or_else(|| panic!("R's summary has no row at {t}; it has {r_times:?}"));
        close(&at["surv"][i], ours.survival, &format!("S({t})"));
        close(&at["lower"][i], ours.lower, &format!("lower({t})"));
        close(&at["upper"][i], ours.upper, &format!("upper({t})"));
        close(
            &at["n_risk"][i],
            Some(ours.n_risk as f64),
            &format!("n at risk({t})"),
        );
    }
    let followup = km["reverse_km_followup"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["dataset"] == "dizdar2021")
        .unwrap();
    close(
        &followup["median"],
        r.survival.follow_up.reverse_km.time,
        "reverse KM median",
    );
    close(
        &followup["median_observed_time"],
        Some(r.survival.follow_up.median_observed),
        "median observed time",
    );
}

#[test]
fn univariate_tests_agree_with_r() {
    let r = Reproduction::build().unwrap();
    let factor = |id: &str| r.univariate.iter().find(|f| f.id == id).unwrap();
    let logrank = golden("logrank.json");
    // survdiff on the paper's groupings (rho 0, unstratified).
    for (grouping, id) in [
        ("sex", "sex"),
        ("age_le40", "age_le40"),
        ("liver_metastasis", "liver"),
        ("rt_dose_ge7000", "rt_dose_ge7000"),
    ] {
        let case = logrank["cases"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| {
                c["dataset"] == "dizdar2021"
                    && c["grouping"] == grouping
                    && c["rho"] == 0
                    && c["stratified"] == false
            })
            .unwrap_or_else(|| panic!("no golden survdiff for {grouping}"));
        close(
            &case["chisq"],
            Some(factor(id).logrank_chisq),
            &format!("{id} chi-square"),
        );
        close(
            &case["p_value"],
            Some(factor(id).logrank_p),
            &format!("{id} p"),
        );
    }
    // coxph hazard ratios (Efron) for the same factors; the golden models code the
    // non-reference level as 1, as the report does.
    let cox = golden("cox.json");
    for (model, id) in [
        ("dizdar2021/sex_K/efron", "sex"),
        ("dizdar2021/liver_metastasis/efron", "liver"),
        ("dizdar2021/oligometastatic/efron", "oligometastatic"),
    ] {
        let case = cox["cases"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"] == model)
            .unwrap();
        let hr = factor(id).levels[1].hazard_ratio.unwrap();
        close(&case["hr"][0], hr.hr, &format!("{id} HR"));
        close(&case["hr_lower"][0], hr.lower, &format!("{id} HR lower"));
        close(&case["hr_upper"][0], hr.upper, &format!("{id} HR upper"));
    }
    // coin's exact permutation p for sex.
    let perm = golden("permutation.json");
    let case = perm["cases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "dizdar2021/sex")
        .unwrap();
    close(
        &case["main"]["result"]["p_value"],
        Some(factor("sex").permutation_p),
        "sex permutation p",
    );
}

#[test]
fn table2_round_trips_through_the_loader() {
    let r = Reproduction::build().unwrap();
    let csv = dizdar2021_reproduction::table2::csv(&r.cohort);
    let reloaded = Cohort::from_bytes("table2.csv", Format::Csv, csv.into_bytes()).unwrap();
    assert_eq!(
        reloaded.patients(),
        dizdar2021::cohort().unwrap().patients()
    );
}

#[test]
fn table1_agrees_with_the_printed_table_except_where_it_is_aggregate() {
    let r = Reproduction::build().unwrap();
    assert!(r.table1.len() >= 25, "every row of the paper's Table 1");
    for row in &r.table1 {
        let printed_n = row
            .printed_n
            .unwrap_or_else(|| panic!("{} / {}: no printed n", row.variable, row.category));
        let printed_pct = row
            .printed_percent
            .unwrap_or_else(|| panic!("{} / {}: no printed %", row.variable, row.category));
        assert_eq!(row.n, printed_n, "{} / {}", row.variable, row.category);
        assert_eq!(
            format!("{:.1}", row.percent),
            format!("{printed_pct:.1}"),
            "{} / {}",
            row.variable,
            row.category
        );
    }
    assert_eq!(
        r.table1
            .iter()
            .filter(|row| row.source == "aggregate")
            .count(),
        2,
        "the two Initial PET-CT rows"
    );
}

#[test]
fn every_claim_has_a_verdict_and_the_known_contradictions_are_found() {
    let r = Reproduction::build().unwrap();
    // Counted in the claims file's text, not through the parser the ledger uses.
    let in_file = dizdar2021_reproduction::claims::CLAIMS_TOML
        .lines()
        .filter(|l| l.trim() == "[[claim]]")
        .count();
    assert_eq!(
        r.ledger.len(),
        in_file,
        "one ledger entry per claim of the file"
    );
    assert!(
        r.ledger.len() >= 150,
        "the paper states some 170 numbers; found {}",
        r.ledger.len()
    );
    // Every verdict re-derived here, by printing both numbers at the printed
    // precision (a different rounding route from the ledger's).
    for e in &r.ledger {
        if e.verdict == Verdict::AggregateOnly {
            assert_eq!(
                e.computed, None,
                "{}: nothing computed for an unchecked claim",
                e.id
            );
            continue;
        }
        let agrees = match (e.computed, e.relation.as_str()) {
            (None, _) => false,
            (Some(x), "eq") => {
                let d = e.decimals as usize;
                format!("{x:.d$}") == format!("{:.d$}", e.reported)
            }
            (Some(x), "ge") => x >= e.reported,
            (Some(x), "gt") => x > e.reported,
            (Some(x), "le") => x <= e.reported,
            (Some(x), "lt") => x < e.reported,
            (_, other) => panic!("{}: unknown relation {other}", e.id),
        };
        assert_eq!(
            matches!(e.verdict, Verdict::Reproduced | Verdict::Consistent),
            agrees,
            "{}: verdict {:?}, computed {:?}, reported {}",
            e.id,
            e.verdict,
            e.computed,
            e.reported
        );
    }
    let discrepant: Vec<&str> = r
        .ledger
        .iter()
        .filter(|e| e.verdict == Verdict::Discrepant)
        .map(|e| e.id.as_str())
        .collect();
    // Read off the rows by hand: six patients are under 16, not seven; patient 18
    // (12 years) had the full 7000 cGy.
    for id in [
        "abstract.age.count_under16",
        "methods.under16.no_full_dose",
        "methods.under16.dose_max",
        "results.le16.no_full_dose",
        "results.le16.dose_max",
    ] {
        assert!(
            discrepant.contains(&id),
            "{id} should be discrepant; discrepant are {discrepant:?}"
        );
    }
    // Survival as the paper reports it: 51 % and 34 %.
    for id in ["abstract.os.two_year", "abstract.os.four_year"] {
        let e = r
            .ledger
            .iter()
            .find(|e| e.id == id)
            .unwrap_or_else(|| panic!("no claim {id}"));
        assert_eq!(e.verdict, Verdict::Reproduced, "{id}: {}", e.note);
    }
    // A claim no row carries is checked against the other stated numbers
    // exactly when they determine it (a check, or a percentage of two stated
    // counts); otherwise it is aggregate-only.
    for e in &r.ledger {
        let claim = r.claims.iter().find(|c| c.id == e.id).unwrap();
        let on_aggregates = claim.quantity.starts_with("aggregate");
        let determined = claim.check.is_some() || claim.quantity.starts_with("aggregate_percent:");
        let expected = match (on_aggregates || claim.check.is_some(), determined) {
            (false, _) => "rows",
            (true, true) => "checked",
            (true, false) => "unchecked",
        };
        let got = match e.verdict {
            Verdict::Reproduced | Verdict::Discrepant => "rows",
            Verdict::Consistent | Verdict::Inconsistent => "checked",
            Verdict::AggregateOnly => "unchecked",
        };
        assert_eq!(
            got, expected,
            "{}: verdict {:?} for quantity {}",
            e.id, e.verdict, claim.quantity
        );
    }
}

#[test]
fn the_stated_numbers_are_checked_against_each_other() {
    let r = Reproduction::build().unwrap();
    let entry = |id: &str| {
        r.ledger
            .iter()
            .find(|e| e.id == id)
            .unwrap_or_else(|| panic!("no claim {id}"))
    };
    // 36 identified − 1 excluded = 35 analysed; 2018 − 2000 = the 18 years; 29/35 = 82.9 %.
    for (id, arithmetic) in [
        (
            "abstract.cohort.identified",
            "35 (patients analysed) + 1 (excluded) = 36",
        ),
        (
            "abstract.cohort.excluded",
            "36 (identified) − 35 (patients analysed) = 1",
        ),
        (
            "abstract.period.years",
            "2018 (study end year) − 2000 (study start year) = 18",
        ),
        (
            "abstract.period.start_year",
            "2018 (study end year) − 18 (study span years) = 2000",
        ),
        (
            "results.staging.pet_ct_pct",
            "29 (pet ct at diagnosis) / 35 (patients analysed) = 82.86 %",
        ),
        (
            "results.staging.pet_ct_n",
            "35 (patients analysed) − 6 (conventional staging) = 29",
        ),
    ] {
        let e = entry(id);
        assert_eq!(e.verdict, Verdict::Consistent, "{id}: {}", e.note);
        assert!(e.note.contains(arithmetic), "{id}: {}", e.note);
    }
    // Nothing merely repeats the number it is compared with.
    for e in &r.ledger {
        if e.verdict == Verdict::AggregateOnly {
            assert!(
                e.computed.is_none() && e.note.contains("cannot be checked"),
                "{}",
                e.id
            );
        }
    }
    let unchecked = r
        .ledger
        .iter()
        .filter(|e| e.verdict == Verdict::AggregateOnly)
        .count();
    assert!(
        unchecked > 0 && unchecked < 20,
        "{unchecked} claims cannot be checked"
    );
}

#[test]
fn every_percentage_has_its_grim_test() {
    let r = Reproduction::build().unwrap();
    let mut percentages = 0;
    for e in &r.ledger {
        let claim = r.claims.iter().find(|c| c.id == e.id).unwrap();
        let kind = claim.quantity.split(':').next().unwrap();
        match kind {
            "percent" | "percent_of" | "aggregate_percent" => {
                percentages += 1;
                assert_eq!(
                    e.grim,
                    Some(true),
                    "{}: {} with {:?}",
                    e.id,
                    e.reported,
                    e.grim
                );
            }
            // A Kaplan-Meier percentage is not k of n patients.
            _ => assert_eq!(e.grim, None, "{}", e.id),
        }
    }
    assert!(percentages >= 35, "{percentages} percentages");
}

#[test]
fn adjusted_p_values_follow_holm_and_the_report_uses_them() {
    let r = Reproduction::build().unwrap();
    let paper: Vec<_> = r.univariate.iter().filter(|f| f.named_by_paper).collect();
    assert_eq!(paper.len(), 5);
    let m = r.univariate.len() as f64;
    // Holm's smallest adjusted p is the smallest p times the number of tests.
    let smallest = paper
        .iter()
        .min_by(|a, b| a.permutation_p.total_cmp(&b.permutation_p))
        .unwrap();
    assert_eq!(smallest.id, "rt_dose_ge7000");
    assert!(
        (smallest.permutation_p_holm_paper.unwrap() - 5.0 * smallest.permutation_p).abs() < 1e-12
    );
    let all_smallest = r
        .univariate
        .iter()
        .min_by(|a, b| a.permutation_p.total_cmp(&b.permutation_p))
        .unwrap();
    assert!(
        (all_smallest.permutation_p_holm_all - (m * all_smallest.permutation_p).min(1.0)).abs()
            < 1e-12
    );
    for f in &r.univariate {
        assert_eq!(
            f.logrank_p_holm_paper.is_some(),
            f.named_by_paper,
            "{}",
            f.id
        );
        assert!(f.permutation_p_holm_all >= f.permutation_p && f.logrank_p_holm_all >= f.logrank_p);
        assert!(f.permutation_p_holm_all <= 1.0);
    }
    let report = r.report();
    for fragment in [
        "tests 15 factors; the paper names 5",
        "permutation p = 0.038",
        "Holm-adjusted across the paper's 5 factors 0.355 and 0.191",
        "no factor reaches p < 0.05",
        "patients 7, 16, 21, 22, 28 and 34 are both < 7000 cGy (RT dose) and ≤ 16 years (Age ≤ 16)",
        "patient 18 is ≥ 7000 cGy (RT dose) but ≤ 16 years (Age ≤ 16)",
        "over 7 within-strata relabellings",
    ] {
        assert!(
            report.contains(fragment),
            "REPRODUCTION.md lacks {fragment:?}"
        );
    }
}

#[test]
fn the_only_near_identical_splits_are_rt_dose_and_age_16() {
    let r = Reproduction::build().unwrap();
    assert_eq!(r.overlaps.len(), 1, "{:?}", r.overlaps);
    let o = &r.overlaps[0];
    assert_eq!(
        (o.first.as_str(), o.second.as_str()),
        ("rt_dose_ge7000", "age_le16")
    );
    assert_eq!(o.together.patients, [7, 16, 21, 22, 28, 34]);
    assert_eq!(o.apart.len(), 1);
    assert_eq!(o.apart[0].patients, [18]);
    // Counted from the rows independently: < 7000 cGy and ≤ 16 years.
    let both: Vec<u32> = r
        .cohort
        .patients()
        .iter()
        .filter(|p| p.rt_dose_cgy < 7000 && p.age_years <= 16)
        .map(|p| p.number)
        .collect();
    assert_eq!(both, o.together.patients);
    assert_eq!(o.stratified.relabellings, Some(7));
    assert_eq!(o.stratified.informative, 7);
}
