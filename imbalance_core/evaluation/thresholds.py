"""Every number at every decision threshold, from labels and scores sorted once.

Why: moving the threshold is often the most clinically meaningful lever, and the app lets a person drag
it live. So the labels and scores are sorted once and the true/false positives accumulated
(scikit-learn's public ``confusion_matrix_at_thresholds``); the 2x2 table at any threshold is then one
binary search. Convention (scikit-learn's): a patient is *test positive* when ``score >= threshold``.

Nothing here fits or refits a model: moving the threshold, the deployment prevalence or the cost ratio
only re-reads arrays.

Main entry points
-----------------
- :func:`score_curve` (sort once) and :func:`counts_at` (vectorised 2x2 tables at any thresholds).
- :func:`table_at` / :func:`build_stop_table`: every count, metric and 95 % Wilson interval at each stop
  of the slider, in one vectorised pass. This is the single source of truth for the numbers the page,
  the report and the CLI show.
- Pickers (:func:`pick_youden`, :func:`pick_sensitivity`, :func:`pick_cost`, :func:`pick_fbeta`, registry
  :data:`PICKERS`, :func:`parse_pick` / :func:`run_pick`): they choose on the *out-of-fold* scores of the
  training part, never on the hold-out, and return a :class:`ThresholdPick` with a sentence saying why.
- :func:`build_explorer_data` -> :class:`ExplorerData`, whose :meth:`ExplorerData.to_payload` is the
  ``data`` handed to the live explorer component (``pages/widgets/threshold_explorer.py``).

Explorer payload contract (``ExplorerData.to_payload()``; JSON-able; NaN/inf become ``None``; metric floats
are rounded to 6 significant digits, thresholds are sent at full precision so that a committed threshold
re-applied to the scores gives exactly the 2x2 table shown for its stop)::

    {
      "n": int, "n_pos": int, "n_neg": int,                 # hold-out sizes
      "labels": {"positive": str, "negative": str},         # class names, show with textContent only
      "prevalence": float,                                  # deployment prevalence (*_deploy, per1000_*)
      "prevalence_text": str,                               # the same, written by the one percent formatter
      "beta": float,                                        # beta of the "fbeta" column
      "stops": {                                            # one list per column, all the same length
        "threshold": [...ascending],
        "tp", "fp", "tn", "fn": [int],
        "sensitivity", "sensitivity_lo", "sensitivity_hi",  # lo/hi: 95 % Wilson interval
        "specificity", "specificity_lo", "specificity_hi",
        "ppv", "ppv_lo", "ppv_hi", "npv", "npv_lo", "npv_hi",  # in the hold-out sample
        "f1", "f1_lo", "f1_hi", "fbeta",                    # F1 / BA / MCC: bootstrap 95 % intervals
        "balanced_accuracy", "balanced_accuracy_lo", "balanced_accuracy_hi",
        "accuracy", "accuracy_lo", "accuracy_hi",           # Wilson
        "mcc", "mcc_lo", "mcc_hi", "youden", "lr_pos", "lr_neg",
        "lr_pos_lo", "lr_pos_hi", "lr_neg_lo", "lr_neg_hi",  # log method (Simel 1991), 0.5 added on a zero
        "ppv_deploy", "ppv_deploy_lo", "ppv_deploy_hi",     # at the deployment prevalence (Bayes;
        "npv_deploy", "npv_deploy_lo", "npv_deploy_hi",     #  interval: Bonferroni Wilson sens/spec)
        "per1000_flagged", "per1000_true_pos", "per1000_missed",  # of 1,000 patients at that prevalence
      },
      "roc": {"fpr": [...], "tpr": [...]},                  # decimated (<= ~2,000 points) for drawing
      "pr": {"recall": [...], "precision": [...]},
      "roc_auc": {"value", "lo", "hi"},                     # DeLong 95 % interval
      "pr_auc": {"value", "lo", "hi"},                      # average precision, stratified bootstrap
      "hist": {"edges": [51 floats], "neg": [50 ints], "pos": [50 ints]},  # hold-out score histograms
      "picks": [{"key", "label", "threshold", "index", "reason"}],  # index into stops
      "initial_index": int,                                 # stop to show first
    }

A stop's operating point on the ROC curve is ``(1 - specificity, sensitivity)`` and on the PR curve
``(sensitivity, ppv)`` — read them from ``stops``, never from the decimated curves.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from sklearn.metrics import confusion_matrix_at_thresholds

from imbalance_core.errors import DataError
from imbalance_core.evaluation import curves
from imbalance_core.evaluation.formatting import percent, share_text
from imbalance_core.evaluation.intervals import (
    Interval,
    bootstrap_average_precision,
    bootstrap_stop_intervals,
    delong_roc_auc,
    deployment_interval,
    wilson,
)
from imbalance_core.evaluation.likelihood_ratios import log_interval_columns

#: Slider grid step; merged with score quantiles so that crowded scores still get fine steps.
GRID_STEP = 0.001
#: Number of score quantiles merged into the stops.
N_QUANTILE_STOPS = 1000
#: Bins of the score histograms in the payload.
HIST_BINS = 50


# ---------------------------------------------------------------------------------------------------------
# Validation and the sorted counts
# ---------------------------------------------------------------------------------------------------------


def _validate(y_true: Any, scores: Any, what: str = "scores") -> tuple[np.ndarray, np.ndarray]:
    """Labels as bool (True = positive) and scores as float, or a DataError in plain words."""
    y = np.asarray(y_true).ravel()
    s = np.asarray(scores, dtype=float).ravel()
    if y.shape != s.shape:
        raise DataError(
            f"The labels and the {what} have different lengths; they must describe the same patients."
        )
    if y.size == 0:
        raise DataError(f"There are no patients with {what} to evaluate.")
    if not np.all(np.isfinite(s)):
        raise DataError(f"Some {what} are missing or infinite; every patient needs a score.")
    if y.dtype != bool:
        if not np.all(np.isin(y, (0, 1))):
            raise DataError("The labels must be coded 1 for the positive class and 0 for the others.")
        y = y.astype(bool)
    return y, s


def _check_both_classes(y: np.ndarray, where: str) -> None:
    if y.all() or not y.any():
        raise DataError(
            f"The {where} holds patients of only one class; thresholds need at least one patient with "
            "and one without the condition."
        )


def _check_prevalence(prevalence: float | None) -> None:
    if prevalence is not None and not (0.0 < float(prevalence) < 1.0):
        raise DataError("The prevalence must be a share strictly between 0 and 1, for example 0.05 for 5 %.")


@dataclass(frozen=True)
class ScoreCurve:
    """Labels and scores sorted once: counts of positives/negatives scoring at or above each distinct score.

    ``scores`` holds the distinct scores ascending; ``tp_ge[i]`` / ``fp_ge[i]`` count positives / negatives
    with ``score >= scores[i]``; both carry one extra trailing 0 (a threshold above every score).
    """

    scores: np.ndarray
    tp_ge: np.ndarray
    fp_ge: np.ndarray
    n_pos: int
    n_neg: int

    @property
    def n(self) -> int:
        return self.n_pos + self.n_neg

    @property
    def prevalence(self) -> float:
        return self.n_pos / self.n


def score_curve(y_true: Any, scores: Any) -> ScoreCurve:
    """Sort once and accumulate (``sklearn.metrics.confusion_matrix_at_thresholds``)."""
    y, s = _validate(y_true, scores)
    n_pos = int(y.sum())
    n_neg = int(y.size - n_pos)
    if n_pos == 0 or n_neg == 0:
        # scikit-learn's curve needs both classes in some versions; one class is trivial by hand.
        ordered = np.sort(s)
        distinct = np.unique(ordered)
        ge = np.r_[s.size - np.searchsorted(ordered, distinct, side="left"), 0].astype(np.int64)
        zero = np.zeros_like(ge)
        return ScoreCurve(distinct, ge if n_pos else zero, zero if n_pos else ge, n_pos, n_neg)
    _tns, fps, _fns, tps, thr = confusion_matrix_at_thresholds(y, s, pos_label=True)
    tp_ge = np.r_[np.rint(tps[::-1]).astype(np.int64), 0]
    fp_ge = np.r_[np.rint(fps[::-1]).astype(np.int64), 0]
    return ScoreCurve(np.ascontiguousarray(thr[::-1]), tp_ge, fp_ge, n_pos, n_neg)


@dataclass(frozen=True)
class Counts:
    """The 2x2 table at each threshold (``score >= threshold`` is test positive)."""

    threshold: np.ndarray
    tp: np.ndarray
    fp: np.ndarray
    tn: np.ndarray
    fn: np.ndarray


def counts_at(curve: ScoreCurve, thresholds: Any) -> Counts:
    """2x2 tables at any thresholds by binary search on the sorted distinct scores (vectorised)."""
    t = np.atleast_1d(np.asarray(thresholds, dtype=float))
    idx = np.searchsorted(curve.scores, t, side="left")  # first distinct score >= t
    tp = curve.tp_ge[idx]
    fp = curve.fp_ge[idx]
    return Counts(t, tp, fp, curve.n_neg - fp, curve.n_pos - tp)


# ---------------------------------------------------------------------------------------------------------
# Metrics, vectorised
# ---------------------------------------------------------------------------------------------------------


def _ratio(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """a / b element-wise, NaN where b == 0 (0/0) and +inf where only b is 0 with a > 0."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.asarray(a, dtype=float) / np.asarray(b, dtype=float)


