//! The renewal-readiness summary as one document: every heading, sentence, list and table,
//! in words, built once from the evaluation. Each human format (Markdown, HTML) only renders
//! these blocks and escapes the text as its syntax needs, so no wording is written twice and no
//! imported text is ever interpreted.

use rust_decimal::Decimal;

use super::{ReportInput, grouped, grouped_units, summary, usd};
use crate::rules::ProductLine;
use crate::rules::figures::{Requirement, RowFate};
use crate::rules::forecast::counts_plan;
use crate::rules::verdict::{Outcome, benefits_at_stake};
use crate::workspace::model::PlannedPurchase;

/// A run of text, plain or strong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Span {
    /// Plain text.
    Text(String),
    /// Emphasized text.
    Strong(String),
}

/// A table column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    /// Its heading.
    pub title: String,
    /// Figures, right-aligned.
    pub numeric: bool,
}

/// A piece of the document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    /// A section heading.
    Heading(String),
    /// A paragraph.
    Paragraph(Vec<Span>),
    /// A list of items, with the number of items left out ("and N more") when shortened.
    List {
        /// A strong label before the list, with the item count.
        label: Option<String>,
        /// The items.
        items: Vec<String>,
    },
    /// A table, with an optional total row.
    Table {
        /// The columns.
        columns: Vec<Column>,
        /// The rows.
        rows: Vec<Vec<String>>,
        /// A total row, shown strong.
        total: Option<Vec<String>>,
    },
    /// Where the cumulative chart goes (formats that cannot draw it leave it out).
    Chart,
}

/// The whole summary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    /// The title ("Renewal readiness: Contoso").
    pub title: String,
    /// Everything under it, in order.
    pub blocks: Vec<Block>,
}

impl Document {
    /// Every text it holds, one after another (the PDF looks in it for characters its
    /// embedded font lacks).
    pub fn texts(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.title.as_str()).chain(self.blocks.iter().flat_map(|b| {
            let texts: Vec<&str> = match b {
                Block::Heading(h) => vec![h.as_str()],
                Block::Paragraph(spans) => spans
                    .iter()
                    .map(|s| match s {
                        Span::Text(t) | Span::Strong(t) => t.as_str(),
                    })
                    .collect(),
                Block::List { label, items } => {
                    label.iter().chain(items).map(String::as_str).collect()
                }
                Block::Table {
                    columns,
                    rows,
                    total,
                } => columns
                    .iter()
                    .map(|c| c.title.as_str())
                    .chain(rows.iter().chain(total).flatten().map(String::as_str))
                    .collect(),
                Block::Chart => Vec::new(),
            };
            texts
        }))
    }
}

/// A requirement's row label.
pub fn requirement_label(r: Requirement) -> &'static str {
    match r {
        Requirement::KpiUnits => "KPI units",
        Requirement::Revenue => "Revenue (USD)",
        Requirement::Mct => "Active MCTs at the deadline",
        Requirement::Exams => "Competency exam rule",
    }
}

/// Items of a list the PDF and the Markdown show, alike; longer lists end with
/// [`more_items`] (the HTML page has them all).
pub const LIST_ITEMS: usize = 30;

/// The line under a list shortened to its first items (the PDF's and the Markdown's; the HTML
/// page lists every item, and says nothing).
pub fn more_items(hidden: usize) -> String {
    format!(
        "… and {} more (the HTML summary lists them all)",
        grouped(Decimal::from(hidden), 0)
    )
}

/// Met, not met or unknown, by icon and word.
pub fn status(met: Option<bool>) -> &'static str {
    match met {
        Some(true) => "✔ met",
        Some(false) => "✘ not met",
        None => "? unknown",
    }
}

/// "1 person", "3 people".
fn people(n: usize) -> String {
    if n == 1 {
        "1 person".into()
    } else {
        format!("{n} people")
    }
}

/// The share of the target reached, for the levels table ("73%").
fn percent(actual: Option<Decimal>, target: Option<Decimal>) -> String {
    match (actual, target) {
        (Some(a), Some(t)) if t > Decimal::ZERO => {
            let p = (a * Decimal::from(100) / t)
                .round_dp_with_strategy(0, rust_decimal::RoundingStrategy::ToZero);
            format!("{}%", grouped(p, 0))
        }
        _ => "—".into(),
    }
}

