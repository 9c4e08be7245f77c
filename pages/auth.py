"""Optional login for shared deployments (Streamlit's OIDC: ``st.login``/``st.user``/``st.logout``).

Not a page (``app.py`` lists its pages explicitly). Off unless ``.streamlit/secrets.toml`` has an
``[auth]`` section: a local copy works as before, with no sign-in. When it is on, ``app.py`` asks
:func:`admitted` before it draws anything else; a person who is not signed in sees only a sign-in
button, a signed-in person who is not on the allow-list sees only a refusal and a logout button.

The verdict itself (:func:`judge`, the allow-list) lives in :mod:`serving.access`, shared with the
server's request guard. The allow-list is a list of e-mail addresses (compared without regard to
case), from the ``IMBALANCE_LAB_ALLOWED_EMAILS`` environment variable (separated by commas,
semicolons or spaces) and/or ``allowed_emails = [...]`` in the ``[access]`` section of
``secrets.toml``. An empty list admits nobody: a login that admits everyone the identity provider
knows is rarely what a hospital wants, so forgetting the list fails closed.
"""

from __future__ import annotations

from collections.abc import Iterable

import streamlit as st

from pages.plain_text import plain
from serving.access import (
    ALLOWED_ENV,
    Verdict,
    allowed_emails,
    judge,
    login_configured,
    parse_emails,
)

__all__ = [
    "ALLOWED_ENV",
    "GATE_PAGE_TITLE",
    "Verdict",
    "admitted",
    "allowed_emails",
    "current_verdict",
    "judge",
    "login_configured",
    "parse_emails",
    "sidebar_identity",
]


def current_verdict() -> Verdict:
    """The gate's decision for this run, from the secrets, the environment and ``st.user``."""
    configured = login_configured()
    return judge(st.user.to_dict(), configured, allowed_emails() if configured else frozenset())


def _draw_gate() -> None:
    """The only thing drawn for someone who is not admitted: a sign-in button or a refusal."""
    verdict = current_verdict()
    st.title("Imbalance Lab")
    if verdict.screen == "login":
        st.write("This server is shared: sign in to use it.")
        st.button("Sign in", type="primary", icon=":material/login:", on_click=st.login)
        return
    who = verdict.email or "This account"
    st.error(
        plain(
            f"{who} is not on this server's list of people allowed to use Imbalance Lab. "
            "Ask the person who runs it to add your e-mail address, or log out and sign in with "
            "another account."
        ),
        icon=":material/block:",
    )
    st.button("Log out", icon=":material/logout:", on_click=st.logout)


#: The gate's title in the browser tab.
GATE_PAGE_TITLE = "Sign in"


def _gate_pages(url_paths: Iterable[str]) -> list[st.Page]:
    """The gate under the app's own page addresses, so a bookmarked ``/train`` shows the gate too.

    Without them Streamlit would answer such an address with a "page not found" dialog over the gate.
    """
    pages = [st.Page(_draw_gate, title=GATE_PAGE_TITLE, default=True)]
    for path in dict.fromkeys(p for p in url_paths if p):
        pages.append(st.Page(_draw_gate, title=GATE_PAGE_TITLE, url_path=path))
    return pages


def admitted(url_paths: Iterable[str] = ()) -> bool:
    """True when the app may be drawn; otherwise draw the sign-in page or the refusal and return False.

    Called by ``app.py`` before anything else is drawn, with its pages' URL paths. When False,
    ``app.py`` draws nothing more: the navigation here holds only the gate (under those paths), so no
    address reaches a page of the app.
    """
    if current_verdict().admitted:
        return True
    st.navigation(_gate_pages(url_paths), position="hidden").run()
    return False


def sidebar_identity() -> None:
    """Who is signed in, and a logout button, at the top of the sidebar (only when login is on)."""
    verdict = current_verdict()
    if verdict.screen != "app":
        return
    with st.sidebar:
        st.caption("Signed in as")
        st.text(verdict.name or verdict.email)
        if verdict.name:
            st.text(verdict.email)
        st.button("Log out", icon=":material/logout:", on_click=st.logout, key="auth_logout")
