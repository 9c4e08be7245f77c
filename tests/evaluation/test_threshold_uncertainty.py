"""Threshold uncertainty: the bootstrap of the whole picking procedure, against a plain loop and sklearn."""

from __future__ import annotations

import json

import numpy as np
import pytest
from sklearn.metrics import confusion_matrix

from imbalance_core.errors import DataError
from imbalance_core.evaluation import threshold_uncertainty as tu
from imbalance_core.evaluation import thresholds as th
from tests.fit_spy import fit_calls


def _binormal(n: int, seed: int, prevalence: float = 0.3, d: float = 1.5, decimals: int | None = None):
    rng = np.random.default_rng(seed)
    y = rng.random(n) < prevalence
    s = np.where(y, rng.normal(d, 1, n), rng.normal(0, 1, n))
    return y, (np.round(s, decimals) if decimals is not None else s)


def _loop_draws(y, s, requests, n_boot, seed, prevalence=None):
    """The definition: resample each class with replacement (positives first), re-run the app's picker."""
    rng = np.random.default_rng(seed)
    pos, neg = np.flatnonzero(y), np.flatnonzero(~y)
    out = {r.key: [] for r in requests}
    for _ in range(n_boot):
        idx = np.r_[pos[rng.integers(0, pos.size, pos.size)], neg[rng.integers(0, neg.size, neg.size)]]
        for r in requests:
            out[r.key].append(th.run_pick(r, y[idx], s[idx], prevalence).threshold)
    return {k: np.array(v) for k, v in out.items()}


@pytest.mark.parametrize("decimals", [None, 1, 2])
def test_counts_engine_equals_a_loop_that_resorts_every_resample(decimals):
    # Label as last/first class, ties (rounded scores), disease as majority in one case.
    y, s = _binormal(240, seed=5, prevalence=0.7 if decimals == 2 else 0.15, decimals=decimals)
    reqs = tu.default_requests(target_sensitivity=0.9, cost_ratio=4.0, beta=2.0)
    fast = tu.bootstrap_picks(y, s, reqs, n_boot=40, seed=11, prevalence=0.1)
    slow = _loop_draws(y, s, reqs, 40, 11, prevalence=0.1)
    for r in reqs:
        np.testing.assert_array_equal(fast[r.key], slow[r.key])


def test_holdout_ranges_equal_sklearn_counts_at_each_resampled_threshold():
    yo, so = _binormal(400, seed=1, prevalence=0.2, decimals=2)
    yt, st = _binormal(300, seed=2, prevalence=0.2, decimals=2)
    res = tu.threshold_uncertainty(yo, so, yt, st, [th.PickRequest("sensitivity", 0.9)], n_boot=60, seed=4)
    p = res.get("sensitivity")
    assert p is not None and res.n_boot == 60 and res.n_oof == 400
    sens, spec, ppv, npv = [], [], [], []
    for t in p.draws:
        tn, fp, fn, tp = confusion_matrix(yt, st >= t, labels=[False, True]).ravel()
        sens.append(tp / (tp + fn))
        spec.append(tn / (tn + fp))
        ppv.append(tp / (tp + fp) if tp + fp else np.nan)
        npv.append(tn / (tn + fn) if tn + fn else np.nan)
    for name, vals in (("sensitivity", sens), ("specificity", spec), ("ppv", ppv), ("npv", npv)):
        v = np.array(vals)
        lo, hi = np.percentile(v[np.isfinite(v)], [2.5, 97.5])
        assert p.holdout[name][1:] == pytest.approx((lo, hi), abs=1e-12)
    full = th.pick_sensitivity(yo, so, 0.9).threshold
    assert p.threshold == full
    tn, fp, fn, tp = confusion_matrix(yt, st >= full).ravel()
    assert p.holdout["sensitivity"][0] == pytest.approx(tp / (tp + fn))
    assert (p.threshold_lo, p.threshold_hi) == pytest.approx(tuple(np.percentile(p.draws, [2.5, 97.5])))


def test_deployment_ppv_follows_bayes_at_the_given_prevalence():
    yo, so = _binormal(500, seed=3)
    yt, st = _binormal(500, seed=4)
    res = tu.threshold_uncertainty(yo, so, yt, st, prevalence=0.05, n_boot=30)
    p = res.get("youden")
    tn, fp, fn, tp = confusion_matrix(yt, st >= p.threshold).ravel()
    se, sp = tp / (tp + fn), tn / (tn + fp)
    assert p.holdout["ppv_deploy"][0] == pytest.approx(se * 0.05 / (se * 0.05 + (1 - sp) * 0.95))
    assert p.holdout["npv_deploy"][0] == pytest.approx(sp * 0.95 / (sp * 0.95 + (1 - se) * 0.05))


