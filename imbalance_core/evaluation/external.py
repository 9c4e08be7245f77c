"""External validation: the saved model's figures on a new labelled file, next to its development figures.

Every number comes from the outcomes ``y`` (1 = positive) and the model's risks on the new file:

* discrimination: ROC AUC with DeLong's 95 % interval, PR AUC (average precision) with a stratified
  bootstrap (:mod:`imbalance_core.evaluation.intervals`);
* calibration: intercept (in the large), slope and E:O with their intervals and the smoothed curve
  (:func:`imbalance_core.evaluation.calibration.calibration_metrics`);
* at the model's saved threshold: the 2x2 table and sensitivity, specificity, PPV and NPV with Wilson
  intervals;
* threshold transport: the threshold on the new file that keeps the development sensitivity, and what
  the saved threshold delivers there.

:func:`development_record` computes the same figures on the development hold-out when a model is saved,
as a flat dict of numbers the model file carries; :func:`side_by_side` lines them up with the new file's
and gives the differences.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from imbalance_core.errors import DataError
from imbalance_core.evaluation.calibration import CalibrationMetrics, Estimate, calibration_metrics
from imbalance_core.evaluation.formatting import percent, share_text
from imbalance_core.evaluation.intervals import bootstrap_average_precision, delong_roc_auc, wilson

#: Bootstrap resamples for PR AUC and the bootstrapped calibration measures.
N_BOOT = 200


@dataclass(frozen=True)
class Table2x2:
    """Counts at one threshold (score >= threshold is called positive)."""

    tp: int
    fp: int
    tn: int
    fn: int

    def rate(self, key: str) -> Estimate:
        """Sensitivity, specificity, PPV or NPV with a Wilson 95 % interval (NaN when undefined)."""
        num, den = {
            "sensitivity": (self.tp, self.tp + self.fn),
            "specificity": (self.tn, self.tn + self.fp),
            "ppv": (self.tp, self.tp + self.fp),
            "npv": (self.tn, self.tn + self.fn),
        }[key]
        if den == 0:
            nan = float("nan")
            return Estimate(nan, nan, nan, "Wilson")
        lo, hi = wilson(np.array(num), np.array(den))
        return Estimate(num / den, float(lo), float(hi), "Wilson")


def table_at(y: np.ndarray, scores: np.ndarray, threshold: float) -> Table2x2:
    """The 2x2 table of ``scores >= threshold`` against ``y``."""
    y = np.asarray(y, dtype=bool)
    called = np.asarray(scores, dtype=float) >= threshold
    return Table2x2(int(np.sum(called & y)), int(np.sum(called & ~y)), int(np.sum(~called & ~y)),
                    int(np.sum(~called & y)))  # fmt: skip


@dataclass(frozen=True)
class Transport:
    """The saved threshold on the new file, and the threshold that would keep the development sensitivity.

    kept_threshold: the largest threshold whose sensitivity on the new file is at least the development
    sensitivity (NaN without a development sensitivity); kept_table: the 2x2 there.
    """

    threshold: float
    dev_sensitivity: float
    saved_table: Table2x2
    kept_threshold: float
    kept_table: Table2x2 | None

    def summary(self) -> str:
        """One or two sentences for a person."""
        sens = self.saved_table.rate("sensitivity").value
        spec = self.saved_table.rate("specificity").value
        text = (
            f"At the saved threshold {self.threshold:.4g} the model now finds {share_text(sens)} of the "
            f"positive patients (specificity {share_text(spec)})"
        )
        if not np.isfinite(self.dev_sensitivity) or self.kept_table is None:
            return text + "."
        text += f"; in development it found {percent(self.dev_sensitivity)}."
        kept_spec = self.kept_table.rate("specificity").value
        return (
            text
            + f" Keeping that sensitivity on these patients needs the threshold {self.kept_threshold:.4g} "
            f"(specificity there {share_text(kept_spec)})."
        )


def threshold_transport(
    y: np.ndarray, scores: np.ndarray, threshold: float, dev_sensitivity: float
) -> Transport:
    """:class:`Transport` for ``threshold`` and the development sensitivity (NaN: not known)."""
    y = np.asarray(y, dtype=bool)
    s = np.asarray(scores, dtype=float)
    saved = table_at(y, s, threshold)
    if not np.isfinite(dev_sensitivity) or not y.any():
        return Transport(float(threshold), float(dev_sensitivity), saved, float("nan"), None)
    pos = np.sort(s[y])[::-1]
    # calling the k highest-scored positives positive: sensitivity k / n_pos; smallest k reaching the target
    k = int(np.ceil(dev_sensitivity * pos.size - 1e-9))
    k = min(max(k, 1), pos.size)
    kept = float(pos[k - 1])
    return Transport(float(threshold), float(dev_sensitivity), saved, kept, table_at(y, s, kept))


@dataclass(frozen=True, eq=False)
class ValidationFigures:
    """The model's figures on one labelled set of patients."""

    n: int
    events: int
    auc: Estimate
    pr_auc: Estimate
    calibration: CalibrationMetrics
    threshold: float
    table: Table2x2

    @property
    def prevalence(self) -> float:
        return self.events / self.n

    def as_record(self) -> dict[str, float]:
        """Flat dict of numbers (what a model file carries as its development figures)."""
        out: dict[str, float] = {"n": float(self.n), "events": float(self.events),
                                 "prevalence": self.prevalence, "threshold": float(self.threshold),
                                 "tp": float(self.table.tp), "fp": float(self.table.fp),
                                 "tn": float(self.table.tn), "fn": float(self.table.fn)}  # fmt: skip
        for key, est in self.estimates().items():
            out[key], out[f"{key}_lo"], out[f"{key}_hi"] = est.value, est.low, est.high
        return out

    def estimates(self) -> dict[str, Estimate]:
        """Figure key -> estimate, in display order (:data:`FIGURE_NAMES`)."""
        cal = self.calibration
        return {
            "auc": self.auc,
            "pr_auc": self.pr_auc,
            "intercept": cal.intercept,
            "slope": cal.slope,
            "e_to_o": cal.e_to_o,
            "brier": cal.brier,
            "sensitivity": self.table.rate("sensitivity"),
            "specificity": self.table.rate("specificity"),
            "ppv": self.table.rate("ppv"),
            "npv": self.table.rate("npv"),
        }


