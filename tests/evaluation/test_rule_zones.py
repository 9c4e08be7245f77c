"""Rule-out / rule-in zones: every number against a hand count with numpy / scikit-learn / statsmodels."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from sklearn.metrics import confusion_matrix
from statsmodels.stats.proportion import proportion_confint

from imbalance_core.errors import DataError
from imbalance_core.evaluation import rule_zones as rz
from imbalance_core.evaluation import thresholds as th


def _data(n=400, seed=0, prevalence=0.2, decimals=2):
    rng = np.random.default_rng(seed)
    y = (rng.random(n) < prevalence).astype(int)
    s = np.clip(np.round(rng.beta(2, 5, n) + 0.3 * y, decimals), 0, 1)
    return y, s


def _hand(y, s, lo, hi, p):
    y = np.asarray(y).astype(bool)
    out, ind, inn = s < lo, (s >= lo) & (s < hi), s >= hi
    res = {}
    for name, m in (("rule_out", out), ("indeterminate", ind), ("rule_in", inn)):
        res[name] = (int((m & y).sum()), int((m & ~y).sum()))
    a_out, b_out = res["rule_out"][0] / y.sum(), res["rule_out"][1] / (~y).sum()
    a_in, b_in = res["rule_in"][0] / y.sum(), res["rule_in"][1] / (~y).sum()
    with np.errstate(invalid="ignore"):  # an empty zone has no predictive value
        res["npv_deploy"] = b_out * (1 - p) / (b_out * (1 - p) + a_out * p)
        res["ppv_deploy"] = a_in * p / (a_in * p + b_in * (1 - p))
    res["per1000"] = [1000 * (a * p + b * (1 - p)) for a, b in ((a_out, b_out), (a_in, b_in))]
    res["missed_per1000"] = 1000 * a_out * p
    res["fa_per1000"] = 1000 * b_in * (1 - p)
    return res


@pytest.mark.parametrize(
    ("lo", "hi"), [(0.2, 0.5), (0.25, 0.25), (0.0, 1.0), (0.31, 0.31), (0.0, 0.0), (1.0, 1.0), (0.3, 0.6)]
)
def test_zones_equal_hand_counts(lo, hi):
    y, s = _data()
    z = rz.rule_zones(y, s, lo, hi, prevalence=0.07)
    h = _hand(y, s, lo, hi, 0.07)
    for zone in z.zones:
        assert (zone.n_pos, zone.n_neg) == h[zone.name]
        assert zone.share == pytest.approx(sum(h[zone.name]) / y.size)
    assert sum(zone.n for zone in z.zones) == y.size
    assert z.missed == h["rule_out"][0] and z.false_alarms == h["rule_in"][1]
    out_pos, out_neg = h["rule_out"]
    in_pos, in_neg = h["rule_in"]
    if out_pos + out_neg:
        assert z.npv.value == pytest.approx(out_neg / (out_pos + out_neg))
        lo_w, hi_w = proportion_confint(out_neg, out_pos + out_neg, method="wilson")
        assert (z.npv.lo, z.npv.hi) == pytest.approx((lo_w, hi_w))
        assert z.npv_deploy.value == pytest.approx(h["npv_deploy"])
        assert z.npv_deploy.lo <= z.npv_deploy.value <= z.npv_deploy.hi
    else:  # empty rule-out zone: no NPV, said as NaN (null in JSON)
        assert math.isnan(z.npv.value) and math.isnan(z.npv_deploy.value)
    if in_pos + in_neg:
        assert z.ppv.value == pytest.approx(in_pos / (in_pos + in_neg))
        lo_w, hi_w = proportion_confint(in_pos, in_pos + in_neg, method="wilson")
        assert (z.ppv.lo, z.ppv.hi) == pytest.approx((lo_w, hi_w))
        assert z.ppv_deploy.value == pytest.approx(h["ppv_deploy"])
    else:
        assert math.isnan(z.ppv.value)
    assert z.rule_out.per1000 == pytest.approx(h["per1000"][0])
    assert z.rule_in.per1000 == pytest.approx(h["per1000"][1])
    assert z.rule_out.per1000 + z.indeterminate.per1000 + z.rule_in.per1000 == pytest.approx(1000)
    assert z.missed_per1000 == pytest.approx(h["missed_per1000"])
    assert z.false_alarms_per1000 == pytest.approx(h["fa_per1000"])
    json.dumps(z.to_json(), allow_nan=False)


def test_equal_cutoffs_reduce_to_the_single_threshold_2x2():
    y, s = _data(seed=3)
    t = 0.37
    z = rz.rule_zones(y, s, t, t, prevalence=0.1)
    tn, fp, fn, tp = confusion_matrix(y, s >= t).ravel()
    assert z.indeterminate.n == 0
    assert (z.rule_in.n_pos, z.rule_in.n_neg, z.rule_out.n_pos, z.rule_out.n_neg) == (tp, fp, fn, tn)
    row = th.build_stop_table(y, s, [t], prevalence=0.1)
    r = row.row(row.index_of(t))
    assert z.ppv.value == pytest.approx(r["ppv"]) and z.npv.value == pytest.approx(r["npv"])
    assert (z.ppv.lo, z.ppv.hi) == pytest.approx((r["ppv_lo"], r["ppv_hi"]))
    assert z.ppv_deploy.value == pytest.approx(r["ppv_deploy"])
    assert (z.ppv_deploy.lo, z.ppv_deploy.hi) == pytest.approx((r["ppv_deploy_lo"], r["ppv_deploy_hi"]))
    assert (z.npv_deploy.lo, z.npv_deploy.hi) == pytest.approx((r["npv_deploy_lo"], r["npv_deploy_hi"]))
    assert z.missed_per1000 == pytest.approx(r["per1000_missed"])


def test_ties_at_the_cutoff_go_up_and_one_class_zones_are_fine():
    # Scores tie exactly at both cut-offs; the rule-out zone holds only negatives, rule-in only positives.
    y = np.array([0, 0, 0, 1, 0, 1, 1, 1, 0, 1])
    s = np.array([0.1, 0.1, 0.2, 0.3, 0.3, 0.3, 0.7, 0.7, 0.5, 0.9])
    z = rz.rule_zones(y, s, 0.3, 0.7)
    assert (z.rule_out.n_pos, z.rule_out.n_neg) == (0, 3)
    assert (z.indeterminate.n_pos, z.indeterminate.n_neg) == (2, 2)
    assert (z.rule_in.n_pos, z.rule_in.n_neg) == (3, 0)
    assert z.npv.value == 1.0 and z.ppv.value == 1.0 and z.missed == 0 and z.false_alarms == 0
    assert z.npv.lo == pytest.approx(proportion_confint(3, 3, method="wilson")[0])


def test_stop_columns_give_the_same_zones_by_two_lookups():
    y, s = _data(seed=7, n=900)
    table = th.build_stop_table(y, s, prevalence=0.05)
    extra = rz.zone_stop_columns(table)
    c = table.columns
    for i, j in ((10, 500), (300, 300), (0, len(table) - 1)):
        z = rz.rule_zones(y, s, c["threshold"][i], c["threshold"][j], prevalence=0.05)
        assert (c["fn"][i], c["tn"][i]) == (z.rule_out.n_pos, z.rule_out.n_neg)
        assert (c["tp"][j], c["fp"][j]) == (z.rule_in.n_pos, z.rule_in.n_neg)
        assert extra["share_below"][i] == pytest.approx(z.rule_out.share)
        assert extra["share_at_or_above"][j] == pytest.approx(z.rule_in.share)
        assert extra["per1000_below"][i] == pytest.approx(z.rule_out.per1000)
        assert extra["per1000_false_alarms"][j] == pytest.approx(z.false_alarms_per1000)
        if z.npv.value == z.npv.value:
            assert c["npv_deploy"][i] == pytest.approx(z.npv_deploy.value)


def _brute_rule(y, s, npv_target, ppv_target):
    """Loop over every candidate threshold by hand (the app's candidate set) with numpy masks."""
    cand = th.oof_candidates(y, s).thresholds
    y = np.asarray(y).astype(bool)
    lows = [t for t in cand if (s < t).any() and (~y[s < t]).mean() >= npv_target]
    highs = [t for t in cand if (s >= t).any() and y[s >= t].mean() >= ppv_target]
    return max(lows), min(highs)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_pickers_equal_a_brute_force_search(seed):
    y, s = _data(seed=seed, n=600, prevalence=0.25)
    lo, hi = _brute_rule(y, s, 0.9, 0.6)
    assert rz.pick_rule_out(y, s, 0.9) == lo
    assert rz.pick_rule_in(y, s, 0.6) == hi
    pick = rz.pick_rule(y, s, 0.9, 0.6)
    assert (pick.t_low, pick.t_high) == (min(lo, hi), hi)


def test_pickers_at_a_deployment_prevalence_use_bayes():
    y, s = _data(seed=4, n=600, prevalence=0.3)
    p = 0.05
    yb = np.asarray(y).astype(bool)
    best = None
    for t in th.oof_candidates(y, s).thresholds:
        a, b = (yb & (s < t)).sum() / yb.sum() * p, (~yb & (s < t)).sum() / (~yb).sum() * (1 - p)
        if a + b > 0 and b / (a + b) >= 0.99:
            best = t
    assert rz.pick_rule_out(y, s, 0.99, prevalence=p) == best


def test_bad_rules_and_unreachable_targets_are_sentences():
    y, s = _data()
    with pytest.raises(DataError, match="rule-out cut-off must not be above"):
        rz.check_rule(0.6, 0.4)
    with pytest.raises(DataError, match="rule-in cut-off must be a number"):
        rz.check_rule(0.1, float("nan"))
    with pytest.raises(DataError, match="rule-out cut-off must be a number"):
        rz.check_rule(-0.1, 0.5)
    assert rz.check_rule("0.2", 0.2) == (0.2, 0.2)
    with pytest.raises(DataError, match="lower the target PPV"):
        rz.pick_rule_in(np.r_[0, 1, 0, 1], np.r_[0.9, 0.1, 0.9, 0.1], 0.9)
    with pytest.raises(DataError, match="target NPV must be a share"):
        rz.pick_rule_out(y, s, 1.5)
