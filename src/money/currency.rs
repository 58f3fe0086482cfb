//! Currencies and cents: what an amount is in, and money rounded the one way the program
//! rounds it (half away from zero).

use std::fmt;
use std::str::FromStr;

use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Round money to cents, half away from zero (never banker's rounding).
pub fn cents(d: Decimal) -> Decimal {
    d.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
}

/// A currency: an ISO 4217 code ("EUR"), or whatever a currency column said when it is not
/// one (kept, uppercased, so it can be given a rate). Up to 15 bytes, stored inline.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Currency {
    bytes: [u8; 15],
    len: u8,
}

impl Currency {
    /// US dollars, the program's currency.
    pub const USD: Currency = Currency::code(*b"USD");
    /// Euros.
    pub const EUR: Currency = Currency::code(*b"EUR");
    /// Pounds sterling.
    pub const GBP: Currency = Currency::code(*b"GBP");

    const fn code(c: [u8; 3]) -> Currency {
        let mut bytes = [0u8; 15];
        bytes[0] = c[0];
        bytes[1] = c[1];
        bytes[2] = c[2];
        Currency { bytes, len: 3 }
    }

    /// The currency as text ("EUR").
    pub fn as_str(&self) -> &str {
        // Only whole UTF-8 characters are ever stored.
        std::str::from_utf8(&self.bytes[..usize::from(self.len)]).unwrap_or("?")
    }

    /// The currency a symbol or a three-letter code (any case) names.
    pub fn parse(s: &str) -> Option<Currency> {
        let s = s.trim();
        match s {
            "€" => return Some(Currency::EUR),
            "£" => return Some(Currency::GBP),
            "$" => return Some(Currency::USD),
            _ => {}
        }
        let b = s.as_bytes();
        (b.len() == 3 && b.iter().all(u8::is_ascii_alphabetic)).then(|| {
            Currency::code([
                b[0].to_ascii_uppercase(),
                b[1].to_ascii_uppercase(),
                b[2].to_ascii_uppercase(),
            ])
        })
    }

    /// A currency column's value: a symbol or code as [`Currency::parse`], else the text
    /// itself, uppercased and cut to 15 bytes (it will need a rate). None for empty text.
    /// The currency's own text gives it back (a workspace saves it as text and loads it so).
    pub fn from_cell(s: &str) -> Option<Currency> {
        let s = s.trim();
        if s.is_empty() {
            return None;
        }
        if let Some(c) = Currency::parse(s) {
            return Some(c);
        }
        let upper = s.to_uppercase();
        let mut end = upper.len().min(15);
        while !upper.is_char_boundary(end) {
            end -= 1;
        }
        let kept = &upper[..end];
        if end < upper.len() {
            // the cut can leave spaces at the end ("EAST CARIBBEAN DOLLAR" -> "EAST CARIBBEAN "),
            // which the text read again would lose: read what is kept as a cell of its own
            // (once: it is uppercase already, and uppercasing any character twice gives what
            // once does, so it is not cut again)
            return Currency::from_cell(kept);
        }
        let mut bytes = [0u8; 15];
        bytes[..end].copy_from_slice(kept.as_bytes());
        Some(Currency {
            bytes,
            len: end as u8,
        })
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Currency {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Currency {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Currency::from_cell(&s).ok_or_else(|| serde::de::Error::custom("an empty currency"))
    }
}

impl FromStr for Currency {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Currency::parse(s).ok_or_else(|| format!("'{s}' is not a currency code"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn a_long_name_cut_before_a_space_keeps_no_space() {
        let c = Currency::from_cell("East Caribbean Dollar").expect("a currency");
        assert_eq!(c.as_str(), "EAST CARIBBEAN");
        assert_eq!(Currency::from_cell(c.as_str()), Some(c));
        // the cut leaves a symbol or a code: it is read as one
        let c = Currency::from_cell("\u{20ac}               x").expect("a currency");
        assert_eq!(c, Currency::EUR);
        let c = Currency::from_cell(
            "gbp\u{0b}\u{0b}\u{0b}\u{0b}\u{0b}\u{0b}\u{0b}\u{0b}\u{0b}\u{0b}\u{0b}\u{0b}\u{0b}z",
        )
        .expect("a currency");
        assert_eq!(c, Currency::GBP);
    }

    proptest! {
        /// What a workspace does with a currency: saved as its text, read back from it.
        #[test]
        fn a_currency_reads_back_from_its_text(s in "\\PC{0,24}|[a-zA-Z\u{20ac}$\u{a3} \t\u{0b}\u{3000}\u{df}]{0,24}") {
            if let Some(c) = Currency::from_cell(&s) {
                prop_assert!(c.as_str().len() <= 15);
                prop_assert_eq!(Currency::from_cell(c.as_str()), Some(c));
            }
        }
    }
}
