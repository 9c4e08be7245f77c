"""The floor for commit latency: a bare ``st.slider`` and one text element (used by bench/slider_latency.py)."""

from __future__ import annotations

import streamlit as st

value = st.slider("Threshold", 0.0, 1.0, 0.5, 0.001, key="slider")
with st.container(key="committed"):
    st.text(f"committed={value!r}")
