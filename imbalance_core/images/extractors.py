"""Feature extractors: a registry (key -> :class:`ExtractorSpec`) that turns images into feature vectors.

* ``efficientnet_lite0`` — EfficientNet-Lite0 with ImageNet weights, run by onnxruntime (no torch, no
  download) from ``sample_data/models/efficientnet_lite0.onnx``; its SHA-256 is checked when the model
  is first loaded. It runs as int8 (:data:`CNN_PRECISION`; quantised from that file at first use, a few
  seconds, by :mod:`imbalance_core.images.quantize`); ``precision="float32"`` runs the file as it is.
  Input: RGB 224 x 224 in [0, 1], ImageNet mean/std (a grey X-ray is three equal channels);
  output ``feat`` (1,280 averages of the last feature maps); ``maps`` (1280 x 7 x 7) serves
  the class-activation map (:mod:`imbalance_core.images.saliency`). Run in batches of :data:`BATCH`.
* ``hog`` — histograms of oriented gradients (scikit-image) on the grey image scaled to 64 x 64.
* ``pixels`` — the grey image scaled to 28 x 28, pixel values / 255: the baseline every other extractor
  must beat.

Features of an image set are computed once and kept in an in-memory cache (:func:`features_for`) keyed
by the set's content hash and the extractor key — nothing is written to disk. A progress callback gets
``(done, total, images_per_second, seconds_left)`` after every batch.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from PIL import Image

from imbalance_core.errors import DataError
from imbalance_core.images.cnn_runtime import cnn_input, cnn_session
from imbalance_core.images.quantize import Progress as BuildProgress
from imbalance_core.images.quantize import build_note, int8_ready, int8_session

#: Images per onnxruntime call (and per progress report).
BATCH = 32
#: How the ``efficientnet_lite0`` extractor runs the network (issue 29): ``int8`` — onnxruntime's static
#: quantisation of the bundled model, built at first use (:mod:`imbalance_core.images.quantize`); about
#: 2x the images per second of ``float32`` on a 2-core AVX-512/VNNI machine (140 vs 72 and 332 vs 176
#: at 224 x 224 in two runs under load), the same hold-out ROC AUC on PneumoniaMNIST (0.9406).
CNN_PRECISION = "int8"
#: Registry key of the CNN extractor.
CNN_KEY = "efficientnet_lite0"
HOG_SIDE = 64
PIXELS_SIDE = 28
#: Feature sets kept in the in-memory cache (the least recently used is dropped first).
CACHE_SIZE = 8

Progress = Callable[[int, int, float, float], None]


@dataclass(frozen=True)
class ExtractorSpec:
    """One feature extractor as a person sees it, plus the function that runs it.

    key: registry key (app and CLI). name: display name. explanation: what it does, in a line.
    cost: rough cost per image on a 2-core machine (measured by ``bench/images.py``).
    n_features: length of the feature vector. run: uint8 images (n, h, w, c) -> float32 (n, n_features).
    batch: images per call of ``run``.
    """

    key: str
    name: str
    explanation: str
    cost: str
    n_features: int
    run: Callable[[np.ndarray], np.ndarray]
    batch: int = 256


def _grey(images: np.ndarray) -> np.ndarray:
    """(n, h, w, c) uint8 -> (n, h, w) float32 luminance in [0, 255]."""
    arr = np.asarray(images, dtype=np.float32)
    if arr.shape[-1] == 3:
        return arr @ np.array([0.299, 0.587, 0.114], dtype=np.float32)
    return arr[..., 0]


def _resize_grey(grey: np.ndarray, side: int) -> np.ndarray:
    """(n, h, w) float32 -> (n, side, side) by bilinear interpolation (nothing done at the right size)."""
    if grey.shape[1:] == (side, side):
        return grey
    return np.stack(
        [np.asarray(Image.fromarray(g).resize((side, side), Image.Resampling.BILINEAR)) for g in grey]
    )


#: What a page or the CLI says while the int8 network is built (once per process, 3-8 s).
PREPARING = "Preparing the image network (first use since the app started, about 5 s) …"


#: The CNN precisions: ``int8`` (the default: 7-bit weights in the 1 x 1 convolutions, the same network
#: on every machine), ``int8-8bit`` (the 8-bit network models saved with file format version 2 were
#: trained on) and ``float32`` (the bundled file as it is: models saved with version 1).
PRECISIONS = {"int8": True, "int8-8bit": False}


def cnn_ready(precision: str = CNN_PRECISION) -> bool:
    """False only while the first use of an int8 network still has to build it (say so first)."""
    return precision not in PRECISIONS or int8_ready(PRECISIONS[precision])


def cnn_note() -> str:
    """How the CNN runs (int8, 7-bit weights in the 1 x 1 convolutions, on every machine), for the
    settings text."""
    return build_note()


def cnn_model(precision: str = CNN_PRECISION, progress: BuildProgress | None = None) -> Any:
    """The session that runs the CNN: ``int8`` (the default) or ``int8-8bit``, built from the bundled model
    on first use by :mod:`imbalance_core.images.quantize` (reporting ``progress(message, fraction)``), or
    ``float32`` (the bundled model as it is); see :data:`PRECISIONS`."""
    if precision == "float32":
        return cnn_session()
    if precision not in PRECISIONS:
        raise DataError("The CNN runs in 'int8', 'int8-8bit' or 'float32'.")
    try:
        return int8_session(progress, reduce_range=PRECISIONS[precision])
    except ImportError:
        raise DataError(
            "The fast (int8) CNN needs the onnx package; reinstall the app's requirements."
        ) from None


def cnn_outputs(
    images: np.ndarray, outputs: tuple[str, ...] = ("feat",), precision: str = CNN_PRECISION
) -> list[np.ndarray]:
    """Run the CNN on a batch of uint8 images; returns the named outputs (``feat``, ``maps``)."""
    return cnn_model(precision).run(list(outputs), {"x": cnn_input(images)})


def _cnn_feat(images: np.ndarray) -> np.ndarray:
    return np.asarray(cnn_outputs(images)[0], dtype=np.float32)


def _hog(images: np.ndarray) -> np.ndarray:
    from skimage.feature import hog

    grey = _resize_grey(_grey(images), HOG_SIDE) / 255.0
    return np.stack(
        [
            hog(g, orientations=9, pixels_per_cell=(8, 8), cells_per_block=(2, 2), block_norm="L2-Hys")
            for g in grey
        ]
    ).astype(np.float32)


def _pixels(images: np.ndarray) -> np.ndarray:
    grey = _resize_grey(_grey(images), PIXELS_SIDE) / 255.0
    return grey.reshape(len(grey), -1).astype(np.float32)


_SPECS = (
    ExtractorSpec(
        "hog",
        "HOG (edges and their directions)",
        "Histograms of edge directions in small cells of the grey image scaled to 64 x 64 (scikit-image).",
        "about 1 ms an image",
        7 * 7 * 2 * 2 * 9,
        _hog,
    ),
    ExtractorSpec(
        CNN_KEY,
        "CNN features (EfficientNet-Lite0, ImageNet)",
        "The 1,280 averaged feature maps of an ImageNet-pretrained network, run on the image scaled to "
        "224 x 224; the network is not fine-tuned on X-rays.",
        "about 3-8 ms an image (int8), after a few seconds once to build it",
        1280,
        _cnn_feat,
        BATCH,
    ),
    ExtractorSpec(
        "pixels",
        "Downsampled pixels (baseline)",
        "The grey image scaled to 28 x 28: 784 brightness values. The baseline to beat.",
        "well under 1 ms an image",
        PIXELS_SIDE * PIXELS_SIDE,
        _pixels,
    ),
)
EXTRACTORS: dict[str, ExtractorSpec] = {spec.key: spec for spec in _SPECS}
#: The default: HOG, best on the bundled benchmark (hold-out ROC AUC; see bench/images.py).
DEFAULT_EXTRACTOR = "hog"


def get_extractor(key: str) -> ExtractorSpec:
    """The spec of extractor ``key``; DataError naming the valid keys otherwise."""
    if key not in EXTRACTORS:
        raise DataError(f"Unknown feature extractor; choose one of: {', '.join(EXTRACTORS)}.")
    return EXTRACTORS[key]


def compute_features(
    images: np.ndarray, key: str, progress: Progress | None = None, precision: str = CNN_PRECISION
) -> np.ndarray:
    """Features of ``images`` (uint8 (n, h, w, c)) by extractor ``key``, in batches, with progress.

    ``precision`` matters for the CNN only: a model saved before the int8 network became the default
    must be scored with the float32 network it was trained with (images.predict.cnn_precision_of).
    """
    spec = get_extractor(key)
    run = spec.run
    if key == CNN_KEY and precision != CNN_PRECISION:
        cnn_model(precision)  # an unknown precision is refused here, before any image is run

        def run(batch: np.ndarray) -> np.ndarray:
            return np.asarray(cnn_outputs(batch, precision=precision)[0], dtype=np.float32)

    n = len(images)
    out = np.empty((n, spec.n_features), dtype=np.float32)
    started = time.perf_counter()
    for start in range(0, n, spec.batch):
        stop = min(n, start + spec.batch)
        out[start:stop] = run(images[start:stop])
        if progress is not None:
            elapsed = max(time.perf_counter() - started, 1e-9)
            rate = stop / elapsed
            progress(stop, n, rate, (n - stop) / rate)
    return out


_CACHE: OrderedDict[tuple[str, str], np.ndarray] = OrderedDict()
_LOCK = threading.Lock()


def features_for(
    images: np.ndarray, content_sha256: str, key: str, progress: Progress | None = None
) -> np.ndarray:
    """Features of an image set, computed once per (content hash, extractor) and kept in memory.

    The returned array is read-only (it is shared by every caller of the same set).
    """
    cache_key = (content_sha256, key)
    with _LOCK:
        if cache_key in _CACHE:
            _CACHE.move_to_end(cache_key)
            return _CACHE[cache_key]
    feats = compute_features(images, key, progress)
    feats.setflags(write=False)
    with _LOCK:
        _CACHE[cache_key] = feats
        while len(_CACHE) > CACHE_SIZE:
            _CACHE.popitem(last=False)
    return feats


def clear_cache() -> None:
    """Forget every cached feature set (tests)."""
    with _LOCK:
        _CACHE.clear()
