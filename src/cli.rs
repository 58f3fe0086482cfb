//! The headless commands over the library (cli.md). Every failure becomes an exit status here
//! and nowhere else ([`CliError::code`]): 0 done; 2 usage or unreadable input (a bad option, a
//! file that cannot be read, an export without a header, a workspace that does not open or is
//! held by another lpkpi, an output that would replace an input or a workspace); 1 the result
//! could not be written (the report file, standard output, the workspace save) or the window
//! could not start. Each failure is one line on stderr, with control characters escaped and
//! long text cut.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use chrono::{Datelike, NaiveDate, NaiveDateTime, Timelike};
use clap::{Parser, Subcommand, ValueEnum};
use rust_decimal::Decimal;

use crate::import::ImportRules;
use crate::import::values::Currency;
use crate::report::pdf::{Paper, PdfOptions};
use crate::report::{Format, ReportError, ReportInput};
use crate::rules::Profile;
use crate::workspace::Document;
use crate::workspace::model::{ImportOutcome, ProfileChoice, Workspace};
use crate::workspace::session::Session;

/// The version line: crate version and the git commit it was built from.
pub const VERSION: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    " (",
    env!("LPKPI_GIT_COMMIT"),
    ")"
);

/// lpkpi: Learning Partner KPIs, renewal readiness from the exports you already download.
#[derive(Debug, Parser)]
#[command(name = "lpkpi", version = VERSION, about)]
pub struct Args {
    /// What to do (no command: open the window).
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Compute the readiness report from purchase exports and print or write it.
    Report(ReportArgs),
    /// Import files into a workspace (created if missing) and save it.
    Import {
        /// The workspace file.
        workspace: PathBuf,
        /// Files to import.
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Create a workspace for a partner.
    New {
        /// The workspace file to create.
        workspace: PathBuf,
        /// Partner (company) name.
        #[arg(long)]
        partner: String,
        /// Current level id (gold, silver, lap).
        #[arg(long)]
        level: Option<String>,
        /// The upcoming anniversary (YYYY-MM-DD).
        #[arg(long, value_parser = parse_day)]
        anniversary: Option<NaiveDate>,
        /// Microsoft partner ID.
        #[arg(long = "partner-id")]
        partner_id: Option<String>,
    },
    /// Draw the cumulative chart of a workspace (SVG or PNG).
    Chart {
        /// The workspace.
        #[arg(long, value_name = "WORKSPACE.ron")]
        workspace: PathBuf,
        /// KPI units or revenue.
        #[arg(long, value_enum, default_value = "kpi")]
        metric: MetricArg,
        /// Evaluate as of this day (default: today).
        #[arg(long = "as-of", value_name = "YYYY-MM-DD", value_parser = parse_day)]
        as_of: Option<NaiveDate>,
        /// Write the chart here (.svg, or .png at twice the size).
        #[arg(long, value_name = "FILE.svg|FILE.png")]
        out: PathBuf,
    },
    /// Open the window on a workspace.
    Open {
        /// The workspace file.
        workspace: PathBuf,
        /// Render a panel to this PNG and exit.
        #[arg(long, value_name = "OUT.png")]
        screenshot: Option<PathBuf>,
        /// The panel to show: dashboard, charts, purchases, capability, reconciliation, settings,
        /// log.
        #[arg(long, default_value = "dashboard")]
        panel: String,
        /// Window size, WIDTHxHEIGHT in points.
        #[arg(long, value_parser = parse_size)]
        size: Option<(f32, f32)>,
    },
}

/// What the chart shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum MetricArg {
    /// Cumulative KPI units.
    Kpi,
    /// Cumulative revenue (USD).
    Revenue,
}

/// Report output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    /// The JSON report of cli.md.
    Json,
    /// The monthly table (UTF-8 with BOM).
    Csv,
    /// A one-page Markdown report.
    Md,
    /// One self-contained HTML page.
    Html,
    /// The summary as PDF (1-2 pages, the charts as vectors).
    Pdf,
}

