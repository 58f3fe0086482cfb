//! Asking the user: file dialogs (the desktop's own on a worker thread where it can answer, else
//! the window's browser in `file_browser.rs`), and the modals: "save changes first?", the
//! browser, and the offer to restore unsaved edits of an earlier session.
//!
//! rfd answers "no file" both for a cancel and for a desktop without a file dialog (no xdg
//! desktop portal), so whether the desktop's dialog can answer is probed once at start
//! ([`native_dialog_answers`]); a "no file" from a dialog that can answer is a cancel.

use std::path::PathBuf;
#[cfg(any(
    target_os = "linux",
    target_os = "freebsd",
    target_os = "dragonfly",
    target_os = "netbsd",
    target_os = "openbsd"
))]
use std::time::{Duration, Instant};

use eframe::egui::{self, RichText};

use super::app::LpkpiApp;
use super::command::{Command, Pick};
use super::file_browser::FileBrowser;
use super::jobs::JobError;
use super::state::{AppState, Running, UnsavedPrompt};
use crate::report::Format;

/// The status bar's words while a native file dialog is awaited.
const WAITING_FOR_THE_DIALOG: &str = "Waiting for the file dialog";

/// The status bar's words while the probe for a native file dialog runs.
const LOOKING_FOR_THE_DIALOG: &str = "Looking for the desktop's file dialog";

/// Whether the desktop's file dialog can answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum NativeDialog {
    /// The probe runs (a pick asked for meanwhile waits for it).
    Probing,
    /// It can: rfd's dialog is used, and its "no file" is a cancel.
    Answers,
    /// It cannot (or the window's browser was asked for): the window's browser is used.
    Missing,
}

/// The D-Bus clients tried, in turn, to ask the session bus for the portal's file chooser (its
/// `version` property): the first one installed answers.
#[cfg(any(
    target_os = "linux",
    target_os = "freebsd",
    target_os = "dragonfly",
    target_os = "netbsd",
    target_os = "openbsd"
))]
const PORTAL_PROBES: [&[&str]; 3] = [
    &[
        "dbus-send",
        "--session",
        "--print-reply",
        "--reply-timeout=4000",
        "--dest=org.freedesktop.portal.Desktop",
        "/org/freedesktop/portal/desktop",
        "org.freedesktop.DBus.Properties.Get",
        "string:org.freedesktop.portal.FileChooser",
        "string:version",
    ],
    &[
        "gdbus",
        "call",
        "--session",
        "--timeout",
        "4",
        "--dest",
        "org.freedesktop.portal.Desktop",
        "--object-path",
        "/org/freedesktop/portal/desktop",
        "--method",
        "org.freedesktop.DBus.Properties.Get",
        "org.freedesktop.portal.FileChooser",
        "version",
    ],
    &[
        "busctl",
        "--user",
        "--timeout=4",
        "get-property",
        "org.freedesktop.portal.Desktop",
        "/org/freedesktop/portal/desktop",
        "org.freedesktop.portal.FileChooser",
        "version",
    ],
];

/// Whether the desktop's file dialog can answer: on Linux and the BSDs, whether the session bus
/// has (or can start) `org.freedesktop.portal.Desktop` with its file chooser, asked with the
/// first D-Bus client installed (dbus-send, gdbus, busctl; a few milliseconds, at most about
/// five seconds on a stuck bus). Without a session bus there is no portal; without any client
/// to ask with, the desktop's dialog is tried (the status bar offers the browser meanwhile).
/// Runs on a worker thread.
#[cfg(any(
    target_os = "linux",
    target_os = "freebsd",
    target_os = "dragonfly",
    target_os = "netbsd",
    target_os = "openbsd"
))]
pub(super) fn native_dialog_answers() -> bool {
    let named = std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some_and(|a| !a.is_empty());
    let socket = std::env::var_os("XDG_RUNTIME_DIR")
        .is_some_and(|d| std::path::Path::new(&d).join("bus").exists());
    if !named && !socket {
        return false;
    }
    PORTAL_PROBES
        .iter()
        .find_map(|probe| ask_bus(probe))
        .unwrap_or(true)
}

