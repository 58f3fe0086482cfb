//! A one-page readiness report for people (Markdown: readable as plain text, renders as a
//! page): the summary document's blocks, every text escaped so nothing imported is markup.

use std::fmt::Write;

use super::ReportInput;
use super::document::{Block, LIST_ITEMS as SHOWN, Span, document, more_items};

/// Text from files or people (partner, product and file names, reasons quoting them) as inert
/// Markdown: no HTML, link or image syntax, emphasis, code or table cell can be formed from
/// it, and a line break or control character becomes a space, so no heading or list can
/// start. (A bare web address in it may still be shown as a link by a renderer that links
/// them, as in any text; what it shows is the address itself.)
pub fn md(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            // only an ampersand that could start an entity ("&lt;", "&#60;") is escaped: "R & D"
            // stays as it is, for the reader of the plain text
            '&' if chars
                .peek()
                .is_some_and(|n| n.is_ascii_alphanumeric() || *n == '#') =>
            {
                out.push_str("\\&");
            }
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\\' | '`' | '*' | '_' | '[' | ']' | '|' | '~' | '#' => {
                out.push('\\');
                out.push(c);
            }
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

fn cell(text: &str) -> String {
    md(text)
}

/// Render the report.
pub fn render(input: &ReportInput<'_>) -> String {
    let doc = document(input);
    let mut s = String::new();
    let _ = writeln!(s, "# {}\n", md(&doc.title));
    for block in &doc.blocks {
        match block {
            Block::Heading(h) => {
                let _ = writeln!(s, "## {}\n", md(h));
            }
            Block::Paragraph(spans) => {
                for span in spans {
                    match span {
                        Span::Text(t) => s.push_str(&md(t)),
                        Span::Strong(t) => {
                            let _ = write!(s, "**{}**", md(t));
                        }
                    }
                }
                s.push_str("\n\n");
            }
            Block::List { label, items } => {
                if let Some(label) = label {
                    let _ = writeln!(s, "**{}**:\n", md(label));
                }
                for item in items.iter().take(SHOWN) {
                    let _ = writeln!(s, "- {}", md(item));
                }
                if items.len() > SHOWN {
                    let _ = writeln!(s, "- {}", md(&more_items(items.len() - SHOWN)));
                }
                s.push('\n');
            }
            Block::Table {
                columns,
                rows,
                total,
            } => {
                let head: Vec<String> = columns.iter().map(|c| cell(&c.title)).collect();
                let _ = writeln!(s, "| {} |", head.join(" | "));
                let align: Vec<&str> = columns
                    .iter()
                    .map(|c| if c.numeric { "---:" } else { "---" })
                    .collect();
                let _ = writeln!(s, "|{}|", align.join("|"));
                for row in rows {
                    let cells: Vec<String> = row.iter().map(|c| cell(c)).collect();
                    let _ = writeln!(s, "| {} |", cells.join(" | "));
                }
                if let Some(total) = total {
                    let cells: Vec<String> = total
                        .iter()
                        .map(|c| {
                            if c.is_empty() {
                                String::new()
                            } else {
                                format!("**{}**", cell(c))
                            }
                        })
                        .collect();
                    let _ = writeln!(s, "| {} |", cells.join(" | "));
                }
                s.push('\n');
            }
            Block::Chart => {}
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::md;

    #[test]
    fn an_ampersand_is_escaped_only_where_it_could_start_an_entity() {
        assert_eq!(md("Regional & Inspire"), "Regional & Inspire");
        assert_eq!(md("R&D"), "R\\&D");
        assert_eq!(md("&lt;b&gt; &#60;"), "\\&lt;b\\&gt; \\&\\#60;");
        assert_eq!(md("ends with &"), "ends with &");
        assert_eq!(md("<b>"), "&lt;b&gt;");
    }
}
