//! The JSON report of cli.md: money and KPI units as exact decimal strings, counts as integers,
//! `null` for what is not known. Keys beyond cli.md's are additions, never renamings.

use serde_json::{Map, Value, json};

use super::{ReportError, ReportInput, money, units};
use crate::import::FileShape;
use crate::rules::ProductLine;
use crate::rules::evaluate::Evaluation;
use crate::rules::figures::Requirement;

fn opt_bool(v: Option<bool>) -> Value {
    v.map_or(Value::Null, Value::Bool)
}

fn levels(eval: &Evaluation) -> Value {
    let mut out = Map::new();
    for level in &eval.levels {
        let mut m = Map::new();
        for c in &level.checks {
            m.insert(c.requirement.key().into(), opt_bool(c.met));
        }
        m.insert("met".into(), opt_bool(level.met));
        out.insert(level.id.clone(), Value::Object(m));
    }
    Value::Object(out)
}

fn level_checks(eval: &Evaluation) -> Value {
    let mut out = Map::new();
    for level in &eval.levels {
        let checks: Vec<Value> = level
            .checks
            .iter()
            .map(|c| {
                let fmt = |d| match c.requirement {
                    Requirement::Revenue => money(d),
                    _ => units(d),
                };
                json!({
                    "requirement": c.requirement.key(),
                    "met": opt_bool(c.met),
                    "actual": c.actual.map(fmt),
                    "target": c.target.map(fmt),
                    "gap": c.gap().map(fmt),
                })
            })
            .collect();
        out.insert(
            level.id.clone(),
            json!({ "name": level.name, "checks": checks }),
        );
    }
    Value::Object(out)
}

fn forecast(eval: &Evaluation) -> Value {
    let f = &eval.forecast;
    let mut needed = Map::new();
    let mut reached = Map::new();
    for t in &f.targets {
        let key = match t.requirement {
            Requirement::Revenue => "revenue_usd",
            _ => "kpi_units",
        };
        let value = match t.requirement {
            Requirement::Revenue => money(t.needed_per_month),
            _ => units(t.needed_per_month),
        };
        if let Value::Object(m) = needed.entry(t.level.clone()).or_insert_with(|| json!({})) {
            m.insert(key.into(), Value::String(value));
        }
        if let Value::Object(m) = reached.entry(t.level.clone()).or_insert_with(|| json!({})) {
            m.insert(
                key.into(),
                t.reached_on
                    .map_or(Value::Null, |d| Value::String(d.to_string())),
            );
        }
    }
    json!({
        "completed_months": f.completed_months,
        "open_months": f.open_months,
        "run_rate": { "kpi_units": units(f.run_rate.kpi_units), "revenue_usd": money(f.run_rate.revenue_usd) },
        "at_deadline": { "kpi_units": units(f.at_deadline.kpi_units), "revenue_usd": money(f.at_deadline.revenue_usd) },
        "planned": { "kpi_units": units(f.planned.kpi_units), "revenue_usd": money(f.planned.revenue_usd) },
        "needed_per_month": needed,
        "reached_on": reached,
    })
}

fn benefits_at_stake(input: &ReportInput<'_>) -> Value {
    input.eval.verdict.as_ref().map_or(Value::Null, |v| {
        json!(crate::rules::verdict::benefits_at_stake(input.profile, v))
    })
}

fn capability(input: &ReportInput<'_>) -> Value {
    let Some(c) = input.capability else {
        return Value::Null;
    };
    json!({
        "mcts_at_deadline": c.mcts_at_deadline,
        "mcts_today": c.mcts_today,
        "trainers": c.trainers.iter().map(|t| json!({
            "name": t.name,
            "mct_id": t.mct_id,
            "expiry": t.expiry.map(|d| d.to_string()),
            "valid_at_deadline": t.valid_at_deadline,
            "valid_today": t.valid_today,
            "lapses_before_deadline": t.lapses_before_deadline,
        })).collect::<Vec<_>>(),
        "exam_rules": c.exam_rules.iter().map(|r| json!({
            "competency": r.competency,
            "level": r.level,
            "needed": r.needed,
            "exams": r.exams,
            "people": r.people,
            "met": r.met,
        })).collect::<Vec<_>>(),
    })
}

