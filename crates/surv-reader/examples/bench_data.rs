//! The data of the end-to-end benchmark (`cargo xtask e2e`): a synthetic
//! cohort, written as CSV (`time,event,group,x1..x5`) or as Parquet (`time,
//! event, group, x1, x2`).
//!
//! `cargo run --release -p surv-reader --example bench_data -- csv|parquet ROWS PATH`
//!
//! Whole-day exponential survival (median about two years, hazard ratio 0.74 in
//! group 1, five normal covariates acting on the hazard), administrative
//! censoring at ten years and 25 % random censoring: about 70 % events. Every
//! file is the first ROWS rows of one deterministic stream, so a smaller file is
//! a prefix of a larger one. Rows are generated and written in batches, so
//! memory stays bounded at any size (10^8 rows included).
//!
//! A file is written to `PATH.tmp` and renamed; `PATH.done` then records what it
//! holds, and a later call for the same file returns at once.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use polars::prelude::*;

/// Rows per batch: generated, then written as one Parquet row group (polars'
/// own default row-group size).
const BATCH: usize = 512 * 512;

/// Bumped whenever the generator or a file's layout changes, so that files of
/// an older version are written again.
const VERSION: u32 = 1;

const SEED: u64 = 0x5eed_e2e0;

/// A small deterministic generator (xorshift64*), as the engine benchmark's.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn uniform(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// A standard normal (Box-Muller, one of the pair).
    fn normal(&mut self) -> f64 {
        let (u, v) = (1.0 - self.uniform(), self.uniform());
        (-2.0 * u.ln()).sqrt() * (2.0 * std::f64::consts::PI * v).cos()
    }
}

/// One batch of rows, a column each.
#[derive(Default)]
struct Batch {
    time: Vec<f64>,
    event: Vec<i32>,
    group: Vec<i32>,
    x: [Vec<f64>; 5],
}

const BETA: [f64; 5] = [0.3, -0.2, 0.1, 0.15, -0.05];

impl Batch {
    fn generate(rng: &mut Rng, rows: usize) -> Batch {
        let mut b = Batch::default();
        for _ in 0..rows {
            let group = (rng.next() & 1) as i32;
            let x: [f64; 5] = std::array::from_fn(|_| rng.normal());
            let lp = -0.3 * f64::from(group) + x.iter().zip(BETA).map(|(x, b)| x * b).sum::<f64>();
            let rate = 2f64.ln() / 730.0 * lp.exp();
            let t = (-(1.0 - rng.uniform()).ln() / rate).ceil().min(3650.0);
            let censored = t >= 3650.0 || rng.uniform() < 0.25;
            b.time.push(if censored {
                (t * rng.uniform()).ceil().max(1.0)
            } else {
                t
            });
            b.event.push(i32::from(!censored));
            b.group.push(group);
            for (column, value) in b.x.iter_mut().zip(x) {
                column.push(value);
            }
        }
        b
    }

    /// time, event, group, x1, x2: the Parquet files' columns.
    fn frame(self) -> PolarsResult<DataFrame> {
        let [x1, x2, ..] = self.x;
        DataFrame::new_infer_height(vec![
            Column::new("time".into(), self.time),
            Column::new("event".into(), self.event),
            Column::new("group".into(), self.group),
            Column::new("x1".into(), x1),
            Column::new("x2".into(), x2),
        ])
    }

    fn write_csv(&self, out: &mut impl Write) -> std::io::Result<()> {
        for i in 0..self.time.len() {
            write!(out, "{},{},{}", self.time[i], self.event[i], self.group[i])?;
            for column in &self.x {
                write!(out, ",{:.6}", column[i])?;
            }
            writeln!(out)?;
        }
        Ok(())
    }
}

/// The batch sizes that make up `rows`.
fn batches(rows: usize) -> impl Iterator<Item = usize> {
    (0..rows.div_ceil(BATCH)).map(move |i| BATCH.min(rows - i * BATCH))
}

fn write_csv(rows: usize, path: &Path) -> Result<(), Box<dyn std::error::Error>> {
    let mut out = BufWriter::new(File::create(path)?);
    writeln!(out, "time,event,group,x1,x2,x3,x4,x5")?;
    let mut rng = Rng(SEED);
    for n in batches(rows) {
        Batch::generate(&mut rng, n).write_csv(&mut out)?;
    }
    out.into_inner()?.sync_all()?;
    Ok(())
}

fn write_parquet(rows: usize, path: &Path) -> Result<(), Box<dyn std::error::Error>> {
    let mut rng = Rng(SEED);
    let mut sizes = batches(rows);
    let first = Batch::generate(&mut rng, sizes.next().ok_or("no rows to write")?).frame()?;
    let mut writer = ParquetWriter::new(File::create(path)?).batched(first.schema())?;
    writer.write_batch(&first)?;
    drop(first);
    for n in sizes {
        writer.write_batch(&Batch::generate(&mut rng, n).frame()?)?;
    }
    writer.finish()?;
    Ok(())
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [format, rows, path] = args.as_slice() else {
        return Err("usage: bench_data csv|parquet ROWS PATH".into());
    };
    let rows: usize = rows
        .parse()
        .map_err(|_| format!("ROWS: not a count: {rows}"))?;
    if rows == 0 {
        return Err("ROWS must be at least 1".into());
    }
    let path = PathBuf::from(path);
    let with_suffix = |suffix: &str| {
        let mut p = path.clone().into_os_string();
        p.push(suffix);
        PathBuf::from(p)
    };
    let (done, tmp) = (with_suffix(".done"), with_suffix(".tmp"));
    let marker =
        format!("npcsurv e2e bench data v{VERSION}: {format}, {rows} rows, seed {SEED:#x}\n");
    if path.exists() && std::fs::read_to_string(&done).is_ok_and(|m| m == marker) {
        println!("{} is up to date ({rows} rows)", path.display());
        return Ok(());
    }
    let _ = std::fs::remove_file(&done);
    match format.as_str() {
        "csv" => write_csv(rows, &tmp)?,
        "parquet" => write_parquet(rows, &tmp)?,
        other => return Err(format!("unknown format `{other}`: expected csv or parquet").into()),
    }
    std::fs::rename(&tmp, &path)?;
    std::fs::write(&done, marker)?;
    println!("wrote {} ({rows} rows)", path.display());
    Ok(())
}
