//! Workspace format version 1 → 2: trainers and people with exam passes merged into one list
//! of people. Version 1 files load into it and save as version 2, nothing lost, and every
//! workspace evaluates as before (the bundled demo's report is compared with what lpkpi 0.1
//! reported for it; random rosters through the capability rules).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "tests and benchmarks fail by panicking"
)]

use std::path::{Path, PathBuf};
use std::process::Command;

use chrono::NaiveDate;
use lpkpi::rules::Profile;
use lpkpi::rules::capability::{
    CapabilityStatus, Competency, ExamPass, ExamRule, Membership, Person, capability,
};
use lpkpi::workspace::format::{from_ron, to_ron};
use lpkpi::workspace::migrate::{PersonV1, TrainerV1, merge_people};
use lpkpi::workspace::{FORMAT_VERSION, Workspace};
use proptest::prelude::*;
use serde_json::Value;

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn data() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/workspaces")
}

fn report(path: &Path) -> Value {
    // on a copy: opening takes a lock beside the file
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("w.ron");
    std::fs::copy(path, &copy).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_lpkpi"))
        .args([
            "report",
            "--workspace",
            copy.to_str().unwrap(),
            "--as-of",
            "2026-11-26",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// Every value of `old` is in `new` at the same place (keys `new` adds are allowed).
fn same_except_new_keys(old: &Value, new: &Value, at: &str) {
    match (old, new) {
        (Value::Object(a), Value::Object(b)) => {
            for (k, v) in a {
                // the summary's sentences are wording, not figures: they may be reworded
                if at == "report" && k == "summary" {
                    continue;
                }
                let w = b.get(k).unwrap_or_else(|| panic!("{at}.{k} is gone"));
                same_except_new_keys(v, w, &format!("{at}.{k}"));
            }
        }
        (Value::Array(a), Value::Array(b)) => {
            assert_eq!(a.len(), b.len(), "{at}: length");
            for (i, (v, w)) in a.iter().zip(b).enumerate() {
                same_except_new_keys(v, w, &format!("{at}[{i}]"));
            }
        }
        _ => assert_eq!(old, new, "{at}"),
    }
}

#[test]
fn the_version_1_demo_reports_what_version_1_reported() {
    let before: Value =
        serde_json::from_str(&std::fs::read_to_string(data().join("demo-v1.report.json")).unwrap())
            .unwrap();
    // the version 1 file, migrated on load
    let migrated = report(&data().join("demo-v1.ron"));
    same_except_new_keys(&before, &migrated, "report");
    // and the bundled demo, now version 2
    let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/demo/demo.ron");
    let bundled = report(&demo);
    same_except_new_keys(&before, &bundled, "report");
    assert_eq!(
        before["capability"]["trainers"].as_array().unwrap().len(),
        5
    );
}

#[test]
fn the_version_1_demo_migrates_to_the_bundled_demo() {
    let v1 = std::fs::read_to_string(data().join("demo-v1.ron")).unwrap();
    let migrated = from_ron(&v1, "demo-v1.ron").unwrap();
    let demo =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/demo/demo.ron"))
            .unwrap();
    assert!(demo.contains(&format!("version: {FORMAT_VERSION},")));
    // the bundled demo was imported again since version 1 and records how its dates are
    // written (ISO); version 1 did not know: that alone may differ
    let mut bundled = from_ron(&demo, "demo.ron").unwrap();
    let mut compared = migrated.clone();
    for ws in [&mut bundled, &mut compared] {
        for b in &mut ws.batches {
            b.conventions.date_form = Default::default();
        }
    }
    assert_eq!(compared, bundled);
    // six people: the five trainers (four with passes) and Farah Haddad
    let names: Vec<&str> = migrated.people.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "Amelia Chen",
            "Bruno Alves",
            "Chidi Okafor",
            "Dana Whitfield",
            "Emil Novak",
            "Farah Haddad"
        ]
    );
}

#[test]
fn a_version_1_file_saves_as_the_current_version_readable_and_round_trips() {
    let v1 = std::fs::read_to_string(data().join("v1.ron")).unwrap();
    let ws = from_ron(&v1, "v1.ron").unwrap();
    let text = to_ron(&ws).unwrap();
    assert!(text.contains("version: 3,"), "{text}");
    assert!(!text.contains("trainers:"), "{text}");
    // a person per line, the membership beside the name, none for people who are not trainers
    let ana = text
        .lines()
        .find(|l| l.contains("\"Ana Ruiz\""))
        .expect("Ana's line");
    assert!(
        ana.contains("mct: Some((id: \"MCT-1001\", expiry: Some(\"2027-03-31\")))")
            && ana.contains("AZ-104"),
        "{ana}"
    );
    let back = from_ron(&text, "v3").unwrap();
    assert_eq!(back, ws);
    assert_eq!(to_ron(&back).unwrap(), text);
    // a version 2 and a version 3 file as written are checked in too
    let v2 = std::fs::read_to_string(data().join("v2.ron")).unwrap();
    assert_eq!(from_ron(&v2, "v2.ron").unwrap(), ws);
    if std::env::var_os("LPKPI_WRITE_V3").is_some() {
        let mut lines: Vec<&str> = text.lines().collect();
        lines.insert(
            1,
            "// Version 3: rows as tuples, products once (v1.ron after migration, as lpkpi writes it).",
        );
        std::fs::write(data().join("v3.ron"), format!("{}\n", lines.join("\n"))).unwrap();
    }
    let v3 = std::fs::read_to_string(data().join("v3.ron"))
        .expect("tests/data/workspaces/v3.ron (LPKPI_WRITE_V3=1 to write)");
    assert!(v3.contains("version: 3,") && v3.contains("  products: ["));
    assert_eq!(from_ron(&v3, "v3.ron").unwrap(), ws);
    // as lpkpi writes it, but for its second comment line
    let mut lines: Vec<&str> = v3.lines().collect();
    lines.remove(1);
    assert_eq!(format!("{}\n", lines.join("\n")), text);
}

fn t(name: &str, id: &str) -> TrainerV1 {
    TrainerV1 {
        name: name.into(),
        mct_id: id.into(),
        expiry: Some(d("2027-06-30")),
    }
}

fn p(name: &str, exam: &str) -> PersonV1 {
    PersonV1 {
        name: name.into(),
        passes: vec![ExamPass {
            exam: exam.into(),
            date: Some(d("2025-01-01")),
            expiry: None,
        }],
    }
}

/// (name, MCT ID, exams) per merged person.
fn shape(people: &[Person]) -> Vec<(String, Option<String>, Vec<String>)> {
    people
        .iter()
        .map(|p| {
            (
                p.name.clone(),
                p.mct.as_ref().map(|m| m.id.clone()),
                p.passes.iter().map(|x| x.exam.clone()).collect(),
            )
        })
        .collect()
}

fn row(name: &str, id: Option<&str>, exams: &[&str]) -> (String, Option<String>, Vec<String>) {
    (
        name.into(),
        id.map(str::to_string),
        exams.iter().map(|e| e.to_string()).collect(),
    )
}

#[test]
fn merging_by_name_table() {
    let cases: Vec<(&str, Vec<TrainerV1>, Vec<PersonV1>, Vec<_>)> = vec![
        ("nothing", vec![], vec![], vec![]),
        (
            "a trainer and a person of the same name are one person",
            vec![t("Ana", "1")],
            vec![p("Ana", "AZ-104")],
            vec![row("Ana", Some("1"), &["AZ-104"])],
        ),
        (
            "by name ignoring case and outer spaces; the trainer's spelling kept",
            vec![t("Ana Ruiz", "1")],
            vec![p("  ana ruiz ", "AZ-104")],
            vec![row("Ana Ruiz", Some("1"), &["AZ-104"])],
        ),
        (
            "trainers first in roster order, then people no trainer matches",
            vec![t("Ben", "2"), t("Ana", "1")],
            vec![p("Cy", "AZ-305"), p("Ana", "AZ-104")],
            vec![
                row("Ben", Some("2"), &[]),
                row("Ana", Some("1"), &["AZ-104"]),
                row("Cy", None, &["AZ-305"]),
            ],
        ),
        (
            "two trainers of one name stay two (version 1 counted both)",
            vec![t("Ana", "1"), t("ana", "9")],
            vec![p("Ana", "AZ-104")],
            vec![
                row("Ana", Some("1"), &["AZ-104"]),
                row("ana", Some("9"), &[]),
            ],
        ),
        (
            "two people entries of one name: each joins a trainer, else stays",
            vec![t("Ana", "1")],
            vec![p("Ana", "AZ-104"), p("ANA", "AZ-305")],
            vec![
                row("Ana", Some("1"), &["AZ-104"]),
                row("ANA", None, &["AZ-305"]),
            ],
        ),
        (
            "an empty name is a name like any other",
            vec![t("", "1")],
            vec![p(" ", "AZ-104")],
            vec![row("", Some("1"), &["AZ-104"])],
        ),
    ];
    for (what, trainers, people, want) in cases {
        assert_eq!(shape(&merge_people(trainers, people)), want, "{what}");
    }
}

/// Capability as version 1 evaluated it: the roster's trainers, then the people with passes
/// (a trainer on a list of their own has no pass).
fn capability_v1(
    trainers: &[TrainerV1],
    people: &[PersonV1],
    comp: &[Competency],
) -> CapabilityStatus {
    let list: Vec<Person> = trainers
        .iter()
        .map(|t| Person {
            name: t.name.clone(),
            mct: Some(Membership {
                id: t.mct_id.clone(),
                expiry: t.expiry,
            }),
            passes: Vec::new(),
        })
        .chain(people.iter().map(|p| Person {
            name: p.name.clone(),
            mct: None,
            passes: p.passes.clone(),
        }))
        .collect();
    evaluate(&list, comp)
}

fn evaluate(people: &[Person], comp: &[Competency]) -> CapabilityStatus {
    capability(
        &Profile::builtin().unwrap(),
        people,
        comp,
        d("2027-02-28"),
        d("2026-11-26"),
    )
}

fn name() -> impl Strategy<Value = String> {
    // few names, in several spellings, so that many match
    (
        prop::sample::select(vec!["Ana", "Ben", "Cy", ""]),
        prop::sample::select(vec!["", " ", "  "]),
        any::<bool>(),
    )
        .prop_map(|(n, pad, upper)| {
            let n = if upper {
                n.to_uppercase()
            } else {
                n.to_string()
            };
            format!("{pad}{n}")
        })
}

fn day() -> impl Strategy<Value = NaiveDate> {
    (0i64..1500).prop_map(|n| d("2023-01-01") + chrono::Duration::days(n))
}

fn exam() -> impl Strategy<Value = String> {
    prop::sample::select(vec!["AZ-104".to_string(), "az-305".into(), "AZ-400".into()])
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]
    #[test]
    fn merging_keeps_everything_and_evaluates_the_same(
        trainers in prop::collection::vec(
            (name(), "[0-9]{1,3}", prop::option::of(day()))
                .prop_map(|(name, mct_id, expiry)| TrainerV1 { name, mct_id, expiry }),
            0..5,
        ),
        people in prop::collection::vec(
            (name(), prop::collection::vec(
                (exam(), prop::option::of(day()), prop::option::of(day()))
                    .prop_map(|(exam, date, expiry)| ExamPass { exam, date, expiry }),
                0..3,
            ))
                .prop_map(|(name, passes)| PersonV1 { name, passes }),
            0..5,
        ),
        needed in 0u32..4,
    ) {
        let comp = vec![Competency {
            name: "Cloud Platform".into(),
            rules: vec![
                ExamRule { level: "silver".into(), people: needed, exams: vec!["AZ-104".into(), "AZ-305".into()] },
                ExamRule { level: "gold".into(), people: needed + 1, exams: vec!["AZ-305".into(), "AZ-400".into()] },
            ],
        }];
        let merged = merge_people(trainers.clone(), people.clone());
        // nothing lost: every trainer, in order, with their name, ID and expiry; every pass
        let roster: Vec<(String, String, Option<NaiveDate>)> = merged
            .iter()
            .filter_map(|p| p.mct.as_ref().map(|m| (p.name.clone(), m.id.clone(), m.expiry)))
            .collect();
        let before: Vec<_> = trainers.iter().map(|t| (t.name.clone(), t.mct_id.clone(), t.expiry)).collect();
        prop_assert_eq!(roster, before);
        let mut passes_after: Vec<(String, ExamPass)> = merged
            .iter()
            .flat_map(|p| p.passes.iter().map(move |x| (p.name.trim().to_lowercase(), x.clone())))
            .collect();
        let mut passes_before: Vec<(String, ExamPass)> = people
            .iter()
            .flat_map(|p| p.passes.iter().map(move |x| (p.name.trim().to_lowercase(), x.clone())))
            .collect();
        passes_after.sort_by(|a, b| format!("{a:?}").cmp(&format!("{b:?}")));
        passes_before.sort_by(|a, b| format!("{a:?}").cmp(&format!("{b:?}")));
        prop_assert_eq!(passes_after, passes_before);
        prop_assert!(merged.len() <= trainers.len() + people.len());
        prop_assert!(merged.len() >= trainers.len().max(people.len()));

        // the evaluation: the same counts, trainers and verdict facts; exam rules met alike,
        // by the same people (a name spelled differently in the two lists may differ in case)
        let old = capability_v1(&trainers, &people, &comp);
        let new = evaluate(&merged, &comp);
        prop_assert_eq!(old.mcts_at_deadline, new.mcts_at_deadline);
        prop_assert_eq!(old.mcts_today, new.mcts_today);
        prop_assert_eq!(&old.facts, &new.facts);
        // the same warnings, a person's name in the trainer's spelling after the merge
        let lower = |w: &[String]| w.iter().map(|x| x.to_lowercase()).collect::<Vec<_>>();
        prop_assert_eq!(lower(&old.warnings), lower(&new.warnings));
        let strip = |s: &CapabilityStatus| -> Vec<_> {
            s.trainers.iter().map(|t| (t.name.clone(), t.mct_id.clone(), t.expiry, t.valid_at_deadline, t.valid_today, t.lapses_before_deadline)).collect()
        };
        prop_assert_eq!(strip(&old), strip(&new));
        prop_assert_eq!(old.exam_rules.len(), new.exam_rules.len());
        for (a, b) in old.exam_rules.iter().zip(&new.exam_rules) {
            prop_assert_eq!(a.met, b.met);
            let lower = |v: &[String]| { let mut v: Vec<String> = v.iter().map(|n| n.to_lowercase()).collect(); v.sort(); v };
            prop_assert_eq!(lower(&a.people), lower(&b.people));
        }
    }

    #[test]
    fn a_version_1_file_loads_into_version_2(
        trainers in prop::collection::vec((name(), "[0-9]{1,3}"), 0..4),
        people in prop::collection::vec((name(), exam()), 0..4),
    ) {
        // written as version 1 text, read by this build
        let t: Vec<String> = trainers.iter().map(|(n, id)| format!("(name: {n:?}, mct_id: {id:?}, expiry: None)")).collect();
        let p: Vec<String> = people.iter().map(|(n, e)| format!("(name: {n:?}, passes: [(exam: {e:?}, date: Some(\"2025-01-01\"))])")).collect();
        let text = format!("(version: 1, trainers: [{}], people: [{}])", t.join(", "), p.join(", "));
        let ws: Workspace = from_ron(&text, "v1").unwrap();
        prop_assert_eq!(ws.version, FORMAT_VERSION);
        let want = merge_people(
            trainers.iter().map(|(n, id)| TrainerV1 { name: n.clone(), mct_id: id.clone(), expiry: None }).collect(),
            people.iter().map(|(n, e)| PersonV1 { name: n.clone(), passes: vec![ExamPass { exam: e.clone(), date: Some(d("2025-01-01")), expiry: None }] }).collect(),
        );
        prop_assert_eq!(&ws.people, &want);
        // saved as the current version, it reads back the same
        let saved = to_ron(&ws).unwrap();
        let version = format!("version: {FORMAT_VERSION},");
        prop_assert!(saved.contains(&version));
        prop_assert_eq!(from_ron(&saved, "v2").unwrap(), ws);
    }
}

