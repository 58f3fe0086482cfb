//! Every change made to a workspace, as data: the window and the command line build an
//! [`Edit`], the core validates it with the loader's limits ([`crate::money::limits`]) and applies it,
//! and the inverse it returns undoes it. Whatever an edit leaves saves and opens again.

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::{Datelike, NaiveDateTime};

use super::model::{DashboardMonth, Partner, PlannedPurchase, ProfileChoice, Rate, StoredRow};
use super::model::{StoredFate, Workspace};
use crate::import::ImportedFile;
use crate::import::classify::CatalogEntry;
use crate::import::sniff::ColumnMapRepr;
use crate::money::limits::{self, LimitError};
use crate::rules::Month;
use crate::rules::capability::{Competency, Person};

/// A change to one of a workspace's lists.
#[derive(Debug, Clone, PartialEq)]
pub enum ListEdit<T> {
    /// Append.
    Add(T),
    /// Replace the item at an index.
    Replace(usize, T),
    /// Insert at an index (the inverse of a removal).
    Insert(usize, T),
    /// Remove the item at an index.
    Remove(usize),
}

/// Import batches to append: the files, their rows (whose `batch` counts from 0 within this
/// edit) and the column mappings chosen by hand for them.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportBatches {
    /// The files, in import order.
    pub files: Vec<ImportedFile>,
    /// Their rows, in import order; `batch` is the index in `files`.
    pub rows: Vec<StoredRow>,
    /// Mappings to remember (by header signature).
    pub mappings: BTreeMap<String, ColumnMapRepr>,
    /// Or, with `rows` empty, the rows made and checked ahead ([`PreparedRows`]).
    pub prepared: Option<PreparedRows>,
}

/// An import's rows made and checked ahead of the edit, on another thread than the one that
/// applies it (the window's worker), so that applying it makes no pass over the rows. When the
/// workspace's rows are still the ones it was made from, the edit moves them in: either the
/// new rows alone, or (made with `whole`) the workspace's whole list after the import, a copy
/// of its rows then the new ones, which replaces the list in one move instead of appending
/// to it. Otherwise its new rows are taken out and applied as an edit's `rows` are.
#[derive(Debug, Clone, PartialEq)]
pub struct PreparedRows {
    /// The workspace's rows it was made from. Held, so that the workspace's list cannot be
    /// changed in place meanwhile: a change makes a new list, which this is not.
    from: Arc<Vec<StoredRow>>,
    /// The workspace's number of import batches then (the new rows' batches count from it).
    batches: u32,
    /// The number of files of the import.
    files: usize,
    /// Whether `rows` begins with a copy of `from`'s rows.
    whole: bool,
    /// The new rows (after `from`'s when `whole`), checked, their batches counted from the
    /// workspace's first.
    rows: Vec<StoredRow>,
}

impl PreparedRows {
    /// Check the new `rows` of an import of `files` files (their `batch` counted from 0, as
    /// [`stored_rows`] makes them) as [`Workspace::apply`] would, for `workspace`. With
    /// `whole`, put a copy of the workspace's rows before them (memory for a second copy of
    /// those rows until the edit is applied; then the frame that applies it neither copies
    /// nor frees a row). Gives the rows back unchanged when one of them would be refused
    /// (applying them says which and why).
    pub fn make(
        workspace: &Workspace,
        files: usize,
        mut rows: Vec<StoredRow>,
        whole: bool,
    ) -> Result<Self, Vec<StoredRow>> {
        let Ok(batches) = u32::try_from(workspace.batches.len()) else {
            return Err(rows);
        };
        if rows.iter().any(|row| {
            row.batch as usize >= files
                || row.batch.checked_add(batches).is_none()
                || check_row(row).is_err()
        }) || (files > 0 && workspace.no_rows_without_their_batch().is_err())
        {
            return Err(rows);
        }
        for row in &mut rows {
            row.batch += batches;
        }
        let whole = whole && !workspace.rows.is_empty();
        if whole {
            let mut all = Vec::with_capacity(workspace.rows.len() + rows.len());
            all.extend(workspace.rows.iter().cloned());
            all.append(&mut rows);
            rows = all;
        }
        Ok(PreparedRows {
            from: Arc::clone(&workspace.rows),
            batches,
            files,
            whole,
            rows,
        })
    }

