//! What the window shows: the workspace being edited and the figures derived from it
//! (recomputed when the workspace changes, never per frame), the import preview, jobs and
//! notifications. Panels read this; only `app.rs` writes it.

use std::collections::VecDeque;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use chrono::{NaiveDate, NaiveDateTime};
use rust_decimal::Decimal;

use crate::import::values::Currency;
use crate::import::{Fate, ImportCounts, ImportSet};
use crate::rules::ProductLine;
use crate::rules::evaluate::contribution;
use crate::rules::figures::RowFate;
use crate::workspace::session::{Outcome, Session};
use crate::workspace::{Edit, Workspace};

use super::file_browser::FileBrowser;

/// The panels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub enum Panel {
    /// Levels, gaps, verdict.
    #[default]
    Dashboard,
    /// Cumulative charts against the targets.
    Charts,
    /// Every row.
    Purchases,
    /// Trainers, competencies, exam passes.
    Capability,
    /// lpkpi's months beside the official dashboard's.
    Reconciliation,
    /// Partner, profile, rates, scenario.
    Settings,
    /// Everything the app said.
    Log,
}

impl Panel {
    /// All panels, in tab order.
    pub const ALL: [Panel; 7] = [
        Panel::Dashboard,
        Panel::Charts,
        Panel::Purchases,
        Panel::Capability,
        Panel::Reconciliation,
        Panel::Settings,
        Panel::Log,
    ];

    /// Tab label.
    pub fn label(self) -> &'static str {
        match self {
            Panel::Dashboard => "Dashboard",
            Panel::Charts => "Charts",
            Panel::Purchases => "Purchases",
            Panel::Capability => "Capability",
            Panel::Reconciliation => "Reconciliation",
            Panel::Settings => "Settings",
            Panel::Log => "Log",
        }
    }

    /// Parse a `--panel` value.
    pub fn parse(s: &str) -> Option<Panel> {
        Panel::ALL
            .into_iter()
            .find(|p| p.label().eq_ignore_ascii_case(s))
    }
}

/// One row of the purchases table, computed once per change.
#[derive(Debug, Clone, PartialEq)]
pub struct RowView {
    /// Purchase date (None for summary / rejected / not invoiced rows).
    pub date: Option<NaiveDate>,
    /// Order id.
    pub order: String,
    /// Part number.
    pub part: String,
    /// Product name (or the reason, for rejected rows).
    pub product: String,
    /// Product line, for purchases.
    pub line: Option<ProductLine>,
    /// Kits (quantity × components), counted rows only.
    pub kits: i64,
    /// KPI units, counted rows only.
    pub kpi_units: Decimal,
    /// USD revenue, counted rows only.
    pub revenue_usd: Decimal,
    /// Final fate.
    pub fate: RowFate,
    /// Source file name.
    pub file: String,
    /// Source line.
    pub line_no: u32,
    /// Currency of the amount.
    pub currency: Option<Currency>,
    /// On the review list.
    pub review: bool,
    /// Why it was classified so (or rejected).
    pub why: String,
    /// Components from the file.
    pub components: Option<u32>,
    /// Whether the product is a packaged set.
    pub packaged_set: bool,
}

impl RowView {
    /// The catalog key for this row's product: its part number, else its name.
    pub fn catalog_key(&self) -> Option<&str> {
        if self.line.is_none() {
            None
        } else if !self.part.is_empty() {
            Some(&self.part)
        } else {
            Some(&self.product)
        }
    }
}

/// Figures derived from the workspace.
pub struct Derived {
    /// Profile, rules, rows, rates.
    pub session: Session,
    /// The evaluation (None without an anniversary).
    pub outcome: Option<Outcome>,
    /// Rows for the table.
    pub rows: Vec<RowView>,
    /// The imports (batch digests and row count) the session's import set was built from.
    pub rows_key: (Vec<String>, usize),
    /// The as-of date the figures are for.
    pub as_of: NaiveDate,
    /// The summary's sentences on revenue waiting for a rate, worked out here once (the list
    /// behind them can hold every row; the dashboard shows them every frame).
    pub held_back: Vec<String>,
}

