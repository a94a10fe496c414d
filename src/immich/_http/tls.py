"""The SSL contexts the clients connect with.

``verify=True`` trusts what the machine trusts: ``SSL_CERT_FILE``/``SSL_CERT_DIR`` when
set; else the operating system's trust store (a private CA installed system-wide works,
as in a browser): on Linux the store OpenSSL reads, on macOS and Windows the system's
own verifier through truststore; else certifi's bundle. One such context is made per
process and shared; the system's certificates are read on the first connection (a
client of a plain-HTTP server never needs them).
"""

from __future__ import annotations

import functools
import os
import ssl
import sys
import threading
from typing import Any

from immich._errors import ConfigurationError

Verify = bool | str | os.PathLike[str] | ssl.SSLContext


def ssl_context(verify: Verify = True) -> ssl.SSLContext:
    """The context for ``verify``: True (the machine's trust), False (no checks), the path
    of a CA bundle file or folder, or a context of your own (returned as it is, e.g. with
    a client certificate loaded)."""
    if isinstance(verify, ssl.SSLContext):
        return verify
    if verify is True:
        return _trusted()
    if verify is False:
        return _unverified()
    path = os.fspath(verify)
    if not os.path.exists(path):
        raise ConfigurationError(f"verify={path!r}: no such CA bundle file or folder")
    if os.path.isdir(path):
        return ssl.create_default_context(capath=path)
    try:
        return ssl.create_default_context(cafile=path)
    except ssl.SSLError as exc:
        raise ConfigurationError(f"verify={path!r} holds no usable CA certificate: {exc}") from exc


@functools.cache
def _trusted() -> ssl.SSLContext:
    cafile, capath = os.environ.get("SSL_CERT_FILE"), os.environ.get("SSL_CERT_DIR")
    if cafile or capath:
        # Named on purpose by the user: trusted instead of everything else, as curl does.
        return ssl.create_default_context(cafile=cafile or None, capath=capath or None)
    if sys.platform in ("darwin", "win32"):
        try:
            import truststore
        except ImportError:  # pragma: no cover - a dependency there; kept working without it
            pass
        else:
            context: ssl.SSLContext = truststore.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
            return context
    # Not truststore on Linux: there it adds nothing to OpenSSL's own check, and reads
    # the whole CA bundle again for every connection (about 17 ms each).
    return _SystemTrustOnFirstUse()


class _SystemTrustOnFirstUse(ssl.SSLContext):
    """``ssl.create_default_context()``, but the system's CA certificates (or certifi's,
    on a machine with none) are read when the first connection is wrapped: reading them
    takes about 17 ms, which a client of a plain-HTTP server never needs."""

    def __new__(cls) -> _SystemTrustOnFirstUse:
        return super().__new__(cls, ssl.PROTOCOL_TLS_CLIENT)

    def __init__(self) -> None:
        # What create_default_context() sets besides the certificates.
        self.verify_mode = ssl.CERT_REQUIRED
        self.check_hostname = True
        if sys.version_info >= (3, 13):
            self.verify_flags |= ssl.VERIFY_X509_PARTIAL_CHAIN | ssl.VERIFY_X509_STRICT
        keylog = os.environ.get("SSLKEYLOGFILE")
        if keylog and not sys.flags.ignore_environment:
            self.keylog_filename = keylog
        self._loaded = False
        self._loading = threading.Lock()

    def _load(self) -> None:
        with self._loading:
            if self._loaded:
                return
            self.load_default_certs()
            if not self.cert_store_stats()["x509_ca"] and not ssl.get_default_verify_paths().capath:
                import certifi  # a machine with no CA store of its own

                self.load_verify_locations(certifi.where())
            self._loaded = True

    def wrap_socket(self, *args: Any, **kwargs: Any) -> ssl.SSLSocket:
        if not self._loaded:
            self._load()
        return super().wrap_socket(*args, **kwargs)

    def wrap_bio(self, *args: Any, **kwargs: Any) -> ssl.SSLObject:
        if not self._loaded:
            self._load()
        return super().wrap_bio(*args, **kwargs)


@functools.cache
def _unverified() -> ssl.SSLContext:
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


def is_certificate_failure(exc: BaseException) -> bool:
    """Whether ``exc`` (or what caused it) is a failed certificate check: trying again
    cannot help, so it is not retried."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, ssl.SSLCertVerificationError):
            return True
        seen = seen.__cause__ or seen.__context__
    return False
