"""Did resampling help? The trained model against the same classifier without resampling or weights.

van den Goorbergh et al. (JAMIA 2022) found that random under/over-sampling and SMOTE did not improve
ROC AUC and badly miscalibrated risks, and that moving the threshold on an uncorrected model reached the
same sensitivity. This module asks that question of the person's own data:

* the **baseline** is the same classifier and parameters with ``sampler="none"``, ``weighting="none"``
  and no recalibration, on the same seed, so the same hold-out split and the same CV folds
  (:func:`baseline_settings`); it is fitted once and cached by the caller (pages: ``st.cache_resource``);
* discrimination: ROC AUC and PR AUC (average precision) of both on the hold-out, with a **paired,
  stratified bootstrap** of the difference (the same resampled patients score both models);
* operating point: a threshold picked the same way (default: sensitivity ≥ 0.90) on *each* model's own
  out-of-fold training scores, then sensitivity and specificity on the hold-out, differences paired;
* risks: calibration intercept, slope, E:O, ICI and Brier of both
(:mod:`imbalance_core.evaluation.calibration`);
* a plain sentence (:func:`verdict`) that follows from the intervals, in whichever direction they point:
  every difference whose 95 % interval excludes 0 is named (for or against resampling); the risks are
  called distorted only when the E:O or slope interval excludes 1; a rule that flags (nearly) everyone
  or no one on the hold-out (:data:`VOID_SHARE`) is void for the sensitivity comparison, which then rests
  on ROC AUC and PR AUC, and the sentence says so.

Nothing here retrains on threshold moves: the inputs are two finished TrainResults.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import numpy as np
from sklearn.metrics import average_precision_score, roc_auc_score

from imbalance_core.errors import DataError
from imbalance_core.evaluation.calibration import (
    CalibrationMetrics,
    Estimate,
    calibration_metrics,
    estimate_text,
)
from imbalance_core.evaluation.formatting import share_text
from imbalance_core.evaluation.thresholds import pick_sensitivity

#: Default target sensitivity of the threshold picked on each model's out-of-fold scores.
TARGET_SENSITIVITY = 0.90
#: Default bootstrap resamples for the paired differences.
N_BOOT = 1000
#: A rule flagging at least this share of the hold-out (or at most 1 − it) is void for the comparison.
VOID_SHARE = 0.99


def baseline_settings(settings: Any) -> Any:
    """Same classifier, parameters, folds, split and seed; no resampling, weights or recalibration."""
    return replace(settings, sampler="none", weighting="none", custom_weights=(), recalibrate="none")


def is_baseline(settings: Any) -> bool:
    """True when ``settings`` already is its own baseline (nothing to compare)."""
    return baseline_settings(settings) == settings


@dataclass(frozen=True)
class ModelSide:
    """One side of the comparison on the hold-out."""

    label: str
    roc_auc: float
    pr_auc: float
    threshold: float
    sensitivity: float
    specificity: float
    calibration: CalibrationMetrics
    flagged_share: float = float("nan")

    def void_rule(self) -> bool:
        """True when the rule flags (nearly) everyone or no one on the hold-out: no operating point."""
        f = self.flagged_share
        return bool(np.isfinite(f) and (f >= VOID_SHARE or f <= 1 - VOID_SHARE))


@dataclass(frozen=True)
class ResamplingEffect:
    """The trained model against its baseline; ``*_diff`` are model − baseline with paired 95 % intervals."""

    model: ModelSide
    baseline: ModelSide
    auc_diff: Estimate
    pr_auc_diff: Estimate
    sensitivity_diff: Estimate
    specificity_diff: Estimate
    target_sensitivity: float
    n_boot: int
    seed: int
    sentence: str

    def as_dict(self) -> dict[str, Any]:
        """JSON-friendly summary (used by ``evaluate --json`` and the report)."""

        def side(s: ModelSide) -> dict[str, Any]:
            return {
                "label": s.label,
                "roc_auc": s.roc_auc,
                "pr_auc": s.pr_auc,
                "threshold": s.threshold,
                "sensitivity": s.sensitivity,
                "specificity": s.specificity,
                "flagged_share": s.flagged_share,
                "void_rule": s.void_rule(),
                "calibration": s.calibration.as_dict(),
            }

        return {
            "model": side(self.model),
            "baseline": side(self.baseline),
            "auc_diff": self.auc_diff.as_dict(),
            "pr_auc_diff": self.pr_auc_diff.as_dict(),
            "sensitivity_diff": self.sensitivity_diff.as_dict(),
            "specificity_diff": self.specificity_diff.as_dict(),
            "target_sensitivity": self.target_sensitivity,
            "n_boot": self.n_boot,
            "seed": self.seed,
            "sentence": self.sentence,
        }


def _sens_spec(y: np.ndarray, s: np.ndarray, t: float) -> np.ndarray:
    flag = s >= t
    return np.array([flag[y == 1].mean(), 1 - flag[y == 0].mean()])


def _stats(y: np.ndarray, a: np.ndarray, b: np.ndarray, ta: float, tb: float) -> np.ndarray:
    """Model − baseline: ROC AUC, PR AUC, sensitivity, specificity."""
    auc = roc_auc_score(y, a) - roc_auc_score(y, b)
    ap = average_precision_score(y, a) - average_precision_score(y, b)
    return np.concatenate([[auc, ap], _sens_spec(y, a, ta) - _sens_spec(y, b, tb)])


class _Sorted:
    """One model's hold-out scores sorted once (descending), with the tie groups, for weighted resamples."""

    def __init__(self, y: np.ndarray, s: np.ndarray) -> None:
        self.order = np.argsort(-s, kind="mergesort")
        s_sorted = s[self.order]
        self.y = y[self.order].astype(bool)
        self.last = np.r_[np.flatnonzero(np.diff(s_sorted)), s_sorted.size - 1]

    def auc_ap(self, w: np.ndarray) -> tuple[float, float]:
        """ROC AUC and average precision with each row counted ``w`` times (rows in original order)."""
        ws = w[self.order]
        tps = np.cumsum(np.where(self.y, ws, 0.0))[self.last]
        fps = np.cumsum(np.where(self.y, 0.0, ws))[self.last]
        p_tot, n_tot = tps[-1], fps[-1]
        d_tp, d_fp = np.diff(tps, prepend=0.0), np.diff(fps, prepend=0.0)
        # a positive beats every negative in a lower group, and ties count one half
        auc = float(np.sum(d_tp * (n_tot - fps + 0.5 * d_fp)) / (p_tot * n_tot))
        with np.errstate(divide="ignore", invalid="ignore"):  # groups not drawn: no weight, left out
            precision = tps / (tps + fps)
        ap = float(np.sum(np.where(d_tp > 0, d_tp / p_tot * precision, 0.0)))
        return auc, ap


