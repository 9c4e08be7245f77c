"""Train page: custom class weights of 0 give the sentence, not a ZeroDivisionError box (issue 18 item 5)."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from pages import session_state

APP = str(Path(__file__).resolve().parents[2] / "app.py")


def test_zero_custom_weights_show_a_sentence_and_keep_the_old_result():
    at = AppTest.from_file(APP, default_timeout=240)
    at.run()
    at.switch_page("pages/train.py")
    at.run()
    at.number_input(key="train_cv").set_value(2).run()
    next(b for b in at.button if b.label == "Train").click().run()
    before = at.session_state[session_state.K_TRAIN_RESULT]
    at.selectbox(key="train_weighting").set_value("custom").run()
    at.number_input(key="train_weight_0").set_value(0.0).run()
    at.number_input(key="train_weight_1").set_value(0.0).run()
    next(b for b in at.button if b.label == "Train").click().run()
    assert not at.exception
    errors = [e.value for e in at.error]
    assert any("Custom class weights must all be above 0" in e for e in errors), errors
    assert not any("ZeroDivision" in e or "Traceback" in e for e in errors)
    assert at.session_state[session_state.K_TRAIN_RESULT] is before
