//! The import set: every file and row imported, in import order, with the profile's import
//! rules; adding a file sniffs it, reads it, dedupes its rows against the earlier files.

use rustc_hash::FxHashMap as HashMap;

use std::borrow::Cow;

use sha2::{Digest, Sha256};

use super::dedupe::{Dedupe, Identity};
use std::num::NonZeroU32;

use super::intern::{Interner, Sym};
use super::rows::{ParsedRow, RowOutcome, RowRules};
use super::sniff::HeaderNames;
use super::types::*;
use crate::profile::{Field, Profile};

/// The profile's import rules, prepared once.
#[derive(Debug, Clone)]
pub struct ImportRules {
    pub(super) headers: HeaderNames,
    pub(super) rows: RowRules,
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
    pub remembered: &'a super::sniff::Remembered,
    /// Called now and then with the fraction read; returning false cancels the import.
    pub progress: Option<&'a mut dyn FnMut(f32) -> bool>,
    /// How many threads read a text file: None for one per core when the file is large
    /// enough (a megabyte a thread), Some(n) for up to n chunks whatever the size (tests).
    pub threads: Option<usize>,
    /// How many bytes each thread reads at a time from a file read a block at a time
    /// ([`ImportSet::add_file`]): None for the default, Some(n) for small blocks (tests),
    /// which also reads a small file that way.
    pub block: Option<usize>,
}

