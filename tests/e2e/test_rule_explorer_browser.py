"""The explorer's two-handle (rule-out / rule-in) mode and the uncertainty band in Chromium.

After every drag move of either handle the zone counts shown equal the core's
:func:`imbalance_core.evaluation.rule_zones.rule_zones` at the two stops; nothing is sent while dragging;
the pair reaches Python on release and on keys; each handle has its own aria-valuetext. Screenshots of
both modes go to test-output/.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import numpy as np
import pytest

from imbalance_core.evaluation import rule_zones
from tests.e2e.apps.payloads import synthetic_scores
from tests.e2e.apps.rule_payloads import rule_payload
from tests.e2e.conftest import open_recording, serve, wait_for_app

pytestmark = pytest.mark.e2e

ROWS, PREVALENCE, SEED = 2000, 0.1, 7
LOW = '[data-testid="te-range"]'
HIGH = '[data-testid="te-range2"]'


def _server(mode: str) -> Iterator[str]:
    yield from serve("tests/e2e/apps/rule_app.py", env={"EXPLORER_MODE": mode})


@pytest.fixture(scope="module")
def rule_url() -> Iterator[str]:
    yield from _server("rule")


@pytest.fixture(scope="module")
def single_url() -> Iterator[str]:
    yield from _server("single")


@pytest.fixture(scope="module")
def payload() -> dict:
    return rule_payload(ROWS, PREVALENCE, seed=SEED)


@pytest.fixture(scope="module")
def raw() -> tuple[np.ndarray, np.ndarray]:
    return synthetic_scores(ROWS, PREVALENCE, SEED)


def _int(text: str) -> int:
    return int(text.split()[0].replace(",", ""))


def _check_zones(page, payload: dict, raw) -> tuple[int, int]:
    """The zone table equals the core's zones at the two stops the handles point at."""
    i = int(page.locator(LOW).input_value())
    j = int(page.locator(HIGH).input_value())
    assert i <= j
    t = payload["stops"]["threshold"]
    z = rule_zones.rule_zones(raw[0], raw[1], t[i], t[j], payload["prevalence"])
    cell = lambda k: page.locator(f'[data-testid="te-z-{k}"]').inner_text()  # noqa: E731
    assert _int(cell("out-n")) == z.rule_out.n and _int(cell("out-pos")) == z.missed
    assert _int(cell("out-neg")) == z.rule_out.n_neg
    assert _int(cell("mid-n")) == z.indeterminate.n and _int(cell("mid-pos")) == z.indeterminate.n_pos
    assert _int(cell("mid-neg")) == z.indeterminate.n_neg
    assert _int(cell("in-n")) == z.rule_in.n and _int(cell("in-neg")) == z.false_alarms
    assert _int(cell("in-pos")) == z.rule_in.n_pos
    if z.rule_out.n:
        assert f"NPV {z.npv.value:.3f}" in cell("out-pv")
    if z.rule_in.n:
        assert f"PPV {z.ppv.value:.3f}" in cell("in-pv")
        assert f"PPV {z.ppv_deploy.value:.3f}" in cell("in-dep")
    assert f"{z.rule_out.n:,} patients" in (page.locator(LOW).get_attribute("aria-valuetext") or "")
    assert f"{z.false_alarms:,} false alarms" in (page.locator(HIGH).get_attribute("aria-valuetext") or "")
    return i, j


def _thumb_x(box: dict, idx: int, n: int) -> float:
    return box["x"] + 8 + (box["width"] - 16) * idx / (n - 1)


def _wait_committed(page, pair: tuple[float, float]) -> None:
    want = f"committed=({pair[0]!r}, {pair[1]!r})"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if want in page.locator(".st-key-committed").inner_text():
            return
        page.wait_for_timeout(100)
    raise AssertionError(f"{want!r} did not reach Python: {page.locator('.st-key-committed').inner_text()!r}")


def _open(page, url: str) -> dict:
    return open_recording(page, url, '[data-testid="te-z-out-n"]:not(:empty)')


def _drag(page, sel: str, payload: dict, raw, start: int, fracs, seen) -> None:
    n = len(payload["stops"]["threshold"])
    box = page.locator(LOW).bounding_box()
    y_mid = box["y"] + box["height"] / 2
    page.mouse.move(_thumb_x(box, start, n), y_mid)
    page.mouse.down()
    sent_before = len(seen["sent"])
    for frac in fracs:
        page.mouse.move(box["x"] + 8 + (box["width"] - 16) * frac, y_mid)
        _check_zones(page, payload, raw)
    assert len(seen["sent"]) == sent_before, "the explorer talked to the server while dragging"
    page.mouse.up()


