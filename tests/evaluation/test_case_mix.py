"""Case mix against the model file's summaries, and the membership model (Debray et al. 2015)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from imbalance_core.errors import DataError
from imbalance_core.evaluation import case_mix
from imbalance_core.evaluation.formatting import share_text

TYPES = {"age": "numeric", "crp": "numeric", "ward": "categorical"}


def _patients(
    n: int, rng: np.random.Generator, age_shift: float = 0.0, wards=("A", "B", "C")
) -> pd.DataFrame:
    return pd.DataFrame({
        "age": rng.normal(60 + age_shift, 10, n),
        "crp": np.where(rng.random(n) < 0.1, np.nan, rng.gamma(2, 5, n)),
        "ward": rng.choice(list(wards), n).astype(object),
    })  # fmt: skip


def test_summaries_hold_no_rows_and_match_pandas() -> None:
    rng = np.random.default_rng(0)
    X = _patients(500, rng)
    s = case_mix.feature_summaries(X, TYPES)
    assert s["age"]["mean"] == pytest.approx(X["age"].mean())
    assert s["age"]["sd"] == pytest.approx(X["age"].std())
    assert s["crp"]["missing"] == pytest.approx(X["crp"].isna().mean())
    assert s["ward"]["shares"] == pytest.approx(X["ward"].value_counts(normalize=True).to_dict())
    assert all(not isinstance(v, list | np.ndarray) for f in s.values() for v in f.values())


def test_smd_outside_range_unseen_categories_and_verdicts() -> None:
    rng = np.random.default_rng(1)
    dev = _patients(2000, rng)
    new = _patients(1000, rng, age_shift=8.0, wards=("A", "B", "D"))
    mix = case_mix.case_mix(case_mix.feature_summaries(dev, TYPES), new)
    by = {f.feature: f for f in mix.features}
    pooled = np.sqrt((dev["age"].var() + new["age"].var()) / 2)
    assert by["age"].smd == pytest.approx((new["age"].mean() - dev["age"].mean()) / pooled)
    assert by["age"].verdict == "very different"
    expected_out = np.mean((new["age"] < dev["age"].min()) | (new["age"] > dev["age"].max()))
    assert by["age"].outside_range == pytest.approx(expected_out)
    assert by["ward"].unseen == pytest.approx(np.mean(new["ward"] == "D"))
    assert by["ward"].verdict == "very different"
    assert by["crp"].verdict == "similar"
    assert mix.features[0].verdict == "very different"
    assert "age" in mix.summary() and "ward" in mix.summary()
    # the details say their shares by the one formatter (pandas' own counts), never "1.2%"
    assert by["age"].detail.startswith(f"{share_text(expected_out)} of values outside the development range")
    unseen = share_text(np.mean(new["ward"] == "D"))
    assert by["ward"].detail.endswith(f"; {unseen} of rows have a category never seen in development")


def test_no_summaries_is_a_sentence() -> None:
    with pytest.raises(DataError, match="save the model again"):
        case_mix.case_mix({}, pd.DataFrame({"a": [1.0]}))


def test_membership_auc_near_half_for_random_halves_and_high_for_a_planted_shift() -> None:
    rng = np.random.default_rng(2)
    one = _patients(1200, rng)
    order = rng.permutation(len(one))
    a, b = one.iloc[order[:600]], one.iloc[order[600:]]
    same = case_mix.membership_model(a, b, TYPES)
    assert abs(same.auc - 0.5) < 0.07
    assert same.verdict == "similar"
    shifted = case_mix.membership_model(a, _patients(600, rng, age_shift=15.0), TYPES)
    assert shifted.auc > 0.8
    assert shifted.verdict == "very different"
    assert shifted.top_features[0][0] == "age"
    assert "age" in shifted.summary()
