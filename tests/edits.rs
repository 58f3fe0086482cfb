//! Every change goes through `Workspace::apply`: random sequences of edits, hostile values
//! included, are each refused with a message (and change nothing) or leave a workspace that
//! saves and loads back equal; the inverse an edit returns undoes it exactly; undoing a step at
//! 200,000 rows costs what the change costs, not a copy of the rows.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "tests and benchmarks fail by panicking"
)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::{NaiveDate, NaiveDateTime};
use lpkpi::import::classify::CatalogEntry;
use lpkpi::import::values::Currency;
use lpkpi::import::{ImportRules, ImportSet};
use lpkpi::rules::capability::{Competency, ExamPass, ExamRule, Membership, Person};
use lpkpi::rules::{Month, ProductLine, Profile};
use lpkpi::workspace::edit::{PreparedRows, stored_rows};
use lpkpi::workspace::format::{from_ron, to_ron};
use lpkpi::workspace::model::{DashboardMonth, Partner, PlannedPurchase, ProfileChoice, Rate};
use lpkpi::workspace::{Edit, ListEdit, Workspace};
use proptest::prelude::*;
use rust_decimal::Decimal;

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn data() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data")
}

fn now() -> NaiveDateTime {
    d("2026-11-20").and_hms_opt(9, 30, 0).unwrap()
}

const FIXTURES: [&str; 4] = [
    "orders-basic.csv",
    "orders-unicode.txt",
    "rechnungen.csv",
    "bad-rows.csv",
];

/// The import edit of one fixture on top of `ws`, as the window builds it from a preview.
fn import_of(ws: &Workspace, fixture: &str) -> Edit {
    let (set, first_new) = preview_of(ws, fixture);
    ws.import_edit(&set, first_new, now(), BTreeMap::new())
}

fn base() -> Workspace {
    let mut ws = Workspace::new("Contoso", Some("gold"), Some(d("2026-10-01")));
    let edit = import_of(&ws, "orders-basic.csv");
    ws.apply(edit).unwrap();
    ws
}

fn roundtrips(ws: &Workspace) {
    let text = to_ron(ws).unwrap();
    let back = from_ron(&text, "test").unwrap_or_else(|e| panic!("{e}\n"));
    assert_eq!(&back, ws);
}

/// Values from ordinary to hostile.
fn money() -> impl Strategy<Value = Decimal> {
    prop_oneof![
        (-1_000_000_000i64..1_000_000_000, 0u32..4).prop_map(|(m, s)| Decimal::new(m, s)),
        Just(Decimal::MAX),
        Just(Decimal::MIN),
        Just(Decimal::from(10_000_000_000_001i64)),
        Just(Decimal::new(1, 28)),
    ]
}

fn rate_value() -> impl Strategy<Value = Decimal> {
    prop_oneof![
        (1i64..2_000_000_000, 0u32..7).prop_map(|(m, s)| Decimal::new(m, s)),
        Just(Decimal::from(10_800_000)),
        Just(Decimal::new(1, 28)),
        Just(Decimal::ZERO),
        Just(Decimal::NEGATIVE_ONE),
        Just(Decimal::MAX),
    ]
}

fn day() -> impl Strategy<Value = NaiveDate> {
    prop_oneof![
        (0i64..4000).prop_map(|n| d("2020-01-01") + chrono::Duration::days(n)),
        Just(d("0001-01-01")),
        Just(d("9999-12-31")),
    ]
}

fn text() -> impl Strategy<Value = String> {
    "[ -~äö€\"\\\\\n]{0,12}"
}

fn line() -> impl Strategy<Value = ProductLine> {
    prop::sample::select(ProductLine::ALL.to_vec())
}

fn index() -> impl Strategy<Value = usize> {
    prop_oneof![0usize..4, Just(usize::MAX)]
}

