//! The verdict over the combinations that matter, through the real evaluation: each case
//! changes the demo workspace (roster empty, an exam rule missing for one level only, trainers
//! recorded but lapsing, the deadline passed, each current level), then checks the verdict data
//! against the evaluation and the sentence against the data, besides the outcome expected.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "tests and benchmarks fail by panicking"
)]

use std::path::Path;

use chrono::NaiveDate;
use lpkpi::report::summary::{Known, requirement_words, verdict};
use lpkpi::report::{Format, ReportInput, render};
use lpkpi::rules::evaluate::Evaluation;
use lpkpi::rules::verdict::Outcome;
use lpkpi::workspace::model::Workspace;
use lpkpi::workspace::session::Session;

fn demo() -> Workspace {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/demo/demo.ron");
    lpkpi::workspace::file::parse(&std::fs::read(path).unwrap(), "demo.ron").unwrap()
}

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

struct Case {
    name: &'static str,
    change: fn(&mut Workspace),
    as_of: &'static str,
    /// The outcome, None when the verdict is not known.
    outcome: Option<Outcome>,
    /// The sentence, word for word.
    sentence: &'static str,
}

fn cases() -> Vec<Case> {
    vec![
        Case {
            name: "the demo: Gold's purchases fall short",
            change: |_| {},
            as_of: "2026-11-26",
            outcome: Some(Outcome::Drops),
            sentence: "Drops from Gold to Silver unless Gold's KPI units (1,332 short) and revenue ($147,708.28 short) are met by the deadline.",
        },
        Case {
            name: "roster empty: trainers and exam rules unknown",
            change: |ws| {
                ws.competencies.clear();
                ws.people.clear();
            },
            as_of: "2026-11-26",
            outcome: None,
            // Gold's KPI units (1,332 short) and revenue ($147,708.28 short) are short, whatever the roster: Gold is lost
            sentence: "Loses Gold unless Gold's KPI units (1,332 short) and revenue ($147,708.28 short) are met by the deadline, and its Certified Trainers (MCTs) and competency exam rule too, not recorded yet; not known yet whether Silver is met: no Certified Trainers (MCTs) are recorded and no competency exam rule for Silver is recorded.",
        },
        Case {
            name: "an exam rule for Gold only",
            change: |ws| {
                for c in &mut ws.competencies {
                    c.rules.retain(|r| r.level == "gold");
                }
            },
            as_of: "2026-11-26",
            outcome: None,
            sentence: "Loses Gold unless Gold's KPI units (1,332 short) and revenue ($147,708.28 short) are met by the deadline; not known yet whether Silver is met: no competency exam rule for Silver is recorded.",
        },
        Case {
            name: "trainers recorded but every membership lapses before the deadline",
            change: |ws| {
                for m in ws.people.iter_mut().filter_map(|p| p.mct.as_mut()) {
                    m.expiry = Some(day("2027-01-31"));
                }
            },
            as_of: "2026-11-26",
            outcome: Some(Outcome::Removed),
            // the way to stay in the program at all is said too
            sentence: "Removed from the program (now Gold) unless Gold's KPI units (1,332 short), revenue ($147,708.28 short) and Certified Trainers (MCTs: 0 of 4) are met by the deadline; meeting Learning Action Pack's Certified Trainers (MCTs: 0 of 1) would keep the partner in the program, at Learning Action Pack or above.",
        },
        Case {
            name: "an exam rule for Silver only: Gold's is not known",
            change: |ws| {
                for c in &mut ws.competencies {
                    c.rules.retain(|r| r.level == "silver");
                }
            },
            as_of: "2026-11-26",
            outcome: Some(Outcome::Drops),
            // meeting the purchases alone would not keep Gold: the rule not recorded is named
            sentence: "Drops from Gold to Silver unless Gold's KPI units (1,332 short) and revenue ($147,708.28 short) are met by the deadline, and its competency exam rule too, not recorded yet.",
        },
        Case {
            name: "the deadline has passed",
            change: |_| {},
            as_of: "2027-03-20",
            outcome: Some(Outcome::Drops),
            // the window is closed: no "unless" is left
            sentence: "Drops from Gold to Silver: Gold's KPI units (1,332 short) and revenue ($147,708.28 short) were not met by the deadline.",
        },
        Case {
            name: "Silver partner keeps Silver",
            change: |ws| ws.partner.level = Some("silver".into()),
            as_of: "2026-11-26",
            outcome: Some(Outcome::Keeps),
            sentence: "Keeps Silver: every requirement of Silver is met.",
        },
        Case {
            name: "Learning Action Pack partner meets Silver",
            change: |ws| ws.partner.level = Some("lap".into()),
            as_of: "2026-11-26",
            outcome: Some(Outcome::Qualifies),
            sentence: "Meets Silver, above the current level Learning Action Pack: Learning Action Pack is kept (an upgrade is a separate application).",
        },
        Case {
            name: "no current level",
            change: |ws| ws.partner.level = None,
            as_of: "2026-11-26",
            outcome: None,
            sentence: "No verdict yet: the partner's current level is not recorded.",
        },
    ]
}