impl<'a> AddOptions<'a> {
    /// Options with remembered mappings and no progress hook.
    pub fn new(remembered: &'a super::sniff::Remembered) -> AddOptions<'a> {
        AddOptions {
            remembered,
            progress: None,
            threads: None,
            block: None,
        }
    }

    pub(super) fn report(&mut self, done: f32) -> bool {
        self.progress.as_mut().is_none_or(|p| p(done))
    }
}

static NO_MAPPINGS: super::sniff::Remembered = super::sniff::Remembered::new();

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

/// The hash of a product's texts.
fn text_hash(part: &str, name: &str, kind: &str) -> u64 {
    use std::hash::BuildHasher;
    rustc_hash::FxBuildHasher.hash_one((part, name, kind))
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
    /// The products again, found by their texts: a row's product is one lookup, not three
    /// strings interned and a fourth lookup.
    product_by_text: hashbrown::HashTable<u32>,
    dedupe: Dedupe,
    /// The first file's rows are not yet in `dedupe` (index, first row): with nothing before
    /// it, no row of it can repeat an earlier one, so its identities are recorded only when
    /// a second file needs them (a single large file is never hashed for nothing).
    deferred: Option<(usize, usize)>,
    hashes: HashMap<[u8; 32], usize>,
    /// The order id interned last by [`ImportSet::push`] (an order's lines follow each other).
    last_order: Option<Sym>,
}

/// Text files from this size on are hashed while they are read.
const HASH_ALONGSIDE: usize = 4 << 20;

/// How a part's rows become a set's ([`ImportSet::absorb`]): lines shifted by the lines
/// before the part, strings and products renumbered into the set's tables (unless the part's
/// tables became the set's).
struct Remap {
    lines_before: u32,
    /// The set's handle of each of the part's strings.
    syms: Option<Vec<Sym>>,
    /// The set's number of each of the part's products.
    products: Vec<u32>,
}

impl Remap {
    #[inline]
    fn row(&self, mut row: Row) -> Row {
        row.line = row.line.saturating_add(self.lines_before);
        if let (Some(syms), Some(p)) = (&self.syms, row.purchase.as_mut()) {
            p.order_id = renumber(syms, p.order_id);
            p.line_id = p.line_id.map(|l| renumber(syms, l));
            p.product = self
                .products
                .get(p.product as usize)
                .copied()
                .unwrap_or(p.product);
        }
        row
    }
}

/// The set's handle of a part's string `s` (`syms`: the set's handle of each).
fn renumber(syms: &[Sym], s: Sym) -> Sym {
    syms.get(s.index()).copied().unwrap_or(s)
}

/// An export to import: its bytes, or the file itself, opened, with its path (a large text
/// export is then read a block at a time, never all in memory; anything else is read whole
/// first).
#[derive(Debug, Clone, Copy)]
pub enum Export<'a> {
    /// The bytes, already read.
    Bytes(&'a [u8]),
    /// The file, opened at `path` ([`crate::files::open_capped`] with
    /// [`crate::money::limits::MAX_EXPORT_BYTES`]).
    Opened {
        /// The open file and its length when opened.
        opened: &'a crate::files::Opened,
        /// Where it was opened, for the messages of a failed read.
        path: &'a std::path::Path,
    },
}

/// Text files from this size on are read a block at a time by [`ImportSet::add_file`].
const STREAM_FROM: u64 = 16 << 20;
/// The first bytes of a file read a block at a time, read first: the header is looked for
/// in them, and the conventions guessed.
const HEAD: u64 = 2 << 20;

/// The SHA-256 of the first `len` bytes of `file`, read a block at a time from where the
/// reading of the first chunk hands its hash over (`handed`: the hash of the bytes before an
/// offset); None when it hands nothing over (it stopped before its end: the file was not read
/// a block at a time, or the import failed), or the bytes cannot all be read (the file is
/// shorter by now).
fn hash_file(
    file: &std::fs::File,
    len: u64,
    handed: std::sync::mpsc::Receiver<(Sha256, u64)>,
) -> Option<[u8; 32]> {
    let (mut hasher, mut at) = handed.recv().ok()?;
    let mut buf = vec![0u8; 1 << 20];
    while at < len {
        let take = usize::try_from(len - at).map_or(buf.len(), |n| n.min(buf.len()));
        let block = buf.get_mut(..take)?;
        crate::files::read_at(file, block, at).ok()?;
        hasher.update(&*block);
        at += take as u64;
    }
    Some(hasher.finalize().into())
}

/// The first whole lines of an export that [`ImportSet::add_export`] reads a block at a time,
/// for showing its first rows: None when it reads it whole (a small file, a spreadsheet, UTF-16
/// text, a first megabyte without a line end, or a system where files are not read at an
/// offset), and the caller then has its bytes anyway.
pub fn streamed_head(opened: &crate::files::Opened) -> Option<Vec<u8>> {
    if opened.len < STREAM_FROM {
        return None;
    }
    let mut head = vec![0u8; usize::try_from(opened.len.min(PEEK_HEAD)).ok()?];
    crate::files::read_at(&opened.file, &mut head, 0).ok()?;
    if is_spreadsheet(&head)
        || head.starts_with(b"\xFF\xFE")
        || head.starts_with(b"\xFE\xFF")
        || super::sniff::utf16_without_bom(&head).is_some()
    {
        return None;
    }
    // whole lines only: a character cut at the end would make the head look like another
    // encoding
    head.truncate(memchr::memrchr(b'\n', &head)? + 1);
    Some(head)
}

/// How much of a file read a block at a time [`streamed_head`] reads.
const PEEK_HEAD: u64 = 1 << 20;

/// Whether `bytes` look like a spreadsheet container (zip: XLSX / ODS; OLE: XLS).
pub(super) fn is_spreadsheet(bytes: &[u8]) -> bool {
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
        // A large text file is hashed on a thread of its own while it is read (the hash is
        // needed only at the end); a copy of an earlier file is then read for nothing and
        // dropped. Other files are hashed first, and a copy is skipped unread.
        let alongside = bytes.len() >= HASH_ALONGSIDE && !is_spreadsheet(bytes);
        let first: Option<[u8; 32]> = (!alongside).then(|| Sha256::digest(bytes).into());
        if let Some(skipped) = first.and_then(|digest| self.skip_copy(name, &digest)) {
            return Ok(skipped);
        }
        if let Some(what) = super::sniff::not_an_export(bytes) {
            return Err(ImportError::NotAnExport {
                file: name.to_string(),
                what,
            });
        }
        let rows_before = self.rows.len();
        let products_before = self.products.len();
        let (result, digest): (_, [u8; 32]) = match first {
            Some(digest) if is_spreadsheet(bytes) => {
                (super::xlsx::read(self, name, bytes, rules, options), digest)
            }
            Some(digest) => (super::text::read(self, name, bytes, rules, options), digest),
            None => std::thread::scope(|scope| {
                let hashing = scope.spawn(|| Sha256::digest(bytes));
                let result = super::text::read(self, name, bytes, rules, options);
                match hashing.join() {
                    Ok(hash) => (result, hash.into()),
                    Err(panic) => std::panic::resume_unwind(panic),
                }
            }),
        };
        self.settle(
            name,
            result,
            digest,
            alongside,
            rows_before,
            products_before,
        )
    }

