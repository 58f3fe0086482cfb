//! Sniffing a text export: its encoding, its delimiter and where its header row is, and the
//! mapping from header names to the logical fields of import.md.

use std::borrow::Cow;
use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::profile::{Field, Profile, normalize_header};

/// How many rows from the top may hold the header.
pub const HEADER_SEARCH_ROWS: usize = 50;

/// The text encodings the importer reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TextEncoding {
    /// UTF-8 without a byte-order mark.
    Utf8,
    /// UTF-8 with a byte-order mark (Excel's "CSV UTF-8").
    Utf8Bom,
    /// UTF-16 little endian (Excel's "Unicode Text").
    Utf16Le,
    /// UTF-16 big endian.
    Utf16Be,
    /// Windows-1252, when the bytes are not valid UTF-8.
    Windows1252,
}

impl TextEncoding {
    /// A name people know.
    pub fn label(self) -> &'static str {
        match self {
            TextEncoding::Utf8 => "UTF-8",
            TextEncoding::Utf8Bom => "UTF-8 (BOM)",
            TextEncoding::Utf16Le => "UTF-16 LE",
            TextEncoding::Utf16Be => "UTF-16 BE",
            TextEncoding::Windows1252 => "Windows-1252",
        }
    }
}

/// UTF-16 without a byte-order mark shows as a NUL in every other byte of Latin text: NULs in
/// at least 40% of one half of the byte pairs (names in other scripts fill the rest) and in
/// almost none (2%) of the other half. Binary data that happens to look so is refused after
/// decoding, by its control characters ([`not_an_export`]).
pub(super) fn utf16_without_bom(bytes: &[u8]) -> Option<TextEncoding> {
    let sample = &bytes[..bytes.len().min(4096) & !1];
    if sample.len() < 8 {
        return None;
    }
    let pairs = sample.len() / 2;
    let even_nuls = sample.iter().step_by(2).filter(|&&b| b == 0).count();
    let odd_nuls = sample
        .iter()
        .skip(1)
        .step_by(2)
        .filter(|&&b| b == 0)
        .count();
    let many = |n: usize| n * 10 >= pairs * 4;
    let few = |n: usize| n * 50 <= pairs;
    if many(odd_nuls) && few(even_nuls) {
        Some(TextEncoding::Utf16Le)
    } else if many(even_nuls) && few(odd_nuls) {
        Some(TextEncoding::Utf16Be)
    } else {
        None
    }
}

/// What a file that is not an export at all is, told by its first bytes, so it is refused
/// with one line instead of being offered for column mapping.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum NotAnExport {
    /// PNG.
    #[error("a PNG image")]
    Png,
    /// JPEG.
    #[error("a JPEG image")]
    Jpeg,
    /// GIF.
    #[error("a GIF image")]
    Gif,
    /// TIFF.
    #[error("a TIFF image")]
    Tiff,
    /// PDF.
    #[error("a PDF document")]
    Pdf,
    /// A zip archive without a workbook in it.
    #[error("a ZIP archive that holds no spreadsheet")]
    Zip,
    /// A Word document (.docx).
    #[error("a Word document")]
    Word,
    /// A PowerPoint presentation (.pptx).
    #[error("a PowerPoint presentation")]
    PowerPoint,
    /// An OpenDocument file other than a spreadsheet (text, presentation, drawing).
    #[error("an OpenDocument file that is not a spreadsheet")]
    OpenDocument,
    /// A compressed archive (gzip, 7z, RAR, xz, zstd).
    #[error("a compressed archive")]
    Archive,
    /// An executable program or library.
    #[error("a program")]
    Executable,
    /// No known kind, but control characters no text export has.
    #[error("binary data ({percent}% of it control characters)")]
    Binary {
        /// Share of control characters in the first bytes, decoded.
        percent: u8,
    },
}

/// How many bytes from the start are decoded to judge a file's control characters.
const SNIFF_BYTES: usize = 64 * 1024;

