"""Calibration metrics against independent computations (statsmodels GLM, scikit-learn, hand counts)."""

from __future__ import annotations

import numpy as np
import pytest
import statsmodels.api as sm
from scipy.special import logit as sp_logit
from sklearn.metrics import brier_score_loss
from statsmodels.nonparametric.smoothers_lowess import lowess

from imbalance_core.errors import DataError
from imbalance_core.evaluation import calibration as cal


def _synthetic(n: int, shift: float = 0.0, seed: int = 1, base: float = -2.5):
    """Outcomes from known risks; the scores are those risks pushed by ``shift`` on the logit."""
    rng = np.random.default_rng(seed)
    lp = base + rng.normal(size=n)
    y = (rng.random(n) < 1 / (1 + np.exp(-lp))).astype(int)
    return y, 1 / (1 + np.exp(-(lp + shift)))


def test_intercept_and_slope_equal_statsmodels_glm():
    y, p = _synthetic(3000, shift=0.7)
    lp = sp_logit(p)
    glm = sm.GLM(y, np.ones((len(y), 1)), family=sm.families.Binomial(), offset=lp).fit(tol=1e-14)
    est = cal.calibration_intercept(y, p)
    assert est.value == pytest.approx(glm.params[0], abs=1e-9)
    low, high = glm.conf_int(alpha=0.05)[0]
    assert (est.low, est.high) == pytest.approx((low, high), abs=1e-9)
    glm2 = sm.GLM(y, sm.add_constant(lp), family=sm.families.Binomial()).fit(tol=1e-14)
    est2 = cal.calibration_slope(y, p)
    assert est2.value == pytest.approx(glm2.params[1], abs=1e-9)
    assert (est2.low, est2.high) == pytest.approx(tuple(glm2.conf_int(alpha=0.05)[1]), abs=1e-9)


def test_e_to_o_brier_and_scaled_brier_by_hand():
    y, p = _synthetic(2000, shift=-0.4, seed=3)
    m = cal.calibration_metrics(y, p, n_boot=50, seed=0)
    e, o = p.sum(), y.sum()
    assert m.e_to_o.value == pytest.approx(e / o, abs=1e-12)
    assert m.e_to_o.low == pytest.approx(e / o * np.exp(-1.959963984540054 / np.sqrt(o)), abs=1e-9)
    assert m.e_to_o.high == pytest.approx(e / o * np.exp(1.959963984540054 / np.sqrt(o)), abs=1e-9)
    assert m.brier.value == pytest.approx(brier_score_loss(y, p), abs=1e-12)
    prev = y.mean()
    assert m.scaled_brier.value == pytest.approx(1 - brier_score_loss(y, p) / (prev * (1 - prev)), abs=1e-12)
    assert m.events == int(y.sum()) and m.n == 2000


def test_ici_family_equals_hand_computation_from_sorted_lowess():
    y, p = _synthetic(1500, shift=0.8, seed=4)
    sm_curve = lowess(y, p, frac=2 / 3, it=0, delta=0.005 * (p.max() - p.min()))  # sorted (x, fit) pairs
    order = np.argsort(p, kind="stable")
    gap = np.empty(len(p))
    gap[order] = np.abs(np.clip(sm_curve[:, 1], 0, 1) - sm_curve[:, 0])
    m = cal.calibration_metrics(y, p, n_boot=30, seed=0)
    assert m.ici.value == pytest.approx(gap.mean(), abs=1e-9)
    assert m.e50.value == pytest.approx(np.median(gap), abs=1e-9)
    assert m.e90.value == pytest.approx(np.quantile(gap, 0.9), abs=1e-9)
    assert m.emax.value == pytest.approx(gap.max(), abs=1e-9)


def test_perfectly_calibrated_scores_have_slope_one_and_intercept_zero_within_ci():
    y, p = _synthetic(4000, seed=5)
    m = cal.calibration_metrics(y, p, n_boot=50)
    assert m.slope.low <= 1 <= m.slope.high
    assert m.intercept.low <= 0 <= m.intercept.high
    assert m.e_to_o.low <= 1 <= m.e_to_o.high
    assert m.is_calibrated()


