"""Start Imbalance Lab: ``streamlit run serve.py`` (``make run``) serves ``app.py`` hardened.

Streamlit finds ``app`` below (an ``st.App``) and serves ``app.py`` through it, with the request guard
(``serving/guard.py``: security headers, uploads and media only for signed-in people when a login is
configured, logout that revokes the cookie, upload limits per session) in front of every request, and
``serving/patches.py`` applied before the first session: no multipage fallback (every address runs
``app.py`` and its login gate first), no external-IP lookup on any path, no cache clearing from a browser;
and ``serving/memory.py`` gives freed memory back to the machine every 30 s.
"""

from __future__ import annotations

import streamlit as st
from starlette.middleware import Middleware

from serving import guard, memory, patches

patches.apply()
memory.start_trimming()

app = st.App("app.py", middleware=[Middleware(guard.Guard)])
