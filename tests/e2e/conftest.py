"""Start the real app with `streamlit run` and drive it in Debian's headless Chromium via Playwright."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]

pytestmark = pytest.mark.e2e


def free_port() -> int:
    """An unused TCP port on loopback."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


#: The app's launcher (what ``make run`` starts): app.py behind the request guard and patches (serving/).
LAUNCHER = ROOT / "serve.py"


def start_streamlit(
    script: str | Path = LAUNCHER,
    extra: list[str] | None = None,
    cwd: str | Path = ROOT,
    env: dict[str, str] | None = None,
) -> tuple[subprocess.Popen, str]:
    """Run `streamlit run SCRIPT` headless on a free port; return the process and its URL once healthy.

    The real app is always started through its launcher (``serve.py``, as ``make run`` does); a test
    app under tests/e2e/apps is started as it is.

    ``cwd`` is where Streamlit looks for ``.streamlit/config.toml`` and ``secrets.toml`` (the login test
    starts it in a temporary folder holding a copy of the config and its own secrets). ``env``: extra
    environment variables for the server only (e.g. a test app's mode).
    """
    port = free_port()
    cmd = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(script),
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
        *(extra or []),
    ]
    env = {**os.environ, **(env or {}), "PYTHONUNBUFFERED": "1"}
    # The server's output goes to an unlinked temporary file, never a pipe: nobody reads a pipe while
    # the tests run, and once its 64 KiB buffer is full (numba and UMAP warnings fill it) the server
    # blocks on its next write and the page hangs.
    log = tempfile.TemporaryFile()  # noqa: SIM115  (the child keeps its own handle open)
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            log.seek(0)
            out = log.read().decode(errors="replace")
            raise RuntimeError(f"streamlit exited early:\n{out}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return proc, url
        except OSError:
            time.sleep(0.3)
    proc.kill()
    raise RuntimeError("streamlit did not become healthy within 90 s")


def stop(proc: subprocess.Popen) -> None:
    """End a server started by :func:`start_streamlit`: terminate, and kill if it lingers."""
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()


def serve(
    script: str | Path = LAUNCHER, cwd: str | Path = ROOT, env: dict[str, str] | None = None
) -> Iterator[str]:
    """For a fixture: ``yield from serve(...)`` runs the server for the fixture's scope."""
    proc, url = start_streamlit(script, cwd=cwd, env=env)
    try:
        yield url
    finally:
        stop(proc)


@pytest.fixture(scope="session")
def app_url() -> Iterator[str]:
    """The real app, started once for the browser tests."""
    yield from serve()


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium, headless, launched by Playwright (its own browser download is not used)."""
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs Debian's chromium package")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    """A fresh browser tab 1400 px wide, closed after the test."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    pg = context.new_page()
    pg.set_default_timeout(60_000)
    yield pg
    context.close()


def wait_for_app(pg, timeout: float = 60_000) -> None:
    """Wait until Streamlit has finished running the script (no 'running' indicator).

    A click's rerun starts a moment after the click returns, so give it that moment first; callers
    that need a specific element should still wait for that element.
    """
    pg.wait_for_selector('[data-testid="stApp"]', timeout=timeout)
    pg.wait_for_timeout(250)
    pg.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')"
        " || !document.querySelector('[data-testid=\"stStatusWidget\"]').innerText.includes('Running')",
        timeout=timeout,
    )


def open_recording(pg, url: str, ready: str) -> dict:
    """Load ``url`` until ``ready`` is drawn, recording dialogs (an executed onerror would open one)
    and the websocket frames the page sends: ``{"dialogs": [...], "sent": [...]}``, filled as they come."""
    seen: dict = {"dialogs": [], "sent": []}
    pg.on("dialog", lambda d: (seen["dialogs"].append(d.message), d.dismiss()))
    pg.on("websocket", lambda ws: ws.on("framesent", lambda f: seen["sent"].append(f)))
    pg.goto(url)
    wait_for_app(pg)
    pg.wait_for_selector(ready)
    return seen


