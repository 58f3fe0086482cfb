//! Import and evaluation throughput on generated exports (run: `cargo bench --bench import`).
//! `import_gen_big_million` reads the 1,000,000-row file `benches/peers.py` compares with polars.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "tests and benchmarks fail by panicking"
)]

use chrono::NaiveDate;
use lpkpi::import::classify::{Catalog, Classifier};
use lpkpi::import::{ImportRules, ImportSet};
use lpkpi::money::Rates;
use lpkpi::rules::evaluate::{Inputs, evaluate};
use lpkpi::rules::{Profile, RenewalDates};

fn main() {
    divan::main();
}

const PRODUCTS: &[(&str, &str, &str)] = &[
    (
        "20533C",
        "MOC 20533C Implementing Microsoft Azure Infrastructure Solutions",
        "MOC",
    ),
    (
        "AZ-104T00",
        "AZ-104T00: Microsoft Azure Administrator - Student Kit",
        "Microsoft Training Courseware",
    ),
    (
        "MCCV-AZ900",
        "Microsoft Course Certificate Voucher - Azure Fundamentals",
        "Course Certificate Voucher",
    ),
    (
        "EXB-AZ-305",
        "Exam Bundle AZ-305 with Retake and Practice Test",
        "Microsoft Exams",
    ),
    (
        "LAB-AZ104",
        "Microsoft Labs Online - AZ-104 (180 days)",
        "Microsoft Authorized Labs",
    ),
    ("FREE-AI900", "AI-900 Free Content pack", "Free content"),
    ("CAT-LUNCH", "Classroom catering (per student)", "Other"),
    (
        "MS-700T00",
        "MS-700T00 Managing Microsoft Teams, Collaboration Courseware",
        "Microsoft Training Courseware",
    ),
];

/// A comma CSV of `n` rows like the Courseware Marketplace export.
fn csv_export(n: usize) -> Vec<u8> {
    let mut s = String::from(
        "Order Number,Line,Invoice Date,Part Number,Product Name,Product Type,Quantity,Unit Price,Total,Currency,Status,Components\n",
    );
    let start = NaiveDate::from_ymd_opt(2025, 10, 1).unwrap_or_default();
    for i in 0..n {
        let (part, name, kind) = PRODUCTS[i % PRODUCTS.len()];
        let date = start + chrono::Duration::days((i % 365) as i64);
        let qty = 1 + (i % 20);
        let status = if i % 50 == 0 { "Cancelled" } else { "Invoiced" };
        s.push_str(&format!(
            "{},{},{},{part},\"{name}\",{kind},{qty},123.45,{}.{:02},USD,{status},1\n",
            5000 + i / 2,
            i % 2 + 1,
            date.format("%Y-%m-%d"),
            123 * qty,
            (45 * qty) % 100
        ));
    }
    s.into_bytes()
}

/// The same rows as a Windows-1252 semicolon file with decimal commas and € amounts.
fn semicolon_export(n: usize) -> Vec<u8> {
    let text = String::from_utf8(csv_export(n)).unwrap_or_default();
    let mut out = String::new();
    for line in text.lines() {
        let mut rdr = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(line.as_bytes());
        if let Some(Ok(rec)) = rdr.records().next() {
            let cells: Vec<String> = rec
                .iter()
                .enumerate()
                .map(|(i, c)| {
                    if i == 7 || i == 8 {
                        format!("{} €", c.replace('.', ","))
                    } else {
                        c.to_string()
                    }
                })
                .collect();
            out.push_str(&cells.join(";"));
            out.push_str("\r\n");
        }
    }
    encoding_rs::WINDOWS_1252.encode(&out).0.into_owned()
}

#[divan::bench(args = [10_000, 100_000])]
fn import_csv(bencher: divan::Bencher, n: usize) {
    let profile = Profile::builtin().unwrap_or_else(|e| panic!("{e}"));
    let rules = ImportRules::new(&profile);
    let bytes = csv_export(n);
    bencher
        .counter(divan::counter::ItemsCount::new(n))
        .bench(|| {
            let mut set = ImportSet::new();
            set.add("orders.csv", divan::black_box(&bytes), &rules)
                .map(|_| set.rows.len())
        });
}

#[divan::bench(args = [100_000])]
fn import_cp1252_semicolon(bencher: divan::Bencher, n: usize) {
    let profile = Profile::builtin().unwrap_or_else(|e| panic!("{e}"));
    let rules = ImportRules::new(&profile);
    let bytes = semicolon_export(n);
    bencher
        .counter(divan::counter::ItemsCount::new(n))
        .bench(|| {
            let mut set = ImportSet::new();
            set.add("rechnungen.csv", divan::black_box(&bytes), &rules)
                .map(|_| set.rows.len())
        });
}

#[divan::bench(args = [100_000])]
fn evaluate_rows(bencher: divan::Bencher, n: usize) {
    let profile = Profile::builtin().unwrap_or_else(|e| panic!("{e}"));
    let classifier = Classifier::new(&profile.rulebook).unwrap_or_else(|e| panic!("{e}"));
    let rules = ImportRules::new(&profile);
    let mut set = ImportSet::new();
    let _ = set.add("orders.csv", &csv_export(n), &rules);
    let catalog = Catalog::default();
    let rates = Rates::default();
    let inputs = Inputs {
        profile: &profile,
        classifier: &classifier,
        catalog: &catalog,
        rates: &rates,
        dates: RenewalDates::new(NaiveDate::from_ymd_opt(2026, 10, 1).unwrap_or_default()),
        as_of: NaiveDate::from_ymd_opt(2026, 6, 15).unwrap_or_default(),
        current_level: Some("gold"),
        capability: None,
        planned: &[],
    };
    bencher
        .counter(divan::counter::ItemsCount::new(n))
        .bench(|| evaluate(divan::black_box(&set), &inputs).totals);
}

