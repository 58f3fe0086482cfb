//! Any text through the value parsers of `import::values` (money, quantities, components,
//! dates, currencies): they must never panic, and what they accept must be consistent.
//! Run: `cargo fuzz run -s none values` (stable toolchain).
#![no_main]

use libfuzzer_sys::fuzz_target;
use lpkpi::import::values::{
    Currency, DayMonth, DecimalMark, cents, date_is_ambiguous, date_order_hint, decimal_from_f64,
    parse_components, parse_date, parse_money, parse_quantity, scan_number, whole,
};

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else {
        return;
    };
    for mark in [DecimalMark::Dot, DecimalMark::Comma] {
        if let Some((value, _)) = parse_money(s, mark) {
            let _ = cents(value);
            let _ = whole(value);
        }
        if let Some(q) = parse_quantity(s, mark) {
            // a quantity is money too, without its currency
            assert!(parse_money(s, mark).is_some_and(|(v, _)| whole(v) == Some(q)));
        }
        let _ = parse_components(s, mark);
    }
    if let Some(scanned) = scan_number(s) {
        let _ = scanned.mark_vote();
        let _ = scanned.looks_comma_decimal();
        let _ = scanned.value(DecimalMark::Dot);
        let _ = scanned.value(DecimalMark::Comma);
    }
    for order in [DayMonth::MonthFirst, DayMonth::DayFirst] {
        let _ = parse_date(s, order);
    }
    if let Some(order) = date_order_hint(s) {
        // a hint may still be no date (31/02/2026)
        let _ = parse_date(s, order);
    }
    let _ = date_is_ambiguous(s);
    let _ = Currency::parse(s);
    if let Some(c) = Currency::from_cell(s) {
        // a workspace saves a currency as its text and reads it back from it
        assert_eq!(Currency::from_cell(c.as_str()), Some(c));
    }
    if let Some(bytes) = data.get(..8) {
        let mut raw = [0u8; 8];
        raw.copy_from_slice(bytes);
        let _ = decimal_from_f64(f64::from_le_bytes(raw)).map(cents);
    }
});
