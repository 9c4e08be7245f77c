"""In Chromium: the Train page's internal validation on the bundled HCV file (608 patients, 75 events).

Bootstrap is chosen by default with its reason; 20 bootstrap samples are run with the progress bar; the
apparent / optimism / corrected table, the stability sentence and both stability figures appear.
Screenshots go to test-output/ to be looked at.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.conftest import open_page, screenshot, wait_for_app

pytestmark = pytest.mark.e2e


def _train_default(pg, app_url: str) -> None:
    """conftest's train_default_model with room for a loaded machine (training may take minutes)."""
    pg.goto(app_url)
    wait_for_app(pg)
    pg.wait_for_selector("h1:has-text('Data')")
    open_page(pg, "Train")
    pg.wait_for_selector("h1:has-text('Train')")
    pg.locator('[data-testid="stBaseButton-primary"]', has_text="Train").first.click()
    pg.wait_for_selector("text=Cross-validation summary", timeout=900_000)
    wait_for_app(pg, timeout=300_000)


def test_bootstrap_validation_by_default_with_stability(page, app_url: str, output_dir: Path) -> None:
    _train_default(page, app_url)
    heading = page.get_by_text("Internal validation", exact=True).first
    heading.scroll_into_view_if_needed()
    page.get_by_text("fewer than 200", exact=False).first.wait_for()
    page.get_by_text("--validation bootstrap --bootstrap-b 200", exact=False).first.wait_for()
    page.wait_for_timeout(400)
    page.screenshot(path=str(output_dir / "validation_choice.png"))
    samples = page.get_by_label("Bootstrap samples")
    samples.fill("20")
    samples.press("Enter")
    wait_for_app(page)
    page.get_by_role("button", name="Run internal validation").click()
    page.get_by_text("would be classified differently", exact=False).first.wait_for(timeout=900_000)
    wait_for_app(page)
    table = page.locator('[data-testid="stDataFrame"]').filter(has_text="Optimism").first
    table.wait_for()
    charts = page.locator('[data-testid="stPlotlyChart"]')
    assert charts.count() >= 2
    body = page.locator('[data-testid="stMain"]').inner_text()
    assert "Optimism-corrected bootstrap: 20 samples" in body
    assert "--validation bootstrap --bootstrap-b 20" in body
    assert " nan" not in body.lower()
    page.get_by_text("Prediction stability", exact=False).first.scroll_into_view_if_needed()
    page.wait_for_timeout(800)
    page.screenshot(path=str(output_dir / "validation_stability.png"))
    screenshot(page, output_dir / "validation_train_page.png")
