//! The real binary on the shared fixtures: every figure of expected.json, the keys of cli.md,
//! the other formats, and the exit statuses.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "tests and benchmarks fail by panicking"
)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::str::FromStr;

use rust_decimal::Decimal;
use serde_json::Value;

fn data() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data")
}

fn lpkpi(args: &[String]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_lpkpi"))
        .args(args)
        .output()
        .expect("run lpkpi")
}

fn expected() -> Value {
    serde_json::from_str(&std::fs::read_to_string(data().join("expected.json")).unwrap()).unwrap()
}

/// The expected command with file names resolved in tests/data, `swap` replacing file names.
fn expected_command(swap: &[(&str, &str)]) -> Vec<String> {
    expected()["_command"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            let a = a.as_str().unwrap();
            let a = swap
                .iter()
                .find(|(from, _)| *from == a)
                .map_or(a, |(_, to)| *to);
            let p = data().join(a);
            if p.exists() {
                p.display().to_string()
            } else {
                a.to_string()
            }
        })
        .collect()
}

fn run_json(args: &[String]) -> Value {
    let out = lpkpi(args);
    assert!(
        out.status.success(),
        "exit {:?}: {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("JSON on stdout")
}

fn num(v: &Value) -> Decimal {
    match v {
        Value::String(s) => Decimal::from_str(s).unwrap_or_else(|_| panic!("not a decimal: {s}")),
        Value::Number(n) => Decimal::from_str(&n.to_string()).unwrap(),
        other => panic!("not a number: {other}"),
    }
}

/// Compare `got` with `want` the way ../shared/tools/check-report does: figures as numbers,
/// dates and names as text, rejected / needs_rate as sets of places.
fn assert_matches_expected(got: &Value, want: &Value) {
    for k in ["deadline", "anniversary", "as_of"] {
        assert_eq!(got[k], want[k], "{k}");
    }
    assert_eq!(got["window"], want["window"]);
    for k in ["kpi_units", "revenue_usd"] {
        assert_eq!(
            num(&got["totals"][k]),
            num(&want["totals"][k]),
            "totals.{k}"
        );
    }
    let gm = got["monthly"].as_array().unwrap();
    let wm = want["monthly"].as_array().unwrap();
    assert_eq!(gm.len(), 12);
    for (g, w) in gm.iter().zip(wm) {
        assert_eq!(g["month"], w["month"]);
        for k in [
            "kpi_units",
            "revenue_usd",
            "cumulative_kpi_units",
            "cumulative_revenue_usd",
        ] {
            assert_eq!(num(&g[k]), num(&w[k]), "monthly {} {k}", w["month"]);
        }
    }
    for (line, w) in want["by_line"].as_object().unwrap() {
        for k in ["kits", "kpi_units", "revenue_usd"] {
            assert_eq!(
                num(&got["by_line"][line][k]),
                num(&w[k]),
                "by_line.{line}.{k}"
            );
        }
    }
    for k in [
        "read",
        "counted",
        "outside_window",
        "duplicates",
        "summary",
        "not_invoiced",
    ] {
        assert_eq!(got["rows"][k], want["rows"][k], "rows.{k}");
    }
    let places = |v: &Value| {
        let mut p: Vec<(String, i64)> = v
            .as_array()
            .unwrap()
            .iter()
            .map(|x| {
                let file = Path::new(x["file"].as_str().unwrap())
                    .file_name()
                    .unwrap()
                    .to_string_lossy()
                    .to_string();
                (file, x["line"].as_i64().unwrap())
            })
            .collect();
        p.sort();
        p
    };
    assert_eq!(
        places(&got["rows"]["rejected"]),
        places(&want["rows"]["rejected"])
    );
    assert_eq!(
        places(&got["rows"]["needs_rate"]),
        places(&want["rows"]["needs_rate"])
    );
}

#[test]
fn fixtures_reproduce_expected_json() {
    let got = run_json(&expected_command(&[]));
    assert_matches_expected(&got, &expected());
}

#[test]
fn ods_in_place_of_xlsx_gives_the_same_report() {
    let xlsx = run_json(&expected_command(&[]));
    let ods = run_json(&expected_command(&[("orders.xlsx", "orders.ods")]));
    assert_matches_expected(&ods, &expected());
    for k in ["totals", "monthly", "by_line", "levels", "forecast"] {
        assert_eq!(xlsx[k], ods[k], "{k}");
    }
}

#[test]
fn every_row_has_one_fate_and_cli_keys_exist() {
    let got = run_json(&expected_command(&[]));
    let rows = &got["rows"];
    let sum: i64 = [
        "counted",
        "outside_window",
        "duplicates",
        "summary",
        "not_invoiced",
    ]
    .iter()
    .map(|k| rows[k].as_i64().unwrap())
    .sum::<i64>()
        + rows["rejected"].as_array().unwrap().len() as i64;
    assert_eq!(rows["read"].as_i64().unwrap(), sum);
    for r in rows["rejected"].as_array().unwrap() {
        assert!(r["reason"].as_str().is_some_and(|s| s.len() > 10), "{r}");
    }
    assert!(rows["review"].is_array());
    // levels: per cli.md, no roster or competency yet → mct / exams / met unknown, never guessed
    let levels = &got["levels"];
    assert_eq!(levels["gold"]["kpi_units"], Value::Bool(false));
    assert_eq!(levels["gold"]["revenue"], Value::Bool(false));
    assert_eq!(levels["gold"]["mct"], Value::Null);
    assert_eq!(levels["gold"]["exams"], Value::Null);
    assert_eq!(
        levels["gold"]["met"],
        Value::Bool(false),
        "a false requirement decides"
    );
    assert_eq!(levels["silver"]["kpi_units"], Value::Bool(true));
    assert_eq!(levels["silver"]["met"], Value::Null);
    assert_eq!(levels["lap"]["mct"], Value::Null);
    assert!(
        levels["lap"].get("kpi_units").is_none(),
        "LAP has no KPI requirement"
    );
    assert_eq!(got["readiness"], Value::Null);
    assert_eq!(got["verdict"], Value::Null);
    let f = &got["forecast"];
    for k in ["run_rate", "at_deadline"] {
        num(&f[k]["kpi_units"]);
        num(&f[k]["revenue_usd"]);
    }
    num(&f["needed_per_month"]["gold"]["kpi_units"]);
    num(&f["needed_per_month"]["gold"]["revenue_usd"]);
    num(&f["needed_per_month"]["silver"]["kpi_units"]);
    assert!(f["reached_on"]["gold"].get("kpi_units").is_some());
    // as of mid-September with the deadline Sept 30: 11 months completed, none open
    assert_eq!(f["completed_months"], 11);
    assert_eq!(f["open_months"], 0);
    assert_eq!(f["buying_months"], 1);
    // needed = the whole gap in the deadline's month
    assert_eq!(
        num(&f["needed_per_month"]["gold"]["kpi_units"]),
        Decimal::from(5000 - 761)
    );
    assert_eq!(
        num(&f["needed_per_month"]["silver"]["kpi_units"]),
        Decimal::ZERO
    );
    // run rate = the 11 completed months / 11
    let monthly = got["monthly"].as_array().unwrap();
    let completed: Decimal = monthly[..11].iter().map(|m| num(&m["kpi_units"])).sum();
    assert_eq!(
        num(&f["run_rate"]["kpi_units"]),
        (completed / Decimal::from(11))
            .round_dp_with_strategy(2, rust_decimal::RoundingStrategy::MidpointAwayFromZero)
    );
}

#[test]
fn level_gives_a_verdict_when_capability_is_not_needed() {
    // With the current level given, the verdict stays null while capability is unknown.
    let mut args = expected_command(&[]);
    args.insert(1, "--level".into());
    args.insert(2, "gold".into());
    let got = run_json(&args);
    assert_eq!(got["verdict"], Value::Null);
    assert_eq!(got["benefits_at_stake"], Value::Null);
}

#[test]
fn csv_format_is_the_monthly_table_with_bom() {
    let mut args = expected_command(&[]);
    let i = args.iter().position(|a| a == "json").unwrap();
    args[i] = "csv".into();
    let out = lpkpi(&args);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    let text = text.strip_prefix('\u{feff}').expect("BOM");
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[0],
        "month,kpi_units,revenue_usd,cumulative_kpi_units,cumulative_revenue_usd"
    );
    assert_eq!(lines.len(), 13);
    let want = expected();
    for (line, m) in lines[1..].iter().zip(want["monthly"].as_array().unwrap()) {
        let cells: Vec<&str> = line.split(',').collect();
        assert_eq!(cells[0], m["month"].as_str().unwrap());
        assert_eq!(Decimal::from_str(cells[1]).unwrap(), num(&m["kpi_units"]));
        assert_eq!(
            Decimal::from_str(cells[4]).unwrap(),
            num(&m["cumulative_revenue_usd"])
        );
    }
}

