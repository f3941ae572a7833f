//! The command line: subcommands and their flags (clap derive). Flags that
//! only mean something beside another flag require it, so none is silently
//! ignored.

use std::path::PathBuf;

use clap::{ArgGroup, Args, Parser, Subcommand};
use surv_engine::{Adjustment, ConfType, Ties, TimeTransform};
use surv_reader::TimeUnit;
use surv_render::OutputFormat;
use surv_render::plot::{DPI_RANGE, ImageFormat, RiskRow, Scale};

/// Survival analysis that agrees with R's survival package, on any CSV, TSV,
/// Parquet or Excel (.xlsx) cohort file.
#[derive(Parser)]
#[command(name = "npcsurv", version, about, propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

/// The file a command reads, and how its text is laid out.
#[derive(Args)]
pub struct Source {
    /// A .csv, .tsv/.tab, .parquet or .xlsx file; `-` reads CSV from standard
    /// input. Empty cells, NA, . and NULL (and #N/A in a workbook) are missing.
    pub file: PathBuf,
    /// Field delimiter of a text file, e.g. ';' for a European export or 'tab'
    /// (default: by extension, ',' for .csv and tab for .tsv/.tab).
    #[arg(long, value_parser = delimiter)]
    pub delimiter: Option<u8>,
    /// Decimals are written with a comma (1,5): for European exports, with
    /// --delimiter ';'.
    #[arg(long)]
    pub decimal_comma: bool,
    /// The sheet of an .xlsx workbook to read: its name, or its position from
    /// 1 (a sheet named like a number is chosen by name first). Default: the
    /// first sheet.
    #[arg(long, value_name = "NAME|N")]
    pub sheet: Option<String>,
}

/// The file and the columns every analysis reads.
#[derive(Args)]
pub struct Input {
    #[command(flatten)]
    pub source: Source,
    #[command(flatten)]
    pub columns: Columns,
}

/// The time and event columns, and the output format.
#[derive(Args)]
pub struct Columns {
    #[command(flatten)]
    pub time_event: TimeEvent,
    /// Output: table (default), json, or csv (one tidy table; its `kind`
    /// column says what each row is).
    #[arg(long, default_value = "table")]
    pub format: OutputFormat,
}

/// The time (a column, or two date columns) and the event.
#[derive(Args)]
pub struct TimeEvent {
    #[command(flatten)]
    pub span: TimeSpan,
    /// Event column: 1/0 or true/false, unless --event-value is given.
    #[arg(long)]
    pub event: String,
    /// Event = (cell equals this value), e.g. `Ex`, or `2` for R's dead.
    #[arg(long)]
    pub event_value: Option<String>,
}

/// The follow-up time: a column, or two date columns.
#[derive(Args)]
pub struct TimeSpan {
    /// Time column (numbers ≥ 0). Or give --time-from and --time-to.
    #[arg(
        long,
        required_unless_present = "time_from",
        conflicts_with = "time_from"
    )]
    pub time: Option<String>,
    /// Column of start dates (diagnosis, entry) as YYYY-MM-DD, or date cells
    /// of a workbook (their day: a time of day is left out): the time is from
    /// this date to --time-to's. A row whose end date comes first is an error
    /// naming it.
    #[arg(long, requires = "time_to")]
    pub time_from: Option<String>,
    /// Column of end dates (event or last contact), as --time-from's.
    #[arg(long, requires = "time_from")]
    pub time_to: Option<String>,
    /// Unit of times from dates: days (default), weeks (7 days), months
    /// (365.25/12 days) or years (365.25 days).
    #[arg(long, requires = "time_from")]
    pub time_unit: Option<TimeUnit>,
}

