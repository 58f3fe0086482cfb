//! Evaluation: imported rows + profile + anniversary + "today" → every figure the report and
//! the window show (R1-R3, R5). Run once when the data changes, never per frame.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Serialize;

use super::figures::{
    CapabilityFacts, Figures, LevelStatus, LineTotals, MonthFigures, NeedsRate, Rejection,
    ReviewItem, ReviewKind, RowCounts, RowFate,
};
use super::forecast::{Forecast, PlannedFigures, forecast};
use super::verdict::{Verdict, level_statuses, readiness, verdict};
use super::window::RenewalDates;
use crate::import::classify::{Catalog, Classification, Classifier};
use crate::import::{Fate, ImportSet, Purchase};
use crate::money::Rates;
use crate::profile::{ProductLine, Profile};

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
    /// The partner's current level id the verdict was judged against, when known.
    #[serde(skip)]
    pub current_level: Option<String>,
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
    /// The exchange rates the counted rows whose revenue counts were converted at, by currency
    /// then month (a month's own rate, else the currency's): what a reader needs to check the
    /// revenue.
    #[serde(skip)]
    pub rates_used: Vec<RateUsed>,
}

/// An exchange rate counted rows were converted at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct RateUsed {
    /// The currency.
    pub currency: crate::money::Currency,
    /// The month the rate is for; None for the currency's rate for every other month.
    pub month: Option<crate::money::Month>,
    /// USD per unit.
    pub usd_per: Decimal,
}

