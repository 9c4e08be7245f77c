"""The optional login (issue 18, shared deployments): who sees what, with ``st.user`` mocked by AppTest.

The browser test against a real OIDC provider is tests/e2e/test_login_browser.py; it also covers a page's
address (``/train``) opened before signing in, which AppTest cannot: its reruns of a page skip app.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit import config
from streamlit.testing.v1 import AppTest

from pages import auth

APP = str(Path(__file__).resolve().parents[2] / "app.py")
AUTH = {
    "redirect_uri": "http://127.0.0.1:8501/oauth2callback",
    "cookie_secret": "a-long-random-string-for-tests-only-0123456789",
    "client_id": "imbalance-lab",
    "client_secret": "test-secret",
    "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration",
}
ANA = {"is_logged_in": True, "email": "Ana.Silva@Hospital.example", "name": "Ana Silva"}
BOB = {"is_logged_in": True, "email": "bob@elsewhere.example", "name": "Bob"}


# ---- the decision alone -------------------------------------------------------------------------


def test_parse_emails_splits_and_normalises() -> None:
    got = auth.parse_emails(["A@x.org, b@y.org;c@z.org", "  D@W.ORG\n", ""])
    assert got == {"a@x.org", "b@y.org", "c@z.org", "d@w.org"}


def test_judge_without_login_admits_everyone() -> None:
    assert auth.judge({}, configured=False, allowed=frozenset()).admitted


@pytest.mark.parametrize(
    ("user", "screen"),
    [
        ({"is_logged_in": False}, "login"),
        ({}, "login"),
        (ANA, "app"),  # case of the address does not matter
        (BOB, "refused"),
        ({"is_logged_in": True, "name": "No Mail"}, "refused"),
        ({**ANA, "email_verified": False}, "refused"),  # provider says the address is not verified
        ({**ANA, "email_verified": True}, "app"),
    ],
)
def test_judge_with_login(user: dict, screen: str) -> None:
    verdict = auth.judge(user, configured=True, allowed=frozenset({"ana.silva@hospital.example"}))
    assert verdict.screen == screen
    assert verdict.admitted == (screen == "app")


def test_empty_allow_list_admits_nobody() -> None:
    assert auth.judge(ANA, configured=True, allowed=frozenset()).screen == "refused"


# ---- the app, with st.user mocked ----------------------------------------------------------------


@pytest.fixture
def no_env_list(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(auth.ALLOWED_ENV, raising=False)


def _run(user: dict | None, secrets: dict | None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    if secrets is not None:
        at.secrets.update(secrets)
    if user is not None:
        at.user = user
    at.run()
    assert not at.exception, at.exception
    return at


def _texts(at: AppTest) -> str:
    parts = [t.value for t in (*at.title, *at.markdown, *at.caption, *at.text, *at.error, *at.warning)]
    parts += [b.label for b in at.button]
    return "\n".join(str(p) for p in parts)


def _shows_app(at: AppTest) -> bool:
    return (
        any(t.value == "Data" for t in at.title) or "No data loaded." in _texts(at) or bool(at.sidebar.text)
    )


def test_no_auth_section_is_the_app_as_today(no_env_list) -> None:
    at = _run(None, None)
    assert any(t.value == "Data" for t in at.title)
    assert not any(b.label in ("Sign in", "Log out") for b in at.button)


def test_not_signed_in_sees_only_the_sign_in_button(no_env_list) -> None:
    at = _run(
        {"is_logged_in": False}, {"auth": AUTH, "access": {"allowed_emails": ["ana.silva@hospital.example"]}}
    )
    assert [b.label for b in at.button] == ["Sign in"]
    assert not _shows_app(at)
    assert not at.sidebar.warning and not at.error


def test_signed_in_not_on_the_list_is_refused(no_env_list) -> None:
    at = _run(BOB, {"auth": AUTH, "access": {"allowed_emails": ["ana.silva@hospital.example"]}})
    assert [b.label for b in at.button] == ["Log out"]
    assert len(at.error) == 1 and "not on this server's list" in at.error[0].value
    assert not _shows_app(at)


def test_allowed_by_secrets_sees_the_app_with_name_and_logout(no_env_list) -> None:
    at = _run(ANA, {"auth": AUTH, "access": {"allowed_emails": ["ana.silva@hospital.example"]}})
    assert any(t.value == "Data" for t in at.title)
    assert "Ana Silva" in [t.value for t in at.sidebar.text]
    assert any(b.label == "Log out" for b in at.sidebar.button)


def test_allowed_by_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(auth.ALLOWED_ENV, "someone@x.org, ana.silva@hospital.example")
    at = _run(ANA, {"auth": AUTH})
    assert any(t.value == "Data" for t in at.title)
    bob = _run(BOB, {"auth": AUTH})
    assert not _shows_app(bob)


def test_sidebar_logout_button_logs_out(no_env_list) -> None:
    # In a browser st.logout() then reloads the app at the sign-in page (tests/e2e/test_login_browser.py);
    # AppTest records the logout by replacing the user with a logged-out one.
    at = _run(ANA, {"auth": AUTH, "access": {"allowed_emails": "ana.silva@hospital.example"}})
    assert at.user.get("is_logged_in") is True
    at.sidebar.button(key="auth_logout").click().run()
    assert at.user.get("is_logged_in") is False


def test_refusal_logout_button_logs_out(no_env_list) -> None:
    at = _run(BOB, {"auth": AUTH, "access": {"allowed_emails": ["ana.silva@hospital.example"]}})
    at.button[0].click().run()
    assert at.user.get("is_logged_in") is False


@pytest.fixture
def shared_address():
    saved = config.get_option("server.address")
    config.set_option("server.address", "0.0.0.0")
    yield
    config.set_option("server.address", saved)


def test_shared_address_with_login_does_not_claim_there_is_no_login(no_env_list, shared_address) -> None:
    at = _run(ANA, {"auth": AUTH, "access": {"allowed_emails": ["ana.silva@hospital.example"]}})
    assert any(t.value == "Data" for t in at.title)
    assert not any("no login" in w.value for w in at.sidebar.warning)
    # and without login the same address still says so (tests/pages/test_exposure_notice.py, in short)
    assert any("no login" in w.value for w in _run(None, None).sidebar.warning)
