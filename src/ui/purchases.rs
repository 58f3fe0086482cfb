//! Every row in a virtualized table: sort, filter, totals of what is shown; reclassify a
//! product (a catalog override) or give a packaged set its component count right from a row;
//! the review queue one click away.

use std::sync::{Arc, Mutex, PoisonError};

use eframe::egui::{self, RichText, Ui};
use egui_extras::{Column, TableBuilder};
use rust_decimal::Decimal;

use super::command::Command;
use super::state::{AppState, Derived, RowView, SearchText};
use super::widgets::{self, count, len, right, units, usd};
use crate::import::classify::CatalogEntry;
use crate::rules::figures::RowFate;
use crate::rules::{Month, ProductLine};
use crate::workspace::Edit;

/// Sortable columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SortKey {
    /// File order.
    #[default]
    Source,
    /// Purchase date.
    Date,
    /// Order number: as numbers when every one shown is digits, else as texts.
    Order,
    /// Part number.
    Part,
    /// Product name.
    Product,
    /// Product line, by the name shown.
    Line,
    /// Kits.
    Kits,
    /// KPI units.
    Kpi,
    /// Revenue.
    Revenue,
    /// Fate, in the order of the fate filter (counted first).
    Fate,
}

/// Rows and their totals, cached until the data or what `key` says changes: the rows shown
/// (in order), or those the filters let through (in file order).
#[derive(Debug, Clone, Default)]
struct Visible {
    generation: u64,
    key: String,
    /// The rows are in descending order (of the column sorted).
    descending: bool,
    rows: Vec<usize>,
    kits: i64,
    kpi_units: Decimal,
    revenue_usd: Decimal,
}

/// Tables with more rows shown than this are sorted on a worker thread: a sort of 200,000
/// rows took 2-6 ms of a frame by number and 30-60 ms by order text, a sort being linear in
/// the rows (20,000: a tenth of that, in the frame).
const INLINE_SORT_ROWS: usize = 20_000;

/// A sort running on a worker thread: what it sorts, and where its order arrives.
#[derive(Debug, Clone)]
struct PendingSort {
    generation: u64,
    filter_key: String,
    column: SortKey,
    done: Arc<Mutex<Option<Vec<usize>>>>,
}

impl PendingSort {
    fn is(&self, generation: u64, filter_key: &str, column: SortKey) -> bool {
        self.generation == generation && self.filter_key == filter_key && self.column == column
    }

    /// The sorted rows, once the worker is done.
    fn take(&self) -> Option<Vec<usize>> {
        self.done
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take()
    }
}

/// The table's filters and sort, and the selected row's draft.
#[derive(Debug, Clone, Default)]
pub struct PurchasesView {
    /// Text in any column.
    pub text: String,
    /// One product line.
    pub line: Option<ProductLine>,
    /// One fate.
    pub fate: Option<RowFate>,
    /// One month.
    pub month: Option<Month>,
    /// Only rows to review.
    pub review_only: bool,
    /// Only rows to review that could change the figures (not those only waiting for a rate).
    pub changing_only: bool,
    /// Sort column and direction.
    pub sort: (SortKey, bool),
    /// Components draft for the selected row.
    pub components: String,
    /// Why the components draft was refused.
    pub components_error: Option<String>,
    cache: Option<Visible>,
    /// The rows the filters let through (in file order; `key` is the filters') and their
    /// totals.
    filtered: Option<Visible>,
    /// Those rows sorted by a column, ascending.
    sorted: Option<(SortKey, Vec<usize>)>,
    /// A sort on a worker thread (a large table), until its rows arrive.
    pending: Option<PendingSort>,
    /// Tables with more rows shown than this sort on a worker (None: [`INLINE_SORT_ROWS`]).
    inline_sort_rows: Option<usize>,
}

impl PurchasesView {
    /// Show every row again: no text, line, fate, month or review filter.
    pub fn clear_filters(&mut self) {
        self.text.clear();
        self.line = None;
        self.fate = None;
        self.month = None;
        self.review_only = false;
        self.changing_only = false;
    }
}

fn fate_label(f: RowFate) -> &'static str {
    crate::report::summary::fate_name(f)
}

const FATES: [RowFate; 6] = [
    RowFate::Counted,
    RowFate::OutsideWindow,
    RowFate::Duplicate,
    RowFate::Summary,
    RowFate::NotInvoiced,
    RowFate::Rejected,
];

impl PurchasesView {
    fn key(&self) -> String {
        format!("{}|{:?}", self.filter_key(), self.sort)
    }

    fn filter_key(&self) -> String {
        format!(
            "{}|{:?}|{:?}|{:?}|{}|{}",
            self.text, self.line, self.fate, self.month, self.review_only, self.changing_only
        )
    }

