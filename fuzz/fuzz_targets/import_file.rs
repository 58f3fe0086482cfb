//! Any bytes written to a file and read from it a block at a time (`ImportSet::add_file`, as
//! `lpkpi report` reads a large export; blocks and threads picked by the input), after
//! an earlier file: the same rows, files and errors as reading the bytes whole
//! (`ImportSet::add_with`, one thread), or sent back untouched. Run:
//! `cargo fuzz run -s none import_file`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use lpkpi::import::sniff::Remembered;
use lpkpi::import::{AddOptions, ImportRules, ImportSet};
use lpkpi::rules::Profile;

const EARLIER: &[u8] = b"Order Number,Line,Invoice Date,Part Number,Product Name,Product Type,Quantity,Unit Price,Total,Currency,Status\n7,1,01/02/2026,AZ-104T00,\"Azure Administrator, Digital\",MOC,2,$5.00,$10.00,USD,Invoiced\n";

fuzz_target!(|data: &[u8]| {
    let Some((&[block, threads], bytes)) = data.split_first_chunk::<2>() else {
        return;
    };
    let block = usize::from(block) + 1;
    let threads = usize::from(threads % 3) + 1;
    let Ok(profile) = Profile::builtin() else {
        return;
    };
    let rules = ImportRules::new(&profile);
    let remembered = Remembered::new();
    let snapshot = |set: &ImportSet| {
        let rows: Vec<String> = set
            .rows
            .iter()
            .map(|r| {
                let purchase = r.purchase.as_ref().map(|p| format!("{:?}", set.parsed(p)));
                format!("{} {} {:?} {purchase:?}", r.file, r.line, r.fate)
            })
            .collect();
        (rows, format!("{:?}", set.files), format!("{:?}", set.products.len()))
    };

    let mut whole = ImportSet::new();
    let _ = whole.add("earlier.csv", EARLIER, &rules);
    let expected = whole
        .add("export.csv", bytes, &rules)
        .map_err(|e| e.to_string());

    let Ok(dir) = tempfile::tempdir() else {
        return;
    };
    let path = dir.path().join("export.csv");
    if std::fs::write(&path, bytes).is_err() {
        return;
    }
    let Ok(file) = std::fs::File::open(&path) else {
        return;
    };
    let mut streamed = ImportSet::new();
    let _ = streamed.add("earlier.csv", EARLIER, &rules);
    let before = snapshot(&streamed);
    let mut options = AddOptions::new(&remembered);
    options.block = Some(block);
    options.threads = Some(threads);
    match streamed.add_file("export.csv", &file, bytes.len() as u64, &rules, &mut options) {
        Ok(None) => assert_eq!(snapshot(&streamed), before, "sent back, yet changed"),
        got => {
            assert_eq!(got.map(|_| ()).map_err(|e| e.to_string()), expected.map(|_| ()));
            assert_eq!(snapshot(&streamed), snapshot(&whole));
        }
    }
});
