"""A tiny app that mounts only the explorer, in two-handle (rule-out / rule-in) mode or, with
``EXPLORER_MODE=single``, in single mode with the uncertainty bands (browser tests, latency benchmark).

The committed rule is echoed in an ``st.text`` inside the container keyed ``committed``
(CSS class ``st-key-committed``). Environment: ``EXPLORER_ROWS``, ``EXPLORER_PREVALENCE``,
``EXPLORER_FREEZE=1`` (as in explorer_app.py), ``EXPLORER_MODE`` (``rule`` default, or ``single``).
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

from pages.widgets.threshold_explorer import encode_payload, rule_explorer, threshold_explorer  # noqa: E402
from tests.e2e.apps.rule_payloads import rule_payload  # noqa: E402

ROWS = int(os.environ.get("EXPLORER_ROWS", "2000"))
PREVALENCE = float(os.environ.get("EXPLORER_PREVALENCE", "0.1"))
MODE = os.environ.get("EXPLORER_MODE", "rule")


@st.cache_data(show_spinner=False)
def _payload(rows: int, prevalence: float) -> bytes:
    return encode_payload(rule_payload(rows, prevalence, seed=7))


payload = _payload(ROWS, PREVALENCE)
st.session_state.setdefault("runs", 0)
st.session_state["runs"] += 1
if MODE == "rule":
    value: object = rule_explorer(payload, key="rule_explorer")
else:
    value = threshold_explorer(payload, key="explorer")
with st.container(key="committed"):
    st.text(f"committed={value!r}")
with st.container(key="runs"):
    st.text(f"runs={st.session_state['runs']}")
if os.environ.get("EXPLORER_FREEZE") == "1" and not gc.get_freeze_count():
    gc.collect()
    gc.freeze()
