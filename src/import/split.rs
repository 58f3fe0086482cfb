//! Records of delimited text split exactly as the `csv` crate splits them (the reader
//! [`super::sniff::csv_reader`] builds: any of `\r`, `\n` ends a record, blank lines are
//! skipped, `"` quotes with `""` inside, no escape or comment character), but many bytes at a
//! time: the rows of a large export are read here, and `csv`'s byte-at-a-time state machine
//! was the largest single cost of an import. Fields without quotes are not copied. The
//! delimiters, quotes and line ends of a block are found at once: 64 bytes with SSE2 on x86-64
//! (the one `unsafe` call here, whose instructions every x86-64 processor has), 8 bytes with
//! integer arithmetic elsewhere.
//!
//! Equivalence with `csv` is a property test below, on inputs built from the bytes that
//! matter (delimiter, quote, `\r`, `\n`, spaces and letters), and the fuzz target `split`
//! (any text, every delimiter `sniff` can pick).

use std::ops::Range;

use super::rows::{Cell, Cells};

/// One field: a range of the text, or of the record's own buffer when it had to be unquoted.
#[derive(Debug, Clone)]
struct Span {
    range: Range<usize>,
    owned: bool,
}

/// One record of `text`: its fields, borrowed from the text when they need no unquoting.
#[derive(Debug)]
pub struct Record<'a> {
    text: &'a str,
    buf: String,
    spans: Vec<Span>,
    start: usize,
    line: u32,
    quote_in_field: bool,
    /// Line ends inside the record's quotes.
    lines_inside: u32,
    /// The text ended inside a quoted field: its quote was never closed.
    unclosed: bool,
    delimiter: u8,
}

impl<'a> Record<'a> {
    /// An empty record over `text` (reused for every record read by one [`Splitter`]).
    pub fn new(text: &'a str) -> Record<'a> {
        Record {
            text,
            buf: String::new(),
            spans: Vec::new(),
            start: 0,
            line: 1,
            quote_in_field: false,
            lines_inside: 0,
            unclosed: false,
            delimiter: b',',
        }
    }

    /// The byte offset in the text where the record begins (its first byte).
    pub fn start(&self) -> usize {
        self.start
    }

    /// The 1-based line where the record begins: line ends before it are `\n`, and `\r` not
    /// followed by `\n` ([`super::sniff::line_ends`]).
    pub fn line(&self) -> u32 {
        self.line
    }

    /// Whether a field's value holds a quote character (`a"b`, `"a""b"`); a quoted field whose
    /// value has none does not count.
    pub fn quote_in_field(&self) -> bool {
        self.quote_in_field
    }

    /// Why the record's quotes look broken, if they do: a quote never closed that took lines
    /// after its own into the record, or a quoted value holding a line that reads as a row of
    /// its own (as many delimiters as a row needs to reach column `last_column`, 0-based).
    /// Both are valid CSV that swallows rows, and a quote missing or extra in an export is
    /// the likely cause; None for every other record.
    pub fn broken_quotes(&self, last_column: usize) -> Option<String> {
        if self.lines_inside == 0 {
            return None;
        }
        let is_end = |c: char| c == '\n' || c == '\r';
        // a value's lines after its first, blank ones aside
        fn after(v: &str) -> impl Iterator<Item = &str> {
            v.split(['\n', '\r'])
                .skip(1)
                .filter(|l| !l.trim().is_empty())
        }
        if self.unclosed {
            // the field never closed is the record's last, and runs to the text's end
            let value = self.get(self.spans.len().checked_sub(1)?)?;
            // with nothing but blank lines after its quote, it took nothing
            after(value).next()?;
            // (counted, not numbered: a record read in a chunk knows its lines from the
            // chunk's first only)
            let lines = super::sniff::line_ends(value.trim_end_matches(is_end).as_bytes());
            return Some(format!(
                "a quote opened on this line is never closed: the {} after it {} read as part \
                 of this row (a quote is missing or extra)",
                lines_phrase(lines),
                if lines == 1 { "was" } else { "were" }
            ));
        }
        let needed = last_column.max(2);
        let delimiter = char::from(self.delimiter);
        let row = (0..self.spans.len())
            .filter_map(|i| self.get(i))
            .flat_map(after)
            .find(|l| l.chars().filter(|&c| c == delimiter).count() >= needed)?;
        Some(format!(
            "a quoted value runs over the {} after this one and holds what reads as a row of \
             its own ({}): a quote is missing or extra",
            lines_phrase(self.lines_inside),
            super::rows::excerpt(row.trim())
        ))
    }

    /// Field `i` as it reads after unquoting.
    #[inline]
    pub fn get(&self, i: usize) -> Option<&str> {
        let span = self.spans.get(i)?;
        if span.owned {
            self.buf.get(span.range.clone())
        } else {
            self.text.get(span.range.clone())
        }
    }

    fn clear(&mut self, start: usize) {
        self.buf.clear();
        self.spans.clear();
        self.start = start;
        self.quote_in_field = false;
        self.lines_inside = 0;
        self.unclosed = false;
    }
}

impl Cells for Record<'_> {
    fn len(&self) -> usize {
        self.spans.len()
    }
    #[inline]
    fn cell(&self, i: usize) -> Cell<'_> {
        self.get(i).map_or(Cell::Empty, Cell::text)
    }
    #[inline]
    fn broken_quotes(&self, last_column: usize) -> Option<String> {
        Record::broken_quotes(self, last_column)
    }
}

