//! A first, fast pass over delimited text: the header's column names and the
//! number of fields in every row, before polars parses anything.
//!
//! polars accepts a row with more fields than the header when only some columns
//! are read, fills a short row with nulls, and renames a repeated header name.
//! In a spreadsheet export each of these is how a stray delimiter shifts a
//! column, so here each is an error naming the row. Blank lines are skipped, as
//! R's `read.csv` and pandas skip them; polars keeps them as rows of nulls, so
//! their positions are returned for the caller to leave out.

use std::collections::HashMap;

use crate::error::ReadError;

/// What the pass found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Shape {
    /// Column names, as the header spells them (quotes removed).
    pub names: Vec<String>,
    /// 0-based positions, among the data rows, of blank lines.
    pub blank: Vec<usize>,
}

const QUOTE: u8 = b'"';
const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Checks the header and every row of `bytes` (fields split by `delimiter`).
pub(crate) fn shape(path: &str, bytes: &[u8], delimiter: u8) -> Result<Shape, ReadError> {
    let bytes = bytes.strip_prefix(BOM).unwrap_or(bytes);
    let (names, mut pos) = header(bytes, delimiter);
    let mut first_at: HashMap<&str, usize> = HashMap::with_capacity(names.len());
    for (i, name) in names.iter().enumerate() {
        if let Some(&first) = first_at.get(name.as_str()) {
            return Err(ReadError::DuplicateColumn {
                path: path.to_owned(),
                column: name.clone(),
                positions: (first + 1, i + 1),
            });
        }
        first_at.insert(name, i);
    }
    let expected = names.len();
    let mut blank = Vec::new();
    let mut record = 0usize;
    while pos < bytes.len() {
        let end = memchr::memchr(b'\n', &bytes[pos..]).map_or(bytes.len(), |i| pos + i);
        let line = &bytes[pos..end];
        // Most rows hold no quote: count delimiters over the line (vectorised).
        // A quote sends the row through the field-by-field parser, which may run
        // past this line when a quoted field holds a newline.
        let (found, next) = if memchr::memchr(QUOTE, line).is_some() {
            let (fields, next) = count_quoted(bytes, pos, delimiter);
            (fields, next)
        } else if line.iter().all(u8::is_ascii_whitespace) {
            blank.push(record);
            (expected, end + 1)
        } else {
            (
                1 + line.iter().filter(|&&b| b == delimiter).count(),
                end + 1,
            )
        };
        if found != expected {
            return Err(ReadError::RaggedRow {
                path: path.to_owned(),
                row: record + 2,
                found,
                expected,
            });
        }
        record += 1;
        pos = next;
    }
    Ok(Shape { names, blank })
}

/// The header's fields, unquoted, and where the first data row starts.
fn header(bytes: &[u8], delimiter: u8) -> (Vec<String>, usize) {
    let mut names = vec![Vec::new()];
    let mut quoted = false;
    let mut pos = 0;
    while pos < bytes.len() {
        let b = bytes[pos];
        pos += 1;
        match b {
            QUOTE if quoted && bytes.get(pos) == Some(&QUOTE) => {
                if let Some(n) = names.last_mut() {
                    n.push(QUOTE);
                }
                pos += 1;
            }
            QUOTE => quoted = !quoted,
            b'\n' if !quoted => break,
            b if b == delimiter && !quoted => names.push(Vec::new()),
            b => {
                if let Some(n) = names.last_mut() {
                    n.push(b);
                }
            }
        }
    }
    let names = names
        .into_iter()
        .map(|n| {
            let text = String::from_utf8_lossy(&n).into_owned();
            text.strip_suffix('\r').map(str::to_owned).unwrap_or(text)
        })
        .collect();
    (names, pos)
}

/// Fields of the row starting at `pos`, honouring quotes, and where the next
/// row starts.
fn count_quoted(bytes: &[u8], mut pos: usize, delimiter: u8) -> (usize, usize) {
    let mut fields = 1;
    let mut quoted = false;
    while pos < bytes.len() {
        let b = bytes[pos];
        pos += 1;
        match b {
            // A doubled quote inside quotes is a literal quote: toggling twice
            // leaves the state as it was.
            QUOTE => quoted = !quoted,
            b'\n' if !quoted => return (fields, pos),
            b if b == delimiter && !quoted => fields += 1,
            _ => {}
        }
    }
    (fields, pos)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(text: &str) -> Result<Shape, ReadError> {
        shape("f.csv", text.as_bytes(), b',')
    }

    #[test]
    fn a_regular_file_passes_with_its_names() {
        let s =
            check("\u{feff}time,\"event\",\"a \"\"b\"\"\"\r\n1,0,x\r\n2,1,\"y,z\"\r\n").unwrap();
        assert_eq!(s.names, ["time", "event", "a \"b\""]);
        assert!(s.blank.is_empty());
    }

    #[test]
    fn a_row_with_an_extra_field_names_its_row_and_counts() {
        let err = check("time,event,g\n5,1,a\n5,1,a,extra\n").unwrap_err();
        assert!(
            matches!(
                err,
                ReadError::RaggedRow {
                    row: 3,
                    found: 4,
                    expected: 3,
                    ..
                }
            ),
            "{err:?}"
        );
        assert_eq!(
            err.to_string(),
            "f.csv: row 3: 4 fields; expected 3, as many as the header has"
        );
    }

    #[test]
    fn a_short_row_is_ragged_too() {
        let err = check("time,event,g\n5,1,a\n6,0,b\n7,1\n").unwrap_err();
        assert!(matches!(
            err,
            ReadError::RaggedRow {
                row: 4,
                found: 2,
                expected: 3,
                ..
            }
        ));
    }

    #[test]
    fn quoted_delimiters_and_newlines_are_inside_a_field() {
        let s = check("a,b\n\"x,\ny\",1\n\"q\"\"\",2\n").unwrap();
        assert_eq!(s.names, ["a", "b"]);
        let err = check("a,b\n\"x,\ny\",1,3\n").unwrap_err();
        assert!(matches!(
            err,
            ReadError::RaggedRow {
                row: 2,
                found: 3,
                ..
            }
        ));
    }

    #[test]
    fn blank_lines_are_listed_and_not_ragged() {
        let s = check("a,b\n1,2\n\n  \n3,4\n\n").unwrap();
        assert_eq!(s.blank, [1, 2, 4]);
    }

    #[test]
    fn a_repeated_header_name_is_refused() {
        let err = check("time,event,time\n1,1,2\n").unwrap_err();
        assert!(matches!(
            &err,
            ReadError::DuplicateColumn { column, positions: (1, 3), .. } if column == "time"
        ));
    }

    #[test]
    fn tabs_split_tsv() {
        let s = shape("f.tsv", b"a\tb\n1\t2\n", b'\t').unwrap();
        assert_eq!(s.names, ["a", "b"]);
        assert!(shape("f.tsv", b"a\tb\n1\t2\t3\n", b'\t').is_err());
    }
}
