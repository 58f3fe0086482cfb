//! The currency a spreadsheet shows a number in, which calamine drops: an XLSX cell whose
//! number format is `#,##0.00 [$€-407]` and an ODS cell of `office:value-type="currency"`
//! with `office:currency="EUR"` both come out of calamine as a bare number, and would be
//! read as dollars. The limits' scan reads the same parts anyway, so it keeps, sheet by
//! sheet, where such cells are and in which currency, for the importer to read them as a
//! written `1.234,50 €` is read.

use std::collections::{BTreeMap, HashMap};

use crate::money::Currency;

use super::{Book, Limit, MAX_CURRENCIES, MAX_CURRENCY_RUNS, Sink, attr, number};

/// A run's currency: an index into the book's currencies, or [`PLAIN`].
type Shown = u16;

/// A plain number: kept once a sheet shows a currency, so that a cell the sheet gives twice
/// reads as its last copy does (calamine keeps the last).
const PLAIN: Shown = Shown::MAX;

/// Rows `[start, end)` of one column shown one way.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Run {
    start: u32,
    end: u32,
    shown: Shown,
}

/// Where a sheet's cells show their numbers in a currency: runs of rows of one column.
#[derive(Debug, Default)]
pub struct SheetCurrencies {
    /// Per column (0-based, as calamine counts it), its runs: in the order they were met
    /// while the sheet is read, then sorted by their start, none overlapping.
    columns: HashMap<u32, Vec<Run>>,
    /// Columns a cell came to out of order (a row given again, or before an earlier one).
    disordered: std::collections::HashSet<u32>,
}

impl SheetCurrencies {
    fn at(&self, row: u64, col: u64) -> Option<Shown> {
        let runs = self.columns.get(&u32::try_from(col).ok()?)?;
        let row = u32::try_from(row).ok()?;
        let i = runs.partition_point(|r| r.start <= row);
        let run = runs.get(i.checked_sub(1)?)?;
        (row < run.end && run.shown != PLAIN).then_some(run.shown)
    }

    /// Note rows `[r0, r1)` of columns `[c0, c1)` as shown; the runs it took.
    fn add(&mut self, (r0, r1): (u64, u64), (c0, c1): (u64, u64), shown: Shown) -> usize {
        let clamp = |v: u64| u32::try_from(v).unwrap_or(u32::MAX);
        let (r0, r1) = (clamp(r0), clamp(r1));
        if r1 <= r0 {
            return 0;
        }
        let mut added = 0;
        for col in clamp(c0)..clamp(c1) {
            let runs = self.columns.entry(col).or_default();
            let in_order = runs.last().is_none_or(|last| r0 >= last.end);
            if !in_order {
                self.disordered.insert(col);
            }
            // a plain number read in order after no currency needs no run: only one after
            // a currency's run ends it, and in a column read out of order each may be a
            // cell given again
            if shown == PLAIN
                && in_order
                && !self.disordered.contains(&col)
                && runs.last().is_none_or(|last| last.shown == PLAIN)
            {
                continue;
            }
            match runs.last_mut() {
                // rows come in order: the rows between hold no number of this column (a
                // cell's currency is looked up for numbers only), so the run spans them
                Some(last) if last.end <= r0 && last.shown == shown => last.end = r1,
                _ => {
                    runs.push(Run {
                        start: r0,
                        end: r1,
                        shown,
                    });
                    added += 1;
                }
            }
        }
        added
    }

    /// Sort every column's runs; a sheet that gives a cell twice (rows out of order, a row
    /// repeated) has its later runs laid over the earlier ones.
    fn finish(&mut self) {
        for runs in self.columns.values_mut() {
            let ordered = runs.windows(2).all(|w| w[0].end <= w[1].start);
            if !ordered {
                *runs = laid_over(runs);
            }
        }
    }
}

/// `runs` laid over one another in their order (a later one hides what it covers), sorted.
fn laid_over(runs: &[Run]) -> Vec<Run> {
    let mut by_start: BTreeMap<u32, (u32, Shown)> = BTreeMap::new();
    for r in runs {
        let mut keep = Vec::new();
        // the run starting before this one may reach into it
        if let Some((&s, &(e, shown))) = by_start.range(..r.start).next_back()
            && e > r.start
        {
            by_start.remove(&s);
            keep.push((s, r.start, shown));
            if e > r.end {
                keep.push((r.end, e, shown));
            }
        }
        let inside: Vec<u32> = by_start.range(r.start..r.end).map(|(&s, _)| s).collect();
        for s in inside {
            if let Some((e, shown)) = by_start.remove(&s)
                && e > r.end
            {
                keep.push((r.end, e, shown));
            }
        }
        for (s, e, shown) in keep {
            by_start.insert(s, (e, shown));
        }
        by_start.insert(r.start, (r.end, r.shown));
    }
    by_start
        .into_iter()
        .map(|(start, (end, shown))| Run { start, end, shown })
        .collect()
}