/// The verdict data mirrors the evaluation: per level and requirement, met / not met / unknown.
fn data_matches_evaluation(e: &Evaluation, case: &str) {
    let v = verdict(e);
    assert_eq!(v.levels.len(), e.levels.len(), "{case}");
    for (data, level) in v.levels.iter().zip(&e.levels) {
        assert_eq!((&data.id, &data.name), (&level.id, &level.name), "{case}");
        assert_eq!(data.requirements.len(), level.checks.len(), "{case}");
        for (r, c) in data.requirements.iter().zip(&level.checks) {
            assert_eq!(r.requirement, c.requirement, "{case}");
            match (&r.known, c.met) {
                (Known::Met, Some(true)) | (Known::NotMet, Some(false)) => {}
                (Known::Unknown(why), None) => assert!(!why.is_empty(), "{case}"),
                (known, met) => panic!("{case}: {known:?} for met = {met:?}"),
            }
        }
    }
}

/// The sentence says what the data says: the requirements of the current level that are not
/// met, and before the deadline those not known (and no others) when it drops, the reasons of
/// the level that stands in the way when unknown.
fn sentence_matches_data(e: &Evaluation, case: &str) {
    let v = verdict(e);
    let s = &v.sentence;
    // before the deadline, a requirement not known is named beside those not met: meeting
    // only these would not keep the level
    let named_when = |k: &Known| match k {
        Known::NotMet => true,
        Known::Unknown(_) => e.days_to_deadline >= 0,
        Known::Met => false,
    };
    match &e.verdict {
        Some(outcome) => {
            let current = v.levels.iter().find(|l| l.id == outcome.current).unwrap();
            assert!(s.contains(&current.name), "{case}: {s}");
            if let Some(to) = &outcome.to {
                let to = v.levels.iter().find(|l| &l.id == to).unwrap();
                assert!(s.contains(&to.name), "{case}: {s}");
            }
            if matches!(outcome.outcome, Outcome::Drops | Outcome::Removed) {
                // removed: the lowest level's way to stay in the program follows
                let main = s.split("; meeting").next().unwrap();
                for r in &current.requirements {
                    // "Certified Trainers (MCTs: 0 of 4)" when the counts are known
                    let words = requirement_words(r.requirement);
                    let named = main.contains(words.trim_end_matches(')'));
                    assert_eq!(named, named_when(&r.known), "{case}: {words} in {s}");
                }
                assert_eq!(v.good, Some(false), "{case}");
            } else {
                assert_eq!(v.good, Some(true), "{case}");
            }
        }
        None if e.current_level.is_some() => {
            let blocking = v
                .levels
                .iter()
                .zip(&e.levels)
                .find(|(_, l)| l.met.is_none())
                .map(|(data, _)| data)
                .unwrap();
            for r in &blocking.requirements {
                if let Known::Unknown(why) = &r.known {
                    assert!(s.contains(why.as_str()), "{case}: {why} in {s}");
                }
            }
            // the current level is lost when it is known not met and every level above it is
            // known (the first unknown level is below it): the sentence says so first
            let index = |id: &str| e.levels.iter().position(|l| l.id == id);
            let current = e.current_level.as_deref().and_then(index).unwrap();
            let first_unknown = index(&blocking.id).unwrap();
            let unknown = format!("not known yet whether {} is met", blocking.name);
            if first_unknown > current && e.levels[current].met == Some(false) {
                let now = &v.levels[current];
                assert!(
                    s.starts_with(&format!("Loses {} ", now.name)),
                    "{case}: {s}"
                );
                assert!(s.contains(&format!("; {unknown}")), "{case}: {s}");
                let lost = s.split("; not known yet").next().unwrap();
                for r in &now.requirements {
                    let named = lost.contains(requirement_words(r.requirement));
                    assert_eq!(named, named_when(&r.known), "{case}: {s}");
                }
                assert_eq!(v.good, Some(false), "{case}");
            } else {
                let unknown = format!("N{}", &unknown[1..]);
                assert!(s.starts_with(&unknown), "{case}: {s}");
                assert_eq!(v.good, None, "{case}");
            }
        }
        None => assert_eq!(v.good, None, "{case}"),
    }
}

#[test]
fn verdicts_over_the_combinations_that_matter() {
    for case in cases() {
        let mut ws = demo();
        (case.change)(&mut ws);
        let session = Session::new(&ws).unwrap();
        let out = session.evaluate(&ws, ws.partner.anniversary.unwrap(), day(case.as_of), None);
        let e = &out.eval;
        assert_eq!(
            e.verdict.as_ref().map(|v| v.outcome),
            case.outcome,
            "{}",
            case.name
        );
        data_matches_evaluation(e, case.name);
        sentence_matches_data(e, case.name);
        assert_eq!(verdict(e).sentence, case.sentence, "{}", case.name);

        // every format says it the same way
        let input = ReportInput::of(&ws, &session, &out);
        let md = String::from_utf8(render(&input, Format::Markdown).unwrap()).unwrap();
        assert!(md.contains(case.sentence), "{}: {md}", case.name);
        let html = String::from_utf8(render(&input, Format::Html).unwrap()).unwrap();
        let escaped = lpkpi::report::html::html(case.sentence);
        assert!(html.contains(&escaped), "{}", case.name);
        let json: serde_json::Value =
            serde_json::from_slice(&render(&input, Format::Json).unwrap()).unwrap();
        assert_eq!(json["summary"]["verdict"]["sentence"], case.sentence);

        // after the deadline: no "per remaining month", and the countdown says it passed
        if e.days_to_deadline < 0 {
            assert!(!md.contains("needed per remaining month"), "{md}");
            assert!(md.contains("the deadline passed"), "{md}");
        }
    }
}
