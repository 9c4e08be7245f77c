"""Apply a saved model to new patients: the same intake rules, named column problems, a safe CSV out.

The new file is read by :func:`imbalance_core.intake.read.read_table` exactly like training data (encodings,
decimal commas, NA markers, detection limits). Columns are then matched to the model's features:

* a feature column that is missing -> :class:`~imbalance_core.errors.DataError` naming it;
* extra columns -> a notice naming them; they are kept in the output but not used;
* a numeric feature that holds text -> DataError naming the column (cells are never quoted);
* missing values -> filled by the model's own imputation, counted in a notice;
* zeros in the columns where training read 0 as "not measured" (``ModelMetadata.zero_missing``) ->
  missing values as well, counted in a notice.

Output: the score and the decision at the saved threshold as the first columns, the 1-based input row
number (``model_input_row``) and the model file's export id (``model_id``), then the rows as read
(after intake cleaning).
:func:`csv_bytes` writes any export frame with spreadsheet-formula cells neutralised and a random export
id in every row, so two downloads never look alike (DESIGN.md pitfalls).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from imbalance_core.errors import DataError
from imbalance_core.evaluation.formatting import percent
from imbalance_core.intake.read import read_table
from imbalance_core.intake.task import zeros_to_missing
from imbalance_core.share.model_file import SavedModel, new_export_id

#: Output column names (prefixed so they do not clash with the patients' own columns).
SCORE_COLUMN = "model_score"
DECISION_COLUMN = "model_decision"
EXPORT_ID_COLUMN = "export_id"
#: The model file's export id in every prediction row, and the 1-based row number of the input file
#: (so predictions join back to patients even when the file has no ID column).
MODEL_ID_COLUMN = "model_id"
ROW_COLUMN = "model_input_row"
#: Characters that make a spreadsheet treat a cell as a formula.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"^[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$")


@dataclass(frozen=True)
class PredictionResult:
    """Predictions for one file of new patients.

    frame: the input rows (as read and cleaned) plus :data:`SCORE_COLUMN` (binary) or one
        ``model_score_<class>`` column per class, and :data:`DECISION_COLUMN` (class name).
    scores: positive-class score per row (binary) or the (n, k) probability matrix.
    decisions: class code per row.
    """

    frame: pd.DataFrame
    scores: np.ndarray
    decisions: np.ndarray
    threshold: float | None
    class_names: tuple[str, ...]
    notices: tuple[str, ...]
    n_rows: int

    @property
    def n_positive(self) -> int:
        """Rows called positive (binary models)."""
        return int(np.sum(self.decisions == 1))

    def summary(self) -> str:
        """One sentence for a person: rows scored and how many were called positive."""
        if self.threshold is None:
            counts = np.bincount(self.decisions, minlength=len(self.class_names))
            parts = ", ".join(f"{n} {name}" for name, n in zip(self.class_names, counts, strict=True))
            return f"Scored {plural(self.n_rows, 'patient')}: {parts}."
        verb = "has" if self.n_positive == 1 else "have"
        called = "is" if self.n_positive == 1 else "are"
        return (
            f"Scored {plural(self.n_rows, 'patient')}; {self.n_positive} {verb} a score at or above the "
            f"threshold {self.threshold:.4f} and {called} called '{self.class_names[1]}'."
        )


def plural(n: int, noun: str) -> str:
    """'1 patient', '2 patients': a count with its noun in the right number."""
    return f"{n:,} {noun}" if n == 1 else f"{n:,} {noun}s"


def _names(cols: list[str], limit: int = 8) -> str:
    shown = ", ".join(f"'{c}'" for c in cols[:limit])
    return shown + (f" and {len(cols) - limit} more" if len(cols) > limit else "")


def _category_text(col: pd.Series) -> pd.Series:
    """A categorical feature as text with NaN for missing; whole numbers without '.0' (1.0 -> '1')."""
    if pd.api.types.is_numeric_dtype(col) and not pd.api.types.is_bool_dtype(col):
        values = col.to_numpy(dtype=float)
        finite = values[np.isfinite(values)]
        if finite.size and np.all(np.mod(finite, 1) == 0):
            text = col.astype("Int64").astype(str)
        else:
            text = col.astype(str)
        return text.where(col.notna(), np.nan).astype(object)
    return col.astype(object).where(col.notna(), np.nan)


def features_for_model(frame: pd.DataFrame, saved: SavedModel) -> tuple[pd.DataFrame, tuple[str, ...]]:
    """The model's feature columns from ``frame``, typed as in training, plus notices.

    Raises DataError naming missing columns or numeric features that hold text.
    """
    meta = saved.metadata
    present = [str(c) for c in frame.columns]
    missing = [c for c in meta.feature_names if c not in present]
    if missing:
        what = (
            f"the column {_names(missing)} that the model needs"
            if len(missing) == 1
            else f"{len(missing)} columns the model needs: {_names(missing)}"
        )
        raise DataError(f"The file lacks {what}. Use the same column names as the training data.")
    notices: list[str] = []
    extra = [c for c in present if c not in meta.feature_names]
    if extra:
        notices.append(
            f"Columns not used by the model (kept in the output, ignored for scoring): {_names(extra)}."
        )
    wrong = [c for c in meta.feature_names
             if meta.feature_types.get(c) == "numeric" and not pd.api.types.is_numeric_dtype(frame[c])
             and frame[c].notna().any()]  # fmt: skip
    if wrong:
        raise DataError(
            f"These columns should hold numbers but hold text: {_names(wrong)}. "
            "Check the file's decimal mark and that the columns are the right ones."
        )
    columns = {  # built at once: image models have thousands of feature columns
        c: pd.to_numeric(frame[c], errors="coerce").astype("float64")
        if meta.feature_types.get(c) == "numeric"
        else _category_text(frame[c])
        for c in meta.feature_names
    }
    X = pd.DataFrame(columns, index=frame.index)
    X, zero_notice = apply_zero_missing(X, meta.zero_missing)
    notices += zero_notice
    unseen = unseen_categories(saved, X)
    if unseen:
        shown = ", ".join(f"'{c}' ({n})" for c, n in unseen.items())
        notices.append(
            f"Some text values were never seen in training and count as 'none of the known "
            f"categories': {shown} cells."
        )
    n_missing = {c: int(n) for c, n in X.isna().sum().items() if n}
    if n_missing:
        shown = ", ".join(f"'{c}' ({n})" for c, n in list(n_missing.items())[:8])
        notices.append(
            f"Missing values were filled the way the model was trained to (median / most frequent): {shown}."
        )
    return X, tuple(notices)


def apply_zero_missing(X: pd.DataFrame, columns: tuple[str, ...]) -> tuple[pd.DataFrame, list[str]]:
    """Zeros in the model's ``zero_missing`` columns become missing values, as they did in training.

    Returns the features and a notice with the counts (none when the model has no such columns).
    """
    cols = tuple(c for c in columns if c in X.columns)
    if not cols:
        return X, []
    X, counts = zeros_to_missing(X, cols)
    shown = ", ".join(f"'{c}' ({n})" for c, n in counts.items())
    return X, [
        f"Zeros read as 'not measured', as in training, and filled like missing values: {shown} cells."
    ]


def known_categories(saved: SavedModel) -> dict[str, set[str]]:
    """Column -> categories the model's encoder learned (empty when the pipeline has no such encoder)."""
    pipe = saved.pipeline
    pre = pipe.named_steps.get("preprocess") if hasattr(pipe, "named_steps") else None
    out: dict[str, set[str]] = {}
    for _name, transformer, columns in getattr(pre, "transformers_", ()):
        steps = getattr(transformer, "steps", None) or [(None, transformer)]
        coder = steps[-1][1]
        cats = getattr(coder, "categories_", None)
        if cats is None or not isinstance(columns, list) or len(columns) != len(cats):
            continue
        for col, values in zip(columns, cats, strict=True):
            out[str(col)] = {str(v) for v in values}
    return out


