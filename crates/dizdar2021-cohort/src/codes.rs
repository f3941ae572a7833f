//! The cell codes of Table 2, parsed into the typed model.
//!
//! Each parser takes one trimmed cell and returns the value or a description of
//! what was expected; the loader adds file, row and column. Matching ignores case
//! and surrounding white space (the paper itself prints "bone" and "Bone").

use crate::model::{
    ConcurrentChemotherapy, Induction, InductionRegimen, LastStatus, LesionBurden, MetastaticSite,
    MetastaticSites, NStage, OrganBurden, Sex, TStage, WhoHistology,
};

/// What a parser says when a cell does not hold a valid code: what it expected.
pub type Expected = String;

fn norm(cell: &str) -> String {
    cell.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_ascii_lowercase()
}

/// Patient number: a positive whole number.
pub fn patient_number(cell: &str) -> Result<u32, Expected> {
    match cell.trim().parse::<u32>() {
        Ok(n) if n > 0 => Ok(n),
        _ => Err("a positive whole number".into()),
    }
}

/// Youngest and oldest accepted age, years.
pub const AGE_RANGE: (u32, u32) = (0, 120);

/// Age in whole years, 0 to 120.
pub fn age_years(cell: &str) -> Result<u32, Expected> {
    let expected = || {
        format!(
            "a whole number of years from {} to {}",
            AGE_RANGE.0, AGE_RANGE.1
        )
    };
    let age: u32 = cell.trim().parse().map_err(|_| expected())?;
    if (AGE_RANGE.0..=AGE_RANGE.1).contains(&age) {
        Ok(age)
    } else {
        Err(expected())
    }
}

/// Sex: `E` (erkek, male) or `K` (kadın, female).
pub fn sex(cell: &str) -> Result<Sex, Expected> {
    match norm(cell).as_str() {
        "e" => Ok(Sex::Male),
        "k" => Ok(Sex::Female),
        _ => Err("E (male) or K (female)".into()),
    }
}

/// WHO histology: `WHO 1`, `WHO 2` or `WHO 3`.
pub fn histology(cell: &str) -> Result<WhoHistology, Expected> {
    let n = norm(cell);
    let number = n.strip_prefix("who").map(str::trim).unwrap_or(&n);
    match number {
        "1" => Ok(WhoHistology::Keratinizing),
        "2" => Ok(WhoHistology::NonKeratinizing),
        "3" => Ok(WhoHistology::Undifferentiated),
        _ => Err("WHO 1, WHO 2 or WHO 3".into()),
    }
}

/// T stage: 1 to 4 (a leading `T` is accepted).
pub fn t_stage(cell: &str) -> Result<TStage, Expected> {
    let n = norm(cell);
    match n.strip_prefix('t').unwrap_or(&n) {
        "1" => Ok(TStage::T1),
        "2" => Ok(TStage::T2),
        "3" => Ok(TStage::T3),
        "4" => Ok(TStage::T4),
        _ => Err("a T stage from 1 to 4".into()),
    }
}

/// N stage: 0 to 3 (a leading `N` is accepted).
pub fn n_stage(cell: &str) -> Result<NStage, Expected> {
    let n = norm(cell);
    match n.strip_prefix('n').unwrap_or(&n) {
        "0" => Ok(NStage::N0),
        "1" => Ok(NStage::N1),
        "2" => Ok(NStage::N2),
        "3" => Ok(NStage::N3),
        _ => Err("an N stage from 0 to 3".into()),
    }
}

const SITE_NAMES: &str = "bone, bone marrow, liver, lung, mediastinum, paraaortic lymph nodes, \
                          axilla lymph nodes or surrenal";

