//! String interning for the row path: order ids, part numbers and product names repeat across
//! thousands of rows, so each distinct text is stored once and rows hold a 4-byte [`Sym`].

use std::hash::BuildHasher;

use hashbrown::HashTable;
use rustc_hash::FxBuildHasher;

use serde::{Deserialize, Serialize};

/// A handle to an interned string.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Sym(u32);

impl Sym {
    /// The handle's position in its table.
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// The string table: each text stored once, found through a table of handles hashed by text.
#[derive(Debug, Clone, Default)]
pub struct Interner {
    table: HashTable<Sym>,
    strings: Vec<Box<str>>,
}

fn hash(s: &str) -> u64 {
    FxBuildHasher.hash_one(s)
}

impl Interner {
    /// The handle of `s`, storing it on first sight (no allocation when already known).
    pub fn intern(&mut self, s: &str) -> Sym {
        let h = hash(s);
        match self.find(h, s) {
            Some(sym) => sym,
            None => self.insert(h, s.into()),
        }
    }

    /// [`Interner::intern`] of a text already boxed: moved in, not copied, when new.
    pub fn intern_boxed(&mut self, s: Box<str>) -> Sym {
        let h = hash(&s);
        match self.find(h, &s) {
            Some(sym) => sym,
            None => self.insert(h, s),
        }
    }

    fn find(&self, h: u64, s: &str) -> Option<Sym> {
        let strings = &self.strings;
        self.table
            .find(h, |sym| strings.get(sym.index()).is_some_and(|t| **t == *s))
            .copied()
    }

    fn insert(&mut self, h: u64, s: Box<str>) -> Sym {
        let sym = Sym(self.strings.len() as u32);
        self.strings.push(s);
        let strings = &self.strings;
        self.table.insert_unique(h, sym, |sym| {
            strings.get(sym.index()).map_or(0, |t| hash(t))
        });
        sym
    }

    /// Every text, moved out, in the order of their handles.
    pub fn into_texts(self) -> Vec<Box<str>> {
        self.strings
    }

    /// Make room for `additional` more texts.
    pub fn reserve(&mut self, additional: usize) {
        let strings = &self.strings;
        self.table.reserve(additional, |sym| {
            strings.get(sym.index()).map_or(0, |t| hash(t))
        });
        self.strings.reserve(additional);
    }

    /// How many texts are stored.
    pub fn len(&self) -> usize {
        self.strings.len()
    }

    /// Every text, in the order of their handles.
    pub fn texts(&self) -> impl ExactSizeIterator<Item = &str> {
        self.strings.iter().map(|s| &**s)
    }

    /// Whether nothing is stored.
    pub fn is_empty(&self) -> bool {
        self.strings.is_empty()
    }

    /// The text of a handle.
    pub fn get(&self, sym: Sym) -> &str {
        self.strings.get(sym.0 as usize).map_or("", |s| s)
    }
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
    }
}
