//! The summary as a PDF a CFO can be sent as is: the summary document's blocks laid out on A4
//! or Letter pages (headings, wrapped paragraphs, tables with right-aligned figures, the SVG
//! charts as vectors), DejaVu Sans embedded and subset so the text is extractable, a page
//! number and a generated-on line on every page. Layout first (pages of positioned pieces, so
//! "page 1 of 2" is known), then krilla writes them.

use chrono::{Datelike, NaiveDateTime, Timelike};
use krilla::color::rgb;
use krilla::geom::{PathBuilder, Point, Rect, Size};
use krilla::metadata::{DateTime, Metadata};
use krilla::num::NormalizedF32;
use krilla::page::PageSettings;
use krilla::paint::{Fill, Stroke};
use krilla::text::{Font, TextDirection};
use krilla_svg::{SurfaceExt, SvgSettings};

use super::document::{Block, LIST_ITEMS, Span, document, more_items};
use super::fonts::{self, Fallback};
use super::{ReportError, ReportInput, chart};

/// The bold face for headings and strong text (same family and licence as the regular one).
pub const BOLD_FONT_DATA: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans-Bold.ttf");

/// Paper sizes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Paper {
    /// 210 x 297 mm.
    A4,
    /// 8.5 x 11 in.
    Letter,
}

impl Paper {
    /// Width and height in points.
    pub fn size(self) -> (f32, f32) {
        match self {
            Paper::A4 => (595.28, 841.89),
            Paper::Letter => (612.0, 792.0),
        }
    }

    /// The paper a locale name implies ("en_US.UTF-8", "es-MX", "fr_CA@euro"): Letter where the
    /// territory is the US, Canada or Mexico, A4 everywhere else and when there is none.
    pub fn for_locale(locale: &str) -> Paper {
        let name = locale.split(['.', '@']).next().unwrap_or_default();
        let territory = name.split(['_', '-']).nth(1).unwrap_or_default();
        match territory.to_ascii_uppercase().as_str() {
            "US" | "CA" | "MX" => Paper::Letter,
            _ => Paper::A4,
        }
    }

    /// The paper of the user's locale, from the variables POSIX consults for it (`LC_ALL`,
    /// then `LC_PAPER`, then `LANG`); `var` looks one up (the caller reads the environment).
    pub fn from_locale_env(var: impl Fn(&str) -> Option<String>) -> Paper {
        ["LC_ALL", "LC_PAPER", "LANG"]
            .iter()
            .find_map(|name| var(name).filter(|v| !v.is_empty()))
            .map_or(Paper::A4, |locale| Paper::for_locale(&locale))
    }

    /// Its name as the command line spells it.
    pub fn key(self) -> &'static str {
        match self {
            Paper::A4 => "a4",
            Paper::Letter => "letter",
        }
    }
}

/// How a PDF is made: the paper, and the moment it is generated (printed on every page; passed
/// in, the library never reads the clock).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PdfOptions {
    /// The paper size.
    pub paper: Paper,
    /// When the summary is generated (local time).
    pub generated: NaiveDateTime,
}

const MARGIN: f32 = 40.0;
const FOOTER: f32 = 14.0;
const BODY: f32 = 9.0;
const SMALL: f32 = 7.4;
const HEADING: f32 = 11.5;
const TITLE: f32 = 17.0;
const LEADING: f32 = 1.26;
const CELL_PAD: f32 = 2.2;

const INK: (u8, u8, u8) = (26, 26, 26);
const MUTED: (u8, u8, u8) = (105, 105, 105);
const RULE: (u8, u8, u8) = (215, 215, 215);
const HEAD_FILL: (u8, u8, u8) = (240, 243, 247);
const GOOD: (u8, u8, u8) = (22, 110, 60);
const BAD: (u8, u8, u8) = (170, 30, 30);

/// The faces a text is set in, for measuring it: the embedded face first, then the system's
/// fonts for the characters it lacks ([`fonts::fallbacks`]); each character is set in the
/// first face that has it. Widths are those of the text shaped as krilla shapes it
/// (rustybuzz), so Arabic's joined letters and Latin's kerning measure what is drawn.
struct Metrics {
    faces: Vec<(rustybuzz::Face<'static>, f32)>,
}

impl Metrics {
    fn new(data: &'static [u8], fallbacks: &[Fallback]) -> Result<Self, ReportError> {
        let face = rustybuzz::Face::from_slice(data, 0)
            .ok_or_else(|| ReportError::Write("the embedded font does not load".into()))?;
        let mut faces = vec![face];
        // a system font that does not parse is left out: its characters show as empty boxes
        faces.extend(
            fallbacks
                .iter()
                .filter_map(|f| rustybuzz::Face::from_slice(f.data, f.index)),
        );
        let faces = faces
            .into_iter()
            .map(|f| {
                let per_em = f.units_per_em().max(1) as f32;
                (f, per_em)
            })
            .collect();
        Ok(Metrics { faces })
    }

    /// The face `c` is set in: the first that has it, else the embedded one (its empty box).
    fn face_of(&self, c: char) -> usize {
        self.faces
            .iter()
            .position(|(f, _)| f.glyph_index(c).is_some())
            .unwrap_or(0)
    }

