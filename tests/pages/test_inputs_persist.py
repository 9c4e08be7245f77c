"""Every page keeps the person's inputs when they visit another page and come back (issue 18 item 8).

Streamlit deletes a widget's session-state entry at the end of any run that does not draw it; AppTest
runs the real script runner, so switching pages here drops the keys exactly as in the browser. Each test
sets every input of one page to a value other than its default (and, for Train, other than the last
trained settings), switches to another page and back, and checks each input. Report and Predict are
tested with their pages (helper "threshold"); Threshold in test_threshold_persist.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[2] / "app.py")
DATA, TRAIN, EXPLORE, COMPARE = "pages/data.py", "pages/train.py", "pages/explore.py", "pages/compare.py"


def _app() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=300)
    at.run()
    assert not at.exception
    return at


def _go(at: AppTest, page: str) -> AppTest:
    at.switch_page(page).run()
    assert not at.exception, at.exception
    return at


def _away_and_back(at: AppTest, page: str, elsewhere: str = DATA) -> AppTest:
    _go(at, elsewhere)
    return _go(at, page)


def test_compare_keeps_its_choices_and_view():
    at = _go(_app(), COMPARE)
    at.multiselect(key="compare_samplers").set_value(["none"]).run()
    at.multiselect(key="compare_classifiers").set_value(["logreg"]).run()
    at.select_slider(key="compare_ratio").set_value("1:3").run()
    at.number_input(key="compare_cv").set_value(2).run()
    at.number_input(key="compare_seed").set_value(11).run()
    next(b for b in at.button if b.label == "Compare").click().run()
    assert not at.exception
    at.selectbox(key="compare_rank").set_value("roc_auc").run()
    at.radio(key="compare_threshold_mode").set_value("set").run()
    at.number_input(key="compare_threshold").set_value(0.3).run()
    _away_and_back(at, COMPARE)
    assert at.multiselect(key="compare_samplers").value == ["none"]
    assert at.multiselect(key="compare_classifiers").value == ["logreg"]
    assert at.select_slider(key="compare_ratio").value == "1:3"
    assert at.number_input(key="compare_cv").value == 2
    assert at.number_input(key="compare_seed").value == 11
    assert at.selectbox(key="compare_rank").value == "roc_auc"
    assert at.radio(key="compare_threshold_mode").value == "set"
    assert at.number_input(key="compare_threshold").value == pytest.approx(0.3)
    assert any("set by hand: 0.3000" in c.value for c in at.caption)  # the table follows the kept value


def test_train_keeps_inputs_that_were_not_trained_yet():
    at = _go(_app(), TRAIN)
    at.selectbox(key="train_sampler").set_value("smote").run()
    at.select_slider(key="train_ratio").set_value("1:3").run()
    at.selectbox(key="train_classifier").set_value("random_forest").run()
    at.number_input(key="train_param_random_forest_n_estimators").set_value(40).run()
    at.selectbox(key="train_weighting").set_value("custom").run()
    at.number_input(key="train_weight_1").set_value(3.0).run()
    at.number_input(key="train_cv").set_value(4).run()
    at.slider(key="train_test_size").set_value(0.3).run()
    at.number_input(key="train_seed").set_value(9).run()
    _away_and_back(at, TRAIN)
    assert at.selectbox(key="train_sampler").value == "smote"
    assert at.select_slider(key="train_ratio").value == "1:3"
    assert at.selectbox(key="train_classifier").value == "random_forest"
    assert at.number_input(key="train_param_random_forest_n_estimators").value == 40
    assert at.selectbox(key="train_weighting").value == "custom"
    assert at.number_input(key="train_weight_1").value == 3.0
    assert at.number_input(key="train_cv").value == 4
    assert at.slider(key="train_test_size").value == pytest.approx(0.3)
    assert at.number_input(key="train_seed").value == 9


def test_train_inputs_for_other_data_are_not_brought_back():
    at = _go(_app(), TRAIN)
    at.number_input(key="train_seed").set_value(9).run()
    _go(at, DATA)
    at.selectbox(key="data_bundled_choice").set_value("pima").run()
    assert not at.exception
    _go(at, TRAIN)
    assert at.number_input(key="train_seed").value != 9  # back to the last trained (default) settings


def test_explore_keeps_its_inputs():
    at = _go(_app(), EXPLORE)
    at.selectbox(key="explore_sampler").set_value("random_under").run()
    at.select_slider(key="explore_ratio").set_value("1:2").run()
    at.radio(key="explore_dims").set_value("3-D").run()
    _away_and_back(at, EXPLORE)
    assert at.selectbox(key="explore_sampler").value == "random_under"
    assert at.select_slider(key="explore_ratio").value == "1:2"
    assert at.radio(key="explore_dims").value == "3-D"


def test_data_page_keeps_its_inputs():
    """Already kept before issue 18 (every input is applied to the task at once and re-seeded from it)."""
    at = _go(_app(), DATA)
    at.selectbox(key="data_bundled_choice").set_value("pima").run()
    assert not at.exception
    excluded = at.multiselect(key="data_exclude").options[0]
    at.multiselect(key="data_exclude").set_value([excluded]).run()
    assert not at.exception
    _away_and_back(at, DATA, elsewhere=TRAIN)
    assert at.selectbox(key="data_bundled_choice").value == "pima"
    assert at.multiselect(key="data_exclude").value == [excluded]
