"""Hostile model files made by mutating real saved ones (the attack audit of issue 31, item 2).

Every file starts as a model the app itself wrote (trained through the app's own training on the bundled
HCV data); one array inside is then rewritten, the way an attacker would edit the zip. Types stay the
same, so skops' allow-list lets every one of them through.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from functools import cache

import numpy as np

from imbalance_core.learn import training
from imbalance_core.share import model_file
from tests.helpers_training import hcv_numeric

Edit = Callable[[np.ndarray], np.ndarray | None]


@cache
def saved_model(classifier: str) -> bytes:
    """The bytes of a real model file of the registry classifier ``classifier`` (HCV, numeric)."""
    data = hcv_numeric()
    settings = training.TrainSettings(sampler="none", classifier=classifier, cv=2, seed=3)
    result = training.train(data, settings)
    return model_file.dumps(model_file.build_saved_model(result.pipeline, data, 0.4))


def rewrite_first(raw: bytes, edit: Edit) -> bytes:
    """``raw`` with the first ``.npy`` entry that ``edit`` changes (returns an array) replaced."""
    source = zipfile.ZipFile(io.BytesIO(raw))
    out = io.BytesIO()
    done = False
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_STORED) as target:
        for info in source.infolist():
            data = source.read(info)
            if not done and info.filename.endswith(".npy"):
                new = edit(np.load(io.BytesIO(data), allow_pickle=False))
                if new is not None:
                    buffer = io.BytesIO()
                    np.save(buffer, new, allow_pickle=False)
                    data, done = buffer.getvalue(), True
            target.writestr(info, data)
    assert done, "no array matched the edit"
    return out.getvalue()


def _nodes_with(arr: np.ndarray, field: str) -> bool:
    return arr.dtype.names is not None and field in arr.dtype.names


def tree_child_out_of_range(arr: np.ndarray) -> np.ndarray | None:
    """A scikit-learn tree (forest) whose first split's left child is node 100,000,000."""
    if not _nodes_with(arr, "left_child"):
        return None
    arr = arr.copy()
    arr["left_child"][np.flatnonzero(arr["left_child"] != -1)[0]] = 100_000_000
    return arr


def tree_cycle(arr: np.ndarray) -> np.ndarray | None:
    """A scikit-learn tree whose deepest split's left child points back up to node 1 (a loop)."""
    if not _nodes_with(arr, "left_child"):
        return None
    inner = np.flatnonzero(arr["left_child"] != -1)
    if len(inner) < 3:
        return None
    arr = arr.copy()
    arr["left_child"][inner[-1]] = 1
    return arr


def boosting_child_out_of_range(arr: np.ndarray) -> np.ndarray | None:
    """A histogram-gradient-boosting tree whose first split's left child is node 10,000,000."""
    if not _nodes_with(arr, "bitset_idx"):
        return None
    inner = np.flatnonzero(arr["is_leaf"] == 0)
    if not len(inner):
        return None
    arr = arr.copy()
    arr["left"][inner[0]] = 10_000_000
    return arr


def boosting_cycle(arr: np.ndarray) -> np.ndarray | None:
    """A histogram-gradient-boosting tree whose last split's right child is itself."""
    if not _nodes_with(arr, "bitset_idx"):
        return None
    inner = np.flatnonzero(arr["is_leaf"] == 0)
    if len(inner) < 2:
        return None
    arr = arr.copy()
    arr["right"][inner[-1]] = inner[-1]
    return arr


def tree_feature_out_of_range(arr: np.ndarray) -> np.ndarray | None:
    """A scikit-learn tree whose first split reads column 1,000,000."""
    if not _nodes_with(arr, "left_child"):
        return None
    arr = arr.copy()
    arr["feature"][np.flatnonzero(arr["left_child"] != -1)[0]] = 1_000_000
    return arr


def knn_index_out_of_range(arr: np.ndarray) -> np.ndarray | None:
    """A k-d / ball tree's row index (the first 1-D integer array of training-row length) with one
    position replaced by 10,000,000."""
    if (
        arr.dtype.kind != "i"
        or arr.ndim != 1
        or len(arr) < 100
        or not np.array_equal(np.sort(arr), np.arange(len(arr)))
    ):
        return None
    arr = arr.copy()
    arr[0] = 10_000_000
    return arr


def npy_header_only(shape: tuple[int, ...], dtype: str = "<f8") -> bytes:
    """A ``.npy`` entry that declares ``shape`` but holds no numbers (what a header promises)."""
    buffer = io.BytesIO()
    header = {"descr": dtype, "fortran_order": False, "shape": shape}
    np.lib.format.write_array_header_1_0(buffer, header)
    return buffer.getvalue()


def with_array(raw: bytes, array_bytes: bytes) -> bytes:
    """``raw`` whose first tree-value array is replaced by ``array_bytes`` (an arbitrary .npy entry)."""
    source = zipfile.ZipFile(io.BytesIO(raw))
    out = io.BytesIO()
    done = False
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_STORED) as target:
        for info in source.infolist():
            data = source.read(info)
            if not done and info.filename.endswith(".npy"):
                arr = np.load(io.BytesIO(data), allow_pickle=False)
                if arr.dtype == np.float64 and arr.ndim == 3:  # a tree's values
                    data, done = array_bytes, True
            target.writestr(info, data)
    assert done
    return out.getvalue()


def classes_enlarged(arr: np.ndarray) -> np.ndarray | None:
    """A tree's class list ``[0., 1.]`` (loaded but unused at prediction) replaced by 40 MB of zeros."""
    if arr.dtype != np.float64 or arr.shape != (2,) or set(arr.tolist()) != {0.0, 1.0}:
        return None
    return np.zeros(5_000_000)


def svm_counts_inflated(arr: np.ndarray) -> np.ndarray | None:
    """A support-vector model's per-class counts (``_n_support``, int32 of length 2) made larger than
    the vectors stored, so libsvm would read past their end."""
    if arr.dtype != np.int32 or arr.shape != (2,) or arr.min() < 1:
        return None
    return arr + np.int32(1000)
