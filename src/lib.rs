//! lpkpi: renewal readiness for Microsoft Learning Partners.
//!
//! The library is the whole engine; the binary (`src/main.rs`) is a thin shell over it, and the
//! tests use it the same way the command line does.
//!
//! - [`rules`]: the program profile (levels, KPI values per product line, the classification
//!   rulebook, header names, benefits) loaded from RON, the anniversary → deadline → window
//!   dates, and the evaluation (monthly series, totals by product line, level checks, forecast).
//! - [`import`]: reading purchase exports as administrators download them (CSV/TSV/TXT in
//!   UTF-8, UTF-16 or Windows-1252, XLSX/ODS), mapping their columns, parsing money and dates,
//!   giving every row exactly one fate, de-duplicating overlapping exports, classifying products.
//! - [`report`]: the readiness report model and its JSON, CSV and Markdown writers.
//! - [`workspace`]: the RON workspace file: model, versioned format, lock, atomic saves.
//! - [`cli`]: the headless commands over the library, with errors turned into exit codes.
//! - [`ui`]: the desktop window (the only module that uses egui/eframe).
//!
//! Nothing here reads the clock: "today" is always passed in.

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
