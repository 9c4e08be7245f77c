"""The optional login end to end (issue 18, shared deployments): Chromium, the app, a local OIDC provider.

The provider is ``oidc-provider-mock`` (a Flask app) served from a thread of this test process on a free
loopback port; its authorisation form has one button per predefined person. The app is started in a
temporary folder holding a copy of ``.streamlit/config.toml`` and a ``secrets.toml`` written here, so no
secret is ever written into the repository. Everything listens on 127.0.0.1.
"""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator

import pytest

from tests.e2e.conftest import ROOT, screenshot, serve, wait_for_app

pytestmark = pytest.mark.e2e

ANA = ("ana", "ana.silva@hospital.example", "Ana Silva")  # on the allow-list
MALLORY = ("mallory", "mallory@elsewhere.example", "Mallory Jones")  # known to the provider, not allowed
UPLOAD_BUDGET_MB = 3
APP_PAGES = (
    "Data", "Explore", "Train", "Threshold", "Check the model", "Compare", "Report", "Predict", "Validate",
    "Glossary",
)  # fmt: skip


@pytest.fixture(scope="module")
def provider(monkeypatch_module) -> Iterator[str]:
    """A local OpenID Connect provider on 127.0.0.1; yields its base URL."""
    import werkzeug.serving
    from oidc_provider_mock import User, app

    # The mock (and Authlib in the app) refuse plain http unless told this is a test.
    monkeypatch_module.setenv("AUTHLIB_INSECURE_TRANSPORT", "1")
    users = [
        User(sub=sub, claims={"email": email, "email_verified": True, "name": name})
        for sub, email, name in (ANA, MALLORY)
    ]
    server = werkzeug.serving.make_server("127.0.0.1", 0, app(user_claims=users), threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def monkeypatch_module() -> Iterator[pytest.MonkeyPatch]:
    mp = pytest.MonkeyPatch()
    yield mp
    mp.undo()


@pytest.fixture(scope="module")
def login_app(provider: str, tmp_path_factory: pytest.TempPathFactory, monkeypatch_module) -> Iterator[str]:
    """The app with login configured and ANA's address (in another case) on the allow-list."""
    folder = tmp_path_factory.mktemp("login_app")
    (folder / ".streamlit").mkdir()
    shutil.copy(ROOT / ".streamlit" / "config.toml", folder / ".streamlit" / "config.toml")
    (folder / ".streamlit" / "secrets.toml").write_text(
        "[auth]\n"
        'redirect_uri = "http://127.0.0.1:{port}/oauth2callback"\n'
        'cookie_secret = "test-only-cookie-secret-0123456789abcdef0123456789abcdef"\n'
        'client_id = "imbalance-lab"\n'
        'client_secret = "test-only-client-secret"\n'
        f'server_metadata_url = "{provider}/.well-known/openid-configuration"\n'
        "\n[access]\n"
        'allowed_emails = ["someone.else@hospital.example", "Ana.Silva@Hospital.example"]\n',
        encoding="utf-8",
    )
    monkeypatch_module.delenv("IMBALANCE_LAB_ALLOWED_EMAILS", raising=False)
    monkeypatch_module.setenv("NO_PROXY", "127.0.0.1,localhost")
    # a small per-session upload budget, so the limit is reached with small files
    yield from serve(cwd=folder, env={"IMBALANCE_LAB_UPLOAD_SESSION_MB": str(UPLOAD_BUDGET_MB)})


def _nav_links(pg) -> list[str]:
    """The page names in the sidebar navigation (each link's last line: the icon's name comes first)."""
    texts = pg.locator('[data-testid="stSidebarNav"] a').all_inner_texts()
    return [t.strip().splitlines()[-1].strip() for t in texts if t.strip()]


def _assert_nothing_of_the_app(pg) -> None:
    """No page of the app, no navigation, no data status anywhere on screen."""
    body = pg.locator('[data-testid="stApp"]').inner_text()
    for title in APP_PAGES:
        assert pg.locator(f"h1:has-text('{title}')").count() == 0, title
    assert _nav_links(pg) == []
    assert pg.get_by_text("Page not found").count() == 0  # a page address shows the gate itself
    for leak in ("No data loaded", "Current data", "Bundled data set", "Open to anyone"):
        assert leak not in body, leak


def _sign_in_as(pg, app_url: str, person: tuple[str, str, str]) -> None:
    pg.goto(app_url)
    wait_for_app(pg)
    pg.get_by_role("button", name="Sign in").click()
    pg.wait_for_selector("text=Authorize Client")  # the provider's form
    pg.get_by_role("button", name=person[0], exact=True).click()
    pg.wait_for_url(f"{app_url}/**")
    wait_for_app(pg)


def _log_out(pg, app_url: str) -> None:
    pg.get_by_role("button", name="Log out").first.click()
    pg.wait_for_selector("text=End Session")  # the provider's end-session page, then back to the app
    pg.get_by_role("button", name="End session").click()
    pg.wait_for_url(f"{app_url}/**")
    wait_for_app(pg)
    pg.get_by_role("button", name="Sign in").wait_for()


def test_not_signed_in_sees_only_the_sign_in_button(page, login_app, output_dir) -> None:
    page.goto(login_app)
    wait_for_app(page)
    page.get_by_role("button", name="Sign in").wait_for()
    _assert_nothing_of_the_app(page)
    screenshot(page, output_dir / "login_sign_in.png")
    # a page's own address does not get round the gate
    for path in ("train", "report", "predict"):
        page.goto(f"{login_app}/{path}")
        wait_for_app(page)
        page.get_by_role("button", name="Sign in").wait_for()
        _assert_nothing_of_the_app(page)


def test_allowed_person_signs_in_sees_the_app_and_logs_out(page, login_app, output_dir) -> None:
    _sign_in_as(page, login_app, ANA)
    page.wait_for_selector("h1:has-text('Data')")
    sidebar = page.locator('[data-testid="stSidebar"]')
    sidebar.get_by_text("Ana Silva").wait_for()
    assert ANA[1] in sidebar.inner_text().replace("\u2060", "")
    assert "Train" in _nav_links(page)
    screenshot(page, output_dir / "login_signed_in.png")
    _log_out(page, login_app)
    _assert_nothing_of_the_app(page)


def test_person_not_on_the_list_is_refused(page, login_app, output_dir) -> None:
    _sign_in_as(page, login_app, MALLORY)
    refusal = page.locator('[data-testid="stAlert"]')
    refusal.wait_for()
    assert "not on this server's list" in refusal.inner_text()
    # plain() puts an invisible word joiner after "@" (no mailto link); the reader sees the address
    assert MALLORY[1] in refusal.inner_text().replace("\u2060", "")
    _assert_nothing_of_the_app(page)
    screenshot(page, output_dir / "login_refused.png")
    page.goto(f"{login_app}/train")
    wait_for_app(page)
    page.locator('[data-testid="stAlert"]').wait_for()
    _assert_nothing_of_the_app(page)
    _log_out(page, login_app)


# --- issue 31: the first request after a start ------------------------------------------------------------

#: Module names in pages/ that Streamlit's multipage fallback would list (and run) as pages.
SIGN_IN = "button:has-text('Sign in')"
MODULE_NAMES = (
    "app", "auth", "session_state", "core_cache", "data_source", "model_cache", "threshold_state", "sidebar",
    "calibration_view", "cluster_view", "decision_view", "image_view",
)  # fmt: skip


def _write_login_folder(folder, provider: str) -> None:
    """A folder holding a copy of the config and a secrets.toml with [auth] (the server's cwd)."""
    (folder / ".streamlit").mkdir()
    shutil.copy(ROOT / ".streamlit" / "config.toml", folder / ".streamlit" / "config.toml")
    (folder / ".streamlit" / "secrets.toml").write_text(
        "[auth]\n"
        'redirect_uri = "http://127.0.0.1:{port}/oauth2callback"\n'
        'cookie_secret = "test-only-cookie-secret-0123456789abcdef0123456789abcdef"\n'
        'client_id = "imbalance-lab"\n'
        'client_secret = "test-only-client-secret"\n'
        f'server_metadata_url = "{provider}/.well-known/openid-configuration"\n'
        "\n[access]\n"
        'allowed_emails = ["Ana.Silva@Hospital.example"]\n',
        encoding="utf-8",
    )


def _first_look(pg, url: str, ready: str) -> str:
    """Open ``url``, wait until ``ready`` is drawn (a first run imports the whole app) and the run
    has ended; the app's text."""
    pg.goto(url)
    wait_for_app(pg)
    pg.wait_for_selector(ready, timeout=90_000)
    pg.wait_for_timeout(1000)  # anything a page would draw after the gate
    wait_for_app(pg)
    return pg.locator('[data-testid="stApp"]').inner_text()


@pytest.mark.parametrize("script", ["serve.py", "app.py"])
def test_first_request_after_a_start_to_any_page_address_shows_only_the_sign_in(
    browser, provider: str, tmp_path, monkeypatch_module, output_dir, script: str
) -> None:
    """A freshly started server with [auth]: every page address opened FIRST (nobody has opened ``/``)
    shows the sign-in and nothing of the app; no module name is ever listed as a page. Through the
    launcher (``make run``: the fallback is off from the start) and, for a server started the old way
    (``streamlit run app.py``), through ``pages/__init__.py`` leaving the fallback."""
    _write_login_folder(tmp_path, provider)
    monkeypatch_module.delenv("IMBALANCE_LAB_ALLOWED_EMAILS", raising=False)
    monkeypatch_module.setenv("NO_PROXY", "127.0.0.1,localhost")
    for server_url in serve(ROOT / script, cwd=tmp_path):  # one fresh server, "/" never opened
        for path in (
            "data",
            "train",
            "predict",
            "explore",
            "threshold",
            "check_model",
            "compare",
            "report",
            "glossary",
        ):
            context = browser.new_context(viewport={"width": 1400, "height": 1000})  # no cookie
            pg = context.new_page()
            pg.set_default_timeout(60_000)
            try:
                body = _first_look(pg, f"{server_url}/{path}", SIGN_IN)
                if path == "data":
                    screenshot(pg, output_dir / f"login_first_request_data_{script}.png")
                assert pg.get_by_role("button", name="Sign in").count() == 1, (path, body[:300])
                _assert_nothing_of_the_app(pg)
                assert not set(_nav_links(pg)) & set(MODULE_NAMES), path
            finally:
                context.close()
        # a helper module's name is no page either: nothing of it runs, only the sign-in is drawn
        context = browser.new_context()
        pg = context.new_page()
        try:
            body = _first_look(pg, f"{server_url}/session_state", SIGN_IN)
            assert pg.get_by_role("button", name="Sign in").count() == 1, body[:300]
            assert _nav_links(pg) == []
        finally:
            context.close()


def test_without_login_the_first_request_to_train_draws_the_page_with_the_app_navigation(
    browser, output_dir
) -> None:
    """No [auth], a fresh server, /train opened first: the Train page itself, under the app's
    navigation (page titles, never module names), not a blank page."""
    for server_url in serve():
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        pg = context.new_page()
        pg.set_default_timeout(60_000)
        try:
            _first_look(pg, f"{server_url}/train", "h1:has-text('Train')")
            screenshot(pg, output_dir / "first_request_train.png")
            assert _nav_links(pg) == list(APP_PAGES)
        finally:
            context.close()


# --- issue 31: with login on, nothing works without an admitted session -----------------------------------


def _record_session(pg) -> dict:
    """Fill ``{"id": ...}`` with the session id of the page's latest Streamlit websocket session."""
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    seen: dict = {}

    def on_frame(payload) -> None:
        if isinstance(payload, bytes | bytearray):
            msg = ForwardMsg()
            try:
                msg.ParseFromString(bytes(payload))
            except Exception:  # a frame that is no ForwardMsg
                return
            if msg.HasField("new_session"):
                seen["id"] = msg.new_session.initialize.session_id

    pg.on("websocket", lambda ws: ws.on("framereceived", on_frame))
    return seen


def _upload(pg, app_url: str, session_id: str, size: int) -> int:
    """PUT a file of ``size`` bytes into the session's upload store as the browser would; the status."""
    import uuid

    xsrf = next(c["value"] for c in pg.context.cookies() if c["name"] == "_streamlit_xsrf")
    answer = pg.request.put(
        f"{app_url}/_stcore/upload_file/{session_id}/{uuid.uuid4()}",
        headers={"X-Xsrftoken": xsrf},
        multipart={"file": {"name": "rows.csv", "mimeType": "text/csv", "buffer": b"a,b\n" + b"1" * size}},
    )
    return answer.status


def _media_url(pg) -> str:
    """A file the server holds in /media for this page (the favicon set by app.py's page config)."""
    href = pg.evaluate("() => document.querySelector('link[rel~=\"icon\"]')?.href || ''")
    assert "/media/" in href, href
    return href


def test_uploads_and_media_refused_without_an_admitted_session(page, login_app) -> None:
    """A browser showing only the sign-in has a session id; its uploads and /media/ are refused."""
    session = _record_session(page)
    page.goto(login_app)
    wait_for_app(page)
    page.get_by_role("button", name="Sign in").wait_for()
    assert session.get("id")
    assert _upload(page, login_app, session["id"], 1000) == 403
    anonymous_media = page.request.get(_media_url(page))
    assert anonymous_media.status == 403


def test_signed_in_uploads_are_limited_per_session_and_media_served(page, login_app) -> None:
    session = _record_session(page)
    _sign_in_as(page, login_app, ANA)
    page.wait_for_selector("h1:has-text('Data')")
    assert page.request.get(_media_url(page)).status == 200
    sid = session["id"]
    two_mb = 2 * 2**20
    assert _upload(page, login_app, sid, two_mb) == 204
    assert _upload(page, login_app, sid, two_mb) == 413  # 4 MB held would pass the 3 MB budget
    from serving.guard import MAX_FILES_PER_SESSION

    statuses = [_upload(page, login_app, sid, 100) for _ in range(MAX_FILES_PER_SESSION)]
    assert statuses == [204] * (MAX_FILES_PER_SESSION - 1) + [413]
    _log_out(page, login_app)


def test_a_copied_cookie_is_useless_after_logout(browser, page, login_app) -> None:
    _sign_in_as(page, login_app, ANA)
    page.wait_for_selector("h1:has-text('Data')")
    media = _media_url(page)
    copied = [c for c in page.context.cookies() if c["name"].startswith("_streamlit_user")]
    assert copied
    _log_out(page, login_app)
    thief = browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        thief.add_cookies(copied)
        pg = thief.new_page()
        pg.set_default_timeout(60_000)
        pg.goto(login_app)
        wait_for_app(pg)
        pg.get_by_role("button", name="Sign in").wait_for()
        _assert_nothing_of_the_app(pg)
        assert pg.request.get(media).status == 403
    finally:
        thief.close()
