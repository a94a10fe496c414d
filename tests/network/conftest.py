"""Real network software in front of the SDK: nginx (TLS with a private CA, gzip, a 1 s
keep-alive, redirects, a body size limit) and tinyproxy (CONNECT and plain HTTP
proxying), started once per test session on free loopback ports, with their
configuration in a temporary folder, and stopped at the end.

Behind nginx is ``FakeImmich().serve()``, so the SDK's real calls go through it. Both
programs come from apt (``scripts/network_tools.sh``); without them the tests fail,
saying so: they are never skipped.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import os
import shutil
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from immich import AsyncClient, Client
from immich.testing import FakeImmich
from tests.faults.support import Certificates, make_certificates

INSTALL_HINT = "install it with scripts/network_tools.sh (apt-get install -y nginx tinyproxy-bin)"

#: The bytes of the asset the tests download (a JPEG's first bytes and some more).
ASSET_BYTES = b"\xff\xd8\xff\xe0" + bytes(range(256)) * 64


def find_program(name: str) -> str:
    """The path of ``name`` (also in /usr/sbin, often missing from a user's PATH)."""
    found = shutil.which(name) or shutil.which(name, path="/usr/sbin:/usr/local/sbin:/sbin")
    if found is None:
        pytest.fail(f"{name} is not installed: the network tests need it; {INSTALL_HINT}")
    return found


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for_port(port: int, process: subprocess.Popen[bytes], what: str, log: Path) -> None:
    """Returns once something accepts connections on ``port``; fails if ``process`` ends."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"{what} exited with {process.returncode}:\n{read_log(log)}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.2):
            return
        time.sleep(0.02)
    pytest.fail(f"{what} did not listen on port {port} within 10 s:\n{read_log(log)}")


def read_log(log: Path) -> str:
    return log.read_text(errors="replace") if log.exists() else "(no log)"


def stop(process: subprocess.Popen[bytes]) -> None:
    """Ends a program this module started (by its own process id)."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@dataclass(frozen=True)
class LogFile:
    path: Path

    def count(self, needle: str) -> int:
        """How many lines contain ``needle``."""
        return sum(needle in line for line in read_log(self.path).splitlines())

    def wait_past(self, needle: str, before: int, timeout: float = 2.0) -> int:
        """The count of ``needle`` once it exceeds ``before`` (the programs write their
        logs a moment after answering), or as it is after ``timeout``."""
        deadline = time.monotonic() + timeout
        while (found := self.count(needle)) <= before and time.monotonic() < deadline:
            time.sleep(0.02)
        return found


@dataclass(frozen=True)
class Backend:
    fake: FakeImmich
    url: str  # http://127.0.0.1:PORT, another origin than nginx's
    asset_id: str


@dataclass(frozen=True)
class Nginx:
    """nginx in front of the backend. Both servers (``http``, ``https``) serve the same
    locations; the first part of the path picks what nginx does before proxying:

    - ``/api/...``: proxied as is;
    - ``/gzip/api/...``: proxied, JSON answers gzip-encoded;
    - ``/small/api/...``: proxied, request bodies over 1 KiB refused (413);
    - ``/r301/...``, ``/r302/...``, ``/r308/...``: a redirect of that status to the
      same path without the prefix, on the same server;
    - ``/away/...``: a 302 to the same path on the backend itself (another origin).

    ``keepalive_timeout`` is 1 s: nginx closes connections idle for longer.
    """

    http: str  # http://127.0.0.1:PORT
    https: str  # https://127.0.0.1:PORT, certificate from the private CA
    https_port: int
    #: One line per request: connection number, request on it, method, URI, status,
    #: Content-Encoding sent (``-`` for none).
    access_log: LogFile


@dataclass(frozen=True)
class Tinyproxy:
    url: str  # http://127.0.0.1:PORT
    log: LogFile


@pytest.fixture(scope="session")
def certificates(tmp_path_factory: pytest.TempPathFactory) -> Certificates:
    """A private CA and a server certificate for 127.0.0.1 and localhost signed by it."""
    made = make_certificates(tmp_path_factory.mktemp("network-tls"))
    if made is None:
        pytest.fail("the openssl command is missing: the network tests make a CA with it")
    return made


@pytest.fixture(scope="session")
def ca_dir(certificates: Certificates, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder holding the CA as OpenSSL's hashed lookup wants it (for SSL_CERT_DIR)."""
    folder = tmp_path_factory.mktemp("network-ca-dir")
    shutil.copy(certificates.ca, folder / "immich-test-ca.pem")
    openssl = find_program("openssl")
    subprocess.run([openssl, "rehash", str(folder)], check=True, capture_output=True)
    return folder


@pytest.fixture(scope="session")
def backend() -> Iterator[Backend]:
    fake = FakeImmich()
    asset_id = fake.add_asset(ASSET_BYTES, filename="photo.jpg")
    with fake.serve() as url:
        yield Backend(fake=fake, url=url, asset_id=asset_id)


NGINX_CONF = """\
{user}
worker_processes 1;
pid {dir}/nginx.pid;
error_log {dir}/error.log warn;
events {{ worker_connections 256; }}
http {{
    default_type application/octet-stream;
    log_format network '$connection $connection_requests $request_method $request_uri '
                       '$status $sent_http_content_encoding';
    access_log {dir}/access.log network;
    client_body_temp_path {dir}/client_body;
    proxy_temp_path {dir}/proxy;
    fastcgi_temp_path {dir}/fastcgi;
    uwsgi_temp_path {dir}/uwsgi;
    scgi_temp_path {dir}/scgi;
    keepalive_timeout 1s;
    client_max_body_size 100m;
    proxy_http_version 1.1;
    proxy_set_header Connection "";
    proxy_set_header Host $http_host;

    server {{
        listen 127.0.0.1:{http_port};
        include {dir}/locations.conf;
    }}
    server {{
        listen 127.0.0.1:{https_port} ssl;
        ssl_certificate {cert};
        ssl_certificate_key {key};
        include {dir}/locations.conf;
    }}
}}
"""

LOCATIONS_CONF = """\
location /api/ {{ proxy_pass {backend}; }}
location /gzip/ {{
    gzip on;
    gzip_types application/json;
    gzip_min_length 1;
    gzip_proxied any;
    proxy_pass {backend}/;
}}
location /small/ {{
    client_max_body_size 1k;
    proxy_pass {backend}/;
}}
location ~ ^/r301(/.*)$ {{ return 301 $1$is_args$args; }}
location ~ ^/r302(/.*)$ {{ return 302 $1$is_args$args; }}
location ~ ^/r308(/.*)$ {{ return 308 $1$is_args$args; }}
location ~ ^/away(/.*)$ {{ return 302 {backend}$1$is_args$args; }}
"""


@pytest.fixture(scope="session")
def nginx(
    backend: Backend, certificates: Certificates, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Nginx]:
    program = find_program("nginx")
    folder = tmp_path_factory.mktemp("nginx")
    http_port, https_port = free_port(), free_port()
    # As root, nginx's workers would run as nobody, who cannot enter pytest's folders.
    user = "user root root;" if os.geteuid() == 0 else ""
    (folder / "locations.conf").write_text(LOCATIONS_CONF.format(backend=backend.url))
    config = folder / "nginx.conf"
    config.write_text(
        NGINX_CONF.format(
            user=user,
            dir=folder,
            http_port=http_port,
            https_port=https_port,
            cert=certificates.cert,
            key=certificates.key,
        )
    )
    log = folder / "error.log"
    checked = subprocess.run(
        [program, "-t", "-p", str(folder), "-c", str(config), "-e", str(log)],
        capture_output=True,
        text=True,
    )
    if checked.returncode != 0:
        pytest.fail(f"nginx refused its test configuration:\n{checked.stderr}")
    process = subprocess.Popen(
        [program, "-p", str(folder), "-c", str(config), "-e", str(log), "-g", "daemon off;"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for_port(http_port, process, "nginx", log)
        wait_for_port(https_port, process, "nginx", log)
        yield Nginx(
            http=f"http://127.0.0.1:{http_port}",
            https=f"https://127.0.0.1:{https_port}",
            https_port=https_port,
            access_log=LogFile(folder / "access.log"),
        )
    finally:
        stop(process)


@pytest.fixture(scope="session")
def tinyproxy(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Tinyproxy]:
    program = find_program("tinyproxy")
    folder = tmp_path_factory.mktemp("tinyproxy")
    port = free_port()
    log = folder / "tinyproxy.log"
    config = folder / "tinyproxy.conf"
    # No ConnectPort line: CONNECT is allowed to any port (nginx's is not 443).
    config.write_text(
        f"Port {port}\n"
        "Listen 127.0.0.1\n"
        "Timeout 30\n"
        f'LogFile "{log}"\n'
        "LogLevel Info\n"
        f'PidFile "{folder / "tinyproxy.pid"}"\n'
        "MaxClients 50\n"
    )
    process = subprocess.Popen(
        [program, "-d", "-c", str(config)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for_port(port, process, "tinyproxy", log)
        yield Tinyproxy(url=f"http://127.0.0.1:{port}", log=LogFile(log))
    finally:
        stop(process)


class SDK:
    """One of the two clients, driven the same way from a plain test function:

    ``client = sdk.client(url, **options)`` builds a ``Client`` or an ``AsyncClient``
    (closed when the test ends); ``sdk.run(client.server.get_server_version())`` is the
    call's result: awaited on this test's event loop for ``AsyncClient``.
    """

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self.is_async = kind == "AsyncClient"
        self._loop = asyncio.new_event_loop() if self.is_async else None
        self._clients: list[Any] = []
        self._http_clients: list[Any] = []

    def client(self, base_url: Any, **options: Any) -> Any:
        if self._loop is None:
            made: Any = Client(base_url, **options)
        else:

            async def build() -> AsyncClient:  # inside the loop, as users build it
                return AsyncClient(base_url, **options)

            made = self._loop.run_until_complete(build())
        self._clients.append(made)
        return made

    def http_client(self, **options: Any) -> Any:
        """An ``httpx.Client`` or ``httpx.AsyncClient`` to hand in (closed by the test)."""
        if self._loop is None:
            made: Any = httpx.Client(**options)
        else:

            async def build() -> httpx.AsyncClient:
                return httpx.AsyncClient(**options)

            made = self._loop.run_until_complete(build())
        self._http_clients.append(made)
        return made

    def run(self, value: Any) -> Any:
        if self._loop is not None and inspect.isawaitable(value):
            return self._loop.run_until_complete(value)
        return value

    def idle(self, seconds: float) -> None:
        """Waits as an idle program does: ``AsyncClient``'s event loop keeps running (and
        so sees a connection the server closes meanwhile)."""
        if self._loop is None:
            time.sleep(seconds)
        else:
            self._loop.run_until_complete(asyncio.sleep(seconds))

    def close(self) -> None:
        for client in self._clients + self._http_clients:
            self.run(client.aclose() if self.is_async else client.close())
        if self._loop is not None:
            self._loop.run_until_complete(self._loop.shutdown_asyncgens())
            self._loop.close()


@pytest.fixture(params=["Client", "AsyncClient"])
def sdk(request: pytest.FixtureRequest) -> Iterator[SDK]:
    made = SDK(request.param)
    try:
        yield made
    finally:
        made.close()


@pytest.fixture(autouse=True)
def _no_proxy_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every connection goes straight to loopback, unless a test names a proxy itself."""
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)


@pytest.fixture
def api_key(backend: Backend) -> str:
    return backend.fake.api_key


class CountingRelay:
    """A TCP relay on loopback to ``port``, counting the connections made through it."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.connections = 0
        self._listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()

    def __enter__(self) -> int:
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(16)
        threading.Thread(target=self._accept, daemon=True, name="CountingRelay").start()
        return int(self._listener.getsockname()[1])

    def __exit__(self, *exc: object) -> None:
        with contextlib.suppress(OSError):
            self._listener.shutdown(socket.SHUT_RDWR)
        self._listener.close()
        with self._lock:
            held, self._sockets = self._sockets, []
        for sock in held:
            sock.close()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(("127.0.0.1", self.port))
            with self._lock:
                self.connections += 1
                self._sockets += [client, upstream]
            for source, target in ((client, upstream), (upstream, client)):
                threading.Thread(target=_pipe, args=(source, target), daemon=True).start()


def _pipe(source: socket.socket, target: socket.socket) -> None:
    with contextlib.suppress(OSError):
        while data := source.recv(65536):
            target.sendall(data)
    with contextlib.suppress(OSError):
        target.shutdown(socket.SHUT_WR)
