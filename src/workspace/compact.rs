//! The rows of a version 3 workspace file, written and read without serde's generic path: a
//! workspace holds hundreds of thousands of rows, and going through `ron` for each costs
//! seconds. The text is exactly what `ron` writes for [`Row`] (a test checks it), one row per
//! line, so the whole file stays RON that `ron` reads too; reading takes only the rows written
//! that exact way, anything else (a hand edit, a malformed row) is left to `ron`, which reads
//! the whole file and names the line and column of what is wrong.
//!
//! A row reads `(batch, line, fate, purchase)`, the purchase `None` or
//! `Some((date, order, line id, product, quantity, components, amount, currency))`, where
//! product is an index into the file's `products` table of `(part, name, kind)`.

use std::collections::HashMap;
use std::fmt::Write as _;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::de::IntoDeserializer;
use serde::{Deserialize, Serialize};

use super::model::{StoredFate, StoredRow};
use crate::import::values::Currency;

/// A product as the file's `products` table holds it: part number, product name, product type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Product(pub String, pub String, pub String);

/// A purchase as a row of the file holds it (see the module's documentation for the order).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Purchase(
    /// Purchase date.
    pub NaiveDate,
    /// Order id.
    pub String,
    /// Line id.
    pub Option<String>,
    /// Index into the products table.
    pub u32,
    /// Quantity.
    pub i64,
    /// Components.
    pub Option<u32>,
    /// Amount, an exact decimal written as a string.
    #[serde(with = "rust_decimal::serde::str_option")]
    pub Option<Decimal>,
    /// Currency.
    pub Currency,
);

/// A row as the file holds it: batch, line, fate, purchase.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Row(pub u32, pub u32, pub StoredFate, pub Option<Purchase>);

/// The products table of some rows, in order of first use (so saving twice gives the same
/// table), and each row's index into it.
pub fn products(rows: &[StoredRow]) -> (Vec<Product>, Vec<Option<u32>>) {
    let mut table: Vec<Product> = Vec::new();
    let mut index: HashMap<(&str, &str, &str), u32> = HashMap::new();
    let of_row = rows
        .iter()
        .map(|r| {
            r.purchase.as_ref().map(|p| {
                let key = (p.part.as_str(), p.name.as_str(), p.kind.as_str());
                *index.entry(key).or_insert_with(|| {
                    table.push(Product(p.part.clone(), p.name.clone(), p.kind.clone()));
                    u32::try_from(table.len() - 1).unwrap_or(u32::MAX)
                })
            })
        })
        .collect();
    (table, of_row)
}

/// A string as `ron` writes it (escaped as Rust's `char::escape_debug` does).
fn write_str(out: &mut String, s: &str) {
    out.push('"');
    if s.bytes()
        .all(|b| (b' '..0x7f).contains(&b) && b != b'"' && b != b'\\' && b != b'\'')
    {
        out.push_str(s);
    } else {
        out.extend(s.chars().flat_map(char::escape_debug));
    }
    out.push('"');
}

/// Write the rows, one a line, indented as `ron` indents a list two levels deep. `product`
/// holds each row's index into the products table (see [`products`]).
pub fn write_rows(out: &mut String, rows: &[StoredRow], product: &[Option<u32>]) {
    for (row, product) in rows.iter().zip(product) {
        let _ = write!(out, "    ({}, {}, ", row.batch, row.line);
        match &row.fate {
            StoredFate::Kept => out.push_str("Kept"),
            StoredFate::Duplicate => out.push_str("Duplicate"),
            StoredFate::Summary => out.push_str("Summary"),
            StoredFate::NotInvoiced => out.push_str("NotInvoiced"),
            StoredFate::Rejected(reason) => {
                out.push_str("Rejected(");
                write_str(out, reason);
                out.push(')');
            }
        }
        match (&row.purchase, product) {
            (Some(p), Some(index)) => {
                let _ = write!(out, ", Some((\"{}\", ", p.date);
                write_str(out, &p.order);
                out.push_str(", ");
                match &p.line_id {
                    Some(l) => {
                        out.push_str("Some(");
                        write_str(out, l);
                        out.push(')');
                    }
                    None => out.push_str("None"),
                }
                let _ = write!(out, ", {index}, {}, ", p.quantity);
                match p.components {
                    Some(c) => {
                        let _ = write!(out, "Some({c})");
                    }
                    None => out.push_str("None"),
                }
                match p.amount {
                    Some(a) => {
                        let _ = write!(out, ", Some(\"{a}\"), ");
                    }
                    None => out.push_str(", None, "),
                }
                write_str(out, p.currency.as_str());
                out.push_str("))),\n");
            }
            _ => out.push_str(", None),\n"),
        }
    }
}

