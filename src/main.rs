//! The `lpkpi` binary: parse the command line, run the command, exit with its status.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let args = lpkpi::cli::Args::parse();
    let today = chrono::Local::now().date_naive();
    lpkpi::cli::run(args, today)
}
