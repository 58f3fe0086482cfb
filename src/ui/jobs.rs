//! Slow work off the frame: file dialogs (and the probe for them), opening, reading and parsing
//! imports (with progress and cancel), saving, recovery files, exports. Each job runs on a thread and reports back
//! through a channel; the frame only polls.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Mutex};

use eframe::egui;

use crate::import::sniff::Remembered;
use crate::import::{AddOptions, Added, FileShape, ImportError, ImportRules, ImportSet};
use crate::workspace::edit::PreparedRows;
use crate::workspace::model::StoredRow;
use crate::workspace::{Document, Workspace};

use super::command::Pick;
use super::state::{FiguresKey, PreviewFigures, PreviewFile, Recovery};
use crate::import::peek_rows;
use crate::report::{ReportError, ReportInput};

/// Why a job failed, typed until it is shown (the cause stays attached).
#[derive(Debug, thiserror::Error)]
pub enum JobError {
    /// Opening, saving or writing a workspace.
    #[error(transparent)]
    Workspace(#[from] crate::workspace::WorkspaceError),
    /// Reading a program profile.
    #[error(transparent)]
    Profile(#[from] crate::profile::ProfileError),
    /// Reading an input file, or writing an export.
    #[error(transparent)]
    File(#[from] crate::files::FileError),
    /// Drawing the chart.
    #[error(transparent)]
    Chart(#[from] crate::report::chart::ChartError),
    /// Rendering a summary.
    #[error(transparent)]
    Report(#[from] ReportError),
    /// Reading the official dashboard's report.
    #[error(transparent)]
    Official(#[from] crate::import::official::OfficialError),
    /// An export of figures that have no anniversary to be judged against.
    #[error("nothing to export: enter the anniversary in Settings first")]
    NothingToExport,
    /// The user stopped it.
    #[error("import cancelled")]
    Cancelled,
    /// An earlier job panicked while holding the workspace's document (Save As to another file
    /// still saves the edits).
    #[error(
        "the workspace file is unavailable after an earlier failure: Save As to another file keeps the edits"
    )]
    Poisoned,
    /// The job itself panicked (a defect of lpkpi's): what it said.
    #[error("an internal error stopped it ({0})")]
    Panicked(String),
}

/// What a job reports (a few messages a minute at most: their size does not matter).
#[allow(
    clippy::large_enum_variant,
    reason = "a few messages a minute; boxing would only add noise"
)]
pub enum Done {
    /// A dialog closed (None: cancelled; an error: the dialog failed): the request number,
    /// what it picked.
    Picked(u64, Pick, Result<Option<Vec<PathBuf>>, JobError>),
    /// Whether the desktop's file dialog can answer (the probe at start).
    NativeDialog(bool),
    /// A workspace was opened, with the unsaved edits of an earlier session if any.
    Opened(PathBuf, Result<Opened, JobError>),
    /// A program profile was read.
    Profile(Result<crate::rules::Profile, JobError>),
    /// Import files were read and parsed.
    Parsed(Result<Parsed, JobError>),
    /// The figures of the import preview were worked out again (an error: they could not be,
    /// for that key).
    PreviewFigures(Result<PreviewFigures, (FiguresKey, JobError)>),
    /// The workspace was saved (revision saved, file) or not.
    Saved(u64, Result<PathBuf, JobError>),
    /// A workspace that had no file was saved to a new one.
    Created(u64, Result<Document, JobError>),
    /// A screenshot arrived.
    Screenshot(Arc<egui::ColorImage>),
    /// A file was written (export, chart).
    Wrote(Result<PathBuf, JobError>),
    /// Dropped files were read (those without a path) or located (the others).
    Dropped(Result<Vec<ImportInput>, JobError>),
    /// A recovery file was written (errors only matter for the log).
    Recovery(Result<(), JobError>),
    /// The figures of a workspace revision were derived.
    Derived(u64, Result<super::state::Derived, String>),
    /// Something went wrong beside the job's own work, worth an error in the log.
    Warning(String),
    /// A job done with nothing to say (a file opened in its application).
    Quiet,
    /// The official dashboard's report was read.
    Official(Result<crate::import::official::OfficialReport, JobError>),
}

/// Report `done` to the window. Sending fails only when the window (the receiver) is gone, and
/// then nobody is left to tell.
fn send(tx: &Sender<Done>, done: Done) {
    // ignored: the only failure is a closed window
    let _ = tx.send(done);
}

/// A workspace opened, with its figures derived and the unsaved edits of an earlier session.
pub struct Opened {
    /// The document (locked).
    pub doc: Document,
    /// Its figures, derived on the worker.
    pub derived: Result<super::state::Derived, String>,
    /// Unsaved edits found beside it.
    pub recovery: Option<Recovery>,
    /// Why unsaved edits found beside it cannot be offered, and where they are kept.
    pub unreadable: Option<String>,
}

/// A file to import: its name, and where it is read from or why it cannot be (shown in the
/// preview as the file's failure; the other files import).
pub type ImportInput = (String, Result<Source, String>);

/// Where a file to import is read from.
#[derive(Clone, Debug)]
pub enum Source {
    /// Bytes already in memory (a file dropped without a path).
    Bytes(Arc<Vec<u8>>),
    /// A file on disk, opened when it is parsed (again after a mapping change): a large text
    /// export is read a block at a time, never all in memory, as the command line reads it.
    Disk(PathBuf),
}

/// What an import preview's figures are worked out from: the workspace as it is (rates,
/// profile, roster) and the key (revision, as-of day) they will be for.
#[derive(Clone)]
pub struct PreviewBasis {
    /// The workspace (its rows are shared, not copied).
    pub workspace: Workspace,
    /// Its revision and the as-of day.
    pub key: FiguresKey,
}

/// A parsed import, for the preview.
pub struct Parsed {
    /// The workspace's rows plus the new files.
    pub set: Arc<ImportSet>,
    /// The new files' rows as the workspace stores them: checked, after a copy of the
    /// workspace's rows ([`PreparedRows`]), or as they are when one would be refused.
    pub rows: Result<PreparedRows, Vec<StoredRow>>,
    /// Files in the set before the new ones.
    pub first_new: usize,
    /// Per input file.
    pub files: Vec<PreviewFile>,
    /// The inputs.
    pub inputs: Vec<ImportInput>,
    /// Mappings used.
    pub mappings: Remembered,
    /// The preview's figures.
    pub figures: PreviewFigures,
}

/// The job runner.
pub struct Jobs {
    tx: Sender<Done>,
    rx: Receiver<Done>,
    ctx: egui::Context,
    /// Progress of the running job, as f32 bits.
    progress: Arc<AtomicU32>,
    /// Set to stop the running job.
    cancel: Arc<AtomicBool>,
}

impl Jobs {
    /// A runner that wakes `ctx` when a job is done.
    pub fn new(ctx: egui::Context) -> Jobs {
        let (tx, rx) = channel();
        Jobs {
            tx,
            rx,
            ctx,
            progress: Arc::new(AtomicU32::new(0)),
            cancel: Arc::new(AtomicBool::new(false)),
        }
    }

    /// The context jobs wake.
    pub fn ctx(&self) -> egui::Context {
        self.ctx.clone()
    }

    /// A finished job, if any.
    pub fn poll(&self) -> Option<Done> {
        self.rx.try_recv().ok()
    }

    /// Progress of the running job (0-1).
    pub fn progress(&self) -> f32 {
        f32::from_bits(self.progress.load(Ordering::Relaxed))
    }

    /// Ask the running job to stop.
    pub fn cancel(&self) {
        self.cancel.store(true, Ordering::Relaxed);
    }

    /// Run `work` on a thread and report what it returns; should it panic (a defect), report
    /// what `failed` makes of the panic instead, so that the window never waits for a job that
    /// has ended (the task it shows as running, a dialog, a preview's figures).
    fn spawn(
        &self,
        work: impl FnOnce() -> Done + Send + 'static,
        failed: impl FnOnce(JobError) -> Done + Send + 'static,
    ) {
        let tx = self.tx.clone();
        let ctx = self.ctx.clone();
        std::thread::spawn(move || {
            // unwind safety: what `work` owned is dropped with it, and a document it held
            // locked is poisoned, which the jobs that lock it report (JobError::Poisoned)
            let done = std::panic::catch_unwind(std::panic::AssertUnwindSafe(work))
                .unwrap_or_else(|panic| failed(JobError::Panicked(panic_message(&*panic))));
            send(&tx, done);
            ctx.request_repaint();
        });
    }

    /// Show a file dialog.
    pub fn dialog(
        &self,
        request: u64,
        pick: Pick,
        start: Option<PathBuf>,
        file_name: Option<String>,
    ) {
        self.spawn(
            move || {
                let mut d = rfd::AsyncFileDialog::new();
                if let Some(dir) = start {
                    d = d.set_directory(dir);
                }
                if let Some(name) = file_name {
                    d = d.set_file_name(name);
                }
                d = d.add_filter(pick.filter_name(), pick.extensions());
                if pick == Pick::Import {
                    d = d.add_filter("All files", &["*"]);
                }
                let picked = if pick.many() {
                    pollster::block_on(d.pick_files())
                        .map(|fs| fs.iter().map(|f| f.path().to_path_buf()).collect())
                } else if pick.saves() {
                    pollster::block_on(d.save_file()).map(|f| vec![f.path().to_path_buf()])
                } else {
                    pollster::block_on(d.pick_file()).map(|f| vec![f.path().to_path_buf()])
                };
                Done::Picked(request, pick, Ok(picked))
            },
            move |e| Done::Picked(request, pick, Err(e)),
        );
    }

    /// Find out whether the desktop's file dialog can answer ([`super::dialogs::native_dialog_answers`]
    /// runs a short D-Bus query); reported as [`Done::NativeDialog`].
    pub fn probe_native_dialog(&self) {
        self.spawn(
            || Done::NativeDialog(super::dialogs::native_dialog_answers()),
            |_| Done::NativeDialog(false),
        );
    }

    /// Open (lock and read) a workspace.
    pub fn open(&self, path: PathBuf, today: chrono::NaiveDate) {
        let failed_path = path.clone();
        self.spawn(
            move || {
                let opened = Document::open(&path)
                    .map(|doc| {
                        let (recovery, unreadable) = match doc.recovery() {
                            Ok(found) => (found, None),
                            Err(note) => (None, Some(note)),
                        };
                        let recovery = recovery.map(|(ws, _)| Recovery {
                            changes: doc.workspace.differences(&ws),
                            workspace: ws,
                        });
                        // the figures too: the frame that shows the workspace does not derive them
                        let derived =
                            super::state::Derived::compute(&doc.workspace, today, None, None);
                        Opened {
                            doc,
                            derived,
                            recovery,
                            unreadable,
                        }
                    })
                    .map_err(JobError::from);
                Done::Opened(path, opened)
            },
            move |e| Done::Opened(failed_path, Err(e)),
        );
    }

    /// Derive the figures of `workspace` (revision `revision`) off the UI thread, reusing the
    /// rows of `previous` when the imports did not change.
    pub fn derive(
        &self,
        workspace: Workspace,
        today: chrono::NaiveDate,
        previous: Option<Arc<super::state::Derived>>,
        imported: Option<Arc<ImportSet>>,
        revision: u64,
    ) {
        self.spawn(
            move || {
                Done::Derived(
                    revision,
                    super::state::Derived::compute(&workspace, today, previous, imported),
                )
            },
            move |e| {
                Done::Derived(
                    revision,
                    Err(format!("The figures were not worked out: {e}")),
                )
            },
        );
    }

    /// Read the official dashboard's report.
    pub fn official(&self, path: PathBuf) {
        self.spawn(
            move || {
                let report = crate::files::read_capped(
                    &path,
                    crate::money::limits::MAX_EXPORT_BYTES,
                    "a dashboard report",
                )
                .map_err(JobError::from)
                .and_then(|bytes| {
                    crate::import::official::read_official(&crate::files::name_of(&path), &bytes)
                        .map_err(JobError::from)
                });
                Done::Official(report)
            },
            |e| Done::Official(Err(e)),
        );
    }

    /// Read a program profile.
    pub fn profile(&self, path: PathBuf) {
        self.spawn(
            move || Done::Profile(crate::rules::Profile::from_path(&path).map_err(JobError::from)),
            |e| Done::Profile(Err(e)),
        );
    }

    /// Forget the recovery file of a document.
    pub fn discard_recovery(&self, doc: Arc<Mutex<Document>>) {
        self.spawn(move || match doc.lock() {
            Ok(d) => Done::Recovery(d.discard_recovery().map_err(JobError::from)),
            Err(_) => Done::Warning(
                "The recovery file was not discarded: the workspace is unavailable after an earlier failure".into(),
            ),
        }, |e| Done::Warning(format!("The recovery file was not discarded: {e}")));
    }

    /// Read dropped files.
    pub fn read_dropped(&self, files: Vec<egui::DroppedFileHandle>) {
        self.spawn(
            move || {
                Done::Dropped(Ok(files
                    .into_iter()
                    .map(|f| {
                        let name = crate::files::name_of(f.path());
                        // a path on disk is read as every input is, when it is parsed
                        let source = if f.path().as_os_str().is_empty() {
                            f.bytes().map(|b| Source::Bytes(Arc::new(b)))
                        } else {
                            Ok(Source::Disk(f.path().to_path_buf()))
                        };
                        (name, source)
                    })
                    .collect()))
            },
            |e| Done::Dropped(Err(e)),
        );
    }

    /// Parse files on disk on top of `base` (the workspace's rows, copied on the worker); a
    /// file that cannot be read is a failed file of the preview, not the end of the import.
    pub fn import_paths(
        &self,
        paths: Vec<PathBuf>,
        base: Arc<ImportSet>,
        rules: ImportRules,
        mappings: Remembered,
        basis: PreviewBasis,
    ) {
        self.reset();
        let (progress, cancel) = (self.progress.clone(), self.cancel.clone());
        self.spawn(
            move || {
                let inputs = paths
                    .into_iter()
                    .map(|p| {
                        let name = crate::files::name_of(&p);
                        (name, Ok(Source::Disk(p)))
                    })
                    .collect();
                let base = Arc::unwrap_or_clone(base);
                Done::Parsed(parse(
                    inputs, base, &rules, mappings, &basis, &progress, &cancel,
                ))
            },
            |e| Done::Parsed(Err(e)),
        );
    }

    /// Parse files already in memory on top of `base` (copied on the worker).
    pub fn parse(
        &self,
        inputs: Vec<ImportInput>,
        base: Arc<ImportSet>,
        rules: ImportRules,
        mappings: Remembered,
        basis: PreviewBasis,
    ) {
        self.reset();
        let (progress, cancel) = (self.progress.clone(), self.cancel.clone());
        self.spawn(
            move || {
                let base = Arc::unwrap_or_clone(base);
                Done::Parsed(parse(
                    inputs, base, &rules, mappings, &basis, &progress, &cancel,
                ))
            },
            |e| Done::Parsed(Err(e)),
        );
    }

    /// Work out an import preview's figures again (the workspace changed under it: a rate was
    /// added, say): `files` holds the set's index of each preview file that was read.
    pub fn preview_figures(
        &self,
        set: Arc<ImportSet>,
        files: Vec<Option<usize>>,
        first_new: usize,
        basis: PreviewBasis,
    ) {
        let key = basis.key;
        self.spawn(
            move || {
                Done::PreviewFigures(Ok(super::import_flow::work_out_figures(
                    &set, &files, first_new, &basis,
                )))
            },
            move |e| Done::PreviewFigures(Err((key, e))),
        );
    }

    fn reset(&self) {
        self.progress.store(0f32.to_bits(), Ordering::Relaxed);
        self.cancel.store(false, Ordering::Relaxed);
    }

    /// Save the workspace into its document.
    pub fn save(&self, doc: Arc<Mutex<Document>>, workspace: Workspace, revision: u64) {
        let tx = self.tx.clone();
        self.spawn(
            move || {
                let result = match doc.lock() {
                    Ok(mut d) => {
                        d.workspace = workspace;
                        let saved = d.save().map(|()| d.path.clone()).map_err(JobError::from);
                        if saved.is_ok() {
                            d.saved_revision = revision;
                            // the window's unsaved edits are saved now: its recovery file goes
                            if let Err(e) = d.discard_recovery() {
                                send(
                                    &tx,
                                    Done::Warning(format!(
                                        "The recovery file was not removed: {e}"
                                    )),
                                );
                            }
                        }
                        saved
                    }
                    Err(_) => Err(JobError::Poisoned),
                };
                Done::Saved(revision, result)
            },
            move |e| Done::Saved(revision, Err(e)),
        );
    }

    /// Save to a new file (locking it), switching the document to it; a workspace that had no
    /// file gets a new document.
    pub fn save_as(
        &self,
        doc: Option<Arc<Mutex<Document>>>,
        path: PathBuf,
        workspace: Workspace,
        revision: u64,
    ) {
        let tx = self.tx.clone();
        let had_file = doc.is_some();
        self.spawn(
            move || match doc.as_ref().map(|d| d.lock()) {
                Some(Ok(mut d)) => {
                    d.workspace = workspace;
                    let old = d.path.clone();
                    let saved = d.save_as(&path).map(|()| d.path.clone());
                    if saved.is_ok() {
                        for path in [d.path.clone(), old] {
                            if let Err(e) = crate::workspace::file::discard_recovery_of(&path) {
                                send(
                                    &tx,
                                    Done::Warning(format!(
                                        "The recovery file was not removed: {e}"
                                    )),
                                );
                            }
                        }
                    }
                    Done::Saved(revision, saved.map_err(JobError::from))
                }
                // a job failed holding the document, which still holds this file's lock
                Some(Err(poisoned)) if poisoned.get_ref().path == path => {
                    Done::Saved(revision, Err(JobError::Poisoned))
                }
                // no file yet, or a job failed holding the document: a new document at `path`
                // takes its place, so that the edits are never stuck
                _ => Done::Created(
                    revision,
                    Document::create_or_replace(&path, workspace).map_err(JobError::from),
                ),
            },
            move |e| {
                if had_file {
                    Done::Saved(revision, Err(e))
                } else {
                    Done::Created(revision, Err(e))
                }
            },
        );
    }

    /// Ask for a screenshot of the window; it arrives as [`Done::Screenshot`].
    pub fn screenshot(&self) {
        let tx = self.tx.clone();
        let ctx = self.ctx.clone();
        self.ctx.request_screenshot(move |image| {
            send(&tx, Done::Screenshot(image));
            ctx.request_repaint();
        });
    }

    /// Write the recovery file for the edits of `revision` (skipped when that revision, or a
    /// later one, is already saved: a late recovery must not undo a save).
    pub fn recovery(&self, doc: Arc<Mutex<Document>>, workspace: Workspace, revision: u64) {
        self.spawn(
            move || {
                Done::Recovery(match doc.lock() {
                    Ok(d) if revision <= d.saved_revision => Ok(()),
                    Ok(d) => d.write_recovery_of(&workspace).map_err(JobError::from),
                    Err(_) => Err(JobError::Poisoned),
                })
            },
            |e| Done::Recovery(Err(e)),
        );
    }

    /// Write the chart `svg` to `path`: as is for `.svg`, else drawn as PNG (twice the size).
    pub fn write_chart(&self, path: PathBuf, svg: String) {
        self.spawn(
            move || {
                let svg_out = path
                    .extension()
                    .is_some_and(|e| e.eq_ignore_ascii_case("svg"));
                let bytes = if svg_out {
                    Ok(svg.into_bytes())
                } else {
                    crate::report::chart::png(&svg, 2.0).map_err(JobError::from)
                };
                Done::Wrote(bytes.and_then(|bytes| write_file(&path, &bytes)))
            },
            |e| Done::Wrote(Err(e)),
        );
    }

    /// Write bytes to a file atomically.
    pub fn write(&self, path: PathBuf, bytes: Vec<u8>) {
        self.spawn(
            move || Done::Wrote(write_file(&path, &bytes)),
            |e| Done::Wrote(Err(e)),
        );
    }

    /// Render a summary (a PDF takes a moment) and write it, off the UI thread.
    pub fn export(&self, path: PathBuf, export: Export) {
        self.spawn(
            move || {
                let d = &export.derived;
                let bytes = d
                    .outcome
                    .as_ref()
                    .ok_or(JobError::NothingToExport)
                    .and_then(|out| {
                        let input = ReportInput {
                            eval: &out.eval,
                            profile: &d.session.profile,
                            set: &d.session.set,
                            partner: export.partner.as_deref(),
                            capability: export.roster.then_some(&out.capability),
                            reconciliation: &out.reconciliation,
                            planned: &export.planned,
                        };
                        crate::report::render(&input, export.format).map_err(JobError::Report)
                    });
                Done::Wrote(bytes.and_then(|bytes| write_file(&path, &bytes)))
            },
            |e| Done::Wrote(Err(e)),
        );
    }

    /// Open `path` with the system's application for it, or (`folder`) show it in the file
    /// manager. The opener runs on a thread and is waited for there, so nothing lingers.
    pub fn reveal(&self, path: PathBuf, folder: bool) {
        let what = crate::files::name_of(&path);
        self.spawn(
            move || {
                let mut command = opener(&path, folder);
                match command.status() {
                    Ok(status) if status.success() => Done::Quiet,
                    Ok(status) => Done::Warning(format!(
                        "{} did not open {} ({status})",
                        command.get_program().to_string_lossy(),
                        path.display()
                    )),
                    Err(e) => Done::Warning(format!(
                        "cannot open {}: {} is not available ({e})",
                        path.display(),
                        command.get_program().to_string_lossy()
                    )),
                }
            },
            move |e| Done::Warning(format!("{what} not opened: {e}")),
        );
    }
}

/// A summary to render and write on a worker: the figures and what the workspace adds to them.
pub struct Export {
    /// The derived figures (shared with the window, never copied).
    pub derived: Arc<super::state::Derived>,
    /// The partner's name.
    pub partner: Option<String>,
    /// Whether trainers or exam rules are recorded (the summary then reports them).
    pub roster: bool,
    /// The planned purchases (the summary lists those its forecast counts).
    pub planned: Vec<crate::workspace::model::PlannedPurchase>,
    /// The format, with the PDF's paper and moment set.
    pub format: crate::report::Format,
}

/// The system's way to open a file, or to show it in its folder.
fn opener(path: &std::path::Path, folder: bool) -> std::process::Command {
    if cfg!(target_os = "windows") {
        let mut c = std::process::Command::new("explorer");
        if folder {
            c.arg(format!("/select,{}", path.display()));
        } else {
            c.arg(path);
        }
        c
    } else if cfg!(target_os = "macos") {
        let mut c = std::process::Command::new("open");
        if folder {
            c.arg("-R");
        }
        c.arg(path);
        c
    } else {
        // xdg-open has no "select this file": the folder it is in opens instead
        let mut c = std::process::Command::new("xdg-open");
        match (folder, path.parent()) {
            (true, Some(dir)) if !dir.as_os_str().is_empty() => c.arg(dir),
            _ => c.arg(path),
        };
        c
    }
}

/// What a panic said: its message when it is text (as `panic!` and failed indexing make it).
fn panic_message(panic: &(dyn std::any::Any + Send)) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| (*s).to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "no message".to_string())
}