/// Paper sizes for the PDF.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PaperArg {
    /// 210 x 297 mm.
    A4,
    /// 8.5 x 11 in.
    Letter,
}

/// `lpkpi report` options.
#[derive(Debug, clap::Args)]
pub struct ReportArgs {
    /// Start from this workspace (its purchases, people, rates).
    #[arg(long, value_name = "WORKSPACE.ron")]
    pub workspace: Option<PathBuf>,
    /// The upcoming anniversary (YYYY-MM-DD).
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_day)]
    pub anniversary: Option<NaiveDate>,
    /// Evaluate as of this day (default: today).
    #[arg(long = "as-of", value_name = "YYYY-MM-DD", value_parser = parse_day)]
    pub as_of: Option<NaiveDate>,
    /// USD per unit of a currency for every month, repeatable (EUR=1.08); it replaces the
    /// workspace's rates of that currency for this report.
    #[arg(long = "rate", value_name = "CUR=RATE", value_parser = parse_rate)]
    pub rates: Vec<(Currency, Decimal)>,
    /// Output format.
    #[arg(long, value_enum, default_value = "json")]
    pub format: FormatArg,
    /// Write here (atomically) instead of stdout.
    #[arg(long, value_name = "PATH")]
    pub out: Option<PathBuf>,
    /// The PDF's paper (default: Letter where the locale's territory is US, CA or MX, else A4).
    #[arg(long, value_enum, value_name = "a4|letter")]
    pub paper: Option<PaperArg>,
    /// A program profile (RON) instead of the built-in one.
    #[arg(long, value_name = "PROFILE.ron")]
    pub profile: Option<PathBuf>,
    /// The official dashboard's monthly report (CSV or spreadsheet) to reconcile with
    /// (instead of the workspace's).
    #[arg(long, value_name = "REPORT")]
    pub official: Option<PathBuf>,
    /// The partner's current level id (gold, silver, lap), for the verdict.
    #[arg(long, value_name = "LEVEL")]
    pub level: Option<String>,
    /// Purchase exports (CSV, TSV, TXT, XLSX, XLS, ODS).
    pub files: Vec<PathBuf>,
}

fn parse_size(s: &str) -> Result<(f32, f32), String> {
    let (w, h) = s
        .split_once('x')
        .ok_or_else(|| format!("'{s}' is not WIDTHxHEIGHT (1280x800)"))?;
    match (w.trim().parse::<f32>(), h.trim().parse::<f32>()) {
        (Ok(w), Ok(h)) if (200.0..=10000.0).contains(&w) && (200.0..=10000.0).contains(&h) => {
            Ok((w, h))
        }
        _ => Err(format!("'{s}' is not WIDTHxHEIGHT (1280x800)")),
    }
}

fn parse_day(s: &str) -> Result<NaiveDate, String> {
    let bad = || format!("'{s}' is not a date (YYYY-MM-DD, like 2026-10-01)");
    let b = s.as_bytes();
    let shape = b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
    if !shape {
        return Err(bad());
    }
    let day = NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| bad())?;
    if !crate::money::limits::plausible_year(day.year()) {
        return Err(format!(
            "'{s}' is not a plausible date (a year from 1990 to 2199)"
        ));
    }
    Ok(day)
}

fn parse_rate(s: &str) -> Result<(Currency, Decimal), String> {
    let (cur, rate) = s
        .split_once('=')
        .ok_or_else(|| format!("'{s}' is not CUR=RATE (EUR=1.08)"))?;
    let cur = Currency::parse(cur).ok_or_else(|| format!("'{cur}' is not a currency code"))?;
    let rate: Decimal = rate
        .trim()
        .parse()
        .or_else(|_| Decimal::from_scientific(rate.trim()))
        .map_err(|_| format!("'{rate}' is not a rate (a decimal number like 1.08)"))?;
    crate::money::limits::check_rate(cur.as_str(), rate).map_err(|e| e.to_string())?;
    Ok((cur, rate))
}

