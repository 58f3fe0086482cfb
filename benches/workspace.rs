//! Saving and loading a 200,000-purchase workspace (run: `cargo bench --bench workspace`).
//!
//! The workspace is `benches/gen_big.py`'s export of 200,000 rows (the file the figures
//! use) imported into a new workspace once; each bench then saves or loads it. The file's size
//! is printed first. See docs/performance.md.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "tests and benchmarks fail by panicking"
)]

use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use chrono::NaiveDate;
use lpkpi::import::ImportRules;
use lpkpi::workspace::Workspace;
use lpkpi::workspace::file::{Document, parse, read};
use lpkpi::workspace::format::{from_ron, to_ron};

const ROWS: usize = 200_000;

struct Fixture {
    /// Keeps the files until the process ends.
    _dir: tempfile::TempDir,
    workspace: Workspace,
    /// The workspace as saved.
    saved: PathBuf,
    text: String,
}

fn export(dir: &Path) -> Vec<u8> {
    let csv = dir.join("big.csv");
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/gen_big.py");
    let status = std::process::Command::new("python3")
        .arg(&script)
        .arg(&csv)
        .arg(ROWS.to_string())
        .status()
        .expect("python3 runs benches/gen_big.py");
    assert!(status.success(), "gen_big.py failed");
    std::fs::read(&csv).unwrap()
}

static FIXTURE: LazyLock<Fixture> = LazyLock::new(|| {
    let dir = tempfile::tempdir().unwrap();
    let bytes = export(dir.path());
    let mut workspace = Workspace::new(
        "Contoso Learning",
        Some("gold"),
        NaiveDate::from_ymd_opt(2026, 10, 1),
    );
    let rules = ImportRules::new(&workspace.profile().unwrap());
    let now = NaiveDate::from_ymd_opt(2026, 5, 1)
        .and_then(|d| d.and_hms_opt(10, 0, 0))
        .unwrap();
    for outcome in workspace.import_files(&[("big.csv".to_string(), bytes)], &rules, now) {
        outcome.unwrap();
    }
    let saved = dir.path().join("W200k.ron");
    Document::create_or_replace(&saved, workspace.clone())
        .and_then(|mut d| d.save())
        .unwrap();
    let text = std::fs::read_to_string(&saved).unwrap();
    Fixture {
        _dir: dir,
        workspace,
        saved,
        text,
    }
});

fn main() {
    let f = &*FIXTURE;
    eprintln!(
        "workspace of {} stored rows: {} bytes ({:.1} MB), {} lines",
        f.workspace.rows.len(),
        f.text.len(),
        f.text.len() as f64 / 1e6,
        f.text.lines().count()
    );
    divan::main();
}

/// The text alone (no file).
#[divan::bench(sample_count = 5)]
fn to_text() -> usize {
    to_ron(divan::black_box(&FIXTURE.workspace)).unwrap().len()
}

/// A save as the window and `lpkpi import` do it: the text, the check that the file on disk is
/// the one read, the backup, the atomic write.
#[divan::bench(sample_count = 5)]
fn save(bencher: divan::Bencher) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("W.ron");
    let mut doc = Document::create_or_replace(&path, FIXTURE.workspace.clone()).unwrap();
    doc.save().unwrap();
    bencher.bench_local(|| doc.save().unwrap());
}

/// The text parsed, migrated if older, and checked (limits), without the file.
#[divan::bench(sample_count = 5)]
fn from_text() -> usize {
    from_ron(divan::black_box(&FIXTURE.text), "W200k.ron")
        .unwrap()
        .rows
        .len()
}

/// A load as `lpkpi report --workspace` does it: read the file (capped), UTF-8, parse, checks.
#[divan::bench(sample_count = 5)]
fn load() -> usize {
    let bytes = read(&FIXTURE.saved).unwrap();
    parse(&bytes, "W200k.ron").unwrap().rows.len()
}
