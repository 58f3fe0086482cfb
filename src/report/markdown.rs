//! A one-page readiness report for people (Markdown: readable as plain text, renders as a page).

use std::fmt::Write;

use rust_decimal::Decimal;

use super::{ReportInput, grouped, grouped_units, summary, usd};
use crate::rules::ProductLine;
use crate::rules::figures::{Check, Requirement};
use crate::rules::verdict::{Outcome, benefits_at_stake};

fn requirement_label(c: &Check) -> String {
    match c.requirement {
        Requirement::KpiUnits => "KPI units".into(),
        Requirement::Revenue => "Revenue (USD)".into(),
        Requirement::Mct => "Active MCTs at the deadline".into(),
        Requirement::Exams => "Competency exam rule".into(),
    }
}

fn figure(c: &Check, d: Decimal) -> String {
    match c.requirement {
        Requirement::Revenue => usd(d),
        _ => grouped_units(d),
    }
}

fn status(met: Option<bool>) -> &'static str {
    match met {
        Some(true) => "✔ met",
        Some(false) => "✘ not met",
        None => "? unknown",
    }
}

/// "1 person", "3 people".
fn people(n: u32) -> String {
    if n == 1 {
        "1 person".into()
    } else {
        format!("{n} people")
    }
}

/// Text from files or people (partner, product and file names, reasons quoting them) as inert
/// Markdown: no HTML, link, image, emphasis, code or table cell can be formed from it, and a
/// line break or control character becomes a space, so no heading or list can start.
pub fn md(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\\' | '`' | '*' | '_' | '[' | ']' | '|' | '~' | '#' => {
                out.push('\\');
                out.push(c);
            }
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// Review items with the same reason, as one line listing where they are.
fn grouped_review(e: &crate::rules::evaluate::Evaluation) -> Vec<String> {
    let mut groups: Vec<(&str, Vec<String>)> = Vec::new();
    for r in &e.review {
        let place = format!("{} line {}", md(&r.file), r.line);
        match groups.iter_mut().find(|(reason, _)| *reason == r.reason) {
            Some((_, places)) => places.push(place),
            None => groups.push((&r.reason, vec![place])),
        }
    }
    groups
        .into_iter()
        .map(|(reason, places)| {
            let n = places.len();
            let shown = places
                .iter()
                .take(6)
                .cloned()
                .collect::<Vec<_>>()
                .join(", ");
            let more = if n > 6 {
                format!(" and {} more", n - 6)
            } else {
                String::new()
            };
            format!(
                "{} ({n} row{}: {shown}{more})",
                md(reason),
                if n == 1 { "" } else { "s" }
            )
        })
        .collect()
}

/// Render the report.
pub fn render(input: &ReportInput<'_>) -> String {
    let e = input.eval;
    let mut s = String::new();
    let title = input.partner.map_or("Renewal readiness".to_string(), |p| {
        format!("Renewal readiness: {}", md(p))
    });
    let _ = writeln!(s, "# {title}\n");
    let _ = writeln!(
        s,
        "As of **{}** · anniversary **{}** · deadline **{}** ({}) · window {} to {}\n",
        e.as_of,
        e.dates.anniversary,
        e.dates.deadline,
        summary::countdown(e),
        e.dates.window_start,
        e.dates.window_end()
    );
    let _ = writeln!(s, "Program: {}\n", md(&input.profile.name));

    let _ = writeln!(s, "## Verdict\n");
    let _ = writeln!(s, "**{}**\n", md(&summary::verdict(e).sentence));
    if let Some(r) = &e.readiness {
        let name = if r == "none" {
            "none".to_string()
        } else {
            summary::level_name(e, r)
        };
        let _ = writeln!(s, "Highest level met: **{}**\n", md(&name));
    }

    let _ = writeln!(s, "## Levels\n");
    let _ = writeln!(s, "| Level | Requirement | Have | Need | Status |");
    let _ = writeln!(s, "|---|---|---:|---:|---|");
    for level in &e.levels {
        for c in &level.checks {
            let (have, need) = match c.requirement {
                Requirement::Exams => ("—".to_string(), "the competency's rule".to_string()),
                _ => (
                    c.actual.map_or("?".into(), |a| figure(c, a)),
                    c.target.map_or("?".into(), |t| figure(c, t)),
                ),
            };
            let gap = c
                .gap()
                .map_or(String::new(), |g| format!(", {} short", figure(c, g)));
            let _ = writeln!(
                s,
                "| {} | {} | {have} | {need} | {}{gap} |",
                md(&level.name),
                requirement_label(c),
                status(c.met)
            );
        }
    }
    let _ = writeln!(s);

    if let Some(v) = &e.verdict
        && matches!(v.outcome, Outcome::Drops | Outcome::Removed)
    {
        let _ = writeln!(s, "## Benefits at stake\n");
        let _ = writeln!(
            s,
            "| Benefit | Now ({}) | After |",
            md(&summary::level_name(e, &v.current))
        );
        let _ = writeln!(s, "|---|---|---|");
        for b in benefits_at_stake(input.profile, v) {
            let after = md(b.after.as_deref().unwrap_or("none"));
            let _ = writeln!(s, "| {} | {} | {after} |", md(&b.benefit), md(&b.now));
        }
        let _ = writeln!(s);
    }

    if let Some(c) = input.capability {
        let _ = writeln!(s, "## Trainers and exams\n");
        let _ = writeln!(
            s,
            "{} MCTs valid at the deadline ({} today).\n",
            c.mcts_at_deadline, c.mcts_today
        );
        for t in &c.trainers {
            let state = if t.lapses_before_deadline {
                "⚠ lapses before the deadline"
            } else if t.valid_at_deadline {
                "✔ valid at the deadline"
            } else {
                "✘ lapsed"
            };
            let expiry = t
                .expiry
                .map_or("expiry unknown".to_string(), |d| format!("until {d}"));
            let _ = writeln!(
                s,
                "- {} ({}), {expiry}: {state}",
                md(&t.name),
                md(&t.mct_id)
            );
        }
        for r in &c.exam_rules {
            let _ = writeln!(
                s,
                "- {}, {} rule: {} needed with {}; {} {} ({}): {}",
                md(&r.competency),
                md(&summary::level_name(e, &r.level)),
                people(r.needed),
                md(&r.exams.join(" / ")),
                people(r.people.len() as u32),
                if r.people.len() == 1 {
                    "has one"
                } else {
                    "have one"
                },
                if r.people.is_empty() {
                    "nobody yet".to_string()
                } else {
                    md(&r.people.join(", "))
                },
                status(Some(r.met))
            );
        }
        let _ = writeln!(s);
    }

    let _ = writeln!(s, "## Forecast at the deadline\n");
    let f = &e.forecast;
    let _ = writeln!(s, "{}\n", summary::forecast_sentence(e));
    for t in f
        .targets
        .iter()
        .filter(|t| summary::needs_monthly(e, t.needed_per_month))
    {
        let (what, need) = match t.requirement {
            Requirement::Revenue => ("revenue", usd(t.needed_per_month)),
            _ => ("KPI units", grouped_units(t.needed_per_month)),
        };
        let when = t.reached_on.map_or(String::new(), |d| {
            format!("; reached by {d} at the run rate")
        });
        let _ = writeln!(
            s,
            "- {} {what}: {need} needed per remaining month{when}",
            md(&summary::level_name(e, &t.level))
        );
    }
    let _ = writeln!(s);

    let _ = writeln!(s, "## Month by month\n");
    let _ = writeln!(
        s,
        "| Month | KPI units | Revenue (USD) | Cumulative KPI | Cumulative revenue |"
    );
    let _ = writeln!(s, "|---|---:|---:|---:|---:|");
    for m in &e.monthly {
        if !summary::month_reached(e, m) {
            let _ = writeln!(s, "| {} | — | — | — | — |", m.month.label());
            continue;
        }
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {} |",
            m.month.label(),
            grouped_units(m.month_total.kpi_units),
            grouped(m.month_total.revenue_usd, 2),
            grouped_units(m.cumulative.kpi_units),
            grouped(m.cumulative.revenue_usd, 2)
        );
    }
    let _ = writeln!(
        s,
        "| **Total** | **{}** | **{}** | | |\n",
        grouped_units(e.totals.kpi_units),
        grouped(e.totals.revenue_usd, 2)
    );

    let _ = writeln!(s, "## By product line\n");
    let _ = writeln!(s, "| Line | Kits | KPI units | Revenue (USD) |");
    let _ = writeln!(s, "|---|---:|---:|---:|");
    for line in ProductLine::ALL {
        let t = &e.by_line[line.index()];
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} |",
            line.key(),
            grouped(Decimal::from(t.kits), 0),
            grouped_units(t.kpi_units),
            grouped(t.revenue_usd, 2)
        );
    }
    let _ = writeln!(s);

    let c = &e.counts;
    let _ = writeln!(s, "## Rows\n");
    let _ = writeln!(
        s,
        "{} rows read from {} files: {} counted, {} outside the window, {} duplicates, {} summary rows, {} not invoiced, {} rejected.\n",
        c.read,
        input.set.files.len(),
        c.counted,
        c.outside_window,
        c.duplicates,
        c.summary,
        c.not_invoiced,
        c.rejected
    );
    const SHOWN: usize = 15;
    for (title, items) in [
        (
            "Rejected",
            e.rejected
                .iter()
                .map(|r| format!("{} line {}: {}", md(&r.file), r.line, md(&r.reason)))
                .collect::<Vec<_>>(),
        ),
        ("To review", grouped_review(e)),
        ("Warnings", e.warnings.iter().map(|w| md(w)).collect()),
    ] {
        if items.is_empty() {
            continue;
        }
        let _ = writeln!(s, "**{title}** ({}):\n", items.len());
        for item in items.iter().take(SHOWN) {
            let _ = writeln!(s, "- {item}");
        }
        if items.len() > SHOWN {
            let _ = writeln!(s, "- … and {} more", items.len() - SHOWN);
        }
        let _ = writeln!(s);
    }
    s
}
