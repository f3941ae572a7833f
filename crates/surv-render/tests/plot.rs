//! The Kaplan-Meier figure as a reviewer checks it: the table's columns stand
//! on the ticks, labels clear the numbers, the legend stays out of the plot,
//! the test is printed, files are what their extension says, and the SVG of
//! one, two and six groups is pinned.

use std::collections::HashMap;

use surv_engine::{KmConfig, KmCurve, SurvivalData, kaplan_meier};
use surv_render::plot::{
    self, FigureData, ImageFormat, Labels, PlotError, PlotOptions, PlottedTest, RiskRow,
};
use svg::parser::Event;

/// A deterministic cohort of `n` with event rate `rate`, censored uniformly.
fn curve(n: usize, rate: f64, seed: u64) -> KmCurve {
    let mut state = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    let mut uniform = || {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((state >> 11) as f64 + 0.5) / (1u64 << 53) as f64
    };
    let (mut time, mut event) = (Vec::new(), Vec::new());
    for _ in 0..n {
        let death = -uniform().ln() / rate;
        let censor = 6.0 + 60.0 * uniform();
        time.push(death.min(censor).round());
        event.push(death <= censor);
    }
    let data = SurvivalData::new(&time, &event).unwrap();
    kaplan_meier(&data, &KmConfig::default()).unwrap()
}

fn groups(k: usize) -> Vec<KmCurve> {
    (0..k)
        .map(|g| curve(30 + 7 * g, 0.02 + 0.015 * g as f64, g as u64 + 1))
        .collect()
}

fn labelled<'a>(curves: &'a [KmCurve], names: &[&str]) -> Vec<(Option<String>, &'a KmCurve)> {
    curves
        .iter()
        .zip(names)
        .map(|(c, n)| (Some((*n).to_owned()), c))
        .collect()
}

const TEST: PlottedTest = PlottedTest {
    p_value: 0.0013,
    rho: 0.0,
    stratified: false,
};

fn labels<'a>() -> Labels<'a> {
    Labels {
        title: None,
        x: "Months",
        y: "Survival probability",
        legend: Some("Arm"),
        landmark: None,
    }
}

/// Every element with its attributes, in document order.
fn elements(svg: &str) -> Vec<(String, HashMap<String, String>)> {
    svg::read(svg)
        .unwrap()
        .filter_map(|event| match event {
            Event::Tag(name, _, attributes) => Some((
                name.to_owned(),
                attributes
                    .iter()
                    .map(|(k, v)| (k.clone(), v.to_string()))
                    .collect(),
            )),
            _ => None,
        })
        .collect()
}

fn with_class<'a>(
    all: &'a [(String, HashMap<String, String>)],
    class: &str,
) -> Vec<&'a HashMap<String, String>> {
    all.iter()
        .filter(|(_, a)| a.get("class").map(String::as_str) == Some(class))
        .map(|(_, a)| a)
        .collect()
}

fn number(a: &HashMap<String, String>, key: &str) -> f64 {
    a[key].parse().unwrap()
}

/// The texts of the elements of `class`, in order.
fn texts(svg: &str, class: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut inside = false;
    for event in svg::read(svg).unwrap() {
        match event {
            Event::Tag("text", svg::node::element::tag::Type::Start, a) => {
                inside = a.get("class").map(|c| c.to_string()) == Some(class.to_owned());
            }
            Event::Text(t) if inside => out.push(unescape(t.trim())),
            Event::Tag("text", svg::node::element::tag::Type::End, _) => inside = false,
            _ => {}
        }
    }
    out
}

/// XML text as read.
fn unescape(text: &str) -> String {
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}

/// Advance width of `text` in the embedded regular face, points.
fn width(text: &str, size: f64) -> f64 {
    let face =
        ttf_parser::Face::parse(include_bytes!("../fonts/LiberationSans-Regular.ttf"), 0).unwrap();
    let units: f64 = text
        .chars()
        .map(|c| {
            let g = face.glyph_index(c).unwrap_or(ttf_parser::GlyphId(0));
            f64::from(face.glyph_hor_advance(g).unwrap_or(0))
        })
        .sum();
    units / f64::from(face.units_per_em()) * size
}

