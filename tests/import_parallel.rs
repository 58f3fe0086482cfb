//! Reading a text file in chunks on several threads gives exactly what one reader gives: the
//! same rows with the same lines, fates, purchases and products, the same counts, conventions
//! and warnings, and the same duplicates against an earlier file, whatever the cuts meet:
//! quoted fields holding line ends or quotes, CRLF, blank lines, rows above the header.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "tests and benchmarks fail by panicking"
)]

use lpkpi::import::sniff::Remembered;
use lpkpi::import::{AddOptions, Fate, ImportRules, ImportSet, ImportedFile};
use lpkpi::rules::Profile;
use proptest::prelude::*;

/// A row as text, its purchase's strings resolved (so sets with other string tables compare).
type Seen = (u32, u32, Fate, Option<String>);

fn read(files: &[(&str, &[u8])], threads: Option<usize>) -> (Vec<Seen>, Vec<ImportedFile>) {
    let profile = Profile::builtin().unwrap();
    let rules = ImportRules::new(&profile);
    let remembered = Remembered::new();
    let mut set = ImportSet::new();
    for (name, bytes) in files {
        let mut options = AddOptions::new(&remembered);
        options.threads = threads;
        set.add_with(name, bytes, &rules, &mut options).unwrap();
    }
    (seen(&set), set.files.clone())
}

/// The set's rows, their purchases' strings resolved.
fn seen(set: &ImportSet) -> Vec<Seen> {
    set.rows
        .iter()
        .map(|r| {
            let purchase = r.purchase.as_ref().map(|p| format!("{:?}", set.parsed(p)));
            (r.file, r.line, r.fate.clone(), purchase)
        })
        .collect()
}

fn same_in_every_cut(files: &[(&str, &[u8])]) -> (Vec<Seen>, Vec<ImportedFile>) {
    let one = read(files, Some(1));
    for threads in [2, 3, 5, 16] {
        let many = read(files, Some(threads));
        assert_eq!(one.1, many.1, "files, {threads} threads");
        assert_eq!(one.0.len(), many.0.len(), "rows, {threads} threads");
        for (a, b) in one.0.iter().zip(&many.0) {
            assert_eq!(a, b, "{threads} threads");
        }
    }
    // the size-based default (one thread for a small file) agrees too
    assert_eq!(one, read(files, None));
    one
}

/// The files written to disk and read from there a block at a time of `block` bytes
/// (`ImportSet::add_file`), as the command line reads them: a file sent back is read whole.
/// Also says which files were read a block at a time.
fn read_from_disk(
    files: &[(&str, &[u8])],
    threads: Option<usize>,
    block: usize,
) -> ((Vec<Seen>, Vec<ImportedFile>), Vec<bool>) {
    let profile = Profile::builtin().unwrap();
    let rules = ImportRules::new(&profile);
    let remembered = Remembered::new();
    let dir = tempfile::tempdir().unwrap();
    let mut set = ImportSet::new();
    let mut streamed = Vec::new();
    for (name, bytes) in files {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        let file = std::fs::File::open(&path).unwrap();
        let mut options = AddOptions::new(&remembered);
        options.threads = threads;
        options.block = Some(block);
        let len = bytes.len() as u64;
        match set
            .add_file(name, &file, len, &rules, &mut options)
            .unwrap()
        {
            Some(_) => streamed.push(true),
            None => {
                streamed.push(false);
                set.add_with(name, bytes, &rules, &mut options).unwrap();
            }
        }
    }
    ((seen(&set), set.files.clone()), streamed)
}

/// Read from disk in blocks of every size and by 1 to 3 threads, the files give what one
/// reader of their bytes gives. A file is read a block at a time when no field holds a quote
/// (`plain[i].0`), and, by several threads, no field holds a line end either (`plain[i].1`; a
/// cut between chunks inside one sends the file back).
fn same_from_disk(files: &[(&str, &[u8])], plain: &[(bool, bool)]) {
    let one = read(files, Some(1));
    for threads in [1, 2, 3] {
        for block in [1, 7, 64, 4096] {
            let (seen, streamed) = read_from_disk(files, Some(threads), block);
            assert_eq!(one.1, seen.1, "files, {threads} threads, blocks of {block}");
            assert_eq!(one.0, seen.0, "rows, {threads} threads, blocks of {block}");
            for (i, (&(no_quote, one_line), &read)) in plain.iter().zip(&streamed).enumerate() {
                let expected = no_quote && (threads == 1 || one_line);
                assert!(!expected || read, "file {i} was not read a block at a time");
            }
        }
    }
}

