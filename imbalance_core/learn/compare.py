"""Compare many resampling methods x classifiers on one task: the pneumonia-study results table.

:func:`run_grid` trains every (sampler, classifier) pair exactly as
:func:`imbalance_core.learn.training.train`
would — same hold-out split, same stratified folds, same pipeline, same seed — and returns one
:class:`CompareRow` per pair: cross-validated mean ± sd of each fold metric, the hold-out 2x2 table
(TP/TN/FP/FN) at the chosen threshold with its sensitivity, specificity, F1 and balanced accuracy,
the fit time and the notices. A pair that cannot be trained (e.g. SMOTE-N on numeric data, or SMOTE
with too few rare patients in a fold) becomes a row carrying its plain message; it never stops the grid.

Why tasks are (pair x fold): a grid of a few pairs on two cores would leave a core idle while the last
pair's folds run one after another. Every CV fold and every final fit is one task, spread over the
machine's cores with joblib (``return_as="generator_unordered"``, so progress is reported as each task
finishes, in whatever order), and the pieces are put back together per pair afterwards.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from imbalance_core.errors import DataError
from imbalance_core.evaluation.metrics import binary_table, multiclass_fold_metrics
from imbalance_core.evaluation.thresholds import ChosenThreshold
from imbalance_core.intake.task import PreparedData
from imbalance_core.learn import execution, training, tuning
from imbalance_core.learn.calibration_summary import leaderboard_columns
from imbalance_core.learn.classifiers import get_classifier
from imbalance_core.learn.operating_point import CV_MEASURES, cv_at_threshold, model_threshold
from imbalance_core.learn.samplers import get_sampler
from imbalance_core.learn.training import MetricSummary, TrainResult, TrainSettings
from imbalance_core.learn.tuning import TuneResult, TuneSpec

Progress = Callable[[str, float], None]

#: Cross-validated measures of every row, key -> display name: ROC AUC, PR AUC and Brier need no
#: threshold; the others are counted at the row's threshold (:mod:`imbalance_core.learn.operating_point`).
CV_METRICS: dict[str, str] = dict(CV_MEASURES)
#: How a threshold the person typed is named (the grid's default is each pair's own default threshold).
SET_BY_HAND = "one threshold for every pair, set by hand"
#: How the grid's default is named: each pair at its own documented default.
EACH_OWN_DEFAULT = "each pair at its own default threshold (Youden on its cross-validated training scores)"

#: Hold-out measures shown beside the 2x2 counts, key -> display name.
HOLDOUT_METRICS: dict[str, str] = {
    "sensitivity": "Sensitivity",
    "specificity": "Specificity",
    "f1": "F1",
    "balanced_accuracy": "Balanced accuracy",
}

#: Sentence for an unexpected failure (library messages may quote data, so they are never shown).
_GENERIC_FAILURE = "{name} could not be trained with these settings; try another method or classifier."


# --------------------------------------------------------------------------- result objects


@dataclass(frozen=True, eq=False)
class CompareRow:
    """One (sampler, classifier) pair of the grid.

    cv: measure key (:data:`CV_METRICS`) -> mean and sd over the CV folds, the threshold-dependent
        ones at ``threshold`` (empty when the pair failed).
    holdout: hold-out measures at ``threshold`` (keys of :data:`HOLDOUT_METRICS`).
    threshold: the cut-off this row is judged at (its own default, or the one set for the grid); None for
        a multi-class task (most probable class) or a failed pair. threshold_origin: how it was chosen.
    tp, tn, fp, fn: hold-out 2x2 counts at ``threshold`` (None for multi-class tasks or failed pairs).
    fit_seconds: summed fitting time of the pair's folds and final fit (CPU-side, not wall time).
    error: the plain sentence explaining why the pair failed, or None.
    result: the full :class:`~imbalance_core.learn.training.TrainResult` (None when the pair failed).
    """

    sampler: str
    classifier: str
    cv: dict[str, MetricSummary]
    holdout: dict[str, float]
    threshold: float | None
    tp: int | None
    tn: int | None
    fp: int | None
    fn: int | None
    fit_seconds: float
    notices: tuple[str, ...] = ()
    error: str | None = None
    result: TrainResult | None = field(default=None, repr=False)
    threshold_origin: str = ""
    # "Tune each cell": the values tuning chose on the training part (None: not tuned)
    tuning: TuneResult | None = field(default=None, repr=False)

    @property
    def label(self) -> str:
        """Display label "Sampler name + Classifier name"."""
        return f"{get_sampler(self.sampler).name} + {get_classifier(self.classifier).name}"

    @property
    def cv_mean(self) -> dict[str, float]:
        """Metric key -> CV mean."""
        return {key: s.mean for key, s in self.cv.items()}

    @property
    def cv_sd(self) -> dict[str, float]:
        """Metric key -> CV standard deviation."""
        return {key: s.sd for key, s in self.cv.items()}


@dataclass(frozen=True, eq=False)
class CompareResult:
    """Every row of one grid run, in the order the pairs were asked for, plus how long it took.

    threshold: one threshold set by hand for every pair, or None: each pair at its own default.
    """

    rows: tuple[CompareRow, ...]
    settings: TrainSettings
    threshold: float | None
    wall_seconds: float
    n_tasks: int
    tune: TuneSpec | None = None  # every pair tuned on its training part first (None: not tuned)

    def at_threshold(self, threshold: float | None) -> CompareResult:
        """The same grid judged at one threshold for every pair, or (None) each pair at its own default.

        No retraining: the scores are kept; the hold-out table and the CV measures are recounted.
        """
        if threshold is not None and not 0 <= threshold <= 1:
            raise DataError("The threshold must lie between 0 and 1.")
        t = None if threshold is None else float(threshold)
        rows = tuple(
            replace(_row_from_result(row.result, t), tuning=row.tuning)
            if row.result is not None
            else replace(row, threshold=t)
            for row in self.rows
        )
        return replace(self, rows=rows, threshold=t)

    @property
    def threshold_text(self) -> str:
        """Where the rows' thresholds come from, in words (the page's and the report's label)."""
        if self.threshold is None:
            if self.rows and all(row.result is None or not row.result.is_binary for row in self.rows):
                return "the most probable class (multi-class: no threshold)"
            return EACH_OWN_DEFAULT
        return f"{SET_BY_HAND}: {self.threshold:.4f}"

    def ranked(self, by: str = "sensitivity_f1") -> tuple[CompareRow, ...]:
        """Rows best first by a :data:`RANKINGS` key; failed rows last, in their original order."""
        return RANKINGS[by].order(self.rows)

    def to_frame(self, by: str | None = None) -> pd.DataFrame:
        """The leaderboard table: one row per pair, CV "mean ± sd" and numeric columns, hold-out counts.

        ``by`` (a :data:`RANKINGS` key) orders the rows and adds a "Rank" column; None keeps grid order.
        Numeric mean and sd columns are kept beside the display strings so a table can sort on them.
        """
        rows = self.ranked(by) if by else self.rows
        records = [_row_record(row) for row in rows]
        frame = pd.DataFrame.from_records(records)
        if by:
            ok = [row.error is None for row in rows]
            frame.insert(
                0, "Rank", pd.array([i + 1 if good else pd.NA for i, good in enumerate(ok)], dtype="Int64")
            )
        return frame


