//! The menu actions in one table, after rerun's `UICommand`: each with its text, its keyboard
//! shortcut (Ctrl on Windows and Linux, Cmd on macOS) and a line of help. The menu bar, the
//! keyboard handling and the hints elsewhere in the window all read it, so they cannot disagree.

use std::cmp::Reverse;

use eframe::egui::{self, Key, KeyboardShortcut, Modifiers};

use super::command::{Command, Pick};
use crate::report::Format;
use crate::report::pdf::{Paper, PdfOptions};

/// The PDF export as the menu asks for it; the paper chosen and the moment are set when it is
/// written.
pub const PDF: Format = Format::Pdf(PdfOptions {
    paper: Paper::A4,
    generated: chrono::NaiveDateTime::MIN,
});

/// A menu action.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// File ▸ New.
    New,
    /// File ▸ Open….
    Open,
    /// File ▸ Save.
    Save,
    /// File ▸ Save As….
    SaveAs,
    /// File ▸ Import….
    Import,
    /// File ▸ Export summary ▸ PDF.
    ExportPdf,
    /// File ▸ Export summary ▸ HTML.
    ExportHtml,
    /// File ▸ Export summary ▸ Markdown.
    ExportMarkdown,
    /// File ▸ Export summary ▸ JSON.
    ExportJson,
    /// File ▸ Export summary ▸ CSV.
    ExportCsv,
    /// File ▸ Export summary ▸ Rows to review (CSV).
    ExportReviewCsv,
    /// File ▸ Quit.
    Quit,
    /// Edit ▸ Undo.
    Undo,
    /// Edit ▸ Redo.
    Redo,
}

const fn command_key(key: Key) -> KeyboardShortcut {
    KeyboardShortcut::new(Modifiers::COMMAND, key)
}

const fn command_shift_key(key: Key) -> KeyboardShortcut {
    KeyboardShortcut::new(Modifiers::COMMAND.plus(Modifiers::SHIFT), key)
}

impl Action {
    /// Every action.
    pub const ALL: [Action; 14] = [
        Action::New,
        Action::Open,
        Action::Save,
        Action::SaveAs,
        Action::Import,
        Action::ExportPdf,
        Action::ExportHtml,
        Action::ExportMarkdown,
        Action::ExportJson,
        Action::ExportCsv,
        Action::ExportReviewCsv,
        Action::Quit,
        Action::Undo,
        Action::Redo,
    ];

    /// Its text in the menu, and a line of help (the menu item's tooltip).
    pub fn text_and_help(self) -> (&'static str, &'static str) {
        match self {
            Action::New => ("New", "Start an empty workspace"),
            Action::Open => ("Open…", "Open a workspace file (.ron)"),
            Action::Save => (
                "Save",
                "Save the workspace to its file (Save As when it has none yet)",
            ),
            Action::SaveAs => ("Save As…", "Save the workspace to another file"),
            Action::Import => (
                "Import…",
                "Read purchase exports (CSV, TSV, Excel, OpenDocument): a preview shows what would change before anything does",
            ),
            Action::ExportPdf => (
                "PDF…",
                "The renewal summary as a PDF to forward (1-2 pages, the charts as vectors), on the paper chosen below",
            ),
            Action::ExportHtml => (
                "HTML page…",
                "The renewal summary as one self-contained web page, ready to print",
            ),
            Action::ExportMarkdown => (
                "Markdown (one page)…",
                "The renewal summary as one page of Markdown",
            ),
            Action::ExportJson => ("JSON…", "The renewal report as JSON"),
            Action::ExportCsv => ("CSV (monthly table)…", "The monthly KPI table as CSV"),
            Action::ExportReviewCsv => (
                "CSV (rows to review)…",
                "Rejected rows and rows to review, with file, line and reason, as CSV",
            ),
            Action::Quit => (
                "Quit",
                "Close the window (asks first when there are unsaved changes)",
            ),
            Action::Undo => ("Undo", "Undo the last edit"),
            Action::Redo => ("Redo", "Redo the last edit undone"),
        }
    }