    /// The rows shown, in order, and their totals (cached until the data or the filters
    /// change). A new sort reuses the rows and totals of the filter; a new direction, the sort.
    /// A large table is sorted on a worker thread: until its order arrives (`ctx` is asked for
    /// a frame then), the rows keep the order they had, and [`PurchasesView::sorting`] says so.
    fn visible(
        &mut self,
        derived: &Arc<Derived>,
        generation: u64,
        ctx: &egui::Context,
    ) -> &Visible {
        let key = self.key();
        let fresh = matches!(&self.cache, Some(v) if v.generation == generation && v.key == key);
        if !fresh {
            let filter_key = self.filter_key();
            let filtered_fresh = matches!(&self.filtered,
                Some(f) if f.generation == generation && f.key == filter_key);
            if !filtered_fresh {
                self.filtered = Some(self.filter(
                    &derived.rows,
                    &derived.search,
                    generation,
                    filter_key.clone(),
                ));
                self.sorted = None;
            }
            let f = self.filtered.get_or_insert_with(Visible::default);
            let (column, desc) = self.sort;
            let mut waiting = false;
            if self.sorted.as_ref().is_none_or(|(c, _)| *c != column) {
                let inline = self.inline_sort_rows.unwrap_or(INLINE_SORT_ROWS);
                let wanted = (generation, filter_key.as_str(), column);
                match sorted_rows(&mut self.pending, inline, derived, wanted, &f.rows, ctx) {
                    Some(idx) => self.sorted = Some((column, idx)),
                    None => waiting = true,
                }
            }
            if !waiting {
                // a sort asked for before (another column, other filters) is not waited for
                self.pending = None;
            }
            // while a sort runs, the order the rows had (that of the column before, or the
            // file's), in the direction it had
            let (ascending, desc) = match &self.sorted {
                Some((_, idx)) if !waiting => (idx.as_slice(), desc),
                Some((_, idx)) => (
                    idx.as_slice(),
                    self.cache.as_ref().is_some_and(|c| c.descending),
                ),
                None => (f.rows.as_slice(), false),
            };
            let shown: Vec<usize> = if desc {
                ascending.iter().rev().copied().collect()
            } else {
                ascending.to_vec()
            };
            self.cache = Some(Visible {
                generation,
                // a sort still running is looked for again next frame
                key: if waiting { String::new() } else { key },
                descending: desc,
                rows: shown,
                kits: f.kits,
                kpi_units: f.kpi_units,
                revenue_usd: f.revenue_usd,
            });
        }
        self.cache.get_or_insert_with(Visible::default)
    }

    /// Whether a sort is running on a worker thread (the rows shown keep their order till it
    /// is done).
    pub fn sorting(&self) -> bool {
        self.pending.is_some()
    }

    /// The rows the filters let through, in file order, and their totals.
    fn filter(
        &self,
        rows: &[RowView],
        search: &SearchText,
        generation: u64,
        key: String,
    ) -> Visible {
        let needle = self.text.to_lowercase();
        let matcher = search.matcher(&needle);
        let idx: Vec<usize> = rows
            .iter()
            .enumerate()
            .filter(|&(i, r)| {
                (!self.review_only || r.review)
                    && (!self.changing_only || r.could_change_figures)
                    && self.line.is_none_or(|l| r.line == Some(l))
                    && self.fate.is_none_or(|f| r.fate == f)
                    && self
                        .month
                        .is_none_or(|m| r.date.is_some_and(|d| Month::of(d) == m))
                    && (needle.is_empty() || matcher.matches(i, r))
            })
            .map(|(i, _)| i)
            .collect();
        // the totals in one pass over the rows shown
        let mut kits = 0i64;
        let (mut kpi_units, mut revenue_usd) = (DecimalSum::default(), DecimalSum::default());
        for &i in &idx {
            let r = &rows[i];
            kits = kits.saturating_add(r.kits);
            kpi_units.add(r.kpi_units);
            revenue_usd.add(r.revenue_usd);
        }
        let total = |sum: DecimalSum, of: fn(&RowView) -> Decimal| {
            sum.total()
                .unwrap_or_else(|| idx.iter().fold(Decimal::ZERO, |a, &i| a + of(&rows[i])))
        };
        Visible {
            generation,
            key,
            descending: false,
            kits,
            kpi_units: total(kpi_units, |r| r.kpi_units),
            revenue_usd: total(revenue_usd, |r| r.revenue_usd),
            rows: idx,
        }
    }
}

/// A sum of decimals, exactly as adding them one by one gives it (the largest scale among
/// them), kept as whole numbers per scale: 200,000 `Decimal` additions took 14 ms of a frame.
#[derive(Debug, Clone, Copy, Default)]
struct DecimalSum {
    by_scale: [i128; 29],
    /// The largest scale added (None: nothing yet).
    scale: Option<u32>,
    /// A sum outgrew 128 bits: [`DecimalSum::total`] is None.
    overflow: bool,
}

impl DecimalSum {
    fn add(&mut self, d: Decimal) {
        let scale = d.scale();
        self.scale = Some(self.scale.map_or(scale, |s| s.max(scale)));
        match self.by_scale.get_mut(scale as usize) {
            Some(sum) => match sum.checked_add(d.mantissa()) {
                Some(v) => *sum = v,
                None => self.overflow = true,
            },
            None => self.overflow = true,
        }
    }

    /// The sum, or None when it does not fit (then add them as decimals).
    fn total(&self) -> Option<Decimal> {
        if self.overflow {
            return None;
        }
        let Some(scale) = self.scale else {
            return Some(Decimal::ZERO);
        };
        let mut sum = 0i128;
        for (s, &v) in self.by_scale.iter().enumerate() {
            let up = 10i128.checked_pow(scale.saturating_sub(s as u32))?;
            if v != 0 && (s as u32) <= scale {
                sum = sum.checked_add(v.checked_mul(up)?)?;
            }
        }
        Decimal::try_from_i128_with_scale(sum, scale).ok()
    }
}

// A click on a column header sorts every row shown (200,000 in a large workspace) within the
// frame. A comparison sort of Decimals or strings took 37-52 ms there (with the totals, added
// again); these sort by a number per row in a few linear passes instead, giving the same order
// (ties stay in file order).

/// Sort `idx` (ascending row indexes) by `key`, stably: least significant digit first, eleven
/// bits a pass, over the keys' range only (a year of dates is one pass).
fn sort_by_number(idx: &mut [usize], key: impl Fn(usize) -> u64) {
    let keyed = idx.iter().map(|&i| (key(i), i)).collect();
    sort_keyed(idx, keyed);
}