    /// Whether it was made from `workspace`'s rows as they are (and its imported files): the
    /// edit then moves its rows in without a pass over them.
    pub fn made_from(&self, workspace: &Workspace) -> bool {
        Arc::ptr_eq(&self.from, &workspace.rows) && self.batches as usize == workspace.batches.len()
    }

    /// Whether applying it to `workspace` replaces the workspace's list of rows (a non-empty
    /// one) with its own: the caller may then hold the old list, to free it elsewhere.
    pub fn replaces(&self, workspace: &Workspace) -> bool {
        self.whole && self.made_from(workspace)
    }

    /// The new rows, their `batch` counted from the import's first file again.
    fn into_new_rows(self) -> Vec<StoredRow> {
        let PreparedRows {
            from,
            batches,
            whole,
            mut rows,
            ..
        } = self;
        if whole {
            rows = rows.split_off(from.len().min(rows.len()));
        }
        for row in &mut rows {
            row.batch -= batches;
        }
        rows
    }
}

/// Every change the window or the command line makes to a workspace.
#[derive(Debug, Clone, PartialEq)]
pub enum Edit {
    /// Partner name, ID, level, anniversary.
    Partner(Partner),
    /// The program profile.
    Profile(ProfileChoice),
    /// People: trainers (MCT membership) and exam passes, one entry per person.
    People(ListEdit<Person>),
    /// Competencies and their exam rules.
    Competencies(ListEdit<Competency>),
    /// Exchange rates.
    Rates(ListEdit<Rate>),
    /// Planned purchases.
    Planned(ListEdit<PlannedPurchase>),
    /// Set (Some) or clear a catalog override by part number or product name.
    Catalog(String, Option<CatalogEntry>),
    /// Set (Some) or clear the official dashboard's figures for a month.
    Dashboard(Month, Option<DashboardMonth>),
    /// Replace the official dashboard's report lines (an import of the report, or clearing it).
    Official(Vec<crate::import::official::OfficialLine>),
    /// Append import batches.
    Import(Box<ImportBatches>),
    /// Remove the last `batches` import batches and their rows, and set the mappings back
    /// (the inverse of an import).
    Unimport {
        /// How many batches, from the end.
        batches: usize,
        /// Mappings to set back (None: remove).
        mappings: Vec<(String, Option<ColumnMapRepr>)>,
    },
    /// Remove one import batch and its rows.
    RemoveBatch(usize),
    /// Replace the whole workspace (restoring unsaved edits from a recovery file); checked as
    /// a loaded file is.
    Restore(Box<Workspace>),
    /// Put a removed batch back at its place (the inverse of [`Edit::RemoveBatch`]).
    RestoreBatch {
        /// Its index among the batches.
        index: usize,
        /// The file.
        file: Box<ImportedFile>,
        /// Its rows (their `batch` is `index`).
        rows: Vec<StoredRow>,
        /// Where its rows go among the workspace's rows.
        at_row: usize,
    },
}

/// An edit the core refused; the workspace is unchanged.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EditError {
    /// A value outside the limits the loader applies.
    #[error(transparent)]
    Limit(#[from] LimitError),
    /// An index that does not exist (the list changed meanwhile).
    #[error("there is no {what} number {index}")]
    NoSuchItem {
        /// The list.
        what: &'static str,
        /// The 1-based position asked for.
        index: usize,
    },
    /// Something else that cannot be.
    #[error("{0}")]
    Invalid(String),
}

