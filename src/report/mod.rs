//! The readiness report: one evaluation, written as JSON (cli.md), a CSV monthly table, or the
//! summary for people (`document`, rendered as Markdown, a self-contained HTML page with the
//! SVG `chart`, or a PDF).

pub mod chart;
pub mod csv;
pub mod document;
pub mod fonts;
pub mod html;
pub mod json;
pub mod markdown;
pub mod pdf;
pub mod summary;

use rust_decimal::Decimal;

use crate::import::ImportSet;
use crate::import::values::cents;
use crate::rules::Profile;
use crate::rules::capability::CapabilityStatus;
use crate::rules::evaluate::Evaluation;
use crate::workspace::Workspace;
use crate::workspace::model::PlannedPurchase;
use crate::workspace::reconcile::Reconciliation;
use crate::workspace::session::{Outcome, Session};

/// What a report is made of.
#[derive(Debug, Clone, Copy)]
pub struct ReportInput<'a> {
    /// The figures.
    pub eval: &'a Evaluation,
    /// The profile they were computed with.
    pub profile: &'a Profile,
    /// The imported files and rows.
    pub set: &'a ImportSet,
    /// The partner's name, when known.
    pub partner: Option<&'a str>,
    /// Trainers and exam rules, when a workspace supplied them.
    pub capability: Option<&'a CapabilityStatus>,
    /// lpkpi's months beside the official dashboard's.
    pub reconciliation: &'a Reconciliation,
    /// The planned purchases of the scenario (a workspace's), listed with the forecast that
    /// counts them.
    pub planned: &'a [PlannedPurchase],
}

impl<'a> ReportInput<'a> {
    /// The report of `outcome`, `ws` evaluated by `session`, as the command line and the
    /// window write it: the partner's name when it has one, trainers and exam rules when the
    /// workspace has any.
    pub fn of(ws: &'a Workspace, session: &'a Session, outcome: &'a Outcome) -> ReportInput<'a> {
        ReportInput {
            eval: &outcome.eval,
            profile: &session.profile,
            set: &session.set,
            partner: ws.partner_name(),
            capability: ws.has_roster().then_some(&outcome.capability),
            reconciliation: &outcome.reconciliation,
            planned: &ws.planned,
        }
    }
}

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// The JSON of cli.md.
    Json,
    /// The monthly table, UTF-8 with BOM.
    Csv,
    /// The rows to look at (rejected, to review), UTF-8 with BOM, formulas neutralized.
    ReviewCsv,
    /// A one-page report for people.
    Markdown,
    /// One self-contained HTML page (inline CSS and chart, no script).
    Html,
    /// The summary as PDF, on this paper, generated at this moment.
    Pdf(pdf::PdfOptions),
}

/// A report that could not be produced.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// Serialization failed.
    #[error("cannot write the report: {0}")]
    Write(String),
    /// The output refused the report's bytes (a full disk, a closed pipe).
    #[error("cannot write the report: {0}")]
    Io(#[from] std::io::Error),
    /// A chart of the summary could not be drawn.
    #[error("cannot write the report: {0}")]
    Chart(#[from] chart::ChartError),
    /// The PDF could not be made (krilla's error).
    #[error("cannot write the PDF: {0}")]
    Pdf(#[from] krilla::error::KrillaError),
    /// The JSON could not be made.
    #[error("cannot write the report: {0}")]
    Json(#[from] serde_json::Error),
}

/// Write a report to `out` (the JSON report as it is made; the others rendered first).
pub fn write(
    input: &ReportInput<'_>,
    format: Format,
    out: &mut dyn std::io::Write,
) -> Result<(), ReportError> {
    match format {
        Format::Json => json::write(input, out),
        other => Ok(out.write_all(&render(input, other)?)?),
    }
}

/// Render a report.
pub fn render(input: &ReportInput<'_>, format: Format) -> Result<Vec<u8>, ReportError> {
    match format {
        Format::Json => json::render(input),
        Format::Csv => Ok(csv::render(input.eval)),
        Format::ReviewCsv => Ok(csv::review(input.eval)),
        Format::Markdown => Ok(markdown::render(input).into_bytes()),
        Format::Html => {
            let charts = chart::pair(input.eval, input.partner, 900, 480).join("\n");
            Ok(html::render(input, Some(&charts)).into_bytes())
        }
        Format::Pdf(options) => pdf::render(input, &options),
    }
}

/// Money as an exact string with cents ("1234.50", "0.00").
pub fn money(d: Decimal) -> String {
    let mut r = cents(d);
    if r.is_zero() {
        r = Decimal::ZERO;
    }
    r.rescale(2);
    r.to_string()
}

/// KPI units as an exact string without trailing zeros ("89.5", "672").
pub fn units(d: Decimal) -> String {
    if d.is_zero() {
        "0".into()
    } else {
        d.normalize().to_string()
    }
}

/// A number for people: thousands separators, `decimals` places ("12,345.50").
pub fn grouped(d: Decimal, decimals: u32) -> String {
    let mut r = d.round_dp_with_strategy(
        decimals,
        rust_decimal::RoundingStrategy::MidpointAwayFromZero,
    );
    if r.is_zero() {
        r = Decimal::ZERO;
    }
    r.rescale(decimals);
    let text = r.abs().to_string();
    let (int, frac) = text.split_once('.').unwrap_or((&text, ""));
    let mut out = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if !frac.is_empty() {
        out.push('.');
        out.push_str(frac);
    }
    if r.is_sign_negative() {
        format!("-{out}")
    } else {
        out
    }
}

/// USD for people: "$12,345.50", "-$1,234.00".
pub fn usd(d: Decimal) -> String {
    if d.is_sign_negative() && !cents(d).is_zero() {
        format!("-${}", grouped(d.abs(), 2))
    } else {
        format!("${}", grouped(d, 2))
    }
}

/// KPI units for people: thousands separators, at most two decimals, none when it is whole.
/// Kits count in halves at most; a run rate or forecast is rounded to two decimals half away
/// from zero (R5), and shown as the JSON gives it: never rounded a second time.
pub fn grouped_units(d: Decimal) -> String {
    let n = d
        .round_dp_with_strategy(2, rust_decimal::RoundingStrategy::MidpointAwayFromZero)
        .normalize();
    grouped(n, n.scale())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn number_forms() {
        assert_eq!(money(d("1234.5")), "1234.50");
        assert_eq!(money(d("-0.001")), "0.00");
        assert_eq!(units(d("89.0")), "89");
        assert_eq!(units(d("-0")), "0");
        assert_eq!(grouped(d("1234567.891"), 2), "1,234,567.89");
        assert_eq!(grouped(d("-1234"), 0), "-1,234");
        assert_eq!(grouped(d("999"), 2), "999.00");
        assert_eq!(grouped_units(d("4984.50")), "4,984.5");
        assert_eq!(grouped_units(d("5000")), "5,000");
        assert_eq!(grouped_units(d("437.63")), "437.63");
        assert_eq!(grouped_units(d("4980.85")), "4,980.85");
        assert_eq!(grouped_units(d("4980.80")), "4,980.8");
        assert_eq!(grouped_units(d("102.455")), "102.46");
        assert_eq!(grouped_units(d("-0.004")), "0");
        assert_eq!(usd(d("-1234")), "-$1,234.00");
        assert_eq!(usd(d("12.345")), "$12.35");
    }
}