/// Write an export as the command line's `--out` does: a regular file atomically, through a
/// symbolic link to the file it names, into a device or pipe, never replacing anything else.
fn write_file(path: &std::path::Path, bytes: &[u8]) -> Result<PathBuf, JobError> {
    crate::files::write_output(path, bytes)
        .map(|()| path.to_path_buf())
        .map_err(JobError::from)
}

/// What of an input's bytes the parse holds: all of them, or the first lines of a file read a
/// block at a time.
enum Held {
    /// In memory already (a file dropped without a path).
    Shared(Arc<Vec<u8>>),
    /// Read from disk whole, dropped once the file is parsed.
    Read(Vec<u8>),
    /// The first whole lines of a file read a block at a time.
    Head(Vec<u8>),
}

impl Held {
    fn bytes(&self) -> &[u8] {
        match self {
            Held::Shared(b) => b,
            Held::Read(b) | Held::Head(b) => b,
        }
    }

    /// The first `rows` rows, for mapping the columns by hand.
    fn peek(&self, rows: usize, shape: Option<&FileShape>) -> Vec<(u32, Vec<String>)> {
        match self {
            Held::Head(head) => crate::import::peek_head_rows(head, rows, shape),
            _ => peek_rows(self.bytes(), rows, shape),
        }
    }
}

