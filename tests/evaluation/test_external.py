"""External validation figures checked against scikit-learn and statsmodels on the same written scores."""

from __future__ import annotations

import numpy as np
import pytest
import statsmodels.api as sm
from sklearn.metrics import average_precision_score, roc_auc_score
from statsmodels.stats.proportion import proportion_confint

from imbalance_core.errors import DataError
from imbalance_core.evaluation import external
from imbalance_core.evaluation.calibration import logit


def _miscalibrated(n: int, seed: int, a: float = -0.7, b: float = 0.6) -> tuple[np.ndarray, np.ndarray]:
    """Risks p, outcomes drawn from expit(a + b logit p): planted intercept and slope."""
    rng = np.random.default_rng(seed)
    lp = rng.normal(-1.5, 1.3, n)
    p = 1 / (1 + np.exp(-lp))
    y = rng.random(n) < 1 / (1 + np.exp(-(a + b * lp)))
    return y.astype(int), p


def test_auc_intercept_slope_e_to_o_match_sklearn_and_statsmodels() -> None:
    y, p = _miscalibrated(3000, 1)
    fig = external.validation_figures(y, p, threshold=0.3, n_boot=50)
    assert fig.auc.value == pytest.approx(roc_auc_score(y, p), abs=1e-12)
    assert fig.pr_auc.value == pytest.approx(average_precision_score(y, p), abs=1e-12)
    lp = logit(p)
    glm_slope = sm.GLM(y, sm.add_constant(lp), family=sm.families.Binomial()).fit()
    lo, hi = glm_slope.conf_int()[1]
    assert fig.calibration.slope.value == pytest.approx(glm_slope.params[1], abs=1e-6)
    assert (fig.calibration.slope.low, fig.calibration.slope.high) == pytest.approx((lo, hi), abs=1e-5)
    glm_int = sm.GLM(y, np.ones((len(y), 1)), family=sm.families.Binomial(), offset=lp).fit()
    lo, hi = glm_int.conf_int()[0]
    assert fig.calibration.intercept.value == pytest.approx(glm_int.params[0], abs=1e-6)
    assert (fig.calibration.intercept.low, fig.calibration.intercept.high) == pytest.approx(
        (lo, hi), abs=1e-5
    )
    o, e = y.sum(), p.sum()
    assert fig.calibration.e_to_o.value == pytest.approx(e / o)
    assert fig.calibration.e_to_o.low == pytest.approx(e / o * np.exp(-1.959964 / np.sqrt(o)), rel=1e-5)
    # the planted miscalibration is found
    assert fig.calibration.slope.low < 0.6 < fig.calibration.slope.high


def test_auc_interval_is_delong_and_2x2_rates_are_wilson() -> None:
    y, p = _miscalibrated(800, 2)
    fig = external.validation_figures(y, p, threshold=0.25, n_boot=50)
    called = p >= 0.25
    tp, fp = int((called & (y == 1)).sum()), int((called & (y == 0)).sum())
    fn, tn = int((~called & (y == 1)).sum()), int((~called & (y == 0)).sum())
    assert (fig.table.tp, fig.table.fp, fig.table.tn, fig.table.fn) == (tp, fp, tn, fn)
    for key, (num, den) in {"sensitivity": (tp, tp + fn), "specificity": (tn, tn + fp),
                            "ppv": (tp, tp + fp), "npv": (tn, tn + fn)}.items():  # fmt: skip
        est = fig.table.rate(key)
        lo, hi = proportion_confint(num, den, method="wilson")
        assert est.value == pytest.approx(num / den)
        assert (est.low, est.high) == pytest.approx((lo, hi), abs=1e-10)
    # DeLong: the interval holds the AUC and is about +-1.96 SE wide (Hanley-McNeil SE as a rough check)
    auc = fig.auc.value
    m, n = y.sum(), (1 - y).sum()
    q1, q2 = auc / (2 - auc), 2 * auc**2 / (1 + auc)
    se_hm = np.sqrt((auc * (1 - auc) + (m - 1) * (q1 - auc**2) + (n - 1) * (q2 - auc**2)) / (m * n))
    assert (fig.auc.high - fig.auc.low) / 2 == pytest.approx(1.959964 * se_hm, rel=0.25)


def test_threshold_transport_keeps_the_development_sensitivity() -> None:
    y, p = _miscalibrated(1000, 3)
    t = external.threshold_transport(y, p, threshold=0.5, dev_sensitivity=0.8)
    kept = t.kept_table.rate("sensitivity").value
    assert kept >= 0.8
    # the largest such threshold: a hair above it the sensitivity drops below 0.8
    above = external.table_at(y, p, np.nextafter(t.kept_threshold, 1)).rate("sensitivity").value
    assert above < 0.8
    assert "in development it found 80.0 %." in t.summary()  # 0.8 by hand, the one formatter's text


def test_side_by_side_differences_and_missing_development() -> None:
    y, p = _miscalibrated(500, 4)
    fig = external.validation_figures(y, p, threshold=0.3, n_boot=30)
    record = external.development_record(y, p, 0.3, y)
    rows = external.side_by_side(record, fig)
    assert all(r.difference == pytest.approx(0.0, abs=1e-12) for r in rows)
    assert record["train_prevalence"] == pytest.approx(y.mean())
    bare = external.side_by_side({}, fig)
    assert all(r.development is None and np.isnan(r.difference) for r in bare)


def test_one_class_file_is_a_sentence() -> None:
    with pytest.raises(DataError, match="no positive patients"):
        external.validation_figures(np.zeros(10), np.linspace(0, 1, 10), 0.5)
    assert external.development_record(np.zeros(5), np.ones(5) / 2, 0.5, [0, 1]) == {"train_prevalence": 0.5}
