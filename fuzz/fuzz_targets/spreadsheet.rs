//! Any bytes as a spreadsheet (XLSX, ODS, XLS): the limits check and the importer must never
//! panic, abort or hang, and every row read must have exactly one fate. A panic inside
//! calamine is caught and the file reported unreadable, as in the binary (the hostile test
//! `xls_defined_name_record_too_short` holds that), so it is not counted here. Seed it with real
//! workbooks: `mkdir -p corpus/spreadsheet && cp ../tests/data/orders.xlsx
//! ../tests/data/orders.ods ../tests/data/orders.xls corpus/spreadsheet/`, then
//! `cargo fuzz run -s none spreadsheet corpus/spreadsheet` (stable toolchain).
#![no_main]

use libfuzzer_sys::fuzz_target;
use lpkpi::import::{ImportRules, ImportSet, peek_rows, spreadsheet_limits as limits};
use lpkpi::rules::Profile;

fuzz_target!(|data: &[u8]| {
    // as the binary does: a reader's panic, caught, is an unreadable file, not a crash
    lpkpi::import::xlsx::quiet_reader_panics();
    let _ = limits::check(data);
    let Ok(profile) = Profile::builtin() else {
        return;
    };
    let rules = ImportRules::new(&profile);
    let mut set = ImportSet::new();
    // the importer reads a workbook whatever its name: by its first bytes
    let _ = set.add("fuzz.xlsx", data, &rules);
    for f in &set.files {
        assert!(f.counts.balanced());
    }
    let _ = peek_rows(data, 20, None);
});
