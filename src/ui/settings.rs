//! Settings: the partner (name, ID, level, anniversary), the program profile, exchange rates
//! and planned purchases, with the plan's effect on the forecast.

use std::str::FromStr;

use chrono::NaiveDate;
use eframe::egui::{self, RichText, Ui};
use rust_decimal::Decimal;

use super::command::{Command, Pick};
use super::state::AppState;
use super::widgets::{self, status_color, usd};
use crate::import::values::Currency;
use crate::rules::{Month, ProductLine};
use crate::workspace::model::{PlannedPurchase, ProfileChoice, Rate, Workspace};
use crate::workspace::{Edit, ListEdit};

/// Drafts of the settings forms.
#[derive(Debug, Clone, Default)]
pub struct SettingsView {
    loaded: Option<u64>,
    /// Partner name.
    pub name: String,
    /// Partner ID.
    pub partner_id: String,
    /// Anniversary as typed.
    pub anniversary: String,
    /// Rate currency.
    pub rate_currency: String,
    /// Rate month (optional, YYYY-MM).
    pub rate_month: String,
    /// Rate value.
    pub rate_value: String,
    /// Planned: date.
    pub plan_date: String,
    /// Planned: description.
    pub plan_what: String,
    /// Planned: line.
    pub plan_line: Option<ProductLine>,
    /// Planned: kits.
    pub plan_kits: String,
    /// Planned: USD.
    pub plan_usd: String,
    /// Error of the partner form.
    pub error: Option<String>,
    /// Error beside the rate fields.
    pub rate_error: Option<String>,
    /// Error beside the planned purchase fields.
    pub plan_error: Option<String>,
}

