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
    // beside the file a link names, as the lock and the backup are: the window opened through
    // a link and the one opened on the file find the same edits
    let target = crate::files::resolve_links(path).unwrap_or_else(|_| path.to_path_buf());
    sibling(&target, ".recovery")
}

/// This computer's name, for lock messages.
pub fn host_name() -> String {
    let name = gethostname::gethostname()
        .to_string_lossy()
        .trim()
        .to_string();
    if name.is_empty() {
        "this computer".to_string()
    } else {
        name
    }
}

/// An advisory lock on a workspace, held while the value lives. The operating system releases
/// it when the process ends, however it ends, so a lock file left behind by a crash is stale
/// and simply taken over.
#[derive(Debug)]
pub struct WorkspaceLock {
    file: File,
    path: PathBuf,
    workspace: PathBuf,
}

/// Who holds the lock, as its owner file says; `None` while the file is missing or empty
/// (the holder writes it just after locking). Only a small regular file is read.
fn read_owner(path: &Path) -> Option<(String, String)> {
    let bytes = crate::files::read_capped(
        &owner_path(path),
        crate::money::limits::MAX_OWNER_BYTES,
        "an owner file",
    )
    .ok()?;
    holder(&bytes).or_else(|| {
        // a holder mid-write, or an older build's
        let text = String::from_utf8_lossy(&bytes);
        let host = text.split_whitespace().next()?.to_string();
        Some((host, "?".into()))
    })
}

/// The host and process an owner file names, as lpkpi writes it: the host's name (spaces
/// and all: "this computer" when it has none), a space, the process id. None otherwise.
fn holder(bytes: &[u8]) -> Option<(String, String)> {
    let text = std::str::from_utf8(bytes).ok()?.trim();
    let (host, pid) = text.rsplit_once(char::is_whitespace)?;
    let host = host.trim();
    (!host.is_empty() && !pid.is_empty() && pid.bytes().all(|b| b.is_ascii_digit()))
        .then(|| (host.to_string(), pid.to_string()))
}

/// Whether the file at `file` may be lpkpi's lock or owner file of a workspace: missing (or
/// gone while looked at), empty (a lock file), or naming a host and process (an owner file,
/// and the lock file of builds that wrote the holder into it). A folder, a link or any other
/// content is someone else's.
fn may_be_ours(file: &Path) -> bool {
    match std::fs::symlink_metadata(file) {
        Err(_) => true,
        Ok(m) if !m.is_file() => false,
        Ok(m) if m.len() == 0 => true,
        Ok(m) if m.len() > crate::money::limits::MAX_OWNER_BYTES => false,
        Ok(_) => match std::fs::read(file) {
            Ok(bytes) => holder(&bytes).is_some(),
            Err(e) => e.kind() == std::io::ErrorKind::NotFound,
        },
    }
}

