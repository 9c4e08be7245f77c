"""Resampling methods: a registry of imbalanced-learn samplers and one pipeline step that runs them safely.

Every method a person can choose is a :class:`SamplerSpec` in :data:`SAMPLERS` (key -> spec). The keys
are shared by the app and the CLI. Training never calls an imbalanced-learn sampler directly: it puts a
:class:`ResamplingStep` in the imbalanced-learn ``Pipeline``. That step, fitted on one training fold at
a time,

* turns the person's target ratio (minority:majority after resampling) into a ``sampling_strategy``
  computed from the fold's own class counts (a per-class dict, so multi-class labels work too);
* lowers ``k_neighbors`` when the fold has too few minority rows (with a notice) and refuses with a
  plain :class:`~imbalance_core.errors.DataError` when even one neighbour is impossible;
* finds neighbours on standardised features (so a lab value measured in large units does not dominate
  the distance) but returns rows in the units it was given;
* clips synthetic rows to each feature's observed range in the fold, or to bounds given per column,
  so interpolated patients stay plausible;
* remembers where every output row came from (``origin_``: index of the input row, ``-1`` for a
  synthetic row) — the Explore page marks synthetic and removed patients with it.

Because the step lives inside the pipeline, it only ever sees training-fold rows: imbalanced-learn's
``Pipeline`` resamples during ``fit`` and skips samplers at prediction time.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from imblearn.base import BaseSampler
from imblearn.combine import SMOTEENN, SMOTETomek
from imblearn.over_sampling import ADASYN, SMOTE, SMOTEN, SMOTENC, BorderlineSMOTE, RandomOverSampler
from imblearn.under_sampling import OneSidedSelection, RandomUnderSampler, TomekLinks
from scipy import sparse
from sklearn.preprocessing import OneHotEncoder

from imbalance_core.errors import DataError

#: Default number of minority neighbours used by the SMOTE family.
DEFAULT_K = 5

Strategy = dict[int, int] | str


@dataclass(frozen=True)
class SamplerSpec:
    """One resampling method as a person sees it, plus how to build it.

    key: registry key used by the app and the CLI.
    name: display name.
    explanation: one line a clinician understands.
    accepts: which feature types it works on: "any", "numeric", "mixed" (numeric + categorical),
        "categorical" (all categorical) or "images" (image features whose images are at hand).
    limits: plain-language limits (minimum minority rows, ratio handling, risks).
    min_minority: fewest minority rows per training fold it needs.
    kind: "none", "over", "under", "combined", "clean" or "augment" (over-sampling with changed images).
    uses_ratio: False for cleaning methods, which remove what they find and ignore the target ratio.
    uses_k: True when the method interpolates between ``k`` minority neighbours (k may be lowered).
    build: ``build(strategy, k, seed, categorical)`` -> an imbalanced-learn sampler, or None for "none".
        ``strategy`` is a per-class dict (class code -> rows wanted) or an imbalanced-learn string;
        ``categorical`` holds the column indices SMOTE-NC must treat as categories.
    """

    key: str
    name: str
    explanation: str
    accepts: str
    limits: str
    min_minority: int
    kind: str
    uses_ratio: bool
    uses_k: bool
    build: Callable[[Strategy, int, int, tuple[int, ...]], Any]


def _none(strategy: Strategy, k: int, seed: int, categorical: tuple[int, ...]) -> None:
    return None


def _smote(strategy: Strategy, k: int, seed: int, categorical: tuple[int, ...]) -> SMOTE:
    return SMOTE(sampling_strategy=strategy, k_neighbors=k, random_state=seed)


_SPEC_ROWS: tuple[SamplerSpec, ...] = (
    SamplerSpec(
        "none",
        "No resampling",
        "Train on the patients as they are; the rare class stays rare.",
        "any",
        "Nothing changes; combine with class weights or a lower threshold instead.",
        1,
        "none",
        False,
        False,
        _none,
    ),
    SamplerSpec(
        "random_under",
        "Random under-sampling",
        "Leave out randomly chosen patients of the common class until the target ratio is reached.",
        "any",
        "Discards real patients; weak when data are few or varied.",
        1,
        "under",
        True,
        False,
        lambda s, k, seed, c: RandomUnderSampler(sampling_strategy=s, random_state=seed),
    ),
    SamplerSpec(
        "random_over",
        "Random over-sampling",
        "Repeat randomly chosen patients of the rare class until the target ratio is reached.",
        "any",
        "Copies add no new information and can make the model memorise the rare patients.",
        1,
        "over",
        True,
        False,
        lambda s, k, seed, c: RandomOverSampler(sampling_strategy=s, random_state=seed),
    ),
    SamplerSpec(
        "smote",
        "SMOTE",
        "Create new rare-class patients on the line between a rare patient and a similar rare patient.",
        "numeric",
        "Needs at least 2 rare patients per training fold (better 10 or more); "
        "categorical columns are one-hot coded first, so use SMOTE-NC for mixed data.",
        2,
        "over",
        True,
        True,
        _smote,
    ),
    SamplerSpec(
        "borderline_smote",
        "Borderline-SMOTE",
        "Like SMOTE, but only creates new patients near the border with the common class.",
        "numeric",
        "Needs at least 2 rare patients per fold; creates nothing when no rare patient lies near the border.",
        2,
        "over",
        True,
        True,
        lambda s, k, seed, c: BorderlineSMOTE(sampling_strategy=s, k_neighbors=k, random_state=seed),
    ),
    SamplerSpec(
        "adasyn",
        "ADASYN",
        "Like SMOTE, but creates more new patients where rare and common patients are hard to tell apart.",
        "numeric",
        "Needs at least 2 rare patients per fold; refuses when no rare patient has common-class neighbours.",
        2,
        "over",
        True,
        True,
        lambda s, k, seed, c: ADASYN(sampling_strategy=s, n_neighbors=k, random_state=seed),
    ),
    SamplerSpec(
        "smotenc",
        "SMOTE-NC",
        "SMOTE for mixed data: numbers are interpolated, categories (e.g. sex) copied from neighbours.",
        "mixed",
        "Needs at least one numeric and one categorical column and 2 rare patients per fold.",
        2,
        "over",
        True,
        True,
        lambda s, k, seed, c: SMOTENC(
            categorical_features=list(c),
            sampling_strategy=s,
            k_neighbors=k,
            random_state=seed,
            categorical_encoder=DenseInverseOneHot(handle_unknown="ignore"),
        ),
    ),
    SamplerSpec(
        "smoten",
        "SMOTE-N",
        "SMOTE for all-categorical data: each new patient takes the most common category of its neighbours.",
        "categorical",
        "Every feature must be categorical; needs 2 rare patients per fold.",
        2,
        "over",
        True,
        True,
        lambda s, k, seed, c: SMOTEN(sampling_strategy=s, k_neighbors=k, random_state=seed),
    ),
    SamplerSpec(
        "smote_tomek",
        "SMOTE + Tomek links",
        "SMOTE, then remove pairs of opposite-class patients that are each other's closest neighbour.",
        "numeric",
        "Needs 2 rare patients per fold; the cleaning step may leave the ratio a little below the target.",
        2,
        "combined",
        True,
        True,
        lambda s, k, seed, c: SMOTETomek(sampling_strategy=s, smote=_smote(s, k, seed, c), random_state=seed),
    ),
    SamplerSpec(
        "smote_enn",
        "SMOTE + edited nearest neighbours",
        "SMOTE, then remove patients whose neighbours mostly belong to the other class.",
        "numeric",
        "Needs 2 rare patients per fold; the cleaning step can remove many patients of both classes.",
        2,
        "combined",
        True,
        True,
        lambda s, k, seed, c: SMOTEENN(sampling_strategy=s, smote=_smote(s, k, seed, c), random_state=seed),
    ),
    SamplerSpec(
        "tomek",
        "Tomek links",
        "Remove common-class patients that sit right next to a rare patient, sharpening the border.",
        "numeric",
        "Ignores the target ratio: removes only the few boundary patients it finds.",
        1,
        "clean",
        False,
        False,
        lambda s, k, seed, c: TomekLinks(sampling_strategy="auto"),
    ),
    SamplerSpec(
        "one_sided_selection",
        "One-sided selection",
        "Remove common-class patients that are redundant or lie at the border (Tomek links).",
        "numeric",
        "Ignores the target ratio: removes what it finds, which can be many patients.",
        1,
        "clean",
        False,
        False,
        lambda s, k, seed, c: OneSidedSelection(sampling_strategy="auto", random_state=seed),
    ),
)

#: Every resampling method, by key, in the order the app lists them.
SAMPLERS: dict[str, SamplerSpec] = {spec.key: spec for spec in _SPEC_ROWS}

# Augmentation (issue 29): over-sampling with changed copies of rare-class *images*. The learning room
# cannot import the images room, so the images room hands in the function that makes the rows
# (:func:`imbalance_core.images.augment.augment_rows`); without image data the method refuses in a sentence.
RowAugmenter = Callable[
    [np.ndarray, np.ndarray, dict[int, int], int, tuple[tuple[str, Any], ...]],
    "tuple[np.ndarray, np.ndarray, str] | None",
]
_ROW_AUGMENTERS: list[RowAugmenter] = []
_NOT_IMAGES = (
    "Augmentation works on image data only (an image zip or the bundled chest X-rays): it changes copies "
    "of rare-class images. Choose random over-sampling or SMOTE for a table."
)


def set_row_augmenter(func: RowAugmenter) -> None:
    """Register the function that makes augmented rows (called once by the images room on import)."""
    if func not in _ROW_AUGMENTERS:
        _ROW_AUGMENTERS.append(func)


class AugmentOverSampler:
    """Adds augmented rare-class rows up to ``strategy`` (class code -> rows wanted) for one training fold.

    ``options``: ((name, value), ...) of the image room's ``AugmentSettings`` fields (rotation, shift,
    flip, brightness, contrast) overriding the image set's own; () keeps the image set's settings.
    """

    def __init__(self, strategy: Strategy, seed: int, options: tuple[tuple[str, Any], ...] = ()) -> None:
        self.strategy = strategy
        self.seed = seed
        self.options = tuple(options)
        self.note_ = ""

    def fit_resample(self, X: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The fold's rows followed by the augmented ones."""
        wanted = dict(self.strategy) if isinstance(self.strategy, dict) else {}
        for func in _ROW_AUGMENTERS:
            made = func(X, y, wanted, int(self.seed), self.options)
            if made is not None:
                new_X, new_y, self.note_ = made
                return np.vstack([X, new_X]) if len(new_y) else X, np.concatenate([y, new_y])
        raise DataError(_NOT_IMAGES)


