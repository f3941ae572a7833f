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
    let (mut check, start) = RowCheck::header(path, bytes, delimiter, true)?
        .expect("at the end of the text the header is whole");
    check.rows(&bytes[start..], true)?;
    Ok(check.into_shape())
}

/// The same checks made on text that arrives in pieces: the header first,
/// then each piece's whole rows, a row cut by a piece's end being left for the
/// next piece.
#[derive(Debug)]
pub(crate) struct RowCheck<'p> {
    path: &'p str,
    delimiter: u8,
    /// Column names, as the header spells them (quotes removed).
    pub names: Vec<String>,
    /// Data rows checked so far, blank lines included.
    pub rows: usize,
    /// 0-based positions, among the data rows, of blank lines.
    pub blank: Vec<usize>,
}

impl<'p> RowCheck<'p> {
    /// Checks the header at the start of `bytes`, returning the check for the
    /// rows and where they start; `None` when the header is not whole yet
    /// (`at_end` says whether more text can follow).
    pub(crate) fn header(
        path: &'p str,
        bytes: &[u8],
        delimiter: u8,
        at_end: bool,
    ) -> Result<Option<(RowCheck<'p>, usize)>, ReadError> {
        let skipped = if bytes.starts_with(BOM) { BOM.len() } else { 0 };
        let text = &bytes[skipped..];
        let header = match record(text, 0, delimiter, true) {
            Ok(header) if header.whole || at_end => header,
            Err(problem) if at_end || problem != QuoteProblem::Unclosed => {
                return Err(quote_error(path, 1, problem));
            }
            // Cut short by the end of what is read so far.
            _ => return Ok(None),
        };
        let names: Vec<String> = header
            .fields
            .into_iter()
            .map(|n| String::from_utf8_lossy(&n).into_owned())
            .collect();
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
        let check = RowCheck {
            path,
            delimiter,
            names,
            rows: 0,
            blank: Vec::new(),
        };
        Ok(Some((check, skipped + header.next)))
    }

    /// What the checks found: the names and the blank lines.
    pub(crate) fn into_shape(self) -> Shape {
        Shape {
            names: self.names,
            blank: self.blank,
        }
    }

    /// Checks the whole rows at the start of `bytes` (all of them when
    /// `at_end`), returning where the last of them ends.
    pub(crate) fn rows(&mut self, bytes: &[u8], at_end: bool) -> Result<usize, ReadError> {
        if memchr::memchr(QUOTE, bytes).is_none() {
            self.unquoted_rows(bytes, at_end)
        } else {
            self.rows_by_line(bytes, at_end)
        }
    }

    /// [`RowCheck::rows`] for text without a quote, where a row is a line:
    /// eight bytes at a time, each line's delimiters counted off masks of
    /// where the delimiters and line ends are.
    fn unquoted_rows(&mut self, bytes: &[u8], at_end: bool) -> Result<usize, ReadError> {
        let delimiter = self.delimiter;
        // The delimiters seen in the line so far, and where it starts.
        let mut delimiters = 0;
        let mut start = 0;
        // Past the end, a byte that is neither a delimiter nor a line end.
        let pad = u8::from(delimiter == 0);
        let mut word_start = 0;
        while word_start < bytes.len() {
            let word = word_at(bytes, word_start, pad);
            let mut ends = matches(word, b'\n');
            let mut separators = matches(word, delimiter);
            while ends != 0 {
                let bit = ends.trailing_zeros();
                let before = (1u64 << bit) - 1;
                delimiters += marked(separators & before);
                // What is left is the next line's.
                separators &= !before;
                ends &= ends - 1;
                let end = word_start + bit as usize / 8;
                self.line(&bytes[start..end], delimiters + 1)?;
                delimiters = 0;
                start = end + 1;
            }
            delimiters += marked(separators);
            word_start += WORD;
        }
        if at_end && start < bytes.len() {
            self.line(&bytes[start..], delimiters + 1)?;
            start = bytes.len();
        }
        Ok(start)
    }

