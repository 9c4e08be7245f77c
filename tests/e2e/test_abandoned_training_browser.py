"""A training abandoned by a reload is cancelled (issue 31: it ran to its end; the next person's
1-second training waited 80.7 s behind it).

One training worker (``IMBALANCE_LAB_TRAIN_WORKERS=1``), the real app through its launcher. Person A
uploads 3,000 rows and starts a long training (SMOTE + a 1,000-tree random forest, 10 folds) and closes
the tab once its first folds have run; person B then trains the default model. B's training must
start once A's wait has noticed the tab is gone (5 s) and A's worker reached its next fold, not after
A's remaining folds: B's whole wait is compared with the time A's folds take (measured from A's own
progress messages).
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tests.e2e.conftest import open_page, serve, wait_for_app

pytestmark = pytest.mark.e2e

TREES = 1000  # the Train page's maximum
FOLDS = 10
UPLOAD = '[data-testid="stFileUploaderDropzoneInput"]'


@pytest.fixture(scope="module")
def one_worker_app() -> Iterator[str]:
    yield from serve(env={"IMBALANCE_LAB_TRAIN_WORKERS": "1", "IMBALANCE_LAB_UMAP_WARMUP": "off"})


def _rows(folder: Path) -> Path:
    """3,000 patients, 12 lab values, a rare outcome that depends on two of them."""
    rng = np.random.default_rng(31)
    values = rng.normal(50, 10, size=(3000, 12)).round(2)
    frame = pd.DataFrame(values, columns=[f"lab_{c}" for c in range(12)])
    risk = (values[:, 0] - 50) / 10 + (values[:, 1] - 50) / 10 + rng.normal(0, 1, 3000)
    frame["outcome"] = np.where(risk > 2.2, "disease", "healthy")
    path = folder / "long_training.csv"
    frame.to_csv(path, index=False)
    return path


def _start_long_training(pg, url: str, csv: Path) -> None:
    pg.goto(url)
    wait_for_app(pg)
    pg.wait_for_selector("h1:has-text('Data')")
    pg.locator(UPLOAD).set_input_files(str(csv))
    wait_for_app(pg)
    pg.wait_for_selector("h3:has-text('Task — long_training')", timeout=120_000)
    wait_for_app(pg)
    open_page(pg, "Train")
    pg.wait_for_selector("h1:has-text('Train')")
    for key, option in (("train_sampler", "SMOTE"), ("train_classifier", "Random forest")):
        pg.locator(f".st-key-{key} input[role='combobox']").click()
        pg.get_by_role("option", name=option, exact=True).first.click()
        wait_for_app(pg)
    pg.get_by_text("Model settings").first.click()
    trees = pg.locator(".st-key-train_param_random_forest_n_estimators input")
    trees.fill(str(TREES))
    trees.press("Enter")
    wait_for_app(pg)
    folds = pg.locator(".st-key-train_cv input")
    folds.fill(str(FOLDS))
    folds.press("Enter")
    wait_for_app(pg)
    pg.locator('[data-testid="stBaseButton-primary"]', has_text="Train").first.click()


def _fold_seen(pg) -> int:
    """The highest "Cross-validation fold N of 10" on A's page so far (0: none yet)."""
    text = pg.locator('[data-testid="stApp"]').inner_text()
    folds = [int(n) for n in re.findall(r"Cross-validation fold (\d+) of", text)]
    return max(folds, default=0)


def test_a_training_abandoned_by_closing_the_tab_is_cancelled(browser, one_worker_app, tmp_path) -> None:
    a_context = browser.new_context(viewport={"width": 1400, "height": 1000})
    a = a_context.new_page()
    a.set_default_timeout(180_000)
    _start_long_training(a, one_worker_app, _rows(tmp_path))
    deadline = time.monotonic() + 240
    while _fold_seen(a) < 2 and time.monotonic() < deadline:
        time.sleep(0.2)
    fold_2_at = time.monotonic()
    assert _fold_seen(a) >= 2, "A's training did not reach its second fold"
    while _fold_seen(a) < 3 and time.monotonic() < deadline:
        time.sleep(0.2)
    one_fold = time.monotonic() - fold_2_at  # what one of A's folds takes on this machine now
    a_context.close()  # A leaves: nobody waits for that training any more
    remaining = (FOLDS + 1 - 3) * one_fold  # A's folds still to run, and its final fit

    b_context = browser.new_context(viewport={"width": 1400, "height": 1000})
    b = b_context.new_page()
    b.set_default_timeout(300_000)
    try:
        b.goto(one_worker_app)
        wait_for_app(b)
        b.wait_for_selector("h1:has-text('Data')")
        open_page(b, "Train")
        b.wait_for_selector("h1:has-text('Train')")
        t0 = time.monotonic()
        b.locator('[data-testid="stBaseButton-primary"]', has_text="Train").first.click()
        b.wait_for_selector("text=Cross-validation summary", timeout=300_000)
        waited = time.monotonic() - t0
    finally:
        b_context.close()
    print(f"one fold of A {one_fold:.1f} s; A's remaining work ~{remaining:.0f} s; B waited {waited:.1f} s")
    # without the cancellation B waits for all of A's remaining folds; with it, 5 s of grace, at most
    # one more fold of A, and B's own short training
    assert waited < 0.6 * remaining + 5, (waited, one_fold, remaining)