/// Review items with the same reason, as one line listing where they are.
fn grouped_review(review: &[crate::rules::figures::ReviewItem]) -> Vec<String> {
    /// Places named per reason; the others are counted.
    const SHOWN: usize = 6;
    /// A reason, its rows, and the first rows' places (file, line).
    type Group<'a> = (&'a str, usize, Vec<(&'a str, u32)>);
    // in the order each reason first comes
    let mut groups: Vec<Group<'_>> = Vec::new();
    let mut index: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for r in review {
        let g = *index.entry(r.reason.as_str()).or_insert_with(|| {
            groups.push((r.reason.as_str(), 0, Vec::new()));
            groups.len() - 1
        });
        let (_, n, places) = &mut groups[g];
        *n += 1;
        if places.len() < SHOWN {
            places.push((r.file.as_str(), r.line));
        }
    }
    groups
        .into_iter()
        .map(|(reason, n, places)| {
            // "a.csv lines 3, 5; b.csv line 7": each file named once before its lines
            let mut shown: Vec<String> = Vec::new();
            let mut i = 0;
            while i < places.len() {
                let file = places[i].0;
                let lines: Vec<String> = places[i..]
                    .iter()
                    .take_while(|(f, _)| *f == file)
                    .map(|(_, l)| l.to_string())
                    .collect();
                i += lines.len();
                let word = if lines.len() == 1 { "line" } else { "lines" };
                shown.push(format!("{file} {word} {}", lines.join(", ")));
            }
            let more = if n > SHOWN {
                format!(" and {} more", grouped(Decimal::from(n - SHOWN), 0))
            } else {
                String::new()
            };
            format!(
                "{reason} ({}: {}{more})",
                summary::count_of(n, "row", "rows"),
                shown.join("; ")
            )
        })
        .collect()
}

/// The planned purchases the forecast counts (those still to come inside the window), and how
/// many it leaves out: a sentence for the forecast's paragraph, and a table whose total is the
/// forecast's unless its sentence `named` the one it counts.
fn planned(input: &ReportInput<'_>, named: bool) -> (Option<String>, Vec<Block>) {
    let e = input.eval;
    let mut counted: Vec<_> = input
        .planned
        .iter()
        .filter(|p| counts_plan(p.date, e.as_of, &e.dates))
        .collect();
    // in date order (the Settings panel keeps the order they were added in)
    counted.sort_by_key(|p| p.date);
    let mut blocks = Vec::new();
    let what = |p: &PlannedPurchase| {
        if p.description.trim().is_empty() {
            "(no description)".to_string()
        } else {
            p.description.clone()
        }
    };
    match counted.as_slice() {
        [] => {}
        [_] if named => {}
        counted => {
            blocks.push(Block::Paragraph(vec![text(format!(
                "The forecast counts {}:",
                summary::count_of(counted.len(), "planned purchase", "planned purchases")
            ))]));
            let mut kits = 0i64;
            let rows = counted
                .iter()
                .map(|p| {
                    let f = p.figures(input.profile);
                    kits = kits.saturating_add(p.kits);
                    vec![
                        p.date.to_string(),
                        what(p),
                        p.line.name().to_string(),
                        grouped(Decimal::from(p.kits), 0),
                        grouped_units(f.kpi_units),
                        usd(f.revenue_usd),
                    ]
                })
                .collect();
            let col = |title: &str, numeric| Column {
                title: title.into(),
                numeric,
            };
            blocks.push(Block::Table {
                columns: vec![
                    col("Date", false),
                    col("Planned purchase", false),
                    col("Line", false),
                    col("Kits", true),
                    col("KPI units", true),
                    col("Revenue (USD)", true),
                ],
                rows,
                total: Some(vec![
                    "Total".into(),
                    String::new(),
                    String::new(),
                    grouped(Decimal::from(kits), 0),
                    grouped_units(e.forecast.planned.kpi_units),
                    usd(e.forecast.planned.revenue_usd),
                ]),
            });
        }
    }
    (summary::plans_left_out(e, input.planned), blocks)
}

fn text(s: impl Into<String>) -> Span {
    Span::Text(s.into())
}

fn strong(s: impl Into<String>) -> Span {
    Span::Strong(s.into())
}

/// lpkpi's months beside the official dashboard's, and the invoices behind each difference.
fn reconciliation(input: &ReportInput<'_>, b: &mut Vec<Block>) {
    let r = input.reconciliation;
    if r.months.is_empty() {
        return;
    }
    let col = |title: &str, numeric| Column {
        title: title.into(),
        numeric,
    };
    b.push(Block::Heading(
        "Reconciliation with the official dashboard".into(),
    ));
    let differing = r.differences();
    let n = r.months.len();
    let sentence = summary::reconciliation_sentence(differing, n);
    b.push(Block::Paragraph(vec![text(if differing == 0 {
        sentence
    } else {
        format!("{sentence} Differences are lpkpi less the dashboard:")
    })]));
    if differing == 0 {
        return;
    }
    let opt = |d: Option<Decimal>, f: fn(Decimal) -> String| d.map_or("—".to_string(), f);
    let rows = r
        .months
        .iter()
        .filter(|m| m.differs())
        .map(|m| {
            vec![
                m.month.label(),
                grouped_units(m.lpkpi.kpi_units),
                opt(m.official_kpi_units, grouped_units),
                opt(m.kpi_difference(), signed_units),
                usd(m.lpkpi.revenue_usd),
                opt(m.official_revenue_usd, usd),
                opt(m.revenue_difference(), signed_usd),
            ]
        })
        .collect();
    b.push(Block::Table {
        columns: vec![
            col("Month", false),
            col("lpkpi KPI", true),
            col("Dashboard KPI", true),
            col("KPI difference", true),
            col("lpkpi revenue", true),
            col("Dashboard revenue", true),
            col("Revenue difference", true),
        ],
        rows,
        total: None,
    });
    let items: Vec<String> = r
        .months
        .iter()
        .flat_map(|m| {
            m.invoices.iter().map(move |i| {
                let side = |f: &Option<crate::rules::figures::Figures>| {
                    f.as_ref().map_or("—".to_string(), summary::figures_phrase)
                };
                format!(
                    "{} invoice {}: {} (lpkpi {}; dashboard {})",
                    m.month.label(),
                    i.invoice,
                    i.kind(),
                    side(&i.lpkpi),
                    side(&i.official)
                )
            })
        })
        .collect();
    if !items.is_empty() {
        b.push(Block::List {
            label: Some(format!(
                "Invoices that differ ({})",
                grouped(Decimal::from(items.len()), 0)
            )),
            items,
        });
    }
}

/// A difference in KPI units, signed ("+12", "-4.5", "0"): the Reconciliation panel's too.
pub fn signed_units(d: Decimal) -> String {
    if d > Decimal::ZERO {
        format!("+{}", grouped_units(d))
    } else {
        grouped_units(d)
    }
}

/// A difference in USD, signed ("+$1,200.00", "-$90.00", "$0.00"): the Reconciliation panel's too.
pub fn signed_usd(d: Decimal) -> String {
    if d > Decimal::ZERO {
        format!("+{}", usd(d))
    } else {
        usd(d)
    }
}

/// Build the summary of a report.
pub fn document(input: &ReportInput<'_>) -> Document {
    let e = input.eval;
    let mut b = Vec::new();
    let title = input.partner.map_or("Renewal readiness".to_string(), |p| {
        format!("Renewal readiness: {p}")
    });
    b.push(Block::Paragraph(vec![
        text("As of "),
        strong(e.as_of.to_string()),
        text(summary::last_import(&input.set.files).map_or(String::new(), |l| format!(" · {l}"))),
        text(" · anniversary "),
        strong(e.dates.anniversary.to_string()),
        text(" · deadline "),
        strong(e.dates.deadline.to_string()),
        text(format!(
            " ({}) · window {} to {}{} · rules: {}",
            summary::countdown(e),
            e.dates.window_start,
            e.dates.window_end(),
            // the rates behind the dollar figures, with the other bases of the figures
            summary::rates_phrase(e).map_or(String::new(), |r| format!(" · {r}")),
            input.profile.name,
        )),
    ]));

    b.push(Block::Heading("Verdict".into()));
    if let Some(notice) = summary::anniversary_notice(e, &input.set.files) {
        b.push(Block::Paragraph(vec![text(format!("⚠ {notice}"))]));
    }
    b.push(Block::Paragraph(vec![strong(summary::verdict(e).sentence)]));
    for line in summary::freshness(e, &input.set.files) {
        b.push(Block::Paragraph(vec![text(format!("⚠ {line}"))]));
    }
    for line in summary::held_back(e) {
        b.push(Block::Paragraph(vec![text(format!("⚠ {line}"))]));
    }
    let r = input.reconciliation;
    if let Some(caveat) = summary::dashboard_caveat(r) {
        b.push(Block::Paragraph(vec![text(format!("⚠ {caveat}"))]));
    }
    if let Some(caveat) = summary::review_caveat(e) {
        b.push(Block::Paragraph(vec![text(format!(
            "⚠ {caveat} (see To review)."
        ))]));
    }
    if let Some(r) = &e.readiness {
        let name = if r == "none" {
            "none".to_string()
        } else {
            summary::level_name(e, r)
        };
        b.push(Block::Paragraph(vec![
            text("Highest level met: "),
            strong(name),
        ]));
    }

    b.push(Block::Heading("Levels".into()));
    let col = |title: &str, numeric| Column {
        title: title.into(),
        numeric,
    };
    let mut rows = Vec::new();
    for level in &e.levels {
        for c in &level.checks {
            let (have, need, share) = match c.requirement {
                // one rule: its people against those needed; several (or none recorded): the
                // rules and who passed are in "Trainers and exams"
                Requirement::Exams => {
                    let rules: Vec<_> = input
                        .capability
                        .map(|cap| {
                            cap.exam_rules
                                .iter()
                                .filter(|r| r.level == level.id)
                                .collect()
                        })
                        .unwrap_or_default();
                    match rules.as_slice() {
                        [r] => (
                            people(r.people.len()),
                            people(usize::try_from(r.needed).unwrap_or(usize::MAX)),
                            percent(Some(r.people.len().into()), Some(r.needed.into())),
                        ),
                        _ => ("—".to_string(), "—".to_string(), "—".to_string()),
                    }
                }
                _ => (
                    c.actual.map_or("?".into(), |a| summary::figure(c, a)),
                    c.target.map_or("?".into(), |t| summary::figure(c, t)),
                    percent(c.actual, c.target),
                ),
            };
            let gap = summary::shortfall(c).map_or(String::new(), |s| format!(", {s}"));
            rows.push(vec![
                level.name.clone(),
                requirement_label(c.requirement).to_string(),
                have,
                need,
                share,
                format!("{}{gap}", status(c.met)),
            ]);
        }
    }
    b.push(Block::Table {
        columns: vec![
            col("Level", false),
            col("Requirement", false),
            col("Have", true),
            col("Target", true),
            col("Of target", true),
            col("Status", false),
        ],
        rows,
        total: None,
    });

    b.push(Block::Heading(summary::forecast_heading(e).into()));
    let named = summary::named_plan(e, input.planned, input.profile);
    let (said, table) = planned(input, named.is_some());
    let mut forecast = vec![text(summary::forecast_sentence(e, named))];
    forecast.extend(said.into_iter().map(|s| text(format!(" {s}"))));
    b.push(Block::Paragraph(forecast));
    let items = summary::needed_lines(e);
    if !items.is_empty() {
        b.push(Block::List { label: None, items });
    }
    b.extend(table);
    b.push(Block::Chart);

    if let Some(v) = &e.verdict
        && matches!(v.outcome, Outcome::Drops | Outcome::Removed)
    {
        b.push(Block::Heading("Benefits at stake".into()));
        let rows = benefits_at_stake(input.profile, v)
            .into_iter()
            .map(|x| vec![x.benefit, x.now, x.after.unwrap_or_else(|| "none".into())])
            .collect();
        let [now, after] = summary::benefits_headings(e, v);
        b.push(Block::Table {
            columns: vec![col("Benefit", false), col(&now, false), col(&after, false)],
            rows,
            total: None,
        });
    }

    if let Some(c) = input.capability {
        b.push(Block::Heading("Trainers and exams".into()));
        b.push(Block::Paragraph(vec![text(summary::mct_sentence(c, e))]));
        let mut items = Vec::new();
        for t in &c.trainers {
            let state = summary::trainer_state(t);
            let expiry = t
                .expiry
                .map_or("expiry not recorded".to_string(), |d| format!("until {d}"));
            items.push(format!("{} ({}), {expiry}: {state}", t.name, t.mct_id));
        }
        for r in &c.exam_rules {
            items.push(format!(
                "{}, {}; {} {} ({}): {}",
                r.competency,
                summary::exam_rule_phrase(
                    &summary::level_name(e, &r.level),
                    r.needed as usize,
                    &r.exams
                ),
                people(r.people.len()),
                if r.people.len() == 1 {
                    "has one"
                } else {
                    "have one"
                },
                if r.people.is_empty() {
                    "nobody yet".to_string()
                } else {
                    r.people.join(", ")
                },
                status(Some(r.met))
            ));
        }
        b.push(Block::List { label: None, items });
    }

    b.push(Block::Heading("Month by month".into()));
    let rows = e
        .monthly
        .iter()
        .map(|m| {
            if summary::month_reached(e, m) {
                vec![
                    m.month.label(),
                    grouped_units(m.month_total.kpi_units),
                    usd(m.month_total.revenue_usd),
                    grouped_units(m.cumulative.kpi_units),
                    usd(m.cumulative.revenue_usd),
                ]
            } else {
                let mut row = vec![m.month.label()];
                row.extend(std::iter::repeat_n("—".to_string(), 4));
                row
            }
        })
        .collect();
    b.push(Block::Table {
        columns: vec![
            col("Month", false),
            col("KPI units", true),
            col("Revenue (USD)", true),
            col("Cumulative KPI", true),
            col("Cumulative revenue", true),
        ],
        rows,
        total: Some(vec![
            "Total".into(),
            grouped_units(e.totals.kpi_units),
            usd(e.totals.revenue_usd),
            String::new(),
            String::new(),
        ]),
    });

    reconciliation(input, &mut b);

    b.push(Block::Heading("By product line".into()));
    let rows = ProductLine::ALL
        .iter()
        .map(|line| {
            let t = &e.by_line[line.index()];
            vec![
                line.name().to_string(),
                grouped(Decimal::from(t.kits), 0),
                grouped_units(t.kpi_units),
                usd(t.revenue_usd),
            ]
        })
        .collect();
    b.push(Block::Table {
        columns: vec![
            col("Line", false),
            col("Kits", true),
            col("KPI units", true),
            col("Revenue (USD)", true),
        ],
        rows,
        total: None,
    });

    let c = &e.counts;
    b.push(Block::Heading("Rows and sources".into()));
    b.push(Block::Paragraph(vec![text(summary::rows_read(
        c,
        Some(input.set.files.len()),
    ))]));
    // the purchases of each file, counted or dated outside the window, as the sentence above
    // says them for all files
    let mut kept = vec![(0u32, 0u32); input.set.files.len()];
    for (row, fate) in input.set.rows.iter().zip(&e.row_fates) {
        if let Some((counted, outside)) = kept.get_mut(row.file as usize) {
            match fate {
                RowFate::Counted => *counted = counted.saturating_add(1),
                RowFate::OutsideWindow => *outside = outside.saturating_add(1),
                _ => {}
            }
        }
    }
    let rows = input
        .set
        .files
        .iter()
        .zip(&kept)
        .map(|(f, &(counted, outside))| {
            let n = |x: u32| grouped(Decimal::from(x), 0);
            vec![
                f.name.clone(),
                f.imported_at
                    .map_or("—".into(), |t| t.format("%Y-%m-%d %H:%M").to_string()),
                n(f.counts.read),
                n(counted),
                n(outside),
                n(f.counts.duplicates),
                n(f.counts.summary + f.counts.not_invoiced),
                n(f.counts.rejected),
            ]
        })
        .collect::<Vec<_>>();
    if !rows.is_empty() {
        b.push(Block::Table {
            columns: vec![
                col("File", false),
                col("Imported", false),
                col("Read", true),
                col("Counted", true),
                col("Outside window", true),
                col("Duplicates", true),
                col("Summary / not invoiced", true),
                col("Rejected", true),
            ],
            rows,
            total: None,
        });
    }
    let review = grouped_review(&e.review);
    // rows, not reasons: a row may be listed for two (an unknown product waiting for a rate),
    // and the window's review list counts rows too
    // the rows waiting for a rate said apart, as the caveats above count the others
    let waiting = match e.needs_rate.len() {
        0 => String::new(),
        n => format!(
            ", {} waiting for an exchange rate",
            grouped(Decimal::from(n), 0)
        ),
    };
    let review_label = format!(
        "To review ({}, {}{waiting})",
        summary::count_of(review.len(), "reason", "reasons"),
        summary::count_of(summary::review_rows(e), "row", "rows")
    );
    let rejected: Vec<String> = e
        .rejected
        .iter()
        .map(|r| format!("{} line {}: {}", r.file, r.line, r.reason))
        .collect();
    let rejected_label = format!("Rejected ({})", grouped(Decimal::from(rejected.len()), 0));
    // a membership lapsing is shown with its trainer above already
    let warnings: Vec<String> = summary::listed_warnings(e)
        .filter(|w| !input.capability.is_some_and(|c| c.warnings.contains(w)))
        .cloned()
        .collect();
    let warnings_label = format!("Warnings ({})", grouped(Decimal::from(warnings.len()), 0));
    for (label, items) in [
        (rejected_label, rejected),
        (review_label, review),
        (warnings_label, warnings),
    ] {
        if !items.is_empty() {
            b.push(Block::List {
                label: Some(label),
                items,
            });
        }
    }
    Document { title, blocks: b }
}

#[cfg(test)]
mod tests {
    use super::grouped_review;
    use crate::rules::figures::{ReviewItem, ReviewKind};

    fn item(file: &str, line: u32, reason: &str) -> ReviewItem {
        ReviewItem {
            row: 0,
            file: file.into(),
            line,
            kind: ReviewKind::UnknownProduct,
            reason: reason.into(),
        }
    }

    #[test]
    fn review_rows_are_grouped_by_reason_with_each_file_named_once() {
        let mut review = vec![
            item("a.csv", 3, "no rule classified 'X'"),
            item("a.csv", 5, "no rule classified 'X'"),
            item("a.csv", 4, "no rule classified 'Y'"),
            item("b.csv", 7, "no rule classified 'X'"),
        ];
        assert_eq!(
            grouped_review(&review),
            [
                "no rule classified 'X' (3 rows: a.csv lines 3, 5; b.csv line 7)",
                "no rule classified 'Y' (1 row: a.csv line 4)",
            ]
        );
        // past six rows, the others are counted
        review.extend((10..20).map(|l| item("b.csv", l, "no rule classified 'X'")));
        assert_eq!(
            grouped_review(&review)[0],
            "no rule classified 'X' (13 rows: a.csv lines 3, 5; b.csv lines 7, 10, 11, 12 and 7 more)"
        );
    }

    /// Every row its own reason: one group each, in the order they came (a list this long
    /// was grouped in quadratic time before: 50,000 reasons took seconds).
    #[test]
    fn many_reasons_keep_their_order() {
        let review: Vec<ReviewItem> = (0..50_000)
            .map(|i| item("a.csv", i + 2, &format!("no rule classified 'P{i}'")))
            .collect();
        let groups = grouped_review(&review);
        assert_eq!(groups.len(), 50_000);
        assert_eq!(
            groups[49_999],
            "no rule classified 'P49999' (1 row: a.csv line 50001)"
        );
    }
}