/// Run one D-Bus client: Some(it succeeded), None when it is not installed. Killed after six
/// seconds (its own timeout is four).
#[cfg(any(
    target_os = "linux",
    target_os = "freebsd",
    target_os = "dragonfly",
    target_os = "netbsd",
    target_os = "openbsd"
))]
fn ask_bus(probe: &[&str]) -> Option<bool> {
    use std::process::{Command, Stdio};
    let (program, args) = probe.split_first()?;
    let mut child = Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .ok()?;
    let start = Instant::now();
    loop {
        match child.try_wait() {
            Ok(Some(status)) => return Some(status.success()),
            Ok(None) if start.elapsed() < Duration::from_secs(6) => {
                std::thread::sleep(Duration::from_millis(10));
            }
            Ok(None) | Err(_) => {
                // a bus that does not answer has no usable portal either
                let _ = child.kill();
                let _ = child.wait();
                return Some(false);
            }
        }
    }
}

/// Whether the desktop's file dialog can answer: always on Windows and macOS.
#[cfg(not(any(
    target_os = "linux",
    target_os = "freebsd",
    target_os = "dragonfly",
    target_os = "netbsd",
    target_os = "openbsd"
)))]
pub(super) fn native_dialog_answers() -> bool {
    true
}

/// `text` made fit for a file name on every system: no path separators, reserved or control
/// characters, at most 80 characters.
fn file_safe(text: &str) -> String {
    let cleaned: String = text
        .trim()
        .chars()
        .map(|c| {
            if c.is_control() || matches!(c, '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|') {
                '-'
            } else {
                c
            }
        })
        .take(80)
        .collect();
    cleaned.trim().trim_matches('.').trim().to_string()
}

/// The file name a dialog suggests for `pick`: an export names the partner and the day its
/// figures are for ("Northwind Learning renewal summary 2026-11-30.pdf"), so that the files of
/// successive months sort by date and never replace one another unasked.
fn suggested_name(pick: Pick, partner: &str, as_of: chrono::NaiveDate) -> Option<String> {
    let partner = file_safe(partner);
    let named = |what: &str, ext: &str| {
        Some(if partner.is_empty() {
            format!("{what} {as_of}.{ext}")
        } else {
            format!("{partner} {what} {as_of}.{ext}")
        })
    };
    match pick {
        Pick::SaveAs => Some(if partner.is_empty() {
            "workspace.ron".to_string()
        } else {
            format!("{partner}.ron")
        }),
        Pick::Export(Format::Pdf(_)) => named("renewal summary", "pdf"),
        Pick::Export(Format::Html) => named("renewal summary", "html"),
        Pick::Export(Format::Markdown) => named("renewal summary", "md"),
        Pick::Export(Format::Json) => named("renewal report", "json"),
        Pick::Export(Format::Csv) => named("monthly KPIs", "csv"),
        Pick::Export(Format::ReviewCsv) => named("rows to review", "csv"),
        Pick::ChartPng => named("KPI chart", "png"),
        _ => None,
    }
}

impl LpkpiApp {
    /// The folder a dialog starts in: for an import, the last import's (the exports are
    /// downloaded where they were last month); else the workspace's, else the last one a file
    /// was picked in.
    fn start_folder(&self, pick: Pick) -> Option<PathBuf> {
        let last_import = (pick == Pick::Import)
            .then(|| self.last_import_folder.clone())
            .flatten()
            .filter(|f| f.is_dir());
        // a workspace opened by a bare name is in the current folder
        last_import.or_else(|| {
            self.state
                .path
                .as_ref()
                .and_then(|p| std::path::absolute(p).ok())
                .and_then(|p| p.parent().map(PathBuf::from))
                .filter(|p| !p.as_os_str().is_empty())
                .or_else(|| self.last_folder.clone())
        })
    }