const HEADER: &str = "Order Number,Line,Invoice Date,Part Number,Product Name,Product Type,Quantity,Unit Price,Total,Currency,Status";

/// One generated row: which kind, and its numbers.
#[derive(Debug, Clone)]
struct Gen {
    kind: u8,
    order: u32,
    line: u8,
    day: u8,
    month: u8,
    qty: i16,
    cents: u32,
}

fn gen_row() -> impl Strategy<Value = Gen> {
    (
        0u8..13,
        1u32..40,
        1u8..4,
        1u8..29,
        1u8..13,
        -3i16..30,
        0u32..500_000,
    )
        .prop_map(|(kind, order, line, day, month, qty, cents)| Gen {
            kind,
            order,
            line,
            day,
            month,
            qty,
            cents,
        })
}

fn render(rows: &[Gen], crlf: bool, title: bool) -> Vec<u8> {
    let nl = if crlf { "\r\n" } else { "\n" };
    let mut out = String::new();
    if title {
        out.push_str(&format!("Orders export, \"all partners\"{nl}{nl}"));
    }
    out.push_str(HEADER);
    out.push_str(nl);
    for g in rows {
        let date = format!("{:02}/{:02}/2026", g.month, g.day);
        let money = format!("${}.{:02}", g.cents / 100, g.cents % 100);
        let line = match g.kind {
            // a quoted name with a comma, the common export
            0..=4 => format!(
                "{},{},{date},AZ-104T00,\"Microsoft Azure Administrator, Digital\",MOC,{},{money},{money},USD,Invoiced",
                g.order, g.line, g.qty
            ),
            // a name holding a line end
            5 => format!(
                "{},{},{date},MAL-DP203,\"DP-203 lab{nl}second line\",Microsoft Authorized Labs,{},$55.00,{money},USD,Invoiced",
                g.order, g.line, g.qty
            ),
            // a name holding a quote (the file is then read by one thread)
            6 => format!(
                "{},{},{date},X-1,\"15\"\" screen kit\",Other,{},,{money},USD,Invoiced",
                g.order, g.line, g.qty
            ),
            7 => format!("Total,,,,,,,,{money},,"),
            8 => format!(
                "{},{},{date},AZ-900T00,AZ-900 Fundamentals,MOC,{},{money},{money},USD,Cancelled",
                g.order, g.line, g.qty
            ),
            9 => format!(
                "{},{},{date},AZ-900T00,AZ-900 Fundamentals,MOC,ten,{money},{money},USD,Invoiced",
                g.order, g.line
            ),
            10 => String::new(),
            // a stray quote opening a value: the next one closes it, or none does and it runs
            // to the end (its row rejected, the rows it swallowed named)
            12 => format!(
                "{},{},{date},X-2,\"stray name,Other,{},,{money},USD,Invoiced",
                g.order, g.line, g.qty
            ),
            // a repeat of an earlier identity with another amount
            _ => format!(
                "{},1,{date},AZ-104T00,\"Microsoft Azure Administrator, Digital\",MOC,1,$1.00,$1.00,USD,Invoiced",
                g.order
            ),
        };
        out.push_str(&line);
        out.push_str(nl);
    }
    out.into_bytes()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn chunks_read_what_one_reader_reads(
        rows in prop::collection::vec(gen_row(), 0..160),
        earlier in prop::collection::vec(gen_row(), 0..40),
        crlf in any::<bool>(),
        title in any::<bool>(),
    ) {
        let first = render(&earlier, !crlf, false);
        let second = render(&rows, crlf, title);
        let (seen, files) = same_in_every_cut(&[("earlier.csv", &first), ("export.csv", &second)]);
        let file = &files[files.len() - 1];
        prop_assert!(file.counts.balanced());
        prop_assert_eq!(file.counts.read as usize, seen.iter().filter(|r| r.0 == files.len() as u32 - 1).count());
    }

    #[test]
    fn files_read_a_block_at_a_time_read_what_one_reader_reads(
        rows in prop::collection::vec(gen_row(), 0..60),
        earlier in prop::collection::vec(gen_row(), 0..20),
        crlf in any::<bool>(),
        title in any::<bool>(),
        bom in any::<bool>(),
    ) {
        let first = render(&earlier, !crlf, false);
        let mut second = render(&rows, crlf, title);
        if bom {
            second.splice(0..0, *b"\xEF\xBB\xBF");
        }
        // a field holding a quote (kind 6) sends a file back to be read whole, and so may one
        // holding a line end (kind 5) when read by several threads; a stray quote (kind 12)
        // may make either
        let plain = |rows: &[Gen]| {
            (
                rows.iter().all(|g| g.kind != 6 && g.kind != 12),
                rows.iter().all(|g| g.kind != 5 && g.kind != 12),
            )
        };
        same_from_disk(
            &[("earlier.csv", &first), ("export.csv", &second)],
            &[plain(&earlier), plain(&rows)],
        );
    }
}

