//! Delimited text exports (CSV / TSV / TXT): decode, find the header and delimiter, then stream
//! the rows through the shared row path while the file's conventions are decided.
//!
//! A large file is read on every core: it is cut into chunks at record boundaries, each chunk
//! is read by its own thread into a set of its own, and the chunks are merged in file order,
//! so line numbers, fates and "the first imported row stands" are exactly those of one reader
//! going through the file. The rows are parsed with the conventions the first rows suggest
//! while the whole file's evidence is gathered; when it decides otherwise, they are parsed
//! again. A cut is placed after a line end with an even number of quotes before it: that is
//! a record boundary unless some field before it holds a quote character, which each chunk
//! checks as it reads; a file with one is read again by a single thread.
//!
//! A large UTF-8 file can also be read straight from disk ([`read_file`]): each chunk's reader
//! reads its part a block at a time into a buffer of its own (a block ends after a line end
//! with an even number of quotes since the block began), so the file is never all in memory.
//! The cuts between chunks are placed after any line end and checked once the chunk before is
//! read (an even number of quotes, no field holding one). The first chunk's reader hashes the
//! bytes it reads and hands the hash over for the rest of the file. Whatever would not read
//! exactly as the bytes read whole (another encoding, a quote in a field, a header past the
//! head, a file that changed) is sent back to be read whole.

use std::fs::File;
use std::ops::Range;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc::Sender;

use csv::ByteRecord;
use sha2::{Digest, Sha256};

use super::layout::{Layout, RowSink};
use super::rows::{ConventionScan, Conventions};
use super::sniff::{
    TRUNCATED_WARNING, TextEncoding, csv_reader, decode_text, find_header_in, utf16_without_bom,
};
use super::split::{Record, Splitter};
use super::{AddOptions, FileShape, ImportError, ImportRules, ImportSet, ImportedFile, Row};
use crate::money::limits::MAX_REJECTED_ROWS;

/// Files below this size per extra thread are read by one thread.
const MIN_CHUNK: usize = 1 << 20;
/// At most this many threads read one file.
const MAX_THREADS: usize = 8;
/// Progress is reported and cancellation checked every this many records.
const EVERY: usize = 4096;
/// A later chunk's rows are kept in pieces of this many.
const SEGMENT: usize = 1 << 15;
/// The conventions are guessed from this many data rows.
const GUESS_ROWS: usize = 2000;
/// How much less than the others the first chunk of a file read a block at a time is (a
/// fraction of a chunk): its reader also hashes the bytes it reads.
const FIRST_SHORTER: f64 = 0.1;
/// A file read a block at a time is read this many bytes at a time by each thread (more when
/// a record is longer).
const BLOCK: usize = 1 << 18;

/// Read a text export into `set` (rows appended); the caller dedupes and registers the file.
pub fn read(
    set: &mut ImportSet,
    name: &str,
    bytes: &[u8],
    rules: &ImportRules,
    options: &mut AddOptions<'_>,
) -> Result<ImportedFile, ImportError> {
    let decoded = decode_text(bytes);
    let text = Text {
        head: &decoded.text,
        len: decoded.text.len(),
        encoding: decoded.encoding,
        truncated: decoded.truncated,
        origin: Origin::Memory,
    };
    match read_text(set, name, text, rules, options)? {
        Some(file) => Ok(file),
        // text in memory is never read a block at a time, so nothing sends it back
        None => Err(ImportError::Unreadable {
            file: name.to_string(),
            source: std::io::Error::other("the text could not be read").into(),
        }),
    }
}

/// A text export to read from its open file a block at a time ([`read_file`]).
pub struct FileSource<'a> {
    /// The open file.
    pub file: &'a File,
    /// Its length when it was opened.
    pub len: u64,
    /// Its first bytes.
    pub head: &'a [u8],
    /// Where the first chunk's reader hands over the hash of the file's bytes up to where it
    /// stops, with that offset, once it has read them all.
    pub hand_over: Sender<(Sha256, u64)>,
}