/// [`sort_by_number`] with the numbers worked out: `from` holds (number, row) in `idx`'s order.
fn sort_keyed(idx: &mut [usize], mut from: Vec<(u64, usize)>) {
    const BITS: u32 = 11;
    let low = from.iter().map(|&(k, _)| k).min().unwrap_or(0);
    let high = from.iter().map(|&(k, _)| k).max().unwrap_or(0);
    let range = high - low;
    let mut to = from.clone();
    let mut shift = 0;
    while shift < 64 && range >> shift != 0 {
        let digit = |k: u64| (((k - low) >> shift) & ((1 << BITS) - 1)) as usize;
        let mut starts = vec![0usize; 1 << BITS];
        for &(k, _) in &from {
            if let Some(n) = starts.get_mut(digit(k)) {
                *n += 1;
            }
        }
        let mut at = 0;
        for slot in &mut starts {
            let n = *slot;
            *slot = at;
            at += n;
        }
        for &(k, i) in &from {
            if let Some(start) = starts.get_mut(digit(k)) {
                if let Some(place) = to.get_mut(*start) {
                    *place = (k, i);
                }
                *start += 1;
            }
        }
        std::mem::swap(&mut from, &mut to);
        shift += BITS;
    }
    for (slot, (_, i)) in idx.iter_mut().zip(from) {
        *slot = i;
    }
}

/// A date as a number in date order, no date first.
fn date_number(d: Option<chrono::NaiveDate>) -> u64 {
    use chrono::Datelike;
    d.map_or(0, |d| {
        (i64::from(d.num_days_from_ce()) - i64::from(i32::MIN) + 1) as u64
    })
}

/// Sort `idx` by a text of each row, stably. Rows share their texts, so the distinct ones are
/// sorted (each once) and the rows by their rank.
fn sort_by_text<'a>(idx: &mut [usize], text: impl Fn(usize) -> &'a std::sync::Arc<str>) {
    use rustc_hash::FxHashMap as HashMap;
    let mut distinct: HashMap<*const u8, &str> = HashMap::default();
    for &i in idx.iter() {
        let t = text(i);
        distinct.entry(t.as_ptr()).or_insert(t);
    }
    let mut texts: Vec<&str> = distinct.values().copied().collect();
    texts.sort_unstable();
    texts.dedup();
    let rank: HashMap<*const u8, u64> = distinct
        .iter()
        .map(|(&p, t)| (p, texts.binary_search(t).unwrap_or(0) as u64))
        .collect();
    sort_by_number(idx, |i| rank.get(&text(i).as_ptr()).copied().unwrap_or(0));
}

/// `rows` (in file order) sorted by `column`: at once when there are at most `inline` of
/// them (or no thread can be had); else the order of the worker `pending` holds for this sort
/// (`wanted`: the rows' generation, the filters, the column) once it has arrived, a worker
/// started for it the first time, and None meanwhile.
fn sorted_rows(
    pending: &mut Option<PendingSort>,
    inline: usize,
    derived: &Arc<Derived>,
    (generation, filter_key, column): (u64, &str, SortKey),
    rows: &[usize],
    ctx: &egui::Context,
) -> Option<Vec<usize>> {
    if rows.len() <= inline {
        return Some(sort_rows(&derived.rows, rows.to_vec(), column));
    }
    if let Some(p) = pending
        .as_ref()
        .filter(|p| p.is(generation, filter_key, column))
    {
        return p.take();
    }
    let job = PendingSort {
        generation,
        filter_key: filter_key.to_string(),
        column,
        done: Arc::default(),
    };
    let (all, idx, done, ctx) = (
        Arc::clone(derived),
        rows.to_vec(),
        Arc::clone(&job.done),
        ctx.clone(),
    );
    let spawned = std::thread::Builder::new()
        .name("lpkpi-sort".into())
        .spawn(move || {
            let sorted = sort_rows(&all.rows, idx, column);
            *done.lock().unwrap_or_else(PoisonError::into_inner) = Some(sorted);
            ctx.request_repaint();
        });
    match spawned {
        Ok(_) => {
            *pending = Some(job);
            None
        }
        // no thread to be had: sorted here, in this frame
        Err(_) => Some(sort_rows(&derived.rows, rows.to_vec(), column)),
    }
}

/// `idx` (rows in file order) sorted by `column`, ascending, ties in file order.
fn sort_rows(rows: &[RowView], mut idx: Vec<usize>, column: SortKey) -> Vec<usize> {
    match column {
        SortKey::Source => {}
        SortKey::Date => sort_by_number(&mut idx, |i| date_number(rows[i].date)),
        SortKey::Order => sort_by_order(&mut idx, |i| &rows[i].order),
        SortKey::Part => sort_by_text(&mut idx, |i| &rows[i].part),
        SortKey::Product => sort_by_text(&mut idx, |i| &rows[i].product),
        SortKey::Line => sort_by_number(&mut idx, |i| line_rank(rows[i].line)),
        SortKey::Kits => sort_by_number(&mut idx, |i| signed(rows[i].kits)),
        SortKey::Kpi => sort_by_decimal(&mut idx, |i| rows[i].kpi_units),
        SortKey::Revenue => sort_by_decimal(&mut idx, |i| rows[i].revenue_usd),
        SortKey::Fate => sort_by_number(&mut idx, |i| fate_rank(rows[i].fate)),
    }
    idx
}

/// A signed number as an unsigned one in the same order (the sign bit flipped).
fn signed(n: i64) -> u64 {
    (n as u64) ^ (1 << 63)
}

/// A product line's place among the names shown, no line first.
fn line_rank(line: Option<ProductLine>) -> u64 {
    line.map_or(0, |l| {
        1 + ProductLine::ALL
            .iter()
            .filter(|other| other.name() < l.name())
            .count() as u64
    })
}

/// A fate's place in the fate filter's list.
fn fate_rank(fate: RowFate) -> u64 {
    FATES.iter().position(|&f| f == fate).unwrap_or(FATES.len()) as u64
}

