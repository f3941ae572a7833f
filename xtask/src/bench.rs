//! `cargo xtask bench [-- ARGS]`: the engine benchmark in release mode. Arguments
//! after `--` go to the benchmark (e.g. `--max 1000000`, `--write-csv DIR`).

use std::process::Command;

use anyhow::{Context, Result, bail};

pub fn run(args: &[String]) -> Result<()> {
    let passthrough: Vec<&String> = match args.first().map(String::as_str) {
        Some("--") => args[1..].iter().collect(),
        None => Vec::new(),
        Some(other) => {
            bail!("unknown argument `{other}` for bench; pass benchmark options after `--`")
        }
    };
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let status = Command::new(cargo)
        .args(["bench", "-p", "surv-engine", "--bench", "engine", "--"])
        .args(passthrough)
        .status()
        .context("running cargo bench")?;
    if !status.success() {
        bail!("the benchmark failed ({status})");
    }
    Ok(())
}
