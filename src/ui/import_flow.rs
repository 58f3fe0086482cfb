//! The import flow: files (picked, typed or dropped) are read and parsed on a worker thread on
//! top of the workspace's rows, shown as a preview (drawn by `import.rs`), then confirmed as one
//! edit, cancelled, or read again with columns mapped by hand.

use std::path::PathBuf;
use std::sync::Arc;

use chrono::NaiveDateTime;
use eframe::egui;

use super::app::{LpkpiApp, now};
use super::import::ImportView;
use super::jobs::{JobError, Parsed};
use super::state::{ImportPreview, PreviewDetails, Running};
use crate::import::sniff::{ColumnMapRepr, Remembered, header_signature};
use crate::import::{ImportCounts, ImportRules, ImportSet};
use crate::profile::Field;

/// "Reading 1 file", "Reading 3 dropped files".
fn reading(n: usize, what: &str) -> String {
    format!("Reading {n} {what}file{}", if n == 1 { "" } else { "s" })
}

impl LpkpiApp {
    /// The rows already imported, to parse new files on top of.
    fn base_set(&self) -> ImportSet {
        match &self.state.derived {
            Ok(d) => d.session.set.clone(),
            Err(_) => self.state.workspace.import_set(),
        }
    }

    /// The import rules of the workspace's profile, and its remembered mappings plus `extra`
    /// (None: the profile cannot be used).
    fn rules_and_mappings(&self, extra: &Remembered) -> Option<(ImportRules, Remembered)> {
        let profile = match &self.state.derived {
            Ok(d) => d.session.profile.clone(),
            Err(_) => self.state.workspace.profile().ok()?,
        };
        let mut mappings = self.state.workspace.mappings.clone();
        mappings.extend(extra.iter().map(|(k, v)| (k.clone(), v.clone())));
        Some((ImportRules::new(&profile), mappings))
    }

    /// Read these files from disk and parse them (Command::Import).
    pub(super) fn import_paths(&mut self, paths: Vec<PathBuf>) {
        let Some((rules, mappings)) = self.rules_and_mappings(&Remembered::new()) else {
            self.error("the program profile cannot be used: fix it in Settings");
            return;
        };
        self.state.running = Some(Running {
            label: reading(paths.len(), ""),
            cancellable: true,
        });
        self.jobs
            .import_paths(paths, self.base_set(), rules, mappings);
    }

    /// Parse files already in memory, with `extra` mappings.
    fn start_parse(&mut self, inputs: Vec<(String, Arc<Vec<u8>>)>, extra: Remembered) {
        let Some((rules, mappings)) = self.rules_and_mappings(&extra) else {
            self.error("the program profile cannot be used: fix it in Settings");
            return;
        };
        self.state.running = Some(Running {
            label: reading(inputs.len(), ""),
            cancellable: true,
        });
        self.jobs.parse(inputs, self.base_set(), rules, mappings);
    }

    /// Files hovering over the window (for the overlay), and files dropped on it (read on a
    /// worker thread, unless a preview is waiting).
    pub(super) fn handle_drops(&mut self, ctx: &egui::Context) {
        let (dropped, hovered) = ctx.input(|i| {
            (
                i.raw.dropped_files.clone(),
                i.raw
                    .hovered_files
                    .iter()
                    .map(|h| {
                        h.path.as_ref().and_then(|p| p.file_name()).map_or_else(
                            || "a file".to_string(),
                            |n| n.to_string_lossy().into_owned(),
                        )
                    })
                    .collect::<Vec<_>>(),
            )
        });
        self.state.hovering = hovered;
        if dropped.is_empty() {
            return;
        }
        if self.state.preview.is_some() {
            self.error("Finish the import preview first (Confirm or Cancel)");
        } else {
            self.state.running = Some(Running {
                label: reading(dropped.len(), "dropped "),
                cancellable: false,
            });
            self.jobs.read_dropped(dropped);
        }
    }

    /// Dropped files were read: parse those that could be.
    pub(super) fn dropped_read(&mut self, files: Vec<(String, Result<Vec<u8>, String>)>) {
        let mut inputs = Vec::new();
        for (name, bytes) in files {
            match bytes {
                Ok(b) => inputs.push((name, Arc::new(b))),
                Err(e) if e.contains(&name) => self.error(e),
                Err(e) => self.error(format!("{name}: cannot read the file: {e}")),
            }
        }
        self.state.running = None;
        if !inputs.is_empty() {
            self.start_parse(inputs, Remembered::new());
        }
    }