def metric_columns(c: Counts, beta: float = 1.0) -> dict[str, np.ndarray]:
    """Sensitivity, specificity, PPV, NPV, F1, F-beta, balanced accuracy, accuracy, MCC, Youden J, LR+/LR-.

    Undefined values are NaN (e.g. PPV when nobody is flagged) except MCC, which is 0 where undefined, as
    in scikit-learn's ``matthews_corrcoef``.
    """
    tp, fp, tn, fn = (np.asarray(x, dtype=float) for x in (c.tp, c.fp, c.tn, c.fn))
    n = tp + fp + tn + fn
    sens = _ratio(tp, tp + fn)
    spec = _ratio(tn, tn + fp)
    b2 = beta * beta
    denom = np.sqrt((tp + fp) * (tp + fn) * (tn + fp) * (tn + fn))
    mcc = np.where(denom > 0, _ratio(tp * tn - fp * fn, denom), 0.0)
    return {
        "sensitivity": sens,
        "specificity": spec,
        "ppv": _ratio(tp, tp + fp),
        "npv": _ratio(tn, tn + fn),
        "f1": _ratio(2 * tp, 2 * tp + fp + fn),
        "fbeta": _ratio((1 + b2) * tp, (1 + b2) * tp + b2 * fn + fp),
        "balanced_accuracy": (sens + spec) / 2,
        "accuracy": _ratio(tp + tn, n),
        "mcc": mcc,
        "youden": sens + spec - 1,
        "lr_pos": _ratio(sens, 1 - spec),
        "lr_neg": _ratio(1 - sens, spec),
    }


