"""Page heights (issue 26): every page of the app at 1,400 x 900 with a trained model — how tall it is and
whether anything scrolls sideways; optionally a first-screen and a full-page screenshot of each.

Starts the app as ``make run`` does (``serve.py``, on a free port), opens it in Debian's headless Chromium
at 1,400 x 900, keeps the bundled data, trains the default model on the Train page, then visits every page
the navigation lists — found from the navigation links at run time, so pages added later are measured
too — and prints per page:

- ``height``: the full scroll height of the page in CSS pixels (how far a person scrolls; 900 = the page
  fits in the first screen);
- ``screens``: that height in 900-px screens;
- ``page hscroll``: whether the page itself scrolls sideways;
- ``Compare (after Compare)``: the Compare page again once its grid ran and its last element (the
  leaderboard chart and the equivalent command) is drawn (``--no-actions`` skips it);
- ``cut sideways``: elements inside the page that scroll sideways on their own (a table or chart whose
  right part is hidden), with the kind of element (``stDataFrame`` ...).

Not run by pytest. Needs Debian's Chromium (/usr/bin/chromium). Figures measured on the shared machine are
under load only for timing; heights do not depend on load.

Run::

    .venv/bin/python bench/page_heights.py                         # the table
    .venv/bin/python bench/page_heights.py --shots /tmp/shots      # + <page>_screen.png, <page>_full.png
    .venv/bin/python bench/page_heights.py --readme-shots docs/img # + the README's pictures
    .venv/bin/python bench/page_heights.py --pages Compare --shots /tmp/shots  # one page, after its run
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.e2e.conftest import (  # noqa: E402
    CHROMIUM,
    CHROMIUM_ARGS,
    SIDEWAYS_JS,
    start_streamlit,
    stop,
    train_default_model,
    wait_for_app,
)

WIDTH, HEIGHT = 1400, 900

#: The README's pictures: (navigation title, file name under --readme-shots), first screen at 1,400 x 900.
README_SHOTS: tuple[tuple[str, str], ...] = (
    ("Data", "data.png"),
    ("Explore", "explore.png"),
    ("Threshold", "threshold.png"),
)

#: Before its README picture (taken after every page was measured), a page is set up as a newcomer would
#: see it at its best: title -> (select box label, option). Explore then shows SMOTE's synthetic patients.
README_SETUP: dict[str, tuple[str, str]] = {"Explore": ("Resampling method", "SMOTE")}

#: Pages measured a second time after pressing their main button: title -> (button label, JavaScript that
#: is true once the LAST element the run draws is on the page). Compare's leaderboard, its tabs, the chart
#: and the equivalent command appear only after the grid ran; its "Leaderboard" heading comes first, so
#: waiting for it measured the page half drawn (and the word also matches text drawn before a run).
ACTIONS: dict[str, tuple[str, str]] = {
    "Compare": (
        "Compare",
        """() => {
  const main = document.querySelector('[data-testid="stMain"]');
  if (!main) return false;
  const chart = main.querySelector('[data-testid="stPlotlyChart"] .main-svg');
  const code = [...main.querySelectorAll('[data-testid="stCode"], pre')]
    .some(e => e.innerText.includes('imbalance_core compare'));
  return !!chart && code;
}""",
    )
}

#: How long a page's main action (Compare's grid) may run before the measurement gives up (s).
ACTION_TIMEOUT_S = 600

#: Largest full-page screenshot drawn (px); a taller page is cut there and said so.
MAX_SHOT_HEIGHT = 16_000

#: JavaScript: the page's scroll height (Streamlit scrolls inside its main block, not the document).
HEIGHT_JS = """() => Math.max(
  document.documentElement.scrollHeight,
  ...[...document.querySelectorAll(
    '[data-testid="stMain"], [data-testid="stAppViewContainer"], section.main')].map(e => e.scrollHeight))"""


@dataclass(frozen=True)
class PageSize:
    """One page as drawn: its title, scroll height, sideways scrolling, and how long it took to settle."""

    title: str
    height: int
    page_hscroll: bool
    cut: tuple[str, ...]
    seconds: float


def slug(title: str) -> str:
    """A file name for a page title: 'Check the model' -> 'check_the_model'."""
    return re.sub(r"[^a-z0-9]+", "_", title.lower()).strip("_") or "page"


def nav_titles(pg) -> list[str]:
    """The titles of every page in the sidebar navigation, in order (a "View more" is opened first)."""
    more = pg.locator('[data-testid="stSidebarNav"] button', has_text=re.compile(r"View \d+ more|more"))
    if more.count():
        more.first.click()
        pg.wait_for_timeout(300)
    texts = pg.locator('[data-testid="stSidebarNav"] a').all_inner_texts()
    return [t.strip().splitlines()[-1].strip() for t in texts if t.strip()]  # the icon's name comes first


def settle(pg, timeout: float = 90.0) -> None:
    """Wait until the run ended and the page stopped growing (charts are drawn after the script ends)."""
    wait_for_app(pg, timeout=timeout * 1000)
    deadline = time.monotonic() + timeout
    last, same = -1, 0
    while time.monotonic() < deadline and same < 3:
        pg.wait_for_timeout(500)
        running = pg.evaluate(
            "() => { const w = document.querySelector('[data-testid=\"stStatusWidget\"]');"
            " return !!w && w.innerText.includes('Running'); }"
        )
        now = int(pg.evaluate(HEIGHT_JS))
        same = same + 1 if (now == last and not running) else 0
        last = now


def open_nav_page(pg, title: str) -> None:
    """Click a page's link in the sidebar navigation (a click keeps the session and its trained model)."""
    pg.get_by_role("link", name=title, exact=True).first.click()
    pg.wait_for_timeout(300)


