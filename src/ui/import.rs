//! Importing: the overlay shown while files hover over the window, the progress of reading
//! them, and the preview to confirm or cancel: per file how it was read (encoding, delimiter,
//! header row, decimal mark and dates), its columns as a table of header → field with an
//! editable mapping, rows per fate, rejected rows with line and reason, rows to review grouped
//! by reason; a file that cannot be read marked failed with its reason; the revenue held back
//! for want of a rate in the summary, with the rate to add right there.

use std::collections::BTreeMap;

use eframe::egui::{self, Color32, RichText, Ui};

use super::command::Command;
use super::state::{AppState, HeldBack, ImportPreview, PreviewFile, ReviewGroup};
use super::widgets::{self, count, len, money, status_color, units, usd};
use crate::import::FileShape;
use crate::import::values::Currency;
use crate::profile::Field;
use crate::workspace::model::{Rate, Workspace};
use crate::workspace::{Edit, ListEdit};

/// The preview's drafts: the mapping being edited, the rates being typed.
#[derive(Debug, Clone, Default)]
pub struct ImportView {
    /// File whose mapping is being edited (index in the preview's files).
    pub editing: Option<usize>,
    /// Row (of the peeked rows) holding the header.
    pub header_row: usize,
    /// The field of each column (None: ignored).
    pub fields: Vec<Option<Field>>,
    /// Rates typed for currencies waiting for one (USD per unit, as typed).
    pub rates: BTreeMap<Currency, String>,
    /// Why the rate typed for a currency was not added.
    pub rate_error: Option<(Currency, String)>,
    /// Whether a field had the keyboard, or a list was open, when the last frame ended: an
    /// Escape then leaves it (egui takes the focus away before the frame is drawn), and does
    /// not cancel the import.
    pub busy_keys: bool,
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
    // a column past the header (a ragged row, a longer title row) is read as nothing until
    // chosen; the mapping filled in from the header stays
    view.fields.resize(width, None);
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
                                .selected_text(view.fields[c].map_or("(ignored)", Field::name))
                                .show_ui(ui, |ui| {
                                    ui.selectable_value(&mut view.fields[c], None, "(ignored)");
                                    for f in Field::ALL {
                                        ui.selectable_value(&mut view.fields[c], Some(f), f.name());
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
            // the editor closes once the files are read again with it (it stays open, with the
            // choices made, when the mapping must wait)
            cmds.push(Command::MapColumns {
                header: header.clone(),
                fields: view.fields.clone(),
            });
        }
        if ui.button("Cancel mapping").clicked() {
            view.editing = None;
        }
    });
}

/// The edit that sets `currency`'s rate for every month to `typed` USD per unit, as Settings
/// adds one (the same checks, the same `Edit`), or why it cannot.
fn rate_edit(ws: &Workspace, currency: Currency, typed: &str) -> Result<Edit, String> {
    let usd_per = widgets::typed_rate(typed)
        .ok_or_else(|| format!("a rate is a number of USD per {currency} (1.08, say)"))?;
    crate::money::limits::check_rate(currency.as_str(), usd_per).map_err(|e| e.to_string())?;
    let rate = Rate {
        currency,
        month: None,
        usd_per,
    };
    let existing = ws
        .rates
        .iter()
        .position(|r| r.currency == currency && r.month.is_none());
    Ok(Edit::Rates(match existing {
        Some(i) => ListEdit::Replace(i, rate),
        None => ListEdit::Add(rate),
    }))
}

/// "40 rows in EUR wait for an exchange rate: their revenue is held back", else the phrase
/// every summary uses for its kind ("1 row of unknown products is not counted").
fn group_title(group: &ReviewGroup) -> String {
    let n = group.rows.len();
    let (rows, verb, their) = if n == 1 {
        ("row", "waits", "its")
    } else {
        ("rows", "wait", "their")
    };
    let in_currency = group.currency.map_or(String::new(), |c| format!(" in {c}"));
    crate::report::summary::review_phrase(group.kind, n).unwrap_or_else(|| {
        format!(
            "{} {rows}{in_currency} {verb} for an exchange rate: {their} revenue is held back",
            count(len(n))
        )
    })
}

