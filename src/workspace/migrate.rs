//! Older workspace formats and the step that brings each to the next version, so a file of any
//! earlier version loads as the current one: one step function per version (v1 → v2 → …),
//! chained by [`super::format::from_ron`]. A step keeps everything the older file held.
//!
//! Version 2 keeps trainers and people with exam passes in one list: a person may hold an MCT
//! membership and exam passes. Version 1 had two lists (`trainers` and `people`).
//!
//! Version 3 holds what version 2 held and writes it more compactly: each stored row as a
//! tuple on its line, the products the rows name in a table written once (see
//! [`super::compact`]). A version 2 file is read as the workspace it describes.

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::NaiveDate;
use serde::Deserialize;

use super::model::{
    DashboardMonth, Partner, PlannedPurchase, ProfileChoice, Rate, StoredRow, Workspace,
};
use crate::import::ImportedFile;
use crate::import::classify::CatalogEntry;
use crate::import::official::OfficialLine;
use crate::import::sniff::ColumnMapRepr;
use crate::rules::capability::{Competency, ExamPass, Membership, Person};

/// A trainer on a version 1 roster.
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TrainerV1 {
    /// Full name.
    pub name: String,
    /// MCT ID or certification profile ID.
    pub mct_id: String,
    /// Last day the MCT membership is valid.
    pub expiry: Option<NaiveDate>,
}

/// A person with exam passes in a version 1 file.
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PersonV1 {
    /// Full name.
    pub name: String,
    /// Exams passed.
    pub passes: Vec<ExamPass>,
}

/// A version 1 workspace: the roster and the people with exam passes as two lists; every
/// other part as in version 2.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct WorkspaceV1 {
    /// The format version (1, or absent: a name no version 1 file has is refused, never read
    /// as absent and dropped by the next save).
    pub version: u32,
    /// The partner.
    pub partner: Partner,
    /// The program profile.
    pub profile: ProfileChoice,
    /// Competencies and their exam rules.
    pub competencies: Vec<Competency>,
    /// The MCT roster.
    pub trainers: Vec<TrainerV1>,
    /// People and their exam passes.
    pub people: Vec<PersonV1>,
    /// Import batches.
    pub batches: Vec<ImportedFile>,
    /// Every stored row.
    pub rows: Arc<Vec<StoredRow>>,
    /// Catalog overrides.
    #[serde(deserialize_with = "crate::workspace::model::unique_keys")]
    pub catalog: BTreeMap<String, CatalogEntry>,
    /// Exchange rates.
    pub rates: Vec<Rate>,
    /// Planned purchases.
    pub planned: Vec<PlannedPurchase>,
    /// The official dashboard's figures.
    pub dashboard: Vec<DashboardMonth>,
    /// The official dashboard's report, line by line.
    pub official: Vec<OfficialLine>,
    /// Column mappings chosen by hand.
    #[serde(deserialize_with = "crate::workspace::model::unique_keys")]
    pub mappings: BTreeMap<String, ColumnMapRepr>,
}

fn key(name: &str) -> String {
    name.trim().to_lowercase()
}

/// Merge a version 1 roster and people list into one list of people, keeping everything:
///
/// - each trainer becomes a person, in roster order, with their name as written and their MCT
///   membership (so the roster, its order and its names are what version 1 evaluated);
/// - each person of the people list joins the first trainer of the same name (ignoring case
///   and outer spaces) not yet joined, bringing their exam passes; a person no trainer matches
///   follows, in list order, as they were.
///
/// Two trainers of the same name stay two people (version 1 counted both), as do two people
/// entries of the same name (the exam rules count a name once either way). When a trainer and
/// a person were spelled differently (case, spaces), the trainer's spelling is kept.
pub fn merge_people(trainers: Vec<TrainerV1>, people: Vec<PersonV1>) -> Vec<Person> {
    let mut merged: Vec<Person> = Vec::with_capacity(trainers.len() + people.len());
    // trainer key → indexes in `merged` of trainers not yet joined by a person, in order
    let mut open: BTreeMap<String, std::collections::VecDeque<usize>> = BTreeMap::new();
    for t in trainers {
        open.entry(key(&t.name))
            .or_default()
            .push_back(merged.len());
        merged.push(Person {
            name: t.name,
            mct: Some(Membership {
                id: t.mct_id,
                expiry: t.expiry,
            }),
            passes: Vec::new(),
        });
    }
    for p in people {
        match open.get_mut(&key(&p.name)).and_then(|q| q.pop_front()) {
            Some(i) => {
                if let Some(slot) = merged.get_mut(i) {
                    slot.passes = p.passes;
                }
            }
            None => merged.push(Person {
                name: p.name,
                mct: None,
                passes: p.passes,
            }),
        }
    }
    merged
}

/// The step from version 1 to version 2: trainers and people merged ([`merge_people`]),
/// everything else as it was.
pub fn v1_to_v2(v1: WorkspaceV1) -> Workspace {
    let WorkspaceV1 {
        version: _,
        partner,
        profile,
        competencies,
        trainers,
        people,
        batches,
        rows,
        catalog,
        rates,
        planned,
        dashboard,
        official,
        mappings,
    } = v1;
    Workspace {
        version: 2,
        partner,
        profile,
        competencies,
        people: merge_people(trainers, people),
        batches,
        rows,
        catalog,
        rates,
        planned,
        dashboard,
        official,
        mappings,
    }
}

/// The step from version 2 to version 3: the same workspace (version 3 changed how the rows
/// are written, not what a workspace holds).
pub fn v2_to_v3(v2: Workspace) -> Workspace {
    Workspace { version: 3, ..v2 }
}