#[test]
fn markdown_format_and_out_file() {
    let dir = tempfile::tempdir().unwrap();
    let out_path = dir.path().join("summary.md");
    let mut args = expected_command(&[]);
    let i = args.iter().position(|a| a == "json").unwrap();
    args[i] = "md".into();
    args.insert(1, "--out".into());
    args.insert(2, out_path.display().to_string());
    let out = lpkpi(&args);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.stdout.is_empty());
    let md = std::fs::read_to_string(&out_path).unwrap();
    assert!(md.contains("# Renewal readiness"));
    assert!(md.contains("| 2025-10 | 114 | $25,776.99 |"), "{md}");
    assert!(md.contains("bad-rows.csv line 3: quantity 'three' is not a whole number"));
    assert!(md.contains("4,239 short"));
}

fn assert_usage_error(args: &[&str], mentions: &str) {
    let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
    let out = lpkpi(&args);
    assert_eq!(out.status.code(), Some(2), "{args:?}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(mentions),
        "stderr {err:?} should mention {mentions:?}"
    );
    assert!(out.stdout.is_empty());
    assert_eq!(err.lines().count(), 1, "one line: {err:?}");
}

/// clap's own usage errors are one line too, with the values an option takes; help and
/// version still print in full and exit 0.
#[test]
fn usage_errors_are_one_line() {
    assert_usage_error(&["report", "--bogus"], "unexpected argument '--bogus'");
    assert_usage_error(
        &["report", "--format", "xml"],
        "[possible values: json, csv, md, html, pdf]",
    );
    assert_usage_error(&["nonsense"], "unrecognized subcommand 'nonsense'");
    // what is missing is named
    assert_usage_error(
        &["import"],
        "the following required arguments were not provided: <WORKSPACE>, <FILES>...",
    );
    assert_usage_error(
        &["report", "--formt", "md"],
        "a similar argument exists: '--format'",
    );
    let help = lpkpi(&["report".to_string(), "--help".to_string()]);
    assert_eq!(help.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&help.stdout).contains("Usage: lpkpi report"));
    // --out onto a workspace's lock file
    let dir = tempfile::tempdir().unwrap();
    let w = dir.path().join("w.ron");
    let basic = data().join("orders-basic.csv").display().to_string();
    let new = lpkpi(&["import".into(), w.display().to_string(), basic.clone()]);
    assert!(new.status.success());
    let lock = dir.path().join("w.ron.lock");
    std::fs::write(&lock, b"").unwrap();
    assert_usage_error(
        &[
            "report",
            "--anniversary",
            "2026-10-01",
            &basic,
            "--out",
            &lock.display().to_string(),
        ],
        "is a lock file of the workspace",
    );
}

