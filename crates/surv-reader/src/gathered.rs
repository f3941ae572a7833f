//! The used columns of a table, gathered from the frames polars parses (or,
//! for pieces of plain numbers, parsed straight into them), one piece of the
//! file after another: numeric columns as plain numbers (the frame's own
//! columns let go with each piece), other columns as polars keeps them, their
//! chunks appended.

use std::sync::atomic::{AtomicBool, Ordering};

use polars::prelude::*;

use crate::error::ReadError;
use crate::pieces::{self, Stopped, TextSource};
use crate::plain_numbers::{self, NumberKind, PlainLayout};
use crate::source::{self, Format, Parsed, Typing};

/// The used columns of a table and where its rows are.
#[derive(Debug)]
pub(crate) struct Gathered {
    /// How errors name the table's source.
    pub source: String,
    /// The columns, by name, in the order asked for.
    columns: Vec<(String, Column)>,
    /// The number of rows gathered, blank lines included.
    pub height: usize,
    /// 0-based positions of blank lines among the rows, ascending.
    pub blank: Vec<usize>,
}

/// A gathered column.
#[derive(Debug)]
pub(crate) enum Column {
    /// No frame yet: the first one sets the column's kind. (Not an empty
    /// `Series`: polars makes one with a buffer of several MB.)
    Pending,
    /// A numeric column.
    Numbers(Numbers),
    /// Any other column, as polars has it (text, Booleans).
    Series(Series),
}

impl Gathered {
    /// No rows yet of the columns `names` (each once).
    pub(crate) fn new(source: &str, names: &[String]) -> Gathered {
        Gathered {
            source: source.to_owned(),
            columns: names
                .iter()
                .enumerate()
                .filter(|&(i, n)| !names[..i].contains(n))
                .map(|(_, n)| (n.clone(), Column::Pending))
                .collect(),
            height: 0,
            blank: Vec::new(),
        }
    }

    /// A whole table parsed at once (Parquet, a workbook's sheet), its
    /// columns `names`.
    pub(crate) fn from_parsed(parsed: Parsed, names: &[String]) -> Result<Gathered, ReadError> {
        let mut gathered = Gathered::new(&parsed.source, names);
        gathered.append(parsed.frame)?;
        gathered.blank = parsed.blank;
        Ok(gathered)
    }

    /// Reads the columns `names` of delimited text of `format`, piece by
    /// piece: the first piece is parsed by polars, with its header and the
    /// types `typing` says, and its columns gathered; each later piece is
    /// parsed with those types, by [`plain_numbers`] when every column is of
    /// plain numbers and it takes the piece, else by polars. A shape error
    /// anywhere in the text comes first; a piece polars cannot parse with the
    /// first piece's types stops the read with [`Stopped::Caller`].
    pub(crate) fn from_text(
        name: &str,
        format: Format,
        text: TextSource<'_>,
        names: &[String],
        typing: Typing,
    ) -> Result<Gathered, Stopped<ReadError>> {
        let delimiter = format.delimiter().expect("delimited text has a delimiter");
        let mut gathered = Gathered::new(name, names);
        let mut schema: Option<SchemaRef> = None;
        // Set after the first piece when every used column is numeric; the
        // pieces are then not looked at for markers, which a plain number is
        // not, unless polars is to parse them after all.
        let mut plain: Option<PlainLayout> = None;
        let look_for_markers = AtomicBool::new(true);
        let shape = pieces::for_each_piece(name, text, delimiter, &look_for_markers, |piece| {
            if let (Some(layout), None) = (&plain, &piece.header)
                && let Some(mut columns) = gathered.numbers_mut()
                && plain_numbers::parse(&piece.bytes, piece.rows, layout, &mut columns)
            {
                gathered.height += piece.rows;
                return Ok(());
            }
            let markers = piece
                .markers
                .unwrap_or_else(|| source::may_hold_marker(&piece.bytes, delimiter));
            if let Some(header) = &piece.header {
                source::require(name, names, header)?;
            }
            let unreadable = |reason: String| ReadError::Unreadable {
                path: name.to_owned(),
                reason,
            };
            let frame = source::csv_options(
                format,
                Some(names),
                piece.header.is_some(),
                typing,
                schema.clone(),
                markers,
            )
            .into_reader_with_file_handle(std::io::Cursor::new(&piece.bytes))
            .finish()
            .map_err(|e| unreadable(e.to_string()))?;
            if frame.height() != piece.rows {
                return Err(unreadable(format!(
                    "polars read {} rows where the text has {} from row {}",
                    frame.height(),
                    piece.rows,
                    gathered.height + 2
                )));
            }
            if let Some(header) = &piece.header {
                // The pieces after the first have no header: the names come
                // from it, and the types as the first piece has them.
                let typed = frame.schema();
                let all: Schema = header
                    .iter()
                    .map(|n| {
                        let dtype = typed.get(n.as_str()).cloned().unwrap_or(DataType::String);
                        (PlSmallStr::from(n.as_str()), dtype)
                    })
                    .collect();
                gathered.append(frame)?;
                plain = gathered.plain_layout(header, &all, delimiter, format.decimal_comma());
                look_for_markers.store(plain.is_none(), Ordering::Relaxed);
                schema = Some(Arc::new(all));
                return Ok(());
            }
            gathered.append(frame)
        })?;
        gathered.blank = shape.blank;
        Ok(gathered)
    }

