//! Figure 1 of the paper: the overall-survival curve with its 95 % band,
//! censoring marks, months every 12 on the x axis, the number at risk under it,
//! and the 2- and 4-year estimates marked. Drawn by `surv-render`'s plot, the
//! code that draws `npcsurv km --plot`.

use surv_render::plot::{self, FigureData, Labels, Landmark, PlotError, PlotOptions};

use crate::survival_summary::{LANDMARKS_MONTHS, SurvivalSummary};

/// Spacing of the paper's x-axis ticks and at-risk counts, months.
pub const TICK_MONTHS: f64 = 12.0;

/// The numbers Figure 1 draws.
pub fn data(summary: &SurvivalSummary) -> Result<FigureData, PlotError> {
    let options = PlotOptions {
        conf_band: true,
        time_breaks: Some(TICK_MONTHS),
        landmarks: LANDMARKS_MONTHS.to_vec(),
        ..PlotOptions::default()
    };
    plot::data(&[(None, &summary.curve)], &options)
}

/// Figure 1's title.
pub fn title(summary: &SurvivalSummary) -> String {
    format!(
        "Figure 1. Overall survival of all patients (n = {}, {} deaths)",
        summary.n, summary.deaths
    )
}

/// Figure 1 as an SVG document.
pub fn svg(summary: &SurvivalSummary, figure: &FigureData) -> Result<String, PlotError> {
    let title = title(summary);
    let landmark = |mark: &Landmark| {
        let ci = match (mark.lower, mark.upper) {
            (Some(lo), Some(hi)) => format!(" (95% CI {:.0}-{:.0}%)", lo * 100.0, hi * 100.0),
            _ => String::new(),
        };
        format!(
            "{:.0}-year OS {:.1}%{ci}",
            mark.time / 12.0,
            mark.estimate * 100.0
        )
    };
    let labels = Labels {
        title: Some(&title),
        x: "Months from diagnosis",
        y: "Overall survival",
        legend: None,
        landmark: Some(&landmark),
    };
    plot::svg(figure, &labels)
}
