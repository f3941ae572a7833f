//! Why a reproduction could not be made.

use std::fmt;

/// An error while building or writing the reproduction.
#[derive(Debug)]
#[non_exhaustive]
pub enum ReportError {
    /// The embedded patient table did not load.
    Cohort(dizdar2021_cohort::LoadError),
    /// The embedded aggregate facts did not parse.
    Aggregates(dizdar2021_cohort::aggregate::AggregateError),
    /// The claims file did not parse, or names an unknown quantity.
    Claims(String),
    /// An estimate failed.
    Survival(surv_engine::SurvivalError),
    /// The figure could not be drawn.
    Figure(surv_render::plot::PlotError),
    /// A file could not be written.
    Io {
        /// The file.
        path: String,
        /// What the operating system said.
        source: std::io::Error,
    },
}

impl fmt::Display for ReportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReportError::Cohort(e) => write!(f, "loading the patient table: {e}"),
            ReportError::Aggregates(e) => write!(f, "reading the aggregate facts: {e}"),
            ReportError::Claims(e) => write!(f, "fixtures/dizdar2021/claims.toml: {e}"),
            ReportError::Survival(e) => write!(f, "computing the survival results: {e}"),
            ReportError::Figure(e) => write!(f, "drawing Figure 1: {e}"),
            ReportError::Io { path, source } => write!(f, "{path}: cannot write: {source}"),
        }
    }
}

impl std::error::Error for ReportError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ReportError::Cohort(e) => Some(e),
            ReportError::Aggregates(e) => Some(e),
            ReportError::Survival(e) => Some(e),
            ReportError::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}

impl From<surv_engine::SurvivalError> for ReportError {
    fn from(e: surv_engine::SurvivalError) -> Self {
        ReportError::Survival(e)
    }
}
