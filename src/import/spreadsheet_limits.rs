//! Limits checked before a spreadsheet reaches calamine, which sizes its allocations from
//! what a file declares: a 5 KB workbook with cells at A1 and XFD1048576 asks for 549 GB, a
//! `uniqueCount` of two billion for 48 GB, an ODS row repeated a billion times for a million
//! copies. So the container is opened here first: every XML part is inflated with a cap
//! (counting the bytes really inflated, never the declared sizes) and read as a stream of
//! tags, without building a tree, to learn what calamine would build: the used range of
//! every sheet, the shared strings, the repeated rows and cells of ODS tables, the text the
//! cells hold. A file over a limit is refused with one line naming it ([`Limit`]).
//!
//! Old binary `.xls` workbooks (a CFB container) get a cap on their size, and their records
//! are read the same way (the `xls` submodule).

mod money_formats;
mod xls;

pub use money_formats::{CellCurrencies, SheetView, format_currency};

use std::io::{Cursor, Read};

/// The most bytes one part of a workbook may inflate to.
pub const MAX_PART_BYTES: u64 = 256 * 1024 * 1024;
/// The most bytes all the XML parts of a workbook may inflate to together.
pub const MAX_TOTAL_BYTES: u64 = 1024 * 1024 * 1024;
/// The most parts a workbook may hold.
pub const MAX_PARTS: usize = 10_000;
/// The most cells of a sheet's used range (rows x columns), and of all the ranges of a
/// workbook read at once (ODS).
pub const MAX_CELLS: u64 = 10_000_000;
/// The most shared strings a workbook may declare or hold.
pub const MAX_SHARED_STRINGS: u64 = 10_000_000;
/// The most text one cell or shared string may hold.
pub const MAX_CELL_TEXT: u64 = 1024 * 1024;
/// The longest tag, and the longest run of text outside cells, in any part.
pub const MAX_MARKUP: u64 = 1024 * 1024;
/// The most memory reading a sheet may take, as estimated from what it holds.
pub const MAX_MEMORY: u64 = 400 * 1024 * 1024;
/// The most separate runs of cells shown in a currency (and cell formats showing one) a
/// workbook may have (each a few bytes, kept from the scan to the import).
pub const MAX_CURRENCY_RUNS: usize = 2_000_000;
/// The most different currencies a workbook's cells may show (each one needs a rate).
pub const MAX_CURRENCIES: usize = 1_000;
/// The largest `.xls` workbook read.
pub const MAX_XLS_BYTES: u64 = 64 * 1024 * 1024;

/// Excel's largest sheet: no cell lies beyond it.
const GRID_ROWS: u64 = 1_048_576;
const GRID_COLUMNS: u64 = 16_384;

/// What calamine allocates, per item (bytes, 64-bit): a cell value, a cell with its
/// position, a string's header, and what a small heap allocation really costs.
const VALUE_BYTES: u64 = 32;
const POSITIONED_BYTES: u64 = 40;
const STRING_BYTES: u64 = 24;
const ALLOCATION_BYTES: u64 = 16;
/// What the importer and the report keep per data row (measured: a 1,000,000-row export
/// peaks at about 650 MB), and the row's slice in the sheet's row list.
const ROW_BYTES: u64 = 600;
const ROW_SLICE_BYTES: u64 = 16;

fn mib(bytes: u64) -> u64 {
    bytes / (1024 * 1024)
}

/// Thousands separators for the messages: 10,000,000.
fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A limit a workbook goes over: the file is not read (import.md, "Files").
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Limit {
    /// A sheet's used range has too many cells.
    #[error("the sheet '{sheet}' spans {rows} rows x {columns} columns, over lpkpi's limit of {limit} cells", limit = grouped(MAX_CELLS))]
    SheetCells {
        /// The sheet's name (or its part, when the workbook does not name it).
        sheet: String,
        /// Rows of the used range.
        rows: u64,
        /// Columns of the used range.
        columns: u64,
    },
    /// The sheets of a workbook read at once hold too many cells together.
    #[error("its sheets span {cells} cells together, over lpkpi's limit of {limit} cells", cells = grouped(*.cells), limit = grouped(MAX_CELLS))]
    BookCells {
        /// The cells of all used ranges.
        cells: u64,
    },
    /// A cell lies beyond the largest sheet there is.
    #[error(
        "the sheet '{sheet}' has a cell at row {row}, column {column}, beyond the largest sheet ({GRID_ROWS} rows x {GRID_COLUMNS} columns)"
    )]
    OffGrid {
        /// The sheet's name.
        sheet: String,
        /// 1-based row.
        row: u64,
        /// 1-based column.
        column: u64,
    },
    /// A sheet declares a range that ends before it starts (calamine would overflow).
    #[error("the sheet '{sheet}' declares a range that ends before it starts")]
    Range {
        /// The sheet's name.
        sheet: String,
    },
    /// A sheet has more row elements than a sheet has rows.
    #[error("the sheet '{sheet}' has more than {GRID_ROWS} rows")]
    TooManyRows {
        /// The sheet's name.
        sheet: String,
    },
    /// One part inflates to too many bytes.
    #[error("its part '{part}' inflates to more than {limit} MiB, over lpkpi's limit", limit = mib(MAX_PART_BYTES))]
    Part {
        /// The part's name in the container.
        part: String,
    },
    /// All the parts together inflate to too many bytes.
    #[error("its parts inflate to more than {limit} MiB together, over lpkpi's limit", limit = mib(MAX_TOTAL_BYTES))]
    Total,
    /// The container has too many parts.
    #[error("it holds {count} parts, over lpkpi's limit of {MAX_PARTS}", count = grouped(*.count as u64))]
    Parts {
        /// How many.
        count: usize,
    },
    /// The shared strings declare or hold too many strings.
    #[error("its shared strings number {count}, over lpkpi's limit of {limit}", count = grouped(*.count), limit = grouped(MAX_SHARED_STRINGS))]
    SharedStrings {
        /// The count declared or found.
        count: u64,
    },
    /// One cell or shared string holds too much text.
    #[error("a cell in its part '{part}' holds more than {limit} MiB of text, over lpkpi's limit", limit = mib(MAX_CELL_TEXT))]
    CellText {
        /// The part's name in the container.
        part: String,
    },
    /// One tag, or one run of text outside the cells, is too long.
    #[error("its part '{part}' has a tag or text of more than {limit} MiB, over lpkpi's limit", limit = mib(MAX_MARKUP))]
    Markup {
        /// The part's name in the container.
        part: String,
    },
    /// Reading a sheet would take too much memory.
    #[error("the sheet '{sheet}' needs at least {need} MiB of memory to read ({cells} cells in {rows} rows, {text} MiB of text), over lpkpi's limit of {limit} MiB", need = mib(*.bytes), cells = grouped(*.cells), rows = grouped(*.rows), text = mib(*.text), limit = mib(MAX_MEMORY))]
    Memory {
        /// The sheet's name.
        sheet: String,
        /// Estimated bytes.
        bytes: u64,
        /// Cells it holds (as calamine stores them).
        cells: u64,
        /// Rows with something in them.
        rows: u64,
        /// Bytes of text in them.
        text: u64,
    },
    /// Too many separate runs of cells shown in a currency.
    #[error("its cells shown in a currency make more than {limit} separate groups, over lpkpi's limit", limit = grouped(MAX_CURRENCY_RUNS as u64))]
    CurrencyRuns,
    /// Too many different currencies shown.
    #[error("its cells show more than {limit} different currencies, over lpkpi's limit", limit = grouped(MAX_CURRENCIES as u64))]
    Currencies,
    /// An `.xls` workbook is too large.
    #[error("it is {size} MiB, over lpkpi's limit of {limit} MiB for .xls workbooks", size = mib(*.bytes), limit = mib(MAX_XLS_BYTES))]
    XlsSize {
        /// Its size.
        bytes: u64,
    },
}

