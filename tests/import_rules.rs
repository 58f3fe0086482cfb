//! The importer and the rules through the library: duplicates across exports, returns, rates,
//! packaged sets, window edges, the forecast, and a property test over encodings and delimiters.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "tests and benchmarks fail by panicking"
)]

use std::str::FromStr;

use chrono::NaiveDate;
use lpkpi::import::classify::{Catalog, CatalogEntry, Classifier};
use lpkpi::import::values::Currency;
use lpkpi::import::{Added, Fate, ImportRules, ImportSet};
use lpkpi::money::Rates;
use lpkpi::rules::evaluate::{Evaluation, Inputs, evaluate};
use lpkpi::rules::figures::CapabilityFacts;
use lpkpi::rules::forecast::PlannedFigures;
use lpkpi::rules::verdict::Outcome;
use lpkpi::rules::{ProductLine, Profile, RenewalDates};
use rust_decimal::Decimal;

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn dec(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

struct Setup {
    profile: Profile,
    classifier: Classifier,
    catalog: Catalog,
    rates: Rates,
    anniversary: NaiveDate,
    as_of: NaiveDate,
    level: Option<&'static str>,
    capability: Option<CapabilityFacts>,
    planned: Vec<PlannedFigures>,
}

impl Setup {
    fn new(anniversary: &str, as_of: &str) -> Setup {
        let profile = Profile::builtin().unwrap();
        let classifier = Classifier::new(&profile.rulebook).unwrap();
        Setup {
            profile,
            classifier,
            catalog: Catalog::default(),
            rates: Rates::default(),
            anniversary: d(anniversary),
            as_of: d(as_of),
            level: None,
            capability: None,
            planned: vec![],
        }
    }

    fn import(&self, files: &[(&str, &str)]) -> ImportSet {
        let rules = ImportRules::new(&self.profile);
        let mut set = ImportSet::new();
        for (name, text) in files {
            set.add(name, text.as_bytes(), &rules).unwrap();
        }
        set
    }

    fn eval(&self, set: &ImportSet) -> Evaluation {
        let inputs = Inputs {
            profile: &self.profile,
            classifier: &self.classifier,
            catalog: &self.catalog,
            rates: &self.rates,
            dates: RenewalDates::new(self.anniversary),
            as_of: self.as_of,
            current_level: self.level,
            capability: self.capability.as_ref(),
            planned: &self.planned,
        };
        let e = evaluate(set, &inputs);
        assert!(e.counts.balanced(), "{:?}", e.counts);
        e
    }

    fn run(&self, files: &[(&str, &str)]) -> Evaluation {
        self.eval(&self.import(files))
    }
}

fn line(e: &Evaluation, l: ProductLine) -> (i64, Decimal, Decimal) {
    let t = e.by_line[l.index()];
    (t.kits, t.kpi_units, t.revenue_usd)
}

const LINES_HEADER: &str = "Order,Line,Invoice Date,SKU,Product,Qty,Amount\n";

#[test]
fn overlapping_exports_are_a_multiset_union() {
    let s = Setup::new("2026-10-01", "2026-09-15");
    // A: X twice, Y once. B: X three times, Y once, Z once.
    let a = format!(
        "{LINES_HEADER}1,1,2026-01-05,20533C,MOC,2,100\n1,1,2026-01-05,20533C,MOC,2,100\n2,1,2026-02-05,20533C,MOC,1,50\n"
    );
    let b = format!(
        "{LINES_HEADER}1,1,2026-01-05,20533C,MOC,2,100\n1,1,2026-01-05,20533C,MOC,2,100\n1,1,2026-01-05,20533C,MOC,2,100\n2,1,2026-02-05,20533C,MOC,1,50\n3,1,2026-03-05,20533C,MOC,4,200\n"
    );
    let set = s.import(&[("a.csv", &a), ("b.csv", &b)]);
    let e = s.eval(&set);
    assert_eq!(e.counts.read, 8);
    assert_eq!(e.counts.duplicates, 3, "2 of B's three X, and B's Y");
    assert_eq!(e.counts.counted, 5, "X max(2,3)=3 times, Y once, Z once");
    assert_eq!(
        line(&e, ProductLine::Courseware),
        (3 * 2 + 1 + 4, dec("11"), dec("550"))
    );
    // the file imported first stands
    let fates: Vec<&Fate> = set.rows.iter().map(|r| &r.fate).collect();
    assert_eq!(fates[..3], [&Fate::Kept, &Fate::Kept, &Fate::Kept]);
    assert!(matches!(
        fates[3],
        Fate::Duplicate {
            of: 0,
            differs: false
        }
    ));
    assert!(matches!(
        fates[4],
        Fate::Duplicate {
            of: 0,
            differs: false
        }
    ));
    assert_eq!(fates[5], &Fate::Kept);
    assert!(matches!(fates[6], Fate::Duplicate { of: 2, .. }));
    // the same file's bytes again: nothing changes
    let rules = ImportRules::new(&s.profile);
    let mut set2 = set.clone();
    assert_eq!(
        set2.add("a-again.csv", a.as_bytes(), &rules).unwrap(),
        Added::AlreadyImported {
            first: "a.csv".into(),
            index: 0
        }
    );
    assert_eq!(set2.rows.len(), set.rows.len());
}

#[test]
fn identity_without_line_ids_uses_the_row_fields() {
    let s = Setup::new("2026-10-01", "2026-09-15");
    let h = "Order,Order Date,SKU,Product,Qty,Amount\n";
    let a = format!("{h}1,2026-01-05,20533C,MOC,2,100.00\n1,2026-01-05,10961,MOC,2,100.00\n");
    // same order, part, date, qty, amount (written differently) → duplicate; other qty → not
    let b = format!("{h}1,01/05/2026,20533C,MOC A,2,$100\n1,2026-01-05,20533C,MOC,3,100.00\n");
    // a file with line ids never matches a file without
    let c = format!("{LINES_HEADER}1,1,2026-01-05,20533C,MOC,2,100.00\n");
    let e = s.run(&[("a.csv", &a), ("b.csv", &b), ("c.csv", &c)]);
    assert_eq!((e.counts.counted, e.counts.duplicates), (4, 1));
    // no part column: the name identifies
    let h2 = "Order,Order Date,Product,Qty,Amount\n";
    let e = s.run(&[
        ("a.csv", &format!("{h2}1,2026-01-05,MOC 20533C,2,100\n")),
        (
            "b.csv",
            &format!("{h2}1,2026-01-05,MOC 20533C,2,100\n1,2026-01-05,MOC 10961,2,100\n"),
        ),
    ]);
    assert_eq!((e.counts.counted, e.counts.duplicates), (2, 1));
}

#[test]
fn differing_duplicates_are_listed_and_the_first_stands() {
    let s = Setup::new("2026-10-01", "2026-09-15");
    let a = format!("{LINES_HEADER}7,1,2026-01-05,20533C,MOC,2,100\n");
    let b = format!("{LINES_HEADER}7,1,2026-01-05,20533C,MOC,5,250\n");
    let e = s.run(&[("a.csv", &a), ("b.csv", &b)]);
    assert_eq!(line(&e, ProductLine::Courseware), (2, dec("2"), dec("100")));
    assert_eq!(e.review.len(), 1);
    // import.md: "the difference is listed": what differs is named
    assert_eq!(
        e.review[0].reason,
        "same order line as a.csv line 2 with a different quantity and amount: the earlier row stands"
    );
    assert_eq!(e.review[0].file, "b.csv");
}

#[test]
fn returns_credits_and_components() {
    let s = Setup::new("2026-10-01", "2026-09-15");
    let text = "Order,Invoice Date,Product,Qty,Amount,Components\n\
        1,2026-01-05,MOC 20533C,10,1000,\n\
        2,2026-01-06,MOC 20533C,-2,200,\n\
        3,2026-01-07,MOC 20533C,2,(200.00),\n\
        4,2026-01-08,MOC 20533C,0,50.00-,\n\
        5,2026-01-09,Packaged Set: Azure path,2,700,3\n\
        6,2026-01-10,Packaged Set: Course Certificate Vouchers,4,400,5\n\
        7,2026-01-11,Packaged Set: Azure path,1,350,\n";
    let e = s.run(&[("r.csv", text)]);
    // courseware: 10 - 2 - 2 + 0 + 2×3 + 1 (set without count → 1) = 13 kits
    assert_eq!(
        line(&e, ProductLine::Courseware),
        (
            13,
            dec("13"),
            dec("1000") - dec("200") - dec("200") - dec("50") + dec("700") + dec("350")
        )
    );
    // mccv set: 4 kits × 5 components × 0.5
    assert_eq!(line(&e, ProductLine::Mccv), (20, dec("10"), dec("400")));
    assert_eq!(
        e.review.len(),
        1,
        "the set without a count is listed: {:?}",
        e.review
    );
    assert!(e.review[0].reason.contains("no component count"));
}

#[test]
fn currencies_need_rates() {
    let mut s = Setup::new("2026-10-01", "2026-09-15");
    let text = "Order,Invoice Date,Product,Qty,Amount,Currency\n\
        1,2026-01-05,MOC 20533C,1,100.00,EUR\n\
        2,2026-01-05,MOC 20533C,1,£50.00,\n\
        3,2026-01-05,MOC 20533C,1,10.005,USD\n";
    let e = s.run(&[("c.csv", text)]);
    assert_eq!(
        line(&e, ProductLine::Courseware),
        (3, dec("3"), dec("10.01")),
        "KPI units count, revenue waits"
    );
    let held: Vec<(u32, Currency)> = e.needs_rate.iter().map(|n| (n.line, n.currency)).collect();
    assert_eq!(held, vec![(2, Currency::EUR), (3, Currency::GBP)]);
    s.rates.usd_per.insert(Currency::EUR, dec("1.085"));
    s.rates.usd_per.insert(Currency::GBP, dec("1.2"));
    let e = s.run(&[("c.csv", text)]);
    // 100 × 1.085 = 108.50; 50 × 1.2 = 60.00; 10.005 → 10.01 (half away from zero)
    assert_eq!(line(&e, ProductLine::Courseware).2, dec("178.51"));
    assert!(e.needs_rate.is_empty());
}

#[test]
fn no_amount_column_uses_quantity_times_price() {
    let s = Setup::new("2026-10-01", "2026-09-15");
    let e = s.run(&[(
        "p.csv",
        "Order,Invoice Date,Product,Qty,Unit Price\n1,2026-01-05,MOC 20533C,3,33.335\n",
    )]);
    assert_eq!(line(&e, ProductLine::Courseware).2, dec("100.01"));
    let e = s.run(&[(
        "n.csv",
        "Order,Invoice Date,Product,Qty\n1,2026-01-05,MOC 20533C,3\n",
    )]);
    assert_eq!(line(&e, ProductLine::Courseware), (3, dec("3"), dec("0")));
    assert!(
        e.warnings
            .iter()
            .any(|w| w.contains("no amount or unit price")),
        "{:?}",
        e.warnings
    );
}

#[test]
fn window_edges_and_purchases_after_as_of() {
    // A = 2027-01-01 → D = 2026-12-31, W = 2026-01-01..2026-12-31
    let s = Setup::new("2027-01-01", "2026-06-15");
    let text = "Order,Invoice Date,Product,Qty,Amount\n\
        1,2025-12-31,MOC 20533C,1,1\n\
        2,2026-01-01,MOC 20533C,1,1\n\
        3,2026-12-31,MOC 20533C,1,1\n\
        4,2027-01-01,MOC 20533C,1,1\n\
        5,2026-11-30,MOC 20533C,1,1\n";
    let e = s.run(&[("w.csv", text)]);
    assert_eq!((e.counts.counted, e.counts.outside_window), (3, 2));
    assert_eq!(e.monthly[0].month_total.kpi_units, dec("1"));
    assert_eq!(e.monthly[11].month_total.kpi_units, dec("1"));
    assert_eq!(e.monthly[10].cumulative.kpi_units, dec("2"));
    assert_eq!(e.dates.deadline, d("2026-12-31"));
    // leap year: A = 2028-03-01 → D = 2028-02-29
    let s = Setup::new("2028-03-01", "2028-01-10");
    let e = s.run(&[("l.csv", "Order,Invoice Date,Product,Qty,Amount\n1,2028-02-29,MOC 20533C,1,1\n2,2027-02-28,MOC 20533C,1,1\n")]);
    assert_eq!((e.counts.counted, e.counts.outside_window), (1, 1));
    assert_eq!(e.monthly[11].month.label(), "2028-02");
}

#[test]
fn forecast_follows_r5() {
    // W = 2026-01..2026-12; as of 2026-04-10: Jan-Mar completed, 8 open months (May-Dec).
    let mut s = Setup::new("2027-01-15", "2026-04-10");
    let text = "Order,Invoice Date,Product,Qty,Amount\n\
        1,2026-01-10,MOC 20533C,100,10000\n\
        2,2026-02-10,MOC 20533C,200,20000\n\
        3,2026-03-10,MOC 20533C,300,30001\n\
        4,2026-04-05,MOC 20533C,50,5000\n\
        5,2026-11-05,MOC 20533C,10,1000\n";
    s.planned = vec![
        PlannedFigures {
            date: d("2026-06-01"),
            kpi_units: dec("40"),
            revenue_usd: dec("4000"),
        },
        PlannedFigures {
            date: d("2026-03-01"),
            kpi_units: dec("999"),
            revenue_usd: dec("999"),
        },
        PlannedFigures {
            date: d("2027-01-05"),
            kpi_units: dec("999"),
            revenue_usd: dec("999"),
        },
    ];
    let e = s.run(&[("f.csv", text)]);
    let f = &e.forecast;
    assert_eq!((f.completed_months, f.open_months), (3, 8));
    // run rate = (100 + 200 + 300) / 3 = 200 KPI; (60001) / 3 = 20000.333.. → 20000.33
    assert_eq!(f.run_rate.kpi_units, dec("200"));
    assert_eq!(f.run_rate.revenue_usd, dec("20000.33"));
    // actual so far = 660 KPI (the November purchase counts: W never hides purchases);
    // at D = 660 + 200 × 8 + 40 planned = 2300; revenue 66001 + 20000.333.. × 8 + 4000 = 230003.67
    assert_eq!(f.at_deadline.kpi_units, dec("2300"));
    assert_eq!(f.at_deadline.revenue_usd, dec("230003.67"));
    assert_eq!(
        f.planned.kpi_units,
        dec("40"),
        "only planned after T and inside W"
    );
    let t = |level: &str, kpi: bool| {
        f.targets
            .iter()
            .find(|t| {
                t.level == level
                    && (t.requirement == lpkpi::rules::figures::Requirement::KpiUnits) == kpi
            })
            .unwrap()
            .clone()
    };
    // gold KPI: (5000 - 660) / (8 + 1) = 482.22..; never reached at 200/month within 8 months
    assert_eq!(t("gold", true).needed_per_month, dec("482.22"));
    assert_eq!(t("gold", true).reached_on, None);
    // gold revenue: (500000 - 66001) / 9 = 48222.11
    assert_eq!(t("gold", false).needed_per_month, dec("48222.11"));
    // silver KPI 200: already met → 0 and no date
    assert_eq!(t("silver", true).needed_per_month, dec("0"));
    assert_eq!(t("silver", true).reached_on, None);
    // a target reached at the run rate: 1000 KPI → 660 + 200k ≥ 1000 at k = 2 → end of June
    let mut s2 = Setup::new("2027-01-15", "2026-04-10");
    s2.profile.levels[1].kpi_units = Some(dec("1000"));
    let e2 = s2.run(&[("f.csv", text)]);
    let silver = e2
        .forecast
        .targets
        .iter()
        .find(|t| t.level == "silver")
        .unwrap();
    assert_eq!(silver.reached_on, Some(d("2026-06-30")));
    assert_eq!(silver.needed_per_month, dec("37.78"), "340 / 9");
}

#[test]
fn capability_facts_give_a_verdict() {
    let mut s = Setup::new("2026-10-01", "2026-09-15");
    let text = "Order,Invoice Date,Product,Qty,Amount\n1,2026-01-10,MOC 20533C,300,10000\n";
    s.level = Some("gold");
    s.capability = Some(CapabilityFacts {
        active_mcts: Some(2),
        exam_rules: [("gold".to_string(), true), ("silver".to_string(), true)]
            .into_iter()
            .collect(),
    });
    let e = s.run(&[("v.csv", text)]);
    assert_eq!(e.readiness.as_deref(), Some("silver"));
    let v = e.verdict.unwrap();
    assert_eq!(
        (v.outcome, v.to.as_deref()),
        (Outcome::Drops, Some("silver"))
    );
    s.capability = Some(CapabilityFacts {
        active_mcts: Some(0),
        exam_rules: Default::default(),
    });
    let e = s.run(&[("v.csv", text)]);
    assert_eq!(e.levels[2].met, Some(false), "LAP needs 1 MCT");
    assert_eq!(
        e.readiness.as_deref(),
        Some("none"),
        "a missing MCT decides whatever the exams"
    );
    assert_eq!(e.verdict.map(|v| v.outcome), Some(Outcome::Removed));
    s.capability = Some(CapabilityFacts {
        active_mcts: Some(2),
        exam_rules: Default::default(),
    });
    let e = s.run(&[("v.csv", text)]);
    assert_eq!(e.levels[1].met, None, "silver exam rule unknown");
    assert_eq!(e.readiness, None);
    assert_eq!(e.verdict, None);
}

#[test]
fn the_catalog_reclassifies_and_counts_components() {
    let mut s = Setup::new("2026-10-01", "2026-09-15");
    let text = "Order,Invoice Date,SKU,Product,Qty,Amount\n1,2026-01-10,CAT-LUNCH,Catering,5,100\n2,2026-01-10,PKG-1,Packaged Set: Azure,2,100\n";
    let e = s.run(&[("k.csv", text)]);
    assert_eq!(line(&e, ProductLine::Unknown).0, 5);
    s.catalog.entries.insert(
        "CAT-LUNCH".into(),
        CatalogEntry {
            line: ProductLine::Lab,
            components: None,
        },
    );
    s.catalog.entries.insert(
        "PKG-1".into(),
        CatalogEntry {
            line: ProductLine::Courseware,
            components: Some(4),
        },
    );
    let e = s.run(&[("k.csv", text)]);
    assert_eq!(line(&e, ProductLine::Lab), (5, dec("0"), dec("100")));
    assert_eq!(line(&e, ProductLine::Courseware), (8, dec("8"), dec("100")));
    assert!(e.review.is_empty(), "{:?}", e.review);
}

#[test]
fn preambles_totals_quotes_and_status() {
    let s = Setup::new("2026-10-01", "2026-09-15");
    let text = "Purchase export\r\nGenerated on 2026-10-01 08:00\r\n\r\nOrder No|Invoice Date|Product|Qty|Total|Status\r\n\
        1|15.03.2026|\"MOC 20533C \"\"Azure\"\"\r\nsecond line\"|3|300|Invoiced\r\n\
        2|16.03.2026|MOC 20533C|1|100|Pending approval\r\n\
        3||MOC 20533C|1|100|\r\n\
        Subtotal:||||400|\r\n\
        Grand Total||||400|\r\n";
    let set = s.import(&[("p.txt", text)]);
    let e = s.eval(&set);
    assert_eq!(e.counts.read, 5);
    assert_eq!(
        (e.counts.counted, e.counts.not_invoiced, e.counts.summary),
        (1, 2, 2)
    );
    assert_eq!(set.rows[0].line, 5);
    assert_eq!(
        set.rows[1].line, 7,
        "the quoted newline moves the next record down"
    );
    let p = set.rows[0].purchase.as_ref().unwrap();
    let product = set.product(p).unwrap();
    assert_eq!(
        set.text(product.name),
        "MOC 20533C \"Azure\"\r\nsecond line"
    );
    assert_eq!(p.date, d("2026-03-15"));
}

mod roundtrip {
    //! Random valid rows, written in any supported encoding, delimiter, date and money form,
    //! import back identical.

    use super::*;
    use proptest::prelude::*;

    #[derive(Debug, Clone)]
    struct GenRow {
        order: String,
        line: u32,
        date: NaiveDate,
        part: String,
        name: String,
        qty: i64,
        cents: i64,
        currency: &'static str,
    }

    fn gen_row(charset: &'static str) -> impl Strategy<Value = GenRow> {
        (
            "[A-Z]{0,2}[0-9]{1,7}",
            1u32..50,
            0i64..(3 * 365),
            "[A-Z0-9][A-Z0-9-]{0,10}",
            proptest::string::string_regex(charset).unwrap(),
            -50i64..5000,
            -10_000_000i64..100_000_000,
            prop::sample::select(vec!["USD", "EUR", "GBP"]),
        )
            .prop_map(
                |(order, line, day, part, name, qty, cents, currency)| GenRow {
                    order,
                    line,
                    date: d("2025-01-01") + chrono::Duration::days(day),
                    part,
                    name: format!("P {} x", name.trim()),
                    qty: if qty == 0 { 1 } else { qty },
                    cents,
                    currency,
                },
            )
    }

    #[derive(Debug, Clone, Copy)]
    enum Enc {
        Utf8,
        Utf8Bom,
        Utf16Le,
        Utf16Be,
        Cp1252,
    }

    fn encode(text: &str, enc: Enc) -> Vec<u8> {
        match enc {
            Enc::Utf8 => text.as_bytes().to_vec(),
            Enc::Utf8Bom => [b"\xEF\xBB\xBF".as_slice(), text.as_bytes()].concat(),
            Enc::Utf16Le => [0xFFu8, 0xFE]
                .into_iter()
                .chain(text.encode_utf16().flat_map(u16::to_le_bytes))
                .collect(),
            Enc::Utf16Be => [0xFEu8, 0xFF]
                .into_iter()
                .chain(text.encode_utf16().flat_map(u16::to_be_bytes))
                .collect(),
            Enc::Cp1252 => encoding_rs::WINDOWS_1252.encode(text).0.into_owned(),
        }
    }

    fn money(cents: i64, comma: bool, style: u8) -> String {
        let neg = cents < 0;
        let abs = cents.unsigned_abs();
        let (int, frac) = (abs / 100, abs % 100);
        let digits = int.to_string();
        let mut grouped = String::new();
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i) % 3 == 0 {
                grouped.push(if comma { '.' } else { ',' });
            }
            grouped.push(c);
        }
        let body = if comma {
            format!("{grouped},{frac:02}")
        } else {
            format!("{grouped}.{frac:02}")
        };
        match (neg, style % 3) {
            (false, _) => body,
            (true, 0) => format!("-{body}"),
            (true, 1) => format!("({body})"),
            (true, _) => format!("{body}-"),
        }
    }

    fn date_text(date: NaiveDate, form: u8) -> String {
        match form % 6 {
            0 => date.format("%Y-%m-%d").to_string(),
            1 => date.format("%m/%d/%Y").to_string(),
            2 => date.format("%d.%m.%Y").to_string(),
            3 => date.format("%d-%b-%Y").to_string(),
            4 => date.format("%b %-d, %Y").to_string(),
            _ => date.format("%d/%m/%Y 10:30").to_string(),
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(96))]
        #[test]
        fn rows_import_back_identical(
            rows in prop::collection::vec(gen_row("[a-zA-Z0-9 ,;|\"\\n\\t()ü€-]{0,24}"), 1..25),
            enc in prop::sample::select(vec![Enc::Utf8, Enc::Utf8Bom, Enc::Utf16Le, Enc::Utf16Be, Enc::Cp1252]),
            delimiter in prop::sample::select(vec![b',', b';', b'\t', b'|']),
            date_form in 0u8..6,
            money_style in 0u8..3,
            comma_money in any::<bool>(),
            crlf in any::<bool>(),
            preamble in any::<bool>(),
        ) {
            let mut rows = rows;
            // numeric day/month order is decided by a day above 12 (else month first, day first in ';' files)
            if (date_form == 5 && delimiter != b';') || (date_form == 1 && delimiter == b';') {
                rows[0].date = d("2026-03-25");
            }
            // comma decimals are decided by the amounts themselves (they all end ",dd")
            let comma = comma_money;
            let mut w = csv::WriterBuilder::new()
                .delimiter(delimiter)
                .terminator(if crlf { csv::Terminator::CRLF } else { csv::Terminator::Any(b'\n') })
                .from_writer(vec![]);
            w.write_record(["Order Number", "Line", "Invoice Date", "Part Number", "Product Name", "Quantity", "Total", "Currency"]).unwrap();
            for r in &rows {
                w.write_record([
                    r.order.clone(),
                    r.line.to_string(),
                    date_text(r.date, date_form),
                    r.part.clone(),
                    r.name.clone(),
                    r.qty.to_string(),
                    money(r.cents, comma, money_style),
                    r.currency.to_string(),
                ]).unwrap();
            }
            let mut text = String::from_utf8(w.into_inner().unwrap()).unwrap();
            if preamble {
                text = format!("Orders export{}Generated 2026-10-01{}", if crlf { "\r\n" } else { "\n" }, if crlf { "\r\n" } else { "\n" }) + &text;
            }
            let bytes = encode(&text, enc);
            let s = Setup::new("2026-10-01", "2026-09-15");
            let rules = ImportRules::new(&s.profile);
            let mut set = ImportSet::new();
            set.add("gen.csv", &bytes, &rules).unwrap();
            prop_assert_eq!(set.rows.len(), rows.len());
            let file = &set.files[0];
            prop_assert!(file.counts.balanced());
            for (got, want) in set.rows.iter().zip(&rows) {
                let p = got.purchase.as_ref().unwrap_or_else(|| panic!("{:?} for {:?}", got.fate, want));
                let product = set.product(p).unwrap();
                prop_assert_eq!(p.date, want.date);
                prop_assert_eq!(set.text(p.order_id), want.order.as_str());
                let want_line = want.line.to_string();
                prop_assert_eq!(p.line_id.map(|l| set.text(l)), Some(want_line.as_str()));
                prop_assert_eq!(set.text(product.part), want.part.as_str());
                prop_assert_eq!(set.text(product.name), want.name.as_str());
                let amount = Decimal::new(want.cents, 2);
                // opposite signs make a return: both negative
                let want_qty = if amount.is_sign_negative() && !amount.is_zero() { -want.qty.abs() } else { want.qty };
                let want_amount = if want.qty < 0 && !amount.is_zero() { -amount.abs() } else { amount };
                prop_assert_eq!(p.signed_quantity(), want_qty);
                prop_assert_eq!(p.signed_amount(), want_amount);
                prop_assert_eq!(p.currency.as_str(), want.currency);
            }
        }
    }
}