fn figure(curves: &[(Option<String>, &KmCurve)], options: &PlotOptions) -> (FigureData, String) {
    let data = plot::data(curves, options).unwrap();
    let svg = plot::svg(&data, &labels()).unwrap();
    (data, svg)
}

fn full_options() -> PlotOptions {
    PlotOptions {
        conf_band: true,
        risk_table: vec![
            RiskRow::AtRisk,
            RiskRow::CumulativeEvents,
            RiskRow::Censored,
        ],
        test: Some(TEST),
        ..PlotOptions::default()
    }
}

#[test]
fn every_table_column_stands_on_its_tick() {
    let curves = groups(6);
    let names = ["A", "B", "C", "D", "E", "F"];
    let (data, svg) = figure(&labelled(&curves, &names), &full_options());
    let all = elements(&svg);
    let ticks: Vec<f64> = with_class(&all, "x-tick-label")
        .iter()
        .map(|a| number(a, "x"))
        .collect();
    assert_eq!(ticks.len(), data.ticks.len());
    let counts = with_class(&all, "risk-count");
    // Three blocks of six rows, one count per tick, each at its tick's x.
    assert_eq!(counts.len(), 3 * 6 * ticks.len());
    for row in counts.chunks(ticks.len()) {
        let xs: Vec<f64> = row.iter().map(|a| number(a, "x")).collect();
        assert_eq!(xs, ticks);
        assert!(row.iter().all(|a| a["text-anchor"] == "middle"));
    }
    // The axis runs from the first tick to the end of the axis.
    assert_eq!(data.ticks[0], 0.0);
    assert!(data.ticks.last().copied().unwrap() <= data.x_max);
}

#[test]
fn the_counts_are_the_curves_numbers() {
    let curves = groups(2);
    let (data, svg) = figure(&labelled(&curves, &["A", "B"]), &full_options());
    for (c, drawn) in curves.iter().zip(&data.curves) {
        for (k, &t) in data.ticks.iter().enumerate() {
            let at_risk = c.time.iter().zip(&c.n_risk).find(|(time, _)| **time >= t);
            let expected_risk = at_risk.map_or(0, |(_, &n)| n);
            let events: usize = (0..c.len())
                .filter(|&i| c.time[i] <= t)
                .map(|i| c.n_event[i])
                .sum();
            let censored: usize = (0..c.len())
                .filter(|&i| c.time[i] <= t)
                .map(|i| c.n_censor[i])
                .sum();
            assert_eq!(drawn.table[0][k], expected_risk, "at risk at {t}");
            assert_eq!(drawn.table[1][k], events, "events by {t}");
            assert_eq!(drawn.table[2][k], censored, "censored by {t}");
        }
    }
    let printed = texts(&svg, "risk-count");
    assert_eq!(printed[0], data.curves[0].table[0][0].to_string());
}

#[test]
fn long_labels_shrink_or_wrap_and_never_reach_the_numbers() {
    let curves = groups(3);
    let names = [
        "Surgery then chemoradiotherapy with a very long descriptive arm name",
        "Chemotherapy",
        "Supercalifragilisticexpialidociousarmwithoutspaces",
    ];
    let (_, svg) = figure(&labelled(&curves, &names), &full_options());
    let all = elements(&svg);
    let labels = with_class(&all, "risk-label");
    let counts = with_class(&all, "risk-count");
    let label_texts = texts(&svg, "risk-label");
    let count_texts = texts(&svg, "risk-count");
    let first_count_left = counts
        .iter()
        .zip(&count_texts)
        .map(|(a, t)| number(a, "x") - width(t, number(a, "font-size")) / 2.0)
        .fold(f64::INFINITY, f64::min);
    assert!(
        labels.len() > 3 * 3,
        "the long labels wrap: {label_texts:?}"
    );
    for (a, t) in labels.iter().zip(&label_texts) {
        let size = number(a, "font-size");
        let right = number(a, "x");
        let left = right - width(t, size);
        assert!(right < first_count_left, "`{t}` runs into the numbers");
        assert!(left >= 0.0, "`{t}` leaves the figure");
        assert!(size >= 7.0);
    }
}

