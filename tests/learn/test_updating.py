"""Updating in Steyerberg's order recovers a planted intercept shift and a planted slope."""

from __future__ import annotations

import numpy as np
import pytest
import statsmodels.api as sm

from imbalance_core.errors import DataError
from imbalance_core.evaluation.calibration import logit
from imbalance_core.learn import updating


def _site(n: int, a: float, b: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    lp = rng.normal(-1.2, 1.2, n)
    p = 1 / (1 + np.exp(-lp))
    y = (rng.random(n) < 1 / (1 + np.exp(-(a + b * lp)))).astype(int)
    return y, p


def test_intercept_shift_is_recovered_and_recommended() -> None:
    y, p = _site(4000, 0.8, 1.0, 0)
    result = updating.update_model(y, p, threshold=0.3, n_boot=30)
    fitted = result.get("intercept").calibrator
    glm = sm.GLM(y, np.ones((len(y), 1)), family=sm.families.Binomial(), offset=logit(p)).fit()
    assert fitted.a == pytest.approx(glm.params[0], abs=1e-6)
    assert fitted.a == pytest.approx(0.8, abs=0.12)
    assert fitted.b == 1.0
    assert result.recommended == "intercept"
    # cross-validated test-fold calibration: the original is off, the update is not
    orig = result.get("none").figures.calibration.intercept
    upd = result.get("intercept").figures.calibration.intercept
    assert not orig.low <= 0 <= orig.high
    assert upd.low <= 0 <= upd.high


def test_planted_slope_is_recovered_and_logistic_recommended() -> None:
    y, p = _site(4000, -0.3, 0.5, 1)
    result = updating.update_model(y, p, threshold=0.3, n_boot=30)
    fitted = result.get("logistic").calibrator
    glm = sm.GLM(y, sm.add_constant(logit(p)), family=sm.families.Binomial()).fit()
    assert (fitted.a, fitted.b) == pytest.approx(tuple(glm.params), abs=1e-6)
    assert fitted.b == pytest.approx(0.5, abs=0.08)
    assert result.recommended == "logistic"
    cv_slope = result.get("logistic").figures.calibration.slope
    assert cv_slope.low <= 1 <= cv_slope.high
    assert result.get("intercept").figures.calibration.slope.high < 1


def test_cross_validation_uses_other_folds_only() -> None:
    y, p = _site(600, 0.5, 1.0, 2)
    folds = updating.fold_ids(y.astype(float), 5, 0)
    tested = updating.cross_validated("intercept", y.astype(float), p, folds)
    k = 0
    inside = folds == k
    by_hand = updating.fit_update("intercept", y[~inside], p[~inside]).transform(p[inside])
    assert tested[inside] == pytest.approx(by_hand)
    assert not np.allclose(tested[inside], updating.fit_update("intercept", y, p).transform(p[inside]))


def test_a_well_calibrated_model_mostly_needs_no_update() -> None:
    # closed testing at 5 %: a calibrated model is sent to an update in about 5 % of samples
    updated = [updating.closed_test(*_site(2000, 0.0, 1.0, seed))[0] != "none" for seed in range(100)]
    assert np.mean(updated) <= 0.12


def test_too_few_patients_is_a_sentence() -> None:
    with pytest.raises(DataError):
        updating.update_model([1, 0, 0, 0], [0.2, 0.3, 0.1, 0.4], 0.3)
