"""Images in real Chromium (issue 16): upload a zip of class folders, see the example grid, train, and on
the Threshold page see the false-negative thumbnails and a heat map with its honest caption, drag the
threshold explorer's handle and see the thumbnails follow the committed threshold."""

from __future__ import annotations

import re
import time
from pathlib import Path

import numpy as np
import pytest

from imbalance_core.images.intake import write_image_zip
from tests.e2e.conftest import open_page, screenshot, wait_for_app
from tests.images.shapes import shape_images

pytestmark = pytest.mark.e2e
UPLOAD = '[data-testid="stFileUploaderDropzoneInput"]'
RANGE = '[data-testid="te-range"]'
SHOWN = 12  # pages.image_view.SHOWN_ERRORS: thumbnails drawn per kind of error
# Images in the element right after the "False negatives" heading (st.image of a list: one element).
FN_THUMBS = """() => {
  const heads = [...document.querySelectorAll('[data-testid="stMarkdownContainer"]')]
    .filter(m => m.innerText.trim() === "False negatives");
  if (!heads.length) return -1;
  let box = heads[0].closest('[data-testid="stElementContainer"]');
  const next = box && box.nextElementSibling;
  if (!next) return -1;
  return next.querySelector('[data-testid="stCaptionContainer"]') ? 0 : next.querySelectorAll("img").length;
}"""


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


def _panel_counts(pg) -> tuple[float, int, int]:
    """(threshold, false negatives) the thumbnails caption states, and the FN thumbnails drawn."""
    caption = pg.get_by_text(re.compile(r"^At the (committed|default) ")).first.inner_text()
    found = re.search(r"threshold ([0-9.]+): (\d+) false negatives", caption)
    assert found, caption
    shown = pg.evaluate(FN_THUMBS)
    return float(found[1]), int(found[2]), int(shown)


def _drag_and_check_thumbnails_follow(pg, output_dir: Path) -> None:
    """Drag the explorer's handle; after the commit the FN panel shows the explorer's FN count."""
    _, fn_before, _ = _panel_counts(pg)
    rng = pg.locator(RANGE)
    box = rng.bounding_box()
    assert box is not None
    n_stops = int(rng.get_attribute("max") or 0) + 1
    start = int(rng.input_value())
    y_mid = box["y"] + box["height"] / 2
    pg.mouse.move(box["x"] + box["width"] * start / max(n_stops - 1, 1), y_mid)
    pg.mouse.down()
    target = 0.9 if start / max(n_stops - 1, 1) < 0.6 else 0.1  # far from where the handle started
    for frac in np.linspace(start / max(n_stops - 1, 1), target, 10):
        pg.mouse.move(box["x"] + box["width"] * frac, y_mid)
    pg.mouse.up()
    assert int(rng.input_value()) != start, "the drag did not move the handle"
    value = float(pg.locator('[data-testid="te-value"]').inner_text())
    fn = int(pg.locator('[data-testid="te-fn"]').inner_text().replace(",", ""))
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:  # the commit reaches Python, the page reruns, the panel redraws
        wait_for_app(pg)
        threshold, fn_panel, thumbs = _panel_counts(pg)
        if abs(threshold - value) < 6e-4 and thumbs == min(fn_panel, SHOWN):
            break
        pg.wait_for_timeout(200)
    assert abs(threshold - value) < 6e-4, (threshold, value)
    assert fn_panel == fn, "the thumbnails panel does not count the explorer's false negatives"
    assert thumbs == min(fn, SHOWN), "FN thumbnails drawn differ from the false negatives"
    assert fn != fn_before, "the drag did not change the false negatives; the check proves nothing"
    screenshot(pg, output_dir / "images_threshold_after_drag.png")


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
    pg.get_by_role("tab", name="Images").click(timeout=120_000)  # below the decision, in its own tab
    pg.wait_for_selector("h3:has-text('Images the model got wrong')", timeout=120_000)
    wait_for_app(pg)
    pg.wait_for_selector("text=Where the model's evidence came from", timeout=120_000)
    text = pg.locator('[data-testid="stMain"]').inner_text()
    assert "False negatives" in text and "occlusion sensitivity" in text
    assert "Not where a lesion is" in text
    _wait_images(pg, 3)  # false negatives, false positives, the image and its heat map
    screenshot(pg, output_dir / "images_threshold_errors.png")
    _drag_and_check_thumbnails_follow(pg, output_dir)
    open_page(pg, "Compare")
    pg.wait_for_selector('h3:has-text("The chest X-ray study\'s table")', timeout=120_000)
    pg.get_by_role("button", name="Run the study's table").click()
    pg.wait_for_selector("text=differ from the published study", timeout=300_000)
    wait_for_app(pg)
    main_text = pg.locator('[data-testid="stMain"]').inner_text()
    assert "Hold-out: 50 images" in main_text  # the pages' stratified 25 % of 200
    screenshot(pg, output_dir / "images_compare_study.png")


def test_bundled_xrays_train_on_their_624_test_images(page, app_url: str, output_dir: Path) -> None:
    """The bundled PneumoniaMNIST: the Train page holds out exactly its test set and says so."""
    pg = page
    pg.goto(app_url)
    wait_for_app(pg)
    pg.wait_for_selector("h1:has-text('Data')")
    pg.get_by_role("button", name="Use the bundled chest X-rays (PneumoniaMNIST)").click()
    pg.wait_for_selector("h3:has-text('Images')", timeout=180_000)
    wait_for_app(pg)
    open_page(pg, "Train")
    pg.wait_for_selector("h1:has-text('Train')")
    said = "Hold-out: the zip's test/ folder, 624 images (234 / 390), never resampled or augmented"
    pg.get_by_text(said).first.wait_for()  # before training: from the data
    pg.locator('[data-testid="stBaseButton-primary"]', has_text="Train").first.click()
    pg.wait_for_selector("text=Cross-validation summary", timeout=300_000)
    wait_for_app(pg)
    text = pg.locator('[data-testid="stMain"]').inner_text()
    assert text.count(said) == 2, "the result does not name the test/ folder hold-out"
    assert "(n = 624, 390 positive)" in text
    screenshot(pg, output_dir / "images_train_bundled_holdout.png")