def _row_record(row: CompareRow) -> dict[str, Any]:
    """One leaderboard line as a flat dict (display names as column names)."""
    record: dict[str, Any] = {
        "Sampler": get_sampler(row.sampler).name,
        "Classifier": get_classifier(row.classifier).name,
        "sampler": row.sampler,
        "classifier": row.classifier,
    }
    for key, name in CV_METRICS.items():
        summary = row.cv.get(key)
        mean = summary.mean if summary else np.nan
        sd = summary.sd if summary else np.nan
        record[f"CV {name}"] = f"{mean:.3f} ± {sd:.3f}" if summary else ""
        record[f"cv_{key}_mean"] = mean
        record[f"cv_{key}_sd"] = sd
    for name, value in (("TP", row.tp), ("TN", row.tn), ("FP", row.fp), ("FN", row.fn)):
        record[name] = pd.NA if value is None else int(value)
    for key, name in HOLDOUT_METRICS.items():
        record[f"Test {name}"] = row.holdout.get(key, np.nan)
    record.update(leaderboard_columns(row.result))  # hold-out Brier, calibration slope, E:O
    record["Threshold"] = np.nan if row.threshold is None else row.threshold
    record["Threshold origin"] = row.threshold_origin
    record["Tuned settings"] = row.tuning.chosen.label() if row.tuning is not None else ""
    record["Fit seconds"] = row.fit_seconds
    record["Notices"] = " ".join(row.notices)
    record["Error"] = row.error or ""
    return record


# --------------------------------------------------------------------------- rankings


