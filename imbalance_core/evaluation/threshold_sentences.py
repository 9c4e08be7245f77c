"""One plain sentence under every figure and table of the Threshold page, from the current numbers.

Why a module of its own: a clinician reads the sentence, not the axis labels, so each one must say what the
picture shows *at the numbers on screen* ("At 0.046, the model flags 315 of 1,000 patients like these; 38
of them have the disease and 11 with the disease are missed"). Pure functions of numbers and result
objects, no Streamlit, so the page, the report and tests share one wording. A number that cannot be
estimated is never written as ``nan``: the sentence says why instead.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from imbalance_core.evaluation.formatting import all_numbers, is_number, percent


def threshold_text(t: float) -> str:
    """A threshold as the explorer writes it: 4 decimals, or 3 significant digits below 0.01."""
    if not is_number(t):
        return "an undefined threshold"
    if 0 < abs(t) < 1e-4:  # e.g. 5.9e-26 from a score that is 0 in all but name
        return "below 0.0001" if t > 0 else "above -0.0001"
    return f"{t:.4f}" if abs(t) >= 0.01 or t == 0 else f"{t:.3g}"


def _count(v: float) -> str:
    return f"{round(v):,}"


def per_thousand(threshold: float, flagged: float, true_pos: float, missed: float) -> str:
    """Natural frequencies at one threshold: flagged, true positives among them, missed cases per 1,000."""
    at = threshold_text(threshold)
    if not all_numbers(flagged, true_pos, missed):
        return f"At {at}, the numbers per 1,000 patients cannot be worked out: a class has no patients here."
    tp, miss = round(true_pos), round(missed)
    have = "has" if tp == 1 else "have"
    is_are = "is" if miss == 1 else "are"
    return (
        f"At {at}, the model flags {_count(flagged)} of 1,000 patients like these; {tp:,} of them {have} "
        f"the disease and {miss:,} with the disease {is_are} missed."
    )


def roc_sentence(auc: float, lo: float, hi: float) -> str:
    """What the area under the ROC curve means for two patients."""
    if not is_number(auc):
        return (
            "The area under the ROC curve cannot be estimated: the hold-out needs patients with and without "
            "the disease."
        )
    ci = f" (95 % CI {lo:.2f} to {hi:.2f})" if all_numbers(lo, hi) else " (no interval: too few patients)"
    pairs = round(100 * auc)
    return (
        f"Area under the ROC curve {auc:.2f}{ci}: of 100 pairs of one patient with and one without the "
        f"disease, the model scores the one with the disease higher in about {pairs}. The dot is the "
        "current threshold."
    )


def pr_sentence(ap: float, lo: float, hi: float, base_rate: float) -> str:
    """Average precision against the precision of flagging at random (the share with the disease)."""
    if not all_numbers(ap, base_rate):
        return (
            "The precision-recall summary cannot be estimated: the hold-out needs patients with the disease."
        )
    ci = f" (95 % CI {lo:.2f} to {hi:.2f})" if all_numbers(lo, hi) else ""
    return (
        f"Average precision {ap:.2f}{ci}, against {base_rate:.2f} for flagging patients at random (the share "
        "with the disease in the hold-out): the higher the curve, the fewer false alarms for each case found."
    )


def histogram_sentence(threshold: float, n_pos_above: int, n_pos: int, n_neg_above: int, n_neg: int) -> str:
    """How the threshold splits each class's scores (the histogram's line)."""
    at = threshold_text(threshold)
    if n_pos <= 0 or n_neg <= 0:
        return f"At {at}, the split cannot be shown: the hold-out lacks one of the two classes."
    return (
        f"At {at}, {n_pos_above:,} of {n_pos:,} patients with the disease "
        f"({percent(n_pos_above / n_pos)}) and {n_neg_above:,} of {n_neg:,} without "
        f"({percent(n_neg_above / n_neg)}) score at or above the line and are flagged."
    )


def _estimate(est: Any) -> tuple[float, float, float] | None:
    """(value, low, high) of a calibration Estimate, or None when it has no number."""
    value = getattr(est, "value", math.nan)
    return (
        (value, getattr(est, "low", math.nan), getattr(est, "high", math.nan)) if is_number(value) else None
    )


def calibration_sentence(metrics: Any) -> str:
    """Whether the predicted risks can be read as risks, from E:O and the calibration slope.

    ``metrics`` is a :class:`~imbalance_core.evaluation.calibration.CalibrationMetrics`.
    """
    eo, slope = _estimate(metrics.e_to_o), _estimate(metrics.slope)
    parts = []
    if eo is None:
        why = str(getattr(metrics.e_to_o, "method", "")).removeprefix("not estimable: ")
        parts.append(f"expected against observed cases cannot be estimated ({why or 'too few cases'})")
    else:
        v, lo, hi = eo
        if all_numbers(lo, hi) and lo <= 1 <= hi:
            how = "about as many cases as occurred"
        elif v > 1:
            how = f"{v:.2f} times as many cases as occurred (too high)"
        else:
            how = f"{v:.2f} times as many cases as occurred (too low)"
        parts.append(f"in total the risks predict {how}")
    if slope is None:
        parts.append("the spread of the risks cannot be judged (the calibration slope is not estimable)")
    else:
        v, lo, hi = slope
        if all_numbers(lo, hi) and lo <= 1 <= hi:
            parts.append(f"their spread fits (slope {v:.2f}, 1 is ideal)")
        elif v < 1:
            parts.append(f"they are too extreme (slope {v:.2f}: high risks too high, low risks too low)")
        else:
            parts.append(f"they are too timid (slope {v:.2f}: risks bunched towards the average)")
    return (
        f"On the hold-out ({metrics.n:,} patients, {metrics.events:,} with the disease): "
        + "; ".join(parts)
        + ". Points on the diagonal mean a predicted risk of 20 % comes true for 20 of 100 such patients."
    )


def calibration_curve_sentence(mean_predicted: float, observed: float, n: int) -> str:
    """The binned calibration curve (multi-class, one class against the rest): average risk vs share."""
    if not all_numbers(mean_predicted, observed) or n <= 0:
        return "The calibration curve cannot be drawn: the hold-out has no patients of this class."
    return (
        f"The model's scores average {percent(mean_predicted)} while {percent(observed)} of the {n:,} "
        "hold-out patients have this class; points on the diagonal mean the scores can be read as risks."
    )


def calibration_table_sentence(rows: Sequence[tuple[str, Any]]) -> str:
    """Which of the risk sets in the table is best calibrated by ICI (smaller is better)."""
    scored = [(name, m.ici.value) for name, m in rows if is_number(getattr(m.ici, "value", math.nan))]
    if not scored:
        return "No risk set has an estimable ICI (mean distance from the diagonal) on these data."
    if len(scored) == 1:
        name, ici = scored[0]
        return (
            f"The {name} risks are on average {ici:.3f} away from what happened (ICI; 0 is perfect). "
            "Hover a column name for what it means."
        )
    best = min(scored, key=lambda r: r[1])
    return (
        f"Closest to what happened: the {best[0]} risks (ICI {best[1]:.3f}; 0 is perfect). Hover a column "
        "name for what it means."
    )


def decision_curve_sentence(curve: Any, threshold: float) -> str:
    """Net benefit at the threshold probability nearest the current threshold, against treat all/none.

    ``curve`` is a :class:`~imbalance_core.evaluation.curves.DecisionCurve`.
    """
    pts = np.asarray(curve.thresholds, dtype=float)
    if pts.size == 0 or not is_number(threshold):
        return "The decision curve has no threshold probabilities to read."
    i = int(np.argmin(np.abs(pts - threshold)))
    nb, all_ = float(curve.net_benefit[i]), float(curve.treat_all[i])
    if not all_numbers(nb, all_):
        return "Net benefit cannot be worked out at this threshold: the hold-out lacks one of the classes."
    better = "more" if nb > max(all_, 0.0) else "no more"
    everybody = (
        f"{round(1000 * all_):,} for treating everybody"
        if all_ >= 0
        else f"harm for treating everybody (net benefit {all_:.3f})"
    )
    return (
        f"At a threshold probability of {pts[i]:.2f}, acting on the model is worth {round(1000 * nb):,} "
        f"patients with the disease treated per 1,000 without any needless treatment (net benefit "
        f"{nb:.3f}), against {everybody} and 0 for treating nobody: {better} benefit than either."
    )


def _spread_text(low: float, high: float) -> str:
    """The resampled picks' sensitivities: a range, or one value when both ends round alike ("0.84 to
    0.84" read as a typo)."""
    if f"{low:.2f}" == f"{high:.2f}":
        return f"; the resampled picks all deliver a sensitivity of {low:.2f} (not a confidence interval)"
    return (
        f"; the resampled picks deliver sensitivities of {low:.2f} to {high:.2f} (not a confidence interval)"
    )


