//! The window's own file browser, for desktops whose file dialog cannot answer (no xdg desktop
//! portal on the session bus) or when asked for (`LPKPI_TYPED_PATHS=1`): folders to walk
//! through, the files of the pick's types, recent places, a typed path, several files for an
//! import, a file name and an overwrite question for saves. Folders are read and paths checked on
//! threads, capped, so no frame waits on the disk.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc::{Receiver, Sender, channel};

use eframe::egui::{self, Key, RichText};

use super::command::{Command, Pick};

/// Entries of one folder kept for the list; the others matching are counted ("N more not
/// shown").
pub const MAX_SHOWN: usize = 2_000;

/// Entries of one folder read at most (a larger folder is not counted to its end).
pub const MAX_READ: usize = 1_000_000;

/// One entry of a folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// Its name.
    pub name: String,
    /// Its path.
    pub path: PathBuf,
    /// A folder (or a link to one).
    pub folder: bool,
}

/// A folder as read: its subfolders and the files of the pick's types.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Listing {
    /// The folder.
    pub dir: PathBuf,
    /// Folders, then files, each by name ignoring case; at most [`MAX_SHOWN`].
    pub entries: Vec<Entry>,
    /// Entries that would be listed but are not kept.
    pub more: usize,
    /// Files left out: of other types, or hidden.
    pub left_out: usize,
    /// Reading stopped after [`MAX_READ`] entries.
    pub truncated: bool,
    /// Why the folder could not be read.
    pub error: Option<String>,
}

/// Whether `name` ends with one of `extensions` (lower case, no dot), ignoring case; every name
/// does when `extensions` is empty.
pub fn matches(name: &str, extensions: &[&str]) -> bool {
    if extensions.is_empty() {
        return true;
    }
    Path::new(name)
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| extensions.iter().any(|x| e.eq_ignore_ascii_case(x)))
}

/// Read `dir`: its folders and its files of `extensions` (every file when empty), hidden ones
/// (a leading dot) only when `hidden`. Slow on a large or remote folder: call it on a thread.
pub fn list_dir(dir: &Path, extensions: &[&str], hidden: bool) -> Listing {
    let mut listing = Listing {
        dir: dir.to_path_buf(),
        ..Listing::default()
    };
    let read = match std::fs::read_dir(dir) {
        Ok(read) => read,
        Err(e) => {
            listing.error = Some(e.to_string());
            return listing;
        }
    };
    let mut entries = Vec::new();
    for (n, entry) in read.enumerate() {
        if n >= MAX_READ {
            listing.truncated = true;
            break;
        }
        let Ok(entry) = entry else { continue };
        let name = entry.file_name().to_string_lossy().into_owned();
        if !hidden && name.starts_with('.') {
            listing.left_out += 1;
            continue;
        }
        let path = entry.path();
        let folder = match entry.file_type() {
            // a link is listed as what it points to
            Ok(t) if t.is_symlink() => path.is_dir(),
            Ok(t) => t.is_dir(),
            Err(_) => false,
        };
        if folder || matches(&name, extensions) {
            entries.push(Entry { name, path, folder });
        } else {
            listing.left_out += 1;
        }
    }
    entries.sort_by_cached_key(|e| (!e.folder, e.name.to_lowercase()));
    listing.more = entries.len().saturating_sub(MAX_SHOWN);
    entries.truncate(MAX_SHOWN);
    listing.entries = entries;
    listing
}

/// What a path is on disk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Nothing there (or nothing readable).
    Missing,
    /// A file (or anything that is not a folder).
    File,
    /// A folder.
    Folder,
}

/// What `path` is (follows links).
pub fn kind_of(path: &Path) -> Kind {
    match std::fs::metadata(path) {
        Ok(m) if m.is_dir() => Kind::Folder,
        Ok(_) => Kind::File,
        Err(_) => Kind::Missing,
    }
}

/// `text` as a path: `~` is the home folder, a relative path is in `dir`.
pub fn typed_path(text: &str, dir: &Path) -> PathBuf {
    let text = text.trim();
    let home = std::env::home_dir();
    let path = match (text.strip_prefix('~'), home) {
        (Some(""), Some(home)) => home,
        (Some(rest), Some(home)) if rest.starts_with(['/', std::path::MAIN_SEPARATOR]) => {
            home.join(&rest[1..])
        }
        _ => PathBuf::from(text),
    };
    dir.join(path)
}

