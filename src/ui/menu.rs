//! The menu bar and its keyboard shortcuts (Ctrl on Windows and Linux, Cmd on macOS).

use eframe::egui::{self, Key, KeyboardShortcut, Modifiers, Ui};

use super::command::{Command, Pick};
use super::state::{AppState, Panel};
use crate::report::Format;

const OPEN: KeyboardShortcut = KeyboardShortcut::new(Modifiers::COMMAND, Key::O);
const SAVE: KeyboardShortcut = KeyboardShortcut::new(Modifiers::COMMAND, Key::S);
const SAVE_AS: KeyboardShortcut =
    KeyboardShortcut::new(Modifiers::COMMAND.plus(Modifiers::SHIFT), Key::S);
const IMPORT: KeyboardShortcut = KeyboardShortcut::new(Modifiers::COMMAND, Key::I);
const EXPORT: KeyboardShortcut = KeyboardShortcut::new(Modifiers::COMMAND, Key::E);
const UNDO: KeyboardShortcut = KeyboardShortcut::new(Modifiers::COMMAND, Key::Z);
const REDO: KeyboardShortcut =
    KeyboardShortcut::new(Modifiers::COMMAND.plus(Modifiers::SHIFT), Key::Z);
const NEW: KeyboardShortcut = KeyboardShortcut::new(Modifiers::COMMAND, Key::N);
const QUIT: KeyboardShortcut = KeyboardShortcut::new(Modifiers::COMMAND, Key::Q);

/// Turn shortcuts pressed this frame into commands (Shift variants first).
pub fn shortcuts(ctx: &egui::Context, cmds: &mut Vec<Command>) {
    ctx.input_mut(|i| {
        let pairs: [(KeyboardShortcut, Command); 9] = [
            (SAVE_AS, Command::Dialog(Pick::SaveAs)),
            (REDO, Command::Redo),
            (OPEN, Command::Dialog(Pick::Open)),
            (SAVE, Command::Save),
            (IMPORT, Command::Dialog(Pick::Import)),
            (EXPORT, Command::Dialog(Pick::Export(Format::Markdown))),
            (UNDO, Command::Undo),
            (NEW, Command::New),
            (QUIT, Command::Quit),
        ];
        for (shortcut, command) in pairs {
            if i.consume_shortcut(&shortcut) {
                cmds.push(command);
            }
        }
    });
}

fn item(ui: &mut Ui, label: &str, shortcut: Option<&KeyboardShortcut>, enabled: bool) -> bool {
    let mut button = egui::Button::new(label);
    if let Some(s) = shortcut {
        button = button.shortcut_text(ui.ctx().format_shortcut(s));
    }
    ui.add_enabled(enabled, button).clicked()
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
            if item(ui, "New", Some(&NEW), true) {
                cmds.push(Command::New);
            }
            if item(ui, "Open…", Some(&OPEN), true) {
                cmds.push(Command::Dialog(Pick::Open));
            }
            if item(ui, "Save", Some(&SAVE), true) {
                cmds.push(Command::Save);
            }
            if item(ui, "Save As…", Some(&SAVE_AS), true) {
                cmds.push(Command::Dialog(Pick::SaveAs));
            }
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
            if item(ui, "Import…", Some(&IMPORT), true) {
                cmds.push(Command::Dialog(Pick::Import));
            }
            ui.menu_button("Export summary", |ui| {
                let ok = state.outcome().is_some();
                if item(ui, "Markdown (one page)…", Some(&EXPORT), ok) {
                    cmds.push(Command::Dialog(Pick::Export(Format::Markdown)));
                }
                if item(ui, "JSON…", None, ok) {
                    cmds.push(Command::Dialog(Pick::Export(Format::Json)));
                }
                if item(ui, "CSV (monthly table)…", None, ok) {
                    cmds.push(Command::Dialog(Pick::Export(Format::Csv)));
                }
            });
            ui.separator();
            if item(ui, "Quit", Some(&QUIT), true) {
                cmds.push(Command::Quit);
            }
        });
        ui.menu_button("Edit", |ui| {
            let undo = state
                .undo
                .back()
                .map_or("Undo".to_string(), |(_, what)| format!("Undo {what}"));
            if item(ui, &undo, Some(&UNDO), !state.undo.is_empty()) {
                cmds.push(Command::Undo);
            }
            let redo = state
                .redo
                .back()
                .map_or("Redo".to_string(), |(_, what)| format!("Redo {what}"));
            if item(ui, &redo, Some(&REDO), !state.redo.is_empty()) {
                cmds.push(Command::Redo);
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
