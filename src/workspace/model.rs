//! The workspace document: everything an administrator builds up over a renewal year (partner,
//! roster, exam passes, imports with every row, catalog fixes, rates, scenario, the official
//! dashboard's figures), as plain serde data with stable order and exact decimals.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::{NaiveDate, NaiveDateTime};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::import::classify::{Catalog, CatalogEntry};
use crate::import::rows::{ParsedRow, RowOutcome};
use crate::import::sniff::ColumnMapRepr;
use crate::import::values::Currency;
use crate::import::{
    AddOptions, Added, Export, Fate, ImportCounts, ImportError, ImportRules, ImportSet,
    ImportedFile,
};
use crate::money::Rates;
use crate::profile::{ProductLine, Profile, ProfileError};
use crate::rules::capability::{Competency, Person};
use crate::rules::forecast::PlannedFigures;
use crate::rules::window::Month;

/// A map read from a workspace whose keys must differ: a hand edit giving one twice is
/// refused with the file's line, never read as its last value with the first dropped.
pub fn unique_keys<'de, D, V>(d: D) -> Result<BTreeMap<String, V>, D::Error>
where
    D: serde::Deserializer<'de>,
    V: Deserialize<'de>,
{
    struct Keys<V>(std::marker::PhantomData<V>);
    impl<'de, V: Deserialize<'de>> serde::de::Visitor<'de> for Keys<V> {
        type Value = BTreeMap<String, V>;
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("a map")
        }
        fn visit_map<A: serde::de::MapAccess<'de>>(
            self,
            mut map: A,
        ) -> Result<Self::Value, A::Error> {
            let mut out = BTreeMap::new();
            while let Some((key, value)) = map.next_entry::<String, V>()? {
                if out.contains_key(&key) {
                    return Err(serde::de::Error::custom(format!(
                        "\"{key}\" is given twice: keep one"
                    )));
                }
                out.insert(key, value);
            }
            Ok(out)
        }
    }
    d.deserialize_map(Keys(std::marker::PhantomData))
}

/// The format version this build writes (2: trainers and people in one list; 3: rows as
/// tuples with a products table; older files migrate on load, see [`super::migrate`]).
pub const FORMAT_VERSION: u32 = 3;

/// The partner whose renewal the workspace tracks.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
#[serde(deny_unknown_fields)]
pub struct Partner {
    /// Company name.
    pub name: String,
    /// Microsoft partner ID (PartnerID / MPN ID).
    pub partner_id: String,
    /// Current level id ("gold", "silver", "lap").
    pub level: Option<String>,
    /// The upcoming anniversary (never rolled forward by the app).
    pub anniversary: Option<NaiveDate>,
}

/// Which program profile the workspace uses.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub enum ProfileChoice {
    /// The profile built into this release.
    #[default]
    Builtin,
    /// A profile kept in the workspace (edited, or for another program year).
    Custom(Box<Profile>),
}

/// A row as stored: its source, its import-time fate, and the purchase it holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StoredRow {
    /// Index of its import batch.
    pub batch: u32,
    /// 1-based line in the file (row in a sheet).
    pub line: u32,
    /// Import-time fate.
    pub fate: StoredFate,
    /// The purchase, for kept and duplicate rows.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub purchase: Option<StoredPurchase>,
}

/// Import-time fates as stored (window and rate fates are decided at report time).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum StoredFate {
    /// A purchase.
    Kept,
    /// A duplicate of an earlier row.
    Duplicate,
    /// A total row.
    Summary,
    /// Not invoiced.
    NotInvoiced,
    /// Rejected, with the reason.
    Rejected(String),
}

/// A purchase as stored: normalized text and exact decimals.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StoredPurchase {
    /// Purchase date.
    pub date: NaiveDate,
    /// Order id.
    #[serde(default)]
    pub order: String,
    /// Line id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line_id: Option<String>,
    /// Part number.
    #[serde(default)]
    pub part: String,
    /// Product name.
    #[serde(default)]
    pub name: String,
    /// Product type cell.
    #[serde(default)]
    pub kind: String,
    /// Quantity as written.
    pub quantity: i64,
    /// Components from the file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub components: Option<u32>,
    /// Amount as written, in cents.
    #[serde(default, with = "rust_decimal::serde::str_option")]
    pub amount: Option<Decimal>,
    /// Currency.
    pub currency: Currency,
}

