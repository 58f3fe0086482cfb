//! The import flow: files (picked, typed or dropped) are read and parsed on a worker thread on
//! top of the workspace's rows, shown as a preview (drawn by `import.rs`), then confirmed as one
//! edit (the files that could be read; a failed one is marked with its reason), cancelled, or
//! read again with columns mapped by hand. The preview's figures (what the import would give,
//! rows to review grouped by reason, revenue held back for a rate) are worked out on a worker
//! too, again whenever the workspace changes under the preview (a rate added from it).

use std::path::PathBuf;
use std::sync::Arc;

use chrono::NaiveDateTime;
use eframe::egui;

use rust_decimal::Decimal;

use super::app::{LpkpiApp, now};
use super::import::ImportView;
use super::jobs::{ImportInput, JobError, Parsed, PreviewBasis};
use super::state::{
    FiguresKey, HeldBack, ImportPreview, PreviewDetails, PreviewFigures, ReviewGroup, Running,
    drop_elsewhere,
};
use super::widgets::count;
use crate::import::sniff::{ColumnMapRepr, Remembered, header_signature};
use crate::import::values::cents;
use crate::import::{Fate, ImportCounts, ImportRules, ImportSet};
use crate::profile::Field;
use crate::report::summary::count_of;
use crate::rules::figures::ReviewKind;
use crate::workspace::Edit;
use crate::workspace::session::Session;

/// "Reading 1 file", "Reading 3 dropped files".
fn reading(n: usize, what: &str) -> String {
    format!("Reading {n} {what}file{}", if n == 1 { "" } else { "s" })
}

