//! Kaplan-Meier figures as SVG: step curves, a confidence band for a single
//! curve, censoring marks, the number at risk under the axis aligned with its
//! ticks, and optional landmark estimates marked on a single curve. The paper's
//! Figure 1 and `npcsurv km --plot` are both drawn here.
//!
//! Drawn with plotters' SVG backend without font support: text is written as SVG
//! `<text>` elements and laid out by the viewer, so label widths are estimated,
//! not measured.

use plotters::prelude::*;
use serde::Serialize;
use surv_engine::km::KmCurve;

/// One curve as drawn.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CurveData {
    /// Legend label (`None` for a single, unlabelled curve).
    pub label: Option<String>,
    /// Step corners: (time, survival), starting at (0, 1).
    pub steps: Vec<(f64, f64)>,
    /// Band corners: (time, lower, upper), starting at (0, 1, 1); drawn only
    /// when there is one curve.
    pub band: Vec<(f64, f64, f64)>,
    /// Censoring marks: (time, survival).
    pub censored: Vec<(f64, f64)>,
    /// Number at risk at each tick: (time, n).
    pub at_risk: Vec<(f64, usize)>,
}

/// The numbers a figure draws, for a snapshot and for readers.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FigureData {
    /// The curves.
    pub curves: Vec<CurveData>,
    /// Marked landmarks of a single curve: (time, survival, lower, upper).
    pub landmarks: Vec<(f64, f64, Option<f64>, Option<f64>)>,
    /// Tick spacing of the x axis.
    pub tick: f64,
    /// End of the x axis.
    pub x_max: f64,
}

/// How a marked landmark is labelled: from its (time, survival, lower, upper).
pub type LandmarkLabel<'a> = &'a dyn Fn(f64, f64, Option<f64>, Option<f64>) -> String;

/// Labels of a figure.
pub struct Labels<'a> {
    /// Title above the plot.
    pub title: &'a str,
    /// x-axis description.
    pub x: &'a str,
    /// y-axis description.
    pub y: &'a str,
    /// The text beside each marked landmark; `None` gives "S(t) = s %".
    pub landmark: Option<LandmarkLabel<'a>>,
}

/// A tick spacing of 1, 2 or 5 × 10^k giving about ten ticks up to `last`.
fn nice_tick(last: f64) -> f64 {
    let raw = (last / 10.0).max(f64::MIN_POSITIVE);
    let power = 10f64.powf(raw.log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * power)
        .find(|&t| t >= raw)
        .unwrap_or(10.0 * power)
}

/// The data of a figure of `curves`, with ticks every `tick` (or a round spacing)
/// and, when there is a single curve, the `landmarks` marked on it.
pub fn data(
    curves: &[(Option<String>, &KmCurve)],
    tick: Option<f64>,
    landmarks: &[f64],
) -> FigureData {
    let last = curves
        .iter()
        .map(|(_, c)| c.last_time())
        .fold(0.0, f64::max);
    let tick = tick.unwrap_or_else(|| nice_tick(last));
    let x_max = ((last / tick).ceil() * tick).max(tick);
    let ticks: Vec<f64> = (0..=(x_max / tick).round() as usize)
        .map(|k| k as f64 * tick)
        .collect();
    let marked = match curves {
        [(_, only)] => only
            .at(landmarks)
            .iter()
            // A landmark past the end of follow-up has no estimate to mark.
            .filter_map(|a| a.survival.map(|s| (a.time, s, a.lower, a.upper)))
            .collect(),
        _ => Vec::new(),
    };
    FigureData {
        curves: curves
            .iter()
            .map(|(label, c)| curve_data(label.clone(), c, &ticks))
            .collect(),
        landmarks: marked,
        tick,
        x_max,
    }
}

fn curve_data(label: Option<String>, c: &KmCurve, ticks: &[f64]) -> CurveData {
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
    let at_risk = c.at(ticks).iter().map(|a| (a.time, a.n_risk)).collect();
    CurveData {
        label,
        steps,
        band,
        censored,
        at_risk,
    }
}

