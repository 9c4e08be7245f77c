"""Two sessions upload the same image zip (issue 31, item 5): before, the second one got an uncaught
``CacheReplayClosureError``, because the shared feature cache drew a progress bar created outside it."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from pages import session_state
from pages.data import W_UPLOAD
from tests.images.shapes import shapes_zip

ROOT = Path(__file__).resolve().parents[2]


def test_the_same_zip_from_two_sessions_works_in_both() -> None:
    raw = shapes_zip(9, 27, side=12)  # a zip no other test uses, so the first session fills the cache
    tables = []
    for _ in range(2):
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
        at.run()
        at.file_uploader(key=W_UPLOAD).set_value(("same.zip", raw, "application/zip")).run()
        assert not at.exception, at.exception
        data = at.session_state[session_state.K_PREPARED]
        assert data.class_counts == {"SQUARE": 27, "DISC": 9}
        tables.append(at.session_state[session_state.K_TABLE].frame)
    assert tables[0].equals(tables[1])
