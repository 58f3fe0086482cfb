//! Spreadsheet bombs, generated here (never stored): each is refused with one line naming the
//! limit it goes over, before calamine sizes an allocation from what the file declares. And
//! the legitimate forms that look like them (trailing empty repeats in ODS) still import.
//! The same scan keeps what calamine drops: the currency a cell's format shows its number in.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "tests and benchmarks fail by panicking"
)]

use std::io::{Cursor, Write};

use lpkpi::import::{ImportError, ImportRules, ImportSet};
use lpkpi::rules::Profile;
use zip::ZipWriter;
use zip::write::SimpleFileOptions;

const CT: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>"#;
const RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#;
const WORKBOOK: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Orders &amp; more" sheetId="1" r:id="rId1"/></sheets></workbook>"#;
const WORKBOOK_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>"#;
const SHEET_START: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">"#;
const HEADER: &str = r#"<row r="1"><c r="A1" t="inlineStr"><is><t>Date</t></is></c><c r="B1" t="inlineStr"><is><t>Product</t></is></c><c r="C1" t="inlineStr"><is><t>Qty</t></is></c><c r="D1" t="inlineStr"><is><t>Amount</t></is></c></row>"#;

type Writer<'a> = &'a mut dyn FnMut(&mut dyn Write);

fn options() -> SimpleFileOptions {
    SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .large_file(true)
}

/// An XLSX whose sheet (and shared strings, if any) `sheet` / `shared` write.
fn xlsx(sheet: Writer<'_>, shared: Option<Writer<'_>>) -> Vec<u8> {
    let mut z = ZipWriter::new(Cursor::new(Vec::new()));
    for (name, text) in [
        ("[Content_Types].xml", CT),
        ("_rels/.rels", RELS),
        ("xl/workbook.xml", WORKBOOK),
        ("xl/_rels/workbook.xml.rels", WORKBOOK_RELS),
    ] {
        z.start_file(name, options()).unwrap();
        z.write_all(text.as_bytes()).unwrap();
    }
    z.start_file("xl/worksheets/sheet1.xml", options()).unwrap();
    sheet(&mut z);
    if let Some(shared) = shared {
        z.start_file("xl/sharedStrings.xml", options()).unwrap();
        shared(&mut z);
    }
    z.finish().unwrap().into_inner()
}

/// An XLSX sheet with the header row, then `rows` (XML).
fn sheet_with(rows: &str) -> Vec<u8> {
    let rows = rows.to_string();
    xlsx(
        &mut |w| {
            write!(
                w,
                "{SHEET_START}<sheetData>{HEADER}{rows}</sheetData></worksheet>"
            )
            .unwrap()
        },
        None,
    )
}

/// An ODS whose one table holds the header row, then `rows` (XML).
fn ods(rows: &str) -> Vec<u8> {
    ods_table(rows, "</table:table>")
}

/// An ODS whose table ends with `end` (its closing tag, or not).
fn ods_table(rows: &str, end: &str) -> Vec<u8> {
    let cell = |v: &str| {
        format!(
            r#"<table:table-cell office:value-type="string"><text:p>{v}</text:p></table:table-cell>"#
        )
    };
    let header = format!(
        "<table:table-row>{}{}{}{}</table:table-row>",
        cell("Date"),
        cell("Product"),
        cell("Qty"),
        cell("Amount")
    );
    ods_raw(&format!("{header}{rows}"), end)
}

/// An ODS whose one table holds `rows` (XML) and ends with `end`.
fn ods_raw(rows: &str, end: &str) -> Vec<u8> {
    let mut z = ZipWriter::new(Cursor::new(Vec::new()));
    z.start_file(
        "mimetype",
        SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored),
    )
    .unwrap();
    z.write_all(b"application/vnd.oasis.opendocument.spreadsheet")
        .unwrap();
    z.start_file("META-INF/manifest.xml", options()).unwrap();
    z.write_all(br#"<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>"#).unwrap();
    z.start_file("content.xml", options()).unwrap();
    write!(
        z,
        r#"<?xml version="1.0" encoding="UTF-8"?>
<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body><office:spreadsheet><table:table table:name="Sheet1">{rows}{end}</office:spreadsheet></office:body></office:document-content>"#
    )
    .unwrap();
    z.finish().unwrap().into_inner()
}

