//! Looks: a calm type scale and spacing, light and dark following the system.

use eframe::egui::{self, FontFamily, FontId, TextStyle};

/// DejaVu Sans, the fallback for symbols the default fonts lack (✔ ✘ ⚠ ⏶ ●).
const DEJAVU: &[u8] = crate::report::chart::FONT_DATA;

/// Apply fonts, the type scale and spacing to both themes (the theme follows the system until
/// the user picks one in View ▸ Theme; egui persists that choice).
pub fn apply(ctx: &egui::Context) {
    let mut fonts = egui::FontDefinitions::default();
    fonts.font_data.insert(
        "dejavu".into(),
        std::sync::Arc::new(egui::FontData::from_static(DEJAVU)),
    );
    for family in [FontFamily::Proportional, FontFamily::Monospace] {
        fonts
            .families
            .entry(family)
            .or_default()
            .push("dejavu".into());
    }
    ctx.set_fonts(fonts);
    for theme in [egui::Theme::Light, egui::Theme::Dark] {
        ctx.style_mut_of(theme, |style| {
            style.text_styles = [
                (
                    TextStyle::Small,
                    FontId::new(11.0, FontFamily::Proportional),
                ),
                (TextStyle::Body, FontId::new(14.0, FontFamily::Proportional)),
                (
                    TextStyle::Button,
                    FontId::new(14.0, FontFamily::Proportional),
                ),
                (
                    TextStyle::Monospace,
                    FontId::new(13.0, FontFamily::Monospace),
                ),
                (
                    TextStyle::Heading,
                    FontId::new(19.0, FontFamily::Proportional),
                ),
            ]
            .into();
            style.spacing.item_spacing = egui::vec2(8.0, 6.0);
            style.spacing.button_padding = egui::vec2(8.0, 4.0);
            style.spacing.interact_size.y = 24.0;
            // scroll bars always drawn: a panel longer than the window shows that it goes on
            // (floating bars appeared only under the pointer)
            style.spacing.scroll = egui::style::ScrollStyle::solid();
        });
    }
}

/// The big figure style of the dashboard cards.
pub fn figure() -> FontId {
    FontId::new(24.0, FontFamily::Proportional)
}
