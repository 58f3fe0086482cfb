//! The summary as one self-contained HTML page (inline CSS with a print stylesheet, the chart
//! as inline SVG, no script): the summary document's blocks, every text escaped.

use std::fmt::Write;

use super::ReportInput;
use super::document::{Block, Span, document};

/// Text as inert HTML (also safe inside attribute values).
pub fn html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

const STYLE: &str = "\
body{font-family:'DejaVu Sans',Verdana,Arial,sans-serif;color:#1a1a1a;background:#fff;\
max-width:60rem;margin:2rem auto;padding:0 1.5rem;line-height:1.45;font-size:15px}\
h1{font-size:1.6rem;margin:0 0 .4rem}h2{font-size:1.15rem;margin:1.6rem 0 .5rem;\
border-bottom:1px solid #ccc;padding-bottom:.2rem}\
table{border-collapse:collapse;width:100%;margin:.4rem 0 1rem;font-size:.92rem}\
th,td{border-bottom:1px solid #e3e3e3;padding:.3rem .5rem;text-align:left;vertical-align:top}\
th{background:#f3f5f8;font-weight:600}td.num,th.num{text-align:right;\
font-variant-numeric:tabular-nums;white-space:nowrap}tfoot td{font-weight:700}\
.chart svg{width:100%;height:auto}ul{padding-left:1.3rem}li{margin:.15rem 0}\
@media print{body{margin:0;max-width:none;font-size:11pt}h2{break-after:avoid}\
table,.chart{break-inside:avoid}}";

/// Render the page; `chart` is the cumulative chart as SVG, placed where the summary puts it.
pub fn render(input: &ReportInput<'_>, chart: Option<&str>) -> String {
    let doc = document(input);
    let mut s = String::new();
    let _ = write!(
        s,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<h1>{}</h1>\n",
        html(&doc.title),
        html(&doc.title)
    );
    for block in &doc.blocks {
        match block {
            Block::Heading(h) => {
                let _ = writeln!(s, "<h2>{}</h2>", html(h));
            }
            Block::Paragraph(spans) => {
                s.push_str("<p>");
                for span in spans {
                    match span {
                        Span::Text(t) => s.push_str(&html(t)),
                        Span::Strong(t) => {
                            let _ = write!(s, "<strong>{}</strong>", html(t));
                        }
                    }
                }
                s.push_str("</p>\n");
            }
            Block::List { label, items } => {
                if let Some(label) = label {
                    let _ = writeln!(s, "<p><strong>{}</strong>:</p>", html(label));
                }
                s.push_str("<ul>\n");
                for item in items {
                    let _ = writeln!(s, "<li>{}</li>", html(item));
                }
                s.push_str("</ul>\n");
            }
            Block::Table {
                columns,
                rows,
                total,
            } => {
                let class = |numeric: bool| if numeric { " class=\"num\"" } else { "" };
                s.push_str("<table>\n<thead><tr>");
                for c in columns {
                    let _ = write!(s, "<th{}>{}</th>", class(c.numeric), html(&c.title));
                }
                s.push_str("</tr></thead>\n<tbody>\n");
                for row in rows {
                    s.push_str("<tr>");
                    for (c, cell) in columns.iter().zip(row) {
                        let _ = write!(s, "<td{}>{}</td>", class(c.numeric), html(cell));
                    }
                    s.push_str("</tr>\n");
                }
                s.push_str("</tbody>\n");
                if let Some(total) = total {
                    s.push_str("<tfoot><tr>");
                    for (c, cell) in columns.iter().zip(total) {
                        let _ = write!(s, "<td{}>{}</td>", class(c.numeric), html(cell));
                    }
                    s.push_str("</tr></tfoot>\n");
                }
                s.push_str("</table>\n");
            }
            Block::Chart => {
                if let Some(svg) = chart {
                    let _ = writeln!(s, "<div class=\"chart\">{svg}</div>");
                }
            }
        }
    }
    s.push_str("</body>\n</html>\n");
    s
}

#[cfg(test)]
mod tests {
    use super::html;

    #[test]
    fn imported_text_is_inert() {
        assert_eq!(
            html("<script>alert('x')</script> & \"q\""),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;"
        );
        assert_eq!(html("a\u{0}b\u{1b}c"), "a b c");
    }
}