/// An exchange rate entered by the administrator.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rate {
    /// Currency.
    pub currency: Currency,
    /// The month it applies to (None: every month without its own rate).
    #[serde(default)]
    pub month: Option<Month>,
    /// USD per unit of the currency.
    #[serde(with = "rust_decimal::serde::str")]
    pub usd_per: Decimal,
}

/// A planned purchase (the forecast's scenario; never an actual).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlannedPurchase {
    /// When it is planned.
    pub date: NaiveDate,
    /// What it is.
    #[serde(default)]
    pub description: String,
    /// Product line.
    pub line: ProductLine,
    /// Kits (× components for sets).
    pub kits: i64,
    /// Expected revenue in USD.
    #[serde(with = "rust_decimal::serde::str")]
    pub amount_usd: Decimal,
}

impl PlannedPurchase {
    /// What it would add, valued with the profile: its kits' KPI units, and its amount when its
    /// line's revenue counts.
    pub fn figures(&self, profile: &Profile) -> PlannedFigures {
        let value = profile.line_value(self.line);
        PlannedFigures {
            date: self.date,
            kpi_units: Decimal::from(self.kits).saturating_mul(value.kpi_per_kit),
            revenue_usd: if value.revenue {
                self.amount_usd
            } else {
                Decimal::ZERO
            },
        }
    }
}

/// A month of the official KPI dashboard, typed or imported, for reconciliation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DashboardMonth {
    /// The month.
    pub month: Month,
    /// KPI units the dashboard shows for the month.
    #[serde(default, with = "rust_decimal::serde::str_option")]
    pub kpi_units: Option<Decimal>,
    /// Revenue the dashboard shows for the month.
    #[serde(default, with = "rust_decimal::serde::str_option")]
    pub revenue_usd: Option<Decimal>,
}

/// The workspace: one RON file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
#[serde(deny_unknown_fields)]
pub struct Workspace {
    /// Format version of the file.
    pub version: u32,
    /// The partner.
    pub partner: Partner,
    /// The program profile.
    pub profile: ProfileChoice,
    /// Competencies with the Learning Option and their exam rules.
    pub competencies: Vec<Competency>,
    /// People: trainers (with their MCT membership) and everyone with exam passes, once each.
    pub people: Vec<Person>,
    /// Import batches, in import order.
    pub batches: Vec<ImportedFile>,
    /// Every row of every batch, in import order (shared: a snapshot of the workspace, for
    /// undo or a recompute on another thread, does not copy the rows).
    pub rows: Arc<Vec<StoredRow>>,
    /// Catalog overrides by part number or exact product name.
    #[serde(deserialize_with = "unique_keys")]
    pub catalog: BTreeMap<String, CatalogEntry>,
    /// Exchange rates.
    pub rates: Vec<Rate>,
    /// Planned purchases.
    pub planned: Vec<PlannedPurchase>,
    /// The official dashboard's monthly figures.
    pub dashboard: Vec<DashboardMonth>,
    /// The official dashboard's report, line by line (invoice, product type), imported for
    /// reconciliation; where a month has lines, they stand for it rather than typed figures.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub official: Vec<crate::import::official::OfficialLine>,
    /// Column mappings chosen by hand, by header signature (the window remembers them).
    #[serde(deserialize_with = "unique_keys")]
    pub mappings: BTreeMap<String, ColumnMapRepr>,
}

impl Default for Workspace {
    fn default() -> Workspace {
        Workspace {
            version: FORMAT_VERSION,
            partner: Partner::default(),
            profile: ProfileChoice::Builtin,
            competencies: Vec::new(),
            people: Vec::new(),
            batches: Vec::new(),
            rows: Arc::default(),
            catalog: BTreeMap::new(),
            rates: Vec::new(),
            planned: Vec::new(),
            dashboard: Vec::new(),
            official: Vec::new(),
            mappings: BTreeMap::new(),
        }
    }
}

/// What importing one file into a workspace did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImportOutcome {
    /// Imported: rows per fate.
    Imported {
        /// File name.
        file: String,
        /// Rows per fate.
        counts: ImportCounts,
        /// Warnings about the file.
        warnings: Vec<String>,
    },
    /// The same bytes were imported before: nothing changed.
    AlreadyImported {
        /// File name now.
        file: String,
        /// Name it was imported under.
        first: String,
        /// When.
        at: Option<NaiveDateTime>,
    },
}

