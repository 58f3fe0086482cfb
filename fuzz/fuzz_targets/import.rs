//! Any bytes as an export: the importer and the report must never panic, and every row read
//! must have exactly one fate. Run: `cargo fuzz run -s none import` (stable toolchain).
#![no_main]

use chrono::NaiveDate;
use libfuzzer_sys::fuzz_target;
use lpkpi::import::classify::{Catalog, Classifier};
use lpkpi::import::{ImportRules, ImportSet};
use lpkpi::money::Rates;
use lpkpi::report::{Format, ReportInput, render};
use lpkpi::rules::evaluate::{Inputs, evaluate};
use lpkpi::rules::{Profile, RenewalDates};
use lpkpi::workspace::reconcile::Reconciliation;

fuzz_target!(|data: &[u8]| {
    // as the binary does: a reader's panic, caught, is an unreadable file, not a crash
    lpkpi::import::xlsx::quiet_reader_panics();
    let Ok(profile) = Profile::builtin() else {
        return;
    };
    let Ok(classifier) = Classifier::new(&profile.rulebook) else {
        return;
    };
    let rules = ImportRules::new(&profile);
    let mut set = ImportSet::new();
    // Split the input in two files at the first 0xFF 0x00 0xFF marker, to fuzz dedupe too.
    let split = data.windows(3).position(|w| w == [0xFF, 0x00, 0xFF]);
    let parts: Vec<&[u8]> = match split {
        Some(i) => vec![&data[..i], &data[i + 3..]],
        None => vec![data],
    };
    for (i, part) in parts.iter().enumerate() {
        let _ = set.add(&format!("f{i}.csv"), part, &rules);
    }
    for f in &set.files {
        assert!(f.counts.balanced());
    }
    let catalog = Catalog::default();
    let rates = Rates::default();
    let inputs = Inputs {
        profile: &profile,
        classifier: &classifier,
        catalog: &catalog,
        rates: &rates,
        dates: RenewalDates::new(NaiveDate::from_ymd_opt(2026, 10, 1).unwrap()),
        as_of: NaiveDate::from_ymd_opt(2026, 6, 1).unwrap(),
        current_level: Some("gold"),
        capability: None,
        planned: &[],
    };
    let eval = evaluate(&set, &inputs);
    assert!(eval.counts.balanced());
    let input = ReportInput {
        eval: &eval,
        profile: &profile,
        set: &set,
        partner: None,
        capability: None,
        reconciliation: &Reconciliation::default(),
        planned: &[],
    };
    for format in [Format::Json, Format::Csv, Format::Markdown] {
        let _ = render(&input, format);
    }
});
