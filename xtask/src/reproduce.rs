//! `cargo xtask reproduce`: regenerate the paper's results from its patient rows.
//!
//! So far it writes the recomputed Table 1 (Markdown and CSV) and prints it; the
//! survival results, figure and claims ledger come with the report crate's work.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use npc_report::table1;

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
    let cohort = npc_cohort::dizdar2021::cohort().context("loading the paper's patient table")?;
    let summary = cohort.summary();
    std::fs::create_dir_all(&out).with_context(|| format!("creating {}", out.display()))?;
    let markdown = table1::markdown(&summary);
    write(&out.join("table1.md"), &markdown)?;
    write(&out.join("table1.csv"), &table1::csv(&summary))?;
    println!("{markdown}");
    println!("Wrote table1.md and table1.csv to {}", out.display());
    Ok(())
}

fn write(path: &Path, text: &str) -> Result<()> {
    std::fs::write(path, text).with_context(|| format!("writing {}", path.display()))
}
