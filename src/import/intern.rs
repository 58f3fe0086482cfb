//! String interning for the row path: order ids, part numbers and product names repeat across
//! thousands of rows, so each distinct text is stored once and rows hold a 4-byte [`Sym`].

use rustc_hash::FxHashMap as HashMap;

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

/// The string table.
#[derive(Debug, Clone, Default)]
pub struct Interner {
    map: HashMap<Box<str>, Sym>,
    strings: Vec<Box<str>>,
}

impl Interner {
    /// The handle of `s`, storing it on first sight (no allocation when already known).
    pub fn intern(&mut self, s: &str) -> Sym {
        if let Some(&sym) = self.map.get(s) {
            return sym;
        }
        let sym = Sym(self.strings.len() as u32);
        self.strings.push(s.into());
        self.map.insert(s.into(), sym);
        sym
    }

    /// Make room for `additional` more texts.
    pub fn reserve(&mut self, additional: usize) {
        self.map.reserve(additional);
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