#[test]
fn exit_status_2_names_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let no_header = dir.path().join("notes.csv");
    std::fs::write(&no_header, "foo,bar,baz\n1,2,3\n").unwrap();
    let no_qty = dir.path().join("noqty.csv");
    std::fs::write(
        &no_qty,
        "Order Date,Order,Product,Amount\n2026-01-01,1,MOC,10\n",
    )
    .unwrap();
    let basic = data().join("orders-basic.csv").display().to_string();
    assert_usage_error(&["report", &basic], "anniversary");
    assert_usage_error(
        &[
            "report",
            "--anniversary",
            "2026-10-01",
            "--rate",
            "EUR=1.08",
            "--rate",
            "EUR=2",
            &basic,
        ],
        "--rate EUR: given twice (1.08 and 2)",
    );
    assert_usage_error(
        &[
            "report",
            "--anniversary",
            "2026-10-01",
            "/nonexistent/orders.csv",
        ],
        "orders.csv",
    );
    assert_usage_error(
        &[
            "report",
            "--anniversary",
            "2026-10-01",
            no_header.to_str().unwrap(),
        ],
        "notes.csv: no header row found",
    );
    assert_usage_error(
        &[
            "report",
            "--anniversary",
            "2026-10-01",
            no_header.to_str().unwrap(),
        ],
        "'foo', 'bar', 'baz'",
    );
    assert_usage_error(
        &[
            "report",
            "--anniversary",
            "2026-10-01",
            no_qty.to_str().unwrap(),
        ],
        "noqty.csv: the header has no column for quantity",
    );
    assert_usage_error(
        &["report", "--anniversary", "2026-13-01", &basic],
        "not a date",
    );
    assert_usage_error(
        &[
            "report",
            "--anniversary",
            "2026-10-01",
            "--rate",
            "EUR",
            &basic,
        ],
        "CUR=RATE",
    );
    assert_usage_error(
        &[
            "report",
            "--anniversary",
            "2026-10-01",
            "--format",
            "xml",
            &basic,
        ],
        "xml",
    );
    assert_usage_error(
        &[
            "report",
            "--anniversary",
            "2026-10-01",
            "--level",
            "platinum",
            &basic,
        ],
        "platinum",
    );
    assert_usage_error(
        &[
            "report",
            "--anniversary",
            "2026-10-01",
            "--format",
            "pdf",
            "--paper",
            "a5",
            &basic,
        ],
        "a5",
    );
    assert_usage_error(
        &[
            "report",
            "--anniversary",
            "2026-10-01",
            "--profile",
            "/nonexistent/p.ron",
            &basic,
        ],
        "p.ron",
    );
}

