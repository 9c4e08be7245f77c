"""Internal validation that uses every patient: Harrell's optimism-corrected bootstrap, repeated CV, hold-out.

*The procedure* (:func:`develop`) is everything Train does to make a model from a set of rows, refitted
as a whole every time:

1. (optional, :mod:`imbalance_core.learn.tuning`) hyper-parameters and the sampler's ratio chosen by
   cross-validation inside the rows;
2. out-of-fold scores of the rows from ``settings.cv`` folds (copies of one patient in one fold,
   :func:`imbalance_core.learn.refit.patient_folds`), the sampler inside each fold;
3. the recalibrator (``settings.recalibrate``) fitted on those out-of-fold scores; the picker sees them
   cross-fitted, as in :func:`imbalance_core.learn.recalibration.apply_recalibration`;
4. the threshold rule (default: Youden, :func:`imbalance_core.evaluation.thresholds.default_threshold`;
   or a ``--pick`` rule) applied to the out-of-fold scores;
5. the final pipeline fitted on all the rows.

*The schemes* (:data:`METHODS`):

* ``bootstrap`` (Harrell; Steyerberg): the procedure on all rows gives the apparent performance; on each
  of B bootstrap samples it is developed again and judged on its own sample (apparent_b) and on the
  original rows (test_b); ``optimism = mean(apparent_b - test_b)``, ``corrected = apparent - optimism``
  (:func:`imbalance_core.evaluation.optimism.harrell_optimism`). The samples are drawn within each class
  (the event count stays fixed, so every sample can be developed; stated), by row, seeded. Each
  replicate's procedure gets its own seed (``seed + 1 + b``) so the sampler's and the model's randomness
  are part of what is validated. Each bootstrap model's risks on the original rows feed the stability
  figures (:mod:`imbalance_core.evaluation.stability`).
* ``repeated-cv``: stratified k-fold repeated R times; the procedure developed on each fold's training
  rows and judged on its held-out rows; corrected = mean over held-out folds.
* ``holdout``: one stratified split (:func:`imbalance_core.learn.training.split_indices`).

Default (:func:`choose_method`): bootstrap when the data hold fewer than :data:`SMALL_EVENTS` events (a
quarter held out would waste a small sample and be noisy), hold-out otherwise (enough events to judge on
a held-out part, and B refits of a large file take long).

Fits run through :func:`imbalance_core.learn.execution.run_tasks`: this machine's cores (joblib's loky
processes) or, when a scheduler is named, a Dask cluster; one task per replicate, seeded, so results do
not depend on where or in which order they ran. ``progress(message, fraction)`` is called as each
replicate finishes. Two-class tasks only; resampling is by row (a repeating patient ID is not kept
together yet).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
from imblearn.pipeline import Pipeline
from sklearn.model_selection import RepeatedStratifiedKFold
from threadpoolctl import threadpool_limits

from imbalance_core.errors import DataError
from imbalance_core.evaluation.formatting import percent
from imbalance_core.evaluation.optimism import (
    MEASURES,
    MeasureOptimism,
    cross_validated,
    harrell_optimism,
    performance,
)
from imbalance_core.evaluation.stability import Stability, prediction_stability
from imbalance_core.evaluation.thresholds import default_threshold, parse_pick, run_pick
from imbalance_core.intake.task import PreparedData
from imbalance_core.learn import execution, refit
from imbalance_core.learn.recalibration import Calibrator, cross_fitted, fit_calibrator, get_recalibrator
from imbalance_core.learn.recalibration import odds_shift as _odds_shift
from imbalance_core.learn.training import TrainSettings, split_indices
from imbalance_core.learn.tuning import TuneResult, TuneSpec, tune

Progress = Callable[[str, float], None]
#: Validation schemes: key -> display name.
METHODS: dict[str, str] = {
    "holdout": "Hold-out (one split)",
    "bootstrap": "Optimism-corrected bootstrap",
    "repeated-cv": "Repeated stratified cross-validation",
}
#: Fewer events than this: bootstrap by default (Riley et al. 2021: >= 100-200 events to validate on).
SMALL_EVENTS = 200
#: Where the rest of a result's numbers (hold-out, calibration, subgroups, threshold) come from.
OTHER_SECTIONS = (
    "The other figures (hold-out test set, calibration, threshold, subgroups) come from the hold-out split; "
    "this internal validation uses every patient."
)
#: Default number of bootstrap samples; folds and repeats of repeated CV.
N_BOOT = 200
CV_FOLDS = 5
CV_REPEATS = 5


@dataclass(frozen=True)
class MethodChoice:
    """The validation scheme and why, in a sentence (shown on the page and printed in the command)."""

    method: str
    reason: str
    chosen_by_default: bool


#: Classifiers that (nearly) reproduce their training rows: a bootstrap model then scores the ~63 % of the
#: original patients it was trained on almost perfectly, so Harrell's bootstrap under-states their optimism
#: (measured on Pima: random forest corrected ROC AUC 0.97 against 0.84 on a hold-out). Repeated CV instead.
MEMORISING = frozenset({"random_forest", "balanced_rf", "knn"})
MEMORISING_CAUTION = (
    "This classifier nearly reproduces the patients it was trained on, and each bootstrap model is judged on "
    "original patients of whom about 63 % were in its sample, so the bootstrap under-states its optimism "
    "(Harrell's method assumes a smoother model). Prefer repeated cross-validation for it."
)


def choose_method(y: Any, requested: str = "auto", classifier: str = "") -> MethodChoice:
    """``requested`` as given, or for "auto": bootstrap below :data:`SMALL_EVENTS` events, else hold-out.

    For a classifier in :data:`MEMORISING` "auto" chooses repeated cross-validation instead of bootstrap.
    """
    events = int(np.sum(np.asarray(y) == 1))
    if requested != "auto":
        if requested not in METHODS:
            raise DataError(f"Unknown validation; choose one of: auto, {', '.join(METHODS)}.")
        return MethodChoice(requested, f"{METHODS[requested]}, as chosen.", False)
    if events < SMALL_EVENTS and classifier in MEMORISING:
        return MethodChoice(
            "repeated-cv",
            f"The data hold {events} events, fewer than {SMALL_EVENTS}, so every patient is used; repeated "
            "cross-validation rather than the bootstrap, because this classifier nearly reproduces its "
            "training patients and the bootstrap would under-state its optimism.",
            True,
        )
    if events < SMALL_EVENTS:
        return MethodChoice(
            "bootstrap",
            f"The data hold {events} events, fewer than {SMALL_EVENTS}: a held-out quarter would waste "
            "patients and its figures would move a lot by chance, so every patient is used and the "
            "optimism is estimated by the bootstrap.",
            True,
        )
    return MethodChoice(
        "holdout",
        f"The data hold {events} events ({SMALL_EVENTS} or more): a held-out part is large enough to "
        "judge the model on, and refitting it many times on this much data would take long.",
        True,
    )


@dataclass(frozen=True)
class ValidationSettings:
    """How to validate: scheme, bootstrap samples, CV folds and repeats, threshold rule, tuning, workers.

    pick: the threshold rule as ``--pick`` text ("" = the default, Youden on out-of-fold scores).
    tune: None = no tuning, else how to tune inside every development.
    """

    method: str = "bootstrap"
    n_boot: int = N_BOOT
    folds: int = CV_FOLDS
    repeats: int = CV_REPEATS
    pick: str = ""
    tune: TuneSpec | None = None
    n_jobs: int = -1
    fixed_threshold: float | None = None  # a threshold set by hand replaces the rule in every replicate


@dataclass(frozen=True, eq=False)
class Developed:
    """The procedure fitted on some rows: pipeline, calibrator (or None), threshold, tuning (or None)."""

    pipeline: Pipeline
    calibrator: Calibrator | None
    threshold: float
    settings: TrainSettings
    tuning: TuneResult | None = None

    def risks(self, data: PreparedData, rows: np.ndarray) -> np.ndarray:
        """Recalibrated positive-class risks of ``rows`` (repeats share one score)."""
        raw = refit.score_rows(self.pipeline, data, rows)
        return raw if self.calibrator is None else self.calibrator.transform(raw)


def _check_task(data: PreparedData) -> None:
    if len(data.class_names) != 2:
        raise DataError(
            "Internal validation covers two-class tasks; choose the positive class against the rest."
        )


def develop(
    data: PreparedData,
    settings: TrainSettings,
    rows: np.ndarray,
    pick: str = "",
    tune_spec: TuneSpec | None = None,
    fixed_threshold: float | None = None,
) -> Developed:
    """The whole procedure (module docstring, steps 1-5) on ``rows`` (positions into data.X; repeats ok).

    ``pick``: a threshold rule as ``--pick`` text ("" = Youden); ``fixed_threshold`` replaces any rule.
    """
    _check_task(data)
    rows = np.asarray(rows, dtype=np.int64)
    y = np.asarray(data.y, dtype=np.int64)[rows]
    tuning = None
    if tune_spec is not None:
        tuning = tune(data, settings, rows, replace(tune_spec, seed=settings.seed))
        settings = tuning.settings
    folds = refit.patient_folds(rows, y, settings.cv, settings.seed)
    oof = refit.out_of_fold(data, settings, rows, folds)
    pipeline = refit.fit_rows(data, settings, rows)
    calibrator = None
    picked_on = oof
    key = settings.recalibrate
    if get_recalibrator(key).fit is not None:
        shift = _shift(pipeline, y) if key == "prior" else 0.0
        calibrator = fit_calibrator(key, oof, y, shift)
        fold_of = np.empty(len(rows), dtype=np.int64)
        for f, valid in enumerate(folds):
            fold_of[valid] = f
        picked_on = cross_fitted(key, oof, y, fold_of, shift)
    if fixed_threshold is not None:
        threshold = float(fixed_threshold)
    elif pick:
        threshold = run_pick(parse_pick(pick), y, picked_on).threshold
    else:
        threshold = default_threshold(y, picked_on).value
    return Developed(pipeline, calibrator, float(threshold), settings, tuning)


def _shift(pipeline: Pipeline, y: np.ndarray) -> float:
    """The prior correction's log odds ratio of a fitted pipeline (as in learn.recalibration)."""
    after = pipeline.named_steps["sampler"].counts_after_
    weights = getattr(pipeline.named_steps["classifier"], "weights_", None)
    train = np.bincount(y, minlength=2)
    return _odds_shift(train, [after.get(0, 0), after.get(1, 0)], weights)


