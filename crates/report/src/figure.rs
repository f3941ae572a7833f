//! Figure 1: the overall-survival Kaplan-Meier curve as SVG, with its 95 %
//! confidence band, censoring marks, months on the x axis every 12, the
//! number at risk under the axis, and the 2- and 4-year estimates marked.
//!
//! Drawn with plotters' SVG backend without font support: text is written as SVG
//! `<text>` elements and laid out by the viewer, so label widths are estimated,
//! not measured.

use plotters::prelude::*;
use serde::Serialize;

use crate::survival_summary::SurvivalSummary;

/// Spacing of the x-axis ticks and of the at-risk counts, months.
pub const TICK_MONTHS: f64 = 12.0;

/// The numbers the figure draws, for a snapshot and for readers.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FigureData {
    /// Step corners of the curve: (time, survival), starting at (0, 1).
    pub steps: Vec<(f64, f64)>,
    /// Band corners: (time, lower, upper), starting at (0, 1, 1).
    pub band: Vec<(f64, f64, f64)>,
    /// Censoring marks: (time, survival).
    pub censored: Vec<(f64, f64)>,
    /// Number at risk at each tick: (months, n).
    pub at_risk: Vec<(f64, usize)>,
    /// Marked landmarks: (months, survival, lower, upper).
    pub landmarks: Vec<(f64, f64, Option<f64>, Option<f64>)>,
    /// End of the x axis.
    pub x_max: f64,
}

/// The figure's data from the survival summary.
pub fn data(summary: &SurvivalSummary) -> FigureData {
    let c = &summary.curve;
    let mut steps = vec![(0.0, 1.0)];
    let mut band = vec![(0.0, 1.0, 1.0)];
    let mut censored = Vec::new();
    let (mut s_prev, mut lo_prev, mut hi_prev) = (1.0, 1.0, 1.0);
    for i in 0..c.len() {
        let t = c.time[i];
        let (lo, hi) = (
            c.lower[i].unwrap_or(c.survival[i]),
            c.upper[i].unwrap_or(c.survival[i]),
        );
        if c.n_event[i] > 0 {
            steps.push((t, s_prev));
            steps.push((t, c.survival[i]));
            band.push((t, lo_prev, hi_prev));
            band.push((t, lo, hi));
        }
        if c.n_censor[i] > 0 {
            censored.push((t, c.survival[i]));
        }
        (s_prev, lo_prev, hi_prev) = (c.survival[i], lo, hi);
    }
    let last = c.last_time();
    steps.push((last, s_prev));
    band.push((last, lo_prev, hi_prev));
    let x_max = (last / TICK_MONTHS).ceil() * TICK_MONTHS;
    let ticks: Vec<f64> = (0..=(x_max / TICK_MONTHS) as usize)
        .map(|k| k as f64 * TICK_MONTHS)
        .collect();
    let at = c.at(&ticks);
    let at_risk = ticks
        .iter()
        .map(|&t| (t, at.iter().find(|a| a.time == t).map_or(0, |a| a.n_risk)))
        .collect();
    let landmarks = summary
        .landmarks
        .iter()
        .map(|a| (a.time, a.survival, a.lower, a.upper))
        .collect();
    FigureData {
        steps,
        band,
        censored,
        at_risk,
        landmarks,
        x_max,
    }
}

/// Renders the figure as an SVG document.
pub fn svg(summary: &SurvivalSummary, figure: &FigureData) -> Result<String, String> {
    let mut out = String::new();
    {
        let root = SVGBackend::with_string(&mut out, (900, 600)).into_drawing_area();
        draw(&root, summary, figure)?;
        root.present().map_err(|e| e.to_string())?;
    }
    Ok(out)
}

/// Plotters' errors borrow the backend; keep only their message.
trait Message<T> {
    fn message(self) -> Result<T, String>;
}