/// Read a UTF-8 text export from its open file a block at a time, without holding all of it,
/// into `set` (rows appended). None, with `set` unchanged, when the file is not one this
/// reads exactly as [`read`] reads its bytes: another encoding, a field holding a quote, a
/// header or row longer than the head allows, a file that changed while it was read; the
/// caller then reads it whole.
pub fn read_file(
    set: &mut ImportSet,
    name: &str,
    source: FileSource<'_>,
    rules: &ImportRules,
    options: &mut AddOptions<'_>,
) -> Result<Option<ImportedFile>, ImportError> {
    let FileSource {
        file,
        len,
        head,
        hand_over,
    } = source;
    if head.starts_with(b"\xFF\xFE")
        || head.starts_with(b"\xFE\xFF")
        || utf16_without_bom(head).is_some()
    {
        return Ok(None);
    }
    let Ok(len) = usize::try_from(len) else {
        return Ok(None);
    };
    let (base, encoding) = match head.strip_prefix(b"\xEF\xBB\xBF") {
        Some(_) => (3, TextEncoding::Utf8Bom),
        None => (0, TextEncoding::Utf8),
    };
    let mut shown = head.get(base..).unwrap_or_default();
    if head.len() < len {
        // whole lines only, so that no character is cut
        let Some(end) = memchr::memrchr(b'\n', shown) else {
            return Ok(None);
        };
        shown = &shown[..=end];
    }
    let Ok(head_text) = std::str::from_utf8(shown) else {
        return Ok(None);
    };
    let text = Text {
        head: head_text,
        len: len.saturating_sub(base),
        encoding,
        truncated: false,
        origin: Origin::File {
            file,
            base: base as u64,
            len: len as u64,
            block: options.block.unwrap_or(BLOCK).max(1),
            hand_over: &Mutex::new(Some(hand_over)),
        },
    };
    read_text(set, name, text, rules, options)
}

/// A file's text: all of it, or its head and where the rest is read from.
struct Text<'a> {
    /// All the text, or its first whole lines.
    head: &'a str,
    /// The length of all the text.
    len: usize,
    encoding: TextEncoding,
    truncated: bool,
    origin: Origin<'a>,
}

/// Where the text beyond the head is.
#[derive(Clone, Copy)]
enum Origin<'a> {
    /// There is none: the head is all of it.
    Memory,
    /// In `file`, from byte `base` (after a byte-order mark) to byte `len`, read `block` bytes
    /// at a time. The first chunk's reader hashes the bytes up to its end as it reads them
    /// (hot in memory) and hands the hash over, with where it stops, the first time it reads
    /// to its end.
    File {
        file: &'a File,
        base: u64,
        len: u64,
        block: usize,
        hand_over: &'a Mutex<Option<Sender<(Sha256, u64)>>>,
    },
}

/// Why a chunk was not read.
#[derive(Debug)]
enum Stop {
    /// The records could not be read.
    Csv(csv::Error),
    /// Read a block at a time, the text would not read as it does whole: read it whole.
    Whole,
}

impl From<csv::Error> for Stop {
    fn from(e: csv::Error) -> Stop {
        Stop::Csv(e)
    }
}