def paired_bootstrap(
    y: np.ndarray, a: np.ndarray, b: np.ndarray, ta: float, tb: float, n_boot: int, seed: int
) -> list[Estimate]:
    """Differences (model − baseline) with stratified paired-bootstrap percentile 95 % intervals.

    Each resample draws the positives, then the negatives, with replacement to their own numbers (seeded);
    the scores are sorted once and a resample only changes how often each row counts, so the result
    equals scoring ``y[idx]`` with scikit-learn in a loop (tested) at a fraction of the cost.
    """
    y = np.asarray(y).astype(int)
    point = _stats(y, a, b, ta, tb)
    rng = np.random.default_rng(seed)
    pos, neg = np.flatnonzero(y == 1), np.flatnonzero(y == 0)
    sa, sb = _Sorted(y, a), _Sorted(y, b)
    flag_a, flag_b, is_pos = a >= ta, b >= tb, y == 1
    draws = np.empty((n_boot, 4))
    for i in range(n_boot):
        idx = np.concatenate([rng.choice(pos, len(pos)), rng.choice(neg, len(neg))])
        w = np.bincount(idx, minlength=y.size).astype(float)
        auc_a, ap_a = sa.auc_ap(w)
        auc_b, ap_b = sb.auc_ap(w)
        wp, wn = w[is_pos].sum(), w[~is_pos].sum()
        sens = (w[is_pos & flag_a].sum() - w[is_pos & flag_b].sum()) / wp
        spec = (w[~is_pos & flag_b].sum() - w[~is_pos & flag_a].sum()) / wn
        draws[i] = (auc_a - auc_b, ap_a - ap_b, sens, spec)
    low, high = np.quantile(draws, [0.025, 0.975], axis=0)
    how = f"paired stratified bootstrap, {n_boot} resamples, seed {seed}"
    return [Estimate(float(v), float(lo), float(hi), how) for v, lo, hi in zip(point, low, high, strict=True)]


def _side(label: str, result: Any, target: float, n_boot: int, seed: int) -> ModelSide:
    y, s = np.asarray(result.y_test), np.asarray(result.test_scores, dtype=float)
    t = pick_sensitivity(result.y_train, result.oof_scores, target).threshold
    sens, spec = _sens_spec(y, s, t)
    return ModelSide(
        label=label,
        roc_auc=float(roc_auc_score(y, s)),
        pr_auc=float(average_precision_score(y, s)),
        threshold=float(t),
        sensitivity=float(sens),
        specificity=float(spec),
        calibration=calibration_metrics(y, s, n_boot=n_boot, seed=seed),
        flagged_share=float(np.mean(s >= t)),
    )


def describe_settings(settings: Any) -> str:
    """'SMOTE + balanced weights' style label of what the model changed (used in sentences)."""
    from imbalance_core.learn.samplers import get_sampler

    parts = [] if settings.sampler == "none" else [get_sampler(settings.sampler).name]
    if settings.weighting != "none":
        parts.append(f"{settings.weighting} class weights")
    if getattr(settings, "recalibrate", "none") != "none":
        parts.append(f"{settings.recalibrate} recalibration")
    return " + ".join(parts) or "no resampling"


