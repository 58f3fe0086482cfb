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
/// `text` is the field's draft; returns the new date when it changed to a valid one, and the
/// text field's response (whether it lost focus, for an error beside it). An empty field
/// shows no date; its calendar opens on `today`'s month (the app's today, fixed at launch:
/// the field never reads the clock itself).
pub fn date_field_from(
    ui: &mut Ui,
    label: &str,
    id: &str,
    text: &mut String,
    current: Option<NaiveDate>,
    today: NaiveDate,
) -> (Option<Option<NaiveDate>>, egui::Response) {
    let mut out = None;
    let field = ui.horizontal(|ui| {
        let l = ui.label(label);
        let r = ui
            .add(
                egui::TextEdit::singleline(text)
                    .desired_width(108.0)
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
        // the field shows the date; the button only opens the calendar (on the field's date,
        // else on today's month), so an empty field shows no date anywhere
        let mut picked = current
            .or_else(|| NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").ok())
            .unwrap_or(today);
        let Some(mut day) = to_jiff(picked) else {
            return r;
        };
        let button = ui
            .add(
                egui_extras::DatePickerButton::new(&mut day)
                    .id_salt(id)
                    // literal text, no date: the field beside it shows the date
                    .format("Calendar")
                    .show_icon(false)
                    .calendar_week(false),
            )
            .on_hover_text(format!("Pick the {} from a calendar", label.to_lowercase()));
        if button.changed()
            && let Some(d) = from_jiff(day)
        {
            picked = d;
            *text = picked.to_string();
            out = Some(Some(picked));
        }
        r
    });
    (out, field.inner)
}

/// A field (drawn by `add`) with what is wrong with it, if anything, right under it.
pub fn with_error<R>(ui: &mut Ui, error: Option<&str>, add: impl FnOnce(&mut Ui) -> R) -> R {
    ui.vertical(|ui| {
        let inner = ui.horizontal(add);
        if let Some(e) = error {
            ui.set_max_width(inner.response.rect.width().max(160.0));
            let color = status_color(ui, Some(false));
            ui.add(egui::Label::new(RichText::new(format!("⚠ {e}")).color(color).small()).wrap());
        }
        inner.inner
    })
    .inner
}

/// An exchange rate as typed: a decimal comma reads as the mark ("1,10"), since a rate has no
/// thousands; None when it is not a number.
pub fn typed_rate(text: &str) -> Option<rust_decimal::Decimal> {
    let text = text.trim();
    let text = if text.contains('.') {
        text.to_string()
    } else {
        text.replacen(',', ".", 1)
    };
    text.parse().ok()
}

/// Whether Enter was pressed in one of a form's `fields` (it leaves the field): the form's
/// own button is then taken as pressed, as a person expects of a form.
pub fn entered(ui: &Ui, fields: &[&egui::Response]) -> bool {
    fields.iter().any(|f| f.lost_focus()) && ui.input(|i| i.key_pressed(egui::Key::Enter))
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

/// How often a [`spinner`] moves: ten times a second. egui's own spinner asks for a new frame
/// every frame, which with software GL (about 45 ms a frame on 2 cores) takes the CPU the job
/// it waits for needs: opening a 200,000-purchase workspace took twice as long.
const SPINNER_FRAME: std::time::Duration = std::time::Duration::from_millis(100);

/// A spinner (work under way) drawn as egui's, moving at [`SPINNER_FRAME`] rather than at
/// every frame the display allows.
pub fn spinner(ui: &mut Ui) {
    let size = ui.style().spacing.interact_size.y;
    let (rect, response) = ui.allocate_exact_size(egui::vec2(size, size), egui::Sense::hover());
    response.widget_info(|| egui::WidgetInfo::new(egui::Role::ProgressIndicator));
    if ui.is_rect_visible(rect) {
        ui.ctx().request_repaint_after(SPINNER_FRAME);
        let colour = ui.visuals().strong_text_color();
        let radius = (rect.height().min(rect.width()) * 0.5) - 2.0;
        let n_points = (radius.round() as u32).clamp(8, 128);
        let time = ui.input(|i| i.time);
        let start = time * std::f64::consts::TAU;
        let end = start + 240f64.to_radians() * time.sin();
        let points = (0..n_points)
            .map(|i| {
                let angle = egui::lerp(start..=end, f64::from(i) / f64::from(n_points));
                let (sin, cos) = angle.sin_cos();
                rect.center() + radius * egui::vec2(cos as f32, sin as f32)
            })
            .collect();
        ui.painter()
            .add(egui::Shape::line(points, egui::Stroke::new(3.0, colour)));
    }
}