/// Why a workbook was not let through: a limit, or a container that cannot be read.
#[derive(Debug, thiserror::Error)]
pub enum Refusal {
    /// Over a limit.
    #[error(transparent)]
    Limit(#[from] Limit),
    /// The zip container is broken.
    #[error("{0}")]
    Zip(#[from] zip::result::ZipError),
    /// A part could not be inflated.
    #[error("{0}")]
    Io(#[from] std::io::Error),
    /// An `.xls` container or its records cannot be read.
    #[error("{what} cannot be read as an .xls workbook")]
    Xls {
        /// What part of it.
        what: String,
    },
    /// A part ends inside a table (calamine would wait for its end forever).
    #[error("its part '{part}' ends inside a table or a cell")]
    Unclosed {
        /// The part's name in the container.
        part: String,
    },
}

/// Check a workbook's bytes (XLSX, ODS, XLS) against the limits before calamine reads it,
/// and learn which of its cells show their number in a currency (XLSX and ODS; an `.xls`
/// workbook's formats are not read).
pub fn check(bytes: &[u8]) -> Result<CellCurrencies, Refusal> {
    if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        let size = bytes.len() as u64;
        if size > MAX_XLS_BYTES {
            return Err(Limit::XlsSize { bytes: size }.into());
        }
        return xls::check(bytes).map(|()| CellCurrencies::default());
    }
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes))?;
    if zip.len() > MAX_PARTS {
        return Err(Limit::Parts { count: zip.len() }.into());
    }
    let names: Vec<String> = zip
        .file_names()
        .map(|n| n.map(|n| n.into_owned()))
        .collect::<Result<_, _>>()?;
    let xml_parts = |names: &[String]| -> Vec<String> {
        let mut parts: Vec<String> = names
            .iter()
            .filter(|n| {
                let lower = n.to_ascii_lowercase();
                lower.ends_with(".xml") || lower.ends_with(".rels")
            })
            .cloned()
            .collect();
        // Names first (workbook, relationships), then shared strings and the cell formats
        // (the sheets' cells refer to them), then the rest.
        parts.sort_by_key(|n| {
            let lower = n.to_ascii_lowercase();
            if lower.ends_with("workbook.xml") || lower.ends_with("workbook.xml.rels") {
                0
            } else if lower.ends_with("sharedstrings.xml") || lower.ends_with("styles.xml") {
                1
            } else {
                2
            }
        });
        parts
    };
    let mut book = Book::default();
    let mut total = 0u64;
    for part in xml_parts(&names) {
        let file = zip.by_name(&part)?;
        let reader = Capped {
            inner: file,
            part: &part,
            read: 0,
            total: &mut total,
        };
        scan_part(reader, &part, &mut book)?;
    }
    book.finish()
}

/// A part's reader that counts the bytes really inflated and stops at the caps.
struct Capped<'a, R> {
    inner: R,
    part: &'a str,
    read: u64,
    total: &'a mut u64,
}

impl<R: Read> Capped<'_, R> {
    fn fill(&mut self, buf: &mut [u8]) -> Result<usize, Refusal> {
        let n = self.inner.read(buf)?;
        self.read += n as u64;
        *self.total += n as u64;
        if self.read > MAX_PART_BYTES {
            return Err(Limit::Part {
                part: self.part.to_string(),
            }
            .into());
        }
        if *self.total > MAX_TOTAL_BYTES {
            return Err(Limit::Total.into());
        }
        Ok(n)
    }
}

/// What the parts read so far say about the workbook.
#[derive(Debug, Default)]
struct Book {
    /// Sheet names by relationship id (workbook.xml).
    sheet_ids: Vec<(String, String)>,
    /// Relationship targets by id (workbook.xml.rels).
    targets: Vec<(String, String)>,
    /// Length in bytes of each shared string, in order.
    shared: Vec<u32>,
    /// Bytes of all shared strings, as calamine keeps them.
    shared_bytes: u64,
    /// ODS: cells of all tables' ranges, and the memory they keep.
    ods_cells: u64,
    ods_bytes: u64,
    /// XLSX: the cell formats (a cell's `s`) read, and the currency of those showing one.
    cell_formats: u64,
    styles: std::collections::HashMap<u64, crate::money::Currency>,
    /// The cells that show their number in a currency.
    currencies: CellCurrencies,
}