/// Sort `idx` by order number, stably: as numbers when every one is digits (up to 19 of
/// them; "999" before "1000"; none first), else as texts in byte order ([`sort_by_bytes`]).
fn sort_by_order<'a>(idx: &mut [usize], order: impl Fn(usize) -> &'a str) {
    let number = |t: &str| -> Option<u64> {
        let t = t.trim();
        if t.is_empty() {
            return Some(0);
        }
        if t.len() > 19 || !t.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        t.parse::<u64>().ok().map(|n| n + 1)
    };
    let keyed: Option<Vec<(u64, usize)>> = idx
        .iter()
        .map(|&i| number(order(i)).map(|n| (n, i)))
        .collect();
    match keyed {
        Some(keyed) => sort_keyed(idx, keyed),
        None => {
            // the texts copied end to end in the rows' order first: the sort then reads them
            // in a few megabytes, not each from its row all over memory
            let mut bytes = Vec::new();
            let mut ends = Vec::with_capacity(idx.len());
            for &i in idx.iter() {
                bytes.extend_from_slice(order(i).trim().as_bytes());
                ends.push(bytes.len());
            }
            let text = |at: usize| {
                let start = if at == 0 { 0 } else { ends[at - 1] };
                &bytes[start..ends[at]]
            };
            let mut at: Vec<usize> = (0..idx.len()).collect();
            sort_by_bytes(&mut at, &text);
            let rows: Vec<usize> = at.iter().map(|&a| idx[a]).collect();
            idx.copy_from_slice(&rows);
        }
    }
}

/// Sort `idx` by a text of each row in byte order, stably, in linear passes (200,000 distinct
/// order numbers in no order took 50 ms of a frame by comparison): after the prefix all the
/// texts share, their next 8 bytes are a number to sort by; rows whose 8 bytes tie are sorted
/// so again by the 8 bytes after, until their texts end. Only texts that end within the same
/// 8 bytes are compared (a missing byte and a zero byte both read as zero). The ranges still
/// to sort are a list, not a recursion, so long texts cannot run the stack out.
fn sort_by_bytes<'a>(idx: &mut [usize], text: &dyn Fn(usize) -> &'a [u8]) {
    sort_by_bytes_from(idx, text, 64);
}

/// [`sort_by_bytes`], ranges of at most `small` rows sorted by comparison (a linear pass costs
/// its 2,048 counters whatever the range: 100,000 ranges of 3 tied rows took seconds).
fn sort_by_bytes_from<'a>(idx: &mut [usize], text: &dyn Fn(usize) -> &'a [u8], small: usize) {
    let Some(&first) = idx.first() else {
        return;
    };
    let head = text(first);
    let shared = idx.iter().fold(head.len(), |n, &i| {
        text(i)
            .iter()
            .zip(&head[..n])
            .take_while(|(a, b)| a == b)
            .count()
    });
    // (start, end, from which byte) of the ranges still to sort
    let mut todo = vec![(0, idx.len(), shared)];
    let mut going: Vec<usize> = Vec::new();
    while let Some((start, end, from)) = todo.pop() {
        let tail = |i: usize| text(i).get(from..).unwrap_or(&[]);
        if end - start <= small {
            // they share every byte before `from`
            idx[start..end].sort_by(|&a, &b| tail(a).cmp(tail(b)));
            continue;
        }
        let key = |i: usize| -> u64 {
            let mut bytes = [0u8; 8];
            for (to, byte) in bytes.iter_mut().zip(tail(i)) {
                *to = *byte;
            }
            u64::from_be_bytes(bytes)
        };
        let part = &mut idx[start..end];
        let keyed = part.iter().map(|&i| (key(i), i)).collect();
        sort_keyed(part, keyed);
        let mut at = 0;
        while let Some(&row) = part.get(at) {
            let k = key(row);
            let len = part[at..].iter().take_while(|&&i| key(i) == k).count();
            let run = &mut part[at..at + len];
            if len > 1 {
                // a text that ends in these 8 bytes is a prefix of one that goes on with the
                // same 8 (zero bytes to its end): those that end go first, compared, and
                // those that go on are sorted by their next 8 bytes (in order, stably)
                going.clear();
                let mut ended = 0;
                for j in 0..len {
                    let i = run[j];
                    if tail(i).len() <= 8 {
                        run[ended] = i;
                        ended += 1;
                    } else {
                        going.push(i);
                    }
                }
                run[ended..].copy_from_slice(&going);
                run[..ended].sort_by(|&a, &b| tail(a).cmp(tail(b)));
                if going.len() > 1 {
                    let after = start + at + ended;
                    todo.push((after, after + going.len(), from + 8));
                }
            }
            at += len;
        }
    }
}

/// Sort `idx` by a decimal of each row, stably: as whole numbers at the largest scale among
/// them when they all fit in 63 bits (money and units always do), else by comparison.
fn sort_by_decimal(idx: &mut [usize], value: impl Fn(usize) -> Decimal) {
    let scale = idx.iter().map(|&i| value(i).scale()).max().unwrap_or(0);
    let whole = |d: Decimal| -> Option<i64> {
        let m = d
            .mantissa()
            .checked_mul(10i128.checked_pow(scale - d.scale())?)?;
        i64::try_from(m).ok()
    };
    // flipping the sign bit orders signed numbers as unsigned ones
    let keyed: Option<Vec<(u64, usize)>> = idx
        .iter()
        .map(|&i| whole(value(i)).map(|w| (signed(w), i)))
        .collect();
    match keyed {
        Some(keyed) => sort_keyed(idx, keyed),
        None => idx.sort_by_key(|&i| value(i)),
    }
}

/// A table cell's text: not selectable, so a click selects the row.
/// A cell's text on one line, cut with "…" when its column is narrower (the whole text shows
/// on hover).
fn cell(ui: &mut Ui, text: impl Into<egui::WidgetText>) {
    ui.add(egui::Label::new(text).selectable(false).truncate());
}

fn sort_button(ui: &mut Ui, view: &mut PurchasesView, key: SortKey, label: &str) {
    let arrow = match view.sort {
        (k, false) if k == key => " ▲",
        (k, true) if k == key => " ▼",
        _ => "",
    };
    if ui
        .button(RichText::new(format!("{label}{arrow}")).strong())
        .clicked()
    {
        view.sort = if view.sort.0 == key {
            (key, !view.sort.1)
        } else {
            (key, false)
        };
    }
}

