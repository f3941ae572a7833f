//! `npcsurv km --plot` as a clinician uses it: the format follows the file
//! name, the test on the plot is the one `npcsurv logrank` gives, every figure
//! flag takes effect or is refused.

mod common;

use std::path::{Path, PathBuf};

use common::{json_of, npcsurv, stderr};
use surv_render::plot::format_p;

const LUNG: &str = "fixtures/golden/data/cox/lung.csv";

fn temp(name: &str) -> PathBuf {
    std::env::temp_dir().join(format!("npcsurv-figure-{}-{name}", std::process::id()))
}

fn km_plot(path: &Path, extra: &[&str]) -> std::process::Output {
    let path = path.display().to_string();
    let mut args = vec![
        "km", LUNG, "--time", "time", "--event", "status", "--group", "ph_ecog", "--plot", &path,
    ];
    args.extend_from_slice(extra);
    npcsurv(&args)
}

/// The text of the element of `class` in an SVG document.
fn text_of(svg: &str, class: &str) -> Option<String> {
    let start = svg.find(&format!("class=\"{class}\""))?;
    let open = start + svg[start..].find('>')? + 1;
    let close = open + svg[open..].find('<')?;
    Some(svg[open..close].trim().replace("&lt;", "<"))
}

fn logrank_p(extra: &[&str]) -> f64 {
    let mut args = vec![
        "logrank", LUNG, "--time", "time", "--event", "status", "--group", "ph_ecog", "--format",
        "json",
    ];
    args.extend_from_slice(extra);
    json_of(&npcsurv(&args))["p_value"].as_f64().unwrap()
}

#[test]
fn the_issue_command_writes_a_300_dpi_png() {
    let path = temp("lung.png");
    let out = km_plot(&path, &["--conf-band"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let png = std::fs::read(&path).unwrap();
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"));
    let width = u32::from_be_bytes(png[16..20].try_into().unwrap());
    assert_eq!(width, 2100, "7 inches at 300 dpi");
    let out = km_plot(&path, &["--dpi", "150"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let png = std::fs::read(&path).unwrap();
    assert_eq!(u32::from_be_bytes(png[16..20].try_into().unwrap()), 1050);
    let pdf_path = temp("lung.pdf");
    let out = km_plot(&pdf_path, &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(std::fs::read(&pdf_path).unwrap().starts_with(b"%PDF-"));
}

#[test]
fn the_plot_shows_the_test_that_ran() {
    let path = temp("test.svg");
    let out = km_plot(&path, &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let svg = std::fs::read_to_string(&path).unwrap();
    let p = logrank_p(&[]);
    assert_eq!(
        text_of(&svg, "test").unwrap(),
        format!("Log-rank {}", format_p(p))
    );
    // The default x label is the time column; no path in a title.
    assert_eq!(text_of(&svg, "x-title").unwrap(), "time");
    assert!(!svg.contains("lung.csv"));

    let out = km_plot(&path, &["--rho", "1", "--strata", "sex_female"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let svg = std::fs::read_to_string(&path).unwrap();
    let p = logrank_p(&["--rho", "1", "--strata", "sex_female"]);
    assert_eq!(
        text_of(&svg, "test").unwrap(),
        format!("Stratified G-rho (ρ = 1) {}", format_p(p))
    );

    let out = km_plot(&path, &["--no-pval"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(text_of(&std::fs::read_to_string(&path).unwrap(), "test").is_none());
}

#[test]
fn labels_and_axes_follow_their_flags() {
    let path = temp("labels.svg");
    let out = km_plot(
        &path,
        &[
            "--labels",
            "0=Fully active,1=Restricted",
            "--title",
            "Overall survival by ECOG",
            "--xlab",
            "Days",
            "--ylab",
            "OS",
            "--time-breaks",
            "250",
            "--xlim",
            "750",
            "--risk-table",
            "cumulative-events,censored",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let svg = std::fs::read_to_string(&path).unwrap();
    assert!(svg.contains("\nFully active\n") && svg.contains("\nRestricted\n"));
    assert_eq!(text_of(&svg, "x-title").unwrap(), "Days");
    assert_eq!(text_of(&svg, "y-title").unwrap(), "OS");
    assert!(svg.contains("Overall survival by ECOG"));
    assert!(
        svg.contains("Cumulative number of events") && svg.contains("Cumulative number censored")
    );
    let ticks: Vec<&str> = svg
        .split("class=\"x-tick-label\"")
        .skip(1)
        .map(|rest| rest.split(['>', '<']).nth(1).unwrap().trim())
        .collect();
    assert_eq!(ticks, ["0", "250", "500", "750"]);
}

#[test]
fn figure_flags_that_cannot_take_effect_are_refused() {
    let svg = temp("refused.svg").display().to_string();
    let base = ["km", LUNG, "--time", "time", "--event", "status"];
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (vec!["--plot", "fig.jpg"], ".svg, .png or .pdf"),
        (vec!["--conf-band"], "--plot"),
        (vec!["--plot", &svg, "--dpi", "150"], ".png"),
        (vec!["--plot", &svg, "--rho", "1"], "--group"),
        (
            vec!["--plot", &svg, "--group", "ph_ecog", "--labels", "7=Seven"],
            "the groups are 0, 1, 2, 3",
        ),
        (
            vec!["--plot", &svg, "--group", "ph_ecog", "--time-breaks", "1"],
            "wider spacing",
        ),
        (vec!["--plot", &svg, "--xlim", "0"], "> 0"),
        (
            vec!["--plot", &svg, "--risk-table", "deaths"],
            "cumulative-events",
        ),
        (vec!["--plot", &svg, "--group", "age"], "at most 12"),
    ];
    for (extra, says) in cases {
        let mut args = base.to_vec();
        args.extend(extra.iter().copied());
        let out = npcsurv(&args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(stderr(&out).contains(says), "{args:?}: {}", stderr(&out));
    }
}

#[test]
fn the_event_scale_and_a_single_group_plot_as_asked() {
    let path = temp("event.svg");
    let out = km_plot(&path, &["--fun", "event"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let svg = std::fs::read_to_string(&path).unwrap();
    assert_eq!(
        text_of(&svg, "y-title").unwrap(),
        "Cumulative event probability"
    );
    // One group has no test to show: the figure is drawn and the user told.
    let one = temp("one.csv");
    std::fs::write(&one, "t,e,g\n1,1,a\n2,0,a\n3,1,a\n").unwrap();
    let one_text = one.display().to_string();
    let path_text = path.display().to_string();
    let out = npcsurv(&[
        "km", &one_text, "--time", "t", "--event", "e", "--group", "g", "--plot", &path_text,
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("one group only"));
    assert!(text_of(&std::fs::read_to_string(&path).unwrap(), "test").is_none());
}
