"""How the Imbalance Lab server is run: the launcher's hardening around Streamlit (no page code here).

``serve.py`` (what ``make run`` and the browser tests start) serves ``app.py`` through Streamlit's
``st.App`` with :mod:`serving.guard` in front of every request and :mod:`serving.patches` applied
before the first session exists. :mod:`serving.access` decides who is admitted, for the pages' gate
and for the guard alike.
"""
