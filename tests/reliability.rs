//! Regression tests for what the hostile-input runs found losing data through ordinary
//! commands: `--out` onto a workspace or an input, the window's unsaved edits deleted by an
//! import, special files replaced by outputs, read-only workspaces replaced, lock files left
//! behind, and the limits shared by the loader, the command line and the window.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "tests and benchmarks fail by panicking"
)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use lpkpi::workspace::file::{lock_path, owner_path, recovery_path};
use lpkpi::workspace::{Document, Workspace};

fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name)
}

fn lpkpi(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_lpkpi"))
        .args(args)
        .output()
        .expect("run lpkpi")
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// A workspace with the basic fixture imported, created by the real binary.
fn workspace(dir: &Path) -> PathBuf {
    let w = dir.join("w.ron");
    let out = lpkpi(&[
        "new",
        s(&w),
        "--partner",
        "Contoso",
        "--anniversary",
        "2026-10-01",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let out = lpkpi(&["import", s(&w), s(&data("orders-basic.csv"))]);
    assert!(out.status.success(), "{}", stderr(&out));
    w
}

#[test]
fn report_out_never_replaces_an_input_or_a_workspace() {
    let dir = tempfile::tempdir().unwrap();
    let w = workspace(dir.path());
    let before = std::fs::read(&w).unwrap();
    // the workspace itself, by another path too
    std::os::unix::fs::symlink("w.ron", dir.path().join("alias.json")).unwrap();
    for target in [w.clone(), dir.path().join("alias.json")] {
        let out = lpkpi(&["report", "--workspace", s(&w), "--out", s(&target)]);
        assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
        assert!(
            stderr(&out).contains("refusing to overwrite"),
            "{}",
            stderr(&out)
        );
        assert_eq!(stderr(&out).lines().count(), 1);
    }
    assert_eq!(std::fs::read(&w).unwrap(), before, "workspace untouched");
    // an export given as input
    let csv = dir.path().join("in.csv");
    std::fs::copy(data("orders-basic.csv"), &csv).unwrap();
    let csv_before = std::fs::read(&csv).unwrap();
    let out = lpkpi(&[
        "report",
        "--anniversary",
        "2026-10-01",
        s(&csv),
        "--out",
        s(&csv),
    ]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert_eq!(std::fs::read(&csv).unwrap(), csv_before);
    // a copy of a workspace (not an input, but a workspace all the same)
    let copy = dir.path().join("copy.ron");
    std::fs::copy(&w, &copy).unwrap();
    let out = lpkpi(&["report", "--workspace", s(&w), "--out", s(&copy)]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("is an lpkpi workspace"),
        "{}",
        stderr(&out)
    );
    assert_eq!(std::fs::read(&copy).unwrap(), before);
    // a workspace edited by hand to start with a comment or an attribute is one too
    for head in [
        "/* edited by hand */\n",
        "#![enable(implicit_some)]\n",
        "\n\n\n",
    ] {
        let mut text = head.as_bytes().to_vec();
        text.extend(&before);
        std::fs::write(&copy, &text).unwrap();
        let out = lpkpi(&["report", "--workspace", s(&copy)]);
        assert!(out.status.success(), "{head:?} loads: {}", stderr(&out));
        let out = lpkpi(&["report", "--workspace", s(&w), "--out", s(&copy)]);
        assert_eq!(out.status.code(), Some(2), "{head:?}: {}", stderr(&out));
        assert_eq!(std::fs::read(&copy).unwrap(), text);
    }
    // the official dashboard's report given as input
    let official = dir.path().join("official.csv");
    std::fs::copy(data("official-dashboard.csv"), &official).unwrap();
    let official_before = std::fs::read(&official).unwrap();
    let out = lpkpi(&[
        "report",
        "--workspace",
        s(&w),
        "--official",
        s(&official),
        "--out",
        s(&official),
    ]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("is the input"), "{}", stderr(&out));
    assert_eq!(std::fs::read(&official).unwrap(), official_before);
    // a workspace held open by another lpkpi (its lock), even when its file does not parse
    let held = dir.path().join("held.ron");
    std::fs::copy(&w, &held).unwrap();
    let doc = Document::open(&held).unwrap();
    std::fs::write(&held, b"not yet saved").unwrap();
    let out = lpkpi(&["report", "--workspace", s(&w), "--out", s(&held)]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("open in another lpkpi"),
        "{}",
        stderr(&out)
    );
    assert_eq!(std::fs::read(&held).unwrap(), b"not yet saved");
    drop(doc);
    // an ordinary report file is replaced as before
    let json = dir.path().join("report.json");
    std::fs::write(&json, b"{}").unwrap();
    let out = lpkpi(&["report", "--workspace", s(&w), "--out", s(&json)]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        std::fs::read_to_string(&json)
            .unwrap()
            .contains("\"kpi_units\"")
    );
}

#[cfg(unix)]
#[test]
fn report_out_writes_into_devices_and_pipes_and_through_links() {
    use std::os::unix::fs::FileTypeExt;
    let dir = tempfile::tempdir().unwrap();
    let w = workspace(dir.path());
    let out = lpkpi(&["report", "--workspace", s(&w), "--out", "/dev/null"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        std::fs::metadata("/dev/null")
            .unwrap()
            .file_type()
            .is_char_device()
    );
    // a pipe with no reader: an error at once, the pipe stays
    let fifo = dir.path().join("pipe");
    assert!(
        Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    let started = std::time::Instant::now();
    let out = lpkpi(&["report", "--workspace", s(&w), "--out", s(&fifo)]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("no program is reading"),
        "{}",
        stderr(&out)
    );
    assert!(started.elapsed().as_secs() < 10);
    assert!(std::fs::metadata(&fifo).unwrap().file_type().is_fifo());
    // a pipe with a reader gets the report
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::read(&fifo).unwrap())
    };
    // the reader opens the pipe first; retry until it has
    let mut out = lpkpi(&["report", "--workspace", s(&w), "--out", s(&fifo)]);
    for _ in 0..50 {
        if out.status.success() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
        out = lpkpi(&["report", "--workspace", s(&w), "--out", s(&fifo)]);
    }
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        String::from_utf8(reader.join().unwrap())
            .unwrap()
            .contains("\"kpi_units\"")
    );
    // the process's own output, as the shell set it up: appended to with `>>`, not replaced
    let log = dir.path().join("log.txt");
    std::fs::write(&log, b"keep me\n").unwrap();
    let appended = std::fs::OpenOptions::new().append(true).open(&log).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_lpkpi"))
        .args([
            "report",
            "--workspace",
            s(&w),
            "--format",
            "csv",
            "--out",
            "/dev/stdout",
        ])
        .stdout(appended)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let text = std::fs::read_to_string(&log).unwrap();
    assert!(text.starts_with("keep me\n\u{feff}month,"), "{text}");
    // and into a pipe, whose name cannot be opened
    let out = lpkpi(&["report", "--workspace", s(&w), "--out", "/dev/stdout"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(String::from_utf8_lossy(&out.stdout).contains("\"kpi_units\""));
    // through a symbolic link: the link stays, the file it names gets the report
    let real = dir.path().join("real.json");
    std::fs::write(&real, b"old").unwrap();
    let link = dir.path().join("link.json");
    std::os::unix::fs::symlink(&real, &link).unwrap();
    let out = lpkpi(&["report", "--workspace", s(&w), "--out", s(&link)]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert!(
        std::fs::read_to_string(&real)
            .unwrap()
            .contains("\"kpi_units\"")
    );
}

/// Files beside a workspace with the names of its lock and owner files that lpkpi did not
/// write are someone's: left as they are, and the workspace is not opened; lpkpi's own, left
/// by a process that crashed, are taken over and removed as before.
#[test]
fn files_named_like_a_lock_that_are_not_lpkpis_are_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let csv = data("orders-basic.csv");
    // a folder given as the workspace: refused before a lock is made beside it
    let folder = dir.path().join("d");
    std::fs::create_dir(&folder).unwrap();
    std::fs::write(dir.path().join("d.lock"), b"mine").unwrap();
    let out = lpkpi(&["import", s(&folder), s(&csv)]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("is a folder"), "{}", stderr(&out));
    assert_eq!(std::fs::read(dir.path().join("d.lock")).unwrap(), b"mine");
    // someone's notes.owner and notes.lock
    let notes = dir.path().join("notes");
    for (name, text) in [("notes.owner", "mine\n"), ("notes.lock", "mine")] {
        let file = dir.path().join(name);
        std::fs::write(&file, text).unwrap();
        let out = lpkpi(&["import", s(&notes), s(&csv)]);
        assert_eq!(out.status.code(), Some(2), "{name}: {}", stderr(&out));
        assert!(stderr(&out).contains("is in the way"), "{}", stderr(&out));
        assert_eq!(stderr(&out).lines().count(), 1);
        assert_eq!(std::fs::read_to_string(&file).unwrap(), text, "{name} kept");
        assert!(!notes.exists(), "no workspace made");
        std::fs::remove_file(&file).unwrap();
    }
    // lpkpi's own, left by a crash (an empty lock file, an owner file naming a process): taken
    // over, then removed
    let w = dir.path().join("w.ron");
    std::fs::write(dir.path().join("w.ron.lock"), b"").unwrap();
    std::fs::write(dir.path().join("w.ron.owner"), b"elsewhere 4242\n").unwrap();
    let out = lpkpi(&["import", s(&w), s(&csv)]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(!dir.path().join("w.ron.lock").exists());
    assert!(!dir.path().join("w.ron.owner").exists());
    // a host without a name ("this computer"), and a lock file an older build wrote its
    // holder into: lpkpi's too
    std::fs::write(dir.path().join("w.ron.lock"), b"old-host 17\n").unwrap();
    std::fs::write(dir.path().join("w.ron.owner"), b"this computer 4242\n").unwrap();
    let out = lpkpi(&["import", s(&w), s(&data("orders-basic.csv"))]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(!dir.path().join("w.ron.lock").exists());
}

/// New files (a workspace, its backup, a report) take the user's umask, as any program's do:
/// a user who keeps their files private (077) gets rw------- for the partner's revenue.
#[cfg(unix)]
#[test]
fn new_files_follow_the_users_umask() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let bin = env!("CARGO_BIN_EXE_lpkpi");
    let script = format!(
        "umask 077 && '{bin}' new p.ron --partner A --anniversary 2027-03-01 && '{bin}' import p.ron '{}' && '{bin}' report --workspace p.ron --out r.json",
        s(&data("orders-basic.csv"))
    );
    let out = Command::new("sh")
        .args(["-c", &script])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    for name in ["p.ron", "p.ron.bak", "r.json"] {
        let mode = std::fs::metadata(dir.path().join(name))
            .unwrap()
            .permissions()
            .mode()
            & 0o777;
        assert_eq!(mode, 0o600, "{name}");
    }
}

#[cfg(unix)]
#[test]
fn special_files_as_inputs_are_refused_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("pipe.csv");
    assert!(
        Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    let w = workspace(dir.path());
    let basic = data("orders-basic.csv");
    let cases: Vec<Vec<&str>> = vec![
        vec!["report", "--anniversary", "2026-10-01", s(&fifo)],
        vec!["report", "--anniversary", "2026-10-01", "/dev/zero"],
        vec!["report", "--workspace", s(&fifo)],
        vec!["report", "--workspace", "/dev/urandom"],
        vec!["report", "--workspace", s(&w), "--profile", "/dev/zero"],
        vec!["report", "--workspace", s(&w), "--profile", s(&fifo)],
        vec!["import", s(&fifo), s(&basic)],
        vec!["import", s(&w), s(&fifo)],
    ];
    for args in cases {
        let started = std::time::Instant::now();
        let out = lpkpi(&args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(
            stderr(&out).contains("not a regular file"),
            "{args:?}: {}",
            stderr(&out)
        );
        assert!(started.elapsed().as_secs() < 10, "{args:?} waited");
    }
    assert!(!lock_path(&fifo).exists(), "no lock left beside the pipe");
}

#[test]
fn import_keeps_the_windows_unsaved_edits() {
    let dir = tempfile::tempdir().unwrap();
    let w = workspace(dir.path());
    // the window's unsaved edits
    let doc = Document::open(&w).unwrap();
    let mut edited = doc.workspace.clone();
    edited.partner.name = "Contoso Learning".into();
    doc.write_recovery_of(&edited).unwrap();
    drop(doc);
    let recovery = std::fs::read(recovery_path(&w)).unwrap();
    let out = lpkpi(&["import", s(&w), s(&data("rechnungen.csv"))]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("unsaved edits from the window are pending"),
        "{}",
        stderr(&out)
    );
    assert_eq!(std::fs::read(recovery_path(&w)).unwrap(), recovery, "kept");
    // the window still offers them, though the workspace is newer, and says what they change
    let doc = Document::open(&w).unwrap();
    let (ws, _) = doc
        .recovery()
        .unwrap()
        .expect("offered after a save by the command line");
    assert_eq!(ws.partner.name, "Contoso Learning");
    let changes = doc.workspace.differences(&ws);
    assert!(
        changes
            .iter()
            .any(|c| c == "partner name: 'Contoso' → 'Contoso Learning'"),
        "{changes:?}"
    );
    assert!(
        changes
            .iter()
            .any(|c| c.starts_with("imported files removed: rechnungen.csv")),
        "{changes:?}"
    );
}

#[cfg(unix)]
#[test]
fn a_read_only_workspace_is_not_replaced() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let w = workspace(dir.path());
    std::fs::remove_file(w.with_file_name("w.ron.bak")).unwrap();
    std::fs::set_permissions(&w, std::fs::Permissions::from_mode(0o444)).unwrap();
    let before = std::fs::read(&w).unwrap();
    let out = lpkpi(&["import", s(&w), s(&data("rechnungen.csv"))]);
    // the workspace is the output that could not be written
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("is read-only"), "{}", stderr(&out));
    assert_eq!(std::fs::read(&w).unwrap(), before);
    assert!(!w.with_file_name("w.ron.bak").exists());
}

#[test]
fn lock_files_go_with_their_holder_and_readers_take_none() {
    let dir = tempfile::tempdir().unwrap();
    let w = workspace(dir.path());
    assert!(
        !lock_path(&w).exists() && !owner_path(&w).exists(),
        "import cleaned up"
    );
    let out = lpkpi(&["report", "--workspace", s(&w)]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        !lock_path(&w).exists() && !owner_path(&w).exists(),
        "a reader locks nothing"
    );
    // held: the files name the holder; a second writer is refused with that name
    let doc = Document::open(&w).unwrap();
    assert!(lock_path(&w).exists() && owner_path(&w).exists());
    let out = lpkpi(&["import", s(&w), s(&data("rechnungen.csv"))]);
    assert_eq!(out.status.code(), Some(2));
    let pid = std::process::id().to_string();
    assert!(stderr(&out).contains(&pid), "{}", stderr(&out));
    // the same file through a symbolic link is the same lock
    #[cfg(unix)]
    {
        let link = dir.path().join("link.ron");
        std::os::unix::fs::symlink("w.ron", &link).unwrap();
        assert!(matches!(
            Document::open(&link),
            Err(lpkpi::workspace::WorkspaceError::Locked { .. })
        ));
        std::fs::remove_file(&link).unwrap();
    }
    // Save As moves the lock: nothing is left beside the old name
    let mut doc = doc;
    let other = dir.path().join("other.ron");
    doc.save_as(&other).unwrap();
    assert!(!lock_path(&w).exists() && !owner_path(&w).exists());
    assert!(lock_path(&other).exists());
    drop(doc);
    assert!(!lock_path(&other).exists() && !owner_path(&other).exists());
}

#[test]
fn workspace_with_a_byte_order_mark_opens() {
    let dir = tempfile::tempdir().unwrap();
    let w = workspace(dir.path());
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend(std::fs::read(&w).unwrap());
    std::fs::write(&w, bytes).unwrap();
    let out = lpkpi(&["report", "--workspace", s(&w)]);
    assert!(out.status.success(), "{}", stderr(&out));
}

#[test]
fn limits_are_the_same_everywhere() {
    let dir = tempfile::tempdir().unwrap();
    let w = workspace(dir.path());
    for (rate, ok) in [
        ("EUR=1.08", true),
        ("EUR=0.000001", true),
        ("EUR=1000000", true),
        ("EUR=1e-28", false),
        ("EUR=0.0000001", false),
        ("EUR=1000001", false),
        ("EUR=10800000", false),
        ("USD=2", false),
    ] {
        let out = lpkpi(&["report", "--workspace", s(&w), "--rate", rate]);
        assert_eq!(out.status.success(), ok, "{rate}: {}", stderr(&out));
        if !ok {
            assert_eq!(out.status.code(), Some(2));
        }
    }
    for day in ["1-1-1", "2026-02-30", "2026-1-1", "20261001", "0999-10-01"] {
        let out = lpkpi(&["report", "--workspace", s(&w), "--anniversary", day]);
        assert_eq!(out.status.code(), Some(2), "{day}: {}", stderr(&out));
    }
    // what the loader refuses, the window's checks refuse with the same words
    let mut ws = Workspace::new("x", None, None);
    ws.planned.push(lpkpi::workspace::model::PlannedPurchase {
        date: chrono::NaiveDate::from_ymd_opt(2026, 5, 1).unwrap(),
        description: "typo".into(),
        line: lpkpi::rules::ProductLine::Courseware,
        kits: 1,
        amount_usd: rust_decimal::Decimal::from(10_i64.pow(14)),
    });
    let refused = Workspace::check_planned(&ws.planned[0])
        .unwrap_err()
        .to_string();
    assert!(ws.implausible().unwrap().contains(&refused));
}

#[test]
fn messages_are_one_clean_line() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("wide.csv");
    let mut header: String = (0..100_000).map(|i| format!("col{i},")).collect();
    header.push_str("\x1b[31mred\x07\n1,2,3\n");
    std::fs::write(&csv, header).unwrap();
    let out = lpkpi(&["report", "--anniversary", "2026-10-01", s(&csv)]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.len() < 1_000, "{} bytes", err.len());
    assert!(!err.bytes().any(|b| b.is_ascii_control() && b != b'\n'));
    // a short header with terminal escapes: named, but escaped
    std::fs::write(&csv, "Date,\x1b[2JQty\x07,Name\n1,2,3\n").unwrap();
    let out = lpkpi(&["report", "--anniversary", "2026-10-01", s(&csv)]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("\\u{1b}[2JQty\\u{7}"), "{err}");
    assert!(!err.bytes().any(|b| b.is_ascii_control() && b != b'\n'));
}

/// Imported text (product names, file names, the partner) comes out of the Markdown report
/// inert: no HTML, link or heading can be injected.
#[test]
fn markdown_report_escapes_imported_text() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("x_[y](javascript:alert(1)).csv");
    std::fs::write(
        &csv,
        "Invoice Date,Quantity,Product Name,Total\n\
         2026-03-05,2,<script>alert(1)</script>,10.00\n\
         2026-03-06,1,[x](javascript:alert(1)) <img src=x onerror=alert(1)>,5.00\n\
         2026-03-07,1,\"two\n# lines\",5.00\n",
    )
    .unwrap();
    let w = dir.path().join("w.ron");
    let out = lpkpi(&[
        "new",
        s(&w),
        "--partner",
        "Evil\n# Injected <b>",
        "--anniversary",
        "2026-10-01",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let out = lpkpi(&["report", "--workspace", s(&w), "--format", "md", s(&csv)]);
    assert!(out.status.success(), "{}", stderr(&out));
    let md = String::from_utf8(out.stdout).unwrap();
    assert!(md.contains("unknown product"), "{md}");
    assert!(
        !md.contains("<script>") && !md.contains("<img") && !md.contains("<b>"),
        "{md}"
    );
    // a link needs an unescaped `](`: every one here is escaped
    assert!(!md.replace("\\](", "").contains("](javascript:"), "{md}");
    assert!(
        !md.lines()
            .any(|l| l.starts_with("# ") && !l.starts_with("# Renewal readiness")),
        "{md}"
    );
    assert!(md.contains("&lt;script&gt;"), "{md}");
    // the HTML page too: no tag from the data, and no script at all
    let out = lpkpi(&["report", "--workspace", s(&w), "--format", "html", s(&csv)]);
    assert!(out.status.success(), "{}", stderr(&out));
    let page = String::from_utf8(out.stdout).unwrap();
    assert!(page.starts_with("<!DOCTYPE html>"), "{page}");
    assert!(
        page.contains("unknown product &#39;&lt;script&gt;"),
        "{page}"
    );
    for tag in ["<script", "<img", "<b>", "javascript:alert(1)\">"] {
        assert!(!page.contains(tag), "{tag} in {page}");
    }
    assert!(
        page.contains("<h1>Renewal readiness: Evil # Injected &lt;b&gt;</h1>"),
        "{page}"
    );
}

/// `lpkpi chart` writes the summary's chart as SVG or PNG, refuses other formats, and never
/// replaces its own workspace.
#[test]
fn chart_command_writes_svg_or_png() {
    let dir = tempfile::tempdir().unwrap();
    let w = workspace(dir.path());
    let svg = dir.path().join("kpi.svg");
    let out = lpkpi(&[
        "chart",
        "--workspace",
        s(&w),
        "--as-of",
        "2026-06-15",
        "--out",
        s(&svg),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = std::fs::read_to_string(&svg).unwrap();
    assert!(
        text.starts_with("<svg") && text.contains("Cumulative KPI units"),
        "{text}"
    );
    assert!(
        text.contains("Contoso") && text.contains("deadline"),
        "{text}"
    );
    let png = dir.path().join("k.png");
    let out = lpkpi(&["chart", "--workspace", s(&w), "--out", s(&png)]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        std::fs::read(&png)
            .unwrap()
            .starts_with(b"\x89PNG\r\n\x1a\n")
    );
    let gif = dir.path().join("k.gif");
    let out = lpkpi(&["chart", "--workspace", s(&w), "--out", s(&gif)]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let before = std::fs::read(&w).unwrap();
    let alias = dir.path().join("w.svg");
    std::os::unix::fs::symlink("w.ron", &alias).unwrap();
    let out = lpkpi(&["chart", "--workspace", s(&w), "--out", s(&alias)]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert_eq!(std::fs::read(&w).unwrap(), before);
}

/// The window's "rows to review" CSV: a file or product name starting with `=`, `+`, `-` or `@`
/// comes out as text, never as a formula.
#[test]
fn review_csv_neutralizes_formulas() {
    use lpkpi::report::{Format, ReportInput, render};
    let dir = tempfile::tempdir().unwrap();
    let w = workspace(dir.path());
    let mut ws = lpkpi::workspace::file::parse(&std::fs::read(&w).unwrap(), "w.ron").unwrap();
    let rules = lpkpi::import::ImportRules::new(&lpkpi::rules::Profile::builtin().unwrap());
    let csv = "Invoice Date,Quantity,Product Name,Total\n\
               2026-03-05,2,=HYPERLINK(\"http://evil\"),10.00\n\
               2026-03-06,1,@SUM(A1),5.00\n\
               bad date,1,-2+3,5.00\n";
    let now = chrono::NaiveDate::from_ymd_opt(2026, 9, 1)
        .unwrap()
        .and_hms_opt(9, 0, 0)
        .unwrap();
    for o in ws.import_files(
        &[(
            "=cmd|' /C calc'!A0.csv".to_string(),
            csv.as_bytes().to_vec(),
        )],
        &rules,
        now,
    ) {
        o.unwrap();
    }
    let session = lpkpi::workspace::session::Session::new(&ws).unwrap();
    let out = session.evaluate(
        &ws,
        ws.partner.anniversary.unwrap(),
        chrono::NaiveDate::from_ymd_opt(2026, 9, 15).unwrap(),
        None,
    );
    let input = ReportInput {
        eval: &out.eval,
        profile: &session.profile,
        set: &session.set,
        partner: None,
        capability: None,
        reconciliation: &out.reconciliation,
        planned: &[],
    };
    let text = String::from_utf8(render(&input, Format::ReviewCsv).unwrap()).unwrap();
    assert!(
        text.starts_with("\u{feff}what,file,line,reason\r\n"),
        "{text}"
    );
    assert!(text.contains("\"'=cmd|' /C calc'!A0.csv\""), "{text}");
    assert!(text.contains("rejected"), "{text}");
    assert!(text.contains("unknown product"), "{text}");
    // no cell starts a formula: every cell is quoted text or a line number
    for line in text.lines().skip(1) {
        for cell in line.split("\",\"") {
            let cell = cell.trim_start_matches('"');
            assert!(!cell.starts_with(['=', '+', '-', '@']), "{cell} in {line}");
        }
    }
}

/// lpkpi with `args`, under a file-size limit of `blocks` KiB (bash's `ulimit -f`): a disk
/// with that much room (a write past it fails, SIGXFSZ ignored, as a full disk's would).
#[cfg(unix)]
fn with_file_size_limit(blocks: u64, args: &[&str]) -> std::process::Output {
    Command::new("bash")
        .args([
            "-c",
            &format!("trap '' XFSZ; ulimit -f {blocks}; exec \"$0\" \"$@\""),
            env!("CARGO_BIN_EXE_lpkpi"),
        ])
        .args(args)
        .output()
        .expect("run bash")
}

/// A disk too full for the new workspace fails the save before anything is replaced: the
/// workspace and its older backup are both kept. (The full disk is a file-size limit in a
/// shell, with its signal ignored so that the write fails as a full disk does.)
#[cfg(unix)]
#[test]
fn a_save_the_disk_cannot_hold_keeps_the_older_backup() {
    let dir = tempfile::tempdir().unwrap();
    let w = workspace(dir.path());
    let bak = w.with_file_name("w.ron.bak");
    let (before, older_backup) = (std::fs::read(&w).unwrap(), std::fs::read(&bak).unwrap());
    // how large the workspace grows with the next import, learnt on a copy
    let copy = dir.path().join("copy").join("w.ron");
    std::fs::create_dir(copy.parent().unwrap()).unwrap();
    std::fs::copy(&w, &copy).unwrap();
    let input = data("orders-unicode.txt");
    let out = lpkpi(&["import", s(&copy), s(&input)]);
    assert!(out.status.success(), "{}", stderr(&out));
    let after = std::fs::metadata(&copy).unwrap().len();
    // bash counts `ulimit -f` in blocks of 1024 bytes: room for the current file (as the
    // backup), none for the grown one
    let blocks = (before.len() as u64).div_ceil(1024) + 1;
    assert!(
        blocks * 1024 < after,
        "the import must grow the file by over a block"
    );
    let out = with_file_size_limit(blocks, &["import", s(&w), s(&input)]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    // the workspace's own write failed, not the backup's
    assert!(
        stderr(&out).contains(&format!("{}: ", w.display())),
        "{}",
        stderr(&out)
    );
    assert!(
        std::fs::read(&w).unwrap() == before,
        "the workspace was replaced"
    );
    assert!(
        std::fs::read(&bak).unwrap() == older_backup,
        "the older backup was replaced"
    );
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(!names.iter().any(|n| n.ends_with(".tmp")), "{names:?}");
}

/// A disk with no room for the lock's owner file (a full disk, here a file-size limit of 0):
/// the workspace cannot be written, said of its folder with exit 1, and no lock file is left.
#[cfg(unix)]
#[test]
fn no_room_for_the_lock_leaves_no_lock_and_exits_1() {
    let dir = tempfile::tempdir().unwrap();
    let w = workspace(dir.path());
    let before = std::fs::read(&w).unwrap();
    let input = data("orders-unicode.txt");
    let out = with_file_size_limit(0, &["import", s(&w), s(&input)]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("cannot take its lock in the folder"),
        "{}",
        stderr(&out)
    );
    assert_eq!(std::fs::read(&w).unwrap(), before);
    assert!(
        !w.with_file_name("w.ron.lock").exists(),
        "the lock file was left"
    );
    assert!(!w.with_file_name("w.ron.owner").exists());
    // and a new workspace where there is no room leaves nothing either
    let n = dir.path().join("n.ron");
    let out = with_file_size_limit(0, &["new", s(&n), "--partner", "X"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(!n.exists() && !dir.path().join("n.ron.lock").exists());
}
