//! The limits every value and file must respect, defined once: the importer, the loader, the
//! command line and the window all check with these, so nothing one accepts is refused by
//! another (a value the window takes always saves and opens again), and no decimal sum can
//! overflow (a kit count is an integer, summed with saturation and a warning when cut).

use rust_decimal::Decimal;

/// Quantities above this (in absolute value) are rejected: no order has a billion kits, and
/// the limit keeps every sum far from decimal overflow.
pub const MAX_QUANTITY: u64 = 1_000_000_000;
/// Amounts above this (in absolute value, any currency) are rejected, for the same reason.
pub const MAX_MONEY: i64 = 10_000_000_000_000;
/// Components per set above this are rejected as implausible (it keeps kit sums in range).
pub const MAX_COMPONENTS: u32 = 10_000;
/// Planned purchases, trainers, people, rates or dashboard months a workspace may hold (each
/// list; far above any partner's, and it keeps every sum in range).
pub const MAX_LIST: usize = 100_000;

/// The years a renewal's days (an anniversary, an as-of day) may fall in: the program's
/// plausible span, and one that keeps every window and month index in range.
pub const YEARS: std::ops::RangeInclusive<i32> = 1990..=2199;

/// Whether `year` is a plausible year for a renewal's days ([`YEARS`]).
pub fn plausible_year(year: i32) -> bool {
    YEARS.contains(&year)
}

/// The smallest exchange rate accepted, in USD per unit of a currency.
pub fn min_rate() -> Decimal {
    Decimal::new(1, 6)
}

/// The largest exchange rate accepted, in USD per unit of a currency.
pub fn max_rate() -> Decimal {
    Decimal::from(1_000_000)
}

/// Rows of a file rejected past which the file is refused as a whole: it does not read as an
/// export (a wrong file, or one crafted to fill the memory with reasons), and a list of that
/// many rejections would help no one. Counted over the whole file, however it is cut for the
/// cores, so the outcome never depends on the machine.
pub const MAX_REJECTED_ROWS: u32 = 200_000;

/// Exports larger than this are refused before they are read.
pub const MAX_EXPORT_BYTES: u64 = 1 << 30;
/// Words of a product's name and type looked at when it is classified: a real name has a
/// dozen; a crafted cell of millions of words would otherwise take gigabytes as a word list.
pub const MAX_CLASSIFIED_WORDS: usize = 200;
/// Workspace files larger than this are refused before they are read.
pub const MAX_WORKSPACE_BYTES: u64 = 1 << 30;
/// Program profiles larger than this are refused before they are read.
pub const MAX_PROFILE_BYTES: u64 = 1 << 20;
/// Lock owner files (`NAME.ron.owner`) larger than this are not read.
pub const MAX_OWNER_BYTES: u64 = 4 << 10;

/// Messages longer than this many characters are cut (a 100,000-column header would otherwise
/// fill the screen).
pub const MESSAGE_CHARS: usize = 600;

/// A message fit for a terminal or a notification: control characters (ESC and the like, from
/// a file's header or a lock owner file) escaped, and cut after [`MESSAGE_CHARS`] characters.
pub fn one_line(text: &str) -> String {
    let mut out = String::new();
    let mut shown = 0;
    for (used, c) in text.chars().enumerate() {
        let piece: String = if c.is_control() {
            c.escape_default().collect()
        } else {
            c.to_string()
        };
        let width = piece.chars().count();
        if shown + width > MESSAGE_CHARS {
            let rest = text.chars().count() - used;
            out.push_str(&format!("… ({rest} more characters)"));
            break;
        }
        out.push_str(&piece);
        shown += width;
    }
    out
}

/// A value outside its limit, in words for the person who typed it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct LimitError(pub String);

/// An integer's digits with thousands separators ("-1,234,567"), as limits and counts are
/// written in messages.
pub fn with_separators(digits: &str) -> String {
    let (sign, digits) = digits.strip_prefix('-').map_or(("", digits), |d| ("-", d));
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    format!("{sign}{out}")
}

