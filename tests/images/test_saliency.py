"""Saliency: the CAM adds up to the logit, occlusion finds the region a scorer uses, FN/FP picks."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from imbalance_core.errors import DataError
from imbalance_core.images import saliency
from imbalance_core.images.features import prepare_images
from imbalance_core.images.intake import read_image_zip
from imbalance_core.images.saliency import cnn_cam, errors_at, linear_weights, occlusion_map, overlay
from imbalance_core.images.study import train_images
from imbalance_core.learn.training import TrainSettings
from tests.images.shapes import shapes_zip


@pytest.fixture(scope="module")
def trained():
    images = read_image_zip(shapes_zip(20, 60, side=16, split=True))
    result = train_images(images, "pixels", TrainSettings(cv=2, classifier="logreg"))
    return images, result


def test_linear_weights_in_feature_units_give_the_logit(trained) -> None:
    images, result = trained
    w, b = linear_weights(result.pipeline)
    X = prepare_images(images, "pixels").X.iloc[result.test_index]
    logit = X.to_numpy() @ w + b
    proba = result.pipeline.predict_proba(X)[:, 1]
    np.testing.assert_allclose(1 / (1 + np.exp(-logit)), proba, atol=1e-9)


def test_cam_mean_is_the_logit_when_feat_is_the_mean_of_maps(trained, monkeypatch) -> None:
    """With maps whose 7x7 mean is the feature vector (as in the CNN), the CAM averages to the logit."""
    images, result = trained
    X = prepare_images(images, "pixels").X.to_numpy()
    row = int(result.test_index[0])
    rng = np.random.default_rng(0)
    noise = rng.normal(size=(X.shape[1], 7, 7))
    maps = X[row][:, None, None] + noise - noise.mean(axis=(1, 2), keepdims=True)
    monkeypatch.setattr(saliency, "cnn_outputs", lambda img, outs: [maps[None], X[row][None]])
    got = cnn_cam(images.images[row], result.pipeline)
    w, b = linear_weights(result.pipeline)
    cells = np.tensordot(w, maps, axes=(0, 0))
    assert cells.mean() + b == pytest.approx(float(np.dot(w, X[row]) + b))
    assert got.score == pytest.approx(result.test_scores[0])
    assert got.heat.shape == images.images.shape[1:3] and got.method == "cam"


def test_cam_refuses_a_non_linear_classifier(trained) -> None:
    images, _ = trained
    forest = train_images(images, "pixels", TrainSettings(cv=2, classifier="random_forest"))
    with pytest.raises(DataError, match="linear classifier"):
        cnn_cam(images.images[0], forest.pipeline)


def test_occlusion_heat_sits_where_the_scorer_looks() -> None:
    image = np.full((16, 16, 1), 50, np.uint8)
    image[2:6, 10:14] = 250  # a bright square top-right

    def score(batch: np.ndarray) -> np.ndarray:  # evidence: brightness of the top-right corner
        return batch[:, 0:8, 8:16, 0].mean(axis=(1, 2)) / 255

    got = occlusion_map(image, score, patch=4, stride=2)
    assert got.method == "occlusion" and got.score == pytest.approx(score(image[None])[0])
    assert got.heat[2:6, 10:14].mean() > 0 and np.abs(got.heat[10:, :6]).max() == 0
    assert overlay(image, got.heat).shape == (16, 16, 3)


def test_errors_at_equals_a_hand_count() -> None:
    y = np.array([1, 1, 0, 0, 1, 0])
    s = np.array([0.2, 0.9, 0.7, 0.1, 0.4, 0.95])
    picks = errors_at(np.arange(10, 16), y, s, 0.5)
    assert picks.false_negatives == (10, 14)  # lowest score first
    assert picks.false_positives == (15, 12)  # highest score first
    assert pd.Series(s).ge(0.5).sum() == 3
