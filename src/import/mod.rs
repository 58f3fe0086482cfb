//! Importing purchase exports: every file shape administrators really download, every row given
//! exactly one import-time fate (summary, not invoiced, rejected, duplicate, kept), nothing
//! dropped silently. Window and currency-rate fates depend on the anniversary and the rates,
//! so they are decided at report time by the evaluation (the `rules` layer, above this one).
//!
//! The row path streams records (one reused buffer per file), interns repeated text, and keeps
//! one [`Product`] per distinct (part, name, type), which the rules classify once.

pub mod classify;
pub mod dedupe;
pub mod intern;
mod layout;
pub mod rows;
pub mod sniff;
pub mod spreadsheet_limits;
pub mod text;
pub mod values;
pub mod xlsx;

use rustc_hash::FxHashMap as HashMap;

use std::borrow::Cow;

use chrono::{NaiveDate, NaiveDateTime};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::profile::{Field, Profile};
use dedupe::{Dedupe, Identity};
use intern::{Interner, Sym};
use rows::{Conventions, ParsedRow, RowOutcome, RowRules};
use sniff::{ColumnMap, HeaderNames, TextEncoding};
use values::Currency;

/// A file that cannot be imported at all (row problems are data, not errors).
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The file could not be read from disk.
    #[error("{file}: cannot read the file: {message}")]
    Unreadable {
        /// File name as given.
        file: String,
        /// Why.
        message: String,
    },
    /// No row within the first 50 names at least three known columns.
    #[error("{file}: no header row found in the first {rows} rows (columns found: {columns})", rows = sniff::HEADER_SEARCH_ROWS, columns = list(.columns))]
    NoHeader {
        /// File name as given.
        file: String,
        /// The cells of the first non-empty row.
        columns: Vec<String>,
    },
    /// The header lacks a required field.
    #[error("{file}: the header has no column for {field} (columns: {columns})", columns = list(.columns))]
    MissingField {
        /// File name as given.
        file: String,
        /// The missing field.
        field: &'static str,
        /// The header cells.
        columns: Vec<String>,
    },
    /// Stopped by the user.
    #[error("{file}: import cancelled")]
    Cancelled {
        /// File name as given.
        file: String,
    },
    /// The spreadsheet is over one of lpkpi's limits (cells, text, inflated size): it is
    /// not read, so a crafted file cannot exhaust the memory.
    #[error("{file}: {what}")]
    TooLarge {
        /// File name as given.
        file: String,
        /// The limit it goes over.
        what: spreadsheet_limits::Limit,
    },
    /// The spreadsheet container could not be opened.
    #[error("{file}: cannot read the spreadsheet: {message}")]
    Spreadsheet {
        /// File name as given.
        file: String,
        /// Why.
        message: String,
    },
    /// The workspace refused the imported rows (they would break its limits).
    #[error("the import was refused: {message}")]
    Refused {
        /// Why.
        message: String,
    },
}

fn list(columns: &[String]) -> String {
    if columns.iter().all(|c| c.is_empty()) {
        "none".into()
    } else {
        columns
            .iter()
            .map(|c| format!("'{c}'"))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// The import-time fate of a row (import.md: the first that applies, in this order).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fate {
    /// A total / subtotal row.
    Summary,
    /// Cancelled, pending, quoted, or not yet invoiced.
    NotInvoiced,
    /// A required value missing or unreadable.
    Rejected {
        /// Why, in words.
        reason: String,
    },
    /// The same row was imported before.
    Duplicate {
        /// The row that stands.
        of: u32,
        /// Whether it differs from the row that stands (listed for review).
        differs: bool,
    },
    /// A purchase: counted or outside the window, decided at report time.
    Kept,
}

/// A distinct product as written in the exports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Product {
    /// Part number.
    pub part: Sym,
    /// Product name.
    pub name: Sym,
    /// Product type cell.
    pub kind: Sym,
}

