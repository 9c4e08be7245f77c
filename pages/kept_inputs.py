"""Input widgets that keep the person's value when they leave the page and come back.

Streamlit deletes a widget's session-state entry at the end of every run that does not draw it; these
copy the value to a plain session-state key and seed the widget from it before it is drawn.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import streamlit as st

from pages.session_state import K_KEPT_INPUTS


def persist(widget_key: str, store_key: str, default: Any, scope: str = "") -> dict[str, Any]:
    """Keyword arguments that make an input widget keep the person's value when they leave the page.

    Streamlit deletes a widget's session-state entry at the end of every run that does not draw it, so
    without this an input comes back at its default after a visit to another page. The person's value
    is copied (by the returned ``on_change`` callback) to ``store_key``, a plain session-state key that
    Streamlit never deletes, as ``(scope, value)``. Before the widget is drawn, a missing widget key is
    re-seeded from the store when the stored scope equals ``scope``, else from ``default``.

    Parameters
    ----------
    widget_key
        The widget's ``key``.
    store_key
        Where the person's value is kept (a ``K_*`` constant, optionally with a suffix).
    default
        The value before the person has set one (or when the stored one belongs to another scope).
    scope
        What a stored value is valid for, e.g. :func:`~pages.session_state.data_key` for a value that
        only makes sense for this data; ``""`` keeps it for the whole session.

    Returns
    -------
    dict
        ``{"key": widget_key, "on_change": callback}``; pass as ``st.number_input(..., **persist(...))``
        and give no ``value``/``index``: the seeded session state is the widget's value.

    Examples
    --------
    >>> st.number_input("F-beta", min_value=0.1, **persist("thr_beta", K_THR_BETA, 2.0))  # doctest: +SKIP
    """
    state = st.session_state
    if widget_key not in state:
        stored = state.get(store_key)
        state[widget_key] = stored[1] if stored is not None and stored[0] == scope else default

    def keep() -> None:
        state[store_key] = (scope, state[widget_key])

    return {"key": widget_key, "on_change": keep}


def keep_inputs(page: str, keys: Iterable[str], prefixes: Iterable[str] = (), scope: str = "") -> None:
    """Before a page draws its inputs: put back the values Streamlit dropped while the person was away.

    The same guarantee as :func:`persist`, for a whole page at once (and for widgets whose keys are
    made on the fly, e.g. one per class or per hyper-parameter, named by ``prefixes``): the values
    :func:`remember_inputs` kept for ``page`` re-seed every missing widget key, when they were kept
    for the same ``scope`` (e.g. :func:`~pages.session_state.data_key`: values for other data are not
    brought back).
    """
    kept = st.session_state.get(K_KEPT_INPUTS + page)
    if kept is None or kept[0] != scope:
        return
    wanted = set(keys)
    for key, value in kept[1].items():
        if (key in wanted or key.startswith(tuple(prefixes))) and key not in st.session_state:
            st.session_state[key] = value


def remember_inputs(page: str, keys: Iterable[str], prefixes: Iterable[str] = (), scope: str = "") -> None:
    """Right after a page drew its inputs: keep their current values for :func:`keep_inputs`."""
    state = st.session_state
    starts = tuple(prefixes)
    names = [k for k in state if isinstance(k, str) and starts and k.startswith(starts)]
    values = {key: state[key] for key in (*keys, *names) if key in state}
    state[K_KEPT_INPUTS + page] = (scope, values)