#[derive(Subcommand)]
pub enum Command {
    /// Kaplan-Meier curves, as R's survfit and summary.survfit.
    ///
    /// Example: npcsurv km cohort.csv --time months --event died --group arm --at 24,48
    Km(Box<KmArgs>),
    /// Log-rank and G-rho tests between groups, as R's survdiff.
    ///
    /// Example: npcsurv logrank cohort.csv --time months --event status --event-value 2 --group arm --permutation
    Logrank(LogrankArgs),
    /// Cox proportional-hazards regression, as R's coxph.
    ///
    /// Example: npcsurv cox cohort.csv --time months --event died --covariates age,sex --zph
    Cox(CoxArgs),
    /// Cumulative incidence of competing risks (Aalen-Johansen), as R's
    /// survfit(Surv(time, factor(status)) ~ group), with Gray's test between
    /// the groups, as cmprsk's cuminc.
    ///
    /// Example: npcsurv cuminc mgus2.csv --time months --status status --group sex --at 120,240
    Cuminc(Box<CumincArgs>),
    /// Fine-Gray subdistribution hazards regression for one cause, as
    /// cmprsk's crr.
    ///
    /// Example: npcsurv finegray mgus2.csv --time months --status status --cause 1 --covariates age,sex
    Finegray(FinegrayArgs),
    /// Power of the log-rank test (Schoenfeld), or the detectable hazard ratio.
    ///
    /// Example: npcsurv power --hr 0.5 --events 24 ; npcsurv power --events 24 --power 0.8
    Power(PowerArgs),
    /// Table 1: each variable overall and by group, with a test per variable,
    /// as gtsummary's tbl_summary(by =) |> add_p().
    ///
    /// Example: npcsurv table1 cohort.csv --by arm --variables age,sex,stage
    Table1(Table1Args),
    /// The univariate analysis table for any cohort: per factor and group n,
    /// events, median and survival at chosen times, the Cox hazard ratio
    /// against the first group, the log-rank and permutation p-values; with
    /// --multivariable one Cox model of all the factors, with --forest a
    /// forest plot.
    ///
    /// Example: npcsurv univariate lung.csv --time time --event status --event-value 2 --factors sex,ph_ecog --continuous age --at 365 --multivariable --forest forest.png
    Univariate(Box<UnivariateArgs>),
    /// A site of a multi-centre study: the summary it sends for Kaplan-Meier
    /// and log-rank, and its replies to the rounds of a Cox fit. No patient
    /// row leaves the site.
    ///
    /// Example: npcsurv site summary ours.csv --site A --time months --event died --group arm --out A.json
    #[command(subcommand)]
    Site(SiteCommand),
    /// The coordinator of a multi-centre study: the pooled Kaplan-Meier and
    /// log-rank from the sites' summaries, and the rounds of a Cox fit
    /// stratified by site, equal to R's on the pooled rows.
    ///
    /// Example: npcsurv pool km A.json B.json C.json --at 12,24
    #[command(subcommand)]
    Pool(PoolCommand),
    /// A whole multi-centre study rehearsed on one machine: the file is split
    /// by its site column, every site's files are written and read back, and
    /// the pooled result is printed as km, logrank or cox print theirs.
    ///
    /// Example: npcsurv federate lung.csv --site-column inst cox --time time --event status --event-value 2 --covariates age,sex,ph_ecog
    Federate(Box<FederateArgs>),
    /// Reproduce the paper: tables, figure, survival, univariate analysis and the
    /// claims ledger (same as `cargo xtask reproduce`).
    ///
    /// Example: npcsurv reproduce --out reproduction
    Reproduce(ReproduceArgs),
}

/// Rows as intervals and case weights: R's `Surv(start, stop, event)` and
/// `weights =`.
#[derive(Args)]
pub struct RowArgs {
    /// Entry-time column: each row is the interval (start, time], at risk
    /// after its start (delayed entry, or one row per period of a
    /// time-varying covariate), as R's Surv(start, stop, event).
    #[arg(long)]
    pub start: Option<String>,
    /// Case-weight column (finite numbers ≥ 0), as R's weights =. With
    /// weights that are not whole numbers, standard errors are R's robust
    /// ones (infinitesimal jackknife for curves, sandwich for Cox).
    #[arg(long)]
    pub weights: Option<String>,
}

