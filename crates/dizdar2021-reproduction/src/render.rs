//! Markdown and JSON renderings of the survival summary and the univariate
//! table.

use std::fmt::Write;

use serde_json::{Value, json};

use crate::survival_summary::SurvivalSummary;
use surv_engine::HazardRatio;

use crate::univariate::FactorResult;

fn months(x: Option<f64>) -> String {
    x.map_or_else(|| "not reached".to_owned(), |v| format!("{v:.0}"))
}

fn percent(x: Option<f64>) -> String {
    x.map_or_else(|| "—".to_owned(), |v| format!("{:.1}", 100.0 * v))
}

/// The survival summary as Markdown.
pub fn survival_markdown(s: &SurvivalSummary) -> String {
    let mut out = String::from("# Overall survival\n\n");
    let _ = writeln!(
        out,
        "{} patients: {} died, {} alive without disease (NED), {} alive with active disease.\n",
        s.n, s.deaths, s.ned, s.active
    );
    out.push_str(
        "Kaplan-Meier estimate, 95 % confidence intervals on the log scale (R's default).\n\n",
    );
    out.push_str("| | estimate | 95 % CI | at risk |\n|---|---:|---|---:|\n");
    for a in &s.landmarks {
        let _ = writeln!(
            out,
            "| {:.0}-year OS | {} % | {} – {} % | {} |",
            a.time / 12.0,
            percent(a.survival),
            percent(a.lower),
            percent(a.upper),
            a.n_risk
        );
    }
    let _ = writeln!(
        out,
        "| median OS | {} months | {} – {} months | |",
        months(s.median.time),
        months(s.median.lower),
        months(s.median.upper)
    );
    let f = &s.follow_up;
    let _ = writeln!(
        out,
        "\nMedian follow-up: {} months as the paper computes it (median of all observed times, deaths \
         included); {} months by the reverse Kaplan-Meier method (95 % CI {} – {}), the standard \
         measure of how long the survivors were followed.",
        f.median_observed,
        months(f.reverse_km.time),
        months(f.reverse_km.lower),
        months(f.reverse_km.upper)
    );
    out
}

/// The survival summary as JSON.
pub fn survival_json(s: &SurvivalSummary) -> Value {
    json!({
        "n": s.n,
        "deaths": s.deaths,
        "ned": s.ned,
        "active_disease": s.active,
        "conf_type": s.curve.conf_type().r_name(),
        "conf_level": s.curve.conf_level(),
        "landmarks": s.landmarks.iter().map(|a| json!({
            "months": a.time, "n_risk": a.n_risk, "survival": a.survival,
            "std_err": a.std_err, "lower": a.lower, "upper": a.upper,
        })).collect::<Vec<_>>(),
        "median_os": {"months": s.median.time, "lower": s.median.lower, "upper": s.median.upper},
        "median_follow_up_observed": s.follow_up.median_observed,
        "median_follow_up_reverse_km": {
            "months": s.follow_up.reverse_km.time,
            "lower": s.follow_up.reverse_km.lower,
            "upper": s.follow_up.reverse_km.upper,
        },
    })
}

fn ratio(r: &Option<HazardRatio>) -> String {
    match r {
        None => "1 (reference)".to_owned(),
        Some(r) => {
            let bound = |x: Option<f64>| x.map_or_else(|| "∞".to_owned(), |v| format!("{v:.2}"));
            format!("{} ({} – {})", bound(r.hr), bound(r.lower), bound(r.upper))
        }
    }
}

fn p_value(p: f64) -> String {
    if p < 0.001 {
        "< 0.001".to_owned()
    } else {
        format!("{p:.3}")
    }
}

/// The univariate table as Markdown.
pub fn univariate_markdown(results: &[FactorResult]) -> String {
    let mut out = String::from("# Univariate analysis of overall survival\n\n");
    let named = results.iter().filter(|f| f.named_by_paper).count();
    let _ = write!(
        out,
        "Log-rank test (chi-square and p as R's `survdiff`), its permutation p-value (exact where the \
         relabellings number at most 2 million), each also Holm-adjusted for the number of factors tested \
         (across the paper's {named} factors, and across all {}), Cox hazard ratio against the first level \
         (Efron ties, 95 % CI), median and 2-year survival per group, and for two-group factors the smallest \
         hazard ratio the cohort's 24 deaths could detect with 80 % power at α = 0.05 (Schoenfeld).\n\n",
        results.len()
    );
    let _ = writeln!(
        out,
        "| factor | group | n | deaths | median OS (months) | 2-year OS % | HR (95 % CI) | log-rank χ² (df) | p | \
         p, Holm ({named}) | p, Holm ({all}) | permutation p | permutation p, Holm ({named}) | \
         permutation p, Holm ({all}) | detectable HR |\n\
         |---|---|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|",
        all = results.len()
    );
    for f in results {
        let named = if f.named_by_paper { " †" } else { "" };
        for (i, level) in f.levels.iter().enumerate() {
            let first = i == 0;
            let holm = |x: Option<f64>| match (first, x) {
                (true, Some(x)) => p_value(x),
                (true, None) => "—".to_owned(),
                (false, _) => String::new(),
            };
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
                if first {
                    format!("{}{named}", f.label)
                } else {
                    String::new()
                },
                level.level,
                level.n,
                level.deaths,
                months(level.median_os),
                level
                    .os_24_percent
                    .map_or_else(|| "—".to_owned(), |v| format!("{v:.1}")),
                ratio(&level.hazard_ratio),
                if first {
                    format!("{:.2} ({})", f.logrank_chisq, f.logrank_df)
                } else {
                    String::new()
                },
                if first {
                    p_value(f.logrank_p)
                } else {
                    String::new()
                },
                holm(f.logrank_p_holm_paper),
                holm(Some(f.logrank_p_holm_all)),
                if first {
                    p_value(f.permutation_p)
                } else {
                    String::new()
                },
                holm(f.permutation_p_holm_paper),
                holm(Some(f.permutation_p_holm_all)),
                match (first, f.detectable_hr) {
                    (true, Some(hr)) => format!("≤ {hr:.2} or ≥ {:.2}", 1.0 / hr),
                    _ => String::new(),
                },
            );
        }
    }
    out.push_str("\n† named in the paper's univariate analysis.\n\n");
    for f in results {
        if let Some(reading) = &f.reading {
            let _ = writeln!(out, "- **{}**: {reading}.", f.label);
        }
        if let Some(p) = f.trend_p {
            let _ = writeln!(
                out,
                "- **{}**: log-rank test for trend over the ordered groups, p = {}.",
                f.label,
                p_value(p)
            );
        }
        for w in &f.cox_warnings {
            let _ = writeln!(out, "- **{}**: Cox fit warns: {w}.", f.label);
        }
        let _ = writeln!(
            out,
            "- **{}**: permutation p-value {}.",
            f.label, f.permutation_method
        );
    }
    out
}
