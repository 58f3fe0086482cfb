//! The workspace's text form: RON with a top-level `version`, written with a stable layout (one
//! row per line, sorted maps, decimals as strings) so saving twice gives identical bytes and
//! diffs stay small; read with migration from every earlier version ([`super::migrate`]).
//!
//! Version 3 writes each stored row as a tuple on its line and the products the rows name
//! (part, name, type) once, in a `products` table the rows point into; the rows are written and
//! read by [`super::compact`] (a 200,000-row workspace saves and loads in well under a second),
//! everything else by `ron`, and the whole file is RON that `ron` reads as [`FileV3`].

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::WorkspaceError;
use super::compact::{self, Product, Purchase, Row};
use super::model::{
    DashboardMonth, FORMAT_VERSION, Partner, PlannedPurchase, ProfileChoice, Rate, StoredPurchase,
    StoredRow, Workspace,
};
use crate::import::ImportedFile;
use crate::import::classify::CatalogEntry;
use crate::import::official::OfficialLine;
use crate::import::sniff::ColumnMapRepr;
use crate::rules::capability::{Competency, Person};

/// The first line of every workspace file.
pub const HEADER: &str =
    "// lpkpi workspace (RON). Edit with care: lpkpi rewrites this file on save.\n";

/// The lines after [`HEADER`] in a version 3 file: how to read a row.
pub const COLUMNS: &str = "\
// products: (part number, product name, product type), numbered from 0 in order.
// rows: (batch, line, fate, purchase), purchase None or Some((date, order, line id,
//   product number, quantity, components, amount, currency)), one row a line.
";

/// A version 3 file as `ron` reads and writes it: the workspace, with the rows as tuples
/// pointing into a products table.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
#[serde(deny_unknown_fields)]
pub struct FileV3 {
    /// Format version of the file.
    pub version: u32,
    /// The partner.
    pub partner: Partner,
    /// The program profile.
    pub profile: ProfileChoice,
    /// Competencies and their exam rules.
    pub competencies: Vec<Competency>,
    /// People.
    pub people: Vec<Person>,
    /// Import batches.
    pub batches: Vec<ImportedFile>,
    /// Every (part, name, type) the rows name, once.
    pub products: Vec<Product>,
    /// Every stored row.
    pub rows: Vec<Row>,
    /// Catalog overrides.
    #[serde(deserialize_with = "crate::workspace::model::unique_keys")]
    pub catalog: BTreeMap<String, CatalogEntry>,
    /// Exchange rates.
    pub rates: Vec<Rate>,
    /// Planned purchases.
    pub planned: Vec<PlannedPurchase>,
    /// The official dashboard's figures.
    pub dashboard: Vec<DashboardMonth>,
    /// The official dashboard's report, line by line.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub official: Vec<OfficialLine>,
    /// Column mappings chosen by hand.
    #[serde(deserialize_with = "crate::workspace::model::unique_keys")]
    pub mappings: BTreeMap<String, ColumnMapRepr>,
}

impl FileV3 {
    /// The file's shape of a workspace, without its rows (see [`compact::products`]).
    fn without_rows(ws: &Workspace, products: Vec<Product>) -> FileV3 {
        FileV3 {
            version: FORMAT_VERSION,
            partner: ws.partner.clone(),
            profile: ws.profile.clone(),
            competencies: ws.competencies.clone(),
            people: ws.people.clone(),
            batches: ws.batches.clone(),
            products,
            rows: Vec::new(),
            catalog: ws.catalog.clone(),
            rates: ws.rates.clone(),
            planned: ws.planned.clone(),
            dashboard: ws.dashboard.clone(),
            official: ws.official.clone(),
            mappings: ws.mappings.clone(),
        }
    }

    /// The file's shape of a workspace, rows included (what `ron` writes is what
    /// [`to_ron`] writes: a test checks it).
    pub fn of(ws: &Workspace) -> FileV3 {
        let (products, index) = compact::products(&ws.rows);
        let rows = ws
            .rows
            .iter()
            .zip(index)
            .map(|(r, product)| {
                Row(
                    r.batch,
                    r.line,
                    r.fate.clone(),
                    r.purchase.as_ref().zip(product).map(|(p, product)| {
                        Purchase(
                            p.date,
                            p.order.clone(),
                            p.line_id.clone(),
                            product,
                            p.quantity,
                            p.components,
                            p.amount,
                            p.currency,
                        )
                    }),
                )
            })
            .collect();
        FileV3 {
            rows,
            ..FileV3::without_rows(ws, products)
        }
    }