impl LpkpiApp {
    /// The rows already imported, to parse new files on top of: the figures' set, shared (the
    /// worker copies it: at 200,000 purchases the copy takes about 30 ms, no frame's to spend).
    fn base_set(&self) -> Arc<ImportSet> {
        match &self.state.derived {
            Ok(d) => d.session.set.clone(),
            Err(_) => Arc::new(self.state.workspace.import_set()),
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

    /// What the preview's figures are worked out from now.
    fn basis(&self) -> PreviewBasis {
        PreviewBasis {
            workspace: self.state.workspace.clone(),
            key: self.state.figures_key(),
        }
    }

    /// The next Import starts in the folder of `file`, picked or dropped: next month's export
    /// is downloaded there too.
    fn remember_import_folder(&mut self, file: &std::path::Path) {
        if let Some(folder) = file.parent().filter(|p| !p.as_os_str().is_empty()) {
            self.last_import_folder = Some(super::persistence::absolute(folder));
        }
    }

    /// Read these files from disk and parse them (Command::Import).
    pub(super) fn import_paths(&mut self, paths: Vec<PathBuf>) {
        if let Some(first) = paths.first() {
            self.remember_import_folder(first);
        }
        let Some((rules, mappings)) = self.rules_and_mappings(&Remembered::new()) else {
            self.error("the program profile cannot be used: fix it in Settings");
            return;
        };
        self.state.running = Some(Running {
            label: reading(paths.len(), ""),
            cancellable: true,
            measured: true,
        });
        self.jobs
            .import_paths(paths, self.base_set(), rules, mappings, self.basis());
    }

    /// Parse files already in memory, with `extra` mappings.
    fn start_parse(&mut self, inputs: Vec<ImportInput>, extra: Remembered) {
        let Some((rules, mappings)) = self.rules_and_mappings(&extra) else {
            self.error("the program profile cannot be used: fix it in Settings");
            return;
        };
        self.state.running = Some(Running {
            label: reading(inputs.len(), ""),
            cancellable: true,
            measured: true,
        });
        self.jobs
            .parse(inputs, self.base_set(), rules, mappings, self.basis());
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
        } else if let Some(r) = &self.state.running {
            // the rows they would be read on top of are about to change (an open, an import)
            let what = r.label.clone();
            self.error(format!(
                "Not imported: wait until this is done ({what}), then drop the files again"
            ));
        } else {
            if let Some(first) = dropped.iter().find(|d| !d.path().as_os_str().is_empty()) {
                self.remember_import_folder(first.path());
            }
            self.state.running = Some(Running {
                label: reading(dropped.len(), "dropped "),
                cancellable: false,
                measured: false,
            });
            self.jobs.read_dropped(dropped);
        }
    }

    /// Dropped files were read: parse them (one that could not be read shows in the preview
    /// as failed, with its reason).
    pub(super) fn dropped_read(&mut self, inputs: Result<Vec<ImportInput>, JobError>) {
        self.state.running = None;
        match inputs {
            Ok(inputs) if !inputs.is_empty() => self.start_parse(inputs, Remembered::new()),
            Ok(_) => {}
            Err(e) => self.error(format!("The dropped files were not read: {e}")),
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

    /// Show the preview: counts over the new files, and the figures worked out with them.
    fn preview_ready(&mut self, parsed: Parsed) {
        let mut counts = ImportCounts::default();
        for f in parsed.set.files.iter().skip(parsed.first_new) {
            counts.merge(&f.counts);
        }
        let mappings: Remembered = parsed
            .mappings
            .into_iter()
            .filter(|(k, _)| !self.state.workspace.mappings.contains_key(k))
            .collect();
        self.views.import = ImportView::default();
        self.state.preview = Some(ImportPreview {
            set: parsed.set,
            rows: parsed.rows,
            first_new: parsed.first_new,
            files: parsed.files,
            mappings,
            inputs: parsed.inputs,
            counts,
            figures: parsed.figures,
            pending: None,
            failed: None,
        });
    }

    /// Work out the preview's figures again when the workspace or the as-of day changed under
    /// it (on a worker; one at a time, the latest state wins).
    pub(super) fn schedule_preview_figures(&mut self) {
        let key = self.state.figures_key();
        let Some(p) = &self.state.preview else { return };
        if !p.stale(key) || p.pending.is_some() || p.failed.as_ref().is_some_and(|f| f.0 == key) {
            return;
        }
        let (set, first_new) = (p.set.clone(), p.first_new);
        let files = p.files.iter().map(|f| f.index).collect();
        let basis = self.basis();
        self.jobs.preview_figures(set, files, first_new, basis);
        if let Some(p) = &mut self.state.preview {
            p.pending = Some(key);
        }
    }

    /// The preview's figures arrived (kept when the preview is still open; a newer state
    /// schedules the next).
    /// Figures that could not be worked out are not asked for again until the workspace or
    /// the as-of day changes: the preview says why meanwhile.
    pub(super) fn preview_figures(
        &mut self,
        figures: Result<PreviewFigures, (FiguresKey, JobError)>,
    ) {
        let key = match &figures {
            Ok(f) => f.key,
            Err((key, _)) => *key,
        };
        let Some(p) = &mut self.state.preview else {
            return;
        };
        if p.pending != Some(key) {
            return;
        }
        p.pending = None;
        match figures {
            Ok(figures) => {
                p.failed = None;
                p.figures = figures;
            }
            Err((key, e)) => {
                let why = format!("The import's figures were not worked out: {e}");
                p.failed = Some((key, why.clone()));
                self.error(why);
            }
        }
    }

    /// Accept the preview: one edit (undoable) adds its files and mappings.
    pub(super) fn confirm_import(&mut self) {
        let Some(p) = self.state.preview.take() else {
            return;
        };
        let ImportPreview {
            mut set,
            rows,
            first_new,
            files,
            mappings,
            counts,
            inputs,
            figures,
            pending: _,
            failed: _,
        } = p;
        // what the figures become, for the log, as the preview said it
        let change = match (self.state.outcome(), &figures.after) {
            (Some(before), Some(after)) if figures.key == self.state.figures_key() => format!(
                " · KPI units {} → {}, revenue {} → {}",
                crate::report::grouped_units(before.eval.totals.kpi_units),
                crate::report::grouped_units(after.totals.kpi_units),
                crate::report::usd(before.eval.totals.revenue_usd),
                crate::report::usd(after.totals.revenue_usd)
            ),
            _ => String::new(),
        };
        // the figures hold every row to review: a million-row file's take milliseconds to free
        drop_elsewhere((inputs, figures));
        let edit = self.state.workspace.import_edit_with(
            &set,
            first_new,
            rows,
            now().with_nanosecond_zero(),
            mappings,
        );
        let n = set.files.len() - first_new;
        // The preview's set holds the workspace's rows after the import: the next figures take
        // it (its new files as the workspace stores them, without the preview's notes on files
        // skipped as copies, which the workspace does not keep) instead of reading the rows
        // back. Unless a worker still shares it (the preview's figures being worked out again).
        let reusable = match (Arc::get_mut(&mut set), &edit) {
            (Some(s), Edit::Import(batches)) => match s.files.get_mut(first_new..) {
                Some(new) if new.len() == batches.files.len() => {
                    new.clone_from_slice(&batches.files);
                    s.warnings.clear();
                    true
                }
                _ => false,
            },
            _ => false,
        };
        let failed: Vec<&str> = files
            .iter()
            .filter(|f| f.error.is_some())
            .map(|f| f.name.as_str())
            .collect();
        let not_imported = match failed.as_slice() {
            [] => String::new(),
            names => format!("; not imported: {}", names.join(", ")),
        };
        let revision = self.state.revision;
        // when the edit replaces the workspace's rows (its rows were made from them), the
        // rows before it are freed on another thread, not in this frame
        let replaced = match &edit {
            Edit::Import(b) => b
                .prepared
                .as_ref()
                .is_some_and(|p| p.replaces(&self.state.workspace)),
            _ => false,
        };
        let before = replaced.then(|| Arc::clone(&self.state.workspace.rows));
        self.edit(edit);
        drop_elsewhere(before);
        // only an import that changed the workspace has figures to work out with its rows
        if reusable && self.state.revision != revision {
            self.state.imported_set = Some(set);
        } else {
            drop_elsewhere(set);
        }
        let names: Vec<&str> = files
            .iter()
            .filter(|f| f.error.is_none())
            .map(|f| f.name.as_str())
            .collect();
        let named = match names.as_slice() {
            [one] => format!(" ({one})"),
            [a, b] => format!(" ({a} and {b})"),
            _ => String::new(),
        };
        self.info(format!(
            "Imported {}{named}: {}, {}, {} rejected{change}{not_imported}",
            count_of(n, "file", "files"),
            count_of(counts.kept, "purchase", "purchases"),
            count_of(counts.duplicates, "duplicate", "duplicates"),
            count(counts.rejected)
        ));
    }

    /// Drop the preview.
    pub(super) fn cancel_import(&mut self) {
        // a large preview takes milliseconds to free: not in this frame
        drop_elsewhere(self.state.preview.take());
        self.info("Import cancelled: nothing changed");
    }

    /// Read the preview's files again with `header`'s columns mapped by hand (the field of
    /// each column, None for ignored; a field given twice keeps its first column).
    pub(super) fn map_columns(&mut self, header: Vec<String>, fields: Vec<Option<Field>>) {
        // the preview's files are read again as the running task: not beside another one
        // (the dashboard's report being read from the preview, say)
        let again = "use the mapping again";
        if (self.waits_for_the_task("Columns not mapped yet", again)).is_some() {
            return;
        }
        let Some(p) = &self.state.preview else { return };
        self.views.import.editing = None;
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
        drop_elsewhere(self.state.preview.take());
        self.start_parse(inputs, extra);
    }
}

/// The figures of a preview over `set` (files before `first_new` are the workspace's; `files`
/// holds the set's index of each preview file that was read), worked out on a worker thread
/// from the workspace in `basis`: the evaluation, each file's rejected rows and rows to review
/// grouped by reason, and the new files' revenue held back for want of a rate.
pub(super) fn work_out_figures(
    set: &ImportSet,
    files: &[Option<usize>],
    first_new: usize,
    basis: &PreviewBasis,
) -> PreviewFigures {
    let ws = &basis.workspace;
    let session = Session::reusing(ws, Some(Arc::new(set.clone()))).ok();
    let after = match (&session, ws.partner.anniversary) {
        (Some(session), Some(anniversary)) => {
            Some(session.evaluate(ws, anniversary, basis.key.1, None).eval)
        }
        _ => None,
    };
    let file_of = |row: usize| set.rows.get(row).map(|r| r.file as usize);
    let details = files
        .iter()
        .map(|index| {
            let Some(index) = *index else {
                return PreviewDetails::default();
            };
            let rejected = set
                .rows
                .iter()
                .filter(|r| r.file as usize == index)
                .filter_map(|r| match &r.fate {
                    Fate::Rejected { reason } => Some((r.line, reason.to_string())),
                    _ => None,
                })
                .collect();
            let mut review: Vec<ReviewGroup> = Vec::new();
            for item in after.iter().flat_map(|e| &e.review) {
                if file_of(item.row) != Some(index) {
                    continue;
                }
                let currency = (item.kind == ReviewKind::NeedsRate)
                    .then(|| {
                        set.rows
                            .get(item.row)?
                            .purchase
                            .as_ref()
                            .map(|p| p.currency)
                    })
                    .flatten();
                let row = (item.line, item.reason.clone());
                match review
                    .iter_mut()
                    .find(|g| g.kind == item.kind && g.currency == currency)
                {
                    Some(group) => group.rows.push(row),
                    None => review.push(ReviewGroup {
                        kind: item.kind,
                        currency,
                        rows: vec![row],
                    }),
                }
            }
            PreviewDetails { rejected, review }
        })
        .collect();
    let held_back = match (&session, &after) {
        (Some(session), Some(after)) => held_back(set, first_new, session, after, ws),
        _ => Vec::new(),
    };
    PreviewFigures {
        key: basis.key,
        details,
        after,
        held_back,
    }
}

/// The new files' rows waiting for a rate, per currency, with the revenue they hold back (rows
/// of product lines whose revenue counts), and an estimate in USD at the currency's rate for
/// another month when there is one.
fn held_back(
    set: &ImportSet,
    first_new: usize,
    session: &Session,
    after: &crate::rules::evaluate::Evaluation,
    ws: &crate::workspace::Workspace,
) -> Vec<HeldBack> {
    let mut out: Vec<HeldBack> = Vec::new();
    for item in after
        .review
        .iter()
        .filter(|r| r.kind == ReviewKind::NeedsRate)
    {
        let Some(row) = set.rows.get(item.row) else {
            continue;
        };
        let Some(p) = row
            .purchase
            .as_ref()
            .filter(|_| row.file as usize >= first_new)
        else {
            continue;
        };
        let counts_revenue = after
            .classes
            .get(p.product as usize)
            .is_some_and(|c| session.profile.line_value(c.line).revenue);
        let amount = if counts_revenue {
            p.signed_amount()
        } else {
            Decimal::ZERO
        };
        // counted as the dashboard counts them: rows whose revenue waits, and the others
        let (rows, other) = if counts_revenue { (1, 0) } else { (0, 1) };
        match out.iter_mut().find(|h| h.currency == p.currency) {
            Some(h) => {
                h.rows += rows;
                h.other += other;
                h.amount += amount;
            }
            None => out.push(HeldBack {
                currency: p.currency,
                rows,
                other,
                amount,
                estimate: None,
            }),
        }
    }
    for h in &mut out {
        // the latest month's rate of this currency, if the workspace has rates by month only
        h.estimate = ws
            .rates
            .iter()
            .filter(|r| r.currency == h.currency)
            .filter_map(|r| Some((r.month?, r.usd_per)))
            .max_by_key(|(month, _)| *month)
            .and_then(|(month, rate)| Some((cents(h.amount.checked_mul(rate)?), month)));
    }
    out
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