    /// Ask for a file: the desktop's dialog on a worker thread where it can answer, else the
    /// window's browser (after the probe, when it is still running).
    pub(super) fn ask_path(&mut self, pick: Pick) {
        let start = self.start_folder(pick);
        let name = suggested_name(
            pick,
            &self.state.workspace.partner.name,
            self.state.as_of_date(),
        );
        match self.native_dialog {
            NativeDialog::Missing => self.open_browser(pick, start, name),
            NativeDialog::Probing => {
                self.parked_pick = Some(pick);
                self.dialog_waits(LOOKING_FOR_THE_DIALOG);
            }
            NativeDialog::Answers => {
                self.dialog_request += 1;
                self.dialog_open = true;
                self.dialog_pick = Some((pick, start.clone(), name.clone()));
                self.dialog_waits(WAITING_FOR_THE_DIALOG);
                self.jobs.dialog(self.dialog_request, pick, start, name);
            }
        }
    }

    /// A native dialog (or the probe for one) is waited for: it is the running task shown in
    /// the status bar, with Cancel, unless another task runs (an export asked for during an
    /// import): that one keeps the progress bar and the guard against replacing the workspace.
    fn dialog_waits(&mut self, label: &str) {
        if self.state.running.is_none() {
            self.state.running = Some(Running {
                label: label.into(),
                cancellable: true,
                measured: false,
            });
        }
    }

    /// A native dialog still awaited when the task beside it ended takes the status bar again
    /// (its Cancel and "Browse in the window instead").
    pub(super) fn dialog_still_awaited(&mut self) {
        if self.parked_pick.is_some() {
            self.dialog_waits(LOOKING_FOR_THE_DIALOG);
        } else if self.dialog_open {
            self.dialog_waits(WAITING_FOR_THE_DIALOG);
        }
    }

    /// The wait for a native dialog ended: its entry in the status bar goes (another task's
    /// stays).
    fn dialog_ends(&mut self) {
        if self.waiting_for_a_dialog() {
            self.state.running = None;
        }
    }

    /// Whether the running task is the wait for a native dialog.
    fn waiting_for_a_dialog(&self) -> bool {
        self.state
            .running
            .as_ref()
            .is_some_and(|r| r.label == WAITING_FOR_THE_DIALOG || r.label == LOOKING_FOR_THE_DIALOG)
    }

    /// The probe at start answered: remember it, and show the pick asked for meanwhile.
    pub(super) fn native_dialog_probed(&mut self, answers: bool) {
        if self.native_dialog != NativeDialog::Probing {
            return;
        }
        self.native_dialog = if answers {
            NativeDialog::Answers
        } else {
            NativeDialog::Missing
        };
        if let Some(pick) = self.parked_pick.take() {
            self.dialog_ends();
            self.ask_path(pick);
        }
    }

    /// Open the window's browser for `pick`, in `start` (else the current or home folder).
    fn open_browser(&mut self, pick: Pick, start: Option<PathBuf>, name: Option<String>) {
        let home = std::env::home_dir();
        let current = std::env::current_dir().ok();
        let dir = start
            .clone()
            .or_else(|| current.clone())
            .or_else(|| home.clone())
            .unwrap_or_else(|| PathBuf::from("/"));
        let mut places: Vec<(String, PathBuf)> = Vec::new();
        let workspace = self.state.path.as_ref().and_then(|p| p.parent());
        let candidates = [
            home.map(|h| ("Home".to_string(), h)),
            workspace.map(|w| ("Workspace folder".to_string(), w.to_path_buf())),
            self.last_folder
                .clone()
                .map(|f| ("Last used".to_string(), f)),
            current.map(|c| ("Started in".to_string(), c)),
        ];
        let recent = self
            .state
            .recent
            .iter()
            .filter_map(|p| p.parent())
            .map(|f| (folder_label(f), f.to_path_buf()));
        for (label, folder) in candidates.into_iter().flatten().chain(recent) {
            if !folder.as_os_str().is_empty() && !places.iter().any(|(_, p)| *p == folder) {
                places.push((label, folder));
            }
        }
        self.state.browser = Some(FileBrowser::new(pick, dir, name, places, self.jobs.ctx()));
    }