impl Book {
    /// The name of the sheet stored in `part`, else the part's name.
    fn sheet_name(&self, part: &str) -> String {
        let id = self.targets.iter().find(|(_, target)| {
            let target = target.trim_start_matches('/');
            part == target || part.ends_with(&format!("/{target}"))
        });
        id.and_then(|(id, _)| self.sheet_ids.iter().find(|(_, rid)| rid == id))
            .map_or_else(|| part.to_string(), |(name, _)| name.clone())
    }

    /// The scan a part needs by its name, as calamine finds parts: by name, never by their
    /// root element. `content.xml` is an ODS's cells, the target of a sheet's relationship a
    /// worksheet, and shared strings, formats, the workbook and relationships go by their file
    /// names (calamine's own lookup of those ignores case). A part that names its root
    /// otherwise is read all the same, so it is checked all the same (a sheet rooted
    /// `<wrksheet>` spanning XFD1000000 aborted the process; an ODS `content.xml` so rooted
    /// with its table unclosed held calamine in a loop). None for the other parts, scanned as
    /// their root element says.
    fn part_kind(&self, part: &str) -> Option<Part> {
        let file = part.rsplit('/').next().unwrap_or(part);
        let is = |name: &str| file.eq_ignore_ascii_case(name);
        // a target of the relationship a sheet of the workbook names (not a theme's, say)
        let target = self.targets.iter().any(|(id, target)| {
            let target = target.trim_start_matches('/');
            (part == target || part.ends_with(&format!("/{target}")))
                && self.sheet_ids.iter().any(|(_, rid)| rid == id)
        });
        Some(if part == "content.xml" {
            Part::Ods(OdsScan::new(part.to_string()))
        } else if is("workbook.xml") {
            Part::Workbook
        } else if file.to_ascii_lowercase().ends_with(".rels") {
            Part::Relationships
        } else if is("sharedStrings.xml") {
            Part::Shared(SharedScan::new(part.to_string()))
        } else if is("styles.xml") {
            Part::Styles(money_formats::StylesScan::new())
        } else if target {
            Part::Sheet(SheetScan::new(self.sheet_name(part), part.to_string()))
        } else {
            return None;
        })
    }

    fn finish(mut self) -> Result<CellCurrencies, Refusal> {
        if self.ods_cells > MAX_CELLS {
            return Err(Limit::BookCells {
                cells: self.ods_cells,
            }
            .into());
        }
        self.currencies.finish();
        Ok(self.currencies)
    }
}

/// The local part of a qualified name (`x:row` is `row`).
fn local(name: &[u8]) -> &[u8] {
    name.iter()
        .rposition(|&b| b == b':')
        .map_or(name, |i| &name[i + 1..])
}

/// The value of attribute `key` in a tag's attribute text, raw (entities not expanded).
fn attr<'a>(attrs: &'a [u8], key: &[u8]) -> Option<&'a [u8]> {
    attributes(attrs)
        .find(|(name, _)| *name == key)
        .map(|(_, v)| v)
}

/// The value of the last attribute whose local name is `key`, with or without a prefix
/// (`r:id`, `relationships:id`, `id`: workbooks differ, and calamine takes the last of any).
fn attr_prefixed<'a>(attrs: &'a [u8], key: &[u8]) -> Option<&'a [u8]> {
    attributes(attrs)
        .filter(|(name, _)| local(name) == key)
        .last()
        .map(|(_, v)| v)
}

/// The first attribute of `attrs` (name, raw value) and what follows it.
fn next_attr(attrs: &[u8]) -> Option<(&[u8], &[u8], &[u8])> {
    let start = attrs.iter().position(|b| !b.is_ascii_whitespace())?;
    let rest = &attrs[start..];
    let eq = rest.iter().position(|&b| b == b'=')?;
    let name = rest[..eq].trim_ascii();
    let after = rest[eq + 1..].trim_ascii_start();
    let quote = *after.first()?;
    if quote != b'"' && quote != b'\'' {
        return None;
    }
    let end = after[1..].iter().position(|&b| b == quote)?;
    Some((name, &after[1..1 + end], &after[end + 2..]))
}

/// The attributes of a tag's attribute text, in order (name, raw value), until one that
/// cannot be read.
fn attributes(attrs: &[u8]) -> impl Iterator<Item = (&[u8], &[u8])> {
    let mut rest = attrs;
    std::iter::from_fn(move || {
        let (name, value, after) = next_attr(rest)?;
        rest = after;
        Some((name, value))
    })
}

fn number(raw: &[u8]) -> Option<u64> {
    let raw = raw.trim_ascii();
    if raw.is_empty() || raw.len() > 19 || !raw.iter().all(u8::is_ascii_digit) {
        return None;
    }
    std::str::from_utf8(raw).ok()?.parse().ok()
}