/// The settings panel.
pub fn settings_ui(
    ui: &mut Ui,
    state: &AppState,
    view: &mut SettingsView,
    cmds: &mut Vec<Command>,
) {
    let ws = &state.workspace;
    if view.loaded != Some(state.revision) {
        view.loaded = Some(state.revision);
        view.name = ws.partner.name.clone();
        view.partner_id = ws.partner.partner_id.clone();
        view.anniversary = ws
            .partner
            .anniversary
            .map_or(String::new(), |d| d.to_string());
    }
    egui::ScrollArea::vertical().auto_shrink([false, false]).show(ui, |ui| {
        widgets::heading(ui, "Partner");
        let mut partner = ws.partner.clone();
        let mut changed = false;
        let r = widgets::labelled_text(ui, "Partner name", &mut view.name, 240.0);
        if r.lost_focus() && view.name != partner.name {
            partner.name = view.name.clone();
            changed = true;
        }
        let r = widgets::labelled_text(ui, "Partner ID", &mut view.partner_id, 120.0);
        if r.lost_focus() && view.partner_id != partner.partner_id {
            partner.partner_id = view.partner_id.clone();
            changed = true;
        }
        if let Ok(d) = &state.derived {
            let current = partner.level.clone();
            let name = |id: &Option<String>| {
                id.as_ref().and_then(|i| d.session.profile.level(i)).map_or("not set".to_string(), |l| l.name.clone())
            };
            egui::ComboBox::from_label("Current level")
                .selected_text(name(&current))
                .show_ui(ui, |ui| {
                    for l in &d.session.profile.levels {
                        if ui.selectable_label(current.as_deref() == Some(l.id.as_str()), &l.name).clicked() {
                            partner.level = Some(l.id.clone());
                            changed = true;
                        }
                    }
                });
        }
        let mut text = view.anniversary.clone();
        if let Some(d) = widgets::date_field(ui, "Anniversary", "anniversary", &mut text, partner.anniversary) {
            partner.anniversary = d;
            changed = true;
            text = d.map_or(String::new(), |d| d.to_string());
        }
        view.anniversary = text;
        if let Some(out) = state.outcome() {
            widgets::hint(ui, format!(
                "Deadline {} · window {} to {}",
                out.eval.dates.deadline, out.eval.dates.window_start, out.eval.dates.window_end()
            ));
            if out.eval.as_of > out.eval.dates.anniversary {
                ui.label(RichText::new("⚠ The anniversary is past: enter the next one.").color(status_color(ui, Some(false))));
            }
        }
        if changed {
            cmds.push(Command::Edit(Edit::Partner(partner)));
        }

        widgets::heading(ui, "Program profile");
        if let Ok(d) = &state.derived {
            ui.label(format!("{} ({})", d.session.profile.name, match ws.profile {
                ProfileChoice::Builtin => "built in",
                ProfileChoice::Custom(_) => "kept in this workspace",
            }));
        }
        ui.horizontal(|ui| {
            if ui.button("Load a profile…").clicked() {
                cmds.push(Command::Dialog(Pick::Profile));
            }
            if matches!(ws.profile, ProfileChoice::Custom(_)) && ui.button("Use the built-in profile").clicked() {
                cmds.push(Command::Edit(Edit::Profile(ProfileChoice::Builtin)));
            }
        });

        widgets::heading(ui, "Exchange rates (USD per unit)");
        egui::Grid::new("rates").striped(true).show(ui, |ui| {
            for (i, r) in ws.rates.iter().enumerate() {
                ui.label(r.currency.as_str());
                ui.label(r.month.map_or("every month".to_string(), |m| m.label()));
                ui.label(r.usd_per.to_string());
                if ui.button(format!("Remove {} rate", r.currency)).clicked() {
                    cmds.push(Command::Edit(Edit::Rates(ListEdit::Remove(i))));
                }
                ui.end_row();
            }
        });
        if let Some(out) = state.outcome()
            && !out.eval.needs_rate.is_empty()
        {
            let mut missing: Vec<&str> = out.eval.needs_rate.iter().map(|n| n.currency.as_str()).collect();
            missing.sort();
            missing.dedup();
            ui.label(RichText::new(format!("⚠ Rows wait for a rate: {}", missing.join(", "))).color(status_color(ui, Some(false))));
        }
        ui.horizontal_wrapped(|ui| {
            widgets::labelled_text(ui, "Currency", &mut view.rate_currency, 48.0);
            widgets::labelled_text(ui, "Month (optional, YYYY-MM)", &mut view.rate_month, 72.0);
            widgets::labelled_text(ui, "USD per unit", &mut view.rate_value, 72.0);
            if ui.button("Add rate").clicked() {
                let month = if view.rate_month.trim().is_empty() { Ok(None) } else { Month::parse(&view.rate_month).map(Some).ok_or(()) };
                let value = Decimal::from_str(view.rate_value.trim());
                view.rate_error = match (Currency::from_cell(&view.rate_currency), month, value) {
                    (Some(currency), Ok(month), Ok(usd_per)) => match crate::money::limits::check_rate(currency.as_str(), usd_per) {
                        Ok(()) => {
                            let existing = ws.rates.iter().position(|r| r.currency == currency && r.month == month);
                            cmds.push(Command::Edit(Edit::Rates(match existing { Some(i) => ListEdit::Replace(i, Rate { currency, month, usd_per }), None => ListEdit::Add(Rate { currency, month, usd_per }) })));
                            view.rate_value.clear();
                            None
                        }
                        Err(e) => Some(e.to_string()),
                    },
                    _ => Some("a rate needs a currency, an optional month YYYY-MM and a number (USD per unit)".into()),
                };
            }
        });
        if let Some(e) = &view.rate_error {
            ui.label(RichText::new(format!("⚠ {e}")).color(status_color(ui, Some(false))));
        }

        widgets::heading(ui, "Planned purchases (scenario)");
        widgets::hint(ui, "Planned purchases raise the forecast at the deadline; they never count as actual purchases.");
        for (i, p) in ws.planned.iter().enumerate() {
            ui.horizontal_wrapped(|ui| {
                ui.label(format!("{} · {} · {} {} kits · {}", p.date, p.description, p.line, super::widgets::count(p.kits), usd(p.amount_usd)));
                if ui.button(format!("Remove plan {}", i + 1)).clicked() {
                    cmds.push(Command::Edit(Edit::Planned(ListEdit::Remove(i))));
                }
            });
        }
        if let Some(out) = state.outcome() {
            // the summary's sentence, as the dashboard and every export say it
            ui.label(crate::report::summary::forecast_sentence(&out.eval));
        }
        ui.horizontal_wrapped(|ui| {
            widgets::labelled_text(ui, "Planned on", &mut view.plan_date, 96.0);
            widgets::labelled_text(ui, "What", &mut view.plan_what, 180.0);
            egui::ComboBox::from_label("Product line")
                .selected_text(view.plan_line.map_or("choose", |l| l.key()))
                .show_ui(ui, |ui| {
                    for l in ProductLine::ALL {
                        ui.selectable_value(&mut view.plan_line, Some(l), l.key());
                    }
                });
            widgets::labelled_text(ui, "Kits", &mut view.plan_kits, 56.0);
            widgets::labelled_text(ui, "Revenue (USD)", &mut view.plan_usd, 90.0);
            if ui.button("Add planned purchase").clicked() {
                view.plan_error = match (
                    NaiveDate::parse_from_str(view.plan_date.trim(), "%Y-%m-%d"),
                    view.plan_line,
                    view.plan_kits.trim().parse::<i64>(),
                    Decimal::from_str(view.plan_usd.trim()),
                ) {
                    (Ok(date), Some(line), Ok(kits), Ok(amount_usd)) => {
                        let plan = PlannedPurchase { date, description: view.plan_what.trim().to_string(), line, kits, amount_usd };
                        match Workspace::check_planned(&plan) {
                            Ok(()) => {
                                cmds.push(Command::Edit(Edit::Planned(ListEdit::Add(plan))));
                                view.plan_what.clear();
                                view.plan_kits.clear();
                                view.plan_usd.clear();
                                None
                            }
                            Err(e) => Some(e.to_string()),
                        }
                    }
                    _ => Some("a planned purchase needs a date (YYYY-MM-DD), a line, whole kits and a revenue".into()),
                };
            }
        });
        if let Some(e) = &view.plan_error {
            ui.label(RichText::new(format!("⚠ {e}")).color(status_color(ui, Some(false))));
        }
        if let Some(e) = &view.error {
            ui.label(RichText::new(e).color(status_color(ui, Some(false))));
        }
    });
}