/// A parsed purchase row, normalized.
#[derive(Debug, Clone, PartialEq)]
pub struct Purchase {
    /// Purchase date (invoice date when the file has one).
    pub date: NaiveDate,
    /// Order id ("" when none).
    pub order_id: Sym,
    /// Line id.
    pub line_id: Option<Sym>,
    /// Index into [`ImportSet::products`].
    pub product: u32,
    /// Quantity as written.
    pub quantity: i64,
    /// Components per kit from the file.
    pub components: Option<u32>,
    /// Amount as written, in cents, in `currency` (None: the file gave neither amount nor price).
    pub amount: Option<Decimal>,
    /// Currency of the amount.
    pub currency: Currency,
}

impl Purchase {
    /// A return: quantity and amount of opposite signs (both then count as negative).
    pub fn is_return(&self) -> bool {
        self.amount.is_some_and(|a| {
            (a.is_sign_negative() && !a.is_zero() && self.quantity > 0)
                || (a.is_sign_positive() && !a.is_zero() && self.quantity < 0)
        })
    }

    /// Quantity with the return sign applied.
    pub fn signed_quantity(&self) -> i64 {
        if self.is_return() {
            -self.quantity.abs()
        } else {
            self.quantity
        }
    }

    /// Amount with the return sign applied (0 when none).
    pub fn signed_amount(&self) -> Decimal {
        let a = self.amount.unwrap_or(Decimal::ZERO);
        if self.is_return() { -a.abs() } else { a }
    }

    fn same_content(&self, other: &Purchase, products: &[Product]) -> bool {
        let pn = |p: &Purchase| products.get(p.product as usize).map(|x| (x.part, x.name));
        self.date == other.date
            && pn(self) == pn(other)
            && self.quantity == other.quantity
            // A file without a components column says nothing about them: not a difference.
            && (self.components.is_none() || other.components.is_none() || self.components == other.components)
            && self.amount == other.amount
            && self.currency == other.currency
    }
}

/// A data row of an imported file and its import-time fate.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// Index into [`ImportSet::files`].
    pub file: u32,
    /// 1-based line where the record starts (row number in a sheet).
    pub line: u32,
    /// Import-time fate.
    pub fate: Fate,
    /// The purchase (kept and duplicate rows).
    pub purchase: Option<Purchase>,
}

/// Rows of a file per import-time fate. `read = kept + duplicates + summary + not_invoiced +
/// rejected` always holds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportCounts {
    /// Data rows after the header, blank rows excluded.
    pub read: u32,
    /// Purchases kept (counted or outside the window at report time).
    pub kept: u32,
    /// Duplicates of rows imported before.
    pub duplicates: u32,
    /// Summary rows.
    pub summary: u32,
    /// Not invoiced rows.
    pub not_invoiced: u32,
    /// Rejected rows.
    pub rejected: u32,
}

impl ImportCounts {
    /// Add another file's counts.
    pub fn merge(&mut self, other: &ImportCounts) {
        self.read += other.read;
        self.kept += other.kept;
        self.duplicates += other.duplicates;
        self.summary += other.summary;
        self.not_invoiced += other.not_invoiced;
        self.rejected += other.rejected;
    }

    fn add(&mut self, fate: &Fate) {
        match fate {
            Fate::Summary => self.summary += 1,
            Fate::NotInvoiced => self.not_invoiced += 1,
            Fate::Rejected { .. } => self.rejected += 1,
            Fate::Duplicate { .. } => self.duplicates += 1,
            Fate::Kept => self.kept += 1,
        }
    }

    /// Whether every read row has exactly one fate.
    pub fn balanced(&self) -> bool {
        self.read == self.kept + self.duplicates + self.summary + self.not_invoiced + self.rejected
    }
}

/// How a file was read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum FileShape {
    /// Delimited text.
    Text {
        /// Encoding detected.
        encoding: TextEncoding,
        /// Delimiter sniffed.
        delimiter: char,
    },
    /// A spreadsheet (XLSX, XLS, ODS).
    Spreadsheet {
        /// The sheet read.
        sheet: String,
    },
}

