"""Issue 23's walk in headless Chromium: a 5 %-prevalence mixed-type file, Platt recalibration on the
Train page, then Compare and the PDF — every headline at the model's own threshold, sensitivity above 0.

It also writes ``threshold_walk.json`` (output_dir): every place the threshold appears in the walk with the
value it shows (Train page, sidebar, Compare rows, PDF sections, model file, predictions, CLI twin).
"""

from __future__ import annotations

import io
import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from pypdf import PdfReader

from imbalance_core.share import model_file
from tests.e2e.conftest import ROOT, open_page, screenshot, wait_for_app

pytestmark = pytest.mark.e2e
LOW = ROOT / "tests" / "fixtures" / "low_prevalence_readmission.csv"


def _select(page, label: str, option: str) -> None:
    page.locator('[data-testid="stSelectbox"]').filter(has_text=label).click()
    page.get_by_role("option", name=option, exact=True).click()
    wait_for_app(page)


def _download(page, label: str, target: Path) -> Path:
    with page.expect_download(timeout=120_000) as info:
        page.locator('[data-testid="stDownloadButton"] button', has_text=label).first.click()
    path = target / info.value.suggested_filename
    info.value.save_as(str(path))
    return path


def _sidebar_threshold(page) -> str:
    text = page.locator('[data-testid="stSidebar"]').inner_text()
    found = re.search(r"Threshold (\d\.\d{4})", text)
    assert found, text
    return found.group(1)


def _grid_text(page, index: int) -> str:
    """The visible cells of the index-th dataframe (Glide's accessible table holds them as text)."""
    grid = page.locator('[data-testid="stDataFrame"]').nth(index)
    grid.scroll_into_view_if_needed()
    page.wait_for_timeout(500)
    return " | ".join(grid.locator("td, [role='gridcell']").all_inner_texts())