def unseen_categories(saved: SavedModel, X: pd.DataFrame) -> dict[str, int]:
    """Categorical column -> number of cells whose value the model never saw in training."""
    found: dict[str, int] = {}
    for col, known in known_categories(saved).items():
        if col in X.columns:
            values = X[col].dropna().astype(str)
            n = int((~values.isin(known)).sum())
            if n:
                found[col] = n
    return found


def predict_frame(saved: SavedModel, frame: pd.DataFrame, notices: tuple[str, ...] = ()) -> PredictionResult:
    """Score an already-read table of new patients (see :func:`predict_file`)."""
    if len(frame) == 0:
        raise DataError("The file has no patients to score.")
    X, found = features_for_model(frame, saved)
    names = saved.metadata.class_names
    try:
        scores = saved.scores(X)
        decisions = saved.decisions(X)
    except ValueError:
        raise DataError(
            "The model could not score these patients; check the columns hold the same kind of "
            "values as in the training data."
        ) from None
    out = results_first(frame, scores, np.asarray(names, dtype=object)[decisions], names)
    at = out.columns.get_loc(DECISION_COLUMN) + 1
    out.insert(at, ROW_COLUMN, np.arange(1, len(out) + 1))
    out.insert(at + 1, MODEL_ID_COLUMN, saved.metadata.export_id)
    return PredictionResult(
        frame=out,
        scores=scores,
        decisions=decisions,
        threshold=saved.metadata.threshold,
        class_names=names,
        notices=tuple(notices) + found,
        n_rows=len(out),
    )


