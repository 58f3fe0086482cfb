//! The menu bar and the row of panel tabs. Every menu action's text, shortcut and help come
//! from the table in `action.rs`.

use eframe::egui::{self, Ui};

use super::action::Action;
use super::command::Command;
use super::state::{AppState, Panel};
use crate::report::pdf::Paper;

/// A menu item for `action`, titled `text`: true when clicked.
fn item_titled(ui: &mut Ui, action: Action, text: &str, enabled: bool) -> bool {
    let mut button = egui::Button::new(text);
    if let Some(s) = action.shortcut() {
        button = button.shortcut_text(ui.ctx().format_shortcut(&s));
    }
    ui.add_enabled(enabled, button)
        .on_hover_text(action.help())
        .clicked()
}

/// Push `action`'s command when its menu item is clicked.
fn item(ui: &mut Ui, action: Action, enabled: bool, cmds: &mut Vec<Command>) {
    if item_titled(ui, action, action.text(), enabled) {
        cmds.push(action.command());
    }
}

/// The row of panel tabs under the menu bar.
pub fn tab_bar(ui: &mut Ui, state: &AppState, cmds: &mut Vec<Command>) {
    ui.horizontal(|ui| {
        for p in Panel::ALL {
            if ui.selectable_label(state.panel == p, p.label()).clicked() {
                cmds.push(Command::Show(p));
            }
        }
    });
}

/// The menu bar.
pub fn menu_bar(ui: &mut Ui, state: &AppState, cmds: &mut Vec<Command>) {
    egui::MenuBar::new().ui(ui, |ui| {
        ui.menu_button("File", |ui| {
            item(ui, Action::New, true, cmds);
            item(ui, Action::Open, true, cmds);
            item(ui, Action::Save, true, cmds);
            item(ui, Action::SaveAs, true, cmds);
            ui.menu_button("Recent", |ui| {
                if state.recent.is_empty() {
                    ui.label("No recent workspaces");
                }
                for p in &state.recent {
                    if ui.button(p.display().to_string()).clicked() {
                        cmds.push(Command::Open(p.clone()));
                    }
                }
            });
            ui.separator();
            item(ui, Action::Import, true, cmds);
            ui.menu_button("Export summary", |ui| {
                let ok = state.outcome().is_some();
                item(ui, Action::ExportPdf, ok, cmds);
                ui.horizontal(|ui| {
                    ui.label("    Paper:");
                    for paper in [Paper::A4, Paper::Letter] {
                        let name = match paper {
                            Paper::A4 => "A4",
                            Paper::Letter => "Letter",
                        };
                        if ui.radio(state.paper == paper, name).clicked() {
                            cmds.push(Command::Paper(paper));
                        }
                    }
                });
                ui.separator();
                for action in [
                    Action::ExportHtml,
                    Action::ExportMarkdown,
                    Action::ExportJson,
                    Action::ExportCsv,
                    Action::ExportReviewCsv,
                ] {
                    item(ui, action, ok, cmds);
                }
            });
            ui.separator();
            item(ui, Action::Quit, true, cmds);
        });
        ui.menu_button("Edit", |ui| {
            for (action, history) in [(Action::Undo, &state.undo), (Action::Redo, &state.redo)] {
                let text = history
                    .back()
                    .map_or(action.text().to_string(), |(_, what)| {
                        format!("{} {what}", action.text())
                    });
                if item_titled(ui, action, &text, !history.is_empty()) {
                    cmds.push(action.command());
                }
            }
        });
        ui.menu_button("View", |ui| {
            for p in Panel::ALL {
                if ui.button(p.label()).clicked() {
                    cmds.push(Command::Show(p));
                }
            }
            ui.separator();
            ui.menu_button("Theme", |ui| {
                // egui keeps the choice with its own persisted options
                let current = ui.ctx().options(|o| o.theme_preference);
                for (pref, label) in [
                    (egui::ThemePreference::System, "Follow the system"),
                    (egui::ThemePreference::Light, "Light"),
                    (egui::ThemePreference::Dark, "Dark"),
                ] {
                    if ui.selectable_label(current == pref, label).clicked() {
                        ui.ctx().set_theme(pref);
                    }
                }
            });
        });
    });
}
