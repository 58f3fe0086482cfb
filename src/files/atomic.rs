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
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let prefix = temp_prefix(path);
    let Ok(entries) = std::fs::read_dir(dir) else {
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
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let mut tmp = tempfile::Builder::new()
        .prefix(&temp_prefix(path))
        .suffix(".tmp")
        .tempfile_in(dir)?;
    // Keep the permissions of the file replaced (or copied); new files get the usual
    // rw-r--r--.
    match std::fs::metadata(like) {
        Ok(meta) => tmp.as_file().set_permissions(meta.permissions())?,
        Err(_) => {
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                tmp.as_file()
                    .set_permissions(std::fs::Permissions::from_mode(0o644))?;
            }
        }
    }
    tmp.write_all(bytes)?;
    tmp.flush()?;
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    // the rename itself must reach the disk before a power loss can revert it
    #[cfg(unix)]
    std::fs::File::open(dir)?.sync_all()?;
    Ok(())
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