fn import(name: &str, bytes: &[u8]) -> Result<ImportSet, ImportError> {
    let profile = Profile::builtin().unwrap();
    let rules = ImportRules::new(&profile);
    let mut set = ImportSet::new();
    set.add(name, bytes, &rules).map(|_| set)
}

/// The file is refused with exactly this one line.
fn refused(name: &str, bytes: &[u8], want: &str) {
    match import(name, bytes) {
        Err(e @ ImportError::TooLarge { .. }) => {
            let message = e.to_string();
            assert!(!message.contains('\n'), "{message}");
            assert_eq!(message, want);
        }
        Err(e) => panic!("refused for another reason: {e}"),
        Ok(_) => panic!("{name} was read"),
    }
}

/// The file is refused with one line starting so.
fn refused_starting(name: &str, bytes: &[u8], want: &str) {
    match import(name, bytes) {
        Err(e @ ImportError::TooLarge { .. }) => {
            let message = e.to_string();
            assert!(!message.contains('\n'), "{message}");
            assert!(message.starts_with(want), "{message}");
        }
        Err(e) => panic!("refused for another reason: {e}"),
        Ok(_) => panic!("{name} was read"),
    }
}

const ROW: &str = r#"<row><c t="inlineStr"><is><t>2026-01-05</t></is></c><c t="inlineStr"><is><t>MOC</t></is></c><c><v>1</v></c><c><v>10</v></c></row>"#;

#[test]
fn a_legitimate_sheet_imports() {
    let set = import("ok.xlsx", &sheet_with(&ROW.repeat(3))).unwrap();
    assert_eq!(set.files[0].counts.kept, 3);
}

#[test]
fn cells_at_a1_and_xfd1048576_are_refused() {
    let bytes = xlsx(
        &mut |w| {
            write!(
                w,
                r#"{SHEET_START}<dimension ref="A1:XFD1048576"/><sheetData>{HEADER}<row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData></worksheet>"#
            )
            .unwrap()
        },
        None,
    );
    refused(
        "orders.xlsx",
        &bytes,
        "orders.xlsx: the sheet 'Orders & more' spans 1048576 rows x 16384 columns, over lpkpi's limit of 10,000,000 cells",
    );
}