#[test]
fn a_file_not_in_utf8_is_sent_back_and_read_whole() {
    let mut text = render(&[], false, false);
    for i in 0..300u32 {
        text.extend_from_slice(
            format!(
                "{i},1,01/02/2026,AZ-900T00,AZ-900 Fundamentals,MOC,1,$1.00,$1.00,USD,Invoiced\n"
            )
            .as_bytes(),
        );
    }
    // a Windows-1252 "é" in the last row: the whole file is Windows-1252
    text.extend_from_slice(
        b"9999,1,01/02/2026,AZ-900T00,Caf\xE9 course,MOC,1,$1.00,$1.00,USD,Invoiced\n",
    );
    let files = [("latin.csv", text.as_slice())];
    let ((rows, read_files), streamed) = read_from_disk(&files, Some(2), 512);
    assert_eq!(streamed, [false]);
    assert_eq!((rows, read_files), read(&files, Some(1)));
}

#[test]
fn a_late_day_above_twelve_rereads_every_row_day_first() {
    // 2,500 rows of dates that read either way, then one that says day first: the rows were
    // parsed month first on the guess from the first rows and are read again
    let mut text = String::from("Order,Line,Date,Product,Qty,Amount\n");
    for i in 0..2500 {
        text.push_str(&format!("{i},1,03/04/2026,MOC 20533C,1,10.00\n"));
    }
    text.push_str("9999,1,25/04/2026,MOC 20533C,1,10.00\n");
    let (rows, files) = same_in_every_cut(&[("late.csv", text.as_bytes())]);
    assert_eq!(
        files[0].conventions.date_order,
        lpkpi::import::values::DayMonth::DayFirst
    );
    assert_eq!(rows.len(), 2501);
    assert!(
        rows[0].3.as_deref().unwrap().contains("2026-04-03"),
        "{:?}",
        rows[0]
    );
    assert_eq!((rows[0].1, rows[2500].1), (2, 2502));
}

#[test]
fn a_late_decimal_comma_majority_rereads_every_amount() {
    // the first rows have no mark to vote with; the later ones vote for ','
    let mut text = String::from("Order;Line;Date;Product;Qty;Amount\n");
    for i in 0..2100 {
        text.push_str(&format!("{i};1;2026-04-03;MOC 20533C;1;10\n"));
    }
    for i in 0..50 {
        text.push_str(&format!("{};1;2026-04-03;MOC 20533C;1;1.234,5\n", 5000 + i));
    }
    let text = text.replace(';', ",").replace("1.234,5", "\"1.234,5\"");
    let (rows, files) = same_in_every_cut(&[("comma.csv", text.as_bytes())]);
    assert_eq!(
        files[0].conventions.decimal_mark,
        lpkpi::import::values::DecimalMark::Comma
    );
    assert!(
        rows[2100]
            .3
            .as_deref()
            .unwrap()
            .contains("amount: Some(1234.5)"),
        "{:?}",
        rows[2100]
    );
}

#[test]
fn a_large_generated_export_is_cut_and_read_the_same() {
    // big enough that the size-based default uses every core (over a megabyte a thread)
    let rows: Vec<Gen> = (0..30_000u32)
        .map(|i| Gen {
            kind: [0, 1, 2, 3, 5, 7, 8, 9, 11][i as usize % 9],
            order: i / 3,
            line: (i % 3) as u8 + 1,
            day: (i % 28) as u8 + 1,
            month: (i % 12) as u8 + 1,
            qty: (i % 20) as i16 - 2,
            cents: i * 37 % 400_000,
        })
        .collect();
    let text = render(&rows, true, true);
    assert!(text.len() > 2 << 20, "{} bytes", text.len());
    let one = read(&[("big.csv", &text)], Some(1));
    let auto = read(&[("big.csv", &text)], None);
    assert_eq!(one, auto);
}