/// The path a save writes: `name` in `dir`, with the pick's first extension when it has none.
pub fn save_target(name: &str, dir: &Path, pick: Pick) -> PathBuf {
    let mut path = typed_path(name, dir);
    if path.extension().is_none()
        && let Some(ext) = pick.extensions().first()
    {
        path.set_extension(ext);
    }
    path
}

/// What a worker thread of the browser reports.
enum Report {
    /// A folder was read (for request n).
    Listed(u64, Listing),
    /// A path was looked at (for request n).
    Checked(u64, PathBuf, Kind),
}

/// The browser: the folder shown, the selection, the fields. Kept in the app state while open.
pub struct FileBrowser {
    /// What is picked.
    pub pick: Pick,
    /// The folder shown (or being read).
    pub dir: PathBuf,
    /// The folder as read (None while it is read; shared, so a frame copies no entry).
    pub listing: Option<Arc<Listing>>,
    /// Files (or one folder) selected.
    pub selected: BTreeSet<PathBuf>,
    /// The file name typed, for saves.
    pub name: String,
    /// The path typed.
    pub typed: String,
    /// Every file, not only the pick's types.
    pub all_types: bool,
    /// Hidden files too.
    pub hidden: bool,
    /// Recent places: a label and a folder.
    pub places: Vec<(String, PathBuf)>,
    /// A save target that exists, waiting for Replace or not.
    pub overwrite: Option<PathBuf>,
    /// A line about the last attempt (no such file…).
    pub message: Option<String>,
    /// A path being looked at on a thread.
    pub checking: bool,
    /// The folder reading whose answer is awaited (older answers are dropped).
    request: u64,
    /// The look at a path whose answer is awaited, counted apart: a path looked at before the
    /// folder is read must not drop the folder's answer.
    check_request: u64,
    tx: Sender<Report>,
    rx: Receiver<Report>,
    ctx: egui::Context,
}

impl FileBrowser {
    /// A browser for `pick` showing `dir`, with `name` as the file name of a save; `ctx` is
    /// woken when a folder has been read.
    pub fn new(
        pick: Pick,
        dir: PathBuf,
        name: Option<String>,
        places: Vec<(String, PathBuf)>,
        ctx: egui::Context,
    ) -> FileBrowser {
        let (tx, rx) = channel();
        let mut browser = FileBrowser {
            pick,
            dir: dir.clone(),
            listing: None,
            selected: BTreeSet::new(),
            name: name.unwrap_or_default(),
            typed: String::new(),
            all_types: false,
            hidden: false,
            places,
            overwrite: None,
            message: None,
            checking: false,
            request: 0,
            check_request: 0,
            tx,
            rx,
            ctx,
        };
        browser.go(dir);
        browser
    }

