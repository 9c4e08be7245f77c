"""'Did resampling help?': same split and folds, paired differences vs scikit-learn, sentences both ways."""

from __future__ import annotations

from functools import cache

import numpy as np
import pytest
from sklearn.metrics import average_precision_score, roc_auc_score

from imbalance_core.errors import DataError
from imbalance_core.evaluation import calibration
from imbalance_core.evaluation.calibration import Estimate
from imbalance_core.learn import resampling_effect as re_
from imbalance_core.learn import training
from tests import helpers_training as H  # noqa: N812


@cache
def pima_pair():
    data = H.pima()
    settings = training.TrainSettings(sampler="smote", classifier="logreg", seed=4)
    return data, training.train(data, settings), training.train(data, re_.baseline_settings(settings))


def test_baseline_has_same_classifier_split_and_folds_without_resampling():
    data, model, base = pima_pair()
    s = re_.baseline_settings(model.settings)
    assert (s.sampler, s.weighting, s.recalibrate, s.classifier) == ("none", "none", "none", "logreg")
    assert np.array_equal(model.test_index, base.test_index)
    folds_m = training.cv_plan(data, model.settings, model.train_index)
    folds_b = training.cv_plan(data, s, base.train_index)
    assert all(np.array_equal(a[1], b[1]) for a, b in zip(folds_m, folds_b, strict=True))
    assert re_.is_baseline(s) and not re_.is_baseline(model.settings)


def test_differences_equal_sklearn_and_sentence_follows_the_numbers():
    _, model, base = pima_pair()
    effect = re_.compare_to_baseline(model, base, n_boot=60)
    y = model.y_test
    assert effect.auc_diff.value == pytest.approx(
        roc_auc_score(y, model.test_scores) - roc_auc_score(y, base.test_scores), abs=1e-12
    )
    assert effect.pr_auc_diff.value == pytest.approx(
        average_precision_score(y, model.test_scores) - average_precision_score(y, base.test_scores),
        abs=1e-12,
    )
    t = effect.model.threshold
    assert effect.model.sensitivity == pytest.approx(
        ((model.test_scores >= t) & (y == 1)).sum() / (y == 1).sum()
    )
    for d in (effect.auc_diff, effect.pr_auc_diff, effect.sensitivity_diff, effect.specificity_diff):
        assert d.low <= d.value <= d.high
    contains_zero = effect.auc_diff.low <= 0 <= effect.auc_diff.high
    assert ("did not change discrimination" in effect.sentence) == contains_zero
    assert effect.as_dict()["sentence"] == effect.sentence


def test_different_split_is_refused():
    data, model, _ = pima_pair()
    other = training.train(data, training.TrainSettings(seed=5))
    with pytest.raises(DataError, match="different split"):
        re_.compare_to_baseline(model, other, n_boot=20)


def _cal(shift: float) -> calibration.CalibrationMetrics:
    rng = np.random.default_rng(0)
    lp = -2 + rng.normal(size=3000)
    y = (rng.random(3000) < 1 / (1 + np.exp(-lp))).astype(int)
    return calibration.calibration_metrics(y, 1 / (1 + np.exp(-(lp + shift))), n_boot=20)


def _effect(auc: tuple[float, float, float], sens: tuple[float, float, float], shift: float):
    side = re_.ModelSide("SMOTE", 0.8, 0.4, 0.2, 0.9, 0.6, _cal(shift))
    base = re_.ModelSide("plain", 0.8, 0.4, 0.1, 0.9, 0.6, _cal(0.0))
    est = lambda v: Estimate(*v, "test")  # noqa: E731
    e = re_.ResamplingEffect(side, base, est(auc), est(auc), est(sens), est(sens), 0.9, 20, 0, "")
    return re_.verdict(e)


def test_sentence_when_resampling_did_not_help_and_distorted_the_risks():
    text = _effect((0.004, -0.01, 0.02), (0.0, -0.03, 0.03), shift=1.6)
    assert "did not change discrimination" in text and "distorted the risks" in text
    assert "same sensitivity" in text and "calibrated risks" in text


def test_sentence_when_resampling_helped():
    text = _effect((0.05, 0.02, 0.08), (0.08, 0.03, 0.12), shift=0.0)
    assert "improved discrimination" in text and "Its risks are calibrated" in text
    assert "higher sensitivity" in text and "did not" not in text


def test_sentence_when_resampling_hurt():
    text = _effect((-0.05, -0.08, -0.02), (-0.08, -0.12, -0.03), shift=0.0)
    assert "worsened discrimination" in text and "lower sensitivity" in text