def deployment_columns(sens: np.ndarray, spec: np.ndarray, prevalence: float) -> dict[str, np.ndarray]:
    """PPV/NPV by Bayes at ``prevalence`` and natural frequencies per 1,000 patients like these."""
    p = float(prevalence)
    flagged = sens * p + (1 - spec) * (1 - p)
    negative = spec * (1 - p) + (1 - sens) * p
    return {
        "ppv_deploy": _ratio(sens * p, flagged),
        "npv_deploy": _ratio(spec * (1 - p), negative),
        "per1000_flagged": 1000 * flagged,
        "per1000_true_pos": 1000 * sens * p,
        "per1000_missed": 1000 * (1 - sens) * p,
    }


#: Column order of the stop table and of the payload's ``stops``.
STOP_COLUMNS = (
    "threshold", "tp", "fp", "tn", "fn",
    "sensitivity", "sensitivity_lo", "sensitivity_hi",
    "specificity", "specificity_lo", "specificity_hi",
    "ppv", "ppv_lo", "ppv_hi", "npv", "npv_lo", "npv_hi",
    "f1", "f1_lo", "f1_hi", "fbeta",
    "balanced_accuracy", "balanced_accuracy_lo", "balanced_accuracy_hi",
    "accuracy", "accuracy_lo", "accuracy_hi", "mcc", "mcc_lo", "mcc_hi", "youden", "lr_pos", "lr_neg",
    "lr_pos_lo", "lr_pos_hi", "lr_neg_lo", "lr_neg_hi",
    "ppv_deploy", "ppv_deploy_lo", "ppv_deploy_hi", "npv_deploy", "npv_deploy_lo", "npv_deploy_hi",
    "per1000_flagged", "per1000_true_pos", "per1000_missed",
)  # fmt: skip
INT_COLUMNS = frozenset({"tp", "fp", "tn", "fn"})


@dataclass(frozen=True)
class StopTable:
    """Every count, metric and interval at each stop (columns are read-only numpy arrays, ascending).

    ``prevalence`` is the deployment prevalence used for ``ppv_deploy``, ``npv_deploy`` and ``per1000_*``;
    ``beta`` is the beta of ``fbeta``. Intervals (``*_lo``/``*_hi``, 95 %, on the evaluated sample):
    Wilson for the proportions (sensitivity, specificity, PPV, NPV, accuracy); for PPV/NPV at the
    deployment prevalence, Bonferroni-combined 97.5 % Wilson intervals of sensitivity and specificity put
    into Bayes' rule (:func:`imbalance_core.evaluation.intervals.deployment_interval`); for F1, balanced
    accuracy
    and MCC a stratified percentile bootstrap keyed on each 2x2 table
    (:func:`imbalance_core.evaluation.intervals.bootstrap_stop_intervals`), computed here in Python, never in
    JS.
    """

    columns: Mapping[str, np.ndarray]
    n: int
    n_pos: int
    n_neg: int
    prevalence: float
    beta: float

    def __getattr__(self, name: str) -> np.ndarray:
        # Columns read as attributes: table.sensitivity, table.threshold, ...
        cols = self.__dict__.get("columns")
        if cols is not None and name in cols:
            return cols[name]
        raise AttributeError(name)

    def __len__(self) -> int:
        return int(self.columns["threshold"].size)

    def row(self, i: int) -> dict[str, float | int]:
        """One stop as plain Python numbers (ints for the counts)."""
        return {k: (int(v[i]) if k in INT_COLUMNS else float(v[i])) for k, v in self.columns.items()}

    def index_of(self, threshold: float) -> int:
        """Index of the stop at ``threshold`` or just below it (0 if every stop is above it)."""
        i = int(np.searchsorted(self.columns["threshold"], float(threshold), side="right")) - 1
        return max(i, 0)