#[test]
fn files_are_read_never_changed_and_copies_are_skipped() {
    let basic = data().join("orders-basic.csv");
    let before = std::fs::read(&basic).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("copy.csv");
    std::fs::write(&copy, &before).unwrap();
    let once = run_json(&[
        "report".into(),
        "--anniversary".into(),
        "2026-10-01".into(),
        basic.display().to_string(),
    ]);
    let twice = run_json(&[
        "report".into(),
        "--anniversary".into(),
        "2026-10-01".into(),
        basic.display().to_string(),
        copy.display().to_string(),
    ]);
    assert_eq!(once["rows"], twice["rows"], "the copy's rows are not read");
    assert_eq!(once["totals"], twice["totals"]);
    assert!(
        twice["warnings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|w| w.as_str().unwrap().contains("same bytes"))
    );
    assert_eq!(std::fs::read(&basic).unwrap(), before);
}

#[test]
fn version_names_the_commit() {
    let out = lpkpi(&["--version".into()]);
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.starts_with("lpkpi 0."), "{text}");
    assert!(text.contains('('), "{text}");
}

#[test]
fn a_profile_file_changes_the_results() {
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/programs/learning-partner.ron"),
    )
    .unwrap();
    let edited = text
        .replace("kpi_units: Some(\"200\")", "kpi_units: Some(\"1000\")")
        .replace("mccv: (kpi_per_kit: \"0.5\"", "mccv: (kpi_per_kit: \"1\"");
    assert_ne!(text, edited);
    let dir = tempfile::tempdir().unwrap();
    let profile = dir.path().join("next-year.ron");
    std::fs::write(&profile, edited).unwrap();
    let base = run_json(&expected_command(&[]));
    let mut args = expected_command(&[]);
    args.insert(1, "--profile".into());
    args.insert(2, profile.display().to_string());
    let got = run_json(&args);
    assert_eq!(base["levels"]["silver"]["kpi_units"], Value::Bool(true));
    assert_eq!(
        got["levels"]["silver"]["kpi_units"],
        Value::Bool(false),
        "761 < 1000"
    );
    assert_eq!(got["levels"]["silver"]["met"], Value::Bool(false));
    // mccv kits 178 now worth 1 each instead of 0.5: +89 KPI units
    assert_eq!(
        num(&got["by_line"]["mccv"]["kpi_units"]),
        Decimal::from(178)
    );
    assert_eq!(
        num(&got["totals"]["kpi_units"]),
        num(&base["totals"]["kpi_units"]) + Decimal::from(89)
    );
}

