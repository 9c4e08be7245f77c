"""Columns that may be recorded after the outcome: a model that uses them predicts nothing at the bedside.

A follow-up export carries ``time`` (days until death or censoring), a hospital export
``length_of_stay`` or ``discharge_disposition``: they are known only once the outcome has happened,
yet they predict it almost by themselves. Nothing in the numbers says "after"; two signs do:

* the name (:data:`AFTER_WORDS`, :data:`AFTER_PHRASES`): time, duration, days, follow-up, length of
  stay, discharge, death date, survival;
* the behaviour: the column alone separates the classes with a cross-validated AUC above
  :data:`MAX_SINGLE_AUC` (binary tasks, numeric columns). Cheap: the rank AUC of the raw column, its
  direction learned on the other folds (no model is fitted).

Such a column is flagged with the reason, not excluded: it may also be a strong, legitimate predictor.
The person excludes it with one click (Data page) or ``--exclude COL``; the report lists it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

#: Name words (split at non-letters and camel case) of a column recorded after the outcome.
AFTER_WORDS = frozenset(
    {"time", "duration", "days", "followup", "fu", "los", "discharge", "discharged", "survival", "censored"}
)
#: Word pairs that say the same ("follow up", "length of stay", "death date", "date of death").
AFTER_PHRASES = (("follow", "up"), ("length", "stay"), ("death", "date"), ("date", "death"), ("time", "to"))
#: A column alone reaching this cross-validated AUC is flagged.
MAX_SINGLE_AUC = 0.9
#: Folds of the single-column check; rows per class it needs at least.
FOLDS = 5
MIN_PER_CLASS = 10
#: Cost caps: rows sampled for the AUC check, and above this many numeric columns (image features) the
#: check is by name only.
MAX_ROWS = 20_000
MAX_COLUMNS = 300


@dataclass(frozen=True)
class AfterOutcome:
    """A column that may be recorded after the outcome and why it was flagged.

    by_name: its name reads like follow-up time, length of stay, discharge ...; auc: its cross-validated
    single-column AUC when that was computed (NaN otherwise).
    """

    column: str
    by_name: bool
    auc: float

    @property
    def reason(self) -> str:
        """Why, in words (no cell value quoted)."""
        parts = []
        if self.by_name:
            parts.append("its name reads like follow-up time, length of stay, discharge or survival")
        if np.isfinite(self.auc) and self.auc > MAX_SINGLE_AUC:
            parts.append(f"on its own it separates the classes with a cross-validated AUC of {self.auc:.2f}")
        return " and ".join(parts)

    @property
    def text(self) -> str:
        """One sentence for the Data page, the profile and the report."""
        return (
            f"Column '{self.column}' may be recorded after the outcome: {self.reason}. A model using it "
            "cannot be used before the outcome is known; exclude it unless it is measured at the time of "
            f"the decision (command line: --exclude {self.column})."
        )


def _words(name: str) -> list[str]:
    spaced = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", str(name))
    return [w for w in re.split(r"[^A-Za-z]+", spaced.casefold()) if w]


def named_after_outcome(name: str) -> bool:
    """True for names such as time, follow_up_days, LengthOfStay, death_date, survival_months."""
    words = _words(name)
    if any(w in AFTER_WORDS for w in words):
        return True
    return any(a in words and b in words[words.index(a) + 1 :] for a, b in AFTER_PHRASES)


def rank_auc(values: np.ndarray, y: np.ndarray) -> float:
    """AUC of ``values`` as a score for ``y == 1`` (ties count half), from ranks; NaN without both classes."""
    pos = y == 1
    n_pos, n_neg = int(pos.sum()), int((~pos).sum())
    if n_pos == 0 or n_neg == 0:
        return float("nan")
    # average ranks of ties (scipy.stats.rankdata's default) from pandas: scipy.stats costs ~1 s to import
    # and this runs on the Data page's first draw
    ranks = pd.Series(values).rank(method="average").to_numpy()
    return float((ranks[pos].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


def single_column_auc(values: np.ndarray, y: np.ndarray, seed: int = 0) -> float:
    """Cross-validated AUC of one numeric column on its own (missing values left out).

    Per fold the direction (high or low values mean positive) is learned on the other folds, then the
    rank AUC is taken on the held-out fold; the folds' AUCs are averaged. NaN when a class has fewer
    than :data:`MIN_PER_CLASS` rows with a value.
    """
    keep = ~np.isnan(values)
    values, y = values[keep], y[keep]
    if min(int((y == 1).sum()), int((y == 0).sum())) < MIN_PER_CLASS:
        return float("nan")
    whole = rank_auc(values, y)
    if max(whole, 1 - whole) < MAX_SINGLE_AUC - 0.05:  # far from the line: no need to cross-validate
        return max(whole, 1 - whole)
    rng = np.random.default_rng(seed)
    fold = np.empty(len(y), dtype=np.int64)
    for c in (0, 1):  # stratified folds
        rows = rng.permutation(np.flatnonzero(y == c))
        fold[rows] = np.arange(len(rows)) % FOLDS
    aucs = []
    for k in range(FOLDS):
        train, test = fold != k, fold == k
        if len(np.unique(y[test])) < 2:
            continue
        sign = 1.0 if rank_auc(values[train], y[train]) >= 0.5 else -1.0
        aucs.append(rank_auc(sign * values[test], y[test]))
    return float(np.mean(aucs)) if aucs else float("nan")


def after_outcome_columns(
    X: pd.DataFrame, y: np.ndarray, numeric: tuple[str, ...]
) -> tuple[AfterOutcome, ...]:
    """Feature columns of ``X`` that may be recorded after the outcome, by name or behaviour.

    The AUC check runs for numeric columns of a binary task; multi-class tasks are judged by name only.
    """
    y = np.asarray(y)
    binary = len(y) > 0 and int(y.max()) == 1 and len(numeric) <= MAX_COLUMNS
    rows = np.arange(len(y))
    if len(rows) > MAX_ROWS:
        rows = np.sort(np.random.default_rng(0).choice(len(y), MAX_ROWS, replace=False))
    found = []
    for name in X.columns:
        by_name = named_after_outcome(str(name))
        auc = float("nan")
        if binary and str(name) in numeric:
            auc = single_column_auc(X[name].to_numpy(dtype="float64")[rows], y[rows])
        if by_name or (np.isfinite(auc) and auc > MAX_SINGLE_AUC):
            found.append(AfterOutcome(str(name), by_name, auc))
    return tuple(found)
