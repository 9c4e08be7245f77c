"""Pickers from workload and constraints (top x %, N flags per M patients, PPV >= x) against brute force."""

from __future__ import annotations

import numpy as np
import pytest

from imbalance_core.errors import DataError
from imbalance_core.evaluation import threshold_uncertainty as tu
from imbalance_core.evaluation import thresholds as th
from imbalance_core.evaluation.formatting import percent


def _data(n: int = 400, seed: int = 3, ties: bool = False) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    y = (rng.random(n) < 0.12).astype(int)
    s = 1 / (1 + np.exp(-(rng.normal(size=n) + 1.6 * y - 1.5)))
    return y, (np.round(s, 2) if ties else s)


def _brute(y: np.ndarray, s: np.ndarray):
    """Every distinct cut (flag score >= u) plus 'flag nobody': counts by a plain loop."""
    rows = []
    for u in [*np.unique(s), np.inf]:
        flag = s >= u
        rows.append((u, int((flag & (y == 1)).sum()), int((flag & (y == 0)).sum())))
    return rows


@pytest.mark.parametrize("ties", [False, True])
@pytest.mark.parametrize("share", [0.01, 0.05, 0.2, 0.5])
def test_top_share_flags_the_most_patients_without_passing_the_share(share, ties):
    y, s = _data(ties=ties)
    pick = th.pick_top_share(y, s, share)
    flagged = int((s >= pick.threshold).sum())
    allowed = [tp + fp for _, tp, fp in _brute(y, s) if tp + fp <= share * len(s)]
    assert flagged == max(allowed)
    assert pick.key == "top" and f"flag at most {percent(share)})" in pick.label


@pytest.mark.parametrize("ties", [False, True])
@pytest.mark.parametrize(("target", "prevalence"), [(0.2, None), (0.35, None), (0.1, 0.02), (0.5, 0.3)])
def test_ppv_pick_has_the_highest_sensitivity_keeping_ppv(target, prevalence, ties):
    y, s = _data(ties=ties)
    n_pos, n_neg = int(y.sum()), int((1 - y).sum())
    p = n_pos / len(y) if prevalence is None else prevalence
    best = None
    for _, tp, fp in _brute(y, s):
        sens, fpr = tp / n_pos, fp / n_neg
        if tp + fp == 0:
            continue
        ppv = sens * p / (sens * p + fpr * (1 - p))
        if ppv >= target and (best is None or (tp, -fp) > best):
            best = (tp, -fp)
    pick = th.pick_ppv(y, s, target, prevalence)
    flag = s >= pick.threshold
    assert (int((flag & (y == 1)).sum()), -int((flag & (y == 0)).sum())) == best


def test_ppv_out_of_reach_says_the_highest_reached():
    y, s = np.array([0, 1, 1, 0]), np.array([0.9, 0.8, 0.7, 0.1])  # PPV by cut: 0, 1/2, 2/3, 2/4
    # by hand: 0.99 -> "99.0 %", the best PPV 2/3 -> "66.7 %" (the one formatter's text, with its space)
    with pytest.raises(
        DataError, match=r"No threshold keeps PPV at or above 99\.0 %.*highest reached is 66\.7 %"
    ):
        th.pick_ppv(y, s, 0.99)


@pytest.mark.parametrize(
    ("text", "key", "value"),
    [
        ("top:5%", "top", 0.05),
        ("top:0.05", "top", 0.05),
        ("flags:30/400", "top", 0.075),
        ("workload: 30 / 400", "top", 0.075),
        ("top", "top", 0.05),
        ("ppv:0.2", "ppv", 0.2),
        ("ppv:20%", "ppv", 0.2),
    ],
)
def test_workload_and_constraint_picks_parse(text, key, value):
    request = th.parse_pick(text)
    assert request.key == key and request.value == pytest.approx(value)


@pytest.mark.parametrize("text", ["top:150%", "flags:30/0", "top:lots", "ppv:1.2", "flags:0/400"])
def test_bad_workloads_are_plain_data_errors(text):
    y, s = _data()
    with pytest.raises(DataError):
        th.run_pick(th.parse_pick(text), y, s)


def test_new_pickers_get_the_same_bootstrap_uncertainty_as_the_others():
    y, s = _data(n=600)
    y_test, s_test = _data(n=300, seed=11)
    unc = tu.threshold_uncertainty(
        y, s, y_test, s_test, [th.parse_pick("top:10%"), th.parse_pick("ppv:0.25")], n_boot=60, seed=0
    )
    for key, text in (("top", "top:10%"), ("ppv", "ppv:0.25")):
        entry = unc.get(key)
        assert entry is not None and entry.threshold_lo <= entry.threshold <= entry.threshold_hi
        assert entry.threshold == pytest.approx(th.run_pick(th.parse_pick(text), y, s).threshold)


def test_a_ppv_target_some_resamples_cannot_reach_leaves_them_out_instead_of_failing():
    # On all rows the top scores reach PPV 1.0, but many resamples draw a negative among the top scores.
    y, s = _data(n=300)
    target = 0.97
    full = th.pick_ppv(y, s, target)
    unc = tu.threshold_uncertainty(y, s, y, s, [th.PickRequest("ppv", target)], n_boot=200, seed=0)
    entry = unc.get("ppv")
    assert entry.threshold == pytest.approx(full.threshold)
    finite = entry.draws[np.isfinite(entry.draws)]
    assert 0 < finite.size < 200  # some resamples had no threshold keeping PPV >= 0.97
    assert np.isfinite(entry.threshold_lo) and entry.threshold_lo <= entry.threshold_hi


@pytest.mark.parametrize("ties", [False, True])
@pytest.mark.parametrize("target", [0.5, 0.8, 0.9, 0.95, 1.0])
def test_highest_specificity_with_sensitivity_at_least_x_is_the_sensitivity_picker(target, ties):
    """'Highest specificity with sensitivity >= x' is ``sensitivity:x``: fewest false positives among the
    cuts reaching the target (brute force over every cut)."""
    y, s = _data(ties=ties)
    n_pos = int(y.sum())
    best = max((-fp, tp) for _, tp, fp in _brute(y, s) if tp >= target * n_pos - 1e-9)
    pick = th.run_pick(th.parse_pick(f"sensitivity:{target}"), y, s)
    flag = s >= pick.threshold
    assert (-int((flag & (y == 0)).sum()), int((flag & (y == 1)).sum())) == best
