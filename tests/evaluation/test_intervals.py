"""Wilson against statsmodels, DeLong against its definition, the AP bootstrap against a replayed one."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.metrics import average_precision_score, roc_auc_score
from statsmodels.stats.proportion import proportion_confint

from imbalance_core.evaluation import intervals as iv_mod


def _data(n=500, prev=0.15, seed=0, decimals=2):
    rng = np.random.default_rng(seed)
    y = rng.random(n) < prev
    s = np.round(1 / (1 + np.exp(-(rng.normal(size=n) + 1.5 * y - 1.5))), decimals)
    return y, s


def test_wilson_matches_statsmodels_including_extremes():
    nobs = np.array([1, 2, 5, 12, 12, 12, 100, 1000, 999_999, 7])
    count = np.array([0, 1, 5, 0, 12, 6, 3, 999, 5, 7])
    lo, hi = iv_mod.wilson(count, nobs)
    ref_lo, ref_hi = proportion_confint(count, nobs, alpha=0.05, method="wilson")
    np.testing.assert_allclose(lo, ref_lo, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(hi, ref_hi, rtol=1e-12, atol=1e-12)
    lo0, hi0 = iv_mod.wilson(np.array([0]), np.array([0]))
    assert np.isnan(lo0[0]) and np.isnan(hi0[0])


def _delong_by_definition(y, s):
    """O(m·n) placement values: psi(x, y) = 1 if x > y, 1/2 if equal, 0 otherwise."""
    pos, neg = s[y], s[~y]
    psi = (pos[:, None] > neg[None, :]) + 0.5 * (pos[:, None] == neg[None, :])
    v10, v01 = psi.mean(1), psi.mean(0)
    return psi.mean(), v10.var(ddof=1) / pos.size + v01.var(ddof=1) / neg.size


@pytest.mark.parametrize("seed", [0, 1])
def test_delong_matches_definition_and_sklearn_auc(seed):
    y, s = _data(n=400, seed=seed)
    iv = iv_mod.delong_roc_auc(y, s)
    auc, var = _delong_by_definition(y, s)
    assert iv.value == pytest.approx(roc_auc_score(y, s), abs=1e-12)
    assert iv.value == pytest.approx(auc, abs=1e-12)
    half = iv_mod.Z95 * np.sqrt(var)
    assert iv.lo == pytest.approx(auc - half, abs=1e-12)
    assert iv.hi == pytest.approx(auc + half, abs=1e-12)


def test_delong_clips_to_unit_interval_and_handles_one_class():
    y = np.array([False] * 5 + [True] * 5)
    s = np.r_[np.linspace(0, 0.4, 5), np.linspace(0.6, 1, 5)]
    iv = iv_mod.delong_roc_auc(y, s)
    assert iv.value == 1.0 and iv.hi == 1.0 and iv.lo <= 1.0
    assert np.isnan(iv_mod.delong_roc_auc(np.zeros(4, bool), np.arange(4.0)).value)


def test_bootstrap_ap_value_matches_sklearn_with_ties():
    y, s = _data(n=600, seed=3)
    assert iv_mod.bootstrap_average_precision(y, s, n_boot=0).value == pytest.approx(
        average_precision_score(y, s), abs=1e-12
    )


def test_bootstrap_ap_interval_equals_replayed_resamples_scored_by_sklearn():
    y, s = _data(n=300, seed=4)
    n_boot, seed = 60, 7
    iv = iv_mod.bootstrap_average_precision(y, s, n_boot=n_boot, seed=seed)
    # Replay the documented draws on the descending-sorted rows and score each resample with sklearn.
    order = np.argsort(-s, kind="mergesort")
    ys, ss = y[order], s[order]
    pos, neg = np.flatnonzero(ys), np.flatnonzero(~ys)
    rng = np.random.default_rng(seed)
    boots = []
    for _ in range(n_boot):
        rows = np.r_[pos[rng.integers(0, pos.size, pos.size)], neg[rng.integers(0, neg.size, neg.size)]]
        boots.append(average_precision_score(ys[rows], ss[rows]))
    lo, hi = np.percentile(boots, [2.5, 97.5])
    assert (iv.lo, iv.hi) == (pytest.approx(lo, abs=1e-12), pytest.approx(hi, abs=1e-12))
    assert iv.lo < iv.value < iv.hi
    assert "60 resamples" in iv.method


def test_bootstrap_is_reproducible_and_capped_for_large_samples(monkeypatch):
    y, s = _data(n=400, seed=5)
    first = iv_mod.bootstrap_average_precision(y, s, 30, seed=1)
    assert first == iv_mod.bootstrap_average_precision(y, s, 30, seed=1)
    monkeypatch.setattr(iv_mod, "BOOTSTRAP_WORK", 400 * 50)
    assert "50 resamples" in iv_mod.bootstrap_average_precision(y, s, 500).method
