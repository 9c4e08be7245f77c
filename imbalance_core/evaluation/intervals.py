"""Confidence intervals for the threshold explorer: Wilson for proportions, DeLong and bootstrap for AUCs.

Why these: STARD asks for sensitivity and specificity with 95 % intervals. The Wilson score interval
behaves well at the extremes (0 of 12, 12 of 12) where the textbook normal interval collapses or leaves
[0, 1]. ROC AUC gets DeLong's analytic interval (exact variance of the Mann-Whitney statistic, one sort,
fast enough for a million rows); PR AUC (average precision) has no such formula, so it gets a stratified
bootstrap that keeps each class's size, done on the scores sorted once (each resample is a vector of
multiplicities, so no resample is re-sorted).

All functions take arrays and return numbers; nothing here fits a model or keeps state.
"""

from __future__ import annotations

import hashlib
import warnings
from dataclasses import dataclass

import numpy as np
from scipy import stats

#: Two-sided 95 % normal quantile (the same value statsmodels uses: ``norm.isf(0.025)``).
Z95 = float(stats.norm.isf(0.025))


@dataclass(frozen=True)
class Interval:
    """A point estimate with its lower and upper confidence bounds (NaN when undefined)."""

    value: float
    lo: float
    hi: float
    method: str


def wilson(count: np.ndarray, nobs: np.ndarray, z: float = Z95) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval for ``count`` successes out of ``nobs``, element-wise; NaN where nobs == 0.

    Same algebra as ``statsmodels.stats.proportion.proportion_confint(method="wilson")``, clipped to [0, 1].
    """
    count = np.asarray(count, dtype=float)
    nobs = np.asarray(nobs, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        q = count / nobs
        z2 = z * z
        denom = 1 + z2 / nobs
        center = (q + z2 / (2 * nobs)) / denom
        dist = z * np.sqrt(q * (1.0 - q) / nobs + z2 / (4.0 * nobs**2)) / denom
    return np.clip(center - dist, 0, 1), np.clip(center + dist, 0, 1)


def _check_binary(y_true: np.ndarray, scores: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    y = np.asarray(y_true).astype(bool, copy=False).ravel()
    s = np.asarray(scores, dtype=float).ravel()
    if y.shape != s.shape:
        raise ValueError("y_true and scores must have the same length")
    return y, s


#: DeLong's interval is given only with at least this many events and non-events: below, its variance
#: (the spread of a handful of placement values) is itself too unreliable (one event: zero variance).
MIN_DELONG = 5


def delong_no_interval(events: int, non_events: int) -> str:
    """Why a ROC AUC has no DeLong interval, in words ('' when it has one)."""
    if min(events, non_events) >= MIN_DELONG:
        return ""
    few = (
        f"{events} event{'s' if events != 1 else ''}"
        if events < MIN_DELONG
        else (f"{non_events} non-event{'s' if non_events != 1 else ''}")
    )
    return (
        f"no interval: only {few} (DeLong's interval needs at least {MIN_DELONG} events and "
        f"{MIN_DELONG} non-events)"
    )


def delong_roc_auc(y_true: np.ndarray, scores: np.ndarray, z: float = Z95) -> Interval:
    """ROC AUC with DeLong's 95 % interval (fast midrank form of Sun & Xu, 2014).

    The AUC equals the mean over positives of their placement value (share of negatives scored lower,
    ties counting one half); its variance is var(V10)/n_pos + var(V01)/n_neg. The interval is clipped to
    [0, 1]. NaN when either class is empty; the AUC without an interval (NaN ends, the reason as the
    method) with fewer than :data:`MIN_DELONG` events or non-events.
    """
    y, s = _check_binary(y_true, scores)
    pos, neg = s[y], s[~y]
    m, n = pos.size, neg.size
    if m == 0 or n == 0:
        return Interval(float("nan"), float("nan"), float("nan"), "delong")
    why = delong_no_interval(m, n)
    r_all = stats.rankdata(np.concatenate([pos, neg]))
    r_pos = stats.rankdata(pos)
    r_neg = stats.rankdata(neg)
    v10 = (r_all[:m] - r_pos) / n  # per positive: share of negatives below it
    v01 = 1.0 - (r_all[m:] - r_neg) / m  # per negative: share of positives above it
    auc = float(v10.mean())
    var = (v10.var(ddof=1) / m if m > 1 else 0.0) + (v01.var(ddof=1) / n if n > 1 else 0.0)
    if why:
        return Interval(auc, float("nan"), float("nan"), why)
    half = z * float(np.sqrt(var))
    return Interval(auc, max(0.0, auc - half), min(1.0, auc + half), "delong")


def _weighted_ap(y_sorted: np.ndarray, last_of_group: np.ndarray, weights: np.ndarray) -> float:
    """Average precision of scores already sorted descending, each row counted ``weights`` times."""
    tps = np.cumsum(np.where(y_sorted, weights, 0.0))[last_of_group]
    alls = np.cumsum(weights)[last_of_group]
    total_pos = tps[-1]
    if total_pos <= 0:
        return float("nan")
    d_recall = np.diff(tps, prepend=0.0) / total_pos
    with np.errstate(divide="ignore", invalid="ignore"):
        precision = tps / alls
    return float(np.sum(np.where(d_recall > 0, d_recall * precision, 0.0)))


def bootstrap_resample_counts(y_sorted: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Multiplicity of each row in one stratified resample (each class drawn with replacement to its size).

    Rows are in the order of ``y_sorted`` (scores descending, stable). The draw order is fixed so that a
    test can replay it: first ``rng.integers(0, n_pos, n_pos)`` indexing the positive rows in that order,
    then ``rng.integers(0, n_neg, n_neg)`` indexing the negative rows.
    """
    pos_idx = np.flatnonzero(y_sorted)
    neg_idx = np.flatnonzero(~y_sorted)
    counts = np.empty(y_sorted.size, dtype=float)
    counts[pos_idx] = np.bincount(rng.integers(0, pos_idx.size, pos_idx.size), minlength=pos_idx.size)
    counts[neg_idx] = np.bincount(rng.integers(0, neg_idx.size, neg_idx.size), minlength=neg_idx.size)
    return counts


