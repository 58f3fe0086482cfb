//! Any bytes as a workspace file, and every summary written from it: whatever a workspace
//! holds (names, products, reasons, level names of its own profile), the JSON parses, both
//! CSVs parse with the same columns on every line and no text cell a spreadsheet would run,
//! the HTML page has no tag that lpkpi did not write, every Markdown table row has its
//! header's cells, both charts parse as SVG, and the PDF is written. Run:
//! `cargo fuzz run -s none report` (stable toolchain; seed it with workspaces, e.g. the
//! `workspace` target's corpus).
#![no_main]

use chrono::NaiveDate;
use libfuzzer_sys::fuzz_target;
use lpkpi::report::chart::{Metric, svg, tree};
use lpkpi::report::pdf::{Paper, PdfOptions};
use lpkpi::report::{Format, ReportInput, render};
use lpkpi::workspace::file::parse;
use lpkpi::workspace::session::Session;

/// The elements the summary page and its inline charts are made of.
const TAGS: &[&str] = &[
    "html", "head", "meta", "title", "style", "body", "h1", "h2", "p", "strong", "ul", "li",
    "div", "table", "thead", "tbody", "tfoot", "tr", "th", "td", "svg", "line",
    "polyline", "path", "rect", "circle", "text",
];

/// Every `<` opens a known element, closes one, or starts the doctype.
fn tags_are_ours(page: &str) {
    for (i, _) in page.match_indices('<') {
        let rest = &page[i + 1..];
        if rest.starts_with("!DOCTYPE html>") {
            continue;
        }
        let rest = rest.strip_prefix('/').unwrap_or(rest);
        let name: String = rest
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect();
        assert!(
            TAGS.contains(&name.as_str()),
            "an element lpkpi does not write: <{}",
            rest.chars().take(40).collect::<String>()
        );
    }
}

/// Cells of a Markdown table row: `|` not escaped by a backslash.
fn pipes(line: &str) -> usize {
    let mut n = 0;
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                chars.next();
            }
            '|' => n += 1,
            _ => {}
        }
    }
    n
}

/// Every row of a table has as many cells as the header above it.
fn tables_hold(md: &str) {
    let mut header: Option<usize> = None;
    for line in md.lines() {
        if line.starts_with('|') {
            let n = pipes(line);
            match header {
                None => header = Some(n),
                Some(h) => assert_eq!(n, h, "a table row with other cells: {line}"),
            }
        } else {
            header = None;
        }
    }
}

/// A CSV as the spreadsheet reads it: the header's column count on every record, and no
/// text cell (those at `text`) that starts as a formula.
fn csv_holds(bytes: &[u8], columns: usize, text: &[usize]) {
    let body = bytes.strip_prefix("\u{feff}".as_bytes()).expect("a BOM");
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(body);
    for record in reader.records() {
        let record = record.expect("the CSV parses");
        assert_eq!(record.len(), columns, "a CSV record with other columns");
        for &i in text {
            let cell = record.get(i).unwrap_or("");
            assert!(
                !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
                "a text cell a spreadsheet would run: {cell:?}"
            );
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(ws) = parse(data, "fuzz.ron") else {
        return;
    };
    let Ok(session) = Session::new(&ws) else {
        return;
    };
    let day = NaiveDate::from_ymd_opt(2026, 6, 1).expect("a date");
    let anniversary = ws.partner.anniversary.unwrap_or(day);
    let outcome = session.evaluate(&ws, anniversary, day, None);
    let input = ReportInput::of(&ws, &session, &outcome);

    let json = render(&input, Format::Json).expect("the JSON is written");
    let _: serde_json::Value = serde_json::from_slice(&json).expect("the JSON parses");

    let monthly = render(&input, Format::Csv).expect("the CSV is written");
    csv_holds(&monthly, 5, &[]);
    let review = render(&input, Format::ReviewCsv).expect("the review CSV is written");
    csv_holds(&review, 4, &[0, 1, 3]);

    let md = render(&input, Format::Markdown).expect("the Markdown is written");
    tables_hold(std::str::from_utf8(&md).expect("UTF-8"));

    let page = render(&input, Format::Html).expect("the page is written");
    tags_are_ours(std::str::from_utf8(&page).expect("UTF-8"));

    for metric in [Metric::KpiUnits, Metric::Revenue] {
        let chart = svg(input.eval, input.partner, metric, 900, 480);
        if let Err(e) = tree(&chart) {
            panic!("the chart does not parse: {e}");
        }
    }

    let options = PdfOptions {
        paper: Paper::A4,
        generated: day.and_hms_opt(9, 0, 0).expect("a time"),
    };
    if let Err(e) = render(&input, Format::Pdf(options)) {
        panic!("the PDF is not written: {e}");
    }
});