def test_seeded_and_json_is_plain():
    yo, so = _binormal(300, seed=8)
    yt, st = _binormal(200, seed=9)
    a = tu.threshold_uncertainty(yo, so, yt, st, n_boot=25, seed=2)
    b = tu.threshold_uncertainty(yo, so, yt, st, n_boot=25, seed=2)
    c = tu.threshold_uncertainty(yo, so, yt, st, n_boot=25, seed=3)
    assert json.dumps(a.to_json()) == json.dumps(b.to_json())
    assert json.dumps(a.to_json()) != json.dumps(c.to_json())
    j = json.loads(json.dumps(a.to_json(), allow_nan=False))
    assert (
        j["n_boot"] == 25 and j["seed"] == 2 and set(j["picks"]) == {"youden", "sensitivity", "cost", "fbeta"}
    )
    y = j["picks"]["youden"]
    assert y["threshold_lo"] <= y["threshold"] <= y["threshold_hi"]
    assert set(y["holdout"]) == set(tu.MEASURES)
    assert "not a confidence interval" in a.get("youden").sentence()


def test_bad_input_is_a_sentence():
    y, s = _binormal(100, seed=1)
    with pytest.raises(DataError, match="only one class"):
        tu.threshold_uncertainty(np.zeros(100, bool), s, y, s, n_boot=5)
    with pytest.raises(DataError, match="resamples"):
        tu.bootstrap_picks(y, s, [th.PickRequest("youden")], n_boot=0)
    with pytest.raises(DataError, match="Unknown threshold picker"):
        tu.threshold_uncertainty(y, s, y, s, [th.PickRequest("nope")], n_boot=5)


def _youden_interval(n: int, rep: int, n_boot: int = 200) -> tuple[float, float]:
    y, s = _binormal(n, seed=10_000 + rep)
    d = tu.bootstrap_picks(y, s, [th.PickRequest("youden")], n_boot=n_boot, seed=rep)["youden"]
    lo, hi = np.percentile(d, [2.5, 97.5])
    return float(lo), float(hi)


def test_interval_covers_population_optimal_youden_threshold_about_95_percent():
    # Equal-variance binormal N(0,1) vs N(1.5,1): sens + spec - 1 = Phi(x) - Phi(x - 1.5) peaks where the
    # densities meet, x* = 1.5 / 2, whatever the prevalence.
    hits = sum(lo <= 0.75 <= hi for lo, hi in (_youden_interval(1000, r) for r in range(100)))
    assert 88 <= hits <= 99


def test_interval_narrows_as_n_grows():
    widths = [
        np.median([np.subtract(*_youden_interval(n, r)[::-1]) for r in range(15)]) for n in (300, 3000, 30000)
    ]
    assert widths[0] > widths[1] > widths[2]
    assert widths[2] < 0.5 * widths[0]


def test_bootstrap_and_rule_zones_fit_no_model():
    """Profile every Python call: the bootstrap and the zones only count, they never fit anything."""
    from sklearn.linear_model import LogisticRegression

    from imbalance_core.evaluation import rule_zones

    yo, so = _binormal(400, seed=21)
    yt, st = _binormal(300, seed=22)
    with fit_calls() as seen:
        tu.threshold_uncertainty(yo, so, yt, st, n_boot=20)
        rule_zones.rule_zones(yt, st, -0.5, 1.0, 0.1)
        rule_zones.pick_rule(yo, so, 0.8, 0.6)
    assert seen == []
    with fit_calls() as seen:  # positive control: the spy sees a fit
        LogisticRegression().fit(so[:, None], yo)
    assert seen


def test_picker_range_is_named_apart_from_the_wilson_interval_beside_it():
    """Issue 25 (5): the range over resampled picks is not a CI; the Wilson interval of the count is shown."""
    from statsmodels.stats.proportion import proportion_confint

    rng = np.random.default_rng(8)
    yo = (rng.random(600) < 0.2).astype(int)
    so = np.clip(rng.normal(0.3 + 0.3 * yo, 0.15), 0, 1)
    yt = (rng.random(300) < 0.2).astype(int)
    st = np.clip(rng.normal(0.3 + 0.3 * yt, 0.15), 0, 1)
    u = tu.threshold_uncertainty(yo, so, yt, st, n_boot=40, seed=1).get("sensitivity")
    tp = int(((st >= u.threshold) & (yt == 1)).sum())
    lo, hi = proportion_confint(tp, int(yt.sum()), method="wilson")
    assert u.counts["sensitivity"] == (tp, int(yt.sum()))
    assert u.wilson("sensitivity") == pytest.approx((lo, hi), abs=1e-12)
    text = u.sentence("sensitivity")
    assert f"{tp} of {int(yt.sum())}; Wilson 95 % CI {lo:.2f}–{hi:.2f}" in text
    assert "resampled picks deliver sensitivities of" in text and "not a confidence interval" in text
    j = tu.threshold_uncertainty(yo, so, yt, st, n_boot=40, seed=1).to_json()["picks"]["sensitivity"]
    assert j["holdout"]["sensitivity"]["wilson_lo"] == pytest.approx(lo, abs=1e-6)