/// Attribute text with the XML entities expanded, character references included (`&#8364;`
/// is `€`), as calamine reads names: a sheet's name must be the one calamine gives it.
fn unescape(raw: &[u8]) -> String {
    let text = String::from_utf8_lossy(raw);
    let mut out = String::with_capacity(text.len());
    let mut rest = text.as_ref();
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        // a reference may carry leading zeros (`&#x00020AC;`); what runs on longer is text
        let expanded = rest
            .get(..rest.len().min(40))
            .and_then(|head| head.find(';'))
            .and_then(|end| {
                let entity = &rest[1..end];
                let c = match entity {
                    "lt" => Some('<'),
                    "gt" => Some('>'),
                    "quot" => Some('"'),
                    "apos" => Some('\''),
                    "amp" => Some('&'),
                    // as XML reads them: `x` in lower case, digits only, never 0 or a surrogate
                    _ => entity
                        .strip_prefix("#x")
                        .filter(|hex| !hex.is_empty() && hex.bytes().all(|b| b.is_ascii_hexdigit()))
                        .map(|hex| u32::from_str_radix(hex, 16))
                        .or_else(|| {
                            entity
                                .strip_prefix('#')
                                .filter(|d| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit()))
                                .map(str::parse::<u32>)
                        })
                        .and_then(Result::ok)
                        .filter(|&n| n != 0)
                        .and_then(char::from_u32),
                };
                c.map(|c| (c, end))
            });
        match expanded {
            Some((c, end)) => {
                out.push(c);
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// A cell reference (`XFD1048576`) as calamine reads it: 0-based (row, column), in u64 so
/// that no reference overflows. None when it is no reference.
fn cell_ref(raw: &[u8]) -> Option<(u64, Option<u64>)> {
    let mut col: u64 = 0;
    let mut row: u64 = 0;
    let mut digits = false;
    for &c in raw {
        match c {
            b'A'..=b'Z' | b'a'..=b'z' if !digits => {
                col = col
                    .saturating_mul(26)
                    .saturating_add(u64::from(c.to_ascii_uppercase() - b'A') + 1);
            }
            b'0'..=b'9' => {
                digits = true;
                row = row.saturating_mul(10).saturating_add(u64::from(c - b'0'));
            }
            _ => return None,
        }
    }
    Some((row.checked_sub(1)?, col.checked_sub(1)))
}

/// What a part's tags are reported to.
trait Sink {
    /// A start tag (`empty`: it closes itself; its end is reported next).
    fn start(&mut self, name: &[u8], attrs: &[u8], book: &mut Book) -> Result<(), Limit>;
    /// An end tag.
    fn end(&mut self, name: &[u8], book: &mut Book) -> Result<(), Limit>;
    /// Text (maybe in pieces), CDATA included.
    fn text(&mut self, text: &[u8]) -> Result<(), Limit>;
}

/// What kind of part this is, decided by its root element.
enum Part {
    Unknown,
    Other,
    Workbook,
    Relationships,
    Sheet(SheetScan),
    Shared(SharedScan),
    Ods(OdsScan),
    Styles(money_formats::StylesScan),
}

/// Streams a part's XML to the scan its root element asks for.
struct PartScan<'a> {
    part: &'a str,
    kind: Part,
}

impl Sink for PartScan<'_> {
    fn start(&mut self, name: &[u8], attrs: &[u8], book: &mut Book) -> Result<(), Limit> {
        if let Part::Unknown = self.kind {
            self.kind = match local(name) {
                b"workbook" => Part::Workbook,
                b"Relationships" => Part::Relationships,
                b"worksheet" | b"dialogsheet" | b"macrosheet" => Part::Sheet(SheetScan::new(
                    book.sheet_name(self.part),
                    self.part.to_string(),
                )),
                b"sst" => Part::Shared(SharedScan::new(self.part.to_string())),
                b"document-content" | b"document" => Part::Ods(OdsScan::new(self.part.to_string())),
                b"styleSheet" => Part::Styles(money_formats::StylesScan::new()),
                _ => Part::Other,
            };
        }
        match &mut self.kind {
            Part::Workbook if local(name) == b"sheet" => {
                let sheet = attr(attrs, b"name").map(unescape).unwrap_or_default();
                let id = attr_prefixed(attrs, b"id")
                    .map(unescape)
                    .unwrap_or_default();
                book.sheet_ids.push((sheet, id));
                Ok(())
            }
            Part::Relationships
                if local(name) == b"Relationship"
                    && self
                        .part
                        .to_ascii_lowercase()
                        .ends_with("workbook.xml.rels") =>
            {
                let id = attr(attrs, b"Id").map(unescape).unwrap_or_default();
                let target = attr(attrs, b"Target").map(unescape).unwrap_or_default();
                book.targets.push((id, target));
                Ok(())
            }
            Part::Sheet(s) => s.start(name, attrs, book),
            Part::Shared(s) => s.start(name, attrs, book),
            Part::Ods(s) => s.start(name, attrs, book),
            Part::Styles(s) => s.start(name, attrs, book),
            _ => Ok(()),
        }
    }

    fn end(&mut self, name: &[u8], book: &mut Book) -> Result<(), Limit> {
        match &mut self.kind {
            Part::Sheet(s) => s.end(name, book),
            Part::Shared(s) => s.end(name, book),
            Part::Ods(s) => s.end(name, book),
            Part::Styles(s) => s.end(name, book),
            _ => Ok(()),
        }
    }

    fn text(&mut self, text: &[u8]) -> Result<(), Limit> {
        match &mut self.kind {
            Part::Sheet(s) => s.text(text),
            Part::Shared(s) => s.text(text),
            Part::Ods(s) => s.text(text),
            _ => Ok(()),
        }
    }
}

/// An XLSX worksheet: its used range and the text its cells will hold (calamine's
/// `XlsxCellReader` and `Range::from_sparse`).
struct SheetScan {
    sheet: String,
    part: String,
    row: u64,
    col: u64,
    /// Inside a `<c>`: its position, type, and whether it has a value.
    cell: Option<CellScan>,
    filled: u64,
    /// Rows with a value, and the last such row seen.
    filled_rows: u64,
    last_row: Option<u64>,
    bounds: Option<(u64, u64, u64, u64)>,
    text: u64,
}

struct CellScan {
    pos: (u64, u64),
    /// For a number (no type, or `n`): the currency its format shows, if any.
    currency: Option<Option<crate::money::Currency>>,
    shared: bool,
    inline_text: bool,
    value: bool,
    in_v: bool,
    index: Vec<u8>,
    text: u64,
}

impl SheetScan {
    fn new(sheet: String, part: String) -> SheetScan {
        SheetScan {
            sheet,
            part,
            row: 0,
            col: 0,
            cell: None,
            filled: 0,
            filled_rows: 0,
            last_row: None,
            bounds: None,
            text: 0,
        }
    }

    fn off_grid(&self, row: u64, col: u64) -> Result<(), Limit> {
        if row >= GRID_ROWS || col >= GRID_COLUMNS {
            return Err(Limit::OffGrid {
                sheet: self.sheet.clone(),
                row: row.saturating_add(1),
                column: col.saturating_add(1),
            });
        }
        Ok(())
    }

    fn check(&self, book: &Book) -> Result<(), Limit> {
        let Some((r0, r1, c0, c1)) = self.bounds else {
            return Ok(());
        };
        let (rows, columns) = (r1 - r0 + 1, c1 - c0 + 1);
        let area = rows.saturating_mul(columns);
        if area > MAX_CELLS {
            return Err(Limit::SheetCells {
                sheet: self.sheet.clone(),
                rows,
                columns,
            });
        }
        // The cells read (twice over while their vector grows), the range, the text, the
        // rows as the importer keeps them.
        let bytes = self
            .filled
            .saturating_mul(2 * POSITIONED_BYTES)
            .saturating_add(area.saturating_mul(VALUE_BYTES))
            .saturating_add(self.text)
            .saturating_add(book.shared_bytes)
            .saturating_add(rows.saturating_mul(ROW_SLICE_BYTES))
            .saturating_add(self.filled_rows.saturating_mul(ROW_BYTES));
        if bytes > MAX_MEMORY {
            return Err(Limit::Memory {
                sheet: self.sheet.clone(),
                bytes,
                cells: self.filled,
                rows: self.filled_rows,
                text: self.text,
            });
        }
        Ok(())
    }
}