# --------------------------------------------------------------------------- draws and seeds


def bootstrap_draws(y: Any, n_boot: int, seed: int) -> np.ndarray:
    """(n_boot, n) row positions: each row a bootstrap sample drawn with replacement within each class.

    Sorted within each sample (order does not matter to the procedure; sorted keeps it reproducible).
    """
    y = np.asarray(y, dtype=np.int64)
    if n_boot < 1:
        raise DataError("Use at least 1 bootstrap sample (200 is usual).")
    rng = np.random.default_rng(seed)
    members = [np.flatnonzero(y == c) for c in np.unique(y)]
    draws = np.empty((n_boot, len(y)), dtype=np.int64)
    for b in range(n_boot):
        draws[b] = np.sort(np.concatenate([rng.choice(m, size=len(m), replace=True) for m in members]))
    return draws


def replicate_seed(seed: int, b: int) -> int:
    """The procedure's seed in replicate ``b`` (0-based): ``seed + 1 + b`` (the all-data model uses seed)."""
    return int((seed + 1 + b) % (2**31 - 1))


# --------------------------------------------------------------------------- tasks


@dataclass(frozen=True, eq=False)
class Replicate:
    """One development judged twice: on its own rows (apparent) and on other rows (test).

    number: -1 = the all-data model, else the replicate (0-based). risks: on the rows ``test`` was
    judged on (bootstrap: every original row; CV: the held-out rows; all-data: every row).
    """

    number: int
    apparent: np.ndarray
    test: np.ndarray
    risks: np.ndarray
    threshold: float
    tuning: TuneResult | None
    seconds: float
    cpu_seconds: float = 0.0


