//! The window, headless (egui_kittest): a dropped export through the preview to the
//! dashboard, reclassifying a row, adding a trainer, undo, and the charts with and without data.
#![cfg(feature = "gui")]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "tests and benchmarks fail by panicking"
)]

use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use eframe::egui;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use lpkpi::import::ImportRules;
use lpkpi::import::values::Currency;
use lpkpi::rules::capability::{Competency, ExamPass, ExamRule, Membership, Person};
use lpkpi::rules::{ProductLine, Profile};
use lpkpi::ui::LpkpiApp;
use lpkpi::workspace::Workspace;
use lpkpi::workspace::model::Rate;
use lpkpi::workspace::session::Session;
use rust_decimal::Decimal;

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn data() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data")
}

const FIXTURES: [&str; 5] = [
    "orders-basic.csv",
    "orders-unicode.txt",
    "rechnungen.csv",
    "orders.xlsx",
    "bad-rows.csv",
];

/// A file dropped on the window, as the integration would hand it over.
#[derive(Debug)]
struct Dropped {
    path: PathBuf,
}

impl egui::DroppedFile for Dropped {
    fn path(&self) -> &Path {
        &self.path
    }
    fn bytes(&self) -> Result<Vec<u8>, String> {
        std::fs::read(&self.path).map_err(|e| e.to_string())
    }
}

fn partner() -> Workspace {
    let mut ws = Workspace::new("Contoso Learning", Some("silver"), Some(d("2026-10-01")));
    ws.rates.push(Rate {
        currency: Currency::EUR,
        month: None,
        usd_per: Decimal::from_str("1.10").unwrap(),
    });
    ws
}

fn imported() -> Workspace {
    let mut ws = partner();
    let files: Vec<(String, Vec<u8>)> = FIXTURES
        .iter()
        .map(|f| (f.to_string(), std::fs::read(data().join(f)).unwrap()))
        .collect();
    let rules = ImportRules::new(&Profile::builtin().unwrap());
    for o in ws.import_files(
        &files,
        &rules,
        d("2026-09-01").and_hms_opt(8, 0, 0).unwrap(),
    ) {
        o.unwrap();
    }
    ws
}

fn harness(ws: Workspace) -> Harness<'static, LpkpiApp> {
    harness_sized(ws, egui::vec2(1280.0, 900.0))
}

/// The window on `ws`, `size` points large, on 2026-09-15.
fn harness_sized(ws: Workspace, size: egui::Vec2) -> Harness<'static, LpkpiApp> {
    let mut h = Harness::builder()
        .with_size(size)
        .build_eframe(move |cc| LpkpiApp::with_workspace(cc, ws, d("2026-09-15")));
    h.run_steps(3);
    h
}

/// The window opening the workspace at `path`, as `lpkpi open` does (on 2026-09-15).
fn harness_opening(path: &Path) -> Harness<'static, LpkpiApp> {
    let options = lpkpi::ui::LaunchOptions {
        workspace: Some(path.to_path_buf()),
        today: d("2026-09-15"),
        screenshot: None,
        size: None,
        ephemeral: true,
        typed_paths: true,
        failure: Default::default(),
    };
    Harness::builder()
        .with_size(egui::vec2(1280.0, 900.0))
        .build_eframe(move |cc| LpkpiApp::new(cc, options))
}

/// How long [`wait`] waits for the workers: a debug build on a loaded 2-core machine parses
/// the large files of some tests slowly.
const WAIT_AT_MOST: Duration = Duration::from_secs(if cfg!(debug_assertions) { 120 } else { 30 });

/// A stand-in for a task running on a worker (reading an import, opening a workspace): the
/// window treats it as it treats the real one, and the test ends it by setting `running` to
/// None.
fn stand_in_task(h: &mut Harness<'static, LpkpiApp>, label: &str) {
    h.state_mut().state.running = Some(lpkpi::ui::state::Running {
        label: label.into(),
        cancellable: false,
        measured: false,
    });
}

/// Step the window until `done` holds (jobs run on threads).
fn wait(h: &mut Harness<'static, LpkpiApp>, what: &str, done: impl Fn(&LpkpiApp) -> bool) {
    let start = Instant::now();
    while !done(h.state()) {
        assert!(
            start.elapsed() < WAIT_AT_MOST,
            "timed out waiting for {what}"
        );
        h.step();
        std::thread::sleep(Duration::from_millis(10));
    }
    h.run_steps(2);
}

/// Step until the figures are those of the workspace (they are derived on a worker thread).
fn settle(h: &mut Harness<'static, LpkpiApp>) {
    wait(h, "the figures", |app| !app.busy());
}

fn totals(app: &LpkpiApp) -> (Decimal, Decimal) {
    let e = &app.state.outcome().expect("an evaluation").eval;
    (e.totals.kpi_units, e.totals.revenue_usd)
}

/// Type over what a labelled field holds (focus, select all, type).
fn retype(h: &mut Harness<'static, LpkpiApp>, label: &str, text: &str) {
    h.get_by_label(label).focus();
    h.run_steps(1);
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    h.get_by_label(label).type_text(text);
    h.run_steps(2);
    assert_eq!(
        h.get_by_label(label).value().as_deref(),
        Some(text),
        "{label}"
    );
}

/// Focus a labelled field (keyboard focus, as Tab would) and type into it.
fn type_into(h: &mut Harness<'static, LpkpiApp>, label: &str, text: &str) {
    h.get_by_label(label).focus();
    h.run_steps(1);
    h.get_by_label(label).type_text(text);
    h.run_steps(2);
    assert_eq!(
        h.get_by_label(label).value().as_deref(),
        Some(text),
        "{label}"
    );
}

/// The purchases table's rows (of the figures derived last).
fn table_rows<'a>(h: &'a Harness<'static, LpkpiApp>) -> &'a [lpkpi::ui::state::RowView] {
    &h.state().state.derived.as_ref().unwrap().rows
}

fn click_tab(h: &mut Harness<'static, LpkpiApp>, tab: &str) {
    h.get_by_label(tab).click();
    h.run_steps(2);
}

/// The keyboard in the modal questions: Escape cancels the import preview and the "Save
/// changes?" question, Enter takes their default (Confirm import, Save).
#[test]
fn escape_cancels_and_enter_confirms_the_import_preview_and_the_close_question() {
    let mut h = harness(partner());
    let drop_one = |h: &mut Harness<'static, LpkpiApp>| {
        h.input_mut().dropped_files.push(Arc::new(Dropped {
            path: data().join("orders-basic.csv"),
        }));
        h.step();
        wait(h, "the import preview", |app| app.state.preview.is_some());
        h.run_steps(2);
    };
    drop_one(&mut h);
    h.key_press(egui::Key::Escape);
    h.run_steps(2);
    assert!(h.state().state.preview.is_none(), "cancelled");
    assert!(h.state().state.workspace.batches.is_empty());

    drop_one(&mut h);
    assert!(h.get_by_label("Confirm import").is_focused(), "the default");
    h.key_press(egui::Key::Enter);
    h.run_steps(3);
    settle(&mut h);
    assert!(h.state().state.preview.is_none());
    assert_eq!(h.state().state.workspace.batches.len(), 1, "imported");

    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Q);
    h.run_steps(2);
    h.get_by_label("Save changes before closing?");
    assert!(h.get_by_label("Save").is_focused(), "the default");
    h.key_press(egui::Key::Escape);
    h.run_steps(2);
    assert!(h.query_by_label("Save changes before closing?").is_none());
    assert!(!h.state().closing());
    assert!(h.state().state.dirty(), "nothing discarded");
}

#[test]
fn dropped_exports_go_through_the_preview_to_the_dashboard() {
    let mut h = harness(partner());
    for f in FIXTURES {
        h.input_mut().dropped_files.push(Arc::new(Dropped {
            path: data().join(f),
        }));
    }
    h.step();
    wait(&mut h, "the import preview", |app| {
        app.state.preview.is_some()
    });
    {
        let p = h.state().state.preview.as_ref().unwrap();
        assert_eq!(p.files.len(), 5);
        assert_eq!(p.counts.read, 295);
        assert_eq!(p.counts.rejected, 2);
    }
    h.get_by_label_contains("rejected rows");
    h.get_by_label("Confirm import").click();
    h.run_steps(3);
    settle(&mut h);
    let app = h.state();
    assert!(app.state.preview.is_none());
    assert_eq!(app.state.workspace.batches.len(), 5);
    assert!(app.state.dirty(), "an import is an unsaved change");
    assert!(app.state.title().starts_with("● "), "{}", app.state.title());

    // the dashboard's figures are the core's report, and the shared expected.json
    let ws = imported();
    let core = Session::new(&ws)
        .unwrap()
        .evaluate(&ws, d("2026-10-01"), d("2026-09-15"), None)
        .eval;
    let e = &app.state.outcome().unwrap().eval;
    assert_eq!(e.totals, core.totals);
    assert_eq!(e.monthly, core.monthly);
    assert_eq!(e.by_line, core.by_line);
    assert_eq!(e.counts, core.counts);
    assert_eq!(
        totals(app),
        (Decimal::from(761), Decimal::from_str("212852.72").unwrap())
    );
    h.get_by_label_contains("761 of 200 KPI units");
    h.get_by_label_contains("761 of 5,000 KPI units, 4,239 short");
    h.get_by_label_contains("$212,852.72 of $500,000.00, $287,147.28 short");

    // undo takes the import back
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Z);
    h.run_steps(3);
    assert_eq!(h.state().state.workspace.batches.len(), 0);
}

#[test]
fn reclassifying_a_row_changes_the_totals() {
    let mut h = harness(imported());
    let before = h.state().state.outcome().unwrap().eval.by_line[ProductLine::Lab.index()];
    let catering_kits = table_rows(&h)
        .iter()
        .filter(|r| &*r.part == "CAT-LUNCH" && r.fate == lpkpi::rules::figures::RowFate::Counted)
        .map(|r| r.kits)
        .sum::<i64>();
    assert!(catering_kits > 0);
    click_tab(&mut h, "Purchases");
    type_into(&mut h, "Filter", "CAT-LUNCH");
    h.get_by_label_contains("of 295 rows");
    h.get_all_by_label("CAT-LUNCH")
        .next()
        .expect("a catering row")
        .click();
    h.run_steps(3);
    settle(&mut h);
    assert!(h.state().state.selected_row.is_some());
    // the row's values as its file has them, to compare with the export
    h.get_by_label(
        "order 5008 · line 1 · 2026-03-26 · quantity 1 · 1 component · amount USD 25.00",
    );
    h.get_by_label("Classify as Labs (revenue only)").click();
    h.run_steps(3);
    settle(&mut h);
    let app = h.state();
    assert_eq!(
        app.state.workspace.catalog.get("CAT-LUNCH").map(|c| c.line),
        Some(ProductLine::Lab)
    );
    let after = app.state.outcome().unwrap().eval.by_line[ProductLine::Lab.index()];
    assert_eq!(
        after.kits,
        before.kits + catering_kits,
        "the catering kits moved to lab"
    );
    assert!(
        after.revenue_usd > before.revenue_usd,
        "and their revenue now counts"
    );
    // the table and the row's panel name the line as the summary does
    h.get_by_label_contains("Classified as Labs (revenue only)");
    assert!(h.query_all_by_label("Labs (revenue only)").count() >= 1);
    assert!(h.query_by_label("lab").is_none(), "not the report's key");
    // and so do the undo menu and the log
    assert_eq!(
        h.state().state.undo.back().map(|(_, what)| what.as_str()),
        Some("classify CAT-LUNCH as Labs (revenue only)")
    );
    assert_eq!(
        h.state().state.notes.last().map(|n| n.text.as_str()),
        Some("Changed: classify CAT-LUNCH as Labs (revenue only)")
    );
}

fn ana() -> Person {
    Person {
        name: "Ana Ruiz".into(),
        mct: Some(Membership {
            id: "1001".into(),
            expiry: Some(d("2027-06-30")),
        }),
        passes: vec![ExamPass {
            exam: "AZ-104".into(),
            date: Some(d("2025-01-10")),
            expiry: None,
        }],
    }
}

/// Silver's requirement `r` (met, not met or unknown).
fn silver(app: &LpkpiApp, r: lpkpi::rules::figures::Requirement) -> Option<bool> {
    app.state.outcome().unwrap().eval.levels[1]
        .checks
        .iter()
        .find(|c| c.requirement == r)
        .unwrap()
        .met
}

