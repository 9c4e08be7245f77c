"""The real app in headless Chromium: bundled chart on start, upload a European CSV, see its counts."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from tests.e2e.conftest import screenshot, wait_for_app

pytestmark = pytest.mark.e2e


def metric_value(page, label: str) -> str:
    """Text of the st.metric whose label is `label`."""
    box = page.locator('[data-testid="stMetric"]', has_text=label).first
    return box.locator('[data-testid="stMetricValue"]').inner_text().strip()


def test_bundled_chart_then_upload(page, app_url: str, bad_cases: Path, output_dir: Path) -> None:
    page.goto(app_url)
    wait_for_app(page)
    page.wait_for_selector('[data-testid="stPlotlyChart"]')
    hcv = pd.read_csv(Path(__file__).resolve().parents[2] / "sample_data" / "hcv_lab_values.csv")
    n_used = int((hcv["Category"] != "0s=suspect Blood Donor").sum())
    assert metric_value(page, "Rows used") == f"{n_used:,}"
    screenshot(page, output_dir / "data_page_bundled.png")

    ref = pd.read_csv(bad_cases / "ok_reference.csv")
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(
        str(bad_cases / "semicolon_decimal_comma.csv")
    )
    page.wait_for_function(
        "n => [...document.querySelectorAll('[data-testid=\"stMetric\"]')]"
        ".some(m => m.innerText.includes('Rows used') && m.innerText.includes(n))",
        arg=f"{len(ref):,}",
        timeout=60_000,
    )
    wait_for_app(page)
    positives = int(ref["infection"].sum())
    assert metric_value(page, "Smallest class") == f"{positives:,} rows"
    assert metric_value(page, "Imbalance ratio") == f"{(len(ref) - positives) / positives:.1f} : 1"
    screenshot(page, output_dir / "data_page_uploaded.png")