/// One sheet's currencies, to look cells up in.
#[derive(Debug, Clone, Copy)]
pub struct SheetView<'a> {
    sheet: &'a SheetCurrencies,
    table: &'a [Currency],
}

impl<'a> SheetView<'a> {
    /// The currency the cell at `row`, `col` (0-based, on the sheet's grid, not the range's)
    /// shows its number in; None when its format names none.
    pub fn at(&self, row: u64, col: u64) -> Option<&'a Currency> {
        self.sheet
            .at(row, col)
            .and_then(|i| self.table.get(usize::from(i)))
    }
}

/// Per sheet (by the name calamine gives it), where its cells show a currency.
#[derive(Debug, Default)]
pub struct CellCurrencies {
    sheets: Vec<(String, SheetCurrencies)>,
    /// The currencies shown, each once (runs refer to them by index), and their indexes.
    table: Vec<Currency>,
    index: HashMap<Currency, Shown>,
    /// Runs kept, in all sheets, against [`MAX_CURRENCY_RUNS`].
    runs: usize,
}

impl CellCurrencies {
    /// The sheet named `name`, if any of its cells shows a currency.
    pub fn sheet(&self, name: &str) -> Option<SheetView<'_>> {
        self.sheets
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, sheet)| SheetView {
                sheet,
                table: &self.table,
            })
    }

    /// Note cells of sheet `name` as shown in `currency` (a plain number when None: kept only
    /// in a sheet that shows a currency already).
    pub(super) fn add(
        &mut self,
        name: &str,
        rows: (u64, u64),
        cols: (u64, u64),
        currency: Option<Currency>,
    ) -> Result<(), Limit> {
        let shown = match currency {
            None => PLAIN,
            Some(c) => match self.index.get(&c) {
                Some(&i) => i,
                None if self.table.len() < MAX_CURRENCIES => {
                    let i = self.table.len() as Shown;
                    self.table.push(c);
                    self.index.insert(c, i);
                    i
                }
                None => return Err(Limit::Currencies),
            },
        };
        if self.sheets.last().is_none_or(|(n, _)| n != name) {
            match self.sheets.iter().position(|(n, _)| n == name) {
                Some(i) => {
                    let s = self.sheets.remove(i);
                    self.sheets.push(s);
                }
                None if shown == PLAIN => return Ok(()),
                None => self
                    .sheets
                    .push((name.to_string(), SheetCurrencies::default())),
            }
        }
        if let Some((_, s)) = self.sheets.last_mut() {
            self.runs = self.runs.saturating_add(s.add(rows, cols, shown));
        }
        if self.runs > MAX_CURRENCY_RUNS {
            return Err(Limit::CurrencyRuns);
        }
        Ok(())
    }

    /// A cell format (`cellXfs`) showing a currency: counted against the limit as a run.
    pub(super) fn count_style(&mut self) -> Result<(), Limit> {
        self.runs = self.runs.saturating_add(1);
        if self.runs > MAX_CURRENCY_RUNS {
            return Err(Limit::CurrencyRuns);
        }
        Ok(())
    }

    /// Sort every sheet's runs, once all is read.
    pub(super) fn finish(&mut self) {
        for (_, s) in &mut self.sheets {
            s.finish();
        }
    }
}