/// Whether `bytes` are not an export at all, and what they are: by magic numbers first (a zip
/// is one when it holds no workbook), then, for files that are not spreadsheets, by the share
/// of control characters once decoded as the importer decodes text (UTF-16's NUL bytes are
/// no control characters once decoded; tab, line ends, form feed and the old end-of-file
/// mark are text). Spreadsheet containers (XLSX, XLS, ODS) and broken zips pass: their
/// reader says what is wrong with them.
pub fn not_an_export(bytes: &[u8]) -> Option<NotAnExport> {
    const MAGIC: &[(&[u8], NotAnExport)] = &[
        (b"\x89PNG\r\n\x1a\n", NotAnExport::Png),
        (b"\xFF\xD8\xFF", NotAnExport::Jpeg),
        (b"GIF87a", NotAnExport::Gif),
        (b"GIF89a", NotAnExport::Gif),
        (b"II*\0", NotAnExport::Tiff),
        (b"MM\0*", NotAnExport::Tiff),
        (b"%PDF-", NotAnExport::Pdf),
        (b"PK\x05\x06", NotAnExport::Zip),
        (b"\x1F\x8B", NotAnExport::Archive),
        (b"7z\xBC\xAF\x27\x1C", NotAnExport::Archive),
        (b"Rar!\x1A\x07", NotAnExport::Archive),
        (b"\xFD7zXZ\0", NotAnExport::Archive),
        (b"\x28\xB5\x2F\xFD", NotAnExport::Archive),
        (b"\x7FELF", NotAnExport::Executable),
        (b"\xFE\xED\xFA\xCE", NotAnExport::Executable),
        (b"\xFE\xED\xFA\xCF", NotAnExport::Executable),
        (b"\xCE\xFA\xED\xFE", NotAnExport::Executable),
        (b"\xCF\xFA\xED\xFE", NotAnExport::Executable),
        (b"\xCA\xFE\xBA\xBE", NotAnExport::Executable),
    ];
    if let Some((_, what)) = MAGIC.iter().find(|(magic, _)| bytes.starts_with(magic)) {
        return Some(*what);
    }
    if bytes.starts_with(b"PK\x03\x04") {
        return zip_without_workbook(bytes);
    }
    if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        return None;
    }
    let sample = &bytes[..bytes.len().min(SNIFF_BYTES)];
    let decoded = decode_text(sample);
    let (mut chars, mut controls) = (0usize, 0usize);
    for c in decoded.text.chars() {
        chars += 1;
        if c < ' ' && !matches!(c, '\t' | '\n' | '\r' | '\x0C' | '\x1A') {
            controls += 1;
        }
    }
    // one control character in twenty: no text export comes near (they have none)
    let binary = controls >= 4 && controls * 20 > chars;
    match binary {
        true if bytes.starts_with(b"MZ") => Some(NotAnExport::Executable),
        true => Some(NotAnExport::Binary {
            percent: u8::try_from(controls * 100 / chars.max(1)).unwrap_or(100),
        }),
        false => None,
    }
}

/// A zip that opens but holds no workbook (XLSX's `xl/`, an ODS spreadsheet's `mimetype` or
/// `content.xml`): what it holds instead.
fn zip_without_workbook(bytes: &[u8]) -> Option<NotAnExport> {
    use std::io::Read;
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).ok()?;
    if zip.len() > super::spreadsheet_limits::MAX_PARTS {
        return None;
    }
    let has = |prefix: &[u8]| zip.file_names_raw().any(|n| n.starts_with(prefix));
    let (workbook, mimetype, content) = (has(b"xl/"), has(b"mimetype"), has(b"content.xml"));
    let (word, ppt) = (has(b"word/"), has(b"ppt/"));
    if workbook {
        return None;
    }
    if mimetype {
        let mut mime = Vec::new();
        let read = zip
            .by_name("mimetype")
            .ok()
            .and_then(|f| f.take(128).read_to_end(&mut mime).ok());
        let mime = String::from_utf8_lossy(&mime);
        return match read {
            Some(_) if mime.starts_with("application/vnd.oasis.opendocument.spreadsheet") => None,
            Some(_) if mime.starts_with("application/vnd.oasis.opendocument") => {
                Some(NotAnExport::OpenDocument)
            }
            // an unreadable mimetype: the spreadsheet reader says what is wrong
            None => None,
            Some(_) => Some(NotAnExport::Zip),
        };
    }
    if content {
        return None;
    }
    if word {
        Some(NotAnExport::Word)
    } else if ppt {
        Some(NotAnExport::PowerPoint)
    } else {
        Some(NotAnExport::Zip)
    }
}

/// The warning for a UTF-16 file that ends in the middle of a character.
pub const TRUNCATED_WARNING: &str =
    "the file ends in the middle of a character (it looks cut short): its last bytes were ignored";

/// A decoded text file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded<'a> {
    /// The text.
    pub text: Cow<'a, str>,
    /// The encoding detected.
    pub encoding: TextEncoding,
    /// Whether a UTF-16 file ended in the middle of a character (an odd byte count, or a lone
    /// first half of a surrogate pair): those last bytes were left out, not decoded to U+FFFD.
    pub truncated: bool,
}

/// The whole UTF-16 code units of `bytes`, without a last unit that is the first half of a
/// surrogate pair; true when something was cut.
fn whole_utf16(bytes: &[u8], big_endian: bool) -> (&[u8], bool) {
    let even = &bytes[..bytes.len() & !1];
    let mut cut = even.len() != bytes.len();
    let mut whole = even;
    if let [.., a, b] = even {
        let unit = if big_endian {
            u16::from_be_bytes([*a, *b])
        } else {
            u16::from_le_bytes([*a, *b])
        };
        if (0xD800..0xDC00).contains(&unit) {
            whole = &even[..even.len() - 2];
            cut = true;
        }
    }
    (whole, cut)
}

