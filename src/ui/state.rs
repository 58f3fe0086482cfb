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
use crate::workspace::edit::PreparedRows;
use crate::workspace::model::StoredRow;
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
    /// Part number (shared by the rows of one product, as are the name and the why: 200,000
    /// rows hold a few hundred of these strings, not a copy each).
    pub part: Arc<str>,
    /// Product name (or the reason, for rejected rows).
    pub product: Arc<str>,
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
    /// Source file name (shared by the file's rows).
    pub file: Arc<str>,
    /// Source line.
    pub line_no: u32,
    /// Currency of the amount.
    pub currency: Option<Currency>,
    /// On the review list.
    pub review: bool,
    /// Counted, but its amount waits for an exchange rate: its revenue is not known yet (not
    /// $0.00).
    pub waits_for_rate: bool,
    /// On the review list for a reason that could change the figures (an unknown product, a
    /// packaged set without a component count, a duplicate that differs), as the dashboard's
    /// "rows to review could change these figures" counts them.
    pub could_change_figures: bool,
    /// Why it was classified so (or rejected).
    pub why: Arc<str>,
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
    /// The rows' text in lower case, for the table's filter.
    pub search: SearchText,
    /// The imports (batch digests and row count) the session's import set was built from.
    pub rows_key: (Vec<String>, usize),
    /// Where the session's import set came from.
    pub rows_from: RowsFrom,
    /// The as-of date the figures are for.
    pub as_of: NaiveDate,
    /// The summary's sentences on revenue waiting for a rate, worked out here once (the list
    /// behind them can hold every row; the dashboard shows them every frame).
    pub held_back: Vec<(String, String)>,
    /// The lines under the charts of KPI units and of revenue (worked out here once: the
    /// revenue's passes over the rows waiting for a rate).
    pub chart_footers: [String; 2],
    /// Rows on the review list, and how many of them wait for a rate (a row may be on it for
    /// two reasons: these count rows, as the table's "Needs review only" shows them).
    pub review_rows: (usize, usize),
}

/// A product's part number, name, and why it is classified so, as the rows show them.
type ProductTexts = (Arc<str>, Arc<str>, Arc<str>);

/// The strings rows share: one copy per file and per product, handed out as [`Arc<str>`]
/// (row_views made five strings a row before: at 200,000 rows, a million allocations on every
/// recompute).
#[derive(Default)]
struct Shared {
    /// Per file: its name.
    files: Vec<Option<Arc<str>>>,
    /// Per product: its part number, name, and why it is classified so.
    products: Vec<Option<ProductTexts>>,
    /// The empty string.
    empty: Arc<str>,
}

impl Shared {
    fn new() -> Shared {
        Shared {
            empty: Arc::from(""),
            ..Shared::default()
        }
    }

    /// A file's name.
    fn file(&mut self, set: &ImportSet, file: u32) -> Arc<str> {
        let i = file as usize;
        if self.files.len() <= i {
            self.files.resize(i + 1, None);
        }
        let empty = &self.empty;
        self.files[i]
            .get_or_insert_with(|| {
                set.files
                    .get(i)
                    .map_or_else(|| empty.clone(), |f| Arc::from(f.name.as_str()))
            })
            .clone()
    }
}