#[derive(Args)]
pub struct KmArgs {
    #[command(flatten)]
    pub input: Input,
    #[command(flatten)]
    pub rows: RowArgs,
    /// One curve per value of this column.
    #[arg(long)]
    pub group: Option<String>,
    /// Interval transform: log (R's default), log-log or plain.
    #[arg(long, default_value = "log")]
    pub conf_type: ConfType,
    /// Confidence level.
    #[arg(long, default_value_t = 0.95)]
    pub conf_level: f64,
    /// Times at which to read the curves, comma-separated: one row per time,
    /// in the order given; a time after the last observation reads NA.
    #[arg(long, value_delimiter = ',', value_parser = time_point)]
    pub at: Vec<f64>,
    /// Restricted mean survival up to this time.
    #[arg(long, value_parser = time_point)]
    pub rmean: Option<f64>,
    /// Also draw the curves, with the number at risk under them, to this file.
    /// Its extension chooses the format: .svg, .png or .pdf.
    #[arg(long, value_parser = figure_path)]
    pub plot: Option<PathBuf>,
    #[command(flatten)]
    pub figure: FigureArgs,
}

/// How `km --plot` draws; each flag needs --plot, so none is silently ignored.
#[derive(Args)]
#[command(next_help_heading = "Figure (with --plot)")]
pub struct FigureArgs {
    /// Draw each curve's confidence band (translucent, in its colour).
    #[arg(long, requires = "plot")]
    pub conf_band: bool,
    /// Leave the test's p-value off the plot (it is shown with --group).
    #[arg(long, requires = "plot", requires = "group")]
    pub no_pval: bool,
    /// G-rho exponent of the test on the plot: 0 log-rank (default), 1 Peto-Peto.
    #[arg(
        long,
        requires = "plot",
        requires = "group",
        conflicts_with = "no_pval"
    )]
    pub rho: Option<f64>,
    /// Stratify the test on the plot by this column (the curves are not).
    #[arg(
        long,
        requires = "plot",
        requires = "group",
        conflicts_with = "no_pval"
    )]
    pub strata: Option<String>,
    /// Rows under the number at risk, comma-separated: cumulative-events,
    /// censored (the KMunicate layout).
    #[arg(long, value_delimiter = ',', value_parser = extra_risk_row, requires = "plot")]
    pub risk_table: Vec<RiskRow>,
    /// What the curves show: surv (survival, falling from 100%) or event
    /// (1 − survival, the cumulative probability of the event, as survminer's
    /// fun = "event").
    #[arg(long, default_value = "surv", requires = "plot")]
    pub fun: Scale,
    /// Title above the plot (default: none; journals put it in the caption).
    #[arg(long, requires = "plot")]
    pub title: Option<String>,
    /// x-axis label (default: the time column's name).
    #[arg(long, requires = "plot")]
    pub xlab: Option<String>,
    /// y-axis label (default: Survival probability, or Cumulative event
    /// probability with --fun event).
    #[arg(long, requires = "plot")]
    pub ylab: Option<String>,
    /// Spacing of the x-axis ticks and of the table's columns, in time units
    /// (as survminer's break.time.by; default: about ten round ticks).
    #[arg(long, value_parser = positive, requires = "plot")]
    pub time_breaks: Option<f64>,
    /// End of the x axis; the curves are cut there.
    #[arg(long, value_parser = positive, requires = "plot")]
    pub xlim: Option<f64>,
    /// Names of the groups on the plot, comma-separated: level=name,…
    #[arg(long, value_delimiter = ',', value_parser = level_label, requires = "plot", requires = "group")]
    pub labels: Vec<(String, String)>,
    /// Resolution of a .png figure, dots per inch (the figure is 7 inches wide).
    #[arg(long, value_parser = dpi, requires = "plot")]
    pub dpi: Option<f64>,
}

#[derive(Args)]
pub struct LogrankArgs {
    #[command(flatten)]
    pub input: Input,
    /// Refused when given: R's survdiff has no test for (start, stop] rows or
    /// case weights; the flags are taken so that the refusal says so.
    #[command(flatten)]
    pub rows: RowArgs,
    /// Group column.
    #[arg(long)]
    pub group: String,
    /// Weight exponent: 0 log-rank, 1 Peto-Peto. The permutation test uses it too.
    #[arg(long, default_value_t = 0.0)]
    pub rho: f64,
    /// Stratify by this column. The permutation test relabels within strata.
    #[arg(long)]
    pub strata: Option<String>,
    /// Also test for trend over the sorted groups (scores 1, 2, …).
    #[arg(long)]
    pub trend: bool,
    /// Also give the permutation p-value of the same test (exact when feasible).
    #[arg(long)]
    pub permutation: bool,
    /// Seed of the Monte Carlo permutations.
    #[arg(long, default_value_t = 20_240_601, requires = "permutation")]
    pub seed: u64,
}

