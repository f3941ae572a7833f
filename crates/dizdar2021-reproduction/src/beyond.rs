//! What the rows say beyond the paper, stated with the cautions a reviewer
//! would ask for: how many factors were tested and what the p-values are
//! after adjusting for that number, and which factors cannot be told apart.
//! Every sentence is written from the results, none for one factor by hand.

use std::fmt::Write;

use crate::overlap::Overlap;
use crate::univariate::FactorResult;

/// The level below which a p-value is called significant.
pub const ALPHA: f64 = 0.05;

fn p(x: f64) -> String {
    if x < 0.001 {
        "< 0.001".to_owned()
    } else {
        format!("{x:.3}")
    }
}

/// "a, b and c".
fn and_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// A factor's label, from its id.
fn label(factors: &[FactorResult], id: &str) -> String {
    factors
        .iter()
        .find(|f| f.id == id)
        .map_or(id.to_owned(), |f| f.label.clone())
}

fn patients(numbers: &[u32]) -> String {
    let listed: Vec<String> = numbers.iter().map(u32::to_string).collect();
    match numbers.len() {
        1 => format!("patient {}", listed[0]),
        _ => format!("patients {}", and_list(&listed)),
    }
}

/// The beyond-the-paper section of REPRODUCTION.md, as Markdown.
pub fn markdown(factors: &[FactorResult], overlaps: &[Overlap]) -> String {
    let mut out = String::from("## Beyond the paper\n\n");
    let named = factors.iter().filter(|f| f.named_by_paper).count();
    let _ = write!(
        out,
        "The univariate analysis tests {} factors; the paper names {named} of them. With {} deaths the \
         chi-square approximation of the log-rank test is rough, so each factor also has a permutation \
         p-value, exact where the relabellings can be counted. ",
        factors.len(),
        factors
            .first()
            .map_or(0, |f| f.levels.iter().map(|l| l.deaths).sum::<usize>())
    );
    let nominal: Vec<&FactorResult> = factors
        .iter()
        .filter(|f| f.logrank_p < ALPHA || f.permutation_p < ALPHA)
        .collect();
    if nominal.is_empty() {
        let _ = writeln!(
            out,
            "No factor reaches p < {ALPHA} by either test, before any adjustment."
        );
    } else {
        let each: Vec<String> = nominal
            .iter()
            .map(|f| {
                let mut s = format!(
                    "{} (log-rank p = {}, permutation p = {}",
                    f.label,
                    p(f.logrank_p),
                    p(f.permutation_p)
                );
                if let (Some(lr), Some(perm)) = (f.logrank_p_holm_paper, f.permutation_p_holm_paper)
                {
                    let _ = write!(
                        s,
                        "; Holm-adjusted across the paper's {named} factors {} and {}",
                        p(lr),
                        p(perm)
                    );
                }
                let _ = write!(
                    s,
                    "; across all {} factors {} and {})",
                    factors.len(),
                    p(f.logrank_p_holm_all),
                    p(f.permutation_p_holm_all)
                );
                s
            })
            .collect();
        let _ = writeln!(
            out,
            "Before adjustment, {} p < {ALPHA} by at least one test: {}.",
            match nominal.len() {
                1 => "one factor reaches".to_owned(),
                n => format!("{n} factors reach"),
            },
            and_list(&each)
        );
        let adjusted: Vec<&str> = factors
            .iter()
            .filter(|f| {
                f.logrank_p_holm_all < ALPHA
                    || f.permutation_p_holm_all < ALPHA
                    || f.logrank_p_holm_paper.is_some_and(|x| x < ALPHA)
                    || f.permutation_p_holm_paper.is_some_and(|x| x < ALPHA)
            })
            .map(|f| f.label.as_str())
            .collect();
        let _ = writeln!(
            out,
            "\nWith {} factors tested, chance alone gives p < {ALPHA} to about {:.1} of them where no factor \
             has any effect. Adjusted for the number of factors by Holm's step-down method (which controls \
             the chance of any false finding), {}.",
            factors.len(),
            factors.len() as f64 * ALPHA,
            if adjusted.is_empty() {
                format!(
                    "no factor reaches p < {ALPHA}, across the paper's {named} factors or across all {}; the rows \
                     agree with the paper's statement that no factor affected survival, and with so few deaths \
                     they could only have shown large effects (see the detectable hazard ratios)",
                    factors.len()
                )
            } else {
                format!(
                    "{} still reach p < {ALPHA}",
                    and_list(&adjusted.iter().map(|s| s.to_string()).collect::<Vec<_>>())
                )
            }
        );
    }
    for o in overlaps {
        let (first, second) = (label(factors, &o.first), label(factors, &o.second));
        let t = &o.together;
        let _ = write!(
            out,
            "\n{first} and {second} split the patients almost identically (φ = {:.2}; {} off the diagonal \
             of their 2×2 table): {} are both {} ({first}) and {} ({second})",
            o.phi,
            match o.off_diagonal {
                1 => "one patient".to_owned(),
                n => format!("{n} patients"),
            },
            patients(&t.patients),
            t.first,
            t.second
        );
        let apart: Vec<String> = o
            .apart
            .iter()
            .map(|c| {
                let verb = if c.patients.len() == 1 { "is" } else { "are" };
                format!(
                    "{} {verb} {} ({first}) but {} ({second})",
                    patients(&c.patients),
                    c.first,
                    c.second
                )
            })
            .collect();
        if !apart.is_empty() {
            let _ = write!(out, "; {}", and_list(&apart));
        }
        let s = &o.stratified;
        let _ = writeln!(
            out,
            ". An effect of one cannot be told apart from an effect of the other in these rows. Tested within \
             the levels of {second}, {first} rests only on the {} patients of the strata that hold both of its \
             levels: stratified log-rank p = {}, permutation p = {}{}.",
            s.informative,
            p(s.logrank_p),
            p(s.permutation_p),
            match s.relabellings {
                Some(r) => format!(
                    " (exact, over {r} within-strata relabellings, so no p-value below 1/{r} = {:.3} is possible)",
                    1.0 / r as f64
                ),
                None => " (Monte Carlo)".to_owned(),
            }
        );
    }
    out
}

