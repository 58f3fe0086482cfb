//! Importing purchase exports: every file shape administrators really download, every row given
//! exactly one import-time fate (summary, not invoiced, rejected, duplicate, kept), nothing
//! dropped silently. Window and currency-rate fates depend on the anniversary and the rates,
//! so they are decided at report time by the evaluation (the `rules` layer, above this one).
//!
//! The row path streams records (one reused buffer per file), interns repeated text, and keeps
//! one [`Product`] per distinct (part, name, type), which the rules classify once.

pub mod classify;
pub mod dedupe;
pub mod intern;
mod layout;
pub mod official;
mod peek;
pub mod rows;
mod set;
pub mod sniff;
pub mod split;
pub mod spreadsheet_limits;
pub mod text;
mod types;
pub mod values;
pub mod xlsx;

pub use peek::{peek_head_rows, peek_rows};
pub use set::{AddOptions, Added, Export, ImportRules, ImportSet, streamed_head};
pub use types::{
    Fate, FileShape, ImportCounts, ImportError, ImportedFile, Product, Purchase, Row,
    SpreadsheetError,
};