def test_drag_each_handle_zones_follow_and_commit(page, rule_url, payload, raw, output_dir):
    seen = _open(page, rule_url)
    n = len(payload["stops"]["threshold"])
    rp = payload["rule_pick"]
    i, j = _check_zones(page, payload, raw)
    assert (i, j) == (rp["low_index"], rp["high_index"])  # opens at the suggested rule
    # both cut-offs on the histogram (issue 23: only the rule-in one was drawn)
    low_line = page.locator('[data-testid="te-hist-line-low"]')
    high_line = page.locator('[data-testid="te-hist-line"]')
    assert low_line.get_attribute("visibility") == "visible"
    assert float(low_line.get_attribute("x1")) < float(high_line.get_attribute("x1"))
    page.screenshot(path=str(output_dir / "rule_explorer_open.png"), full_page=True)
    # Rule-in handle (on top) dragged down, then the rule-out handle up.
    _drag(page, HIGH, payload, raw, j, np.linspace(j / (n - 1) - 0.02, 0.55, 8), seen)
    i2, j2 = _check_zones(page, payload, raw)
    assert j2 != j
    t = payload["stops"]["threshold"]
    _wait_committed(page, (t[i2], t[j2]))
    _drag(page, LOW, payload, raw, i2, np.linspace(i2 / (n - 1) + 0.02, 0.35, 8), seen)
    i3, j3 = _check_zones(page, payload, raw)
    assert i3 != i2 and j3 == j2
    _wait_committed(page, (t[i3], t[j3]))
    # The low handle pushes the high one along: no crossing, the indeterminate zone is empty.
    _drag(page, LOW, payload, raw, i3, [0.5, 0.7, 0.9], seen)
    i4, j4 = _check_zones(page, payload, raw)
    assert i4 == j4 > j3
    _wait_committed(page, (t[i4], t[j4]))
    page.screenshot(path=str(output_dir / "rule_explorer_drag.png"), full_page=True)
    assert not seen["dialogs"]


def test_keys_move_each_handle_and_commit(page, rule_url, payload, raw):
    _open(page, rule_url)
    t = payload["stops"]["threshold"]
    i, j = _check_zones(page, payload, raw)
    page.locator(HIGH).focus()
    for _ in range(5):
        page.keyboard.press("ArrowRight")
    i2, j2 = _check_zones(page, payload, raw)
    assert (i2, j2) == (i, j + 5)
    _wait_committed(page, (t[i2], t[j2]))
    page.locator(LOW).focus()
    page.keyboard.press("Home")
    i3, j3 = _check_zones(page, payload, raw)
    assert i3 == 0 and j3 == j2
    _wait_committed(page, (t[0], t[j3]))
    # Keys on the high handle past the low one push it down too.
    page.locator(LOW).focus()
    page.keyboard.press("End")
    i4, j4 = _check_zones(page, payload, raw)
    assert i4 == j4 == len(t) - 1
    page.locator(HIGH).focus()
    page.keyboard.press("ArrowLeft")
    i5, j5 = _check_zones(page, payload, raw)
    assert i5 == j5 == len(t) - 2
    _wait_committed(page, (t[i5], t[j5]))


def test_single_mode_draws_the_uncertainty_band_of_the_pressed_suggestion(
    page, single_url, payload, output_dir
):
    page.goto(single_url)
    wait_for_app(page)
    page.wait_for_selector('[data-testid="te-tp"]:not(:empty)')
    page.locator('[data-testid="te-pick-sensitivity"]').click()
    band = page.locator('[data-testid="te-band"]')
    assert band.is_visible()
    u = payload["uncertainty"]["sensitivity"]
    assert page.locator('[data-testid="te-unc"]').inner_text() == u["text"]
    box = page.locator(LOW).bounding_box()
    b = band.bounding_box()
    n = len(payload["stops"]["threshold"])
    assert b["x"] == pytest.approx(_thumb_x(box, u["lo_index"], n), abs=2)
    assert b["x"] + b["width"] == pytest.approx(_thumb_x(box, u["hi_index"], n), abs=3)
    page.screenshot(path=str(output_dir / "threshold_uncertainty_band.png"), full_page=True)
    # Moved by hand off the suggestion: no band, a note instead.
    page.locator(LOW).focus()
    page.keyboard.press("End")
    assert not band.is_visible()


def test_real_app_rule_mode_commits_to_sidebar_and_command(page, app_url, output_dir):
    """Through the real app: train, open Threshold, switch to two cut-offs, move the rule-in handle by key;
    the committed pair reaches Python (sidebar, the zones below, the equivalent command)."""
    import re

    from tests.e2e.conftest import screenshot, train_default_model

    page.set_viewport_size({"width": 1400, "height": 2600})
    train_default_model(page, app_url)
    page.get_by_role("link", name="Threshold", exact=True).first.click()
    page.wait_for_selector("h1:has-text('Decision threshold')")
    wait_for_app(page)
    page.wait_for_selector('[data-testid="te-tp"]:not(:empty)')
    screenshot(page, output_dir / "threshold_page_single_band.png")
    page.get_by_text("Rule-out and rule-in", exact=True).click()
    wait_for_app(page)
    page.wait_for_selector('[data-testid="te-z-in-n"]:not(:empty)')
    hi = page.locator(HIGH)
    hi.focus()
    for _ in range(3):
        page.keyboard.press("ArrowLeft")
    shown = page.locator('[data-testid="te-value"]').inner_text()  # "low – high"
    low_txt, high_txt = (x.strip() for x in shown.split("–"))
    sidebar = page.locator('[data-testid="stSidebar"]')
    sidebar.get_by_text("Rule out below", exact=False).first.wait_for(timeout=30_000)
    code, deadline = "", time.monotonic() + 30
    while time.monotonic() < deadline:
        code = page.locator('[data-testid="stCode"]').first.inner_text()
        m = re.search(r"--rule-out (\S+) --rule-in (\S+)", code)
        if m and f"{float(m[2]):.4f}" == high_txt:
            break
        page.wait_for_timeout(100)
    assert m is not None and f"{float(m[1]):.4f}" == low_txt and f"{float(m[2]):.4f}" == high_txt, code
    page.wait_for_timeout(500)
    screenshot(page, output_dir / "threshold_page_rule_mode.png")
