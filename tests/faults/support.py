"""What the fault and security tests need besides the injector: loopback listeners that
never answer, a throw-away certificate authority, and views of the fake's state."""

from __future__ import annotations

import contextlib
import shutil
import socket
import subprocess
import threading
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any, Literal

import httpx

from immich.testing import FakeImmich


class SilentListener:
    """A socket on 127.0.0.1 that never answers, to make a client's timeouts fire.

    - ``"connect"``: listens with a full backlog, so a new connection is never set up
      (on Linux the handshake's SYN is dropped): a connect timeout.
    - ``"write"``: accepts connections and never reads, so a large request body fills
      the socket buffers: a write timeout.

    Everything is closed after ``lifetime`` seconds at the latest, or on leaving the block.
    """

    def __init__(self, mode: Literal["connect", "write"], *, lifetime: float = 10.0) -> None:
        self.mode = mode
        self.lifetime = lifetime
        self._listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._held: list[socket.socket] = []
        self._closed = threading.Event()
        self._lock = threading.Lock()
        self._timer = threading.Timer(lifetime, self.close)
        self._timer.daemon = True

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._listener.getsockname()[1]}"

    def __enter__(self) -> str:
        self._listener.bind(("127.0.0.1", 0))
        if self.mode == "connect":
            self._listener.listen(0)
            for _ in range(4):  # fill the accept queue; later handshakes go unanswered
                filler = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
                filler.setblocking(False)
                with contextlib.suppress(BlockingIOError):
                    filler.connect(("127.0.0.1", self._listener.getsockname()[1]))
                self._held.append(filler)
        else:
            self._listener.listen(8)
            self._listener.settimeout(0.05)
            threading.Thread(target=self._accept, daemon=True, name="SilentListener").start()
        self._timer.start()
        return self.url

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        if self._closed.is_set():
            return
        self._closed.set()
        self._timer.cancel()
        with self._lock:
            held, self._held = self._held, []
        for sock in held:
            sock.close()
        self._listener.close()

    def _accept(self) -> None:
        while not self._closed.is_set():
            try:
                connection, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            with self._lock:
                if self._closed.is_set():
                    connection.close()
                    return
                self._held.append(connection)


@dataclass(frozen=True)
class Certificates:
    ca: Path
    cert: Path
    key: Path


def make_certificates(folder: Path) -> Certificates | None:
    """A CA and a server certificate for 127.0.0.1 signed by it (None without openssl)."""
    openssl = shutil.which("openssl")
    if openssl is None:
        return None
    folder.mkdir(parents=True, exist_ok=True)
    ca_key, ca, key, csr, cert = (
        folder / name for name in ("ca.key", "ca.pem", "server.key", "server.csr", "server.pem")
    )
    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
    extensions = folder / "server.ext"
    extensions.write_text(
        "subjectAltName=IP:127.0.0.1,DNS:localhost\n"
        "basicConstraints=critical,CA:FALSE\n"
        "keyUsage=critical,digitalSignature\n"
        "extendedKeyUsage=serverAuth\n"
        "subjectKeyIdentifier=hash\n"
        "authorityKeyIdentifier=keyid,issuer\n"
    )
    ca_subject = ["-subj", "/CN=immich SDK test CA"]
    ca_extensions = ["-addext", "basicConstraints=critical,CA:TRUE"]
    ca_extensions += ["-addext", "keyUsage=critical,keyCertSign,cRLSign"]
    signing = ["-CA", ca, "-CAkey", ca_key, "-CAcreateserial", "-extfile", extensions]
    commands = [
        [openssl, "req", "-x509", *ec, "-keyout", ca_key, "-out", ca, *ca_subject, *ca_extensions],
        [openssl, "req", *ec, "-keyout", key, "-out", csr, "-subj", "/CN=127.0.0.1"],
        [openssl, "x509", "-req", "-in", csr, "-out", cert, "-days", "2", *signing],
    ]
    for command in commands:
        subprocess.run([str(part) for part in command], check=True, capture_output=True)
    return Certificates(ca=ca, cert=cert, key=key)


def _api(fake: FakeImmich) -> httpx.Client:
    return httpx.Client(
        transport=fake.transport(),
        base_url="http://fake/api",
        headers={"x-api-key": fake.api_key},
    )


def album_names(fake: FakeImmich) -> list[str]:
    """The admin's albums, read straight from the fake (no faults, no SDK)."""
    with _api(fake) as api:
        albums: list[dict[str, Any]] = api.get("/albums").raise_for_status().json()
    return sorted(album["albumName"] for album in albums)
