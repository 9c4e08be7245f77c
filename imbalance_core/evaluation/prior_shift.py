"""The prevalence of an unlabelled batch of new patients, from the model's risks (prior shift).

When only the share of positive patients changes between development and the new site (prior or
label shift: P(x | class) the same), calibrated risks carry the new prevalence. Saerens, Latinne &
Decaestecker (Neural Computation 2002;14:21-41) estimate it by EM: with ``pi_t`` the prevalence the risks
are calibrated to and ``pi`` the current estimate, re-weight each risk ``p`` to

    p' = (pi / pi_t) p / ((pi / pi_t) p + ((1 - pi) / (1 - pi_t)) (1 - p)),

set ``pi`` to the mean of ``p'`` and repeat until it no longer moves. The interval is a percentile
bootstrap over the batch's patients (the development figures are taken as known).

Cross-check: adjusted classify-and-count (Forman 2008): with the development sensitivity ``tpr`` and
false-positive rate ``fpr`` at the saved threshold and the share ``c`` of the batch called positive,
``(c - fpr) / (tpr - fpr)`` clipped to [0, 1].

EM needs *calibrated* risks: a model trained on resampled or weighted data without recalibration
over-states every risk, and the estimate with it. :func:`calibration_warning` says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from imbalance_core.errors import DataError
from imbalance_core.evaluation.calibration import Estimate
from imbalance_core.evaluation.formatting import percent, share_text
from imbalance_core.evaluation.intervals import deployment_interval

#: EM stops when the prevalence moves less than this, or after MAX_ITER steps.
TOL = 1e-8
MAX_ITER = 1000
N_BOOT = 200


def em_prevalence(risks: Any, train_prevalence: float, tol: float = TOL, max_iter: int = MAX_ITER) -> float:
    """Saerens-Latinne-Decaestecker EM estimate of the positive share of a batch (risks for ``pi_t``)."""
    p = np.clip(np.asarray(risks, dtype=float).ravel(), 1e-12, 1 - 1e-12)
    pi_t = float(train_prevalence)
    if not 0 < pi_t < 1:
        raise DataError("The prevalence the model was developed at is not known, so EM cannot start.")
    pi = pi_t
    for _ in range(max_iter):
        a = (pi / pi_t) * p
        b = ((1 - pi) / (1 - pi_t)) * (1 - p)
        new = float(np.mean(a / (a + b)))
        if abs(new - pi) < tol:
            return new
        pi = new
    return pi


def _em_many(p: np.ndarray, weights: np.ndarray, pi_t: float) -> np.ndarray:
    """EM for many weighted resamples at once (rows of ``weights`` are bootstrap multiplicities)."""
    pi = np.full(weights.shape[0], pi_t)
    total = weights.sum(axis=1)
    for _ in range(MAX_ITER):
        a = (pi / pi_t)[:, None] * p[None, :]
        b = ((1 - pi) / (1 - pi_t))[:, None] * (1 - p)[None, :]
        new = (weights * (a / (a + b))).sum(axis=1) / total
        if np.max(np.abs(new - pi)) < 1e-7:
            return new
        pi = new
    return pi


def adjusted_count(called_share: float, tpr: float, fpr: float) -> float:
    """Adjusted classify-and-count: ``(c - fpr) / (tpr - fpr)`` in [0, 1]; NaN when tpr <= fpr."""
    if not (np.isfinite(tpr) and np.isfinite(fpr)) or tpr <= fpr:
        return float("nan")
    return float(np.clip((called_share - fpr) / (tpr - fpr), 0.0, 1.0))


@dataclass(frozen=True)
class PrevalenceEstimate:
    """The batch's expected prevalence: EM with a bootstrap interval, the adjusted count, and PPV/NPV there.

    ppv / npv: at the saved threshold, from the development sensitivity and specificity, at the EM
    prevalence; intervals combine the prevalence interval with 97.5 % Wilson bounds of sensitivity and
    specificity (conservative). None when the development 2x2 is not known.
    """

    n: int
    train_prevalence: float
    em: Estimate
    adjusted_count: float
    called_share: float
    mean_risk: float
    ppv: Estimate | None
    npv: Estimate | None
    warning: str

    @property
    def at_edge(self) -> bool:
        """True when EM ran to 0 % or 100 %: the risks do not fit these patients (PPV/NPV there are empty)."""
        return self.em.value > 0.99 or self.em.value < 0.01

    def summary(self) -> str:
        """One sentence for a person."""
        text = (
            f"Expected share of positive patients in this batch: {share_text(self.em.value)} "
            f"(95 % CI {share_text(self.em.low)} to {share_text(self.em.high)}; "
            "EM of Saerens et al. on the model's risks); "
            f"the model was developed at {share_text(self.train_prevalence)}."
        )
        if np.isfinite(self.adjusted_count):
            text += f" Cross-check by adjusted classify-and-count: {percent(self.adjusted_count)}."
        return text


def ppv_npv_at(record: dict[str, Any], prevalence: Estimate) -> tuple[Estimate | None, Estimate | None]:
    """PPV and NPV at ``prevalence`` from the development 2x2 (``tp`` .. ``fn``) in ``record``."""
    if not all(k in record for k in ("tp", "fp", "tn", "fn")):
        return None, None
    tp, fp, tn, fn = (float(record[k]) for k in ("tp", "fp", "tn", "fn"))
    if tp + fn == 0 or tn + fp == 0:
        return None, None
    se, sp = tp / (tp + fn), tn / (tn + fp)
    p = prevalence.value
    ppv = se * p / (se * p + (1 - sp) * (1 - p)) if se * p + (1 - sp) * (1 - p) > 0 else float("nan")
    npv = sp * (1 - p) / (sp * (1 - p) + (1 - se) * p) if sp * (1 - p) + (1 - se) * p > 0 else float("nan")
    low = deployment_interval(tp, fp, tn, fn, max(prevalence.low, 1e-9))
    high = deployment_interval(tp, fp, tn, fn, min(prevalence.high, 1 - 1e-9))
    how = "at the estimated prevalence; prevalence interval and 97.5 % Wilson bounds combined"
    return (
        Estimate(float(ppv), float(low["ppv_deploy_lo"]), float(high["ppv_deploy_hi"]), how),
        Estimate(float(npv), float(high["npv_deploy_lo"]), float(low["npv_deploy_hi"]), how),
    )


def calibration_warning(record: dict[str, Any], settings: dict[str, str]) -> str:
    """Why the model's risks may be too far from calibrated for the prevalence estimate ("" when fine)."""
    sampler = settings.get("sampler", "none")
    recal = settings.get("recalibrate", "none")
    weighting = settings.get("weighting", "none")
    if (sampler not in ("none", "") or weighting not in ("none", "")) and recal in ("none", ""):
        return (
            "The model was trained on resampled or re-weighted data without recalibration: its risks are "
            "too high for the positive class, and so is this prevalence estimate. Retrain with "
            "recalibration, or update the model on a labelled file from the new site first."
        )
    lo_i, hi_i = record.get("intercept_lo"), record.get("intercept_hi")
    lo_s, hi_s = record.get("slope_lo"), record.get("slope_hi")
    if None in (lo_i, hi_i, lo_s, hi_s) or not np.isfinite([lo_i, hi_i, lo_s, hi_s]).all():
        return (
            "The model file does not say how well its risks were calibrated in development; the estimate "
            "assumes they were."
        )
    if not (lo_i <= 0 <= hi_i and lo_s <= 1 <= hi_s):
        return (
            "In development the model's risks were not well calibrated (intercept or slope away from 0 "
            "and 1), so this prevalence estimate may be off."
        )
    return ""


