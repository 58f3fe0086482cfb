//! One data row to one outcome: blank, summary, not invoiced, rejected (with a reason a person
//! understands), or a parsed purchase. Text files and spreadsheets share this path through the
//! [`Cells`] view, so every format gets the same rules.

use std::borrow::Cow;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::sniff::ColumnMap;
use super::values::{
    Currency, DayMonth, DecimalMark, cents, date_is_ambiguous, date_order_hint, decimal_from_f64,
    is_iso_date, money_vote, parse_components, parse_date, parse_money, parse_quantity,
    scan_number, whole,
};
use crate::profile::{Field, Profile};

pub use crate::money::limits::{MAX_MONEY, MAX_QUANTITY};

/// One cell as the importer sees it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Cell<'a> {
    /// Nothing, or only spaces.
    Empty,
    /// Text (trimmed).
    Text(&'a str),
    /// A spreadsheet number.
    Number(f64),
    /// A spreadsheet number its cell's format shows in a currency (`1.234,50 €`): read as
    /// that text would be, a number otherwise.
    Money(f64, &'a Currency),
    /// A spreadsheet date.
    Date(NaiveDate),
}

impl<'a> Cell<'a> {
    /// A text cell, trimmed; blank text is [`Cell::Empty`].
    #[inline]
    pub fn text(s: &'a str) -> Cell<'a> {
        // most cells begin and end in a visible ASCII character: nothing to trim
        let visible = |b: Option<&u8>| b.is_some_and(|&b| b.is_ascii_graphic());
        if visible(s.as_bytes().first()) && visible(s.as_bytes().last()) {
            return Cell::Text(s);
        }
        let t = s.trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}');
        if t.is_empty() {
            Cell::Empty
        } else {
            Cell::Text(t)
        }
    }

    fn is_empty(&self) -> bool {
        matches!(self, Cell::Empty)
    }

    /// The cell as text: numbers without float noise ("700103", not "700103.0").
    #[inline]
    pub fn as_text(&self) -> Cow<'a, str> {
        match *self {
            Cell::Empty => Cow::Borrowed(""),
            Cell::Text(s) => Cow::Borrowed(s),
            Cell::Number(f) | Cell::Money(f, _) => match decimal_from_f64(f) {
                Some(d) => Cow::Owned(d.normalize().to_string()),
                None => Cow::Owned(f.to_string()),
            },
            Cell::Date(d) => Cow::Owned(d.to_string()),
        }
    }
}

/// A row of cells, from a csv record or a sheet row.
pub trait Cells {
    /// Number of cells.
    fn len(&self) -> usize;
    /// Cell `i` (Empty past the end).
    fn cell(&self, i: usize) -> Cell<'_>;
    /// Whether the row has no cells.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// Why the row's quotes look broken (text files only; see
    /// [`super::split::Record::broken_quotes`]): the row is then rejected with this reason.
    fn broken_quotes(&self, _last_column: usize) -> Option<String> {
        None
    }
}

impl Cells for csv::ByteRecord {
    fn len(&self) -> usize {
        csv::ByteRecord::len(self)
    }
    fn cell(&self, i: usize) -> Cell<'_> {
        match self.get(i) {
            // The text was decoded to UTF-8 before splitting on ASCII delimiters.
            Some(b) => Cell::text(std::str::from_utf8(b).unwrap_or("")),
            None => Cell::Empty,
        }
    }
}

impl Cells for csv::StringRecord {
    fn len(&self) -> usize {
        csv::StringRecord::len(self)
    }
    fn cell(&self, i: usize) -> Cell<'_> {
        // the record was checked as UTF-8 once, when it was read
        self.get(i).map_or(Cell::Empty, Cell::text)
    }
}

/// The per-file conventions decided before the rows are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Conventions {
    /// Decimal mark of amounts and prices.
    pub decimal_mark: DecimalMark,
    /// Day/month order of numeric dates.
    pub date_order: DayMonth,
    /// How the file writes its dates: when every one is ISO (or a spreadsheet date cell), the
    /// day/month order never applied. Files imported before this was recorded read as
    /// [`DateForm::Numeric`].
    #[serde(default, skip_serializing_if = "DateForm::is_numeric")]
    pub date_form: DateForm,
}

/// How a file writes its dates, as far as their day/month order is concerned.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DateForm {
    /// Some date is written in another form than the two below (or none was seen): the
    /// file's day/month order is the one to tell.
    #[default]
    Numeric,
    /// Every date is written `YYYY-MM-DD`.
    Iso,
    /// Every date is a spreadsheet date cell.
    Cells,
}

impl DateForm {
    fn is_numeric(&self) -> bool {
        *self == DateForm::Numeric
    }
}

impl Conventions {
    /// How the file's dates were read, in words: "dates: ISO (YYYY-MM-DD)", "dates: day first
    /// (DD/MM/YYYY)", ...
    pub fn dates_text(&self) -> &'static str {
        match (self.date_form, self.date_order) {
            (DateForm::Iso, _) => "dates: ISO (YYYY-MM-DD)",
            (DateForm::Cells, _) => "dates: spreadsheet date cells",
            (DateForm::Numeric, DayMonth::DayFirst) => "dates: day first (DD/MM/YYYY)",
            (DateForm::Numeric, DayMonth::MonthFirst) => "dates: month first (MM/DD/YYYY)",
        }
    }

    /// The file's conventions in words: "decimals with '.' · dates: ISO (YYYY-MM-DD)".
    pub fn describe(&self) -> String {
        format!(
            "decimals with '{}' · {}",
            self.decimal_mark.symbol(),
            self.dates_text()
        )
    }
}