/// "1 line", "1,234 lines".
fn lines_phrase(n: u32) -> String {
    let grouped = crate::money::limits::with_separators(&n.to_string());
    format!("{grouped} line{}", if n == 1 { "" } else { "s" })
}

/// Reads the records of a text one after the other.
#[derive(Debug)]
pub struct Splitter<'a> {
    text: &'a str,
    pos: usize,
    delimiter: u8,
    /// Line ends before `pos`.
    line_ends: u32,
}

fn is_end(b: u8) -> bool {
    b == b'\r' || b == b'\n'
}

#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
use sse2 as lanes;
#[cfg(not(all(target_arch = "x86_64", target_feature = "sse2")))]
use words as lanes;

use lanes::{BLOCK, SPREAD};

/// Where the bytes that matter stand in a block of the text: byte `i`'s mark is the lanes'
/// `MARK << (i << SPREAD)` (one bit a byte with SSE2, the top bit of each byte with words).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Marks {
    delimiters: u64,
    quotes: u64,
    /// `\r` and `\n`.
    ends: u64,
}

/// The byte a mark stands for, counted from the block's first.
#[inline]
fn marked_byte(mask: u64) -> usize {
    (mask.trailing_zeros() >> SPREAD) as usize
}

/// The marks of the [`BLOCK`] bytes of `bytes` from `at` (none past its end), and how many
/// of them are in it.
#[inline]
fn block_marks(bytes: &[u8], at: usize, delimiter: u8) -> (Marks, usize) {
    if let Some(block) = bytes
        .get(at..at + BLOCK)
        .and_then(|b| <&[u8; BLOCK]>::try_from(b).ok())
    {
        return (lanes::marks(block, delimiter), BLOCK);
    }
    let rest = bytes.get(at..).unwrap_or_default();
    let mut block = [0u8; BLOCK];
    if let Some(head) = block.get_mut(..rest.len()) {
        head.copy_from_slice(rest);
    }
    let m = lanes::marks(&block, delimiter);
    // `rest` is shorter than a block here
    let valid = (1u64 << (rest.len() << SPREAD)) - 1;
    let m = Marks {
        delimiters: m.delimiters & valid,
        quotes: m.quotes & valid,
        ends: m.ends & valid,
    };
    (m, rest.len())
}

