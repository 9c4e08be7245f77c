"""Decision figures: bars and points placed from the result, data names escaped."""

from __future__ import annotations

import numpy as np
import pandas as pd

from imbalance_core.evaluation.subgroups import subgroup_table
from imbalance_core.figures.decision import importance_figure, subgroup_figure
from imbalance_core.learn.explain import Importance


def test_importance_bars_largest_on_top_and_names_escaped() -> None:
    imp = Importance(
        features=("<b>x</b>", "b", "c"), mean=np.array([0.3, 0.1, -0.01]), sd=np.array([0.02, 0.01, 0.0]),
        scoring="average_precision", n_repeats=3, seed=0, n_rows=100, baseline=0.5, seconds=0.1,
    )  # fmt: skip
    bar = importance_figure(imp).data[0]
    assert list(bar.y)[-1] == "&lt;b&gt;x&lt;/b&gt;"
    np.testing.assert_allclose(bar.x, [-0.01, 0.1, 0.3])
    np.testing.assert_allclose(bar.error_x.array, [0.0, 0.01, 0.02])


def test_subgroup_forest_points_are_the_table_values() -> None:
    rng = np.random.default_rng(0)
    y = (rng.random(400) < 0.3).astype(int)
    s = np.clip(0.3 * y + rng.random(400) * 0.7, 0, 1)
    table = subgroup_table(pd.DataFrame({"g": rng.choice(["<i>a</i>", "b"], 400)}), y, s, 0.5)
    pts = subgroup_figure(table, "specificity").data[0]
    want = [r.proportions["specificity"].value for r in table.rows][::-1]
    np.testing.assert_allclose(pts.x, want)
    assert "&lt;i&gt;a&lt;/i&gt;" in list(pts.y)