impl Edit {
    /// Words for the log and the undo menu.
    pub fn describe(&self) -> String {
        fn list<T>(what: &str, e: &ListEdit<T>, name: impl Fn(&T) -> String) -> String {
            match e {
                ListEdit::Add(t) | ListEdit::Insert(_, t) => format!("add {what} {}", name(t)),
                ListEdit::Replace(_, t) => format!("edit {what} {}", name(t)),
                ListEdit::Remove(_) => format!("remove {what}"),
            }
        }
        match self {
            Edit::Partner(_) => "partner details".into(),
            Edit::Profile(_) => "program profile".into(),
            Edit::People(e) => list("person", e, |p| p.name.clone()),
            Edit::Competencies(e) => list("competency", e, |c| c.name.clone()),
            Edit::Rates(e) => list("rate", e, |r| r.currency.to_string()),
            Edit::Planned(e) => list("planned purchase", e, |p| {
                if p.description.trim().is_empty() {
                    format!("of {}", p.date)
                } else {
                    p.description.clone()
                }
            }),
            Edit::Catalog(k, Some(e)) => format!("classify {k} as {}", e.line.name()),
            Edit::Catalog(k, None) => format!("clear the classification of {k}"),
            Edit::Dashboard(m, Some(_)) => format!("dashboard figures for {}", m.label()),
            Edit::Dashboard(m, None) => format!("clear the dashboard figures for {}", m.label()),
            Edit::Official(lines) if lines.is_empty() => "clear the official report".into(),
            Edit::Official(lines) => format!(
                "official report of {} line{}",
                lines.len(),
                if lines.len() == 1 { "" } else { "s" }
            ),
            Edit::Import(b) => {
                let n = b.files.len();
                format!("import of {n} file{}", if n == 1 { "" } else { "s" })
            }
            Edit::Unimport { batches, .. } => format!(
                "remove {batches} imported file{}",
                if *batches == 1 { "" } else { "s" }
            ),
            Edit::RemoveBatch(_) => "remove an imported file".into(),
            Edit::Restore(_) => "restore unsaved edits".into(),
            Edit::RestoreBatch { file, .. } => format!("restore {}", file.name),
        }
    }
}

impl Edit {
    /// Words for the log, with what the edit changes in `before` (the workspace it applies
    /// to): the old and new value of an edited rate, the person or plan removed, the partner's
    /// details that change, the files imported ("EUR rate of every month: 1.08 → 1.10").
    pub fn describe_against(&self, before: &Workspace) -> String {
        fn rate(r: &Rate) -> String {
            format!(
                "{} rate of {}",
                r.currency,
                r.month.map_or("every month".to_string(), |m| m.label())
            )
        }
        fn plan(p: &PlannedPurchase) -> String {
            if p.description.trim().is_empty() {
                format!("of {}", p.date)
            } else {
                format!("'{}'", p.description)
            }
        }
        let day = |d: Option<chrono::NaiveDate>| d.map_or("none".to_string(), |d| d.to_string());
        match self {
            Edit::Partner(p) => {
                let was = &before.partner;
                let mut changed = Vec::new();
                if was.name != p.name {
                    changed.push(format!("name '{}' → '{}'", was.name, p.name));
                }
                if was.partner_id != p.partner_id {
                    changed.push(format!("ID '{}' → '{}'", was.partner_id, p.partner_id));
                }
                if was.level != p.level {
                    let level = |l: &Option<String>| l.clone().unwrap_or_else(|| "none".into());
                    changed.push(format!("level {} → {}", level(&was.level), level(&p.level)));
                }
                if was.anniversary != p.anniversary {
                    changed.push(format!(
                        "anniversary {} → {}",
                        day(was.anniversary),
                        day(p.anniversary)
                    ));
                }
                if changed.is_empty() {
                    self.describe()
                } else {
                    format!("partner {}", changed.join(", "))
                }
            }
            Edit::People(ListEdit::Remove(i)) => before
                .people
                .get(*i)
                .map_or_else(|| self.describe(), |p| format!("remove person {}", p.name)),
            Edit::Rates(ListEdit::Replace(i, r)) => match before.rates.get(*i) {
                Some(old) if rate(old) == rate(r) => {
                    format!("{}: {} → {}", rate(r), old.usd_per, r.usd_per)
                }
                Some(old) => format!(
                    "{} ({}) → {} ({})",
                    rate(old),
                    old.usd_per,
                    rate(r),
                    r.usd_per
                ),
                None => self.describe(),
            },
            Edit::Rates(ListEdit::Add(r) | ListEdit::Insert(_, r)) => {
                format!("add {}: {}", rate(r), r.usd_per)
            }
            Edit::Rates(ListEdit::Remove(i)) => before.rates.get(*i).map_or_else(
                || self.describe(),
                |r| format!("remove {} ({})", rate(r), r.usd_per),
            ),
            Edit::Planned(ListEdit::Remove(i)) => before.planned.get(*i).map_or_else(
                || self.describe(),
                |p| format!("remove planned purchase {}", plan(p)),
            ),
            Edit::Import(b) => {
                let names: Vec<&str> = b.files.iter().map(|f| f.name.as_str()).collect();
                match names.as_slice() {
                    [] => self.describe(),
                    [one] => format!("import of {one}"),
                    [a, b] => format!("import of {a} and {b}"),
                    [a, b, rest @ ..] => {
                        format!("import of {a}, {b} and {} more", rest.len())
                    }
                }
            }
            _ => self.describe(),
        }
    }
}

