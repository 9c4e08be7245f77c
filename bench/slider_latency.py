"""Threshold explorer latency: drag, commit, memory, build time and payload size (issue 8's benchmark).

One run, printed as a table. Needs Debian's Chromium (/usr/bin/chromium) and the dev packages.

- Drag: 60 pointer moves over the explorer's range input. For every move the page records, in the
  first animation frame after the pointer event, whether the displayed sensitivity already equals the
  stop table's value for the range's position, and the time from the event to that frame
  (``performance.now()`` in a ``requestAnimationFrame`` callback minus the event's ``timeStamp``).
  Websocket frames sent by the page during the drag are counted (goal: 0).
- Commit: release of a drag -> the server-side ``st.text`` shows the new value (a MutationObserver
  timestamps the change; release time is the ``pointerup`` event's ``timeStamp``). Measured for the
  explorer, for a bare ``st.slider`` + one text page (the floor) and for the naive page (``st.slider``
  + scikit-learn metrics recomputed every rerun), with ``runner.postScriptGC`` on and off, and for the
  explorer also with ``gc.freeze()`` after the first run (what app.py does).
- Drag, rule-out / rule-in mode (two handles, ``tests/e2e/apps/rule_app.py``): the same 60 moves of
  the rule-in handle; a move counts as updated when, in the next frame, the rule-in zone's patient count
  equals the stop table's ``tp + fp`` at the handle's stop. Measured with ``--drag-only`` too.
- Memory: server RSS over 200 keyboard commits of the explorer at 1,000,000 rows.
- Build: stop table (sort included) and the whole explorer payload, and the payload's JSON size.

Run: ``.venv/bin/python bench/slider_latency.py`` (about 8 minutes; the machine is shared, so figures
move by tens of percent between runs). ``--quick``: 20,000 rows and few commits (smoke run);
``--drag-only``: only the explorer's drag figures.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from imbalance_core.evaluation.thresholds import build_stop_table  # noqa: E402
from tests.e2e.apps.payloads import synthetic_payload, synthetic_scores  # noqa: E402
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, start_streamlit, wait_for_app  # noqa: E402

QUICK = "--quick" in sys.argv  # a smoke run: small data, few commits
DRAG_ONLY = "--drag-only" in sys.argv  # only the explorer's drag figures
SIZES = (20_000,) if QUICK else (100_000, 1_000_000)
PREVALENCE, SEED = 0.1, 7
MOVES = 60
COMMITS = 4 if QUICK else 15
LONG_SESSION = 20 if QUICK else 200
GC_OFF = ["--runner.postScriptGC=false"]
#: Explicit, because the project config (.streamlit/config.toml) turns it off.
GC_ON = ["--runner.postScriptGC=true"]

SLIDER_THUMB = '[data-testid="stSlider"] div:has(> [data-testid="stSliderThumbValue"])'
EXPLORER = "tests/e2e/apps/explorer_app.py"
BARE = "tests/e2e/apps/bare_slider_app.py"
NAIVE = "tests/e2e/apps/naive_app.py"
RULE = "tests/e2e/apps/rule_app.py"

# In-page instrumentation. The explorer lives in an open shadow root; these helpers find it.
FIND = """
window.__te = (sel) => {
  for (const host of document.querySelectorAll('*')) {
    if (host.shadowRoot) { const x = host.shadowRoot.querySelector(sel); if (x) return x; }
  }
  return document.querySelector(sel);
};
"""
DRAG_PROBE = (
    FIND
    + """
window.__moves = [];
window.__handler = [];
// Registered after the explorer's own listener, so it runs when the redraw's DOM writes are done.
window.__te('[data-testid="te-range"]').addEventListener('input', (e) => {
  window.__handler.push(performance.now() - e.timeStamp);
});
window.addEventListener('pointermove', (e) => {
  if (!(e.buttons & 1)) return;
  const t0 = e.timeStamp;
  requestAnimationFrame(() => {
    const r = window.__te('[data-testid="te-range"]');
    const sens = window.__te('[data-testid="te-m-sensitivity"]');
    window.__moves.push({ms: performance.now() - t0, idx: Number(r.value), sens: sens.textContent});
  });
}, {capture: true});
"""
)
COMMIT_PROBE = (
    FIND
    + """
