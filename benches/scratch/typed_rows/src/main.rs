//! Scratch measurement, not built with lpkpi (it needs `unsafe` for AVX2, which the crate
//! denies, and it is not lpkpi's code): the least the "typed columns" design of
//! docs/performance.md could cost on the 1M-row file, to size that design before anyone
//! rewrites the row path for it.
//!
//! It reads gen_big.py's file the way that design would: the fields' ends found 64 bytes a
//! step (AVX2, as `benches/scratch/simd_index.rs`; a line end is `\n`, the `\r` before it
//! taken off the last field), then each record parsed from its fields
//! straight into columns (order and line handles, day, month, product, quantity, cents,
//! currency, line number; 32 bytes a row), the order ids and products interned by their bytes,
//! on one thread and on two (each half of the file, then merged: the later half's handles
//! renumbered and its columns appended), then a month-by-month sum like the evaluation's. It
//! also hashes the file with SHA-256 and with BLAKE3.
//!
//! It does less than lpkpi does, so its times are a floor, not a forecast: it knows the
//! column order, the date form (month first), the money form ("$1,234.50") and the one
//! currency in advance; it keeps no rejected rows, reasons, warnings, review rows or
//! conventions' evidence beyond a count of decimal points; it does not check UTF-8; a
//! record it cannot read is only counted, and the last one must end with a line end.
//!
//! ```sh
//! python3 benches/gen_big.py /tmp/big.csv 1000000
//! cargo run --release --manifest-path benches/scratch/typed_rows/Cargo.toml -- /tmp/big.csv
//! ```
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::time::{Duration, Instant};

use sha2::Digest;

/// A multiply-rotate hasher over eight bytes at a time (as rustc's FxHasher).
#[derive(Default)]
struct Fx(u64);

impl Hasher for Fx {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let w = u64::from_le_bytes(c.try_into().unwrap_or([0; 8]));
            self.0 = (self.0.rotate_left(5) ^ w).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
        }
        let mut tail = [0u8; 8];
        let rest = chunks.remainder();
        tail[..rest.len()].copy_from_slice(rest);
        let w = u64::from_le_bytes(tail) ^ (bytes.len() as u64) << 56;
        self.0 = (self.0.rotate_left(5) ^ w).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
    fn finish(&self) -> u64 {
        // the multiply leaves the low bits weak: fold the high ones down
        let x = self.0 ^ (self.0 >> 32);
        x.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ (x >> 29)
    }
}

type FxMap<K, V> = HashMap<K, V, BuildHasherDefault<Fx>>;

#[cfg(target_arch = "x86_64")]
mod index {
    use std::arch::x86_64::*;

    #[target_feature(enable = "avx2")]
    unsafe fn masks32(p: *const u8) -> (u32, u32, u32) {
        unsafe {
            let v = _mm256_loadu_si256(p as *const __m256i);
            let d = _mm256_movemask_epi8(_mm256_cmpeq_epi8(v, _mm256_set1_epi8(b',' as i8)));
            let q = _mm256_movemask_epi8(_mm256_cmpeq_epi8(v, _mm256_set1_epi8(b'"' as i8)));
            let n = _mm256_movemask_epi8(_mm256_cmpeq_epi8(v, _mm256_set1_epi8(b'\n' as i8)));
            (d as u32, q as u32, n as u32)
        }
    }

    fn prefix_xor(mut x: u64) -> u64 {
        x ^= x << 1;
        x ^= x << 2;
        x ^= x << 4;
        x ^= x << 8;
        x ^= x << 16;
        x ^= x << 32;
        x
    }

    /// The ends of the fields of `bytes` (delimiters and line ends outside quotes), as
    /// offsets into it, into `out`. The tail under 64 bytes is padded with zeros.
    #[target_feature(enable = "avx2,bmi1,popcnt")]
    pub unsafe fn ends(bytes: &[u8], out: &mut Vec<u32>) {
        out.clear();
        out.reserve(bytes.len() / 8 + 64);
        let mut inside = 0u64;
        let mut pad;
        let mut i = 0;
        while i < bytes.len() {
            let p = if i + 64 <= bytes.len() {
                unsafe { bytes.as_ptr().add(i) }
            } else {
                pad = [0u8; 64];
                pad[..bytes.len() - i].copy_from_slice(&bytes[i..]);
                pad.as_ptr()
            };
            let (d0, q0, n0) = unsafe { masks32(p) };
            let (d1, q1, n1) = unsafe { masks32(p.add(32)) };
            let d = d0 as u64 | (d1 as u64) << 32;
            let q = q0 as u64 | (q1 as u64) << 32;
            let nl = n0 as u64 | (n1 as u64) << 32;
            let quoted = prefix_xor(q) ^ inside;
            inside = ((quoted as i64) >> 63) as u64;
            let mut s = (d | nl) & !quoted;
            let cnt = s.count_ones() as usize;
            let len = out.len();
            out.reserve(cnt + 8);
            unsafe {
                let dst = out.as_mut_ptr().add(len);
                let mut k = 0;
                while k < cnt {
                    for j in 0..8 {
                        *dst.add(k + j) = i as u32 + s.trailing_zeros();
                        s &= s.wrapping_sub(1);
                    }
                    k += 8;
                }
                out.set_len(len + cnt);
            }
            i += 64;
        }
    }
}

