//! The limits for old binary `.xls` workbooks: the CFB container is read here (its workbook
//! stream only, with every chain bounded by the file), then the BIFF records of each sheet
//! give what calamine would build: the range a `Dimensions` record makes it reserve, the
//! used range of the cells, the cells and the text they copy from the shared strings.

use super::{
    ALLOCATION_BYTES, Limit, MAX_CELLS, MAX_MEMORY, MAX_SHARED_STRINGS, POSITIONED_BYTES,
    ROW_BYTES, ROW_SLICE_BYTES, Refusal, STRING_BYTES, VALUE_BYTES,
};

/// BIFF8 sheets have at most 65,536 rows.
const XLS_ROWS: u64 = 65_536;

const END_OF_CHAIN: u32 = 0xFFFF_FFFE;
const FREE: u32 = 0xFFFF_FFFF;

fn u16_at(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(b.get(at..at + 2)?.try_into().ok()?))
}

fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

fn broken(what: &str) -> Refusal {
    Refusal::Xls {
        what: what.to_string(),
    }
}

/// The sectors of a CFB file and its allocation table.
struct Cfb<'a> {
    bytes: &'a [u8],
    sector: usize,
    fat: Vec<u32>,
}

impl Cfb<'_> {
    fn sector_data(&self, id: u32) -> Option<&[u8]> {
        let start = (usize::try_from(id).ok()? + 1).checked_mul(self.sector)?;
        self.bytes.get(start..start.checked_add(self.sector)?)
    }

    /// The sectors of a chain, in order; None when it is broken or loops.
    fn chain(&self, start: u32, table: &[u32]) -> Option<Vec<u32>> {
        let mut out = Vec::new();
        let mut id = start;
        let most = self.bytes.len() / self.sector + 1;
        while id != END_OF_CHAIN {
            if out.len() > most || id == FREE {
                return None;
            }
            out.push(id);
            id = *table.get(usize::try_from(id).ok()?)?;
        }
        Some(out)
    }

    fn read_chain(&self, start: u32, limit: usize) -> Option<Vec<u8>> {
        let mut out = Vec::new();
        for id in self.chain(start, &self.fat)? {
            out.extend_from_slice(self.sector_data(id)?);
            if out.len() >= limit {
                break;
            }
        }
        out.truncate(limit);
        Some(out)
    }
}

/// The workbook stream of an `.xls` file.
fn workbook_stream(bytes: &[u8]) -> Option<Vec<u8>> {
    let shift = u16_at(bytes, 0x1E)?;
    if !(7..=16).contains(&shift) {
        return None;
    }
    let sector = 1usize << shift;
    let mini_shift = u16_at(bytes, 0x20)?;
    if mini_shift >= shift {
        return None;
    }
    let mini_sector = 1usize << mini_shift;
    let mut cfb = Cfb {
        bytes,
        sector,
        fat: Vec::new(),
    };
    // the allocation table's sectors: 109 in the header, the rest in the DIFAT chain
    let mut fat_sectors: Vec<u32> = (0..109)
        .filter_map(|i| u32_at(bytes, 0x4C + 4 * i))
        .filter(|&id| id < 0xFFFF_FFFA)
        .collect();
    let mut difat = u32_at(bytes, 0x44)?;
    let mut steps = 0;
    while difat < 0xFFFF_FFFA {
        steps += 1;
        if steps > bytes.len() / sector + 1 {
            return None;
        }
        let data = cfb.sector_data(difat)?;
        let n = sector / 4 - 1;
        fat_sectors.extend(
            (0..n)
                .filter_map(|i| u32_at(data, 4 * i))
                .filter(|&id| id < 0xFFFF_FFFA),
        );
        difat = u32_at(data, 4 * n)?;
    }
    let mut fat = Vec::new();
    for id in fat_sectors {
        let data = cfb.sector_data(id)?;
        fat.extend((0..sector / 4).filter_map(|i| u32_at(data, 4 * i)));
    }
    cfb.fat = fat;
    let dirs = cfb.read_chain(u32_at(bytes, 0x30)?, bytes.len())?;
    let entry = |i: usize| dirs.get(i * 128..(i + 1) * 128);
    let name_of = |e: &[u8]| {
        let len = usize::from(u16_at(e, 0x40).unwrap_or(0)).min(64);
        let units: Vec<u16> = (0..len / 2)
            .filter_map(|i| u16_at(e, 2 * i))
            .take_while(|&u| u != 0)
            .collect();
        String::from_utf16_lossy(&units)
    };
    let root = entry(0)?;
    let stream = ["Workbook", "Book"].iter().find_map(|want| {
        (0..dirs.len() / 128)
            .filter_map(entry)
            .find(|e| e.get(0x42) == Some(&2) && name_of(e) == *want)
    })?;
    let start = u32_at(stream, 0x74)?;
    let size = usize::try_from(u32_at(stream, 0x78)?).ok()?;
    let cutoff = usize::try_from(u32_at(bytes, 0x38)?).ok()?;
    if size >= cutoff {
        return cfb.read_chain(start, size);
    }
    // a small stream lives in the mini stream, in 64-byte sectors
    let mini_stream = cfb.read_chain(u32_at(root, 0x74)?, bytes.len())?;
    let mini_fat_bytes = cfb.read_chain(u32_at(bytes, 0x3C)?, bytes.len())?;
    let mini_fat: Vec<u32> = (0..mini_fat_bytes.len() / 4)
        .filter_map(|i| u32_at(&mini_fat_bytes, 4 * i))
        .collect();
    let mut out = Vec::new();
    for id in cfb.chain(start, &mini_fat)? {
        let at = usize::try_from(id).ok()?.checked_mul(mini_sector)?;
        out.extend_from_slice(mini_stream.get(at..at + mini_sector)?);
        if out.len() >= size {
            break;
        }
    }
    out.truncate(size);
    Some(out)
}

