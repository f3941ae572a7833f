//! `cargo xtask reproduce [--out DIR]`: regenerate every result of the paper from
//! its patient rows into DIR (default `target/reproduce/`), and print a summary.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use dizdar2021_reproduction::Reproduction;

/// The workspace root, from this crate's manifest directory.
fn project_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives one level below the root")
        .to_path_buf()
}

pub fn run(args: &[String]) -> Result<()> {
    let mut out = project_root().join("target").join("reproduce");
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        match arg.as_str() {
            "--out" => out = PathBuf::from(rest.next().context("--out needs a directory")?),
            other => bail!("unknown argument `{other}` for reproduce; expected --out DIR"),
        }
    }
    let reproduction = Reproduction::build()?;
    let written = reproduction.write_to(&out)?;
    print!("{}", reproduction.terminal_summary());
    println!(
        "Wrote {} files to {}: {}",
        written.len(),
        out.display(),
        written.join(", ")
    );
    Ok(())
}
