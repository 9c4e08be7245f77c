"""A reload mid-work in real Chromium (issue 18 item 10): train, switch pages, reload — the new, empty
session says that the earlier data and model are gone (old code: the bundled data again, no word)."""

from __future__ import annotations

import pytest

from pages.session_state import WORK_MARK
from pages.sidebar import RELOAD_NOTICE
from tests.e2e.conftest import open_page, screenshot, train_default_model, wait_for_app

pytestmark = pytest.mark.e2e


def _sidebar(pg) -> str:
    return pg.locator('[data-testid="stSidebar"]').inner_text()


def test_reload_after_training_says_the_work_is_gone(page, app_url, output_dir) -> None:
    page.goto(app_url)
    wait_for_app(page)
    assert "reloaded" not in _sidebar(page)
    assert f"{WORK_MARK}=1" not in page.url  # nothing of one's own yet: no mark

    train_default_model(page, app_url)
    open_page(page, "Threshold")  # the mark survives a page switch
    page.wait_for_function(f"() => location.search.includes('{WORK_MARK}=1')", timeout=30_000)
    assert "Model:" in _sidebar(page)

    page.reload()
    wait_for_app(page)
    page.get_by_text(RELOAD_NOTICE.split(":")[0]).first.wait_for(timeout=30_000)
    text = _sidebar(page)
    assert "earlier session are gone" in text and "Model:" not in text
    screenshot(page, output_dir / "reload_notice.png")

    page.reload()  # the mark was dropped with the notice: a second reload has nothing to say
    wait_for_app(page)
    page.wait_for_timeout(500)
    assert "earlier session are gone" not in _sidebar(page)
