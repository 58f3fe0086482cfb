//! The monthly table as CSV (cli.md: UTF-8 with BOM, so Excel opens it right).

use super::{money, units};
use crate::rules::evaluate::Evaluation;

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
