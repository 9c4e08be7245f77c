"""The bundled PneumoniaMNIST: the study's 624-image test set as the fixed hold-out, the same bytes as the
shared copy, and a small training run on it."""

from __future__ import annotations

import hashlib

import numpy as np
import pytest

from imbalance_core.images.bundled import PNEUMONIAMNIST, load_pneumoniamnist
from imbalance_core.images.study import train_images
from imbalance_core.learn.training import TrainSettings
from tests.conftest import SHARED


def test_counts_follow_the_file_and_the_test_set_is_234_normal_390_pneumonia() -> None:
    images = load_pneumoniamnist()
    with np.load(PNEUMONIAMNIST) as raw:
        n_train = len(raw["train_labels"]) + len(raw["val_labels"])
        expected_pneumonia = int(
            raw["train_labels"].sum() + raw["val_labels"].sum() + raw["test_labels"].sum()
        )
        first_test = raw["test_images"][0]
    assert images.class_names == ("NORMAL", "PNEUMONIA")
    assert images.images.shape == (n_train + 624, 28, 28, 1)
    assert int(images.is_test.sum()) == 624
    assert np.bincount(images.y[images.is_test]).tolist() == [234, 390]
    assert int(images.y.sum()) == expected_pneumonia
    assert np.array_equal(images.images[n_train, ..., 0], first_test)


def test_bundled_file_is_the_shared_copy_byte_for_byte() -> None:
    shared = SHARED / "data" / "pneumoniamnist.npz"
    if not shared.exists():
        pytest.skip("shared data not present (set IMBALANCE_SHARED)")
    digest = hashlib.sha256(PNEUMONIAMNIST.read_bytes()).hexdigest()
    assert digest == hashlib.sha256(shared.read_bytes()).hexdigest()


def test_training_on_a_subset_scores_exactly_the_624_test_images() -> None:
    images = load_pneumoniamnist(per_class=60)
    assert np.bincount(images.y[~images.is_test]).tolist() == [60, 60]
    result = train_images(images, "pixels", TrainSettings(cv=3))
    assert np.array_equal(result.test_index, np.flatnonzero(images.is_test))
    assert result.y_test.tolist() == images.y[images.is_test].tolist()
    from sklearn.metrics import roc_auc_score

    assert (
        roc_auc_score(result.y_test, result.test_scores) > 0.75
    )  # pixels are informative even on 120 images