#[derive(Args)]
pub struct CoxArgs {
    #[command(flatten)]
    pub input: Input,
    #[command(flatten)]
    pub rows: RowArgs,
    /// Cluster column (say a patient id over repeated rows), as R's
    /// cluster(id): robust (sandwich) standard errors, and tests that use
    /// them; the model-based SE is kept beside them.
    #[arg(long)]
    pub cluster: Option<String>,
    /// Covariate columns, comma-separated; text columns become indicators.
    #[arg(long, value_delimiter = ',', required = true)]
    pub covariates: Vec<String>,
    /// Numeric covariates to treat as categories, comma-separated (as R's
    /// factor()): one indicator `column=level` per level but the reference.
    #[arg(long, value_delimiter = ',')]
    pub categorical: Vec<String>,
    /// Reference level of a text covariate, as column=level (repeatable).
    #[arg(long = "reference", value_parser = reference)]
    pub references: Vec<(String, String)>,
    /// Tie handling: efron (R's default) or breslow.
    #[arg(long, default_value = "efron")]
    pub ties: Ties,
    /// Stratify by this column.
    #[arg(long)]
    pub strata: Option<String>,
    /// Also test proportional hazards (cox.zph).
    #[arg(long)]
    pub zph: bool,
    /// Transform of time for --zph: km, identity, rank or log.
    #[arg(long, default_value = "km", requires = "zph")]
    pub zph_transform: TimeTransform,
}

/// The file, the time and a competing-risks status.
#[derive(Args)]
pub struct CompetingInput {
    #[command(flatten)]
    pub source: Source,
    #[command(flatten)]
    pub span: TimeSpan,
    /// Status column: the censoring value (--censor-value) or a cause, any
    /// numbers or text (say 1 progression, 2 death).
    #[arg(long)]
    pub status: String,
    /// The status of a censored row.
    #[arg(long, default_value = "0")]
    pub censor_value: String,
    /// Output: table (default), json, or csv (one tidy table; its `kind`
    /// column says what each row is).
    #[arg(long, default_value = "table")]
    pub format: OutputFormat,
}

#[derive(Args)]
pub struct CumincArgs {
    #[command(flatten)]
    pub input: CompetingInput,
    /// One set of curves per value of this column, compared by Gray's test.
    #[arg(long)]
    pub group: Option<String>,
    /// Times at which to read the curves, comma-separated: one row per time,
    /// in the order given; a time after a group's last observation reads NA.
    #[arg(long, value_delimiter = ',', value_parser = time_point)]
    pub at: Vec<f64>,
    /// Weight exponent of Gray's test (cuminc's rho; 0 by default).
    #[arg(long, default_value_t = 0.0, requires = "group")]
    pub rho: f64,
    /// Also draw the curves, with the number at risk under them, to this
    /// file. Its extension chooses the format: .svg, .png or .pdf.
    #[arg(long, value_parser = figure_path)]
    pub plot: Option<PathBuf>,
    /// Title above the plot.
    #[arg(long, requires = "plot")]
    pub title: Option<String>,
    /// x-axis label (default: the time column's name).
    #[arg(long, requires = "plot")]
    pub xlab: Option<String>,
    /// Resolution of a .png figure, dots per inch.
    #[arg(long, value_parser = dpi, requires = "plot")]
    pub dpi: Option<f64>,
}

#[derive(Args)]
pub struct FinegrayArgs {
    #[command(flatten)]
    pub input: CompetingInput,
    /// The cause modelled: a status value.
    #[arg(long)]
    pub cause: String,
    /// Covariate columns, comma-separated; text columns become indicators.
    #[arg(long, value_delimiter = ',', required = true)]
    pub covariates: Vec<String>,
    /// Numeric covariates to treat as categories, comma-separated.
    #[arg(long, value_delimiter = ',')]
    pub categorical: Vec<String>,
    /// Reference level of a text covariate, as column=level (repeatable).
    #[arg(long = "reference", value_parser = reference)]
    pub references: Vec<(String, String)>,
}

