"""Learning curve: points equal a plain scikit-learn loop over the same folds and subsets; flattening."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import average_precision_score, roc_auc_score
from sklearn.model_selection import RepeatedStratifiedKFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from imbalance_core.errors import DataError
from imbalance_core.evaluation.formatting import percent
from imbalance_core.learn.learning_curve import SHARES, learning_curve, nested_subsets
from imbalance_core.learn.training import TrainSettings
from tests.learn.test_internal_validation import simulated


def test_points_equal_a_plain_loop_and_subsets_are_nested():
    data = simulated(300, 2, 1, seed=11)
    settings = TrainSettings(classifier="logreg", seed=4)
    curve = learning_curve(data, settings, folds=3, repeats=1, n_jobs=1)
    X, y = data.X.to_numpy(), data.y
    pr = {s: [] for s in SHARES}
    roc = {s: [] for s in SHARES}
    splitter = RepeatedStratifiedKFold(n_splits=3, n_repeats=1, random_state=4)
    for f, (fit, held) in enumerate(splitter.split(X, y)):
        subsets = nested_subsets(y[fit], SHARES, 4 + f)
        for small, large in itertools.pairwise(subsets):
            assert np.isin(small, large).all()
        for share, subset in zip(SHARES, subsets, strict=True):
            rows = fit[subset]
            model = make_pipeline(SimpleImputer(strategy="median"), StandardScaler(),
                                  LogisticRegression(max_iter=2000)).fit(X[rows], y[rows])  # fmt: skip
            p = model.predict_proba(X[held])[:, 1]
            pr[share].append(average_precision_score(y[held], p))
            roc[share].append(roc_auc_score(y[held], p))
    for point in curve.points:
        assert point.mean["pr_auc"] == pytest.approx(np.mean(pr[point.share]), abs=1e-12)
        assert point.mean["roc_auc"] == pytest.approx(np.mean(roc[point.share]), abs=1e-12)
        assert point.low["pr_auc"] <= point.mean["pr_auc"] <= point.high["pr_auc"]
    assert curve.points[0].n_train < curve.points[-1].n_train
    assert curve.riley is not None and curve.riley.criteria.minimum > 0
    assert "Riley minimum" in curve.sentence() and "nan" not in curve.sentence()
    lines = curve.text().splitlines()  # the share column by the one formatter: "  50 % (   100 patients)"
    for point, line in zip(curve.points, lines[1:], strict=False):
        assert line.startswith(f"  {percent(point.share, 0):>5} ({point.n_train:>6.0f} patients)"), line


def test_the_sentence_says_flattened_or_rising():
    data = simulated(3000, 2, 0, seed=12)  # a simple truth, many patients: flat at the end
    curve = learning_curve(data, TrainSettings(classifier="logreg"), folds=3, repeats=1, n_jobs=1)
    assert curve.flattened() and "has flattened" in curve.sentence()
    many = simulated(150, 8, 0, seed=13, intercept=-1)  # 8 real predictors, 150 patients: still rising
    rising = learning_curve(many, TrainSettings(classifier="logreg", params=(("C", 10.0),)), folds=3,
                            repeats=2, n_jobs=1)  # fmt: skip
    assert rising.last_gain > 0.01 and "still rising" in rising.sentence()


def test_too_few_events_are_refused():
    data = simulated(30, 1, 0, seed=1, intercept=-4)
    with pytest.raises(DataError, match="fewer patients than folds"):
        learning_curve(data, TrainSettings(), folds=10, n_jobs=1)
