"""How sure is a picked threshold? Bootstrap the whole picking procedure on the out-of-fold scores.

Why: a threshold picked on one training sample moves a lot between samples (a "sensitivity >= 0.90"
pick can easily wander over a factor of three at low prevalence), and the sensitivity/specificity it
delivers moves with it. So each picker the app offers (:data:`imbalance_core.evaluation.thresholds.PICKERS`)
is re-run on ``n_boot`` stratified resamples of the out-of-fold (OOF) rows (each class drawn with
replacement to its own size, seeded); the spread of the picked thresholds gives a 95 % percentile
interval of the threshold, and the hold-out sensitivity, specificity, PPV and NPV at each resampled
threshold give the 2.5-97.5 % range of what the *rule* (not one number) delivers. That range is not a
confidence interval of the measure (it leaves out the hold-out's own sampling error): every sentence
calls it "the middle 95 % of the values the resampled rules give" and puts the Wilson 95 % interval of
the measure at the pick beside it. The hold-out is never used to pick.

Fast by construction (about 1-3 s for 300 resamples of 100,000 OOF rows, ``bench/threshold_uncertainty.py``):

- the OOF scores are sorted once (``np.unique``); a resample is two ``np.random.Generator.integers``
  draws and two ``np.bincount`` calls over the unique-score grid, then a reversed cumulative sum gives
  the counts at or above every candidate threshold: no resample is ever sorted;
- the pickers themselves are the app's own (``thresholds.pick_*`` with ``candidates=``), run on those
  counts, so the bootstrap re-runs exactly the procedure the page offers;
- the hold-out 2x2 tables at all resampled thresholds come from one binary search on the hold-out's
  sorted score curve (:func:`imbalance_core.evaluation.thresholds.counts_at`).

A resample's candidate threshold is the same one :func:`thresholds.oof_candidates` would give on that
resample (halfway between the chosen score and the next lower score *present in the resample*), so the
result equals a plain loop ``for b: pick(y[idx_b], s[idx_b])`` (tested).

JSON (:meth:`ThresholdUncertainty.to_json`; ``evaluate --pick ... --json`` prints it as
``threshold_uncertainty``)::

    {"n_boot": int, "seed": int, "n_oof": int, "level": 0.95, "method": str,
     "picks": {KEY: {"label": str, "threshold": float,            # the pick on all OOF rows
                     "threshold_lo": float, "threshold_hi": float,  # 2.5 / 97.5 % of resampled picks
                     "holdout": {METRIC: {"value": float, "lo": float, "hi": float,
                                          "count": int, "of": int,            # at the pick on all OOF rows
                                          "wilson_lo": float, "wilson_hi": float}}}}}

with METRIC in ``sensitivity``, ``specificity``, ``ppv``, ``npv`` (hold-out sample) and ``ppv_deploy``,
``npv_deploy`` (at the deployment prevalence, Bayes). ``value`` is the hold-out figure at the pick on all
OOF rows; ``lo``/``hi`` the 2.5/97.5 % percentiles over the resampled picks (NaN -> null where a
resampled threshold flags nobody or everybody and the measure is undefined; those draws are left out).
A resample on which a constraint picker (``ppv:x``) finds no threshold meeting it is left out too (its
draw is NaN) instead of failing the whole bootstrap.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from imbalance_core.errors import DataError
from imbalance_core.evaluation import thresholds as th
from imbalance_core.evaluation.intervals import wilson

#: Default number of resamples (stated with every result; 1,000 cost 0.4-0.7 s at 300-2,000 rows under
#: load, bench/bootstrap_1000.py).
N_BOOT = 1000
#: Two-sided level of the percentile intervals.
LEVEL = 0.95
#: What the 2.5-97.5 % range over resampled picks is (it is not a confidence interval of the measure).
RANGE_WORDS = "the middle 95 % of the values the resampled rules give, not a confidence interval"
#: Hold-out measures reported at the resampled thresholds.
MEASURES = ("sensitivity", "specificity", "ppv", "npv", "ppv_deploy", "npv_deploy")
METHOD = (
    "stratified bootstrap of the out-of-fold training rows; the picker is re-run on each resample; "
    "percentile intervals"
)

#: A picker on precomputed counts: (candidates, picker value, prevalence) -> ThresholdPick.
CountPicker = Callable[[th.OofCandidates, float | None, float | None], th.ThresholdPick]

#: The app's pickers run on counts (same keys as ``thresholds.PICKERS``; a registry, not an if-chain).
COUNT_PICKERS: dict[str, CountPicker] = {
    "youden": lambda c, v, p: th.pick_youden(None, None, candidates=c),
    "sensitivity": lambda c, v, p: th.pick_sensitivity(None, None, v, candidates=c),
    "cost": lambda c, v, p: th.pick_cost(None, None, v, p, candidates=c),
    "fbeta": lambda c, v, p: th.pick_fbeta(None, None, v, candidates=c),
    "top": lambda c, v, p: th.pick_top_share(None, None, v, candidates=c),
    "ppv": lambda c, v, p: th.pick_ppv(None, None, v, p, candidates=c),
}


@dataclass(frozen=True)
class PickUncertainty:
    """One picker's threshold, its 95 % bootstrap interval and the hold-out measures it delivers.

    ``holdout[m]`` is ``(value at the full-data pick, 2.5 % percentile, 97.5 % percentile)`` over the
    resampled picks; ``draws`` holds the ``n_boot`` resampled thresholds (ascending is not implied).
    """

    key: str
    label: str
    threshold: float
    threshold_lo: float
    threshold_hi: float
    holdout: Mapping[str, tuple[float, float, float]]
    draws: np.ndarray = field(repr=False)
    counts: Mapping[str, tuple[int, int]] = field(default_factory=dict)

    def wilson(self, measure: str) -> tuple[float, float]:
        """Wilson 95 % interval of ``measure`` at the full-data pick (count of total on the hold-out)."""
        count, total = self.counts.get(measure, (0, 0))
        if total <= 0:
            return math.nan, math.nan
        lo, hi = wilson(np.array([count]), np.array([total]))
        return float(lo[0]), float(hi[0])

    def sentence(self, measure: str = "sensitivity") -> str:
        """What the rule delivers, with the confidence interval and the picks' range named apart.

        'sensitivity at this rule: 0.77 (48 of 62; Wilson 95 % CI 0.66–0.86); the resampled picks deliver
        sensitivities of 0.76–0.85 (the middle 95 % of resampled rules' values, not a confidence interval)'.
        """
        v, lo, hi = self.holdout[measure]
        name = {"ppv": "PPV", "npv": "NPV"}.get(measure, measure)
        plural = {
            "ppv": "PPVs",
            "npv": "NPVs",
            "sensitivity": "sensitivities",
            "specificity": "specificities",
        }
        count, total = self.counts.get(measure, (0, 0))
        w_lo, w_hi = self.wilson(measure)
        ci = f" ({count} of {total}; Wilson 95 % CI {_f3(w_lo)}–{_f3(w_hi)})" if total > 0 else ""
        many = plural.get(measure, measure)
        return (
            f"{name} at this rule: {_f3(v)}{ci}; the resampled picks deliver {many} of {_f3(lo)}–{_f3(hi)} "
            f"({RANGE_WORDS})"
        )


def _wilson_json(p: PickUncertainty, measure: str) -> dict[str, Any]:
    """'count', 'of', 'wilson_lo', 'wilson_hi' for the measures with a hold-out count (else nothing)."""
    if measure not in p.counts:
        return {}
    lo, hi = p.wilson(measure)
    count, total = p.counts[measure]
    return {"count": count, "of": total, "wilson_lo": _num(lo), "wilson_hi": _num(hi)}


def _f3(x: float) -> str:
    return f"{x:.2f}" if math.isfinite(x) else "n/a"


def _num(x: float, digits: int = 6) -> float | None:
    return float(f"{x:.{digits}g}") if math.isfinite(x) else None


@dataclass(frozen=True)
class ThresholdUncertainty:
    """Bootstrap uncertainty of every picker (see the module docstring for the JSON)."""

    n_boot: int
    seed: int
    n_oof: int
    prevalence: float
    picks: tuple[PickUncertainty, ...]

    def get(self, key: str) -> PickUncertainty | None:
        """The entry of picker ``key`` (None if it was not run)."""
        return next((p for p in self.picks if p.key == key), None)

    def summary(self) -> str:
        """One line stating how the intervals were computed (resamples, seed)."""
        return (
            f"{self.n_boot} stratified bootstrap resamples of the {self.n_oof:,} cross-validated training "
            f"rows (seed {self.seed}); the picker re-run on each; 2.5–97.5 % percentiles."
        )

    def to_json(self) -> dict[str, Any]:
        """JSON-able dict (keys in the module docstring); NaN becomes None."""
        return {
            "n_boot": self.n_boot,
            "seed": self.seed,
            "n_oof": self.n_oof,
            "level": LEVEL,
            "method": METHOD,
            "prevalence": _num(self.prevalence),
            "picks": {
                p.key: {
                    "label": p.label,
                    "threshold": _num(p.threshold, 17),
                    "threshold_lo": _num(p.threshold_lo, 17),
                    "threshold_hi": _num(p.threshold_hi, 17),
                    "holdout": {
                        m: {"value": _num(v), "lo": _num(lo), "hi": _num(hi), **_wilson_json(p, m)}
                        for m, (v, lo, hi) in p.holdout.items()
                    },
                }
                for p in self.picks
            },
        }


# ---------------------------------------------------------------------------------------------------------
# The resampling engine: counts on the unique-score grid, never a sort per resample
# ---------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Grid:
    """OOF scores sorted once: the unique scores and each class's rows as codes into them."""

    u: np.ndarray
    pos_codes: np.ndarray
    neg_codes: np.ndarray
    index: np.ndarray  # 0 .. len(u) as floats: candidate "thresholds" that name their grid index


def _grid(y: np.ndarray, s: np.ndarray) -> _Grid:
    u, codes = np.unique(s, return_inverse=True)
    codes = codes.ravel().astype(np.intp)
    return _Grid(u, codes[y], codes[~y], np.arange(u.size + 1, dtype=float))


def _ge(counts: np.ndarray) -> np.ndarray:
    """Counts at or above each grid score, plus a trailing 0 (flag nobody)."""
    out = np.zeros(counts.size + 1, dtype=np.int64)
    np.cumsum(counts[::-1], out=out[-2::-1])
    return out


def _threshold_of(u: np.ndarray, present_idx: np.ndarray, j: int) -> float:
    """The threshold :func:`thresholds.oof_candidates` gives on the resample for grid index ``j``.

    Grid index ``j`` means "flag scores >= u[j]"; on the resample that is the operating point of the next
    present score ``v >= u[j]``, whose candidate threshold is halfway down to the previous present score
    ``p`` (``v`` itself when there is none or no float lies between them; just above the top present
    score for "flag nobody", ``j == len(u)``).
    """
    k = int(np.searchsorted(present_idx, j, side="left"))
    if k >= present_idx.size:
        return float(np.nextafter(u[present_idx[-1]], np.inf))
    v = float(u[present_idx[k]])
    if k == 0:
        return v
    p = float(u[present_idx[k - 1]])
    mid = (p + v) / 2
    return mid if mid > p else v


def _resample_candidates(grid: _Grid, rng: np.random.Generator) -> tuple[th.OofCandidates, np.ndarray]:
    """One stratified resample as the pickers' candidate table (bincount + cumulative sums, no sort).

    The candidates' ``thresholds`` are the grid indices (as floats): a picker's ``threshold`` is then the
    index it chose, mapped to the real threshold by :func:`_threshold_of` (one lookup per pick instead
    of a threshold array per resample). Also returns the indices of the grid scores present.
    """
    m = grid.u.size
    n_pos, n_neg = grid.pos_codes.size, grid.neg_codes.size
    pos = np.bincount(grid.pos_codes[rng.integers(0, n_pos, n_pos)], minlength=m)
    neg = np.bincount(grid.neg_codes[rng.integers(0, n_neg, n_neg)], minlength=m)
    cand = th.OofCandidates(grid.index, _ge(pos), _ge(neg), n_pos, n_neg)
    return cand, np.flatnonzero(pos + neg)


def bootstrap_picks(
    y_oof: Any,
    oof_scores: Any,
    requests: Sequence[th.PickRequest],
    *,
    prevalence: float | None = None,
    n_boot: int = N_BOOT,
    seed: int = 0,
) -> dict[str, np.ndarray]:
    """``n_boot`` resampled thresholds of each requested picker (key -> array), seeded.

    ``prevalence`` is the cost picker's (default: the training part's own, as in the app).
    """
    if n_boot < 1:
        raise DataError("The number of bootstrap resamples must be at least 1.")
    y, s = th._validate(y_oof, oof_scores, "cross-validated scores")
    th._check_both_classes(y, "cross-validated training part")
    grid = _grid(y, s)
    rng = np.random.default_rng(seed)
    out = {r.key: np.empty(n_boot) for r in requests}
    for b in range(n_boot):
        cand, present = _resample_candidates(grid, rng)
        for r in requests:
            try:
                j = int(COUNT_PICKERS[r.key](cand, r.value, prevalence).threshold)
            except DataError:  # a constraint (PPV >= x) no threshold meets in this resample: left out
                out[r.key][b] = math.nan
                continue
            out[r.key][b] = _threshold_of(grid.u, present, j)
    return out


def _holdout_measures(curve: th.ScoreCurve, t: np.ndarray, prevalence: float) -> dict[str, np.ndarray]:
    """Hold-out sensitivity, specificity, PPV, NPV (and at ``prevalence``) at thresholds ``t``: one
    ``searchsorted`` on the sorted hold-out curve, never a re-sort."""
    c = th.counts_at(curve, t)
    m = th.metric_columns(c)
    dep = th.deployment_columns(m["sensitivity"], m["specificity"], prevalence)
    return {
        "sensitivity": m["sensitivity"], "specificity": m["specificity"], "ppv": m["ppv"],
        "npv": m["npv"], "ppv_deploy": dep["ppv_deploy"], "npv_deploy": dep["npv_deploy"],
    }  # fmt: skip


def _percentiles(a: np.ndarray) -> tuple[float, float]:
    a = a[np.isfinite(a)]
    if a.size == 0:
        return math.nan, math.nan
    lo, hi = np.percentile(a, [100 * (1 - LEVEL) / 2, 100 * (1 + LEVEL) / 2])
    return float(lo), float(hi)


def default_requests(
    target_sensitivity: float = 0.95, cost_ratio: float = 10.0, beta: float = 2.0
) -> tuple[th.PickRequest, ...]:
    """The four pickers the Threshold page offers, with its parameters."""
    return (
        th.PickRequest("youden"),
        th.PickRequest("sensitivity", float(target_sensitivity)),
        th.PickRequest("cost", float(cost_ratio)),
        th.PickRequest("fbeta", float(beta)),
    )


def threshold_uncertainty(
    y_oof: Any,
    oof_scores: Any,
    y_test: Any,
    test_scores: Any,
    requests: Sequence[th.PickRequest] | None = None,
    *,
    prevalence: float | None = None,
    n_boot: int = N_BOOT,
    seed: int = 0,
) -> ThresholdUncertainty:
    """Bootstrap every requested picker on the OOF scores and read what each threshold gives on the hold-out.

    ``prevalence`` is the deployment prevalence (PPV/NPV at it, and the cost picker's, as on the
    Threshold page); default: the hold-out's own for the measures and the training part's for the cost.
    """
    th._check_prevalence(prevalence)
    reqs = tuple(requests) if requests is not None else default_requests()
    for r in reqs:
        if r.key not in COUNT_PICKERS:
            raise DataError(f"Unknown threshold picker; choose one of: {', '.join(COUNT_PICKERS)}.")
    y, s = th._validate(y_test, test_scores, "hold-out scores")
    th._check_both_classes(y, "hold-out set")
    yo, so = th._validate(y_oof, oof_scores, "cross-validated scores")
    th._check_both_classes(yo, "cross-validated training part")
    curve = th.score_curve(y, s)
    prev = curve.prevalence if prevalence is None else float(prevalence)
    cand = th.oof_candidates(yo, so)
    draws = bootstrap_picks(yo, so, reqs, prevalence=prevalence, n_boot=n_boot, seed=seed)
    picks = []
    for r in reqs:
        full = COUNT_PICKERS[r.key](cand, r.value, prevalence)
        d = draws[r.key]
        at_full = _holdout_measures(curve, np.array([full.threshold]), prev)
        at_draws = _holdout_measures(curve, d[np.isfinite(d)], prev)  # resamples without a pick left out
        holdout = {m: (float(at_full[m][0]), *_percentiles(at_draws[m])) for m in MEASURES}
        d.flags.writeable = False
        c = th.counts_at(curve, np.array([full.threshold]))
        tp, fp, tn, fn = (int(np.asarray(x)[0]) for x in (c.tp, c.fp, c.tn, c.fn))
        counts = {"sensitivity": (tp, tp + fn), "specificity": (tn, tn + fp), "ppv": (tp, tp + fp),
                  "npv": (tn, tn + fn)}  # fmt: skip
        picks.append(PickUncertainty(r.key, full.label, full.threshold, *_percentiles(d), holdout, d, counts))
    return ThresholdUncertainty(int(n_boot), int(seed), int(yo.size), prev, tuple(picks))
