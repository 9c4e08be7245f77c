"""The app's pages and their Streamlit helpers.

Importing this package also refuses Streamlit's multipage fallback (issue 31). Because this folder
is called ``pages/`` and sits beside ``app.py``, Streamlit 1.67 runs ``pages/<name>.py`` directly for
an address such as ``/data`` until some run has called ``st.navigation``: ``app.py``, its login gate
and its navigation would not run, and every module here would be listed as a page. ``serve.py`` (what
``make run`` starts) switches the fallback off before the first session exists; for a server started
another way (``streamlit run app.py``), the first run that reaches this package under the fallback
switches it off for the whole process and starts again through ``app.py``, before any page code.
"""

from __future__ import annotations

import sys


def _under_the_fallback() -> bool:
    """True when this import happens inside Streamlit's fallback (``_mpa_v1`` is running this page).

    Asked of the call stack, not of shared state: the fallback is decided per run, and a run that
    has not reached this import yet must still be caught after another run switched it off.
    """
    frame = sys._getframe(1)
    while frame is not None:
        code = frame.f_code
        if code.co_name == "_mpa_v1" and code.co_filename.endswith("script_runner.py"):
            return True
        frame = frame.f_back
    return False


def leave_the_fallback() -> None:
    """Switch Streamlit's multipage fallback off for this process; rerun through ``app.py`` if this
    run came from it (the exception leaves this import unfinished, so the next run imports again)."""
    from streamlit.runtime.pages_manager import PagesManager

    PagesManager.uses_pages_directory = False
    if _under_the_fallback():
        import streamlit as st

        st.rerun()


leave_the_fallback()
