"""In Chromium: train SMOTE + Platt recalibration, compare with the model without resampling, and look at
the raw vs recalibrated calibration curves on the Train and Threshold pages (screenshots in test-output/)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.conftest import open_page, screenshot, wait_for_app

pytestmark = pytest.mark.e2e


def _choose(page, label: str, option: str) -> None:
    page.locator('[data-testid="stSelectbox"]').filter(has_text=label).click()
    page.get_by_role("option", name=option, exact=True).click()
    wait_for_app(page)


def test_raw_vs_recalibrated_on_train_and_threshold(page, app_url: str, output_dir: Path) -> None:
    page.goto(app_url)
    wait_for_app(page)
    page.wait_for_selector("h1:has-text('Data')")
    open_page(page, "Train")
    page.wait_for_selector("h1:has-text('Train')", timeout=180_000)
    page.locator('[data-testid="stSelectbox"]').filter(has_text="Resampling method").wait_for(timeout=180_000)
    _choose(page, "Resampling method", "SMOTE")
    _choose(page, "Recalibration", "Platt (logistic)")
    page.locator('[data-testid="stBaseButton-primary"]', has_text="Train").first.click()
    page.wait_for_selector("text=Calibration on the hold-out", timeout=240_000)
    wait_for_app(page)
    page.get_by_role("button", name="Compare with the model without resampling").click()
    page.get_by_text("AUC difference", exact=False).first.wait_for(timeout=240_000)
    wait_for_app(page)
    figure = page.locator('[data-testid="stPlotlyChart"]').filter(has_text="Calibration (lowess").first
    figure.wait_for()
    figure.scroll_into_view_if_needed()
    page.wait_for_timeout(800)
    page.screenshot(path=str(output_dir / "calib_train_curves.png"))
    legend = figure.inner_text()
    assert "own scores" in legend and "recalibrated" in legend and "without resampling" in legend
    screenshot(page, output_dir / "calib_train_full.png")
    page.set_viewport_size({"width": 1400, "height": 1000})
    open_page(page, "Threshold")
    page.wait_for_selector('[data-testid="stTab"]', timeout=120_000)
    wait_for_app(page)
    page.locator('[data-testid="stTab"]').filter(has_text="Decision curve").click()  # issue 26: in tabs
    page.wait_for_selector("text=Decision curve at", timeout=120_000)
    page.get_by_text("Drawn from recalibrated risks").first.wait_for(timeout=120_000)
    page.locator('[data-testid="stTab"]').filter(has_text="Calibration").click()
    chart = page.locator('[data-testid="stPlotlyChart"]').filter(has_text="Calibration (lowess").first
    chart.scroll_into_view_if_needed()
    page.wait_for_timeout(800)
    page.screenshot(path=str(output_dir / "calib_threshold_curves.png"))
    screenshot(page, output_dir / "calib_threshold_full.png")
