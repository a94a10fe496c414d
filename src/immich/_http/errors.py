"""What a failed exchange means, by the phase it failed in (httpx's error classes)."""

from __future__ import annotations

import ssl

import httpx

from immich._errors import (
    APIConnectionError,
    APITimeoutError,
    IncompleteDownloadError,
    describe_request,
)
from immich._http.tls import is_certificate_failure


class ShortBody(httpx.RemoteProtocolError):
    """The connection ended before the body its Content-Length announced."""


def nothing_sent(exc: httpx.TransportError) -> bool:
    """Failures before the request left: safe to send again, whatever the method."""
    return isinstance(exc, (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout))


def worth_retrying(exc: httpx.TransportError) -> bool:
    """A certificate the server's name does not match, or no CA vouches for, will not
    change by trying again; anything else on the way may."""
    return not is_certificate_failure(exc)


def check_complete(response: httpx.Response) -> None:
    """Raise :class:`ShortBody` for a body read whole that is shorter than announced."""
    announced = response.headers.get("content-length")
    if announced is None or response.headers.get("content-encoding") or not announced.isdigit():
        return
    if len(response.content) != int(announced):
        raise ShortBody(
            f"the body stopped after {len(response.content)} of {announced} bytes",
            request=response.request,
        )


def connection_error(exc: httpx.TransportError, request: httpx.Request) -> APIConnectionError:
    """The SDK's error for a request that got no usable answer."""
    where = describe_request(request)
    if isinstance(exc, ShortBody):
        return IncompleteDownloadError(f"{where}: {exc}", request=request)
    if isinstance(exc, httpx.TimeoutException):
        return APITimeoutError(f"{where} timed out ({type(exc).__name__})", request=request)
    return APIConnectionError(
        f"{where} failed: {type(exc).__name__}: {exc}{_tls_hint(exc, request.url)}",
        request=request,
    )


def _tls_hint(exc: BaseException, url: httpx.URL) -> str:
    """What a TLS failure most likely means, and what to do about it."""
    if is_certificate_failure(exc):
        return (
            "; the server's certificate is not trusted here: for a CA of your own, pass "
            "verify=<its CA bundle> or set SSL_CERT_FILE (verify=False turns the check off)"
        )
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, ssl.SSLError) and "WRONG_VERSION_NUMBER" in str(seen):
            plain = url.copy_with(scheme="http", path="/", query=None)
            return f"; the server answers plain HTTP, not HTTPS: use {str(plain).rstrip('/')}"
        seen = seen.__cause__ or seen.__context__
    return ""
