"""Tests of imbalance_core.maps.projection: PCA against scikit-learn, flags against imbalanced-learn's own
outputs, the stratified sample, the resampled view's geometry, and one small UMAP (pays numba's compile)."""

from __future__ import annotations

import numpy as np
import pytest
from imblearn.over_sampling import SMOTE
from imblearn.under_sampling import OneSidedSelection, RandomUnderSampler, TomekLinks
from sklearn.decomposition import PCA
from sklearn.preprocessing import StandardScaler

from imbalance_core.errors import DataError
from imbalance_core.evaluation.formatting import percent
from imbalance_core.figures.projection import resampled_projection_figure
from imbalance_core.intake import bundled, task
from imbalance_core.learn.training import TrainSettings, resample_for_view
from imbalance_core.maps.projection import (
    UMAP_EPOCHS,
    ArrayView,
    fit_pca,
    hover_columns,
    project_resampled,
    resample_arrays,
    stratified_sample,
    top_loadings,
)


def _blobs(n: int = 400, p: int = 6, minority: float = 0.1, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Two Gaussian clouds; the minority shifted; features on very different scales."""
    rng = np.random.default_rng(seed)
    y = (rng.random(n) < minority).astype(np.int64)
    X = rng.normal(size=(n, p)) + 1.5 * y[:, None]
    X *= np.geomspace(1, 1000, p)  # units differ: scaling must matter
    return X, y


@pytest.fixture(scope="module")
def hcv():
    table = bundled.load_bundled("hcv")
    return task.prepare(table, bundled.BUNDLED["hcv"].default_spec)


# --- PCA -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("k", [2, 3])
def test_pca_equals_sklearn_up_to_sign(k):
    X, _ = _blobs(500, 8)
    ours = fit_pca(X, k)
    ref = PCA(n_components=k, svd_solver="full").fit(X)
    np.testing.assert_allclose(ours.explained_variance_ratio, ref.explained_variance_ratio_, rtol=1e-8)
    np.testing.assert_allclose(ours.explained_variance, ref.explained_variance_, rtol=1e-8)
    a, b = ours.transform(X), ref.transform(X)
    signs = np.sign((a * b).sum(axis=0))
    np.testing.assert_allclose(a * signs, b, atol=1e-6 * np.abs(b).max())
    np.testing.assert_allclose(np.abs(ours.components), np.abs(ref.components_), atol=1e-8)


def test_pca_sign_follows_sklearn_rule():
    """Largest |weight| of each component positive (scikit-learn's svd_flip on the components)."""
    X, _ = _blobs(300, 5)
    comps = fit_pca(X, 3).components
    assert np.all(comps[np.arange(3), np.abs(comps).argmax(axis=1)] > 0)


def test_top_loadings_name_the_heaviest_features():
    X, _ = _blobs(300, 5)
    model = fit_pca(X, 2)
    names = ["ALT", "AST", "GGT", "CHE", "BIL"]
    loads = top_loadings(model, names, top=3)
    ref = PCA(n_components=2, svd_solver="full").fit(X).components_
    for comp, row in zip(loads, ref, strict=True):
        assert [ld.feature for ld in comp] == [names[j] for j in np.argsort(-np.abs(row))[:3]]
        assert [abs(ld.weight) for ld in comp] == pytest.approx(sorted(np.abs(row), reverse=True)[:3])


def test_projection_of_real_rows_is_pca_of_standardised_features():
    X, y = _blobs(400, 6)
    result = project_resampled(resample_arrays(X, y, "none"), "pca", 2)
    ref = PCA(n_components=2, svd_solver="full").fit(StandardScaler().fit_transform(X))
    b = ref.transform(StandardScaler().fit_transform(X))
    a = result.before_coords
    signs = np.sign((a * b).sum(axis=0))
    np.testing.assert_allclose(a * signs, b, atol=1e-8)
    assert result.explained_variance_ratio == pytest.approx(tuple(ref.explained_variance_ratio_))
    # sklearn's share, by the one formatter ("PC1 (41.2 %)", never Python's "41.2%")
    assert result.axis_titles[0] == f"PC1 ({percent(ref.explained_variance_ratio_[0])})"


# --- flags against imbalanced-learn -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "reference"),
    [
        ("random_under", lambda: RandomUnderSampler(random_state=0)),
        ("tomek", lambda: TomekLinks()),
        ("one_sided_selection", lambda: OneSidedSelection(random_state=0)),
    ],
)
def test_removed_rows_match_imblearn_sample_indices(method, reference):
    X, y = _blobs(400, 4, minority=0.15)
    view = resample_arrays(X, y, method, ratio=1.0, seed=0)
    # the registry step works on standardised features internally, so the reference sees them too
    ref = reference()
    ref.fit_resample(StandardScaler().fit_transform(X), y)
    expected_removed = np.ones(len(y), bool)
    expected_removed[ref.sample_indices_] = False
    if method != "random_under":  # cleaning methods are deterministic: same rows removed
        np.testing.assert_array_equal(view.removed, expected_removed)
    assert view.removed.sum() == expected_removed.sum()
    result = project_resampled(view, "pca", 2)
    assert result.counts.removed == expected_removed.sum()
    assert result.counts.kept == len(ref.sample_indices_)
    assert result.counts.synthetic == 0
    # rows kept sit at the same place in both panels; removed rows at their real place
    np.testing.assert_allclose(result.after_coords, result.before_coords[view.source_index])
    np.testing.assert_allclose(result.removed_coords, result.before_coords[view.removed])


def test_smote_synthetic_rows_are_the_appended_ones():
    X, y = _blobs(400, 4, minority=0.1)
    view = resample_arrays(X, y, "smote", ratio=1.0, seed=0)
    X_ref, y_ref = SMOTE(random_state=0).fit_resample(X, y)
    assert len(view.X_after) == len(X_ref)
    n = len(X)
    np.testing.assert_array_equal(view.is_synthetic, np.arange(len(X_ref)) >= n)
    np.testing.assert_allclose(view.X_after[:n], X)  # originals first, in order (imblearn's layout)
    np.testing.assert_array_equal(view.y_after, y_ref)
    result = project_resampled(view, "pca", 2)
    assert result.counts.synthetic == len(X_ref) - n == int(np.sum(y_ref == 1) - np.sum(y == 1))
    assert result.counts.removed == 0
    assert set(result.after_y[result.after_synthetic]) == {1}
    # synthetic rows are projected with the real rows' map: PCA of the real rows applied to them
    scaler = StandardScaler().fit(X)
    pca = PCA(n_components=2, svd_solver="full").fit(scaler.transform(X))
    expected = pca.transform(scaler.transform(view.X_after))
    signs = np.sign((result.after_coords * expected).sum(axis=0))
    np.testing.assert_allclose(result.after_coords * signs, expected, atol=1e-8)


def test_resample_for_view_flags_on_hcv(hcv):
    """The page's path: training's resample_for_view, then the projection; counts add up."""
    for sampler in ("smote", "random_under", "smote_tomek"):
        view = resample_for_view(hcv, TrainSettings(sampler=sampler))
        result = project_resampled(view, "pca", 2)
        c = result.counts
        assert c.real == len(view.y_real)
        assert c.kept + c.removed == c.real
        assert c.kept + c.synthetic == c.after == len(view.y_after)
        real_after = view.source_index[view.source_index >= 0]
        np.testing.assert_array_equal(view.y_after[~view.is_synthetic], view.y_real[real_after])


# --- sampling ------------------------------------------------------------------------------------------


def test_stratified_sample_keeps_every_minority_row():
    rng = np.random.default_rng(1)
    y = np.zeros(60_000, np.int64)
    y[rng.choice(60_000, 900, replace=False)] = 1
    y[rng.choice(np.flatnonzero(y == 0), 3_000, replace=False)] = 2
    rows = stratified_sample(y, 20_000, seed=0)
    assert len(rows) <= 20_000
    assert len(np.unique(rows)) == len(rows)
    assert np.all(np.isin(np.flatnonzero(y == 1), rows))
    assert np.all(np.isin(np.flatnonzero(y == 2), rows))
    assert np.sum(y[rows] == 0) == pytest.approx(20_000 - 3_900, abs=2)


def test_stratified_sample_proportional_when_minority_too_big():
    y = np.r_[np.zeros(80_000, np.int64), np.ones(20_000, np.int64)]
    rows = stratified_sample(y, 10_000, seed=0)
    counts = np.bincount(y[rows])
    assert counts.sum() <= 10_000
    assert counts[1] / counts.sum() == pytest.approx(0.2, abs=0.01)


def test_large_data_is_sampled_and_says_so():
    X, y = _blobs(30_000, 5, minority=0.02)
    result = project_resampled(resample_arrays(X, y, "none"), "pca", 2, max_points=5_000)
    assert len(result.before_coords) <= 5_000
    assert np.sum(result.before_y == 1) == np.sum(y == 1)
    assert "30,000" in result.before_note and "smallest class kept" in result.before_note
    fig = resampled_projection_figure(result, ("healthy", "sick"))
    assert {type(t).__name__ for t in fig.data} == {"Scattergl"}
    assert any("30,000" in a.text for a in fig.layout.annotations)


def test_small_data_not_sampled_and_svg():
    X, y = _blobs(300, 4)
    result = project_resampled(resample_arrays(X, y, "smote"), "pca", 2)
    assert result.before_note == result.after_note == ""
    fig = resampled_projection_figure(result, ("healthy", "sick"), "SMOTE")
    assert {type(t).__name__ for t in fig.data} == {"Scatter"}
    names = [t.name for t in fig.data]
    assert "sick · synthetic" in names and "healthy · real" in names


# --- figures and inputs ------------------------------------------------------------------------------


def test_figure_3d_shares_ranges_and_marks_removed():
    X, y = _blobs(300, 5, minority=0.2)
    result = project_resampled(resample_arrays(X, y, "random_under"), "pca", 3)
    assert result.before_coords.shape[1] == 3
    fig = resampled_projection_figure(result, ("healthy", "sick"))
    assert fig.layout.scene.xaxis.range == fig.layout.scene2.xaxis.range
    removed = [t for t in fig.data if "removed" in t.name]
    assert sum(len(t.x) for t in removed) == 2 * result.counts.removed


def test_hover_carries_values_in_their_units_and_inert_names():
    X, y = _blobs(200, 3)
    view = resample_arrays(X, y, "smote", feature_names=["<b>ALT%{x}", "AST", "GGT"])
    result = project_resampled(view, "pca", 2, hover_features=(0, 2))
    np.testing.assert_allclose(result.before_hover, X[result.before_rows][:, [0, 2]])
    np.testing.assert_allclose(result.after_hover, view.X_after[result.after_rows][:, [0, 2]])
    fig = resampled_projection_figure(result, ("a", "b"))
    template = fig.data[0].hovertemplate
    assert "<b>ALT" not in template and "%{x}" not in template and "&lt;b&gt;ALT" in template


def test_rejects_missing_values_and_unknown_method():
    X, y = _blobs(50, 3)
    view = resample_arrays(X, y, "none")
    bad = ArrayView(**{**view.__dict__, "X_real": np.where(np.eye(50, 3) > 0, np.nan, X)})
    with pytest.raises(DataError):
        project_resampled(bad, "pca")
    with pytest.raises(DataError):
        project_resampled(view, "tsne")


# --- UMAP (one test: the first UMAP in a process compiles numba code) --------------------------------


@pytest.mark.slow
def test_umap_small_data_seeded_and_places_synthetic_rows():
    X, y = _blobs(300, 5, minority=0.15)
    view = resample_arrays(X, y, "smote", ratio=0.5)
    params = {"n_neighbors": 10, "min_dist": 0.2}
    a = project_resampled(view, "umap", 2, params=params, seed=3)
    assert a.before_coords.shape == (300, 2)
    assert a.after_coords.shape == (len(view.X_after), 2)
    assert np.all(np.isfinite(a.after_coords))
    assert a.explained_variance_ratio == () and a.axis_titles == ("UMAP 1", "UMAP 2")
    assert dict(a.params) == {**params, "n_epochs": UMAP_EPOCHS}
    # kept rows reuse their embedding; synthetic rows are placed near the minority rows
    np.testing.assert_allclose(a.after_coords[: len(X)], a.before_coords)
    synth = a.after_coords[a.after_synthetic]
    d_min = np.linalg.norm(synth[:, None] - a.before_coords[y == 1][None], axis=2).min(axis=1)
    d_maj = np.linalg.norm(synth[:, None] - a.before_coords[y == 0][None], axis=2).min(axis=1)
    assert np.median(d_min) < np.median(d_maj)
    b = project_resampled(view, "umap", 2, params=params, seed=3)
    np.testing.assert_allclose(a.before_coords, b.before_coords)  # fixed seed: same picture
    # the layout passes are passed through: the map equals umap-learn's own with the same settings
    import umap

    quick = project_resampled(view, "umap", 2, params={**params, "n_epochs": 30}, seed=3)
    own = umap.UMAP(
        n_neighbors=10,
        min_dist=0.2,
        n_epochs=30,
        random_state=3,
        n_jobs=1,
        force_approximation_algorithm=True,
    )
    expected = own.fit_transform(StandardScaler().fit_transform(X).astype(np.float32))
    np.testing.assert_allclose(quick.before_coords, expected, rtol=1e-5, atol=1e-5)
    assert dict(quick.params)["n_epochs"] == 30
    assert not np.allclose(quick.before_coords, a.before_coords)


def test_hover_columns_are_the_numeric_features_weighing_most_on_the_first_two_components():
    X, y = _blobs(300, 6)
    X = np.column_stack([X, (np.arange(300) % 2).astype(float)])  # a one-hot column, not a lab value
    names = [f"lab{i}" for i in range(6)] + ["sex_m"]
    view = resample_arrays(X, y, "none", feature_names=names)
    chosen = hover_columns(view, names[:6], count=3)
    assert 6 not in chosen and len(chosen) == 3
    pca = PCA(2).fit(StandardScaler().fit_transform(X[:, :6]))
    weight = np.abs(pca.components_ * np.sqrt(pca.explained_variance_)[:, None]).sum(axis=0)
    assert chosen == tuple(int(i) for i in np.argsort(-weight, kind="stable")[:3])
    assert hover_columns(view, [], count=4) == (0, 1, 2, 3)  # no lab values: the first columns


@pytest.mark.slow
def test_umap_below_4096_rows_never_computes_distances_pair_by_pair(monkeypatch):
    """Issue 12 item 10: 3,832 training rows (a 5,110-row registry) took UMAP's small-data path, which
    calls its numba metric once per pair from Python: 38-230 s. Mixed data with one-hot columns here."""
    import umap.umap_ as umap_module

    def refuse(*args, **kwargs):
        raise AssertionError("UMAP computed the full pairwise distance matrix")

    monkeypatch.setattr(umap_module, "pairwise_distances", refuse)
    rng = np.random.default_rng(0)
    n = 3000
    y = (rng.random(n) < 0.05).astype(np.int64)
    numeric = rng.normal(size=(n, 4)) + y[:, None]
    one_hot = np.eye(5)[rng.integers(0, 5, n)]
    view = resample_arrays(np.hstack([numeric, one_hot]), y, "smote", ratio=1.0)
    passes: list[tuple[int, int]] = []
    stages: list[str] = []
    result = project_resampled(
        view,
        "umap",
        2,
        params={"n_epochs": 60},
        progress=stages.append,
        on_epoch=lambda d, t: passes.append((d, t)),
    )
    assert np.all(np.isfinite(result.after_coords))
    # real progress: the fit's 60 passes, then the transform's passes for the synthetic rows
    totals = [t for _, t in passes]
    assert totals[0] == 60 and (60, 60) in passes
    assert totals[-1] < 60 and passes[-1][0] == totals[-1]
    assert [d for d, t in passes if t == 60] == sorted(d for d, t in passes if t == 60)
