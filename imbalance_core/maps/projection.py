"""PCA and UMAP pictures of the training rows, before and after resampling.

Why: a scatter of the lab values before and after SMOTE shows what a resampler did — where the
synthetic patients land, which real patients an under-sampler or a cleaning rule threw away. The
projection is fitted on the *real* training rows only (the same imputed, encoded and scaled features
the models see) and then applied to the resampled set, so both panels share one map and one pair of
axes. Synthetic rows never shape the map they are judged on.

Large data: above :data:`MAX_POINTS` rows only a stratified sample is drawn (every row of the small
classes is kept, see :func:`stratified_sample`) and the result says so in ``sample_note``. PCA itself
is always fitted on every real row: a covariance matrix (features x features) is built in one pass
and eigen-decomposed, so 1,000,000 x 30 takes well under a second.

UMAP's first use in a process compiles numba code (about a minute here); see
:mod:`imbalance_core.maps.umap_warmup`, which does that in the background when the app starts.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np

from imbalance_core.errors import DataError
from imbalance_core.evaluation.formatting import percent

#: Above this many rows a panel draws a stratified sample instead of every row.
MAX_POINTS = 20_000
#: Key lab values shown on hover (page) and written to the points CSV (CLI).
HOVER_VALUES = 5
#: Loadings listed per principal component.
TOP_LOADINGS = 5
#: Fewest real rows a projection is attempted on.
MIN_ROWS = 5
#: UMAP layout passes (``n_epochs``) unless asked otherwise. UMAP itself picks 500 below 10,000 rows
#: and 200 above; 200 for every size is 2.5x faster on 5,000 rows (1.4 s instead of 3.5 s here) for a
#: slightly looser layout (trustworthiness 0.853 vs 0.881 on structureless data, equal on the digits
#: data), which matters for a picture that should appear within seconds. 500 stays one click away.
UMAP_EPOCHS = 200
#: Layout-pass choices offered by the app: quick preview, UMAP's large-data default, its small-data one.
UMAP_EPOCH_CHOICES = (100, 200, 500)

Progress = Callable[[str], None]


class ResampleLike(Protocol):
    """What a projection of a resampled training set needs (``training.ResampleView`` has it).

    X_real, y_real: preprocessed real training rows and their class codes.
    X_after, y_after: the rows the sampler returned.
    is_synthetic: per after-row, True when the sampler made the row up.
    source_index: per after-row, the real row it copies (-1 for synthetic rows).
    removed: per real row, True when the sampler dropped it.
    feature_names: names of the preprocessed columns (for the PCA loadings).
    """

    X_real: np.ndarray
    y_real: np.ndarray
    X_after: np.ndarray
    y_after: np.ndarray
    is_synthetic: np.ndarray
    source_index: np.ndarray
    removed: np.ndarray
    feature_names: Sequence[str]


@dataclass(frozen=True)
class ArrayView:
    """A plain-array :class:`ResampleLike`, for scripts, the benchmark and tests."""

    X_real: np.ndarray
    y_real: np.ndarray
    X_after: np.ndarray
    y_after: np.ndarray
    is_synthetic: np.ndarray
    source_index: np.ndarray
    removed: np.ndarray
    feature_names: tuple[str, ...]
    notices: tuple[str, ...] = ()


@dataclass(frozen=True)
class Loading:
    """One feature's weight in a principal component (sign tells the direction)."""

    feature: str
    weight: float


@dataclass(frozen=True)
class RowCounts:
    """How many rows of each kind the resampled view holds (all rows, not only the drawn sample)."""

    real: int
    kept: int
    removed: int
    synthetic: int
    after: int


@dataclass(frozen=True)
class PCAModel:
    """A fitted PCA: ``transform`` maps rows to component scores.

    components: (k, p) unit vectors, sign fixed as scikit-learn does (largest |weight| positive).
    explained_variance_ratio: share of the total variance each component carries.
    """

    mean: np.ndarray
    components: np.ndarray
    explained_variance: np.ndarray
    explained_variance_ratio: np.ndarray

    def transform(self, X: np.ndarray) -> np.ndarray:
        """Scores of the rows of X: (X - mean) @ components.T, without copying X."""
        X = np.asarray(X, dtype=np.float64)
        return X @ self.components.T - self.mean @ self.components.T


