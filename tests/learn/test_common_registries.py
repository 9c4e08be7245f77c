"""Checks run over every registry entry (samplers and classifiers), like imbalanced-learn's test_common."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.impute import SimpleImputer
from sklearn.preprocessing import StandardScaler

from imbalance_core.learn.classifiers import CLASSIFIERS, WeightedClassifier
from imbalance_core.learn.samplers import SAMPLERS, ResamplingStep
from tests.helpers_training import hcv_numeric

SAMPLER_KINDS = {"none", "over", "under", "combined", "clean", "augment"}
ACCEPTS = {"any", "numeric", "mixed", "categorical", "images"}
#: Samplers that need image data (issue 29); tested in tests/images/test_augment_sampler.py.
IMAGE_ONLY = ("augment",)
ISSUE_SAMPLERS = (
    "none",
    "random_under",
    "random_over",
    "smote",
    "borderline_smote",
    "adasyn",
    "smotenc",
    "smoten",
    "smote_tomek",
    "smote_enn",
    "tomek",
    "one_sided_selection",
    *IMAGE_ONLY,
)
ISSUE_CLASSIFIERS = (
    "logreg",
    "random_forest",
    "hist_gb",
    "svm",
    "knn",
    "mlp_seed",
    "balanced_rf",
    "easy_ensemble",
)


@pytest.fixture(scope="module")
def small() -> tuple[np.ndarray, np.ndarray]:
    """120 HCV rows (100 donors, 20 patients), imputed and standardised."""
    data = hcv_numeric()
    y = np.asarray(data.y)
    rows = np.r_[np.flatnonzero(y == 0)[:100], np.flatnonzero(y == 1)[:20]]
    X = SimpleImputer(strategy="median").fit_transform(data.X.iloc[rows])
    return StandardScaler().fit_transform(X), y[rows]


def test_registry_keys_are_exactly_the_issue_keys():
    assert tuple(SAMPLERS) == ISSUE_SAMPLERS
    assert tuple(CLASSIFIERS) == ISSUE_CLASSIFIERS


@pytest.mark.parametrize("key", [k for k in SAMPLERS if k not in IMAGE_ONLY])
def test_sampler_spec_is_complete_and_runs(key, small):
    spec = SAMPLERS[key]
    assert spec.key == key and spec.name and spec.limits
    assert spec.explanation and "\n" not in spec.explanation and len(spec.explanation) < 120
    assert spec.kind in SAMPLER_KINDS and spec.accepts in ACCEPTS and spec.min_minority >= 1
    assert spec.uses_ratio == (spec.kind in ("over", "under", "combined", "augment"))
    estimator = spec.build({1: 60} if spec.uses_ratio else "auto", 3, 0, (0,))
    assert (estimator is None) == (spec.kind == "none")
    if estimator is not None:
        assert hasattr(estimator, "fit_resample")
    X, y = small
    if spec.accepts == "categorical":
        X = np.digitize(X, [-0.5, 0.5]).astype(float)  # three levels per column
    categorical = {"mixed": (0,), "categorical": tuple(range(X.shape[1]))}.get(spec.accepts, ())
    if spec.accepts == "mixed":
        X = X.copy()
        X[:, 0] = (X[:, 0] > 0).astype(float)
    step = clone(ResamplingStep(method=key, ratio=0.5, categorical=categorical))
    X_out, y_out = step.fit_resample(X, y)
    assert X_out.shape[1] == X.shape[1] and len(X_out) == len(y_out) == len(step.origin_)
    assert set(step.counts_after_) == {0, 1}


@pytest.mark.parametrize("key", list(CLASSIFIERS))
def test_classifier_spec_is_complete_and_gives_probabilities(key, small):
    spec = CLASSIFIERS[key]
    assert spec.key == key and spec.name
    assert spec.explanation and "\n" not in spec.explanation and len(spec.explanation) < 120
    for p in spec.params:
        assert p.label and p.kind in ("int", "float", "choice", "bool")
        if p.kind in ("int", "float"):
            assert p.min <= p.default <= p.max, p.name
        if p.kind == "choice":
            assert p.default in p.choices
    assert spec.resolve(()) == spec.defaults()
    X, y = small
    model = WeightedClassifier(key, weighting="balanced", seed=1).fit(X, y)
    proba = model.predict_proba(X)
    assert proba.shape == (len(y), 2)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    assert list(model.classes_) == [0, 1]
    # the weights were used, or the model says it could not use them
    assert spec.supports_class_weight or spec.supports_sample_weight or model.notices_
