"""Updating a saved model for a new site, in Steyerberg's order (Clinical Prediction Models, ch. 20).

Only the model's risks are re-mapped; the predictors and their weights stay as developed:

1. ``intercept`` — recalibration in the large: ``logit(q) = a + logit(p)`` (``logit(p)`` an offset). Fixes a
   different baseline risk at the new site; ranking and therefore AUC unchanged.
2. ``logistic`` — logistic recalibration: ``logit(q) = a + b·logit(p)``. Also fixes risks that are too
   extreme (b < 1) or too modest (b > 1); ranking unchanged when ``b > 0``.

Both are fitted by maximum likelihood (:func:`imbalance_core.evaluation.calibration.fit_logistic`).
**Reported by cross-validation within the new file**: each fold's risks are updated by a map fitted on
the other folds, and the figures are computed on those test-fold risks only, so they are not optimistic.
The map saved with the updated model is then fitted on all rows of the new file.

Which to use (Vergouwe et al., Stat Med 2017, closed testing): a likelihood-ratio test of the original
against the logistic-recalibrated model (2 df); when significant, of the intercept-only update against
the logistic one (1 df). The simplest update that is not significantly worse is recommended.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.stats import chi2

from imbalance_core.errors import DataError
from imbalance_core.evaluation.calibration import fit_logistic, logit
from imbalance_core.evaluation.external import ValidationFigures, check_outcomes, validation_figures
from imbalance_core.learn.recalibration import Calibrator

#: Update method key -> display name, in Steyerberg's order.
UPDATES: dict[str, str] = {
    "none": "Original model (no update)",
    "intercept": "Recalibration in the large (intercept)",
    "logistic": "Logistic recalibration (intercept + slope)",
}
FOLDS = 5
ALPHA = 0.05


def fit_update(method: str, y: np.ndarray, risks: np.ndarray) -> Calibrator:
    """The recalibration map of ``method`` fitted on ``risks`` against ``y`` (a ``platt`` Calibrator)."""
    y = np.asarray(y, dtype=float)
    lp = logit(risks)
    if method == "none":
        return Calibrator("platt", a=0.0, b=1.0)
    if method == "intercept":
        fit = fit_logistic(y, np.ones((len(y), 1)), offset=lp)
        return Calibrator("platt", a=float(fit.coef[0]), b=1.0)
    if method == "logistic":
        fit = fit_logistic(y, np.column_stack([np.ones(len(y)), lp]))
        return Calibrator("platt", a=float(fit.coef[0]), b=float(fit.coef[1]))
    raise DataError(f"Unknown update; choose one of: {', '.join(UPDATES)}.")


def _log_lik(y: np.ndarray, q: np.ndarray) -> float:
    q = np.clip(q, 1e-12, 1 - 1e-12)
    return float(np.sum(y * np.log(q) + (1 - y) * np.log1p(-q)))


def fold_ids(y: np.ndarray, folds: int, seed: int) -> np.ndarray:
    """Stratified fold number per row (fewer folds when a class has fewer rows than ``folds``)."""
    from sklearn.model_selection import StratifiedKFold

    k = int(min(folds, np.bincount(y.astype(int), minlength=2).min()))
    if k < 2:
        raise DataError("Updating needs at least two patients of each class in the new file.")
    out = np.empty(y.size, dtype=np.int64)
    cv = StratifiedKFold(n_splits=k, shuffle=True, random_state=seed)
    for i, (_, test) in enumerate(cv.split(np.zeros(y.size), y)):
        out[test] = i
    return out


def cross_validated(method: str, y: np.ndarray, risks: np.ndarray, fold_of: np.ndarray) -> np.ndarray:
    """Test-fold risks: each fold updated by the map fitted on the other folds."""
    out = np.empty(y.size, dtype=float)
    for k in np.unique(fold_of):
        inside = fold_of == k
        out[inside] = fit_update(method, y[~inside], risks[~inside]).transform(risks[inside])
    return out


@dataclass(frozen=True, eq=False)
class UpdateResult:
    """One update method: its map fitted on all rows, and the cross-validated figures of its risks."""

    method: str
    calibrator: Calibrator
    figures: ValidationFigures
    log_lik: float

    @property
    def name(self) -> str:
        return UPDATES[self.method]


@dataclass(frozen=True, eq=False)
class Updating:
    """Every update in Steyerberg's order, the closed-testing recommendation and its reasons."""

    results: tuple[UpdateResult, ...]
    folds: int
    recommended: str
    reason: str
    p_values: dict[str, float]

    def get(self, method: str) -> UpdateResult:
        return next(r for r in self.results if r.method == method)


def _recommend(ll: dict[str, float]) -> tuple[str, str, dict[str, float]]:
    p_overall = float(chi2.sf(max(0.0, 2 * (ll["logistic"] - ll["none"])), 2))
    p_slope = float(chi2.sf(max(0.0, 2 * (ll["logistic"] - ll["intercept"])), 1))
    p_values = {"original vs logistic (2 df)": p_overall, "intercept vs logistic (1 df)": p_slope}
    if p_overall >= ALPHA:
        return "none", (f"the original model is not significantly worse than the recalibrated one "
                        f"(likelihood ratio test p = {p_overall:.3g})"), p_values  # fmt: skip
    if p_slope >= ALPHA:
        return "intercept", (f"updating the intercept is enough: adding a slope does not fit "
                             f"significantly better (p = {p_slope:.3g})"), p_values  # fmt: skip
    return "logistic", (f"the slope needs updating too: logistic recalibration fits significantly "
                        f"better than the intercept alone (p = {p_slope:.3g})"), p_values  # fmt: skip


def closed_test(y: np.ndarray, risks: np.ndarray) -> tuple[str, str, dict[str, float]]:
    """Vergouwe et al.'s closed test on all rows: (recommended method, reason, p-values)."""
    ll = {m: _log_lik(y, fit_update(m, y, risks).transform(risks)) for m in UPDATES}
    return _recommend(ll)


def update_model(y: Any, risks: Any, threshold: float, folds: int = FOLDS, seed: int = 0,
                 n_boot: int = 200) -> Updating:  # fmt: skip
    """Each update fitted on all rows and judged by cross-validation within the file; a recommendation."""
    y, p = check_outcomes(y, risks)
    fold_of = fold_ids(y, folds, seed)
    results, ll = [], {}
    for method in UPDATES:
        calibrator = fit_update(method, y, p)
        ll[method] = _log_lik(y, calibrator.transform(p))
        tested = cross_validated(method, y, p, fold_of)
        figures = validation_figures(y, tested, threshold, n_boot=min(n_boot, 50), seed=seed)
        results.append(UpdateResult(method, calibrator, figures, ll[method]))
    recommended, reason, p_values = _recommend(ll)
    return Updating(tuple(results), int(fold_of.max() + 1), recommended, reason, p_values)
