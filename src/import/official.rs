//! The official Learning Partner dashboard's monthly report (Partner Center's columns: Month,
//! Year, OMLP type, Purchase unit, Invoice #, KPI value, Revenue value), read as the importer
//! reads exports (text in any of its encodings and delimiters, or a spreadsheet), so lpkpi's
//! months can be reconciled with the official ones line by line. A bad line is data (its line
//! number and why), never a failure of the whole file.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::money::Month;
use crate::money::limits::MAX_LIST;
use crate::profile::normalize_header;

use super::values::{DecimalMark, month_from_name, parse_money};

/// One line of the official report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OfficialLine {
    /// The month it is counted in.
    pub month: Month,
    /// The product type as the dashboard names it ("Microsoft Training Courseware").
    #[serde(default)]
    pub kind: String,
    /// The purchase unit ("1 Student Kit", "Revenue Only").
    #[serde(default)]
    pub unit: String,
    /// The invoice number (the order number in the partner's exports).
    #[serde(default)]
    pub invoice: String,
    /// KPI units the dashboard counts for the line.
    #[serde(with = "rust_decimal::serde::str")]
    pub kpi_units: Decimal,
    /// Revenue (USD) the dashboard counts for the line.
    #[serde(with = "rust_decimal::serde::str")]
    pub revenue_usd: Decimal,
}

/// The report read: its lines, and the lines that could not be read (line number, why).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OfficialReport {
    /// The lines read.
    pub lines: Vec<OfficialLine>,
    /// Lines not read, with their line number and the reason.
    pub rejected: Vec<(u32, String)>,
}

/// A report that cannot be read at all.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum OfficialError {
    /// No row names the columns the report needs.
    #[error(
        "{0}: not the official dashboard's report (no header with Month, Year, KPI value and Revenue value)"
    )]
    NoHeader(String),
    /// More lines than a workspace keeps.
    #[error("{0}: more than {1} lines")]
    TooLong(String, usize),
}

/// The columns, found by their normalized header names.
struct Columns {
    month: usize,
    year: usize,
    kind: Option<usize>,
    unit: Option<usize>,
    invoice: Option<usize>,
    kpi: usize,
    revenue: usize,
}

fn columns(header: &[String]) -> Option<Columns> {
    let names: Vec<String> = header.iter().map(|h| normalize_header(h)).collect();
    let find = |wanted: &[&str]| names.iter().position(|n| wanted.contains(&n.as_str()));
    Some(Columns {
        month: find(&["month"])?,
        year: find(&["year"])?,
        kind: find(&["omlptype", "producttype", "type"]),
        unit: find(&["purchaseunit", "unit"]),
        invoice: find(&["invoice", "invoicenumber", "invoiceno", "invoiceid"]),
        kpi: find(&["kpivalue", "kpi", "kpiunits"])?,
        revenue: find(&["revenuevalue", "revenue", "revenueusd"])?,
    })
}

/// "October", "Oct", "10" as a month number.
fn month_number(s: &str) -> Option<u32> {
    let s = s.trim();
    match s.parse::<u32>() {
        Ok(n) => (1..=12).contains(&n).then_some(n),
        Err(_) => month_from_name(s),
    }
}

/// A figure of the report: a dot or a comma as the decimal mark, "$" and separators allowed.
fn figure(s: &str) -> Option<Decimal> {
    let s = s.trim();
    if s.is_empty() {
        return Some(Decimal::ZERO);
    }
    parse_money(s, DecimalMark::Dot)
        .or_else(|| parse_money(s, DecimalMark::Comma))
        .map(|(d, _)| d)
        .filter(|d| crate::money::limits::check_money("a figure", *d).is_ok())
}

/// Read the official report `bytes` (named `name` in messages).
pub fn read_official(name: &str, bytes: &[u8]) -> Result<OfficialReport, OfficialError> {
    read_capped(name, bytes, MAX_LIST)
}

