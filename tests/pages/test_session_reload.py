"""A reload mid-work is said, not silent (issue 18 item 10), and an upload the server has no memory for
is refused in words. The address carries a mark (no data) while the session holds work; a new session
opened on a marked address says the earlier work is gone. (AppTest reruns only the page script after the
first run, so the mark's life across reruns is tested on a small script calling the same functions, and
in Chromium by tests/e2e/test_reload_browser.py.)"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from streamlit.testing.v1 import AppTest

from pages import data_source, session_state, sidebar
from pages.data import W_UPLOAD

ROOT = Path(__file__).resolve().parents[2]


def _session_script() -> None:
    """What app.py does around a page, with an upload button standing in for the Data page."""
    import numpy as np
    import pandas as pd
    import streamlit as st

    from pages import data_source, sidebar

    data_source.init_state()
    sidebar.mark_work_in_address()
    sidebar.sidebar_status()
    if st.button("upload", key="up"):
        rng = np.random.default_rng(0)
        frame = pd.DataFrame({"age": rng.integers(20, 90, 120), "crp": rng.gamma(2, 3, 120)})
        frame["sepsis"] = np.where(rng.random(120) < 0.2, "yes", "no")
        data_source.use_upload(frame.to_csv(index=False).encode(), "ward.csv")
    sidebar.mark_work_in_address()


def _script(query: dict[str, str] | None = None) -> AppTest:
    at = AppTest.from_function(_session_script, default_timeout=90)
    at.query_params.update(query or {})
    at.run()
    assert not at.exception, at.exception
    return at


def _notices(at: AppTest) -> list[str]:
    return [w.value for w in at.sidebar.warning]


def test_fresh_session_has_no_mark_and_no_notice() -> None:
    at = _script()
    assert sidebar.RELOAD_NOTICE not in _notices(at)
    assert session_state.WORK_MARK not in at.query_params


def test_an_upload_puts_the_mark_in_the_address() -> None:
    at = _script()
    at.button(key="up").click().run()
    assert at.session_state[session_state.K_SOURCE].startswith("upload:")
    assert at.query_params.get(session_state.WORK_MARK) == "1"


def test_a_reloaded_marked_address_says_the_work_is_gone_until_new_work() -> None:
    at = _script({session_state.WORK_MARK: "1"})
    assert sidebar.RELOAD_NOTICE in _notices(at)
    assert session_state.WORK_MARK not in at.query_params  # said once per reload, not on the next one
    at.run()
    assert sidebar.RELOAD_NOTICE in _notices(at)  # nothing new done yet: still said
    at.button(key="up").click().run()
    at.run()
    assert sidebar.RELOAD_NOTICE not in _notices(at)
    assert at.query_params.get(session_state.WORK_MARK) == "1"


def test_the_real_app_says_it_on_its_first_run() -> None:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.query_params[session_state.WORK_MARK] = "1"
    at.run()
    assert not at.exception, at.exception
    assert sidebar.RELOAD_NOTICE in _notices(at)


def _small_csv() -> bytes:
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"age": rng.integers(20, 90, 120), "crp": rng.gamma(2, 3, 120).round(1)})
    frame["sepsis"] = np.where(rng.random(120) < 0.2, "yes", "no")
    return frame.to_csv(index=False).encode()


def test_an_upload_the_server_has_no_memory_for_is_refused_in_words(monkeypatch) -> None:
    monkeypatch.setattr(data_source.memory_room, "available_memory", lambda: 200_000_000)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.run()
    before = at.session_state[session_state.K_PREPARED].name
    at.file_uploader(key=W_UPLOAD).set_value(("ward.csv", _small_csv(), "text/csv")).run()
    assert not at.exception, at.exception
    errors = " ".join(e.value for e in at.error)
    assert "memory" in errors and "smaller extract" in errors
    assert at.session_state[session_state.K_PREPARED].name == before


def test_every_uploader_says_the_limit_and_what_a_413_means() -> None:
    """Python never sees an upload the server refused by size: the help says what the widget's bare
    "Request failed with status code 413" means, with the limit the server really applies."""
    import tomllib

    limit = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())["server"]["maxUploadSize"]
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.run()
    helps = [u.help for u in at.get("file_uploader")]
    at.switch_page("pages/predict.py").run()
    helps += [u.help for u in at.get("file_uploader")]
    assert len(helps) >= 2, helps  # Data, and Predict's model file (patients once a model is chosen)
    for text in helps:
        assert f"Files up to {limit} MB" in text and "413" in text and "smaller extract" in text
