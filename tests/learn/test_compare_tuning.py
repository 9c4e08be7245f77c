"""'Tune each cell' on the Compare grid (issue 27 item 3): each pair is tuned with the same search as
Train / ``evaluate --tune`` on the training part only, then trained with the values chosen."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from imbalance_core.errors import DataError
from imbalance_core.learn import compare, training, tuning
from imbalance_core.learn.training import TrainSettings
from imbalance_core.learn.tuning import TuneSpec
from tests.helpers_training import hcv_multiclass, pima

BASE = TrainSettings(classifier="logreg", cv=3, seed=3)
SPEC = TuneSpec(max_candidates=3, folds=2, seed=3)


def test_each_pair_is_trained_with_what_tuning_chose_on_the_training_rows_only(monkeypatch):
    data = pima()
    seen: list[np.ndarray] = []
    real_tune = tuning.tune

    def spy(data_, settings, rows, spec):
        seen.append(np.asarray(rows))
        return real_tune(data_, settings, rows, spec)

    monkeypatch.setattr(tuning, "tune", spy)
    grid = compare.run_grid(data, ["none", "smote"], ["logreg"], BASE, n_jobs=1, tune=SPEC)
    train_idx, test_idx = training.split_indices(data, BASE)
    assert len(seen) == 2
    for rows in seen:  # the spy: tuning never sees a hold-out row
        np.testing.assert_array_equal(np.sort(rows), train_idx)
        assert not np.isin(test_idx, rows).any()
    monkeypatch.setattr(tuning, "tune", real_tune)
    for row, sampler in zip(grid.rows, ["none", "smote"], strict=True):
        assert row.error is None and row.tuning is not None
        independent = real_tune(data, replace(BASE, sampler=sampler), train_idx, SPEC)
        assert row.tuning.chosen == independent.chosen
        assert row.result.settings == independent.settings  # trained with the chosen values
    assert grid.tune == SPEC
    # judging at another threshold keeps what tuning chose
    again = grid.at_threshold(0.3)
    assert [r.tuning for r in again.rows] == [r.tuning for r in grid.rows]
    assert "Tuned settings" in grid.to_frame().columns


def test_without_tuning_nothing_is_tuned():
    grid = compare.run_grid(pima(), ["none"], ["logreg"], BASE, n_jobs=1)
    assert grid.rows[0].tuning is None and grid.tune is None
    assert grid.to_frame()["Tuned settings"].tolist() == [""]


def test_multiclass_says_tuning_is_two_class_only():
    with pytest.raises(DataError, match="two-class"):
        compare.run_grid(hcv_multiclass(), ["none"], ["logreg"], BASE, n_jobs=1, tune=SPEC)
