"""Seconds for every bootstrap of the app at B = 1,000 resamples (issue 25: 1,000 where it costs < 1 s).

Prints one line per (statistic, rows): median of ``--repeat`` runs. Run on a loaded machine the figures
are upper bounds. Run: ``.venv/bin/python bench/bootstrap_1000.py [--repeat 3]``.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from imbalance_core.evaluation import threshold_uncertainty as unc
from imbalance_core.evaluation.calibration import calibration_metrics
from imbalance_core.evaluation.intervals import bootstrap_average_precision
from imbalance_core.learn.resampling_effect import paired_bootstrap

B = 1000


def scores(rows: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    lp = -2.0 + rng.normal(size=rows)
    y = (rng.random(rows) < 1 / (1 + np.exp(-lp))).astype(int)
    return y, 1 / (1 + np.exp(-(lp + 0.5)))


def timed(fn, repeat: int) -> float:
    runs = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - t0)
    return statistics.median(runs)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--rows", default="300,1000,2000,20000")
    args = ap.parse_args()
    for rows in (int(r) for r in args.rows.split(",")):
        y, p = scores(rows)
        q = np.clip(p + np.random.default_rng(1).normal(0, 0.05, rows), 0, 1)
        cases = _cases(y, p, q)
        for name, fn in cases.items():
            print(f"B={B} rows={rows:>6} {name:<44} {timed(fn, args.repeat):6.2f} s", flush=True)


def _cases(y: np.ndarray, p: np.ndarray, q: np.ndarray) -> dict:
    return {
        "calibration_metrics (Brier, ICI family)": lambda: calibration_metrics(y, p, n_boot=B, seed=0),
        "paired bootstrap (AUC, PR AUC, sens, spec)": lambda: paired_bootstrap(y, p, q, 0.2, 0.2, B, 0),
        "PR AUC stratified bootstrap": lambda: bootstrap_average_precision(y, p, n_boot=B, seed=0),
        "threshold uncertainty (4 pickers)": lambda: unc.threshold_uncertainty(y, p, y, q, n_boot=B, seed=0),
    }


if __name__ == "__main__":
    main()