def table_at(
    curve: ScoreCurve, thresholds: Any, prevalence: float | None = None, beta: float = 1.0
) -> StopTable:
    """Every count, metric and interval at the given thresholds, in one vectorised pass."""
    _check_prevalence(prevalence)
    prev = curve.prevalence if prevalence is None else float(prevalence)
    c = counts_at(curve, thresholds)
    m = metric_columns(c, beta)
    cols: dict[str, np.ndarray] = {"threshold": c.threshold, "tp": c.tp, "fp": c.fp, "tn": c.tn, "fn": c.fn}
    cols.update(m)
    for name, k, nobs in (
        ("sensitivity", c.tp, c.tp + c.fn),
        ("specificity", c.tn, c.tn + c.fp),
        ("ppv", c.tp, c.tp + c.fp),
        ("npv", c.tn, c.tn + c.fn),
        ("accuracy", c.tp + c.tn, c.tp + c.fp + c.tn + c.fn),
    ):
        cols[f"{name}_lo"], cols[f"{name}_hi"] = wilson(k, nobs)
    cols.update(log_interval_columns(c.tp, c.fp, c.tn, c.fn))
    cols.update(deployment_columns(m["sensitivity"], m["specificity"], prev))
    cols.update(deployment_interval(c.tp, c.fp, c.tn, c.fn, prev))
    cols.update(bootstrap_stop_intervals(c.tp, c.fp, curve.n_pos, curve.n_neg))
    ordered = {k: cols[k] for k in STOP_COLUMNS}
    for v in ordered.values():
        v.flags.writeable = False
    return StopTable(ordered, curve.n, curve.n_pos, curve.n_neg, prev, float(beta))


def sorted_score_at(curve: ScoreCurve, ranks: np.ndarray) -> np.ndarray:
    """The score at each 0-based rank of all scores sorted ascending, read off the curve (no new sort)."""
    count_le = curve.n - (curve.tp_ge[1:] + curve.fp_ge[1:])  # scores <= each distinct score
    return curve.scores[np.searchsorted(count_le, np.asarray(ranks), side="right")]


def stops_for(curve: ScoreCurve, extra: Sequence[float] = ()) -> np.ndarray:
    """The slider's stops: a 0.001 grid on [0, 1], ~1,000 score quantiles (actual scores) and ``extra``.

    The quantile stops give fine steps where scores crowd (e.g. below 0.05). A stop just above the top
    score is added when the grid does not reach above it, so the slider can always reach "nobody flagged".
    """
    grid = np.round(np.arange(0, 1 + GRID_STEP / 2, GRID_STEP), 6)
    ranks = np.unique(np.rint(np.linspace(0, curve.n - 1, N_QUANTILE_STOPS)).astype(np.int64))
    top = float(curve.scores[-1])
    parts = [grid, sorted_score_at(curve, ranks), np.asarray(extra, dtype=float).ravel()]
    if top >= grid[-1]:
        parts.append([np.nextafter(top, np.inf)])
    stops = np.unique(np.concatenate(parts))
    return stops[np.isfinite(stops)]


def slider_stops(scores: Any, extra: Sequence[float] = ()) -> np.ndarray:
    """:func:`stops_for` straight from scores (any labels give the same stops)."""
    s = np.asarray(scores, dtype=float).ravel()
    return stops_for(score_curve(np.zeros(s.size, dtype=bool), s), extra)


def build_stop_table(
    y_true: Any,
    scores: Any,
    extra_thresholds: Sequence[float] = (),
    prevalence: float | None = None,
    beta: float = 1.0,
) -> StopTable:
    """The explorer's stop table: :func:`stops_for` evaluated by :func:`table_at` (scores sorted once).

    ``prevalence`` is the deployment prevalence (default: the sample's own).
    """
    curve = score_curve(y_true, scores)
    return table_at(curve, stops_for(curve, extra_thresholds), prevalence, beta)


# ---------------------------------------------------------------------------------------------------------
# Pickers (on out-of-fold training scores)
# ---------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ThresholdPick:
    """A chosen threshold with a sentence for a clinician saying why it was chosen."""

    key: str
    label: str
    threshold: float
    reason: str


@dataclass(frozen=True)
class OofCandidates:
    """Every achievable operating point of the out-of-fold scores: one per distinct score + 'flag nobody'.

    Built once by :func:`oof_candidates` and shared by all pickers (pass it as ``candidates=``), so that
    running four pickers on a large training part sorts its scores once.
    """

    thresholds: np.ndarray
    tp: np.ndarray
    fp: np.ndarray
    n_pos: int
    n_neg: int

    @property
    def sensitivity(self) -> np.ndarray:
        return self.tp / self.n_pos

    @property
    def specificity(self) -> np.ndarray:
        return 1.0 - self.fp / self.n_neg

    @property
    def prevalence(self) -> float:
        return self.n_pos / (self.n_pos + self.n_neg)


