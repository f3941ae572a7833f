//! Why a command failed, and so its exit code.

use std::fmt;

use dizdar2021_cohort::LoadError;
use dizdar2021_reproduction::ReportError;
use surv_engine::SurvivalError;
use surv_reader::ReadError;
use surv_render::plot::PlotError;

/// A failed command.
#[derive(Debug)]
pub enum CliError {
    /// The file could not be read as asked (exit 2).
    Read(ReadError),
    /// A file in the paper's schema could not be loaded (exit 2).
    Cohort(LoadError),
    /// The data or the options do not allow the analysis (exit 2).
    Analysis {
        /// The file analysed, or the command when there is none.
        source: String,
        /// What the engine said.
        error: SurvivalError,
    },
    /// The figure cannot be drawn as asked (exit 2; 1 if rendering itself failed).
    Plot {
        /// The figure file.
        path: String,
        /// What the renderer said.
        error: PlotError,
    },
    /// A flag's value does not fit the data (exit 2).
    Flag {
        /// The flag, as typed.
        flag: &'static str,
        /// What is wrong with it.
        message: String,
    },
    /// The paper's reproduction failed (exit 1: its data are built in).
    Reproduction(ReportError),
    /// An output file could not be written (exit 1).
    Write {
        /// The file.
        path: String,
        /// Why.
        reason: String,
    },
}

impl CliError {
    /// 2 for what the user can fix in the input or the command line, 1 otherwise.
    pub fn exit_code(&self) -> u8 {
        match self {
            CliError::Plot {
                error: PlotError::Render { .. },
                ..
            } => 1,
            CliError::Read(_)
            | CliError::Cohort(_)
            | CliError::Analysis { .. }
            | CliError::Plot { .. }
            | CliError::Flag { .. } => 2,
            CliError::Reproduction(_) | CliError::Write { .. } => 1,
        }
    }

    /// An engine error on the data of `source`.
    pub fn analysis(source: &str) -> impl Fn(SurvivalError) -> CliError + '_ {
        move |error| CliError::Analysis {
            source: source.to_owned(),
            error,
        }
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CliError::Read(e) => write!(f, "{e}"),
            CliError::Cohort(e) => write!(f, "{e}"),
            CliError::Analysis { source, error } => write!(f, "{source}: {error}"),
            CliError::Plot { path, error } => write!(f, "{path}: {error}"),
            CliError::Flag { flag, message } => write!(f, "{flag}: {message}"),
            CliError::Reproduction(e) => write!(f, "{e}"),
            CliError::Write { path, reason } => write!(f, "{path}: cannot write: {reason}"),
        }
    }
}

impl From<ReadError> for CliError {
    fn from(e: ReadError) -> Self {
        CliError::Read(e)
    }
}

impl From<LoadError> for CliError {
    fn from(e: LoadError) -> Self {
        CliError::Cohort(e)
    }
}

impl From<ReportError> for CliError {
    fn from(e: ReportError) -> Self {
        CliError::Reproduction(e)
    }
}
