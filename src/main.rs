//! The `lpkpi` binary: parse the command line, run the command, exit with its status.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    #[cfg(feature = "gui")]
    lpkpi::ui::trace::mark_main();
    let args = lpkpi::cli::Args::parse();
    lpkpi::cli::run(args, chrono::Local::now().naive_local())
}