/// A command that failed, with the exit status it maps to.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// Usage errors, unreadable input files, no header, a refused output target: exit 2.
    #[error("{0}")]
    Usage(String),
    /// The result could not be written (or the window could not start): exit 1.
    #[error("{0}")]
    Failed(String),
}

impl CliError {
    /// The exit status: the one place where statuses are decided.
    pub fn code(&self) -> u8 {
        match self {
            CliError::Usage(_) => 2,
            CliError::Failed(_) => 1,
        }
    }
}

/// The command line, parsed (None once clap's help or version is printed), or a usage error
/// in one line; [`status`] turns either into the exit status.
pub fn parse_args() -> Result<Option<Args>, CliError> {
    match Args::try_parse() {
        Ok(args) => Ok(Some(args)),
        Err(e) => {
            use clap::error::ErrorKind;
            match e.kind() {
                ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
                    let _ = e.print();
                    Ok(None)
                }
                _ => Err(CliError::Usage(usage_line(&e.to_string()))),
            }
        }
    }
}

/// clap's usage error on one line: its first line without its "error: ", then what it lists
/// under it (the arguments missing, the values an option takes, a tip), up to its usage
/// ("the following required arguments were not provided: <WORKSPACE> <FILES>... (see
/// --help)").
fn usage_line(text: &str) -> String {
    let mut lines = text.lines();
    let first = lines.next().unwrap_or_default();
    let first = first.strip_prefix("error: ").unwrap_or(first);
    let mut out = first.trim_end().to_string();
    let mut listing = false;
    for line in lines.take_while(|l| !l.starts_with("Usage:") && !l.starts_with("For more")) {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        // the arguments listed under the first line are one list
        let item = line.starts_with('<') || line.starts_with('-');
        if !out.ends_with(':') {
            out.push(if item && listing { ',' } else { ';' });
        }
        listing = item;
        out.push(' ');
        out.push_str(line);
    }
    format!("{out} (see --help)")
}

/// Run a parsed command line; `now` is the local time (its date is the default as-of date).
pub fn run(args: Args, now: NaiveDateTime) -> ExitCode {
    let result = match args.command {
        None => window(None, None, "dashboard", None, now.date()),
        Some(Command::Report(r)) => report(r, now),
        Some(Command::Import { workspace, files }) => import(&workspace, &files, now),
        Some(Command::Chart {
            workspace,
            metric,
            as_of,
            out,
        }) => chart(&workspace, metric, as_of.unwrap_or(now.date()), &out),
        Some(Command::New {
            workspace,
            partner,
            level,
            anniversary,
            partner_id,
        }) => new(&workspace, &partner, level, anniversary, partner_id),
        Some(Command::Open {
            workspace,
            screenshot,
            panel,
            size,
        }) => window(Some(workspace), screenshot, &panel, size, now.date()),
    };
    status(result)
}

/// The exit status of a command's result (the one place statuses are decided), the error said
/// in one line on stderr.
pub fn status(result: Result<(), CliError>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("lpkpi: {}", crate::money::limits::one_line(&e.to_string()));
            ExitCode::from(e.code())
        }
    }
}

fn usage(e: impl std::fmt::Display) -> CliError {
    CliError::Usage(e.to_string())
}

/// A workspace that cannot be written (its folder missing or read-only, the file read-only,
/// and when `writing`, any I/O error: the disk full) is output that could not be written
/// (1); the rest (it exists, it is locked, it cannot be read or does not parse) is a usage
/// error (2).
fn workspace_error(writing: bool) -> impl Fn(crate::workspace::WorkspaceError) -> CliError {
    use crate::workspace::WorkspaceError as E;
    move |e| match e {
        E::Folder { .. } | E::ReadOnly { .. } | E::Serialize(_) => CliError::Failed(e.to_string()),
        E::Io { .. } if writing => CliError::Failed(e.to_string()),
        _ => CliError::Usage(e.to_string()),
    }
}

fn check_level(profile: &Profile, level: &str) -> Result<(), CliError> {
    if profile.level(level).is_some() {
        return Ok(());
    }
    let ids: Vec<&str> = profile.levels.iter().map(|l| l.id.as_str()).collect();
    Err(CliError::Usage(format!(
        "level '{level}' is not one of {}",
        ids.join(", ")
    )))
}