#[test]
fn adding_a_trainer_flips_the_mct_requirement_and_undo_restores() {
    let mut ws = imported();
    ws.people.push(ana());
    let mut h = harness(ws);
    let silver_mct = |app: &LpkpiApp| silver(app, lpkpi::rules::figures::Requirement::Mct);
    assert_eq!(silver_mct(h.state()), Some(false), "Silver needs 2 MCTs");
    click_tab(&mut h, "Capability");
    assert!(h.get_all_by_label_contains("✔ valid").count() >= 1);
    for (field, text) in [
        ("Person name", "Ben Ode"),
        ("MCT ID, if a trainer", "1002"),
        ("Membership until", "2027-12-31"),
    ] {
        type_into(&mut h, field, text);
    }
    h.get_by_label("Add person").click();
    h.run_steps(3);
    settle(&mut h);
    let people = &h.state().state.workspace.people;
    assert_eq!(people.len(), 2);
    assert_eq!(
        people[1].mct.as_ref().and_then(|m| m.expiry),
        Some(d("2027-12-31"))
    );
    assert_eq!(silver_mct(h.state()), Some(true));
    // undo restores the list and the requirement
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Z);
    h.run_steps(3);
    settle(&mut h);
    assert_eq!(h.state().state.workspace.people.len(), 1);
    assert_eq!(silver_mct(h.state()), Some(false));
    // and redo brings it back
    h.key_press_modifiers(
        egui::Modifiers::COMMAND.plus(egui::Modifiers::SHIFT),
        egui::Key::Z,
    );
    h.run_steps(3);
    settle(&mut h);
    assert_eq!(silver_mct(h.state()), Some(true));
}

/// One entry: a person with an MCT ID and an exam pass counts as a trainer and for the exam
/// rule, so Silver's MCT and exam requirements flip together (and one undo reverts both).
#[test]
fn adding_a_person_with_passes_and_an_mct_id_flips_both_requirements() {
    use lpkpi::rules::figures::Requirement;
    let mut ws = imported();
    ws.people.push(ana());
    ws.competencies.push(Competency {
        name: "Cloud Platform".into(),
        rules: vec![ExamRule {
            level: "silver".into(),
            people: 2,
            exams: vec!["AZ-104".into(), "AZ-305".into()],
        }],
    });
    let mut h = harness(ws);
    let both = |app: &LpkpiApp| {
        (
            silver(app, Requirement::Mct),
            silver(app, Requirement::Exams),
        )
    };
    assert_eq!(both(h.state()), (Some(false), Some(false)));
    click_tab(&mut h, "Capability");
    type_into(&mut h, "Person name", "Ben Ode");
    type_into(&mut h, "MCT ID, if a trainer", "1002");
    type_into(&mut h, "Membership until", "2027-12-31");
    type_into(&mut h, "Exam", "AZ-305");
    type_into(&mut h, "Passed on", "2025-04-02");
    h.get_by_label("Add pass").click();
    h.run_steps(2);
    h.get_by_label_contains("AZ-305 2025-04-02");
    assert_eq!(
        h.state().state.workspace.people.len(),
        1,
        "the pass waits on the draft"
    );
    h.get_by_label("Add person").click();
    h.run_steps(3);
    settle(&mut h);
    let ws = &h.state().state.workspace;
    assert_eq!(ws.people.len(), 2);
    assert_eq!(ws.people[1].passes.len(), 1);
    assert_eq!(both(h.state()), (Some(true), Some(true)));
    // the row reads as a valid trainer with the pass
    h.get_by_label("Ben Ode");
    h.get_by_label_contains("AZ-305 2025-04-02");
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Z);
    h.run_steps(3);
    settle(&mut h);
    assert_eq!(both(h.state()), (Some(false), Some(false)));
}

#[test]
fn a_bad_date_shows_its_error_beside_the_field() {
    let mut h = harness(imported());
    click_tab(&mut h, "Capability");
    type_into(&mut h, "Exam", "AZ-104");
    type_into(&mut h, "Passed on", "2025-13-45");
    h.get_by_label("Add pass").click();
    h.run_steps(3);
    let field = h.get_by_label("Passed on").rect();
    let error = h.get_by_label_contains("'2025-13-45' is not a date").rect();
    // right under the field, in its column: not at the end of the panel
    assert!(
        error.top() >= field.bottom() - 1.0 && error.top() - field.bottom() < 24.0,
        "{field:?} {error:?}"
    );
    assert!(
        error.left() < field.right() && error.right() > field.left() - 120.0,
        "{field:?} {error:?}"
    );
    assert!(h.state().state.workspace.people.is_empty(), "nothing added");
}

#[test]
fn an_empty_date_field_shows_no_date_and_its_calendar_opens_on_today() {
    let mut h = harness(imported());
    click_tab(&mut h, "Capability");
    assert_eq!(
        h.get_by_label("Membership until").value().as_deref(),
        Some("")
    );
    // no date anywhere beside the empty fields (the old picker showed 2026-01-01): the
    // calendar buttons say what they are
    assert!(h.query_by_label_contains("2026-01-01").is_none());
    assert_eq!(h.get_all_by_label("Calendar").count(), 3);
    // the calendar button beside "Membership until" opens on today's month: saving it
    // unchanged gives today
    h.get_all_by_label("Calendar").next().unwrap().click();
    h.run_steps(3);
    h.get_by_label("Save").click();
    h.run_steps(3);
    assert_eq!(
        h.get_by_label("Membership until").value().as_deref(),
        Some("2026-09-15")
    );
}

#[test]
fn selecting_a_row_then_remove_removes_it_and_undo_restores() {
    let mut ws = imported();
    ws.people.push(ana());
    ws.people.push(Person {
        name: "Cy Bell".into(),
        ..Person::default()
    });
    let mut h = harness(ws);
    click_tab(&mut h, "Capability");
    // one Edit and one Remove, for the selected row, not a pair per row
    assert!(h.query_by_label_contains("Remove Ana Ruiz").is_none());
    assert!(
        h.get_by_label("Remove").accesskit_node().is_disabled(),
        "nothing selected yet"
    );
    h.get_by_label("Cy Bell").click();
    h.run_steps(2);
    h.get_by_label("Remove Cy Bell").click();
    h.run_steps(3);
    settle(&mut h);
    let names = |h: &Harness<'static, LpkpiApp>| -> Vec<String> {
        h.state()
            .state
            .workspace
            .people
            .iter()
            .map(|p| p.name.clone())
            .collect()
    };
    assert_eq!(names(&h), ["Ana Ruiz"]);
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Z);
    h.run_steps(3);
    settle(&mut h);
    assert_eq!(names(&h), ["Ana Ruiz", "Cy Bell"]);
    // Edit fills the form with the selected person, passes included; Save replaces them
    h.get_by_label("Ana Ruiz").click();
    h.run_steps(2);
    h.get_by_label("Edit Ana Ruiz").click();
    h.run_steps(2);
    assert_eq!(
        h.get_by_label("MCT ID, if a trainer").value().as_deref(),
        Some("1001")
    );
    // in the table and on the form's draft
    assert_eq!(h.get_all_by_label_contains("AZ-104 2025-01-10").count(), 2);
    type_into(&mut h, "Exam", "AZ-305");
    type_into(&mut h, "Passed on", "2025-03-03");
    h.get_by_label("Add pass").click();
    h.run_steps(2);
    h.get_by_label("Save person").click();
    h.run_steps(3);
    settle(&mut h);
    assert_eq!(names(&h), ["Ana Ruiz", "Cy Bell"]);
    assert_eq!(h.state().state.workspace.people[0].passes.len(), 2);
}

#[test]
fn charts_render_with_data_and_with_none() {
    let mut h = harness(imported());
    click_tab(&mut h, "Charts");
    h.get_by_label("Save chart…");
    h.get_by_label("Revenue (USD)").click();
    h.run_steps(3);
    h.get_by_label_contains("Actual $212,852.72");

    let mut empty = harness(Workspace::default());
    click_tab(&mut empty, "Charts");
    empty.get_by_label_contains("No chart yet");

    let mut no_rows = harness(partner());
    click_tab(&mut no_rows, "Charts");
    no_rows.get_by_label_contains("Actual 0 KPI units");
}

/// The whole loop a new user does: a new workspace, drop the shared fixtures, fix an unknown
/// product, add trainers and the exam rule, read the verdict, export the summary, save.
#[test]
fn the_whole_loop_from_drop_to_export() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = harness(partner());
    for f in FIXTURES {
        h.input_mut().dropped_files.push(Arc::new(Dropped {
            path: data().join(f),
        }));
    }
    h.step();
    wait(&mut h, "the import preview", |app| {
        app.state.preview.is_some()
    });
    h.get_by_label("Confirm import").click();
    h.run_steps(3);
    settle(&mut h);

    // fix an unknown product: the catering rows are not training
    click_tab(&mut h, "Purchases");
    h.get_by_label("Needs review only").click();
    h.run_steps(2);
    type_into(&mut h, "Filter", "catering");
    h.get_all_by_label("CAT-LUNCH")
        .next()
        .expect("a catering row")
        .click();
    h.run_steps(3);
    settle(&mut h);
    h.get_by_label("Classify as Free content (adds nothing)")
        .click();
    h.run_steps(3);
    settle(&mut h);
    assert_eq!(
        h.state()
            .state
            .workspace
            .catalog
            .get("CAT-LUNCH")
            .map(|c| c.line),
        Some(ProductLine::Excluded)
    );

    // two trainers, one of them with an exam pass (recorded on her), the Silver exam rule
    click_tab(&mut h, "Capability");
    for (name, id, pass) in [("Ana Ruiz", "1001", true), ("Ben Ode", "1002", false)] {
        type_into(&mut h, "Person name", name);
        type_into(&mut h, "MCT ID, if a trainer", id);
        type_into(&mut h, "Membership until", "2027-06-30");
        if pass {
            type_into(&mut h, "Exam", "AZ-104");
            type_into(&mut h, "Passed on", "2025-04-02");
            h.get_by_label("Add pass").click();
            h.run_steps(2);
        }
        h.get_by_label("Add person").click();
        h.run_steps(3);
        settle(&mut h);
    }
    type_into(&mut h, "Competency", "Cloud Platform");
    h.get_by_label("Rule level").click();
    h.run_steps(2);
    h.get_by_label("Silver").click();
    h.run_steps(2);
    type_into(&mut h, "People needed", "1");
    type_into(&mut h, "Exams (comma-separated)", "AZ-104, AZ-305");
    h.get_by_label("Add rule").click();
    h.run_steps(3);
    settle(&mut h);
    let ws = &h.state().state.workspace;
    assert_eq!(
        (
            ws.people.len(),
            ws.people.iter().filter(|p| p.mct.is_some()).count(),
            ws.competencies.len()
        ),
        (2, 2, 1)
    );
    // the rule is said as the summary says it, the level by its name
    h.get_by_label_contains("Silver rule: 1 person needed with AZ-104 / AZ-305");

    // the verdict
    click_tab(&mut h, "Dashboard");
    h.get_by_label_contains("Keeps Silver");
    // the level's card names the competency and who counts
    h.get_by_label("Cloud Platform: 1 of 1 person with AZ-104 / AZ-305");
    let v = h
        .state()
        .state
        .outcome()
        .unwrap()
        .eval
        .verdict
        .clone()
        .unwrap();
    assert_eq!(
        (v.outcome, v.to.as_deref()),
        (lpkpi::rules::verdict::Outcome::Keeps, Some("silver"))
    );

    // export the summary as PDF (Ctrl+E), typing the path
    let summary = dir.path().join("summary.pdf");
    type_export_path(&mut h, &summary);
    h.get_by_label("Use this path").click();
    h.run_steps(2);
    // the file is in place a moment before the worker's message that says so reaches the
    // window: wait for the notification, not for the file alone
    wait(&mut h, "the export's notification", |app| {
        app.state
            .notes
            .iter()
            .any(|n| n.file.as_deref() == Some(summary.as_path()))
    });
    assert!(summary.exists());
    // the notification offers the file (looked at first: it is shown for a few seconds, and
    // reading the PDF back below takes a while in a debug build on a busy machine; its
    // seconds start again here, so a slow machine has not used them up already)
    for note in &mut h.state_mut().state.notes {
        note.shown = Instant::now();
    }
    h.run_steps(1);
    h.get_by_label("Open");
    h.get_by_label("Show in folder");
    let pdf = std::fs::read(&summary).unwrap();
    assert!(pdf.starts_with(b"%PDF-"));
    let text = pdf_extract::extract_text_from_mem(&pdf).unwrap();
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        text.contains("Renewal readiness: Contoso Learning"),
        "{text}"
    );
    assert!(
        text.contains("Keeps Silver: every requirement of Silver is met."),
        "{text}"
    );

    // save the workspace as a file, then the title loses its unsaved marker
    let saved = dir.path().join("contoso.ron");
    h.key_press_modifiers(
        egui::Modifiers::COMMAND.plus(egui::Modifiers::SHIFT),
        egui::Key::S,
    );
    type_path(&mut h, &saved);
    h.get_by_label("Use this path").click();
    h.run_steps(2);
    wait(&mut h, "the save", |app| !app.state.dirty());
    let back =
        lpkpi::workspace::format::from_ron(&std::fs::read_to_string(&saved).unwrap(), "saved")
            .unwrap();
    assert_eq!(back, h.state().state.workspace);
    assert!(
        h.state().state.title().starts_with("contoso.ron"),
        "{}",
        h.state().state.title()
    );
}

