//! The eframe app, a dispatcher. It owns the state; each frame it polls finished jobs, reads
//! dropped files and shortcuts, draws the window (whose parts push commands), then applies the
//! commands one by one. The work behind each command lives beside this file:
//!
//! - `history.rs`: edits through the undo stack, undo and redo, recomputing the figures;
//! - `import_flow.rs`: reading and parsing imports, the preview, confirming, mapping columns;
//! - `document.rs`: new, open, save, save as, exports, the recovery file;
//! - `dialogs.rs`: file dialogs (the desktop's where its portal answers, else the window's own
//!   browser in `file_browser.rs`), "save changes first?" for every action that would drop
//!   unsaved changes, the modals;
//! - `screenshot.rs`: `--screenshot` runs and Save chart;
//! - `persistence.rs`: what the window remembers between runs;
//! - `layout.rs` (with `status_bar.rs`, `menu.rs` and the panels): what is drawn where.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::{Local, NaiveDateTime};
use eframe::egui::{self, Ui};

use super::action::{Action, shortcuts};
use super::capability::CapabilityView;
use super::charts::ChartView;
use super::command::{Command, Pick};
use super::dialogs::NativeDialog;
use super::import::ImportView;
use super::jobs::{Done, Jobs};
use super::persistence;
use super::purchases::PurchasesView;
use super::settings::SettingsView;
use super::state::{AppState, Panel, Running, Then, UnsavedPrompt};
use super::{DEMO_WORKSPACE, LaunchOptions, theme};
use crate::workspace::format::from_ron;
use crate::workspace::model::ProfileChoice;
use crate::workspace::{Document, Edit, Workspace};

/// Panel-local view state (filters, drafts): not domain data.
#[derive(Default)]
pub(super) struct Views {
    pub(super) purchases: PurchasesView,
    pub(super) charts: ChartView,
    pub(super) dashboard: super::dashboard::DashboardView,
    pub(super) reconcile: super::reconcile::ReconcileView,
    pub(super) capability: CapabilityView,
    pub(super) settings: SettingsView,
    pub(super) import: ImportView,
}

/// The window.
pub struct LpkpiApp {
    /// What the panels show (public for tests).
    pub state: AppState,
    pub(super) views: Views,
    /// The workspace's file, locked while open (None: the demo, or not saved yet).
    pub(super) doc: Option<Arc<Mutex<Document>>>,
    pub(super) jobs: Jobs,
    pub(super) options: LaunchOptions,
    title: String,
    /// What to do once the save under way succeeds (the answer Save of "save changes first?").
    pub(super) after_save: Option<Then>,
    /// The window may close (unsaved changes were saved, discarded, or there are none).
    pub(super) allow_close: bool,
    pub(super) last_recovery: Instant,
    /// The revision whose figures a worker thread is deriving.
    pub(super) deriving: Option<u64>,
    /// Exports and charts asked for while the figures were being worked out, in the order
    /// asked: written once they are the workspace's as it is (never from figures one edit
    /// old). Meanwhile nothing may replace the workspace or its rows.
    pub(super) waiting_output: Vec<WaitingOutput>,
    /// Frames drawn since a `--screenshot` run settled.
    pub(super) screenshot_frames: u32,
    /// The file dialog being waited for (answers to older requests are ignored).
    pub(super) dialog_request: u64,
    pub(super) dialog_open: bool,
    /// What the pending file dialog picks, the folder it starts in and its suggested file name.
    pub(super) dialog_pick: Option<(Pick, Option<PathBuf>, Option<String>)>,
    /// Whether the desktop's file dialog can answer (probed once at start, on a thread).
    pub(super) native_dialog: NativeDialog,
    /// A pick asked for while the probe runs, shown once it answers.
    pub(super) parked_pick: Option<Pick>,
    /// The folder of the last file picked (a recent place of the window's browser).
    pub(super) last_folder: Option<PathBuf>,
    /// The folder of the last export imported: where the next month's is downloaded too.
    pub(super) last_import_folder: Option<PathBuf>,
    /// The startup trace (`LPKPI_TRACE_STARTUP=1`).
    trace: Option<super::trace::StartupTrace>,
    /// The workspace asked for at start, while it opens: the window says so rather than show
    /// the demo's figures underneath (they would read as the partner's).
    pub opening: Option<std::path::PathBuf>,
}

