"""The running server watches no files.

Streamlit's file watcher watches the app's folder recursively with inotify, and the ``.venv`` that the
README's commands create lives inside that folder. When a training worker started and imported its
libraries, the events overflowed the inotify queue and the watcher re-walked the whole ``.venv`` again
and again: one full core of the server for the whole training (81 s instead of 43 s on the 101,766-row
file, bench/browser_100k.py). ``server.fileWatcherType = "none"`` in ``.streamlit/config.toml``.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.e2e.conftest import start_streamlit, stop, wait_for_app

pytestmark = pytest.mark.e2e


def inotify_watches(pid: int) -> int:
    """How many inotify watches the process ``pid`` holds (one ``inotify wd:`` line per watch)."""
    total = 0
    for info in Path(f"/proc/{pid}/fdinfo").iterdir():
        try:
            total += info.read_text().count("inotify wd:")
        except OSError:  # the descriptor closed meanwhile
            continue
    return total


def test_the_server_holds_no_file_watches(page) -> None:
    proc, url = start_streamlit()
    try:
        page.goto(url)  # Streamlit sets its watches up for the first session
        wait_for_app(page)
        page.wait_for_selector("h1:has-text('Data')")
        time.sleep(1)
        assert proc.poll() is None
        assert inotify_watches(proc.pid) == 0
    finally:
        stop(proc)
