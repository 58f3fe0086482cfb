//! Amounts and quantities as exports write them: `$1,234.50`, `1.234,50 €`, `(123.45)`,
//! `123.45-`, thousands separators, a currency sign or code; exact, allocation-free.

use std::str::FromStr;

use rust_decimal::Decimal;

use super::{DecimalMark, is_space};
use crate::money::Currency;

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
        vote_of(self.digits())
    }

    /// The value with the file's decimal mark, or None when the marks are misplaced.
    pub fn value(&self, mark: DecimalMark) -> Option<Decimal> {
        value_of(self.digits(), self.negative, mark)
    }
}

/// [`Scanned::mark_vote`] of these digits and marks.
fn vote_of(d: &[u8]) -> Option<DecimalMark> {
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

/// [`Scanned::value`] of these digits and marks.
fn value_of(d: &[u8], negative: bool, mark: DecimalMark) -> Option<Decimal> {
    let (dec, thou) = mark.chars();
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
    if negative && !v.is_zero() {
        v.set_sign_negative(true);
    }
    Some(v)
}

/// Strip a money or quantity text down to digits and marks, noting sign and currency.
/// None when it holds anything else (words, two signs, unbalanced parentheses).
pub fn scan_number(s: &str) -> Option<Scanned> {
    scan_plain(s.as_bytes()).or_else(|| scan_any(s))
}

/// The form almost every export writes: an optional `-` and `$` (either order), then ASCII
/// digits and marks, read where it stands. It gives what the general path gives for such a
/// text (tested against it on every short text of these bytes); anything else is None, and
/// goes the general way.
#[derive(Clone, Copy)]
struct Plain<'a> {
    digits: &'a [u8],
    negative: bool,
    dollar: bool,
}

impl Plain<'_> {
    fn currency(&self) -> Option<Currency> {
        self.dollar.then_some(Currency::USD)
    }
}

fn plain(s: &[u8]) -> Option<Plain<'_>> {
    let (mut minus, mut dollar) = (false, false);
    let mut i = 0;
    while let Some(&b) = s.get(i) {
        match b {
            b'-' if !minus => minus = true,
            b'$' if !dollar => dollar = true,
            _ => break,
        }
        i += 1;
    }
    let rest = s.get(i..)?;
    // the general path's buffer holds 40 bytes
    if rest.len() > 40
        || !rest.iter().any(u8::is_ascii_digit)
        || !rest
            .iter()
            .all(|&b| b.is_ascii_digit() || b == b'.' || b == b',')
    {
        return None;
    }
    Some(Plain {
        digits: rest,
        negative: minus,
        dollar,
    })
}

/// [`plain`] as a [`Scanned`].
fn scan_plain(s: &[u8]) -> Option<Scanned> {
    let p = plain(s)?;
    let mut out = Scanned {
        buf: [0; 40],
        len: p.digits.len(),
        negative: p.negative,
        currency: p.currency(),
        accounting_sign: false,
    };
    out.buf.get_mut(..p.digits.len())?.copy_from_slice(p.digits);
    Some(out)
}

/// The decimal mark a money text votes for ([`Scanned::mark_vote`]), None when it is not
/// money or votes for neither.
pub fn money_vote(s: &str) -> Option<DecimalMark> {
    match plain(s.as_bytes()) {
        Some(p) => vote_of(p.digits),
        None => scan_any(s).and_then(|x| x.mark_vote()),
    }
}

fn scan_any(s: &str) -> Option<Scanned> {
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
    if let Some(p) = plain(s.as_bytes()) {
        return Some((value_of(p.digits, p.negative, mark)?, p.currency()));
    }
    let scanned = scan_number(s)?;
    Some((scanned.value(mark)?, scanned.currency))
}

/// Parse a whole quantity: digits with thousands separators as for amounts, a leading sign
/// for returns ("2.00" is the whole number 2; "2.5", "(3)" and "3-" are not quantities).
pub fn parse_quantity(s: &str, mark: DecimalMark) -> Option<i64> {
    if let Some(p) = plain(s.as_bytes()) {
        if p.dollar {
            return None;
        }
        if p.digits.len() <= 18 && p.digits.iter().all(u8::is_ascii_digit) {
            // whole digits: no decimal to build
            let v = p
                .digits
                .iter()
                .fold(0i64, |v, &c| v * 10 + i64::from(c - b'0'));
            return Some(if p.negative { -v } else { v });
        }
        return whole(value_of(p.digits, p.negative, mark)?);
    }
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

#[cfg(test)]
mod plain_tests {
    use super::*;

    /// Every text of up to `max` bytes of `alphabet`.
    fn short_texts(alphabet: &[u8], max: u32) -> Vec<Vec<u8>> {
        let mut out = Vec::new();
        for len in 0..=max {
            for n in 0..alphabet.len().pow(len) {
                let mut k = n;
                let text = (0..len)
                    .map(|_| {
                        let b = alphabet[k % alphabet.len()];
                        k /= alphabet.len();
                        b
                    })
                    .collect();
                out.push(text);
            }
        }
        out
    }

    #[test]
    fn the_plain_path_agrees_with_the_general_one() {
        let alphabet = b"-$0123456789.,";
        let key = |s: &Option<Scanned>| {
            s.as_ref().map(|x| {
                (
                    x.digits().to_vec(),
                    x.negative,
                    x.currency,
                    x.accounting_sign,
                )
            })
        };
        let mut checked = 0;
        // every text of up to 5 of these bytes, alone and before digits
        for text in short_texts(alphabet, 5) {
            for tail in [&b""[..], b"1", b"12,345.6"] {
                let t = [&text[..], tail].concat();
                let s = std::str::from_utf8(&t).unwrap();
                if let Some(fast) = scan_plain(&t) {
                    assert_eq!(key(&Some(fast)), key(&scan_any(s)), "{s:?}");
                    checked += 1;
                }
            }
        }
        assert!(checked > 10_000, "{checked}");
        // and the values read from the plain form where it stands are the general path's:
        // every text of up to 5 of these bytes, and of up to 3 before longer numbers
        let mut texts = short_texts(alphabet, 5);
        for text in short_texts(alphabet, 3) {
            for tail in [
                &b"12,345.6"[..],
                b"1.234,56",
                b"0,5",
                b"123456789012345678901",
            ] {
                texts.push([&text[..], tail].concat());
            }
        }
        for text in &texts {
            let s = std::str::from_utf8(text).unwrap();
            let general = scan_any(s);
            assert_eq!(money_vote(s), general.and_then(|g| g.mark_vote()), "{s:?}");
            for mark in [DecimalMark::Dot, DecimalMark::Comma] {
                assert_eq!(
                    parse_money(s, mark),
                    general.and_then(|g| Some((g.value(mark)?, g.currency))),
                    "{s:?}"
                );
                let quantity = general
                    .filter(|g| g.currency.is_none() && !g.accounting_sign)
                    .and_then(|g| whole(g.value(mark)?));
                assert_eq!(parse_quantity(s, mark), quantity, "{s:?}");
            }
        }
        // longer than the buffer: the general path refuses, and so does the plain one
        let long = "1".repeat(41);
        assert!(scan_plain(long.as_bytes()).is_none() && scan_any(&long).is_none());
    }
}
