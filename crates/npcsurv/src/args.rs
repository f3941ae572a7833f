//! The command line: subcommands and their flags (clap derive).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};
use surv_engine::ConfType;
use surv_engine::cox::{Ties, TimeTransform};
use surv_render::OutputFormat;

/// Survival analysis that agrees with R's survival package, on any CSV or
/// Parquet cohort file.
#[derive(Parser)]
#[command(name = "npcsurv", version, about, propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

/// The columns every analysis reads.
#[derive(Args)]
pub struct Input {
    /// A .csv or .parquet file; `-` reads CSV from standard input.
    pub file: PathBuf,
    /// Time column (numbers ≥ 0).
    #[arg(long)]
    pub time: String,
    /// Event column: 1/0 or true/false, unless --event-value is given.
    #[arg(long)]
    pub event: String,
    /// Event = (cell equals this value), e.g. `Ex`, or `2` for R's dead.
    #[arg(long)]
    pub event_value: Option<String>,
    /// Output: table (default), json or csv.
    #[arg(long, default_value = "table")]
    pub format: OutputFormat,
}

#[derive(Subcommand)]
pub enum Command {
    /// Kaplan-Meier curves, as R's survfit and summary.survfit.
    ///
    /// Example: npcsurv km cohort.csv --time months --event died --group arm --at 24,48
    Km {
        #[command(flatten)]
        input: Input,
        /// One curve per value of this column.
        #[arg(long)]
        group: Option<String>,
        /// Interval transform: log (R's default), log-log or plain.
        #[arg(long, default_value = "log")]
        conf_type: ConfType,
        /// Confidence level.
        #[arg(long, default_value_t = 0.95)]
        conf_level: f64,
        /// Times at which to read the curves, comma-separated.
        #[arg(long, value_delimiter = ',')]
        at: Vec<f64>,
        /// Restricted mean survival up to this time.
        #[arg(long)]
        rmean: Option<f64>,
        /// Also draw the curves (with the number at risk) to this SVG file.
        #[arg(long)]
        plot: Option<std::path::PathBuf>,
    },
    /// Log-rank and G-rho tests between groups, as R's survdiff.
    ///
    /// Example: npcsurv logrank cohort.csv --time months --event status --event-value 2 --group arm --permutation
    Logrank {
        #[command(flatten)]
        input: Input,
        /// Group column.
        #[arg(long)]
        group: String,
        /// Weight exponent: 0 log-rank, 1 Peto-Peto.
        #[arg(long, default_value_t = 0.0)]
        rho: f64,
        /// Stratify by this column.
        #[arg(long)]
        strata: Option<String>,
        /// Also test for trend over the sorted groups (scores 1, 2, …).
        #[arg(long)]
        trend: bool,
        /// Also give the permutation p-value (exact when feasible).
        #[arg(long)]
        permutation: bool,
        /// Seed of the Monte Carlo permutations.
        #[arg(long, default_value_t = 20_240_601)]
        seed: u64,
    },
    /// Cox proportional-hazards regression, as R's coxph.
    ///
    /// Example: npcsurv cox cohort.csv --time months --event died --covariates age,sex --zph
    Cox {
        #[command(flatten)]
        input: Input,
        /// Covariate columns, comma-separated; text columns become indicators.
        #[arg(long, value_delimiter = ',', required = true)]
        covariates: Vec<String>,
        /// Reference level of a text covariate, as column=level (repeatable).
        #[arg(long = "reference")]
        references: Vec<String>,
        /// Tie handling: efron (R's default) or breslow.
        #[arg(long, default_value = "efron")]
        ties: Ties,
        /// Stratify by this column.
        #[arg(long)]
        strata: Option<String>,
        /// Also test proportional hazards (cox.zph).
        #[arg(long)]
        zph: bool,
        /// Transform of time for --zph: km, identity, rank or log.
        #[arg(long, default_value = "km")]
        zph_transform: TimeTransform,
    },
    /// Power of the log-rank test (Schoenfeld), or the detectable hazard ratio.
    ///
    /// Example: npcsurv power --hr 0.5 --events 24 ; npcsurv power --events 24 --power 0.8
    Power {
        /// Hazard ratio to detect (gives the power).
        #[arg(long)]
        hr: Option<f64>,
        /// Number of events.
        #[arg(long)]
        events: f64,
        /// Fraction of subjects in the first group.
        #[arg(long, default_value_t = 0.5)]
        allocation: f64,
        /// Two-sided significance level.
        #[arg(long, default_value_t = 0.05)]
        alpha: f64,
        /// Target power (gives the minimal detectable hazard ratio).
        #[arg(long)]
        power: Option<f64>,
    },
    /// Table 1 (counts and percentages) of a file in the paper's patient schema.
    ///
    /// Example: npcsurv table1 fixtures/dizdar2021/patients.csv
    Table1 {
        /// A .csv or .parquet file with the columns of the paper's Table 2.
        file: PathBuf,
    },
    /// Reproduce the paper: tables, figure, survival, univariate analysis and the
    /// claims ledger (same as `cargo xtask reproduce`).
    ///
    /// Example: npcsurv reproduce --out reproduction
    Reproduce {
        /// Directory to write into.
        #[arg(long, default_value = "reproduce")]
        out: PathBuf,
    },
}
