//! The eframe app, a dispatcher. It owns the state; each frame it polls finished jobs, reads
//! dropped files and shortcuts, draws the window (whose parts push commands), then applies the
//! commands one by one. The work behind each command lives beside this file:
//!
//! - `history.rs`: edits through the undo stack, undo and redo, recomputing the figures;
//! - `import_flow.rs`: reading and parsing imports, the preview, confirming, mapping columns;
//! - `document.rs`: new, open, save, save as, exports, the recovery file;
//! - `dialogs.rs`: file dialogs and typed paths, the modals;
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
use super::import::ImportView;
use super::jobs::{Done, Jobs};
use super::persistence;
use super::purchases::PurchasesView;
use super::settings::SettingsView;
use super::state::{AppState, Panel, Running};
use super::{DEMO_WORKSPACE, LaunchOptions, theme};
use crate::workspace::format::from_ron;
use crate::workspace::model::ProfileChoice;
use crate::workspace::{Document, Edit, Workspace};

/// Panel-local view state (filters, drafts): not domain data.
#[derive(Default)]
pub(super) struct Views {
    pub(super) purchases: PurchasesView,
    pub(super) charts: ChartView,
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
    /// Close the window once the save under way succeeds.
    pub(super) quit_after_save: bool,
    /// The window may close (unsaved changes were saved, discarded, or there are none).
    pub(super) allow_close: bool,
    pub(super) last_recovery: Instant,
    /// The revision whose figures a worker thread is deriving.
    pub(super) deriving: Option<u64>,
    /// The chart to save (points), and where, while its screenshot is awaited.
    /// Frames drawn since a `--screenshot` run settled.
    pub(super) screenshot_frames: u32,
    /// The file dialog being waited for (answers to older requests are ignored).
    pub(super) dialog_request: u64,
    pub(super) dialog_open: bool,
    /// What the pending file dialog picks, and its suggested file name.
    pub(super) dialog_pick: Option<(Pick, Option<PathBuf>)>,
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
        state.recent = persisted.recent.clone();
        state.panel = options
            .screenshot
            .as_ref()
            .map_or(persisted.panel, |s| s.panel);
        let jobs = Jobs::new(cc.egui_ctx.clone());
        let open = options
            .workspace
            .clone()
            .or(persisted.last.filter(|p| p.exists()));
        if let Some(path) = open {
            state.running = Some(Running {
                label: format!("Opening {}", path.display()),
                cancellable: false,
            });
            jobs.open(path, options.today);
        } else {
            let start = format!(
                "Showing the demo workspace (Northwind Learning). File ▸ {} or {} to start your own.",
                Action::New.text(),
                Action::Open.text()
            );
            state.note(now(), start, false);
        }
        LpkpiApp {
            title: String::new(),
            state,
            views: Views::default(),
            doc: None,
            jobs,
            options,
            quit_after_save: false,
            allow_close: false,
            last_recovery: Instant::now(),
            deriving: None,
            screenshot_frames: 0,
            dialog_request: 0,
            dialog_open: false,
            dialog_pick: None,
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

    /// Whether a job is running or figures are being derived (tests wait on this).
    pub fn busy(&self) -> bool {
        self.state.running.is_some() || !self.state.settled()
    }

    /// Log an error (shown as a toast too).
    pub(super) fn error(&mut self, text: impl Into<String>) {
        self.state.note(now(), text, true);
    }

    /// Log some information (shown as a toast too).
    pub(super) fn info(&mut self, text: impl Into<String>) {
        self.state.note(now(), text, false);
    }

    /// Apply one command.
    pub(super) fn apply(&mut self, command: Command) {
        // Work that replaces or rereads the rows waits for the preview or the running job, so
        // that a result never lands on a workspace that changed under it.
        let busy = self.state.running.is_some() || self.state.preview.is_some();
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
            Command::New => self.new_workspace(),
            Command::Dialog(pick) => self.ask_path(pick),
            Command::TypePath => self.type_path(),
            Command::PathTyped(text) => self.path_typed(&text),
            Command::CancelPath => self.cancel_path(),
            Command::Open(path) => self.open(path),
            Command::Save => self.save(),
            Command::Import(paths) => self.import_paths(paths),
            Command::ConfirmImport => self.confirm_import(),
            Command::CancelImport => self.cancel_import(),
            Command::CancelJob => self.cancel_job(),
            Command::MapColumns { header, fields } => self.map_columns(header, fields),
            Command::Edit(edit) => self.edit(edit),
            Command::Undo => self.undo(false),
            Command::Redo => self.undo(true),
            Command::Show(panel) => self.state.panel = panel,
            Command::ShowReview => {
                self.views.purchases.review_only = true;
                self.state.panel = Panel::Purchases;
            }
            Command::Dismiss(i) => {
                if let Some(n) = self.state.notes.get_mut(i) {
                    n.shown = Instant::now() - super::log::SHOWN_FOR;
                }
            }
            Command::Paper(paper) => self.state.paper = paper,
            Command::OpenFile(path) => self.jobs.reveal(path, false),
            Command::ShowInFolder(path) => self.jobs.reveal(path, true),
            Command::AcceptRecovery => self.accept_recovery(),
            Command::DeclineRecovery => self.decline_recovery(),
            Command::Quit if self.state.dirty() => self.state.confirm_quit = true,
            Command::Quit => self.allow_close = true,
            Command::QuitDiscarding => {
                self.state.confirm_quit = false;
                self.allow_close = true;
            }
            Command::SaveAndQuit => {
                self.state.confirm_quit = false;
                self.quit_after_save = true;
                self.save();
            }
            Command::CancelQuit => self.state.confirm_quit = false,
            Command::SaveChart => self.save_chart(),
            Command::LoadProfile(path) => self.jobs.profile(path),
            Command::SelectRow(i) => self.select_row(i),
        }
    }

    /// Take what a worker thread reports.
    fn job_done(&mut self, done: Done, ctx: &egui::Context) {
        match done {
            Done::Picked(request, pick, paths) => self.picked(request, pick, paths),
            Done::Opened(path, result) => self.opened(path, result, ctx),
            Done::Parsed(result) => self.parsed(result),
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
            Done::Profile(result) => match result {
                Ok(p) => self.edit(Edit::Profile(ProfileChoice::Custom(Box::new(p)))),
                Err(e) => self.error(e.to_string()),
            },
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
        while let Some(done) = self.jobs.poll() {
            self.job_done(done, &ctx);
        }
        if self.state.running.is_some() {
            ctx.request_repaint_after(Duration::from_millis(100));
        }
        self.handle_drops(&ctx);
        let mut cmds = Vec::new();
        shortcuts(&ctx, &mut cmds);
        if ctx.input(|i| i.viewport().close_requested()) && !self.allow_close && self.state.dirty()
        {
            ctx.send_viewport_cmd(egui::ViewportCommand::CancelClose);
            self.state.confirm_quit = true;
        }

        self.draw(ui, &mut cmds);
        for c in cmds {
            self.apply(c);
        }

        self.schedule_recompute();
        if self.allow_close && !self.quit_after_save {
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
}