    /// Checks a row, without a quote, that holds `found` fields.
    fn line(&mut self, line: &[u8], found: usize) -> Result<(), ReadError> {
        let expected = self.names.len();
        // A line without a delimiter may be blank.
        if found == 1 && line.iter().all(u8::is_ascii_whitespace) {
            self.blank.push(self.rows);
            self.rows += 1;
            return Ok(());
        }
        if found != expected {
            return Err(ReadError::RaggedRow {
                path: self.path.to_owned(),
                row: self.rows + 2,
                found,
                expected,
            });
        }
        self.rows += 1;
        Ok(())
    }

    /// [`RowCheck::rows`] a line at a time: a quote sends a row through the
    /// field-by-field parser.
    fn rows_by_line(&mut self, bytes: &[u8], at_end: bool) -> Result<usize, ReadError> {
        let delimiter = self.delimiter;
        let expected = self.names.len();
        let mut pos = 0;
        while pos < bytes.len() {
            let end = match memchr::memchr(b'\n', &bytes[pos..]) {
                Some(i) => pos + i,
                None if at_end => bytes.len(),
                None => return Ok(pos),
            };
            let line = &bytes[pos..end];
            let row = self.rows + 2;
            // Most rows hold no quote: count delimiters over the line
            // (vectorised). A quote sends the row through the field-by-field
            // parser, which may run past this line when a quoted field holds
            // a newline.
            let (found, next) = if memchr::memchr(QUOTE, line).is_some() {
                match record(bytes, pos, delimiter, false) {
                    Ok(r) if r.whole || at_end => (r.count, r.next),
                    Err(problem) if at_end || problem != QuoteProblem::Unclosed => {
                        return Err(quote_error(self.path, row, problem));
                    }
                    _ => return Ok(pos),
                }
            } else if line
                .iter()
                .all(|&b| b.is_ascii_whitespace() && b != delimiter)
            {
                self.blank.push(self.rows);
                (expected, end + 1)
            } else {
                (
                    1 + line.iter().filter(|&&b| b == delimiter).count(),
                    end + 1,
                )
            };
            if found != expected {
                return Err(ReadError::RaggedRow {
                    path: self.path.to_owned(),
                    row,
                    found,
                    expected,
                });
            }
            self.rows += 1;
            pos = next.min(bytes.len());
        }
        Ok(pos)
    }
}

/// The bytes [`RowCheck::unquoted_rows`] looks at together, as a `u64`.
const WORD: usize = 8;

/// The [`WORD`] bytes of `bytes` from `at` as a `u64`, the first the
/// lowest; past the end, `pad`.
#[inline(always)]
pub(crate) fn word_at(bytes: &[u8], at: usize, pad: u8) -> u64 {
    match bytes.get(at..at + WORD) {
        Some(word) => u64::from_le_bytes(word.try_into().expect("eight bytes")),
        None => {
            let rest = bytes.get(at..).unwrap_or_default();
            let mut padded = [pad; WORD];
            padded[..rest.len()].copy_from_slice(rest);
            u64::from_le_bytes(padded)
        }
    }
}

/// The bytes of `word` equal to `byte`: the top bit of each such byte set,
/// every other bit clear. Exact (no carry runs from one byte to the next).
fn matches(word: u64, byte: u8) -> u64 {
    const LOW_SEVEN: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    let differs = word ^ (u64::from(byte) * 0x0101_0101_0101_0101);
    // A byte's top bit is set here when any of its bits is.
    !(((differs & LOW_SEVEN) + LOW_SEVEN) | differs | LOW_SEVEN)
}

/// How many bytes [`matches()`] marked in `marks`: a multiplication adds up
/// the bytes (each 0 or 1) into the top one, as fast as a `popcnt`, which
/// the baseline x86-64 target lacks.
fn marked(marks: u64) -> usize {
    ((marks >> 7).wrapping_mul(0x0101_0101_0101_0101) >> 56) as usize
}

fn quote_error(path: &str, row: usize, problem: QuoteProblem) -> ReadError {
    ReadError::MalformedQuote {
        path: path.to_owned(),
        row,
        problem: problem.describe(),
    }
}

/// The text of field `column` in data row `index` (0-based; blank lines
/// count), as the file holds it, quotes removed. For error messages: it walks
/// the file from the start.
pub(crate) fn cell(bytes: &[u8], delimiter: u8, index: usize, column: usize) -> Option<String> {
    let bytes = bytes.strip_prefix(BOM).unwrap_or(bytes);
    let mut pos = record(bytes, 0, delimiter, false).ok()?.next;
    for _ in 0..index {
        pos = record(bytes, pos, delimiter, false).ok()?.next;
    }
    let row = record(bytes, pos, delimiter, true).ok()?;
    let text = row.fields.get(column)?;
    Some(String::from_utf8_lossy(text).trim().to_owned())
}

