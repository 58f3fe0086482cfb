//! Product classification: which product line a purchase belongs to (import.md,
//! "Classification"), from the workspace catalog, the type cell, the name and part number, and
//! course codes. The rules are the profile's rulebook; this module only knows how to match.

use std::collections::BTreeMap;

use regex_lite::Regex;
use serde::{Deserialize, Serialize};

use crate::profile::{KeywordRule, ProductLine, ProfileError, Rulebook};

/// A catalog override made by an administrator: a part number or an exact product name
/// assigned to a line, optionally with a component count for packaged sets.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CatalogEntry {
    /// The line the product belongs to.
    pub line: ProductLine,
    /// Components per kit (packaged sets).
    #[serde(default)]
    pub components: Option<u32>,
}

/// The workspace catalog: overrides keyed by part number or exact product name.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Catalog {
    /// Entries by key (part number, or product name when there is no part number).
    pub entries: BTreeMap<String, CatalogEntry>,
}

impl Catalog {
    fn lookup(&self, part: &str, name: &str) -> Option<(&str, &CatalogEntry)> {
        if self.entries.is_empty() {
            return None;
        }
        [part, name]
            .into_iter()
            .filter(|k| !k.is_empty())
            .find_map(|k| self.entries.get_key_value(k).map(|(k, e)| (k.as_str(), e)))
    }
}

/// The outcome of classifying one distinct product.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Classification {
    /// The product line.
    pub line: ProductLine,
    /// Components per kit from the catalog, when it says.
    pub components: Option<u32>,
    /// Whether the name or type says "packaged set".
    pub packaged_set: bool,
    /// Which rule decided, in words.
    pub why: String,
}

/// Lowercase words of a text: runs of letters and digits.
/// The lowercase words of `text`, the first [`MAX_CLASSIFIED_WORDS`] of them.
///
/// [`MAX_CLASSIFIED_WORDS`]: crate::money::limits::MAX_CLASSIFIED_WORDS
fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .take(crate::money::limits::MAX_CLASSIFIED_WORDS)
        .map(str::to_lowercase)
        .collect()
}

/// A keyword or phrase, as lowercase words.
#[derive(Debug, Clone)]
struct Phrase {
    text: String,
    words: Vec<String>,
}

impl Phrase {
    fn new(text: &str) -> Phrase {
        Phrase {
            text: text.to_string(),
            words: words(text),
        }
    }

    /// Whole-word match; the last word may take a plural "s".
    fn found_in(&self, hay: &[String]) -> bool {
        let n = self.words.len();
        if n == 0 || hay.len() < n {
            return false;
        }
        hay.windows(n).any(|w| {
            w[..n - 1] == self.words[..n - 1] && {
                let (last, want) = (&w[n - 1], &self.words[n - 1]);
                last == want
                    || (last.len() == want.len() + 1
                        && last.starts_with(want.as_str())
                        && last.ends_with('s'))
            }
        })
    }
}

#[derive(Debug, Clone)]
struct CompiledRule {
    any: Vec<Phrase>,
    with: Vec<Phrase>,
    line: ProductLine,
}

impl CompiledRule {
    fn new(rule: &KeywordRule) -> CompiledRule {
        CompiledRule {
            any: rule.any.iter().map(|s| Phrase::new(s)).collect(),
            with: rule.with.iter().map(|s| Phrase::new(s)).collect(),
            line: rule.line,
        }
    }

    /// The keyword that matched, if the rule applies.
    fn matches(&self, hay: &[String]) -> Option<&str> {
        let hit = self.any.iter().find(|p| p.found_in(hay))?;
        if !self.with.is_empty() && !self.with.iter().any(|p| p.found_in(hay)) {
            return None;
        }
        Some(&hit.text)
    }
}

/// The rulebook compiled for matching.
#[derive(Debug, Clone)]
pub struct Classifier {
    type_rules: Vec<CompiledRule>,
    name_rules: Vec<CompiledRule>,
    code_rules: Vec<(Regex, ProductLine, String)>,
    packaged_set: Vec<Phrase>,
}

/// A course code candidate from a product name: its first space-separated token, trailing
/// punctuation dropped.
fn first_token(name: &str) -> &str {
    name.split_whitespace()
        .next()
        .unwrap_or("")
        .trim_end_matches(|c: char| !c.is_alphanumeric())
}

impl Classifier {
    /// Compile a rulebook.
    pub fn new(rulebook: &Rulebook) -> Result<Classifier, ProfileError> {
        let code_rules = rulebook
            .code_rules
            .iter()
            .map(|r| {
                Regex::new(&r.pattern)
                    .map(|re| (re, r.line, r.note.clone()))
                    .map_err(|e| ProfileError::Invalid {
                        path: "rulebook".into(),
                        message: format!("course-code pattern '{}' is invalid: {e}", r.pattern),
                    })
            })
            .collect::<Result<_, _>>()?;
        Ok(Classifier {
            type_rules: rulebook.type_rules.iter().map(CompiledRule::new).collect(),
            name_rules: rulebook.name_rules.iter().map(CompiledRule::new).collect(),
            code_rules,
            packaged_set: rulebook
                .packaged_set
                .iter()
                .map(|s| Phrase::new(s))
                .collect(),
        })
    }

