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
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Table1 { file } => match Cohort::load(&file) {
            Ok(cohort) => {
                print!("{}", npc_report::table1::markdown(&cohort.summary()));
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("npcsurv: {e}");
                ExitCode::from(2)
            }
        },
    }
}
