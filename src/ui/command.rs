//! What the panels ask for. Panels never change state themselves: they push commands, and
//! `app.rs` applies them after the frame (edits through the undo stack).

use std::path::PathBuf;

use crate::import::classify::CatalogEntry;
use crate::report::Format;
use crate::rules::capability::{Competency, Person, Trainer};
use crate::workspace::model::{DashboardMonth, Partner, PlannedPurchase, ProfileChoice, Rate};

use super::state::Panel;

/// A change to the workspace. Every edit is undoable.
#[derive(Debug, Clone)]
pub enum Edit {
    /// Partner name, ID, level, anniversary.
    Partner(Partner),
    /// The program profile.
    Profile(ProfileChoice),
    /// Add (None) or replace a trainer.
    Trainer(Option<usize>, Trainer),
    /// Remove a trainer.
    RemoveTrainer(usize),
    /// Add (None) or replace a person with exam passes.
    Person(Option<usize>, Person),
    /// Remove a person.
    RemovePerson(usize),
    /// Add (None) or replace a competency.
    Competency(Option<usize>, Competency),
    /// Remove a competency.
    RemoveCompetency(usize),
    /// Set (Some) or clear a catalog override by part number or product name.
    Catalog(String, Option<CatalogEntry>),
    /// Add (None) or replace an exchange rate.
    Rate(Option<usize>, Rate),
    /// Remove an exchange rate.
    RemoveRate(usize),
    /// Add (None) or replace a planned purchase.
    Planned(Option<usize>, PlannedPurchase),
    /// Remove a planned purchase.
    RemovePlanned(usize),
    /// Set the official dashboard's figures for a month.
    Dashboard(DashboardMonth),
}

impl Edit {
    /// Words for the log and the undo menu.
    pub fn describe(&self) -> String {
        match self {
            Edit::Partner(_) => "partner details".into(),
            Edit::Profile(_) => "program profile".into(),
            Edit::Trainer(None, t) => format!("add trainer {}", t.name),
            Edit::Trainer(Some(_), t) => format!("edit trainer {}", t.name),
            Edit::RemoveTrainer(_) => "remove trainer".into(),
            Edit::Person(None, p) => format!("add {}", p.name),
            Edit::Person(Some(_), p) => format!("edit {}", p.name),
            Edit::RemovePerson(_) => "remove person".into(),
            Edit::Competency(_, c) => format!("competency {}", c.name),
            Edit::RemoveCompetency(_) => "remove competency".into(),
            Edit::Catalog(k, Some(e)) => format!("classify {k} as {}", e.line),
            Edit::Catalog(k, None) => format!("clear the classification of {k}"),
            Edit::Rate(_, r) => format!("{} rate", r.currency),
            Edit::RemoveRate(_) => "remove rate".into(),
            Edit::Planned(_, p) => format!("planned purchase {}", p.description),
            Edit::RemovePlanned(_) => "remove planned purchase".into(),
            Edit::Dashboard(d) => format!("dashboard figures for {}", d.month.label()),
        }
    }
}

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
        /// Field key per column ("" for none).
        fields: Vec<String>,
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
    /// Save the chart (the given screen rectangle, in points) as PNG.
    SaveChart(egui::Rect),
    /// Load the profile at this path into the workspace.
    LoadProfile(PathBuf),
    /// Look at a row of the purchases table.
    SelectRow(Option<usize>),
}

use eframe::egui;
