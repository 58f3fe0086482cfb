//! The workspace file: round trips, stable bytes, migration, crash safety under SIGKILL, lock
//! contention between processes, bad files, recovery, and the same figures as a direct report.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "tests and benchmarks fail by panicking"
)]

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::str::FromStr;

use chrono::{NaiveDate, NaiveDateTime};
use lpkpi::import::ImportRules;
use lpkpi::import::classify::CatalogEntry;
use lpkpi::import::values::Currency;
use lpkpi::rules::capability::{Competency, ExamPass, ExamRule, Membership, Person};
use lpkpi::rules::{Month, ProductLine, Profile};
use lpkpi::workspace::format::{COLUMNS, FileV3, HEADER, from_ron, pretty, to_ron};
use lpkpi::workspace::model::{
    DashboardMonth, ImportOutcome, Partner, PlannedPurchase, Rate, StoredFate, StoredPurchase,
    StoredRow,
};
use lpkpi::workspace::session::Session;
use lpkpi::workspace::{Document, Workspace, WorkspaceError};
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

const FIXTURES: [&str; 5] = [
    "orders-basic.csv",
    "orders-unicode.txt",
    "rechnungen.csv",
    "orders.xlsx",
    "bad-rows.csv",
];

fn fixture_files() -> Vec<(String, Vec<u8>)> {
    FIXTURES
        .iter()
        .map(|f| (f.to_string(), std::fs::read(data().join(f)).unwrap()))
        .collect()
}

fn imported_fixtures() -> Workspace {
    let mut ws = Workspace::new("Contoso Learning", Some("gold"), Some(d("2026-10-01")));
    let rules = ImportRules::new(&Profile::builtin().unwrap());
    for outcome in ws.import_files(&fixture_files(), &rules, now()) {
        assert!(
            matches!(outcome, Ok(ImportOutcome::Imported { .. })),
            "{outcome:?}"
        );
    }
    ws.rates.push(Rate {
        currency: Currency::EUR,
        month: None,
        usd_per: Decimal::from_str("1.10").unwrap(),
    });
    ws
}

