//! Forest plots: hazard ratios with their confidence intervals on a log axis,
//! one row per group, under a heading per factor, with each factor's
//! reference group marked, as survminer's `ggforest` lays them out. Drawn with
//! the Kaplan-Meier figure's page, typeface and primitives, so that both come
//! out of one renderer and encode to PNG or PDF alike.

use svg::Document;
use svg::node::element::path::Data;
use svg::node::element::{Group, Path, Rectangle};

use super::PlotError;
use super::draw::{
    AXIS_TITLE_SIZE, CAP_HEIGHT, GAP, LEADING, LINE_WIDTH, PAD, TICK_LENGTH, TICK_SIZE, TITLE_SIZE,
    WIDTH, line, page, r, text,
};
use super::font::{self, Weight};

/// What a row of the forest plot shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ForestKind {
    /// A factor's name, over its groups.
    Heading,
    /// The group the others are compared with (hazard ratio 1 by definition).
    Reference,
    /// A hazard ratio with its interval.
    Estimate,
}

/// One row: a label, and for an estimate its hazard ratio and interval.
#[derive(Debug, Clone, PartialEq)]
pub struct ForestRow {
    /// The factor's or the group's name.
    pub label: String,
    /// What the row shows.
    pub kind: ForestKind,
    /// Subjects in the group, when known.
    pub n: Option<usize>,
    /// The hazard ratio (`None`: not estimable, shown as NA).
    pub hr: Option<f64>,
    /// Its lower bound (`None`: unbounded below, drawn as an arrow).
    pub lower: Option<f64>,
    /// Its upper bound (`None`: unbounded above, drawn as an arrow).
    pub upper: Option<f64>,
    /// Its p-value.
    pub p_value: Option<f64>,
}

impl ForestRow {
    /// A factor's heading.
    pub fn heading(name: &str) -> ForestRow {
        ForestRow {
            label: name.to_owned(),
            kind: ForestKind::Heading,
            n: None,
            hr: None,
            lower: None,
            upper: None,
            p_value: None,
        }
    }

    /// A reference group of `n` subjects.
    pub fn reference(label: &str, n: usize) -> ForestRow {
        ForestRow {
            n: Some(n),
            ..ForestRow::reference_without_n(label)
        }
    }

    /// A reference group whose size is not shown.
    pub fn reference_without_n(label: &str) -> ForestRow {
        ForestRow {
            label: label.to_owned(),
            kind: ForestKind::Reference,
            n: None,
            hr: Some(1.0),
            lower: None,
            upper: None,
            p_value: None,
        }
    }

    /// A group's hazard ratio against its factor's reference.
    pub fn estimate(
        label: &str,
        n: Option<usize>,
        hr: surv_engine::HazardRatio,
        p_value: Option<f64>,
    ) -> ForestRow {
        ForestRow {
            label: label.to_owned(),
            kind: ForestKind::Estimate,
            n,
            hr: hr.hr,
            lower: hr.lower,
            upper: hr.upper,
            p_value,
        }
    }
}

const TEXT_SIZE: f64 = 9.0;
const ROW_HEIGHT: f64 = 15.0;
const INDENT: f64 = 10.0;
const MARKER: f64 = 6.0;
const ARROW: f64 = 4.0;
/// The plot area takes at least this share of the page.
const PLOT_SHARE: f64 = 0.34;
/// Candidate ticks of the log axis.
const TICKS: [f64; 13] = [
    0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0,
];
/// The axis never spans more than this: intervals beyond end in an arrow.
const AXIS_LIMITS: (f64, f64) = (0.01, 100.0);

/// The hazard ratio and interval as printed: `1.52 (1.10–2.09)`.
fn estimate_text(row: &ForestRow) -> String {
    let f = |x: Option<f64>, open: &str| x.map_or_else(|| open.to_owned(), |v| format!("{v:.2}"));
    match (row.kind, row.hr) {
        (ForestKind::Heading, _) => String::new(),
        (ForestKind::Reference, _) => "Reference".to_owned(),
        (ForestKind::Estimate, None) => "NA".to_owned(),
        (ForestKind::Estimate, hr) => format!(
            "{} ({}–{})",
            f(hr, "NA"),
            f(row.lower, "0"),
            f(row.upper, "∞")
        ),
    }
}

