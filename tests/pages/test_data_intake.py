"""AppTest of the Data page's intake (issue 12 items 2-5, 9; issue 18 items 2, 3, 6): the guessed label
and positive with reasons, the positive picker, no silent upload, advice not styled as errors, file names
never shared between sessions, label problems said, code labels grouped."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from pages import session_state
from pages.data import MODE_MULTI, W_GROUP_PREFIX, W_LABEL, W_MODE, W_POSITIVE, W_UPLOAD
from tests.intake.test_label_guess import ckd_clinic, icd_codes, thyroid_export

ROOT = Path(__file__).resolve().parents[2]


def _csv_bytes(frame: pd.DataFrame) -> bytes:
    return frame.to_csv(index=False).encode()


def _app() -> AppTest:
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    app.run()
    assert not app.exception, app.exception
    return app


def _upload(at: AppTest, name: str, raw: bytes) -> None:
    at.file_uploader(key=W_UPLOAD).set_value((name, raw, "text/csv")).run()
    assert not at.exception, at.exception


def _texts(elements) -> list[str]:
    return [e.value for e in elements]


@pytest.fixture
def at() -> AppTest:
    return _app()


def test_thyroid_upload_models_the_diagnosis_not_a_flag_and_shows_why(at: AppTest) -> None:
    frame = thyroid_export()
    _upload(at, "thyroid.csv", _csv_bytes(frame))
    data = at.session_state[session_state.K_PREPARED]
    assert data.label == "diagnosis"  # old rule: TBG_measured with positive 'y'
    assert (
        "negative" not in data.positive_values
        and len(data.positive_values) == frame["diagnosis"].nunique() - 1
    )
    assert int(data.y.sum()) == int((frame["diagnosis"] != "negative").sum())
    why = [t for t in _texts(at.info) if "Why this label and positive class" in t]
    assert why and "named like a diagnosis" in why[0] and "reads as no disease" in why[0]
    assert at.selectbox(key=W_LABEL).value == "diagnosis"


def test_ckd_clinic_positive_is_the_disease_majority(at: AppTest) -> None:
    _upload(at, "ckd.csv", _csv_bytes(ckd_clinic()))
    data = at.session_state[session_state.K_PREPARED]
    assert data.positive_values == ("ckd",) and data.class_counts["ckd"] == 250
    assert at.multiselect(key=W_POSITIVE).value == ["ckd"]
    assert any("majority" in t for t in _texts(at.info))


def test_positive_picker_switches_class_in_one_step(at: AppTest) -> None:
    _upload(at, "ckd.csv", _csv_bytes(ckd_clinic()))
    at.multiselect(key=W_POSITIVE).set_value(["ckd", "notckd"]).run()  # add the other class
    assert not at.exception and not at.error, _texts(at.error)  # old: "Every class is marked positive"
    data = at.session_state[session_state.K_PREPARED]
    assert data.positive_values == ("notckd",) and data.class_counts["notckd"] == 150
    assert at.multiselect(key=W_POSITIVE).value == ["notckd"]  # the selection shown is the one used


def test_removing_the_only_positive_keeps_it_shown_and_used(at: AppTest) -> None:
    _upload(at, "ckd.csv", _csv_bytes(ckd_clinic()))
    at.multiselect(key=W_POSITIVE).set_value([]).run()
    assert not at.exception and not at.error
    data = at.session_state[session_state.K_PREPARED]
    assert data.positive_values == ("ckd",)
    assert at.multiselect(key=W_POSITIVE).value == ["ckd"]  # old: empty box ("Choose options")
    assert any("needs a positive class" in t for t in _texts(at.info))
    # (the sidebar is drawn from the same K_PREPARED; AppTest drops app.py's sidebar after a widget rerun,
    # so the browser test checks it)


def test_same_file_twice_is_a_no_op_with_a_notice(at: AppTest) -> None:
    raw = _csv_bytes(ckd_clinic())
    _upload(at, "ckd.csv", raw)
    before = at.session_state[session_state.K_PREPARED]
    _upload(at, "ckd.csv", raw)
    assert at.session_state[session_state.K_PREPARED] is before
    assert any("already loaded; nothing changed" in t for t in _texts(at.info))
    assert not at.error


def test_single_class_upload_is_refused_with_a_message_and_old_data_stay(at: AppTest) -> None:
    before = at.session_state[session_state.K_PREPARED]
    frame = pd.DataFrame({"outcome": ["yes"] * 40, "crp": np.linspace(1, 9, 40)})
    _upload(at, "one_class.csv", _csv_bytes(frame))
    assert at.session_state[session_state.K_PREPARED] is before
    (message,) = _texts(at.error)
    assert (
        "one_class.csv" in message.replace("\\", "")
        and "only one class" in message
        and "previous data stay" in message
    )


def test_empty_then_valid_upload_loads_the_valid_one(at: AppTest) -> None:
    _upload(at, "empty.csv", b"")
    assert len(at.error) == 1
    _upload(at, "ckd.csv", _csv_bytes(ckd_clinic()))
    assert not at.error
    assert at.session_state[session_state.K_PREPARED].name == "ckd.csv"


def test_unusable_label_candidate_is_said_not_hidden(at: AppTest) -> None:
    rng = np.random.default_rng(3)
    frame = pd.DataFrame(
        {
            "sex": rng.choice(["m", "f"], 60),
            "crp": rng.normal(5, 1, 60).round(2),
            "outcome": np.linspace(0, 1, 60),
        }
    )
    _upload(at, "cont.csv", _csv_bytes(frame))
    warnings = " ".join(_texts(at.warning))
    assert "outcome" in warnings and "measurement rather than classes" in warnings
    assert "choose the label column yourself" in warnings


def test_advice_is_not_styled_as_an_error(at: AppTest) -> None:
    """HCV (7.1:1) and a severe 1:24 upload: guidance comes as info/warning, never a red error box."""
    assert not at.error
    rng = np.random.default_rng(5)
    frame = pd.DataFrame({"crp": rng.normal(5, 1, 250).round(2), "sepsis": ["no"] * 240 + ["yes"] * 10})
    _upload(at, "severe.csv", _csv_bytes(frame))
    assert not at.error
    assert any("Severe imbalance" in t for t in _texts(at.warning))


def test_two_sessions_same_bytes_each_see_their_own_file_name() -> None:
    """AppTests share st.cache_resource within the process like two browser sessions do."""
    raw = _csv_bytes(ckd_clinic())
    first, second = _app(), _app()
    _upload(first, "smith_john_1957-03-02_labs.csv", raw)
    _upload(second, "ward7_export.csv", raw)
    for app, own, other in (
        (second, "ward7_export.csv", "smith_john_1957-03-02_labs.csv"),
        (first, "smith_john_1957-03-02_labs.csv", "ward7_export.csv"),
    ):
        app.run()
        assert app.session_state[session_state.K_PREPARED].name == own
        assert app.session_state[session_state.K_TABLE].name == own
        shown = " ".join(s.value for s in app.subheader)
        assert own in shown.replace("\\", "") and other not in shown.replace("\\", "")


def test_code_label_binary_then_multiclass_needs_grouping(at: AppTest) -> None:
    frame = icd_codes()
    _upload(at, "icd.csv", _csv_bytes(frame))
    data = at.session_state[session_state.K_PREPARED]
    assert data.label == "dx" and int(data.y.sum()) == int((frame["dx"] != "normal").sum())
    at.radio(key=W_MODE).set_value(MODE_MULTI).run()
    (message,) = _texts(at.error)
    assert "at most 20" in message and "Group the codes" in message
    assert not at.session_state[session_state.K_SPEC].multiclass  # refused: the binary task stays
    at.number_input(key=W_GROUP_PREFIX).set_value(1).run()
    at.radio(key=W_MODE).set_value(MODE_MULTI).run()
    assert not at.error, _texts(at.error)
    data = at.session_state[session_state.K_PREPARED]
    assert data.class_counts == frame["dx"].str[:1].value_counts().to_dict()
