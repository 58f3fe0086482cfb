//! CSV for spreadsheets (UTF-8 with BOM, so Excel opens it right): the monthly table of cli.md,
//! and the review list the window exports, whose text cells can never run as formulas.

use super::{money, units};
use crate::rules::evaluate::Evaluation;
use crate::rules::figures::ReviewKind;

/// The monthly table: month, kpi_units, revenue_usd, cumulative_kpi_units,
/// cumulative_revenue_usd.
pub fn render(eval: &Evaluation) -> Vec<u8> {
    let mut out = String::from(
        "\u{feff}month,kpi_units,revenue_usd,cumulative_kpi_units,cumulative_revenue_usd\r\n",
    );
    for m in &eval.monthly {
        out.push_str(&format!(
            "{},{},{},{},{}\r\n",
            m.month.label(),
            units(m.month_total.kpi_units),
            money(m.month_total.revenue_usd),
            units(m.cumulative.kpi_units),
            money(m.cumulative.revenue_usd),
        ));
    }
    out.into_bytes()
}

/// A text cell: quoted (quotes doubled), with control characters as spaces, and a leading
/// apostrophe when it starts with `=`, `+`, `-`, `@`, a tab or a carriage return, so that a
/// spreadsheet shows it as text instead of running it as a formula. Numbers are not written
/// through this: they stay numbers.
pub fn text_cell(s: &str) -> String {
    let clean: String = s
        .chars()
        .map(|c| {
            if c.is_control() && c != '\t' && c != '\r' {
                ' '
            } else {
                c
            }
        })
        .collect();
    let guard = if clean.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        "'"
    } else {
        ""
    };
    let clean = clean.replace(['\t', '\r'], " ");
    format!("\"{guard}{}\"", clean.replace('"', "\"\""))
}

fn kind_words(kind: ReviewKind) -> &'static str {
    match kind {
        ReviewKind::UnknownProduct => "unknown product",
        ReviewKind::PackagedSet => "packaged set without a component count",
        ReviewKind::NeedsRate => "waiting for an exchange rate",
        ReviewKind::DifferingDuplicate => "duplicate that differs",
    }
}

/// The rows an administrator should look at: every rejected row and every review item, with
/// file, line and reason.
pub fn review(eval: &Evaluation) -> Vec<u8> {
    let mut out = String::from("\u{feff}what,file,line,reason\r\n");
    for r in &eval.rejected {
        out.push_str(&format!(
            "{},{},{},{}\r\n",
            text_cell("rejected"),
            text_cell(&r.file),
            r.line,
            text_cell(&r.reason)
        ));
    }
    for r in &eval.review {
        out.push_str(&format!(
            "{},{},{},{}\r\n",
            text_cell(kind_words(r.kind)),
            text_cell(&r.file),
            r.line,
            text_cell(&r.reason)
        ));
    }
    out.into_bytes()
}

#[cfg(test)]
mod tests {
    use super::text_cell;

    #[test]
    fn formulas_come_out_inert() {
        assert_eq!(
            text_cell("=HYPERLINK(\"http://x\",\"y\")"),
            "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\""
        );
        for s in ["+1", "-2", "@SUM(A1)", "\t=1", "\r=1"] {
            assert!(text_cell(s).starts_with("\"'"), "{s}");
        }
        assert_eq!(text_cell("MOC 20533C"), "\"MOC 20533C\"");
        assert_eq!(text_cell("a\nb\u{0}c"), "\"a b c\"");
    }
}