@dataclass(frozen=True)
class Ranking:
    """A way to order the leaderboard: a display name, why, and a score (higher = better)."""

    name: str
    explanation: str
    score: Callable[[CompareRow], float]

    def order(self, rows: Sequence[CompareRow]) -> tuple[CompareRow, ...]:
        """Successful rows by descending score (stable), then failed rows."""
        ok = [row for row in rows if row.error is None]
        failed = [row for row in rows if row.error is not None]
        ok.sort(key=lambda row: -float(np.nan_to_num(self.score(row), nan=-np.inf)))
        return (*ok, *failed)


def _cv_mean(key: str) -> Callable[[CompareRow], float]:
    return lambda row: row.cv[key].mean


def _sensitivity_f(row: CompareRow) -> float:
    return training.sensitivity_f_score(row.cv)


#: Leaderboard orderings, key -> Ranking. "sensitivity_f1" is the source article's model selection.
RANKINGS: dict[str, Ranking] = {
    "sensitivity_f1": Ranking(
        "Sensitivity with F1",
        "Mean of CV sensitivity and CV F1 at each row's threshold: finds the sick without flooding with "
        "false alarms (model selection for screening).",
        _sensitivity_f,
    ),
    "roc_auc": Ranking(
        "ROC AUC", "CV ROC AUC: how well scores separate the classes at any threshold.", _cv_mean("roc_auc")
    ),
    "pr_auc": Ranking(
        "PR AUC",
        "CV PR AUC (average precision): more telling than ROC AUC under heavy imbalance.",
        _cv_mean("pr_auc"),
    ),
    "balanced_accuracy": Ranking(
        "Balanced accuracy",
        "CV mean of sensitivity and specificity at each row's threshold.",
        _cv_mean("balanced_accuracy"),
    ),
    "sensitivity": Ranking("Sensitivity", "CV sensitivity at each row's threshold.", _cv_mean("sensitivity")),
    "brier": Ranking(
        "Brier score (risks)",
        "Hold-out Brier score, lowest first: honest risks and separation together.",
        lambda row: -leaderboard_columns(row.result)["Test Brier"],
    ),
}


# --------------------------------------------------------------------------- tasks


@dataclass(frozen=True)
class _Task:
    """One unit of parallel work: a CV fold (fold >= 1) or the final fit (fold == 0) of one pair."""

    pair: int
    fold: int
    fit_rows: np.ndarray
    eval_rows: np.ndarray


@dataclass(frozen=True, eq=False)
class _TaskOutput:
    """What a task sends back: the fit's output (scores, notices, timing), or an error sentence."""

    pair: int
    fold: int
    fit: training.FitOutput | None = None
    error: str | None = None


def _run_task(data: PreparedData, settings: TrainSettings, task: _Task) -> _TaskOutput:
    """One :func:`training.fit_and_score` call, the same unit :func:`training.train` runs per fold.

    Errors come back as sentences instead of exceptions so one failing pair cannot stop the others.
    Only the final fit (fold 0) keeps its fitted pipeline; fold pipelines are not sent back.
    """
    try:
        out = training.fit_and_score(data, settings, task.fit_rows, task.eval_rows)
    except DataError as exc:
        return _TaskOutput(task.pair, task.fold, error=str(exc))
    except Exception:  # a library failure: its text may quote data, so say it plainly instead
        name = f"{get_sampler(settings.sampler).name} with {get_classifier(settings.classifier).name}"
        return _TaskOutput(task.pair, task.fold, error=_GENERIC_FAILURE.format(name=name))
    if task.fold != 0:
        out = replace(out, pipeline=None)
    return _TaskOutput(task.pair, task.fold, fit=out)


def _pair_settings(base: TrainSettings, sampler: str, classifier: str) -> TrainSettings:
    """The base settings with this pair's sampler and classifier (parameters only kept for the same model)."""
    params = base.params if classifier == base.classifier else ()
    return replace(base, sampler=sampler, classifier=classifier, params=params)


def _plan(data: PreparedData, settings: TrainSettings, train_idx: np.ndarray, test_idx: np.ndarray):
    """(fold number, fit rows, eval rows) for the final fit (0) and each CV fold (1..cv), as data.X positions.

    The folds are :func:`training.cv_plan`'s. The final fit comes first: it is the largest task, and
    starting large tasks first shortens the tail.
    """
    folds = training.cv_plan(data, settings, train_idx)
    return [(0, train_idx, test_idx)] + [(i + 1, fit, valid) for i, (fit, valid) in enumerate(folds)]


# --------------------------------------------------------------------------- the grid


