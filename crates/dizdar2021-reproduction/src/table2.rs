//! Table 2, the patient listing, written back from the typed model in the
//! paper's own codes: a round trip of the fixture.

use std::fmt::Write;

use dizdar2021_cohort::Cohort;
use dizdar2021_cohort::codes::cells;
use dizdar2021_cohort::load::COLUMNS;

/// Table 2 as CSV in the loader's schema (it loads back to the same cohort).
pub fn csv(cohort: &Cohort) -> String {
    let mut out = COLUMNS.join(",") + "\n";
    for p in cohort.patients() {
        let row: Vec<String> = cells(p)
            .into_iter()
            .map(|c| {
                if c.contains(',') {
                    format!("\"{c}\"")
                } else {
                    c
                }
            })
            .collect();
        let _ = writeln!(out, "{}", row.join(","));
    }
    out
}

/// Table 2 as Markdown, with the paper's column headings.
pub fn markdown(cohort: &Cohort) -> String {
    let mut out =
        String::from("# Table 2: clinical characteristics and treatments of 35 patients\n\n");
    out.push_str(
        "| Patient | Age | Gender | Histopathology | T | N | Metastatic areas | Lesions | Organs | Liver | \
         Induction | LRRT (cGy) | Concomitant CT | Survival (months) | Last status |\n",
    );
    out.push_str(&"|---".repeat(15));
    out.push_str("|\n");
    for p in cohort.patients() {
        let _ = writeln!(out, "| {} |", cells(p).join(" | "));
    }
    out.push_str(
        "\nE = erkek (male), K = kadın (female); surrenal = adrenal; PE: cisplatin+epirubicin; \
         TP: docetaxel+cisplatin; BEP: bleomycin+epirubicin+cisplatin; DCX: docetaxel+cisplatin+capecitabine; \
         NED: no evidence of disease; Ex: exitus (died).\n",
    );
    out
}
