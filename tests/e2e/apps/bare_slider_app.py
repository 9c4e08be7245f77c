"""The commit-latency floor: a bare ``st.slider`` and one text element (for bench/slider_latency.py).

``EXPLORER_FREEZE=1``: ``gc.freeze()`` after the first run, as app.py does.
"""

from __future__ import annotations

import gc
import os

import streamlit as st

value = st.slider("Threshold", 0.0, 1.0, 0.5, 0.001, key="slider")
with st.container(key="committed"):
    st.text(f"committed={value!r}")
if os.environ.get("EXPLORER_FREEZE") == "1" and not gc.get_freeze_count():
    gc.collect()
    gc.freeze()
