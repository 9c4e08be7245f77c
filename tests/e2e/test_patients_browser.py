"""The real app in Chromium with repeated patients: the Data page says split by patient, the Train page
offers it (on), and the training notices say how the many-valued ICD-9 columns were coded."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from tests.conftest import SHARED
from tests.e2e.conftest import open_page, screenshot, wait_for_app

pytestmark = pytest.mark.e2e

ROWS = 3000


def test_repeated_patients_split_by_patient(page, app_url: str, tmp_path: Path, output_dir: Path) -> None:
    source = SHARED / "data" / "diabetes_130_hospitals.csv"
    with open(source, "rb") as handle:
        raw = b"".join(handle.readline() for _ in range(ROWS + 1))
    upload = tmp_path / "diabetes_head.csv"
    upload.write_bytes(raw)
    patients = pd.read_csv(upload, usecols=["patient_nbr"])["patient_nbr"].nunique()

    page.goto(app_url)
    wait_for_app(page)
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(upload))
    expected = f"patient_nbr repeats: {patients:,} patients, {ROWS:,} rows"
    page.wait_for_selector(f"text={expected}", timeout=90_000)
    wait_for_app(page)
    screenshot(page, output_dir / "patients_data_page.png")

    open_page(page, "Train")
    page.wait_for_selector("h1:has-text('Train')")
    page.wait_for_selector('[data-testid="stSelectbox"]:has-text("Split by patient")', timeout=60_000)
    wait_for_app(page)
    assert "by patient_nbr (a patient" in page.content()  # the chosen option (shown, see the screenshot)
    screenshot(page, output_dir / "patients_train_form.png")
    page.locator('[data-testid="stBaseButton-primary"]', has_text="Train").first.click()
    page.wait_for_selector("text=Cross-validation summary", timeout=180_000)
    wait_for_app(page)
    page.wait_for_selector("text=diag_1:", timeout=30_000)
    screenshot(page, output_dir / "patients_train_page.png")
