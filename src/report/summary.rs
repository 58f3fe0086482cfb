//! The renewal-readiness summary's words, derived from the evaluation's data so that every
//! format and the window's dashboard say the same thing the same way. It starts with the
//! verdict: per level and requirement met, not met or unknown (and why), then one true sentence
//! naming exactly what is met, missing or unknown, with the profile's display names.

use serde::Serialize;

use crate::rules::evaluate::Evaluation;
use crate::rules::figures::{Check, LevelStatus, Requirement};
use crate::rules::verdict::Outcome;

/// What is known of one requirement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "state", content = "why")]
pub enum Known {
    /// Met.
    Met,
    /// Not met.
    NotMet,
    /// Not known, and why (in words).
    Unknown(String),
}

/// One requirement of one level.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RequirementState {
    /// Which requirement.
    pub requirement: Requirement,
    /// Met, not met, or unknown and why.
    pub known: Known,
}

/// One level, with each requirement's state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LevelState {
    /// Level id ("gold").
    pub id: String,
    /// Display name ("Gold").
    pub name: String,
    /// Its requirements.
    pub requirements: Vec<RequirementState>,
}

/// The verdict as data, then as one sentence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VerdictSummary {
    /// Every level, highest first.
    pub levels: Vec<LevelState>,
    /// The one sentence.
    pub sentence: String,
    /// Good news (keeps or qualifies), bad news (drops or removed), or not known.
    pub good: Option<bool>,
}

/// A requirement's name inside a sentence.
pub fn requirement_words(r: Requirement) -> &'static str {
    match r {
        Requirement::KpiUnits => "KPI units",
        Requirement::Revenue => "revenue",
        Requirement::Mct => "Certified Trainers (MCTs)",
        Requirement::Exams => "competency exam rule",
    }
}

fn why_unknown(level: &LevelStatus, c: &Check) -> String {
    match c.requirement {
        Requirement::Mct => "no Certified Trainers (MCTs) are recorded".into(),
        Requirement::Exams => format!("no competency exam rule for {} is recorded", level.name),
        // a revenue target is unknown while rows waiting for a rate could cross it
        Requirement::Revenue => format!(
            "{}'s revenue target depends on the rows waiting for an exchange rate",
            level.name
        ),
        // KPI units are always known; kept total for a requirement added later
        Requirement::KpiUnits => format!(
            "the {} of {} cannot be computed",
            requirement_words(c.requirement),
            level.name
        ),
    }
}

/// "a", "a and b", "a, b and c".
fn and_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// A requirement's figure: dollars for revenue, units otherwise.
pub fn figure(c: &Check, d: rust_decimal::Decimal) -> String {
    match c.requirement {
        Requirement::Revenue => super::usd(d),
        _ => super::grouped_units(d),
    }
}

/// How far a requirement is from its target, for people, the window's and every summary's:
/// "15.5 short", "$1,000.00 short"; while the revenue is not known, "$1,000.00 short without
/// the rows waiting for a rate". None when the target is reached.
pub fn shortfall(c: &Check) -> Option<String> {
    let figure = figure(c, c.gap()?);
    Some(match (c.requirement, c.met) {
        (Requirement::Revenue, None) => {
            format!("{figure} short without the rows waiting for a rate")
        }
        _ => format!("{figure} short"),
    })
}

/// The requirements of `level` not met, as a list, and whether they take a plural verb
/// ("KPI units and revenue are", "revenue is", "KPI units are").
fn missing(level: &LevelStatus) -> (String, bool) {
    let not_met: Vec<&Check> = level
        .checks
        .iter()
        .filter(|c| c.met == Some(false))
        .collect();
    let names: Vec<String> = not_met
        .iter()
        .map(|c| match (c.requirement, c.actual, c.target, c.gap()) {
            // how far each is, in the first line a reader reads: the trainers counted beside
            // the ones needed ("Certified Trainers (MCTs: 0 of 2)"), the figures' shortfall
            // ("KPI units (1,332 short)", "revenue ($147,708.28 short)")
            (Requirement::Mct, Some(have), Some(need), _) => format!(
                "Certified Trainers (MCTs: {} of {})",
                super::grouped_units(have),
                super::grouped_units(need)
            ),
            (Requirement::KpiUnits, .., Some(gap)) => {
                format!("KPI units ({} short)", super::grouped_units(gap))
            }
            (Requirement::Revenue, .., Some(gap)) => {
                format!("revenue ({} short)", super::usd(gap))
            }
            (r, ..) => requirement_words(r).to_string(),
        })
        .collect();
    let plural = match not_met.as_slice() {
        [one] => matches!(one.requirement, Requirement::KpiUnits | Requirement::Mct),
        _ => true,
    };
    (and_list(&names), plural)
}

/// The requirements of `level` not known, said after those not met: meeting only the ones
/// not met would not keep the level (", and its competency exam rule too, not recorded
/// yet"); empty when every requirement is known.
fn unknown_too(level: &LevelStatus) -> String {
    let unknown: Vec<&Check> = level.checks.iter().filter(|c| c.met.is_none()).collect();
    if unknown.is_empty() {
        return String::new();
    }
    // not recorded (trainers, exam rules), or waiting for an exchange rate (revenue)
    let (waiting, unrecorded): (Vec<&Check>, Vec<&Check>) = unknown
        .into_iter()
        .partition(|c| c.requirement == Requirement::Revenue);
    let names: Vec<String> = unrecorded
        .iter()
        .map(|c| requirement_words(c.requirement).to_string())
        .collect();
    match (names.is_empty(), waiting.is_empty()) {
        (false, true) => format!(", and its {} too, not recorded yet", and_list(&names)),
        (true, false) => ", and its revenue too, which waits for an exchange rate".to_string(),
        (false, false) => format!(
            ", and its {} (not recorded yet) and revenue (waiting for an exchange rate) too",
            and_list(&names)
        ),
        (true, true) => String::new(),
    }
}

/// A level's display name ("Gold" for "gold"); the id itself when the profile has no such level.
pub fn level_name(eval: &Evaluation, id: &str) -> String {
    eval.levels
        .iter()
        .find(|l| l.id == id)
        .map_or_else(|| id.to_string(), |l| l.name.clone())
}

/// The headings of the benefits table's two columns, as the window and every summary say
/// them: "Now (Gold)" and "After (Silver)" ("After (no level)" when the partner would be
/// removed from the program).
pub fn benefits_headings(eval: &Evaluation, v: &crate::rules::verdict::Verdict) -> [String; 2] {
    let after =
        v.to.as_deref()
            .map_or_else(|| "no level".to_string(), |to| level_name(eval, to));
    [
        format!("Now ({})", level_name(eval, &v.current)),
        format!("After ({after})"),
    ]
}

/// A trainer's standing at the deadline in words, as the window and every summary say it: a
/// membership whose expiry nobody recorded is "counted as valid", not known to be.
pub fn trainer_state(t: &crate::rules::capability::TrainerStatus) -> &'static str {
    if t.lapses_before_deadline {
        "⚠ lapses before the deadline"
    } else if t.valid_at_deadline && t.expiry.is_none() {
        "✔ counted as valid at the deadline"
    } else if t.valid_at_deadline {
        "✔ valid at the deadline"
    } else {
        "✘ lapsed"
    }
}

/// How many rows are on the review list: a row listed for two reasons (an unknown product
/// waiting for a rate) is one row, as the window's "Needs review only" shows it.
pub fn review_rows(eval: &Evaluation) -> usize {
    eval.review
        .iter()
        .map(|r| r.row)
        .collect::<std::collections::HashSet<_>>()
        .len()
}

/// `n` review rows of one kind in a phrase, the window's and every summary's: "4 rows of
/// unknown products are not counted", "1 duplicate differs from the row that stands"; None
/// for rows waiting for a rate, said per currency ([`held_back`]).
pub fn review_phrase(kind: crate::rules::figures::ReviewKind, n: usize) -> Option<String> {
    use crate::rules::figures::ReviewKind;
    let are = if n == 1 { "is" } else { "are" };
    match kind {
        ReviewKind::UnknownProduct => Some(format!(
            "{} of unknown products {are} not counted",
            count_of(n, "row", "rows")
        )),
        ReviewKind::PackagedSet => Some(format!(
            "{} of packaged sets without a component count {are} counted as 1 component per kit",
            count_of(n, "row", "rows")
        )),
        ReviewKind::DifferingDuplicate => Some(format!(
            "{} {} from the row that stands",
            count_of(n, "duplicate", "duplicates"),
            if n == 1 { "differs" } else { "differ" }
        )),
        ReviewKind::NeedsRate => None,
    }
}

/// The review items that could change the figures, for a sentence beside the verdict ("7
/// rows to review could change these figures: 4 rows of unknown products are not counted; 3
/// rows of packaged sets without a component count are counted as 1 component per kit", the caller ends
/// it); None when there are none. Rows waiting for a rate are said apart ([`held_back`]).
pub fn review_caveat(eval: &Evaluation) -> Option<String> {
    use crate::rules::figures::ReviewKind;
    // one pass: the dashboard says this every frame, and the list may hold every row
    let (mut unknown, mut sets, mut differing) = (0, 0, 0);
    for r in &eval.review {
        match r.kind {
            ReviewKind::UnknownProduct => unknown += 1,
            ReviewKind::PackagedSet => sets += 1,
            ReviewKind::DifferingDuplicate => differing += 1,
            ReviewKind::NeedsRate => {}
        }
    }
    let parts: Vec<String> = [
        (ReviewKind::UnknownProduct, unknown),
        (ReviewKind::PackagedSet, sets),
        (ReviewKind::DifferingDuplicate, differing),
    ]
    .into_iter()
    .filter(|&(_, n)| n > 0)
    .filter_map(|(kind, n)| review_phrase(kind, n))
    .collect();
    let total = unknown + sets + differing;
    (total > 0).then(|| {
        format!(
            "{} to review could change these figures: {}",
            count_of(total, "row", "rows"),
            parts.join("; ")
        )
    })
}

