//! The window's CPU per frame at 200,000 purchases, headless (run: `cargo bench --bench
//! frames`; issue 11 item 3, goal: at most 8 ms for every panel).
//!
//! The app is the real one (`LpkpiApp`, its figures derived and settled) driven the way eframe
//! drives it, without a window or GL: each iteration is one frame, `egui::Context::run_ui` over
//! the app's `ui` and then `Context::tessellate` (the CPU part of painting that egui does; only
//! the GL upload and draw are left out, which software GL makes cost about 45 ms a frame on
//! this machine whatever the app does). The frames are steady frames (nothing changed since
//! the last): what scrolling, hovering or a spinner costs. `frame_after_filter` is the frame
//! after the purchases filter changed (the rows shown are worked out again).
//!
//! The workspace: an export like `benches/gen_big.py`'s (every product line, unknown products
//! to review, packaged sets, "$1,234.50", US dates) of 200,000 rows, the anniversary
//! 2027-01-01, as of 2026-11-26, a few trainers with exam passes.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "tests and benchmarks fail by panicking"
)]

use std::cell::RefCell;
use std::fmt::Write as _;

use chrono::NaiveDate;
use eframe::App as _;
use eframe::egui;
use lpkpi::import::ImportRules;
use lpkpi::rules::Profile;
use lpkpi::rules::capability::{ExamPass, Membership, Person};
use lpkpi::ui::{LpkpiApp, Panel};
use lpkpi::workspace::{Edit, ListEdit, Workspace};

fn main() {
    divan::main();
}

/// Purchases in the workspace.
const ROWS: usize = 200_000;

/// The window's size in points (the window's default).
const SIZE: egui::Vec2 = egui::vec2(1280.0, 820.0);

/// (part, name, type cell, components, unit price in cents): `benches/gen_big.py`'s catalog.
const CATALOG: &[(&str, &str, &str, u32, u64)] = &[
    (
        "AZ-104T00",
        "AZ-104T00: Microsoft Azure Administrator - Student Kit",
        "Microsoft Training Courseware",
        1,
        29500,
    ),
    (
        "AZ-900T00-A",
        "Microsoft Azure Fundamentals (DMOC)",
        "Microsoft Training Courseware",
        1,
        12000,
    ),
    (
        "20533C",
        "MOC 20533C Implementing Microsoft Azure Infrastructure Solutions",
        "MOC",
        1,
        31050,
    ),
    (
        "10961",
        "Automating Administration with Windows PowerShell",
        "Courseware",
        1,
        27500,
    ),
    (
        "40567",
        "40567A Microsoft Training Course: Power BI in a Day",
        "Microsoft Training Courses",
        1,
        9999,
    ),
    (
        "405123",
        "Microsoft Cloud Workshop: Serverless architecture",
        "Microsoft Cloud Workshops",
        1,
        15000,
    ),
    (
        "MS-4004",
        "MS-4004 Empower your workforce with Copilot",
        "Microsoft Training Courseware",
        1,
        8000,
    ),
    (
        "DP-900T00",
        "MOC On-Demand: Azure Data Fundamentals (180-day access)",
        "MOC On-Demand",
        1,
        21000,
    ),
    (
        "MS-700T00",
        "MS-700T00 Managing Microsoft Teams, Collaboration Courseware",
        "Microsoft Training Courseware",
        1,
        26000,
    ),
    (
        "PKG-AZ-ADMIN",
        "Packaged Set: Azure Administrator learning path",
        "Packaged Set",
        3,
        70000,
    ),
    (
        "MTA-98-364",
        "MTA Courseware 98-364 Database Fundamentals",
        "MTA Courseware",
        1,
        6000,
    ),
    (
        "MCCV-AZ900",
        "Microsoft Course Certificate Voucher - Azure Fundamentals",
        "Course Certificate Voucher",
        1,
        3500,
    ),
    (
        "MCCV-SET-5",
        "Packaged Set: Course Certificate Vouchers (5 courses)",
        "Course Certificate Voucher",
        5,
        16000,
    ),
    (
        "AZ-104-VCH",
        "Microsoft Certified Professional Exam Voucher AZ-104",
        "Microsoft Exams",
        1,
        16500,
    ),
    (
        "EXB-AZ-305",
        "Exam Bundle AZ-305 with Retake and Practice Test",
        "Microsoft Exams",
        1,
        23000,
    ),
    (
        "AZ-EXAM-SET",
        "Azure Exam Set (packaged)",
        "Microsoft Exams",
        1,
        48000,
    ),
    (
        "MTA-EXV-361",
        "MTA Exam Voucher 98-361",
        "Microsoft Exams",
        1,
        12700,
    ),
    (
        "LAB-AZ104",
        "Microsoft Labs Online - AZ-104 (180 days)",
        "Microsoft Authorized Labs",
        1,
        4500,
    ),
    (
        "MAL-DP203",
        "DP-203 Authorized Lab access",
        "Microsoft Authorized Labs",
        1,
        5500,
    ),
    (
        "FL-COPILOT",
        "First Look Clinic: Copilot for Microsoft 365",
        "First Look",
        1,
        0,
    ),
    (
        "FREE-AI900",
        "AI-900 Free Content pack",
        "Free content",
        1,
        0,
    ),
    (
        "55238A",
        "55238A SharePoint Online for Administrators",
        "Other",
        1,
        19000,
    ),
    (
        "CAT-LUNCH",
        "Classroom catering (per student)",
        "Other",
        1,
        2500,
    ),
];

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// "$1,234.50".
fn dollars(cents: u64) -> String {
    let whole = (cents / 100).to_string();
    let mut grouped = String::new();
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(c);
    }
    format!("${grouped}.{:02}", cents % 100)
}