fn apply_list<T: Clone + PartialEq>(
    list: &mut Vec<T>,
    edit: ListEdit<T>,
    what: &'static str,
    check: impl Fn(&T) -> Result<(), EditError>,
) -> Result<Option<ListEdit<T>>, EditError> {
    let missing = |index: usize| EditError::NoSuchItem {
        what,
        index: index.saturating_add(1),
    };
    match edit {
        ListEdit::Add(t) => {
            check(&t)?;
            limits::check_list(what, list.len() + 1)?;
            list.push(t);
            Ok(Some(ListEdit::Remove(list.len() - 1)))
        }
        ListEdit::Insert(i, t) => {
            check(&t)?;
            limits::check_list(what, list.len() + 1)?;
            if i > list.len() {
                return Err(missing(i));
            }
            list.insert(i, t);
            Ok(Some(ListEdit::Remove(i)))
        }
        ListEdit::Replace(i, t) => {
            check(&t)?;
            let slot = list.get_mut(i).ok_or_else(|| missing(i))?;
            if *slot == t {
                return Ok(None);
            }
            let old = std::mem::replace(slot, t);
            Ok(Some(ListEdit::Replace(i, old)))
        }
        ListEdit::Remove(i) => {
            if i >= list.len() {
                return Err(missing(i));
            }
            Ok(Some(ListEdit::Insert(i, list.remove(i))))
        }
    }
}

fn no_check<T>(_: &T) -> Result<(), EditError> {
    Ok(())
}

fn check_row(row: &StoredRow) -> Result<(), EditError> {
    if let Some(p) = &row.purchase {
        limits::check_quantity("quantity", p.quantity)?;
        if let Some(a) = p.amount {
            limits::check_money("amount", a)?;
        }
        if let Some(c) = p.components {
            limits::check_components(c)?;
        }
    } else if matches!(row.fate, StoredFate::Kept | StoredFate::Duplicate) {
        return Err(EditError::Invalid(format!(
            "line {} is kept without its purchase",
            row.line
        )));
    }
    Ok(())
}

impl Workspace {
    /// Refuse to import into a workspace whose stored rows name an import batch it does not
    /// have (a hand edit): the next file's batch would take them as its own, and they would be
    /// counted as its purchases (they are rejected while their batch is missing).
    fn no_rows_without_their_batch(&self) -> Result<(), EditError> {
        let n = self.batches.len();
        let orphans: Vec<u32> = self
            .rows
            .iter()
            .filter(|r| r.batch as usize >= n)
            .map(|r| r.batch)
            .collect();
        match orphans.iter().min() {
            None => Ok(()),
            Some(first) => Err(EditError::Invalid(format!(
                "{} stored rows refer to import batch {}, which this workspace does not have (edited by hand?): a file imported now would take them as its own. Restore that batch in the file, or remove those rows, then import",
                orphans.len(),
                u64::from(*first) + 1
            ))),
        }
    }

