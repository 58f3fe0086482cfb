//! The headless commands over the library (cli.md). Every failure becomes an exit status here
//! and nowhere else: 0 report produced, 2 usage or unreadable input (one line on stderr
//! naming the file), 1 anything else.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use chrono::NaiveDate;
use clap::{Parser, Subcommand, ValueEnum};
use rust_decimal::Decimal;

use crate::import::classify::{Catalog, Classifier};
use crate::import::values::Currency;
use crate::import::{ImportRules, ImportSet};
use crate::report::{Format, ReportInput};
use crate::rules::evaluate::{Inputs, Rates, evaluate};
use crate::rules::{Profile, RenewalDates};

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
    /// Import files into a workspace (a later release).
    Import {
        /// The workspace file.
        workspace: PathBuf,
        /// Files to import.
        files: Vec<PathBuf>,
    },
    /// Open the window on a workspace (a later release).
    Open {
        /// The workspace file.
        workspace: PathBuf,
    },
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
    /// A PDF summary.
    Pdf,
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
    /// USD per unit of a currency, repeatable (EUR=1.08).
    #[arg(long = "rate", value_name = "CUR=RATE", value_parser = parse_rate)]
    pub rates: Vec<(Currency, Decimal)>,
    /// Output format.
    #[arg(long, value_enum, default_value = "json")]
    pub format: FormatArg,
    /// Write here (atomically) instead of stdout.
    #[arg(long, value_name = "PATH")]
    pub out: Option<PathBuf>,
    /// A program profile (RON) instead of the built-in one.
    #[arg(long, value_name = "PROFILE.ron")]
    pub profile: Option<PathBuf>,
    /// The partner's current level id (gold, silver, lap), for the verdict.
    #[arg(long, value_name = "LEVEL")]
    pub level: Option<String>,
    /// Purchase exports (CSV, TSV, TXT, XLSX, XLS, ODS).
    pub files: Vec<PathBuf>,
}

fn parse_day(s: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map_err(|_| format!("'{s}' is not a date (YYYY-MM-DD)"))
}

fn parse_rate(s: &str) -> Result<(Currency, Decimal), String> {
    let (cur, rate) = s
        .split_once('=')
        .ok_or_else(|| format!("'{s}' is not CUR=RATE (EUR=1.08)"))?;
    let cur = Currency::parse(cur).ok_or_else(|| format!("'{cur}' is not a currency code"))?;
    let rate: Decimal = rate
        .trim()
        .parse()
        .map_err(|_| format!("'{rate}' is not a rate (a decimal number like 1.08)"))?;
    if rate <= Decimal::ZERO || rate > Decimal::from(1_000_000) {
        return Err(format!("rate {rate} for {cur} is not a plausible USD rate"));
    }
    Ok((cur, rate))
}

/// A command that failed, with the exit status it maps to.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// Usage errors, unreadable files, no header: exit 2.
    #[error("{0}")]
    Usage(String),
    /// Anything else: exit 1.
    #[error("{0}")]
    Failed(String),
}

impl CliError {
    fn code(&self) -> u8 {
        match self {
            CliError::Usage(_) => 2,
            CliError::Failed(_) => 1,
        }
    }
}

/// Run a parsed command line; `today` is the default as-of date.
pub fn run(args: Args, today: NaiveDate) -> ExitCode {
    let result = match args.command {
        None => {
            println!(
                "lpkpi {VERSION}: the window arrives in a later release; try `lpkpi report --help`."
            );
            Ok(())
        }
        Some(Command::Report(r)) => report(r, today),
        Some(Command::Import { .. }) => Err(CliError::Usage(
            "lpkpi import: workspaces arrive in a later release".into(),
        )),
        Some(Command::Open { .. }) => Err(CliError::Usage(
            "lpkpi open: the window arrives in a later release".into(),
        )),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("lpkpi: {e}");
            ExitCode::from(e.code())
        }
    }
}

/// The report as bytes, for a parsed `report` command.
pub fn report_bytes(r: &ReportArgs, today: NaiveDate) -> Result<Vec<u8>, CliError> {
    if let Some(w) = &r.workspace {
        return Err(CliError::Usage(format!(
            "{}: workspaces arrive in a later release",
            w.display()
        )));
    }
    let profile = match &r.profile {
        Some(p) => Profile::from_path(p),
        None => Profile::builtin(),
    }
    .map_err(|e| CliError::Usage(e.to_string()))?;
    let classifier =
        Classifier::new(&profile.rulebook).map_err(|e| CliError::Usage(e.to_string()))?;
    if let Some(level) = &r.level
        && profile.level(level).is_none()
    {
        let ids: Vec<&str> = profile.levels.iter().map(|l| l.id.as_str()).collect();
        return Err(CliError::Usage(format!(
            "level '{level}' is not one of {}",
            ids.join(", ")
        )));
    }
    let anniversary = r
        .anniversary
        .ok_or_else(|| CliError::Usage("no anniversary: give --anniversary YYYY-MM-DD".into()))?;
    let rules = ImportRules::new(&profile);
    let mut set = ImportSet::new();
    for path in &r.files {
        let name = path.display().to_string();
        let bytes = std::fs::read(path)
            .map_err(|e| CliError::Usage(format!("{name}: cannot read the file: {e}")))?;
        set.add(&name, &bytes, &rules)
            .map_err(|e| CliError::Usage(e.to_string()))?;
    }
    let rates = Rates {
        usd_per: r.rates.iter().copied().collect(),
    };
    let catalog = Catalog::default();
    let inputs = Inputs {
        profile: &profile,
        classifier: &classifier,
        catalog: &catalog,
        rates: &rates,
        dates: RenewalDates::new(anniversary),
        as_of: r.as_of.unwrap_or(today),
        current_level: r.level.as_deref(),
        capability: None,
        planned: &[],
    };
    let eval = evaluate(&set, &inputs);
    let format = match r.format {
        FormatArg::Json => Format::Json,
        FormatArg::Csv => Format::Csv,
        FormatArg::Md => Format::Markdown,
        FormatArg::Pdf => Format::Pdf,
    };
    let input = ReportInput {
        eval: &eval,
        profile: &profile,
        set: &set,
        partner: None,
    };
    crate::report::render(&input, format).map_err(|e| CliError::Usage(e.to_string()))
}

fn report(r: ReportArgs, today: NaiveDate) -> Result<(), CliError> {
    let bytes = report_bytes(&r, today)?;
    match &r.out {
        Some(path) => crate::atomic::write(path, &bytes).map_err(|e| {
            CliError::Usage(format!("{}: cannot write the report: {e}", path.display()))
        }),
        None => std::io::stdout()
            .lock()
            .write_all(&bytes)
            .map_err(|e| CliError::Failed(format!("cannot write to stdout: {e}"))),
    }
}