#: Rows x resamples the bootstrap may spend; above it the number of resamples shrinks (never below 50).
BOOTSTRAP_WORK = 50_000_000


#: Default resamples of the PR AUC bootstrap (1,000 cost 0.2-0.5 s at 300-2,000 rows under load).
N_BOOT_AP = 1000


def bootstrap_average_precision(
    y_true: np.ndarray, scores: np.ndarray, n_boot: int = N_BOOT_AP, seed: int = 0
) -> Interval:
    """Average precision (PR AUC) with a stratified percentile-bootstrap 95 % interval.

    The scores are sorted once; each resample only changes how often each row counts, so one resample
    costs two cumulative sums. ``seed`` makes the interval reproducible. For very large samples the number
    of resamples is capped by :data:`BOOTSTRAP_WORK` (the interval is then very narrow anyway); the
    ``method`` field says how many were used. NaN without positives or negatives.
    """
    y, s = _check_binary(y_true, scores)
    if y.sum() == 0 or (~y).sum() == 0:
        return Interval(float("nan"), float("nan"), float("nan"), "bootstrap")
    order = np.argsort(-s, kind="mergesort")
    s_sorted, y_sorted = s[order], y[order]
    last_of_group = np.r_[np.flatnonzero(np.diff(s_sorted)), s_sorted.size - 1]
    value = _weighted_ap(y_sorted, last_of_group, np.ones(s.size))
    n_boot = int(min(n_boot, max(50, BOOTSTRAP_WORK // s.size)))
    rng = np.random.default_rng(seed)
    boots = np.array(
        [
            _weighted_ap(y_sorted, last_of_group, bootstrap_resample_counts(y_sorted, rng))
            for _ in range(n_boot)
        ]
    )
    lo, hi = np.nanpercentile(boots, [2.5, 97.5]) if n_boot > 0 else (np.nan, np.nan)
    return Interval(value, float(lo), float(hi), f"stratified bootstrap ({n_boot} resamples, seed {seed})")


# ---------------------------------------------------------------------------------------------------------
# Intervals at every threshold stop (the explorer's stop table, the report, the CLI)
# ---------------------------------------------------------------------------------------------------------

#: Resamples of the per-threshold bootstrap of F1, balanced accuracy and MCC.
N_BOOT_STOPS = 200
#: Two-sided normal quantile of a 97.5 % interval: two of them (sensitivity and specificity) hold
#: together at least 95 % of the time (Bonferroni), which the deployment PPV/NPV interval relies on.
Z_BONFERRONI_2 = float(stats.norm.isf(0.025 / 2))


def deployment_interval(
    tp: np.ndarray, fp: np.ndarray, tn: np.ndarray, fn: np.ndarray, prevalence: float
) -> dict[str, np.ndarray]:
    """95 % intervals of PPV and NPV at a deployment ``prevalence`` (treated as known), element-wise.

    Method (documented in the report): PPV = sens·p / (sens·p + (1 − spec)(1 − p)) and
    NPV = spec(1 − p) / (spec(1 − p) + (1 − sens)p) both increase with sensitivity and with specificity.
    So substituting the lower (upper) ends of the sensitivity and specificity intervals gives a lower
    (upper) bound. Each of those is a 97.5 % Wilson interval; by Bonferroni both hold together at least
    95 % of the time, and whenever both hold the true PPV/NPV lies in the interval: coverage ≥ 95 %
    (conservative). Sensitivity and specificity come from different patients, so the intervals do not
    depend on the hold-out's own class mix, unlike the sample PPV/NPV.
    """
    p = float(prevalence)
    tp, fp, tn, fn = (np.asarray(x, dtype=float) for x in (tp, fp, tn, fn))
    sens_lo, sens_hi = wilson(tp, tp + fn, Z_BONFERRONI_2)
    spec_lo, spec_hi = wilson(tn, tn + fp, Z_BONFERRONI_2)

    def ppv(se: np.ndarray, sp: np.ndarray) -> np.ndarray:
        with np.errstate(divide="ignore", invalid="ignore"):
            return se * p / (se * p + (1 - sp) * (1 - p))

    def npv(se: np.ndarray, sp: np.ndarray) -> np.ndarray:
        with np.errstate(divide="ignore", invalid="ignore"):
            return sp * (1 - p) / (sp * (1 - p) + (1 - se) * p)

    return {
        "ppv_deploy_lo": ppv(sens_lo, spec_lo),
        "ppv_deploy_hi": ppv(sens_hi, spec_hi),
        "npv_deploy_lo": npv(sens_lo, spec_lo),
        "npv_deploy_hi": npv(sens_hi, spec_hi),
    }


def _boot_generator(tp: int, fp: int, n_pos: int, n_neg: int, seed: int) -> np.random.Generator:
    """A generator keyed on the 2x2 table itself, so a threshold's interval does not depend on which
    other thresholds are computed with it (the page, the report and the CLI get the same numbers)."""
    key0 = (int(tp) * (int(n_neg) + 1) + int(fp)) & 0xFFFFFFFFFFFFFFFF
    key1 = ((int(seed) & 0xFFFF) << 48) | ((int(n_pos) & 0xFFFFFF) << 24) | (int(n_neg) & 0xFFFFFF)
    return np.random.Generator(np.random.Philox(key=np.array([key0, key1], dtype=np.uint64)))


def bootstrap_table_draws(
    tp: int, fp: int, n_pos: int, n_neg: int, n_boot: int = N_BOOT_STOPS, seed: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """True and false positives of ``n_boot`` stratified bootstrap resamples of one 2x2 table.

    Resampling the positives with replacement to their own number and counting those at or above the
    threshold is a Binomial(n_pos, tp / n_pos) draw; likewise the negatives: so the stratified bootstrap
    at one threshold needs no row-level resampling (exactly the same distribution, far cheaper).
    """
    rng = _boot_generator(tp, fp, n_pos, n_neg, seed)
    return rng.binomial(n_pos, tp / n_pos, n_boot), rng.binomial(n_neg, fp / n_neg, n_boot)


def _f1_ba_mcc(tp: np.ndarray, fp: np.ndarray, n_pos: int, n_neg: int) -> dict[str, np.ndarray]:
    """F1, balanced accuracy and MCC (0 where undefined, as scikit-learn) from counts (any shape)."""
    tp, fp = np.asarray(tp, dtype=float), np.asarray(fp, dtype=float)
    fn, tn = n_pos - tp, n_neg - fp
    with np.errstate(divide="ignore", invalid="ignore"):
        f1 = 2 * tp / (2 * tp + fp + fn)
        ba = (tp / n_pos + tn / n_neg) / 2
        denom = np.sqrt((tp + fp) * (tp + fn) * (tn + fp) * (tn + fn))
        mcc = np.where(denom > 0, (tp * tn - fp * fn) / np.where(denom > 0, denom, 1.0), 0.0)
    return {"f1": f1, "balanced_accuracy": ba, "mcc": mcc}


def bootstrap_stop_intervals(
    tp: np.ndarray, fp: np.ndarray, n_pos: int, n_neg: int, n_boot: int = N_BOOT_STOPS, seed: int = 0
) -> dict[str, np.ndarray]:
    """Percentile 95 % intervals of F1, balanced accuracy and MCC at each threshold (stratified bootstrap).

    ``tp``/``fp`` are the counts at each stop; stops with the same table share one set of draws. Returns
    ``f1_lo``, ``f1_hi``, ``balanced_accuracy_lo``, ... arrays (NaN without positives or negatives).
    """
    tp = np.asarray(tp, dtype=np.int64)
    fp = np.asarray(fp, dtype=np.int64)
    key = hashlib.sha256(tp.tobytes() + b"|" + fp.tobytes()).hexdigest(), n_pos, n_neg, n_boot, seed
    cached = _BOOT_CACHE.get(key)
    if cached is None:
        cached = _bootstrap_stop_intervals(tp, fp, n_pos, n_neg, n_boot, seed)
        while len(_BOOT_CACHE) >= _BOOT_CACHE_SIZE:
            _BOOT_CACHE.pop(next(iter(_BOOT_CACHE)))
        _BOOT_CACHE[key] = cached
    return {k: v.copy() for k, v in cached.items()}


#: Recent bootstrap results by content (counts at the stops, class sizes): a new deployment prevalence
#: or F-beta rebuilds the stop table but not these intervals, which depend on neither. Numbers only.
_BOOT_CACHE: dict[tuple, dict[str, np.ndarray]] = {}
_BOOT_CACHE_SIZE = 16


def _bootstrap_stop_intervals(
    tp: np.ndarray, fp: np.ndarray, n_pos: int, n_neg: int, n_boot: int, seed: int
) -> dict[str, np.ndarray]:
    """:func:`bootstrap_stop_intervals` without the cache."""
    names = ("f1", "balanced_accuracy", "mcc")
    out = {f"{m}_{end}": np.full(tp.shape, np.nan) for m in names for end in ("lo", "hi")}
    if n_pos <= 0 or n_neg <= 0 or tp.size == 0:
        return out
    pairs, inverse = np.unique(np.stack([tp, fp], axis=1), axis=0, return_inverse=True)
    draws = [bootstrap_table_draws(int(a), int(b), n_pos, n_neg, n_boot, seed) for a, b in pairs]
    tp_b = np.stack([d[0] for d in draws])
    fp_b = np.stack([d[1] for d in draws])
    values = _f1_ba_mcc(tp_b, fp_b, n_pos, n_neg)
    inverse = np.asarray(inverse).ravel()
    for m in names:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # a row without any defined value: NaN
            lo, hi = np.nanpercentile(values[m], [2.5, 97.5], axis=1)
        out[f"{m}_lo"], out[f"{m}_hi"] = lo[inverse], hi[inverse]
    return out