#[test]
fn a_cell_beyond_the_grid_is_refused() {
    // calamine reads references as u32: this one would overflow
    refused(
        "far.xlsx",
        &sheet_with(r#"<row r="2"><c r="ZZZZZZZZ2"><v>1</v></c></row>"#),
        "far.xlsx: the sheet 'Orders & more' has a cell at row 2, column 217180147158, beyond the largest sheet (1048576 rows x 16384 columns)",
    );
}

#[test]
fn two_billion_shared_strings_declared_are_refused() {
    let bytes = xlsx(
        &mut |w| {
            write!(
                w,
                "{SHEET_START}<sheetData>{HEADER}</sheetData></worksheet>"
            )
            .unwrap()
        },
        Some(&mut |w| {
            write!(
                w,
                r#"<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="2000000000" uniqueCount="2000000000"><si><t>x</t></si></sst>"#
            )
            .unwrap()
        }),
    );
    refused(
        "strings.xlsx",
        &bytes,
        "strings.xlsx: its shared strings number 2,000,000,000, over lpkpi's limit of 10,000,000",
    );
}

#[test]
fn one_huge_shared_string_is_refused() {
    let bytes = xlsx(
        &mut |w| {
            write!(
                w,
                r#"{SHEET_START}<sheetData>{HEADER}<row><c t="s"><v>0</v></c></row></sheetData></worksheet>"#
            )
            .unwrap()
        },
        Some(&mut |w| {
            write!(w, r#"<sst count="1" uniqueCount="1"><si><t>"#).unwrap();
            let block = vec![b'a'; 1 << 16];
            for _ in 0..40 {
                w.write_all(&block).unwrap();
            }
            write!(w, "</t></si></sst>").unwrap();
        }),
    );
    refused(
        "string.xlsx",
        &bytes,
        "string.xlsx: a cell in its part 'xl/sharedStrings.xml' holds more than 1 MiB of text, over lpkpi's limit",
    );
}

#[test]
fn a_shared_string_copied_into_many_cells_is_refused() {
    // 600 KiB of text shown in 1,000 cells: calamine copies it into each (600 MB)
    let bytes = xlsx(
        &mut |w| {
            write!(w, "{SHEET_START}<sheetData>{HEADER}").unwrap();
            for _ in 0..1000 {
                write!(w, r#"<row><c t="s"><v>0</v></c></row>"#).unwrap();
            }
            write!(w, "</sheetData></worksheet>").unwrap();
        },
        Some(&mut |w| {
            write!(w, r#"<sst count="1" uniqueCount="1"><si><t>"#).unwrap();
            w.write_all(&vec![b'a'; 600 * 1024]).unwrap();
            write!(w, "</t></si></sst>").unwrap();
        }),
    );
    refused(
        "copies.xlsx",
        &bytes,
        "copies.xlsx: the sheet 'Orders & more' needs at least 587 MiB of memory to read (1,004 cells in 1,001 rows, 585 MiB of text), over lpkpi's limit of 400 MiB",
    );
}

#[test]
fn a_dense_sheet_over_the_memory_limit_is_refused_early() {
    let bytes = xlsx(
        &mut |w| {
            write!(w, "{SHEET_START}<sheetData>{HEADER}").unwrap();
            let row = format!("<row>{}</row>", "<c><v>1</v></c>".repeat(16)).repeat(1000);
            for _ in 0..400 {
                w.write_all(row.as_bytes()).unwrap();
            }
            write!(w, "</sheetData></worksheet>").unwrap();
        },
        None,
    );
    refused_starting(
        "dense.xlsx",
        &bytes,
        "dense.xlsx: the sheet 'Orders & more' needs at least ",
    );
}

#[test]
fn a_part_inflating_past_256_mib_is_refused() {
    let bytes = xlsx(
        &mut |w| {
            write!(w, "{SHEET_START}<sheetData>{HEADER}<!--").unwrap();
            let block = vec![b' '; 1 << 20];
            for _ in 0..257 {
                w.write_all(&block).unwrap();
            }
            write!(w, "--></sheetData></worksheet>").unwrap();
        },
        None,
    );
    assert!(bytes.len() < 1 << 20, "{} bytes", bytes.len());
    refused(
        "deep.xlsx",
        &bytes,
        "deep.xlsx: its part 'xl/worksheets/sheet1.xml' inflates to more than 256 MiB, over lpkpi's limit",
    );
}

const ROW_ODS: &str = r#"<table:table-row><table:table-cell office:value-type="string"><text:p>2026-01-05</text:p></table:table-cell><table:table-cell office:value-type="string"><text:p>MOC</text:p></table:table-cell><table:table-cell office:value-type="float" office:value="1"/><table:table-cell office:value-type="float" office:value="10"/></table:table-row>"#;

#[test]
fn a_legitimate_ods_imports() {
    let set = import("ok.ods", &ods(&ROW_ODS.repeat(2))).unwrap();
    assert_eq!(set.files[0].counts.kept, 2);
}

#[test]
fn an_ods_row_repeated_a_billion_times_is_refused() {
    let row = r#"<table:table-row table:number-rows-repeated="1000000000"><table:table-cell office:value-type="string"><text:p>2026-01-05</text:p></table:table-cell><table:table-cell office:value-type="string"><text:p>MOC</text:p></table:table-cell><table:table-cell office:value-type="float" office:value="1"/><table:table-cell office:value-type="float" office:value="10"/></table:table-row>"#;
    refused_starting(
        "rows.ods",
        &ods(row),
        "rows.ods: the sheet 'Sheet1' needs at least ",
    );
}

#[test]
fn ods_cells_repeated_across_every_column_are_refused() {
    let row = r#"<table:table-row><table:table-cell office:value-type="float" office:value="1" table:number-columns-repeated="16384"/></table:table-row>"#;
    refused(
        "wide.ods",
        &ods(&row.repeat(1000)),
        "wide.ods: the sheet 'Sheet1' spans 611 rows x 16384 columns, over lpkpi's limit of 10,000,000 cells",
    );
}

#[test]
fn two_billion_ods_spaces_are_refused() {
    let row = r#"<table:table-row><table:table-cell office:value-type="string"><text:p>a<text:s text:c="2000000000"/></text:p></table:table-cell></table:table-row>"#;
    refused(
        "spaces.ods",
        &ods(row),
        "spaces.ods: a cell in its part 'content.xml' holds more than 1 MiB of text, over lpkpi's limit",
    );
}

#[test]
fn ods_currency_cells_in_too_many_separate_runs_are_refused() {
    // each row a currency cell across every column, the currency changing from row to row:
    // kept as runs of rows per column, there would be ten million of them
    let row = |code: &str| {
        format!(
            r#"<table:table-row><table:table-cell office:value-type="currency" office:currency="{code}" office:value="1" table:number-columns-repeated="16384"/></table:table-row>"#
        )
    };
    let rows: String = (0..600)
        .map(|i| row(if i % 2 == 0 { "EUR" } else { "GBP" }))
        .collect();
    refused(
        "runs.ods",
        &ods(&rows),
        "runs.ods: its cells shown in a currency make more than 2,000,000 separate groups, over lpkpi's limit",
    );
}

#[test]
fn an_ods_table_that_never_ends_is_refused() {
    // calamine would wait for the table's end forever
    let bytes = ods_table(ROW_ODS, "");
    match import("open.ods", &bytes) {
        Err(ImportError::Spreadsheet { source, .. }) => {
            let message = source.to_string();
            assert_eq!(
                message,
                "its part 'content.xml' ends inside a table or a cell"
            )
        }
        other => panic!("{:?}", other.map(|s| s.files.len())),
    }
}

#[test]
fn trailing_empty_ods_repeats_still_import() {
    // what office software writes: empty cells to the last column, empty rows to the last row
    let rows = r#"<table:table-row><table:table-cell office:value-type="string"><text:p>2026-01-05</text:p></table:table-cell><table:table-cell office:value-type="string"><text:p>MOC</text:p></table:table-cell><table:table-cell office:value-type="float" office:value="2"/><table:table-cell office:value-type="float" office:value="10"/><table:table-cell table:number-columns-repeated="16380"/></table:table-row><table:table-row table:number-rows-repeated="1048574"><table:table-cell table:number-columns-repeated="16384"/></table:table-row>"#;
    let set = import("trailing.ods", &ods(rows)).unwrap();
    assert_eq!(set.files[0].counts.kept, 1);
}

#[test]
fn the_spreadsheet_path_decides_the_decimal_mark_by_vote() {
    let mut rows = String::new();
    for _ in 0..100 {
        rows.push_str(r#"<row><c t="inlineStr"><is><t>2026-01-05</t></is></c><c t="inlineStr"><is><t>MOC</t></is></c><c><v>1</v></c><c t="inlineStr"><is><t>2794.50</t></is></c></row>"#);
    }
    // a numeric cell does not vote
    rows.push_str(r#"<row><c t="inlineStr"><is><t>2026-01-05</t></is></c><c t="inlineStr"><is><t>MOC</t></is></c><c><v>1</v></c><c><v>3.25</v></c></row>"#);
    rows.push_str(r#"<row><c t="inlineStr"><is><t>2026-01-05</t></is></c><c t="inlineStr"><is><t>MOC</t></is></c><c><v>1</v></c><c t="inlineStr"><is><t>1,23</t></is></c></row>"#);
    let set = import("votes.xlsx", &sheet_with(&rows)).unwrap();
    let file = &set.files[0];
    assert_eq!((file.counts.kept, file.counts.rejected), (101, 1));
    assert_eq!(
        file.warnings,
        vec![
            "1 row has an amount that reads only with ',' as the decimal mark, but this file writes decimals with '.': it was rejected"
        ]
    );
}

/// A small legitimate `.xls` (BIFF8 in a CFB container, written by xlwt): header and three
/// rows on the sheet 'Orders'.
fn xls() -> Vec<u8> {
    std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/orders.xls"
    ))
    .unwrap()
}

/// The file with the data of the first record `head` (type and length, little endian)
/// changed by `patch`.
fn patched(head: [u8; 4], patch: impl FnOnce(&mut [u8])) -> Vec<u8> {
    let mut bytes = xls();
    let at = bytes.windows(4).position(|w| w == head).unwrap() + 4;
    patch(&mut bytes[at..]);
    bytes
}

#[test]
fn a_legitimate_xls_imports() {
    let set = import("orders.xls", &xls()).unwrap();
    assert_eq!(set.files[0].counts.kept, 3);
}

#[test]
fn an_xls_dimensions_record_over_the_limit_is_refused() {
    // calamine reserves rows x columns from it: 4 billion rows
    let bytes = patched([0x00, 0x02, 0x0e, 0x00], |d| {
        d[4..8].copy_from_slice(&0xFFFF_FFF0u32.to_le_bytes())
    });
    refused(
        "dims.xls",
        &bytes,
        "dims.xls: the sheet 'Orders' spans 4294967280 rows x 4 columns, over lpkpi's limit of 10,000,000 cells",
    );
    // a range ending before it starts would overflow calamine's arithmetic
    let bytes = patched([0x00, 0x02, 0x0e, 0x00], |d| {
        d[0..4].copy_from_slice(&100u32.to_le_bytes());
        d[4..8].copy_from_slice(&5u32.to_le_bytes());
    });
    refused(
        "reversed.xls",
        &bytes,
        "reversed.xls: the sheet 'Orders' declares a range that ends before it starts",
    );
}

#[test]
fn an_xls_cell_far_from_the_others_is_refused() {
    // a shared-string cell moved to row 65536, column 65536
    let bytes = patched([0xfd, 0x00, 0x0a, 0x00], |d| {
        d[0..4].copy_from_slice(&[0xFF; 4]);
    });
    refused(
        "far.xls",
        &bytes,
        "far.xls: the sheet 'Orders' spans 65536 rows x 65536 columns, over lpkpi's limit of 10,000,000 cells",
    );
}

#[test]
fn a_broken_xls_container_is_refused_in_one_line() {
    let mut bytes = xls();
    bytes.truncate(1024);
    match import("cut.xls", &bytes) {
        Err(ImportError::Spreadsheet { source, .. }) => {
            let message = source.to_string();
            assert_eq!(message, "its container cannot be read as an .xls workbook")
        }
        other => panic!("{:?}", other.map(|s| s.files.len())),
    }
}

#[test]
fn an_xls_sheet_starting_past_the_end_is_refused() {
    // calamine would slice its stream there and panic
    let bytes = patched([0x85, 0x00, 0x0e, 0x00], |d| {
        d[0..4].copy_from_slice(&0x3300_0000u32.to_le_bytes())
    });
    match import("past.xls", &bytes) {
        Err(ImportError::Spreadsheet { source, .. }) => {
            let message = source.to_string();
            assert_eq!(
                message,
                "a sheet's position cannot be read as an .xls workbook"
            )
        }
        other => panic!("{:?}", other.map(|s| s.files.len())),
    }
}

/// An XLSX whose sheet is `sheet_data` (the `sheetData` element's inside) and whose cell
/// formats are `cell_xfs` (`xf` elements) over the number formats `num_fmts`; the styles part
/// comes after the sheet in the container, as openpyxl writes it.
fn xlsx_styled(sheet_data: &str, num_fmts: &str, cell_xfs: &str) -> Vec<u8> {
    xlsx_styled_in(WORKBOOK, sheet_data, num_fmts, cell_xfs)
}

/// [`xlsx_styled`] with its own `workbook.xml`.
fn xlsx_styled_in(workbook: &str, sheet_data: &str, num_fmts: &str, cell_xfs: &str) -> Vec<u8> {
    let styles = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><numFmts>{num_fmts}</numFmts><cellStyleXfs count="2"><xf numFmtId="0"/><xf numFmtId="164"/></cellStyleXfs><cellXfs>{cell_xfs}</cellXfs></styleSheet>"#
    );
    let rels = WORKBOOK_RELS.replace(
        "</Relationships>",
        r#"<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>"#,
    );
    let mut z = ZipWriter::new(Cursor::new(Vec::new()));
    for (name, text) in [
        ("[Content_Types].xml", CT),
        ("_rels/.rels", RELS),
        ("xl/workbook.xml", workbook),
        ("xl/_rels/workbook.xml.rels", &rels),
        (
            "xl/worksheets/sheet1.xml",
            &format!("{SHEET_START}<sheetData>{sheet_data}</sheetData></worksheet>"),
        ),
        ("xl/styles.xml", &styles),
    ] {
        z.start_file(name, options()).unwrap();
        z.write_all(text.as_bytes()).unwrap();
    }
    z.finish().unwrap().into_inner()
}

/// The currency and amount of each purchase read, in order.
fn currencies(set: &ImportSet) -> Vec<(String, String)> {
    set.rows
        .iter()
        .filter_map(|r| r.purchase.as_ref())
        .map(|p| {
            (
                p.currency.to_string(),
                p.amount.map(|a| a.to_string()).unwrap_or_default(),
            )
        })
        .collect()
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(c, a)| (c.to_string(), a.to_string()))
        .collect()
}

#[test]
fn an_xlsx_amount_shown_in_euros_is_read_in_euros() {
    // The sheet starts at B3 (the range's first cell is not A1), and its amounts' formats
    // name €, nothing, £, a quoted "EUR" written as a character reference, and a locale alone.
    let text = |r: &str, v: &str| format!(r#"<c r="{r}" t="inlineStr"><is><t>{v}</t></is></c>"#);
    let row = |n: u32, amount: &str, style: u32| {
        format!(
            r#"<row r="{n}">{}{}<c r="D{n}"><v>2</v></c><c r="E{n}" s="{style}"><v>{amount}</v></c></row>"#,
            text(&format!("B{n}"), "2026-01-05"),
            text(&format!("C{n}"), "MOC"),
        )
    };
    let sheet = format!(
        r#"<row r="3">{}{}{}{}</row>{}{}{}{}{}"#,
        text("B3", "Date"),
        text("C3", "Product"),
        text("D3", "Qty"),
        text("E3", "Amount"),
        row(4, "1234.5", 1),
        row(5, "10", 0),
        row(6, "20", 2),
        row(7, "30", 3),
        row(8, "40", 4),
    );
    let formats = r##"<numFmt numFmtId="164" formatCode="#,##0.00\ [$€-407]"/><numFmt numFmtId="165" formatCode="[$£-809]#,##0.00"/><numFmt numFmtId="166" formatCode="#,##0.00 &quot;&#69;UR&quot;"/><numFmt numFmtId="167" formatCode="[$-409]#,##0.00"/>"##;
    let xfs = r#"<xf numFmtId="0"/><xf numFmtId="164"><alignment horizontal="right"/></xf><xf numFmtId="165"/><xf numFmtId="166"/><xf numFmtId="167"/>"#;
    let set = import("euro.xlsx", &xlsx_styled(&sheet, formats, xfs)).unwrap();
    assert_eq!(
        currencies(&set),
        pairs(&[
            ("EUR", "1234.5"),
            ("USD", "10"),
            ("GBP", "20"),
            ("EUR", "30"),
            ("USD", "40"),
        ])
    );
}

#[test]
fn a_currency_column_wins_over_the_cells_format() {
    let text = |r: &str, v: &str| format!(r#"<c r="{r}" t="inlineStr"><is><t>{v}</t></is></c>"#);
    let sheet = format!(
        r#"<row r="1">{}{}{}{}{}</row><row r="2">{}{}<c r="C2"><v>2</v></c><c r="D2" s="1"><v>5</v></c>{}</row>"#,
        text("A1", "Date"),
        text("B1", "Product"),
        text("C1", "Qty"),
        text("D1", "Amount"),
        text("E1", "Currency"),
        text("A2", "2026-01-05"),
        text("B2", "MOC"),
        text("E2", "GBP"),
    );
    let formats = r##"<numFmt numFmtId="164" formatCode="#,##0.00 &quot;€&quot;"/>"##;
    let xfs = r#"<xf numFmtId="0"/><xf numFmtId="164"/>"#;
    let set = import("column.xlsx", &xlsx_styled(&sheet, formats, xfs)).unwrap();
    assert_eq!(currencies(&set), pairs(&[("GBP", "5")]));
}

#[test]
fn an_ods_currency_cell_is_read_in_its_currency() {
    // Two empty rows and an empty column before the table (its range starts at B3), a row
    // repeated twice, a currency cell repeated over two columns, and a plain number.
    let string = |v: &str| {
        format!(
            r#"<table:table-cell office:value-type="string"><text:p>{v}</text:p></table:table-cell>"#
        )
    };
    let empty = "<table:table-cell/>";
    let eur = r#"<table:table-cell office:value-type="currency" office:currency="EUR" office:value="1234.5"><text:p>1.234,50 €</text:p></table:table-cell>"#;
    let gbp = r#"<table:table-cell office:value-type="currency" office:currency="GBP" office:value="7" table:number-columns-repeated="2"><text:p>£7.00</text:p></table:table-cell>"#;
    let plain = r#"<table:table-cell office:value-type="float" office:value="9"/>"#;
    let qty = r#"<table:table-cell office:value-type="float" office:value="1"/>"#;
    let rows = format!(
        r#"<table:table-row table:number-rows-repeated="2"><table:table-cell table:number-columns-repeated="6"/></table:table-row><table:table-row>{empty}{}{}{}{}{}</table:table-row><table:table-row table:number-rows-repeated="2">{empty}{}{}{qty}{eur}</table:table-row><table:table-row>{empty}{}{}{qty}{gbp}</table:table-row><table:table-row>{empty}{}{}{qty}{plain}</table:table-row>"#,
        string("Date"),
        string("Product"),
        string("Qty"),
        string("Amount"),
        string("Notes"),
        string("2026-01-05"),
        string("MOC"),
        string("2026-01-06"),
        string("MOC"),
        string("2026-01-07"),
        string("MOC"),
    );
    let set = import("euro.ods", &ods_raw(&rows, "</table:table>")).unwrap();
    assert_eq!(
        currencies(&set),
        pairs(&[
            ("EUR", "1234.5"),
            ("EUR", "1234.5"),
            ("GBP", "7"),
            ("USD", "9"),
        ])
    );
    assert_eq!(set.rows[0].line, 4, "the header is on the sheet's row 3");
}

#[test]
fn currencies_follow_the_sheet_whatever_its_name_and_ids_look_like() {
    // the sheet's relationship id under another prefix, its name with a character reference,
    // and a number format given twice (its last definition, plain, is the one that counts)
    let workbook = WORKBOOK
        .replace("xmlns:r=", "xmlns:relationships=")
        .replace("r:id=", "relationships:id=")
        .replace("Orders &amp; more", "Orders &#8211; Q1");
    let text = |r: &str, v: &str| format!(r#"<c r="{r}" t="inlineStr"><is><t>{v}</t></is></c>"#);
    let row = |n: u32, style: u32| {
        format!(
            r#"<row r="{n}">{}{}<c r="C{n}"><v>1</v></c><c r="D{n}" s="{style}"><v>10</v></c></row>"#,
            text(&format!("A{n}"), "2026-01-05"),
            text(&format!("B{n}"), "MOC"),
        )
    };
    let sheet = format!(
        r#"<row r="1">{}{}{}{}</row>{}{}"#,
        text("A1", "Date"),
        text("B1", "Product"),
        text("C1", "Qty"),
        text("D1", "Amount"),
        row(2, 1),
        row(3, 2),
    );
    let formats = r##"<numFmt numFmtId="164" formatCode="#,##0.00 &quot;€&quot;"/><numFmt numFmtId="165" formatCode="#,##0.00 &quot;€&quot;"/><numFmt numFmtId="165" formatCode="#,##0.00"/>"##;
    let xfs = r#"<xf numFmtId="0"/><xf numFmtId="164"/><xf numFmtId="165"/>"#;
    let set = import(
        "names.xlsx",
        &xlsx_styled_in(&workbook, &sheet, formats, xfs),
    )
    .unwrap();
    assert_eq!(currencies(&set), pairs(&[("EUR", "10"), ("USD", "10")]));
}
