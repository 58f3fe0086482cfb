//! Importing: the overlay shown while files hover over the window, the progress of reading
//! them, and the preview (encoding, delimiter, header row, the editable column mapping, rows per
//! fate, rejected rows with line and reason, duplicates, review items) to confirm or cancel.

use eframe::egui::{self, Color32, RichText, Ui};

use super::command::Command;
use super::state::{AppState, PreviewFile};
use super::widgets::{count, status_color, units, usd};
use crate::import::FileShape;
use crate::profile::Field;

/// The mapping editor's draft.
#[derive(Debug, Clone, Default)]
pub struct ImportView {
    /// File whose mapping is being edited (index in the preview's files).
    pub editing: Option<usize>,
    /// Row (of the peeked rows) holding the header.
    pub header_row: usize,
    /// The field of each column (None: ignored).
    pub fields: Vec<Option<Field>>,
}

/// The overlay shown while files hover over the window.
pub fn hover_overlay(ctx: &egui::Context, state: &AppState) {
    if state.hovering.is_empty() {
        return;
    }
    let screen = ctx.content_rect();
    let painter = ctx.layer_painter(egui::LayerId::new(
        egui::Order::Foreground,
        egui::Id::unique("drop-overlay"),
    ));
    painter.rect_filled(screen, 0.0, Color32::from_black_alpha(170));
    let text = format!(
        "Drop to import {} file{}:\n{}\n\nYou will see a preview before anything changes.",
        state.hovering.len(),
        if state.hovering.len() == 1 { "" } else { "s" },
        state.hovering.join("\n")
    );
    painter.text(
        screen.center(),
        egui::Align2::CENTER_CENTER,
        text,
        egui::FontId::proportional(20.0),
        Color32::WHITE,
    );
}

fn shape_text(shape: &FileShape) -> String {
    match shape {
        FileShape::Text {
            encoding,
            delimiter,
        } => {
            let d = match delimiter {
                '\t' => "tab".to_string(),
                c => format!("'{c}'"),
            };
            format!("{} text, {d}-separated", encoding.label())
        }
        FileShape::Spreadsheet { sheet } => format!("spreadsheet, sheet '{sheet}'"),
    }
}

fn mapping_editor(ui: &mut Ui, file: &PreviewFile, view: &mut ImportView, cmds: &mut Vec<Command>) {
    if file.peek.is_empty() {
        ui.label("Nothing to map: the file has no rows.");
        return;
    }
    let width = file.peek.iter().map(|(_, r)| r.len()).max().unwrap_or(0);
    if view.fields.len() != width {
        view.fields = vec![None; width];
    }
    ui.horizontal(|ui| {
        ui.label("Header row");
        let max = file.peek.len().saturating_sub(1);
        ui.add(
            egui::DragValue::new(&mut view.header_row)
                .range(0..=max)
                .custom_formatter(|n, _| format!("{}", n as usize + 1)),
        );
    });
    let header = file
        .peek
        .get(view.header_row)
        .map(|(_, r)| r.clone())
        .unwrap_or_default();
    egui::ScrollArea::horizontal()
        .id_salt("mapping")
        .show(ui, |ui| {
            egui::Grid::new("mapping-grid")
                .striped(true)
                .show(ui, |ui| {
                    for (c, cell) in header.iter().enumerate() {
                        ui.vertical(|ui| {
                            ui.label(
                                RichText::new(if cell.is_empty() { "(empty)" } else { cell })
                                    .strong(),
                            );
                            egui::ComboBox::from_id_salt(("field", c))
                                .selected_text(view.fields[c].map_or("ignore", Field::key))
                                .show_ui(ui, |ui| {
                                    ui.selectable_value(&mut view.fields[c], None, "ignore");
                                    for f in Field::ALL {
                                        ui.selectable_value(&mut view.fields[c], Some(f), f.key());
                                    }
                                });
                        });
                    }
                    ui.end_row();
                    for (_, row) in file.peek.iter().skip(view.header_row + 1).take(5) {
                        for c in 0..header.len() {
                            ui.label(RichText::new(row.get(c).map_or("", String::as_str)).weak());
                        }
                        ui.end_row();
                    }
                });
        });
    ui.horizontal(|ui| {
        if ui.button("Use this mapping").clicked() {
            cmds.push(Command::MapColumns {
                header: header.clone(),
                fields: view.fields.clone(),
            });
            view.editing = None;
        }
        if ui.button("Cancel mapping").clicked() {
            view.editing = None;
        }
    });
}