/// An exchange rate (USD per unit of `currency`): in [0.000001, 1,000,000], and never for USD
/// itself (its rate is 1 by definition).
pub fn check_rate(currency: &str, usd_per: Decimal) -> Result<(), LimitError> {
    if currency.eq_ignore_ascii_case("USD") {
        return Err(LimitError(
            "USD needs no rate (amounts in USD are taken as they are)".into(),
        ));
    }
    if usd_per < min_rate() || usd_per > max_rate() {
        return Err(LimitError(format!(
            "the {currency} rate {usd_per} is not a plausible USD rate (it must lie between 0.000001 and 1,000,000 USD per {currency})"
        )));
    }
    Ok(())
}

/// A quantity of kits (planned or imported): at most a billion either way.
pub fn check_quantity(what: &str, quantity: i64) -> Result<(), LimitError> {
    if quantity.unsigned_abs() > MAX_QUANTITY {
        return Err(LimitError(format!(
            "{what} {} is over lpkpi's limit of {} kits",
            with_separators(&quantity.to_string()),
            with_separators(&MAX_QUANTITY.to_string())
        )));
    }
    Ok(())
}

/// An amount of money (or KPI units): at most 10 trillion either way.
pub fn check_money(what: &str, amount: Decimal) -> Result<(), LimitError> {
    if amount.abs() > Decimal::from(MAX_MONEY) {
        return Err(LimitError(format!(
            "{what} {amount} is over lpkpi's limit of {}",
            with_separators(&MAX_MONEY.to_string())
        )));
    }
    Ok(())
}

/// A component count of a packaged set: 1 to 10,000.
pub fn check_components(components: u32) -> Result<(), LimitError> {
    if components == 0 || components > MAX_COMPONENTS {
        return Err(LimitError(format!(
            "a set has 1 to {} components, not {components}",
            with_separators(&MAX_COMPONENTS.to_string())
        )));
    }
    Ok(())
}

/// The length of one of a workspace's lists.
pub fn check_list(what: &str, len: usize) -> Result<(), LimitError> {
    if len > MAX_LIST {
        return Err(LimitError(format!(
            "{len} {what} is over lpkpi's limit of {}",
            with_separators(&MAX_LIST.to_string())
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    #[test]
    fn rates_lie_in_the_documented_range() {
        let ok = |s: &str| check_rate("EUR", Decimal::from_str(s).unwrap()).is_ok();
        assert!(ok("0.000001") && ok("1.08") && ok("1000000"));
        assert!(!ok("0.0000009") && !ok("0") && !ok("-1") && !ok("1000000.01"));
        assert!(!ok("0.0000000000000000000000000001"));
        assert!(
            check_rate("usd", Decimal::ONE).is_err(),
            "USD takes no rate"
        );
        let e = check_rate("EUR", Decimal::from(10_800_000)).unwrap_err();
        assert!(e.0.contains("not a plausible USD rate"), "{e}");
    }

    #[test]
    fn messages_are_one_short_clean_line() {
        assert_eq!(one_line("a\x1b[31mb\nc\u{7}"), "a\\u{1b}[31mb\\nc\\u{7}");
        let long = "x".repeat(MESSAGE_CHARS + 5);
        assert_eq!(
            one_line(&long),
            format!("{}… (5 more characters)", "x".repeat(MESSAGE_CHARS))
        );
        assert_eq!(one_line("Grüße €"), "Grüße €");
        // escapes count as what they show: a line of NULs stays short
        let nuls = one_line(&"\0".repeat(10_000));
        assert!(nuls.chars().count() < MESSAGE_CHARS + 40, "{}", nuls.len());
    }

    #[test]
    fn quantities_money_components_and_lists() {
        assert!(check_quantity("kits", 1_000_000_000).is_ok());
        let e = check_quantity("kits", -1_000_000_001).unwrap_err();
        assert_eq!(
            e.0,
            "kits -1,000,000,001 is over lpkpi's limit of 1,000,000,000 kits"
        );
        assert!(check_money("revenue", Decimal::from(MAX_MONEY)).is_ok());
        assert!(check_money("revenue", Decimal::MAX).is_err());
        assert!(check_components(1).is_ok() && check_components(10_000).is_ok());
        assert!(check_components(0).is_err() && check_components(10_001).is_err());
        assert!(check_list("trainers", MAX_LIST).is_ok());
        assert!(check_list("trainers", MAX_LIST + 1).is_err());
    }
}
