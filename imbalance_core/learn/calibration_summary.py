"""Calibration of a trained model as plain data: hold-out and out-of-fold, raw and recalibrated.

One function (:func:`calibration_summary`) feeds the CLI's ``evaluate --json`` (key ``calibration``),
the pages and the report, so all of them show the same numbers. JSON keys are documented in
``docs/CALIBRATION.md``.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from typing import Any

import numpy as np

from imbalance_core.errors import DataError
from imbalance_core.evaluation.calibration import (
    METRIC_NAMES,
    N_BOOT,
    CalibrationMetrics,
    brier_pair,
    calibration_metrics,
    calibration_slope,
    e_to_o,
    estimate_text,
)
from imbalance_core.learn.recalibration import get_recalibrator, raw_scores

#: Calibration-metric lines for a terminal, in order.
TEXT_KEYS = ("intercept", "slope", "e_to_o", "ici", "e90", "emax", "brier", "scaled_brier")


@dataclass(frozen=True, eq=False)
class CalibrationSummary:
    """Calibration of one TrainResult.

    holdout / oof: metrics of the risks the model delivers (recalibrated when a method was chosen);
    raw_holdout / raw_oof: the classifier's own scores, only when recalibrated (else None).
    method: the recalibration key; calibrator: its description ('' for none).
    """

    method: str
    calibrator: str
    holdout: CalibrationMetrics
    oof: CalibrationMetrics
    raw_holdout: CalibrationMetrics | None
    raw_oof: CalibrationMetrics | None

    def as_dict(self) -> dict[str, Any]:
        """The ``calibration`` block of ``evaluate --json``."""

        def block(m: CalibrationMetrics | None) -> dict[str, Any] | None:
            return None if m is None else m.as_dict()

        return {
            "recalibrate": self.method,
            "calibrator": self.calibrator,
            "holdout": block(self.holdout),
            "oof": block(self.oof),
            "raw_holdout": block(self.raw_holdout),
            "raw_oof": block(self.raw_oof),
        }


def calibration_summary(result: Any, n_boot: int = N_BOOT, seed: int = 0) -> CalibrationSummary:
    """Calibration metrics with 95 % intervals for a binary TrainResult (hold-out and out-of-fold)."""
    method = getattr(result.settings, "recalibrate", "none")
    recalibrated = getattr(result, "calibrator", None) is not None
    raw_test, raw_oof = raw_scores(result)

    def metrics(y: Any, s: Any) -> CalibrationMetrics:
        return calibration_metrics(y, s, n_boot=n_boot, seed=seed)

    return CalibrationSummary(
        method=method if recalibrated else "none",
        calibrator=result.calibrator.describe() if recalibrated else "",
        holdout=metrics(result.y_test, result.test_scores),
        oof=metrics(result.y_train, result.oof_scores),
        raw_holdout=metrics(result.y_test, raw_test) if recalibrated else None,
        raw_oof=metrics(result.y_train, raw_oof) if recalibrated else None,
    )


def format_metrics(m: CalibrationMetrics, title: str) -> list[str]:
    """Terminal lines: one metric with its interval per line."""
    lines = [f"{title} ({m.n} rows, {m.events} events; {m.n_boot} bootstrap resamples, seed {m.seed}):"]
    for key in TEXT_KEYS:
        e = getattr(m, key)
        lines.append(f"  {METRIC_NAMES[key]:<38} {estimate_text(e)}")
        stated = key in ("intercept", "slope") and e.method != "Wald (model-based)"
        if e.estimable and e.has_interval and stated:
            lines.append(f"  {'':<38} ({e.method})")  # a penalised fit or the stated rule for 0 and 1
    return lines


def format_summary(summary: CalibrationSummary) -> str:
    """The calibration part of ``evaluate``'s text output."""
    name = get_recalibrator(summary.method).name
    lines = [f"calibration (recalibration: {name}{'; ' + summary.calibrator if summary.calibrator else ''}):"]
    if summary.raw_holdout is not None:
        lines += format_metrics(summary.raw_holdout, "hold-out, classifier's own scores")
    lines += format_metrics(summary.holdout, "hold-out, risks as delivered")
    return "\n".join(lines)


#: Leaderboard columns (Compare) with the hold-out risks' calibration, point estimates.
LEADERBOARD_COLUMNS = ("Test Brier", "Test calibration slope", "Test E:O")


def leaderboard_columns(result: Any) -> dict[str, float]:
    """Hold-out Brier, calibration slope and E:O of a binary TrainResult (NaN when not computable).

    Point estimates only (no bootstrap), so a grid of many pairs stays fast; intervals are on the
    Train/Threshold pages and in ``evaluate --json``.
    """
    out = dict.fromkeys(LEADERBOARD_COLUMNS, float("nan"))
    if result is None or not result.is_binary:
        return out
    y = np.asarray(result.y_test, dtype=float)
    p = np.clip(np.asarray(result.test_scores, dtype=float), 0.0, 1.0)
    if y.min() == y.max():
        return out
    out["Test Brier"] = float(brier_pair(y, p)[0])
    out["Test E:O"] = float(e_to_o(y, p).value)
    with contextlib.suppress(DataError):  # NaN only when no slope exists (shown as a blank cell)
        out["Test calibration slope"] = float(calibration_slope(y, p).value)
    return out


def risk_honesty(result: Any, holdout: CalibrationMetrics) -> tuple[bool, str]:
    """Whether the delivered hold-out risks may feed a net-benefit calculation, and why, in a sentence.

    Not when the model was trained with resampling or class weights and not recalibrated (the scores are
    not risks), nor when a calibration interval excludes its ideal (slope 1, intercept 0, E:O 1).
    A metric that could not be estimated neither blocks nor passes the curve silently: the sentence
    names it and says the judgement rests on the others.
    """
    s = result.settings
    recalibrated = getattr(result, "calibrator", None) is not None
    changed = s.sampler != "none" or s.weighting != "none"
    numbers = f"E:O {estimate_text(holdout.e_to_o, 2)}, slope {estimate_text(holdout.slope, 2, reason=False)}"
    missing = holdout.unjudged()
    gap = (
        f" {' and '.join(missing)} could not be judged (no interval), so this rests on the others."
        if missing
        else ""
    )
    if changed and not recalibrated:
        return False, (
            "These scores come from a model trained with resampling or class weights and not recalibrated "
            f"({numbers}): they are not risks, so a decision curve drawn from them would mislead. Choose a "
            "recalibration (prior, Platt or isotonic) to draw it."
        )
    if not holdout.is_calibrated():
        return False, (
            f"The hold-out risks are miscalibrated ({numbers}; intercept "
            f"{estimate_text(holdout.intercept, 2, reason=False)}): net benefit drawn from them would "
            "mislead. Choose a recalibration." + gap
        )
    source = (
        "recalibrated risks" if recalibrated else "the risks of a model trained without resampling or weights"
    )
    return True, f"Drawn from {source} ({numbers}: calibrated within the 95 % intervals).{gap}"
