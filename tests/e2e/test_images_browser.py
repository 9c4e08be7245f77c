"""Images in real Chromium (issue 16): upload a zip of class folders, see the example grid, train, and on
the Threshold page see the false-negative thumbnails and a heat map with its honest caption."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from imbalance_core.images.intake import write_image_zip
from tests.e2e.conftest import open_page, screenshot, wait_for_app
from tests.images.shapes import shape_images

pytestmark = pytest.mark.e2e
UPLOAD = '[data-testid="stFileUploaderDropzoneInput"]'


def _noisy_zip(path: Path) -> Path:
    """Discs vs squares 1:4 with a fifth of the labels swapped, so the model must make mistakes."""
    images, labels = shape_images(40, 160, side=24, seed=5)
    rng = np.random.default_rng(5)
    swap = rng.random(len(labels)) < 0.2
    labels = [
        ("SQUARE" if lab == "DISC" else "DISC") if s else lab for lab, s in zip(labels, swap, strict=True)
    ]
    path.write_bytes(write_image_zip(images, labels))
    return path


def _wait_images(pg, n: int) -> None:
    """Wait until at least ``n`` images are drawn (they arrive a moment after their heading)."""
    pg.wait_for_function(
        f"() => document.querySelectorAll('[data-testid=\"stImage\"] img').length >= {n}", timeout=60_000
    )


def test_upload_zip_train_and_see_false_negatives_with_a_heat_map(
    page, app_url: str, tmp_path: Path, output_dir: Path
) -> None:
    pg = page
    pg.goto(app_url)
    wait_for_app(pg)
    pg.wait_for_selector("h1:has-text('Data')")
    pg.locator(UPLOAD).set_input_files(str(_noisy_zip(tmp_path / "shapes.zip")))
    wait_for_app(pg)
    pg.wait_for_selector("h3:has-text('Images')", timeout=120_000)
    _wait_images(pg, 16)  # 8 examples of each class
    screenshot(pg, output_dir / "images_data_grid.png")
    open_page(pg, "Train")
    pg.wait_for_selector("h1:has-text('Train')")
    pg.locator('[data-testid="stBaseButton-primary"]', has_text="Train").first.click()
    pg.wait_for_selector("text=Cross-validation summary", timeout=180_000)
    wait_for_app(pg)
    open_page(pg, "Threshold")
    pg.wait_for_selector("h3:has-text('Images the model got wrong')", timeout=120_000)
    wait_for_app(pg)
    pg.wait_for_selector("text=Where the model's evidence came from", timeout=120_000)
    text = pg.locator('[data-testid="stMain"]').inner_text()
    assert "False negatives" in text and "occlusion sensitivity" in text
    assert "Not where a lesion is" in text
    _wait_images(pg, 3)  # false negatives, false positives, the image and its heat map
    screenshot(pg, output_dir / "images_threshold_errors.png")
    open_page(pg, "Compare")
    pg.wait_for_selector('h3:has-text("The chest X-ray study\'s table")', timeout=120_000)
    pg.get_by_role("button", name="Run the study's table").click()
    pg.wait_for_selector("text=differ from the published study", timeout=300_000)
    wait_for_app(pg)
    main_text = pg.locator('[data-testid="stMain"]').inner_text()
    assert "Hold-out: 50 images" in main_text  # the pages' stratified 25 % of 200
    screenshot(pg, output_dir / "images_compare_study.png")
