"""Issue 26 in Chromium at 1,400 x 900: the decision at a glance on the Threshold page.

- the 2x2, the four key measures, the per-1,000 sentence and the likelihood-ratio panel are inside the
  first 900 px without scrolling (the page was ~4,500 px tall with four inputs above the slider);
- LR+ / LR- (checked against the log method of Simel 1991 computed here from the 2x2 on screen) and the
  post-test probabilities change while the slider is dragged, before release, and follow a typed
  pre-test probability;
- every plotly figure on the page, in every tab, has a plain sentence right after it, and no sentence
  says ``nan``; the calibration tables are not cut off sideways;
- the page height before/after is printed (run with ``-s`` to read it).
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import pytest

from imbalance_core.evaluation import threshold_sentences as ts
from tests.e2e.conftest import open_page, screenshot, train_default_model, wait_for_app

pytestmark = pytest.mark.e2e

WIDTH, HEIGHT = 1400, 900
RANGE = '[data-testid="te-range"]'
Z = 1.959963984540054
FIRST_SCREEN = ("te-table", "te-freq", "te-metrics", "te-lrp", "te-lrn", "te-post", "te-range")


def _text(page, testid: str) -> str:
    return page.locator(f'[data-testid="{testid}"]').inner_text().strip()


def _counts(page) -> tuple[int, int, int, int]:
    return tuple(int(_text(page, f"te-{k}").replace(",", "")) for k in ("tp", "fp", "tn", "fn"))  # type: ignore[return-value]


def _fmt_lr(v: float) -> str:
    return f"{v:.2f}" if v < 10 else f"{v:.3g}"


def _simel(x: int, nx: int, y: int, ny: int) -> tuple[float, float, float]:
    """(ratio, lo, hi) of (x/nx)/(y/ny), log method, 0.5 per cell when x or y is 0 (by hand)."""
    if x == 0 or y == 0:
        x, y, nx, ny = x + 0.5, y + 0.5, nx + 1, ny + 1
    lr = (x / nx) / (y / ny)
    se = math.sqrt(1 / x - 1 / nx + 1 / y - 1 / ny)
    return lr, lr * math.exp(-Z * se), lr * math.exp(Z * se)


def _check_lrs(page) -> None:
    """LR+ and LR- on screen equal the hand computation from the 2x2 on screen (when all cells > 0)."""
    tp, fp, tn, fn = _counts(page)
    if min(tp, fp, tn, fn) == 0:
        return
    lr, lo, hi = _simel(tp, tp + fn, fp, fp + tn)
    assert _text(page, "te-lrp") == _fmt_lr(lr)
    assert _text(page, "te-lrp-ci") == f"95 % CI {_fmt_lr(lo)}–{_fmt_lr(hi)}"
    lr, lo, hi = _simel(fn, tp + fn, tn, fp + tn)
    assert _text(page, "te-lrn") == _fmt_lr(lr)
    assert _text(page, "te-lrn-ci") == f"95 % CI {_fmt_lr(lo)}–{_fmt_lr(hi)}"


def _height(page) -> int:
    return int(
        page.evaluate(
            '() => Math.max(...[...document.querySelectorAll(\'[data-testid="stMain"], '
            '[data-testid="stAppViewContainer"]\')].map(e => e.scrollHeight))'
        )
    )


# For each plotly chart: the text of the element right after its element container (its sentence).
_SENTENCES_AFTER_CHARTS = """() => [...document.querySelectorAll('[data-testid="stPlotlyChart"]')]
.map((chart) => {
  const box = chart.closest('[data-testid="stElementContainer"]') || chart;
  const next = box.nextElementSibling;
  return next ? next.innerText : "";
})"""


def test_decision_at_a_glance(browser, app_url: str, output_dir: Path) -> None:
    context = browser.new_context(viewport={"width": WIDTH, "height": HEIGHT})
    page = context.new_page()
    page.set_default_timeout(120_000)
    try:
        train_default_model(page, app_url)
        open_page(page, "Threshold")
        page.wait_for_selector('[data-testid="te-tp"]:not(:empty)')
        page.wait_for_selector('[data-testid="te-lrp"]:not(:empty)')
        wait_for_app(page)
        page.wait_for_timeout(500)
        page.screenshot(path=str(output_dir / "threshold_glance_first_screen.png"))
        print(f"\nThreshold page height at {WIDTH} px wide: {_height(page)} px")

        # 1. The decision is in the first screen: nothing scrolled, every box inside 0..900.
        scrolled = page.evaluate("() => document.querySelector('[data-testid=\"stMain\"]').scrollTop")
        assert scrolled == 0
        for testid in FIRST_SCREEN:
            box = page.locator(f'[data-testid="{testid}"]').bounding_box()
            assert box is not None, testid
            assert box["y"] >= 0 and box["y"] + box["height"] <= HEIGHT, (testid, box)

        # The per-1,000 sentence is the core's sentence (same wording, same numbers).
        freq = _text(page, "te-freq")
        assert re.match(
            r"At \d\.\d{4}, the model flags [\d,]+ of 1,000 patients like these \(disease in ", freq
        )
        assert "nan" not in freq.lower()
        _check_lrs(page)

        # 2. LR+/LR- and post-test follow the pointer while dragging (before release).
        rng = page.locator(RANGE)
        n = int(rng.get_attribute("max")) + 1
        start = int(rng.input_value())
        box = rng.bounding_box()
        y_mid = box["y"] + box["height"] / 2
        thumb = box["x"] + 8 + (box["width"] - 16) * start / (n - 1)
        before = (_text(page, "te-lrp"), _text(page, "te-lrn"), _text(page, "te-post"))
        page.mouse.move(thumb, y_mid)
        page.mouse.down()
        seen = set()
        for frac in (0.12, 0.1, 0.08, 0.06):
            page.mouse.move(box["x"] + box["width"] * frac, y_mid)
            shown = (_text(page, "te-lrp"), _text(page, "te-lrn"), _text(page, "te-post"))
            _check_lrs(page)
            seen.add(shown)
        assert int(rng.input_value()) != start
        assert any(s[0] != before[0] and s[1] != before[1] and s[2] != before[2] for s in seen), (
            before,
            seen,
        )
        page.mouse.up()
        wait_for_app(page)

        # Keyboard: a held arrow moves the stop and the numbers before the key is released.
        rng.focus()
        lr_before = _text(page, "te-lrp-ci")
        for _ in range(5):
            page.keyboard.down("ArrowRight")
        assert _text(page, "te-lrp-ci") != lr_before
        page.keyboard.up("ArrowRight")
        wait_for_app(page)
        _check_lrs(page)

        # 3. A typed pre-test probability moves the post-test numbers (Bayes with the LR on screen).
        page.locator('[data-testid="te-pretest"]').fill("30")
        post = _text(page, "te-post")
        assert "whose chance of disease is 30.0 % before the test" in post
        lr = float(_text(page, "te-lrp"))
        odds = 0.3 / 0.7 * lr
        shown = float(re.search(r"positive result makes it ([\d.]+) %", post).group(1))
        assert shown == pytest.approx(100 * odds / (1 + odds), abs=0.11)
        page.screenshot(path=str(output_dir / "threshold_glance_after_drag.png"))

        # 4. Every figure in every tab has its sentence right after it; the tables fit sideways.
        tabs = page.locator('[data-testid="stTab"]')
        charts_seen = 0
        for i in range(tabs.count()):
            tabs.nth(i).click()
            page.wait_for_timeout(600)
            for text in page.evaluate(_SENTENCES_AFTER_CHARTS):
                assert len(text.strip()) > 40, f"a figure without its sentence (tab {i}): {text!r}"
                assert not re.search(r"\bnan\b", text, re.I), text
            charts_seen = max(charts_seen, page.locator('[data-testid="stPlotlyChart"]').count())
        assert charts_seen >= 2  # calibration and decision curve
        tabs.first.click()
        page.wait_for_timeout(600)
        for frame in page.locator('[data-testid="stDataFrame"]').all():
            if not frame.is_visible():
                continue
            box = frame.bounding_box()
            assert box["x"] + box["width"] <= WIDTH + 1, box
            wide = frame.evaluate(
                "(el) => { const s = el.querySelector('.dvn-scroller'); "
                "return s ? s.scrollWidth - s.clientWidth : 0; }"
            )
            assert wide <= 2, f"a table scrolls sideways by {wide} px"
        main = page.locator('[data-testid="stMain"]').inner_text()
        assert "Subgroup" not in main and "What-if" not in main  # moved to their own page (issue 26)
        assert not re.search(r"\bnan\b", main, re.I)
        page.set_viewport_size({"width": WIDTH, "height": HEIGHT})
        screenshot(page, output_dir / "threshold_glance_full.png")

        # 5. The typed pre-test probability goes to Python on Enter: the Report page starts from it, and
        # the explorer shows it again when the Threshold page is revisited.
        box = page.locator('[data-testid="te-pretest"]')
        box.press("Enter")
        box.evaluate("(el) => el.blur()")
        wait_for_app(page)
        open_page(page, "Report")
        field = page.locator('input[aria-label^="Pre-test probability"]')
        field.wait_for()
        assert field.input_value() == "30.00"
        assert "typed on the Threshold page" in page.locator('[data-testid="stMain"]').inner_text()
        open_page(page, "Threshold")
        page.wait_for_selector('[data-testid="te-lrp"]:not(:empty)')
        assert page.locator('[data-testid="te-pretest"]').input_value() == "30"
    finally:
        context.close()


def test_per_thousand_wording_is_the_core_sentence() -> None:
    """The explorer's JS writes the same sentence as the core (checked here on the JS source's template)."""
    js = (Path(__file__).parents[2] / "pages/widgets/threshold_explorer.js").read_text(encoding="utf-8")
    core = ts.per_thousand(0.1909, 138, 105, 20)
    assert core == (
        "At 0.1909, the model flags 138 of 1,000 patients like these; 105 of them have the disease and 20 "
        "with the disease are missed."
    )
    for piece in ("the model flags ", " of 1,000 patients like these ", " the disease and ", " missed."):
        assert piece in js
