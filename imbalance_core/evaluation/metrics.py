"""Small metric helpers shared by training (per-fold CV metrics) and the CLI (hold-out table).

All computation is delegated to scikit-learn. A row is called positive when its score is at or above
the threshold (``score >= t``), the same convention as :mod:`imbalance_core.evaluation.thresholds`.
Threshold pickers, intervals and curves live in ``thresholds.py`` / ``curves.py``, not here.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from sklearn.metrics import (
    accuracy_score,
    average_precision_score,
    balanced_accuracy_score,
    confusion_matrix,
    f1_score,
    recall_score,
    roc_auc_score,
)
from sklearn.preprocessing import label_binarize

#: Metric keys of every CV fold, in display order.
FOLD_METRICS: tuple[str, ...] = (
    "roc_auc",
    "pr_auc",
    "balanced_accuracy",
    "sensitivity",
    "specificity",
    "f1",
    "accuracy",
)
#: Display name of each fold metric (Train page's CV table, Compare leaderboard).
METRIC_NAMES: dict[str, str] = {
    "roc_auc": "ROC AUC",
    "pr_auc": "PR AUC",
    "balanced_accuracy": "Balanced accuracy",
    "sensitivity": "Sensitivity",
    "specificity": "Specificity",
    "f1": "F1",
    "accuracy": "Accuracy",
}


def _ratio(num: float, den: float) -> float:
    return float(num / den) if den else float("nan")


def _safe(fn, *args, **kwargs) -> float:
    """A ranking metric, or NaN when it is undefined (e.g. only one class present)."""
    try:
        return float(fn(*args, **kwargs))
    except ValueError:
        return float("nan")


def binary_table(y_true: np.ndarray, score: np.ndarray, threshold: float = 0.5) -> dict[str, float | int]:
    """The 2x2 table and the usual diagnostic measures at ``threshold`` (positive when score >= t)."""
    y_true = np.asarray(y_true).astype(int)
    score = np.asarray(score, dtype=float)
    pred = (score >= threshold).astype(int)
    tn, fp, fn, tp = (int(v) for v in confusion_matrix(y_true, pred, labels=[0, 1]).ravel())
    sens = _ratio(tp, tp + fn)
    spec = _ratio(tn, tn + fp)
    return {
        "n": len(y_true),
        "n_positive": int(y_true.sum()),
        "threshold": float(threshold),
        "tp": tp,
        "fp": fp,
        "tn": tn,
        "fn": fn,
        "sensitivity": sens,
        "specificity": spec,
        "ppv": _ratio(tp, tp + fp),
        "npv": _ratio(tn, tn + fn),
        "f1": _ratio(2 * tp, 2 * tp + fp + fn),
        "balanced_accuracy": (sens + spec) / 2,
        "accuracy": _ratio(tp + tn, len(y_true)),
        "roc_auc": _safe(roc_auc_score, y_true, score),
        "pr_auc": _safe(average_precision_score, y_true, score),
    }


def binary_fold_metrics(y_true: np.ndarray, score: np.ndarray) -> dict[str, float]:
    """CV metrics of one validation fold of a two-class task (threshold 0.5)."""
    table = binary_table(y_true, score, 0.5)
    return {key: float(table[key]) for key in FOLD_METRICS}


def multiclass_fold_metrics(
    y_true: np.ndarray, proba: np.ndarray
) -> tuple[dict[str, float], tuple[float, ...]]:
    """Macro metrics of a k-class fold (predicted class = most probable) and per-class accuracy.

    sensitivity = macro recall; specificity = mean over classes of TN / (TN + FP) one-vs-rest;
    per-class accuracy = P(predicted c | true c).
    """
    k = proba.shape[1]
    labels = list(range(k))
    y_true = np.asarray(y_true).astype(int)
    pred = np.argmax(proba, axis=1)
    cm = confusion_matrix(y_true, pred, labels=labels)
    fp = cm.sum(axis=0) - np.diag(cm)
    tn = cm.sum() - cm.sum(axis=1) - fp
    specificity = float(np.mean([_ratio(tn[c], tn[c] + fp[c]) for c in labels]))
    recalls = recall_score(y_true, pred, labels=labels, average=None, zero_division=0)
    per_class = tuple(float(v) for v in recalls)
    onehot = label_binarize(y_true, classes=labels)
    metrics = {
        "roc_auc": _safe(roc_auc_score, y_true, proba, multi_class="ovr", average="macro", labels=labels),
        "pr_auc": _safe(average_precision_score, onehot, proba, average="macro"),
        "balanced_accuracy": float(balanced_accuracy_score(y_true, pred)),
        "sensitivity": float(recall_score(y_true, pred, labels=labels, average="macro", zero_division=0)),
        "specificity": specificity,
        "f1": float(f1_score(y_true, pred, labels=labels, average="macro", zero_division=0)),
        "accuracy": float(accuracy_score(y_true, pred)),
    }
    return metrics, per_class


def mean_sd(values: Sequence[float]) -> tuple[float, float]:
    """Mean and sample standard deviation (ddof=1; 0 for a single value), ignoring NaN."""
    arr = np.asarray(values, dtype=float)
    arr = arr[~np.isnan(arr)]
    if not len(arr):
        return float("nan"), float("nan")
    return float(arr.mean()), float(arr.std(ddof=1)) if len(arr) > 1 else 0.0