/// A block's marks eight bytes at a time, in plain integer arithmetic: on machines without the
/// x86-64 lanes (longer blocks cost more than they give without vector instructions).
#[cfg_attr(
    all(target_arch = "x86_64", target_feature = "sse2"),
    allow(
        dead_code,
        reason = "the x86-64 build splits with SSE2; a test still checks these"
    )
)]
mod words {
    use super::Marks;

    /// How many bytes [`super::Splitter::scan`] looks at in one step.
    pub(super) const BLOCK: usize = 8;
    /// A byte's mark is its top bit: byte `i`'s is `MARK << (i << SPREAD)`.
    pub(super) const SPREAD: u32 = 3;
    /// See [`SPREAD`].
    #[cfg_attr(not(test), allow(dead_code, reason = "a test checks the marks"))]
    pub(super) const MARK: u64 = 0x80;

    /// `0x80` in every byte of `word` that equals `byte`, `0` elsewhere (exact: no false hits).
    fn bytes_equal(word: u64, byte: u8) -> u64 {
        const LOW7: u64 = 0x7f7f_7f7f_7f7f_7f7f;
        let x = word ^ (u64::from(byte) * 0x0101_0101_0101_0101);
        !(((x & LOW7) + LOW7) | x | LOW7)
    }

    /// The marks of one block.
    #[inline]
    pub(super) fn marks(block: &[u8; BLOCK], delimiter: u8) -> Marks {
        let word = u64::from_le_bytes(*block);
        Marks {
            delimiters: bytes_equal(word, delimiter),
            quotes: bytes_equal(word, b'"'),
            ends: bytes_equal(word, b'\r') | bytes_equal(word, b'\n'),
        }
    }
}

/// A block's marks sixteen bytes at a time, with the SSE2 instructions every x86-64 processor
/// has.
#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
mod sse2 {
    use super::Marks;
    use std::arch::x86_64::{
        __m128i, _mm_cmpeq_epi8, _mm_movemask_epi8, _mm_or_si128, _mm_set_epi64x, _mm_set1_epi8,
    };

    /// How many bytes [`super::Splitter::scan`] looks at in one step.
    pub(super) const BLOCK: usize = 64;
    /// A byte's mark is one bit: byte `i`'s is `MARK << (i << SPREAD)`.
    pub(super) const SPREAD: u32 = 0;
    /// See [`SPREAD`].
    #[cfg_attr(not(test), allow(dead_code, reason = "a test checks the marks"))]
    pub(super) const MARK: u64 = 1;

    /// The marks of one block.
    #[inline]
    #[allow(
        unsafe_code,
        reason = "SSE2 intrinsics are callable only from code compiled with SSE2, which all \
                  x86-64 code is; the compiler still asks for an unsafe call"
    )]
    pub(super) fn marks(block: &[u8; BLOCK], delimiter: u8) -> Marks {
        // SAFETY: SSE2 is part of the x86-64 baseline, and this module is compiled only when
        // the target has it (`target_feature = "sse2"`), so the instructions exist.
        unsafe { marks_sse2(block, delimiter) }
    }

    #[inline]
    #[target_feature(enable = "sse2")]
    fn marks_sse2(block: &[u8; BLOCK], delimiter: u8) -> Marks {
        let delimiters = _mm_set1_epi8(delimiter as i8);
        let quotes = _mm_set1_epi8(b'"' as i8);
        let cr = _mm_set1_epi8(b'\r' as i8);
        let lf = _mm_set1_epi8(b'\n' as i8);
        let bits = |v: __m128i| u64::from(_mm_movemask_epi8(v) as u16);
        let mut m = Marks::default();
        for (i, chunk) in block.chunks_exact(16).enumerate() {
            let mut lo = [0u8; 8];
            let mut hi = [0u8; 8];
            lo.copy_from_slice(chunk.get(..8).unwrap_or_default());
            hi.copy_from_slice(chunk.get(8..).unwrap_or_default());
            // the compiler makes one unaligned 16-byte load of this
            let v = _mm_set_epi64x(i64::from_le_bytes(hi), i64::from_le_bytes(lo));
            let shift = 16 * i;
            m.delimiters |= bits(_mm_cmpeq_epi8(v, delimiters)) << shift;
            m.quotes |= bits(_mm_cmpeq_epi8(v, quotes)) << shift;
            m.ends |= bits(_mm_or_si128(_mm_cmpeq_epi8(v, cr), _mm_cmpeq_epi8(v, lf))) << shift;
        }
        m
    }
}

