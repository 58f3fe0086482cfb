//! Duplicates across overlapping exports (import.md, "Duplicates"): a multiset union by row
//! identity, the first imported row standing, differing duplicates listed.
//!
//! Built for a million rows: an identity is hashed where it stands (no key is built or
//! stored), the table holds a 4-byte group number per identity, and a group is 32 bytes
//! with the first kept row inline; only identities kept more than once (identical rows within
//! one file) allocate a list.

use std::hash::{BuildHasher, Hash};

use chrono::NaiveDate;
use hashbrown::HashTable;
use rust_decimal::Decimal;
use rustc_hash::{FxBuildHasher, FxHashMap as HashMap};

use super::intern::Sym;

/// The identity of a purchase row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Identity {
    /// Files with order and line ids: (order_id, line_id).
    Line {
        /// Order id.
        order: Sym,
        /// Line id.
        line: Sym,
    },
    /// Other files: (order_id, part number or product name, date, quantity, amount).
    Fields {
        /// Order id ("" when none).
        order: Sym,
        /// Part number when the file has that column, else product name.
        product: Sym,
        /// Purchase date.
        date: NaiveDate,
        /// Quantity as written.
        quantity: i64,
        /// Amount as written (cents, file currency, before any return sign), normalized.
        amount: Option<Decimal>,
    },
}

const NONE: u32 = u32::MAX;

/// What the set remembers of one identity.
#[derive(Debug, Clone)]
struct Group {
    /// The identity's hash (kept so the table can grow without recomputing identities).
    hash: u64,
    /// The row whose identity this is (any row with it: used to compare identities).
    rep: u32,
    /// The first row kept with this identity, [`NONE`] while only the current file has it.
    first: u32,
    /// The highest count in any one file imported before the current one.
    max_per_file: u32,
    /// The count in the current file (valid when `stamp` is the current file's).
    here: u32,
    /// The file call that last counted this identity.
    stamp: u32,
}

/// The running multiset union.
#[derive(Debug, Clone, Default)]
pub struct Dedupe {
    table: HashTable<u32>,
    groups: Vec<Group>,
    /// Rows kept after the first, for identities kept more than once.
    more: HashMap<u32, Vec<u32>>,
    files: u32,
}

impl Dedupe {
    /// Whether no identity was recorded yet.
    pub fn is_empty(&self) -> bool {
        self.groups.is_empty()
    }

    /// Make room for `additional` more identities (a file's rows, before [`Dedupe::file`]).
    pub fn reserve(&mut self, additional: usize) {
        let groups = &self.groups;
        self.table.reserve(additional, |&g| {
            groups.get(g as usize).map_or(0, |grp| grp.hash)
        });
        self.groups.reserve(additional);
    }

    /// Decide the duplicates among one file's kept rows: `rows` yields (row index, identity)
    /// in file order; `identity_of` gives the identity of any row passed before (in this or an
    /// earlier call). Returns (duplicate row, the rows kept before with that identity). Rows
    /// identical within one file are all kept; a row present n times in one file and m times
    /// in another counts max(n, m) times.
    pub fn file(
        &mut self,
        rows: impl Iterator<Item = (u32, Identity)>,
        identity_of: impl Fn(u32) -> Option<Identity>,
    ) -> Vec<(u32, Vec<u32>)> {
        self.files += 1;
        let stamp = self.files;
        let hasher = FxBuildHasher;
        let mut out = Vec::new();
        let mut kept_here: Vec<(u32, u32)> = Vec::new();
        let mut touched: Vec<u32> = Vec::new();
        for (index, id) in rows {
            let hash = hasher.hash_one(id);
            let groups = &self.groups;
            let found = self.table.find(hash, |&g| {
                groups.get(g as usize).is_some_and(|grp| {
                    grp.hash == hash && identity_of(grp.rep).is_some_and(|other| other == id)
                })
            });
            let g = match found {
                Some(&g) => g,
                None => {
                    let g = self.groups.len() as u32;
                    self.groups.push(Group {
                        hash,
                        rep: index,
                        first: NONE,
                        max_per_file: 0,
                        here: 0,
                        stamp: 0,
                    });
                    let groups = &self.groups;
                    self.table.insert_unique(hash, g, |&x| {
                        groups.get(x as usize).map_or(0, |grp| grp.hash)
                    });
                    g
                }
            };
            let Some(group) = self.groups.get_mut(g as usize) else {
                continue;
            };
            if group.stamp != stamp {
                group.stamp = stamp;
                group.here = 0;
                touched.push(g);
            }
            group.here += 1;
            if group.max_per_file >= group.here && group.first != NONE {
                let mut earlier = vec![group.first];
                if let Some(more) = self.more.get(&g) {
                    earlier.extend_from_slice(more);
                }
                out.push((index, earlier));
            } else {
                kept_here.push((g, index));
            }
        }
        for (g, index) in kept_here {
            if let Some(group) = self.groups.get_mut(g as usize) {
                if group.first == NONE {
                    group.first = index;
                } else {
                    self.more.entry(g).or_default().push(index);
                }
            }
        }
        for g in touched {
            if let Some(group) = self.groups.get_mut(g as usize) {
                group.max_per_file = group.max_per_file.max(group.here);
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::intern::Interner;

    #[test]
    fn max_per_file_and_first_standing() {
        let mut strings = Interner::default();
        let a = Identity::Line {
            order: strings.intern("1"),
            line: strings.intern("1"),
        };
        let b = Identity::Line {
            order: strings.intern("1"),
            line: strings.intern("2"),
        };
        // row index -> identity, as the set would recompute it
        let ids = [a, a, b, a, a, a, b, b];
        let of = |i: u32| ids.get(i as usize).copied();
        let mut d = Dedupe::default();
        // file 1: a twice, b once: all kept
        assert!(d.file([(0, a), (1, a), (2, b)].into_iter(), of).is_empty());
        // file 2: a three times: two repeat file 1's, the third is new; b twice: one repeats
        let dup = d.file([(3, a), (4, a), (5, a), (6, b), (7, b)].into_iter(), of);
        assert_eq!(dup, vec![(3, vec![0, 1]), (4, vec![0, 1]), (6, vec![2])]);
    }
}
