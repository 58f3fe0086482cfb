//! Capability (R4): Microsoft Certified Trainers valid at the deadline, and the competency's
//! exam rules ("K distinct people who each passed one of these exams").

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::figures::CapabilityFacts;
use crate::profile::Profile;

/// A person's Microsoft Certified Trainer membership: held, the person is a trainer on the
/// MCT roster.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
#[serde(deny_unknown_fields)]
pub struct Membership {
    /// MCT ID or certification profile ID.
    pub id: String,
    /// Last day the MCT membership is valid (memberships are annual).
    pub expiry: Option<NaiveDate>,
}

impl Membership {
    /// Whether the membership is valid on `day` (an unknown expiry counts as valid, with a
    /// warning in the status).
    pub fn valid_on(&self, day: NaiveDate) -> bool {
        self.expiry.is_none_or(|e| e >= day)
    }
}

/// An exam a person passed.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
#[serde(deny_unknown_fields)]
pub struct ExamPass {
    /// Exam code ("AZ-104").
    pub exam: String,
    /// Day passed.
    pub date: Option<NaiveDate>,
    /// Last day the certification counts, when it expires.
    pub expiry: Option<NaiveDate>,
}

/// A person: a trainer when they hold an MCT membership, and the exams they passed (trainers
/// and staff alike), recorded once.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
#[serde(deny_unknown_fields)]
pub struct Person {
    /// Full name (people are told apart by name, ignoring case and outer spaces).
    pub name: String,
    /// The MCT membership (None: not a trainer).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mct: Option<Membership>,
    /// Exams passed.
    pub passes: Vec<ExamPass>,
}

impl Person {
    /// The key people are told apart by: the name trimmed, in lower case.
    pub fn key(&self) -> String {
        person_key(&self.name)
    }
}

/// "K distinct people who each passed one of these exams", for one level.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
#[serde(deny_unknown_fields)]
pub struct ExamRule {
    /// The level it applies to ("gold", "silver").
    pub level: String,
    /// K: how many distinct people.
    pub people: u32,
    /// Exam codes, any of which qualifies.
    pub exams: Vec<String>,
}

/// A competency with the Learning Option and its exam rules.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
#[serde(deny_unknown_fields)]
pub struct Competency {
    /// Competency name ("Cloud Platform").
    pub name: String,
    /// Its rules, per level.
    pub rules: Vec<ExamRule>,
}

/// A trainer's standing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TrainerStatus {
    /// Index of the person in the people list.
    #[serde(skip)]
    pub person: usize,
    /// Name.
    pub name: String,
    /// MCT ID.
    pub mct_id: String,
    /// Membership expiry, when known.
    pub expiry: Option<NaiveDate>,
    /// Valid at the deadline: counts for renewal.
    pub valid_at_deadline: bool,
    /// Valid today.
    pub valid_today: bool,
    /// Valid today but lapses before the deadline: renew the membership.
    pub lapses_before_deadline: bool,
}

/// An exam rule checked at the deadline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExamRuleStatus {
    /// Competency name.
    pub competency: String,
    /// Level id.
    pub level: String,
    /// K.
    pub needed: u32,
    /// Qualifying exams.
    pub exams: Vec<String>,
    /// The people who count (passed one of the exams by the deadline, unexpired then).
    pub people: Vec<String>,
    /// Whether enough people count.
    pub met: bool,
}

/// Capability at the deadline and today.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CapabilityStatus {
    /// Every trainer.
    pub trainers: Vec<TrainerStatus>,
    /// Trainers valid at the deadline.
    pub mcts_at_deadline: u32,
    /// Trainers valid today.
    pub mcts_today: u32,
    /// Every exam rule.
    pub exam_rules: Vec<ExamRuleStatus>,
    /// What the level checks use.
    #[serde(skip)]
    pub facts: CapabilityFacts,
    /// Things to act on (lapsing memberships, unknown expiries).
    pub warnings: Vec<String>,
}

fn person_key(name: &str) -> String {
    name.trim().to_lowercase()
}

fn exam_key(code: &str) -> String {
    code.trim().to_uppercase()
}