impl<'a> Splitter<'a> {
    /// Split `text`, whose bytes are separated into fields by `delimiter` (an ASCII byte
    /// other than `"`, `\r` and `\n`).
    pub fn new(text: &'a str, delimiter: u8) -> Splitter<'a> {
        Splitter {
            text,
            pos: 0,
            delimiter,
            line_ends: 0,
        }
    }

    /// The next record into `record`; false at the end of the text.
    pub fn next_into(&mut self, record: &mut Record<'a>) -> bool {
        let bytes = self.text.as_bytes();
        // the line ends between records, counted as they are skipped
        let mut start = self.pos;
        while let Some(&b) = bytes.get(start) {
            if !is_end(b) {
                break;
            }
            if b == b'\n' || bytes.get(start + 1) != Some(&b'\n') {
                self.line_ends = self.line_ends.saturating_add(1);
            }
            start += 1;
        }
        self.pos = start;
        if start >= bytes.len() {
            return false;
        }
        record.clear(start);
        record.line = self.line_ends.saturating_add(1);
        record.delimiter = self.delimiter;
        let inside = match self.scan(record, start) {
            Some(inside) => inside,
            None => {
                record.clear(start);
                record.line = self.line_ends.saturating_add(1);
                self.quoted(record, start);
                bytes
                    .get(start..self.pos)
                    .map_or(0, super::sniff::line_ends)
            }
        };
        record.lines_inside = inside;
        self.line_ends = self.line_ends.saturating_add(inside);
        true
    }

    /// Line ends in the text up to where reading stopped (all of them once
    /// [`Splitter::next_into`] has said false).
    pub fn line_ends(&self) -> u32 {
        self.line_ends
    }

    /// The common record, a block ([`BLOCK`] bytes) at a time: fields without quotes, or quoted with no
    /// quote inside and nothing after the closing one; Some(line ends inside its quotes). None
    /// (record half filled) for anything else, which [`Splitter::quoted`] then reads.
    fn scan(&mut self, record: &mut Record<'a>, start: usize) -> Option<u32> {
        let bytes = self.text.as_bytes();
        let delimiter = self.delimiter;
        let mut field = start;
        let mut closed: Option<usize> = None;
        let mut in_quotes = false;
        let mut base = start;
        let mut inside = 0u32;
        loop {
            let (marks, valid) = block_marks(bytes, base, delimiter);
            if valid == 0 {
                // the text ends, and so does the record
                if in_quotes {
                    return None;
                }
                let range = match closed {
                    Some(c) => field + 1..c,
                    None => field..bytes.len(),
                };
                record.spans.push(Span {
                    range,
                    owned: false,
                });
                self.pos = bytes.len();
                return Some(inside);
            }
            let Marks {
                delimiters,
                quotes,
                ends,
            } = marks;
            if !in_quotes && quotes == 0 {
                // the common block, with no quote and not inside quotes: its delimiters end
                // fields up to its first line end, which ends the record
                let before_end = match ends {
                    0 => u64::MAX,
                    _ => (ends & ends.wrapping_neg()) - 1,
                };
                let mut fields = delimiters & before_end;
                while fields != 0 {
                    let p = base + marked_byte(fields);
                    fields &= fields - 1;
                    end_field(record, field, &mut closed, p);
                    field = p + 1;
                }
                if ends != 0 {
                    let p = base + marked_byte(ends);
                    end_field(record, field, &mut closed, p);
                    self.pos = p;
                    return Some(inside);
                }
                base += BLOCK;
                continue;
            }
            let mut hits = delimiters | quotes | ends;
            while hits != 0 {
                let p = base + marked_byte(hits);
                hits &= hits - 1;
                let b = bytes.get(p).copied().unwrap_or(0);
                if in_quotes {
                    if b == b'"' {
                        match bytes.get(p + 1) {
                            None => {}
                            Some(&c) if c == delimiter || is_end(c) => {}
                            // an escaped quote, or bytes after the closing one
                            Some(_) => return None,
                        }
                        in_quotes = false;
                        closed = Some(p);
                    } else if b == b'\n' || (b == b'\r' && bytes.get(p + 1) != Some(&b'\n')) {
                        inside = inside.saturating_add(1);
                    }
                    continue;
                }
                if b == b'"' {
                    if p == field && closed.is_none() {
                        in_quotes = true;
                        continue;
                    }
                    // a quote inside a field
                    return None;
                }
                // a delimiter or a line end: the field ends here
                end_field(record, field, &mut closed, p);
                if b == delimiter {
                    field = p + 1;
                } else {
                    self.pos = p;
                    return Some(inside);
                }
            }
            base += BLOCK;
        }
    }

    /// A record with a quote in it: field by field, as `csv`'s state machine reads it.
    fn quoted(&mut self, record: &mut Record<'a>, start: usize) {
        let text = self.text;
        let bytes = text.as_bytes();
        let delimiter = self.delimiter;
        let mut at = start;
        loop {
            // a field begins at `at`
            if bytes.get(at) == Some(&b'"') {
                // quoted: up to the closing quote, `""` read as one quote; the value is
                // copied only when it has to be (an escaped quote, bytes after the closing one)
                let mut copied: Option<usize> = None;
                let mut from = at + 1;
                loop {
                    let rest = bytes.get(from..).unwrap_or_default();
                    match memchr::memchr(b'"', rest) {
                        None => {
                            // the text ends inside the quotes: so do the field and the record
                            record.unclosed = true;
                            let span = match copied {
                                Some(s) => {
                                    record.buf.push_str(text.get(from..).unwrap_or_default());
                                    Span {
                                        range: s..record.buf.len(),
                                        owned: true,
                                    }
                                }
                                None => Span {
                                    range: from..bytes.len(),
                                    owned: false,
                                },
                            };
                            record.spans.push(span);
                            self.pos = bytes.len();
                            return;
                        }
                        Some(q) if bytes.get(from + q + 1) == Some(&b'"') => {
                            copied.get_or_insert(record.buf.len());
                            record
                                .buf
                                .push_str(text.get(from..=from + q).unwrap_or_default());
                            record.quote_in_field = true;
                            from += q + 2;
                        }
                        Some(q) => {
                            let close = from + q;
                            // after the closing quote, the bytes up to the field's end count
                            let tail_end = field_end(bytes, close + 1, delimiter);
                            let tail = text.get(close + 1..tail_end).unwrap_or_default();
                            let span = if copied.is_none() && tail.is_empty() {
                                Span {
                                    range: from..close,
                                    owned: false,
                                }
                            } else {
                                let s = *copied.get_or_insert(record.buf.len());
                                record
                                    .buf
                                    .push_str(text.get(from..close).unwrap_or_default());
                                record.buf.push_str(tail);
                                record.quote_in_field |= tail.contains('"');
                                Span {
                                    range: s..record.buf.len(),
                                    owned: true,
                                }
                            };
                            record.spans.push(span);
                            at = tail_end;
                            break;
                        }
                    }
                }
            } else {
                let end = field_end(bytes, at, delimiter);
                let piece = text.get(at..end).unwrap_or_default();
                record.quote_in_field |= piece.contains('"');
                record.spans.push(Span {
                    range: at..end,
                    owned: false,
                });
                at = end;
            }
            // `at` is the field's end: a delimiter (another field follows), a line end or the
            // text's end (the record ends)
            match bytes.get(at) {
                Some(&b) if b == delimiter => at += 1,
                _ => {
                    self.pos = at.min(bytes.len());
                    return;
                }
            }
        }
    }
}

/// Ends the field of `record` that began at `field` at `p`: its text up to there, or between
/// its quotes when a closing quote was met (`closed`, taken).
#[inline]
fn end_field(record: &mut Record<'_>, field: usize, closed: &mut Option<usize>, p: usize) {
    let range = match closed.take() {
        Some(c) => field + 1..c,
        None => field..p,
    };
    record.spans.push(Span {
        range,
        owned: false,
    });
}

/// Where an unquoted stretch starting at `from` ends: the next delimiter or line end, or the
/// text's end.
fn field_end(bytes: &[u8], from: usize, delimiter: u8) -> usize {
    let rest = bytes.get(from..).unwrap_or_default();
    memchr::memchr3(delimiter, b'\r', b'\n', rest).map_or(bytes.len(), |i| from + i)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The records as `csv` reads them: fields, and whether a field holds a quote.
    fn by_csv(text: &str, delimiter: u8) -> Vec<(Vec<String>, bool)> {
        let mut reader = super::super::sniff::csv_reader(text.as_bytes(), delimiter);
        let mut out = Vec::new();
        let mut record = csv::ByteRecord::new();
        while reader.read_byte_record(&mut record).unwrap() {
            let fields: Vec<String> = record
                .iter()
                .map(|f| String::from_utf8(f.to_vec()).unwrap())
                .collect();
            out.push((fields, record.as_slice().contains(&b'"')));
        }
        out
    }

    fn by_splitter(text: &str, delimiter: u8) -> Vec<(Vec<String>, bool)> {
        let mut splitter = Splitter::new(text, delimiter);
        let mut record = Record::new(text);
        let mut out = Vec::new();
        let mut last = 0;
        let mut lines = super::super::sniff::LineCounter::new(text.as_bytes());
        while splitter.next_into(&mut record) {
            assert!(record.start() >= last, "records go forward");
            assert!(!is_end(text.as_bytes()[record.start()]));
            last = record.start();
            assert_eq!(
                record.line(),
                lines.line_at_byte(record.start()),
                "{text:?}"
            );
            let fields: Vec<String> = (0..Cells::len(&record))
                .map(|i| record.get(i).unwrap().to_string())
                .collect();
            out.push((fields, record.quote_in_field()));
        }
        let all = super::super::sniff::line_ends(text.as_bytes());
        assert_eq!(splitter.line_ends(), all, "{text:?}");
        out
    }

    /// Each record's [`Record::broken_quotes`], the rows reaching column 4 (five fields).
    fn broken(text: &str) -> Vec<Option<String>> {
        let mut splitter = Splitter::new(text, b',');
        let mut record = Record::new(text);
        let mut out = Vec::new();
        while splitter.next_into(&mut record) {
            out.push(record.broken_quotes(4));
        }
        out
    }

    #[test]
    fn quotes_that_swallow_rows_are_named_and_others_are_not() {
        // a value over two lines, as an address or a note is: nothing broken
        assert_eq!(
            broken("1,2026-01-05,\"MOC, part one\nand two, of it\",1,10\n2,2026-01-05,MOC,1,10\n"),
            [None, None]
        );
        // a quote never closed: the lines after it were read into its row
        assert_eq!(
            broken(
                "1,2026-01-05,MOC,1,10\n2,2026-01-05,\"MOC,1,10\n3,2026-01-05,MOC,1,10\n4,x\n\n"
            ),
            [
                None,
                Some(
                    "a quote opened on this line is never closed: the 2 lines after it were \
                     read as part of this row (a quote is missing or extra)"
                        .into()
                )
            ]
        );
        // never closed on the last line, with nothing after it: it took nothing
        assert_eq!(broken("1,2026-01-05,MOC,1,\"10\n\n"), [None]);
        assert_eq!(broken("1,2026-01-05,MOC,1,\"10"), [None]);
        // closed by a stray quote further down: valid CSV, but the value holds rows
        assert_eq!(
            broken("1,2026-01-05,\"MOC,1,10\n2,2026-01-05,MOC,1,10\n3,2026-01-05,MOC x\",1,10\n"),
            [Some(
                "a quoted value runs over the 2 lines after this one and holds what reads as a \
                 row of its own (2,2026-01-05,MOC,1,10): a quote is missing or extra"
                    .into()
            )]
        );
        // the same lines with too few delimiters for a row: a note, not rows
        assert_eq!(broken("1,2026-01-05,\"MOC,1\n2,3\",1,10\n"), [None]);
    }

    #[test]
    fn reads_what_csv_reads() {
        for text in [
            "",
            "\n",
            "a",
            "a,b\n",
            "a,b",
            "a,\n",
            "a,",
            ",",
            "\"a,b\",c\r\nd,e",
            "\"a\"\"b\",c",
            "\"a\"b,c",
            "\"a\"b\"c,d",
            "ab\"c,d",
            "\"unterminated,\nx",
            "\"\"",
            "\"\"\"",
            "\"\",\"\"\n\n\r\n\"x\"",
            "x,\"a\nb\",y\nz",
            "\"a\" ,b",
            "é,\"ü,ö\",ß\r\n",
            "1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18\n",
        ] {
            assert_eq!(by_splitter(text, b','), by_csv(text, b','), "{text:?}");
        }
        assert_eq!(
            by_splitter("a;b\t\"c;d\"", b';'),
            by_csv("a;b\t\"c;d\"", b';')
        );
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]
        /// Each lanes' marks are the bytes that matter, exactly: on blocks dense with them
        /// and on bytes of every value.
        #[test]
        fn the_lanes_mark_the_bytes_that_matter(
            block in proptest::collection::vec(
                prop_oneof![
                    Just(b','), Just(b';'), Just(b'\t'), Just(b'|'), Just(b'"'), Just(b'\r'),
                    Just(b'\n'), Just(b'a'), Just(0u8), Just(0x80u8), Just(0xffu8), any::<u8>(),
                ],
                64,
            ),
            delimiter in prop_oneof![Just(b','), Just(b';'), Just(b'\t'), Just(b'|'), any::<u8>()],
        ) {
            let expected = |bytes: &[u8], mark: u64, spread: u32| {
                let mut m = Marks::default();
                for (i, &b) in bytes.iter().enumerate() {
                    let bit = mark << (i << spread);
                    if b == delimiter { m.delimiters |= bit; }
                    if b == b'"' { m.quotes |= bit; }
                    if b == b'\r' || b == b'\n' { m.ends |= bit; }
                }
                m
            };
            for word in block.chunks_exact(words::BLOCK) {
                let word = <[u8; words::BLOCK]>::try_from(word).unwrap();
                prop_assert_eq!(
                    words::marks(&word, delimiter),
                    expected(&word, words::MARK, words::SPREAD)
                );
            }
            #[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
            {
                let block = <[u8; sse2::BLOCK]>::try_from(block.as_slice()).unwrap();
                prop_assert_eq!(
                    sse2::marks(&block, delimiter),
                    expected(&block, sse2::MARK, sse2::SPREAD)
                );
            }
        }

        #[test]
        fn reads_what_csv_reads_on_any_text(
            parts in proptest::collection::vec(
                prop_oneof![
                    Just(","), Just(";"), Just("\""), Just("\"\""), Just("\r"), Just("\n"),
                    Just("\r\n"), Just(" "), Just("a"), Just("bc"), Just("é"), Just("12,345.60"),
                    Just("abcdefghijkl"),
                ],
                0..120,
            ),
            semicolon in any::<bool>(),
        ) {
            let text: String = parts.concat();
            let delimiter = if semicolon { b';' } else { b',' };
            prop_assert_eq!(by_splitter(&text, delimiter), by_csv(&text, delimiter));
        }
    }
}