#[cfg(unix)]
fn same_inode(file: &File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (file.metadata(), std::fs::metadata(path)) {
        (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
}

#[cfg(not(unix))]
fn same_inode(_file: &File, path: &Path) -> bool {
    path.exists()
}

impl WorkspaceLock {
    /// Take the lock of the workspace at `path`, or say who holds it.
    ///
    /// The lock file is removed by its holder on release (see [`Drop`]), so after locking, the
    /// file locked must still be the one at the path: if a releasing holder removed it in
    /// between, this process locked an orphan and tries again.
    pub fn acquire(path: &Path) -> Result<WorkspaceLock, WorkspaceError> {
        // one lock per file, whichever link it was opened through
        let resolved = crate::files::resolve_links(path).unwrap_or_else(|_| path.to_path_buf());
        let path = resolved.as_path();
        let lock = lock_path(path);
        // the lock file is lpkpi's own: an error creating it is said of the workspace and
        // its folder, which the user named
        let io = |source: std::io::Error| {
            let folder = path
                .parent()
                .filter(|p| !p.as_os_str().is_empty())
                .map_or_else(|| ".".to_string(), |p| p.display().to_string());
            let message = match source.kind() {
                std::io::ErrorKind::NotFound => format!("the folder {folder} does not exist"),
                std::io::ErrorKind::PermissionDenied | std::io::ErrorKind::ReadOnlyFilesystem => {
                    format!("lpkpi cannot write in the folder {folder} ({source})")
                }
                // creating the lock file, or locking it (a file system without locks)
                _ => format!("cannot take its lock in the folder {folder} ({source})"),
            };
            WorkspaceError::Folder {
                path: path.display().to_string(),
                message,
            }
        };
        // a folder is no workspace, and its lock would be a file inside the parent named
        // after it: refused before anything is created or taken over
        if path.is_dir() {
            return Err(WorkspaceError::File(crate::files::FileError::Folder {
                path: path.display().to_string(),
            }));
        }
        // lpkpi's lock file is empty and its owner file says "host pid": another file of that
        // name is someone's, never taken over nor removed
        for file in [&lock, &owner_path(path)] {
            if !may_be_ours(file) {
                return Err(WorkspaceError::NotOurs {
                    path: file.display().to_string(),
                });
            }
        }
        for _ in 0..50 {
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
                    // the holder writes its owner file just after locking: wait a moment for it
                    let mut holder = read_owner(path);
                    for _ in 0..25 {
                        if holder.is_some() {
                            break;
                        }
                        std::thread::sleep(std::time::Duration::from_millis(10));
                        holder = read_owner(path);
                    }
                    let (host, pid) =
                        holder.unwrap_or_else(|| ("an unknown computer".into(), "?".into()));
                    return Err(WorkspaceError::Locked {
                        path: path.display().to_string(),
                        host,
                        pid,
                    });
                }
                Err(TryLockError::Error(e)) => return Err(io(e)),
            }
            if !same_inode(&file, &lock) {
                continue;
            }
            let owner = format!("{} {}\n", host_name(), std::process::id());
            if let Err(source) = crate::files::atomic::write(&owner_path(path), owner.as_bytes()) {
                // (a full disk): the lock file goes, while still held, as a lock let go does;
                // the error is said of the folder, as creating the lock file's would be
                let _ = std::fs::remove_file(&lock);
                return Err(io(source));
            }
            return Ok(WorkspaceLock {
                file,
                path: lock,
                workspace: path.to_path_buf(),
            });
        }
        Err(WorkspaceError::Io {
            path: lock.display().to_string(),
            source: std::io::Error::other("the lock file keeps changing; try again"),
        })
    }

    /// The lock file.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

/// Whether another process holds the lock of the workspace at `path` (a probe that creates
/// nothing).
pub fn is_locked(path: &Path) -> bool {
    let resolved = crate::files::resolve_links(path).unwrap_or_else(|_| path.to_path_buf());
    let Ok(file) = File::open(lock_path(&resolved)) else {
        return false;
    };
    match file.try_lock_shared() {
        Ok(()) => {
            // the probe's lock goes with its file handle in a moment anyway
            let _ = file.unlock();
            false
        }
        Err(TryLockError::WouldBlock) => true,
        Err(TryLockError::Error(_)) => false,
    }
}

impl Drop for WorkspaceLock {
    fn drop(&mut self) {
        // Remove the owner and lock files while still holding the lock, then unlock. A process
        // that opened the old lock file meanwhile finds, once it locks it, that it is no longer
        // the file at the path, and starts over (see `acquire`): no two processes ever hold
        // locks on two different files. (Where open files cannot be removed, as on Windows,
        // the files stay, unlocked and harmless.)
        let _ = std::fs::remove_file(owner_path(&self.workspace));
        let _ = std::fs::remove_file(&self.path);
        let _ = self.file.unlock();
    }
}

fn digest(bytes: &[u8]) -> [u8; 32] {
    Sha256::digest(bytes).into()
}

/// Read a workspace file: a regular file of at most [`crate::money::limits::MAX_WORKSPACE_BYTES`].
pub fn read(path: &Path) -> Result<Vec<u8>, WorkspaceError> {
    crate::files::read_capped(
        path,
        crate::money::limits::MAX_WORKSPACE_BYTES,
        "a workspace",
    )
    .map_err(WorkspaceError::File)
}

/// The digest of the file at `path` when it is a workspace that may be replaced (None when
/// there is no file); an existing file that is not a readable workspace is refused, so that
/// Save As never turns someone's damaged work into a backup of something else.
fn replaceable(path: &Path) -> Result<Option<[u8; 32]>, WorkspaceError> {
    if !path.exists() {
        no_leftovers_of_another(path)?;
        return Ok(None);
    }
    match read(path) {
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
        Err(WorkspaceError::File(crate::files::FileError::NotFound { .. })) => Ok(None),
        Err(e) => Err(e),
    }
}

/// A new workspace is not made where an earlier one of that name left its backup or its
/// unsaved edits: its second save would replace that backup (the only copy of a workspace
/// deleted or moved), and the window would offer those edits as its own.
fn no_leftovers_of_another(path: &Path) -> Result<(), WorkspaceError> {
    let target = crate::files::resolve_links(path).unwrap_or_else(|_| path.to_path_buf());
    for (left, what) in [
        (backup_path(&target), "the backup"),
        (recovery_path(&target), "the unsaved edits"),
    ] {
        if left.exists() {
            return Err(WorkspaceError::Leftover {
                path: path.display().to_string(),
                message: format!(
                    "{} is there, {what} of an earlier workspace of this name: move it away (or, for a backup, rename it to open it) first, so that nothing replaces it",
                    left.display()
                ),
            });
        }
    }
    Ok(())
}

/// Whether the file at `path` is an lpkpi workspace (or its backup or recovery file): it
/// parses as one. Only files that start like RON are read in full ([`starts_like_ron`]).
pub fn is_workspace(path: &Path) -> bool {
    use std::io::Read;
    let mut head = Vec::new();
    let Ok(_) = std::fs::File::open(path).and_then(|f| f.take(HEAD).read_to_end(&mut head)) else {
        return false;
    };
    starts_like_ron(&head) && read(path).is_ok_and(|bytes| parse(&bytes, "").is_ok())
}

/// Where the block comment `text` starts with ends (the index of its last `/`): RON's block
/// comments nest, as Rust's do. None when it goes on past `text`.
fn block_comment_end(text: &[u8]) -> Option<usize> {
    let mut depth = 0usize;
    let mut i = 0;
    while i + 1 < text.len() {
        match &text[i..i + 2] {
            b"/*" => {
                depth += 1;
                i += 2;
            }
            b"*/" => {
                depth -= 1;
                if depth == 0 {
                    return Some(i + 1);
                }
                i += 2;
            }
            _ => i += 1,
        }
    }
    None
}

/// How much of a file [`starts_like_ron`] looks at.
const HEAD: u64 = 64 << 10;

/// Whether `head`, a file's first bytes, may begin a RON value: past a byte order mark,
/// white space, comments (`//`, `/* */`) and attributes (`#![enable(...)]`), a `(` or a
/// struct's name; or the head ends before anything else is seen. A report, an export or a
/// document starts otherwise, and is not read in full.
fn starts_like_ron(head: &[u8]) -> bool {
    let mut rest = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    loop {
        let Some(i) = rest.iter().position(|b| !b.is_ascii_whitespace()) else {
            return true;
        };
        rest = &rest[i..];
        let skip = if rest.starts_with(b"//") {
            rest.iter().position(|&b| b == b'\n')
        } else if rest.starts_with(b"/*") {
            block_comment_end(rest)
        } else if rest.starts_with(b"#!") {
            rest.iter().position(|&b| b == b']')
        } else {
            // `(`, or a struct's name and its `(`
            let name = rest
                .iter()
                .position(|b| !(b.is_ascii_alphanumeric() || *b == b'_'))
                .unwrap_or(rest.len());
            let after = &rest[name..];
            let after = after
                .iter()
                .position(|b| !b.is_ascii_whitespace())
                .map_or(&[][..], |k| &after[k..]);
            // a comment after the name: the full parse decides
            return after.first() == Some(&b'(')
                || (name > 0 && (after.is_empty() || after.starts_with(b"/")));
        };
        match skip {
            Some(j) => rest = &rest[j + 1..],
            // a comment or an attribute past the head: it may still be a workspace
            None => return true,
        }
    }
}

/// Parse workspace bytes (UTF-8 RON; a byte order mark, as some editors add, is skipped).
pub fn parse(bytes: &[u8], origin: &str) -> Result<Workspace, WorkspaceError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
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
    /// A recovery file is there that cannot be read now (permissions, a disk error): none is
    /// written over it.
    keep_recovery: std::sync::atomic::AtomicBool,
}

