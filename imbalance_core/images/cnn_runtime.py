"""The bundled CNN's runtime basics: its file and checksum, the onnxruntime session and its settings, and
the image -> input tensor step. Shared by :mod:`imbalance_core.images.extractors` (float32 and int8 runs)
and :mod:`imbalance_core.images.quantize` (which builds the int8 network from the same file and calibrates
it on the same inputs), so neither imports the other's internals.
"""

from __future__ import annotations

import functools
import hashlib
import os
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image

from imbalance_core.errors import DataError
from imbalance_core.intake.bundled import SAMPLE_DATA

MODEL_PATH = SAMPLE_DATA / "models" / "efficientnet_lite0.onnx"
MODEL_SHA256 = "784c0111be9aec53989b3080d0481c0e4313197ceae4725e32eed9844e2e1705"
IMAGENET_MEAN = np.array([0.485, 0.456, 0.406], dtype=np.float32)
IMAGENET_STD = np.array([0.229, 0.224, 0.225], dtype=np.float32)
CNN_SIDE = 224
#: onnxruntime intra-op threads: the machine's cores (2 on the laptop the app is sized for), at most 4 —
#: on a shared server one extraction should not take every core.
THREADS = max(1, min(4, os.cpu_count() or 1))

#: uint8 value -> normalised model input, one row per RGB channel: ``(v / 255 - mean) / std`` in float32,
#: the same float32 operations as computing it per pixel, so the inputs are bit-identical (tested).
_INPUT_LUT = (
    (np.arange(256, dtype=np.float32)[None, :] / 255.0 - IMAGENET_MEAN[:, None]) / IMAGENET_STD[:, None]
).astype(np.float32)


def _resize_planes(arr: np.ndarray, side: int) -> np.ndarray:
    """(n, h, w, c) uint8 -> (n, side, side, c) by PIL bilinear, one plane at a time (a grey image is
    resized once, not as three identical RGB planes)."""
    return np.stack(
        [
            np.stack(
                [
                    np.asarray(Image.fromarray(im[..., k]).resize((side, side), Image.Resampling.BILINEAR))
                    for k in range(im.shape[-1])
                ],
                axis=-1,
            )
            for im in arr
        ]
    )


def cnn_input(images: np.ndarray) -> np.ndarray:
    """The model's input ``x``: float32 (n, 3, 224, 224), RGB in [0, 1] normalised with ImageNet mean/std.

    Fast path (issue 29): a grey image is resized once (not as three RGB copies) and normalised by a
    256-entry lookup table per channel written straight into the channel-first array — no float RGB
    copy, no transpose. About 3x faster than the per-pixel arithmetic at 224 x 224 and bit-identical.
    """
    arr = np.asarray(images, dtype=np.uint8)
    if arr.shape[1:3] != (CNN_SIDE, CNN_SIDE):
        arr = _resize_planes(arr, CNN_SIDE)
    n, channels = arr.shape[0], arr.shape[-1]
    out = np.empty((n, 3, CNN_SIDE, CNN_SIDE), dtype=np.float32)
    for k in range(3):
        np.take(_INPUT_LUT[k], arr[..., 0 if channels == 1 else k], out=out[:, k])
    return out


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def checked_model_path(path: Path = MODEL_PATH) -> Path:
    """``path`` of the bundled CNN after its SHA-256 is checked; DataError if it is missing or altered."""
    if not Path(path).is_file():
        raise DataError("The bundled CNN model file is missing from sample_data/models/; reinstall the app.")
    if _sha256(Path(path)) != MODEL_SHA256:
        raise DataError(
            "The bundled CNN model file does not match its recorded checksum (damaged or altered); "
            "reinstall the app."
        )
    return Path(path)


@functools.cache
def cnn_session(path: Path = MODEL_PATH) -> Any:
    """The float32 onnxruntime session of the bundled CNN, loaded once per process after its SHA-256 is
    checked."""
    import onnxruntime as ort

    return ort.InferenceSession(
        str(checked_model_path(path)), session_options(), providers=["CPUExecutionProvider"]
    )


def session_options() -> Any:
    """onnxruntime settings for a small CPU machine (issue 29, ``bench/images.py``): every graph
    optimisation, one run at a time (sequential, one inter-op thread) with at most :data:`THREADS`
    intra-op threads, the CPU memory arena on (buffers reused across batches), and idle threads that
    sleep instead of spinning: when other processes want the cores (a shared server, a busy laptop) a
    spinning thread steals the time its sibling needs — measured under load 4.3 on 2 cores, int8:
    127 images/s spinning vs 182 not (1 thread: 199-204)."""
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.log_severity_level = 3
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    options.intra_op_num_threads = THREADS
    options.inter_op_num_threads = 1
    options.enable_cpu_mem_arena = True
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    return options