/// The revenue held back in one currency, its rate field and Add rate.
fn held_back_line(
    ui: &mut Ui,
    h: &HeldBack,
    ws: &Workspace,
    view: &mut ImportView,
    cmds: &mut Vec<Command>,
) {
    let rows = if h.rows == 1 {
        "row waits"
    } else {
        "rows wait"
    };
    let estimate = h.estimate.map_or(String::new(), |(usd_value, month)| {
        format!(" (about {} at the {} rate)", usd(usd_value), month.label())
    });
    // the rows that add no revenue said apart, in the dashboard's words
    let also = crate::report::summary::no_revenue_too(h.currency.as_str(), h.other as usize);
    let said = if h.rows == 0 {
        // the summary's sentence
        format!(
            "⚠ {}",
            crate::report::summary::no_revenue_waits(h.currency.as_str(), h.other as usize)
        )
    } else {
        format!(
            "⚠ Revenue held back: {}{estimate}; {} {rows} for an exchange rate{also}.",
            money(h.amount, h.currency),
            count(h.rows),
        )
    };
    ui.horizontal_wrapped(|ui| {
        ui.label(RichText::new(said).color(status_color(ui, Some(false))));
        let label = format!("USD per {}", h.currency);
        let draft = view.rates.entry(h.currency).or_default();
        let field = widgets::labelled_text(ui, &label, draft, 72.0);
        let enter = field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
        if ui.button(format!("Add {} rate", h.currency)).clicked() || enter {
            match rate_edit(ws, h.currency, draft) {
                Ok(edit) => {
                    cmds.push(Command::Edit(edit));
                    draft.clear();
                    view.rate_error = None;
                }
                Err(e) => view.rate_error = Some((h.currency, e)),
            }
        }
    });
    if let Some((_, e)) = view.rate_error.as_ref().filter(|(c, _)| *c == h.currency) {
        ui.label(RichText::new(e).color(status_color(ui, Some(false))));
    }
}

/// How a file was read and what it holds: its shape and conventions, rows per fate, its
/// columns as a table, warnings, rejected rows, rows to review by reason.
fn file_details(ui: &mut Ui, p: &ImportPreview, fi: usize, view: &mut ImportView, updating: bool) {
    let Some(f) = p.files.get(fi) else { return };
    let Some(file) = f.index.and_then(|i| p.set.files.get(i)) else {
        return;
    };
    ui.label(format!(
        "{} · header on line {} · {}",
        shape_text(&file.shape),
        file.header_line,
        file.conventions.describe()
    ));
    ui.label(crate::report::summary::import_counts(&file.counts));
    ui.horizontal(|ui| {
        ui.label(RichText::new("Columns").strong());
        if view.editing != Some(fi) && ui.small_button("Change mapping").clicked() {
            view.editing = Some(fi);
            view.header_row = f
                .peek
                .iter()
                .position(|(l, _)| *l == file.header_line)
                .unwrap_or(0);
            view.fields = (0..file.columns.header.len())
                .map(|c| {
                    Field::ALL
                        .into_iter()
                        .find(|fl| file.columns.get(*fl) == Some(c))
                })
                .collect();
        }
    });
    egui::Grid::new(("columns", fi))
        .striped(true)
        .num_columns(2)
        .show(ui, |ui| {
            ui.label(RichText::new("Column in the file").weak());
            ui.label(RichText::new("Read as").weak());
            ui.end_row();
            for (field, header) in file.columns.describe() {
                ui.label(RichText::new(header).monospace());
                ui.label(field.name());
                ui.end_row();
            }
        });
    for w in &file.warnings {
        ui.label(RichText::new(format!("⚠ {w}")).color(status_color(ui, Some(false))));
    }
    let Some(details) = p.figures.details.get(fi) else {
        return;
    };
    if !details.rejected.is_empty() {
        let rows = &details.rejected;
        egui::CollapsingHeader::new(crate::report::summary::count_of(
            rows.len(),
            "rejected row",
            "rejected rows",
        ))
        .id_salt(("rejected", fi))
        .show(ui, |ui| line_list(ui, rows));
    }
    for (gi, group) in details.review.iter().enumerate() {
        let title = group_title(group);
        let title = if updating {
            RichText::new(title).weak()
        } else {
            RichText::new(title)
        };
        egui::CollapsingHeader::new(title)
            .id_salt(("review", fi, gi))
            .show(ui, |ui| line_list(ui, &group.rows));
    }
}

/// Rows as "line N: reason", the first 100.
fn line_list(ui: &mut Ui, rows: &[(u32, String)]) {
    for (line, reason) in rows.iter().take(100) {
        ui.label(format!("line {line}: {reason}"));
    }
    if rows.len() > 100 {
        ui.label(format!("… and {} more", count(len(rows.len() - 100))));
    }
}

