//! The fonts the PDF summary and the charts draw with: DejaVu Sans, embedded, and for the
//! characters it has no glyph for (Chinese, Japanese, Korean, Thai, Devanagari, ...) a font of
//! the system's that has them, looked for only when a text needs one, and kept for the process.
//!
//! The window finds its own (eframe's system font provider); this module is for the files
//! lpkpi writes, which must carry their fonts inside them.

use std::collections::{BTreeSet, HashMap};
use std::sync::{Mutex, OnceLock};

use resvg::usvg::fontdb;

/// DejaVu Sans, the font every summary and chart is set in.
pub const DEJAVU: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");

/// A font of the system's that draws characters DejaVu Sans lacks.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Fallback {
    /// The font file's bytes (read once for the process, kept until it ends).
    pub data: &'static [u8],
    /// The face's index in its file (a collection holds several).
    pub index: u32,
    /// The family's name, e.g. "Noto Sans CJK JP".
    pub family: &'static str,
}

impl std::fmt::Debug for Fallback {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Fallback")
            .field("family", &self.family)
            .field("index", &self.index)
            .field("bytes", &self.data.len())
            .finish()
    }
}

/// Families tried first, in this order, when several system fonts have a character: sans-serif
/// faces made for the scripts DejaVu Sans lacks, so the summary keeps one look. Any other font
/// that has the character comes after them.
const PREFERRED: &[&str] = &[
    "Noto Sans CJK",
    "Source Han Sans",
    "Noto Sans",
    "Yu Gothic",
    "Meiryo",
    "Microsoft YaHei",
    "Microsoft JhengHei",
    "Malgun Gothic",
    "Leelawadee",
    "Nirmala",
    "PingFang",
    "Hiragino Sans",
    "Apple SD Gothic",
    "Droid Sans Fallback",
    "WenQuanYi",
    "MS Gothic",
    "SimHei",
    "Arial Unicode",
];

/// The embedded font, parsed once.
fn dejavu() -> Option<&'static ttf_parser::Face<'static>> {
    static FACE: OnceLock<Option<ttf_parser::Face<'static>>> = OnceLock::new();
    FACE.get_or_init(|| ttf_parser::Face::parse(DEJAVU, 0).ok())
        .as_ref()
}

/// Whether DejaVu Sans draws `c` (white space and control characters count as drawn: they
/// have no glyph to look for).
pub fn embedded_has(c: char) -> bool {
    c.is_whitespace() || c.is_control() || dejavu().is_none_or(|face| face.glyph_index(c).is_some())
}

/// What was looked for so far, for the whole process.
#[derive(Default)]
struct Found {
    /// The system's fonts, listed on first need (None until then).
    db: Option<fontdb::Database>,
    /// Its faces in the order they are tried.
    order: Vec<fontdb::ID>,
    /// Each character looked for: the index of its font in `fonts`, or None when no system
    /// font has it.
    chars: HashMap<char, Option<usize>>,
    /// The fonts found, each once.
    fonts: Vec<(fontdb::ID, Fallback)>,
}

fn found() -> &'static Mutex<Found> {
    static FOUND: OnceLock<Mutex<Found>> = OnceLock::new();
    FOUND.get_or_init(|| Mutex::new(Found::default()))
}

/// The rank of a face: preferred families first, then upright regular faces, then by name so
/// the choice does not depend on the order the system lists them in.
fn rank(face: &fontdb::FaceInfo) -> (usize, bool, u16, bool, String, u32) {
    let family = face.families.first().map_or("", |(name, _)| name.as_str());
    let preferred = PREFERRED
        .iter()
        .position(|p| family.starts_with(p))
        .unwrap_or(PREFERRED.len());
    (
        preferred,
        face.style != fontdb::Style::Normal,
        face.weight.0.abs_diff(400),
        face.monospaced,
        family.to_string(),
        face.index,
    )
}

impl Found {
    /// List the system's fonts, once.
    fn database(&mut self) -> &fontdb::Database {
        self.db.get_or_insert_with(|| {
            let mut db = fontdb::Database::new();
            db.load_system_fonts();
            let mut faces: Vec<&fontdb::FaceInfo> = db.faces().collect();
            faces.sort_by_cached_key(|f| rank(f));
            self.order = faces.iter().map(|f| f.id).collect();
            db
        })
    }

