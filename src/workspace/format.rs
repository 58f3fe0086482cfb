//! The workspace's text form: RON with a top-level `version`, written with a stable layout (one
//! row per line, sorted maps, decimals as strings) so saving twice gives identical bytes and
//! diffs stay small; read with migration from every earlier version ([`super::migrate`]).

use serde::Deserialize;

use super::WorkspaceError;
use super::model::{FORMAT_VERSION, Workspace};

/// The first line of every workspace file.
pub const HEADER: &str =
    "// lpkpi workspace (RON). Edit with care: lpkpi rewrites this file on save.\n";

/// Nesting deeper than this is refused (a workspace is at most a few levels deep).
const RECURSION_LIMIT: usize = 64;

fn options() -> ron::Options {
    ron::Options::default().with_recursion_limit(RECURSION_LIMIT)
}

/// The workspace as RON text.
pub fn to_ron(ws: &Workspace) -> Result<String, WorkspaceError> {
    let mut ws = ws.clone();
    ws.version = FORMAT_VERSION;
    let pretty = ron::ser::PrettyConfig::new()
        .depth_limit(2)
        .indentor("  ".to_string())
        .struct_names(false);
    let body = options()
        .to_string_pretty(&ws, pretty)
        .map_err(|e| WorkspaceError::Serialize(e.to_string()))?;
    Ok(format!("{HEADER}{body}\n"))
}

#[derive(Deserialize)]
struct VersionOnly {
    /// A file without a version is taken as version 1 (the first format).
    #[serde(default = "first_version")]
    version: u32,
}

fn first_version() -> u32 {
    1
}

fn parse_error(origin: &str, e: ron::error::SpannedError) -> WorkspaceError {
    WorkspaceError::Parse {
        path: origin.to_string(),
        line: e.span.start.line,
        column: e.span.start.col,
        message: match e.code {
            // ron's own words speak of its options: say what it means for the file
            ron::error::Error::ExceededRecursionLimit => format!(
                "the file nests deeper than {RECURSION_LIMIT} levels, which no workspace does"
            ),
            code => code.to_string(),
        },
    }
}

/// Read a workspace from RON text; `origin` names it in errors (which give line and column).
pub fn from_ron(text: &str, origin: &str) -> Result<Workspace, WorkspaceError> {
    let peek: VersionOnly = options()
        .from_str(text)
        .map_err(|e| parse_error(origin, e))?;
    let version = peek.version;
    if version > FORMAT_VERSION {
        return Err(WorkspaceError::Newer {
            path: origin.to_string(),
            found: version,
            supported: FORMAT_VERSION,
        });
    }
    let ws = match version {
        // one step per version from the file's own up to this build's (see `migrate`)
        1 => super::migrate::v1_to_v2(
            options()
                .from_str::<super::migrate::WorkspaceV1>(text)
                .map_err(|e| parse_error(origin, e))?,
        ),
        2 => options()
            .from_str::<Workspace>(text)
            .map_err(|e| parse_error(origin, e))?,
        other => {
            return Err(WorkspaceError::Parse {
                path: origin.to_string(),
                line: 1,
                column: 1,
                message: format!("version {other} is not a workspace version lpkpi ever wrote"),
            });
        }
    };
    if let Some(message) = ws.implausible() {
        return Err(WorkspaceError::Invalid {
            path: origin.to_string(),
            message,
        });
    }
    Ok(Workspace {
        version: FORMAT_VERSION,
        ..ws
    })
}
