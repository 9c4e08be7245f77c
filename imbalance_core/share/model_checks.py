"""Checks of an uploaded model file that skops' type allow-list cannot make: sizes and structures.

skops refuses types that are not on the list, but it cannot judge the *content* of the types it lets
through. scikit-learn's compiled prediction code indexes its arrays without bounds checks, so a model
file whose types are all expected can still (measured on this machine, scikit-learn 1.9.1):

* make the server process exit with signal 11 on the first prediction: a decision tree whose child
  index points past the end of its node array;
* pin a core forever: a tree whose child points back at the root (a cycle; prediction never reaches a
  leaf);
* take twice an array's size in memory while it is read: skops reads each ``.npy`` entry into memory
  and numpy copies it again, so a file holding a 1.5 GiB array took 3.3 GB.

Two checks close this, both run by :func:`imbalance_core.share.model_file.loads` (the one way a model
file is opened):

:func:`check_array_sizes`
    *Before* skops allocates anything: reads only the header of every ``.npy`` entry (shape and type;
    a few hundred bytes each) and refuses an array above :attr:`ArrayLimits.max_array_bytes`, arrays
    totalling more than :attr:`ArrayLimits.max_total_bytes`, a header that promises more data than
    the entry holds, and a schema larger than :attr:`ArrayLimits.max_schema_bytes`.
:func:`check_structures`
    *After* loading, before any prediction: walks the loaded objects and checks every structure that
    compiled code walks — scikit-learn trees (forests, gradient boosting), histogram-gradient-boosting
    predictors, k-d and ball trees (k-nearest neighbours) and support-vector models: children in
    range, leaves marked consistently, every node reached exactly once from the root (no cycle, no
    orphan), node counts and depth bounded, feature indices below the model's feature count, value
    arrays of the declared shape.

A refusal is a :class:`~imbalance_core.errors.DataError` with one sentence that says what is wrong and
never quotes the file's content.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np

from imbalance_core.errors import DataError

__all__ = [
    "ARRAY_LIMITS",
    "MAX_TREE_DEPTH",
    "MAX_TREE_NODES",
    "ArrayLimits",
    "check_array_sizes",
    "check_structures",
]

#: Nodes one tree may have. A fully grown tree on 1,000,000 rows has at most ~2,000,000 nodes.
MAX_TREE_NODES = 4_000_000
#: Levels one tree may have (scikit-learn grows trees iteratively; real trees here are < 100 deep).
MAX_TREE_DEPTH = 2_000
#: Objects visited while looking for structures (a real 300-tree forest has a few thousand).
MAX_OBJECTS = 200_000
_HEADER_READ = 4096  # bytes read from each .npy entry to parse its header (headers are 64-byte aligned)


@dataclass(frozen=True)
class ArrayLimits:
    """How large the arrays inside a model file may be, judged from their headers before loading.

    max_array_bytes: one array. max_total_bytes: all arrays together (loading takes about twice that
    at its peak). max_schema_bytes: the JSON description of the object tree (skops parses it whole).
    Measured for scale: a 300-tree random forest on the 101,766-row diabetes set writes ~21 MB; a
    k-nearest-neighbours model keeps its training matrix (1,000,000 x 50 numbers = 400 MB).
    """

    max_array_bytes: int = 512 << 20
    max_total_bytes: int = 768 << 20
    max_schema_bytes: int = 32 << 20


ARRAY_LIMITS = ArrayLimits()


def _refuse(reason: str) -> DataError:
    return DataError(
        f"The model file was refused: {reason}. It may have been altered; do not use it, and ask for a "
        "fresh copy from where it came from."
    )


def _mib(n: int) -> str:
    return f"{n / 2**20:,.0f} MiB"


def _npy_header(head: bytes) -> tuple[tuple[int, ...], np.dtype, int]:
    """(shape, dtype, header length) of a ``.npy`` stream from its first bytes; ValueError if none."""
    fh = io.BytesIO(head)
    version = np.lib.format.read_magic(fh)
    if version == (1, 0):
        shape, _, dtype = np.lib.format.read_array_header_1_0(fh, max_header_size=_HEADER_READ)
    elif version in ((2, 0), (3, 0)):
        shape, _, dtype = np.lib.format.read_array_header_2_0(fh, max_header_size=_HEADER_READ)
    else:
        raise ValueError("unknown .npy version")
    return tuple(int(n) for n in shape), dtype, fh.tell()


def check_array_sizes(raw: bytes, limits: ArrayLimits | None = None) -> int:
    """Refuse a model file whose arrays are too large, judged from the ``.npy`` headers only.

    Reads the zip directory and the first bytes of each ``.npy`` entry; nothing is inflated beyond
    that. Returns the arrays' total size in bytes. ``limits``: :data:`ARRAY_LIMITS` when None.
    ``raw`` must already have passed :func:`imbalance_core.intake.zip_safety.check_zip`.
    """
    limits = limits or ARRAY_LIMITS
    total = 0
    with zipfile.ZipFile(io.BytesIO(raw)) as archive:
        for info in archive.infolist():
            if info.filename == "schema.json" and info.file_size > limits.max_schema_bytes:
                raise _refuse(f"its description is larger than {_mib(limits.max_schema_bytes)}")
            if not info.filename.endswith(".npy"):
                continue
            try:
                with archive.open(info) as fh:
                    shape, dtype, header_len = _npy_header(fh.read(_HEADER_READ))
            except (ValueError, OSError, EOFError, zipfile.BadZipFile, SyntaxError, TypeError):
                raise _refuse("an array inside it is damaged") from None
            if dtype.hasobject:
                raise _refuse("an array inside it holds Python objects")
            if any(n < 0 for n in shape):
                raise _refuse("an array inside it has a negative size")
            n_bytes = int(np.prod(shape, dtype=object)) * dtype.itemsize
            if n_bytes > limits.max_array_bytes:
                raise _refuse(
                    f"one array inside it would take {_mib(n_bytes)} of memory "
                    f"(at most {_mib(limits.max_array_bytes)} are accepted)"
                )
            if info.file_size < header_len + n_bytes:
                raise _refuse("an array inside it promises more numbers than the file holds")
            total += n_bytes
            if total > limits.max_total_bytes:
                raise _refuse(
                    f"its arrays would take more than {_mib(limits.max_total_bytes)} of memory together"
                )
    return total


# --------------------------------------------------------------------------- structures


def _objects(root: Any) -> Iterator[Any]:
    """Every object reachable from ``root`` through attributes, lists, tuples and dict values (once)."""
    seen: set[int] = set()
    stack = [root]
    while stack:
        obj = stack.pop()
        if id(obj) in seen or isinstance(obj, str | bytes | int | float | bool | type(None)):
            continue
        seen.add(id(obj))
        if len(seen) > MAX_OBJECTS:
            raise _refuse("it holds far more objects than a model ever has")
        yield obj
        if isinstance(obj, np.ndarray):
            if obj.dtype == object:
                stack.extend(obj.ravel().tolist())
            continue
        if isinstance(obj, dict):
            stack.extend(obj.values())
        elif isinstance(obj, list | tuple | set | frozenset):
            stack.extend(obj)
        else:
            state = getattr(obj, "__dict__", None)
            if isinstance(state, dict):
                stack.extend(state.values())


def _check_tree_graph(left: np.ndarray, right: np.ndarray, leaf: np.ndarray, what: str) -> int:
    """Children in range and every node reached exactly once from node 0; returns the depth.

    ``leaf`` marks the leaves (their children are ignored). Internal nodes must point at nodes
    1..n-1 (never the root), each non-root node must have exactly one parent, and a walk from the
    root must reach every node: together, a tree (no cycle, no shared or orphaned node).
    """
    n = len(leaf)
    if n < 1 or n > MAX_TREE_NODES:
        raise _refuse(f"a {what} has {n:,} nodes (1 to {MAX_TREE_NODES:,} are possible)")
    inner = ~leaf
    kids_left = left[inner].astype(np.int64)
    kids_right = right[inner].astype(np.int64)
    kids = np.concatenate([kids_left, kids_right])
    if kids.size and (kids.min() < 1 or kids.max() >= n):
        raise _refuse(f"a {what} points to a node that does not exist")
    parents = np.bincount(kids, minlength=n)
    if parents[0] != 0 or (n > 1 and not np.all(parents[1:] == 1)):
        raise _refuse(f"a {what} is not a tree (a node is shared, orphaned or loops back)")
    # with one parent each, a walk from the root reaches every node iff there is no cycle
    left64, right64 = left.astype(np.int64), right.astype(np.int64)
    frontier = np.array([0], dtype=np.int64)
    reached, depth = 1, 0
    while True:
        frontier = frontier[inner[frontier]]
        if frontier.size == 0:
            break
        frontier = np.concatenate([left64[frontier], right64[frontier]])
        reached += frontier.size
        depth += 1
        if depth > MAX_TREE_DEPTH or reached > n:
            raise _refuse(f"a {what} is deeper than any model here grows ({MAX_TREE_DEPTH:,} levels)")
    if reached != n:
        raise _refuse(f"a {what} is not a tree (a node is shared, orphaned or loops back)")
    return depth


def _check_sklearn_tree(tree: Any, n_features: int | None) -> None:
    """A ``sklearn.tree._tree.Tree`` (decision trees, forests, gradient boosting)."""
    n = int(tree.node_count)
    left = np.asarray(tree.children_left)
    right = np.asarray(tree.children_right)
    feature = np.asarray(tree.feature)
    if not (len(left) == len(right) == len(feature) == n):
        raise _refuse("a decision tree's arrays do not match its node count")
    leaf_left, leaf_right = left == -1, right == -1
    if np.any(leaf_left != leaf_right):
        raise _refuse("a decision tree has a node with only one child")
    leaf = leaf_left
    _check_tree_graph(left, right, leaf, "decision tree")
    tree_features = int(tree.n_features)
    if n_features is not None and tree_features != n_features:
        raise _refuse("a decision tree expects a different number of features than its model")
    used = feature[~leaf]
    if used.size and (used.min() < 0 or used.max() >= tree_features):
        raise _refuse("a decision tree splits on a feature that does not exist")
    value = np.asarray(tree.value)
    if value.shape != (n, int(tree.n_outputs), int(tree.max_n_classes)):
        raise _refuse("a decision tree's values do not match its nodes")


def _check_hist_predictor(predictor: Any, n_features: int | None, categorical: Any) -> None:
    """A histogram-gradient-boosting ``TreePredictor`` (the app's gradient boosting)."""
    nodes = predictor.nodes
    names = getattr(getattr(nodes, "dtype", None), "names", None) or ()
    needed = ("left", "right", "is_leaf", "feature_idx", "is_categorical", "bitset_idx")
    if not all(name in names for name in needed):
        raise _refuse("a boosting tree's nodes are not in the expected form")
    leaf = np.asarray(nodes["is_leaf"]).astype(bool)
    _check_tree_graph(np.asarray(nodes["left"]), np.asarray(nodes["right"]), leaf, "boosting tree")
    inner = ~leaf
    used = np.asarray(nodes["feature_idx"])[inner]
    if used.size and (used.min() < 0 or (n_features is not None and used.max() >= n_features)):
        raise _refuse("a boosting tree splits on a feature that does not exist")
    cat = inner & np.asarray(nodes["is_categorical"]).astype(bool)
    if cat.any():
        bitsets = np.asarray(predictor.raw_left_cat_bitsets)
        idx = np.asarray(nodes["bitset_idx"])[cat]
        flags = None if categorical is None else np.asarray(categorical).astype(bool)
        features = np.asarray(nodes["feature_idx"])[cat]
        if (
            bitsets.ndim != 2
            or idx.max() >= len(bitsets)
            or len(np.asarray(predictor.binned_left_cat_bitsets)) != len(bitsets)
            or flags is None
            or features.max() >= len(flags)
            or not flags[features].all()
        ):
            raise _refuse("a boosting tree's category splits do not match its model")


def _check_categories(bin_mapper: Any) -> None:
    """Category values of a histogram model's binner index 256-bit sets: they must lie in 0..255."""
    flags = getattr(bin_mapper, "is_categorical_", None)
    thresholds = getattr(bin_mapper, "bin_thresholds_", None)
    if flags is None or thresholds is None:
        return
    for f, is_cat in enumerate(np.asarray(flags).astype(bool)):
        if not is_cat:
            continue
        if f >= len(thresholds):
            raise _refuse("a boosting model's category list is incomplete")
        values = np.asarray(thresholds[f], dtype=float)
        if values.size and (not np.all(np.isfinite(values)) or values.min() < 0 or values.max() > 255):
            raise _refuse("a boosting model's categories are out of range")


def _check_binary_tree(tree: Any) -> None:
    """A k-d or ball tree (k-nearest neighbours): an index permutation and nodes within it."""
    data, idx, node_data, bounds = tree.get_arrays()
    n = len(data)
    idx = np.asarray(idx)
    if idx.shape != (n,) or not np.array_equal(np.sort(idx), np.arange(n)):
        raise _refuse("a neighbour search tree's index does not match its rows")
    n_nodes = len(node_data)
    if n_nodes < 1 or n_nodes > MAX_TREE_NODES:
        raise _refuse("a neighbour search tree's node count is out of range")
    inner = np.flatnonzero(~np.asarray(node_data["is_leaf"]).astype(bool))
    if inner.size and 2 * int(inner.max()) + 2 >= n_nodes:  # children of node i: 2i+1 and 2i+2
        raise _refuse("a neighbour search tree's nodes point to nodes that do not exist")
    start = np.asarray(node_data["idx_start"]).astype(np.int64)
    end = np.asarray(node_data["idx_end"]).astype(np.int64)
    if np.any(start < 0) or np.any(end > n) or np.any(start > end):
        raise _refuse("a neighbour search tree's nodes point outside its rows")
    bounds = np.asarray(bounds)
    if (
        bounds.ndim != 3
        or bounds.shape[1] != n_nodes
        or (data.ndim == 2 and bounds.shape[2] != data.shape[1])
    ):
        raise _refuse("a neighbour search tree's bounds do not match its nodes")


def _check_libsvm(model: Any) -> None:
    """A fitted support-vector model: libsvm reads its arrays by the counts it is given."""
    support = np.asarray(model.support_)
    vectors = np.asarray(model.support_vectors_)
    n_sv = len(support)
    n_support = np.asarray(model._n_support)
    n_class = len(n_support)
    if n_class < 2 or np.any(n_support < 0) or int(n_support.sum()) != n_sv:
        raise _refuse("a support-vector model's counts do not match its vectors")
    n_features = getattr(model, "n_features_in_", None)
    if vectors.shape[0] != n_sv or (
        n_features is not None and vectors.ndim == 2 and vectors.shape[1] != n_features
    ):
        raise _refuse("a support-vector model's vectors do not match its counts")
    if np.asarray(model._dual_coef_).shape != (n_class - 1, n_sv):
        raise _refuse("a support-vector model's coefficients do not match its vectors")
    pairs = n_class * (n_class - 1) // 2
    if len(np.asarray(model._intercept_)) != pairs:
        raise _refuse("a support-vector model's intercepts do not match its classes")
    for name in ("_probA", "_probB"):
        prob = getattr(model, name, None)
        if prob is not None and len(np.asarray(prob)) not in (0, pairs):
            raise _refuse("a support-vector model's probability settings do not match its classes")


def _n_features(obj: Any) -> int | None:
    n = getattr(obj, "n_features_in_", None)
    return int(n) if isinstance(n, int | np.integer) else None


def _check_ensemble(obj: Any, n_features: int | None) -> None:
    """Members of a forest or boosting model are called with the ensemble's columns (no re-check), so
    each must expect exactly those (or, in bagging, the column subset it was given, within range)."""
    members = getattr(obj, "estimators_", None)
    if n_features is None or not isinstance(members, list | np.ndarray):
        return
    flat = list(np.asarray(members, dtype=object).ravel()) if isinstance(members, np.ndarray) else members
    subsets = getattr(obj, "estimators_features_", None)
    for i, member in enumerate(flat):
        expected = n_features
        if isinstance(subsets, list) and i < len(subsets):
            columns = np.asarray(subsets[i])
            if columns.size and (columns.min() < 0 or columns.max() >= n_features):
                raise _refuse("an ensemble member uses a feature that does not exist")
            expected = len(columns)
        own = _n_features(member)
        if own is not None and own != expected:
            raise _refuse("an ensemble member expects a different number of features than its model")


def check_structures(model: Any) -> None:
    """Refuse a loaded model whose trees, neighbour indexes or support vectors are inconsistent.

    Walks every object reachable from ``model`` (see the module docstring for what is checked).
    """
    from sklearn.ensemble._hist_gradient_boosting.binning import _BinMapper
    from sklearn.ensemble._hist_gradient_boosting.predictor import TreePredictor
    from sklearn.neighbors._ball_tree import BallTree
    from sklearn.neighbors._kd_tree import KDTree
    from sklearn.tree._tree import Tree

    checked: set[int] = set()
    for obj in _objects(model):
        n_features = _n_features(obj)
        _check_ensemble(obj, n_features)
        tree = getattr(obj, "tree_", None) if not isinstance(obj, type) else None
        if isinstance(tree, Tree):
            _check_sklearn_tree(tree, n_features)
            checked.add(id(tree))
        predictors = getattr(obj, "_predictors", None)
        if isinstance(predictors, list):
            categorical = getattr(getattr(obj, "_bin_mapper", None), "is_categorical_", None)
            if categorical is not None and n_features is not None and len(categorical) != n_features:
                raise _refuse("a boosting model's feature list does not match its features")
            for per_iteration in predictors:
                for predictor in per_iteration if isinstance(per_iteration, list | tuple) else ():
                    if isinstance(predictor, TreePredictor):
                        _check_hist_predictor(predictor, n_features, categorical)
                        checked.add(id(predictor))
        if isinstance(obj, Tree) and id(obj) not in checked:
            _check_sklearn_tree(obj, None)
        elif isinstance(obj, TreePredictor) and id(obj) not in checked:
            _check_hist_predictor(obj, None, None)
        elif isinstance(obj, _BinMapper):
            _check_categories(obj)
        elif isinstance(obj, KDTree | BallTree):
            _check_binary_tree(obj)
        elif hasattr(obj, "support_vectors_") and hasattr(obj, "_n_support"):
            _check_libsvm(obj)