    /// Apply `edit` after checking it with the limits the loader applies; returns the edit
    /// that undoes it, or None when it changed nothing. A refused edit changes nothing.
    pub fn apply(&mut self, edit: Edit) -> Result<Option<Edit>, EditError> {
        Ok(match edit {
            Edit::Partner(p) => {
                if let Some(a) = p.anniversary
                    && !crate::money::limits::plausible_year(a.year())
                {
                    return Err(EditError::Invalid(format!(
                        "the anniversary {a} is not a plausible date (a year from 1990 to 2199)"
                    )));
                }
                (self.partner != p).then(|| Edit::Partner(std::mem::replace(&mut self.partner, p)))
            }
            Edit::Profile(p) => {
                if let ProfileChoice::Custom(profile) = &p {
                    profile
                        .validate("the profile")
                        .map_err(|e| EditError::Invalid(e.to_string()))?;
                }
                (self.profile != p).then(|| Edit::Profile(std::mem::replace(&mut self.profile, p)))
            }
            Edit::People(e) => {
                apply_list(&mut self.people, e, "people", no_check)?.map(Edit::People)
            }
            Edit::Competencies(e) => {
                apply_list(&mut self.competencies, e, "competencies", no_check)?
                    .map(Edit::Competencies)
            }
            Edit::Rates(e) => {
                let others: Vec<Rate> = self.rates.clone();
                let target = match &e {
                    ListEdit::Replace(i, _) => Some(*i),
                    _ => None,
                };
                apply_list(&mut self.rates, e, "exchange rates", |r: &Rate| {
                    limits::check_rate(r.currency.as_str(), r.usd_per)?;
                    let clash = others.iter().enumerate().any(|(j, o)| {
                        Some(j) != target && o.currency == r.currency && o.month == r.month
                    });
                    if clash {
                        return Err(EditError::Invalid(format!(
                            "there is already a {} rate for {}",
                            r.currency,
                            r.month.map_or("every month".into(), |m| m.label())
                        )));
                    }
                    Ok(())
                })?
                .map(Edit::Rates)
            }
            Edit::Planned(e) => apply_list(&mut self.planned, e, "planned purchases", |p| {
                Workspace::check_planned(p).map_err(EditError::from)
            })?
            .map(Edit::Planned),
            Edit::Catalog(key, entry) => {
                if let Some(c) = entry.as_ref().and_then(|e| e.components) {
                    limits::check_components(c)?;
                }
                let old = match entry.clone() {
                    Some(e) => self.catalog.insert(key.clone(), e),
                    None => self.catalog.remove(&key),
                };
                (old != entry).then_some(Edit::Catalog(key, old))
            }
            Edit::Official(lines) => {
                if let Some(e) = Workspace::check_official(&lines) {
                    return Err(EditError::Invalid(e));
                }
                let old = std::mem::replace(&mut self.official, lines);
                (old != self.official).then_some(Edit::Official(old))
            }
            Edit::Dashboard(month, figures) => {
                if let Some(d) = &figures {
                    if d.month != month {
                        return Err(EditError::Invalid(format!(
                            "figures for {} given as {}",
                            d.month.label(),
                            month.label()
                        )));
                    }
                    Workspace::check_dashboard(d)?;
                }
                let at = self.dashboard.iter().position(|d| d.month == month);
                let old = at.map(|i| self.dashboard.remove(i));
                if let Some(d) = figures.clone() {
                    let i = self.dashboard.partition_point(|x| x.month < month);
                    self.dashboard.insert(i, d);
                }
                (old != figures).then_some(Edit::Dashboard(month, old))
            }
            Edit::Import(b) => {
                if b.files.is_empty() && b.mappings.is_empty() {
                    return Ok(None);
                }
                let base = u32::try_from(self.batches.len())
                    .map_err(|_| EditError::Invalid("too many imported files".into()))?;
                let ImportBatches {
                    files,
                    mut rows,
                    mappings,
                    prepared,
                } = *b;
                // rows made and checked ahead, on the workspace's rows as they still are,
                // are moved in with no pass over them
                let mut whole = false;
                let checked = match prepared {
                    Some(p) if p.made_from(self) && p.files == files.len() && rows.is_empty() => {
                        // `from` let go here: the list must not look shared to make_mut
                        whole = p.whole;
                        rows = p.rows;
                        true
                    }
                    Some(p) => {
                        let mut new_rows = p.into_new_rows();
                        new_rows.append(&mut rows);
                        rows = new_rows;
                        false
                    }
                    None => false,
                };
                // otherwise one pass over the rows (a million of them are 200 MB): checked,
                // and their batches counted from the workspace's first (a refused edit is
                // dropped whole)
                if !checked {
                    if !files.is_empty() {
                        self.no_rows_without_their_batch()?;
                    }
                    for row in &mut rows {
                        if row.batch as usize >= files.len() {
                            return Err(EditError::Invalid(format!(
                                "line {} refers to no file of the import",
                                row.line
                            )));
                        }
                        check_row(row)?;
                        row.batch += base;
                    }
                }
                let n = files.len();
                let undo_mappings = mappings
                    .keys()
                    .map(|k| (k.clone(), self.mappings.get(k).cloned()))
                    .collect();
                self.mappings.extend(mappings);
                self.batches.extend(files);
                if whole || self.rows.is_empty() {
                    // the whole list made ahead, or the first import: the rows become the
                    // workspace's, not copied
                    self.rows = Arc::new(rows);
                } else {
                    let all = Arc::make_mut(&mut self.rows);
                    all.reserve_exact(rows.len());
                    all.extend(rows);
                }
                Some(Edit::Unimport {
                    batches: n,
                    mappings: undo_mappings,
                })
            }
            Edit::Unimport { batches, mappings } => {
                if batches == 0 && mappings.is_empty() {
                    return Ok(None);
                }
                if batches > self.batches.len() {
                    return Err(EditError::NoSuchItem {
                        what: "imported files",
                        index: batches,
                    });
                }
                let first = self.batches.len() - batches;
                let files: Vec<ImportedFile> = self.batches.drain(first..).collect();
                let rows_vec = Arc::make_mut(&mut self.rows);
                let keep = rows_vec.partition_point(|r| (r.batch as usize) < first);
                let mut rows: Vec<StoredRow> = rows_vec.drain(keep..).collect();
                for r in &mut rows {
                    r.batch -= first as u32;
                }
                let mut redo_mappings = BTreeMap::new();
                for (key, value) in mappings {
                    let now = match value {
                        Some(v) => self.mappings.insert(key.clone(), v),
                        None => self.mappings.remove(&key),
                    };
                    if let Some(now) = now {
                        redo_mappings.insert(key, now);
                    }
                }
                Some(Edit::Import(Box::new(ImportBatches {
                    files,
                    rows,
                    mappings: redo_mappings,
                    prepared: None,
                })))
            }
            Edit::Restore(ws) => {
                if let Some(message) = ws.implausible() {
                    return Err(EditError::Invalid(message));
                }
                (*self != *ws).then(|| Edit::Restore(Box::new(std::mem::replace(self, *ws))))
            }
            Edit::RemoveBatch(index) => {
                if index >= self.batches.len() {
                    return Err(EditError::NoSuchItem {
                        what: "imported files",
                        index: index.saturating_add(1),
                    });
                }
                let file = self.batches.remove(index);
                let rows_vec = Arc::make_mut(&mut self.rows);
                let at_row = rows_vec
                    .iter()
                    .position(|r| r.batch as usize >= index)
                    .unwrap_or(rows_vec.len());
                let mut rows = Vec::new();
                rows_vec.retain(|r| {
                    if r.batch as usize == index {
                        rows.push(r.clone());
                        false
                    } else {
                        true
                    }
                });
                for r in rows_vec.iter_mut().filter(|r| r.batch as usize > index) {
                    r.batch -= 1;
                }
                Some(Edit::RestoreBatch {
                    index,
                    file: Box::new(file),
                    rows,
                    at_row,
                })
            }
            Edit::RestoreBatch {
                index,
                file,
                rows,
                at_row,
            } => {
                if index > self.batches.len() || at_row > self.rows.len() {
                    return Err(EditError::NoSuchItem {
                        what: "imported files",
                        index: index.saturating_add(1),
                    });
                }
                for row in &rows {
                    if row.batch as usize != index {
                        return Err(EditError::Invalid(format!(
                            "line {} belongs to another file",
                            row.line
                        )));
                    }
                    check_row(row)?;
                }
                self.batches.insert(index, *file);
                let rows_vec = Arc::make_mut(&mut self.rows);
                for r in rows_vec.iter_mut().filter(|r| r.batch as usize >= index) {
                    r.batch += 1;
                }
                rows_vec.splice(at_row..at_row, rows);
                Some(Edit::RemoveBatch(index))
            }
        })
    }

