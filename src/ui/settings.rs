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
use egui_extras::{Column, TableBuilder};

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
    /// Focus the rate's field in the next frame (the dashboard named its currency).
    pub focus_rate: bool,
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
    /// Errors beside single fields, by field label.
    pub field_errors: std::collections::BTreeMap<&'static str, String>,
    /// The selected exchange rate, as it was when selected.
    pub selected_rate: Option<(usize, Rate)>,
    /// The selected planned purchase, as it was when selected.
    pub selected_plan: Option<(usize, PlannedPurchase)>,
    /// The rate being edited in the form, as it was when Edit was pressed.
    pub editing_rate: Option<(usize, Rate)>,
    /// The planned purchase being edited in the form, as it was when Edit was pressed.
    pub editing_plan: Option<(usize, PlannedPurchase)>,
}

impl SettingsView {
    /// The partner's name or ID as typed but not yet committed (the fields commit when they
    /// lose focus): a save, a close or an export taken while the cursor is still in one
    /// commits it first ([`super::app::LpkpiApp::commit_drafts`]), so no typing is lost.
    pub fn pending_partner(&self, state: &AppState) -> Option<Edit> {
        let partner = &state.workspace.partner;
        // the drafts are of this revision (they are reloaded when it changes)
        if self.loaded != Some(state.revision)
            || (self.name == partner.name && self.partner_id == partner.partner_id)
        {
            return None;
        }
        let mut partner = partner.clone();
        partner.name = self.name.clone();
        partner.partner_id = self.partner_id.clone();
        Some(Edit::Partner(partner))
    }

    /// Fill the rate form with `rate`, to be saved over it.
    fn edit_rate(&mut self, at: usize, rate: &Rate) {
        self.rate_currency = rate.currency.to_string();
        self.rate_month = rate.month.map_or(String::new(), Month::label);
        self.rate_value = rate.usd_per.to_string();
        self.clear_errors(&["Currency", "Month", "USD per unit"]);
        self.rate_error = None;
        self.editing_rate = Some((at, rate.clone()));
    }

    /// Empty the rate form and leave editing.
    fn clear_rate(&mut self) {
        self.rate_currency.clear();
        self.rate_month.clear();
        self.rate_value.clear();
        self.clear_errors(&["Currency", "Month", "USD per unit"]);
        self.rate_error = None;
        self.editing_rate = None;
    }

    /// Fill the planned purchase form with `plan`, to be saved over it.
    fn edit_plan(&mut self, at: usize, plan: &PlannedPurchase) {
        self.plan_date = plan.date.to_string();
        self.plan_what = plan.description.clone();
        self.plan_line = Some(plan.line);
        self.plan_kits = plan.kits.to_string();
        self.plan_usd = plan.amount_usd.to_string();
        self.clear_errors(&["Planned on", "Product line", "Kits", "Revenue (USD)"]);
        self.plan_error = None;
        self.editing_plan = Some((at, plan.clone()));
    }

    /// Empty the planned purchase form (the date stays: plans often share one) and leave
    /// editing.
    fn clear_plan(&mut self) {
        self.plan_what.clear();
        self.plan_line = None;
        self.plan_kits.clear();
        self.plan_usd.clear();
        self.clear_errors(&["Planned on", "Product line", "Kits", "Revenue (USD)"]);
        self.plan_error = None;
        self.editing_plan = None;
    }

