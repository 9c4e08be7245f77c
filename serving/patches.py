"""Changes to Streamlit's behaviour that its configuration cannot make, applied before the first session.

Each is a module attribute or class attribute of Streamlit 1.67, replaced once by :func:`apply` (from
``serve.py``, at import, i.e. before the server accepts a connection):

- **No multipage fallback.** ``PagesManager.uses_pages_directory`` is decided when the first session
  starts (``pages/`` beside ``app.py`` -> True) and makes Streamlit run ``pages/<name>.py`` without
  ``app.py`` until some run calls ``st.navigation``. False from the start: every run is ``app.py``'s.
- **No external-IP lookup, no internal-IP probe.** ``net_util.get_external_ip`` asks
  checkip.amazonaws.com; Streamlit calls it for the start-up banner *and* whenever a websocket
  arrives from a foreign web origin (``server_util.is_url_from_allowed_origins``), which any web page
  a clinician visits can trigger. ``get_internal_ip`` "connects" a UDP socket to 8.8.8.8. Both answer
  None here: same-origin requests never need them, and ``browser.serverAddress`` /
  ``server.corsAllowedOrigins`` name any other allowed origin explicitly.
- **No cache clearing from a browser.** A ``clear_cache`` message from any connected browser (the
  menu's "Clear cache", the ``c`` key, or a crafted websocket message from someone not signed in)
  empties every session's caches. Nobody needs it to use the app; it is ignored and logged.
"""

from __future__ import annotations

import logging

__all__ = ["apply", "no_address"]

_LOG = logging.getLogger("imbalance_lab.serving")


def no_address() -> None:
    """Stand-in for Streamlit's IP lookups: there is no address to tell, and nothing is asked."""
    return None


def _ignore_clear_cache(self: object) -> None:
    """Stand-in for ``AppSession._handle_clear_cache_request``: caches are shared by every session."""
    _LOG.warning("A browser asked to clear the server's caches; ignored (serving/patches.py).")


def apply() -> None:
    """Apply every patch (idempotent)."""
    from streamlit import net_util
    from streamlit.runtime.app_session import AppSession
    from streamlit.runtime.pages_manager import PagesManager

    PagesManager.uses_pages_directory = False
    net_util.get_external_ip = no_address
    net_util.get_internal_ip = no_address
    AppSession._handle_clear_cache_request = _ignore_clear_cache
