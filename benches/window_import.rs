//! The window's import of a large export, headless: the time from the drop to the preview and
//! from "Confirm import" to the dashboard's figures, and the process's peak memory (run:
//! `cargo bench --bench window_import -- FILE [FILE...]`, for instance the 1M-row file of
//! `benches/gen_big.py`; the files are imported one after another into one workspace).
//!
//! Not a divan bench: one import is the measurement, and its peak memory (`VmHWM`) is the
//! process's, which other benches in the same process would raise.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "benchmarks fail by panicking"
)]

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use eframe::egui;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use lpkpi::ui::LpkpiApp;
use lpkpi::workspace::Workspace;

/// A file dropped on the window, as the integration hands it over (a path on disk).
#[derive(Debug)]
struct Dropped {
    path: PathBuf,
}

impl egui::DroppedFile for Dropped {
    fn path(&self) -> &Path {
        &self.path
    }
    fn bytes(&self) -> Result<Vec<u8>, String> {
        std::fs::read(&self.path).map_err(|e| e.to_string())
    }
}

/// The process's peak resident memory so far, in MB (Linux).
fn peak_mb() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

/// The time this thread has spent on a CPU so far (Linux's `schedstat`), in ns: a frame's own
/// work, apart from the time other threads (the workers) held both cores.
fn thread_cpu_ns() -> u64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next().and_then(|v| v.parse().ok()))
        .unwrap_or(0)
}

/// Step the window until `done`, at most a minute.
fn wait(h: &mut Harness<'static, LpkpiApp>, what: &str, done: impl Fn(&LpkpiApp) -> bool) {
    let start = Instant::now();
    while !done(h.state()) {
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "timed out waiting for {what}"
        );
        h.step();
        std::thread::sleep(Duration::from_millis(2));
    }
}

/// Drop `file` on the window, wait for the preview, confirm it and wait for the figures; print
/// the times and the peak memory.
fn import(h: &mut Harness<'static, LpkpiApp>, file: &str) {
    let size = std::fs::metadata(file).map(|m| m.len()).unwrap_or(0) as f64 / 1e6;
    let before = peak_mb();
    let start = Instant::now();
    h.input_mut().dropped_files.push(Arc::new(Dropped {
        path: PathBuf::from(file),
    }));
    h.step();
    wait(h, "the import preview", |app| app.state.preview.is_some());
    let preview = start.elapsed();
    let at_preview = peak_mb();
    // the preview's dialog is drawn in the frames after it arrives
    h.run_steps(2);

    let start = Instant::now();
    let cpu = thread_cpu_ns();
    h.get_by_label("Confirm import").click();
    h.step();
    let click_frame = start.elapsed();
    let click_cpu = thread_cpu_ns().saturating_sub(cpu) as f64 / 1e6;
    wait(h, "the figures", |app| {
        app.state.preview.is_none() && !app.busy() && app.state.outcome().is_some()
    });
    let confirmed = start.elapsed();
    let rows = h.state().state.workspace.rows.len();
    println!("{file}: {size:.1} MB; {rows} purchases in the workspace after it");
    println!(
        "  drop to preview: {:.3} s; confirm to figures: {:.3} s (the frame of the click: {:.1} ms, {click_cpu:.1} ms of its thread's CPU)",
        preview.as_secs_f64(),
        confirmed.as_secs_f64(),
        click_frame.as_secs_f64() * 1e3
    );
    println!(
        "  peak memory: {before:.0} MB before the drop, {at_preview:.0} MB at the preview, {:.0} MB after",
        peak_mb()
    );
}

fn main() {
    // cargo bench passes `--bench`; the files are the other arguments, imported in turn
    let files: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    if files.is_empty() {
        eprintln!("usage: cargo bench --bench window_import -- FILE [FILE...]");
        std::process::exit(2);
    }
    let today = NaiveDate::from_ymd_opt(2026, 11, 26).unwrap();
    let ws = Workspace::new(
        "Contoso Learning",
        Some("gold"),
        today.checked_add_months(chrono::Months::new(2)),
    );
    let mut h = Harness::builder()
        .with_size(egui::vec2(1280.0, 820.0))
        .build_eframe(|cc| LpkpiApp::with_workspace(cc, ws, today));
    h.run_steps(3);
    for file in &files {
        import(&mut h, file);
    }
    undo(&mut h);
}

/// Undo the last import (Ctrl+Z) and print the frame of the key press and the time to the
/// figures without it.
fn undo(h: &mut Harness<'static, LpkpiApp>) {
    let rows = h.state().state.workspace.rows.len();
    let start = Instant::now();
    let cpu = thread_cpu_ns();
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Z);
    h.step();
    let frame = start.elapsed();
    let frame_cpu = thread_cpu_ns().saturating_sub(cpu) as f64 / 1e6;
    wait(h, "the figures after the undo", |app| {
        !app.busy() && app.state.outcome().is_some() && app.state.workspace.rows.len() < rows
    });
    println!(
        "undo of the last import: {rows} -> {} purchases; the frame of the key press: {:.1} ms, {frame_cpu:.1} ms of its thread's CPU; to the figures: {:.3} s",
        h.state().state.workspace.rows.len(),
        frame.as_secs_f64() * 1e3,
        start.elapsed().as_secs_f64()
    );
}
