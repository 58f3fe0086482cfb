//! The reconciliation panel: the official dashboard's report imported (or months typed), and
//! lpkpi's months beside the official ones with the differences highlighted; selecting a month
//! lists the invoices behind its difference and opens lpkpi's rows of that month.

use eframe::egui::{self, RichText, Ui};
use egui_extras::{Column, TableBuilder};
use rust_decimal::Decimal;

use super::command::{Command, Pick};
use super::state::AppState;
use super::widgets::{self, count, len, right, status_color, units, usd};
use crate::rules::Month;
use crate::workspace::Edit;
use crate::workspace::model::DashboardMonth;
use crate::workspace::reconcile::{MonthCheck, Source};

/// The panel's drafts and selection.
#[derive(Debug, Default)]
pub struct ReconcileView {
    /// The month selected in the table.
    pub selected: Option<Month>,
    /// Typed figures: month (YYYY-MM), KPI units, revenue.
    typed_month: String,
    typed_kpi: String,
    typed_revenue: String,
    /// Why the typed figures were not taken.
    typed_error: Option<String>,
}

fn signed(d: Decimal, money: bool) -> String {
    if money {
        crate::report::document::signed_usd(d)
    } else {
        crate::report::document::signed_units(d)
    }
}

/// The reconciliation panel.
pub fn reconcile_ui(
    ui: &mut Ui,
    state: &AppState,
    view: &mut ReconcileView,
    cmds: &mut Vec<Command>,
) {
    let ws = &state.workspace;
    ui.horizontal_wrapped(|ui| {
        if ui
            .button("Import the dashboard's report…")
            .on_hover_text(
                "The official Learning Partner dashboard's monthly report (Month, Year, OMLP type, Purchase unit, Invoice #, KPI value, Revenue value), CSV or spreadsheet",
            )
            .clicked()
        {
            cmds.push(Command::Dialog(Pick::Official));
        }
        if !ws.official.is_empty() {
            ui.label(format!(
                "{} report lines kept in the workspace",
                count(len(ws.official.len()))
            ));
            if ui.button("Clear the report").clicked() {
                cmds.push(Command::Edit(Edit::Official(Vec::new())));
            }
        }
    });
    typed_ui(ui, state, view, cmds);
    ui.separator();

    let Some(out) = state.outcome() else {
        ui.label(
            "Enter the anniversary in Settings to compare lpkpi's months with the dashboard's.",
        );
        return;
    };
    let r = &out.reconciliation;
    if r.months.is_empty() {
        ui.label(
            "No official figures yet: import the dashboard's monthly report, or type a month's figures above.",
        );
        return;
    }
    let differing = r.differences();
    ui.label(
        RichText::new({
            let sentence =
                crate::report::summary::reconciliation_sentence(differing, r.months.len());
            if differing == 0 {
                format!("✔ {sentence}")
            } else {
                format!("⚠ {sentence} Differences are lpkpi less the dashboard.")
            }
        })
        .color(status_color(ui, Some(differing == 0))),
    );
    // a month from the dashboard's report has invoices to compare; a typed one has none
    if r.months.iter().any(|m| m.source == Source::Report) {
        widgets::hint(
            ui,
            "Select a month to compare the invoices behind its figures, lpkpi's and the dashboard's.",
        );
    }

    let selected = view.selected;
    let detail = selected.and_then(|m| r.months.iter().find(|c| c.month == m));
    if let Some(check) = detail {
        egui::Panel::right("reconcile-details")
            .resizable(true)
            .default_size(340.0)
            .min_size(240.0)
            .show(ui, |ui| {
                egui::ScrollArea::vertical()
                    .id_salt("reconcile-details-scroll")
                    .show(ui, |ui| details_ui(ui, check, cmds));
            });
    }

    egui::ScrollArea::horizontal()
        .id_salt("reconcile-sideways")
        .show(ui, |ui| {
            // a click on a row's text picks the row rather than starting a text selection
            ui.style_mut().interaction.selectable_labels = false;
            TableBuilder::new(ui)
                .id_salt("reconciliation")
                .striped(true)
                .sense(egui::Sense::click())
                .cell_layout(egui::Layout::left_to_right(egui::Align::Center))
                .column(Column::auto().at_least(80.0))
                .columns(Column::auto().at_least(96.0), 6)
                .column(Column::auto().at_least(90.0))
                .header(24.0, |mut h| {
                    for (title, numeric) in [
                        ("Month", false),
                        ("lpkpi KPI", true),
                        ("Dashboard KPI", true),
                        ("KPI difference", true),
                        ("lpkpi revenue", true),
                        ("Dashboard revenue", true),
                        ("Revenue difference", true),
                        ("Source", false),
                    ] {
                        h.col(|ui| {
                            if numeric {
                                right(ui, RichText::new(title).strong());
                            } else {
                                ui.strong(title);
                            }
                        });
                    }
                })
                .body(|body| {
                    body.rows(22.0, r.months.len(), |mut row| {
                        let Some(m) = r.months.get(row.index()) else {
                            return;
                        };
                        row.set_selected(selected == Some(m.month));
                        let differs = m.differs();
                        row.col(|ui| {
                            let marker = if differs { "⚠ " } else { "" };
                            let text = format!("{marker}{}", m.month.label());
                            let label = if differs {
                                RichText::new(text).color(status_color(ui, Some(false)))
                            } else {
                                RichText::new(text)
                            };
                            if ui
                                .selectable_label(selected == Some(m.month), label)
                                .clicked()
                            {
                                cmds.push(Command::SelectReconcileMonth(
                                    (selected != Some(m.month)).then_some(m.month),
                                ));
                            }
                        });
                        figure_cells(&mut row, m);
                        row.col(|ui| {
                            ui.label(match m.source {
                                Source::Report => "report",
                                Source::Typed => "typed",
                            });
                        });
                        if row.response().clicked() {
                            cmds.push(Command::SelectReconcileMonth(
                                (selected != Some(m.month)).then_some(m.month),
                            ));
                        }
                    });
                });
        });
}

