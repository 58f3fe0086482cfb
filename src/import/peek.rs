//! The first rows of a file, for mapping its columns by hand in the import preview.

use super::set::is_spreadsheet;
use super::types::*;

/// The first rows of a file as (line, cells), for mapping its columns by hand: read as the
/// import read it when `shape` says how (sheet, delimiter), else the first sheet or the
/// delimiter that splits the first lines into the most cells.
pub fn peek_rows(bytes: &[u8], rows: usize, shape: Option<&FileShape>) -> Vec<(u32, Vec<String>)> {
    peek_rows_where(bytes, rows, shape, |_| true)
}

/// [`peek_rows`] of the first bytes of a longer file: its last row may be cut short, so it is
/// read one row further and that last row dropped.
pub fn peek_head_rows(
    head: &[u8],
    rows: usize,
    shape: Option<&FileShape>,
) -> Vec<(u32, Vec<String>)> {
    let mut peeked = peek_rows(head, rows.saturating_add(1), shape);
    let whole = if peeked.len() > rows {
        rows
    } else {
        peeked.len().saturating_sub(1)
    };
    peeked.truncate(whole);
    peeked
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

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests fail by panicking")]

    use super::*;
    use crate::import::sniff::TextEncoding;
    use crate::import::streamed_head;

    /// A text export of more than 16 MB (the size from which a file is read a block at a time),
    /// every row holding characters of two bytes.
    fn big_export() -> Vec<u8> {
        let mut text = String::from("Order Number,Invoice Date,Product Name,Total,Notes\n");
        let mut i = 0;
        while text.len() < 17 << 20 {
            i += 1;
            text.push_str(&format!(
                "{i},2026-04-15,\"Übung {i}, Azure\",12.50,{}\n",
                "é".repeat(40)
            ));
        }
        text.into_bytes()
    }

    fn head_of(bytes: &[u8]) -> Option<Vec<u8>> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("export.csv");
        std::fs::write(&path, bytes).unwrap();
        let opened = crate::files::open_capped(&path, u64::MAX, "an export").unwrap();
        streamed_head(&opened)
    }

    // elsewhere files are not read at an offset: every file is read whole
    #[cfg(unix)]
    #[test]
    fn the_head_of_a_large_export_is_its_first_whole_lines() {
        let bytes = big_export();
        let head = head_of(&bytes).expect("a large text export is read a block at a time");
        assert!(
            head.len() <= 1 << 20 && head.len() > 1 << 19,
            "{}",
            head.len()
        );
        assert!(bytes.starts_with(&head));
        assert!(head.ends_with(b"\n"));
        assert!(std::str::from_utf8(&head).is_ok(), "no character cut");
        let shape = FileShape::Text {
            encoding: TextEncoding::Utf8,
            delimiter: ',',
        };
        for shape in [None, Some(&shape)] {
            let whole = peek_rows(&bytes, 60, shape);
            assert_eq!(whole.len(), 60);
            assert_eq!(peek_head_rows(&head, 60, shape), whole);
        }
    }

    #[test]
    fn a_head_cut_in_a_row_leaves_that_row_out() {
        let bytes = big_export();
        // cut in the middle of the fourth row's name
        let cut = bytes
            .windows(6)
            .enumerate()
            .filter(|(_, w)| *w == b"\xC3\x9Cbung")
            .nth(3)
            .map(|(i, _)| i + 3)
            .unwrap();
        let peeked = peek_head_rows(&bytes[..cut], 60, None);
        // the header and three whole rows
        assert_eq!(peeked, peek_rows(&bytes, 4, None));
        // a head holding more rows than asked for keeps them all
        assert_eq!(
            peek_head_rows(&bytes[..cut], 2, None),
            peek_rows(&bytes, 2, None)
        );
    }

    #[test]
    fn other_files_are_read_whole() {
        let bytes = big_export();
        // small
        assert_eq!(head_of(&bytes[..1 << 20]), None);
        // a spreadsheet's container
        let mut zip = b"PK\x03\x04".to_vec();
        zip.extend_from_slice(&bytes);
        assert_eq!(head_of(&zip), None);
        // UTF-16
        let mut utf16 = vec![0xFF, 0xFE];
        utf16.extend(
            String::from_utf8(bytes.clone())
                .unwrap()
                .encode_utf16()
                .flat_map(u16::to_le_bytes),
        );
        assert_eq!(head_of(&utf16), None);
        // no line end in the first megabyte
        let mut long = vec![b'x'; 2 << 20];
        long.extend_from_slice(&bytes);
        assert_eq!(head_of(&long), None);
    }
}