impl<T, E: std::fmt::Display> Message<T> for Result<T, E> {
    fn message(self) -> Result<T, String> {
        self.map_err(|e| e.to_string())
    }
}

fn draw(
    root: &DrawingArea<SVGBackend<'_>, plotters::coord::Shift>,
    summary: &SurvivalSummary,
    f: &FigureData,
) -> Result<(), String> {
    root.fill(&WHITE).message()?;
    let (chart_area, table_area) = root.split_vertically(540);
    let mut chart = ChartBuilder::on(&chart_area)
        .caption(
            format!(
                "Figure 1. Overall survival of all patients (n = {}, {} deaths)",
                summary.n, summary.deaths
            ),
            ("sans-serif", 20),
        )
        .margin(16)
        .x_label_area_size(44)
        .y_label_area_size(56)
        // Ticks exactly every 12 months, not where plotters would put them.
        .build_cartesian_2d((0f64..f.x_max).step(TICK_MONTHS), 0f64..1.02f64)
        .message()?;
    chart
        .configure_mesh()
        .x_labels((f.x_max / TICK_MONTHS) as usize + 1)
        .x_label_formatter(&|x| format!("{x:.0}"))
        .y_labels(11)
        .y_label_formatter(&|y| format!("{:.0}%", y * 100.0))
        .x_desc("Months from diagnosis")
        .y_desc("Overall survival")
        .light_line_style(WHITE)
        .draw()
        .message()?;

    // The 95 % band: upper corners forwards, lower corners back.
    let mut polygon: Vec<(f64, f64)> = f.band.iter().map(|&(t, _, hi)| (t, hi)).collect();
    polygon.extend(f.band.iter().rev().map(|&(t, lo, _)| (t, lo)));
    chart
        .draw_series(std::iter::once(Polygon::new(
            polygon,
            BLUE.mix(0.15).filled(),
        )))
        .message()?;
    chart
        .draw_series(LineSeries::new(
            f.steps.iter().copied(),
            BLUE.stroke_width(2),
        ))
        .message()?
        .label("Kaplan-Meier estimate")
        .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], BLUE.stroke_width(2)));
    chart
        .draw_series(f.censored.iter().map(|&(t, s)| {
            PathElement::new(vec![(t, s - 0.02), (t, s + 0.02)], BLACK.stroke_width(1))
        }))
        .message()?
        .label("Censored")
        .legend(|(x, y)| PathElement::new(vec![(x + 10, y - 5), (x + 10, y + 5)], BLACK));
    for &(t, s, lo, hi) in &f.landmarks {
        chart
            .draw_series(std::iter::once(PathElement::new(
                vec![(t, 0.0), (t, s)],
                RED.mix(0.6),
            )))
            .message()?;
        chart
            .draw_series(std::iter::once(Circle::new((t, s), 4, RED.filled())))
            .message()?;
        let ci = match (lo, hi) {
            (Some(lo), Some(hi)) => format!(" (95% CI {:.0}-{:.0}%)", lo * 100.0, hi * 100.0),
            _ => String::new(),
        };
        chart
            .draw_series(std::iter::once(Text::new(
                format!("{:.0}-year OS {:.1}%{ci}", t / 12.0, s * 100.0),
                (t + 2.0, s + 0.05),
                ("sans-serif", 14).into_font().color(&RED),
            )))
            .message()?;
    }
    chart
        .configure_series_labels()
        .background_style(WHITE.mix(0.8))
        .border_style(BLACK)
        .draw()
        .message()?;

    // Number at risk, aligned with the ticks.
    table_area
        .draw(&Text::new("Number at risk", (16, 4), ("sans-serif", 14)))
        .message()?;
    for &(t, n) in &f.at_risk {
        let (x, _) = chart.backend_coord(&(t, 0.0));
        table_area
            .draw(&Text::new(n.to_string(), (x - 6, 30), ("sans-serif", 14)))
            .message()?;
    }
    Ok(())
}
