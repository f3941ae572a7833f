//! `cargo xtask <task>`: project automation, run through the alias in
//! `.cargo/config.toml`. Each task is a module with a `run()`; arguments are parsed
//! by hand to keep this crate's dependencies to the workspace's own.

mod bench;
mod e2e;
mod reproduce;

use std::process::ExitCode;

const USAGE: &str = "usage: cargo xtask <task>\n\ntasks:\n  reproduce [--out DIR]   regenerate the paper's results (default DIR: target/reproduce)\n  bench [-- ARGS]         run the engine benchmark (release build)\n  e2e [ARGS]              run the end-to-end command-line benchmark (python3; --help for its options)";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("reproduce") => reproduce::run(&args[1..]),
        Some("bench") => bench::run(&args[1..]),
        Some("e2e") => {
            return e2e::run(&args[1..]).unwrap_or_else(|e| {
                eprintln!("error: {e:#}");
                ExitCode::FAILURE
            });
        }
        Some("-h" | "--help") => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Some(other) => {
            eprintln!("error: unknown task `{other}`\n\n{USAGE}");
            return ExitCode::from(2);
        }
        None => {
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
