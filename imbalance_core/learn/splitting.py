"""Splits that keep each patient's rows together (grouped, stratified).

When an ID column repeats (several encounters per patient, see
:mod:`imbalance_core.intake.identifiers`), a row-wise split puts one patient on both sides and the
test score flatters the model. Here the hold-out and the CV folds put whole patients on one side, and
the class shares of each side stay close to the whole (as close as whole patients allow).

How (:func:`group_folds`): patients are sorted into "kinds" by their class counts (one negative row;
two rows, one positive; ...). The patients of each kind are shuffled with the seed and dealt evenly
over the folds; the few left over go to the folds with the fewest rows of that kind's rarest class.
Kinds are dealt largest patients first, so one huge patient cannot unbalance a fold at the end.
This is the idea of scikit-learn's ``StratifiedGroupKFold`` in vectorised form: that class loops over
patients one by one and took 25 s for the 71,518 patients of the diabetes data; this takes
milliseconds. One seed gives the same split.

The hold-out is the first of ``round(1 / test_size)`` grouped folds, so its share is
``1 / round(1 / test_size)`` (0.25 -> 1/4, 0.2 -> 1/5, 0.3 -> 1/3); :func:`holdout_share` says which.

Exact duplicate rows (every feature and the label equal; ``PreparedData.duplicate_groups``) are kept
together too: each set of copies is one group. Without a patient ID that is all (:func:`copies_holdout`,
:func:`copies_folds`: scikit-learn's stratified split over one row per set of copies, then the copies
follow; a file without duplicates splits exactly as a plain stratified split). With a patient ID the two
groupings are joined (:func:`joined_groups`): rows of one patient or copies of one row never part.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components
from sklearn.model_selection import StratifiedKFold, train_test_split

from imbalance_core.errors import DataError


def holdout_share(test_size: float) -> float:
    """The test share a grouped hold-out really uses for ``test_size`` (1 / a whole number of folds)."""
    return 1.0 / max(2, round(1.0 / test_size))


def group_folds(y: np.ndarray, groups: np.ndarray, n_splits: int, seed: int) -> np.ndarray:
    """Fold number (0..n_splits-1) per row: every row of a group in one fold, classes spread evenly."""
    y = np.asarray(y, dtype=np.int64)
    codes, uniques = pd.factorize(np.asarray(groups))
    n_groups, n_classes = len(uniques), int(y.max()) + 1 if len(y) else 1
    counts = np.zeros((n_groups, n_classes), dtype=np.int64)
    np.add.at(counts, (codes, y), 1)
    kinds, kind_of = np.unique(counts, axis=0, return_inverse=True)
    kind_of = kind_of.ravel()
    rng = np.random.default_rng(seed)
    order = rng.permutation(n_groups)
    order = order[np.argsort(kind_of[order], kind="stable")]  # by kind, shuffled within a kind
    bounds = np.searchsorted(kind_of[order], np.arange(len(kinds) + 1))
    totals = np.maximum(counts.sum(axis=0), 1)
    tie_break = rng.permutation(n_splits)
    fold_class = np.zeros((n_splits, n_classes), dtype=np.int64)
    fold_rows = np.zeros(n_splits, dtype=np.int64)
    fold_of_group = np.empty(n_groups, dtype=np.int64)
    sizes = kinds.sum(axis=1)
    for kind in np.argsort(-sizes, kind="stable"):
        members = order[bounds[kind] : bounds[kind + 1]]
        base, extra = divmod(len(members), n_splits)
        rarest = int(np.argmax(kinds[kind] / totals))
        rank = np.lexsort((tie_break, fold_rows, fold_class[:, rarest]))
        take = np.full(n_splits, base, dtype=np.int64)
        take[rank[:extra]] += 1
        fold_of_group[members] = np.repeat(np.arange(n_splits), take)
        fold_class += take[:, None] * kinds[kind][None, :]
        fold_rows += take * sizes[kind]
    return fold_of_group[codes]


def grouped_holdout(
    y: np.ndarray, groups: np.ndarray, test_size: float, seed: int
) -> tuple[np.ndarray, np.ndarray]:
    """Sorted row positions (train, test); no group on both sides; classes stratified by whole groups."""
    n_splits = max(2, round(1.0 / test_size))
    if len(np.unique(groups)) < n_splits:
        raise DataError(
            "There are too few different patients to split off a test set by patient; "
            "turn off 'split by patient' or use a larger file."
        )
    fold = group_folds(y, groups, n_splits, seed)
    test_idx, train_idx = np.flatnonzero(fold == 0), np.flatnonzero(fold != 0)
    n_classes = len(np.unique(y))
    if len(np.unique(y[test_idx])) < n_classes or len(np.unique(y[train_idx])) < n_classes:
        raise DataError(
            "Split by patient leaves a class without patients on one side; "
            "turn off 'split by patient' or choose another seed."
        )
    return train_idx, test_idx


def grouped_folds(
    y: np.ndarray, groups: np.ndarray, cv: int, seed: int
) -> tuple[tuple[np.ndarray, np.ndarray], ...]:
    """(fit, validation) positions into ``y`` for ``cv`` grouped stratified folds."""
    if len(np.unique(groups)) < cv:
        raise DataError(
            f"There are fewer different patients than the {cv} folds; choose fewer folds "
            "or turn off 'split by patient'."
        )
    fold = group_folds(y, groups, cv, seed)
    out = tuple((np.flatnonzero(fold != k), np.flatnonzero(fold == k)) for k in range(cv))
    for fit, valid in out:
        if len(valid) == 0 or len(np.unique(y[fit])) < len(np.unique(y)):
            raise DataError(
                "One patient holds so many rows that a fold would lose a class; choose fewer folds "
                "or turn off 'split by patient'."
            )
    return out


def fixed_holdout_text(holdout_name: str, class_names: tuple[str, ...], y_test: np.ndarray) -> str:
    """The sentence for a hold-out the source fixed: "<name>, 624 images (234 / 390), never resampled ...".

    The counts follow ``class_names``; "" when ``holdout_name`` is empty (the hold-out was split here).
    """
    if not holdout_name:
        return ""
    counts = np.bincount(np.asarray(y_test, dtype=np.int64), minlength=len(class_names))
    per_class = " / ".join(f"{int(n):,}" for n in counts)
    return f"{holdout_name}, {len(y_test):,} images ({per_class}), never resampled or augmented"


# --------------------------------------------------------------------------- exact copies kept together


def joined_groups(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """One group code per row such that rows sharing a code in ``a`` or in ``b`` share one here.

    The connected components of the graph linking each row's ``a`` group to its ``b`` group.
    """
    ca = pd.factorize(np.asarray(a))[0]
    cb = pd.factorize(np.asarray(b))[0]
    na, nb = int(ca.max()) + 1, int(cb.max()) + 1
    graph = coo_matrix((np.ones(len(ca)), (ca, na + cb)), shape=(na + nb, na + nb))
    _, component = connected_components(graph, directed=False)
    return component[ca].astype(np.int64)


def _representatives(copies: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(first row of each copy group, group index 0..g-1 of every row)."""
    codes = pd.factorize(np.asarray(copies))[0]
    _, first = np.unique(codes, return_index=True)
    return first, codes


