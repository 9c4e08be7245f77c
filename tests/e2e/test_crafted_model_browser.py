"""Crafted model files against the real server (issue 31, item 2): upload on the Predict page, the
server stays alive and says why.

Before: a forest whose tree has a child index out of range loaded fine and the first prediction made
the server exit with signal 11 (every session lost); a tree with a cycle pinned a core for ever. Each
file here is a real saved model with one array rewritten (tests/share/crafted_models.py).
"""

from __future__ import annotations

import urllib.request
from pathlib import Path

import pandas as pd
import pytest

from tests.e2e.conftest import open_page, start_streamlit, stop, wait_for_app
from tests.share import crafted_models as cm

pytestmark = pytest.mark.e2e
HCV = Path(__file__).resolve().parents[2] / "sample_data" / "hcv_lab_values.csv"


@pytest.fixture(scope="module")
def server():
    """A server of its own: if a crafted file killed it, no other test would be affected."""
    proc, url = start_streamlit()
    try:
        yield proc, url
    finally:
        stop(proc)


def _alive(proc, url: str) -> bool:
    if proc.poll() is not None:
        return False
    with urllib.request.urlopen(f"{url}/_stcore/health", timeout=10) as response:
        return response.status == 200


@pytest.mark.parametrize(
    ("classifier", "edit", "reason"),
    [
        ("random_forest", cm.tree_child_out_of_range, "points to a node that does not exist"),
        ("random_forest", cm.tree_cycle, "is not a tree"),
        ("hist_gb", cm.boosting_child_out_of_range, "points to a node that does not exist"),
    ],
    ids=["forest-child-out-of-range", "forest-cycle", "boosting-child-out-of-range"],
)
def test_a_crafted_model_upload_is_refused_and_the_server_lives(
    server, page, tmp_path, classifier, edit, reason
) -> None:
    proc, url = server
    crafted = tmp_path / "model.skops"
    crafted.write_bytes(cm.rewrite_first(cm.saved_model(classifier), edit))
    patients = tmp_path / "patients.csv"
    pd.read_csv(HCV).drop(columns=["Category"]).head(50).to_csv(patients, index=False)

    page.goto(url)
    wait_for_app(page)
    page.wait_for_selector("h1:has-text('Data')")
    open_page(page, "Predict")
    page.wait_for_selector("h1:has-text('Predict new patients')")
    page.get_by_text("Upload a .skops model").click()
    wait_for_app(page)
    uploader = page.locator('[data-testid="stFileUploader"]', has_text="Model file (.skops)")
    uploader.locator('input[type="file"]').set_input_files(str(crafted))
    page.wait_for_selector('[data-testid="stAlert"]:has-text("The model file was refused")', timeout=90_000)
    wait_for_app(page)
    assert page.get_by_text(reason).count() >= 1
    # Had the file been accepted, the patients' file would now be scored with it (the crash point).
    patients_box = page.locator('[data-testid="stFileUploader"]', has_text="New patients (CSV")
    if patients_box.count():
        patients_box.locator('input[type="file"]').set_input_files(str(patients))
        page.wait_for_timeout(5_000)
    assert _alive(proc, url), "the server died"
    assert page.get_by_text("Traceback").count() == 0
    page.reload()
    wait_for_app(page)
    page.wait_for_selector("h1", timeout=60_000)  # a fresh session is served