def compare_to_baseline(
    result: Any,
    baseline: Any,
    target_sensitivity: float = TARGET_SENSITIVITY,
    n_boot: int = N_BOOT,
    seed: int = 0,
) -> ResamplingEffect:
    """Compare a trained binary model with its baseline fit on the same hold-out rows.

    Raises DataError when the two were not trained on the same split (different hold-out rows).
    """
    if not result.is_binary:
        raise DataError("'Did resampling help?' compares two-class models only.")
    if not np.array_equal(result.test_index, baseline.test_index):
        raise DataError("The baseline was trained on a different split; train both with the same seed.")
    model = _side(describe_settings(result.settings), result, target_sensitivity, n_boot, seed)
    base = _side("same classifier without resampling or weights", baseline, target_sensitivity, n_boot, seed)
    y = np.asarray(result.y_test)
    diffs = paired_bootstrap(
        y,
        np.asarray(result.test_scores, dtype=float),
        np.asarray(baseline.test_scores, dtype=float),
        model.threshold,
        base.threshold,
        n_boot,
        seed,
    )
    effect = ResamplingEffect(model, base, *diffs, target_sensitivity, n_boot, seed, sentence="")
    return replace(effect, sentence=verdict(effect))


# --------------------------------------------------------------------------- the sentence


def _ci(e: Estimate, digits: int = 3) -> str:
    return f"{e.value:+.{digits}f}, 95 % CI {e.low:+.{digits}f} to {e.high:+.{digits}f}"


def _direction(e: Estimate) -> int:
    """+1 when the interval lies above 0, −1 below, 0 when it contains 0."""
    return 1 if e.low > 0 else -1 if e.high < 0 else 0


def _named(label: str, e: Estimate) -> str:
    """'ROC AUC higher (+0.021, 95 % CI +0.004 to +0.038)'."""
    return f"{label} {'higher' if e.value > 0 else 'lower'} ({_ci(e)})"


def _discrimination(effect: ResamplingEffect) -> str:
    what = effect.model.label
    pairs = (("ROC AUC", effect.auc_diff), ("PR AUC", effect.pr_auc_diff))
    found = [_named(name, e) for name, e in pairs if _direction(e) != 0]
    if not found:
        return (
            f"{what} did not change discrimination measurably (ROC AUC difference {_ci(effect.auc_diff)}; "
            f"PR AUC difference {_ci(effect.pr_auc_diff)})."
        )
    return f"With {what}, discrimination differs beyond chance: {'; '.join(found)}."


def _risks(effect: ResamplingEffect) -> str:
    m_cal, b_cal = effect.model.calibration, effect.baseline.calibration
    eo, slope = m_cal.e_to_o, m_cal.slope
    numbers = f"E:O {estimate_text(eo, 2)}; slope {estimate_text(slope, 2)}"
    covers = (eo.covers(1.0), slope.covers(1.0))
    if False in covers:
        base = f"the model without resampling has E:O {estimate_text(b_cal.e_to_o, 2)}"
        return f"It distorted the risks ({numbers}); {base}."
    if None in covers:
        return f"Its risks are not shown to be distorted, but not every check could be made ({numbers})."
    return f"Its risks are calibrated within the 95 % intervals ({numbers})."


def _operating(effect: ResamplingEffect) -> str:
    target = f"sensitivity ≥ {effect.target_sensitivity:g} picked on each model's out-of-fold scores"
    void = [s for s in (effect.baseline, effect.model) if s.void_rule()]
    if void:
        who = " and ".join(
            f"{'the model without resampling' if s is effect.baseline else 'the resampled model'} "
            f"(threshold {s.threshold:.3g}, flags {share_text(s.flagged_share)} of the hold-out, specificity "
            f"{s.specificity:.3f})"
            for s in void
        )
        return (
            f"With a threshold for {target}, the rule of {who} flags nearly everyone or no one, so it is "
            "void for the sensitivity comparison; the comparison rests on ROC AUC and PR AUC above."
        )
    sens, spec = effect.sensitivity_diff, effect.specificity_diff
    m, b = effect.model, effect.baseline
    pairs = (
        f"sensitivity {m.sensitivity:.3f} vs {b.sensitivity:.3f}, "
        f"specificity {m.specificity:.3f} vs {b.specificity:.3f}"
    )
    found = [
        _named(name, e) for name, e in (("sensitivity", sens), ("specificity", spec)) if _direction(e) != 0
    ]
    if not found:
        return (
            f"With a threshold for {target}, moving the threshold on the model without resampling gives "
            f"about the same operating point on the hold-out ({pairs} without; sensitivity difference "
            f"{_ci(sens)}; specificity difference {_ci(spec)})"
            + (" with calibrated risks." if b.calibration.is_calibrated() else ".")
        )
    return (
        f"With a threshold for {target}, the resampled model's hold-out operating point differs beyond "
        f"chance ({pairs} without): {'; '.join(found)}."
    )


def verdict(effect: ResamplingEffect) -> str:
    """A plain sentence that follows from the intervals, whichever way they point (module docstring)."""
    return " ".join([_discrimination(effect), _risks(effect), _operating(effect)])
