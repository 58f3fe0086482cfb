//! Duplicates across overlapping exports (import.md, "Duplicates"): a multiset union by row
//! identity, the first imported row standing, differing duplicates listed.

use rustc_hash::FxHashMap as HashMap;

use chrono::NaiveDate;
use rust_decimal::Decimal;

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
        /// Amount as written (cents, file currency, before any return sign).
        amount: Option<Decimal>,
    },
}

/// What the set remembers of one identity.
#[derive(Debug, Clone)]
struct Seen {
    /// The highest count in any one file imported so far.
    max_per_file: u32,
    /// The rows kept with this identity, in import order.
    kept: Vec<u32>,
}

/// The running multiset union.
#[derive(Debug, Clone, Default)]
pub struct Dedupe {
    seen: HashMap<Identity, Seen>,
}

impl Dedupe {
    /// Decide the duplicates among one file's kept rows: `rows` yields (row index, identity)
    /// in file order; returns (duplicate row, the rows kept before with that identity). Rows
    /// identical within one file are all kept; a row present n times in one file and m times
    /// in another counts max(n, m) times.
    pub fn file(&mut self, rows: impl Iterator<Item = (u32, Identity)>) -> Vec<(u32, Vec<u32>)> {
        let mut in_file: HashMap<Identity, u32> = HashMap::default();
        let mut out = Vec::new();
        let mut kept_here: Vec<(Identity, u32)> = Vec::new();
        for (index, id) in rows {
            let count = in_file.entry(id).or_insert(0);
            *count += 1;
            match self.seen.get(&id) {
                Some(seen) if seen.max_per_file >= *count => out.push((index, seen.kept.clone())),
                _ => kept_here.push((id, index)),
            }
        }
        for (id, index) in kept_here {
            self.seen
                .entry(id)
                .or_insert_with(|| Seen {
                    max_per_file: 0,
                    kept: Vec::new(),
                })
                .kept
                .push(index);
        }
        for (id, count) in in_file {
            if let Some(seen) = self.seen.get_mut(&id) {
                seen.max_per_file = seen.max_per_file.max(count);
            }
        }
        out
    }
}
