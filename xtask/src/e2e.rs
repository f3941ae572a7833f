//! `cargo xtask e2e [ARGS]`: the end-to-end benchmark of the command line
//! (`npcsurv km`, `logrank`, `cox` on large CSV and Parquet files, beside polars
//! alone and, with `--peers`, pandas + lifelines). The work is done by
//! `xtask/scripts/e2e.py` (Python's standard library only), run with `python3`;
//! its exit status is passed through. `cargo xtask e2e --help` lists the options.

use std::path::PathBuf;
use std::process::{Command, ExitCode};

use anyhow::{Context, Result};

/// The benchmark script, from this crate's manifest directory.
fn script() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("scripts")
        .join("e2e.py")
}

/// What `cargo run` adds to the environment of the program it runs (besides
/// `CARGO_PKG_*`), as opposed to the CARGO_* settings a user may have made.
const SET_BY_CARGO_RUN: &[&str] = &[
    "CARGO_MANIFEST_DIR",
    "CARGO_MANIFEST_PATH",
    "CARGO_CRATE_NAME",
    "CARGO_BIN_NAME",
    "CARGO_PRIMARY_PACKAGE",
];

pub fn run(args: &[String]) -> Result<ExitCode> {
    // `cargo xtask e2e -- ARGS` as `cargo xtask bench -- ARGS` takes them.
    let args = match args.first().map(String::as_str) {
        Some("--") => &args[1..],
        _ => args,
    };
    let mut command = Command::new("python3");
    command.arg(script()).args(args);
    // The script runs cargo itself: give it the environment of a shell, not the
    // variables `cargo run` sets for xtask. A build script among polars'
    // dependencies reruns when CARGO_MANIFEST_DIR changes, which would rebuild
    // polars on every switch between `cargo xtask e2e` and a plain `cargo build`.
    for (name, _) in std::env::vars_os() {
        let name = name.to_string_lossy();
        if SET_BY_CARGO_RUN.contains(&name.as_ref()) || name.starts_with("CARGO_PKG_") {
            command.env_remove(name.as_ref());
        }
    }
    let status = command
        .status()
        .context("running python3 (the end-to-end benchmark needs Python 3.11 or later)")?;
    Ok(match status.code() {
        Some(0) => ExitCode::SUCCESS,
        Some(code) => ExitCode::from(u8::try_from(code).unwrap_or(1)),
        // Killed by a signal.
        None => ExitCode::FAILURE,
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_script_is_where_the_task_looks() {
        assert!(super::script().is_file(), "{}", super::script().display());
    }
}
