"""Feature extractors: the CNN against a stored reference vector, HOG/pixels against direct computation,
the content-hash cache and the progress callback."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest
from skimage.feature import hog

from imbalance_core.errors import DataError
from imbalance_core.images import cnn_runtime, extractors
from imbalance_core.images.extractors import EXTRACTORS, compute_features, features_for, get_extractor
from tests.fixtures.make_cnn_reference import reference_image
from tests.images.shapes import shape_images

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def test_cnn_feat_for_a_fixed_image_equals_the_stored_reference() -> None:
    """Reference made once by tests/fixtures/make_cnn_reference.py (first 32 values + L2 norm) from the
    bundled float32 model (the extractor's default, int8 built from it, is tested in test_quantize.py)."""
    stored = np.load(FIXTURES / "cnn_reference.npy")
    feat = extractors.cnn_outputs(reference_image(), precision="float32")[0][0].astype(np.float64)
    assert feat.shape == (1280,)
    np.testing.assert_allclose(feat[:32], stored[:32], atol=1e-4)
    assert abs(np.linalg.norm(feat) - stored[32]) < 1e-4
    # the CNN's own input normalisation by hand: grey -> three equal channels, ImageNet mean/std
    x = extractors.cnn_input(reference_image())
    assert x.shape == (1, 3, 224, 224)
    assert np.isclose(x[0, 1, 0, 0], (20 / 255 - 0.456) / 0.224, atol=1e-3)


def test_a_model_file_with_another_checksum_is_refused(tmp_path: Path) -> None:
    fake = tmp_path / "m.onnx"
    fake.write_bytes(b"not the model")
    with pytest.raises(DataError, match="checksum"):
        cnn_runtime.cnn_session.__wrapped__(fake)


def test_pixels_and_hog_equal_direct_computation() -> None:
    images, _ = shape_images(2, 2, side=28)
    pix = compute_features(images, "pixels")
    np.testing.assert_allclose(pix, images.reshape(4, -1) / 255.0, atol=1e-6)
    feats = compute_features(images, "hog")
    from PIL import Image

    big = np.asarray(
        Image.fromarray(images[0, ..., 0].astype(np.float32)).resize((64, 64), Image.Resampling.BILINEAR)
    )
    direct = hog(
        big / 255.0, orientations=9, pixels_per_cell=(8, 8), cells_per_block=(2, 2), block_norm="L2-Hys"
    )
    assert feats.shape == (4, get_extractor("hog").n_features)
    np.testing.assert_allclose(feats[0], direct, atol=1e-5)


def test_features_are_cached_by_content_hash_and_progress_is_reported(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    extractors.clear_cache()
    calls = []
    spec = EXTRACTORS["pixels"]

    def counting(images: np.ndarray) -> np.ndarray:
        calls.append(len(images))
        return spec.run(images)

    monkeypatch.setitem(EXTRACTORS, "pixels", dataclasses.replace(spec, run=counting, batch=3))
    images, _ = shape_images(2, 5)
    seen = []
    first = features_for(images, "abc", "pixels", progress=lambda *a: seen.append(a))
    again = features_for(images, "abc", "pixels")
    assert again is first and calls == [3, 3, 1]
    assert [s[0] for s in seen] == [3, 6, 7] and all(s[1] == 7 and s[2] > 0 for s in seen)
    assert seen[-1][3] == 0
    features_for(images, "other-hash", "pixels")
    assert len(calls) == 6
    with pytest.raises(ValueError):
        first[0, 0] = 1.0  # shared between callers: read-only
    extractors.clear_cache()


def test_unknown_extractor_is_a_sentence() -> None:
    with pytest.raises(DataError, match="choose one of: hog, efficientnet_lite0, pixels"):
        get_extractor("resnet")