/// The position of column `name` in the header, if it is there.
pub(crate) fn header_position(bytes: &[u8], delimiter: u8, name: &str) -> Option<usize> {
    let bytes = bytes.strip_prefix(BOM).unwrap_or(bytes);
    record(bytes, 0, delimiter, true)
        .ok()?
        .fields
        .iter()
        .position(|f| f.as_slice() == name.as_bytes())
}

/// What is wrong with the quotes of a row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum QuoteProblem {
    /// A quote inside a field that did not start with one.
    Stray,
    /// Text after the quote that closes a field.
    AfterClosing,
    /// The file ends inside a quoted field.
    Unclosed,
}

impl QuoteProblem {
    fn describe(self) -> &'static str {
        match self {
            QuoteProblem::Stray => {
                "a quote inside a field that does not start with one; expected a field either \
                 without quotes or wholly in quotes, with quotes inside it doubled"
            }
            QuoteProblem::AfterClosing => {
                "text after the quote that closes a field; expected the delimiter or the end of the row"
            }
            QuoteProblem::Unclosed => {
                "a quoted field that is never closed; expected a closing quote"
            }
        }
    }
}

/// One row parsed field by field.
struct Record {
    /// Number of fields.
    count: usize,
    /// The fields, unquoted, when asked for.
    fields: Vec<Vec<u8>>,
    /// Where the next row starts.
    next: usize,
    /// Whether the row ended with a newline, not with the text.
    whole: bool,
}

