"""AppTest: recalibration on the Train page, raw vs recalibrated calibration, 'did resampling help?',
and the Threshold page's decision curve drawn only from honest risks."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from imbalance_core.learn import recalibration

APP = str(Path(__file__).resolve().parents[2] / "app.py")


@pytest.fixture
def at() -> AppTest:
    app = AppTest.from_file(APP, default_timeout=300)
    app.run()
    app.switch_page("pages/train.py")
    app.run()
    app.number_input(key="train_cv").set_value(3).run()
    return app


def _train(at: AppTest, sampler: str, recalibrate: str) -> None:
    at.selectbox(key="train_sampler").set_value(sampler).run()
    at.selectbox(key="train_recalibrate").set_value(recalibrate).run()
    next(b for b in at.button if b.label == "Train").click().run()
    assert not at.exception


def _frames(at: AppTest) -> list:
    return [d.value for d in at.dataframe]


def test_train_page_recalibrates_and_shows_raw_and_recalibrated_metrics(at):
    _train(at, "smote", "platt")
    result = at.session_state["train_result"]
    assert result.settings.recalibrate == "platt" and result.calibrator is not None
    raw_test, _ = recalibration.raw_scores(result)
    assert np.allclose(result.test_scores, result.calibrator.transform(raw_test))
    # issue 26: one row per risk set, four metric columns per table (two tables), so none is cut off
    table = next(f for f in _frames(at) if "Risks" in f.columns and "Slope" in f.columns)
    assert {"classifier's own scores", "recalibrated"} <= set(table["Risks"])
    assert any("E90" in f.columns and "Scaled Brier" in f.columns for f in _frames(at))
    # did resampling help? one more fit, then a sentence and the side-by-side table
    next(b for b in at.button if b.label.startswith("Compare with the model")).click().run()
    assert not at.exception
    assert any("discrimination" in i.value for i in at.info)
    effect = next(f for f in _frames(at) if "Difference (95 % CI)" in f.columns)
    assert "ROC AUC" in set(effect["Measure"])
    table = next(f for f in _frames(at) if "Risks" in f.columns and "Slope" in f.columns)
    assert "without resampling" in set(table["Risks"])  # the baseline's curve and metrics joined the figure


def test_threshold_page_warns_instead_of_drawing_net_benefit_from_distorted_risks(at):
    _train(at, "smote", "none")
    at.switch_page("pages/threshold.py").run()
    assert not at.exception
    warnings = " ".join(w.value for w in at.warning)
    assert "decision curve drawn from them would mislead" in warnings


def test_threshold_page_draws_decision_curves_from_recalibrated_risks(at):
    _train(at, "smote", "platt")  # on HCV: E:O 0.92 (0.59 to 1.44), slope 1.51 (0.93 to 2.09)
    at.switch_page("pages/threshold.py").run()
    assert not at.exception
    assert "would mislead" not in " ".join(w.value for w in at.warning)
    assert "Drawn from recalibrated risks" in " ".join(c.value for c in at.caption)


def test_prior_correction_that_leaves_slope_off_is_flagged_as_miscalibrated(at):
    _train(at, "smote", "prior")  # on HCV: slope 0.70 (0.43 to 0.97): SMOTE is not random over-sampling
    at.switch_page("pages/threshold.py").run()
    assert not at.exception
    assert "miscalibrated" in " ".join(w.value for w in at.warning)


def test_platt_on_separated_scores_trains_on_the_page_and_says_why_penalised(at, tmp_path):
    """Issue 25 (2): the Train page completes Platt on data one column separates, and says Firth."""
    import pandas as pd

    from imbalance_core.intake import read, task
    from tests.pages.seating import seat_data

    rng = np.random.default_rng(0)
    y = (rng.random(240) < 0.25).astype(int)
    path = tmp_path / "separated.csv"
    pd.DataFrame({"marker": y * 5 + rng.random(240), "noise": rng.normal(size=240), "outcome": y}).to_csv(
        path, index=False
    )
    table = read.read_table(path)
    spec = task.TaskSpec(label="outcome", positive=("1",))
    seat_data(at, table=table, spec=spec, source="upload:separated", data=task.prepare(table, spec))
    at.switch_page("pages/train.py").run()
    at.number_input(key="train_cv").set_value(3).run()
    at.selectbox(key="train_classifier").set_value("logreg").run()
    _train(at, "none", "platt")
    result = at.session_state["train_result"]
    assert result.calibrator is not None and "Firth" in result.calibrator.describe()
    shown = " ".join(str(e.value) for e in (*at.info, *at.caption, *at.warning, *at.markdown))
    assert "separate the classes" in shown.replace("\\", "")
    assert not any("nan" in str(f.to_string()).lower() for f in _frames(at))
