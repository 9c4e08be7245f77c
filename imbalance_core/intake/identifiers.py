"""ID columns that repeat: several rows of one patient (encounters, visits, admissions).

A hospital export often has one row per encounter and a patient number that repeats
(``patient_nbr`` in the diabetes data: 71,518 patients in 101,766 rows). Such a column must not be a
feature (it is an arbitrary code), and a random split would put one patient's encounters on both
sides of the hold-out and of every CV fold, so the model is judged partly on patients it has seen.
This module finds those columns and turns them into group codes, so training can split by patient.

A column counts as a repeating ID when it has no fractional numbers, at least two rows share a value,
its name does not read like a measurement (:data:`MEASUREMENT_WORDS`: a lab value such as
``creatinine_phosphokinase`` takes whole numbers, 70 % of them distinct, and is no patient), and either

* its name reads like an identifier (``patient_nbr``, ``subject id``, ``MRN``, ``encounter``...) and
  it has many distinct values (at least :data:`NAMED_MIN_SHARE` of its rows), or
* it behaves like one whatever its name (a *guess*, :attr:`RepeatedId.guessed`, shown as such and
  undone with one click): text codes, most of them distinct (at least :data:`UNNAMED_MIN_SHARE`), or
  whole numbers that are nearly all distinct (at least :data:`UNNAMED_NUMBER_SHARE`) and all written
  with the same number of digits (at least :data:`ID_MIN_DIGITS`), like a record number. A count or a
  lab value spreads over several digit lengths and has an order that means something.

Unique columns (one row each, e.g. ``encounter_id``) are not groupings; ``intake.task`` already
excludes them as row numbers. Rows whose ID is missing cannot be matched to anyone: each becomes a
group of its own (said in :attr:`RepeatedId.text`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

#: Words (after splitting the column name on non-letters and camel case) that name an identifier.
ID_WORDS = frozenset(
    {
        "id",
        "ids",
        "nbr",
        "no",
        "num",
        "number",
        "mrn",
        "patient",
        "patientid",
        "subject",
        "person",
        "pid",
        "identifier",
        "key",
        "code",
        "encounter",
        "admission",
        "record",
    }
)
#: Words that name a measured quantity: such a column is never read as an ID, whatever its values.
MEASUREMENT_WORDS = frozenset(
    {
        "level", "levels", "serum", "plasma", "blood", "urine", "creatinine", "phosphokinase", "cpk",
        "platelets", "platelet", "sodium", "potassium", "glucose", "cholesterol", "pressure", "rate",
        "fraction", "count", "age", "weight", "height", "bmi", "dose", "mg", "ml", "mmol", "units",
        "score", "index", "ratio", "time", "days", "duration", "size", "volume",
    }
)  # fmt: skip
#: Words that, next to an ID word, name a count or a measurement rather than a person.
NOT_ID_WORDS = frozenset({"of", "count", "visits", "procedures", "medications", "diagnoses", "lab"})
#: A named ID column needs at least this share of distinct values among its non-missing rows.
NAMED_MIN_SHARE = 0.05
#: An unnamed text column needs at least this share of distinct values to be read as an ID.
UNNAMED_MIN_SHARE = 0.5
#: An unnamed column of whole numbers needs at least this share of distinct values, and every value
#: written with the same number of digits (at least ID_MIN_DIGITS), to be read as an ID.
UNNAMED_NUMBER_SHARE = 0.9
ID_MIN_DIGITS = 4
#: Fewer rows than this: no ID detection (too little to tell a code from a value).
MIN_ROWS = 20


@dataclass(frozen=True)
class RepeatedId:
    """One column whose values repeat across rows like a patient number.

    rows: rows of the table; groups: distinct IDs; missing: rows without an ID (each its own group);
    largest: rows of the most frequent ID; reason: why the column was read as an ID.
    """

    column: str
    rows: int
    groups: int
    missing: int
    largest: int
    reason: str
    guessed: bool = False

    @property
    def text(self) -> str:
        """One sentence for the Data page and the profile: what repeats and what training does."""
        out = (
            f"{self.column} repeats: {self.groups:,} patients, {self.rows:,} rows — split by patient "
            "(a patient's rows all go to the training part or all to the test part, and to one CV fold)."
        )
        if self.guessed:
            out += (
                f" This is a guess from its values ({self.reason}); if {self.column} is not a patient ID, "
                f"use it as a feature instead (command line: --include {self.column})."
            )
        if self.missing:
            out += f" {self.missing:,} rows have no {self.column}; each counts as a patient of its own."
        return out


def _name_words(name: str) -> list[str]:
    spaced = re.sub(r"([a-z])([A-Z])", r"\1 \2", name)
    return [w for w in re.split(r"[^A-Za-z]+", spaced.casefold()) if w]


def _named_like_id(name: str) -> bool:
    """True for names such as patient_nbr, SubjectID, mrn, "Patient no" (not "num_procedures")."""
    words = _name_words(name)
    return bool(words) and any(w in ID_WORDS for w in words) and not any(w in NOT_ID_WORDS for w in words)


def _named_like_measurement(name: str) -> bool:
    """True for names of measured values (creatinine_phosphokinase, serum_sodium, age, ejection_fraction)."""
    return any(w in MEASUREMENT_WORDS for w in _name_words(name))


def _fixed_width_numbers(values: pd.Series) -> bool:
    """Whole numbers >= 0 all written with the same number of digits, at least ID_MIN_DIGITS."""
    if not pd.api.types.is_numeric_dtype(values):
        return False
    numbers = values.to_numpy(dtype=float)
    if len(numbers) == 0 or np.any(numbers < 0):
        return False
    digits = np.floor(np.log10(np.maximum(numbers, 1))).astype(np.int64) + 1
    return bool(digits.min() == digits.max() and digits.min() >= ID_MIN_DIGITS)


def _id_values(col: pd.Series) -> pd.Series | None:
    """The non-missing values if the column can hold IDs (text or whole numbers), else None."""
    present = col.dropna()
    if pd.api.types.is_bool_dtype(col):
        return None
    if pd.api.types.is_numeric_dtype(col):
        values = present.to_numpy(dtype=float)
        if len(values) and np.any(np.mod(values[:2000], 1) != 0):
            return None
        if len(values) and np.any(np.mod(values, 1) != 0):
            return None
    return present


def repeated_id(col: pd.Series, name: str) -> RepeatedId | None:
    """The column read as a repeating ID, or None (unique, a measurement, too few distinct values)."""
    n = len(col)
    if n < MIN_ROWS:
        return None
    values = _id_values(col)
    if values is None or len(values) < 2:
        return None
    counts = values.value_counts(sort=False)
    distinct = len(counts)
    if distinct == len(values):  # one row each: a row number, not a grouping
        return None
    share = distinct / len(values)
    guessed = False
    if _named_like_measurement(name) and not _named_like_id(name):
        return None
    if _named_like_id(name) and share >= NAMED_MIN_SHARE:
        reason = f"its name reads like an identifier and {share:.0%} of its values are distinct"
    elif pd.api.types.is_numeric_dtype(values):
        if share < UNNAMED_NUMBER_SHARE or not _fixed_width_numbers(values):
            return None
        reason = (
            f"{share:.0%} of its values are distinct, all whole numbers of the same length, yet some "
            "repeat, like a record number"
        )
        guessed = True
    elif share >= UNNAMED_MIN_SHARE:
        reason = f"{share:.0%} of its text codes are distinct, yet some repeat, like a patient number"
        guessed = True
    else:
        return None
    return RepeatedId(
        column=name,
        rows=n,
        groups=distinct,
        missing=n - len(values),
        largest=int(counts.max()),
        reason=reason,
        guessed=guessed,
    )


def find_repeated_ids(frame: pd.DataFrame, label: str | None = None) -> tuple[RepeatedId, ...]:
    """Every repeating ID column of ``frame`` (the label excluded), most groups first.

    Cheap checks first: a float column with fractions or a text column with few distinct values in
    its first rows is ruled out without hashing the whole column.
    """
    found = []
    for name in frame.columns:
        if name == label:
            continue
        col = frame[name]
        head = col.iloc[:2000].dropna()
        if len(head) >= 200 and head.nunique() < NAMED_MIN_SHARE * len(head):
            continue
        hit = repeated_id(col, str(name))
        if hit is not None:
            found.append(hit)
    return tuple(sorted(found, key=lambda r: -r.groups))


def group_codes(col: pd.Series) -> np.ndarray:
    """Integer group per row (0..g-1); a missing ID gets a fresh group of its own (never shared)."""
    codes, _ = pd.factorize(col, use_na_sentinel=True)
    codes = codes.astype(np.int64)
    missing = codes < 0
    if missing.any():
        start = int(codes.max()) + 1 if (~missing).any() else 0
        codes[missing] = start + np.arange(int(missing.sum()))
    return codes


#: Column name of the 1-based input row number in exports of a file without an ID column.
ROW_NUMBER_COLUMN = "row"


def id_column(data: object) -> str | None:
    """The column that names a patient in exports: the first repeating ID, else a unique ID-like column
    (one row each, excluded as a row number or patient ID), preferring one named like an ID; else None."""
    repeated = getattr(data, "repeated_ids", ())
    if repeated:
        return repeated[0].column
    unique = [
        c for c, why in getattr(data, "excluded", {}).items() if str(why).startswith("unique in every row")
    ]
    named = [c for c in unique if _named_like_id(c)]
    return (named or unique or [None])[0]


def join_key(frame: pd.DataFrame | None, data: object, positions: np.ndarray) -> tuple[str, np.ndarray]:
    """(column name, values) that join rows of ``data`` at ``positions`` back to the input file.

    The file's ID column (:func:`id_column`) when there is one and ``frame`` (the table as read) is given;
    else :data:`ROW_NUMBER_COLUMN` with the 1-based row number of the input (header not counted).
    """
    positions = np.asarray(positions, dtype=np.int64)
    source = getattr(data, "source_rows", None)
    rows = positions if source is None else np.asarray(source, dtype=np.int64)[positions]
    column = id_column(data)
    if column is not None and frame is not None and column in frame.columns:
        return column, frame[column].to_numpy()[rows]
    return ROW_NUMBER_COLUMN, rows + 1
