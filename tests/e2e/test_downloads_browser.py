"""The real app in headless Chromium: train, open Report, prepare the files, download PDF and model."""

from __future__ import annotations

import pickle
from pathlib import Path

import pandas as pd
import pytest

from imbalance_core.share import model_file
from tests.e2e.conftest import screenshot, train_default_model, wait_for_app

pytestmark = pytest.mark.e2e
HCV = Path(__file__).resolve().parents[2] / "sample_data" / "hcv_lab_values.csv"


def _download(page, label: str, target: Path) -> Path:
    with page.expect_download(timeout=60_000) as info:
        page.locator('[data-testid="stDownloadButton"] button', has_text=label).first.click()
    download = info.value
    path = target / download.suggested_filename
    download.save_as(str(path))
    return path


def test_report_downloads_in_chromium(page, app_url: str, output_dir: Path, tmp_path: Path) -> None:
    train_default_model(page, app_url)

    page.get_by_role("link", name="Report", exact=True).first.click()
    page.wait_for_selector("h1:has-text('Report')")
    wait_for_app(page)
    page.locator('[data-testid="stBaseButton-primary"]', has_text="Prepare downloads").first.click()
    page.wait_for_selector('[data-testid="stDownloadButton"]', timeout=120_000)
    wait_for_app(page)

    pdf = _download(page, "Download PDF report", tmp_path)
    assert pdf.name.startswith("imbalance-report-") and pdf.suffix == ".pdf"
    assert pdf.read_bytes().startswith(b"%PDF")
    model = _download(page, "Download model", tmp_path)
    assert model.suffix == ".skops"
    saved = model_file.load_model(str(model))
    assert saved.metadata.export_id in pdf.name  # one export id names every file of this preparation
    assert not any(hasattr(step, "fit_resample") for _, step in saved.pipeline.steps)
    screenshot(page, output_dir / "report_page_downloads.png")

    # The downloaded model on the Predict page, with a file of new patients.
    patients = tmp_path / "new_patients.csv"
    pd.read_csv(HCV).drop(columns=["Category"]).head(30).to_csv(patients, index=False)
    page.set_viewport_size({"width": 1400, "height": 1000})
    page.get_by_role("link", name="Predict", exact=True).first.click()
    page.wait_for_selector("h1:has-text('Predict new patients')")
    wait_for_app(page)
    page.get_by_text("Upload a .skops model").click()
    wait_for_app(page)
    model_input = page.locator('[data-testid="stFileUploader"]', has_text="Model file (.skops)").locator(
        'input[type="file"]'
    )
    patients_input = page.locator('[data-testid="stFileUploader"]', has_text="New patients (CSV").locator(
        'input[type="file"]'
    )
    model_input.set_input_files(str(model))  # waits until the radio's rerun has drawn this uploader
    page.wait_for_selector("text=when the score is at or above", timeout=60_000)
    wait_for_app(page)
    patients_input.set_input_files(str(patients))
    page.wait_for_selector("text=Scored 30 patients", timeout=60_000)
    wait_for_app(page)
    predictions = page.locator('[data-testid="stDownloadButton"]', has_text="Download predictions")
    predictions.first.wait_for(timeout=60_000)  # drawn just after the "Scored" line
    assert predictions.count() == 1
    screenshot(page, output_dir / "predict_page_uploaded.png")

    # A pickle renamed to .skops is refused with a sentence. The model loaded before left the uploader when
    # this file replaced it, so it no longer scores anyone (issue 23: nothing at an old model's threshold).
    bad = tmp_path / "bad.skops"
    bad.write_bytes(pickle.dumps({"not": "a model"}))
    model_input.set_input_files(str(bad))
    page.wait_for_selector('[data-testid="stAlert"]:has-text("not an Imbalance Lab model")', timeout=60_000)
    wait_for_app(page)
    assert page.get_by_text("when the score is at or above").count() == 0
    assert page.get_by_text("Upload a model downloaded from the Report page").count() == 1
    assert page.get_by_text("Traceback").count() == 0
    screenshot(page, output_dir / "predict_page_bad_model.png")