/// Build the table rows.
fn row_views(session: &Session, outcome: Option<&Outcome>) -> Vec<RowView> {
    let set = &session.set;
    let Some(out) = outcome else {
        return Vec::new();
    };
    let e = &out.eval;
    let review: std::collections::BTreeSet<usize> = e.review.iter().map(|r| r.row).collect();
    let (waiting, changing): (Vec<_>, Vec<_>) = e
        .review
        .iter()
        .partition(|r| r.kind == crate::rules::figures::ReviewKind::NeedsRate);
    let waiting: std::collections::BTreeSet<usize> = waiting.iter().map(|r| r.row).collect();
    let changing: std::collections::BTreeSet<usize> = changing.iter().map(|r| r.row).collect();
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
    let mut shared = Shared::new();
    let total_row: Arc<str> = Arc::from("a summary (total) row");
    let not_invoiced: Arc<str> = Arc::from("not invoiced (status or no invoice date)");
    set.rows
        .iter()
        .enumerate()
        .map(|(i, row)| {
            let file = shared.file(set, row.file);
            let fate = e.row_fates.get(i).copied().unwrap_or(RowFate::Rejected);
            let mut view = RowView {
                date: None,
                order: String::new(),
                part: shared.empty.clone(),
                product: shared.empty.clone(),
                line: None,
                kits: 0,
                kpi_units: Decimal::ZERO,
                revenue_usd: Decimal::ZERO,
                fate,
                review: review.contains(&i),
                waits_for_rate: waiting.contains(&i),
                could_change_figures: changing.contains(&i),
                file,
                line_no: row.line,
                currency: None,
                why: shared.empty.clone(),
                components: None,
                packaged_set: false,
            };
            match (&row.fate, &row.purchase) {
                (Fate::Rejected { reason }, _) => view.why = Arc::from(reason.as_str()),
                (Fate::Summary, _) => view.why = total_row.clone(),
                (Fate::NotInvoiced, _) => view.why = not_invoiced.clone(),
                (_, Some(p)) => {
                    let parsed = set.parsed(p);
                    view.date = Some(p.date);
                    view.order = parsed.order_id.into_owned();
                    view.currency = Some(p.currency);
                    view.components = p.components.map(std::num::NonZeroU32::get);
                    let class = e.classes.get(p.product as usize);
                    let k = p.product as usize;
                    if shared.products.len() <= k {
                        shared.products.resize(k + 1, None);
                    }
                    let (part, product, why) = shared.products[k].get_or_insert_with(|| {
                        (
                            Arc::from(parsed.part.as_ref()),
                            Arc::from(parsed.name.as_ref()),
                            class.map_or_else(|| Arc::from(""), |c| Arc::from(c.why.as_str())),
                        )
                    });
                    view.part = part.clone();
                    view.product = product.clone();
                    if let Some(class) = class {
                        view.line = Some(class.line);
                        view.why = why.clone();
                        view.packaged_set = class.packaged_set;
                        // only an amount whose revenue counts waits for its rate (an unknown
                        // product's adds nothing, rate or not), as the summary says it
                        view.waits_for_rate &= session.profile.line_value(class.line).revenue;
                        if fate == RowFate::Counted {
                            let c = contribution(p, class, &inputs);
                            view.kits = c.kits;
                            view.kpi_units = c.kpi_units;
                            view.revenue_usd = c.revenue_usd;
                        }
                    }
                    if let Fate::Duplicate { of, differs } = row.fate {
                        let first = set.rows.get(of as usize);
                        view.why = Arc::from(format!(
                            "duplicate of {} line {}{}",
                            first
                                .and_then(|r| set.files.get(r.file as usize))
                                .map_or("", |f| f.name.as_str()),
                            first.map_or(0, |r| r.line),
                            if differs { " (content differs)" } else { "" }
                        ));
                    }
                }
                (Fate::Kept | Fate::Duplicate { .. }, None) => {}
            }
            view
        })
        .collect()
}

/// The purchases table's rows as text to filter on, in lower case, worked out with the figures
/// (on the worker) so that the frame after a keystroke in the filter only searches: at 200,000
/// rows, lower-casing five strings a row took that frame about 40 ms.
///
/// A row's order is its own; its part number, product, file and why are shared with the rows
/// of the same product and file (the same [`Arc<str>`]s), so each such combination is written
/// and searched once per keystroke, not once per row.
#[derive(Debug, Default)]
pub struct SearchText {
    /// Every row's order in lower case, one after the other.
    orders: String,
    /// Where each row's order ends in `orders`.
    order_ends: Vec<usize>,
    /// Per row, which of `shared` it has.
    shared_of: Vec<u32>,
    /// Part number, product, file and why of one combination, in lower case, joined by NUL.
    shared: Vec<String>,
}

/// `field` in lower case, added to `text`.
fn push_lower(text: &mut String, field: &str) {
    if field.is_ascii() {
        let start = text.len();
        text.push_str(field);
        if let Some(added) = text.get_mut(start..) {
            added.make_ascii_lowercase();
        }
    } else {
        text.push_str(&field.to_lowercase());
    }
}

impl SearchText {
    /// The text of `rows`.
    pub fn new(rows: &[RowView]) -> SearchText {
        let mut search = SearchText {
            orders: String::with_capacity(rows.len() * 10),
            order_ends: Vec::with_capacity(rows.len()),
            shared_of: Vec::with_capacity(rows.len()),
            shared: Vec::new(),
        };
        let ptr = |s: &Arc<str>| Arc::as_ptr(s).cast::<u8>() as usize;
        let mut combos: rustc_hash::FxHashMap<[usize; 4], u32> = Default::default();
        for r in rows {
            push_lower(&mut search.orders, &r.order);
            search.order_ends.push(search.orders.len());
            let key = [ptr(&r.part), ptr(&r.product), ptr(&r.file), ptr(&r.why)];
            let shared = &mut search.shared;
            let index = *combos.entry(key).or_insert_with(|| {
                let mut text = String::new();
                for (k, field) in [&r.part, &r.product, &r.file, &r.why]
                    .into_iter()
                    .enumerate()
                {
                    if k > 0 {
                        text.push('\0');
                    }
                    push_lower(&mut text, field);
                }
                shared.push(text);
                u32::try_from(shared.len() - 1).unwrap_or(u32::MAX)
            });
            search.shared_of.push(index);
        }
        search
    }

