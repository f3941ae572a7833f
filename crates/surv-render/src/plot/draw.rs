//! Layout and composition of the SVG. Every length is in points on a 7-inch
//! (504 pt) page width, the width of a two-column journal figure. Text is
//! measured with the embedded typeface, so labels are placed, not guessed: the
//! table's labels end left of its first column, its columns sit on the ticks
//! because both take their x from the same scale, and the legend and, when the
//! curves leave no room inside, the test sit outside the plot area.

use svg::Document;
use svg::node::element::path::Data;
use svg::node::element::{Circle, Group, Line, Path, Rectangle, Text};

use super::data::{CurveData, FigureData};
use super::font::{self, Weight};
use super::palette::Palette;
use super::{Labels, PlotError};

pub(super) const WIDTH: f64 = 504.0;
pub(super) const PAD: f64 = 12.0;
pub(super) const GAP: f64 = 6.0;
const PANEL_HEIGHT: f64 = 252.0;
pub(super) const TITLE_SIZE: f64 = 11.0;
pub(super) const AXIS_TITLE_SIZE: f64 = 10.0;
pub(super) const TICK_SIZE: f64 = 9.0;
const LEGEND_SIZE: f64 = 9.0;
const TEST_SIZE: f64 = 9.0;
const TABLE_SIZE: f64 = 8.5;
/// Long table labels shrink down to this size before they wrap.
const TABLE_MIN_SIZE: f64 = 7.0;
/// Table labels may take this share of the width.
const TABLE_LABEL_SHARE: f64 = 0.25;
/// Legend labels may take this share of the width before they wrap.
const LEGEND_LABEL_SHARE: f64 = 0.45;
pub(super) const TICK_LENGTH: f64 = 4.0;
const CENSOR_HALF_HEIGHT: f64 = 3.5;
pub(super) const LINE_WIDTH: f64 = 1.25;
const BAND_OPACITY: f64 = 0.18;
/// Survival ticks of the y axis.
const Y_TICKS: [f64; 5] = [0.0, 0.25, 0.5, 0.75, 1.0];
/// Height of a text line, in sizes.
pub(super) const LEADING: f64 = 1.25;
/// Height of capitals, in sizes: centres text on a tick.
pub(super) const CAP_HEIGHT: f64 = 0.72;

/// Coordinates are written to 0.01 pt: finer than any printer, and the SVG
/// stays stable text for snapshots.
pub(super) fn r(x: f64) -> f64 {
    (x * 100.0).round() / 100.0 + 0.0
}

/// A tick's label: the time with at most six decimals, no trailing zeros.
fn tick_label(t: f64) -> String {
    format!("{}", (t * 1e6).round() / 1e6 + 0.0)
}

fn percent(s: f64) -> String {
    format!("{:.0}%", s * 100.0)
}

pub(super) fn text(content: &str, x: f64, y: f64, size: f64) -> Text {
    Text::new(content)
        .set("x", r(x))
        .set("y", r(y))
        .set("font-size", size)
}

pub(super) fn line(x1: f64, y1: f64, x2: f64, y2: f64) -> Line {
    Line::new()
        .set("x1", r(x1))
        .set("y1", r(y1))
        .set("x2", r(x2))
        .set("y2", r(y2))
}

fn point(x: f64, y: f64) -> (f32, f32) {
    (r(x) as f32, r(y) as f32)
}

/// The x scale shared by the curves, the ticks and the table; the y scale of
/// the plot area.
struct Scale {
    left: f64,
    right: f64,
    top: f64,
    x_max: f64,
}

impl Scale {
    fn x(&self, t: f64) -> f64 {
        self.left + t / self.x_max * (self.right - self.left)
    }

    fn y(&self, s: f64) -> f64 {
        self.top + (1.0 - s) * PANEL_HEIGHT
    }

    fn bottom(&self) -> f64 {
        self.top + PANEL_HEIGHT
    }
}

/// The table's labels, shrunk and then wrapped to fit their share of the width.
struct TableLabels {
    size: f64,
    lines: Vec<Vec<String>>,
    width: f64,
}

fn table_labels(curves: &[CurveData]) -> TableLabels {
    let max = WIDTH * TABLE_LABEL_SHARE;
    let labels: Vec<&str> = curves
        .iter()
        .map(|c| c.label.as_deref().unwrap_or(""))
        .collect();
    let widest = |size: f64| {
        labels
            .iter()
            .map(|l| font::width(l, size, Weight::Regular))
            .fold(0.0, f64::max)
    };
    let mut size = TABLE_SIZE;
    while widest(size) > max && size > TABLE_MIN_SIZE {
        size -= 0.5;
    }
    let lines: Vec<Vec<String>> = labels
        .iter()
        .map(|l| font::wrap(l, size, Weight::Regular, max))
        .collect();
    let width = lines
        .iter()
        .flatten()
        .map(|l| font::width(l, size, Weight::Regular))
        .fold(0.0, f64::max);
    TableLabels { size, lines, width }
}

