"""Issue 25: fits that never diverge nor abort, scores at 0/1 by a stated rule, no 'nan' in words.

Each number is checked against an independent computation (statsmodels GLM; Firth by direct numerical
maximisation of the penalised likelihood with scipy).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from scipy.optimize import minimize
from scipy.special import expit, logit

from imbalance_core.evaluation import calibration as cal
from imbalance_core.evaluation import intervals, subgroups


def _subgroup_shape(seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """49 patients, 13 events, scores 0.76-0.96: the subgroup on which undamped Newton diverged."""
    rng = np.random.default_rng(seed)
    p = rng.uniform(0.76, 0.96, 49)
    y = np.zeros(49)
    y[rng.choice(49, 13, replace=False)] = 1
    return y, p


def test_damped_fitter_on_the_subgroup_shape_equals_statsmodels():
    y, p = _subgroup_shape()
    est = cal.calibration_intercept(y, p)
    glm = sm.GLM(y, np.ones((49, 1)), family=sm.families.Binomial(), offset=logit(p)).fit(tol=1e-14)
    assert est.value == pytest.approx(glm.params[0], abs=1e-8)
    assert (est.low, est.high) == pytest.approx(tuple(glm.conf_int(alpha=0.05)[0]), abs=1e-8)
    assert -3.9 < est.value < -2.6 and est.method == "Wald (model-based)"


def test_damped_fitter_converges_on_every_draw_of_that_shape():
    for seed in range(60):
        y, p = _subgroup_shape(seed)
        glm = sm.GLM(y, np.ones((49, 1)), family=sm.families.Binomial(), offset=logit(p)).fit(tol=1e-14)
        assert cal.calibration_intercept(y, p).value == pytest.approx(glm.params[0], abs=1e-7)


def test_subgroup_table_reports_that_intercept_and_says_nothing_is_missing():
    y, p = _subgroup_shape()
    groups = pd.DataFrame({"site": ["A"] * 49})
    row = subgroups.subgroup_table(groups, y.astype(int), p, 0.5).rows[0]
    assert np.isfinite(row.calibration_in_the_large).all()
    assert -3.9 < row.calibration_in_the_large[0] < -2.6
    assert not any("calibration" in r.lower() for r in row.reasons)


def _firth_by_optimiser(y: np.ndarray, X: np.ndarray) -> np.ndarray:
    def neg(beta: np.ndarray) -> float:
        eta = X @ beta
        mu = expit(eta)
        info = (X.T * (mu * (1 - mu))) @ X
        return -(np.sum(y * eta - np.logaddexp(0, eta)) + 0.5 * np.linalg.slogdet(info)[1])

    opts = {"xatol": 1e-10, "fatol": 1e-12, "maxiter": 20000}
    return minimize(neg, np.zeros(X.shape[1]), method="Nelder-Mead", options=opts).x


def test_separated_scores_get_firth_with_the_reason_not_an_abort():
    y = np.array([0, 0, 0, 0, 1, 1, 1] * 10, dtype=float)
    p = np.array([0.1, 0.2, 0.3, 0.35, 0.6, 0.7, 0.9] * 10)  # every event above every non-event
    fit = cal.fit_logistic(y, np.column_stack([np.ones(len(y)), logit(p)]))
    assert fit.method == cal.FIRTH and "separate" in fit.reason
    ref = _firth_by_optimiser(y, np.column_stack([np.ones(len(y)), logit(p)]))
    assert fit.coef == pytest.approx(ref, abs=1e-4)
    est = cal.calibration_slope(y, p)
    assert np.isfinite([est.value, est.low, est.high]).all() and "Firth" in est.method
    with pytest.raises(cal.NotEstimableError, match="separate"):
        cal.fit_logistic(y, np.column_stack([np.ones(len(y)), logit(p)]), penalise_if_separated=False)


def test_identical_scores_are_not_estimable_in_words_never_nan():
    y = np.array([0, 1] * 30)
    p = np.full(60, 0.3)
    m = cal.calibration_metrics(y, p, n_boot=20)
    assert not m.slope.estimable and "every score is the same" in m.slope.method
    text = cal.estimate_text(m.slope)
    assert text.startswith("not estimable: every score is the same") and "nan" not in text.lower()
    assert m.intercept.estimable  # the intercept exists with a fixed offset
    from imbalance_core.figures.calibration import _label

    assert "slope not estimable" in _label("model", m) and "nan" not in _label("model", m)


def test_estimate_text_never_prints_nan():
    nan = float("nan")
    cases = (
        cal.Estimate(nan, nan, nan, "not estimable: x"),
        cal.Estimate(0.2, nan, nan, "no interval: y"),
        cal.Estimate(0.2, 0.1, 0.3, "Wald"),
    )
    for est in cases:
        assert "nan" not in cal.estimate_text(est).lower()
    assert cal.estimate_text(cal.Estimate(0.2, nan, nan, "no interval: y")) == "0.200 (no interval: y)"


def test_scores_at_exactly_zero_follow_the_stated_rule_and_say_so():
    rng = np.random.default_rng(3)
    n = 1278
    y = (rng.random(n) < 0.15).astype(float)
    p = np.where(rng.random(n) < 0.42, 0.0, np.clip(rng.beta(2, 6, n) + 0.2 * y, 0, 1))  # 42 % exactly 0
    eps = cal.boundary_clip(p)
    assert eps == pytest.approx(1 / (2 * n))  # the smallest non-zero score is far above 1/(2n)
    est = cal.calibration_slope(y, p)
    lp = logit(np.clip(p, eps, 1 - eps))
    glm = sm.GLM(y, sm.add_constant(lp), family=sm.families.Binomial()).fit(tol=1e-14)
    assert est.value == pytest.approx(glm.params[1], abs=1e-8)
    k = int(np.sum(p == 0))
    assert f"{k:,} exactly 0 or 1" in est.method and "not meaningful" in est.method
    m = cal.calibration_metrics(y, p, n_boot=20)
    assert "1/(2n)" in m.boundary_note and m.slope.method == est.method


def test_emax_has_no_interval_where_root_n_rescaling_would_be_needed():
    rng = np.random.default_rng(4)
    n = 5000
    lp = -2 + rng.normal(size=n)
    y = (rng.random(n) < expit(lp)).astype(int)
    m = cal.calibration_metrics(y, expit(lp + 0.3), n_boot=20)
    assert np.isfinite(m.emax.value) and not m.emax.has_interval and "maximum" in m.emax.method
    assert m.ici.has_interval
    small = cal.calibration_metrics(y[:1500], expit(lp[:1500] + 0.3), n_boot=20)
    assert small.emax.has_interval  # ordinary percentile bootstrap


def test_bootstrap_defaults_are_one_thousand_where_cheap_and_stated():
    from imbalance_core.evaluation import threshold_uncertainty

    assert intervals.N_BOOT_AP == 1000 and threshold_uncertainty.N_BOOT == 1000
    y = np.r_[np.ones(30), np.zeros(70)].astype(int)
    iv = intervals.bootstrap_average_precision(y, np.random.default_rng(0).random(100), seed=4)
    assert iv.method == "stratified bootstrap (1000 resamples, seed 4)"
    assert cal.N_BOOT == 200  # a lowess fit per resample: 1,000 would cost seconds (bench/bootstrap_1000.py)


@pytest.mark.parametrize(("events", "non_events"), [(1, 40), (4, 40), (40, 3)])
def test_no_delong_interval_below_five_events_or_non_events(events, non_events):
    rng = np.random.default_rng(5)
    y = np.r_[np.ones(events), np.zeros(non_events)].astype(int)
    s = rng.random(events + non_events)
    iv = intervals.delong_roc_auc(y, s)
    assert np.isfinite(iv.value) and np.isnan(iv.lo) and np.isnan(iv.hi)
    assert iv.method.startswith("no interval") and "at least 5" in iv.method
    assert np.isfinite(intervals.delong_roc_auc(np.r_[np.ones(5), np.zeros(5)], rng.random(10)).lo)