/// One imported file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImportedFile {
    /// The name as given (command line) or as dropped.
    pub name: String,
    /// SHA-256 of the file's bytes, hex.
    pub sha256: String,
    /// When it was imported into a workspace (set by the caller: the library never reads the
    /// clock).
    #[serde(default)]
    pub imported_at: Option<NaiveDateTime>,
    /// How it was read.
    pub shape: FileShape,
    /// Line (row) of the header.
    pub header_line: u32,
    /// Columns mapped to fields.
    pub columns: ColumnMap,
    /// Decimal mark and date order used.
    pub conventions: Conventions,
    /// Rows per fate.
    pub counts: ImportCounts,
    /// Things a person should know about this file.
    pub warnings: Vec<String>,
}

/// The profile's import rules, prepared once.
#[derive(Debug, Clone)]
pub struct ImportRules {
    headers: HeaderNames,
    rows: RowRules,
}

impl ImportRules {
    /// Prepare from a profile.
    pub fn new(profile: &Profile) -> ImportRules {
        ImportRules {
            headers: HeaderNames::new(profile),
            rows: RowRules::new(profile),
        }
    }
}

/// How to add a file: mappings chosen by hand before, and a progress hook.
pub struct AddOptions<'a> {
    /// Column mappings chosen by hand, by header signature: a header with one of these
    /// signatures is the header, mapped this way.
    pub remembered: &'a sniff::Remembered,
    /// Called now and then with the fraction read; returning false cancels the import.
    pub progress: Option<&'a mut dyn FnMut(f32) -> bool>,
}

impl<'a> AddOptions<'a> {
    /// Options with remembered mappings and no progress hook.
    pub fn new(remembered: &'a sniff::Remembered) -> AddOptions<'a> {
        AddOptions {
            remembered,
            progress: None,
        }
    }

    fn report(&mut self, done: f32) -> bool {
        self.progress.as_mut().is_none_or(|p| p(done))
    }
}

static NO_MAPPINGS: sniff::Remembered = sniff::Remembered::new();

/// The first rows of a file as (line, cells), for mapping its columns by hand: read as the
/// import read it when `shape` says how (sheet, delimiter), else the first sheet or the
/// delimiter that splits the first lines into the most cells.
pub fn peek_rows(bytes: &[u8], rows: usize, shape: Option<&FileShape>) -> Vec<(u32, Vec<String>)> {
    use sniff::{DELIMITERS, LineCounter, csv_reader, decode};
    if is_spreadsheet(bytes) {
        use calamine::Reader;
        if spreadsheet_limits::check(bytes).is_err() {
            return Vec::new();
        }
        // a panic of the reader on a malformed file is no rows, not a crash
        return std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
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
                .take(rows)
                .map(|(i, r)| {
                    (
                        first + i as u32 + 1,
                        r.iter().map(|c| c.to_string()).collect(),
                    )
                })
                .collect()
        }))
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
                rows::Cell::text(std::str::from_utf8(c).unwrap_or(""))
                    .as_text()
                    .into_owned()
            })
            .collect();
        out.push((line, cells));
    }
    out
}

/// What adding a file did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Added {
    /// The file was read; its index in [`ImportSet::files`].
    File(usize),
    /// The same bytes were imported before; nothing changed.
    AlreadyImported {
        /// Name of the earlier file.
        first: String,
        /// Its index in [`ImportSet::files`].
        index: usize,
    },
}

fn sha_from_hex(hex: &str) -> Option<[u8; 32]> {
    let mut out = [0u8; 32];
    if hex.len() != 64 {
        return None;
    }
    for (i, byte) in out.iter_mut().enumerate() {
        *byte = u8::from_str_radix(hex.get(2 * i..2 * i + 2)?, 16).ok()?;
    }
    Some(out)
}

/// Every file and row imported, in import order.
#[derive(Debug, Clone, Default)]
pub struct ImportSet {
    /// Files in import order.
    pub files: Vec<ImportedFile>,
    /// Rows in file order.
    pub rows: Vec<Row>,
    /// Distinct products.
    pub products: Vec<Product>,
    /// Things a person should know about the whole import (skipped copies).
    pub warnings: Vec<String>,
    strings: Interner,
    product_index: HashMap<Product, u32>,
    dedupe: Dedupe,
    hashes: HashMap<[u8; 32], usize>,
}