def oof_candidates(y_oof: Any, oof_scores: Any) -> OofCandidates:
    """Sort the out-of-fold scores once and list every operating point the pickers may choose from.

    The threshold for distinct score ``u[i]`` is halfway down to the next lower score: the same counts on
    these scores, and less arbitrary on new patients than a threshold sitting exactly on a training score.
    """
    y, s = _validate(y_oof, oof_scores, "cross-validated scores")
    _check_both_classes(y, "cross-validated training part")
    curve = score_curve(y, s)
    u = curve.scores
    mids = np.r_[u[0], (u[:-1] + u[1:]) / 2, np.nextafter(u[-1], np.inf)]
    exact = np.r_[u, mids[-1]]
    # Adjacent floats have no midpoint strictly between them: keep the score itself there.
    thr = np.where(np.r_[True, mids[1:-1] > u[:-1], True], mids, exact)
    return OofCandidates(thr, curve.tp_ge, curve.fp_ge, curve.n_pos, curve.n_neg)


def _cands(y_oof: Any, oof_scores: Any, candidates: OofCandidates | None) -> OofCandidates:
    return candidates if candidates is not None else oof_candidates(y_oof, oof_scores)


def _pick(key: str, label: str, cand: OofCandidates, i: int, why: str) -> ThresholdPick:
    reason = (
        f"{why} on cross-validated training scores: sensitivity {cand.tp[i] / cand.n_pos:.2f}, "
        f"specificity {1 - cand.fp[i] / cand.n_neg:.2f}."
    )
    return ThresholdPick(key, label, float(cand.thresholds[i]), reason)


def pick_youden(y_oof: Any, oof_scores: Any, *, candidates: OofCandidates | None = None) -> ThresholdPick:
    """Threshold with the highest Youden J (sensitivity + specificity - 1); ties go to higher sensitivity."""
    cand = _cands(y_oof, oof_scores, candidates)
    youden = cand.sensitivity + cand.specificity - 1
    i = int(np.argmax(youden))
    return _pick("youden", "Best balance (Youden J)", cand, i, f"Highest Youden J ({youden[i]:.2f})")


def pick_sensitivity(
    y_oof: Any, oof_scores: Any, target: float = 0.95, *, candidates: OofCandidates | None = None
) -> ThresholdPick:
    """Lowest-false-positive threshold whose sensitivity reaches ``target`` (the screening choice)."""
    if not 0 < target <= 1:
        raise DataError("The target sensitivity must be a share above 0 and at most 1, for example 0.95.")
    cand = _cands(y_oof, oof_scores, candidates)
    ok = cand.tp >= target * cand.n_pos - 1e-9
    fp_min = cand.fp[ok].min()
    best = np.flatnonzero(ok & (cand.fp == fp_min))
    i = int(best[np.argmax(cand.tp[best])])
    return _pick(
        "sensitivity",
        f"Screening (sensitivity ≥ {target:g})",
        cand,
        i,
        f"Fewest false positives ({int(cand.fp[i])}) while reaching sensitivity ≥ {target:g}",
    )


def expected_cost(sens: np.ndarray, spec: np.ndarray, cost_ratio: float, prevalence: float) -> np.ndarray:
    """Expected cost per patient, in units of one false positive: ratio·p·(1-sens) + (1-p)·(1-spec)."""
    return cost_ratio * prevalence * (1 - sens) + (1 - prevalence) * (1 - spec)


def pick_cost(
    y_oof: Any,
    oof_scores: Any,
    cost_ratio: float = 10.0,
    prevalence: float | None = None,
    *,
    candidates: OofCandidates | None = None,
) -> ThresholdPick:
    """Minimum expected cost when a missed case (FN) costs ``cost_ratio`` false alarms (FP).

    The cost is computed from sensitivity and specificity, which do not depend on the sample's class mix,
    weighted by the prevalence the model will meet (default: the training part's own prevalence).
    """
    if not (cost_ratio > 0 and math.isfinite(cost_ratio)):
        raise DataError(
            "The cost ratio must be a positive number, for example 10 if a missed case is 10 times worse."
        )
    _check_prevalence(prevalence)
    cand = _cands(y_oof, oof_scores, candidates)
    p = cand.prevalence if prevalence is None else float(prevalence)
    cost = expected_cost(cand.sensitivity, cand.specificity, cost_ratio, p)
    i = int(np.argmin(cost))
    return _pick(
        "cost",
        f"Lowest cost (missed case = {cost_ratio:g} false alarms)",
        cand,
        i,
        f"Lowest expected cost ({cost[i]:.3f} per patient, in false-alarm units) when a missed case costs "
        f"{cost_ratio:g} false alarms at a prevalence of {percent(p)}",
    )