/// An export of `n` rows shaped like `benches/gen_big.py`'s (a fixed pseudo-random sequence).
fn export(n: usize) -> Vec<u8> {
    export_with(n, Orders::Digits)
}

/// How the order numbers of an [`export_with`] are written.
#[derive(Clone, Copy)]
enum Orders {
    /// Ascending digits, gen_big.py's ("10000001").
    Digits,
    /// Texts in no order ("SO-48213967"), the 3 lines of an order sharing one.
    Texts,
    /// Texts in no order with the line after them ("PO-48213967-02"): each line its own,
    /// the lines of an order tied on the 8 bytes after "PO-".
    TextsWithLine,
}

/// [`export`], its order numbers written as `orders` says.
fn export_with(n: usize, orders: Orders) -> Vec<u8> {
    let mut s = String::from(
        "Order Number,Line,Invoice Date,Part Number,Product Name,Product Type,Quantity,Unit Price,Total,Currency,Status\n",
    );
    let mut seed: u64 = 7;
    let mut next = |m: u64| {
        seed = seed
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (seed >> 33) % m
    };
    let start = day("2026-01-01");
    let mut order = 10_000_000;
    for i in 0..n {
        if i % 3 == 0 {
            order += 1;
        }
        let (part, name, kind, _, price) = CATALOG[next(CATALOG.len() as u64) as usize];
        let q = 1 + next(39);
        let date = start + chrono::Duration::days(next(500) as i64);
        let digital = if i % 7 == 0 { ", Digital" } else { "" };
        let scrambled = (order as u64 * 2_654_435_761) % 100_000_000;
        let order = match orders {
            Orders::Digits => order.to_string(),
            Orders::Texts => format!("SO-{scrambled}"),
            Orders::TextsWithLine => format!("PO-{scrambled:08}-{:02}", i % 3 + 1),
        };
        writeln!(
            s,
            "{order},{},{},{part},\"{name}{digital}\",{kind},{q},\"{}\",\"{}\",USD,Invoiced",
            i % 3 + 1,
            date.format("%m/%d/%Y"),
            dollars(price),
            dollars(price * q)
        )
        .unwrap();
    }
    s.into_bytes()
}

/// The partner: 200,000 purchases, an anniversary, a few trainers with exam passes.
fn workspace() -> Workspace {
    workspace_with(export(ROWS))
}