/// The official dashboard's report for `orders-basic.csv` differs in two planted places (an
/// invoice line of the last month not yet posted, a courseware line valued as revenue only):
/// reconciliation finds both, and nothing else.
#[test]
fn reconciliation_finds_the_two_planted_differences() {
    let s = |p: PathBuf| p.display().to_string();
    let json = run_json(&[
        "report".into(),
        s(data().join("orders-basic.csv")),
        "--anniversary".into(),
        "2026-10-01".into(),
        "--as-of".into(),
        "2026-09-20".into(),
        "--official".into(),
        s(data().join("official-dashboard.csv")),
    ]);
    let months = json["reconciliation"].as_array().unwrap();
    assert_eq!(
        months.len(),
        12,
        "every month of the window has official lines"
    );
    let differing: Vec<&Value> = months
        .iter()
        .filter(|m| {
            num(&m["kpi_units_difference"]) != Decimal::ZERO
                || num(&m["revenue_difference_usd"]) != Decimal::ZERO
                || !m["invoices"].as_array().unwrap().is_empty()
        })
        .collect();
    let found: Vec<(String, String, String, String)> = differing
        .iter()
        .map(|m| {
            let invoices = m["invoices"].as_array().unwrap();
            assert_eq!(invoices.len(), 1, "{m}");
            (
                m["month"].as_str().unwrap().to_string(),
                invoices[0]["invoice"].as_str().unwrap().to_string(),
                m["kpi_units_difference"].as_str().unwrap().to_string(),
                m["revenue_difference_usd"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        found,
        vec![
            ("2026-04".into(), "5001".into(), "9".into(), "0.00".into()),
            ("2026-09".into(), "5042".into(), "1".into(), "310.50".into()),
        ]
    );
    assert_eq!(months[0]["source"], "report");
}

/// A whole 1x1 PNG, as an image editor writes it.
const PNG: &[u8] = b"\x89\x50\x4E\x47\x0D\x0A\x1A\x0A\x00\x00\x00\x0D\x49\x48\x44\x52\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1F\x15\xC4\x89\x00\x00\x00\x0D\x49\x44\x41\x54\x78\x9C\x63\xF8\xCF\xC0\xF0\x1F\x00\x05\x00\x01\xFF\x89\x99\x3D\x1D\x00\x00\x00\x00\x49\x45\x4E\x44\xAE\x42\x60\x82";

#[test]
fn a_png_is_refused_in_one_line_and_import_stays_all_or_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let png = dir.path().join("logo.png");
    std::fs::write(&png, PNG).unwrap();
    let basic = data().join("orders-basic.csv").display().to_string();
    let w = dir.path().join("w.ron");
    let said =
        "logo.png: this is a PNG image, not a purchase export (CSV, TSV, TXT, XLSX, XLS or ODS)";
    // import: nothing imported, no workspace created for the good file either
    let args: Vec<String> = [
        "import",
        &w.display().to_string(),
        &basic,
        &png.display().to_string(),
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let out = lpkpi(&args);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.starts_with(&format!("lpkpi: {said}")), "{err}");
    assert!(err.contains("nothing imported"), "{err}");
    assert!(
        !w.exists(),
        "all or nothing: no workspace with the other file"
    );
    // report says it the same way
    assert_usage_error(
        &[
            "report",
            "--anniversary",
            "2026-10-01",
            &basic,
            &png.display().to_string(),
        ],
        said,
    );
}

/// An export of `rows` rows of an unknown product, so that every row is on the review list:
/// its JSON report is far larger than a pipe holds.
fn unknown_products(rows: usize) -> String {
    let mut out = String::from("Order,Line,Invoice Date,Product,Type,Qty,Amount,Currency\n");
    for i in 0..rows {
        out.push_str(&format!(
            "{},{},2026-03-{:02},Unknown course {},,2,{}.50,USD\n",
            i / 3,
            i % 3 + 1,
            i % 28 + 1,
            i % 7,
            i % 500
        ));
    }
    out
}

#[test]
fn the_json_written_as_it_is_made_is_the_file_out_writes_and_a_reader_may_go_early() {
    use std::io::Read;
    let dir = tempfile::tempdir().unwrap();
    let export = dir.path().join("unknown.csv");
    std::fs::write(&export, unknown_products(5_000)).unwrap();
    let out_path = dir.path().join("report.json");
    let args = |more: &[&str]| {
        let mut a: Vec<String> = vec!["report".into()];
        a.extend(more.iter().map(|s| s.to_string()));
        a.extend([
            export.display().to_string(),
            "--anniversary".into(),
            "2026-10-01".into(),
            "--as-of".into(),
            "2026-11-26".into(),
        ]);
        a
    };
    // to standard output as it is made, and to a file at once: the same bytes
    let streamed = lpkpi(&args(&[]));
    assert!(streamed.status.success(), "{streamed:?}");
    let out = lpkpi(&args(&["--out", &out_path.display().to_string()]));
    assert!(out.status.success(), "{out:?}");
    let whole = std::fs::read(&out_path).unwrap();
    assert!(whole.len() > 500_000, "{}", whole.len());
    assert!(streamed.stdout == whole);
    let report: Value = serde_json::from_slice(&whole).unwrap();
    assert_eq!(report["rows"]["review"].as_array().unwrap().len(), 5_000);

    // a reader that goes after the first bytes (`| head`) ends the report quietly
    let mut child = Command::new(env!("CARGO_BIN_EXE_lpkpi"))
        .args(args(&[]))
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = [0u8; 1000];
    child.stdout.take().unwrap().read_exact(&mut first).unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(first.as_slice(), &whole[..1000]);
    assert!(out.status.success(), "{out:?}");
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    // an output that refuses the bytes is a failure, said in one line
    if let Ok(full) = std::fs::OpenOptions::new().write(true).open("/dev/full") {
        let out = Command::new(env!("CARGO_BIN_EXE_lpkpi"))
            .args(args(&[]))
            .stdout(full)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{out:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("cannot write to standard output"), "{err}");
        assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    }
}

/// An export of at least `bytes` bytes of countable rows, with quoted names holding the
/// delimiter and a `Note` column no figure reads; its last note is `last_note`.
fn large_export(bytes: usize, last_note: &[u8]) -> Vec<u8> {
    let mut out = b"Order,Line,Invoice Date,Product,Type,Qty,Amount,Currency,Note\n".to_vec();
    let mut i = 0usize;
    while out.len() < bytes {
        out.extend_from_slice(
            format!(
                "{},{},2026-{:02}-{:02},\"MOC 20533C Implementing Azure, day {}\",MOC,{},{}.25,USD,",
                i / 3,
                i % 3 + 1,
                i % 12 + 1,
                i % 28 + 1,
                i % 5,
                i % 4 + 1,
                i % 900
            )
            .as_bytes(),
        );
        out.extend_from_slice(if out.len() >= bytes { last_note } else { b"ok" });
        out.push(b'\n');
        i += 1;
    }
    out
}

#[test]
fn a_large_export_is_imported_and_reported_from_disk_as_read_whole() {
    let dir = tempfile::tempdir().unwrap();
    // over 16 MiB: read a block at a time; the same rows with a Windows-1252 note at the end
    // are not UTF-8, so that file is sent back and read whole
    let size = 17 << 20;
    let from_disk = dir.path().join("large.csv");
    let whole = dir.path().join("large-1252.csv");
    std::fs::write(&from_disk, large_export(size, b"fine")).unwrap();
    std::fs::write(&whole, large_export(size, b"caf\xe9")).unwrap();
    let report = |args: &[&str]| {
        let mut a: Vec<String> = vec!["report".into()];
        a.extend(args.iter().map(|s| s.to_string()));
        a.extend(["--anniversary", "2026-10-01", "--as-of", "2026-11-26"].map(String::from));
        run_json(&a)
    };
    let figures = |v: &Value| {
        (
            v["totals"].clone(),
            v["monthly"].clone(),
            v["by_line"].clone(),
            v["rows"].clone(),
        )
    };
    let a = report(&[&from_disk.display().to_string()]);
    let b = report(&[&whole.display().to_string()]);
    assert_eq!(figures(&a), figures(&b));
    assert!(
        a["rows"]["counted"].as_u64().unwrap() > 100_000,
        "{}",
        a["rows"]
    );
    assert_eq!(
        (&a["files"][0]["encoding"], &b["files"][0]["encoding"]),
        (&Value::from("UTF-8"), &Value::from("Windows-1252"))
    );

    // `lpkpi import` reads it the same way, and its workspace reports the same figures
    let ws = dir.path().join("w.ron");
    let out = lpkpi(&[
        "import".into(),
        ws.display().to_string(),
        from_disk.display().to_string(),
    ]);
    assert!(out.status.success(), "{out:?}");
    let c = report(&["--workspace", &ws.display().to_string()]);
    assert_eq!(figures(&a), figures(&c));
    assert_eq!(a["files"][0]["sha256"], c["files"][0]["sha256"]);
}

/// `lpkpi open`'s help and its error for an unknown panel name every panel the window has.
#[cfg(feature = "gui")]
#[test]
fn open_names_every_panel_in_its_help_and_its_error() {
    let help = lpkpi(&["open".to_string(), "--help".to_string()]);
    assert!(help.status.success());
    let help = String::from_utf8_lossy(&help.stdout).replace(char::is_whitespace, "");
    let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/demo/demo.ron");
    let args = [
        "open".to_string(),
        demo.display().to_string(),
        "--panel".to_string(),
        "nope".to_string(),
    ];
    let out = lpkpi(&args);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    for panel in lpkpi::ui::Panel::ALL {
        let name = panel.label().to_lowercase();
        assert!(help.contains(&name), "help lacks {name}: {help}");
        assert!(err.contains(&name), "error lacks {name}: {err}");
    }
}

/// A workspace whose folder does not exist cannot be written: exit 1 (output not written),
/// one line naming the workspace and its folder, not lpkpi's own lock file.
#[test]
fn a_workspace_in_a_missing_folder_is_output_not_written() {
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path().join("nodir/w.ron").display().to_string();
    let folder = dir.path().join("nodir").display().to_string();
    let csv = data().join("orders-basic.csv").display().to_string();
    for args in [
        vec!["new", "--partner", "X", &ws],
        vec!["import", &ws, &csv],
    ] {
        let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        let out = lpkpi(&args);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(
            err.trim_end(),
            format!("lpkpi: {ws}: the folder {folder} does not exist")
        );
        assert!(!err.contains(".lock"));
    }
    assert!(!dir.path().join("nodir").exists());
}

/// `--rate EUR=2` is EUR's rate in every month of the report: a workspace's rate for a single
/// month gives way to it (the revenue is the same as with no workspace rate at all).
#[test]
fn a_rate_given_for_the_report_wins_over_the_workspaces_monthly_rates() {
    use lpkpi::workspace::model::Rate;
    let dir = tempfile::tempdir().unwrap();
    let w = dir.path().join("w.ron");
    let s = |p: &Path| p.display().to_string();
    let run = |args: &[&str]| {
        let out = lpkpi(&args.iter().map(|a| a.to_string()).collect::<Vec<_>>());
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    run(&[
        "new",
        &s(&w),
        "--partner",
        "Contoso",
        "--anniversary",
        "2026-10-01",
    ]);
    run(&["import", &s(&w), &s(&data().join("rechnungen.csv"))]);
    let revenue = |extra: &[&str]| {
        let mut args = vec!["report", "--workspace", &s(&w), "--as-of", "2026-09-30"]
            .into_iter()
            .map(String::from)
            .collect::<Vec<_>>();
        args.extend(extra.iter().map(|a| a.to_string()));
        num(&run_json(&args)["totals"]["revenue_usd"])
    };
    let plain = revenue(&["--rate", "EUR=2"]);
    assert!(plain > Decimal::ZERO);
    // a rate for every month of the window in the workspace
    let mut doc = lpkpi::workspace::Document::open(&w).unwrap();
    for m in 0..12 {
        doc.workspace.rates.push(Rate {
            currency: lpkpi::import::values::Currency::EUR,
            month: Some(lpkpi::rules::Month::parse("2025-10").unwrap().plus(m)),
            usd_per: Decimal::new(105, 2),
        });
    }
    doc.save().unwrap();
    drop(doc);
    assert_ne!(revenue(&[]), plain, "the workspace's rates apply");
    assert_eq!(revenue(&["--rate", "EUR=2"]), plain, "the given rate wins");
}

/// Revenue waiting for an exchange rate that could meet a target leaves that target unknown
/// (null, as cli.md asks: never a guess); the JSON carries the caveats the
/// other formats put beside the verdict.
#[test]
fn revenue_a_rate_could_meet_is_not_known_and_the_json_says_why() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("nr.csv");
    std::fs::write(
        &file,
        "Invoice Date,Order Number,Product Name,Quantity,Amount,Currency\n\
         2026-03-10,A,MOC 20533C,210,99000,USD\n\
         2026-03-10,B,MOC 20533C,1,900000,GBP\n",
    )
    .unwrap();
    let args = |rate: Option<&str>| {
        let mut a: Vec<String> = [
            "report",
            "--anniversary",
            "2027-03-15",
            "--as-of",
            "2026-11-15",
            "--level",
            "silver",
        ]
        .map(String::from)
        .to_vec();
        if let Some(r) = rate {
            a.extend(["--rate".to_string(), r.to_string()]);
        }
        a.push(file.display().to_string());
        a
    };
    let got = run_json(&args(None));
    // Gold's revenue ($500,000): $99,000 counted, GBP 900,000 waiting could reach it
    assert_eq!(
        got["levels"]["gold"]["revenue"],
        Value::Null,
        "{}",
        got["levels"]
    );
    assert_eq!(got["levels"]["gold"]["kpi_units"], Value::Bool(false));
    assert_eq!(
        got["levels"]["gold"]["met"],
        Value::Bool(false),
        "KPI units decide it"
    );
    let caveats: Vec<&str> = got["summary"]["caveats"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap())
        .collect();
    assert!(
        caveats
            .iter()
            .any(|c| c.starts_with("GBP 900,000.00 in 1 row of 2026-03 waits for an exchange rate")),
        "{caveats:?}"
    );
    assert_eq!(got["capability"], Value::Null, "no roster given");
    // the forecast's line for that target says the same
    let mut md = args(None);
    md.splice(1..1, ["--format".to_string(), "md".to_string()]);
    let out = lpkpi(&md);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains(
            "Gold revenue (an upgrade): $401,000.00 short without the rows waiting for a rate ("
        ),
        "{text}"
    );
    assert!(text.contains("? unknown, $401,000.00 short without the rows waiting for a rate"));
    // the review list's heading counts the rows waiting for a rate apart
    assert!(
        text.contains("**To review (1 reason, 1 row, 1 waiting for an exchange rate)**"),
        "{text}"
    );
    // with a rate, known again
    let rated = run_json(&args(Some("GBP=1.25")));
    assert_eq!(rated["levels"]["gold"]["revenue"], Value::Bool(true));
    assert_eq!(rated["summary"]["caveats"], serde_json::json!([]));
}

/// What the figures cannot know is said beside the verdict (README 37): the demo's latest
/// import is 2026-11-20. As of 2026-11-26 nothing; as of 2026-12-01 November is taken as a
/// complete month; after the deadline the figures are not final; back on 2026-09-15 the
/// purchases of October and November are counted and projected over again.
#[test]
fn the_caveats_say_what_the_imports_do_not_cover() {
    let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/demo/demo.ron");
    let caveats = |as_of: &str| -> Vec<String> {
        let args: Vec<String> = ["report", "--workspace", &demo.display().to_string()]
            .into_iter()
            .map(String::from)
            .chain(["--as-of".to_string(), as_of.to_string()])
            .collect();
        let got = run_json(&args);
        got["summary"]["caveats"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c.as_str().unwrap().to_string())
            .filter(|c| !c.contains("official dashboard") && !c.contains("to review"))
            .collect()
    };
    assert!(
        caveats("2026-11-26").is_empty(),
        "{:?}",
        caveats("2026-11-26")
    );
    assert_eq!(
        caveats("2026-12-01"),
        [
            "The latest export was imported on 2026-11-20: purchases after it are not in these figures, yet the run rate takes 2026-11 as a complete month."
        ]
    );
    assert_eq!(
        caveats("2027-01-10"),
        [
            "The latest export was imported on 2026-11-20: purchases after it are not in these figures, yet the run rate takes 2026-11 to 2026-12 as complete months."
        ]
    );
    assert_eq!(
        caveats("2027-03-15"),
        [
            "The anniversary 2027-03-01 is past: these are that renewal's figures as imported. Enter the next anniversary to follow the next renewal.",
            "The latest export was imported on 2026-11-20, before the deadline 2027-02-28: purchases invoiced after it are not in these figures, so they are not final."
        ]
    );
    // in the deadline's month nothing is projected: no run rate is said to take a month
    assert_eq!(
        caveats("2027-02-15"),
        [
            "The latest export was imported on 2026-11-20: purchases after it are not in these figures."
        ]
    );
    // before the window opens there is no run rate to add
    assert_eq!(
        caveats("2025-12-01"),
        [
            "Purchases dated in the months after the as-of day's (3,668 KPI units and $352,291.72 in 2026-03 to 2026-11) are in these figures: every purchase in the window counts."
        ]
    );
    assert_eq!(
        caveats("2026-09-15"),
        [
            "Purchases dated in the months after the as-of day's (846.5 KPI units and $87,654.31 in 2026-10 to 2026-11) are in these figures: every purchase in the window counts, and the forecast adds the run rate for those months as well."
        ]
    );
    // the Markdown says the same beside the verdict
    let args: Vec<String> = [
        "report",
        "--workspace",
        &demo.display().to_string(),
        "--as-of",
        "2026-12-01",
        "--format",
        "md",
    ]
    .into_iter()
    .map(String::from)
    .collect();
    let md = String::from_utf8(lpkpi(&args).stdout).unwrap();
    assert!(
        md.contains("⚠ The latest export was imported on 2026-11-20: purchases after it"),
        "{md}"
    );
}