/// Rows as columns: 32 bytes a row.
#[derive(Default)]
struct Columns {
    order: Vec<u32>,
    line_id: Vec<u32>,
    day: Vec<i32>,
    month: Vec<u16>,
    product: Vec<u16>,
    quantity: Vec<i32>,
    cents: Vec<i64>,
    currency: Vec<u8>,
    line: Vec<u32>,
}

impl Columns {
    fn with_capacity(n: usize) -> Columns {
        Columns {
            order: Vec::with_capacity(n),
            line_id: Vec::with_capacity(n),
            day: Vec::with_capacity(n),
            month: Vec::with_capacity(n),
            product: Vec::with_capacity(n),
            quantity: Vec::with_capacity(n),
            cents: Vec::with_capacity(n),
            currency: Vec::with_capacity(n),
            line: Vec::with_capacity(n),
        }
    }
    fn len(&self) -> usize {
        self.order.len()
    }
}

/// One part of the file read: its columns and the texts its handles stand for.
struct Part<'a> {
    cols: Columns,
    orders: Vec<&'a [u8]>,
    order_of: FxMap<&'a [u8], u32>,
    products: Vec<[&'a [u8]; 3]>,
    product_of: FxMap<[&'a [u8]; 3], u32>,
    dots: u32,
    bad: u32,
}

fn days_from_civil(y: i32, m: u32, d: u32) -> i32 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = (y - era * 400) as u32;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe as i32 - 719_468
}

fn digits(b: &[u8]) -> Option<u32> {
    if b.is_empty() || b.len() > 9 {
        return None;
    }
    let mut v = 0u32;
    for &c in b {
        let d = c.wrapping_sub(b'0');
        if d > 9 {
            return None;
        }
        v = v * 10 + d as u32;
    }
    Some(v)
}

/// "MM/DD/YYYY" (month first): (day number, year * 12 + month - 1).
fn date(b: &[u8]) -> Option<(i32, u16)> {
    let (m, rest) = b.split_at(b.iter().position(|&c| c == b'/')?);
    let rest = &rest[1..];
    let (d, rest) = rest.split_at(rest.iter().position(|&c| c == b'/')?);
    let y = digits(&rest[1..])? as i32;
    let (m, d) = (digits(m)?, digits(d)?);
    const DAYS: [u32; 12] = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    if !(1..=12).contains(&m) || d == 0 || d > DAYS[m as usize - 1] {
        return None;
    }
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if m == 2 && d == 29 && !leap {
        return None;
    }
    Some((days_from_civil(y, m, d), (y * 12 + m as i32 - 1) as u16))
}

/// "$1,234.50" (quoted or not), "-$5.00", "($5.00)": cents, and whether it had a decimal
/// point.
fn money(b: &[u8]) -> Option<(i64, bool)> {
    let b = match b {
        [b'"', inner @ .., b'"'] => inner,
        _ => b,
    };
    let (neg, b) = match b {
        [b'(', inner @ .., b')'] => (true, inner),
        [b'-', rest @ ..] => (true, rest),
        _ => (false, b),
    };
    let b = b.strip_prefix(b"$").unwrap_or(b);
    let mut whole = 0i64;
    let mut frac = 0i64;
    let mut frac_digits = 0;
    let mut dot = false;
    let mut any = false;
    for &c in b {
        match c {
            b'0'..=b'9' if dot => {
                if frac_digits == 2 {
                    return None;
                }
                frac = frac * 10 + (c - b'0') as i64;
                frac_digits += 1;
            }
            b'0'..=b'9' => {
                whole = whole.checked_mul(10)? + (c - b'0') as i64;
                any = true;
            }
            b',' if !dot => {}
            b'.' if !dot => dot = true,
            _ => return None,
        }
    }
    if !any {
        return None;
    }
    if frac_digits == 1 {
        frac *= 10;
    }
    let v = whole.checked_mul(100)? + frac;
    Some((if neg { -v } else { v }, dot))
}

