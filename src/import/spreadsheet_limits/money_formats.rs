//! The currency a spreadsheet shows a number in, which calamine drops: an XLSX cell whose
//! number format is `#,##0.00 [$€-407]` and an ODS cell of `office:value-type="currency"`
//! with `office:currency="EUR"` both come out of calamine as a bare number, and would be
//! read as dollars. The limits' scan reads the same parts anyway, so it keeps, sheet by
//! sheet, where such cells are and in which currency, for the importer to read them as a
//! written `1.234,50 €` is read.

use std::collections::HashMap;

use crate::money::Currency;

use super::{Book, Limit, Sink, attr, number};

/// Where a sheet's cells show their numbers in a currency: runs of rows of one column.
#[derive(Debug, Default)]
pub struct SheetCurrencies {
    /// Per column (0-based, as calamine counts it), runs of rows `[start, end)` in one
    /// currency, sorted by their start once the sheet is read.
    columns: HashMap<u32, Vec<(u32, u32, Currency)>>,
}

impl SheetCurrencies {
    /// The currency the cell at `row`, `col` (0-based, on the sheet's grid, not the range's)
    /// shows its number in; None when its format names none.
    pub fn at(&self, row: u64, col: u64) -> Option<&Currency> {
        let runs = self.columns.get(&u32::try_from(col).ok()?)?;
        let row = u32::try_from(row).ok()?;
        let i = runs.partition_point(|&(start, _, _)| start <= row);
        let (_, end, currency) = runs.get(i.checked_sub(1)?)?;
        (row < *end).then_some(currency)
    }

    /// Whether no cell of the sheet names a currency.
    pub fn is_empty(&self) -> bool {
        self.columns.is_empty()
    }

    /// Note rows `[r0, r1)` of columns `[c0, c1)` as shown in `currency`.
    fn add(&mut self, (r0, r1): (u64, u64), (c0, c1): (u64, u64), currency: Currency) {
        let clamp = |v: u64| u32::try_from(v).unwrap_or(u32::MAX);
        let (r0, r1) = (clamp(r0), clamp(r1));
        if r1 <= r0 {
            return;
        }
        for col in clamp(c0)..clamp(c1) {
            let runs = self.columns.entry(col).or_default();
            match runs.last_mut() {
                Some((_, end, c)) if *end == r0 && *c == currency => *end = r1,
                _ => runs.push((r0, r1, currency)),
            }
        }
    }

    fn sort(&mut self) {
        for runs in self.columns.values_mut() {
            if !runs.is_sorted_by_key(|r| r.0) {
                // a sheet may write its rows out of order; a cell given twice keeps the last
                runs.sort_by_key(|r| r.0);
            }
        }
    }
}

/// Per sheet (by the name calamine gives it), where its cells show a currency.
#[derive(Debug, Default)]
pub struct CellCurrencies {
    sheets: Vec<(String, SheetCurrencies)>,
}

impl CellCurrencies {
    /// The sheet named `name`, if any of its cells shows a currency.
    pub fn sheet(&self, name: &str) -> Option<&SheetCurrencies> {
        self.sheets
            .iter()
            .find(|(n, s)| n == name && !s.is_empty())
            .map(|(_, s)| s)
    }

    /// Note cells of sheet `name` (see [`SheetCurrencies::add`]).
    pub(super) fn add(
        &mut self,
        name: &str,
        rows: (u64, u64),
        cols: (u64, u64),
        currency: Currency,
    ) {
        if self.sheets.last().is_none_or(|(n, _)| n != name) {
            match self.sheets.iter().position(|(n, _)| n == name) {
                Some(i) => {
                    let s = self.sheets.remove(i);
                    self.sheets.push(s);
                }
                None => self
                    .sheets
                    .push((name.to_string(), SheetCurrencies::default())),
            }
        }
        if let Some((_, s)) = self.sheets.last_mut() {
            s.add(rows, cols, currency);
        }
    }

    /// Sort every sheet's runs, once all is read.
    pub(super) fn finish(&mut self) {
        for (_, s) in &mut self.sheets {
            s.sort();
        }
    }
}