    /// Import an export: [`ImportSet::add_with`] its bytes, or [`ImportSet::add_file`] the
    /// opened file, reading it whole and adding its bytes when that sends it back.
    pub fn add_export(
        &mut self,
        name: &str,
        export: Export<'_>,
        rules: &ImportRules,
        options: &mut AddOptions<'_>,
    ) -> Result<Added, ImportError> {
        let (opened, path) = match export {
            Export::Bytes(bytes) => return self.add_with(name, bytes, rules, options),
            Export::Opened { opened, path } => (opened, path),
        };
        if let Some(added) = self.add_file(name, &opened.file, opened.len, rules, options)? {
            return Ok(added);
        }
        // a cancel asked for while the file was read a block at a time stops here, not after
        // reading it whole
        if let Some(progress) = options.progress.as_mut()
            && !progress(0.0)
        {
            return Err(ImportError::Cancelled {
                file: name.to_string(),
            });
        }
        let cap = crate::money::limits::MAX_EXPORT_BYTES;
        let bytes =
            crate::files::read_opened(opened, path, cap, "an export").map_err(|source| {
                ImportError::Read {
                    file: name.to_string(),
                    source,
                }
            })?;
        self.add_with(name, &bytes, rules, options)
    }

    /// Import a text export from its open `file` of `len` bytes (its length when opened) as
    /// [`ImportSet::add_with`] imports its bytes, reading it a block at a time on every core
    /// with the hash taken alongside, so that it is never all in memory. Ok(None), with
    /// nothing changed, when the file is small, a spreadsheet, not UTF-8, has a field holding
    /// a quote, or changed while it was read: the caller then reads it whole and adds its
    /// bytes.
    pub fn add_file(
        &mut self,
        name: &str,
        file: &std::fs::File,
        len: u64,
        rules: &ImportRules,
        options: &mut AddOptions<'_>,
    ) -> Result<Option<Added>, ImportError> {
        if len < STREAM_FROM && options.block.is_none() {
            return Ok(None);
        }
        let mut head = vec![0u8; usize::try_from(len.min(HEAD)).unwrap_or(0)];
        if crate::files::read_at(file, &mut head, 0).is_err()
            || is_spreadsheet(&head)
            || super::sniff::not_an_export(&head).is_some()
        {
            return Ok(None);
        }
        let rows_before = self.rows.len();
        let products_before = self.products.len();
        let (result, digest) = std::thread::scope(|scope| {
            // the first chunk's reader hashes what it reads and hands the hash over; the rest
            // of the file is hashed on this thread while the chunks are merged
            let (hand_over, handed) = std::sync::mpsc::channel();
            let hashing = scope.spawn(|| hash_file(file, len, handed));
            let source = super::text::FileSource {
                file,
                len,
                head: &head,
                hand_over,
            };
            let result = super::text::read_file(self, name, source, rules, options);
            match hashing.join() {
                Ok(digest) => (result, digest),
                Err(panic) => std::panic::resume_unwind(panic),
            }
        });
        let result = match (result, digest) {
            (Ok(None), _) => return Ok(None),
            (Err(e), None) => {
                self.roll_back(rows_before, products_before);
                return Err(e);
            }
            (Ok(Some(file)), _) => Ok(file),
            (Err(e), Some(_)) => Err(e),
        };
        let Some(digest) = digest else {
            // the file could not be read again to the end: it changed, read it whole
            self.roll_back(rows_before, products_before);
            return Ok(None);
        };
        self.settle(name, result, digest, true, rows_before, products_before)
            .map(Some)
    }