/// A cursor over one row's line.
struct Cursor<'a> {
    rest: &'a str,
}

impl<'a> Cursor<'a> {
    fn eat(&mut self, s: &str) -> Option<()> {
        self.rest = self.rest.strip_prefix(s)?;
        Some(())
    }

    fn eats(&mut self, s: &str) -> bool {
        self.eat(s).is_some()
    }

    fn digits(&mut self) -> Option<&'a str> {
        let end = self
            .rest
            .bytes()
            .position(|b| !b.is_ascii_digit())
            .unwrap_or(self.rest.len());
        if end == 0 {
            return None;
        }
        let (d, rest) = self.rest.split_at(end);
        self.rest = rest;
        Some(d)
    }

    fn u32(&mut self) -> Option<u32> {
        self.digits()?.parse().ok()
    }

    fn i64(&mut self) -> Option<i64> {
        let negative = self.eats("-");
        let d = self.digits()?;
        if negative {
            format!("-{d}").parse().ok()
        } else {
            d.parse().ok()
        }
    }

    /// A quoted string; only the escapes `ron` writes and reads alike are taken.
    fn string(&mut self) -> Option<std::borrow::Cow<'a, str>> {
        self.eat("\"")?;
        let bytes = self.rest.as_bytes();
        let end = bytes.iter().position(|&b| b == b'"' || b == b'\\')?;
        if bytes.get(end) == Some(&b'"') {
            let (s, rest) = self.rest.split_at(end);
            self.rest = rest.get(1..)?;
            return Some(std::borrow::Cow::Borrowed(s));
        }
        let mut out = String::new();
        let mut chars = self.rest.char_indices();
        while let Some((i, c)) = chars.next() {
            match c {
                '"' => {
                    self.rest = self.rest.get(i + 1..)?;
                    return Some(std::borrow::Cow::Owned(out));
                }
                '\\' => {
                    let (_, e) = chars.next()?;
                    out.push(match e {
                        '\'' => '\'',
                        '"' => '"',
                        '\\' => '\\',
                        'n' => '\n',
                        'r' => '\r',
                        't' => '\t',
                        '0' => '\0',
                        'u' => {
                            if chars.next()?.1 != '{' {
                                return None;
                            }
                            let mut code = 0u32;
                            let mut n = 0;
                            loop {
                                let (_, h) = chars.next()?;
                                if h == '}' {
                                    break;
                                }
                                n += 1;
                                if n > 6 {
                                    return None;
                                }
                                code = code * 16 + h.to_digit(16)?;
                            }
                            if n == 0 {
                                return None;
                            }
                            char::from_u32(code)?
                        }
                        _ => return None,
                    });
                }
                c => out.push(c),
            }
        }
        None
    }

    /// A string read by the type's own `Deserialize` (as `ron` would).
    fn typed<T: serde::de::DeserializeOwned>(&mut self) -> Option<T> {
        let s = self.string()?;
        let de: serde::de::value::StrDeserializer<'_, serde::de::value::Error> =
            s.as_ref().into_deserializer();
        T::deserialize(de).ok()
    }

    fn optional<T>(&mut self, inner: impl FnOnce(&mut Self) -> Option<T>) -> Option<Option<T>> {
        if self.eats("None") {
            return Some(None);
        }
        self.eat("Some(")?;
        let value = inner(self)?;
        self.eat(")")?;
        Some(Some(value))
    }

    fn fate(&mut self) -> Option<StoredFate> {
        Some(if self.eats("Kept") {
            StoredFate::Kept
        } else if self.eats("Duplicate") {
            StoredFate::Duplicate
        } else if self.eats("Summary") {
            StoredFate::Summary
        } else if self.eats("NotInvoiced") {
            StoredFate::NotInvoiced
        } else {
            self.eat("Rejected(")?;
            let reason = self.string()?.into_owned();
            self.eat(")")?;
            StoredFate::Rejected(reason)
        })
    }

    fn purchase(&mut self) -> Option<Purchase> {
        self.eat("(")?;
        let date: NaiveDate = self.typed()?;
        self.eat(", ")?;
        let order = self.string()?.into_owned();
        self.eat(", ")?;
        let line_id = self.optional(|c| c.string().map(std::borrow::Cow::into_owned))?;
        self.eat(", ")?;
        let product = self.u32()?;
        self.eat(", ")?;
        let quantity = self.i64()?;
        self.eat(", ")?;
        let components = self.optional(Cursor::u32)?;
        self.eat(", ")?;
        // as `rust_decimal::serde::str_option` reads it: "" is no amount
        let amount = self.optional(|c| {
            let s = c.string()?;
            Some(if s.is_empty() {
                None
            } else {
                Some(
                    s.parse::<Decimal>()
                        .or_else(|_| Decimal::from_scientific(&s))
                        .ok()?,
                )
            })
        })?;
        self.eat(", ")?;
        let currency: Currency = self.typed()?;
        self.eat(")")?;
        Some(Purchase(
            date,
            order,
            line_id,
            product,
            quantity,
            components,
            amount.flatten(),
            currency,
        ))
    }

    fn row(&mut self) -> Option<Row> {
        self.eat("    (")?;
        let batch = self.u32()?;
        self.eat(", ")?;
        let line = self.u32()?;
        self.eat(", ")?;
        let fate = self.fate()?;
        self.eat(", ")?;
        let purchase = self.optional(Cursor::purchase)?;
        self.eat("),")?;
        self.rest
            .is_empty()
            .then_some(Row(batch, line, fate, purchase))
    }
}