/// Parses the row starting at `pos` as RFC 4180 has it: a field is either
/// free of quotes or wholly quoted, with a doubled quote for a literal one; a
/// quoted field may hold delimiters and newlines. A trailing `\r` ends the row
/// (CRLF files).
fn record(bytes: &[u8], mut pos: usize, delimiter: u8, keep: bool) -> Result<Record, QuoteProblem> {
    let mut fields: Vec<Vec<u8>> = if keep { vec![Vec::new()] } else { Vec::new() };
    let mut count = 1;
    let mut at_field_start = true;
    let mut quoted = false;
    let mut whole = false;
    let push = |fields: &mut Vec<Vec<u8>>, b: u8| {
        if let Some(f) = fields.last_mut() {
            f.push(b);
        }
    };
    while pos < bytes.len() {
        let b = bytes[pos];
        pos += 1;
        if quoted {
            if b != QUOTE {
                push(&mut fields, b);
            } else if bytes.get(pos) == Some(&QUOTE) {
                push(&mut fields, QUOTE);
                pos += 1;
            } else {
                quoted = false;
                // After a closing quote only the delimiter or the row's end may follow.
                match bytes.get(pos) {
                    None | Some(b'\n') => {}
                    Some(&b'\r') if matches!(bytes.get(pos + 1), None | Some(b'\n')) => {}
                    Some(&next) if next == delimiter => {}
                    Some(_) => return Err(QuoteProblem::AfterClosing),
                }
            }
            continue;
        }
        match b {
            b'\n' => {
                whole = true;
                break;
            }
            QUOTE if at_field_start => {
                quoted = true;
                at_field_start = false;
            }
            QUOTE => return Err(QuoteProblem::Stray),
            b if b == delimiter => {
                count += 1;
                at_field_start = true;
                if keep {
                    fields.push(Vec::new());
                }
            }
            b'\r' if matches!(bytes.get(pos), None | Some(b'\n')) => {}
            b => {
                at_field_start = false;
                push(&mut fields, b);
            }
        }
    }
    if quoted {
        return Err(QuoteProblem::Unclosed);
    }
    Ok(Record {
        count,
        fields,
        next: pos,
        whole,
    })
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
    fn quotes_must_delimit_whole_fields() {
        for (text, row, fragment) in [
            (
                "a,b\n1,O\"Brien\n2,x\n",
                2,
                "a quote inside a field that does not start with one",
            ),
            (
                "a,b\n1,\"x\"y\n",
                2,
                "text after the quote that closes a field",
            ),
            (
                "a,b\n1,x\n2,\"open\n3,y\n",
                3,
                "a quoted field that is never closed",
            ),
            ("a,b\"\n1,2\n", 1, "a quote inside a field"),
        ] {
            let err = check(text).unwrap_err();
            assert!(
                matches!(err, ReadError::MalformedQuote { row: r, .. } if r == row),
                "{text:?}: {err:?}"
            );
            assert!(err.to_string().contains(fragment), "{err}");
        }
        // Quoted CRLF rows, doubled quotes and empty quoted fields are fine.
        assert!(check("a,b\r\n\"x\"\"y\",\"\"\r\n").is_ok());
    }

    #[test]
    fn a_cell_is_found_as_the_file_holds_it() {
        let text = b"t,e\n5,1.0\n\n\"6,5\",2.00\n";
        assert_eq!(cell(text, b',', 2, 1).as_deref(), Some("2.00"));
        assert_eq!(cell(text, b',', 2, 0).as_deref(), Some("6,5"));
        assert_eq!(header_position(text, b',', "e"), Some(1));
    }

    #[test]
    fn tabs_split_tsv() {
        let s = shape("f.tsv", b"a\tb\n1\t2\n", b'\t').unwrap();
        assert_eq!(s.names, ["a", "b"]);
        assert!(shape("f.tsv", b"a\tb\n1\t2\t3\n", b'\t').is_err());
    }

    /// Rows without a quote checked 64 bytes at a time come out as checked a
    /// line at a time: the rows, the blank lines, where a piece's whole rows
    /// end, and the first ragged row.
    #[test]
    fn text_without_quotes_is_checked_as_line_by_line() {
        let mut state: u64 = 7;
        let mut next = move |n: u64| {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (state >> 33) % n
        };
        let mut ragged_seen = 0;
        for case in 0..400 {
            let delimiter = [b',', b'\t', b';'][case % 3];
            let columns = 1 + next(4) as usize;
            let mut text = Vec::new();
            for _ in 0..next(60) {
                let fields = match next(60) {
                    0 => columns + 1,
                    1 if columns > 1 => columns - 1,
                    _ => columns,
                };
                match next(12) {
                    0 => text.extend_from_slice(b"  \t"),
                    1 => {}
                    _ => {
                        for f in 0..fields {
                            if f > 0 {
                                text.push(delimiter);
                            }
                            let wide = next(8) == 0;
                            let width = next(if wide { 150 } else { 9 });
                            text.extend((0..width).map(|w| b"x 1.5-"[(w % 6) as usize]));
                        }
                    }
                }
                text.extend_from_slice(if next(3) == 0 { b"\r\n" } else { b"\n" });
            }
            if next(2) == 0 {
                text.extend_from_slice(b"9");
            }
            for at_end in [true, false] {
                let start = || RowCheck {
                    path: "f.csv",
                    delimiter,
                    names: (0..columns).map(|c| c.to_string()).collect(),
                    rows: 0,
                    blank: Vec::new(),
                };
                let (mut blocks, mut lines) = (start(), start());
                let by_blocks = blocks
                    .unquoted_rows(&text, at_end)
                    .map_err(|e| e.to_string());
                let by_lines = lines.rows_by_line(&text, at_end).map_err(|e| e.to_string());
                assert_eq!(by_blocks, by_lines, "case {case}");
                assert_eq!(
                    (blocks.rows, &blocks.blank),
                    (lines.rows, &lines.blank),
                    "case {case}"
                );
                ragged_seen += usize::from(by_lines.is_err());
            }
        }
        assert!(ragged_seen > 50, "{ragged_seen} ragged");
    }

    #[test]
    fn a_word_marks_exactly_the_bytes_equal_to_the_one_sought() {
        for sought in 0..=255u8 {
            for other in 0..=255u8 {
                for at in 0..WORD {
                    let mut bytes = [sought ^ 0x80; WORD];
                    bytes[at] = other;
                    bytes[(at + 3) % WORD] = sought;
                    let want = bytes
                        .iter()
                        .enumerate()
                        .filter(|&(_, &b)| b == sought)
                        .fold(0u64, |m, (i, _)| m | 0x80 << (8 * i));
                    assert_eq!(matches(u64::from_le_bytes(bytes), sought), want);
                }
            }
        }
    }
}