/// Read the records of `bytes` (whole records; the header already left out), numbering
/// their lines from `first_line`.
fn read_part<'a>(bytes: &'a [u8], ends: &mut Vec<u32>, first_line: u32) -> Part<'a> {
    // SAFETY: only reached on x86-64 machines with AVX2 (checked in main)
    unsafe { index::ends(bytes, ends) };
    let rows = bytes.len() / 120 + 16;
    let mut order_of: FxMap<&'a [u8], u32> =
        FxMap::with_capacity_and_hasher(rows / 2, Default::default());
    let mut product_of: FxMap<[&'a [u8]; 3], u32> = FxMap::default();
    let mut by_part: FxMap<&'a [u8], u16> = FxMap::default();
    let mut orders = Vec::with_capacity(rows / 2);
    let mut products = Vec::new();
    let mut cols = Columns::with_capacity(rows);
    let (mut dots, mut bad) = (0, 0);
    let mut last_order: Option<(&[u8], u32)> = None;
    let mut start = 0usize;
    let mut fields: [&[u8]; 11] = [&[]; 11];
    let mut k = 0;
    let mut line = first_line;
    for &e in ends.iter() {
        let e = e as usize;
        if e >= bytes.len() {
            break;
        }
        let field = &bytes[start..e];
        if k < 11 {
            fields[k] = field;
        }
        k += 1;
        start = e + 1;
        if bytes[e] != b'\n' {
            continue;
        }
        let n = k;
        k = 0;
        line += 1;
        if n != 11 {
            bad += 1;
            continue;
        }
        let [
            order,
            line_id,
            day,
            part_no,
            name,
            kind,
            qty,
            price,
            total,
            currency,
            status,
        ] = fields;
        let status = status.strip_suffix(b"\r").unwrap_or(status);
        if status != b"Invoiced" {
            bad += 1;
            continue;
        }
        let (Some((day, month)), Some(line_id), Some((_, _)), Some((cents, dot))) =
            (date(day), digits(line_id), money(price), money(total))
        else {
            bad += 1;
            continue;
        };
        let quantity = match qty {
            [b'-', rest @ ..] => digits(rest).map(|v| -(v as i32)),
            _ => digits(qty).map(|v| v as i32),
        };
        let Some(quantity) = quantity else {
            bad += 1;
            continue;
        };
        let currency = match currency {
            b"USD" => 0u8,
            b"EUR" => 1,
            b"GBP" => 2,
            _ => 255,
        };
        let order = match last_order {
            Some((text, h)) if text == order => h,
            _ => {
                let h = intern(&mut order_of, &mut orders, order);
                last_order = Some((order, h));
                h
            }
        };
        // a product is looked for by its part number first (one short text hashed), then
        // its name and type compared
        let key = [part_no, name, kind];
        let product = match by_part.get(part_no) {
            Some(&p) if products[p as usize] == key => p,
            _ => {
                let p = intern(&mut product_of, &mut products, key) as u16;
                by_part.insert(part_no, p);
                p
            }
        };
        dots += dot as u32;
        let c = &mut cols;
        c.order.push(order);
        c.line_id.push(line_id);
        c.day.push(day);
        c.month.push(month);
        c.product.push(product);
        c.quantity.push(quantity);
        c.cents.push(cents);
        c.currency.push(currency);
        c.line.push(line);
    }
    Part {
        cols,
        orders,
        order_of,
        products,
        product_of,
        dots,
        bad,
    }
}

/// The handle of `key` in `map`, given the next one (and `key` appended to `keys`) when new.
fn intern<K: std::hash::Hash + Eq + Copy>(
    map: &mut FxMap<K, u32>,
    keys: &mut Vec<K>,
    key: K,
) -> u32 {
    let next = keys.len() as u32;
    let h = *map.entry(key).or_insert(next);
    if h == next {
        keys.push(key);
    }
    h
}

/// Append `later` to `first`: its order and product handles renumbered into `first`'s.
fn merge<'a>(first: &mut Part<'a>, later: Part<'a>) {
    let orders: Vec<u32> = (later.orders.iter())
        .map(|t| intern(&mut first.order_of, &mut first.orders, t))
        .collect();
    let products: Vec<u16> = (later.products.iter())
        .map(|t| intern(&mut first.product_of, &mut first.products, *t) as u16)
        .collect();
    let (c, l) = (&mut first.cols, later.cols);
    c.order.extend(l.order.iter().map(|&o| orders[o as usize]));
    c.product
        .extend(l.product.iter().map(|&p| products[p as usize]));
    c.line_id.extend_from_slice(&l.line_id);
    c.day.extend_from_slice(&l.day);
    c.month.extend_from_slice(&l.month);
    c.quantity.extend_from_slice(&l.quantity);
    c.cents.extend_from_slice(&l.cents);
    c.currency.extend_from_slice(&l.currency);
    c.line.extend_from_slice(&l.line);
    first.dots += later.dots;
    first.bad += later.bad;
}