/// A file's text with its rows section cut out: `rest` is the text with each row's line left
/// empty (so `ron` still names the right line and column of anything wrong elsewhere), `rows`
/// the lines cut out, `first_line` the 1-based line of the first row.
#[derive(Debug)]
pub struct Split<'a> {
    /// The text without the rows.
    pub rest: String,
    /// The rows' lines.
    pub rows: &'a str,
    /// 1-based line of the first row.
    pub first_line: usize,
}

/// Cut the rows section out of a file's text, when it is laid out as lpkpi writes it (a line
/// `  rows: [`, a row a line, a line `  ],`). None otherwise (`ron` then reads it all).
pub fn split(text: &str) -> Option<Split<'_>> {
    const OPEN: &str = "\n  rows: [\n";
    let open = text.find(OPEN)?;
    // the section as written, not one a hand edit commented out (or a string that holds it):
    // otherwise `ron` reads the whole file
    if !in_the_open(text.get(..open)?) {
        return None;
    }
    let start = open + OPEN.len();
    let body = text.get(start..)?;
    if body.starts_with("  ]") {
        return None;
    }
    let close = body.find("\n  ]").map(|i| i + 1)?;
    let rows = body.get(..close)?;
    let count = rows.bytes().filter(|&b| b == b'\n').count();
    let mut rest = String::with_capacity(text.len() - rows.len() + count);
    rest.push_str(text.get(..start)?);
    rest.extend(std::iter::repeat_n('\n', count));
    rest.push_str(body.get(close..)?);
    let first_line = 1 + text.get(..start)?.bytes().filter(|&b| b == b'\n').count();
    Some(Split {
        rest,
        rows,
        first_line,
    })
}