    /// The width of `text` (one line) at `size`: each run shaped in its face and direction.
    fn width(&self, text: &str, size: f32) -> f32 {
        self.runs_shown(text)
            .into_iter()
            .map(|(face, run, rtl)| {
                let Some((face, per_em)) = self.faces.get(face) else {
                    return 0.0;
                };
                let mut buffer = rustybuzz::UnicodeBuffer::new();
                buffer.push_str(run);
                buffer.guess_segment_properties();
                buffer.set_direction(if rtl {
                    rustybuzz::Direction::RightToLeft
                } else {
                    rustybuzz::Direction::LeftToRight
                });
                let shaped = rustybuzz::shape(face, &[], buffer);
                let units: i64 = shaped
                    .glyph_positions()
                    .iter()
                    .map(|p| i64::from(p.x_advance))
                    .sum();
                units as f32 * size / per_em
            })
            .sum()
    }

    /// `text` (one line) in the order it shows, left to right: the runs of one direction in
    /// the order the Unicode bidi algorithm puts them, each cut where its face changes (the
    /// pieces of a right-to-left run from its end), with its face and whether it reads right
    /// to left. "Partner: شركة" shows its Arabic word to the right of "Partner:", its letters
    /// from the right.
    fn runs_shown<'t>(&self, text: &'t str) -> Vec<(usize, &'t str, bool)> {
        let info = unicode_bidi::BidiInfo::new(text, None);
        let mut shown = Vec::new();
        for para in &info.paragraphs {
            let (levels, runs) = info.visual_runs(para, para.range.clone());
            for run in runs {
                let rtl = levels.get(run.start).is_some_and(|l| l.is_rtl());
                let Some(piece) = text.get(run) else { continue };
                let mut faces = self.runs(piece);
                if rtl {
                    faces.reverse();
                }
                shown.extend(faces.into_iter().map(|(face, t)| (face, t, rtl)));
            }
        }
        shown
    }

    /// `text` cut where its face changes: each run with the index of its face.
    fn runs<'t>(&self, text: &'t str) -> Vec<(usize, &'t str)> {
        let mut runs: Vec<(usize, &'t str)> = Vec::new();
        let mut start = 0;
        let mut current = None;
        for (at, c) in text.char_indices() {
            let face = self.face_of(c);
            match current {
                Some(f) if f != face => {
                    runs.push((f, &text[start..at]));
                    start = at;
                    current = Some(face);
                }
                None => current = Some(face),
                _ => {}
            }
        }
        if let Some(f) = current {
            runs.push((f, &text[start..]));
        }
        runs
    }
}

/// A piece placed on a page (y grows downwards; text at its baseline).
#[derive(Debug, Clone, PartialEq)]
enum Piece {
    Text {
        x: f32,
        y: f32,
        size: f32,
        bold: bool,
        colour: (u8, u8, u8),
        text: String,
    },
    Line {
        x1: f32,
        x2: f32,
        y: f32,
        width: f32,
        colour: (u8, u8, u8),
    },
    Fill {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        colour: (u8, u8, u8),
    },
    Chart {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        index: usize,
    },
}

/// One word (or run without spaces) of a paragraph, with its style.
#[derive(Debug, Clone)]
struct Word {
    text: String,
    bold: bool,
}

struct Layout {
    regular: Metrics,
    bold: Metrics,
    /// The system's fonts the text needs beside the embedded ones (faces 1.. of the metrics).
    fallbacks: Vec<Fallback>,
    page_w: f32,
    page_h: f32,
    pages: Vec<Vec<Piece>>,
    y: f32,
}

impl Layout {
    fn left(&self) -> f32 {
        MARGIN
    }

    fn width(&self) -> f32 {
        self.page_w - 2.0 * MARGIN
    }

    fn bottom(&self) -> f32 {
        self.page_h - MARGIN - FOOTER
    }

    fn metrics(&self, bold: bool) -> &Metrics {
        if bold { &self.bold } else { &self.regular }
    }

    fn measure(&self, text: &str, size: f32, bold: bool) -> f32 {
        self.metrics(bold).width(text, size)
    }

    fn put(&mut self, piece: Piece) {
        if let Some(page) = self.pages.last_mut() {
            page.push(piece);
        }
    }

    fn new_page(&mut self) {
        self.pages.push(Vec::new());
        self.y = MARGIN;
    }

    /// Start a new page unless `height` more fits on this one.
    fn need(&mut self, height: f32) {
        if self.y + height > self.bottom() && self.y > MARGIN {
            self.new_page();
        }
    }

    fn text(&mut self, x: f32, size: f32, bold: bool, colour: (u8, u8, u8), text: String) {
        let y = self.y + size;
        self.put(Piece::Text {
            x,
            y,
            size,
            bold,
            colour,
            text,
        });
    }