def _task(
    data: PreparedData,
    number: int,
    fit_rows: np.ndarray,
    test_rows: np.ndarray,
    settings: TrainSettings,
    pick: str,
    tune_spec: TuneSpec | None,
    fixed_threshold: float | None = None,
) -> Replicate:
    """Develop on ``fit_rows``; judge on them and on ``test_rows`` (one task for the executor).

    One BLAS/OpenMP thread: the tasks already fill the cores, and on a loaded 2-core machine a
    600-row logistic fit took 8x longer with two BLAS threads fighting the other task's (measured).
    """
    with threadpool_limits(limits=1):
        return _develop_and_judge(
            data, number, fit_rows, test_rows, settings, pick, tune_spec, fixed_threshold
        )


def _develop_and_judge(
    data: PreparedData,
    number: int,
    fit_rows: np.ndarray,
    test_rows: np.ndarray,
    settings: TrainSettings,
    pick: str,
    tune_spec: TuneSpec | None,
    fixed_threshold: float | None,
) -> Replicate:
    started, cpu = time.perf_counter(), time.process_time()
    y = np.asarray(data.y, dtype=np.int64)
    model = develop(data, settings, fit_rows, pick, tune_spec, fixed_threshold)
    apparent = performance(y[fit_rows], model.risks(data, fit_rows), model.threshold)
    risks = model.risks(data, test_rows)
    test = performance(y[test_rows], risks, model.threshold)
    return Replicate(
        number,
        apparent,
        test,
        risks,
        model.threshold,
        model.tuning,
        time.perf_counter() - started,
        time.process_time() - cpu,
    )


