//! Excel workbooks: a sheet reads as the same table its CSV does, date cells
//! give the times they were made from, a sheet is chosen by name or position,
//! and each bad workbook is refused with a message naming file, sheet and
//! cell.
//!
//! `lung.xlsx` and `bad.xlsx` are written by openxlsx
//! (`fixtures/golden/make_xlsx.R`). Cells openxlsx cannot write (formulas with
//! cached values, error cells other than #N/A, date-times, the 1904 date
//! system) are in workbooks these tests write by hand with [`workbook`].

use std::io::{Cursor, Write};
use std::path::{Path, PathBuf};

use surv_reader::{
    ColumnSpec, Format, HeaderProblem, ReadError, ReadOptions, Sheet, SurvivalTable, TextLayout,
    TextTable, TimeUnit,
};

fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures/golden/data")
        .join(name)
}

fn lung_xlsx() -> PathBuf {
    data("lung.xlsx")
}

fn sheet(name: &str) -> ReadOptions {
    ReadOptions {
        sheet: Some(Sheet::Name(name.to_owned())),
        ..ReadOptions::default()
    }
}

/// Everything but where the table was read from.
fn assert_same_table(got: &SurvivalTable, expected: &SurvivalTable) {
    assert_eq!(got.time, expected.time);
    assert_eq!(got.event, expected.event);
    assert_eq!(got.group, expected.group);
    assert_eq!(got.strata, expected.strata);
    assert_eq!(got.covariates, expected.covariates);
    assert_eq!(
        (got.n_read, got.n_dropped),
        (expected.n_read, expected.n_dropped)
    );
}

fn lung_specs() -> Vec<ColumnSpec> {
    vec![
        ColumnSpec {
            covariates: vec![
                "age".into(),
                "sex_female".into(),
                "ph_ecog".into(),
                "wt_loss".into(),
            ],
            ..ColumnSpec::new("time", "status")
        },
        ColumnSpec {
            strata: Some("ph_ecog".into()),
            covariates: vec!["age".into(), "ph_ecog".into()],
            categorical: vec!["ph_ecog".into()],
            references: vec![("ph_ecog".into(), "1".into())],
            ..ColumnSpec::new("time", "status").with_group("sex_female")
        },
    ]
}

#[test]
fn a_sheet_reads_as_the_csv_it_was_made_from() {
    let csv = data("cox/lung.csv");
    for spec in lung_specs() {
        let expected = SurvivalTable::read(&csv, &spec).unwrap();
        let got = SurvivalTable::read(&lung_xlsx(), &spec).unwrap();
        assert_same_table(&got, &expected);
        assert_eq!(got.n_read, 213);
        assert_eq!(
            got.source,
            format!("{}, sheet `lung`", lung_xlsx().display())
        );
    }
    // Every cell as text, too: numbers as the CSV writes them.
    let text = TextTable::read(&lung_xlsx()).unwrap();
    let csv_text = TextTable::read(&csv).unwrap();
    assert_eq!(text.height(), csv_text.height());
    for name in csv_text.names() {
        let (a, b) = (text.column(name).unwrap(), csv_text.column(name).unwrap());
        for row in 0..text.height() {
            assert_eq!(text.cell(a, row), csv_text.cell(b, row), "{name} {row}");
        }
    }
    assert_eq!(text.row_number(212), 214);
}

#[test]
fn date_cells_give_the_times_they_were_made_from() {
    let by_time = SurvivalTable::read(&lung_xlsx(), &ColumnSpec::new("time", "status")).unwrap();
    for unit in [TimeUnit::Days, TimeUnit::Weeks, TimeUnit::Months] {
        let spec = ColumnSpec::new("", "status").with_dates("diagnosed", "last_seen", unit);
        let by_dates = SurvivalTable::read(&lung_xlsx(), &spec).unwrap();
        let expected: Vec<f64> = by_time.time.iter().map(|t| t / unit.days()).collect();
        assert_eq!(by_dates.time, expected, "{unit}");
        assert_eq!(by_dates.event, by_time.event);
    }
    // Shown as ISO dates, whatever the cells' display format (mm/dd/yyyy).
    let text = TextTable::read(&lung_xlsx()).unwrap();
    let cell = |name: &str, row| {
        text.cell(text.column(name).unwrap(), row)
            .map(str::to_owned)
    };
    assert_eq!(cell("diagnosed", 0).as_deref(), Some("2001-01-01"));
    assert_eq!(cell("last_seen", 0).as_deref(), Some("2002-04-01"));
}

