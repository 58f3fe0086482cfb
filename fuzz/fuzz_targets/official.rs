//! Any bytes as the official dashboard's report: reading it never panics, every line it
//! rejects has its number, what it reads a workspace takes (the window's edit
//! succeeds; `lpkpi report --official` uses the lines as read), the workspace saves and loads
//! back equal, and lpkpi's months are reconciled with it. Run:
//! `cargo fuzz run -s none official` (stable toolchain).
#![no_main]

use chrono::NaiveDate;
use libfuzzer_sys::fuzz_target;
use lpkpi::import::official::read_official;
use lpkpi::workspace::format::{from_ron, to_ron};
use lpkpi::workspace::session::Session;
use lpkpi::workspace::{Edit, Workspace};

fuzz_target!(|data: &[u8]| {
    lpkpi::import::xlsx::quiet_reader_panics();
    let Ok(report) = read_official("fuzz.csv", data) else {
        return;
    };
    for (line, _) in &report.rejected {
        assert!(*line > 0, "a rejected line has its number");
    }
    let day = NaiveDate::from_ymd_opt(2026, 6, 1).expect("a date");
    let mut ws = Workspace::new("Fuzz", Some("gold"), Some(day));
    let lines = report.lines.len();
    if let Err(e) = ws.apply(Edit::Official(report.lines)) {
        panic!("a report read is refused by the workspace: {e}");
    }
    assert_eq!(ws.official.len(), lines);
    let text = to_ron(&ws).expect("the workspace serializes");
    let back = from_ron(&text, "again").expect("the workspace loads");
    assert_eq!(back, ws);
    let session = Session::new(&ws).expect("the built-in profile");
    let outcome = session.evaluate(&ws, day, day, None);
    let _ = outcome.reconciliation;
});
