//! What the panels ask for. Panels never change state themselves: they push commands, and
//! `app.rs` applies them after the frame (edits through the undo stack).

use std::path::PathBuf;

use crate::profile::Field;
use crate::report::Format;
use crate::workspace::Edit;

use super::state::Panel;

/// Which kind of file a dialog picks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pick {
    /// A workspace to open.
    Open,
    /// Exports to import.
    Import,
    /// Where to save the workspace.
    SaveAs,
    /// Where to export the summary.
    Export(Format),
    /// Where to save the chart.
    ChartPng,
    /// A program profile.
    Profile,
}

impl Pick {
    /// What the typed-path prompt asks for.
    pub fn prompt(self) -> &'static str {
        match self {
            Pick::Open => "Workspace to open",
            Pick::Import => "Files to import (one per line)",
            Pick::SaveAs => "Save the workspace as",
            Pick::Export(_) => "Export the summary to",
            Pick::ChartPng => "Save the chart as",
            Pick::Profile => "Program profile to load",
        }
    }

    /// Whether several files are picked (typed one per line).
    pub fn many(self) -> bool {
        matches!(self, Pick::Import)
    }
}

/// Everything a panel can ask for.
#[derive(Debug, Clone)]
pub enum Command {
    /// A new empty workspace.
    New,
    /// Pick a file with a dialog.
    Dialog(Pick),
    /// Type a path instead of using the file dialog.
    TypePath,
    /// A typed path (or paths, one per line, for imports) for the pending pick.
    PathTyped(String),
    /// Close the path prompt.
    CancelPath,
    /// Open this workspace.
    Open(PathBuf),
    /// Save (Save As when the workspace has no file yet).
    Save,
    /// Import these files (read on a thread, then a preview).
    Import(Vec<PathBuf>),
    /// Accept the import preview.
    ConfirmImport,
    /// Drop the import preview.
    CancelImport,
    /// Stop the running job.
    CancelJob,
    /// Map a header's columns by hand: the header's cells and a field per column, then read
    /// the import again.
    MapColumns {
        /// Header cells as written.
        header: Vec<String>,
        /// The field of each column (None: ignored).
        fields: Vec<Option<Field>>,
    },
    /// Apply an edit.
    Edit(Edit),
    /// Undo the last edit.
    Undo,
    /// Redo.
    Redo,
    /// Show a panel.
    Show(Panel),
    /// Show the purchases that need review.
    ShowReview,
    /// Close a notification.
    Dismiss(usize),
    /// Use this paper for PDF exports.
    Paper(crate::report::pdf::Paper),
    /// Open a written file with the system's application for it.
    OpenFile(PathBuf),
    /// Show a written file in the system's file manager.
    ShowInFolder(PathBuf),
    /// Load the unsaved edits of an earlier session.
    AcceptRecovery,
    /// Forget them.
    DeclineRecovery,
    /// Quit (asks when there are unsaved changes).
    Quit,
    /// Quit without saving.
    QuitDiscarding,
    /// Save, then quit.
    SaveAndQuit,
    /// Keep the window open.
    CancelQuit,
    /// Save the summary's chart (SVG or PNG, by the file name picked).
    SaveChart,
    /// Load the profile at this path into the workspace.
    LoadProfile(PathBuf),
    /// Look at a row of the purchases table.
    SelectRow(Option<usize>),
}