    /// The rate and the planned purchase being edited, when their forms say something else
    /// than they do: the edits that save them (what Save rate and Save planned purchase
    /// would do), or the error that stops one (shown beside its field too). A save, a close or
    /// an export taken with a form open applies it first
    /// ([`super::app::LpkpiApp::commit_drafts`]), so no typing is lost.
    pub fn pending_edits(&mut self, ws: &Workspace) -> Vec<Result<Command, String>> {
        let mut out = Vec::new();
        if let Some(original) = self.editing_rate.clone() {
            let mut as_was = SettingsView::default();
            as_was.edit_rate(original.0, &original.1);
            if (&self.rate_currency, &self.rate_month, &self.rate_value)
                != (
                    &as_was.rate_currency,
                    &as_was.rate_month,
                    &as_was.rate_value,
                )
            {
                let mut cmds = Vec::new();
                self.submit_rate(ws, &mut cmds);
                out.push(cmds.pop().ok_or_else(|| match &self.rate_error {
                    // the rate changed meanwhile (an undo): the form says so, and is kept
                    Some(e) if self.editing_rate.is_none() => {
                        format!("The rate being edited in Settings: {e}")
                    }
                    _ => format!(
                        "The edit of the {} rate in Settings has an error: correct it, or Cancel editing",
                        original.1.currency
                    ),
                }));
            }
        }
        if let Some(original) = self.editing_plan.clone() {
            let mut as_was = SettingsView::default();
            as_was.edit_plan(original.0, &original.1);
            let form = |v: &SettingsView| {
                (
                    v.plan_date.clone(),
                    v.plan_what.clone(),
                    v.plan_line,
                    v.plan_kits.clone(),
                    v.plan_usd.clone(),
                )
            };
            if form(self) != form(&as_was) {
                let mut cmds = Vec::new();
                self.submit_plan(ws, &mut cmds);
                out.push(cmds.pop().ok_or_else(|| match &self.plan_error {
                    Some(e) if self.editing_plan.is_none() => {
                        format!("The planned purchase being edited in Settings: {e}")
                    }
                    _ => "The edit of a planned purchase in Settings has an error: correct it, or Cancel editing"
                        .to_string(),
                }));
            }
        }
        out
    }

    /// Save the rate form: a new rate, a new value for a currency and month already there,
    /// or the rate being edited; the errors beside the fields when it cannot be.
    fn submit_rate(&mut self, ws: &Workspace, cmds: &mut Vec<Command>) {
        let currency = Currency::from_cell(&self.rate_currency);
        let month = if self.rate_month.trim().is_empty() {
            Ok(None)
        } else {
            Month::parse(&self.rate_month).map(Some).ok_or(())
        };
        let value = widgets::typed_rate(&self.rate_value)
            .ok_or_else(|| "a number, e.g. 1.08".to_string())
            .and_then(|usd_per| {
                let code = currency.as_ref().map_or("", |c| c.as_str());
                crate::money::limits::check_rate(code, usd_per)
                    .map(|()| usd_per)
                    .map_err(|e| e.to_string())
            });
        self.set_field_error(
            "Currency",
            currency
                .is_none()
                .then(|| "a currency code, e.g. EUR".to_string()),
        );
        self.set_field_error(
            "Month",
            month
                .is_err()
                .then(|| "a month as YYYY-MM, or empty for every month".to_string()),
        );
        self.set_field_error("USD per unit", value.as_ref().err().cloned());
        self.rate_error = None;
        if let (Some(currency), Ok(month), Ok(usd_per)) = (currency, month, value) {
            let rate = Rate {
                currency,
                month,
                usd_per,
            };
            let existing = ws
                .rates
                .iter()
                .position(|r| r.currency == rate.currency && r.month == rate.month);
            match &self.editing_rate {
                // the rate edited may have moved or gone since (undo, removal)
                Some(original) => match position(&ws.rates, original) {
                    None => {
                        self.rate_error = Some(format!(
                            "the {} rate changed meanwhile: edit again",
                            original.1.currency
                        ));
                        self.editing_rate = None;
                    }
                    Some(i) if existing.is_some_and(|j| j != i) => {
                        self.rate_error = Some(format!(
                            "there is already a {} rate for {}: select it and Edit",
                            rate.currency,
                            rate.month.map_or("every month".into(), Month::label)
                        ));
                    }
                    Some(i) => {
                        cmds.push(Command::Edit(Edit::Rates(ListEdit::Replace(i, rate))));
                        self.clear_rate();
                    }
                },
                // a rate for a currency and month already there is a new value for it
                None => {
                    cmds.push(Command::Edit(Edit::Rates(match existing {
                        Some(i) => ListEdit::Replace(i, rate),
                        None => ListEdit::Add(rate),
                    })));
                    self.rate_value.clear();
                }
            }
        }
    }

