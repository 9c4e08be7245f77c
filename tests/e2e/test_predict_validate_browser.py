"""Predict and Validate with real files at 1,400 x 900 (the screens nobody had looked at in a browser).

Train the default model on the bundled HCV file, then:

- Predict: new patients (a part of the file without its label, with an unknown 'Sex' value and missing
  lab values) -> the table does not scroll sideways, the threshold is stated, no 'nan'; a file that lacks
  a column -> one plain sentence in the singular.
- Validate: a labelled part of the file -> no table scrolls sideways, the threshold is stated beside the
  2x2 table, the figures and the PPV/NPV line; the membership model's AUC is said once.
- Threshold: the mode radio's two options sit on one line beside the title.

Screenshots (full page) go to test-output/ for a person to look at.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from tests.conftest import SAMPLE_DATA
from tests.e2e.conftest import SIDEWAYS_JS, open_page, screenshot, train_default_model, wait_for_app

pytestmark = pytest.mark.e2e
WIDTH, HEIGHT = 1400, 900


def _upload(page, label: str, path: Path) -> None:
    box = page.locator('[data-testid="stFileUploader"]', has_text=label).first
    box.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(path))


def _main(page) -> str:
    return page.locator('[data-testid="stMain"]').inner_text()


def _no_sideways(page, where: str) -> None:
    found = page.evaluate(SIDEWAYS_JS)
    assert not found["page"], f"{where}: the page scrolls sideways"
    assert not found["cut"], f"{where}: cut sideways: {found['cut']}"


def _files(tmp_path: Path) -> dict[str, Path]:
    hcv = pd.read_csv(SAMPLE_DATA / "hcv_lab_values.csv")
    new = hcv.drop(columns=["Category"]).sample(60, random_state=1)
    new["Sex"] = new["Sex"].astype(object)
    new.loc[new.index[:3], "Sex"] = "x"  # a category never seen in training
    new.loc[new.index[3:6], "ALT"] = None  # missing lab values
    files = {"new": tmp_path / "new_patients.csv", "lacks": tmp_path / "lacks_alp.csv"}
    new.to_csv(files["new"], index=False)
    new.drop(columns=["ALP"]).to_csv(files["lacks"], index=False)
    files["labelled"] = tmp_path / "labelled.csv"
    hcv.sample(200, random_state=4).to_csv(files["labelled"], index=False)
    return files


def test_predict_and_validate_with_files_at_1400(browser, app_url: str, output_dir: Path, tmp_path: Path):
    files = _files(tmp_path)
    context = browser.new_context(viewport={"width": WIDTH, "height": HEIGHT}, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(120_000)
    try:
        train_default_model(page, app_url)
        side = page.locator('[data-testid="stSidebar"]').inner_text()
        threshold = re.search(r"Threshold (\d\.\d{4})", side)
        assert threshold, side
        t = threshold[1]

        # Threshold: the mode radio's options on one line (before: the second wrapped under the first).
        open_page(page, "Threshold")
        page.wait_for_selector('[data-testid="te-tp"]:not(:empty)')
        wait_for_app(page)
        radio = page.locator('[data-testid="stRadio"]').first
        options = [radio.get_by_text(o, exact=True) for o in ("Single cut-off", "Rule-out and rule-in")]
        tops = [round(o.bounding_box()["y"]) for o in options]
        assert abs(tops[0] - tops[1]) <= 2, tops  # one line
        title = page.locator("h1:has-text('Decision threshold')").bounding_box()
        box = radio.bounding_box()
        assert box["y"] + box["height"] <= title["y"] + title["height"] + 10  # beside the title, not below

        # Predict: new patients with an unknown category and missing values.
        open_page(page, "Predict")
        page.wait_for_selector("h1:has-text('Predict new patients')")
        _upload(page, "New patients", files["new"])
        page.get_by_text("Scored 60 patients").first.wait_for()
        wait_for_app(page)
        page.wait_for_timeout(800)
        _no_sideways(page, "Predict")
        text = _main(page)
        assert f"at or above the threshold {t}" in text
        assert "never seen in training" in text and "'Sex' (3)" in text and "'ALT' (3)" in text
        assert re.search(r"\d+ of 60 patients \(\d+\.\d+ %\) are flagged; scores run from", text)
        assert "The download has all" in text
        # which patients' scores rest on filled-in or unknown values (6 awkward rows at least)
        found = re.search(r"The score of (\d+) patients rests partly on values filled in", text)
        assert found and int(found[1]) >= 6, text
        assert not re.search(r"\bnan\b", text.lower()) and "Traceback" not in text
        screenshot(page, output_dir / "predict_new_patients_1400.png")
        page.set_viewport_size({"width": WIDTH, "height": HEIGHT})

        _upload(page, "New patients", files["lacks"])
        page.get_by_text("The file lacks the column 'ALP' that the model needs.").first.wait_for()
        assert "column(s)" not in _main(page)

        # Validate: a labelled file.
        open_page(page, "Validate")
        page.wait_for_selector("h1:has-text('Validate on new patients')")
        _upload(page, "New patients", files["labelled"])
        page.get_by_text("Development vs this file").first.wait_for(timeout=180_000)
        page.get_by_text("Prevalence from the risks alone").first.wait_for(timeout=180_000)
        wait_for_app(page)
        page.wait_for_timeout(800)
        _no_sideways(page, "Validate")
        text = _main(page)
        assert f"2x2 at the saved threshold {t}" in text
        assert f"Sensitivity, specificity, PPV and NPV at the saved threshold {t}" in text
        assert f"At that prevalence and the saved threshold {t}: PPV" in text
        assert "Maps fitted on all rows:" in text
        # the membership model's AUC once, under its own heading (before: also in the case-mix caption)
        assert "tell the two files apart with ROC AUC" not in text
        assert text.count("reaches a cross-validated AUC of") == 1
        assert text.count("Riley et al., Stat Med 2021") == 1
        assert not re.search(r"\bnan\b", text.lower()) and "Traceback" not in text
        screenshot(page, output_dir / "validate_labelled_1400.png")
    finally:
        context.close()
