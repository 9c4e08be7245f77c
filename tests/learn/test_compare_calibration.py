"""Compare leaderboard: hold-out Brier, calibration slope and E:O columns, and the Brier ranking."""

from __future__ import annotations

import numpy as np
import pytest
import statsmodels.api as sm
from sklearn.metrics import brier_score_loss

from imbalance_core.learn import compare
from imbalance_core.learn.calibration_summary import LEADERBOARD_COLUMNS
from imbalance_core.learn.training import TrainSettings
from tests import helpers_training as H  # noqa: N812


def test_leaderboard_has_calibration_columns_equal_to_independent_computations():
    grid = compare.run_grid(
        H.hcv_numeric(), ["none", "random_over"], ["logreg"], TrainSettings(cv=3), n_jobs=1
    )
    frame = grid.to_frame("brier")
    assert set(LEADERBOARD_COLUMNS) <= set(frame.columns)
    for row in grid.rows:
        r = row.result
        line = frame[(frame["sampler"] == row.sampler)].iloc[0]
        assert line["Test Brier"] == pytest.approx(brier_score_loss(r.y_test, r.test_scores), abs=1e-12)
        assert line["Test E:O"] == pytest.approx(r.test_scores.sum() / r.y_test.sum(), abs=1e-12)
        lp = np.log(r.test_scores / (1 - r.test_scores))
        glm = sm.GLM(r.y_test, sm.add_constant(lp), family=sm.families.Binomial()).fit(tol=1e-14)
        assert line["Test calibration slope"] == pytest.approx(glm.params[1], abs=1e-8)
    # over-sampling to 1:1 inflates risks: E:O far above 1 and a worse Brier, so it ranks below "none"
    assert frame.iloc[0]["sampler"] == "none"
    assert frame[frame["sampler"] == "random_over"].iloc[0]["Test E:O"] > 1.5
