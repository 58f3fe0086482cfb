//! Cell values as exports write them: money in every local form, dates in every order,
//! quantities, currencies. Parsing is exact (`rust_decimal`) and allocation-free on the row path.

use std::str::FromStr;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

pub use crate::money::{Currency, cents};

/// The decimal mark of a file's numbers (import.md, "Values").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DecimalMark {
    /// `1,234.50`
    Dot,
    /// `1.234,50`
    Comma,
}

impl DecimalMark {
    fn chars(self) -> (u8, u8) {
        match self {
            DecimalMark::Dot => (b'.', b','),
            DecimalMark::Comma => (b',', b'.'),
        }
    }

    /// The mark itself, `'.'` or `','`.
    pub fn symbol(self) -> char {
        char::from(self.chars().0)
    }

    /// The other mark (the thousands separator of a file with this decimal mark).
    pub fn other(self) -> DecimalMark {
        match self {
            DecimalMark::Dot => DecimalMark::Comma,
            DecimalMark::Comma => DecimalMark::Dot,
        }
    }
}

/// The order of day and month in a file's numeric dates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DayMonth {
    /// `03/15/2026`
    MonthFirst,
    /// `15/03/2026`
    DayFirst,
}

/// A number as written, stripped of currency, spaces and sign: digits and marks only.
#[derive(Clone, Copy)]
pub struct Scanned {
    buf: [u8; 40],
    len: usize,
    /// Negative (`-`, `(..)`, trailing `-`).
    pub negative: bool,
    /// A currency written in the text (symbol or code).
    pub currency: Option<Currency>,
    /// The sign was written as parentheses or a trailing minus (accounting forms).
    pub accounting_sign: bool,
}

impl Scanned {
    fn digits(&self) -> &[u8] {
        &self.buf[..self.len]
    }

    /// Whether the number ends in `,` and one or two digits (the comma-decimal sign).
    pub fn looks_comma_decimal(&self) -> bool {
        self.mark_vote() == Some(DecimalMark::Comma)
    }

    /// The decimal mark this number votes for (import.md, "Values"): `,` when it ends in `,`
    /// and one or two digits, `.` when it ends in `.` and one or two digits, else none.
    pub fn mark_vote(&self) -> Option<DecimalMark> {
        let d = self.digits();
        let trailing = d.iter().rev().take_while(|c| c.is_ascii_digit()).count();
        if !(1..=2).contains(&trailing) {
            return None;
        }
        match d.len().checked_sub(trailing + 1).map(|i| d[i]) {
            Some(b',') => Some(DecimalMark::Comma),
            Some(b'.') => Some(DecimalMark::Dot),
            _ => None,
        }
    }

    /// The value with the file's decimal mark, or None when the marks are misplaced.
    pub fn value(&self, mark: DecimalMark) -> Option<Decimal> {
        let (dec, thou) = mark.chars();
        let d = self.digits();
        let (int_part, frac_part) = match d.iter().position(|&c| c == dec) {
            Some(i) => (&d[..i], Some(&d[i + 1..])),
            None => (d, None),
        };
        let mut mantissa: i128 = 0;
        let mut digits = 0usize;
        let mut push = |c: u8| -> Option<()> {
            mantissa = mantissa
                .checked_mul(10)?
                .checked_add(i128::from(c - b'0'))?;
            digits += 1;
            (digits <= 28).then_some(())
        };
        // Integer part: digit groups; after a thousands mark exactly three digits.
        let mut group = 0usize;
        let mut seen_thousands = false;
        for &c in int_part {
            if c.is_ascii_digit() {
                push(c)?;
                group += 1;
            } else if c == thou || c == b' ' {
                if group == 0 || (seen_thousands && group != 3) {
                    return None;
                }
                seen_thousands = true;
                group = 0;
            } else {
                return None;
            }
        }
        if seen_thousands && group != 3 {
            return None;
        }
        let mut scale = 0u32;
        if let Some(frac) = frac_part {
            if frac.is_empty() {
                return None;
            }
            for &c in frac {
                if !c.is_ascii_digit() {
                    return None;
                }
                push(c)?;
                scale += 1;
            }
        } else if int_part.is_empty() {
            return None;
        }
        let mut v = Decimal::try_from_i128_with_scale(mantissa, scale).ok()?;
        if self.negative && !v.is_zero() {
            v.set_sign_negative(true);
        }
        Some(v)
    }
}