impl StoredPurchase {
    fn from_parsed(p: &ParsedRow<'_>) -> StoredPurchase {
        StoredPurchase {
            date: p.date,
            order: p.order_id.to_string(),
            line_id: p.line_id.as_ref().map(|l| l.to_string()),
            part: p.part.to_string(),
            name: p.name.to_string(),
            kind: p.kind.to_string(),
            quantity: p.quantity,
            components: p.components,
            amount: p.amount,
            currency: p.currency,
        }
    }

    fn as_parsed(&self) -> ParsedRow<'_> {
        ParsedRow {
            date: self.date,
            order_id: Cow::Borrowed(&self.order),
            line_id: self.line_id.as_deref().map(Cow::Borrowed),
            part: Cow::Borrowed(&self.part),
            name: Cow::Borrowed(&self.name),
            kind: Cow::Borrowed(&self.kind),
            quantity: self.quantity,
            components: self.components,
            amount: self.amount,
            currency: self.currency,
        }
    }
}

impl Workspace {
    /// A new workspace for a partner.
    pub fn new(name: &str, level: Option<&str>, anniversary: Option<NaiveDate>) -> Workspace {
        Workspace {
            partner: Partner {
                name: name.to_string(),
                partner_id: String::new(),
                level: level.map(str::to_string),
                anniversary,
            },
            ..Workspace::default()
        }
    }

    /// The program profile in use.
    pub fn profile(&self) -> Result<Profile, ProfileError> {
        match &self.profile {
            ProfileChoice::Builtin => Profile::builtin(),
            ProfileChoice::Custom(p) => {
                p.validate("the workspace's profile")?;
                Ok((**p).clone())
            }
        }
    }

    /// The catalog overrides.
    pub fn catalog(&self) -> Catalog {
        Catalog {
            entries: self.catalog.clone(),
        }
    }

    /// What replacing this workspace by `other` would change, a line per part, in words (for
    /// the window's offer to restore unsaved edits). Empty when they are equal.
    pub fn differences(&self, other: &Workspace) -> Vec<String> {
        fn list<T: PartialEq + std::fmt::Debug>(
            what: &str,
            a: &[T],
            b: &[T],
            out: &mut Vec<String>,
        ) {
            if a == b {
                return;
            }
            // the items both lists begin and end with are in both; what is left between is
            // compared item by item when small, else by their text (100,000 official lines
            // each took minutes item by item)
            let head = a.iter().zip(b).take_while(|(x, y)| x == y).count();
            let (a, b) = (&a[head..], &b[head..]);
            let tail = a
                .iter()
                .rev()
                .zip(b.iter().rev())
                .take_while(|(x, y)| x == y)
                .count();
            let (a, b) = (&a[..a.len() - tail], &b[..b.len() - tail]);
            let (added, removed) = if a.len().saturating_mul(b.len()) <= 1 << 20 {
                (
                    b.iter().filter(|x| !a.contains(x)).count(),
                    a.iter().filter(|x| !b.contains(x)).count(),
                )
            } else {
                let text = |l: &[T]| -> std::collections::HashSet<String> {
                    l.iter().map(|x| format!("{x:?}")).collect()
                };
                let (in_a, in_b) = (text(a), text(b));
                (
                    b.iter()
                        .filter(|x| !in_a.contains(&format!("{x:?}")))
                        .count(),
                    a.iter()
                        .filter(|x| !in_b.contains(&format!("{x:?}")))
                        .count(),
                )
            };
            let mut parts = Vec::new();
            if added > 0 {
                parts.push(format!("{added} added or changed"));
            }
            if removed > 0 {
                parts.push(format!("{removed} removed or changed"));
            }
            if parts.is_empty() {
                parts.push("reordered".into());
            }
            out.push(format!("{what}: {}", parts.join(", ")));
        }
        let mut out = Vec::new();
        let (a, b) = (&self.partner, &other.partner);
        if a.name != b.name {
            out.push(format!("partner name: '{}' → '{}'", a.name, b.name));
        }
        if a.partner_id != b.partner_id {
            out.push(format!(
                "partner ID: '{}' → '{}'",
                a.partner_id, b.partner_id
            ));
        }
        if a.level != b.level {
            let name = |l: &Option<String>| l.clone().unwrap_or_else(|| "none".into());
            out.push(format!("level: {} → {}", name(&a.level), name(&b.level)));
        }
        if a.anniversary != b.anniversary {
            let day = |d: Option<NaiveDate>| d.map_or("none".into(), |d| d.to_string());
            out.push(format!(
                "anniversary: {} → {}",
                day(a.anniversary),
                day(b.anniversary)
            ));
        }
        if self.profile != other.profile {
            out.push("program profile changed".into());
        }
        list(
            "people (trainers and exam passes)",
            &self.people,
            &other.people,
            &mut out,
        );
        list(
            "competencies",
            &self.competencies,
            &other.competencies,
            &mut out,
        );
        let catalog_a: Vec<_> = self.catalog.iter().collect();
        let catalog_b: Vec<_> = other.catalog.iter().collect();
        list("product classifications", &catalog_a, &catalog_b, &mut out);
        list("exchange rates", &self.rates, &other.rates, &mut out);
        list("planned purchases", &self.planned, &other.planned, &mut out);
        list(
            "dashboard months",
            &self.dashboard,
            &other.dashboard,
            &mut out,
        );
        list(
            "official report lines",
            &self.official,
            &other.official,
            &mut out,
        );
        let files =
            |w: &Workspace| -> Vec<String> { w.batches.iter().map(|b| b.name.clone()).collect() };
        let (fa, fb) = (files(self), files(other));
        let gone: Vec<&str> = fa
            .iter()
            .filter(|f| !fb.contains(f))
            .map(String::as_str)
            .collect();
        let new: Vec<&str> = fb
            .iter()
            .filter(|f| !fa.contains(f))
            .map(String::as_str)
            .collect();
        if !gone.is_empty() {
            out.push(format!(
                "imported files removed: {} ({} rows now, {} after)",
                gone.join(", "),
                self.rows.len(),
                other.rows.len()
            ));
        }
        if !new.is_empty() {
            out.push(format!("imported files added: {}", new.join(", ")));
        }
        if out.is_empty() && self != other {
            out.push("other details (column mappings, stored rows)".into());
        }
        out
    }

