//! The workspace: one RON file holding everything an administrator builds up over a renewal
//! year, surviving crashes, a second copy of the app, and files from older or newer versions.
//!
//! - [`model`]: the document (serde data, `#[serde(default)]` everywhere).
//! - [`format`]: versioned RON text, stable layout; [`migrate`]: one step per format version;
//!   [`compact`]: the rows of the file, written and read without serde's generic path.
//! - [`edit`]: every change as data ([`Edit`]), validated and applied by [`Workspace::apply`],
//!   undone by the inverse it returns.
//! - [`file`]: lock, atomic save with `.bak`, recovery file.
//! - [`session`]: the workspace turned into evaluation inputs, shared by the CLI and the window.

pub mod compact;
pub mod edit;
pub mod file;
pub mod format;
pub mod migrate;
pub mod model;
pub mod reconcile;
pub mod session;

pub use edit::{Edit, EditError, ListEdit};
pub use file::Document;
pub use model::{FORMAT_VERSION, Workspace};

/// A workspace that cannot be read or written.
#[derive(Debug, thiserror::Error)]
pub enum WorkspaceError {
    /// A file operation failed.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// The error.
        source: std::io::Error,
    },
    /// The file is not a workspace lpkpi can read; it is left untouched.
    #[error("{path}: line {line}, column {column}: {message} (the file is left untouched)")]
    Parse {
        /// The file.
        path: String,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What is wrong.
        message: String,
    },
    /// A new workspace where an earlier one of its name left its backup or unsaved edits.
    #[error("{path} is not made: {message}")]
    Leftover {
        /// The workspace asked for.
        path: String,
        /// What is there, and what to do.
        message: String,
    },
    /// The file parses but holds values lpkpi refuses (they could only overflow the sums).
    #[error("{path}: {message} (the file is left untouched)")]
    Invalid {
        /// The file.
        path: String,
        /// What is wrong.
        message: String,
    },
    /// Written by a newer lpkpi; opening it here could lose what that version added.
    #[error(
        "{path} was written by a newer lpkpi (workspace version {found}; this one reads up to {supported}): update lpkpi to open it (the file is left untouched)"
    )]
    Newer {
        /// The file.
        path: String,
        /// Its version.
        found: u32,
        /// The newest this build reads.
        supported: u32,
    },
    /// Another process holds the workspace.
    #[error("{path} is open in another lpkpi (on {host}, process {pid}): close it there first")]
    Locked {
        /// The workspace.
        path: String,
        /// Host named in the lock file.
        host: String,
        /// Process id named in the lock file.
        pid: String,
    },
    /// The file changed on disk since it was read: saving would overwrite someone's work.
    #[error(
        "{path} changed on disk since it was opened: not overwritten (reopen it, or save under another name)"
    )]
    Changed {
        /// The file.
        path: String,
    },
    /// The file is read-only: it is not replaced.
    #[error("{path} is read-only: not changed (make it writable, or save under another name)")]
    ReadOnly {
        /// The file.
        path: String,
    },
    /// The file is not one lpkpi reads (a device, a pipe, a folder, too large).
    #[error(transparent)]
    File(#[from] crate::files::FileError),
    /// The workspace's folder cannot be written in (missing, read-only): nothing was written.
    #[error("{path}: {message}")]
    Folder {
        /// The workspace file.
        path: String,
        /// What is wrong with its folder.
        message: String,
    },
    /// A file beside the workspace with the name of its lock or owner file that lpkpi did not
    /// write: it is left as it is, and the workspace is not opened.
    #[error(
        "{path} is in the way: it has the name of one of the workspace's lock files but is not lpkpi's (left as it is; rename it, or choose another workspace name)"
    )]
    NotOurs {
        /// The file in the way.
        path: String,
    },
    /// `new` on a file that exists.
    #[error("{path} already exists")]
    Exists {
        /// The file.
        path: String,
    },
    /// The workspace could not be written as RON.
    #[error("cannot write the workspace: {0}")]
    Serialize(String),
}
