"""Riley et al. minimum sample size: the paper's worked example, hand formulas, statsmodels fits."""

from __future__ import annotations

import dataclasses
import itertools
import math

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from imbalance_core.errors import DataError
from imbalance_core.evaluation import sample_size as ss
from tests.helpers_training import hcv, pima


def test_worked_example_of_the_bmj_paper() -> None:
    """BMJ 2020;368:m441: 24 parameters, prevalence 0.174, R2cs 0.288 -> 623 / 662 / 221, n 662, EPP 4.8."""
    crit = ss.riley_binary(24, 0.174, 0.288)
    assert (crit.n_shrinkage, crit.n_optimism, crit.n_risk) == (623, 662, 221)
    assert crit.minimum == 662
    assert round(crit.epp_at_minimum, 1) == 4.8
    assert crit.shrinkage_optimism == pytest.approx(0.905, abs=5e-4)  # the paper's S for criterion (ii)


def test_criteria_against_hand_formulas_on_other_inputs() -> None:
    p, phi, r2 = 7, 0.05, 0.04
    crit = ss.riley_binary(p, phi, r2)
    lnull = phi * math.log(phi) + (1 - phi) * math.log(1 - phi)
    top = 1 - math.exp(2 * lnull)
    s2 = r2 / (r2 + 0.05 * top)
    assert crit.max_r2cs == pytest.approx(top)
    assert crit.n_shrinkage == math.ceil(p / ((0.9 - 1) * math.log(1 - r2 / 0.9)))
    assert crit.n_optimism == math.ceil(p / ((s2 - 1) * math.log(1 - r2 / s2)))
    assert crit.n_risk == math.ceil((1.96 / 0.05) ** 2 * phi * (1 - phi))


def test_max_r2cs_equals_a_perfect_model_against_statsmodels_null_fit() -> None:
    """max R2cs = 1 - exp(2 lnL_null / n) with lnL_null from statsmodels' intercept-only logit."""
    y = np.r_[np.ones(174), np.zeros(826)]
    null = sm.Logit(y, np.ones((len(y), 1))).fit(disp=0)
    assert ss.max_r2cs(0.174) == pytest.approx(1 - math.exp(2 * null.llf / len(y)), rel=1e-9)
    assert ss.conservative_r2cs(0.174) == pytest.approx(0.15 * ss.max_r2cs(0.174))


@pytest.mark.parametrize(("c", "phi"), [(0.7, 0.1), (0.85, 0.3)])
def test_r2cs_from_c_matches_a_simulated_logistic_fit(c: float, phi: float) -> None:
    """Riley, Van Calster & Collins 2021 simulate the binormal model and fit a logistic regression."""
    rng = np.random.default_rng(7)
    n = 400_000
    y = (rng.random(n) < phi).astype(float)
    d = math.sqrt(2) * float(__import__("scipy").stats.norm.ppf(c))
    x = rng.standard_normal(n) + d * y
    fit = sm.Logit(y, sm.add_constant(x)).fit(disp=0)
    null = sm.Logit(y, np.ones((n, 1))).fit(disp=0)
    simulated = 1 - math.exp(-2 * (fit.llf - null.llf) / n)
    assert ss.r2cs_from_c(c, phi) == pytest.approx(simulated, abs=0.004)


def test_r2cs_from_c_increases_with_c() -> None:
    values = [ss.r2cs_from_c(c, 0.2) for c in (0.6, 0.7, 0.8, 0.9)]
    assert all(b > a for a, b in itertools.pairwise(values))


def test_parameters_counted_as_one_hot_with_a_reference_level() -> None:
    data = hcv()
    count = ss.count_parameters(data)
    dummies = pd.get_dummies(data.X, columns=list(data.categorical_features), drop_first=True)
    assert count.total == dummies.shape[1]
    assert count.numeric == len(data.numeric_features)


def test_adequacy_on_bundled_data_before_and_after_training() -> None:
    data = pima()
    before = ss.adequacy(data)
    y = np.asarray(data.y)
    assert before.n == len(y) and before.events == int(y.sum())
    phi = y.mean()
    assert before.criteria.r2cs == pytest.approx(0.15 * ss.max_r2cs(phi))
    assert "conservative" in before.assumption
    after = ss.adequacy(data, c_statistic=0.83, c_source="cross-validated ROC AUC")
    assert after.criteria.r2cs == pytest.approx(ss.r2cs_from_c(0.83, phi))
    assert "0.830" in after.assumption and "cross-validated" in after.assumption
    assert after.adequate == (after.n >= after.criteria.minimum)
    block = after.as_dict()
    assert block["minimum_n"] == after.criteria.minimum
    assert block["events_per_parameter"] == round(int(y.sum()) / block["parameters"], 2)


def test_bad_inputs_say_what_is_wrong() -> None:
    with pytest.raises(DataError, match="prevalence"):
        ss.riley_binary(5, 0.0, 0.1)
    with pytest.raises(DataError, match="R2"):
        ss.riley_binary(5, 0.2, 0.9)
    with pytest.raises(DataError, match="C statistic"):
        ss.r2cs_from_c(0.4, 0.2)
    data = hcv()
    with pytest.raises(DataError, match="parameters"):
        empty = dataclasses.replace(data, X=data.X.iloc[:, :0], numeric_features=(), categorical_features=())
        ss.adequacy(empty)
