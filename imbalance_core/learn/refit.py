"""The small pieces every resampling scheme refits with: one pipeline on some rows, and folds inside them.

Internal validation (:mod:`imbalance_core.learn.internal_validation`), tuning
(:mod:`imbalance_core.learn.tuning`) and the learning curve (:mod:`imbalance_core.learn.learning_curve`)
all refit the same imbalanced-learn pipeline as Train (:func:`imbalance_core.learn.training.build_pipeline`:
preprocessing, the sampler, the classifier) on row positions that may repeat (a bootstrap sample draws
a patient more than once). Two rules follow from repeats:

* folds inside a set of rows are made of *patients*, not rows: every copy of one original row goes to
  the same fold (otherwise a patient's copy in the fit rows would grade its twin in the validation rows,
  and the out-of-fold scores the threshold picker and the calibrator learn from would be optimistic);
* the folds are stratified by class over the distinct patients, seeded.

Rows are split by row, not by a repeating ID column: grouped (patient-aware) resampling is left for the
grouped splits (:mod:`imbalance_core.learn.splitting`).
"""

from __future__ import annotations

import numpy as np
from imblearn.pipeline import Pipeline

from imbalance_core.errors import DataError
from imbalance_core.intake.task import PreparedData
from imbalance_core.learn.training import TrainSettings, build_pipeline, predict_scores


def fit_rows(
    data: PreparedData, settings: TrainSettings, rows: np.ndarray, k_neighbors: int | None = None
) -> Pipeline:
    """A fresh pipeline for ``settings`` fitted on ``rows`` (positions into data.X; repeats allowed).

    ``k_neighbors`` overrides the sampler's neighbours (tuning); None keeps its default.
    """
    pipeline = build_pipeline(data, settings)
    if k_neighbors is not None:
        pipeline.set_params(sampler__k_neighbors=int(k_neighbors))
    y = np.asarray(data.y, dtype=np.int64)
    pipeline.fit(data.X.iloc[rows], y[rows])
    return pipeline


def score_rows(pipeline: Pipeline, data: PreparedData, rows: np.ndarray) -> np.ndarray:
    """Positive-class scores of ``rows``; each distinct row is scored once (repeats share the score)."""
    unique, inverse = np.unique(np.asarray(rows, dtype=np.int64), return_inverse=True)
    scores = predict_scores(pipeline, data.X.iloc[unique], len(data.class_names))
    return np.asarray(scores, dtype=float)[inverse]


def patient_folds(rows: np.ndarray, y: np.ndarray, k: int, seed: int) -> list[np.ndarray]:
    """Fold number (0..k-1) per entry of ``rows``, copies of one row in one fold, stratified by class.

    ``y`` is the class code per entry of ``rows``. Each class's distinct rows are shuffled (seeded) and
    dealt round-robin into the folds, so every fold gets about 1/k of each class's patients.
    Returns the list of position arrays (into ``rows``) of each fold's validation entries.
    """
    rows = np.asarray(rows, dtype=np.int64)
    y = np.asarray(y, dtype=np.int64)
    if k < 2:
        raise DataError("Cross-validation needs at least 2 folds.")
    rng = np.random.default_rng(seed)
    fold_of_row: dict[int, int] = {}
    for c in np.unique(y):
        distinct = np.unique(rows[y == c])
        if len(distinct) < k:
            raise DataError(
                f"A resample holds only {len(distinct)} distinct patients of one class, fewer than the "
                f"{k} folds inside it; choose fewer folds."
            )
        distinct = distinct[rng.permutation(len(distinct))]
        offset = int(rng.integers(k))  # so fold 0 does not always get the extra patient
        for i, row in enumerate(distinct):
            fold_of_row[int(row)] = (i + offset) % k
    fold = np.fromiter((fold_of_row[int(r)] for r in rows), dtype=np.int64, count=len(rows))
    return [np.flatnonzero(fold == f) for f in range(k)]


def out_of_fold(
    data: PreparedData,
    settings: TrainSettings,
    rows: np.ndarray,
    folds: list[np.ndarray],
    k_neighbors: int | None = None,
) -> np.ndarray:
    """Out-of-fold positive-class score of every entry of ``rows`` (one fit per fold)."""
    oof = np.empty(len(rows))
    everything = np.arange(len(rows))
    for valid in folds:
        fit = np.setdiff1d(everything, valid, assume_unique=True)
        pipeline = fit_rows(data, settings, rows[fit], k_neighbors)
        oof[valid] = score_rows(pipeline, data, rows[valid])
    return oof