/// The text of a file read as one reader would, on every core; None (and `set` unchanged)
/// when a file read a block at a time must be read whole instead.
fn read_text(
    set: &mut ImportSet,
    name: &str,
    text: Text<'_>,
    rules: &ImportRules,
    options: &mut AddOptions<'_>,
) -> Result<Option<ImportedFile>, ImportError> {
    let partial = text.head.len() < text.len;
    let (header, to_the_end) = find_header_in(text.head, &rules.headers, options.remembered);
    if partial && to_the_end {
        return Ok(None);
    }
    let header = header.map_err(|columns| ImportError::NoHeader {
        file: name.to_string(),
        columns,
    })?;
    let layout = Layout::new(name, header.cells.clone(), header.remembered.clone(), rules)?;
    let data = text.head.as_bytes();
    let body = body_start(data, header.delimiter, header.record_index);
    if partial && body >= data.len() {
        return Ok(None);
    }
    // a file read a block at a time is read from its first record after the header on (the
    // records up to it are in the head): where that is, and the line ends before it
    let first = match text.origin {
        Origin::Memory => (0, 0),
        Origin::File { .. } => match first_record(text.head, header.delimiter, header.record_index)
        {
            Ok(first) => first,
            Err(_) if partial => return Ok(None),
            Err(line_ends) => (data.len(), line_ends),
        },
    };
    let threads = match options.threads {
        Some(n) => n.max(1),
        None => std::thread::available_parallelism()
            .map_or(1, |n| n.get())
            .min(MAX_THREADS)
            .min(1 + (text.len - body) / MIN_CHUNK),
    };
    let reading = Reading {
        text: text.head,
        data,
        len: text.len,
        origin: text.origin,
        first,
        delimiter: header.delimiter,
        header_index: header.record_index,
        layout: &layout,
        rules,
        file: set.files.len() as u32,
        done: AtomicUsize::new(0),
        cancel: AtomicBool::new(false),
        rejected: std::sync::atomic::AtomicU32::new(0),
        first_rejected: std::sync::Mutex::new(None),
        capped: AtomicBool::new(false),
    };
    let failed = |stop| match stop {
        Stop::Csv(source) => Some(ImportError::Unreadable {
            file: name.to_string(),
            source,
        }),
        Stop::Whole => None,
    };
    let cancelled = || ImportError::Cancelled {
        file: name.to_string(),
    };
    // more rows rejected than a file may have, read with the conventions decided: the first
    // reason is the file's first rejected row's (the lowest chunk's first)
    let too_many = || ImportError::TooManyRejected {
        file: name.to_string(),
        first: reading
            .first_rejected
            .lock()
            .ok()
            .and_then(|f| f.as_ref().map(|(_, reason)| reason.clone())),
    };
    let over = || reading.rejected.load(Ordering::Relaxed) > MAX_REJECTED_ROWS;

    // The rows are read with the conventions the first rows suggest, while the evidence of
    // the whole file is gathered; they are read again only when it decides otherwise.
    let semicolon = header.delimiter == b';';
    let guess = reading.guess(body, semicolon);
    let mut chunks = match reading.origin {
        Origin::Memory => cut(data, body, threads),
        Origin::File { .. } => match reading.cut_file(threads) {
            Ok(chunks) => chunks,
            Err(_) => return Ok(None),
        },
    };
    let mut parts = reading.run(&chunks, options, |r, i, c, t| r.rows(i, c, guess, t, false));
    if reading.cancel.load(Ordering::Relaxed) {
        // before anything sends the file back to be read whole
        return Err(cancelled());
    }
    let from_file = matches!(reading.origin, Origin::File { .. });
    if (chunks.len() > 1 || from_file)
        && parts.iter().any(|p| p.as_ref().is_ok_and(|p| !p.cuttable))
    {
        // a field holds a quote: a cut (between chunks, or blocks of a file) may not be a
        // record boundary
        if from_file {
            return Ok(None);
        }
        chunks = std::iter::once(0..data.len()).collect();
        parts = reading.run(&chunks, options, |r, i, c, t| r.rows(i, c, guess, t, false));
    }
    if reading.cancel.load(Ordering::Relaxed) {
        return Err(cancelled());
    }
    let mut parts = match parts.into_iter().collect::<Result<Vec<Part<'_>>, Stop>>() {
        Ok(parts) => parts,
        Err(stop) => return failed(stop).map_or(Ok(None), Err),
    };
    let mut scan = ConventionScan::default();
    for part in &mut parts {
        scan.merge(std::mem::take(&mut part.scan));
    }
    let (conventions, warning) = scan.decide(semicolon);
    if (conventions.decimal_mark, conventions.date_order) != (guess.decimal_mark, guess.date_order)
    {
        parts.clear();
        reading.done.store(0, Ordering::Relaxed);
        let again = reading
            .run(&chunks, options, |r, i, c, t| {
                r.rows(i, c, conventions, t, true)
            })
            .into_iter()
            .collect::<Result<Vec<Part<'_>>, Stop>>();
        if reading.cancel.load(Ordering::Relaxed) {
            return Err(cancelled());
        }
        if over() {
            return Err(too_many());
        }
        parts = match again {
            Ok(parts) => parts,
            Err(stop) => return failed(stop).map_or(Ok(None), Err),
        };
    } else if over() {
        // the guess was the conventions decided: its rows' rejections are the file's
        return Err(too_many());
    }
    if let Origin::File { file, len, .. } = reading.origin
        && file.metadata().map_or(true, |m| m.len() != len)
    {
        // it changed while it was read: what was read may be parts of two files
        return Ok(None);
    }
    let mut sink: Option<RowSink<'_>> = None;
    let mut lines_before = 0u32;
    for part in parts {
        set.absorb(part.local, part.segments, lines_before);
        lines_before = lines_before.saturating_add(part.line_ends);
        match sink.as_mut() {
            Some(s) => s.merge(part.sink),
            None => sink = Some(part.sink),
        }
    }
    let truncated = text.truncated.then(|| TRUNCATED_WARNING.to_string());
    let sink = sink.unwrap_or_else(|| layout.rows(reading.file, conventions, rules));
    let (counts, warnings) = sink.finish(truncated, warning);
    Ok(Some(ImportedFile {
        name: name.to_string(),
        sha256: String::new(),
        imported_at: None,
        shape: FileShape::Text {
            encoding: text.encoding,
            delimiter: header.delimiter as char,
        },
        header_line: header.line,
        columns: layout.columns,
        conventions,
        counts,
        warnings,
    }))
}

