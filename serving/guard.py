"""The request guard in front of Streamlit (an ASGI middleware given to ``st.App`` in ``serve.py``).

On every HTTP response it adds security headers (:data:`SECURITY_HEADERS`). With a login configured
(``[auth]`` in ``secrets.toml``) it also:

- refuses uploads (``/_stcore/upload_file/...``) and media files (``/media/...``: downloads, images)
  to a request whose login cookie is not an admitted person's. A browser showing only the sign-in
  still has a session id (any websocket gets one), so Streamlit's own check (an active session) is
  not enough;
- revokes a login cookie when its person logs out: ``/auth/logout`` records the time, and a cookie
  issued before it is removed from every later request (HTTP and websocket alike), so a copied
  cookie is worth nothing after "Log out". The record is kept in memory: a server restart forgets it
  (README: Shared deployment, residual risk and the reverse-proxy mitigation).

With or without login, uploads are limited per session: at most :data:`MAX_FILES_PER_SESSION` files
and :data:`max_session_bytes` bytes held at once (the file being uploaded included).
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Awaitable, Callable, Iterable, Mapping, MutableMapping
from dataclasses import dataclass
from http.cookies import CookieError, SimpleCookie
from typing import Any

from serving import access

__all__ = [
    "MAX_FILES_PER_SESSION",
    "SECURITY_HEADERS",
    "Guard",
    "Identity",
    "Revocations",
    "max_session_bytes",
    "without_login_cookies",
]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

#: Content-Security-Policy for every page and file the server sends. Streamlit's front end needs inline
#: styles and (plotly, its component runtime) ``eval``; everything comes from this server, nothing is
#: framed by another site, no plugin runs, no form posts elsewhere.
CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self' 'unsafe-inline' 'unsafe-eval' blob:",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "font-src 'self' data:",
        "media-src 'self' data: blob:",
        "connect-src 'self'",
        "worker-src 'self' blob:",
        "frame-src 'self' blob: data:",
        "object-src 'none'",
        "base-uri 'self'",
        "frame-ancestors 'self'",
    ]
)

#: Added to every HTTP response (a handler's own value of the same header wins).
SECURITY_HEADERS: tuple[tuple[str, str], ...] = (
    ("Content-Security-Policy", CSP),
    ("X-Frame-Options", "SAMEORIGIN"),
    ("Referrer-Policy", "no-referrer"),
    ("X-Content-Type-Options", "nosniff"),
    ("Cross-Origin-Opener-Policy", "same-origin"),
)

#: Files one session may hold in Streamlit's upload store at once.
MAX_FILES_PER_SESSION = int(os.environ.get("IMBALANCE_LAB_UPLOAD_FILES", "8"))

#: Streamlit's signed login cookie (and its chunks ``_streamlit_user_1`` ..., the tokens cookie).
USER_COOKIE = "_streamlit_user"
_UPLOAD_PREFIX = "/_stcore/upload_file/"
_MEDIA_PREFIX = "/media/"
_LOGOUT_SUFFIX = "/auth/logout"


def max_session_bytes() -> int:
    """Bytes one session may hold in the upload store: twice ``server.maxUploadSize`` by default
    (a replaced file is deleted after its successor arrived), ``IMBALANCE_LAB_UPLOAD_SESSION_MB``."""
    from streamlit import config

    megabytes = os.environ.get("IMBALANCE_LAB_UPLOAD_SESSION_MB")
    mb = int(megabytes) if megabytes else 2 * int(config.get_option("server.maxUploadSize"))
    return mb * 1024 * 1024


@dataclass(frozen=True)
class Identity:
    """The person a request's login cookie names, and when that cookie was issued (epoch seconds)."""

    claims: Mapping[str, Any]
    issued: int

    @property
    def key(self) -> str:
        """Whom a logout revokes: the e-mail (lower case), else the subject."""
        return str(self.claims.get("email") or self.claims.get("sub") or "").strip().lower()