/// Collects the evidence for a file's conventions over its data rows (import.md, "Values").
#[derive(Debug, Default)]
pub struct ConventionScan {
    comma_votes: u32,
    dot_votes: u32,
    order: Option<DayMonth>,
    ambiguous_seen: bool,
    iso_dates: u32,
    date_cells: u32,
    other_dates: u32,
}

impl ConventionScan {
    /// Look at one data row: its amount and unit price text vote for the decimal mark
    /// (spreadsheet numbers do not vote), its dates for the day/month order.
    pub fn observe<C: Cells + ?Sized>(&mut self, cells: &C, map: &ColumnMap) {
        self.observe_with(cells, map, None);
    }

    /// [`ConventionScan::observe`], the votes of money texts taken from (and kept in) `memo`,
    /// a reader's under `mark`.
    pub fn observe_with<C: Cells + ?Sized>(
        &mut self,
        cells: &C,
        map: &ColumnMap,
        mut memo: Option<(&mut MoneyMemo, DecimalMark)>,
    ) {
        for f in [Field::Amount, Field::UnitPrice] {
            if let Some(Cell::Text(t)) = map.get(f).map(|i| cells.cell(i)) {
                let vote = match memo.as_mut() {
                    Some((memo, mark)) => memo.vote(t, *mark),
                    None => money_vote(t),
                };
                match vote {
                    Some(DecimalMark::Comma) => {
                        self.comma_votes = self.comma_votes.saturating_add(1)
                    }
                    Some(DecimalMark::Dot) => self.dot_votes = self.dot_votes.saturating_add(1),
                    None => {}
                }
            }
        }
        for f in [Field::InvoiceDate, Field::OrderDate] {
            let seen = match map.get(f).map(|i| cells.cell(i)) {
                Some(Cell::Text(t)) if is_iso_date(t) => &mut self.iso_dates,
                Some(Cell::Date(_)) => &mut self.date_cells,
                // a text that is no date at all is the row's problem, not a form of the file
                // (once a date of another form is seen, the decision needs no more of them)
                Some(Cell::Text(_)) if self.other_dates > 0 => continue,
                Some(Cell::Text(t)) if parse_date(t, DayMonth::MonthFirst).is_some() => {
                    &mut self.other_dates
                }
                Some(Cell::Number(_) | Cell::Money(..)) => &mut self.other_dates,
                _ => continue,
            };
            *seen = seen.saturating_add(1);
        }
        if self.order.is_none() {
            for f in [Field::InvoiceDate, Field::OrderDate] {
                if let Some(Cell::Text(t)) = map.get(f).map(|i| cells.cell(i)) {
                    match date_order_hint(t) {
                        Some(o) => {
                            self.order = Some(o);
                            break;
                        }
                        None => self.ambiguous_seen |= date_is_ambiguous(t),
                    }
                }
            }
        }
    }

    /// Add the evidence of the rows that follow in the file (a later chunk of it), so that
    /// scanning in chunks and merging in file order decides what one scan would.
    pub fn merge(&mut self, later: ConventionScan) {
        self.comma_votes = self.comma_votes.saturating_add(later.comma_votes);
        self.dot_votes = self.dot_votes.saturating_add(later.dot_votes);
        self.iso_dates = self.iso_dates.saturating_add(later.iso_dates);
        self.date_cells = self.date_cells.saturating_add(later.date_cells);
        self.other_dates = self.other_dates.saturating_add(later.other_dates);
        // the first hint in file order decides; ambiguity counts only before any hint
        if self.order.is_none() {
            self.order = later.order;
            self.ambiguous_seen |= later.ambiguous_seen;
        }
    }

    /// The decision, and a warning when the day/month order could not be decided. The
    /// decimal mark is the one most amounts and prices vote for; with no votes or a tie, `,`
    /// in a `;`-separated file, else `.`.
    pub fn decide(&self, semicolon_separated: bool) -> (Conventions, Option<String>) {
        let decimal_mark = match self.comma_votes.cmp(&self.dot_votes) {
            std::cmp::Ordering::Greater => DecimalMark::Comma,
            std::cmp::Ordering::Less => DecimalMark::Dot,
            std::cmp::Ordering::Equal if semicolon_separated => DecimalMark::Comma,
            std::cmp::Ordering::Equal => DecimalMark::Dot,
        };
        let (date_order, warning) = match self.order {
            Some(o) => (o, None),
            None if semicolon_separated => (DayMonth::DayFirst, None),
            None => (
                DayMonth::MonthFirst,
                self.ambiguous_seen.then(|| {
                    "no date has a day above 12, so dates like 03/04 are read month first"
                        .to_string()
                }),
            ),
        };
        let date_form = match (self.iso_dates, self.date_cells, self.other_dates) {
            (1.., 0, 0) => DateForm::Iso,
            (0, 1.., 0) => DateForm::Cells,
            _ => DateForm::Numeric,
        };
        (
            Conventions {
                decimal_mark,
                date_order,
                date_form,
            },
            warning,
        )
    }
}

/// The row-level rules of the profile, ready for matching.
#[derive(Debug, Clone)]
pub struct RowRules {
    summary_words: Vec<String>,
    not_invoiced: Vec<String>,
}

impl RowRules {
    /// From a profile.
    pub fn new(profile: &Profile) -> RowRules {
        RowRules {
            summary_words: profile
                .summary_words
                .iter()
                .map(|s| s.to_lowercase())
                .collect(),
            not_invoiced: profile
                .not_invoiced_status
                .iter()
                .map(|s| s.to_lowercase())
                .collect(),
        }
    }