/// [`workspace`] with these purchases.
fn workspace_with(export: Vec<u8>) -> Workspace {
    let mut ws = Workspace::new("Big Learning", Some("gold"), Some(day("2027-01-01")));
    let rules = ImportRules::new(&Profile::builtin().unwrap());
    for o in ws.import_files(
        &[("big200k.csv".to_string(), export)],
        &rules,
        day("2026-11-01").and_hms_opt(9, 0, 0).unwrap(),
    ) {
        o.unwrap();
    }
    assert_eq!(ws.rows.len(), ROWS);
    for (i, name) in [
        "Ada Lovelace",
        "Grace Hopper",
        "Alan Turing",
        "Edsger Dijkstra",
    ]
    .iter()
    .enumerate()
    {
        ws.apply(Edit::People(ListEdit::Add(Person {
            name: (*name).into(),
            mct: Some(Membership {
                id: format!("MCT{i}"),
                expiry: Some(day("2027-03-31")),
            }),
            passes: vec![ExamPass {
                exam: "AZ-104".into(),
                date: Some(day("2026-02-01")),
                expiry: None,
            }],
        })))
        .unwrap();
    }
    ws
}

/// The app with its figures settled, and the clock of the frames driven.
struct Fixture {
    ctx: egui::Context,
    app: LpkpiApp,
    frame: eframe::Frame,
    time: f64,
}

thread_local! {
    /// One app for every bench (deriving 200,000 purchases' figures takes a while).
    static FIXTURE: RefCell<Option<Fixture>> = const { RefCell::new(None) };
}

impl Fixture {
    fn new() -> Fixture {
        let ctx = egui::Context::default();
        let cc = eframe::CreationContext::_new_kittest(ctx.clone());
        // the figures are derived here, as the worker does after an open
        let app = LpkpiApp::with_workspace(&cc, workspace(), day("2026-11-26"));
        assert!(app.state.outcome().is_some(), "figures derived");
        let mut fx = Fixture {
            ctx,
            app,
            frame: eframe::Frame::_new_kittest(),
            time: 0.0,
        };
        for _ in 0..5 {
            fx.frame(Vec::new());
        }
        fx
    }

    /// One frame: the app's `ui` laid out, then tessellated. Returns the number of meshes.
    fn frame(&mut self, events: Vec<egui::Event>) -> usize {
        self.time += 1.0 / 60.0;
        let input = egui::RawInput {
            screen_rect: Some(egui::Rect::from_min_size(egui::Pos2::ZERO, SIZE)),
            time: Some(self.time),
            predicted_dt: 1.0 / 60.0,
            events,
            ..Default::default()
        };
        let app = &mut self.app;
        let frame = &mut self.frame;
        let out = self.ctx.run_ui(input, |ui| app.ui(ui, frame));
        let meshes = self.ctx.tessellate(out.shapes, out.pixels_per_point);
        meshes.len()
    }

    /// The texts drawn by one frame (to check what it shows).
    fn texts(&mut self) -> String {
        self.time += 1.0 / 60.0;
        let input = egui::RawInput {
            screen_rect: Some(egui::Rect::from_min_size(egui::Pos2::ZERO, SIZE)),
            time: Some(self.time),
            ..Default::default()
        };
        let app = &mut self.app;
        let frame = &mut self.frame;
        let out = self.ctx.run_ui(input, |ui| app.ui(ui, frame));
        let mut all = String::new();
        for clipped in out.shapes {
            collect_text(&clipped.shape, &mut all);
        }
        all
    }

    /// Show `panel`, scrolled to the top (or the purchases table to its middle row).
    fn show(&mut self, panel: Panel, middle: bool) {
        self.app.state.panel = panel;
        // a fresh scroll position: the pointer leaves, the table scrolls back to the top
        self.frame(vec![egui::Event::PointerGone]);
        let wheel = |phase, dy: f32| egui::Event::MouseWheel {
            unit: egui::MouseWheelUnit::Point,
            delta: egui::vec2(0.0, dy),
            phase,
            source: egui::MouseWheelSource::Unknown,
            modifiers: egui::Modifiers::NONE,
        };
        let over_table = egui::Event::PointerMoved(egui::pos2(SIZE.x / 2.0, SIZE.y / 2.0));
        self.frame(vec![
            over_table.clone(),
            wheel(egui::TouchPhase::Start, 0.0),
            wheel(egui::TouchPhase::Move, 1e9),
        ]);
        self.frame(vec![over_table.clone(), wheel(egui::TouchPhase::End, 0.0)]);
        if middle {
            // rows are 22 points high and 6 apart (the table adds the item spacing)
            let to_middle = -(ROWS as f32 / 2.0) * 28.0;
            self.frame(vec![
                over_table.clone(),
                wheel(egui::TouchPhase::Start, 0.0),
                wheel(egui::TouchPhase::Move, to_middle),
            ]);
            self.frame(vec![over_table, wheel(egui::TouchPhase::End, 0.0)]);
        }
        self.frame(vec![egui::Event::PointerGone]);
        for _ in 0..3 {
            self.frame(Vec::new());
        }
    }
}

