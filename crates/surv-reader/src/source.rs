//! Where a table comes from: a file's format by its extension, its bytes, and
//! the polars frame parsed from them after the shape of the text (or the
//! sheet of a workbook) is checked.

use std::io::Cursor;
use std::path::Path;

use polars::prelude::*;

use crate::error::ReadError;
use crate::shape;
use crate::workbook::{self, Sheet};

/// A file format the reader reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Comma-separated values with a header row.
    Csv,
    /// Tab-separated values with a header row.
    Tsv,
    /// Apache Parquet.
    Parquet,
    /// Delimited text laid out otherwise, e.g. a European export: fields
    /// separated by `;`, decimals written with a comma.
    Delimited(TextLayout),
    /// An Excel workbook (`.xlsx`, `.xlsm`): one of its sheets, the first
    /// unless [`ReadOptions::sheet`] says otherwise.
    Xlsx,
}

/// How a delimited text file is laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TextLayout {
    /// The byte between fields.
    pub delimiter: u8,
    /// Whether decimals are written with a comma (`1,5` for 1.5); the
    /// delimiter cannot then be a comma.
    pub decimal_comma: bool,
}

/// How to read a file beyond what its extension says.
///
/// ```
/// use surv_reader::{ReadOptions, Sheet};
/// let second = ReadOptions { sheet: Some(Sheet::Index(2)), ..ReadOptions::default() };
/// assert_eq!(second.layout, None);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReadOptions {
    /// Read the file as delimited text laid out so, whatever its extension.
    pub layout: Option<TextLayout>,
    /// The sheet of an Excel workbook to read (default: the first).
    pub sheet: Option<Sheet>,
}

impl Format {
    /// The format named by a path's extension (`.csv`; `.tsv` or `.tab`;
    /// `.parquet` or `.pq`; `.xlsx` or `.xlsm`), if any.
    ///
    /// ```
    /// use std::path::Path;
    /// use surv_reader::Format;
    /// assert_eq!(Format::from_path(Path::new("cohort.TSV")), Some(Format::Tsv));
    /// assert_eq!(Format::from_path(Path::new("cohort.xlsx")), Some(Format::Xlsx));
    /// assert_eq!(Format::from_path(Path::new("cohort.xls")), None); // the old binary format
    /// ```
    pub fn from_path(path: &Path) -> Option<Format> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "csv" => Some(Format::Csv),
            "tsv" | "tab" => Some(Format::Tsv),
            "parquet" | "pq" => Some(Format::Parquet),
            "xlsx" | "xlsm" => Some(Format::Xlsx),
            _ => None,
        }
    }

    /// The layout of a text format; `None` for Parquet and Excel.
    pub fn text_layout(self) -> Option<TextLayout> {
        let plain = |delimiter| TextLayout {
            delimiter,
            decimal_comma: false,
        };
        match self {
            Format::Csv => Some(plain(b',')),
            Format::Tsv => Some(plain(b'\t')),
            Format::Parquet | Format::Xlsx => None,
            Format::Delimited(layout) => Some(layout),
        }
    }

    pub(crate) fn delimiter(self) -> Option<u8> {
        self.text_layout().map(|l| l.delimiter)
    }

    /// Whether numbers are written with a decimal comma.
    pub(crate) fn decimal_comma(self) -> bool {
        self.text_layout().is_some_and(|l| l.decimal_comma)
    }
}

/// Cells that stand for a missing value in a text file (or as text in a
/// workbook's cell): empty, `NA` (R), `.` (SAS, Stata) and `NULL` (SQL
/// exports), after trimming white space.
pub const MISSING: [&str; 4] = ["", "NA", ".", "NULL"];