fn site(name: &str) -> Option<MetastaticSite> {
    Some(match name {
        "bone" => MetastaticSite::Bone,
        "bone marrow" => MetastaticSite::BoneMarrow,
        "liver" => MetastaticSite::Liver,
        "lung" => MetastaticSite::Lung,
        "mediastinum" | "mediastinal lymph nodes" => MetastaticSite::MediastinalLymphNodes,
        "paraaortic lymph nodes" | "para-aortic lymph nodes" => {
            MetastaticSite::ParaAorticLymphNodes
        }
        "axilla lymph nodes" | "axillary lymph nodes" => MetastaticSite::AxillaryLymphNodes,
        "surrenal" | "adrenal" => MetastaticSite::Adrenal,
        _ => return None,
    })
}

/// Metastatic sites: a comma-separated list such as `Bone, liver`, each site once.
pub fn metastatic_sites(cell: &str) -> Result<MetastaticSites, Expected> {
    let mut sites = MetastaticSites::new();
    for part in cell.split(',') {
        let name = norm(part);
        let Some(s) = site(&name) else {
            return Err(format!(
                "a comma-separated list of sites, each one of: {SITE_NAMES} (`{}` is not one)",
                part.trim()
            ));
        };
        if !sites.insert(s) {
            return Err(format!("each site once (`{}` is repeated)", part.trim()));
        }
    }
    Ok(sites)
}

/// Number of metastatic lesions: `Single`, `Oligometastasis` or `Multiple`.
pub fn lesions(cell: &str) -> Result<LesionBurden, Expected> {
    match norm(cell).as_str() {
        "single" => Ok(LesionBurden::Single),
        "oligometastasis" | "oligometastatic" | "oligo" => Ok(LesionBurden::Oligometastatic),
        "multiple" => Ok(LesionBurden::Multiple),
        _ => Err("Single, Oligometastasis or Multiple".into()),
    }
}

/// Number of metastatic organs: `Single` or `Multiple`.
pub fn organs(cell: &str) -> Result<OrganBurden, Expected> {
    match norm(cell).as_str() {
        "single" => Ok(OrganBurden::Single),
        "multiple" => Ok(OrganBurden::Multiple),
        _ => Err("Single or Multiple".into()),
    }
}

/// `Yes` or `No`.
pub fn yes_no(cell: &str) -> Result<bool, Expected> {
    match norm(cell).as_str() {
        "yes" => Ok(true),
        "no" => Ok(false),
        _ => Err("Yes or No".into()),
    }
}

/// Most induction cycles accepted.
pub const MAX_INDUCTION_CYCLES: u8 = 12;

/// Induction chemotherapy: `No`, or cycles and regimen such as `3 TP`.
pub fn induction(cell: &str) -> Result<Induction, Expected> {
    let expected = || {
        format!(
            "No, or a number of cycles (1-{MAX_INDUCTION_CYCLES}) and a regimen: \
             PE, TP, BEP, DCX, EP or carboplatin+docetaxel (e.g. `3 TP`)"
        )
    };
    let n = norm(cell);
    if n == "no" {
        return Ok(Induction::None);
    }
    let (cycles, regimen) = n.split_once(' ').ok_or_else(expected)?;
    let cycles: u8 = cycles.parse().map_err(|_| expected())?;
    if !(1..=MAX_INDUCTION_CYCLES).contains(&cycles) {
        return Err(expected());
    }
    let regimen: String = regimen.chars().filter(|c| !c.is_whitespace()).collect();
    let regimen = match regimen.as_str() {
        "pe" => InductionRegimen::Pe,
        "tp" => InductionRegimen::Tp,
        "bep" => InductionRegimen::Bep,
        "dcx" => InductionRegimen::Dcx,
        "ep" => InductionRegimen::Ep,
        "carboplatin+docetaxel" => InductionRegimen::CarboplatinDocetaxel,
        _ => return Err(expected()),
    };
    Ok(Induction::Given { cycles, regimen })
}

/// Accepted range of a locoregional RT dose, cGy. A dose below it is almost
/// certainly written in Gy rather than cGy.
pub const RT_DOSE_RANGE_CGY: (u32, u32) = (1000, 10000);

