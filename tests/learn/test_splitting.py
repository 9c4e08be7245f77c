"""Grouped splits: no patient on both sides of the hold-out or of any CV fold, classes kept, seeded.

Data: the first 6,000 encounters of the shared diabetes file (patient_nbr repeats), read through the
app's own intake; plus awkward variants (one patient with most rows, missing IDs).
"""

from __future__ import annotations

import dataclasses
from functools import cache

import numpy as np
import pandas as pd
import pytest

from imbalance_core.errors import DataError
from imbalance_core.intake.identifiers import group_codes
from imbalance_core.intake.read import read_table
from imbalance_core.intake.task import PreparedData, TaskSpec, prepare
from imbalance_core.learn.splitting import group_folds, grouped_folds, grouped_holdout, holdout_share
from imbalance_core.learn.training import TrainSettings, cv_plan, split_indices, train
from tests.conftest import SHARED

DIABETES = SHARED / "data" / "diabetes_130_hospitals.csv"


@cache
def diabetes_head(rows: int = 6000) -> PreparedData:
    """The first ``rows`` encounters, readmitted within 30 days vs not."""
    with open(DIABETES, "rb") as handle:
        raw = b"".join(handle.readline() for _ in range(rows + 1))
    table = read_table(raw, name="diabetes_head.csv")
    return prepare(table, TaskSpec(label="readmitted", positive=("<30",)))


def _overlap(groups: np.ndarray, a: np.ndarray, b: np.ndarray) -> int:
    return len(np.intersect1d(groups[a], groups[b]))


def test_patient_nbr_is_found_and_left_out_of_the_features() -> None:
    data = diabetes_head()
    assert "patient_nbr" in data.groups and "patient_nbr" not in data.X.columns
    assert "encounter_id" not in data.groups  # unique per row: a row number, not a grouping
    raw = pd.read_csv(DIABETES, nrows=6000, usecols=["patient_nbr"])["patient_nbr"]
    assert len(np.unique(data.groups["patient_nbr"])) == raw.nunique()


@pytest.mark.parametrize("seed", [0, 7])
def test_no_patient_on_both_sides_of_holdout_and_folds(seed: int) -> None:
    data = diabetes_head()
    settings = TrainSettings(group_by="patient_nbr", seed=seed)
    groups = data.groups["patient_nbr"]
    train_idx, test_idx = split_indices(data, settings)
    assert len(train_idx) + len(test_idx) == len(data.y)
    assert _overlap(groups, train_idx, test_idx) == 0
    # the row-wise split does put patients on both sides here, so the check can fail
    plain_train, plain_test = split_indices(data, dataclasses.replace(settings, group_by=""))
    assert _overlap(groups, plain_train, plain_test) > 0
    share = data.y.mean()
    assert abs(data.y[test_idx].mean() - share) < 0.01
    assert abs(len(test_idx) / len(data.y) - holdout_share(0.25)) < 0.02
    folds = cv_plan(data, settings, train_idx)
    covered = np.sort(np.concatenate([valid for _, valid in folds]))
    assert np.array_equal(covered, train_idx)
    for fit, valid in folds:
        assert _overlap(groups, fit, valid) == 0
        assert len(np.intersect1d(fit, test_idx)) == 0
        assert abs(data.y[valid].mean() - data.y[train_idx].mean()) < 0.015


def test_same_seed_same_split_other_seed_other_split() -> None:
    data = diabetes_head()
    a = split_indices(data, TrainSettings(group_by="patient_nbr", seed=3))
    b = split_indices(data, TrainSettings(group_by="patient_nbr", seed=3))
    c = split_indices(data, TrainSettings(group_by="patient_nbr", seed=4))
    assert all(np.array_equal(x, y) for x, y in zip(a, b, strict=True))
    assert not np.array_equal(a[1], c[1])


def test_one_patient_with_most_rows_stays_whole() -> None:
    rng = np.random.default_rng(1)
    n = 400
    groups = np.concatenate([np.zeros(250, dtype=np.int64), np.arange(1, n - 250 + 1)])
    y = (rng.random(n) < 0.2).astype(np.int64)
    fold = group_folds(y, groups, 5, seed=0)
    assert len(np.unique(fold[groups == 0])) == 1
    for g in np.unique(groups):
        assert len(np.unique(fold[groups == g])) == 1
    with pytest.raises(DataError, match="patient"):
        # the big patient's fold holds 250 of 400 rows; 2 groups of folds cannot both hold a class
        grouped_folds(y, np.where(groups == 0, 0, 1), 5, seed=0)


def test_missing_ids_become_patients_of_their_own() -> None:
    col = pd.Series([5.0, 5.0, np.nan, 7.0, np.nan, 7.0])
    codes = group_codes(col)
    assert codes[0] == codes[1] and codes[3] == codes[5]
    assert codes[2] != codes[4] and codes[2] not in codes[[0, 1, 3, 5]]


def test_holdout_by_patient_with_missing_ids() -> None:
    data = diabetes_head()
    raw = pd.Series(data.groups["patient_nbr"]).astype(float)
    raw[::7] = np.nan  # every 7th row loses its ID
    codes = group_codes(raw)
    y = np.asarray(data.y)
    train_idx, test_idx = grouped_holdout(y, codes, 0.25, seed=0)
    assert _overlap(codes, train_idx, test_idx) == 0
    assert abs(y[test_idx].mean() - y.mean()) < 0.01


def test_unknown_group_column_is_a_plain_message() -> None:
    with pytest.raises(DataError, match="not an ID column that repeats"):
        split_indices(diabetes_head(), TrainSettings(group_by="age"))


def test_train_by_patient_runs_and_is_reproducible() -> None:
    data = diabetes_head(3000)
    data = dataclasses.replace(data, X=data.X[list(data.numeric_features)], categorical_features=())
    settings = TrainSettings(group_by="patient_nbr", cv=3, seed=2)
    a, b = train(data, settings), train(data, settings)
    assert np.array_equal(a.oof_scores, b.oof_scores) and np.array_equal(a.test_scores, b.test_scores)