/// A file to write from the figures, waiting for them to be the workspace's.
pub(super) enum WaitingOutput {
    /// The summary, in a format.
    Export(std::path::PathBuf, crate::report::Format),
    /// The chart (SVG or PNG by the file's extension).
    Chart(std::path::PathBuf),
}

/// The time notes and imports are stamped with.
pub(super) fn now() -> NaiveDateTime {
    Local::now().naive_local()
}

fn demo() -> Workspace {
    from_ron(DEMO_WORKSPACE, "demo").unwrap_or_default()
}

impl LpkpiApp {
    /// Start: the workspace asked for, else the last one, else the bundled demo.
    pub fn new(cc: &eframe::CreationContext<'_>, options: LaunchOptions) -> LpkpiApp {
        theme::apply(&cc.egui_ctx);
        let persisted = persistence::load(cc, options.ephemeral);
        let mut state = AppState::new(demo(), None, options.today);
        state.demo = true;
        // entries kept by an older version as typed (relative to a folder now unknown) go
        state.recent = persisted
            .recent
            .iter()
            .filter(|p| p.is_absolute())
            .cloned()
            .collect();
        state.panel = options
            .screenshot
            .as_ref()
            .map_or(persisted.panel, |s| s.panel);
        let jobs = Jobs::new(cc.egui_ctx.clone());
        // the last workspace, unless it is gone (said below, over the demo)
        // one kept by an older version as typed (relative to a folder now unknown) is not
        // looked for in today's folder
        let last = persisted.last.filter(|p| p.is_absolute());
        let (last, gone) = match last {
            Some(p) if options.workspace.is_none() && !p.exists() => (None, Some(p)),
            last => (last, None),
        };
        let open = options.workspace.clone().or(last);
        let trace = super::trace::StartupTrace::from_env(open.is_some());
        let opening = open.clone();
        if let Some(path) = open {
            state.running = Some(Running {
                label: format!("Opening {}", path.display()),
                cancellable: false,
                measured: false,
            });
            jobs.open(path, options.today);
        } else {
            let start = format!(
                "Showing the demo workspace (Northwind Learning). File ▸ {} or {} to start your own.",
                Action::New.text(),
                Action::Open.text()
            );
            if let Some(gone) = gone {
                state.note(
                    now(),
                    format!(
                        "The last workspace, {}, is not there any more (moved, renamed or on a drive not connected).",
                        gone.display()
                    ),
                    true,
                );
            }
            state.note(now(), start, false);
        }
        // the in-app browser is forced (tests, LPKPI_TYPED_PATHS) or the probe decides
        let native_dialog = if options.typed_paths || options.screenshot.is_some() {
            NativeDialog::Missing
        } else {
            jobs.probe_native_dialog();
            NativeDialog::Probing
        };
        LpkpiApp {
            title: String::new(),
            state,
            views: Views::default(),
            doc: None,
            jobs,
            options,
            after_save: None,
            allow_close: false,
            last_recovery: Instant::now(),
            deriving: None,
            waiting_output: Vec::new(),
            screenshot_frames: 0,
            dialog_request: 0,
            dialog_open: false,
            dialog_pick: None,
            native_dialog,
            parked_pick: None,
            last_folder: persisted.last_folder,
            last_import_folder: persisted.last_import_folder,
            trace,
            opening,
        }
    }

    /// An app on a given workspace, without persistence or files (tests).
    pub fn with_workspace(
        cc: &eframe::CreationContext<'_>,
        workspace: Workspace,
        today: chrono::NaiveDate,
    ) -> LpkpiApp {
        let options = LaunchOptions {
            workspace: None,
            today,
            screenshot: None,
            size: None,
            ephemeral: true,
            typed_paths: true,
            failure: Default::default(),
        };
        let mut app = LpkpiApp::new(cc, options);
        app.state = AppState::new(workspace, None, today);
        app
    }

    /// Whether a job is running, figures (the workspace's, an import preview's) are being
    /// derived, or the window's file browser is reading a folder or looking at a path (tests
    /// wait on this). A sort of the purchases on a worker is not counted: its order is taken
    /// when the panel is drawn, so it would stay pending while another panel is shown.
    pub fn busy(&self) -> bool {
        self.state.running.is_some()
            || !self.state.settled()
            || (self.state.preview.as_ref()).is_some_and(|p| p.stale(self.state.figures_key()))
            || (self.state.browser.as_ref()).is_some_and(|b| b.checking || b.listing.is_none())
    }

    /// Log an error (shown as a toast too).
    pub(super) fn error(&mut self, text: impl Into<String>) {
        self.state.note(now(), text, true);
    }

