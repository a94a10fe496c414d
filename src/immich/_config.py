"""Where the client's settings come from: arguments first, then environment variables.

``IMMICH_URL`` (or the official CLI's ``IMMICH_INSTANCE_URL``) and ``IMMICH_API_KEY``
(or ``IMMICH_ACCESS_TOKEN``) fill in what the caller leaves out.
"""

from __future__ import annotations

import http.cookiejar
import ipaddress
import os
import re
import warnings
from typing import Any

import httpx

from immich._errors import ConfigurationError
from immich._version import __version__

URL_VARIABLES = ("IMMICH_URL", "IMMICH_INSTANCE_URL")
API_KEY_VARIABLE = "IMMICH_API_KEY"
ACCESS_TOKEN_VARIABLE = "IMMICH_ACCESS_TOKEN"

DEFAULT_TIMEOUT = httpx.Timeout(60.0, connect=10.0)
DEFAULT_MAX_RETRIES = 2
USER_AGENT = f"immich-python/{__version__} httpx/{httpx.__version__}"

COOKIE_NAME = "immich_access_token"
#: httpx's own limits, for either transport.
LIMITS = httpx.Limits(max_connections=100, max_keepalive_connections=20, keepalive_expiry=5.0)


class InsecureTransportWarning(UserWarning):
    """Credentials are about to travel unencrypted to another machine."""


def resolve_base_url(base_url: str | httpx.URL | None) -> httpx.URL:
    """The API root: ``http://host:2283`` and ``http://host:2283/api`` both give ``.../api``.

    A ``user:password@`` in the URL (basic auth for a reverse proxy) is left out of the
    result, so that it never shows in reprs, logs or errors: see :func:`basic_auth`.
    """
    url = _parse_url(base_url)
    path = url.path.rstrip("/")
    if not path.endswith("/api"):
        path += "/api"
    return url.copy_with(userinfo=b"", path=path + "/", query=None, fragment=None)


def basic_auth(base_url: str | httpx.URL | None) -> httpx.BasicAuth | None:
    """The ``user:password`` of the server URL, if it has one, as basic auth."""
    url = _parse_url(base_url)
    if not url.userinfo:
        return None
    return httpx.BasicAuth(url.username, url.password)


def _parse_url(base_url: str | httpx.URL | None) -> httpx.URL:
    raw = str(base_url) if base_url is not None else _first_env(URL_VARIABLES)
    if not raw:
        raise ConfigurationError(
            "no Immich server URL: pass base_url=... or set IMMICH_URL "
            "(e.g. IMMICH_URL=http://localhost:2283)"
        )
    shown = _USERINFO.sub("//***@", raw)
    try:
        url = httpx.URL(raw.strip())
    except httpx.InvalidURL as exc:
        raise ConfigurationError(f"malformed Immich server URL {shown!r}: {exc}") from None
    if url.scheme not in ("http", "https") or not url.host:
        raise ConfigurationError(
            f"malformed Immich server URL {shown!r}: expected http(s)://host[:port][/api]"
        )
    return url


_USERINFO = re.compile(r"//[^/@]*@")


def auth_headers(
    *, api_key: str | None, access_token: str | None, session_cookie: str | None
) -> dict[str, str]:
    """The headers that carry whichever credentials were given (none is fine: public calls)."""
    api_key = _credential("API key", api_key)
    access_token = _credential("access token", access_token)
    session_cookie = _credential("session cookie", session_cookie)
    headers = {}
    if api_key:
        headers["x-api-key"] = api_key
    if access_token:
        headers["authorization"] = f"Bearer {access_token}"
    if session_cookie:
        headers["cookie"] = f"{COOKIE_NAME}={session_cookie}"
    return headers


def _credential(kind: str, value: str | None) -> str | None:
    """A credential as it is sent: without the whitespace around it that a paste or a
    file's line ending (``\\r\\n`` in a ``.env`` saved on Windows) leaves. Checked here,
    because the HTTP layer's error for a bad header value quotes the value."""
    if not value:
        return value
    value = value.strip()
    if not value.isascii():
        # Often a curly quote or a non-breaking space pasted along; never echo the value.
        raise ConfigurationError(
            f"the {kind} contains characters other than ASCII; check how it was copied"
        )
    if not value.isprintable() or " " in value:
        raise ConfigurationError(
            f"the {kind} contains spaces or control characters; check how it was copied"
        )
    return value


def env_url() -> str | None:
    return _first_env(URL_VARIABLES)


def describe_credentials(kind: str | None, *, from_env: bool) -> str | None:
    """Which credentials a client sends and where they came from, for error messages
    (never the credentials themselves)."""
    if kind is None:
        return None
    what, variable = {
        "api_key": ("the API key", API_KEY_VARIABLE),
        "access_token": ("the session token", ACCESS_TOKEN_VARIABLE),
        "session_cookie": ("the session cookie", None),
    }[kind]
    if from_env and variable:
        return f"{what} from {variable}"
    return f"{what} given as {kind}="


def env_credentials(api_key: str | None, access_token: str | None) -> tuple[str | None, str | None]:
    if api_key is None and access_token is None:
        return os.environ.get(API_KEY_VARIABLE) or None, os.environ.get(
            ACCESS_TOKEN_VARIABLE
        ) or None
    return api_key, access_token


def warn_if_plain_http(url: httpx.URL, has_credentials: bool, stacklevel: int = 3) -> None:
    if url.scheme == "https" or not has_credentials or _is_loopback(url.host):
        return
    warnings.warn(
        f"sending Immich credentials over plain HTTP to {url.host}; "
        "anyone on the network can read them. Use https:// for remote servers.",
        InsecureTransportWarning,
        stacklevel=stacklevel,  # the caller's line: where the client was built, or login()
    )


def _is_loopback(host: str) -> bool:
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _first_env(names: tuple[str, ...]) -> str | None:
    return next((os.environ[n] for n in names if os.environ.get(n)), None)


class _NoSessionCookies(http.cookiejar.DefaultCookiePolicy):
    """Keeps the cookies a server sets, but for the session ones (``immich_access_token``
    after a login, with ``immich_auth_type`` and ``immich_is_authenticated``): sent back,
    the server would act as that session's user rather than by the credentials the client
    was given (it prefers sessions to API keys). A shared link's password cookie
    (``immich_shared_link_token``) is kept: it opens the link for the next calls."""

    SESSION = frozenset({COOKIE_NAME, "immich_auth_type", "immich_is_authenticated"})

    def set_ok(self, cookie: http.cookiejar.Cookie, request: Any) -> bool:
        return cookie.name not in self.SESSION and super().set_ok(cookie, request)


def client_cookies() -> http.cookiejar.CookieJar:
    """The cookie jar of the clients' own httpx client (see :class:`_NoSessionCookies`)."""
    return http.cookiejar.CookieJar(_NoSessionCookies())


def timeout_of(value: Any) -> httpx.Timeout:
    return value if isinstance(value, httpx.Timeout) else httpx.Timeout(value)
