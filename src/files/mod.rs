//! Files in and out without surprises: inputs are read only when they are regular files under
//! a size cap (a device, a pipe or a huge file is refused before a byte is read, so nothing
//! waits or fills memory), and outputs never replace what is not a regular file (a device or a
//! pipe is written into, a symbolic link is followed to the file it names, which is then
//! replaced atomically).

use std::fs::{File, OpenOptions};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

pub mod atomic;

/// A file that could not be read or written, in one line naming it.
#[derive(Debug, thiserror::Error)]
pub enum FileError {
    /// Nothing at that path.
    #[error("{path}: no such file")]
    NotFound {
        /// The path.
        path: String,
    },
    /// A folder where a file was expected.
    #[error("{path} is a folder, not a file")]
    Folder {
        /// The path.
        path: String,
    },
    /// A device, pipe or socket: lpkpi reads only regular files.
    #[error("{path} is not a regular file (a device, pipe or socket): lpkpi reads only files")]
    NotRegular {
        /// The path.
        path: String,
    },
    /// Over the cap for its kind.
    #[error("{path} is {size} bytes, over lpkpi's limit of {limit} for {what}")]
    TooLarge {
        /// The path.
        path: String,
        /// Its size in bytes.
        size: u64,
        /// The limit, in words ("1 GiB").
        limit: String,
        /// What kind of file ("an export").
        what: &'static str,
    },
    /// A pipe with no program reading it.
    #[error("{path} is a pipe that no program is reading")]
    NoReader {
        /// The path.
        path: String,
    },
    /// A symbolic link that leads nowhere lpkpi can write.
    #[error("{path}: too many symbolic links, or a link in a loop")]
    LinkLoop {
        /// The path.
        path: String,
    },
    /// The operating system refused.
    #[error("{path}: {source}")]
    Io {
        /// The path.
        path: String,
        /// The error.
        #[source]
        source: std::io::Error,
    },
}

impl FileError {
    fn io(path: &Path) -> impl FnOnce(std::io::Error) -> FileError + '_ {
        move |source| {
            if source.kind() == std::io::ErrorKind::NotFound {
                FileError::NotFound {
                    path: path.display().to_string(),
                }
            } else {
                FileError::Io {
                    path: path.display().to_string(),
                    source,
                }
            }
        }
    }
}

fn size_words(bytes: u64) -> String {
    match bytes {
        b if b >= 1 << 30 && b % (1 << 30) == 0 => format!("{} GiB", b >> 30),
        b if b >= 1 << 20 && b % (1 << 20) == 0 => format!("{} MiB", b >> 20),
        b if b >= 1 << 10 && b % (1 << 10) == 0 => format!("{} KiB", b >> 10),
        b => format!("{b} bytes"),
    }
}

/// Open for reading without ever blocking: a pipe swapped in after the check opens at once
/// (and is then refused), instead of waiting for a writer.
fn open_nonblocking(path: &Path) -> std::io::Result<File> {
    let mut options = OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    options.open(path)
}

/// Files from this size on are read in two halves at once (on Unix).
const HALVES_FROM: u64 = 16 << 20;

/// A large file's `len` bytes read by two threads at once, each half at its offset (the
/// kernel's copy and the fresh pages' faults are most of a large read's time). None when the
/// file is small, or shorter than `len` by now; the caller then reads it the plain way.
#[cfg(unix)]
fn halves(file: &File, len: u64) -> Option<Vec<u8>> {
    use std::os::unix::fs::FileExt;
    if len < HALVES_FROM {
        return None;
    }
    let mut bytes = vec![0u8; usize::try_from(len).ok()?];
    let half = bytes.len() / 2;
    let (a, b) = bytes.split_at_mut(half);
    let mid = a.len() as u64;
    let ok = std::thread::scope(|scope| {
        let second = scope.spawn(|| file.read_exact_at(b, mid).is_ok());
        let first = file.read_exact_at(a, 0).is_ok();
        first && second.join().unwrap_or(false)
    });
    ok.then_some(bytes)
}

#[cfg(not(unix))]
fn halves(_file: &File, _len: u64) -> Option<Vec<u8>> {
    None
}

