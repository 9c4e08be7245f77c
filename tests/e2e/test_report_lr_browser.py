"""Report page in a browser: the likelihood-ratio and post-test tables, a sentence under each table, and
the pre-test probability input changing the post-test sentence (issue 26). Screenshot kept for a look."""

from __future__ import annotations

import re

from tests.e2e.conftest import open_page, screenshot, train_default_model, wait_for_app


def test_report_page_lr_tables_sentences_and_pretest(page, app_url, output_dir):
    train_default_model(page, app_url)
    open_page(page, "Report")
    page.wait_for_selector("text=Likelihood ratios on the hold-out set", timeout=120_000)
    wait_for_app(page)
    body = page.inner_text('[data-testid="stMain"]')
    assert "Post-test probability by pre-test probability" in body
    assert "in the hold-out set: it finds" in body and "Of 1,000 patients at a prevalence of" in body
    assert "pre-test probability: the deployment prevalence" in body
    box = page.get_by_role("spinbutton", name="Pre-test probability (%) for the post-test figures")
    box.fill("10")
    box.press("Enter")
    page.wait_for_selector("text=chance of disease is 10.0 % before the test", timeout=60_000)
    wait_for_app(page)
    body = page.inner_text('[data-testid="stMain"]')
    assert "10.0 % (this report)" in body
    assert not re.search(r"\bnan\b", body.lower())
    screenshot(page, output_dir / "report-page-lr.png")