/// The currency an Excel number format shows: the first of a `[$€-407]` tag, a quoted
/// `"€"` or `"EUR"` (or a word with it: `"€ HT"`, `"EUR netto"`), an escaped `\£`, a bare
/// `$`, `€`, `¥` or any other currency sign, looked for in the format's sections in order. A
/// symbol lpkpi does not read in amounts (`¥`, `R$`, `kr`) gives that symbol, so the rows
/// wait for a rate rather than count as dollars; a tag with a locale alone (`[$-409]`), and
/// Excel's built-in currency formats (whose symbol is the reader's locale), give None.
pub fn format_currency(code: &str) -> Option<Currency> {
    let mut chars = code.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '[' => {
                let mut tag = String::new();
                for t in chars.by_ref() {
                    if t == ']' {
                        break;
                    }
                    tag.push(t);
                }
                if let Some(body) = tag.strip_prefix('$') {
                    let symbol = body.split('-').next().unwrap_or("").trim();
                    if !symbol.is_empty() {
                        return Some(
                            symbol_currency(symbol)
                                .or_else(|| Currency::from_cell(symbol))
                                .unwrap_or(Currency::USD),
                        );
                    }
                }
            }
            '"' => {
                let mut quoted = String::new();
                for t in chars.by_ref() {
                    if t == '"' {
                        break;
                    }
                    quoted.push(t);
                }
                if let Some(c) = quoted_currency(&quoted) {
                    return Some(c);
                }
            }
            '\\' => {
                if let Some(c) = chars
                    .next()
                    .and_then(|c| symbol_currency(c.encode_utf8(&mut [0; 4])))
                {
                    return Some(c);
                }
            }
            '_' | '*' => {
                // a space as wide as, or a fill of, the next character: not shown as itself
                chars.next();
            }
            _ => {
                if let Some(c) = symbol_currency(c.encode_utf8(&mut [0; 4])) {
                    return Some(c);
                }
            }
        }
    }
    None
}

/// A currency sign (Unicode's currency symbols: `$`, `£`, `¥`, `₹`, `₽`, …).
fn is_currency_sign(c: char) -> bool {
    matches!(
        c,
        '$' | '¢' | '£' | '¤' | '¥' | '֏' | '؋' | '৲' | '৳' | '฿' | '៛' | '\u{20A0}'
            ..='\u{20C0}' | '﷼' | '＄' | '￠' | '￡' | '￥' | '￦'
    )
}

/// Currencies written in letters in number formats (`#,##0.00 "kr"`), as they are written.
const LETTER_SYMBOLS: [&str; 14] = [
    "kr", "kr.", "zł", "Kč", "Ft", "lei", "лв", "лв.", "kn", "Fr.", "Rp", "RM", "Rs", "Rs.",
];

/// The currency a symbol names: `$`, `€`, `£` and `US$` as lpkpi reads them in amounts; any
/// other word with a currency sign (`¥`, `R$`, `A$`), or one of [`LETTER_SYMBOLS`], as itself
/// (to wait for a rate).
fn symbol_currency(symbol: &str) -> Option<Currency> {
    match symbol {
        "$" | "US$" => Some(Currency::USD),
        "€" => Some(Currency::EUR),
        "£" => Some(Currency::GBP),
        s if s.chars().any(is_currency_sign) || LETTER_SYMBOLS.contains(&s) => {
            Currency::from_cell(s)
        }
        _ => None,
    }
}

/// Quoted text of a format that names a currency: its first word that is a symbol
/// ([`symbol_currency`]) or a three-letter code in capitals (`"€ HT"`, `" EUR"`, `"EUR netto"`);
/// other text (`"units"`) is None.
fn quoted_currency(text: &str) -> Option<Currency> {
    text.split_whitespace().find_map(|word| {
        symbol_currency(word).or_else(|| {
            (word.len() == 3 && word.bytes().all(|b| b.is_ascii_uppercase()))
                .then(|| Currency::parse(word))
                .flatten()
        })
    })
}

/// The currency of an ODS cell: `office:value-type="currency"` with its `office:currency`.
pub(super) fn ods_cell_currency(attrs: &[u8]) -> Option<Currency> {
    if attr(attrs, b"office:value-type") != Some(b"currency") {
        return None;
    }
    let code = attr(attrs, b"office:currency")?;
    Currency::from_cell(&super::unescape(code))
}

/// XLSX `styles.xml`: the number formats, and which cell formats (`cellXfs`, the `s` of a
/// cell) show a currency.
pub(super) struct StylesScan {
    formats: HashMap<u64, Currency>,
    in_cell_xfs: bool,
}

impl StylesScan {
    pub(super) fn new() -> StylesScan {
        StylesScan {
            formats: HashMap::new(),
            in_cell_xfs: false,
        }
    }
}