/// The elements and texts inside the group of `class`.
fn in_group(svg: &str, class: &str) -> (Vec<HashMap<String, String>>, Vec<String>) {
    use svg::node::element::tag::Type;
    let (mut elements, mut texts) = (Vec::new(), Vec::new());
    let mut depth = 0usize;
    for event in svg::read(svg).unwrap() {
        match event {
            Event::Tag("g", Type::Start, a)
                if depth > 0 || a.get("class").map(|c| c.to_string()) == Some(class.to_owned()) =>
            {
                depth += 1;
            }
            Event::Tag("g", Type::End, _) if depth > 0 => depth -= 1,
            Event::Tag(_, _, a) if depth > 0 && !a.is_empty() => {
                elements.push(a.iter().map(|(k, v)| (k.clone(), v.to_string())).collect());
            }
            Event::Text(t) if depth > 0 => texts.push(unescape(t.trim())),
            _ => {}
        }
    }
    (elements, texts)
}

#[test]
fn the_legend_lists_the_groups_only_and_stays_above_the_plot() {
    let curves = groups(6);
    let names = ["A", "B", "C", "D", "E", "F"];
    let (_, svg) = figure(&labelled(&curves, &names), &full_options());
    let (axes, _) = in_group(&svg, "axes");
    // The y axis is the first line of the axes: its top is the plot's top.
    let plot_top = number(&axes[0], "y1");
    let (legend, legend_texts) = in_group(&svg, "legend");
    let mut expected = vec!["Arm"];
    expected.extend(names);
    assert_eq!(legend_texts, expected);
    for a in &legend {
        let y = a.get("y").or_else(|| a.get("y1")).unwrap();
        assert!(
            y.parse::<f64>().unwrap() < plot_top,
            "legend inside the plot"
        );
    }
}

#[test]
fn the_test_is_printed_and_named() {
    let curves = groups(2);
    let (_, svg) = figure(&labelled(&curves, &["A", "B"]), &full_options());
    assert_eq!(texts(&svg, "test"), ["Log-rank p = 0.0013"]);
    let stratified = PlotOptions {
        test: Some(PlottedTest {
            p_value: 3e-6,
            rho: 1.0,
            stratified: true,
        }),
        ..full_options()
    };
    let (_, svg) = figure(&labelled(&curves, &["A", "B"]), &stratified);
    assert_eq!(texts(&svg, "test"), ["Stratified G-rho (ρ = 1) p < 0.0001"]);
    let none = PlotOptions {
        test: None,
        ..full_options()
    };
    let (_, svg) = figure(&labelled(&curves, &["A", "B"]), &none);
    assert!(texts(&svg, "test").is_empty());
}

#[test]
fn censoring_marks_take_their_curves_colour() {
    let curves = groups(3);
    let (_, svg) = figure(&labelled(&curves, &["A", "B", "C"]), &full_options());
    let all = elements(&svg);
    let strokes: Vec<&String> = with_class(&all, "curve")
        .iter()
        .map(|a| &a["stroke"])
        .collect();
    let marks: Vec<&String> = with_class(&all, "censor")
        .iter()
        .map(|a| &a["stroke"])
        .collect();
    let bands: Vec<&String> = with_class(&all, "band")
        .iter()
        .map(|a| &a["fill"])
        .collect();
    assert_eq!(strokes.len(), 3);
    assert_eq!(strokes, marks);
    assert_eq!(strokes, bands);
    let unique: std::collections::HashSet<_> = strokes.iter().collect();
    assert_eq!(unique.len(), 3);
}

