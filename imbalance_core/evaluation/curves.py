"""ROC, precision-recall, calibration and decision curves (TRIPOD: discrimination, calibration, usefulness).

- ROC and PR curves come from cumulative counts at each distinct score and are *decimated* for drawing to
  at most ~2,000 points by arc length, keeping both exact ends; the chosen operating point is drawn from
  the stop table, exactly, never read off a decimated curve.
- Calibration uses ``sklearn.calibration.calibration_curve`` plus the Brier score, and says so when the
  probabilities are distorted (typically by resampling or class weights, which move the training
  prevalence): the mean predicted risk is then far from the observed share of positives.
- The decision curve gives net benefit against threshold probability ``pt``:
  ``NB(pt) = sens·p − (1 − spec)·(1 − p)·pt / (1 − pt)`` (``p`` prevalence; with the sample's own
  prevalence this is ``TP/n − FP/n · pt/(1 − pt)``), with the treat-all and treat-none references.

Functions take arrays and return frozen results; nothing here fits a model.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from sklearn.calibration import calibration_curve as _sk_calibration_curve
from sklearn.metrics import brier_score_loss, confusion_matrix_at_thresholds

from imbalance_core.errors import DataError
from imbalance_core.evaluation.formatting import share_text

#: Most points a curve keeps for drawing.
MAX_DRAW_POINTS = 2000


@dataclass(frozen=True)
class RocCurve:
    """ROC points from "nobody flagged" (0, 0) to "everybody flagged" (1, 1)."""

    fpr: np.ndarray
    tpr: np.ndarray


@dataclass(frozen=True)
class PrCurve:
    """Precision-recall points by increasing recall, starting at (recall 0, precision 1) as scikit-learn."""

    recall: np.ndarray
    precision: np.ndarray


def _binary(y_true: Any, scores: Any) -> tuple[np.ndarray, np.ndarray]:
    y = np.asarray(y_true).ravel()
    s = np.asarray(scores, dtype=float).ravel()
    if y.shape != s.shape or y.size == 0:
        raise DataError("The labels and the scores must describe the same, non-empty set of patients.")
    if not np.all(np.isfinite(s)):
        raise DataError("Some scores are missing or infinite; every patient needs a score.")
    y = y.astype(bool) if y.dtype == bool or np.all(np.isin(y, (0, 1))) else None
    if y is None:
        raise DataError("The labels must be coded 1 for the positive class and 0 for the others.")
    if y.all() or not y.any():
        raise DataError("Curves need at least one patient with and one without the condition.")
    return y, s


def _counts_ge(y: np.ndarray, s: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(fp_ge, tp_ge) at each distinct score ascending, with a trailing 0 (threshold above every score)."""
    _tn, fps, _fn, tps, _thr = confusion_matrix_at_thresholds(y, s, pos_label=True)
    return np.r_[fps[::-1], 0.0], np.r_[tps[::-1], 0.0]


def roc_from_curve(fp_ge: np.ndarray, tp_ge: np.ndarray) -> RocCurve:
    """Full ROC from counts at ascending thresholds (``fp_ge[0]``/``tp_ge[0]`` are the class sizes)."""
    fp = np.asarray(fp_ge, dtype=float)[::-1]
    tp = np.asarray(tp_ge, dtype=float)[::-1]
    return RocCurve(fp / fp[-1], tp / tp[-1])


def pr_from_curve(fp_ge: np.ndarray, tp_ge: np.ndarray) -> PrCurve:
    """Full PR curve from counts at ascending thresholds (one point per distinct score, plus (0, 1))."""
    fp = np.asarray(fp_ge, dtype=float)[:-1][::-1]
    tp = np.asarray(tp_ge, dtype=float)[:-1][::-1]
    return PrCurve(np.r_[0.0, tp / tp[-1]], np.r_[1.0, tp / (tp + fp)])


def roc(y_true: Any, scores: Any) -> RocCurve:
    """Full ROC curve (every distinct score) of binary labels and scores."""
    return roc_from_curve(*_counts_ge(*_binary(y_true, scores)))


def pr(y_true: Any, scores: Any) -> PrCurve:
    """Full precision-recall curve (every distinct score) of binary labels and scores."""
    return pr_from_curve(*_counts_ge(*_binary(y_true, scores)))


def decimate_indices(x: np.ndarray, y: np.ndarray, max_points: int = MAX_DRAW_POINTS) -> np.ndarray:
    """Indices of at most ``max_points`` points spread evenly by arc length, always the first and last.

    Every dropped point lies within ``L / (max_points - 1)`` of a kept one (``L`` the curve's length), so
    the drawn line stays that close to the full curve.
    """
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    n = x.size
    if n <= max_points:
        return np.arange(n)
    arc = np.r_[0.0, np.cumsum(np.hypot(np.diff(x), np.diff(y)))]
    targets = np.linspace(0.0, arc[-1], max_points)
    idx = np.searchsorted(arc, targets, side="left")
    idx = np.clip(idx, 0, n - 1)
    return np.unique(np.r_[0, idx, n - 1])