#[test]
fn a_sheet_is_chosen_by_name_or_by_position() {
    let first = TextTable::read(&lung_xlsx()).unwrap();
    assert_eq!(first.names()[..2], ["time", "status"]);
    for choice in [
        sheet("notes"),
        sheet("2"),
        ReadOptions {
            sheet: Some(Sheet::Index(2)),
            ..ReadOptions::default()
        },
    ] {
        let notes = TextTable::read_as(&lung_xlsx(), &choice).unwrap();
        assert_eq!(notes.names(), ["column", "meaning"], "{choice:?}");
        assert_eq!(notes.height(), 8);
        assert_eq!(
            notes.source(),
            format!("{}, sheet `notes`", lung_xlsx().display())
        );
    }
    let lung = SurvivalTable::read_as(
        &lung_xlsx(),
        &sheet("lung"),
        &ColumnSpec::new("time", "status"),
    );
    assert_eq!(lung.unwrap().n_read, 213);
}

#[test]
fn an_unknown_sheet_names_the_sheets_there_are() {
    let shown = lung_xlsx().display().to_string();
    let err = TextTable::read_as(&lung_xlsx(), &sheet("survival")).unwrap_err();
    assert!(
        matches!(&err, ReadError::UnknownSheet { sheets, .. } if sheets == &["lung", "notes"]),
        "{err:?}"
    );
    assert_eq!(
        err.to_string(),
        format!(
            "{shown}: no sheet `survival`; the workbook has sheets `lung`, `notes`; \
             expected one of these names, or a position from 1 to 2"
        )
    );
    let options = ReadOptions {
        sheet: Some(Sheet::Index(3)),
        ..ReadOptions::default()
    };
    let err = SurvivalTable::read_as(&lung_xlsx(), &options, &ColumnSpec::new("time", "status"))
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("no sheet number 3; the workbook has sheets `lung`, `notes`"),
        "{err}"
    );
    assert!(matches!(
        TextTable::read_as(&lung_xlsx(), &sheet("0")),
        Err(ReadError::UnknownSheet { .. })
    ));
}

#[test]
fn a_sheet_of_a_text_file_or_a_layout_of_a_workbook_is_refused() {
    let csv = data("cox/lung.csv");
    let err = SurvivalTable::read_as(&csv, &sheet("lung"), &ColumnSpec::new("time", "status"))
        .unwrap_err();
    assert!(matches!(err, ReadError::Layout { .. }), "{err:?}");
    assert_eq!(
        err.to_string(),
        format!(
            "{}: a sheet can be chosen only in an Excel workbook (.xlsx or .xlsm)",
            csv.display()
        )
    );
    let european = ReadOptions {
        layout: Some(TextLayout {
            delimiter: b';',
            decimal_comma: true,
        }),
        sheet: None,
    };
    let err = TextTable::read_as(&lung_xlsx(), &european).unwrap_err();
    assert!(
        err.to_string()
            .ends_with("lung.xlsx: an Excel workbook has no delimiter or decimal mark to set"),
        "{err}"
    );
}

#[test]
fn bad_workbooks_are_refused_naming_the_sheet_and_cells() {
    let bad = data("bad.xlsx");
    let shown = bad.display().to_string();
    let spec = ColumnSpec::new("time", "status");
    let read = |name: &str| SurvivalTable::read_as(&bad, &sheet(name), &spec).unwrap_err();

    let merged = read("merged_header");
    assert!(
        matches!(&merged, ReadError::SheetHeader { cells, problem: HeaderProblem::Merged, .. } if cells == "A1:B1"),
        "{merged:?}"
    );
    assert_eq!(
        merged.to_string(),
        format!(
            "{shown}, sheet `merged_header`: header cells A1:B1 are merged; \
             expected one column name in each cell of the header row"
        )
    );
    assert_eq!(
        read("empty").to_string(),
        format!(
            "{shown}: sheet `empty` is empty; expected a header row and at least one row below it"
        )
    );
    assert_eq!(
        read("header_only").to_string(),
        format!(
            "{shown}: sheet `header_only` has a header but no data rows; \
             expected a header row and at least one row below it"
        )
    );
    assert_eq!(
        read("merged_data").to_string(),
        format!(
            "{shown}, sheet `merged_data`: cells B3:B4 of column `status` are merged, \
             so only the first holds a value; expected a value in each cell"
        )
    );
    // Merged cells in a column not read are none of the analysis' business.
    let by_arm = ColumnSpec {
        event_value: Some("A".into()),
        ..ColumnSpec::new("time", "arm")
    };
    let t = SurvivalTable::read_as(&bad, &sheet("merged_data"), &by_arm).unwrap();
    assert_eq!(t.event, [true, false, false, true]);
}

