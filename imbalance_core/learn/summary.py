"""JSON-ready summaries of a trained result, beside the result types so every face shares them.

``result_json`` is what ``evaluate --json`` prints (hold-out 2x2 and metrics at the threshold, CV
summary, pick, prevalence-adjusted PPV/NPV), ``row_json`` one Compare row; ``binary_view`` is the
two-class question a threshold applies to (a binary task, or one class against the rest).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from imbalance_core.errors import DataError
from imbalance_core.evaluation import rule_zones
from imbalance_core.evaluation import threshold_uncertainty as uncertainty
from imbalance_core.evaluation.intervals import wilson
from imbalance_core.evaluation.metrics import binary_table, multiclass_fold_metrics
from imbalance_core.evaluation.thresholds import (
    ChosenThreshold,
    ThresholdPick,
    score_curve,
    table_at,
)
from imbalance_core.intake.task import PreparedData
from imbalance_core.learn.compare import CompareRow
from imbalance_core.learn.operating_point import cv_at_threshold, model_threshold
from imbalance_core.learn.training import TrainResult


@dataclass(frozen=True)
class BinaryView:
    """Hold-out and out-of-fold labels (1 = the judged class) and scores of a two-class question.

    A two-class task's own, or one class against the rest of a multi-class task (``--one-vs-rest``).
    """

    y_test: np.ndarray
    test_scores: np.ndarray
    y_oof: np.ndarray
    oof_scores: np.ndarray
    class_name: str | None = None


def binary_view(result: TrainResult, one_vs_rest: str | None = None) -> BinaryView | None:
    """The two-class question the threshold applies to; None for a multi-class task without a class."""
    if result.is_binary:
        if one_vs_rest is not None:
            raise DataError("--one-vs-rest is for multi-class tasks (--multiclass); leave it out here.")
        return BinaryView(result.y_test, result.test_scores, result.y_train, result.oof_scores)
    if one_vs_rest is None:
        return None
    names = [str(n) for n in result.class_names]
    if one_vs_rest not in names:
        raise DataError(f"--one-vs-rest names no class of the label; classes: {', '.join(names[:20])}.")
    c = names.index(one_vs_rest)
    return BinaryView(
        (np.asarray(result.y_test) == c).astype(int), np.asarray(result.test_scores)[:, c],
        (np.asarray(result.y_train) == c).astype(int), np.asarray(result.oof_scores)[:, c], one_vs_rest,
    )  # fmt: skip


def prevalence_block(result: TrainResult, threshold: float, prevalence: float | None) -> dict[str, Any]:
    """Binary: PPV and NPV at the deployment prevalence (default the hold-out's) from the stop-table code."""
    if not result.is_binary:
        return {}
    return view_prevalence_block(binary_view(result), threshold, prevalence)


def view_prevalence_block(view: BinaryView, threshold: float, prevalence: float | None) -> dict[str, Any]:
    """PPV and NPV at the deployment prevalence of a two-class view (see :func:`prevalence_block`)."""
    table = table_at(score_curve(view.y_test, view.test_scores), [threshold], prevalence)
    return {
        "ppv_at_prevalence": float(table.ppv_deploy[0]),
        "npv_at_prevalence": float(table.npv_deploy[0]),
        "prevalence": table.prevalence,
    }


def _clean(value: Any) -> Any:
    """JSON-safe: NaN/inf -> None, numpy scalars -> Python."""
    if isinstance(value, dict):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


#: Proportions of the 2x2 table that the pages show with an interval: key -> (successes, trials) cells.
PROPORTIONS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "sensitivity": (("tp",), ("tp", "fn")),
    "specificity": (("tn",), ("tn", "fp")),
    "ppv": (("tp",), ("tp", "fp")),
    "npv": (("tn",), ("tn", "fn")),
    "accuracy": (("tp", "tn"), ("tp", "tn", "fp", "fn")),
}


