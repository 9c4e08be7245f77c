"""The real app in headless Chromium: open Train, press Train, see per-fold progress end in the CV summary."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.conftest import train_default_model

pytestmark = pytest.mark.e2e


def test_train_from_the_browser(page, app_url: str, output_dir: Path) -> None:
    train_default_model(page, app_url)
    table = page.locator('[data-testid="stDataFrame"]').first
    table.wait_for()
    assert page.locator('[data-testid="stStatusWidget"], [data-testid="stExpander"]').count() >= 1
    page.get_by_text("Trained in").first.wait_for()  # the status box finished
    assert page.get_by_text("Trained in").count() >= 1
    sens = page.locator('[data-testid="stMetric"]', has_text="Sensitivity").first
    value = float(sens.locator('[data-testid="stMetricValue"]').inner_text())
    assert 0.0 <= value <= 1.0
    page.locator('[data-testid="stPlotlyChart"]').first.wait_for()  # class counts before/after
    assert page.locator('[data-testid="stPlotlyChart"]').count() >= 1
    page.screenshot(path=str(output_dir / "train_page_trained.png"), full_page=True)
    page.locator('[data-testid="stPlotlyChart"]').first.scroll_into_view_if_needed()
    page.wait_for_timeout(500)
    page.screenshot(path=str(output_dir / "train_page_results.png"))