/// What tells a file's content changed without reading it: its length, modification time and
/// (on Unix) inode; None when it is not there.
fn stamp(path: &Path) -> Option<(u64, Option<std::time::SystemTime>, u64)> {
    let meta = std::fs::metadata(path).ok()?;
    #[cfg(unix)]
    let inode = std::os::unix::fs::MetadataExt::ino(&meta);
    #[cfg(not(unix))]
    let inode = 0;
    Some((meta.len(), meta.modified().ok(), inode))
}

impl Document {
    /// Open (lock, then read) an existing workspace. A file that fails to parse is an error
    /// and is never overwritten.
    pub fn open(path: &Path) -> Result<Document, WorkspaceError> {
        let lock = WorkspaceLock::acquire(path)?;
        crate::files::atomic::remove_leftovers(path);
        let bytes = read(path)?;
        let workspace = parse(&bytes, &path.display().to_string())?;
        Ok(Document {
            path: path.to_path_buf(),
            workspace,
            lock,
            on_disk: Some(digest(&bytes)),
            saved_revision: 0,
            keep_recovery: Default::default(),
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
        no_leftovers_of_another(path)?;
        let mut doc = Document {
            path: path.to_path_buf(),
            workspace,
            lock,
            on_disk: None,
            saved_revision: 0,
            keep_recovery: Default::default(),
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
    /// disk is not the one this document read (changed by someone else, or recreated), or is
    /// read-only. A recovery file is left alone: it holds the window's unsaved edits, which
    /// only the window may discard ([`Document::discard_recovery`]).
    pub fn save(&mut self) -> Result<(), WorkspaceError> {
        let text = to_ron(&self.workspace)?;
        // through a symbolic link, the file it names is replaced and the link kept
        let target = crate::files::resolve_links(&self.path).map_err(WorkspaceError::File)?;
        let io = |path: &Path| {
            let path = path.display().to_string();
            move |source| WorkspaceError::Io { path, source }
        };
        let seen = stamp(&target);
        let current = if target.exists() {
            Some(read(&target)?)
        } else {
            None
        };
        let changed = || WorkspaceError::Changed {
            path: self.path.display().to_string(),
        };
        if current.as_deref().map(digest) != self.on_disk {
            return Err(changed());
        }
        self.check_writable()?;
        // The new content is written (and synced) before the backup is replaced: a disk too
        // full for it fails the save with the previous backup still there.
        // The backup is a hard link to the current file where links exist: it takes no room
        // beside the new content.
        let staged = crate::files::atomic::stage(&target, text.as_bytes(), &target)
            .map_err(io(&self.path))?;
        // writing a large workspace takes a while: a file another program replaced or wrote
        // meanwhile is not overwritten either (the staged file is removed)
        if stamp(&target) != seen {
            return Err(changed());
        }
        if let Some(old) = &current {
            crate::files::atomic::keep_copy(&target, &backup_path(&target), old)
                .map_err(io(&backup_path(&target)))?;
        }
        staged.persist().map_err(io(&self.path))?;
        // the file holds what was saved from here, even should the folder's sync fail
        self.on_disk = Some(digest(text.as_bytes()));
        crate::files::atomic::sync_folder(&target).map_err(io(&self.path))?;
        Ok(())
    }

    /// Refuse early when the workspace file is read-only (the owner made it so: a save would
    /// replace it all the same, since the folder is writable, so lpkpi checks itself).
    pub fn check_writable(&self) -> Result<(), WorkspaceError> {
        let target = crate::files::resolve_links(&self.path).map_err(WorkspaceError::File)?;
        match std::fs::metadata(&target) {
            Ok(meta) if meta.permissions().readonly() => Err(WorkspaceError::ReadOnly {
                path: self.path.display().to_string(),
            }),
            _ => Ok(()),
        }
    }

    /// Save under a new name chosen by the user (replacing that file, whose previous content
    /// becomes its `.bak`); the document then lives there, locked.
    pub fn save_as(&mut self, path: &Path) -> Result<(), WorkspaceError> {
        if path == self.path {
            return self.save();
        }
        let lock = WorkspaceLock::acquire(path)?;
        crate::files::atomic::remove_leftovers(path);
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
        crate::files::atomic::remove_leftovers(path);
        let on_disk = replaceable(path)?;
        let mut doc = Document {
            path: path.to_path_buf(),
            workspace,
            lock,
            on_disk,
            saved_revision: 0,
            keep_recovery: Default::default(),
        };
        doc.save()?;
        Ok(doc)
    }

    /// Write the unsaved state to `NAME.ron.recovery` (atomically), to be offered on the next
    /// open if the app does not get to save.
    pub fn write_recovery(&self) -> Result<(), WorkspaceError> {
        self.write_recovery_of(&self.workspace)
    }

    /// Write `workspace` (the state being edited) as the recovery file (not over one that is
    /// there and cannot be read now: see [`Document::recovery`]).
    pub fn write_recovery_of(&self, workspace: &Workspace) -> Result<(), WorkspaceError> {
        if self
            .keep_recovery
            .load(std::sync::atomic::Ordering::Relaxed)
        {
            return Ok(());
        }
        let text = to_ron(workspace)?;
        let path = recovery_path(&self.path);
        crate::files::atomic::write(&path, text.as_bytes()).map_err(|source| WorkspaceError::Io {
            path: path.display().to_string(),
            source,
        })
    }

    /// Unsaved edits left by an earlier session of the window, when the recovery file parses
    /// and differs from the workspace: offered even when the workspace was saved since (by the
    /// command line, say), with [`Workspace::differences`] saying what restoring would change.
    ///
    /// A recovery file that cannot be read (cut short, from a newer lpkpi) is never left where
    /// the window's next recovery would replace it: it is renamed `NAME.ron.recovery.unreadable`
    /// (`-2`, `-3`, … when taken), and the error says why and where it is.
    pub fn recovery(&self) -> Result<Option<(Workspace, SystemTime)>, String> {
        let Some(path) = existing_recovery(&self.path) else {
            return Ok(None);
        };
        let Ok(modified) = std::fs::metadata(&path).and_then(|m| m.modified()) else {
            return Ok(None);
        };
        let bytes = match read(&path) {
            Ok(bytes) => bytes,
            // not readable now (permissions, a disk error): left where it is, and this
            // document writes no recovery over it
            Err(e) => {
                self.keep_recovery
                    .store(true, std::sync::atomic::Ordering::Relaxed);
                return Err(format!(
                    "The unsaved edits of an earlier session cannot be read now ({e}): they are left as they are, and this window does not write its own over them (save to keep yours)"
                ));
            }
        };
        let ws = match parse(&bytes, &path.display().to_string()) {
            Ok(ws) => ws,
            // cut short, or from a newer lpkpi: set aside, never replaced by the next recovery
            Err(e) => {
                let kept = (1..1000)
                    .map(|n| {
                        let suffix = if n == 1 {
                            ".recovery.unreadable".to_string()
                        } else {
                            format!(".recovery.unreadable-{n}")
                        };
                        sibling(&path.with_extension(""), &suffix)
                    })
                    .find(|p| !p.exists());
                let moved = kept
                    .as_ref()
                    .is_some_and(|to| std::fs::rename(&path, to).is_ok());
                if !moved {
                    self.keep_recovery
                        .store(true, std::sync::atomic::Ordering::Relaxed);
                }
                return Err(match (moved, kept) {
                    (true, Some(to)) => format!(
                        "The unsaved edits of an earlier session cannot be read ({e}); they are kept as {}",
                        to.display()
                    ),
                    _ => format!(
                        "The unsaved edits of an earlier session cannot be read ({e}); {} is left as it is",
                        path.display()
                    ),
                });
            }
        };
        Ok((ws != self.workspace).then_some((ws, modified)))
    }

    /// Whether a recovery file (unsaved edits from the window) waits beside the workspace.
    pub fn has_recovery(&self) -> bool {
        existing_recovery(&self.path).is_some()
    }

    /// Forget the recovery file (after it was used or declined).
    pub fn discard_recovery(&self) -> Result<(), WorkspaceError> {
        discard_recovery_of(&self.path)
    }
}

/// The recovery file of the workspace at `path` when there is one: beside the file a link
/// names, else beside the link itself (where earlier builds wrote it).
fn existing_recovery(path: &Path) -> Option<PathBuf> {
    [recovery_path(path), sibling(path, ".recovery")]
        .into_iter()
        .find(|p| p.exists())
}

/// Remove the recovery file of the workspace at `path` (none there is fine).
pub fn discard_recovery_of(path: &Path) -> Result<(), WorkspaceError> {
    let Some(recovery) = existing_recovery(path) else {
        return Ok(());
    };
    match std::fs::remove_file(&recovery) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(WorkspaceError::Io {
            path: recovery.display().to_string(),
            source: e,
        }),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::starts_like_ron;

    #[test]
    fn a_workspace_is_recognized_past_comments_and_attributes_and_a_report_is_not() {
        for ron in [
            "(version: 3)",
            "\u{feff}  \n(version: 3)",
            "// lpkpi workspace\n(",
            "/* edited by hand */\n(",
            "/* outer /* inner */ still */\n(",
            "Workspace /* named */ (",
            "#![enable(implicit_some)]\n// x\n(",
            "Workspace (version: 3)",
            &format!("{}(", "\n".repeat(300)),
            "/* a comment longer than the head",
            "   ",
        ] {
            assert!(starts_like_ron(ron.as_bytes()), "{ron:?}");
        }
        for other in [
            "{\"as_of\": \"2026-11-26\"}",
            "Month,KPI units\n2026-03,418",
            "\u{feff}Month,KPI units",
            "%PDF-1.7",
            "# Renewal readiness",
            "<!doctype html>",
        ] {
            assert!(!starts_like_ron(other.as_bytes()), "{other:?}");
        }
    }
}
