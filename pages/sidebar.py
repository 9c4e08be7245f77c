"""What every page draws around itself: the sidebar status of data, model and threshold, and the mark
in the address that says the session holds the person's own work (so a reload can say it was lost)."""

from __future__ import annotations

from typing import Any

import streamlit as st

from imbalance_core.intake import bundled
from pages import cluster_view
from pages.plain_text import plain
from pages.session_state import (
    DEFAULT_BUNDLED,
    K_RELOADED,
    K_SIDEBAR_SLOT,
    K_SOURCE,
    K_SPEC,
    K_TRAIN_CACHE,
    K_TRAIN_RESULT,
    K_TRAIN_SETTINGS,
    WORK_MARK,
    current_data,
)
from pages.threshold_state import current_rule, current_threshold, rule_mode


def holds_work() -> bool:
    """True when the session holds something of the person's own: an upload, a changed task, a model."""
    source = st.session_state.get(K_SOURCE, "")
    default_spec = bundled.BUNDLED[DEFAULT_BUNDLED].default_spec
    return (
        not source.startswith(f"bundled:{DEFAULT_BUNDLED}")
        or st.session_state.get(K_SPEC) != default_spec
        or bool(st.session_state.get(K_TRAIN_CACHE))
        or K_TRAIN_RESULT in st.session_state
    )


def mark_work_in_address() -> None:
    """Keep :data:`~pages.session_state.WORK_MARK` in the address while the session holds work
    (see :func:`~pages.data_source.init_state`)."""
    if not holds_work():
        return
    st.session_state.pop(K_RELOADED, None)
    if st.query_params.get(WORK_MARK) != "1":
        st.query_params[WORK_MARK] = "1"


#: Said in the sidebar of a session that began as a reload of a tab that held work.
RELOAD_NOTICE = (
    "This tab was reloaded (or its address reopened): the data, settings and models of the earlier "
    "session are gone. They live only in the open tab and are never stored on the server. Load your "
    "file again on the Data page."
)


def sidebar_status() -> None:
    """A short status of the current data and model in the sidebar, in a placeholder kept for this run.

    The sidebar is drawn before the page; a page that changes the model (training) calls
    :func:`refresh_sidebar` so the status shows the new model's threshold in the same run (issue 23).
    """
    cluster_view.sidebar_line()
    slot = st.sidebar.empty()
    st.session_state[K_SIDEBAR_SLOT] = slot
    _draw_status(slot)


def refresh_sidebar() -> None:
    """Redraw this run's sidebar status (after training changed the current model or threshold)."""
    slot = st.session_state.get(K_SIDEBAR_SLOT)
    if slot is not None:
        _draw_status(slot)


def _draw_status(slot: Any) -> None:
    """The status lines, drawn into ``slot`` (replacing what it held)."""
    data = current_data()
    with slot.container():
        if st.session_state.get(K_RELOADED):
            st.warning(RELOAD_NOTICE, icon=":material/refresh:")
        if data is None:
            st.caption("No data loaded.")
            return
        counts = data.class_counts
        st.caption("Current data")
        st.text(data.name)
        st.text(f"{len(data.y):,} rows · {len(data.X.columns)} features")
        if data.is_binary:
            st.text(f"Positive: {data.positive_name} ({counts[data.positive_name]:,})")
        else:
            st.text(f"{len(data.class_names)} classes (multi-class)")
        if K_TRAIN_RESULT in st.session_state:
            settings = st.session_state.get(K_TRAIN_SETTINGS)
            if settings is not None:
                st.text(f"Model: {settings.sampler} + {settings.classifier}")
        chosen = current_threshold()
        if chosen is not None:
            st.caption(plain(f"Threshold {chosen.value:.4f} · {chosen.origin}"))
        rule = current_rule() if rule_mode() else None
        if rule is not None:
            st.caption(plain(f"Rule out below {rule['low']:.4g} · rule in at or above {rule['high']:.4g}"))