    fn is_summary_label(&self, text: &str) -> bool {
        let lower = text.to_lowercase();
        self.summary_words.iter().any(|w| {
            lower == *w
                || lower
                    .strip_prefix(w.as_str())
                    .is_some_and(|rest| rest.starts_with([' ', ':']))
        })
    }

    fn is_not_invoiced_status(&self, status: &str) -> bool {
        self.not_invoiced.iter().any(|p| {
            status
                .as_bytes()
                .get(..p.len())
                .is_some_and(|head| head.eq_ignore_ascii_case(p.as_bytes()))
        })
    }
}

/// A row that parsed as a purchase, borrowing its text from the source.
#[derive(Debug, Clone, PartialEq)]
pub struct ParsedRow<'a> {
    /// Purchase date (invoice date when the file has one).
    pub date: NaiveDate,
    /// Order id (invoice number preferred), "" when the file has none.
    pub order_id: Cow<'a, str>,
    /// Line id, when the file has a line column.
    pub line_id: Option<Cow<'a, str>>,
    /// Part number.
    pub part: Cow<'a, str>,
    /// Product name.
    pub name: Cow<'a, str>,
    /// Product type cell.
    pub kind: Cow<'a, str>,
    /// Quantity as written (sign not yet harmonized with the amount).
    pub quantity: i64,
    /// Components from the file (None: not given).
    pub components: Option<u32>,
    /// Amount as written, in cents (None: no amount and no price).
    pub amount: Option<Decimal>,
    /// Currency of the amount.
    pub currency: Currency,
}

/// What a row is.
#[derive(Debug, Clone, PartialEq)]
pub enum RowOutcome<'a> {
    /// All cells empty: not a row at all.
    Blank,
    /// A total / subtotal line.
    Summary,
    /// Cancelled, pending, quoted, or no invoice date yet.
    NotInvoiced,
    /// A required value is missing or unreadable.
    Rejected(String),
    /// A purchase.
    Purchase(ParsedRow<'a>),
}

fn quote(c: &Cell<'_>) -> String {
    format!("'{}'", excerpt(&c.as_text()))
}

/// Characters of a value a reason quotes in full; a longer one is cut.
const EXCERPT: usize = 60;

/// A value as a reason quotes it: whole when short, else its first [`EXCERPT`] characters, "…"
/// and its length (a value may be megabytes: a quote never closed takes the rest of a file).
/// Line ends inside it read as spaces: a reason is one line.
pub(super) fn excerpt(text: &str) -> String {
    let one_line = |t: &str| t.replace(['\r', '\n'], " ");
    match text.char_indices().nth(EXCERPT) {
        None => one_line(text),
        Some((cut, _)) => format!(
            "{}… ({} characters)",
            one_line(text.get(..cut).unwrap_or_default()),
            text.chars().count()
        ),
    }
}

fn mark_hint(mark: DecimalMark) -> String {
    format!("this file writes decimals with '{}'", mark.symbol())
}

/// Why a money cell cannot be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum BadMoney {
    /// Not money at all (`ten`, `12,34,5`).
    Unreadable,
    /// Money only with the decimal mark the file did not choose (`1,23` in a `.` file).
    OtherMark,
}

/// Whether an amount is beyond [`MAX_MONEY`] (the digits alone decide for almost every one).
fn above_max_money(v: Decimal) -> bool {
    v.mantissa().unsigned_abs() > MAX_MONEY.unsigned_abs() as u128
        && v.abs() > Decimal::from(MAX_MONEY)
}

/// Money in a cell: Ok(None) when empty, Err when present but unreadable.
fn money_cell(
    c: Cell<'_>,
    mark: DecimalMark,
) -> Result<Option<(Decimal, Option<Currency>)>, BadMoney> {
    match c {
        Cell::Empty => Ok(None),
        Cell::Text(t) => {
            if let Some(read) = parse_money(t, mark) {
                return Ok(Some(read));
            }
            let scanned = scan_number(t).ok_or(BadMoney::Unreadable)?;
            match scanned.value(mark) {
                Some(v) => Ok(Some((v, scanned.currency))),
                None if scanned.value(mark.other()).is_some() => Err(BadMoney::OtherMark),
                None => Err(BadMoney::Unreadable),
            }
        }
        Cell::Number(f) => decimal_from_f64(f)
            .map(|d| Some((d, None)))
            .ok_or(BadMoney::Unreadable),
        Cell::Money(f, currency) => decimal_from_f64(f)
            .map(|d| Some((d, Some(*currency))))
            .ok_or(BadMoney::Unreadable),
        Cell::Date(_) => Err(BadMoney::Unreadable),
    }
}

/// What a money cell reads as.
type MoneyRead = Result<Option<(Decimal, Option<Currency>)>, BadMoney>;

/// The longest money text [`MoneyMemo`] keeps.
const MEMO_KEY: usize = 22;
/// How many texts [`MoneyMemo`] keeps (one per slot, the slot picked by the text's hash).
const MEMO_SLOTS: usize = 512;

/// Money texts one reader of a file has met, with what each reads as under the decimal mark
/// it reads with: a file writes the same prices and amounts on many rows, so most of its
/// money texts are read once. It gives what [`money_cell`] gives (it only remembers).
#[derive(Debug, Default)]
pub struct MoneyMemo {
    slots: Vec<Option<MemoSlot>>,
}