/// Locoregional RT dose: a whole number of cGy (70 Gy is `7000`).
pub fn rt_dose_cgy(cell: &str) -> Result<u32, Expected> {
    let expected = || {
        format!(
            "a whole number of cGy from {} to {} (70 Gy is written 7000)",
            RT_DOSE_RANGE_CGY.0, RT_DOSE_RANGE_CGY.1
        )
    };
    let dose: u32 = cell.trim().parse().map_err(|_| expected())?;
    if (RT_DOSE_RANGE_CGY.0..=RT_DOSE_RANGE_CGY.1).contains(&dose) {
        Ok(dose)
    } else {
        Err(expected())
    }
}

/// Concurrent chemotherapy: `No`, `Cisplatin` or `Carboplatin`.
pub fn concurrent(cell: &str) -> Result<ConcurrentChemotherapy, Expected> {
    match norm(cell).as_str() {
        "no" => Ok(ConcurrentChemotherapy::None),
        "cisplatin" => Ok(ConcurrentChemotherapy::Cisplatin),
        "carboplatin" => Ok(ConcurrentChemotherapy::Carboplatin),
        _ => Err("No, Cisplatin or Carboplatin".into()),
    }
}

/// Survival time in months: a finite number ≥ 0.
pub fn survival_months(cell: &str) -> Result<f64, Expected> {
    match cell.trim().parse::<f64>() {
        Ok(t) if t.is_finite() && t >= 0.0 => Ok(t),
        _ => Err("a number of months, 0 or more".into()),
    }
}

/// Last status: `Ex` (died), `NED` or `Active disease`.
pub fn last_status(cell: &str) -> Result<LastStatus, Expected> {
    match norm(cell).as_str() {
        "ex" => Ok(LastStatus::Died),
        "ned" => Ok(LastStatus::NoEvidenceOfDisease),
        "active disease" => Ok(LastStatus::ActiveDisease),
        _ => Err("Ex (died), NED or Active disease".into()),
    }
}