#[test]
fn a_duplicate_matching_a_later_row_of_the_same_identity_does_not_differ() {
    let s = Setup::new("2026-10-01", "2026-09-15");
    // file A holds two different rows with the same (order, line); B repeats the second one
    let a =
        format!("{LINES_HEADER}9,1,2026-01-05,20533C,MOC,2,100\n9,1,2026-01-05,20533C,MOC,5,250\n");
    let b = format!("{LINES_HEADER}9,1,2026-01-05,20533C,MOC,5,250\n");
    let set = s.import(&[("a.csv", &a), ("b.csv", &b)]);
    assert!(
        matches!(
            set.rows[2].fate,
            Fate::Duplicate {
                of: 1,
                differs: false
            }
        ),
        "{:?}",
        set.rows[2].fate
    );
}

fn one_file(name: &str, bytes: &[u8]) -> ImportSet {
    let profile = Profile::builtin().unwrap();
    let rules = ImportRules::new(&profile);
    let mut set = ImportSet::new();
    set.add(name, bytes, &rules).unwrap();
    set
}

fn rejected(set: &ImportSet) -> Vec<(u32, String)> {
    set.rows
        .iter()
        .filter_map(|r| match &r.fate {
            Fate::Rejected { reason } => Some((r.line, reason.to_string())),
            _ => None,
        })
        .collect()
}

