//! Conditions on a patient, written as in the claims file: `sex=male`,
//! `age<16`, `liver=yes&status=ned`, or `all`.

use std::fmt;

use dizdar2021_cohort::{
    ConcurrentChemotherapy, Induction, InductionRegimen, LastStatus, LesionBurden, MetastaticSite,
    OrganBurden, Patient, Sex,
};

/// A comparison operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Lt,
    Le,
    Gt,
    Ge,
    Eq,
}

/// One condition.
#[derive(Debug, Clone, PartialEq)]
enum Condition {
    /// A numeric field compared with a number.
    Numeric {
        field: NumericField,
        op: Op,
        value: f64,
    },
    /// A categorical field equal to a value.
    Category { field: &'static str, value: String },
}

/// The numeric fields a condition or a statistic can use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NumericField {
    /// Age, years.
    Age,
    /// Locoregional RT dose, cGy.
    RtDose,
    /// Survival time, months.
    SurvivalMonths,
    /// Induction cycles (none for patients without induction).
    InductionCycles,
    /// WHO type, 1-3.
    Histology,
    /// T stage number.
    TStage,
    /// N stage number.
    NStage,
}

impl NumericField {
    /// Parses a field name.
    pub fn parse(name: &str) -> Option<NumericField> {
        Some(match name {
            "age" => NumericField::Age,
            "rt_dose_cgy" => NumericField::RtDose,
            "survival_months" => NumericField::SurvivalMonths,
            "induction_cycles" => NumericField::InductionCycles,
            "histology" => NumericField::Histology,
            "t_stage" => NumericField::TStage,
            "n_stage" => NumericField::NStage,
            _ => return None,
        })
    }

    /// The field's value for a patient (`None`: induction cycles without induction).
    pub fn value(self, p: &Patient) -> Option<f64> {
        Some(match self {
            NumericField::Age => f64::from(p.age_years),
            NumericField::RtDose => f64::from(p.rt_dose_cgy),
            NumericField::SurvivalMonths => p.survival_months,
            NumericField::InductionCycles => match p.induction {
                Induction::None => return None,
                Induction::Given { cycles, .. } => f64::from(cycles),
            },
            NumericField::Histology => f64::from(p.histology.who_type()),
            NumericField::TStage => f64::from(p.t_stage.number()),
            NumericField::NStage => f64::from(p.n_stage.number()),
        })
    }
}

const CATEGORIES: &[(&str, &[&str])] = &[
    ("sex", &["male", "female"]),
    ("lesions", &["single", "oligo", "multiple"]),
    ("organs", &["single", "multiple"]),
    ("liver", &["yes", "no"]),
    ("induction", &["yes", "no"]),
    (
        "induction_regimen",
        &["pe", "tp", "bep", "dcx", "ep", "carboplatin_docetaxel"],
    ),
    ("concurrent", &["none", "cisplatin", "carboplatin", "any"]),
    (
        "site",
        &[
            "bone",
            "bone_marrow",
            "liver",
            "lung",
            "mediastinal",
            "para_aortic",
            "axillary",
            "adrenal",
        ],
    ),
    ("status", &["died", "ned", "active"]),
];

/// A conjunction of conditions; the empty one (`all`) holds for everyone.
#[derive(Debug, Clone, PartialEq)]
pub struct Predicate {
    conditions: Vec<Condition>,
    text: String,
}

impl Predicate {
    /// Parses `cond&cond…` or `all`; the error says what was not understood.
    pub fn parse(text: &str) -> Result<Predicate, String> {
        let text = text.trim();
        let mut conditions = Vec::new();
        if text != "all" {
            for part in text.split('&') {
                conditions.push(parse_condition(part.trim())?);
            }
        }
        Ok(Predicate {
            conditions,
            text: text.to_owned(),
        })
    }

    /// Whether the patient satisfies every condition.
    pub fn holds(&self, p: &Patient) -> bool {
        self.conditions.iter().all(|c| c.holds(p))
    }
}

impl fmt::Display for Predicate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

fn parse_condition(text: &str) -> Result<Condition, String> {
    let ops = [
        ("<=", Op::Le),
        (">=", Op::Ge),
        ("<", Op::Lt),
        (">", Op::Gt),
        ("=", Op::Eq),
    ];
    let (position, symbol, op) = ops
        .iter()
        .filter_map(|&(s, op)| text.find(s).map(|i| (i, s, op)))
        .min_by_key(|&(i, s, _)| (i, std::cmp::Reverse(s.len())))
        .ok_or_else(|| {
            format!("`{text}` has no comparison (expected e.g. `age<16` or `sex=male`)")
        })?;
    let (field, value) = (
        text[..position].trim(),
        text[position + symbol.len()..].trim(),
    );
    if let Some(numeric) = NumericField::parse(field) {
        let value: f64 = value
            .parse()
            .map_err(|_| format!("`{text}`: `{value}` is not a number"))?;
        return Ok(Condition::Numeric {
            field: numeric,
            op,
            value,
        });
    }
    let (name, allowed) = CATEGORIES
        .iter()
        .find(|(name, _)| *name == field)
        .ok_or_else(|| format!("`{text}`: unknown field `{field}`"))?;
    if op != Op::Eq {
        return Err(format!(
            "`{text}`: `{field}` is categorical; only `=` applies"
        ));
    }
    if !allowed.contains(&value) {
        return Err(format!(
            "`{text}`: `{value}` is not one of {}",
            allowed.join(", ")
        ));
    }
    Ok(Condition::Category {
        field: name,
        value: value.to_owned(),
    })
}

