//! The paper's 35 patients load, and what the rows give agrees with the paper's
//! Table 1 and Results text. The expected numbers below are the paper's printed
//! ones, typed from the article, not outputs of this crate.

use dizdar2021_cohort::{Cohort, LastStatus, MetastaticSite, dizdar2021};

fn paper() -> Cohort {
    dizdar2021::cohort().expect("the embedded fixture loads")
}

#[test]
fn all_35_rows_load_in_order() {
    let cohort = paper();
    assert_eq!(cohort.len(), 35);
    let numbers: Vec<u32> = cohort.patients().iter().map(|p| p.number).collect();
    assert_eq!(numbers, (1..=35).collect::<Vec<u32>>());
}

#[test]
fn the_fixture_file_on_disk_is_the_embedded_one() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures/dizdar2021/patients.csv");
    let from_disk = Cohort::load(&path).unwrap();
    assert_eq!(from_disk.patients(), paper().patients());
}

/// Table 1 of the paper: (variable, category, n, printed %).
const TABLE_1: &[(&str, &str, usize, f64)] = &[
    ("Gender", "Male", 30, 85.70),
    ("Gender", "Female", 5, 14.30),
    ("Histopathology", "WHO1", 2, 5.70),
    ("Histopathology", "WHO2", 10, 28.60),
    ("Histopathology", "WHO3", 23, 65.70),
    ("T stage", "T1", 2, 5.70),
    ("T stage", "T2", 20, 57.10),
    ("T stage", "T3", 5, 14.30),
    ("T stage", "T4", 8, 22.90),
    ("N stage", "N0", 1, 2.90),
    ("N stage", "N2", 18, 51.40),
    ("N stage", "N3", 16, 45.70),
    ("No. of metastatic lesions", "Single", 8, 22.90),
    ("No. of metastatic lesions", "Oligo", 6, 17.10),
    ("No. of metastatic lesions", "Multiple", 21, 60.00),
    ("No. of metastatic organs", "Single", 22, 62.90),
    ("No. of metastatic organs", "Multiple", 13, 37.10),
    ("Liver metastasis", "Yes", 8, 22.90),
    ("Liver metastasis", "No", 27, 77.10),
    ("Induction chemotherapy", "Yes", 33, 94.30),
    ("Induction chemotherapy", "No", 2, 5.70),
    ("Concurrent chemotherapy", "Yes", 18, 51.40),
    ("Concurrent chemotherapy", "No", 17, 48.60),
];

#[test]
fn table_1_counts_recomputed_from_the_rows_equal_the_paper() {
    let summary = paper().summary().unwrap();
    assert_eq!(summary.n, 35);
    for &(variable, category, n, printed_percent) in TABLE_1 {
        let got = summary
            .count(variable, category)
            .unwrap_or_else(|| panic!("summary has no row {variable} / {category}"));
        assert_eq!(
            got.n, n,
            "{variable} / {category}: expected n = {n}, got {}",
            got.n
        );
        // The paper prints one decimal (padded with a 0): agree at that precision.
        let rounded = (got.percent * 10.0).round() / 10.0;
        assert!(
            (rounded - printed_percent).abs() < 1e-9,
            "{variable} / {category}: paper prints {printed_percent}%, rows give {} ({rounded})",
            got.percent
        );
    }
    // No category outside the paper's table holds a patient (N1 is empty).
    for c in &summary.categories {
        if !TABLE_1
            .iter()
            .any(|&(v, k, ..)| v == c.variable && k == c.category)
        {
            assert_eq!(
                c.n, 0,
                "{} / {} is not in Table 1 but holds {}",
                c.variable, c.category, c.n
            );
        }
    }
}

#[test]
fn metastatic_sites_match_the_results_text() {
    // "Bone metastasis was present in 71.4% of patients, liver metastasis in 22.9%, and
    // lung metastasis in 20%. Three patients had mediastinal lymph node metastasis, three
    // patients had bone marrow involvement, one patient had axillary lymph nodes, one
    // patient had adrenal, and one patient had para-aortic lymph node metastasis"
    let summary = paper().summary().unwrap();
    let expected = [
        (MetastaticSite::Bone, 25),
        (MetastaticSite::Liver, 8),
        (MetastaticSite::Lung, 7),
        (MetastaticSite::MediastinalLymphNodes, 3),
        (MetastaticSite::BoneMarrow, 3),
        (MetastaticSite::AxillaryLymphNodes, 1),
        (MetastaticSite::Adrenal, 1),
        (MetastaticSite::ParaAorticLymphNodes, 1),
    ];
    for (site, n) in expected {
        let got = summary.count("Metastatic site", site.name()).unwrap();
        assert_eq!(got.n, n, "{}: expected {n}, got {}", site.name(), got.n);
    }
    let bone = summary.count("Metastatic site", "bone").unwrap();
    assert!((bone.percent - 71.428_571_428_571_43).abs() < 1e-9);
}

