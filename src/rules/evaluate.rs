//! Evaluation: imported rows + profile + anniversary + "today" → every figure the report and
//! the window show (R1-R3, R5). Run once when the data changes, never per frame.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Serialize;

use super::forecast::{Forecast, PlannedFigures, forecast};
use super::profile::{ProductLine, Profile};
use super::window::{Month, RenewalDates};
use crate::import::classify::{Catalog, Classification, Classifier};
use crate::import::values::{Currency, cents};
use crate::import::{Fate, ImportSet, Purchase};

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

/// Exchange rates: USD per unit of a currency, optionally per month.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Rates {
    /// Rate per currency (any month).
    pub usd_per: BTreeMap<Currency, Decimal>,
    /// Rate per currency for one month (wins over the general rate).
    pub monthly: BTreeMap<(Currency, Month), Decimal>,
}

impl Rates {
    /// The USD value of `amount` in `currency` on `date`, rounded to cents; None without a rate.
    pub fn to_usd(&self, amount: Decimal, currency: Currency, date: NaiveDate) -> Option<Decimal> {
        if currency == Currency::USD {
            return Some(amount);
        }
        self.monthly
            .get(&(currency, Month::of(date)))
            .or_else(|| self.usd_per.get(&currency))
            .and_then(|r| amount.checked_mul(*r))
            .map(cents)
    }
}

/// What is known of the partner's capability (R4), per level. Unknown stays unknown.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CapabilityFacts {
    /// MCTs whose membership is valid at the deadline (None: no roster).
    pub active_mcts: Option<u32>,
    /// Whether the competency's exam rule for a level is met at the deadline, by level id.
    pub exam_rules: BTreeMap<String, bool>,
}

/// Everything an evaluation depends on besides the rows.
#[derive(Debug, Clone)]
pub struct Inputs<'a> {
    /// The program profile.
    pub profile: &'a Profile,
    /// The profile's rulebook, compiled.
    pub classifier: &'a Classifier,
    /// Workspace catalog overrides.
    pub catalog: &'a Catalog,
    /// Exchange rates.
    pub rates: &'a Rates,
    /// Anniversary, deadline, window.
    pub dates: RenewalDates,
    /// "Today": positions days left and the forecast; never hides purchases.
    pub as_of: NaiveDate,
    /// The partner's current level id, when known.
    pub current_level: Option<&'a str>,
    /// Trainers and exams, when known.
    pub capability: Option<&'a CapabilityFacts>,
    /// Planned purchases (scenario), never actuals.
    pub planned: &'a [PlannedFigures],
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

/// The verdict outcome against the current level (R1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// A level above the current one is met (an upgrade is a separate application).
    Qualifies,
    /// The current level is met.
    Keeps,
    /// Drops to the next level down that is met.
    Drops,
    /// No level is met.
    Removed,
}

/// The renewal verdict.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Verdict {
    /// Current level id.
    pub current: String,
    /// What happens.
    pub outcome: Outcome,
    /// The level it leads to (None when removed).
    pub to: Option<String>,
}

/// Every figure of a readiness report.
#[derive(Debug, Clone, Serialize)]
pub struct Evaluation {
    /// Anniversary, deadline, window.
    pub dates: RenewalDates,
    /// The as-of date.
    pub as_of: NaiveDate,
    /// Days from the as-of date to the deadline (negative once past).
    pub days_to_deadline: i64,
    /// The 12 months of the window.
    pub monthly: Vec<MonthFigures>,
    /// Totals of counted rows.
    pub totals: Figures,
    /// Counted rows per product line, in [`ProductLine::ALL`] order.
    pub by_line: [LineTotals; 6],
    /// Rows per final fate.
    pub counts: RowCounts,
    /// Rejected rows.
    pub rejected: Vec<Rejection>,
    /// Counted rows waiting for a rate.
    pub needs_rate: Vec<NeedsRate>,
    /// Rows to review.
    pub review: Vec<ReviewItem>,
    /// Levels, highest first.
    pub levels: Vec<LevelStatus>,
    /// Highest level met ("none" when none), None when unknown.
    pub readiness: Option<String>,
    /// Verdict against the current level, None when unknown.
    pub verdict: Option<Verdict>,
    /// Forecast at the deadline (R5).
    pub forecast: Forecast,
    /// Things a person should know (anniversary passed, files skipped, conventions guessed).
    pub warnings: Vec<String>,
    /// Classification of each product of the import set.
    #[serde(skip)]
    pub classes: Vec<Classification>,
    /// Final fate of each row of the import set.
    #[serde(skip)]
    pub row_fates: Vec<RowFate>,
}

