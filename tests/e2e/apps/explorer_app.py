"""A tiny app that mounts only the threshold explorer, for the browser tests and the latency benchmark.

Scores are seeded synthetic ones; the positive class is named with an HTML-injection attempt so the test
can check it is shown as text. The committed threshold is echoed by the server in ``st.text`` elements
inside containers keyed ``committed`` and ``runs`` (CSS classes ``st-key-committed``,
``st-key-runs``) so a test can see when it reached Python.

Environment: ``EXPLORER_ROWS`` (hold-out rows, default 2,000), ``EXPLORER_PREVALENCE`` (default 0.1),
``EXPLORER_FREEZE=1`` to ``gc.freeze()`` after the first run as app.py does (``gc_freeze.after_first_run``),
``EXPLORER_TIE=1`` to add a second suggestion ("twin") on the first one's stop; the pressed suggestion's key
is echoed in a container keyed ``pick`` (issue 23: a tie keeps the pressed picker's name).
"""

from __future__ import annotations

import gc
import os
import sys
from pathlib import Path

import streamlit as st

ROOT = Path(__file__).resolve().parents[3]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from pages.widgets.threshold_explorer import (  # noqa: E402
    committed_pick,
    encode_payload,
    threshold_explorer,
)
from tests.e2e.apps.payloads import MALICIOUS_LABEL, synthetic_payload  # noqa: E402

ROWS = int(os.environ.get("EXPLORER_ROWS", "2000"))
PREVALENCE = float(os.environ.get("EXPLORER_PREVALENCE", "0.1"))


@st.cache_data(show_spinner=False)
def _payload(rows: int, prevalence: float, tie: bool = False) -> bytes:
    """Build and encode once (the benchmark measures reruns, not the build), as the Threshold page does."""
    built = synthetic_payload(rows, prevalence, seed=7)
    if tie:
        first = built["picks"][0]
        built["picks"].append({**first, "key": "twin", "label": "Twin", "reason": "the twin's reason"})
    return encode_payload(built)


payload = _payload(ROWS, PREVALENCE, os.environ.get("EXPLORER_TIE") == "1")
st.session_state.setdefault("runs", 0)
st.session_state["runs"] += 1
value = threshold_explorer(payload, key="explorer")
with st.container(key="committed"):
    st.text(f"committed={value!r}")
with st.container(key="pick"):
    st.text(f"pick={committed_pick('explorer')!r}")
with st.container(key="runs"):
    st.text(f"runs={st.session_state['runs']}")
if os.environ.get("EXPLORER_FREEZE") == "1" and not gc.get_freeze_count():
    gc.collect()
    gc.freeze()
st.caption(f"{ROWS:,} rows · positive class {MALICIOUS_LABEL!r} is shown as text")