def test_platt_on_a_low_prevalence_file_is_judged_at_its_threshold_everywhere(
    page, app_url: str, output_dir: Path, tmp_path: Path
) -> None:
    seen: dict[str, object] = {}
    page.goto(app_url)
    wait_for_app(page)
    page.wait_for_selector("h1:has-text('Data')")
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(LOW))
    page.wait_for_selector("text=readmitted_30", timeout=60_000)
    wait_for_app(page)

    # Train with Platt: the tiles, the CV caption and the sidebar name the same threshold, in this run
    open_page(page, "Train")
    page.wait_for_selector("h1:has-text('Train')")
    _select(page, "Recalibration", "Platt (logistic)")
    page.locator('[data-testid="stBaseButton-primary"]', has_text="Train").first.click()
    heading = page.locator("h3", has_text="Hold-out test set at threshold").first
    heading.wait_for(timeout=240_000)
    wait_for_app(page)
    train_t = re.search(r"threshold (\d\.\d{4})", heading.inner_text()).group(1)
    sens = page.locator('[data-testid="stMetric"]', has_text="Sensitivity").first
    train_sens = float(sens.locator('[data-testid="stMetricValue"]').inner_text())
    assert train_sens > 0 and train_t != "0.5000"
    assert _sidebar_threshold(page) == train_t  # redrawn in the training run, no navigation
    assert page.get_by_text("Hold-out test set at threshold 0.5").count() == 0
    command = page.locator('[data-testid="stCode"]').filter(has_text="python -m imbalance_core evaluate")
    train_line = command.first.inner_text().strip()
    seen.update(train_tiles=train_t, train_sensitivity=train_sens, sidebar_after_training=train_t)
    screenshot(page, output_dir / "walk_train_platt.png")

    # Compare inherits Platt: every row at its own default threshold, non-zero sensitivity
    page.set_viewport_size({"width": 1400, "height": 1000})
    open_page(page, "Compare")
    page.wait_for_selector("h1:has-text('Compare')")
    page.locator('[data-testid="stBaseButton-primary"]', has_text="Compare").first.click()
    page.wait_for_selector("text=Best cross-validated PR AUC", timeout=300_000)  # the main tab (issue 26)
    wait_for_app(page)
    assert page.get_by_text("own default threshold", exact=False).count() >= 1
    assert page.get_by_text("threshold 0.5", exact=False).count() == 0
    seen["compare_holdout_cells"] = _grid_text(page, 0)  # the main table: sens., spec., TP/FP/FN/TN
    screenshot(page, output_dir / "walk_compare.png")

    # Report: PDF with the leaderboard; model file; predictions
    page.set_viewport_size({"width": 1400, "height": 1000})
    open_page(page, "Report")
    page.wait_for_selector("h1:has-text('Report')")
    page.locator('[data-testid="stBaseButton-primary"]', has_text="Prepare downloads").first.click()
    page.wait_for_selector('[data-testid="stDownloadButton"]', timeout=240_000)
    wait_for_app(page)
    pdf = _download(page, "Download PDF report", tmp_path)
    text = re.sub(
        r"\s+", " ", " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.read_bytes())).pages)
    )
    assert "grid's threshold" not in text and "threshold 0.5" not in text
    assert "Fold metrics use the threshold 0.5" not in text
    assert "each pair at its own default threshold" in text
    assert f"threshold {train_t}" in text
    board = text[text.index("Compare leaderboard") :][:1500]
    rows = re.findall(
        r"(\d) ([A-Za-z -]+?) Logistic regression (0\.\d{4}) \S+ ± \S+ \S+ ± \S+ (\S+) (\S+)", board
    )
    assert len(rows) == 4, board
    assert all(float(r[2]) < 0.5 and float(r[3]) > 0 for r in rows)  # own thresholds, sensitivity above 0
    seen["pdf_threshold_mentions"] = sorted(set(re.findall(r"threshold (\d\.\d{4})", text)))
    seen["pdf_leaderboard"] = board[:900]
    model = _download(page, "Download model", tmp_path)
    saved = model_file.load_model(str(model))
    seen["model_file"] = f"{saved.metadata.threshold:.4f} ({saved.metadata.threshold_reason})"
    assert f"{saved.metadata.threshold:.4f}" == train_t

    # the CLI twin, run from the folder that holds the uploaded file (the package importable as after
    # `make deps`' editable install; PYTHONPATH stands in for it in the shared test environment)
    argv = shlex.split(train_line)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    out = subprocess.run(
        [sys.executable, *argv[1:]], cwd=LOW.parent, env=env, capture_output=True, text=True, timeout=300
    )
    assert out.returncode == 0, out.stderr
    payload = json.loads(out.stdout)
    seen["cli_evaluate"] = f"{payload['threshold']:.4f} ({payload['threshold_origin']})"
    assert f"{payload['threshold']:.4f}" == train_t and payload["test"]["sensitivity"] == pytest.approx(
        train_sens, abs=5e-4
    )

    # Predict with the session model: the decision threshold shown and used
    page.set_viewport_size({"width": 1400, "height": 1000})
    open_page(page, "Predict")
    page.wait_for_selector("h1:has-text('Predict new patients')")
    patients = tmp_path / "patients.csv"
    pd.read_csv(LOW).drop(columns=["readmitted_30"]).head(40).to_csv(patients, index=False)
    page.locator('[data-testid="stFileUploader"]', has_text="New patients (CSV").locator(
        'input[type="file"]'
    ).set_input_files(str(patients))
    page.wait_for_selector("text=Scored 40 patients", timeout=120_000)
    wait_for_app(page)
    line = page.get_by_text("when the score is at or above").first.inner_text()
    seen["predict_page"] = re.search(r"above (\d\.\d{4})", line).group(1)
    assert seen["predict_page"] == train_t
    seen["sidebar_at_end"] = _sidebar_threshold(page)
    (output_dir / "threshold_walk.json").write_text(json.dumps(seen, indent=2))