/// The axis range: the hazard ratios, their bounds and 1, widened to the
/// nearest candidate ticks, within [`AXIS_LIMITS`].
fn axis_range(rows: &[ForestRow]) -> (f64, f64) {
    let values = rows
        .iter()
        .filter(|r| r.kind == ForestKind::Estimate)
        .flat_map(|r| [r.hr, r.lower, r.upper])
        .flatten()
        .filter(|v| v.is_finite() && *v > 0.0)
        .chain([1.0]);
    let (lo, hi) = values.fold((1.0f64, 1.0f64), |(lo, hi), v| (lo.min(v), hi.max(v)));
    let lo = TICKS
        .iter()
        .rev()
        .copied()
        .find(|&t| t <= lo)
        .unwrap_or(AXIS_LIMITS.0);
    let hi = TICKS
        .iter()
        .copied()
        .find(|&t| t >= hi)
        .unwrap_or(AXIS_LIMITS.1);
    (lo.max(AXIS_LIMITS.0), hi.min(AXIS_LIMITS.1))
}

/// The ticks of the axis: every candidate within range, thinned to the
/// 1-2-5 ones when they would crowd.
fn axis_ticks(lo: f64, hi: f64) -> Vec<f64> {
    let all: Vec<f64> = TICKS
        .iter()
        .copied()
        .filter(|&t| t >= lo && t <= hi)
        .collect();
    if all.len() <= 7 {
        return all;
    }
    all.into_iter()
        .filter(|t| {
            let m = t / 10f64.powf(t.log10().floor());
            [1.0, 2.0, 5.0].iter().any(|k| (m - k).abs() < 1e-9)
        })
        .collect()
}

fn tick_label(t: f64) -> String {
    format!("{}", (t * 1e6).round() / 1e6)
}