#[derive(Debug, Clone, Copy)]
struct MemoSlot {
    key: [u8; MEMO_KEY],
    len: u8,
    mark: DecimalMark,
    read: MoneyRead,
    vote: Option<DecimalMark>,
}

impl MoneyMemo {
    /// [`money_cell`], remembered for short texts.
    fn read(&mut self, c: Cell<'_>, mark: DecimalMark) -> MoneyRead {
        match c {
            Cell::Text(t) => self
                .slot(t, mark)
                .map_or_else(|| money_cell(c, mark), |s| s.read),
            _ => money_cell(c, mark),
        }
    }

    /// [`money_vote`] of a text, remembered with what it reads as under `mark`.
    fn vote(&mut self, t: &str, mark: DecimalMark) -> Option<DecimalMark> {
        self.slot(t, mark).map_or_else(|| money_vote(t), |s| s.vote)
    }

    /// The slot of a short text, read now if it is not there; None for a long text.
    fn slot(&mut self, t: &str, mark: DecimalMark) -> Option<&MemoSlot> {
        let b = t.as_bytes();
        if b.len() > MEMO_KEY {
            return None;
        }
        if self.slots.is_empty() {
            self.slots = vec![None; MEMO_SLOTS];
        }
        let h = std::hash::BuildHasher::hash_one(&rustc_hash::FxBuildHasher, b);
        let slot = self.slots.get_mut((h >> 32) as usize % MEMO_SLOTS)?;
        let kept = slot
            .as_ref()
            .is_some_and(|s| s.mark == mark && s.key.get(..usize::from(s.len)) == Some(b));
        if !kept {
            let mut key = [0u8; MEMO_KEY];
            key.get_mut(..b.len())?.copy_from_slice(b);
            *slot = Some(MemoSlot {
                key,
                len: b.len() as u8,
                mark,
                read: money_cell(Cell::Text(t), mark),
                vote: money_vote(t),
            });
        }
        slot.as_ref()
    }
}

/// A currency sign lpkpi does not read ("¥", "₹", "₩"...), the first in `text`: the reason to
/// give when an amount holding one is unreadable, rather than the decimal mark.
fn foreign_sign(text: &str) -> Option<char> {
    text.chars().find(|&c| {
        matches!(
            c,
            '¢' | '¤'
                | '¥'
                | '֏'
                | '؋'
                | '৲'
                | '৳'
                | '฿'
                | '៛'
                | '₠'..='₫'
                | '₭'..='⃀'
                | '﷼'
                | '﹩'
                | '＄'
                | '￠'
                | '￡'
                | '￥'
                | '￦'
        )
    })
}

fn money_reason(what: &str, cell: &Cell<'_>, bad: BadMoney, mark: DecimalMark) -> String {
    match bad {
        BadMoney::Unreadable => match foreign_sign(&cell.as_text()) {
            Some(sign) => format!(
                "{what} {} is not a readable amount: '{sign}' is not a currency sign lpkpi reads ($, € or £, a code such as USD, or a currency column)",
                quote(cell)
            ),
            None => format!(
                "{what} {} is not a readable amount ({})",
                quote(cell),
                mark_hint(mark)
            ),
        },
        BadMoney::OtherMark => format!(
            "{what} {} reads only with '{}' as the decimal mark, but {}",
            quote(cell),
            mark.other().symbol(),
            mark_hint(mark)
        ),
    }
}

/// Counts a file's rows rejected because an amount or unit price reads only with the decimal
/// mark the file did not choose (import.md, "Values"), for the file's warning.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct StrayMarks {
    rows: u32,
}

impl StrayMarks {
    /// Note one row and its outcome from [`parse_row`].
    pub fn note<C: Cells + ?Sized>(
        &mut self,
        cells: &C,
        map: &ColumnMap,
        conv: &Conventions,
        outcome: &RowOutcome<'_>,
    ) {
        if !matches!(outcome, RowOutcome::Rejected(_)) {
            return;
        }
        let stray = [Field::Amount, Field::UnitPrice].into_iter().any(|f| {
            map.get(f).is_some_and(|i| {
                money_cell(cells.cell(i), conv.decimal_mark) == Err(BadMoney::OtherMark)
            })
        });
        if stray {
            self.rows = self.rows.saturating_add(1);
        }
    }

    /// Add the rows noted over a later chunk of the file.
    pub fn merge(&mut self, later: StrayMarks) {
        self.rows = self.rows.saturating_add(later.rows);
    }

    /// How many rows were rejected so.
    pub fn rows(&self) -> u32 {
        self.rows
    }

    /// The file's warning, when any row was rejected so.
    pub fn warning(&self, mark: DecimalMark) -> Option<String> {
        let other = mark.other().symbol();
        let mark = mark.symbol();
        match self.rows {
            0 => None,
            1 => Some(format!(
                "1 row has an amount that reads only with '{other}' as the decimal mark, but this file writes decimals with '{mark}': it was rejected"
            )),
            n => Some(format!(
                "{n} rows have amounts that read only with '{other}' as the decimal mark, but this file writes decimals with '{mark}': they were rejected"
            )),
        }
    }
}