#[test]
fn medians_and_ranges_match_the_paper() {
    let summary = paper().summary().unwrap();
    // "The median age of the patients was 49 (9-85 years)"
    assert_eq!(
        (
            summary.age_years.median,
            summary.age_years.min,
            summary.age_years.max
        ),
        (49.0, 9.0, 85.0)
    );
    // "the median dose of RT was 7000 cGy (6000-7400)"
    assert_eq!(
        (
            summary.rt_dose_cgy.median,
            summary.rt_dose_cgy.min,
            summary.rt_dose_cgy.max
        ),
        (7000.0, 6000.0, 7400.0)
    );
    // "The median follow-up time was 25 months (5-196 months)"
    let t = summary.survival_months;
    assert_eq!((t.median, t.min, t.max), (25.0, 5.0, 196.0));
}

#[test]
fn outcomes_match_the_results_text() {
    let cohort = paper();
    let count = |s: LastStatus| {
        cohort
            .patients()
            .iter()
            .filter(|p| p.last_status == s)
            .count()
    };
    // "24 patients died, one surviving patient with active disease ... Ten patients were on
    // follow-up without disease (48-196 months)"
    assert_eq!(count(LastStatus::Died), 24);
    assert_eq!(count(LastStatus::ActiveDisease), 1);
    assert_eq!(count(LastStatus::NoEvidenceOfDisease), 10);
    assert_eq!(cohort.deaths().iter().filter(|d| **d).count(), 24);
    let ned: Vec<f64> = cohort
        .patients()
        .iter()
        .filter(|p| p.last_status == LastStatus::NoEvidenceOfDisease)
        .map(|p| p.survival_months)
        .collect();
    assert_eq!(ned.iter().cloned().fold(f64::INFINITY, f64::min), 48.0);
    assert_eq!(ned.iter().cloned().fold(0.0, f64::max), 196.0);
}

#[test]
fn derived_groups_have_the_sizes_the_text_implies() {
    let cohort = paper();
    let count = |f: fn(&dizdar2021_cohort::Patient) -> bool| {
        cohort.patients().iter().filter(|p| f(p)).count()
    };
    assert_eq!(
        count(|p| p.is_paediatric()),
        7,
        "seven patients aged 16 or under"
    );
    assert_eq!(count(|p| p.age_years < 16), 6, "only six strictly under 16");
    assert_eq!(count(|p| p.age_at_most_40()), 16);
    assert_eq!(count(|p| p.is_oligometastatic()), 6);
    assert_eq!(count(|p| p.has_limited_metastases()), 14);
    assert_eq!(
        count(|p| p.received_full_rt_dose()),
        29,
        "six paediatric patients got 6000-6300 cGy"
    );
    assert_eq!(count(|p| p.received_induction()), 33);
    assert_eq!(count(|p| p.received_concurrent()), 18);
    assert_eq!(count(|p| p.has_multiple_metastatic_organs()), 13);
}

#[test]
fn aggregate_facts_load_with_their_quotes() {
    let facts = dizdar2021::aggregate_facts().unwrap();
    for (id, value) in [
        ("referred", 589.0),
        ("identified", 36.0),
        ("excluded", 1.0),
        ("pet_ct_at_diagnosis", 29.0),
        ("palliative_bone_rt", 19.0),
        ("radioembolization", 1.0),
        ("pet_ct_staging_year", 2006.0),
    ] {
        let fact = facts.get(id).unwrap_or_else(|| panic!("no fact {id}"));
        assert_eq!(fact.value, value, "{id}");
        assert!(!fact.quote.is_empty() && !fact.section.is_empty());
    }
    // Every quote is a sentence of the paper: it names the number it states.
    for fact in &facts.facts {
        let number = if fact.value.fract() == 0.0 {
            format!("{}", fact.value as i64)
        } else {
            fact.value.to_string()
        };
        let words = ["one", "two", "Six"];
        assert!(
            fact.quote.contains(&number) || words.iter().any(|w| fact.quote.contains(w)),
            "fact {} quote does not state {number}",
            fact.id
        );
    }
    // The identified patients minus the excluded one are the 35 rows.
    let identified = facts.get("identified").unwrap().value;
    let excluded = facts.get("excluded").unwrap().value;
    assert_eq!((identified - excluded) as usize, paper().len());
}