fn reconciliation(input: &ReportInput<'_>) -> Value {
    let figures = |f: &Option<crate::rules::figures::Figures>| {
        f.map(|f| json!({ "kpi_units": units(f.kpi_units), "revenue_usd": money(f.revenue_usd) }))
    };
    let rows: Vec<Value> = input
        .reconciliation
        .months
        .iter()
        .map(|m| {
            json!({
                "month": m.month.label(),
                "source": m.source,
                "dashboard_kpi_units": m.official_kpi_units.map(units),
                "lpkpi_kpi_units": units(m.lpkpi.kpi_units),
                "kpi_units_difference": m.kpi_difference().map(units),
                "dashboard_revenue_usd": m.official_revenue_usd.map(money),
                "lpkpi_revenue_usd": money(m.lpkpi.revenue_usd),
                "revenue_difference_usd": m.revenue_difference().map(money),
                "invoices": m.invoices.iter().map(|i| json!({
                    "invoice": i.invoice,
                    "difference": i.kind(),
                    "lpkpi": figures(&i.lpkpi),
                    "dashboard": figures(&i.official),
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    Value::Array(rows)
}

/// The report as a JSON value.
pub fn value(input: &ReportInput<'_>) -> Value {
    let mut v = skeleton(input);
    if let Some(rows) = v.get_mut("rows").and_then(Value::as_object_mut) {
        for key in LISTS {
            if let Ok(list) = serde_json::to_value(RowList(key, input.eval)) {
                rows.insert(key.into(), list);
            }
        }
    }
    v
}

/// The keys of `rows` that list rows.
const LISTS: [&str; 3] = ["rejected", "needs_rate", "review"];

/// One of the row lists of an evaluation, written item by item (a list can hold a row of
/// every imported row: building it as a value first costs more than the evaluation).
struct RowList<'a>(&'a str, &'a Evaluation);

impl serde::Serialize for RowList<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        #[derive(serde::Serialize)]
        struct Rejected<'a> {
            file: &'a str,
            line: u32,
            reason: &'a str,
        }
        #[derive(serde::Serialize)]
        struct NeedsRate<'a> {
            file: &'a str,
            line: u32,
            currency: &'a crate::money::Currency,
            amount: String,
        }
        #[derive(serde::Serialize)]
        struct Review<'a> {
            file: &'a str,
            line: u32,
            kind: &'a crate::rules::figures::ReviewKind,
            reason: &'a str,
        }
        let e = self.1;
        match self.0 {
            "rejected" => s.collect_seq(e.rejected.iter().map(|r| Rejected {
                file: &r.file,
                line: r.line,
                reason: &r.reason,
            })),
            "needs_rate" => s.collect_seq(e.needs_rate.iter().map(|r| NeedsRate {
                file: &r.file,
                line: r.line,
                currency: &r.currency,
                amount: money(r.amount),
            })),
            "review" => s.collect_seq(e.review.iter().map(|r| Review {
                file: &r.file,
                line: r.line,
                kind: &r.kind,
                reason: &r.reason,
            })),
            _ => s.collect_seq(std::iter::empty::<()>()),
        }
    }
}

/// The report's value with its row lists written straight from the evaluation.
struct Streamed<'a> {
    skeleton: &'a Value,
    eval: &'a Evaluation,
}

impl serde::Serialize for Streamed<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let Value::Object(map) = self.skeleton else {
            return self.skeleton.serialize(s);
        };
        let mut out = s.serialize_map(Some(map.len()))?;
        for (key, value) in map {
            match (key.as_str(), value) {
                ("rows", Value::Object(rows)) => {
                    out.serialize_entry(key, &RowsStreamed(rows, self.eval))?
                }
                _ => out.serialize_entry(key, value)?,
            }
        }
        out.end()
    }
}

struct RowsStreamed<'a>(&'a Map<String, Value>, &'a Evaluation);

impl serde::Serialize for RowsStreamed<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut out = s.serialize_map(Some(self.0.len()))?;
        for (key, value) in self.0 {
            match LISTS.iter().find(|k| **k == key.as_str()) {
                Some(list) => out.serialize_entry(key, &RowList(list, self.1))?,
                None => out.serialize_entry(key, value)?,
            }
        }
        out.end()
    }
}