def to_top(pg) -> None:
    """Scroll the page and Streamlit's main block back to the top."""
    pg.evaluate(
        '() => { window.scrollTo(0, 0); document.querySelectorAll(\'[data-testid="stMain"], '
        '[data-testid="stAppViewContainer"], section.main\').forEach(e => e.scrollTo(0, 0)); }'
    )
    pg.wait_for_timeout(200)


def full_shot(pg, path: Path, height: int) -> None:
    """The whole page: grow the viewport to the page's height, screenshot, and shrink it back."""
    pg.set_viewport_size({"width": WIDTH, "height": min(height + 40, MAX_SHOT_HEIGHT)})
    pg.wait_for_timeout(600)
    pg.screenshot(path=str(path), full_page=True)
    pg.set_viewport_size({"width": WIDTH, "height": HEIGHT})
    pg.wait_for_timeout(400)


def readme_shot(pg, title: str, path: Path) -> None:
    """The README's picture of one page: its first screen, after the set-up in README_SETUP if any."""
    open_nav_page(pg, title)
    settle(pg)
    if title in README_SETUP:
        label, option = README_SETUP[title]
        box = pg.locator('[data-testid="stSelectbox"]').filter(has_text=label)
        if box.count():
            box.first.click()
            pg.get_by_role("option", name=option, exact=True).first.click()
            settle(pg)
        else:
            print(f"  ({title}: no '{label}' box, picture taken as the page opens)")
    to_top(pg)
    pg.screenshot(path=str(path))


def record(pg, title: str, seconds: float, shots: Path | None) -> PageSize:
    """Measure the page as drawn now and take the screenshots asked for."""
    to_top(pg)
    height = int(pg.evaluate(HEIGHT_JS))
    sideways = pg.evaluate(SIDEWAYS_JS)
    if shots is not None:
        pg.screenshot(path=str(shots / f"{slug(title)}_screen.png"))
        full_shot(pg, shots / f"{slug(title)}_full.png", height)
        to_top(pg)
    return PageSize(title, height, bool(sideways["page"]), tuple(sideways["cut"]), seconds)


def measure(pg, title: str, shots: Path | None, act: bool) -> list[PageSize]:
    """Open one page, wait until it is drawn and measure it; with ``act``, press its main button (ACTIONS)
    and measure it again as "<title> (after <button>)"."""
    started = time.perf_counter()
    open_nav_page(pg, title)
    settle(pg)
    sizes = [record(pg, title, time.perf_counter() - started, shots)]
    if act and title in ACTIONS:
        label, done_js = ACTIONS[title]
        started = time.perf_counter()
        pg.locator('[data-testid="stBaseButton-primary"]', has_text=label).first.click()
        # the run's last element (not its first heading), then until the height stops changing
        pg.wait_for_function(done_js, timeout=ACTION_TIMEOUT_S * 1000)
        settle(pg, timeout=ACTION_TIMEOUT_S)
        sizes.append(record(pg, f"{title} (after {label})", time.perf_counter() - started, shots))
    return sizes


def table(sizes: list[PageSize]) -> str:
    """The printed table: one line per page."""
    lines = [
        f"{'page':<26} {'height px':>9} {'screens':>7}  {'page hscroll':<12} cut sideways",
        "-" * 86,
    ]
    for s in sizes:
        cut = ", ".join(s.cut) if s.cut else "-"
        hscroll = "yes" if s.page_hscroll else "no"
        lines.append(f"{s.title:<26} {s.height:>9,} {s.height / HEIGHT:>7.1f}  {hscroll:<12} {cut}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shots", type=Path, help="folder for <page>_screen.png and <page>_full.png")
    parser.add_argument(
        "--readme-shots",
        type=Path,
        help="folder for the README's pictures (" + ", ".join(f for _, f in README_SHOTS) + ")",
    )
    parser.add_argument(
        "--pages",
        help="comma-separated navigation titles to measure (default: every page), e.g. --pages Compare",
    )
    parser.add_argument(
        "--no-actions",
        action="store_true",
        help="do not press Compare's button (measure pages as opened only)",
    )
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    for folder in (args.shots, args.readme_shots):
        if folder is not None:
            folder.mkdir(parents=True, exist_ok=True)
    readme = {title: args.readme_shots / name for title, name in README_SHOTS} if args.readme_shots else {}
    proc, url = start_streamlit()
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            context = browser.new_context(viewport={"width": WIDTH, "height": HEIGHT}, accept_downloads=True)
            pg = context.new_page()
            pg.set_default_timeout(120_000)
            t0 = time.perf_counter()
            train_default_model(pg, url)
            print(f"default model trained on the bundled data in {time.perf_counter() - t0:.0f} s")
            titles = nav_titles(pg)
            print(f"pages in the navigation: {', '.join(titles)}")
            wanted = [t.strip() for t in args.pages.split(",")] if args.pages else titles
            unknown = [t for t in wanted if t not in titles]
            if unknown:
                print(f"not in the navigation, not measured: {', '.join(unknown)}")
            sizes = []
            for title in [t for t in wanted if t in titles]:
                for size in measure(pg, title, args.shots, not args.no_actions):
                    sizes.append(size)
                    print(f"  {size.title}: {size.height:,} px (drawn in {size.seconds:.1f} s)", flush=True)
            for title, path in readme.items():
                if title in titles:
                    readme_shot(pg, title, path)
                    print(f"  README picture: {path}")
            browser.close()
    finally:
        stop(proc)
    print(f"\nat {WIDTH} x {HEIGHT}, bundled data, default model:")
    print(table(sizes))
    missing = [t for t in readme if t not in titles]
    if missing:
        print(f"not in the navigation, no README picture: {', '.join(missing)}")


if __name__ == "__main__":
    main()