#[test]
fn one_stray_decimal_mark_does_not_flip_the_file() {
    // 100 amounts written 2794.50 and one 1,23: '.' wins, the stray row alone is rejected
    let mut text = String::from("Order,Date,Product,Qty,Amount\n");
    for i in 0..100 {
        text.push_str(&format!("{i},2026-01-05,MOC,1,2794.50\n"));
    }
    text.push_str("100,2026-01-05,MOC,1,\"1,23\"\n");
    let set = one_file("dots.csv", text.as_bytes());
    let file = &set.files[0];
    assert_eq!((file.counts.kept, file.counts.rejected), (100, 1));
    assert_eq!(
        rejected(&set),
        vec![(
            102,
            "amount '1,23' reads only with ',' as the decimal mark, but this file writes decimals with '.'".to_string()
        )]
    );
    assert_eq!(
        file.warnings,
        vec![
            "1 row has an amount that reads only with ',' as the decimal mark, but this file writes decimals with '.': it was rejected"
        ]
    );
    let e = Setup::new("2026-10-01", "2026-09-15").eval(&set);
    assert_eq!(e.totals.revenue_usd, dec("279450.00"));

    // the mirror: a ';' file of 2794,50 with one 1.23
    let mut text = String::from("Order;Date;Product;Qty;Amount\n");
    for i in 0..100 {
        text.push_str(&format!("{i};05.01.2026;MOC;1;2794,50\n"));
    }
    text.push_str("100;05.01.2026;MOC;1;1.23\n");
    let set = one_file("kommas.csv", text.as_bytes());
    let file = &set.files[0];
    assert_eq!((file.counts.kept, file.counts.rejected), (100, 1));
    assert_eq!(
        rejected(&set),
        vec![(
            102,
            "amount '1.23' reads only with '.' as the decimal mark, but this file writes decimals with ','".to_string()
        )]
    );
    assert_eq!(
        file.warnings,
        vec![
            "1 row has an amount that reads only with '.' as the decimal mark, but this file writes decimals with ',': it was rejected"
        ]
    );

    // a ';' file whose amounts all vote '.' reads them with '.'
    let set = one_file(
        "semi-dots.csv",
        b"Order;Date;Product;Qty;Amount\n1;2026-01-05;MOC;1;1,234.50\n2;2026-01-05;MOC;1;12.00\n",
    );
    assert_eq!(set.files[0].counts.kept, 2);
    assert!(set.files[0].warnings.is_empty());
}