/// Build the table rows.
fn row_views(session: &Session, outcome: Option<&Outcome>) -> Vec<RowView> {
    let set = &session.set;
    let Some(out) = outcome else {
        return Vec::new();
    };
    let e = &out.eval;
    let review: std::collections::BTreeSet<usize> = e.review.iter().map(|r| r.row).collect();
    let inputs = crate::rules::evaluate::Inputs {
        profile: &session.profile,
        classifier: &session.classifier,
        catalog: &session.catalog,
        rates: &session.rates,
        dates: e.dates,
        as_of: e.as_of,
        current_level: None,
        capability: None,
        planned: &[],
    };
    set.rows
        .iter()
        .enumerate()
        .map(|(i, row)| {
            let file = set
                .files
                .get(row.file as usize)
                .map_or(String::new(), |f| f.name.clone());
            let fate = e.row_fates.get(i).copied().unwrap_or(RowFate::Rejected);
            let mut view = RowView {
                date: None,
                order: String::new(),
                part: String::new(),
                product: String::new(),
                line: None,
                kits: 0,
                kpi_units: Decimal::ZERO,
                revenue_usd: Decimal::ZERO,
                fate,
                review: review.contains(&i),
                file,
                line_no: row.line,
                currency: None,
                why: String::new(),
                components: None,
                packaged_set: false,
            };
            match (&row.fate, &row.purchase) {
                (Fate::Rejected { reason }, _) => view.why = reason.clone(),
                (Fate::Summary, _) => view.why = "a total row".into(),
                (Fate::NotInvoiced, _) => {
                    view.why = "not invoiced (status or no invoice date)".into()
                }
                (_, Some(p)) => {
                    let parsed = set.parsed(p);
                    view.date = Some(p.date);
                    view.order = parsed.order_id.into_owned();
                    view.part = parsed.part.into_owned();
                    view.product = parsed.name.into_owned();
                    view.currency = Some(p.currency);
                    view.components = p.components;
                    if let Some(class) = e.classes.get(p.product as usize) {
                        view.line = Some(class.line);
                        view.why = class.why.clone();
                        view.packaged_set = class.packaged_set;
                        if fate == RowFate::Counted {
                            let c = contribution(p, class, &inputs);
                            view.kits = c.kits;
                            view.kpi_units = c.kpi_units;
                            view.revenue_usd = c.revenue_usd;
                        }
                    }
                    if let Fate::Duplicate { of, differs } = row.fate {
                        let first = set.rows.get(of as usize);
                        view.why = format!(
                            "duplicate of {} line {}{}",
                            first
                                .and_then(|r| set.files.get(r.file as usize))
                                .map_or("", |f| f.name.as_str()),
                            first.map_or(0, |r| r.line),
                            if differs { " (content differs)" } else { "" }
                        );
                    }
                }
                (Fate::Kept | Fate::Duplicate { .. }, None) => {}
            }
            view
        })
        .collect()
}

impl Derived {
    /// Derive everything from the workspace, reusing (a copy of) `previous`'s rows when the
    /// imports did not change. Runs on a worker thread after an edit.
    pub fn compute(
        ws: &Workspace,
        today: NaiveDate,
        previous: Option<Arc<Derived>>,
    ) -> Result<Derived, String> {
        let rows_key = (
            ws.batches
                .iter()
                .map(|b| b.sha256.clone())
                .collect::<Vec<_>>(),
            ws.rows.len(),
        );
        let reuse = previous
            .filter(|p| p.rows_key == rows_key)
            .map(|p| p.session.set.clone());
        let session = Session::reusing(ws, reuse).map_err(|e| e.to_string())?;
        let outcome = ws
            .partner
            .anniversary
            .map(|a| session.evaluate(ws, a, today, None));
        let rows = row_views(&session, outcome.as_ref());
        let held_back = outcome
            .as_ref()
            .map(|o| crate::report::summary::held_back(&o.eval))
            .unwrap_or_default();
        Ok(Derived {
            session,
            outcome,
            rows,
            rows_key,
            as_of: today,
            held_back,
        })
    }
}

