//! The figures an evaluation produces: KPI units and revenue, per month and per product line,
//! rows per fate, the review list, and each level's requirements checked. Data only: the
//! evaluation computes them, the verdict reads them, the report and the window show them.

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde::Serialize;

use super::window::Month;
use crate::import::values::Currency;
/// KPI units and USD revenue together.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Figures {
    /// KPI units.
    pub kpi_units: Decimal,
    /// Revenue in USD.
    pub revenue_usd: Decimal,
}

impl Figures {
    /// Add `other`, saturating (the limits keep sums far from overflow; this never panics).
    pub fn add(&mut self, other: Figures) {
        self.kpi_units = self.kpi_units.saturating_add(other.kpi_units);
        self.revenue_usd = self.revenue_usd.saturating_add(other.revenue_usd);
    }
}

/// One month of the window.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct MonthFigures {
    /// The month.
    pub month: Month,
    /// Purchases dated in the month.
    pub month_total: Figures,
    /// Running total from the window's start to the month's end.
    pub cumulative: Figures,
}

/// Counted purchases of one product line.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct LineTotals {
    /// Signed sum of quantity × components.
    pub kits: i64,
    /// KPI units.
    pub kpi_units: Decimal,
    /// Revenue in USD (0 for lines whose revenue does not count).
    pub revenue_usd: Decimal,
}

/// What is known of the partner's capability (R4), per level. Unknown stays unknown.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CapabilityFacts {
    /// MCTs whose membership is valid at the deadline (None: no roster).
    pub active_mcts: Option<u32>,
    /// Whether the competency's exam rule for a level is met at the deadline, by level id.
    pub exam_rules: BTreeMap<String, bool>,
}

/// The final fate of a row, window and rates applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RowFate {
    /// Inside the window: counts.
    Counted,
    /// Dated outside the window.
    OutsideWindow,
    /// A duplicate of an earlier row.
    Duplicate,
    /// A total row.
    Summary,
    /// Not invoiced.
    NotInvoiced,
    /// Rejected.
    Rejected,
}

/// Rows per final fate; `read` = the sum of the others.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct RowCounts {
    /// Data rows read.
    pub read: u32,
    /// Counted.
    pub counted: u32,
    /// Outside the window.
    pub outside_window: u32,
    /// Duplicates.
    pub duplicates: u32,
    /// Summary rows.
    pub summary: u32,
    /// Not invoiced.
    pub not_invoiced: u32,
    /// Rejected.
    pub rejected: u32,
}

impl RowCounts {
    /// Add the counts of the rows that follow.
    pub fn merge(&mut self, later: RowCounts) {
        self.read += later.read;
        self.counted += later.counted;
        self.outside_window += later.outside_window;
        self.duplicates += later.duplicates;
        self.summary += later.summary;
        self.not_invoiced += later.not_invoiced;
        self.rejected += later.rejected;
    }

    /// Whether every row read has exactly one fate.
    pub fn balanced(&self) -> bool {
        self.read
            == self.counted
                + self.outside_window
                + self.duplicates
                + self.summary
                + self.not_invoiced
                + self.rejected
    }
}

/// A rejected row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Rejection {
    /// Index of the row in the import set.
    #[serde(skip)]
    pub row: usize,
    /// File name as given.
    pub file: String,
    /// Line.
    pub line: u32,
    /// Why, in words.
    pub reason: String,
}

/// A counted row whose revenue waits for an exchange rate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NeedsRate {
    /// File name as given.
    pub file: String,
    /// Line.
    pub line: u32,
    /// Currency without a rate.
    pub currency: Currency,
    /// Amount in that currency.
    pub amount: Decimal,
    /// The month of its date: the month whose rate it waits for (a rate may be a month's).
    pub month: Month,
    /// Whether its product line's revenue counts: the amount enters revenue once the rate is
    /// given (an unknown product's or free content's does not).
    pub revenue: bool,
}

/// Why a row is on the review list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ReviewKind {
    /// No rule classified the product.
    UnknownProduct,
    /// A packaged set with no component count (counted as 1).
    PackagedSet,
    /// Revenue waits for an exchange rate.
    NeedsRate,
    /// A duplicate that differs from the row that stands.
    DifferingDuplicate,
}

/// An item of the review list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReviewItem {
    /// Index of the row in the import set.
    #[serde(skip)]
    pub row: usize,
    /// File name as given.
    pub file: String,
    /// Line.
    pub line: u32,
    /// What kind of review.
    pub kind: ReviewKind,
    /// What to look at, in words.
    pub reason: String,
}

/// A requirement of a level (R1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Requirement {
    /// KPI units in the window.
    KpiUnits,
    /// Revenue (USD) in the window.
    Revenue,
    /// Active MCTs at the deadline.
    Mct,
    /// The competency's exam rule for the level.
    Exams,
}

impl Requirement {
    /// The report key.
    pub fn key(self) -> &'static str {
        match self {
            Requirement::KpiUnits => "kpi_units",
            Requirement::Revenue => "revenue",
            Requirement::Mct => "mct",
            Requirement::Exams => "exams",
        }
    }
}

/// One requirement checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Check {
    /// Which requirement.
    pub requirement: Requirement,
    /// Met, not met, or unknown.
    pub met: Option<bool>,
    /// What the partner has, when known.
    pub actual: Option<Decimal>,
    /// What the level requires (None for the exam rule).
    pub target: Option<Decimal>,
}

impl Check {
    /// How far short, when known and short.
    pub fn gap(&self) -> Option<Decimal> {
        match (self.actual, self.target) {
            (Some(a), Some(t)) if a < t => Some(t - a),
            _ => None,
        }
    }
}

/// A level's requirements checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LevelStatus {
    /// Level id.
    pub id: String,
    /// Level name.
    pub name: String,
    /// Its requirements.
    pub checks: Vec<Check>,
    /// false when any check is false; null when none is false but one is unknown; else true.
    pub met: Option<bool>,
}
