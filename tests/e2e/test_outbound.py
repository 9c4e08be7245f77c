"""Nothing leaves the machine: the app started with its own config, a training run and a walk over every page.

Two recorders, and the test fails if either saw anything:

- the server (and every process it starts: training workers) runs with a ``sitecustomize`` that wraps
  ``socket.connect``/``connect_ex``/``sendto`` and ``getaddrinfo``; any destination that is not loopback
  (or a Unix socket) is written to a file and refused. Streamlit's start-up external-IP lookup
  (checkip.amazonaws.com) and its internal-IP probe (a UDP "connect" to 8.8.8.8) would show here.
- Chromium's every request is intercepted: anything not addressed to the local server (``data:`` and
  ``blob:`` URLs are in-page) is recorded and aborted. A ``:material/...:`` page icon fetching its SVG
  from fonts.gstatic.com would show here.

The server is started *without* ``--server.address`` (unlike the other browser tests), so the address
and ``browser.serverAddress`` in .streamlit/config.toml are what is tested; it is started through the
app's launcher (``serve.py``, as ``make run`` does).

Issue 31: a websocket from a foreign web origin (which Streamlit answers 403) made the server look up
checkip.amazonaws.com (its origin allow-list asks for the machine's external address): any web page a
clinician visits could trigger it. ``serving/patches.py`` removes both IP lookups;
:func:`test_a_foreign_origin_websocket_reaches_nobody` sends such connections and reads the record.
The same server answers every response with security headers (:func:`test_security_headers`), and
the browser walk fails on any Content-Security-Policy violation.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import textwrap
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

import pytest

from tests.e2e.conftest import (
    LAUNCHER,
    ROOT,
    free_port,
    open_page,
    screenshot,
    train_default_model,
    wait_for_app,
)

pytestmark = pytest.mark.e2e

PAGES = (
    "Data", "Explore", "Train", "Threshold", "Check the model", "Compare", "Report", "Predict", "Validate",
    "Glossary",
)  # fmt: skip
LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1", "[::1]"}

SITECUSTOMIZE = textwrap.dedent(
    '''
    """Test-only: record and refuse every non-loopback network destination of this process."""
    import ipaddress
    import os
    import socket

    _LOG = os.environ["OUTBOUND_LOG"]
    _LOCAL_NAMES = {"localhost", "", None}


    def _is_local(host):
        if isinstance(host, bytes):
            host = host.decode()
        if host in _LOCAL_NAMES:
            return True
        try:
            address = ipaddress.ip_address(str(host).split("%")[0])
        except ValueError:
            return str(host).endswith(".localhost")
        return address.is_loopback or address.is_unspecified


    def _record(what, target):
        with open(_LOG, "a") as f:
            f.write(f"pid {os.getpid()} {what} {target!r}\\n")
        raise OSError(f"outbound connection refused by test: {target!r}")


    def _wrap_connect(original):
        def connect(self, address):
            if self.family in (socket.AF_INET, socket.AF_INET6) and not _is_local(address[0]):
                _record("connect", address)
            return original(self, address)
        return connect


    socket.socket.connect = _wrap_connect(socket.socket.connect)
    socket.socket.connect_ex = _wrap_connect(socket.socket.connect_ex)
    _sendto = socket.socket.sendto


    def _sendto_checked(self, data, *args):
        address = args[-1]
        if self.family in (socket.AF_INET, socket.AF_INET6) and not _is_local(address[0]):
            _record("sendto", address)
        return _sendto(self, data, *args)


    socket.socket.sendto = _sendto_checked
    _getaddrinfo = socket.getaddrinfo


    def _getaddrinfo_checked(host, *args, **kwargs):
        if not _is_local(host):
            _record("getaddrinfo", host)
        return _getaddrinfo(host, *args, **kwargs)


    socket.getaddrinfo = _getaddrinfo_checked
    '''
)


@pytest.fixture
def recorded_server(tmp_path: Path):
    """The app started with the project's config and the recording ``sitecustomize``; yields (url, log)."""
    site = tmp_path / "site"
    site.mkdir()
    (site / "sitecustomize.py").write_text(SITECUSTOMIZE)
    log_path = tmp_path / "outbound.log"
    log_path.touch()
    port = free_port()
    env = {
        **os.environ,
        "PYTHONUNBUFFERED": "1",
        "PYTHONPATH": os.pathsep.join([str(site), str(ROOT)]),
        "OUTBOUND_LOG": str(log_path),
    }
    # headless as on a server (that is when Streamlit looks up its external address); no address flag
    cmd = [sys.executable, "-m", "streamlit", "run", str(LAUNCHER), "--server.port", str(port)]
    cmd += ["--server.headless", "true"]
    out = tempfile.TemporaryFile()  # noqa: SIM115  (the child keeps its own handle open)
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://localhost:{port}"
    deadline = time.monotonic() + 90
    try:
        while True:
            assert proc.poll() is None, "streamlit exited early"
            assert time.monotonic() < deadline, "streamlit did not become healthy within 90 s"
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                time.sleep(0.3)
        time.sleep(2)  # the start-up banner (and its address lookups) comes after the health route
        yield url, log_path, out
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()


