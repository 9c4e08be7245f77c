"""Time added by calibration: metrics with bootstrap intervals at 1,000,000 hold-out rows, and the
baseline fit behind "did resampling help?".

Goal: calibration metrics with intervals under 2 s at 1,000,000 rows. How: intercept and slope get
model-based (Wald) intervals (one Newton fit each on all rows), E:O a Poisson interval; Brier, scaled
Brier and ICI/E50/E90/Emax a seeded bootstrap of 200 resamples of 2,000 rows each (m-out-of-n, rescaled
by sqrt(m/n); the sized-down bootstrap, stated in every result), with the lowess point estimate on a
seeded subsample of 20,000 rows.
Run: ``.venv/bin/python bench/calibration.py [--rows 1000000] [--repeat 3]``. Prints one line per figure.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from imbalance_core.evaluation.calibration import BOOT_ROWS, N_BOOT, SMOOTH_MAX_ROWS, calibration_metrics
from imbalance_core.intake import bundled, task
from imbalance_core.learn import resampling_effect, training

GOAL_SECONDS = 2.0


def synthetic_scores(rows: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Outcomes from known risks (prevalence ~6 %) and those risks shifted by +1.5 on the logit."""
    rng = np.random.default_rng(seed)
    lp = -3.2 + rng.normal(size=rows)
    y = (rng.random(rows) < 1 / (1 + np.exp(-lp))).astype(np.int8)
    return y, 1 / (1 + np.exp(-(lp + 1.5)))


def time_metrics(rows: int, repeat: int) -> None:
    y, p = synthetic_scores(rows)
    times, cpu = [], []
    for _ in range(repeat):
        t0, c0 = time.perf_counter(), time.process_time()
        m = calibration_metrics(y, p)
        times.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    med = statistics.median(times)
    print(
        f"calibration metrics, {rows:,} rows: median {med:.2f} s of {repeat} (min {min(times):.2f}, "
        f"max {max(times):.2f}; CPU {statistics.median(cpu):.2f} s; "
        f"load {os.getloadavg()[0]:.1f}); goal < {GOAL_SECONDS:.0f} s: "
        f"{'met' if med < GOAL_SECONDS else 'NOT met'}; "
        f"bootstrap {N_BOOT} resamples x {BOOT_ROWS:,} rows, lowess on {SMOOTH_MAX_ROWS:,} rows"
    )
    print(
        f"  recovered shift: intercept {m.intercept.value:.3f} (true -1.5), slope {m.slope.value:.3f}, "
        f"E:O {m.e_to_o.value:.2f}, ICI {m.ici.value:.4f} ({m.ici.low:.4f} to {m.ici.high:.4f})"
    )


def time_baseline(key: str, sampler: str) -> None:
    data = task.prepare(bundled.load_bundled(key), bundled.BUNDLED[key].default_spec)
    settings = training.TrainSettings(sampler=sampler, classifier="logreg", seed=0)
    t0 = time.perf_counter()
    model = training.train(data, settings)
    t_model = time.perf_counter() - t0
    t0 = time.perf_counter()
    base = training.train(data, resampling_effect.baseline_settings(settings))
    t_base = time.perf_counter() - t0
    t0 = time.perf_counter()
    effect = resampling_effect.compare_to_baseline(model, base)
    t_cmp = time.perf_counter() - t0
    print(
        f"{key} ({len(data.y)} rows), {sampler} + logreg: model fit {t_model:.2f} s, "
        f"baseline fit {t_base:.2f} s, "
        f"comparison (2 x calibration + paired bootstrap {effect.n_boot}) {t_cmp:.2f} s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    time_metrics(args.rows, args.repeat)
    for key in ("hcv", "pima"):
        time_baseline(key, "smote")


if __name__ == "__main__":
    main()