    /// Log some information (shown as a toast too).
    pub(super) fn info(&mut self, text: impl Into<String>) {
        self.state.note(now(), text, false);
    }

    /// Commit what is typed in a field that commits when it loses focus (the partner's name
    /// and ID), before anything that saves, leaves or exports the workspace.
    pub(super) fn commit_drafts(&mut self) -> bool {
        // applied and logged as a panel's edit is
        if let Some(edit) = self.views.settings.pending_partner(&self.state) {
            self.apply(Command::Edit(edit));
        }
        let mut pending = self.views.settings.pending_edits(&self.state.workspace);
        let settings = pending.len();
        pending.extend(
            self.views
                .capability
                .pending_person(&self.state.workspace.people),
        );
        for (i, edit) in pending.into_iter().enumerate() {
            match edit {
                Ok(command) => self.apply(command),
                // the form stays open with its error beside the field; the action waits
                Err(e) => {
                    self.apply(Command::Show(if i < settings {
                        Panel::Settings
                    } else {
                        Panel::Capability
                    }));
                    self.error(e);
                    return false;
                }
            }
        }
        true
    }

    /// Apply one command.
    pub(super) fn apply(&mut self, command: Command) {
        if matches!(
            command,
            Command::New
                | Command::Open(_)
                | Command::Save
                | Command::Quit
                | Command::Dialog(Pick::Open | Pick::SaveAs | Pick::Export(_))
        ) && !self.commit_drafts()
        {
            return;
        }
        // Work that replaces or rereads the rows waits for the preview or the running job, so
        // that a result never lands on a workspace that changed under it.
        let busy = self.state.running.is_some()
            || self.state.preview.is_some()
            || !self.waiting_output.is_empty();
        if busy
            && matches!(
                command,
                Command::New
                    | Command::Open(_)
                    | Command::Import(_)
                    | Command::Undo
                    | Command::Redo
                    | Command::Dialog(Pick::Open | Pick::Import)
            )
        {
            self.error(
                "Finish the import preview (Confirm or Cancel) or wait for the running task first",
            );
            return;
        }
        match command {
            Command::New if self.state.dirty() => self.ask_unsaved(Then::New),
            Command::New => self.new_workspace(),
            Command::Dialog(pick) => self.ask_path(pick),
            Command::BrowseInstead => self.browse_instead(),
            Command::Chosen(paths) => self.chosen(paths),
            Command::CancelBrowser => self.cancel_browser(),
            Command::Open(path) if self.state.path.as_ref() == Some(&path) => {
                self.info(format!("{} is already open", path.display()));
            }
            Command::Open(path) if self.state.dirty() => self.ask_unsaved(Then::Open(path)),
            Command::Open(path) => self.open(path),
            Command::Save => self.save(),
            Command::Import(paths) => self.import_paths(paths),
            Command::ConfirmImport => self.confirm_import(),
            Command::CancelImport => self.cancel_import(),
            Command::CancelJob => self.cancel_job(),
            Command::MapColumns { header, fields } => self.map_columns(header, fields),
            Command::Edit(edit) => {
                // a panel's edit is logged (the undo menu names it so too): the log keeps
                // what was reclassified, added or removed, and when
                let (what, revision) = (
                    edit.describe_against(&self.state.workspace),
                    self.state.revision,
                );
                self.edit(edit);
                if self.state.revision != revision {
                    self.info(format!("Changed: {what}"));
                }
            }
            Command::Undo => self.undo(false),
            Command::Redo => self.undo(true),
            Command::Show(panel) => self.state.panel = panel,
            Command::RateFor(code) => {
                self.views.settings.rate_for(code);
                self.state.panel = Panel::Settings;
            }
            // a link into Purchases shows what it names: the filters left from before go, so
            // the rows and totals shown are the ones the link counted
            Command::ShowReview(changing) => {
                self.views.purchases.clear_filters();
                self.views.purchases.review_only = true;
                self.views.purchases.changing_only = changing;
                self.state.panel = Panel::Purchases;
            }
            Command::ShowFate(fate) => {
                self.views.purchases.clear_filters();
                self.views.purchases.fate = Some(fate);
                self.state.panel = Panel::Purchases;
            }
            Command::Dismiss(i) => {
                if let Some(n) = self.state.notes.get_mut(i) {
                    n.shown = Instant::now() - super::log::SHOWN_FOR;
                }
            }
            Command::Paper(paper) => self.state.paper = paper,
            Command::LoadOfficial(path) => {
                if self.reading(&path, "the dashboard's report") {
                    self.jobs.official(path);
                }
            }
            Command::SelectReconcileMonth(month) => self.views.reconcile.selected = month,
            Command::ShowMonth(month) => {
                self.views.purchases.clear_filters();
                self.views.purchases.month = Some(month);
                self.state.panel = Panel::Purchases;
            }
            Command::AsOf(day) => self.state.as_of = day,
            Command::OpenFile(path) => self.jobs.reveal(path, false),
            Command::ShowInFolder(path) => self.jobs.reveal(path, true),
            Command::AcceptRecovery => self.accept_recovery(),
            Command::DeclineRecovery => self.decline_recovery(),
            Command::Quit if self.state.dirty() => self.ask_unsaved(Then::Close),
            Command::Quit => self.allow_close = true,
            Command::UnsavedSave => {
                if let Some(prompt) = self.state.unsaved.take() {
                    self.after_save = Some(prompt.then);
                    self.save();
                }
            }
            Command::UnsavedDiscard => {
                // a new or opened workspace waits for the running task, as it does unasked
                let replaces = (self.state.unsaved.as_ref()).is_some_and(|p| p.then != Then::Close);
                let waits = replaces && self.waits_for_the_task("Not yet", "answer").is_some();
                if !waits && let Some(prompt) = self.state.unsaved.take() {
                    self.go_on(prompt.then);
                }
            }
            Command::UnsavedCancel => {
                self.state.unsaved = None;
                self.after_save = None;
            }
            Command::SaveChart => self.save_chart(),
            Command::LoadProfile(path) => {
                if self.reading(&path, "the program profile") {
                    self.jobs.profile(path);
                }
            }
            Command::SelectRow(i) => self.select_row(i),
        }
    }

