//! Asking the user: the file dialogs (native on a worker thread, or a path typed in the window),
//! and the modals: the typed-path prompt, "save before closing?", and the offer to restore
//! unsaved edits of an earlier session.

use std::path::PathBuf;

use eframe::egui::{self, RichText};

use super::app::LpkpiApp;
use super::command::{Command, Pick};
use super::state::{AppState, PathPrompt, Running};
use crate::report::Format;

/// The file name a dialog suggests for `pick`.
fn suggested_name(pick: Pick, partner: &str) -> Option<String> {
    match pick {
        Pick::SaveAs => Some(if partner.is_empty() {
            "workspace.ron".to_string()
        } else {
            format!("{partner}.ron")
        }),
        Pick::Export(Format::Pdf(_)) => Some("renewal-summary.pdf".into()),
        Pick::Export(Format::Html) => Some("renewal-summary.html".into()),
        Pick::Export(Format::Markdown) => Some("renewal-summary.md".into()),
        Pick::Export(Format::Json) => Some("renewal-report.json".into()),
        Pick::Export(Format::Csv) => Some("monthly-kpis.csv".into()),
        Pick::Export(Format::ReviewCsv) => Some("rows-to-review.csv".into()),
        Pick::ChartPng => Some("kpi-chart.png".into()),
        _ => None,
    }
}

impl LpkpiApp {
    /// Ask for a file: a native dialog on a worker thread, or the typed-path prompt.
    pub(super) fn ask_path(&mut self, pick: Pick) {
        let start = self
            .state
            .path
            .as_ref()
            .and_then(|p| p.parent().map(PathBuf::from));
        let name = suggested_name(pick, &self.state.workspace.partner.name);
        self.dialog_request += 1;
        self.dialog_open = true;
        let suggested = match (&start, &name) {
            (Some(dir), Some(n)) => Some(dir.join(n)),
            (None, Some(n)) => std::env::current_dir().ok().map(|d| d.join(n)),
            (Some(dir), None) => Some(dir.join("")),
            (None, None) => std::env::current_dir().ok().map(|d| d.join("")),
        };
        self.dialog_pick = Some((pick, suggested));
        if self.options.typed_paths {
            self.apply(Command::TypePath);
            return;
        }
        self.state.running = Some(Running {
            label:
                "Waiting for the file dialog (none appears? drop the files on the window instead)"
                    .into(),
            cancellable: true,
        });
        self.jobs.dialog(self.dialog_request, pick, start, name);
    }

    /// Type the path of the pending pick instead (the native dialog's answer is ignored).
    pub(super) fn type_path(&mut self) {
        let Some((pick, suggested)) = self.dialog_pick.clone() else {
            return;
        };
        // answers of the dialog still pending are ignored from now on
        self.dialog_request += 1;
        self.dialog_open = false;
        self.state.running = None;
        self.state.path_prompt = Some(PathPrompt {
            purpose: pick,
            text: suggested.map_or(String::new(), |p| p.display().to_string()),
        });
    }

    /// A path (paths, one per line) was typed for the pending pick.
    pub(super) fn path_typed(&mut self, text: &str) {
        self.state.path_prompt = None;
        let paths: Vec<PathBuf> = text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(PathBuf::from)
            .collect();
        if let Some((pick, _)) = self.dialog_pick.take() {
            self.dialog_request += 1;
            self.picked(self.dialog_request, pick, Some(paths));
        }
    }

    /// Close the typed-path prompt.
    pub(super) fn cancel_path(&mut self) {
        self.state.path_prompt = None;
        self.dialog_pick = None;
    }

    /// Stop waiting for the file dialog, or stop the running job.
    pub(super) fn cancel_job(&mut self) {
        if self.dialog_open {
            self.dialog_open = false;
            self.dialog_request += 1;
            self.state.running = None;
        } else {
            self.jobs.cancel();
        }
    }

    /// A dialog answered request `request` (None, or no path: cancelled): do what was asked.
    pub(super) fn picked(&mut self, request: u64, pick: Pick, paths: Option<Vec<PathBuf>>) {
        if request != self.dialog_request {
            return;
        }
        self.dialog_open = false;
        self.state.running = None;
        let Some(mut paths) = paths.filter(|p| !p.is_empty()) else {
            if pick == Pick::Import {
                self.info("No file picked (on Linux the file dialog needs the xdg desktop portal: you can also drop files on the window)");
            }
            return;
        };
        match pick {
            Pick::Open => self.apply(Command::Open(paths.remove(0))),
            Pick::Import => self.apply(Command::Import(paths)),
            Pick::SaveAs => self.save_as(paths.remove(0)),
            Pick::Export(format) => self.export(paths.remove(0), format),
            Pick::ChartPng => self.chart_picked(paths.remove(0)),
            Pick::Profile => self.apply(Command::LoadProfile(paths.remove(0))),
        }
    }
}

/// The modals: save before closing?, the typed-path prompt, the recovery offer.
pub(super) fn modals(ctx: &egui::Context, state: &mut AppState, cmds: &mut Vec<Command>) {
    if state.confirm_quit {
        egui::Modal::new(egui::Id::unique("confirm-quit")).show(ctx, |ui| {
            ui.label(RichText::new("Save changes before closing?").heading());
            ui.label("The workspace has changes that are not saved.");
            ui.horizontal(|ui| {
                if ui.button("Save").clicked() {
                    cmds.push(Command::SaveAndQuit);
                }
                if ui.button("Don't save").clicked() {
                    cmds.push(Command::QuitDiscarding);
                }
                if ui.button("Cancel").clicked() {
                    cmds.push(Command::CancelQuit);
                }
            });
        });
    }
    if let Some(PathPrompt { purpose, text }) = &mut state.path_prompt {
        egui::Modal::new(egui::Id::unique("path-prompt")).show(ctx, |ui| {
            ui.label(RichText::new(purpose.prompt()).heading());
            let edit = if purpose.many() {
                egui::TextEdit::multiline(text).desired_rows(4)
            } else {
                egui::TextEdit::singleline(text)
            };
            let l = ui.label("Path");
            ui.add(edit.desired_width(520.0)).labelled_by(l.id);
            ui.horizontal(|ui| {
                if ui.button("Use this path").clicked() {
                    cmds.push(Command::PathTyped(text.clone()));
                }
                if ui.button("Cancel").clicked() {
                    cmds.push(Command::CancelPath);
                }
            });
        });
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