fn is_space(c: char) -> bool {
    c.is_whitespace() || c == '\u{a0}' || c == '\u{202f}'
}

/// Strip a money or quantity text down to digits and marks, noting sign and currency.
/// None when it holds anything else (words, two signs, unbalanced parentheses).
pub fn scan_number(s: &str) -> Option<Scanned> {
    let mut out = Scanned {
        buf: [0; 40],
        len: 0,
        negative: false,
        currency: None,
        accounting_sign: false,
    };
    let s = s.trim_matches(is_space);
    if s.is_empty() {
        return None;
    }
    let mut signs = 0;
    let mut open = false;
    let mut closed = false;
    let mut letters = [0u8; 3];
    let mut nletters = 0usize;
    let mut after_digits = false;
    let mut trailing_minus = false;
    let flush_letters = |letters: &mut [u8; 3], n: &mut usize, out: &mut Scanned| -> Option<()> {
        match *n {
            0 => {}
            3 => {
                if out.currency.is_some() {
                    return None;
                }
                out.currency = Currency::parse(std::str::from_utf8(&letters[..3]).ok()?);
            }
            _ => return None,
        }
        *n = 0;
        Some(())
    };
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if is_space(c)
            && after_digits
            && !trailing_minus
            && !closed
            && chars.peek().is_some_and(char::is_ascii_digit)
        {
            // "1 234,50": a space between digit groups is a thousands separator
            flush_letters(&mut letters, &mut nletters, &mut out)?;
            if out.len >= out.buf.len() {
                return None;
            }
            out.buf[out.len] = b' ';
            out.len += 1;
            continue;
        }
        if c.is_ascii_alphabetic() {
            // Currency codes are written in capitals; other words make the text unreadable.
            if c.is_ascii_lowercase() {
                return None;
            }
            if after_digits && out.currency.is_some() {
                return None;
            }
            if nletters >= 3 {
                return None;
            }
            letters[nletters] = c as u8;
            nletters += 1;
            continue;
        }
        match c {
            '$' | '€' | '£' => {
                // Symbols stand alone: "US$" or "C$" are not forms the exports use.
                if nletters > 0 {
                    return None;
                }
                let sym = match c {
                    '€' => Currency::EUR,
                    '£' => Currency::GBP,
                    _ => Currency::USD,
                };
                if out.currency.is_some() {
                    return None;
                }
                out.currency = Some(sym);
            }
            '0'..='9' | '.' | ',' => {
                flush_letters(&mut letters, &mut nletters, &mut out)?;
                if trailing_minus || closed {
                    return None;
                }
                if out.len >= out.buf.len() {
                    return None;
                }
                out.buf[out.len] = c as u8;
                out.len += 1;
                if c.is_ascii_digit() {
                    after_digits = true;
                }
            }
            '-' | '\u{2212}' => {
                flush_letters(&mut letters, &mut nletters, &mut out)?;
                signs += 1;
                if after_digits {
                    trailing_minus = true;
                    out.accounting_sign = true;
                }
                out.negative = true;
            }
            '+' => {
                flush_letters(&mut letters, &mut nletters, &mut out)?;
                if after_digits {
                    return None;
                }
                signs += 1;
            }
            '(' => {
                flush_letters(&mut letters, &mut nletters, &mut out)?;
                if open || after_digits {
                    return None;
                }
                open = true;
                signs += 1;
                out.negative = true;
                out.accounting_sign = true;
            }
            ')' => {
                flush_letters(&mut letters, &mut nletters, &mut out)?;
                if !open || closed {
                    return None;
                }
                closed = true;
            }
            c if is_space(c) => {
                flush_letters(&mut letters, &mut nletters, &mut out)?;
            }
            _ => return None,
        }
    }
    flush_letters(&mut letters, &mut nletters, &mut out)?;
    if signs > 1 || open != closed || !after_digits {
        return None;
    }
    Some(out)
}

/// Parse money text with the file's decimal mark: the signed value as written (not yet
/// rounded) and any currency it names. None when unreadable.
pub fn parse_money(s: &str, mark: DecimalMark) -> Option<(Decimal, Option<Currency>)> {
    let scanned = scan_number(s)?;
    Some((scanned.value(mark)?, scanned.currency))
}