    /// What finds `needle` (in lower case) in the rows.
    pub fn matcher<'a>(&'a self, needle: &'a str) -> Matcher<'a> {
        // a needle without NUL cannot match across two fields of the joined texts
        let joined = !needle.contains('\0');
        Matcher {
            search: self,
            needle,
            shared: self
                .shared
                .iter()
                .map(|t| joined && t.contains(needle))
                .collect(),
            joined,
        }
    }
}

/// Which rows hold one needle (the shared texts searched once).
#[derive(Debug)]
pub struct Matcher<'a> {
    search: &'a SearchText,
    needle: &'a str,
    /// Per shared text: whether it holds the needle.
    shared: Vec<bool>,
    /// Whether the joined texts can be searched (the needle holds no NUL).
    joined: bool,
}

impl Matcher<'_> {
    /// Whether row `i`, `r`, holds the needle in one of its fields: what
    /// `field.to_lowercase().contains(needle)` says for one of them.
    pub fn matches(&self, i: usize, r: &RowView) -> bool {
        let s = self.search;
        let shared = s
            .shared_of
            .get(i)
            .and_then(|&k| self.shared.get(k as usize));
        let start = if i == 0 {
            Some(0)
        } else {
            s.order_ends.get(i - 1).copied()
        };
        let order = start
            .zip(s.order_ends.get(i).copied())
            .and_then(|(a, b)| s.orders.get(a..b));
        match (self.joined, shared, order) {
            (true, Some(&shared), Some(order)) => shared || order.contains(self.needle),
            _ => [&*r.order, &*r.part, &*r.product, &*r.file, &*r.why]
                .iter()
                .any(|f| f.to_lowercase().contains(self.needle)),
        }
    }
}

/// Where the rows of a [`Derived`] came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowsFrom {
    /// Read back from the workspace's stored rows.
    Workspace,
    /// The previous figures' (the imports did not change).
    Previous,
    /// The import preview's, confirmed.
    Import,
}

impl Derived {
    /// Derive everything from the workspace, reusing (a copy of) `previous`'s rows when the
    /// imports did not change, or the rows of a confirmed import (`imported`, the preview's
    /// set) when they are the workspace's. Runs on a worker thread after an edit.
    pub fn compute(
        ws: &Workspace,
        today: NaiveDate,
        previous: Option<Arc<Derived>>,
        imported: Option<Arc<ImportSet>>,
    ) -> Result<Derived, String> {
        let rows_key = (
            ws.batches
                .iter()
                .map(|b| b.sha256.clone())
                .collect::<Vec<_>>(),
            ws.rows.len(),
        );
        let (reuse, rows_from) = match previous.filter(|p| p.rows_key == rows_key) {
            Some(p) => (Some(p.session.set.clone()), RowsFrom::Previous),
            // reading a million stored rows back takes a second; the preview read them
            None => match imported
                .filter(|set| set.files == ws.batches && set.rows.len() == ws.rows.len())
            {
                Some(set) => (Some(set), RowsFrom::Import),
                None => (None, RowsFrom::Workspace),
            },
        };
        let session = Session::reusing(ws, reuse).map_err(|e| e.to_string())?;
        let outcome = ws
            .partner
            .anniversary
            .map(|a| session.evaluate(ws, a, today, None));
        let rows = row_views(&session, outcome.as_ref());
        let search = SearchText::new(&rows);
        let review_rows = rows.iter().fold((0, 0), |(n, w), r| {
            (n + usize::from(r.review), w + usize::from(r.waits_for_rate))
        });
        let held_back = outcome
            .as_ref()
            .map(|o| crate::report::summary::held_back_said(&o.eval))
            .unwrap_or_default();
        let chart_footers = outcome.as_ref().map_or_else(Default::default, |o| {
            [false, true].map(|revenue| crate::report::summary::chart_footer(&o.eval, revenue))
        });
        Ok(Derived {
            session,
            outcome,
            rows,
            search,
            rows_key,
            rows_from,
            as_of: today,
            held_back,
            chart_footers,
            review_rows,
        })
    }
}