/// Where the test's p-value goes: inside the plot in a corner no curve, band
/// or mark passes, else on its own line above the plot.
#[derive(Debug, Clone, Copy, PartialEq)]
enum TestPlace {
    Inside { left: bool, top: bool },
    Above,
}

/// The value of a step function given by its corners at `t`, or just before
/// `t` when `before`; `None` where the curve has ended.
fn value_at(corners: impl Iterator<Item = (f64, f64)>, t: f64, before: bool) -> Option<f64> {
    let mut value = None;
    let mut end = 0.0;
    for (time, v) in corners {
        end = time;
        if time < t || (!before && time == t) || value.is_none() {
            value = Some(v);
        }
    }
    (t <= end || !before).then_some(value).flatten()
}

fn place_test(f: &FigureData, text_width: f64, panel_width: f64) -> TestPlace {
    let margin = GAP + 3.0;
    let box_width = (margin + text_width) / panel_width * f.x_max;
    let box_height = (margin + TEST_SIZE + CENSOR_HALF_HEIGHT) / PANEL_HEIGHT;
    // Seen upside down, rising curves fall: one test serves both, with the
    // band's edges swapped, which taking the smaller or larger edge does.
    let falling = |v: f64| if f.rising { 1.0 - v } else { v };
    let values = |c: &CurveData, t: f64, before: bool, edge: fn(f64, f64) -> f64| {
        [
            value_at(c.steps.iter().map(|&(s, v)| (s, falling(v))), t, before),
            value_at(
                c.band
                    .iter()
                    .map(|&(s, lo, hi)| (s, edge(falling(lo), falling(hi)))),
                t,
                before,
            ),
        ]
    };
    // Falling curves are lowest at the box's right edge…
    let clear_below = f
        .curves
        .iter()
        .flat_map(|c| values(c, box_width, false, f64::min))
        .flatten()
        .all(|v| v > box_height);
    if clear_below {
        return TestPlace::Inside {
            left: true,
            top: f.rising,
        };
    }
    // …and highest just before its left edge.
    let from = f.x_max - box_width;
    let clear_above = f
        .curves
        .iter()
        .flat_map(|c| values(c, from, true, f64::max))
        .flatten()
        .all(|v| v < 1.0 - box_height);
    if clear_above {
        TestPlace::Inside {
            left: false,
            top: !f.rising,
        }
    } else {
        TestPlace::Above
    }
}