def _is_local_url(url: str) -> bool:
    parsed = urlparse(url)
    return parsed.scheme in ("data", "blob", "about") or parsed.hostname in LOCAL_HOSTS


def test_nothing_leaves_the_machine(browser, recorded_server, output_dir: Path) -> None:
    url, log_path, server_out = recorded_server
    outside: list[str] = []
    context = browser.new_context(viewport={"width": 1400, "height": 1000})

    def route(r) -> None:
        if _is_local_url(r.request.url):
            r.continue_()
        else:
            outside.append(r.request.url)
            r.abort()

    context.route("**/*", route)
    pg = context.new_page()
    pg.set_default_timeout(60_000)
    csp_violations: list[str] = []
    pg.on(
        "console",
        lambda m: csp_violations.append(m.text) if "Content Security Policy" in m.text else None,
    )
    try:
        train_default_model(pg, url)  # training runs in worker processes: they are recorded too
        for title in PAGES:
            open_page(pg, title)
            pg.wait_for_selector(f"h1:has-text('{title}')")
            pg.wait_for_timeout(1500)  # late fetches (icons, fonts, images)
            wait_for_app(pg)
        screenshot(pg, output_dir / "outbound_walk_last_page.png")
        favicon = pg.evaluate("() => document.querySelector('link[rel~=\"icon\"]')?.href || ''")
    finally:
        context.close()
    server_out.seek(0)
    banner = server_out.read().decode(errors="replace")
    recorded = log_path.read_text()
    problems = []
    if "External URL" in banner or "Network URL" in banner:
        problems.append("the start-up banner lists a network address: " + banner[-600:])
    if outside:
        problems.append(f"the browser asked for outside addresses: {sorted(set(outside))}")
    if recorded:
        problems.append(f"the server (or its workers) tried to reach outside: {recorded}")
    if not _is_local_url(favicon):
        problems.append(f"favicon from outside: {favicon}")
    if csp_violations:
        problems.append(f"the Content-Security-Policy blocked something the app uses: {csp_violations[:5]}")
    assert not problems, "\n".join(problems)


def _websocket_handshake(port: int, origin: str) -> str:
    """Open Streamlit's websocket with ``Origin: origin`` by hand; the status line of the answer."""
    import socket

    request = (
        "GET /_stcore/stream HTTP/1.1\r\n"
        f"Host: localhost:{port}\r\n"
        "Upgrade: websocket\r\nConnection: Upgrade\r\n"
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
        "Sec-WebSocket-Protocol: streamlit\r\n"
        f"Origin: {origin}\r\n\r\n"
    )
    with socket.create_connection(("127.0.0.1", port), timeout=15) as conn:
        conn.sendall(request.encode())
        answer = conn.recv(4096).decode(errors="replace")
    return answer.split("\r\n", 1)[0]


def test_a_foreign_origin_websocket_reaches_nobody(recorded_server) -> None:
    """Websockets from web pages elsewhere are refused, and the server asks nobody about it."""
    url, log_path, _ = recorded_server
    port = urlparse(url).port
    statuses = [
        _websocket_handshake(port, origin)
        for origin in ("https://attacker.example", "http://192.0.2.7:8501", "null")
    ]
    time.sleep(3)  # a lookup (1 s timeout, then https) would be written by now
    recorded = log_path.read_text()
    assert all(" 403" in s for s in statuses), statuses
    assert recorded == "", f"a foreign-origin websocket made the server reach outside: {recorded}"


def test_security_headers(recorded_server) -> None:
    """Every kind of response carries the security headers (page, health, static file, refusal)."""
    url, _, _ = recorded_server
    base = url.replace("localhost", "127.0.0.1")
    with urllib.request.urlopen(base, timeout=15) as r:
        page = r.read().decode(errors="replace")
        headers = {"/": r.headers}
    script = page.split('src="', 1)[1].split('"', 1)[0] if 'src="' in page else "favicon.png"
    for path in ("/_stcore/health", "/" + script.lstrip("./")):
        with urllib.request.urlopen(base + path, timeout=15) as r:
            headers[path] = r.headers
    for path, got in headers.items():
        csp = got.get("Content-Security-Policy", "")
        assert "default-src 'self'" in csp and "frame-ancestors 'self'" in csp, (path, csp)
        assert "object-src 'none'" in csp, path
        assert got.get("X-Frame-Options") == "SAMEORIGIN", path
        assert got.get("Referrer-Policy") == "no-referrer", path
        assert got.get("X-Content-Type-Options") == "nosniff", path
