//! `npcsurv`: the command-line front end. Glue only: it parses arguments, loads
//! files through `npc-cohort` and prints what `npc-report` renders. Errors become a
//! message on standard error and exit code 2 for bad input or usage, 1 otherwise.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use npc_cohort::Cohort;

/// Survival analysis that agrees with R's survival package.
#[derive(Parser)]
#[command(name = "npcsurv", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Table 1 (counts and percentages) of a file in the paper's patient schema.
    ///
    /// Example: npcsurv table1 fixtures/dizdar2021/patients.csv
    Table1 {
        /// A .csv or .parquet file with the columns of the paper's Table 2.
        file: PathBuf,
    },
    /// Reproduce the paper: tables, figure, survival, univariate analysis and the
    /// claims ledger, from the embedded patient rows (same as `cargo xtask reproduce`).
    ///
    /// Example: npcsurv reproduce --out reproduction
    Reproduce {
        /// Directory to write into.
        #[arg(long, default_value = "reproduce")]
        out: PathBuf,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Reproduce { out } => {
            let written = npc_report::Reproduction::build().and_then(|r| {
                let files = r.write_to(&out)?;
                print!("{}", r.terminal_summary());
                Ok(files)
            });
            match written {
                Ok(files) => {
                    println!("Wrote {} files to {}", files.len(), out.display());
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("npcsurv: {e}");
                    ExitCode::FAILURE
                }
            }
        }
        Command::Table1 { file } => match Cohort::load(&file) {
            Ok(cohort) => {
                let summary = cohort.summary();
                let rows = npc_report::table1::rows(
                    &summary,
                    &[],
                    &npc_cohort::AggregateFacts { facts: Vec::new() },
                );
                print!("{}", npc_report::table1::markdown(&summary, &rows));
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("npcsurv: {e}");
                ExitCode::from(2)
            }
        },
    }
}
