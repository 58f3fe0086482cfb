//! Delimited text exports (CSV / TSV / TXT): decode, find the header and delimiter, decide the
//! file's conventions in a first pass, then stream the rows through the shared row path.

use csv::ByteRecord;

use super::layout::Layout;
use super::sniff::{LineCounter, TRUNCATED_WARNING, csv_reader, decode_text, find_header};
use super::{AddOptions, FileShape, ImportError, ImportRules, ImportSet, ImportedFile};

/// Read a text export into `set` (rows appended); the caller dedupes and registers the file.
pub fn read(
    set: &mut ImportSet,
    name: &str,
    bytes: &[u8],
    rules: &ImportRules,
    options: &mut AddOptions<'_>,
) -> Result<ImportedFile, ImportError> {
    let decoded = decode_text(bytes);
    let (text, encoding) = (decoded.text, decoded.encoding);
    let header = find_header(&text, &rules.headers, options.remembered).map_err(|columns| {
        ImportError::NoHeader {
            file: name.to_string(),
            columns,
        }
    })?;
    let layout = Layout::new(name, header.cells.clone(), header.remembered.clone(), rules)?;
    let data = text.as_bytes();
    let mut record = ByteRecord::new();

    // Pass 1: decimal mark and day/month order.
    let (conventions, warning) = layout.conventions(header.delimiter == b';', |observe| {
        let mut reader = csv_reader(data, header.delimiter);
        let mut index = 0usize;
        while reader.read_byte_record(&mut record).unwrap_or(false) {
            if index > header.record_index {
                observe(&record);
            }
            index += 1;
        }
    });

    // Pass 2: the rows.
    let mut rows = layout.rows(set.files.len() as u32, conventions, rules);
    let mut reader = csv_reader(data, header.delimiter);
    let mut lines = LineCounter::new(data);
    let mut index = 0usize;
    loop {
        match reader.read_byte_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => {
                return Err(ImportError::Unreadable {
                    file: name.to_string(),
                    source: e,
                });
            }
        }
        let line = lines.line_of(&record);
        if index.is_multiple_of(4096) {
            let done = record.position().map_or(0, |p| p.byte()) as f32 / data.len().max(1) as f32;
            if !options.report(done) {
                return Err(ImportError::Cancelled {
                    file: name.to_string(),
                });
            }
        }
        if index > header.record_index {
            rows.push(set, line, &record);
        }
        index += 1;
    }
    let truncated = decoded.truncated.then(|| TRUNCATED_WARNING.to_string());
    let (counts, warnings) = rows.finish(truncated, warning);
    Ok(ImportedFile {
        name: name.to_string(),
        sha256: String::new(),
        imported_at: None,
        shape: FileShape::Text {
            encoding,
            delimiter: header.delimiter as char,
        },
        header_line: header.line,
        columns: layout.columns,
        conventions,
        counts,
        warnings,
    })
}
