"""Per-fold class counts (Train page, issue 26): checked against a hand count over an independently built
split (``train_test_split`` + ``StratifiedKFold`` on the training seed) and against what the sampler must
produce (SMOTE at 1:1 brings the disease up to the fold's negatives; under-sampling the reverse)."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.model_selection import StratifiedKFold, train_test_split

from imbalance_core.learn.fold_counts import HOLDOUT, fold_class_counts
from imbalance_core.learn.training import TrainSettings, train
from tests.helpers_training import hcv_multiclass, hcv_numeric, pima


def _hand_folds(y: np.ndarray, settings: TrainSettings):
    """(fit counts, validation counts) per fold and the hold-out's counts, counted by hand."""
    rows = np.arange(len(y))
    train_idx, test_idx = train_test_split(
        rows, test_size=settings.test_size, stratify=y, random_state=settings.seed
    )
    train_idx = np.sort(train_idx)
    y_train = y[train_idx]
    splitter = StratifiedKFold(n_splits=settings.cv, shuffle=True, random_state=settings.seed)
    folds = []
    for fit, valid in splitter.split(np.zeros(len(y_train)), y_train):
        folds.append((np.bincount(y_train[fit], minlength=2), np.bincount(y_train[valid], minlength=2)))
    return folds, np.bincount(y[test_idx], minlength=2)


@pytest.mark.parametrize("seed", [0, 7])
def test_smote_fold_counts_match_a_hand_count(seed):
    data = hcv_numeric()
    settings = TrainSettings(sampler="smote", ratio=1.0, classifier="logreg", cv=4, seed=seed)
    counts = fold_class_counts(train(data, settings))
    neg, pos = data.class_names
    y = np.asarray(data.y, dtype=np.int64)
    hand, holdout = _hand_folds(y, settings)
    assert [p.part for p in counts.parts] == ["Fold 1", "Fold 2", "Fold 3", "Fold 4", HOLDOUT]
    for part, (fit, valid) in zip(counts.folds, hand, strict=True):
        assert part.train_before == {neg: int(fit[0]), pos: int(fit[1])}
        assert part.valid == {neg: int(valid[0]), pos: int(valid[1])}
        # SMOTE at 1:1 adds positives until they equal the fold's negatives; negatives untouched
        assert part.train_after == {neg: int(fit[0]), pos: int(fit[0])}
    assert counts.parts[-1].valid == {neg: int(holdout[0]), pos: int(holdout[1])}
    assert sum(sum(p.valid.values()) for p in counts.folds) == sum(counts.parts[-1].train_before.values())


def test_under_sampling_after_counts_follow_the_positives():
    data = pima()
    settings = TrainSettings(sampler="random_under", ratio=1.0, classifier="logreg", cv=3)
    counts = fold_class_counts(train(data, settings))
    neg, pos = data.class_names
    for part in counts.folds:
        assert part.train_after[pos] == part.train_before[pos]
        assert part.train_after[neg] == part.train_before[pos]  # 1:1 target


def test_multiclass_counts_every_class_and_no_sampler_keeps_counts():
    data = hcv_multiclass()
    counts = fold_class_counts(train(data, TrainSettings(classifier="logreg", cv=3)))
    assert set(counts.folds[0].train_before) == set(data.class_names)
    for part in counts.folds:
        assert part.train_after == part.train_before
    record = counts.rows()[0]
    assert record["Part"] == "Fold 1" and f"Judged {data.class_names[0]}" in record


def test_binary_table_uses_short_words_disease_first():
    data = pima()
    counts = fold_class_counts(train(data, TrainSettings(sampler="smote", classifier="logreg", cv=3)))
    neg, pos = data.class_names
    record = counts.rows()[0]
    assert list(record) == [
        "Part", "Train disease", "Train disease after", "Train no disease", "Train no disease after",
        "Judged disease", "Judged no disease",
    ]  # fmt: skip
    first = counts.folds[0]
    assert record["Train disease"] == first.train_before[pos]
    assert record["Judged no disease"] == first.valid[neg]


def test_result_without_fold_record_gives_none():
    import dataclasses

    result = train(pima(), TrainSettings(classifier="logreg", cv=3))
    assert fold_class_counts(dataclasses.replace(result, oof_fold=None)) is None
    older = fold_class_counts(dataclasses.replace(result, fold_resampled_counts=()))
    assert all(p.train_after is None for p in older.folds)