/// The byte offset where the record after the header begins.
fn body_start(data: &[u8], delimiter: u8, header_index: usize) -> usize {
    let mut reader = csv_reader(data, delimiter);
    let mut record = ByteRecord::new();
    for _ in 0..=header_index {
        if !reader.read_byte_record(&mut record).unwrap_or(false) {
            return data.len();
        }
    }
    (reader.position().byte() as usize).min(data.len())
}

/// Cut `data` into up to `n` chunks of about equal size, each after the header's record
/// (`body` on): every cut is just after a line end with an even number of quotes before it.
fn cut(data: &[u8], body: usize, n: usize) -> Vec<Range<usize>> {
    let mut cuts = vec![0];
    let mut quotes = 0usize;
    let mut counted = 0usize;
    for k in 1..n {
        let mut at = (body + (data.len() - body) / n * k).max(counted);
        loop {
            let Some(nl) = data
                .get(at..)
                .and_then(|rest| rest.iter().position(|&b| b == b'\n'))
            else {
                at = data.len();
                break;
            };
            at += nl + 1;
            quotes += count_quotes(&data[counted..at]);
            counted = at;
            if quotes.is_multiple_of(2) {
                break;
            }
        }
        if at >= data.len() {
            break;
        }
        if at > cuts.last().copied().unwrap_or(0) {
            cuts.push(at);
        }
    }
    let mut chunks: Vec<Range<usize>> = cuts.windows(2).map(|w| w[0]..w[1]).collect();
    chunks.push(cuts.last().copied().unwrap_or(0)..data.len());
    chunks
}

fn count_quotes(bytes: &[u8]) -> usize {
    super::sniff::count_byte(bytes, b'"')
}

/// Where the first record after the header (record `header_index`) begins in `text`, and the
/// line ends before it; Err(all the line ends of the text) when it holds no such record.
fn first_record(text: &str, delimiter: u8, header_index: usize) -> Result<(usize, u32), u32> {
    let mut splitter = Splitter::new(text, delimiter);
    let mut record = Record::new(text);
    let mut n = 0usize;
    while splitter.next_into(&mut record) {
        if n > header_index {
            return Ok((record.start(), record.line().saturating_sub(1)));
        }
        n += 1;
    }
    Err(splitter.line_ends())
}

/// Where a block read from a file ends: just after its last line end with an even number of
/// quotes before it (counted from the block's start, a record boundary).
fn block_end(buf: &[u8]) -> Option<usize> {
    let mut end = memchr::memrchr(b'\n', buf)?;
    let mut quotes = count_quotes(&buf[..end]);
    loop {
        if quotes.is_multiple_of(2) {
            return Some(end + 1);
        }
        let before = memchr::memrchr(b'\n', &buf[..end])?;
        quotes -= count_quotes(&buf[before..end]);
        end = before;
    }
}

/// The hand-over of the first chunk's hash, even after a panic elsewhere.
fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// One chunk read.
struct Part<'a> {
    /// Its rows per fate and stray marks.
    sink: RowSink<'a>,
    /// Its strings and products, and its rows (lines counted from the chunk's first) when it
    /// is the first chunk.
    local: ImportSet,
    /// The rows of a later chunk, in pieces of [`SEGMENT`] (each freed once merged, so the
    /// rows are not held twice while they are).
    segments: Vec<Vec<Row>>,
    /// The evidence for the file's conventions.
    scan: ConventionScan,
    /// Line ends in the chunk.
    line_ends: u32,
    /// No field of the chunk holds a quote (so a cut after it is a record boundary).
    cuttable: bool,
}

