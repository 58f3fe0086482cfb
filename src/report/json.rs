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
        // what needed_per_month divides by (README, interpretation 11)
        "buying_months": f.buying_months,
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
    // no trainer recorded: the counts are not known (null), as the levels' MCT checks are
    let known = |n: u32| (!c.trainers.is_empty()).then_some(n);
    json!({
        "mcts_at_deadline": known(c.mcts_at_deadline),
        "mcts_today": known(c.mcts_today),
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

/// How many items the row list `key` of `e` has.
fn list_len(key: &str, e: &Evaluation) -> usize {
    match key {
        "rejected" => e.rejected.len(),
        "needs_rate" => e.needs_rate.len(),
        "review" => e.review.len(),
        _ => 0,
    }
}

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

/// The report's value with its row lists written straight from the evaluation, except the
/// lists named in `apart`, written as their [`placeholder`] to be replaced.
struct Streamed<'a> {
    skeleton: &'a Value,
    eval: &'a Evaluation,
    apart: &'a [&'a str],
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
                    out.serialize_entry(key, &RowsStreamed(rows, self))?
                }
                _ => out.serialize_entry(key, value)?,
            }
        }
        out.end()
    }
}

struct RowsStreamed<'a>(&'a Map<String, Value>, &'a Streamed<'a>);

impl serde::Serialize for RowsStreamed<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let Streamed { eval, apart, .. } = self.1;
        let mut out = s.serialize_map(Some(self.0.len()))?;
        for (key, value) in self.0 {
            match LISTS.iter().find(|k| **k == key.as_str()) {
                Some(list) if apart.contains(list) => {
                    out.serialize_entry(key, &placeholder(list))?
                }
                Some(list) => out.serialize_entry(key, &RowList(list, eval))?,
                None => out.serialize_entry(key, value)?,
            }
        }
        out.end()
    }
}

/// The string written in place of the row list `key` while the list is written apart.
fn placeholder(key: &str) -> String {
    format!("\u{1}lpkpi row list {key}\u{1}")
}

/// Row lists from this many items on are written apart, item by item, straight to the
/// output (the 94,718 review rows of a 1M-row export are 18.8 MB of JSON).
const APART_FROM: usize = 1_000;

/// The size of the pieces in which a row list written apart is handed to the output.
const FLUSH_AT: usize = 1 << 16;

/// A text written as a JSON string, kept for the next item: the items of a list repeat
/// their file name and, often, their reason.
#[derive(Default)]
struct Escaped {
    text: String,
    json: Vec<u8>,
}

impl Escaped {
    /// Appends `text` as a JSON string (escaped as `serde_json` escapes it).
    fn write(&mut self, out: &mut Vec<u8>, text: &str) -> std::io::Result<()> {
        if self.json.is_empty() || self.text != text {
            self.json.clear();
            serde_json::to_writer(&mut self.json, text).map_err(std::io::Error::other)?;
            self.text.clear();
            self.text.push_str(text);
        }
        out.extend_from_slice(&self.json);
        Ok(())
    }
}

/// Appends any other value of an item as JSON.
fn write_value<T: serde::Serialize + ?Sized>(out: &mut Vec<u8>, v: &T) -> std::io::Result<()> {
    serde_json::to_writer(out, v).map_err(std::io::Error::other)
}

/// The items of a row list being written: a buffer handed to the output whenever it holds
/// `flush_at` bytes, and the texts escaped last.
struct Items {
    buf: Vec<u8>,
    flush_at: usize,
    file: Escaped,
    text: Escaped,
}

impl Items {
    /// Begins item `i` (a `,` before all but the first, then a line end) with its file and
    /// line, the fields every list's items begin with.
    fn begin(&mut self, i: usize, file: &str, line: u32) -> std::io::Result<()> {
        if i > 0 {
            self.buf.push(b',');
        }
        self.buf.extend_from_slice(b"\n      {\n        \"file\": ");
        self.file.write(&mut self.buf, file)?;
        self.buf.extend_from_slice(b",\n        \"line\": ");
        write_value(&mut self.buf, &line)
    }

    /// The next field's name: one of the `Items` constants below (a `,`, a line end, the
    /// indent, the name in quotes, `: `).
    fn key(&mut self, key: &[u8]) {
        self.buf.extend_from_slice(key);
    }

    const REASON: &[u8] = b",\n        \"reason\": ";
    const KIND: &[u8] = b",\n        \"kind\": ";
    const CURRENCY: &[u8] = b",\n        \"currency\": ";
    const AMOUNT: &[u8] = b",\n        \"amount\": ";

