//! Each subcommand: read, call the engine, print.

use std::fmt;
use std::io::Write;

use dizdar2021_cohort::{Cohort, LoadError};
use surv_engine::SurvivalError;
use surv_engine::cox::{CoxConfig, cox_ph, cox_zph};
use surv_engine::km::{KmConfig, kaplan_meier, kaplan_meier_by_group};
use surv_engine::logrank::log_rank;
use surv_engine::permutation::{PermutationConfig, permutation_log_rank};
use surv_engine::power::{Design, minimal_detectable_hazard_ratio, power};
use surv_reader::{ColumnSpec, ReadError, SurvivalTable};
use surv_render::output::{self, KmOutput, LogRankExtras};

use crate::args::{Cli, Command, Input};

/// Why a command failed, and so its exit code.
pub enum CliError {
    /// The file could not be read as asked (exit 2).
    Input(ReadError),
    /// A file in the paper's schema could not be loaded (exit 2).
    Cohort(LoadError),
    /// The command line asks for something that cannot be done (exit 2).
    Usage(String),
    /// The data or the options do not allow the analysis (exit 2).
    Analysis { file: String, error: SurvivalError },
    /// Anything else (exit 1).
    Other(String),
}

impl CliError {
    pub fn exit_code(&self) -> u8 {
        match self {
            CliError::Input(_)
            | CliError::Cohort(_)
            | CliError::Usage(_)
            | CliError::Analysis { .. } => 2,
            CliError::Other(_) => 1,
        }
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CliError::Input(e) => write!(f, "{e}"),
            CliError::Cohort(e) => write!(f, "{e}"),
            CliError::Usage(e) => f.write_str(e),
            CliError::Analysis { file, error } => write!(f, "{file}: {error}"),
            CliError::Other(e) => f.write_str(e),
        }
    }
}

impl From<ReadError> for CliError {
    fn from(e: ReadError) -> Self {
        CliError::Input(e)
    }
}

impl From<LoadError> for CliError {
    fn from(e: LoadError) -> Self {
        CliError::Cohort(e)
    }
}