fn figure_cells(row: &mut egui_extras::TableRow<'_, '_>, m: &MonthCheck) {
    let cells = [
        (units(m.lpkpi.kpi_units), false),
        (m.official_kpi_units.map_or("—".into(), units), false),
        (
            m.kpi_difference().map_or("—".into(), |d| signed(d, false)),
            m.kpi_difference().is_some_and(|d| !d.is_zero()),
        ),
        (usd(m.lpkpi.revenue_usd), false),
        (m.official_revenue_usd.map_or("—".into(), usd), false),
        (
            m.revenue_difference()
                .map_or("—".into(), |d| signed(d, true)),
            m.revenue_difference().is_some_and(|d| !d.is_zero()),
        ),
    ];
    for (text, highlight) in cells {
        row.col(|ui| {
            if highlight {
                let colour = status_color(ui, Some(false));
                right(ui, RichText::new(text).color(colour).strong());
            } else {
                right(ui, text);
            }
        });
    }
}

/// The selected month: its invoices that differ, and the way to lpkpi's rows.
fn details_ui(ui: &mut Ui, m: &MonthCheck, cmds: &mut Vec<Command>) {
    ui.heading(m.month.label());
    if ui.button("Show lpkpi's rows of this month").clicked() {
        cmds.push(Command::ShowMonth(m.month));
    }
    ui.add_space(6.0);
    if m.source == Source::Typed {
        ui.label(
            "The official figures of this month were typed: there are no invoices to compare.",
        );
        return;
    }
    if m.invoices.is_empty() {
        ui.label("Every invoice of the month agrees.");
        return;
    }
    ui.label(
        RichText::new(format!(
            "Invoices that differ ({})",
            count(len(m.invoices.len()))
        ))
        .strong(),
    );
    let side = |f: &Option<crate::rules::figures::Figures>| {
        f.as_ref()
            .map_or("—".to_string(), crate::report::summary::figures_phrase)
    };
    for i in &m.invoices {
        egui::Frame::group(ui.style()).show(ui, |ui| {
            ui.set_width(ui.available_width());
            ui.label(RichText::new(format!("Invoice {}: {}", i.invoice, i.kind())).strong());
            ui.label(format!("lpkpi: {}", side(&i.lpkpi)));
            ui.label(format!("dashboard: {}", side(&i.official)));
        });
    }
}

/// Figures typed for a month (the dashboard's totals when no report is at hand).
fn typed_ui(ui: &mut Ui, state: &AppState, view: &mut ReconcileView, cmds: &mut Vec<Command>) {
    egui::CollapsingHeader::new("Type a month's figures")
        .default_open(state.workspace.official.is_empty() && state.workspace.dashboard.is_empty())
        .show(ui, |ui| {
            ui.horizontal_wrapped(|ui| {
                widgets::labelled_text(ui, "Month (YYYY-MM)", &mut view.typed_month, 72.0);
                widgets::labelled_text(ui, "KPI units", &mut view.typed_kpi, 80.0);
                widgets::labelled_text(ui, "Revenue (USD)", &mut view.typed_revenue, 100.0);
                if ui.button("Set").clicked() {
                    match typed(view) {
                        Ok(d) => {
                            view.typed_error = None;
                            cmds.push(Command::Edit(Edit::Dashboard(d.month, Some(d))));
                        }
                        Err(e) => view.typed_error = Some(e),
                    }
                }
            });
            if let Some(e) = &view.typed_error {
                ui.colored_label(ui.visuals().error_fg_color, e);
            }
            for d in &state.workspace.dashboard {
                ui.horizontal(|ui| {
                    ui.label(format!(
                        "{}: {} KPI units, {}",
                        d.month.label(),
                        d.kpi_units.map_or("—".into(), units),
                        d.revenue_usd.map_or("—".into(), usd)
                    ));
                    if ui.small_button("Remove").clicked() {
                        cmds.push(Command::Edit(Edit::Dashboard(d.month, None)));
                    }
                });
            }
        });
}

fn typed(view: &ReconcileView) -> Result<DashboardMonth, String> {
    let month = Month::parse(view.typed_month.trim())
        .ok_or_else(|| format!("'{}' is not a month (YYYY-MM)", view.typed_month.trim()))?;
    let number = |s: &str, what: &str| -> Result<Option<Decimal>, String> {
        let s = s.trim();
        if s.is_empty() {
            return Ok(None);
        }
        crate::import::values::parse_money(s, crate::import::values::DecimalMark::Dot)
            .map(|(d, _)| Some(d))
            .ok_or_else(|| format!("{what} '{s}' is not a number"))
    };
    let kpi_units = number(&view.typed_kpi, "KPI units")?;
    let revenue_usd = number(&view.typed_revenue, "revenue")?;
    if kpi_units.is_none() && revenue_usd.is_none() {
        return Err("type the KPI units, the revenue, or both".into());
    }
    Ok(DashboardMonth {
        month,
        kpi_units,
        revenue_usd,
    })
}