def copies_holdout(
    y: np.ndarray, copies: np.ndarray, test_size: float, seed: int
) -> tuple[np.ndarray, np.ndarray]:
    """Sorted (train, test) positions of a stratified hold-out in which exact copies stay on one side.

    Stratified over one row per set of copies (copies share the label); with no copies this is
    ``train_test_split(range(n), stratify=y)`` exactly.
    """
    y = np.asarray(y)
    first, codes = _representatives(copies)
    try:
        _, test_groups = train_test_split(
            np.arange(len(first)), test_size=test_size, stratify=y[first], random_state=seed
        )
    except ValueError:
        raise DataError(
            "The test share is too small or too large to hold every class; choose a share nearer 0.25."
        ) from None
    in_test = np.zeros(len(first), dtype=bool)
    in_test[test_groups] = True
    test = in_test[codes]
    return np.flatnonzero(~test), np.flatnonzero(test)


def copies_folds(
    y: np.ndarray, copies: np.ndarray, cv: int, seed: int
) -> tuple[tuple[np.ndarray, np.ndarray], ...]:
    """(fit, validation) positions into ``y`` for ``cv`` stratified folds keeping exact copies together."""
    y = np.asarray(y)
    first, codes = _representatives(copies)
    splitter = StratifiedKFold(n_splits=cv, shuffle=True, random_state=seed)
    try:
        parts = list(splitter.split(np.zeros(len(first)), y[first]))
    except ValueError:
        raise DataError(
            f"After keeping duplicate rows together the rarest class has fewer different rows than the "
            f"{cv} folds; choose fewer folds or drop the duplicates."
        ) from None
    out = []
    for _, valid_groups in parts:
        in_valid = np.zeros(len(first), dtype=bool)
        in_valid[valid_groups] = True
        valid = in_valid[codes]
        out.append((np.flatnonzero(~valid), np.flatnonzero(valid)))
    return tuple(out)


def holdout_shares(
    groups: np.ndarray | None, test_idx: np.ndarray, n_rows: int
) -> tuple[float, float | None]:
    """(share of rows held out, share of patients held out or None without patient groups)."""
    row_share = len(test_idx) / max(n_rows, 1)
    if groups is None:
        return row_share, None
    groups = np.asarray(groups)
    return row_share, len(np.unique(groups[test_idx])) / max(len(np.unique(groups)), 1)