/// Renders a figure as an SVG document.
pub fn svg(f: &FigureData, labels: &Labels<'_>) -> Result<String, PlotError> {
    let looks: Vec<Palette> = (0..f.curves.len()).map(Palette::of).collect();
    let table = table_labels(&f.curves);
    let counts: Vec<Vec<Vec<String>>> = f
        .curves
        .iter()
        .map(|c| {
            c.table
                .iter()
                .map(|row| row.iter().map(usize::to_string).collect())
                .collect()
        })
        .collect();
    let tick_labels: Vec<String> = f.ticks.iter().map(|&t| tick_label(t)).collect();

    // Horizontal layout: what the left margin must hold, and the half-widths
    // of the first and last columns, which hang over the ends of the axis.
    let count_width = |column: usize| {
        counts
            .iter()
            .flatten()
            .filter_map(|row| row.get(column))
            .map(|n| font::width(n, TABLE_SIZE, Weight::Regular))
            .fold(0.0, f64::max)
    };
    let column_width = |column: usize| {
        let tick = tick_labels
            .get(column)
            .map_or(0.0, |l| font::width(l, TICK_SIZE, Weight::Regular));
        tick.max(count_width(column))
    };
    let first_half = column_width(0) / 2.0;
    let last = f.ticks.len().saturating_sub(1);
    let last_half = column_width(last) / 2.0;
    let y_tick_width = Y_TICKS
        .iter()
        .map(|&s| font::width(&percent(s), TICK_SIZE, Weight::Regular))
        .fold(0.0, f64::max);
    let axis_need = PAD + AXIS_TITLE_SIZE * LEADING + GAP + y_tick_width + 3.0 + TICK_LENGTH;
    let table_need = if f.risk_table.is_empty() {
        0.0
    } else {
        PAD + table.width + GAP + first_half
    };
    let left = axis_need.max(table_need);
    let last_tick_gap = f.x_max - f.ticks.last().copied().unwrap_or(0.0);
    let right = WIDTH - PAD;
    // The last column may stand inside the axis when --xlim is not on a tick.
    let right = right - (last_half - last_tick_gap / f.x_max * (right - left)).max(0.0);
    if f.ticks.len() > 1 {
        let spacing = f.ticks[1] - f.ticks[0];
        let available = spacing / f.x_max * (right - left);
        let needed = (0..f.ticks.len()).map(column_width).fold(0.0, f64::max) + 4.0;
        if available < needed {
            return Err(PlotError::ColumnsTooNarrow {
                spacing,
                available,
                needed,
            });
        }
    }

    let doc = Document::new()
        .set("width", format!("{WIDTH}pt"))
        .set("font-family", font::FAMILY);
    let mut body = Group::new();

    // Title.
    let mut y = PAD;
    if let Some(title) = labels.title.filter(|t| !t.trim().is_empty()) {
        let mut group = Group::new()
            .set("class", "title")
            .set("font-weight", "bold");
        for l in font::wrap(title, TITLE_SIZE, Weight::Bold, WIDTH - 2.0 * PAD) {
            group = group.add(text(&l, PAD, y + TITLE_SIZE, TITLE_SIZE));
            y += TITLE_SIZE * LEADING;
        }
        body = body.add(group);
        y += 4.0;
    }

    // Legend: the groups only, above the plot area, wrapping into rows.
    let show_legend = f.curves.len() > 1 || f.curves.iter().any(|c| c.label.is_some());
    if show_legend {
        let mut group = Group::new().set("class", "legend");
        let sample = 18.0;
        let (mut x, mut row_height) = (left, 0.0f64);
        if let Some(heading) = labels.legend.filter(|h| !h.trim().is_empty()) {
            let lines = font::wrap(
                heading,
                LEGEND_SIZE,
                Weight::Bold,
                WIDTH * LEGEND_LABEL_SHARE,
            );
            let mut widest = 0.0f64;
            for (i, l) in lines.iter().enumerate() {
                let baseline = y + LEGEND_SIZE + i as f64 * LEGEND_SIZE * LEADING;
                group = group.add(
                    text(l, x, baseline, LEGEND_SIZE)
                        .set("font-weight", "bold")
                        .set("class", "legend-heading"),
                );
                widest = widest.max(font::width(l, LEGEND_SIZE, Weight::Bold));
            }
            row_height = lines.len() as f64 * LEGEND_SIZE * LEADING + 2.0;
            x += widest + 10.0;
        }
        for (k, c) in f.curves.iter().enumerate() {
            let lines = font::wrap(
                c.label.as_deref().unwrap_or(""),
                LEGEND_SIZE,
                Weight::Regular,
                WIDTH * LEGEND_LABEL_SHARE,
            );
            let label_width = lines
                .iter()
                .map(|l| font::width(l, LEGEND_SIZE, Weight::Regular))
                .fold(0.0, f64::max);
            let entry = sample + 4.0 + label_width;
            if x > left && x + entry > WIDTH - PAD {
                x = left;
                y += row_height;
                row_height = 0.0;
            }
            let baseline = y + LEGEND_SIZE;
            let mid = baseline - LEGEND_SIZE * CAP_HEIGHT / 2.0;
            group = group.add(styled(
                line(x, mid, x + sample, mid).set("stroke-width", 2.0),
                looks[k],
            ));
            for (i, l) in lines.iter().enumerate() {
                group = group.add(text(
                    l,
                    x + sample + 4.0,
                    baseline + i as f64 * LEGEND_SIZE * LEADING,
                    LEGEND_SIZE,
                ));
            }
            row_height = row_height.max(lines.len() as f64 * LEGEND_SIZE * LEADING + 2.0);
            x += entry + 14.0;
        }
        y += row_height + 2.0;
        body = body.add(group);
    }

    // The test, inside the plot if the curves leave a corner free.
    let test = f.test.map(|t| {
        let label = t.label();
        let width = font::width(&label, TEST_SIZE, Weight::Regular);
        (label, place_test(f, width, right - left))
    });
    if let Some((label, TestPlace::Above)) = &test {
        body = body.add(
            text(label, right, y + TEST_SIZE, TEST_SIZE)
                .set("class", "test")
                .set("text-anchor", "end"),
        );
        y += TEST_SIZE * LEADING + 2.0;
    }

    let scale = Scale {
        left,
        right,
        top: y + GAP,
        x_max: f.x_max,
    };
    body = body.add(axes(f, &scale, &tick_labels, labels));
    body = body.add(curves(f, &scale, &looks));
    if !f.landmarks.is_empty() {
        body = body.add(landmarks(f, &scale, labels));
    }
    if let Some((label, place)) = &test {
        let placed = match *place {
            TestPlace::Inside { left: at_left, top } => {
                let (x, anchor) = if at_left {
                    (left + GAP, "start")
                } else {
                    (right - GAP, "end")
                };
                let y = if top {
                    scale.top + GAP + TEST_SIZE
                } else {
                    scale.bottom() - GAP
                };
                Some(text(label, x, y, TEST_SIZE).set("text-anchor", anchor))
            }
            TestPlace::Above => None,
        };
        if let Some(placed) = placed {
            body = body.add(placed.set("class", "test"));
        }
    }

    // The table under the x-axis title.
    let mut y = scale.bottom() + TICK_LENGTH + 3.0 + TICK_SIZE + GAP + AXIS_TITLE_SIZE + 10.0;
    if !f.risk_table.is_empty() {
        let mut group = Group::new().set("class", "risk-table");
        let label_end = left - first_half - GAP;
        for (block, row) in f.risk_table.iter().enumerate() {
            group = group.add(
                text(row.heading(), PAD, y + TABLE_SIZE, TABLE_SIZE)
                    .set("font-weight", "bold")
                    .set("class", "risk-heading"),
            );
            y += TABLE_SIZE * 1.5;
            for (k, lines) in table.lines.iter().enumerate() {
                let colour = looks[k].colour;
                let baseline = y + TABLE_SIZE;
                for (i, l) in lines.iter().enumerate().filter(|(_, l)| !l.is_empty()) {
                    group = group.add(
                        text(
                            l,
                            label_end,
                            baseline + i as f64 * table.size * LEADING,
                            table.size,
                        )
                        .set("text-anchor", "end")
                        .set("fill", colour)
                        .set("class", "risk-label"),
                    );
                }
                for (&t, n) in f.ticks.iter().zip(&counts[k][block]) {
                    group = group.add(
                        text(n, scale.x(t), baseline, TABLE_SIZE)
                            .set("text-anchor", "middle")
                            .set("fill", colour)
                            .set("class", "risk-count"),
                    );
                }
                // Labels never grow past the numbers' size, so rows are as
                // tall as a line of numbers per label line.
                y += lines.len().max(1) as f64 * TABLE_SIZE * LEADING;
            }
            y += 4.0;
        }
        body = body.add(group);
    }
    Ok(page(doc, body, y + PAD))
}