    /// Whether what was asked for must wait for the running task, which owns the progress
    /// bar and the guard against replacing the workspace: if so it is said, as "REFUSED: TASK is
    /// under way; AGAIN once it ends", and the sentence returned.
    pub(super) fn waits_for_the_task(&mut self, refused: &str, again: &str) -> Option<String> {
        let r = self.state.running.as_ref()?;
        let why = format!("{refused}: {} is under way; {again} once it ends", r.label);
        self.error(why.clone());
        Some(why)
    }

    /// Whether a file whose content becomes an edit (the dashboard's report, a program
    /// profile) may be read now: not while another task runs (an open would land the edit on
    /// the other workspace, and the task owns the progress bar). When it may, it is the running
    /// task till it is read, so that nothing replaces the workspace meanwhile.
    fn reading(&mut self, path: &std::path::Path, what: &str) -> bool {
        let refused = format!("{} not read", path.display());
        if self.waits_for_the_task(&refused, "try again").is_some() {
            return false;
        }
        self.state.running = Some(Running {
            label: format!("Reading {what} {}", crate::files::name_of(path)),
            cancellable: false,
            measured: false,
        });
        true
    }

    /// Ask "save changes first?" before `then` drops the unsaved changes.
    pub(super) fn ask_unsaved(&mut self, then: Then) {
        self.state.unsaved = Some(UnsavedPrompt { then, error: None });
    }

    /// Do what "save changes first?" was asked for: the changes are saved, or to be dropped.
    pub(super) fn go_on(&mut self, then: Then) {
        match then {
            Then::Close => self.allow_close = true,
            Then::New => self.new_workspace(),
            Then::Open(path) => self.open(path),
        }
    }

    /// The save asked for by "save changes first?" did not happen (`why`): ask again, with the
    /// reason, so that Don't save and Cancel stay reachable.
    pub(super) fn save_abandoned(&mut self, why: &str) {
        if let Some(then) = self.after_save.take() {
            self.state.unsaved = Some(UnsavedPrompt {
                then,
                error: Some(why.to_string()),
            });
        }
    }

    /// Whether the window has decided to close (it asks eframe to every frame from then on;
    /// public for tests).
    pub fn closing(&self) -> bool {
        self.allow_close
    }

