"""Sample size for external validation: how many patients (and events) a new file needs.

Riley et al., "Minimum sample size for external validation of a clinical prediction model with a binary
outcome", Stat Med 2021;40:4230-4251 (the continuous-outcome counterpart is Archer et al., Stat Med
2021;40:133-146). Each criterion asks that one figure be estimated to a stated 95 % interval width:

* **E:O** (O/E in the paper): ``SE(ln(O/E)) = sqrt((1 - phi) / (n phi))``; for an interval of width ``w``
  around O/E = 1, ``SE = asinh(w / 2) / 1.96``, so ``n = (1 - phi) / (phi SE²)``.
* **calibration slope**: with the linear predictor ``LP`` (logit of the risks, assumed calibrated) and
  ``I_a = E[p(1-p)]``, ``I_ab = E[LP p(1-p)]``, ``I_b = E[LP² p(1-p)]`` over the patients,
  ``SE(slope)² = I_a / (n (I_a I_b - I_ab²))``; ``SE = w / (2 * 1.96)``.
* **C statistic** (Newcombe's form of Hanley & McNeil's variance)::

      SE(C)² = C(1-C) (1 + (n/2 - 1)(1-C)/(2-C) + (n/2 - 1) C/(1+C)) / (n² phi (1-phi))

  solved for the smallest whole ``n`` that reaches ``SE = w / (2 * 1.96)``.

Defaults are the paper's: widths 0.2 (E:O), 0.2 (slope), 0.1 (C). The expectations over ``LP`` are taken
over the new file's own risks (the paper assumes a normal LP matched to the anticipated C; using the
actual risks needs no such assumption). Each ``n`` is rounded up; events = ``n phi`` rounded up.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from imbalance_core.errors import DataError
from imbalance_core.evaluation.calibration import logit
from imbalance_core.evaluation.formatting import share_text

Z = 1.959963984540054
#: Target 95 % interval widths (Riley et al. 2021's defaults).
WIDTH_EO = 0.2
WIDTH_SLOPE = 0.2
WIDTH_C = 0.1


def se_log_eo(n: float, phi: float) -> float:
    """SE of ln(O/E) with ``n`` patients at prevalence ``phi``."""
    return math.sqrt((1 - phi) / (n * phi))


def eo_width(n: float, phi: float) -> float:
    """Expected 95 % interval width of E:O (at E:O = 1) with ``n`` patients."""
    return 2 * math.sinh(Z * se_log_eo(n, phi))


def n_for_eo(phi: float, width: float = WIDTH_EO) -> int:
    """Patients needed for an E:O interval of ``width``."""
    se = math.asinh(width / 2) / Z
    return math.ceil((1 - phi) / (phi * se**2))


def slope_information(risks: Any) -> float:
    """``I_a / (I_a I_b - I_ab²)``: n times the variance of the calibration slope (calibrated risks)."""
    p = np.clip(np.asarray(risks, dtype=float), 1e-12, 1 - 1e-12)
    lp = logit(p)
    w = p * (1 - p)
    ia, iab, ib = float(w.mean()), float((lp * w).mean()), float((lp**2 * w).mean())
    det = ia * ib - iab**2
    if det <= 1e-15:
        return float("inf")
    return ia / det


def slope_width(n: float, risks: Any) -> float:
    """Expected 95 % interval width of the calibration slope with ``n`` patients like ``risks``."""
    return 2 * Z * math.sqrt(slope_information(risks) / n)


def n_for_slope(risks: Any, width: float = WIDTH_SLOPE) -> int:
    """Patients needed for a calibration-slope interval of ``width``."""
    info = slope_information(risks)
    if not math.isfinite(info):
        raise DataError("The risks are all alike, so the calibration slope cannot be estimated at any size.")
    return math.ceil(info / (width / (2 * Z)) ** 2)


def se_c(n: float, phi: float, c: float) -> float:
    """SE of the C statistic (Newcombe 2006) with ``n`` patients at prevalence ``phi``."""
    h = n / 2 - 1
    var = c * (1 - c) * (1 + h * (1 - c) / (2 - c) + h * c / (1 + c)) / (n**2 * phi * (1 - phi))
    return math.sqrt(max(var, 0.0))


def c_width(n: float, phi: float, c: float) -> float:
    """Expected 95 % interval width of C with ``n`` patients."""
    return 2 * Z * se_c(n, phi, c)


def n_for_c(phi: float, c: float, width: float = WIDTH_C) -> int:
    """Smallest whole ``n`` whose C interval is at most ``width`` (bisection; SE falls with n)."""
    target = width / (2 * Z)
    if not 0.5 <= c < 1:
        c = max(0.5, min(c, 0.999))
    lo, hi = 4, 4
    while se_c(hi, phi, c) > target:
        hi *= 2
        if hi > 10**9:
            raise DataError("No practical sample size reaches that precision of C.")
    while lo < hi:
        mid = (lo + hi) // 2
        if se_c(mid, phi, c) > target:
            lo = mid + 1
        else:
            hi = mid
    return lo


@dataclass(frozen=True)
class Criterion:
    """One figure: the patients and events needed for ``width``, and the width this file gives."""

    name: str
    width: float
    n_needed: int
    events_needed: int
    achieved_width: float

    @property
    def met(self) -> bool:
        return self.achieved_width <= self.width + 1e-12


@dataclass(frozen=True)
class ValidationSize:
    """Riley et al. 2021 criteria for a new file of ``n`` patients with ``events`` positives."""

    n: int
    events: int
    c: float
    criteria: tuple[Criterion, ...]
    assumption: str

    @property
    def n_needed(self) -> int:
        return max(c.n_needed for c in self.criteria)

    @property
    def events_needed(self) -> int:
        return max(c.events_needed for c in self.criteria)

    def summary(self) -> str:
        """One sentence for a person."""
        short = [c.name for c in self.criteria if not c.met]
        head = (
            f"To estimate E:O, the calibration slope and C to the stated precision a validation file needs "
            f"about {self.n_needed:,} patients ({self.events_needed:,} events); this file has {self.n:,} "
            f"({self.events:,} events)"
        )
        if not short:
            return head + " and meets every criterion."
        return head + f": {', '.join(short)} will be estimated less precisely than asked."


def validation_size(
    y: Any,
    risks: Any,
    c: float | None = None,
    width_eo: float = WIDTH_EO,
    width_slope: float = WIDTH_SLOPE,
    width_c: float = WIDTH_C,
) -> ValidationSize:
    """The three criteria for the prevalence and risks of this file (``c``: its C statistic)."""
    y = np.asarray(y, dtype=float)
    p = np.asarray(risks, dtype=float)
    n, events = int(y.size), int(y.sum())
    if n == 0 or events == 0 or events == n:
        raise DataError("The sample size for validation needs patients of both classes.")
    if min(width_eo, width_slope, width_c) <= 0:
        raise DataError("Interval widths must be above 0.")
    phi = events / n
    if c is None or not np.isfinite(c):
        from imbalance_core.evaluation.intervals import delong_roc_auc

        c = delong_roc_auc(y, p).value
    c = float(c)

    def crit(name: str, width: float, need: int, achieved: float) -> Criterion:
        return Criterion(name, width, need, math.ceil(need * phi), achieved)

    criteria = (
        crit("E:O", width_eo, n_for_eo(phi, width_eo), eo_width(n, phi)),
        crit("calibration slope", width_slope, n_for_slope(p, width_slope), slope_width(n, p)),
        crit("C statistic", width_c, n_for_c(phi, max(c, 0.5), width_c), c_width(n, phi, max(c, 0.5))),
    )
    assumption = (
        f"prevalence {share_text(phi)} and C {c:.3f} as in this file; the slope criterion takes the spread "
        "of the model's risks in this file, assumed calibrated (Riley et al., Stat Med 2021)"
    )
    return ValidationSize(n, events, c, criteria, assumption)