@pytest.mark.parametrize("shift", [-1.0, 0.6, 2.0])
def test_known_logit_shift_is_recovered(shift):
    y, p = _synthetic(6000, shift=shift, seed=6)
    m = cal.calibration_metrics(y, p, n_boot=30)
    assert m.intercept.low <= -shift <= m.intercept.high
    assert abs(m.intercept.value + shift) < 0.15
    assert m.slope.low <= 1 <= m.slope.high
    assert not m.is_calibrated()


def test_bootstrap_is_seeded_and_states_resamples():
    y, p = _synthetic(800, shift=0.3, seed=7)
    a = cal.calibration_metrics(y, p, n_boot=40, seed=11)
    b = cal.calibration_metrics(y, p, n_boot=40, seed=11)
    c = cal.calibration_metrics(y, p, n_boot=40, seed=12)
    assert a.brier == b.brier and a.ici == b.ici
    assert a.ici != c.ici
    assert "40 resamples" in a.ici.method and a.n_boot == 40
    for est in a.estimates().values():
        assert est.low <= est.value <= est.high or est.method.startswith("bootstrap")


def test_large_sample_uses_m_out_of_n_and_says_so():
    y, p = _synthetic(30_000, shift=0.3, seed=8)
    m = cal.calibration_metrics(y, p, n_boot=20)
    assert m.boot_rows == cal.BOOT_ROWS and "m-out-of-n" in m.brier.method
    assert m.smooth_rows == cal.SMOOTH_MAX_ROWS
    assert m.brier.low < m.brier.value < m.brier.high
    assert m.ici.low >= 0


def test_disease_as_majority_and_bad_inputs():
    y, p = _synthetic(1000, seed=9, base=2.0)  # most rows positive
    assert y.mean() > 0.7
    m = cal.calibration_metrics(y, p, n_boot=20)
    assert m.slope.low <= 1 <= m.slope.high
    with pytest.raises(DataError, match="both classes"):
        cal.calibration_metrics(np.ones(10), np.full(10, 0.5), n_boot=20)
    with pytest.raises(DataError, match="between 0 and 1"):
        cal.calibration_metrics([0, 1], [0.2, 1.5], n_boot=20)
    with pytest.raises(DataError, match="coded 1"):
        cal.calibration_metrics([0, 2], [0.2, 0.5], n_boot=20)


def test_scores_at_zero_and_one_still_give_the_glm_slope():
    rng = np.random.default_rng(10)
    y = (rng.random(400) < 0.2).astype(int)
    p = np.where(rng.random(400) < 0.7, y, 1 - y).astype(float)  # kNN-like: only 0 and 1
    m = cal.calibration_metrics(y, p, n_boot=20)
    eps = 1 / (2 * 400)  # the stated rule: exactly 0 or 1 becomes 1/(2n) or 1 - 1/(2n)
    lp = sp_logit(np.clip(p, eps, 1 - eps))
    glm = sm.GLM(y, sm.add_constant(lp), family=sm.families.Binomial()).fit(tol=1e-14)
    assert m.slope.value == pytest.approx(glm.params[1], abs=1e-9)
    assert "400 of 400 scores" in m.slope.method and "not meaningful" in m.slope.method
    assert m.brier.value == pytest.approx(brier_score_loss(y, p), abs=1e-12)


def test_separated_slope_is_firth_penalised_with_its_reason_not_an_error():
    y = np.array([0, 0, 0, 1, 1, 1] * 20)
    p = np.array([0.0, 0.0, 0.0, 1.0, 1.0, 1.0] * 20)  # complete separation
    m = cal.calibration_metrics(y, p, n_boot=20)
    assert np.isfinite(m.slope.value) and "Firth" in m.slope.method and "separate" in m.slope.method


def test_not_estimable_slope_is_missing_with_its_reason_not_an_error():
    y = np.array([0, 1] * 20)
    m = cal.calibration_metrics(y, np.full(40, 0.4), n_boot=20)  # one score for everybody: no slope
    assert np.isnan(m.slope.value) and m.slope.method.startswith("not estimable: every score is the same")
    assert m.as_dict()["slope"]["value"] is None and m.unjudged() == ("Calibration slope",)