#[test]
fn empty_and_not_available_cells_are_missing() {
    // `time` and `status` have empty cells, `age` #N/A error cells.
    let spec = ColumnSpec {
        covariates: vec!["age".into()],
        ..ColumnSpec::new("time", "status")
    };
    let csv = "time,status,age\n5,1,60\n8,0,NA\n,1,55\n12,0,70\n3,1,NA\n7,,65\n";
    let expected =
        SurvivalTable::from_bytes("t.csv", Format::Csv, csv.as_bytes().to_vec(), &spec).unwrap();
    let got = SurvivalTable::read_as(&data("bad.xlsx"), &sheet("missing"), &spec).unwrap();
    assert_same_table(&got, &expected);
    assert_eq!((got.n_read, got.n_dropped), (6, 4));
}

// ---------------------------------------------------------------------------
// Workbooks written by hand
// ---------------------------------------------------------------------------

const MAIN: &str = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
const RELS: &str = "http://schemas.openxmlformats.org/package/2006/relationships";
const DOC_RELS: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

/// A workbook of one sheet, `data`, whose `<sheetData>` holds `rows`. Cell
/// styles: 0 general, 1 a date (built-in format 14), 2 a date and time
/// (format 22), 3 a duration (`[h]:mm`).
fn workbook(rows: &[String], date1904: bool) -> Vec<u8> {
    let content_types = r#"<?xml version="1.0" encoding="UTF-8"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>
<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>
<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>
</Types>"#
        .to_owned();
    let root_rels = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<Relationships xmlns="{RELS}"><Relationship Id="rId1" Type="{DOC_RELS}/officeDocument" Target="xl/workbook.xml"/></Relationships>"#
    );
    let book = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<workbook xmlns="{MAIN}" xmlns:r="{DOC_RELS}"><workbookPr date1904="{}"/><sheets><sheet name="data" sheetId="1" r:id="rId1"/></sheets></workbook>"#,
        u8::from(date1904)
    );
    let book_rels = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<Relationships xmlns="{RELS}"><Relationship Id="rId1" Type="{DOC_RELS}/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="{DOC_RELS}/styles" Target="styles.xml"/></Relationships>"#
    );
    let styles = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<styleSheet xmlns="{MAIN}"><numFmts count="1"><numFmt numFmtId="164" formatCode="[h]:mm"/></numFmts><cellXfs count="4"><xf numFmtId="0"/><xf numFmtId="14" applyNumberFormat="1"/><xf numFmtId="22" applyNumberFormat="1"/><xf numFmtId="164" applyNumberFormat="1"/></cellXfs></styleSheet>"#
    );
    let sheet = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<worksheet xmlns="{MAIN}"><sheetData>{}</sheetData></worksheet>"#,
        rows.concat()
    );
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for (name, text) in [
        ("[Content_Types].xml", content_types),
        ("_rels/.rels", root_rels),
        ("xl/workbook.xml", book),
        ("xl/_rels/workbook.xml.rels", book_rels),
        ("xl/styles.xml", styles),
        ("xl/worksheets/sheet1.xml", sheet),
    ] {
        zip.start_file(name, options).unwrap();
        zip.write_all(text.as_bytes()).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

/// Row `n`, of `<c>` elements.
fn row(n: u32, cells: &[String]) -> String {
    format!(r#"<row r="{n}">{}</row>"#, cells.concat())
}

fn text(at: &str, s: &str) -> String {
    format!(r#"<c r="{at}" t="inlineStr"><is><t>{s}</t></is></c>"#)
}

fn number(at: &str, v: &str) -> String {
    format!(r#"<c r="{at}"><v>{v}</v></c>"#)
}

fn styled(at: &str, style: u8, v: &str) -> String {
    format!(r#"<c r="{at}" s="{style}"><v>{v}</v></c>"#)
}

/// A formula and the value Excel cached for it; `kind` is the cell type
/// (`n` number, `str` text, `b` boolean, `e` error).
fn formula(at: &str, kind: &str, f: &str, cached: &str) -> String {
    format!(r#"<c r="{at}" t="{kind}"><f>{f}</f><v>{cached}</v></c>"#)
}

fn xlsx(rows: &[String], spec: &ColumnSpec) -> Result<SurvivalTable, ReadError> {
    SurvivalTable::from_bytes("book.xlsx", Format::Xlsx, workbook(rows, false), spec)
}

fn csv(text: &str, spec: &ColumnSpec) -> SurvivalTable {
    SurvivalTable::from_bytes("t.csv", Format::Csv, text.as_bytes().to_vec(), spec).unwrap()
}

#[test]
fn formulas_read_as_the_values_excel_cached() {
    let rows = [
        row(
            1,
            &[
                text("A1", "time"),
                text("B1", "status"),
                text("C1", "arm"),
                text("D1", "age"),
            ],
        ),
        row(
            2,
            &[
                formula("A2", "n", "30*2", "60"),
                formula("B2", "n", "IF(A2>50,1,0)", "1"),
                formula("C2", "str", "\"A\"&amp;\"1\"", "A1"),
                formula("D2", "n", "123/2", "61.5"),
            ],
        ),
        row(
            3,
            &[
                number("A3", "45"),
                formula("B3", "b", "A3>50", "0"),
                text("C3", "B"),
                number("D3", "70"),
            ],
        ),
    ];
    let spec = ColumnSpec {
        covariates: vec!["age".into()],
        ..ColumnSpec::new("time", "status").with_group("arm")
    };
    let got = xlsx(&rows, &spec).unwrap();
    let expected = csv("time,status,arm,age\n60,1,A1,61.5\n45,0,B,70\n", &spec);
    assert_same_table(&got, &expected);
    assert_eq!(got.source, "book.xlsx, sheet `data`");
}

#[test]
fn an_error_cell_names_its_cell_but_not_available_is_missing() {
    let rows = |time_cell: String| {
        [
            row(
                1,
                &[
                    text("A1", "time"),
                    text("B1", "status"),
                    text("C1", "ratio"),
                ],
            ),
            row(
                2,
                &[
                    number("A2", "5"),
                    number("B2", "1"),
                    formula("C2", "e", "1/0", "#DIV/0!"),
                ],
            ),
            row(3, &[time_cell, number("B3", "0"), number("C3", "2")]),
            row(
                4,
                &[number("A4", "9"), number("B4", "1"), number("C4", "2")],
            ),
        ]
    };
    let spec = ColumnSpec::new("time", "status");
    // #DIV/0! in a column not read does not matter.
    let na = xlsx(&rows(formula("A3", "e", "NA()", "#N/A")), &spec).unwrap();
    assert_eq!(
        (na.time.as_slice(), na.n_dropped),
        ([5.0, 9.0].as_slice(), 1)
    );
    let err = xlsx(&rows(formula("A3", "e", "A2/0", "#DIV/0!")), &spec).unwrap_err();
    match &err {
        ReadError::InvalidValue {
            path,
            row,
            column,
            value,
            ..
        } => assert_eq!(
            (path.as_str(), *row, column.as_str(), value.as_str()),
            ("book.xlsx, sheet `data`", 3, "time", "#DIV/0!")
        ),
        other => panic!("{other:?}"),
    }
    let with_ratio = ColumnSpec {
        covariates: vec!["ratio".into()],
        ..spec
    };
    let err = xlsx(&rows(number("A3", "7")), &with_ratio).unwrap_err();
    assert_eq!(
        err.to_string(),
        "book.xlsx, sheet `data`: row 2, column `ratio`: `#DIV/0!`; \
         expected a value, not an Excel error (#N/A alone reads as missing)"
    );
}

#[test]
fn a_date_time_reads_as_its_day_in_either_date_system() {
    // 2001-01-01 is serial 36892 from 1900, 35430 from 1904. The last
    // contact at 18:00 on 2001-03-02 (a date-time cell) is still day 60.
    let rows = |start: u32| {
        [
            row(
                1,
                &[text("A1", "from"), text("B1", "to"), text("C1", "dead")],
            ),
            row(
                2,
                &[
                    styled("A2", 1, &start.to_string()),
                    styled("B2", 2, &format!("{}.75", start + 60)),
                    number("C2", "1"),
                ],
            ),
        ]
    };
    let spec = ColumnSpec::new("", "dead").with_dates("from", "to", TimeUnit::Days);
    let t = xlsx(&rows(36_892), &spec).unwrap();
    assert_eq!(t.time, [60.0]);
    let t = SurvivalTable::from_bytes(
        "mac.xlsx",
        Format::Xlsx,
        workbook(&rows(35_430), true),
        &spec,
    )
    .unwrap();
    assert_eq!(t.time, [60.0]);
    let text =
        TextTable::from_bytes("mac.xlsx", Format::Xlsx, workbook(&rows(35_430), true)).unwrap();
    assert_eq!(text.cell(0, 0), Some("2001-01-01"));
    assert_eq!(text.cell(1, 0), Some("2001-03-02"));
}

#[test]
fn a_time_of_day_alone_is_not_a_date() {
    let rows = [
        row(
            1,
            &[text("A1", "from"), text("B1", "to"), text("C1", "dead")],
        ),
        row(
            2,
            &[
                styled("A2", 1, "36892"),
                styled("B2", 2, "0.5"),
                number("C2", "1"),
            ],
        ),
    ];
    let spec = ColumnSpec::new("", "dead").with_dates("from", "to", TimeUnit::Days);
    let err = xlsx(&rows, &spec).unwrap_err();
    assert!(
        matches!(&err, ReadError::InvalidValue { row: 2, column, value, .. } if column == "to" && value == "0.5"),
        "{err:?}"
    );
    // A duration is a number of days: 36 hours is 1.5.
    let rows = [
        row(1, &[text("A1", "time"), text("B1", "dead")]),
        row(2, &[styled("A2", 3, "1.5"), number("B2", "1")]),
    ];
    assert_eq!(
        xlsx(&rows, &ColumnSpec::new("time", "dead")).unwrap().time,
        [1.5]
    );
}

#[test]
fn errors_name_the_rows_excel_shows_below_empty_rows() {
    // The table starts at B3: rows 1 and 2 and column A are empty, and so is
    // row 5, between the data.
    let rows = [
        row(3, &[text("B3", "time"), text("C3", "status")]),
        row(4, &[number("B4", "5"), number("C4", "1")]),
        row(6, &[number("B6", "8"), number("C6", "0")]),
        row(7, &[number("B7", "-2"), number("C7", "1")]),
    ];
    let err = xlsx(&rows, &ColumnSpec::new("time", "status")).unwrap_err();
    assert_eq!(
        err.to_string(),
        "book.xlsx, sheet `data`: row 7, column `time`: `-2`; expected a number of time units, 0 or more"
    );
    let text = TextTable::from_bytes("book.xlsx", Format::Xlsx, workbook(&rows, false)).unwrap();
    assert_eq!(text.height(), 3, "the empty row 5 is no row");
    assert_eq!(
        (0..3).map(|r| text.row_number(r)).collect::<Vec<_>>(),
        [4, 6, 7]
    );
}

#[test]
fn boolean_cells_read_as_a_typed_files_true_and_false() {
    let bool_cell = |at: &str, b: bool| format!(r#"<c r="{at}" t="b"><v>{}</v></c>"#, u8::from(b));
    let rows = [
        row(
            1,
            &[
                text("A1", "time"),
                text("B1", "died"),
                text("C1", "treated"),
            ],
        ),
        row(
            2,
            &[
                number("A2", "5"),
                bool_cell("B2", true),
                bool_cell("C2", false),
            ],
        ),
        row(
            3,
            &[
                number("A3", "8"),
                bool_cell("B3", false),
                bool_cell("C3", true),
            ],
        ),
        row(
            4,
            &[
                number("A4", "9"),
                bool_cell("B4", true),
                bool_cell("C4", true),
            ],
        ),
    ];
    let spec = ColumnSpec {
        covariates: vec!["treated".into()],
        ..ColumnSpec::new("time", "died")
    };
    let expected = csv(
        "time,died,treated\n5,true,false\n8,false,true\n9,true,true\n",
        &spec,
    );
    assert_same_table(&xlsx(&rows, &spec).unwrap(), &expected);
    assert_eq!(
        expected.covariates[0].values,
        [0.0, 1.0, 1.0],
        "a 0/1 covariate"
    );
    // As the paper's loader reads a typed Boolean column: Yes/No.
    let text = TextTable::from_bytes("book.xlsx", Format::Xlsx, workbook(&rows, false)).unwrap();
    assert_eq!(text.cell(1, 0), Some("Yes"));
    assert_eq!(text.cell(2, 0), Some("No"));
}

#[test]
fn what_is_not_a_workbook_is_unreadable() {
    let err = SurvivalTable::from_bytes(
        "fake.xlsx",
        Format::Xlsx,
        b"time,status\n1,1\n".to_vec(),
        &ColumnSpec::new("time", "status"),
    )
    .unwrap_err();
    assert!(matches!(err, ReadError::Unreadable { .. }), "{err:?}");
    assert!(
        err.to_string()
            .starts_with("fake.xlsx: not a readable table: not an Excel workbook (.xlsx)"),
        "{err}"
    );
}