/// The forest plot of `rows` as SVG: a label column, the number of subjects,
/// the plot area on a log axis with a dashed line at 1, the hazard ratio with
/// its interval, and the p-value.
pub fn forest(
    rows: &[ForestRow],
    title: Option<&str>,
    axis_label: &str,
) -> Result<String, PlotError> {
    if !rows.iter().any(|r| r.kind == ForestKind::Estimate) {
        return Err(PlotError::NothingToDraw {
            what: "hazard ratio",
        });
    }
    let label_width = rows
        .iter()
        .map(|r| match r.kind {
            ForestKind::Heading => font::width(&r.label, TEXT_SIZE, Weight::Bold),
            _ => INDENT + font::width(&r.label, TEXT_SIZE, Weight::Regular),
        })
        .fold(0.0, f64::max);
    let show_n = rows.iter().any(|r| r.n.is_some());
    let n_width = if show_n {
        rows.iter()
            .filter_map(|r| r.n)
            .map(|n| font::width(&n.to_string(), TEXT_SIZE, Weight::Regular))
            .fold(font::width("n", TEXT_SIZE, Weight::Bold), f64::max)
    } else {
        0.0
    };
    let estimates: Vec<String> = rows.iter().map(estimate_text).collect();
    let estimate_width = estimates
        .iter()
        .map(|e| font::width(e, TEXT_SIZE, Weight::Regular))
        .fold(
            font::width("HR (95% CI)", TEXT_SIZE, Weight::Bold),
            f64::max,
        );
    let p_width = rows
        .iter()
        .map(|r| font::width(&crate::text::p_short(r.p_value), TEXT_SIZE, Weight::Regular))
        .fold(font::width("p", TEXT_SIZE, Weight::Bold), f64::max);

    // Columns from the right; the labels take what the plot area leaves,
    // and wrap or shrink nothing: a label too long for the page is refused.
    let p_right = WIDTH - PAD;
    let estimate_right = p_right - p_width - 2.0 * GAP;
    let plot_right = estimate_right - estimate_width - 3.0 * GAP;
    let n_left = PAD + label_width + 2.0 * GAP;
    let n_right = n_left + n_width;
    let plot_left = n_right + 2.0 * GAP;
    if plot_right - plot_left < WIDTH * PLOT_SHARE {
        return Err(PlotError::InvalidOption {
            what: "forest plot labels (points)",
            value: r(label_width),
            expected: "labels short enough to leave a third of the page to the plot",
        });
    }
    let (lo, hi) = axis_range(rows);
    let x = |v: f64| {
        let v = v.clamp(lo, hi);
        plot_left + (v.ln() - lo.ln()) / (hi.ln() - lo.ln()) * (plot_right - plot_left)
    };

    let doc = Document::new()
        .set("width", format!("{WIDTH}pt"))
        .set("font-family", font::FAMILY);
    let mut body = Group::new();
    let mut y = PAD;
    if let Some(title) = title.filter(|t| !t.trim().is_empty()) {
        let mut group = Group::new()
            .set("class", "title")
            .set("font-weight", "bold");
        for l in font::wrap(title, TITLE_SIZE, Weight::Bold, WIDTH - 2.0 * PAD) {
            group = group.add(text(&l, PAD, y + TITLE_SIZE, TITLE_SIZE));
            y += TITLE_SIZE * LEADING;
        }
        body = body.add(group);
        y += GAP;
    }

    // Column headings.
    let baseline = |top: f64| top + ROW_HEIGHT / 2.0 + TEXT_SIZE * CAP_HEIGHT / 2.0;
    let head = baseline(y);
    let mut headings = Group::new()
        .set("class", "column-headings")
        .set("font-weight", "bold")
        .add(text("HR (95% CI)", estimate_right, head, TEXT_SIZE).set("text-anchor", "end"))
        .add(text("p", p_right, head, TEXT_SIZE).set("text-anchor", "end"));
    if show_n {
        headings = headings.add(text("n", n_right, head, TEXT_SIZE).set("text-anchor", "end"));
    }
    body = body.add(headings);
    y += ROW_HEIGHT;
    let plot_top = y;
    let plot_bottom = plot_top + rows.len() as f64 * ROW_HEIGHT;

    // Shade every other factor's block, so the eye keeps a factor's rows together.
    let mut shading = Group::new().set("class", "shading").set("fill", "#f2f2f2");
    let mut block_start: Option<f64> = None;
    let mut block = 0;
    for (i, row) in rows.iter().enumerate() {
        let top = plot_top + i as f64 * ROW_HEIGHT;
        if row.kind == ForestKind::Heading {
            if let Some(start) = block_start.take()
                && block % 2 == 1
            {
                shading = shading.add(band(start, top));
            }
            block += 1;
            block_start = Some(top);
        }
    }
    if let Some(start) = block_start
        && block % 2 == 1
    {
        shading = shading.add(band(start, plot_bottom));
    }
    body = body.add(shading);

    // The line of no effect.
    body = body.add(
        line(x(1.0), plot_top, x(1.0), plot_bottom)
            .set("stroke", "#777777")
            .set("stroke-width", 0.8)
            .set("stroke-dasharray", "3 2")
            .set("class", "no-effect"),
    );

    let mut labels = Group::new().set("class", "labels");
    let mut marks = Group::new()
        .set("class", "estimates")
        .set("stroke", "black")
        .set("stroke-width", LINE_WIDTH);
    for (i, (row, estimate)) in rows.iter().zip(&estimates).enumerate() {
        let top = plot_top + i as f64 * ROW_HEIGHT;
        let base = baseline(top);
        let centre = top + ROW_HEIGHT / 2.0;
        match row.kind {
            ForestKind::Heading => {
                labels = labels.add(
                    text(&row.label, PAD, base, TEXT_SIZE)
                        .set("font-weight", "bold")
                        .set("class", "factor"),
                );
            }
            _ => {
                labels = labels
                    .add(text(&row.label, PAD + INDENT, base, TEXT_SIZE).set("class", "group"));
                if let Some(n) = row.n {
                    labels = labels.add(
                        text(&n.to_string(), n_right, base, TEXT_SIZE).set("text-anchor", "end"),
                    );
                }
                labels = labels.add(
                    text(estimate, estimate_right, base, TEXT_SIZE)
                        .set("text-anchor", "end")
                        .set("class", "hr"),
                );
                let p = crate::text::p_short(row.p_value);
                if !p.is_empty() {
                    labels =
                        labels.add(text(&p, p_right, base, TEXT_SIZE).set("text-anchor", "end"));
                }
            }
        }
        match (row.kind, row.hr) {
            (ForestKind::Reference, _) => {
                // An open square at 1: the reference, not an estimate.
                marks = marks.add(
                    Rectangle::new()
                        .set("x", r(x(1.0) - MARKER / 2.0))
                        .set("y", r(centre - MARKER / 2.0))
                        .set("width", MARKER)
                        .set("height", MARKER)
                        .set("fill", "white")
                        .set("stroke-width", 1.0)
                        .set("class", "reference"),
                );
            }
            (ForestKind::Estimate, Some(hr)) if hr.is_finite() && hr > 0.0 => {
                let from = row.lower.filter(|v| *v > 0.0 && v.is_finite());
                let to = row.upper.filter(|v| v.is_finite());
                let left = from.map_or(lo, |v| v.max(lo));
                let right = to.map_or(hi, |v| v.min(hi));
                marks = marks.add(line(x(left), centre, x(right), centre));
                // An interval past the axis ends in an arrow.
                if from.is_none_or(|v| v < lo) {
                    marks = marks.add(arrow(x(lo), centre, -1.0));
                }
                if to.is_none_or(|v| v > hi) {
                    marks = marks.add(arrow(x(hi), centre, 1.0));
                }
                marks = marks.add(
                    Rectangle::new()
                        .set("x", r(x(hr) - MARKER / 2.0))
                        .set("y", r(centre - MARKER / 2.0))
                        .set("width", MARKER)
                        .set("height", MARKER)
                        .set("fill", "black")
                        .set("stroke", "none")
                        .set("class", "estimate"),
                );
            }
            _ => {}
        }
    }
    body = body.add(labels).add(marks);

    // The axis.
    let mut axis = Group::new().set("class", "axis").set("stroke-width", 0.8);
    axis = axis.add(line(plot_left, plot_bottom, plot_right, plot_bottom).set("stroke", "black"));
    let tick_baseline = plot_bottom + TICK_LENGTH + 3.0 + TICK_SIZE * CAP_HEIGHT;
    for t in axis_ticks(lo, hi) {
        axis = axis
            .add(line(x(t), plot_bottom, x(t), plot_bottom + TICK_LENGTH).set("stroke", "black"))
            .add(
                text(&tick_label(t), x(t), tick_baseline, TICK_SIZE)
                    .set("text-anchor", "middle")
                    .set("class", "x-tick-label"),
            );
    }
    let title_baseline = tick_baseline + GAP + AXIS_TITLE_SIZE;
    axis = axis.add(
        text(
            axis_label,
            (plot_left + plot_right) / 2.0,
            title_baseline,
            AXIS_TITLE_SIZE,
        )
        .set("text-anchor", "middle")
        .set("class", "x-title"),
    );
    body = body.add(axis);

    Ok(page(
        doc,
        body,
        title_baseline + AXIS_TITLE_SIZE * (LEADING - 1.0) + PAD,
    ))
}

