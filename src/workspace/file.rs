//! The workspace on disk, never lost: an advisory lock so a second process cannot write it,
//! atomic saves that keep the previous version as `NAME.ron.bak`, a refusal to overwrite a
//! file that changed on disk or failed to parse, and a recovery file for unsaved edits.

use std::fs::{File, OpenOptions, TryLockError};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use sha2::{Digest, Sha256};

use super::WorkspaceError;
use super::format::{from_ron, to_ron};
use super::model::Workspace;

fn sibling(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path
        .file_name()
        .map(|n| n.to_os_string())
        .unwrap_or_default();
    name.push(suffix);
    path.with_file_name(name)
}

/// `NAME.ron.bak`: the previous version, kept by every save.
pub fn backup_path(path: &Path) -> PathBuf {
    sibling(path, ".bak")
}

/// `NAME.ron.lock`: the lock file.
pub fn lock_path(path: &Path) -> PathBuf {
    sibling(path, ".lock")
}

/// `NAME.ron.owner`: who holds the lock (host and process), readable while it is held (on
/// Windows a locked file cannot be read by others).
pub fn owner_path(path: &Path) -> PathBuf {
    sibling(path, ".owner")
}

/// `NAME.ron.recovery`: unsaved edits, offered on the next open.
pub fn recovery_path(path: &Path) -> PathBuf {
    sibling(path, ".recovery")
}

/// This computer's name, for lock messages.
pub fn host_name() -> String {
    for var in ["COMPUTERNAME", "HOSTNAME"] {
        if let Ok(h) = std::env::var(var)
            && !h.trim().is_empty()
        {
            return h.trim().to_string();
        }
    }
    for file in ["/proc/sys/kernel/hostname", "/etc/hostname"] {
        if let Ok(h) = std::fs::read_to_string(file)
            && !h.trim().is_empty()
        {
            return h.trim().to_string();
        }
    }
    "this computer".to_string()
}

/// An advisory lock on a workspace, held while the value lives. The operating system releases
/// it when the process ends, however it ends, so a lock file left behind by a crash is stale
/// and simply taken over.
#[derive(Debug)]
pub struct WorkspaceLock {
    file: File,
    path: PathBuf,
}

impl WorkspaceLock {
    /// Take the lock of the workspace at `path`, or say who holds it.
    pub fn acquire(path: &Path) -> Result<WorkspaceLock, WorkspaceError> {
        let lock = lock_path(path);
        let io = |source| WorkspaceError::Io {
            path: lock.display().to_string(),
            source,
        };
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&lock)
            .map_err(io)?;
        match file.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => {
                let holder = std::fs::read_to_string(owner_path(path)).unwrap_or_default();
                let mut parts = holder.split_whitespace();
                return Err(WorkspaceError::Locked {
                    path: path.display().to_string(),
                    host: parts.next().unwrap_or("another computer").to_string(),
                    pid: parts.next().unwrap_or("?").to_string(),
                });
            }
            Err(TryLockError::Error(e)) => return Err(io(e)),
        }
        let owner = format!("{} {}\n", host_name(), std::process::id());
        crate::atomic::write(&owner_path(path), owner.as_bytes()).map_err(|source| {
            WorkspaceError::Io {
                path: owner_path(path).display().to_string(),
                source,
            }
        })?;
        Ok(WorkspaceLock { file, path: lock })
    }

    /// The lock file.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for WorkspaceLock {
    fn drop(&mut self) {
        // Leave the file in place (deleting it could let two processes lock two inodes);
        // an unlocked lock file is stale and harmless.
        let _ = self.file.unlock();
    }
}

fn digest(bytes: &[u8]) -> [u8; 32] {
    Sha256::digest(bytes).into()
}

fn read(path: &Path) -> Result<Vec<u8>, WorkspaceError> {
    std::fs::read(path).map_err(|source| WorkspaceError::Io {
        path: path.display().to_string(),
        source,
    })
}