/// One BIFF record.
struct Record<'a> {
    kind: u16,
    data: &'a [u8],
}

fn records(stream: &[u8]) -> impl Iterator<Item = Record<'_>> {
    let mut at = 0usize;
    std::iter::from_fn(move || {
        let kind = u16_at(stream, at)?;
        let len = usize::from(u16_at(stream, at + 2)?);
        let data = stream.get(at + 4..at + 4 + len)?;
        let record = Record { kind, data };
        at += 4 + len;
        Some(record)
    })
}

/// The length in UTF-8 (at most) of each string of a shared string table and its
/// `Continue` records, whose character data restarts with a flags byte.
fn shared_string_lengths(segments: &[&[u8]]) -> Result<Vec<u32>, Limit> {
    struct Cursor<'a> {
        segments: &'a [&'a [u8]],
        seg: usize,
        at: usize,
    }
    impl Cursor<'_> {
        fn byte(&mut self) -> Option<u8> {
            loop {
                let s = self.segments.get(self.seg)?;
                if let Some(&b) = s.get(self.at) {
                    self.at += 1;
                    return Some(b);
                }
                self.seg += 1;
                self.at = 0;
            }
        }
        fn skip(&mut self, mut n: usize) -> Option<()> {
            while n > 0 {
                let s = self.segments.get(self.seg)?;
                let here = (s.len() - self.at.min(s.len())).min(n);
                self.at += here;
                n -= here;
                if n > 0 {
                    self.seg += 1;
                    self.at = 0;
                }
            }
            Some(())
        }
        fn u16(&mut self) -> Option<u16> {
            Some(u16::from_le_bytes([self.byte()?, self.byte()?]))
        }
        fn u32(&mut self) -> Option<u32> {
            Some(u32::from_le_bytes([
                self.byte()?,
                self.byte()?,
                self.byte()?,
                self.byte()?,
            ]))
        }
    }
    let mut c = Cursor {
        segments,
        seg: 0,
        at: 8,
    };
    let mut out = Vec::new();
    let total = segments.iter().map(|s| s.len()).sum::<usize>();
    // a string takes at least three bytes
    let mut string = || -> Option<u32> {
        let cch = usize::from(c.u16()?);
        let flags = c.byte()?;
        let runs = if flags & 0x08 != 0 { c.u16()? } else { 0 };
        let ext = if flags & 0x04 != 0 { c.u32()? } else { 0 };
        let mut wide = flags & 0x01 != 0;
        let mut left = cch;
        let mut utf8 = 0u32;
        while left > 0 {
            let s = c.segments.get(c.seg)?;
            let room = s.len().saturating_sub(c.at);
            if room == 0 {
                // the characters go on in the next record, after a new flags byte
                c.seg += 1;
                c.at = 0;
                wide = c.byte()? & 0x01 != 0;
                continue;
            }
            let width = if wide { 2 } else { 1 };
            let n = left.min(room / width).max(1).min(left);
            c.skip(n * width)?;
            utf8 += u32::try_from(n).ok()? * if wide { 3 } else { 2 };
            left -= n;
        }
        c.skip(4 * usize::from(runs))?;
        c.skip(usize::try_from(ext).ok()?)?;
        Some(utf8)
    };
    while out.len() < total / 3 + 1 {
        match string() {
            Some(len) => {
                if out.len() as u64 >= MAX_SHARED_STRINGS {
                    return Err(Limit::SharedStrings {
                        count: out.len() as u64 + 1,
                    });
                }
                out.push(len);
            }
            None => break,
        }
    }
    Ok(out)
}

