//! The coefficient table of a regression (Cox, Fine-Gray): the same JSON
//! entries, CSV rows and printed columns for both.

use serde::Serialize;
use surv_engine::HazardRatio;

use crate::text;
use crate::tidy::{self, Cell, Tidy};

/// The per-coefficient columns of a fit, in covariate order.
pub(crate) struct Coefficients<'a> {
    pub names: &'a [String],
    pub coef: &'a [f64],
    pub std_err: &'a [Option<f64>],
    pub hazard_ratio: &'a [HazardRatio],
    pub z: &'a [Option<f64>],
    pub p_value: &'a [Option<f64>],
    /// With a robust variance, its standard errors (`z`, `p_value` and the
    /// interval use them).
    pub robust_std_err: Option<&'a [Option<f64>]>,
}

/// `{"name","coef","se","hr","hr_lower","hr_upper","z","p_value"}`, then
/// `"robust_se"` with a robust variance.
#[derive(Serialize)]
pub(crate) struct CoefficientJson<'a> {
    name: &'a str,
    coef: f64,
    se: Option<f64>,
    hr: Option<f64>,
    hr_lower: Option<f64>,
    hr_upper: Option<f64>,
    z: Option<f64>,
    p_value: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    robust_se: Option<Option<f64>>,
}

impl<'a> Coefficients<'a> {
    pub(crate) fn json(&self) -> Vec<CoefficientJson<'a>> {
        (0..self.coef.len())
            .map(|j| CoefficientJson {
                name: &self.names[j],
                coef: self.coef[j],
                se: self.std_err[j],
                hr: self.hazard_ratio[j].hr,
                hr_lower: self.hazard_ratio[j].lower,
                hr_upper: self.hazard_ratio[j].upper,
                z: self.z[j],
                p_value: self.p_value[j],
                robust_se: self.robust_std_err.map(|r| r[j]),
            })
            .collect()
    }

    /// One `coefficient` row per term: estimate = coef, with its standard
    /// error(s), hazard ratio and interval, z and p.
    pub(crate) fn csv_rows(&self, out: &mut Tidy) {
        for (j, name) in self.names.iter().enumerate() {
            let hr = self.hazard_ratio[j];
            let mut cells = vec![
                ("term", Cell::Text(name)),
                ("estimate", Cell::Number(self.coef[j])),
                ("std_err", tidy::number(self.std_err[j])),
                ("hr", tidy::number(hr.hr)),
                ("hr_lower", tidy::number(hr.lower)),
                ("hr_upper", tidy::number(hr.upper)),
                ("z", tidy::number(self.z[j])),
                ("p_value", tidy::number(self.p_value[j])),
            ];
            if let Some(robust) = self.robust_std_err {
                cells.push(("robust_std_err", tidy::number(robust[j])));
            }
            out.row("coefficient", &cells);
        }
    }

    /// The printed table, as `summary.coxph` lays it out (a `robust se`
    /// column only with a robust variance).
    pub(crate) fn table(&self, conf_level: f64) -> String {
        let level = conf_level * 100.0;
        let (lower, upper) = (format!("lower .{level:.0}"), format!("upper .{level:.0}"));
        let mut header = vec!["", "coef", "exp(coef)", "se(coef)"];
        if self.robust_std_err.is_some() {
            header.push("robust se");
        }
        header.extend(["z", "p", &lower, &upper]);
        let rows: Vec<Vec<String>> = (0..self.coef.len())
            .map(|j| {
                let hr = self.hazard_ratio[j];
                let mut row = vec![
                    self.names[j].clone(),
                    format!("{:.4}", self.coef[j]),
                    text::or_na(hr.hr, 4),
                    text::or_na(self.std_err[j], 4),
                ];
                if let Some(robust) = self.robust_std_err {
                    row.push(text::or_na(robust[j], 4));
                }
                row.extend([
                    text::or_na(self.z[j], 3),
                    self.p_value[j].map_or_else(|| "NA".to_owned(), text::p_value),
                    text::or_na(hr.lower, 3),
                    text::or_na(hr.upper, 3),
                ]);
                row
            })
            .collect();
        text::aligned(&header, &rows)
    }
}