/// The digest of the file at `path` when it is a workspace that may be replaced (None when
/// there is no file); an existing file that is not a readable workspace is refused, so that
/// Save As never turns someone's damaged work into a backup of something else.
fn replaceable(path: &Path) -> Result<Option<[u8; 32]>, WorkspaceError> {
    match std::fs::read(path) {
        Ok(bytes) => {
            if let Err(e) = parse(&bytes, &path.display().to_string()) {
                return Err(WorkspaceError::Invalid {
                    path: path.display().to_string(),
                    message: format!(
                        "exists and is not a workspace lpkpi can read ({e}); choose another name"
                    ),
                });
            }
            Ok(Some(digest(&bytes)))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(source) => Err(WorkspaceError::Io {
            path: path.display().to_string(),
            source,
        }),
    }
}

/// Parse workspace bytes (UTF-8 RON).
pub fn parse(bytes: &[u8], origin: &str) -> Result<Workspace, WorkspaceError> {
    let text = std::str::from_utf8(bytes).map_err(|e| WorkspaceError::Parse {
        path: origin.to_string(),
        line: 1 + bytes[..e.valid_up_to()]
            .iter()
            .filter(|&&b| b == b'\n')
            .count(),
        column: 1,
        message: "the file is not UTF-8 text".into(),
    })?;
    from_ron(text, origin)
}

/// An open workspace: the document, its path, its lock, and what was on disk when it was read.
#[derive(Debug)]
pub struct Document {
    /// The file.
    pub path: PathBuf,
    /// The workspace.
    pub workspace: Workspace,
    lock: WorkspaceLock,
    on_disk: Option<[u8; 32]>,
    /// The caller's revision number of the edits last saved (a recovery file for an older
    /// revision is never written over a newer save).
    pub saved_revision: u64,
}

impl Document {
    /// Open (lock, then read) an existing workspace. A file that fails to parse is an error
    /// and is never overwritten.
    pub fn open(path: &Path) -> Result<Document, WorkspaceError> {
        let lock = WorkspaceLock::acquire(path)?;
        crate::atomic::remove_leftovers(path);
        let bytes = read(path)?;
        let workspace = parse(&bytes, &path.display().to_string())?;
        Ok(Document {
            path: path.to_path_buf(),
            workspace,
            lock,
            on_disk: Some(digest(&bytes)),
            saved_revision: 0,
        })
    }

    /// Create a workspace file that must not exist yet, and save it.
    pub fn create(path: &Path, workspace: Workspace) -> Result<Document, WorkspaceError> {
        let lock = WorkspaceLock::acquire(path)?;
        if path.exists() {
            return Err(WorkspaceError::Exists {
                path: path.display().to_string(),
            });
        }
        let mut doc = Document {
            path: path.to_path_buf(),
            workspace,
            lock,
            on_disk: None,
            saved_revision: 0,
        };
        doc.save()?;
        Ok(doc)
    }

    /// Open the workspace at `path`, or create it with `new` when there is no file.
    pub fn open_or_create(
        path: &Path,
        new: impl FnOnce() -> Workspace,
    ) -> Result<Document, WorkspaceError> {
        if path.exists() {
            Document::open(path)
        } else {
            Document::create(path, new())
        }
    }

    /// Save atomically, keeping the previous file as `NAME.ron.bak`. Refused when the file on
    /// disk is not the one this document read (changed by someone else, or recreated).
    pub fn save(&mut self) -> Result<(), WorkspaceError> {
        let text = to_ron(&self.workspace)?;
        let io = |path: &Path| {
            let path = path.display().to_string();
            move |source| WorkspaceError::Io { path, source }
        };
        let current = match std::fs::read(&self.path) {
            Ok(bytes) => Some(bytes),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => return Err(io(&self.path)(e)),
        };
        if current.as_deref().map(digest) != self.on_disk {
            return Err(WorkspaceError::Changed {
                path: self.path.display().to_string(),
            });
        }
        if let Some(old) = &current {
            crate::atomic::write(&backup_path(&self.path), old)
                .map_err(io(&backup_path(&self.path)))?;
        }
        crate::atomic::write(&self.path, text.as_bytes()).map_err(io(&self.path))?;
        self.on_disk = Some(digest(text.as_bytes()));
        let _ = std::fs::remove_file(recovery_path(&self.path));
        Ok(())
    }

    /// Save under a new name chosen by the user (replacing that file, whose previous content
    /// becomes its `.bak`); the document then lives there, locked.
    pub fn save_as(&mut self, path: &Path) -> Result<(), WorkspaceError> {
        if path == self.path {
            return self.save();
        }
        let lock = WorkspaceLock::acquire(path)?;
        crate::atomic::remove_leftovers(path);
        let on_disk = replaceable(path)?;
        let previous = (
            std::mem::replace(&mut self.path, path.to_path_buf()),
            std::mem::replace(&mut self.lock, lock),
            self.on_disk,
        );
        self.on_disk = on_disk;
        if let Err(e) = self.save() {
            (self.path, self.lock, self.on_disk) = previous;
            return Err(e);
        }
        Ok(())
    }

    /// Create a document at `path`, replacing a file there (kept as `.bak`): Save As for a
    /// workspace that had no file.
    pub fn create_or_replace(
        path: &Path,
        workspace: Workspace,
    ) -> Result<Document, WorkspaceError> {
        let lock = WorkspaceLock::acquire(path)?;
        crate::atomic::remove_leftovers(path);
        let on_disk = replaceable(path)?;
        let mut doc = Document {
            path: path.to_path_buf(),
            workspace,
            lock,
            on_disk,
            saved_revision: 0,
        };
        doc.save()?;
        Ok(doc)
    }

    /// Write the unsaved state to `NAME.ron.recovery` (atomically), to be offered on the next
    /// open if the app does not get to save.
    pub fn write_recovery(&self) -> Result<(), WorkspaceError> {
        self.write_recovery_of(&self.workspace)
    }

    /// Write `workspace` (the state being edited) as the recovery file.
    pub fn write_recovery_of(&self, workspace: &Workspace) -> Result<(), WorkspaceError> {
        let text = to_ron(workspace)?;
        let path = recovery_path(&self.path);
        crate::atomic::write(&path, text.as_bytes()).map_err(|source| WorkspaceError::Io {
            path: path.display().to_string(),
            source,
        })
    }

    /// Unsaved edits left by an earlier session, when the recovery file is newer than the
    /// workspace and parses.
    pub fn recovery(&self) -> Option<(Workspace, SystemTime)> {
        let path = recovery_path(&self.path);
        let modified = std::fs::metadata(&path).and_then(|m| m.modified()).ok()?;
        let saved = std::fs::metadata(&self.path)
            .and_then(|m| m.modified())
            .ok();
        if saved.is_some_and(|s| s > modified) {
            return None;
        }
        let bytes = std::fs::read(&path).ok()?;
        let ws = parse(&bytes, &path.display().to_string()).ok()?;
        (ws != self.workspace).then_some((ws, modified))
    }

    /// Forget the recovery file (after it was used or declined).
    pub fn discard_recovery(&self) {
        let _ = std::fs::remove_file(recovery_path(&self.path));
    }
}