/// Let go of `value` on a thread of its own: figures for 200,000 rows take milliseconds to
/// free, which the UI thread would spend in the frame that takes the new ones. (Should the
/// thread not start, `value` is dropped here.)
pub(super) fn drop_elsewhere<T: Send + 'static>(value: T) {
    // the error only says the thread did not start; the closure, and `value`, are dropped then
    let _ = std::thread::Builder::new()
        .name("lpkpi-drop".into())
        .spawn(move || drop(value));
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
    /// It is no export but the official dashboard's monthly report (its lines read): it is
    /// imported for the reconciliation, from its path when it has one.
    pub official: Option<(usize, Option<std::path::PathBuf>)>,
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
    /// Rows waiting whose revenue counts once converted.
    pub rows: u32,
    /// Rows waiting whose product line adds no revenue as classified.
    pub other: u32,
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
    /// The new files' rows as the workspace will store them (made on the worker, with the
    /// workspace's rows before them when they passed the edit's checks).
    pub rows: Result<PreparedRows, Vec<StoredRow>>,
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
    /// The key of figures that could not be worked out, and why (shown in the preview).
    pub failed: Option<(FiguresKey, String)>,
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
    /// Whether it reports how far it is (reading and parsing an import do); the others show a
    /// spinner alone, not a bar standing still at 0% (or at another job's 100%).
    pub measured: bool,
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
                crate::files::name_of(path)
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
    /// The rows of the workspace as a confirmed import left them (the preview's set), for the
    /// next figures to take instead of reading them back from the workspace.
    pub imported_set: Option<Arc<ImportSet>>,
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
        let derived = Derived::compute(&workspace, today, None, None);
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
            imported_set: None,
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

    /// A level's name in the profile ("Silver" for `silver`), its id when the profile has no
    /// such level or the figures are not there yet.
    pub fn level_name(&self, id: &str) -> String {
        self.derived
            .as_ref()
            .ok()
            .and_then(|d| d.session.profile.level(id))
            .map_or_else(|| id.to_string(), |l| l.name.clone())
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
            drop_elsewhere(derived);
            return None;
        }
        let error = derived.as_ref().err().cloned();
        let old = std::mem::replace(&mut self.derived, derived.map(Arc::new));
        drop_elsewhere(old);
        self.derived_revision = revision;
        self.derived_gen += 1;
        error
    }

    /// The window title: workspace, partner, unsaved marker.
    pub fn title(&self) -> String {
        let file = match (&self.path, self.demo) {
            (Some(p), _) => crate::files::name_of(p),
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

#[cfg(test)]
mod tests {
    use super::*;

    fn row(
        order: &str,
        part: &Arc<str>,
        product: &Arc<str>,
        file: &Arc<str>,
        why: &Arc<str>,
    ) -> RowView {
        RowView {
            date: None,
            order: order.into(),
            part: part.clone(),
            product: product.clone(),
            line: None,
            kits: 0,
            kpi_units: Decimal::ZERO,
            revenue_usd: Decimal::ZERO,
            fate: RowFate::Counted,
            file: file.clone(),
            line_no: 2,
            currency: None,
            review: false,
            waits_for_rate: false,
            could_change_figures: false,
            why: why.clone(),
            components: None,
            packaged_set: false,
        }
    }

    #[test]
    fn the_filter_finds_what_one_field_holds_ignoring_case_as_before() {
        let a: Arc<str> = Arc::from("AZ-104T00");
        let name: Arc<str> = Arc::from("Azure Administrator – Überblick");
        let file: Arc<str> = Arc::from("Orders.CSV");
        let other: Arc<str> = Arc::from("Bestellungen.csv");
        let why: Arc<str> = Arc::from("catalog: part number");
        let empty: Arc<str> = Arc::from("");
        let rejected: Arc<str> = Arc::from("line 7: the date 31/02/2026 is not a date");
        let rows = vec![
            row("SO-5000", &a, &name, &file, &why),
            row("so-5001", &a, &name, &other, &why),
            row("", &empty, &empty, &file, &rejected),
            row("ÄBC", &empty, &empty, &other, &empty),
        ];
        let search = SearchText::new(&rows);
        for needle in [
            "",
            "so-500",
            "az-104",
            "überblick",
            "ä",
            "orders.csv",
            "csv",
            "31/02",
            "catalog",
            "number\0orders",
            "\0",
            "t00\0azure",
            "nothing",
            "r\0",
        ] {
            let matcher = search.matcher(needle);
            for (i, r) in rows.iter().enumerate() {
                let before = [&*r.order, &*r.part, &*r.product, &*r.file, &*r.why]
                    .iter()
                    .any(|s| s.to_lowercase().contains(needle));
                assert_eq!(matcher.matches(i, r), before, "{needle:?} in row {i}");
            }
        }
    }
}