    /// Break `words` into lines no wider than `width` (a word wider than a line is cut).
    fn lines(&self, words: &[Word], size: f32, width: f32) -> Vec<Vec<Word>> {
        let space = self.measure(" ", size, false);
        let mut lines: Vec<Vec<Word>> = vec![Vec::new()];
        let mut used = 0.0;
        for word in words {
            let mut rest = word.text.as_str();
            loop {
                // a word longer than any line is cut without measuring all of it each time
                // (a crafted name of 100,000 letters would take minutes, line after line)
                let w = if rest.len() > LONGEST_WORD {
                    f32::INFINITY
                } else {
                    self.measure(rest, size, word.bold)
                };
                let line_empty = lines.last().is_none_or(Vec::is_empty);
                let gap = if line_empty { 0.0 } else { space };
                if used + gap + w <= width {
                    used += gap + w;
                    if let Some(line) = lines.last_mut() {
                        line.push(Word {
                            text: rest.to_string(),
                            bold: word.bold,
                        });
                    }
                    break;
                }
                if !line_empty {
                    lines.push(Vec::new());
                    used = 0.0;
                    continue;
                }
                // alone on its line and still too wide: cut it where it stops fitting, after
                // its last hyphen, underscore or slash there when one comes past a third of the
                // line ("marketplace-2026-02-to-" / "06.csv", not "…-0" / "6.csv")
                let mut cut = 0;
                let mut taken = 0.0;
                let mut after_mark: Option<(usize, f32)> = None;
                for (i, c) in rest.char_indices() {
                    let cw = self.measure(c.encode_utf8(&mut [0; 4]), size, word.bold);
                    if taken + cw > width && i > 0 {
                        if let Some(mark) = after_mark.filter(|&(_, w)| w > width / 3.0) {
                            (cut, taken) = mark;
                        }
                        break;
                    }
                    taken += cw;
                    cut = i + c.len_utf8();
                    if matches!(c, '-' | '_' | '/' | '\\') {
                        after_mark = Some((cut, taken));
                    }
                }
                let (head, tail) = rest.split_at(cut);
                if let Some(line) = lines.last_mut() {
                    line.push(Word {
                        text: head.to_string(),
                        bold: word.bold,
                    });
                }
                if tail.is_empty() {
                    used = taken;
                    break;
                }
                lines.push(Vec::new());
                used = 0.0;
                rest = tail;
            }
        }
        lines.retain(|l| !l.is_empty());
        lines
    }

    /// Lay out one wrapped line of words at `x`, merging runs of the same weight; `more` when
    /// the text goes on on the next line (the line then ends with its space, so that copied or
    /// extracted text keeps its words apart).
    fn line(&mut self, x: f32, size: f32, colour: (u8, u8, u8), line: &[Word], more: bool) {
        let mut runs: Vec<(bool, String)> = Vec::new();
        for word in line {
            match runs.last_mut() {
                Some((bold, text)) if *bold == word.bold => {
                    text.push(' ');
                    text.push_str(&word.text);
                }
                Some((_, text)) => {
                    text.push(' ');
                    runs.push((word.bold, word.text.clone()));
                }
                None => runs.push((word.bold, word.text.clone())),
            }
        }
        if more && let Some((_, text)) = runs.last_mut() {
            text.push(' ');
        }
        let mut at = x;
        for (bold, text) in runs {
            let w = self.measure(&text, size, bold);
            self.text(at, size, bold, colour, text);
            at += w;
        }
    }

    fn paragraph(&mut self, words: &[Word], size: f32, indent: f32, colour: (u8, u8, u8)) {
        let lines = self.lines(words, size, self.width() - indent);
        let step = size * LEADING;
        let count = lines.len();
        for (i, line) in lines.iter().enumerate() {
            self.need(step);
            self.line(self.left() + indent, size, colour, line, i + 1 < count);
            self.y += step;
        }
    }

    /// About how tall `block` is laid out (tables' rows taken as one line each): what a
    /// heading keeps with it.
    fn height_of(&self, block: &Block) -> f32 {
        let step = BODY * LEADING;
        let lines = |spans: &[Span], indent: f32| {
            self.lines(&words_of(spans), BODY, self.width() - indent)
                .len() as f32
        };
        match block {
            Block::Heading(_) => HEADING * 2.5,
            Block::Paragraph(spans) => lines(spans, 0.0) * step + BODY * 0.45,
            Block::List { label, items } => {
                let items: f32 = items
                    .iter()
                    .take(LIST_ITEMS + 1)
                    .map(|i| lines(&[Span::Text(i.clone())], 14.0) * step + BODY * 0.05)
                    .sum();
                f32::from(u8::from(label.is_some())) * step + items + BODY * 0.3
            }
            Block::Table { rows, total, .. } => {
                let count = rows.len() + 1 + usize::from(total.is_some());
                count as f32 * (SMALL * LEADING + CELL_PAD) + BODY * 0.5
            }
            Block::Chart => {
                let w = (self.width() - 12.0 * (CHARTS - 1) as f32) / CHARTS as f32;
                w * CHART_H as f32 / CHART_W as f32 + 6.0
            }
        }
    }

    /// A heading, kept on one page with what follows it up to the next heading when that is
    /// at most a quarter of a page, else with that much of it (a section is not begun in the
    /// last lines of a page, nor a short one split).
    fn heading(&mut self, text: &str, section: f32) {
        let page = self.bottom() - MARGIN;
        let keep = section.min(page / 4.0).max(2.0 * BODY * LEADING);
        self.need(HEADING * 2.15 + keep);
        if self.y > MARGIN {
            self.y += HEADING * 0.5;
        }
        self.text(self.left(), HEADING, true, INK, clean(text));
        self.y += HEADING * 1.25;
        let (x1, x2) = (self.left(), self.left() + self.width());
        self.put(Piece::Line {
            x1,
            x2,
            y: self.y,
            width: 0.6,
            colour: RULE,
        });
        self.y += HEADING * 0.4;
    }

