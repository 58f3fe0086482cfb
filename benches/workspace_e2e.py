#!/usr/bin/env python3
"""benches/workspace_e2e.py LPKPI [ROWS] [RUNS]: end-to-end times and peak memory of the
command line on a workspace of ROWS purchases (default 200,000; median of RUNS runs, default 3).

Writes benches/gen_big.py's export of ROWS rows to a temporary folder, then times
`lpkpi import W.ron big.csv` (a new workspace: import + save) and
`lpkpi report --workspace W.ron --as-of 2026-06-01` (load + evaluate + JSON), each process's
wall time and peak resident memory (its own rusage, through os.wait4). See docs/performance.md."""
import os, statistics, subprocess, sys, tempfile, time

lpkpi = os.path.abspath(sys.argv[1])
rows = int(sys.argv[2]) if len(sys.argv) > 2 else 200_000
runs = int(sys.argv[3]) if len(sys.argv) > 3 else 3
here = os.path.dirname(os.path.abspath(__file__))


def run(args):
    start = time.perf_counter()
    with open(os.devnull, "wb") as null:
        p = subprocess.Popen(args, stdout=null, stderr=subprocess.PIPE)
        _, status, usage = os.wait4(p.pid, 0)
        took = time.perf_counter() - start
        err = p.stderr.read().decode(errors="replace")
        p.stderr.close()
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"{' '.join(args)} failed: {err}")
    return took, usage.ru_maxrss / 1024  # MB (ru_maxrss is in KiB on Linux)


with tempfile.TemporaryDirectory() as tmp:
    csv = os.path.join(tmp, "big.csv")
    subprocess.run([sys.executable, os.path.join(here, "gen_big.py"), csv, str(rows)], check=True)
    ws = os.path.join(tmp, "W.ron")
    results = {"import": [], "report": []}
    for _ in range(runs):
        for f in os.listdir(tmp):
            if f.startswith("W.ron"):
                os.remove(os.path.join(tmp, f))
        results["import"].append(run([lpkpi, "import", ws, csv]))
        results["report"].append(run([lpkpi, "report", "--workspace", ws, "--anniversary", "2026-10-01", "--as-of", "2026-11-26"]))
    size = os.path.getsize(ws)
    print(f"{rows} rows; export {os.path.getsize(csv) / 1e6:.1f} MB; workspace {size / 1e6:.1f} MB ({size} bytes)")
    for task, rs in results.items():
        times = [t for t, _ in rs]
        peaks = [m for _, m in rs]
        print(f"{task:7} median {statistics.median(times):.2f} s (runs: {', '.join(f'{t:.2f}' for t in times)}), "
              f"peak RSS {max(peaks):.0f} MB")
