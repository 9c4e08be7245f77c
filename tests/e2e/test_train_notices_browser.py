"""Issue 12 item 6 in Chromium: the Train page explains weighting after SMOTE 1:1 and the observed-range
switch, offers clinical bounds per column, and reports how many synthetic values clipping changed."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.conftest import open_page, wait_for_app

pytestmark = pytest.mark.e2e


def _choose(page, box: str, option: str) -> None:
    page.locator('[data-testid="stSelectbox"]').filter(has_text=box).click()
    page.get_by_role("option", name=option, exact=True).click()
    wait_for_app(page)


def test_train_page_notices_bounds_and_clipped_count(page, app_url: str, output_dir: Path) -> None:
    page.goto(app_url)
    wait_for_app(page)
    page.wait_for_selector("h1:has-text('Data')")
    open_page(page, "Train")
    page.wait_for_selector("h1:has-text('Train')")
    _choose(page, "Resampling method", "SMOTE")
    ratio = page.locator('[data-testid="stSlider"]').filter(has_text="Target ratio").get_by_role("slider")
    ratio.press("End")  # 1:1 (the bundled data's suggested settings may start elsewhere)
    wait_for_app(page)
    _choose(page, "Weighting", "Balanced")
    page.get_by_text("nothing left to balance").first.wait_for()
    page.get_by_text("this switch changes nothing for them").first.wait_for()
    page.get_by_text("Clip synthetic values to clinical bounds").click()
    wait_for_app(page)
    editor = page.locator('[data-testid="stDataFrame"]').first
    editor.wait_for()
    page.screenshot(path=str(output_dir / "train_page_bounds_and_notices.png"), full_page=True)
    page.locator('[data-testid="stBaseButton-primary"]', has_text="Train").first.click()
    page.wait_for_selector("text=Cross-validation summary", timeout=180_000)
    wait_for_app(page)
    said = page.get_by_text("Clipping changed").first
    said.wait_for()
    assert "synthetic value" in said.inner_text()
    page.get_by_text("nothing left to balance").first.wait_for()  # the fit's own notice too
    said.scroll_into_view_if_needed()
    page.wait_for_timeout(500)
    page.screenshot(path=str(output_dir / "train_page_clipped_count.png"), full_page=True)
