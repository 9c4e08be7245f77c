"""The first minute (issue 30): the first UMAP map in a fresh process with and without the disk cache, and a
cold server's time to the Data page's heading and first chart — idle, and with 3 other processes busy.

Prints each figure beside its goal; not run by pytest. Needs Debian's Chromium (/usr/bin/chromium).

1. First UMAP map in a fresh Python process: 6,700 rows of a stroke-like mixed-type registry (5 text
   columns one-hot coded), SMOTE 1:1 on the 5,025 training rows, UMAP of the resampled view — with UMAP's
   compiled code in the disk cache (``$NUMBA_CACHE_DIR`` filled by ``make``) and with an empty cache
   folder, in the same run. Goal with the cache: <= 10 s.
2. Cold server: the app started as ``make run`` starts it, a headless Chromium asks for the page as soon
   as the health check answers; times from the server process's start to the "Data" heading and to the class
   chart being drawn. Goals: <= 3 s and <= 5 s.
3. The same with 3 busy processes (pure-Python loops) on the 2 cores: the shared-machine case.

Run: ``.venv/bin/python bench/first_minute.py [--rounds N] [--skip-umap]`` (several minutes: the uncached
UMAP case compiles for 1-2 minutes).
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from imbalance_core.maps.numba_cache import cache_filled, default_cache_dir  # noqa: E402
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, free_port  # noqa: E402
from tests.e2e.conftest import LAUNCHER as CONFTEST_LAUNCHER  # noqa: E402

#: The browser tests' Chromium, flags and launcher (what ``make run`` starts: app.py behind its guard).
LAUNCHER = str(CONFTEST_LAUNCHER.relative_to(ROOT))

FIRST_MAP = """
import sys, time
t0 = time.perf_counter()
sys.path.insert(0, "bench")
from projection import mixed_view
from imbalance_core.maps.numba_cache import cache_use
from imbalance_core.maps.projection import project_resampled
view = mixed_view(6700, "smote")
t1 = time.perf_counter()
project_resampled(view, "umap", 2)
use = cache_use()
print(t1 - t0, time.perf_counter() - t1, len(view.X_real), len(view.X_after), use.loaded, use.compiled)
"""


def first_map(cache_dir: Path) -> tuple[float, float, int, int, int, int]:
    """Data + resampling seconds, UMAP seconds, rows before/after and cache loads/compiles, fresh process."""
    env = {**os.environ, "NUMBA_CACHE_DIR": str(cache_dir)}
    out = subprocess.run(
        [sys.executable, "-c", FIRST_MAP], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    ).stdout.split()
    return float(out[0]), float(out[1]), int(out[2]), int(out[3]), int(out[4]), int(out[5])


def bench_first_map() -> None:
    filled = default_cache_dir()
    if not cache_filled(filled):
        print(f"(filling the cache in {filled} first: python -m imbalance_core.maps.umap_warmup)")
        subprocess.run([sys.executable, "-m", "imbalance_core.maps.umap_warmup"], cwd=ROOT, check=True)
    print("1. first UMAP map in a fresh process (6,700-row mixed registry, SMOTE, UMAP of the view)")
    with tempfile.TemporaryDirectory() as empty:
        for label, folder in (("cache filled", filled), ("empty cache", Path(empty))):
            prep, umap_s, before, after, loaded, compiled = first_map(folder)
            goal = "   goal <= 10 s" if label == "cache filled" else ""
            print(
                f"   {label:12}: UMAP {umap_s:6.1f} s (data + SMOTE {prep:4.1f} s; {before:,} -> {after:,} "
                f"rows; {loaded} signatures loaded, {compiled} compiled){goal}"
            )


def _busy(stop_at: float) -> None:
    """One busy process: a pure-Python loop until ``stop_at``."""
    x = 0
    while time.time() < stop_at:
        x = (x * 31 + 7) % 1_000_003


def cold_start_once(browser) -> tuple[float, float]:
    """Seconds from starting a server process to the Data heading and to its class chart."""
    with tempfile.TemporaryFile() as log:
        port = free_port()
        cmd = [
            sys.executable, "-m", "streamlit", "run", LAUNCHER, "--server.port", str(port),
            "--server.address", "127.0.0.1", "--server.headless", "true",
        ]  # fmt: skip
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
        try:
            url = f"http://127.0.0.1:{port}"
            while True:
                try:
                    with urllib.request.urlopen(f"{url}/_stcore/health", timeout=1) as r:
                        if r.status == 200:
                            break
                except OSError:
                    time.sleep(0.05)
                if time.perf_counter() - started > 120:
                    raise RuntimeError("server not healthy in 120 s")
            context = browser.new_context(viewport={"width": 1400, "height": 900})
            page = context.new_page()
            page.goto(url)
            page.get_by_role("heading", name="Data").first.wait_for(timeout=120_000)
            heading = time.perf_counter() - started
            page.wait_for_selector(".js-plotly-plot .main-svg", timeout=120_000)
            chart = time.perf_counter() - started
            context.close()
            return heading, chart
        finally:
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()


def bench_cold_start(rounds: int) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        for title, busy in (("2. cold server, no extra load", 0), ("3. cold server, 3 busy processes", 3)):
            workers = []
            if busy:
                stop_at = time.time() + rounds * 60
                workers = [multiprocessing.Process(target=_busy, args=(stop_at,)) for _ in range(busy)]
                for w in workers:
                    w.start()
            load = os.getloadavg()[0]
            try:
                runs = [cold_start_once(browser) for _ in range(rounds)]
            finally:
                for w in workers:
                    w.terminate()
            headings = [h for h, _ in runs]
            charts = [c for _, c in runs]
            print(
                f"{title} (load average {load:.1f} before): heading median "
                f"{statistics.median(headings):.2f} s (runs "
                f"{', '.join(f'{h:.2f}' for h in headings)}; goal <= 3 s), first chart median "
                f"{statistics.median(charts):.2f} s ({', '.join(f'{c:.2f}' for c in charts)}; goal <= 5 s)"
            )
        browser.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3, help="cold server starts per case")
    parser.add_argument("--skip-umap", action="store_true", help="only the cold-server figures")
    args = parser.parse_args()
    print(f"load average at start: {os.getloadavg()[0]:.1f} (2 cores)")
    if not args.skip_umap:
        bench_first_map()
    bench_cold_start(args.rounds)


if __name__ == "__main__":
    main()