    fn list(&mut self, label: Option<&str>, items: &[String]) {
        if let Some(label) = label {
            self.need(BODY * LEADING * 2.0);
            self.paragraph(
                &words_of(&[Span::Strong(label.to_string())]),
                BODY,
                0.0,
                INK,
            );
        }
        let shown = items.len().min(LIST_ITEMS);
        for item in &items[..shown] {
            let words = words_of(&[Span::Text(item.clone())]);
            // an item on one page (one longer than a page starts where it is)
            let lines = self.lines(&words, BODY, self.width() - 14.0).len() as f32;
            self.need((lines * BODY * LEADING).min(self.bottom() - MARGIN));
            self.text(self.left() + 4.0, BODY, false, MUTED, "•".into());
            self.paragraph(&words, BODY, 14.0, INK);
            self.y += BODY * 0.05;
        }
        if items.len() > shown {
            let more = more_items(items.len() - shown);
            self.paragraph(&words_of(&[Span::Text(more)]), BODY, 14.0, MUTED);
        }
        self.y += BODY * 0.3;
    }

    /// Column widths: numbers keep their natural width; text columns share the rest.
    fn widths(&self, header: &[(String, bool)], rows: &[&Vec<String>]) -> Vec<f32> {
        let natural: Vec<f32> = header
            .iter()
            .enumerate()
            .map(|(i, (title, _))| {
                let cells = rows
                    .iter()
                    .filter_map(|r| r.get(i))
                    .map(|c| self.measure(&clean(c), SMALL, false))
                    .fold(0.0, f32::max);
                // a point of slack: a figure must never wrap on rounding
                cells.max(self.measure(title, SMALL, true)) + 2.0 * CELL_PAD + 1.0
            })
            .collect();
        let total: f32 = natural.iter().sum();
        let avail = self.width();
        let text: f32 = header
            .iter()
            .zip(&natural)
            .filter(|((_, numeric), _)| !numeric)
            .map(|(_, w)| w)
            .sum();
        if total <= avail {
            // the spare width goes to the text columns (or to all when there are none)
            let spare = avail - total;
            let share = if text > 0.0 { text } else { total };
            return header
                .iter()
                .zip(&natural)
                .map(|((_, numeric), w)| {
                    if *numeric && text > 0.0 {
                        *w
                    } else {
                        w + spare * w / share
                    }
                })
                .collect();
        }
        // too wide: the widest text columns give way first (they wrap), down to a common cap
        let numbers = total - text;
        let room = (avail - numbers).max(avail * 0.3);
        let mut texts: Vec<f32> = header
            .iter()
            .zip(&natural)
            .filter(|((_, numeric), _)| !numeric)
            .map(|(_, w)| *w)
            .collect();
        texts.sort_by(f32::total_cmp);
        let mut cap = room / texts.len().max(1) as f32;
        let mut below = 0.0;
        for (i, w) in texts.iter().enumerate() {
            let rest = (texts.len() - i) as f32;
            if below + w * rest > room {
                cap = (room - below) / rest;
                break;
            }
            below += w;
            cap = *w;
        }
        let numbers_scale = ((avail - room) / numbers.max(1.0)).min(1.0);
        header
            .iter()
            .zip(&natural)
            .map(|((_, numeric), w)| {
                if *numeric {
                    w * numbers_scale
                } else {
                    w.min(cap)
                }
            })
            .collect()
    }

    fn row(&mut self, cells: &[String], header: &[(String, bool)], widths: &[f32], kind: RowKind) {
        let bold = !matches!(kind, RowKind::Body);
        let step = SMALL * LEADING;
        let wrapped: Vec<Vec<Vec<Word>>> = cells
            .iter()
            .zip(widths)
            .map(|(c, w)| {
                let words: Vec<Word> = clean(c)
                    .split(' ')
                    .filter(|w| !w.is_empty())
                    .map(|t| Word {
                        text: t.to_string(),
                        bold,
                    })
                    .collect();
                self.lines(&words, SMALL, (w - 2.0 * CELL_PAD).max(10.0))
            })
            .collect();
        let count = wrapped.iter().map(Vec::len).max().unwrap_or(1).max(1);
        let height = count as f32 * step + CELL_PAD;
        let top = self.y;
        if matches!(kind, RowKind::Header) {
            self.put(Piece::Fill {
                x: self.left(),
                y: top,
                w: self.width(),
                h: height,
                colour: HEAD_FILL,
            });
        }
        let mut x = self.left();
        for (((lines, w), (_, numeric)), cell) in wrapped.iter().zip(widths).zip(header).zip(cells)
        {
            let colour = status_colour(cell).unwrap_or(INK);
            for (i, line) in lines.iter().enumerate() {
                let mut text = line
                    .iter()
                    .map(|w| w.text.as_str())
                    .collect::<Vec<_>>()
                    .join(" ");
                let tw = self.measure(&text, SMALL, bold);
                if i + 1 < lines.len() {
                    text.push(' ');
                }
                let at = if *numeric {
                    x + w - CELL_PAD - tw
                } else {
                    x + CELL_PAD
                };
                self.y = top + CELL_PAD * 0.5 + i as f32 * step;
                self.text(at, SMALL, bold, colour, text);
            }
            x += w;
        }
        self.y = top + height;
        let (x1, x2) = (self.left(), self.left() + self.width());
        self.put(Piece::Line {
            x1,
            x2,
            y: self.y,
            width: if matches!(kind, RowKind::Body) {
                0.4
            } else {
                0.7
            },
            colour: RULE,
        });
    }

