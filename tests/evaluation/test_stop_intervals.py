"""Intervals at every stop (issue 12 item 8), checked against statsmodels, scikit-learn and a row-level
bootstrap written here independently of the binomial shortcut the stop table uses."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats
from sklearn.metrics import (
    accuracy_score,
    balanced_accuracy_score,
    f1_score,
    matthews_corrcoef,
)
from statsmodels.stats.proportion import proportion_confint

from imbalance_core.evaluation import intervals, thresholds


def _data(n: int = 300, seed: int = 5, prevalence: float = 0.2):
    rng = np.random.default_rng(seed)
    y = (rng.random(n) < prevalence).astype(int)
    s = np.clip(rng.normal(0.35 + 0.3 * y, 0.18), 0, 1)
    return y, s


@pytest.mark.parametrize("t", [0.2, 0.45, 0.7])
def test_values_and_wilson_intervals_match_statsmodels_and_sklearn(t):
    y, s = _data()
    table = thresholds.build_stop_table(y, s, extra_thresholds=(t,), prevalence=0.05)
    row = table.row(table.index_of(t))
    pred = (s >= t).astype(int)
    tp, fp = int(np.sum(pred & y)), int(np.sum(pred & (1 - y)))
    fn, tn = int(np.sum(y)) - tp, int(np.sum(1 - y)) - fp
    assert row["accuracy"] == pytest.approx(accuracy_score(y, pred))
    assert row["f1"] == pytest.approx(f1_score(y, pred))
    assert row["balanced_accuracy"] == pytest.approx(balanced_accuracy_score(y, pred))
    assert row["mcc"] == pytest.approx(matthews_corrcoef(y, pred))
    for name, k, nobs in (("sensitivity", tp, tp + fn), ("specificity", tn, tn + fp), ("ppv", tp, tp + fp),
                          ("npv", tn, tn + fn), ("accuracy", tp + tn, len(y))):  # fmt: skip
        lo, hi = proportion_confint(k, nobs, alpha=0.05, method="wilson")
        assert (row[f"{name}_lo"], row[f"{name}_hi"]) == pytest.approx((lo, hi), abs=1e-12), name


def test_deployment_interval_is_bayes_at_bonferroni_wilson_bounds():
    y, s = _data(seed=8)
    t, p = 0.5, 0.03
    table = thresholds.build_stop_table(y, s, extra_thresholds=(t,), prevalence=p)
    row = table.row(table.index_of(t))
    tp, fp, tn, fn = (row[k] for k in ("tp", "fp", "tn", "fn"))
    se = proportion_confint(tp, tp + fn, alpha=0.025, method="wilson")
    sp = proportion_confint(tn, tn + fp, alpha=0.025, method="wilson")

    def ppv(a, b):
        return a * p / (a * p + (1 - b) * (1 - p))

    def npv(a, b):
        return b * (1 - p) / (b * (1 - p) + (1 - a) * p)

    assert row["ppv_deploy_lo"] == pytest.approx(ppv(se[0], sp[0]), abs=1e-12)
    assert row["ppv_deploy_hi"] == pytest.approx(ppv(se[1], sp[1]), abs=1e-12)
    assert row["npv_deploy_lo"] == pytest.approx(npv(se[0], sp[0]), abs=1e-12)
    assert row["npv_deploy_hi"] == pytest.approx(npv(se[1], sp[1]), abs=1e-12)
    assert row["ppv_deploy_lo"] < row["ppv_deploy"] < row["ppv_deploy_hi"]


def test_deployment_interval_covers_at_least_95_percent():
    """Simulated coverage of the true deployment PPV: the Bonferroni construction must reach 95 %."""
    rng = np.random.default_rng(1)
    sens, spec, p, n_pos, n_neg = 0.8, 0.9, 0.02, 40, 200
    truth = sens * p / (sens * p + (1 - spec) * (1 - p))
    tp = rng.binomial(n_pos, sens, 2000)
    tn = rng.binomial(n_neg, spec, 2000)
    iv = intervals.deployment_interval(tp, n_neg - tn, tn, n_pos - tp, p)
    covered = np.mean((iv["ppv_deploy_lo"] <= truth) & (truth <= iv["ppv_deploy_hi"]))
    assert covered >= 0.95


def _row_bootstrap(y, s, t, n_boot, seed):
    """Stratified row-level bootstrap with scikit-learn's metrics (the slow, obvious way)."""
    rng = np.random.default_rng(seed)
    pos, neg = np.flatnonzero(y == 1), np.flatnonzero(y == 0)
    out = {"f1": [], "balanced_accuracy": [], "mcc": []}
    for _ in range(n_boot):
        idx = np.r_[rng.choice(pos, pos.size), rng.choice(neg, neg.size)]
        yt, pr = y[idx], (s[idx] >= t).astype(int)
        out["f1"].append(f1_score(yt, pr, zero_division=0))
        out["balanced_accuracy"].append(balanced_accuracy_score(yt, pr))
        out["mcc"].append(matthews_corrcoef(yt, pr))
    return {k: np.percentile(v, [2.5, 97.5]) for k, v in out.items()}


def test_bootstrap_intervals_agree_with_a_row_level_bootstrap():
    y, s = _data(n=200, seed=11)
    t = 0.5
    table = thresholds.build_stop_table(y, s, extra_thresholds=(t,))
    row = table.row(table.index_of(t))
    tp, fp = row["tp"], row["fp"]
    fine = intervals.bootstrap_stop_intervals(np.array([tp]), np.array([fp]), int(y.sum()),
                                              int((1 - y).sum()), n_boot=3000)  # fmt: skip
    naive = _row_bootstrap(y, s, t, 1500, seed=2)
    for m in ("f1", "balanced_accuracy", "mcc"):
        width = naive[m][1] - naive[m][0]
        assert fine[f"{m}_lo"][0] == pytest.approx(naive[m][0], abs=0.12 * width), m
        assert fine[f"{m}_hi"][0] == pytest.approx(naive[m][1], abs=0.12 * width), m
        assert row[f"{m}_lo"] <= row[m] <= row[f"{m}_hi"], m


def test_bootstrap_interval_of_a_threshold_does_not_depend_on_the_other_stops():
    """The page's stop table and the report's one-threshold row give the same interval."""
    y, s = _data(seed=4)
    t = 0.41
    wide = thresholds.build_stop_table(y, s, extra_thresholds=(t, 0.123, 0.777))
    narrow = thresholds.table_at(thresholds.score_curve(y, s), [t])
    for m in ("f1", "balanced_accuracy", "mcc"):
        for end in ("lo", "hi"):
            assert wide.row(wide.index_of(t))[f"{m}_{end}"] == narrow.row(0)[f"{m}_{end}"]


def test_bootstrap_draws_are_binomial():
    tp_b, fp_b = intervals.bootstrap_table_draws(30, 12, 50, 400, n_boot=20000)
    freq = np.bincount(tp_b, minlength=51) / tp_b.size
    assert np.max(np.abs(freq - stats.binom(50, 0.6).pmf(np.arange(51)))) < 0.01
    assert abs(fp_b.mean() - 12) < 0.2 and abs(fp_b.var() - 400 * 0.03 * 0.97) < 0.6