#[test]
fn xlim_cuts_the_curves_and_the_table() {
    let curves = groups(2);
    let options = PlotOptions {
        xlim: Some(25.0),
        time_breaks: Some(5.0),
        ..full_options()
    };
    let (data, _) = figure(&labelled(&curves, &["A", "B"]), &options);
    assert_eq!(data.x_max, 25.0);
    assert_eq!(data.ticks, [0.0, 5.0, 10.0, 15.0, 20.0, 25.0]);
    for c in &data.curves {
        assert!(c.steps.iter().all(|&(t, _)| t <= 25.0));
        assert!(c.band.iter().all(|&(t, _, _)| t <= 25.0));
        assert_eq!(c.steps.last().unwrap().0, 25.0);
    }
}

#[test]
fn figures_that_cannot_be_read_are_refused() {
    let curves = groups(2);
    let named = labelled(&curves, &["A", "B"]);
    let many: Vec<KmCurve> = (0..13).map(|g| curve(10, 0.05, g)).collect();
    let many_named: Vec<(Option<String>, &KmCurve)> =
        many.iter().map(|c| (Some("g".to_owned()), c)).collect();
    assert_eq!(
        plot::data(&many_named, &PlotOptions::default()),
        Err(PlotError::TooManyGroups { groups: 13 })
    );
    let dense = PlotOptions {
        time_breaks: Some(0.5),
        ..PlotOptions::default()
    };
    let data = plot::data(&named, &dense).unwrap();
    assert!(matches!(
        plot::svg(&data, &labels()),
        Err(PlotError::ColumnsTooNarrow { .. })
    ));
    let tiny = PlotOptions {
        time_breaks: Some(0.01),
        ..PlotOptions::default()
    };
    assert!(matches!(
        plot::data(&named, &tiny),
        Err(PlotError::TicksTooDense { .. })
    ));
    for bad in [0.0, -1.0, f64::NAN] {
        let options = PlotOptions {
            xlim: Some(bad),
            ..PlotOptions::default()
        };
        assert!(matches!(
            plot::data(&named, &options),
            Err(PlotError::InvalidOption { .. })
        ));
    }
}

fn png_size(png: &[u8]) -> (u32, u32) {
    let be = |i: usize| u32::from_be_bytes(png[i..i + 4].try_into().unwrap());
    (be(16), be(20))
}

#[test]
fn png_and_pdf_are_what_they_say_at_the_size_asked() {
    let curves = groups(2);
    let (_, svg) = figure(&labelled(&curves, &["A", "B"]), &full_options());
    let all = elements(&svg);
    let height_pt: f64 = all[0].1["height"].trim_end_matches("pt").parse().unwrap();
    assert_eq!(all[0].1["width"], "504pt");
    for dpi in [100.0, 300.0] {
        let png = plot::encode(&svg, ImageFormat::Png, dpi).unwrap();
        assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"));
        let expected = plot::pixel_size(504.0, height_pt, dpi);
        assert_eq!(png_size(&png), expected);
        assert_eq!(expected.0, (7.0 * dpi) as u32);
        // The pHYs chunk carries the resolution, in pixels per metre.
        let phys = png.windows(4).position(|w| w == b"pHYs").unwrap();
        let per_metre = u32::from_be_bytes(png[phys + 4..phys + 8].try_into().unwrap());
        assert_eq!(per_metre, (dpi / 0.0254).round() as u32);
    }
    assert!(matches!(
        plot::encode(&svg, ImageFormat::Png, 5000.0),
        Err(PlotError::InvalidOption { .. })
    ));
    let pdf = plot::encode(&svg, ImageFormat::Pdf, 300.0).unwrap();
    assert!(pdf.starts_with(b"%PDF-"));
    let text = String::from_utf8_lossy(&pdf);
    let media = format!("/MediaBox [0 0 504 {height_pt}]");
    assert!(text.contains(&media), "page is 7 in wide: {media}");
    assert!(text.contains("FontFile2"), "the typeface is embedded");
    assert_eq!(
        plot::encode(&svg, ImageFormat::Svg, 300.0).unwrap(),
        svg.as_bytes()
    );
}