fn read_file(path: &Path) -> Result<Vec<u8>, CliError> {
    crate::files::read_capped(path, crate::money::limits::MAX_EXPORT_BYTES, "an export")
        .map_err(usage)
}

/// Open the export at `path` (refused when it is not a regular file or over the limit).
fn open_export(path: &Path) -> Result<crate::files::Opened, CliError> {
    crate::files::open_capped(path, crate::money::limits::MAX_EXPORT_BYTES, "an export")
        .map_err(usage)
}

/// Add the export at `path` to `set`: a large text file is read a block at a time (never all
/// in memory), anything else is read whole first.
fn add_export(
    set: &mut crate::import::ImportSet,
    path: &Path,
    rules: &ImportRules,
) -> Result<crate::import::Added, CliError> {
    let opened = open_export(path)?;
    let remembered = crate::import::sniff::Remembered::new();
    let mut options = crate::import::AddOptions::new(&remembered);
    let export = crate::import::Export::Opened {
        opened: &opened,
        path,
    };
    set.add_export(&path.display().to_string(), export, rules, &mut options)
        .map_err(usage)
}

/// The report as bytes, for a parsed `report` command.
pub fn report_bytes(r: &ReportArgs, now: NaiveDateTime) -> Result<Vec<u8>, CliError> {
    let mut bytes = Vec::new();
    make_report(r, now, |input, format| {
        // a report that cannot be made (a chart or a PDF that fails to render) is a result
        // not written: exit 1
        crate::report::write(input, format, &mut bytes).map_err(|e| CliError::Failed(e.to_string()))
    })?;
    Ok(bytes)
}