/// Parse a whole quantity: digits with thousands separators as for amounts, a leading sign
/// for returns ("2.00" is the whole number 2; "2.5", "(3)" and "3-" are not quantities).
pub fn parse_quantity(s: &str, mark: DecimalMark) -> Option<i64> {
    let scanned = scan_number(s)?;
    if scanned.currency.is_some() || scanned.accounting_sign {
        return None;
    }
    whole(scanned.value(mark)?)
}

/// A decimal that is a whole number, as i64.
pub fn whole(d: Decimal) -> Option<i64> {
    if d.fract().is_zero() {
        i64::try_from(d.trunc()).ok()
    } else {
        None
    }
}

/// A spreadsheet number through its shortest decimal form (199.98000000000002 stays noise
/// until rounded; 0.1 + 0.2 prints as 0.30000000000000004).
pub fn decimal_from_f64(f: f64) -> Option<Decimal> {
    if !f.is_finite() {
        return None;
    }
    let text = format!("{f}");
    Decimal::from_str(&text).ok()
}

pub use crate::money::limits::MAX_COMPONENTS;

/// Parse a component count: a positive whole number, written as quantities are.
pub fn parse_components(s: &str, mark: DecimalMark) -> Option<u32> {
    let v = parse_quantity(s, mark)?;
    u32::try_from(v)
        .ok()
        .filter(|&v| v > 0 && v <= MAX_COMPONENTS)
}

const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

fn month_from_name(name: &str) -> Option<u32> {
    if name.len() < 3 || !name.is_ascii() {
        return None;
    }
    let lower = name.to_ascii_lowercase();
    let lower = lower.trim_end_matches('.');
    if lower == "sept" {
        return Some(9);
    }
    MONTHS
        .iter()
        .position(|m| *m == lower || (lower.len() == 3 && m.starts_with(lower)))
        .map(|i| i as u32 + 1)
}

/// The pieces of a date text, before day/month order is applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum DateParts {
    /// Year, month, day: unambiguous.
    Ymd(i32, u32, u32),
    /// Two numbers and a year whose order depends on the file.
    Ambiguous(u32, u32, i32),
}

fn year_of(digits: &str) -> Option<i32> {
    match digits.len() {
        2 => Some(2000 + digits.parse::<i32>().ok()?),
        4 => digits.parse().ok(),
        _ => None,
    }
}

/// Split `s` into leading runs: returns (run, rest).
fn take_while(s: &str, f: impl Fn(char) -> bool) -> (&str, &str) {
    let end = s
        .char_indices()
        .find(|&(_, c)| !f(c))
        .map_or(s.len(), |(i, _)| i);
    s.split_at(end)
}

/// Two digits at most, as a number.
fn small_number(digits: &str) -> Option<u32> {
    (!digits.is_empty() && digits.len() <= 2)
        .then(|| digits.parse().ok())
        .flatten()
}

/// Whether `s` is a valid time of day: `13:45`, `13:45:00`, `13:45:00.123`, optionally with
/// `AM`/`PM` (hour 1 to 12), `Z` or an offset (`+02:00`, `-0500`).
fn is_time_of_day(s: &str) -> bool {
    let (hour, rest) = take_while(s, |c| c.is_ascii_digit());
    let Some(rest) = rest.strip_prefix(':') else {
        return false;
    };
    let (minute, mut rest) = take_while(rest, |c| c.is_ascii_digit());
    let (Some(hour), Some(minute)) = (
        small_number(hour),
        small_number(minute).filter(|_| minute.len() == 2),
    ) else {
        return false;
    };
    let mut second = 0;
    if let Some(after) = rest.strip_prefix(':') {
        let (sec, after) = take_while(after, |c| c.is_ascii_digit());
        let Some(sec) = small_number(sec).filter(|_| sec.len() == 2) else {
            return false;
        };
        second = sec;
        rest = after;
        if let Some(frac) = rest.strip_prefix(['.', ',']) {
            let (digits, after) = take_while(frac, |c| c.is_ascii_digit());
            if digits.is_empty() {
                return false;
            }
            rest = after;
        }
    }
    if minute > 59 || second > 59 {
        return false;
    }
    let zone = rest.trim_start_matches(is_space);
    let twelve_hour = ["AM", "PM", "A.M.", "P.M."]
        .iter()
        .any(|m| zone.eq_ignore_ascii_case(m));
    if twelve_hour {
        return (1..=12).contains(&hour);
    }
    if hour > 23 {
        return false;
    }
    if rest.is_empty() || rest == "Z" || rest == "z" {
        return true;
    }
    // an offset: +HH, +HHMM or +HH:MM
    let Some(offset) = rest.strip_prefix(['+', '-']) else {
        return false;
    };
    let (hh, after) = take_while(offset, |c| c.is_ascii_digit());
    let (hh, mm) = match (hh.len(), after.strip_prefix(':')) {
        (2, None) if after.is_empty() => (hh, "00"),
        (2, Some(mm)) => (hh, mm),
        (4, None) if after.is_empty() => hh.split_at(2),
        _ => return false,
    };
    matches!((hh.parse::<u32>(), mm.parse::<u32>()), (Ok(h), Ok(m)) if h <= 23 && m <= 59 && mm.len() == 2)
}