def uncertainty_sentence(entry: Mapping[str, Any] | None, n_boot: int, seed: int) -> str:
    """How far the committed suggestion's threshold moves between resampled training sets, in words.

    ``entry`` is one pick of ``ThresholdUncertainty.to_json()["picks"]``, or None (chosen by hand).
    """
    if entry is None:
        return "Chosen by hand: no picking procedure to resample, so no threshold interval."
    sens = entry.get("holdout", {}).get("sensitivity", {})
    lo_t, hi_t = entry.get("threshold_lo"), entry.get("threshold_hi")
    value, w_lo, w_hi = sens.get("value"), sens.get("wilson_lo"), sens.get("wilson_hi")
    s_lo, s_hi = sens.get("lo"), sens.get("hi")
    label = entry.get("label", "This suggestion")
    head = (
        f"{label}: sensitivity at this rule {value:.2f}"
        + (f" (Wilson 95 % CI {w_lo:.2f} to {w_hi:.2f})" if all_numbers(w_lo, w_hi) else "")
        if is_number(value)
        else f"{label}: sensitivity at this rule cannot be estimated (no patients with the disease)"
    )
    spread = _spread_text(s_lo, s_hi) if all_numbers(s_lo, s_hi) else ""
    band = (
        f"; its threshold's 95 % interval is {threshold_text(lo_t)} to {threshold_text(hi_t)}"
        if all_numbers(lo_t, hi_t)
        else "; its threshold's interval cannot be estimated (too few resampled picks)"
    )
    return f"{head}{spread}{band} ({n_boot} resamples, seed {seed})."