#[derive(Args)]
#[command(group(ArgGroup::new("asked").args(["hr", "power"]).required(true).multiple(true)))]
pub struct PowerArgs {
    /// Hazard ratio to detect (gives the power).
    #[arg(long)]
    pub hr: Option<f64>,
    /// Number of events.
    #[arg(long)]
    pub events: f64,
    /// Fraction of subjects in the first group.
    #[arg(long, default_value_t = 0.5)]
    pub allocation: f64,
    /// Two-sided significance level.
    #[arg(long, default_value_t = 0.05)]
    pub alpha: f64,
    /// Target power (gives the minimal detectable hazard ratio).
    #[arg(long)]
    pub power: Option<f64>,
}

#[derive(Args)]
pub struct Table1Args {
    #[command(flatten)]
    pub source: Source,
    /// One column per value of this column, a total column, and a p-value per
    /// variable: Pearson's chi-square (no continuity correction), or Fisher's
    /// exact test when an expected count is below 5, for categories; Wilcoxon
    /// rank-sum (2 groups) or Kruskal-Wallis for numbers. Rows missing it are
    /// left out and counted.
    #[arg(long)]
    pub by: Option<String>,
    /// The variables, comma-separated, in the order of the table (default:
    /// every column but --by).
    #[arg(long, value_delimiter = ',')]
    pub variables: Vec<String>,
    /// Numeric columns to treat as categories, comma-separated. Text columns
    /// are categories already, and so are numeric columns with fewer than 10
    /// distinct values (gtsummary's rule); other numbers are summarised by
    /// median (Q1-Q3) and range.
    #[arg(long, value_delimiter = ',')]
    pub categorical: Vec<String>,
    /// Output: table (default, as a paper prints it), json, or csv (one row
    /// per statistic).
    #[arg(long, default_value = "table")]
    pub format: OutputFormat,
}

#[derive(Args)]
#[command(group(ArgGroup::new("analysed").args(["factors", "continuous"]).required(true).multiple(true)))]
pub struct UnivariateArgs {
    #[command(flatten)]
    pub input: Input,
    /// Grouping columns, comma-separated: each is analysed on its own, its
    /// groups in sorted order (numeric order for numbers), the first the
    /// reference of the hazard ratios unless --reference names another.
    #[arg(long, value_delimiter = ',')]
    pub factors: Vec<String>,
    /// Numeric columns entered as they are, comma-separated: a hazard ratio
    /// per unit, and no log-rank test.
    #[arg(long, value_delimiter = ',')]
    pub continuous: Vec<String>,
    /// Times at which each group's survival is read, comma-separated.
    #[arg(long, value_delimiter = ',', value_parser = time_point)]
    pub at: Vec<f64>,
    /// Reference group of a factor, as column=level (repeatable).
    #[arg(long = "reference", value_parser = reference)]
    pub references: Vec<(String, String)>,
    /// Also fit one Cox model of all the factors (as categories) and
    /// continuous columns, on the rows where none is missing.
    #[arg(long)]
    pub multivariable: bool,
    /// Adjust the factors' log-rank and permutation p-values for the number
    /// of factors tested: holm or bh (Benjamini-Hochberg), as R's p.adjust.
    #[arg(long)]
    pub adjust: Option<Adjustment>,
    /// Leave out the permutation p-values (they take longest on large files).
    #[arg(long)]
    pub no_permutation: bool,
    /// Seed of the Monte Carlo permutations.
    #[arg(long, default_value_t = 20_240_601, conflicts_with = "no_permutation")]
    pub seed: u64,
    /// Tie handling of the Cox models: efron (R's default) or breslow.
    #[arg(long, default_value = "efron")]
    pub ties: Ties,
    /// Interval transform of the medians and survival: log (R's default),
    /// log-log or plain.
    #[arg(long, default_value = "log")]
    pub conf_type: ConfType,
    /// Draw the hazard ratios with their intervals on a log axis (a forest
    /// plot) to this file: .svg, .png or .pdf. The multivariable model's
    /// with --multivariable, otherwise each factor's own.
    #[arg(long, value_parser = figure_path)]
    pub forest: Option<PathBuf>,
    /// Title above the forest plot (default: none).
    #[arg(long, requires = "forest")]
    pub title: Option<String>,
    /// Resolution of a .png forest plot, dots per inch.
    #[arg(long, value_parser = dpi, requires = "forest")]
    pub dpi: Option<f64>,
}

