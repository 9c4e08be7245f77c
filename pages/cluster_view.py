"""Running on a Dask cluster from the pages: the sidebar line, progress with time left, and the
"run on this machine instead" offer when the scheduler cannot be reached.

Not a page (``app.py`` lists its pages explicitly). The scheduler comes from the environment variable
``IMBALANCE_LAB_DASK_SCHEDULER`` or from ``.streamlit/secrets.toml``::

    [dask]
    scheduler = "tcp://10.0.0.5:8786"

A secrets entry is copied into the environment variable, so the training worker processes (which
call :func:`imbalance_core.learn.training.train` and read the variable there) use it too. Nothing here
imports dask: with no scheduler configured, no connection is made.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable

import streamlit as st

from imbalance_core.errors import DataError
from imbalance_core.learn.execution import ENV_VAR, SchedulerUnreachableError, scheduler_address
from pages import plain_text

#: Session-state key prefix: "the person agreed to run this on this machine" (one run, per page).
K_RUN_LOCAL = "cluster_run_local_"


def configured_scheduler() -> str:
    """The scheduler address from the environment, else from secrets (copied to the environment)."""
    address = os.environ.get(ENV_VAR, "").strip()
    if address:
        return address
    try:
        section = st.secrets.get("dask", {}) if "dask" in st.secrets else {}
        address = str(section.get("scheduler", "") or "").strip()
    except Exception:  # no secrets file at all: nothing configured
        return ""
    if address:
        os.environ[ENV_VAR] = address
    return address


def sidebar_line() -> None:
    """'Dask cluster: tcp://...' in the sidebar when one is configured (nothing otherwise)."""
    address = configured_scheduler()
    if not address:
        return
    try:
        scheduler_address(address)
    except DataError as exc:
        st.sidebar.caption(f":material/error: Dask: {exc}")
        return
    st.sidebar.caption(f":material/hub: Dask cluster: `{address}` (folds and Compare run there)")


def time_left(started: float, fraction: float, now: float | None = None) -> str:
    """' · about 12 s left' from the time since ``started`` and the share done ('' when unknown)."""
    elapsed = (time.perf_counter() if now is None else now) - started
    if fraction <= 0.02 or fraction >= 1 or elapsed < 1:
        return ""
    left = elapsed * (1 - fraction) / fraction
    return f" · about {left:.0f} s left" if left < 90 else f" · about {left / 60:.0f} min left"


def progress_bar(first_text: str = "Starting") -> Callable[[str, float], None]:
    """A progress bar and its ``progress(message, fraction)`` callback, the message with time left."""
    bar = st.progress(0.0, text=first_text)
    started = time.perf_counter()

    def progress(message: str, fraction: float) -> None:
        share = min(max(float(fraction), 0.0), 1.0)
        bar.progress(share, text=plain_text.plain(message) + time_left(started, share))

    return progress


def offer_local_run(exc: DataError, page: str) -> bool:
    """For an unreachable scheduler: the message and a button to run here; True when it was shown.

    Other errors return False (the caller shows them as usual). Nothing is lost: the choices stay in
    their widgets, and the run happens here only after the person presses the button.
    """
    if not isinstance(exc, SchedulerUnreachableError):
        return False
    plain_text.show_error(exc)
    st.button(
        "Run on this machine instead",
        key=f"cluster_local_button_{page}",
        icon=":material/computer:",
        on_click=lambda: st.session_state.__setitem__(K_RUN_LOCAL + page, True),
    )
    return True


def local_run_requested(page: str) -> bool:
    """True once after the person pressed 'Run on this machine instead' on ``page``."""
    return bool(st.session_state.pop(K_RUN_LOCAL + page, False))