#[test]
fn snapshot_one_curve_with_band_and_landmarks() {
    let c = curve(60, 0.03, 42);
    let options = PlotOptions {
        conf_band: true,
        time_breaks: Some(12.0),
        landmarks: vec![24.0, 48.0],
        ..PlotOptions::default()
    };
    let data = plot::data(&[(None, &c)], &options).unwrap();
    let labels = Labels {
        title: Some("Overall survival"),
        x: "Months",
        y: "Overall survival",
        legend: None,
        landmark: None,
    };
    insta::assert_snapshot!("one_group", plot::svg(&data, &labels).unwrap());
}

#[test]
fn snapshot_two_groups() {
    let curves = groups(2);
    let (_, svg) = figure(
        &labelled(&curves, &["Chemotherapy", "Chemoradiotherapy"]),
        &full_options(),
    );
    insta::assert_snapshot!("two_groups", svg);
}

#[test]
fn snapshot_six_groups() {
    let curves = groups(6);
    let names = ["0", "1", "2", "3", "4", "5"];
    let (_, svg) = figure(&labelled(&curves, &names), &full_options());
    insta::assert_snapshot!("six_groups", svg);
}

#[test]
fn the_event_scale_draws_one_minus_survival_rising_from_zero() {
    let curves = groups(2);
    let named = labelled(&curves, &["A", "B"]);
    let survival = plot::data(&named, &full_options()).unwrap();
    let event_options = PlotOptions {
        scale: plot::Scale::Event,
        ..full_options()
    };
    let event = plot::data(&named, &event_options).unwrap();
    assert!(!survival.rising && event.rising);
    for (s, e) in survival.curves.iter().zip(&event.curves) {
        assert_eq!(e.steps[0], (0.0, 0.0));
        assert_eq!(s.steps.len(), e.steps.len());
        for (&(ts, vs), &(te, ve)) in s.steps.iter().zip(&e.steps) {
            assert_eq!(ts, te);
            assert!((1.0 - vs - ve).abs() < 1e-15);
        }
        for (&(_, lo, hi), &(_, elo, ehi)) in s.band.iter().zip(&e.band) {
            assert!((1.0 - hi - elo).abs() < 1e-15 && (1.0 - lo - ehi).abs() < 1e-15);
        }
        // The table counts people, whatever the scale.
        assert_eq!(s.table, e.table);
    }
    let svg = plot::svg(&event, &labels()).unwrap();
    assert_eq!(texts(&svg, "test"), ["Log-rank p = 0.0013"]);
}

#[test]
fn the_test_moves_out_of_the_way_of_the_curves() {
    // A group that dies at once fills the bottom-left corner; a group that
    // never dies fills the top-right one: the test goes above the plot.
    let fast = {
        let data = SurvivalData::new(&[0.5, 0.6, 0.7, 0.8], &[true, true, true, true]).unwrap();
        kaplan_meier(&data, &KmConfig::default()).unwrap()
    };
    let flat = {
        let data = SurvivalData::new(&[10.0, 20.0, 30.0], &[false, false, false]).unwrap();
        kaplan_meier(&data, &KmConfig::default()).unwrap()
    };
    let options = PlotOptions {
        test: Some(TEST),
        ..PlotOptions::default()
    };
    let both = [
        (Some("fast".to_owned()), &fast),
        (Some("flat".to_owned()), &flat),
    ];
    let (_, svg) = figure(&both, &options);
    let all = elements(&svg);
    let test = with_class(&all, "test");
    let (axes, _) = in_group(&svg, "axes");
    assert!(
        number(test[0], "y") < number(&axes[0], "y1"),
        "above the plot"
    );
    // With the flat curve alone beside a falling one, the bottom-left is free.
    let falling = curve(40, 0.05, 3);
    let pair = [
        (Some("a".to_owned()), &falling),
        (Some("flat".to_owned()), &flat),
    ];
    let (_, svg) = figure(&pair, &options);
    let all = elements(&svg);
    let test = with_class(&all, "test");
    assert_eq!(test[0]["text-anchor"], "start");
    assert!(number(test[0], "y") > number(&in_group(&svg, "axes").0[0], "y1"));
}