    /// The rest of adding a file once it is read: a copy of an earlier file (when hashed
    /// `alongside` the reading) is dropped, as is a file that failed; else it is registered
    /// with its hash and its duplicates marked.
    fn settle(
        &mut self,
        name: &str,
        result: Result<ImportedFile, ImportError>,
        digest: [u8; 32],
        alongside: bool,
        rows_before: usize,
        products_before: usize,
    ) -> Result<Added, ImportError> {
        // a copy found only now (hashed alongside) is dropped like a file that failed
        let copy = if alongside {
            self.skip_copy(name, &digest)
        } else {
            None
        };
        let result = match copy {
            Some(skipped) => Err(Ok(skipped)),
            None => result.map_err(Err),
        };
        let mut file = match result {
            Ok(file) => file,
            Err(outcome) => {
                self.roll_back(rows_before, products_before);
                return outcome;
            }
        };
        let sha256 = digest
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<String>();
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

    /// Drop the rows and products added since there were `rows` and `products`.
    fn roll_back(&mut self, rows: usize, products: usize) {
        self.rows.truncate(rows);
        for p in self.products.drain(products..) {
            self.product_index.remove(&p);
        }
        self.product_by_text
            .retain(|&mut i| (i as usize) < products);
    }

    /// When a file with these bytes was imported before: the warning, and what adding did.
    fn skip_copy(&mut self, name: &str, digest: &[u8; 32]) -> Option<Added> {
        let &index = self.hashes.get(digest)?;
        let first = self
            .files
            .get(index)
            .map(|f| f.name.clone())
            .unwrap_or_default();
        self.warnings.push(format!(
            "{name} has the same bytes as {first}, imported before: skipped, its rows were not read"
        ));
        Some(Added::AlreadyImported { first, index })
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
            components: p.components.map(NonZeroU32::get),
            amount: p.amount,
            currency: p.currency,
        }
    }

    fn intern_product(&mut self, part: &str, name: &str, kind: &str) -> u32 {
        let hash = text_hash(part, name, kind);
        let (strings, products) = (&self.strings, &self.products);
        let same = |&i: &u32| {
            products.get(i as usize).is_some_and(|p| {
                strings.get(p.part) == part
                    && strings.get(p.name) == name
                    && strings.get(p.kind) == kind
            })
        };
        if let Some(&i) = self.product_by_text.find(hash, same) {
            return i;
        }
        let key = Product {
            part: self.strings.intern(part),
            name: self.strings.intern(name),
            kind: self.strings.intern(kind),
        };
        let i = self.product_key(key);
        let (strings, products) = (&self.strings, &self.products);
        self.product_by_text.insert_unique(hash, i, |&j| {
            products.get(j as usize).map_or(0, |p| {
                text_hash(
                    strings.get(p.part),
                    strings.get(p.name),
                    strings.get(p.kind),
                )
            })
        });
        i
    }

    fn product_key(&mut self, key: Product) -> u32 {
        if let Some(&i) = self.product_index.get(&key) {
            return i;
        }
        let i = self.products.len() as u32;
        self.products.push(key);
        self.product_index.insert(key, i);
        i
    }

