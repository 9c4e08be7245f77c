"""Why this score: permutation importance and what-if on the fitted pipeline; never a refit."""

from __future__ import annotations

import dataclasses
from functools import cache

import numpy as np
import pandas as pd
import pytest
from imblearn.pipeline import Pipeline
from sklearn.inspection import permutation_importance

from imbalance_core.errors import DataError
from imbalance_core.learn import explain
from imbalance_core.learn.classifiers import WeightedClassifier
from imbalance_core.learn.training import TrainSettings, train
from tests.helpers_training import hcv


@cache
def _noisy() -> object:
    """HCV (labs + Sex) with a pure-noise column added: it must come out near zero."""
    data = hcv()
    X = data.X.copy()
    X["noise"] = np.random.default_rng(1).normal(size=len(X))
    return dataclasses.replace(data, X=X, numeric_features=(*data.numeric_features, "noise"))


@cache
def _trained(recalibrate: str = "none") -> object:
    settings = TrainSettings(sampler="smote", classifier="logreg", cv=3, recalibrate=recalibrate)
    return train(_noisy(), settings)


def test_scores_of_holdout_rows_equal_the_stored_scores() -> None:
    for key in ("none", "platt"):
        result = _trained(key)
        got = explain.score_rows(result, explain.holdout_rows(_noisy(), result))
        np.testing.assert_allclose(got, result.test_scores, rtol=1e-10)


def test_importance_matches_sklearns_own_scorer_and_ranks_noise_low() -> None:
    data, result = _noisy(), _trained()
    imp = explain.permutation_importance_of(data, result, scoring="neg_log_loss", n_repeats=4, seed=3)
    X = explain.holdout_rows(data, result)
    ref = permutation_importance(
        result.pipeline, X, result.y_test, scoring="neg_log_loss", n_repeats=4, random_state=3
    )
    by_name = dict(zip(X.columns, ref.importances_mean, strict=True))
    for f, m in zip(imp.features, imp.mean, strict=True):
        assert m == pytest.approx(by_name[f], abs=1e-9)
    assert imp.n_repeats == 4 and imp.seed == 3 and imp.n_rows == len(X)
    top = imp.features[:3]
    assert "noise" not in top
    noise = imp.mean[list(imp.features).index("noise")]
    assert abs(noise) < imp.mean[0] / 5
    assert "shuffled 4 times" in imp.description()


def test_average_precision_importance_is_seeded() -> None:
    data, result = _noisy(), _trained()
    a = explain.permutation_importance_of(data, result, n_repeats=2, seed=5)
    b = explain.permutation_importance_of(data, result, n_repeats=2, seed=5)
    np.testing.assert_array_equal(a.mean, b.mean)
    assert a.scoring_name.startswith("PR AUC")


def test_nearest_flip_is_the_smallest_crossing_change_by_brute_force() -> None:
    data, result = _noisy(), _trained()
    X = explain.holdout_rows(data, result)
    threshold = float(np.median(result.test_scores))
    features = ("ALT", "AST", "GGT", "Sex")
    checked = 0
    for i in range(0, len(X), 17):
        row = X.iloc[[i]]
        now = float(result.pipeline.predict_proba(row)[0, 1])
        flips = explain.nearest_flips(data, result, row, threshold, features)
        for flip in flips:
            grid = explain.feature_grid(data, flip.feature)
            crossing = []
            for value in grid:  # independent: one row at a time, straight from the pipeline
                edited = row.copy()
                edited[flip.feature] = value
                s = float(result.pipeline.predict_proba(edited)[0, 1])
                if (s >= threshold) != (now >= threshold) and not (
                    flip.feature == "Sex" and value == str(row["Sex"].iloc[0])
                ):
                    crossing.append((value, s))
            if not crossing:
                assert not flip.flips and explain.NO_FLIP in flip.sentence(threshold)
                continue
            assert flip.flips
            if flip.feature == "Sex":
                assert flip.new_value == crossing[0][0]
            else:
                cur = float(row[flip.feature].iloc[0])
                best = min(abs(float(v) - cur) for v, _ in crossing)
                assert abs(flip.change) == pytest.approx(best)
                assert (flip.new_score >= threshold) != (now >= threshold)
            checked += 1
    assert checked > 3


def test_no_flip_when_nothing_can_cross() -> None:
    data, result = _noisy(), _trained()
    row = explain.holdout_rows(data, result).iloc[[0]]
    flips = explain.nearest_flips(data, result, row, 1.5, ("ALT", "Sex"))
    assert not any(f.flips for f in flips)


def test_never_fits_anything(monkeypatch: pytest.MonkeyPatch) -> None:
    data, result = _noisy(), _trained("platt")

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("explain must never fit")

    monkeypatch.setattr(Pipeline, "fit", refuse)
    monkeypatch.setattr(WeightedClassifier, "fit", refuse)
    explain.permutation_importance_of(data, result, n_repeats=1)
    row = explain.holdout_rows(data, result).iloc[[2]]
    explain.nearest_flips(data, result, row, 0.3, ("ALT", "Sex"))


def test_unknown_scorer_and_several_rows_refused() -> None:
    data, result = _noisy(), _trained()
    with pytest.raises(DataError, match="importance score"):
        explain.permutation_importance_of(data, result, scoring="accuracy")
    with pytest.raises(DataError, match="exactly one"):
        explain.nearest_flips(data, result, pd.concat([explain.holdout_rows(data, result).iloc[:2]]), 0.5, ())