/// The purchases panel.
pub fn purchases_ui(
    ui: &mut Ui,
    state: &AppState,
    view: &mut PurchasesView,
    cmds: &mut Vec<Command>,
) {
    let Ok(derived) = &state.derived else { return };
    let rows = &derived.rows;
    if rows.is_empty() {
        ui.horizontal_wrapped(|ui| {
            if state.outcome().is_none() {
                ui.label("Enter the anniversary in Settings first.");
                if ui.button("Open Settings").clicked() {
                    cmds.push(Command::Show(super::state::Panel::Settings));
                }
            } else {
                ui.label("No purchases yet: drop exports here, or");
                if ui.button(super::action::Action::Import.text()).clicked() {
                    cmds.push(Command::Dialog(super::command::Pick::Import));
                }
            }
        });
        return;
    }
    ui.horizontal_wrapped(|ui| {
        widgets::labelled_text(ui, "Filter", &mut view.text, 160.0);
        ui.label("Line");
        egui::ComboBox::from_id_salt("line-filter")
            .selected_text(view.line.map_or("all lines", |l| l.name()))
            .show_ui(ui, |ui| {
                ui.selectable_value(&mut view.line, None, "all lines");
                for l in ProductLine::ALL {
                    ui.selectable_value(&mut view.line, Some(l), l.name());
                }
            });
        ui.label("Fate");
        egui::ComboBox::from_id_salt("fate-filter")
            .selected_text(view.fate.map_or("all fates", fate_label))
            .show_ui(ui, |ui| {
                ui.selectable_value(&mut view.fate, None, "all fates");
                for f in FATES {
                    ui.selectable_value(&mut view.fate, Some(f), fate_label(f));
                }
            });
        let months: Vec<Month> = state
            .outcome()
            .map(|o| o.eval.monthly.iter().map(|m| m.month).collect())
            .unwrap_or_default();
        ui.label("Month");
        egui::ComboBox::from_id_salt("month-filter")
            .selected_text(view.month.map_or("all months".to_string(), |m| m.label()))
            .show_ui(ui, |ui| {
                ui.selectable_value(&mut view.month, None, "all months");
                for m in months {
                    ui.selectable_value(&mut view.month, Some(m), m.label());
                }
            });
        ui.checkbox(&mut view.review_only, "Needs review only");
        // shown while on (the dashboard's caveat turns it on): unticked, it goes
        if view.changing_only {
            ui.checkbox(&mut view.changing_only, "Could change the figures");
        }
    });

    let shown = view.visible(derived, state.derived_gen, ui.ctx());
    let (kits, kpi, revenue) = (shown.kits, shown.kpi_units, shown.revenue_usd);
    // borrowed out of the cache for this frame (no copy), put back after the table
    let visible = view
        .cache
        .as_mut()
        .map(|v| std::mem::take(&mut v.rows))
        .unwrap_or_default();
    ui.label(format!(
        "{} of {} rows · {} kits · {} KPI units · {} counted revenue{}",
        count(len(visible.len())),
        count(len(rows.len())),
        count(kits),
        units(kpi),
        usd(revenue),
        if view.sorting() { " · sorting…" } else { "" }
    ));

    // the selected row's details, with reclassification, in a panel under the table: the
    // table keeps its width (every figure and the fate in view) and does not move under the
    // pointer when a row is selected
    if let Some(sel) = state.selected_row.and_then(|i| rows.get(i)) {
        egui::Panel::bottom("row-details")
            .resizable(true)
            .default_size(200.0)
            .min_size(120.0)
            .max_size((ui.available_height() * 0.6).max(160.0))
            .show(ui, |ui| {
                egui::ScrollArea::vertical()
                    .id_salt("row-details-scroll")
                    .show(ui, |ui| row_details(ui, state, sel, view, cmds));
            });
    }

    let row_height = 22.0;
    let selected = state.selected_row;
    // Up and Down move the selection through the rows shown (unless a field is being typed
    // in), the table scrolling to it: the rows are read from the keyboard without a Tab a cell
    let step = if ui.ctx().egui_wants_keyboard_input() || visible.is_empty() {
        0
    } else {
        ui.input_mut(|i| {
            i64::from(i.consume_key(egui::Modifiers::NONE, egui::Key::ArrowDown))
                - i64::from(i.consume_key(egui::Modifiers::NONE, egui::Key::ArrowUp))
        })
    };
    let mut scroll_to = None;
    if step != 0 {
        let last = visible.len() - 1;
        let at = selected.and_then(|s| visible.iter().position(|&v| v == s));
        let next = match at {
            None if step > 0 => 0,
            None => last,
            Some(p) => usize::try_from(p as i64 + step).unwrap_or(0).min(last),
        };
        if let Some(&row) = visible.get(next) {
            cmds.push(Command::SelectRow(Some(row)));
            scroll_to = Some(next);
        }
    }
    // both ways: the table scrolls sideways in a narrow window, its header stays on top
    egui::ScrollArea::horizontal()
        .id_salt("purchases-sideways")
        .show(ui, |ui| {
            // a click on a row's text picks the row rather than starting a text selection
            ui.style_mut().interaction.selectable_labels = false;
            // in a narrow window the texts give way first, so the figures and the fate stay
            // in view at 900 points (a column's width is its first; resizing keeps its own)
            let narrow = ui.available_width() < 1100.0;
            let (product_width, line_width) = if narrow {
                (170.0, 130.0)
            } else {
                (230.0, 230.0)
            };
            let mut table = TableBuilder::new(ui);
            if let Some(n) = scroll_to {
                table = table.scroll_to_row(n, None);
            }
            table
                .id_salt("purchases")
                .striped(true)
                .sense(egui::Sense::click())
                .cell_layout(egui::Layout::left_to_right(egui::Align::Center))
                .column(Column::auto().at_least(86.0).resizable(true))
                .column(Column::auto().at_least(70.0).resizable(true))
                .column(Column::auto().at_least(90.0).resizable(true))
                .column(
                    Column::initial(product_width)
                        .at_least(120.0)
                        .clip(true)
                        .resizable(true),
                )
                // the longest line's name, "Course certificate vouchers (MCCV)"
                .column(
                    Column::initial(line_width)
                        .at_least(100.0)
                        .clip(true)
                        .resizable(true),
                )
                // the figures' columns are sized, not measured: a right-to-left cell takes
                // all the width it is given, so an auto column would only ever grow
                .column(Column::initial(60.0).at_least(48.0).resizable(true))
                .column(Column::initial(84.0).at_least(64.0).resizable(true))
                .column(Column::initial(110.0).at_least(80.0).resizable(true))
                // "outside the window" (a truncated cell has no width of its own to measure)
                .column(Column::initial(132.0).at_least(80.0).resizable(true))
                // the source takes what the others leave: the figures and the fate stay in
                // view in a window of 1280 points, the file's name clipped if need be
                .column(Column::remainder().at_least(120.0).clip(true))
                .header(24.0, |mut h| {
                    h.col(|ui| sort_button(ui, view, SortKey::Date, "Date"));
                    h.col(|ui| sort_button(ui, view, SortKey::Order, "Order"));
                    h.col(|ui| sort_button(ui, view, SortKey::Part, "Part"));
                    h.col(|ui| sort_button(ui, view, SortKey::Product, "Product"));
                    h.col(|ui| sort_button(ui, view, SortKey::Line, "Line"));
                    // the figures' headers over their right-aligned numbers
                    for (key, label) in [
                        (SortKey::Kits, "Kits"),
                        (SortKey::Kpi, "KPI units"),
                        (SortKey::Revenue, "Revenue"),
                    ] {
                        h.col(|ui| {
                            ui.with_layout(
                                egui::Layout::right_to_left(egui::Align::Center),
                                |ui| sort_button(ui, view, key, label),
                            );
                        });
                    }
                    h.col(|ui| sort_button(ui, view, SortKey::Fate, "Fate"));
                    h.col(|ui| sort_button(ui, view, SortKey::Source, "Source"));
                })
                .body(|body| {
                    body.rows(row_height, visible.len(), |mut row| {
                        let i = visible[row.index()];
                        let r = &rows[i];
                        row.set_selected(selected == Some(i));
                        row.col(|ui| {
                            cell(ui, r.date.map_or(String::new(), |d| d.to_string()));
                        });
                        row.col(|ui| {
                            cell(ui, &r.order);
                        });
                        row.col(|ui| {
                            cell(ui, &*r.part);
                        });
                        row.col(|ui| {
                            let text = if r.product.is_empty() {
                                &r.why
                            } else {
                                &r.product
                            };
                            // the product is the row's focusable handle: click or Enter selects the row
                            let marker = if r.review { "⚠ " } else { "" };
                            if ui
                                .selectable_label(selected == Some(i), format!("{marker}{text}"))
                                .clicked()
                            {
                                cmds.push(Command::SelectRow(if selected == Some(i) {
                                    None
                                } else {
                                    Some(i)
                                }));
                            }
                        });
                        row.col(|ui| {
                            // named as the summary names it
                            cell(ui, r.line.map_or("", |l| l.name()));
                        });
                        let counted = r.fate == RowFate::Counted;
                        // an amount waiting for its rate has no USD value yet: not $0.00
                        let revenue = match (r.waits_for_rate, r.currency) {
                            (true, Some(c)) => format!("no {c} rate"),
                            _ => usd(r.revenue_usd),
                        };
                        for figure in [count(r.kits), units(r.kpi_units), revenue] {
                            row.col(|ui| {
                                right(ui, if counted { figure } else { String::new() });
                            });
                        }
                        row.col(|ui| {
                            cell(ui, fate_label(r.fate));
                        });
                        row.col(|ui| {
                            cell(ui, format!("line {} · {}", r.line_no, r.file));
                        });
                        if row.response().clicked() {
                            cmds.push(Command::SelectRow(if selected == Some(i) {
                                None
                            } else {
                                Some(i)
                            }));
                        }
                    });
                });
        });
    if let Some(v) = view.cache.as_mut() {
        v.rows = visible;
    }
}

