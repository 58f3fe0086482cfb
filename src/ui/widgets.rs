//! Small widgets shared by the panels: numbers for people, status shown by icon and text as well
//! as colour, labelled fields, dates with a picker.

use chrono::{Datelike, NaiveDate};
use eframe::egui::{self, Color32, RichText, Ui};
use rust_decimal::Decimal;

use crate::report::grouped_units;

/// KPI units for people ("4,984.5").
pub fn units(d: Decimal) -> String {
    grouped_units(d)
}

/// A count for people, with thousands separators ("400,000").
pub fn count(n: impl Into<i64>) -> String {
    crate::report::grouped(rust_decimal::Decimal::from(n.into()), 0)
}

/// A length as a count (saturating: no list is that long).
pub fn len(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

/// USD for people ("$12,345.50").
pub fn usd(d: Decimal) -> String {
    crate::report::usd(d)
}

/// An amount in another currency for people ("EUR 12,345.50").
pub fn money(d: Decimal, currency: crate::money::Currency) -> String {
    let sign = if d.is_sign_negative() && !crate::money::cents(d).is_zero() {
        "-"
    } else {
        ""
    };
    format!("{sign}{currency} {}", crate::report::grouped(d.abs(), 2))
}

/// Colour-blind-safe status colours (blue / orange / grey), always shown with an icon and a word.
pub fn status_color(ui: &Ui, met: Option<bool>) -> Color32 {
    let dark = ui.visuals().dark_mode;
    match (met, dark) {
        (Some(true), false) => Color32::from_rgb(0, 94, 184),
        (Some(true), true) => Color32::from_rgb(110, 176, 255),
        (Some(false), false) => Color32::from_rgb(190, 80, 0),
        (Some(false), true) => Color32::from_rgb(255, 160, 80),
        (None, _) => ui.visuals().weak_text_color(),
    }
}

/// "✔ Met", "✘ Not met", "? Unknown".
pub fn status_text(met: Option<bool>) -> &'static str {
    match met {
        Some(true) => "✔ Met",
        Some(false) => "✘ Not met",
        None => "? Unknown",
    }
}

/// A status badge.
pub fn status(ui: &mut Ui, met: Option<bool>) -> egui::Response {
    let color = status_color(ui, met);
    ui.label(RichText::new(status_text(met)).color(color).strong())
}

/// A number, right-aligned in its cell.
pub fn right(ui: &mut Ui, text: impl Into<egui::WidgetText>) -> egui::Response {
    ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
        ui.label(text)
    })
    .inner
}

/// A single-line text field with a visible label that names it for screen readers and tests.
pub fn labelled_text(ui: &mut Ui, label: &str, value: &mut String, width: f32) -> egui::Response {
    ui.horizontal(|ui| {
        let l = ui.label(label);
        ui.add(egui::TextEdit::singleline(value).desired_width(width))
            .labelled_by(l.id)
    })
    .inner
}

fn to_jiff(d: NaiveDate) -> Option<jiff::civil::Date> {
    jiff::civil::Date::new(
        i16::try_from(d.year()).ok()?,
        d.month() as i8,
        d.day() as i8,
    )
    .ok()
}

fn from_jiff(d: jiff::civil::Date) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(i32::from(d.year()), d.month() as u32, d.day() as u32)
}

/// A date field: typed as YYYY-MM-DD (keyboard) or picked from a calendar (mouse).
/// `text` is the field's draft; returns the new date when it changed to a valid one.
pub fn date_field(
    ui: &mut Ui,
    label: &str,
    id: &str,
    text: &mut String,
    current: Option<NaiveDate>,
) -> Option<Option<NaiveDate>> {
    let mut out = None;
    ui.horizontal(|ui| {
        let l = ui.label(label);
        let r = ui
            .add(
                egui::TextEdit::singleline(text)
                    .desired_width(96.0)
                    .hint_text("YYYY-MM-DD"),
            )
            .labelled_by(l.id);
        if r.lost_focus() || (r.changed() && text.len() == 10) {
            let trimmed = text.trim();
            if trimmed.is_empty() {
                if current.is_some() {
                    out = Some(None);
                }
            } else if let Ok(d) = NaiveDate::parse_from_str(trimmed, "%Y-%m-%d")
                && Some(d) != current
            {
                out = Some(Some(d));
            }
        }
        let mut picked = current
            .and_then(to_jiff)
            .unwrap_or_else(|| jiff::civil::date(2026, 1, 1));
        let before = picked;
        ui.add(
            egui_extras::DatePickerButton::new(&mut picked)
                .id_salt(id)
                .show_icon(false)
                .calendar_week(false),
        );
        if picked != before
            && let Some(d) = from_jiff(picked)
        {
            *text = d.to_string();
            out = Some(Some(d));
        }
    });
    out
}

/// A section heading.
pub fn heading(ui: &mut Ui, text: &str) {
    ui.add_space(6.0);
    ui.label(RichText::new(text).heading());
    ui.add_space(2.0);
}

/// A weak, small explanation line.
pub fn hint(ui: &mut Ui, text: impl Into<String>) {
    ui.label(RichText::new(text.into()).weak().small());
}