#[derive(Subcommand)]
pub enum SiteCommand {
    /// Per-group, per-time event and censoring counts (merged into intervals
    /// of at least --min-cell subjects) and the site's part of the log-rank
    /// test, as a readable JSON file to send to the coordinator.
    Summary(Box<SiteSummaryArgs>),
    /// The query that computes a site summary's count table in a database
    /// (one GROUP BY), for a site whose rows are not in a file.
    ///
    /// Example: npcsurv site sql visits --time months --event died --group arm
    Sql(SiteSqlArgs),
    /// The site's reply to one round of a multi-centre Cox fit: its
    /// log-likelihood, score and information at the round's coefficients (or
    /// its concordance pair counts in the last round).
    Cox(Box<SiteCoxArgs>),
}

/// What every site command reads: the file, its layout, the site's id, and
/// the time and event columns.
#[derive(Args)]
pub struct SiteInput {
    #[command(flatten)]
    pub source: Source,
    /// This site's id, as the coordinator knows it.
    #[arg(long)]
    pub site: String,
    #[command(flatten)]
    pub columns: TimeEvent,
}

#[derive(Args)]
pub struct SiteSummaryArgs {
    #[command(flatten)]
    pub input: SiteInput,
    /// Group column.
    #[arg(long)]
    pub group: Option<String>,
    /// The study's levels of the group column, comma-separated, as the
    /// coordinator lists them (default: the levels this site has). Every site
    /// must give the same list.
    #[arg(long, value_delimiter = ',', requires = "group")]
    pub levels: Vec<String>,
    /// G-rho exponent of the site's log-rank sums: 0 log-rank, 1 Peto-Peto.
    #[arg(long, default_value_t = 0.0, requires = "group")]
    pub rho: f64,
    /// Merge consecutive times into intervals until every released row holds
    /// at least this many subjects (0: release every time as it is).
    #[arg(long, default_value_t = DEFAULT_MIN_CELL)]
    pub min_cell: u64,
    /// Where to write the summary.
    #[arg(long)]
    pub out: PathBuf,
}

/// Subjects per released row of a site's count table unless --min-cell says
/// otherwise.
pub const DEFAULT_MIN_CELL: u64 = 5;

#[derive(Args)]
pub struct SiteSqlArgs {
    /// The database table holding the site's rows.
    pub table: String,
    /// Time column (numbers ≥ 0).
    #[arg(long)]
    pub time: String,
    /// Event column: 1 for an event, unless --event-value is given.
    #[arg(long)]
    pub event: String,
    /// Event = (cell equals this value).
    #[arg(long)]
    pub event_value: Option<String>,
    /// Group column.
    #[arg(long)]
    pub group: Option<String>,
}

#[derive(Args)]
pub struct SiteCoxArgs {
    #[command(flatten)]
    pub input: SiteInput,
    /// The round file from the coordinator.
    #[arg(long)]
    pub round: PathBuf,
    /// Where to write the reply.
    #[arg(long)]
    pub out: PathBuf,
}

#[derive(Subcommand)]
pub enum PoolCommand {
    /// The pooled Kaplan-Meier curves from the sites' summaries.
    Km(PoolKmArgs),
    /// The log-rank test stratified by site from the sites' summaries, and
    /// the unstratified test of the pooled counts.
    Logrank(PoolLogrankArgs),
    /// One step of a multi-centre Cox fit: --start writes round 0; then each
    /// call reads the sites' replies to the current round and writes the next
    /// round, or prints the fit when it has finished.
    Cox(PoolCoxArgs),
}

#[derive(Args)]
pub struct PoolKmArgs {
    /// The sites' summary files.
    #[arg(required = true)]
    pub summaries: Vec<PathBuf>,
    /// Interval transform: log (R's default), log-log or plain.
    #[arg(long, default_value = "log")]
    pub conf_type: ConfType,
    /// Confidence level.
    #[arg(long, default_value_t = 0.95)]
    pub conf_level: f64,
    /// Times at which to read the curves, comma-separated.
    #[arg(long, value_delimiter = ',', value_parser = time_point)]
    pub at: Vec<f64>,
    /// Output: table (default), json or csv.
    #[arg(long, default_value = "table")]
    pub format: OutputFormat,
}

