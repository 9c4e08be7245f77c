"""Time of the decision panels: subgroup table at 100,000 hold-out rows, what-if update, importance.

* subgroup table: :func:`imbalance_core.evaluation.subgroups.subgroup_table` on synthetic hold-out rows
  (sex codes with missing values crossed with age in decades; ~6 % prevalence), median of ``--repeat``;
* what-if (Python side): one edited patient row scored with the fitted pipeline
  (:func:`imbalance_core.learn.explain.score_rows`), median and p95 over ``--edits`` edits, and the
  nearest-flip search for 8 features (one batch); models trained on the bundled HCV data;
* permutation importance on the bundled HCV and Pima hold-out sets (5 shuffles, PR AUC);
* the browser figure (edit -> new score on screen) comes from the Playwright test
  ``tests/e2e/test_decision_browser.py``, which writes ``test-output/whatif_latency.json``; printed when
  present.

Run: ``.venv/bin/python bench/decide.py [--rows 100000] [--repeat 3] [--edits 200]``.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from imbalance_core.evaluation.subgroups import subgroup_table  # noqa: E402
from imbalance_core.intake import bundled, task  # noqa: E402
from imbalance_core.learn import explain, training  # noqa: E402


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def time_subgroups(rows: int, repeat: int) -> None:
    rng = np.random.default_rng(0)
    sex = rng.choice([1.0, 2.0, np.nan], size=rows, p=[0.5, 0.48, 0.02])
    age = rng.uniform(18, 95, size=rows)
    lp = -3.2 + 0.02 * (age - 50) + rng.normal(size=rows)
    y = (rng.random(rows) < 1 / (1 + np.exp(-lp))).astype(int)
    s = 1 / (1 + np.exp(-(lp + rng.normal(0, 0.5, rows))))
    frame = pd.DataFrame({"sex": sex, "age": age})
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        table = subgroup_table(frame, y, s, 0.1)
        times.append(time.perf_counter() - t0)
    print(
        f"subgroup table, {rows:,} hold-out rows, sex x age decade ({len(table.rows)} groups): "
        f"median {statistics.median(times):.3f} s over {repeat}"
    )


def time_what_if(edits: int) -> None:
    data = training_data("hcv")
    for clf in ("logreg", "random_forest"):
        result = training.train(data, training.TrainSettings(sampler="smote", classifier=clf, cv=3))
        rows = explain.holdout_rows(data, result)
        rng = np.random.default_rng(1)
        feature = "AST"
        lo, hi = float(data.X[feature].min()), float(data.X[feature].max())
        times = []
        for i in range(edits):
            row = rows.iloc[[i % len(rows)]].copy()
            row[feature] = rng.uniform(lo, hi)
            t0 = time.perf_counter()
            explain.score_rows(result, row)
            times.append(time.perf_counter() - t0)
        features = tuple(data.X.columns[:8])
        flips = []
        cut = float(np.median(result.test_scores))
        for i in range(min(20, len(rows))):
            t0 = time.perf_counter()
            explain.nearest_flips(data, result, rows.iloc[[i]], cut, features)
            flips.append(time.perf_counter() - t0)
        ms = [t * 1000 for t in times]
        print(
            f"what-if score ({clf}): median {statistics.median(ms):.1f} ms, p95 {_p95(ms):.1f} ms over "
            f"{edits} edits; nearest flips for 8 features: median {1000 * statistics.median(flips):.0f} ms"
        )


def training_data(key: str) -> task.PreparedData:
    return task.prepare(bundled.load_bundled(key), bundled.BUNDLED[key].default_spec)


def time_importance() -> None:
    for key in ("hcv", "pima"):
        data = training_data(key)
        result = training.train(data, training.TrainSettings(sampler="smote", classifier="logreg", cv=3))
        imp = explain.permutation_importance_of(data, result)
        print(
            f"permutation importance, {key} ({imp.n_rows} hold-out rows, {len(imp.features)} features, "
            f"{imp.n_repeats} shuffles, logreg): {imp.seconds:.2f} s"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--edits", type=int, default=200)
    args = parser.parse_args()
    time_subgroups(args.rows, args.repeat)
    time_what_if(args.edits)
    time_importance()
    browser = ROOT / "test-output" / "whatif_latency.json"
    if browser.exists():
        found = json.loads(browser.read_text())
        print(
            f"what-if in the browser ({found['edits']} edits, tests/e2e/test_decision_browser.py): "
            f"median {found['median_ms']:.0f} ms, p95 {found['p95_ms']:.0f} ms"
        )


if __name__ == "__main__":
    main()