impl Sink for SheetScan {
    fn start(&mut self, name: &[u8], attrs: &[u8], book: &mut Book) -> Result<(), Limit> {
        if let Some(cell) = &mut self.cell {
            match local(name) {
                b"v" => {
                    cell.value = true;
                    cell.in_v = true;
                }
                b"is" => {
                    cell.value = true;
                    cell.inline_text = true;
                }
                _ => {}
            }
            return Ok(());
        }
        match local(name) {
            b"dimension" => {
                // calamine reserves the declared range only below 100,000 cells, but reads
                // it as u32 (a reference past the grid, or an end before the start, would
                // overflow): it must be a range of the grid.
                if let Some(range) = attr(attrs, b"ref") {
                    let mut parts = range.split(|&b| b == b':');
                    let start = parts.next().and_then(cell_ref);
                    let end = parts.next().map_or(start, cell_ref);
                    if let (Some((r0, Some(c0))), Some((r1, Some(c1)))) = (start, end) {
                        self.off_grid(r0.max(r1), c0.max(c1))?;
                        if r1 < r0 || c1 < c0 {
                            return Err(Limit::Range {
                                sheet: self.sheet.clone(),
                            });
                        }
                    }
                }
            }
            b"row" => {
                if let Some((row, _)) = attr(attrs, b"r").and_then(cell_ref) {
                    self.off_grid(row, 0)?;
                    self.row = row;
                }
            }
            b"c" => {
                let pos = match attr(attrs, b"r").and_then(cell_ref) {
                    Some((row, Some(col))) => {
                        self.col = col;
                        (row, col)
                    }
                    _ => (self.row, self.col),
                };
                self.off_grid(pos.0, pos.1)?;
                let kind = attr(attrs, b"t");
                // a number's currency; Some(None) for a number that shows none
                let currency = match kind {
                    None | Some(b"n") => Some(
                        attr(attrs, b"s")
                            .and_then(number)
                            .and_then(|s| book.styles.get(&s).copied()),
                    ),
                    Some(_) => None,
                };
                self.cell = Some(CellScan {
                    pos,
                    currency,
                    shared: kind == Some(b"s"),
                    inline_text: matches!(kind, Some(b"inlineStr" | b"str" | b"d" | b"is")),
                    value: false,
                    in_v: false,
                    index: Vec::new(),
                    text: 0,
                });
            }
            _ => {}
        }
        Ok(())
    }

    fn end(&mut self, name: &[u8], book: &mut Book) -> Result<(), Limit> {
        match local(name) {
            b"v" => {
                if let Some(cell) = &mut self.cell {
                    cell.in_v = false;
                }
            }
            b"c" => {
                if let Some(cell) = self.cell.take() {
                    self.col = self.col.saturating_add(1);
                    if cell.value {
                        self.filled += 1;
                        let (r, c) = cell.pos;
                        if self.last_row != Some(r) {
                            self.filled_rows += 1;
                            self.last_row = Some(r);
                        }
                        self.bounds = Some(match self.bounds {
                            None => (r, r, c, c),
                            Some((r0, r1, c0, c1)) => (r0.min(r), r1.max(r), c0.min(c), c1.max(c)),
                        });
                        // A shared string is copied into every cell that shows it.
                        let text = if cell.shared {
                            number(&cell.index)
                                .and_then(|i| book.shared.get(usize::try_from(i).ok()?))
                                .map_or(0, |&len| u64::from(len) + ALLOCATION_BYTES)
                        } else if cell.inline_text {
                            cell.text + ALLOCATION_BYTES
                        } else {
                            0
                        };
                        self.text = self.text.saturating_add(text);
                        if let Some(currency) = cell.currency {
                            book.currencies
                                .add(&self.sheet, (r, r + 1), (c, c + 1), currency)?;
                        }
                        if self.filled.is_multiple_of(65_536) {
                            self.check(book)?;
                        }
                    }
                }
            }
            b"row" if self.cell.is_none() => {
                self.row = self.row.saturating_add(1);
                self.col = 0;
            }
            b"sheetData" | b"worksheet" | b"dialogsheet" | b"macrosheet" => self.check(book)?,
            _ => {}
        }
        Ok(())
    }

    fn text(&mut self, text: &[u8]) -> Result<(), Limit> {
        if let Some(cell) = &mut self.cell {
            cell.text += text.len() as u64;
            if cell.text > MAX_CELL_TEXT {
                return Err(Limit::CellText {
                    part: self.part.clone(),
                });
            }
            if cell.in_v && cell.shared && cell.index.len() < 24 {
                cell.index.extend_from_slice(&text[..text.len().min(24)]);
            }
        }
        Ok(())
    }
}

/// An XLSX shared string table: how many strings, and how long each is.
struct SharedScan {
    part: String,
    item: Option<u64>,
}

impl SharedScan {
    fn new(part: String) -> SharedScan {
        SharedScan { part, item: None }
    }
}

impl Sink for SharedScan {
    fn start(&mut self, name: &[u8], attrs: &[u8], book: &mut Book) -> Result<(), Limit> {
        match local(name) {
            b"sst" => {
                for key in [b"uniqueCount".as_slice(), b"count"] {
                    if let Some(count) = attr(attrs, key).and_then(number)
                        && count > MAX_SHARED_STRINGS
                    {
                        return Err(Limit::SharedStrings { count });
                    }
                    // a count past u64 is no count calamine reads
                }
            }
            b"si" if self.item.is_none() => {
                if book.shared.len() as u64 >= MAX_SHARED_STRINGS {
                    return Err(Limit::SharedStrings {
                        count: book.shared.len() as u64 + 1,
                    });
                }
                self.item = Some(0);
            }
            _ => {}
        }
        Ok(())
    }