    /// Ends the item, and hands the buffer to `out` when it is full.
    fn end(&mut self, out: &mut dyn std::io::Write) -> std::io::Result<()> {
        self.buf.extend_from_slice(b"\n      }");
        if self.buf.len() >= self.flush_at {
            out.write_all(&self.buf)?;
            self.buf.clear();
        }
        Ok(())
    }
}

/// Writes the row list `key` to `out` as it stands in the report, each line indented for
/// its place (`[`, a line end before each item, then `\n    ]`), exactly as `serde_json`'s
/// pretty formatter writes [`RowList`] there (a test compares the two). The items go through
/// a buffer handed to `out` whenever it holds `flush_at` bytes: a list can be tens of
/// megabytes, and is never all in memory.
fn write_list(
    out: &mut dyn std::io::Write,
    key: &str,
    eval: &Evaluation,
    flush_at: usize,
) -> std::io::Result<()> {
    if list_len(key, eval) == 0 {
        return out.write_all(b"[]");
    }
    let mut w = Items {
        buf: Vec::with_capacity(flush_at.saturating_add(1024).min(1 << 20)),
        flush_at,
        file: Escaped::default(),
        text: Escaped::default(),
    };
    w.buf.push(b'[');
    match key {
        "rejected" => {
            for (i, r) in eval.rejected.iter().enumerate() {
                w.begin(i, &r.file, r.line)?;
                w.key(Items::REASON);
                w.text.write(&mut w.buf, &r.reason)?;
                w.end(out)?;
            }
        }
        "needs_rate" => {
            for (i, r) in eval.needs_rate.iter().enumerate() {
                w.begin(i, &r.file, r.line)?;
                w.key(Items::CURRENCY);
                write_value(&mut w.buf, &r.currency)?;
                w.key(Items::AMOUNT);
                write_value(&mut w.buf, &money(r.amount))?;
                w.end(out)?;
            }
        }
        _ => {
            for (i, r) in eval.review.iter().enumerate() {
                w.begin(i, &r.file, r.line)?;
                w.key(Items::KIND);
                write_value(&mut w.buf, &r.kind)?;
                w.key(Items::REASON);
                w.text.write(&mut w.buf, &r.reason)?;
                w.end(out)?;
            }
        }
    }
    w.buf.extend_from_slice(b"\n    ]");
    out.write_all(&w.buf)
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
            // what the other formats say beside the verdict, in the same words
            "caveats": super::summary::caveats(e, input.reconciliation, &input.set.files),
            "forecast": super::summary::forecast_sentence(
                e,
                super::summary::named_plan(e, input.planned, input.profile)
            ),
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
    let mut out = Vec::new();
    write(input, &mut out)?;
    Ok(out)
}

/// [`render`], written to `out` as it is made: the long row lists are never all in memory.
pub fn write(input: &ReportInput<'_>, out: &mut dyn std::io::Write) -> Result<(), ReportError> {
    write_with(input, out, APART_FROM, FLUSH_AT)
}

/// [`write`], with the row lists of at least `apart_from` items written apart, handed to
/// `out` in pieces of `flush_at` bytes.
fn write_with(
    input: &ReportInput<'_>,
    out: &mut dyn std::io::Write,
    apart_from: usize,
    flush_at: usize,
) -> Result<(), ReportError> {
    let skeleton = skeleton(input);
    let eval = input.eval;
    let pretty = |apart: &[&str]| {
        let streamed = Streamed {
            skeleton: &skeleton,
            eval,
            apart,
        };
        serde_json::to_vec_pretty(&streamed).map_err(ReportError::Json)
    };
    let apart: Vec<&str> = LISTS
        .into_iter()
        .filter(|key| list_len(key, eval) >= apart_from.max(1))
        .collect();
    let mut text = pretty(&apart)?;
    let places = match placeholders(&text, &apart)? {
        Some(places) => places,
        None => {
            // a placeholder is not where it alone can be (a text of the report holds it)
            text = pretty(&[])?;
            Vec::new()
        }
    };
    let mut from = 0;
    for (start, end, key) in places {
        out.write_all(text.get(from..start).unwrap_or_default())?;
        write_list(out, key, eval, flush_at)?;
        from = end;
    }
    out.write_all(text.get(from..).unwrap_or_default())?;
    out.write_all(b"\n")?;
    Ok(())
}

/// Where a row list's placeholder stands in the report's text: its first byte, the byte
/// after it, and the list's key.
type Place<'k> = (usize, usize, &'k str);

