"""Training on image features: the fixed hold-out, augmentation inside training folds only (spy), the
study's table against an independent count, features as PreparedData."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.metrics import balanced_accuracy_score, confusion_matrix, f1_score, recall_score

from imbalance_core.errors import DataError
from imbalance_core.images import augment, study
from imbalance_core.images.augment import AugmentSettings, augment_image, rows_wanted
from imbalance_core.images.features import feature_table, prepare_images
from imbalance_core.images.intake import read_image_zip
from imbalance_core.images.study import TECHNIQUES, row_at, study_table, train_images
from imbalance_core.learn.training import TrainSettings, cv_plan
from tests.images.shapes import shapes_zip


@pytest.fixture(scope="module")
def split_set():
    """Discs (positive, rare) vs squares 1:9 with a test/ folder (every fourth image)."""
    return read_image_zip(shapes_zip(24, 216, side=16, split=True))


def test_features_become_prepared_data_with_one_column_per_feature(split_set) -> None:
    data = prepare_images(split_set, "pixels")
    assert data.X.shape == (240, 28 * 28)
    assert (
        data.is_binary and data.positive_name == "DISC" and data.class_counts == {"SQUARE": 216, "DISC": 24}
    )
    table = feature_table(split_set, "pixels")
    assert list(table.columns[:3]) == ["class", "file", "pixels_0000"]
    assert (table["class"] == np.array(split_set.class_names)[split_set.y]).all()


def test_the_zips_test_folder_is_the_hold_out(split_set) -> None:
    result = train_images(split_set, "pixels", TrainSettings(cv=3))
    assert np.array_equal(result.test_index, np.flatnonzero(split_set.is_test))
    assert len(result.test_scores) == int(split_set.is_test.sum()) == 60


def test_augmentation_sees_only_training_fold_minority_images(split_set, monkeypatch) -> None:
    """Spy: every image augmented comes from the fit part of the current fit; never validation or test."""
    calls = []
    real = augment.augmented_features

    def spy(images, y, fit_rows, extractor, ratio, seed, settings):
        out = real(images, y, fit_rows, extractor, ratio, seed, settings)
        calls.append((np.asarray(fit_rows).copy(), out[2].copy(), out[1].copy()))
        return out

    monkeypatch.setattr(study, "augmented_features", spy)
    settings = TrainSettings(cv=3, ratio=0.5)
    result = train_images(split_set, "pixels", settings, augment=AugmentSettings())
    assert len(calls) == 4  # three folds + the final fit
    test_rows = set(np.flatnonzero(split_set.is_test))
    for fit_rows, sources, codes in calls:
        assert set(sources) <= set(fit_rows), "augmented an image outside the fit part"
        assert not set(sources) & test_rows, "augmented a hold-out image"
        assert (split_set.y[sources] == 1).all() and (codes == 1).all()
        counts = np.bincount(split_set.y[fit_rows])
        assert len(sources) == round(0.5 * counts[0]) - counts[1]
    folds = cv_plan(prepare_images(split_set, "pixels"), settings, result.train_index)
    for (fit, valid), (fit_rows, sources, _) in zip(folds, calls[:3], strict=True):
        assert np.array_equal(np.sort(fit), np.sort(fit_rows))
        assert not set(sources) & set(valid), "augmented a validation image"
    assert np.array_equal(calls[3][0], result.train_index)
    assert result.resampled_counts["DISC"] == round(0.5 * result.resampled_counts["SQUARE"])


def test_augmented_copies_rotate_and_shift_but_never_flip_by_default() -> None:
    rng = np.random.default_rng(0)
    img = np.zeros((20, 20, 1), np.uint8)
    img[5:15, 2:6] = 255  # a bar on the left
    still = augment_image(img, rng, AugmentSettings(max_rotation=0, max_shift=0))
    assert np.array_equal(still, img)
    copies = [augment_image(img, rng, AugmentSettings()) for _ in range(50)]
    assert all(c[..., :10].sum() > c[..., 10:].sum() for c in copies)  # the bar stays on the left
    assert any(not np.array_equal(c, img) for c in copies)
    flipped = [augment_image(img, rng, AugmentSettings(0, 0, flip=True)) for _ in range(20)]
    assert any(np.array_equal(f, img[:, ::-1]) for f in flipped)
    assert rows_wanted(np.array([0] * 10 + [1] * 2), 1.0) == {0: 0, 1: 8}


def test_row_at_equals_scikit_learn() -> None:
    rng = np.random.default_rng(3)
    y = rng.integers(0, 2, 200)
    scores = np.clip(y * 0.3 + rng.uniform(0, 0.7, 200), 0, 1)
    row = row_at("k", "name", y, scores, 0.45, 0.0)
    pred = (scores >= 0.45).astype(int)
    tn, fp, fn, tp = confusion_matrix(y, pred).ravel()
    assert (row.tp, row.tn, row.fp, row.fn) == (tp, tn, fp, fn)
    assert row.recall == pytest.approx(recall_score(y, pred))
    assert row.f1 == pytest.approx(f1_score(y, pred))
    assert row.balanced_accuracy == pytest.approx(balanced_accuracy_score(y, pred))


def test_study_table_has_every_technique_on_the_same_hold_out() -> None:
    small = read_image_zip(shapes_zip(16, 64, side=16, split=True))
    result = study_table(small, "pixels", cv=2)
    assert [r.key for r in result.rows] == list(TECHNIQUES)
    assert result.n_test == 20 and result.test_counts == {"SQUARE": 16, "DISC": 4}
    for r in result.rows:
        assert r.tp + r.fn == 4 and r.tn + r.fp == 16
    by_key = {r.key: r for r in result.rows}
    assert by_key["moved_threshold"].roc_auc == by_key["baseline"].roc_auc
    assert by_key["baseline"].threshold == 0.5
    with pytest.raises(DataError, match="Unknown technique"):
        study_table(small, "pixels", techniques=["magic"])