window.__commit = {t0: null, t1: null, before: null};
window.__committedText = () => {
  const el = document.querySelector('.st-key-committed');
  return el ? el.innerText : '';
};
window.addEventListener('pointerup', (e) => {
  window.__commit = {t0: e.timeStamp, t1: null, before: window.__committedText()};
}, {capture: true});
window.addEventListener('keydown', (e) => {
  window.__commit = {t0: e.timeStamp, t1: null, before: window.__committedText()};
}, {capture: true});
document.addEventListener('DOMContentLoaded', () => new MutationObserver(() => {
  const c = window.__commit;
  if (c.t0 !== null && c.t1 === null && window.__committedText() !== c.before) c.t1 = performance.now();
}).observe(document.body, {subtree: true, childList: true, characterData: true}));
"""
)


def pct(values: list[float], q: float) -> float:
    """The q-th percentile (nearest rank) of ``values``."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered) + 0.5) - 1))]


def rss_mb(pid: int) -> float:
    """Resident memory of a process in MiB (from /proc)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


@contextmanager
def server(
    script: str, rows: int | None = None, extra: list[str] | None = None, freeze: bool = False, mode: str = ""
):
    """A Streamlit server for ``script`` (rows, gc.freeze and the explorer mode passed by environment)."""
    saved = dict(os.environ)
    if mode:
        os.environ["EXPLORER_MODE"] = mode
    if rows is not None:
        os.environ["EXPLORER_ROWS"] = str(rows)
    os.environ["EXPLORER_FREEZE"] = "1" if freeze else "0"
    try:
        proc, url = start_streamlit(script, extra)
    finally:
        os.environ.clear()
        os.environ.update(saved)
    try:
        yield proc, url
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()


def open_page(browser, url: str, ready: str):
    """A fresh tab on ``url`` with the probes installed and websocket frames recorded."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(120_000)
    sent: list[float] = []
    page.on("websocket", lambda ws: ws.on("framesent", lambda _f: sent.append(time.perf_counter())))
    page.add_init_script(COMMIT_PROBE)
    page.goto(url)
    wait_for_app(page, 180_000)
    page.wait_for_selector(ready)
    page.wait_for_timeout(500)
    return context, page, sent


def settle(page) -> None:
    wait_for_app(page, 120_000)


def measure_drag(page, sent: list[float], stops: dict) -> dict:
    """60 pointer moves while the button is held; what the page showed in the frame after each."""
    page.evaluate(DRAG_PROBE)
    box = page.locator('[data-testid="te-range"]').bounding_box()
    y = box["y"] + box["height"] / 2
    x_at = lambda frac: box["x"] + box["width"] * frac  # noqa: E731
    page.mouse.move(x_at(0.2), y)
    page.mouse.down()
    page.wait_for_timeout(100)
    n_sent = len(sent)
    for i in range(MOVES):
        page.mouse.move(x_at(0.2 + 0.6 * (i + 1) / MOVES), y)
    page.wait_for_timeout(200)
    frames_sent = len(sent) - n_sent
    moves = page.evaluate("window.__moves")
    page.mouse.up()
    settle(page)
    updated, previous = 0, None
    for m in moves:
        idx = m["idx"]
        if idx != previous and m["sens"] == f"{stops['sensitivity'][idx]:.3f}":
            updated += 1
        previous = idx
    latencies = [m["ms"] for m in moves]
    handler = page.evaluate("window.__handler")
    return {
        "moves": len(moves),
        "updated": updated,
        "p95": pct(latencies, 95),
        "median": statistics.median(latencies) if latencies else float("nan"),
        "handler_p95": pct(handler, 95),
        "sent": frames_sent,
    }


RULE_PROBE = (
    FIND
    + """
window.__moves = [];
window.addEventListener('pointermove', (e) => {
  if (!(e.buttons & 1)) return;
  const t0 = e.timeStamp;
  requestAnimationFrame(() => {
    const hi = window.__te('[data-testid="te-range2"]');
    const cell = window.__te('[data-testid="te-z-in-n"]');
    window.__moves.push({ms: performance.now() - t0, idx: Number(hi.value), shown: cell.textContent});
  });
}, {capture: true});
"""
)


