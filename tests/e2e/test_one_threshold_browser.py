"""Issue 12 item 1 in a real browser: Train -> Threshold -> Report -> Predict without touching the slider.

Before: the Threshold page said "0.5000 · Chosen by hand on the slider", the PDF used the Youden pick
(0.4114) and the Predict page scored patients at 0.5. Now the page, the sidebar, the PDF text, the model
file and the downloaded predictions all carry the one default threshold. Also checks what item 8 and 9
add to the explorer (accuracy and MCC with intervals, a value scale under the slider) and that the
Predict page shows score and decision first.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pandas as pd
import pytest
from pypdf import PdfReader

from imbalance_core.share import model_file
from tests.e2e.conftest import open_page, screenshot, train_default_model, wait_for_app

pytestmark = pytest.mark.e2e
HCV = Path(__file__).resolve().parents[2] / "sample_data" / "hcv_lab_values.csv"


def _download(page, label: str, target: Path) -> Path:
    with page.expect_download(timeout=60_000) as info:
        page.locator('[data-testid="stDownloadButton"] button', has_text=label).first.click()
    path = target / info.value.suggested_filename
    info.value.save_as(str(path))
    return path


def _sidebar(page) -> str:
    return page.locator('[data-testid="stSidebar"]').inner_text()


def test_one_threshold_from_train_to_predictions(page, app_url: str, output_dir: Path, tmp_path: Path):
    train_default_model(page, app_url)

    open_page(page, "Threshold")
    value = page.locator('[data-testid="te-value"]')
    value.wait_for(timeout=60_000)
    wait_for_app(page)
    shown = value.inner_text().strip()
    assert re.fullmatch(r"\d\.\d{4}", shown), shown
    assert shown != "0.5000"
    main = page.locator('[data-testid="stMain"]').inner_text()
    assert f"Threshold {shown}" in main
    assert "Default: Youden on cross-validated training scores" in main
    assert "Chosen by hand" not in main
    assert f"Threshold {shown} · default: Youden on cross-validated training scores" in _sidebar(page)
    # Item 8: accuracy and MCC with intervals (issue 26: under "More measures", closed at first);
    # item 9: a value scale under the track.
    page.locator('[data-testid="te-more"] summary').click()
    for key in ("accuracy", "mcc", "f1", "balanced_accuracy", "ppv_deploy", "npv_deploy"):
        cell = page.locator(f'[data-testid="te-m-{key}"]')
        assert re.fullmatch(r"-?\d\.\d{3}", cell.inner_text().strip()), key
        assert "95 % CI" in cell.locator("xpath=..").inner_text(), key
    ticks = page.locator('[data-testid="te-scale"] .te-tick')
    assert ticks.count() >= 3
    labels = [t.inner_text() for t in ticks.all()]
    assert "0.5" in labels
    screenshot(page, output_dir / "one_threshold_threshold_page.png")

    page.set_viewport_size({"width": 1400, "height": 1000})
    open_page(page, "Report")
    page.wait_for_selector("h1:has-text('Report')")
    page.wait_for_selector("text=How the threshold was chosen", timeout=120_000)
    wait_for_app(page)
    select = page.locator('[data-testid="stSelectbox"]', has_text="Decision threshold")
    box = select.inner_text() + " " + " ".join(i.input_value() for i in select.locator("input").all())
    assert f"Current: {shown} (default: Youden" in box, box
    main = page.locator('[data-testid="stMain"]').inner_text()
    assert "How the threshold was chosen: Default: Youden" in main
    page.locator('[data-testid="stBaseButton-primary"]', has_text="Prepare downloads").first.click()
    page.wait_for_selector('[data-testid="stDownloadButton"]', timeout=120_000)
    wait_for_app(page)
    pdf = _download(page, "Download PDF report", tmp_path)
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.read_bytes())).pages)
    text = re.sub(r"\s+", " ", text)
    assert f"at or above {shown}" in text
    assert "Default: Youden on cross-validated training scores" in text
    model = model_file.load_model(str(_download(page, "Download model", tmp_path)))
    assert f"{model.metadata.threshold:.4f}" == shown
    screenshot(page, output_dir / "one_threshold_report_page.png")

    page.set_viewport_size({"width": 1400, "height": 1000})
    open_page(page, "Predict")
    page.wait_for_selector("h1:has-text('Predict new patients')")
    assert f"at or above {shown} (Default: Youden" in page.locator('[data-testid="stMain"]').inner_text()
    patients = tmp_path / "new_patients.csv"
    pd.read_csv(HCV).drop(columns=["Category"]).head(40).to_csv(patients, index=False)
    page.locator('[data-testid="stFileUploader"]', has_text="New patients (CSV").locator(
        'input[type="file"]'
    ).set_input_files(str(patients))
    page.wait_for_selector("text=Scored 40 patients", timeout=60_000)
    wait_for_app(page)
    page.locator('[data-testid="stDownloadButton"]', has_text="Download predictions").first.wait_for()
    out = pd.read_csv(_download(page, "Download predictions", tmp_path))
    assert list(out.columns[:2]) == ["model_score", "model_decision"]
    positive = model.metadata.class_names[1]
    assert ((out["model_decision"] == positive) == (out["model_score"] >= model.metadata.threshold)).all()
    assert (out["model_score"] >= model.metadata.threshold).any()  # the check has both kinds of rows
    screenshot(page, output_dir / "one_threshold_predict_page.png")

    # The patients and the download stay after a visit to another page.
    page.set_viewport_size({"width": 1400, "height": 1000})
    open_page(page, "Data")
    open_page(page, "Predict")
    page.wait_for_selector("text=Scored 40 patients", timeout=60_000)
    again = page.locator('[data-testid="stDownloadButton"]', has_text="Download predictions")
    again.first.wait_for(timeout=60_000)  # drawn just after the "Scored" line
    assert again.count() == 1
    assert page.get_by_text("uploaded before").count() == 1
