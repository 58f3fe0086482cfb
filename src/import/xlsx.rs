//! Spreadsheet exports (XLSX, XLS, ODS) through calamine: the first sheet with a header row,
//! date cells as dates, numeric cells as numbers (ids without ".0", amounts rounded to cents).

use std::io::Cursor;
use std::panic::AssertUnwindSafe;
use std::sync::Once;

use calamine::{Data, Reader, open_workbook_auto_from_rs};
use chrono::NaiveDate;

use super::layout::Layout;
use super::rows::{Cell, Cells};
use super::sniff::{ColumnMap, ColumnMapRepr, HEADER_SEARCH_ROWS, header_signature};
use super::spreadsheet_limits::{self as limits, Refusal, SheetView};
use super::{
    AddOptions, FileShape, ImportError, ImportRules, ImportSet, ImportedFile, SpreadsheetError,
};

/// A sheet row seen as cells, with where it lies on the sheet's grid and the sheet's cells
/// that show their number in a currency.
struct SheetRow<'a> {
    cells: &'a [Data],
    /// The grid's row and column of `cells[0]`.
    at: (u64, u64),
    money: Option<SheetView<'a>>,
}

impl<'a> SheetRow<'a> {
    /// A row that keeps no currencies (the header, the tests).
    fn plain(cells: &'a [Data]) -> SheetRow<'a> {
        SheetRow {
            cells,
            at: (0, 0),
            money: None,
        }
    }

    /// A number of cell `i`, in the currency its format shows if it shows one.
    fn number(&self, i: usize, f: f64) -> Cell<'a> {
        let (row, col) = self.at;
        match self.money.and_then(|m| m.at(row, col + i as u64)) {
            Some(currency) => Cell::Money(f, currency),
            None => Cell::Number(f),
        }
    }
}

fn iso_date(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s.get(..10)?, "%Y-%m-%d").ok()
}

impl Cells for SheetRow<'_> {
    fn len(&self) -> usize {
        self.cells.len()
    }
    fn cell(&self, i: usize) -> Cell<'_> {
        match self.cells.get(i) {
            None | Some(Data::Empty) => Cell::Empty,
            Some(Data::String(s)) => Cell::text(s),
            Some(Data::Int(v)) => self.number(i, *v as f64),
            Some(Data::Float(v)) => self.number(i, *v),
            Some(Data::Bool(b)) => Cell::Text(if *b { "TRUE" } else { "FALSE" }),
            // a date cell's serial must be a day Excel shows (1 is 1900-01-01): NaN or a
            // negative serial in a date-formatted cell is a number, and a row whose date is a
            // number is rejected, not dated 1899
            Some(Data::DateTime(dt)) => match dt.as_datetime() {
                Some(d) if dt.is_datetime() && dt.as_f64() >= 1.0 => Cell::Date(d.date()),
                _ => Cell::Number(dt.as_f64()),
            },
            Some(Data::DateTimeIso(s)) => iso_date(s).map_or(Cell::text(s), Cell::Date),
            Some(Data::DurationIso(s)) => Cell::text(s),
            Some(Data::Error(_)) => Cell::Text("#ERROR"),
        }
    }
}

/// Read a spreadsheet export into `set` (rows appended); the caller dedupes and registers it.
/// A file over one of the [`limits`] is refused before it is opened; a panic of the
/// spreadsheet reader on a malformed file that passed them is an error too, not a crash.
pub fn read(
    set: &mut ImportSet,
    name: &str,
    bytes: &[u8],
    rules: &ImportRules,
    options: &mut AddOptions<'_>,
) -> Result<ImportedFile, ImportError> {
    let currencies = limits::check(bytes).map_err(|refusal| match refusal {
        Refusal::Limit(what) => ImportError::TooLarge {
            file: name.to_string(),
            what,
        },
        other => ImportError::Spreadsheet {
            file: name.to_string(),
            source: other.into(),
        },
    })?;
    // calamine's own panics are caught where it is called (`guarded`); this catches the rest,
    // whose message stays on stderr: a bug of lpkpi's, for the tests and fuzzers to see
    std::panic::catch_unwind(AssertUnwindSafe(|| {
        read_book(set, name, bytes, &currencies, rules, options)
    }))
    .unwrap_or_else(|_| Err(reader_failed(name)))
}

/// A file the spreadsheet reader failed on.
fn reader_failed(name: &str) -> ImportError {
    ImportError::Spreadsheet {
        file: name.to_string(),
        source: SpreadsheetError::ReaderFailed,
    }
}

thread_local! {
    /// Whether this thread is inside the spreadsheet reader ([`guarded`]).
    static IN_READER: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Run a call into the spreadsheet reader (calamine): None when it panics on a malformed file.
/// That is a bug of the reader, caught here, and the import says the file could not be read;
/// its message is kept off stderr once [`quiet_reader_panics`] is installed.
pub(super) fn guarded<T>(read: impl FnOnce() -> T) -> Option<T> {
    let was = IN_READER.with(|inside| inside.replace(true));
    let out = std::panic::catch_unwind(AssertUnwindSafe(read)).ok();
    IN_READER.with(|inside| inside.set(was));
    out
}

/// Keep the message of a panic caught in the spreadsheet reader off stderr: the import already
/// reports the file as unreadable in one line. Every other panic goes to the hook there was.
/// The binary calls this at its start; calling it again changes nothing.
pub fn quiet_reader_panics() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !IN_READER.with(std::cell::Cell::get) {
                previous(info);
            }
        }));
    });
}