fn lpkpi(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_lpkpi"))
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn workspace_report_equals_the_direct_report() {
    let dir = tempfile::tempdir().unwrap();
    let w = dir.path().join("w.ron");
    let w = w.to_str().unwrap();
    let out = lpkpi(&[
        "new",
        w,
        "--partner",
        "Contoso Learning",
        "--level",
        "gold",
        "--anniversary",
        "2026-10-01",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let files: Vec<String> = FIXTURES
        .iter()
        .map(|f| data().join(f).display().to_string())
        .collect();
    let mut args = vec!["import", w];
    args.extend(files.iter().map(String::as_str));
    let out = lpkpi(&args);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains(
            "orders-unicode.txt: 60 rows read: 30 purchases, 30 duplicates of rows already imported"
        ),
        "{text}"
    );

    let via_ws: serde_json::Value = serde_json::from_slice(
        &lpkpi(&[
            "report",
            "--workspace",
            w,
            "--as-of",
            "2026-09-15",
            "--rate",
            "EUR=1.10",
        ])
        .stdout,
    )
    .unwrap();
    let mut direct_args = vec![
        "report",
        "--anniversary",
        "2026-10-01",
        "--as-of",
        "2026-09-15",
        "--rate",
        "EUR=1.10",
    ];
    direct_args.extend(files.iter().map(String::as_str));
    let direct: serde_json::Value = serde_json::from_slice(&lpkpi(&direct_args).stdout).unwrap();
    for k in [
        "anniversary",
        "deadline",
        "window",
        "totals",
        "monthly",
        "by_line",
        "levels",
        "forecast",
        "readiness",
    ] {
        assert_eq!(via_ws[k], direct[k], "{k}");
    }
    for k in [
        "read",
        "counted",
        "outside_window",
        "duplicates",
        "summary",
        "not_invoiced",
        "rejected",
        "needs_rate",
    ] {
        let names = |v: &serde_json::Value| {
            let mut v = v.clone();
            if let Some(list) = v.as_array_mut() {
                for item in list {
                    let f = item["file"].as_str().map(|f| {
                        Path::new(f)
                            .file_name()
                            .unwrap()
                            .to_string_lossy()
                            .to_string()
                    });
                    item["file"] = f.into();
                }
            }
            v
        };
        assert_eq!(
            names(&via_ws["rows"][k]),
            names(&direct["rows"][k]),
            "rows.{k}"
        );
    }
    assert_eq!(via_ws["partner"], "Contoso Learning");

    // importing the same bytes again changes nothing and says when
    let before = std::fs::read(w).unwrap();
    let out = lpkpi(&["import", w, &files[0]]);
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("orders-basic.csv: already imported on 20"),
        "{text}"
    );
    assert_eq!(
        std::fs::read(w).unwrap(),
        before,
        "nothing changed, not even the bytes"
    );
}

#[test]
fn a_roster_and_a_competency_give_a_verdict() {
    let mut ws = imported_fixtures();
    ws.partner.level = Some("silver".into());
    // a trainer's passes are recorded on the trainer: one person, not two entries
    ws.people = vec![
        Person {
            name: "Ana".into(),
            mct: Some(Membership {
                id: "1001".into(),
                expiry: Some(d("2027-03-31")),
            }),
            passes: vec![ExamPass {
                exam: "AZ-104".into(),
                date: Some(d("2025-01-10")),
                expiry: None,
            }],
        },
        Person {
            name: "Ben".into(),
            mct: Some(Membership {
                id: "1002".into(),
                expiry: Some(d("2026-09-01")),
            }),
            passes: Vec::new(),
        },
        Person {
            name: "Cy".into(),
            mct: None,
            passes: vec![ExamPass {
                exam: "AZ-305".into(),
                date: Some(d("2025-02-10")),
                expiry: None,
            }],
        },
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
    let session = Session::new(&ws).unwrap();
    let out = session.evaluate(&ws, d("2026-10-01"), d("2026-08-15"), None);
    let e = &out.eval;
    // Ben lapses before the deadline: 1 MCT at D, Silver needs 2 → Silver not met; LAP met.
    assert_eq!(out.capability.mcts_at_deadline, 1);
    assert_eq!(out.capability.mcts_today, 2);
    assert!(out.capability.trainers[1].lapses_before_deadline);
    assert_eq!(e.levels[1].met, Some(false));
    assert_eq!(e.levels[2].met, Some(true));
    assert_eq!(e.readiness.as_deref(), Some("lap"));
    let v = e.verdict.as_ref().unwrap();
    assert_eq!(
        (v.outcome, v.to.as_deref()),
        (lpkpi::rules::verdict::Outcome::Drops, Some("lap"))
    );
    // Adding a trainer valid at the deadline flips the MCT requirement: keeps Silver.
    ws.people.push(Person {
        name: "Di".into(),
        mct: Some(Membership {
            id: "1003".into(),
            expiry: Some(d("2027-12-31")),
        }),
        passes: Vec::new(),
    });
    let out = Session::new(&ws)
        .unwrap()
        .evaluate(&ws, d("2026-10-01"), d("2026-08-15"), None);
    let v = out.eval.verdict.unwrap();
    assert_eq!(
        (v.outcome, v.to.as_deref()),
        (lpkpi::rules::verdict::Outcome::Keeps, Some("silver"))
    );

    // and through the binary: levels and readiness are filled
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v.ron");
    Document::create(&path, ws).unwrap();
    let out = lpkpi(&[
        "report",
        "--workspace",
        path.to_str().unwrap(),
        "--as-of",
        "2026-08-15",
    ]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["readiness"], "silver");
    assert_eq!(json["verdict"]["outcome"], "keeps");
    assert_eq!(json["levels"]["silver"]["mct"], true);
    assert_eq!(json["levels"]["silver"]["exams"], true);
    assert_eq!(json["levels"]["gold"]["exams"], false);
    assert_eq!(
        json["capability"]["exam_rules"][0]["people"],
        serde_json::json!(["Ana", "Cy"])
    );
}

#[test]
fn saving_twice_gives_identical_bytes_and_loads_back_equal() {
    let ws = imported_fixtures();
    let a = to_ron(&ws).unwrap();
    let back = from_ron(&a, "a").unwrap();
    assert_eq!(back, ws);
    assert_eq!(to_ron(&back).unwrap(), a);
    // one row per line: an added row is a one-line diff
    let row_lines = a
        .lines()
        .skip_while(|l| *l != "  rows: [")
        .skip(1)
        .take_while(|l| *l != "  ],")
        .count();
    assert_eq!(row_lines, ws.rows.len());
    // decimals are exact strings
    assert!(a.contains(", Some(\"3353.40\"), "), "amounts as strings");
    // the columns are named in the header; each product is written once
    assert!(a.contains(COLUMNS), "{a}");
    let products: Vec<&str> = a
        .lines()
        .skip_while(|l| *l != "  products: [")
        .skip(1)
        .take_while(|l| *l != "  ],")
        .collect();
    assert!(!products.is_empty() && products.len() < ws.rows.len());
}

/// The rows of a saved workspace, for the tests that damage one.
fn row_lines(text: &str) -> (usize, Vec<&str>) {
    let first = text.lines().position(|l| l == "  rows: [").unwrap() + 2;
    let rows = text
        .lines()
        .skip(first - 1)
        .take_while(|l| *l != "  ],")
        .collect();
    (first, rows)
}

#[test]
fn a_damaged_row_is_named_by_its_line() {
    let good = to_ron(&imported_fixtures()).unwrap();
    let (first, rows) = row_lines(&good);
    let third = rows[2];
    // a malformed row: ron's error, with the line
    let broken = good.replacen(third, &third.replacen(", ", ",, ", 1), 1);
    let err = from_ron(&broken, "w.ron").unwrap_err().to_string();
    assert!(err.contains(&format!("line {}", first + 2)), "{err}");
    assert!(!err.contains('\n') && err.len() < 400, "{err}");
    // a product the table lacks
    let purchase = rows.iter().position(|r| r.contains("Some((")).unwrap();
    let line = rows[purchase];
    let at = line.find("Some((").unwrap();
    let fields: Vec<&str> = line[at..].splitn(5, ", ").collect();
    let product = fields[3];
    let bad = format!(
        "{}{}",
        &line[..at],
        line[at..].replacen(&format!(", {product}, "), ", 4000000, ", 1)
    );
    let err = from_ron(&good.replacen(line, &bad, 1), "w.ron")
        .unwrap_err()
        .to_string();
    assert!(
        err.contains(&format!("line {}", first + purchase)) && err.contains("4000000"),
        "{err}"
    );
    // an implausible amount in a row: the loader's limits, as before
    let huge = good.replacen(
        "Some(\"3353.40\")",
        "Some(\"1000000000000000000000000000\")",
        1,
    );
    let err = from_ron(&huge, "w.ron").unwrap_err().to_string();
    assert!(err.contains("implausible"), "{err}");
}

#[test]
fn a_hand_edited_layout_still_loads() {
    let ws = imported_fixtures();
    let good = to_ron(&ws).unwrap();
    let (_, rows) = row_lines(&good);
    // a comment, other spacing, names of the tuples: ron reads what the fast path does not
    let edited = good
        .replacen(rows[0], &format!("{} // checked", rows[0]), 1)
        .replacen(rows[1], &rows[1].replace(", ", " ,  "), 1)
        .replacen("  rows: [\n", "  rows: [ // edited\n", 1);
    assert_eq!(from_ron(&edited, "w.ron").unwrap(), ws);
    // the whole file is RON that ron reads as the version 3 shape, as lpkpi writes it
    let file: FileV3 = ron::from_str(&good).unwrap();
    assert_eq!(file, FileV3::of(&ws));
}

#[test]
fn every_checked_in_version_loads() {
    // One file per workspace version ever written, with what it must load as.
    let dir = data().join("workspaces");
    let v1 = std::fs::read_to_string(dir.join("v1.ron")).unwrap();
    let ws = from_ron(&v1, "v1.ron").unwrap();
    assert_eq!(ws.version, lpkpi::workspace::FORMAT_VERSION);
    assert_eq!(ws.partner.name, "Fabrikam Training");
    // version 1's two lists, merged: Ana Ruiz was a trainer and a person, now one person
    assert_eq!(ws.people.len(), 2);
    assert_eq!(ws.people[0].name, "Ana Ruiz");
    assert_eq!(
        ws.people[0].mct.as_ref().map(|m| m.id.as_str()),
        Some("MCT-1001")
    );
    assert_eq!(ws.people[0].passes.len(), 1);
    assert_eq!(ws.people[1].name, "Ben Ode");
    assert!(ws.people[1].passes.is_empty());
    assert_eq!(ws.batches.len(), 2);
    assert_eq!(ws.rows.len(), 4);
    let session = Session::new(&ws).unwrap();
    let out = session.evaluate(&ws, ws.partner.anniversary.unwrap(), d("2026-06-01"), None);
    assert_eq!(out.eval.totals.kpi_units, Decimal::from(12));
    assert_eq!(out.eval.counts.duplicates, 1);
    assert_eq!(out.eval.counts.rejected, 1);
    // an old file without newer fields and without a version still loads
    let minimal = "(partner: (name: \"Old\"))";
    assert_eq!(from_ron(minimal, "old").unwrap().partner.name, "Old");
}

fn assert_refused(bytes: &[u8], mentions: &str) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.ron");
    std::fs::write(&path, bytes).unwrap();
    let err = Document::open(&path).unwrap_err();
    let message = err.to_string();
    assert!(
        message.contains(mentions),
        "{message} should mention {mentions}"
    );
    assert!(message.len() < 400, "one clear line: {message}");
    // The CLI refuses too, and nothing touches the file.
    let csv = data().join("bad-rows.csv");
    let out = lpkpi(&["import", path.to_str().unwrap(), csv.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let out = lpkpi(&["report", "--workspace", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        std::fs::read(&path).unwrap(),
        bytes,
        "the file is left untouched"
    );
    assert!(!path.with_file_name("bad.ron.bak").exists());
}

#[test]
fn bad_files_give_a_clear_error_and_stay_untouched() {
    let good = to_ron(&imported_fixtures()).unwrap();
    // truncated
    assert_refused(&good.as_bytes()[..good.len() / 2], "line ");
    // wrong types
    assert_refused(b"(version: 1, partner: (name: 42))", "line 1");
    assert_refused(b"(version: \"one\")", "line 1");
    // deeply nested
    let nested = format!(
        "(version: 1, partner: {}{})",
        "(".repeat(10_000),
        ")".repeat(10_000)
    );
    assert_refused(nested.as_bytes(), "line 1");
    // 50 MB of garbage
    let mut garbage = Vec::with_capacity(50 << 20);
    let mut x: u32 = 12345;
    while garbage.len() < 50 << 20 {
        x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
        garbage.push((x >> 16) as u8);
    }
    assert_refused(&garbage, "");
    // a newer version
    assert_refused(b"(version: 99, partner: (name: \"Future\"))", "newer lpkpi");
    // a name mistyped by hand: refused with its line, not dropped on the next save (before,
    // the rates were read as none and the save wrote the file without them)
    let typo = good.replacen("\n  rates: [", "\n  ratse: [", 1);
    assert_ne!(typo, good);
    let line = typo
        .lines()
        .position(|l| l.starts_with("  ratse:"))
        .unwrap()
        + 1;
    assert_refused(
        typo.as_bytes(),
        &format!("line {line}, column 3: Unexpected field named `ratse` in the workspace"),
    );
    let typo = good.replacen("    level: ", "    levle: ", 1);
    assert_ne!(typo, good);
    assert_refused(
        typo.as_bytes(),
        "Unexpected field named `levle` in `Partner`",
    );
}

#[test]
fn a_file_changed_on_disk_is_not_overwritten() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("w.ron");
    let mut doc = Document::create(&path, Workspace::new("A", None, None)).unwrap();
    std::fs::write(
        &path,
        to_ron(&Workspace::new("Someone else", None, None)).unwrap(),
    )
    .unwrap();
    doc.workspace.partner.name = "Mine".into();
    assert!(matches!(doc.save(), Err(WorkspaceError::Changed { .. })));
    assert!(
        std::fs::read_to_string(&path)
            .unwrap()
            .contains("Someone else")
    );
}

#[test]
fn save_keeps_a_backup_and_recovery_is_offered() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("w.ron");
    let mut doc = Document::create(&path, Workspace::new("First", None, None)).unwrap();
    doc.workspace.partner.name = "Second".into();
    doc.save().unwrap();
    let bak = std::fs::read_to_string(path.with_file_name("w.ron.bak")).unwrap();
    assert!(bak.contains("First"));
    doc.workspace.partner.name = "Unsaved".into();
    doc.write_recovery().unwrap();
    drop(doc);
    let doc = Document::open(&path).unwrap();
    assert_eq!(doc.workspace.partner.name, "Second");
    let (recovered, _) = doc.recovery().unwrap().expect("recovery offered");
    assert_eq!(recovered.partner.name, "Unsaved");
    doc.discard_recovery().unwrap();
    assert!(doc.recovery().unwrap().is_none());
}

/// A recovery file that cannot be read (cut short, from a newer lpkpi) is set aside, said, and
/// never left where the window's next recovery would replace it; a workspace opened through a
/// symbolic link finds its recovery beside the file the link names, as its lock and backup.
#[test]
fn an_unreadable_recovery_is_set_aside_and_links_share_the_recovery() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("w.ron");
    let doc = Document::create(&path, Workspace::new("First", None, None)).unwrap();
    let recovery = dir.path().join("w.ron.recovery");
    std::fs::write(&recovery, "(\n  version: 4,\n").unwrap();
    let note = doc.recovery().unwrap_err();
    assert!(
        note.contains("cannot be read") && note.contains("w.ron.recovery.unreadable"),
        "{note}"
    );
    assert!(!recovery.exists());
    assert_eq!(
        std::fs::read_to_string(dir.path().join("w.ron.recovery.unreadable")).unwrap(),
        "(\n  version: 4,\n"
    );
    // a second one is kept beside the first
    std::fs::write(&recovery, "cut").unwrap();
    assert!(
        doc.recovery()
            .unwrap_err()
            .contains("w.ron.recovery.unreadable-2")
    );
    drop(doc);

    #[cfg(unix)]
    {
        let desk = dir.path().join("desk");
        std::fs::create_dir(&desk).unwrap();
        let link = desk.join("w.ron");
        std::os::unix::fs::symlink(&path, &link).unwrap();
        let mut through_link = Document::open(&link).unwrap();
        through_link.workspace.partner.name = "Unsaved".into();
        through_link.write_recovery().unwrap();
        assert!(recovery.exists(), "beside the file the link names");
        assert!(!desk.join("w.ron.recovery").exists());
        drop(through_link);
        let direct = Document::open(&path).unwrap();
        let (found, _) = direct.recovery().unwrap().expect("the same edits");
        assert_eq!(found.partner.name, "Unsaved");
        direct.discard_recovery().unwrap();
        drop(direct);
        // one an earlier build wrote beside the link is still found there
        let through_link = Document::open(&link).unwrap();
        let mut edited = through_link.workspace.clone();
        edited.partner.name = "Beside the link".into();
        std::fs::write(desk.join("w.ron.recovery"), to_ron(&edited).unwrap()).unwrap();
        let (found, _) = through_link.recovery().unwrap().expect("beside the link");
        assert_eq!(found.partner.name, "Beside the link");
    }
}

/// Unsaved edits that cannot be read now (here a folder in the file's place; a permission or
/// a disk error alike) are left where they are, said, and this document writes none over
/// them.
#[test]
fn unsaved_edits_that_cannot_be_read_now_are_left_and_not_written_over() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("w.ron");
    let doc = Document::create(&path, Workspace::new("First", None, None)).unwrap();
    let recovery = dir.path().join("w.ron.recovery");
    std::fs::create_dir(&recovery).unwrap();
    std::fs::write(recovery.join("inside"), "kept").unwrap();
    let note = doc.recovery().unwrap_err();
    assert!(note.contains("cannot be read now"), "{note}");
    doc.write_recovery().unwrap();
    assert!(recovery.is_dir() && recovery.join("inside").exists());
    assert!(!dir.path().join("w.ron.recovery.unreadable").exists());
}

