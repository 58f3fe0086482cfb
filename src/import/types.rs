//! What an import produces: the errors that stop a file, each row's import-time fate, the
//! distinct products, the parsed purchases, rows per fate, and how each file was read.

use chrono::{NaiveDate, NaiveDateTime};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use std::num::NonZeroU32;

use super::intern::Sym;
use super::rows::Conventions;
use super::sniff::{ColumnMap, TextEncoding};
use super::values::Currency;

/// A file that cannot be imported at all (row problems are data, not errors).
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The file could not be read from disk (it went away, or grew past the limit, since it
    /// was opened).
    #[error("{source}")]
    Read {
        /// File name as given.
        file: String,
        /// Why, naming the file's path.
        source: crate::files::FileError,
    },
    /// The text could not be read as delimited records.
    #[error("{file}: cannot read the file: {source}")]
    Unreadable {
        /// File name as given.
        file: String,
        /// Why.
        #[source]
        source: csv::Error,
    },
    /// The file is no export at all (an image, an archive, a program): refused before its
    /// columns are looked for.
    #[error("{file}: this is {what}, not a purchase export (CSV, TSV, TXT, XLSX, XLS or ODS)")]
    NotAnExport {
        /// File name as given.
        file: String,
        /// What it is.
        what: super::sniff::NotAnExport,
    },
    /// No row within the first 50 names at least three known columns.
    #[error("{file}: no header row found in the first {rows} rows (columns found: {columns})", rows = super::sniff::HEADER_SEARCH_ROWS, columns = list(.columns))]
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
    /// Too many rows rejected ([`crate::money::limits::MAX_REJECTED_ROWS`]): the file does
    /// not read as an export, and nothing of it is imported.
    #[error(
        "{file}: over {} rows rejected{}: this does not read as a purchase export (check that it is one, and its columns); nothing of it was imported",
        crate::money::limits::MAX_REJECTED_ROWS,
        first.as_ref().map_or(String::new(), |r| format!(" (the first: {r})"))
    )]
    TooManyRejected {
        /// File name as given.
        file: String,
        /// The first rejected row's reason, when known.
        first: Option<String>,
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
        what: super::spreadsheet_limits::Limit,
    },
    /// The spreadsheet container could not be opened.
    #[error("{file}: cannot read the spreadsheet: {source}")]
    Spreadsheet {
        /// File name as given.
        file: String,
        /// Why.
        #[source]
        source: SpreadsheetError,
    },
    /// The workspace refused the imported rows (they would break its limits).
    /// (The refusal is the workspace's, a layer above: it arrives here in words.)
    #[error("the import was refused: {message}")]
    Refused {
        /// Why.
        message: String,
    },
}

/// Why a spreadsheet container could not be read.
#[derive(Debug, thiserror::Error)]
pub enum SpreadsheetError {
    /// The spreadsheet reader's own error.
    #[error(transparent)]
    Reader(#[from] calamine::Error),
    /// The container or its parts fail lpkpi's checks (broken zip, unreadable .xls records).
    #[error(transparent)]
    Container(#[from] super::spreadsheet_limits::Refusal),
    /// The spreadsheet reader failed on a malformed file (a panic, caught).
    #[error("the spreadsheet reader failed on this file")]
    ReaderFailed,
    /// A worksheet the reader cannot read (a cell of a kind it does not know, say): the file
    /// is refused rather than read without it, since its rows may be the export's.
    #[error("the sheet '{sheet}' cannot be read ({source})")]
    Sheet {
        /// The sheet's name.
        sheet: String,
        /// The reader's error (boxed: it is large, and the error rare).
        #[source]
        source: Box<calamine::Error>,
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
        /// Why, in words. Boxed (rejected rows are few): one word, so that a fate takes 16
        /// bytes and a row 88.
        #[allow(
            clippy::box_collection,
            reason = "a thin pointer keeps every row 8 bytes smaller"
        )]
        reason: Box<String>,
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
    /// Components per kit from the file (positive: `NonZeroU32` keeps a row at 88 bytes).
    pub components: Option<NonZeroU32>,
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

    /// What differs from `other`, named for people ("product name", "amount"), in the order
    /// [`Purchase::same_content`] compares them; empty when the content is the same.
    pub fn differences(&self, other: &Purchase, products: &[Product]) -> Vec<&'static str> {
        let product = |p: &Purchase| products.get(p.product as usize).map(|x| (x.part, x.name));
        let (a, b) = (product(self), product(other));
        let components = self.components.is_some()
            && other.components.is_some()
            && self.components != other.components;
        [
            (self.date != other.date, "date"),
            (a.map(|p| p.0) != b.map(|p| p.0), "part number"),
            (a.map(|p| p.1) != b.map(|p| p.1), "product name"),
            (self.quantity != other.quantity, "quantity"),
            (components, "component count"),
            (self.amount != other.amount, "amount"),
            (self.currency != other.currency, "currency"),
        ]
        .into_iter()
        .filter_map(|(differs, name)| differs.then_some(name))
        .collect()
    }

    pub(super) fn same_content(&self, other: &Purchase, products: &[Product]) -> bool {
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
#[serde(deny_unknown_fields)]
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

    pub(super) fn add(&mut self, fate: &Fate) {
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
#[serde(deny_unknown_fields)]
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A million rows are held at once: each byte of a row is a megabyte of the peak memory
    /// (`docs/performance.md`). A line id, a component count and a rejection's reason fit in
    /// their neighbours' spare room.
    #[test]
    fn a_row_takes_88_bytes() {
        assert_eq!(std::mem::size_of::<Option<Sym>>(), 4);
        assert_eq!(std::mem::size_of::<Fate>(), 16);
        assert_eq!(std::mem::size_of::<Option<Purchase>>(), 64);
        assert_eq!(std::mem::size_of::<Row>(), 88);
    }
}
