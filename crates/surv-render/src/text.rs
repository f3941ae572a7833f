//! Aligned text tables and the number formats people read.

use std::fmt::Write;

/// Pads columns to their widest cell, right-aligned, two spaces apart.
///
/// ```
/// let t = surv_render::text::aligned(&["group", "n"], &[vec!["all".into(), "35".into()]]);
/// assert_eq!(t, "group   n\n  all  35\n");
/// ```
pub fn aligned(headers: &[&str], rows: &[Vec<String>]) -> String {
    let mut widths: Vec<usize> = headers.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    let mut line = |cells: &[String]| {
        let padded: Vec<String> = cells
            .iter()
            .zip(&widths)
            .map(|(c, w)| format!("{c:>w$}"))
            .collect();
        let _ = writeln!(out, "{}", padded.join("  ").trim_end());
    };
    line(&headers.iter().map(|h| (*h).to_owned()).collect::<Vec<_>>());
    for row in rows {
        line(row);
    }
    out
}

/// A number as a person writes it: whole numbers without decimals, others to
/// four.
pub fn number(x: f64) -> String {
    if x == x.trunc() && x.abs() < 1e15 {
        format!("{x:.0}")
    } else {
        format!("{x:.4}")
    }
}

/// A value to `decimals` places, or `NA` where it is undefined (as R prints it).
pub fn or_na(x: Option<f64>, decimals: usize) -> String {
    x.map_or_else(|| "NA".to_owned(), |v| format!("{v:.decimals$}"))
}

/// A p-value: four decimals, or scientific notation below 10⁻⁴.
pub fn p_value(x: f64) -> String {
    if x < 1e-4 {
        format!("{x:.2e}")
    } else {
        format!("{x:.4}")
    }
}
