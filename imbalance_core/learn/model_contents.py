"""What a fitted model keeps of its training data: whole patient rows, single values, or neither.

Every classifier declares this in its registry entry
(:attr:`imbalance_core.learn.classifiers.ClassifierSpec.stores`);
this module is the check behind the declaration. It walks every numeric array inside a fitted
estimator (attributes, lists, dicts, and the state of compiled objects such as scikit-learn's ``Tree``
or a ``KDTree``) and looks for the training data in it:

* rows: a stored 2-D array row equal to a real training row, in the units the classifier sees
  (standardised for models that need scaling) or, after the scaler's inverse transform, in the units of
  the data (so a model keeping scaled rows is caught either way);
* values: a stored number equal to a real training value of a column with many distinct values.

Comparisons round to 6 decimals, so a value that came back through a scaler's round trip still counts.
Whole numbers are left out of the value count: node counts such as 57.0 in a tree would otherwise
"match" an age of 57 (trees split between two values, e.g. 57.5, never at one). Only real rows count:
synthetic rows made by a sampler are not a patient's.

Summary statistics of the preprocessing (the imputer's medians, the scaler's means and spreads) are
not walked: a median is one number about a column, shared by every model; it is said once in the
model file's notes, not per classifier.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

#: Declarations a classifier can make about its fitted state, with what they mean for a model file.
STORES: dict[str, str] = {
    "none": "only weights or coefficients learnt from all patients together; no patient's row or value",
    "midpoints": "split points halfway between two neighbouring training values; no row or value as is",
    "values": "individual training values as they were measured (not whole rows)",
    "rows": "whole training rows (patients), as the model uses them",
}
#: Declarations that make an export carry patient data, so it needs an explicit confirmation.
CONFIRM: frozenset[str] = frozenset({"rows", "values"})
#: Decimals kept when comparing stored numbers with training numbers.
DECIMALS = 9
#: A column needs this many distinct values before its values are searched for (0/1 codes match anything).
MIN_DISTINCT = 20
#: Fields of compiled tree states that hold counts or class shares, not feature values.
_COUNT_FIELDS = frozenset({"n_node_samples", "weighted_n_node_samples", "impurity", "count", "gain"})
#: Packages whose objects are walked into (others, e.g. numpy's random state, are not fitted state).
_WALKED = ("sklearn", "imblearn", "imbalance_core")


@dataclass(frozen=True)
class StoredTraining:
    """Training data found inside a fitted classifier.

    rows: distinct real training rows found whole; values: distinct real training values found
    (columns with at least :data:`MIN_DISTINCT` distinct values, whole numbers left out).
    """

    rows: int
    values: int

    @property
    def found(self) -> str:
        """The strongest finding: "rows", "values" or "none"."""
        return "rows" if self.rows else "values" if self.values else "none"


def _children(obj: Any) -> Iterator[tuple[str, Any]]:
    """(name, value) pairs of an object's state: its attributes or, for compiled objects, ``__getstate__``."""
    if isinstance(obj, dict):
        yield from ((str(k), v) for k, v in obj.items())
    elif isinstance(obj, list | tuple):
        yield from ((f"[{i}]", v) for i, v in enumerate(obj))
    elif type(obj).__module__.split(".")[0] in _WALKED:
        state = getattr(obj, "__dict__", None)
        if state is None and hasattr(obj, "__getstate__"):
            try:
                state = obj.__getstate__()
            except Exception:  # a compiled object without a usable state: nothing to walk
                state = None
        if isinstance(state, dict | list | tuple):
            yield from _children(state)


def float_arrays(
    obj: Any, path: str = "model", _seen: set[int] | None = None
) -> Iterator[tuple[str, np.ndarray]]:
    """Every floating-point array inside ``obj`` (structured arrays field by field), with its path."""
    seen = set() if _seen is None else _seen
    if id(obj) in seen:
        return
    seen.add(id(obj))
    if isinstance(obj, np.ndarray):
        if obj.dtype.names:
            for name in obj.dtype.names:
                if obj.dtype[name].kind == "f" and name not in _COUNT_FIELDS:
                    yield f"{path}.{name}", np.asarray(obj[name])
        elif obj.dtype.kind == "f":
            yield path, obj
        elif obj.dtype.kind == "O":
            for i, item in enumerate(obj.ravel()):
                yield from float_arrays(item, f"{path}[{i}]", seen)
        return
    for name, child in _children(obj):
        if name not in _COUNT_FIELDS:
            yield from float_arrays(child, f"{path}.{name}", seen)