/// What one counted purchase contributes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Contribution {
    /// Product line.
    pub line: ProductLine,
    /// Signed kits (quantity × components).
    pub kits: i64,
    /// KPI units.
    pub kpi_units: Decimal,
    /// USD revenue counted (0 when the line's revenue does not count or a rate is missing).
    pub revenue_usd: Decimal,
    /// The currency has no rate: revenue held back, the row listed.
    pub needs_rate: bool,
}

/// The contribution of one purchase under the inputs' profile and rates.
pub fn contribution(p: &Purchase, class: &Classification, inputs: &Inputs<'_>) -> Contribution {
    let value = inputs.profile.line_value(class.line);
    let components = p.components.or(class.components).unwrap_or(1);
    let kits = p.signed_quantity().saturating_mul(i64::from(components));
    let kpi_units = Decimal::from(kits).saturating_mul(value.kpi_per_kit);
    // Every counted row in a currency without a rate is listed, whatever its line: the
    // administrator sees the missing rate once, not only where it changes the figures today.
    let usd = inputs.rates.to_usd(p.signed_amount(), p.currency, p.date);
    let revenue_usd = match usd {
        Some(usd) if value.revenue => usd,
        _ => Decimal::ZERO,
    };
    let needs_rate = usd.is_none();
    Contribution {
        line: class.line,
        kits,
        kpi_units,
        revenue_usd,
        needs_rate,
    }
}

fn product_label(set: &ImportSet, p: &Purchase) -> String {
    let Some(product) = set.product(p) else {
        return String::new();
    };
    let (part, name) = (set.text(product.part), set.text(product.name));
    match (part.is_empty(), name.is_empty()) {
        (false, false) if name.contains(part) => name.to_string(),
        (false, false) => format!("{name} ({part})"),
        (true, _) => name.to_string(),
        (false, true) => part.to_string(),
    }
}

/// Combine requirement results: any false → false; else any unknown → unknown; else true.
fn all_met(checks: &[Check]) -> Option<bool> {
    if checks.iter().any(|c| c.met == Some(false)) {
        Some(false)
    } else if checks.iter().any(|c| c.met.is_none()) {
        None
    } else {
        Some(true)
    }
}

fn level_statuses(inputs: &Inputs<'_>, totals: Figures) -> Vec<LevelStatus> {
    inputs
        .profile
        .levels
        .iter()
        .map(|level| {
            let mut checks = Vec::new();
            if let Some(t) = level.kpi_units {
                checks.push(Check {
                    requirement: Requirement::KpiUnits,
                    met: Some(totals.kpi_units >= t),
                    actual: Some(totals.kpi_units),
                    target: Some(t),
                });
            }
            if let Some(t) = level.revenue_usd {
                checks.push(Check {
                    requirement: Requirement::Revenue,
                    met: Some(totals.revenue_usd >= t),
                    actual: Some(totals.revenue_usd),
                    target: Some(t),
                });
            }
            if let Some(n) = level.mcts {
                let active = inputs.capability.and_then(|c| c.active_mcts);
                checks.push(Check {
                    requirement: Requirement::Mct,
                    met: active.map(|a| a >= n),
                    actual: active.map(Decimal::from),
                    target: Some(Decimal::from(n)),
                });
            }
            if level.exams {
                checks.push(Check {
                    requirement: Requirement::Exams,
                    met: inputs
                        .capability
                        .and_then(|c| c.exam_rules.get(&level.id).copied()),
                    actual: None,
                    target: None,
                });
            }
            let met = all_met(&checks);
            LevelStatus {
                id: level.id.clone(),
                name: level.name.clone(),
                checks,
                met,
            }
        })
        .collect()
}

/// Highest level met, "none" when none is, None when an unknown stands in the way.
pub fn readiness(levels: &[LevelStatus]) -> Option<String> {
    for level in levels {
        match level.met {
            Some(true) => return Some(level.id.clone()),
            None => return None,
            Some(false) => {}
        }
    }
    Some("none".into())
}

/// The verdict against `current` (R1: the first outcome that applies).
pub fn verdict(levels: &[LevelStatus], current: &str) -> Option<Verdict> {
    let at = levels.iter().position(|l| l.id == current)?;
    let make = |outcome, to: Option<&LevelStatus>| {
        Some(Verdict {
            current: current.to_string(),
            outcome,
            to: to.map(|l| l.id.clone()),
        })
    };
    // A level above the current one met: qualifies (for the highest such level).
    for level in &levels[..at] {
        match level.met {
            Some(true) => return make(Outcome::Qualifies, Some(level)),
            None => return None,
            Some(false) => {}
        }
    }
    match levels[at].met {
        Some(true) => return make(Outcome::Keeps, Some(&levels[at])),
        None => return None,
        Some(false) => {}
    }
    for level in &levels[at + 1..] {
        match level.met {
            Some(true) => return make(Outcome::Drops, Some(level)),
            None => return None,
            Some(false) => {}
        }
    }
    make(Outcome::Removed, None)
}

