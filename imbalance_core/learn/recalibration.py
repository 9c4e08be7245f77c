"""Recalibration: turn a resampled or weighted model's scores back into risks, fitted on training data only.

Resampling and class weights change the class odds the classifier learns from, so its scores
over-state the risk of the minority class. Three corrections (``TrainSettings.recalibrate``):

* ``prior`` — the analytic odds correction (King & Zeng 2001 "prior correction"): subtract
  ``log(odds the model was fitted on / odds in the training data)`` from the logit of every score, where
  the fitted-on odds are ``(w₁·n₁) / (w₀·n₀)`` after resampling (``n``) and class weights (``w``).
  *Exact* (in large samples) for a correctly specified logistic regression under random over- or
  under-sampling or class weights: only the intercept moves, by that log odds ratio; in a finite sample
  the other coefficients wobble a little too. An *approximation* for SMOTE and
  its relatives (synthetic rows are not draws from the class), for cleaning samplers (Tomek, ENN: the
  removed rows are not random) and for classifiers that are not logistic (trees, boosting, kNN, SVM):
  their scores do not move by one constant on the logit. Nothing is fitted, so nothing can leak.
* ``platt`` — logistic recalibration: ``logit(q) = a + b·logit(p)``, fitted by maximum likelihood on the
  **out-of-fold** training scores (each training row scored by a model that did not see it), with the
  one damped fitter (:func:`imbalance_core.evaluation.calibration.fit_logistic`). When those scores
  separate the classes completely the maximum-likelihood slope is infinite; Firth's penalised fit is used
  instead and the calibrator's ``note`` says so, so training never aborts. Scores of exactly 0 or 1 are
  set to ``1/(2n)`` (``n`` the out-of-fold rows; ``calibration.boundary_clip``)
  before the logit, at fitting and at prediction, and the note says how many were.
* ``isotonic`` — a monotone step function (scikit-learn ``IsotonicRegression``, clipped to [0, 1])
  fitted on the out-of-fold training scores; it can create ties, so AUC may move slightly.

The hold-out is never used to fit a calibrator. The calibrator is fitted once on all out-of-fold
training scores and applied to the hold-out scores; the out-of-fold scores shown after recalibration are
*cross-fitted* (fold k's scores go through a calibrator fitted on the other folds' scores), so thresholds
picked on them are not optimistic. The saved model carries the calibrator (:class:`RecalibratedModel`),
so Predict returns recalibrated risks. Multi-class models are not recalibrated (a notice says so).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.isotonic import IsotonicRegression

from imbalance_core.errors import DataError
from imbalance_core.evaluation.calibration import (
    EPS,
    boundary_clip,
    boundary_text,
    expit,
    fit_logistic,
    logit,
)


class Calibrator:
    """A fitted monotone map from a raw score to a risk; plain numbers only (safe to save with skops).

    kind: "prior" | "platt" | "isotonic". prior: ``expit(logit(p) − shift)``. platt:
    ``expit(a + b·logit(p))`` with ``p`` clipped to ``[clip, 1 − clip]``. isotonic: linear interpolation
    through (``x``, ``y``), clipped at the ends (exactly what ``IsotonicRegression(out_of_bounds="clip")
    .predict`` does). ``note``: how the fit was made when that needs saying (penalised, clipped scores).
    """

    def __init__(
        self,
        kind: str,
        shift: float = 0.0,
        a: float = 0.0,
        b: float = 1.0,
        x: np.ndarray | None = None,
        y: np.ndarray | None = None,
        clip: float = EPS,
        note: str = "",
    ) -> None:
        self.kind = str(kind)
        self.clip = float(clip)
        self.note = str(note)
        self.shift = float(shift)
        self.a = float(a)
        self.b = float(b)
        self.x = np.zeros(0) if x is None else np.asarray(x, dtype=float)
        self.y = np.zeros(0) if y is None else np.asarray(y, dtype=float)

    def transform(self, p: Any) -> np.ndarray:
        """Recalibrated risks for raw positive-class scores ``p``."""
        p = np.asarray(p, dtype=float)
        if self.kind == "prior":
            return expit(logit(p) - self.shift)
        if self.kind == "platt":
            return expit(self.a + self.b * logit(p, getattr(self, "clip", EPS)))  # older files: EPS
        if self.kind == "isotonic":
            return np.interp(p, self.x, self.y)
        raise DataError("The model file holds an unknown kind of calibrator.")

    def describe(self) -> str:
        """One sentence: what this calibrator does, with its numbers."""
        if self.kind == "prior":
            ratio = np.exp(self.shift)
            return f"logit shifted by {-self.shift:+.3f} (odds ratio {ratio:.3g} undone)"
        if self.kind == "platt":
            note = getattr(self, "note", "")
            return f"logit(risk) = {self.a:.3f} + {self.b:.3f} × logit(score)" + (f"; {note}" if note else "")
        return f"a monotone step function with {len(self.x)} steps"


@dataclass(frozen=True)
class RecalibrationSpec:
    """One recalibration method: display name, help text, and its fitter.

    fit(oof_scores, y_train, odds_shift) -> Calibrator; ``odds_shift`` is the prior correction's log odds
    ratio (used only by "prior"); the fitter sees out-of-fold training scores only.
    """

    name: str
    help: str
    fit: Callable[[np.ndarray, np.ndarray, float], Calibrator] | None


def _fit_prior(scores: np.ndarray, y: np.ndarray, shift: float) -> Calibrator:
    return Calibrator("prior", shift=shift)


def _fit_platt(scores: np.ndarray, y: np.ndarray, shift: float) -> Calibrator:
    clip = boundary_clip(scores)
    lp = logit(scores, clip)
    fit = fit_logistic(np.asarray(y, dtype=float), np.column_stack([np.ones(len(lp)), lp]))
    notes = [f"{fit.method} because {fit.reason}"] if fit.reason else []
    if boundary_text(scores, clip):
        notes.append(boundary_text(scores, clip).split(";")[0])
    return Calibrator("platt", a=fit.coef[0], b=fit.coef[1], clip=clip, note="; ".join(notes))


def _fit_isotonic(scores: np.ndarray, y: np.ndarray, shift: float) -> Calibrator:
    iso = IsotonicRegression(y_min=0.0, y_max=1.0, out_of_bounds="clip").fit(scores, y)
    return Calibrator("isotonic", x=iso.X_thresholds_, y=iso.y_thresholds_)


#: Recalibration methods by key (``--recalibrate``, ``TrainSettings.recalibrate``).
RECALIBRATORS: dict[str, RecalibrationSpec] = {
    "none": RecalibrationSpec("None", "Use the classifier's scores as they are.", None),
    "prior": RecalibrationSpec(
        "Prior (odds) correction",
        "Undo the change of class odds made by resampling or class weights, analytically. Exact for "
        "logistic regression with random over/under-sampling or weights; approximate otherwise.",
        _fit_prior,
    ),
    "platt": RecalibrationSpec(
        "Platt (logistic)",
        "Fit risk = expit(a + b·logit(score)) on the out-of-fold training scores.",
        _fit_platt,
    ),
    "isotonic": RecalibrationSpec(
        "Isotonic",
        "Fit a monotone step function on the out-of-fold training scores (needs a few hundred patients).",
        _fit_isotonic,
    ),
}


def get_recalibrator(key: str) -> RecalibrationSpec:
    """The spec for ``key`` or a DataError listing the valid keys."""
    try:
        return RECALIBRATORS[key]
    except KeyError:
        raise DataError(f"Unknown recalibration; choose one of: {', '.join(RECALIBRATORS)}.") from None


def odds_shift(train_counts: Sequence[int], fitted_counts: Sequence[int], weights: Any = None) -> float:
    """log((w₁·n₁ / w₀·n₀) fitted on) − log(n₁ / n₀ in the training data): the prior correction's shift."""
    n0, n1 = (float(c) for c in train_counts)
    m0, m1 = (float(c) for c in fitted_counts)
    w0, w1 = (1.0, 1.0) if not weights else (float(weights.get(0, 1.0)), float(weights.get(1, 1.0)))
    if min(n0, n1, m0, m1) <= 0:
        raise DataError("The prior correction needs patients of both classes before and after resampling.")
    return float(np.log((w1 * m1) / (w0 * m0)) - np.log(n1 / n0))


