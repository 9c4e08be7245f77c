"""Time the threshold-uncertainty bootstrap (issue 15 item 1) at 100,000 out-of-fold rows.

    .venv/bin/python bench/threshold_uncertainty.py [--rows 100000] [--boot 300 500] [--repeat 3]

Synthetic binormal scores (5 % prevalence, logistic link, scores rounded to 6 digits like a model's
probabilities), the four pickers of the Threshold page, a hold-out of the same size. Prints the median
wall time of :func:`imbalance_core.evaluation.threshold_uncertainty.threshold_uncertainty`.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from imbalance_core.evaluation import threshold_uncertainty as tu


def _scores(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    y = rng.random(n) < 0.05
    x = np.where(y, rng.normal(1.5, 1, n), rng.normal(0, 1, n))
    return y, np.round(1 / (1 + np.exp(-(x - 2))), 6)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--boot", type=int, nargs="+", default=[200, 300, 500])
    ap.add_argument("--repeat", type=int, default=3)
    a = ap.parse_args()
    yo, so = _scores(a.rows, 1)
    yt, st = _scores(a.rows, 2)
    for n_boot in a.boot:
        times = []
        for _ in range(a.repeat):
            t0 = time.perf_counter()
            res = tu.threshold_uncertainty(yo, so, yt, st, n_boot=n_boot, seed=0)
            times.append(time.perf_counter() - t0)
        y = res.get("sensitivity")
        print(
            f"{a.rows:,} OOF rows, {len(np.unique(so)):,} distinct scores, 4 pickers, {n_boot} resamples: "
            f"median {statistics.median(times):.2f} s (min {min(times):.2f}, max {max(times):.2f})"
        )
        if y is not None:
            print(
                f"  sensitivity pick {y.threshold:.4f} [{y.threshold_lo:.4f}, {y.threshold_hi:.4f}]; "
                f"{y.sentence('specificity')}"
            )


if __name__ == "__main__":
    main()