/// Whether the forecast counts a planned purchase dated `date`, in words for its row: "yes",
/// or why not (R5 counts those after the as-of day and inside the window).
pub fn plan_counted(eval: &Evaluation, date: chrono::NaiveDate) -> &'static str {
    if crate::rules::forecast::counts_plan(date, eval.as_of, &eval.dates) {
        "yes"
    } else if date <= eval.as_of {
        "no: not after the as-of day"
    } else {
        "no: outside the window"
    }
}

/// The planned purchases of `planned` the forecast leaves out, in one sentence ("1 planned
/// purchase dated on or before 2026-11-26 or outside the window is not counted."); None when
/// it counts all.
pub fn plans_left_out(
    eval: &Evaluation,
    planned: &[crate::workspace::model::PlannedPurchase],
) -> Option<String> {
    let (mut past, mut outside) = (Vec::new(), Vec::new());
    for p in planned {
        if !eval.dates.contains(p.date) {
            outside.push(p);
        } else if !crate::rules::forecast::counts_plan(p.date, eval.as_of, &eval.dates) {
            past.push(p);
        }
    }
    let one = |p: &crate::workspace::model::PlannedPurchase| match p.description.trim() {
        "" => format!("The planned purchase on {}", p.date),
        what => format!("The planned purchase '{what}' on {}", p.date),
    };
    let mut said = Vec::new();
    match past.as_slice() {
        [] => {}
        [p] => said.push(format!(
            "{} is not counted: it is not after {}, and its purchase counts once imported.",
            one(p),
            eval.as_of
        )),
        many => said.push(format!(
            "{} dated on or before {} are not counted: their purchases count once imported.",
            count_of(many.len(), "planned purchase", "planned purchases"),
            eval.as_of
        )),
    }
    match outside.as_slice() {
        [] => {}
        [p] => said.push(format!(
            "{} is not counted: it is outside the window.",
            one(p)
        )),
        many => said.push(format!(
            "{} dated outside the window are not counted.",
            count_of(many.len(), "planned purchase", "planned purchases")
        )),
    }
    (!said.is_empty()).then(|| said.join(" "))
}

/// A competency's exam rule for a level, as the window and every summary say it: "Silver
/// rule: 2 people needed with AZ-104 / AZ-305".
pub fn exam_rule_phrase(level_name: &str, needed: usize, exams: &[String]) -> String {
    format!(
        "{level_name} rule: {} needed with {}",
        count_of(needed, "person", "people"),
        exams.join(" / ")
    )
}

/// A count for people with its noun, singular for one: "1 row", "12,345 rows".
pub fn count_of(n: impl TryInto<u64>, one: &str, many: &str) -> String {
    let n = n.try_into().unwrap_or(u64::MAX);
    let word = if n == 1 { one } else { many };
    format!(
        "{} {word}",
        super::grouped(rust_decimal::Decimal::from(n), 0)
    )
}

/// KPI units for people with their noun: "1 KPI unit", "1,234.5 KPI units".
pub fn kpi_units(d: rust_decimal::Decimal) -> String {
    let n = super::grouped_units(d);
    if n == "1" {
        format!("{n} KPI unit")
    } else {
        format!("{n} KPI units")
    }
}

/// A month's or an invoice's figures: "12 KPI units, $1,234.00".
pub fn figures_phrase(f: &crate::rules::figures::Figures) -> String {
    format!("{}, {}", kpi_units(f.kpi_units), super::usd(f.revenue_usd))
}

/// A row's fate in words, as the summary's counts name it ("summary row", "outside the
/// window"): the purchases table, its filter and the import preview say the same.
pub fn fate_name(f: crate::rules::figures::RowFate) -> &'static str {
    use crate::rules::figures::RowFate;
    match f {
        RowFate::Counted => "counted",
        RowFate::OutsideWindow => "outside the window",
        RowFate::Duplicate => "duplicate",
        RowFate::Summary => "summary row",
        RowFate::NotInvoiced => "not invoiced",
        RowFate::Rejected => "rejected",
    }
}

/// The Certified Trainers in one sentence, the window's and every summary's: "Trainers
/// (MCTs): 3 valid at the deadline (2027-02-28), 4 on 2026-11-26." With none recorded the MCT
/// requirement is unknown, and said so (never "0 valid").
pub fn mct_sentence(c: &crate::rules::capability::CapabilityStatus, e: &Evaluation) -> String {
    if c.trainers.is_empty() {
        "Trainers (MCTs): none recorded yet, so the MCT requirement is unknown.".to_string()
    } else {
        format!(
            "Trainers (MCTs): {} valid at the deadline ({}), {} on {}.",
            super::grouped(rust_decimal::Decimal::from(c.mcts_at_deadline), 0),
            e.dates.deadline,
            super::grouped(rust_decimal::Decimal::from(c.mcts_today), 0),
            e.as_of
        )
    }
}

/// What an import read, in one sentence (the window's preview and `lpkpi import` alike):
/// "41 rows read: 38 purchases, 0 duplicates of rows already imported, 0 summary rows, 0 not
/// invoiced, 3 rejected".
pub fn import_counts(k: &crate::import::ImportCounts) -> String {
    let n = |v: u32| super::grouped(rust_decimal::Decimal::from(v), 0);
    format!(
        "{}: {}, {} of rows already imported, {}, {} not invoiced, {} rejected",
        count_of(k.read, "row read", "rows read"),
        count_of(k.kept, "purchase", "purchases"),
        count_of(k.duplicates, "duplicate", "duplicates"),
        count_of(k.summary, "summary row", "summary rows"),
        n(k.not_invoiced),
        n(k.rejected)
    )
}

/// The rows read and their fates in one sentence, from `files` files when given: "1 row read
/// from 1 file: 1 counted, 0 outside the window, 0 duplicates, 0 summary rows, 0 not
/// invoiced, 0 rejected."
pub fn rows_read(c: &crate::rules::figures::RowCounts, files: Option<usize>) -> String {
    let n = |v: u32| super::grouped(rust_decimal::Decimal::from(v), 0);
    let from = files.map_or(String::new(), |f| {
        format!(" from {}", count_of(f, "file", "files"))
    });
    format!(
        "{}{from}: {} counted, {} outside the window, {}, {}, {} not invoiced, {} rejected.",
        count_of(c.read, "row read", "rows read"),
        n(c.counted),
        n(c.outside_window),
        count_of(c.duplicates, "duplicate", "duplicates"),
        count_of(c.summary, "summary row", "summary rows"),
        n(c.not_invoiced),
        n(c.rejected)
    )
}

/// How lpkpi's months compare with the official dashboard's, in words: `differing` of `n`
/// months with official figures differ ("All 12 months with official figures differ from
/// lpkpi"), and, when any does, which figures the verdict stands on; the same sentences in
/// the window and every summary.
pub fn reconciliation_sentence(differing: usize, n: usize) -> String {
    compared_months(differing, n)
}

/// Beside the verdict, when lpkpi's months differ from the official dashboard's: by how much,
/// and which figures renewal stands on ("The official dashboard shows 271.5 KPI units and
/// $24,115.40 less than lpkpi in 1 of the 8 months it reports, and Microsoft renews on the
/// dashboard's figures (see Reconciliation)."); None when they agree or there are no official
/// figures. The amounts are the dashboard's less lpkpi's over the months that differ; when
/// they net to nothing, the sentence says only that months differ.
pub fn dashboard_caveat(r: &crate::workspace::reconcile::Reconciliation) -> Option<String> {
    use rust_decimal::Decimal;
    let differing = r.differences();
    if differing == 0 {
        return None;
    }
    // the dashboard's figures above lpkpi's and below them, each summed apart: months that
    // differ both ways never net out into a smaller difference (or none)
    let (mut more, mut less) = ([Decimal::ZERO; 2], [Decimal::ZERO; 2]);
    for m in r.months.iter().filter(|m| m.differs()) {
        let differences = [m.kpi_difference(), m.revenue_difference()];
        for (i, d) in differences.into_iter().enumerate() {
            // lpkpi's figure less the dashboard's
            let d = d.unwrap_or_default();
            if d < Decimal::ZERO {
                more[i] = more[i].saturating_add(-d);
            } else {
                less[i] = less[i].saturating_add(d);
            }
        }
    }
    let said = |[units, revenue]: [Decimal; 2]| {
        let parts: Vec<String> = [
            (!units.is_zero()).then(|| kpi_units(units)),
            (!revenue.is_zero()).then(|| super::usd(revenue)),
        ]
        .into_iter()
        .flatten()
        .collect();
        (!parts.is_empty()).then(|| parts.join(" and "))
    };
    let months = match (differing, r.months.len()) {
        (1, 1) => "the one month it reports".to_string(),
        (2, 2) => "both months it reports".to_string(),
        (d, n) if d == n => format!("all {n} months it reports"),
        (d, n) => format!("{d} of the {} it reports", count_of(n, "month", "months")),
    };
    let what = match (said(less), said(more)) {
        (Some(less), None) => {
            format!("The official dashboard shows {less} less than lpkpi in {months}")
        }
        (None, Some(more)) => {
            format!("The official dashboard shows {more} more than lpkpi in {months}")
        }
        (Some(less), Some(more)) => format!(
            "The official dashboard differs from lpkpi in {months}: it shows {less} less and {more} more"
        ),
        (None, None) => format!("The official dashboard differs from lpkpi in {months}"),
    };
    Some(format!(
        "{what}, and Microsoft renews on the dashboard's figures (see Reconciliation)."
    ))
}

/// The caveats every summary puts beside its verdict, in its order: the anniversary past,
/// the revenue waiting for a rate, the official dashboard's difference, the rows to review
/// (the JSON's `summary.caveats`; the window and the other formats show the same sentences).
pub fn caveats(
    eval: &Evaluation,
    reconciliation: &crate::workspace::reconcile::Reconciliation,
    files: &[crate::import::ImportedFile],
) -> Vec<String> {
    let mut out: Vec<String> = anniversary_notice(eval, files).into_iter().collect();
    out.extend(freshness(eval, files));
    out.extend(held_back(eval));
    out.extend(dashboard_caveat(reconciliation));
    out.extend(review_caveat(eval).map(|c| format!("{c}.")));
    out
}