    /// The files were parsed: show the preview.
    pub(super) fn parsed(&mut self, result: Result<Parsed, JobError>) {
        self.state.running = None;
        match result {
            Ok(parsed) => self.preview_ready(parsed),
            Err(e) => self.error(e.to_string()),
        }
    }

    /// Build the preview: counts over the new files, the figures the import would give, and
    /// per file its rejected rows and rows to review.
    fn preview_ready(&mut self, parsed: Parsed) {
        let mut counts = ImportCounts::default();
        for f in parsed.set.files.iter().skip(parsed.first_new) {
            counts.merge(&f.counts);
        }
        let after = match (
            &self.state.derived,
            self.state.workspace.partner.anniversary,
        ) {
            (Ok(d), Some(anniversary)) => {
                let session = d.session.with_set(parsed.set.clone());
                Some(
                    session
                        .evaluate(
                            &self.state.workspace,
                            anniversary,
                            self.state.as_of_date(),
                            None,
                        )
                        .eval,
                )
            }
            _ => None,
        };
        let mappings: Remembered = parsed
            .mappings
            .into_iter()
            .filter(|(k, _)| !self.state.workspace.mappings.contains_key(k))
            .collect();
        let details = parsed
            .files
            .iter()
            .map(|f| {
                let Some(index) = f.index else {
                    return PreviewDetails::default();
                };
                let in_file = |row: usize| {
                    parsed
                        .set
                        .rows
                        .get(row)
                        .is_some_and(|r| r.file as usize == index)
                };
                PreviewDetails {
                    rejected: parsed
                        .set
                        .rows
                        .iter()
                        .filter(|r| r.file as usize == index)
                        .filter_map(|r| match &r.fate {
                            crate::import::Fate::Rejected { reason } => {
                                Some((r.line, reason.clone()))
                            }
                            _ => None,
                        })
                        .collect(),
                    review: after.as_ref().map_or_else(Vec::new, |e| {
                        e.review
                            .iter()
                            .filter(|r| in_file(r.row))
                            .map(|r| (r.line, r.reason.clone()))
                            .collect()
                    }),
                }
            })
            .collect();
        self.views.import = ImportView::default();
        self.state.preview = Some(ImportPreview {
            details,
            set: parsed.set,
            first_new: parsed.first_new,
            files: parsed.files,
            mappings,
            inputs: parsed.inputs,
            counts,
            after,
        });
    }

    /// Accept the preview: one edit (undoable) adds its files and mappings.
    pub(super) fn confirm_import(&mut self) {
        let Some(p) = self.state.preview.take() else {
            return;
        };
        let edit = self.state.workspace.import_edit(
            &p.set,
            p.first_new,
            now().with_nanosecond_zero(),
            p.mappings,
        );
        let n = p.set.files.len() - p.first_new;
        self.edit(edit);
        self.info(format!(
            "Imported {n} file{}: {} purchases, {} duplicates, {} rejected",
            if n == 1 { "" } else { "s" },
            p.counts.kept,
            p.counts.duplicates,
            p.counts.rejected
        ));
    }

    /// Drop the preview.
    pub(super) fn cancel_import(&mut self) {
        self.state.preview = None;
        self.info("Import cancelled: nothing changed");
    }

    /// Read the preview's files again with `header`'s columns mapped by hand (the field of
    /// each column, None for ignored; a field given twice keeps its first column).
    pub(super) fn map_columns(&mut self, header: Vec<String>, fields: Vec<Option<Field>>) {
        let Some(p) = &self.state.preview else { return };
        let mut map = std::collections::BTreeMap::new();
        for (col, field) in fields.into_iter().enumerate() {
            if let Some(f) = field {
                map.entry(f).or_insert(col);
            }
        }
        let mut extra = p.mappings.clone();
        extra.insert(
            header_signature(&header),
            ColumnMapRepr {
                header,
                fields: map,
            },
        );
        let inputs = p.inputs.clone();
        self.state.preview = None;
        self.start_parse(inputs, extra);
    }
}

trait NoNanos {
    fn with_nanosecond_zero(self) -> Self;
}

impl NoNanos for NaiveDateTime {
    fn with_nanosecond_zero(self) -> Self {
        use chrono::Timelike;
        self.with_nanosecond(0).unwrap_or(self)
    }
}
