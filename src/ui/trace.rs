//! Startup tracing for the performance goals of the window (`LPKPI_TRACE_STARTUP=1`): how long
//! after the process started the window drew its first frame, and the first frame that shows
//! the dashboard's figures of the workspace asked for (not the demo shown while it opens).
//! `benches/window_e2e.py` reads the line this prints; nothing else depends on it.
//!
//! Times are measured twice: from the moment `main` began ([`mark_main`], an [`Instant`],
//! precise), and from the process's start as the kernel recorded it (`/proc/self/stat`'s start
//! time against `/proc/uptime`, both in 10 ms ticks; Linux only), which adds what ran before
//! `main` (exec, the dynamic loader). A frame counts as drawn once the next frame starts: eframe
//! paints and presents a frame right after the app's `ui` returns, and the frame asked for at
//! once begins after that.

use std::sync::OnceLock;
use std::time::Instant;

use eframe::egui;

/// When `main` began (set by [`mark_main`]).
static MAIN_STARTED: OnceLock<(Instant, Option<f64>)> = OnceLock::new();

/// The variable that turns the trace on.
const VARIABLE: &str = "LPKPI_TRACE_STARTUP";

/// Note the moment `main` began, and how long after the process's start that was (call it
/// first thing in `main`; later calls change nothing).
pub fn mark_main() {
    MAIN_STARTED.get_or_init(|| (Instant::now(), before_main_ms()));
}

/// Milliseconds from the process's start (the kernel's record) to now, in 10 ms ticks (None
/// where `/proc` cannot tell).
fn before_main_ms() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // the command name is in parentheses and may hold spaces: fields are counted after it;
    // the start time is field 22 of the whole line, the 20th after the name
    let after_name = stat.get(stat.rfind(')')? + 1..)?;
    let ticks: f64 = after_name.split_whitespace().nth(19)?.parse().ok()?;
    let uptime = std::fs::read_to_string("/proc/uptime").ok()?;
    let uptime_s: f64 = uptime.split_whitespace().next()?.parse().ok()?;
    // /proc reports clock ticks in USER_HZ, which is 100 on every Linux architecture
    Some((uptime_s * 1000.0 - ticks * 10.0).max(0.0))
}

/// What the window's startup trace has seen so far.
#[derive(Debug)]
pub(super) struct StartupTrace {
    /// Whether a workspace file is being opened (its figures count, not the demo's).
    expects_file: bool,
    /// Whether the first frame was laid out.
    started: bool,
    /// The first frame was laid out (its end, since `main`), not yet reported as drawn.
    first_frame: Option<f64>,
    /// The first frame with figures was laid out (its end, since `main`), not yet reported.
    figures_frame: Option<f64>,
    /// Whether everything was reported.
    done: bool,
}

impl StartupTrace {
    /// A trace, when `LPKPI_TRACE_STARTUP` is set (and not `0`); `expects_file` when the window
    /// opens a workspace file rather than showing the demo.
    pub(super) fn from_env(expects_file: bool) -> Option<StartupTrace> {
        let on = std::env::var_os(VARIABLE).is_some_and(|v| !v.is_empty() && v != "0");
        on.then_some(StartupTrace {
            expects_file,
            started: false,
            first_frame: None,
            figures_frame: None,
            done: false,
        })
    }

    /// At the start of a frame: the frames laid out before it have been painted, report them.
    pub(super) fn frame_starts(&mut self) {
        if self.done {
            return;
        }
        let now = since_main_ms();
        if let Some(laid_out) = self.first_frame.take() {
            report("first_frame", laid_out, now);
        }
        if let Some(laid_out) = self.figures_frame.take() {
            report("first_figures", laid_out, now);
            self.done = true;
        }
    }

    /// At the end of a frame's layout: `figures` says whether it showed the dashboard's
    /// figures, `from_file` whether they are those of a workspace file. Asks for the next frame
    /// when something is to be reported (so that it is reported as soon as it is painted).
    pub(super) fn frame_laid_out(&mut self, figures: bool, from_file: bool, ctx: &egui::Context) {
        if self.done {
            return;
        }
        let now = since_main_ms();
        if !self.started {
            self.started = true;
            self.first_frame = Some(now);
        }
        if self.figures_frame.is_none() && figures && (from_file || !self.expects_file) {
            self.figures_frame = Some(now);
        }
        if self.first_frame.is_some() || self.figures_frame.is_some() {
            ctx.request_repaint();
        }
    }
}

/// Milliseconds since `main` began (since the trace was first used, if `main` did not mark).
fn since_main_ms() -> f64 {
    let (start, _) = MAIN_STARTED.get_or_init(|| (Instant::now(), None));
    start.elapsed().as_secs_f64() * 1000.0
}

/// Print one event: laid out and painted, since `main` and since the process's start.
fn report(event: &str, laid_out: f64, painted: f64) {
    let before = MAIN_STARTED.get().and_then(|(_, before)| *before);
    let since_start =
        before.map_or_else(|| "unknown".to_string(), |b| format!("{:.0}", b + painted));
    eprintln!(
        "lpkpi-trace: {event} since_start_ms={since_start} since_main_ms={painted:.1} laid_out_since_main_ms={laid_out:.1} before_main_ms={}",
        before.map_or_else(|| "unknown".to_string(), |b| format!("{b:.0}"))
    );
}
