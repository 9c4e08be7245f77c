"""Likelihood ratios and post-test probability: "if this test is positive, how likely is the disease for
*my* patient?"

Clinicians reason at the bedside in likelihood ratios: LR+ = sensitivity / (1 - specificity) says how much
a positive result multiplies the odds of disease, LR- = (1 - sensitivity) / specificity how much a negative
result divides them. With a pre-test probability p (the clinician's own, for the patient in front of them),
post-test odds = p / (1 - p) x LR, which is what a Fagan nomogram draws.

Intervals: the log method of Simel, Samsa & Matchar (J Clin Epidemiol 1991): ln(LR) is roughly normal with
standard error sqrt(1/a - 1/(a+c) + 1/b - 1/(b+d)) for LR+ from the 2x2 counts (a = TP, b = FP, c = FN,
d = TN), and sqrt(1/c - 1/(a+c) + 1/d - 1/(b+d)) for LR-. When a count the formula divides by is zero
(no false positive: LR+ is infinite), 0.5 is added to every cell of the table and the result says so; when
a class is empty nothing can be estimated and the reason is given instead of a number.

The post-test interval carries the LR interval through the same (monotone) formula at a fixed pre-test
probability: it is the uncertainty of the test, not of the clinician's pre-test guess.

Nothing here fits a model or keeps state.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from imbalance_core.evaluation.formatting import percent
from imbalance_core.evaluation.intervals import Z95, Interval

#: Added to every cell when a count the log method divides by is zero (Haldane's correction).
CONTINUITY = 0.5


@dataclass(frozen=True)
class LikelihoodRatio:
    """One likelihood ratio with its 95 % interval, or the reason it cannot be estimated.

    ``value``/``lo``/``hi`` are None exactly when ``reason`` says why; ``note`` states a correction used.
    """

    name: str
    value: float | None
    lo: float | None
    hi: float | None
    note: str = ""
    reason: str = ""

    @property
    def estimable(self) -> bool:
        return self.value is not None

    def as_interval(self) -> Interval:
        """The estimate as an :class:`Interval` (NaN when not estimable), method named."""
        nan = float("nan")
        if self.value is None:
            return Interval(nan, nan, nan, "log method (Simel 1991)")
        return Interval(self.value, self.lo, self.hi, "log method (Simel 1991)")  # type: ignore[arg-type]


@dataclass(frozen=True)
class LikelihoodRatios:
    """LR+ and LR- of one 2x2 table."""

    positive: LikelihoodRatio
    negative: LikelihoodRatio


def _log_interval(ratio: float, se: float, z: float) -> tuple[float, float]:
    return ratio * math.exp(-z * se), ratio * math.exp(z * se)


def likelihood_ratios(tp: int, fp: int, tn: int, fn: int, z: float = Z95) -> LikelihoodRatios:
    """LR+ and LR- with log-method 95 % intervals (Simel et al. 1991) from the 2x2 counts."""
    counts = [int(tp), int(fp), int(tn), int(fn)]
    if min(counts) < 0:
        raise ValueError("2x2 counts cannot be negative")
    n_pos, n_neg = tp + fn, fp + tn
    if n_pos == 0 or n_neg == 0:
        empty = "patients with the disease" if n_pos == 0 else "patients without the disease"
        reason = f"Not estimable: there are no {empty} in these data."
        return LikelihoodRatios(
            LikelihoodRatio("LR+", None, None, None, reason=reason),
            LikelihoodRatio("LR-", None, None, None, reason=reason),
        )
    return LikelihoodRatios(_lr_positive(tp, fp, tn, fn, z), _lr_negative(tp, fp, tn, fn, z))


def _log_ratio(
    name: str, x: int, n_x: int, y: int, n_y: int, zero_text: tuple[str, str], both_zero: str, z: float
) -> LikelihoodRatio:
    """(x / n_x) / (y / n_y) with the log-method interval; 0.5 added to every 2x2 cell when x or y is 0.

    LR+: x = TP of n_x with the disease, y = FP of n_y without; LR-: x = FN, y = TN. ``zero_text`` names
    a zero x and a zero y in words; ``both_zero`` is the reason when both are 0 (nothing to estimate).
    """
    if x == 0 and y == 0:
        return LikelihoodRatio(name, None, None, None, reason=f"Not estimable: {both_zero}.")
    note = ""
    a, na, b, nb = float(x), float(n_x), float(y), float(n_y)
    if x == 0 or y == 0:
        a, b, na, nb = a + CONTINUITY, b + CONTINUITY, na + 2 * CONTINUITY, nb + 2 * CONTINUITY
        note = f"0.5 added to every cell ({zero_text[1] if y == 0 else zero_text[0]} at this threshold)"
    ratio = (a / na) / (b / nb)
    se = math.sqrt(1 / a - 1 / na + 1 / b - 1 / nb)
    lo, hi = _log_interval(ratio, se, z)
    return LikelihoodRatio(name, ratio, lo, hi, note=note)


def _lr_positive(tp: int, fp: int, tn: int, fn: int, z: float) -> LikelihoodRatio:
    zeros = ("no true positive", "no false positive")
    return _log_ratio("LR+", tp, tp + fn, fp, fp + tn, zeros, "nobody is flagged at this threshold", z)


def _lr_negative(tp: int, fp: int, tn: int, fn: int, z: float) -> LikelihoodRatio:
    zeros = ("no missed case", "no true negative")
    return _log_ratio("LR-", fn, tp + fn, tn, fp + tn, zeros, "everybody is flagged at this threshold", z)


def post_test_probability(pre_test: float, ratio: float) -> float:
    """Probability of disease after a result with likelihood ratio ``ratio``, from ``pre_test`` (Bayes in
    odds form: post-test odds = pre-test odds x LR)."""
    if not 0 < pre_test < 1:
        raise ValueError("The pre-test probability must lie strictly between 0 and 1, for example 0.05.")
    if math.isinf(ratio):
        return 1.0
    odds = pre_test / (1 - pre_test) * ratio
    return odds / (1 + odds)


@dataclass(frozen=True)
class PostTest:
    """Post-test probabilities for a positive and a negative result at one pre-test probability."""

    pre_test: float
    after_positive: Interval | None
    after_negative: Interval | None
    reason_positive: str = ""
    reason_negative: str = ""

    def sentence(self) -> str:
        """The result in a clinician's words."""
        parts = [f"For a patient whose chance of disease is {percent(self.pre_test)} before the test"]
        if self.after_positive is not None:
            p = self.after_positive
            parts.append(
                f"a positive result raises it to {percent(p.value)} "
                f"(95 % CI {percent(p.lo)} to {percent(p.hi)})"
            )
        else:
            parts.append(f"after a positive result: {self.reason_positive}")
        if self.after_negative is not None:
            n = self.after_negative
            parts.append(
                f"a negative result lowers it to {percent(n.value)} "
                f"(95 % CI {percent(n.lo)} to {percent(n.hi)})"
            )
        else:
            parts.append(f"after a negative result: {self.reason_negative}")
        return parts[0] + ", " + "; ".join(parts[1:]) + "."


