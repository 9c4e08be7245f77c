"""The resampling step: target ratios, clipping, k lowering, plain errors and row bookkeeping.

Expected counts and kept rows come from imbalanced-learn run directly with the same settings.
"""

from __future__ import annotations

import numpy as np
import pytest
from imblearn.over_sampling import SMOTE, SMOTENC, RandomOverSampler
from imblearn.under_sampling import RandomUnderSampler, TomekLinks
from sklearn.impute import SimpleImputer

from imbalance_core.errors import DataError
from imbalance_core.learn.samplers import SAMPLERS, ResamplingStep, target_strategy
from tests.helpers_training import hcv_numeric


@pytest.fixture(scope="module")
def xy() -> tuple[np.ndarray, np.ndarray]:
    """HCV numeric lab values (median-imputed) and binary labels."""
    data = hcv_numeric()
    return SimpleImputer(strategy="median").fit_transform(data.X), np.asarray(data.y)


def _counts(y: np.ndarray) -> dict[int, int]:
    values, n = np.unique(y, return_counts=True)
    return dict(zip(values.tolist(), n.tolist(), strict=True))


@pytest.mark.parametrize("ratio", [1.0, 0.5, 1 / 3, 0.333])
def test_over_sampling_counts_match_imblearn_float_strategy(xy, ratio):
    X, y = xy
    _, y_ref = RandomOverSampler(sampling_strategy=ratio, random_state=0).fit_resample(X, y)
    for key in ("random_over", "smote", "borderline_smote"):
        _, y_out = ResamplingStep(method=key, ratio=ratio).fit_resample(X, y)
        assert _counts(y_out) == _counts(y_ref), key


@pytest.mark.parametrize("ratio", [1.0, 0.5, 1 / 3])
def test_under_sampling_keeps_the_rows_imblearn_keeps(xy, ratio):
    X, y = xy
    ref = RandomUnderSampler(sampling_strategy=ratio, random_state=3)
    X_ref, y_ref = ref.fit_resample(X, y)
    step = ResamplingStep(method="random_under", ratio=ratio, seed=3)
    X_out, y_out = step.fit_resample(X, y)
    np.testing.assert_array_equal(step.sample_indices_, ref.sample_indices_)
    np.testing.assert_array_equal(X_out, X_ref)
    np.testing.assert_array_equal(y_out, y_ref)
    assert not (step.origin_ < 0).any()


def test_target_strategy_multiclass_per_class_dict():
    counts = {0: 400, 1: 18, 2: 15, 3: 22}
    assert target_strategy(counts, 0.5, "over") == {1: 200, 2: 200, 3: 200}
    assert target_strategy(counts, 0.5, "under") == {0: 30}
    assert target_strategy(counts, 1 / 3, "under") == {0: 45}
    # a class already beyond the target is left alone
    assert target_strategy({0: 100, 1: 60, 2: 10}, 0.5, "over") == {2: 50}
    with pytest.raises(DataError):
        target_strategy(counts, 1.5, "over")


def test_smote_real_rows_unchanged_and_synthetic_rows_appended(xy):
    X, y = xy
    step = ResamplingStep(method="smote", ratio=0.5)
    X_out, y_out = step.fit_resample(X, y)
    n = len(y)
    np.testing.assert_array_equal(X_out[:n], X)
    np.testing.assert_array_equal(step.origin_[:n], np.arange(n))
    assert (step.origin_[n:] == -1).all()
    assert (y_out[n:] == 1).all()
    # same synthetic rows as imblearn's SMOTE run on the standardised data, mapped back to units
    centre, spread = X.mean(axis=0), X.std(axis=0)
    Z_ref, _ = SMOTE(sampling_strategy=0.5, random_state=0).fit_resample((X - centre) / spread, y)
    np.testing.assert_allclose(X_out[n:], Z_ref[n:] * spread + centre, rtol=1e-9, atol=1e-9)


def test_clip_bounds_hold_synthetic_rows_only(xy):
    X, y = xy
    column = 3  # ALT in hcv_numeric
    low, high = np.percentile(X[y == 1, column], [25, 75])
    step = ResamplingStep(method="smote", ratio=1.0, clip_bounds=((column, low, high),))
    X_out, _ = step.fit_resample(X, y)
    synthetic = step.origin_ < 0
    assert X_out[synthetic, column].min() >= low and X_out[synthetic, column].max() <= high
    # without bounds the same synthetic values go beyond them: the clipping did something
    free = ResamplingStep(method="smote", ratio=1.0, clip=False).fit_resample(X, y)[0]
    outside = (free[synthetic, column] < low) | (free[synthetic, column] > high)
    assert outside.sum() > 10
    np.testing.assert_array_equal(X_out[~synthetic], X)  # real rows are never clipped