/// Open the export prompt (Ctrl+E) and type `path` into it, over what it proposes.
fn type_export_path(h: &mut Harness<'static, LpkpiApp>, path: &std::path::Path) {
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::E);
    type_path(h, path);
}

/// In the path prompt just opened, type `path` over what it proposes.
fn type_path(h: &mut Harness<'static, LpkpiApp>, path: &std::path::Path) {
    h.run_steps(4);
    h.get_by_label("Path").focus();
    h.run_steps(1);
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    h.get_by_label("Path")
        .type_text(&path.display().to_string());
    h.run_steps(2);
}

/// An export asked for while the figures are being worked out waits for them: the file says
/// the workspace as it is, never the figures of the edit before. (The edit is made here in the
/// frame of the click, as a large workspace's recompute would still be running then.)
#[test]
fn an_export_waits_for_the_figures_of_the_last_edit() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = harness(imported());
    settle(&mut h);
    let before = totals(h.state()).1;
    let summary = dir.path().join("summary.pdf");
    type_export_path(&mut h, &summary);
    // the EUR rate edited through the core, its figures not derived yet
    let state = &mut h.state_mut().state;
    let mut rate = state.workspace.rates[0].clone();
    rate.usd_per = Decimal::new(250, 2);
    let edit = lpkpi::workspace::Edit::Rates(lpkpi::workspace::ListEdit::Replace(0, rate));
    state.workspace.apply(edit).unwrap();
    state.revision += 1;
    h.get_by_label("Use this path").click();
    h.run_steps(2);
    wait(&mut h, "the export", |app| {
        app.state
            .notes
            .iter()
            .any(|n| n.file.as_deref() == Some(summary.as_path()))
    });
    settle(&mut h);
    let after = totals(h.state()).1;
    assert!(after > before, "the rate edit counts: {before} -> {after}");
    let pdf = std::fs::read(&summary).unwrap();
    let text = pdf_extract::extract_text_from_mem(&pdf).unwrap();
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(text.contains(&lpkpi::report::usd(after)), "{after}: {text}");
    assert!(
        !text.contains(&lpkpi::report::usd(before)),
        "{before}: {text}"
    );
}

/// An export asked for while another task runs (here a stand-in for an import being read)
/// waits for it, and a save is refused meanwhile: the running task owns the progress bar and
/// the guard against replacing the workspace, which a write ending first used to clear.
#[test]
fn an_export_waits_for_the_running_task_and_a_save_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = harness(imported());
    settle(&mut h);
    let running = lpkpi::ui::state::Running {
        label: "Reading orders.csv".into(),
        cancellable: false,
        measured: true,
    };
    h.state_mut().state.running = Some(running.clone());
    let summary = dir.path().join("summary.pdf");
    type_export_path(&mut h, &summary);
    h.get_by_label("Use this path").click();
    h.run_steps(4);
    std::thread::sleep(Duration::from_millis(300));
    h.run_steps(2);
    assert!(!summary.exists(), "written while the task ran");
    let said = |h: &Harness<'static, LpkpiApp>, text: &str| {
        h.state().state.notes.iter().any(|n| n.text.contains(text))
    };
    assert!(
        said(&h, "summary.pdf is written once Reading orders.csv ends"),
        "{:?}",
        h.state().state.notes
    );
    assert_eq!(
        h.state().state.running.as_ref().map(|r| r.label.as_str()),
        Some("Reading orders.csv"),
        "the running task keeps the progress bar"
    );
    // a save meanwhile is refused, and says why
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::S);
    h.run_steps(4);
    assert!(
        said(
            &h,
            "Not saved: Reading orders.csv is under way; save once it ends"
        ),
        "{:?}",
        h.state().state.notes
    );
    // the task ends: the export is written
    h.state_mut().state.running = None;
    wait(&mut h, "the export", |app| {
        app.state
            .notes
            .iter()
            .any(|n| n.file.as_deref() == Some(summary.as_path()))
    });
    assert!(std::fs::read(&summary).unwrap().starts_with(b"%PDF-"));
    settle(&mut h);
    assert!(h.state().state.running.is_none());
}

/// A mistyped rate (10,800,000 for 1.08) or huge planned revenue is refused beside its field
/// with the loader's own words, so the window never saves a file it would refuse to open.
#[test]
fn the_window_refuses_what_the_loader_would_refuse() {
    let mut h = harness(imported());
    click_tab(&mut h, "Settings");
    let rates = h.state().state.workspace.rates.clone();
    type_into(&mut h, "Currency", "GBP");
    type_into(&mut h, "USD per unit", "10800000");
    h.get_by_label("Add rate").click();
    h.run_steps(3);
    assert_eq!(h.state().state.workspace.rates, rates, "not added");
    h.get_by_label_contains("the GBP rate 10800000 is not a plausible USD rate");
    // the same words as the loader's
    let mut ws = h.state().state.workspace.clone();
    ws.rates.push(Rate {
        currency: Currency::GBP,
        month: None,
        usd_per: Decimal::from(10_800_000),
    });
    assert!(
        ws.implausible()
            .unwrap()
            .contains("is not a plausible USD rate")
    );

    type_into(&mut h, "Planned on", "2026-09-20");
    type_into(&mut h, "Kits", "10");
    h.get_by_label("Product line").click();
    h.run_steps(2);
    h.get_by_label("Courseware").click();
    h.run_steps(2);
    type_into(&mut h, "Revenue (USD)", "99999999999999999999");
    h.get_by_label("Add planned purchase").click();
    h.run_steps(3);
    assert!(h.state().state.workspace.planned.is_empty(), "not added");
    h.get_by_label_contains("planned revenue 99999999999999999999 is over lpkpi's limit");
}

/// A planned purchase added in Settings names its line as the summary's table does, in the
/// choice and in the list ("Course certificate vouchers (MCCV)", not the report's key "mccv").
#[test]
fn a_planned_purchase_is_added_with_its_line_named_as_the_summary_names_it() {
    let mut h = harness(imported());
    click_tab(&mut h, "Settings");
    type_into(&mut h, "Planned on", "2026-09-20");
    type_into(&mut h, "What", "Vouchers for the spring cohort");
    type_into(&mut h, "Kits", "12");
    type_into(&mut h, "Revenue (USD)", "2400.50");
    h.get_by_label("Product line").click();
    h.run_steps(2);
    assert!(h.query_by_label("mccv").is_none(), "the key is not offered");
    h.get_by_label(ProductLine::Mccv.name()).click();
    h.run_steps(2);
    let chosen = h
        .query_all_by_label("Course certificate vouchers (MCCV)")
        .count();
    assert_eq!(chosen, 0, "no line listed yet");
    assert_eq!(
        h.get_by_label("Product line").value().as_deref(),
        Some(ProductLine::Mccv.name()),
        "the choice shows the name"
    );
    h.get_by_label("Add planned purchase").click();
    h.run_steps(3);
    let planned = &h.state().state.workspace.planned;
    assert_eq!(planned.len(), 1, "added");
    assert_eq!(planned[0].line, ProductLine::Mccv);
    assert_eq!(planned[0].amount_usd, Decimal::new(240050, 2));
    // the list shows the line, and the revenue as every export prints it
    h.get_by_label("Vouchers for the spring cohort");
    let named = h
        .query_all_by_label("Course certificate vouchers (MCCV)")
        .count();
    assert_eq!(named, 1, "the list's cell");
    // figures right-aligned under their header, text left-aligned under its own
    fn under(h: &Harness<'static, LpkpiApp>, cell: &str, header: &str, right: bool) -> f32 {
        let (c, hd) = (h.get_by_label(cell).rect(), h.get_by_label(header).rect());
        let (a, b) = if right {
            (c.max.x, hd.max.x)
        } else {
            (c.min.x, hd.min.x)
        };
        assert!((a - b).abs() < 1.0, "{cell} {c:?} under {header} {hd:?}");
        c.min.x - hd.min.x
    }
    let indent = under(&h, "$2,400.50", "Revenue planned", true);
    assert!(indent > 10.0, "the figure is narrower than its header");
    under(&h, "12", "Kits planned", true);
    under(&h, "Vouchers for the spring cohort", "Description", false);

    // a plan the forecast leaves out says so in its row, and the sentence the summary has
    settle(&mut h);
    under(&h, "yes", "In the forecast", false);
    // the date stays in its field after an add: typed over
    h.get_by_label("Planned on").focus();
    h.run_steps(1);
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    h.get_by_label("Planned on").type_text("2026-09-01");
    h.run_steps(2);
    type_into(&mut h, "What", "Bought already");
    type_into(&mut h, "Kits", "5");
    type_into(&mut h, "Revenue (USD)", "100");
    h.get_by_label("Add planned purchase").click();
    h.run_steps(3);
    settle(&mut h);
    assert_eq!(h.state().state.workspace.planned.len(), 2);
    under(&h, "no: not after the as-of day", "In the forecast", false);
    h.get_by_label_contains(
        "The planned purchase 'Bought already' on 2026-09-01 is not counted: it is not after 2026-09-15",
    );
}

/// A rate and a planned purchase are edited in place: Edit fills the form with them, Save
/// replaces them (the list keeps its length and order), and a rate edited onto another's
/// currency and month is refused beside the form.
#[test]
fn rates_and_planned_purchases_are_edited_in_place() {
    let mut h = harness(imported());
    click_tab(&mut h, "Settings");
    let n = h.state().state.workspace.rates.len();
    for (cur, value) in [("GBP", "1.27"), ("CHF", "1.13")] {
        retype(&mut h, "Currency", cur);
        retype(&mut h, "USD per unit", value);
        h.get_by_label("Add rate").click();
        h.run_steps(3);
    }
    assert_eq!(h.state().state.workspace.rates.len(), n + 2);
    assert!(
        h.get_by_label("Edit rate").accesskit_node().is_disabled(),
        "disabled until one is selected"
    );
    h.get_by_label("GBP").click();
    h.run_steps(2);
    h.get_by_label("Edit the GBP rate").click();
    h.run_steps(2);
    assert_eq!(h.get_by_label("Currency").value().as_deref(), Some("GBP"));
    assert_eq!(
        h.get_by_label("USD per unit").value().as_deref(),
        Some("1.27")
    );
    h.get_by_label("Editing the GBP rate");
    // onto the CHF rate: refused, nothing changed
    retype(&mut h, "Currency", "CHF");
    h.get_by_label("Save rate").click();
    h.run_steps(3);
    h.get_by_label_contains("there is already a CHF rate for every month: select it and Edit");
    assert_eq!(h.state().state.workspace.rates[n].currency, Currency::GBP);
    // a new value for GBP replaces it where it was
    retype(&mut h, "Currency", "GBP");
    retype(&mut h, "USD per unit", "1.31");
    h.get_by_label("Save rate").click();
    h.run_steps(3);
    let rates = &h.state().state.workspace.rates;
    assert_eq!(rates.len(), n + 2);
    assert_eq!(rates[n].currency, Currency::GBP);
    assert_eq!(rates[n].usd_per, Decimal::new(131, 2));
    assert!(
        h.query_by_label("Save rate").is_none(),
        "the form is back to adding"
    );
    assert_eq!(h.get_by_label("Currency").value().as_deref(), Some(""));

    type_into(&mut h, "Planned on", "2026-09-20");
    type_into(&mut h, "What", "Spring cohort");
    type_into(&mut h, "Kits", "12");
    type_into(&mut h, "Revenue (USD)", "2400");
    h.get_by_label("Product line").click();
    h.run_steps(2);
    h.get_by_label(ProductLine::Mccv.name()).click();
    h.run_steps(2);
    let sixes = h.query_all_by_label("6").count();
    h.get_by_label("Add planned purchase").click();
    h.run_steps(3);
    assert_eq!(h.state().state.workspace.planned.len(), 1);
    // its row says what the 12 MCCV kits are worth, as the summary's table does
    h.get_by_label("KPI units");
    assert_eq!(
        h.query_all_by_label("6").count(),
        sixes + 1,
        "12 kits of MCCV: 6 KPI units"
    );
    h.get_by_label("2026-09-20").click();
    h.run_steps(2);
    h.get_by_label("Edit planned purchase").click();
    h.run_steps(2);
    assert_eq!(
        h.get_by_label("What").value().as_deref(),
        Some("Spring cohort")
    );
    assert_eq!(h.get_by_label("Kits").value().as_deref(), Some("12"));
    retype(&mut h, "Kits", "20");
    h.get_by_label("Save planned purchase").click();
    h.run_steps(3);
    let planned = &h.state().state.workspace.planned;
    assert_eq!(planned.len(), 1, "replaced, not added");
    assert_eq!(planned[0].kits, 20);
    assert_eq!(planned[0].description, "Spring cohort");
    assert_eq!(planned[0].line, ProductLine::Mccv);
    // the log names the edit
    assert!(
        h.state()
            .state
            .notes
            .iter()
            .any(|n| n.text.contains("edit planned purchase Spring cohort")),
        "logged"
    );
}

