"""The learning task: which column is the label, which classes count as positive, which columns are features.

``LoadedTable`` (from :mod:`imbalance_core.intake.read`) is what was read; ``PreparedData`` is what every
later stage (profile, training, projection, report) consumes. Binary and multi-class tasks share
one shape: ``y`` holds integer class codes ``0..k-1`` and ``class_names[code]`` names them; in a
binary task code 1 is the positive (disease) class.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from imbalance_core.errors import DataError
from imbalance_core.intake.after_outcome import after_outcome_columns
from imbalance_core.intake.identifiers import RepeatedId, find_repeated_ids, group_codes
from imbalance_core.intake.label_values import guess_positive, rarest_class, reads_negative
from imbalance_core.intake.read import LoadedTable

#: A numeric label with more distinct values than this is continuous, not a class label; a multi-class
#: task keeps at most this many classes (group codes first: ``TaskSpec.group_prefix`` / ``group_rare``).
#: A binary task ("these codes vs the rest") takes a text label with any number of codes.
MAX_CLASSES = 20
#: A text label whose distinct values exceed this share of its rows is free text, not codes.
MAX_CODE_SHARE = 0.5
#: Name of the class that collects codes rarer than ``TaskSpec.group_rare``.
OTHER_CLASS = "other"
#: A text feature with more distinct values than this is excluded (free text): too many categories —
#: unless it is a column of codes (ICD-9 diag_1: 716 codes in 101,766 rows): at most MAX_CODE_SHARE of
#: its rows distinct and at most MAX_CODE_LEVELS levels; training then groups its rare codes
#: (imbalance_core.learn.encoding).
MAX_CATEGORIES = 200
MAX_CODE_LEVELS = 10_000


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
    zero_missing: numeric columns in which an exact 0 means "not measured" (Pima's Glucose, BMI, ...):
        those zeros become missing values, so the pipeline imputes them instead of learning from an
        impossible 0. Empty by default; :mod:`imbalance_core.intake.profile` flags columns that look like
        this.
    group_prefix: when > 0, label codes are grouped by their first ``group_prefix`` characters
        (ICD "E11.9" and "E10.1" -> "E" with 1), before ``group_rare``.
    group_rare: when > 0, label values with fewer rows than this become one class ``OTHER_CLASS``.
    A ``positive`` entry ending in ``*`` is a prefix: ``E1*`` marks every code starting with "E1".
    none_marks / missing_marks: missing-looking marks of the label ('-', '.') the person declared a class
        of their own ("no diagnosis") / a missing label. Unsaid, a mark in more than
        :data:`NONE_MARK_SHARE` of the rows is a class when no other label value reads as "none"
        (:func:`label_marks`).
    duplicates: what to do with exact duplicate rows (every feature and the label equal):
        "together" (default: kept, each set of copies on one side of every split and in one CV fold)
        or "drop" (only the first copy is kept).
    A column in ``include`` that repeats like a patient ID is a feature, not a grouping (the person
    undid the ID guess).
    """

    label: str
    positive: tuple[str, ...] = ()
    multiclass: bool = False
    ignore: tuple[str, ...] = ()
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    zero_missing: tuple[str, ...] = ()
    group_prefix: int = 0
    group_rare: int = 0
    none_marks: tuple[str, ...] = ()
    missing_marks: tuple[str, ...] = ()
    duplicates: str = "together"


#: What :attr:`TaskSpec.duplicates` may say.
DUPLICATE_CHOICES = ("together", "drop")
#: A missing-looking mark ('-', '.') in more than this share of a label's rows is a class by default.
NONE_MARK_SHARE = 0.2


