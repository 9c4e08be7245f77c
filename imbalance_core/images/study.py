"""Training on image features with a fixed hold-out, augmentation inside folds, and the study's table.

:func:`train_images` is :func:`imbalance_core.learn.training.train` for an image set: the same public
pieces (:func:`~imbalance_core.learn.training.cv_plan`, :func:`~imbalance_core.learn.training.assemble`,
the same pipeline), except that

* the hold-out is the zip's ``test/`` folder when it has one (the bundled PneumoniaMNIST: its 624 test
  images), otherwise the usual stratified split;
* with ``augment`` set, each fit (every CV fold's fit part, then the whole training part) gets
  augmented copies of its own minority images (:mod:`imbalance_core.images.augment`) before the
  classifier is fitted; validation folds and the hold-out are scored on the original images only.

:func:`study_table` runs the chest X-ray study's techniques (baseline, random under- and
over-sampling, augmentation, SMOTE, Borderline-SMOTE) plus class weights and a threshold moved on
out-of-fold scores, and reports each on the hold-out: balanced accuracy, recall (sensitivity for the
positive class), F1 and TP/TN/FP/FN. :data:`STUDY_NOTE` says why the figures differ from the paper's.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.metrics import roc_auc_score

from imbalance_core.errors import DataError
from imbalance_core.evaluation.thresholds import pick_youden
from imbalance_core.images.augment import CHEST_XRAY, AugmentSettings, augmented_features
from imbalance_core.images.extractors import get_extractor
from imbalance_core.images.features import TEST_FOLDER, prepare_images
from imbalance_core.images.intake import ImageSet
from imbalance_core.intake.task import PreparedData
from imbalance_core.learn.training import (
    FitOutput,
    TrainResult,
    TrainSettings,
    assemble,
    build_pipeline,
    cv_plan,
    fit_and_score,
    predict_scores,
    split_indices,
)

Progress = Callable[[str, float], None]

STUDY_NOTE = (
    "Where these figures differ from the published study, and why: the study fine-tuned a ResNet18 for "
    "five epochs on full-resolution chest X-rays; here the images are PneumoniaMNIST's 28 x 28 versions "
    "(or your zip's), features come from a network that is not fine-tuned (ImageNet EfficientNet-Lite0) "
    "or from HOG / pixels, and a logistic regression on those features is the classifier. Resampling "
    "acts on feature vectors inside each training fold, as the study recommends for SMOTE. Expect lower "
    "absolute figures than a fine-tuned network on large images; compare the techniques with each other, on "
    "the same hold-out images (for PneumoniaMNIST the study's 624), rather than with the paper's numbers."
)


def image_split(
    image_set: ImageSet, data: PreparedData, settings: TrainSettings
) -> tuple[np.ndarray, np.ndarray]:
    """(train, test) positions: the zip's test/ folder when it has one, else the stratified split.

    The same split as the pages' (:func:`~imbalance_core.learn.training.split_indices` honours the fixed
    hold-out that :func:`~imbalance_core.images.features.prepare_images` puts on ``data``).
    """
    if image_set.is_test is not None and data.holdout is None:
        data = dataclasses.replace(data, holdout=image_set.is_test, holdout_name=TEST_FOLDER)
    return split_indices(data, settings)


def fit_and_score_images(
    data: PreparedData,
    settings: TrainSettings,
    fit_rows: np.ndarray,
    score_rows: np.ndarray,
    image_set: ImageSet | None = None,
    extractor: str = "",
    augment: AugmentSettings | None = None,
) -> FitOutput:
    """:func:`~imbalance_core.learn.training.fit_and_score`, plus augmented minority copies of ``fit_rows``.

    Without ``augment`` it is exactly ``fit_and_score``. With it, the pipeline's own sampler is off and
    the copies (made from ``fit_rows`` only) join the fit rows; ``score_rows`` are never augmented.
    """
    if augment is None or image_set is None:
        return fit_and_score(data, settings, fit_rows, score_rows)
    plain = dataclasses.replace(settings, sampler="none")
    y = np.asarray(data.y, dtype=np.int64)
    t0 = time.perf_counter()
    feats, codes, _ = augmented_features(
        image_set.images, y, fit_rows, extractor, settings.ratio, settings.seed, augment
    )
    X_fit = data.X.iloc[fit_rows]
    if len(codes):
        X_fit = pd.concat(
            [X_fit, pd.DataFrame(feats.astype(np.float64), columns=data.X.columns)], ignore_index=True
        )
    y_fit = np.r_[y[fit_rows], codes]
    pipeline = build_pipeline(data, plain)
    pipeline.fit(X_fit, y_fit)
    seconds = time.perf_counter() - t0
    scores = predict_scores(pipeline, data.X.iloc[score_rows], len(data.class_names))
    name = data.class_names
    made = ", ".join(f"{int((codes == c).sum())} of {name[c]}" for c in np.unique(codes)) or "none"
    notice = f"Augmentation added changed copies of training images (rotation, shift): {made}."
    return FitOutput(
        scores=scores,
        notices=(notice,),
        seconds=seconds,
        pipeline=pipeline,
        resampled={int(c): int(n) for c, n in enumerate(np.bincount(y_fit, minlength=len(name)))},
    )


def train_images(
    image_set: ImageSet,
    extractor: str,
    settings: TrainSettings,
    augment: AugmentSettings | None = None,
    progress: Progress | None = None,
    data: PreparedData | None = None,
) -> TrainResult:
    """Split (the zip's test/ folder, or stratified), cross-validate and fit on image features.

    ``data`` may be passed when the features were already prepared (it must come from ``image_set``).
    """
    report = progress or (lambda message, fraction: None)
    data = data if data is not None else prepare_images(image_set, extractor)
    notices: list[str] = []
    build_pipeline(data, settings, notices)
    train_idx, test_idx = image_split(image_set, data, settings)
    folds = cv_plan(data, settings, train_idx)
    started = time.perf_counter()
    outputs = []
    for i, (fit_rows, valid_rows) in enumerate(folds):
        report(f"Cross-validation fold {i + 1} of {settings.cv}", i / (settings.cv + 1))
        outputs.append(
            fit_and_score_images(data, settings, fit_rows, valid_rows, image_set, extractor, augment)
        )
    report("Final fit on the whole training part", settings.cv / (settings.cv + 1))
    final = fit_and_score_images(data, settings, train_idx, test_idx, image_set, extractor, augment)
    result = assemble(
        data, settings, train_idx, test_idx, folds, outputs, final, notices, time.perf_counter() - started
    )
    report("Done", 1.0)
    return result


# --------------------------------------------------------------------------- the study's table


@dataclass(frozen=True)
class Technique:
    """One row of the study's table: display name, how settings change, augmentation, moved threshold."""

    key: str
    name: str
    sampler: str = "none"
    weighting: str = "none"
    augment: bool = False
    moved_threshold: bool = False


TECHNIQUES: dict[str, Technique] = {
    t.key: t
    for t in (
        Technique("baseline", "Baseline (no resampling)"),
        Technique("random_under", "Random under-sampling", sampler="random_under"),
        Technique("random_over", "Random over-sampling", sampler="random_over"),
        Technique("augmentation", "Augmentation (rotate, shift, brightness; no flip)", sampler="augment"),
        Technique("smote", "SMOTE (on feature vectors)", sampler="smote"),
        Technique("borderline_smote", "Borderline-SMOTE (on feature vectors)", sampler="borderline_smote"),
        Technique("class_weights", "Class weights (balanced)", weighting="balanced"),
        Technique(
            "moved_threshold", "Moved threshold (Youden J on out-of-fold scores)", moved_threshold=True
        ),
    )
}


@dataclass(frozen=True)
class StudyRow:
    """One technique's hold-out result at its threshold (0.5, or the moved one)."""

    key: str
    name: str
    threshold: float
    balanced_accuracy: float
    recall: float
    f1: float
    tp: int
    tn: int
    fp: int
    fn: int
    roc_auc: float
    seconds: float


@dataclass(frozen=True)
class StudyResult:
    """The table plus what it was computed on."""

    rows: tuple[StudyRow, ...]
    extractor: str
    classifier: str
    positive: str
    n_train: int
    n_test: int
    test_counts: dict[str, int]
    note: str
    seconds: float


def row_at(
    key: str, name: str, y: np.ndarray, scores: np.ndarray, threshold: float, seconds: float
) -> StudyRow:
    """Hold-out metrics at ``threshold`` (a score >= threshold is called positive)."""
    pred = scores >= threshold
    tp = int(np.sum(pred & (y == 1)))
    fp = int(np.sum(pred & (y == 0)))
    fn = int(np.sum(~pred & (y == 1)))
    tn = int(np.sum(~pred & (y == 0)))
    recall = tp / (tp + fn) if tp + fn else float("nan")
    spec = tn / (tn + fp) if tn + fp else float("nan")
    f1 = 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else float("nan")
    auc = float(roc_auc_score(y, scores)) if len(np.unique(y)) == 2 else float("nan")
    return StudyRow(
        key, name, float(threshold), (recall + spec) / 2, recall, f1, tp, tn, fp, fn, auc, seconds
    )


def study_table(
    image_set: ImageSet,
    extractor: str,
    classifier: str = "logreg",
    cv: int = 5,
    seed: int = 0,
    ratio: float = 1.0,
    techniques: Sequence[str] = tuple(TECHNIQUES),
    augment: AugmentSettings = CHEST_XRAY,
    progress: Progress | None = None,
) -> StudyResult:
    """The study's technique x (balanced accuracy, recall, F1, TP, TN, FP, FN) table on the hold-out."""
    if len(image_set.class_names) != 2:
        raise DataError("The study's table needs two classes; this image set has more.")
    unknown = [t for t in techniques if t not in TECHNIQUES]
    if unknown or not techniques:
        raise DataError(f"Unknown technique; choose from: {', '.join(TECHNIQUES)}.")
    get_extractor(extractor)
    report = progress or (lambda message, fraction: None)
    started = time.perf_counter()
    data = prepare_images(image_set, extractor)
    rows, baseline = [], None
    for i, key in enumerate(techniques):
        tech = TECHNIQUES[key]
        report(f"{tech.name} ({i + 1} of {len(techniques)})", i / len(techniques))
        settings = TrainSettings(
            sampler=tech.sampler,
            ratio=ratio,
            weighting=tech.weighting,
            classifier=classifier,
            cv=cv,
            seed=seed,
        )
        t0 = time.perf_counter()
        if tech.moved_threshold and baseline is not None:
            result = baseline
        else:
            result = train_images(
                image_set, extractor, settings, augment if tech.augment else None, data=data
            )
        if key == "baseline":
            baseline = result
        threshold = pick_youden(result.y_train, result.oof_scores).threshold if tech.moved_threshold else 0.5
        rows.append(
            row_at(key, tech.name, result.y_test, result.test_scores, threshold, time.perf_counter() - t0)
        )
    report("Done", 1.0)
    train_idx, test_idx = image_split(image_set, data, TrainSettings(seed=seed))
    counts = np.bincount(image_set.y[test_idx], minlength=2)
    return StudyResult(
        rows=tuple(rows),
        extractor=extractor,
        classifier=classifier,
        positive=image_set.class_names[1],
        n_train=len(train_idx),
        n_test=len(test_idx),
        test_counts={name: int(c) for name, c in zip(image_set.class_names, counts, strict=True)},
        note=STUDY_NOTE,
        seconds=time.perf_counter() - started,
    )


def format_study(result: StudyResult) -> str:
    """The table as plain text (the CLI's output), with its heading and note."""
    counts = " / ".join(f"{n} {name}" for name, n in result.test_counts.items())
    lines = [
        f"Hold-out: {result.n_test} images ({counts}); positive class {result.positive}; "
        f"features {result.extractor}; classifier {result.classifier}; {result.n_train} training images.",
        f"{'technique':<50} {'thr':>6} {'bal.acc':>7} {'recall':>7} {'F1':>6} "
        f"{'TP':>5} {'TN':>5} {'FP':>5} {'FN':>5} {'AUC':>6}",
    ]
    for r in result.rows:
        lines.append(
            f"{r.name:<50} {r.threshold:>6.3f} {r.balanced_accuracy:>7.3f} {r.recall:>7.3f} {r.f1:>6.3f} "
            f"{r.tp:>5} {r.tn:>5} {r.fp:>5} {r.fn:>5} {r.roc_auc:>6.3f}"
        )
    lines.append(f"({result.seconds:.1f} s) {result.note}")
    return "\n".join(lines)


def study_json(result: StudyResult) -> dict:
    """The table as JSON-ready data."""
    return {
        "extractor": result.extractor,
        "classifier": result.classifier,
        "positive": result.positive,
        "n_train": result.n_train,
        "n_test": result.n_test,
        "test_counts": result.test_counts,
        "rows": [dataclasses.asdict(r) for r in result.rows],
        "note": result.note,
        "seconds": result.seconds,
    }


@dataclass(frozen=True)
class ExtractorRank:
    """One extractor's baseline model (no resampling): CV ROC AUC (mean, sd) and hold-out ROC AUC."""

    key: str
    name: str
    cv_roc_auc: float
    cv_roc_auc_sd: float
    holdout_roc_auc: float
    seconds: float


def rank_extractors(
    image_set: ImageSet, keys: Sequence[str], classifier: str = "logreg", cv: int = 5, seed: int = 0
) -> tuple[ExtractorRank, ...]:
    """Extractors ranked by cross-validated ROC AUC of the baseline model (best first).

    Ranked on CV (training part only) so the choice never peeks at the hold-out; the hold-out AUC is
    shown beside it.
    """
    settings = TrainSettings(classifier=classifier, cv=cv, seed=seed)
    out = []
    for key in keys:
        spec = get_extractor(key)
        t0 = time.perf_counter()
        result = train_images(image_set, key, settings)
        auc = (
            roc_auc_score(result.y_test, result.test_scores) if len(np.unique(result.y_test)) == 2 else np.nan
        )
        cv_auc = result.cv_summary["roc_auc"]
        out.append(
            ExtractorRank(key, spec.name, cv_auc.mean, cv_auc.sd, float(auc), time.perf_counter() - t0)
        )
    return tuple(sorted(out, key=lambda r: -np.nan_to_num(r.cv_roc_auc)))


def format_ranking(ranks: Sequence[ExtractorRank]) -> str:
    """The extractor ranking as plain text."""
    lines = [f"{'extractor':<20} {'CV ROC AUC':>16} {'hold-out ROC AUC':>17} {'seconds':>8}"]
    for r in ranks:
        cv_text = f"{r.cv_roc_auc:.3f} ± {r.cv_roc_auc_sd:.3f}"
        lines.append(f"{r.key:<20} {cv_text:>16} {r.holdout_roc_auc:>17.3f} {r.seconds:>8.1f}")
    return "\n".join(lines)