def estimate_prevalence(
    risks: Any,
    record: dict[str, Any],
    settings: dict[str, str] | None = None,
    threshold: float | None = None,
    n_boot: int = N_BOOT,
    seed: int = 0,
) -> PrevalenceEstimate:
    """EM prevalence of an unlabelled batch with its bootstrap interval, the adjusted count and PPV/NPV.

    ``record``: the model file's development figures (``train_prevalence``; ``tp`` .. ``fn`` at the saved
    threshold for the cross-check and PPV/NPV).
    """
    p = np.asarray(risks, dtype=float).ravel()
    if p.size == 0:
        raise DataError("The batch has no patients to estimate a prevalence from.")
    if not np.isfinite(p).all() or (p < 0).any() or (p > 1).any():
        raise DataError("The model's scores are not risks between 0 and 1.")
    pi_t = float(record.get("train_prevalence", float("nan")))
    value = em_prevalence(p, pi_t)
    rng = np.random.default_rng(seed)
    chunk = max(1, min(n_boot, 2_000_000 // max(p.size, 1)))
    draws: list[np.ndarray] = []
    pc = np.clip(p, 1e-12, 1 - 1e-12)
    while sum(d.size for d in draws) < n_boot:
        m = min(chunk, n_boot - sum(d.size for d in draws))
        weights = np.stack([np.bincount(rng.integers(0, p.size, p.size), minlength=p.size) for _ in range(m)])
        draws.append(_em_many(pc, weights.astype(float), pi_t))
    boots = np.concatenate(draws)
    lo, hi = np.quantile(boots, [0.025, 0.975])
    em = Estimate(value, float(min(lo, value)), float(max(hi, value)), f"bootstrap, {n_boot} resamples")
    called = float(np.mean(p >= threshold)) if threshold is not None else float("nan")
    tpr = fpr = float("nan")
    if all(k in record for k in ("tp", "fp", "tn", "fn")):
        tp, fp, tn, fn = (float(record[k]) for k in ("tp", "fp", "tn", "fn"))
        tpr = tp / (tp + fn) if tp + fn else float("nan")
        fpr = fp / (fp + tn) if fp + tn else float("nan")
    ppv, npv = ppv_npv_at(record, em)
    return PrevalenceEstimate(
        n=int(p.size),
        train_prevalence=pi_t,
        em=em,
        adjusted_count=adjusted_count(called, tpr, fpr),
        called_share=called,
        mean_risk=float(p.mean()),
        ppv=ppv,
        npv=npv,
        warning=calibration_warning(record, settings or {}),
    )