/// Whether `bytes` look like a spreadsheet container (zip: XLSX / ODS; OLE: XLS).
fn is_spreadsheet(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0])
}

impl ImportSet {
    /// An empty set.
    pub fn new() -> ImportSet {
        ImportSet::default()
    }

    /// Text of an interned string.
    pub fn text(&self, sym: Sym) -> &str {
        self.strings.get(sym)
    }

    /// The product of a purchase.
    pub fn product(&self, p: &Purchase) -> Option<&Product> {
        self.products.get(p.product as usize)
    }

    /// Import one file's bytes. Same bytes as an earlier file: nothing changes.
    pub fn add(
        &mut self,
        name: &str,
        bytes: &[u8],
        rules: &ImportRules,
    ) -> Result<Added, ImportError> {
        self.add_with(name, bytes, rules, &mut AddOptions::new(&NO_MAPPINGS))
    }

    /// [`ImportSet::add`] with remembered mappings and progress.
    pub fn add_with(
        &mut self,
        name: &str,
        bytes: &[u8],
        rules: &ImportRules,
        options: &mut AddOptions<'_>,
    ) -> Result<Added, ImportError> {
        let digest: [u8; 32] = Sha256::digest(bytes).into();
        if let Some(&index) = self.hashes.get(&digest) {
            let first = self
                .files
                .get(index)
                .map(|f| f.name.clone())
                .unwrap_or_default();
            self.warnings.push(format!(
                "{name} has the same bytes as {first}, imported before: skipped, its rows were not read"
            ));
            return Ok(Added::AlreadyImported { first, index });
        }
        let sha256 = digest.iter().map(|b| format!("{b:02x}")).collect();
        let rows_before = self.rows.len();
        let products_before = self.products.len();
        let result = if is_spreadsheet(bytes) {
            xlsx::read(self, name, bytes, rules, options)
        } else {
            text::read(self, name, bytes, rules, options)
        };
        let mut file = match result {
            Ok(file) => file,
            Err(e) => {
                self.rows.truncate(rows_before);
                for p in self.products.drain(products_before..) {
                    self.product_index.remove(&p);
                }
                return Err(e);
            }
        };
        file.sha256 = sha256;
        if file.columns.get(Field::Amount).is_none() && file.columns.get(Field::UnitPrice).is_none()
        {
            file.warnings
                .push("no amount or unit price column: its rows add no revenue".into());
        }
        let index = self.files.len();
        self.files.push(file);
        self.dedupe_file(index, rows_before);
        self.hashes.insert(digest, index);
        Ok(Added::File(index))
    }

    /// Restore a file imported before (from a workspace): its rows' import-time outcomes as
    /// stored, in file order; duplicates are decided again by the same rule, so the set is
    /// exactly what importing the files in this order gave. Returns the file's index.
    pub fn restore<'a>(
        &mut self,
        mut file: ImportedFile,
        rows: impl IntoIterator<Item = (u32, RowOutcome<'a>)>,
    ) -> usize {
        let start = self.rows.len();
        let index = self.files.len();
        let mut counts = ImportCounts::default();
        for (line, outcome) in rows {
            self.push(index as u32, line, outcome, &mut counts);
        }
        file.counts = counts;
        if let Some(digest) = sha_from_hex(&file.sha256) {
            self.hashes.entry(digest).or_insert(index);
        }
        self.files.push(file);
        self.dedupe_file(index, start);
        index
    }