    fn end(&mut self, name: &[u8], book: &mut Book) -> Result<(), Limit> {
        if local(name) == b"si"
            && let Some(len) = self.item.take()
        {
            book.shared.push(u32::try_from(len).unwrap_or(u32::MAX));
            book.shared_bytes = book
                .shared_bytes
                .saturating_add(len + STRING_BYTES + ALLOCATION_BYTES);
        }
        Ok(())
    }

    fn text(&mut self, text: &[u8]) -> Result<(), Limit> {
        if let Some(len) = &mut self.item {
            *len += text.len() as u64;
            if *len > MAX_CELL_TEXT {
                return Err(Limit::CellText {
                    part: self.part.clone(),
                });
            }
        }
        Ok(())
    }
}

/// An ODS `content.xml`: the cells calamine's `read_table` / `get_range` will build, with
/// its caps (1,048,576 rows, 16,384 columns), repeats of rows and cells, and the text the
/// repeated cells copy.
struct OdsScan {
    part: String,
    table: Option<OdsTable>,
}

#[derive(Default)]
struct OdsTable {
    name: String,
    /// Rows so far, repeats counted and capped as calamine caps them.
    rows: u64,
    /// Row elements so far.
    elements: u64,
    /// Cells stored before the range is built (each row element once), and the widest row.
    raw: u64,
    widest: u64,
    raw_text: u64,
    /// First and last non-empty rows (as `rows` before and after them), columns.
    first_row: Option<u64>,
    end_row: u64,
    col_min: u64,
    col_max: u64,
    /// Text of the non-empty rows, times their repeats, and how many rows that is.
    expanded_text: u64,
    filled_rows: u64,
    /// Text of the empty-row stretches is none; the range's text is `expanded_text`.
    row: Option<OdsRow>,
    any_formula: bool,
}

#[derive(Default)]
struct OdsRow {
    repeats: u64,
    /// Cells stored so far, and the empty ones waiting for a non-empty cell.
    pos: u64,
    pending: u64,
    first: Option<u64>,
    last: u64,
    text: u64,
    cell: Option<OdsCell>,
}

struct OdsCell {
    repeats: u64,
    filled: bool,
    /// The currency of a cell of `office:value-type="currency"`.
    currency: Option<crate::money::Currency>,
    string: bool,
    text: u64,
    /// Inside an `office:annotation`: calamine skips to its end, whatever comes first.
    annotation: bool,
}

const ODS_MAX_ROWS: u64 = 1_048_576;
const ODS_MAX_COLUMNS: u64 = 16_384;

impl OdsScan {
    fn new(part: String) -> OdsScan {
        OdsScan { part, table: None }
    }

    fn finish_table(&mut self, t: OdsTable, book: &mut Book) -> Result<(), Limit> {
        let Some(first) = t.first_row else {
            return Ok(());
        };
        let rows = t.end_row - first;
        let columns = t.col_max + 1 - t.col_min;
        let cells = rows.saturating_mul(columns);
        if cells > MAX_CELLS {
            return Err(Limit::SheetCells {
                sheet: t.name,
                rows,
                columns,
            });
        }
        // The range (its vector may double while it fills), the formulas' range, the text.
        let formulas = if t.any_formula { cells } else { 0 };
        let kept = cells
            .saturating_mul(2 * VALUE_BYTES)
            .saturating_add(formulas.saturating_mul(STRING_BYTES))
            .saturating_add(t.expanded_text);
        // The rows as the importer keeps them (one sheet's: it reads the first with a header).
        let importing = rows
            .saturating_mul(ROW_SLICE_BYTES)
            .saturating_add(t.filled_rows.saturating_mul(ROW_BYTES));
        // While it is built: the cells and formulas stored first (vectors doubling).
        let building = t
            .raw
            .saturating_mul(2 * (VALUE_BYTES + STRING_BYTES))
            .saturating_add(t.raw_text);
        book.ods_cells = book.ods_cells.saturating_add(cells);
        book.ods_bytes = book.ods_bytes.saturating_add(kept);
        let bytes = book
            .ods_bytes
            .saturating_add(building)
            .saturating_add(importing);
        if bytes > MAX_MEMORY {
            return Err(Limit::Memory {
                sheet: t.name,
                bytes,
                cells,
                rows: t.filled_rows,
                text: t.expanded_text.saturating_add(t.raw_text),
            });
        }
        if book.ods_cells > MAX_CELLS {
            return Err(Limit::BookCells {
                cells: book.ods_cells,
            });
        }
        Ok(())
    }
}

impl Sink for OdsScan {
    fn start(&mut self, name: &[u8], attrs: &[u8], _book: &mut Book) -> Result<(), Limit> {
        let Some(t) = &mut self.table else {
            if name == b"table:table"
                && let Some(n) = attr(attrs, b"table:name")
            {
                self.table = Some(OdsTable {
                    name: unescape(n),
                    ..OdsTable::default()
                });
            }
            return Ok(());
        };
        if let Some(row) = &mut t.row {
            if let Some(cell) = &mut row.cell {
                // inside a cell: spaces written as a count are text too
                if name == b"office:annotation" {
                    cell.annotation = true;
                } else if name == b"text:s" {
                    let n = attr(attrs, b"text:c").and_then(number).unwrap_or(1);
                    cell.text = cell.text.saturating_add(n);
                } else if matches!(name, b"text:tab" | b"text:line-break" | b"text:p") {
                    cell.text = cell.text.saturating_add(1);
                }
                if cell.text > MAX_CELL_TEXT {
                    return Err(Limit::CellText {
                        part: self.part.clone(),
                    });
                }
                return Ok(());
            }
            if matches!(name, b"table:table-cell" | b"table:covered-table-cell") {
                let repeats = attr(attrs, b"table:number-columns-repeated")
                    .and_then(number)
                    .unwrap_or(1);
                let has = |key: &[u8]| attr(attrs, key).is_some();
                let string = attr(attrs, b"office:value-type") == Some(b"string");
                let formula = has(b"table:formula");
                t.any_formula |= formula;
                let filled = string
                    || formula
                    || [
                        b"office:value".as_slice(),
                        b"office:string-value",
                        b"office:date-value",
                        b"office:time-value",
                        b"office:boolean-value",
                    ]
                    .into_iter()
                    .any(has);
                let own_text = [
                    b"office:string-value".as_slice(),
                    b"office:date-value",
                    b"office:time-value",
                ]
                .into_iter()
                .filter_map(|k| attr(attrs, k))
                .map(|v| v.len() as u64)
                .sum::<u64>();
                row.cell = Some(OdsCell {
                    repeats,
                    filled,
                    currency: money_formats::ods_cell_currency(attrs),
                    string: string || own_text > 0,
                    text: own_text,
                    annotation: false,
                });
            }
            return Ok(());
        }
        if name == b"table:table-row" {
            t.elements += 1;
            if t.elements > ODS_MAX_ROWS {
                return Err(Limit::TooManyRows {
                    sheet: t.name.clone(),
                });
            }
            let repeats = attr(attrs, b"table:number-rows-repeated")
                .and_then(number)
                .unwrap_or(1)
                .min(ODS_MAX_ROWS.saturating_sub(t.rows));
            t.row = Some(OdsRow {
                repeats,
                ..OdsRow::default()
            });
        }
        Ok(())
    }

