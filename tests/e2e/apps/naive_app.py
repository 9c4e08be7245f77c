"""The naive threshold page for comparison: ``st.slider`` + scikit-learn metrics recomputed on every rerun.

Used by bench/slider_latency.py. ``EXPLORER_ROWS`` sets the hold-out size (seeded synthetic scores).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import streamlit as st
from sklearn.metrics import confusion_matrix, f1_score, precision_score, recall_score

ROOT = Path(__file__).resolve().parents[3]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.e2e.apps.payloads import synthetic_scores  # noqa: E402

ROWS = int(os.environ.get("EXPLORER_ROWS", "2000"))


@st.cache_resource(show_spinner=False)
def _scores(rows: int):
    return synthetic_scores(rows, 0.1, 7)


y, s = _scores(ROWS)
t = st.slider("Threshold", 0.0, 1.0, 0.5, 0.001, key="slider")
pred = (s >= t).astype(int)
tn, fp, fn, tp = confusion_matrix(y, pred, labels=[0, 1]).ravel()
c1, c2, c3, c4 = st.columns(4)
c1.metric("Sensitivity", f"{recall_score(y, pred):.3f}")
c2.metric("Specificity", f"{tn / (tn + fp):.3f}")
c3.metric("PPV", f"{precision_score(y, pred, zero_division=0):.3f}")
c4.metric("F1", f"{f1_score(y, pred):.3f}")
st.text(f"TP {tp}  FP {fp}  TN {tn}  FN {fn}")
with st.container(key="committed"):
    st.text(f"committed={t!r}")
