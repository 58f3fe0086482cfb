//! The `lpkpi` binary: parse the command line, run the command, exit with its status.

use std::process::ExitCode;

fn main() -> ExitCode {
    #[cfg(feature = "gui")]
    lpkpi::ui::trace::mark_main();
    // a spreadsheet reader's panic on a malformed file is reported as an unreadable file
    lpkpi::import::xlsx::quiet_reader_panics();
    match lpkpi::cli::parse_args() {
        Ok(Some(args)) => lpkpi::cli::run(args, chrono::Local::now().naive_local()),
        // help or version, printed
        Ok(None) => lpkpi::cli::status(Ok(())),
        Err(usage) => lpkpi::cli::status(Err(usage)),
    }
}