def results_first(
    frame: pd.DataFrame, scores: np.ndarray, decisions: np.ndarray, names: tuple[str, ...]
) -> pd.DataFrame:
    """``frame`` with the score column(s) and the decision as its first (leftmost) columns.

    Why first: a wide patients' table pushed them off-screen on the right. Input columns that happen to
    carry the same names are replaced, as before.
    """
    front = pd.DataFrame(index=frame.index)
    if scores.ndim == 1:
        front[SCORE_COLUMN] = scores
    else:
        for c, name in enumerate(names):
            front[f"{SCORE_COLUMN}_{name}"] = scores[:, c]
    front[DECISION_COLUMN] = decisions
    rest = frame.drop(columns=[c for c in front.columns if c in frame.columns])
    return pd.concat([front, rest], axis=1)


#: Columns of the patients' file shown on screen beside the results: the ones the model did not read
#: (identifiers such as a patient number), at most this many; the download has every column.
MAX_SCREEN_EXTRA = 3


@dataclass(frozen=True)
class ScreenTable:
    """The predictions as a person reads them on screen: narrow enough not to scroll sideways.

    frame: score(s) and decision first (as in the download), the row number in the file, then the
        patient's own identifying columns (the ones the model did not read, at most
        :data:`MAX_SCREEN_EXTRA`); column names as in the download.
    headers: column name -> the header shown for it; the decision's header states the threshold.
    note: one sentence under the table saying what it shows, what is left for the download, and the
        spread of the scores (it does not repeat the count of flagged patients said above it).
    """

    frame: pd.DataFrame
    headers: dict[str, str]
    note: str


#: The on-screen column that names, per patient, the values filled in or never seen in training.
FLAGS_COLUMN = "model_input_flags"


def input_flags(saved: SavedModel, frame: pd.DataFrame) -> pd.Series:
    """Per row of ``frame``: which of the model's inputs were filled in (missing, or a zero read as "not
    measured") and which text values the model never saw in training, e.g. ``"filled: ALT; unknown: Sex"``;
    ``""`` for a row scored on its own values.

    Why: the notices count such cells per column; a person deciding about one patient needs to know
    whether that patient's score rests on values the model made up.
    """
    X, _ = features_for_model(frame, saved)
    filled = X.isna()
    unknown = pd.DataFrame(False, index=X.index, columns=X.columns)
    for col, known in known_categories(saved).items():
        if col in X.columns:
            unknown[col] = X[col].notna() & ~X[col].astype(str).isin(known)
    names = np.asarray([str(c) for c in X.columns], dtype=object)

    def _one(f_row: np.ndarray, u_row: np.ndarray) -> str:
        parts = []
        if f_row.any():
            parts.append("filled: " + ", ".join(names[f_row]))
        if u_row.any():
            parts.append("unknown: " + ", ".join(names[u_row]))
        return "; ".join(parts)

    both = np.hstack([filled.to_numpy(), unknown.to_numpy()])
    k = filled.shape[1]
    texts = np.full(len(X), "", dtype=object)
    rows = np.flatnonzero(both.any(axis=1)) if both.size else np.array([], dtype=int)
    # one sentence per distinct pattern, not per row (100,000 rows share a handful of patterns)
    said: dict[bytes, str] = {}
    for i, key in zip(rows, np.packbits(both[rows], axis=1), strict=True):
        tag = key.tobytes()
        if tag not in said:
            said[tag] = _one(both[i, :k], both[i, k:])
        texts[i] = said[tag]
    return pd.Series(texts, index=frame.index, dtype=object)