/// Unsaved edits of the window survive a save by the command line, and the window says what
/// restoring them would change.
#[test]
fn recovered_edits_are_offered_with_what_they_change() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("w.ron");
    let mut ws = partner();
    ws.partner.name = "Contoso".into();
    let doc = lpkpi::workspace::Document::create(&path, ws).unwrap();
    let mut edited = doc.workspace.clone();
    edited.partner.name = "Contoso Learning".into();
    doc.write_recovery_of(&edited).unwrap();
    drop(doc);
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_lpkpi"))
        .args(["import", path.to_str().unwrap()])
        .arg(data().join("orders-basic.csv"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut h = harness_opening(&path);
    wait(&mut h, "the recovery offer", |app| {
        app.state.recovery.is_some()
    });
    // opened: the window no longer says it is opening
    assert!(h.state().opening.is_none());
    assert_eq!(h.query_all_by_label_contains("Opening ").count(), 0);
    h.get_by_label_contains("partner name: 'Contoso' → 'Contoso Learning'");
    h.get_by_label_contains("imported files removed: orders-basic.csv");
    h.get_by_label("Discard them").click();
    h.run_steps(3);
    assert!(h.state().state.recovery.is_none());
    assert_eq!(h.state().state.workspace.partner.name, "Contoso");
    wait(&mut h, "the recovery file to go", |_| {
        !lpkpi::workspace::file::recovery_path(&path).exists()
    });
}

/// A partner name typed and saved (Ctrl+S) or closed on (Ctrl+Q) with the cursor still in
/// its field is saved, or asked about: the field commits when it loses focus, and nothing
/// typed is lost to a shortcut taken before.
#[test]
fn a_name_typed_and_saved_with_the_cursor_in_its_field_is_saved() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("w.ron");
    drop(lpkpi::workspace::Document::create(&path, partner()).unwrap());
    let mut h = harness_opening(&path);
    wait(&mut h, "the workspace", |app| app.opening.is_none());
    click_tab(&mut h, "Settings");
    retype(&mut h, "Partner name", "Contoso Ltd");
    assert!(h.get_by_label("Partner name").is_focused(), "still typing");
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::S);
    h.run_steps(2);
    wait(&mut h, "the save", |app| {
        !app.state.dirty() && app.state.running.is_none()
    });
    let saved =
        lpkpi::workspace::format::from_ron(&std::fs::read_to_string(&path).unwrap(), "w").unwrap();
    assert_eq!(saved.partner.name, "Contoso Ltd");
    assert!(!h.state().state.dirty());

    // Ctrl+Z while typing is the field's own undo, not the workspace's (which would reload
    // the field and drop what was typed)
    retype(&mut h, "Partner ID", "44");
    let revision = h.state().state.revision;
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Z);
    h.run_steps(2);
    assert_eq!(
        h.state().state.revision,
        revision,
        "the workspace was not undone"
    );
    assert_eq!(h.state().state.workspace.partner.name, "Contoso Ltd");

    // typed, then Ctrl+Q: asked, not closed
    retype(&mut h, "Partner ID", "4455021");
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Q);
    h.run_steps(2);
    h.get_by_label("Save changes before closing?");
    assert!(!h.state().closing());
    assert_eq!(h.state().state.workspace.partner.partner_id, "4455021");
}

/// An edit form left open with a change (a trainer's membership, a rate) is applied by a save
/// taken before its own Save button, as that button would; one with an error stops the save
/// and the close, and says why, rather than saving without it.
#[test]
fn an_edit_left_open_in_a_form_is_saved_or_stops_the_save() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("w.ron");
    let mut ws = partner();
    ws.people.push(ana());
    drop(lpkpi::workspace::Document::create(&path, ws).unwrap());
    let mut h = harness_opening(&path);
    wait(&mut h, "the workspace", |app| app.opening.is_none());
    let saved = || {
        lpkpi::workspace::format::from_ron(&std::fs::read_to_string(&path).unwrap(), "w").unwrap()
    };

    // a membership changed in the form, then Ctrl+S
    click_tab(&mut h, "Capability");
    h.get_by_label("Ana Ruiz").click();
    h.run_steps(2);
    h.get_by_label("Edit Ana Ruiz").click();
    h.run_steps(2);
    retype(&mut h, "Membership until", "2029-01-31");
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::S);
    h.run_steps(2);
    wait(&mut h, "the save", |app| {
        !app.state.dirty() && app.state.running.is_none()
    });
    let expiry = |ws: &Workspace| ws.people[0].mct.as_ref().and_then(|m| m.expiry);
    assert_eq!(expiry(&saved()), Some(d("2029-01-31")));
    assert!(!h.state().state.dirty());
    assert!(
        h.query_by_label("Save person").is_none(),
        "the form is closed"
    );

    // a rate edited to something that is not a number: the save waits, and says why
    click_tab(&mut h, "Settings");
    h.get_by_label_contains("EUR").click();
    h.run_steps(2);
    h.get_by_label("Edit the EUR rate").click();
    h.run_steps(2);
    retype(&mut h, "USD per unit", "1.1x");
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::S);
    h.run_steps(3);
    // said in a notification (shown for a few seconds: looked for in the state, not on screen)
    assert!(
        h.state().state.notes.iter().any(|n| n.error
            && n.text
                .contains("The edit of the EUR rate in Settings has an error")),
        "{:?}",
        h.state().state.notes
    );
    h.get_by_label_contains("a number, e.g. 1.08");
    // and the close too
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Q);
    h.run_steps(3);
    assert!(!h.state().closing());
    assert!(h.query_by_label("Save changes before closing?").is_none());
    // a decimal comma is a rate's mark: saved with Ctrl+S
    retype(&mut h, "USD per unit", "1,12");
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::S);
    h.run_steps(2);
    wait(&mut h, "the save", |app| {
        !app.state.dirty() && app.state.running.is_none()
    });
    assert_eq!(saved().rates[0].usd_per, Decimal::from_str("1.12").unwrap());
    assert_eq!(expiry(&saved()), Some(d("2029-01-31")));
}

/// Import starts in the folder the last export was imported from (dropped here), not in the
/// workspace's or the last export's.
#[test]
fn import_starts_where_the_last_export_came_from() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("w.ron");
    drop(lpkpi::workspace::Document::create(&path, partner()).unwrap());
    let mut h = harness_opening(&path);
    wait(&mut h, "the workspace", |app| app.opening.is_none());
    h.input_mut().dropped_files.push(Arc::new(Dropped {
        path: data().join("orders-basic.csv"),
    }));
    h.step();
    wait(&mut h, "the import preview", |app| {
        app.state.preview.is_some()
    });
    h.key_press(egui::Key::Escape);
    h.run_steps(2);
    assert!(h.state().state.preview.is_none());
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::I);
    h.run_steps(2);
    let exports = std::path::absolute(data()).unwrap();
    wait_listing(&mut h, &exports);
}

/// Escape in the preview's rate field leaves the field, not the import; a decimal comma is
/// a rate's mark there too.
#[test]
fn escape_in_a_field_of_the_preview_keeps_it() {
    let mut ws = partner();
    ws.rates.clear();
    let mut h = harness(ws);
    h.input_mut().dropped_files.push(Arc::new(Dropped {
        path: data().join("rechnungen.csv"),
    }));
    h.step();
    wait(&mut h, "the import preview", |app| {
        app.state.preview.is_some()
    });
    h.run_steps(2);
    h.get_by_label("USD per EUR").focus();
    h.run_steps(1);
    h.get_by_label("USD per EUR").type_text("1,08");
    h.run_steps(1);
    h.key_press(egui::Key::Escape);
    h.run_steps(2);
    assert!(
        h.state().state.preview.is_some(),
        "the field left, the preview kept"
    );
    h.get_by_label("Add EUR rate").click();
    h.run_steps(3);
    settle(&mut h);
    let rates = &h.state().state.workspace.rates;
    assert_eq!(rates.len(), 1, "{rates:?}");
    assert_eq!(rates[0].usd_per, Decimal::from_str("1.08").unwrap());
    h.key_press(egui::Key::Escape);
    h.run_steps(2);
    assert!(h.state().state.preview.is_none(), "then Escape cancels");
}

/// Up and Down move the selection through the purchases shown, from the keyboard.
#[test]
fn arrow_keys_move_through_the_purchases() {
    let mut h = harness(imported());
    settle(&mut h);
    click_tab(&mut h, "Purchases");
    assert_eq!(h.state().state.selected_row, None);
    let press = |h: &mut Harness<'static, LpkpiApp>, key| {
        h.key_press(key);
        h.run_steps(2);
        h.state().state.selected_row
    };
    let first = press(&mut h, egui::Key::ArrowDown);
    assert!(first.is_some(), "the first row shown");
    let second = press(&mut h, egui::Key::ArrowDown);
    assert!(second.is_some() && second != first);
    assert_eq!(press(&mut h, egui::Key::ArrowUp), first);
    assert_eq!(
        press(&mut h, egui::Key::ArrowUp),
        first,
        "stays on the first"
    );
    // typing in the filter keeps the arrows for the field
    h.get_by_label("Filter").focus();
    h.run_steps(1);
    assert_eq!(press(&mut h, egui::Key::ArrowDown), first);
}

/// The rates are shown by currency, each one's every-month rate before its months, whatever
/// the order they were entered in (the list keeps that order).
#[test]
fn rates_are_shown_by_currency_then_month() {
    let mut h = harness(partner());
    click_tab(&mut h, "Settings");
    for (cur, month, value) in [
        ("GBP", None, "1.27"),
        ("CHF", None, "1.13"),
        ("EUR", Some("2026-10"), "1.09"),
    ] {
        retype(&mut h, "Currency", cur);
        if let Some(month) = month {
            retype(&mut h, "Month (optional, YYYY-MM)", month);
        }
        retype(&mut h, "USD per unit", value);
        h.get_by_label("Add rate").click();
        h.run_steps(3);
    }
    let entered: Vec<&str> = h
        .state()
        .state
        .workspace
        .rates
        .iter()
        .map(|r| r.currency.as_str())
        .collect();
    assert_eq!(entered, ["EUR", "GBP", "CHF", "EUR"], "kept as entered");
    let y = |label: &str| h.get_by_label(label).rect().top();
    assert!(
        y("CHF") < y("2026-10") && y("2026-10") < y("GBP"),
        "CHF, EUR, EUR 2026-10, GBP"
    );
    // a click on a row picks the rate it shows
    h.get_by_label("2026-10").click();
    h.run_steps(2);
    h.get_by_label("Edit the EUR rate of 2026-10");
}

/// Enter in a form's field is its button: a rate and a person are added from the keyboard
/// (the planned purchase's form takes Enter the same way, through `widgets::entered`).
#[test]
fn enter_in_a_form_adds_what_it_holds() {
    let mut h = harness(partner());
    click_tab(&mut h, "Settings");
    type_into(&mut h, "Currency", "GBP");
    type_into(&mut h, "USD per unit", "1.27");
    h.key_press(egui::Key::Enter);
    h.run_steps(3);
    settle(&mut h);
    let rates = &h.state().state.workspace.rates;
    assert!(
        rates.iter().any(|r| r.currency.as_str() == "GBP"),
        "{rates:?}"
    );
    click_tab(&mut h, "Capability");
    type_into(&mut h, "Person name", "Dee Park");
    h.key_press(egui::Key::Enter);
    h.run_steps(3);
    settle(&mut h);
    assert_eq!(h.state().state.workspace.people.len(), 1);
    assert_eq!(h.state().state.workspace.people[0].name, "Dee Park");
}