/// The day the latest file was imported into the workspace; None when no file has one (a
/// report straight from files, which are as recent as they are).
pub fn last_import_day(files: &[crate::import::ImportedFile]) -> Option<chrono::NaiveDate> {
    files
        .iter()
        .filter_map(|f| f.imported_at)
        .max()
        .map(|at| at.date())
}

/// What the figures cannot know, said beside the verdict (README 37):
/// - purchases after the latest import: missing from figures called final once the deadline
///   has passed, and from months the run rate takes as complete;
/// - purchases dated after the as-of day (a day in the past): counted, as R3 counts every
///   purchase in the window, while the forecast adds the run rate for their months too (those
///   of the months after the as-of day's, the months R5 projects).
pub fn freshness(eval: &Evaluation, files: &[crate::import::ImportedFile]) -> Vec<String> {
    use crate::money::Month;
    let mut out = Vec::new();
    let deadline = eval.dates.deadline;
    if let Some(last) = last_import_day(files) {
        if eval.as_of > deadline && last < deadline {
            out.push(format!(
                "The latest export was imported on {last}, before the deadline {deadline}: purchases invoiced after it are not in these figures, so they are not final."
            ));
        } else if eval.days_to_deadline >= 0 {
            // the window's months before the as-of day's that the imports do not cover whole
            let as_of = Month::of(eval.as_of);
            let first = Month::of(last).max(Month::of(eval.dates.window_start));
            let partial: Vec<Month> = (0..first.until(as_of).max(0))
                .map(|i| first.plus(i))
                .filter(|m| m.last_day() > last)
                .collect();
            if !partial.is_empty() {
                // the run rate takes them as complete, when there is one to project
                let taken = if !projects(eval) {
                    String::new()
                } else if partial.len() == 1 {
                    format!(
                        ", yet the run rate takes {} as a complete month",
                        months_phrase(partial.iter().copied())
                    )
                } else {
                    format!(
                        ", yet the run rate takes {} as complete months",
                        months_phrase(partial.iter().copied())
                    )
                };
                out.push(format!(
                    "The latest export was imported on {last}: purchases after it are not in these figures{taken}."
                ));
            }
        }
    }
    // purchases dated in the window's months after the as-of day's month
    let as_of = Month::of(eval.as_of);
    let later: Vec<&crate::rules::figures::MonthFigures> = eval
        .monthly
        .iter()
        .filter(|m| m.month > as_of)
        .filter(|m| !m.month_total.kpi_units.is_zero() || !m.month_total.revenue_usd.is_zero())
        .collect();
    if !later.is_empty() {
        let sum = |f: fn(&crate::rules::figures::Figures) -> rust_decimal::Decimal| {
            later.iter().fold(rust_decimal::Decimal::ZERO, |a, m| {
                a.saturating_add(f(&m.month_total))
            })
        };
        // the forecast projects the run rate over those months too, when it projects one
        let again = if projects(eval) {
            ", and the forecast adds the run rate for those months as well"
        } else {
            ""
        };
        out.push(format!(
            "Purchases dated in the months after the as-of day's ({} and {} in {}) are in these figures: every purchase in the window counts{again}.",
            kpi_units(sum(|f| f.kpi_units)),
            super::usd(sum(|f| f.revenue_usd)),
            months_phrase(later.iter().map(|m| m.month)),
        ));
    }
    out
}

/// How recent the figures' purchases are: "last import 2026-11-20", the day the latest file
/// was imported into the workspace; None when no file has that day (a report straight from
/// files).
pub fn last_import(files: &[crate::import::ImportedFile]) -> Option<String> {
    last_import_day(files).map(|day| format!("last import {day}"))
}

/// The evaluation's warnings a list of warnings shows: all but the anniversary's passing,
/// which [`anniversary_notice`] puts at the top of the verdict.
pub fn listed_warnings(eval: &Evaluation) -> impl Iterator<Item = &String> {
    let past = crate::rules::evaluate::anniversary_past(&eval.dates, eval.as_of);
    eval.warnings
        .iter()
        .filter(move |w| past.as_ref() != Some(*w))
}

/// At the top of the verdict once the anniversary is past: the figures are those of a renewal
/// already decided, and following the next one asks for its anniversary.
/// When the latest import came before the deadline, they are only the figures as imported
/// ([`freshness`] says what is missing).
pub fn anniversary_notice(
    eval: &Evaluation,
    files: &[crate::import::ImportedFile],
) -> Option<String> {
    crate::rules::evaluate::anniversary_past(&eval.dates, eval.as_of).map(|_| {
        let figures = match last_import_day(files) {
            Some(last) if last < eval.dates.deadline => "figures as imported",
            _ => "final figures",
        };
        format!(
            "The anniversary {} is past: these are that renewal's {figures}. Enter the next anniversary to follow the next renewal.",
            eval.dates.anniversary
        )
    })
}

fn compared_months(differing: usize, n: usize) -> String {
    match (differing, n) {
        (0, 1) => "The one month with official figures agrees with lpkpi.".to_string(),
        (0, n) => format!("Every one of the {n} months with official figures agrees with lpkpi."),
        (1, 1) => "The one month with official figures differs from lpkpi.".to_string(),
        (d, n) if d == n => format!("All {n} months with official figures differ from lpkpi."),
        (d, n) => {
            let verb = if d == 1 { "differs" } else { "differ" };
            let rest = if n - d == 1 {
                "the other agrees"
            } else {
                "the others agree"
            };
            format!("{d} of the {n} months with official figures {verb} from lpkpi; {rest}.")
        }
    }
}

/// Where the as-of date stands against the deadline, in words.
pub fn countdown(eval: &Evaluation) -> String {
    match eval.days_to_deadline {
        0 => "it is the deadline day".to_string(),
        1 => "1 day to the deadline".to_string(),
        -1 => "the deadline passed 1 day ago".to_string(),
        d if d > 0 => format!("{d} days to the deadline"),
        d => format!("the deadline passed {} days ago", -d),
    }
}

/// Whether "still needed per remaining month" means anything: the target is not met yet and the
/// deadline has not passed.
pub fn needs_monthly(eval: &Evaluation, needed_per_month: rust_decimal::Decimal) -> bool {
    needed_per_month > rust_decimal::Decimal::ZERO && eval.days_to_deadline >= 0
}

/// Whether a month of the window has figures to show: months up to the as-of month do, and a
/// later month only when purchases are dated in it (otherwise it shows "—", never a 0 that
/// would read as real zero sales).
pub fn month_reached(eval: &Evaluation, m: &crate::rules::figures::MonthFigures) -> bool {
    m.month <= crate::rules::Month::of(eval.as_of)
        || !m.month_total.kpi_units.is_zero()
        || !m.month_total.revenue_usd.is_zero()
}

/// Whether the forecast projects a run rate: the window is open, a month of it is complete,
/// and a month is left after the as-of day's. Otherwise no chart draws a forecast line (the
/// sentence says why: no completed month yet, no month left, the window closed).
pub fn projects(eval: &Evaluation) -> bool {
    let f = &eval.forecast;
    eval.days_to_deadline >= 0 && f.completed_months > 0 && f.open_months > 0
}

/// The name of the charts' forecast line, in the window and in every summary.
pub const FORECAST_LINE: &str = "Forecast at the run rate";

/// The name of the charts' line with the planned purchases, in the window and every summary.
pub const PLAN_LINE: &str = "With planned purchases";

/// The line under the window's chart of one figure (`revenue`, else KPI units): where it
/// stands and where the forecast puts it, in [`forecast_sentence`]'s terms.
pub fn chart_footer(eval: &Evaluation, revenue: bool) -> String {
    use crate::rules::figures::Figures;
    let pick = |f: &Figures| if revenue { f.revenue_usd } else { f.kpi_units };
    let fmt = |d| {
        if revenue { super::usd(d) } else { kpi_units(d) }
    };
    let f = &eval.forecast;
    let (actual, planned) = (pick(&eval.totals), pick(&f.planned));
    // the revenue waiting for a rate is in no line of the chart: said beside it
    let waiting: Vec<String> = if revenue {
        held_back_by_currency(eval)
            .into_iter()
            .filter(|(_, amount, ..)| !amount.is_zero())
            .map(|(code, amount, ..)| format!("{code} {}", super::grouped(amount, 2)))
            .collect()
    } else {
        Vec::new()
    };
    let waiting = match waiting.as_slice() {
        [] => String::new(),
        list => format!(
            " · {} more waiting for an exchange rate",
            list.join(" and ")
        ),
    };
    let with_plans = if planned.is_zero() {
        String::new()
    } else {
        format!(", {} with planned purchases", fmt(pick(&f.at_deadline)))
    };
    let at = if eval.days_to_deadline < 0 {
        return format!(
            "The window closed at {}{waiting} · as of {}",
            fmt(actual),
            eval.as_of
        );
    } else if f.open_months == 0 {
        format!("no month left to project{with_plans}")
    } else if f.completed_months == 0 {
        format!("no completed month yet, so no run rate to project{with_plans}")
    } else {
        format!(
            "forecast at the deadline {} without planned purchases{with_plans}",
            fmt(pick(&f.at_deadline).saturating_sub(planned))
        )
    };
    format!(
        "Actual {}{waiting} · {at} · as of {}",
        fmt(actual),
        eval.as_of
    )
}

/// The heading over [`forecast_sentence`]: a forecast until the deadline, then what the
/// window ended at.
pub fn forecast_heading(eval: &Evaluation) -> &'static str {
    if eval.days_to_deadline < 0 {
        "At the deadline"
    } else {
        "Forecast at the deadline"
    }
}

/// A planned purchase named in the forecast's sentence.
#[derive(Debug, Clone, Copy)]
pub struct NamedPlan<'a> {
    /// Its description.
    pub what: &'a str,
    /// Its date.
    pub date: chrono::NaiveDate,
    /// What it adds.
    pub figures: crate::rules::forecast::PlannedFigures,
}

