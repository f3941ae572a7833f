//! Writing Parquet: a delimited file converted with the column types polars
//! infers, as a user's own Parquet writer would store them.

use std::io::Cursor;

use polars::prelude::*;

use crate::error::ReadError;
use crate::source::{self, Format, Typing};

/// Converts CSV or TSV `bytes` to Parquet, the column types inferred (whole
/// numbers as Int64, decimals as Float64, `true`/`false` as Boolean, the rest
/// as text).
///
/// ```
/// use surv_reader::{convert, Format};
/// let parquet = convert::to_parquet("t.csv", Format::Csv, b"time,event\n5,1\n8,0\n".to_vec()).unwrap();
/// assert_eq!(&parquet[..4], b"PAR1");
/// ```
pub fn to_parquet(name: &str, format: Format, bytes: Vec<u8>) -> Result<Vec<u8>, ReadError> {
    // Blank lines are not rows: the Parquet file holds what a reader of the
    // text would read.
    let mut frame = source::parse(name, format, &bytes, None, None, Typing::Inferred)?
        .without_blank_lines()
        .map_err(|e| ReadError::Unreadable {
            path: name.to_owned(),
            reason: e.to_string(),
        })?;
    let mut out = Vec::new();
    ParquetWriter::new(Cursor::new(&mut out))
        .finish(&mut frame)
        .map_err(|e| ReadError::Unreadable {
            path: name.to_owned(),
            reason: format!("cannot write Parquet: {e}"),
        })?;
    Ok(out)
}