def _row_keys(M: np.ndarray) -> np.ndarray:
    """Distinct rounded rows as 1-D byte strings (so rows compare in one sorted pass)."""
    R = np.ascontiguousarray(np.round(np.asarray(M, dtype=float), DECIMALS) + 0.0)
    if R.ndim != 2 or R.shape[1] == 0:
        return np.empty(0, dtype="V1")
    return np.unique(R.view(np.dtype((np.void, R.dtype.itemsize * R.shape[1]))).ravel())


def _value_keys(M: np.ndarray) -> np.ndarray:
    """Distinct rounded values of the columns with many distinct values, whole numbers left out."""
    out = [np.empty(0)]
    for j in range(M.shape[1]):
        column = np.round(M[:, j], DECIMALS)
        distinct = np.unique(column[np.isfinite(column)])
        if len(distinct) >= MIN_DISTINCT:
            out.append(distinct[distinct != np.round(distinct)])
    return np.unique(np.concatenate(out))


def _spaces(pipeline: Any, X: pd.DataFrame) -> list[tuple[np.ndarray, Any]]:
    """The training rows as the classifier sees them, and before the scaler (with it) when there is one."""
    steps = list(pipeline.steps[:-1])
    current: Any = X
    before_scale = None
    scaler = None
    for name, step in steps:
        if hasattr(step, "fit_resample") or step == "passthrough":
            continue  # samplers do nothing at prediction time
        if name == "scale":
            before_scale, scaler = np.asarray(current, dtype=float), step
        current = step.transform(current)
    M = np.asarray(current, dtype=float)
    spaces = [(M, None)]
    if scaler is not None and before_scale is not None:
        spaces.append((before_scale, scaler))
    return spaces


def find_training_data(pipeline: Any, X: pd.DataFrame) -> StoredTraining:
    """Real training rows and values of ``X`` found in the fitted classifier step of ``pipeline``.

    ``X`` holds the real rows to look for (the training rows; all rows of the data set is fine too, a
    stored hold-out row is as much a patient's). Only the last step (the classifier) is walked.
    """
    classifier = pipeline.steps[-1][1]
    arrays = [a for _, a in float_arrays(classifier)]
    rows = values = 0
    for M, scaler in _spaces(pipeline, X):
        wanted_rows = _row_keys(M)
        wanted_values = _value_keys(M)
        found_rows = [np.empty(0, dtype=wanted_rows.dtype)]
        stored_values = [np.empty(0)]
        for A in arrays:
            B = A
            if A.ndim == 2 and A.shape[1] == M.shape[1]:
                if scaler is not None:
                    B = scaler.inverse_transform(A)
                found_rows.append(np.intersect1d(_row_keys(B), wanted_rows))
            stored_values.append(np.unique(np.round(np.ravel(B), DECIMALS)))
        rows = max(rows, len(np.unique(np.concatenate(found_rows))))
        values = max(values, len(np.intersect1d(np.concatenate(stored_values), wanted_values)))
    return StoredTraining(rows=rows, values=values)


def column_summaries(pipeline: Any) -> int:
    """How many numeric columns' medians (or means) the pipeline's imputers keep.

    Every model file holds them: missing values of new patients are filled with the training data's
    median of each numeric column. A median is a summary, not a row, but with an odd number of patients
    it is one patient's measurement; the model file's metadata says so (``column_medians``).
    """
    from sklearn.impute import SimpleImputer

    count = 0
    stack = [pipeline]
    seen: set[int] = set()
    while stack:
        obj = stack.pop()
        if id(obj) in seen:
            continue
        seen.add(id(obj))
        if isinstance(obj, SimpleImputer):
            if obj.strategy in ("median", "mean") and hasattr(obj, "statistics_"):
                count += int(np.size(obj.statistics_))
            continue
        for name in ("steps", "transformers_"):
            for entry in getattr(obj, name, None) or ():
                if isinstance(entry, tuple) and len(entry) >= 2:
                    stack.append(entry[1])
        for name in ("estimator", "named_transformers_"):
            inner = getattr(obj, name, None)
            if inner is not None and not isinstance(inner, str):
                stack.extend(inner.values() if isinstance(inner, dict) else [inner])
    return count