/// Whether polars could find a [`MISSING`] marker other than the empty one
/// among the fields of `rows` (whole lines, fields split by `delimiter`);
/// `false` only when none is there. Polars compares each field, as it is,
/// with each marker; rows without one can skip that.
pub(crate) fn may_hold_marker(rows: &[u8], delimiter: u8) -> bool {
    let ends_field = |at: usize| {
        rows.get(at)
            .is_none_or(|&b| b == delimiter || b == b'\n' || b == b'\r')
    };
    // A field equal to a marker starts the rows or follows a delimiter or a
    // line's end, and ends there: searched for as that pair (vectorised; a
    // number's point is rarely where a field starts).
    let holds = |marker: &str| {
        let marker = marker.as_bytes();
        (rows.starts_with(marker) && ends_field(marker.len()))
            || [delimiter, b'\n'].into_iter().any(|before| {
                let field = [&[before], marker].concat();
                memchr::memmem::find_iter(rows, &field).any(|at| ends_field(at + field.len()))
            })
    };
    // A quoted field is compared without its quotes: not looked into.
    memchr::memchr(b'"', rows).is_some() || MISSING[1..].iter().any(|m| holds(m))
}

/// Whether a cell, as text, is one of the [`MISSING`] markers.
pub(crate) fn is_missing(cell: &str) -> bool {
    MISSING.contains(&cell.trim())
}

/// A file's name for messages, its format by extension, and its bytes; `-` is
/// CSV on standard input.
pub(crate) fn read_path(path: &Path) -> Result<(String, Format, Vec<u8>), ReadError> {
    read_path_as(path, &ReadOptions::default())
}

/// The same, read as `options` ask: as text laid out as their layout when
/// they give one, any text file (or standard input), whatever its extension
/// says; a Parquet file or a workbook is refused, having no layout. A sheet
/// can be asked of a workbook only.
pub(crate) fn read_path_as(
    path: &Path,
    options: &ReadOptions,
) -> Result<(String, Format, Vec<u8>), ReadError> {
    let (name, format) = resolve(path, options)?;
    let bytes = read_all(&name, path)?;
    Ok((name, format, bytes))
}

/// A file's name for messages and its format, as [`read_path_as`] reads it,
/// before any byte is read (`-` is CSV on standard input).
pub(crate) fn resolve(path: &Path, options: &ReadOptions) -> Result<(String, Format), ReadError> {
    let layout = options.layout;
    let (name, format) = if path == Path::new("-") {
        ("<stdin>".to_owned(), Format::Csv)
    } else {
        let name = path.display().to_string();
        match Format::from_path(path) {
            Some(format) => (name, format),
            None if layout.is_some() => (name, Format::Csv),
            None => return Err(ReadError::UnsupportedFormat { path: name }),
        }
    };
    if options.sheet.is_some() && format != Format::Xlsx {
        return Err(ReadError::Layout {
            path: name,
            reason: "a sheet can be chosen only in an Excel workbook (.xlsx or .xlsm)".to_owned(),
        });
    }
    match (layout, format) {
        (None, _) => Ok((name, format)),
        (Some(layout), _) if layout.decimal_comma && layout.delimiter == b',' => {
            Err(ReadError::Layout {
                path: name,
                reason: "a comma cannot separate both fields and decimals; \
                         give the delimiter the file uses, e.g. ;"
                    .to_owned(),
            })
        }
        (Some(_), Format::Parquet) => Err(ReadError::Layout {
            path: name,
            reason: "a Parquet file has no delimiter or decimal mark to set".to_owned(),
        }),
        (Some(_), Format::Xlsx) => Err(ReadError::Layout {
            path: name,
            reason: "an Excel workbook has no delimiter or decimal mark to set".to_owned(),
        }),
        (Some(layout), _) => Ok((name, Format::Delimited(layout))),
    }
}

/// The bytes of `path` (of standard input for `-`); `name` is how errors
/// refer to it.
pub(crate) fn read_all(name: &str, path: &Path) -> Result<Vec<u8>, ReadError> {
    let io = |source| ReadError::Io {
        path: name.to_owned(),
        source,
    };
    if path == Path::new("-") {
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(&mut std::io::stdin(), &mut bytes).map_err(io)?;
        return Ok(bytes);
    }
    std::fs::read(path).map_err(io)
}