/// A version 1 file (or one without a `version`, read as version 1) with a name no version
/// has is refused with its line, never read as absent and dropped by the next save: a
/// mistyped `expiry` would make a lapsed trainer count.
#[test]
fn a_version_1_file_with_a_name_no_version_has_is_refused() {
    let v1 = std::fs::read_to_string(data().join("v1.ron")).unwrap();
    for (from, to) in [
        (
            "(name: \"Ben Ode\", mct_id: \"MCT-1002\", expiry:",
            "(name: \"Ben Ode\", mct_id: \"MCT-1002\", expiery:",
        ),
        ("  trainers: [", "  trainerz: ["),
        ("  version: 1,\n", "  version: 1,\n  ratse: [],\n"),
    ] {
        assert!(v1.contains(from), "{from}");
        let edited = v1.replace(from, to);
        let e = from_ron(&edited, "v1.ron").unwrap_err().to_string();
        assert!(e.contains("v1.ron: line "), "{e}");
        // without its version line, the same
        let unversioned = edited.replace("  version: 1,\n", "");
        let e = from_ron(&unversioned, "v1.ron").unwrap_err().to_string();
        assert!(e.contains("the file has no `version:` line"), "{e}");
    }
    // lpkpi's own type names are not the file's words; a named top level says so; a version
    // on the first line is seen
    let e = from_ron(
        &v1.replace(
            "(name: \"Ana Ruiz\", mct_id",
            "(name: \"Ana Ruiz\", mct: 1, mct_id",
        ),
        "v1.ron",
    )
    .unwrap_err()
    .to_string();
    assert!(e.contains("in a trainer") && !e.contains("V1"), "{e}");
    let e = from_ron("Workspace(version: 3)", "w.ron")
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("the file's top level is named `Workspace`"),
        "{e}"
    );
    let e = from_ron("(version: 1, trainerz: [])", "w.ron")
        .unwrap_err()
        .to_string();
    assert!(!e.contains("no `version:` line"), "{e}");
    // the bundled demo (version 3) with its version line deleted says why it reads so
    let demo =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/demo/demo.ron"))
            .unwrap();
    assert!(demo.contains("  version: 3,\n"));
    let e = from_ron(&demo.replace("  version: 3,\n", ""), "demo.ron")
        .unwrap_err()
        .to_string();
    assert!(e.contains("read as version 1, the first format"), "{e}");
}