@dataclass(frozen=True)
class LabelMark:
    """A missing-looking mark in the label column ('-' in a diagnosis-code export) and how it is read.

    rows: rows holding it; share: of the rows read; as_class: read as a class of its own ("no
    diagnosis") rather than a missing label; default_class: what the app does unless told otherwise.
    """

    label: str
    mark: str
    rows: int
    share: float
    as_class: bool
    default_class: bool

    @property
    def text(self) -> str:
        """One sentence for the Data page, the profile and the CLI."""
        head = f"'{self.mark}' stands in {self.rows:,} rows ({self.share:.0%}) of the label '{self.label}'"
        if self.as_class:
            return (
                f"{head}: read as a class of its own ('no diagnosis'), so those patients are kept. If it "
                f"means 'not recorded', read it as missing (command line: --missing-code {self.mark})."
            )
        return (
            f"{head}: read as a missing label, so those rows are left out. If it means 'no diagnosis', "
            f"read it as a class (command line: --none-code {self.mark})."
        )


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
    zero_missing_counts: column -> zeros turned into missing values in the kept rows, for every column
        of ``TaskSpec.zero_missing`` (also those left out of X). A saved model applies the same rule to
        the feature columns among them.
    repeated_ids: ID columns whose values repeat (several rows per patient), most groups first
        (:mod:`imbalance_core.intake.identifiers`); excluded from X unless put back.
    groups: column -> group code per kept row for each of ``repeated_ids`` (training splits by it).
    holdout / holdout_name: per kept row, True when it is in a hold-out fixed by the source (an image
        zip's test/ folder; training then uses it instead of a random split), and its name; None = none.
    label_marks: missing-looking marks of the label and how they were read (:class:`LabelMark`).
    duplicate_rows: rows that repeat an earlier row exactly (every column but row numbers / unique IDs,
        the label included: two patients whose repeating IDs differ are not copies);
        duplicates: what was done with them ("together", "drop"; see ``TaskSpec.duplicates``);
        duplicate_groups: per kept row a code shared by exact copies (None when there are none or
        they were dropped); training keeps each code on one side of every split.
    after_outcome: columns that may be recorded after the outcome
        (:mod:`imbalance_core.intake.after_outcome`); flagged, not excluded.
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
    zero_missing_counts: dict[str, int] = field(default_factory=dict)
    repeated_ids: tuple[RepeatedId, ...] = ()
    groups: dict[str, np.ndarray] = field(default_factory=dict)
    holdout: np.ndarray | None = None
    holdout_name: str = ""
    label_marks: tuple[LabelMark, ...] = ()
    duplicate_rows: int = 0
    duplicates: str = "together"
    duplicate_groups: np.ndarray | None = None
    after_outcome: tuple = ()

    @property
    def duplicates_text(self) -> str:
        """What was found and done about exact duplicate rows, in one sentence ("" when none)."""
        n = self.duplicate_rows
        if not n:
            return ""
        head = f"{n:,} {'row repeats' if n == 1 else 'rows repeat'} an earlier row exactly (duplicates"
        if self.duplicates == "drop":
            return f"{head}); they were dropped and only the first copy of each is used."
        return (
            f"{head}); the copies are kept together: all on the training side or all on the test side, "
            "and in one CV fold, so no patient is judged on a copy of a training row."
        )

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
    """The cleaned label column (categorical of strings, NaN = missing) and what cleaning did."""

    values: pd.Series
    notices: tuple[str, ...]
    marks: tuple[LabelMark, ...] = ()


def _category_name(value: object, numeric: bool) -> str:
    """Display text of one label value: whole numbers without '.0' (1.0 -> '1'), text trimmed."""
    if numeric and isinstance(value, float | np.floating) and float(value).is_integer():
        return str(int(value))
    return str(value).strip()


def _class_order(name: str) -> tuple[int, float, str]:
    """Sort key for class names: numbers by value ('2' before '10'), then text alphabetically."""
    try:
        return (0, float(name), name)
    except ValueError:
        return (1, 0.0, name)


def _recode(cat: pd.Series, names: list[str]) -> pd.Series:
    """Rename the categories of ``cat`` to ``names``; equal names merge, '' becomes missing."""
    uniq = sorted({n for n in names if n}, key=_class_order)
    index = {n: i for i, n in enumerate(uniq)}
    lookup = np.array([index.get(n, -1) for n in names] + [-1], dtype=np.int64)
    codes = lookup[cat.cat.codes.to_numpy()]  # code -1 (missing) picks the trailing -1
    return pd.Series(pd.Categorical.from_codes(codes, categories=uniq), index=cat.index)


def _label_text(raw: pd.Series) -> pd.Series:
    """The label as a categorical of strings (NaN = missing). Work is per distinct value, not per row."""
    numeric = pd.api.types.is_numeric_dtype(raw) and not pd.api.types.is_bool_dtype(raw)
    cat = raw.astype("category")
    return _recode(cat, [_category_name(v, numeric) for v in cat.cat.categories])


def _merge_spellings(text: pd.Series) -> tuple[pd.Series, tuple[str, ...]]:
    """Merge spellings that differ only in upper/lower case into the lower-case form (with a notice).

    Surrounding spaces were already trimmed; spellings differing only in them are merged silently
    by :func:`_label_text` and in the intake.
    """
    names = [str(c) for c in text.cat.categories]
    groups: dict[str, int] = {}
    for n in names:
        groups[n.casefold()] = groups.get(n.casefold(), 0) + 1
    merged = [k for k, n in groups.items() if n > 1]
    if not merged:
        return text, ()
    notices = tuple(
        f"Label spellings that differ only in upper/lower case or spaces were merged into one class '{k}'."
        for k in merged
    )
    return _recode(text, [n.casefold() if n.casefold() in merged else n for n in names]), notices


def _group_prefix(text: pd.Series, length: int) -> tuple[pd.Series, tuple[str, ...]]:
    """Codes grouped by their first ``length`` characters (per distinct value, not per row)."""
    names = [str(c) for c in text.cat.categories]
    grouped = _recode(text, [n[:length].strip() for n in names])
    n_groups = len(grouped.cat.categories)
    notice = (
        f"Label codes grouped by their first {length} characters: {len(names)} codes -> {n_groups} groups."
    )
    return grouped, (notice,)


def _group_rare(text: pd.Series, min_rows: int) -> tuple[pd.Series, tuple[str, ...]]:
    """Values with fewer than ``min_rows`` rows merged into ``OTHER_CLASS``."""
    counts = _counts(text)
    rare = {c for c, n in counts.items() if n < min_rows}
    if not rare:
        return text, ()
    names = [OTHER_CLASS if str(c) in rare else str(c) for c in text.cat.categories]
    notice = (
        f"{len(rare)} label values with fewer than {min_rows} rows ({sum(counts[c] for c in rare):,} rows) "
        f"were grouped into one class '{OTHER_CLASS}'."
    )
    return _recode(text, names), (notice,)


def label_marks(
    table: LoadedTable, label: str, none_marks: tuple[str, ...] = (), missing_marks: tuple[str, ...] = ()
) -> tuple[LabelMark, ...]:
    """The missing-looking marks ('-', '.') of ``label`` and whether each is read as a class.

    By default a mark is a class ("no diagnosis") when it stands in more than :data:`NONE_MARK_SHARE`
    of the rows and no other label value reads as "none" (no, 0, negative, normal ...): with a
    'negative' class already there, a '-' more likely means "not recorded". ``none_marks`` /
    ``missing_marks`` override the default; a mark they name that the label does not hold is a DataError.
    """
    found = table.none_mark_rows.get(label, {})
    asked = tuple(dict.fromkeys(str(m).strip() for m in (*none_marks, *missing_marks)))
    unknown = [m for m in asked if m not in found]
    if unknown:
        held = ", ".join(f"'{m}'" for m in found) or "none"
        raise DataError(
            f"The label '{label}' holds no cell written as {', '.join(repr(m) for m in unknown)}; the marks "
            f"that can be read as a class or as missing here: {held}."
        )
    if not found:
        return ()
    others = [str(c) for c in _label_text(table.frame[label]).cat.categories]
    none_class_exists = any(reads_negative(c, binary=len(others) == 1) for c in others)
    out = []
    for mark, rows in found.items():
        share = len(rows) / max(table.n_rows, 1)
        default = share > NONE_MARK_SHARE and bool(others) and not none_class_exists
        as_class = mark in {str(m).strip() for m in none_marks} or (
            default and mark not in {str(m).strip() for m in missing_marks}
        )
        out.append(LabelMark(label, mark, len(rows), share, as_class, default))
    return tuple(out)


def _with_marks(table: LoadedTable, text: pd.Series, marks: tuple[LabelMark, ...]) -> pd.Series:
    """The label with the rows of each mark read as a class given that mark as its value."""
    chosen = [m for m in marks if m.as_class]
    if not chosen:
        return text
    values = text.astype(object).to_numpy(copy=True)
    for m in chosen:
        values[table.none_mark_rows[m.label][m.mark]] = m.mark
    return _label_text(pd.Series(values, index=text.index, dtype=object))


def _clean_label(
    table: LoadedTable,
    label: str,
    group_prefix: int = 0,
    group_rare: int = 0,
    none_marks: tuple[str, ...] = (),
    missing_marks: tuple[str, ...] = (),
) -> _Label:
    """The label column cleaned, grouped as asked and checked (exists, not empty, not continuous, not
    free text). Text codes are not capped here: a binary task takes any number of them, and
    :func:`_encode` caps a multi-class task at ``MAX_CLASSES``. Missing-looking marks are read as
    :func:`label_marks` says."""
    if label not in table.frame.columns:
        raise DataError(f"There is no column called '{label}'. Choose the label column from the list.")
    raw = table.frame[label]
    marks = label_marks(table, label, none_marks, missing_marks)
    text, notices = _merge_spellings(_with_marks(table, _label_text(raw), marks))
    notices += tuple(m.text for m in marks)
    n_classes = len(text.cat.categories)
    if n_classes == 0:
        raise DataError(f"The label column '{label}' is empty. Choose a column that holds the diagnosis.")
    if n_classes > MAX_CLASSES and pd.api.types.is_numeric_dtype(raw) and not group_prefix:
        raise DataError(
            f"The label column '{label}' has {n_classes} different numbers and looks continuous. "
            "Choose a column with a few classes, or turn the measurement into classes first."
        )
    n_rows = int(text.notna().sum())
    if n_classes > MAX_CLASSES and n_classes > MAX_CODE_SHARE * n_rows and not group_prefix:
        raise DataError(
            f"The label column '{label}' has {n_classes} different values in {n_rows:,} rows: free text "
            "rather than classes or codes. Choose a column with a few classes or repeated codes."
        )
    if group_prefix > 0:
        text, found = _group_prefix(text, group_prefix)
        notices += found
    if group_rare > 0:
        text, found = _group_rare(text, group_rare)
        notices += found
    if table.non_numeric_counts.get(label):
        notices += (
            f"The label column '{label}' is mostly numbers; its {table.non_numeric_counts[label]:,} cells "
            "holding text were read as missing, so those rows are left out. If they are classes, write "
            "them as codes (numbers) or as text in every row.",
        )
    return _Label(text, notices, marks)


def label_classes(
    table: LoadedTable,
    label: str,
    group_prefix: int = 0,
    group_rare: int = 0,
    none_marks: tuple[str, ...] = (),
    missing_marks: tuple[str, ...] = (),
) -> dict[str, int]:
    """Cleaned (and grouped) label values -> row counts (missing labels not counted), sorted by value.

    Missing-looking marks count as a class when :func:`label_marks` reads them so.
    Raises DataError for a missing, empty, continuous or free-text label column.
    """
    return _counts(_clean_label(table, label, group_prefix, group_rare, none_marks, missing_marks).values)


def _counts(values: pd.Series) -> dict[str, int]:
    """Rows per category of a categorical series (category order), classes with no rows left out."""
    codes = values.cat.codes.to_numpy()
    counts = np.bincount(codes[codes >= 0], minlength=len(values.cat.categories))
    return {str(c): int(n) for c, n in zip(values.cat.categories, counts, strict=True) if n}


def default_positive(counts: dict[str, int]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(positive values, reasons) when none were chosen: the disease, never a value that reads as healthy
    (NORMAL, no, 0, negative, benign...), else one that reads as disease, else the rarest — the rule of
    :func:`imbalance_core.intake.label_values.guess_positive`, so the CLI without ``--positive`` and an
    image zip's folders (PneumoniaMNIST: NORMAL is the rarer class) agree with the Data page's guess."""
    return guess_positive(counts)


def default_spec(table: LoadedTable, label: str) -> TaskSpec:
    """A binary task with the rarest class of ``label`` as the positive class."""
    counts = label_classes(table, label)
    if len(counts) < 2:
        raise DataError(_one_class_message(label))
    return TaskSpec(label=label, positive=(rarest_class(counts),))


def _one_class_message(label: str) -> str:
    return (
        f"The label column '{label}' has only one class; a classifier needs at least two. "
        "Choose another label column or a file with both classes."
    )


def _match_values(wanted: tuple[str, ...], classes: list[str]) -> tuple[str, ...]:
    """Map user-given label values onto the cleaned classes (exact, else ignoring case and spaces);
    a value ending in ``*`` matches every class starting with the rest ("E1*": "E10", "E11.9")."""
    by_key = {c.casefold(): c for c in classes}
    out = []
    for value in wanted:
        value = str(value)
        if value in classes:
            out.append(value)
        elif value.strip().casefold() in by_key:
            out.append(by_key[value.strip().casefold()])
        elif value.endswith("*") and value.strip() != "*":
            prefix = value[:-1].strip().casefold()
            out.extend(c for c in classes if c.casefold().startswith(prefix))
    return tuple(dict.fromkeys(out))


def _join_names(names: list[str], fallback: str) -> str:
    return " + ".join(names) if len(names) <= 3 else fallback


# --------------------------------------------------------------------------- feature checks


def _whole_numbers(col: pd.Series) -> np.ndarray | None:
    """The column as float64 if it is numeric with only whole numbers and no missing values."""
    if not pd.api.types.is_numeric_dtype(col) or pd.api.types.is_bool_dtype(col):
        return None
    values = col.to_numpy(dtype=float)
    if col.dtype.kind != "f":
        return values
    head = values[:1000]
    if np.isnan(head).any() or np.any(np.mod(head, 1) != 0):  # most measurements stop here
        return None
    if np.isnan(values).any() or np.any(np.mod(values, 1) != 0):
        return None
    return values


def _is_id_like(col: pd.Series, name: str) -> bool:
    """Unique per row and either text or whole numbers counting up (row numbers, patient IDs).

    Cheap tests run first so that a million-row measurement column is rejected without hashing it.
    """
    if len(col) < 3:
        return False
    if not pd.api.types.is_numeric_dtype(col):
        return bool(col.notna().all() and col.iloc[:1000].is_unique and col.is_unique)
    values = _whole_numbers(col)
    if values is None:
        return False
    step = np.diff(values)
    if np.all(step > 0) or np.all(step < 0):
        return True
    consecutive = values.max() - values.min() + 1 == len(values)
    named_id = "id" in name.casefold().replace("_", " ").split()
    return bool((consecutive or named_id) and col.is_unique)


def _few_values(col: pd.Series) -> bool:
    """At most MAX_CLASSES distinct values (a quick look at the first rows rules most columns out)."""
    return col.iloc[:2000].nunique() <= MAX_CLASSES and col.nunique() <= MAX_CLASSES


def _one_class_per_value(values: pd.Series, codes: np.ndarray) -> bool:
    """True when every distinct value occurs with one class code only (codes as integer factors)."""
    keys, uniques = pd.factorize(values, use_na_sentinel=True)
    seen = np.zeros((len(uniques), int(codes.max()) + 1), dtype=bool)
    seen[keys, codes] = True
    return bool((seen.sum(axis=1) == 1).all())


def _predicts_label(col: pd.Series, y: np.ndarray) -> bool:
    """True when each value of a column with few values belongs to one class only.

    The first rows settle most columns: a value seen with two classes there rules the column out.
    """
    head = col.iloc[:2000]
    head_mask = head.notna().to_numpy()
    if head_mask.sum() >= 2 and not _one_class_per_value(head[head_mask], y[: len(head)][head_mask]):
        return False
    mask = col.notna().to_numpy()
    n = int(mask.sum())
    if n < 2 or not _few_values(col):
        return False
    values, codes = col[mask], y[mask]
    if len(np.unique(codes)) < 2 or 2 * values.nunique() > n:
        return False
    return _one_class_per_value(values, codes)


def _separates_classes(col: pd.Series, y: np.ndarray) -> bool:
    """Binary task, numeric column: every positive lies above (or below) every negative."""
    if not pd.api.types.is_numeric_dtype(col) or pd.api.types.is_bool_dtype(col):
        return False
    if np.any(y > 1):
        return False
    values = col.to_numpy(dtype=float)
    pos_rows, neg_rows = np.flatnonzero(y == 1), np.flatnonzero(y == 0)
    for take in (slice(0, 2000), slice(None)):  # overlapping ranges in a sample settle most columns
        pos, neg = values[pos_rows[take]], values[neg_rows[take]]
        pos, neg = pos[~np.isnan(pos)], neg[~np.isnan(neg)]
        if len(pos) == 0 or len(neg) == 0:
            return False
        if not (pos.min() > neg.max() or pos.max() < neg.min()):
            return False
    return True


def _check_empty(col: pd.Series, name: str, y: np.ndarray) -> str | None:
    return "empty in every row" if not col.notna().any() else None


def _check_constant(col: pd.Series, name: str, y: np.ndarray) -> str | None:
    if pd.api.types.is_numeric_dtype(col) and not pd.api.types.is_bool_dtype(col):
        values = col.to_numpy(dtype=float)
        same = np.nanmin(values) == np.nanmax(values)  # all-NaN columns were caught before
    else:
        same = col.nunique(dropna=True) == 1
    return "the same value in every row" if same else None


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
    codes = n <= MAX_CODE_LEVELS and n <= MAX_CODE_SHARE * int(col.notna().sum())
    if n <= MAX_CATEGORIES or codes:
        return None
    return f"text with {n} different values, too many to use as categories"


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


def _features(frame: pd.DataFrame, columns: list) -> tuple[pd.DataFrame, list[str], list[str]]:
    """X with numbers as float64 and text as object (NaN = missing); numeric and text column names.

    One column selection (a single copy); only columns that are not float64 already are converted.
    """
    if not columns:
        raise DataError("No feature columns are left. Put back at least one excluded column.")
    X = frame[columns]
    numeric: list[str] = []
    categorical: list[str] = []
    for name in columns:
        col = X[name]
        if pd.api.types.is_bool_dtype(col) or pd.api.types.is_numeric_dtype(col):
            numeric.append(str(name))
            if col.dtype != np.float64:
                X[name] = col.astype("float64")
        else:
            categorical.append(str(name))
            X[name] = col.astype(object).where(col.notna(), np.nan)
    return X, numeric, categorical


# --------------------------------------------------------------------------- zeros that mean "not measured"


def is_numeric_column(col: pd.Series) -> bool:
    """True for a column of numbers (not booleans): the only kind whose zeros can mean 'not measured'."""
    return bool(pd.api.types.is_numeric_dtype(col) and not pd.api.types.is_bool_dtype(col))


def numeric_columns(table: LoadedTable, label: str | None = None) -> tuple[str, ...]:
    """Numeric columns of the table except ``label``: the choices for ``TaskSpec.zero_missing``."""
    return tuple(str(c) for c in table.frame.columns if str(c) != label and is_numeric_column(table.frame[c]))


def _quoted(names: list[str]) -> str:
    return ", ".join(f"'{n}'" for n in names)


def check_zero_missing(table: LoadedTable, spec: TaskSpec) -> tuple[str, ...]:
    """The columns of ``spec.zero_missing`` (duplicates dropped), checked against the table.

    Raises DataError naming columns that do not exist, hold text, or are the label.
    """
    wanted = tuple(dict.fromkeys(str(c) for c in spec.zero_missing))
    frame = table.frame
    unknown = [c for c in wanted if c not in frame.columns]
    if unknown:
        raise DataError(
            f"Zeros can only be read as 'not measured' in columns of this table; there is no column "
            f"{_quoted(unknown)}. Choose from the numeric columns."
        )
    if spec.label in wanted:
        raise DataError(
            f"The zeros of the label column '{spec.label}' are class values, not missing measurements; "
            "remove it from the columns whose zeros mean 'not measured'."
        )
    text = [c for c in wanted if not is_numeric_column(frame[c])]
    if text:
        raise DataError(
            f"Zeros can only mean 'not measured' in numeric columns; {_quoted(text)} "
            f"{'holds' if len(text) == 1 else 'hold'} text. Remove {'it' if len(text) == 1 else 'them'} "
            "from the list."
        )
    return wanted


def zeros_to_missing(frame: pd.DataFrame, columns: tuple[str, ...]) -> tuple[pd.DataFrame, dict[str, int]]:
    """A frame whose exact zeros in ``columns`` are NaN, and the number replaced per column.

    Only the named columns are rebuilt (copy-on-write: the input frame, e.g. a cached table, is
    never changed and other columns are not copied). ``-0.0`` counts as zero.
    """
    counts: dict[str, int] = {}
    replaced: dict[str, pd.Series] = {}
    for name in columns:
        values = frame[name].to_numpy(dtype="float64")
        zero = values == 0
        counts[name] = int(np.count_nonzero(zero))
        if counts[name]:
            replaced[name] = pd.Series(np.where(zero, np.nan, values), index=frame.index, name=name)
    if not replaced:
        return frame, counts
    out = frame.copy(deep=False)
    for name, series in replaced.items():
        out[name] = series
    return out, counts


def _zero_missing_notice(counts: dict[str, int]) -> str:
    shown = ", ".join(f"{c} {n}" for c, n in counts.items())
    return (
        f"Zeros read as 'not measured' (missing values, filled like any other missing value): {shown} "
        f"({sum(counts.values())} cells)."
    )


# --------------------------------------------------------------------------- prepare


def _encode(
    values: pd.Series, spec: TaskSpec, label: str
) -> tuple[np.ndarray, tuple[str, ...], tuple[str, ...]]:
    """Class codes, class names and the positive label values for the task."""
    counts = _counts(values)
    classes = list(counts)
    if len(classes) < 2:
        raise DataError(_one_class_message(label))
    if spec.multiclass:
        if len(classes) > MAX_CLASSES:
            raise DataError(
                f"The label column '{label}' has {len(classes)} classes; a multi-class task keeps at most "
                f"{MAX_CLASSES}. Group the codes (by their first characters, or rare codes into "
                f"'{OTHER_CLASS}'), or choose the positive codes for a binary task (these codes vs the rest)."
            )
        codes = values.cat.set_categories(classes).cat.codes.to_numpy().astype(np.int64)
        return codes, tuple(classes), ()
    if spec.positive:
        positive = _match_values(spec.positive, classes)
        if not positive:
            raise DataError(
                f"None of the chosen positive classes occurs in the label column '{label}'. "
                "Choose the positive class from the list."
            )
    else:
        positive = default_positive(counts)[0]
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
    back, ``spec.exclude`` removes others). Exact zeros in the columns of ``spec.zero_missing``
    become missing values (counted in ``zero_missing_counts`` and a notice).

    Raises
    ------
    DataError
        Unknown label column, continuous or single-class label, unknown positive class, no
        feature left, or a ``zero_missing`` column that is unknown, text or the label.
    """
    if spec.duplicates not in DUPLICATE_CHOICES:
        raise DataError("Duplicate rows can be kept together or dropped ('together' or 'drop').")
    label = _clean_label(
        table, spec.label, spec.group_prefix, spec.group_rare, spec.none_marks, spec.missing_marks
    )
    zero_columns = check_zero_missing(table, spec)
    values = label.values
    notices = list(label.notices)
    dropped: dict[str, int] = {}
    keep = values.notna()
    n_missing = int((~keep).sum())
    if n_missing:
        dropped["missing label"] = n_missing
        notices.append(f"{n_missing} rows without a label were left out.")
    classes_present = list(_counts(values))
    for ignored in _match_values(spec.ignore, classes_present):
        hit = keep & (values == ignored)
        n = int(hit.sum())
        if n:
            keep &= ~hit
            dropped[f"label '{ignored}' left out"] = n
            notices.append(f"{n} rows with label '{ignored}' left out.")
    rows = np.flatnonzero(keep.to_numpy())
    if len(rows) == len(values):  # nothing dropped: no copy of a possibly large frame
        frame, kept = table.frame, values
    else:
        frame = table.frame.iloc[rows].reset_index(drop=True)
        kept = values.iloc[rows].reset_index(drop=True)
    y, class_names, positive = _encode(kept, spec, spec.label)
    if not spec.positive and not spec.multiclass:
        notices += default_positive(_counts(kept))[1]
    zero_counts: dict[str, int] = {}
    if zero_columns:  # before the default checks, so they see missing values rather than zeros
        frame, zero_counts = zeros_to_missing(frame, zero_columns)
        notices.append(_zero_missing_notice(zero_counts))

    excluded = default_exclusions(frame, spec.label, y)
    repeated = find_repeated_ids(frame.drop(columns=list(excluded)), spec.label)
    repeated = tuple(r for r in repeated if r.column not in spec.include)  # the person undid the guess
    for found in repeated:
        excluded[found.column] = f"repeats like a patient ID ({found.reason}); used to split by patient"
    for col in spec.include:
        excluded.pop(col, None)
    for col in spec.exclude:
        if col in frame.columns and col != spec.label:
            excluded[col] = "left out by you"
    X, numeric, categorical = _features(
        frame, [c for c in frame.columns if c != spec.label and c not in excluded]
    )
    for col, reason in excluded.items():
        if reason != "left out by you":
            notices.append(f"Column '{col}' is excluded: {reason}.")
    if categorical:
        notices.append(f"Text columns used as categories: {', '.join(categorical)}.")
    unique_ids = [c for c, why in excluded.items() if why.startswith("unique in every row")]
    dup_groups, n_dup = duplicate_groups(frame.drop(columns=unique_ids), y)
    if n_dup and spec.duplicates == "drop":
        first = first_copies(dup_groups)
        X, y = X.iloc[first].reset_index(drop=True), y[first]
        frame = frame.iloc[first].reset_index(drop=True)
        rows = rows[first]
        kept = kept.iloc[first].reset_index(drop=True)
        dropped["exact duplicate rows"] = n_dup
        dup_groups = None
    elif not n_dup:
        dup_groups = None
    found = [
        f"Column '{c}' alone separates the two classes completely; check it is not a consequence of "
        "the diagnosis."
        for c in numeric
        if _separates_classes(X[c], y)
    ]

    return PreparedData(
        X=X,
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
        label_counts=_counts(kept),
        warnings=tuple(found),
        source_rows=rows,
        zero_missing_counts=zero_counts,
        repeated_ids=repeated,
        groups={found.column: group_codes(frame[found.column]) for found in repeated},
        holdout=None if table.holdout is None else np.asarray(table.holdout, dtype=bool)[rows],
        holdout_name=table.holdout_name,
        label_marks=label.marks,
        duplicate_rows=n_dup,
        duplicates=spec.duplicates,
        duplicate_groups=dup_groups,
        after_outcome=after_outcome_columns(X, y, tuple(numeric)),
    )


# --------------------------------------------------------------------------- exact duplicate rows


def duplicate_groups(X: pd.DataFrame, y: np.ndarray) -> tuple[np.ndarray, int]:
    """A code per row shared by exact copies (every column of ``X`` and the label ``y`` equal,
    missing = missing),
    and how many rows repeat an earlier one. Codes are 0..g-1 in order of first appearance.

    Rows are hashed once (vectorised); only rows whose hash repeats are compared exactly.
    """
    n = len(y)
    codes = np.arange(n, dtype=np.int64)
    if n < 2:
        return codes, 0
    frame = X.assign(**{"\x00label": np.asarray(y)})
    hashes = pd.util.hash_pandas_object(frame, index=False).to_numpy()
    repeated = pd.Series(hashes).duplicated(keep=False).to_numpy()
    if repeated.any():
        rows = np.flatnonzero(repeated)
        sub = frame.iloc[rows].reset_index(drop=True)
        group = sub.groupby(list(sub.columns), dropna=False, sort=False).ngroup().to_numpy()
        first_row = np.full(int(group.max()) + 1, n, dtype=np.int64)
        np.minimum.at(first_row, group, rows)
        codes[rows] = first_row[group]
    codes = pd.factorize(codes, sort=False)[0].astype(np.int64)
    return codes, int(n - (codes.max() + 1))


def first_copies(codes: np.ndarray) -> np.ndarray:
    """Sorted positions of the first row of each duplicate group."""
    _, first = np.unique(codes, return_index=True)
    return np.sort(first)
