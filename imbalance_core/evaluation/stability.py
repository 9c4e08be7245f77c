"""Prediction stability (Riley & Collins, BMJ 2023;382:e074821): would another sample give each patient
the same risk and the same decision?

Input: the final model's risk for every patient (developed on all of them) and, for the same patients,
the risks from B models each developed on a bootstrap sample of the same size (the bootstrap replicates
of :mod:`imbalance_core.learn.internal_validation`). Pure arithmetic on those two arrays:

* **prediction instability plot**: each patient's B bootstrap risks against the final model's risk, with
  the 2.5th-97.5th percentile of the B risks per patient (drawn as a band);
* **mean absolute prediction error (MAPE)**: per patient ``mean_b |p_b,i - p_i|``; overall its mean over
  patients (Riley & Collins' summary), with the 90th percentile and the maximum;
* **classification instability**: per patient the share of bootstrap models whose decision at the
  threshold (positive when ``risk >= t``) differs from the final model's; overall its mean — the chance
  that a model trained on another sample of the same size classifies a random patient differently —
  and the share of patients who flip under at least one model / under more than 1 in 5 models;
* **calibration instability**: each bootstrap model's smoothed calibration curve on the original patients
  (:func:`imbalance_core.evaluation.calibration.smoothed_observed`, the same lowess as the calibration
  metrics), thinned for drawing; a fan of curves that spreads widely says the calibration itself is
  unstable.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from imbalance_core.errors import DataError
from imbalance_core.evaluation.calibration import smoothed_observed, thin_curve
from imbalance_core.evaluation.formatting import decimal_text, percent, points_text

#: Patients drawn in the instability plot at most (a seeded subset beyond that); curves drawn at most.
PLOT_PATIENTS = 400
PLOT_CURVES = 100
CURVE_POINTS = 60


@dataclass(frozen=True, eq=False)
class Stability:
    """The Riley & Collins stability figures of one model and its B bootstrap siblings.

    mape_per_patient / flip_per_patient: per patient (n,). low / high: 2.5th / 97.5th percentile of each
    patient's B risks. plot_index: the patients drawn in the instability plot (a seeded subset).
    curves: (p grid, observed) per drawn bootstrap model, for the calibration instability plot.
    """

    n: int
    n_models: int
    threshold: float
    mape: float
    mape_p90: float
    mape_max: float
    flip_share: float
    share_any_flip: float
    share_flip_over_fifth: float
    final_risks: np.ndarray = field(repr=False)
    mape_per_patient: np.ndarray = field(repr=False)
    flip_per_patient: np.ndarray = field(repr=False)
    low: np.ndarray = field(repr=False)
    high: np.ndarray = field(repr=False)
    plot_index: np.ndarray = field(repr=False)
    plot_risks: np.ndarray = field(repr=False)  # (B, len(plot_index))
    curves: tuple[tuple[np.ndarray, np.ndarray], ...] = field(repr=False, default=())

    def sentence(self) -> str:
        """The plain summary: '1 in 8 patients would be classified differently by ...'."""
        return flip_sentence(self.flip_share, self.threshold) + " " + mape_sentence(self.mape)

    def as_dict(self) -> dict[str, Any]:
        """JSON-friendly figures (no per-patient arrays)."""
        return {
            "n": self.n,
            "models": self.n_models,
            "threshold": self.threshold,
            "mape": self.mape,
            "mape_p90": self.mape_p90,
            "mape_max": self.mape_max,
            "flip_share": self.flip_share,
            "share_any_flip": self.share_any_flip,
            "share_flip_over_fifth": self.share_flip_over_fifth,
            "sentence": self.sentence(),
        }


def one_in(share: float) -> str:
    """'1 in 8' for 0.125; 'fewer than 1 in 1,000' below 0.001; 'none' for 0."""
    if share <= 0:
        return "none"
    if share < 0.001:
        return "fewer than 1 in 1,000"
    if share >= 0.5:
        return percent(share, 0)
    return f"1 in {round(1 / share):,}"


def flip_sentence(flip_share: float, threshold: float) -> str:
    """Classification instability in words."""
    said = one_in(flip_share)
    if said == "none":
        return (
            f"No patient would be classified differently at the threshold {threshold:.3g} by a model "
            "trained on another sample of the same size (among the bootstrap models)."
        )
    return (
        f"{said[:1].upper() + said[1:]} patients would be classified differently at the threshold "
        f"{threshold:.3g} by a model trained on another sample of the same size."
    )


def mape_sentence(mape: float) -> str:
    """Mean absolute prediction error in words."""
    return (
        f"On average a patient's risk differs by {decimal_text(mape, 3)} ({points_text(mape)}) between the "
        "final model and such a model (mean absolute prediction error)."
    )


def prediction_stability(
    y_true: Any, final_risks: Any, boot_risks: Any, threshold: float, seed: int = 0
) -> Stability:
    """The stability figures of ``final_risks`` (n,) against ``boot_risks`` (B, n) at ``threshold``.

    ``y_true`` (1 = positive) is needed for the calibration instability curves only.
    """
    y = np.asarray(y_true, dtype=float).ravel()
    p = np.asarray(final_risks, dtype=float).ravel()
    boot = np.atleast_2d(np.asarray(boot_risks, dtype=float))
    if boot.shape[1] != len(p) or len(y) != len(p) or len(p) == 0 or boot.shape[0] < 2:
        raise DataError("Stability needs at least two bootstrap models' risks for every patient.")
    if not (np.isfinite(boot).all() and np.isfinite(p).all()):
        raise DataError("Stability needs a finite risk for every patient from every model.")
    gap = np.abs(boot - p)
    mape_i = gap.mean(axis=0)
    flips = (boot >= threshold) != (p >= threshold)
    flip_i = flips.mean(axis=0)
    low, high = np.quantile(boot, [0.025, 0.975], axis=0)
    rng = np.random.default_rng(seed)
    index = np.arange(len(p))
    if len(p) > PLOT_PATIENTS:
        index = np.sort(rng.choice(len(p), PLOT_PATIENTS, replace=False))
    return Stability(
        n=len(p),
        n_models=boot.shape[0],
        threshold=float(threshold),
        mape=float(mape_i.mean()),
        mape_p90=float(np.quantile(mape_i, 0.9)),
        mape_max=float(mape_i.max()),
        flip_share=float(flip_i.mean()),
        share_any_flip=float(np.mean(flip_i > 0)),
        share_flip_over_fifth=float(np.mean(flip_i > 0.2)),
        final_risks=p,
        mape_per_patient=mape_i,
        flip_per_patient=flip_i,
        low=low,
        high=high,
        plot_index=index,
        plot_risks=boot[:, index],
        curves=calibration_curves(y, boot[:PLOT_CURVES]),
    )


def calibration_curves(y: np.ndarray, boot: np.ndarray) -> tuple[tuple[np.ndarray, np.ndarray], ...]:
    """Each model's smoothed calibration curve (p, observed), thinned to :data:`CURVE_POINTS` points."""
    if y.min() == y.max():
        return ()
    out = []
    for risks in boot:
        if risks.max() - risks.min() <= 0:
            continue
        observed = smoothed_observed(y, risks)
        out.append(thin_curve(risks, observed, CURVE_POINTS))
    return tuple(out)
