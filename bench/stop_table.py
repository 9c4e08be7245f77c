"""Benchmark: build the threshold explorer's stop table (sort included) and measure its payload.

    .venv/bin/python bench/stop_table.py [--sizes 100000,1000000] [--repeat 3]

Prints, per hold-out size: the stop-table build time (median of ``--repeat`` runs; goal < 1 s at
1,000,000 rows), the full explorer build (pickers on out-of-fold scores, curves, DeLong and bootstrap AUC
intervals, histograms) and the size in bytes of ``json.dumps(ExplorerData.to_payload())``.
Scores are generated (an imbalanced logistic model), 10 % prevalence.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from imbalance_core.evaluation.thresholds import build_explorer_data, build_stop_table


def generate(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Labels (10 % positive) and positive-class probabilities from a plausible, imperfect model."""
    rng = np.random.default_rng(seed)
    y = (rng.random(n) < 0.10).astype(np.int8)
    scores = 1 / (1 + np.exp(-(rng.normal(size=n) + 2.0 * y - 2.5)))
    return y, scores


def timed(fn, repeat: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    print(f"{'rows':>10} {'stop table s':>13} {'stops':>6} {'explorer s':>11} {'payload bytes':>14}")
    for n in (int(v) for v in args.sizes.split(",")):
        y, s = generate(n, seed=1)
        y_oof, s_oof = generate(3 * n, seed=2)
        t_table, table = timed(lambda y=y, s=s: build_stop_table(y, s, beta=2.0), args.repeat)
        t_explorer, data = timed(
            lambda y=y, s=s, yo=y_oof, so=s_oof: build_explorer_data(
                y, s, yo, so, positive_label="disease", negative_label="no disease"
            ),
            1,
        )
        size = len(json.dumps(data.to_payload(), allow_nan=False).encode("utf-8"))
        print(f"{n:>10,} {t_table:>13.3f} {len(table):>6} {t_explorer:>11.2f} {size:>14,}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
