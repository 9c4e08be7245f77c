"""Classifier registry and the weighting wrapper, checked against scikit-learn fitted directly."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.neural_network import MLPClassifier
from sklearn.preprocessing import StandardScaler
from sklearn.utils.class_weight import compute_class_weight

from imbalance_core.errors import DataError
from imbalance_core.learn.classifiers import CLASSIFIERS, WeightedClassifier, class_weights
from tests.helpers_training import hcv_numeric


@pytest.fixture(scope="module")
def xy() -> tuple[np.ndarray, np.ndarray]:
    data = hcv_numeric()
    X = SimpleImputer(strategy="median").fit_transform(data.X)
    return StandardScaler().fit_transform(X), np.asarray(data.y)


def test_balanced_weights_equal_scikit_learn():
    y = np.r_[np.zeros(90, int), np.ones(10, int)]
    ours = class_weights(y, 2, "balanced")
    ref = compute_class_weight("balanced", classes=np.array([0, 1]), y=y)
    assert ours == pytest.approx({0: ref[0], 1: ref[1]}, rel=1e-12)


@pytest.mark.parametrize("t", [0.0, 0.5, 1.0])
def test_tradeoff_weight_is_negatives_over_positives_times_t(t):
    y = np.r_[np.zeros(533, int), np.ones(75, int)]
    assert class_weights(y, 2, "tradeoff", tradeoff=t) == pytest.approx({0: 1.0, 1: 533 / 75 * t})


def test_custom_and_none_and_bad_weights():
    y = np.r_[np.zeros(5, int), np.ones(5, int)]
    assert class_weights(y, 2, "custom", custom=(1.0, 10.0)) == {0: 1.0, 1: 10.0}
    assert class_weights(y, 2, "none") is None
    with pytest.raises(DataError):
        class_weights(y, 2, "tradeoff", tradeoff=1.5)
    with pytest.raises(DataError):
        class_weights(y, 2, "custom", custom=(1.0, -2.0))


def test_class_weight_path_equals_direct_logistic_regression(xy):
    X, y = xy
    ours = WeightedClassifier("logreg", weighting="balanced").fit(X, y)
    ref = LogisticRegression(C=1.0, max_iter=2000, class_weight="balanced", random_state=0).fit(X, y)
    np.testing.assert_allclose(ours.predict_proba(X), ref.predict_proba(X), rtol=1e-6, atol=1e-8)
    plain = WeightedClassifier("logreg").fit(X, y)
    assert not np.allclose(plain.predict_proba(X), ref.predict_proba(X))  # weighting changed the model


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_sample_weight_path_for_the_network(xy):
    X, y = xy
    ours = WeightedClassifier("mlp_seed", weighting="tradeoff", tradeoff=1.0, seed=2).fit(X, y)
    weights = np.where(y == 1, (y == 0).sum() / (y == 1).sum(), 1.0)
    ref = CLASSIFIERS["mlp_seed"].build(CLASSIFIERS["mlp_seed"].defaults(), None, 2)
    ref.fit(X, y, sample_weight=weights)
    np.testing.assert_allclose(ours.predict_proba(X), ref.predict_proba(X), rtol=1e-9)


def test_mlp_seed_is_the_bacteriuria_network(xy):
    X, y = xy
    model = WeightedClassifier("mlp_seed").fit(X, y).estimator_
    assert isinstance(model, MLPClassifier)
    assert model.hidden_layer_sizes == (3, 2) and model.activation == "tanh" and model.solver == "sgd"
    assert model.out_activation_ == "logistic"
    assert model.n_iter_ == 100  # exactly 100 epochs, no early stop


def test_knn_cannot_weigh_and_says_so(xy):
    X, y = xy
    model = WeightedClassifier("knn", weighting="balanced").fit(X, y)
    assert any("ignored" in n for n in model.notices_)


def test_params_are_checked():
    spec = CLASSIFIERS["random_forest"]
    assert spec.resolve((("n_estimators", "50"),))["n_estimators"] == 50
    with pytest.raises(DataError):
        spec.resolve((("n_trees", 5),))
    with pytest.raises(DataError):
        spec.resolve((("n_estimators", 0),))
    with pytest.raises(DataError):
        CLASSIFIERS["svm"].resolve((("kernel", "poly"),))


def test_params_reach_the_model(xy):
    X, y = xy
    model = WeightedClassifier("random_forest", params=(("n_estimators", 12), ("max_depth", 3))).fit(X, y)
    assert len(model.estimator_.estimators_) == 12
    assert max(t.get_depth() for t in model.estimator_.estimators_) <= 3


def test_a_model_that_cannot_fit_a_fold_says_so_plainly():
    X = np.random.default_rng(0).random((20, 2))
    y = np.r_[np.zeros(18, int), np.ones(2, int)]  # too few positives for the SVM's 3-fold calibration
    with pytest.raises(DataError, match="could not be trained"):
        WeightedClassifier("svm").fit(X, y)