fn collect_text(shape: &egui::Shape, out: &mut String) {
    match shape {
        egui::Shape::Text(t) => {
            out.push_str(t.galley.text());
            out.push('\n');
        }
        egui::Shape::Vec(shapes) => shapes.iter().for_each(|s| collect_text(s, out)),
        _ => {}
    }
}

/// The panels (and table positions) timed.
const PANELS: &[&str] = &[
    "dashboard",
    "charts",
    "purchases top",
    "purchases middle",
    "capability",
    "reconciliation",
    "settings",
    "log",
];

fn panel(name: &str) -> (Panel, bool) {
    match name {
        "purchases top" => (Panel::Purchases, false),
        "purchases middle" => (Panel::Purchases, true),
        other => (Panel::parse(other).unwrap(), false),
    }
}

/// One steady frame of each panel.
#[divan::bench(args = PANELS)]
fn frame(bencher: divan::Bencher, name: &str) {
    FIXTURE.with_borrow_mut(|fx| {
        let fx = fx.get_or_insert_with(Fixture::new);
        let (p, middle) = panel(name);
        fx.show(p, middle);
        let texts = fx.texts();
        let expected = match p {
            Panel::Dashboard => "KPI units",
            Panel::Charts => "deadline",
            Panel::Capability => "Grace Hopper",
            Panel::Settings => "Big Learning",
            Panel::Reconciliation => "dashboard",
            _ => "",
        };
        assert!(texts.contains(expected), "{name}: {expected:?} not drawn");
        if p == Panel::Purchases {
            // the table shows the rows asked for
            let texts = fx.texts();
            let lines: Vec<u32> = texts
                .lines()
                .filter_map(|l| l.strip_prefix("line ")?.split(' ').next()?.parse().ok())
                .collect();
            let first = lines.iter().min().copied().unwrap_or(0);
            assert!(!lines.is_empty(), "{name}: no row shown");
            if middle {
                assert!(
                    (80_000..120_000).contains(&first),
                    "{name}: first line shown {first}"
                );
            } else {
                assert!(first <= 3, "{name}: first line shown {first}");
            }
        }
        bencher.bench_local(|| fx.frame(Vec::new()));
    });
}

/// The app at 200,000 purchases in egui_kittest's harness, on the purchases panel.
fn purchases_window() -> egui_kittest::Harness<'static, LpkpiApp> {
    purchases_window_of(workspace())
}

/// [`purchases_window`] on this workspace.
fn purchases_window_of(ws: Workspace) -> egui_kittest::Harness<'static, LpkpiApp> {
    let mut h = egui_kittest::Harness::builder()
        .with_size(SIZE)
        .build_eframe(|cc| LpkpiApp::with_workspace(cc, ws, day("2026-11-26")));
    h.state_mut().state.panel = Panel::Purchases;
    h.run_steps(3);
    h
}

/// The frame after a character is typed into the purchases filter: the rows shown (and their
/// totals) are worked out again over every row. Driven through egui_kittest (to focus the field
/// and type), whose step also builds the AccessKit tree: an upper bound of the app's frame.
#[divan::bench(sample_count = 20, sample_size = 1)]
fn frame_after_filter_change(bencher: divan::Bencher) {
    use egui_kittest::kittest::Queryable;
    let mut h = purchases_window();
    h.get_by_label("Filter").focus();
    h.run_steps(2);
    // a letter no row holds, once more each time: every keystroke changes the filter
    bencher.bench_local(|| {
        h.get_by_label("Filter").type_text("q");
        h.step();
    });
}

/// The frame after a character that most rows hold ("e") is typed into the empty purchases
/// filter: the rows shown, and their totals, are nearly all of them (between samples, untimed,
/// the character is deleted again).
#[divan::bench(sample_count = 20, sample_size = 1)]
fn frame_after_filter_change_matching(bencher: divan::Bencher) {
    use egui_kittest::kittest::Queryable;
    let mut h = purchases_window();
    h.get_by_label("Filter").focus();
    h.run_steps(2);
    let h = RefCell::new(h);
    bencher
        .with_inputs(|| {
            let mut h = h.borrow_mut();
            h.key_press(egui::Key::Backspace);
            h.step();
        })
        .bench_local_values(|()| {
            let mut h = h.borrow_mut();
            h.get_by_label("Filter").type_text("e");
            h.step();
        });
}