/// Child roles for the multi-process tests: the test binary runs itself with LPKPI_TEST_CHILD.
#[test]
#[ignore = "run by the multi-process tests as a child process"]
fn child_process() {
    let Ok(role) = std::env::var("LPKPI_TEST_CHILD") else {
        return;
    };
    let (role, path) = role.split_once(':').unwrap();
    let path = Path::new(path);
    match role {
        "save-loop" => {
            let mut doc = Document::open(path).unwrap();
            let base = doc.workspace.people.len();
            for i in 0.. {
                doc.workspace.partner.name = format!("save {}", base + i + 1);
                doc.workspace.people.push(Person {
                    name: format!("T{}", base + i + 1),
                    mct: Some(Membership {
                        id: format!("{i:0200}"),
                        expiry: Some(d("2027-01-01")),
                    }),
                    passes: Vec::new(),
                });
                doc.save().unwrap();
            }
        }
        "hold-lock" => {
            let _doc = Document::open(path).unwrap();
            // Straight to the stream: the test harness captures println!.
            let mut out = std::io::stdout();
            writeln!(out, "locked").unwrap();
            out.flush().unwrap();
            let mut line = String::new();
            let _ = std::io::stdin().read_line(&mut line);
        }
        other => panic!("unknown role {other}"),
    }
}