/// UTF-16 text without its BOM, cut to whole characters.
fn decode_utf16(rest: &[u8], encoding: TextEncoding) -> Decoded<'_> {
    let big_endian = encoding == TextEncoding::Utf16Be;
    let codec = if big_endian {
        encoding_rs::UTF_16BE
    } else {
        encoding_rs::UTF_16LE
    };
    let (whole, truncated) = whole_utf16(rest, big_endian);
    let (text, _) = codec.decode_without_bom_handling(whole);
    Decoded {
        text,
        encoding,
        truncated,
    }
}

/// Decode a text file: BOMs first, then UTF-8 when valid, else Windows-1252. UTF-8 input is
/// borrowed, not copied. A UTF-16 file cut in the middle of a character loses that partial
/// character (no U+FFFD, so no phantom row) and says so.
pub fn decode_text(bytes: &[u8]) -> Decoded<'_> {
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        let (text, _) = encoding_rs::UTF_8.decode_without_bom_handling(rest);
        return Decoded {
            text,
            encoding: TextEncoding::Utf8Bom,
            truncated: false,
        };
    }
    if let Some(rest) = bytes.strip_prefix(b"\xFF\xFE") {
        return decode_utf16(rest, TextEncoding::Utf16Le);
    }
    if let Some(rest) = bytes.strip_prefix(b"\xFE\xFF") {
        return decode_utf16(rest, TextEncoding::Utf16Be);
    }
    if let Some(enc) = utf16_without_bom(bytes) {
        return decode_utf16(bytes, enc);
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => Decoded {
            text: Cow::Borrowed(text),
            encoding: TextEncoding::Utf8,
            truncated: false,
        },
        Err(_) => {
            let (text, _) = encoding_rs::WINDOWS_1252.decode_without_bom_handling(bytes);
            Decoded {
                text,
                encoding: TextEncoding::Windows1252,
                truncated: false,
            }
        }
    }
}

/// [`decode_text`] without the truncation flag: the text and its encoding.
pub fn decode(bytes: &[u8]) -> (Cow<'_, str>, TextEncoding) {
    let d = decode_text(bytes);
    (d.text, d.encoding)
}

/// The profile's header names, ready for lookup.
#[derive(Debug, Clone)]
pub struct HeaderNames {
    by_name: HashMap<String, Field>,
}

impl HeaderNames {
    /// Build the lookup from a profile.
    pub fn new(profile: &Profile) -> HeaderNames {
        let mut by_name = HashMap::new();
        for (field, names) in &profile.headers {
            for name in names {
                by_name.insert(normalize_header(name), *field);
            }
        }
        HeaderNames { by_name }
    }

    /// The field a header cell names, if any.
    pub fn field(&self, cell: &str) -> Option<Field> {
        self.by_name.get(&normalize_header(cell)).copied()
    }

    /// How many distinct logical fields a row's cells name.
    pub fn recognized<'a>(&self, cells: impl IntoIterator<Item = &'a str>) -> usize {
        let mut seen = [false; Field::ALL.len()];
        for cell in cells {
            if let Some(f) = self.field(cell) {
                seen[f.logical().index()] = true;
            }
        }
        seen.iter().filter(|&&s| s).count()
    }
}

/// How a column map is stored: the header as written and the field of each mapped column.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct ColumnMapRepr {
    /// Header cells as written.
    pub header: Vec<String>,
    /// Column index per mapped field.
    pub fields: std::collections::BTreeMap<Field, usize>,
}

impl From<ColumnMap> for ColumnMapRepr {
    fn from(m: ColumnMap) -> ColumnMapRepr {
        let fields = Field::ALL
            .iter()
            .filter_map(|&f| m.get(f).map(|c| (f, c)))
            .collect();
        ColumnMapRepr {
            header: m.header,
            fields,
        }
    }
}

impl From<ColumnMapRepr> for ColumnMap {
    fn from(r: ColumnMapRepr) -> ColumnMap {
        let mut columns = [None; Field::ALL.len()];
        for (f, c) in r.fields {
            columns[f.index()] = Some(c);
        }
        ColumnMap {
            columns,
            header: r.header,
        }
    }
}

/// Which column holds each field, resolved from a header row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(into = "ColumnMapRepr", from = "ColumnMapRepr")]
pub struct ColumnMap {
    /// Column index per field (leftmost wins), indexed by [`Field::index`].
    pub columns: [Option<usize>; Field::ALL.len()],
    /// The header cells as written.
    pub header: Vec<String>,
}

impl ColumnMap {
    /// Map a header row.
    pub fn from_header(names: &HeaderNames, header: &[String]) -> ColumnMap {
        let mut columns = [None; Field::ALL.len()];
        for (i, cell) in header.iter().enumerate() {
            if let Some(f) = names.field(cell) {
                columns[f.index()].get_or_insert(i);
            }
        }
        ColumnMap {
            columns,
            header: header.to_vec(),
        }
    }

