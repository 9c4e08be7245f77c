"""In Chromium: the Check the model page after training on the bundled data (issue 26).

The page opens at the current threshold and says so; subgroups by sex, the permutation importance and
the what-if are drawn, and every figure and table on the page is followed by a plain sentence; the
what-if reaches a feature beyond the first eight through its search box. Screenshots of the page go to
test-output/ to be looked at.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.e2e.conftest import (
    choose_in_multiselect,
    open_page,
    screenshot,
    train_default_model,
    wait_for_app,
)

pytestmark = pytest.mark.e2e

#: For every chart or table drawn on the page: the text of the next element (its sentence), or '' if none.
SENTENCES_AFTER = """() => {
  const main = document.querySelector('[data-testid="stMain"]');
  const found = main.querySelectorAll('[data-testid="stPlotlyChart"], [data-testid="stDataFrame"]');
  return [...found].filter(el => el.offsetParent !== null).map(el => {  // drawn (not in a hidden tab)
    const box = el.closest('[data-testid="stElementContainer"]');
    const next = box && box.nextElementSibling;
    const md = next && next.querySelector('[data-testid="stMarkdown"]');
    return {what: el.dataset.testid === 'stPlotlyChart' ? 'chart' : 'table',
            top: el.getBoundingClientRect().top, sentence: md ? md.innerText.trim() : ''};
  });
}"""


def test_check_model_page_has_a_sentence_under_every_figure(page, app_url: str, output_dir: Path) -> None:
    train_default_model(page, app_url)
    open_page(page, "Check the model")
    page.wait_for_selector("h1:has-text('Check the model')")
    line = page.get_by_text("Judged at threshold").first
    line.wait_for(timeout=120_000)
    assert "Threshold page" in line.inner_text()
    wait_for_app(page)
    choose_in_multiselect(page, "Group the hold-out", "Sex")
    page.get_by_text("Sensitivity by Sex", exact=False).first.wait_for(timeout=60_000)
    page.get_by_role("button", name="Compute permutation importance").click()
    page.get_by_text("Permutation importance (drop in", exact=False).first.wait_for(timeout=120_000)
    wait_for_app(page)
    page.get_by_text("Shuffling ", exact=False).first.wait_for()
    # the what-if: a feature beyond the eighth, chosen by name, gets its own value box
    extra = choose_in_multiselect(page, "More features to edit")
    box = page.get_by_role("spinbutton", name=extra, exact=True).first
    box.wait_for(timeout=30_000)
    box.fill("1000")
    box.press("Enter")
    page.get_by_text(f"With {extra} from", exact=False).first.wait_for(timeout=30_000)
    wait_for_app(page)
    screenshot(page, output_dir / "check_model_full.png")  # a tall viewport: every element drawn
    found = page.evaluate(SENTENCES_AFTER)
    assert sum(f["what"] == "chart" for f in found) == 2, found  # forest plot and importance
    assert sum(f["what"] == "table" for f in found) == 2, found  # subgroup table and nearest flips
    for figure in found:
        assert len(figure["sentence"]) > 30, figure
        assert "nan" not in figure["sentence"].lower().split(), figure
    starts = [f["sentence"].split(",")[0] for f in found]
    assert starts[0].startswith("At ") and "misses" in found[0]["sentence"]
    assert found[2]["sentence"].startswith("Shuffling ")
    assert "can move this patient" in found[3]["sentence"]
    page.get_by_role("tab", name="Prevalence, discrimination, calibration").click()
    page.wait_for_timeout(500)
    beyond = [f for f in page.evaluate(SENTENCES_AFTER) if f["sentence"].startswith("ROC AUC")]
    assert len(beyond) == 1 and beyond[0]["what"] == "table", beyond  # the second tab's table, its sentence
    page.set_viewport_size({"width": 1400, "height": 900})
    page.get_by_text("Judged at threshold").first.scroll_into_view_if_needed()
    page.wait_for_timeout(500)
    page.screenshot(path=str(output_dir / "check_model_top.png"))
    # the Glossary page: searchable, plain text
    open_page(page, "Glossary")
    page.wait_for_selector("h1:has-text('Glossary')")
    page.get_by_label("Search the glossary").fill("calibration")
    page.keyboard.press("Enter")
    wait_for_app(page)
    page.get_by_text(re.compile(r"^\d+ of \d+ terms\.$")).first.wait_for(timeout=30_000)
    page.get_by_text("Calibration slope", exact=False).first.wait_for()
    page.wait_for_function(  # Sensitivity's line is filtered out (stale elements go when the run ends)
        "() => !document.querySelector('[data-testid=\"stMain\"]').innerText"
        ".includes('Of the patients who have the disease, the share the model flags')",
        timeout=30_000,
    )
    wait_for_app(page)
    screenshot(page, output_dir / "glossary_search.png")