fn read_book(
    set: &mut ImportSet,
    name: &str,
    bytes: &[u8],
    currencies: &limits::CellCurrencies,
    rules: &ImportRules,
    options: &mut AddOptions<'_>,
) -> Result<ImportedFile, ImportError> {
    let spreadsheet_error = |e: calamine::Error| ImportError::Spreadsheet {
        file: name.to_string(),
        source: e.into(),
    };
    let mut book = guarded(|| open_workbook_auto_from_rs(Cursor::new(bytes)))
        .ok_or_else(|| reader_failed(name))?
        .map_err(spreadsheet_error)?;
    let mut first_columns: Option<Vec<String>> = None;
    // the worksheets, in order: a chart, dialog or macro sheet holds no rows
    let sheets: Vec<String> = book
        .sheets_metadata()
        .iter()
        .filter(|s| s.typ == calamine::SheetType::WorkSheet)
        .map(|s| s.name.clone())
        .collect();
    for sheet in sheets {
        // a worksheet that cannot be read refuses the file: its rows may be the export's, and
        // reading another sheet instead would lose them without a word
        let range = match guarded(|| book.worksheet_range(&sheet)) {
            None => return Err(reader_failed(name)),
            Some(Err(e)) => {
                return Err(ImportError::Spreadsheet {
                    file: name.to_string(),
                    source: SpreadsheetError::Sheet {
                        sheet,
                        source: Box::new(e),
                    },
                });
            }
            Some(Ok(range)) => range,
        };
        let (first_row, first_col) = range.start().unwrap_or((0, 0));
        let rows: Vec<&[Data]> = range.rows().collect();
        let money = currencies.sheet(&sheet);
        let at = |i: usize| (u64::from(first_row) + i as u64, u64::from(first_col));
        let mut remembered = None;
        let header_at = rows
            .iter()
            .filter(|r| r.iter().any(|c| !matches!(c, Data::Empty)))
            .take(HEADER_SEARCH_ROWS)
            .find_map(|r| {
                let row = SheetRow::plain(r);
                let texts: Vec<String> = (0..row.len())
                    .map(|i| row.cell(i).as_text().into_owned())
                    .collect();
                if first_columns.is_none() {
                    first_columns = Some(texts.clone());
                }
                if let Some(map) = options.remembered.get(&header_signature(&texts)) {
                    remembered = Some(ColumnMap::from(ColumnMapRepr {
                        header: texts,
                        fields: map.fields.clone(),
                    }));
                    return Some(*r);
                }
                (rules.headers.recognized(texts.iter().map(String::as_str)) >= 3).then_some(*r)
            })
            .and_then(|found| rows.iter().position(|r| std::ptr::eq(*r, found)));
        let Some(h) = header_at else { continue };
        let header_row = SheetRow::plain(rows[h]);
        let cells: Vec<String> = (0..header_row.len())
            .map(|i| header_row.cell(i).as_text().into_owned())
            .collect();
        let layout = Layout::new(name, cells, remembered, rules)?;
        let (conventions, warning) = layout.conventions(false, |observe| {
            for (i, r) in rows.iter().enumerate().skip(h + 1) {
                observe(&SheetRow {
                    cells: r,
                    at: at(i),
                    money,
                });
            }
        });
        let mut sink = layout.rows(set.files.len() as u32, conventions, rules);
        let total = rows.len().max(1) as f32;
        let mut first_rejected = None;
        for (i, r) in rows.iter().enumerate().skip(h + 1) {
            if i.is_multiple_of(4096) && !options.report(i as f32 / total) {
                return Err(ImportError::Cancelled {
                    file: name.to_string(),
                });
            }
            let before = sink.rejected();
            let row = SheetRow {
                cells: r,
                at: at(i),
                money,
            };
            sink.push(set, first_row + i as u32 + 1, &row);
            if before == 0 && sink.rejected() == 1 {
                first_rejected = set.rows.last().and_then(|row| match &row.fate {
                    crate::import::Fate::Rejected { reason } => Some(reason.to_string()),
                    _ => None,
                });
            }
            if sink.rejected() > crate::money::limits::MAX_REJECTED_ROWS {
                return Err(ImportError::TooManyRejected {
                    file: name.to_string(),
                    first: first_rejected,
                });
            }
        }
        let (counts, warnings) = sink.finish(None, warning);
        return Ok(ImportedFile {
            name: name.to_string(),
            sha256: String::new(),
            imported_at: None,
            shape: FileShape::Spreadsheet { sheet },
            header_line: first_row + h as u32 + 1,
            columns: layout.columns,
            conventions,
            counts,
            warnings,
        });
    }
    Err(ImportError::NoHeader {
        file: name.to_string(),
        columns: first_columns.unwrap_or_default(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use calamine::{ExcelDateTime, ExcelDateTimeType};

    fn date_cell(serial: f64) -> Data {
        Data::DateTime(ExcelDateTime::new(
            serial,
            ExcelDateTimeType::DateTime,
            false,
        ))
    }

    /// A date cell holds a day only when its serial is one Excel shows; NaN or a negative
    /// serial is a number (so its row is rejected), not a day of 1899.
    #[test]
    fn a_date_cell_before_1900_is_a_number() {
        let cells = [date_cell(46_027.0), date_cell(-5.0), date_cell(f64::NAN)];
        let row = SheetRow::plain(&cells);
        assert_eq!(
            row.cell(0),
            Cell::Date(chrono::NaiveDate::from_ymd_opt(2026, 1, 5).unwrap())
        );
        assert_eq!(row.cell(1), Cell::Number(-5.0));
        assert!(matches!(row.cell(2), Cell::Number(v) if v.is_nan()));
    }
}
