//! The workspace's file: new, open, save, save as (each on a worker thread), exports of the
//! summary, and the recovery file that keeps unsaved edits while the window runs.

use std::path::PathBuf;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use eframe::egui;

use super::app::{LpkpiApp, Views, WaitingOutput};
use super::command::{Command, Pick};
use super::jobs::{Export, JobError, Opened};
use super::state::{AppState, Derived, Panel, Running};
use crate::report::Format;
use crate::report::pdf::PdfOptions;
use crate::workspace::{Document, Edit, Workspace};

/// How often unsaved edits are written to the recovery file.
const RECOVERY_EVERY: Duration = Duration::from_secs(15);

impl LpkpiApp {
    /// Start an empty workspace (the unsaved changes, if any, were saved or given up: `apply`
    /// asks first).
    pub(super) fn new_workspace(&mut self) {
        self.doc = None;
        self.replace_workspace(Workspace::default(), None, None);
        self.state.panel = Panel::Settings;
        self.info("New workspace: enter the partner and the anniversary, then import exports");
    }

    /// Show `ws` (from `path`; its figures derived already, or derived here when `derived` is
    /// None), keeping the log, the recent files, the panel and a file browser that is open.
    fn replace_workspace(
        &mut self,
        ws: Workspace,
        path: Option<PathBuf>,
        derived: Option<Result<Derived, String>>,
    ) {
        // outputs waiting for the figures of the workspace on screen are not written from
        // another's (the commands that replace it wait for them; this is the last guard)
        for output in std::mem::take(&mut self.waiting_output) {
            let (WaitingOutput::Export(path, _) | WaitingOutput::Chart(path)) = output;
            self.error(format!(
                "Not written: {} (another workspace was opened first)",
                path.display()
            ));
        }
        let notes = std::mem::take(&mut self.state.notes);
        let recent = std::mem::take(&mut self.state.recent);
        let panel = self.state.panel;
        // a file browser opened meanwhile (while the workspace was being opened) stays open
        let browser = self.state.browser.take();
        // revisions keep counting across workspaces, so that a late result of a job for the
        // previous one (figures, a save) is never taken for this one
        let revision = self.state.revision + 1;
        self.state = match derived {
            Some(derived) => AppState::with_derived(ws, path, self.options.today, derived),
            None => AppState::new(ws, path, self.options.today),
        };
        self.state.revision = revision;
        self.state.saved_revision = revision;
        self.state.derived_revision = revision;
        self.state.notes = notes;
        self.state.recent = recent;
        self.state.panel = panel;
        self.state.browser = browser;
        self.views = Views::default();
    }

    /// Open the workspace at `path` on a worker thread (the unsaved changes, if any, were saved
    /// or given up: `apply` asks first; they stay on screen if the file cannot be opened).
    pub(super) fn open(&mut self, path: PathBuf) {
        self.state.running = Some(Running {
            label: format!("Opening {}", path.display()),
            cancellable: false,
            measured: false,
        });
        self.jobs.open(path, self.options.today);
    }

    /// A workspace was opened (with unsaved edits of an earlier session to offer), or not: a
    /// `--screenshot` run then fails.
    pub(super) fn opened(
        &mut self,
        path: PathBuf,
        result: Result<Opened, JobError>,
        ctx: &egui::Context,
    ) {
        self.state.running = None;
        self.opening = None;
        match result {
            Ok(Opened {
                doc,
                derived,
                recovery,
                unreadable,
            }) => {
                let ws = doc.workspace.clone();
                self.doc = Some(Arc::new(Mutex::new(doc)));
                self.replace_workspace(ws, Some(path.clone()), Some(derived));
                self.remember_recent(&path);
                self.info(format!("Opened {}", path.display()));
                self.state.recovery = recovery;
                if let Some(note) = unreadable {
                    self.error(note);
                }
            }
            Err(e) => {
                if self.options.screenshot.is_some() {
                    // a poisoned lock still holds a usable slot: the run must fail either way
                    let mut failure = self
                        .options
                        .failure
                        .lock()
                        .unwrap_or_else(PoisonError::into_inner);
                    *failure = Some(e.to_string());
                    self.allow_close = true;
                    ctx.send_viewport_cmd(egui::ViewportCommand::Close);
                }
                self.error(format!("Cannot open: {e}"));
                if self.state.demo {
                    self.info("Showing the demo workspace instead");
                }
            }
        }
    }