/// The planned purchase to name in the forecast's sentence: the only one the forecast counts,
/// when what it adds is the forecast's planned figures (None otherwise, and when the forecast
/// counts several: the sentence then says "the planned purchases").
pub fn named_plan<'a>(
    eval: &Evaluation,
    planned: &'a [crate::workspace::model::PlannedPurchase],
    profile: &crate::rules::Profile,
) -> Option<NamedPlan<'a>> {
    use crate::import::values::cents;
    let mut counted = planned
        .iter()
        .filter(|p| crate::rules::forecast::counts_plan(p.date, eval.as_of, &eval.dates));
    let p = counted.next()?;
    if counted.next().is_some() {
        return None;
    }
    let figures = p.figures(profile);
    let planned = &eval.forecast.planned;
    (cents(figures.kpi_units) == planned.kpi_units
        && cents(figures.revenue_usd) == planned.revenue_usd)
        .then_some(NamedPlan {
            what: p.description.trim(),
            date: p.date,
            figures,
        })
}

/// The forecast at the deadline in one sentence: the run rate, where the window ends without
/// planned purchases, and with them when there are any (each labelled; the one planned
/// purchase it counts named, when given).
pub fn forecast_sentence(eval: &Evaluation, named: Option<NamedPlan<'_>>) -> String {
    use super::usd;
    let f = &eval.forecast;
    let without_units = f.at_deadline.kpi_units.saturating_sub(f.planned.kpi_units);
    let without_usd = f
        .at_deadline
        .revenue_usd
        .saturating_sub(f.planned.revenue_usd);
    if eval.days_to_deadline < 0 {
        // the window is closed: what it ended at, not a forecast
        return format!(
            "The window closed at {} and {}.",
            kpi_units(without_units),
            usd(without_usd)
        );
    }
    let (units, dollars) = (kpi_units(without_units), usd(without_usd));
    let mut out = if f.open_months == 0 {
        // the deadline's month: nothing is projected, and purchases can still be made
        format!(
            "No month is left to project: the window stands at {units} and {dollars} without planned purchases, and what is invoiced by {} still counts",
            eval.dates.deadline
        )
    } else if f.completed_months == 0 {
        format!(
            "With no completed month yet there is no run rate to project: the window stands at {units} and {dollars} without planned purchases"
        )
    } else {
        format!(
            "At the run rate of the {} ({} and {} a month), the window ends at {units} and {dollars} without planned purchases",
            count_of(f.completed_months, "completed month", "completed months"),
            kpi_units(f.run_rate.kpi_units),
            usd(f.run_rate.revenue_usd)
        )
    };
    if !f.planned.kpi_units.is_zero() || !f.planned.revenue_usd.is_zero() {
        let with = match named {
            Some(p) => format!(
                "the planned purchase {}on {} ({}, {})",
                if p.what.is_empty() {
                    String::new()
                } else {
                    format!("'{}' ", p.what)
                },
                p.date,
                kpi_units(p.figures.kpi_units),
                usd(p.figures.revenue_usd)
            ),
            None => "the planned purchases".to_string(),
        };
        out.push_str(&format!(
            "; with {with}, at {} and {}",
            kpi_units(f.at_deadline.kpi_units),
            usd(f.at_deadline.revenue_usd)
        ));
    }
    out.push('.');
    out
}

/// A currency without a rate whose rows all add no revenue as classified: "GBP has no exchange
/// rate: 1 row in GBP waits for one; it adds no revenue as classified."
pub fn no_revenue_waits(code: &str, rows: usize) -> String {
    match rows {
        1 => format!(
            "{code} has no exchange rate: 1 row in {code} waits for one; it adds no revenue as classified."
        ),
        o => format!(
            "{code} has no exchange rate: {} in {code} wait for one, none of which adds revenue as classified.",
            count_of(o, "row", "rows")
        ),
    }
}

/// What follows a currency's held-back revenue when more of its rows wait for a rate but add
/// no revenue as classified: " (2 more rows in EUR add no revenue as classified)"; "" for none.
pub fn no_revenue_too(code: &str, rows: usize) -> String {
    match rows {
        0 => String::new(),
        o => format!(
            " ({} in {code} add{} no revenue as classified)",
            count_of(o, "more row", "more rows"),
            if o == 1 { "s" } else { "" }
        ),
    }
}

/// Revenue not counted for want of an exchange rate, one sentence per currency ("EUR 11,365.65
/// in 16 rows waits for an exchange rate: not counted in revenue until the rate is added."),
/// largest first. Only rows whose line's revenue counts are summed (the import preview sums
/// the same ones); a currency whose rows add no revenue is still named, its rate missing.
pub fn held_back(eval: &Evaluation) -> Vec<String> {
    held_back_said(eval).into_iter().map(|(_, s)| s).collect()
}

/// [`held_back`]'s sentences, each with its currency's code (for a form that adds its rate).
pub fn held_back_said(eval: &Evaluation) -> Vec<(String, String)> {
    held_back_by_currency(eval)
        .into_iter()
        .map(|(code, amount, n, other)| {
            let also = no_revenue_too(&code, other);
            let said = if n == 0 {
                no_revenue_waits(&code, other)
            } else {
                // the months named: a rate given for other months is not theirs
                let months = months_phrase(
                    eval.needs_rate
                        .iter()
                        .filter(|r| r.revenue && r.currency.as_str() == code)
                        .map(|r| r.month),
                );
                format!(
                    "{code} {} in {} of {months} wait{} for an exchange rate: not counted in revenue until the rate is added{also}.",
                    super::grouped(amount, 2),
                    count_of(n, "row", "rows"),
                    if n == 1 { "s" } else { "" },
                )
            };
            (code, said)
        })
        .collect()
}

/// Months in a sentence: "2026-04", "2026-04 to 2026-11" (a run), "2026-04, 2026-06 and
/// 2026-09", or "7 months from 2026-03 to 2026-11".
fn months_phrase(months: impl Iterator<Item = crate::money::Month>) -> String {
    let set: std::collections::BTreeSet<_> = months.collect();
    let list: Vec<_> = set.into_iter().collect();
    let (Some(first), Some(last)) = (list.first(), list.last()) else {
        return String::new();
    };
    let run = list.windows(2).all(|w| w[0].plus(1) == w[1]);
    match list.len() {
        1 => first.label(),
        _ if run => format!("{} to {}", first.label(), last.label()),
        2..=4 => {
            let labels: Vec<String> = list.iter().map(|m| m.label()).collect();
            match labels.split_last() {
                Some((tail, head)) => format!("{} and {tail}", head.join(", ")),
                None => String::new(),
            }
        }
        n => format!("{n} months from {} to {}", first.label(), last.label()),
    }
}

/// Per currency, largest first: the revenue waiting for a rate (rows whose line's revenue
/// counts), its rows, and the rows that add no revenue.
fn held_back_by_currency(eval: &Evaluation) -> Vec<(String, rust_decimal::Decimal, usize, usize)> {
    let mut by: Vec<(String, rust_decimal::Decimal, usize, usize)> = Vec::new();
    for r in &eval.needs_rate {
        let code = r.currency.as_str().to_string();
        let i = match by.iter().position(|(c, ..)| *c == code) {
            Some(i) => i,
            None => {
                by.push((code, rust_decimal::Decimal::ZERO, 0, 0));
                by.len() - 1
            }
        };
        if let Some((_, amount, n, other)) = by.get_mut(i) {
            if r.revenue {
                *amount = amount.saturating_add(r.amount);
                *n += 1;
            } else {
                *other += 1;
            }
        }
    }
    by.sort_by_key(|b| std::cmp::Reverse(b.1));
    by
}

/// The exchange rates behind the revenue ("exchange rates: 1 EUR = 1.10 USD (1.08 USD in
/// 2026-04) and 1 GBP = 1.27 USD"); None when every counted row is in USD.
pub fn rates_phrase(eval: &Evaluation) -> Option<String> {
    let rate = |d: rust_decimal::Decimal| {
        let mut d = d.normalize();
        if d.scale() < 2 {
            d.rescale(2);
        }
        d.to_string()
    };
    let mut parts: Vec<String> = Vec::new();
    let mut used = eval.rates_used.iter().peekable();
    while let Some(first) = used.next() {
        let currency = first.currency;
        let mut general = None;
        let mut months = Vec::new();
        let mut take = |r: &crate::rules::evaluate::RateUsed| match r.month {
            None => general = Some(rate(r.usd_per)),
            Some(m) => months.push(format!("{} USD in {}", rate(r.usd_per), m.label())),
        };
        take(first);
        while let Some(r) = used.next_if(|r| r.currency == currency) {
            take(r);
        }
        // "1 EUR = 1.10 USD": an amount a reader cannot take for a price
        let code = currency.as_str();
        parts.push(match (general, months.is_empty()) {
            (Some(g), true) => format!("1 {code} = {g} USD"),
            (Some(g), false) => format!("1 {code} = {g} USD ({})", months.join(", ")),
            (None, _) => format!("1 {code} = {}", months.join(", ")),
        });
    }
    (!parts.is_empty()).then(|| {
        format!(
            "exchange rate{}: {}",
            if eval.rates_used.len() == 1 { "" } else { "s" },
            and_list(&parts)
        )
    })
}

