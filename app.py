"""Imbalance Lab — entry point: page config, navigation over pages/, a sidebar status. Nothing else."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

#: A local image, served by this server: a ":material/..:" page icon made every page load fetch an SVG
#: from fonts.gstatic.com (tests/e2e/test_outbound.py). The sidebar's material icons fetch nothing.
FAVICON = str(Path(__file__).resolve().parent / "static" / "favicon.png")
st.set_page_config(page_title="Imbalance Lab", page_icon=FAVICON, layout="wide")

from imbalance_core.maps.umap_warmup import start_background_warmup  # noqa: E402
from pages import auth, data_source, gc_freeze, sidebar  # noqa: E402  (set_page_config must come first)

data_source.init_state()
# compile UMAP's numba code once per process, off the page's thread; then freeze what it left
start_background_warmup(on_done=gc_freeze.freeze_long_lived)

#: (section, page). One line per page; the first is the start page.
PAGES: list[tuple[str, st.Page]] = [
    ("Data", st.Page("pages/data.py", title="Data", icon=":material/table_view:", default=True)),
    ("Data", st.Page("pages/explore.py", title="Explore", icon=":material/scatter_plot:")),
    ("Model", st.Page("pages/train.py", title="Train", icon=":material/model_training:")),
    ("Model", st.Page("pages/threshold.py", title="Threshold", icon=":material/tune:")),
    ("Model", st.Page("pages/check_model.py", title="Check the model", icon=":material/rule:")),
    ("Model", st.Page("pages/compare.py", title="Compare", icon=":material/leaderboard:")),
    ("Share", st.Page("pages/report.py", title="Report", icon=":material/description:")),
    ("Share", st.Page("pages/predict.py", title="Predict", icon=":material/person_search:")),
    ("Share", st.Page("pages/validate.py", title="Validate", icon=":material/fact_check:")),
    ("Help", st.Page("pages/glossary.py", title="Glossary", icon=":material/menu_book:")),
]

#: The start page's own address: Streamlit gives the default page the root address (its ``url_path``
#: is ""), yet ``/data`` still reaches it, so the gate must answer there too.
START_ADDRESS = "data"

#: Addresses only this machine can reach. Anything else (0.0.0.0, a LAN address, a name) is shared.
LOCAL_ADDRESSES = frozenset({"localhost", "127.0.0.1", "::1"})


def open_to_others(address: str | None) -> bool:
    """True when the server listens where other machines can reach it (and the app has no login).

    An empty address is Streamlit's default: every interface.
    """
    return (address or "").strip().lower() not in LOCAL_ADDRESSES


def _exposure_notice() -> None:
    """Say so in the sidebar when people on other machines can open this app without logging in."""
    address = st.get_option("server.address")
    if open_to_others(address) and not auth.login_configured():
        st.sidebar.warning(
            "Open to anyone who can reach this server: there is no login. Load patient data only if "
            "the network is trusted (README: Shared deployment).",
            icon=":material/public:",
        )


def _sections(pages: list[tuple[str, st.Page]]) -> dict[str, list[st.Page]]:
    """Group pages by section, keeping their order."""
    grouped: dict[str, list[st.Page]] = {}
    for section, page in pages:
        grouped.setdefault(section, []).append(page)
    return grouped


# A shared deployment with [auth] in secrets.toml: nothing of the app is drawn for someone who is not
# signed in and on the allow-list (pages/auth.py; off for local use).
if auth.admitted([START_ADDRESS, *(page.url_path for _, page in PAGES)]):
    auth.sidebar_identity()
    sidebar.sidebar_status()
    _exposure_notice()
    sidebar.mark_work_in_address()
    try:
        st.navigation(_sections(PAGES)).run()
    finally:  # also when the page stops or reruns: a model trained in this run counts as work
        sidebar.mark_work_in_address()
gc_freeze.after_first_run()