/// The preview window.
pub fn preview_ui(
    ctx: &egui::Context,
    state: &AppState,
    view: &mut ImportView,
    cmds: &mut Vec<Command>,
) {
    let Some(p) = &state.preview else {
        view.busy_keys = false;
        return;
    };
    let updating = p.stale(state.figures_key());
    // Escape cancels, unless it leaves a field being typed in or closes a list (as the last
    // frame ended), or answers a question asked over the preview; a click beside it does not
    if ctx.input(|i| i.key_pressed(egui::Key::Escape))
        && !view.busy_keys
        && !egui::Popup::is_any_open(ctx)
        && state.unsaved.is_none()
        && state.browser.is_none()
    {
        cmds.push(Command::CancelImport);
    }
    // a modal: the panels behind wait for Confirm or Cancel, and the keyboard stays in it
    let screen = ctx.content_rect().size();
    egui::Modal::new(egui::Id::unique("import-preview"))
        .show(ctx, |ui| {
            ui.set_width((screen.x - 48.0).clamp(200.0, 760.0));
            ui.set_max_height((screen.y - 48.0).max(200.0));
            ui.label(RichText::new("Import preview").heading());
            ui.label(format!("{}.", crate::report::summary::import_counts(&p.counts)));
            let failed = p.files.iter().filter(|f| f.error.is_some()).count();
            if failed > 0 {
                let read = p.files.iter().filter(|f| f.index.is_some()).count();
                let text = match (failed, read) {
                    (1, 0) => "✘ The file cannot be imported (below: why).".to_string(),
                    (n, 0) => format!("✘ None of the {} files can be imported (below: why).", count(len(n))),
                    (1, _) => "✘ 1 file cannot be imported (below: why): Confirm imports the others.".to_string(),
                    (n, _) => format!("✘ {} files cannot be imported (below: why): Confirm imports the others.", count(len(n))),
                };
                ui.label(RichText::new(text).color(status_color(ui, Some(false))));
            }
            if let (Some(before), Some(after)) = (state.outcome(), &p.figures.after) {
                // the purchases dated outside the window count for nothing: said, so that a
                // small rise of the figures after many purchases reads as it should
                let (was, now) = (&before.eval.counts, &after.counts);
                let counted = now.counted.saturating_sub(was.counted);
                let outside = now.outside_window.saturating_sub(was.outside_window);
                let text = format!(
                    "{} in the window, {} outside it · KPI units {} → {}, revenue {} → {}",
                    crate::report::summary::count_of(counted, "purchase counted", "purchases counted"),
                    count(len(outside as usize)),
                    units(before.eval.totals.kpi_units),
                    units(after.totals.kpi_units),
                    usd(before.eval.totals.revenue_usd),
                    usd(after.totals.revenue_usd)
                );
                ui.label(if updating { RichText::new(text).weak() } else { RichText::new(text) });
            }
            for h in &p.figures.held_back {
                held_back_line(ui, h, &state.workspace, view, cmds);
            }
            match &p.failed {
                Some((key, why)) if *key == state.figures_key() => {
                    ui.label(RichText::new(format!("✘ {why}")).color(status_color(ui, Some(false))));
                }
                _ if updating => {
                    ui.horizontal(|ui| {
                        super::widgets::spinner(ui);
                        ui.label("Working out the figures again…");
                    });
                }
                _ => {}
            }
            ui.horizontal(|ui| {
                let can = p.files.iter().any(|f| f.index.is_some());
                let confirm = ui.add_enabled(can, egui::Button::new(RichText::new("Confirm import").strong()));
                // the default: Enter confirms, Tab moves on
                if can && ui.ctx().memory(|m| m.focused().is_none()) {
                    confirm.request_focus();
                }
                if confirm.clicked() {
                    cmds.push(Command::ConfirmImport);
                }
                if ui.button("Cancel import").clicked() {
                    cmds.push(Command::CancelImport);
                }
            });
            ui.separator();
            // each preview from its top: its own scroll, by the files it shows
            let files: Vec<&str> = p.files.iter().map(|f| f.name.as_str()).collect();
            egui::ScrollArea::vertical().id_salt(("import-preview", files)).auto_shrink([false, false]).show(ui, |ui| {
                for (fi, f) in p.files.iter().enumerate() {
                    ui.label(RichText::new(&f.name).heading());
                    if let Some(first) = &f.already {
                        ui.label(format!("Already imported (as {first}): nothing will change."));
                        continue;
                    }
                    if let Some(err) = &f.error {
                        ui.label(RichText::new(format!("✘ Failed: {err}")).color(status_color(ui, Some(false))));
                        if let Some((_, path)) = &f.official {
                            ui.horizontal_wrapped(|ui| {
                                ui.label("It is the official dashboard's monthly report, not a purchase export: it is compared with lpkpi's months in Reconciliation.");
                                match path {
                                    Some(path) => {
                                        if ui.button("Import it for the reconciliation").clicked() {
                                            cmds.push(Command::LoadOfficial(path.clone()));
                                        }
                                    }
                                    None => {
                                        ui.label("Import it there with \"Import the dashboard's report…\".");
                                    }
                                }
                            });
                            ui.label("It is left out of the import.");
                        } else if f.mappable {
                            ui.label("Map its columns by hand (the mapping is remembered for this header):");
                            view.editing.get_or_insert(fi);
                        } else {
                            ui.label("It is left out of the import.");
                        }
                    }
                    file_details(ui, p, fi, view, updating);
                    if view.editing == Some(fi) {
                        mapping_editor(ui, f, view, cmds);
                    }
                    ui.separator();
                }
            });
        });
    view.busy_keys = ctx.text_edit_focused() || egui::Popup::is_any_open(ctx);
}
