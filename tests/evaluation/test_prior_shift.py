"""EM prevalence of an unlabelled batch (Saerens et al. 2002) on simulated prior shift."""

from __future__ import annotations

import re

import numpy as np
import pytest

from imbalance_core.errors import DataError
from imbalance_core.evaluation import prior_shift
from imbalance_core.evaluation.formatting import percent

PI_DEV = 0.3
SHIFT = 1.5  # mean of x among positives (negatives: 0), unit variance


def _risks(x: np.ndarray) -> np.ndarray:
    """The true risk at the development prevalence: calibrated for the development population."""
    log_lr = SHIFT * x - SHIFT**2 / 2
    return 1 / (1 + np.exp(-(np.log(PI_DEV / (1 - PI_DEV)) + log_lr)))


def _batch(pi: float, n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    y = rng.random(n) < pi
    x = rng.normal(0, 1, n) + SHIFT * y
    return y, _risks(x)


def _record(rng: np.random.Generator, threshold: float) -> dict:
    y, p = _batch(PI_DEV, 4000, rng)
    called = p >= threshold
    return {"train_prevalence": PI_DEV, "tp": float((called & y).sum()), "fp": float((called & ~y).sum()),
            "tn": float((~called & ~y).sum()), "fn": float((~called & y).sum()),
            "intercept_lo": -0.1, "intercept_hi": 0.1, "slope_lo": 0.9, "slope_hi": 1.1}  # fmt: skip


@pytest.mark.parametrize("true_pi", [0.02, 0.05, 0.20])
def test_em_interval_covers_the_true_prevalence_in_most_repetitions(true_pi: float) -> None:
    covered, estimates = 0, []
    reps = 15
    for seed in range(reps):
        rng = np.random.default_rng(seed)
        _, p = _batch(true_pi, 3000, rng)
        est = prior_shift.estimate_prevalence(p, {"train_prevalence": PI_DEV}, n_boot=80, seed=seed)
        covered += est.em.low <= true_pi <= est.em.high
        estimates.append(est.em.value)
    assert covered >= 0.8 * reps, (covered, true_pi)
    # unbiased-ish, and far from the development prevalence the naive mean risk would suggest
    assert np.mean(estimates) == pytest.approx(true_pi, abs=0.25 * true_pi + 0.005)


def test_em_moves_the_mean_risk_toward_the_truth() -> None:
    rng = np.random.default_rng(7)
    _, p = _batch(0.05, 5000, rng)
    est = prior_shift.em_prevalence(p, PI_DEV)
    assert abs(est - 0.05) < abs(p.mean() - 0.05)  # the raw mean risk is biased toward 0.3
    assert prior_shift.em_prevalence(_batch(PI_DEV, 20000, rng)[1], PI_DEV) == pytest.approx(PI_DEV, abs=0.02)


def test_adjusted_count_and_ppv_npv_at_the_estimate() -> None:
    rng = np.random.default_rng(3)
    record = _record(rng, 0.5)
    _, p = _batch(0.05, 4000, rng)
    est = prior_shift.estimate_prevalence(p, record, threshold=0.5, n_boot=50)
    tpr = record["tp"] / (record["tp"] + record["fn"])
    fpr = record["fp"] / (record["fp"] + record["tn"])
    c = float(np.mean(p >= 0.5))
    assert est.called_share == pytest.approx(c)
    c_adj = max(0.0, (c - fpr) / (tpr - fpr))
    assert est.adjusted_count == pytest.approx(c_adj)
    assert est.adjusted_count == pytest.approx(0.05, abs=0.03)
    pi, se, sp = est.em.value, tpr, 1 - fpr
    assert est.ppv.value == pytest.approx(se * pi / (se * pi + (1 - sp) * (1 - pi)))
    assert est.npv.value == pytest.approx(sp * (1 - pi) / (sp * (1 - pi) + (1 - se) * pi))
    assert est.ppv.low <= est.ppv.value <= est.ppv.high
    assert est.npv.low <= est.npv.value <= est.npv.high
    assert est.warning == ""
    said = est.summary()  # the shares by the one formatter, never "5.0%"
    assert f"developed at {percent(PI_DEV)}." in said and f"classify-and-count: {percent(c_adj)}." in said
    assert f"batch: {percent(est.em.value)} (95 % CI {percent(est.em.low)} to {percent(est.em.high)};" in said
    assert not re.search(r"\d%", said)


def test_warning_when_risks_were_resampled_without_recalibration() -> None:
    w = prior_shift.calibration_warning({}, {"sampler": "smote", "recalibrate": "none"})
    assert "without recalibration" in w
    assert prior_shift.calibration_warning({}, {"sampler": "smote", "recalibrate": "platt"}).startswith(
        "The model file does not say"
    )
    bad = {"intercept_lo": 0.2, "intercept_hi": 0.9, "slope_lo": 0.9, "slope_hi": 1.1}
    assert "not well calibrated" in prior_shift.calibration_warning(bad, {})


def test_no_development_prevalence_is_a_sentence() -> None:
    with pytest.raises(DataError, match="prevalence the model was developed at"):
        prior_shift.estimate_prevalence([0.1, 0.2], {})
    with pytest.raises(DataError):
        prior_shift.estimate_prevalence([], {"train_prevalence": 0.2})
