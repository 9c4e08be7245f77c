"""Benchmark: reading a large numeric CSV with ``imbalance_core.intake.read.read_table`` vs plain pandas.

Generates a 1,000,000 x 30 numeric CSV (29 lab-like features, a 0/1 label with ~2 % positives) in a
temporary folder, then times each reader in a fresh subprocess and records its peak memory
(``ru_maxrss`` of the child, minus the memory it had after importing its libraries).

Usage: python bench/load_csv.py [--rows N] [--repeats R]
Goal (issue 2): read_table within 1.2x of pandas' wall time, peak memory below 3x the file size.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

ROOT = Path(__file__).resolve().parents[1]

#: Child-process code per reader; each prints JSON with seconds, rss_before and rss_peak (KiB).
READERS = {
    "pandas.read_csv (C engine)": "import pandas as pd; read = lambda p: pd.read_csv(p)",
    "pandas.read_csv (pyarrow engine)": "import pandas as pd; "
    "read = lambda p: pd.read_csv(p, engine='pyarrow')",
    "imbalance_core read_table (path)": "from imbalance_core.intake.read import read_table; "
    "read = lambda p: read_table(p).frame",
    "imbalance_core read_table (bytes)": "from imbalance_core.intake.read import read_table; "
    "read = lambda p: read_table(open(p, 'rb').read()).frame",
}

CHILD = """
import json, resource, sys, time
sys.path.insert(0, {root!r})
{setup}
import numpy, pandas
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
t0, c0 = time.perf_counter(), time.process_time()
frame = read({path!r})
seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({{"seconds": seconds, "cpu": cpu, "rss_before": before, "rss_peak": peak,
                  "shape": list(frame.shape)}}))
"""


def make_csv(path: Path, rows: int, cols: int = 30, seed: int = 0) -> None:
    """Write ``rows`` x ``cols`` numbers: 29 float features (3 decimals) and a 0/1 label (~2 % ones)."""
    rng = np.random.default_rng(seed)
    arrays, names = [], []
    for j in range(cols - 1):
        arrays.append(pa.array(np.round(rng.normal(50 + j, 10, rows), 3)))
        names.append(f"lab_{j + 1:02d}")
    arrays.append(pa.array((rng.random(rows) < 0.02).astype(np.int8)))
    names.append("label")
    pacsv.write_csv(pa.table(arrays, names=names), path)


def run_child(setup: str, path: Path) -> dict:
    code = CHILD.format(root=str(ROOT), setup=setup, path=str(path))
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "big.csv"
        t0 = time.perf_counter()
        make_csv(path, args.rows)
        size = path.stat().st_size
        print(
            f"file: {args.rows:,} rows x 30 columns, {size / 2**20:.1f} MiB "
            f"(generated in {time.perf_counter() - t0:.1f} s)"
        )
        results: dict[str, list[dict]] = {name: [] for name in READERS}
        for _ in range(args.repeats):  # interleave so machine load hits every reader alike
            for name, setup in READERS.items():
                results[name].append(run_child(setup, path))
        pandas_runs = results["pandas.read_csv (C engine)"]
        base = min(r["seconds"] for r in pandas_runs)
        base_cpu = min(r["cpu"] for r in pandas_runs)
        print(
            f"{'reader':36s} {'wall s':>7s} {'vs pandas':>9s} {'cpu s':>6s} {'vs pandas':>9s} "
            f"{'peak MiB':>8s} {'x file':>6s}"
        )
        for name, runs in results.items():
            best = min(r["seconds"] for r in runs)
            cpu = min(r["cpu"] for r in runs)
            grown = max(r["rss_peak"] - r["rss_before"] for r in runs) * 1024
            print(
                f"{name:36s} {best:7.2f} {best / base:8.2f}x {cpu:6.2f} {cpu / base_cpu:8.2f}x "
                f"{grown / 2**20:8.0f} {grown / size:5.2f}x"
            )
        print(
            "(best of each reader's runs; wall time is noisy on a shared machine, CPU time less so. "
            "The bytes reader includes reading the file into memory, as an upload would hold it.)"
        )


if __name__ == "__main__":
    main()