/// The finished figure: `body` on a white page `height` points tall, the
/// figure's full width.
pub(super) fn page(doc: Document, body: Group, height: f64) -> String {
    let height = r(height);
    doc.set("height", format!("{height}pt"))
        .set("viewBox", (0, 0, WIDTH, height))
        .add(
            Rectangle::new()
                .set("width", WIDTH)
                .set("height", height)
                .set("fill", "white"),
        )
        .add(body)
        .to_string()
}

fn styled<T: svg::Node>(element: T, look: Palette) -> T {
    let mut element = element;
    element.assign("stroke", look.colour);
    if let Some(dash) = look.dash {
        element.assign("stroke-dasharray", dash);
    }
    element
}

fn axes(f: &FigureData, scale: &Scale, tick_labels: &[String], labels: &Labels<'_>) -> Group {
    let bottom = scale.bottom();
    let mut group = Group::new().set("class", "axes").set("stroke-width", 0.8);
    group = group
        .add(line(scale.left, scale.top, scale.left, bottom).set("stroke", "black"))
        .add(line(scale.left, bottom, scale.right, bottom).set("stroke", "black"));
    for &s in &Y_TICKS {
        let y = scale.y(s);
        group = group
            .add(line(scale.left - TICK_LENGTH, y, scale.left, y).set("stroke", "black"))
            .add(
                text(
                    &percent(s),
                    scale.left - TICK_LENGTH - 3.0,
                    y + TICK_SIZE * CAP_HEIGHT / 2.0,
                    TICK_SIZE,
                )
                .set("text-anchor", "end"),
            );
    }
    let label_baseline = bottom + TICK_LENGTH + 3.0 + TICK_SIZE * CAP_HEIGHT;
    for (&t, label) in f.ticks.iter().zip(tick_labels) {
        let x = scale.x(t);
        group = group
            .add(line(x, bottom, x, bottom + TICK_LENGTH).set("stroke", "black"))
            .add(
                text(label, x, label_baseline, TICK_SIZE)
                    .set("text-anchor", "middle")
                    .set("class", "x-tick-label"),
            );
    }
    let centre_x = (scale.left + scale.right) / 2.0;
    group = group.add(
        text(
            labels.x,
            centre_x,
            label_baseline + GAP + AXIS_TITLE_SIZE,
            AXIS_TITLE_SIZE,
        )
        .set("text-anchor", "middle")
        .set("class", "x-title"),
    );
    let centre_y = scale.y(0.5);
    let x = PAD + AXIS_TITLE_SIZE * CAP_HEIGHT;
    group.add(
        text(labels.y, x, centre_y, AXIS_TITLE_SIZE)
            .set("text-anchor", "middle")
            .set("transform", format!("rotate(-90 {} {})", r(x), r(centre_y)))
            .set("class", "y-title"),
    )
}

