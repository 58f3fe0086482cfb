//! Pictures: the `--screenshot` run (wait until the figures settle, take the frame, write the
//! PNG, close) and Save chart (the summary's chart from the core, as SVG or PNG).

use std::path::PathBuf;

use eframe::egui;

use super::app::LpkpiApp;
use super::command::{Command, Pick};

/// Frames drawn after the figures settle before a `--screenshot` is taken (layout and fonts
/// need a few).
const SETTLE_FRAMES: u32 = 5;

impl LpkpiApp {
    /// Save the chart: ask where.
    pub(super) fn save_chart(&mut self) {
        self.apply(Command::Dialog(Pick::ChartPng));
    }

    /// Where the chart goes is known: the summary's chart (the one every export carries, with
    /// its title, axes and labelled targets), as SVG or PNG by the file's extension, drawn and
    /// written on a worker thread.
    pub(super) fn chart_picked(&mut self, path: PathBuf) {
        if !self.state.settled() || self.state.running.is_some() {
            self.wait_for_figures(super::app::WaitingOutput::Chart(path));
            return;
        }
        let out = match &self.state.derived {
            Ok(d) => d.outcome.as_ref(),
            Err(e) => {
                self.error(format!("Nothing to draw: {e}"));
                return;
            }
        };
        let Some(out) = out else {
            self.error("Nothing to draw: enter the anniversary in Settings first");
            return;
        };
        let metric = if self.views.charts.revenue {
            crate::report::chart::Metric::Revenue
        } else {
            crate::report::chart::Metric::KpiUnits
        };
        let partner = self.state.workspace.partner_name();
        let svg = crate::report::chart::svg(&out.eval, partner, metric, 900, 480);
        // the write owns the progress bar until it is done ([`LpkpiApp::wrote`] clears it)
        self.state.running = Some(super::state::Running {
            label: format!("Writing {}", path.display()),
            cancellable: false,
            measured: false,
        });
        self.jobs.write_chart(path, svg);
    }

    /// Each frame of a `--screenshot` run: once nothing runs and the figures are settled, count
    /// a few frames, then ask for the screenshot.
    pub(super) fn screenshot_tick(&mut self, ctx: &egui::Context) {
        if self.options.screenshot.is_some() && self.state.running.is_none() && self.state.settled()
        {
            self.screenshot_frames += 1;
            if self.screenshot_frames == SETTLE_FRAMES {
                self.jobs.screenshot();
            }
            ctx.request_repaint();
        }
    }

    /// In a `--screenshot` run the pointer is not the user's (under Xvfb it rests in the middle
    /// of the screen): its moves, clicks and scrolls are dropped, so no hover (the chart's
    /// crosshair, a highlighted row) shows in the picture.
    pub(super) fn screenshot_input(&self, raw_input: &mut egui::RawInput) {
        if self.options.screenshot.is_some() {
            raw_input.events.retain(|e| {
                !matches!(
                    e,
                    egui::Event::PointerMoved(_)
                        | egui::Event::MouseMoved(_)
                        | egui::Event::PointerButton { .. }
                        | egui::Event::MouseWheel { .. }
                        | egui::Event::Touch { .. }
                )
            });
        }
    }

    /// The `--screenshot` arrived: write it, then close the window.
    pub(super) fn screenshot_arrived(&mut self, image: &egui::ColorImage, ctx: &egui::Context) {
        let Some(req) = &self.options.screenshot else {
            return;
        };
        let path = req.path.clone();
        match png(image, None, ctx.pixels_per_point()) {
            Ok(bytes) => {
                if let Err(e) = crate::files::write_output(&path, &bytes) {
                    eprintln!("lpkpi: {e}");
                }
            }
            Err(e) => eprintln!("lpkpi: {e}"),
        }
        self.allow_close = true;
        ctx.send_viewport_cmd(egui::ViewportCommand::Close);
    }
}

/// The PNG of `image`, cropped to `rect` (in points, `ppp` pixels each) when given.
fn png(image: &egui::ColorImage, rect: Option<egui::Rect>, ppp: f32) -> Result<Vec<u8>, String> {
    let [w, h] = image.size;
    let (x0, y0, x1, y1) = match rect {
        Some(r) => (
            ((r.min.x * ppp).max(0.0) as usize).min(w),
            ((r.min.y * ppp).max(0.0) as usize).min(h),
            ((r.max.x * ppp) as usize).min(w),
            ((r.max.y * ppp) as usize).min(h),
        ),
        None => (0, 0, w, h),
    };
    if x1 <= x0 || y1 <= y0 {
        return Err("Nothing to save: the chart is not on screen".into());
    }
    // clamped to the image above, so the region is always inside it
    let region = image.region_by_pixels([x0, y0], [x1 - x0, y1 - y0]);
    let rgba: Vec<u8> = region.pixels.iter().flat_map(|c| c.to_array()).collect();
    let out = image::RgbaImage::from_raw((x1 - x0) as u32, (y1 - y0) as u32, rgba)
        .ok_or_else(|| "Cannot encode the PNG: the image has the wrong size".to_string())?;
    let mut bytes = Vec::new();
    out.write_to(
        &mut std::io::Cursor::new(&mut bytes),
        image::ImageFormat::Png,
    )
    .map_err(|e| format!("Cannot encode the PNG: {e}"))?;
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn image() -> egui::ColorImage {
        let pixels = (0..16u8)
            .map(|i| egui::Color32::from_rgba_unmultiplied(i, 0, 0, 255))
            .collect();
        egui::ColorImage::new([4, 4], pixels)
    }

    #[test]
    fn a_rectangle_is_cut_out_at_the_pixel_scale() {
        let rect = egui::Rect::from_min_max(egui::pos2(0.5, 0.5), egui::pos2(1.5, 2.0));
        let bytes = png(&image(), Some(rect), 2.0).unwrap();
        let out = image::load_from_memory(&bytes).unwrap().to_rgba8();
        assert_eq!(out.dimensions(), (2, 3));
        assert_eq!(out.get_pixel(0, 0)[0], 5);
        assert_eq!(out.get_pixel(1, 2)[0], 14);
    }

    #[test]
    fn nothing_on_screen_is_an_error() {
        let rect = egui::Rect::from_min_max(egui::pos2(10.0, 10.0), egui::pos2(20.0, 20.0));
        assert!(png(&image(), Some(rect), 1.0).is_err());
        assert_eq!(png(&image(), None, 1.0).map(|b| b.is_empty()), Ok(false));
    }
}
