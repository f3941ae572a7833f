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

/// `x` to `decimals` places, halves rounded away from zero, as gtsummary's
/// `style_number` rounds (R's `round` and Rust's formatting round halves to
/// even: 26.5% would print as 26%, where gtsummary prints 27%).
///
/// ```
/// assert_eq!(surv_render::text::half_up(26.5, 0), "27");
/// assert_eq!(surv_render::text::half_up(0.125, 2), "0.13");
/// assert_eq!(surv_render::text::half_up(-2.5, 0), "-3");
/// ```
pub fn half_up(x: f64, decimals: usize) -> String {
    let scale = 10f64.powi(decimals as i32);
    // The small nudge is gtsummary's: a half that binary floating point
    // stores a hair below .5 still rounds up.
    let rounded = x.signum() * ((x.abs() * scale + 0.5 + f64::EPSILON.sqrt()).trunc()) / scale;
    let rounded = if rounded == 0.0 { 0.0 } else { rounded };
    format!("{rounded:.decimals$}")
}

/// A Markdown table, its columns padded to their widest cell so that it reads
/// in a terminal too: the first column left-aligned, the others centred.
///
/// ```
/// let t = surv_render::text::markdown(&["a".into(), "bb".into()], &[vec!["x".into(), "1".into()]]);
/// assert_eq!(t, "| a | bb |\n|:--|:--:|\n| x | 1  |\n");
/// ```
pub fn markdown(header: &[String], rows: &[Vec<String>]) -> String {
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let line = |cells: &[String]| {
        let padded: Vec<String> = cells
            .iter()
            .zip(&widths)
            .map(|(c, w)| format!("{c:<w$}"))
            .collect();
        format!("| {} |\n", padded.join(" | "))
    };
    // Each rule cell spans its column and the spaces around it.
    let rule: Vec<String> = widths
        .iter()
        .enumerate()
        .map(|(i, &w)| {
            if i == 0 {
                format!(":{}", "-".repeat(w + 1))
            } else {
                format!(":{}:", "-".repeat(w))
            }
        })
        .collect();
    let mut out = line(header);
    let _ = writeln!(out, "|{}|", rule.join("|"));
    for row in rows {
        out.push_str(&line(row));
    }
    out
}

/// A p-value as a results table prints it: three decimals, `<0.001` below;
/// empty where there is none.
///
/// ```
/// assert_eq!(surv_render::text::p_short(Some(0.0402)), "0.040");
/// assert_eq!(surv_render::text::p_short(Some(0.0004)), "<0.001");
/// assert_eq!(surv_render::text::p_short(None), "");
/// ```
pub fn p_short(p: Option<f64>) -> String {
    p.map_or_else(String::new, |p| {
        if p < 0.001 {
            "<0.001".to_owned()
        } else {
            format!("{p:.3}")
        }
    })
}