/// Opens a Parquet file to be read in place: polars reads only the column
/// chunks asked for, where reading the whole file first would hold every
/// column of it in memory.
pub(crate) fn open_parquet(name: &str, path: &Path) -> Result<std::fs::File, ReadError> {
    std::fs::File::open(path).map_err(|source| ReadError::Io {
        path: name.to_owned(),
        source,
    })
}

/// How the cells of a delimited file are typed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Typing {
    /// As polars infers them from the first rows, falling back to text for a
    /// column a later row contradicts.
    Inferred,
    /// Every column as text, untouched.
    Text,
}

/// A parsed table: the frame, the rows of it that are blank lines, and how
/// errors name where it came from (the file, and a workbook's sheet).
#[derive(Debug)]
pub(crate) struct Parsed {
    pub frame: DataFrame,
    pub blank: Vec<usize>,
    pub source: String,
}

impl Parsed {
    /// The frame's rows that are data, not blank lines, ascending.
    pub(crate) fn data_rows(&self) -> impl Iterator<Item = usize> + '_ {
        data_rows(self.frame.height(), &self.blank)
    }

    /// The frame without its blank-line rows.
    pub(crate) fn without_blank_lines(self) -> Result<DataFrame, PolarsError> {
        if self.blank.is_empty() {
            return Ok(self.frame);
        }
        let mut keep = vec![false; self.frame.height()];
        for r in self.data_rows() {
            keep[r] = true;
        }
        let keep: BooleanChunked = keep.into_iter().map(Some).collect();
        self.frame.filter(&keep)
    }
}

/// The rows `0..height` that are not `blank` (both ascending).
pub(crate) fn data_rows(height: usize, blank: &[usize]) -> impl Iterator<Item = usize> + '_ {
    // Both ascending: one merged walk, no lookup per row.
    let mut blank = blank.iter().peekable();
    (0..height).filter(move |r| {
        let is_blank = blank.peek() == Some(&r);
        if is_blank {
            blank.next();
        }
        !is_blank
    })
}

/// How polars is to read delimited text of `format`: its `columns` (all when
/// `None`), the header first or not, and the types of the columns either
/// inferred as `typing` says or given by `schema`; the [`MISSING`] markers
/// are looked for unless `markers` is `false` (see [`may_hold_marker`]).
pub(crate) fn csv_options(
    format: Format,
    columns: Option<&[String]>,
    has_header: bool,
    typing: Typing,
    schema: Option<SchemaRef>,
    markers: bool,
) -> CsvReadOptions {
    let projection: Option<Arc<[PlSmallStr]>> =
        columns.map(|c| c.iter().map(|c| PlSmallStr::from(c.as_str())).collect());
    let infer = match typing {
        Typing::Inferred => 1000,
        Typing::Text => 0,
    };
    CsvReadOptions::default()
        .with_has_header(has_header)
        .with_infer_schema_length(Some(infer))
        .with_schema(schema)
        .with_columns(projection)
        .with_parse_options(
            CsvParseOptions::default()
                .with_separator(format.delimiter().unwrap_or(b','))
                .with_decimal_comma(format.decimal_comma())
                .with_null_values(markers.then(|| {
                    NullValues::AllColumns(MISSING[1..].iter().map(|&m| m.into()).collect())
                })),
        )
}