/// The dashboard's links into Purchases show what they name, whatever filter was left there:
/// "See N rejected rows" the rejected rows, "Review them" the review list; a row whose amount
/// waits for a rate says so rather than $0.00.
#[test]
fn links_into_purchases_show_what_they_name() {
    use lpkpi::rules::figures::RowFate;
    // no EUR rate: the German invoices wait for one
    let mut ws = imported();
    ws.rates.clear();
    let mut h = harness(ws);
    settle(&mut h);
    let rows = table_rows(&h);
    let (all, rejected) = (
        rows.len(),
        rows.iter().filter(|r| r.fate == RowFate::Rejected).count(),
    );
    let review = rows.iter().filter(|r| r.review).count();
    let waiting = rows.iter().filter(|r| r.waits_for_rate).count();
    assert!(rejected > 0 && review > rejected && waiting > 0);
    click_tab(&mut h, "Purchases");
    type_into(&mut h, "Filter", "az");
    click_tab(&mut h, "Dashboard");
    // below the fold: scrolled to, as a person would
    h.get_by_label(&format!("See {rejected} rejected rows"))
        .scroll_to_me();
    h.run_steps(3);
    h.get_by_label(&format!("See {rejected} rejected rows"))
        .click();
    h.run_steps(3);
    assert_eq!(h.get_by_label("Filter").value().as_deref(), Some(""));
    h.get_by_label_contains(&format!("{rejected} of {all} rows"));
    // the review button says the rows waiting for a rate apart, as the caveats do
    click_tab(&mut h, "Dashboard");
    let label = format!("Review {review} rows ({waiting} waiting for a rate)");
    h.get_by_label(&label).scroll_to_me();
    h.run_steps(3);
    h.get_by_label(&label).click();
    h.run_steps(3);
    h.get_by_label_contains(&format!("{review} of {all} rows"));
    assert!(h.query_all_by_label("no EUR rate").count() > 0, "not $0.00");
    // the caveat beside the verdict counts the rows that could change the figures: its
    // link shows those
    let changing = table_rows(&h)
        .iter()
        .filter(|r| r.could_change_figures)
        .count();
    assert!(changing > 0 && changing < review);
    click_tab(&mut h, "Dashboard");
    h.get_by_label_contains(&format!(
        "{changing} rows to review could change these figures"
    ));
    h.get_by_label("Review them").scroll_to_me();
    h.run_steps(3);
    h.get_by_label("Review them").click();
    h.run_steps(3);
    h.get_by_label_contains(&format!("{changing} of {all} rows"));
    h.get_by_label("Could change the figures");
}

/// With a row's details open at 1280 points, the table's figures and fate stay in view (a
/// long product name wraps in the details instead of widening them), and the classify
/// choices are buttons.
#[test]
fn a_rows_details_leave_its_figures_in_view() {
    let mut h = harness(imported());
    settle(&mut h);
    click_tab(&mut h, "Purchases");
    type_into(&mut h, "Filter", "CAT-LUNCH");
    h.get_all_by_label("CAT-LUNCH")
        .next()
        .expect("a catering row")
        .click();
    h.run_steps(4);
    assert!(h.state().state.selected_row.is_some());
    // the details are under the table, which keeps the window's width
    let details = h.get_by_label("Close").rect();
    for header in ["Kits", "KPI units", "Revenue", "Fate"] {
        // the Fate filter's label is named so too: every one is in view
        for node in h.query_all_by_label(header) {
            let r = node.rect();
            assert!(
                r.max.x <= 1280.0 && r.max.y < details.min.y,
                "{header} at {r:?}, the details at {details:?}"
            );
        }
    }
    let selected = h.get_by_label("Classified as Unknown products (unclassified): no rule matched");
    assert!(selected.rect().min.y > details.min.y);
    let choice = h.get_by_label("Classify as Courseware");
    assert_eq!(
        choice.accesskit_node().role(),
        egui::accesskit::Role::Button
    );
}

/// Make one unsaved edit through the window (a GBP rate in Settings).
fn make_an_edit(h: &mut Harness<'static, LpkpiApp>) {
    click_tab(h, "Settings");
    type_into(h, "Currency", "GBP");
    type_into(h, "USD per unit", "1.27");
    h.get_by_label("Add rate").click();
    h.run_steps(3);
    settle(h);
    assert!(h.state().state.dirty(), "the rate is an unsaved change");
}

/// "Don't save" for a new workspace while a task runs (here a stand-in for the dashboard's
/// report being read) waits for it, as New does unasked, and the question stays; once the task
/// ends it starts the new workspace. Closing does not wait.
#[test]
fn dont_save_waits_for_the_running_task_before_a_new_workspace() {
    let mut h = harness(partner());
    make_an_edit(&mut h);
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::N);
    h.run_steps(2);
    h.get_by_label("Save changes before starting a new workspace?");
    stand_in_task(&mut h, "Reading the dashboard's report official.csv");
    h.get_by_label("Don't save").click();
    h.run_steps(2);
    let app = h.state();
    assert!(
        app.state.notes.iter().any(|n| n.text.contains(
            "Reading the dashboard's report official.csv is under way; answer once it ends"
        )),
        "{:?}",
        app.state.notes
    );
    assert!(app.state.dirty(), "the edit is still there");
    assert!(app.state.unsaved.is_some(), "the question stays");
    h.state_mut().state.running = None;
    h.get_by_label("Don't save").click();
    h.run_steps(2);
    settle(&mut h);
    let app = h.state();
    assert!(app.state.unsaved.is_none() && !app.state.dirty());
    assert!(
        app.state.workspace.partner.name.is_empty(),
        "a new workspace"
    );
}

/// Whether the window asked eframe to close in its last frame.
fn asked_to_close(h: &Harness<'static, LpkpiApp>) -> bool {
    h.output()
        .viewport_output
        .values()
        .flat_map(|v| v.commands.iter())
        .any(|c| matches!(c, egui::ViewportCommand::Close))
}

/// Wait until the window's browser shows `dir` as read.
fn wait_listing(h: &mut Harness<'static, LpkpiApp>, dir: &Path) {
    wait(h, "the folder listing", |app| {
        app.state
            .browser
            .as_ref()
            .and_then(|b| b.listing.as_ref())
            .is_some_and(|l| l.dir == dir)
    });
}

/// Type `path` into the browser's Path field and use it (a folder is shown, a file picked).
fn use_path(h: &mut Harness<'static, LpkpiApp>, path: &Path) {
    h.get_by_label("Path").focus();
    h.run_steps(1);
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    h.get_by_label("Path")
        .type_text(&path.display().to_string());
    h.run_steps(2);
    h.get_by_label("Use this path").click();
    h.run_steps(2);
}

/// Edit, Ctrl+Q, Save (the Save As is cancelled, then fails), Ctrl+Q, Don't save: the window
/// closes; the prompt stays answerable after each failed save.
#[test]
fn quit_after_a_cancelled_or_failed_save_still_closes() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = harness(partner());
    make_an_edit(&mut h);
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Q);
    h.run_steps(2);
    h.get_by_label("Save changes before closing?");
    h.get_by_label("Save").click();
    h.run_steps(4);
    // the workspace has no file: Save As, in the window's browser here; cancelled
    assert!(h.state().state.browser.is_some(), "Save As asks where");
    h.get_by_label("Cancel").click();
    h.run_steps(2);
    assert!(h.state().state.browser.is_none());
    h.get_by_label("Save changes before closing?");
    h.get_by_label("Not saved: no file was picked");
    assert!(!h.state().closing());

    // Save again, to a folder that does not exist: the save fails, the prompt comes back
    h.get_by_label("Save").click();
    h.run_steps(4);
    use_path(&mut h, &dir.path().join("no-such-folder/w.ron"));
    wait(&mut h, "the failed save", |app| {
        app.state.running.is_none() && app.state.unsaved.is_some()
    });
    assert!(
        h.state()
            .state
            .unsaved
            .as_ref()
            .and_then(|p| p.error.as_deref())
            .is_some_and(|e| e.starts_with("Not saved:")),
        "{:?}",
        h.state().state.unsaved
    );
    assert!(!h.state().closing());
    // Cancel keeps the window; Ctrl+Q asks again; Don't save closes
    h.get_by_label("Cancel").click();
    h.run_steps(2);
    assert!(h.state().state.unsaved.is_none() && !h.state().closing());
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Q);
    h.run_steps(2);
    h.get_by_label("Don't save").click();
    h.run_steps(2);
    assert!(h.state().closing(), "Don't save closes the window");
    assert!(asked_to_close(&h));
}

/// File ▸ New with unsaved changes asks; Cancel keeps them, Don't save starts anew, Save saves
/// (replacing an existing file only once confirmed) and then starts anew.
#[test]
fn new_with_unsaved_changes_asks_and_each_answer_does_what_it_says() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = harness(partner());
    make_an_edit(&mut h);
    let edited = h.state().state.workspace.clone();

    // Cancel: nothing changes
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::N);
    h.run_steps(2);
    h.get_by_label("Save changes before starting a new workspace?");
    h.get_by_label("Cancel").click();
    h.run_steps(2);
    assert!(h.state().state.unsaved.is_none());
    assert!(h.state().state.dirty());
    assert_eq!(h.state().state.workspace, edited);

    // Save: Save As into an existing file asks before replacing it, then the new workspace
    let path = dir.path().join("contoso.ron");
    drop(lpkpi::workspace::Document::create(&path, Workspace::default()).unwrap());
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::N);
    h.run_steps(2);
    h.get_by_label("Save").click();
    h.run_steps(4);
    use_path(&mut h, &path);
    wait(&mut h, "the overwrite question", |app| {
        app.state
            .browser
            .as_ref()
            .is_some_and(|b| b.overwrite.is_some())
    });
    h.get_by_label_contains("already exists");
    h.get_by_label("Replace").click();
    h.run_steps(2);
    wait(&mut h, "the save and the new workspace", |app| {
        app.state.running.is_none() && app.state.path.is_none() && !app.state.dirty()
    });
    let saved =
        lpkpi::workspace::format::from_ron(&std::fs::read_to_string(&path).unwrap(), "saved")
            .unwrap();
    assert_eq!(saved, edited, "the edits were saved first");
    assert_eq!(h.state().state.workspace, Workspace::default());

    // Don't save: the edits are dropped
    make_an_edit(&mut h);
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::N);
    h.run_steps(2);
    h.get_by_label("Don't save").click();
    h.run_steps(3);
    settle(&mut h);
    assert!(!h.state().state.dirty());
    assert_eq!(h.state().state.workspace, Workspace::default());
}

/// Where the desktop has no file dialog (forced here, as `LPKPI_TYPED_PATHS=1` does), Import
/// and Open show the window's browser: the files of the pick's types, folders to walk into,
/// several files picked at once.
#[test]
fn the_window_browser_filters_navigates_and_picks() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::copy(
        data().join("orders-basic.csv"),
        root.join("orders-basic.csv"),
    )
    .unwrap();
    std::fs::write(root.join("notes.pdf"), "%PDF").unwrap();
    std::fs::create_dir(root.join("more")).unwrap();
    std::fs::copy(
        data().join("rechnungen.csv"),
        root.join("more/rechnungen.csv"),
    )
    .unwrap();
    std::fs::copy(data().join("orders.xlsx"), root.join("more/orders.xlsx")).unwrap();
    let ws_path = root.join("more/contoso.ron");
    drop(lpkpi::workspace::Document::create(&ws_path, partner()).unwrap());

    let mut h = harness(partner());
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::I);
    h.run_steps(4);
    h.get_by_label("Files to import");
    use_path(&mut h, root);
    wait_listing(&mut h, root);
    // the exports and the folder are listed, not the PDF
    h.get_by_label("orders-basic.csv");
    h.get_by_label("more/");
    assert!(h.query_by_label("notes.pdf").is_none());
    h.get_by_label_contains("1 other file hidden");
    h.get_by_label("Show all files").click();
    wait(&mut h, "every file", |app| {
        app.state
            .browser
            .as_ref()
            .and_then(|b| b.listing.as_ref())
            .is_some_and(|l| l.entries.len() == 3)
    });
    h.get_by_label("notes.pdf");
    h.get_by_label("Show all files").click();
    // the filtered listing again (waiting for the folder alone would accept the unfiltered one
    // still shown until the click is handled)
    wait(&mut h, "the filtered files", |app| {
        app.state
            .browser
            .as_ref()
            .and_then(|b| b.listing.as_ref())
            .is_some_and(|l| l.dir == root && l.entries.len() == 2)
    });

    // into the subfolder (select it, Enter), both files, one import
    h.get_by_label("more/").click();
    h.run_steps(2);
    h.key_press(egui::Key::Enter);
    h.run_steps(2);
    let more = root.join("more");
    wait_listing(&mut h, &more);
    assert!(h.query_by_label("contoso.ron").is_none(), "not an export");
    h.get_by_label("Select all").click();
    h.run_steps(2);
    h.get_by_label("Import 2 files").click();
    h.run_steps(2);
    assert!(h.state().state.browser.is_none());
    wait(&mut h, "the import preview", |app| {
        app.state.preview.is_some()
    });
    let names: Vec<String> = h
        .state()
        .state
        .preview
        .as_ref()
        .unwrap()
        .files
        .iter()
        .map(|f| f.name.clone())
        .collect();
    assert_eq!(names.len(), 2);
    assert!(names.contains(&"rechnungen.csv".to_string()), "{names:?}");
    assert!(names.contains(&"orders.xlsx".to_string()), "{names:?}");
    h.get_by_label("Cancel import").click();
    h.run_steps(3);

    // Open starts in the last folder used, lists workspaces only, and opens the one clicked
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::O);
    h.run_steps(4);
    wait_listing(&mut h, &more);
    h.get_by_label("Last used");
    assert!(h.query_by_label("rechnungen.csv").is_none());
    h.get_by_label("Up").click();
    wait_listing(&mut h, root);
    h.get_by_label("more/").click();
    h.run_steps(2);
    h.key_press(egui::Key::Enter);
    wait_listing(&mut h, &more);
    h.get_by_label("contoso.ron").click();
    h.run_steps(2);
    h.get_by_label("Open").click();
    h.run_steps(2);
    wait(&mut h, "the workspace to open", |app| {
        app.state.path.as_deref() == Some(ws_path.as_path()) && !app.busy()
    });
}