/// Where the [`placeholder`] of each list in `apart` stands in `text`, in the order of the
/// text; None when one does not stand there exactly once.
fn placeholders<'k>(text: &[u8], apart: &[&'k str]) -> Result<Option<Vec<Place<'k>>>, ReportError> {
    let mut at = Vec::new();
    for &key in apart {
        let quoted = serde_json::to_vec(&placeholder(key))?;
        let mut found = memchr::memmem::find_iter(text, &quoted);
        match (found.next(), found.next()) {
            (Some(start), None) => at.push((start, start + quoted.len(), key)),
            _ => return Ok(None),
        }
    }
    at.sort_unstable();
    Ok(Some(at))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workspace::model::Workspace;
    use crate::workspace::session::{Outcome, Session};
    use chrono::NaiveDate;

    /// An export whose report has every row list: rejected rows, rows waiting for a rate,
    /// unknown products, packaged sets without a component count and differing duplicates,
    /// with texts that need escaping.
    fn export(rows: usize) -> String {
        let mut out = String::from("Order,Line,Invoice Date,Product,Type,Qty,Amount,Currency\n");
        for i in 0..rows {
            let (product, kind) = match i % 4 {
                0 => ("MOC 20533C Implementing Azure", "MOC"),
                1 => ("Packaged Set: \"Azure\" path", "Packaged Set"),
                2 => ("55238A SharePoint Online \\ Tab\there", ""),
                _ => ("Classroom catering", "Other"),
            };
            let qty = if i % 11 == 0 { "ten" } else { "2" };
            let currency = if i % 7 == 0 { "EUR" } else { "USD" };
            let line = if i % 13 == 0 { 0 } else { i };
            let product = product.replace('"', "\"\"");
            out.push_str(&format!(
                "{},{line},2026-03-{:02},\"{product}\",{kind},{qty},{}.50,{currency}\n",
                i / 3,
                i % 28 + 1,
                i % 500
            ));
        }
        out
    }

    /// A session with the export of `rows` rows imported as `name`, and its evaluation.
    fn evaluated(name: &str, rows: usize) -> (Session, Outcome) {
        let ws = Workspace::default();
        let mut session = Session::new(&ws).unwrap();
        let rules = session.import_rules.clone();
        std::sync::Arc::make_mut(&mut session.set)
            .add(name, export(rows).as_bytes(), &rules)
            .unwrap();
        let day = |s| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let outcome = session.evaluate(&ws, day("2026-10-01"), day("2026-11-26"), None);
        (session, outcome)
    }

    #[test]
    fn row_lists_written_apart_read_as_the_report_written_at_once() {
        let (session, outcome) = evaluated("e\"x\\port.csv", 400);
        let e = &outcome.eval;
        for key in LISTS {
            assert!(list_len(key, e) > 10, "{key}: {}", list_len(key, e));
        }
        let input = ReportInput {
            eval: e,
            profile: &session.profile,
            set: &session.set,
            partner: Some("A \"partner\" \u{1}lpkpi row list"),
            capability: None,
            reconciliation: &outcome.reconciliation,
            planned: &[],
        };
        let mut whole = serde_json::to_vec_pretty(&value(&input)).unwrap();
        whole.push(b'\n');
        assert_eq!(render(&input).unwrap(), whole);
        for apart_from in [1, 15, 60, usize::MAX] {
            for flush_at in [0, 1, 100, 1 << 16] {
                let mut out = Vec::new();
                write_with(&input, &mut out, apart_from, flush_at).unwrap();
                assert!(
                    out == whole,
                    "apart from {apart_from}, flushed at {flush_at}:\n{}",
                    String::from_utf8_lossy(&out)
                );
            }
        }
    }

    #[test]
    fn a_text_holding_a_placeholder_sends_the_report_back_to_be_written_at_once() {
        let (session, outcome) = evaluated("x.csv", 60);
        let name = placeholder("review");
        let input = ReportInput {
            eval: &outcome.eval,
            profile: &session.profile,
            set: &session.set,
            partner: Some(&name),
            capability: None,
            reconciliation: &outcome.reconciliation,
            planned: &[],
        };
        let mut whole = serde_json::to_vec_pretty(&value(&input)).unwrap();
        whole.push(b'\n');
        let mut out = Vec::new();
        write_with(&input, &mut out, 1, 10).unwrap();
        assert!(out == whole, "{}", String::from_utf8_lossy(&out));
        let skeleton = skeleton(&input);
        let streamed = Streamed {
            skeleton: &skeleton,
            eval: &outcome.eval,
            apart: &["review"],
        };
        let text = serde_json::to_vec_pretty(&streamed).unwrap();
        assert_eq!(placeholders(&text, &["review"]).unwrap(), None);
        assert!(placeholders(&text, &["rejected"]).unwrap().is_none());
    }
}
