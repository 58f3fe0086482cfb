//! Any text split into records two ways: lpkpi's splitter (`import::split`, 64 bytes at a
//! time) and the `csv` reader it replaces must give the same fields, the same "a field holds
//! a quote" and lines that agree with `LineCounter`. Run: `cargo fuzz run -s none split`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use lpkpi::import::rows::Cells;
use lpkpi::import::sniff::{LineCounter, csv_reader, line_ends};
use lpkpi::import::split::{Record, Splitter};

fuzz_target!(|data: &[u8]| {
    // the first byte picks the delimiter, the rest is the text
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    let delimiter = [b',', b';', b'\t', b'|'][usize::from(pick % 4)];

    let mut expected = Vec::new();
    let mut reader = csv_reader(text.as_bytes(), delimiter);
    let mut record = csv::ByteRecord::new();
    while reader.read_byte_record(&mut record).unwrap_or(false) {
        let fields: Vec<Vec<u8>> = record.iter().map(<[u8]>::to_vec).collect();
        expected.push((fields, record.as_slice().contains(&b'"')));
    }

    let mut got = Vec::new();
    let mut splitter = Splitter::new(text, delimiter);
    let mut rec = Record::new(text);
    let mut lines = LineCounter::new(text.as_bytes());
    while splitter.next_into(&mut rec) {
        assert_eq!(rec.line(), lines.line_at_byte(rec.start()));
        let fields: Vec<Vec<u8>> = (0..Cells::len(&rec))
            .map(|i| rec.get(i).unwrap_or_default().as_bytes().to_vec())
            .collect();
        got.push((fields, rec.quote_in_field()));
    }
    assert_eq!(splitter.line_ends(), line_ends(text.as_bytes()));
    assert_eq!(got, expected);
});