class RecalibratedModel(ClassifierMixin, BaseEstimator):
    """A fitted binary model whose positive-class probability goes through a :class:`Calibrator`.

    Used for the saved model so Predict returns recalibrated risks. ``steps`` / ``named_steps`` are the
    inner pipeline's (pages read its encoders).
    """

    def __init__(self, estimator: Any = None, calibrator: Calibrator | None = None) -> None:
        self.estimator = estimator
        self.calibrator = calibrator

    @property
    def classes_(self) -> np.ndarray:
        return np.asarray(self.estimator.classes_)

    @property
    def steps(self) -> list:
        return list(getattr(self.estimator, "steps", []))

    @property
    def named_steps(self) -> Any:
        return getattr(self.estimator, "named_steps", {})

    def fit(self, X: Any, y: Any = None) -> RecalibratedModel:
        """Already fitted; present for scikit-learn's interface."""
        return self

    def predict_proba(self, X: Any) -> np.ndarray:
        """Two columns (negative, positive) from the recalibrated positive-class risk."""
        proba = np.asarray(self.estimator.predict_proba(X), dtype=float)
        q = self.calibrator.transform(proba[:, -1])
        return np.column_stack([1 - q, q])

    def predict(self, X: Any) -> np.ndarray:
        """The more probable class after recalibration."""
        return (self.predict_proba(X)[:, 1] >= 0.5).astype(np.int64)

    def __sklearn_is_fitted__(self) -> bool:
        return True