def pick_fbeta(
    y_oof: Any, oof_scores: Any, beta: float = 2.0, *, candidates: OofCandidates | None = None
) -> ThresholdPick:
    """Threshold with the highest F-beta (beta > 1 weighs sensitivity above precision)."""
    if not (beta > 0 and math.isfinite(beta)):
        raise DataError("The F-beta weight must be a positive number, for example 2.")
    cand = _cands(y_oof, oof_scores, candidates)
    b2 = beta * beta
    tp = cand.tp.astype(float)
    fbeta = (1 + b2) * tp / ((1 + b2) * tp + b2 * (cand.n_pos - tp) + cand.fp)
    i = int(np.argmax(fbeta))
    return _pick("fbeta", f"Best F{beta:g}", cand, i, f"Highest F{beta:g} ({fbeta[i]:.2f})")


def pick_top_share(
    y_oof: Any, oof_scores: Any, share: float = 0.05, *, candidates: OofCandidates | None = None
) -> ThresholdPick:
    """Flag at most ``share`` of the patients (a workload: "the top 5 %", "30 a day out of 400").

    The lowest threshold whose flagged share of the cross-validated training rows stays at or below
    ``share``; tied scores are flagged together, so the share reached can be lower than asked.
    """
    if not (0 < share < 1 and math.isfinite(share)):
        raise DataError(
            "The share to flag must lie between 0 and 1 (or 0 % and 100 %), "
            "for example top:5% or flags:30/400."
        )
    cand = _cands(y_oof, oof_scores, candidates)
    n = cand.n_pos + cand.n_neg
    flagged = cand.tp + cand.fp
    ok = flagged <= share * n + 1e-9
    most = flagged[ok].max()
    best = np.flatnonzero(ok & (flagged == most))
    i = int(best[np.argmax(cand.tp[best])])
    return _pick(
        "top",
        f"Workload (flag at most {percent(share)})",
        cand,
        i,
        f"Flags {int(flagged[i]):,} of {n:,} patients ({percent(flagged[i] / n)}, "
        f"at most {percent(share)} asked)",
    )


def ppv_at(cand: OofCandidates, prevalence: float | None) -> np.ndarray:
    """PPV at every candidate: in the training rows, or at ``prevalence`` from sensitivity and specificity
    (Bayes); NaN where nobody is flagged."""
    sens, fpr = cand.sensitivity, 1.0 - cand.specificity
    p = cand.prevalence if prevalence is None else float(prevalence)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(sens + fpr > 0, sens * p / (sens * p + fpr * (1 - p)), np.nan)


def pick_ppv(
    y_oof: Any,
    oof_scores: Any,
    target: float = 0.2,
    prevalence: float | None = None,
    *,
    candidates: OofCandidates | None = None,
) -> ThresholdPick:
    """Highest sensitivity while PPV stays at or above ``target`` ("at least 1 in 5 flagged is ill").

    PPV at the prevalence the model will meet when given (else the training rows' own). Among thresholds
    with the same sensitivity, the one with fewest false positives.
    """
    if not (0 < target < 1 and math.isfinite(target)):
        raise DataError("The PPV to keep must be a share between 0 and 1, for example ppv:0.2.")
    _check_prevalence(prevalence)
    cand = _cands(y_oof, oof_scores, candidates)
    ppv = ppv_at(cand, prevalence)
    ok = np.nan_to_num(ppv, nan=-1.0) >= target - 1e-12
    if not ok.any():
        raise DataError(
            f"No threshold keeps PPV at or above {percent(target)} on cross-validated training scores "
            f"(the highest reached is {share_text(np.nanmax(ppv))}); ask for a lower PPV."
        )
    tp_max = cand.tp[ok].max()
    best = np.flatnonzero(ok & (cand.tp == tp_max))
    i = int(best[np.argmin(cand.fp[best])])
    where = "" if prevalence is None else f" at a prevalence of {percent(prevalence)}"
    return _pick(
        "ppv",
        f"Highest sensitivity with PPV ≥ {target:g}",
        cand,
        i,
        f"Highest sensitivity while PPV stays ≥ {target:g} (PPV {ppv[i]:.2f}{where})",
    )


@dataclass(frozen=True)
class PickerSpec:
    """A registered picker: its CLI key, parameter name and default, and the function that runs it."""

    key: str
    name: str
    param: str | None
    default: float | None
    run: Callable[..., ThresholdPick]


PICKERS: dict[str, PickerSpec] = {
    "youden": PickerSpec("youden", "Highest Youden J", None, None, lambda y, s, v, p: pick_youden(y, s)),
    "sensitivity": PickerSpec(
        "sensitivity", "Target sensitivity", "target", 0.95, lambda y, s, v, p: pick_sensitivity(y, s, v)
    ),
    "cost": PickerSpec(
        "cost", "Minimum expected cost", "FN:FP cost ratio", 10.0, lambda y, s, v, p: pick_cost(y, s, v, p)
    ),
    "fbeta": PickerSpec("fbeta", "Highest F-beta", "beta", 2.0, lambda y, s, v, p: pick_fbeta(y, s, v)),
    "top": PickerSpec(
        "top", "Workload: flag at most a share", "share", 0.05, lambda y, s, v, p: pick_top_share(y, s, v)
    ),
    "ppv": PickerSpec(
        "ppv", "Highest sensitivity with PPV ≥", "PPV", 0.2, lambda y, s, v, p: pick_ppv(y, s, v, p)
    ),
}

