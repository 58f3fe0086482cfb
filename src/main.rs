//! The `lpkpi` binary: parse the command line, run the command, exit with its status.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    #[cfg(feature = "gui")]
    lpkpi::ui::trace::mark_main();
    // a spreadsheet reader's panic on a malformed file is reported as an unreadable file
    lpkpi::import::xlsx::quiet_reader_panics();
    let args = lpkpi::cli::Args::parse();
    lpkpi::cli::run(args, chrono::Local::now().naive_local())
}
