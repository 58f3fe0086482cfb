//! The desktop window (eframe 0.37, glow): where the figures of the core and the workspace
//! become decisions. Panels read [`state::AppState`] and push [`command::Command`]s; `app.rs`
//! applies them after the frame. Slow work (opening, importing, saving, exporting, dialogs)
//! runs on threads in [`jobs`]; no frame waits on disk.

mod action;
pub mod app;
mod capability;
mod charts;
pub mod command;
mod dashboard;
mod dialogs;
mod document;
mod file_browser;
mod history;
mod import;
mod import_flow;
pub mod jobs;
mod layout;
mod log;
mod menu;
mod persistence;
mod purchases;
mod reconcile;
mod screenshot;
mod settings;
pub mod state;
mod status_bar;
mod theme;
pub mod trace;
mod widgets;

use std::path::PathBuf;

use chrono::NaiveDate;

pub use app::LpkpiApp;
pub use state::Panel;

/// The demo workspace the window opens on first start.
pub const DEMO_WORKSPACE: &str = include_str!("../../assets/demo/demo.ron");

/// The window icon (PNG).
pub const ICON_PNG: &[u8] = include_bytes!("../../assets/icon/icon.png");

/// Render one panel to a PNG and exit (`lpkpi open W.ron --screenshot out.png`).
#[derive(Debug, Clone)]
pub struct ScreenshotRequest {
    /// Where to write the PNG.
    pub path: PathBuf,
    /// Which panel.
    pub panel: Panel,
}

/// How the window starts.
#[derive(Debug, Clone)]
pub struct LaunchOptions {
    /// The workspace to open (None: the last one, or the bundled demo).
    pub workspace: Option<PathBuf>,
    /// "Today" for the evaluation (the as-of date).
    pub today: NaiveDate,
    /// Take a screenshot and exit.
    pub screenshot: Option<ScreenshotRequest>,
    /// Window size in points.
    pub size: Option<(f32, f32)>,
    /// Do not read or write eframe's persisted state (tests, screenshots).
    pub ephemeral: bool,
    /// Pick files in the window's own browser instead of the desktop's file dialog (tests,
    /// `LPKPI_TYPED_PATHS=1`); without it, the browser is used where the desktop's dialog cannot
    /// answer (no xdg desktop portal on the session bus, probed at start).
    pub typed_paths: bool,
    /// Set when a screenshot run could not open its workspace (the run then fails).
    pub failure: std::sync::Arc<std::sync::Mutex<Option<String>>>,
}

/// The window icon (None if the bundled PNG cannot be decoded: the window then has the
/// desktop's default icon, which is no reason not to open).
fn icon() -> Option<egui::IconData> {
    eframe::icon_data::from_png_bytes(ICON_PNG).ok()
}

use eframe::egui;

/// Open the window and run until it closes.
pub fn run(options: LaunchOptions) -> anyhow::Result<()> {
    let (w, h) = options.size.unwrap_or((1280.0, 820.0));
    let mut viewport = egui::ViewportBuilder::default()
        .with_title("lpkpi")
        .with_app_id("lpkpi")
        .with_inner_size([w, h])
        .with_min_inner_size([720.0, 480.0]);
    if let Some(icon) = icon() {
        viewport = viewport.with_icon(std::sync::Arc::new(icon));
    }
    // an ephemeral run (a screenshot) neither reads nor writes the user's remembered window:
    // eframe loads egui's memory (column widths, scroll positions) from its storage and saves
    // it on exit, so such a run gets a storage of its own, removed when it ends
    let scratch = if options.ephemeral {
        Some(tempfile::tempdir().map_err(|e| anyhow::anyhow!("cannot open the window: {e}"))?)
    } else {
        None
    };
    let native = eframe::NativeOptions {
        viewport,
        persist_window: !options.ephemeral && options.size.is_none(),
        persistence_path: scratch.as_ref().map(|d| d.path().join("app.ron")),
        renderer: eframe::Renderer::Glow,
        ..Default::default()
    };
    let failure = options.failure.clone();
    eframe::run_native(
        "lpkpi",
        native,
        Box::new(move |cc| Ok(Box::new(LpkpiApp::new(cc, options)))),
    )
    .map_err(|e| anyhow::anyhow!("cannot open the window: {e}"))?;
    drop(scratch);
    // a poisoned lock still holds what was recorded
    let failed = failure
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .take();
    match failed {
        Some(e) => Err(anyhow::anyhow!(e)),
        None => Ok(()),
    }
}