/// A patient's row written back in the paper's codes, in [`crate::load::COLUMNS`]
/// order; [`crate::load`] reads it back to the same patient.
pub fn cells(p: &crate::Patient) -> [String; 15] {
    let site_name = |s: MetastaticSite| match s {
        MetastaticSite::Bone => "bone",
        MetastaticSite::BoneMarrow => "bone marrow",
        MetastaticSite::Liver => "liver",
        MetastaticSite::Lung => "lung",
        MetastaticSite::MediastinalLymphNodes => "mediastinum",
        MetastaticSite::ParaAorticLymphNodes => "paraaortic lymph nodes",
        MetastaticSite::AxillaryLymphNodes => "axilla lymph nodes",
        MetastaticSite::Adrenal => "surrenal",
    };
    let sites = p
        .metastatic_sites
        .iter()
        .map(site_name)
        .collect::<Vec<_>>()
        .join(", ");
    let mut sites_chars = sites.chars();
    let sites = sites_chars.next().map_or_else(String::new, |c| {
        c.to_uppercase().collect::<String>() + sites_chars.as_str()
    });
    let yes_no = |b: bool| if b { "Yes" } else { "No" }.to_owned();
    [
        p.number.to_string(),
        p.age_years.to_string(),
        match p.sex {
            Sex::Male => "E",
            Sex::Female => "K",
        }
        .to_owned(),
        format!("WHO {}", p.histology.who_type()),
        p.t_stage.number().to_string(),
        p.n_stage.number().to_string(),
        sites,
        match p.lesions {
            LesionBurden::Single => "Single",
            LesionBurden::Oligometastatic => "Oligometastasis",
            LesionBurden::Multiple => "Multiple",
        }
        .to_owned(),
        match p.organs {
            OrganBurden::Single => "Single",
            OrganBurden::Multiple => "Multiple",
        }
        .to_owned(),
        yes_no(p.liver_metastasis),
        match p.induction {
            Induction::None => "No".to_owned(),
            Induction::Given { cycles, regimen } => format!("{cycles} {}", regimen.code()),
        },
        p.rt_dose_cgy.to_string(),
        match p.concurrent {
            ConcurrentChemotherapy::None => "No",
            ConcurrentChemotherapy::Cisplatin => "Cisplatin",
            ConcurrentChemotherapy::Carboplatin => "Carboplatin",
        }
        .to_owned(),
        p.survival_months.to_string(),
        match p.last_status {
            LastStatus::Died => "Ex",
            LastStatus::NoEvidenceOfDisease => "NED",
            LastStatus::ActiveDisease => "Active disease",
        }
        .to_owned(),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sites_parse_in_any_case_and_reject_repeats_and_unknowns() {
        let s = metastatic_sites("Bone,  bone marrow, surrenal").unwrap();
        assert_eq!(
            s.iter().collect::<Vec<_>>(),
            [
                MetastaticSite::Bone,
                MetastaticSite::BoneMarrow,
                MetastaticSite::Adrenal
            ]
        );
        assert!(
            metastatic_sites("Bone, bone")
                .unwrap_err()
                .contains("repeated")
        );
        assert!(
            metastatic_sites("Bone, kidney")
                .unwrap_err()
                .contains("`kidney`")
        );
        assert!(metastatic_sites("").is_err());
    }

    #[test]
    fn induction_reads_cycles_and_regimen() {
        assert_eq!(induction("No").unwrap(), Induction::None);
        assert_eq!(
            induction("3 carboplatin+ docetaxel").unwrap(),
            Induction::Given {
                cycles: 3,
                regimen: InductionRegimen::CarboplatinDocetaxel
            }
        );
        assert_eq!(
            induction(" 6 tp ").unwrap(),
            Induction::Given {
                cycles: 6,
                regimen: InductionRegimen::Tp
            }
        );
        for bad in ["3", "TP", "0 TP", "13 TP", "3 XYZ", "three TP"] {
            assert!(induction(bad).is_err(), "{bad} should be rejected");
        }
    }

    #[test]
    fn numbers_are_range_checked() {
        assert_eq!(age_years("120").unwrap(), 120);
        assert!(age_years("121").is_err());
        assert!(age_years("-1").is_err());
        assert!(age_years("4.5").is_err());
        assert!(rt_dose_cgy("70").is_err(), "a dose in Gy is caught");
        assert_eq!(rt_dose_cgy("7040").unwrap(), 7040);
        assert!(survival_months("-0.5").is_err());
        assert!(survival_months("NaN").is_err());
        assert!(survival_months("inf").is_err());
        assert_eq!(survival_months("0").unwrap(), 0.0);
    }

    #[test]
    fn codes_match_the_paper() {
        assert_eq!(sex("E").unwrap(), Sex::Male);
        assert_eq!(sex("k").unwrap(), Sex::Female);
        assert!(sex("M").is_err());
        assert_eq!(histology("WHO 3").unwrap(), WhoHistology::Undifferentiated);
        assert_eq!(histology("WHO1").unwrap(), WhoHistology::Keratinizing);
        assert!(histology("WHO 4").is_err());
        assert_eq!(t_stage("T4").unwrap(), TStage::T4);
        assert!(t_stage("5").is_err());
        assert_eq!(n_stage("0").unwrap(), NStage::N0);
        assert_eq!(
            last_status("Active  disease").unwrap(),
            LastStatus::ActiveDisease
        );
        assert!(last_status("Alive").is_err());
        assert_eq!(
            lesions("Oligometastasis").unwrap(),
            LesionBurden::Oligometastatic
        );
        assert_eq!(
            concurrent("Carboplatin").unwrap(),
            ConcurrentChemotherapy::Carboplatin
        );
    }
}