/// Parses `bytes` into a frame of `columns` (all when `None`), after checking
/// the header and every row's field count; for a workbook, of sheet `sheet`
/// (the first when `None`), typed as its cells are, whatever `typing` says.
pub(crate) fn parse(
    name: &str,
    format: Format,
    bytes: &[u8],
    sheet: Option<&Sheet>,
    columns: Option<&[String]>,
    typing: Typing,
) -> Result<Parsed, ReadError> {
    if format == Format::Xlsx {
        return workbook::parse(name, bytes, sheet, columns);
    }
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(ReadError::Empty {
            path: name.to_owned(),
        });
    }
    let unreadable = |e: PolarsError| ReadError::Unreadable {
        path: name.to_owned(),
        reason: e.to_string(),
    };
    match format.delimiter() {
        Some(delimiter) => {
            let csv = |typing| {
                csv_options(format, columns, true, typing, None, true)
                    .into_reader_with_file_handle(Cursor::new(bytes))
                    .finish()
            };
            let parse = || match typing {
                // Typed columns, inferred by polars (fast). Should a later row
                // break the inferred type, read everything as text instead, so
                // that the bad cell is reported with its row.
                Typing::Inferred => csv(Typing::Inferred).or_else(|_| csv(Typing::Text)),
                Typing::Text => csv(Typing::Text),
            };
            // The shape is checked while polars parses (one pass over the
            // bytes each); its errors, which name the row at fault, come
            // before any of polars'. Polars now sees text the check may
            // refuse: should it panic on such text, the check's error is
            // what the user gets.
            let (shape, frame) = std::thread::scope(|scope| {
                let shape = scope.spawn(|| shape::shape(name, bytes, delimiter));
                let frame = std::panic::catch_unwind(std::panic::AssertUnwindSafe(parse));
                // A panic in the shape check is a bug; pass it on as it is.
                let shape = shape
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
                (shape, frame)
            });
            let shape = shape?;
            let frame = frame.unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            if let Some(columns) = columns {
                require(name, columns, &shape.names)?;
            }
            let frame = frame.map_err(unreadable)?;
            Ok(Parsed {
                frame,
                blank: shape.blank,
                source: name.to_owned(),
            })
        }
        None => parse_parquet(name, Cursor::new(bytes), columns),
    }
}

/// Parses Parquet from `file` (bytes in memory, or a file read in place) into
/// a frame of `columns` (all when `None`).
pub(crate) fn parse_parquet(
    name: &str,
    file: impl polars::io::mmap::MmapBytesReader,
    columns: Option<&[String]>,
) -> Result<Parsed, ReadError> {
    let unreadable = |e: PolarsError| ReadError::Unreadable {
        path: name.to_owned(),
        reason: e.to_string(),
    };
    let mut reader = ParquetReader::new(file);
    if let Some(columns) = columns {
        let schema = reader.schema().map_err(unreadable)?;
        let found: Vec<String> = schema.iter_names().map(|n| n.to_string()).collect();
        require(name, columns, &found)?;
        reader = reader.with_columns(Some(columns.to_vec()));
    }
    let frame = reader.finish().map_err(unreadable)?;
    Ok(Parsed {
        frame,
        blank: Vec::new(),
        source: name.to_owned(),
    })
}

/// Every one of `columns` is among `found`, or the first missing one is named.
pub(crate) fn require(name: &str, columns: &[String], found: &[String]) -> Result<(), ReadError> {
    match columns.iter().find(|c| !found.contains(c)) {
        Some(missing) => Err(ReadError::MissingColumn {
            path: name.to_owned(),
            column: missing.clone(),
            found: found.to_vec(),
        }),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_marker_polars_looks_for_is_seen_wherever_its_field_is() {
        for marker in &MISSING[1..] {
            for (rows, delimiter) in [
                (format!("{marker},1\n"), b','),
                (format!("1,{marker},2\n"), b','),
                (format!("1,2\n{marker},3"), b','),
                (format!("1,2\n3,{marker}"), b','),
                (format!("1;{marker}\r\n"), b';'),
                (format!("1\t{marker}\t2"), b'\t'),
                (format!("1,\"{marker}\"\n"), b','),
            ] {
                assert!(may_hold_marker(rows.as_bytes(), delimiter), "{rows:?}");
            }
        }
    }

    #[test]
    fn numbers_and_empty_fields_hold_no_marker() {
        // Polars reads an empty field as missing without being told.
        let rows = b".5,.5,5.,-0.25e3,12\n.0,,2.0\n,7.125,\n";
        assert!(!may_hold_marker(rows, b','));
        // Polars compares a field as it is: `. ` is not the marker `.`.
        assert!(!may_hold_marker(b"1.5,. ,2\n", b','));
        // A `.` field on the wrong delimiter is inside another field.
        assert!(!may_hold_marker(b"1,.;2\n", b';'));
        assert!(may_hold_marker(b"1,.\n", b','));
        assert!(may_hold_marker(b"1,\"2\",3\n", b','));
    }
}