#[test]
fn a_large_copy_hashed_while_read_is_skipped_and_leaves_nothing() {
    // over 4 MiB: hashed on a thread while it is read, so a copy is known only at the end
    let rows: Vec<Gen> = (0..45_000u32)
        .map(|i| Gen {
            kind: (i % 5) as u8,
            order: i,
            line: 1,
            day: (i % 28) as u8 + 1,
            month: (i % 12) as u8 + 1,
            qty: 1,
            cents: i,
        })
        .collect();
    let text = render(&rows, false, false);
    assert!(text.len() > 4 << 20, "{} bytes", text.len());
    let profile = Profile::builtin().unwrap();
    let rules = ImportRules::new(&profile);
    let mut set = ImportSet::new();
    assert_eq!(
        set.add("a.csv", &text, &rules).unwrap(),
        lpkpi::import::Added::File(0)
    );
    let (rows_after_first, products) = (set.rows.len(), set.products.len());
    assert_eq!(
        set.add("b.csv", &text, &rules).unwrap(),
        lpkpi::import::Added::AlreadyImported {
            first: "a.csv".into(),
            index: 0
        }
    );
    assert_eq!(
        (set.rows.len(), set.products.len(), set.files.len()),
        (rows_after_first, products, 1)
    );
    assert_eq!(set.warnings.len(), 1, "{:?}", set.warnings);
    // and the set still reads a third, different file as usual
    let other = render(&rows[..10], false, false);
    assert_eq!(
        set.add("c.csv", &other, &rules).unwrap(),
        lpkpi::import::Added::File(1)
    );
}

#[test]
fn a_file_shorter_than_when_opened_is_sent_back_and_nothing_kept() {
    // longer than the head read first (2 MiB), so that the blocks after it come up short
    let rows: Vec<Gen> = (0..25_000u32)
        .map(|i| Gen {
            kind: 0,
            order: i,
            line: 1,
            day: 3,
            month: 4,
            qty: 1,
            cents: i,
        })
        .collect();
    let text = render(&rows, false, false);
    assert!(text.len() > 2 << 20, "{} bytes", text.len());
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("shrunk.csv");
    std::fs::write(&path, &text).unwrap();
    let file = std::fs::File::open(&path).unwrap();
    let profile = Profile::builtin().unwrap();
    let rules = ImportRules::new(&profile);
    let remembered = Remembered::new();
    for threads in [1, 2] {
        let mut options = AddOptions::new(&remembered);
        options.threads = Some(threads);
        options.block = Some(1 << 16);
        let mut set = ImportSet::new();
        // as if the file lost its last 100 bytes after it was opened
        let len = text.len() as u64 + 100;
        assert_eq!(
            set.add_file("shrunk.csv", &file, len, &rules, &mut options)
                .unwrap(),
            None
        );
        assert!(set.rows.is_empty() && set.files.is_empty() && set.products.is_empty());
        // and read as it is now
        let mut options = AddOptions::new(&remembered);
        options.block = Some(1 << 16);
        assert!(
            set.add_file("shrunk.csv", &file, text.len() as u64, &rules, &mut options)
                .unwrap()
                .is_some()
        );
        assert_eq!(set.rows.len(), 25_000);
    }
}

#[test]
fn a_header_searched_past_the_head_sends_the_file_back() {
    // 49 long lines above the header: the search for it under some delimiter reads past the
    // first 2 MiB, so what follows could change the answer
    let mut text = Vec::new();
    for _ in 0..49 {
        text.extend_from_slice(&[b'x'; 45_000]);
        text.push(b'\n');
    }
    text.extend_from_slice(&render(
        &[Gen {
            kind: 0,
            order: 1,
            line: 1,
            day: 2,
            month: 3,
            qty: 4,
            cents: 500,
        }],
        false,
        false,
    ));
    assert!(text.len() > 2 << 20);
    let files = [("long.csv", text.as_slice())];
    let ((rows, read_files), streamed) = read_from_disk(&files, Some(2), 1 << 16);
    assert_eq!(streamed, [false]);
    assert_eq!((rows, read_files), read(&files, Some(1)));
}

#[test]
fn a_file_read_by_many_threads_is_read_a_block_at_a_time() {
    // the first chunk's reader hands the hash over, whichever reader ends first: with sixteen,
    // some later one ends before it
    let rows: Vec<Gen> = (0..3_000u32)
        .map(|i| Gen {
            kind: [0, 1, 7, 8, 9, 10][i as usize % 6],
            order: i / 2,
            line: (i % 2) as u8 + 1,
            day: (i % 28) as u8 + 1,
            month: (i % 12) as u8 + 1,
            qty: (i % 9) as i16,
            cents: i * 13,
        })
        .collect();
    let text = render(&rows, true, true);
    let files = [("many.csv", text.as_slice())];
    for _ in 0..5 {
        let (seen, streamed) = read_from_disk(&files, Some(16), 4096);
        assert_eq!(streamed, [true]);
        assert_eq!(seen, read(&files, Some(1)));
    }
}
