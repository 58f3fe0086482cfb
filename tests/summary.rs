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