    /// Look for fonts for `chars` (none of them looked for before).
    fn look_for(&mut self, chars: &BTreeSet<char>) {
        let mut todo: Vec<char> = chars.iter().copied().collect();
        self.database();
        let order = self.order.clone();
        for id in order {
            if todo.is_empty() {
                break;
            }
            let Some(db) = self.db.as_ref() else { break };
            let hits = db.with_face_data(id, |data, index| {
                let face = ttf_parser::Face::parse(data, index).ok()?;
                let hits: Vec<char> = todo
                    .iter()
                    .copied()
                    .filter(|c| face.glyph_index(*c).is_some())
                    .collect();
                (!hits.is_empty()).then_some(hits)
            });
            let Some(Some(hits)) = hits else {
                continue;
            };
            let known = self.fonts.iter().position(|(i, _)| *i == id);
            let at = match known {
                Some(at) => at,
                None => {
                    // kept for the process: a face is copied at most once
                    let Some((data, index)) =
                        db.with_face_data(id, |data, index| (data.to_vec(), index))
                    else {
                        continue;
                    };
                    let family = db
                        .face(id)
                        .and_then(|f| f.families.first())
                        .map_or_else(String::new, |(name, _)| name.clone());
                    let fallback = Fallback {
                        data: Box::leak(data.into_boxed_slice()),
                        index,
                        family: Box::leak(family.into_boxed_str()),
                    };
                    self.fonts.push((id, fallback));
                    self.fonts.len() - 1
                }
            };
            for c in &hits {
                self.chars.insert(*c, Some(at));
            }
            todo.retain(|c| !hits.contains(c));
        }
        for c in todo {
            self.chars.insert(c, None);
        }
    }
}

/// The system's fonts that draw the characters of `text` DejaVu Sans lacks, in the order first
/// needed, each once; empty when DejaVu Sans draws all of `text` (the system's fonts are then
/// not even listed) or no system font has them (they then show as DejaVu Sans' empty box).
pub fn fallbacks(text: &str) -> Vec<Fallback> {
    let missing: BTreeSet<char> = text.chars().filter(|c| !embedded_has(*c)).collect();
    if missing.is_empty() {
        return Vec::new();
    }
    let mut found = found().lock().unwrap_or_else(|e| e.into_inner());
    let new: BTreeSet<char> = missing
        .iter()
        .copied()
        .filter(|c| !found.chars.contains_key(c))
        .collect();
    if !new.is_empty() {
        found.look_for(&new);
    }
    let mut used: Vec<usize> = missing
        .iter()
        .filter_map(|c| found.chars.get(c).copied().flatten())
        .collect();
    used.sort_unstable();
    used.dedup();
    used.iter()
        .filter_map(|i| found.fonts.get(*i).map(|(_, f)| *f))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_dejavu_draws_needs_no_system_font() {
        assert!(
            fallbacks("Northwind Learning · ✔ met · $1,234.50 · Ünïcödé · Ελλάδα · Москва")
                .is_empty()
        );
        assert!(embedded_has(' ') && embedded_has('\n'));
        assert!(!embedded_has('北'));
    }

    /// Needs a system font with Japanese glyphs (`.ci/run` installs Debian's
    /// fonts-droid-fallback; any CJK font will do).
    #[test]
    fn japanese_is_drawn_with_a_system_font_that_has_it() {
        let name = "株式会社ノースウィンド";
        let found = fallbacks(name);
        assert!(
            !found.is_empty(),
            "no system font has Japanese glyphs: install one (Debian: fonts-droid-fallback)"
        );
        let faces: Vec<ttf_parser::Face<'_>> = found
            .iter()
            .map(|f| ttf_parser::Face::parse(f.data, f.index).unwrap())
            .collect();
        for c in name.chars() {
            assert!(
                faces.iter().any(|f| f.glyph_index(c).is_some()),
                "{c} has no glyph in {found:?}"
            );
        }
        // asked again, the same fonts, read once
        assert_eq!(fallbacks(name), found);
        assert!(std::ptr::eq(fallbacks("ノース")[0].data, found[0].data));
    }
}
