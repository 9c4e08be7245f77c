"""Stability figures (Riley & Collins 2023) against a hand count in plain loops, and the sentence."""

from __future__ import annotations

import numpy as np
import pytest

from imbalance_core.errors import DataError
from imbalance_core.evaluation.stability import flip_sentence, mape_sentence, one_in, prediction_stability


def test_figures_equal_plain_loops_over_patients_and_models():
    rng = np.random.default_rng(0)
    n, b, t = 50, 12, 0.3
    y = (rng.random(n) < 0.3).astype(int)
    final = rng.random(n)
    boot = np.clip(final + rng.normal(0, 0.1, (b, n)), 0, 1)
    s = prediction_stability(y, final, boot, t)
    mape_i, flip_i = [], []
    for i in range(n):
        mape_i.append(sum(abs(boot[k, i] - final[i]) for k in range(b)) / b)
        flip_i.append(sum((boot[k, i] >= t) != (final[i] >= t) for k in range(b)) / b)
    assert s.mape == pytest.approx(sum(mape_i) / n, abs=1e-12)
    assert s.flip_share == pytest.approx(sum(flip_i) / n, abs=1e-12)
    assert s.share_any_flip == pytest.approx(sum(f > 0 for f in flip_i) / n)
    assert s.share_flip_over_fifth == pytest.approx(sum(f > 0.2 for f in flip_i) / n)
    assert s.mape_max == pytest.approx(max(mape_i))
    assert s.n_models == b and len(s.curves) == b
    assert np.all(s.low <= s.high)


def test_identical_models_are_perfectly_stable():
    final = np.linspace(0.05, 0.95, 20)
    y = (final > 0.5).astype(int)
    s = prediction_stability(y, final, np.tile(final, (5, 1)), 0.5)
    assert s.mape == 0 and s.flip_share == 0
    assert s.sentence().startswith("No patient would be classified differently")


def test_the_sentence_says_one_in_n():
    assert one_in(0.125) == "1 in 8"
    assert one_in(0.0004) == "fewer than 1 in 1,000"
    assert flip_sentence(0.125, 0.2).startswith("1 in 8 patients would be classified differently")
    assert "nan" not in flip_sentence(0.6, 0.2)


def test_mismatched_shapes_are_refused_in_a_sentence():
    with pytest.raises(DataError, match="two bootstrap models"):
        prediction_stability([0, 1], [0.2, 0.8], [[0.2, 0.8]], 0.5)
    with pytest.raises(DataError, match="finite"):
        prediction_stability([0, 1], [0.2, 0.8], [[0.2, np.nan], [0.1, 0.9]], 0.5)


def test_the_mape_sentence_says_percentage_points_by_the_one_formatter():
    # the float 0.0125 is 0.01250000000000000069...: 1.25... points, half up by hand -> "1.3"
    text = mape_sentence(0.0125)
    assert "(1.3 percentage points)" in text and "% points" not in text
    assert "nan" not in mape_sentence(float("nan")) and "not estimable" in mape_sentence(float("nan"))


def test_a_majority_share_uses_the_one_formatter():
    assert one_in(0.625) == "63 %"  # 62.5 half up by hand (":.0%" rounds the float to "62%")