/// What the threads reading one file share.
struct Reading<'a> {
    /// The text, or its head when it is read from a file.
    text: &'a str,
    /// `text`'s bytes.
    data: &'a [u8],
    /// The length of all the text.
    len: usize,
    origin: Origin<'a>,
    /// Where a file read a block at a time is read from (its first record after the header),
    /// and the line ends before that.
    first: (usize, u32),
    delimiter: u8,
    header_index: usize,
    layout: &'a Layout,
    rules: &'a ImportRules,
    file: u32,
    /// Bytes read so far, over all chunks.
    done: AtomicUsize,
    cancel: AtomicBool,
    /// Rows rejected in this run, over all chunks ([`MAX_REJECTED_ROWS`] is the file's
    /// limit): set to 0 when a run starts, so a file read again is not counted twice.
    rejected: std::sync::atomic::AtomicU32,
    /// The first rejected row's reason of the lowest chunk that has one, with its chunk.
    first_rejected: std::sync::Mutex<Option<(usize, String)>>,
    /// A run with the conventions decided passed the limit: its chunks stop (the file is
    /// refused whatever the rest holds).
    capped: AtomicBool,
}

/// Called every [`EVERY`] records with the bytes read since the last call; false: stop.
type Tick<'t> = &'t mut dyn FnMut(usize) -> bool;

impl<'a> Reading<'a> {
    /// Keep `row`'s reason as the file's first rejected one unless a lower chunk has one.
    fn note_first_rejected(&self, chunk: usize, row: Option<&crate::import::Row>) {
        let Some(crate::import::Fate::Rejected { reason }) = row.map(|r| &r.fate) else {
            return;
        };
        if let Ok(mut first) = self.first_rejected.lock()
            && first.as_ref().is_none_or(|(c, _)| chunk < *c)
        {
            *first = Some((chunk, reason.to_string()));
        }
    }