def run_grid(
    data: PreparedData,
    samplers: Sequence[str],
    classifiers: Sequence[str],
    base_settings: TrainSettings,
    n_jobs: int = -1,
    progress: Progress | None = None,
    threshold: float | None = None,
    scheduler: str | None = None,
    tune: TuneSpec | None = None,
) -> CompareResult:
    """Train every sampler x classifier pair on ``data`` and collect one :class:`CompareRow` each.

    base_settings: ratio, clipping, weighting, folds, test share and seed shared by every pair (its
        classifier parameters apply only to pairs using that classifier).
    n_jobs: joblib workers (-1 = every core, 1 = in this process).
    progress: ``progress(message, fraction)`` after each finished task.
    threshold: one decision threshold for every pair (set by a person), or None (default): each pair
        at its own default threshold (Youden on its cross-validated training scores).
    scheduler: a Dask scheduler address to run the tasks on ("" = this machine; None = the
        ``IMBALANCE_LAB_DASK_SCHEDULER`` environment variable, see :mod:`imbalance_core.learn.execution`).
    tune: tune each pair first (:func:`imbalance_core.learn.tuning.tune`, the Train page's and
        ``evaluate --tune``'s search) on the training part only, then train it with the values chosen;
        None (default): every pair with the base settings. A pair whose tuning fails is an error row.

    Raises DataError for an unknown key, an empty grid, or a split that is impossible for every pair
    (e.g. more folds than rare patients); a problem of one pair becomes that pair's error row.
    """
    started = time.perf_counter()
    samplers, classifiers = list(dict.fromkeys(samplers)), list(dict.fromkeys(classifiers))
    if not samplers or not classifiers:
        raise DataError("Choose at least one resampling method and one classifier to compare.")
    for key in samplers:
        get_sampler(key)
    for key in classifiers:
        get_classifier(key)
    if threshold is not None and not 0 <= threshold <= 1:
        raise DataError("The threshold must lie between 0 and 1.")
    report = progress or (lambda message, fraction: None)
    address = execution.scheduler_address(scheduler)

    pairs = [_pair_settings(base_settings, s, c) for s in samplers for c in classifiers]
    train_idx, test_idx = training.split_indices(data, base_settings)
    plan = _plan(data, base_settings, train_idx, test_idx)

    setup_notices: dict[int, list[str]] = {}
    errors: dict[int, str] = {}
    tuned: dict[int, TuneResult] = {}
    if tune is not None:
        pairs, tuned, errors = _tune_pairs(data, pairs, train_idx, tune, n_jobs, address, report)
    tasks: list[tuple[TrainSettings, _Task]] = []
    for p, settings in enumerate(pairs):
        if p in errors:
            continue
        notices: list[str] = []
        try:
            training.build_pipeline(data, settings, notices)
        except DataError as exc:
            errors[p] = str(exc)
            continue
        setup_notices[p] = notices
        tasks += [(settings, _Task(p, fold, fit, ev)) for fold, fit, ev in plan]

    outputs: dict[int, dict[int, _TaskOutput]] = {p: {} for p in range(len(pairs))}
    report(f"Training {len(pairs)} combinations: {len(tasks)} fits", 0.0)
    for done, out in enumerate(_execute(data, tasks, n_jobs, address), start=1):
        outputs[out.pair][out.fold] = out
        pair = pairs[out.pair]
        what = "final fit" if out.fold == 0 else f"fold {out.fold}"
        report(
            f"{done} of {len(tasks)} fits done ({pair.sampler} + {pair.classifier}, {what})",
            done / max(len(tasks), 1),
        )

    rows = []
    for p, settings in enumerate(pairs):
        if p in errors:
            rows.append(_error_row(settings, errors[p], threshold))
            continue
        failed = [o.error for fold, o in sorted(outputs[p].items()) if o.error]
        if failed:
            rows.append(_error_row(settings, failed[0], threshold))
            continue
        result = _assemble(data, settings, train_idx, test_idx, plan, outputs[p], setup_notices[p])
        rows.append(replace(_row_from_result(result, threshold), tuning=tuned.get(p)))
    return CompareResult(
        rows=tuple(rows),
        settings=base_settings,
        threshold=threshold,
        wall_seconds=time.perf_counter() - started,
        n_tasks=len(tasks),
        tune=tune,
    )


def _tune_task(
    data: PreparedData, pair: int, settings: TrainSettings, rows: np.ndarray, spec: TuneSpec
) -> tuple[int, TuneResult | None, str | None]:
    """One pair's tuning on the training rows, as a task: (pair, result, None) or (pair, None, sentence)."""
    try:
        return pair, tuning.tune(data, settings, rows, spec), None
    except DataError as exc:
        return pair, None, str(exc)
    except Exception:  # a library failure: its text may quote data, so say it plainly instead
        name = f"{get_sampler(settings.sampler).name} with {get_classifier(settings.classifier).name}"
        return pair, None, _GENERIC_FAILURE.format(name=name)


