"""The Explore page in Chromium: PCA before/after at once, the page answering while UMAP works in the
background, then the UMAP picture. Screenshots go to the output folder (look at them)."""

from __future__ import annotations

import time

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from tests.e2e.conftest import screenshot, wait_for_app

pytestmark = pytest.mark.e2e


def _chart_has(pg, text: str, timeout: float = 60_000) -> None:
    """Wait until the plotly chart on the page shows ``text`` (an axis title or a legend entry)."""
    pg.wait_for_function(
        "t => [...document.querySelectorAll('.js-plotly-plot')].some(p => p.textContent.includes(t))",
        arg=text,
        timeout=timeout,
    )


def test_explore_pca_then_umap(page, app_url, output_dir):
    page.goto(app_url)
    wait_for_app(page)
    page.get_by_role("link", name="Explore", exact=True).first.click()
    page.get_by_text("Resampling method").first.wait_for()
    wait_for_app(page)
    # choose SMOTE so synthetic rows appear
    page.locator('[data-testid="stSelectbox"]').filter(has_text="Resampling method").click()
    page.get_by_role("option", name="SMOTE", exact=True).click()
    wait_for_app(page)
    _chart_has(page, "synthetic")
    _chart_has(page, "PC1 (")
    page.wait_for_timeout(800)
    screenshot(page, output_dir / "explore_pca_smote.png")

    # UMAP: the request returns at once with PCA and a progress bar (compile may still be running)
    page.get_by_role("radio", name="UMAP", exact=True).click()
    page.get_by_text("Neighbours (n_neighbors)").wait_for()
    page.wait_for_function(
        "() => document.querySelector('[data-testid=\"stProgress\"]')"
        " || [...document.querySelectorAll('.js-plotly-plot')].some(p => p.textContent.includes('UMAP 1'))",
        timeout=60_000,
    )
    # The map may finish between the two checks (the progress bar is then gone and UMAP drawn):
    # the "page answers meanwhile" part is only meaningful while PCA is still the picture shown.
    page.wait_for_function(
        "() => [...document.querySelectorAll('.js-plotly-plot')]"
        ".some(p => p.textContent.includes('PC1 (') || p.textContent.includes('UMAP 1'))",
        timeout=60_000,
    )
    still_computing = page.evaluate(
        "() => !!document.querySelector('[data-testid=\"stProgress\"]')"
        " && ![...document.querySelectorAll('.js-plotly-plot')].some(p => p.textContent.includes('UMAP 1'))"
    )
    if still_computing:  # e.g. numba compiling on a cold server
        screenshot(page, output_dir / "explore_umap_progress.png")
        start = time.monotonic()
        page.get_by_role("radio", name="PCA", exact=True).click()  # another widget answers meanwhile
        page.get_by_text("Dimensions").wait_for(timeout=15_000)
        assert time.monotonic() - start < 15
        page.get_by_role("radio", name="UMAP", exact=True).click()
        wait_for_app(page)
        try:
            _chart_has(page, "UMAP 1", timeout=120_000)
        except PlaywrightTimeoutError:
            # Not reproduced when run alone: a click landing while the progress fragment's own rerun is
            # in flight may be dropped by Streamlit; a person clicks again (see the closing note).
            page.get_by_role("radio", name="PCA", exact=True).click()
            page.get_by_text("Dimensions").wait_for(timeout=30_000)
            page.get_by_role("radio", name="UMAP", exact=True).click()
    _chart_has(page, "UMAP 1", timeout=400_000)
    wait_for_app(page)
    page.wait_for_timeout(800)
    screenshot(page, output_dir / "explore_umap_smote.png")
    assert page.get_by_text("Synthetic").count() >= 1