    /// Show `dir` (read on a thread; an answer for an older request is dropped).
    pub fn go(&mut self, dir: PathBuf) {
        self.request += 1;
        // a path being looked at in the folder left is not acted on
        self.check_request += 1;
        self.checking = false;
        self.dir = dir.clone();
        self.listing = None;
        self.selected.clear();
        self.message = None;
        self.overwrite = None;
        let extensions: Vec<&'static str> = if self.all_types {
            Vec::new()
        } else {
            self.pick.extensions().to_vec()
        };
        let (tx, ctx, request, hidden) =
            (self.tx.clone(), self.ctx.clone(), self.request, self.hidden);
        std::thread::spawn(move || {
            // ignored: the browser (the receiver) was closed meanwhile
            let _ = tx.send(Report::Listed(request, list_dir(&dir, &extensions, hidden)));
            ctx.request_repaint();
        });
    }

    /// Read the folder again (after a filter change).
    fn refresh(&mut self) {
        self.go(self.dir.clone());
    }

    /// Look at `path` on a thread, then act on it ([`FileBrowser::checked`]).
    fn check(&mut self, path: PathBuf) {
        self.check_request += 1;
        self.checking = true;
        self.message = None;
        let (tx, ctx, request) = (self.tx.clone(), self.ctx.clone(), self.check_request);
        std::thread::spawn(move || {
            let kind = kind_of(&path);
            // ignored: the browser (the receiver) was closed meanwhile
            let _ = tx.send(Report::Checked(request, path, kind));
            ctx.request_repaint();
        });
    }

    /// Take what the threads reported.
    fn poll(&mut self, cmds: &mut Vec<Command>) {
        while let Ok(report) = self.rx.try_recv() {
            match report {
                Report::Listed(request, listing) if request == self.request => {
                    self.listing = Some(Arc::new(listing));
                }
                Report::Checked(request, path, kind) if request == self.check_request => {
                    self.checking = false;
                    self.checked(path, kind, cmds);
                }
                Report::Listed(..) | Report::Checked(..) => {}
            }
        }
    }

    /// A path typed or named is `kind`: walk into a folder, pick a file, ask before replacing.
    fn checked(&mut self, path: PathBuf, kind: Kind, cmds: &mut Vec<Command>) {
        match (kind, self.pick.saves()) {
            (Kind::Folder, _) => self.go(path),
            (Kind::File, true) => self.overwrite = Some(path),
            (Kind::File, false) | (Kind::Missing, true) => cmds.push(Command::Chosen(vec![path])),
            (Kind::Missing, false) => {
                self.message = Some(format!("No such file: {}", path.display()));
            }
        }
    }

    /// The verb of the main button.
    fn verb(&self) -> String {
        match self.pick {
            Pick::Open => "Open".into(),
            Pick::Import if self.selected.len() > 1 => {
                format!("Import {} files", self.selected.len())
            }
            Pick::Import => "Import".into(),
            Pick::SaveAs | Pick::Export(_) | Pick::ChartPng => "Save".into(),
            Pick::Profile | Pick::Official => "Load".into(),
        }
    }

    /// The files selected (not a folder selected to walk into).
    fn selected_files(&self) -> Vec<PathBuf> {
        let folders: BTreeSet<&PathBuf> = self
            .listing
            .iter()
            .flat_map(|l| l.entries.iter())
            .filter(|e| e.folder)
            .map(|e| &e.path)
            .collect();
        self.selected
            .iter()
            .filter(|p| !folders.contains(p))
            .cloned()
            .collect()
    }

    /// The main button (or Enter): save under the name, or pick the selected files.
    fn confirm(&mut self, cmds: &mut Vec<Command>) {
        if self.pick.saves() {
            if !self.name.trim().is_empty() {
                let target = save_target(&self.name, &self.dir, self.pick);
                self.check(target);
            }
        } else {
            let files = self.selected_files();
            if !files.is_empty() {
                cmds.push(Command::Chosen(files));
            }
        }
    }

    /// A row was clicked (`toggle`: Ctrl/Cmd held) or double-clicked.
    fn row_clicked(&mut self, entry: &Entry, toggle: bool, double: bool, cmds: &mut Vec<Command>) {
        if entry.folder {
            if double {
                self.go(entry.path.clone());
            } else {
                self.selected = BTreeSet::from([entry.path.clone()]);
            }
            return;
        }
        if self.pick.many() && toggle && !double {
            if !self.selected.remove(&entry.path) {
                self.selected.insert(entry.path.clone());
            }
            // a folder selected for Enter does not stay beside files
            let files = self.selected_files();
            self.selected = files.into_iter().collect();
        } else if !(self.pick.many() && double && self.selected.contains(&entry.path)) {
            self.selected = BTreeSet::from([entry.path.clone()]);
        }
        if self.pick.saves() {
            self.name.clone_from(&entry.name);
        }
        if double {
            self.confirm(cmds);
        }
    }

    /// The browser, as a modal.
    pub fn ui(&mut self, ctx: &egui::Context, cmds: &mut Vec<Command>) {
        self.poll(cmds);
        let modal = egui::Modal::new(egui::Id::unique("file-browser")).show(ctx, |ui| {
            ui.set_width(760.0);
            ui.label(RichText::new(self.pick.prompt()).heading());
            if let Some(target) = self.overwrite.clone() {
                self.overwrite_ui(ui, &target, cmds);
                return;
            }
            ui.horizontal_top(|ui| {
                ui.vertical(|ui| {
                    ui.set_width(190.0);
                    self.places_ui(ui);
                });
                // no vertical separator: it would take the modal's height and grow it each frame
                ui.add_space(8.0);
                ui.vertical(|ui| {
                    // fixed: rows as wide as the space would widen the modal every frame
                    ui.set_width(540.0);
                    self.folder_ui(ui, cmds);
                });
            });
            ui.separator();
            self.fields_ui(ui, cmds);
        });
        if modal.should_close() && self.overwrite.is_none() {
            cmds.push(Command::CancelBrowser);
        }
    }

    /// "Replace it?" for a save target that exists.
    fn overwrite_ui(&mut self, ui: &mut egui::Ui, target: &Path, cmds: &mut Vec<Command>) {
        ui.label(format!("{} already exists.", target.display()));
        ui.label("Replace it? Its contents will be lost.");
        ui.horizontal(|ui| {
            if ui.button("Replace").clicked() {
                cmds.push(Command::Chosen(vec![target.to_path_buf()]));
            }
            if ui.button("Choose another name").clicked() {
                self.overwrite = None;
            }
        });
    }

    /// Recent places: one click shows each.
    fn places_ui(&mut self, ui: &mut egui::Ui) {
        ui.label(RichText::new("Recent places").strong());
        let mut go = None;
        for (label, dir) in &self.places {
            let current = *dir == self.dir;
            if ui
                .selectable_label(current, label.as_str())
                .on_hover_text(dir.display().to_string())
                .clicked()
            {
                go = Some(dir.clone());
            }
        }
        if let Some(dir) = go {
            self.go(dir);
        }
    }

    /// The folder shown: Up, its path, its entries (only the visible rows are drawn).
    fn folder_ui(&mut self, ui: &mut egui::Ui, cmds: &mut Vec<Command>) {
        ui.horizontal(|ui| {
            let parent = self.dir.parent().map(Path::to_path_buf);
            if ui
                .add_enabled(parent.is_some(), egui::Button::new("Up"))
                .on_hover_text("The folder above")
                .clicked()
                && let Some(parent) = parent
            {
                self.go(parent);
            }
            ui.label(RichText::new(self.dir.display().to_string()).monospace());
        });
        // the list and the line under it keep their height whatever they show: a dialog that
        // grows or shrinks under the pointer (a re-read after "Show all files") would move the
        // control being clicked, and a release outside the dialog closes it
        let Some(listing) = self.listing.clone() else {
            ui.allocate_ui_with_layout(
                egui::vec2(540.0, 300.0),
                egui::Layout::top_down(egui::Align::Min),
                |ui| {
                    ui.set_min_size(egui::vec2(540.0, 300.0));
                    ui.horizontal(|ui| {
                        super::widgets::spinner(ui);
                        ui.label("Reading the folder…");
                    });
                },
            );
            ui.label(" ");
            return;
        };
        let row = ui.spacing().interact_size.y;
        let width = 540.0 - ui.spacing().scroll.allocated_width();
        let toggle = ui.input(|i| i.modifiers.command);
        let mut clicked = None;
        egui::ScrollArea::vertical()
            .id_salt("file-browser-list")
            .max_height(300.0)
            .min_scrolled_height(300.0)
            .auto_shrink([false, false])
            .show_rows(ui, row, listing.entries.len(), |ui, range| {
                for entry in listing.entries.get(range).unwrap_or_default() {
                    let text = if entry.folder {
                        format!("{}/", entry.name)
                    } else {
                        entry.name.clone()
                    };
                    let selected = self.selected.contains(&entry.path);
                    let response = ui.add(
                        egui::Button::selectable(selected, text)
                            .right_text(egui::Atom::grow())
                            .min_size(egui::vec2(width, row)),
                    );
                    if response.double_clicked() {
                        clicked = Some((entry, true));
                    } else if response.clicked() {
                        clicked = Some((entry, false));
                    }
                }
            });
        if let Some((entry, double)) = clicked {
            self.row_clicked(entry, toggle, double, cmds);
        }
        let empty = listing.entries.is_empty();
        let mut notes = Vec::new();
        if empty && listing.error.is_none() {
            notes.push("No folders and no files of these types here.".to_string());
        }
        if listing.more > 0 {
            notes.push(format!(
                "{} more not shown (type the name, or a path below)",
                listing.more
            ));
        }
        if listing.truncated {
            notes.push(format!("reading stopped after {MAX_READ} entries"));
        }
        if listing.left_out > 0 && !self.all_types {
            let n = listing.left_out;
            notes.push(format!(
                "{n} other file{} hidden",
                if n == 1 { "" } else { "s" }
            ));
        }
        match &listing.error {
            Some(e) => {
                ui.colored_label(
                    ui.visuals().error_fg_color,
                    format!("Cannot read this folder: {e}"),
                );
            }
            None if notes.is_empty() => {
                ui.label(" ");
            }
            None => {
                ui.label(RichText::new(notes.join(" · ")).weak());
            }
        }
        // Enter walks into the folder selected, or picks the files selected
        if !ui.ctx().text_edit_focused() && ui.input(|i| i.key_pressed(Key::Enter)) {
            let folder = listing
                .entries
                .iter()
                .find(|e| e.folder && self.selected.contains(&e.path))
                .map(|e| e.path.clone());
            match folder {
                Some(dir) => self.go(dir),
                None => self.confirm(cmds),
            }
        }
    }

    /// The filters, the typed path, the file name of a save, the buttons.
    fn fields_ui(&mut self, ui: &mut egui::Ui, cmds: &mut Vec<Command>) {
        ui.horizontal(|ui| {
            let types = self
                .pick
                .extensions()
                .iter()
                .map(|e| format!(".{e}"))
                .collect::<Vec<_>>()
                .join(" ");
            let all = ui
                .checkbox(&mut self.all_types, "Show all files")
                .on_hover_text(format!("Not only {} ({types})", self.pick.filter_name()));
            let hidden = ui.checkbox(&mut self.hidden, "Hidden files");
            if all.changed() || hidden.changed() {
                self.refresh();
            }
            ui.label(RichText::new(format!("Listing {types}")).weak());
        });
        ui.horizontal(|ui| {
            let l = ui.label("Path");
            let field = ui
                .add(egui::TextEdit::singleline(&mut self.typed).desired_width(520.0))
                .labelled_by(l.id)
                .on_hover_text("A folder to show, or a file; ~ is your home folder");
            let entered = field.lost_focus() && ui.input(|i| i.key_pressed(Key::Enter));
            if (ui.button("Use this path").clicked() || entered) && !self.typed.trim().is_empty() {
                let path = typed_path(&self.typed, &self.dir);
                self.check(path);
            }
        });
        if self.pick.saves() {
            ui.horizontal(|ui| {
                let l = ui.label("File name");
                let field = ui
                    .add(egui::TextEdit::singleline(&mut self.name).desired_width(400.0))
                    .labelled_by(l.id);
                if field.lost_focus() && ui.input(|i| i.key_pressed(Key::Enter)) {
                    self.confirm(cmds);
                }
            });
        }
        if let Some(m) = &self.message {
            ui.colored_label(ui.visuals().error_fg_color, m);
        }
        ui.horizontal(|ui| {
            let ready = if self.pick.saves() {
                !self.name.trim().is_empty()
            } else {
                !self.selected_files().is_empty()
            };
            if ui
                .add_enabled(ready && !self.checking, egui::Button::new(self.verb()))
                .clicked()
            {
                self.confirm(cmds);
            }
            if self.pick.many()
                && let Some(listing) = &self.listing
                && ui
                    .button("Select all")
                    .on_hover_text("Every file listed (Ctrl/Cmd+click picks one more)")
                    .clicked()
            {
                self.selected = listing
                    .entries
                    .iter()
                    .filter(|e| !e.folder)
                    .map(|e| e.path.clone())
                    .collect();
            }
            if ui.button("Cancel").clicked() {
                cmds.push(Command::CancelBrowser);
            }
            if self.checking {
                super::widgets::spinner(ui);
            }
        });
    }
}