/// The report without its row lists (empty there).
fn skeleton(input: &ReportInput<'_>) -> Value {
    let e = input.eval;
    let monthly: Vec<Value> = e
        .monthly
        .iter()
        .map(|m| {
            json!({
                "month": m.month.label(),
                "kpi_units": units(m.month_total.kpi_units),
                "revenue_usd": money(m.month_total.revenue_usd),
                "cumulative_kpi_units": units(m.cumulative.kpi_units),
                "cumulative_revenue_usd": money(m.cumulative.revenue_usd),
                // false for a month after the as-of month with no purchase: its 0 is no sale
                "reached": super::summary::month_reached(e, m),
            })
        })
        .collect();
    let mut by_line = Map::new();
    for line in ProductLine::ALL {
        let t = &e.by_line[line.index()];
        by_line.insert(
            line.key().into(),
            json!({ "kits": t.kits, "kpi_units": units(t.kpi_units), "revenue_usd": money(t.revenue_usd) }),
        );
    }
    let files: Vec<Value> = input
        .set
        .files
        .iter()
        .map(|f| {
            let (encoding, delimiter, sheet) = match &f.shape {
                FileShape::Text {
                    encoding,
                    delimiter,
                } => (Some(encoding.label()), Some(delimiter.to_string()), None),
                FileShape::Spreadsheet { sheet } => (None, None, Some(sheet.clone())),
            };
            let columns: Map<String, Value> = f
                .columns
                .describe()
                .into_iter()
                .map(|(field, header)| (field.key().to_string(), Value::String(header)))
                .collect();
            json!({
                "file": f.name,
                "sha256": f.sha256,
                "encoding": encoding,
                "delimiter": delimiter,
                "sheet": sheet,
                "header_line": f.header_line,
                "columns": columns,
                "decimal_mark": f.conventions.decimal_mark,
                "date_order": f.conventions.date_order,
                "rows": f.counts,
                "imported_at": f.imported_at.map(|t| t.format("%Y-%m-%dT%H:%M:%S").to_string()),
            })
        })
        .collect();
    json!({
        "partner": input.partner,
        "profile": input.profile.id,
        "anniversary": e.dates.anniversary.to_string(),
        "deadline": e.dates.deadline.to_string(),
        "window": { "start": e.dates.window_start.to_string(), "end": e.dates.window_end().to_string() },
        "as_of": e.as_of.to_string(),
        "days_to_deadline": e.days_to_deadline,
        "totals": { "kpi_units": units(e.totals.kpi_units), "revenue_usd": money(e.totals.revenue_usd) },
        "monthly": monthly,
        "by_line": by_line,
        "rows": {
            "read": e.counts.read,
            "counted": e.counts.counted,
            "outside_window": e.counts.outside_window,
            "duplicates": e.counts.duplicates,
            "summary": e.counts.summary,
            "not_invoiced": e.counts.not_invoiced,
            // the row lists, one entry a row: filled in by `value`, written straight by `render`
            "rejected": [],
            "needs_rate": [],
            "review": [],
        },
        "levels": levels(e),
        "level_checks": level_checks(e),
        "readiness": e.readiness,
        "verdict": e.verdict.as_ref().map(|v| json!({ "current": v.current, "outcome": v.outcome, "to": v.to })),
        // the summary's words and the data they come from: per level and requirement met, not
        // met or unknown (and why), then the one sentence every format and the dashboard show
        "summary": {
            "verdict": super::summary::verdict(e),
            "countdown": super::summary::countdown(e),
            "forecast": super::summary::forecast_sentence(e),
        },
        "benefits_at_stake": benefits_at_stake(input),
        "capability": capability(input),
        "reconciliation": reconciliation(input),
        "forecast": forecast(e),
        "files": files,
        "warnings": e.warnings,
    })
}

/// The report as pretty JSON bytes, newline-terminated.
pub fn render(input: &ReportInput<'_>) -> Result<Vec<u8>, ReportError> {
    let skeleton = skeleton(input);
    let streamed = Streamed {
        skeleton: &skeleton,
        eval: input.eval,
    };
    let mut out =
        serde_json::to_vec_pretty(&streamed).map_err(|e| ReportError::Write(e.to_string()))?;
    out.push(b'\n');
    Ok(out)
}
