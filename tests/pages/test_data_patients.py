"""AppTest of the Data page's patients section (issue 24): '-' read as 'no diagnosis' with a one-click
switch to missing, a guessed ID undone in one click, copies kept together or dropped, a column recorded
after the outcome excluded in one click."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from pages import session_state
from pages.data import W_UPLOAD
from tests.intake.test_right_patients import (
    N,
    dash_diagnosis_codes,
    heart_failure_followup,
    screening_with_copies,
    unnamed_record_codes,
)

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def at() -> AppTest:
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    app.run()
    assert not app.exception, app.exception
    return app


def _upload(at: AppTest, name: str, frame) -> None:
    at.file_uploader(key=W_UPLOAD).set_value((name, frame.to_csv(index=False).encode(), "text/csv")).run()
    assert not at.exception, at.exception


def _texts(at: AppTest) -> str:
    return " ".join(str(x.value) for x in (*at.info, *at.warning))


def test_dash_is_no_diagnosis_and_one_click_makes_it_missing(at: AppTest) -> None:
    frame = dash_diagnosis_codes()
    _upload(at, "dx.csv", frame)
    data = at.session_state[session_state.K_PREPARED]
    assert len(data.y) == N and "Z" in data.positive_values and "-" not in data.positive_values
    assert "class of its own" in _texts(at)
    at.button(key="data_mark_-").click().run()
    assert not at.exception
    data = at.session_state[session_state.K_PREPARED]
    assert len(data.y) == int((frame["dx_code"] != "-").sum())
    at.button(key="data_mark_-").click().run()
    assert len(at.session_state[session_state.K_PREPARED].y) == N


def test_guessed_id_is_said_and_undone_in_one_click(at: AppTest) -> None:
    _upload(at, "ref.csv", unnamed_record_codes())
    assert "guess" in _texts(at)
    at.button(key="data_not_id_ref").click().run()
    data = at.session_state[session_state.K_PREPARED]
    assert not data.repeated_ids and "ref" in data.X.columns


def test_copies_kept_together_then_dropped(at: AppTest) -> None:
    frame = screening_with_copies()
    _upload(at, "screen.csv", frame)
    n_copies = int(frame.duplicated().sum())
    assert "kept together" in _texts(at)
    at.button(key="data_duplicates").click().run()
    data = at.session_state[session_state.K_PREPARED]
    assert len(data.y) == N - n_copies and data.duplicates == "drop"


def test_after_outcome_column_is_excluded_in_one_click(at: AppTest) -> None:
    _upload(at, "hf.csv", heart_failure_followup())
    assert "may be recorded after the outcome" in _texts(at)
    at.button(key="data_after_time").click().run()
    data = at.session_state[session_state.K_PREPARED]
    assert "time" not in data.X.columns and data.excluded["time"] == "left out by you"
    assert data.label == "DEATH_EVENT" and not data.repeated_ids  # CPK is no patient ID