/// Whether the end of `prefix` is outside comments (`//`, nested `/* */`) and strings (plain
/// and raw), as RON reads them.
fn in_the_open(prefix: &str) -> bool {
    let b = prefix.as_bytes();
    let (mut i, mut depth) = (0, 0usize);
    while i < b.len() {
        match (depth, b[i], b.get(i + 1).copied()) {
            (0, b'/', Some(b'/')) => {
                // to the end of the line (or of the prefix: the section's line is commented)
                match b[i..].iter().position(|&c| c == b'\n') {
                    Some(n) => i += n,
                    None => return false,
                }
            }
            (_, b'/', Some(b'*')) => {
                depth += 1;
                i += 1;
            }
            (1.., b'*', Some(b'/')) => {
                depth -= 1;
                i += 1;
            }
            (0, b'"', _) => {
                i += 1;
                while i < b.len() && b[i] != b'"' {
                    i += if b[i] == b'\\' { 2 } else { 1 };
                }
                if i >= b.len() {
                    return false;
                }
            }
            (0, b'r', Some(b'#' | b'"'))
                if i == 0 || !(b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'_') =>
            {
                // r"…", r#"…"#: closed by a quote and as many hashes
                let hashes = b[i + 1..].iter().take_while(|&&c| c == b'#').count();
                if b.get(i + 1 + hashes) != Some(&b'"') {
                    i += 1;
                    continue;
                }
                let close: Vec<u8> = std::iter::once(b'"')
                    .chain(std::iter::repeat_n(b'#', hashes))
                    .collect();
                let from = i + 2 + hashes;
                match b.get(from..).and_then(|rest| {
                    rest.windows(close.len())
                        .position(|w| w == close.as_slice())
                }) {
                    Some(n) => i = from + n + close.len() - 1,
                    None => return false,
                }
            }
            _ => {}
        }
        i += 1;
    }
    depth == 0
}

/// Read rows written as [`write_rows`] writes them; None when any line is not (then `ron`
/// reads the file, and names what is wrong).
pub fn parse_rows(rows: &str) -> Option<Vec<Row>> {
    let lines = rows.strip_suffix('\n')?;
    let mut out = Vec::with_capacity(lines.bytes().filter(|&b| b == b'\n').count() + 1);
    for line in lines.split('\n') {
        out.push(Cursor { rest: line }.row()?);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests fail by panicking")]

    use super::*;

    /// A rows section a hand edit commented out, or a string holding one, is not taken for
    /// the section: `ron` reads the file.
    #[test]
    fn a_commented_out_rows_section_is_not_the_rows() {
        let section = "\n  rows: [\n    (0, 2, Kept),\n  ],\n";
        assert!(split(&format!("(\n  version: 3,{section})")).is_some());
        for before in [
            "(\n  version: 3,\n  /*",
            "(\n  version: 3, /* /* nested */",
            "(\n  version: 3,\n  // ",
            "(\n  version: 3,\n  note: \"",
            "(\n  version: 3,\n  note: r#\"",
        ] {
            assert!(split(&format!("{before}{section}")).is_none(), "{before:?}");
        }
        // closed comments and strings before it leave it the section
        for before in [
            "(\n  version: 3, /* a */ // b\n  note: \"x\\\"y\", raw: r#\"q\"#,",
            "(\n  version: 3, /* /* nested */ */",
        ] {
            assert!(split(&format!("{before}{section}")).is_some(), "{before:?}");
        }
    }

    #[test]
    fn strings_read_back_as_ron_reads_them() {
        for s in [
            "plain",
            "O'Brien \"quoted\" back\\slash",
            "tab\tnew\nline\r\0",
            "Æbleskiver € 😀 \u{301}\u{200b}\u{7f}",
            "",
        ] {
            let mut out = String::new();
            write_str(&mut out, s);
            assert_eq!(ron::from_str::<String>(&out).unwrap(), s, "{out}");
            let mut c = Cursor { rest: &out };
            assert_eq!(c.string().unwrap(), s, "{out}");
            assert!(c.rest.is_empty());
        }
    }

    #[test]
    fn only_the_written_form_is_taken() {
        for line in [
            "    (0, 2, Kept, None),",
            "    (0, 2, Rejected(\"x\"), None),",
            "    (0, 2, NotInvoiced, Some((\"2026-01-05\", \"1\", None, 0, -3, Some(2), Some(\"1.50\"), \"USD\"))),",
        ] {
            assert!(Cursor { rest: line }.row().is_some(), "{line}");
        }
        for line in [
            "    (0,2, Kept, None),",
            "    (0, 2, Kept, None), // note",
            "    (0, 2, Kept, None)",
            "    (0, 99999999999, Kept, None),",
            "    (0, 2, Kept, Some((\"2026-02-30\", \"1\", None, 0, 1, None, None, \"USD\"))),",
            "    (0, 2, Rejected(\"\\q\"), None),",
            "    (0, 2, Kept, Some((\"2026-01-05\", \"1\", None, 0, 1, None, Some(\"1.2.3\"), \"USD\"))),",
        ] {
            assert!(Cursor { rest: line }.row().is_none(), "{line}");
        }
    }
}
