//! What an edit costs at 10,000 and 200,000 purchases (run: `cargo bench --bench edits`): the
//! memory one undo step holds (the inverse edit now, a copy of the workspace before; divan's
//! allocation counts show what each step allocates, the same at both sizes for the inverse
//! edit), the work the UI thread still does per edit (apply, then a snapshot for the worker),
//! and the recompute the worker does after a reclassification (off the UI thread; issue 11
//! item 3, goal: at most 50 ms at 200,000).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "tests and benchmarks fail by panicking"
)]

use std::sync::Arc;

use chrono::NaiveDate;
use divan::AllocProfiler;
use lpkpi::import::ImportRules;
use lpkpi::import::classify::CatalogEntry;
use lpkpi::rules::capability::{Membership, Person};
use lpkpi::rules::{ProductLine, Profile};
use lpkpi::ui::state::Derived;
use lpkpi::workspace::{Edit, ListEdit, Workspace};

#[global_allocator]
static ALLOC: AllocProfiler = AllocProfiler::system();

fn main() {
    divan::main();
}

/// The workspace sizes: a partner's year, and the large workspace.
const ROWS: &[usize] = &[10_000, 200_000];

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// A partner with `n` imported purchases (one generated export).
fn workspace(n: usize) -> Workspace {
    let products = [
        ("20533C", "MOC 20533C Implementing Azure", "MOC"),
        (
            "LAB-AZ104",
            "Microsoft Labs Online - AZ-104",
            "Microsoft Authorized Labs",
        ),
        ("CAT-LUNCH", "Classroom catering (per student)", "Other"),
        (
            "EXB-AZ-305",
            "Exam Bundle AZ-305 with Retake",
            "Microsoft Exams",
        ),
    ];
    let mut s = String::from(
        "Order Number,Line,Invoice Date,Part Number,Product Name,Product Type,Quantity,Total\n",
    );
    let start = day("2025-10-01");
    for i in 0..n {
        let (part, name, kind) = products[i % products.len()];
        let date = start + chrono::Duration::days((i % 365) as i64);
        s.push_str(&format!(
            "{},{},{},{part},\"{name}\",{kind},{},{}.50\n",
            5000 + i / 2,
            i % 2 + 1,
            date.format("%Y-%m-%d"),
            1 + i % 20,
            100 + i % 900
        ));
    }
    let mut ws = Workspace::new("Contoso", Some("gold"), Some(day("2026-10-01")));
    let rules = ImportRules::new(&Profile::builtin().unwrap());
    for o in ws.import_files(
        &[("big.csv".to_string(), s.into_bytes())],
        &rules,
        day("2026-09-01").and_hms_opt(9, 0, 0).unwrap(),
    ) {
        o.unwrap();
    }
    assert_eq!(ws.rows.len(), n);
    ws
}

fn trainer() -> Edit {
    Edit::People(ListEdit::Add(Person {
        name: "Ada".into(),
        mct: Some(Membership {
            id: "1".into(),
            expiry: Some(day("2027-01-01")),
        }),
        passes: Vec::new(),
    }))
}

fn reclassify() -> Edit {
    Edit::Catalog(
        "CAT-LUNCH".into(),
        Some(CatalogEntry {
            line: ProductLine::Lab,
            components: None,
        }),
    )
}

/// Before: every undo step was a copy of the whole workspace, rows included.
#[divan::bench(args = ROWS)]
fn undo_step_before_copy_of_the_workspace(bencher: divan::Bencher, rows: usize) {
    let ws = workspace(rows);
    bencher.bench_local(|| {
        let mut copy = ws.clone();
        // the rows were a plain Vec: the copy copied them
        Arc::make_mut(&mut copy.rows);
        copy
    });
}

/// Now: an undo step is the inverse edit (applied and taken back here, so the workspace
/// stays the same between iterations).
#[divan::bench(args = ROWS)]
fn undo_step_now_inverse_edit(bencher: divan::Bencher, rows: usize) {
    let mut ws = workspace(rows);
    bencher.bench_local(|| {
        let inverse = ws.apply(trainer()).unwrap().unwrap();
        let size = std::mem::size_of_val(&inverse);
        ws.apply(inverse).unwrap();
        size
    });
}

/// The UI thread's part of an edit now: apply it and take the snapshot the worker derives
/// the figures from (the rows are shared, not copied).
#[divan::bench(args = ROWS)]
fn ui_thread_per_edit(bencher: divan::Bencher, rows: usize) {
    let mut ws = workspace(rows);
    bencher.bench_local(|| {
        let inverse = ws.apply(reclassify()).unwrap();
        let snapshot = ws.clone();
        if let Some(inverse) = inverse {
            ws.apply(inverse).unwrap();
        }
        snapshot
    });
}

/// The worker's part: the figures after a reclassification (rows reused from the previous
/// figures). Before, this ran on the UI thread.
#[divan::bench(args = ROWS, sample_count = 10)]
fn recompute_after_reclassification(bencher: divan::Bencher, rows: usize) {
    let mut ws = workspace(rows);
    let today = day("2026-09-15");
    let previous = Arc::new(Derived::compute(&ws, today, None, None).unwrap());
    ws.apply(reclassify()).unwrap();
    bencher.bench_local(|| Derived::compute(&ws, today, Some(previous.clone()), None).unwrap());
}

/// Where the recompute's time goes: the evaluation itself (rules over every row).
#[divan::bench(args = ROWS, sample_count = 10)]
fn recompute_part_evaluate(bencher: divan::Bencher, rows: usize) {
    let ws = workspace(rows);
    let previous = Derived::compute(&ws, day("2026-09-15"), None, None).unwrap();
    bencher.bench_local(|| {
        previous
            .session
            .evaluate(&ws, day("2026-10-01"), day("2026-09-15"), None)
    });
}

/// Where the recompute's time goes: the purchases table's filter text (the rows in lower case).
#[divan::bench(args = ROWS, sample_count = 10)]
fn recompute_part_filter_text(bencher: divan::Bencher, rows: usize) {
    let ws = workspace(rows);
    let previous = Derived::compute(&ws, day("2026-09-15"), None, None).unwrap();
    bencher.bench_local(|| lpkpi::ui::state::SearchText::new(&previous.rows));
}
