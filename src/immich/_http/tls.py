"""The SSL contexts the clients connect with.

``verify=True`` trusts what the machine trusts: ``SSL_CERT_FILE``/``SSL_CERT_DIR`` when
set, and the operating system's trust store through truststore (a private CA installed
system-wide works, as in a browser), else certifi's bundle. One such context is made per
process, on first use, and shared; the certificates are read on the first connection.
"""

from __future__ import annotations

import functools
import os
import ssl
import sys

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
    # truststore reads the trust store when a connection is made, not now (a client of a
    # plain-HTTP server never needs it); on Linux it asks OpenSSL, which takes
    # SSL_CERT_FILE and SSL_CERT_DIR into account. Elsewhere those are read here.
    if sys.platform == "linux" or not (cafile or capath):
        try:
            import truststore
        except ImportError:  # pragma: no cover - a dependency; kept working without it
            pass
        else:
            context: ssl.SSLContext = truststore.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
            return context
    if cafile or capath:
        # Named on purpose by the user: trusted instead of everything else, as curl does.
        return ssl.create_default_context(cafile=cafile or None, capath=capath or None)
    context = ssl.create_default_context()
    if not context.cert_store_stats()["x509_ca"] and not ssl.get_default_verify_paths().capath:
        import certifi  # a machine with no CA store of its own

        context.load_verify_locations(certifi.where())
    return context


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
