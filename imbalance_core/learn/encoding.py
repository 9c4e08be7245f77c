"""Encoding of text (categorical) features, with rare levels grouped when a column has very many.

Most categorical columns have a handful of levels and are one-hot coded as they are. A column of codes
(ICD-9 ``diag_1`` in the diabetes data: 716 codes) would become hundreds of mostly-empty columns:
slow to fit, slow for SMOTE-NC's neighbour search, and a model that learns noise from codes seen
a few times. A column with more than :data:`MAX_LEVELS` levels therefore keeps its
``MAX_LEVELS - 1`` most frequent levels (counted on the rows the encoder is fitted on: the training
fold, never the hold-out) and groups every other level into one "other" column — scikit-learn's
``max_categories`` ("infrequent" categories). Target-free: no label is used to choose the levels.
Columns with at most ``MAX_LEVELS`` levels are coded exactly as before.

Codes never seen in training map to the "other" column when the column has one, else to all zeros.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from sklearn.preprocessing import OneHotEncoder, OrdinalEncoder

#: A categorical column with more levels than this keeps the most frequent MAX_LEVELS - 1 and "other".
MAX_LEVELS = 30


def category_coder(raw_categories: bool, group_rare: bool = False) -> OneHotEncoder | OrdinalEncoder:
    """The encoder of the preprocessing step.

    raw_categories: the sampler needs categories as codes (SMOTE-NC / SMOTE-N): ordinal codes (one-hot
    coding follows after the sampler); else one-hot columns.
    group_rare: for the many-valued columns only (:func:`many_valued`): rare levels share one code or
    column. Only those columns get it because counting levels for ``max_categories`` is slow in
    scikit-learn (a Python loop over every cell: 0.7 s per 76,000-row column).
    """
    limit = MAX_LEVELS if group_rare else None
    if raw_categories:
        return OrdinalEncoder(handle_unknown="use_encoded_value", unknown_value=-1, max_categories=limit)
    unknown = "infrequent_if_exist" if group_rare else "ignore"
    return OneHotEncoder(handle_unknown=unknown, sparse_output=False, max_categories=limit)


def many_valued(X: pd.DataFrame, categorical: tuple[str, ...] | list[str]) -> list[str]:
    """The categorical columns with more than :data:`MAX_LEVELS` levels (target-free: counts only)."""
    return [str(name) for name in categorical if X[name].nunique() > MAX_LEVELS]


@dataclass(frozen=True)
class GroupedColumn:
    """A categorical column whose rare levels are grouped: levels in the data, columns after coding."""

    column: str
    levels: int
    columns: int

    @property
    def grouped(self) -> int:
        """Levels that share the "other" column."""
        return self.levels - (self.columns - 1)

    @property
    def text(self) -> str:
        """One line for the training summary."""
        return (
            f"{self.column}: {self.levels:,} codes -> {self.columns} columns, {self.grouped:,} rare codes "
            "grouped as 'other' (the most frequent codes of the training part are kept)."
        )


def grouped_columns(X: pd.DataFrame, categorical: tuple[str, ...] | list[str]) -> tuple[GroupedColumn, ...]:
    """The categorical columns of ``X`` that get rare levels grouped, with their level counts."""
    out = []
    for name in categorical:
        levels = int(X[name].nunique())
        if levels > MAX_LEVELS:
            out.append(GroupedColumn(str(name), levels, MAX_LEVELS))
    return tuple(out)


def encoding_notice(X: pd.DataFrame, categorical: tuple[str, ...] | list[str]) -> str | None:
    """The sentence saying which columns had rare codes grouped, or None."""
    grouped = grouped_columns(X, categorical)
    if not grouped:
        return None
    return "Many-valued text columns: " + " ".join(g.text for g in grouped)
