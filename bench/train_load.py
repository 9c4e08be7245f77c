"""Threshold-commit latency of one person while 8 others train random forests (issue 18 item 9's figure).

One server (the real app), one run, idle and loaded figures side by side:

1. The committing session trains the default model, opens the Threshold page and focuses the explorer.
   A commit is a key press on the explorer's range input (ArrowRight/ArrowLeft); its latency is the
   key event's ``timeStamp`` -> the sidebar's "Threshold 0.xxxx · origin" text changing (a
   MutationObserver in the page timestamps it), i.e. the round trip through the server's rerun.
2. Idle: ``COMMITS`` commits with nobody else on the server.
3. Loaded: 8 more browser sessions open the Train page, choose SMOTE + random forest of 1,000 trees
   with 10 folds (each a ~15 s fit on the idle machine) and press Train; the same number of commits is
   measured while they train. The script checks afterwards that trainings were still running or
   waiting when the last commit was measured (so every loaded commit was under load).

``--in-process`` starts the server with ``IMBALANCE_LAB_TRAIN_WORKERS=0`` (fits in the server's own
interpreter, as before issue 18) for the comparison. ``--quick``: fewer commits.

Run: ``.venv/bin/python bench/train_load.py`` (about 3 minutes; the machine is shared, so figures move
between runs).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.slider_latency import pct  # noqa: E402
from tests.e2e.conftest import (  # noqa: E402
    CHROMIUM,
    CHROMIUM_ARGS,
    open_page,
    start_streamlit,
    train_default_model,
    wait_for_app,
)

QUICK = "--quick" in sys.argv
IN_PROCESS = "--in-process" in sys.argv
COMMITS = 10 if QUICK else 30
TRAINERS = 8
#: Trees per forest: with 100 a training took 1.6 s on the idle machine and all 8 had finished before
#: the loaded commits were over; 1,000 keeps trainings running (one at a time, the rest queued).
TREES = 1000
SCREENSHOTS = ROOT / "test-output"

PROBE = """
window.__commit = {t0: null, t1: null, before: null};
window.__thresholdText = () => {
  const side = document.querySelector('[data-testid="stSidebar"]');
  if (!side) return '';
  const line = [...side.querySelectorAll('*')].map(e => e.innerText || '')
    .find(t => /^Threshold \\d/.test(t) && !t.includes('\\n'));
  return line || '';
};
window.addEventListener('keydown', (e) => {
  window.__commit = {t0: e.timeStamp, t1: null, before: window.__thresholdText()};
}, {capture: true});
document.addEventListener('DOMContentLoaded', () => new MutationObserver(() => {
  const c = window.__commit;
  if (c.t0 !== null && c.t1 === null && window.__thresholdText() !== c.before) c.t1 = performance.now();
}).observe(document.body, {subtree: true, childList: true, characterData: true}));
"""


def commits(page, n: int) -> list[float]:
    """``n`` keyboard commits on the explorer; milliseconds from key press to the sidebar's new value."""
    rng = page.locator('[data-testid="te-range"]')
    rng.focus()
    out: list[float] = []
    for i in range(n):
        page.keyboard.press("ArrowRight" if i % 2 == 0 else "ArrowLeft")
        try:
            page.wait_for_function("window.__commit.t1 !== null", timeout=30_000, polling=10)
            c = page.evaluate("window.__commit")
            out.append(c["t1"] - c["t0"])
        except Exception:  # (a lost commit is reported as missing, not fatal)
            print(f"  commit {i} not seen within 30 s", flush=True)
        wait_for_app(page, 120_000)
        page.wait_for_timeout(150)
    return out


