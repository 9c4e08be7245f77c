"""Time to build the PDF report (content + figures + PDF) for the bundled HCV data and a 100,000-row set.

Goal: <= 5 s per report once the model is trained (training is timed separately and not part of it).
Run: ``.venv/bin/python bench/report.py [--rows 100000]``. Prints one line per stage and data set.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.datasets import make_classification

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from imbalance_core.intake import bundled, task
from imbalance_core.intake.read import read_table
from imbalance_core.learn import training
from imbalance_core.share import report, report_figures, report_html

GOAL_SECONDS = 5.0


def generated(rows: int, seed: int = 0) -> task.PreparedData:
    """A 2 %-prevalence numeric table of ``rows`` rows, written to CSV bytes and read by the real intake."""
    X, y = make_classification(
        n_samples=rows, n_features=10, n_informative=5, weights=[0.98], flip_y=0.01, random_state=seed
    )
    frame = pd.DataFrame(X, columns=[f"lab_{i}" for i in range(X.shape[1])])
    frame["diagnosis"] = np.where(y == 1, "disease", "healthy")
    table = read_table(frame.to_csv(index=False).encode(), name=f"generated_{rows}.csv")
    return table, task.prepare(table, task.TaskSpec(label="diagnosis", positive=("disease",)))


def timed(label: str, fn, *args, **kwargs):
    t0 = time.perf_counter()
    out = fn(*args, **kwargs)
    seconds = time.perf_counter() - t0
    print(f"  {label:<34} {seconds:7.2f} s")
    return out, seconds


def bench(name: str, table, data, settings: training.TrainSettings) -> None:
    print(
        f"{name}: {len(data.y):,} rows, {len(data.X.columns)} features, "
        f"{settings.sampler} + {settings.classifier}"
    )
    result, _ = timed("train (not part of the goal)", training.train, data, settings)
    projection, t_pca = timed("PCA before/after resampling", report.pca_view, data, settings)
    inputs = report.ReportInputs(
        data=data, result=result, threshold=0.3, threshold_reason="bench", table=table, projection=projection
    )
    content, t_content = timed("build_report_content", report.build_report_content, inputs)
    images, t_fig = timed("matplotlib figures", report_figures.draw_all, content.figures)
    pdf, t_pdf = timed("reportlab PDF", report.render_pdf, content, images)
    total = t_pca + t_content + t_fig + t_pdf
    verdict = "OK" if total <= GOAL_SECONDS else "OVER GOAL"
    print(
        f"  {'PDF report total':<34} {total:7.2f} s  ({len(pdf) / 1024:.0f} KiB, "
        f"goal <= {GOAL_SECONDS:g} s: {verdict})"
    )
    timed("HTML report (extra)", report_html.render_html, content)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()
    report_figures.draw_classes  # noqa: B018  (import cost paid before timing)
    table = bundled.load_bundled("hcv")
    data = task.prepare(table, bundled.BUNDLED["hcv"].default_spec)
    bench("bundled HCV", table, data, training.TrainSettings(sampler="smote", classifier="logreg", ratio=0.5))
    table, data = generated(args.rows)
    bench(
        f"generated {args.rows:,}",
        table,
        data,
        training.TrainSettings(sampler="smote", classifier="logreg", ratio=0.25, cv=3),
    )


if __name__ == "__main__":
    main()
