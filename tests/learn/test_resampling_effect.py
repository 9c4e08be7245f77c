"""'Did resampling help?': same split and folds, paired differences vs scikit-learn, sentences both ways."""

from __future__ import annotations

import dataclasses
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


NAN = float("nan")
OK_CAL = ((0.98, 0.76, 1.26), (0.95, 0.80, 1.10))  # E:O and slope intervals around 1 (the case)


def _side(label: str, cal: tuple, threshold: float = 0.2, share: float = 0.3, sens: float = 0.9,
          spec: float = 0.6) -> re_.ModelSide:  # fmt: skip
    eo, slope = (Estimate(*v, "test") for v in cal)
    metrics = dataclasses.replace(_cal(0.0), e_to_o=eo, slope=slope)
    return re_.ModelSide(label, 0.8, 0.4, threshold, sens, spec, metrics, share)


def _verdict(auc=(0.0, -0.02, 0.02), pr=(0.0, -0.02, 0.02), sens=(0.0, -0.03, 0.03), spec=(0.0, -0.03, 0.03),
             cal=OK_CAL, base: re_.ModelSide | None = None) -> str:  # fmt: skip
    base = base or _side("plain", OK_CAL, threshold=0.1)
    est = lambda v: Estimate(*v, "test")  # noqa: E731
    e = re_.ResamplingEffect(
        _side("SMOTE", cal), base, est(auc), est(pr), est(sens), est(spec), 0.9, 20, 0, ""
    )
    return re_.verdict(e)


#: The verdict table: case -> (words that must appear, words that must not).
VERDICTS = {
    "E:O interval around 1 (0.98, 0.76-1.26): not distorted": (
        {}, ("calibrated within the 95 % intervals", "about the same operating point"), ("distorted",)),
    "E:O interval above 1: distorted": (
        {"cal": ((1.9, 1.6, 2.2), (0.95, 0.8, 1.1))}, ("It distorted the risks",), ("calibrated within",)),
    "slope interval below 1: distorted": (
        {"cal": ((1.0, 0.8, 1.2), (0.6, 0.5, 0.7))}, ("It distorted the risks",), ()),
    "slope not estimable, E:O around 1: not distorted, says so": (
        {"cal": ((1.0, 0.8, 1.2), (NAN, NAN, NAN))},
        ("not shown to be distorted", "not every check could be made", "not estimable"),
        ("distorted the", "nan")),
    "specificity lower beyond chance, sensitivity same: named": (
        {"spec": (-0.030, -0.052, -0.008)}, ("specificity lower (-0.030",), ("about the same",)),
    "PR AUC lower beyond chance, ROC AUC same: named": (
        {"pr": (-0.029, -0.050, -0.008)}, ("PR AUC lower (-0.029",), ("did not change discrimination",)),
    "ROC AUC higher beyond chance: named": (
        {"auc": (0.05, 0.02, 0.08)}, ("ROC AUC higher (+0.050",), ("did not change",)),
    "sensitivity higher and specificity lower: both named": (
        {"sens": (0.08, 0.03, 0.12), "spec": (-0.05, -0.08, -0.02)},
        ("sensitivity higher (+0.080", "specificity lower (-0.050"), ()),
    "nothing excludes 0: no change said": (
        {}, ("did not change discrimination measurably", "about the same operating point"),
        ("higher", "lower")),
    "baseline rule flags everyone (threshold 0, specificity 0): void, falls back to the AUCs": (
        {"sens": (-0.129, -0.2, -0.06),
         "base": _side("plain", OK_CAL, threshold=0.0, share=1.0, sens=1.0, spec=0.0)},
        ("void for the sensitivity comparison", "rests on ROC AUC and PR AUC", "flags 100.0 %"),
        ("sensitivity lower",)),
    "baseline rule flags no one: void": (
        {"base": _side("plain", OK_CAL, threshold=0.99, share=0.0, sens=0.0, spec=1.0)},
        ("void for the sensitivity comparison",), ()),
}  # fmt: skip


@pytest.mark.parametrize("case", list(VERDICTS))
def test_verdict_table(case: str):
    kwargs, present, absent = VERDICTS[case]
    text = _verdict(**kwargs)
    for words in present:
        assert words in text, (case, text)
    for words in absent:
        assert words not in text, (case, text)


def test_paired_bootstrap_equals_a_plain_sklearn_loop_over_the_same_resamples():
    rng = np.random.default_rng(0)
    y = (rng.random(400) < 0.2).astype(int)
    a = np.round(rng.random(400) * 0.5 + 0.3 * y, 2)  # ties on purpose
    b = np.round(rng.random(400) * 0.6 + 0.2 * y, 1)
    fast = re_.paired_bootstrap(y, a, b, 0.4, 0.4, 60, 3)
    replay = np.random.default_rng(3)
    pos, neg = np.flatnonzero(y == 1), np.flatnonzero(y == 0)
    draws = []
    for _ in range(60):
        idx = np.concatenate([replay.choice(pos, len(pos)), replay.choice(neg, len(neg))])
        yy = y[idx]
        sens = lambda s, t, yy=yy: ((s >= t) & (yy == 1)).sum() / (yy == 1).sum()  # noqa: E731
        spec = lambda s, t, yy=yy: ((s < t) & (yy == 0)).sum() / (yy == 0).sum()  # noqa: E731
        draws.append((
            roc_auc_score(yy, a[idx]) - roc_auc_score(yy, b[idx]),
            average_precision_score(yy, a[idx]) - average_precision_score(yy, b[idx]),
            sens(a[idx], 0.4) - sens(b[idx], 0.4), spec(a[idx], 0.4) - spec(b[idx], 0.4),
        ))  # fmt: skip
    low, high = np.quantile(np.array(draws), [0.025, 0.975], axis=0)
    for est, lo, hi in zip(fast, low, high, strict=True):
        assert (est.low, est.high) == pytest.approx((lo, hi), abs=1e-12)
    assert "60 resamples, seed 3" in fast[0].method
    assert re_.N_BOOT == 1000