def measure_rule_drag(page, sent: list[float], stops: dict) -> dict:
    """60 moves of the rule-in handle: was the rule-in zone's count already right in the next frame?"""
    page.evaluate(RULE_PROBE)
    box = page.locator('[data-testid="te-range2"]').bounding_box()
    n = len(stops["threshold"])
    start = int(page.locator('[data-testid="te-range2"]').input_value()) / (n - 1)
    y = box["y"] + box["height"] / 2
    x_at = lambda frac: box["x"] + 8 + (box["width"] - 16) * frac  # noqa: E731
    end = min(start + 0.4, 0.98)
    page.mouse.move(x_at(start), y)
    page.mouse.down()
    page.wait_for_timeout(100)
    n_sent = len(sent)
    for i in range(MOVES):
        page.mouse.move(x_at(start + (end - start) * (i + 1) / MOVES), y)
    page.wait_for_timeout(200)
    frames_sent = len(sent) - n_sent
    moves = page.evaluate("window.__moves")
    page.mouse.up()
    settle(page)
    updated, previous = 0, None
    for m in moves:
        idx = m["idx"]
        want = f"{stops['tp'][idx] + stops['fp'][idx]:,} ("
        if idx != previous and m["shown"].startswith(want):
            updated += 1
        previous = idx
    latencies = [m["ms"] for m in moves]
    return {
        "moves": len(moves),
        "updated": updated,
        "p95": pct(latencies, 95),
        "median": statistics.median(latencies) if latencies else float("nan"),
        "sent": frames_sent,
    }


def measure_naive_drag(page, sent: list[float]) -> dict:
    """The same drag on the naive page: how often the displayed numbers changed before release."""
    thumb = page.locator(SLIDER_THUMB).first
    box = thumb.bounding_box()
    track = page.locator('[data-testid="stSlider"]').first.bounding_box()
    y = box["y"] + box["height"] / 2
    page.mouse.move(box["x"] + box["width"] / 2, y)
    page.mouse.down()
    n_sent = len(sent)
    shown = set()
    for i in range(MOVES):
        page.mouse.move(track["x"] + track["width"] * (0.2 + 0.6 * (i + 1) / MOVES), y)
        shown.add(page.locator('[data-testid="stMetricValue"]').first.inner_text())
    frames_sent = len(sent) - n_sent
    page.mouse.up()
    settle(page)
    return {"moves": MOVES, "updated": len(shown) - 1, "p95": float("nan"), "sent": frames_sent}


def _wait_commit(page) -> float | None:
    try:
        page.wait_for_function("window.__commit.t1 !== null", timeout=30_000, polling=10)
    except Exception:  # a lost commit is reported as missing, not fatal
        return None
    c = page.evaluate("window.__commit")
    return c["t1"] - c["t0"]


def measure_commits(page, handle: str, n: int = COMMITS) -> list[float]:
    """Release -> server-side text changed, for ``n`` short drags of the slider handle ``handle``."""
    out: list[float] = []
    for i in range(n):
        box = page.locator(handle).first.bounding_box()
        if handle.startswith('[data-testid="te-range"]'):
            y = box["y"] + box["height"] / 2
            x0 = box["x"] + box["width"] * (0.3 + 0.02 * (i % 10))
            x1 = x0 + box["width"] * 0.05
        else:  # st.slider thumb: grab it and move it
            y = box["y"] + box["height"] / 2
            x0 = box["x"] + box["width"] / 2
            x1 = x0 + (25 if i % 2 == 0 else -25)
        page.mouse.move(x0, y)
        page.mouse.down()
        page.mouse.move((x0 + x1) / 2, y)
        page.mouse.move(x1, y)
        page.mouse.up()
        ms = _wait_commit(page)
        if ms is not None:
            out.append(ms)
        settle(page)
        page.wait_for_timeout(100)
    return out


def measure_memory(page, pid: int) -> list[float]:
    """Server RSS (MiB) before and after every 50 of ``LONG_SESSION`` keyboard commits."""
    rng = page.locator('[data-testid="te-range"]')
    rng.focus()
    samples = [rss_mb(pid)]
    for i in range(LONG_SESSION):
        page.keyboard.press("ArrowRight" if i % 2 == 0 else "ArrowLeft")
        _wait_commit(page)
        settle(page)
        if (i + 1) % 50 == 0:
            samples.append(rss_mb(pid))
    return samples


def fmt_ms(values: list[float]) -> str:
    if not values:
        return "no commits seen"
    return f"median {statistics.median(values):6.1f} ms  p95 {pct(values, 95):6.1f} ms  (n={len(values)})"