    /// Append the rows of `local` and then `segments` (a part of the file being read, read
    /// into a set of its own, its lines counted from the part's first, which follows
    /// `lines_before` lines) with their strings and products, as if they had been pushed here.
    pub(super) fn absorb(
        &mut self,
        mut local: ImportSet,
        segments: Vec<Vec<Row>>,
        lines_before: u32,
    ) {
        let rows = std::mem::take(&mut local.rows);
        let count = rows.len() + segments.iter().map(Vec::len).sum::<usize>();
        let fresh = self.strings.is_empty() && self.products.is_empty();
        let remap = if fresh {
            // nothing here yet: the part's tables are this set's as they are
            self.strings = local.strings;
            self.products = local.products;
            self.product_index = local.product_index;
            self.product_by_text = local.product_by_text;
            Remap {
                lines_before,
                syms: None,
                products: Vec::new(),
            }
        } else {
            self.strings
                .reserve(local.strings.len(), local.strings.bytes());
            let syms: Vec<Sym> = local
                .strings
                .texts()
                .map(|t| self.strings.intern(t))
                .collect();
            let sym = |s: Sym| renumber(&syms, s);
            let products: Vec<u32> = local
                .products
                .iter()
                .map(|p| {
                    let key = Product {
                        part: sym(p.part),
                        name: sym(p.name),
                        kind: sym(p.kind),
                    };
                    self.product_key(key)
                })
                .collect();
            Remap {
                lines_before,
                syms: Some(syms),
                products,
            }
        };
        if fresh && lines_before == 0 && self.rows.is_empty() && segments.is_empty() {
            self.rows = rows;
            return;
        }
        // exact: a large buffer grows in place; each segment is freed once appended, so the
        // part's rows are never held twice
        self.rows.reserve_exact(count);
        self.rows.extend(rows.into_iter().map(|r| remap.row(r)));
        for segment in segments {
            self.rows.extend(segment.into_iter().map(|r| remap.row(r)));
        }
    }

    /// Append one row's outcome to the file being read.
    pub(super) fn push(
        &mut self,
        file: u32,
        line: u32,
        outcome: RowOutcome<'_>,
        counts: &mut ImportCounts,
    ) {
        let (fate, purchase) = match outcome {
            RowOutcome::Blank => return,
            RowOutcome::Summary => (Fate::Summary, None),
            RowOutcome::NotInvoiced => (Fate::NotInvoiced, None),
            RowOutcome::Rejected(reason) => (
                Fate::Rejected {
                    reason: Box::new(reason),
                },
                None,
            ),
            RowOutcome::Purchase(p) => {
                let product = self.intern_product(&p.part, &p.name, &p.kind);
                let purchase = Purchase {
                    date: p.date,
                    order_id: self.strings.intern_again(&p.order_id, &mut self.last_order),
                    line_id: p.line_id.as_deref().map(|l| self.strings.intern(l)),
                    product,
                    quantity: p.quantity,
                    // a component count is positive (parsed or loaded so); 0 would be none
                    components: p.components.and_then(NonZeroU32::new),
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
        if self.files.get(index).is_none() {
            return;
        }
        if self.dedupe.is_empty() && self.deferred.is_none() {
            self.deferred = Some((index, start));
            return;
        }
        if let Some((first, first_start)) = self.deferred.take() {
            // the first file's rows, recorded now: none of them repeats anything
            self.record_file(first, first_start, self.rows.len().min(start));
        }
        self.record_file(index, start, self.rows.len());
    }

    /// Mark the duplicates among rows `start..end` of file `index`, and record their
    /// identities.
    fn record_file(&mut self, index: usize, start: usize, end: usize) {
        // how each file identifies its rows: (order and line ids, part number)
        let keys: Vec<(bool, bool)> = self
            .files
            .iter()
            .map(|f| {
                (
                    f.columns.order_id().is_some() && f.columns.get(Field::LineId).is_some(),
                    f.columns.get(Field::PartNumber).is_some(),
                )
            })
            .collect();
        self.dedupe.reserve(end.saturating_sub(start));
        let products = &self.products;
        let rows = &self.rows;
        let identity = |i: u32| -> Option<Identity> {
            let row = rows.get(i as usize)?;
            let p = row.purchase.as_ref()?;
            let (by_line, by_part) = keys.get(row.file as usize).copied()?;
            Some(match (by_line, p.line_id) {
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
            })
        };
        let identities = rows[start..end].iter().enumerate().filter_map(|(i, row)| {
            if row.fate != Fate::Kept {
                return None;
            }
            let i = (start + i) as u32;
            Some((i, identity(i)?))
        });
        let purchase = |i: u32| rows.get(i as usize).and_then(|r| r.purchase.as_ref());
        let decided: Vec<(u32, Fate)> = self
            .dedupe
            .file(identities, identity)
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