/// The dashboard's as-of date means what `--as-of` means: the countdown and the run rate move,
/// no purchase is hidden, the file is not changed; "Back to today" returns.
#[test]
fn the_as_of_date_moves_the_countdown_and_back() {
    let mut h = harness(imported());
    settle(&mut h);
    let counted = h.state().state.outcome().unwrap().eval.counts.counted;
    assert_eq!(h.state().state.outcome().unwrap().eval.days_to_deadline, 15);
    assert!(h.query_by_label("Back to today").is_none());

    h.get_by_label("As of").focus();
    h.run_steps(1);
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    h.get_by_label("As of").type_text("2026-10-20");
    h.run_steps(2);
    settle(&mut h);
    let app = h.state();
    let e = &app.state.outcome().unwrap().eval;
    assert_eq!(e.as_of, d("2026-10-20"));
    assert_eq!(e.days_to_deadline, -20);
    assert_eq!(e.counts.counted, counted, "no purchase hidden");
    assert!(!app.state.dirty(), "a view, not an edit");
    // the header and the status bar both say it
    assert_eq!(
        h.query_all_by_label_contains("the deadline passed 20 days ago")
            .count(),
        2
    );
    assert!(
        h.query_by_label_contains("needed per remaining month")
            .is_none()
    );

    h.get_by_label("Back to today").click();
    h.run_steps(2);
    settle(&mut h);
    let e = &h.state().state.outcome().unwrap().eval;
    assert_eq!(e.as_of, d("2026-09-15"));
    assert_eq!(e.days_to_deadline, 15);
}

/// An as-of date that is not one is said beside the field, and the figures stay those of the
/// date before; a date typed then applies and the warning goes.
#[test]
fn an_as_of_that_is_not_a_date_is_said_and_not_applied() {
    let mut h = harness(imported());
    settle(&mut h);
    retype(&mut h, "As of", "2026-02-30");
    h.key_press(egui::Key::Enter);
    h.run_steps(2);
    settle(&mut h);
    assert_eq!(
        h.state().state.outcome().unwrap().eval.as_of,
        d("2026-09-15")
    );
    assert!(
        h.query_by_label_contains(
            "'2026-02-30' is not a date (YYYY-MM-DD): the figures are still as of 2026-09-15"
        )
        .is_some()
    );
    retype(&mut h, "As of", "2026-10-20");
    settle(&mut h);
    assert_eq!(
        h.state().state.outcome().unwrap().eval.as_of,
        d("2026-10-20")
    );
    assert!(h.query_by_label_contains("is not a date").is_none());
}

/// At 900x600 every level card is inside the window (they wrap to a second row), and the
/// purchases table scrolls sideways instead of cutting its last columns off; selecting a row
/// opens its details beside the table, which does not move.
#[test]
fn a_small_window_wraps_the_cards_and_scrolls_the_table() {
    let mut h = harness_sized(imported(), egui::vec2(900.0, 600.0));
    settle(&mut h);
    let window = egui::Rect::from_min_size(egui::Pos2::ZERO, egui::vec2(900.0, 600.0));
    let names: Vec<String> = h
        .state()
        .state
        .outcome()
        .unwrap()
        .eval
        .levels
        .iter()
        .map(|l| l.name.clone())
        .collect();
    assert_eq!(names.len(), 3);
    // the dashboard scrolls vertically; every card starts inside the window's width
    for name in &names {
        let r = h.get_by_label(name).rect();
        assert!(r.min.x >= 0.0 && r.max.x <= window.max.x, "{name} at {r:?}");
    }

    h.get_by_label("Purchases").click();
    h.run_steps(3);
    let first = h.get_by_label("Date").rect();
    // a row selected: its details appear, the table's header stays where it was
    let row = h.state().state.derived.as_ref().unwrap().rows.len();
    assert!(row > 0);
    h.state_mut().state.selected_row = Some(0);
    h.run_steps(3);
    assert_eq!(h.get_by_label("Date").rect().min, first.min);
}

/// The official dashboard's report imported in the Reconciliation panel (through the window's
/// file browser) shows the two planted differences; selecting one lists its invoice, and
/// "Show lpkpi's rows of this month" opens the purchases of that month.
#[test]
fn reconciliation_shows_the_planted_differences() {
    let mut ws = partner();
    let rules = ImportRules::new(&Profile::builtin().unwrap());
    let bytes = std::fs::read(data().join("orders-basic.csv")).unwrap();
    for o in ws.import_files(
        &[("orders-basic.csv".to_string(), bytes)],
        &rules,
        d("2026-09-01").and_hms_opt(8, 0, 0).unwrap(),
    ) {
        o.unwrap();
    }
    let mut h = harness(ws);
    settle(&mut h);
    h.get_by_label("Reconciliation").click();
    h.run_steps(2);
    h.get_by_label_contains("No official figures yet");
    h.get_by_label("Import the dashboard's report…").click();
    h.run_steps(4);
    use_path(&mut h, &data().join("official-dashboard.csv"));
    wait(&mut h, "the report's lines", |app| {
        app.state.workspace.official.len() == 106 && app.state.settled()
    });
    settle(&mut h);
    assert!(
        h.state().state.dirty(),
        "an edit of the workspace, undoable"
    );
    h.get_by_label_contains("2 of the 12 months with official figures differ from lpkpi");
    h.get_by_label("⚠ 2026-04").click();
    h.run_steps(3);
    h.get_by_label("Invoice 5001: valued differently");
    h.get_by_label("Show lpkpi's rows of this month").click();
    h.run_steps(3);
    let app = h.state();
    assert_eq!(app.state.panel, lpkpi::ui::state::Panel::Purchases);
    // undo takes the report away again
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Z);
    h.run_steps(2);
    assert!(h.state().state.workspace.official.is_empty());
}

/// The dashboard's report picked while another task runs (here a stand-in for a workspace
/// being opened) is not read, and says why: its edit would land on whatever workspace that
/// task leaves. Picked again once the task ends, it is read, and its reading, the running task
/// meanwhile, leaves the status bar to the figures when it ends.
#[test]
fn the_dashboards_report_waits_for_the_running_task() {
    let mut h = harness(imported());
    settle(&mut h);
    h.get_by_label("Reconciliation").click();
    h.run_steps(2);
    stand_in_task(&mut h, "Opening other.ron");
    let pick = |h: &mut Harness<'static, LpkpiApp>| {
        h.get_by_label("Import the dashboard's report…").click();
        h.run_steps(4);
        use_path(h, &data().join("official-dashboard.csv"));
    };
    pick(&mut h);
    // the browser looks at the path on a thread, then the pick is refused
    wait(&mut h, "the refusal", |app| {
        app.state.notes.iter().any(|n| {
            n.text
                .contains("official-dashboard.csv not read: Opening other.ron is under way")
        })
    });
    h.run_steps(2);
    let app = h.state();
    assert!(app.state.workspace.official.is_empty(), "read meanwhile");
    assert_eq!(
        app.state.running.as_ref().map(|r| r.label.as_str()),
        Some("Opening other.ron"),
        "the running task keeps the progress bar"
    );
    // the task ends: picked again, it is read
    h.state_mut().state.running = None;
    pick(&mut h);
    wait(&mut h, "the report's lines", |app| {
        app.state.workspace.official.len() == 106 && app.state.running.is_none()
    });
    settle(&mut h);
    assert!(!h.state().busy());
}

/// A whole 1x1 PNG, as an image editor writes it.
const PNG: &[u8] = b"\x89\x50\x4E\x47\x0D\x0A\x1A\x0A\x00\x00\x00\x0D\x49\x48\x44\x52\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1F\x15\xC4\x89\x00\x00\x00\x0D\x49\x44\x41\x54\x78\x9C\x63\xF8\xCF\xC0\xF0\x1F\x00\x05\x00\x01\xFF\x89\x99\x3D\x1D\x00\x00\x00\x00\x49\x45\x4E\x44\xAE\x42\x60\x82";

/// The names of the workspace's import batches, in order.
fn batch_names(app: &LpkpiApp) -> Vec<&str> {
    app.state
        .workspace
        .batches
        .iter()
        .map(|b| b.name.as_str())
        .collect()
}

/// Drop `paths` on the window and wait for the preview.
fn drop_and_preview(h: &mut Harness<'static, LpkpiApp>, paths: &[PathBuf]) {
    for path in paths {
        h.input_mut()
            .dropped_files
            .push(Arc::new(Dropped { path: path.clone() }));
    }
    h.step();
    wait(h, "the import preview", |app| app.state.preview.is_some());
}

#[test]
fn a_dropped_png_fails_alone_and_confirm_imports_the_other_file() {
    let dir = tempfile::tempdir().unwrap();
    let png = dir.path().join("logo.png");
    std::fs::write(&png, PNG).unwrap();
    let mut h = harness(partner());
    drop_and_preview(&mut h, &[png, data().join("orders-basic.csv")]);
    {
        let p = h.state().state.preview.as_ref().unwrap();
        let logo = &p.files[0];
        assert_eq!(
            logo.error.as_deref(),
            Some(
                "logo.png: this is a PNG image, not a purchase export (CSV, TSV, TXT, XLSX, XLS or ODS)"
            )
        );
        assert!(!logo.mappable && logo.index.is_none());
        assert!(p.files[1].index.is_some());
    }
    h.get_by_label_contains("1 file cannot be imported (below: why): Confirm imports the others");
    h.get_by_label_contains("Failed: logo.png: this is a PNG image, not a purchase export");
    h.get_by_label("It is left out of the import.");
    assert!(
        h.query_by_label("Use this mapping").is_none(),
        "an image has no columns to map"
    );
    h.get_by_label("Confirm import").click();
    h.run_steps(3);
    settle(&mut h);
    let app = h.state();
    assert!(app.state.preview.is_none());
    let names = batch_names(app);
    assert_eq!(names, ["orders-basic.csv"]);
    assert!(app.state.outcome().unwrap().eval.counts.counted > 0);
}

/// The official dashboard's report dropped with the exports is no purchase export: the
/// preview says what it is and imports it for the reconciliation, not as purchases mapped by
/// hand.
#[test]
fn a_dashboard_report_dropped_among_exports_goes_to_the_reconciliation() {
    let mut h = harness(partner());
    drop_and_preview(
        &mut h,
        &[
            data().join("official-dashboard.csv"),
            data().join("orders-basic.csv"),
        ],
    );
    {
        let p = h.state().state.preview.as_ref().unwrap();
        assert_eq!(p.files[0].official.as_ref().map(|o| o.0), Some(106));
        assert!(p.files[1].official.is_none());
    }
    h.get_by_label_contains("It is the official dashboard's monthly report, not a purchase export");
    assert!(
        h.query_by_label("Use this mapping").is_none(),
        "not offered to be mapped by hand"
    );
    h.get_by_label("Import it for the reconciliation").click();
    h.run_steps(2);
    wait(&mut h, "the dashboard's report", |app| {
        app.state.workspace.official.len() == 106 && !app.busy()
    });
    h.get_by_label("Confirm import").click();
    h.run_steps(3);
    settle(&mut h);
    let app = h.state();
    let names = batch_names(app);
    assert_eq!(
        names,
        ["orders-basic.csv"],
        "the report is no batch of purchases"
    );
    assert_eq!(app.state.workspace.official.len(), 106);
}