    /// Stop waiting for the desktop's dialog (its answer is ignored) and use the window's
    /// browser for the same pick.
    pub(super) fn browse_instead(&mut self) {
        let Some((pick, start, name)) = self.dialog_pick.take() else {
            return;
        };
        self.dialog_request += 1;
        self.dialog_open = false;
        self.dialog_ends();
        self.open_browser(pick, start, name);
    }

    /// The window's browser picked `paths`.
    pub(super) fn chosen(&mut self, paths: Vec<PathBuf>) {
        if let Some(browser) = self.state.browser.take() {
            self.answer(browser.pick, Some(paths));
        }
    }

    /// The window's browser was closed without picking.
    pub(super) fn cancel_browser(&mut self) {
        if let Some(browser) = self.state.browser.take() {
            self.answer(browser.pick, None);
        }
    }

    /// Stop waiting for the file dialog (or its probe), or stop the running job.
    pub(super) fn cancel_job(&mut self) {
        if !self.waiting_for_a_dialog() {
            // another task's Cancel; a dialog waited for beside it answers on its own
            self.jobs.cancel();
        } else if let Some(pick) = self.parked_pick.take() {
            self.dialog_ends();
            self.answer(pick, None);
        } else if self.dialog_open {
            self.dialog_open = false;
            self.dialog_request += 1;
            self.dialog_ends();
            if let Some((pick, ..)) = self.dialog_pick.take() {
                self.answer(pick, None);
            }
        } else {
            self.jobs.cancel();
        }
    }

    /// The desktop's dialog answered request `request` (None, or no path: cancelled). One that
    /// failed (`Err`) is not asked again this session: the window's browser opens in its place.
    pub(super) fn picked(
        &mut self,
        request: u64,
        pick: Pick,
        paths: Result<Option<Vec<PathBuf>>, JobError>,
    ) {
        if request != self.dialog_request {
            return;
        }
        self.dialog_open = false;
        self.dialog_pick = None;
        self.dialog_ends();
        match paths {
            Ok(paths) => self.answer(pick, paths),
            Err(e) => {
                self.error(format!(
                    "The desktop's file dialog failed: {e}; the window's own browser opens instead"
                ));
                self.native_dialog = NativeDialog::Missing;
                self.ask_path(pick);
            }
        }
    }

    /// A dialog (the desktop's or the window's) answered: do what was asked, or nothing on a
    /// cancel (a Save asked for by "save changes first?" then asks again).
    fn answer(&mut self, pick: Pick, paths: Option<Vec<PathBuf>>) {
        let Some(mut paths) = paths.filter(|p| !p.is_empty()) else {
            if pick == Pick::SaveAs {
                self.save_abandoned("Not saved: no file was picked");
            }
            return;
        };
        if let Some(folder) = paths.first().and_then(|p| p.parent()) {
            self.last_folder = Some(super::persistence::absolute(folder));
        }
        match pick {
            Pick::Open => self.apply(Command::Open(paths.remove(0))),
            Pick::Import => self.apply(Command::Import(paths)),
            Pick::SaveAs => self.save_as(paths.remove(0)),
            Pick::Export(format) => self.export(paths.remove(0), format),
            Pick::ChartPng => self.chart_picked(paths.remove(0)),
            Pick::Profile => self.apply(Command::LoadProfile(paths.remove(0))),
            Pick::Official => self.apply(Command::LoadOfficial(paths.remove(0))),
        }
    }
}

