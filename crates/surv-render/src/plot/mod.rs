//! Kaplan-Meier figures for a journal: step curves in a colour-blind-safe
//! palette, optional translucent confidence bands, censoring marks in their
//! curve's colour, a legend outside the plot area, the test between the curves,
//! and a table of numbers at risk (optionally cumulative events and censorings,
//! the KMunicate layout) under the plot, aligned with the x-axis ticks by
//! construction. The paper's Figure 1 and `npcsurv km --plot` are both drawn here.
//!
//! [`data`] takes the numbers from the engine's Kaplan-Meier curves, as survival
//! or as its complement, the cumulative probability of the event; any other step
//! curve, such as a cumulative incidence, enters through [`data_of_steps`]; [`svg`] lays them out
//! with measured text (the figure's typeface is embedded, see `font`) and
//! composes the SVG with the `svg` crate; [`encode`] turns that same SVG into
//! PNG or PDF in process. It computes no statistic: the test's p-value is handed
//! to it.
//!
//! ```
//! use surv_engine::{kaplan_meier, KmConfig, SurvivalData};
//! use surv_render::plot::{self, ImageFormat, Labels, PlotOptions};
//!
//! let data = SurvivalData::new(&[5.0, 8.0, 12.0, 20.0], &[true, false, true, false]).unwrap();
//! let curve = kaplan_meier(&data, &KmConfig::default()).unwrap();
//! let options = PlotOptions { conf_band: true, ..PlotOptions::default() };
//! let figure = plot::data(&[(None, &curve)], &options).unwrap();
//! let labels = Labels { title: None, x: "Months", y: "Overall survival", legend: None, landmark: None };
//! let svg = plot::svg(&figure, &labels).unwrap();
//! assert!(svg.contains("Number at risk"));
//! let png = plot::encode(&svg, ImageFormat::Png, 150.0).unwrap();
//! assert!(png.starts_with(b"\x89PNG"));
//! ```

mod data;
mod draw;
mod font;
mod forest;
mod image;
mod palette;

use std::fmt;

pub use data::{
    CurveData, FigureData, Landmark, MAX_GROUPS, PlotOptions, PlottedTest, RiskRow, Scale,
    StepCurve, data, data_of_steps, format_p,
};
pub use draw::svg;
pub use forest::{ForestKind, ForestRow, forest};
pub use image::{DEFAULT_DPI, DPI_RANGE, ImageFormat, encode, pixel_size};
pub use palette::{PALETTE, Palette};

/// How a marked landmark is labelled.
pub type LandmarkLabel<'a> = &'a dyn Fn(&Landmark) -> String;

/// The words of a figure.
pub struct Labels<'a> {
    /// Title above the plot (`None`: no title; journals put it in the caption).
    pub title: Option<&'a str>,
    /// x-axis description.
    pub x: &'a str,
    /// y-axis description.
    pub y: &'a str,
    /// Heading of the legend, e.g. the group column's name.
    pub legend: Option<&'a str>,
    /// The text beside each marked landmark; `None` gives "S(t) = s%".
    pub landmark: Option<LandmarkLabel<'a>>,
}

/// Why a figure cannot be drawn as asked.
#[derive(Debug, Clone, PartialEq)]
pub enum PlotError {
    /// More curves than one figure can show readably.
    TooManyGroups {
        /// How many were asked for.
        groups: usize,
    },
    /// A group with no observations has no curve to draw.
    EmptyGroup {
        /// Its label.
        label: String,
    },
    /// An option out of its range.
    InvalidOption {
        /// Which option.
        what: &'static str,
        /// Its value.
        value: f64,
        /// What it must be.
        expected: &'static str,
    },
    /// So many ticks that the axis and the table cannot hold them.
    TicksTooDense {
        /// The tick spacing.
        spacing: f64,
        /// The ticks it gives.
        ticks: usize,
        /// The most allowed.
        max: usize,
    },
    /// Columns of the table narrower than the numbers in them.
    ColumnsTooNarrow {
        /// The tick spacing, in time units.
        spacing: f64,
        /// Points between two columns.
        available: f64,
        /// Points the widest number needs.
        needed: f64,
    },
    /// Rising and falling curves in one figure.
    MixedDirections,
    /// A figure with nothing to show, e.g. a forest plot without estimates.
    NothingToDraw {
        /// What is missing.
        what: &'static str,
    },
    /// A file name whose extension names no figure format.
    UnknownExtension {
        /// The file name.
        path: String,
    },
    /// The SVG could not be rendered (a defect, not bad input).
    Render {
        /// What the renderer said.
        reason: String,
    },
}

impl fmt::Display for PlotError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PlotError::TooManyGroups { groups } => write!(
                f,
                "{groups} groups to plot, at most {MAX_GROUPS} fit one figure: \
                 group by a coarser column (e.g. bands of a number, or fewer categories)"
            ),
            PlotError::EmptyGroup { label } => {
                write!(
                    f,
                    "group `{label}` has no observations: there is no curve to draw"
                )
            }
            PlotError::InvalidOption {
                what,
                value,
                expected,
            } => write!(f, "{what} is {value}, expected {expected}"),
            PlotError::TicksTooDense {
                spacing,
                ticks,
                max,
            } => write!(
                f,
                "time breaks every {spacing} give {ticks} ticks, more than {max}: choose a wider spacing"
            ),
            PlotError::ColumnsTooNarrow {
                spacing,
                available,
                needed,
            } => write!(
                f,
                "time breaks every {spacing} put the risk-table columns {available:.1} pt apart, \
                 but their numbers need {needed:.1} pt: choose a wider spacing"
            ),
            PlotError::MixedDirections => write!(
                f,
                "rising and falling curves cannot share one figure: plot them on one scale"
            ),
            PlotError::NothingToDraw { what } => {
                write!(f, "nothing to draw: no {what} could be estimated")
            }
            PlotError::UnknownExtension { path } => write!(
                f,
                "{path}: unknown figure format, expected a file name ending in .svg, .png or .pdf"
            ),
            PlotError::Render { reason } => write!(f, "the figure could not be rendered: {reason}"),
        }
    }
}

impl std::error::Error for PlotError {}