    /// Classify one product: first match wins (catalog, type cell, name and part, course code).
    pub fn classify(
        &self,
        part: &str,
        name: &str,
        kind: &str,
        catalog: &Catalog,
    ) -> Classification {
        let name_words = words(&format!("{name} {part}"));
        let type_words = words(kind);
        let packaged_set = self
            .packaged_set
            .iter()
            .any(|p| p.found_in(&name_words) || p.found_in(&type_words));
        let done = |line, components, why: String| Classification {
            line,
            components,
            packaged_set,
            why,
        };
        if let Some((key, entry)) = catalog.lookup(part, name) {
            return done(
                entry.line,
                entry.components,
                format!("catalog entry '{key}'"),
            );
        }
        if !type_words.is_empty() {
            for rule in &self.type_rules {
                if let Some(k) = rule.matches(&type_words) {
                    return done(rule.line, None, format!("type '{kind}' says '{k}'"));
                }
            }
        }
        for rule in &self.name_rules {
            if let Some(k) = rule.matches(&name_words) {
                return done(rule.line, None, format!("name says '{k}'"));
            }
        }
        let token = first_token(name);
        for (re, line, note) in &self.code_rules {
            for code in [part.trim(), token] {
                if !code.is_empty() && re.is_match(code) {
                    let why = if note.is_empty() {
                        format!("course code {code}")
                    } else {
                        format!("course code {code}: {note}")
                    };
                    return done(*line, None, why);
                }
            }
        }
        done(ProductLine::Unknown, None, "no rule matched".into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profile::Profile;
    use ProductLine::*;

    #[test]
    fn a_name_of_millions_of_words_is_classified_by_its_first_ones() {
        // a crafted cell: before, each word became a String (gigabytes for a 1 GiB export)
        assert_eq!(
            words(&"x ".repeat(2_000_000)).len(),
            crate::money::limits::MAX_CLASSIFIED_WORDS
        );
        let p = Profile::builtin().unwrap();
        let c = Classifier::new(&p.rulebook).unwrap();
        let name = format!("Official Microsoft Courseware {}", "x ".repeat(2_000_000));
        let got = c.classify("", &name, "", &Catalog::default());
        let real = c.classify("", "Official Microsoft Courseware", "", &Catalog::default());
        assert_eq!((got.line, got.why), (real.line, real.why));
    }

    fn classifier() -> Classifier {
        Classifier::new(&Profile::builtin().unwrap().rulebook).unwrap()
    }

    #[test]
    fn phrases_match_whole_words_with_plural() {
        let hay = words("Microsoft Labs Online; Collaboration (DMOC) On Demand");
        assert!(Phrase::new("lab").found_in(&hay));
        assert!(Phrase::new("labs online").found_in(&hay));
        assert!(Phrase::new("dmoc").found_in(&hay));
        assert!(Phrase::new("on-demand").found_in(&hay));
        assert!(!Phrase::new("collab").found_in(&hay));
        assert!(!Phrase::new("moc").found_in(&hay));
        assert!(!Phrase::new("ration").found_in(&hay));
        assert!(Phrase::new("certificate voucher").found_in(&words("Certificate Vouchers")));
        assert!(!Phrase::new("certificate voucher").found_in(&words("Certificates Voucher")));
    }

    /// (part, name, type, expected line): the table of import.md, traps included.
    #[test]
    fn rulebook_table() {
        let c = classifier();
        let cases: &[(&str, &str, &str, ProductLine)] = &[
            // type cell wins over the name
            ("X", "Anything", "Microsoft Exams", Exam),
            ("X", "MOC 20533C", "First Look", Excluded),
            ("X", "Whatever", "Free content", Excluded),
            ("X", "Whatever", "Course Certificate Voucher", Mccv),
            ("X", "Whatever", "MCCVL", Mccv),
            ("X", "Whatever", "Microsoft Authorized Labs", Lab),
            ("X", "Whatever", "Voucher", Exam),
            ("X", "Whatever", "MOC On-Demand", Courseware),
            ("X", "Whatever", "Microsoft Training Courseware", Courseware),
            ("X", "Whatever", "Cloud Workshops", Courseware),
            ("X", "Whatever", "Training Courses", Courseware),
            // a type cell matching nothing goes on to the name
            (
                "CAT-LUNCH",
                "Classroom catering (per student)",
                "Other",
                Unknown,
            ),
            (
                "20533C",
                "MOC 20533C Implementing Azure",
                "Other",
                Courseware,
            ),
            // "lab" never matches "Collaboration"
            (
                "MS-700T00",
                "MS-700T00 Managing Microsoft Teams, Collaboration Courseware",
                "",
                Courseware,
            ),
            ("X1", "Team Collaboration workshop", "", Unknown),
            // name rules, in order
            ("FL-COPILOT", "First Look Clinic: Copilot", "", Excluded),
            ("FREE-AI900", "AI-900 Free Content pack", "", Excluded),
            ("X", "Windows Free Edition", "", Excluded),
            (
                "MCCV-AZ900",
                "Microsoft Course Certificate Voucher - Azure Fundamentals",
                "",
                Mccv,
            ),
            (
                "MCCV-SET-5",
                "Packaged Set: Course Certificate Vouchers (5 courses)",
                "",
                Mccv,
            ),
            ("X", "MCCVL bundle", "", Mccv),
            // R2: MC-voucher Packaged Sets are MCCV (0.5 a component), by name or by type
            ("X", "Azure Fundamentals MC-voucher Packaged Set", "", Mccv),
            ("X", "Anything", "MC-voucher Packaged Set", Mccv),
            ("X", "AZ-900 MC Vouchers", "", Mccv),
            (
                "LAB-AZ104",
                "Microsoft Labs Online - AZ-104 (180 days)",
                "",
                Lab,
            ),
            ("MAL-DP203", "DP-203 Authorized Lab access", "", Lab),
            ("X", "AZ-104 Lab Voucher", "", Lab),
            (
                "AZ-104-VCH",
                "Microsoft Certified Professional Exam Voucher AZ-104",
                "",
                Exam,
            ),
            (
                "EXB-AZ-305",
                "Exam Bundle AZ-305 with Retake and Practice Test",
                "",
                Exam,
            ),
            ("AZ-EXAM-SET", "Azure Exam Set (packaged)", "", Exam),
            ("X", "AZ-900 exam with practice tests", "", Exam),
            ("X", "Exam preparation guide", "", Unknown),
            ("MTA-EXV-361", "MTA Exam Voucher 98-361", "", Exam),
            (
                "PKG-AZ-ADMIN",
                "Packaged Set: Azure Administrator learning path",
                "",
                Courseware,
            ),
            (
                "AZ-900T00-A",
                "Microsoft Azure Fundamentals (DMOC)",
                "",
                Courseware,
            ),
            (
                "DP-900T00",
                "MOC On-Demand: Azure Data Fundamentals",
                "",
                Courseware,
            ),
            ("X", "Azure On Demand", "", Courseware),
            (
                "MTA-98-364",
                "MTA Courseware 98-364 Database Fundamentals",
                "",
                Courseware,
            ),
            ("X", "Official Course AZ-104", "", Courseware),
            (
                "405123",
                "Microsoft Cloud Workshop: Serverless architecture",
                "",
                Courseware,
            ),
            ("X", "Student Kits for AZ-104", "", Courseware),
            // course codes (case-sensitive, whole)
            ("AZ-104T00", "Microsoft Azure Administrator", "", Courseware),
            (
                "",
                "AZ-104T00: Microsoft Azure Administrator",
                "",
                Courseware,
            ),
            ("AZ-900T00-A", "Azure Fundamentals", "", Courseware),
            ("AZ-900T00A", "Azure Fundamentals", "", Courseware),
            (
                "10961",
                "Automating Administration with Windows PowerShell",
                "",
                Courseware,
            ),
            ("40567", "Power BI in a Day", "", Courseware),
            ("", "40567A Power BI in a Day", "", Courseware),
            ("405123", "Serverless architecture", "", Courseware),
            (
                "MS-4004",
                "Empower your workforce with Copilot",
                "",
                Courseware,
            ),
            ("az-104t00", "Azure Administrator", "", Unknown),
            ("AZ-104", "Azure Administrator certification", "", Unknown),
            ("AI-900", "AI fundamentals", "", Unknown),
            (
                "55238A",
                "55238A SharePoint Online for Administrators",
                "",
                Unknown,
            ),
            ("50154A", "Something", "", Unknown),
            ("X", "60123 Unrelated", "", Unknown),
            // "Course Certificate Voucher" is mccv, not an exam voucher
            ("X", "Course Certificate Voucher", "", Mccv),
        ];
        for (part, name, kind, want) in cases {
            let got = c.classify(part, name, kind, &Catalog::default());
            assert_eq!(got.line, *want, "{part} / {name} / {kind}: {}", got.why);
        }
    }

    #[test]
    fn packaged_sets_are_flagged_and_the_catalog_wins() {
        let c = classifier();
        let got = c.classify("PKG", "Packaged Set: Azure path", "", &Catalog::default());
        assert!(got.packaged_set);
        assert_eq!(got.components, None);
        let got = c.classify("X", "Anything", "Packaged Set", &Catalog::default());
        assert!(got.packaged_set);
        let mut catalog = Catalog::default();
        catalog.entries.insert(
            "PKG".into(),
            CatalogEntry {
                line: Mccv,
                components: Some(4),
            },
        );
        let got = c.classify("PKG", "Packaged Set: Azure path", "Courseware", &catalog);
        assert_eq!((got.line, got.components), (Mccv, Some(4)));
        catalog.entries.insert(
            "Classroom catering".into(),
            CatalogEntry {
                line: Excluded,
                components: None,
            },
        );
        assert_eq!(
            c.classify("", "Classroom catering", "", &catalog).line,
            Excluded
        );
    }
}