def wilson_intervals(table: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """95 % Wilson intervals of every hold-out proportion in :data:`PROPORTIONS` from a 2x2 ``table``
    (``tp``, ``fp``, ``tn``, ``fn``): {key: {"value", "lo", "hi", "method": "Wilson"}} — the numbers the
    Report and Threshold pages show beside each measure (None where there is nobody to count)."""
    out = {}
    for key, (hits, trials) in PROPORTIONS.items():
        k = sum(int(table[c]) for c in hits)
        n = sum(int(table[c]) for c in trials)
        lo, hi = wilson(np.array([k]), np.array([n]))
        value = k / n if n else float("nan")
        out[key] = {"value": value, "lo": float(lo[0]), "hi": float(hi[0]), "method": "Wilson"}
    return out


def holdout_block(result: TrainResult, threshold: float | None) -> dict[str, Any]:
    """Hold-out metrics: binary -> the 2x2 table and measures at ``threshold``; multi-class -> macro."""
    if result.is_binary:
        return binary_table(result.y_test, result.test_scores, threshold)
    metrics, per_class = multiclass_fold_metrics(result.y_test, result.test_scores)
    return {
        "n": len(result.y_test),
        **metrics,
        "per_class_accuracy": dict(zip(result.class_names, per_class, strict=True)),
    }


def cv_block(result: TrainResult, threshold: float | None = None, origin: str = "") -> dict[str, Any]:
    """CV mean and sd per measure, and the per-fold rows.

    Two-class: ROC AUC, PR AUC and Brier need no threshold; the others are counted at ``threshold``
    (the model's default when None, as on the Train page; the payload's ``threshold``). Multi-class: the
    most probable class.
    """
    if result.is_binary:
        chosen = model_threshold(result) if threshold is None else ChosenThreshold(float(threshold), origin)
    else:
        chosen = None
    cv = cv_at_threshold(result, chosen)
    block: dict[str, Any] = {key: {"mean": s.mean, "sd": s.sd} for key, s in cv.summary.items()}
    n_train = {f.fold: f.n_train for f in result.folds}
    block["folds"] = [{"n_train": n_train.get(int(f["fold"])), **f} for f in cv.folds]
    return block


def result_to_json(
    result: TrainResult, threshold: float | None = None, data: PreparedData | None = None
) -> dict[str, Any]:
    """The whole evaluation as a JSON-able dict (NaN becomes null): evaluate's ``--json`` output.

    Keys: data, settings, test (hold-out at ``threshold``), cv ({metric: {mean, sd}}, folds),
    train_counts, resampled_counts, notices, timings.
    """
    s = result.settings
    if threshold is None and result.is_binary:  # the model's own default, never a silent 0.5
        threshold = model_threshold(result).value
    about = {
        "name": data.name if data is not None else "data",
        "rows": len(data.y) if data is not None else len(result.y_train) + len(result.y_test),
        "class_names": list(result.class_names),
    }
    return _clean(
        {
            "data": about,
            "settings": {
                "sampler": s.sampler,
                "classifier": s.classifier,
                "ratio": s.ratio,
                "weighting": s.weighting,
                "cv": s.cv,
                "test_size": s.test_size,
                "seed": s.seed,
            },
            "test": holdout_block(result, threshold),
            "cv": cv_block(result, threshold),
            "train_counts": result.train_counts,
            "resampled_counts": result.resampled_counts,
            "clipped_values": getattr(result, "clipped_counts", {}),
            "notices": list(result.notices),
            "timings": result.timings,
        }
    )


def result_json(
    result: TrainResult,
    data: PreparedData | None,
    threshold: float | None,
    pick: ThresholdPick | None = None,
    prevalence: float | None = None,
    origin: str = "",
    view: BinaryView | None = None,
) -> dict[str, Any]:
    """evaluate's ``--json`` output: :func:`result_to_json` plus the threshold ``pick`` (None without
    ``--pick``), the deployment ``prevalence`` and PPV/NPV at it in the ``test`` block (binary tasks),
    ``threshold`` and ``threshold_origin`` (how it was chosen, e.g. the default Youden pick). With a
    one-vs-rest ``view``, ``test`` is that class's 2x2 table and the macro block moves to
    ``test_multiclass``."""
    payload = result_to_json(result, threshold, data)
    extra = {} if threshold is None else prevalence_block(result, threshold, prevalence)
    if view is not None and view.class_name is not None and threshold is not None:
        # One class against the rest: the Threshold page's 2x2 table, not the macro figures.
        payload["test_multiclass"] = payload["test"]
        payload["test"] = _clean(binary_table(view.y_test, view.test_scores, threshold))
        extra = view_prevalence_block(view, threshold, prevalence)
        payload["one_vs_rest"] = view.class_name
    payload["test"].update(_clean({k: v for k, v in extra.items() if k != "prevalence"}))
    if "tp" in payload["test"]:  # a 2x2 table: the page's proportions with their 95 % intervals
        payload["test"]["intervals"] = _clean(wilson_intervals(payload["test"]))
    payload["prevalence"] = _clean(extra.get("prevalence"))
    payload["threshold"] = _clean(threshold)
    payload["threshold_origin"] = origin
    payload["pick"] = (
        None
        if pick is None
        else _clean({"key": pick.key, "threshold": pick.threshold, "reason": pick.reason})
    )
    return payload


def uncertainty_json(
    view: BinaryView, pick_text: str, prevalence: float | None, n_boot: int, seed: int
) -> dict[str, Any]:
    """``threshold_uncertainty`` of ``evaluate --pick``: the picker bootstrapped on the out-of-fold rows
    (keys in :mod:`imbalance_core.evaluation.threshold_uncertainty`'s docstring)."""
    from imbalance_core.evaluation.thresholds import parse_pick

    return uncertainty.threshold_uncertainty(
        view.y_oof, view.oof_scores, view.y_test, view.test_scores, [parse_pick(pick_text)],
        prevalence=prevalence, n_boot=n_boot, seed=seed,
    ).to_json()  # fmt: skip


def rule_json(view: BinaryView, t_low: float, t_high: float, prevalence: float | None) -> dict[str, Any]:
    """``rule`` of ``evaluate --rule-out T1 --rule-in T2``: the three zones on the hold-out
    (keys: :meth:`imbalance_core.evaluation.rule_zones.RuleZones.to_json`)."""
    return rule_zones.rule_zones(view.y_test, view.test_scores, t_low, t_high, prevalence).to_json()


def row_json(row: CompareRow, data: PreparedData) -> dict[str, Any]:
    """One pair as evaluate's JSON at the row's own threshold (its default, or the one set for the grid,
    named in ``threshold_origin``) plus its keys, or its keys and the error sentence."""
    head = {"sampler": row.sampler, "classifier": row.classifier}
    if row.result is None:
        return {**head, "error": row.error}
    return {**head, **result_json(row.result, data, row.threshold, origin=row.threshold_origin)}