impl Sink for StylesScan {
    fn start(&mut self, name: &[u8], attrs: &[u8], book: &mut Book) -> Result<(), Limit> {
        match super::local(name) {
            b"numFmt" => {
                if let (Some(id), Some(code)) = (
                    attr(attrs, b"numFmtId").and_then(number),
                    attr(attrs, b"formatCode"),
                ) {
                    // a format given twice is its last definition, as calamine reads it
                    match format_currency(&super::unescape(code)) {
                        Some(c) => {
                            book.currencies.count_style()?;
                            self.formats.insert(id, c);
                        }
                        None => {
                            self.formats.remove(&id);
                        }
                    }
                }
            }
            b"cellXfs" => self.in_cell_xfs = true,
            b"xf" if self.in_cell_xfs => {
                // the cell formats are numbered in order; only those showing a currency kept
                let index = book.cell_formats;
                book.cell_formats += 1;
                if let Some(c) = attr(attrs, b"numFmtId")
                    .and_then(number)
                    .and_then(|id| self.formats.get(&id))
                {
                    book.currencies.count_style()?;
                    book.styles.insert(index, *c);
                }
            }
            _ => {}
        }
        Ok(())
    }

    fn end(&mut self, name: &[u8], _book: &mut Book) -> Result<(), Limit> {
        if super::local(name) == b"cellXfs" {
            self.in_cell_xfs = false;
        }
        Ok(())
    }

    fn text(&mut self, _text: &[u8]) -> Result<(), Limit> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_currency_a_number_format_shows() {
        let eur = Some(Currency::EUR);
        assert_eq!(format_currency("#,##0.00\\ [$€-407]"), eur);
        assert_eq!(format_currency("[$EUR] #,##0.00"), eur);
        assert_eq!(format_currency("#,##0.00 \"€\""), eur);
        assert_eq!(format_currency("#,##0.00\\ \"EUR\""), eur);
        assert_eq!(format_currency("\\€#,##0.00"), eur);
        assert_eq!(format_currency("[$£-809]#,##0.00"), Some(Currency::GBP));
        assert_eq!(
            format_currency("£#,##0.00;[Red]-£#,##0.00"),
            Some(Currency::GBP)
        );
        assert_eq!(format_currency("\"$\"#,##0.00"), Some(Currency::USD));
        assert_eq!(
            format_currency("$#,##0.00_);($#,##0.00)"),
            Some(Currency::USD)
        );
        assert_eq!(format_currency("[$$-409]#,##0.00"), Some(Currency::USD));
        assert_eq!(format_currency("[$US$-409]#,##0.00"), Some(Currency::USD));
        // a symbol lpkpi does not read in amounts is kept, to wait for a rate
        assert_eq!(
            format_currency("[$¥-411]#,##0").map(|c| c.to_string()),
            Some("¥".into())
        );
        assert_eq!(
            format_currency("[$CHF] #,##0.00").map(|c| c.to_string()),
            Some("CHF".into())
        );
        // other signs and symbols are kept as written, to wait for a rate: quoted, escaped,
        // bare, with a word beside them
        let kept = |code: &str| format_currency(code).map(|c| c.to_string());
        for (code, symbol) in [
            ("\"¥\"#,##0;[Red]\"¥\"\\-#,##0", "¥"),
            ("\\¥#,##0", "¥"),
            ("¥#,##0", "¥"),
            ("_-\"R$\"\\ * #,##0.00_-", "R$"),
            ("#,##0.00\\ \"kr\"", "KR"),
            ("#,##0.00 \"zł\"", "ZŁ"),
            ("\"₹\"#,##0.00", "₹"),
            ("#,##0.00\\ ₽", "₽"),
            ("\"A$\"#,##0.00", "A$"),
        ] {
            assert_eq!(kept(code).as_deref(), Some(symbol), "{code}");
        }
        assert_eq!(format_currency("#,##0.00 \"€ HT\""), eur);
        assert_eq!(format_currency("#,##0.00 \"EUR netto\""), eur);
        // no currency: a locale alone, plain numbers, dates, quoted words, fills and spaces
        for none in [
            "[$-409]#,##0.00",
            "#,##0.00",
            "0.00%",
            "General",
            "[$-409]d-mmm-yyyy",
            "#,##0 \"units\"",
            "[Red]#,##0.00",
            "mm/dd/yyyy",
        ] {
            assert_eq!(format_currency(none), None, "{none}");
        }
        // Excel's accounting formats: `_(` is a space as wide as "(", `* ` a fill
        assert_eq!(format_currency("_(\"€\"* #,##0.00_)"), eur);
        assert_eq!(format_currency("_($* #,##0.00_)"), Some(Currency::USD));
        assert_eq!(format_currency("_(* #,##0.00_)"), None);
        assert_eq!(format_currency("#,##0.00_€"), None, "a space as wide as €");
    }