fn child(role: &str, path: &Path) -> Command {
    let mut c = Command::new(std::env::current_exe().unwrap());
    c.args([
        "--exact",
        "child_process",
        "--ignored",
        "--nocapture",
        "--test-threads=1",
    ])
    .env("LPKPI_TEST_CHILD", format!("{role}:{}", path.display()));
    c
}

#[test]
fn killed_while_saving_200_times_the_workspace_always_loads() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("crash.ron");
    drop(Document::create(&path, imported_fixtures()).unwrap());
    let mut seed: u64 = 0x5eed;
    let mut saves_seen = 0;
    // 200 kills 5-65 ms after the start, then (a loaded machine may start the debug child
    // slowly enough that none of them saved) up to 5 more that give it 2 s
    for round in 0..205 {
        if round >= 200 && saves_seen > 0 {
            break;
        }
        let mut c = child("save-loop", &path)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
        let after = if round < 200 {
            5 + (seed >> 33) % 60
        } else {
            2000
        };
        std::thread::sleep(std::time::Duration::from_millis(after));
        c.kill().unwrap(); // SIGKILL
        c.wait().unwrap();
        let doc = Document::open(&path).unwrap_or_else(|e| panic!("round {round}: {e}"));
        let ws = &doc.workspace;
        // old or new version, never a mix: the name and the roster were saved together
        let n = ws.people.len();
        if n > 0 {
            assert_eq!(ws.partner.name, format!("save {n}"), "round {round}");
        }
        assert_eq!(ws.rows.len(), 295, "round {round}");
        saves_seen = n;
    }
    eprintln!("saves after the kills: {saves_seen}");
    assert!(saves_seen > 0, "the child got to save at least once");
    // temporary files a killed save left behind are cleaned up by the next open
    let leftovers: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn a_second_process_cannot_write_a_locked_workspace() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("shared.ron");
    drop(Document::create(&path, Workspace::new("Shared", None, None)).unwrap());
    let mut holder = child("hold-lock", &path)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut out = BufReader::new(holder.stdout.take().unwrap());
    let mut line = String::new();
    loop {
        line.clear();
        assert!(
            out.read_line(&mut line).unwrap() > 0,
            "child ended before locking"
        );
        if line.trim_end().ends_with("locked") {
            break;
        }
    }
    match Document::open(&path) {
        Err(WorkspaceError::Locked { pid, host, .. }) => {
            assert_eq!(pid, holder.id().to_string());
            assert!(!host.is_empty());
        }
        other => panic!("expected Locked, got {other:?}"),
    }
    let csv = data().join("bad-rows.csv");
    let out = lpkpi(&["import", path.to_str().unwrap(), csv.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("open in another lpkpi") && err.contains(&holder.id().to_string()),
        "{err}"
    );
    // the holder is killed: its lock file stays behind, stale, and is taken over
    holder.kill().unwrap();
    holder.wait().unwrap();
    assert!(path.with_file_name("shared.ron.lock").exists());
    let out = lpkpi(&["import", path.to_str().unwrap(), csv.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

mod roundtrip {
    use super::*;
    use proptest::prelude::*;

    fn text() -> impl Strategy<Value = String> {
        "[ -~äöü€®\"\\\\\n\t]{0,16}"
    }

    fn day() -> impl Strategy<Value = NaiveDate> {
        (0i64..4000).prop_map(|n| d("2020-01-01") + chrono::Duration::days(n))
    }

    fn money() -> impl Strategy<Value = Decimal> {
        (-1_000_000_000i64..1_000_000_000, 0u32..4).prop_map(|(m, s)| Decimal::new(m, s))
    }

    /// A code, or what a currency column said that is not one (long names cut to 15 bytes).
    fn currency() -> impl Strategy<Value = Currency> {
        prop_oneof![
            prop::sample::select(vec!["USD", "EUR", "GBP"])
                .prop_map(|c| Currency::parse(c).unwrap()),
            "[a-zA-Z \u{20ac}$\u{a3}\t\u{b}]{1,24}"
                .prop_filter_map("a currency", |s| Currency::from_cell(&s)),
        ]
    }

    fn line() -> impl Strategy<Value = ProductLine> {
        prop::sample::select(ProductLine::ALL.to_vec())
    }

    fn row() -> impl Strategy<Value = StoredRow> {
        let purchase = (
            day(),
            text(),
            prop::option::of(text()),
            text(),
            text(),
            text(),
            -1_000_000_000i64..1_000_000_000,
            prop::option::of(1u32..50),
            prop::option::of(money()),
            currency(),
        )
            .prop_map(
                |(date, order, line_id, part, name, kind, q, components, amount, cur)| {
                    StoredPurchase {
                        date,
                        order,
                        line_id,
                        part,
                        name,
                        kind,
                        quantity: q,
                        components,
                        amount,
                        currency: cur,
                    }
                },
            );
        let fate = prop_oneof![
            Just(StoredFate::Kept),
            Just(StoredFate::Duplicate),
            Just(StoredFate::Summary),
            Just(StoredFate::NotInvoiced),
            text().prop_map(StoredFate::Rejected),
        ];
        (0u32..3, 1u32..100_000, fate, prop::option::of(purchase)).prop_map(
            |(batch, line, fate, purchase)| StoredRow {
                batch,
                line,
                fate,
                purchase,
            },
        )
    }

    fn workspace() -> impl Strategy<Value = Workspace> {
        let partner = (
            text(),
            text(),
            prop::option::of(prop::sample::select(vec![
                "gold".to_string(),
                "silver".into(),
                "lap".into(),
            ])),
            prop::option::of(day()),
        )
            .prop_map(|(name, partner_id, level, anniversary)| Partner {
                name,
                partner_id,
                level,
                anniversary,
            });
        let membership =
            (text(), prop::option::of(day())).prop_map(|(id, expiry)| Membership { id, expiry });
        let pass = (text(), prop::option::of(day()), prop::option::of(day()))
            .prop_map(|(exam, date, expiry)| ExamPass { exam, date, expiry });
        let person = (
            text(),
            prop::option::of(membership),
            prop::collection::vec(pass, 0..4),
        )
            .prop_map(|(name, mct, passes)| Person { name, mct, passes });
        let rule = (text(), 0u32..10, prop::collection::vec(text(), 0..3)).prop_map(
            |(level, people, exams)| ExamRule {
                level,
                people,
                exams,
            },
        );
        let competency = (text(), prop::collection::vec(rule, 0..3))
            .prop_map(|(name, rules)| Competency { name, rules });
        let catalog = prop::collection::btree_map(
            text(),
            (line(), prop::option::of(1u32..9))
                .prop_map(|(line, components)| CatalogEntry { line, components }),
            0..4,
        );
        let rate = (
            prop::sample::select(vec!["EUR", "GBP", "CHF"]),
            prop::option::of(day()),
            (1i64..1_000_000_000, 0u32..4).prop_map(|(m, s)| Decimal::new(m, s + 3)),
        )
            .prop_map(|(c, m, r)| Rate {
                currency: Currency::parse(c).unwrap(),
                month: m.map(Month::of),
                usd_per: r,
            });
        let planned = (day(), text(), line(), any::<i16>(), money()).prop_map(
            |(date, description, line, kits, amount_usd)| PlannedPurchase {
                date,
                description,
                line,
                kits: i64::from(kits),
                amount_usd,
            },
        );
        let dash = (day(), prop::option::of(money()), prop::option::of(money())).prop_map(
            |(m, kpi_units, revenue_usd)| DashboardMonth {
                month: Month::of(m),
                kpi_units,
                revenue_usd,
            },
        );
        (
            partner,
            prop::collection::vec(competency, 0..2),
            prop::collection::vec(person, 0..6),
            prop::collection::vec(row(), 0..12),
            catalog,
            prop::collection::vec(rate, 0..3),
            prop::collection::vec(planned, 0..3),
            prop::collection::vec(dash, 0..3),
        )
            .prop_map(
                |(
                    partner,
                    competencies,
                    people,
                    rows,
                    catalog,
                    mut rates,
                    planned,
                    mut dashboard,
                )| {
                    // one rate per currency and month, one figure per month, as edits (and the
                    // loader) take them
                    let mut seen = std::collections::BTreeSet::new();
                    rates
                        .retain(|r: &Rate| seen.insert((r.currency.as_str().to_string(), r.month)));
                    let mut months = std::collections::BTreeSet::new();
                    dashboard.retain(|d: &DashboardMonth| months.insert(d.month));
                    Workspace {
                        partner,
                        competencies,
                        people,
                        rows: rows.into(),
                        catalog,
                        rates,
                        planned,
                        dashboard,
                        ..Workspace::default()
                    }
                },
            )
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]
        #[test]
        fn load_of_save_is_identity(ws in workspace()) {
            let text = to_ron(&ws).unwrap();
            let back = from_ron(&text, "prop").unwrap();
            prop_assert_eq!(&back, &ws);
            prop_assert_eq!(&to_ron(&back).unwrap(), &text);
            // the rows written apart are what ron writes, and ron reads the file alike
            let file = FileV3::of(&ws);
            let by_ron = ron::Options::default().to_string_pretty(&file, pretty()).unwrap();
            prop_assert_eq!(format!("{HEADER}{COLUMNS}{by_ron}\n"), text.clone());
            let read: FileV3 = ron::from_str(&text).unwrap();
            prop_assert_eq!(read, file);
        }
    }
}

#[test]
fn save_as_never_replaces_a_file_it_cannot_read() {
    let dir = tempfile::tempdir().unwrap();
    let damaged = dir.path().join("damaged.ron");
    std::fs::write(&damaged, b"(version: 1, partner: (name: \"half").unwrap();
    let err =
        Document::create_or_replace(&damaged, Workspace::new("Other", None, None)).unwrap_err();
    assert!(err.to_string().contains("choose another name"), "{err}");
    assert_eq!(
        std::fs::read(&damaged).unwrap(),
        b"(version: 1, partner: (name: \"half"
    );
    assert!(!damaged.with_file_name("damaged.ron.bak").exists());
    // a readable workspace is replaced, the old one kept as .bak
    let good = dir.path().join("good.ron");
    drop(Document::create(&good, Workspace::new("Old", None, None)).unwrap());
    drop(Document::create_or_replace(&good, Workspace::new("New", None, None)).unwrap());
    assert!(
        std::fs::read_to_string(good.with_file_name("good.ron.bak"))
            .unwrap()
            .contains("Old")
    );
}

#[test]
fn rows_without_their_batch_are_rejected_not_lost() {
    let mut ws = imported_fixtures();
    let mut orphan = ws.rows[0].clone();
    orphan.batch = 99;
    std::sync::Arc::make_mut(&mut ws.rows).push(orphan);
    let session = Session::new(&ws).unwrap();
    let e = session
        .evaluate(&ws, d("2026-10-01"), d("2026-09-15"), None)
        .eval;
    assert_eq!(e.counts.read, 296);
    assert!(
        e.rejected.iter().any(|r| r.reason.contains("batch 99")),
        "{:?}",
        e.rejected
    );
    assert!(e.counts.balanced());
}

#[test]
fn implausible_values_are_refused_on_load() {
    let mut ws = Workspace::new("X", None, None);
    ws.rates.push(Rate {
        currency: Currency::EUR,
        month: None,
        usd_per: Decimal::from(10_000_000),
    });
    let err = from_ron(&to_ron(&ws).unwrap(), "w").unwrap_err();
    assert!(
        err.to_string().contains("not a plausible USD rate"),
        "{err}"
    );
    // an anniversary out of the years every edit and the command line take (a window there
    // would index its months out of range)
    for year in ["-262143", "1989", "2200"] {
        let mut ws = Workspace::new("X", None, None);
        ws.partner.anniversary = Some(chrono::NaiveDate::from_ymd_opt(2027, 3, 1).unwrap());
        let text = to_ron(&ws)
            .unwrap()
            .replace("\"2027-03-01\"", &format!("\"{year}-01-01\""));
        let err = from_ron(&text, "w").unwrap_err();
        assert!(
            err.to_string().contains(&format!(
                "the anniversary {year}-01-01 is not a plausible date"
            )),
            "{err}"
        );
    }
}

#[test]
fn import_into_a_new_workspace_is_all_or_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let w = dir.path().join("new.ron");
    let bad = dir.path().join("notes.csv");
    std::fs::write(&bad, "foo,bar,baz\n1,2,3\n").unwrap();
    let good = data().join("orders-basic.csv");
    let out = lpkpi(&[
        "import",
        w.to_str().unwrap(),
        good.to_str().unwrap(),
        bad.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(!w.exists(), "no workspace is created when an import fails");
    let out = lpkpi(&["import", w.to_str().unwrap(), good.to_str().unwrap()]);
    assert!(out.status.success());
    assert!(w.exists());
}

/// `lpkpi import W orders-basic.csv`, refused as a usage error (exit 2): its one line.
fn import_refused(w: &Path) -> String {
    let input = data().join("orders-basic.csv");
    let out = lpkpi(&["import", w.to_str().unwrap(), input.to_str().unwrap()]);
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(2), "{err}");
    err
}

/// Stored rows whose import batch a hand edit deleted are rejected, and a file imported into
/// that workspace is refused rather than taking them as its own purchases (its batch would
/// have the number they name).
#[test]
fn an_import_never_takes_rows_whose_batch_is_missing_as_its_own() {
    let dir = tempfile::tempdir().unwrap();
    let w = dir.path().join("w.ron");
    let demo =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/demo/demo.ron"))
            .unwrap();
    let edited: String = demo
        .lines()
        .filter(|l| !l.starts_with("    (name: \"rechnungen-emea-2026.csv\""))
        .map(|l| format!("{l}\n"))
        .collect();
    assert_ne!(edited, demo);
    std::fs::write(&w, &edited).unwrap();
    let err = import_refused(&w);
    assert!(
        err.contains("stored rows refer to import batch 3, which this workspace does not have"),
        "{err}"
    );
    assert_eq!(
        std::fs::read_to_string(&w).unwrap(),
        edited,
        "nothing written"
    );
}

/// A workspace is not made where an earlier one of its name left its backup (or unsaved
/// edits): the second save would have replaced that backup, the only copy left of it.
#[test]
fn a_new_workspace_never_replaces_the_backup_an_earlier_one_left() {
    let dir = tempfile::tempdir().unwrap();
    let w = dir.path().join("w.ron");
    let mut doc = Document::create(&w, Workspace::new("Earlier", None, None)).unwrap();
    doc.workspace.partner.name = "Earlier, saved again".into();
    doc.save().unwrap();
    drop(doc);
    let bak = dir.path().join("w.ron.bak");
    let kept = std::fs::read(&bak).unwrap();
    std::fs::remove_file(&w).unwrap();
    let err = import_refused(&w);
    assert!(
        err.contains("w.ron.bak is there, the backup of an earlier workspace"),
        "{err}"
    );
    assert!(!w.exists());
    assert_eq!(std::fs::read(&bak).unwrap(), kept);
    // the same for a recovery file left alone
    std::fs::rename(&bak, dir.path().join("kept.ron")).unwrap();
    std::fs::write(dir.path().join("w.ron.recovery"), "(version: 3)").unwrap();
    assert!(matches!(
        Document::create(&w, Workspace::default()),
        Err(WorkspaceError::Leftover { .. })
    ));
    assert!(!w.exists());
}

/// What a hand edit gives twice (a catalog entry, a dashboard month, a rate) is refused with
/// where, never read as one of them with the other dropped or never shown.
#[test]
fn what_a_hand_edit_gives_twice_is_refused() {
    let demo =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/demo/demo.ron"))
            .unwrap();
    let entry = "(line: courseware, components: Some(5))";
    for (from, to, says) in [
        (
            "  catalog: {},".to_string(),
            format!("  catalog: {{\"PKG\": {entry}, \"PKG\": {entry}}},"),
            "\"PKG\" is given twice",
        ),
        (
            "  dashboard: [\n".to_string(),
            "  dashboard: [\n    (month: \"2026-03\", kpi_units: Some(\"1\"), revenue_usd: None),\n"
                .to_string(),
            "the dashboard figures of 2026-03 are given twice",
        ),
        (
            "    (currency: \"EUR\", month: None, usd_per: \"1.08\"),\n".to_string(),
            "    (currency: \"EUR\", month: None, usd_per: \"1.08\"),\n    (currency: \"EUR\", month: None, usd_per: \"1.10\"),\n"
                .to_string(),
            "the EUR rate of every month is given twice",
        ),
    ] {
        assert!(demo.contains(&from), "{from}");
        let e = from_ron(&demo.replacen(&from, &to, 1), "demo.ron")
            .unwrap_err()
            .to_string();
        assert!(e.contains(says), "{e}");
    }
}
