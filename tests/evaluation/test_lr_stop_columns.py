"""LR+ / LR- 95 % intervals as stop-table columns (issue 26): the explorer shows them while dragging.

Checked against a hand computation of the log method of Simel, Samsa & Matchar (1991) written out here
from the 2x2 counts (not the module's code), and against the scalar ``likelihood_ratios`` at every stop.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from imbalance_core.evaluation import thresholds as th
from imbalance_core.evaluation.likelihood_ratios import likelihood_ratios, log_interval_columns

Z = 1.959963984540054


def _simel_by_hand(a: float, b: float, c: float, d: float) -> tuple[float, float, float, float]:
    """(LR+ lo, LR+ hi, LR- lo, LR- hi); a = TP, b = FP, c = FN, d = TN; 0.5 per cell on a zero divisor."""

    def one(x: float, nx: float, y: float, ny: float) -> tuple[float, float]:
        if x == 0 or y == 0:
            x, y, nx, ny = x + 0.5, y + 0.5, nx + 1, ny + 1
        lr = (x / nx) / (y / ny)
        se = math.sqrt(1 / x - 1 / nx + 1 / y - 1 / ny)
        return lr * math.exp(-Z * se), lr * math.exp(Z * se)

    pos = one(a, a + c, b, b + d)
    neg = one(c, a + c, d, b + d)
    return (*pos, *neg)


def test_textbook_table_by_hand():
    # 2x2: TP 90, FP 30, FN 10, TN 170. LR+ = 0.9 / 0.15 = 6; SE = sqrt(1/90 - 1/100 + 1/30 - 1/200)
    cols = log_interval_columns([90], [30], [170], [10])
    se = math.sqrt(1 / 90 - 1 / 100 + 1 / 30 - 1 / 200)
    assert cols["lr_pos_lo"][0] == pytest.approx(6 * math.exp(-Z * se), rel=1e-12)
    assert cols["lr_pos_hi"][0] == pytest.approx(6 * math.exp(Z * se), rel=1e-12)
    se_n = math.sqrt(1 / 10 - 1 / 100 + 1 / 170 - 1 / 200)
    lr_n = 0.1 / 0.85
    assert cols["lr_neg_lo"][0] == pytest.approx(lr_n * math.exp(-Z * se_n), rel=1e-12)
    assert cols["lr_neg_hi"][0] == pytest.approx(lr_n * math.exp(Z * se_n), rel=1e-12)


def _awkward() -> tuple[np.ndarray, np.ndarray]:
    """Few positives, ties, a perfect top: every stop kind (nobody flagged, no FP, everybody flagged)."""
    rng = np.random.default_rng(5)
    y = np.r_[np.zeros(300, int), np.ones(12, int)]
    s = np.r_[rng.beta(2, 5, 300).round(2), rng.beta(5, 2, 12).round(2)]
    s[-2:] = 1.5  # two positives above every negative: stops with no false positive
    return y, s


def test_every_stop_matches_the_hand_formula_and_the_scalar_function():
    y, s = _awkward()
    table = th.table_at(th.score_curve(y, s), th.stops_for(th.score_curve(y, s)))
    assert len(table) > 20
    seen_zero_fp = seen_nobody = False
    for i in range(len(table)):
        r = table.row(i)
        a, b, c, d = r["tp"], r["fp"], r["fn"], r["tn"]
        scalar = likelihood_ratios(a, b, d, c)
        if a == 0 and b == 0:  # nobody flagged: LR+ not estimable
            seen_nobody = True
            assert math.isnan(r["lr_pos_lo"]) and math.isnan(r["lr_pos_hi"])
            assert not scalar.positive.estimable
        else:
            seen_zero_fp |= b == 0
            lo, hi, _, _ = _simel_by_hand(a, b, c, d)
            assert r["lr_pos_lo"] == pytest.approx(lo, rel=1e-9)
            assert r["lr_pos_hi"] == pytest.approx(hi, rel=1e-9)
            assert (r["lr_pos_lo"], r["lr_pos_hi"]) == pytest.approx((scalar.positive.lo, scalar.positive.hi))
            if b > 0 and a > 0:  # plain ratio inside its own interval
                assert r["lr_pos_lo"] <= r["lr_pos"] <= r["lr_pos_hi"]
        if c == 0 and d == 0:  # everybody flagged: LR- not estimable
            assert math.isnan(r["lr_neg_lo"]) and not scalar.negative.estimable
        else:
            _, _, lo, hi = _simel_by_hand(a, b, c, d)
            assert (r["lr_neg_lo"], r["lr_neg_hi"]) == pytest.approx((lo, hi), rel=1e-9)
    assert seen_zero_fp and seen_nobody


def test_payload_carries_the_intervals_as_json_null_where_not_estimable():
    y, s = _awkward()
    data = th.build_explorer_data(y, s, y, s, positive_label="ill", negative_label="well", n_boot=20)
    stops = data.to_payload()["stops"]
    n = len(stops["threshold"])
    for key in ("lr_pos_lo", "lr_pos_hi", "lr_neg_lo", "lr_neg_hi"):
        assert len(stops[key]) == n
        assert all(v is None or (isinstance(v, float) and math.isfinite(v)) for v in stops[key])
    assert stops["lr_neg_lo"][0] is None  # lowest stop flags everybody