#: Figure key -> display name.
FIGURE_NAMES: dict[str, str] = {
    "auc": "ROC AUC",
    "pr_auc": "PR AUC (average precision)",
    "intercept": "Calibration intercept",
    "slope": "Calibration slope",
    "e_to_o": "E:O ratio",
    "brier": "Brier score",
    "sensitivity": "Sensitivity",
    "specificity": "Specificity",
    "ppv": "PPV (in this file)",
    "npv": "NPV (in this file)",
}


def check_outcomes(y: Any, scores: Any) -> tuple[np.ndarray, np.ndarray]:
    """0/1 outcomes and risks of the same length with both classes present, or a DataError."""
    y = np.asarray(y, dtype=float).ravel()
    s = np.asarray(scores, dtype=float).ravel()
    if y.shape != s.shape or y.size == 0:
        raise DataError("Validation needs one risk per patient with a known outcome.")
    if not np.isin(y, (0.0, 1.0)).all():
        raise DataError("The outcomes must be coded 1 for the positive class and 0 for the others.")
    if y.min() == y.max():
        which = "positive" if y.max() == 0 else "negative"
        raise DataError(
            f"The file has no {which} patients, so the model cannot be validated on it; "
            "check the outcome column and the positive class."
        )
    return y, s


def validation_figures(
    y: Any, scores: Any, threshold: float, n_boot: int = N_BOOT, seed: int = 0
) -> ValidationFigures:
    """Discrimination, calibration and the 2x2 at ``threshold`` of ``scores`` against ``y``."""
    y, s = check_outcomes(y, scores)
    return ValidationFigures(
        n=int(y.size),
        events=int(y.sum()),
        auc=_estimate(delong_roc_auc(y, s)),
        pr_auc=_estimate(bootstrap_average_precision(y, s, n_boot=n_boot, seed=seed)),
        calibration=calibration_metrics(y, s, n_boot=max(20, n_boot), seed=seed),
        threshold=float(threshold),
        table=table_at(y, s, threshold),
    )


def _estimate(interval: Any) -> Estimate:
    return Estimate(float(interval.value), float(interval.lo), float(interval.hi), str(interval.method))


def development_record(
    y_test: Any, test_scores: Any, threshold: float, y_train: Any, source: str = "", n_boot: int = 50
) -> dict[str, Any]:
    """The development figures a model file carries: the hold-out's :meth:`ValidationFigures.as_record`,
    the training part's prevalence (the prior the risks are calibrated to) and where they come from.

    Empty when the hold-out cannot be judged (one class only), so saving a model never fails on it.
    """
    y_train = np.asarray(y_train, dtype=float)
    out: dict[str, Any] = {"train_prevalence": float(y_train.mean()) if y_train.size else float("nan")}
    try:
        record = validation_figures(y_test, test_scores, threshold, n_boot=n_boot).as_record()
    except DataError:
        return out
    out.update(record)
    out["source"] = source or "the development hold-out"
    return {k: (v if isinstance(v, str) else float(v)) for k, v in out.items()}


@dataclass(frozen=True)
class SideBySide:
    """One figure in development and on the new file, and the difference (new - development)."""

    key: str
    name: str
    development: Estimate | None
    external: Estimate
    difference: float


def dev_estimate(record: dict[str, Any], key: str) -> Estimate | None:
    """The development figure ``key`` from a model file's record, or None when it is not there."""
    if key not in record:
        return None
    get = lambda k: float("nan") if record.get(k) is None else float(record[k])  # noqa: E731
    return Estimate(get(key), get(f"{key}_lo"), get(f"{key}_hi"), "development")


def side_by_side(record: dict[str, Any], figures: ValidationFigures) -> tuple[SideBySide, ...]:
    """Each figure of :data:`FIGURE_NAMES` in development (None when not recorded) and on the new file."""
    rows = []
    for key, est in figures.estimates().items():
        dev = dev_estimate(record, key)
        diff = est.value - dev.value if dev is not None else float("nan")
        rows.append(SideBySide(key, FIGURE_NAMES[key], dev, est, float(diff)))
    return tuple(rows)
