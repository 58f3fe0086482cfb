//! Errors and news as non-blocking notifications (they fade), and the log view with everything
//! said since the window opened.

use std::time::Duration;

use eframe::egui::{self, RichText, Ui};

use super::command::Command;
use super::state::AppState;
use super::widgets::status_color;

/// How long a notification stays up.
pub const SHOWN_FOR: Duration = Duration::from_secs(8);

/// The notifications in the bottom-right corner.
pub fn toasts(ctx: &egui::Context, state: &AppState, cmds: &mut Vec<Command>) {
    let recent: Vec<(usize, &super::state::Note)> = state
        .notes
        .iter()
        .enumerate()
        .filter(|(_, n)| n.shown.elapsed() < SHOWN_FOR)
        .collect();
    if recent.is_empty() {
        return;
    }
    egui::Area::new(egui::Id::unique("toasts"))
        .anchor(egui::Align2::RIGHT_BOTTOM, [-12.0, -36.0])
        .order(egui::Order::Foreground)
        .show(ctx, |ui| {
            // the two latest: more would cover the panel's own buttons (the Log keeps all)
            for (i, n) in recent.iter().rev().take(2) {
                egui::Frame::popup(ui.style()).show(ui, |ui| {
                    ui.set_max_width(420.0);
                    ui.horizontal(|ui| {
                        let icon = if n.error { "✘" } else { "ℹ" };
                        let color = if n.error {
                            status_color(ui, Some(false))
                        } else {
                            ui.visuals().text_color()
                        };
                        ui.label(RichText::new(format!("{icon} {}", n.text)).color(color));
                        if let Some(file) = &n.file {
                            if ui.small_button("Open").clicked() {
                                cmds.push(Command::OpenFile(file.clone()));
                            }
                            if ui.small_button("Show in folder").clicked() {
                                cmds.push(Command::ShowInFolder(file.clone()));
                            }
                        }
                        if ui.small_button("✖ Dismiss").clicked() {
                            cmds.push(Command::Dismiss(*i));
                        }
                    });
                });
            }
        });
    ctx.request_repaint_after(Duration::from_millis(500));
}

/// The log panel.
pub fn log_ui(ui: &mut Ui, state: &AppState) {
    if state.notes.is_empty() {
        ui.label("Nothing to report yet.");
        return;
    }
    egui::ScrollArea::vertical()
        .id_salt("log")
        .auto_shrink([false, false])
        .stick_to_bottom(true)
        .show(ui, |ui| {
            for n in &state.notes {
                let text = format!(
                    "{}  {}{}",
                    n.at.format("%H:%M:%S"),
                    if n.error { "✘ " } else { "" },
                    n.text
                );
                if n.error {
                    ui.label(RichText::new(text).color(status_color(ui, Some(false))));
                } else {
                    ui.label(text);
                }
            }
        });
}