def screen_table(result: PredictionResult, saved: SavedModel) -> ScreenTable:
    """The on-screen table of ``result`` (see :class:`ScreenTable`).

    Why: the full frame (scores, decision, row, model id, every input column) is 17 columns wide for the
    bundled HCV file and scrolled sideways at 1,400 px, cutting the decision's text. The model's own
    features are what the person uploaded; the download keeps them.
    """
    frame = result.frame
    own = {SCORE_COLUMN, DECISION_COLUMN, ROW_COLUMN, MODEL_ID_COLUMN}
    score_cols = [c for c in frame.columns if c == SCORE_COLUMN or str(c).startswith(f"{SCORE_COLUMN}_")]
    features = set(saved.metadata.feature_names)
    rest = [c for c in frame.columns if c not in own and c not in score_cols]
    extra = [c for c in rest if str(c) not in features]
    shown_extra = extra[:MAX_SCREEN_EXTRA]
    binary = result.threshold is not None
    headers: dict[str, str] = {}
    if binary:
        headers[SCORE_COLUMN] = f"Score ('{result.class_names[1]}')"
        headers[DECISION_COLUMN] = f"Decision (positive at or above {result.threshold:.4f})"
    else:
        headers.update({str(c): f"Probability {str(c)[len(SCORE_COLUMN) + 1 :]}" for c in score_cols})
        headers[DECISION_COLUMN] = "Most probable class"
    headers[ROW_COLUMN] = "Row in file"
    table = frame[[*score_cols, DECISION_COLUMN, ROW_COLUMN, *shown_extra]].copy()
    flags = input_flags(saved, frame)
    n_flagged_rows = int((flags != "").sum())
    if n_flagged_rows:  # beside the decision it qualifies
        table.insert(len(score_cols) + 1, FLAGS_COLUMN, flags)
        headers[FLAGS_COLUMN] = "Values filled in or unknown"
    what = (
        "Each row is one patient: the score and the decision at the saved threshold, and its row in the file"
        if binary
        else "Each row is one patient: the probability of each class, the most probable class, and its row "
        "in the file"
    )
    if shown_extra:
        what += f", with the file's own {_names([str(c) for c in shown_extra])}"
    what += "."
    scores = np.asarray(result.scores, dtype=float)
    finite = scores[np.isfinite(scores)] if scores.ndim == 1 else np.array([])
    if binary and result.n_rows:  # the share is what the count above the table does not say
        what += (
            f" {result.n_positive:,} of {plural(result.n_rows, 'patient')} "
            f"({percent(result.n_positive / result.n_rows)}) are flagged"
        )
        what += (
            f"; scores run from {finite.min():.3g} to {finite.max():.3g} (median {np.median(finite):.3g})."
            if finite.size
            else "."
        )
    if n_flagged_rows:
        what += (
            f" The score of {plural(n_flagged_rows, 'patient')} rests partly on values filled in or never "
            "seen in training (named per patient)."
        )
    if len(rest) > len(shown_extra):
        what += f" The download has all {len(frame.columns):,} columns, the patients' values too."
    return ScreenTable(frame=table.reset_index(drop=True), headers=headers, note=what)


def predict_file(
    saved: SavedModel, source: bytes | str | os.PathLike, name: str | None = None
) -> PredictionResult:
    """Read a new patients' CSV (same intake as training) and score it with ``saved``.

    Raises
    ------
    DataError
        The file cannot be read, lacks model columns, or a numeric column holds text.
    """
    table = read_table(source, name=name)
    notices = tuple(n for n in table.notices[1:])  # the first notice only says rows/columns read
    return predict_frame(saved, table.frame, notices)


# --------------------------------------------------------------------------- safe CSV export


def neutralise_cell(value: object) -> object:
    """A text cell a spreadsheet would run as a formula gets a leading apostrophe; numbers stay."""
    if not isinstance(value, str) or not value.startswith(FORMULA_START):
        return value
    if _PLAIN_NUMBER.match(value.strip()):
        return value
    return "'" + value


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy with every text cell (and text column name) neutralised against formula injection."""
    out = frame.copy()
    for col in out.columns:
        if not (pd.api.types.is_numeric_dtype(out[col]) or pd.api.types.is_bool_dtype(out[col])):
            out[col] = out[col].map(neutralise_cell, na_action="ignore")
    out.columns = [neutralise_cell(str(c)) for c in out.columns]
    return out


def csv_bytes(frame: pd.DataFrame, export_id: str | None = None) -> bytes:
    """UTF-8 CSV of ``frame`` with formula cells neutralised and an ``export_id`` column (unique download)."""
    out = safe_frame(frame)
    out[EXPORT_ID_COLUMN] = export_id or new_export_id()
    return out.to_csv(index=False, float_format="%.10g").encode("utf-8")


def export_file_name(stem: str, export_id: str, extension: str) -> str:
    """``<stem>-<export id>.<ext>``: every download gets its own name."""
    return f"{stem}-{export_id}{extension}"