/// A benefit whose value changes with the verdict (R6).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BenefitChange {
    /// Benefit name.
    pub benefit: String,
    /// Its value at the current level.
    pub now: String,
    /// Its value after (None when the partner is removed or the level does not list it).
    pub after: Option<String>,
}

/// The benefits at stake: those whose value changes when the verdict drops the partner a
/// level or removes it (empty when it keeps or qualifies).
pub fn benefits_at_stake(profile: &Profile, verdict: &Verdict) -> Vec<BenefitChange> {
    if !matches!(verdict.outcome, Outcome::Drops | Outcome::Removed) {
        return Vec::new();
    }
    profile
        .benefits
        .iter()
        .filter_map(|b| {
            let now = b.values.get(&verdict.current)?;
            let after = verdict.to.as_ref().and_then(|to| b.values.get(to));
            (Some(now) != after).then(|| BenefitChange {
                benefit: b.name.clone(),
                now: now.clone(),
                after: after.cloned(),
            })
        })
        .collect()
}

/// Evaluate an import set.
pub fn evaluate(set: &ImportSet, inputs: &Inputs<'_>) -> Evaluation {
    let dates = inputs.dates;
    let classes: Vec<Classification> = set
        .products
        .iter()
        .map(|p| {
            inputs.classifier.classify(
                set.text(p.part),
                set.text(p.name),
                set.text(p.kind),
                inputs.catalog,
            )
        })
        .collect();
    let mut months = [Figures::default(); 12];
    let mut by_line = [LineTotals::default(); 6];
    let mut counts = RowCounts::default();
    let mut rejected = Vec::new();
    let mut needs_rate = Vec::new();
    let mut review = Vec::new();
    let mut row_fates = Vec::with_capacity(set.rows.len());
    let unclassified = Classification {
        line: ProductLine::Unknown,
        components: None,
        packaged_set: false,
        why: "no product".into(),
    };
    let file_name = |i: u32| set.files.get(i as usize).map_or("", |f| f.name.as_str());

    for (row_index, row) in set.rows.iter().enumerate() {
        counts.read += 1;
        let fate = match (&row.fate, &row.purchase) {
            (Fate::Summary, _) => RowFate::Summary,
            (Fate::NotInvoiced, _) => RowFate::NotInvoiced,
            (Fate::Rejected { reason }, _) => {
                rejected.push(Rejection {
                    row: row_index,
                    file: file_name(row.file).to_string(),
                    line: row.line,
                    reason: reason.clone(),
                });
                RowFate::Rejected
            }
            (Fate::Duplicate { of, differs }, _) => {
                if *differs {
                    let first = set.rows.get(*of as usize);
                    review.push(ReviewItem {
                        row: row_index,
                        file: file_name(row.file).to_string(),
                        line: row.line,
                        kind: ReviewKind::DifferingDuplicate,
                        reason: format!(
                            "same order line as {} line {} but different content: the earlier row stands",
                            first.map_or("", |r| file_name(r.file)),
                            first.map_or(0, |r| r.line)
                        ),
                    });
                }
                RowFate::Duplicate
            }
            (Fate::Kept, Some(p)) => match dates.month_index(p.date) {
                None => RowFate::OutsideWindow,
                Some(m) => {
                    let class = classes.get(p.product as usize).unwrap_or(&unclassified);
                    let c = contribution(p, class, inputs);
                    let totals = &mut by_line[c.line.index()];
                    totals.kits = totals.kits.saturating_add(c.kits);
                    totals.kpi_units += c.kpi_units;
                    totals.revenue_usd += c.revenue_usd;
                    months[m].add(Figures {
                        kpi_units: c.kpi_units,
                        revenue_usd: c.revenue_usd,
                    });
                    let place = |kind, reason| ReviewItem {
                        row: row_index,
                        file: file_name(row.file).to_string(),
                        line: row.line,
                        kind,
                        reason,
                    };
                    if c.line == ProductLine::Unknown {
                        review.push(place(
                            ReviewKind::UnknownProduct,
                            format!(
                                "unknown product '{}': not counted until it is classified",
                                product_label(set, p)
                            ),
                        ));
                    }
                    if class.packaged_set && p.components.is_none() && class.components.is_none() {
                        review.push(place(
                            ReviewKind::PackagedSet,
                            format!(
                                "packaged set '{}' has no component count: counted as 1 component per kit",
                                product_label(set, p)
                            ),
                        ));
                    }
                    if c.needs_rate {
                        needs_rate.push(NeedsRate {
                            file: file_name(row.file).to_string(),
                            line: row.line,
                            currency: p.currency,
                            amount: p.signed_amount(),
                        });
                        review.push(place(
                            ReviewKind::NeedsRate,
                            format!("{} has no exchange rate to USD: revenue held back until one is given", p.currency),
                        ));
                    }
                    RowFate::Counted
                }
            },
            // A kept row always has its purchase; count it as rejected rather than lose it.
            (Fate::Kept, None) => {
                rejected.push(Rejection {
                    row: row_index,
                    file: file_name(row.file).to_string(),
                    line: row.line,
                    reason: "the row has lost its purchase data".into(),
                });
                RowFate::Rejected
            }
        };
        match fate {
            RowFate::Counted => counts.counted += 1,
            RowFate::OutsideWindow => counts.outside_window += 1,
            RowFate::Duplicate => counts.duplicates += 1,
            RowFate::Summary => counts.summary += 1,
            RowFate::NotInvoiced => counts.not_invoiced += 1,
            RowFate::Rejected => counts.rejected += 1,
        }
        row_fates.push(fate);
    }
    debug_assert!(counts.balanced());

    let mut cumulative = Figures::default();
    let monthly: Vec<MonthFigures> = dates
        .months()
        .zip(months)
        .map(|(month, month_total)| {
            cumulative.add(month_total);
            MonthFigures {
                month,
                month_total,
                cumulative,
            }
        })
        .collect();
    let totals = cumulative;
    let levels = level_statuses(inputs, totals);
    let readiness = readiness(&levels);
    let verdict = inputs.current_level.and_then(|c| verdict(&levels, c));
    let forecast = forecast(&monthly, inputs);

    let mut warnings: Vec<String> = set.warnings.clone();
    for f in &set.files {
        warnings.extend(f.warnings.iter().map(|w| format!("{}: {w}", f.name)));
    }
    if inputs.as_of > dates.anniversary {
        warnings.push(format!(
            "the anniversary {} is past (as of {}): enter the next anniversary",
            dates.anniversary, inputs.as_of
        ));
    }

    Evaluation {
        dates,
        as_of: inputs.as_of,
        days_to_deadline: (dates.deadline - inputs.as_of).num_days(),
        monthly,
        totals,
        by_line,
        counts,
        rejected,
        needs_rate,
        review,
        levels,
        readiness,
        verdict,
        forecast,
        warnings,
        classes,
        row_fates,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn status(id: &str, met: Option<bool>) -> LevelStatus {
        LevelStatus {
            id: id.into(),
            name: id.into(),
            checks: vec![],
            met,
        }
    }

    fn levels(g: Option<bool>, s: Option<bool>, l: Option<bool>) -> Vec<LevelStatus> {
        vec![status("gold", g), status("silver", s), status("lap", l)]
    }

    fn v(levels: &[LevelStatus], current: &str) -> Option<(Outcome, Option<String>)> {
        verdict(levels, current).map(|v| (v.outcome, v.to))
    }

    #[test]
    fn verdicts() {
        use Outcome::*;
        let t = Some(true);
        let f = Some(false);
        let s = |x: &str| Some(x.to_string());
        assert_eq!(v(&levels(t, t, t), "gold"), Some((Keeps, s("gold"))));
        assert_eq!(v(&levels(f, t, t), "gold"), Some((Drops, s("silver"))));
        assert_eq!(v(&levels(f, f, t), "gold"), Some((Drops, s("lap"))));
        assert_eq!(v(&levels(f, f, f), "gold"), Some((Removed, None)));
        assert_eq!(v(&levels(t, t, t), "silver"), Some((Qualifies, s("gold"))));
        assert_eq!(v(&levels(f, t, t), "lap"), Some((Qualifies, s("silver"))));
        assert_eq!(v(&levels(f, f, t), "lap"), Some((Keeps, s("lap"))));
        assert_eq!(
            v(&levels(None, t, t), "silver"),
            None,
            "an unknown level above"
        );
        assert_eq!(
            v(&levels(f, None, t), "gold"),
            None,
            "unknown next level down"
        );
        assert_eq!(v(&levels(t, t, t), "platinum"), None);
    }

    #[test]
    fn readiness_is_the_highest_level_met() {
        assert_eq!(
            readiness(&levels(Some(false), Some(true), None)),
            Some("silver".into())
        );
        assert_eq!(readiness(&levels(Some(false), None, Some(true))), None);
        assert_eq!(
            readiness(&levels(Some(false), Some(false), Some(false))),
            Some("none".into())
        );
    }
}