    /// Appends the rows of `frame`, which holds every gathered column, typed
    /// as the frames before it (the first frame sets the types). Each numeric
    /// column of the frame is let go once gathered: of a table parsed whole,
    /// the frame's columns and their copies are never all in memory at once.
    pub(crate) fn append(&mut self, mut frame: DataFrame) -> Result<(), ReadError> {
        let height = frame.height();
        for (name, column) in &mut self.columns {
            let unreadable = |reason: String| ReadError::Unreadable {
                path: self.source.clone(),
                reason: format!("column `{name}`: {reason}"),
            };
            let Ok(found) = frame.column(name) else {
                return Err(ReadError::MissingColumn {
                    path: self.source.clone(),
                    column: name.clone(),
                    found: frame
                        .get_column_names()
                        .iter()
                        .map(|c| c.to_string())
                        .collect(),
                });
            };
            let series = found.as_materialized_series();
            if matches!(column, Column::Pending) && series.dtype().is_primitive_numeric() {
                *column = Column::Numbers(Numbers::default());
            }
            match column {
                Column::Pending => *column = Column::Series(series.clone()),
                Column::Numbers(numbers) => {
                    numbers
                        .extend(series)
                        .map_err(|e| unreadable(e.to_string()))?;
                    // The names are distinct: no later column needs it.
                    drop(frame.drop_in_place(name));
                }
                Column::Series(gathered) => {
                    gathered
                        .append(series)
                        .map_err(|e| unreadable(e.to_string()))?;
                }
            }
        }
        self.height += height;
        Ok(())
    }

    /// Where the gathered columns are among the fields of rows split by
    /// `delimiter` under `header`, and how each is written, as polars typed
    /// them in `schema`; `None` unless every one is gathered as numbers
    /// polars reads as plain integers or decimals (point, not comma).
    fn plain_layout(
        &self,
        header: &[String],
        schema: &Schema,
        delimiter: u8,
        decimal_comma: bool,
    ) -> Option<PlainLayout> {
        let used = self
            .columns
            .iter()
            .map(|(name, column)| {
                let Column::Numbers(_) = column else {
                    return None;
                };
                let field = header.iter().position(|h| h == name)?;
                let kind = match schema.get(name.as_str())? {
                    DataType::Int64 => NumberKind::Integer,
                    DataType::Float64 if !decimal_comma => NumberKind::Decimal,
                    _ => return None,
                };
                Some((field, kind))
            })
            .collect::<Option<Vec<_>>>()?;
        PlainLayout::new(delimiter, &used)
    }

    /// Every gathered column, in order, when all are numeric.
    fn numbers_mut(&mut self) -> Option<Vec<&mut Numbers>> {
        self.columns
            .iter_mut()
            .map(|(_, column)| match column {
                Column::Numbers(numbers) => Some(numbers),
                _ => None,
            })
            .collect()
    }