fn list_edit<T: Clone + std::fmt::Debug + 'static>(
    item: BoxedStrategy<T>,
) -> impl Strategy<Value = ListEdit<T>> {
    prop_oneof![
        item.clone().prop_map(ListEdit::Add),
        (index(), item.clone()).prop_map(|(i, t)| ListEdit::Replace(i, t)),
        (index(), item).prop_map(|(i, t)| ListEdit::Insert(i, t)),
        index().prop_map(ListEdit::Remove),
    ]
}

fn edit() -> impl Strategy<Value = Edit> {
    let partner = (text(), prop::option::of(day())).prop_map(|(name, anniversary)| {
        Edit::Partner(Partner {
            name,
            partner_id: String::new(),
            level: Some("gold".into()),
            anniversary,
        })
    });
    let membership = prop::option::of(
        (text(), prop::option::of(day())).prop_map(|(id, expiry)| Membership { id, expiry }),
    );
    let person =
        (text(), membership, prop::option::of(day())).prop_map(|(name, mct, date)| Person {
            name,
            mct,
            passes: vec![ExamPass {
                exam: "AZ-104".into(),
                date,
                expiry: None,
            }],
        });
    let competency = (text(), 0u32..5).prop_map(|(name, people)| Competency {
        name,
        rules: vec![ExamRule {
            level: "gold".into(),
            people,
            exams: vec!["AZ-104".into()],
        }],
    });
    let rate = (
        prop::sample::select(vec!["EUR", "GBP", "USD"]),
        prop::option::of(day()),
        rate_value(),
    )
        .prop_map(|(c, m, usd_per)| Rate {
            currency: Currency::parse(c).unwrap(),
            month: m.map(Month::of),
            usd_per,
        });
    let planned = (
        day(),
        text(),
        line(),
        prop_oneof![-5i64..5_000, Just(i64::MAX), Just(i64::MIN)],
        money(),
    )
        .prop_map(
            |(date, description, line, kits, amount_usd)| PlannedPurchase {
                date,
                description,
                line,
                kits,
                amount_usd,
            },
        );
    let catalog = (
        prop::sample::select(vec!["MOC-1", "20533C", "Some product"]),
        prop::option::of(
            (
                line(),
                prop::option::of(prop_oneof![0u32..20, Just(u32::MAX)]),
            )
                .prop_map(|(line, components)| CatalogEntry { line, components }),
        ),
    )
        .prop_map(|(k, e)| Edit::Catalog(k.into(), e));
    let dashboard = (
        day(),
        day(),
        prop::option::of(money()),
        prop::option::of(money()),
        any::<bool>(),
    )
        .prop_map(|(m, m2, kpi_units, revenue_usd, set)| {
            Edit::Dashboard(
                Month::of(m),
                set.then(|| DashboardMonth {
                    month: Month::of(m2),
                    kpi_units,
                    revenue_usd,
                }),
            )
        });
    prop_oneof![
        1 => partner,
        1 => Just(Edit::Profile(ProfileChoice::Builtin)),
        1 => list_edit(person.boxed()).prop_map(Edit::People),
        1 => list_edit(competency.boxed()).prop_map(Edit::Competencies),
        1 => list_edit(rate.boxed()).prop_map(Edit::Rates),
        1 => list_edit(planned.boxed()).prop_map(Edit::Planned),
        1 => catalog,
        1 => dashboard,
        // imports thrice as often: two in a row try rows made ahead on a list changed since
        3 => prop::sample::select(FIXTURES.to_vec()).prop_map(|f| Edit::Import(Box::new(
            // placeholder, replaced by the real import edit of that fixture in the test
            lpkpi::workspace::edit::ImportBatches {
                files: Vec::new(),
                rows: Vec::new(),
                mappings: [(f.to_string(), Default::default())].into_iter().collect(),
                prepared: None,
            }
        ))),
        1 => index().prop_map(Edit::RemoveBatch),
        1 => (0usize..3).prop_map(|batches| Edit::Unimport {
            batches,
            mappings: Vec::new()
        }),
    ]
}