/// The same conclusions in a few lines, for the terminal (and the README).
pub fn summary(factors: &[FactorResult], overlaps: &[Overlap]) -> String {
    let mut out = String::new();
    let named = factors.iter().filter(|f| f.named_by_paper).count();
    for f in factors
        .iter()
        .filter(|f| f.logrank_p < ALPHA || f.permutation_p < ALPHA)
    {
        let _ = write!(
            out,
            "Beyond the paper: {} has permutation p = {} (log-rank {}) before adjustment; \
             Holm-adjusted for {} factors tested, {}",
            f.label,
            p(f.permutation_p),
            p(f.logrank_p),
            factors.len(),
            p(f.permutation_p_holm_all)
        );
        if let Some(paper) = f.permutation_p_holm_paper {
            let _ = write!(out, " ({} across the paper's {named})", p(paper));
        }
        out.push_str(".\n");
    }
    for o in overlaps {
        let label = |id: &str| label(factors, id);
        let apart: Vec<u32> = o
            .apart
            .iter()
            .flat_map(|c| c.patients.iter().copied())
            .collect();
        let _ = writeln!(
            out,
            "{} and {} split the patients alike but for {} (φ = {:.2}); within the levels of {}, p = {} \
             (permutation{}).",
            label(&o.first),
            label(&o.second),
            if apart.is_empty() {
                "none".to_owned()
            } else {
                patients(&apart)
            },
            o.phi,
            label(&o.second),
            p(o.stratified.permutation_p),
            o.stratified
                .relabellings
                .map_or_else(String::new, |r| format!(", {r} relabellings"))
        );
    }
    out
}