    /// One warning per header cell that names a field an earlier column already gives: the
    /// leftmost column is used (import.md), the others are ignored, and a person should know.
    /// An invoice number next to an order number, or an invoice date next to an order date,
    /// are different fields and give no warning.
    pub fn ignored_columns(names: &HeaderNames, header: &[String]) -> Vec<String> {
        let mut first: [Option<usize>; Field::ALL.len()] = [None; Field::ALL.len()];
        let mut warnings = Vec::new();
        for (i, cell) in header.iter().enumerate() {
            let Some(f) = names.field(cell) else { continue };
            match first[f.index()] {
                None => first[f.index()] = Some(i),
                Some(used) => warnings.push(format!(
                    "the column '{}' (column {}) is ignored: '{}' (column {}) already gives the {}",
                    cell.trim(),
                    i + 1,
                    header.get(used).map_or("", |h| h.trim()),
                    used + 1,
                    f.key().replace('_', " ")
                )),
            }
        }
        warnings
    }

    /// The rightmost column a field is mapped to (0-based; 0 when none is).
    pub fn last_column(&self) -> usize {
        self.columns.iter().flatten().copied().max().unwrap_or(0)
    }

    /// The column of a field as mapped.
    pub fn get(&self, field: Field) -> Option<usize> {
        self.columns[field.index()]
    }

    /// The purchase date column: the invoice date when there is one, else the order date.
    pub fn date(&self) -> Option<usize> {
        self.get(Field::InvoiceDate).or(self.get(Field::OrderDate))
    }

    /// The order id column: an invoice number when there is one, else the order number.
    pub fn order_id(&self) -> Option<usize> {
        self.get(Field::InvoiceNumber).or(self.get(Field::OrderId))
    }

    /// Whether the file has an invoice date column (an empty one means "not invoiced").
    pub fn has_invoice_date(&self) -> bool {
        self.get(Field::InvoiceDate).is_some()
    }

    /// The first required field that no column provides (import.md, "Required").
    pub fn missing_required(&self) -> Option<&'static str> {
        if self.date().is_none() {
            Some("a date (invoice_date or order_date)")
        } else if self.get(Field::Quantity).is_none() {
            Some("quantity")
        } else if self.get(Field::ProductName).is_none() && self.get(Field::PartNumber).is_none() {
            Some("a product (product_name or part_number)")
        } else {
            None
        }
    }

    /// Fields and the header cell each was taken from, for display.
    pub fn describe(&self) -> Vec<(Field, String)> {
        Field::ALL
            .iter()
            .filter_map(|&f| {
                let col = self.get(f)?;
                Some((f, self.header.get(col).cloned().unwrap_or_default()))
            })
            .collect()
    }
}

/// The delimiters the sniffer tries.
pub const DELIMITERS: [u8; 4] = [b',', b';', b'\t', b'|'];

/// A csv reader configured the way every export is read.
pub fn csv_reader(text: &[u8], delimiter: u8) -> csv::Reader<&[u8]> {
    csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .double_quote(true)
        .quoting(true)
        .from_reader(text)
}

/// Line numbers of records. The csv reader's own positions point at the blank lines and line
/// ends it skipped before a record (and count CRLF oddly), so the line where a record really
/// starts is counted here from its byte offset: skip line ends, count newlines up to there.
#[derive(Debug)]
pub struct LineCounter<'a> {
    text: &'a [u8],
    pos: usize,
    line: u32,
}