/// Renders a figure as an SVG document.
pub fn svg(figure: &FigureData, labels: &Labels<'_>) -> Result<String, String> {
    let mut out = String::new();
    {
        let rows = figure.curves.len();
        let height = 560 + 24 * rows as u32;
        let root = SVGBackend::with_string(&mut out, (900, height)).into_drawing_area();
        draw(&root, figure, labels)?;
        root.present().message()?;
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

const COLOURS: [RGBColor; 6] = [
    BLUE,
    RED,
    RGBColor(0, 130, 0),
    MAGENTA,
    RGBColor(200, 120, 0),
    CYAN,
];

fn draw(
    root: &DrawingArea<SVGBackend<'_>, plotters::coord::Shift>,
    f: &FigureData,
    labels: &Labels<'_>,
) -> Result<(), String> {
    root.fill(&WHITE).message()?;
    let (chart_area, table_area) = root.split_vertically(520);
    let mut chart = ChartBuilder::on(&chart_area)
        .caption(labels.title, ("sans-serif", 20))
        .margin(16)
        .x_label_area_size(44)
        .y_label_area_size(56)
        // Ticks exactly at multiples of the spacing, not where plotters would put them.
        .build_cartesian_2d((0f64..f.x_max).step(f.tick), 0f64..1.02f64)
        .message()?;
    chart
        .configure_mesh()
        .x_labels((f.x_max / f.tick).round() as usize + 1)
        .x_label_formatter(&|x| format!("{}", (x * 1e6).round() / 1e6))
        .y_labels(11)
        .y_label_formatter(&|y| format!("{:.0}%", y * 100.0))
        .x_desc(labels.x)
        .y_desc(labels.y)
        .light_line_style(WHITE)
        .draw()
        .message()?;

    let single = f.curves.len() == 1;
    for (k, curve) in f.curves.iter().enumerate() {
        let colour = COLOURS[k % COLOURS.len()];
        if single {
            // The 95 % band: upper corners forwards, lower corners back.
            let mut polygon: Vec<(f64, f64)> =
                curve.band.iter().map(|&(t, _, hi)| (t, hi)).collect();
            polygon.extend(curve.band.iter().rev().map(|&(t, lo, _)| (t, lo)));
            chart
                .draw_series(std::iter::once(Polygon::new(
                    polygon,
                    colour.mix(0.15).filled(),
                )))
                .message()?;
        }
        let label = curve
            .label
            .clone()
            .unwrap_or_else(|| "Kaplan-Meier estimate".to_owned());
        chart
            .draw_series(LineSeries::new(
                curve.steps.iter().copied(),
                colour.stroke_width(2),
            ))
            .message()?
            .label(label)
            .legend(move |(x, y)| {
                PathElement::new(vec![(x, y), (x + 20, y)], colour.stroke_width(2))
            });
        let marks = chart
            .draw_series(curve.censored.iter().map(|&(t, s)| {
                PathElement::new(vec![(t, s - 0.02), (t, s + 0.02)], BLACK.stroke_width(1))
            }))
            .message()?;
        if k == 0 {
            marks
                .label("Censored")
                .legend(|(x, y)| PathElement::new(vec![(x + 10, y - 5), (x + 10, y + 5)], BLACK));
        }
    }
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
        let text = match labels.landmark {
            Some(label) => label(t, s, lo, hi),
            None => format!("S({t}) = {:.1}%", s * 100.0),
        };
        chart
            .draw_series(std::iter::once(Text::new(
                text,
                (t + f.tick / 6.0, s + 0.05),
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

    // Number at risk, one row per curve, aligned with the ticks.
    table_area
        .draw(&Text::new("Number at risk", (16, 4), ("sans-serif", 14)))
        .message()?;
    for (k, curve) in f.curves.iter().enumerate() {
        let y = 30 + 24 * k as i32;
        if let Some(label) = &curve.label {
            table_area
                .draw(&Text::new(
                    label.clone(),
                    (4, y),
                    ("sans-serif", 12)
                        .into_font()
                        .color(&COLOURS[k % COLOURS.len()]),
                ))
                .message()?;
        }
        for &(t, n) in &curve.at_risk {
            let (x, _) = chart.backend_coord(&(t, 0.0));
            table_area
                .draw(&Text::new(n.to_string(), (x - 6, y), ("sans-serif", 14)))
                .message()?;
        }
    }
    Ok(())
}