    /// Whether a save must wait for the task under way (opening, reading an import, a save,
    /// a write): it owns the progress bar and the guard against replacing the workspace
    /// meanwhile, which a second task would clear when it ends. Said, and the close that asked
    /// for the save asks again.
    fn save_waits(&mut self) -> bool {
        let Some(why) = self.waits_for_the_task("Not saved", "save") else {
            return false;
        };
        self.save_abandoned(&why);
        true
    }

    /// Save into the workspace's file (Save As when it has none).
    pub(super) fn save(&mut self) {
        if self.save_waits() {
            return;
        }
        match &self.doc {
            Some(doc) => {
                self.state.running = Some(Running {
                    label: "Saving".into(),
                    cancellable: false,
                    measured: false,
                });
                self.jobs.save(
                    doc.clone(),
                    self.state.workspace.clone(),
                    self.state.revision,
                );
            }
            None => self.apply(Command::Dialog(Pick::SaveAs)),
        }
    }

    /// Save to `path` (`.ron` added when it has no extension), which becomes the workspace's
    /// file.
    pub(super) fn save_as(&mut self, mut path: PathBuf) {
        if path.extension().is_none() {
            path.set_extension("ron");
        }
        if self.save_waits() {
            return;
        }
        self.state.running = Some(Running {
            label: "Saving".into(),
            cancellable: false,
            measured: false,
        });
        self.jobs.save_as(
            self.doc.clone(),
            path,
            self.state.workspace.clone(),
            self.state.revision,
        );
    }

    /// Revision `revision` was saved to its file, or not.
    pub(super) fn saved(
        &mut self,
        revision: u64,
        result: Result<PathBuf, JobError>,
        ctx: &egui::Context,
    ) {
        self.state.running = None;
        match result {
            Ok(path) => self.apply_saved(revision, path, ctx),
            Err(e) => {
                let why = format!("Not saved: {e}");
                self.error(why.clone());
                self.save_abandoned(&why);
            }
        }
    }

    /// A workspace that had no file was saved to a new one, or not.
    pub(super) fn created(
        &mut self,
        revision: u64,
        result: Result<Document, JobError>,
        ctx: &egui::Context,
    ) {
        self.state.running = None;
        match result {
            Ok(doc) => {
                let path = doc.path.clone();
                self.doc = Some(Arc::new(Mutex::new(doc)));
                self.apply_saved(revision, path, ctx);
            }
            Err(e) => {
                let why = format!("Not saved: {e}");
                self.error(why.clone());
                self.save_abandoned(&why);
            }
        }
    }

    fn apply_saved(&mut self, revision: u64, path: PathBuf, ctx: &egui::Context) {
        self.state.saved_revision = revision;
        self.state.path = Some(path.clone());
        self.remember_recent(&path);
        self.info(format!("Saved {}", path.display()));
        if let Some(then) = self.after_save.take() {
            if self.state.dirty() {
                // edited while the save ran: those edits are not saved yet
                self.ask_unsaved(then);
            } else {
                self.go_on(then);
                if self.allow_close {
                    ctx.send_viewport_cmd(egui::ViewportCommand::Close);
                }
            }
        }
    }