class Revocations:
    """Logout times by person, in memory. A cookie issued at or before its person's last logout
    (whole seconds, as the cookie records them) is revoked: failing closed within that second."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._logged_out: dict[str, float] = {}

    def revoke(self, key: str, when: float | None = None) -> None:
        """Record that ``key`` logged out at ``when`` (now by default)."""
        if key:
            with self._lock:
                self._logged_out[key] = time.time() if when is None else when

    def is_revoked(self, identity: Identity) -> bool:
        """True when this cookie was issued before (or in the second of) its person's last logout."""
        with self._lock:
            logged_out = self._logged_out.get(identity.key)
        return logged_out is not None and identity.issued <= int(logged_out)


REVOCATIONS = Revocations()


def _cookies(headers: Iterable[tuple[bytes, bytes]]) -> dict[str, str]:
    """The request's cookies by name (latin-1, as HTTP carries them)."""
    jar: dict[str, str] = {}
    for name, value in headers:
        if name.lower() == b"cookie":
            parsed: SimpleCookie = SimpleCookie()
            try:
                parsed.load(value.decode("latin-1"))
            except CookieError:
                continue
            jar.update({key: morsel.value for key, morsel in parsed.items()})
    return jar


def read_identity(cookies: Mapping[str, str], secret: str) -> Identity | None:
    """The identity in Streamlit's signed login cookie, or None (no cookie, bad signature, expired)."""
    from itsdangerous import BadData, URLSafeTimedSerializer
    from streamlit.auth_util import get_cookie_with_chunks

    max_age = 31 * 24 * 3600  # Streamlit's 30 days plus its one-day grace

    def load(name: str) -> tuple[bytes, int] | None:
        raw = cookies.get(name)
        if raw is None:
            return None
        try:
            value, issued = URLSafeTimedSerializer(secret, salt=name).loads(
                raw, max_age=max_age, return_timestamp=True
            )
        except BadData:
            return None
        return str(value).encode("utf-8"), int(issued.timestamp())

    first = load(USER_COOKIE)
    if first is None:
        return None
    whole = get_cookie_with_chunks(lambda name: (load(name) or (None, 0))[0], USER_COOKIE)
    if whole is None:
        return None
    try:
        claims = json.loads(whole.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        return None
    return Identity(claims=claims if isinstance(claims, dict) else {}, issued=first[1])


def without_login_cookies(headers: Iterable[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
    """The headers with every Streamlit login cookie taken out of their ``Cookie`` lines."""
    kept: list[tuple[bytes, bytes]] = []
    for name, value in headers:
        if name.lower() != b"cookie":
            kept.append((name, value))
            continue
        parts = [p for p in value.split(b";") if not p.strip().startswith(USER_COOKIE.encode())]
        if parts:
            kept.append((name, b";".join(parts).strip()))
    return kept


def _login_configured() -> bool:
    """``[auth]`` in a secrets file (checked without Streamlit's "no secrets" complaint when absent)."""
    from streamlit.runtime.secrets import secrets_singleton

    return secrets_singleton.load_if_toml_exists() and access.login_configured()


def _admitted(identity: Identity | None) -> bool:
    """The pages' verdict for this cookie (``serving.access.judge``) with login configured."""
    if identity is None:
        return False
    claims = {**identity.claims, "is_logged_in": bool(identity.claims.get("is_logged_in", True))}
    return access.judge(claims, True, access.allowed_emails()).admitted


def _held_by_session(session_id: str) -> tuple[int, int]:
    """Files and bytes this session holds in Streamlit's upload store now."""
    from streamlit.runtime import Runtime

    if not Runtime.exists():
        return 0, 0
    manager = Runtime.instance().uploaded_file_mgr
    storage = getattr(manager, "file_storage", {})
    files = list(storage.get(session_id, {}).values())
    return len(files), sum(len(f.data) for f in files)


async def _plain(send: Send, status: int, text: str) -> None:
    """A short plain-text answer (with the security headers)."""
    body = text.encode("utf-8")
    headers = [(b"content-type", b"text/plain; charset=utf-8"), (b"content-length", str(len(body)).encode())]
    headers += [(k.lower().encode(), v.encode()) for k, v in SECURITY_HEADERS]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


class Guard:
    """ASGI middleware: security headers, login-only uploads and media, cookie revocation, upload limits."""

    def __init__(self, app: ASGIApp, revocations: Revocations = REVOCATIONS) -> None:
        self.app = app
        self.revocations = revocations
        self._in_flight: dict[str, tuple[int, int]] = {}  # session -> (files, bytes) being uploaded
        self._lock = threading.Lock()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        configured = _login_configured()
        identity = None
        if configured:
            identity = self._identity(scope)
            if identity is not None and self.revocations.is_revoked(identity):
                scope = {**scope, "headers": without_login_cookies(scope.get("headers", []))}
                identity = None
        if scope["type"] == "websocket":
            await self.app(scope, receive, send)
            return
        path: str = scope.get("path", "")
        method: str = scope.get("method", "GET")
        for_files = _UPLOAD_PREFIX in path or path.startswith(_MEDIA_PREFIX)
        if configured and for_files and not _admitted(identity):
            await _plain(send, 403, "Sign in first: files on this shared server are for signed-in people.")
            return
        if configured and path.endswith(_LOGOUT_SUFFIX) and identity is not None:
            self.revocations.revoke(identity.key)
        send = self._with_headers(send)
        if method == "PUT" and _UPLOAD_PREFIX in path:
            await self._upload(scope, receive, send, path)
            return
        await self.app(scope, receive, send)

    def _identity(self, scope: Scope) -> Identity | None:
        from streamlit.web.server.server_util import get_cookie_secret

        return read_identity(_cookies(scope.get("headers", [])), get_cookie_secret())

    async def _upload(self, scope: Scope, receive: Receive, send: Send, path: str) -> None:
        """Pass an upload on when the session stays within its file count and byte budget."""
        from streamlit import config

        session_id = path.split(_UPLOAD_PREFIX, 1)[1].split("/", 1)[0]
        declared = dict(scope.get("headers", [])).get(b"content-length")
        most = int(config.get_option("server.maxUploadSize")) << 20
        incoming = int(declared) if declared and declared.isdigit() else most
        held_files, held_bytes = _held_by_session(session_id)
        budget = max_session_bytes()
        with self._lock:
            pending_files, pending_bytes = self._in_flight.get(session_id, (0, 0))
            refused = (
                held_files + pending_files + 1 > MAX_FILES_PER_SESSION
                or held_bytes + pending_bytes + incoming > budget
            )
            if not refused:
                self._in_flight[session_id] = (pending_files + 1, pending_bytes + incoming)
        if refused:
            await _plain(
                send,
                413,
                f"This session already holds {held_files} uploaded files ({held_bytes / 2**20:.0f} MB); "
                f"at most {MAX_FILES_PER_SESSION} files and {budget / 2**20:.0f} MB at once. "
                "Remove a file first.",
            )
            return
        try:
            await self.app(scope, receive, send)
        finally:
            with self._lock:
                files, size = self._in_flight.get(session_id, (1, incoming))
                if files > 1:
                    self._in_flight[session_id] = (files - 1, size - incoming)
                else:
                    self._in_flight.pop(session_id, None)

    @staticmethod
    def _with_headers(send: Send) -> Send:
        """``send`` that adds the security headers to the response's start (keeping the handler's own)."""

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                for name, value in SECURITY_HEADERS:
                    if name.lower().encode() not in present:
                        headers.append((name.lower().encode(), value.encode()))
                message = {**message, "headers": headers}
            await send(message)

        return sending