/// A file of the import preview.
#[derive(Debug, Clone)]
pub struct PreviewFile {
    /// File name.
    pub name: String,
    /// Index in the preview's set, when it was read.
    pub index: Option<usize>,
    /// Why it could not be read (it is left out of the import).
    pub error: Option<String>,
    /// Whether its columns may be mapped by hand (not when it could not be read at all or is
    /// no export, a PNG say).
    pub mappable: bool,
    /// Already imported before (name it was imported under).
    pub already: Option<String>,
    /// The first rows as (line, cells), for mapping by hand.
    pub peek: Vec<(u32, Vec<String>)>,
}

/// Rows of a preview file on the review list for one reason.
#[derive(Debug, Clone)]
pub struct ReviewGroup {
    /// The reason.
    pub kind: crate::rules::figures::ReviewKind,
    /// The currency, for rows waiting for an exchange rate.
    pub currency: Option<Currency>,
    /// The rows: line, what to look at.
    pub rows: Vec<(u32, String)>,
}

/// The rows of a preview file worth a look.
#[derive(Debug, Clone, Default)]
pub struct PreviewDetails {
    /// Rejected rows: line, reason.
    pub rejected: Vec<(u32, String)>,
    /// Rows to review, grouped by reason (and currency), in the order first met.
    pub review: Vec<ReviewGroup>,
}

/// Revenue of the new files held back for want of an exchange rate, in one currency.
#[derive(Debug, Clone, PartialEq)]
pub struct HeldBack {
    /// The currency.
    pub currency: Currency,
    /// Rows waiting.
    pub rows: u32,
    /// Their revenue in that currency (rows of product lines whose revenue counts).
    pub amount: Decimal,
    /// The same in USD at the currency's rate for another month, when the workspace has one
    /// (an estimate: the rows' own months have none), with that month.
    pub estimate: Option<(Decimal, crate::money::Month)>,
}

/// What the figures of an import preview are for: the workspace revision (its rates) and the
/// as-of day. Figures for another key are out of date.
pub type FiguresKey = (u64, NaiveDate);

/// The figures of an import preview, worked out on a worker thread when the preview arrives and
/// again when the workspace changes under it (a rate added from the preview).
#[derive(Debug, Clone)]
pub struct PreviewFigures {
    /// What they were worked out for.
    pub key: FiguresKey,
    /// Per file of the preview: its rejected rows and rows to review.
    pub details: Vec<PreviewDetails>,
    /// The figures the import would give (None: no anniversary, or the profile cannot be used).
    pub after: Option<crate::rules::evaluate::Evaluation>,
    /// Revenue of the new files waiting for a rate, per currency.
    pub held_back: Vec<HeldBack>,
}

/// What an import would do, before it is confirmed.
pub struct ImportPreview {
    /// The workspace's rows plus the new files (shared with the worker that evaluates them).
    pub set: Arc<ImportSet>,
    /// Files in the set before the new ones.
    pub first_new: usize,
    /// The files, in the order given.
    pub files: Vec<PreviewFile>,
    /// Mappings chosen by hand in this preview (stored with the import).
    pub mappings: crate::import::sniff::Remembered,
    /// The inputs (bytes, or why they could not be read), to read again after a mapping change.
    pub inputs: Vec<super::jobs::ImportInput>,
    /// Counts per fate over the new files.
    pub counts: ImportCounts,
    /// The latest figures.
    pub figures: PreviewFigures,
    /// The key of figures being worked out on a worker, if any.
    pub pending: Option<FiguresKey>,
}

impl ImportPreview {
    /// Whether the figures shown are not those of `key` (they are being worked out again).
    pub fn stale(&self, key: FiguresKey) -> bool {
        self.figures.key != key
    }
}