def decimate_roc(curve: RocCurve, max_points: int = MAX_DRAW_POINTS) -> RocCurve:
    """ROC curve thinned for drawing (ends kept exactly)."""
    i = decimate_indices(curve.fpr, curve.tpr, max_points)
    return RocCurve(curve.fpr[i], curve.tpr[i])


def decimate_pr(curve: PrCurve, max_points: int = MAX_DRAW_POINTS) -> PrCurve:
    """PR curve thinned for drawing (ends kept exactly)."""
    i = decimate_indices(curve.recall, curve.precision, max_points)
    return PrCurve(curve.recall[i], curve.precision[i])


# ---------------------------------------------------------------------------------------------------------
# Calibration
# ---------------------------------------------------------------------------------------------------------

#: Mean predicted risk this many times above (or below) the observed share counts as distorted ...
DISTORTION_RATIO = 1.5
#: ... provided the two also differ by at least this much in absolute terms.
DISTORTION_MIN_GAP = 0.02


@dataclass(frozen=True)
class Calibration:
    """Calibration curve (mean predicted vs observed share per bin), Brier score and a distortion note."""

    prob_pred: np.ndarray
    prob_true: np.ndarray
    bin_counts: np.ndarray
    brier: float
    mean_predicted: float
    observed: float
    distorted: bool
    message: str


def calibration(y_true: Any, probabilities: Any, n_bins: int = 10, strategy: str = "uniform") -> Calibration:
    """Calibration curve + Brier score; flags probabilities whose average is far from the observed share."""
    y, p = _binary(y_true, probabilities)
    if p.min() < 0 or p.max() > 1:
        raise DataError("Calibration needs probabilities between 0 and 1; this model gives other scores.")
    prob_true, prob_pred = _sk_calibration_curve(y, p, n_bins=n_bins, strategy=strategy)
    # Same bins as scikit-learn's calibration_curve, to report how many patients each point rests on.
    if strategy == "quantile":
        edges = np.percentile(p, np.linspace(0, 1, n_bins + 1) * 100)
    else:
        edges = np.linspace(0.0, 1.0, n_bins + 1)
    counts = np.bincount(np.searchsorted(edges[1:-1], p), minlength=n_bins)
    counts = counts[counts > 0]
    mean_pred, observed = float(p.mean()), float(y.mean())
    ratio = mean_pred / observed
    distorted = abs(mean_pred - observed) >= DISTORTION_MIN_GAP and (
        ratio >= DISTORTION_RATIO or ratio <= 1 / DISTORTION_RATIO
    )
    if distorted:
        direction = "above" if mean_pred > observed else "below"
        message = (
            f"The average predicted risk ({share_text(mean_pred)}) is far {direction} the observed share "
            f"of positives ({share_text(observed)}): resampling or class weights have distorted the "
            "probabilities. "
            "Read the scores as a ranking, not as risks, unless the model is recalibrated."
        )
    else:
        message = (
            f"The average predicted risk ({share_text(mean_pred)}) is close to the observed share of "
            f"positives ({share_text(observed)})."
        )
    return Calibration(
        prob_pred, prob_true, counts, float(brier_score_loss(y, p)), mean_pred, observed, distorted, message
    )


# ---------------------------------------------------------------------------------------------------------
# Decision curve
# ---------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DecisionCurve:
    """Net benefit of the model, of treating everybody and of treating nobody, per threshold probability."""

    thresholds: np.ndarray
    net_benefit: np.ndarray
    treat_all: np.ndarray
    treat_none: np.ndarray
    prevalence: float


def default_decision_thresholds() -> np.ndarray:
    """Threshold probabilities 0.01, 0.02, ..., 0.99."""
    return np.round(np.arange(1, 100) / 100, 2)


def decision_curve(
    y_true: Any, probabilities: Any, thresholds: Any = None, prevalence: float | None = None
) -> DecisionCurve:
    """Net benefit vs threshold probability (``score >= pt`` treated), with treat-all and treat-none.

    ``prevalence`` re-weights to the prevalence the model will meet (default: the sample's own).
    """
    y, p = _binary(y_true, probabilities)
    pt = default_decision_thresholds() if thresholds is None else np.asarray(thresholds, dtype=float)
    if np.any(pt <= 0) or np.any(pt >= 1):
        raise DataError("Threshold probabilities for the decision curve must lie strictly between 0 and 1.")
    if prevalence is not None and not 0 < prevalence < 1:
        raise DataError("The prevalence must be a share strictly between 0 and 1, for example 0.05 for 5 %.")
    prev = float(y.mean()) if prevalence is None else float(prevalence)
    pos = np.sort(p[y])
    neg = np.sort(p[~y])
    sens = (pos.size - np.searchsorted(pos, pt, side="left")) / pos.size
    fpr = (neg.size - np.searchsorted(neg, pt, side="left")) / neg.size
    odds = pt / (1 - pt)
    return DecisionCurve(
        thresholds=pt,
        net_benefit=sens * prev - fpr * (1 - prev) * odds,
        treat_all=prev - (1 - prev) * odds,
        treat_none=np.zeros_like(pt),
        prevalence=prev,
    )