impl<'a> LineCounter<'a> {
    /// Count lines of `text`.
    pub fn new(text: &'a [u8]) -> LineCounter<'a> {
        LineCounter {
            text,
            pos: 0,
            line: 1,
        }
    }

    /// Count lines of `text`, a part of a file whose first byte is on line `line`.
    pub fn starting_at(text: &'a [u8], line: u32) -> LineCounter<'a> {
        LineCounter { text, pos: 0, line }
    }

    /// The 1-based line of the record whose reading began at `byte` (offsets must not go back).
    pub fn line_of(&mut self, record: &csv::ByteRecord) -> u32 {
        self.line_at(record.position())
    }

    /// The 1-based line of the record read from `position` (offsets must not go back).
    pub fn line_at(&mut self, position: Option<&csv::Position>) -> u32 {
        self.line_at_byte(position.map_or(self.pos, |p| p.byte() as usize))
    }

    /// The 1-based line of the record whose reading began at `byte` (offsets must not go
    /// back).
    pub fn line_at_byte(&mut self, byte: usize) -> u32 {
        let mut start = byte.max(self.pos).min(self.text.len());
        while start < self.text.len() && matches!(self.text[start], b'\r' | b'\n') {
            start += 1;
        }
        let ends = line_ends(self.text.get(self.pos..start).unwrap_or_default());
        self.line = self.line.saturating_add(ends);
        self.pos = start;
        self.line
    }
}

/// Line ends in `bytes`: `\n`, or `\r` not followed by `\n` (a `\r` last in `bytes` counts as
/// one: callers never end a range between `\r` and `\n`).
pub fn line_ends(bytes: &[u8]) -> u32 {
    let (Some(&first), Some(&last)) = (bytes.first(), bytes.last()) else {
        return 0;
    };
    let (Some(a), Some(b)) = (bytes.get(..bytes.len() - 1), bytes.get(1..)) else {
        return 0;
    };
    // over each pair of neighbours (p, q): q is `\n`, or p is a `\r` that q does not follow;
    // in steps of 255 pairs, counted in a byte (at most one per pair), which vectorizes
    let pairs: usize = a
        .chunks(255)
        .zip(b.chunks(255))
        .map(|(a, b)| {
            usize::from(a.iter().zip(b).fold(0u8, |n, (&p, &q)| {
                n.wrapping_add(u8::from(q == b'\n') | u8::from(p == b'\r' && q != b'\n'))
            }))
        })
        .sum();
    let ends = pairs + usize::from(first == b'\n') + usize::from(last == b'\r');
    u32::try_from(ends).unwrap_or(u32::MAX)
}

/// How many times `needle` occurs in `bytes` (counted in steps of 255 bytes into a byte, which
/// the compiler turns into vector instructions).
pub(super) fn count_byte(bytes: &[u8], needle: u8) -> usize {
    bytes
        .chunks(255)
        .map(|c| {
            usize::from(
                c.iter()
                    .fold(0u8, |n, &b| n.wrapping_add(u8::from(b == needle))),
            )
        })
        .sum()
}

/// Where a text file's header is.
#[derive(Debug, Clone)]
pub struct HeaderFound {
    /// The delimiter that makes the header recognizable.
    pub delimiter: u8,
    /// Records (as counted by the csv reader, blank ones included) before the header record.
    pub record_index: usize,
    /// 1-based line of the header.
    pub line: u32,
    /// Header cells, trimmed.
    pub cells: Vec<String>,
    /// Logical fields recognized.
    pub recognized: usize,
    /// A mapping chosen by hand for this header before, which wins over recognition.
    pub remembered: Option<ColumnMap>,
}

/// Column mappings chosen by hand, by [`header_signature`].
pub type Remembered = std::collections::BTreeMap<String, ColumnMapRepr>;

/// A header's identity for remembering its mapping: the normalized cells, in order.
pub fn header_signature<S: AsRef<str>>(cells: &[S]) -> String {
    cells
        .iter()
        .map(|c| normalize_header(c.as_ref()))
        .collect::<Vec<_>>()
        .join("|")
}

/// Find the header row and the delimiter together: the delimiter under which a row within
/// the first [`HEADER_SEARCH_ROWS`] names at least three fields (most fields, then earliest).
/// On failure, the cells of the first non-empty row, for the error message.
pub fn find_header(
    text: &str,
    names: &HeaderNames,
    remembered: &Remembered,
) -> Result<HeaderFound, Vec<String>> {
    find_header_in(text, names, remembered).0
}

/// [`find_header`], and whether some search read to the end of `text` (when `text` is only the
/// head of a file, the answer may then depend on what follows it).
pub(super) fn find_header_in(
    text: &str,
    names: &HeaderNames,
    remembered: &Remembered,
) -> (Result<HeaderFound, Vec<String>>, bool) {
    let mut to_the_end = false;
    let mut best: Option<HeaderFound> = None;
    let mut fallback: Option<(usize, Vec<String>)> = None;
    for &delimiter in &DELIMITERS {
        let mut reader = csv_reader(text.as_bytes(), delimiter);
        let mut record = csv::ByteRecord::new();
        let mut rows = 0usize;
        let mut lines = LineCounter::new(text.as_bytes());
        let mut first_row = true;
        let mut index = 0usize;
        while rows < HEADER_SEARCH_ROWS {
            match reader.read_byte_record(&mut record) {
                Ok(true) => {}
                Ok(false) | Err(_) => {
                    to_the_end = true;
                    break;
                }
            }
            // a record ending with the text may go on after it
            to_the_end |= reader.position().byte() >= text.len() as u64;
            index += 1;
            let cells: Vec<&str> = record
                .iter()
                .map(|f| std::str::from_utf8(f).unwrap_or("").trim())
                .collect();
            // Blank rows (",,,") are not rows: they do not count toward the 50.
            if cells.iter().all(|c| c.is_empty()) {
                continue;
            }
            let recognized = names.recognized(cells.iter().copied());
            let line = lines.line_of(&record);
            if !remembered.is_empty()
                && let Some(map) = remembered.get(&header_signature(&cells))
            {
                let found = Ok(HeaderFound {
                    delimiter,
                    record_index: index - 1,
                    line,
                    cells: cells.iter().map(|c| c.to_string()).collect(),
                    recognized,
                    remembered: Some(ColumnMap::from(ColumnMapRepr {
                        header: cells.iter().map(|c| c.to_string()).collect(),
                        fields: map.fields.clone(),
                    })),
                });
                return (found, to_the_end);
            }
            let non_empty = cells.iter().filter(|c| !c.is_empty()).count();
            if first_row && non_empty > 0 {
                first_row = false;
                if fallback.as_ref().is_none_or(|(n, _)| non_empty > *n) {
                    fallback = Some((non_empty, cells.iter().map(|c| c.to_string()).collect()));
                }
            }
            if recognized >= 3 {
                let better = best.as_ref().is_none_or(|b| {
                    recognized > b.recognized || (recognized == b.recognized && line < b.line)
                });
                if better {
                    best = Some(HeaderFound {
                        delimiter,
                        record_index: index - 1,
                        line,
                        cells: cells.iter().map(|c| c.to_string()).collect(),
                        recognized,
                        remembered: None,
                    });
                }
                break;
            }
            rows += 1;
        }
    }
    (
        best.ok_or_else(|| fallback.map(|(_, c)| c).unwrap_or_default()),
        to_the_end,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names() -> HeaderNames {
        HeaderNames::new(&Profile::builtin().unwrap())
    }

    #[test]
    fn encodings() {
        let (t, e) = decode(b"a,b\n");
        assert_eq!((t.as_ref(), e), ("a,b\n", TextEncoding::Utf8));
        let (t, e) = decode(b"\xEF\xBB\xBFa,b");
        assert_eq!((t.as_ref(), e), ("a,b", TextEncoding::Utf8Bom));
        let (t, e) = decode(b"\xFF\xFEa\0,\0b\0");
        assert_eq!((t.as_ref(), e), ("a,b", TextEncoding::Utf16Le));
        let (t, e) = decode(b"\xFE\xFF\0a\0,\0b");
        assert_eq!((t.as_ref(), e), ("a,b", TextEncoding::Utf16Be));
        let (t, e) = decode(b"Microsoft\xAE 3,50 \x80");
        assert_eq!(
            (t.as_ref(), e),
            ("Microsoft® 3,50 €", TextEncoding::Windows1252)
        );
        let utf16: Vec<u8> = "Order,Qty,Date\n"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        let (t, e) = decode(&utf16);
        assert_eq!((t.as_ref(), e), ("Order,Qty,Date\n", TextEncoding::Utf16Le));
        assert!(!decode_text(&utf16).truncated);
    }

    #[test]
    fn utf16_cut_in_a_character_loses_it_and_says_so() {
        let le: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain("a,b\n\u{1F600}".encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        let be: Vec<u8> = [0xFE, 0xFF]
            .into_iter()
            .chain("a,b\n".encode_utf16().flat_map(u16::to_be_bytes))
            .collect();
        let whole = decode_text(&le);
        assert_eq!(
            (whole.text.as_ref(), whole.truncated),
            ("a,b\n\u{1F600}", false)
        );
        // odd byte count; a lone first half of a surrogate pair; both
        for (bytes, want) in [
            (&le[..le.len() - 1], "a,b\n"),
            (&le[..le.len() - 2], "a,b\n"),
            (&le[..le.len() - 3], "a,b\n"),
            (&be[..be.len() - 1], "a,b"),
        ] {
            let d = decode_text(bytes);
            assert_eq!((d.text.as_ref(), d.truncated), (want, true), "{bytes:?}");
            assert!(!d.text.contains('\u{FFFD}'));
        }
        // without a BOM too
        let bare: Vec<u8> = "Order,Qty,Date\n1,2,3\n"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        let d = decode_text(&bare[..bare.len() - 1]);
        assert_eq!(
            (d.text.as_ref(), d.encoding, d.truncated),
            ("Order,Qty,Date\n1,2,3", TextEncoding::Utf16Le, true)
        );
    }

    /// A whole 1x1 PNG, as an image editor writes it.
    const PNG: &[u8] = b"\x89\x50\x4E\x47\x0D\x0A\x1A\x0A\x00\x00\x00\x0D\x49\x48\x44\x52\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1F\x15\xC4\x89\x00\x00\x00\x0D\x49\x44\x41\x54\x78\x9C\x63\xF8\xCF\xC0\xF0\x1F\x00\x05\x00\x01\xFF\x89\x99\x3D\x1D\x00\x00\x00\x00\x49\x45\x4E\x44\xAE\x42\x60\x82";

    const ORDERS: &str = "Invoice Date,Invoice #,Course Code,Course Title,Qty,Total\r\n2026-01-05,INV-1,20533C,MOC 20533C Azure,3,900.00\r\n2026-01-06,INV-2,JP-101,\u{65E5}\u{672C}\u{8A9E}\u{30B3}\u{30FC}\u{30B9} Azure \u{57FA}\u{790E},2,400.00\r\n";

    /// Deterministic noise (a linear congruential generator).
    fn noise(seed: u64, n: usize) -> Vec<u8> {
        let mut x = seed;
        (0..n)
            .map(|_| {
                x = x
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                (x >> 56) as u8
            })
            .collect()
    }

    fn zip_of(names: &[(&str, &[u8])]) -> Vec<u8> {
        use std::io::Write;
        let mut z = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        for (name, bytes) in names {
            z.start_file(*name, zip::write::SimpleFileOptions::default())
                .unwrap();
            z.write_all(bytes).unwrap();
        }
        z.finish().unwrap().into_inner()
    }

    fn fixture(name: &str) -> Vec<u8> {
        std::fs::read(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("tests/data")
                .join(name),
        )
        .unwrap()
    }

    fn import(name: &str, bytes: &[u8]) -> Result<crate::import::ImportedFile, String> {
        let rules = crate::import::ImportRules::new(&Profile::builtin().unwrap());
        let mut set = crate::import::ImportSet::new();
        match set.add(name, bytes, &rules) {
            Ok(crate::import::Added::File(i)) => Ok(set.files[i].clone()),
            Ok(other) => Err(format!("{other:?}")),
            Err(e) => Err(e.to_string()),
        }
    }

    #[test]
    fn a_png_is_refused_up_front_with_one_line() {
        assert_eq!(not_an_export(PNG), Some(NotAnExport::Png));
        assert_eq!(
            import("logo.png", PNG).unwrap_err(),
            "logo.png: this is a PNG image, not a purchase export (CSV, TSV, TXT, XLSX, XLS or ODS)"
        );
        // renamed, it is still a PNG
        assert_eq!(
            import("orders.csv", PNG).unwrap_err(),
            "orders.csv: this is a PNG image, not a purchase export (CSV, TSV, TXT, XLSX, XLS or ODS)"
        );
    }

    #[test]
    fn archives_programs_and_noise_are_refused_by_magic_or_control_characters() {
        let mut elf = b"\x7FELF\x02\x01\x01".to_vec();
        elf.extend(vec![0u8; 120]);
        assert_eq!(not_an_export(&elf), Some(NotAnExport::Executable));
        let mut pe = b"MZ\x90\x00\x03\x00\x00\x00".to_vec();
        pe.extend(noise(1, 4096));
        assert_eq!(not_an_export(&pe), Some(NotAnExport::Executable));
        assert_eq!(not_an_export(b"%PDF-1.7\n"), Some(NotAnExport::Pdf));
        assert_eq!(
            not_an_export(b"\x1F\x8B\x08\x00"),
            Some(NotAnExport::Archive)
        );
        assert!(matches!(
            not_an_export(&noise(2, 10_000)),
            Some(NotAnExport::Binary { percent }) if percent > 5
        ));
        // zips: nothing, a readme, a Word document, an OpenDocument text
        assert_eq!(not_an_export(&zip_of(&[])), Some(NotAnExport::Zip));
        assert_eq!(
            not_an_export(&zip_of(&[("readme.txt", b"hi")])),
            Some(NotAnExport::Zip)
        );
        assert_eq!(
            not_an_export(&zip_of(&[
                ("[Content_Types].xml", b"<Types/>"),
                ("word/document.xml", b"<w/>")
            ])),
            Some(NotAnExport::Word)
        );
        assert_eq!(
            not_an_export(&zip_of(&[
                ("mimetype", b"application/vnd.oasis.opendocument.text"),
                ("content.xml", b"<x/>")
            ])),
            Some(NotAnExport::OpenDocument)
        );
        let e = import("backup.zip", &zip_of(&[("orders.csv", ORDERS.as_bytes())])).unwrap_err();
        assert_eq!(
            e,
            "backup.zip: this is a ZIP archive that holds no spreadsheet, not a purchase export (CSV, TSV, TXT, XLSX, XLS or ODS)"
        );
        // a broken zip is left to the spreadsheet reader, which says what is wrong with it
        let mut broken = b"PK\x03\x04".to_vec();
        broken.extend(noise(3, 2048));
        assert_eq!(not_an_export(&broken), None);
    }

    #[test]
    fn real_exports_pass_the_sniffing() {
        for name in [
            "orders-basic.csv",
            "rechnungen.csv",
            "orders-unicode.txt",
            "orders.xlsx",
            "orders.xls",
            "orders.ods",
            "bad-rows.csv",
        ] {
            let bytes = fixture(name);
            assert_eq!(not_an_export(&bytes), None, "{name}");
            assert!(import(name, &bytes).is_ok(), "{name}");
        }
        // a stray control character or two (an old end-of-file mark, a NUL) is still text
        let mut text = ORDERS.as_bytes().to_vec();
        text.extend(b"\x00\x1A");
        assert_eq!(not_an_export(&text), None);
    }

    #[test]
    fn utf16_exports_have_nul_bytes_and_are_text() {
        let le = |s: &str| {
            s.encode_utf16()
                .flat_map(u16::to_le_bytes)
                .collect::<Vec<u8>>()
        };
        let be = |s: &str| {
            s.encode_utf16()
                .flat_map(u16::to_be_bytes)
                .collect::<Vec<u8>>()
        };
        let tabs = ORDERS.replace(',', "\t");
        let cases = [
            (
                "bom-le.txt",
                [&b"\xFF\xFE"[..], &le(&tabs)].concat(),
                TextEncoding::Utf16Le,
            ),
            (
                "bom-be.txt",
                [&b"\xFE\xFF"[..], &be(&tabs)].concat(),
                TextEncoding::Utf16Be,
            ),
            ("bare-le.csv", le(ORDERS), TextEncoding::Utf16Le),
            ("bare-be.csv", be(ORDERS), TextEncoding::Utf16Be),
        ];
        for (name, bytes, encoding) in cases {
            assert!(bytes.contains(&0), "{name} has NUL bytes");
            assert_eq!(not_an_export(&bytes), None, "{name}");
            let file = import(name, &bytes).unwrap();
            assert_eq!(
                file.shape,
                crate::import::FileShape::Text {
                    encoding,
                    delimiter: if name.starts_with("bom") { '\t' } else { ',' }
                },
                "{name}"
            );
            assert_eq!((file.counts.read, file.counts.kept), (2, 2), "{name}");
        }
        // a product name in Japanese is no reason to stop reading UTF-16 without a BOM
        let half_japanese = le(&ORDERS.replace("MOC 20533C Azure", &"\u{65E5}\u{672C}".repeat(60)));
        assert_eq!(decode_text(&half_japanese).encoding, TextEncoding::Utf16Le);
        assert_eq!(import("jp.csv", &half_japanese).unwrap().counts.kept, 2);
    }

    #[test]
    fn header_names_compare_loosely_but_whole() {
        let n = names();
        assert_eq!(n.field("Invoice #"), Some(Field::InvoiceNumber));
        assert_eq!(n.field("ORDER_DATE"), Some(Field::OrderDate));
        assert_eq!(n.field(" qty. "), Some(Field::Quantity));
        assert_eq!(n.field("Part-No"), Some(Field::PartNumber));
        assert_eq!(n.field("Product Names"), None);
        assert_eq!(n.field("Quantity Ordered"), None);
    }

    #[test]
    fn line_numbers_skip_blank_lines_and_handle_crlf() {
        for (text, want) in [
            ("a\nb\n\nc\n\"x\ny\"\nz\n", vec![1, 2, 4, 5, 7]),
            (
                "a\r\nb\r\n\r\nc\r\n\"x\r\ny\"\r\nz\r\n",
                vec![1, 2, 4, 5, 7],
            ),
            ("a\rb\r\rc", vec![1, 2, 4]),
        ] {
            let mut reader = csv_reader(text.as_bytes(), b',');
            let mut lines = LineCounter::new(text.as_bytes());
            let mut record = csv::ByteRecord::new();
            let mut got = vec![];
            while reader.read_byte_record(&mut record).unwrap() {
                got.push(lines.line_of(&record));
            }
            assert_eq!(got, want, "{text:?}");
        }
    }

    #[test]
    fn header_after_preamble_with_semicolons() {
        let text = "Rechnungsexport\nStand: 01.10.2026\n\nInvoice #;Invoice Date;Course Code;Student Kits\nINV-1;01.10.2025;20533C;3\n";
        let h = find_header(text, &names(), &Remembered::new()).unwrap();
        assert_eq!(h.delimiter, b';');
        assert_eq!(h.line, 4);
        assert_eq!(h.cells[0], "Invoice #");
    }

    #[test]
    fn no_header_reports_the_columns_found() {
        let cols = find_header("foo,bar,baz\n1,2,3\n", &names(), &Remembered::new()).unwrap_err();
        assert_eq!(cols, vec!["foo", "bar", "baz"]);
    }

    #[test]
    fn mapping_prefers_invoice_number_and_invoice_date() {
        let n = names();
        let header: Vec<String> = [
            "Order Date",
            "Order Number",
            "Invoice Date",
            "Invoice No",
            "Qty",
            "SKU",
            "Date",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let m = ColumnMap::from_header(&n, &header);
        assert_eq!(m.date(), Some(2));
        assert_eq!(m.order_id(), Some(3));
        assert_eq!(m.get(Field::OrderDate), Some(0), "leftmost wins");
        assert!(m.missing_required().is_none());
        assert_eq!(
            ColumnMap::ignored_columns(&n, &header),
            vec![
                "the column 'Date' (column 7) is ignored: 'Order Date' (column 1) already gives the order date"
            ]
        );
        let header: Vec<String> = [
            "Date",
            "Qty",
            "Product",
            "Quantity",
            "Invoice #",
            "Invoice No",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        assert_eq!(
            ColumnMap::ignored_columns(&n, &header),
            vec![
                "the column 'Quantity' (column 4) is ignored: 'Qty' (column 2) already gives the quantity",
                "the column 'Invoice No' (column 6) is ignored: 'Invoice #' (column 5) already gives the invoice number",
            ]
        );
        let m = ColumnMap::from_header(&n, &["Order".into(), "Date".into(), "Price".into()]);
        assert_eq!(m.missing_required(), Some("quantity"));
    }
}