/// Fill `buf` from `file` at `offset`, leaving the file's position alone (a file shorter by
/// now is an error). On Unix only: elsewhere it always fails, and callers read files whole.
pub fn read_at(file: &File, buf: &mut [u8], offset: u64) -> std::io::Result<()> {
    #[cfg(unix)]
    return std::os::unix::fs::FileExt::read_exact_at(file, buf, offset);
    #[cfg(not(unix))]
    {
        let _ = (file, buf, offset);
        Err(std::io::Error::other("not read at an offset here"))
    }
}

/// Read the regular file at `path` (a symbolic link to one is fine) if it is at most `cap`
/// bytes; `what` names its kind in the error ("an export", "a workspace").
pub fn read_capped(path: &Path, cap: u64, what: &'static str) -> Result<Vec<u8>, FileError> {
    let opened = open_capped(path, cap, what)?;
    read_opened(&opened, path, cap, what)
}

/// A regular file opened for reading, at most the cap long when it was opened.
#[derive(Debug)]
pub struct Opened {
    /// The file.
    pub file: File,
    /// Its length when it was opened.
    pub len: u64,
}

/// The name a file is shown by: its file name, or the whole path when it has none (`/`, `..`).
pub fn name_of(path: &Path) -> String {
    path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}

/// Open the regular file at `path` (a symbolic link to one is fine) if it is at most `cap`
/// bytes, without reading it; `what` names its kind in the error ("an export").
pub fn open_capped(path: &Path, cap: u64, what: &'static str) -> Result<Opened, FileError> {
    let meta = std::fs::metadata(path).map_err(FileError::io(path))?;
    check_regular(path, &meta)?;
    let file = open_nonblocking(path).map_err(FileError::io(path))?;
    // the path may have changed between the check and the open: check what was opened
    let meta = file.metadata().map_err(FileError::io(path))?;
    check_regular(path, &meta)?;
    if meta.len() > cap {
        return Err(too_large(path, meta.len(), cap, what));
    }
    Ok(Opened {
        file,
        len: meta.len(),
    })
}

fn too_large(path: &Path, size: u64, cap: u64, what: &'static str) -> FileError {
    FileError::TooLarge {
        path: path.display().to_string(),
        size,
        limit: size_words(cap),
        what,
    }
}

/// All the bytes of a file [`open_capped`] opened (named `path` in errors), still at most
/// `cap` of them however it grew since.
pub fn read_opened(
    opened: &Opened,
    path: &Path,
    cap: u64,
    what: &'static str,
) -> Result<Vec<u8>, FileError> {
    let file = &opened.file;
    let mut bytes = halves(file, opened.len).unwrap_or_default();
    if bytes.is_empty() {
        bytes.reserve(usize::try_from(opened.len).unwrap_or(0));
    }
    // whatever was not read in halves (all of it, or what the file grew by since), and a file
    // growing while it is read still stops at the cap
    let mut rest = file;
    std::io::Seek::seek(&mut rest, std::io::SeekFrom::Start(bytes.len() as u64))
        .map_err(FileError::io(path))?;
    rest.take(cap.saturating_add(1).saturating_sub(bytes.len() as u64))
        .read_to_end(&mut bytes)
        .map_err(FileError::io(path))?;
    if bytes.len() as u64 > cap {
        return Err(too_large(path, bytes.len() as u64, cap, what));
    }
    Ok(bytes)
}

fn check_regular(path: &Path, meta: &std::fs::Metadata) -> Result<(), FileError> {
    if meta.is_dir() {
        return Err(FileError::Folder {
            path: path.display().to_string(),
        });
    }
    if !meta.is_file() {
        return Err(FileError::NotRegular {
            path: path.display().to_string(),
        });
    }
    Ok(())
}

/// Where a symbolic link chain ends (the path itself when it is no link); the target need not
/// exist yet.
pub fn resolve_links(path: &Path) -> Result<PathBuf, FileError> {
    let mut current = path.to_path_buf();
    for _ in 0..40 {
        match std::fs::symlink_metadata(&current) {
            Ok(meta) if meta.file_type().is_symlink() => {
                let target = std::fs::read_link(&current).map_err(FileError::io(&current))?;
                current = match current.parent() {
                    Some(dir) if target.is_relative() => dir.join(target),
                    _ => target,
                };
            }
            _ => return Ok(current),
        }
    }
    Err(FileError::LinkLoop {
        path: path.display().to_string(),
    })
}