#[test]
fn the_column_mapping_is_a_table_of_human_field_names_and_iso_dates_say_so() {
    let mut h = harness(partner());
    drop_and_preview(&mut h, &[data().join("orders-basic.csv")]);
    h.get_by_label("Column in the file");
    for (header, field) in [
        ("Invoice Date", "Invoice date"),
        ("Product Name", "Product name"),
        ("Order Number", "Order number"),
        ("Unit Price", "Unit price"),
        ("Total", "Amount"),
    ] {
        h.get_by_label(header);
        h.get_by_label(field);
    }
    for key in ["invoice_date", "product_name", "order_id", "unit_price"] {
        assert!(h.query_by_label_contains(key).is_none(), "{key} shown");
    }
    h.get_by_label_contains("decimals with '.' · dates: ISO (YYYY-MM-DD)");
    assert!(h.query_by_label_contains("month first").is_none());
}

/// Change mapping starts from the columns as read, even when a row is longer than the header
/// (a trailing comma): it used to show every column "(ignored)".
#[test]
fn change_mapping_starts_from_the_columns_as_read_beside_a_ragged_row() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(data().join("orders-basic.csv")).unwrap();
    let (header, rows) = text.split_once('\n').unwrap();
    let text = format!(
        "{header}\n5999,1,2026-05-02,20533C,MOC 20533C,MOC,1,10.00,10.00,USD,Invoiced,1,extra\n{rows}"
    );
    let path = dir.path().join("ragged.csv");
    std::fs::write(&path, text).unwrap();
    let mut h = harness(partner());
    drop_and_preview(&mut h, &[path]);
    h.get_by_label("Change mapping").click();
    h.run_steps(3);
    // each field the file's columns were read as is chosen in the editor too
    let chosen: Vec<String> = h
        .query_all_by_role(egui::accesskit::Role::ComboBox)
        .filter_map(|n| n.accesskit_node().value())
        .collect();
    assert_eq!(chosen.len(), 12, "one a column of the header: {chosen:?}");
    for field in ["Invoice date", "Product name", "Order number", "Amount"] {
        assert!(chosen.iter().any(|c| c == field), "{field}: {chosen:?}");
    }
}

/// "Use this mapping" while another task runs (here a stand-in for the dashboard's report
/// being read from the preview) waits for it, and says so: reading the files again beside it
/// took its progress bar, and the first to end cleared the other's guard.
#[test]
fn a_mapping_waits_for_the_running_task() {
    // tall enough for the mapping's buttons below the preview's file
    let mut h = harness_sized(partner(), egui::vec2(1280.0, 1600.0));
    drop_and_preview(&mut h, &[data().join("orders-basic.csv")]);
    h.get_by_label("Change mapping").click();
    h.run_steps(3);
    stand_in_task(&mut h, "Reading the dashboard's report official.csv");
    h.get_by_label("Use this mapping").click();
    h.run_steps(3);
    let refusals = |app: &LpkpiApp| {
        app.state
            .notes
            .iter()
            .filter(|n| {
                n.text.contains(
                    "Columns not mapped yet: Reading the dashboard's report official.csv is under way",
                )
            })
            .count()
    };
    assert_eq!(
        refusals(h.state()),
        1,
        "{:?} {:?}",
        h.state().state.notes,
        h.state().state.running
    );
    assert_eq!(
        h.state().state.running.as_ref().map(|r| r.label.as_str()),
        Some("Reading the dashboard's report official.csv"),
        "the running task keeps the progress bar"
    );
    assert!(h.state().state.preview.is_some());
    // the task ends: the mapping, still open with its choices, is used
    h.state_mut().state.running = None;
    h.get_by_label("Use this mapping").click();
    h.run_steps(2);
    wait(&mut h, "the files read again", |app| {
        !app.busy() && app.state.preview.is_some()
    });
    assert_eq!(refusals(h.state()), 1);
}

/// The dashboard's "Add the EUR rate in Settings" opens the rate form filled in for EUR, its
/// rate's field focused: typing the rate and Enter adds it. An error beside a field goes
/// once the field is changed.
#[test]
fn the_dashboards_rate_link_fills_in_the_form() {
    let mut ws = Workspace::new("Contoso Learning", Some("silver"), Some(d("2026-10-01")));
    let bytes = std::fs::read(data().join("rechnungen.csv")).unwrap();
    let rules = ImportRules::new(&Profile::builtin().unwrap());
    let now = d("2026-09-01").and_hms_opt(8, 0, 0).unwrap();
    for o in ws.import_files(&[("rechnungen.csv".into(), bytes)], &rules, now) {
        o.unwrap();
    }
    let mut h = harness(ws);
    settle(&mut h);
    h.get_by_label("Add the EUR rate in Settings").click();
    h.run_steps(3);
    assert_eq!(h.get_by_label("Currency").value().as_deref(), Some("EUR"));
    assert!(h.get_by_label("USD per unit").accesskit_node().is_focused());
    h.get_by_label("USD per unit").type_text("1.10");
    h.key_press(egui::Key::Enter);
    h.run_steps(3);
    settle(&mut h);
    let rates = &h.state().state.workspace.rates;
    assert_eq!(rates.len(), 1);
    assert_eq!((rates[0].currency, rates[0].month), (Currency::EUR, None));
    assert!(
        h.state()
            .state
            .outcome()
            .unwrap()
            .eval
            .needs_rate
            .is_empty()
    );

    // an error beside a field goes once it is changed
    retype(&mut h, "Currency", "GBP");
    h.get_by_label("Add rate").click();
    h.run_steps(2);
    h.get_by_label_contains("a number, e.g. 1.08");
    type_into(&mut h, "USD per unit", "1");
    assert!(h.query_by_label_contains("a number, e.g. 1.08").is_none());
}

#[test]
fn eur_rows_without_a_rate_are_grouped_and_a_rate_added_in_the_preview_counts() {
    let ws = Workspace::new("Contoso Learning", Some("silver"), Some(d("2026-10-01")));
    // what the core says of the file without a rate, and with EUR at 1.10
    let core = |rate: Option<&str>| {
        let mut ws = ws.clone();
        if let Some(r) = rate {
            ws.rates.push(Rate {
                currency: Currency::EUR,
                month: None,
                usd_per: Decimal::from_str(r).unwrap(),
            });
        }
        let bytes = std::fs::read(data().join("rechnungen.csv")).unwrap();
        let rules = ImportRules::new(&Profile::builtin().unwrap());
        let now = d("2026-09-01").and_hms_opt(8, 0, 0).unwrap();
        for o in ws.import_files(&[("rechnungen.csv".into(), bytes)], &rules, now) {
            o.unwrap();
        }
        Session::new(&ws)
            .unwrap()
            .evaluate(&ws, d("2026-10-01"), d("2026-09-15"), None)
            .eval
    };
    let (without, with) = (core(None), core(Some("1.10")));
    let waiting = without.needs_rate.len();
    let revenue = without.needs_rate.iter().filter(|r| r.revenue).count();
    assert!(revenue > 0 && revenue < waiting, "some rows add no revenue");
    assert!(waiting > 0 && with.needs_rate.is_empty());
    assert!(with.totals.revenue_usd > without.totals.revenue_usd);

    let mut h = harness(ws);
    drop_and_preview(&mut h, &[data().join("rechnungen.csv")]);
    let held = {
        let p = h.state().state.preview.as_ref().unwrap();
        assert_eq!(p.figures.held_back.len(), 1);
        let held = p.figures.held_back[0].clone();
        assert_eq!(held.currency, Currency::EUR);
        // counted as the dashboard counts them: rows whose revenue waits, and the others

        assert_eq!(held.rows as usize, revenue);
        assert_eq!((held.rows + held.other) as usize, waiting);
        assert!(held.amount > Decimal::ZERO);
        assert_eq!(
            p.figures.after.as_ref().unwrap().totals.revenue_usd,
            without.totals.revenue_usd
        );
        held
    };
    h.get_by_label_contains(&format!("{waiting} rows in EUR wait for an exchange rate"));
    h.get_by_label_contains(&format!(
        "Revenue held back: EUR {}; {revenue} rows wait for an exchange rate ({} more rows in EUR add no revenue as classified).",
        lpkpi::report::grouped(held.amount, 2),
        waiting - revenue
    ));
    // the group opens to its rows
    h.get_by_label_contains(&format!("{waiting} rows in EUR wait"))
        .click();
    h.run_steps(2);
    h.get_all_by_label_contains("EUR has no exchange rate to USD")
        .next()
        .expect("the rows of the group");

    // a rate typed in the preview: one edit through the core, the preview worked out again
    type_into(&mut h, "USD per EUR", "1.10");
    h.get_by_label("Add EUR rate").click();
    h.run_steps(2);
    wait(&mut h, "the preview's figures", |app| !app.busy());
    {
        let app = h.state();
        assert_eq!(app.state.workspace.rates.len(), 1);
        let p = app.state.preview.as_ref().unwrap();
        assert!(p.figures.held_back.is_empty());
        assert_eq!(
            p.figures.after.as_ref().unwrap().totals.revenue_usd,
            with.totals.revenue_usd
        );
    }
    assert!(
        h.query_by_label_contains("wait for an exchange rate")
            .is_none()
    );
    assert!(h.query_by_label_contains("Revenue held back").is_none());

    h.get_by_label("Confirm import").click();
    h.run_steps(3);
    settle(&mut h);
    let app = h.state();
    assert!(app.state.preview.is_none());
    assert_eq!(
        totals(app),
        (with.totals.kpi_units, with.totals.revenue_usd)
    );
    assert!(app.state.outcome().unwrap().eval.needs_rate.is_empty());
}

/// Files dropped while another job runs (a workspace opening, say) are not read on top of the
/// rows about to change: the window says to wait and drop them again.
#[test]
fn files_dropped_while_a_workspace_opens_wait() {
    let mut h = harness(partner());
    settle(&mut h);
    stand_in_task(&mut h, "Opening w.ron");
    h.input_mut().dropped_files.push(Arc::new(Dropped {
        path: data().join("orders-basic.csv"),
    }));
    h.run_steps(3);
    let app = h.state();
    assert!(app.state.preview.is_none());
    let last = app.state.notes.last().unwrap();
    assert!(last.error, "{}", last.text);
    assert!(
        last.text
            .contains("wait until this is done (Opening w.ron)"),
        "{}",
        last.text
    );
}

/// The node of this name lowest in the window.
fn lowest_by_label<'a>(
    h: &'a Harness<'static, LpkpiApp>,
    label: &'a str,
) -> egui_kittest::Node<'a> {
    h.query_all_by_label(label)
        .max_by(|a, b| a.rect().min.y.total_cmp(&b.rect().min.y))
        .unwrap()
}

