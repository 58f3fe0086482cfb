//! Atomic file writes: a temporary file in the same folder, flushed and synced, then renamed
//! over the target, so a reader (or a crash) sees the old file or the new one, never half.

use std::io::Write;
use std::path::Path;

/// Temporary files for `path` are named `.NAME.XXXXXX.tmp` beside it.
fn temp_prefix(path: &Path) -> String {
    format!(
        ".{}.",
        path.file_name()
            .map_or_else(String::new, |n| n.to_string_lossy().into_owned())
    )
}

/// Remove temporary files a killed process left behind while writing `path` (or a file whose
/// name extends it, like `NAME.bak`). Only call this while holding the file's lock.
pub fn remove_leftovers(path: &Path) {
    let prefix = temp_prefix(path);
    let Ok(entries) = std::fs::read_dir(folder(path)) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with(&prefix) && name.ends_with(".tmp") {
            // best effort: a leftover that stays is only clutter, retried at the next open
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// Write `bytes` to `path` atomically.
pub fn write(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    write_like(path, bytes, path)
}

/// Write `bytes` to `path` atomically, with the permissions of the file at `like` (the file
/// a backup copies: a workspace only its owner may read keeps a backup only its owner may
/// read); the usual rw-r--r-- when there is none.
pub fn write_like(path: &Path, bytes: &[u8], like: &Path) -> std::io::Result<()> {
    stage(path, bytes, like)?.commit()
}

/// The new content of a file, written and synced beside it but not yet in its place: a save
/// that also replaces a backup writes the new content first, so a full disk fails it before
/// anything was replaced. Dropped without [`Staged::commit`], the temporary file is removed.
pub struct Staged {
    tmp: tempfile::NamedTempFile,
    path: std::path::PathBuf,
}

/// Write `bytes` beside `path` (permissions as in [`write_like`]), ready to replace it.
pub fn stage(path: &Path, bytes: &[u8], like: &Path) -> std::io::Result<Staged> {
    let prefix = temp_prefix(path);
    let mut builder = tempfile::Builder::new();
    builder.prefix(&prefix).suffix(".tmp");
    // A new file is created as any program creates one: rw-rw-rw- less the user's umask
    // (rw-r--r-- with the usual 022; rw------- for a user who keeps their files private).
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o666));
    }
    let mut tmp = builder.tempfile_in(folder(path))?;
    // the file replaced (or copied) keeps its permissions
    if let Ok(meta) = std::fs::metadata(like) {
        tmp.as_file().set_permissions(meta.permissions())?;
    }
    // through the file itself: the temporary's own error would name its path, which means
    // nothing to the user
    tmp.as_file_mut().write_all(bytes)?;
    tmp.as_file_mut().flush()?;
    tmp.as_file().sync_all()?;
    Ok(Staged {
        tmp,
        path: path.to_path_buf(),
    })
}

impl Staged {
    /// Rename the new content over the file, and make the rename itself durable.
    pub fn commit(self) -> std::io::Result<()> {
        let path = self.path.clone();
        self.persist()?;
        sync_folder(&path)
    }

    /// Rename the new content over the file: from here the file holds it ([`sync_folder`]
    /// then makes the rename durable).
    pub fn persist(self) -> std::io::Result<()> {
        self.tmp.persist(&self.path).map_err(|e| e.error)?;
        Ok(())
    }
}

/// Make the renames in `path`'s folder reach the disk before a power loss can revert them.
pub fn sync_folder(path: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    std::fs::File::open(folder(path))?.sync_all()?;
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}

/// Make `copy` hold what `original` holds now (`bytes`), replacing it atomically: a hard link
/// to it where the file system has them (no space taken, so a disk too full for a second
/// copy still keeps the backup; the same permissions, being the same file), else a copy of
/// `bytes` written with `original`'s permissions.
pub fn keep_copy(original: &Path, copy: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let linked = tempfile::Builder::new()
        .prefix(&temp_prefix(copy))
        .suffix(".tmp")
        .make_in(folder(copy), |path| std::fs::hard_link(original, path));
    match linked {
        Ok(link) => {
            link.persist(copy).map_err(|e| e.error)?;
            sync_folder(copy)
        }
        Err(_) => write_like(copy, bytes, original),
    }
}

/// The folder a file is in (`.` for a bare name).
fn folder(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn replaces_the_file_and_leaves_no_temporary() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.json");
        super::write(&path, b"one").unwrap();
        super::write(&path, b"two").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"two");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    /// A kept copy holds the original's bytes, replaces an older copy whole, and stays when
    /// the original is then replaced (a hard link is a name of the old file, not of the path).
    #[test]
    fn a_kept_copy_outlives_the_original_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let (original, copy) = (dir.path().join("w.ron"), dir.path().join("w.ron.bak"));
        std::fs::write(&original, b"one").unwrap();
        std::fs::write(&copy, b"zero").unwrap();
        super::keep_copy(&original, &copy, b"one").unwrap();
        assert_eq!(std::fs::read(&copy).unwrap(), b"one");
        super::write(&original, b"two").unwrap();
        assert_eq!(std::fs::read(&copy).unwrap(), b"one");
        assert_eq!(std::fs::read(&original).unwrap(), b"two");
        // no temporary left
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 2);
    }

    #[cfg(unix)]
    #[test]
    fn a_copy_takes_the_permissions_of_its_original() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let original = dir.path().join("w.ron");
        let copy = dir.path().join("w.ron.bak");
        std::fs::write(&original, b"one").unwrap();
        std::fs::set_permissions(&original, std::fs::Permissions::from_mode(0o640)).unwrap();
        // an older copy readable by all is replaced by one as private as its original
        std::fs::write(&copy, b"zero").unwrap();
        std::fs::set_permissions(&copy, std::fs::Permissions::from_mode(0o644)).unwrap();
        super::write_like(&copy, b"one", &original).unwrap();
        let mode = std::fs::metadata(&copy).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o640);
    }
}