@dataclass(frozen=True)
class ResampledProjection:
    """Both panels of the Explore chart: the real training rows and the resampled set, on one map.

    before_*: drawn real rows — ``before_rows`` indexes ``X_real``; ``before_removed`` marks rows the
        sampler dropped.
    after_*: drawn resampled rows — ``after_rows`` indexes ``X_after``; ``after_synthetic`` marks made-up
        rows, ``after_source`` the real row each copies (-1 synthetic).
    removed_coords: where the dropped real rows sit (drawn faintly in the after panel).
    explained_variance_ratio / loadings: PCA only (empty for UMAP).
    before_note / after_note: "" when every row is drawn, else a sentence saying what was sampled.
    """

    method: str
    n_components: int
    params: tuple[tuple[str, Any], ...]
    before_coords: np.ndarray
    before_rows: np.ndarray
    before_y: np.ndarray
    before_removed: np.ndarray
    after_coords: np.ndarray
    after_rows: np.ndarray
    after_y: np.ndarray
    after_synthetic: np.ndarray
    after_source: np.ndarray
    removed_coords: np.ndarray
    removed_y: np.ndarray
    counts: RowCounts
    hover_names: tuple[str, ...] = ()
    before_hover: np.ndarray | None = None
    after_hover: np.ndarray | None = None
    removed_hover: np.ndarray | None = None
    explained_variance_ratio: tuple[float, ...] = ()
    loadings: tuple[tuple[Loading, ...], ...] = ()
    before_note: str = ""
    after_note: str = ""
    notices: tuple[str, ...] = field(default_factory=tuple)

    @property
    def axis_titles(self) -> tuple[str, ...]:
        """Axis labels: "PC1 (41.2 %)" for PCA, "UMAP 1" for UMAP."""
        if self.explained_variance_ratio:
            return tuple(f"PC{i + 1} ({percent(r)})" for i, r in enumerate(self.explained_variance_ratio))
        return tuple(f"{self.method.upper()} {i + 1}" for i in range(self.n_components))


# --------------------------------------------------------------------------------------------- PCA


def fit_pca(X: np.ndarray, n_components: int = 2) -> PCAModel:
    """PCA by eigen-decomposition of the covariance matrix (one pass over the rows).

    Equal to scikit-learn's ``PCA`` up to the sign of each component; much cheaper for tall data
    because only the (p, p) covariance is decomposed. Signs follow scikit-learn's ``svd_flip`` rule.
    """
    X = np.asarray(X, dtype=np.float64)
    n, p = X.shape
    if n < 2 or p < 1:
        raise DataError("A projection needs at least two rows and one feature.")
    k = min(n_components, p)
    mean = X.mean(axis=0)
    cov = (X.T @ X - n * np.outer(mean, mean)) / (n - 1)
    cov = (cov + cov.T) / 2
    values, vectors = np.linalg.eigh(cov)
    order = np.argsort(values)[::-1]
    values = np.clip(values[order], 0.0, None)
    vectors = vectors[:, order]
    components = vectors[:, :k].T.copy()
    signs = np.sign(components[np.arange(k), np.argmax(np.abs(components), axis=1)])
    signs[signs == 0] = 1.0
    components *= signs[:, None]
    total = values.sum()
    ratio = values[:k] / total if total > 0 else np.zeros(k)
    return PCAModel(
        mean=mean, components=components, explained_variance=values[:k], explained_variance_ratio=ratio
    )


def top_loadings(
    model: PCAModel, feature_names: Sequence[str], top: int = TOP_LOADINGS
) -> tuple[tuple[Loading, ...], ...]:
    """For each component, the ``top`` features with the largest absolute weight, largest first."""
    names = list(feature_names)
    if len(names) != model.components.shape[1]:
        names = [f"feature {i + 1}" for i in range(model.components.shape[1])]
    out = []
    for row in model.components:
        order = np.argsort(-np.abs(row), kind="stable")[:top]
        out.append(tuple(Loading(names[j], float(row[j])) for j in order))
    return tuple(out)


# ------------------------------------------------------------------------------------------ sampling