    fn end(&mut self, name: &[u8], book: &mut Book) -> Result<(), Limit> {
        let Some(t) = &mut self.table else {
            return Ok(());
        };
        if let Some(row) = &mut t.row {
            if let Some(cell) = &mut row.cell {
                if cell.annotation {
                    cell.annotation = name != b"office:annotation";
                    return Ok(());
                }
                if !matches!(name, b"table:table-cell" | b"table:covered-table-cell") {
                    return Ok(());
                }
                // calamine stores the empty cells waiting before this one, then this one's
                // repeats if it is not empty (else they wait in turn), up to 16,384 columns.
                let waiting = row.pending.min(ODS_MAX_COLUMNS - row.pos);
                row.pos += waiting;
                let repeats = cell.repeats.min(ODS_MAX_COLUMNS - row.pos);
                if cell.filled {
                    if repeats > 0 {
                        row.first.get_or_insert(row.pos);
                        row.last = row.pos + repeats - 1;
                        if let Some(currency) = cell.currency {
                            book.currencies.add(
                                &t.name,
                                (t.rows, t.rows.saturating_add(row.repeats)),
                                (row.pos, row.pos + repeats),
                                Some(currency),
                            )?;
                        }
                    }
                    let text = if cell.string {
                        cell.text + ALLOCATION_BYTES
                    } else {
                        0
                    };
                    row.text = row.text.saturating_add(text.saturating_mul(repeats));
                    row.pos += repeats;
                    row.pending = 0;
                } else {
                    row.pending = repeats;
                }
                row.cell = None;
                return Ok(());
            }
            if name != b"table:table-row" {
                return Ok(());
            }
            let before = t.rows;
            t.rows = t.rows.saturating_add(row.repeats);
            t.raw = t.raw.saturating_add(row.pos.max(1));
            t.widest = t.widest.max(row.pos);
            t.raw_text = t.raw_text.saturating_add(row.text);
            if let Some(first) = row.first {
                if t.first_row.is_none() {
                    t.first_row = Some(before);
                    t.col_min = first;
                    t.col_max = row.last;
                }
                t.col_min = t.col_min.min(first);
                t.col_max = t.col_max.max(row.last);
                t.end_row = t.rows;
                t.expanded_text = t
                    .expanded_text
                    .saturating_add(row.text.saturating_mul(row.repeats));
                t.filled_rows = t.filled_rows.saturating_add(row.repeats);
            }
            t.row = None;
            if t.raw > MAX_CELLS {
                return Err(Limit::SheetCells {
                    sheet: t.name.clone(),
                    rows: t.elements,
                    columns: t.widest,
                });
            }
            // an early look, so a huge table stops before its end
            if let Some(first) = t.first_row {
                let cells = (t.end_row - first).saturating_mul(t.col_max + 1 - t.col_min);
                if cells > MAX_CELLS {
                    return Err(Limit::SheetCells {
                        sheet: t.name.clone(),
                        rows: t.end_row - first,
                        columns: t.col_max + 1 - t.col_min,
                    });
                }
            }
            return Ok(());
        }
        if name == b"table:table"
            && let Some(t) = self.table.take()
        {
            self.finish_table(t, book)?;
        }
        Ok(())
    }

    fn text(&mut self, text: &[u8]) -> Result<(), Limit> {
        if let Some(cell) = self
            .table
            .as_mut()
            .and_then(|t| t.row.as_mut())
            .and_then(|r| r.cell.as_mut())
        {
            cell.text = cell.text.saturating_add(text.len() as u64);
            if cell.text > MAX_CELL_TEXT {
                return Err(Limit::CellText {
                    part: self.part.clone(),
                });
            }
        }
        Ok(())
    }
}

/// Where the tokenizer is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Text,
    Tag,
    Comment,
    CData,
    /// A processing instruction (`<?...?>`), which ends at `?>` whatever quotes it holds, as
    /// calamine's XML reader ends it (a quote in one used to hide the tags after it).
    Pi,
}