/// A click on a column header sorts the table (ascending, then descending on a second click,
/// ties in file order): the row on top is the one with the least revenue, then the most.
#[test]
fn a_column_header_click_sorts_the_rows() {
    let mut h = harness(imported());
    settle(&mut h);
    click_tab(&mut h, "Purchases");
    let rows: Vec<(String, Decimal, i64)> = table_rows(&h)
        .iter()
        .map(|r| (r.order.clone(), r.revenue_usd, r.kits))
        .collect();
    let orders: std::collections::BTreeSet<&str> = rows
        .iter()
        .map(|(o, _, _)| o.as_str())
        .filter(|o| !o.is_empty())
        .collect();
    // the order shown highest in the table
    let top = |h: &Harness<'static, LpkpiApp>| -> String {
        orders
            .iter()
            .flat_map(|o| {
                h.query_all_by_label(o)
                    .map(|n| (n.rect().min.y, o.to_string()))
            })
            .min_by(|a, b| a.0.total_cmp(&b.0))
            .map(|(_, o)| o)
            .unwrap()
    };
    // the order on top when sorted by `key` (ties in file order, turned round descending)
    let first_by_key = |key: &dyn Fn(usize) -> Decimal, descending: bool| -> String {
        let mut idx: Vec<usize> = (0..rows.len()).filter(|&i| !rows[i].0.is_empty()).collect();
        idx.sort_by_key(|&i| key(i));
        if descending {
            idx.reverse();
        }
        rows[idx[0]].0.clone()
    };
    let first_by = |descending: bool| first_by_key(&|i| rows[i].1, descending);
    assert_eq!(top(&h), rows.iter().find(|r| !r.0.is_empty()).unwrap().0);
    // the pointer comes to the header, then clicks (as a person's mouse does)
    // (the lowest node of that name: "Line" is also the filter's label above the table)
    let click_header = |h: &mut Harness<'static, LpkpiApp>, label: &str| {
        lowest_by_label(h, label).hover();
        h.run_steps(1);
        lowest_by_label(h, label).click();
        h.run_steps(2);
    };
    click_header(&mut h, "Revenue");
    assert_eq!(top(&h), first_by(false));
    click_header(&mut h, "Revenue ▲");
    assert_eq!(top(&h), first_by(true));
    assert_ne!(first_by(false), first_by(true));
    // every column sorts; these order numbers are not all digits, so they sort as texts
    // (the numbers' order is a unit test of the table's)
    assert!(!orders.iter().all(|o| o.bytes().all(|b| b.is_ascii_digit())));
    click_header(&mut h, "Order");
    assert_eq!(&top(&h), orders.first().unwrap());
    click_header(&mut h, "Order ▲");
    assert_eq!(&top(&h), orders.last().unwrap());
    click_header(&mut h, "Kits");
    click_header(&mut h, "Kits ▲");
    let most_kits = first_by_key(&|i| Decimal::from(rows[i].2), true);
    assert_ne!(
        &most_kits,
        &rows.iter().find(|r| !r.0.is_empty()).unwrap().0
    );
    assert_eq!(top(&h), most_kits);
    for label in [
        "Part",
        "Line",
        "Fate",
        "Date",
        "Product",
        "KPI units",
        "Source",
    ] {
        click_header(&mut h, label);
        h.get_by_label(&format!("{label} ▲"));
    }
}

/// While the workspace asked for at start opens, the middle of the window says so instead of
/// showing the workspace underneath (at start, the demo: its figures would read as the
/// partner's).
#[test]
fn a_workspace_opening_at_start_is_said_and_nothing_else_shown() {
    let mut h = harness(partner());
    settle(&mut h);
    assert!(h.query_by_label_contains("Contoso Learning").is_some());
    h.state_mut().opening = Some(PathBuf::from("w.ron"));
    h.run_steps(2);
    h.get_by_label("Opening w.ron");
    assert!(h.query_by_label_contains("Contoso Learning").is_none());
}

/// In a `--screenshot` run the pointer's events are dropped: under Xvfb the pointer rests in
/// the middle of the screen, and its hover showed in the pictures (the chart's crosshair, a
/// highlighted row). A window a person uses keeps them. (The hook is called here by hand:
/// eframe calls it before each native frame, kittest does not.)
#[test]
fn a_screenshot_run_ignores_the_pointer() {
    use eframe::App as _;
    let at = egui::pos2(640.0, 400.0);
    let events = || {
        vec![
            egui::Event::PointerMoved(at),
            egui::Event::PointerButton {
                pos: at,
                button: egui::PointerButton::Primary,
                pressed: true,
                modifiers: egui::Modifiers::default(),
            },
            egui::Event::Key {
                key: egui::Key::A,
                physical_key: None,
                pressed: true,
                repeat: false,
                modifiers: egui::Modifiers::default(),
            },
        ]
    };
    let dir = tempfile::tempdir().unwrap();
    for (screenshot, kept) in [(true, 1), (false, 3)] {
        let options = lpkpi::ui::LaunchOptions {
            workspace: None,
            today: d("2026-11-26"),
            screenshot: screenshot.then(|| lpkpi::ui::ScreenshotRequest {
                path: dir.path().join("charts.png"),
                panel: lpkpi::ui::Panel::Charts,
            }),
            size: None,
            ephemeral: true,
            typed_paths: true,
            failure: Default::default(),
        };
        let mut h = Harness::builder()
            .with_size(egui::vec2(1280.0, 800.0))
            .build_eframe(move |cc| LpkpiApp::new(cc, options));
        let ctx = h.ctx.clone();
        let mut raw = egui::RawInput {
            events: events(),
            ..Default::default()
        };
        h.state_mut().raw_input_hook(&ctx, &mut raw);
        assert_eq!(raw.events.len(), kept, "{:?}", raw.events);
    }
}

/// A text export of more than 16 MB (read a block at a time, never whole): the fixtures' kinds
/// of rows over and over, each with a long note the import does not map.
fn large_export() -> Vec<u8> {
    let note = "n".repeat(900);
    let mut text = String::from(
        "Order Number,Line,Invoice Date,Part Number,Product Name,Product Type,Quantity,Unit Price,Total,Currency,Status,Notes\n",
    );
    let kinds = [
        "20533C,MOC 20533C Implementing Microsoft Azure Infrastructure Solutions,MOC,3,310.50,931.50,USD,Invoiced",
        "FREE-AI900,AI-900 Free Content pack,Free content,9,0.00,0.00,USD,Invoiced",
        "CAT-LUNCH,Catering lunch,Services,2,12.00,24.00,USD,Invoiced",
        "AZ-104T00,AZ-104T00: Microsoft Azure Administrator - Student Kit,Microsoft Training Courseware,1,295.00,295.00,USD,Pending",
        "AZ-900T00-A,Microsoft Azure Fundamentals (DMOC),Microsoft Training Courseware,2,120.00,240.00,EUR,Invoiced",
    ];
    let mut i = 0usize;
    while text.len() < 17 << 20 {
        // every 7th row repeats the one before it (both kept: they are in one file)
        let order = if i % 7 == 6 { i - 1 } else { i };
        let kind = kinds[order % kinds.len()];
        let month = order % 12 + 1;
        text.push_str(&format!(
            "{},1,2026-{month:02}-{:02},{kind},{note}\n",
            9_000_000 + order,
            order % 28 + 1
        ));
        i += 1;
    }
    text.into_bytes()
}

#[test]
fn a_large_dropped_export_previews_and_its_read_rows_become_the_figures() {
    // over 16 MB: the window reads it a block at a time (`streamed_head`'s tests), its first
    // rows from its head
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("large.csv");
    let bytes = large_export();
    std::fs::write(&path, &bytes).unwrap();
    // a copy dropped with it is skipped: the workspace keeps no note of it, nor may the figures
    let copy = dir.path().join("large-copy.csv");
    std::fs::write(&copy, &bytes).unwrap();
    // what the core makes of the same bytes
    let ws = partner();
    let rules = ImportRules::new(&ws.profile().unwrap());
    let mut set = ws.import_set();
    let index = match set.add("large.csv", &bytes, &rules).unwrap() {
        lpkpi::import::Added::File(index) => index,
        other => panic!("{other:?}"),
    };
    let shape = set.files[index].shape.clone();

    let mut h = harness(ws);
    drop_and_preview(&mut h, &[path, copy]);
    {
        let p = h.state().state.preview.as_ref().unwrap();
        assert_eq!(p.files.len(), 2);
        assert_eq!(p.files[0].error, None);
        assert_eq!(p.files[1].already.as_deref(), Some("large.csv"));
        assert_eq!(p.counts, set.files[index].counts);
        assert!(p.counts.not_invoiced > 0, "{:?}", p.counts);
        // the first rows, for mapping the columns by hand, read from the file's head
        assert_eq!(
            p.files[0].peek,
            lpkpi::import::peek_rows(&bytes, 60, Some(&shape))
        );
        assert_eq!(p.files[0].peek.len(), 60);
    }
    h.get_by_label("Confirm import").click();
    h.run_steps(3);
    settle(&mut h);
    let app = h.state();
    assert_eq!(app.state.workspace.rows.len(), set.rows.len());
    let derived = app.state.derived.as_ref().unwrap();
    // the figures took the preview's rows rather than reading them back, and are the same
    assert_eq!(derived.rows_from, lpkpi::ui::state::RowsFrom::Import);
    let as_of = app.state.as_of_date();
    let rebuilt =
        lpkpi::ui::state::Derived::compute(&app.state.workspace, as_of, None, None).unwrap();
    assert_eq!(rebuilt.rows_from, lpkpi::ui::state::RowsFrom::Workspace);
    assert_eq!(derived.rows, rebuilt.rows);
    let json = |d: &lpkpi::ui::state::Derived| {
        let input = lpkpi::report::ReportInput::of(
            &app.state.workspace,
            &d.session,
            d.outcome.as_ref().unwrap(),
        );
        let mut out = Vec::new();
        lpkpi::report::write(&input, lpkpi::report::Format::Json, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    };
    let (reused, read_back) = (json(derived), json(&rebuilt));
    assert!(reused.contains("\"imported_at\": \"20"), "{reused:.2000}");
    // the first line that differs, not two reports of half a megabyte
    let first_difference = reused.lines().zip(read_back.lines()).find(|(a, b)| a != b);
    assert_eq!(first_difference, None);
    assert_eq!(reused.len(), read_back.len());
}

#[test]
fn a_large_export_dropped_on_a_workspace_with_rows_imports_as_the_core_does() {
    // over 10,000 rows on top of the fixtures' rows: the worker copies the workspace's rows
    // before the new ones, and the click replaces the list in one move
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("large.csv");
    let bytes = large_export();
    std::fs::write(&path, &bytes).unwrap();
    let ws = imported();
    assert!(!ws.rows.is_empty());
    // what the core makes of the same bytes on the same workspace
    let rules = ImportRules::new(&ws.profile().unwrap());
    let mut expected = ws.clone();
    let mut set = ws.import_set();
    let first_new = set.files.len();
    set.add("large.csv", &bytes, &rules).unwrap();
    assert!(
        set.rows.len() - ws.rows.len() > 10_000,
        "{}",
        set.rows.len()
    );
    let edit = ws.import_edit(
        &set,
        first_new,
        d("2026-09-15").and_hms_opt(9, 0, 0).unwrap(),
        Default::default(),
    );
    expected.apply(edit).unwrap();

    let mut h = harness(ws);
    drop_and_preview(&mut h, &[path]);
    {
        let p = h.state().state.preview.as_ref().unwrap();
        let prepared = p.rows.as_ref().expect("the rows pass the edit's checks");
        assert!(prepared.replaces(&h.state().state.workspace));
    }
    h.get_by_label("Confirm import").click();
    h.run_steps(3);
    settle(&mut h);
    let app = h.state();
    let got = &app.state.workspace;
    assert!(
        got.rows == expected.rows,
        "the same rows, in the same order"
    );
    assert_eq!(got.batches.len(), expected.batches.len());
    assert_eq!(got.batches.last().unwrap().name, "large.csv");
    // undone, the workspace's rows are the fixtures' again
    let before = imported();
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Z);
    h.run_steps(3);
    settle(&mut h);
    assert!(h.state().state.workspace.rows == before.rows);
    assert_eq!(
        h.state().state.workspace.batches.len(),
        before.batches.len()
    );
}

/// A pass typed but not added goes with the person on Add person; an incomplete one stops
/// the person with its error instead of vanishing with the form.
#[test]
fn a_pass_typed_but_not_added_goes_with_the_person() {
    let mut h = harness(imported());
    click_tab(&mut h, "Capability");
    type_into(&mut h, "Person name", "Ana Ruiz");
    type_into(&mut h, "Exam", "AZ-104");
    type_into(&mut h, "Passed on", "2025-04-02");
    h.get_by_label("Add person").click();
    h.run_steps(3);
    settle(&mut h);
    let people = &h.state().state.workspace.people;
    assert_eq!(people.len(), 1);
    assert_eq!(
        people[0]
            .passes
            .iter()
            .map(|p| (p.exam.as_str(), p.date))
            .collect::<Vec<_>>(),
        [("AZ-104", Some(d("2025-04-02")))]
    );

    // an exam without its day: the person waits, the error says what is missing
    type_into(&mut h, "Person name", "Ben Ode");
    type_into(&mut h, "Exam", "AZ-305");
    h.get_by_label("Add person").click();
    h.run_steps(3);
    settle(&mut h);
    assert_eq!(h.state().state.workspace.people.len(), 1);
    h.get_by_label_contains("the day it was passed");
}

/// With no current level the verdict says so and offers the way to record it; with no exam
/// rule the Capability panel says there is none, above the form that adds one.
#[test]
fn a_missing_level_and_no_exam_rule_say_where_to_go() {
    let mut ws = partner();
    ws.partner.level = None;
    let mut h = harness(ws);
    settle(&mut h);
    h.get_by_label_contains("No verdict yet: the partner's current level is not recorded");
    h.get_by_label("Open Settings").click();
    h.run_steps(2);
    assert_eq!(h.state().state.panel, lpkpi::ui::state::Panel::Settings);
    click_tab(&mut h, "Capability");
    h.get_by_label("No exam rule recorded yet: add one below.");
}
