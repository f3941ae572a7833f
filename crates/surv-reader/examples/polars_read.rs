//! The baseline of the command-line benchmark: how long polars alone takes to
//! read a CSV file (typed, as `npcsurv` reads it), median of 5 runs.
//!
//! `cargo run --release -p surv-reader --example polars_read -- FILE`

use std::io::Cursor;
use std::time::Instant;

use polars::prelude::*;

fn main() {
    let path = std::env::args().nth(1).expect("usage: polars_read FILE");
    let mut times: Vec<f64> = (0..5)
        .map(|_| {
            let start = Instant::now();
            let bytes = std::fs::read(&path).expect("readable file");
            let frame = CsvReadOptions::default()
                .with_has_header(true)
                .with_infer_schema_length(Some(1000))
                .into_reader_with_file_handle(Cursor::new(bytes))
                .finish()
                .expect("valid CSV");
            assert!(frame.height() > 0);
            start.elapsed().as_secs_f64()
        })
        .collect();
    times.sort_by(f64::total_cmp);
    println!("polars read: median {:.3} s over 5 runs", times[2]);
}
