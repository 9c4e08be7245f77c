"""Who may use the app: the login verdict from ``st.user``'s claims, the secrets and the allow-list.

Shared by the pages' gate (``pages/auth.py``, inside a script run) and the request guard
(:mod:`serving.guard`, on the server's event loop, for uploads and media), so both judge a person
the same way. Light on purpose: Streamlit's secrets and the standard library only.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import streamlit as st

__all__ = [
    "ALLOWED_ENV",
    "Verdict",
    "allowed_emails",
    "judge",
    "login_configured",
    "parse_emails",
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