# --------------------------------------------------------------------------- the result


@dataclass(frozen=True, eq=False)
class InternalValidation:
    """Apparent / optimism / corrected for every measure, with what is needed for the stability figures.

    final_threshold / final_risks: the all-data model's threshold and its risks on every row.
    replicate_risks: (B, n) each bootstrap model's risks on every original row (bootstrap only, else None).
    replicate_thresholds: each replicate's own threshold. apparent_b / test_b: (R, m) per replicate.
    final_tuning: the all-data model's tuning (None without tuning); tuned: each replicate's chosen values.
    where: "this machine (N processes)" or "Dask cluster at ADDRESS". seconds: wall time;
    fit_seconds / cpu_seconds: wall and CPU time summed inside the tasks (CPU time is what a loaded
    machine does not inflate).
    """

    method: str
    reason: str
    settings: TrainSettings
    validation: ValidationSettings
    n: int
    events: int
    measures: tuple[MeasureOptimism, ...]
    final_threshold: float
    final_risks: np.ndarray
    final_y: np.ndarray
    replicate_risks: np.ndarray | None
    replicate_thresholds: np.ndarray
    apparent_b: np.ndarray
    test_b: np.ndarray
    final_tuning: TuneResult | None
    tuned: tuple[dict[str, Any] | None, ...]
    where: str
    seconds: float
    fit_seconds: float
    cpu_seconds: float = 0.0

    @property
    def replicates(self) -> int:
        """Bootstrap samples, or outer folds x repeats, or 1 (hold-out)."""
        return len(self.apparent_b)

    def measure(self, key: str) -> MeasureOptimism:
        """The row of measure ``key``."""
        return next(m for m in self.measures if m.key == key)

    def describe(self) -> str:
        """One sentence: scheme, replicates, what was refitted each time."""
        v = self.validation
        what = (
            "sampler, recalibration and threshold rule"
            + (", and tuning" if v.tune is not None else "")
            + " refitted every time"
        )
        if self.method == "bootstrap":
            return (
                f"Optimism-corrected bootstrap: {self.replicates} samples of all {self.n} patients "
                f"(drawn within each class, by row), {what}."
            )
        if self.method == "repeated-cv":
            return (
                f"Repeated stratified cross-validation: {v.folds} folds x {v.repeats} repeats over all "
                f"{self.n} patients, {what}."
            )
        return f"Hold-out: one stratified split ({percent(self.settings.test_size)} held out), {what}."

    def caution(self) -> str:
        """A warning when the bootstrap is used with a classifier it flatters ("" otherwise)."""
        if self.method == "bootstrap" and self.settings.classifier in MEMORISING:
            return MEMORISING_CAUTION
        return ""

    def threshold_rule(self) -> str:
        """The threshold rule refitted in every replicate, in words."""
        v = self.validation
        if v.fixed_threshold is not None:
            return f"fixed at {v.fixed_threshold:g} (set by hand)"
        return v.pick or "youden (the default: highest Youden J on out-of-fold scores)"

    def stability(self) -> Stability | None:
        """Riley & Collins stability figures at the all-data model's threshold (bootstrap only)."""
        if self.replicate_risks is None or len(self.replicate_risks) < 2:
            return None
        y = np.asarray(self.final_y, dtype=float)
        return prediction_stability(y, self.final_risks, self.replicate_risks, self.final_threshold,
                                    seed=self.settings.seed)  # fmt: skip

    def as_dict(self) -> dict[str, Any]:
        """JSON-friendly summary (see docs/INTERNAL_VALIDATION.md)."""
        out: dict[str, Any] = {
            "method": self.method,
            "reason": self.reason,
            "description": self.describe(),
            "n": self.n,
            "events": self.events,
            "replicates": self.replicates,
            "seed": self.settings.seed,
            "threshold_rule": self.threshold_rule(),
            "final_threshold": self.final_threshold,
            "measures": {m.key: m.as_dict() for m in self.measures},
            "where": self.where,
            "seconds": round(self.seconds, 2),
            "other_sections": OTHER_SECTIONS,
            "caution": self.caution() or None,
        }
        stability = self.stability()
        out["stability"] = None if stability is None else stability.as_dict()
        if self.final_tuning is not None:
            out["tuning"] = self.final_tuning.as_dict()
            out["tuning"]["per_replicate"] = [t for t in self.tuned]
        return out