/// What one sheet's records would make calamine build.
#[derive(Default)]
struct SheetScan {
    name: String,
    reserve: u64,
    filled: u64,
    formulas: bool,
    bounds: Option<(u64, u64, u64, u64)>,
    rows: Vec<bool>,
    text: u64,
}

/// A sheet's memory: what its range keeps, what reading it takes for a while, and what the
/// importer keeps for its rows.
struct SheetMemory {
    kept: u64,
    reading: u64,
    importing: u64,
    rows: u64,
}

impl SheetScan {
    fn cell(&mut self, row: u64, col: u64, text: u64) {
        self.filled += 1;
        self.text = self.text.saturating_add(text);
        self.bounds = Some(match self.bounds {
            None => (row, row, col, col),
            Some((r0, r1, c0, c1)) => (r0.min(row), r1.max(row), c0.min(col), c1.max(col)),
        });
        if let Some(seen) = self
            .rows
            .get_mut(usize::try_from(row).unwrap_or(usize::MAX))
        {
            *seen = true;
        }
    }

    fn memory(&self) -> Result<SheetMemory, Limit> {
        let (rows, columns) = match self.bounds {
            Some((r0, r1, c0, c1)) => (r1 - r0 + 1, c1 - c0 + 1),
            None => (0, 0),
        };
        let area = rows.saturating_mul(columns);
        if area > MAX_CELLS {
            return Err(Limit::SheetCells {
                sheet: self.name.clone(),
                rows,
                columns,
            });
        }
        let filled_rows = self.rows.iter().filter(|&&r| r).count() as u64;
        let formulas = if self.formulas { area } else { 0 };
        Ok(SheetMemory {
            kept: area
                .saturating_mul(VALUE_BYTES)
                .saturating_add(formulas.saturating_mul(STRING_BYTES))
                .saturating_add(self.text),
            reading: self
                .reserve
                .max(self.filled)
                .saturating_mul(POSITIONED_BYTES)
                .saturating_add(self.filled.saturating_mul(POSITIONED_BYTES)),
            importing: rows
                .saturating_mul(ROW_SLICE_BYTES)
                .saturating_add(filled_rows.saturating_mul(ROW_BYTES)),
            rows: filled_rows,
        })
    }
}

/// The most sheet records read in all (calamine reads each sheet from where the workbook
/// says it starts: sheets that overlap are read again).
const MAX_SHEET_BYTES: usize = 256 * 1024 * 1024;

/// Check an `.xls` workbook against the limits.
pub(super) fn check(bytes: &[u8]) -> Result<(), Refusal> {
    let stream = workbook_stream(bytes).ok_or_else(|| broken("its container"))?;
    // The globals, as calamine reads them: up to the first EOF.
    let mut sheets: Vec<(usize, String)> = Vec::new();
    let mut shared: Vec<u32> = Vec::new();
    let mut shared_bytes = 0u64;
    let all: Vec<Record<'_>> = records(&stream).collect();
    let mut i = 0;
    while let Some(r) = all.get(i) {
        i += 1;
        match r.kind {
            0x000A => break,
            // BoundSheet8: where a sheet starts, and its name
            0x0085 => {
                let (Some(at), Some(&cch), Some(&flags)) =
                    (u32_at(r.data, 0), r.data.get(6), r.data.get(7))
                else {
                    return Err(broken("a sheet's entry"));
                };
                let at = usize::try_from(at).unwrap_or(usize::MAX);
                if at > stream.len() {
                    return Err(broken("a sheet's position"));
                }
                let raw = r.data.get(8..).unwrap_or(&[]);
                let name = if flags & 1 != 0 {
                    let units: Vec<u16> = (0..usize::from(cch))
                        .filter_map(|k| u16_at(raw, 2 * k))
                        .collect();
                    String::from_utf16_lossy(&units)
                } else {
                    raw.iter()
                        .take(usize::from(cch))
                        .map(|&b| char::from(b))
                        .collect()
                };
                sheets.push((at, name));
            }
            // SST and its Continue records
            0x00FC => {
                let declared = u32_at(r.data, 4).map_or(0, u64::from);
                if declared > MAX_SHARED_STRINGS {
                    return Err(Limit::SharedStrings { count: declared }.into());
                }
                let mut segments = vec![r.data];
                while let Some(next) = all.get(i).filter(|n| n.kind == 0x003C) {
                    segments.push(next.data);
                    i += 1;
                }
                shared = shared_string_lengths(&segments)?;
                shared_bytes = shared
                    .iter()
                    .map(|&l| u64::from(l) + STRING_BYTES + ALLOCATION_BYTES)
                    .sum();
            }
            _ => {}
        }
    }
    drop(all);
    // Every sheet is read when the workbook is opened, from where it starts.
    let base = (stream.len() as u64).saturating_add(shared_bytes);
    let mut kept = 0u64;
    let mut peak = 0u64;
    let mut scanned = 0usize;
    for (at, name) in sheets {
        let scan = scan_sheet(&stream[at..], name, &shared, &mut scanned)?;
        let memory = scan.memory()?;
        kept = kept.saturating_add(memory.kept);
        peak = peak.max(memory.reading.saturating_add(memory.importing));
        let bytes = base.saturating_add(kept).saturating_add(peak);
        if bytes > MAX_MEMORY {
            return Err(Limit::Memory {
                sheet: scan.name,
                bytes,
                cells: scan.filled,
                rows: memory.rows,
                text: scan.text,
            }
            .into());
        }
    }
    Ok(())
}

