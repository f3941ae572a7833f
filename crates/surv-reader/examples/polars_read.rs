//! The baseline of the command-line benchmarks: how long polars alone takes to
//! read a CSV or Parquet file as `npcsurv` reads it (typed; a CSV file read
//! into memory, then parsed; a Parquet file read in place, decoding only the
//! columns asked for), median of 5 runs by default.
//!
//! `cargo run --release -p surv-reader --example polars_read -- FILE [--columns a,b,c] [--runs N]`
//!
//! `--columns` reads only those columns (as `npcsurv` parses only the columns
//! it uses); `--runs 1` times one read, for a caller that measures the whole
//! process (`cargo xtask e2e`).

use std::io::Cursor;
use std::process::ExitCode;
use std::time::Instant;

use polars::prelude::*;

struct Args {
    path: String,
    columns: Option<Vec<String>>,
    runs: usize,
}

fn args() -> Result<Args, String> {
    let usage = "usage: polars_read FILE [--columns a,b,c] [--runs N]";
    let (mut path, mut columns, mut runs) = (None, None, 5);
    let mut rest = std::env::args().skip(1);
    while let Some(arg) = rest.next() {
        match arg.as_str() {
            "--columns" => {
                let list = rest.next().ok_or(usage)?;
                columns = Some(list.split(',').map(str::to_owned).collect());
            }
            "--runs" => {
                let n = rest.next().ok_or(usage)?;
                runs = n
                    .parse()
                    .ok()
                    .filter(|&n| n > 0)
                    .ok_or(format!("--runs: not a positive count: {n}"))?;
            }
            _ if path.is_none() && !arg.starts_with("--") => path = Some(arg),
            _ => return Err(format!("unexpected argument `{arg}`\n{usage}")),
        }
    }
    Ok(Args {
        path: path.ok_or(usage)?,
        columns,
        runs,
    })
}

/// One read of the file: its bytes, then the frame of the chosen columns.
fn read(path: &str, columns: Option<&[String]>) -> PolarsResult<DataFrame> {
    if path.ends_with(".parquet") {
        let reader = ParquetReader::new(std::fs::File::open(path)?);
        return reader
            .with_columns(columns.map(<[String]>::to_vec))
            .finish();
    }
    let bytes = std::fs::read(path)?;
    let projection: Option<Arc<[PlSmallStr]>> =
        columns.map(|c| c.iter().map(|c| PlSmallStr::from(c.as_str())).collect());
    CsvReadOptions::default()
        .with_has_header(true)
        .with_infer_schema_length(Some(1000))
        .with_columns(projection)
        .into_reader_with_file_handle(Cursor::new(bytes))
        .finish()
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

fn run() -> Result<(), String> {
    let args = args()?;
    let mut times: Vec<f64> = (0..args.runs)
        .map(|_| {
            let start = Instant::now();
            let frame = read(&args.path, args.columns.as_deref())
                .map_err(|e| format!("{}: {e}", args.path))?;
            if frame.height() == 0 {
                return Err(format!("{}: no rows", args.path));
            }
            Ok(start.elapsed().as_secs_f64())
        })
        .collect::<Result<_, String>>()?;
    times.sort_by(f64::total_cmp);
    match args.runs {
        1 => println!("polars read: {:.3} s", times[0]),
        n => println!("polars read: median {:.3} s over {n} runs", times[n / 2]),
    }
    Ok(())
}
