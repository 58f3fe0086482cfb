//! The status bar: the running job (progress, cancel, "browse in the window instead" while a
//! native file dialog is awaited), else the as-of date and counts; the workspace's file on the
//! right.

use eframe::egui::{self, RichText, Ui};

use super::action::Action;
use super::command::Command;
use super::state::AppState;

/// The status bar. `progress` is the running job's (0-1); `dialog_open` whether a native file
/// dialog is being waited for.
pub(super) fn status_bar(
    ui: &mut Ui,
    state: &AppState,
    progress: f32,
    dialog_open: bool,
    cmds: &mut Vec<Command>,
) {
    ui.horizontal(|ui| {
        if let Some(r) = &state.running {
            super::widgets::spinner(ui);
            ui.label(&r.label);
            if r.measured {
                ui.add(
                    egui::ProgressBar::new(progress)
                        .desired_width(160.0)
                        .show_percentage(),
                );
            }
            if r.cancellable && ui.button("Cancel").clicked() {
                cmds.push(Command::CancelJob);
            }
            if dialog_open
                && ui
                    .button("Browse in the window instead")
                    .on_hover_text("No file dialog appeared? Pick the file in lpkpi's own browser")
                    .clicked()
            {
                cmds.push(Command::BrowseInstead);
            }
        } else if let Some(out) = state.outcome() {
            if !state.settled() {
                super::widgets::spinner(ui);
                ui.label("Recomputing…");
            }
            let e = &out.eval;
            ui.label(format!(
                "As of {} · {} · {} rows, {} counted",
                e.as_of,
                crate::report::summary::countdown(e),
                super::widgets::count(e.counts.read),
                super::widgets::count(e.counts.counted)
            ));
        } else if !state.workspace.rows.is_empty() {
            // rows, but no anniversary to judge them against
            ui.label(format!(
                "{} imported · enter the anniversary in Settings for the figures",
                crate::report::summary::count_of(state.workspace.rows.len(), "row", "rows")
            ));
        } else {
            ui.label(format!(
                "Drop purchase exports here, or File ▸ {}",
                Action::Import.text()
            ));
        }
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            let path = state
                .path
                .as_ref()
                .map_or("not saved to a file".to_string(), |p| {
                    p.display().to_string()
                });
            ui.label(RichText::new(path).weak());
        });
    });
}
