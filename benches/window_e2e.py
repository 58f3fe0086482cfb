#!/usr/bin/env python3
"""benches/window_e2e.py LPKPI WORKSPACE.ron [RUNS]: how soon the window shows the dashboard's
figures after the process starts (issue 11, items 3 and 4), RUNS times each (default 10):

- the workspace: `lpkpi open WORKSPACE.ron` (goal: within 1.5 s at 200,000 purchases);
- the demo: `lpkpi` on a first start (no remembered workspace: the bundled demo, as
  `cargo run --release` opens it; goal: within 0.5 s).

Needs a display: run it under `xvfb-run -a` (software GL). Each run starts lpkpi with
LPKPI_TRACE_STARTUP=1 and a fresh HOME (nothing remembered, nothing written to yours); lpkpi
prints on stderr when its first frame, and then its first frame showing the figures of the
workspace asked for, were drawn, in milliseconds since the process started (the kernel's
start time, 10 ms ticks) and since main() began. The run is then ended (SIGTERM). The time
this script sees, from just before starting the process to reading that line, is printed
beside it as a check. Prints each run, then the median, min and max. See docs/performance.md.
"""
import os, re, signal, statistics, subprocess, sys, tempfile, time

TIMEOUT_S = 60


def run_once(args):
    """One start of lpkpi: (first frame ms, first figures ms, script-side ms), since start."""
    with tempfile.TemporaryDirectory() as home:
        env = dict(os.environ, HOME=home, LPKPI_TRACE_STARTUP="1")
        for var in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME"):
            env.pop(var, None)
        start = time.perf_counter()
        p = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        first = figures = seen = None
        deadline = start + TIMEOUT_S
        try:
            for raw in p.stderr:
                line = raw.decode(errors="replace")
                m = re.match(r"lpkpi-trace: (\w+) since_start_ms=(\S+) since_main_ms=(\S+)", line)
                if not m:
                    if line.strip():
                        sys.stderr.write("  lpkpi: " + line)
                    continue
                value = float(m.group(2)) if m.group(2) != "unknown" else float(m.group(3))
                if m.group(1) == "first_frame":
                    first = value
                elif m.group(1) == "first_figures":
                    seen = (time.perf_counter() - start) * 1000
                    figures = value
                    break
                if time.perf_counter() > deadline:
                    break
        finally:
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
            p.stderr.close()
        if figures is None:
            sys.exit(f"{' '.join(args)}: no first_figures line (exit status {p.returncode})")
        return first, figures, seen


def series(name, args, runs):
    print(f"{name}: {' '.join(args)}")
    results = []
    for i in range(runs):
        first, figures, seen = run_once(args)
        results.append((first, figures, seen))
        print(f"  run {i + 1:2}: first frame {first:6.0f} ms, first frame with figures {figures:6.0f} ms"
              f" (script saw it at {seen:6.0f} ms)")
    for label, k in (("first frame", 0), ("first frame with figures", 1), ("script-side", 2)):
        vs = [r[k] for r in results]
        print(f"  {label}: median {statistics.median(vs):.0f} ms, min {min(vs):.0f}, max {max(vs):.0f}"
              f" ({runs} runs)")
    return results


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    lpkpi = os.path.abspath(sys.argv[1])
    workspace = os.path.abspath(sys.argv[2])
    runs = int(sys.argv[3]) if len(sys.argv) > 3 else 10
    if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        sys.exit("no display: run under `xvfb-run -a python3 benches/window_e2e.py ...`")
    with open("/proc/loadavg") as f:
        print(f"load average before: {f.read().split()[:3]}")
    series("workspace", [lpkpi, "open", workspace], runs)
    series("demo (first start)", [lpkpi], runs)
    with open("/proc/loadavg") as f:
        print(f"load average after: {f.read().split()[:3]}")


if __name__ == "__main__":
    main()
