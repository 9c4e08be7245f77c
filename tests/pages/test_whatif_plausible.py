"""A what-if value of 1e308 was scored without a word (issue 31, item 7): now a warning says the model
never saw such a value; ordinary values stay silent."""

from __future__ import annotations

import numpy as np
import pandas as pd

from imbalance_core.learn import explain
from pages import decision_view
from tests.helpers_training import hcv
from tests.pages.test_decision_view import _app, hcv_result  # noqa: F401  (fixture)


def test_values_far_outside_the_data_or_not_finite_are_flagged() -> None:
    data = hcv()
    feature = data.numeric_features[0]
    low, high = float(data.X[feature].min()), float(data.X[feature].max())
    row = data.X.iloc[[0]].copy()
    for value, flagged in [
        (1e308, True),
        (high + (high - low) * 1.01, True),  # just beyond one range above the maximum (hand count)
        (high + (high - low) * 0.99, False),
        (low - (high - low) * 1.01, True),
        ((low + high) / 2, False),
        (np.inf, True),
        (np.nan, False),  # missing: filled by the imputer as for any patient
    ]:
        row[feature] = value
        got = explain.implausible_values(data, row, (feature,))
        assert bool(got) is flagged, (value, got)
        if flagged:
            assert got[0].startswith(f"{feature}: ")
            assert "trusted" in got[0] or "finite" in got[0]


def test_the_what_if_panel_warns_about_1e308(hcv_result) -> None:  # noqa: F811
    data = hcv_result[3]
    at = _app(hcv_result).run()
    at.selectbox(key=decision_view.W_PATIENT).set_value(2).run()
    features = decision_view.edit_features(data, None, [])
    feature = next(f for f in features if f in data.numeric_features)
    assert not any("never saw such a value" in w.value for w in at.warning)
    at.number_input(key=f"dec_whatif_2_{feature}").set_value(1e308).run()
    assert not at.exception
    assert any("never saw such a value" in w.value and "1e+308" in w.value for w in at.warning)
    assert pd.notna(next(m for m in at.metric if m.label == "Score").value)