#[derive(Args)]
pub struct PoolLogrankArgs {
    /// The sites' summary files.
    #[arg(required = true)]
    pub summaries: Vec<PathBuf>,
    /// Output: table (default), json or csv.
    #[arg(long, default_value = "table")]
    pub format: OutputFormat,
}

#[derive(Args)]
pub struct PoolCoxArgs {
    /// The coordinator's record of the fit (written by --start, updated by
    /// every call).
    #[arg(long)]
    pub state: PathBuf,
    /// Start a fit: write the record and round 0.
    #[arg(long, requires = "covariates", conflicts_with = "replies")]
    pub start: bool,
    /// Covariate columns, comma-separated (numbers), with --start.
    #[arg(long, value_delimiter = ',', requires = "start")]
    pub covariates: Vec<String>,
    /// A categorical covariate and its levels, with --start: column=L0,L1,…
    /// (repeatable). L0 is the reference; every site reads the column with
    /// these levels, so that all fit the same coefficients.
    #[arg(long = "factor", value_parser = factor_levels, requires = "start")]
    pub factors: Vec<(String, Vec<String>)>,
    /// Tie handling, with --start: efron (R's default) or breslow.
    #[arg(long, requires = "start")]
    pub ties: Option<Ties>,
    /// The sites' replies to the current round.
    pub replies: Vec<PathBuf>,
    /// Where to write the next round.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Output of the finished fit: table (default), json or csv.
    #[arg(long, default_value = "table")]
    pub format: OutputFormat,
}

#[derive(Args)]
pub struct FederateArgs {
    #[command(flatten)]
    pub source: Source,
    /// The column that says which site a row belongs to; rows missing it are
    /// left out and counted.
    #[arg(long)]
    pub site_column: String,
    /// Where the sites' and the coordinator's files are written (default: a
    /// fresh folder in the system's temporary directory, removed afterwards).
    #[arg(long)]
    pub work_dir: Option<PathBuf>,
    #[command(subcommand)]
    pub analysis: FederatedAnalysis,
}

#[derive(Subcommand)]
pub enum FederatedAnalysis {
    /// Pooled Kaplan-Meier, as `pool km` gives it.
    Km(Box<FederatedKm>),
    /// Log-rank stratified by site, as `pool logrank` gives it.
    Logrank(Box<FederatedLogrank>),
    /// Cox stratified by site, as the `pool cox` rounds give it.
    Cox(Box<FederatedCox>),
}

#[derive(Args)]
pub struct FederatedKm {
    #[command(flatten)]
    pub columns: TimeEvent,
    /// Group column.
    #[arg(long)]
    pub group: Option<String>,
    /// As `site summary --min-cell`.
    #[arg(long, default_value_t = DEFAULT_MIN_CELL)]
    pub min_cell: u64,
    /// Interval transform: log (R's default), log-log or plain.
    #[arg(long, default_value = "log")]
    pub conf_type: ConfType,
    /// Confidence level.
    #[arg(long, default_value_t = 0.95)]
    pub conf_level: f64,
    /// Times at which to read the curves, comma-separated.
    #[arg(long, value_delimiter = ',', value_parser = time_point)]
    pub at: Vec<f64>,
    /// Output: table (default), json or csv.
    #[arg(long, default_value = "table")]
    pub format: OutputFormat,
}

#[derive(Args)]
pub struct FederatedLogrank {
    #[command(flatten)]
    pub columns: TimeEvent,
    /// Group column.
    #[arg(long)]
    pub group: String,
    /// G-rho exponent: 0 log-rank, 1 Peto-Peto.
    #[arg(long, default_value_t = 0.0)]
    pub rho: f64,
    /// As `site summary --min-cell` (the count tables behind the
    /// unstratified test; the stratified test is exact whatever it is).
    #[arg(long, default_value_t = DEFAULT_MIN_CELL)]
    pub min_cell: u64,
    /// Output: table (default), json or csv.
    #[arg(long, default_value = "table")]
    pub format: OutputFormat,
}