/// The standard stream of this process that `path` names, `/dev/stdout` say, directly or
/// through links (`/dev/fd/1`, `/proc/self/fd/1`): written through the process's own handle,
/// where the shell's redirection (`>>` appends) applies. Reopened by name, the file behind it
/// would be replaced or written from its start, and a pipe's name cannot be opened at all.
pub fn standard_stream(path: &Path) -> Option<StdStream> {
    let own = format!("/proc/{}/fd/", std::process::id());
    let mut current = path.to_path_buf();
    for _ in 0..40 {
        let name = current.to_string_lossy();
        let fd = ["/dev/fd/", "/proc/self/fd/", own.as_str()]
            .iter()
            .find_map(|p| name.strip_prefix(p))
            .map(str::to_string)
            .or_else(|| match name.as_ref() {
                "/dev/stdout" => Some("1".into()),
                "/dev/stderr" => Some("2".into()),
                _ => None,
            });
        match fd.as_deref() {
            Some("1") => return Some(StdStream::Out),
            Some("2") => return Some(StdStream::Err),
            _ => {}
        }
        let target = std::fs::read_link(&current).ok()?;
        current = match current.parent() {
            Some(dir) if target.is_relative() => dir.join(target),
            _ => target,
        };
    }
    None
}

/// A standard stream of the process ([`standard_stream`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StdStream {
    /// Standard output.
    Out,
    /// Standard error.
    Err,
}

/// What is at an output path, after symbolic links.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputKind {
    /// Nothing yet: a new file.
    New,
    /// A regular file: replaced atomically.
    Regular,
    /// A character device or a pipe: written into, never replaced.
    Stream,
}

/// What writing to `path` would do; refuses folders, sockets and block devices.
pub fn output_kind(path: &Path) -> Result<OutputKind, FileError> {
    if standard_stream(path).is_some() {
        return Ok(OutputKind::Stream);
    }
    let target = resolve_links(path)?;
    match std::fs::metadata(&target) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(OutputKind::New),
        Err(e) => Err(FileError::io(path)(e)),
        Ok(meta) if meta.is_file() => Ok(OutputKind::Regular),
        Ok(meta) if meta.is_dir() => Err(FileError::Folder {
            path: path.display().to_string(),
        }),
        Ok(meta) => {
            #[cfg(unix)]
            {
                use std::os::unix::fs::FileTypeExt;
                let t = meta.file_type();
                if t.is_char_device() || t.is_fifo() {
                    return Ok(OutputKind::Stream);
                }
            }
            let _ = meta;
            Err(FileError::NotRegular {
                path: path.display().to_string(),
            })
        }
    }
}

/// Write `bytes` to `path`: a new or regular file atomically (through a symbolic link, at the
/// file it names, keeping the link), a character device or a pipe directly (a pipe nobody reads
/// is an error, not a wait). Nothing that is not a regular file is ever replaced.
pub fn write_output(path: &Path, bytes: &[u8]) -> Result<(), FileError> {
    if let Some(stream) = standard_stream(path) {
        let written = match stream {
            StdStream::Out => {
                let mut out = std::io::stdout().lock();
                out.write_all(bytes).and_then(|()| out.flush())
            }
            StdStream::Err => std::io::stderr().lock().write_all(bytes),
        };
        return written.map_err(FileError::io(path));
    }
    let target = resolve_links(path)?;
    match output_kind(&target)? {
        OutputKind::New | OutputKind::Regular => {
            atomic::write(&target, bytes).map_err(FileError::io(path))
        }
        OutputKind::Stream => write_stream(&target, bytes).map_err(|e| match e.raw_os_error() {
            #[cfg(unix)]
            Some(libc::ENXIO) => FileError::NoReader {
                path: path.display().to_string(),
            },
            _ => FileError::io(path)(e),
        }),
    }
}

