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

CPUs without VNNI: on x86-64 without the VNNI dot-product instruction (AVX2, AVX-512 without VNNI,
SSE4.1), onnxruntime's uint8 x int8 matrix kernels add pairs of products in 16 bits, which can saturate;
onnxruntime 1.31's ``quantize_static`` docstring ("Choosing parameters for CPU inference") advises
``reduce_range=True`` (7-bit weights) there and ``reduce_range=False`` with VNNI and on ARM. A saved
model must get the same features wherever it is scored, so every machine builds the network a CPU without
VNNI needs (:data:`REDUCE_RANGE`): 7-bit weights in the convolutions that run as that matrix product
(the 32 with ``group == 1``: :func:`gemm_convolution_weights`); the 16 depthwise ones keep 8 bits, as
MLAS's depthwise kernel widens both operands to 16 bits and sums in 32 (``qdwconv_avx2.cpp``), so it cannot
saturate this way. With exact integer arithmetic on both kinds of CPU the features agree; a machine-
dependent choice would have given a model trained on one CPU other features on another. Measured against
float32 on the 1,224 PneumoniaMNIST images (one run each, under load): mean per-feature correlation 0.93
(8-bit everywhere 0.95; onnxruntime's global ``reduce_range=True`` 0.79), hold-out ROC AUC 0.9395 (float32
0.9406, 8-bit 0.9406, global 0.9460). Models saved with file format version 2 were trained on the 8-bit
network and are scored with it (``images.predict.cnn_precision_of``; ``int8_session(reduce_range=False)``).