#[cfg(test)]
#[allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "tests fail by panicking"
)]
mod tests {
    use super::*;

    fn folder() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for f in ["b.csv", "A.XLSX", "notes.pdf", ".hidden.csv", "c.txt"] {
            std::fs::write(dir.path().join(f), "x").unwrap();
        }
        std::fs::create_dir(dir.path().join("sub")).unwrap();
        std::fs::create_dir(dir.path().join("Zeta")).unwrap();
        dir
    }

    fn names(l: &Listing) -> Vec<&str> {
        l.entries.iter().map(|e| e.name.as_str()).collect()
    }

    #[test]
    fn folders_first_then_the_files_of_the_types_by_name() {
        let dir = folder();
        let l = list_dir(dir.path(), Pick::Import.extensions(), false);
        assert_eq!(names(&l), ["sub", "Zeta", "A.XLSX", "b.csv", "c.txt"]);
        assert_eq!(l.left_out, 2, "notes.pdf and the hidden file");
        assert!(l.entries[0].folder && !l.entries[2].folder);
        let ron = list_dir(dir.path(), Pick::Open.extensions(), false);
        assert_eq!(names(&ron), ["sub", "Zeta"]);
        let all = list_dir(dir.path(), &[], true);
        assert_eq!(all.entries.len(), 7);
        assert_eq!(all.left_out, 0);
    }

    /// A path looked at (typed, "Use this path") before the folder was read: the folder's
    /// listing still arrives (it used to be dropped as an older answer, leaving the folder
    /// blank and the browser reading for good), and the path is picked.
    #[test]
    fn a_path_looked_at_before_the_folder_is_read_keeps_the_folder() {
        let dir = folder();
        let mut b = FileBrowser::new(
            Pick::Import,
            dir.path().to_path_buf(),
            None,
            Vec::new(),
            egui::Context::default(),
        );
        b.check(dir.path().join("b.csv"));
        let mut cmds = Vec::new();
        let start = std::time::Instant::now();
        while b.listing.is_none() || b.checking {
            assert!(
                start.elapsed() < std::time::Duration::from_secs(30),
                "listing {:?}, checking {}",
                b.listing.is_some(),
                b.checking
            );
            std::thread::sleep(std::time::Duration::from_millis(5));
            b.poll(&mut cmds);
        }
        assert_eq!(
            names(b.listing.as_ref().unwrap()),
            ["sub", "Zeta", "A.XLSX", "b.csv", "c.txt"]
        );
        assert!(
            matches!(&cmds[..], [Command::Chosen(p)] if p == &[dir.path().join("b.csv")]),
            "{cmds:?}"
        );
        // a folder left while a path is looked at: that look is not acted on
        b.check(dir.path().join("c.txt"));
        b.go(dir.path().join("sub"));
        assert!(!b.checking);
        let mut after = Vec::new();
        let start = std::time::Instant::now();
        while b.listing.is_none() {
            assert!(start.elapsed() < std::time::Duration::from_secs(30));
            std::thread::sleep(std::time::Duration::from_millis(5));
            b.poll(&mut after);
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
        b.poll(&mut after);
        assert!(after.is_empty(), "{after:?}");
    }

    #[test]
    fn a_huge_folder_is_capped_and_counted() {
        let dir = tempfile::tempdir().unwrap();
        for i in 0..(MAX_SHOWN + 25) {
            std::fs::write(dir.path().join(format!("f{i:05}.csv")), "").unwrap();
        }
        let l = list_dir(dir.path(), &["csv"], false);
        assert_eq!(l.entries.len(), MAX_SHOWN);
        assert_eq!(l.more, 25);
        assert_eq!(l.entries[0].name, "f00000.csv");
    }

    #[test]
    fn a_missing_folder_says_why() {
        let dir = tempfile::tempdir().unwrap();
        let l = list_dir(&dir.path().join("gone"), &[], false);
        assert!(l.error.is_some() && l.entries.is_empty());
        assert_eq!(kind_of(&dir.path().join("gone")), Kind::Missing);
        assert_eq!(kind_of(dir.path()), Kind::Folder);
    }

    #[test]
    fn typed_names_and_save_targets() {
        let dir = Path::new("/data/exports");
        assert_eq!(typed_path("a.csv", dir), dir.join("a.csv"));
        assert_eq!(typed_path(" /tmp/b.csv ", dir), PathBuf::from("/tmp/b.csv"));
        if let Some(home) = std::env::home_dir() {
            assert_eq!(typed_path("~/x.ron", dir), home.join("x.ron"));
            assert_eq!(typed_path("~", dir), home);
        }
        assert_eq!(
            save_target("contoso", dir, Pick::SaveAs),
            dir.join("contoso.ron")
        );
        assert_eq!(
            save_target(
                "summary",
                dir,
                Pick::Export(crate::report::Format::Markdown)
            ),
            dir.join("summary.md")
        );
        assert_eq!(
            save_target("chart.svg", dir, Pick::ChartPng),
            dir.join("chart.svg")
        );
        assert!(matches("X.CSV", &["csv"]) && !matches("x.csv.bak", &["csv"]));
        assert!(matches("anything", &[]));
    }
}
