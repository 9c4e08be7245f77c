"""The server launcher's hardening (serving/): patches of Streamlit and the request guard's pieces.

The guard end to end (uploads, media, revocation, headers) is tested against the real server in
tests/e2e/test_login_browser.py and tests/e2e/test_outbound.py; here the parts alone.
"""

from __future__ import annotations

import asyncio
import json
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from itsdangerous import URLSafeTimedSerializer

from serving import guard, patches

SECRET = "test-secret-0123456789"


@pytest.fixture
def patched(monkeypatch: pytest.MonkeyPatch) -> None:
    """Apply the patches for one test and put Streamlit's originals back afterwards."""
    from streamlit import net_util
    from streamlit.runtime.app_session import AppSession
    from streamlit.runtime.pages_manager import PagesManager

    monkeypatch.setattr(net_util, "get_external_ip", net_util.get_external_ip)
    monkeypatch.setattr(net_util, "get_internal_ip", net_util.get_internal_ip)
    monkeypatch.setattr(AppSession, "_handle_clear_cache_request", AppSession._handle_clear_cache_request)
    monkeypatch.setattr(PagesManager, "uses_pages_directory", PagesManager.uses_pages_directory)
    patches.apply()


def test_a_browser_cannot_clear_every_sessions_cache(patched) -> None:
    """Issue 31: a clear_cache message from any browser (signed in or not) emptied all caches."""
    import streamlit as st
    from streamlit.runtime.app_session import AppSession

    calls = []

    @st.cache_data
    def cached(x: int) -> int:
        calls.append(x)
        return x

    cached(1)
    AppSession._handle_clear_cache_request(object())  # what the session does for the message
    cached(1)
    assert calls == [1]  # still cached
    cached.clear()


def test_no_ip_lookup_and_no_multipage_fallback(patched) -> None:
    from streamlit import net_util
    from streamlit.runtime.pages_manager import PagesManager
    from streamlit.web.server import server_util

    assert net_util.get_external_ip() is None and net_util.get_internal_ip() is None
    assert PagesManager.uses_pages_directory is False
    assert not server_util.is_url_from_allowed_origins("https://attacker.example")


def _cookie(claims: dict, when: float) -> str:
    """Streamlit's signed login cookie as issued at ``when``."""
    serializer = URLSafeTimedSerializer(SECRET, salt=guard.USER_COOKIE)
    signer = serializer.make_signer(serializer.salt)
    signer.get_timestamp = lambda: int(when)  # type: ignore[method-assign]
    return signer.sign(serializer.dump_payload(json.dumps(claims))).decode()


def test_read_identity_and_revocation_by_issue_time() -> None:
    claims = {"email": "Ana.Silva@Hospital.example", "is_logged_in": True, "origin": "http://x"}
    now = int(time.time())
    old = guard.read_identity({guard.USER_COOKIE: _cookie(claims, now - 100)}, SECRET)
    new = guard.read_identity({guard.USER_COOKIE: _cookie(claims, now)}, SECRET)
    assert old is not None and old.issued == now - 100 and old.key == "ana.silva@hospital.example"
    assert guard.read_identity({guard.USER_COOKIE: _cookie(claims, now)}, "another secret") is None
    expired = guard.read_identity({guard.USER_COOKIE: _cookie(claims, now - 40 * 86400)}, SECRET)
    assert expired is None
    revocations = guard.Revocations()
    revocations.revoke(old.key, when=now - 50.3)
    assert revocations.is_revoked(old)
    assert not revocations.is_revoked(new)  # signed in again after the logout


def test_login_cookies_are_taken_out_of_the_request() -> None:
    headers = [(b"host", b"x"), (b"cookie", b"_streamlit_xsrf=a; _streamlit_user=b; _streamlit_user_1=c")]
    assert guard.without_login_cookies(headers) == [(b"host", b"x"), (b"cookie", b"_streamlit_xsrf=a")]


def _call(app_guard: guard.Guard, scope: dict) -> list[dict]:
    sent: list[dict] = []

    async def receive() -> dict:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict) -> None:
        sent.append(message)

    # a thread and a loop of their own: a browser test earlier in the same run leaves Playwright's loop
    # running in this thread, and asyncio refuses to start another one here
    request = {"type": "http", "method": "GET", "headers": [], **scope}
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(asyncio.run, app_guard(request, receive, send)).result()
    return sent


async def _ok(scope, receive, send) -> None:
    await send({"type": "http.response.start", "status": 200, "headers": [(b"x-frame-options", b"DENY")]})
    await send({"type": "http.response.body", "body": b"ok"})


def test_every_response_gets_the_security_headers_and_keeps_its_own() -> None:
    start = _call(guard.Guard(_ok), {"path": "/"})[0]
    headers = dict(start["headers"])
    assert headers[b"x-frame-options"] == b"DENY"  # the handler's own value wins
    assert headers[b"x-content-type-options"] == b"nosniff"
    assert b"frame-ancestors 'self'" in headers[b"content-security-policy"]
    assert headers[b"referrer-policy"] == b"no-referrer"


def test_idle_server_drops_its_data_caches_but_keeps_its_singletons() -> None:
    """What serving/memory.py empties once nobody is on the server: bounded resource caches (an
    upload's table, prepared task ...) and cache_data; unbounded resources (worker threads) stay."""
    import streamlit as st

    from serving import memory

    built: list[str] = []

    @st.cache_resource(max_entries=4)
    def table(key: str) -> str:
        built.append(f"table {key}")
        return key

    @st.cache_resource
    def worker() -> object:
        built.append("worker")
        return object()

    @st.cache_data(max_entries=8)
    def numbers(key: str) -> list[int]:
        built.append(f"numbers {key}")
        return [1, 2]

    table("a"), worker(), numbers("a")
    assert memory.drop_data_caches() >= 1
    table("a"), worker(), numbers("a")
    assert built == ["table a", "worker", "numbers a", "table a", "numbers a"]
    memory.release_freed_memory()  # gc, pyarrow, malloc_trim: must not fail
    worker.clear()
