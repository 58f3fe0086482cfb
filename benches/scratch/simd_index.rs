//! Scratch measurement, not built by cargo (it needs `unsafe`, which the crate denies): how
//! fast the 1M-row file's structure (where fields and records end, outside quotes) is found 64
//! bytes a step with AVX2, the positions flattened into a `u32` array as polars' reader and
//! simd-csv do. It is the first lever of "a design that would reach the time goal" in
//! docs/performance.md, measured against `split_gen_big_million` (92 ms). It ignores `\r`,
//! a file's tail under 64 bytes, and everything a row needs after its positions.
//!
//! ```sh
//! python3 benches/gen_big.py /tmp/big.csv 1000000
//! rustc -O -C target-cpu=native benches/scratch/simd_index.rs -o /tmp/simd_index
//! /tmp/simd_index /tmp/big.csv
//! ```
use std::arch::x86_64::*;
use std::time::Instant;

#[target_feature(enable = "avx2")]
unsafe fn masks32(p: *const u8) -> (u32, u32, u32) {
    let v = _mm256_loadu_si256(p as *const __m256i);
    let d = _mm256_movemask_epi8(_mm256_cmpeq_epi8(v, _mm256_set1_epi8(b',' as i8))) as u32;
    let q = _mm256_movemask_epi8(_mm256_cmpeq_epi8(v, _mm256_set1_epi8(b'"' as i8))) as u32;
    let n = _mm256_movemask_epi8(_mm256_cmpeq_epi8(v, _mm256_set1_epi8(b'\n' as i8))) as u32;
    (d, q, n)
}

fn prefix_xor(mut x: u64) -> u64 {
    x ^= x << 1; x ^= x << 2; x ^= x << 4; x ^= x << 8; x ^= x << 16; x ^= x << 32; x
}

#[target_feature(enable = "avx2,bmi1,bmi2,popcnt")]
unsafe fn index(bytes: &[u8], out: &mut Vec<u32>) -> usize {
    let n = bytes.len() / 64 * 64;
    let mut inside = 0u64; // all ones when the previous block ended inside quotes
    let mut records = 0usize;
    out.clear();
    out.reserve(bytes.len() / 8);
    let mut i = 0;
    while i < n {
        let p = bytes.as_ptr().add(i);
        let (d0, q0, n0) = masks32(p);
        let (d1, q1, n1) = masks32(p.add(32));
        let d = d0 as u64 | (d1 as u64) << 32;
        let q = q0 as u64 | (q1 as u64) << 32;
        let nl = n0 as u64 | (n1 as u64) << 32;
        let quoted = prefix_xor(q) ^ inside;
        inside = ((quoted as i64) >> 63) as u64;
        let mut s = (d | nl) & !quoted;
        records += (nl & !quoted).count_ones() as usize;
        // flatten: write 8 positions unconditionally, then more when needed
        let cnt = s.count_ones() as usize;
        let len = out.len();
        out.reserve(64);
        let dst = out.as_mut_ptr().add(len);
        let mut k = 0;
        while k < cnt {
            for j in 0..8 {
                *dst.add(k + j) = i as u32 + s.trailing_zeros();
                s = s & s.wrapping_sub(1);
            }
            k += 8;
        }
        out.set_len(len + cnt);
        i += 64;
    }
    records
}

fn main() {
    let path = std::env::args().nth(1).expect("give the export to read");
    let bytes = std::fs::read(path).unwrap();
    let mut out = Vec::new();
    for _ in 0..3 {
        let t = Instant::now();
        let r = unsafe { index(&bytes, &mut out) };
        println!("avx2 structural index: {:?} ({} record ends, {} positions)", t.elapsed(), r, out.len());
    }
    // the positions walked as fields (what a row path would then read)
    let t = Instant::now();
    let mut prev = 0u32; let mut total = 0u64;
    for &e in &out { total += (e - prev) as u64; prev = e + 1; }
    println!("walk positions: {:?} ({total})", t.elapsed());
}