def wrap(model: Any, calibrator: Calibrator | None) -> Any:
    """``model`` itself without a calibrator, else a :class:`RecalibratedModel` around it."""
    return model if calibrator is None else RecalibratedModel(model, calibrator)


# --------------------------------------------------------------------------- applied to a training result


def _shift_of(result: Any) -> float:
    names = result.class_names
    train = [result.train_counts[n] for n in names]
    after = [result.resampled_counts[n] for n in names]
    weights = getattr(result.pipeline.named_steps.get("classifier"), "weights_", None)
    return odds_shift(train, after, weights)


def fit_calibrator(key: str, oof_scores: np.ndarray, y_train: np.ndarray, shift: float = 0.0) -> Calibrator:
    """Fit method ``key`` on out-of-fold training scores (never hold-out scores)."""
    spec = get_recalibrator(key)
    if spec.fit is None:
        raise DataError("Choose a recalibration method other than 'none' to fit a calibrator.")
    if len(np.unique(y_train)) < 2:
        raise DataError("Recalibration needs patients of both classes in the training part.")
    return spec.fit(np.asarray(oof_scores, dtype=float), np.asarray(y_train, dtype=float), shift)


def cross_fitted(key: str, oof: np.ndarray, y: np.ndarray, fold_of: np.ndarray, shift: float) -> np.ndarray:
    """Out-of-fold scores recalibrated fold by fold, each by a calibrator fitted on the other folds."""
    out = np.empty_like(oof, dtype=float)
    for k in np.unique(fold_of):
        inside = fold_of == k
        out[inside] = fit_calibrator(key, oof[~inside], y[~inside], shift).transform(oof[inside])
    return out


def apply_recalibration(result: Any, folds: Sequence[tuple[np.ndarray, np.ndarray]]) -> Any:
    """The TrainResult with recalibrated test and out-of-fold scores, raw ones kept, calibrator attached.

    ``folds`` are the CV (fit rows, validation rows) positions into data.X. The calibrator is fitted on
    the out-of-fold scores of the training part only. Returns ``result`` unchanged for "none".
    """
    key = getattr(result.settings, "recalibrate", "none")
    if get_recalibrator(key).fit is None:
        return result
    if not result.is_binary:
        note = (
            "Recalibration applies to two-class models only; scores are shown as the classifier gives them."
        )
        return replace(result, notices=(*result.notices, note))
    shift = _shift_of(result) if key == "prior" else 0.0
    calibrator = fit_calibrator(key, result.oof_scores, result.y_train, shift)
    position = {int(row): i for i, row in enumerate(result.train_index)}
    fold_of = np.empty(len(result.train_index), dtype=np.int64)
    for k, (_fit_rows, valid_rows) in enumerate(folds):
        fold_of[[position[int(r)] for r in valid_rows]] = k
    oof = cross_fitted(key, result.oof_scores, result.y_train, fold_of, shift)
    result.pipeline.recalibrator_ = calibrator  # read by model_io.build_saved_model
    return replace(
        result,
        test_scores=calibrator.transform(result.test_scores),
        oof_scores=oof,
        raw_test_scores=result.test_scores,
        raw_oof_scores=result.oof_scores,
        calibrator=calibrator,
        notices=(
            *result.notices,
            f"Scores recalibrated ({RECALIBRATORS[key].name}: {calibrator.describe()}), "
            "fitted on out-of-fold training scores.",
        ),
    )


def raw_scores(result: Any) -> tuple[np.ndarray, np.ndarray]:
    """(hold-out, out-of-fold) scores as the classifier gave them, before any recalibration."""
    raw_test = getattr(result, "raw_test_scores", None)
    raw_oof = getattr(result, "raw_oof_scores", None)
    return (
        result.test_scores if raw_test is None else raw_test,
        result.oof_scores if raw_oof is None else raw_oof,
    )


@dataclass(frozen=True)
class PriorNote:
    """Whether the prior correction is exact for a sampler/classifier pair, in a sentence."""

    exact: bool
    text: str


#: Samplers after which the prior correction is exact for logistic regression (random row sampling).
EXACT_PRIOR_SAMPLERS = frozenset({"none", "random_over", "random_under"})


def prior_note(sampler: str, classifier: str) -> PriorNote:
    """Where the analytic prior correction is exact and where it only approximates."""
    if classifier == "logreg" and sampler in EXACT_PRIOR_SAMPLERS:
        return PriorNote(True, "The prior correction is exact here: logistic regression with random "
                               "sampling or class weights only moves the intercept.")  # fmt: skip
    return PriorNote(False, "The prior correction is an approximation here: synthetic or selected rows, or a "
                            "non-logistic classifier, do not shift scores by one constant; prefer Platt or "
                            "isotonic recalibration on out-of-fold scores.")  # fmt: skip