/// Parse one data row. `cells` must be a data row of a file mapped by `map`.
pub fn parse_row<'a, C: Cells + ?Sized>(
    cells: &'a C,
    map: &ColumnMap,
    conv: &Conventions,
    rules: &RowRules,
    memo: &mut MoneyMemo,
) -> RowOutcome<'a> {
    let n = cells.len();
    if (0..n).all(|i| cells.cell(i).is_empty()) {
        return RowOutcome::Blank;
    }
    let get = |f: Field| map.get(f).map_or(Cell::Empty, |i| cells.cell(i));
    let date_cell = map.date().map_or(Cell::Empty, |i| cells.cell(i));
    let date = match date_cell {
        Cell::Empty => None,
        Cell::Date(d) => Some(Ok(d)),
        Cell::Text(t) => Some(parse_date(t, conv.date_order).ok_or(())),
        Cell::Number(_) | Cell::Money(..) => Some(Err(())),
    };
    if !matches!(date, Some(Ok(_))) {
        let first = (0..n).map(|i| cells.cell(i)).find(|c| !c.is_empty());
        if let Some(Cell::Text(t)) = first
            && rules.is_summary_label(t)
        {
            return RowOutcome::Summary;
        }
    }
    if let Cell::Text(status) = get(Field::Status)
        && rules.is_not_invoiced_status(status)
    {
        return RowOutcome::NotInvoiced;
    }
    if map.has_invoice_date() && date_cell.is_empty() {
        return RowOutcome::NotInvoiced;
    }

    let mut reasons: Vec<String> = Vec::new();
    let date = match date {
        Some(Ok(d)) => Some(d),
        Some(Err(())) => {
            reasons.push(format!("date {} is not a valid date", quote(&date_cell)));
            None
        }
        None => {
            reasons.push("the date is missing".into());
            None
        }
    };
    let qty_cell = get(Field::Quantity);
    let quantity = match qty_cell {
        Cell::Empty => {
            reasons.push("the quantity is missing".into());
            None
        }
        Cell::Text(t) => parse_quantity(t, conv.decimal_mark),
        Cell::Number(f) | Cell::Money(f, _) => decimal_from_f64(f).and_then(whole),
        Cell::Date(_) => None,
    };
    if quantity.is_none() && !qty_cell.is_empty() {
        reasons.push(format!(
            "quantity {} is not a whole number",
            quote(&qty_cell)
        ));
    }
    let quantity = quantity.filter(|q| {
        let ok = q.unsigned_abs() <= MAX_QUANTITY;
        if !ok {
            reasons.push(format!(
                "quantity {} is implausibly large",
                quote(&qty_cell)
            ));
        }
        ok
    });
    let part = get(Field::PartNumber);
    let name = get(Field::ProductName);
    if part.is_empty() && name.is_empty() {
        reasons.push("the product name and part number are both missing".into());
    }
    let amount_cell = get(Field::Amount);
    let amount = memo
        .read(amount_cell, conv.decimal_mark)
        .unwrap_or_else(|bad| {
            reasons.push(money_reason("amount", &amount_cell, bad, conv.decimal_mark));
            None
        });
    let price_cell = get(Field::UnitPrice);
    let price = memo
        .read(price_cell, conv.decimal_mark)
        .unwrap_or_else(|bad| {
            reasons.push(money_reason(
                "unit price",
                &price_cell,
                bad,
                conv.decimal_mark,
            ));
            None
        });
    let comp_cell = get(Field::Components);
    let components = match comp_cell {
        Cell::Empty => None,
        Cell::Text(t) => parse_components(t, conv.decimal_mark).or_else(|| {
            reasons.push(format!(
                "components {} is not a positive whole number",
                quote(&comp_cell)
            ));
            None
        }),
        Cell::Number(f) | Cell::Money(f, _) => decimal_from_f64(f)
            .and_then(whole)
            .and_then(|v| u32::try_from(v).ok())
            .filter(|&v| v > 0 && v <= super::values::MAX_COMPONENTS)
            .or_else(|| {
                reasons.push(format!(
                    "components {} is not a positive whole number",
                    quote(&comp_cell)
                ));
                None
            }),
        Cell::Date(_) => {
            reasons.push(format!(
                "components {} is not a positive whole number",
                quote(&comp_cell)
            ));
            None
        }
    };
    for (what, cell, value) in [
        ("amount", amount_cell, &amount),
        ("unit price", price_cell, &price),
    ] {
        if value.is_some_and(|(v, _)| above_max_money(v)) {
            reasons.push(format!("{what} {} is implausibly large", quote(&cell)));
        }
    }
    // A currency cell that is not a code is kept as written: the row then waits for a rate.
    let column_currency = Currency::from_cell(&get(Field::Currency).as_text());
    let (Some(date), Some(quantity), true) = (date, quantity, reasons.is_empty()) else {
        return RowOutcome::Rejected(reasons.join("; "));
    };
    let (amount, written_currency) = match (amount, price) {
        (Some((a, c)), _) => (Some(cents(a)), c),
        (None, Some((p, c))) => (Some(cents(p * Decimal::from(quantity))), c),
        (None, None) => (None, None),
    };
    if amount.is_some_and(above_max_money) {
        return RowOutcome::Rejected(format!(
            "quantity {} times unit price {} is implausibly large",
            quote(&qty_cell),
            quote(&price_cell)
        ));
    }
    let currency = column_currency
        .or(written_currency)
        .unwrap_or(Currency::USD);
    RowOutcome::Purchase(ParsedRow {
        date,
        order_id: map
            .order_id()
            .map_or(Cow::Borrowed(""), |i| cells.cell(i).as_text()),
        line_id: map.get(Field::LineId).map(|i| cells.cell(i).as_text()),
        part: part.as_text(),
        name: name.as_text(),
        kind: get(Field::ProductType).as_text(),
        quantity,
        components,
        amount,
        currency,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::sniff::HeaderNames;
    use std::str::FromStr;

    struct Row(Vec<&'static str>);
    impl Cells for Row {
        fn len(&self) -> usize {
            self.0.len()
        }
        fn cell(&self, i: usize) -> Cell<'_> {
            self.0.get(i).map_or(Cell::Empty, |s| Cell::text(s))
        }
    }

    fn setup(header: &[&str]) -> (ColumnMap, RowRules) {
        let p = Profile::builtin().unwrap();
        let header: Vec<String> = header.iter().map(|s| s.to_string()).collect();
        (
            ColumnMap::from_header(&HeaderNames::new(&p), &header),
            RowRules::new(&p),
        )
    }

    const DOT: Conventions = Conventions {
        decimal_mark: DecimalMark::Dot,
        date_order: DayMonth::MonthFirst,
        date_form: DateForm::Numeric,
    };

    fn outcome(header: &[&str], row: Vec<&'static str>) -> RowOutcome<'static> {
        let (map, rules) = setup(header);
        let row: &'static Row = Box::leak(Box::new(Row(row)));
        parse_row(row, &map, &DOT, &rules, &mut MoneyMemo::default())
    }

    const H: &[&str] = &[
        "Invoice Date",
        "Order",
        "Product",
        "Qty",
        "Amount",
        "Status",
    ];

    #[test]
    fn fates_in_order() {
        assert_eq!(outcome(H, vec!["", " ", "", "", "", ""]), RowOutcome::Blank);
        assert_eq!(
            outcome(H, vec!["Grand Total", "", "", "", "720.00", ""]),
            RowOutcome::Summary
        );
        assert_eq!(
            outcome(H, vec!["", "Subtotal: Q1", "", "", "720.00", ""]),
            RowOutcome::Summary
        );
        assert_eq!(
            outcome(H, vec!["", "Totally", "", "", "720.00", ""]),
            RowOutcome::NotInvoiced
        );
        assert_eq!(
            outcome(
                H,
                vec!["2026-01-05", "1", "MOC", "2", "10", "Cancelled by user"]
            ),
            RowOutcome::NotInvoiced
        );
        for status in [
            "void",
            "Rejected",
            "PENDING",
            "Quote",
            "Quotation 12",
            "Order confirmation",
            "canceled",
        ] {
            assert_eq!(
                outcome(H, vec!["2026-01-05", "1", "MOC", "2", "10", status]),
                RowOutcome::NotInvoiced,
                "{status}"
            );
        }
        // empty invoice date: not invoiced (not a rejection), even with a bad quantity
        assert_eq!(
            outcome(H, vec!["", "1", "MOC", "ten", "10", ""]),
            RowOutcome::NotInvoiced
        );
        assert!(matches!(
            outcome(H, vec!["2026-01-05", "1", "MOC", "2", "10", "Invoiced"]),
            RowOutcome::Purchase(_)
        ));
    }

    #[test]
    fn every_rejection_reason() {
        let h = &[
            "Order Date",
            "Order",
            "SKU",
            "Product",
            "Qty",
            "Price",
            "Amount",
            "Components",
            "Currency",
        ];
        let cases: &[(Vec<&'static str>, &str)] = &[
            (
                vec!["", "1", "X", "MOC", "2", "", "10", "", ""],
                "the date is missing",
            ),
            (
                vec!["2026-13-01", "1", "X", "MOC", "2", "", "10", "", ""],
                "date '2026-13-01' is not a valid date",
            ),
            (
                vec!["2026-01-05", "1", "X", "MOC", "", "", "10", "", ""],
                "the quantity is missing",
            ),
            (
                vec!["2026-01-05", "1", "X", "MOC", "three", "", "10", "", ""],
                "quantity 'three' is not a whole number",
            ),
            (
                vec!["2026-01-05", "1", "X", "MOC", "2.5", "", "10", "", ""],
                "quantity '2.5' is not a whole number",
            ),
            (
                vec!["2026-01-05", "1", "", "", "2", "", "10", "", ""],
                "the product name and part number are both missing",
            ),
            (
                vec!["2026-01-05", "1", "X", "MOC", "2", "", "12,34,5", "", ""],
                "amount '12,34,5' is not a readable amount",
            ),
            (
                vec!["2026-01-05", "1", "X", "MOC", "2", "ten", "", "", ""],
                "unit price 'ten' is not a readable amount",
            ),
            (
                vec!["2026-01-05", "1", "X", "MOC", "2", "", "10", "0", ""],
                "components '0' is not a positive whole number",
            ),
            (
                vec!["2026-01-05", "1", "X", "MOC", "(2)", "", "10", "", ""],
                "quantity '(2)' is not a whole number",
            ),
        ];
        for (row, want) in cases {
            match outcome(h, row.clone()) {
                RowOutcome::Rejected(r) => assert!(r.starts_with(want), "{row:?}: {r}"),
                other => panic!("{row:?}: {other:?}"),
            }
        }
    }

    #[test]
    fn amounts_prices_currency_and_ids() {
        let h = &[
            "Order Date",
            "Order",
            "Line",
            "SKU",
            "Product",
            "Qty",
            "Price",
            "Amount",
            "Currency",
        ];
        let RowOutcome::Purchase(p) = outcome(
            h,
            vec![
                "2026-01-05",
                "700103",
                "2",
                "20533C",
                "MOC",
                "3",
                "10.005",
                "",
                "",
            ],
        ) else {
            panic!()
        };
        assert_eq!(
            p.amount,
            Some(Decimal::from_str("30.02").unwrap()),
            "3 x 10.005 = 30.015 -> 30.02"
        );
        assert_eq!(p.currency, Currency::USD);
        assert_eq!(
            (p.order_id.as_ref(), p.line_id.as_deref()),
            ("700103", Some("2"))
        );
        let RowOutcome::Purchase(p) = outcome(
            h,
            vec!["2026-01-05", "1", "", "X", "MOC", "3", "", "€ 1,234.50", ""],
        ) else {
            panic!()
        };
        assert_eq!(
            (p.amount, p.currency),
            (Some(Decimal::from_str("1234.50").unwrap()), Currency::EUR)
        );
        let RowOutcome::Purchase(p) = outcome(
            h,
            vec![
                "2026-01-05",
                "1",
                "",
                "X",
                "MOC",
                "3",
                "",
                "€ 1,234.50",
                "gbp",
            ],
        ) else {
            panic!()
        };
        assert_eq!(p.currency, Currency::GBP, "the currency column wins");
        let RowOutcome::Purchase(p) =
            outcome(h, vec!["2026-01-05", "1", "", "X", "MOC", "3", "", "", ""])
        else {
            panic!()
        };
        assert_eq!(p.amount, None);
    }

    #[test]
    fn spreadsheet_cells() {
        assert_eq!(Cell::Number(700103.0).as_text(), "700103");
        assert_eq!(Cell::Number(1.5).as_text(), "1.5");
        assert_eq!(
            Cell::Date(NaiveDate::from_ymd_opt(2026, 3, 1).unwrap()).as_text(),
            "2026-03-01"
        );
    }

    #[test]
    fn conventions() {
        let (map, _) = setup(&["Date", "Product", "Qty", "Amount"]);
        let mut scan = ConventionScan::default();
        scan.observe(&Row(vec!["03/04/2026", "MOC", "1", "1,234.50"]), &map);
        assert_eq!(scan.decide(false).0.date_order, DayMonth::MonthFirst);
        assert!(scan.decide(false).1.is_some(), "undecidable order warns");
        assert_eq!(scan.decide(true).0.date_order, DayMonth::DayFirst);
        scan.observe(&Row(vec!["13/04/2026", "MOC", "1", "12,5"]), &map);
        // one vote each: the delimiter decides
        assert_eq!(scan.decide(false).0.decimal_mark, DecimalMark::Dot);
        assert_eq!(scan.decide(true).0.decimal_mark, DecimalMark::Comma);
        scan.observe(&Row(vec!["14/04/2026", "MOC", "1", "€ 7,25"]), &map);
        let (c, w) = scan.decide(false);
        assert_eq!(
            c,
            Conventions {
                decimal_mark: DecimalMark::Comma,
                date_order: DayMonth::DayFirst,
                date_form: DateForm::Numeric,
            }
        );
        assert!(w.is_none());
    }

    #[test]
    fn a_file_of_iso_dates_is_described_as_iso() {
        let (map, _) = setup(&["Invoice Date", "Order Date", "Product", "Qty"]);
        let scan = |rows: &[[Cell<'static>; 2]]| {
            struct Two([Cell<'static>; 4]);
            impl Cells for Two {
                fn len(&self) -> usize {
                    4
                }
                fn cell(&self, i: usize) -> Cell<'_> {
                    self.0.get(i).copied().unwrap_or(Cell::Empty)
                }
            }
            let mut scan = ConventionScan::default();
            for [a, b] in rows {
                scan.observe(&Two([*a, *b, Cell::Text("MOC"), Cell::Text("1")]), &map);
            }
            scan.decide(false).0
        };
        let iso = Cell::Text("2026-03-04");
        let stamped = Cell::Text("2026-03-04T10:15:00");
        let slashed = Cell::Text("03/04/2026");
        let cell = Cell::Date(NaiveDate::from_ymd_opt(2026, 3, 4).unwrap());
        // every date ISO (an empty invoice date, an unreadable one are no form of the file)
        let c = scan(&[
            [iso, Cell::Empty],
            [stamped, iso],
            [Cell::Empty, iso],
            [Cell::Text("n/a"), iso],
        ]);
        assert_eq!(c.date_form, DateForm::Iso);
        assert_eq!(c.dates_text(), "dates: ISO (YYYY-MM-DD)");
        assert_eq!(c.describe(), "decimals with '.' · dates: ISO (YYYY-MM-DD)");
        // one date in another form: the order is what tells
        let c = scan(&[[iso, Cell::Empty], [slashed, Cell::Empty]]);
        assert_eq!(c.date_form, DateForm::Numeric);
        assert_eq!(c.dates_text(), "dates: month first (MM/DD/YYYY)");
        assert_eq!(
            scan(&[[Cell::Text("2026/03/04"), Cell::Empty]]).date_form,
            DateForm::Numeric,
            "year first with slashes is not ISO"
        );
        assert_eq!(scan(&[[cell, cell]]).date_form, DateForm::Cells);
        assert_eq!(scan(&[[cell, iso]]).date_form, DateForm::Numeric);
        assert_eq!(scan(&[]).date_form, DateForm::Numeric, "no date seen");
        // files stored before the form was recorded read as numeric, and numeric is not written
        let old: Conventions =
            ron::from_str("(decimal_mark: dot, date_order: month_first)").unwrap();
        assert_eq!(old.date_form, DateForm::Numeric);
        assert!(!ron::to_string(&old).unwrap().contains("date_form"));
    }

    #[test]
    fn the_decimal_mark_is_decided_by_vote() {
        let (map, _) = setup(&["Date", "Product", "Qty", "Amount", "Price"]);
        let vote = |rows: &[(&'static str, &'static str)], semicolon: bool| {
            let mut scan = ConventionScan::default();
            for (amount, price) in rows {
                scan.observe(&Row(vec!["2026-01-05", "MOC", "1", amount, price]), &map);
            }
            scan.decide(semicolon).0.decimal_mark
        };
        use DecimalMark::*;
        // no votes: the delimiter decides
        assert_eq!(vote(&[("1234", ""), ("1,234", "")], false), Dot);
        assert_eq!(vote(&[("1234", ""), ("1.234", "")], true), Comma);
        // one stray comma among dots, and the mirror in a ';' file
        assert_eq!(
            vote(&[("2794.50", ""), ("2794.50", ""), ("1,23", "")], false),
            Dot
        );
        assert_eq!(
            vote(&[("2794.50", ""), ("2794.50", ""), ("1,23", "")], true),
            Dot
        );
        assert_eq!(
            vote(&[("2794,50", ""), ("2794,50", ""), ("1.23", "")], true),
            Comma
        );
        assert_eq!(
            vote(&[("2794,50", ""), ("2794,50", ""), ("1.23", "")], false),
            Comma
        );
        // currency, codes, spaces and signs are stripped; unit prices vote too
        assert_eq!(
            vote(&[("(1 234,5 €)", "EUR 3,99-"), ("12.50", "")], false),
            Comma
        );
        // a tie follows the delimiter
        assert_eq!(vote(&[("1,5", ""), ("1.5", "")], false), Dot);
        assert_eq!(vote(&[("1,5", ""), ("1.5", "")], true), Comma);
    }

    #[test]
    fn an_amount_with_a_sign_lpkpi_does_not_read_says_so() {
        let (map, rules) = setup(&["Date", "Product", "Qty", "Amount"]);
        for (amount, sign) in [("¥60,000", '¥'), ("₹ 1,200.00", '₹'), ("1200 ₩", '₩')] {
            let row = Row(vec!["2026-01-05", "MOC", "1", amount]);
            let outcome = parse_row(&row, &map, &DOT, &rules, &mut MoneyMemo::default());
            assert_eq!(
                outcome,
                RowOutcome::Rejected(format!(
                    "amount '{amount}' is not a readable amount: '{sign}' is not a currency sign lpkpi reads ($, € or £, a code such as USD, or a currency column)"
                ))
            );
        }
        // the signs it reads are no such reason
        for amount in ["€1,200.00", "£12", "$5"] {
            let row = Row(vec!["2026-01-05", "MOC", "1", amount]);
            let outcome = parse_row(&row, &map, &DOT, &rules, &mut MoneyMemo::default());
            assert!(!matches!(outcome, RowOutcome::Rejected(_)), "{amount}");
        }
    }

    #[test]
    fn a_stray_mark_is_rejected_naming_the_files_mark_and_counted() {
        let (map, rules) = setup(&["Date", "Product", "Qty", "Amount"]);
        let mut strays = StrayMarks::default();
        for (amount, conv, want) in [
            (
                "1,23",
                DOT,
                "amount '1,23' reads only with ',' as the decimal mark, but this file writes decimals with '.'",
            ),
            (
                "12,34,5",
                DOT,
                "amount '12,34,5' is not a readable amount (this file writes decimals with '.')",
            ),
            (
                "1.23",
                Conventions {
                    decimal_mark: DecimalMark::Comma,
                    ..DOT
                },
                "amount '1.23' reads only with '.' as the decimal mark, but this file writes decimals with ','",
            ),
        ] {
            let row = Row(vec!["2026-01-05", "MOC", "1", amount]);
            let outcome = parse_row(&row, &map, &conv, &rules, &mut MoneyMemo::default());
            assert_eq!(outcome, RowOutcome::Rejected(want.into()));
            strays.note(&row, &map, &conv, &outcome);
        }
        assert_eq!(
            strays.rows(),
            2,
            "an amount unreadable with either mark is no stray"
        );
        assert_eq!(
            strays.warning(DecimalMark::Dot).as_deref(),
            Some(
                "2 rows have amounts that read only with ',' as the decimal mark, but this file writes decimals with '.': they were rejected"
            )
        );
        assert_eq!(StrayMarks::default().warning(DecimalMark::Dot), None);
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { cases: 256, ..Default::default() })]

        /// The memo gives what reading each text afresh gives, in any order of texts and marks
        /// (texts sharing a slot, a text met again under the other mark, texts too long to
        /// keep).
        #[test]
        fn the_money_memo_reads_what_a_fresh_read_reads(
            pool in proptest::collection::vec(
                proptest::prop_oneof![
                    r"-?\$?[0-9]{1,4}([.,][0-9]{1,3})*",
                    r"[-$ (),.0-9A-Za-z€]{0,26}",
                ],
                1..12,
            ),
            picks in proptest::collection::vec((0usize..12, proptest::bool::ANY), 1..300),
        ) {
            let mut memo = MoneyMemo::default();
            for (i, comma) in &picks {
                let t = &pool[i % pool.len()];
                let mark = if *comma { DecimalMark::Comma } else { DecimalMark::Dot };
                let cell = Cell::text(t);
                proptest::prop_assert_eq!(memo.read(cell, mark), money_cell(cell, mark));
                if let Cell::Text(t) = cell {
                    proptest::prop_assert_eq!(memo.vote(t, mark), money_vote(t));
                }
            }
        }
    }
}
