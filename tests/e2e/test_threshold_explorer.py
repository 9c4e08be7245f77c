"""The live threshold explorer in Chromium: drag, keys, pickers, escaping and the commit back to Python.

A tiny app (tests/e2e/apps/explorer_app.py) mounts only the component with a payload the core built from
seeded synthetic scores; the test rebuilds the same payload, so after every move it knows which stop is
shown (the range's value) and checks the page against the stop table *and* against scikit-learn's
confusion matrix computed from the raw scores.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator

import numpy as np
import pytest
from sklearn.metrics import confusion_matrix, recall_score

from tests.e2e.apps.payloads import MALICIOUS_LABEL, synthetic_payload, synthetic_scores
from tests.e2e.conftest import open_recording, serve, train_default_model, wait_for_app

pytestmark = pytest.mark.e2e

ROWS, PREVALENCE, SEED = 2000, 0.1, 7  # the app's defaults
RANGE = '[data-testid="te-range"]'


@pytest.fixture(scope="module")
def explorer_url() -> Iterator[str]:
    yield from serve("tests/e2e/apps/explorer_app.py")


@pytest.fixture(scope="module")
def payload() -> dict:
    return synthetic_payload(ROWS, PREVALENCE, seed=SEED)


@pytest.fixture(scope="module")
def raw() -> tuple[np.ndarray, np.ndarray]:
    return synthetic_scores(ROWS, PREVALENCE, SEED)


def _open(page, url: str) -> dict:
    return open_recording(page, url, '[data-testid="te-tp"]:not(:empty)')


def _shown(page) -> dict[str, str]:
    keys = ("tp", "fp", "tn", "fn", "value")
    texts = {k: page.locator(f'[data-testid="te-{k}"]').inner_text() for k in keys}
    texts["sensitivity"] = page.locator('[data-testid="te-m-sensitivity"]').inner_text()
    texts["specificity"] = page.locator('[data-testid="te-m-specificity"]').inner_text()
    texts["aria"] = page.locator(RANGE).get_attribute("aria-valuetext") or ""
    return texts


def _check_stop(page, payload: dict, raw: tuple[np.ndarray, np.ndarray]) -> int:
    """The page shows the stop the range points at: counts equal the stop table and scikit-learn."""
    idx = int(page.locator(RANGE).input_value())
    stops = payload["stops"]
    shown = _shown(page)
    for k in ("tp", "fp", "tn", "fn"):
        assert int(shown[k].replace(",", "")) == stops[k][idx], (k, idx)
    assert shown["sensitivity"] == f"{stops['sensitivity'][idx]:.3f}"
    assert shown["specificity"] == f"{stops['specificity'][idx]:.3f}"
    # Independent check: scikit-learn on the raw scores at this stop's threshold (score >= t is positive).
    y, s = raw
    t = stops["threshold"][idx]
    tn, fp, fn, tp = confusion_matrix(y, (s >= t).astype(int), labels=[0, 1]).ravel()
    assert (tp, fp, tn, fn) == (stops["tp"][idx], stops["fp"][idx], stops["tn"][idx], stops["fn"][idx])
    assert float(shown["sensitivity"]) == pytest.approx(recall_score(y, s >= t), abs=5e-4)
    assert f"sensitivity {shown['sensitivity']}" in shown["aria"]
    return idx


def _wait_committed(page, threshold: float) -> None:
    page.locator(".st-key-committed").get_by_text(f"committed={threshold!r}", exact=True).wait_for()


def test_drag_updates_live_and_commits_on_release(page, explorer_url, payload, raw, output_dir):
    seen = _open(page, explorer_url)
    start = _check_stop(page, payload, raw)
    box = page.locator(RANGE).bounding_box()
    assert box is not None
    y_mid = box["y"] + box["height"] / 2
    knob_x = box["x"] + box["width"] * start / (len(payload["stops"]["threshold"]) - 1)
    page.mouse.move(knob_x, y_mid)
    page.mouse.down()
    sent_before = len(seen["sent"])
    values = set()
    for frac in np.linspace(0.5, 0.15, 12):
        page.mouse.move(box["x"] + box["width"] * frac, y_mid)
        values.add(page.locator('[data-testid="te-value"]').inner_text())
        _check_stop(page, payload, raw)  # numbers follow the pointer before release
    assert len(values) >= 10, "the displayed threshold did not follow the drag"
    assert len(seen["sent"]) == sent_before, "the explorer talked to the server while dragging"
    page.mouse.up()
    idx = _check_stop(page, payload, raw)
    assert idx != start
    _wait_committed(page, payload["stops"]["threshold"][idx])
    page.screenshot(path=str(output_dir / "threshold_explorer_drag.png"), full_page=True)
    assert not seen["dialogs"]


def test_keyboard_steps_and_commits(page, explorer_url, payload, raw):
    _open(page, explorer_url)
    rng = page.locator(RANGE)
    rng.focus()
    last = len(payload["stops"]["threshold"]) - 1
    start = int(rng.input_value())
    expected = {"ArrowRight": start + 1, "ArrowLeft": start, "ArrowUp": start + 1, "End": last, "Home": 0}
    for key, want in expected.items():
        page.keyboard.press(key)
        assert _check_stop(page, payload, raw) == want, key
        _wait_committed(page, payload["stops"]["threshold"][want])
    page.keyboard.press("PageUp")
    idx = _check_stop(page, payload, raw)
    assert idx > 1  # a page step moves further than an arrow
    _wait_committed(page, payload["stops"]["threshold"][idx])


def test_picker_moves_and_commits(page, explorer_url, payload, raw):
    _open(page, explorer_url)
    for pick in payload["picks"]:
        page.locator(f'[data-testid="te-pick-{pick["key"]}"]').click()
        assert _check_stop(page, payload, raw) == pick["index"]
        assert page.locator('[data-testid="te-reason"]').inner_text() == pick["reason"]
        _wait_committed(page, payload["stops"]["threshold"][pick["index"]])


@pytest.fixture(scope="module")
def tie_url() -> Iterator[str]:
    yield from serve("tests/e2e/apps/explorer_app.py", env={"EXPLORER_TIE": "1"})


def test_tied_suggestions_keep_the_pressed_ones_name(page, tie_url, payload):
    """Issue 23: two suggestions on one stop; the one pressed is sent with the threshold and named."""
    _open(page, tie_url)
    first = payload["picks"][0]
    t = payload["stops"]["threshold"][first["index"]]
    page.locator('[data-testid="te-pick-twin"]').click()
    _wait_committed(page, t)
    page.locator(".st-key-pick").get_by_text("pick='twin'", exact=True).wait_for()
    assert page.locator('[data-testid="te-reason"]').inner_text() == "the twin's reason"
    page.locator(f'[data-testid="te-pick-{first["key"]}"]').click()  # same value: only the name changes
    page.locator(".st-key-pick").get_by_text(f"pick={first['key']!r}", exact=True).wait_for()
    assert page.locator('[data-testid="te-reason"]').inner_text() == first["reason"]
    page.locator(RANGE).focus()
    page.keyboard.press("ArrowRight")  # moved by hand: no suggestion pressed any more
    page.locator(".st-key-pick").get_by_text("pick=None", exact=True).wait_for()


def test_class_label_is_text_not_html(page, explorer_url, output_dir):
    seen = _open(page, explorer_url)
    assert page.locator("#te-pos-name").inner_text() == MALICIOUS_LABEL
    assert page.locator("img").count() == 0  # CSS locators pierce the component's open shadow root
    page.locator(RANGE).focus()
    page.keyboard.press("ArrowLeft")
    page.wait_for_timeout(300)
    assert not seen["dialogs"]
    page.screenshot(path=str(output_dir / "threshold_explorer_label.png"), full_page=True)


def test_real_app_train_then_choose_threshold(page, app_url, output_dir):
    """Through the real app: train on the bundled data, open Threshold, press a suggestion, see it commit."""
    page.set_viewport_size({"width": 1400, "height": 2600})
    train_default_model(page, app_url)
    page.get_by_role("link", name="Threshold", exact=True).first.click()
    page.wait_for_selector("h1:has-text('Decision threshold')")
    wait_for_app(page)
    page.wait_for_selector('[data-testid="te-tp"]:not(:empty)')
    first = page.locator('[data-testid^="te-pick-"]').first
    label = first.inner_text().split(":")[0]
    first.click()
    shown = page.locator('[data-testid="te-value"]').inner_text()
    # The server-side part below the explorer names the picker and the same threshold after the commit.
    # The default is the Youden pick too, so the same number may already be on screen before the commit
    # arrives: wait for the sentence that names the pressed suggestion (it fails if that never comes).
    summary = page.locator('[data-testid="stMarkdownContainer"]', has_text=f"Threshold {shown}")
    summary.filter(has_text=label).first.wait_for(timeout=30_000)
    # Elements further down the same rerun may still show the previous run for a moment: poll.
    code, deadline = "", time.monotonic() + 30
    while time.monotonic() < deadline:
        code = page.locator('[data-testid="stCode"]').first.inner_text()
        committed = re.search(r"--threshold (\S+)", code)
        if committed and f"{float(committed[1]):.4f}" == shown:
            break
        page.wait_for_timeout(100)
    assert code.startswith("python -m imbalance_core evaluate")
    assert committed is not None and f"{float(committed[1]):.4f}" == shown, code
    page.wait_for_timeout(500)
    page.screenshot(path=str(output_dir / "threshold_page.png"), full_page=True)