First use: the build reports ``progress(message, fraction)`` (the training progress style) and
:func:`int8_ready` tells a page or the CLI whether to say "preparing the image network" first.
"""

from __future__ import annotations

import tempfile
import threading
from collections.abc import Callable
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
#: ``progress(message, fraction)`` as training reports it (learn.training.Progress).
Progress = Callable[[str, float], None]
#: 7-bit weights in the matrix-product convolutions on every machine (see the module docstring).
REDUCE_RANGE = True


def build_note() -> str:
    """One sentence for the image settings and the CLI: how the int8 network is built, on every machine."""
    return (
        "The CNN runs as int8 with 7-bit weights in its 1 x 1 convolutions (onnxruntime's reduce_range, "
        "needed on CPUs without the VNNI instruction), the same network on every machine so a saved model "
        "gives the same features wherever it is used."
    )


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


def gemm_convolution_weights(model: Path) -> list[str]:
    """Weight names of the quantised convolutions that onnxruntime runs as a uint8 x int8 matrix product
    (``group == 1``; the stem, :func:`input_convolutions`, stays float32): the ones that get 7-bit weights
    on x86 CPUs without VNNI. Depthwise convolutions (``group > 1``) keep 8 bits."""
    import onnx

    graph = onnx.load(str(model)).graph
    stem = set(input_convolutions(model))
    return [
        n.input[1]
        for n in graph.node
        if n.op_type == "Conv"
        and n.name not in stem
        and next((a.i for a in n.attribute if a.name == "group"), 1) == 1
    ]


def _quiet(message: str, fraction: float) -> None:
    """No progress wanted."""


def quantize_cnn_bytes(
    n: int = CALIBRATION,
    seed: int = 0,
    source: Path = MODEL_PATH,
    reduce_range: bool = REDUCE_RANGE,
    progress: Progress | None = None,
) -> bytes:
    """The int8 model (see the module docstring) as ONNX bytes. Needs the ``onnx`` package.

    ``reduce_range``: 7-bit weights in the matrix-product convolutions (:data:`REDUCE_RANGE`,
    :func:`gemm_convolution_weights`); False: the 8-bit network of version-2 model files. The same
    arguments give the same bytes. ``progress(message, fraction)`` is called at each step and after
    every calibration image (fractions 0 to 0.9; the session load is the rest, see :func:`int8_session`).
    """
    import logging

    from onnxruntime.quantization import CalibrationDataReader, QuantFormat, QuantType, quantize_static
    from onnxruntime.quantization.shape_inference import quant_pre_process

    report = progress or _quiet

    class _Reader(CalibrationDataReader):
        def __init__(self) -> None:
            self._batches = calibration_batches(n, seed)
            self._done = 0

        def get_next(self) -> dict | None:
            if self._done >= len(self._batches):
                return None
            batch = self._batches[self._done]
            self._done += 1
            total = len(self._batches)
            report(f"Calibrating on image {self._done} of {total}", 0.1 + 0.7 * self._done / total)
            return {"x": batch}

    root = logging.getLogger()
    level = root.level
    root.setLevel(logging.ERROR)  # the quantiser logs a warning per bias it clips; not for the user
    try:
        with tempfile.TemporaryDirectory(prefix="imbalance-int8-") as folder:
            pre, out = Path(folder) / "pre.onnx", Path(folder) / "int8.onnx"
            report("Simplifying the network", 0.0)
            quant_pre_process(str(source), str(pre), skip_symbolic_shape=True)
            report("Reading the calibration images", 0.05)
            reader = _Reader()
            seven_bit = gemm_convolution_weights(pre) if reduce_range else []
            quantize_static(
                str(pre),
                str(out),
                reader,
                quant_format=QuantFormat.QDQ,
                per_channel=True,
                activation_type=QuantType.QUInt8,
                weight_type=QuantType.QInt8,
                nodes_to_exclude=input_convolutions(pre),
                extra_options={
                    "TensorQuantOverrides": {w: [{"axis": 0, "reduce_range": True}] for w in seven_bit}
                },
            )
            report("Writing the int8 network", 0.85)
            return out.read_bytes()
    finally:
        root.setLevel(level)


def quantize_cnn(
    out: Path,
    n: int = CALIBRATION,
    seed: int = 0,
    source: Path = MODEL_PATH,
    reduce_range: bool = REDUCE_RANGE,
) -> Path:
    """Write the int8 model to ``out`` (the ``images-quantize`` command) and return its path."""
    Path(out).write_bytes(quantize_cnn_bytes(n, seed, source, reduce_range))
    return Path(out)


_BUILD_LOCK = threading.Lock()
#: The built sessions by ``reduce_range``: one per process (never mutated after it is stored).
_SESSIONS: dict[bool, Any] = {}


def int8_ready(reduce_range: bool | None = None) -> bool:
    """True if the int8 network (:data:`REDUCE_RANGE` unless ``reduce_range`` is given) is built: a
    page or the CLI says "preparing the image network" only when this is False."""
    return (REDUCE_RANGE if reduce_range is None else reduce_range) in _SESSIONS


def int8_session(progress: Progress | None = None, reduce_range: bool | None = None) -> Any:
    """The onnxruntime session of the int8 model, built once per process from the checked bundled model
    (a few seconds) and kept in memory.

    ``reduce_range``: None for :data:`REDUCE_RANGE`; False for the 8-bit network of version-2 model
    files. Concurrent first callers (two sessions of one server) wait for the one build: the first
    builds and gets the progress reports, the others are told once that another session is preparing it.
    """
    flag = REDUCE_RANGE if reduce_range is None else bool(reduce_range)
    if flag in _SESSIONS:
        return _SESSIONS[flag]
    report = progress or _quiet
    if not _BUILD_LOCK.acquire(blocking=False):
        report("Another session is preparing the image network; waiting for it", 0.0)
        _BUILD_LOCK.acquire()
    try:
        if flag not in _SESSIONS:
            _SESSIONS[flag] = _build_session(flag, report)
        session = _SESSIONS[flag]
    finally:
        _BUILD_LOCK.release()
    report("Image network ready", 1.0)
    return session


def _build_session(reduce_range: bool, progress: Progress) -> Any:
    import onnxruntime as ort

    model = quantize_cnn_bytes(source=checked_model_path(), reduce_range=reduce_range, progress=progress)
    progress("Loading the int8 network", 0.9)
    return ort.InferenceSession(model, session_options(), providers=["CPUExecutionProvider"])