#: Other names for a picker on the command line: ``flags:30/400`` is a workload share, like ``top``.
PICKER_ALIASES = {"flags": "top", "workload": "top"}


@dataclass(frozen=True)
class PickRequest:
    """A parsed ``--pick`` value such as ``sensitivity:0.95``."""

    key: str
    value: float | None = None


def _parse_value(key: str, raw: str, default: float | None) -> float:
    """A picker's number: ``0.05``, ``5%`` (a percentage) or ``30/400`` (N per M patients)."""
    text = raw.strip().replace(" ", "")
    try:
        if text.endswith("%"):
            return float(text[:-1]) / 100.0
        if "/" in text:
            num, _, den = text.partition("/")
            return float(num) / float(den)
        return float(text)
    except (ValueError, ZeroDivisionError):
        example = f"{key}:{default:g}" if default is not None else key
        raise DataError(
            f"The {key} picker needs a number after the colon, for example {example}"
            + (", 5% or 30/400." if key == "top" else ".")
        ) from None


def parse_pick(text: str) -> PickRequest:
    """Parse ``youden``, ``sensitivity:0.95``, ``cost:10``, ``fbeta:2``, ``top:5%``, ``flags:30/400`` or
    ``ppv:0.2`` (value optional; defaults apply)."""
    key, _, raw = str(text).strip().partition(":")
    key = key.strip().lower()
    key = PICKER_ALIASES.get(key, key)
    spec = PICKERS.get(key)
    if spec is None:
        raise DataError(f"Unknown threshold picker; choose one of: {', '.join(PICKERS)}.")
    if not raw.strip():
        return PickRequest(key, spec.default)
    if spec.param is None:
        raise DataError(f"The {key} picker takes no value; write just '{key}'.")
    return PickRequest(key, _parse_value(key, raw, spec.default))


def run_pick(
    request: PickRequest, y_oof: Any, oof_scores: Any, prevalence: float | None = None
) -> ThresholdPick:
    """Run a parsed picker on out-of-fold scores (``prevalence`` is used by the cost picker)."""
    return PICKERS[request.key].run(y_oof, oof_scores, request.value, prevalence)


# ---------------------------------------------------------------------------------------------------------
# Explorer data and its JSON payload
# ---------------------------------------------------------------------------------------------------------


def _json_floats(a: Any, digits: int = 6) -> list[float | None]:
    """Floats rounded to ``digits`` significant digits (17 = exact); NaN and inf become None."""
    out: list[float | None] = []
    for x in np.asarray(a, dtype=float).tolist():
        out.append(float(f"{x:.{digits}g}") if math.isfinite(x) else None)
    return out


def _json_interval(iv: Interval) -> dict[str, float | None]:
    v, lo, hi = _json_floats([iv.value, iv.lo, iv.hi])
    return {"value": v, "lo": lo, "hi": hi}


@dataclass(frozen=True)
class ScoreHistogram:
    """Counts of each class's scores in shared bins (``edges`` has one more entry than the counts)."""

    edges: np.ndarray
    neg: np.ndarray
    pos: np.ndarray


def score_histogram(y_true: Any, scores: Any, bins: int = HIST_BINS) -> ScoreHistogram:
    """Histograms of the negatives' and positives' scores on [0, 1] (widened if scores leave it)."""
    y, s = _validate(y_true, scores)
    lo, hi = min(0.0, float(s.min())), max(1.0, float(s.max()))
    edges = np.linspace(lo, hi, bins + 1)
    return ScoreHistogram(edges, np.histogram(s[~y], edges)[0], np.histogram(s[y], edges)[0])


@dataclass(frozen=True)
class ExplorerData:
    """Everything the live threshold explorer shows, computed from arrays only (no model is touched)."""

    table: StopTable
    roc: curves.RocCurve
    pr: curves.PrCurve
    roc_auc: Interval
    pr_auc: Interval
    hist: ScoreHistogram
    picks: tuple[ThresholdPick, ...]
    pick_index: tuple[int, ...]
    initial_index: int
    positive_label: str
    negative_label: str

    def to_payload(self) -> dict[str, Any]:
        """The JSON-able dict described in this module's docstring (the component's ``data``)."""
        t = self.table
        stops = {
            k: (np.asarray(v).astype(int).tolist() if k in INT_COLUMNS else _json_floats(v))
            for k, v in t.columns.items()
        }
        stops["threshold"] = _json_floats(t.columns["threshold"], digits=17)
        return {
            "n": t.n,
            "n_pos": t.n_pos,
            "n_neg": t.n_neg,
            "labels": {"positive": str(self.positive_label), "negative": str(self.negative_label)},
            "prevalence": _json_floats([t.prevalence])[0],
            "prevalence_text": percent(t.prevalence),  # shown as is: one formatter everywhere
            "beta": t.beta,
            "stops": stops,
            "roc": {"fpr": _json_floats(self.roc.fpr), "tpr": _json_floats(self.roc.tpr)},
            "pr": {"recall": _json_floats(self.pr.recall), "precision": _json_floats(self.pr.precision)},
            "roc_auc": _json_interval(self.roc_auc),
            "pr_auc": _json_interval(self.pr_auc),
            "hist": {
                "edges": _json_floats(self.hist.edges),
                "neg": self.hist.neg.astype(int).tolist(),
                "pos": self.hist.pos.astype(int).tolist(),
            },
            "picks": [
                {
                    "key": p.key,
                    "label": p.label,
                    "threshold": _json_floats([p.threshold], digits=17)[0],
                    "index": i,
                    "reason": p.reason,
                }
                for p, i in zip(self.picks, self.pick_index, strict=True)
            ],
            "initial_index": self.initial_index,
        }


