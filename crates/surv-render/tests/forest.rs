//! The forest plot as a reviewer checks it: every estimate sits inside its
//! interval on one log scale, the line of no effect is at 1, references are
//! marked and not drawn as estimates, and the SVG is pinned.

use surv_engine::HazardRatio;
use surv_render::plot::{self, ForestRow, PlotError};
use svg::parser::Event;

fn rows() -> Vec<ForestRow> {
    let hr = |hr, lower, upper| HazardRatio {
        hr: Some(hr),
        lower: Some(lower),
        upper: Some(upper),
    };
    vec![
        ForestRow::heading("Sex"),
        ForestRow::reference("Male", 138),
        ForestRow::estimate("Female", Some(90), hr(0.59, 0.42, 0.82), Some(0.0015)),
        ForestRow::heading("ECOG"),
        ForestRow::reference("0", 63),
        ForestRow::estimate("1", Some(113), hr(1.45, 0.98, 2.13), Some(0.063)),
        ForestRow::estimate("2", Some(50), hr(2.5, 1.61, 3.88), Some(0.00004)),
        // Past the axis's end: drawn to the edge with an arrow.
        ForestRow::estimate("3", Some(1), hr(9.1, 1.22, 267.9), Some(0.031)),
    ]
}

/// The x of every element of `class`, read from the SVG.
fn xs(svg: &str, class: &str, attribute: &str) -> Vec<f64> {
    let mut out = Vec::new();
    for event in svg::read(svg).unwrap() {
        if let Event::Tag(_, _, attrs) = event
            && attrs.get("class").is_some_and(|c| *c == class)
        {
            let x: f64 = attrs[attribute].to_string().parse().unwrap();
            let w: f64 = attrs
                .get("width")
                .map_or(0.0, |w| w.to_string().parse().unwrap());
            out.push(x + w / 2.0);
        }
    }
    out
}

#[test]
fn estimates_stand_on_one_log_scale_with_no_effect_at_one() {
    let svg = plot::forest(&rows(), None, "Hazard ratio (95% CI, log scale)").unwrap();
    let estimates = xs(&svg, "estimate", "x");
    let references = xs(&svg, "reference", "x");
    let no_effect = xs(&svg, "no-effect", "x1");
    assert_eq!(estimates.len(), 4);
    assert_eq!(references.len(), 2);
    // References sit on the line of no effect.
    for x in &references {
        assert!((x - no_effect[0]).abs() < 0.02, "{x} {}", no_effect[0]);
    }
    // Log scale: equal ratios, equal distances (0.59 → 1 → 1.45 → 2.5 are not
    // equal ratios; compare the distance per log unit instead).
    let per_log = |x: f64, hr: f64| (x - no_effect[0]) / hr.ln();
    let a = per_log(estimates[0], 0.59);
    for (x, hr) in estimates.iter().zip([0.59, 1.45, 2.5, 9.1]).skip(1) {
        assert!((per_log(*x, hr) - a).abs() / a < 1e-3, "{hr}");
    }
    assert!(svg.contains("Reference"));
    assert!(svg.contains("9.10 (1.22–267.90)"));
    insta::assert_snapshot!("forest", svg);
}

#[test]
fn a_plot_without_estimates_is_refused() {
    let only_references = [ForestRow::heading("Sex"), ForestRow::reference("Male", 3)];
    assert!(matches!(
        plot::forest(&only_references, None, "HR"),
        Err(PlotError::NothingToDraw { .. })
    ));
}
