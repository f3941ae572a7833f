//! `npcsurv`: the command-line front end. Glue only: it parses arguments, reads
//! the file through `npc-cohort`, calls `npc-survival`, and prints what
//! `npc-report` renders. Data go to standard output, diagnostics to standard
//! error; exit code 0 on success, 2 for bad input or usage, 1 for anything else.

mod args;
mod run;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = args::Cli::parse();
    match run::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("npcsurv: {e}");
            ExitCode::from(e.exit_code())
        }
    }
}