    /// The workspace the file holds; a row naming a product the table lacks is refused.
    /// `first_line`: the line of the first row when known (one row a line), for the message.
    fn into_workspace(
        self,
        origin: &str,
        first_line: Option<usize>,
    ) -> Result<Workspace, WorkspaceError> {
        let FileV3 {
            version,
            partner,
            profile,
            competencies,
            people,
            batches,
            products,
            rows,
            catalog,
            rates,
            planned,
            dashboard,
            official,
            mappings,
        } = self;
        let mut stored = Vec::with_capacity(rows.len());
        for (i, Row(batch, line, fate, purchase)) in rows.into_iter().enumerate() {
            let purchase = match purchase {
                None => None,
                Some(Purchase(
                    date,
                    order,
                    line_id,
                    product,
                    quantity,
                    components,
                    amount,
                    currency,
                )) => {
                    let Some(Product(part, name, kind)) = products.get(product as usize) else {
                        let message = format!(
                            "stored row {} names product {product}, but the products table has {} (numbered from 0)",
                            i + 1,
                            products.len()
                        );
                        return Err(match first_line {
                            Some(first) => WorkspaceError::Parse {
                                path: origin.to_string(),
                                line: first + i,
                                column: 1,
                                message,
                            },
                            None => WorkspaceError::Invalid {
                                path: origin.to_string(),
                                message,
                            },
                        });
                    };
                    Some(StoredPurchase {
                        date,
                        order,
                        line_id,
                        part: part.clone(),
                        name: name.clone(),
                        kind: kind.clone(),
                        quantity,
                        components,
                        amount,
                        currency,
                    })
                }
            };
            stored.push(StoredRow {
                batch,
                line,
                fate,
                purchase,
            });
        }
        Ok(Workspace {
            version,
            partner,
            profile,
            competencies,
            people,
            batches,
            rows: Arc::new(stored),
            catalog,
            rates,
            planned,
            dashboard,
            official,
            mappings,
        })
    }
}

/// Nesting deeper than this is refused (a workspace is at most a few levels deep).
const RECURSION_LIMIT: usize = 64;

fn options() -> ron::Options {
    ron::Options::default().with_recursion_limit(RECURSION_LIMIT)
}

/// How lpkpi lays RON out: a line per item of a top-level list, two-space indents.
pub fn pretty() -> ron::ser::PrettyConfig {
    ron::ser::PrettyConfig::new()
        .depth_limit(2)
        .indentor("  ".to_string())
        .struct_names(false)
}

/// The workspace as RON text (the current version, [`FileV3`]); refused when the text would
/// be larger than lpkpi opens ([`crate::money::limits::MAX_WORKSPACE_BYTES`]).
pub fn to_ron(ws: &Workspace) -> Result<String, WorkspaceError> {
    to_ron_within(ws, crate::money::limits::MAX_WORKSPACE_BYTES)
}

fn to_ron_within(ws: &Workspace, limit: u64) -> Result<String, WorkspaceError> {
    let (products, index) = compact::products(&ws.rows);
    let file = FileV3::without_rows(ws, products);
    let body = options()
        .to_string_pretty(&file, pretty())
        .map_err(|e| WorkspaceError::Serialize(e.to_string()))?;
    // `ron` wrote `rows: [],`: the rows go there, one a line, as `ron` would write them
    const EMPTY: &str = "\n  rows: [],\n";
    let mut out =
        String::with_capacity(HEADER.len() + COLUMNS.len() + body.len() + 96 * ws.rows.len());
    out.push_str(HEADER);
    out.push_str(COLUMNS);
    if ws.rows.is_empty() {
        out.push_str(&body);
    } else {
        let at = body.find(EMPTY).ok_or_else(|| {
            WorkspaceError::Serialize("the rows have no place in the file's layout".into())
        })?;
        let (before, after) = body.split_at(at);
        out.push_str(before);
        out.push_str("\n  rows: [\n");
        compact::write_rows(&mut out, &ws.rows, &index);
        out.push_str("  ],\n");
        out.push_str(after.get(EMPTY.len()..).unwrap_or_default());
    }
    out.push('\n');
    // what lpkpi would refuse to open is not written: the file on disk stays as it was
    if out.len() as u64 > limit {
        return Err(WorkspaceError::Serialize(format!(
            "it would take {} MiB, over the {} MiB lpkpi opens; nothing was written (import into a new workspace instead)",
            (out.len() as u64).div_ceil(1 << 20),
            limit >> 20
        )));
    }
    Ok(out)
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

/// Whether the text names a `version` field (a cheap look: the word, not part of another,
/// followed by a colon, on a line that is no `//` comment).
fn has_version(text: &str) -> bool {
    text.lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .any(|l| {
            l.match_indices("version").any(|(i, _)| {
                let before = l[..i].chars().next_back();
                !before.is_some_and(|c| c.is_alphanumeric() || c == '_')
                    && l[i + "version".len()..].trim_start().starts_with(':')
            })
        })
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
            // a name before the top level's parenthesis (lpkpi writes none)
            ron::error::Error::ExpectedDifferentStructName { found, .. } => format!(
                "the file's top level is named `{found}`: lpkpi writes it without a name, from its `(`"
            ),
            // the file's top level is a workspace to whoever wrote it, not lpkpi's type
            code => {
                let text = [
                    ("`FileV3`", "the workspace"),
                    ("`VersionOnly`", "the workspace"),
                    ("`WorkspaceV1`", "the workspace"),
                    ("`Workspace`", "the workspace"),
                    ("`PersonV1`", "a person"),
                    ("`TrainerV1`", "a trainer"),
                ]
                .iter()
                .fold(code.to_string(), |t, (name, said)| t.replace(name, said))
                .replace("struct the workspace", "the workspace");
                // the words of the date and decimal readers, said of the value
                match text.as_str() {
                    "input is out of range" => {
                        "a date that is not on the calendar (input is out of range)".to_string()
                    }
                    "Failed to parse" | "Failed to parse the number" => {
                        "a figure that is not a number (Failed to parse)".to_string()
                    }
                    _ => text,
                }
            }
        },
    }
}