/// What each target not yet met still needs, one sentence a target, the window and every
/// summary alike: the shortfall, what it asks a month (R5: over the open months and the
/// as-of day's own, in which purchases can still be made), and what the forecast makes of it.
/// When the run rate falls short, the sentence says by how much it ends short at the deadline,
/// for purchases above the run rate (in any month left) to make up, and what the planned
/// purchases change ("Gold KPI units: 1,332 short (333 a month over the 4 months to the
/// deadline, November included); at the run rate it ends 19.12 short, for purchases above the
/// run rate to make up; with the planned purchases it is reached.").
pub fn needed_lines(eval: &Evaluation) -> Vec<String> {
    use super::{grouped_units, usd};
    let f = &eval.forecast;
    let months = f.buying_months;
    let this_month = eval.as_of.format("%B").to_string();
    // before the window opens, the as-of month's purchases do not count: the months left are
    // the window's own
    let spread = if eval.as_of < eval.dates.window_start {
        format!(
            "the window's {months} months, from {}",
            eval.dates.window_start.format("%B %Y")
        )
    } else {
        format!("the {months} months to the deadline, {this_month} included")
    };
    // a level above the current one is an upgrade, said as one and after the rest (the
    // levels are listed highest first)
    let rank = |id: &str| eval.levels.iter().position(|l| l.id == id);
    let current = eval.current_level.as_deref().and_then(rank);
    let above = |id: &str| matches!((rank(id), current), (Some(r), Some(c)) if r < c);
    let mut targets: Vec<&crate::rules::forecast::TargetForecast> = eval
        .forecast
        .targets
        .iter()
        .filter(|t| needs_monthly(eval, t.needed_per_month))
        .collect();
    targets.sort_by_key(|t| above(&t.level));
    targets
        .into_iter()
        .map(|t| {
            let revenue = t.requirement == Requirement::Revenue;
            let (what, figure): (&str, fn(rust_decimal::Decimal) -> String) = if revenue {
                ("revenue", usd)
            } else {
                ("KPI units", grouped_units)
            };
            let pick = |x: &crate::rules::figures::Figures| if revenue { x.revenue_usd } else { x.kpi_units };
            let have = pick(&eval.totals);
            let short = t.target.saturating_sub(have).max(rust_decimal::Decimal::ZERO);
            // a revenue target rows waiting for a rate could reach is short of the revenue
            // counted so far, and said so, as the levels' table says it (README 31)
            let unknown = revenue
                && eval.levels.iter().any(|l| {
                    l.id == t.level
                        && l.checks
                            .iter()
                            .any(|c| c.requirement == Requirement::Revenue && c.met.is_none())
                });
            let short_word = if unknown {
                "short without the rows waiting for a rate"
            } else {
                "short"
            };
            let head = if months == 1 {
                format!(
                    "{} {short_word}, to be bought in {this_month}, the window's last month",
                    figure(short)
                )
            } else {
                format!(
                    "{} {short_word} ({} a month over {spread})",
                    figure(short),
                    figure(t.needed_per_month)
                )
            };
            let name = level_name(eval, &t.level);
            let mut out = if above(&t.level) {
                format!("{name} {what} (an upgrade): {head}")
            } else {
                format!("{name} {what}: {head}")
            };
            match t.reached_on {
                Some(d) => out.push_str(&format!("; at the run rate it is reached by {d}")),
                None if f.open_months == 0 => {}
                // the forecast's sentence says there is no run rate yet
                None if f.completed_months == 0 => {}
                // what purchases above the run rate must make up, unless the plans do
                None if t.short_with_plans.is_zero() && !pick(&f.planned).is_zero() => out
                    .push_str(&format!(
                        "; at the run rate it ends {} short",
                        figure(t.short_at_run_rate)
                    )),
                None => out.push_str(&format!(
                    "; at the run rate it ends {} short, for purchases above the run rate to make up",
                    figure(t.short_at_run_rate)
                )),
            }
            if t.reached_on.is_none() && !pick(&f.planned).is_zero() {
                let plans = if f.plans_counted == 1 {
                    "the planned purchase"
                } else {
                    "the planned purchases"
                };
                // the plans on top of the run rate, when there is one: not the plans alone
                let also = if f.completed_months > 0 && f.open_months > 0 {
                    " as well"
                } else {
                    ""
                };
                let over = pick(&f.at_deadline).saturating_sub(t.target);
                if t.short_with_plans.is_zero() && over > rust_decimal::Decimal::ZERO {
                    out.push_str(&format!(
                        "; with {plans}{also} it ends {} above",
                        figure(over)
                    ));
                } else if t.short_with_plans.is_zero() {
                    out.push_str(&format!("; with {plans}{also} it is reached exactly"));
                } else {
                    out.push_str(&format!(
                        "; with {plans}{also} it is still {} short",
                        figure(t.short_with_plans)
                    ));
                }
            }
            out.push('.');
            out
        })
        .collect()
}

/// Why a level is not known, its requirements' reasons in one clause.
fn unknown_reasons(l: &LevelStatus) -> String {
    let why: Vec<String> = l
        .checks
        .iter()
        .filter(|c| c.met.is_none())
        .map(|c| why_unknown(l, c))
        .collect();
    and_list(&why)
}