SAMPLERS["augment"] = SamplerSpec(
    "augment",
    "Augmentation (images)",
    "Add changed copies (rotated, shifted, brighter/darker) of rare-class training images.",
    "images",
    "Image data only. No horizontal flip for chest X-rays: a flipped X-ray puts the heart on the right. "
    "Only training-fold images are changed; validation folds and the hold-out never are.",
    1,
    "augment",
    True,
    False,
    lambda s, k, seed, c: AugmentOverSampler(s, seed),
)


def get_sampler(key: str) -> SamplerSpec:
    """The spec for ``key``, or a DataError that lists the valid keys."""
    try:
        return SAMPLERS[key]
    except KeyError:
        raise DataError(f"Unknown resampling method; choose one of: {', '.join(SAMPLERS)}.") from None


def target_strategy(counts: Mapping[int, int], ratio: float, kind: str) -> dict[int, int]:
    """Rows wanted per class after resampling, for a target minority:majority ``ratio``.

    Over-sampling raises every smaller class to ``int(ratio * n_majority)`` rows (never lowering a
    class). Under-sampling lowers every larger class to ``int(n_minority / ratio)`` rows (never
    raising one). The rounding is imbalanced-learn's for a float ``sampling_strategy``, so a two-class
    task gets exactly what ``sampling_strategy=ratio`` would give.
    Classes already at or beyond the target are left out of the dict (untouched).
    Combined methods over-sample like "over". Works for two or more classes.
    """
    if not 0 < ratio <= 1:
        raise DataError("The target ratio must be above 0 and at most 1:1 (for example 1:3 or 0.333).")
    if kind == "under":
        goal = max(1, int(min(counts.values()) / ratio))
        return {c: goal for c, n in counts.items() if n > goal}
    goal = int(max(counts.values()) * ratio)
    return {c: goal for c, n in counts.items() if n < goal}


