"""Server memory over upload cycles and after idle (issue 31: 326 -> 443 MB after 40 cycles, still there
after two idle minutes).

One server (the real app through ``serve.py``), one Chromium. A cycle uploads a distinct CSV on the Data
page (20,000 rows x 20 columns, ~3.5 MB, new random values each time), waits for its task and profile,
then removes the file; every 10 cycles the tab is reloaded (a new session; the old one is dropped by
Streamlit two minutes after its browser left). The server's resident memory (``/proc/PID/status``
VmRSS) is printed at the start (Data page drawn once), after the cycles, and every 30 s of idle
after that. ``--no-trim`` starts the server with ``IMBALANCE_LAB_MEMORY_TRIM=off`` (serving/memory.py's
release thread off) for the comparison. ``--cycles N``, ``--idle SECONDS``.

Run: ``.venv/bin/python bench/upload_soak.py`` (about 6 minutes; the machine is shared, so figures move
between runs).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, start_streamlit, stop, wait_for_app  # noqa: E402

UPLOAD = '[data-testid="stFileUploaderDropzoneInput"]'


def rss_mb(pid: int) -> float:
    """Resident memory of process ``pid`` in MiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def write_csv(folder: Path, i: int, rows: int = 20_000, cols: int = 20) -> Path:
    """A distinct CSV: random lab-like values and a rare binary outcome."""
    rng = np.random.default_rng(i)
    frame = pd.DataFrame(
        rng.normal(50, 10, size=(rows, cols)).round(2), columns=[f"lab_{c}" for c in range(cols)]
    )
    frame["outcome"] = np.where(rng.random(rows) < 0.08, "disease", "healthy")
    path = folder / f"soak_{i:03d}.csv"
    frame.to_csv(path, index=False)
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cycles", type=int, default=40)
    parser.add_argument("--idle", type=int, default=240)
    parser.add_argument("--no-trim", action="store_true")
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    env = {"IMBALANCE_LAB_MEMORY_TRIM": "off" if args.no_trim else "on", "IMBALANCE_LAB_UMAP_WARMUP": "off"}
    proc, url = start_streamlit(env=env)
    folder = Path(tempfile.mkdtemp(prefix="upload_soak_"))
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            pg = browser.new_page(viewport={"width": 1400, "height": 1000})
            pg.set_default_timeout(120_000)
            pg.goto(url)
            wait_for_app(pg)
            pg.wait_for_selector("h1:has-text('Data')")
            time.sleep(5)
            baseline = rss_mb(proc.pid)
            print(f"trim {'off' if args.no_trim else 'on'}; baseline {baseline:.0f} MiB", flush=True)
            t0 = time.monotonic()
            for i in range(args.cycles):
                if i and i % 10 == 0:
                    pg.reload()
                    wait_for_app(pg)
                    pg.wait_for_selector("h1:has-text('Data')")
                path = write_csv(folder, i)
                pg.locator(UPLOAD).set_input_files(str(path))
                wait_for_app(pg)
                pg.wait_for_selector(f"text={path.name}")
                pg.wait_for_selector("h3:has-text('Task')", timeout=120_000)
                wait_for_app(pg)
                remove = pg.locator('[data-testid="stFileUploaderDeleteBtn"]')
                if remove.count():
                    remove.first.click()
                    wait_for_app(pg)
                path.unlink()
                if (i + 1) % 10 == 0:
                    print(f"after {i + 1} cycles: {rss_mb(proc.pid):.0f} MiB", flush=True)
            after = rss_mb(proc.pid)
            print(f"{args.cycles} cycles in {time.monotonic() - t0:.0f} s: {after:.0f} MiB", flush=True)
            pg.close()  # the last session's browser leaves too
            idle = []
            for waited in range(30, args.idle + 1, 30):
                time.sleep(30)
                idle.append(rss_mb(proc.pid))
                print(f"idle {waited} s: {idle[-1]:.0f} MiB", flush=True)
            browser.close()
        print(
            f"RESULT trim={'off' if args.no_trim else 'on'} baseline={baseline:.0f} after={after:.0f} "
            f"idle_end={idle[-1] if idle else after:.0f} MiB"
        )
    finally:
        stop(proc)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