def main() -> int:
    from playwright.sync_api import sync_playwright

    lines: list[str] = []
    build: dict[int, dict] = {}
    for rows in SIZES:
        y, s = synthetic_scores(rows, PREVALENCE, SEED)
        t0 = time.perf_counter()
        table = build_stop_table(y, s)
        t_table = time.perf_counter() - t0
        t0 = time.perf_counter()
        payload = synthetic_payload(rows, PREVALENCE, SEED)
        t_payload = time.perf_counter() - t0
        size = len(json.dumps(payload).encode())
        build[rows] = {"stops": payload["stops"]}
        lines.append(
            f"build {rows:>9,} rows: stop table {t_table * 1000:6.0f} ms ({len(table):,} stops); "
            f"whole explorer payload {t_payload * 1000:6.0f} ms; payload JSON {size / 1024:6.0f} KiB"
        )
    print("\n".join(lines), flush=True)

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        for label, extra, freeze in (
            ("postScriptGC on ", GC_ON, False),
            ("GC on + freeze  ", GC_ON, True),
            ("postScriptGC off", GC_OFF, False),
        ):
            if DRAG_ONLY:
                break
            with server(BARE, extra=extra, freeze=freeze) as (_proc, url):
                ctx, page, _ = open_page(browser, url, '[data-testid="stSlider"]')
                ms = measure_commits(page, SLIDER_THUMB)
                lines.append(f"commit  bare slider page          {label}: {fmt_ms(ms)}")
                print(lines[-1], flush=True)
                ctx.close()
        for rows in SIZES:
            for label, extra, freeze in (
                ("postScriptGC on ", GC_ON, False),
                ("GC on + freeze  ", GC_ON, True),
                ("postScriptGC off", GC_OFF, False),
            ):
                if DRAG_ONLY and not freeze:
                    continue
                with server(EXPLORER, rows, extra, freeze) as (proc, url):
                    ctx, page, sent = open_page(browser, url, '[data-testid="te-tp"]:not(:empty)')
                    if freeze:
                        d = measure_drag(page, sent, build[rows]["stops"])
                        lines.append(
                            f"drag    explorer {rows:>9,} rows: {d['updated']}/{MOVES} moves updated the "
                            f"sensitivity ({d['moves']} frames); event->next frame median {d['median']:.1f}, "
                            f"p95 {d['p95']:.1f} ms; event->redraw done p95 {d['handler_p95']:.1f} ms; "
                            f"{d['sent']} websocket frames sent during the drag"
                        )
                        print(lines[-1], flush=True)
                    if DRAG_ONLY:
                        ctx.close()
                        continue
                    ms = measure_commits(page, '[data-testid="te-range"]')
                    lines.append(f"commit  explorer {rows:>9,} rows {label}: {fmt_ms(ms)}")
                    print(lines[-1], flush=True)
                    if (freeze or extra is GC_OFF) and rows == SIZES[-1]:
                        mem = measure_memory(page, proc.pid)
                        lines.append(
                            f"memory  explorer {rows:>9,} rows {label}, RSS, {LONG_SESSION} commits, MiB: "
                            + " -> ".join(f"{m:.0f}" for m in mem)
                        )
                        print(lines[-1], flush=True)
                    ctx.close()
        for rows in SIZES:  # two-handle mode (the payload is built in the app as the Threshold page does)
            with server(RULE, rows, GC_ON, freeze=True, mode="rule") as (_proc, url):
                ctx, page, sent = open_page(browser, url, '[data-testid="te-z-in-n"]:not(:empty)')
                d = measure_rule_drag(page, sent, build[rows]["stops"])
                lines.append(
                    f"drag    rule mode {rows:>9,} rows: {d['updated']}/{MOVES} moves updated the rule-in "
                    f"zone ({d['moves']} frames); event->next frame median {d['median']:.1f}, "
                    f"p95 {d['p95']:.1f} ms; {d['sent']} websocket frames sent during the drag"
                )
                print(lines[-1], flush=True)
                ctx.close()
        for rows in () if DRAG_ONLY else SIZES:
            with server(NAIVE, rows, GC_ON) as (_proc, url):
                ctx, page, sent = open_page(browser, url, '[data-testid="stSlider"]')
                d = measure_naive_drag(page, sent)
                lines.append(
                    f"drag    naive    {rows:>9,} rows: {d['updated']}/{MOVES} moves changed the numbers "
                    f"before release, {d['sent']} websocket frames sent during the drag"
                )
                print(lines[-1], flush=True)
                ms = measure_commits(page, SLIDER_THUMB, n=min(10, COMMITS))
                lines.append(f"commit  naive    {rows:>9,} rows postScriptGC on : {fmt_ms(ms)}")
                print(lines[-1], flush=True)
                ctx.close()
        browser.close()
    print("\n=== Threshold explorer benchmark (one run) ===")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