/// The frames after a column header of the purchases table is clicked, at 200,000 rows: the
/// click's frame turns the arrow; the next one starts the sort on a worker thread (a table of
/// more than 20,000 rows; a smaller one is sorted in that frame); the rows keep their order
/// until it arrives. Timed: that next frame (between samples, untimed, the table goes back to
/// file order and the click's frame is drawn). Driven through egui_kittest, as the filter.
#[divan::bench(
    args = ["Date", "Order", "Part", "Product", "Line", "Kits", "KPI", "Revenue", "Fate"],
    sample_count = 20,
    sample_size = 1
)]
fn frame_after_sort_click(bencher: divan::Bencher, column: &str) {
    sort_click(bencher, purchases_window(), column, Timed::Frame);
}

/// From the click on a header to the frame that shows the rows in their new order (the sort
/// on its worker, and every frame meanwhile): what a person waits.
#[divan::bench(
    args = ["Date", "Order", "Product", "Revenue"],
    sample_count = 10,
    sample_size = 1
)]
fn sort_click_until_sorted(bencher: divan::Bencher, column: &str) {
    sort_click(bencher, purchases_window(), column, Timed::UntilSorted);
}

/// [`frame_after_sort_click`] and [`sort_click_until_sorted`] on the Order header when the
/// order numbers are texts in no order, sorted as texts: "SO-48213967" (`short`), or
/// "PO-48213967-02" (`with_line`: 200,000 distinct texts, tied in threes on their first 11
/// bytes).
#[divan::bench(
    args = ["short frame", "short until sorted", "with_line frame", "with_line until sorted"],
    sample_count = 10,
    sample_size = 1
)]
fn sort_click_text_orders(bencher: divan::Bencher, what: &str) {
    let orders = if what.starts_with("short") {
        Orders::Texts
    } else {
        Orders::TextsWithLine
    };
    let timed = if what.ends_with("frame") {
        Timed::Frame
    } else {
        Timed::UntilSorted
    };
    sort_click(
        bencher,
        purchases_window_of(workspace_with(export_with(ROWS, orders))),
        "Order",
        timed,
    );
}

/// What a sort bench times.
#[derive(Clone, Copy, PartialEq)]
enum Timed {
    /// The frame after the click's.
    Frame,
    /// The click's frame and every frame until the rows are in their new order.
    UntilSorted,
}

/// Time a click on `column`'s header (see [`Timed`]), on the table back in file order.
fn sort_click(
    bencher: divan::Bencher,
    h: egui_kittest::Harness<'static, LpkpiApp>,
    column: &str,
    timed: Timed,
) {
    use egui_kittest::kittest::Queryable;
    let h = RefCell::new(h);
    let sorting = |h: &egui_kittest::Harness<'static, LpkpiApp>| {
        h.query_by_label_contains("sorting…").is_some()
    };
    // every frame until no sort runs
    let settle = |h: &mut egui_kittest::Harness<'static, LpkpiApp>| {
        h.step();
        while sorting(h) {
            std::thread::sleep(std::time::Duration::from_micros(200));
            h.step();
        }
    };
    let click = |name: &str| {
        let mut h = h.borrow_mut();
        let labels = [name.to_string(), format!("{name} ▲"), format!("{name} ▼")];
        // the lowest node of that name ("Line" is also the filter's label above the table)
        let header = labels
            .iter()
            .find_map(|l| {
                h.query_all_by_label(l)
                    .max_by(|a, b| a.rect().min.y.total_cmp(&b.rect().min.y))
            })
            .expect("the column's header");
        header.click();
        h.step();
    };
    match timed {
        Timed::Frame => bencher
            .with_inputs(|| {
                click("Source");
                settle(&mut h.borrow_mut());
                click(column);
            })
            .bench_local_values(|()| h.borrow_mut().step()),
        Timed::UntilSorted => bencher
            .with_inputs(|| {
                click("Source");
                settle(&mut h.borrow_mut());
            })
            .bench_local_values(|()| {
                click(column);
                settle(&mut h.borrow_mut());
            }),
    }
}
