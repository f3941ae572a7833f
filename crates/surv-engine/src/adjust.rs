//! Adjusting p-values for multiple testing, as R's `p.adjust` does: Holm's
//! step-down method, which controls the family-wise error rate, and
//! Benjamini-Hochberg's step-up method, which controls the false discovery
//! rate.

use crate::error::SurvivalError;

/// The adjustment (R's `method`).
///
/// ```
/// use surv_engine::Adjustment;
/// assert_eq!("holm".parse::<Adjustment>(), Ok(Adjustment::Holm));
/// assert_eq!("BH".parse::<Adjustment>(), Ok(Adjustment::BenjaminiHochberg));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize),
    serde(rename_all = "snake_case")
)]
pub enum Adjustment {
    /// Holm (1979): the i-th smallest of m p-values times m − i + 1, made
    /// non-decreasing. Controls the family-wise error rate.
    #[default]
    Holm,
    /// Benjamini and Hochberg (1995): the i-th smallest times m / i, made
    /// non-decreasing from the largest down. Controls the false discovery rate.
    BenjaminiHochberg,
}

impl Adjustment {
    /// R's name: `holm` or `BH`.
    pub fn r_name(self) -> &'static str {
        match self {
            Adjustment::Holm => "holm",
            Adjustment::BenjaminiHochberg => "BH",
        }
    }
}

impl std::str::FromStr for Adjustment {
    type Err = String;

    /// Parses `holm`, or `bh`/`BH`/`fdr` (R's alias).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "holm" => Ok(Adjustment::Holm),
            "bh" | "BH" | "fdr" => Ok(Adjustment::BenjaminiHochberg),
            other => Err(format!("`{other}`; expected holm or bh")),
        }
    }
}

/// The adjusted p-values of `p`, in the same order. Every p must lie in
/// [0, 1]; an empty slice gives an empty result.
///
/// ```
/// use surv_engine::{adjust_p_values, Adjustment};
/// let p = [0.038, 0.30, 0.62, 0.49, 0.15];
/// let holm = adjust_p_values(&p, Adjustment::Holm).unwrap();
/// assert!((holm[0] - 0.19).abs() < 1e-12); // 5 × 0.038
/// let bh = adjust_p_values(&p, Adjustment::BenjaminiHochberg).unwrap();
/// assert!((bh[0] - 0.19).abs() < 1e-12); // 5/1 × 0.038
/// ```
pub fn adjust_p_values(p: &[f64], method: Adjustment) -> Result<Vec<f64>, SurvivalError> {
    if let Some(&bad) = p.iter().find(|&&x| !(0.0..=1.0).contains(&x)) {
        return Err(SurvivalError::InvalidParameter {
            name: "p",
            value: bad,
            expected: "p-values between 0 and 1",
        });
    }
    let m = p.len();
    let mut order: Vec<usize> = (0..m).collect();
    // Stable, so tied p-values keep their input order, as R's `order` does.
    order.sort_by(|&a, &b| p[a].total_cmp(&p[b]));
    let mut adjusted = vec![0.0; m];
    match method {
        Adjustment::Holm => {
            let mut running = 0.0f64;
            for (i, &j) in order.iter().enumerate() {
                running = running.max((m - i) as f64 * p[j]);
                adjusted[j] = running.min(1.0);
            }
        }
        Adjustment::BenjaminiHochberg => {
            let mut running = f64::INFINITY;
            for (i, &j) in order.iter().enumerate().rev() {
                running = running.min(m as f64 / (i + 1) as f64 * p[j]);
                adjusted[j] = running.min(1.0);
            }
        }
    }
    Ok(adjusted)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn holm_and_bh_by_hand() {
        let p = [0.01, 0.04, 0.03, 0.005];
        // Sorted: 0.005, 0.01, 0.03, 0.04 → Holm 0.02, 0.03, 0.06, 0.06.
        assert_eq!(
            adjust_p_values(&p, Adjustment::Holm).unwrap(),
            [0.03, 0.06, 0.06, 0.02]
        );
        // BH: 0.04·4/4 = 0.04, 0.03·4/3 = 0.04, 0.01·4/2 = 0.02, 0.005·4 = 0.02.
        let bh = adjust_p_values(&p, Adjustment::BenjaminiHochberg).unwrap();
        for (got, want) in bh.iter().zip([0.02, 0.04, 0.04, 0.02]) {
            assert!((got - want).abs() < 1e-15, "{bh:?}");
        }
        assert_eq!(
            adjust_p_values(&[], Adjustment::Holm).unwrap(),
            Vec::<f64>::new()
        );
        assert!(adjust_p_values(&[0.5, f64::NAN], Adjustment::Holm).is_err());
        assert!(adjust_p_values(&[1.5], Adjustment::BenjaminiHochberg).is_err());
    }
}
