"""A reproducible step that builds an int8 EfficientNet-Lite0 from the bundled float32 model (issue 29).

    python -m imbalance_core images-quantize OUT.onnx [--calibration 64] [--seed 0]

onnxruntime's static quantisation (QDQ format, int8 weights per channel, uint8 activations) calibrated on
``--calibration`` bundled PneumoniaMNIST training images drawn with ``--seed`` (never test images), so the
same command gives the same file. It needs the ``onnx`` package (a development tool, pinned in
requirements-dev.txt); the app does not. The int8 model is not an extractor of the app yet: it is
enabled only if its hold-out ROC AUC on PneumoniaMNIST stays within 0.01 of float32 and it is faster on
this machine — ``bench/images.py --int8`` measures both in one run. Measured here (2 cores, load about
2): float32 66.6 vs int8 44.2 images/s at 224 x 224, hold-out ROC AUC 0.9406 vs 0.9369 (600 training /
624 test images) — within 0.01 but slower (QDQ int8 without fast integer kernels), so not enabled.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from imbalance_core.images.bundled import load_pneumoniamnist
from imbalance_core.images.extractors import MODEL_PATH, cnn_input

#: Calibration images (PneumoniaMNIST training part) and their batch.
CALIBRATION = 64
_BATCH = 8


def calibration_batches(n: int = CALIBRATION, seed: int = 0) -> list[np.ndarray]:
    """CNN inputs of ``n`` training images (both classes, drawn with ``seed``), in batches."""
    images = load_pneumoniamnist()
    train = np.flatnonzero(~images.is_test)
    rows = np.sort(np.random.default_rng(seed).choice(train, size=min(n, len(train)), replace=False))
    return [cnn_input(images.images[rows[i : i + _BATCH]]) for i in range(0, len(rows), _BATCH)]


def quantize_cnn(out: Path, n: int = CALIBRATION, seed: int = 0, source: Path = MODEL_PATH) -> Path:
    """Write the int8 model to ``out`` (see the module docstring) and return its path."""
    from onnxruntime.quantization import CalibrationDataReader, QuantFormat, QuantType, quantize_static

    class _Reader(CalibrationDataReader):
        def __init__(self) -> None:
            self._batches = iter(calibration_batches(n, seed))

        def get_next(self) -> dict | None:
            batch = next(self._batches, None)
            return None if batch is None else {"x": batch}

    quantize_static(
        str(source),
        str(out),
        _Reader(),
        quant_format=QuantFormat.QDQ,
        per_channel=True,
        activation_type=QuantType.QUInt8,
        weight_type=QuantType.QInt8,
    )
    return Path(out)