    /// Values no export, rate or plan can plausibly hold (they would only overflow the sums):
    /// the first one found, in words. The window checks each edit with the same limits
    /// ([`crate::money::limits`]), so whatever it accepts saves and opens again.
    pub fn implausible(&self) -> Option<String> {
        use crate::money::limits;
        use chrono::Datelike;
        let first = |r: Result<(), limits::LimitError>| r.err().map(|e| e.0);
        // as an edit or the command line would refuse it: the window's index is kept in range
        if let Some(a) = self.partner.anniversary
            && !limits::plausible_year(a.year())
        {
            return Some(format!(
                "the anniversary {a} is not a plausible date (a year from 1990 to 2199)"
            ));
        }
        for r in &self.rates {
            if let Some(e) = first(limits::check_rate(r.currency.as_str(), r.usd_per)) {
                return Some(e);
            }
        }
        if let Some(e) = first(limits::check_list("planned purchases", self.planned.len())) {
            return Some(e);
        }
        for p in &self.planned {
            if let Some(e) = first(Self::check_planned(p)) {
                return Some(format!("the planned purchase '{}': {e}", p.description));
            }
        }
        for d in &self.dashboard {
            if let Some(e) = first(Self::check_dashboard(d)) {
                return Some(format!("the dashboard figures of {}: {e}", d.month.label()));
            }
        }
        // given twice (by hand), one would be read and the other never shown
        let mut months: Vec<Month> = self.dashboard.iter().map(|d| d.month).collect();
        months.sort();
        if let Some(w) = months.windows(2).find(|w| w[0] == w[1]) {
            return Some(format!(
                "the dashboard figures of {} are given twice: keep one",
                w[0].label()
            ));
        }
        let mut rates: Vec<(&str, Option<Month>)> = self
            .rates
            .iter()
            .map(|r| (r.currency.as_str(), r.month))
            .collect();
        rates.sort();
        if let Some(w) = rates.windows(2).find(|w| w[0] == w[1]) {
            return Some(format!(
                "the {} rate of {} is given twice: keep one",
                w[0].0,
                w[0].1.map_or("every month".to_string(), |m| m.label())
            ));
        }
        if let Some(e) = Self::check_official(&self.official) {
            return Some(e);
        }
        for (key, e) in &self.catalog {
            if let Some(e) = e
                .components
                .and_then(|c| first(limits::check_components(c)))
            {
                return Some(format!("the catalog entry '{key}': {e}"));
            }
        }
        for (i, row) in self.rows.iter().enumerate() {
            if let Some(p) = &row.purchase
                && (p.quantity.unsigned_abs() > limits::MAX_QUANTITY
                    || p.amount
                        .is_some_and(|a| limits::check_money("", a).is_err())
                    || p.components
                        .is_some_and(|c| limits::check_components(c).is_err()))
            {
                return Some(format!(
                    "stored row {} (line {}) has implausible figures",
                    i + 1,
                    row.line
                ));
            }
        }
        None
    }

