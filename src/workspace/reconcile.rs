//! lpkpi's months beside the official Learning Partner dashboard's: per month the figures of
//! both sides and their difference, and the invoices behind a difference (on one side only, or
//! valued differently). The official side is the imported report's lines where a month has
//! any, else the figures typed for it.

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde::Serialize;

use super::model::DashboardMonth;
use crate::import::official::OfficialLine;
use crate::money::cents;
use crate::rules::Month;
use crate::rules::evaluate::Evaluation;
use crate::rules::figures::Figures;

/// Where a month's official figures come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// The imported report's lines.
    Report,
    /// Figures typed in.
    Typed,
}

/// One invoice whose figures differ between the two sides.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InvoiceCheck {
    /// The invoice (lpkpi's order number).
    pub invoice: String,
    /// lpkpi's figures for it (None: not in lpkpi's counted rows).
    pub lpkpi: Option<Figures>,
    /// The dashboard's (None: not on the dashboard).
    pub official: Option<Figures>,
}

impl InvoiceCheck {
    /// What the difference is, in words ("only in lpkpi", "only on the dashboard", "valued
    /// differently").
    pub fn kind(&self) -> &'static str {
        match (&self.lpkpi, &self.official) {
            (Some(_), None) => "only in lpkpi",
            (None, Some(_)) => "only on the dashboard",
            _ => "valued differently",
        }
    }
}

/// One month of the window with official figures.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MonthCheck {
    /// The month.
    pub month: Month,
    /// lpkpi's figures (counted purchases of the month).
    pub lpkpi: Figures,
    /// The dashboard's KPI units, when known.
    pub official_kpi_units: Option<Decimal>,
    /// The dashboard's revenue, when known.
    pub official_revenue_usd: Option<Decimal>,
    /// Where the official figures come from.
    pub source: Source,
    /// The invoices that differ (the report's months only: typed figures have no invoices).
    pub invoices: Vec<InvoiceCheck>,
}

impl MonthCheck {
    /// lpkpi's KPI units less the dashboard's.
    pub fn kpi_difference(&self) -> Option<Decimal> {
        self.official_kpi_units.map(|o| self.lpkpi.kpi_units - o)
    }

    /// lpkpi's revenue less the dashboard's.
    pub fn revenue_difference(&self) -> Option<Decimal> {
        self.official_revenue_usd
            .map(|o| cents(self.lpkpi.revenue_usd - o))
    }

    /// Whether the month differs at all.
    pub fn differs(&self) -> bool {
        self.kpi_difference().is_some_and(|d| !d.is_zero())
            || self.revenue_difference().is_some_and(|d| !d.is_zero())
            || !self.invoices.is_empty()
    }
}

/// The reconciliation of a workspace.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Reconciliation {
    /// The months of the window with official figures, in order.
    pub months: Vec<MonthCheck>,
}

impl Reconciliation {
    /// Months that differ.
    pub fn differences(&self) -> usize {
        self.months.iter().filter(|m| m.differs()).count()
    }
}

fn same(a: &Figures, b: &Figures) -> bool {
    a.kpi_units == b.kpi_units && cents(a.revenue_usd) == cents(b.revenue_usd)
}

fn add(to: &mut Figures, kpi_units: Decimal, revenue_usd: Decimal) {
    to.kpi_units = to.kpi_units.saturating_add(kpi_units);
    to.revenue_usd = to.revenue_usd.saturating_add(revenue_usd);
}

/// Reconcile `eval`'s months with the official report's `lines` and the `typed` months;
/// `invoices` are lpkpi's counted purchases as (month, invoice, figures), one entry a row.
pub fn reconcile(
    eval: &Evaluation,
    invoices: &[(Month, String, Figures)],
    lines: &[OfficialLine],
    typed: &[DashboardMonth],
) -> Reconciliation {
    let mut ours: BTreeMap<(Month, &str), Figures> = BTreeMap::new();
    for (month, invoice, f) in invoices {
        add(
            ours.entry((*month, invoice.as_str())).or_default(),
            f.kpi_units,
            f.revenue_usd,
        );
    }
    let mut theirs: BTreeMap<(Month, &str), Figures> = BTreeMap::new();
    for l in lines {
        add(
            theirs.entry((l.month, l.invoice.as_str())).or_default(),
            l.kpi_units,
            l.revenue_usd,
        );
    }
    let mut months = Vec::new();
    for m in &eval.monthly {
        let month = m.month;
        let reported: Vec<&OfficialLine> = lines.iter().filter(|l| l.month == month).collect();
        let check = if reported.is_empty() {
            let Some(t) = typed.iter().find(|t| t.month == month) else {
                continue;
            };
            MonthCheck {
                month,
                lpkpi: m.month_total,
                official_kpi_units: t.kpi_units,
                official_revenue_usd: t.revenue_usd,
                source: Source::Typed,
                invoices: Vec::new(),
            }
        } else {
            let mut total = Figures::default();
            for l in &reported {
                add(&mut total, l.kpi_units, l.revenue_usd);
            }
            let keys: std::collections::BTreeSet<&str> = ours
                .keys()
                .chain(theirs.keys())
                .filter(|(mm, _)| *mm == month)
                .map(|(_, i)| *i)
                .collect();
            let invoices = keys
                .into_iter()
                .filter_map(|invoice| {
                    let a = ours.get(&(month, invoice));
                    let b = theirs.get(&(month, invoice));
                    // a side without the invoice counts it as nothing: an invoice of free
                    // content (0 and $0) missing from the dashboard is no difference
                    let zero = Figures::default();
                    let differs = !same(a.unwrap_or(&zero), b.unwrap_or(&zero));
                    differs.then(|| InvoiceCheck {
                        invoice: invoice.to_string(),
                        lpkpi: a.copied(),
                        official: b.copied(),
                    })
                })
                .collect();
            MonthCheck {
                month,
                lpkpi: m.month_total,
                official_kpi_units: Some(total.kpi_units),
                official_revenue_usd: Some(total.revenue_usd),
                source: Source::Report,
                invoices,
            }
        };
        months.push(check);
    }
    Reconciliation { months }
}