def _standardiser(X: np.ndarray, columns: Sequence[int]) -> tuple[np.ndarray, np.ndarray]:
    """Mean and spread per column (1 and 0 for the columns left alone or constant)."""
    centre = np.zeros(X.shape[1])
    spread = np.ones(X.shape[1])
    if len(columns):
        cols = list(columns)
        centre[cols] = X[:, cols].mean(axis=0)
        sd = X[:, cols].std(axis=0)
        spread[cols] = np.where(sd > 0, sd, 1.0)
    return centre, spread


def _origins(spec: SamplerSpec, estimator: Any, n_in: int, n_out: int) -> np.ndarray:
    """Index of the input row behind each output row (-1 = synthetic)."""
    if spec.kind == "none":
        return np.arange(n_in)
    if spec.kind in ("under", "clean") or (hasattr(estimator, "sample_indices_") and spec.kind == "over"):
        # under-samplers and random over-sampling (copies of real rows) say which rows they kept
        return np.asarray(estimator.sample_indices_, dtype=np.int64)
    if spec.kind == "over":
        return np.concatenate([np.arange(n_in), np.full(n_out - n_in, -1)]).astype(np.int64)
    cleaner = getattr(estimator, "tomek_", None) or estimator.enn_
    n_new = sum(int(n) for n in estimator.smote_.sampling_strategy_.values())
    mid = np.concatenate([np.arange(n_in), np.full(n_new, -1)]).astype(np.int64)
    return mid[np.asarray(cleaner.sample_indices_, dtype=np.int64)]


