//! Delimited text exports (CSV / TSV / TXT): decode, find the header and delimiter, decide the
//! file's conventions in a first pass, then stream the rows through the shared row path.

use csv::ByteRecord;

use super::rows::{ConventionScan, StrayMarks, parse_row};
use super::sniff::{
    ColumnMap, LineCounter, TRUNCATED_WARNING, csv_reader, decode_text, find_header,
};
use super::{
    AddOptions, FileShape, ImportCounts, ImportError, ImportRules, ImportSet, ImportedFile,
};

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
    let (columns, ignored) = match header.remembered.clone() {
        Some(map) => (map, Vec::new()),
        None => (
            ColumnMap::from_header(&rules.headers, &header.cells),
            ColumnMap::ignored_columns(&rules.headers, &header.cells),
        ),
    };
    if let Some(field) = columns.missing_required() {
        return Err(ImportError::MissingField {
            file: name.to_string(),
            field,
            columns: header.cells,
        });
    }
    let data = text.as_bytes();
    let mut record = ByteRecord::new();

    // Pass 1: decimal mark and day/month order.
    let mut scan = ConventionScan::default();
    let mut reader = csv_reader(data, header.delimiter);
    let mut index = 0usize;
    while reader.read_byte_record(&mut record).unwrap_or(false) {
        if index > header.record_index {
            scan.observe(&record, &columns);
        }
        index += 1;
    }
    let (conventions, warning) = scan.decide(header.delimiter == b';');

    // Pass 2: the rows.
    let file = set.files.len() as u32;
    let mut counts = ImportCounts::default();
    let mut strays = StrayMarks::default();
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
                    message: e.to_string(),
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
            let outcome = parse_row(&record, &columns, &conventions, &rules.rows);
            strays.note(&record, &columns, &conventions, &outcome);
            set.push(file, line, outcome, &mut counts);
        }
        index += 1;
    }
    Ok(ImportedFile {
        name: name.to_string(),
        sha256: String::new(),
        imported_at: None,
        shape: FileShape::Text {
            encoding,
            delimiter: header.delimiter as char,
        },
        header_line: header.line,
        columns,
        conventions,
        counts,
        warnings: decoded
            .truncated
            .then(|| TRUNCATED_WARNING.to_string())
            .into_iter()
            .chain(ignored)
            .chain(warning)
            .chain(strays.warning(conventions.decimal_mark))
            .collect(),
    })
}