/// Works out the report of a parsed `report` command and hands it to `emit` with its format.
fn make_report(
    r: &ReportArgs,
    now: NaiveDateTime,
    emit: impl FnOnce(&ReportInput<'_>, Format) -> Result<(), CliError>,
) -> Result<(), CliError> {
    let today = now.date();
    let mut ws = match &r.workspace {
        Some(path) => {
            let bytes = crate::workspace::file::read(path).map_err(usage)?;
            crate::workspace::file::parse(&bytes, &path.display().to_string()).map_err(usage)?
        }
        None => Workspace::default(),
    };
    if let Some(p) = &r.profile {
        ws.profile = ProfileChoice::Custom(Box::new(Profile::from_path(p).map_err(usage)?));
    }
    if let Some(path) = &r.official {
        let bytes = read_file(path)?;
        let report = crate::import::official::read_official(&path.display().to_string(), &bytes)
            .map_err(usage)?;
        for (line, why) in &report.rejected {
            eprintln!(
                "{}",
                crate::money::limits::one_line(&format!("{} line {line}: {why}", path.display()))
            );
        }
        ws.official = report.lines;
    }
    let mut session = Session::new(&ws).map_err(usage)?;
    if let Some(level) = r.level.as_deref().or(ws.partner.level.as_deref()) {
        check_level(&session.profile, level)?;
    }
    let anniversary = r.anniversary.or(ws.partner.anniversary).ok_or_else(|| {
        CliError::Usage(match &r.workspace {
            Some(w) => format!(
                "{}: no anniversary in the workspace: give --anniversary YYYY-MM-DD",
                w.display()
            ),
            None => "no anniversary: give --anniversary YYYY-MM-DD (or --workspace)".into(),
        })
    })?;
    for path in &r.files {
        // the set is this session's alone: no copy is made
        let set = std::sync::Arc::make_mut(&mut session.set);
        add_export(set, path, &session.import_rules)?;
    }
    // a rate given for the report is the currency's rate in every month: it wins over the
    // workspace's rates for single months too
    for (cur, rate) in &r.rates {
        session.rates.usd_per.insert(*cur, *rate);
        session.rates.monthly.retain(|(c, _), _| c != cur);
    }
    let outcome = session.evaluate(
        &ws,
        anniversary,
        r.as_of.unwrap_or(today),
        r.level.as_deref(),
    );
    let format = match r.format {
        FormatArg::Json => Format::Json,
        FormatArg::Csv => Format::Csv,
        FormatArg::Md => Format::Markdown,
        FormatArg::Html => Format::Html,
        FormatArg::Pdf => Format::Pdf(PdfOptions {
            paper: match r.paper {
                Some(PaperArg::A4) => Paper::A4,
                Some(PaperArg::Letter) => Paper::Letter,
                None => Paper::from_locale_env(|name| std::env::var(name).ok()),
            },
            generated: now,
        }),
    };
    let input = ReportInput::of(&ws, &session, &outcome);
    let emitted = emit(&input, format);
    // A million rows take tens of milliseconds to free; the report is out without that.
    // A thread of their own frees them (the process may end first, which frees them too).
    let _ = std::thread::Builder::new().spawn(move || drop((session, outcome, ws)));
    emitted
}

#[cfg(feature = "gui")]
fn window(
    workspace: Option<PathBuf>,
    screenshot: Option<PathBuf>,
    panel: &str,
    size: Option<(f32, f32)>,
    today: NaiveDate,
) -> Result<(), CliError> {
    let panel = crate::ui::Panel::parse(panel).ok_or_else(|| {
        let names: Vec<String> = crate::ui::Panel::ALL
            .iter()
            .map(|p| p.label().to_lowercase())
            .collect();
        CliError::Usage(format!("--panel {panel}: not one of {}", names.join(", ")))
    })?;
    if let Some(w) = &workspace
        && !w.exists()
    {
        return Err(CliError::Usage(format!(
            "{}: no such workspace (create it with `lpkpi new`)",
            w.display()
        )));
    }
    let ephemeral = screenshot.is_some();
    let options = crate::ui::LaunchOptions {
        workspace,
        today,
        screenshot: screenshot.map(|path| crate::ui::ScreenshotRequest { path, panel }),
        size,
        ephemeral,
        typed_paths: std::env::var_os("LPKPI_TYPED_PATHS").is_some(),
        failure: Default::default(),
    };
    crate::ui::run(options).map_err(|e| CliError::Failed(e.to_string()))
}

#[cfg(not(feature = "gui"))]
fn window(
    _workspace: Option<PathBuf>,
    _screenshot: Option<PathBuf>,
    _panel: &str,
    _size: Option<(f32, f32)>,
    _today: NaiveDate,
) -> Result<(), CliError> {
    Err(CliError::Usage(
        "this lpkpi was built without the window (feature \"gui\")".into(),
    ))
}

fn chart(
    workspace: &Path,
    metric: MetricArg,
    as_of: NaiveDate,
    out: &Path,
) -> Result<(), CliError> {
    let ext = out
        .extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    if ext != "svg" && ext != "png" {
        return Err(CliError::Usage(format!(
            "--out {}: the chart is written as FILE.svg or FILE.png",
            out.display()
        )));
    }
    let args = ReportArgs {
        workspace: Some(workspace.to_path_buf()),
        anniversary: None,
        as_of: Some(as_of),
        rates: Vec::new(),
        format: FormatArg::Json,
        out: Some(out.to_path_buf()),
        paper: None,
        profile: None,
        official: None,
        level: None,
        files: Vec::new(),
    };
    check_out(out, &args)?;
    let bytes = crate::workspace::file::read(workspace).map_err(usage)?;
    let ws =
        crate::workspace::file::parse(&bytes, &workspace.display().to_string()).map_err(usage)?;
    let anniversary = ws.partner.anniversary.ok_or_else(|| {
        CliError::Usage(format!(
            "{}: no anniversary in the workspace: set it in the window's Settings",
            workspace.display()
        ))
    })?;
    let session = Session::new(&ws).map_err(usage)?;
    let outcome = session.evaluate(&ws, anniversary, as_of, None);
    let metric = match metric {
        MetricArg::Kpi => crate::report::chart::Metric::KpiUnits,
        MetricArg::Revenue => crate::report::chart::Metric::Revenue,
    };
    let partner = ws.partner_name();
    let svg = crate::report::chart::svg(&outcome.eval, partner, metric, 900, 480);
    let bytes = if ext == "png" {
        crate::report::chart::png(&svg, 2.0).map_err(|e| CliError::Failed(e.to_string()))?
    } else {
        svg.into_bytes()
    };
    crate::files::write_output(out, &bytes)
        .map_err(|e| CliError::Failed(format!("cannot write the chart: {e}")))
}

fn new(
    path: &Path,
    partner: &str,
    level: Option<String>,
    anniversary: Option<NaiveDate>,
    partner_id: Option<String>,
) -> Result<(), CliError> {
    let mut ws = Workspace::new(partner, level.as_deref(), anniversary);
    ws.partner.partner_id = partner_id.unwrap_or_default();
    if let Some(level) = &level {
        check_level(&ws.profile().map_err(usage)?, level)?;
    }
    Document::create(path, ws).map_err(workspace_error(true))?;
    println!("{}: created for {partner}", path.display());
    Ok(())
}

fn import(path: &Path, files: &[PathBuf], now: NaiveDateTime) -> Result<(), CliError> {
    // The workspace keeps file names, not paths: they are what administrators recognize, and
    // a workspace moves between machines.
    // Every file is opened (and refused if it cannot be) before any is read; a large text
    // export is then read a block at a time, never all in memory.
    let mut opened = Vec::new();
    for f in files {
        let name = crate::files::name_of(f);
        opened.push((name, open_export(f)?, f));
    }
    let inputs: Vec<(String, crate::import::Export<'_>)> = opened
        .iter()
        .map(|(name, opened, path)| {
            let export = crate::import::Export::Opened { opened, path };
            (name.clone(), export)
        })
        .collect();
    // All or nothing: a new workspace file is created only when every file imports.
    let mut doc = if path.exists() {
        let d = Document::open(path).map_err(workspace_error(false))?;
        d.check_writable().map_err(workspace_error(false))?;
        Some(d)
    } else {
        None
    };
    let before = doc
        .as_ref()
        .map_or_else(Workspace::default, |d| d.workspace.clone());
    let mut ws = before.clone();
    let rules = ImportRules::new(&ws.profile().map_err(usage)?);
    let now = now.with_nanosecond(0).unwrap_or(now);
    let outcomes = ws.import_exports(&inputs, &rules, now);
    let mut lines = Vec::new();
    for outcome in outcomes {
        match outcome {
            Ok(ImportOutcome::Imported {
                file,
                counts,
                warnings,
            }) => {
                lines.push(format!(
                    "{file}: {}",
                    crate::report::summary::import_counts(&counts)
                ));
                lines.extend(warnings.iter().map(|w| format!("{file}: {w}")));
            }
            Ok(ImportOutcome::AlreadyImported { file, first, at }) => {
                let when = at.map_or(String::new(), |t| {
                    format!(" on {}", t.format("%Y-%m-%d %H:%M"))
                });
                lines.push(format!(
                    "{file}: already imported{when} (as {first}): nothing changed"
                ));
            }
            Err(e) => {
                return Err(CliError::Usage(format!(
                    "{e} (nothing imported, {} unchanged)",
                    path.display()
                )));
            }
        }
    }
    match &mut doc {
        Some(d) if ws != before => {
            d.workspace = ws;
            d.save().map_err(workspace_error(true))?;
        }
        Some(_) => {}
        None => {
            doc = Some(Document::create(path, ws).map_err(workspace_error(true))?);
        }
    }
    if doc.as_ref().is_some_and(Document::has_recovery) {
        eprintln!(
            "lpkpi: {}",
            crate::money::limits::one_line(&format!(
                "{}: unsaved edits from the window are pending ({}); the window offers to restore or discard them when it opens this workspace",
                path.display(),
                crate::workspace::file::recovery_path(path).display()
            ))
        );
    }
    for line in lines {
        println!("{}", crate::money::limits::one_line(&line));
    }
    if let Some(d) = &doc {
        println!(
            "{}: {}, {}",
            path.display(),
            crate::report::summary::count_of(d.workspace.batches.len(), "file", "files"),
            crate::report::summary::count_of(d.workspace.rows.len(), "row", "rows")
        );
    }
    Ok(())
}

/// Refuse an `--out` that would replace something not ours to replace: one of the inputs or
/// the workspace (the same file, whatever the path), a file that is an lpkpi workspace (a
/// backup or a recovery file too), a file whose workspace lock is held, a folder or a socket.
fn check_out(out: &Path, r: &ReportArgs) -> Result<(), CliError> {
    let kind =
        crate::files::output_kind(out).map_err(|e| CliError::Usage(format!("--out: {e}")))?;
    let inputs = r
        .files
        .iter()
        .chain(&r.workspace)
        .chain(&r.profile)
        .chain(&r.official);
    for input in inputs {
        if crate::files::same_file(out, input) {
            return Err(CliError::Usage(format!(
                "--out {} is the input {}: refusing to overwrite it",
                out.display(),
                input.display()
            )));
        }
    }
    let target = crate::files::resolve_links(out).map_err(|e| CliError::Usage(e.to_string()))?;
    // a workspace's lock or owner file: replaced, a second lpkpi could lock it too
    let name = target.to_string_lossy();
    if let Some(workspace) = [".lock", ".owner"]
        .iter()
        .find_map(|s| name.strip_suffix(s))
        .filter(|w| crate::workspace::file::is_workspace(Path::new(w)))
    {
        return Err(CliError::Usage(format!(
            "--out {} is a lock file of the workspace {workspace}: refusing to overwrite it",
            out.display()
        )));
    }
    if crate::workspace::file::is_locked(&target) {
        return Err(CliError::Usage(format!(
            "--out {} is a workspace open in another lpkpi: refusing to overwrite it",
            out.display()
        )));
    }
    if kind == crate::files::OutputKind::Regular && crate::workspace::file::is_workspace(&target) {
        return Err(CliError::Usage(format!(
            "--out {} is an lpkpi workspace: refusing to overwrite it with a report (choose another name)",
            out.display()
        )));
    }
    Ok(())
}

fn report(r: ReportArgs, now: NaiveDateTime) -> Result<(), CliError> {
    // two rates for one currency: which one was meant cannot be guessed
    for (i, (cur, rate)) in r.rates.iter().enumerate() {
        if let Some((_, other)) = r.rates[..i].iter().find(|(c, _)| c == cur)
            && other != rate
        {
            return Err(CliError::Usage(format!(
                "--rate {cur}: given twice ({other} and {rate}); give one rate per currency"
            )));
        }
    }
    if let Some(out) = &r.out {
        check_out(out, &r)?;
    } else if r.format == FormatArg::Pdf && std::io::stdout().is_terminal() {
        return Err(CliError::Usage(
            "a PDF is not text: give --out FILE.pdf (or redirect the output)".into(),
        ));
    }
    match &r.out {
        Some(path) => {
            let bytes = report_bytes(&r, now)?;
            // checked again: the report took a while, and the target may have changed
            check_out(path, &r)?;
            crate::files::write_output(path, &bytes)
                .map_err(|e| CliError::Failed(format!("cannot write the report: {e}")))
        }
        // written as it is made: a large export's report is tens of megabytes
        None => make_report(&r, now, |input, format| {
            let stdout = std::io::stdout().lock();
            let mut out = std::io::BufWriter::with_capacity(1 << 16, stdout);
            let written = crate::report::write(input, format, &mut out);
            let flushed = written.and_then(|()| out.flush().map_err(ReportError::Io));
            match flushed {
                // the reader went away (`lpkpi report | head`): what it wanted, it had
                Err(ReportError::Io(e)) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
                Err(ReportError::Io(e)) => Err(CliError::Failed(format!(
                    "cannot write to standard output: {e}"
                ))),
                r => r.map_err(|e| CliError::Failed(e.to_string())),
            }
        }),
    }
}