class DenseInverseOneHot(OneHotEncoder):
    """SMOTE-NC's own one-hot encoder (same settings), decoding from a dense array.

    SMOTE-NC decodes its resampled sparse matrix with ``inverse_transform``; on a sparse matrix that
    is scipy's row-by-row argmax (3.7 million Python calls, ~20 s for 57,000 diabetes rows). Dense
    gives the same codes (one 1 per category block) in well under a second.
    """

    def inverse_transform(self, X: Any) -> np.ndarray:
        """The categories of one-hot rows (densified first)."""
        return super().inverse_transform(X.toarray() if sparse.issparse(X) else X)


_ADASYN_NOTHING = (
    "ADASYN found no rare-class patient among common-class neighbours in a training "
    "fold, so it cannot decide where to create patients; choose SMOTE or "
    "Borderline-SMOTE instead."
)

_PLAIN_ERRORS: tuple[tuple[str, str], ...] = (
    ("Not any neigbours belong to the majority", _ADASYN_NOTHING),
    ("Not any neighbours belong to the majority", _ADASYN_NOTHING),
    (
        "No samples will be generated",
        "ADASYN would create no new patients with this target ratio in a training fold; choose a higher "
        "ratio or SMOTE instead.",
    ),
    (
        "Expected n_neighbors <= n_samples",
        "A training fold has too few rare-class patients for this method; use fewer folds or random "
        "over-sampling.",
    ),
    (
        "SMOTE-NC is not designed to work only with numerical",
        "SMOTE-NC needs at least one numeric column; use SMOTE-N for all-categorical data.",
    ),
    (
        "SMOTE-NC is not designed to work only with categorical",
        "SMOTE-NC needs at least one categorical column; use SMOTE for all-numeric data.",
    ),
)