/// The shaded band of one factor's rows.
fn band(top: f64, bottom: f64) -> Rectangle {
    Rectangle::new()
        .set("x", PAD - 2.0)
        .set("y", r(top))
        .set("width", WIDTH - 2.0 * PAD + 4.0)
        .set("height", r(bottom - top))
}

/// An arrowhead at `x` pointing left (`direction` −1) or right (+1).
fn arrow(x: f64, y: f64, direction: f64) -> Path {
    let data = Data::new()
        .move_to((r(x - direction * ARROW), r(y - ARROW / 2.0)))
        .line_to((r(x), r(y)))
        .line_to((r(x - direction * ARROW), r(y + ARROW / 2.0)));
    Path::new().set("d", data).set("fill", "none")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_axis_covers_every_interval_and_one() {
        let rows = [
            ForestRow::heading("ECOG"),
            ForestRow::reference("0", 63),
            ForestRow {
                label: "2".into(),
                kind: ForestKind::Estimate,
                n: Some(50),
                hr: Some(2.3),
                lower: Some(1.4),
                upper: Some(3.7),
                p_value: Some(0.001),
            },
        ];
        assert_eq!(axis_range(&rows), (1.0, 5.0));
        let with_small = [ForestRow {
            hr: Some(0.3),
            lower: Some(0.15),
            ..rows[2].clone()
        }];
        assert_eq!(axis_range(&with_small), (0.1, 5.0));
        assert_eq!(
            axis_ticks(0.01, 100.0),
            [
                0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0
            ]
        );
    }

    #[test]
    fn estimates_print_with_open_bounds() {
        let row = ForestRow {
            label: "x".into(),
            kind: ForestKind::Estimate,
            n: None,
            hr: Some(1.5),
            lower: Some(1.1),
            upper: None,
            p_value: None,
        };
        assert_eq!(estimate_text(&row), "1.50 (1.10–∞)");
        assert_eq!(estimate_text(&ForestRow::reference("a", 3)), "Reference");
    }
}
