"""Model files record each numeric feature's 1st/99th percentiles; the drift table's 'outside the usual
range' uses them (robust to one extreme training value); older summaries without them keep working."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from imbalance_core.evaluation import case_mix

TYPES = {"age": "numeric", "ward": "categorical"}


def _frame(age: np.ndarray, rng: np.random.Generator) -> pd.DataFrame:
    return pd.DataFrame({"age": age, "ward": rng.choice(["A", "B"], age.size).astype(object)})


def test_percentiles_match_numpy_and_one_outlier_cannot_hide_a_shift() -> None:
    rng = np.random.default_rng(4)
    age = rng.normal(60, 10, 2000)
    age[0] = 400.0  # one data-entry error widens min / max to 400
    dev = case_mix.feature_summaries(_frame(age, rng), TYPES)
    assert dev["age"]["p01"] == pytest.approx(np.percentile(age, 1))
    assert dev["age"]["p99"] == pytest.approx(np.percentile(age, 99))
    new_age = rng.normal(90, 10, 800)  # an older population
    mix = case_mix.case_mix(dev, _frame(new_age, rng))
    age_drift = next(f for f in mix.features if f.feature == "age")
    lo, hi = np.percentile(age, [1, 99])
    assert age_drift.outside_usual == pytest.approx(np.mean((new_age < lo) | (new_age > hi)))
    assert age_drift.outside_usual > 0.4 > age_drift.outside_range  # min/max (up to 400) barely see it
    assert "well above 2 % in age" in case_mix.usual_range_sentence(mix.features)


def test_same_population_is_about_two_percent_outside_the_usual_range() -> None:
    rng = np.random.default_rng(5)
    dev = case_mix.feature_summaries(_frame(rng.normal(60, 10, 5000), rng), TYPES)
    mix = case_mix.case_mix(dev, _frame(rng.normal(60, 10, 5000), rng))
    age_drift = next(f for f in mix.features if f.feature == "age")
    assert 0.01 < age_drift.outside_usual < 0.03
    assert "no feature is well above 2 %" in case_mix.usual_range_sentence(mix.features)


def test_an_older_summary_without_percentiles_still_works() -> None:
    rng = np.random.default_rng(6)
    dev = case_mix.feature_summaries(_frame(rng.normal(60, 10, 300), rng), TYPES)
    for key in ("p01", "p99"):
        dev["age"].pop(key)
    mix = case_mix.case_mix(dev, _frame(rng.normal(70, 10, 300), rng))
    age_drift = next(f for f in mix.features if f.feature == "age")
    assert np.isnan(age_drift.outside_usual) and np.isfinite(age_drift.outside_range)
    sentence = case_mix.usual_range_sentence(mix.features)
    assert "not recorded" in sentence and "nan" not in sentence.lower()