#[derive(Args)]
pub struct FederatedCox {
    #[command(flatten)]
    pub columns: TimeEvent,
    /// Covariate columns, comma-separated.
    #[arg(long, value_delimiter = ',', required = true)]
    pub covariates: Vec<String>,
    /// Covariates to enter as categories (text columns must be listed), as
    /// R's factor(): their levels are declared to every site.
    #[arg(long, value_delimiter = ',')]
    pub categorical: Vec<String>,
    /// Reference level of a categorical covariate, as column=level
    /// (repeatable; default: its first level in sorted order).
    #[arg(long = "reference", value_parser = reference)]
    pub references: Vec<(String, String)>,
    /// Tie handling: efron (R's default) or breslow.
    #[arg(long, default_value = "efron")]
    pub ties: Ties,
    /// Output: table (default), json or csv.
    #[arg(long, default_value = "table")]
    pub format: OutputFormat,
}

#[derive(Args)]
pub struct ReproduceArgs {
    /// Directory to write into.
    #[arg(long, default_value = "reproduce")]
    pub out: PathBuf,
}

/// One ASCII character between fields, or `tab`.
fn delimiter(text: &str) -> Result<u8, String> {
    match text {
        "tab" | "\\t" | "\t" => Ok(b'\t'),
        _ => match text.as_bytes() {
            [byte] if byte.is_ascii() && !byte.is_ascii_alphanumeric() && *byte != b'"' => {
                Ok(*byte)
            }
            _ => Err(format!(
                "`{text}`; expected one punctuation character such as ; or |, or tab"
            )),
        },
    }
}

/// A time at which to read a curve: a finite number ≥ 0.
fn time_point(text: &str) -> Result<f64, String> {
    match text.trim().parse::<f64>() {
        Ok(t) if t.is_finite() && t >= 0.0 => Ok(t),
        _ => Err(format!(
            "`{text}` is not a time; expected a finite number ≥ 0"
        )),
    }
}

/// A figure file whose extension names its format.
fn figure_path(text: &str) -> Result<PathBuf, String> {
    let path = PathBuf::from(text);
    ImageFormat::from_path(&path).map_err(|e| e.to_string())?;
    Ok(path)
}

/// A row added under the number at risk.
fn extra_risk_row(text: &str) -> Result<RiskRow, String> {
    match text.parse()? {
        RiskRow::AtRisk => Err("the number at risk is always shown; \
            expected cumulative-events or censored"
            .to_owned()),
        row => Ok(row),
    }
}

/// A finite number > 0.
fn positive(text: &str) -> Result<f64, String> {
    match text.trim().parse::<f64>() {
        Ok(x) if x.is_finite() && x > 0.0 => Ok(x),
        _ => Err(format!("`{text}`; expected a finite number > 0")),
    }
}

/// A PNG resolution.
fn dpi(text: &str) -> Result<f64, String> {
    match text.trim().parse::<f64>() {
        Ok(x) if DPI_RANGE.contains(&x) => Ok(x),
        _ => Err(format!(
            "`{text}`; expected a resolution from {} to {} dpi",
            DPI_RANGE.start(),
            DPI_RANGE.end()
        )),
    }
}

/// `level=name`.
fn level_label(text: &str) -> Result<(String, String), String> {
    match text.split_once('=') {
        Some((level, name)) if !name.trim().is_empty() => {
            Ok((level.to_owned(), name.trim().to_owned()))
        }
        _ => Err(format!("`{text}`; expected level=name")),
    }
}

/// `column=L0,L1,…`: a factor's levels, the reference first.
fn factor_levels(text: &str) -> Result<(String, Vec<String>), String> {
    match text.split_once('=') {
        Some((column, levels)) if !column.is_empty() => {
            let levels: Vec<String> = levels.split(',').map(str::to_owned).collect();
            if levels.len() < 2 || levels.iter().any(String::is_empty) {
                return Err(format!(
                    "`{text}`; expected column=L0,L1,… with two levels or more"
                ));
            }
            Ok((column.to_owned(), levels))
        }
        _ => Err(format!("`{text}`; expected column=L0,L1,…")),
    }
}

/// `column=level`.
fn reference(text: &str) -> Result<(String, String), String> {
    match text.split_once('=') {
        Some((column, level)) if !column.is_empty() => Ok((column.to_owned(), level.to_owned())),
        _ => Err(format!("`{text}`; expected column=level")),
    }
}