/// A notification.
#[derive(Debug, Clone)]
pub struct Note {
    /// When.
    pub at: NaiveDateTime,
    /// What.
    pub text: String,
    /// An error (red) or information.
    pub error: bool,
    /// When it appeared (toasts fade after a while).
    pub shown: Instant,
    /// The file it reports written (its toast offers Open and Show in folder).
    pub file: Option<PathBuf>,
}

/// A running job, for the progress bar.
#[derive(Debug, Clone)]
pub struct Running {
    /// What it does.
    pub label: String,
    /// Whether it can be cancelled.
    pub cancellable: bool,
}

/// Unsaved edits of the window found beside a workspace, and what restoring them changes.
#[derive(Debug, Clone)]
pub struct Recovery {
    /// The edited workspace.
    pub workspace: Workspace,
    /// What restoring it would change, a line per part ([`Workspace::differences`]).
    pub changes: Vec<String>,
}

/// What would drop the unsaved changes, done once "save changes first?" is answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Then {
    /// Close the window.
    Close,
    /// Start a new workspace.
    New,
    /// Open this workspace.
    Open(PathBuf),
}

impl Then {
    /// The prompt's question.
    pub fn question(&self) -> String {
        match self {
            Then::Close => "Save changes before closing?".into(),
            Then::New => "Save changes before starting a new workspace?".into(),
            Then::Open(path) => format!(
                "Save changes before opening {}?",
                path.file_name().map_or_else(
                    || path.display().to_string(),
                    |n| n.to_string_lossy().into_owned()
                )
            ),
        }
    }
}

/// Asking whether to save the unsaved changes before something drops them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnsavedPrompt {
    /// What happens after Save (once saved) or Don't save.
    pub then: Then,
    /// Why the last Save did not save (failed, or no file was picked), shown in the prompt.
    pub error: Option<String>,
}

/// The window's state.
pub struct AppState {
    /// The workspace being edited.
    pub workspace: Workspace,
    /// Its file (None: the demo, or a new workspace not saved yet).
    pub path: Option<PathBuf>,
    /// Derived figures (Err: the profile cannot be used).
    pub derived: Result<Arc<Derived>, String>,
    /// The revision of the workspace the derived figures were computed from (behind
    /// `revision` while a recompute runs on a worker thread).
    pub derived_revision: u64,
    /// Bumped at every recomputation (views cache on it).
    pub derived_gen: u64,
    /// Today (the clock's date when the window started).
    pub today: NaiveDate,
    /// The as-of date set on the dashboard (None: today).
    pub as_of: Option<NaiveDate>,
    /// Edits since the start.
    pub revision: u64,
    /// The revision on disk.
    pub saved_revision: u64,
    /// Undo history: the inverse of each edit and what the edit was, oldest first (each step
    /// costs what its change costs, not a copy of the workspace).
    pub undo: VecDeque<(Edit, String)>,
    /// Redo history: the inverse of each undo.
    pub redo: VecDeque<(Edit, String)>,
    /// The panel shown.
    pub panel: Panel,
    /// An import waiting for confirmation.
    pub preview: Option<ImportPreview>,
    /// The job running.
    pub running: Option<Running>,
    /// Progress of the running job, 0-1.
    pub progress: f32,
    /// The paper of PDF exports (the locale's by default, chosen in File ▸ Export summary).
    pub paper: crate::report::pdf::Paper,
    /// Notifications (the log).
    pub notes: Vec<Note>,
    /// Unsaved edits found from an earlier session.
    pub recovery: Option<Recovery>,
    /// Asking whether to save before closing, starting anew or opening another workspace.
    pub unsaved: Option<UnsavedPrompt>,
    /// Recently opened workspaces.
    pub recent: Vec<PathBuf>,
    /// The row selected in the purchases table.
    pub selected_row: Option<usize>,
    /// Files hovering over the window.
    pub hovering: Vec<String>,
    /// Showing the bundled demo (not a file of the user's).
    pub demo: bool,
    /// The window's own file browser (no native dialog, or asked for).
    pub browser: Option<FileBrowser>,
}