/// From how many new rows an import's preview copies the workspace's rows, so that the frame
/// that confirms it replaces the list rather than appending to it: 10,000 rows appended take
/// about 2 ms of a frame (0.19 µs a row, measured at 200,000), while the copy costs the
/// preview's worker time and memory for every row of the workspace.
const WHOLE_LIST_FROM: usize = 10_000;

/// Read the import inputs on top of `set`, each file's error kept for the preview, and work
/// out the preview's figures.
fn parse(
    inputs: Vec<ImportInput>,
    mut set: ImportSet,
    rules: &ImportRules,
    mappings: Remembered,
    basis: &PreviewBasis,
    progress: &AtomicU32,
    cancel: &AtomicBool,
) -> Result<Parsed, JobError> {
    let first_new = set.files.len();
    let mut files = Vec::new();
    let n = inputs.len().max(1) as f32;
    for (i, (name, source)) in inputs.iter().enumerate() {
        let failed = |reason: &str| PreviewFile {
            name: name.clone(),
            index: None,
            error: Some(if reason.contains(name.as_str()) {
                reason.to_string()
            } else {
                format!("{name}: cannot read the file: {reason}")
            }),
            mappable: false,
            already: None,
            peek: Vec::new(),
            official: None,
        };
        // the bytes read whole, or the first lines of an export read a block at a time
        let (bytes, opened) = match source {
            Err(reason) => {
                files.push(failed(reason));
                continue;
            }
            Ok(Source::Bytes(bytes)) => (Held::Shared(bytes.clone()), None),
            Ok(Source::Disk(path)) => {
                let cap = crate::money::limits::MAX_EXPORT_BYTES;
                let read = crate::files::open_capped(path, cap, "an export").and_then(|opened| {
                    match crate::import::streamed_head(&opened) {
                        Some(head) => Ok((Held::Head(head), Some((opened, path)))),
                        None => crate::files::read_opened(&opened, path, cap, "an export")
                            .map(|b| (Held::Read(b), None)),
                    }
                });
                match read {
                    Ok(read) => read,
                    Err(e) => {
                        files.push(failed(&e.to_string()));
                        continue;
                    }
                }
            }
        };
        let mut hook = |done: f32| {
            progress.store(((i as f32 + done) / n).to_bits(), Ordering::Relaxed);
            !cancel.load(Ordering::Relaxed)
        };
        let mut options = AddOptions::new(&mappings);
        options.progress = Some(&mut hook);
        let mut file = PreviewFile {
            name: name.clone(),
            index: None,
            error: None,
            mappable: false,
            already: None,
            peek: Vec::new(),
            official: None,
        };
        let added = match &opened {
            Some((opened, path)) => {
                let export = crate::import::Export::Opened { opened, path };
                set.add_export(name, export, rules, &mut options)
            }
            None => set.add_with(name, bytes.bytes(), rules, &mut options),
        };
        match added {
            Ok(Added::File(index)) => file.index = Some(index),
            Ok(Added::AlreadyImported { first, .. }) => file.already = Some(first),
            Err(ImportError::Cancelled { .. }) => return Err(JobError::Cancelled),
            // no columns to map in an image or an archive, or in a file that could not be read
            Err(e @ (ImportError::NotAnExport { .. } | ImportError::Read { .. })) => {
                file.error = Some(e.to_string());
            }
            Err(e) => {
                // the official dashboard's report has no purchase columns: said, and offered
                // to the reconciliation (its first lines are enough to know it)
                if matches!(e, ImportError::NoHeader { .. })
                    && let Ok(report) = crate::import::official::read_official(name, bytes.bytes())
                    && !report.lines.is_empty()
                {
                    let path = match source {
                        Ok(Source::Disk(path)) => Some(path.clone()),
                        _ => None,
                    };
                    file.official = Some((report.lines.len(), path));
                }
                file.peek = bytes.peek(12, None);
                file.mappable = true;
                file.error = Some(e.to_string());
            }
        }
        // the mapping a file was read with can be changed: keep its first rows, read the same way
        if let Some(index) = file.index {
            let shape = set.files.get(index).map(|f| f.shape.clone());
            file.peek = bytes.peek(60, shape.as_ref());
        }
        files.push(file);
    }
    let indexes: Vec<Option<usize>> = files.iter().map(|f| f.index).collect();
    let figures = super::import_flow::work_out_figures(&set, &indexes, first_new, basis);
    progress.store(1f32.to_bits(), Ordering::Relaxed);
    // the rows as the workspace will store them, made and checked here rather than in the
    // frame that confirms the import; a large import comes with the workspace's rows before
    // it, and replaces the workspace's list in one move (appended in the frame, 200,000 rows
    // took 35-40 ms)
    let rows = crate::workspace::edit::stored_rows(&set, first_new);
    let whole = rows.len() >= WHOLE_LIST_FROM;
    let rows = PreparedRows::make(&basis.workspace, set.files.len() - first_new, rows, whole);
    Ok(Parsed {
        set: Arc::new(set),
        rows,
        first_new,
        files,
        inputs,
        mappings,
        figures,
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "tests fail by panicking")]
mod tests {
    use std::time::{Duration, Instant};

    use egui_kittest::Harness;
    use egui_kittest::kittest::{NodeT, Queryable};

    use super::*;
    use crate::ui::LpkpiApp;
    use crate::ui::command::Command;

    fn harness() -> Harness<'static, LpkpiApp> {
        let day = chrono::NaiveDate::from_ymd_opt(2026, 9, 15).unwrap();
        let ws = Workspace::new("Contoso Learning", Some("silver"), Some(day));
        let mut h = Harness::builder()
            .with_size(egui::vec2(1280.0, 900.0))
            .build_eframe(move |cc| LpkpiApp::with_workspace(cc, ws, day));
        h.run_steps(3);
        h
    }

    /// Step the window until `done` holds (jobs run on threads).
    fn wait(h: &mut Harness<'static, LpkpiApp>, what: &str, done: impl Fn(&LpkpiApp) -> bool) {
        let start = Instant::now();
        while !done(h.state()) {
            assert!(
                start.elapsed() < Duration::from_secs(60),
                "waited for {what}"
            );
            std::thread::sleep(Duration::from_millis(5));
            h.step();
        }
    }

    fn logged(app: &LpkpiApp, text: &str) -> bool {
        app.state.notes.iter().any(|n| n.text.contains(text))
    }

    /// A job that panics (a defect) ends the task the window shows as running, and says why,
    /// instead of leaving the window waiting for it for good.
    #[test]
    fn a_job_that_panics_ends_its_task_and_says_why() {
        let mut h = harness();
        h.state_mut().state.running = Some(crate::ui::state::Running {
            label: "Reading the program profile".into(),
            cancellable: false,
            measured: false,
        });
        let row = 7;
        h.state()
            .jobs
            .spawn(move || panic!("no row {row}"), |e| Done::Profile(Err(e)));
        wait(&mut h, "the failed job", |app| app.state.running.is_none());
        assert!(
            logged(h.state(), "an internal error stopped it (no row 7)"),
            "{:?}",
            h.state().state.notes.last().map(|n| &n.text)
        );
        // the window goes on: a job after it runs
        h.state()
            .jobs
            .spawn(|| Done::Warning("after".into()), |e| Done::Profile(Err(e)));
        wait(&mut h, "the next job", |app| logged(app, "after"));
    }

    /// Preview figures that could not be worked out: the preview says why in place of its
    /// spinner, and does not ask for them again (no loop of failing jobs).
    #[test]
    fn preview_figures_that_fail_say_why_and_are_not_asked_again() {
        let mut h = harness();
        let file =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/orders-basic.csv");
        h.state_mut().apply(Command::Import(vec![file]));
        wait(&mut h, "the import preview", |app| {
            app.state
                .preview
                .as_ref()
                .is_some_and(|p| p.pending.is_none())
        });
        // the figures go stale (as an edit under the preview would make them), and the job
        // working them out again fails
        let key = h.state().state.figures_key();
        let p = h.state_mut().state.preview.as_mut().unwrap();
        p.figures.key.0 = p.figures.key.0.wrapping_add(1_000);
        p.pending = Some(key);
        let tx = h.state().jobs.tx.clone();
        send(
            &tx,
            Done::PreviewFigures(Err((key, JobError::Panicked("no month 13".into())))),
        );
        h.run_steps(4);
        let p = h.state().state.preview.as_ref().unwrap();
        assert_eq!(p.pending, None, "not asked again");
        let why =
            "The import's figures were not worked out: an internal error stopped it (no month 13)";
        assert_eq!(p.failed.as_ref().map(|f| f.1.as_str()), Some(why));
        assert!(logged(h.state(), why));
        // shown in the preview, not only in the log's toast
        h.state_mut().state.notes.clear();
        h.run_steps(2);
        h.get_by_label(&format!("✘ {why}"));
        assert!(h.query_by_label("Working out the figures again…").is_none());
        assert!(
            !h.get_by_label("Confirm import")
                .accesskit_node()
                .is_disabled(),
            "the import itself still can be"
        );
    }

    /// A desktop file dialog that fails: the window's own browser opens for the same pick,
    /// and is used from then on.
    #[test]
    fn a_failed_desktop_dialog_gives_way_to_the_windows_browser() {
        let mut h = harness();
        {
            let app = h.state_mut();
            app.native_dialog = crate::ui::dialogs::NativeDialog::Answers;
            app.dialog_request = 3;
            app.dialog_open = true;
        }
        let tx = h.state().jobs.tx.clone();
        let failed = JobError::Panicked("portal gone".into());
        send(&tx, Done::Picked(3, Pick::Open, Err(failed)));
        h.run_steps(3);
        let app = h.state();
        assert!(app.state.browser.is_some(), "the window's browser opens");
        assert_eq!(app.native_dialog, crate::ui::dialogs::NativeDialog::Missing);
        assert!(!app.dialog_open);
        assert!(logged(
            app,
            "The desktop's file dialog failed: an internal error stopped it (portal gone)"
        ));
    }

    /// A job that panics while holding the workspace's document leaves it unusable (poisoned):
    /// Save says so and what still saves, and Save As to another file keeps the edits, its new
    /// document taking the old one's place.
    #[test]
    fn after_a_failure_holding_the_document_save_as_keeps_the_edits() {
        let dir = tempfile::tempdir().unwrap();
        let (first, second) = (dir.path().join("w.ron"), dir.path().join("again.ron"));
        let mut h = harness();
        h.state_mut().save_as(first.clone());
        wait(&mut h, "the first save", |app| app.state.running.is_none());
        assert_eq!(h.state().state.path.as_deref(), Some(first.as_path()));
        let doc = h.state().doc.clone().unwrap();
        let held = doc.clone();
        let _ = std::thread::spawn(move || {
            let _guard = held.lock();
            panic!("failed holding the document");
        })
        .join();
        assert!(doc.is_poisoned());

        let mut partner = h.state().state.workspace.partner.clone();
        partner.name = "Contoso Learning Europe".into();
        h.state_mut().edit(crate::workspace::Edit::Partner(partner));
        h.state_mut().save();
        wait(&mut h, "the refused save", |app| {
            app.state.running.is_none()
        });
        assert!(logged(h.state(), "Save As to another file keeps the edits"));
        assert!(h.state().state.dirty());
        // Save As to the same file is refused the same way (the old document holds its lock)
        h.state_mut().save_as(first.clone());
        wait(&mut h, "the refused save as", |app| {
            app.state.running.is_none()
        });
        assert!(h.state().state.dirty());

        h.state_mut().save_as(second.clone());
        wait(&mut h, "the save as", |app| app.state.running.is_none());
        assert!(!h.state().state.dirty(), "saved");
        assert_eq!(h.state().state.path.as_deref(), Some(second.as_path()));
        // (the window holds the file's lock: read as text)
        let saved = std::fs::read_to_string(&second).unwrap();
        assert!(saved.contains("\"Contoso Learning Europe\""), "{saved}");
        // the new document is the window's: a later save goes to it
        assert!(!h.state().doc.as_ref().unwrap().is_poisoned());
        drop(doc);
        let mut partner = h.state().state.workspace.partner.clone();
        partner.name = "Contoso Learning EMEA".into();
        h.state_mut().edit(crate::workspace::Edit::Partner(partner));
        h.state_mut().save();
        wait(&mut h, "the save", |app| app.state.running.is_none());
        assert!(!h.state().state.dirty(), "saved again");
        let saved = std::fs::read_to_string(&second).unwrap();
        assert!(saved.contains("\"Contoso Learning EMEA\""), "{saved}");
    }
}
