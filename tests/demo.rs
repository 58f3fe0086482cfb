//! The bundled demo workspace (`assets/demo/demo.ron`) and the exports it is built from
//! (`assets/demo/exports/`), generated here deterministically and checked to be up to date.
//!
//! Regenerate after a change to the generator or the format:
//! `LPKPI_WRITE_DEMO=1 cargo test --test demo`
//!
//! The partner, Northwind Learning, is a Gold partner close to the Gold line: a year of
//! purchases across all product lines in three export shapes (a Marketplace CSV, an Excel
//! "Unicode Text" export that overlaps it by a month, a German EUR invoice file), five trainers
//! of whom one lapses before the deadline, one competency with Silver and Gold exam rules.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "tests and benchmarks fail by panicking"
)]

use std::path::Path;
use std::str::FromStr;

use chrono::{Datelike, NaiveDate};
use lpkpi::import::ImportRules;
use lpkpi::import::values::Currency;
use lpkpi::rules::capability::{Competency, ExamPass, ExamRule, Membership, Person};
use lpkpi::rules::{Month, ProductLine, Profile};
use lpkpi::workspace::Workspace;
use lpkpi::workspace::format::{from_ron, to_ron};
use lpkpi::workspace::model::{DashboardMonth, ImportOutcome, PlannedPurchase, Rate};
use lpkpi::workspace::session::Session;
use rust_decimal::Decimal;

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn dec(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

/// A small deterministic generator (no dependency, same output everywhere).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// (part, name, type, unit price USD, components, weight)
const PRODUCTS: &[(&str, &str, &str, &str, u32, u64)] = &[
    (
        "AZ-900T00-A",
        "Microsoft Azure Fundamentals (DMOC)",
        "Microsoft Training Courseware",
        "64.00",
        1,
        14,
    ),
    (
        "AZ-104T00",
        "AZ-104T00: Microsoft Azure Administrator - Student Kit",
        "Microsoft Training Courseware",
        "90.00",
        1,
        9,
    ),
    (
        "MS-700T00",
        "MS-700T00 Managing Microsoft Teams, Collaboration Courseware",
        "Microsoft Training Courseware",
        "79.00",
        1,
        5,
    ),
    (
        "DP-900T00",
        "MOC On-Demand: Azure Data Fundamentals (180-day access)",
        "MOC On-Demand",
        "68.00",
        1,
        5,
    ),
    (
        "20533C",
        "MOC 20533C Implementing Microsoft Azure Infrastructure Solutions",
        "MOC",
        "86.00",
        1,
        3,
    ),
    (
        "40567",
        "40567A Microsoft Training Course: Power BI in a Day",
        "Courseware",
        "35.99",
        1,
        5,
    ),
    (
        "405123",
        "Microsoft Cloud Workshop: Serverless architecture",
        "Courseware",
        "54.00",
        1,
        2,
    ),
    (
        "MTA-98-364",
        "MTA Courseware 98-364 Database Fundamentals",
        "MTA Courseware",
        "32.00",
        1,
        2,
    ),
    (
        "PKG-AZ-ADMIN",
        "Packaged Set: Azure Administrator learning path",
        "Packaged Set",
        "223.00",
        3,
        2,
    ),
    (
        "MCCV-AZ900",
        "Microsoft Course Certificate Voucher - Azure Fundamentals",
        "Course Certificate Voucher",
        "18.00",
        1,
        4,
    ),
    (
        "EXB-AZ-305",
        "Exam Bundle AZ-305 with Retake and Practice Test",
        "Microsoft Exams",
        "166.00",
        1,
        4,
    ),
    (
        "AZ-104-VCH",
        "Microsoft Certified Professional Exam Voucher AZ-104",
        "Microsoft Exams",
        "119.00",
        1,
        4,
    ),
    (
        "LAB-AZ104",
        "Microsoft Labs Online - AZ-104 (180 days)",
        "Microsoft Authorized Labs",
        "32.00",
        1,
        3,
    ),
    (
        "FREE-AI900",
        "AI-900 Free Content pack",
        "Free content",
        "0.00",
        1,
        1,
    ),
    (
        "CAT-LUNCH",
        "Classroom catering (per student)",
        "Other",
        "18.00",
        1,
        1,
    ),
];

struct Line {
    order: String,
    line: u32,
    date: NaiveDate,
    product: usize,
    qty: i64,
    status: &'static str,
}

fn purchases() -> Vec<Line> {
    let mut rng = Lcg(2026);
    let total_weight: u64 = PRODUCTS.iter().map(|p| p.5).sum();
    let mut out = Vec::new();
    let mut order = 71000;
    let mut day = d("2026-02-02");
    while day <= d("2026-11-20") {
        // two or three orders a week, two lines each
        if rng.below(7) < 3 && day.weekday().number_from_monday() <= 5 {
            order += 1;
            for line in 1..=2 {
                let mut pick = rng.below(total_weight);
                let product = PRODUCTS.iter().position(|p| {
                    if pick < p.5 {
                        true
                    } else {
                        pick -= p.5;
                        false
                    }
                });
                let product = product.unwrap_or(0);
                let qty = [7, 12, 16, 19, 23, 29, 32, 39, 46, 58][rng.below(10) as usize];
                let status = if rng.below(40) == 0 {
                    "Cancelled"
                } else {
                    "Invoiced"
                };
                out.push(Line {
                    order: order.to_string(),
                    line,
                    date: day,
                    product,
                    qty,
                    status,
                });
            }
        }
        day = day.succ_opt().unwrap();
    }
    // a return in September
    out.push(Line {
        order: "71999".into(),
        line: 1,
        date: d("2026-09-14"),
        product: 1,
        qty: -4,
        status: "Invoiced",
    });
    out
}

fn amount(p: usize, qty: i64) -> Decimal {
    dec(PRODUCTS[p].3) * Decimal::from(qty)
}

/// The Marketplace CSV (Feb-Jun) and the UTF-16 export (Jun-Nov, overlapping June).
fn exports() -> Vec<(String, Vec<u8>)> {
    let lines = purchases();
    let mut csv = String::from(
        "Order Number,Line,Invoice Date,Part Number,Product Name,Product Type,Quantity,Unit Price,Total,Currency,Status,Components\n",
    );
    let mut tsv = String::from(
        "Order No\tLine No\tInvoice Date\tSKU\tDescription\tQty\tLine Total\tCurrency\tStatus\r\n",
    );
    for l in &lines {
        let (part, name, kind, price, comps, _) = PRODUCTS[l.product];
        let total = amount(l.product, l.qty);
        if l.date < d("2026-07-01") {
            let name = if name.contains(',') {
                format!("\"{name}\"")
            } else {
                name.to_string()
            };
            // the Marketplace leaves the component count empty on some packaged sets
            let comps = if part == "PKG-AZ-ADMIN" && l.date.month() == 4 {
                String::new()
            } else {
                comps.to_string()
            };
            csv.push_str(&format!(
                "{},{},{},{part},{name},{kind},{},{price},{total:.2},USD,{},{comps}\n",
                l.order, l.line, l.date, l.qty, l.status
            ));
        }
        if l.date >= d("2026-06-01") {
            tsv.push_str(&format!(
                "{}\t{}\t{}\t{part}\t{name}\t{}\t{total:.2}\tUSD\t{}\r\n",
                l.order,
                l.line,
                l.date.format("%m/%d/%Y"),
                l.qty,
                l.status
            ));
        }
    }
    csv.push_str(",,,,,,,,,,,\nTotal,,,,,,,,,,,\n");
    let utf16: Vec<u8> = [0xFF, 0xFE]
        .into_iter()
        .chain(tsv.encode_utf16().flat_map(u16::to_le_bytes))
        .collect();
    // EMEA invoices in EUR, German Excel style
    let mut rng = Lcg(49);
    let mut de = String::from(
        "Rechnungsexport Northwind Learning GmbH\r\nStand: 20.11.2026\r\n\r\nInvoice #;Invoice Date;Course Code;Description;Student Kits;Net Amount;Currency\r\n",
    );
    let mut total = Decimal::ZERO;
    for i in 0..36 {
        let p = [0usize, 1, 3, 9, 10, 12, 14][rng.below(7) as usize];
        let (part, name, ..) = PRODUCTS[p];
        let name = if part == "CAT-LUNCH" {
            "55238A SharePoint Online for Administrators"
        } else {
            name
        };
        let part = if part == "CAT-LUNCH" { "55238A" } else { part };
        let qty = 2 + rng.below(14) as i64;
        let date = d("2026-02-10") + chrono::Duration::days(rng.below(280) as i64);
        let eur = (amount(p, qty) * dec("0.92")).round_dp(2);
        total += eur;
        let text = format!("{eur:.2}").replace('.', ",");
        let (int, frac) = text.split_once(',').unwrap();
        let grouped = if int.len() > 3 {
            format!("{}.{}", &int[..int.len() - 3], &int[int.len() - 3..])
        } else {
            int.to_string()
        };
        de.push_str(&format!(
            "RE-{:05};{};{part};{name};{qty};{grouped},{frac} €;EUR\r\n",
            26100 + i,
            date.format("%d.%m.%Y")
        ));
    }
    de.push_str(&format!(
        "Total;;;;;{} €;EUR\r\n",
        format!("{total:.2}").replace('.', ",")
    ));
    let (cp1252, _, _) = encoding_rs::WINDOWS_1252.encode(&de);
    vec![
        ("marketplace-2026-02-to-06.csv".into(), csv.into_bytes()),
        ("marketplace-2026-06-to-11.txt".into(), utf16),
        ("rechnungen-emea-2026.csv".into(), cp1252.into_owned()),
    ]
}

fn person(name: &str, mct: Option<(&str, &str)>, exams: &[(&str, &str)]) -> Person {
    Person {
        name: name.into(),
        mct: mct.map(|(id, expiry)| Membership {
            id: id.into(),
            expiry: Some(d(expiry)),
        }),
        passes: exams
            .iter()
            .map(|(exam, date)| ExamPass {
                exam: exam.to_string(),
                date: Some(d(date)),
                expiry: None,
            })
            .collect(),
    }
}

fn build_demo() -> (Workspace, Vec<(String, Vec<u8>)>) {
    let files = exports();
    let mut ws = Workspace::new("Northwind Learning", Some("gold"), Some(d("2027-03-01")));
    ws.partner.partner_id = "4455021".into();
    let rules = ImportRules::new(&Profile::builtin().unwrap());
    for outcome in ws.import_files(
        &files,
        &rules,
        d("2026-11-20").and_hms_opt(9, 0, 0).unwrap(),
    ) {
        assert!(
            matches!(outcome, Ok(ImportOutcome::Imported { .. })),
            "{outcome:?}"
        );
    }
    // five trainers (four with exam passes, recorded on them) and one person with a pass
    ws.people = vec![
        person(
            "Amelia Chen",
            Some(("MCT-2210451", "2027-06-30")),
            &[("AZ-104", "2024-03-12"), ("AZ-305", "2025-02-20")],
        ),
        person(
            "Bruno Alves",
            Some(("MCT-2209987", "2027-04-30")),
            &[("AZ-104", "2025-06-03")],
        ),
        person(
            "Chidi Okafor",
            Some(("MCT-2301122", "2027-09-30")),
            &[("AZ-305", "2024-11-18")],
        ),
        person(
            "Dana Whitfield",
            Some(("MCT-2107734", "2027-01-31")),
            &[("AZ-400", "2023-09-01")],
        ),
        person("Emil Novak", Some(("MCT-2403390", "2027-12-31")), &[]),
        person("Farah Haddad", None, &[("AZ-104", "2026-05-22")]),
    ];
    ws.competencies = vec![Competency {
        name: "Cloud Platform".into(),
        rules: vec![
            ExamRule {
                level: "silver".into(),
                people: 2,
                exams: vec!["AZ-104".into(), "AZ-305".into()],
            },
            ExamRule {
                level: "gold".into(),
                people: 4,
                exams: vec!["AZ-104".into(), "AZ-305".into()],
            },
        ],
    }];
    ws.rates = vec![Rate {
        currency: Currency::EUR,
        month: None,
        usd_per: dec("1.08"),
    }];
    ws.planned = vec![PlannedPurchase {
        date: d("2027-01-15"),
        description: "Azure bootcamp for Fabrikam (confirmed)".into(),
        line: ProductLine::Courseware,
        kits: 120,
        amount_usd: dec("15000.00"),
    }];
    ws.dashboard = [
        "2026-03", "2026-04", "2026-05", "2026-06", "2026-07", "2026-08", "2026-09", "2026-10",
    ]
    .iter()
    .map(|m| DashboardMonth {
        month: Month::parse(m).unwrap(),
        kpi_units: None,
        revenue_usd: None,
    })
    .collect();
    // the dashboard's figures as the official report shows them (it lags: October is partial)
    let session = Session::new(&ws).unwrap();
    let out = session.evaluate(&ws, d("2027-03-01"), d("2026-11-20"), None);
    for dm in &mut ws.dashboard {
        let m = out
            .eval
            .monthly
            .iter()
            .find(|m| m.month == dm.month)
            .unwrap();
        let partial = dm.month.label() == "2026-10";
        dm.kpi_units = Some(if partial {
            (m.month_total.kpi_units * dec("0.6")).round()
        } else {
            m.month_total.kpi_units
        });
        dm.revenue_usd = Some(if partial {
            (m.month_total.revenue_usd * dec("0.6")).round_dp(2)
        } else {
            m.month_total.revenue_usd
        });
    }
    (ws, files)
}

#[test]
fn demo_workspace_is_up_to_date_and_close_to_the_gold_line() {
    let (ws, files) = build_demo();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/demo");
    let text = to_ron(&ws).unwrap();
    if std::env::var_os("LPKPI_WRITE_DEMO").is_some() {
        std::fs::create_dir_all(root.join("exports")).unwrap();
        std::fs::write(root.join("demo.ron"), &text).unwrap();
        for (name, bytes) in &files {
            std::fs::write(root.join("exports").join(name), bytes).unwrap();
        }
    }
    let checked_in = std::fs::read_to_string(root.join("demo.ron"))
        .expect("assets/demo/demo.ron (LPKPI_WRITE_DEMO=1 to write)");
    assert!(
        checked_in == text,
        "assets/demo/demo.ron is stale: run LPKPI_WRITE_DEMO=1 cargo test --test demo"
    );
    for (name, bytes) in &files {
        assert_eq!(
            &std::fs::read(root.join("exports").join(name)).unwrap(),
            bytes,
            "{name} is stale"
        );
    }

    let ws = from_ron(&checked_in, "demo.ron").unwrap();
    let session = Session::new(&ws).unwrap();
    let out = session.evaluate(&ws, d("2027-03-01"), d("2026-11-26"), None);
    let e = &out.eval;
    let kpi = e.totals.kpi_units;
    let revenue = e.totals.revenue_usd;
    let f = &e.forecast;
    eprintln!(
        "demo: {kpi} KPI units, ${revenue}; forecast {} KPI, ${}; rows {:?}",
        f.at_deadline.kpi_units, f.at_deadline.revenue_usd, e.counts
    );
    // below the Gold line today, around it at the deadline
    assert!(kpi > dec("3500") && kpi < dec("5000"), "{kpi}");
    assert!(
        f.at_deadline.kpi_units > dec("4700") && f.at_deadline.kpi_units < dec("5600"),
        "{}",
        f.at_deadline.kpi_units
    );
    assert!(
        f.at_deadline.revenue_usd > dec("450000") && f.at_deadline.revenue_usd < dec("600000"),
        "{}",
        f.at_deadline.revenue_usd
    );
    // every product line, duplicates from the overlap, something to review
    for line in ProductLine::ALL {
        assert_ne!(e.by_line[line.index()].kits, 0, "{line}");
    }
    assert!(e.counts.duplicates > 0 && e.counts.not_invoiced > 0 && e.counts.summary > 0);
    assert!(!e.review.is_empty());
    // five trainers, one lapsing before the deadline; the Gold exam rule met
    assert_eq!(out.capability.trainers.len(), 5);
    assert_eq!(out.capability.mcts_at_deadline, 4);
    assert_eq!(
        out.capability
            .trainers
            .iter()
            .filter(|t| t.lapses_before_deadline)
            .count(),
        1
    );
    assert_eq!(out.capability.facts.exam_rules.get("gold"), Some(&true));
}