def stratified_sample(groups: np.ndarray, max_rows: int = MAX_POINTS, seed: int = 0) -> np.ndarray:
    """Row indices (sorted) of a sample of at most ``max_rows`` that keeps every row of the small groups.

    Groups are taken smallest first and kept whole while together they fill at most half the budget —
    so the minority class is drawn in full whenever it has at most ``max_rows / 2`` rows. The remaining
    groups share the rest of the budget in proportion to their size, so their mutual balance is kept.
    Returns every index when ``len(groups) <= max_rows``.
    """
    groups = np.asarray(groups)
    n = len(groups)
    if n <= max_rows:
        return np.arange(n)
    rng = np.random.default_rng(seed)
    _, inverse, counts = np.unique(groups, return_inverse=True, return_counts=True)
    order = np.argsort(counts, kind="stable")
    whole: list[int] = []
    used = 0
    for g in order:
        if used + counts[g] > max_rows // 2:
            break
        whole.append(int(g))
        used += int(counts[g])
    rest = [int(g) for g in order if int(g) not in whole]
    left = max_rows - used
    rest_total = int(counts[rest].sum())
    picked = [np.flatnonzero(inverse == g) for g in whole]
    for g in rest:
        idx = np.flatnonzero(inverse == g)
        take = min(len(idx), max(1, int(left * counts[g] // rest_total)))
        picked.append(rng.choice(idx, size=take, replace=False))
    return np.sort(np.concatenate(picked))


def _sample_note(rows: np.ndarray, groups: np.ndarray, what: str) -> str:
    """Plain sentence for a chart when only part of the rows is drawn ("" when all are)."""
    total = len(groups)
    if len(rows) >= total:
        return ""
    labels, counts = np.unique(groups, return_counts=True)
    smallest = labels[np.argmin(counts)]
    kept_all = int(np.sum(groups[rows] == smallest)) == int(counts.min())
    how = (
        "every row of the smallest class kept" if kept_all else "classes sampled in proportion to their size"
    )
    return f"Showing a stratified sample of {len(rows):,} of {total:,} {what} ({how})."


# ------------------------------------------------------------------------------------- the embedders


@dataclass(frozen=True)
class Embedding:
    """A fitted map: coordinates of the fitted rows and a way to place new rows."""

    coords: np.ndarray
    transform: Callable[[np.ndarray], np.ndarray]
    explained_variance_ratio: tuple[float, ...] = ()
    loadings: tuple[tuple[Loading, ...], ...] = ()


@dataclass(frozen=True)
class MethodSpec:
    """A projection method: display name, its tunable settings, and how to fit it.

    fit(X_all_real, fit_rows, feature_names, n_components, params, seed) -> Embedding whose ``coords``
    belong to ``fit_rows``.
    """

    name: str
    description: str
    defaults: tuple[tuple[str, Any], ...]
    fit: Callable[..., Embedding]
    max_components: int
    reports_epochs: bool = False


def _fit_pca_embedding(
    X: np.ndarray,
    fit_rows: np.ndarray,
    feature_names: Sequence[str],
    n_components: int,
    params: dict[str, Any],
    seed: int,
) -> Embedding:
    """PCA fitted on every real row; coordinates for the drawn ones."""
    model = fit_pca(X, n_components)
    return Embedding(
        coords=model.transform(X[fit_rows]),
        transform=model.transform,
        explained_variance_ratio=tuple(float(r) for r in model.explained_variance_ratio),
        loadings=top_loadings(model, feature_names),
    )


EpochCallback = Callable[[int, int], None]
#: Share of a progress bar for UMAP's fit passes when resampled rows are placed afterwards (the
#: transform runs a third as many passes on them); the rest of the bar is the placing.
FIT_SHARE = 0.75


def umap_progress(passes: Sequence[tuple[int, int]], placing: bool, places: bool) -> float:
    """Fraction of a UMAP projection done, from the layout passes UMAP reported (``on_epoch``).

    passes: (done, total) reports so far, latest last; placing: the transform of resampled rows has
    begun; places: there are resampled rows to place after the fit. 0 before the first pass (waiting,
    compiling, finding neighbours): no estimate is passed off as progress.
    """
    if not passes:
        return 0.0
    done, total = passes[-1]
    share = done / max(total, 1)
    start, width = (FIT_SHARE, 1 - FIT_SHARE) if placing else (0.0, FIT_SHARE if places else 1.0)
    return float(min(max(start + width * share, 0.0), 1.0))


class _EpochStream:
    """A file-like sink for UMAP's tqdm bar that reports "epochs done / total" to a callback.

    UMAP's layout loop is ``for n in tqdm(range(n_epochs), **tqdm_kwds)``; with this object as tqdm's
    ``file`` every refresh writes "... 24/200 [...]", which is parsed, so the page shows real progress.
    """

    _COUNT = re.compile(r"(\d+)/(\d+)")

    def __init__(self, callback: EpochCallback) -> None:
        self.callback = callback

    def write(self, text: str) -> int:
        found = self._COUNT.findall(text)
        if found:
            done, total = found[-1]
            self.callback(int(done), int(total))
        return len(text)

    def flush(self) -> None:
        """tqdm flushes its file; nothing is buffered here."""


def make_umap(
    n_components: int,
    n_neighbors: int,
    min_dist: float,
    seed: int,
    n_rows: int,
    n_epochs: int | None = UMAP_EPOCHS,
    on_epoch: EpochCallback | None = None,
):
    """A seeded ``umap.UMAP`` (single-threaded, hence reproducible); n_neighbors capped below n_rows.

    n_epochs: layout passes; None lets UMAP choose (500 below 10,000 rows, 200 above). ``transform``
    then uses a third of them for new rows. on_epoch(done, total) is called as layout passes finish
    (fit and transform alike).

    ``force_approximation_algorithm``: below 4,096 rows UMAP otherwise computes every pairwise distance
    with its numba metric called once per pair from Python (scikit-learn's ``_pairwise_callable``):
    38-230 s for 3,800 training rows (the 5,110-row stroke registry), against about 1 s with the
    nearest-neighbour descent used for larger data. The approximate neighbours are the same method
    UMAP uses from 4,096 rows on.
    """
    from imbalance_core.maps.numba_cache import import_umap_with_cache

    # imported here (~2 s and numba set-up, only paid when UMAP is asked for), with numba's disk cache on
    umap = import_umap_with_cache()

    tqdm_kwds = {"disable": True}
    if on_epoch is not None:
        tqdm_kwds = {"disable": False, "file": _EpochStream(on_epoch), "mininterval": 0.2, "ascii": True}
    return umap.UMAP(
        n_components=n_components,
        n_neighbors=max(2, min(int(n_neighbors), n_rows - 1)),
        min_dist=float(min_dist),
        n_epochs=None if n_epochs is None else int(n_epochs),
        random_state=int(seed),
        n_jobs=1,
        force_approximation_algorithm=True,
        tqdm_kwds=tqdm_kwds,
    )


def _fit_umap_embedding(
    X: np.ndarray,
    fit_rows: np.ndarray,
    feature_names: Sequence[str],
    n_components: int,
    params: dict[str, Any],
    seed: int,
    on_epoch: EpochCallback | None = None,
) -> Embedding:
    """UMAP fitted on the drawn real rows; new rows placed with ``UMAP.transform``."""
    Xf = np.asarray(X[fit_rows], dtype=np.float32)
    reducer = make_umap(
        n_components,
        params["n_neighbors"],
        params["min_dist"],
        seed,
        len(Xf),
        params.get("n_epochs"),
        on_epoch,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        coords = reducer.fit_transform(Xf)

    def transform(rows: np.ndarray) -> np.ndarray:
        if len(rows) == 0:
            return np.empty((0, n_components))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return np.asarray(reducer.transform(np.asarray(rows, dtype=np.float32)), dtype=np.float64)

    return Embedding(coords=np.asarray(coords, dtype=np.float64), transform=transform)


METHODS: dict[str, MethodSpec] = {
    "pca": MethodSpec(
        name="PCA",
        description="Linear: each axis is a weighted sum of the features; distances and spread are kept.",
        defaults=(),
        fit=_fit_pca_embedding,
        max_components=3,
    ),
    "umap": MethodSpec(
        name="UMAP",
        description="Non-linear: keeps each row's nearest neighbours together; distances between "
        "groups mean little. Seeded, so the same settings give the same picture.",
        defaults=(("n_neighbors", 15), ("min_dist", 0.1), ("n_epochs", UMAP_EPOCHS)),
        fit=_fit_umap_embedding,
        max_components=2,
        reports_epochs=True,
    ),
}


# ----------------------------------------------------------------------------------- the main entry


def _validate(view: ResampleLike) -> None:
    """Check the arrays line up; a mismatch is a programming error, said plainly."""
    n_real, n_after = len(view.X_real), len(view.X_after)
    if len(view.y_real) != n_real or len(view.removed) != n_real:
        raise DataError("The real training rows and their labels or removed flags differ in length.")
    if not (len(view.y_after) == len(view.is_synthetic) == len(view.source_index) == n_after):
        raise DataError("The resampled rows and their labels or flags differ in length.")
    if n_real < MIN_ROWS:
        raise DataError(f"A projection needs at least {MIN_ROWS} training rows.")
    if not np.all(np.isfinite(view.X_real)) or not np.all(np.isfinite(view.X_after)):
        raise DataError("The prepared features still hold missing values; a projection needs complete rows.")


def standardise(X_real: np.ndarray, *others: np.ndarray) -> tuple[np.ndarray, ...]:
    """Z-scores with the real rows' mean and spread (spread 1 for constant columns), applied to all.

    Why: the models see scaled features, and without scaling a lab value in large units would
    dominate every distance and every principal component.
    """
    mean = X_real.mean(axis=0)
    sd = X_real.std(axis=0)
    sd = np.where(sd > 0, sd, 1.0)
    return tuple((X - mean) / sd for X in (X_real, *others))


def key_features(X_std: np.ndarray, feature_names: Sequence[str], count: int = 5) -> tuple[int, ...]:
    """Indices of the features that shape the picture most: largest weights on the first two PCs."""
    model = fit_pca(X_std, 2)
    weight = np.abs(model.components * np.sqrt(model.explained_variance)[:, None]).sum(axis=0)
    return tuple(int(i) for i in np.argsort(-weight, kind="stable")[:count])


def hover_columns(
    view: ResampleLike, numeric_features: Sequence[str], count: int = HOVER_VALUES
) -> tuple[int, ...]:
    """Columns of ``view.X_real`` shown on hover: the numeric lab values that shape the picture most.

    One choice for the Explore page and the ``project`` command, so the chart's hover and the CSV's
    lab-value columns agree. Without numeric features: the first ``count`` columns.
    """
    wanted = set(numeric_features)
    names = list(view.feature_names)
    numeric = [i for i, name in enumerate(names) if name in wanted]
    if not numeric:
        return tuple(range(min(count, len(names))))
    Xs = standardise(np.asarray(view.X_real, dtype=float))[0]
    order = key_features(Xs[:, numeric], [names[i] for i in numeric], count=count)
    return tuple(numeric[i] for i in order)


def project_resampled(
    view: ResampleLike,
    method: str = "pca",
    n_components: int = 2,
    *,
    params: dict[str, Any] | None = None,
    seed: int = 0,
    max_points: int = MAX_POINTS,
    hover_features: Sequence[int] | None = None,
    progress: Progress | None = None,
    on_epoch: EpochCallback | None = None,
) -> ResampledProjection:
    """Project the real training rows and the resampled set onto one map fitted on the real rows.

    Features are standardised with the real rows' mean and spread first (:func:`standardise`).
    method: a key of :data:`METHODS`; params: its settings (UMAP: n_neighbors, min_dist).
    Rows the sampler kept sit at the same place in both panels; synthetic rows are placed by the
    fitted map's transform; rows the sampler removed are returned separately (``removed_coords``).
    hover_features: column indices whose values (in the units given) go with each drawn row;
    default: the :func:`key_features`.
    on_epoch(done, total): layout passes finished, for methods that report them (UMAP: the fit's passes,
    then the transform's for the resampled rows), so a progress bar can show real progress.
    """
    if method not in METHODS:
        raise DataError(f"Unknown projection method; choose one of {', '.join(METHODS)}.")
    spec = METHODS[method]
    _validate(view)
    say = progress or (lambda _msg: None)
    merged = {**dict(spec.defaults), **(params or {})}
    k = max(1, min(int(n_components), spec.max_components, np.asarray(view.X_real).shape[1]))

    raw_real = np.asarray(view.X_real, dtype=np.float64)
    raw_after = np.asarray(view.X_after, dtype=np.float64)
    if raw_after is raw_real:  # nothing resampled: scale once
        X_real = X_after = standardise(raw_real)[0]
    else:
        X_real, X_after = standardise(raw_real, raw_after)
    names = tuple(str(n) for n in view.feature_names)
    hover = tuple(hover_features) if hover_features is not None else key_features(X_real, names)
    y_real = np.asarray(view.y_real)
    y_after = np.asarray(view.y_after)
    removed = np.asarray(view.removed, dtype=bool)
    synthetic = np.asarray(view.is_synthetic, dtype=bool)
    source = np.asarray(view.source_index, dtype=np.int64)

    before_rows = stratified_sample(y_real, max_points, seed)
    say(f"Fitting {spec.name} on {len(before_rows):,} real training rows")
    extra = {"on_epoch": on_epoch} if spec.reports_epochs and on_epoch is not None else {}
    emb = spec.fit(X_real, before_rows, names, k, merged, seed, **extra)
    before_coords = emb.coords

    # After panel: a stratified sample by class and kind (real / synthetic).
    after_groups = y_after * 2 + synthetic
    after_rows = stratified_sample(after_groups, max_points, seed + 1)
    after_coords = np.empty((len(after_rows), k))
    pos_in_before = np.full(len(X_real), -1, dtype=np.int64)
    pos_in_before[before_rows] = np.arange(len(before_rows))
    src = source[after_rows]
    reuse = (src >= 0) & (pos_in_before[np.clip(src, 0, None)] >= 0)
    after_coords[reuse] = before_coords[pos_in_before[src[reuse]]]
    place = ~reuse
    if place.any():
        say(f"Placing {int(place.sum()):,} resampled rows on the map")
        after_coords[place] = emb.transform(X_after[after_rows[place]])

    drawn_removed = before_rows[removed[before_rows]]
    removed_coords = before_coords[removed[before_rows]]

    counts = RowCounts(
        real=len(X_real),
        kept=int(len(X_real) - removed.sum()),
        removed=int(removed.sum()),
        synthetic=int(synthetic.sum()),
        after=len(X_after),
    )
    return ResampledProjection(
        method=method,
        n_components=k,
        params=tuple(sorted(merged.items())),
        before_coords=before_coords,
        before_rows=before_rows,
        before_y=y_real[before_rows],
        before_removed=removed[before_rows],
        after_coords=after_coords,
        after_rows=after_rows,
        after_y=y_after[after_rows],
        after_synthetic=synthetic[after_rows],
        after_source=src,
        removed_coords=removed_coords,
        removed_y=y_real[drawn_removed],
        counts=counts,
        hover_names=tuple(names[i] if i < len(names) else f"x{i + 1}" for i in hover),
        before_hover=raw_real[np.ix_(before_rows, hover)],
        after_hover=raw_after[np.ix_(after_rows, hover)],
        removed_hover=raw_real[np.ix_(drawn_removed, hover)],
        explained_variance_ratio=emb.explained_variance_ratio,
        loadings=emb.loadings,
        before_note=_sample_note(before_rows, y_real, "real training rows"),
        after_note=_sample_note(after_rows, after_groups, "resampled rows"),
        notices=tuple(getattr(view, "notices", ()) or ()),
    )


# ------------------------------------------------------------------------ plain-array resampled view


def resample_arrays(
    X: np.ndarray,
    y: np.ndarray,
    method: str = "none",
    ratio: float = 1.0,
    seed: int = 0,
    feature_names: Sequence[str] | None = None,
) -> ArrayView:
    """Run a registry sampler (:data:`imbalance_core.learn.samplers.SAMPLERS` key) on prepared arrays.

    For scripts and the benchmark, where there is no :class:`~imbalance_core.intake.task.PreparedData`;
    the app uses :func:`imbalance_core.learn.training.resample_for_view`. Row origins come from the
    sampler step's ``origin_`` (-1 = synthetic), exactly as in training.
    """
    from imbalance_core.learn.samplers import ResamplingStep

    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y, dtype=np.int64)
    names = (
        tuple(str(n) for n in feature_names)
        if feature_names is not None
        else tuple(f"x{i + 1}" for i in range(X.shape[1]))
    )
    step = ResamplingStep(method=method, ratio=ratio, seed=seed)
    X_after, y_after = step.fit_resample(X, y)
    origin = np.asarray(step.origin_, dtype=np.int64)
    removed = np.ones(len(y), dtype=bool)
    removed[origin[origin >= 0]] = False
    return ArrayView(
        X,
        y,
        np.asarray(X_after, dtype=np.float64),
        np.asarray(y_after),
        origin < 0,
        origin,
        removed,
        names,
        tuple(step.notices_),
    )
