"""Recalibration: calibrators vs scikit-learn / statsmodels, the hold-out never used, known shifts undone."""

from __future__ import annotations

import dataclasses
from functools import cache

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from sklearn.isotonic import IsotonicRegression
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score

from imbalance_core.errors import DataError
from imbalance_core.evaluation import calibration
from imbalance_core.intake import task
from imbalance_core.intake.read import read_table
from imbalance_core.intake.task import TaskSpec
from imbalance_core.learn import recalibration, training
from imbalance_core.share import model_file
from tests import helpers_training as H  # noqa: N812


@cache
def shifted_data():
    """A generated set (label LAST, codes 'yes'/'no', prevalence ~6 %) with a known logistic truth."""
    rng = np.random.default_rng(42)
    n = 6000
    X = rng.normal(size=(n, 4))
    lp = -3.4 + X @ np.array([1.0, -0.8, 0.5, 0.0])
    y = rng.random(n) < 1 / (1 + np.exp(-lp))
    frame = pd.DataFrame(X, columns=["a", "b", "c", "d"])
    frame["outcome"] = np.where(y, "yes", "no")
    table = read_table(frame.to_csv(index=False).encode(), name="shifted.csv")
    return task.prepare(table, TaskSpec(label="outcome", positive=("yes",)))


def test_isotonic_calibrator_equals_sklearn_isotonic_regression():
    rng = np.random.default_rng(0)
    s = rng.random(500)
    y = (rng.random(500) < s**2).astype(float)
    cal = recalibration.fit_calibrator("isotonic", s, y)
    ref = IsotonicRegression(y_min=0, y_max=1, out_of_bounds="clip").fit(s, y)
    new = np.concatenate([rng.random(300), [-0.1, 1.2]])
    assert np.allclose(cal.transform(new), ref.predict(new), atol=1e-12, rtol=0)


def test_platt_calibrator_equals_statsmodels_logistic_on_the_logit():
    rng = np.random.default_rng(1)
    s = rng.beta(2, 5, 800)
    y = (rng.random(800) < 1 / (1 + np.exp(-(0.5 + 1.7 * np.log(s / (1 - s)))))).astype(float)
    cal = recalibration.fit_calibrator("platt", s, y)
    glm = sm.GLM(y, sm.add_constant(np.log(s / (1 - s))), family=sm.families.Binomial()).fit(tol=1e-14)
    assert (cal.a, cal.b) == pytest.approx(tuple(glm.params), abs=1e-9)
    assert np.allclose(
        cal.transform(s[:50]), glm.predict(sm.add_constant(np.log(s / (1 - s))))[:50], atol=1e-9
    )


def test_odds_shift_by_hand_and_prior_exact_for_weighted_logistic_regression():
    assert recalibration.odds_shift((900, 100), (900, 900)) == pytest.approx(np.log(9.0))
    assert recalibration.odds_shift((900, 100), (900, 100), {0: 1.0, 1: 4.0}) == pytest.approx(np.log(4.0))
    rng = np.random.default_rng(2)
    n = 100_000
    X = rng.normal(size=(n, 2))
    y = (rng.random(n) < 1 / (1 + np.exp(-(-2.5 + X @ [1.0, 0.5])))).astype(int)
    plain = LogisticRegression(C=1e10, tol=1e-10, max_iter=10_000).fit(X, y)
    weighted = LogisticRegression(C=1e10, tol=1e-10, max_iter=10_000, class_weight={0: 1, 1: 6}).fit(X, y)
    counts = (int((y == 0).sum()), int(y.sum()))
    shift = recalibration.odds_shift(counts, counts, {0: 1, 1: 6})
    assert shift == pytest.approx(np.log(6.0))
    corrected = recalibration.Calibrator("prior", shift=shift).transform(weighted.predict_proba(X)[:, 1])
    # a correctly specified logistic model: weights move (in large samples) only the intercept, by log(6)
    assert weighted.intercept_[0] - plain.intercept_[0] == pytest.approx(np.log(6.0), abs=0.05)
    assert np.allclose(weighted.coef_, plain.coef_, atol=0.05)
    assert np.abs(corrected - plain.predict_proba(X)[:, 1]).mean() < 2e-3
    assert recalibration.prior_note("random_over", "logreg").exact
    assert not recalibration.prior_note("smote", "logreg").exact
    assert not recalibration.prior_note("none", "random_forest").exact