    /// Save the planned purchase form: a new plan or the plan being edited; the errors beside
    /// the fields when it cannot be.
    fn submit_plan(&mut self, ws: &Workspace, cmds: &mut Vec<Command>) {
        let date = NaiveDate::parse_from_str(self.plan_date.trim(), "%Y-%m-%d");
        let kits = self.plan_kits.trim().parse::<i64>();
        let amount = Decimal::from_str(self.plan_usd.trim());
        self.set_field_error(
            "Planned on",
            date.is_err().then(|| "a date as YYYY-MM-DD".to_string()),
        );
        self.set_field_error(
            "Product line",
            self.plan_line
                .is_none()
                .then(|| "choose a product line".to_string()),
        );
        self.set_field_error(
            "Kits",
            kits.is_err().then(|| "a whole number of kits".to_string()),
        );
        self.set_field_error(
            "Revenue (USD)",
            amount
                .is_err()
                .then(|| "an amount in USD, e.g. 1200.00".to_string()),
        );
        self.plan_error = None;
        if let (Ok(date), Some(line), Ok(kits), Ok(amount_usd)) =
            (date, self.plan_line, kits, amount)
        {
            let plan = PlannedPurchase {
                date,
                description: self.plan_what.trim().to_string(),
                line,
                kits,
                amount_usd,
            };
            // the plan edited may have moved or gone since (undo, removal)
            let at = self
                .editing_plan
                .as_ref()
                .map(|original| position(&ws.planned, original));
            match (Workspace::check_planned(&plan), at) {
                (Err(e), _) => self.plan_error = Some(e.to_string()),
                (Ok(()), Some(None)) => {
                    self.plan_error =
                        Some("the planned purchase changed meanwhile: edit again".into());
                    self.editing_plan = None;
                }
                (Ok(()), Some(Some(i))) => {
                    cmds.push(Command::Edit(Edit::Planned(ListEdit::Replace(i, plan))));
                    self.clear_plan();
                }
                (Ok(()), None) => {
                    cmds.push(Command::Edit(Edit::Planned(ListEdit::Add(plan))));
                    self.plan_what.clear();
                    self.plan_kits.clear();
                    self.plan_usd.clear();
                }
            }
        }
    }

    /// The error beside the field `k` (none: the field is fine).
    fn set_field_error(&mut self, k: &'static str, e: Option<String>) {
        match e {
            Some(e) => {
                self.field_errors.insert(k, e);
            }
            None => {
                self.field_errors.remove(k);
            }
        }
    }

    /// The rate form filled in for `code` (every month), its rate's field to be focused; a
    /// rate being edited is left as it is.
    pub fn rate_for(&mut self, code: String) {
        if self.editing_rate.is_none() {
            self.rate_currency = code;
            self.rate_month.clear();
            self.clear_errors(&["Currency", "Month", "USD per unit"]);
            self.focus_rate = true;
        }
    }