/// The currency an Excel number format shows: the first of a `[$€-407]` tag, a quoted
/// `"EUR"`, an escaped `\£`, a bare `$`, `€` or `£`, looked for in the format's sections in
/// order. A tag with a symbol lpkpi does not know (`[$¥-411]`) gives that symbol, so the rows
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
                        return Some(tag_currency(symbol));
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
                if let Some(c) = chars.next().and_then(symbol_currency) {
                    return Some(c);
                }
            }
            '_' | '*' => {
                // a space as wide as, or a fill of, the next character: not shown as itself
                chars.next();
            }
            _ => {
                if let Some(c) = symbol_currency(c) {
                    return Some(c);
                }
            }
        }
    }
    None
}

fn symbol_currency(c: char) -> Option<Currency> {
    match c {
        '$' => Some(Currency::USD),
        '€' => Some(Currency::EUR),
        '£' => Some(Currency::GBP),
        _ => None,
    }
}

/// A `[$...]` tag's symbol (not empty): one lpkpi reads in amounts, a code, `US$`, else the
/// symbol itself, as a currency column's text is kept.
fn tag_currency(symbol: &str) -> Currency {
    if symbol == "US$" {
        return Currency::USD;
    }
    Currency::from_cell(symbol).unwrap_or(Currency::USD)
}

/// Quoted text of a format that names a currency (`"€"`, `" EUR"`); other text is None.
fn quoted_currency(text: &str) -> Option<Currency> {
    let t = text.trim();
    match t {
        "US$" => Some(Currency::USD),
        _ if t.chars().count() == 1 => t.chars().next().and_then(symbol_currency),
        _ if t.len() == 3 && t.bytes().all(|b| b.is_ascii_uppercase()) => Currency::parse(t),
        _ => None,
    }
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

/// The most cell formats whose currency is kept (Excel allows 64,000).
const MAX_STYLES: usize = 65_536;

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
                ) && let Some(c) = format_currency(&unescape_all(code))
                    && self.formats.len() < MAX_STYLES
                {
                    self.formats.insert(id, c);
                }
            }
            b"cellXfs" => self.in_cell_xfs = true,
            b"xf" if self.in_cell_xfs && book.styles.len() < MAX_STYLES => {
                let id = attr(attrs, b"numFmtId").and_then(number);
                book.styles
                    .push(id.and_then(|id| self.formats.get(&id)).copied());
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

/// Attribute text with the XML entities expanded, character references included
/// (`&#8364;` is `€`).
pub(super) fn unescape_all(raw: &[u8]) -> String {
    let text = String::from_utf8_lossy(raw);
    let mut out = String::with_capacity(text.len());
    let mut rest = text.as_ref();
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let Some(end) = rest.find(';').filter(|&e| e <= 12) else {
            out.push('&');
            rest = &rest[1..];
            continue;
        };
        let entity = &rest[1..end];
        let expanded = match entity {
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            "amp" => Some('&'),
            _ => entity
                .strip_prefix("#x")
                .or_else(|| entity.strip_prefix("#X"))
                .map(|hex| u32::from_str_radix(hex, 16))
                .or_else(|| entity.strip_prefix('#').map(str::parse::<u32>))
                .and_then(Result::ok)
                .and_then(char::from_u32),
        };
        match expanded {
            Some(c) => {
                out.push(c);
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
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
        let mut sheets = CellCurrencies::default();
        sheets.add("S", (1, 2), (3, 4), Currency::EUR);
        sheets.add("S", (2, 3), (3, 4), Currency::EUR);
        sheets.add("S", (3, 5), (3, 5), Currency::GBP);
        sheets.add("T", (0, 1), (0, 1), Currency::EUR);
        sheets.add("S", (9, 10), (3, 4), Currency::EUR);
        sheets.finish();
        let s = sheets.sheet("S").unwrap();
        assert_eq!(s.columns[&3].len(), 3, "the first two rows are one run");
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
    }

    #[test]
    fn entities_and_character_references() {
        assert_eq!(
            unescape_all(b"#,##0.00 &quot;&#8364;&quot;"),
            "#,##0.00 \"€\""
        );
        assert_eq!(unescape_all(b"&#x20AC;&amp;&bogus;&"), "€&&bogus;&");
    }
}