def start_trainer(browser, url: str):
    """A session that opens Train, picks SMOTE + random forest with 10 folds and presses Train."""
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    page = context.new_page()
    page.set_default_timeout(120_000)
    page.goto(url)
    wait_for_app(page, 180_000)
    page.wait_for_selector("h1:has-text('Data')")
    open_page(page, "Train")
    page.wait_for_selector("h1:has-text('Train')")
    for key, option in (("train_sampler", "SMOTE"), ("train_classifier", "Random forest")):
        page.locator(f".st-key-{key} input[role='combobox']").click()
        page.get_by_role("option", name=option, exact=True).first.click()
        wait_for_app(page)
    page.get_by_text("Model settings").first.click()  # 1,000 trees: each training outlasts the window
    trees = page.locator(".st-key-train_param_random_forest_n_estimators input")
    trees.fill(str(TREES))
    trees.press("Enter")
    wait_for_app(page)
    folds = page.locator(".st-key-train_cv input")
    folds.fill("10")
    folds.press("Enter")
    wait_for_app(page)
    page.locator('[data-testid="stBaseButton-primary"]', has_text="Train").first.click()
    return context, page


def main() -> int:
    from playwright.sync_api import sync_playwright

    SCREENSHOTS.mkdir(exist_ok=True)
    saved = dict(os.environ)
    # No UMAP warm-up: its minute of numba compilation at server start would fall into the idle phase.
    os.environ["IMBALANCE_LAB_UMAP_WARMUP"] = "off"
    if IN_PROCESS:
        os.environ["IMBALANCE_LAB_TRAIN_WORKERS"] = "0"
    try:
        proc, url = start_streamlit()  # the launcher, as make run
    finally:
        os.environ.clear()
        os.environ.update(saved)
    mode = "fits in the server's interpreter" if IN_PROCESS else "fits in worker processes"
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            context = browser.new_context(viewport={"width": 1400, "height": 1000})
            page = context.new_page()
            page.set_default_timeout(120_000)
            page.add_init_script(PROBE)
            train_default_model(page, url)
            open_page(page, "Threshold")
            page.wait_for_selector('[data-testid="te-range"]')
            commits(page, 3)  # warm-up, not counted
            idle = commits(page, COMMITS)
            trainers = []
            for _ in range(TRAINERS):
                trainers.append(start_trainer(browser, url))
            last = trainers[-1][1]
            if not IN_PROCESS:  # the queue position, as the last person to press Train sees it
                try:
                    last.get_by_text("ahead of yours").first.wait_for(timeout=20_000)
                    print("queue position seen by the last trainer", flush=True)
                except Exception:  # an idle machine may clear the queue before the last one looks
                    print("queue position not seen: earlier trainings had finished already", flush=True)
            last.locator(
                '[data-testid="stStatusWidget"], [data-testid="stExpander"]'
            ).first.scroll_into_view_if_needed()
            last.screenshot(path=str(SCREENSHOTS / "train_load_waiting.png"))
            started = time.perf_counter()
            page.bring_to_front()
            loaded = commits(page, COMMITS)
            window = time.perf_counter() - started
            finished = sum(t[1].get_by_text("Trained in").count() > 0 for t in trainers)
            print(
                f"{mode}; {TRAINERS} trainers (SMOTE + random forest of {TREES} trees, 10 folds, HCV 608 "
                f"rows); load average before: {os.getloadavg()[0]:.1f}"
            )
            print(
                f"idle   commits: n={len(idle):3d}  p50 {pct(idle, 50):7.1f} ms  p95 "
                f"{pct(idle, 95):7.1f} ms  max {max(idle):7.1f} ms"
            )
            print(
                f"loaded commits: n={len(loaded):3d}  p50 {pct(loaded, 50):7.1f} ms  p95 "
                f"{pct(loaded, 95):7.1f} ms  max {max(loaded):7.1f} ms  ({window:.1f} s window)"
            )
            print("loaded commits in order (ms):", " ".join(f"{v:.0f}" for v in loaded))
            print(f"trainings finished when the last loaded commit was measured: {finished} of {TRAINERS}")
            try:
                for t in trainers:
                    t[1].get_by_text("Trained in").first.wait_for(timeout=180_000)
                print(
                    f"all {TRAINERS} trainings finished {time.perf_counter() - started:.1f} s after the start"
                )
            except Exception:  # a busy shared machine: say so rather than wait on
                done = sum(t[1].get_by_text("Trained in").count() > 0 for t in trainers)
                print(f"{done} of {TRAINERS} finished {time.perf_counter() - started:.1f} s after start")
            browser.close()
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