    /// Its text in the menu.
    pub fn text(self) -> &'static str {
        self.text_and_help().0
    }

    /// A line of help.
    pub fn help(self) -> &'static str {
        self.text_and_help().1
    }

    /// Its keyboard shortcut, if it has one.
    pub fn shortcut(self) -> Option<KeyboardShortcut> {
        match self {
            Action::New => Some(command_key(Key::N)),
            Action::Open => Some(command_key(Key::O)),
            Action::Save => Some(command_key(Key::S)),
            Action::SaveAs => Some(command_shift_key(Key::S)),
            Action::Import => Some(command_key(Key::I)),
            Action::ExportPdf => Some(command_key(Key::E)),
            Action::ExportMarkdown
            | Action::ExportHtml
            | Action::ExportJson
            | Action::ExportCsv
            | Action::ExportReviewCsv => None,
            Action::Quit => Some(command_key(Key::Q)),
            Action::Undo => Some(command_key(Key::Z)),
            Action::Redo => Some(command_shift_key(Key::Z)),
        }
    }

    /// What it asks the app to do.
    pub fn command(self) -> Command {
        match self {
            Action::New => Command::New,
            Action::Open => Command::Dialog(Pick::Open),
            Action::Save => Command::Save,
            Action::SaveAs => Command::Dialog(Pick::SaveAs),
            Action::Import => Command::Dialog(Pick::Import),
            Action::ExportPdf => Command::Dialog(Pick::Export(PDF)),
            Action::ExportHtml => Command::Dialog(Pick::Export(Format::Html)),
            Action::ExportMarkdown => Command::Dialog(Pick::Export(Format::Markdown)),
            Action::ExportJson => Command::Dialog(Pick::Export(Format::Json)),
            Action::ExportCsv => Command::Dialog(Pick::Export(Format::Csv)),
            Action::ExportReviewCsv => Command::Dialog(Pick::Export(Format::ReviewCsv)),
            Action::Quit => Command::Quit,
            Action::Undo => Command::Undo,
            Action::Redo => Command::Redo,
        }
    }
}

/// Modifiers a shortcut needs.
fn modifier_count(m: Modifiers) -> usize {
    [m.alt, m.shift, m.command || m.ctrl || m.mac_cmd]
        .into_iter()
        .filter(|&on| on)
        .count()
}

/// The shortcuts, those with more modifiers first: egui takes Ctrl+Shift+S as Ctrl+S too, so
/// Ctrl+Shift+S must be consumed before Ctrl+S is looked for.
fn by_modifiers() -> Vec<(KeyboardShortcut, Action)> {
    let mut table: Vec<_> = Action::ALL
        .into_iter()
        .filter_map(|a| Some((a.shortcut()?, a)))
        .collect();
    table.sort_by_key(|(s, _)| Reverse(modifier_count(s.modifiers)));
    table
}

/// Turn the shortcuts pressed this frame into commands.
pub fn shortcuts(ctx: &egui::Context, cmds: &mut Vec<Command>) {
    // while a text field has the keyboard, Ctrl+Z and Ctrl+Shift+Z are its own undo and redo:
    // the workspace's undo would reload the field and throw away what was typed
    let typing = ctx.egui_wants_keyboard_input();
    ctx.input_mut(|i| {
        for (shortcut, action) in by_modifiers() {
            if typing && matches!(action, Action::Undo | Action::Redo) {
                continue;
            }
            if i.consume_shortcut(&shortcut) {
                cmds.push(action.command());
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_shortcut_is_distinct() {
        let table = by_modifiers();
        for (i, (a, action_a)) in table.iter().enumerate() {
            for (b, action_b) in &table[i + 1..] {
                assert_ne!(a, b, "{action_a:?} and {action_b:?} share a shortcut");
            }
        }
    }

    #[test]
    fn no_shortcut_is_taken_by_an_earlier_one() {
        // pressing a shortcut must not trigger one looked for before it
        let table = by_modifiers();
        for (i, (pressed, action)) in table.iter().enumerate() {
            for (earlier, other) in &table[..i] {
                assert!(
                    pressed.logical_key != earlier.logical_key
                        || !pressed.modifiers.matches_logically(earlier.modifiers),
                    "pressing {action:?} would trigger {other:?}"
                );
            }
        }
    }

    #[test]
    fn every_action_is_listed_once_with_text_and_help() {
        for (i, a) in Action::ALL.iter().enumerate() {
            assert!(!Action::ALL[i + 1..].contains(a), "{a:?} twice");
            assert!(!a.text().is_empty() && !a.help().is_empty(), "{a:?}");
        }
    }
}