def _plan(
    data: PreparedData, settings: TrainSettings, validation: ValidationSettings
) -> list[tuple[int, np.ndarray, np.ndarray, TrainSettings]]:
    """Tasks as (number, fit rows, test rows, settings): -1 is the all-data model (first)."""
    n = len(data.y)
    everyone = np.arange(n)
    y = np.asarray(data.y, dtype=np.int64)
    tasks = [(-1, everyone, everyone, settings)]
    if validation.method == "bootstrap":
        for b, draw in enumerate(bootstrap_draws(y, validation.n_boot, settings.seed)):
            tasks.append((b, draw, everyone, replace(settings, seed=replicate_seed(settings.seed, b))))
    elif validation.method == "repeated-cv":
        if validation.folds < 2 or validation.repeats < 1:
            raise DataError("Repeated cross-validation needs at least 2 folds and 1 repeat.")
        if np.bincount(y, minlength=2).min() < validation.folds:
            raise DataError("The rarer class has fewer patients than folds; choose fewer folds.")
        splitter = RepeatedStratifiedKFold(
            n_splits=validation.folds, n_repeats=validation.repeats, random_state=settings.seed
        )
        for f, (fit, held) in enumerate(splitter.split(np.zeros(n), y)):
            tasks.append((f, fit, held, settings))
    elif validation.method == "holdout":
        train_idx, test_idx = split_indices(data, settings)
        tasks.append((0, train_idx, test_idx, settings))
    else:
        raise DataError(f"Unknown validation; choose one of: {', '.join(METHODS)}.")
    return tasks


