//! Any text as the XML parts of a well-formed workbook: the `spreadsheet` target's inputs are
//! zip files, whose checksums and deflate streams a mutation breaks long before it reaches the
//! XML, so the workbook's own parts (the names, the shared strings, the number formats, the
//! cells) are fuzzed here inside a zip this target builds. The limits check (with its reading of
//! which cells show a currency), the importer and the row peek must never panic, abort or hang,
//! and every row read must have exactly one fate. Seeds: the parts joined by `\0`, the first
//! byte choosing XLSX (even) or ODS (odd); `fuzz/workbook_parts_seeds.py` writes a few.
#![no_main]

use std::io::{Cursor, Write};

use libfuzzer_sys::fuzz_target;
use lpkpi::import::{ImportRules, ImportSet, peek_rows, spreadsheet_limits as limits};
use lpkpi::rules::Profile;
use zip::ZipWriter;
use zip::write::SimpleFileOptions;

const CT: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>"#;
const RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#;
const MANIFEST: &str = r#"<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>"#;

/// The XLSX parts the input fills, in its order; the rest of the package is fixed.
const XLSX_PARTS: [&str; 5] = [
    "xl/workbook.xml",
    "xl/_rels/workbook.xml.rels",
    "xl/styles.xml",
    "xl/sharedStrings.xml",
    "xl/worksheets/sheet1.xml",
];

/// A workbook of `parts` (XLSX's five or ODS's content), stored, so that every byte given is
/// a byte of XML the readers see.
fn workbook(ods: bool, parts: &[&[u8]]) -> Option<Vec<u8>> {
    let stored = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    let mut z = ZipWriter::new(Cursor::new(Vec::new()));
    if ods {
        z.start_file("mimetype", stored).ok()?;
        z.write_all(b"application/vnd.oasis.opendocument.spreadsheet")
            .ok()?;
        z.start_file("META-INF/manifest.xml", stored).ok()?;
        z.write_all(MANIFEST.as_bytes()).ok()?;
        z.start_file("content.xml", stored).ok()?;
        z.write_all(parts.first().copied().unwrap_or_default()).ok()?;
    } else {
        z.start_file("[Content_Types].xml", stored).ok()?;
        z.write_all(CT.as_bytes()).ok()?;
        z.start_file("_rels/.rels", stored).ok()?;
        z.write_all(RELS.as_bytes()).ok()?;
        for (name, text) in XLSX_PARTS.iter().zip(parts) {
            z.start_file(*name, stored).ok()?;
            z.write_all(text).ok()?;
        }
    }
    z.finish().ok().map(Cursor::into_inner)
}

fuzz_target!(|data: &[u8]| {
    let Some((&first, rest)) = data.split_first() else {
        return;
    };
    let ods = first % 2 == 1;
    let parts: Vec<&[u8]> = rest.split(|&b| b == 0).collect();
    let Some(bytes) = workbook(ods, &parts) else {
        return;
    };
    // as the binary does: a reader's panic, caught, is an unreadable file, not a crash
    lpkpi::import::xlsx::quiet_reader_panics();
    let _ = limits::check(&bytes);
    let Ok(profile) = Profile::builtin() else {
        return;
    };
    let rules = ImportRules::new(&profile);
    let mut set = ImportSet::new();
    let name = if ods { "fuzz.ods" } else { "fuzz.xlsx" };
    let _ = set.add(name, &bytes, &rules);
    for f in &set.files {
        assert!(f.counts.balanced());
    }
    let _ = peek_rows(&bytes, 20, None);
});