def _carry(pre_test: float, lr: LikelihoodRatio) -> Interval | None:
    if not lr.estimable:
        return None
    return Interval(
        post_test_probability(pre_test, lr.value),  # type: ignore[arg-type]
        post_test_probability(pre_test, lr.lo),  # type: ignore[arg-type]
        post_test_probability(pre_test, lr.hi),  # type: ignore[arg-type]
        "post-test odds = pre-test odds x LR (LR's log-method interval)",
    )


def post_test(pre_test: float, ratios: LikelihoodRatios) -> PostTest:
    """Post-test probabilities (with the LRs' intervals carried through) at ``pre_test``."""
    if not 0 < pre_test < 1:
        raise ValueError("The pre-test probability must lie strictly between 0 and 1, for example 0.05.")
    return PostTest(
        pre_test,
        _carry(pre_test, ratios.positive),
        _carry(pre_test, ratios.negative),
        ratios.positive.reason,
        ratios.negative.reason,
    )


def to_json(ratios: LikelihoodRatios, post: PostTest | None = None) -> dict:
    """JSON-ready figures: each LR's value and interval (or reason), and the post-test probabilities."""

    def one(lr: LikelihoodRatio) -> dict:
        return {"value": lr.value, "lo": lr.lo, "hi": lr.hi, "note": lr.note, "reason": lr.reason}

    out: dict = {"lr_positive": one(ratios.positive), "lr_negative": one(ratios.negative)}
    if post is not None:

        def carried(iv: Interval | None, reason: str) -> dict:
            if iv is None:
                return {"value": None, "lo": None, "hi": None, "reason": reason}
            return {"value": iv.value, "lo": iv.lo, "hi": iv.hi, "reason": ""}

        out["post_test"] = {
            "pre_test": post.pre_test,
            "after_positive": carried(post.after_positive, post.reason_positive),
            "after_negative": carried(post.after_negative, post.reason_negative),
        }
    return out


def log_interval_columns(tp: Any, fp: Any, tn: Any, fn: Any, z: float = Z95) -> dict[str, np.ndarray]:
    """LR+ and LR- 95 % log-method bounds at every stop of a 2x2 table column set (vectorised).

    The same rule as :func:`likelihood_ratios`, one stop per element: 0.5 added to every cell of a stop
    whose count the formula divides by is zero, NaN where nothing can be estimated (no flag at all for
    LR+, everybody flagged for LR-, or an empty class). Returns ``lr_pos_lo``, ``lr_pos_hi``, ``lr_neg_lo``,
    ``lr_neg_hi`` (float arrays; the point values stay the stop table's plain ratios).
    """
    tp, fp, tn, fn = (np.asarray(x, dtype=float) for x in (tp, fp, tn, fn))
    n_pos, n_neg = tp + fn, fp + tn
    out: dict[str, np.ndarray] = {}
    for name, x, y in (("lr_pos", tp, fp), ("lr_neg", fn, tn)):
        zero = (x == 0) | (y == 0)
        c = np.where(zero, CONTINUITY, 0.0)
        a, b, na, nb = x + c, y + c, n_pos + 2 * c, n_neg + 2 * c
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = (a / na) / (b / nb)
            se = np.sqrt(1 / a - 1 / na + 1 / b - 1 / nb)
        bad = ((x == 0) & (y == 0)) | (n_pos == 0) | (n_neg == 0)
        out[f"{name}_lo"] = np.where(bad, np.nan, ratio * np.exp(-z * se))
        out[f"{name}_hi"] = np.where(bad, np.nan, ratio * np.exp(z * se))
    return out


__all__ = [
    "CONTINUITY",
    "LikelihoodRatio",
    "LikelihoodRatios",
    "PostTest",
    "likelihood_ratios",
    "log_interval_columns",
    "post_test",
    "post_test_probability",
    "to_json",
]
