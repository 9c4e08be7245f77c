"""Measures judged by internal validation, and Harrell's optimism arithmetic (pure; nothing is fitted here).

Every measure is computed from outcomes ``y`` (1 = positive), risks ``p`` and the model's own threshold:

* ROC AUC and PR AUC (average precision), scikit-learn;
* Brier score, ``mean((p - y)²)``;
* calibration intercept (calibration-in-the-large, ``logit(p)`` as offset) and calibration slope, from
  :mod:`imbalance_core.evaluation.calibration`'s public functions (NaN when not estimable, e.g. scores of
  exactly 0 and 1 on the rows a forest was fitted on);
* sensitivity and specificity at the threshold (positive when ``p >= threshold``).

Optimism (Harrell, *Regression Modeling Strategies*, 2nd ed., §5.3.5; Steyerberg, *Clinical Prediction
Models*, 2nd ed., ch. 17): for each bootstrap sample ``b`` the whole procedure is developed on the sample,
then judged on the sample itself (``apparent_b``) and on the original data (``test_b``);
``optimism = mean_b(apparent_b - test_b)`` and ``corrected = apparent on all data - optimism``.
Replicates where a measure is not estimable (NaN in either) are left out of that measure's mean, and the
number used is reported.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from sklearn.metrics import average_precision_score, roc_auc_score

from imbalance_core.errors import DataError
from imbalance_core.evaluation.calibration import calibration_intercept, calibration_slope

#: Measure key -> display name, in display order.
MEASURE_NAMES: dict[str, str] = {
    "roc_auc": "ROC AUC",
    "pr_auc": "PR AUC",
    "brier": "Brier score",
    "cal_intercept": "Calibration intercept",
    "cal_slope": "Calibration slope",
    "sensitivity": "Sensitivity at the threshold",
    "specificity": "Specificity at the threshold",
}
MEASURES = tuple(MEASURE_NAMES)
#: Ideal value of each measure (None: higher is better, no fixed ideal).
IDEAL: dict[str, float | None] = {"cal_intercept": 0.0, "cal_slope": 1.0, "brier": 0.0}


def _or_nan(fn: Any, y: np.ndarray, p: np.ndarray) -> float:
    try:
        value = float(fn(y, p).value)
    except (DataError, np.linalg.LinAlgError, FloatingPointError):
        return float("nan")
    return value if np.isfinite(value) else float("nan")


def performance(y_true: Any, risks: Any, threshold: float) -> np.ndarray:
    """The :data:`MEASURES` of ``risks`` against ``y_true`` (1 = positive), in that order.

    Raises DataError unless both classes are present (every measure needs them).
    """
    y = np.asarray(y_true, dtype=float).ravel()
    p = np.asarray(risks, dtype=float).ravel()
    if y.shape != p.shape or y.size == 0:
        raise DataError("Internal validation needs one risk per patient with a known outcome.")
    if y.min() == y.max():
        raise DataError("Internal validation needs patients of both classes in every sample it judges.")
    positive = p >= threshold
    events = y == 1
    return np.array(
        [
            roc_auc_score(y, p),
            average_precision_score(y, p),
            float(np.mean((p - y) ** 2)),
            _or_nan(calibration_intercept, y, p),
            _or_nan(calibration_slope, y, p),
            float(np.mean(positive[events])),
            float(np.mean(~positive[~events])),
        ]
    )


@dataclass(frozen=True)
class MeasureOptimism:
    """One measure: apparent (all data), optimism, corrected, and the optimism's spread over replicates.

    optimism_sd: standard deviation of ``apparent_b - test_b`` over the replicates used; used: their number.
    For repeated cross-validation ``corrected`` is the mean over the held-out folds and ``optimism`` is
    apparent minus that.
    """

    key: str
    name: str
    apparent: float
    optimism: float
    corrected: float
    optimism_sd: float
    used: int

    def as_dict(self) -> dict[str, Any]:
        """JSON-friendly (NaN becomes None)."""
        out: dict[str, Any] = {}
        for key, value in self.__dict__.items():
            out[key] = None if isinstance(value, float) and not np.isfinite(value) else value
        return out


def harrell_optimism(apparent_all: Any, apparent_b: Any, test_b: Any) -> tuple[MeasureOptimism, ...]:
    """Optimism-corrected measures from the all-data apparent values and per-replicate (B, m) arrays.

    ``apparent_b[b]``: replicate b's model on its own bootstrap sample; ``test_b[b]``: on the original data.
    """
    full = np.asarray(apparent_all, dtype=float)
    app = np.asarray(apparent_b, dtype=float).reshape(-1, len(MEASURES))
    test = np.asarray(test_b, dtype=float).reshape(-1, len(MEASURES))
    rows = []
    for j, key in enumerate(MEASURES):
        diff = app[:, j] - test[:, j]
        diff = diff[np.isfinite(diff)]
        opt = float(diff.mean()) if diff.size else float("nan")
        sd = float(diff.std(ddof=1)) if diff.size > 1 else float("nan")
        rows.append(MeasureOptimism(key, MEASURE_NAMES[key], float(full[j]), opt, float(full[j]) - opt, sd,
                                    int(diff.size)))  # fmt: skip
    return tuple(rows)


def cross_validated(apparent_all: Any, apparent_f: Any, test_f: Any) -> tuple[MeasureOptimism, ...]:
    """Measures from (repeated) cross-validation or a hold-out: corrected = mean over held-out folds.

    ``apparent_f`` (each fold's model on its own training rows) gives the spread column only.
    """
    full = np.asarray(apparent_all, dtype=float)
    app = np.asarray(apparent_f, dtype=float).reshape(-1, len(MEASURES))
    test = np.asarray(test_f, dtype=float).reshape(-1, len(MEASURES))
    rows = []
    for j, key in enumerate(MEASURES):
        held = test[:, j][np.isfinite(test[:, j])]
        corrected = float(held.mean()) if held.size else float("nan")
        diff = app[:, j] - test[:, j]
        diff = diff[np.isfinite(diff)]
        sd = float(diff.std(ddof=1)) if diff.size > 1 else float("nan")
        rows.append(MeasureOptimism(key, MEASURE_NAMES[key], float(full[j]), float(full[j]) - corrected,
                                    corrected, sd, int(held.size)))  # fmt: skip
    return tuple(rows)