/// What the window pays after an edit that changes the rows (an import, an undo): the import
/// set rebuilt from the workspace's stored rows, then the evaluation.
#[divan::bench(args = [10_000, 100_000])]
fn workspace_session_rebuild(bencher: divan::Bencher, n: usize) {
    use lpkpi::workspace::Workspace;
    use lpkpi::workspace::session::Session;
    let profile = Profile::builtin().unwrap_or_else(|e| panic!("{e}"));
    let rules = ImportRules::new(&profile);
    let mut ws = Workspace::new("Bench", Some("gold"), NaiveDate::from_ymd_opt(2026, 10, 1));
    let now = NaiveDate::from_ymd_opt(2026, 6, 1)
        .unwrap_or_default()
        .and_hms_opt(0, 0, 0)
        .unwrap_or_default();
    let _ = ws.import_files(&[("orders.csv".to_string(), csv_export(n))], &rules, now);
    let today = NaiveDate::from_ymd_opt(2026, 6, 15).unwrap_or_default();
    bencher
        .counter(divan::counter::ItemsCount::new(n))
        .bench(|| {
            let session = Session::new(divan::black_box(&ws)).unwrap_or_else(|e| panic!("{e}"));
            session
                .evaluate(
                    &ws,
                    NaiveDate::from_ymd_opt(2026, 10, 1).unwrap_or_default(),
                    today,
                    None,
                )
                .eval
                .totals
        });
}

/// The 1,000,000-row export of `benches/gen_big.py` (the same bytes as
/// `../shared/perf/gen_big.py`), written to `target/perf/big.csv` when missing: read into a new
/// set in process (hash, decode, parse on every core, classify-ready products, rows), the
/// part of `lpkpi report FILE` that `benches/peers.py` compares with polars.
#[divan::bench(sample_count = 5, sample_size = 1)]
fn import_gen_big_million(bencher: divan::Bencher) {
    let bytes = big_file();
    let profile = Profile::builtin().unwrap_or_else(|e| panic!("{e}"));
    let rules = ImportRules::new(&profile);
    bencher
        .counter(divan::counter::BytesCount::new(bytes.len()))
        .bench(|| {
            let mut set = ImportSet::new();
            set.add("big.csv", divan::black_box(&bytes), &rules)
                .map(|_| set.rows.len())
        });
}

/// The same file read from disk a block at a time (`ImportSet::add_file`, as `lpkpi report`
/// reads it): the bytes are never all in memory, and the hash is taken alongside.
#[divan::bench(sample_count = 5, sample_size = 1)]
fn import_file_big_million(bencher: divan::Bencher) {
    let path = big_path();
    let profile = Profile::builtin().unwrap_or_else(|e| panic!("{e}"));
    let rules = ImportRules::new(&profile);
    let remembered = lpkpi::import::sniff::Remembered::new();
    bencher.bench(|| {
        let file = std::fs::File::open(&path).unwrap();
        let len = file.metadata().unwrap().len();
        let mut set = ImportSet::new();
        let mut options = lpkpi::import::AddOptions::new(&remembered);
        let added = set
            .add_file(
                "big.csv",
                divan::black_box(&file),
                len,
                &rules,
                &mut options,
            )
            .unwrap();
        assert!(added.is_some(), "read whole, not a block at a time");
        set.rows.len()
    });
}

/// The same file's records split into fields on one thread, nothing else
/// (`lpkpi::import::split`, the first step of reading each chunk).
#[divan::bench(sample_count = 10, sample_size = 1)]
fn split_gen_big_million(bencher: divan::Bencher) {
    use lpkpi::import::rows::Cells;
    use lpkpi::import::split::{Record, Splitter};
    let bytes = big_file();
    let text = std::str::from_utf8(&bytes).unwrap();
    bencher
        .counter(divan::counter::BytesCount::new(bytes.len()))
        .bench(|| {
            let mut splitter = Splitter::new(divan::black_box(text), b',');
            let mut record = Record::new(text);
            let mut fields = 0usize;
            while splitter.next_into(&mut record) {
                fields += record.len();
            }
            assert_eq!(fields, 11_000_011);
            (fields, splitter.line_ends())
        });
}

/// `target/perf/big.csv`'s bytes.
fn big_file() -> Vec<u8> {
    std::fs::read(big_path()).unwrap()
}

/// `target/perf/big.csv`, written by `benches/gen_big.py` when missing.
fn big_path() -> std::path::PathBuf {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let file = root.join("target/perf/big.csv");
    if !file.exists() {
        std::fs::create_dir_all(root.join("target/perf")).unwrap();
        let status = std::process::Command::new("python3")
            .arg(root.join("benches/gen_big.py"))
            .arg(&file)
            .arg("1000000")
            .status()
            .unwrap();
        assert!(status.success(), "benches/gen_big.py failed");
    }
    file
}
