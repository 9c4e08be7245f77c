"""Internal validation: Harrell's optimism against a plain loop, known behaviour on simulated data,
the nesting spy (tuning never sees the rows it is scored on), the default choice, reproducibility.

The plain loop is written with scikit-learn and statsmodels directly (imputer, scaler, logistic
regression; ``statsmodels.Logit`` for the slope), over the same bootstrap draws.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import RepeatedStratifiedKFold, StratifiedKFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from imbalance_core.errors import DataError
from imbalance_core.evaluation.optimism import MEASURES
from imbalance_core.intake.task import PreparedData
from imbalance_core.learn import internal_validation as iv
from imbalance_core.learn import refit, tuning
from imbalance_core.learn.internal_validation import (
    ValidationSettings,
    bootstrap_draws,
    choose_method,
    validate,
)
from imbalance_core.learn.training import TrainSettings, split_indices
from imbalance_core.learn.tuning import TuneSpec


def simulated(n: int, informative: int, noise: int, seed: int, intercept: float = -1.5) -> PreparedData:
    """Logistic truth on ``informative`` standard-normal predictors (coefficient 1 each) plus noise."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, informative + noise))
    lp = intercept + X[:, :informative].sum(axis=1)
    y = (rng.random(n) < 1 / (1 + np.exp(-lp))).astype(np.int64)
    names = [f"x{j}" for j in range(X.shape[1])]
    return PreparedData(
        X=pd.DataFrame(X, columns=names),
        y=y,
        class_names=("no", "yes"),
        label="outcome",
        numeric_features=tuple(names),
        categorical_features=(),
        name="simulated",
    )


def _slope(y: np.ndarray, p: np.ndarray) -> float:
    lp = np.log(p / (1 - p))
    return float(sm.Logit(y, sm.add_constant(lp)).fit(disp=0, tol=1e-12, maxiter=200).params[1])


def test_corrected_auc_and_slope_equal_a_plain_loop_over_the_same_draws():
    data = simulated(240, 3, 2, seed=1)
    settings = TrainSettings(classifier="logreg", cv=3, seed=5)
    result = validate(data, settings, ValidationSettings(n_boot=8, n_jobs=1))
    X, y = data.X.to_numpy(), data.y

    def fit(rows):
        model = make_pipeline(SimpleImputer(strategy="median"), StandardScaler(),
                              LogisticRegression(C=1.0, max_iter=2000))  # fmt: skip
        return model.fit(X[rows], y[rows])

    everyone = np.arange(len(y))
    full = fit(everyone).predict_proba(X)[:, 1]
    app_auc, app_slope = roc_auc_score(y, full), _slope(y, full)
    opt_auc, opt_slope = [], []
    for draw in bootstrap_draws(y, 8, settings.seed):
        model = fit(draw)
        own, orig = model.predict_proba(X[draw])[:, 1], model.predict_proba(X)[:, 1]
        opt_auc.append(roc_auc_score(y[draw], own) - roc_auc_score(y, orig))
        opt_slope.append(_slope(y[draw], own) - _slope(y, orig))
    auc, slope = result.measure("roc_auc"), result.measure("cal_slope")
    assert auc.apparent == pytest.approx(app_auc, abs=1e-12)
    assert auc.corrected == pytest.approx(app_auc - np.mean(opt_auc), abs=1e-12)
    assert slope.apparent == pytest.approx(app_slope, abs=1e-6)
    assert slope.corrected == pytest.approx(app_slope - np.mean(opt_slope), abs=1e-6)
    assert auc.used == slope.used == 8


def test_bootstrap_draws_keep_each_class_count_and_are_seeded():
    y = np.array([0] * 30 + [1] * 7)
    draws = bootstrap_draws(y, 5, seed=3)
    assert draws.shape == (5, 37)
    for draw in draws:
        assert (y[draw] == 1).sum() == 7
        assert len(np.unique(draw)) < 37  # with replacement
    np.testing.assert_array_equal(draws, bootstrap_draws(y, 5, seed=3))
    assert not np.array_equal(draws, bootstrap_draws(y, 5, seed=4))


def test_patient_folds_keep_copies_of_a_row_together_and_stratify():
    rows = np.array([0, 0, 0, 1, 2, 2, 3, 4, 5, 5, 6, 7, 8, 9, 9, 10, 11])
    y = (rows % 3 == 0).astype(np.int64)
    folds = refit.patient_folds(rows, y, 2, seed=0)
    fold_of = np.empty(len(rows), dtype=int)
    for f, where in enumerate(folds):
        fold_of[where] = f
    for row in np.unique(rows):
        assert len(np.unique(fold_of[rows == row])) == 1
    for c in (0, 1):
        distinct = [len(np.unique(rows[where][y[where] == c])) for where in folds]
        assert max(distinct) - min(distinct) <= 1