#[test]
fn a_time_after_a_date_must_be_a_time_of_day() {
    let set = one_file(
        "times.csv",
        b"Order,Date,Product,Qty,Amount\n1,2026-01-01T25:61:61,MOC,1,10.00\n2,2026-01-01 13:45:00,MOC,1,10.00\n3,2026-01-01T13:45,MOC,1,10.00\n",
    );
    assert_eq!(
        rejected(&set),
        vec![(
            2,
            "date '2026-01-01T25:61:61' is not a valid date".to_string()
        )]
    );
    assert_eq!(set.files[0].counts.kept, 2);
}

#[test]
fn a_truncated_utf16_file_warns_and_has_no_phantom_row() {
    let text = "Order\tDate\tProduct\tQty\tAmount\r\n1\t2026-01-05\tMOC\t1\t10.00\r\n";
    let bytes: Vec<u8> = [0xFFu8, 0xFE]
        .into_iter()
        .chain(text.encode_utf16().flat_map(u16::to_le_bytes))
        .chain([b'2'])
        .collect();
    let set = one_file("cut.txt", &bytes);
    let file = &set.files[0];
    assert_eq!(
        (file.counts.read, file.counts.kept),
        (1, 1),
        "{:?}",
        set.rows
    );
    assert_eq!(
        file.warnings,
        vec![
            "the file ends in the middle of a character (it looks cut short): its last bytes were ignored"
        ]
    );
}