    /// A planned purchase within the limits (kits and revenue).
    pub fn check_planned(p: &PlannedPurchase) -> Result<(), crate::money::limits::LimitError> {
        crate::money::limits::check_quantity("planned kits", p.kits)?;
        crate::money::limits::check_money("planned revenue", p.amount_usd)
    }

    /// The official report's lines within the limits: the first problem, in words.
    pub fn check_official(lines: &[crate::import::official::OfficialLine]) -> Option<String> {
        use crate::money::limits;
        if let Err(e) = limits::check_list("official report lines", lines.len()) {
            return Some(e.0);
        }
        lines.iter().find_map(|l| {
            limits::check_money("KPI units", l.kpi_units)
                .and_then(|()| limits::check_money("revenue", l.revenue_usd))
                .err()
                .map(|e| {
                    format!(
                        "the official report's line of invoice '{}': {}",
                        l.invoice, e.0
                    )
                })
        })
    }

    /// Official dashboard figures within the limits.
    pub fn check_dashboard(d: &DashboardMonth) -> Result<(), crate::money::limits::LimitError> {
        if let Some(v) = d.kpi_units {
            crate::money::limits::check_money("KPI units", v)?;
        }
        if let Some(v) = d.revenue_usd {
            crate::money::limits::check_money("revenue", v)?;
        }
        Ok(())
    }

    /// Whether anyone holds an MCT membership (is a trainer on the roster).
    pub fn has_trainers(&self) -> bool {
        self.people.iter().any(|p| p.mct.is_some())
    }

    /// Whether the reports show trainers and exam rules: there are trainers or competencies
    /// (else the capability figures are not known, not zero).
    pub fn has_roster(&self) -> bool {
        self.has_trainers() || !self.competencies.is_empty()
    }

    /// The partner's name as the reports print it (None when it is empty).
    pub fn partner_name(&self) -> Option<&str> {
        Some(self.partner.name.as_str()).filter(|n| !n.is_empty())
    }

    /// The exchange rates.
    pub fn rates(&self) -> Rates {
        let mut rates = Rates::default();
        for r in &self.rates {
            match r.month {
                Some(m) => {
                    rates.monthly.insert((r.currency, m), r.usd_per);
                }
                None => {
                    rates.usd_per.insert(r.currency, r.usd_per);
                }
            }
        }
        rates
    }

    /// Planned purchases valued with the profile.
    pub fn planned_figures(&self, profile: &Profile) -> Vec<PlannedFigures> {
        self.planned.iter().map(|p| p.figures(profile)).collect()
    }