def uncertainty_table_sentence(picks: Mapping[str, Mapping[str, Any]]) -> str:
    """Which suggestion's threshold is most and least stable over resampled training sets."""
    widths = {
        e.get("label", k): e["threshold_hi"] - e["threshold_lo"]
        for k, e in picks.items()
        if all_numbers(e.get("threshold_lo"), e.get("threshold_hi"))
    }
    if not widths:
        return "No suggestion's threshold interval could be estimated on these data."
    steady = min(widths, key=widths.__getitem__)
    shaky = max(widths, key=widths.__getitem__)
    if steady == shaky:
        return f"{steady}: its threshold moves by {widths[steady]:.3g} between resampled training sets."
    return (
        f"Steadiest suggestion: {steady} (its threshold moves by {widths[steady]:.3g} between resampled "
        f"training sets); least steady: {shaky} ({widths[shaky]:.3g})."
    )


def per_class_sentence(names: Sequence[str], accuracies: Sequence[float], counts: Sequence[int]) -> str:
    """The best and worst recognised class of a multi-class model (share predicted as itself)."""
    rows = [(str(n), a, int(c)) for n, a, c in zip(names, accuracies, counts, strict=True)]
    known = [(n, float(a), c) for n, a, c in rows if c > 0 and is_number(a)]
    missing = [n for n, a, c in rows if c <= 0 or not is_number(a)]
    if not known:
        return "No class has patients in the hold-out, so no per-class accuracy can be given."
    best = max(known, key=lambda r: r[1])
    worst = min(known, key=lambda r: r[1])
    text = (
        f"The model recognises {best[0]} best ({percent(best[1])} of {best[2]:,} predicted as "
        f"{best[0]}) and {worst[0]} worst ({percent(worst[1])} of {worst[2]:,})."
    )
    if missing:
        text += f" No hold-out patients of {', '.join(missing)}: their accuracy cannot be estimated."
    return text


__all__ = [
    "calibration_curve_sentence",
    "calibration_sentence",
    "calibration_table_sentence",
    "decision_curve_sentence",
    "histogram_sentence",
    "per_class_sentence",
    "per_thousand",
    "pr_sentence",
    "roc_sentence",
    "threshold_text",
    "uncertainty_sentence",
    "uncertainty_table_sentence",
]