    #[test]
    fn runs_of_rows_by_column() {
        let (eur, gbp) = (Some(Currency::EUR), Some(Currency::GBP));
        let mut sheets = CellCurrencies::default();
        sheets.add("S", (1, 2), (3, 4), eur).unwrap();
        sheets.add("S", (2, 3), (3, 4), eur).unwrap();
        sheets.add("S", (3, 5), (3, 5), gbp).unwrap();
        sheets.add("T", (0, 1), (0, 1), eur).unwrap();
        sheets.add("S", (9, 10), (3, 4), eur).unwrap();
        // a plain number is kept only in a sheet that shows a currency
        sheets.add("U", (0, 1), (0, 1), None).unwrap();
        sheets.finish();
        let s = sheets.sheet("S").unwrap();
        assert_eq!(
            s.sheet.columns[&3].len(),
            3,
            "the first two rows are one run"
        );
        assert_eq!(s.at(0, 3), None);
        assert_eq!(s.at(1, 3), Some(&Currency::EUR));
        assert_eq!(s.at(2, 3), Some(&Currency::EUR));
        assert_eq!(s.at(4, 3), Some(&Currency::GBP));
        assert_eq!(s.at(4, 4), Some(&Currency::GBP));
        assert_eq!(s.at(5, 3), None);
        assert_eq!(s.at(9, 3), Some(&Currency::EUR));
        assert_eq!(s.at(1, 2), None);
        assert_eq!(s.at(u64::MAX, u64::MAX), None);
        assert!(sheets.sheet("T").is_some());
        assert!(sheets.sheet("U").is_none());
        assert_eq!(sheets.table, [Currency::EUR, Currency::GBP]);
        // a column with gaps between its numbers is one run while its currency stays
        let mut sparse = CellCurrencies::default();
        for row in [0, 5, 9, 400] {
            sparse.add("S", (row, row + 1), (0, 1), eur).unwrap();
            sparse
                .add("S", (row * 2, row * 2 + 1), (1, 2), None)
                .unwrap();
        }
        sparse.finish();
        let s = sparse.sheet("S").unwrap();
        assert_eq!(s.sheet.columns[&0].len(), 1);
        assert!(
            s.sheet.columns.get(&1).is_none_or(Vec::is_empty),
            "plain numbers read in order after no currency take no run"
        );
        assert_eq!(sparse.runs, 1);
        // a plain number after a currency's run ends it
        sparse.add("S", (500, 501), (0, 1), None).unwrap();
        sparse.add("S", (600, 601), (0, 1), eur).unwrap();
        sparse.finish();
        let s = sparse.sheet("S").unwrap();
        assert_eq!(s.at(500, 0), None);
        assert_eq!(s.at(600, 0), Some(&Currency::EUR));
        assert_eq!(s.at(9, 0), Some(&Currency::EUR));
        assert_eq!(s.at(18, 1), None);
    }

    #[test]
    fn a_cell_given_twice_reads_as_its_last_copy() {
        let (eur, gbp) = (Some(Currency::EUR), Some(Currency::GBP));
        let mut sheets = CellCurrencies::default();
        for (row, shown) in [(1, eur), (2, eur), (3, eur), (2, gbp), (3, None), (0, gbp)] {
            sheets.add("S", (row, row + 1), (0, 1), shown).unwrap();
        }
        sheets.finish();
        let s = sheets.sheet("S").unwrap();
        let read: Vec<_> = (0..5).map(|r| s.at(r, 0).copied()).collect();
        assert_eq!(read, [gbp, eur, gbp, None, None]);
        // runs laid over in the middle, and one covering several
        let run = |start, end, shown| Run { start, end, shown };
        assert_eq!(
            laid_over(&[run(0, 10, 0), run(3, 5, 1), run(4, 12, 2)]),
            [run(0, 3, 0), run(3, 4, 1), run(4, 12, 2)]
        );
    }

    #[test]
    fn too_many_runs_are_refused() {
        let mut sheets = CellCurrencies::default();
        let mut refused = None;
        for row in 0..=MAX_CURRENCY_RUNS as u64 {
            let shown = Some(if row % 2 == 0 {
                Currency::EUR
            } else {
                Currency::GBP
            });
            if let Err(e) = sheets.add("S", (row, row + 1), (0, 1), shown) {
                refused = Some((row, e));
                break;
            }
        }
        assert!(
            matches!(refused, Some((row, Limit::CurrencyRuns)) if row == MAX_CURRENCY_RUNS as u64),
            "{refused:?}"
        );
    }
}
