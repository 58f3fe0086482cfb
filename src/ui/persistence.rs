//! What the window remembers between runs through eframe's storage: the recent workspaces, the
//! last one open, the panel shown, the folder of the last file picked. Tests and screenshots
//! (`ephemeral`) neither read nor write it.

use std::path::{Path, PathBuf};

use super::app::LpkpiApp;
use super::state::Panel;

/// Recent workspaces kept in File ▸ Recent.
const RECENT: usize = 8;

const STORAGE_KEY: &str = "lpkpi";

/// What the window remembers between runs.
#[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub(super) struct Persisted {
    /// Recently opened workspaces, newest first.
    pub(super) recent: Vec<PathBuf>,
    /// The workspace open at the end of the last run.
    pub(super) last: Option<PathBuf>,
    /// The panel shown.
    pub(super) panel: Panel,
    /// The folder of the last file picked (a recent place of the window's file browser).
    pub(super) last_folder: Option<PathBuf>,
    /// The folder of the last export imported (where Import starts).
    pub(super) last_import_folder: Option<PathBuf>,
}

/// What the last run left (nothing when `ephemeral`, or when there is no storage).
pub(super) fn load(cc: &eframe::CreationContext<'_>, ephemeral: bool) -> Persisted {
    if ephemeral {
        return Persisted::default();
    }
    cc.storage
        .and_then(|s| eframe::get_value(s, STORAGE_KEY))
        .unwrap_or_default()
}

impl LpkpiApp {
    /// Keep what the next run starts from (eframe calls this now and then, and on exit).
    pub(super) fn persist(&self, storage: &mut dyn eframe::Storage) {
        if self.options.ephemeral {
            return;
        }
        let persisted = Persisted {
            recent: self.state.recent.clone(),
            last: self.state.path.as_deref().map(absolute),
            panel: self.state.panel,
            last_folder: self.last_folder.clone(),
            last_import_folder: self.last_import_folder.clone(),
        };
        eframe::set_value(storage, STORAGE_KEY, &persisted);
    }

    /// Put `path` first in File ▸ Recent.
    pub(super) fn remember_recent(&mut self, path: &Path) {
        let path = absolute(path);
        self.state.recent.retain(|p| p != &path);
        self.state.recent.insert(0, path);
        self.state.recent.truncate(RECENT);
    }
}

/// `path` from the root, as the next run (started from any folder) needs it: relative to the
/// current folder now, and as given when that cannot be known.
pub(super) fn absolute(path: &Path) -> std::path::PathBuf {
    std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf())
}
