"""A model saved before the int8 CNN became the default keeps the float32 network it was trained with
(issue 29), and one saved with 8-bit int8 weights (format version 2) keeps that network: the model
file's format version says which, and the features follow it."""

from __future__ import annotations

import numpy as np
import pytest

from imbalance_core.errors import DataError
from imbalance_core.images import extractors
from imbalance_core.images import predict as image_predict
from imbalance_core.images.features import feature_names
from imbalance_core.share import model_file


def _saved(version: int, key: str = extractors.CNN_KEY) -> model_file.SavedModel:
    names = list(feature_names(key, 3))
    meta = model_file.ModelMetadata.from_dict(
        {
            "feature_names": names, "feature_types": dict.fromkeys(names, "numeric"), "label": "class",
            "positive_class": "PNEUMONIA", "class_names": ["NORMAL", "PNEUMONIA"], "threshold": 0.5,
            "threshold_reason": "", "training_sha256": "x", "data_name": "d.zip", "settings": {},
            "versions": {}, "created": "", "export_id": "e", "format": model_file.FORMAT,
            "format_version": version,
        }
    )  # fmt: skip
    return model_file.SavedModel(model=None, metadata=meta)


def test_old_files_score_with_their_own_network_new_ones_with_the_default() -> None:
    assert model_file.FORMAT_VERSION >= image_predict.SEVEN_BIT_CNN_SINCE > image_predict.INT8_CNN_SINCE
    assert image_predict.cnn_precision_of(_saved(1)) == "float32"
    assert image_predict.cnn_precision_of(_saved(2)) == "int8-8bit"  # 8-bit weights everywhere
    assert image_predict.cnn_precision_of(_saved(model_file.FORMAT_VERSION)) == extractors.CNN_PRECISION


@pytest.mark.parametrize(
    ("version", "key", "expected"),
    [
        (1, extractors.CNN_KEY, "float32"),
        (2, extractors.CNN_KEY, "int8-8bit"),
        (model_file.FORMAT_VERSION, extractors.CNN_KEY, extractors.CNN_PRECISION),
        (1, "hog", extractors.CNN_PRECISION),  # precision means nothing to other extractors
    ],
)
def test_saved_model_features_ask_for_the_models_own_precision(monkeypatch, version, key, expected) -> None:
    asked = []

    def spy(images, key_, progress=None, precision=extractors.CNN_PRECISION):
        asked.append((key_, precision))
        return np.zeros((len(images), 3), dtype=np.float32)

    monkeypatch.setattr(image_predict, "compute_features", spy)
    got_key, feats = image_predict.saved_model_features(
        _saved(version, key), np.zeros((2, 8, 8, 1), np.uint8)
    )
    assert got_key == key and feats.shape == (2, 3) and asked == [(key, expected)]


def test_float32_features_are_the_float32_networks_own() -> None:
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, (3, 40, 40, 1), dtype=np.uint8)
    direct = np.asarray(extractors.cnn_outputs(images, precision="float32")[0], dtype=np.float32)
    got = extractors.compute_features(images, extractors.CNN_KEY, precision="float32")
    np.testing.assert_array_equal(got, direct)
    with pytest.raises(DataError):
        extractors.compute_features(images, extractors.CNN_KEY, precision="int4")