def validate(
    data: PreparedData,
    settings: TrainSettings,
    validation: ValidationSettings,
    progress: Progress | None = None,
    scheduler: str | None = "",
    reason: str = "",
) -> InternalValidation:
    """Run the validation scheme; see the module docstring.

    scheduler: a Dask scheduler address ("" = this machine, None = the environment variable).
    reason: the sentence saying why this scheme (from :func:`choose_method`); a plain one if empty.
    """
    _check_task(data)
    if validation.pick:
        parse_pick(validation.pick)  # a bad rule fails before any fit
    report = progress or (lambda message, fraction: None)
    started = time.perf_counter()
    tasks = _plan(data, settings, validation)
    address = execution.scheduler_address(scheduler)
    where = f"Dask cluster at {address}" if address else _local_where(validation.n_jobs)
    v = validation
    items = [(num, fit, test, s, v.pick, v.tune, v.fixed_threshold) for num, fit, test, s in tasks]
    done: dict[int, Replicate] = {}
    report(f"Starting {len(items)} developments on {where}", 0.0)
    for out in execution.run_tasks(_task, data, items, n_jobs=validation.n_jobs, scheduler=address):
        done[out.number] = out
        report(f"{len(done)} of {len(items)} models developed and judged", len(done) / len(items))
    return _assemble(data, settings, validation, done, reason, where, time.perf_counter() - started)


def _chosen(tuning: TuneResult | None) -> dict[str, Any] | None:
    if tuning is None:
        return None
    return {"params": dict(tuning.chosen.params), "ratio": tuning.chosen.ratio or None}


def _local_where(n_jobs: int) -> str:
    import os

    workers = (os.cpu_count() or 1) if n_jobs == -1 else max(1, n_jobs)
    return f"this machine ({workers} process{'es' if workers != 1 else ''})"


def _assemble(
    data: PreparedData,
    settings: TrainSettings,
    validation: ValidationSettings,
    done: dict[int, Replicate],
    reason: str,
    where: str,
    seconds: float,
) -> InternalValidation:
    y = np.asarray(data.y, dtype=np.int64)
    final = done.pop(-1)
    reps = [done[k] for k in sorted(done)]
    apparent_b = np.array([r.apparent for r in reps]).reshape(-1, len(MEASURES))
    test_b = np.array([r.test for r in reps]).reshape(-1, len(MEASURES))
    if validation.method == "bootstrap":
        measures = harrell_optimism(final.apparent, apparent_b, test_b)
        replicate_risks = np.array([r.risks for r in reps])
    else:
        measures = cross_validated(final.apparent, apparent_b, test_b)
        replicate_risks = None
    return InternalValidation(
        method=validation.method,
        reason=reason or f"{METHODS[validation.method]}, as chosen.",
        settings=settings,
        validation=validation,
        n=len(y),
        events=int(y.sum()),
        measures=measures,
        final_threshold=final.threshold,
        final_risks=final.risks,
        final_y=y,
        replicate_risks=replicate_risks,
        replicate_thresholds=np.array([r.threshold for r in reps]),
        apparent_b=apparent_b,
        test_b=test_b,
        final_tuning=final.tuning,
        tuned=tuple(_chosen(r.tuning) for r in reps),
        where=where,
        seconds=seconds,
        fit_seconds=float(final.seconds + sum(r.seconds for r in reps)),
        cpu_seconds=float(final.cpu_seconds + sum(r.cpu_seconds for r in reps)),
    )