impl Evaluation {
    /// Each level's target for `requirement`, with the level's display name, highest level
    /// first (levels without that requirement are left out): the lines a chart draws.
    pub fn targets(&self, requirement: super::figures::Requirement) -> Vec<(String, Decimal)> {
        self.levels
            .iter()
            .filter_map(|l| {
                l.checks
                    .iter()
                    .find(|c| c.requirement == requirement)
                    .and_then(|c| c.target)
                    .map(|t| (l.name.clone(), t))
            })
            .collect()
    }
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
    let components = p
        .components
        .map(std::num::NonZeroU32::get)
        .or(class.components)
        .unwrap_or(1);
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

/// Characters of a product's name a review reason quotes in full (a real one has under a
/// hundred); a longer one is cut, with its length.
const LABEL: usize = 200;

fn product_label(set: &ImportSet, p: &Purchase) -> String {
    let label = full_product_label(set, p);
    match label.char_indices().nth(LABEL) {
        None => label,
        Some((cut, _)) => format!(
            "{}… ({} characters)",
            label.get(..cut).unwrap_or_default(),
            label.chars().count()
        ),
    }
}

fn full_product_label(set: &ImportSet, p: &Purchase) -> String {
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

/// The warning once the anniversary is past as of `as_of` (R3: the app says so and asks for
/// the next one); None before it and on the day itself.
pub fn anniversary_past(dates: &RenewalDates, as_of: NaiveDate) -> Option<String> {
    (as_of > dates.anniversary).then(|| {
        format!(
            "the anniversary {} is past (as of {as_of}): enter the next anniversary",
            dates.anniversary
        )
    })
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
    let n = set.rows.len();
    let Stretch {
        months,
        by_line,
        counts,
        rejected,
        needs_rate,
        review,
        row_fates,
        rates_used,
    } = if n >= PARALLEL_ROWS {
        // two halves at once, merged in row order: sums of exact decimals do not depend on
        // the order they are added in, and the lists keep the rows' order
        let mid = n / 2;
        let (mut first, second) = std::thread::scope(|scope| {
            let later = scope.spawn(|| stretch(set, mid..n, &classes, inputs));
            let first = stretch(set, 0..mid, &classes, inputs);
            match later.join() {
                Ok(second) => (first, second),
                Err(panic) => std::panic::resume_unwind(panic),
            }
        });
        first.merge(second);
        first
    } else {
        stretch(set, 0..n, &classes, inputs)
    };
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
    let levels = level_statuses(
        inputs.profile,
        inputs.capability,
        totals,
        super::verdict::HeldBack::of(&needs_rate),
    );
    let readiness = readiness(&levels);
    let verdict = inputs.current_level.and_then(|c| verdict(&levels, c));
    let forecast = forecast(
        &monthly,
        inputs.as_of,
        inputs.dates,
        &inputs.profile.levels,
        inputs.planned,
    );

    let mut rates_used: Vec<RateUsed> = rates_used
        .into_iter()
        .filter_map(|(currency, month)| {
            let usd_per = match month {
                Some(m) => inputs.rates.monthly.get(&(currency, m)),
                None => inputs.rates.usd_per.get(&currency),
            };
            usd_per.map(|&usd_per| RateUsed {
                currency,
                month,
                usd_per,
            })
        })
        .collect();
    rates_used.sort();
    let mut warnings: Vec<String> = set.warnings.clone();
    for f in &set.files {
        warnings.extend(f.warnings.iter().map(|w| format!("{}: {w}", f.name)));
    }
    warnings.extend(saturated_kits(&by_line));
    warnings.extend(anniversary_past(&dates, inputs.as_of));

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
        current_level: inputs.current_level.map(str::to_string),
        forecast,
        warnings,
        classes,
        row_fates,
        rates_used,
    }
}

/// A warning for each line whose kit count reached the end of an `i64` (summed with
/// saturation: only rows far past any real purchase reach it, a billion kits of 10,000
/// components a million times); KPI units and revenue are decimals and stay exact.
fn saturated_kits(by_line: &[LineTotals; 6]) -> Vec<String> {
    crate::profile::ProductLine::ALL
        .into_iter()
        .filter(|l| matches!(by_line[l.index()].kits, i64::MAX | i64::MIN))
        .map(|l| {
            format!(
                "{}: more kits than lpkpi can count, so their count is cut at its limit; the KPI units and revenue are exact",
                l.name()
            )
        })
        .collect()
}

/// Rows folded into figures from this many on are folded in two halves at once.
const PARALLEL_ROWS: usize = 100_000;

/// What a stretch of the rows adds up to.
struct Stretch {
    months: [Figures; 12],
    by_line: [LineTotals; 6],
    counts: RowCounts,
    rejected: Vec<Rejection>,
    needs_rate: Vec<NeedsRate>,
    review: Vec<ReviewItem>,
    row_fates: Vec<RowFate>,
    /// (currency, the month of its own rate) of the counted rows converted, each once.
    rates_used: Vec<(crate::money::Currency, Option<crate::money::Month>)>,
}

impl Stretch {
    /// Add the stretch that follows this one.
    fn merge(&mut self, later: Stretch) {
        for (m, l) in self.months.iter_mut().zip(later.months) {
            m.add(l);
        }
        for (t, l) in self.by_line.iter_mut().zip(later.by_line) {
            t.kits = t.kits.saturating_add(l.kits);
            t.kpi_units += l.kpi_units;
            t.revenue_usd += l.revenue_usd;
        }
        self.counts.merge(later.counts);
        self.rejected.extend(later.rejected);
        self.needs_rate.extend(later.needs_rate);
        self.review.extend(later.review);
        self.row_fates.extend(later.row_fates);
        for used in later.rates_used {
            if !self.rates_used.contains(&used) {
                self.rates_used.push(used);
            }
        }
    }
}

/// Fold the rows `rows` of `set` into figures, lists and fates.
fn stretch(
    set: &ImportSet,
    rows: std::ops::Range<usize>,
    classes: &[Classification],
    inputs: &Inputs<'_>,
) -> Stretch {
    let dates = inputs.dates;
    let mut months = [Figures::default(); 12];
    let mut by_line = [LineTotals::default(); 6];
    let mut counts = RowCounts::default();
    let mut rejected = Vec::new();
    let mut needs_rate = Vec::new();
    let mut review = Vec::new();
    let mut row_fates = Vec::with_capacity(rows.len());
    let mut rates_used = Vec::new();
    let unclassified = Classification {
        line: ProductLine::Unknown,
        components: None,
        packaged_set: false,
        why: "no product".into(),
    };
    let file_name = |i: u32| set.files.get(i as usize).map_or("", |f| f.name.as_str());
    // a product's review reasons are written once (a large export lists the same unknown
    // product on tens of thousands of rows)
    let mut unknown: rustc_hash::FxHashMap<u32, String> = Default::default();
    let mut packaged: rustc_hash::FxHashMap<u32, String> = Default::default();

    for (row_index, row) in set.rows.iter().enumerate().take(rows.end).skip(rows.start) {
        counts.read += 1;
        let fate = match (&row.fate, &row.purchase) {
            (Fate::Summary, _) => RowFate::Summary,
            (Fate::NotInvoiced, _) => RowFate::NotInvoiced,
            (Fate::Rejected { reason }, _) => {
                rejected.push(Rejection {
                    row: row_index,
                    file: file_name(row.file).to_string(),
                    line: row.line,
                    reason: reason.to_string(),
                });
                RowFate::Rejected
            }
            (Fate::Duplicate { of, differs }, _) => {
                if *differs {
                    let first = set.rows.get(*of as usize);
                    // import.md: "the difference is listed", named
                    let differences = match (&row.purchase, first.and_then(|r| r.purchase.as_ref()))
                    {
                        (Some(a), Some(b)) => a.differences(b, &set.products),
                        _ => Vec::new(),
                    };
                    let what = match differences.as_slice() {
                        [] => "different content".to_string(),
                        [one] => format!("a different {one}"),
                        [rest @ .., last] => format!("a different {} and {last}", rest.join(", ")),
                    };
                    // an order line by its ids (a file with both an order and a line column,
                    // as dedupe takes it), else the purchase by its fields
                    let by_line = set.files.get(row.file as usize).is_some_and(|f| {
                        f.columns.order_id().is_some()
                            && f.columns.get(crate::profile::Field::LineId).is_some()
                    });
                    let same =
                        if by_line && row.purchase.as_ref().is_some_and(|p| p.line_id.is_some()) {
                            "same order line"
                        } else {
                            "same purchase"
                        };
                    review.push(ReviewItem {
                        row: row_index,
                        file: file_name(row.file).to_string(),
                        line: row.line,
                        kind: ReviewKind::DifferingDuplicate,
                        reason: format!(
                            "{same} as {} line {} with {what}: the earlier row stands",
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
                    // the rates behind the revenue: of rows whose line's revenue counts
                    if p.currency != crate::money::Currency::USD
                        && !c.needs_rate
                        && inputs.profile.line_value(c.line).revenue
                    {
                        let month = crate::money::Month::of(p.date);
                        let used = (
                            p.currency,
                            inputs
                                .rates
                                .monthly
                                .contains_key(&(p.currency, month))
                                .then_some(month),
                        );
                        if !rates_used.contains(&used) {
                            rates_used.push(used);
                        }
                    }
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
                        let reason = unknown.entry(p.product).or_insert_with(|| {
                            format!(
                                "unknown product '{}': not counted until it is classified",
                                product_label(set, p)
                            )
                        });
                        review.push(place(ReviewKind::UnknownProduct, reason.clone()));
                    }
                    if class.packaged_set && p.components.is_none() && class.components.is_none() {
                        let reason = packaged.entry(p.product).or_insert_with(|| {
                            format!(
                                "packaged set '{}' has no component count: counted as 1 component per kit",
                                product_label(set, p)
                            )
                        });
                        review.push(place(ReviewKind::PackagedSet, reason.clone()));
                    }
                    if c.needs_rate {
                        needs_rate.push(NeedsRate {
                            file: file_name(row.file).to_string(),
                            line: row.line,
                            currency: p.currency,
                            amount: p.signed_amount(),
                            month: super::Month::of(p.date),
                            revenue: inputs.profile.line_value(c.line).revenue,
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
    Stretch {
        months,
        by_line,
        counts,
        rejected,
        needs_rate,
        review,
        row_fates,
        rates_used,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::ImportRules;
    use crate::import::classify::Catalog;

    #[test]
    fn a_kit_count_cut_at_its_limit_is_said() {
        let mut by_line = [LineTotals::default(); 6];
        by_line[ProductLine::Courseware.index()].kits = i64::MAX - 1;
        assert!(saturated_kits(&by_line).is_empty());
        by_line[ProductLine::Courseware.index()].kits = by_line[ProductLine::Courseware.index()]
            .kits
            .saturating_add(10);
        by_line[ProductLine::Lab.index()].kits = i64::MIN;
        assert_eq!(
            saturated_kits(&by_line),
            [
                "Courseware: more kits than lpkpi can count, so their count is cut at its limit; the KPI units and revenue are exact",
                "Labs (revenue only): more kits than lpkpi can count, so their count is cut at its limit; the KPI units and revenue are exact",
            ]
        );
    }

    /// Rows of every fate, unknown products, packaged sets and rows waiting for a rate, in
    /// two files so that some are duplicates.
    fn export(rows: usize, offset: usize) -> String {
        let mut out =
            String::from("Order,Line,Invoice Date,Product,Type,Qty,Amount,Currency,Status\n");
        for i in 0..rows {
            let k = i + offset;
            let (product, kind) = match k % 5 {
                0 => ("MOC 20533C Implementing Azure", "MOC"),
                1 => ("Packaged Set: Azure path", "Packaged Set"),
                2 => ("55238A SharePoint Online", ""),
                3 => ("Exam Bundle AZ-305", "Microsoft Exams"),
                _ => ("Classroom catering", "Other"),
            };
            let status = if k.is_multiple_of(97) {
                "Cancelled"
            } else {
                "Invoiced"
            };
            let qty = if k.is_multiple_of(89) {
                "ten".to_string()
            } else {
                (k % 7).to_string()
            };
            let currency = if k.is_multiple_of(13) { "GBP" } else { "USD" };
            let month = k % 12 + 1;
            out.push_str(&format!(
                "{},{},2026-{month:02}-{:02},{product},{kind},{qty},{}.{:02},{currency},{status}\n",
                k / 3,
                k % 3,
                k % 28 + 1,
                k % 900,
                k % 100
            ));
        }
        out
    }

    #[test]
    fn folding_in_halves_gives_what_one_fold_gives() {
        let profile = Profile::builtin().unwrap();
        let rules = ImportRules::new(&profile);
        let mut set = ImportSet::new();
        set.add("a.csv", export(60_000, 0).as_bytes(), &rules)
            .unwrap();
        set.add("b.csv", export(70_000, 50_000).as_bytes(), &rules)
            .unwrap();
        assert!(set.rows.len() >= PARALLEL_ROWS);
        let classifier = Classifier::new(&profile.rulebook).unwrap();
        let catalog = Catalog::default();
        let rates = Rates::default();
        let anniversary = NaiveDate::from_ymd_opt(2026, 10, 1).unwrap();
        let inputs = Inputs {
            profile: &profile,
            classifier: &classifier,
            catalog: &catalog,
            rates: &rates,
            dates: RenewalDates::new(anniversary),
            as_of: NaiveDate::from_ymd_opt(2026, 11, 26).unwrap(),
            current_level: Some("gold"),
            capability: None,
            planned: &[],
        };
        let e = evaluate(&set, &inputs);
        let classes = e.classes.clone();
        let one = stretch(&set, 0..set.rows.len(), &classes, &inputs);
        assert_eq!(e.counts, one.counts);
        assert_eq!(e.by_line, one.by_line);
        assert_eq!(e.rejected, one.rejected);
        assert_eq!(e.needs_rate, one.needs_rate);
        assert_eq!(e.review, one.review);
        assert_eq!(e.row_fates, one.row_fates);
        let months: Vec<Figures> = e.monthly.iter().map(|m| m.month_total).collect();
        assert_eq!(months, one.months.to_vec());
        // every kind of row is there to be folded
        assert!(e.counts.duplicates > 0 && e.counts.rejected > 0 && e.counts.not_invoiced > 0);
        assert!(!e.needs_rate.is_empty() && !e.review.is_empty());
        // and any cut merges to the same
        for cut in [1, 777, 65_000, set.rows.len() - 1] {
            let mut first = stretch(&set, 0..cut, &classes, &inputs);
            first.merge(stretch(&set, cut..set.rows.len(), &classes, &inputs));
            assert_eq!(first.counts, one.counts, "{cut}");
            assert_eq!(first.review, one.review, "{cut}");
            assert_eq!(first.row_fates, one.row_fates, "{cut}");
            assert_eq!(first.months, one.months, "{cut}");
        }
    }

    #[test]
    fn the_rates_used_are_those_the_counted_rows_were_converted_at() {
        use crate::money::{Currency, Month};
        let profile = Profile::builtin().unwrap();
        let rules = ImportRules::new(&profile);
        let mut set = ImportSet::new();
        set.add("a.csv", export(2_000, 0).as_bytes(), &rules)
            .unwrap();
        let classifier = Classifier::new(&profile.rulebook).unwrap();
        let catalog = Catalog::default();
        let gbp = Currency::parse("GBP").unwrap();
        let (march, july) = (
            Month::parse("2026-03").unwrap(),
            Month::parse("2026-07").unwrap(),
        );
        let mut rates = Rates::default();
        rates.usd_per.insert(gbp, Decimal::new(127, 2));
        rates.monthly.insert((gbp, march), Decimal::new(130, 2));
        // rates for rows that are not there are not named
        rates
            .monthly
            .insert((gbp, Month::parse("2024-01").unwrap()), Decimal::ONE);
        rates.usd_per.insert(Currency::EUR, Decimal::ONE);
        let inputs = Inputs {
            profile: &profile,
            classifier: &classifier,
            catalog: &catalog,
            rates: &rates,
            dates: RenewalDates::new(NaiveDate::from_ymd_opt(2026, 10, 1).unwrap()),
            as_of: NaiveDate::from_ymd_opt(2026, 11, 26).unwrap(),
            current_level: Some("gold"),
            capability: None,
            planned: &[],
        };
        let e = evaluate(&set, &inputs);
        assert!(e.needs_rate.is_empty());
        assert_eq!(
            e.rates_used,
            [
                RateUsed {
                    currency: gbp,
                    month: None,
                    usd_per: Decimal::new(127, 2),
                },
                RateUsed {
                    currency: gbp,
                    month: Some(march),
                    usd_per: Decimal::new(130, 2),
                },
            ]
        );
        // without a general rate, July's GBP rows wait for one: March's rate is still named
        let mut later = rates.clone();
        later.usd_per.remove(&gbp);
        later.monthly.insert((gbp, july), Decimal::new(125, 2));
        let inputs = Inputs {
            rates: &later,
            ..inputs
        };
        let e = evaluate(&set, &inputs);
        assert!(!e.needs_rate.is_empty());
        let months: Vec<Option<Month>> = e.rates_used.iter().map(|r| r.month).collect();
        assert_eq!(months, [Some(march), Some(july)]);
    }
}