fn curves(f: &FigureData, scale: &Scale, looks: &[Palette]) -> Group {
    let mut group = Group::new().set("class", "curves").set("fill", "none");
    // Bands first, so that no band hides a curve.
    for (c, look) in f.curves.iter().zip(looks) {
        if c.band.is_empty() {
            continue;
        }
        let mut outline = c
            .band
            .iter()
            .map(|&(t, _, hi)| point(scale.x(t), scale.y(hi)));
        let mut data = Data::new();
        if let Some(first) = outline.next() {
            data = data.move_to(first);
        }
        for p in outline.chain(
            c.band
                .iter()
                .rev()
                .map(|&(t, lo, _)| point(scale.x(t), scale.y(lo))),
        ) {
            data = data.line_to(p);
        }
        group = group.add(
            Path::new()
                .set("d", data.close())
                .set("fill", look.colour)
                .set("fill-opacity", BAND_OPACITY)
                .set("stroke", "none")
                .set("class", "band"),
        );
    }
    for (c, &look) in f.curves.iter().zip(looks) {
        let mut data = Data::new();
        for (i, &(t, s)) in c.steps.iter().enumerate() {
            let p = point(scale.x(t), scale.y(s));
            data = if i == 0 {
                data.move_to(p)
            } else {
                data.line_to(p)
            };
        }
        group = group.add(styled(
            Path::new()
                .set("d", data)
                .set("stroke-width", LINE_WIDTH)
                .set("class", "curve"),
            look,
        ));
        if !c.censored.is_empty() {
            let mut marks = Data::new();
            for &(t, s) in &c.censored {
                let (x, y) = (scale.x(t), scale.y(s));
                marks = marks
                    .move_to(point(x, y - CENSOR_HALF_HEIGHT))
                    .line_to(point(x, y + CENSOR_HALF_HEIGHT));
            }
            group = group.add(
                Path::new()
                    .set("d", marks)
                    .set("stroke", look.colour)
                    .set("stroke-width", 0.9)
                    .set("class", "censor"),
            );
        }
    }
    group
}

fn landmarks(f: &FigureData, scale: &Scale, labels: &Labels<'_>) -> Group {
    let colour = Palette::of(0).colour;
    let mut group = Group::new().set("class", "landmarks");
    for mark in &f.landmarks {
        let (x, y) = (scale.x(mark.time), scale.y(mark.estimate));
        let label = match labels.landmark {
            Some(label) => label(mark),
            None => format!(
                "{}({}) = {:.1}%",
                if f.rising { "F" } else { "S" },
                tick_label(mark.time),
                mark.estimate * 100.0
            ),
        };
        group = group
            .add(
                line(x, scale.bottom(), x, y)
                    .set("stroke", "#555555")
                    .set("stroke-width", 0.8)
                    .set("stroke-dasharray", "3 2"),
            )
            .add(
                Circle::new()
                    .set("cx", r(x))
                    .set("cy", r(y))
                    .set("r", 2.5)
                    .set("fill", colour),
            )
            .add(text(&label, x + 5.0, y - 6.0, TEST_SIZE).set("fill", "#222222"));
    }
    group
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn step_values_follow_right_continuity() {
        let corners = [(0.0, 1.0), (2.0, 1.0), (2.0, 0.5), (5.0, 0.5)];
        let at = |t, before| value_at(corners.iter().copied(), t, before);
        assert_eq!(at(1.0, false), Some(1.0));
        assert_eq!(at(2.0, false), Some(0.5));
        assert_eq!(at(2.0, true), Some(1.0));
        assert_eq!(at(9.0, false), Some(0.5));
        // Nothing is drawn after the curve ends.
        assert_eq!(at(9.0, true), None);
    }

    #[test]
    fn tick_labels_drop_float_noise() {
        assert_eq!(tick_label(3.0 * 0.05), "0.15");
        assert_eq!(tick_label(12.0), "12");
        assert_eq!(tick_label(0.0), "0");
    }
}