/// Read one part as a stream of tags and text, telling `book` what it holds.
fn scan_part<R: Read>(
    mut reader: Capped<'_, R>,
    part: &str,
    book: &mut Book,
) -> Result<(), Refusal> {
    let mut sink = PartScan {
        part,
        kind: book.part_kind(part).unwrap_or(Part::Unknown),
    };
    let markup = || Limit::Markup {
        part: part.to_string(),
    };
    let mut buf = vec![0u8; 64 * 1024];
    let mut tag: Vec<u8> = Vec::new();
    let mut state = State::Text;
    let mut text_run = 0u64;
    let mut quote: Option<u8> = None;
    let mut brackets = 0u32;
    let mut tail = [0u8; 2];
    loop {
        let n = reader.fill(&mut buf)?;
        if n == 0 {
            break;
        }
        let mut i = 0;
        while i < n {
            match state {
                State::Text => {
                    let rest = &buf[i..n];
                    let end = rest.iter().position(|&b| b == b'<').unwrap_or(rest.len());
                    if end > 0 {
                        text_run += end as u64;
                        sink.text(&rest[..end])?;
                        if text_run > MAX_MARKUP && !in_cell(&sink) {
                            return Err(markup().into());
                        }
                    }
                    i += end;
                    if i < n {
                        // at '<'
                        i += 1;
                        state = State::Tag;
                        tag.clear();
                        quote = None;
                        brackets = 0;
                        text_run = 0;
                    }
                }
                State::Tag => {
                    let c = buf[i];
                    i += 1;
                    match quote {
                        Some(q) if c == q => quote = None,
                        Some(_) => {}
                        None if (c == b'"' || c == b'\'')
                            && (!tag.starts_with(b"!") || tag.starts_with(b"!DOCTYPE")) =>
                        {
                            quote = Some(c)
                        }
                        None if c == b'[' && tag.starts_with(b"!DOCTYPE") => brackets += 1,
                        None if c == b']' && tag.starts_with(b"!DOCTYPE") => {
                            brackets = brackets.saturating_sub(1)
                        }
                        None if c == b'>' && brackets == 0 => {
                            state = State::Text;
                            emit(&tag, &mut sink, book)?;
                            continue;
                        }
                        None => {}
                    }
                    tag.push(c);
                    if tag.len() as u64 > MAX_MARKUP {
                        return Err(markup().into());
                    }
                    if tag == b"?" {
                        state = State::Pi;
                        tail = [0, 0];
                    } else if tag == b"!--" {
                        state = State::Comment;
                        tail = [0, 0];
                    } else if tag == b"![CDATA[" {
                        state = State::CData;
                        tail = [0, 0];
                        text_run = 0;
                    }
                }
                State::Comment | State::CData | State::Pi => {
                    let cdata = state == State::CData;
                    let rest = &buf[i..n];
                    let end = rest.iter().position(|&b| b == b'>');
                    let before = &rest[..end.unwrap_or(rest.len())];
                    if cdata && !before.is_empty() {
                        text_run += before.len() as u64;
                        sink.text(before)?;
                        if text_run > MAX_MARKUP && !in_cell(&sink) {
                            return Err(markup().into());
                        }
                    }
                    // the last two bytes before here
                    tail = match before {
                        [.., a, b] => [*a, *b],
                        [b] => [tail[1], *b],
                        [] => tail,
                    };
                    match end {
                        None => i = n,
                        Some(p) => {
                            i += p + 1;
                            let closing = if cdata { *b"]]" } else { *b"--" };
                            let closed = if state == State::Pi {
                                tail[1] == b'?'
                            } else {
                                tail == closing
                            };
                            if closed {
                                state = State::Text;
                                text_run = 0;
                            } else {
                                tail = [tail[1], b'>'];
                            }
                        }
                    }
                }
            }
        }
    }
    match &sink.kind {
        Part::Sheet(s) => s.check(book)?,
        Part::Ods(s) if s.table.is_some() => {
            return Err(Refusal::Unclosed {
                part: part.to_string(),
            });
        }
        _ => {}
    }
    Ok(())
}

/// Whether the scan is inside a cell (whose text has its own limit).
fn in_cell(sink: &PartScan<'_>) -> bool {
    match &sink.kind {
        Part::Sheet(s) => s.cell.is_some(),
        Part::Shared(s) => s.item.is_some(),
        Part::Ods(s) => s
            .table
            .as_ref()
            .and_then(|t| t.row.as_ref())
            .is_some_and(|r| r.cell.is_some()),
        _ => false,
    }
}

/// Report one complete tag (without its `<` `>`).
fn emit(tag: &[u8], sink: &mut PartScan<'_>, book: &mut Book) -> Result<(), Limit> {
    if tag.starts_with(b"?") || tag.starts_with(b"!") {
        return Ok(());
    }
    if let Some(name) = tag.strip_prefix(b"/") {
        let name = name.trim_ascii();
        return sink.end(name, book);
    }
    let (body, empty) = match tag.strip_suffix(b"/") {
        Some(body) => (body, true),
        None => (tag, false),
    };
    let split = body
        .iter()
        .position(u8::is_ascii_whitespace)
        .unwrap_or(body.len());
    let (name, attrs) = body.split_at(split);
    sink.start(name, attrs, book)?;
    if empty {
        sink.end(name, book)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_and_attributes() {
        assert_eq!(cell_ref(b"A1"), Some((0, Some(0))));
        assert_eq!(cell_ref(b"XFD1048576"), Some((1_048_575, Some(16_383))));
        assert_eq!(cell_ref(b"7"), Some((6, None)));
        assert_eq!(cell_ref(b"A0"), None);
        assert_eq!(cell_ref(b"A-1"), None);
        assert!(cell_ref(b"ZZZZZZZZZZZZZZZZ99999999999999999999999").is_some());
        assert_eq!(attr(b" r=\"A1\" t='s'", b"t"), Some(b"s".as_slice()));
        assert_eq!(attr(b" r = \"A1\"", b"r"), Some(b"A1".as_slice()));
        assert_eq!(attr(b" rr=\"A1\"", b"r"), None);
        assert_eq!(unescape(b"P&amp;L &lt;1&gt;"), "P&L <1>");
        assert_eq!(unescape(b"#,##0.00 &quot;&#8364;&quot;"), "#,##0.00 \"€\"");
        assert_eq!(unescape(b"&#x20AC;&amp;&bogus;&"), "€&&bogus;&");
        assert_eq!(
            unescape(b"Orders &#x00000000020AC; &#00000008364;"),
            "Orders € €"
        );
        assert_eq!(unescape(b"&#0;&#X20AC;&#xZZ;"), "&#0;&#X20AC;&#xZZ;");
        assert_eq!(
            attr_prefixed(b" sheetId=\"1\" rel:id=\"rId1\"", b"id"),
            Some(b"rId1".as_slice())
        );
        assert_eq!(
            attr_prefixed(b" sheetId=\"1\" id=\"x\"", b"id"),
            Some(b"x".as_slice())
        );
        assert_eq!(
            attr_prefixed(b" foo:id=\"rIdX\" r:id=\"rId1\"", b"id"),
            Some(b"rId1".as_slice()),
            "the last, as calamine"
        );
        assert_eq!(grouped(10_000_000), "10,000,000");
        assert_eq!(grouped(999), "999");
    }
}