    /// The imported rows as an [`ImportSet`], rebuilt from the stored rows (duplicates decided
    /// again by the same rule, so the set equals what importing the files gave).
    pub fn import_set(&self) -> ImportSet {
        let mut set = ImportSet::new();
        let mut per_batch: Vec<Vec<(u32, RowOutcome<'_>)>> = vec![Vec::new(); self.batches.len()];
        let mut orphans = Vec::new();
        for row in self.rows.iter() {
            let outcome = match (&row.fate, &row.purchase) {
                (StoredFate::Summary, _) => RowOutcome::Summary,
                (StoredFate::NotInvoiced, _) => RowOutcome::NotInvoiced,
                (StoredFate::Rejected(reason), _) => RowOutcome::Rejected(reason.clone()),
                (StoredFate::Kept | StoredFate::Duplicate, Some(p)) => {
                    RowOutcome::Purchase(p.as_parsed())
                }
                (StoredFate::Kept | StoredFate::Duplicate, None) => {
                    RowOutcome::Rejected("the stored row has lost its purchase data".into())
                }
            };
            match per_batch.get_mut(row.batch as usize) {
                Some(rows) => rows.push((row.line, outcome)),
                None => orphans.push((
                    row.line,
                    RowOutcome::Rejected(format!(
                        "the stored row refers to import batch {}, which does not exist",
                        row.batch
                    )),
                )),
            }
        }
        for (batch, rows) in self.batches.iter().zip(per_batch) {
            set.restore(batch.clone(), rows);
        }
        if !orphans.is_empty() {
            // rows a hand edit separated from their batch: never silently out of the figures
            let mut file = self
                .batches
                .first()
                .cloned()
                .unwrap_or_else(|| ImportedFile {
                    name: String::new(),
                    sha256: String::new(),
                    imported_at: None,
                    shape: crate::import::FileShape::Spreadsheet {
                        sheet: String::new(),
                    },
                    header_line: 0,
                    columns: Default::default(),
                    conventions: crate::import::rows::Conventions {
                        decimal_mark: crate::import::values::DecimalMark::Dot,
                        date_order: crate::import::values::DayMonth::MonthFirst,
                        date_form: Default::default(),
                    },
                    counts: ImportCounts::default(),
                    warnings: Vec::new(),
                });
            file.name = "(rows without an import batch)".into();
            file.sha256 = String::new();
            set.restore(file, orphans);
        }
        set
    }

    /// Import files (name, bytes) at `now`; identical bytes imported before change nothing.
    /// Headers with a remembered mapping are read with it.
    pub fn import_files(
        &mut self,
        files: &[(String, Vec<u8>)],
        rules: &ImportRules,
        now: NaiveDateTime,
    ) -> Vec<Result<ImportOutcome, ImportError>> {
        let exports: Vec<(String, Export<'_>)> = files
            .iter()
            .map(|(name, bytes)| (name.clone(), Export::Bytes(bytes)))
            .collect();
        self.import_exports(&exports, rules, now)
    }

    /// [`Workspace::import_files`], the files given as bytes or opened ([`Export`]).
    pub fn import_exports(
        &mut self,
        files: &[(String, Export<'_>)],
        rules: &ImportRules,
        now: NaiveDateTime,
    ) -> Vec<Result<ImportOutcome, ImportError>> {
        let mut set = self.import_set();
        let first_new = set.files.len();
        let mut outcomes = Vec::new();
        for (name, export) in files {
            match set.add_export(name, *export, rules, &mut AddOptions::new(&self.mappings)) {
                Ok(Added::File(index)) => {
                    let file = &set.files[index];
                    outcomes.push(Ok(ImportOutcome::Imported {
                        file: name.clone(),
                        counts: file.counts,
                        warnings: file.warnings.clone(),
                    }));
                }
                Ok(Added::AlreadyImported { first, index }) => {
                    outcomes.push(Ok(ImportOutcome::AlreadyImported {
                        file: name.clone(),
                        first,
                        at: set.files.get(index).and_then(|f| f.imported_at),
                    }))
                }
                Err(e) => outcomes.push(Err(e)),
            }
        }
        let edit = self.import_edit(&set, first_new, now, BTreeMap::new());
        if let Err(e) = self.apply(edit) {
            outcomes.push(Err(ImportError::Refused {
                message: e.to_string(),
            }));
        }
        outcomes
    }
}

impl StoredRow {
    /// A row of an import set as stored in batch `batch`.
    pub fn from_import(batch: u32, row: &crate::import::Row, set: &ImportSet) -> StoredRow {
        StoredRow {
            batch,
            line: row.line,
            fate: match &row.fate {
                Fate::Kept => StoredFate::Kept,
                Fate::Duplicate { .. } => StoredFate::Duplicate,
                Fate::Summary => StoredFate::Summary,
                Fate::NotInvoiced => StoredFate::NotInvoiced,
                Fate::Rejected { reason } => StoredFate::Rejected(reason.to_string()),
            },
            purchase: row
                .purchase
                .as_ref()
                .map(|p| StoredPurchase::from_parsed(&set.parsed(p))),
        }
    }
}