    /// The column `name`, if gathered.
    pub(crate) fn column(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|(n, _)| n == name).map(|(_, c)| c)
    }

    /// The values of numeric column `name`, taken from it (it is left
    /// empty); nothing for another column.
    pub(crate) fn take_values(&mut self, name: &str) -> Vec<f64> {
        match self.columns.iter_mut().find(|(n, _)| n == name) {
            Some((_, Column::Numbers(numbers))) => std::mem::take(&mut numbers.values),
            _ => Vec::new(),
        }
    }

    /// The names of the gathered columns.
    pub(crate) fn names(&self) -> Vec<String> {
        self.columns.iter().map(|(n, _)| n.clone()).collect()
    }

    /// The rows that are data, not blank lines, ascending.
    pub(crate) fn data_rows(&self) -> impl Iterator<Item = usize> + '_ {
        source::data_rows(self.height, &self.blank)
    }
}

/// A numeric column's cells: the values (8 bytes a row, not the 16 of an
/// `Option<f64>`), with the missing cells marked only where there are any.
#[derive(Debug, Clone, Default)]
pub(crate) struct Numbers {
    pub values: Vec<f64>,
    /// `missing[row]`; `None` when no cell is missing.
    pub missing: Option<Vec<bool>>,
}

impl Numbers {
    pub(crate) fn collect(cells: impl Iterator<Item = Option<f64>>) -> Numbers {
        let mut numbers = Numbers::default();
        numbers.push_all(cells);
        numbers
    }

    /// Appends cells, marking the missing ones.
    fn push_all(&mut self, cells: impl Iterator<Item = Option<f64>>) {
        let (lower, _) = cells.size_hint();
        self.values.reserve(lower);
        for cell in cells {
            self.push(cell);
        }
    }

    /// Appends a cell, marking it if missing.
    pub(crate) fn push(&mut self, cell: Option<f64>) {
        let row = self.values.len();
        self.values.push(cell.unwrap_or(f64::NAN));
        if cell.is_none() {
            self.missing
                .get_or_insert_with(|| vec![false; row])
                .push(true);
        } else if let Some(missing) = &mut self.missing {
            missing.push(false);
        }
    }

    /// Marks no cell missing among those appended since the last mark.
    pub(crate) fn extend_marks(&mut self) {
        if let Some(missing) = &mut self.missing {
            missing.resize(self.values.len(), false);
        }
    }

    /// Marks the cell of `row` missing (its value is NaN).
    pub(crate) fn mark_missing(&mut self, row: usize) {
        let rows = self.values.len();
        self.missing.get_or_insert_with(|| vec![false; rows])[row] = true;
    }

    /// Appends a numeric column's cells: read from polars' buffers when none
    /// is missing (no per-cell `Option`, no cast of the whole column for the
    /// common types).
    fn extend(&mut self, series: &Series) -> PolarsResult<()> {
        fn gather<T: PolarsNumericType>(
            values: &mut Vec<f64>,
            ca: &ChunkedArray<T>,
            to_f64: impl Fn(T::Native) -> f64,
        ) {
            values.reserve(ca.len());
            for array in ca.downcast_iter() {
                values.extend(array.values().iter().map(|&v| to_f64(v)));
            }
        }
        if series.null_count() > 0 {
            let cast = series.cast(&DataType::Float64)?;
            self.push_all(cast.f64()?.iter());
            return Ok(());
        }
        let before = self.values.len();
        match series.dtype() {
            DataType::Float64 => gather(&mut self.values, series.f64()?, |v| v),
            DataType::Int64 => gather(&mut self.values, series.i64()?, |v| v as f64),
            DataType::Int32 => gather(&mut self.values, series.i32()?, f64::from),
            _ => gather(
                &mut self.values,
                series.cast(&DataType::Float64)?.f64()?,
                |v| v,
            ),
        }
        if let Some(missing) = &mut self.missing {
            missing.resize(before + series.len(), false);
        }
        Ok(())
    }