def test_an_overfitted_model_with_many_noise_predictors_has_corrected_slope_well_below_one():
    data = simulated(200, 2, 25, seed=2)  # 57 events, 27 predictors, hardly penalised
    settings = TrainSettings(classifier="logreg", params=(("C", 10.0),), cv=3, seed=0)
    result = validate(data, settings, ValidationSettings(n_boot=20, n_jobs=1))
    slope = result.measure("cal_slope")
    assert slope.apparent == pytest.approx(
        1.0, abs=0.05
    )  # on its own rows a fitted logistic model is calibrated
    assert slope.corrected < 0.7
    assert result.measure("roc_auc").optimism > 0.05


def test_a_well_specified_model_on_a_large_sample_has_optimism_near_zero():
    data = simulated(4000, 3, 0, seed=3)
    result = validate(data, TrainSettings(classifier="logreg", cv=3), ValidationSettings(n_boot=10, n_jobs=1))
    assert abs(result.measure("roc_auc").optimism) < 0.005
    assert abs(result.measure("cal_slope").optimism) < 0.03
    assert abs(result.measure("brier").optimism) < 0.003


def test_default_is_bootstrap_below_200_events_and_holdout_from_200():
    small = choose_method(np.r_[np.ones(199), np.zeros(5000)])
    large = choose_method(np.r_[np.ones(200), np.zeros(5000)])
    assert (small.method, small.chosen_by_default) == ("bootstrap", True)
    assert "199 events" in small.reason and "fewer than 200" in small.reason
    assert large.method == "holdout"
    assert choose_method(np.ones(3), "repeated-cv").method == "repeated-cv"
    forest = choose_method(np.r_[np.ones(199), np.zeros(5000)], "auto", "random_forest")
    assert forest.method == "repeated-cv" and "under-state" in forest.reason
    with pytest.raises(DataError, match="Unknown validation"):
        choose_method(np.ones(3), "jackknife")


def _spy(monkeypatch):
    """Record the rows every tuning call is given, and the rows fitted on / scored inside it."""
    calls: list[dict] = []
    inside = {"on": False}
    real_tune, real_fit, real_score = iv.tune, refit.fit_rows, refit.score_rows

    def spy_tune(data, settings, rows, spec):
        calls.append({"rows": np.unique(rows), "fitted": [], "scored": []})
        inside["on"] = True
        try:
            return real_tune(data, settings, rows, spec)
        finally:
            inside["on"] = False

    def spy_fit(data, settings, rows, k_neighbors=None):
        if inside["on"]:
            calls[-1]["fitted"].append(np.unique(rows))
        return real_fit(data, settings, rows, k_neighbors)

    def spy_score(pipeline, data, rows):
        if inside["on"]:
            calls[-1]["scored"].append(np.unique(rows))
        return real_score(pipeline, data, rows)

    monkeypatch.setattr(iv, "tune", spy_tune)
    monkeypatch.setattr(refit, "fit_rows", spy_fit)
    monkeypatch.setattr(refit, "score_rows", spy_score)
    return calls


def test_nested_tuning_never_sees_the_rows_it_is_scored_on(monkeypatch):
    calls = _spy(monkeypatch)
    data = simulated(150, 2, 1, seed=4)
    settings = TrainSettings(classifier="logreg", cv=2, seed=1)
    spec = TuneSpec(max_candidates=2, folds=2)
    validation = ValidationSettings(method="repeated-cv", folds=3, repeats=2, tune=spec, n_jobs=1)
    result = validate(data, settings, validation)
    outer = RepeatedStratifiedKFold(n_splits=3, n_repeats=2, random_state=1).split(np.zeros(150), data.y)
    assert len(calls) == 1 + 6  # the all-data model, then one per outer fold, in order (n_jobs=1)
    np.testing.assert_array_equal(calls[0]["rows"], np.arange(150))
    for call, (fit, held) in zip(calls[1:], outer, strict=True):
        np.testing.assert_array_equal(call["rows"], np.sort(fit))
        assert call["fitted"] and call["scored"]
        for seen in call["fitted"] + call["scored"]:
            assert np.isin(seen, fit).all()
            assert not np.isin(seen, held).any()
    assert result.final_tuning is not None and len(result.tuned) == 6


def test_tuning_inside_a_holdout_never_sees_the_test_rows(monkeypatch):
    calls = _spy(monkeypatch)
    data = simulated(120, 2, 1, seed=6)
    settings = TrainSettings(classifier="logreg", cv=2, seed=2, sampler="random_over", ratio=0.5)
    spec = ValidationSettings(method="holdout", tune=TuneSpec(max_candidates=3, folds=2), n_jobs=1)
    result = validate(data, settings, spec)
    assert settings.test_size == 0.25 and "(25.0 % held out)" in result.describe()  # by hand, one formatter
    _, test_idx = split_indices(data, settings)
    holdout_call = calls[1]
    assert not np.isin(holdout_call["rows"], test_idx).any()
    for seen in holdout_call["fitted"] + holdout_call["scored"]:
        assert not np.isin(seen, test_idx).any()