def test_default_clip_keeps_synthetic_rows_in_observed_range(xy):
    X, y = xy
    for key in ("smote", "borderline_smote", "adasyn", "smote_enn"):
        step = ResamplingStep(method=key, ratio=1.0)
        X_out, _ = step.fit_resample(X, y)
        synthetic = X_out[step.origin_ < 0]
        assert len(synthetic)
        assert (synthetic >= X.min(axis=0)).all() and (synthetic <= X.max(axis=0)).all(), key


def test_k_is_lowered_with_a_notice_when_the_fold_has_few_minority_rows(xy):
    X, y = xy
    keep = np.r_[np.flatnonzero(y == 0)[:60], np.flatnonzero(y == 1)[:4]]
    step = ResamplingStep(method="smote", ratio=1.0)
    _, y_out = step.fit_resample(X[keep], y[keep])
    assert step.k_used_ == 3
    assert any("lowered from 5 to 3" in n for n in step.notices_)
    assert _counts(y_out) == {0: 60, 1: 60}


def test_one_minority_row_is_refused_in_plain_words(xy):
    X, y = xy
    keep = np.r_[np.flatnonzero(y == 0)[:30], np.flatnonzero(y == 1)[:1]]
    for key in ("smote", "adasyn", "smote_tomek"):
        with pytest.raises(DataError, match="at least 2 rare-class patients"):
            ResamplingStep(method=key).fit_resample(X[keep], y[keep])
    # random over-sampling can still copy the one row
    _, y_out = ResamplingStep(method="random_over").fit_resample(X[keep], y[keep])
    assert _counts(y_out) == {0: 30, 1: 30}


def test_adasyn_failure_becomes_a_plain_message():
    rng = np.random.default_rng(0)
    X = np.r_[rng.normal(0, 1, (50, 2)), rng.normal(20, 1, (10, 2))]  # classes far apart
    y = np.r_[np.zeros(50, int), np.ones(10, int)]
    with pytest.raises(DataError, match="ADASYN") as info:
        ResamplingStep(method="adasyn").fit_resample(X, y)
    assert "Traceback" not in str(info.value)


def test_cleaning_methods_ignore_ratio_and_match_imblearn(xy):
    X, y = xy
    centre, spread = X.mean(axis=0), X.std(axis=0)
    ref = TomekLinks().fit((X - centre) / spread, y)
    ref.fit_resample((X - centre) / spread, y)
    outs = [ResamplingStep(method="tomek", ratio=r) for r in (1.0, 0.25)]
    for step in outs:
        step.fit_resample(X, y)
        np.testing.assert_array_equal(step.sample_indices_, ref.sample_indices_)
    assert not SAMPLERS["tomek"].uses_ratio and not SAMPLERS["one_sided_selection"].uses_ratio


def test_combined_methods_track_real_and_synthetic_rows(xy):
    X, y = xy
    for key in ("smote_tomek", "smote_enn"):
        step = ResamplingStep(method=key, ratio=1.0)
        X_out, y_out = step.fit_resample(X, y)
        real = step.origin_ >= 0
        np.testing.assert_array_equal(X_out[real], X[step.origin_[real]])
        np.testing.assert_array_equal(y_out[real], y[step.origin_[real]])
        assert (y_out[~real] == 1).all() and (~real).sum() > 0


def test_already_balanced_enough_is_a_notice_not_an_error(xy):
    X, y = xy
    step = ResamplingStep(method="smote", ratio=0.05)
    X_out, _ = step.fit_resample(X, y)
    np.testing.assert_array_equal(X_out, X)
    assert any("already" in n for n in step.notices_)


def test_smotenc_keeps_category_codes_valid(xy):
    X, y = xy
    rng = np.random.default_rng(1)
    codes = rng.integers(0, 3, size=len(y)).astype(float)
    Xc = np.c_[X, codes]
    step = ResamplingStep(method="smotenc", ratio=1.0, categorical=(X.shape[1],))
    X_out, y_out = step.fit_resample(Xc, y)
    assert set(np.unique(X_out[:, -1])) <= {0.0, 1.0, 2.0}
    # same counts as imblearn's SMOTE-NC
    _, y_ref = SMOTENC(categorical_features=[X.shape[1]], random_state=0).fit_resample(Xc, y)
    assert _counts(y_out) == _counts(y_ref)
