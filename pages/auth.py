"""Optional login for shared deployments (Streamlit's OIDC: ``st.login``/``st.user``/``st.logout``).

Not a page (``app.py`` lists its pages explicitly). Off unless ``.streamlit/secrets.toml`` has an
``[auth]`` section: a local copy works as before, with no sign-in. When it is on, ``app.py`` asks
:func:`admitted` before it draws anything else; a person who is not signed in sees only a sign-in
button, a signed-in person who is not on the allow-list sees only a refusal and a logout button.

The allow-list is a list of e-mail addresses (compared without regard to case), from the
``IMBALANCE_LAB_ALLOWED_EMAILS`` environment variable (separated by commas, semicolons or spaces)
and/or ``allowed_emails = [...]`` in the ``[access]`` section of ``secrets.toml``. An empty list
admits nobody: a login that admits everyone the identity provider knows is rarely what a hospital
wants, so forgetting the list fails closed.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import streamlit as st

from pages.common import plain

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

#: Environment variable with the allow-list (e-mail addresses separated by commas, semicolons or spaces).
ALLOWED_ENV = "IMBALANCE_LAB_ALLOWED_EMAILS"
_SEPARATORS = re.compile(r"[\s,;]+")


@dataclass(frozen=True)
class Verdict:
    """What the gate decided for this run: whether the app is drawn, and which screen otherwise."""

    admitted: bool
    screen: str  # "open" (no login configured), "app", "login" or "refused"
    email: str = ""
    name: str = ""


def parse_emails(values: Iterable[object]) -> frozenset[str]:
    """Normalised e-mail addresses from strings that may each hold several (comma/space separated)."""
    found: set[str] = set()
    for value in values:
        for part in _SEPARATORS.split(str(value)):
            if part.strip():
                found.add(part.strip().lower())
    return frozenset(found)


def judge(user: Mapping[str, Any], configured: bool, allowed: frozenset[str]) -> Verdict:
    """Decide from ``st.user``'s claims whether this person may use the app (pure; tested alone).

    Without a configured login everyone is admitted (local use). With one, the person must be signed
    in, have an e-mail claim the provider has not marked unverified, and be on ``allowed``.
    """
    if not configured:
        return Verdict(admitted=True, screen="open")
    if not user.get("is_logged_in"):
        return Verdict(admitted=False, screen="login")
    email = str(user.get("email") or "").strip()
    name = str(user.get("name") or "").strip()
    verified = user.get("email_verified", True) not in (False, "false", "False")
    if email and verified and email.lower() in allowed:
        return Verdict(admitted=True, screen="app", email=email, name=name)
    return Verdict(admitted=False, screen="refused", email=email, name=name)


def _secret_section(name: str) -> Mapping[str, Any]:
    """A section of ``secrets.toml`` as a mapping; empty when there is no such section or no file."""
    try:
        section = st.secrets.get(name)
    except FileNotFoundError:  # no secrets.toml at all (StreamlitSecretNotFoundError)
        return {}
    return section if isinstance(section, Mapping) else {}


def login_configured() -> bool:
    """True when ``secrets.toml`` has an ``[auth]`` section, i.e. the deployment asks people to sign in."""
    return bool(_secret_section("auth"))


def allowed_emails() -> frozenset[str]:
    """The allow-list: ``IMBALANCE_LAB_ALLOWED_EMAILS`` plus ``[access] allowed_emails`` in the secrets."""
    from_secrets = _secret_section("access").get("allowed_emails", ())
    if isinstance(from_secrets, str):
        from_secrets = [from_secrets]
    return parse_emails([os.environ.get(ALLOWED_ENV, ""), *from_secrets])


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