    pub(crate) fn get(&self, row: usize) -> Option<f64> {
        match &self.missing {
            Some(missing) if missing[row] => None,
            _ => Some(self.values[row]),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_mark_the_missing_cells_and_only_when_there_are_some() {
        let full = Numbers::collect([Some(1.5), Some(f64::NAN), Some(-2.0)].into_iter());
        assert!(full.missing.is_none());
        assert_eq!(full.get(0), Some(1.5));
        assert!(full.get(1).is_some_and(f64::is_nan));
        let gaps = Numbers::collect([Some(1.0), Some(2.0), None, Some(4.0), None].into_iter());
        assert_eq!(
            (0..5).map(|r| gaps.get(r)).collect::<Vec<_>>(),
            [Some(1.0), Some(2.0), None, Some(4.0), None]
        );
        let first = Numbers::collect([None, Some(3.0)].into_iter());
        assert_eq!([first.get(0), first.get(1)], [None, Some(3.0)]);
    }

    #[test]
    fn cells_marked_missing_later_are_missing_and_only_they() {
        let mut column = Numbers::collect([Some(1.0), Some(2.0)].into_iter());
        column.values.extend([3.0, f64::NAN]);
        column.extend_marks();
        assert!(column.missing.is_none());
        column.mark_missing(3);
        let cells = |c: &Numbers| (0..c.values.len()).map(|r| c.get(r)).collect::<Vec<_>>();
        assert_eq!(cells(&column), [Some(1.0), Some(2.0), Some(3.0), None]);
        column.values.extend([5.0, f64::NAN]);
        column.extend_marks();
        column.mark_missing(5);
        assert_eq!(cells(&column)[3..], [None, Some(5.0), None]);
        assert_eq!(column.missing.map(|m| m.len()), Some(6));
    }

    #[test]
    fn pieces_append_in_order_with_their_missing_cells() {
        let frame = |t: &[Option<i64>], g: &[&str]| {
            DataFrame::new_infer_height(vec![
                Series::new("t".into(), t).into(),
                Series::new("g".into(), g).into(),
            ])
            .unwrap()
        };
        let mut gathered = Gathered::new("f.csv", &["t".to_owned(), "g".to_owned()]);
        gathered
            .append(frame(&[Some(1), Some(2)], &["a", "b"]))
            .unwrap();
        gathered
            .append(frame(&[None, Some(4)], &["c", "d"]))
            .unwrap();
        gathered.append(frame(&[Some(5)], &["e"])).unwrap();
        assert_eq!(gathered.height, 5);
        let Some(Column::Numbers(t)) = gathered.column("t") else {
            panic!("t is numeric");
        };
        assert_eq!(
            (0..5).map(|r| t.get(r)).collect::<Vec<_>>(),
            [Some(1.0), Some(2.0), None, Some(4.0), Some(5.0)]
        );
        let Some(Column::Series(g)) = gathered.column("g") else {
            panic!("g is text");
        };
        let g: Vec<_> = g.str().unwrap().iter().flatten().collect();
        assert_eq!(g, ["a", "b", "c", "d", "e"]);
        let twice = Gathered::new("f.csv", &["t".to_owned(), "g".to_owned(), "t".to_owned()]);
        assert_eq!(twice.names(), ["t", "g"]);
        let missing = gathered.append(frame(&[Some(6)], &["f"]).drop("g").unwrap());
        assert!(matches!(missing, Err(ReadError::MissingColumn { .. })));
    }

    #[test]
    fn a_marker_is_missing_in_whichever_piece_it_is() {
        // About 2.3 MB: five pieces. Markers only in the third and the last;
        // the others are parsed without looking for them.
        let rows = 300_000;
        let mut text = String::from("t,x\n");
        for r in 0..rows {
            let x = match r {
                150_000 => ".".to_owned(),
                299_998 => "NA".to_owned(),
                299_999 => "NULL".to_owned(),
                _ => format!("{}.25", r % 7),
            };
            text.push_str(&format!("{r},{x}\n"));
        }
        let names = ["t".to_owned(), "x".to_owned()];
        let gathered = Gathered::from_text(
            "f.csv",
            Format::Csv,
            TextSource::Bytes(text.as_bytes()),
            &names,
            Typing::Inferred,
        )
        .unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(gathered.height, rows);
        let Some(Column::Numbers(x)) = gathered.column("x") else {
            panic!("x is numeric");
        };
        let missing: Vec<usize> = (0..rows).filter(|&r| x.get(r).is_none()).collect();
        assert_eq!(missing, [150_000, 299_998, 299_999]);
        assert_eq!(x.get(149_999), Some(149_999.0 % 7.0 + 0.25));
    }

    /// Text of `rows` rows: `t` whole numbers, `x` decimals written in many
    /// ways (`odd` adds forms left to polars), `g` text not read; some cells
    /// empty. Deterministic.
    fn numeric_text(rows: usize, odd: &[&str]) -> String {
        let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = move || {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            state >> 11
        };
        let mut text = String::from("t,g,x\r\n");
        for r in 0..rows {
            let t = match next() % 50 {
                0 => String::new(),
                1 => format!("-{}", next() % 1000),
                2 => (next() % 1_000_000_000_000_000_000).to_string(),
                _ => (next() % 5000).to_string(),
            };
            let digits = (next() % 1_000_000_000_000_000_000) >> (next() % 60);
            let point = (next() % 21) as usize;
            let mut x = digits.to_string();
            if point > 0 && point < x.len() {
                x.insert(point, '.');
            }
            match next() % 40 {
                0 => x.clear(),
                1 => x = format!("-{x}"),
                2 => x = format!("{x}e{}", next() % 330),
                3 => x = format!("{x}E-{}", next() % 330),
                4 if !odd.is_empty() && r > 20_000 => {
                    x = odd[(next() as usize) % odd.len()].to_owned()
                }
                _ => {}
            }
            let line_end = if r % 3 == 0 { "\r\n" } else { "\n" };
            text.push_str(&format!("{t},g{r},{x}{line_end}"));
        }
        text
    }

    /// The columns `t` and `x` read in pieces, and as polars reads the
    /// whole text at once.
    fn read_both_ways(text: &str) -> [(Numbers, Numbers); 2] {
        let names = ["t".to_owned(), "x".to_owned()];
        let bytes = text.as_bytes();
        let mut pieces = Gathered::from_text(
            "f.csv",
            Format::Csv,
            TextSource::Bytes(bytes),
            &names,
            Typing::Inferred,
        )
        .unwrap_or_else(|e| panic!("{e:?}"));
        let parsed = source::parse(
            "f.csv",
            Format::Csv,
            bytes,
            None,
            Some(&names),
            Typing::Inferred,
        )
        .unwrap();
        let mut whole = Gathered::from_parsed(parsed, &names).unwrap();
        let numbers =
            |g: &mut Gathered, name: &str| match g.columns.iter_mut().find(|(n, _)| n == name) {
                Some((_, Column::Numbers(n))) => std::mem::take(n),
                _ => panic!("{name} is numeric"),
            };
        [
            (numbers(&mut pieces, "t"), numbers(&mut whole, "t")),
            (numbers(&mut pieces, "x"), numbers(&mut whole, "x")),
        ]
    }

    /// Asserts that `text`'s columns read in pieces are, to the bit, those
    /// polars reads from the whole text.
    fn assert_read_as_polars_reads(text: &str, rows: usize) {
        for (pieces, whole) in read_both_ways(text) {
            assert_eq!(pieces.values.len(), rows);
            let first_other = (0..rows).find(|&r| {
                pieces.get(r).map(f64::to_bits) != whole.get(r).map(f64::to_bits)
                    || pieces.values[r].to_bits() != whole.values[r].to_bits()
            });
            if let Some(r) = first_other {
                let line = text.lines().nth(r + 1).unwrap_or_default();
                panic!(
                    "row {r} ({line:?}): {:?} in pieces, {:?} whole",
                    pieces.get(r),
                    whole.get(r)
                );
            }
            assert_eq!(pieces.missing, whole.missing);
            let missing = pieces.missing.iter().flatten().filter(|&&m| m).count();
            assert!(missing > rows / 200, "{missing} missing");
        }
    }

    #[test]
    fn plain_numbers_read_in_pieces_are_polars_own_to_the_bit() {
        let text = numeric_text(200_000, &[]);
        assert!(text.len() > 5 * (1 << 19));
        assert_read_as_polars_reads(&text, 200_000);
    }

    #[test]
    fn numbers_written_otherwise_are_read_as_polars_reads_them() {
        let odd = [
            "+0.5",
            ".5",
            "5.",
            "00.5",
            "1E5",
            "inf",
            "-inf",
            "NaN",
            "1e400",
            "0.1e-400",
            "12345678901234567890123.5",
        ];
        let text = numeric_text(200_000, &odd);
        for form in odd {
            assert!(text.contains(&format!(",{form}\n")), "{form}");
        }
        assert_read_as_polars_reads(&text, 200_000);
    }
}