/// A recent place's label: the folder's name and its parent's, enough to tell them apart.
fn folder_label(folder: &std::path::Path) -> String {
    let name = |p: Option<&std::path::Path>| {
        p.and_then(|p| p.file_name())
            .map(|n| n.to_string_lossy().into_owned())
    };
    match (name(folder.parent()), name(Some(folder))) {
        (Some(parent), Some(name)) => format!("{parent}/{name}"),
        (None, Some(name)) => name,
        _ => folder.display().to_string(),
    }
}

/// The modals: save changes first?, the window's file browser, the recovery offer.
pub(super) fn modals(ctx: &egui::Context, state: &mut AppState, cmds: &mut Vec<Command>) {
    if let Some(UnsavedPrompt { then, error }) = &state.unsaved {
        let modal = egui::Modal::new(egui::Id::unique("unsaved-changes")).show(ctx, |ui| {
            ui.label(RichText::new(then.question()).heading());
            ui.label("The workspace has changes that are not saved.");
            if let Some(e) = error {
                ui.colored_label(ui.visuals().error_fg_color, e);
            }
            ui.horizontal(|ui| {
                let save = ui.button("Save");
                // the default: Enter saves, Tab moves to the others
                if ui.ctx().memory(|m| m.focused().is_none()) {
                    save.request_focus();
                }
                if save.clicked() {
                    cmds.push(Command::UnsavedSave);
                }
                if ui.button("Don't save").clicked() {
                    cmds.push(Command::UnsavedDiscard);
                }
                if ui.button("Cancel").clicked() {
                    cmds.push(Command::UnsavedCancel);
                }
            });
        });
        // Escape, or a click beside the question, is Cancel
        if modal.should_close() {
            cmds.push(Command::UnsavedCancel);
        }
    }
    if let Some(browser) = &mut state.browser {
        browser.ui(ctx, cmds);
    }
    if let Some(recovery) = &state.recovery {
        egui::Modal::new(egui::Id::unique("recovery")).show(ctx, |ui| {
            ui.label(RichText::new("Unsaved edits found").heading());
            ui.label(
                "An earlier session of the window ended before saving these edits (the workspace may have been saved since, by the command line for instance). Restoring them would change:",
            );
            egui::ScrollArea::vertical().max_height(240.0).show(ui, |ui| {
                for line in &recovery.changes {
                    ui.label(format!("• {line}"));
                }
            });
            ui.horizontal(|ui| {
                if ui.button("Restore edits").clicked() {
                    cmds.push(Command::AcceptRecovery);
                }
                if ui.button("Discard them").clicked() {
                    cmds.push(Command::DeclineRecovery);
                }
            });
        });
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "tests fail by panicking")]
mod tests {
    use super::*;

    #[test]
    fn an_export_is_named_after_the_partner_and_its_day() {
        let day = chrono::NaiveDate::from_ymd_opt(2026, 11, 30).unwrap();
        let pdf = Pick::Export(Format::Pdf(crate::report::pdf::PdfOptions {
            paper: crate::report::pdf::Paper::Letter,
            generated: day.and_hms_opt(9, 0, 0).unwrap(),
        }));
        assert_eq!(
            suggested_name(pdf, "Northwind Learning", day).as_deref(),
            Some("Northwind Learning renewal summary 2026-11-30.pdf")
        );
        // a name that would be a path, or has characters a file system refuses
        assert_eq!(
            suggested_name(Pick::Export(Format::Csv), "A/B: \"Training\"\n", day).as_deref(),
            Some("A-B- -Training- monthly KPIs 2026-11-30.csv")
        );
        assert_eq!(
            suggested_name(Pick::ChartPng, "", day).as_deref(),
            Some("KPI chart 2026-11-30.png")
        );
        assert_eq!(suggested_name(Pick::Open, "x", day), None);
    }
}