def screenshot(pg, path: str | Path) -> None:
    """Screenshot of the whole app: Streamlit scrolls inside its main block, so grow the viewport first."""
    height = pg.evaluate(
        '() => Math.max(...[...document.querySelectorAll(\'[data-testid="stMain"], '
        '[data-testid="stAppViewContainer"], section.main\')].map(e => e.scrollHeight), 1000)'
    )
    width = pg.viewport_size["width"] if pg.viewport_size else 1400
    pg.set_viewport_size({"width": width, "height": min(int(height) + 40, 6000)})
    pg.wait_for_timeout(400)
    pg.screenshot(path=str(path), full_page=True)


def open_page(pg, title: str) -> None:
    """Click a page in the app's navigation and wait until the run ended.

    Exact, case-sensitive name: until app.py's first run has drawn its navigation, Streamlit lists the
    files in pages/ as lower-case links ("train"), which run the page without app.py.
    """
    pg.get_by_role("link", name=title, exact=True).first.click()
    wait_for_app(pg)


def train_default_model(pg, app_url: str) -> None:
    """Open the app on the bundled data, go to Train and train with the default settings."""
    pg.goto(app_url)
    wait_for_app(pg)
    pg.wait_for_selector("h1:has-text('Data')")  # the app's own navigation is drawn by now
    open_page(pg, "Train")
    pg.wait_for_selector("h1:has-text('Train')")
    pg.locator('[data-testid="stBaseButton-primary"]', has_text="Train").first.click()
    pg.wait_for_selector("text=Cross-validation summary", timeout=180_000)
    wait_for_app(pg)


def choose_in_multiselect(pg, label: str, option: str | None = None, attempts: int = 3) -> str:
    """Open the multiselect labelled ``label``, choose ``option`` (typed, exact name) or else the first
    one offered ("Select all" is no option); close the list, wait for the run; the chosen option's name.

    The list may close when a rerun redraws the box between the click and the choice: it is opened
    again, up to ``attempts`` times, and the test fails with a sentence if the option never appears.
    """
    chooser = pg.locator('[data-testid="stMultiSelect"]').filter(has_text=label).first
    chooser.scroll_into_view_if_needed()
    for _attempt in range(attempts):
        chooser.locator("input").first.click()
        if option is None:
            pg.get_by_role("option").first.wait_for(timeout=10_000)
            texts = [t.strip() for t in pg.get_by_role("option").all_inner_texts()]
            option = next(t for t in texts if t and t != "Select all")
        else:
            pg.keyboard.type(option)
        choice = pg.get_by_role("option", name=option, exact=True)
        try:
            name = choice.inner_text(timeout=10_000).strip()
            choice.click(timeout=10_000)
            break
        except Exception:  # Playwright timeout: try again
            pg.keyboard.press("Escape")
            wait_for_app(pg)
    else:
        pytest.fail(f"the option {option!r} of the multiselect {label!r} could not be chosen")
    pg.keyboard.press("Escape")
    wait_for_app(pg)
    return name


#: JavaScript: does the page scroll sideways, and which elements inside the main block do on their own
#: (a table whose right part is hidden). Browser tests and bench/page_heights.py measure it alike.
SIDEWAYS_JS = """() => {
  const main = document.querySelector('[data-testid="stMain"]') || document.body;
  const doc = document.scrollingElement;
  const page = doc.scrollWidth > doc.clientWidth + 1 || main.scrollWidth > main.clientWidth + 1;
  const cut = [];
  for (const el of main.querySelectorAll('*')) {
    const style = getComputedStyle(el);
    if (!['auto', 'scroll'].includes(style.overflowX)) continue;
    if (el.clientWidth === 0 || el.scrollWidth <= el.clientWidth + 1) continue;
    const owner = el.closest('[data-testid^="st"]:not([data-testid="stMain"])');
    const kind = owner ? owner.getAttribute('data-testid') : el.tagName.toLowerCase();
    cut.push(kind + ' ' + el.clientWidth + '/' + el.scrollWidth);
  }
  return {page, cut};
}"""
