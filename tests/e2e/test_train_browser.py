"""The real app in headless Chromium: open Train, press Train, see per-fold progress end in the CV summary."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.conftest import open_page, screenshot, train_default_model, wait_for_app

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


def _no_sideways_scroll(pg, table) -> dict:
    """The dataframe's box and its grid scroller's widths (a wider scroll area means sideways scrolling)."""
    box = table.bounding_box()
    widths = table.evaluate(
        "el => { const s = el.querySelector('.dvn-scroller') || el;"
        " return {scroll: s.scrollWidth, client: s.clientWidth}; }"
    )
    return {"right": box["x"] + box["width"], **widths}


def test_train_compare_explore_at_1400(page, app_url: str, output_dir: Path) -> None:
    """Issue 26: the per-fold class counts on Train; Compare's TP/FP/FN/TN visible at 1,400 px without
    sideways scrolling; Explore's map with every title whole. Screenshots of the three pages."""
    train_default_model(page, app_url)
    page.get_by_text("Class counts in every cross-validation fold").first.click()
    page.get_by_text("training folds has").first.wait_for()
    page.wait_for_timeout(500)
    screenshot(page, output_dir / "small_train_fold_counts.png")
    page.set_viewport_size({"width": 1400, "height": 900})

    open_page(page, "Compare")
    page.wait_for_selector("h1:has-text('Compare')")
    page.locator('[data-testid="stBaseButton-primary"]', has_text="Compare").first.click()
    page.get_by_text("Best cross-validated PR AUC").first.wait_for(timeout=300_000)
    wait_for_app(page)
    main = page.locator('[data-testid="stDataFrame"]').first
    main.scroll_into_view_if_needed()
    page.wait_for_timeout(800)
    page.screenshot(path=str(output_dir / "small_compare_1400.png"))
    geometry = _no_sideways_scroll(page, main)
    assert geometry["right"] <= 1400, geometry
    assert geometry["scroll"] <= geometry["client"] + 1, geometry  # nothing hidden to the right
    # the TP header cell (glide-data-grid's accessible table) lies inside the viewport
    header = main.locator('th[role="columnheader"]', has_text="TP")
    if header.count():
        box = header.first.bounding_box()
        assert box is None or box["x"] + box["width"] <= 1400, box
    screenshot(page, output_dir / "small_compare_full.png")
    page.set_viewport_size({"width": 1400, "height": 900})

    open_page(page, "Explore")
    page.wait_for_selector("h1:has-text('Explore')")
    wait_for_app(page)  # a sampler that removes rows: its crosses must sit under the patients kept
    page.locator('[data-testid="stSelectbox"]').filter(has_text="Resampling method").click()
    page.get_by_role("option", name="Random under-sampling", exact=True).click()
    wait_for_app(page)
    page.wait_for_function(
        "() => [...document.querySelectorAll('.js-plotly-plot')]"
        ".some(p => p.textContent.includes('After Random under-sampling'))",
        timeout=120_000,
    )
    page.wait_for_function(
        "() => [...document.querySelectorAll('.js-plotly-plot')].some(p => p.textContent.includes('PC1 ('))",
        timeout=120_000,
    )
    wait_for_app(page)
    titles = page.evaluate(
        "() => [...document.querySelectorAll('.js-plotly-plot .annotation-text')]"
        ".map(t => { const b = t.getBoundingClientRect(); const p = t.closest('.js-plotly-plot')"
        ".getBoundingClientRect(); return {text: t.textContent, left: b.left - p.left,"
        " right: p.right - b.right, top: b.top - p.top}; })"
    )
    panel = [t for t in titles if t["text"].startswith(("Before", "After Random under-sampling"))]
    assert len(panel) == 2, titles
    for t in panel:  # whole: inside the chart on every side
        assert t["left"] >= 0 and t["right"] >= 0 and t["top"] >= 0, t
    page.locator('[data-testid="stPlotlyChart"]').first.scroll_into_view_if_needed()
    page.wait_for_timeout(800)
    page.screenshot(path=str(output_dir / "small_explore_1400.png"))