#[test]
fn a_second_column_for_a_field_is_ignored_with_a_warning() {
    let set = one_file(
        "two-qty.csv",
        b"Order,Date,Product,Quantity,Amount,Quantity\n1,2026-01-05,MOC,2,10.00,7\n",
    );
    let file = &set.files[0];
    assert_eq!(
        set.rows[0].purchase.as_ref().unwrap().quantity,
        2,
        "leftmost wins"
    );
    assert_eq!(
        file.warnings,
        vec![
            "the column 'Quantity' (column 6) is ignored: 'Quantity' (column 4) already gives the quantity"
        ]
    );
    // invoice number over order number, invoice date over order date: expected, no warning
    let set = one_file(
        "both.csv",
        b"Order Number,Invoice Number,Order Date,Invoice Date,Product,Qty,Amount\n1,I1,2026-01-01,2026-01-05,MOC,2,10.00\n",
    );
    assert!(
        set.files[0].warnings.is_empty(),
        "{:?}",
        set.files[0].warnings
    );
}

/// A quote missing or extra in an export makes valid CSV that swallows rows into one value:
/// that row is rejected with the lines counted, so no row vanishes without a word, and the reason
/// quotes at most the start of a long value.
#[test]
fn a_quote_that_swallows_rows_rejects_its_row_and_names_the_lines() {
    let mut text = String::from("Order Date,Order Number,Product Name,Quantity,Amount\n");
    text.push_str("2026-01-05,A1,MOC 20533C,3,360.00\n");
    text.push_str("2026-01-05,A2,MOC 20533C,3,\"360.00\n");
    for i in 3..2_000 {
        text.push_str(&format!("2026-01-05,A{i},MOC 20533C,1,100.00\n"));
    }
    let set = one_file("unclosed.csv", text.as_bytes());
    assert_eq!(set.files[0].counts.kept, 1);
    assert_eq!(
        rejected(&set),
        vec![(
            3,
            "a quote opened on this line is never closed: the 1,997 lines after it were read as part of this row (a quote is missing or extra)".to_string()
        )]
    );

    // closed again by a stray quote further down
    let text = "Order Date,Order Number,Product Name,Quantity,Amount\n\
                2026-01-05,A1,MOC 20533C,3,360.00\n\
                2026-01-05,A2,\"MOC 20533C, 15 inch,3,360.00\n\
                2026-01-05,A3,MOC 20533C,1,100.00\n\
                2026-01-05,A4,MOC 20533C edition\",2,200.00\n\
                2026-01-05,A5,MOC 20533C,1,100.00\n";
    let set = one_file("stray.csv", text.as_bytes());
    assert_eq!(set.files[0].counts.kept, 2);
    assert_eq!(
        rejected(&set),
        vec![(
            3,
            "a quoted value runs over the 2 lines after this one and holds what reads as a row of its own (2026-01-05,A3,MOC 20533C,1,100.00): a quote is missing or extra".to_string()
        )]
    );

    // a long unreadable value is quoted by its start and length
    let long = "9".repeat(70) + "x";
    let text = format!(
        "Order Date,Order Number,Product Name,Quantity,Amount\n2026-01-05,A1,MOC,1,{long}\n"
    );
    let set = one_file("long.csv", text.as_bytes());
    let (_, reason) = &rejected(&set)[0];
    assert!(
        reason.contains(&format!("'{}… (71 characters)'", "9".repeat(60))),
        "{reason}"
    );
}
