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
    /// The official dashboard's monthly report, to reconcile with.
    Official,
}

impl Pick {
    /// The title of the window's file browser.
    pub fn prompt(self) -> &'static str {
        match self {
            Pick::Open => "Workspace to open",
            Pick::Import => "Files to import",
            Pick::SaveAs => "Save the workspace as",
            Pick::Export(_) => "Export the summary to",
            Pick::ChartPng => "Save the chart as",
            Pick::Profile => "Program profile to load",
            Pick::Official => "The official dashboard's report",
        }
    }

    /// Whether several files are picked.
    pub fn many(self) -> bool {
        matches!(self, Pick::Import)
    }

    /// Whether the pick names a file to write (a file name to type, an overwrite to confirm).
    pub fn saves(self) -> bool {
        matches!(self, Pick::SaveAs | Pick::Export(_) | Pick::ChartPng)
    }

    /// The kind of file picked, for the dialogs' filter.
    pub fn filter_name(self) -> &'static str {
        match self {
            Pick::Open | Pick::SaveAs => "lpkpi workspace",
            Pick::Import => "Exports",
            Pick::Export(Format::Json) => "JSON",
            Pick::Export(Format::Csv | Format::ReviewCsv) => "CSV",
            Pick::Export(Format::Markdown) => "Markdown",
            Pick::Export(Format::Html) => "HTML",
            Pick::Export(Format::Pdf(_)) => "PDF",
            Pick::ChartPng => "Images",
            Pick::Profile => "Program profile",
            Pick::Official => "Dashboard report",
        }
    }

    /// The file extensions the pick lists (lower case, without the dot); the first is added to
    /// a file name typed without one when the pick saves.
    pub fn extensions(self) -> &'static [&'static str] {
        match self {
            Pick::Open | Pick::SaveAs | Pick::Profile => &["ron"],
            Pick::Import | Pick::Official => &["csv", "txt", "tsv", "xlsx", "xls", "ods"],
            Pick::Export(Format::Json) => &["json"],
            Pick::Export(Format::Csv | Format::ReviewCsv) => &["csv"],
            Pick::Export(Format::Markdown) => &["md"],
            Pick::Export(Format::Html) => &["html", "htm"],
            Pick::Export(Format::Pdf(_)) => &["pdf"],
            Pick::ChartPng => &["png", "svg"],
        }
    }
}

/// Everything a panel can ask for.
#[derive(Debug, Clone)]
pub enum Command {
    /// A new empty workspace.
    New,
    /// Pick a file with a dialog.
    Dialog(Pick),
    /// Stop waiting for the native file dialog: pick in the window's own browser instead.
    BrowseInstead,
    /// The window's browser picked these paths for its pick.
    Chosen(Vec<PathBuf>),
    /// Close the window's browser without picking.
    CancelBrowser,
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
    /// Show Settings with the rate form filled in for this currency, its rate field focused.
    RateFor(String),
    /// Show the purchases that need review (`true`: only those that could change the
    /// figures, not those only waiting for a rate).
    ShowReview(bool),
    /// Show the purchases of one fate (the rejected rows, from the dashboard).
    ShowFate(crate::rules::figures::RowFate),
    /// Close a notification.
    Dismiss(usize),
    /// Read the official dashboard's report (on a thread), then keep its lines.
    LoadOfficial(PathBuf),
    /// Select a month of the reconciliation (None: none).
    SelectReconcileMonth(Option<crate::rules::Month>),
    /// Show the purchases of a month (a reconciliation difference's rows).
    ShowMonth(crate::rules::Month),
    /// Evaluate as of this day (None: today again).
    AsOf(Option<chrono::NaiveDate>),
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
    /// "Save changes first?": Save, then do what was asked once saved.
    UnsavedSave,
    /// "Save changes first?": Don't save, do what was asked.
    UnsavedDiscard,
    /// "Save changes first?": Cancel, keep the workspace as it is.
    UnsavedCancel,
    /// Save the summary's chart (SVG or PNG, by the file name picked).
    SaveChart,
    /// Load the profile at this path into the workspace.
    LoadProfile(PathBuf),
    /// Look at a row of the purchases table.
    SelectRow(Option<usize>),
}
