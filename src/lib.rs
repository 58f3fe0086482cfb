//! lpkpi: renewal readiness for Microsoft Learning Partners.
//!
//! The library is the whole engine; the binary (`src/main.rs`) is a thin shell over it, and the
//! tests use it the same way the command line does.
//!
//! From the bottom layer up (each uses only those above it in this list; ARCHITECTURE.md):
//!
//! - [`files`]: reading inputs safely and writing outputs without replacing what is not ours.
//! - [`money`]: currencies, cents, calendar months, exchange rates, and every limit.
//! - [`profile`]: the program profile as data (levels, KPI values per product line, the
//!   classification rulebook, header names, benefits), loaded from RON.
//! - [`import`]: reading purchase exports as administrators download them (CSV/TSV/TXT in
//!   UTF-8, UTF-16 or Windows-1252, XLSX/XLS/ODS), mapping their columns, parsing money and
//!   dates, giving every row exactly one fate, de-duplicating overlapping exports, classifying
//!   products.
//! - [`rules`]: the anniversary → deadline → window dates and the evaluation (monthly series,
//!   totals by product line, level checks, verdict, forecast, capability).
//! - [`workspace`]: the RON workspace file: model, edits, versioned format, lock, atomic saves.
//! - [`report`]: the readiness summary (its words, the document built once, the chart) and its
//!   JSON, CSV, Markdown, HTML and PDF writers.
//! - [`ui`]: the desktop window (the only module that uses egui/eframe/rfd).
//! - [`cli`]: the command line: the headless commands and starting the window, with errors
//!   turned into exit codes in one place.
//!
//! Nothing in the engine (everything but `ui` and `cli`) reads the clock: "today" is always
//! passed in.

pub mod cli;
pub mod files;
pub mod import;
pub mod money;
pub mod profile;
pub mod report;
pub mod rules;
#[cfg(feature = "gui")]
pub mod ui;
pub mod workspace;