/// Month by month: cents and quantities of the rows in the twelve months from `from`, with a
/// weight per product (as a product line's KPI units would be).
fn sums(part: &Part<'_>, from: u16) -> ([i64; 12], [i64; 12]) {
    let weight: Vec<i64> = part
        .products
        .iter()
        .map(|p| {
            if p[2].starts_with(b"MOC") || p[2].starts_with(b"MTA") {
                1
            } else {
                0
            }
        })
        .collect();
    let (mut cents, mut units) = ([0i64; 12], [0i64; 12]);
    let c = &part.cols;
    for i in 0..c.len() {
        let m = c.month[i].wrapping_sub(from) as usize;
        if m < 12 {
            cents[m] += c.cents[i];
            units[m] += c.quantity[i] as i64 * weight[c.product[i] as usize];
        }
    }
    (cents, units)
}

fn best<T>(runs: usize, mut f: impl FnMut() -> T) -> (Duration, T) {
    let mut out = None;
    let mut least = Duration::MAX;
    for _ in 0..runs {
        let t = Instant::now();
        let v = f();
        least = least.min(t.elapsed());
        out = Some(v);
    }
    (least, out.expect("at least one run"))
}

fn main() {
    let path = std::env::args().nth(1).expect("give the export to read");
    if !std::arch::is_x86_feature_detected!("avx2") {
        eprintln!("this measurement needs AVX2");
        std::process::exit(2);
    }
    let runs = 5;
    let (read, bytes) = best(runs, || std::fs::read(&path).expect("read the file"));
    let header_end = bytes.iter().position(|&c| c == b'\n').expect("a header") + 1;
    let body = &bytes[header_end..];

    let mut ends = Vec::new();
    let (index_one, ()) = best(runs, || unsafe { index::ends(body, &mut ends) });
    let (one, part) = best(runs, || read_part(body, &mut ends, 1));
    let rows = part.cols.len();
    let (sum_time, (cents, units)) = best(runs, || sums(&part, 2025 * 12 + 9));
    drop(part);

    // two halves at once, cut after a line end near the middle (no field of this file holds
    // a line end)
    let mid = body.len() / 2;
    let cut = mid
        + body[mid..]
            .iter()
            .position(|&c| c == b'\n')
            .expect("a line end")
        + 1;
    let lines_before = body[..cut].iter().filter(|&&c| c == b'\n').count() as u32;
    let (two, (merged, parse_two, merge_time)) = best(runs, || {
        let t = Instant::now();
        let (mut a, b) = std::thread::scope(|s| {
            let later = s.spawn(|| read_part(&body[cut..], &mut Vec::new(), 1 + lines_before));
            let first = read_part(&body[..cut], &mut Vec::new(), 1);
            (first, later.join().expect("the later half"))
        });
        let parsed = t.elapsed();
        let t = Instant::now();
        merge(&mut a, b);
        (a, parsed, t.elapsed())
    });
    let (cents2, units2) = sums(&merged, 2025 * 12 + 9);
    assert_eq!((cents, units), (cents2, units2), "two halves read as one");
    assert_eq!(merged.cols.len(), rows);

    let (sha, s) = best(runs, || sha2::Sha256::digest(&bytes));
    let (b3, b) = best(runs, || blake3::hash(&bytes));

    println!(
        "file                 {} bytes, {rows} rows read, {} not read",
        bytes.len(),
        merged.bad
    );
    println!(
        "  distinct orders {}, products {}, amounts with a decimal point {}",
        merged.orders.len(),
        merged.products.len(),
        merged.dots
    );
    println!(
        "  sum of the Total column: {} cents",
        merged.cols.cents.iter().sum::<i64>()
    );
    println!("  cents by month from 2025-10: {cents:?}");
    println!("read the file        {read:?}");
    println!("field ends (1 core)  {index_one:?}");
    println!(
        "rows, one thread     {one:?} (field ends included: {:.0} ns a row)",
        one.as_nanos() as f64 / rows as f64
    );
    println!("rows, two threads    {two:?} (parse {parse_two:?} + merge {merge_time:?})");
    println!("month sums           {sum_time:?}");
    println!("SHA-256 (1 core)     {sha:?}  {:02x}{:02x}..", s[0], s[1]);
    println!("BLAKE3 (1 core)      {b3:?}  {}..", &b.to_hex()[..4]);
    println!(
        "each best of {runs} runs; rows are {} bytes",
        4 + 4 + 4 + 2 + 2 + 4 + 8 + 1 + 4
    );
}
