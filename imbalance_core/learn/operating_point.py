"""A trained model judged at its own threshold: cross-validation measures per fold, re-read at any cut-off.

Why: the first numbers a clinician sees after training (the Train page's CV summary and hold-out tiles,
the Compare grid, the report's leaderboard) used to be read at 0.5. After resampling, class weights or
recalibration the score scale moves, and 0.5 can call nobody positive (Platt on a 5 % registry: risks
near 0.05, sensitivity 0.000) while the model's own threshold finds most of the sick. Every view now
asks this module for the measures at the threshold the model actually uses.

ROC AUC, PR AUC and the Brier score need no threshold; sensitivity, specificity, balanced accuracy,
F1 and accuracy are counted at the threshold from each fold's out-of-fold scores (kept in the
:class:`~imbalance_core.learn.training.TrainResult` with their fold numbers), so nothing refits.
The default threshold is itself picked on these same out-of-fold scores, which flatters the fold
measures at it (:data:`FLATTERS`); the hold-out is the honest check.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from sklearn.metrics import brier_score_loss

from imbalance_core.evaluation.metrics import METRIC_NAMES, binary_table, mean_sd
from imbalance_core.evaluation.thresholds import ChosenThreshold, default_for_result
from imbalance_core.learn.training import MetricSummary, TrainResult

#: Measures that need no threshold (ranking and calibration of the scores).
THRESHOLD_FREE: tuple[str, ...] = ("roc_auc", "pr_auc", "brier")
#: Measures counted at the model's threshold.
AT_THRESHOLD: tuple[str, ...] = ("sensitivity", "specificity", "balanced_accuracy", "f1", "accuracy")
#: Every CV measure, in display order, key -> display name.
CV_MEASURES: dict[str, str] = {
    **{key: METRIC_NAMES.get(key, key) for key in THRESHOLD_FREE if key != "brier"},
    "brier": "Brier score",
    **{key: METRIC_NAMES[key] for key in AT_THRESHOLD},
}
#: Said under fold measures read at a default threshold picked on the same out-of-fold scores.
FLATTERS = (
    "The default threshold was picked on these same out-of-fold scores, so the fold measures at it are "
    "somewhat flattering; the hold-out test set below is the honest check."
)
#: Multi-class models call the most probable class: no threshold (said where a value would stand).
MOST_PROBABLE = "most probable class"


@dataclass(frozen=True)
class CvAtThreshold:
    """Cross-validation measures of one model at one threshold.

    threshold: the cut-off the threshold-dependent measures were counted at (None: multi-class, the
        most probable class is called).
    origin: how the threshold was chosen, in words (e.g. the default's "Youden on cross-validated ...").
    folds: one dict per fold: "fold", "n_valid" and every key of :data:`CV_MEASURES`.
    summary: key of :data:`CV_MEASURES` -> mean and sample sd over the folds.
    picked_on_these: True when the threshold was picked on these same out-of-fold scores (the default).
    """

    threshold: float | None
    origin: str
    folds: tuple[dict[str, float], ...]
    summary: dict[str, MetricSummary]
    picked_on_these: bool = False

    @property
    def note(self) -> str:
        """:data:`FLATTERS` when the threshold was picked on these scores, else ""."""
        return FLATTERS if self.picked_on_these else ""


def model_threshold(result: TrainResult, committed: ChosenThreshold | None = None) -> ChosenThreshold | None:
    """The threshold ``result`` is judged at: ``committed`` (the person's choice) else the documented
    default (Youden on out-of-fold training scores). None for a multi-class model."""
    if not result.is_binary:
        return None
    return committed if committed is not None else default_for_result(result)


def _fold_measures(y: np.ndarray, scores: np.ndarray, threshold: float) -> dict[str, float]:
    table = binary_table(y, scores, threshold)
    out = {key: float(table[key]) for key in ("roc_auc", "pr_auc", *AT_THRESHOLD)}
    out["brier"] = float(brier_score_loss(y, np.clip(scores, 0.0, 1.0))) if len(y) else float("nan")
    return out


def cv_at_threshold(result: TrainResult, chosen: ChosenThreshold | None) -> CvAtThreshold:
    """Every CV measure of ``result`` per fold and over folds, the threshold-dependent ones at ``chosen``.

    Two-class models are counted from the out-of-fold scores (recalibrated ones when the model was
    recalibrated: the scale the threshold lives on). Multi-class models keep the stored fold measures
    (most probable class; no Brier score).
    """
    if not result.is_binary or chosen is None:
        folds = tuple(
            {"fold": f.fold, "n_valid": f.n_valid, **{k: f.metric(k) for k in CV_MEASURES if k != "brier"}}
            for f in result.folds
        )
        summary = {k: result.cv_summary[k] for k in CV_MEASURES if k in result.cv_summary}
        return CvAtThreshold(None, MOST_PROBABLE, folds, summary)
    y = np.asarray(result.y_train).astype(int)
    scores = np.asarray(result.oof_scores, dtype=float)
    fold_of = getattr(result, "oof_fold", None)
    if fold_of is None:  # a result without fold numbers: the pooled out-of-fold scores as one "fold"
        fold_of = np.ones(len(y), dtype=np.int64)
    rows = []
    for k in np.unique(fold_of):
        inside = fold_of == k
        rows.append(
            {
                "fold": int(k),
                "n_valid": int(inside.sum()),
                **_fold_measures(y[inside], scores[inside], chosen.value),
            }
        )
    summary = {key: MetricSummary(*mean_sd([row[key] for row in rows])) for key in CV_MEASURES}
    return CvAtThreshold(float(chosen.value), chosen.origin, tuple(rows), summary, bool(chosen.is_default))


def threshold_words(chosen: ChosenThreshold | None, fmt: Any = None) -> str:
    """ "threshold 0.0512 (default: Youden on ...)" — the value with where it came from; multi-class:
    "the most probable class". ``fmt`` formats the value (default 4 decimals, as the sidebar)."""
    if chosen is None:
        return f"the {MOST_PROBABLE}"
    value = fmt(chosen.value) if fmt is not None else f"{chosen.value:.4f}"
    return f"threshold {value} ({chosen.origin})"