#[allow(
    unsafe_code,
    reason = "fcntl has no safe wrapper in std; it only clears O_NONBLOCK on a descriptor owned here"
)]
fn write_stream(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut options = OpenOptions::new();
    options.write(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        // a pipe without a reader fails at once (ENXIO) instead of waiting
        options.custom_flags(libc::O_NONBLOCK);
    }
    let mut file = options.open(path)?;
    #[cfg(unix)]
    {
        use std::os::fd::AsRawFd;
        // blocking writes from here on: a slow reader is waited for, a full pipe is no error
        let fd = file.as_raw_fd();
        // SAFETY: fcntl on a descriptor this function owns, with flags it read just before.
        let flags = unsafe { libc::fcntl(fd, libc::F_GETFL) };
        if flags >= 0 {
            // SAFETY: as above.
            unsafe { libc::fcntl(fd, libc::F_SETFL, flags & !libc::O_NONBLOCK) };
        }
    }
    file.write_all(bytes)?;
    file.flush()
}

/// Whether two paths name the same file (same device and inode; on other systems, the same
/// canonical path). Paths that do not exist name no file.
pub fn same_file(a: &Path, b: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        match (std::fs::metadata(a), std::fs::metadata(b)) {
            (Ok(x), Ok(y)) => x.dev() == y.dev() && x.ino() == y.ino(),
            _ => false,
        }
    }
    #[cfg(not(unix))]
    {
        match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
            (Ok(x), Ok(y)) => x == y,
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_large_file_read_in_halves_is_read_whole() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("big.csv");
        // an odd length over the threshold, every byte telling its place
        let bytes: Vec<u8> = (0..(HALVES_FROM as usize + 12_345))
            .map(|i| (i % 251) as u8)
            .collect();
        std::fs::write(&f, &bytes).unwrap();
        let read = read_capped(&f, 1 << 30, "an export").unwrap();
        assert!(read == bytes, "the bytes differ");
        let e = read_capped(&f, HALVES_FROM, "an export").unwrap_err();
        assert!(matches!(e, FileError::TooLarge { .. }), "{e}");
    }

    #[test]
    fn reads_regular_files_under_the_cap_only() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("a.csv");
        std::fs::write(&f, b"12345").unwrap();
        assert_eq!(read_capped(&f, 5, "an export").unwrap(), b"12345");
        let e = read_capped(&f, 4, "an export").unwrap_err();
        assert_eq!(
            e.to_string(),
            format!(
                "{} is 5 bytes, over lpkpi's limit of 4 bytes for an export",
                f.display()
            )
        );
        assert!(matches!(
            read_capped(dir.path(), 10, "an export"),
            Err(FileError::Folder { .. })
        ));
        assert!(matches!(
            read_capped(&dir.path().join("none"), 10, "an export"),
            Err(FileError::NotFound { .. })
        ));
        #[cfg(unix)]
        assert!(matches!(
            read_capped(Path::new("/dev/zero"), 10, "an export"),
            Err(FileError::NotRegular { .. })
        ));
        assert_eq!(size_words(1 << 30), "1 GiB");
        assert_eq!(size_words(4 << 10), "4 KiB");
    }

    #[cfg(unix)]
    #[test]
    fn outputs_keep_links_devices_and_pipes() {
        use std::os::unix::fs::FileTypeExt;
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("real.json");
        std::fs::write(&real, b"old").unwrap();
        let link = dir.path().join("link.json");
        std::os::unix::fs::symlink("real.json", &link).unwrap();
        write_output(&link, b"new").unwrap();
        assert!(
            std::fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(std::fs::read(&real).unwrap(), b"new");

        write_output(Path::new("/dev/null"), b"x").unwrap();
        assert!(
            std::fs::metadata("/dev/null")
                .unwrap()
                .file_type()
                .is_char_device()
        );

        let fifo = dir.path().join("pipe");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        if made.is_ok_and(|s| s.success()) {
            let e = write_output(&fifo, b"x").unwrap_err();
            assert!(matches!(e, FileError::NoReader { .. }), "{e}");
            assert!(std::fs::metadata(&fifo).unwrap().file_type().is_fifo());
            assert!(matches!(
                read_capped(&fifo, 10, "an export"),
                Err(FileError::NotRegular { .. })
            ));
        }
        assert!(matches!(
            write_output(dir.path(), b"x"),
            Err(FileError::Folder { .. })
        ));
        assert!(same_file(&link, &real));
        assert!(!same_file(&link, &fifo));
    }
}
