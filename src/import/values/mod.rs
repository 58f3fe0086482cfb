//! Cell values as exports write them: money in every local form, dates in every order,
//! quantities, currencies. Parsing is exact (`rust_decimal`) and allocation-free on the row path.

use serde::{Deserialize, Serialize};

mod amounts;
mod dates;

pub use crate::money::{Currency, cents};
pub use amounts::{
    MAX_COMPONENTS, Scanned, decimal_from_f64, money_vote, parse_components, parse_money,
    parse_quantity, scan_number, whole,
};
pub use dates::{date_is_ambiguous, date_order_hint, is_iso_date, month_from_name, parse_date};

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

fn is_space(c: char) -> bool {
    c.is_whitespace() || c == '\u{a0}' || c == '\u{202f}'
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;
    use rust_decimal::Decimal;
    use std::str::FromStr;

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
    fn iso_dates() {
        for iso in [
            "2026-03-15",
            " 2026-3-5 ",
            "2026-03-15 10:30",
            "2026-03-15T10:30:00Z",
        ] {
            assert!(is_iso_date(iso), "{iso}");
        }
        for other in [
            "2026/03/15",
            "15/03/2026",
            "15.03.2026",
            "15-Mar-2026",
            "2026-13-01",
            "2026-02-30",
            "2026-03-15 noon",
            "20260315",
            "",
        ] {
            assert!(!is_iso_date(other), "{other}");
        }
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