def _tune_pairs(
    data: PreparedData,
    pairs: list[TrainSettings],
    train_idx: np.ndarray,
    spec: TuneSpec,
    n_jobs: int,
    address: str,
    report: Progress,
) -> tuple[list[TrainSettings], dict[int, TuneResult], dict[int, str]]:
    """Tune every pair on the training part (in parallel, one task per pair): the pairs with the values
    chosen, each pair's TuneResult, and the sentence of each pair that could not be tuned."""
    if len(data.class_names) != 2:
        raise DataError("Tuning covers two-class tasks; turn 'Tune each cell' off for a multi-class task.")
    items = [(p, settings, train_idx, spec) for p, settings in enumerate(pairs)]
    out, tuned, errors = list(pairs), {}, {}
    report(f"Tuning {len(pairs)} combinations on the training part", 0.0)
    for done, (p, result, error) in enumerate(
        execution.run_tasks(_tune_task, data, items, n_jobs=n_jobs, scheduler=address), start=1
    ):
        if result is None:
            errors[p] = error or "Tuning failed."
        else:
            tuned[p], out[p] = result, result.settings
        report(f"{done} of {len(pairs)} combinations tuned", 0.0)
    return out, tuned, errors


def _execute(
    data: PreparedData, tasks: list[tuple[TrainSettings, _Task]], n_jobs: int, scheduler: str = ""
) -> Iterable[_TaskOutput]:
    """Run the tasks over ``n_jobs`` local workers or the Dask cluster, yielding outputs as they finish."""
    return execution.run_tasks(_run_task, data, tasks, n_jobs=n_jobs, scheduler=scheduler)


def _assemble(
    data: PreparedData,
    settings: TrainSettings,
    train_idx: np.ndarray,
    test_idx: np.ndarray,
    plan: list[tuple[int, np.ndarray, np.ndarray]],
    outputs: dict[int, _TaskOutput],
    setup_notices: list[str],
) -> TrainResult:
    """Put one pair's task outputs back together with :func:`training.assemble`, as train() does."""
    folds = [(fit, valid) for _, fit, valid in plan[1:]]
    fold_outputs = [outputs[fold].fit for fold, _, _ in plan[1:]]
    return training.assemble(
        data, settings, train_idx, test_idx, folds, fold_outputs, outputs[0].fit, setup_notices
    )


def row_threshold(result: TrainResult, threshold: float | None) -> ChosenThreshold | None:
    """The threshold a pair is judged at: ``threshold`` (set by hand for the grid) else its own default;
    None for a multi-class pair (most probable class)."""
    if not result.is_binary:
        return None
    if threshold is None:
        return model_threshold(result)
    return ChosenThreshold(float(threshold), SET_BY_HAND, False)


def _row_from_result(result: TrainResult, threshold: float | None) -> CompareRow:
    """A leaderboard row from a pair's TrainResult at its threshold (``threshold`` set for the grid, or
    None: the pair's own default): CV measures and the hold-out table at it."""
    s = result.settings
    chosen = row_threshold(result, threshold)
    if chosen is not None:
        table = binary_table(result.y_test, result.test_scores, chosen.value)
        counts = {key: int(table[key]) for key in ("tp", "tn", "fp", "fn")}
        holdout = {key: float(table[key]) for key in HOLDOUT_METRICS}
    else:
        values, _ = multiclass_fold_metrics(result.y_test, result.test_scores)
        counts = dict.fromkeys(("tp", "tn", "fp", "fn"))
        holdout = {key: float(values[key]) for key in HOLDOUT_METRICS}
    return CompareRow(
        sampler=s.sampler,
        classifier=s.classifier,
        cv=dict(cv_at_threshold(result, chosen).summary),
        holdout=holdout,
        threshold=None if chosen is None else float(chosen.value),
        threshold_origin="most probable class" if chosen is None else chosen.origin,
        fit_seconds=float(result.timings["total"]),
        notices=result.notices,
        result=result,
        **counts,
    )


def _error_row(settings: TrainSettings, message: str, threshold: float | None) -> CompareRow:
    """The row of a pair that could not be trained: its message, no numbers."""
    return CompareRow(
        sampler=settings.sampler,
        classifier=settings.classifier,
        cv={},
        holdout={},
        threshold=threshold,
        tp=None,
        tn=None,
        fp=None,
        fn=None,
        fit_seconds=0.0,
        error=message,
    )
