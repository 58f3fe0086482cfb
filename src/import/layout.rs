//! The step text files and spreadsheets share once their header row is found: header cells to
//! a column map (a remembered mapping, else the profile's names, required fields checked), the
//! file's conventions from a first pass over its rows, then each data row to one outcome, with
//! stray decimal marks noted, and the file's warnings gathered in one order.

use super::rows::{
    Cells, ConventionScan, Conventions, MoneyMemo, RowOutcome, StrayMarks, parse_row,
};
use super::sniff::ColumnMap;
use super::{ImportCounts, ImportError, ImportRules, ImportSet};

/// A file's columns: the map, and the columns it ignores (a second column for one field).
pub(super) struct Layout {
    /// Which column holds which field.
    pub columns: ColumnMap,
    /// Warnings for the columns ignored.
    pub ignored: Vec<String>,
}

impl Layout {
    /// Map the header `cells` of `file`: with `remembered` (chosen by hand earlier) when there is
    /// one, else by the profile's header names; a required field missing is an error naming the
    /// columns found.
    pub fn new(
        file: &str,
        cells: Vec<String>,
        remembered: Option<ColumnMap>,
        rules: &ImportRules,
    ) -> Result<Layout, ImportError> {
        let layout = match remembered {
            Some(columns) => Layout {
                columns,
                ignored: Vec::new(),
            },
            None => Layout {
                columns: ColumnMap::from_header(&rules.headers, &cells),
                ignored: ColumnMap::ignored_columns(&rules.headers, &cells),
            },
        };
        match layout.columns.missing_required() {
            Some(field) => Err(ImportError::MissingField {
                file: file.to_string(),
                field,
                columns: cells,
            }),
            None => Ok(layout),
        }
    }

    /// The file's conventions (decimal mark by vote, day/month order) from its data rows, given
    /// to `observe` one by one; `semicolon` when the file is `;`-separated.
    pub fn conventions(
        &self,
        semicolon: bool,
        rows: impl FnOnce(&mut dyn FnMut(&dyn Cells)),
    ) -> (Conventions, Option<String>) {
        let mut scan = ConventionScan::default();
        rows(&mut |cells| scan.observe(cells, &self.columns));
        scan.decide(semicolon)
    }

    /// A sink for the data rows of file number `file`, read with `conventions`.
    pub fn rows<'a>(
        &'a self,
        file: u32,
        conventions: Conventions,
        rules: &'a ImportRules,
    ) -> RowSink<'a> {
        RowSink {
            layout: self,
            file,
            conventions,
            rules,
            counts: ImportCounts::default(),
            strays: StrayMarks::default(),
            memo: MoneyMemo::default(),
        }
    }
}

/// Data rows on their way into an [`ImportSet`], counted per fate.
pub(super) struct RowSink<'a> {
    layout: &'a Layout,
    file: u32,
    conventions: Conventions,
    rules: &'a ImportRules,
    counts: ImportCounts,
    strays: StrayMarks,
    /// The money texts met so far, read once each.
    memo: MoneyMemo,
}

impl RowSink<'_> {
    /// One data row, starting at `line` of the file.
    pub fn push<C: Cells + ?Sized>(&mut self, set: &mut ImportSet, line: u32, cells: &C) {
        let columns = &self.layout.columns;
        let outcome = match cells.broken_quotes(columns.last_column()) {
            Some(reason) => RowOutcome::Rejected(reason),
            None => parse_row(
                cells,
                columns,
                &self.conventions,
                &self.rules.rows,
                &mut self.memo,
            ),
        };
        self.strays
            .note(cells, columns, &self.conventions, &outcome);
        set.push(self.file, line, outcome, &mut self.counts);
    }

    /// Note one data row's evidence for the file's conventions in `scan`, its money texts
    /// read once for the vote and the row.
    pub fn observe<C: Cells + ?Sized>(&mut self, scan: &mut ConventionScan, cells: &C) {
        let mark = self.conventions.decimal_mark;
        scan.observe_with(cells, &self.layout.columns, Some((&mut self.memo, mark)));
    }

    /// The rows rejected so far.
    pub fn rejected(&self) -> u32 {
        self.counts.rejected
    }

    /// Add the rows of a later chunk of the same file, read by another sink.
    pub fn merge(&mut self, later: RowSink<'_>) {
        self.counts.merge(&later.counts);
        self.strays.merge(later.strays);
    }

    /// The rows per fate, and the file's warnings: `first` (about the file itself), the columns
    /// ignored, the conventions' `warning`, and the rows rejected for a stray decimal mark.
    pub fn finish(
        self,
        first: Option<String>,
        warning: Option<String>,
    ) -> (ImportCounts, Vec<String>) {
        let warnings = first
            .into_iter()
            .chain(self.layout.ignored.iter().cloned())
            .chain(warning)
            .chain(self.strays.warning(self.conventions.decimal_mark))
            .collect();
        (self.counts, warnings)
    }
}
