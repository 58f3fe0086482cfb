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
    let rows = set
        .rows
        .iter()
        .map(|r| {
            let purchase = r.purchase.as_ref().map(|p| format!("{:?}", set.parsed(p)));
            (r.file, r.line, r.fate.clone(), purchase)
        })
        .collect();
    (rows, set.files.clone())
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
        0u8..12,
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
