#!/usr/bin/env python3
"""benches/peers.py [FILE.csv] [--rows N] [--runs K]: lpkpi beside polars and pandas on one file,
in one run, and the ratios (issue 11's goals: lpkpi at most 0.5x polars' time, peak memory under
2x the file).

- FILE defaults to target/perf/big.csv, written by benches/gen_big.py (the same generator as
  ../shared/perf/gen_big.py, seeded: the same bytes) when missing.
- polars and pandas come from a venv in target/perf/venv, created and filled with pip when
  missing (needs the network once).
- lpkpi is target/release/lpkpi (built with `cargo build --release` when missing), timed on
  `lpkpi report FILE --anniversary 2026-10-01 --as-of 2026-11-26` (read, parse, classify,
  dedupe, aggregate, JSON to /dev/null); the peers do what ../shared/perf/peers.py does (read,
  parse dates and "$" money, sum per month as Decimal). Best of K runs each (default 3); peak
  resident memory of lpkpi from getrusage.
"""
import argparse, subprocess, sys, time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PERF = ROOT / "target" / "perf"
VENV = PERF / "venv"
PEER = r'''
import sys, time
f, k = sys.argv[1], int(sys.argv[2])
def best(fn, k):
    t = []
    for _ in range(k):
        a = time.perf_counter(); fn(); t.append(time.perf_counter() - a)
    return min(t)
import polars as pl
def pol():
    df = pl.read_csv(f, infer_schema_length=0)
    df = df.with_columns(pl.col("Invoice Date").str.strptime(pl.Date, "%m/%d/%Y").dt.truncate("1mo").alias("m"),
                         pl.col("Total").str.replace_all(r"[$,]", "").cast(pl.Decimal(18, 2)).alias("t"))
    return df.group_by("m").agg(pl.col("t").sum())
print("polars", f"{best(pol, k):.3f}", pl.__version__, flush=True)
import pandas as pd
from decimal import Decimal
def pan():
    df = pd.read_csv(f, dtype=str)
    m = pd.to_datetime(df["Invoice Date"], format="%m/%d/%Y").dt.to_period("M")
    t = df["Total"].str.replace(r"[$,]", "", regex=True).map(Decimal)
    return t.groupby(m).sum()
print("pandas", f"{best(pan, 1):.3f}", pd.__version__, flush=True)
'''


def venv_python():
    py = VENV / "bin" / "python"
    if not py.exists():
        print(f"creating {VENV}", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
    ok = subprocess.run([str(py), "-c", "import polars, pandas"], capture_output=True).returncode == 0
    if not ok:
        print("installing polars and pandas into the venv", file=sys.stderr)
        subprocess.run([str(py), "-m", "pip", "install", "-q", "polars", "pandas"], check=True)
    return py


def lpkpi_binary():
    exe = ROOT / "target" / "release" / "lpkpi"
    if not exe.exists():
        subprocess.run(["cargo", "build", "--release"], cwd=ROOT, check=True)
    return exe


# runs lpkpi as its only child, so the peak resident memory is lpkpi's alone (KiB on Linux)
TIMED = r'''
import os, resource, subprocess, sys, time
a = time.perf_counter()
with open(os.devnull, "wb") as null:
    subprocess.run(sys.argv[1:], stdout=null, check=True)
print(time.perf_counter() - a, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
'''


def time_lpkpi(exe, f, k):
    best, peak = None, 0
    for _ in range(k):
        out = subprocess.run([sys.executable, "-c", TIMED, str(exe), "report", str(f),
                              "--anniversary", "2026-10-01", "--as-of", "2026-11-26"],
                             capture_output=True, text=True, check=True).stdout.split()
        t, rss = float(out[0]), int(out[1])
        best = t if best is None else min(best, t)
        peak = max(peak, rss)
    return best, peak * 1024


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("file", nargs="?")
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--runs", type=int, default=3)
    a = ap.parse_args()
    f = Path(a.file) if a.file else PERF / "big.csv"
    if not f.exists():
        PERF.mkdir(parents=True, exist_ok=True)
        print(f"writing {f} ({a.rows} rows)", file=sys.stderr)
        subprocess.run([sys.executable, str(ROOT / "benches" / "gen_big.py"), str(f), str(a.rows)], check=True)
    size = f.stat().st_size
    exe = lpkpi_binary()
    py = venv_python()
    lp, peak = time_lpkpi(exe, f, a.runs)
    out = subprocess.run([str(py), "-c", PEER, str(f), str(a.runs)], capture_output=True, text=True, check=True).stdout
    peers = {line.split()[0]: (float(line.split()[1]), line.split()[2]) for line in out.splitlines() if line.strip()}
    print(f"file        {f} ({size / 1e6:.1f} MB)")
    print(f"lpkpi       {lp:.3f} s   peak memory {peak / 1e6:.0f} MB ({peak / size:.2f}x the file)")
    for name, (t, version) in peers.items():
        print(f"{name:<11} {t:.3f} s   ({name} {version})")
    if "polars" in peers:
        r = lp / peers["polars"][0]
        print(f"lpkpi / polars = {r:.2f} (goal: at most 0.50)")
    if "pandas" in peers:
        print(f"lpkpi / pandas = {lp / peers['pandas'][0]:.2f}")


if __name__ == "__main__":
    main()