    fn table(
        &mut self,
        columns: &[(String, bool)],
        rows: &[Vec<String>],
        total: Option<&[String]>,
    ) {
        let all: Vec<&Vec<String>> = rows.iter().collect();
        let mut measured = all.clone();
        let total_row = total.map(<[String]>::to_vec);
        if let Some(t) = &total_row {
            measured.push(t);
        }
        let widths = self.widths(columns, &measured);
        let titles: Vec<String> = columns.iter().map(|(t, _)| t.clone()).collect();
        let row_h = SMALL * LEADING + CELL_PAD;
        self.need(row_h * 3.0);
        self.row(&titles, columns, &widths, RowKind::Header);
        let last = rows.len().saturating_sub(1);
        for (i, row) in rows.iter().enumerate() {
            // the total row not alone on a page: the last row goes over with it
            let keep = if i == last && total_row.is_some() {
                2.0
            } else {
                1.0
            };
            if self.y + row_h * keep > self.bottom() {
                self.new_page();
                self.row(&titles, columns, &widths, RowKind::Header);
            }
            self.row(row, columns, &widths, RowKind::Body);
        }
        if let Some(t) = &total_row {
            self.need(row_h);
            self.row(t, columns, &widths, RowKind::Total);
        }
        self.y += BODY * 0.5;
    }

    /// The charts side by side, the full width between them.
    fn charts(&mut self, count: usize, aspect: f32) {
        let gap = 12.0;
        let w = (self.width() - gap * (count.saturating_sub(1)) as f32) / count.max(1) as f32;
        let h = w * aspect;
        self.need(h + 6.0);
        for index in 0..count {
            self.put(Piece::Chart {
                x: self.left() + index as f32 * (w + gap),
                y: self.y,
                w,
                h,
                index,
            });
        }
        self.y += h + 6.0;
    }
}

#[derive(Clone, Copy)]
enum RowKind {
    Header,
    Body,
    Total,
}

/// A status cell's colour: green when met, red when not.
fn status_colour(cell: &str) -> Option<(u8, u8, u8)> {
    if cell.starts_with('✔') {
        Some(GOOD)
    } else if cell.starts_with('✘') {
        Some(BAD)
    } else {
        None
    }
}