    /// The edit that imports the files of `set` from index `first_new` on (and their rows) as
    /// new batches imported at `now`, with `mappings` remembered. `set` must be this
    /// workspace's rows plus those files (as [`Workspace::import_set`] then
    /// [`crate::import::ImportSet::add_with`] give).
    pub fn import_edit(
        &self,
        set: &crate::import::ImportSet,
        first_new: usize,
        now: NaiveDateTime,
        mappings: BTreeMap<String, ColumnMapRepr>,
    ) -> Edit {
        let rows = Err(stored_rows(set, first_new));
        self.import_edit_with(set, first_new, rows, now, mappings)
    }

    /// [`Workspace::import_edit`] with the rows made already ([`stored_rows`] of the same
    /// `set` and `first_new`, and [`PreparedRows::make`] of them when Ok): the window makes
    /// them on a worker thread with the import preview, as a million of them take a third of
    /// a second, and the frame that applies the edit then moves them in one piece.
    pub fn import_edit_with(
        &self,
        set: &crate::import::ImportSet,
        first_new: usize,
        rows: Result<PreparedRows, Vec<StoredRow>>,
        now: NaiveDateTime,
        mappings: BTreeMap<String, ColumnMapRepr>,
    ) -> Edit {
        let (rows, prepared) = match rows {
            Ok(prepared) => (Vec::new(), Some(prepared)),
            Err(rows) => (rows, None),
        };
        let files = set
            .files
            .iter()
            .skip(first_new)
            .map(|file| {
                let mut file = file.clone();
                file.imported_at = Some(now);
                file
            })
            .collect();
        Edit::Import(Box::new(ImportBatches {
            files,
            rows,
            mappings,
            prepared,
        }))
    }
}

/// The rows of `set`'s files from index `first_new` on, as a workspace stores them (`batch`
/// counted from the first of those files), in file order.
pub fn stored_rows(set: &crate::import::ImportSet, first_new: usize) -> Vec<StoredRow> {
    // room for every row at once: a million rows are not copied as the list grows
    let new_rows = set
        .rows
        .iter()
        .filter(|r| r.file as usize >= first_new)
        .count();
    let mut rows = Vec::with_capacity(new_rows);
    for index in first_new..set.files.len() {
        let batch = (index - first_new) as u32;
        rows.extend(
            set.rows
                .iter()
                .filter(|r| r.file as usize == index)
                .map(|row| StoredRow::from_import(batch, row, set)),
        );
    }
    rows
}