def test_tuning_picks_the_best_candidate_by_its_own_cross_validation():
    data = simulated(200, 2, 10, seed=7)
    settings = TrainSettings(classifier="logreg", cv=2)
    spec = TuneSpec(scoring="log_loss", max_candidates=8, folds=3)
    chosen = tuning.tune(data, settings, np.arange(200), spec)
    assert chosen.grid_size == 4  # the current C=1 (the default) first, then 0.01, 0.1, 10
    finite = [s for s in chosen.scores if np.isfinite(s)]
    assert chosen.scores[chosen.candidates.index(chosen.chosen)] == min(finite)
    # independent: the same folds' pooled log-loss for the chosen C, by hand with scikit-learn
    folds = refit.patient_folds(np.arange(200), data.y, 3, 0)
    oof = np.empty(200)
    for valid in folds:
        fit = np.setdiff1d(np.arange(200), valid)
        c = dict(chosen.chosen.params)["C"]
        model = make_pipeline(SimpleImputer(strategy="median"), StandardScaler(),
                              LogisticRegression(C=c, max_iter=2000))  # fmt: skip
        X = data.X.to_numpy()
        oof[valid] = model.fit(X[fit], data.y[fit]).predict_proba(X[valid])[:, 1]
    from sklearn.metrics import log_loss

    assert min(finite) == pytest.approx(log_loss(data.y, oof), rel=1e-9)


def test_same_seed_same_numbers_in_one_process_or_two():
    data = simulated(150, 2, 1, seed=8)
    settings = TrainSettings(classifier="logreg", sampler="smote", ratio=0.5, cv=2, seed=3)
    one = validate(data, settings, ValidationSettings(n_boot=3, n_jobs=1))
    two = validate(data, settings, ValidationSettings(n_boot=3, n_jobs=2))
    np.testing.assert_allclose(one.apparent_b, two.apparent_b, rtol=0, atol=1e-12)
    np.testing.assert_allclose(one.replicate_risks, two.replicate_risks, rtol=0, atol=1e-12)


def test_recalibration_and_picker_are_refitted_inside_every_replicate():
    data = simulated(200, 2, 1, seed=9)
    settings = TrainSettings(classifier="logreg", sampler="random_over", cv=2, recalibrate="platt", seed=1)
    result = validate(data, settings, ValidationSettings(n_boot=4, pick="sensitivity:0.9", n_jobs=1))
    assert len(np.unique(result.replicate_thresholds)) > 1  # each replicate picked its own threshold
    assert result.measure("sensitivity").apparent >= 0.85
    assert result.apparent_b.shape == (4, len(MEASURES))
    payload = result.as_dict()
    assert payload["method"] == "bootstrap" and payload["replicates"] == 4
    assert set(payload["measures"]) == set(MEASURES)


def test_multiclass_and_bad_settings_are_refused_in_a_sentence():
    data = simulated(60, 1, 0, seed=1)
    multi = PreparedData(X=data.X, y=np.arange(60) % 3, class_names=("a", "b", "c"), label="l",
                         numeric_features=data.numeric_features, categorical_features=())  # fmt: skip
    with pytest.raises(DataError, match="two-class"):
        validate(multi, TrainSettings(), ValidationSettings(n_boot=2, n_jobs=1))
    with pytest.raises(DataError, match="picker"):
        validate(data, TrainSettings(), ValidationSettings(n_boot=2, pick="magic", n_jobs=1))


def test_progress_is_reported_per_development():
    data = simulated(120, 1, 0, seed=2)
    seen = []
    validate(
        data,
        TrainSettings(cv=2),
        ValidationSettings(n_boot=3, n_jobs=1),
        progress=lambda m, f: seen.append(f),
    )
    assert seen[0] == 0.0 and seen[-1] == 1.0 and len(seen) == 1 + 4
    assert StratifiedKFold  # (imported for readers: the outer folds above are scikit-learn's)


def test_bootstrap_on_a_dask_cluster_equals_the_local_run():
    distributed = pytest.importorskip("distributed")
    data = simulated(150, 2, 1, seed=10)
    settings = TrainSettings(classifier="logreg", sampler="smote", ratio=0.5, cv=2, seed=6)
    local = validate(data, settings, ValidationSettings(n_boot=3, n_jobs=1))
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None,
                                  protocol="tcp://", host="127.0.0.1") as cluster:  # fmt: skip
        remote = validate(data, settings, ValidationSettings(n_boot=3), scheduler=cluster.scheduler_address)
    assert remote.where.startswith("Dask cluster at")
    np.testing.assert_allclose(local.apparent_b, remote.apparent_b, rtol=0, atol=1e-12)
    np.testing.assert_allclose(local.replicate_risks, remote.replicate_risks, rtol=0, atol=1e-12)


def test_a_forest_validated_by_bootstrap_carries_the_caution():
    data = simulated(100, 2, 0, seed=14)
    settings = TrainSettings(classifier="random_forest", params=(("n_estimators", 20),), cv=2)
    result = validate(data, settings, ValidationSettings(n_boot=2, n_jobs=1))
    assert "under-states its optimism" in result.as_dict()["caution"]
    plain = validate(data, TrainSettings(cv=2), ValidationSettings(n_boot=2, n_jobs=1))
    assert plain.as_dict()["caution"] is None
