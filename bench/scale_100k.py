"""Benchmark: the diabetes file (101,766 encounters x 50 mixed columns) end to end, against the goals.

Steps, each timed in this process as the app runs them (same functions, same order):

1. upload -> Data page: ``read_table`` on the bytes, ``guess_label``, ``prepare`` and ``profile``
   (the Data page's work before it draws). Goal: <= 3 s.
2. Train: SMOTE (and SMOTE-NC) + logistic regression, 5-fold CV + final fit, split by patient
   (``patient_nbr``), in one process as the Train page's worker runs it. Goal: <= 60 s each.
3. Threshold: the explorer payload (stop table, curves, intervals, histograms, picks, encoded).
   Goal: <= 2 s.
4. Explore: resampling for the map (the Explore page's ``resample_for_view``, SMOTE, split by
   patient), the PCA picture (goal <= 5 s for both), and UMAP on the drawn rows with SMOTE's
   synthetic rows placed by transform, in a process whose UMAP code is already compiled (the app
   compiles it at start-up; UMAP runs in the background with a progress bar; goal <= 60 s).
5. Report: the PDF (PCA view, content, figures, reportlab) from the trained SMOTE model, training
   excluded (goal <= 10 s); the HTML report beside it.
6. Peak memory: the process's maximum resident set size (``ru_maxrss``) after all steps, which
   includes the libraries. Goal: <= 4 GB.

Run: ``IMBALANCE_SHARED=/work/shared .venv/bin/python bench/scale_100k.py [--samplers smote,smotenc]``.
The machine may be shared: CPU seconds are printed beside wall seconds.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from imbalance_core.evaluation import thresholds  # noqa: E402
from imbalance_core.intake import label_guess  # noqa: E402
from imbalance_core.intake.profile import profile  # noqa: E402
from imbalance_core.intake.read import read_table  # noqa: E402
from imbalance_core.intake.task import TaskSpec, prepare  # noqa: E402
from imbalance_core.learn.training import TrainSettings, train  # noqa: E402

SHARED = Path(os.environ.get("IMBALANCE_SHARED", ROOT.parent / "shared"))
FILE = SHARED / "data" / "diabetes_130_hospitals.csv"
GOALS = {
    "data_page": 3.0,
    "train": 60.0,
    "payload": 2.0,
    "explore_pca": 5.0,
    "explore_umap": 60.0,
    "report": 10.0,
    "peak_gb": 4.0,
}


class Timer:
    """Wall and CPU seconds of a block."""

    def __enter__(self) -> Timer:
        self.wall0, self.cpu0 = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc: object) -> None:
        self.wall = time.perf_counter() - self.wall0
        self.cpu = time.process_time() - self.cpu0


def verdict(value: float, goal: float) -> str:
    """'MET' or 'NOT MET' against a goal (lower is better)."""
    return "MET" if value <= goal else "NOT MET"


def main() -> None:
    """Run the steps and print one line per figure."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samplers", default="smote,smotenc", help="comma-separated sampler keys")
    parser.add_argument("--cv", type=int, default=5)
    args = parser.parse_args()
    raw = FILE.read_bytes()
    print(f"file: {FILE.name}, {len(raw) / 1e6:.1f} MB; cores: {os.cpu_count()}")

    with Timer() as t_read:
        table = read_table(raw, name=FILE.name)
    with Timer() as t_guess:
        guess = label_guess.guess_label(table)
    spec = TaskSpec(label="readmitted", positive=("<30",))  # the guess is printed; the task is fixed
    with Timer() as t_prepare:
        data = prepare(table, spec)
    with Timer() as t_profile:
        prof = profile(table, spec, data)  # as the Data page: the prepared task is reused
    steps = (t_read, t_guess, t_prepare, t_profile)
    page, page_cpu = sum(t.wall for t in steps), sum(t.cpu for t in steps)
    print(
        f"read {t_read.wall:.2f} s ({t_read.cpu:.2f} CPU s), guess {t_guess.wall:.2f} s "
        f"(label guessed: {guess.label}), prepare {t_prepare.wall:.2f} s, profile {t_profile.wall:.2f} s"
    )
    print(
        f"upload -> Data page: {page:.2f} s wall, {page_cpu:.2f} CPU s (goal <= {GOALS['data_page']:g} s) "
        f"-> {verdict(page, GOALS['data_page'])}"
    )
    print(f"  {len(data.y):,} rows, {data.X.shape[1]} features ({len(data.categorical_features)} text)")
    for found in data.repeated_ids:
        print(f"  {found.text}")
    print(f"  profile notes: {len(prof.notices)}; excluded: {sorted(data.excluded)}")

    result = None
    results = []
    for sampler in args.samplers.split(","):
        settings = TrainSettings(sampler=sampler, classifier="logreg", cv=args.cv, group_by="patient_nbr")
        with Timer() as t_train:
            result = train(data, settings, scheduler="")
        results.append(result)
        print(
            f"train {sampler} + logistic regression, {args.cv}-fold CV + final fit, split by patient: "
            f"{t_train.wall:.1f} s wall, {t_train.cpu:.1f} CPU s (goal <= {GOALS['train']:g} s) -> "
            f"{verdict(t_train.wall, GOALS['train'])}; CV ROC AUC {result.cv_summary['roc_auc'].mean:.3f}"
        )
        for notice in result.notices:
            if "codes ->" in notice:
                print(f"  {notice}")

    assert result is not None
    with Timer() as t_payload:
        explorer = thresholds.build_explorer_data(
            result.y_test,
            result.test_scores,
            result.y_train,
            result.oof_scores,
            positive_label=result.class_names[1],
            negative_label=result.class_names[0],
            initial_threshold=thresholds.default_threshold(result.y_train, result.oof_scores).value,
        )
        payload = explorer.to_payload()
        try:
            from pages.widgets.threshold_explorer import encode_payload

            encoded = encode_payload(payload)
        except ImportError:  # the widget module moved: time the payload without its encoding
            encoded = b""
    print(
        f"threshold explorer payload: {t_payload.wall:.2f} s, {t_payload.cpu:.2f} CPU s "
        f"({len(encoded) / 1e6:.2f} MB encoded, "
        f"{len(payload['stops']['threshold']):,} stops) (goal <= {GOALS['payload']:g} s) -> "
        f"{verdict(t_payload.wall, GOALS['payload'])}"
    )
    explore(data, result.settings)
    for trained in results:
        report_step(table, data, trained)
    peak_gb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2
    print(
        f"peak memory (max RSS of this process): {peak_gb:.2f} GB (goal <= {GOALS['peak_gb']:g} GB) -> "
        f"{verdict(peak_gb, GOALS['peak_gb'])}"
    )