/// Evaluate the roster (the people holding an MCT membership, in list order) and the exam rules
/// at `deadline`, with `today` for warnings. No trainer leaves the MCT count unknown; a level
/// no competency has rules for leaves its exam requirement unknown.
pub fn capability(
    profile: &Profile,
    people: &[Person],
    competencies: &[Competency],
    deadline: NaiveDate,
    today: NaiveDate,
) -> CapabilityStatus {
    let mut warnings = Vec::new();
    let trainer_status: Vec<TrainerStatus> = people
        .iter()
        .enumerate()
        .filter_map(|(i, p)| p.mct.as_ref().map(|m| (i, p, m)))
        .map(|(person, p, m)| {
            let valid_at_deadline = m.valid_on(deadline);
            let valid_today = m.valid_on(today);
            TrainerStatus {
                person,
                name: p.name.clone(),
                mct_id: m.id.clone(),
                expiry: m.expiry,
                valid_at_deadline,
                valid_today,
                lapses_before_deadline: valid_today && !valid_at_deadline,
            }
        })
        .collect();
    // A trainer is counted once: entries that share an MCT ID (or, without one, a name) are
    // one trainer, valid when one of them is; what to act on is said per trainer, in roster
    // order.
    let trainer_key = |t: &TrainerStatus| match t.mct_id.trim() {
        "" => format!("name:{}", person_key(&t.name)),
        id => format!("id:{}", id.to_uppercase()),
    };
    let mut trainers: Vec<(String, Vec<&TrainerStatus>)> = Vec::new();
    let mut at: BTreeMap<String, usize> = BTreeMap::new();
    for t in &trainer_status {
        let key = trainer_key(t);
        match at.get(&key) {
            Some(&i) => trainers[i].1.push(t),
            None => {
                at.insert(key.clone(), trainers.len());
                trainers.push((key, vec![t]));
            }
        }
    }
    let valid = |entries: &[&TrainerStatus], today: bool| {
        entries.iter().any(|t| {
            if today {
                t.valid_today
            } else {
                t.valid_at_deadline
            }
        })
    };
    for (key, entries) in &trainers {
        let Some(first) = entries.first() else {
            continue;
        };
        let name = &first.name;
        if entries.len() > 1 {
            let what = match key.strip_prefix("id:") {
                Some(_) => "share one MCT ID",
                None => "are one name without an MCT ID",
            };
            warnings.push(format!(
                "{} is recorded {} times as a trainer (the entries {what}): counted once",
                name.trim(),
                entries.len()
            ));
        }
        // counted at the deadline on an expiry nobody recorded: said
        if !entries
            .iter()
            .any(|t| t.expiry.is_some_and(|e| e >= deadline))
            && entries.iter().any(|t| t.expiry.is_none())
        {
            warnings.push(format!(
                "{name}: MCT membership expiry not recorded (counted as valid)"
            ));
        }
        // valid today, not at the deadline: renew (the latest expiry is the one to renew)
        if valid(entries, true) && !valid(entries, false) {
            let lapses = entries.iter().filter_map(|t| t.expiry).max();
            warnings.push(format!(
                "{name}: MCT membership lapses on {} before the deadline {deadline}: renew it",
                lapses.map_or(String::new(), |e| e.to_string())
            ));
        }
        // lapsed already, with the deadline still ahead: renewing is what makes them count
        if !valid(entries, true)
            && !valid(entries, false)
            && today <= deadline
            && let Some(lapsed) = entries.iter().filter_map(|t| t.expiry).max()
        {
            warnings.push(format!(
                "{name}: MCT membership lapsed on {lapsed}: renew it to count at the deadline {deadline}"
            ));
        }
    }
    let mcts_at_deadline = trainers.iter().filter(|t| valid(&t.1, false)).count() as u32;
    let mcts_today = trainers.iter().filter(|t| valid(&t.1, true)).count() as u32;

    // exam code → people (display names) who passed it, counted at the deadline
    let mut passed: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    // said in the order of names, not of the list (which an edit or a migration may reorder)
    // one per person and exam, however often entered
    let mut undated = BTreeMap::new();
    for p in people {
        for pass in &p.passes {
            if pass.date.is_none() {
                undated
                    .entry((person_key(&p.name), exam_key(&pass.exam)))
                    .or_insert((p.name.trim(), pass.exam.trim()));
            }
            let counts = pass.date.is_some_and(|d| d <= deadline)
                && pass.expiry.is_none_or(|e| e >= deadline);
            if counts {
                passed
                    .entry(exam_key(&pass.exam))
                    .or_default()
                    .entry(person_key(&p.name))
                    .or_insert_with(|| p.name.trim().to_string());
            }
        }
    }
    for (name, exam) in undated.into_values() {
        warnings.push(format!(
            "{name}: the {exam} pass has no date recorded (not counted)"
        ));
    }
    let mut exam_rules = Vec::new();
    // level → per competency, whether all its rules for the level are met
    let mut by_level: BTreeMap<String, BTreeMap<usize, bool>> = BTreeMap::new();
    for (ci, c) in competencies.iter().enumerate() {
        for rule in &c.rules {
            let mut who: BTreeMap<String, String> = BTreeMap::new();
            for exam in &rule.exams {
                if let Some(ps) = passed.get(&exam_key(exam)) {
                    for (k, v) in ps {
                        who.entry(k.clone()).or_insert_with(|| v.clone());
                    }
                }
            }
            let met = who.len() as u32 >= rule.people;
            let entry = by_level
                .entry(rule.level.clone())
                .or_default()
                .entry(ci)
                .or_insert(true);
            *entry &= met;
            exam_rules.push(ExamRuleStatus {
                competency: c.name.clone(),
                level: rule.level.clone(),
                needed: rule.people,
                exams: rule.exams.clone(),
                people: who
                    .into_values()
                    .collect::<BTreeSet<_>>()
                    .into_iter()
                    .collect(),
                met,
            });
        }
    }
    let facts = CapabilityFacts {
        active_mcts: (!trainer_status.is_empty()).then_some(mcts_at_deadline),
        exam_rules: profile
            .levels
            .iter()
            .filter(|l| l.exams)
            .filter_map(|l| {
                let per_competency = by_level.get(&l.id)?;
                Some((l.id.clone(), per_competency.values().any(|&m| m)))
            })
            .collect(),
    };
    CapabilityStatus {
        trainers: trainer_status,
        mcts_at_deadline,
        mcts_today,
        exam_rules,
        facts,
        warnings,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn trainer(name: &str, expiry: Option<&str>) -> Person {
        Person {
            name: name.into(),
            mct: Some(Membership {
                id: format!("MCT-{name}"),
                expiry: expiry.map(d),
            }),
            passes: Vec::new(),
        }
    }

    fn person(name: &str, passes: &[(&str, &str, Option<&str>)]) -> Person {
        Person {
            name: name.into(),
            mct: None,
            passes: passes
                .iter()
                .map(|(exam, date, expiry)| ExamPass {
                    exam: exam.to_string(),
                    date: Some(d(date)),
                    expiry: expiry.map(d),
                })
                .collect(),
        }
    }

    #[test]
    fn trainers_at_deadline_and_today() {
        let p = Profile::builtin().unwrap();
        let trainers = [
            trainer("Ana", Some("2027-06-30")),
            trainer("Ben", Some("2026-12-31")), // lapses before the deadline
            trainer("Cy", Some("2027-02-28")),  // valid on the deadline day itself
            trainer("Di", Some("2026-01-01")),  // already lapsed
            trainer("Ed", None),
        ];
        let s = capability(&p, &trainers, &[], d("2027-02-28"), d("2026-11-26"));
        assert_eq!(s.mcts_at_deadline, 3);
        assert_eq!(s.mcts_today, 4);
        assert!(s.trainers[1].lapses_before_deadline);
        assert!(!s.trainers[3].lapses_before_deadline);
        assert_eq!(s.facts.active_mcts, Some(3));
        assert_eq!(s.warnings.len(), 3, "{:?}", s.warnings);
        assert!(s.warnings[1].starts_with("Di: MCT membership lapsed on 2026-01-01: renew it"));
        let empty = capability(&p, &[], &[], d("2027-02-28"), d("2026-11-26"));
        assert_eq!(
            empty.facts.active_mcts, None,
            "no roster: unknown, not zero"
        );
    }

    #[test]
    fn exam_rules_count_distinct_unexpired_people() {
        let p = Profile::builtin().unwrap();
        let competency = Competency {
            name: "Cloud Platform".into(),
            rules: vec![
                ExamRule {
                    level: "silver".into(),
                    people: 2,
                    exams: vec!["AZ-104".into(), "AZ-305".into()],
                },
                ExamRule {
                    level: "gold".into(),
                    people: 3,
                    exams: vec!["AZ-104".into(), "AZ-305".into()],
                },
            ],
        };
        let people = [
            person(
                "Ana",
                &[
                    ("AZ-104", "2025-05-01", None),
                    ("az-305", "2025-06-01", None),
                ],
            ),
            person(" ana ", &[("AZ-305", "2025-07-01", None)]), // the same person
            person("Ben", &[("AZ-305", "2026-01-10", Some("2026-12-31"))]), // expired at D
            person("Cy", &[("AZ-104", "2027-03-01", None)]),    // after the deadline
            person("Di", &[("AZ-104 ", "2026-02-01", None)]),
        ];
        let s = capability(&p, &people, &[competency], d("2027-02-28"), d("2026-11-26"));
        assert_eq!(s.exam_rules[0].people, vec!["Ana", "Di"]);
        assert!(s.exam_rules[0].met);
        assert!(!s.exam_rules[1].met);
        assert_eq!(s.facts.exam_rules.get("silver"), Some(&true));
        assert_eq!(s.facts.exam_rules.get("gold"), Some(&false));
        assert_eq!(s.facts.exam_rules.get("lap"), None);
    }

    /// One trainer entered twice (by case or spaces, or by another spelling with the same
    /// MCT ID) counts once, with a warning; two trainers of one name with their own IDs are
    /// two; a pass without a date is said, not silently dropped.
    #[test]
    fn a_trainer_entered_twice_counts_once() {
        let p = Profile::builtin().unwrap();
        let mut people = vec![
            trainer("Ana", Some("2027-06-30")),
            trainer("Ben", Some("2027-06-30")),
            trainer("Cy", Some("2027-06-30")),
            trainer("Cy", Some("2027-06-30")),
        ];
        people[3].name = "cy ".into();
        let s = capability(&p, &people, &[], d("2027-02-28"), d("2026-11-26"));
        assert_eq!((s.mcts_at_deadline, s.mcts_today), (3, 3));
        assert_eq!(s.facts.active_mcts, Some(3));
        assert_eq!(
            s.warnings,
            ["Cy is recorded 2 times as a trainer (the entries share one MCT ID): counted once"]
        );
        // the later entry valid at the deadline: the trainer is
        people[2].mct.as_mut().unwrap().expiry = Some(d("2026-12-31"));
        let s = capability(&p, &people, &[], d("2027-02-28"), d("2026-11-26"));
        assert_eq!(s.mcts_at_deadline, 3);
        people[2].mct.as_mut().unwrap().expiry = Some(d("2027-06-30"));
        // two people of one name, each with their own ID
        people[3].mct.as_mut().unwrap().id = "MCT-other".into();
        let s = capability(&p, &people, &[], d("2027-02-28"), d("2026-11-26"));
        assert_eq!(s.mcts_at_deadline, 4);
        // without IDs, one name is one trainer
        for p in &mut people {
            p.mct.as_mut().unwrap().id.clear();
        }
        let s = capability(&p, &people, &[], d("2027-02-28"), d("2026-11-26"));
        assert_eq!(s.mcts_at_deadline, 3);
        // what to act on is said per trainer: an entry lapsing beside one of the same ID valid
        // at the deadline is no membership to renew
        let mut twice = vec![
            trainer("Ana", Some("2026-12-31")),
            trainer("Ana", Some("2027-06-30")),
        ];
        let s = capability(&p, &twice, &[], d("2027-02-28"), d("2026-11-26"));
        assert_eq!(s.mcts_at_deadline, 1);
        assert!(
            !s.warnings.iter().any(|w| w.contains("renew")),
            "{:?}",
            s.warnings
        );
        twice[1].mct.as_mut().unwrap().expiry = Some(d("2027-01-31"));
        let s = capability(&p, &twice, &[], d("2027-02-28"), d("2026-11-26"));
        assert_eq!(s.mcts_at_deadline, 0);
        assert!(
            s.warnings
                .contains(&"Ana: MCT membership lapses on 2027-01-31 before the deadline 2027-02-28: renew it".to_string()),
            "the latest expiry is the one to renew: {:?}",
            s.warnings
        );
        // lapsed already: renewing is what makes them count, until the deadline has passed
        twice[0].mct.as_mut().unwrap().expiry = Some(d("2026-10-31"));
        twice[1].mct.as_mut().unwrap().expiry = Some(d("2026-11-25"));
        let s = capability(&p, &twice, &[], d("2027-02-28"), d("2026-11-26"));
        assert_eq!(
            s.warnings
                .iter()
                .filter(|w| w.contains("renew"))
                .collect::<Vec<_>>(),
            [
                "Ana: MCT membership lapsed on 2026-11-25: renew it to count at the deadline 2027-02-28"
            ],
            "once per trainer, the latest expiry"
        );
        let s = capability(&p, &twice, &[], d("2027-02-28"), d("2027-03-01"));
        assert!(
            !s.warnings.iter().any(|w| w.contains("renew")),
            "{:?}",
            s.warnings
        );
        // a pass with no date
        let mut ana = person("Ana", &[("AZ-104", "2025-05-01", None)]);
        ana.passes[0].date = None;
        let s = capability(&p, &[ana], &[], d("2027-02-28"), d("2026-11-26"));
        assert_eq!(
            s.warnings,
            ["Ana: the AZ-104 pass has no date recorded (not counted)"]
        );
    }
}
