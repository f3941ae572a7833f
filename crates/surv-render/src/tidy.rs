//! One tidy CSV table per result, written by the `csv` crate (standard
//! quoting, so a label such as `Bone, liver` stays one field). The first
//! column, `kind`, says what each row is; cells a kind does not use are empty,
//! as is any undefined value.

/// A CSV table being built: a fixed header and rows of named cells.
pub(crate) struct Tidy {
    header: &'static [&'static str],
    writer: csv::Writer<Vec<u8>>,
}

/// One cell: text, a count, a number, or nothing.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Cell<'a> {
    Text(&'a str),
    Count(usize),
    Number(f64),
    Empty,
}

/// A number, or empty where undefined.
pub(crate) fn number(x: Option<f64>) -> Cell<'static> {
    x.map_or(Cell::Empty, Cell::Number)
}

impl Tidy {
    /// A table with these columns; the first must be `kind`.
    pub(crate) fn new(header: &'static [&'static str]) -> Tidy {
        let mut writer = csv::Writer::from_writer(Vec::new());
        // Writing to memory cannot fail.
        let _ = writer.write_record(header);
        Tidy { header, writer }
    }

    /// Writes one row of `kind` with the named cells; columns not named are
    /// empty.
    pub(crate) fn row(&mut self, kind: &str, cells: &[(&str, Cell<'_>)]) {
        let mut record = vec![String::new(); self.header.len()];
        record[0] = kind.to_owned();
        for (name, cell) in cells {
            let Some(column) = self.header.iter().position(|h| h == name) else {
                debug_assert!(false, "no CSV column `{name}`");
                continue;
            };
            record[column] = match cell {
                Cell::Text(t) => (*t).to_owned(),
                Cell::Count(n) => n.to_string(),
                Cell::Number(x) => x.to_string(),
                Cell::Empty => String::new(),
            };
        }
        let _ = self.writer.write_record(&record);
    }

    /// The table as text.
    pub(crate) fn finish(self) -> String {
        // Flushing into memory cannot fail.
        let bytes = self.writer.into_inner().unwrap_or_default();
        String::from_utf8_lossy(&bytes).into_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_with_commas_and_quotes_are_quoted() {
        let mut t = Tidy::new(&["kind", "group", "n"]);
        t.row(
            "group",
            &[("group", Cell::Text("Bone, liver")), ("n", Cell::Count(3))],
        );
        t.row("group", &[("group", Cell::Text("say \"hi\""))]);
        assert_eq!(
            t.finish(),
            "kind,group,n\ngroup,\"Bone, liver\",3\ngroup,\"say \"\"hi\"\"\",\n"
        );
    }
}
