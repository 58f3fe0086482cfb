//! The eframe app: each frame it polls finished jobs, reads dropped files and shortcuts, draws
//! the panels (which push commands), then applies the commands. Edits go through the undo
//! stack; derived figures are recomputed after a change, not per frame.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::{Local, NaiveDateTime};
use eframe::egui::{self, RichText, Ui};

use super::capability::{CapabilityView, capability_ui};
use super::charts::{ChartView, charts_ui};
use super::command::{Command, Pick};
use super::dashboard::dashboard_ui;
use super::import::{ImportView, hover_overlay, preview_ui};
use super::jobs::{Done, Jobs, Parsed};
use super::log::{log_ui, toasts};
use super::menu::{menu_bar, shortcuts};
use super::purchases::{PurchasesView, purchases_ui};
use super::settings::{SettingsView, settings_ui};
use super::state::{AppState, ImportPreview, Panel, PreviewDetails, Running};
use super::{DEMO_WORKSPACE, LaunchOptions, ScreenshotRequest, theme};
use crate::import::sniff::{ColumnMapRepr, Remembered, header_signature};
use crate::import::{ImportCounts, ImportSet};
use crate::report::{Format, ReportInput};
use crate::rules::profile::Field;
use crate::workspace::Edit;
use crate::workspace::format::from_ron;
use crate::workspace::model::ProfileChoice;
use crate::workspace::{Document, Workspace};

/// What the window remembers between runs (eframe persistence).
#[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
#[serde(default)]
struct Persisted {
    recent: Vec<PathBuf>,
    last: Option<PathBuf>,
    panel: Panel,
}

const STORAGE_KEY: &str = "lpkpi";
/// Undo steps kept.
const UNDO_STEPS: usize = 100;

const RECOVERY_EVERY: Duration = Duration::from_secs(15);

/// Panel-local view state (filters, drafts): not domain data.
#[derive(Default)]
struct Views {
    purchases: PurchasesView,
    charts: ChartView,
    capability: CapabilityView,
    settings: SettingsView,
    import: ImportView,
}

/// The window.
pub struct LpkpiApp {
    /// What the panels show (public for tests).
    pub state: AppState,
    views: Views,
    doc: Option<Arc<Mutex<Document>>>,
    jobs: Jobs,
    options: LaunchOptions,
    title: String,
    quit_after_save: bool,
    allow_close: bool,
    last_recovery: Instant,
    /// The revision whose figures a worker thread is deriving.
    deriving: Option<u64>,
    chart_rect: Option<egui::Rect>,
    chart_path: Option<PathBuf>,
    screenshot_frames: u32,
    /// The file dialog being waited for (answers to older requests are ignored).
    dialog_request: u64,
    dialog_open: bool,
    /// What the pending file dialog picks, and its suggested file name.
    dialog_pick: Option<(Pick, Option<PathBuf>)>,
}

fn now() -> NaiveDateTime {
    Local::now().naive_local()
}

fn demo() -> Workspace {
    from_ron(DEMO_WORKSPACE, "demo").unwrap_or_default()
}

