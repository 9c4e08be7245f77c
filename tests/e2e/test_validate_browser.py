"""The browser walk of issue 28: develop on the Pima patients under 30, validate on those aged 30 and
over (an older case mix), then score the same older patients without their outcome column."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from tests.conftest import SAMPLE_DATA
from tests.e2e.conftest import open_page, screenshot, wait_for_app

pytestmark = pytest.mark.e2e


def _upload(page, label: str, path: Path) -> None:
    box = page.locator('[data-testid="stFileUploader"]', has_text=label).first
    box.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(path))


def test_develop_young_validate_old_then_unlabelled(
    page, app_url: str, output_dir: Path, tmp_path: Path
) -> None:
    frame = pd.read_csv(SAMPLE_DATA / "pima_diabetes.csv")
    young, old = tmp_path / "pima_under30.csv", tmp_path / "pima_30plus.csv"
    batch = tmp_path / "pima_30plus_no_outcome.csv"
    frame[frame.Age < 30].to_csv(young, index=False)
    frame[frame.Age >= 30].to_csv(old, index=False)
    frame[frame.Age >= 30].drop(columns="Outcome").to_csv(batch, index=False)

    page.goto(app_url)
    wait_for_app(page)
    page.wait_for_selector("h1:has-text('Data')")
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').first.set_input_files(str(young))
    page.get_by_text("pima_under30.csv").first.wait_for(timeout=60_000)
    wait_for_app(page)
    open_page(page, "Train")
    page.wait_for_selector("h1:has-text('Train')")
    page.locator('[data-testid="stBaseButton-primary"]', has_text="Train").first.click()
    page.wait_for_selector("text=Cross-validation summary", timeout=180_000)
    wait_for_app(page)

    open_page(page, "Validate")
    page.wait_for_selector("h1:has-text('Validate on new patients')")
    _upload(page, "New patients", old)
    try:
        page.get_by_text("Development vs this file").first.wait_for(timeout=180_000)
    except Exception:
        screenshot(page, output_dir / "validate_failure.png")
        raise
    wait_for_app(page)
    page.get_by_text("Recommended").first.wait_for()
    body = page.locator('[data-testid="stMain"]').inner_text()
    assert "Threshold transport" in body and "Case mix" in body
    assert "Age" in body and "very different" in body
    assert "cross-validated AUC" in body  # this session's training rows feed the membership model
    assert " nan" not in body and "Traceback" not in body
    screenshot(page, output_dir / "validate_labelled.png")

    page.get_by_role("button", name="Prepare the updated model file").click()
    wait_for_app(page)
    with page.expect_download() as info:
        page.get_by_role("button", name="Download the updated model (.skops)").click()
    saved = tmp_path / "updated.skops"
    info.value.save_as(saved)
    from imbalance_core.share import model_file

    assert model_file.load_model(str(saved)).metadata.parent_id

    page.set_viewport_size({"width": 1400, "height": 1000})
    _upload(page, "New patients", batch)
    page.get_by_text("Expected prevalence of this batch").first.wait_for(timeout=180_000)
    wait_for_app(page)
    body = page.locator('[data-testid="stMain"]').inner_text()
    assert "Expected prevalence (EM)" in body and " nan" not in body
    screenshot(page, output_dir / "validate_unlabelled.png")