/// The row's values as read from its file (order, line, date, quantity, components, the amount
/// in its own currency): what an administrator compares with the export, shown for every
/// fate, counted or not.
fn row_values(ui: &mut Ui, state: &AppState, i: usize) {
    let Ok(d) = &state.derived else { return };
    let Some(p) = d.session.set.rows.get(i).and_then(|r| r.purchase.as_ref()) else {
        return;
    };
    let p = d.session.set.parsed(p);
    let mut parts = vec![format!("order {}", p.order_id)];
    if let Some(l) = &p.line_id {
        parts.push(format!("line {l}"));
    }
    parts.push(p.date.to_string());
    parts.push(format!("quantity {}", count(p.quantity)));
    if let Some(c) = p.components {
        parts.push(crate::report::summary::count_of(
            c,
            "component",
            "components",
        ));
    }
    parts.push(match p.amount {
        Some(a) => format!(
            "amount {} {}",
            p.currency.as_str(),
            crate::report::grouped(a, 2)
        ),
        None => "no amount".to_string(),
    });
    ui.label(RichText::new(parts.join(" · ")).weak());
}

fn row_details(
    ui: &mut Ui,
    state: &AppState,
    r: &RowView,
    view: &mut PurchasesView,
    cmds: &mut Vec<Command>,
) {
    // Close first, then the row's source and product wrapped: a long name never widens the
    // panel over the table's figures
    ui.horizontal(|ui| {
        if ui.button("Close").clicked() {
            cmds.push(Command::SelectRow(None));
        }
        ui.add(
            egui::Label::new(RichText::new(format!("{} line {}", r.file, r.line_no)).strong())
                .truncate(),
        );
    });
    ui.add(
        egui::Label::new(if r.product.is_empty() {
            &*r.why
        } else {
            &*r.product
        })
        .wrap(),
    );
    if let Some(i) = state.selected_row {
        row_values(ui, state, i);
    }
    if r.waits_for_rate
        && let Some(c) = r.currency
    {
        ui.label(
            RichText::new(format!(
                "⚠ Its revenue waits for a {c} rate: add one in Settings."
            ))
            .color(widgets::status_color(ui, Some(false))),
        );
    }
    let Some(key) = r.catalog_key() else {
        // said above when the row has no product (a summary, not-invoiced or rejected row)
        if !r.product.is_empty() {
            ui.label(&*r.why);
        }
        if state
            .selected_row
            .and_then(|i| state.derived.as_ref().ok()?.session.set.rows.get(i))
            .is_some_and(|row| row.purchase.is_none())
        {
            ui.label(
                RichText::new(format!(
                    "The workspace keeps the values of purchases only: this row's are in {} at line {}.",
                    r.file, r.line_no
                ))
                .weak(),
            );
        }
        return;
    };
    ui.label(format!(
        "Classified as {}: {}",
        r.line.map_or("", |l| l.name()),
        r.why
    ));
    let current = state.workspace.catalog.get(key).cloned();
    ui.horizontal_wrapped(|ui| {
        ui.label(format!("'{key}':"));
        for l in ProductLine::ALL {
            let on = r.line == Some(l);
            // framed: they read as the buttons they are, the current line highlighted
            if ui
                .add(
                    egui::Button::new(format!("Classify as {}", l.name()))
                        .selected(on)
                        .frame(true),
                )
                .clicked()
                && !on
            {
                let components = current.as_ref().and_then(|c| c.components);
                cmds.push(Command::Edit(Edit::Catalog(
                    key.to_string(),
                    Some(CatalogEntry {
                        line: l,
                        components,
                    }),
                )));
            }
        }
        if current.is_some() && ui.button("Clear override").clicked() {
            cmds.push(Command::Edit(Edit::Catalog(key.to_string(), None)));
        }
    });
    if r.packaged_set || current.as_ref().is_some_and(|c| c.components.is_some()) {
        ui.horizontal(|ui| {
            let resp = widgets::labelled_text(ui, "Components per kit", &mut view.components, 48.0);
            let apply = ui.button("Set components").clicked()
                || (resp.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter)));
            if apply {
                let parsed = view.components.trim().parse::<u32>().map_err(|_| {
                    crate::money::limits::LimitError(
                        "components: a whole number from 1 to 10,000".into(),
                    )
                });
                view.components_error = match parsed
                    .and_then(|n| crate::money::limits::check_components(n).map(|()| n))
                {
                    Ok(n) => {
                        let line = r.line.unwrap_or(ProductLine::Courseware);
                        cmds.push(Command::Edit(Edit::Catalog(
                            key.to_string(),
                            Some(CatalogEntry {
                                line,
                                components: Some(n),
                            }),
                        )));
                        None
                    }
                    Err(e) => Some(e.to_string()),
                };
            }
            if let Some(e) = &view.components_error {
                ui.label(RichText::new(format!("⚠ {e}")).color(ui.visuals().warn_fg_color));
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::sync::Arc;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]

        /// The linear sorts give what the comparison sorts they replace gave.
        #[test]
        fn sorts_as_the_comparison_sorts(
            rows in proptest::collection::vec(
                (proptest::option::of(-1000i32..1000), 0usize..6, -50_000i64..50_000, 0u32..4),
                0..300,
            ),
            keep in any::<u64>(),
        ) {
            let texts: Vec<Arc<str>> = ["b", "a", "", "ab", "a", "B"].iter().map(|t| Arc::from(*t)).collect();
            let day0 = chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
            let dates: Vec<Option<chrono::NaiveDate>> = rows
                .iter()
                .map(|r| r.0.map(|d| day0 + chrono::Duration::days(i64::from(d))))
                .collect();
            let decimals: Vec<Decimal> = rows.iter().map(|r| Decimal::new(r.2, r.3)).collect();
            // a filtered subset, ascending, as the table's
            let idx: Vec<usize> = (0..rows.len()).filter(|i| keep >> (i % 64) & 1 == 1 || rows.len() < 8).collect();

            let mut a = idx.clone();
            sort_by_number(&mut a, |i| date_number(dates[i]));
            let mut b = idx.clone();
            b.sort_by_key(|&i| dates[i]);
            prop_assert_eq!(a, b);

            let mut a = idx.clone();
            sort_by_text(&mut a, |i| &texts[rows[i].1]);
            let mut b = idx.clone();
            b.sort_by(|&x, &y| texts[rows[x].1].cmp(&texts[rows[y].1]));
            prop_assert_eq!(a, b);

            let mut a = idx.clone();
            sort_by_decimal(&mut a, |i| decimals[i]);
            let mut b = idx.clone();
            b.sort_by_key(|&i| decimals[i]);
            prop_assert_eq!(a, b);

            let mut a = idx.clone();
            sort_by_number(&mut a, |i| signed(rows[i].2));
            let mut b = idx.clone();
            b.sort_by_key(|&i| rows[i].2);
            prop_assert_eq!(a, b);

            // order numbers that are all digits sort as numbers, no order first
            let numeric = ["", "999", "1000", " 42", "0007", "10"];
            let mut a = idx.clone();
            sort_by_order(&mut a, |i| numeric[rows[i].1]);
            let mut b = idx.clone();
            b.sort_by_key(|&i| numeric[rows[i].1].trim().parse::<u64>().ok());
            prop_assert_eq!(a, b);
            // others as texts
            let texts = ["SO-2", "SO-10", "", "A1", "SO-2 ", "999"];
            let any_text = idx.iter().any(|&i| !matches!(rows[i].1, 2 | 5));
            let mut a = idx.clone();
            sort_by_order(&mut a, |i| texts[rows[i].1]);
            let mut b = idx.clone();
            if any_text {
                b.sort_by(|&x, &y| texts[rows[x].1].trim().cmp(texts[rows[y].1].trim()));
            } else {
                b.sort_by_key(|&i| texts[rows[i].1].parse::<u64>().ok());
            }
            prop_assert_eq!(a, b);
        }

        /// Texts sort in byte order as a stable comparison sort gives it: short and long
        /// texts, shared prefixes longer than 8 bytes, zero bytes, ties.
        #[test]
        fn texts_sort_as_compared(
            texts in proptest::collection::vec(
                proptest::collection::vec(
                    proptest::sample::select(vec![0u8, b'a', b'b']),
                    0..24,
                ),
                0..300,
            ),
            prefix in 0usize..12,
            middle in proptest::collection::vec(proptest::bool::ANY, 0..300),
        ) {
            // after the prefix, some texts have a fixed 8 bytes, so they tie for a level more
            let texts: Vec<Vec<u8>> = texts
                .into_iter()
                .enumerate()
                .map(|(i, t)| {
                    let fixed: &[u8] = if middle.get(i).copied().unwrap_or(false) { b"AAAAAAAA" } else { b"" };
                    [&b"SO-2026-11-"[..prefix.min(11)], fixed, &t].concat()
                })
                .collect();
            let idx: Vec<usize> = (0..texts.len()).collect();
            let mut b = idx.clone();
            b.sort_by(|&x, &y| texts[x].cmp(&texts[y]));
            // linear passes down to single rows, and the comparisons for a few
            for small in [1, 3, 64] {
                let mut a = idx.clone();
                sort_by_bytes_from(&mut a, &|i| texts[i].as_slice(), small);
                prop_assert_eq!(&a, &b);
            }
        }
    }

    /// A table too large to sort within a frame (here: any) is sorted on a worker thread; until
    /// its order arrives the rows keep the order they had, and then they are in the order the
    /// frame's own sort gives, in both directions.
    #[test]
    fn a_large_table_sorts_on_a_worker_as_in_the_frame() {
        let ws = crate::workspace::file::parse(crate::ui::DEMO_WORKSPACE.as_bytes(), "demo.ron")
            .unwrap();
        let day = chrono::NaiveDate::from_ymd_opt(2026, 11, 26).unwrap();
        let derived = Arc::new(Derived::compute(&ws, day, None, None).unwrap());
        let ctx = egui::Context::default();
        let file_order: Vec<usize> = (0..derived.rows.len()).collect();
        let columns = [
            SortKey::Date,
            SortKey::Order,
            SortKey::Part,
            SortKey::Product,
            SortKey::Line,
            SortKey::Kits,
            SortKey::Kpi,
            SortKey::Revenue,
            SortKey::Fate,
        ];
        let mut worker = PurchasesView {
            inline_sort_rows: Some(0),
            ..PurchasesView::default()
        };
        assert_eq!(worker.visible(&derived, 1, &ctx).rows, file_order);
        let mut before = file_order.clone();
        for column in columns {
            for desc in [false, true] {
                let mut inline = PurchasesView {
                    sort: (column, desc),
                    ..PurchasesView::default()
                };
                let want = inline.visible(&derived, 1, &ctx).rows.clone();
                assert!(!inline.sorting());
                worker.sort = (column, desc);
                let first = worker.visible(&derived, 1, &ctx).rows.clone();
                if !desc {
                    // a new column: sorted on the worker, the rows as they were meanwhile
                    assert!(worker.sorting(), "{column:?}");
                    assert_eq!(first, before, "{column:?}");
                }
                let until = std::time::Instant::now() + std::time::Duration::from_secs(20);
                while worker.sorting() {
                    assert!(
                        std::time::Instant::now() < until,
                        "{column:?} never arrives"
                    );
                    std::thread::sleep(std::time::Duration::from_millis(1));
                    worker.visible(&derived, 1, &ctx);
                }
                assert_eq!(
                    worker.visible(&derived, 1, &ctx).rows,
                    want,
                    "{column:?} {desc}"
                );
                before = want;
            }
        }
    }

    /// Texts nested in each other 8 bytes at a time (each range sorted leaves one more to
    /// sort): sorted right, and without a recursion as deep as the texts are long.
    #[test]
    fn nested_texts_sort_as_compared() {
        let texts: Vec<Vec<u8>> = (0..1000)
            .map(|k: usize| [vec![b'a'; (k * 7919) % 1000 * 8], b"X".to_vec()].concat())
            .collect();
        let mut b: Vec<usize> = (0..texts.len()).collect();
        b.sort_by(|&x, &y| texts[x].cmp(&texts[y]));
        for small in [1, 64] {
            let mut a: Vec<usize> = (0..texts.len()).collect();
            sort_by_bytes_from(&mut a, &|i| texts[i].as_slice(), small);
            assert_eq!(a, b);
        }
    }

    proptest! {
        #[test]
        fn sums_as_decimals_add(values in proptest::collection::vec((any::<i64>(), 0u32..6), 0..50)) {
            let values: Vec<Decimal> = values.iter().map(|&(m, s)| Decimal::new(m, s)).collect();
            let one_by_one = values.iter().fold(Decimal::ZERO, |a, &b| a + b);
            let mut sum = DecimalSum::default();
            values.iter().for_each(|&d| sum.add(d));
            let sum = sum.total().unwrap();
            prop_assert_eq!(sum, one_by_one);
            prop_assert_eq!(sum.scale(), one_by_one.scale());
        }
    }

    #[test]
    fn decimals_beyond_63_bits_sort_by_comparison() {
        let values = [
            Decimal::MAX,
            Decimal::new(-1, 28),
            Decimal::ONE,
            Decimal::MIN,
            Decimal::ZERO,
        ];
        let mut a: Vec<usize> = (0..values.len()).collect();
        sort_by_decimal(&mut a, |i| values[i]);
        assert_eq!(a, vec![3, 1, 4, 2, 0]);
    }
}