impl LpkpiApp {
    /// Start: the workspace asked for, else the last one, else the bundled demo.
    pub fn new(cc: &eframe::CreationContext<'_>, options: LaunchOptions) -> LpkpiApp {
        theme::apply(&cc.egui_ctx);
        let persisted: Persisted = if options.ephemeral {
            Persisted::default()
        } else {
            cc.storage
                .and_then(|s| eframe::get_value(s, STORAGE_KEY))
                .unwrap_or_default()
        };
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
            jobs.open(path);
        } else {
            state.note(now(), "Showing the demo workspace (Northwind Learning). File ▸ New or Open… to start your own.", false);
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
            chart_rect: None,
            chart_path: None,
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

    fn error(&mut self, text: impl Into<String>) {
        self.state.note(now(), text, true);
    }

    fn info(&mut self, text: impl Into<String>) {
        self.state.note(now(), text, false);
    }

    /// Apply an edit through the core (validated with the loader's limits) and keep its
    /// inverse for undo.
    fn edit(&mut self, edit: Edit) {
        let what = edit.describe();
        match self.state.workspace.apply(edit) {
            Ok(Some(inverse)) => self.changed(inverse, what),
            Ok(None) => {}
            Err(e) => self.error(format!("Not changed ({what}): {e}")),
        }
    }

    /// Record a change (its inverse, for undo), and recompute.
    fn changed(&mut self, inverse: Edit, what: String) {
        self.state.undo.push_back((inverse, what));
        if self.state.undo.len() > UNDO_STEPS {
            self.state.undo.pop_front();
        }
        self.state.redo.clear();
        self.state.revision += 1;
    }

    /// Start deriving the figures of the current revision on a worker thread, unless that is
    /// done or under way (one at a time: a result for an older revision starts the next).
    fn schedule_recompute(&mut self) {
        if self.state.settled() || self.deriving.is_some() {
            return;
        }
        self.deriving = Some(self.state.revision);
        self.jobs.derive(
            self.state.workspace.clone(),
            self.state.today,
            self.state.derived.as_ref().ok().cloned(),
            self.state.revision,
        );
    }

    fn undo(&mut self, redo: bool) {
        let from = if redo {
            &mut self.state.redo
        } else {
            &mut self.state.undo
        };
        let Some((edit, what)) = from.pop_back() else {
            return;
        };
        match self.state.workspace.apply(edit) {
            Ok(inverse) => {
                if let Some(inverse) = inverse {
                    let to = if redo {
                        &mut self.state.undo
                    } else {
                        &mut self.state.redo
                    };
                    to.push_back((inverse, what.clone()));
                }
                self.state.revision += 1;
                self.info(format!("{} {what}", if redo { "Redid" } else { "Undid" }));
            }
            Err(e) => self.error(format!("Cannot undo {what}: {e}")),
        }
    }

    fn replace_workspace(&mut self, ws: Workspace, path: Option<PathBuf>) {
        let notes = std::mem::take(&mut self.state.notes);
        let recent = std::mem::take(&mut self.state.recent);
        let panel = self.state.panel;
        // revisions keep counting across workspaces, so that a late result of a job for the
        // previous one (figures, a save) is never taken for this one
        let revision = self.state.revision + 1;
        self.state = AppState::new(ws, path, self.options.today);
        self.state.revision = revision;
        self.state.saved_revision = revision;
        self.state.derived_revision = revision;
        self.state.notes = notes;
        self.state.recent = recent;
        self.state.panel = panel;
        self.views = Views::default();
    }

    fn remember_recent(&mut self, path: &std::path::Path) {
        let path = path.to_path_buf();
        self.state.recent.retain(|p| p != &path);
        self.state.recent.insert(0, path);
        self.state.recent.truncate(8);
    }

    fn base_set(&self) -> ImportSet {
        match &self.state.derived {
            Ok(d) => d.session.set.clone(),
            Err(_) => self.state.workspace.import_set(),
        }
    }

    fn rules_and_mappings(
        &self,
        extra: &Remembered,
    ) -> Option<(crate::import::ImportRules, Remembered)> {
        let profile = match &self.state.derived {
            Ok(d) => d.session.profile.clone(),
            Err(_) => self.state.workspace.profile().ok()?,
        };
        let mut mappings = self.state.workspace.mappings.clone();
        mappings.extend(extra.iter().map(|(k, v)| (k.clone(), v.clone())));
        Some((crate::import::ImportRules::new(&profile), mappings))
    }

    fn start_parse(&mut self, inputs: Vec<(String, Arc<Vec<u8>>)>, extra: Remembered) {
        let Some((rules, mappings)) = self.rules_and_mappings(&extra) else {
            self.error("the program profile cannot be used: fix it in Settings");
            return;
        };
        self.state.running = Some(Running {
            label: format!(
                "Reading {} file{}",
                inputs.len(),
                if inputs.len() == 1 { "" } else { "s" }
            ),
            cancellable: true,
        });
        self.jobs.parse(inputs, self.base_set(), rules, mappings);
    }

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
                        .evaluate(&self.state.workspace, anniversary, self.state.today, None)
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

    fn confirm_import(&mut self) {
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

    fn map_columns(&mut self, header: Vec<String>, fields: Vec<String>) {
        let Some(p) = &self.state.preview else { return };
        let mut map = std::collections::BTreeMap::new();
        for (col, key) in fields.iter().enumerate() {
            if let Some(f) = Field::ALL.iter().find(|f| f.key() == key) {
                map.entry(*f).or_insert(col);
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

    fn export(&mut self, path: PathBuf, format: Format) {
        let Ok(d) = &self.state.derived else { return };
        let Some(out) = &d.outcome else {
            self.error("Nothing to export: enter the anniversary in Settings first");
            return;
        };
        let has_roster = !self.state.workspace.trainers.is_empty()
            || !self.state.workspace.competencies.is_empty();
        let input = ReportInput {
            eval: &out.eval,
            profile: &d.session.profile,
            set: &d.session.set,
            partner: Some(self.state.workspace.partner.name.as_str()).filter(|n| !n.is_empty()),
            capability: has_roster.then_some(&out.capability),
            dashboard: &self.state.workspace.dashboard,
        };
        match crate::report::render(&input, format) {
            Ok(bytes) => {
                self.state.running = Some(Running {
                    label: format!("Writing {}", path.display()),
                    cancellable: false,
                });
                self.jobs.write(path, bytes);
            }
            Err(e) => self.error(e.to_string()),
        }
    }

    fn save(&mut self) {
        match &self.doc {
            Some(doc) => {
                self.state.running = Some(Running {
                    label: "Saving".into(),
                    cancellable: false,
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

    /// Apply one command.
    fn apply(&mut self, command: Command) {
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
            Command::New => {
                if self.state.dirty() {
                    self.error(
                        "Unsaved changes: save them (or Save As) before starting a new workspace",
                    );
                } else {
                    self.doc = None;
                    self.replace_workspace(Workspace::default(), None);
                    self.state.panel = Panel::Settings;
                    self.info(
                        "New workspace: enter the partner and the anniversary, then import exports",
                    );
                }
            }
            Command::Dialog(pick) => {
                let start = self
                    .state
                    .path
                    .as_ref()
                    .and_then(|p| p.parent().map(PathBuf::from));
                let name = match pick {
                    Pick::SaveAs => Some(if self.state.workspace.partner.name.is_empty() {
                        "workspace.ron".to_string()
                    } else {
                        format!("{}.ron", self.state.workspace.partner.name)
                    }),
                    Pick::Export(Format::Markdown) => Some("renewal-summary.md".into()),
                    Pick::Export(Format::Json) => Some("renewal-report.json".into()),
                    Pick::Export(Format::Csv) => Some("monthly-kpis.csv".into()),
                    Pick::ChartPng => Some("kpi-chart.png".into()),
                    _ => None,
                };
                self.dialog_request += 1;
                self.dialog_open = true;
                let suggested = match (&start, &name) {
                    (Some(dir), Some(n)) => Some(dir.join(n)),
                    (None, Some(n)) => std::env::current_dir().ok().map(|d| d.join(n)),
                    (Some(dir), None) => Some(dir.join("")),
                    (None, None) => std::env::current_dir().ok().map(|d| d.join("")),
                };
                self.dialog_pick = Some((pick, suggested));
                if self.options.typed_paths {
                    self.apply(Command::TypePath);
                    return;
                }
                self.state.running = Some(Running {
                    label: "Waiting for the file dialog (none appears? drop the files on the window instead)".into(),
                    cancellable: true,
                });
                self.jobs.dialog(self.dialog_request, pick, start, name);
            }
            Command::TypePath => {
                if let Some((pick, suggested)) = self.dialog_pick.clone() {
                    // answers of the dialog still pending are ignored from now on
                    self.dialog_request += 1;
                    self.dialog_open = false;
                    self.state.running = None;
                    let what = match pick {
                        Pick::Open => "Workspace to open",
                        Pick::Import => "Files to import (one per line)",
                        Pick::SaveAs => "Save the workspace as",
                        Pick::Export(_) => "Export the summary to",
                        Pick::ChartPng => "Save the chart as",
                        Pick::Profile => "Program profile to load",
                    };
                    self.state.path_prompt = Some((
                        what.to_string(),
                        suggested.map_or(String::new(), |p| p.display().to_string()),
                    ));
                }
            }
            Command::PathTyped(text) => {
                self.state.path_prompt = None;
                let paths: Vec<PathBuf> = text
                    .lines()
                    .map(str::trim)
                    .filter(|l| !l.is_empty())
                    .map(PathBuf::from)
                    .collect();
                if let Some((pick, _)) = self.dialog_pick.take() {
                    let ctx = self.jobs.ctx();
                    self.dialog_request += 1;
                    let request = self.dialog_request;
                    self.job_done(Done::Picked(request, pick, Some(paths)), &ctx);
                }
            }
            Command::CancelPath => {
                self.state.path_prompt = None;
                self.dialog_pick = None;
            }
            Command::Open(path) if self.state.path.as_ref().is_some_and(|p| p == &path) => {
                self.info(format!("{} is already open", path.display()));
            }
            Command::Open(path) => {
                if self.state.dirty() {
                    self.error("Unsaved changes: save them before opening another workspace");
                } else {
                    self.state.running = Some(Running {
                        label: format!("Opening {}", path.display()),
                        cancellable: false,
                    });
                    self.jobs.open(path);
                }
            }
            Command::Save => self.save(),
            Command::Import(paths) => {
                let Some((rules, mappings)) = self.rules_and_mappings(&Remembered::new()) else {
                    self.error("the program profile cannot be used: fix it in Settings");
                    return;
                };
                self.state.running = Some(Running {
                    label: format!(
                        "Reading {} file{}",
                        paths.len(),
                        if paths.len() == 1 { "" } else { "s" }
                    ),
                    cancellable: true,
                });
                self.jobs
                    .import_paths(paths, self.base_set(), rules, mappings);
            }
            Command::ConfirmImport => self.confirm_import(),
            Command::CancelImport => {
                self.state.preview = None;
                self.info("Import cancelled: nothing changed");
            }
            Command::CancelJob => {
                if self.dialog_open {
                    self.dialog_open = false;
                    self.dialog_request += 1;
                    self.state.running = None;
                } else {
                    self.jobs.cancel();
                }
            }
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
            Command::AcceptRecovery => {
                if let Some(recovery) = self.state.recovery.take() {
                    self.edit(Edit::Restore(Box::new(recovery.workspace)));
                    if let Some(doc) = &self.doc {
                        self.jobs.discard_recovery(doc.clone());
                    }
                }
            }
            Command::DeclineRecovery => {
                self.state.recovery = None;
                if let Some(doc) = &self.doc {
                    self.jobs.discard_recovery(doc.clone());
                }
            }
            Command::Quit => {
                if self.state.dirty() {
                    self.state.confirm_quit = true;
                } else {
                    self.allow_close = true;
                }
            }
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
            Command::SaveChart(rect) => {
                self.chart_rect = Some(rect);
                self.apply(Command::Dialog(Pick::ChartPng));
            }
            Command::LoadProfile(path) => self.jobs.profile(path),
            Command::SelectRow(i) => {
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
    }

    fn job_done(&mut self, done: Done, ctx: &egui::Context) {
        match done {
            Done::Picked(request, pick, paths) => {
                if request != self.dialog_request {
                    return;
                }
                self.dialog_open = false;
                self.state.running = None;
                let Some(mut paths) = paths.filter(|p| !p.is_empty()) else {
                    if pick == Pick::Import {
                        self.info("No file picked (on Linux the file dialog needs the xdg desktop portal: you can also drop files on the window)");
                    }
                    return;
                };
                match pick {
                    Pick::Open => self.apply(Command::Open(paths.remove(0))),
                    Pick::Import => self.apply(Command::Import(paths)),
                    Pick::SaveAs => {
                        let mut path = paths.remove(0);
                        if path.extension().is_none() {
                            path.set_extension("ron");
                        }
                        self.state.running = Some(Running {
                            label: "Saving".into(),
                            cancellable: false,
                        });
                        self.jobs.save_as(
                            self.doc.clone(),
                            path,
                            self.state.workspace.clone(),
                            self.state.revision,
                        );
                    }
                    Pick::Export(format) => self.export(paths.remove(0), format),
                    Pick::ChartPng => {
                        self.chart_path = Some(paths.remove(0));
                        self.jobs.screenshot();
                    }
                    Pick::Profile => self.apply(Command::LoadProfile(paths.remove(0))),
                }
            }
            Done::Opened(path, result) => {
                self.state.running = None;
                match result {
                    Ok((doc, recovery)) => {
                        let ws = doc.workspace.clone();
                        self.doc = Some(Arc::new(Mutex::new(doc)));
                        self.replace_workspace(ws, Some(path.clone()));
                        self.remember_recent(&path);
                        self.info(format!("Opened {}", path.display()));
                        self.state.recovery = recovery;
                    }
                    Err(e) => {
                        if self.options.screenshot.is_some() {
                            if let Ok(mut f) = self.options.failure.lock() {
                                *f = Some(e.clone());
                            }
                            self.allow_close = true;
                            ctx.send_viewport_cmd(egui::ViewportCommand::Close);
                        }
                        self.error(format!("Cannot open: {e}"));
                        self.info("Showing the demo workspace instead");
                    }
                }
            }
            Done::Parsed(result) => {
                self.state.running = None;
                match result {
                    Ok(parsed) => self.preview_ready(parsed),
                    Err(e) => self.error(e),
                }
            }
            Done::Dropped(files) => {
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
            Done::Saved(revision, result) => {
                self.state.running = None;
                match result {
                    Ok(path) => self.apply_saved(revision, path, ctx),
                    Err(e) => {
                        self.quit_after_save = false;
                        self.error(format!("Not saved: {e}"));
                    }
                }
            }
            Done::Created(revision, result) => {
                self.state.running = None;
                match result {
                    Ok(doc) => {
                        let path = doc.path.clone();
                        self.doc = Some(Arc::new(Mutex::new(doc)));
                        self.apply_saved(revision, path, ctx);
                    }
                    Err(e) => {
                        self.quit_after_save = false;
                        self.error(format!("Not saved: {e}"));
                    }
                }
            }
            Done::Wrote(result) => {
                self.state.running = None;
                match result {
                    Ok(path) => self.info(format!("Wrote {}", path.display())),
                    Err(e) => self.error(format!("Not written: {e}")),
                }
            }
            Done::Recovery(result) => {
                if let Err(e) = result {
                    self.error(format!("Recovery file not written: {e}"));
                }
            }
            Done::Screenshot(image) => self.screenshot_arrived(&image, ctx),
            Done::Derived(revision, derived) => {
                self.deriving = None;
                if let Some(e) = self.state.take_derived(revision, derived) {
                    self.error(e);
                }
            }
            Done::Profile(result) => match result {
                Ok(p) => self.edit(Edit::Profile(ProfileChoice::Custom(Box::new(p)))),
                Err(e) => self.error(e),
            },
        }
    }

    fn apply_saved(&mut self, revision: u64, path: PathBuf, ctx: &egui::Context) {
        self.state.saved_revision = revision;
        self.state.path = Some(path.clone());
        self.remember_recent(&path);
        self.info(format!("Saved {}", path.display()));
        if self.quit_after_save {
            self.allow_close = true;
            ctx.send_viewport_cmd(egui::ViewportCommand::Close);
        }
    }

    fn screenshot_arrived(&mut self, image: &egui::ColorImage, ctx: &egui::Context) {
        let ppp = ctx.pixels_per_point();
        let (rect, path) = if let Some(req) = &self.options.screenshot {
            (None, req.path.clone())
        } else if let Some(path) = self.chart_path.take() {
            (self.chart_rect.take(), path)
        } else {
            return;
        };
        let [w, h] = image.size;
        let (x0, y0, x1, y1) = match rect {
            Some(r) => (
                ((r.min.x * ppp).max(0.0) as usize).min(w),
                ((r.min.y * ppp).max(0.0) as usize).min(h),
                ((r.max.x * ppp) as usize).min(w),
                ((r.max.y * ppp) as usize).min(h),
            ),
            None => (0, 0, w, h),
        };
        if x1 <= x0 || y1 <= y0 {
            self.error("Nothing to save: the chart is not on screen");
            return;
        }
        let mut out = image::RgbaImage::new((x1 - x0) as u32, (y1 - y0) as u32);
        for y in y0..y1 {
            for x in x0..x1 {
                let c = image.pixels[y * w + x];
                out.put_pixel((x - x0) as u32, (y - y0) as u32, image::Rgba(c.to_array()));
            }
        }
        let mut bytes = Vec::new();
        if let Err(e) = out.write_to(
            &mut std::io::Cursor::new(&mut bytes),
            image::ImageFormat::Png,
        ) {
            self.error(format!("Cannot encode the PNG: {e}"));
            return;
        }
        if self.options.screenshot.is_some() {
            let result = crate::atomic::write(&path, &bytes);
            if let Err(e) = &result {
                eprintln!("lpkpi: {}: {e}", path.display());
            }
            self.allow_close = true;
            ctx.send_viewport_cmd(egui::ViewportCommand::Close);
        } else {
            self.jobs.write(path, bytes);
        }
    }

    fn dialogs(&mut self, ctx: &egui::Context, cmds: &mut Vec<Command>) {
        if self.state.confirm_quit {
            egui::Modal::new(egui::Id::unique("confirm-quit")).show(ctx, |ui| {
                ui.label(RichText::new("Save changes before closing?").heading());
                ui.label("The workspace has changes that are not saved.");
                ui.horizontal(|ui| {
                    if ui.button("Save").clicked() {
                        cmds.push(Command::SaveAndQuit);
                    }
                    if ui.button("Don't save").clicked() {
                        cmds.push(Command::QuitDiscarding);
                    }
                    if ui.button("Cancel").clicked() {
                        cmds.push(Command::CancelQuit);
                    }
                });
            });
        }
        if let Some((what, text)) = &mut self.state.path_prompt {
            egui::Modal::new(egui::Id::unique("path-prompt")).show(ctx, |ui| {
                ui.label(RichText::new(what.as_str()).heading());
                let multi = what.starts_with("Files to import");
                let edit = if multi {
                    egui::TextEdit::multiline(text).desired_rows(4)
                } else {
                    egui::TextEdit::singleline(text)
                };
                let l = ui.label("Path");
                ui.add(edit.desired_width(520.0)).labelled_by(l.id);
                ui.horizontal(|ui| {
                    if ui.button("Use this path").clicked() {
                        cmds.push(Command::PathTyped(text.clone()));
                    }
                    if ui.button("Cancel").clicked() {
                        cmds.push(Command::CancelPath);
                    }
                });
            });
        }
        if let Some(recovery) = &self.state.recovery {
            egui::Modal::new(egui::Id::unique("recovery")).show(ctx, |ui| {
                ui.label(RichText::new("Unsaved edits found").heading());
                ui.label(
                    "An earlier session of the window ended before saving these edits (the workspace may have been saved since, by the command line for instance). Restoring them would change:",
                );
                egui::ScrollArea::vertical().max_height(240.0).show(ui, |ui| {
                    for line in &recovery.changes {
                        ui.label(format!("• {line}"));
                    }
                });
                ui.horizontal(|ui| {
                    if ui.button("Restore edits").clicked() {
                        cmds.push(Command::AcceptRecovery);
                    }
                    if ui.button("Discard them").clicked() {
                        cmds.push(Command::DeclineRecovery);
                    }
                });
            });
        }
    }

    fn status_bar(&self, ui: &mut Ui, cmds: &mut Vec<Command>) {
        ui.horizontal(|ui| {
            if let Some(r) = &self.state.running {
                ui.spinner();
                ui.label(&r.label);
                ui.add(
                    egui::ProgressBar::new(self.jobs.progress())
                        .desired_width(160.0)
                        .show_percentage(),
                );
                if r.cancellable && ui.button("Cancel").clicked() {
                    cmds.push(Command::CancelJob);
                }
                if self.dialog_open && ui.button("Type a path instead").clicked() {
                    cmds.push(Command::TypePath);
                }
            } else if let Some(out) = self.state.outcome() {
                if !self.state.settled() {
                    ui.spinner();
                    ui.label("Recomputing…");
                }
                let e = &out.eval;
                ui.label(format!(
                    "As of {} · {} days to the deadline · {} rows, {} counted",
                    e.as_of, e.days_to_deadline, e.counts.read, e.counts.counted
                ));
            } else {
                ui.label("Drop purchase exports here, or File ▸ Import…");
            }
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                let path = self
                    .state
                    .path
                    .as_ref()
                    .map_or("not saved to a file".to_string(), |p| {
                        p.display().to_string()
                    });
                ui.label(RichText::new(path).weak());
            });
        });
    }

    fn handle_input(&mut self, ctx: &egui::Context) {
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
        if !dropped.is_empty() {
            if self.state.preview.is_some() {
                self.error("Finish the import preview first (Confirm or Cancel)");
            } else {
                self.state.running = Some(Running {
                    label: format!(
                        "Reading {} dropped file{}",
                        dropped.len(),
                        if dropped.len() == 1 { "" } else { "s" }
                    ),
                    cancellable: false,
                });
                self.jobs.read_dropped(dropped);
            }
        }
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

impl eframe::App for LpkpiApp {
    fn ui(&mut self, ui: &mut Ui, _frame: &mut eframe::Frame) {
        let ctx = ui.ctx().clone();
        while let Some(done) = self.jobs.poll() {
            self.job_done(done, &ctx);
        }
        if self.state.running.is_some() {
            ctx.request_repaint_after(Duration::from_millis(100));
        }
        self.handle_input(&ctx);
        let mut cmds = Vec::new();
        shortcuts(&ctx, &mut cmds);
        if ctx.input(|i| i.viewport().close_requested()) && !self.allow_close && self.state.dirty()
        {
            ctx.send_viewport_cmd(egui::ViewportCommand::CancelClose);
            self.state.confirm_quit = true;
        }

        egui::Panel::top("menu").show(ui, |ui| {
            menu_bar(ui, &self.state, &mut cmds);
            ui.horizontal(|ui| {
                for p in Panel::ALL {
                    if ui
                        .selectable_label(self.state.panel == p, p.label())
                        .clicked()
                    {
                        cmds.push(Command::Show(p));
                    }
                }
            });
        });
        egui::Panel::bottom("status").show(ui, |ui| self.status_bar(ui, &mut cmds));
        egui::CentralPanel::default().show(ui, |ui| {
            if let Err(e) = &self.state.derived {
                ui.label(
                    RichText::new(format!("The program profile cannot be used: {e}")).strong(),
                );
                return;
            }
            match self.state.panel {
                Panel::Dashboard => {
                    egui::ScrollArea::vertical()
                        .auto_shrink([false, false])
                        .show(ui, |ui| dashboard_ui(ui, &self.state, &mut cmds));
                }
                Panel::Charts => charts_ui(ui, &self.state, &mut self.views.charts, &mut cmds),
                Panel::Purchases => {
                    purchases_ui(ui, &self.state, &mut self.views.purchases, &mut cmds)
                }
                Panel::Capability => {
                    capability_ui(ui, &self.state, &mut self.views.capability, &mut cmds)
                }
                Panel::Settings => {
                    settings_ui(ui, &self.state, &mut self.views.settings, &mut cmds)
                }
                Panel::Log => log_ui(ui, &self.state),
            }
        });
        preview_ui(&ctx, &self.state, &mut self.views.import, &mut cmds);
        self.dialogs(&ctx, &mut cmds);
        if self.options.screenshot.is_none() {
            toasts(&ctx, &self.state, &mut cmds);
        }
        hover_overlay(&ctx, &self.state);

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
        if self.state.dirty()
            && self.last_recovery.elapsed() > RECOVERY_EVERY
            && let Some(doc) = &self.doc
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
        if let Some(ScreenshotRequest { .. }) = &self.options.screenshot
            && self.state.running.is_none()
            && self.state.settled()
        {
            self.screenshot_frames += 1;
            if self.screenshot_frames == 5 {
                self.jobs.screenshot();
            }
            ctx.request_repaint();
        }
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        if self.options.ephemeral {
            return;
        }
        let persisted = Persisted {
            recent: self.state.recent.clone(),
            last: self.state.path.clone(),
            panel: self.state.panel,
        };
        eframe::set_value(storage, STORAGE_KEY, &persisted);
    }
}