    /// Run `work` on every chunk, the first on this thread (reporting progress and relaying a
    /// cancel), the others on threads of their own; results in chunk order.
    fn run<T: Send>(
        &self,
        chunks: &[Range<usize>],
        options: &mut AddOptions<'_>,
        work: impl Fn(&Self, usize, Range<usize>, Tick<'_>) -> Result<T, Stop> + Sync,
    ) -> Vec<Result<T, Stop>> {
        let Some((first, rest)) = chunks.split_first() else {
            return Vec::new();
        };
        // a run counts the rows it rejects afresh
        self.rejected.store(0, Ordering::Relaxed);
        self.capped.store(false, Ordering::Relaxed);
        if let Ok(mut f) = self.first_rejected.lock() {
            *f = None;
        }
        let total = self.len.max(1) as f32;
        std::thread::scope(|scope| {
            let work = &work;
            let handles: Vec<_> = rest
                .iter()
                .enumerate()
                .map(|(i, c)| {
                    let c = c.clone();
                    scope.spawn(move || {
                        let mut tick = |bytes: usize| {
                            self.done.fetch_add(bytes, Ordering::Relaxed);
                            !self.cancel.load(Ordering::Relaxed)
                                && !self.capped.load(Ordering::Relaxed)
                        };
                        work(self, i + 1, c, &mut tick)
                    })
                })
                .collect();
            let mut out = Vec::with_capacity(chunks.len());
            // this thread reports for all of them
            let mut tick = |bytes: usize| {
                let done = self.done.fetch_add(bytes, Ordering::Relaxed) + bytes;
                if !options.report(done as f32 / total) {
                    self.cancel.store(true, Ordering::Relaxed);
                }
                !self.cancel.load(Ordering::Relaxed) && !self.capped.load(Ordering::Relaxed)
            };
            out.push(work(self, 0, first.clone(), &mut tick));
            for h in handles {
                out.push(match h.join() {
                    Ok(r) => r,
                    Err(panic) => std::panic::resume_unwind(panic),
                });
            }
            out
        })
    }

    /// The records of chunk `index` (`range` of the text), the header and what precedes it
    /// left out, each with its line in the chunk; stops early when `tick` says so. The fields
    /// are read by [`Splitter`], which splits as the `csv` reader does and counts the lines as
    /// it goes. Returns the chunk's line ends.
    fn records(
        &self,
        index: usize,
        range: Range<usize>,
        tick: Tick<'_>,
        mut each: impl FnMut(&Record<'_>, u32),
    ) -> Result<u32, Stop> {
        let Origin::File {
            file,
            base,
            block,
            hand_over,
            ..
        } = self.origin
        else {
            // chunks are cut just after a line end, so they are text
            let chunk = self.text.get(range).unwrap_or_default();
            let mut reported = 0usize;
            let split = self.split(chunk, index, &mut 0, &mut |record, n| {
                if n.is_multiple_of(EVERY) {
                    let at = record.start();
                    if !tick(at.saturating_sub(reported)) {
                        return false;
                    }
                    reported = at;
                }
                each(record, record.line());
                true
            });
            return Ok(match split {
                Ok(line_ends) => {
                    tick(chunk.len().saturating_sub(reported));
                    line_ends
                }
                Err(line_ends) => line_ends,
            });
        };
        // A block at a time: each ends after a line end with an even number of quotes since
        // the block began (a record boundary while no field holds a quote, which the caller
        // checks), and what follows it begins the next block.
        let last_chunk = range.end >= self.len;
        let mut buf: Vec<u8> = Vec::new();
        // the text offset of buf's first byte, and of the end of what it holds
        let (mut at, mut filled) = (range.start, range.start);
        let mut size = block;
        let (mut line_ends, mut n) = match index {
            0 => (self.first.1, self.header_index + 1),
            _ => (0, 0),
        };
        let mut reported = range.start;
        // the first chunk hashes the file's bytes up to its end, the first time it is read
        let mut hasher = (index == 0 && lock(hand_over).is_some()).then(|| {
            let mut hasher = Sha256::new();
            if base > 0 {
                hasher.update(b"\xEF\xBB\xBF");
            }
            hasher.update(self.data.get(..range.start).unwrap_or_default());
            hasher
        });
        loop {
            let fill = at.saturating_add(size).min(range.end);
            if fill > filled {
                let old = buf.len();
                buf.resize(fill - at, 0);
                crate::files::read_at(file, &mut buf[old..], base + filled as u64)
                    .map_err(|_| Stop::Whole)?;
                filled = fill;
            }
            let end_of_chunk = filled >= range.end;
            let upto = if end_of_chunk {
                buf.len()
            } else {
                match block_end(&buf) {
                    Some(upto) => upto,
                    None => {
                        // a record longer than the block: a larger one
                        size = size.saturating_mul(2);
                        continue;
                    }
                }
            };
            let piece = &buf[..upto];
            if end_of_chunk && !last_chunk && !count_quotes(piece).is_multiple_of(2) {
                // the cut after this chunk is inside quotes
                return Err(Stop::Whole);
            }
            let text = std::str::from_utf8(piece).map_err(|_| Stop::Whole)?;
            if let Some(hasher) = hasher.as_mut() {
                hasher.update(piece);
            }
            let mut stopped = false;
            let ends = self.split(text, index, &mut n, &mut |record, n| {
                if n.is_multiple_of(EVERY) {
                    let start = at + record.start();
                    if !tick(start.saturating_sub(reported)) {
                        stopped = true;
                        return false;
                    }
                    reported = start;
                }
                each(record, line_ends.saturating_add(record.line()));
                true
            });
            line_ends = line_ends.saturating_add(ends.unwrap_or_else(|ends| ends));
            if stopped {
                return Ok(line_ends);
            }
            if end_of_chunk {
                if let Some(hasher) = hasher
                    && let Some(to) = lock(hand_over).take()
                {
                    // the hashing thread gone (it cannot be) would only mean no hash
                    let _ = to.send((hasher, base + range.end as u64));
                }
                break;
            }
            buf.drain(..upto);
            at += upto;
            size = block;
        }
        tick(range.end.saturating_sub(reported));
        Ok(line_ends)
    }

    /// Split `text` (all or part of chunk `index`), handing each record after the header to
    /// `each` with its number in the chunk (`n` counts the records of the chunk so far) until
    /// it says false. Ok(the line ends of `text`), or Err(those before where it stopped).
    fn split(
        &self,
        text: &str,
        index: usize,
        n: &mut usize,
        each: &mut dyn FnMut(&Record<'_>, usize) -> bool,
    ) -> Result<u32, u32> {
        let mut splitter = Splitter::new(text, self.delimiter);
        let mut record = Record::new(text);
        while splitter.next_into(&mut record) {
            if (index > 0 || *n > self.header_index) && !each(&record, *n) {
                return Err(splitter.line_ends());
            }
            *n += 1;
        }
        Ok(splitter.line_ends())
    }

    /// Cut a file's text (read from its first record after the header on) into up to `n`
    /// chunks of about equal size, each just after a line end. Whether a cut is a record
    /// boundary is known only once the chunk before it is read: it is when an even number of
    /// quotes lies between it and the chunk's start, and no field holds one.
    fn cut_file(&self, n: usize) -> std::io::Result<Vec<Range<usize>>> {
        let body = self.first.0;
        let Origin::File { file, base, .. } = self.origin else {
            return Ok(cut(self.data, body, n));
        };
        let mut cuts = vec![body];
        let mut window = vec![0u8; 1 << 16];
        for k in 1..n {
            // the first chunk's reader also hashes what it reads: it gets less to read
            let share = (k as f64 - FIRST_SHORTER) / (n as f64 - FIRST_SHORTER);
            let mut at = body + ((self.len - body) as f64 * share) as usize;
            loop {
                if at >= self.len {
                    break;
                }
                let take = window.len().min(self.len - at);
                let bytes = &mut window[..take];
                crate::files::read_at(file, bytes, base + at as u64)?;
                match memchr::memchr(b'\n', bytes) {
                    Some(nl) => {
                        at += nl + 1;
                        break;
                    }
                    None => at += take,
                }
            }
            if at >= self.len {
                break;
            }
            if at > cuts.last().copied().unwrap_or(body) {
                cuts.push(at);
            }
        }
        let mut chunks: Vec<Range<usize>> = cuts.windows(2).map(|w| w[0]..w[1]).collect();
        chunks.push(cuts.last().copied().unwrap_or(body)..self.len);
        Ok(chunks)
    }

    /// The conventions the first data rows suggest.
    fn guess(&self, body: usize, semicolon: bool) -> Conventions {
        let mut reader = csv_reader(self.data.get(body..).unwrap_or_default(), self.delimiter);
        let mut record = ByteRecord::new();
        let mut scan = ConventionScan::default();
        let mut n = 0;
        while n < GUESS_ROWS && reader.read_byte_record(&mut record).unwrap_or(false) {
            scan.observe(&record, &self.layout.columns);
            n += 1;
        }
        scan.decide(semicolon).0
    }

    /// One chunk: its rows read with `conventions` into a set of their own (lines counted
    /// from the chunk's first), and the evidence for the file's conventions.
    fn rows(
        &self,
        index: usize,
        range: Range<usize>,
        conventions: Conventions,
        tick: Tick<'_>,
        decided: bool,
    ) -> Result<Part<'a>, Stop> {
        // the header lies in the head of a file read a block at a time
        let chunk = self
            .data
            .get(range.start.min(self.data.len())..range.end.min(self.data.len()))
            .unwrap_or_default();
        let mut local = ImportSet::new();
        let mut sink = self.layout.rows(self.file, conventions, self.rules);
        let mut scan = ConventionScan::default();
        let mut cuttable = true;
        if index == 0 && matches!(self.origin, Origin::Memory) {
            // the records up to the header lie before any cut too (a file read a block at a
            // time is read from the record after the header on)
            let mut reader = csv_reader(chunk, self.delimiter);
            let mut record = ByteRecord::new();
            let mut n = 0;
            while n <= self.header_index && reader.read_byte_record(&mut record)? {
                cuttable &= !record.as_slice().contains(&b'"');
                n += 1;
            }
        }
        let mut segments: Vec<Vec<crate::import::Row>> = Vec::new();
        let mut rejected = 0;
        let line_ends = self.records(index, range, tick, |record, line| {
            cuttable &= !record.quote_in_field();
            sink.observe(&mut scan, record);
            sink.push(&mut local, line, record);
            if sink.rejected() != rejected {
                rejected = sink.rejected();
                if rejected == 1 {
                    // this chunk's first: the file's when no lower chunk has one
                    self.note_first_rejected(index, local.rows.last());
                }
                if self.rejected.fetch_add(1, Ordering::Relaxed) + 1 > MAX_REJECTED_ROWS {
                    if decided {
                        // the file is refused: every chunk stops at its next tick
                        self.capped.store(true, Ordering::Relaxed);
                    } else {
                        // read with a guess the file's evidence may overturn: counted, not
                        // kept (the memory stays bounded; the file is refused or read again)
                        local.rows.pop();
                    }
                }
            }
            if index > 0 && local.rows.len() >= SEGMENT {
                segments.push(std::mem::replace(
                    &mut local.rows,
                    Vec::with_capacity(SEGMENT),
                ));
            }
        })?;
        if index > 0 && !local.rows.is_empty() {
            segments.push(std::mem::take(&mut local.rows));
        }
        Ok(Part {
            sink,
            local,
            segments,
            scan,
            line_ends,
            cuttable,
        })
    }
}