/// [`read_official`] keeping at most `cap` lines. Blank rows are read past; a file with more
/// rows than `cap` and a preamble is refused whole. (Before, at most that many rows were read,
/// blank ones counted, and the rows past them were not: a report with blank rows lost its last
/// lines without a word.)
fn read_capped(name: &str, bytes: &[u8], cap: usize) -> Result<OfficialReport, OfficialError> {
    let most = cap + 32;
    let rows = super::peek::peek_rows_where(bytes, most + 1, None, |cells| {
        cells.iter().any(|c| !c.trim().is_empty())
    });
    if rows.len() > most {
        return Err(OfficialError::TooLong(name.to_string(), cap));
    }
    let header_at = rows
        .iter()
        .take(32)
        .position(|(_, cells)| columns(cells).is_some())
        .ok_or_else(|| OfficialError::NoHeader(name.to_string()))?;
    let Some(cols) = rows.get(header_at).and_then(|(_, cells)| columns(cells)) else {
        return Err(OfficialError::NoHeader(name.to_string()));
    };
    let mut report = OfficialReport::default();
    for (line, cells) in rows.iter().skip(header_at + 1) {
        let cell = |i: usize| cells.get(i).map_or("", |c| c.trim());
        if cells.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        if report.lines.len() >= cap {
            return Err(OfficialError::TooLong(name.to_string(), cap));
        }
        let month = month_number(cell(cols.month));
        let year = cell(cols.year)
            .parse::<i32>()
            .ok()
            .filter(|y| crate::money::limits::plausible_year(*y));
        let (Some(month), Some(year)) = (month, year) else {
            report.rejected.push((
                *line,
                format!(
                    "month '{}' of year '{}' is not a month",
                    cell(cols.month),
                    cell(cols.year)
                ),
            ));
            continue;
        };
        let Some(date) = chrono::NaiveDate::from_ymd_opt(year, month, 1) else {
            continue;
        };
        let (Some(kpi_units), Some(revenue_usd)) =
            (figure(cell(cols.kpi)), figure(cell(cols.revenue)))
        else {
            report.rejected.push((
                *line,
                format!(
                    "KPI value '{}' or revenue value '{}' is not a number",
                    cell(cols.kpi),
                    cell(cols.revenue)
                ),
            ));
            continue;
        };
        let text = |i: Option<usize>| i.map_or(String::new(), |i| cell(i).to_string());
        report.lines.push(OfficialLine {
            month: Month::of(date),
            kind: text(cols.kind),
            unit: text(cols.unit),
            invoice: text(cols.invoice),
            kpi_units,
            revenue_usd,
        });
    }
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_and_figures() {
        assert_eq!(month_number("October"), Some(10));
        assert_eq!(month_number("oct"), Some(10));
        assert_eq!(month_number("12"), Some(12));
        assert_eq!(month_number("13"), None);
        assert_eq!(month_number("ju"), None, "June or July");
        assert_eq!(figure("$1,234.50"), Some(Decimal::new(123450, 2)));
        assert_eq!(figure("1234,5"), Some(Decimal::new(12345, 1)));
        assert_eq!(figure(""), Some(Decimal::ZERO));
        assert_eq!(figure("abc"), None);
    }

    #[test]
    fn a_report_with_a_bad_line_and_a_preamble() {
        let text = "Learning Partner KPI report\n\
                    Month,Year,OMLP type,Purchase unit,Invoice #,KPI value,Revenue value\n\
                    October,2025,Microsoft Training Courseware,1 Student Kit,5016,20.0,2400.00\n\
                    Smarch,2025,x,y,5017,1,1\n\
                    \n\
                    November,2025,Microsoft Authorized Labs,Revenue Only,5020,0,\"1,900.00\"\n";
        let r = read_official("r.csv", text.as_bytes()).unwrap();
        assert_eq!(r.lines.len(), 2);
        assert_eq!(r.lines[0].invoice, "5016");
        assert_eq!(r.lines[0].month.label(), "2025-10");
        assert_eq!(r.lines[0].kpi_units, Decimal::new(200, 1));
        assert_eq!(r.lines[1].revenue_usd, Decimal::new(190000, 2));
        assert_eq!(r.rejected.len(), 1);
        assert_eq!(r.rejected[0].0, 4);
        assert!(r.rejected[0].1.contains("Smarch"), "{:?}", r.rejected);
        assert!(matches!(
            read_official("x.csv", b"a,b\n1,2\n"),
            Err(OfficialError::NoHeader(_))
        ));
    }

    #[test]
    fn a_report_longer_than_kept_is_refused_not_cut() {
        let line = "October,2025,Microsoft Training Courseware,1 Student Kit,5016,1,10\n";
        let report = |blank: usize, lines: usize| {
            let mut t = String::from(
                "Month,Year,OMLP type,Purchase unit,Invoice #,KPI value,Revenue value\n",
            );
            t.push_str(&",,,,,,\n".repeat(blank));
            t.push_str(&line.repeat(lines));
            read_capped("r.csv", t.as_bytes(), 5)
        };
        assert_eq!(report(0, 5).unwrap().lines.len(), 5);
        assert!(matches!(report(0, 6), Err(OfficialError::TooLong(_, 5))));
        // blank rows took the places of the last lines: they were not read, and nothing said
        // so; now they are read past
        assert_eq!(report(40, 5).unwrap().lines.len(), 5);
        assert!(matches!(report(40, 6), Err(OfficialError::TooLong(_, 5))));
        // more rows than kept, most of them not lines at all: refused, not cut
        let mut t =
            String::from("Month,Year,OMLP type,Purchase unit,Invoice #,KPI value,Revenue value\n");
        t.push_str(&"Smarch,2025,x,y,1,1,1\n".repeat(40));
        t.push_str(line);
        assert!(matches!(
            read_capped("r.csv", t.as_bytes(), 5),
            Err(OfficialError::TooLong(_, 5))
        ));
    }
}
