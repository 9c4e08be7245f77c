"""Train page (issue 12 item 6): weighting after a 1:1 sampler and observed-range clipping explain
themselves; clinical bounds are offered per column and the page reports how many values they changed."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from imbalance_core.learn import training
from imbalance_core.learn.training import TrainSettings
from pages import session_state
from pages.train import CLIP_SAYS, bounds_frame, bounds_from_frame
from tests.helpers_training import hcv

APP = str(Path(__file__).resolve().parents[2] / "app.py")


@pytest.fixture
def at() -> AppTest:
    app = AppTest.from_file(APP, default_timeout=240)
    app.run()
    app.switch_page("pages/train.py")
    app.run()
    assert not app.exception
    app.number_input(key="train_cv").set_value(2).run()
    return app


def _texts(at: AppTest) -> list[str]:
    return [e.value for e in (*at.info, *at.caption, *at.warning)]


def test_balanced_weights_on_smote_1_to_1_say_they_change_nothing(at):
    at.selectbox(key="train_sampler").set_value("smote").run()
    at.selectbox(key="train_weighting").set_value("balanced").run()
    assert any("nothing left to balance" in t for t in _texts(at))
    at.select_slider(key="train_ratio").set_value("1:2").run()
    assert not any("nothing left to balance" in t for t in _texts(at))


def test_observed_range_switch_explains_it_changes_nothing_for_smote(at):
    assert CLIP_SAYS not in _texts(at)  # no resampling: no switch to explain
    at.selectbox(key="train_sampler").set_value("smote").run()
    assert CLIP_SAYS in _texts(at)


def test_bounds_frame_suggests_known_analytes_and_none_for_others():
    frame = bounds_frame(hcv()).set_index("Column")
    assert frame.loc["ALT", ["Low", "High"]].tolist() == [0, 10000]
    assert bool(frame.loc["ALT", "Use"]) is True
    assert frame.loc["CHE"].isna()[["Low", "High"]].all() and not bool(frame.loc["CHE", "Use"])
    bounds, bad = bounds_from_frame(frame.reset_index())
    assert ("ALT", 0.0, 10000.0) in bounds and not bad


def test_page_bounds_reach_training_and_the_changed_count_is_reported(at):
    data = hcv()
    alt = np.asarray(data.X["ALT"], dtype=float)
    high = float(np.nanpercentile(alt, 60))
    trained = TrainSettings(sampler="smote", ratio=0.5, clip_bounds=(("ALT", 0.0, high),), cv=2)
    at.session_state[session_state.K_TRAIN_SETTINGS] = (
        trained  # the editor starts from the last trained bounds
    )
    at.switch_page("pages/train.py").run()
    at.selectbox(key="train_sampler").set_value("smote").run()
    at.select_slider(key="train_ratio").set_value("1:2").run()
    at.toggle(key="train_use_bounds").set_value(True).run()
    next(b for b in at.button if b.label == "Train").click().run()
    assert not at.exception, at.exception
    result = at.session_state[session_state.K_TRAIN_RESULT]
    assert result.settings.clip_bounds == (("ALT", 0.0, high),)
    # hand count on the final fit's resampled fold, run without clipping
    free = training.resample_for_view(data, TrainSettings(sampler="smote", ratio=0.5, clip=False, cv=2))
    values = free.X_after[free.is_synthetic][:, list(free.feature_names).index("ALT")]
    expected = int((values > high).sum())
    assert expected > 0 and result.clipped_counts == {"ALT": expected}
    said = [t.replace("\\", "") for t in _texts(at) if t.startswith("Clipping changed")]
    assert said == [f"Clipping changed {expected:,} synthetic values in the final fit: ALT {expected:,}."]
