"""Riley et al. (2021) sample size for validation: the standard errors behind each criterion checked
against independent computations (statsmodels' GLM standard error, DeLong, the spread of simulated O/E)."""

from __future__ import annotations

import math

import numpy as np
import pytest
import statsmodels.api as sm

from imbalance_core.evaluation import validation_size as vs
from imbalance_core.evaluation.calibration import logit
from imbalance_core.evaluation.formatting import share_text
from imbalance_core.evaluation.intervals import delong_roc_auc


def _calibrated(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    lp = rng.normal(-2.0, 1.0, n)
    p = 1 / (1 + np.exp(-lp))
    return (rng.random(n) < p).astype(int), p


def test_slope_se_matches_the_glm_standard_error() -> None:
    y, p = _calibrated(20000, 0)
    glm = sm.GLM(y, sm.add_constant(logit(p)), family=sm.families.Binomial()).fit()
    formula = math.sqrt(vs.slope_information(p) / len(y))
    assert formula == pytest.approx(glm.bse[1], rel=0.05)


def test_c_se_is_close_to_delong() -> None:
    y, p = _calibrated(5000, 1)
    d = delong_roc_auc(y, p)
    se_delong = (d.hi - d.lo) / (2 * 1.959964)
    assert vs.se_c(len(y), y.mean(), d.value) == pytest.approx(se_delong, rel=0.15)


def test_log_eo_se_matches_simulation() -> None:
    rng = np.random.default_rng(2)
    n, phi = 2000, 0.1
    ln_oe = [np.log(rng.binomial(n, phi) / (n * phi)) for _ in range(4000)]
    assert vs.se_log_eo(n, phi) == pytest.approx(np.std(ln_oe), rel=0.05)


def test_needed_sizes_reach_their_width_and_one_fewer_does_not() -> None:
    y, p = _calibrated(3000, 3)
    phi = y.mean()
    n = vs.n_for_eo(phi)
    assert vs.eo_width(n, phi) <= 0.2 + 1e-12 < vs.eo_width(n - 1, phi)
    n = vs.n_for_c(phi, 0.8)
    assert vs.c_width(n, phi, 0.8) <= 0.1 < vs.c_width(n - 1, phi, 0.8)
    n = vs.n_for_slope(p)
    assert vs.slope_width(n, p) <= 0.2 + 1e-12 < vs.slope_width(n - 1, p)
    # an O/E interval 0.9 to 1.1 wide (width 0.2) is SE(ln O/E) ~ 0.051, as Riley et al. 2021 state;
    # n = (1 - phi) / (phi SE^2) by hand at a rare outcome (phi = 1.8 %)
    assert vs.n_for_eo(0.018) == pytest.approx(0.982 / (0.018 * 0.051**2), rel=0.01)


def test_report_of_a_file() -> None:
    y, p = _calibrated(400, 4)
    size = vs.validation_size(y, p)
    assert size.n == 400 and size.events == int(y.sum())
    assert size.n_needed == max(c.n_needed for c in size.criteria)
    assert not all(c.met for c in size.criteria)
    assert "needs about" in size.summary()
    assert size.assumption.startswith(f"prevalence {share_text(float(np.mean(y)))} and C ")  # one formatter