    /// A row's purchase as text again (for storing it).
    pub fn parsed(&self, p: &Purchase) -> ParsedRow<'_> {
        let product = self.product(p);
        let text = |sym: Option<Sym>| Cow::Borrowed(sym.map_or("", |s| self.text(s)));
        ParsedRow {
            date: p.date,
            order_id: text(Some(p.order_id)),
            line_id: p.line_id.map(|l| Cow::Borrowed(self.text(l))),
            part: text(product.map(|x| x.part)),
            name: text(product.map(|x| x.name)),
            kind: text(product.map(|x| x.kind)),
            quantity: p.quantity,
            components: p.components,
            amount: p.amount,
            currency: p.currency,
        }
    }

    fn intern_product(&mut self, part: &str, name: &str, kind: &str) -> u32 {
        let key = Product {
            part: self.strings.intern(part),
            name: self.strings.intern(name),
            kind: self.strings.intern(kind),
        };
        if let Some(&i) = self.product_index.get(&key) {
            return i;
        }
        let i = self.products.len() as u32;
        self.products.push(key);
        self.product_index.insert(key, i);
        i
    }

    /// Append one row's outcome to the file being read.
    fn push(&mut self, file: u32, line: u32, outcome: RowOutcome<'_>, counts: &mut ImportCounts) {
        let (fate, purchase) = match outcome {
            RowOutcome::Blank => return,
            RowOutcome::Summary => (Fate::Summary, None),
            RowOutcome::NotInvoiced => (Fate::NotInvoiced, None),
            RowOutcome::Rejected(reason) => (Fate::Rejected { reason }, None),
            RowOutcome::Purchase(p) => {
                let product = self.intern_product(&p.part, &p.name, &p.kind);
                let purchase = Purchase {
                    date: p.date,
                    order_id: self.strings.intern(&p.order_id),
                    line_id: p.line_id.as_deref().map(|l| self.strings.intern(l)),
                    product,
                    quantity: p.quantity,
                    components: p.components,
                    amount: p.amount,
                    currency: p.currency,
                };
                (Fate::Kept, Some(purchase))
            }
        };
        counts.read += 1;
        counts.add(&fate);
        self.rows.push(Row {
            file,
            line,
            fate,
            purchase,
        });
    }

    /// Mark the duplicates among the rows of file `index` (rows from `start`).
    fn dedupe_file(&mut self, index: usize, start: usize) {
        let Some(file) = self.files.get(index) else {
            return;
        };
        let by_line =
            file.columns.order_id().is_some() && file.columns.get(Field::LineId).is_some();
        let by_part = file.columns.get(Field::PartNumber).is_some();
        let products = &self.products;
        let rows = &self.rows;
        let identities = rows[start..].iter().enumerate().filter_map(|(i, row)| {
            let p = row.purchase.as_ref().filter(|_| row.fate == Fate::Kept)?;
            let id = match (by_line, p.line_id) {
                (true, Some(line)) => Identity::Line {
                    order: p.order_id,
                    line,
                },
                _ => {
                    let product = products.get(p.product as usize)?;
                    Identity::Fields {
                        order: p.order_id,
                        product: if by_part { product.part } else { product.name },
                        date: p.date,
                        quantity: p.quantity,
                        amount: p.amount.map(|a| a.normalize()),
                    }
                }
            };
            Some(((start + i) as u32, id))
        });
        let purchase = |i: u32| rows.get(i as usize).and_then(|r| r.purchase.as_ref());
        let decided: Vec<(u32, Fate)> = self
            .dedupe
            .file(identities)
            .into_iter()
            .map(|(i, earlier)| {
                // the earlier row it repeats: one with the same content if any, else the first
                let same = earlier
                    .iter()
                    .copied()
                    .find(|&e| match (purchase(i), purchase(e)) {
                        (Some(a), Some(b)) => a.same_content(b, products),
                        _ => false,
                    });
                let of = same.or_else(|| earlier.first().copied()).unwrap_or(i);
                (
                    i,
                    Fate::Duplicate {
                        of,
                        differs: same.is_none(),
                    },
                )
            })
            .collect();
        let file = &mut self.files[index];
        for (i, fate) in decided {
            if let Some(row) = self.rows.get_mut(i as usize) {
                file.counts.kept -= 1;
                file.counts.duplicates += 1;
                row.fate = fate;
            }
        }
    }
}