def _plain_error(exc: Exception, spec: SamplerSpec) -> DataError:
    """Turn an imbalanced-learn ValueError into a sentence for a person."""
    text = str(exc)
    for needle, sentence in _PLAIN_ERRORS:
        if needle in text:
            return DataError(sentence)
    return DataError(
        f"{spec.name} could not resample a training fold with these settings; "
        "try another method, a different ratio or fewer folds."
    )


class ResamplingStep(BaseSampler):
    """The pipeline step that runs one registry sampler on a training fold.

    Parameters
    ----------
    method : str
        A key of :data:`SAMPLERS`.
    ratio : float
        Target minority:majority after resampling (1.0 = 1:1, 1/3 = 1:3); ignored by cleaning methods.
    clip : bool
        Clip synthetic rows to each column's observed range in the fold.
    clip_bounds : tuple of (column index, low, high)
        Bounds for given columns (in the units the step receives); they apply even when ``clip`` is off.
    categorical : tuple of int
        Column indices holding category codes (SMOTE-NC, SMOTE-N); never standardised or clipped.
    seed : int
        Random state for the sampler.
    k_neighbors : int
        Neighbours for the SMOTE family before any lowering.
    augment : tuple of (name, value)
        Settings of the ``augment`` sampler (``TrainSettings.augment``); ignored by every other method.

    Attributes (after ``fit_resample``)
    -----------------------------------
    origin_ : ndarray of int, index of the input row behind each output row, -1 for synthetic rows.
    sample_indices_ : indices of the input rows kept (imbalanced-learn's convention).
    counts_before_, counts_after_ : dict class code -> rows.
    k_used_ : the k actually used (None when the method has no k).
    clipped_ : dict column index -> synthetic values that clipping changed (beyond rounding), only
        columns with at least one change.
    notices_ : tuple of plain sentences (k lowered, nothing to do, ...).

    See Also
    --------
    imblearn.base.FunctionSampler : the same "bypass" pattern for a custom sampler.
    """

    _sampling_type = "bypass"

    def __init__(
        self,
        method: str = "none",
        ratio: float = 1.0,
        clip: bool = True,
        clip_bounds: tuple[tuple[int, float, float], ...] = (),
        categorical: tuple[int, ...] = (),
        seed: int = 0,
        k_neighbors: int = DEFAULT_K,
        augment: tuple[tuple[str, Any], ...] = (),
    ) -> None:
        super().__init__()
        self.method = method
        self.ratio = ratio
        self.clip = clip
        self.clip_bounds = clip_bounds
        self.categorical = categorical
        self.seed = seed
        self.k_neighbors = k_neighbors
        self.augment = augment

    def fit(self, X: Any, y: Any) -> ResamplingStep:
        """Resample and keep the fitted attributes (use :meth:`fit_resample`)."""
        self.fit_resample(X, y)
        return self

    def fit_resample(self, X: Any, y: Any, **params: Any) -> tuple[np.ndarray, np.ndarray]:
        """Resample one training fold; return the rows and labels the classifier will see.

        ``params`` (routed fit parameters) are accepted and ignored: no sampler here takes any.
        """
        spec = get_sampler(self.method)
        X = np.asarray(X, dtype=float)
        y = np.asarray(y)
        self.sampling_strategy_ = {}
        classes, n_per = np.unique(y, return_counts=True)
        counts = {int(c): int(n) for c, n in zip(classes, n_per, strict=True)}
        self.counts_before_ = counts
        notices: list[str] = []
        estimator, k = self._build(spec, counts, notices)
        self.k_used_ = k
        self.clipped_ = {}
        if estimator is None:
            X_out, y_out, origin = X, y, np.arange(len(y))
        elif spec.kind == "augment":  # rows as given: the images are found by their exact feature values
            estimator.options = tuple(self.augment)
            X_out, y_out = estimator.fit_resample(X, y)
            origin = np.r_[np.arange(len(y)), np.full(len(y_out) - len(y), -1)].astype(np.int64)
            if estimator.note_:
                notices.append(estimator.note_)
        else:
            X_out, y_out, origin = self._run(spec, estimator, X, y)
        self.origin_ = origin
        self.sample_indices_ = origin[origin >= 0]
        out_classes, out_n = np.unique(y_out, return_counts=True)
        self.counts_after_ = {int(c): int(n) for c, n in zip(out_classes, out_n, strict=True)}
        self.notices_ = tuple(notices)
        return X_out, y_out

    def _fit_resample(self, X: Any, y: Any) -> tuple[np.ndarray, np.ndarray]:
        """Required by imbalanced-learn's base class; :meth:`fit_resample` does the work."""
        return self.fit_resample(X, y)

    def _build(self, spec: SamplerSpec, counts: dict[int, int], notices: list[str]) -> tuple[Any, int | None]:
        """The imbalanced-learn estimator for this fold (None when nothing is to be done) and its k."""
        if spec.kind == "none":
            return None, None
        strategy: Strategy = "auto"
        if spec.uses_ratio:
            strategy = target_strategy(counts, float(self.ratio), spec.kind)
            if not strategy:
                notices.append(
                    f"{spec.name}: the classes are already at or beyond the target ratio, "
                    "so no rows were added or removed."
                )
                return None, None
        k: int | None = None
        if spec.uses_k:
            targets = strategy.keys() if isinstance(strategy, dict) else counts.keys()
            smallest = min(counts[c] for c in targets)
            k = min(int(self.k_neighbors), smallest - 1)
            if k < 1:
                raise DataError(
                    f"{spec.name} needs at least 2 rare-class patients in every training fold; "
                    "a fold has only 1. Use fewer folds or random over-sampling."
                )
            if k < self.k_neighbors:
                notices.append(
                    f"{spec.name}: a training fold has only {smallest} rare-class patients, "
                    f"so neighbours were lowered from {self.k_neighbors} to {k}."
                )
        return spec.build(strategy, k or DEFAULT_K, int(self.seed), tuple(self.categorical)), k

    def _run(self, spec: SamplerSpec, estimator: Any, X: np.ndarray, y: np.ndarray):
        """Resample on standardised numbers, map back to input units, clip synthetic rows."""
        numeric = [j for j in range(X.shape[1]) if j not in set(self.categorical)]
        centre, spread = _standardiser(X, numeric)
        try:
            Z_out, y_out = estimator.fit_resample((X - centre) / spread, y)
        except DataError:
            raise
        except (ValueError, RuntimeError) as exc:
            raise _plain_error(exc, spec) from exc
        Z_out = np.asarray(Z_out, dtype=float)
        origin = _origins(spec, estimator, len(y), len(y_out))
        X_out = Z_out * spread + centre
        real = origin >= 0
        X_out[real] = X[origin[real]]  # real rows exactly as given, no rounding from the round trip
        X_out[~real] = self._clip(X, X_out[~real], numeric)
        return X_out, np.asarray(y_out), origin

    def _clip(self, X: np.ndarray, synthetic: np.ndarray, numeric: list[int]) -> np.ndarray:
        """Synthetic rows held within the observed (or given) range of each numeric column.

        Records in ``clipped_`` how many values per column moved by more than rounding (1e-9 of the
        column's spread): interpolation can overshoot the observed range only by float error.
        """
        if not len(synthetic):
            return synthetic
        low = np.full(X.shape[1], -np.inf)
        high = np.full(X.shape[1], np.inf)
        if self.clip and numeric:
            low[numeric] = np.nanmin(X[:, numeric], axis=0)
            high[numeric] = np.nanmax(X[:, numeric], axis=0)
        for column, lo, hi in self.clip_bounds:
            low[int(column)], high[int(column)] = float(lo), float(hi)
        clipped = np.clip(synthetic, low, high)
        spread = np.nanmax(X, axis=0) - np.nanmin(X, axis=0) if len(X) else np.zeros(X.shape[1])
        tolerance = 1e-9 * np.where(np.isfinite(spread) & (spread > 0), spread, 1.0)
        moved = (np.abs(clipped - synthetic) > tolerance).sum(axis=0)
        self.clipped_ = {int(j): int(n) for j, n in enumerate(moved) if n}
        return clipped