pub fn run(cli: Cli) -> Result<(), CliError> {
    match cli.command {
        Command::Km {
            input,
            group,
            conf_type,
            conf_level,
            at,
            rmean,
            plot,
        } => {
            let spec = ColumnSpec {
                group,
                ..spec(&input)
            };
            let data = read(&input, &spec)?;
            let analysis = |error| CliError::Analysis {
                file: data.source.clone(),
                error,
            };
            let config = KmConfig {
                conf_type,
                conf_level,
            };
            let (curves, labels): (Vec<_>, Vec<Option<String>>) = match &data.group {
                Some(g) => (
                    kaplan_meier_by_group(&data.time, &data.event, &g.codes, &config)
                        .map_err(analysis)?,
                    g.levels.iter().cloned().map(Some).collect(),
                ),
                None => (
                    vec![kaplan_meier(&data.time, &data.event, &config).map_err(analysis)?],
                    vec![None],
                ),
            };
            let rmeans = curves
                .iter()
                .map(|c| rmean.map(|tau| c.restricted_mean(tau)).transpose())
                .collect::<Result<Vec<_>, _>>()
                .map_err(analysis)?;
            let outputs: Vec<KmOutput<'_>> = curves
                .iter()
                .zip(&labels)
                .zip(&rmeans)
                .map(|((curve, group), rmean)| KmOutput {
                    group: group.as_deref(),
                    curve,
                    at: &at,
                    rmean: *rmean,
                })
                .collect();
            if let Some(path) = plot {
                let labelled: Vec<(Option<String>, &surv_engine::km::KmCurve)> =
                    labels.iter().cloned().zip(curves.iter()).collect();
                let figure = surv_render::plot::data(&labelled, None, &[]);
                let title = format!("Kaplan-Meier estimate: {}", data.source);
                let axes = surv_render::plot::Labels {
                    title: &title,
                    x: &input.time,
                    y: "Survival",
                    landmark: None,
                };
                let svg = surv_render::plot::svg(&figure, &axes).map_err(CliError::Other)?;
                std::fs::write(&path, svg).map_err(|e| {
                    CliError::Other(format!("{}: cannot write: {e}", path.display()))
                })?;
            }
            print(
                &output::km(&outputs, data.n_dropped, input.format),
                data.n_dropped,
                &input,
            )
        }
        Command::Logrank {
            input,
            group,
            rho,
            strata,
            trend,
            permutation,
            seed,
        } => {
            let spec = ColumnSpec {
                group: Some(group),
                strata,
                ..spec(&input)
            };
            let data = read(&input, &spec)?;
            let analysis = |error| CliError::Analysis {
                file: data.source.clone(),
                error,
            };
            let groups = data
                .group
                .as_ref()
                .ok_or_else(|| CliError::Other("no group column read".into()))?;
            let strata_codes = data.strata.as_ref().map(|s| s.codes.as_slice());
            let test = log_rank(&data.time, &data.event, &groups.codes, strata_codes, rho)
                .map_err(analysis)?;
            let trend = if trend {
                let scores: Vec<f64> = (1..=groups.levels.len()).map(|s| s as f64).collect();
                Some(test.trend(&scores).map_err(analysis)?)
            } else {
                None
            };
            let permutation = if permutation {
                let config = PermutationConfig {
                    seed,
                    ..PermutationConfig::default()
                };
                Some(
                    permutation_log_rank(&data.time, &data.event, &groups.codes, &config)
                        .map_err(analysis)?,
                )
            } else {
                None
            };
            let extras = LogRankExtras {
                trend: trend.as_ref(),
                permutation: permutation.as_ref(),
            };
            print(
                &output::logrank(&test, &groups.levels, data.n_dropped, &extras, input.format),
                data.n_dropped,
                &input,
            )
        }
        Command::Cox {
            input,
            covariates,
            references,
            ties,
            strata,
            zph,
            zph_transform,
        } => {
            let references = references
                .iter()
                .map(|r| {
                    r.split_once('=')
                        .map(|(c, l)| (c.to_owned(), l.to_owned()))
                        .ok_or_else(|| {
                            CliError::Usage(format!("--reference `{r}`: expected column=level"))
                        })
                })
                .collect::<Result<Vec<_>, _>>()?;
            let spec = ColumnSpec {
                covariates,
                references,
                strata,
                ..spec(&input)
            };
            let data = read(&input, &spec)?;
            let analysis = |error| CliError::Analysis {
                file: data.source.clone(),
                error,
            };
            let columns: Vec<&[f64]> = data
                .covariates
                .iter()
                .map(|c| c.values.as_slice())
                .collect();
            let names: Vec<String> = data.covariates.iter().map(|c| c.name.clone()).collect();
            let strata_codes = data.strata.as_ref().map(|s| s.codes.as_slice());
            let config = CoxConfig {
                ties,
                ..CoxConfig::default()
            };
            let fit = cox_ph(&data.time, &data.event, &columns, strata_codes, &config)
                .map_err(analysis)?;
            let zph = if zph {
                Some(
                    cox_zph(
                        &data.time,
                        &data.event,
                        &columns,
                        strata_codes,
                        &fit,
                        zph_transform,
                    )
                    .map_err(analysis)?,
                )
            } else {
                None
            };
            print(
                &output::cox(&fit, &names, data.n_dropped, zph.as_ref(), input.format),
                data.n_dropped,
                &input,
            )
        }
        Command::Power {
            hr,
            events,
            allocation,
            alpha,
            power: target,
        } => {
            let design = Design { allocation, alpha };
            let analysis = |error| CliError::Analysis {
                file: "power".into(),
                error,
            };
            let mut out = String::new();
            if let Some(hr) = hr {
                let p = power(hr, events, &design).map_err(analysis)?;
                out += &format!(
                    "power to detect HR {hr} with {events} events (allocation {allocation}, alpha {alpha}): {p:.4}\n"
                );
            }
            if let Some(target) = target {
                let detectable =
                    minimal_detectable_hazard_ratio(events, target, &design).map_err(analysis)?;
                out += &format!(
                    "minimal detectable HR at {:.0} % power with {events} events: {detectable:.4} (or {:.4})\n",
                    target * 100.0,
                    1.0 / detectable
                );
            }
            if hr.is_none() && target.is_none() {
                return Err(CliError::Analysis {
                    file: "power".into(),
                    error: SurvivalError::InvalidParameter {
                        name: "hr",
                        value: f64::NAN,
                        expected: "--hr or --power",
                    },
                });
            }
            write_stdout(&out)
        }
        Command::Table1 { file } => {
            let cohort = Cohort::load(&file)?;
            let summary = cohort.summary();
            let no_facts = dizdar2021_cohort::AggregateFacts { facts: Vec::new() };
            let rows = dizdar2021_reproduction::table1::rows(&summary, &[], &no_facts);
            write_stdout(&dizdar2021_reproduction::table1::markdown(&summary, &rows))
        }
        Command::Reproduce { out } => {
            let reproduction = dizdar2021_reproduction::Reproduction::build()
                .map_err(|e| CliError::Other(e.to_string()))?;
            let written = reproduction
                .write_to(&out)
                .map_err(|e| CliError::Other(e.to_string()))?;
            write_stdout(&format!(
                "{}Wrote {} files to {}\n",
                reproduction.terminal_summary(),
                written.len(),
                out.display()
            ))
        }
    }
}

fn spec(input: &Input) -> ColumnSpec {
    ColumnSpec {
        time: input.time.clone(),
        event: input.event.clone(),
        event_value: input.event_value.clone(),
        ..ColumnSpec::default()
    }
}

fn read(input: &Input, spec: &ColumnSpec) -> Result<SurvivalTable, CliError> {
    Ok(SurvivalTable::read(&input.file, spec)?)
}

/// Prints the result; outside JSON, says on standard error how many rows were
/// left out.
fn print(text: &str, n_dropped: usize, input: &Input) -> Result<(), CliError> {
    if n_dropped > 0 && input.format != surv_render::OutputFormat::Json {
        eprintln!("npcsurv: {n_dropped} rows left out for a missing value in a used column");
    }
    write_stdout(text)
}

fn write_stdout(text: &str) -> Result<(), CliError> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => Ok(()),
        // A closed pipe (`| head`) is not an error of ours.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(CliError::Other(format!("writing the output: {e}"))),
    }
}
