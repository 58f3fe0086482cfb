//! Any bytes as a workspace file: loading never panics, and a workspace that loads saves and
//! loads back equal and evaluates (edits and their inverses are property-tested in
//! `tests/edits.rs`; the summaries written from a workspace in the `report` target). Run:
//! `cargo fuzz run -s none workspace` (stable toolchain).
#![no_main]

use chrono::NaiveDate;
use libfuzzer_sys::fuzz_target;
use lpkpi::workspace::file::parse;
use lpkpi::workspace::format::{from_ron, to_ron};
use lpkpi::workspace::session::Session;

fuzz_target!(|data: &[u8]| {
    let Ok(ws) = parse(data, "fuzz.ron") else {
        return;
    };
    let text = to_ron(&ws).expect("a loaded workspace serializes");
    let back = from_ron(&text, "again").expect("a saved workspace loads");
    assert_eq!(back, ws);
    if let Ok(session) = Session::new(&ws) {
        let day = NaiveDate::from_ymd_opt(2026, 6, 1).expect("a date");
        let anniversary = ws.partner.anniversary.unwrap_or(day);
        let _ = session.evaluate(&ws, anniversary, day, None);
    }
});