def build_explorer_data(
    y_test: Any,
    test_scores: Any,
    y_oof: Any,
    oof_scores: Any,
    *,
    positive_label: str,
    negative_label: str,
    prevalence: float | None = None,
    cost_ratio: float = 10.0,
    target_sensitivity: float = 0.95,
    beta: float = 2.0,
    initial_threshold: float = 0.5,
    n_boot: int = 200,
    seed: int = 0,
) -> ExplorerData:
    """Stop table, curves, AUC intervals, histograms and picks for the explorer, from arrays only.

    Pickers run on the out-of-fold training scores (``y_oof``, ``oof_scores``); every figure shown is the
    hold-out's (``y_test``, ``test_scores``) at the picked threshold. ``prevalence`` is the deployment
    prevalence (default: the hold-out's); the cost picker uses it too (default: the training part's).
    """
    y, s = _validate(y_test, test_scores, "hold-out scores")
    _check_both_classes(y, "hold-out set")
    _check_prevalence(prevalence)
    cand = oof_candidates(y_oof, oof_scores)
    picks = (
        pick_youden(y_oof, oof_scores, candidates=cand),
        pick_sensitivity(y_oof, oof_scores, target_sensitivity, candidates=cand),
        pick_cost(y_oof, oof_scores, cost_ratio, prevalence, candidates=cand),
        pick_fbeta(y_oof, oof_scores, beta, candidates=cand),
    )
    curve = score_curve(y, s)
    extra = [p.threshold for p in picks] + [float(initial_threshold)]
    table = table_at(curve, stops_for(curve, extra), prevalence, beta)
    return ExplorerData(
        table=table,
        roc=curves.decimate_roc(curves.roc_from_curve(curve.fp_ge, curve.tp_ge)),
        pr=curves.decimate_pr(curves.pr_from_curve(curve.fp_ge, curve.tp_ge)),
        roc_auc=delong_roc_auc(y, s),
        pr_auc=bootstrap_average_precision(y, s, n_boot=n_boot, seed=seed),
        hist=score_histogram(y, s),
        picks=picks,
        pick_index=tuple(table.index_of(p.threshold) for p in picks),
        initial_index=table.index_of(initial_threshold),
        positive_label=str(positive_label),
        negative_label=str(negative_label),
    )


# ---------------------------------------------------------------------------------------------------------
# The one current threshold of a trained model
# ---------------------------------------------------------------------------------------------------------

#: Origin sentence of the default threshold (Threshold page, sidebar, Report, Predict, model file, CLI).
DEFAULT_ORIGIN = "default: Youden on cross-validated training scores"


@dataclass(frozen=True)
class ChosenThreshold:
    """The threshold a model currently uses and where it came from, in words.

    ``is_default`` is True until the person moves it (slider, suggestion button, Report page, CLI flag).
    """

    value: float
    origin: str
    is_default: bool = False


def default_threshold(y_oof: Any, oof_scores: Any) -> ChosenThreshold:
    """The documented default threshold: the Youden pick on the out-of-fold training scores.

    Why Youden: it is chosen on cross-validated training scores only (never on the hold-out, so the
    hold-out figures stay honest), it needs no cost or prevalence the person has not given yet, and it
    does not depend on the class mix. 0.5 is not a neutral choice after resampling or weighting, which
    move the score scale. Every place that needs "the model's threshold" before the person chooses one
    (Threshold page, sidebar, Report, Predict, saved model, ``evaluate``/``report`` on the command line)
    calls this function, so they cannot disagree.
    """
    pick = pick_youden(y_oof, oof_scores)
    return ChosenThreshold(pick.threshold, DEFAULT_ORIGIN, True)


def default_for_result(result: Any, class_index: int | None = None) -> ChosenThreshold | None:
    """:func:`default_threshold` of a trained result; a multi-class one needs ``class_index`` (one vs rest).

    None for a multi-class result without a class (it calls the most probable class: no threshold).
    """
    y, s = result.y_train, result.oof_scores
    if not result.is_binary:
        if class_index is None:
            return None
        y, s = (np.asarray(y) == class_index).astype(int), np.asarray(s)[:, class_index]
    return default_threshold(y, s)