/// One sheet's records from its BOF to its EOF, nested substreams (charts) skipped, as
/// calamine reads them.
fn scan_sheet(
    records_from: &[u8],
    name: String,
    shared: &[u32],
    scanned: &mut usize,
) -> Result<SheetScan, Refusal> {
    let mut s = SheetScan {
        name,
        rows: vec![false; XLS_ROWS as usize],
        ..SheetScan::default()
    };
    let mut seen_bof = false;
    let mut depth = 0usize;
    for r in records(records_from) {
        *scanned += 4 + r.data.len();
        if *scanned > MAX_SHEET_BYTES {
            return Err(broken("its sheets (they overlap)"));
        }
        if depth > 0 {
            match r.kind {
                0x0809 => depth += 1,
                0x000A => depth -= 1,
                _ => {}
            }
            continue;
        }
        let row = u16_at(r.data, 0).map_or(0, u64::from);
        let col = u16_at(r.data, 2).map_or(0, u64::from);
        match r.kind {
            0x0809 if seen_bof => depth += 1,
            0x0809 => seen_bof = true,
            0x000A => break,
            // Dimensions: calamine reserves rows x columns (as u32, so the range must hold)
            0x0200 => {
                let (rf, rl, cf, cl) = match r.data.len() {
                    10 => (
                        u16_at(r.data, 0).map_or(0, u64::from),
                        u16_at(r.data, 2).map_or(0, u64::from),
                        u16_at(r.data, 4).map_or(0, u64::from),
                        u16_at(r.data, 6).map_or(0, u64::from),
                    ),
                    14 | 16 => (
                        u32_at(r.data, 0).map_or(0, u64::from),
                        u32_at(r.data, 4).map_or(0, u64::from),
                        u16_at(r.data, 8).map_or(0, u64::from),
                        u16_at(r.data, 10).map_or(0, u64::from),
                    ),
                    _ => continue,
                };
                let cf = if cf > 0xFF || cl < cf { 0 } else { cf };
                if rl >= 1 && cl >= 1 {
                    let (end_r, end_c) = (rl - 1, cl - 1);
                    if end_r < rf || end_c < cf {
                        return Err(Limit::Range { sheet: s.name }.into());
                    }
                    let rows = end_r - rf + 1;
                    let columns = end_c - cf + 1;
                    if rows.saturating_mul(columns) > MAX_CELLS {
                        return Err(Limit::SheetCells {
                            sheet: s.name,
                            rows,
                            columns,
                        }
                        .into());
                    }
                    s.reserve = rows * columns;
                }
            }
            // Number, RK, BoolErr
            0x0203 | 0x027E | 0x0205 => s.cell(row, col, 0),
            // Label, RString: text in the record
            0x0204 | 0x00D6 => s.cell(row, col, r.data.len() as u64 + ALLOCATION_BYTES),
            // LabelSst: a copy of a shared string
            0x00FD => {
                let index = u32_at(r.data, 6).and_then(|k| usize::try_from(k).ok());
                let len = index
                    .and_then(|k| shared.get(k))
                    .map_or(0, |&l| u64::from(l) + ALLOCATION_BYTES);
                s.cell(row, col, len);
            }
            // Formula (its string result comes in a String record)
            0x0006 => {
                s.formulas = true;
                s.cell(row, col, 0);
            }
            0x0207 => {
                s.text = s
                    .text
                    .saturating_add(r.data.len() as u64 + ALLOCATION_BYTES)
            }
            // MulRk: cells from the first column to the last
            0x00BD => {
                let last = r
                    .data
                    .len()
                    .checked_sub(2)
                    .and_then(|at| u16_at(r.data, at))
                    .map_or(0, u64::from);
                if last < col {
                    return Err(broken("a record of a sheet"));
                }
                // calamine reads it only when its length is right: then it is short
                if r.data.len() as u64 != 6 + 6 * (last - col + 1) {
                    continue;
                }
                for c in col..=last {
                    s.cell(row, c, 0);
                }
            }
            _ => {}
        }
        if s.filled > 0 && s.filled.is_multiple_of(65_536) {
            s.memory()?;
        }
    }
    Ok(s)
}