impl Condition {
    fn holds(&self, p: &Patient) -> bool {
        match self {
            Condition::Numeric { field, op, value } => field.value(p).is_some_and(|x| match op {
                Op::Lt => x < *value,
                Op::Le => x <= *value,
                Op::Gt => x > *value,
                Op::Ge => x >= *value,
                Op::Eq => x == *value,
            }),
            Condition::Category { field, value } => {
                category(p, field) == value.as_str() || any_match(p, field, value)
            }
        }
    }
}

/// The patient's value of a single-valued categorical field.
fn category(p: &Patient, field: &str) -> &'static str {
    match field {
        "sex" => match p.sex {
            Sex::Male => "male",
            Sex::Female => "female",
        },
        "lesions" => match p.lesions {
            LesionBurden::Single => "single",
            LesionBurden::Oligometastatic => "oligo",
            LesionBurden::Multiple => "multiple",
        },
        "organs" => match p.organs {
            OrganBurden::Single => "single",
            OrganBurden::Multiple => "multiple",
        },
        "liver" => yes_no(p.liver_metastasis),
        "induction" => yes_no(p.received_induction()),
        "induction_regimen" => match p.induction {
            Induction::None => "",
            Induction::Given { regimen, .. } => match regimen {
                InductionRegimen::Pe => "pe",
                InductionRegimen::Tp => "tp",
                InductionRegimen::Bep => "bep",
                InductionRegimen::Dcx => "dcx",
                InductionRegimen::Ep => "ep",
                InductionRegimen::CarboplatinDocetaxel => "carboplatin_docetaxel",
            },
        },
        "concurrent" => match p.concurrent {
            ConcurrentChemotherapy::None => "none",
            ConcurrentChemotherapy::Cisplatin => "cisplatin",
            ConcurrentChemotherapy::Carboplatin => "carboplatin",
        },
        "status" => match p.last_status {
            LastStatus::Died => "died",
            LastStatus::NoEvidenceOfDisease => "ned",
            LastStatus::ActiveDisease => "active",
        },
        _ => "",
    }
}

/// Matches that are not a single value: `concurrent=any` and metastatic sites.
fn any_match(p: &Patient, field: &str, value: &str) -> bool {
    match (field, value) {
        ("concurrent", "any") => p.received_concurrent(),
        ("site", site) => {
            let site = match site {
                "bone" => MetastaticSite::Bone,
                "bone_marrow" => MetastaticSite::BoneMarrow,
                "liver" => MetastaticSite::Liver,
                "lung" => MetastaticSite::Lung,
                "mediastinal" => MetastaticSite::MediastinalLymphNodes,
                "para_aortic" => MetastaticSite::ParaAorticLymphNodes,
                "axillary" => MetastaticSite::AxillaryLymphNodes,
                "adrenal" => MetastaticSite::Adrenal,
                _ => return false,
            };
            p.metastatic_sites.contains(site)
        }
        _ => false,
    }
}

fn yes_no(b: bool) -> &'static str {
    if b { "yes" } else { "no" }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn count(text: &str) -> usize {
        let cohort = dizdar2021_cohort::dizdar2021::cohort().unwrap();
        let pred = Predicate::parse(text).unwrap();
        cohort.patients().iter().filter(|p| pred.holds(p)).count()
    }

    #[test]
    fn predicates_count_the_paper_cohort() {
        assert_eq!(count("all"), 35);
        assert_eq!(count("sex=female"), 5);
        assert_eq!(count("age<16"), 6);
        assert_eq!(count("age<=16"), 7);
        assert_eq!(count("histology>=2"), 33);
        assert_eq!(count("liver=yes&status=ned"), 3);
        assert_eq!(count("site=bone"), 25);
        assert_eq!(count("concurrent=any"), 18);
        assert_eq!(count("age<=16&rt_dose_cgy>=7000"), 1);
        assert_eq!(count("status=ned&survival_months>60"), 6);
    }

    #[test]
    fn bad_predicates_say_what_is_wrong() {
        assert!(
            Predicate::parse("colour=red")
                .unwrap_err()
                .contains("unknown field `colour`")
        );
        assert!(
            Predicate::parse("sex<male")
                .unwrap_err()
                .contains("categorical")
        );
        assert!(
            Predicate::parse("sex=other")
                .unwrap_err()
                .contains("not one of")
        );
        assert!(
            Predicate::parse("age<old")
                .unwrap_err()
                .contains("not a number")
        );
        assert!(
            Predicate::parse("age")
                .unwrap_err()
                .contains("no comparison")
        );
    }
}