/// How the window makes an import edit: plainly, with its rows made ahead on the workspace
/// (new rows alone, or the whole list), or made ahead on the workspace as it was before the
/// edit applied last (a preview the workspace changed under).
#[derive(Debug, Clone, Copy)]
enum Made {
    Plain,
    Prepared { whole: bool, stale: bool },
}

fn made() -> impl Strategy<Value = Made> {
    prop_oneof![
        Just(Made::Plain),
        (any::<bool>(), any::<bool>()).prop_map(|(whole, stale)| Made::Prepared { whole, stale }),
    ]
}

/// The placeholder import of `edit` made as `how` says on `ws` (or on `earlier`, stale), with
/// the plain edit made on the same workspace; other edits as they are, with no plain twin.
fn realize_as(ws: &Workspace, earlier: &Workspace, edit: Edit, how: Made) -> (Edit, Option<Edit>) {
    let fixture = match &edit {
        Edit::Import(b) if b.files.is_empty() => {
            b.mappings.keys().next().cloned().unwrap_or_default()
        }
        _ => return (edit, None),
    };
    match how {
        Made::Plain => (import_of(ws, &fixture), None),
        Made::Prepared { whole, stale } => {
            let on = if stale { earlier } else { ws };
            (
                prepared_import_of(on, &fixture, whole),
                Some(import_of(on, &fixture)),
            )
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn every_edit_is_refused_or_leaves_a_workspace_that_loads(
        edits in prop::collection::vec((edit(), made()), 1..12)
    ) {
        let mut ws = base();
        let mut history: Vec<(Workspace, Edit)> = Vec::new();
        for (edit, how) in edits {
            let earlier = history.last().map_or_else(|| ws.clone(), |(w, _)| w.clone());
            let (edit, plain) = realize_as(&ws, &earlier, edit, how);
            let before = ws.clone();
            // rows made ahead, fresh or stale, import as the plain edit made at the same time
            let twin = plain.map(|p| {
                let mut w = ws.clone();
                let applied = w.apply(p).map(|inverse| inverse.is_some());
                (w, applied)
            });
            let result = ws.apply(edit.clone());
            if let Some((w, applied)) = twin {
                prop_assert_eq!(&ws, &w, "{:?}", how);
                prop_assert_eq!(
                    result.as_ref().map(|inverse| inverse.is_some()).map_err(|e| e.to_string()),
                    applied.map_err(|e| e.to_string())
                );
            }
            match result {
                Err(e) => {
                    prop_assert!(!e.to_string().is_empty());
                    prop_assert_eq!(&ws, &before, "a refused edit changes nothing");
                }
                Ok(None) => prop_assert_eq!(&ws, &before, "a no-op"),
                Ok(Some(inverse)) => {
                    prop_assert!(ws.implausible().is_none(), "{:?}", ws.implausible());
                    roundtrips(&ws);
                    // the workspace still evaluates (no overflow, no panic)
                    let session = lpkpi::workspace::session::Session::new(&ws).unwrap();
                    if let Some(a) = ws.partner.anniversary {
                        let _ = session.evaluate(&ws, a, d("2026-06-15"), None);
                    }
                    history.push((before, inverse));
                }
            }
        }
        // undo everything, newest first: each inverse restores the workspace before its edit
        while let Some((before, inverse)) = history.pop() {
            let redo = ws.apply(inverse).unwrap();
            prop_assert_eq!(&ws, &before);
            prop_assert!(redo.is_some());
        }
    }
}

#[test]
fn the_loaders_limits_refuse_the_windows_typos() {
    let mut ws = base();
    let typo = Rate {
        currency: Currency::EUR,
        month: None,
        usd_per: Decimal::from(10_800_000),
    };
    let e = ws.apply(Edit::Rates(ListEdit::Add(typo))).unwrap_err();
    assert!(e.to_string().contains("not a plausible USD rate"), "{e}");
    let huge = PlannedPurchase {
        date: d("2026-06-01"),
        description: "typo".into(),
        line: ProductLine::Courseware,
        kits: 1,
        amount_usd: Decimal::MAX,
    };
    assert!(ws.apply(Edit::Planned(ListEdit::Add(huge))).is_err());
    assert!(
        ws.apply(Edit::Catalog(
            "MOC".into(),
            Some(CatalogEntry {
                line: ProductLine::Courseware,
                components: Some(u32::MAX)
            })
        ))
        .is_err()
    );
    assert_eq!(ws, base());
}

/// The set and its first new file after reading `fixture` on top of `ws`, as the window's
/// preview does.
fn preview_of(ws: &Workspace, fixture: &str) -> (ImportSet, usize) {
    let rules = ImportRules::new(&Profile::builtin().unwrap());
    let mut set: ImportSet = ws.import_set();
    let first_new = set.files.len();
    let bytes = std::fs::read(data().join(fixture)).unwrap();
    let _ = set.add(fixture, &bytes, &rules);
    (set, first_new)
}

/// The window's import edit: its rows made and checked ahead on `ws` (with a copy of the
/// workspace's rows before them when `whole`).
fn prepared_import_of(ws: &Workspace, fixture: &str, whole: bool) -> Edit {
    let (set, first_new) = preview_of(ws, fixture);
    let rows = stored_rows(&set, first_new);
    let prepared = PreparedRows::make(ws, set.files.len() - first_new, rows, whole);
    assert!(
        prepared.is_ok(),
        "the fixture's rows pass the edit's checks"
    );
    ws.import_edit_with(&set, first_new, prepared, now(), BTreeMap::new())
}

/// Rows made and checked ahead (the window's worker) leave the workspace the plain edit
/// leaves, on an empty workspace and on one with rows, whole list or new rows alone; undone,
/// the workspace is back as it was.
#[test]
fn prepared_rows_import_as_the_plain_rows_do() {
    for whole in [false, true] {
        for start in [
            Workspace::new("Contoso", Some("gold"), Some(d("2026-10-01"))),
            base(),
        ] {
            let mut plain = start.clone();
            plain.apply(import_of(&start, "rechnungen.csv")).unwrap();
            let mut ws = start.clone();
            let edit = prepared_import_of(&ws, "rechnungen.csv", whole);
            let Edit::Import(b) = &edit else {
                panic!("an import edit")
            };
            assert!(b.prepared.as_ref().unwrap().made_from(&ws));
            assert_eq!(
                b.prepared.as_ref().unwrap().replaces(&ws),
                whole && !start.rows.is_empty()
            );
            let inverse = ws.apply(edit).unwrap().unwrap();
            assert_eq!(
                ws,
                plain,
                "whole: {whole}, rows before: {}",
                start.rows.len()
            );
            assert!(ws.rows.len() > start.rows.len());
            ws.apply(inverse).unwrap();
            assert_eq!(ws, start);
        }
    }
}

/// Rows made on the workspace as it was, applied after it changed (another import, a file
/// removed): their new rows are taken out and applied as the rows of the plain edit made at
/// the same time are.
#[test]
fn prepared_rows_made_before_a_change_still_import_right() {
    // another import in between; the workspace's only file removed in between (its list
    // changed in place)
    let changes: [fn(&Workspace) -> Edit; 2] = [
        |ws| import_of(ws, "rechnungen.csv"),
        |_| Edit::RemoveBatch(0),
    ];
    for whole in [false, true] {
        for change in changes {
            let start = base();
            let edit = prepared_import_of(&start, "orders-unicode.txt", whole);
            let mut ws = start.clone();
            ws.apply(change(&start)).unwrap();
            let Edit::Import(b) = &edit else {
                panic!("an import edit")
            };
            assert!(!b.prepared.as_ref().unwrap().made_from(&ws));
            let mut plain = ws.clone();
            plain
                .apply(import_of(&start, "orders-unicode.txt"))
                .unwrap();
            ws.apply(edit).unwrap();
            assert_eq!(ws, plain, "whole: {whole}");
        }
    }
}

/// A row the edit would refuse is not made ahead: the rows come back as they were, and the
/// edit made with them is refused, saying why.
#[test]
fn prepared_rows_refuse_what_the_edit_refuses() {
    let ws = base();
    let (set, first_new) = preview_of(&ws, "rechnungen.csv");
    let mut rows = stored_rows(&set, first_new);
    let at = rows.iter().position(|r| r.purchase.is_some()).unwrap();
    rows[at].purchase.as_mut().unwrap().quantity = i64::MAX;
    let copy = rows.clone();
    let Err(back) = PreparedRows::make(&ws, set.files.len() - first_new, rows, true) else {
        panic!("a row over the limits is refused")
    };
    assert_eq!(back, copy, "given back unchanged");
    let mut after = ws.clone();
    let edit = ws.import_edit_with(&set, first_new, Err(back), now(), BTreeMap::new());
    let e = after.apply(edit).unwrap_err();
    assert!(e.to_string().contains("over lpkpi's limit"), "{e}");
    assert_eq!(after, ws);
}

/// An undo step of a small edit at 200,000 rows holds kilobytes, and a snapshot of the
/// workspace (for a recompute off the UI thread) shares the rows instead of copying them.
#[test]
fn undo_costs_what_the_change_costs_at_200k_rows() {
    let mut ws = base();
    let row = ws.rows[0].clone();
    let mut rows = Vec::with_capacity(200_000);
    for i in 0..200_000u32 {
        let mut r = row.clone();
        r.line = i + 2;
        rows.push(r);
    }
    ws.rows = Arc::new(rows);
    let inverse = ws
        .apply(Edit::People(ListEdit::Add(Person {
            name: "Ada".into(),
            mct: Some(Membership {
                id: "1".into(),
                expiry: Some(d("2027-01-01")),
            }),
            passes: Vec::new(),
        })))
        .unwrap()
        .unwrap();
    // the inverse names an index: a few bytes, whatever the row count
    assert_eq!(inverse, Edit::People(ListEdit::Remove(0)));
    assert!(std::mem::size_of_val(&inverse) < 1024);
    let snapshot = ws.clone();
    assert!(
        Arc::ptr_eq(&snapshot.rows, &ws.rows),
        "rows shared, not copied"
    );
    // an import's inverse names how many files to take back, not their rows
    let edit = import_of(&ws, "rechnungen.csv");
    let inverse = ws.apply(edit).unwrap().unwrap();
    assert!(matches!(inverse, Edit::Unimport { batches: 1, .. }));
}

/// The log says what an edit changes: the old and new rate, who is removed, which of the
/// partner's details change.
#[test]
fn the_log_says_what_an_edit_changes() {
    let mut ws = Workspace::new("Contoso", Some("silver"), Some(d("2026-10-01")));
    ws.rates.push(Rate {
        currency: Currency::EUR,
        month: None,
        usd_per: Decimal::new(108, 2),
    });
    ws.people.push(Person {
        name: "Ana Ruiz".into(),
        ..Person::default()
    });
    let edited = Edit::Rates(ListEdit::Replace(
        0,
        Rate {
            currency: Currency::EUR,
            month: None,
            usd_per: Decimal::new(110, 2),
        },
    ));
    assert_eq!(
        edited.describe_against(&ws),
        "EUR rate of every month: 1.08 → 1.10"
    );
    let monthly = Edit::Rates(ListEdit::Add(Rate {
        currency: Currency::EUR,
        month: Some(Month::of(d("2026-04-01"))),
        usd_per: Decimal::new(107, 2),
    }));
    assert_eq!(
        monthly.describe_against(&ws),
        "add EUR rate of 2026-04: 1.07"
    );
    assert_eq!(
        Edit::People(ListEdit::Remove(0)).describe_against(&ws),
        "remove person Ana Ruiz"
    );
    let mut partner = ws.partner.clone();
    partner.name = "Contoso Ltd".into();
    partner.anniversary = Some(d("2027-10-01"));
    assert_eq!(
        Edit::Partner(partner).describe_against(&ws),
        "partner name 'Contoso' → 'Contoso Ltd', anniversary 2026-10-01 → 2027-10-01"
    );
}