/// The preview window.
pub fn preview_ui(
    ctx: &egui::Context,
    state: &AppState,
    view: &mut ImportView,
    cmds: &mut Vec<Command>,
) {
    let Some(p) = &state.preview else { return };
    egui::Window::new("Import preview")
        .collapsible(false)
        .resizable(true)
        .default_size([760.0, 560.0])
        .anchor(egui::Align2::CENTER_CENTER, [0.0, 0.0])
        .show(ctx, |ui| {
            let c = &p.counts;
            ui.label(format!(
                "{} rows read: {} purchases, {} duplicates of rows already imported, {} total rows, {} not invoiced, {} rejected.",
                count(c.read),
                count(c.kept),
                count(c.duplicates),
                count(c.summary),
                count(c.not_invoiced),
                count(c.rejected)
            ));
            if let (Some(before), Some(after)) = (state.outcome(), &p.after) {
                ui.label(format!(
                    "KPI units {} → {}, revenue {} → {}",
                    units(before.eval.totals.kpi_units),
                    units(after.totals.kpi_units),
                    usd(before.eval.totals.revenue_usd),
                    usd(after.totals.revenue_usd)
                ));
            }
            ui.horizontal(|ui| {
                let can = p.files.iter().any(|f| f.index.is_some());
                if ui.add_enabled(can, egui::Button::new(RichText::new("Confirm import").strong())).clicked() {
                    cmds.push(Command::ConfirmImport);
                }
                if ui.button("Cancel import").clicked() {
                    cmds.push(Command::CancelImport);
                }
            });
            ui.separator();
            egui::ScrollArea::vertical().auto_shrink([false, false]).show(ui, |ui| {
                for (fi, f) in p.files.iter().enumerate() {
                    ui.label(RichText::new(&f.name).heading());
                    if let Some(first) = &f.already {
                        ui.label(format!("Already imported (as {first}): nothing will change."));
                        continue;
                    }
                    if let Some(err) = &f.error {
                        ui.label(RichText::new(format!("✘ {err}")).color(status_color(ui, Some(false))));
                        ui.label("Map its columns by hand (the mapping is remembered for this header):");
                        view.editing.get_or_insert(fi);
                    }
                    if let Some(index) = f.index
                        && let Some(file) = p.set.files.get(index)
                    {
                        ui.label(format!(
                            "{} · header on line {} · decimals with '{}' · dates {}",
                            shape_text(&file.shape),
                            file.header_line,
                            match file.conventions.decimal_mark {
                                crate::import::values::DecimalMark::Dot => ".",
                                crate::import::values::DecimalMark::Comma => ",",
                            },
                            match file.conventions.date_order {
                                crate::import::values::DayMonth::DayFirst => "day first",
                                crate::import::values::DayMonth::MonthFirst => "month first",
                            }
                        ));
                        let k = &file.counts;
                        ui.label(format!(
                            "{} rows: {} purchases, {} duplicates, {} total rows, {} not invoiced, {} rejected",
                            count(k.read),
                            count(k.kept),
                            count(k.duplicates),
                            count(k.summary),
                            count(k.not_invoiced),
                            count(k.rejected)
                        ));
                        ui.horizontal_wrapped(|ui| {
                            ui.label("Columns:");
                            for (field, header) in file.columns.describe() {
                                ui.label(RichText::new(format!("{header} → {field}")).monospace());
                            }
                            if view.editing != Some(fi) && ui.small_button("Change mapping").clicked() {
                                view.editing = Some(fi);
                                view.header_row = f.peek.iter().position(|(l, _)| *l == file.header_line).unwrap_or(0);
                                view.fields = (0..file.columns.header.len())
                                    .map(|c| {
                                        Field::ALL
                                            .into_iter()
                                            .find(|fl| file.columns.get(*fl) == Some(c))
                                    })
                                    .collect();
                            }
                        });
                        for w in &file.warnings {
                            ui.label(RichText::new(format!("⚠ {w}")).color(status_color(ui, Some(false))));
                        }
                        let details = &p.details[fi];
                        for (title, items, salt) in [
                            ("rejected rows", &details.rejected, "rejected"),
                            ("rows to review", &details.review, "review"),
                        ] {
                            if items.is_empty() {
                                continue;
                            }
                            egui::CollapsingHeader::new(format!("{} {title}", items.len()))
                                .id_salt((salt, fi))
                                .show(ui, |ui| {
                                    for (line, reason) in items.iter().take(100) {
                                        ui.label(format!("line {line}: {reason}"));
                                    }
                                    if items.len() > 100 {
                                        ui.label(format!("… and {} more", items.len() - 100));
                                    }
                                });
                        }
                    }
                    if view.editing == Some(fi) {
                        mapping_editor(ui, f, view, cmds);
                    }
                    ui.separator();
                }
            });
        });
}