/// Read a workspace from RON text; `origin` names it in errors (which give line and column).
pub fn from_ron(text: &str, origin: &str) -> Result<Workspace, WorkspaceError> {
    // the rows, cut out when laid out as lpkpi writes them, are read apart (`compact`)
    let split = compact::split(text);
    let peek: VersionOnly = options()
        .from_str(split.as_ref().map_or(text, |s| s.rest.as_str()))
        .map_err(|e| parse_error(origin, e))?;
    let version = peek.version;
    // a file without a `version` is read as version 1; when it does not parse so, say why it
    // was read so (a line deleted by hand from a newer file, most often)
    let unversioned = |e: WorkspaceError| match e {
        WorkspaceError::Parse {
            path,
            line,
            column,
            message,
        } if !has_version(text) => WorkspaceError::Parse {
            path,
            line,
            column,
            message: format!(
                "{message} (the file has no `version:` line, so it was read as version 1, the first format; a file lpkpi writes starts with `version: {FORMAT_VERSION},`)"
            ),
        },
        other => other,
    };
    if version > FORMAT_VERSION {
        return Err(WorkspaceError::Newer {
            path: origin.to_string(),
            found: version,
            supported: FORMAT_VERSION,
        });
    }
    let ws = match version {
        // one step per version from the file's own up to this build's (see `migrate`)
        1 => super::migrate::v2_to_v3(super::migrate::v1_to_v2(
            options()
                .from_str::<super::migrate::WorkspaceV1>(text)
                .map_err(|e| unversioned(parse_error(origin, e)))?,
        )),
        2 => super::migrate::v2_to_v3(
            options()
                .from_str::<Workspace>(text)
                .map_err(|e| parse_error(origin, e))?,
        ),
        3 => read_v3(text, split, origin)?,
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

/// A version 3 file: the rows read by [`compact`] when written as lpkpi writes them, the rest
/// by `ron`; otherwise all of it by `ron`, which names the line and column of what is wrong.
fn read_v3(
    text: &str,
    split: Option<compact::Split<'_>>,
    origin: &str,
) -> Result<Workspace, WorkspaceError> {
    if let Some(split) = split
        && let Some(rows) = compact::parse_rows(split.rows)
    {
        let mut file: FileV3 = options()
            .from_str(&split.rest)
            .map_err(|e| parse_error(origin, e))?;
        // rows elsewhere too: not a file as lpkpi writes it, `ron` reads it all below
        if file.rows.is_empty() {
            file.rows = rows;
            return file.into_workspace(origin, Some(split.first_line));
        }
    }
    options()
        .from_str::<FileV3>(text)
        .map_err(|e| parse_error(origin, e))?
        .into_workspace(origin, None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_workspace_larger_than_lpkpi_opens_is_not_written() {
        let ws = Workspace::new("Contoso", None, None);
        let text = to_ron_within(&ws, u64::MAX).unwrap_or_default();
        assert!(to_ron_within(&ws, text.len() as u64).is_ok());
        let err = to_ron_within(&ws, text.len() as u64 - 1)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(
            err.contains("over the 0 MiB lpkpi opens; nothing was written"),
            "{err}"
        );
    }
}