    fn clear_errors(&mut self, fields: &[&'static str]) {
        for f in fields {
            self.field_errors.remove(f);
        }
    }
}

/// Where `kept` is now in `list` (it may have moved or gone since it was selected).
fn position<T: PartialEq>(list: &[T], kept: &(usize, T)) -> Option<usize> {
    if list.get(kept.0) == Some(&kept.1) {
        return Some(kept.0);
    }
    list.iter().position(|x| *x == kept.1)
}

/// A small table of selectable rows (one per line, `cells` each), its header kept in view,
/// scrolling both ways inside its own area; the columns in `numeric` right-aligned, header and
/// cells, as every table of figures is; returns the row clicked.
fn pick_table(
    ui: &mut Ui,
    id: &str,
    headers: &[&str],
    widths: &[f32],
    numeric: &[usize],
    rows: &[Vec<String>],
    selected: Option<usize>,
) -> Option<usize> {
    // a row fits a selectable label; the table adds the item spacing between rows
    let row_height = ui.spacing().interact_size.y;
    let step = row_height + ui.spacing().item_spacing.y;
    let height = step * rows.len().min(6) as f32 + 4.0;
    let mut clicked = None;
    egui::ScrollArea::horizontal()
        .id_salt(format!("{id}-h"))
        .show(ui, |ui| {
            // a click on a row's text picks the row rather than starting a text selection
            ui.style_mut().interaction.selectable_labels = false;
            let mut table = TableBuilder::new(ui)
                .id_salt(id)
                .striped(true)
                .sense(egui::Sense::click())
                .cell_layout(egui::Layout::left_to_right(egui::Align::Center))
                .max_scroll_height(height)
                .min_scrolled_height(height);
            // columns as wide as their content: past the window's width, the table scrolls sideways
            for w in widths {
                table = table.column(Column::auto().at_least(*w).resizable(true));
            }
            table
                .header(row_height, |mut h| {
                    for (c, title) in headers.iter().enumerate() {
                        h.col(|ui| {
                            let title = RichText::new(*title).strong();
                            if numeric.contains(&c) {
                                widgets::right(ui, title);
                            } else {
                                ui.label(title);
                            }
                        });
                    }
                })
                .body(|body| {
                    body.rows(row_height, rows.len(), |mut row| {
                        let i = row.index();
                        let Some(cells) = rows.get(i) else {
                            return;
                        };
                        row.set_selected(selected == Some(i));
                        let mut hit = false;
                        for (c, text) in cells.iter().enumerate() {
                            let (_, r) = row.col(|ui| {
                                if c == 0 {
                                    hit |= ui.selectable_label(selected == Some(i), text).clicked();
                                } else if numeric.contains(&c) {
                                    widgets::right(ui, text);
                                } else {
                                    ui.label(text);
                                }
                            });
                            hit |= r.clicked();
                        }
                        if hit || row.response().clicked() {
                            clicked = Some(i);
                        }
                    });
                });
        });
    clicked
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
    egui::ScrollArea::vertical().id_salt("settings").auto_shrink([false, false]).show(ui, |ui| {
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
            ui.horizontal(|ui| {
                let label = ui.label("Current level");
                egui::ComboBox::from_id_salt("current-level")
                    .selected_text(name(&current))
                    .show_ui(ui, |ui| {
                        for l in &d.session.profile.levels {
                            if ui.selectable_label(current.as_deref() == Some(l.id.as_str()), &l.name).clicked() {
                                partner.level = Some(l.id.clone());
                                changed = true;
                            }
                        }
                    })
                    .response
                    .labelled_by(label.id);
            });
        }
        let mut text = view.anniversary.clone();
        let error = view.field_errors.get("Anniversary").cloned();
        let (picked, field) = widgets::with_error(ui, error.as_deref(), |ui| {
            widgets::date_field_from(ui, "Anniversary", "anniversary", &mut text, partner.anniversary, state.today)
        });
        if let Some(d) = picked {
            partner.anniversary = d;
            changed = true;
            text = d.map_or(String::new(), |d| d.to_string());
        }
        // a date typed that is not one stays in the field, with why beside it
        let typed = text.trim();
        if typed.is_empty() || NaiveDate::parse_from_str(typed, "%Y-%m-%d").is_ok() {
            view.field_errors.remove("Anniversary");
        } else if field.lost_focus() {
            view.field_errors.insert("Anniversary", format!("'{typed}' is not a date (YYYY-MM-DD)"));
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
        if view.selected_rate.as_ref().is_some_and(|k| position(&ws.rates, k).is_none()) {
            view.selected_rate = None;
        }
        if ws.rates.is_empty() {
            ui.label(RichText::new("No rate yet: rows in other currencies wait for one.").weak());
        } else {
            // shown by currency, its every-month rate first, then month by month (the list
            // keeps the order they were entered in)
            let mut order: Vec<usize> = (0..ws.rates.len()).collect();
            order.sort_by_key(|&i| ws.rates.get(i).map(|r| (r.currency.as_str().to_string(), r.month)));
            let rows: Vec<Vec<String>> = order.iter().filter_map(|&i| ws.rates.get(i)).map(|r| vec![
                r.currency.as_str().to_string(),
                r.month.map_or("every month".to_string(), |m| m.label()),
                r.usd_per.to_string(),
            ]).collect();
            let at = view.selected_rate.as_ref().and_then(|k| position(&ws.rates, k));
            let shown_at = at.and_then(|a| order.iter().position(|&i| i == a));
            if let Some(i) = pick_table(ui, "rates", &["Currency code", "Applies to", "Rate (USD per unit)"], &[110.0, 120.0, 140.0], &[2], &rows, shown_at).and_then(|row| order.get(row).copied()) {
                view.selected_rate = if at == Some(i) { None } else { ws.rates.get(i).map(|r| (i, r.clone())) };
            }
            let at = view.selected_rate.as_ref().and_then(|k| position(&ws.rates, k));
            let chosen = at.and_then(|i| ws.rates.get(i).map(|r| (i, r.clone())));
            ui.horizontal(|ui| {
                // "the EUR rate of 2026-10" apart from "the EUR rate" of every month
                let name = |verb: &str| chosen.as_ref().map_or(format!("{verb} rate"), |(_, r)| format!("{verb} the {} rate{}", r.currency, r.month.map_or(String::new(), |m| format!(" of {}", m.label()))));
                if ui.add_enabled(chosen.is_some(), egui::Button::new(name("Edit"))).clicked()
                    && let Some((i, r)) = &chosen
                {
                    view.edit_rate(*i, r);
                }
                if ui.add_enabled(chosen.is_some(), egui::Button::new(name("Remove"))).clicked()
                    && let Some((i, _)) = &chosen
                {
                    cmds.push(Command::Edit(Edit::Rates(ListEdit::Remove(*i))));
                    view.selected_rate = None;
                    // the rate being edited, wherever it is now
                    if view.editing_rate.as_ref().is_some_and(|e| position(&ws.rates, e) == Some(*i)) {
                        view.clear_rate();
                    }
                }
            });
        }
        // the dashboard's sentences, worked out with the figures (not a pass over the rows in
        // each frame)
        for (_, line) in state.derived.as_ref().map_or(&[][..], |d| &d.held_back[..]) {
            ui.label(RichText::new(format!("⚠ {line}")).color(status_color(ui, Some(false))));
        }
        ui.horizontal_wrapped(|ui| {
            let err = |k: &str| view.field_errors.get(k).cloned();
            let (e_cur, e_month, e_value) = (err("Currency"), err("Month"), err("USD per unit"));
            let fields = [
                widgets::with_error(ui, e_cur.as_deref(), |ui| widgets::labelled_text(ui, "Currency", &mut view.rate_currency, 48.0)),
                widgets::with_error(ui, e_month.as_deref(), |ui| widgets::labelled_text(ui, "Month (optional, YYYY-MM)", &mut view.rate_month, 72.0)),
                widgets::with_error(ui, e_value.as_deref(), |ui| widgets::labelled_text(ui, "USD per unit", &mut view.rate_value, 72.0)),
            ];
            // a field's error goes once the field is changed; a currency named from the
            // dashboard leaves its rate to type
            for (field, name) in fields.iter().zip(["Currency", "Month", "USD per unit"]) {
                if field.changed() {
                    view.field_errors.remove(name);
                }
            }
            if std::mem::take(&mut view.focus_rate) {
                fields[2].request_focus();
                fields[2].scroll_to_me(Some(egui::Align::Center));
            }
            let entered = widgets::entered(ui, &fields.each_ref());
            if let Some((_, r)) = &view.editing_rate {
                ui.label(RichText::new(format!("Editing the {} rate", r.currency)).strong());
            }
            let save = if view.editing_rate.is_some() { "Save rate" } else { "Add rate" };
            if ui.button(save).clicked() || entered {
                view.submit_rate(ws, cmds);
            }
            if view.editing_rate.is_some() && ui.button("Cancel editing").clicked() {
                view.clear_rate();
            }
        });
        if let Some(e) = &view.rate_error {
            ui.label(RichText::new(format!("⚠ {e}")).color(status_color(ui, Some(false))));
        }

        widgets::heading(ui, "Planned purchases (scenario)");
        widgets::hint(ui, "Planned purchases raise the forecast at the deadline; they never count as actual purchases.");
        if view.selected_plan.as_ref().is_some_and(|k| position(&ws.planned, k).is_none()) {
            view.selected_plan = None;
        }
        if !ws.planned.is_empty() {
            let eval = state.outcome().map(|o| &o.eval);
            let profile = state.derived.as_ref().ok().map(|d| &d.session.profile);
            let rows: Vec<Vec<String>> = ws.planned.iter().map(|p| vec![
                p.date.to_string(),
                p.description.clone(),
                // the line as the summary's table names it
                p.line.name().to_string(),
                widgets::count(p.kits),
                // the KPI units the kits are worth on their line, as the summary's table says
                profile.map_or(String::new(), |profile| crate::report::grouped_units(p.figures(profile).kpi_units)),
                usd(p.amount_usd),
                // whether the forecast counts it (R5), and why not
                eval.map_or(String::new(), |e| crate::report::summary::plan_counted(e, p.date).to_string()),
            ]).collect();
            let at = view.selected_plan.as_ref().and_then(|k| position(&ws.planned, k));
            if let Some(i) = pick_table(ui, "planned", &["Date", "Description", "Line", "Kits planned", "KPI units", "Revenue planned", "In the forecast"], &[96.0, 200.0, 100.0, 70.0, 70.0, 110.0, 120.0], &[3, 4, 5], &rows, at) {
                view.selected_plan = if at == Some(i) { None } else { ws.planned.get(i).map(|p| (i, p.clone())) };
            }
            let at = view.selected_plan.as_ref().and_then(|k| position(&ws.planned, k));
            let chosen = at.and_then(|i| ws.planned.get(i).map(|p| (i, p.clone())));
            ui.horizontal(|ui| {
                if ui.add_enabled(chosen.is_some(), egui::Button::new("Edit planned purchase")).clicked()
                    && let Some((i, p)) = &chosen
                {
                    view.edit_plan(*i, p);
                }
                if ui.add_enabled(chosen.is_some(), egui::Button::new("Remove planned purchase")).clicked()
                    && let Some((i, _)) = &chosen
                {
                    cmds.push(Command::Edit(Edit::Planned(ListEdit::Remove(*i))));
                    view.selected_plan = None;
                    if view.editing_plan.as_ref().is_some_and(|e| position(&ws.planned, e) == Some(*i)) {
                        view.clear_plan();
                    }
                }
            });
        }
        if let Some(out) = state.outcome() {
            // the summary's sentences, as the dashboard and every export say them
            ui.label(super::dashboard::forecast_sentence(state, &out.eval));
            if let Some(said) = crate::report::summary::plans_left_out(&out.eval, &ws.planned) {
                ui.label(RichText::new(format!("⚠ {said}")).color(status_color(ui, Some(false))));
            }
        }
        ui.horizontal_wrapped(|ui| {
            let err = |k: &str| view.field_errors.get(k).cloned();
            let (e_date, e_line, e_kits, e_usd) = (err("Planned on"), err("Product line"), err("Kits"), err("Revenue (USD)"));
            let date = widgets::with_error(ui, e_date.as_deref(), |ui| {
                let current = NaiveDate::parse_from_str(view.plan_date.trim(), "%Y-%m-%d").ok();
                widgets::date_field_from(ui, "Planned on", "plan-date", &mut view.plan_date, current, state.as_of_date()).1
            });
            let what = widgets::labelled_text(ui, "What", &mut view.plan_what, 180.0);
            widgets::with_error(ui, e_line.as_deref(), |ui| {
                let label = ui.label("Product line");
                egui::ComboBox::from_id_salt("plan-line")
                    .selected_text(view.plan_line.map_or("choose", |l| l.name()))
                    .show_ui(ui, |ui| {
                        for l in ProductLine::ALL {
                            ui.selectable_value(&mut view.plan_line, Some(l), l.name());
                        }
                    })
                    .response
                    .labelled_by(label.id);
            });
            // the figures and the button on a row of their own: the whole form fits 900 wide
            ui.end_row();
            let kits = widgets::with_error(ui, e_kits.as_deref(), |ui| widgets::labelled_text(ui, "Kits", &mut view.plan_kits, 56.0));
            let usd = widgets::with_error(ui, e_usd.as_deref(), |ui| widgets::labelled_text(ui, "Revenue (USD)", &mut view.plan_usd, 90.0));
            let entered = widgets::entered(ui, &[&date, &what, &kits, &usd]);
            if view.editing_plan.is_some() {
                ui.label(RichText::new("Editing the selected plan").strong());
            }
            let save = if view.editing_plan.is_some() { "Save planned purchase" } else { "Add planned purchase" };
            if ui.button(save).clicked() || entered {
                view.submit_plan(ws, cmds);
            }
            if view.editing_plan.is_some() && ui.button("Cancel editing").clicked() {
                view.clear_plan();
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
