//! String interning for the row path: order ids, part numbers and product names repeat across
//! thousands of rows, so each distinct text is stored once and rows hold a 4-byte [`Sym`].

use std::hash::BuildHasher;

use hashbrown::HashTable;
use rustc_hash::FxBuildHasher;

use std::num::NonZeroU32;

use serde::{Deserialize, Serialize};

/// A handle to an interned string: its position in the table plus one, so that an
/// `Option<Sym>` (a row's line id) takes four bytes, not eight.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Sym(NonZeroU32);

impl Sym {
    /// The handle's position in its table.
    pub fn index(self) -> usize {
        (self.0.get() - 1) as usize
    }

    /// The handle at position `index` (a table never holds four billion texts: the last
    /// handle stands for any beyond).
    fn at(index: usize) -> Sym {
        let n = u32::try_from(index).map_or(u32::MAX, |i| i.saturating_add(1));
        Sym(NonZeroU32::new(n).unwrap_or(NonZeroU32::MAX))
    }
}

/// The string table: the texts end to end in one buffer, each once, found through a table
/// of handles hashed by text (a million short order ids cost their bytes and about 17 bytes
/// each, not an allocation each).
#[derive(Debug, Clone, Default)]
pub struct Interner {
    /// Each handle with its text's hash, so that growing the table needs no text again.
    table: HashTable<(Sym, u32)>,
    text: String,
    /// Where each handle's text ends in `text` (it starts where the one before ends).
    ends: Vec<usize>,
}

/// A text's hash, 32 bits of it (kept beside its handle).
fn hash(s: &str) -> u32 {
    let h = FxBuildHasher.hash_one(s);
    (h ^ (h >> 32)) as u32
}

/// The table's 64-bit hash of a kept 32-bit one (spread over every bit: the table picks
/// buckets by the low bits and tags by the high ones).
fn spread(h: u32) -> u64 {
    u64::from(h).wrapping_mul(0x9E37_79B9_7F4A_7C15)
}

impl Interner {
    /// The handle of `s`, storing it on first sight.
    pub fn intern(&mut self, s: &str) -> Sym {
        let h = hash(s);
        let found = self
            .table
            .find(spread(h), |&(sym, kept)| {
                kept == h && self.text_of(sym) == s
            })
            .copied();
        if let Some((sym, _)) = found {
            return sym;
        }
        let sym = Sym::at(self.ends.len());
        self.text.push_str(s);
        self.ends.push(self.text.len());
        self.table
            .insert_unique(spread(h), (sym, h), |&(_, kept)| spread(kept));
        sym
    }

    /// [`Interner::intern`] through `last`, the handle interned last at the same place: a
    /// text repeated row after row (the order id of an order's lines) is not hashed again.
    #[inline]
    pub fn intern_again(&mut self, s: &str, last: &mut Option<Sym>) -> Sym {
        if let Some(sym) = *last
            && sym.index() < self.ends.len()
            && self.text_of(sym) == s
        {
            return sym;
        }
        let sym = self.intern(s);
        *last = Some(sym);
        sym
    }

    fn text_of(&self, sym: Sym) -> &str {
        span_text(&self.text, &self.ends, sym)
    }

    /// Make room for `additional` more texts of `bytes` bytes in all.
    pub fn reserve(&mut self, additional: usize, bytes: usize) {
        self.table.reserve(additional, |&(_, kept)| spread(kept));
        self.ends.reserve(additional);
        self.text.reserve(bytes);
    }

    /// How many texts are stored.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// The bytes of all texts stored.
    pub fn bytes(&self) -> usize {
        self.text.len()
    }

    /// Every text, in the order of their handles.
    pub fn texts(&self) -> impl ExactSizeIterator<Item = &str> {
        (0..self.ends.len()).map(|i| self.text_of(Sym::at(i)))
    }

    /// Whether nothing is stored.
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// The text of a handle.
    pub fn get(&self, sym: Sym) -> &str {
        self.text_of(sym)
    }
}

fn span_text<'a>(text: &'a str, ends: &[usize], sym: Sym) -> &'a str {
    let i = sym.index();
    let start = match i.checked_sub(1) {
        Some(before) => ends.get(before).copied().unwrap_or(0),
        None => 0,
    };
    ends.get(i)
        .and_then(|&end| text.get(start..end))
        .unwrap_or("")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interning_is_stable() {
        let mut i = Interner::default();
        let a = i.intern("AZ-104T00");
        let b = i.intern("20533C");
        assert_eq!(i.intern("AZ-104T00"), a);
        assert_ne!(a, b);
        assert_eq!(i.get(b), "20533C");
        let mut last = None;
        assert_eq!(i.intern_again("20533C", &mut last), b);
        assert_eq!(i.intern_again("20533C", &mut last), b);
        assert_eq!(i.intern_again("AZ-104T00", &mut last), a);
        assert_eq!(last, Some(a));
        // a handle (from another table) is only taken when its text there is the same
        let mut other = Interner::default();
        other.intern("X");
        let x = other.intern_again("AZ-104T00", &mut last);
        assert_eq!(other.get(x), "AZ-104T00");
        assert_eq!(other.len(), 2);
        let mut beyond = Some(Sym::at(5));
        let empty = other.intern_again("", &mut beyond);
        assert_eq!((other.get(empty), other.len()), ("", 3));
    }
}