/// The verdict of `eval`, against the partner's current level it was judged with.
pub fn verdict(eval: &Evaluation) -> VerdictSummary {
    let current = eval.current_level.as_deref();
    let levels: Vec<LevelState> = eval
        .levels
        .iter()
        .map(|l| LevelState {
            id: l.id.clone(),
            name: l.name.clone(),
            requirements: l
                .checks
                .iter()
                .map(|c| RequirementState {
                    requirement: c.requirement,
                    known: match c.met {
                        Some(true) => Known::Met,
                        Some(false) => Known::NotMet,
                        None => Known::Unknown(why_unknown(l, c)),
                    },
                })
                .collect(),
        })
        .collect();
    let level = |id: &str| eval.levels.iter().find(|l| l.id == id);
    let (sentence, good) = match (current, &eval.verdict) {
        (None, _) => (
            "No verdict yet: the partner's current level is not recorded.".to_string(),
            None,
        ),
        (Some(id), _) if level(id).is_none() => (
            format!("No verdict yet: the current level '{id}' is not a level of the program."),
            None,
        ),
        (Some(_), Some(v)) => {
            let now = level(&v.current);
            let name = |l: Option<&LevelStatus>| l.map_or(String::new(), |l| l.name.clone());
            let to = name(v.to.as_deref().and_then(level));
            let current = name(now);
            let (missing, plural) = now.map(missing).unwrap_or_default();
            // after the deadline the window's figures are all in: no "unless" is left
            let passed = eval.days_to_deadline < 0;
            let too = now.map(unknown_too).unwrap_or_default();
            let why = match (passed, plural) {
                (false, true) => {
                    format!(" unless {current}'s {missing} are met by the deadline{too}")
                }
                (false, false) => {
                    format!(" unless {current}'s {missing} is met by the deadline{too}")
                }
                (true, true) => format!(": {current}'s {missing} were not met by the deadline"),
                (true, false) => format!(": {current}'s {missing} was not met by the deadline"),
            };
            // removed: the lowest level is the way to stay in the program at all
            let lowest = eval
                .levels
                .last()
                .filter(|l| !passed && Some(l.id.as_str()) != now.map(|n| n.id.as_str()));
            let stay = lowest.map_or(String::new(), |l| {
                let (lacking, _) = self::missing(l);
                format!(
                    // "or above": a level above may ask no more of what it lacks (R1 then keeps it)
                    "; meeting {}'s {lacking}{} would keep the partner in the program, at {} or above",
                    l.name,
                    unknown_too(l),
                    l.name,
                )
            });
            match v.outcome {
                Outcome::Keeps => (
                    format!("Keeps {current}: every requirement of {current} is met."),
                    Some(true),
                ),
                Outcome::Qualifies => (
                    format!(
                        "Meets {to}, above the current level {current}: {current} is kept (an upgrade is a separate application)."
                    ),
                    Some(true),
                ),
                Outcome::Drops => (format!("Drops from {current} to {to}{why}."), Some(false)),
                Outcome::Removed => (
                    format!("Removed from the program (now {current}){why}{stay}."),
                    Some(false),
                ),
            }
        }
        (Some(_), None) => {
            // R1 walks the levels from the highest down (those above the current one, then it,
            // then those below): the first level not known is the one that stands in the way
            let blocking = eval.levels.iter().position(|l| l.met.is_none());
            let current = current.and_then(|id| eval.levels.iter().position(|l| l.id == id));
            match blocking.and_then(|b| Some((b, eval.levels.get(b)?))) {
                Some((b, l)) => {
                    let unknown = format!("whether {} is met: {}.", l.name, unknown_reasons(l));
                    // every level from the top down to the current one is known: when the
                    // current one is not met it is lost, whatever the level below turns out
                    let lost = current
                        .filter(|&c| c < b)
                        .and_then(|c| eval.levels.get(c))
                        .filter(|c| c.met == Some(false));
                    match lost {
                        Some(now) => {
                            let (missing, plural) = missing(now);
                            let too = if eval.days_to_deadline < 0 {
                                String::new()
                            } else {
                                unknown_too(now)
                            };
                            let (verb, done) = match (plural, eval.days_to_deadline < 0) {
                                (true, false) => ("are", "unless"),
                                (false, false) => ("is", "unless"),
                                (true, true) => ("were not", "as"),
                                (false, true) => ("was not", "as"),
                            };
                            (
                                format!(
                                    "Loses {} {done} {}'s {missing} {verb} met by the deadline{too}; not known yet {unknown}",
                                    now.name, now.name
                                ),
                                Some(false),
                            )
                        }
                        None => {
                            // the level the partner holds, below the one not known, said too:
                            // whether it is kept is the question of staying in the program
                            let held = current.filter(|&c| c > b).and_then(|c| eval.levels.get(c));
                            let also = match held {
                                Some(now) if now.met == Some(true) => {
                                    format!(" {} is kept either way.", now.name)
                                }
                                Some(now) if now.met.is_none() => format!(
                                    " Nor is it known whether {} is kept: {}.",
                                    now.name,
                                    unknown_reasons(now)
                                ),
                                // not met, with a level between the two met: R1 keeps it
                                Some(now)
                                    if let Some(mid) = eval
                                        .levels
                                        .get(b + 1..current.unwrap_or(b + 1))
                                        .and_then(|between| {
                                            between.iter().find(|l| l.met == Some(true))
                                        }) =>
                                {
                                    format!(
                                        " {} is kept either way: {}, above it, is met.",
                                        now.name, mid.name
                                    )
                                }
                                Some(now) => {
                                    // not met: what the partner drops to unless the level
                                    // not known is met (or, before the deadline, it is)
                                    let (missing, plural) = missing(now);
                                    let below = current.and_then(|c| {
                                        eval.levels
                                            .iter()
                                            .skip(c + 1)
                                            .find(|l| l.met != Some(false))
                                    });
                                    let drops = match below {
                                        Some(lower) if lower.met == Some(true) => {
                                            format!("the partner drops to {}", lower.name)
                                        }
                                        Some(lower) => {
                                            format!("the partner drops to {} at best", lower.name)
                                        }
                                        None => "the partner is removed from the program".into(),
                                    };
                                    if eval.days_to_deadline < 0 {
                                        format!(
                                            " {}'s {missing} {} not met: unless {} is met, {drops}.",
                                            now.name,
                                            if plural { "were" } else { "was" },
                                            l.name
                                        )
                                    } else {
                                        format!(
                                            " {}'s {missing} {} not met yet: unless {} met by the deadline or {} is met, {drops}.",
                                            now.name,
                                            if plural { "are" } else { "is" },
                                            if plural { "they are" } else { "it is" },
                                            l.name
                                        )
                                    }
                                }
                                None => String::new(),
                            };
                            (format!("Not known yet {unknown}{also}"), None)
                        }
                    }
                }
                None => ("No verdict yet.".to_string(), None),
            }
        }
    };
    VerdictSummary {
        levels,
        sentence,
        good,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal::Decimal;

    fn check(requirement: Requirement, met: Option<bool>) -> Check {
        Check {
            requirement,
            met,
            actual: None,
            target: Some(Decimal::ONE),
        }
    }

    fn level(id: &str, name: &str, checks: Vec<Check>) -> LevelStatus {
        let met = if checks.iter().any(|c| c.met == Some(false)) {
            Some(false)
        } else if checks.iter().any(|c| c.met.is_none()) {
            None
        } else {
            Some(true)
        };
        LevelStatus {
            id: id.into(),
            name: name.into(),
            checks,
            met,
        }
    }

    #[test]
    fn countdown_words() {
        let mut e = evaluation(Vec::new(), None);
        for (days, words) in [
            (91, "91 days to the deadline"),
            (1, "1 day to the deadline"),
            (0, "it is the deadline day"),
            (-60, "the deadline passed 60 days ago"),
        ] {
            e.days_to_deadline = days;
            assert_eq!(countdown(&e), words);
        }
        assert!(!needs_monthly(&e, Decimal::ONE), "past the deadline");
        e.days_to_deadline = 3;
        assert!(needs_monthly(&e, Decimal::ONE));
        assert!(!needs_monthly(&e, Decimal::ZERO), "target met");
    }

    #[test]
    fn later_months_without_purchases_are_not_zero_and_the_plan_is_labelled() {
        use crate::rules::figures::{Figures, MonthFigures};
        let mut e = evaluation(Vec::new(), None);
        e.as_of = chrono::NaiveDate::from_ymd_opt(2026, 5, 10).unwrap_or_default();
        let month = |y, m, units: i64| MonthFigures {
            month: crate::rules::Month::of(
                chrono::NaiveDate::from_ymd_opt(y, m, 1).unwrap_or_default(),
            ),
            month_total: Figures {
                kpi_units: Decimal::from(units),
                revenue_usd: Decimal::ZERO,
            },
            cumulative: Figures::default(),
        };
        assert!(
            month_reached(&e, &month(2026, 4, 0)),
            "before the as-of month"
        );
        assert!(month_reached(&e, &month(2026, 5, 0)), "the as-of month");
        assert!(
            !month_reached(&e, &month(2026, 6, 0)),
            "later, nothing bought"
        );
        assert!(month_reached(&e, &month(2026, 6, 3)), "later, but bought");

        e.forecast.completed_months = 2;
        e.forecast.open_months = 3;
        e.forecast.at_deadline = Figures {
            kpi_units: Decimal::from(1200),
            revenue_usd: Decimal::from(50_000),
        };
        assert_eq!(
            forecast_sentence(&e, None),
            "At the run rate of the 2 completed months (0 KPI units and $0.00 a month), the window ends at 1,200 KPI units and $50,000.00 without planned purchases."
        );
        e.forecast.planned = Figures {
            kpi_units: Decimal::from(200),
            revenue_usd: Decimal::from(10_000),
        };
        assert_eq!(
            forecast_sentence(&e, None),
            "At the run rate of the 2 completed months (0 KPI units and $0.00 a month), the window ends at 1,000 KPI units and $40,000.00 without planned purchases; with the planned purchases, at 1,200 KPI units and $50,000.00."
        );
    }

    #[test]
    fn and_lists() {
        let s = |v: &[&str]| and_list(&v.iter().map(|x| x.to_string()).collect::<Vec<_>>());
        assert_eq!(s(&[]), "");
        assert_eq!(s(&["a"]), "a");
        assert_eq!(s(&["a", "b"]), "a and b");
        assert_eq!(s(&["a", "b", "c"]), "a, b and c");
    }

    #[test]
    fn unknown_names_the_level_and_why() {
        use Requirement::*;
        let levels = vec![
            level(
                "gold",
                "Gold",
                vec![check(KpiUnits, Some(false)), check(Mct, Some(true))],
            ),
            level(
                "silver",
                "Silver",
                vec![
                    check(KpiUnits, Some(true)),
                    check(Mct, Some(true)),
                    check(Exams, None),
                ],
            ),
        ];
        let at = |l: &[LevelStatus], id: &str| {
            crate::rules::verdict::verdict(l, id).map(|v| (v.outcome, v.to))
        };
        assert_eq!(at(&levels, "silver"), None, "R1: unknown");
        let line = |current| {
            let e = evaluation(levels.clone(), current);
            verdict(&e).sentence
        };
        assert_eq!(
            line(Some("silver")),
            "Not known yet whether Silver is met: no competency exam rule for Silver is recorded."
        );
        assert_eq!(
            line(None),
            "No verdict yet: the partner's current level is not recorded."
        );
        // Gold is known lost (every level from the top to it is known): that comes first
        assert_eq!(
            line(Some("gold")),
            "Loses Gold unless Gold's KPI units are met by the deadline; not known yet whether Silver is met: no competency exam rule for Silver is recorded."
        );
        let mut e = evaluation(levels.clone(), Some("gold"));
        e.days_to_deadline = -2;
        assert_eq!(
            verdict(&e).sentence,
            "Loses Gold as Gold's KPI units were not met by the deadline; not known yet whether Silver is met: no competency exam rule for Silver is recorded."
        );
        assert_eq!(verdict(&e).good, Some(false));
        // a level above the current one not known: nothing is lost for sure
        let mut above = levels.clone();
        above[0].checks[0].met = None;
        above[0].met = None;
        let e = evaluation(above, Some("silver"));
        assert!(
            verdict(&e)
                .sentence
                .starts_with("Not known yet whether Gold is met")
        );
        // the level held, below the one not known, is said too: kept either way, not known,
        // or not met
        let mut held = levels.clone();
        held.push(level(
            "lap",
            "Learning Action Pack",
            vec![check(Mct, Some(true))],
        ));
        let line =
            |levels: &[LevelStatus]| verdict(&evaluation(levels.to_vec(), Some("lap"))).sentence;
        assert_eq!(
            line(&held),
            "Not known yet whether Silver is met: no competency exam rule for Silver is recorded. Learning Action Pack is kept either way."
        );
        held[2] = level("lap", "Learning Action Pack", vec![check(Mct, None)]);
        assert_eq!(
            line(&held),
            "Not known yet whether Silver is met: no competency exam rule for Silver is recorded. Nor is it known whether Learning Action Pack is kept: no Certified Trainers (MCTs) are recorded."
        );
        held[2] = level("lap", "Learning Action Pack", vec![check(Mct, Some(false))]);
        assert_eq!(
            line(&held),
            "Not known yet whether Silver is met: no competency exam rule for Silver is recorded. Learning Action Pack's Certified Trainers (MCTs) are not met yet: unless they are met by the deadline or Silver is met, the partner is removed from the program."
        );
        // not met, with a level below that is: the partner drops to it
        let mut gold_unknown = held.clone();
        gold_unknown[0] = level("gold", "Gold", vec![check(KpiUnits, None)]);
        gold_unknown[1] = level("silver", "Silver", vec![check(Exams, Some(false))]);
        gold_unknown[2] = level("lap", "Learning Action Pack", vec![check(Mct, Some(true))]);
        let mut e = evaluation(gold_unknown, Some("silver"));
        assert_eq!(
            verdict(&e).sentence,
            "Not known yet whether Gold is met: the KPI units of Gold cannot be computed. Silver's competency exam rule is not met yet: unless it is met by the deadline or Gold is met, the partner drops to Learning Action Pack."
        );
        // a level between the one not known and the one held is met: it is kept (R1)
        let mut four = vec![level("platinum", "Platinum", vec![check(KpiUnits, None)])];
        four.extend(gold_unknown_met_gold(&e.levels));
        assert!(
            verdict(&evaluation(four, Some("silver")))
                .sentence
                .ends_with(" Silver is kept either way: Gold, above it, is met."),
        );
        e.days_to_deadline = -1;
        assert!(
            verdict(&e).sentence.ends_with(
                "Silver's competency exam rule was not met: unless Gold is met, the partner drops to Learning Action Pack."
            ),
            "{}",
            verdict(&e).sentence
        );
    }

    /// `levels` with Gold met.
    fn gold_unknown_met_gold(levels: &[LevelStatus]) -> Vec<LevelStatus> {
        let mut out = levels.to_vec();
        out[0] = level(
            "gold",
            "Gold",
            vec![check(Requirement::KpiUnits, Some(true))],
        );
        out
    }

    fn evaluation(levels: Vec<LevelStatus>, current: Option<&str>) -> Evaluation {
        let verdict = current.and_then(|c| crate::rules::verdict::verdict(&levels, c));
        let dates = crate::rules::RenewalDates::new(
            chrono::NaiveDate::from_ymd_opt(2026, 10, 1).unwrap_or_default(),
        );
        Evaluation {
            dates,
            as_of: dates.anniversary,
            days_to_deadline: 0,
            monthly: Vec::new(),
            totals: Default::default(),
            by_line: Default::default(),
            counts: Default::default(),
            rejected: Vec::new(),
            needs_rate: Vec::new(),
            review: Vec::new(),
            readiness: None,
            verdict,
            current_level: current.map(str::to_string),
            levels,
            forecast: crate::rules::forecast::Forecast {
                completed_months: 0,
                open_months: 0,
                buying_months: 1,
                run_rate: Default::default(),
                at_deadline: Default::default(),
                planned: Default::default(),
                plans_counted: 0,
                targets: Vec::new(),
            },
            warnings: Vec::new(),
            classes: Vec::new(),
            row_fates: Vec::new(),
            rates_used: Vec::new(),
        }
    }

    /// The demo's Gold KPI units on 2026-11-26: 3,668 of 5,000, a run rate of 437.625 over
    /// the 3 months after November (4,980.875 at the deadline, 19.125 short), and a plan.
    fn short_of_gold(
        reached_on: Option<chrono::NaiveDate>,
        planned: &str,
    ) -> (Evaluation, Vec<String>) {
        use crate::import::values::cents;
        use crate::rules::figures::Figures;
        use rust_decimal::Decimal;
        let dec = |s: &str| s.parse::<Decimal>().unwrap_or_default();
        let short = |d: Decimal| cents(d.max(Decimal::ZERO));
        let mut e = evaluation(vec![level("gold", "Gold", Vec::new())], None);
        e.as_of = chrono::NaiveDate::from_ymd_opt(2026, 11, 26).unwrap_or_default();
        e.days_to_deadline = 94;
        e.totals.kpi_units = dec("3668");
        let units = |s: &str| Figures {
            kpi_units: dec(s),
            revenue_usd: Decimal::ZERO,
        };
        e.forecast = crate::rules::forecast::Forecast {
            completed_months: 8,
            open_months: 3,
            buying_months: 4,
            run_rate: units("437.63"),
            at_deadline: units(&(dec("4980.88") + dec(planned)).to_string()),
            planned: units(planned),
            plans_counted: 1,
            targets: vec![crate::rules::forecast::TargetForecast {
                level: "gold".into(),
                requirement: Requirement::KpiUnits,
                target: dec("5000"),
                needed_per_month: dec("333"),
                reached_on,
                short_at_run_rate: short(dec("19.125")),
                short_with_plans: short(dec("19.125") - dec(planned)),
            }],
        };
        let lines = needed_lines(&e);
        (e, lines)
    }

    /// One month's (KPI units, dollars): lpkpi's, then the dashboard's.
    type Sides = ((i64, i64), (i64, i64));

    /// Months of official figures: lpkpi's (KPI units, dollars) against the dashboard's.
    fn reconciled(months: &[Sides]) -> crate::workspace::reconcile::Reconciliation {
        use crate::rules::figures::Figures;
        use crate::workspace::reconcile::{MonthCheck, Reconciliation, Source};
        let start = crate::rules::window::Month::of(
            chrono::NaiveDate::from_ymd_opt(2026, 3, 1).unwrap_or_default(),
        );
        Reconciliation {
            months: months
                .iter()
                .zip(0..)
                .map(|(&((units, usd), (o_units, o_usd)), i)| MonthCheck {
                    month: start.plus(i),
                    lpkpi: Figures {
                        kpi_units: units.into(),
                        revenue_usd: usd.into(),
                    },
                    official_kpi_units: Some(o_units.into()),
                    official_revenue_usd: Some(o_usd.into()),
                    source: Source::Typed,
                    invoices: Vec::new(),
                })
                .collect(),
        }
    }

    #[test]
    fn a_difference_from_the_dashboard_says_by_how_much_and_which_figures_renewal_stands_on() {
        let same = ((100, 1000), (100, 1000));
        assert_eq!(dashboard_caveat(&reconciled(&[same, same])), None);
        assert_eq!(
            dashboard_caveat(&reconciled(&[same, ((380, 6000), (100, 1000)), same])).unwrap(),
            "The official dashboard shows 280 KPI units and $5,000.00 less than lpkpi in 1 of the 3 months it reports, and Microsoft renews on the dashboard's figures (see Reconciliation)."
        );
        // two months, summed; the dashboard higher in units and lower in dollars
        assert_eq!(
            dashboard_caveat(&reconciled(&[
                ((100, 900), (101, 1000)),
                ((100, 900), (100, 600))
            ]))
            .unwrap(),
            "The official dashboard differs from lpkpi in both months it reports: it shows $300.00 less and 1 KPI unit and $100.00 more, and Microsoft renews on the dashboard's figures (see Reconciliation)."
        );
        // differences both ways are said both ways, never netted into one smaller (or none)
        assert_eq!(
            dashboard_caveat(&reconciled(&[
                ((100, 900), (90, 900)),
                ((100, 900), (110, 900))
            ]))
            .unwrap(),
            "The official dashboard differs from lpkpi in both months it reports: it shows 10 KPI units less and 10 KPI units more, and Microsoft renews on the dashboard's figures (see Reconciliation)."
        );
        // a month that differs only where the dashboard has no figure
        let mut partial = reconciled(&[((100, 900), (100, 900))]);
        partial.months[0].official_kpi_units = None;
        partial.months[0].official_revenue_usd = Some(Decimal::from(800));
        assert_eq!(
            dashboard_caveat(&partial).unwrap(),
            "The official dashboard shows $100.00 less than lpkpi in the one month it reports, and Microsoft renews on the dashboard's figures (see Reconciliation)."
        );
    }

    #[test]
    fn the_review_rows_that_could_change_the_figures_are_said_beside_the_verdict() {
        use crate::rules::figures::{ReviewItem, ReviewKind};
        let mut e = evaluation(Vec::new(), None);
        assert_eq!(review_caveat(&e), None);
        let item = |kind| ReviewItem {
            row: 0,
            file: "a.csv".into(),
            line: 2,
            kind,
            reason: String::new(),
        };
        e.review = vec![item(ReviewKind::NeedsRate)];
        assert_eq!(
            review_caveat(&e),
            None,
            "said apart, with the revenue held back"
        );
        e.review.push(item(ReviewKind::PackagedSet));
        assert_eq!(
            review_caveat(&e).unwrap(),
            "1 row to review could change these figures: 1 row of packaged sets without a component count is counted as 1 component per kit"
        );
        e.review.extend([
            item(ReviewKind::UnknownProduct),
            item(ReviewKind::UnknownProduct),
            item(ReviewKind::DifferingDuplicate),
        ]);
        assert_eq!(
            review_caveat(&e).unwrap(),
            "4 rows to review could change these figures: 2 rows of unknown products are not counted; 1 row of packaged sets without a component count is counted as 1 component per kit; 1 duplicate differs from the row that stands"
        );
    }

    #[test]
    fn the_reconciliation_sentence_agrees_in_number() {
        assert_eq!(
            compared_months(11, 12),
            "11 of the 12 months with official figures differ from lpkpi; the other agrees."
        );
        assert_eq!(
            compared_months(1, 8),
            "1 of the 8 months with official figures differs from lpkpi; the others agree."
        );
        assert_eq!(
            compared_months(1, 2),
            "1 of the 2 months with official figures differs from lpkpi; the other agrees."
        );
        assert_eq!(
            compared_months(3, 3),
            "All 3 months with official figures differ from lpkpi."
        );
        assert_eq!(
            reconciliation_sentence(0, 8),
            "Every one of the 8 months with official figures agrees with lpkpi."
        );
    }

    #[test]
    fn a_target_above_the_current_level_is_said_as_an_upgrade_after_the_rest() {
        let (mut e, _) = short_of_gold(None, "0");
        e.levels = vec![
            level("gold", "Gold", Vec::new()),
            level("silver", "Silver", Vec::new()),
        ];
        let mut silver = e.forecast.targets[0].clone();
        silver.level = "silver".into();
        e.forecast.targets.push(silver);
        let lines = |e: &Evaluation| -> Vec<String> {
            needed_lines(e)
                .iter()
                .map(|l| l.split(':').next().unwrap_or_default().to_string())
                .collect()
        };
        e.current_level = Some("silver".into());
        assert_eq!(
            lines(&e),
            ["Silver KPI units", "Gold KPI units (an upgrade)"]
        );
        e.current_level = Some("gold".into());
        assert_eq!(lines(&e), ["Gold KPI units", "Silver KPI units"]);
        e.current_level = None;
        assert_eq!(lines(&e), ["Gold KPI units", "Silver KPI units"]);
    }

    #[test]
    fn a_past_anniversary_is_said_above_the_verdict_and_not_again_among_the_warnings() {
        let mut e = evaluation(Vec::new(), None);
        e.warnings = vec!["a.csv: a warning".into()];
        e.as_of = e.dates.anniversary;
        assert_eq!(anniversary_notice(&e, &[]), None, "the anniversary itself");
        e.as_of = e.dates.anniversary + chrono::Days::new(1);
        let past = crate::rules::evaluate::anniversary_past(&e.dates, e.as_of).unwrap();
        e.warnings.push(past);
        assert_eq!(
            anniversary_notice(&e, &[]).unwrap(),
            format!(
                "The anniversary {} is past: these are that renewal's final figures. Enter the next anniversary to follow the next renewal.",
                e.dates.anniversary
            )
        );
        assert_eq!(
            listed_warnings(&e).collect::<Vec<_>>(),
            ["a.csv: a warning"]
        );
    }

    #[test]
    fn what_a_target_still_needs_says_what_the_forecast_makes_of_it() {
        let head = "Gold KPI units: 1,332 short (333 a month over the 4 months to the deadline, November included)";
        let run =
            "at the run rate it ends 19.13 short, for purchases above the run rate to make up";
        assert_eq!(short_of_gold(None, "0").1, [format!("{head}; {run}.")]);
        assert_eq!(
            short_of_gold(None, "120").1,
            [format!(
                "{head}; at the run rate it ends 19.13 short; with the planned purchase as well it ends 100.88 above."
            )]
        );
        assert_eq!(
            short_of_gold(None, "10").1,
            [format!(
                "{head}; {run}; with the planned purchase as well it is still 9.13 short."
            )]
        );
        let by = chrono::NaiveDate::from_ymd_opt(2027, 1, 31);
        assert_eq!(
            short_of_gold(by, "120").1,
            [format!(
                "{head}; at the run rate it is reached by 2027-01-31."
            )]
        );
        // two plans
        let (mut e, _) = short_of_gold(None, "10");
        e.forecast.plans_counted = 2;
        assert_eq!(
            needed_lines(&e),
            [format!(
                "{head}; {run}; with the planned purchases as well it is still 9.13 short."
            )]
        );
        // no completed month: nothing to project (the forecast's sentence says why)
        let (mut e, _) = short_of_gold(None, "0");
        e.forecast.completed_months = 0;
        assert_eq!(needed_lines(&e), [format!("{head}.")]);
        // the window's last month: all of the gap is this month's
        e.forecast.open_months = 0;
        e.forecast.buying_months = 1;
        e.as_of = chrono::NaiveDate::from_ymd_opt(2027, 2, 10).unwrap_or_default();
        assert_eq!(
            needed_lines(&e),
            ["Gold KPI units: 1,332 short, to be bought in February, the window's last month."]
        );
        // before the window opens (2025-10-01): its own months, not the as-of month too
        e.as_of = chrono::NaiveDate::from_ymd_opt(2025, 8, 10).unwrap_or_default();
        (e.forecast.open_months, e.forecast.buying_months) = (12, 12);
        e.forecast.completed_months = 0;
        e.forecast.targets[0].needed_per_month = rust_decimal::Decimal::from(111);
        assert_eq!(
            needed_lines(&e),
            [
                "Gold KPI units: 1,332 short (111 a month over the window's 12 months, from October 2025)."
            ]
        );
    }

    #[test]
    fn outcomes_use_display_names_and_name_what_is_missing() {
        use Requirement::*;
        let levels = vec![
            level(
                "gold",
                "Gold",
                vec![
                    check(KpiUnits, Some(false)),
                    check(Revenue, Some(false)),
                    check(Mct, Some(true)),
                ],
            ),
            level(
                "lap",
                "Learning Action Pack",
                vec![check(KpiUnits, Some(true))],
            ),
        ];
        let e = evaluation(levels, Some("gold"));
        let v = verdict(&e);
        assert_eq!(
            v.sentence,
            "Drops from Gold to Learning Action Pack unless Gold's KPI units and revenue are met by the deadline."
        );
        assert_eq!(v.good, Some(false));
        assert_eq!(v.levels[0].requirements[0].known, Known::NotMet);

        // once the deadline has passed, the window's figures are all in: no "unless" is left
        let mut e = e;
        e.days_to_deadline = -5;
        assert_eq!(
            verdict(&e).sentence,
            "Drops from Gold to Learning Action Pack: Gold's KPI units and revenue were not met by the deadline."
        );
        e.days_to_deadline = 0;
        assert!(
            verdict(&e).sentence.contains("unless"),
            "it is the deadline day"
        );
        let removed = evaluation(
            vec![level(
                "lap",
                "Learning Action Pack",
                vec![check(Mct, Some(false))],
            )],
            Some("lap"),
        );
        assert_eq!(
            verdict(&removed).sentence,
            "Removed from the program (now Learning Action Pack) unless Learning Action Pack's Certified Trainers (MCTs) are met by the deadline."
        );
        let mut removed = removed;
        removed.days_to_deadline = -1;
        assert_eq!(
            verdict(&removed).sentence,
            "Removed from the program (now Learning Action Pack): Learning Action Pack's Certified Trainers (MCTs) were not met by the deadline."
        );
    }

    #[test]
    fn counts_take_their_singular_for_one() {
        use crate::rules::figures::{Figures, RowCounts};
        assert_eq!(count_of(1u32, "file", "files"), "1 file");
        assert_eq!(count_of(0u32, "file", "files"), "0 files");
        assert_eq!(count_of(12_345usize, "row", "rows"), "12,345 rows");
        assert_eq!(kpi_units(Decimal::ONE), "1 KPI unit");
        assert_eq!(kpi_units(Decimal::new(15, 1)), "1.5 KPI units");
        assert_eq!(kpi_units(Decimal::new(100, 2)), "1 KPI unit");
        assert_eq!(
            figures_phrase(&Figures {
                kpi_units: Decimal::from(1234),
                revenue_usd: Decimal::new(10, 0),
            }),
            "1,234 KPI units, $10.00"
        );
        let c = RowCounts {
            read: 2,
            counted: 1,
            summary: 1,
            ..RowCounts::default()
        };
        assert_eq!(
            rows_read(&c, Some(1)),
            "2 rows read from 1 file: 1 counted, 0 outside the window, 0 duplicates, 1 summary row, 0 not invoiced, 0 rejected."
        );
        let c = RowCounts {
            read: 1,
            duplicates: 1,
            ..RowCounts::default()
        };
        assert_eq!(
            rows_read(&c, None),
            "1 row read: 0 counted, 0 outside the window, 1 duplicate, 0 summary rows, 0 not invoiced, 0 rejected."
        );
    }

    #[test]
    fn months_in_a_sentence() {
        let m = |s: &str| crate::money::Month::parse(s).unwrap();
        let phrase = |list: &[&str]| months_phrase(list.iter().map(|s| m(s)));
        assert_eq!(phrase(&["2026-04", "2026-04"]), "2026-04");
        assert_eq!(
            phrase(&["2026-12", "2026-11", "2027-01"]),
            "2026-11 to 2027-01"
        );
        assert_eq!(phrase(&["2026-04", "2026-06"]), "2026-04 and 2026-06");
        assert_eq!(
            phrase(&["2026-09", "2026-04", "2026-06"]),
            "2026-04, 2026-06 and 2026-09"
        );
        assert_eq!(
            phrase(&["2026-01", "2026-03", "2026-05", "2026-07", "2026-09"]),
            "5 months from 2026-01 to 2026-09"
        );
        assert_eq!(phrase(&[]), "");
    }

    #[test]
    fn held_back_revenue_sums_only_rows_whose_revenue_counts() {
        use crate::money::Currency;
        use crate::rules::figures::NeedsRate;
        let row = |currency, amount: i64, revenue| NeedsRate {
            file: "f.csv".into(),
            line: 2,
            currency,
            amount: Decimal::from(amount),
            month: crate::rules::Month::of(
                chrono::NaiveDate::from_ymd_opt(2026, 3, 1).unwrap_or_default(),
            ),
            revenue,
        };
        let gbp = Currency::parse("GBP").unwrap();
        let mut e = evaluation(Vec::new(), None);
        e.needs_rate = vec![
            row(Currency::EUR, 100, true),
            row(Currency::EUR, 900, false),
            row(Currency::EUR, 50, true),
            row(gbp, 7, false),
        ];
        assert_eq!(
            held_back(&e),
            [
                "EUR 150.00 in 2 rows of 2026-03 wait for an exchange rate: not counted in revenue until the rate is added (1 more row in EUR adds no revenue as classified).",
                "GBP has no exchange rate: 1 row in GBP waits for one; it adds no revenue as classified.",
            ]
        );
        // the revenue chart's footer says what its lines leave out; the KPI chart's has none
        assert!(
            chart_footer(&e, true)
                .starts_with("Actual $0.00 · EUR 150.00 more waiting for an exchange rate · "),
            "{}",
            chart_footer(&e, true)
        );
        assert!(chart_footer(&e, false).starts_with("Actual 0 KPI units · "));
        e.needs_rate = vec![row(Currency::EUR, 100, true)];
        assert_eq!(
            held_back(&e),
            [
                "EUR 100.00 in 1 row of 2026-03 waits for an exchange rate: not counted in revenue until the rate is added."
            ]
        );
    }

    #[test]
    fn the_rates_behind_the_revenue_are_named() {
        use crate::money::{Currency, Month};
        use crate::rules::evaluate::RateUsed;
        let mut e = evaluation(Vec::new(), None);
        assert_eq!(rates_phrase(&e), None, "every row in USD");
        let month = |m| Month::parse(m).unwrap();
        let gbp = Currency::parse("GBP").unwrap();
        let jpy = Currency::parse("JPY").unwrap();
        e.rates_used = vec![
            RateUsed {
                currency: Currency::EUR,
                month: None,
                usd_per: Decimal::new(11, 1),
            },
            RateUsed {
                currency: Currency::EUR,
                month: Some(month("2026-04")),
                usd_per: Decimal::new(108, 2),
            },
            RateUsed {
                currency: gbp,
                month: Some(month("2026-05")),
                usd_per: Decimal::new(127, 2),
            },
            RateUsed {
                currency: jpy,
                month: None,
                usd_per: Decimal::new(65, 4),
            },
        ];
        assert_eq!(
            rates_phrase(&e).unwrap(),
            "exchange rates: 1 EUR = 1.10 USD (1.08 USD in 2026-04), 1 GBP = 1.27 USD in 2026-05 and 1 JPY = 0.0065 USD"
        );
        e.rates_used.truncate(1);
        assert_eq!(rates_phrase(&e).unwrap(), "exchange rate: 1 EUR = 1.10 USD");
    }

    #[test]
    fn after_the_deadline_the_window_closed_at_its_figures() {
        use crate::rules::figures::Figures;
        let mut e = evaluation(Vec::new(), None);
        e.forecast.completed_months = 12;
        e.forecast.at_deadline = Figures {
            kpi_units: Decimal::from(1200),
            revenue_usd: Decimal::from(50_000),
        };
        e.days_to_deadline = 3;
        // the deadline's month: nothing left to project, and purchases still count
        assert_eq!(
            forecast_sentence(&e, None),
            format!(
                "No month is left to project: the window stands at 1,200 KPI units and $50,000.00 without planned purchases, and what is invoiced by {} still counts.",
                e.dates.deadline
            )
        );
        e.forecast.open_months = 1;
        assert!(
            forecast_sentence(&e, None).starts_with("At the run rate of the 12 completed months")
        );
        assert_eq!(forecast_heading(&e), "Forecast at the deadline");
        e.days_to_deadline = -3;
        assert_eq!(forecast_heading(&e), "At the deadline");
        assert_eq!(
            forecast_sentence(&e, None),
            "The window closed at 1,200 KPI units and $50,000.00."
        );
    }
}
