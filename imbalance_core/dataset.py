"""The learning task: which column is the label, which classes count as positive, which columns are features.

``LoadedTable`` (from :mod:`imbalance_core.data`) is what was read; ``PreparedData`` is what every
later stage (profile, training, projection, report) consumes. Binary and multi-class tasks share
one shape: ``y`` holds integer class codes ``0..k-1`` and ``class_names[code]`` names them; in a
binary task code 1 is the positive (disease) class.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from imbalance_core.data import LoadedTable
from imbalance_core.errors import DataError

#: A numeric label with more distinct values than this is continuous, not a class label.
MAX_CLASSES = 20
#: A text feature with more distinct values than this is excluded (free text, codes): too many categories.
MAX_CATEGORIES = 200


@dataclass(frozen=True)
class TaskSpec:
    """What the user chose on the Data page (or on the command line).

    label: the label column.
    positive: raw label values (after spelling merge) that count as the positive class. Empty means
        "the rarest class". Ignored when ``multiclass`` is true.
    multiclass: keep every class separate instead of positive-vs-rest.
    ignore: label values whose rows are left out (e.g. HCV's suspect blood donors), counted and reported.
    include: columns the user put back although they were excluded by default.
    exclude: columns the user removed although they were kept by default.
    """

    label: str
    positive: tuple[str, ...] = ()
    multiclass: bool = False
    ignore: tuple[str, ...] = ()
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()


@dataclass(frozen=True)
class PreparedData:
    """Features and encoded label ready for training.

    X: feature columns only; numeric columns are float64 (NaN = missing), categorical columns are
        pandas ``object``/string with NaN for missing.
    y: int64 class codes 0..k-1 (binary: 1 = positive).
    class_names: display name of each code; binary: (negative name, positive name).
    positive_values: the cleaned label values that make up the positive class (binary tasks).
    label_counts: rows per cleaned label value (before binarising), for the class chart.
    warnings: findings worth a look that did not change the data (e.g. a column separating classes).
    source_rows: positions in ``LoadedTable.frame`` of the rows kept (X and y are re-indexed 0..n-1).
    """

    X: pd.DataFrame
    y: np.ndarray
    class_names: tuple[str, ...]
    label: str
    numeric_features: tuple[str, ...]
    categorical_features: tuple[str, ...]
    name: str = "data"
    source_sha256: str = ""
    excluded: dict[str, str] = field(default_factory=dict)
    notices: tuple[str, ...] = ()
    dropped_rows: dict[str, int] = field(default_factory=dict)
    positive_values: tuple[str, ...] = ()
    label_counts: dict[str, int] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()
    source_rows: np.ndarray | None = None

    @property
    def is_binary(self) -> bool:
        """True for a positive-vs-negative task."""
        return len(self.class_names) == 2

    @property
    def positive_name(self) -> str:
        """Display name of the positive class (binary tasks)."""
        return self.class_names[1]

    @property
    def class_counts(self) -> dict[str, int]:
        """Rows per class, by display name."""
        counts = np.bincount(self.y, minlength=len(self.class_names))
        return {name: int(c) for name, c in zip(self.class_names, counts, strict=True)}


# --------------------------------------------------------------------------- label


@dataclass(frozen=True)
class _Label:
    """The cleaned label column: strings with NaN for missing, plus what cleaning did."""

    values: pd.Series
    notices: tuple[str, ...]


def _label_text(raw: pd.Series) -> pd.Series:
    """Label cells as text; whole numbers without a trailing '.0' (1.0 -> '1')."""
    if pd.api.types.is_bool_dtype(raw):
        return raw.astype(str).astype(object)
    if pd.api.types.is_numeric_dtype(raw):
        finite = raw.dropna()
        if len(finite) and np.all(np.mod(finite.to_numpy(dtype=float), 1) == 0):
            return raw.astype("Int64").astype(str).where(raw.notna()).astype(object)
        return raw.astype(str).where(raw.notna()).astype(object)
    text = raw.astype(str).where(raw.notna()).str.strip()
    return text.where(text != "").astype(object)


def _merge_spellings(text: pd.Series) -> tuple[pd.Series, tuple[str, ...]]:
    """Merge spellings that differ only in case or surrounding spaces into the lower-case form."""
    present = text.dropna()
    key = present.str.casefold()
    spellings = present.groupby(key).nunique()
    merged = spellings[spellings > 1]
    if merged.empty:
        return text, ()
    mapping = {v: v.casefold() for v in present.unique() if v.casefold() in merged.index}
    notices = tuple(
        f"Label spellings that differ only in upper/lower case or spaces were merged into one class '{k}'."
        for k in merged.index
    )
    return text.replace(mapping), notices


def _clean_label(table: LoadedTable, label: str) -> _Label:
    """The label column cleaned and checked (exists, not continuous, not too many classes)."""
    if label not in table.frame.columns:
        raise DataError(f"There is no column called '{label}'. Choose the label column from the list.")
    raw = table.frame[label]
    text, notices = _merge_spellings(_label_text(raw))
    n_classes = text.nunique(dropna=True)
    if n_classes == 0:
        raise DataError(f"The label column '{label}' is empty. Choose a column that holds the diagnosis.")
    if n_classes > MAX_CLASSES:
        if pd.api.types.is_numeric_dtype(raw):
            raise DataError(
                f"The label column '{label}' has {n_classes} different numbers and looks continuous. "
                "Choose a column with a few classes, or turn the measurement into classes first."
            )
        raise DataError(
            f"The label column '{label}' has {n_classes} different values, too many to be classes. "
            "Choose a column with a few classes."
        )
    return _Label(text, notices)


def label_classes(table: LoadedTable, label: str) -> dict[str, int]:
    """Cleaned label values -> row counts (missing labels not counted), sorted by value, for pickers.

    Raises DataError for a missing, empty or continuous label column.
    """
    counts = _clean_label(table, label).values.value_counts(dropna=True)
    return {str(k): int(counts[k]) for k in sorted(counts.index, key=str)}


def _rarest(counts: dict[str, int]) -> str:
    """The class with the fewest rows (ties: the later name, so '1' beats '0')."""
    return min(sorted(counts, reverse=True), key=lambda k: counts[k])


def default_spec(table: LoadedTable, label: str) -> TaskSpec:
    """A binary task with the rarest class of ``label`` as the positive class."""
    counts = label_classes(table, label)
    if len(counts) < 2:
        raise DataError(_one_class_message(label))
    return TaskSpec(label=label, positive=(_rarest(counts),))


def _one_class_message(label: str) -> str:
    return (f"The label column '{label}' has only one class; a classifier needs at least two. "
            "Choose another label column or a file with both classes.")


def _match_values(wanted: tuple[str, ...], classes: list[str]) -> tuple[str, ...]:
    """Map user-given label values onto the cleaned classes (exact, else ignoring case and spaces)."""
    by_key = {c.casefold(): c for c in classes}
    out = []
    for value in wanted:
        value = str(value)
        if value in classes:
            out.append(value)
        elif value.strip().casefold() in by_key:
            out.append(by_key[value.strip().casefold()])
    return tuple(dict.fromkeys(out))


def _join_names(names: list[str], fallback: str) -> str:
    return " + ".join(names) if len(names) <= 3 else fallback


# --------------------------------------------------------------------------- feature checks


def _is_id_like(col: pd.Series, name: str) -> bool:
    """Unique per row and either text or whole numbers counting up (row numbers, patient IDs)."""
    present = col.dropna()
    if len(present) < len(col) or len(col) < 3 or present.nunique() < len(col):
        return False
    if not pd.api.types.is_numeric_dtype(col):
        return True
    values = present.to_numpy(dtype=float)
    if not np.all(np.mod(values, 1) == 0):
        return False
    in_order = bool(np.all(np.diff(values) > 0) or np.all(np.diff(values) < 0))
    consecutive = values.max() - values.min() + 1 == len(values)
    return in_order or consecutive or "id" in name.casefold().replace("_", " ").split()


def _predicts_label(col: pd.Series, y: np.ndarray) -> bool:
    """True when the column alone gives the class: each value one class, or (binary) one cut-off."""
    mask = col.notna().to_numpy()
    if mask.sum() < 2 or len(np.unique(y[mask])) < 2:
        return False
    values, codes = col[mask], y[mask]
    if values.nunique() <= MAX_CLASSES and values.nunique() < mask.sum():
        return bool((pd.Series(codes).groupby(values.to_numpy()).nunique() == 1).all())
    return False


def _separates_classes(col: pd.Series, y: np.ndarray) -> bool:
    """Binary task, numeric column: every positive lies above (or below) every negative."""
    if not pd.api.types.is_numeric_dtype(col) or len(np.unique(y)) != 2:
        return False
    values = col.to_numpy(dtype=float)
    ok = ~np.isnan(values)
    pos, neg = values[ok & (y == 1)], values[ok & (y == 0)]
    if len(pos) == 0 or len(neg) == 0:
        return False
    return bool(pos.min() > neg.max() or pos.max() < neg.min())


def _check_empty(col: pd.Series, name: str, y: np.ndarray) -> str | None:
    return "empty in every row" if col.isna().all() else None


def _check_constant(col: pd.Series, name: str, y: np.ndarray) -> str | None:
    return "the same value in every row" if col.nunique(dropna=True) == 1 else None


def _check_id(col: pd.Series, name: str, y: np.ndarray) -> str | None:
    if not _is_id_like(col, name):
        return None
    reason = "unique in every row, like a row number or patient ID"
    if _separates_classes(col, y):
        reason += "; it also predicts the label perfectly (rows are in label order)"
    return reason


def _check_leak(col: pd.Series, name: str, y: np.ndarray) -> str | None:
    if _predicts_label(col, y):
        return "predicts the label perfectly on its own; check it is not derived from the diagnosis"
    return None


def _check_categories(col: pd.Series, name: str, y: np.ndarray) -> str | None:
    if pd.api.types.is_numeric_dtype(col) or pd.api.types.is_bool_dtype(col):
        return None
    n = col.nunique(dropna=True)
    return f"text with {n} different values, too many to use as categories" if n > MAX_CATEGORIES else None


#: Default exclusion checks, in order; the first reason found is the one reported.
FEATURE_CHECKS: tuple[tuple[str, Callable[[pd.Series, str, np.ndarray], str | None]], ...] = (
    ("all_empty", _check_empty),
    ("constant", _check_constant),
    ("id_like", _check_id),
    ("label_leak", _check_leak),
    ("too_many_categories", _check_categories),
)


def default_exclusions(frame: pd.DataFrame, label: str, y: np.ndarray) -> dict[str, str]:
    """Column -> reason for every column left out by default (before the user's include/exclude)."""
    excluded: dict[str, str] = {}
    for name in frame.columns:
        if name == label:
            continue
        for _, check in FEATURE_CHECKS:
            reason = check(frame[name], str(name), y)
            if reason:
                excluded[str(name)] = reason
                break
    return excluded


def _as_feature(col: pd.Series) -> tuple[pd.Series, bool]:
    """(feature column, is numeric): numbers as float64, text as object with NaN for missing."""
    if pd.api.types.is_bool_dtype(col) or pd.api.types.is_numeric_dtype(col):
        return col.astype("float64"), True
    return col.astype(object).where(col.notna(), np.nan), False


# --------------------------------------------------------------------------- prepare


def _encode(
    values: pd.Series, spec: TaskSpec, label: str
) -> tuple[np.ndarray, tuple[str, ...], tuple[str, ...]]:
    """Class codes, class names and the positive label values for the task."""
    counts = values.value_counts()
    classes = sorted((str(c) for c in counts.index), key=str)
    if len(classes) < 2:
        raise DataError(_one_class_message(label))
    if spec.multiclass:
        codes = pd.Categorical(values, categories=classes).codes.astype(np.int64)
        return codes, tuple(classes), ()
    if spec.positive:
        positive = _match_values(spec.positive, classes)
        if not positive:
            raise DataError(f"None of the chosen positive classes occurs in the label column '{label}'. "
                            "Choose the positive class from the list.")
    else:
        positive = (_rarest({c: int(counts[c]) for c in classes}),)
    negative = [c for c in classes if c not in positive]
    if not negative:
        raise DataError("Every class is marked positive; leave at least one class as negative.")
    codes = values.isin(positive).to_numpy().astype(np.int64)
    names = (_join_names(negative, "other classes"), _join_names(list(positive), "positive classes"))
    return codes, names, positive


def prepare(table: LoadedTable, spec: TaskSpec) -> PreparedData:
    """Turn a loaded table and the user's task choices into features ``X`` and class codes ``y``.

    Rows with a missing label are dropped and counted; rows whose label is in ``spec.ignore`` are
    left out and reported. Columns that are empty, constant, ID-like, perfectly predict the label
    or hold too many text values are excluded by default with the reason (``spec.include`` puts them
    back, ``spec.exclude`` removes others).

    Raises
    ------
    DataError
        Unknown label column, continuous or single-class label, unknown positive class, or no
        feature left.
    """
    label = _clean_label(table, spec.label)
    values = label.values
    notices = list(label.notices)
    dropped: dict[str, int] = {}
    keep = values.notna()
    n_missing = int((~keep).sum())
    if n_missing:
        dropped["missing label"] = n_missing
        notices.append(f"{n_missing} rows without a label were left out.")
    classes_present = sorted(values.dropna().unique(), key=str)
    for ignored in _match_values(spec.ignore, classes_present):
        hit = keep & (values == ignored)
        n = int(hit.sum())
        if n:
            keep &= ~hit
            dropped[f"label '{ignored}' left out"] = n
            notices.append(f"{n} rows with label '{ignored}' left out.")
    rows = np.flatnonzero(keep.to_numpy())
    frame = table.frame.iloc[rows].reset_index(drop=True)
    kept = values.iloc[rows].reset_index(drop=True)
    y, class_names, positive = _encode(kept, spec, spec.label)

    excluded = default_exclusions(frame, spec.label, y)
    for col in spec.include:
        excluded.pop(col, None)
    for col in spec.exclude:
        if col in frame.columns and col != spec.label:
            excluded[col] = "left out by you"
    features, numeric, categorical = {}, [], []
    for name in frame.columns:
        if name == spec.label or name in excluded:
            continue
        features[name], is_numeric = _as_feature(frame[name])
        (numeric if is_numeric else categorical).append(str(name))
    if not features:
        raise DataError("No feature columns are left. Put back at least one excluded column.")
    for col, reason in excluded.items():
        if reason != "left out by you":
            notices.append(f"Column '{col}' is excluded: {reason}.")
    if categorical:
        notices.append(f"Text columns used as categories: {', '.join(categorical)}.")
    found = [
        f"Column '{c}' alone separates the two classes completely; check it is not a consequence of "
        "the diagnosis." for c in numeric if _separates_classes(features[c], y)
    ]
    label_counts = kept.value_counts()
    return PreparedData(
        X=pd.DataFrame(features),
        y=y,
        class_names=class_names,
        label=spec.label,
        numeric_features=tuple(numeric),
        categorical_features=tuple(categorical),
        name=table.name,
        source_sha256=table.sha256,
        excluded=excluded,
        notices=tuple(notices),
        dropped_rows=dropped,
        positive_values=positive,
        label_counts={str(k): int(label_counts[k]) for k in sorted(label_counts.index, key=str)},
        warnings=tuple(found),
        source_rows=rows,
    )
