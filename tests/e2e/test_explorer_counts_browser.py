"""The explorer's sentence of natural frequencies in Chromium: the right number for every count
(issue 12 item 9: "1 cases missed"; issue 26 wording: "1 with the disease is missed"), and the value
scale under the track (its labels sit at the stop of their value)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.e2e.apps.payloads import synthetic_payload
from tests.e2e.conftest import serve, wait_for_app

pytestmark = pytest.mark.e2e
RANGE = '[data-testid="te-range"]'


@pytest.fixture(scope="module")
def explorer_url() -> Iterator[str]:
    yield from serve("tests/e2e/apps/explorer_app.py")


def _show_stop(page, index: int) -> str:
    """Move the range to a stop the way a drag does (an input event) and read the sentence."""
    page.locator(RANGE).evaluate(
        "(el, i) => { el.value = String(i); el.dispatchEvent(new Event('input', {bubbles: true})); }", index
    )
    return page.locator('[data-testid="te-freq"]').inner_text()


def test_counts_of_one_are_singular(page, explorer_url: str) -> None:
    payload = synthetic_payload(2000, 0.1, seed=7)  # the app's defaults
    stops = payload["stops"]
    page.goto(explorer_url)
    wait_for_app(page)
    page.wait_for_selector('[data-testid="te-tp"]:not(:empty)')
    missed = [round(v) for v in stops["per1000_missed"]]
    ill = [round(v) for v in stops["per1000_true_pos"]]
    one_missed = missed.index(1)
    text = _show_stop(page, one_missed)
    assert "and 1 with the disease is missed" in text and "are missed" not in text, text
    several = next(i for i, v in enumerate(missed) if v > 1)
    assert f"and {missed[several]} with the disease are missed" in _show_stop(page, several)
    if 1 in ill:
        assert "; 1 of them has the disease" in _show_stop(page, ill.index(1))


def test_value_scale_labels_sit_at_their_stops(page, explorer_url: str) -> None:
    payload = synthetic_payload(2000, 0.1, seed=7)
    thresholds = payload["stops"]["threshold"]
    page.goto(explorer_url)
    wait_for_app(page)
    page.wait_for_selector('[data-testid="te-scale"] .te-tick')
    track = page.locator(RANGE).bounding_box()
    for tick in page.locator('[data-testid="te-scale"] .te-tick').all():
        value = float(tick.get_attribute("data-value"))
        box = tick.bounding_box()
        centre = box["x"] + box["width"] / 2
        index = min(range(len(thresholds)), key=lambda i: abs(thresholds[i] - value))
        expected = track["x"] + 8 + (track["width"] - 16) * index / (len(thresholds) - 1)
        assert abs(centre - expected) < 3, (value, centre, expected)
