"""Without a login, an app listening beyond this machine says it is open to anyone (issue 18 item 7)."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit import config
from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[2] / "app.py")


@pytest.fixture
def address():
    saved = config.get_option("server.address")

    def set_to(value: str | None) -> None:
        config.set_option("server.address", value)

    yield set_to
    config.set_option("server.address", saved)


def _warnings(value: str | None, set_to) -> list[str]:
    set_to(value)
    at = AppTest.from_file(APP, default_timeout=120).run()
    assert not at.exception
    return [w.value for w in at.sidebar.warning]


@pytest.mark.parametrize("value", ["0.0.0.0", "", "10.1.2.3", "lab.example.org", None])
def test_shared_address_is_announced(value, address):
    assert any("Open to anyone" in w for w in _warnings(value, address))


@pytest.mark.parametrize("value", ["localhost", "127.0.0.1", "::1"])
def test_local_address_says_nothing(value, address):
    assert not any("Open to anyone" in w for w in _warnings(value, address))