def test_unknown_method_is_refused_in_a_sentence():
    with pytest.raises(DataError, match="Unknown recalibration"):
        training.build_pipeline(H.hcv_numeric(), training.TrainSettings(recalibrate="magic"))


def test_spy_the_hold_out_is_never_used_to_fit_a_calibrator(monkeypatch):
    calls = []
    original = recalibration.RECALIBRATORS["platt"]

    def spy(scores, y, shift):
        calls.append((np.array(scores), np.array(y)))
        return original.fit(scores, y, shift)

    monkeypatch.setitem(recalibration.RECALIBRATORS, "platt", dataclasses.replace(original, fit=spy))
    data = H.hcv_numeric()
    r = training.train(data, training.TrainSettings(sampler="smote", recalibrate="platt", cv=4))
    raw_test, raw_oof = recalibration.raw_scores(r)
    assert len(calls) == 1 + 4  # once on all OOF scores, once per fold for the cross-fitted OOF scores
    train_scores = {float(v) for v in raw_oof}
    for scores, _y in calls:
        assert len(scores) <= len(r.train_index)
        assert {float(v) for v in scores} <= train_scores
        assert not np.isin(scores, raw_test).any()
    assert len(calls[0][0]) == len(r.train_index)
    assert np.array_equal(calls[0][1], r.y_train)
    # the hold-out scores are the raw ones passed through that one calibrator
    assert np.allclose(r.test_scores, r.calibrator.transform(raw_test))


@pytest.mark.parametrize("method", ["prior", "platt", "isotonic"])
def test_known_shift_recalibration_brings_e_to_o_and_slope_to_one(method):
    data = shifted_data()
    settings = training.TrainSettings(sampler="random_over", classifier="logreg", recalibrate=method, seed=3)
    r = training.train(data, settings)
    raw_test, _ = recalibration.raw_scores(r)
    before = calibration.calibration_metrics(r.y_test, raw_test, n_boot=30)
    after = calibration.calibration_metrics(r.y_test, r.test_scores, n_boot=30)
    assert not before.e_to_o.low <= 1 <= before.e_to_o.high  # over-sampling to 1:1 inflates the risks
    assert after.e_to_o.low <= 1 <= after.e_to_o.high
    assert after.slope.low <= 1 <= after.slope.high
    auc_raw, auc_new = roc_auc_score(r.y_test, raw_test), roc_auc_score(r.y_test, r.test_scores)
    if method == "isotonic":
        assert abs(auc_new - auc_raw) < 0.02  # ties aside
    else:
        assert auc_new == pytest.approx(auc_raw, abs=1e-12)


@pytest.mark.parametrize("make", [H.pima, H.hcv_numeric])
def test_bundled_data_platt_recalibration_is_calibrated_and_keeps_auc(make):
    data = make()
    r = training.train(data, training.TrainSettings(sampler="smote", recalibrate="platt", seed=1))
    raw_test, _ = recalibration.raw_scores(r)
    after = calibration.calibration_metrics(r.y_test, r.test_scores, n_boot=30)
    assert after.e_to_o.low <= 1 <= after.e_to_o.high and after.slope.low <= 1 <= after.slope.high
    assert roc_auc_score(r.y_test, r.test_scores) == pytest.approx(
        roc_auc_score(r.y_test, raw_test), abs=1e-12
    )


def test_saved_model_carries_the_calibrator_and_plain_models_still_load():
    data = H.hcv_numeric()
    r = training.train(data, training.TrainSettings(sampler="smote", recalibrate="isotonic", seed=2))
    saved = model_file.loads(
        model_file.dumps(model_file.build_saved_model(r.pipeline, data, 0.2, "test", r.settings))
    )
    X_test = data.X.iloc[r.test_index]
    assert np.allclose(saved.scores(X_test), r.test_scores, atol=1e-12)
    assert np.array_equal(saved.decisions(X_test), (r.test_scores >= 0.2).astype(int))
    assert saved.metadata.settings["recalibrate"] == "isotonic"
    plain = training.train(data, training.TrainSettings(sampler="smote", seed=2))
    old = model_file.loads(
        model_file.dumps(model_file.build_saved_model(plain.pipeline, data, 0.5, "t", None))
    )
    assert np.allclose(old.scores(X_test), plain.test_scores, atol=1e-12)
    assert plain.raw_test_scores is None and plain.calibrator is None


def test_multiclass_is_left_alone_with_a_notice():
    r = training.train(H.hcv_multiclass(), training.TrainSettings(recalibrate="platt", cv=3))
    assert r.calibrator is None and any("two-class" in n for n in r.notices)
