"""The int8 EfficientNet-Lite0, built from the bundled float32 model at run time (issue 29).

    python -m imbalance_core images-quantize OUT.onnx [--calibration 64] [--seed 0]

Steps: onnxruntime's ``quant_pre_process`` (constant folding; the export's explicit TensorFlow-style
``Pad`` nodes become the convolutions' own padding), then static quantisation (QDQ format, int8 weights
per output channel, uint8 activations, MinMax ranges) of every convolution but the stem (which reads the
image; :func:`input_convolutions`), calibrated on ``--calibration`` bundled PneumoniaMNIST *training*
images drawn with ``--seed`` (never test images). Nothing is downloaded and the same inputs give the same
bytes. Intermediate files live in a temporary folder that is deleted at once; the app keeps the model in
memory (:func:`int8_session`).

Why int8 was slower than float32 before (44 vs 66 images/s): without the pre-processing step each of
the 17 ``Pad`` nodes stayed a float operator wrapped in DequantizeLinear / QuantizeLinear after graph
optimisation (36 DQ + 18 Q); onnxruntime's profile put 60% of the time in Pad, DQ and Q. Now the
optimised graph is the float stem, one QuantizeLinear, 48 QLinearConv + 9 QLinearAdd (ReLU6 folded
into the quantisation ranges) and the DequantizeLinear of the outputs, 97% of the time in QLinearConv;
the 1 x 1 convolutions run about 3x faster than in float32 (AVX-512 VNNI), the depthwise ones about as
fast. Measured in one run each (2 cores, under load 2.6 / 3-4.7; this shared machine's speed varies
2-3x): 140 vs 72 and 332 vs 176 images/s end to end at 224 x 224; hold-out ROC AUC 0.9406 vs 0.9406
(600 training / 624 test images; ``bench/images.py``). Quantising the stem too: as fast or up to 10%
faster, AUC 0.9369, per-feature correlation with float32 0.81 instead of 0.95.
"""

from __future__ import annotations

import functools
import tempfile
import threading
from pathlib import Path
from typing import Any

import numpy as np

from imbalance_core.images.bundled import load_pneumoniamnist
from imbalance_core.images.cnn_runtime import MODEL_PATH, checked_model_path, cnn_input, session_options

#: Calibration images (PneumoniaMNIST training part) and their batch. One image a batch: the calibration
#: session returns every tensor's min and max, so the model is the same byte for byte as with batch 8,
#: but the build's peak memory is 361 MB instead of 1,077 MB.
CALIBRATION = 64
_BATCH = 1


def calibration_batches(n: int = CALIBRATION, seed: int = 0) -> list[np.ndarray]:
    """CNN inputs of ``n`` training images (both classes, drawn with ``seed``), in batches."""
    images = load_pneumoniamnist()
    train = np.flatnonzero(~images.is_test)
    rows = np.sort(np.random.default_rng(seed).choice(train, size=min(n, len(train)), replace=False))
    return [cnn_input(images.images[rows[i : i + _BATCH]]) for i in range(0, len(rows), _BATCH)]


def input_convolutions(model: Path) -> list[str]:
    """Names of the convolutions that read the model's input directly (EfficientNet-Lite0: the stem), which
    stay float32: quantising the normalised input to one uint8 range for all three channels cost 0.004
    hold-out AUC, and the 3-channel stem was no faster in int8."""
    import onnx

    graph = onnx.load(str(model)).graph
    inputs = {i.name for i in graph.input}
    return [n.name for n in graph.node if n.op_type == "Conv" and n.input[0] in inputs]


def quantize_cnn_bytes(n: int = CALIBRATION, seed: int = 0, source: Path = MODEL_PATH) -> bytes:
    """The int8 model (see the module docstring) as ONNX bytes. Needs the ``onnx`` package."""
    import logging

    from onnxruntime.quantization import CalibrationDataReader, QuantFormat, QuantType, quantize_static
    from onnxruntime.quantization.shape_inference import quant_pre_process

    class _Reader(CalibrationDataReader):
        def __init__(self) -> None:
            self._batches = iter(calibration_batches(n, seed))

        def get_next(self) -> dict | None:
            batch = next(self._batches, None)
            return None if batch is None else {"x": batch}

    root = logging.getLogger()
    level = root.level
    root.setLevel(logging.ERROR)  # the quantiser logs a warning per bias it clips; not for the user
    try:
        with tempfile.TemporaryDirectory(prefix="imbalance-int8-") as folder:
            pre, out = Path(folder) / "pre.onnx", Path(folder) / "int8.onnx"
            quant_pre_process(str(source), str(pre), skip_symbolic_shape=True)
            quantize_static(
                str(pre),
                str(out),
                _Reader(),
                quant_format=QuantFormat.QDQ,
                per_channel=True,
                activation_type=QuantType.QUInt8,
                weight_type=QuantType.QInt8,
                nodes_to_exclude=input_convolutions(pre),
            )
            return out.read_bytes()
    finally:
        root.setLevel(level)


def quantize_cnn(out: Path, n: int = CALIBRATION, seed: int = 0, source: Path = MODEL_PATH) -> Path:
    """Write the int8 model to ``out`` (the ``images-quantize`` command) and return its path."""
    Path(out).write_bytes(quantize_cnn_bytes(n, seed, source))
    return Path(out)


_BUILD_LOCK = threading.Lock()


def int8_session() -> Any:
    """The onnxruntime session of the int8 model, built once per process from the checked bundled model
    (a few seconds) and kept in memory; concurrent first callers wait for the one build."""
    with _BUILD_LOCK:
        return _int8_session()


@functools.cache
def _int8_session() -> Any:
    import onnxruntime as ort

    model = quantize_cnn_bytes(source=checked_model_path())
    return ort.InferenceSession(model, session_options(), providers=["CPUExecutionProvider"])
