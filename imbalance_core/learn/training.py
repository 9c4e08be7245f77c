"""Training: the imbalanced-learn pipeline, the hold-out split, cross-validation and the final fit.

Order of work in :func:`train` (why: resampling must never see rows it is judged on):

1. a stratified hold-out test set (``test_size``) is split off first; it is never resampled and only
   scored once, by the final model;
2. stratified k-fold cross-validation on the training part gives an out-of-fold score for every
   training row (threshold pickers choose on these) and metrics per fold;
3. the final pipeline is fitted on the whole training part and scores the hold-out rows.

The pipeline (:func:`build_pipeline`) is ``preprocess -> sampler -> [encode] -> [scale] -> classifier``:

* ``preprocess`` imputes (median for numbers, most frequent category) and one-hot encodes categories —
  except for SMOTE-NC / SMOTE-N, which must see raw categories: there categories are ordinal-coded
  before the sampler and one-hot encoded after it (the ``encode`` step);
* ``sampler`` is :class:`~imbalance_core.learn.samplers.ResamplingStep`; it works in the units of the data
  (so clipping to observed or given ranges is in real units) and finds neighbours on standardised
  features internally;
* ``scale`` standardises features for models that need it (logistic regression, SVM, kNN, network);
* ``classifier`` is :class:`~imbalance_core.learn.classifiers.WeightedClassifier` (class weights computed
after
  resampling).

One seed fixes the split, the folds, the sampler and the model, so one seed gives identical results.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd
from imblearn.pipeline import Pipeline
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.model_selection import StratifiedKFold, train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer, OneHotEncoder, StandardScaler

from imbalance_core.errors import DataError
from imbalance_core.evaluation.metrics import (
    FOLD_METRICS,
    binary_fold_metrics,
    mean_sd,
    multiclass_fold_metrics,
)
from imbalance_core.intake.task import PreparedData
from imbalance_core.learn import execution
from imbalance_core.learn.classifiers import WEIGHTINGS, WeightedClassifier, get_classifier
from imbalance_core.learn.encoding import category_coder, encoding_notice, many_valued
from imbalance_core.learn.recalibration import apply_recalibration, get_recalibrator
from imbalance_core.learn.samplers import ResamplingStep, get_sampler
from imbalance_core.learn.settings_check import check_settings
from imbalance_core.learn.splitting import (
    copies_folds,
    copies_holdout,
    grouped_folds,
    grouped_holdout,
    joined_groups,
)

Progress = Callable[[str, float], None]


@dataclass(frozen=True)
class TrainSettings:
    """Everything that decides a trained model; hashable, so it keys caches.

    ratio: target minority:majority after resampling (1.0 = 1:1, 0.5 = 1:2, 1/3 = 1:3).
    clip: clip synthetic rows to each numeric feature's observed range in the training fold.
    clip_bounds: ((column, low, high), ...) in the column's own units; applies even when clip is off.
    weighting: "none" | "balanced" | "tradeoff" | "custom" (see
    :func:`imbalance_core.learn.classifiers.class_weights`).
    tradeoff: t in [0, 1] for "tradeoff".
    custom_weights: one weight per class code (binary: (negative, positive)) for "custom".
    params: ((name, value), ...) classifier hyper-parameters overriding the registry defaults.
    augment: ((name, value), ...) settings of the ``augment`` sampler (images only: ``max_rotation``,
    ``max_shift``, ``flip``, ``brightness``, ``contrast`` of the images room's ``AugmentSettings``)
    overriding the image set's; () = the image set's own (chest X-ray defaults). Part of the cache key.
    """

    sampler: str = "none"
    ratio: float = 1.0
    clip: bool = True
    clip_bounds: tuple[tuple[str, float, float], ...] = ()
    weighting: str = "none"
    tradeoff: float = 0.5
    custom_weights: tuple[float, ...] = ()
    classifier: str = "logreg"
    params: tuple[tuple[str, Any], ...] = ()
    cv: int = 5
    test_size: float = 0.25
    seed: int = 0
    recalibrate: str = "none"  # "none" | "prior" | "platt" | "isotonic" (imbalance_core.learn.recalibration)
    group_by: str = ""  # a repeating ID column (PreparedData.groups): split and fold by it; "" = by row
    augment: tuple[tuple[str, Any], ...] = ()


@dataclass(frozen=True)
class MetricSummary:
    """Mean and sample standard deviation of one metric over the CV folds."""

    mean: float
    sd: float


@dataclass(frozen=True)
class FoldMetrics:
    """Metrics of one CV validation fold at threshold 0.5 (multi-class: macro averages)."""

    fold: int
    n_train: int
    n_valid: int
    roc_auc: float
    pr_auc: float
    balanced_accuracy: float
    sensitivity: float
    specificity: float
    f1: float
    accuracy: float
    per_class_accuracy: tuple[float, ...]
    fit_seconds: float

    def metric(self, key: str) -> float:
        """The value of metric ``key`` (one of :data:`imbalance_core.evaluation.metrics.FOLD_METRICS`)."""
        return float(getattr(self, key))


@dataclass(frozen=True, eq=False)
class TrainResult:
    """A trained model and everything needed to judge it.

    test_scores: binary: positive-class score per hold-out row, shape (n,); multi-class: (n, k).
    test_index / train_index: row positions into ``data.X``.
    oof_scores: out-of-fold CV score of every training row (same shape convention as test_scores).
    cv_summary: metric key -> mean and sd over folds; per_class_summary: class name -> per-class accuracy.
    train_counts / resampled_counts: class name -> rows in the training part before / after resampling
        (the final fit).
    timings: seconds: "cv" (summed fit time of the CV folds), "final_fit", "total" (wall time of train()).
    pipeline: the fitted imbalanced-learn Pipeline (its sampler is inactive at prediction time).
    clipped_counts: feature -> synthetic values of the final fit that clipping (observed range or given
        bounds) changed; only features with a change.
    """

    settings: TrainSettings
    class_names: tuple[str, ...]
    y_test: np.ndarray
    test_scores: np.ndarray
    test_index: np.ndarray
    y_train: np.ndarray
    oof_scores: np.ndarray
    train_index: np.ndarray
    folds: tuple[FoldMetrics, ...]
    cv_summary: dict[str, MetricSummary]
    train_counts: dict[str, int]
    resampled_counts: dict[str, int]
    timings: dict[str, float]
    pipeline: Pipeline
    notices: tuple[str, ...] = ()
    per_class_summary: dict[str, MetricSummary] = field(default_factory=dict)
    clipped_counts: dict[str, int] = field(default_factory=dict)
    # recalibration (imbalance_core.learn.recalibration): the classifier's own scores and the fitted
    # calibrator
    raw_test_scores: np.ndarray | None = None
    raw_oof_scores: np.ndarray | None = None
    calibrator: Any = None
    holdout_name: str = ""  # the hold-out the source fixed (an image zip's test/ folder); "" = split here
    # CV fold number (1..cv) of every training row, aligned with oof_scores: measures per fold at any
    # threshold (imbalance_core.learn.operating_point) without refitting. None: not recorded.
    oof_fold: np.ndarray | None = None
    # class name -> rows after resampling in each CV fold's training part, in fold order
    # (imbalance_core.learn.fold_counts). (): not recorded.
    fold_resampled_counts: tuple[dict[str, int], ...] = ()

    @property
    def is_binary(self) -> bool:
        """True for a positive-vs-negative task."""
        return len(self.class_names) == 2


@dataclass(frozen=True, eq=False)
class ResampleView:
    """The training part before and after one run of the sampler, for the Explore page.

    X_real: preprocessed real training rows (imputed, categories coded; numbers in their own units).
    X_after / y_after: what the classifier would be fitted on. is_synthetic: per after-row.
    source_index: per after-row, index into the real rows (-1 = synthetic). removed: per real row,
    True when under-sampling or cleaning left it out. train_index: positions of the real rows in data.X.
    """

    X_real: np.ndarray
    y_real: np.ndarray
    X_after: np.ndarray
    y_after: np.ndarray
    is_synthetic: np.ndarray
    source_index: np.ndarray
    removed: np.ndarray
    feature_names: tuple[str, ...]
    class_names: tuple[str, ...]
    train_index: np.ndarray
    notices: tuple[str, ...] = ()


# --------------------------------------------------------------------------- pipeline


def _as_object(frame: pd.DataFrame) -> pd.DataFrame:
    """Categorical columns as plain objects with NaN for missing (imputers dislike pandas' string dtype)."""
    return frame.astype(object).where(frame.notna(), np.nan)


def _check_compatible(data: PreparedData, settings: TrainSettings) -> None:
    """Refuse sampler/data combinations that cannot work, in a sentence."""
    spec = get_sampler(settings.sampler)
    n_num, n_cat = len(data.numeric_features), len(data.categorical_features)
    if spec.accepts == "mixed" and not (n_num and n_cat):
        raise DataError(
            "SMOTE-NC needs both numeric and categorical columns; use SMOTE for all-numeric data "
            "or SMOTE-N for all-categorical data."
        )
    if spec.accepts == "categorical" and (n_num or not n_cat):
        raise DataError("SMOTE-N needs every feature to be categorical; use SMOTE-NC for mixed data.")
    if settings.weighting not in WEIGHTINGS:
        raise DataError(f"Unknown weighting; choose one of: {', '.join(WEIGHTINGS)}.")
    if not 0 < settings.ratio <= 1:
        raise DataError("The target ratio must be above 0 and at most 1:1 (for example 1:3 or 0.333).")
    get_recalibrator(settings.recalibrate)


def _clip_indices(data: PreparedData, settings: TrainSettings) -> tuple[tuple[int, float, float], ...]:
    """Per-column clip bounds by position in the preprocessed matrix (numeric columns come first)."""
    out = []
    for column, low, high in settings.clip_bounds:
        if column not in data.numeric_features:
            raise DataError("A clipping bound names a column that is not a numeric feature.")
        if float(low) > float(high):
            raise DataError("A clipping bound has its lower limit above its upper limit.")
        out.append((data.numeric_features.index(column), float(low), float(high)))
    return tuple(out)


def build_pipeline(data: PreparedData, settings: TrainSettings, notices: list[str] | None = None) -> Pipeline:
    """The unfitted imbalanced-learn Pipeline for ``settings`` on ``data``'s columns.

    ``notices`` (if given) receives plain sentences about choices made here.
    """
    check_settings(settings, len(data.class_names))
    _check_compatible(data, settings)
    sampler_spec = get_sampler(settings.sampler)
    model_spec = get_classifier(settings.classifier)
    model_spec.resolve(settings.params)  # fail early on bad parameters
    raw_categories = sampler_spec.accepts in ("mixed", "categorical")
    num, cat = list(data.numeric_features), list(data.categorical_features)
    parts = []
    if num:
        parts.append(("num", SimpleImputer(strategy="median", keep_empty_features=True), num))
    many = many_valued(data.X, cat)  # rare levels of these are grouped (learn.encoding)
    for part, columns in (("cat", [c for c in cat if c not in many]), ("cat_many", many)):
        if not columns:
            continue
        cat_steps = make_pipeline(
            FunctionTransformer(_as_object, feature_names_out="one-to-one"),
            SimpleImputer(strategy="most_frequent", keep_empty_features=True),
            category_coder(raw_categories, group_rare=part == "cat_many"),
        )
        parts.append((part, cat_steps, columns))
    if not parts:
        raise DataError("There are no feature columns to learn from.")
    preprocess = ColumnTransformer(parts, sparse_threshold=0.0, verbose_feature_names_out=False)
    cat_idx = tuple(range(len(num), len(num) + len(cat))) if raw_categories else ()
    steps: list[tuple[str, Any]] = [
        ("preprocess", preprocess),
        (
            "sampler",
            ResamplingStep(
                method=settings.sampler,
                ratio=float(settings.ratio),
                clip=bool(settings.clip),
                clip_bounds=_clip_indices(data, settings),
                categorical=cat_idx,
                seed=int(settings.seed),
                augment=tuple(settings.augment) if settings.sampler == "augment" else (),
            ),
        ),
    ]
    if raw_categories:
        encode = ColumnTransformer(
            [
                ("num", "passthrough", list(range(len(num)))),
                ("cat", OneHotEncoder(handle_unknown="ignore", sparse_output=False), list(cat_idx)),
            ],
            sparse_threshold=0.0,
        )
        steps.append(("encode", encode))
    if model_spec.needs_scaling:
        steps.append(("scale", StandardScaler()))
    steps.append(
        (
            "classifier",
            WeightedClassifier(
                key=settings.classifier,
                params=tuple(settings.params),
                weighting=settings.weighting,
                tradeoff=float(settings.tradeoff),
                custom_weights=tuple(settings.custom_weights),
                n_classes=len(data.class_names),
                seed=int(settings.seed),
            ),
        )
    )
    if notices is not None and cat and (grouping := encoding_notice(data.X, cat)):
        notices.append(grouping)
    if notices is not None and not sampler_spec.uses_ratio and sampler_spec.kind != "none":
        notices.append(f"{sampler_spec.name} ignores the target ratio: it removes only what it finds.")
    if notices is not None and cat and sampler_spec.uses_k and not raw_categories:
        notices.append(
            f"{sampler_spec.name} interpolates the one-hot coded categorical columns ({', '.join(cat)}), so "
            "synthetic patients can get in-between categories; SMOTE-NC copies categories from neighbours."
        )
    return Pipeline(steps)


def weighting_overlap_notice(settings: TrainSettings) -> str | None:
    """Before training: say when class weights will have nothing left to balance (a 1:1 sampler first).

    Balanced and trade-off weights are computed on the resampled fold; a sampler that brings the
    classes to 1:1 leaves them all about 1, so the weighting changes nothing.
    """
    spec = get_sampler(settings.sampler)
    balances = spec.uses_ratio and spec.kind in ("over", "under", "combined") and settings.ratio >= 0.999
    if not balances or settings.weighting not in ("balanced", "tradeoff"):
        return None
    return (
        f"{spec.name} at 1:1 already balances every training fold, and the class weights are computed "
        "after it, so they all come out about 1: they have nothing left to balance and change nothing. "
        "Choose a target ratio below 1:1 to let the weights balance the rest, or no weighting."
    )


def predict_scores(pipeline: Pipeline, X: pd.DataFrame, n_classes: int) -> np.ndarray:
    """Scores from a fitted pipeline: binary -> positive-class column (n,); multi-class -> (n, k)."""
    proba = pipeline.predict_proba(X)
    full = np.zeros((len(X), n_classes))
    full[:, np.asarray(pipeline.classes_, dtype=int)] = proba
    return full[:, 1] if n_classes == 2 else full


def _fit_notices(pipeline: Pipeline) -> list[str]:
    """Notices left by the fitted sampler and classifier steps."""
    out = list(getattr(pipeline.named_steps["sampler"], "notices_", ()))
    out += list(getattr(pipeline.named_steps["classifier"], "notices_", ()))
    return out


def _dedupe(items: Sequence[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(items))


# --------------------------------------------------------------------------- split and train


def split_indices(data: PreparedData, settings: TrainSettings) -> tuple[np.ndarray, np.ndarray]:
    """Sorted row positions (train, test) of the stratified hold-out split; the same for one seed.

    A hold-out fixed by the source (``data.holdout``, e.g. an image zip's test/ folder) is used as it is.
    """
    if data.holdout is not None:
        return fixed_split(data)
    y = np.asarray(data.y)
    counts = np.bincount(y, minlength=len(data.class_names))
    if (counts < 2).any():
        raise DataError("Every class needs at least 2 patients to split off a test set.")
    if not 0 < settings.test_size < 1:
        raise DataError("The test share must lie between 0 and 1 (for example 0.25).")
    if settings.group_by:
        return grouped_holdout(y, row_groups(data, settings), settings.test_size, settings.seed)
    if getattr(data, "duplicate_groups", None) is not None:
        return copies_holdout(y, data.duplicate_groups, settings.test_size, settings.seed)
    try:
        train_idx, test_idx = train_test_split(
            np.arange(len(y)), test_size=settings.test_size, stratify=y, random_state=settings.seed
        )
    except ValueError:
        raise DataError(
            "The test share is too small or too large to hold every class; choose a share nearer 0.25."
        ) from None
    return np.sort(train_idx), np.sort(test_idx)


def fixed_split(data: PreparedData) -> tuple[np.ndarray, np.ndarray]:
    """(train, test) positions of the hold-out the source fixed; DataError if a part lacks a class."""
    holdout = np.asarray(data.holdout, dtype=bool)
    train_idx, test_idx = np.flatnonzero(~holdout), np.flatnonzero(holdout)
    y = np.asarray(data.y)
    for part, rows in (("training part", train_idx), ("hold-out", test_idx)):
        if len(np.unique(y[rows])) < len(data.class_names):
            raise DataError(
                f"The {part} of {data.holdout_name or 'the fixed split'} does not hold every class; "
                "put images of every class in both train/ and test/, or remove the split."
            )
    return train_idx, test_idx


def row_groups(data: PreparedData, settings: TrainSettings) -> np.ndarray:
    """Group code per row of ``data`` for ``settings.group_by`` (a repeating ID column), joined with the
    exact-duplicate groups when there are any (copies of a row never part either)."""
    groups = data.groups.get(settings.group_by)
    if groups is None:
        raise DataError(
            f"Column '{settings.group_by}' is not an ID column that repeats in this data, so it cannot "
            "be used to split by patient; choose one of the repeating ID columns or split by row."
        )
    copies = getattr(data, "duplicate_groups", None)
    return groups if copies is None else joined_groups(groups, copies)


def _check_folds(y_train: np.ndarray, n_classes: int, cv: int) -> None:
    if cv < 2:
        raise DataError("Cross-validation needs at least 2 folds.")
    smallest = int(np.bincount(y_train, minlength=n_classes).min())
    if smallest < cv:
        raise DataError(
            f"The rarest class has only {smallest} patients in the training part, fewer than "
            f"the {cv} folds; choose at most {max(smallest, 2)} folds or a smaller test share."
        )


def _fold_metrics(fold: int, n_train: int, y: np.ndarray, scores: np.ndarray, seconds: float) -> FoldMetrics:
    if scores.ndim == 1:
        values, per_class = binary_fold_metrics(y, scores), ()
    else:
        values, per_class = multiclass_fold_metrics(y, scores)
    return FoldMetrics(
        fold=fold,
        n_train=n_train,
        n_valid=len(y),
        per_class_accuracy=per_class,
        fit_seconds=seconds,
        **values,
    )


def _summaries(folds: Sequence[FoldMetrics], class_names: tuple[str, ...]):
    summary = {key: MetricSummary(*mean_sd([f.metric(key) for f in folds])) for key in FOLD_METRICS}
    per_class = {}
    if folds and folds[0].per_class_accuracy:
        for c, name in enumerate(class_names):
            per_class[name] = MetricSummary(*mean_sd([f.per_class_accuracy[c] for f in folds]))
    return summary, per_class


def _counts(codes: Mapping[int, int] | np.ndarray, class_names: tuple[str, ...]) -> dict[str, int]:
    if isinstance(codes, np.ndarray):
        codes = dict(enumerate(np.bincount(codes, minlength=len(class_names))))
    return {name: int(codes.get(c, 0)) for c, name in enumerate(class_names)}


@dataclass(frozen=True, eq=False)
class FitOutput:
    """One fit of the pipeline on some rows and its scores on others (a CV fold, or the final fit).

    scores: as in :class:`TrainResult` (binary (n,), multi-class (n, k)) for the scored rows.
    resampled: class code -> rows after resampling in this fit. seconds: fit time only.
    """

    scores: np.ndarray
    notices: tuple[str, ...]
    seconds: float
    pipeline: Pipeline
    resampled: dict[int, int]
    clipped: dict[int, int] = field(default_factory=dict)


def cv_plan(data: PreparedData, settings: TrainSettings, train_idx: np.ndarray):
    """The stratified CV folds of the training part as (fit rows, validation rows) positions into data.X.

    Raises DataError when the rarest class has fewer training rows than folds.
    """
    y_train = np.asarray(data.y, dtype=np.int64)[train_idx]
    _check_folds(y_train, len(data.class_names), settings.cv)
    if settings.group_by:
        groups = row_groups(data, settings)[train_idx]
        return tuple(
            (train_idx[fit], train_idx[valid])
            for fit, valid in grouped_folds(y_train, groups, settings.cv, settings.seed)
        )
    if getattr(data, "duplicate_groups", None) is not None:
        copies = np.asarray(data.duplicate_groups)[train_idx]
        return tuple(
            (train_idx[fit], train_idx[valid])
            for fit, valid in copies_folds(y_train, copies, settings.cv, settings.seed)
        )
    splitter = StratifiedKFold(n_splits=settings.cv, shuffle=True, random_state=settings.seed)
    return tuple(
        (train_idx[fit], train_idx[valid]) for fit, valid in splitter.split(np.zeros(len(y_train)), y_train)
    )


def fit_and_score(
    data: PreparedData, settings: TrainSettings, fit_rows: np.ndarray, score_rows: np.ndarray
) -> FitOutput:
    """Fit a fresh pipeline on ``fit_rows`` and score ``score_rows`` (positions into data.X).

    The sampler inside the pipeline sees only ``fit_rows``; scoring never resamples.
    """
    y = np.asarray(data.y, dtype=np.int64)
    pipeline = build_pipeline(data, settings)
    t0 = time.perf_counter()
    pipeline.fit(data.X.iloc[fit_rows], y[fit_rows])
    seconds = time.perf_counter() - t0
    scores = predict_scores(pipeline, data.X.iloc[score_rows], len(data.class_names))
    return FitOutput(
        scores=scores,
        notices=tuple(_fit_notices(pipeline)),
        seconds=seconds,
        pipeline=pipeline,
        resampled=dict(pipeline.named_steps["sampler"].counts_after_),
        clipped=dict(getattr(pipeline.named_steps["sampler"], "clipped_", {})),
    )


def assemble(
    data: PreparedData,
    settings: TrainSettings,
    train_idx: np.ndarray,
    test_idx: np.ndarray,
    folds: Sequence[tuple[np.ndarray, np.ndarray]],
    fold_outputs: Sequence[FitOutput],
    final: FitOutput,
    notices: Sequence[str] = (),
    total_seconds: float | None = None,
) -> TrainResult:
    """The TrainResult from the CV fold outputs (in ``folds`` order) and the final fit's output.

    ``notices`` are set-up notices (from :func:`build_pipeline`), put before the fits' own notices.
    """
    k = len(data.class_names)
    y = np.asarray(data.y, dtype=np.int64)
    y_train = y[train_idx]
    position = np.empty(len(y), dtype=np.int64)
    position[train_idx] = np.arange(len(train_idx))
    oof = np.zeros(len(train_idx)) if k == 2 else np.zeros((len(train_idx), k))
    oof_fold = np.zeros(len(train_idx), dtype=np.int64)
    metrics, all_notices = [], list(notices)
    for i, ((fit_rows, valid_rows), out) in enumerate(zip(folds, fold_outputs, strict=True)):
        oof[position[valid_rows]] = out.scores
        oof_fold[position[valid_rows]] = i + 1
        metrics.append(_fold_metrics(i + 1, len(fit_rows), y[valid_rows], out.scores, out.seconds))
        all_notices += out.notices
    all_notices += final.notices
    summary, per_class = _summaries(metrics, data.class_names)
    cv_seconds = sum(out.seconds for out in fold_outputs)
    total = cv_seconds + final.seconds if total_seconds is None else total_seconds
    result = TrainResult(
        settings=settings,
        class_names=tuple(data.class_names),
        y_test=y[test_idx],
        test_scores=final.scores,
        test_index=test_idx,
        y_train=y_train,
        oof_scores=oof,
        train_index=train_idx,
        folds=tuple(metrics),
        cv_summary=summary,
        per_class_summary=per_class,
        train_counts=_counts(y_train, data.class_names),
        resampled_counts=_counts(final.resampled, data.class_names),
        timings={"cv": cv_seconds, "final_fit": final.seconds, "total": total},
        pipeline=final.pipeline,
        notices=_dedupe(all_notices),
        clipped_counts=_clipped_by_name(final),
        holdout_name=data.holdout_name if data.holdout is not None else "",
        oof_fold=oof_fold,
        fold_resampled_counts=tuple(_counts(out.resampled, data.class_names) for out in fold_outputs),
    )
    return apply_recalibration(result, folds)


def _clipped_by_name(fit: FitOutput) -> dict[str, int]:
    """The fit's clipped-value counts keyed by the sampler's input column names (numeric first)."""
    if not fit.clipped:
        return {}
    names = [str(n) for n in fit.pipeline.named_steps["preprocess"].get_feature_names_out()]
    return {names[j] if j < len(names) else f"column {j + 1}": n for j, n in sorted(fit.clipped.items())}


def train(
    data: PreparedData,
    settings: TrainSettings,
    progress: Progress | None = None,
    scheduler: str | None = None,
) -> TrainResult:
    """Split, cross-validate and fit one pipeline; see the module docstring for the order of work.

    Built from public pieces (:func:`split_indices`, :func:`cv_plan`, :func:`fit_and_score`,
    :func:`assemble`) that the Compare grid runs in parallel with identical results.
    ``progress(message, fraction)`` is called before each fold, before the final fit and at the end.
    scheduler: a Dask scheduler address; the folds and the final fit then run there at once
    (:mod:`imbalance_core.learn.execution`; "" = here, None = the environment variable), same numbers.
    """
    report = progress or (lambda message, fraction: None)
    started = time.perf_counter()
    notices: list[str] = []
    build_pipeline(data, settings, notices)  # validate settings before any work
    train_idx, test_idx = split_indices(data, settings)
    folds = cv_plan(data, settings, train_idx)
    address = execution.scheduler_address(scheduler)
    if address:
        outputs, final = _fits_on_cluster(data, settings, folds, (train_idx, test_idx), address, report)
    else:
        outputs = []
        for i, (fit_rows, valid_rows) in enumerate(folds):
            report(f"Cross-validation fold {i + 1} of {settings.cv}", i / (settings.cv + 1))
            outputs.append(fit_and_score(data, settings, fit_rows, valid_rows))
        report("Final fit on the whole training part", settings.cv / (settings.cv + 1))
        final = fit_and_score(data, settings, train_idx, test_idx)
    result = assemble(
        data,
        settings,
        train_idx,
        test_idx,
        folds,
        outputs,
        final,
        notices,
        total_seconds=time.perf_counter() - started,
    )
    report("Done", 1.0)
    return result


def _numbered_fit(
    data: PreparedData, number: int, settings: TrainSettings, fit_rows: np.ndarray, score_rows: np.ndarray
) -> tuple[int, FitOutput]:
    """One fit as a cluster task: fold ``number`` (0 = the final fit; fold pipelines are not sent back)."""
    out = fit_and_score(data, settings, fit_rows, score_rows)
    return number, out if number == 0 else replace(out, pipeline=None)


def _fits_on_cluster(
    data: PreparedData,
    settings: TrainSettings,
    folds: Sequence[tuple[np.ndarray, np.ndarray]],
    final_rows: tuple[np.ndarray, np.ndarray],
    address: str,
    report: Progress,
) -> tuple[list[FitOutput], FitOutput]:
    """The CV folds and the final fit as tasks on the Dask cluster; progress counts finished fits."""
    items = [(0, settings, *final_rows)]
    items += [(i + 1, settings, fit, valid) for i, (fit, valid) in enumerate(folds)]
    done: dict[int, FitOutput] = {}
    report(f"Sending {len(items)} fits to the Dask cluster", 0.0)
    for number, out in execution.run_tasks(_numbered_fit, data, items, scheduler=address):
        done[number] = out
        report(f"{len(done)} of {len(items)} fits done on the Dask cluster", len(done) / (len(items) + 1))
    return [done[i + 1] for i in range(len(folds))], done[0]


# --------------------------------------------------------------------------- model selection


def _summary_of(item: Any) -> Mapping[str, MetricSummary]:
    return item.cv_summary if hasattr(item, "cv_summary") else item


def sensitivity_f_score(item: Any) -> float:
    """Selection score: mean of CV sensitivity and CV F1 (NaN counts as 0).

    Screening favours models that find the sick (sensitivity) without flooding with false alarms (F1);
    the source article picks on validation sensitivity together with F-score.
    """
    summary = _summary_of(item)
    sens, f1 = summary["sensitivity"].mean, summary["f1"].mean
    return float(np.nan_to_num(sens) + np.nan_to_num(f1)) / 2


def rank_by_sensitivity_f(items: Sequence[Any]) -> list[int]:
    """Positions of ``items`` (TrainResults or cv_summary mappings), best first.

    Ordered by :func:`sensitivity_f_score`, ties broken by higher sensitivity, then by position.
    """

    def key(i: int) -> tuple[float, float, int]:
        sens = float(np.nan_to_num(_summary_of(items[i])["sensitivity"].mean))
        return (-sensitivity_f_score(items[i]), -sens, i)

    return sorted(range(len(items)), key=key)


def select_by_sensitivity_f(items: Sequence[Any]) -> int:
    """Position of the best item by validation sensitivity together with F-score."""
    if not items:
        raise DataError("There are no trained models to choose from.")
    return rank_by_sensitivity_f(items)[0]


# --------------------------------------------------------------------------- explore view


def resample_for_view(data: PreparedData, settings: TrainSettings) -> ResampleView:
    """Run preprocessing and the sampler once on the training part, keeping track of every row.

    Uses the same split and the same preprocessing as :func:`train`'s final fit, so the Explore page
    shows exactly the rows the final model was trained on.
    """
    pipeline = build_pipeline(data, settings)
    train_idx, _ = split_indices(data, settings)
    y_real = np.asarray(data.y, dtype=np.int64)[train_idx]
    preprocess = pipeline.named_steps["preprocess"]
    X_real = np.asarray(preprocess.fit_transform(data.X.iloc[train_idx], y_real), dtype=float)
    sampler: ResamplingStep = pipeline.named_steps["sampler"]
    X_after, y_after = sampler.fit_resample(X_real, y_real)
    origin = np.asarray(sampler.origin_, dtype=np.int64)
    removed = np.ones(len(y_real), dtype=bool)
    removed[origin[origin >= 0]] = False
    return ResampleView(
        X_real=X_real,
        y_real=y_real,
        X_after=np.asarray(X_after, dtype=float),
        y_after=np.asarray(y_after, dtype=np.int64),
        is_synthetic=origin < 0,
        source_index=origin,
        removed=removed,
        feature_names=tuple(str(n) for n in preprocess.get_feature_names_out()),
        class_names=tuple(data.class_names),
        train_index=train_idx,
        notices=tuple(sampler.notices_),
    )