/// Only a valid time of day may follow a date, after spaces or a `T`.
fn rest_is_time(rest: &str) -> bool {
    if rest.is_empty() {
        return true;
    }
    let time = if let Some(t) = rest.strip_prefix(['T', 't']) {
        t
    } else if rest.starts_with(is_space) {
        rest.trim_start_matches(is_space)
    } else {
        return false;
    };
    is_time_of_day(time)
}

fn split_date(s: &str) -> Option<DateParts> {
    let s = s.trim_matches(is_space);
    let first = s.chars().next()?;
    if first.is_ascii_digit() {
        let (n1, rest) = take_while(s, |c| c.is_ascii_digit());
        let sep = rest.chars().next()?;
        if !matches!(sep, '-' | '/' | '.') {
            return None;
        }
        let rest = &rest[1..];
        let (mid, rest2) = if rest.starts_with(|c: char| c.is_ascii_alphabetic()) {
            take_while(rest, |c| c.is_ascii_alphabetic())
        } else {
            take_while(rest, |c| c.is_ascii_digit())
        };
        if mid.is_empty() || !rest2.starts_with(sep) {
            return None;
        }
        let (n3, tail) = take_while(&rest2[1..], |c| c.is_ascii_digit());
        if !rest_is_time(tail) {
            return None;
        }
        let month_name = mid.starts_with(|c: char| c.is_ascii_alphabetic());
        if n1.len() == 4 {
            // 2026-03-15, 2026/03/15
            if sep == '.' || month_name || mid.len() > 2 || n3.is_empty() || n3.len() > 2 {
                return None;
            }
            return Some(DateParts::Ymd(
                n1.parse().ok()?,
                mid.parse().ok()?,
                n3.parse().ok()?,
            ));
        }
        if n1.is_empty() || n1.len() > 2 {
            return None;
        }
        let year = year_of(n3)?;
        match (sep, month_name) {
            // 15-Mar-2026
            ('-', true) => Some(DateParts::Ymd(
                year,
                month_from_name(mid)?,
                n1.parse().ok()?,
            )),
            // 15.03.2026 is always day first
            ('.', false) if mid.len() <= 2 => {
                Some(DateParts::Ymd(year, mid.parse().ok()?, n1.parse().ok()?))
            }
            // 03/15/2026 or 15/03/2026: the file decides
            ('/', false) if mid.len() <= 2 => Some(DateParts::Ambiguous(
                n1.parse().ok()?,
                mid.parse().ok()?,
                year,
            )),
            _ => None,
        }
    } else if first.is_ascii_alphabetic() {
        // Mar 15, 2026 / March 15, 2026
        let (name, rest) = take_while(s, |c| c.is_ascii_alphabetic() || c == '.');
        let month = month_from_name(name)?;
        let rest = rest.trim_start_matches(is_space);
        let (day, rest) = take_while(rest, |c| c.is_ascii_digit());
        if day.is_empty() || day.len() > 2 {
            return None;
        }
        let rest = rest.strip_prefix(',').unwrap_or(rest);
        if !rest.starts_with(is_space) {
            return None;
        }
        let (y, tail) = take_while(rest.trim_start_matches(is_space), |c| c.is_ascii_digit());
        if !rest_is_time(tail) {
            return None;
        }
        Some(DateParts::Ymd(year_of(y)?, month, day.parse().ok()?))
    } else {
        None
    }
}

