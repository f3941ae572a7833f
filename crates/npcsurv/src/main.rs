//! `npcsurv`: the command line. Glue only: it parses arguments, reads the file
//! through `surv-reader`, calls `surv-engine`, and prints what `surv-render`
//! renders; the paper's reproduction comes from `dizdar2021-reproduction`. It
//! holds no statistics. Results go to standard output; warnings and errors to
//! standard error, in every format. Exit code 0 on success, 2 for bad input or
//! usage, 1 for anything else.

mod args;
mod cmd;
mod error;
mod input;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = args::Cli::parse();
    match cmd::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("npcsurv: {e}");
            ExitCode::from(e.exit_code())
        }
    }
}