def explore(data, settings: TrainSettings) -> None:
    """The Explore page's work: rows for the map, PCA, then UMAP (compiled beforehand, as at start-up)."""
    from imbalance_core.learn.training import resample_for_view
    from imbalance_core.maps import umap_warmup
    from imbalance_core.maps.projection import project_resampled

    smote = replace(settings, sampler="smote")
    with Timer() as t_view:
        view = resample_for_view(data, smote)
    with Timer() as t_pca:
        pca = project_resampled(view, "pca", 2, seed=smote.seed)
    pca_total = t_view.wall + t_pca.wall
    print(
        f"Explore: rows for the map (SMOTE) {t_view.wall:.2f} s, PCA {t_pca.wall:.2f} s -> "
        f"{pca_total:.2f} s (goal <= {GOALS['explore_pca']:g} s) -> "
        f"{verdict(pca_total, GOALS['explore_pca'])}; "
        f"{len(pca.before_coords):,} real rows drawn"
    )
    with Timer() as t_warm:
        umap_warmup.run_warmup()
    with Timer() as t_umap:
        umap = project_resampled(view, "umap", 2, seed=smote.seed)
    print(
        f"Explore UMAP (compiled beforehand in {t_warm.wall:.1f} s, as at app start-up): "
        f"{t_umap.wall:.1f} s wall, {t_umap.cpu:.1f} CPU s, {len(umap.before_coords):,} real + "
        f"{len(umap.after_coords):,} resampled rows drawn (goal <= {GOALS['explore_umap']:g} s) -> "
        f"{verdict(t_umap.wall, GOALS['explore_umap'])}"
    )


def report_step(table, data, result) -> None:
    """The Report page's PDF from the trained model (training excluded), and the HTML beside it."""
    from imbalance_core.share import report, report_figures, report_html

    threshold = thresholds.default_threshold(result.y_train, result.oof_scores)
    with Timer() as t_pca:
        projection = report.pca_view(data, result.settings, seed=result.settings.seed)
    with Timer() as t_report:
        inputs = report.ReportInputs(
            data=data,
            result=result,
            threshold=threshold.value,
            threshold_reason=threshold.origin,
            table=table,
            projection=projection,
        )
        content = report.build_report_content(inputs)
        pdf = report.render_pdf(content, report_figures.draw_all(content.figures))
    with Timer() as t_html:
        html = report_html.render_html(content)
    cold = t_pca.wall + t_report.wall
    print(
        f"Report PDF ({result.settings.sampler} + logistic regression): resampling + PCA picture "
        f"{t_pca.wall:.2f} s (skipped when Explore already resampled: the pages share it), content + "
        f"figures + PDF {t_report.wall:.2f} s, {len(pdf) / 1024:.0f} KiB; cold total {cold:.2f} s "
        f"(goal <= {GOALS['report']:g} s) -> {verdict(cold, GOALS['report'])}; "
        f"HTML {t_html.wall:.2f} s, {len(html) / 1024:.0f} KiB"
    )


if __name__ == "__main__":
    main()