    /// Take what a worker thread reports.
    fn job_done(&mut self, done: Done, ctx: &egui::Context) {
        match done {
            Done::Picked(request, pick, paths) => self.picked(request, pick, paths),
            Done::NativeDialog(answers) => self.native_dialog_probed(answers),
            Done::Opened(path, result) => self.opened(path, result, ctx),
            Done::Parsed(result) => self.parsed(result),
            Done::PreviewFigures(figures) => self.preview_figures(figures),
            Done::Dropped(files) => self.dropped_read(files),
            Done::Saved(revision, result) => self.saved(revision, result, ctx),
            Done::Created(revision, result) => self.created(revision, result, ctx),
            Done::Wrote(result) => self.wrote(result),
            Done::Recovery(result) => {
                if let Err(e) = result {
                    self.error(format!("Recovery file not written: {e}"));
                }
            }
            Done::Screenshot(image) => self.screenshot_arrived(&image, ctx),
            Done::Derived(revision, derived) => self.derived(revision, derived),
            Done::Warning(e) => self.error(e),
            Done::Quiet => {}
            Done::Official(Ok(report)) => {
                self.state.running = None;
                let (n, bad) = (report.lines.len(), report.rejected.len());
                for (line, why) in report.rejected.iter().take(20) {
                    self.error(format!("Dashboard report line {line}: {why}"));
                }
                self.edit(Edit::Official(report.lines));
                self.info(format!(
                    "Read {} line{} of the dashboard's report{}",
                    super::widgets::count(super::widgets::len(n)),
                    if n == 1 { "" } else { "s" },
                    if bad == 0 {
                        String::new()
                    } else {
                        format!(
                            ", {} not read",
                            super::widgets::count(super::widgets::len(bad))
                        )
                    }
                ));
            }
            Done::Official(Err(e)) => {
                self.state.running = None;
                self.error(format!("Dashboard report not read: {e}"));
            }
            Done::Profile(result) => {
                self.state.running = None;
                match result {
                    Ok(p) => self.edit(Edit::Profile(ProfileChoice::Custom(Box::new(p)))),
                    Err(e) => self.error(e.to_string()),
                }
            }
        }
    }

    /// Look at row `i` of the purchases table (its component count becomes the draft).
    fn select_row(&mut self, i: Option<usize>) {
        self.state.selected_row = i;
        self.views.purchases.components = i
            .and_then(|i| self.state.derived.as_ref().ok()?.rows.get(i).cloned())
            .and_then(|r| {
                let key = r.catalog_key()?.to_string();
                self.state
                    .workspace
                    .catalog
                    .get(&key)
                    .and_then(|c| c.components)
                    .or(r.components)
            })
            .map_or(String::new(), |n| n.to_string());
    }
}

impl eframe::App for LpkpiApp {
    fn ui(&mut self, ui: &mut Ui, _frame: &mut eframe::Frame) {
        let ctx = ui.ctx().clone();
        if let Some(trace) = &mut self.trace {
            trace.frame_starts();
        }
        while let Some(done) = self.jobs.poll() {
            self.job_done(done, &ctx);
        }
        self.dialog_still_awaited();
        // an export or a chart that waited for the running task
        self.output_when_settled();
        if self.state.running.is_some() {
            ctx.request_repaint_after(Duration::from_millis(100));
        }
        self.handle_drops(&ctx);
        let mut cmds = Vec::new();
        shortcuts(&ctx, &mut cmds);
        if ctx.input(|i| i.viewport().close_requested()) && !self.allow_close {
            // an open form with an error keeps the window open, showing it
            if !self.commit_drafts() {
                ctx.send_viewport_cmd(egui::ViewportCommand::CancelClose);
            } else if self.state.dirty() {
                ctx.send_viewport_cmd(egui::ViewportCommand::CancelClose);
                self.ask_unsaved(Then::Close);
            }
        }

        self.draw(ui, &mut cmds);
        if let Some(trace) = &mut self.trace {
            // the dashboard drawn above showed the figures of the workspace as it is
            let figures = self.state.panel == Panel::Dashboard
                && self.state.running.is_none()
                && self.state.settled()
                && self.state.outcome().is_some();
            trace.frame_laid_out(figures, self.state.path.is_some(), &ctx);
        }
        for c in cmds {
            self.apply(c);
        }

        self.schedule_recompute();
        self.schedule_preview_figures();
        if self.allow_close {
            ctx.send_viewport_cmd(egui::ViewportCommand::Close);
        }
        let title = self.state.title();
        if title != self.title {
            ctx.send_viewport_cmd(egui::ViewportCommand::Title(title.clone()));
            self.title = title;
        }
        self.autosave_recovery(&ctx);
        self.screenshot_tick(&ctx);
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        self.persist(storage);
    }

    fn raw_input_hook(&mut self, _ctx: &egui::Context, raw_input: &mut egui::RawInput) {
        self.screenshot_input(raw_input);
    }
}
