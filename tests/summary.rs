//! The summary for people, pinned: the Markdown, HTML, CSV and SVG chart of the bundled demo
//! workspace as of a fixed day are insta snapshots (`tests/snapshots/`), so any change of
//! wording or figures shows in review. Accept a deliberate change with
//! `INSTA_UPDATE=always cargo test --test summary` (or `cargo insta review`).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "tests and benchmarks fail by panicking"
)]

use std::path::Path;

use chrono::NaiveDate;
use lpkpi::report::chart::{Metric, svg};
use lpkpi::report::{Format, ReportInput, render};
use lpkpi::workspace::session::Session;

fn demo() -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/demo/demo.ron");
    let ws = lpkpi::workspace::file::parse(&std::fs::read(path).unwrap(), "demo.ron").unwrap();
    let session = Session::new(&ws).unwrap();
    let as_of = NaiveDate::from_ymd_opt(2026, 11, 26).unwrap();
    let out = session.evaluate(&ws, ws.partner.anniversary.unwrap(), as_of, None);
    let input = ReportInput {
        eval: &out.eval,
        profile: &session.profile,
        set: &session.set,
        partner: Some(ws.partner.name.as_str()),
        capability: Some(&out.capability),
        reconciliation: &out.reconciliation,
        planned: &ws.planned,
    };
    let text = |f| String::from_utf8(render(&input, f).unwrap()).unwrap();
    insta::assert_snapshot!("demo_summary_md", text(Format::Markdown));
    insta::assert_snapshot!("demo_summary_html", text(Format::Html));
    insta::assert_snapshot!("demo_monthly_csv", text(Format::Csv));
    let chart = svg(&out.eval, input.partner, Metric::KpiUnits, 900, 480);
    insta::assert_snapshot!("demo_chart_kpi_svg", chart.clone());
    chart
}

#[test]
fn demo_summary_in_every_human_format() {
    let chart = demo();
    // the same verdict sentence and figures everywhere
    assert!(chart.contains("Gold 5,000"));
}

/// The demo's summary in Markdown as of the same day, with `planned` as its planned purchases.
fn demo_with_plans(planned: Vec<lpkpi::workspace::model::PlannedPurchase>) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/demo/demo.ron");
    let mut ws = lpkpi::workspace::file::parse(&std::fs::read(path).unwrap(), "demo.ron").unwrap();
    ws.planned = planned;
    let session = Session::new(&ws).unwrap();
    let as_of = NaiveDate::from_ymd_opt(2026, 11, 26).unwrap();
    let out = session.evaluate(&ws, ws.partner.anniversary.unwrap(), as_of, None);
    let input = ReportInput::of(&ws, &session, &out);
    String::from_utf8(render(&input, Format::Markdown).unwrap()).unwrap()
}

fn plan(
    date: &str,
    description: &str,
    kits: i64,
    usd: &str,
) -> lpkpi::workspace::model::PlannedPurchase {
    lpkpi::workspace::model::PlannedPurchase {
        date: NaiveDate::parse_from_str(date, "%Y-%m-%d").unwrap(),
        description: description.into(),
        line: lpkpi::rules::ProductLine::Courseware,
        kits,
        amount_usd: usd.parse().unwrap(),
    }
}

#[test]
fn the_planned_purchases_the_forecast_counts_are_listed_with_its_total() {
    // two still to come inside the window, one already past, one after the deadline
    let md = demo_with_plans(vec![
        plan("2027-02-10", "Security week | EMEA", 30, "4500.50"),
        plan("2027-01-15", "Azure bootcamp", 120, "15000.00"),
        plan("2026-11-20", "Past course", 10, "1000"),
        plan("2027-03-05", "Next year's course", 10, "1000"),
    ]);
    assert!(
        md.contains("with the planned purchases, at 5,130.88 KPI units and $493,639.44."),
        "{md}"
    );
    assert!(
        md.contains("The planned purchase 'Past course' on 2026-11-20 is not counted: it is not after 2026-11-26, and its purchase counts once imported. The planned purchase 'Next year's course' on 2027-03-05 is not counted: it is outside the window."),
        "{md}"
    );
    assert!(
        md.contains("The forecast counts 2 planned purchases:"),
        "{md}"
    );
    assert!(
        md.contains("| 2027-01-15 | Azure bootcamp | Courseware | 120 | 120 | $15,000.00 |"),
        "{md}"
    );
    // a table cell keeps its text (the writer escapes the pipe)
    assert!(
        md.contains("| 2027-02-10 | Security week \\| EMEA | Courseware | 30 | 30 | $4,500.50 |"),
        "{md}"
    );
    assert!(
        md.contains("| **Total** |  |  | **150** | **150** | **$19,500.50** |"),
        "{md}"
    );
    // in date order
    assert!(
        md.find("| 2027-01-15 |") < md.find("| 2027-02-10 |"),
        "{md}"
    );

    // one counted: named in the sentence, no table
    let md = demo_with_plans(vec![plan("2027-01-15", "", 120, "15000.00")]);
    assert!(md.contains("; with the planned purchase on 2027-01-15 (120 KPI units, $15,000.00), at 5,100.88 KPI units and $489,138.94."), "{md}");
    assert!(!md.contains("The forecast counts"), "{md}");
    assert!(!md.contains("not counted."), "{md}");

    // none counted: said, and the forecast is the one without them
    let md = demo_with_plans(vec![plan("2026-11-20", "Past course", 10, "1000")]);
    assert!(
        md.contains(
            "The planned purchase 'Past course' on 2026-11-20 is not counted: it is not after 2026-11-26, and its purchase counts once imported."
        ),
        "{md}"
    );
    assert!(!md.contains("with the planned"), "{md}");

    // several alike: counted, not named
    let md = demo_with_plans(vec![
        plan("2026-11-20", "Past course", 10, "1000"),
        plan("2026-10-20", "", 10, "1000"),
        plan("2027-03-05", "Next year's course", 10, "1000"),
        plan("2025-03-05", "Last year's course", 10, "1000"),
    ]);
    assert!(
        md.contains(
            "2 planned purchases dated on or before 2026-11-26 are not counted: their purchases count once imported. 2 planned purchases dated outside the window are not counted."
        ),
        "{md}"
    );
}