/// What a date value says about the file's day/month order: Some when one part is above 12.
pub fn date_order_hint(s: &str) -> Option<DayMonth> {
    match split_date(s)? {
        DateParts::Ambiguous(a, b, _) if (13..=31).contains(&a) && (1..=12).contains(&b) => {
            Some(DayMonth::DayFirst)
        }
        DateParts::Ambiguous(a, b, _) if (1..=12).contains(&a) && (13..=31).contains(&b) => {
            Some(DayMonth::MonthFirst)
        }
        _ => None,
    }
}

/// Whether a date value is numeric with day and month both 12 or below (03/04/2026): its
/// meaning depends on the file's order.
pub fn date_is_ambiguous(s: &str) -> bool {
    matches!(split_date(s), Some(DateParts::Ambiguous(a, b, _)) if a <= 12 && b <= 12 && a != b)
}

/// Parse a date in any supported form, with the file's day/month order for numeric forms.
pub fn parse_date(s: &str, order: DayMonth) -> Option<NaiveDate> {
    let (y, m, d) = match split_date(s)? {
        DateParts::Ymd(y, m, d) => (y, m, d),
        DateParts::Ambiguous(a, b, y) => match order {
            DayMonth::MonthFirst => (y, a, b),
            DayMonth::DayFirst => (y, b, a),
        },
    };
    NaiveDate::from_ymd_opt(y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dec(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn money_forms() {
        use DecimalMark::*;
        let cases: &[(&str, DecimalMark, &str, Option<&str>)] = &[
            ("1234.5", Dot, "1234.5", None),
            ("$1,234.50", Dot, "1234.50", Some("USD")),
            ("-$1,234.50", Dot, "-1234.50", Some("USD")),
            ("$-1,234.50", Dot, "-1234.50", Some("USD")),
            ("USD 1,234.50", Dot, "1234.50", Some("USD")),
            ("1,234.50 USD", Dot, "1234.50", Some("USD")),
            ("1.234,50 €", Comma, "1234.50", Some("EUR")),
            ("€1.234,50", Comma, "1234.50", Some("EUR")),
            ("EUR 1.234,50", Comma, "1234.50", Some("EUR")),
            ("(12.00)", Dot, "-12.00", None),
            ("($12.00)", Dot, "-12.00", Some("USD")),
            ("12.00-", Dot, "-12.00", None),
            ("£7.5", Dot, "7.5", Some("GBP")),
            ("1 234,50", Comma, "1234.50", None),
            ("1 234 567.5", Dot, "1234567.5", None),
            ("USD 12.50", Dot, "12.50", Some("USD")),
            ("1\u{a0}234,50 €", Comma, "1234.50", Some("EUR")),
            ("0", Dot, "0", None),
            ("1,000,000", Dot, "1000000", None),
            ("135,00 €", Comma, "135.00", Some("EUR")),
            ("+5.25", Dot, "5.25", None),
        ];
        for (text, mark, want, cur) in cases {
            let (v, c) = parse_money(text, *mark).unwrap_or_else(|| panic!("{text}"));
            assert_eq!(v, dec(want), "{text}");
            assert_eq!(
                c.map(|c| c.to_string()),
                cur.map(|s| s.to_string()),
                "{text}"
            );
        }
    }

    #[test]
    fn unreadable_money() {
        use DecimalMark::*;
        for (text, mark) in [
            ("1234.5", Comma),
            ("12,34,5", Dot),
            ("ten", Dot),
            ("", Dot),
            ("$", Dot),
            ("1.2.3", Dot),
            ("12,3", Dot),
            ("--5", Dot),
            ("(5", Dot),
            ("5)", Dot),
            ("5 apples", Dot),
            ("1,234.5.6", Dot),
            ("12.", Dot),
            ("12 34", Dot),
            ("1 2.5", Dot),
            ("1,23", Dot),
            ("-5-", Dot),
            ("US$5", Dot),
            ("¥10", Dot),
            ("usd 5", Dot),
        ] {
            assert!(
                parse_money(text, mark).is_none(),
                "{text:?} should be unreadable"
            );
        }
    }

    #[test]
    fn comma_decimal_sign() {
        for (t, yes) in [
            ("1.234,50 €", true),
            ("135,0", true),
            ("1,234.50", false),
            ("1,234", false),
            ("12", false),
        ] {
            assert_eq!(scan_number(t).unwrap().looks_comma_decimal(), yes, "{t}");
        }
    }

    #[test]
    fn rounding_is_half_away_from_zero() {
        assert_eq!(cents(dec("2.345")), dec("2.35"));
        assert_eq!(cents(dec("2.335")), dec("2.34"));
        assert_eq!(cents(dec("-2.345")), dec("-2.35"));
        assert_eq!(cents(dec("0.125")), dec("0.13"));
    }

    #[test]
    #[allow(
        clippy::excessive_precision,
        reason = "the float literals are spreadsheet values as stored, digits and all"
    )]
    fn spreadsheet_float_noise() {
        assert_eq!(
            cents(decimal_from_f64(199.98000000000002).unwrap()),
            dec("199.98")
        );
        assert_eq!(
            cents(decimal_from_f64(99.98999999999999).unwrap()),
            dec("99.99")
        );
        assert_eq!(decimal_from_f64(700103.0).unwrap(), dec("700103"));
        assert!(decimal_from_f64(f64::NAN).is_none());
    }

    #[test]
    fn quantities() {
        use DecimalMark::*;
        assert_eq!(parse_quantity("12", Dot), Some(12));
        assert_eq!(parse_quantity("-3", Dot), Some(-3));
        assert_eq!(parse_quantity("(3)", Dot), None);
        assert_eq!(parse_quantity("3-", Dot), None);
        assert_eq!(parse_quantity("1,200", Dot), Some(1200));
        assert_eq!(parse_quantity("1.200", Comma), Some(1200));
        assert_eq!(parse_quantity("2.00", Dot), Some(2));
        assert_eq!(parse_quantity("2.5", Dot), None);
        assert_eq!(parse_quantity("three", Dot), None);
        assert_eq!(parse_quantity("", Dot), None);
        assert_eq!(parse_quantity("$3", Dot), None);
        assert_eq!(parse_components("5", Dot), Some(5));
        assert_eq!(parse_components("2.0", Dot), Some(2));
        assert_eq!(parse_components("0", Dot), None);
        assert_eq!(parse_components("-1", Dot), None);
        assert_eq!(parse_components("1.5", Dot), None);
    }

    fn ymd(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(y, m, d)
    }

    #[test]
    fn date_forms() {
        use DayMonth::*;
        let cases: &[(&str, DayMonth, Option<NaiveDate>)] = &[
            ("2026-03-15", MonthFirst, ymd(2026, 3, 15)),
            ("2026-3-5", MonthFirst, ymd(2026, 3, 5)),
            ("2026/03/15", DayFirst, ymd(2026, 3, 15)),
            ("2026/3/5", DayFirst, ymd(2026, 3, 5)),
            ("2026-03-15 10:22:01", MonthFirst, ymd(2026, 3, 15)),
            ("2026-03-15T10:22:01Z", MonthFirst, ymd(2026, 3, 15)),
            ("03/15/2026", MonthFirst, ymd(2026, 3, 15)),
            ("3/5/2026", MonthFirst, ymd(2026, 3, 5)),
            ("3/5/2026", DayFirst, ymd(2026, 5, 3)),
            ("15/03/2026", DayFirst, ymd(2026, 3, 15)),
            ("15/03/2026 08:00", DayFirst, ymd(2026, 3, 15)),
            ("03/15/26", MonthFirst, ymd(2026, 3, 15)),
            ("15.03.2026", MonthFirst, ymd(2026, 3, 15)),
            ("5.3.26", MonthFirst, ymd(2026, 3, 5)),
            ("15-Mar-2026", MonthFirst, ymd(2026, 3, 15)),
            ("15-mar-26", MonthFirst, ymd(2026, 3, 15)),
            ("Mar 15, 2026", DayFirst, ymd(2026, 3, 15)),
            ("March 15, 2026", MonthFirst, ymd(2026, 3, 15)),
            ("Sept 1, 2026", MonthFirst, ymd(2026, 9, 1)),
            ("2028-02-29", MonthFirst, ymd(2028, 2, 29)),
            // invalid
            ("2026-13-01", MonthFirst, None),
            ("2026-02-29", MonthFirst, None),
            ("15/03/2026", MonthFirst, None),
            ("03/15/2026", DayFirst, None),
            ("31.04.2026", DayFirst, None),
            ("yesterday", MonthFirst, None),
            ("", MonthFirst, None),
            ("2026", MonthFirst, None),
            ("15-Foo-2026", MonthFirst, None),
            ("03/15/202", MonthFirst, None),
            ("2026-03-15x", MonthFirst, None),
            // a time after the date must be a time of day
            ("2026-01-01T25:61:61", MonthFirst, None),
            ("2026-01-01 25:00", MonthFirst, None),
            ("2026-01-01 13:60", MonthFirst, None),
            ("2026-01-01 13:45:60", MonthFirst, None),
            ("2026-01-01 13:4", MonthFirst, None),
            ("2026-01-01 13", MonthFirst, None),
            ("2026-01-01T", MonthFirst, None),
            ("2026-01-01 (Monday)", MonthFirst, None),
            ("2026-01-01 13:45 PM", MonthFirst, None),
            ("2026-01-01 0:30 AM", MonthFirst, None),
            ("2026-01-01T13:45+25:00", MonthFirst, None),
            ("2026-01-01T13:45:00.", MonthFirst, None),
            ("2026-01-01 13:45:00", MonthFirst, ymd(2026, 1, 1)),
            ("2026-01-01T13:45", MonthFirst, ymd(2026, 1, 1)),
            ("2026-01-01t00:00:00.000", MonthFirst, ymd(2026, 1, 1)),
            ("2026-01-01T23:59:59.5+02:00", MonthFirst, ymd(2026, 1, 1)),
            ("2026-01-01T08:00:00-0500", MonthFirst, ymd(2026, 1, 1)),
            ("2026-01-01T08:00:00z", MonthFirst, ymd(2026, 1, 1)),
            ("1/5/2026 1:30:00 PM", MonthFirst, ymd(2026, 1, 5)),
            ("1/5/2026 12:05 am", MonthFirst, ymd(2026, 1, 5)),
            ("Mar 15, 2026 9:15", MonthFirst, ymd(2026, 3, 15)),
            ("15.03.2026  08:00", MonthFirst, ymd(2026, 3, 15)),
            // forms the spec does not list
            ("15-03-2026", DayFirst, None),
            ("03-15-2026", MonthFirst, None),
            ("2026.03.15", MonthFirst, None),
            ("15 March 2026", MonthFirst, None),
            ("15/Mar/2026", MonthFirst, None),
        ];
        for (text, order, want) in cases {
            assert_eq!(parse_date(text, *order), *want, "{text} ({order:?})");
        }
    }

    #[test]
    fn date_order_hints() {
        assert_eq!(date_order_hint("15/03/2026"), Some(DayMonth::DayFirst));
        assert_eq!(date_order_hint("03/15/2026"), Some(DayMonth::MonthFirst));
        assert_eq!(date_order_hint("03/05/2026"), None);
        assert_eq!(date_order_hint("2026-03-15"), None);
        assert_eq!(date_order_hint("15.03.2026"), None);
        assert_eq!(
            date_order_hint("13/13/2026"),
            None,
            "an invalid date decides nothing"
        );
        assert_eq!(date_order_hint("45/03/2026"), None);
    }

    #[test]
    fn currency_cells() {
        assert_eq!(Currency::parse("eur"), Some(Currency::EUR));
        assert_eq!(Currency::parse(" USD "), Some(Currency::USD));
        assert_eq!(Currency::parse("€"), Some(Currency::EUR));
        assert_eq!(Currency::parse("Euro"), None);
        assert_eq!(Currency::from_cell("Euro").unwrap().as_str(), "EURO");
        assert_eq!(Currency::from_cell("US$").unwrap().as_str(), "US$");
        assert_eq!(Currency::from_cell("€").unwrap(), Currency::EUR);
        assert_eq!(
            Currency::from_cell("Schweizer Franken").unwrap().as_str(),
            "SCHWEIZER FRANK"
        );
        assert_eq!(Currency::from_cell(" "), None);
    }
}
