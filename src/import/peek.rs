//! The first rows of a file, for mapping its columns by hand in the import preview.

use super::set::is_spreadsheet;
use super::types::*;

/// The first rows of a file as (line, cells), for mapping its columns by hand: read as the
/// import read it when `shape` says how (sheet, delimiter), else the first sheet or the
/// delimiter that splits the first lines into the most cells.
pub fn peek_rows(bytes: &[u8], rows: usize, shape: Option<&FileShape>) -> Vec<(u32, Vec<String>)> {
    peek_rows_where(bytes, rows, shape, |_| true)
}

/// [`peek_rows`], the first `rows` rows that `keep` keeps (the others are read past, not
/// counted).
pub fn peek_rows_where(
    bytes: &[u8],
    rows: usize,
    shape: Option<&FileShape>,
    keep: impl Fn(&[String]) -> bool,
) -> Vec<(u32, Vec<String>)> {
    use super::sniff::{DELIMITERS, LineCounter, csv_reader, decode};
    if is_spreadsheet(bytes) {
        use calamine::Reader;
        if super::spreadsheet_limits::check(bytes).is_err() {
            return Vec::new();
        }
        // a panic of the reader on a malformed file is no rows, not a crash
        return super::xlsx::guarded(|| {
            let Ok(mut book) = calamine::open_workbook_auto_from_rs(std::io::Cursor::new(bytes))
            else {
                return Vec::new();
            };
            let range = match shape {
                Some(FileShape::Spreadsheet { sheet }) => book.worksheet_range(sheet).ok(),
                _ => book.worksheet_range_at(0).and_then(Result::ok),
            };
            let Some(range) = range else {
                return Vec::new();
            };
            let first = range.start().map_or(0, |(r, _)| r);
            range
                .rows()
                .enumerate()
                .map(|(i, r)| {
                    (
                        first + i as u32 + 1,
                        r.iter().map(|c| c.to_string()).collect::<Vec<String>>(),
                    )
                })
                .filter(|(_, cells)| keep(cells))
                .take(rows)
                .collect()
        })
        .unwrap_or_default();
    }
    let (text, _) = decode(bytes);
    let delimiter = match shape {
        Some(FileShape::Text { delimiter, .. }) => *delimiter as u8,
        _ => DELIMITERS
            .iter()
            .copied()
            .max_by_key(|&d| {
                csv_reader(text.as_bytes(), d)
                    .byte_records()
                    .take(rows)
                    .filter_map(Result::ok)
                    .map(|r| r.len())
                    .sum::<usize>()
            })
            .unwrap_or(b','),
    };
    let mut reader = csv_reader(text.as_bytes(), delimiter);
    let mut lines = LineCounter::new(text.as_bytes());
    let mut record = csv::ByteRecord::new();
    let mut out = Vec::new();
    while out.len() < rows && reader.read_byte_record(&mut record).unwrap_or(false) {
        let line = lines.line_of(&record);
        let cells = record
            .iter()
            .map(|c| {
                super::rows::Cell::text(std::str::from_utf8(c).unwrap_or(""))
                    .as_text()
                    .into_owned()
            })
            .collect::<Vec<String>>();
        if keep(&cells) {
            out.push((line, cells));
        }
    }
    out
}