    /// Export the summary to `path` (rendered now, written on a worker thread).
    pub(super) fn export(&mut self, path: PathBuf, format: Format) {
        if !self.state.settled() || self.state.running.is_some() {
            self.wait_for_figures(WaitingOutput::Export(path, format));
            return;
        }
        let d = match &self.state.derived {
            Ok(d) => d,
            Err(e) => {
                self.error(format!("Nothing to export: {e}"));
                return;
            }
        };
        if d.outcome.is_none() {
            self.error("Nothing to export: enter the anniversary in Settings first");
            return;
        }
        let format = match format {
            Format::Pdf(_) => Format::Pdf(PdfOptions {
                paper: self.state.paper,
                generated: super::app::now(),
            }),
            other => other,
        };
        let ws = &self.state.workspace;
        let export = Export {
            derived: Arc::clone(d),
            partner: ws.partner_name().map(str::to_string),
            roster: ws.has_roster(),
            planned: ws.planned.clone(),
            format,
        };
        self.state.running = Some(Running {
            label: format!("Writing {}", path.display()),
            cancellable: false,
            measured: false,
        });
        self.jobs.export(path, export);
    }

    /// Write `output` once the figures are the workspace's as it is and no other task runs
    /// (the one running owns the progress bar, and its end clears it): the recompute or the
    /// task under way ends in [`LpkpiApp::output_when_settled`]. Outputs asked for meanwhile
    /// are written in turn.
    pub(super) fn wait_for_figures(&mut self, output: WaitingOutput) {
        let path = match &output {
            WaitingOutput::Export(path, _) | WaitingOutput::Chart(path) => {
                path.display().to_string()
            }
        };
        self.waiting_output.push(output);
        let after = match &self.state.running {
            Some(r) if self.state.settled() => format!("once {} ends", r.label),
            _ => "once the figures are worked out".to_string(),
        };
        self.info(format!("{path} is written {after}"));
    }

    /// Each frame, and when figures arrive: while the figures are settled and nothing runs,
    /// write the next output that waited, in the order asked (a write runs until it is done).
    pub(super) fn output_when_settled(&mut self) {
        while self.state.settled()
            && self.state.running.is_none()
            && !self.waiting_output.is_empty()
        {
            match self.waiting_output.remove(0) {
                WaitingOutput::Export(path, format) => self.export(path, format),
                WaitingOutput::Chart(path) => self.chart_picked(path),
            }
        }
    }

    /// A file (export, chart) was written, or not.
    pub(super) fn wrote(&mut self, result: Result<PathBuf, JobError>) {
        self.state.running = None;
        match result {
            Ok(path) => {
                self.info(format!("Wrote {}", path.display()));
                if let Some(note) = self.state.notes.last_mut() {
                    note.file = Some(path);
                }
            }
            Err(e) => self.error(format!("Not written: {e}")),
        }
    }

    /// Restore the unsaved edits of an earlier session (one undoable edit).
    pub(super) fn accept_recovery(&mut self) {
        if let Some(recovery) = self.state.recovery.take() {
            self.edit(Edit::Restore(Box::new(recovery.workspace)));
            if let Some(doc) = &self.doc {
                self.jobs.discard_recovery(doc.clone());
            }
        }
    }

    /// Forget the unsaved edits of an earlier session.
    pub(super) fn decline_recovery(&mut self) {
        self.state.recovery = None;
        if let Some(doc) = &self.doc {
            self.jobs.discard_recovery(doc.clone());
        }
    }

    /// Every [`RECOVERY_EVERY`] while there are unsaved edits, write them beside the file.
    pub(super) fn autosave_recovery(&mut self, ctx: &egui::Context) {
        // a document a failed job left poisoned writes no recovery file (each try would only
        // fail again; the save that failed said so, and Save As to another file still saves)
        if self.state.dirty()
            && self.last_recovery.elapsed() > RECOVERY_EVERY
            && let Some(doc) = &self.doc
            && !doc.is_poisoned()
        {
            self.last_recovery = Instant::now();
            self.jobs.recovery(
                doc.clone(),
                self.state.workspace.clone(),
                self.state.revision,
            );
        }
        if self.state.dirty() {
            ctx.request_repaint_after(RECOVERY_EVERY);
        }
    }
}