impl AppState {
    /// A state showing `workspace`.
    pub fn new(workspace: Workspace, path: Option<PathBuf>, today: NaiveDate) -> AppState {
        let derived = Derived::compute(&workspace, today, None);
        AppState::with_derived(workspace, path, today, derived)
    }

    /// A state showing `workspace`, whose figures were derived already (on a worker thread).
    pub fn with_derived(
        workspace: Workspace,
        path: Option<PathBuf>,
        today: NaiveDate,
        derived: Result<Derived, String>,
    ) -> AppState {
        let derived = derived.map(Arc::new);
        AppState {
            workspace,
            path,
            derived,
            derived_gen: 0,
            derived_revision: 0,
            today,
            as_of: None,
            revision: 0,
            saved_revision: 0,
            undo: VecDeque::new(),
            redo: VecDeque::new(),
            panel: Panel::Dashboard,
            preview: None,
            running: None,
            progress: 0.0,
            paper: crate::report::pdf::Paper::from_locale_env(|name| std::env::var(name).ok()),
            notes: Vec::new(),
            recovery: None,
            unsaved: None,
            recent: Vec::new(),
            selected_row: None,
            hovering: Vec::new(),
            demo: false,
            browser: None,
        }
    }

    /// Unsaved edits exist.
    pub fn dirty(&self) -> bool {
        self.revision != self.saved_revision
    }

    /// The evaluation, when there is one.
    pub fn outcome(&self) -> Option<&Outcome> {
        self.derived.as_ref().ok().and_then(|d| d.outcome.as_ref())
    }

    /// Whether the figures shown are those of the workspace as it is (no recompute pending).
    pub fn settled(&self) -> bool {
        self.derived_revision == self.revision
            && !matches!(&self.derived, Ok(d) if d.as_of != self.as_of_date())
    }

    /// The day the figures are evaluated as of: the one set on the dashboard, else today
    /// (R3: it moves "today" for the countdown, the run rate and lapsing memberships, and hides
    /// no purchase).
    pub fn as_of_date(&self) -> NaiveDate {
        self.as_of.unwrap_or(self.today)
    }

    /// What an import preview's figures must be for to be current: this revision, this day.
    pub fn figures_key(&self) -> FiguresKey {
        (self.revision, self.as_of_date())
    }

    /// Take figures computed for `revision`; figures of an older revision are dropped (a newer
    /// recompute follows). Returns the error to show, if the figures could not be derived.
    pub fn take_derived(
        &mut self,
        revision: u64,
        derived: Result<Derived, String>,
    ) -> Option<String> {
        if revision != self.revision || derived.as_ref().is_ok_and(|d| d.as_of != self.as_of_date())
        {
            return None;
        }
        let error = derived.as_ref().err().cloned();
        self.derived = derived.map(Arc::new);
        self.derived_revision = revision;
        self.derived_gen += 1;
        error
    }

    /// The window title: workspace, partner, unsaved marker.
    pub fn title(&self) -> String {
        let file = match (&self.path, self.demo) {
            (Some(p), _) => p.file_name().map_or_else(
                || p.display().to_string(),
                |n| n.to_string_lossy().into_owned(),
            ),
            (None, true) => "demo workspace".to_string(),
            (None, false) => "untitled".to_string(),
        };
        let marker = if self.dirty() { "● " } else { "" };
        let partner = if self.workspace.partner.name.is_empty() {
            String::new()
        } else {
            format!(" – {}", self.workspace.partner.name)
        };
        format!("{marker}{file}{partner} – lpkpi")
    }

    /// Add a notification.
    pub fn note(&mut self, at: NaiveDateTime, text: impl Into<String>, error: bool) {
        self.notes.push(Note {
            at,
            text: crate::money::limits::one_line(&text.into()),
            error,
            shown: Instant::now(),
            file: None,
        });
    }
}
