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

use std::ops::Range;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use csv::ByteRecord;

use super::layout::{Layout, RowSink};
use super::rows::{ConventionScan, Conventions};
use super::sniff::{TRUNCATED_WARNING, csv_reader, decode_text, find_header};
use super::split::{Record, Splitter};
use super::{AddOptions, FileShape, ImportError, ImportRules, ImportSet, ImportedFile, Row};

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
    let body = body_start(data, header.delimiter, header.record_index);
    let threads = match options.threads {
        Some(n) => n.max(1),
        None => std::thread::available_parallelism()
            .map_or(1, |n| n.get())
            .min(MAX_THREADS)
            .min(1 + (data.len() - body) / MIN_CHUNK),
    };
    let reading = Reading {
        text: &text,
        data,
        delimiter: header.delimiter,
        header_index: header.record_index,
        layout: &layout,
        rules,
        file: set.files.len() as u32,
        done: AtomicUsize::new(0),
        cancel: AtomicBool::new(false),
    };
    let unreadable = |source| ImportError::Unreadable {
        file: name.to_string(),
        source,
    };
    let cancelled = || ImportError::Cancelled {
        file: name.to_string(),
    };

    // The rows are read with the conventions the first rows suggest, while the evidence of
    // the whole file is gathered; they are read again only when it decides otherwise.
    let semicolon = header.delimiter == b';';
    let guess = reading.guess(body, semicolon);
    let mut chunks = cut(data, body, threads);
    let mut parts = reading.run(&chunks, options, |r, i, c, t| r.rows(i, c, guess, t));
    if chunks.len() > 1 && parts.iter().any(|p| p.as_ref().is_ok_and(|p| !p.cuttable)) {
        // a field holds a quote: a cut may not be a record boundary
        chunks = std::iter::once(0..data.len()).collect();
        parts = reading.run(&chunks, options, |r, i, c, t| r.rows(i, c, guess, t));
    }
    if reading.cancel.load(Ordering::Relaxed) {
        return Err(cancelled());
    }
    let mut parts = parts
        .into_iter()
        .collect::<Result<Vec<Part<'_>>, csv::Error>>()
        .map_err(unreadable)?;
    let mut scan = ConventionScan::default();
    for part in &mut parts {
        scan.merge(std::mem::take(&mut part.scan));
    }
    let (conventions, warning) = scan.decide(semicolon);
    if (conventions.decimal_mark, conventions.date_order) != (guess.decimal_mark, guess.date_order)
    {
        parts.clear();
        reading.done.store(0, Ordering::Relaxed);
        parts = reading
            .run(&chunks, options, |r, i, c, t| r.rows(i, c, conventions, t))
            .into_iter()
            .collect::<Result<Vec<Part<'_>>, csv::Error>>()
            .map_err(unreadable)?;
        if reading.cancel.load(Ordering::Relaxed) {
            return Err(cancelled());
        }
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
    let truncated = decoded.truncated.then(|| TRUNCATED_WARNING.to_string());
    let sink = sink.unwrap_or_else(|| layout.rows(reading.file, conventions, rules));
    let (counts, warnings) = sink.finish(truncated, warning);
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
    text: &'a str,
    data: &'a [u8],
    delimiter: u8,
    header_index: usize,
    layout: &'a Layout,
    rules: &'a ImportRules,
    file: u32,
    /// Bytes read so far, over all chunks.
    done: AtomicUsize,
    cancel: AtomicBool,
}

/// Called every [`EVERY`] records with the bytes read since the last call; false: stop.
type Tick<'t> = &'t mut dyn FnMut(usize) -> bool;

impl<'a> Reading<'a> {
    /// Run `work` on every chunk, the first on this thread (reporting progress and relaying a
    /// cancel), the others on threads of their own; results in chunk order.
    fn run<T: Send>(
        &self,
        chunks: &[Range<usize>],
        options: &mut AddOptions<'_>,
        work: impl Fn(&Self, usize, Range<usize>, Tick<'_>) -> Result<T, csv::Error> + Sync,
    ) -> Vec<Result<T, csv::Error>> {
        let Some((first, rest)) = chunks.split_first() else {
            return Vec::new();
        };
        let total = self.data.len().max(1) as f32;
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
                !self.cancel.load(Ordering::Relaxed)
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
    /// left out, with their lines in the chunk; stops early when `tick` says so. The fields are
    /// read by [`Splitter`], which splits as the `csv` reader does and counts the lines as it
    /// goes. Returns the chunk's line ends.
    fn records(
        &self,
        index: usize,
        range: Range<usize>,
        tick: Tick<'_>,
        mut each: impl FnMut(&Record<'a>),
    ) -> Result<u32, csv::Error> {
        // chunks are cut just after a line end, so they are text
        let chunk = self.text.get(range).unwrap_or_default();
        let mut splitter = Splitter::new(chunk, self.delimiter);
        let mut record = Record::new(chunk);
        let mut n = 0usize;
        let mut reported = 0usize;
        while splitter.next_into(&mut record) {
            if n.is_multiple_of(EVERY) {
                let at = record.start();
                if !tick(at.saturating_sub(reported)) {
                    return Ok(splitter.line_ends());
                }
                reported = at;
            }
            if index > 0 || n > self.header_index {
                each(&record);
            }
            n += 1;
        }
        tick(chunk.len().saturating_sub(reported));
        Ok(splitter.line_ends())
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
    ) -> Result<Part<'a>, csv::Error> {
        let chunk = self.data.get(range.clone()).unwrap_or_default();
        let columns = &self.layout.columns;
        let mut local = ImportSet::new();
        let mut sink = self.layout.rows(self.file, conventions, self.rules);
        let mut scan = ConventionScan::default();
        let mut cuttable = true;
        if index == 0 {
            // the records up to the header lie before any cut too
            let mut reader = csv_reader(chunk, self.delimiter);
            let mut record = ByteRecord::new();
            let mut n = 0;
            while n <= self.header_index && reader.read_byte_record(&mut record)? {
                cuttable &= !record.as_slice().contains(&b'"');
                n += 1;
            }
        }
        let mut segments = Vec::new();
        let line_ends = self.records(index, range, tick, |record| {
            cuttable &= !record.quote_in_field();
            scan.observe(record, columns);
            let line = record.line();
            sink.push(&mut local, line, record);
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