/// Imported text made printable: control characters (newlines, NUL) become spaces.
fn clean(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

fn words_of(spans: &[Span]) -> Vec<Word> {
    spans
        .iter()
        .flat_map(|span| {
            let (text, bold) = match span {
                Span::Text(t) => (t, false),
                Span::Strong(t) => (t, true),
            };
            clean(text)
                .split(' ')
                .filter(|w| !w.is_empty())
                .map(|w| Word {
                    text: w.to_string(),
                    bold,
                })
                .collect::<Vec<_>>()
        })
        .collect()
}

/// Bytes of a word past which it is taken as wider than any line without being measured
/// whole (a line of the page holds about 150 of the narrowest letters at the smallest size).
const LONGEST_WORD: usize = 1024;

/// How many charts the PDF shows side by side: cumulative KPI units and revenue
/// ([`chart::pair`], the SVG the HTML shows, drawn at a size whose labels read at print size).
const CHARTS: usize = 2;
const CHART_W: u32 = 440;
// tall enough for a plot of about 105 of its 240 px under the title and above a legend of
// two rows (about 2 cm on paper)
const CHART_H: u32 = 240;
/// The characters of the title shown (a longer partner's name is cut, marked "…").
const TITLE_CHARS: usize = 200;

/// Lay the summary out in pages.
fn layout(input: &ReportInput<'_>, options: &PdfOptions) -> Result<Layout, ReportError> {
    let (page_w, page_h) = options.paper.size();
    let doc = document(input);
    // the system's fonts for what DejaVu Sans cannot draw (a partner's name in Japanese)
    let fallbacks: Vec<Fallback> = fonts::fallbacks(&doc.texts().collect::<String>())
        .into_iter()
        .filter(|f| rustybuzz::Face::from_slice(f.data, f.index).is_some())
        .collect();
    let mut l = Layout {
        regular: Metrics::new(fonts::DEJAVU, &fallbacks)?,
        bold: Metrics::new(BOLD_FONT_DATA, &fallbacks)?,
        fallbacks,
        page_w,
        page_h,
        pages: vec![Vec::new()],
        y: MARGIN,
    };
    // a partner's name of any length keeps the title above the first page's foot: past 200
    // characters it is cut, marked "…" (the other formats give it whole)
    let shown: String = if doc.title.chars().count() > TITLE_CHARS {
        doc.title.chars().take(TITLE_CHARS).chain(['…']).collect()
    } else {
        doc.title.clone()
    };
    let title = words_of(&[Span::Strong(shown)]);
    let lines = l.lines(&title, TITLE, l.width());
    let count = lines.len();
    for (i, line) in lines.iter().enumerate() {
        l.line(l.left(), TITLE, INK, line, i + 1 < count);
        l.y += TITLE * 1.25;
    }
    l.y += 2.0;
    for (i, block) in doc.blocks.iter().enumerate() {
        match block {
            Block::Heading(h) => {
                // what follows, up to the next heading
                let section: f32 = doc.blocks[i + 1..]
                    .iter()
                    .take_while(|b| !matches!(b, Block::Heading(_)))
                    .map(|b| l.height_of(b))
                    .sum();
                l.heading(h, section);
            }
            Block::Paragraph(spans) => {
                l.paragraph(&words_of(spans), BODY, 0.0, INK);
                l.y += BODY * 0.45;
            }
            Block::List { label, items } => l.list(label.as_deref(), items),
            Block::Table {
                columns,
                rows,
                total,
            } => {
                let columns: Vec<(String, bool)> = columns
                    .iter()
                    .map(|c| (c.title.clone(), c.numeric))
                    .collect();
                l.table(&columns, rows, total.as_deref());
            }
            Block::Chart => {
                l.charts(CHARTS, CHART_H as f32 / CHART_W as f32);
            }
        }
    }

    // the footer of every page: when and from what, and the page number
    let count = l.pages.len();
    let generated = format!(
        "Generated by lpkpi on {} · figures as of {}",
        options.generated.format("%Y-%m-%d %H:%M"),
        input.eval.as_of
    );
    let y = page_h - MARGIN - FOOTER + 14.0;
    for (i, page) in l.pages.iter_mut().enumerate() {
        let number = format!("Page {} of {count}", i + 1);
        let number_w = l.regular.width(&number, SMALL);
        page.push(Piece::Line {
            x1: MARGIN,
            x2: page_w - MARGIN,
            y,
            width: 0.5,
            colour: RULE,
        });
        page.push(Piece::Text {
            x: MARGIN,
            y: y + 4.0 + SMALL,
            size: SMALL,
            bold: false,
            colour: MUTED,
            text: generated.clone(),
        });
        page.push(Piece::Text {
            x: page_w - MARGIN - number_w,
            y: y + 4.0 + SMALL,
            size: SMALL,
            bold: false,
            colour: MUTED,
            text: number,
        });
    }
    Ok(l)
}

fn colour((r, g, b): (u8, u8, u8)) -> krilla::paint::Paint {
    rgb::Color::new(r, g, b).into()
}

/// The summary as PDF bytes.
pub fn render(input: &ReportInput<'_>, options: &PdfOptions) -> Result<Vec<u8>, ReportError> {
    let layout = layout(input, options)?;
    // side by side, their months lined up
    let trees = chart::pair(input.eval, input.partner, CHART_W, CHART_H)
        .iter()
        .map(|svg| chart::tree(svg))
        .collect::<Result<Vec<_>, _>>()?;
    let regular = Font::new(fonts::DEJAVU.into(), 0)
        .ok_or_else(|| ReportError::Write("the embedded font does not load".into()))?;
    let bold = Font::new(BOLD_FONT_DATA.into(), 0)
        .ok_or_else(|| ReportError::Write("the embedded bold font does not load".into()))?;
    // the faces of the metrics' chains, after the embedded one: a system font krilla cannot
    // load is drawn with the embedded font (its empty boxes)
    let system: Vec<Option<Font>> = layout
        .fallbacks
        .iter()
        .map(|f| Font::new(f.data.into(), f.index))
        .collect();
    let size = PageSettings::from_wh(layout.page_w, layout.page_h)
        .ok_or_else(|| ReportError::Write("the paper size is not valid".into()))?;

    let mut pdf = krilla::Document::new();
    for pieces in &layout.pages {
        let mut page = pdf.start_page_with(size.clone());
        let mut surface = page.surface();
        for piece in pieces {
            match piece {
                Piece::Text {
                    x,
                    y,
                    size,
                    bold: strong,
                    colour: c,
                    text,
                } => {
                    surface.set_stroke(None);
                    surface.set_fill(Some(Fill {
                        paint: colour(*c),
                        ..Fill::default()
                    }));
                    let (embedded, metrics) = if *strong {
                        (&bold, &layout.bold)
                    } else {
                        (&regular, &layout.regular)
                    };
                    // each run in its direction and face, left to right as they show
                    let mut at = *x;
                    for (face, run, rtl) in metrics.runs_shown(text) {
                        let font = face
                            .checked_sub(1)
                            .and_then(|i| system.get(i).cloned().flatten())
                            .unwrap_or_else(|| embedded.clone());
                        let direction = if rtl {
                            TextDirection::RightToLeft
                        } else {
                            TextDirection::LeftToRight
                        };
                        surface.draw_text(
                            Point::from_xy(at, *y),
                            font,
                            *size,
                            run,
                            false,
                            direction,
                        );
                        at += metrics.width(run, *size);
                    }
                }
                Piece::Line {
                    x1,
                    x2,
                    y,
                    width,
                    colour: c,
                } => {
                    let mut path = PathBuilder::new();
                    path.move_to(*x1, *y);
                    path.line_to(*x2, *y);
                    if let Some(path) = path.finish() {
                        surface.set_fill(None);
                        surface.set_stroke(Some(Stroke {
                            paint: colour(*c),
                            width: *width,
                            ..Stroke::default()
                        }));
                        surface.draw_path(&path);
                    }
                }
                Piece::Fill {
                    x,
                    y,
                    w,
                    h,
                    colour: c,
                } => {
                    let mut path = PathBuilder::new();
                    if let Some(rect) = Rect::from_xywh(*x, *y, *w, *h) {
                        path.push_rect(rect);
                    }
                    if let Some(path) = path.finish() {
                        surface.set_stroke(None);
                        surface.set_fill(Some(Fill {
                            paint: colour(*c),
                            opacity: NormalizedF32::ONE,
                            ..Fill::default()
                        }));
                        surface.draw_path(&path);
                    }
                }
                Piece::Chart { x, y, w, h, index } => {
                    let Some(tree) = trees.get(*index) else {
                        continue;
                    };
                    if let Some(size) = Size::from_wh(*w, *h) {
                        surface.push_transform(&krilla::geom::Transform::from_translate(*x, *y));
                        surface.draw_svg(tree, size, SvgSettings::default());
                        surface.pop();
                    }
                }
            }
        }
        surface.finish();
        page.finish();
    }
    let g = options.generated;
    let date = DateTime::new(u16::try_from(g.year()).unwrap_or(2000))
        .month(g.month() as u8)
        .day(g.day() as u8)
        .hour(g.hour() as u8)
        .minute(g.minute() as u8)
        .second(g.second() as u8);
    let title = document(input).title;
    pdf.set_metadata(
        Metadata::new()
            .title(title)
            .creator("lpkpi".into())
            .language("en".into())
            .creation_date(date),
    );
    Ok(pdf.finish()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn right_to_left_runs_show_in_their_order() {
        let m = Metrics::new(fonts::DEJAVU, &[]).unwrap();
        let shown = |text: &str| -> Vec<(String, bool)> {
            m.runs_shown(text)
                .into_iter()
                .map(|(_, t, rtl)| (t.to_string(), rtl))
                .collect()
        };
        assert_eq!(
            shown("Northwind Learning"),
            vec![("Northwind Learning".into(), false)]
        );
        // an Arabic name after English words: right of them, read from the right
        assert_eq!(
            shown("Renewal readiness: شركة التدريب"),
            vec![
                ("Renewal readiness: ".into(), false),
                ("شركة التدريب".into(), true)
            ]
        );
        // a Hebrew line with a number in it: its words swap places, the number reads left to
        // right between them (each space goes with the word it follows, as read)
        assert_eq!(
            shown("שלום 2027 עולם"),
            vec![
                (" עולם".into(), true),
                ("2027".into(), false),
                ("שלום ".into(), true)
            ]
        );
        assert!(m.runs_shown("").is_empty());
        // measured as drawn: joined Arabic letters are narrower than the letters alone, so the
        // words after them follow without a gap
        let arabic = "شركة التدريب";
        let (face, per_em) = &m.faces[0];
        let alone: f32 = arabic
            .chars()
            .map(|c| {
                let g = face.glyph_index(c).unwrap_or(ttf_parser::GlyphId(0));
                f32::from(face.glyph_hor_advance(g).unwrap_or(0)) * 10.0 / per_em
            })
            .sum();
        let shaped = m.width(arabic, 10.0);
        assert!(
            shaped > 0.0 && shaped < alone * 0.9,
            "{shaped} against {alone}"
        );
        assert!((m.width("Northwind", 10.0) - m.width("Northwind", 20.0) / 2.0).abs() < 0.01);
    }

    /// The bundled demo, the partner named `name`, evaluated as of 2026-11-26, and the A4
    /// options of its summary.
    fn demo_named(
        name: &str,
    ) -> (
        crate::workspace::Workspace,
        crate::workspace::session::Session,
        crate::workspace::session::Outcome,
        PdfOptions,
    ) {
        let bytes =
            std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/assets/demo/demo.ron")).unwrap();
        let mut ws = crate::workspace::file::parse(&bytes, "demo.ron").unwrap();
        ws.partner.name = name.into();
        let session = crate::workspace::session::Session::new(&ws).unwrap();
        let as_of = chrono::NaiveDate::from_ymd_opt(2026, 11, 26).unwrap();
        let out = session.evaluate(&ws, ws.partner.anniversary.unwrap(), as_of, None);
        let options = PdfOptions {
            paper: Paper::A4,
            generated: as_of.and_hms_opt(9, 0, 0).unwrap(),
        };
        (ws, session, out, options)
    }

    /// A partner's name of any length leaves the title a few lines, cut and marked, above the
    /// first page's foot (200,000 letters ran over its footer and page number).
    #[test]
    fn a_very_long_name_is_cut_in_the_title() {
        let (ws, session, out, options) = demo_named(&"Northwind Learning Partner ".repeat(8000));
        let l = layout(&ReportInput::of(&ws, &session, &out), &options).unwrap();
        let title: Vec<&String> = l.pages[0]
            .iter()
            .filter_map(|p| match p {
                Piece::Text { text, .. } if text.contains("Northwind") => Some(text),
                _ => None,
            })
            .collect();
        assert!((2..=6).contains(&title.len()), "{} lines", title.len());
        assert!(title.last().is_some_and(|t| t.ends_with('…')), "{title:?}");
    }

    /// Needs a system font with Japanese glyphs (`.ci/run` installs Debian's
    /// fonts-droid-fallback).
    #[test]
    fn a_japanese_name_is_set_in_a_system_font_that_has_it() {
        let name = "株式会社ノースウィンド";
        let (mut ws, session, out, options) = demo_named(name);
        let input = ReportInput::of(&ws, &session, &out);
        let l = layout(&input, &options).unwrap();
        assert!(
            !l.fallbacks.is_empty(),
            "no system font has Japanese glyphs: install one (Debian: fonts-droid-fallback)"
        );
        // the title: its English words in DejaVu Sans Bold, the name in the system's font
        let title = l.pages[0]
            .iter()
            .find_map(|p| match p {
                Piece::Text { text, .. } if text.contains(name) => Some(text.clone()),
                _ => None,
            })
            .unwrap();
        let runs = l.bold.runs(&title);
        let whole: String = runs.iter().map(|(_, run)| *run).collect();
        assert_eq!(whole, title, "nothing lost in the runs");
        assert!(runs.contains(&(0, "Renewal readiness: ")), "{runs:?}");
        assert!(runs.contains(&(1, name)), "{runs:?}");
        assert!(l.bold.width(name, 20.0) > 0.0);
        // krilla takes the font, and the summary is written with it
        let f = l.fallbacks[0];
        assert!(Font::new(f.data.into(), f.index).is_some(), "{f:?}");
        assert!(!render(&input, &options).unwrap().is_empty());
        // an English name needs none
        ws.partner.name = "Northwind Learning".into();
        let input = ReportInput::of(&ws, &session, &out);
        let plain = layout(&input, &options).unwrap();
        assert!(plain.fallbacks.is_empty() && plain.regular.faces.len() == 1);
        assert!(!render(&input, &options).unwrap().is_empty());
    }

    #[test]
    fn paper_follows_the_territory() {
        for (locale, paper) in [
            ("en_US.UTF-8", Paper::Letter),
            ("es-MX", Paper::Letter),
            ("fr_CA@euro", Paper::Letter),
            ("en_GB.UTF-8", Paper::A4),
            ("de_DE", Paper::A4),
            ("C", Paper::A4),
            ("", Paper::A4),
            ("POSIX", Paper::A4),
        ] {
            assert_eq!(Paper::for_locale(locale), paper, "{locale}");
        }
        let env = |all: &'static str, paper: &'static str, lang: &'static str| {
            move |name: &str| {
                let v = match name {
                    "LC_ALL" => all,
                    "LC_PAPER" => paper,
                    _ => lang,
                };
                (!v.is_empty()).then(|| v.to_string())
            }
        };
        assert_eq!(Paper::from_locale_env(env("", "", "")), Paper::A4);
        assert_eq!(
            Paper::from_locale_env(env("", "", "en_US.UTF-8")),
            Paper::Letter
        );
        assert_eq!(Paper::from_locale_env(env("", "de_DE", "en_US")), Paper::A4);
        assert_eq!(
            Paper::from_locale_env(env("en_CA", "de_DE", "")),
            Paper::Letter
        );
    }

    fn layout_with(words: &str, width: f32) -> Vec<String> {
        let l = Layout {
            regular: Metrics::new(fonts::DEJAVU, &[]).unwrap(),
            bold: Metrics::new(BOLD_FONT_DATA, &[]).unwrap(),
            fallbacks: Vec::new(),
            page_w: 600.0,
            page_h: 800.0,
            pages: vec![Vec::new()],
            y: MARGIN,
        };
        l.lines(&words_of(&[Span::Text(words.into())]), BODY, width)
            .iter()
            .map(|line| {
                line.iter()
                    .map(|w| w.text.as_str())
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect()
    }

    #[test]
    fn lines_wrap_at_spaces_and_cut_what_cannot_wrap() {
        let lines = layout_with("one two three four five six seven", 60.0);
        assert!(lines.len() > 1, "{lines:?}");
        assert_eq!(lines.join(" "), "one two three four five six seven");
        let long = "x".repeat(200);
        let lines = layout_with(&long, 100.0);
        assert!(lines.len() > 2, "{lines:?}");
        assert_eq!(lines.concat(), long, "nothing lost when a word is cut");
        assert!(layout_with("", 100.0).is_empty());
        assert_eq!(layout_with("a\nb\0c", 100.0), vec!["a b c"]);
        // a file name is cut after a hyphen where one fits, not inside its last part
        let name = "marketplace-2026-02-to-06.csv";
        let lines = layout_with(name, 120.0);
        assert_eq!(lines.concat(), name);
        assert_eq!(lines, ["marketplace-2026-02-to-", "06.csv"]);
    }
}
