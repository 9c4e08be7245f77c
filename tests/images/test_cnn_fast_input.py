"""The CNN's fast input path (issue 29) gives bit-identical inputs to the per-pixel arithmetic it
replaced, so features and every AUC built on them are unchanged; the session uses the tuned options."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from imbalance_core.images import cnn_runtime, extractors


def _per_pixel(images: np.ndarray) -> np.ndarray:
    """The input as computed before: RGB copy, PIL bilinear resize of the RGB image, float arithmetic."""
    arr = np.asarray(images, dtype=np.uint8)
    rgb = np.repeat(arr, 3, axis=3) if arr.shape[-1] == 1 else arr
    side = cnn_runtime.CNN_SIDE
    if rgb.shape[1:3] != (side, side):
        rgb = np.stack(
            [np.asarray(Image.fromarray(im).resize((side, side), Image.Resampling.BILINEAR)) for im in rgb]
        )
    x = (rgb.astype(np.float32) / 255.0 - cnn_runtime.IMAGENET_MEAN) / cnn_runtime.IMAGENET_STD
    return np.ascontiguousarray(x.transpose(0, 3, 1, 2))


@pytest.mark.parametrize("shape", [(3, 224, 224, 1), (4, 28, 28, 1), (2, 50, 37, 3), (2, 300, 260, 1)])
def test_fast_input_is_bit_identical_to_the_per_pixel_one(shape) -> None:
    rng = np.random.default_rng(sum(shape))
    images = rng.integers(0, 256, shape, dtype=np.uint8)
    images[0, :2, :2] = 0  # both ends of the value range
    images[-1, -2:, -2:] = 255
    fast = extractors.cnn_input(images)
    assert fast.dtype == np.float32 and fast.shape == (shape[0], 3, 224, 224) and fast.flags.c_contiguous
    np.testing.assert_array_equal(fast, _per_pixel(images))


def test_session_options_are_the_tuned_ones() -> None:
    ort = pytest.importorskip("onnxruntime")
    options = cnn_runtime.session_options()
    assert options.graph_optimization_level == ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    assert options.execution_mode == ort.ExecutionMode.ORT_SEQUENTIAL
    assert options.inter_op_num_threads == 1 and 1 <= options.intra_op_num_threads <= 4
    assert options.enable_cpu_mem_arena
