"""The exceptions the SDK raises. Every one derives from :class:`ImmichError`.

Messages name the method and URL of the failed request, never its credentials.
"""

from __future__ import annotations

import re
from typing import Any

import httpx

_BODY_EXCERPT = 500


class ImmichError(Exception):
    """Base class of every error raised by this package."""


class ConfigurationError(ImmichError, ValueError):
    """The client was given (or found in the environment) settings it cannot use."""


class APIError(ImmichError):
    """A request did not produce a usable response."""

    def __init__(self, message: str, *, request: httpx.Request | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.request = request


class APIConnectionError(APIError):
    """The server could not be reached, or the connection broke."""


class APITimeoutError(APIConnectionError):
    """The request timed out (connect, read, write or waiting for a pooled connection)."""


class IncompleteDownloadError(APIConnectionError):
    """A download ended before the announced number of bytes arrived; nothing was kept."""


class UnsupportedByServerError(APIError):
    """The server's version is too old for the method that was called."""

    def __init__(self, method: str, required: str, server: str) -> None:
        super().__init__(
            f"{method} needs Immich server {required} or newer; this server runs {server}"
        )
        self.method = method
        self.required_version = required
        self.server_version = server


class APIResponseValidationError(APIError):
    """The server answered with a success status, but the body could not be decoded."""

    def __init__(self, message: str, *, response: httpx.Response) -> None:
        excerpt = _excerpt(response)
        super().__init__(
            f"{message} ({response.status_code} from {describe_request(response.request)}): {excerpt!r}",
            request=response.request,
        )
        self.response = response
        self.status_code = response.status_code
        self.body_excerpt = excerpt


class APIStatusError(APIError):
    """The server answered with an error status (4xx or 5xx)."""

    status_code: int

    def __init__(
        self, response: httpx.Response, body: Any, *, permission: str | None = None
    ) -> None:
        detail = body if isinstance(body, dict) else {}
        server_message = detail.get("message")
        if isinstance(server_message, list):  # validation errors come as a list
            server_message = "; ".join(map(str, server_message))
        self.response = response
        self.status_code = response.status_code
        self.body = body
        self.server_message: str | None = server_message
        self.error: str | None = detail.get("error")
        self.correlation_id: str | None = detail.get("correlationId")
        self.method = response.request.method
        self.url = redact_url(response.request.url)
        #: The API-key permission the operation needs, from the spec.
        self.permission = permission
        reason = server_message or self.error or response.reason_phrase or _excerpt(response)
        hint = self._hint()
        super().__init__(
            f"{response.status_code} {reason} ({self.method} {self.url}){hint}",
            request=response.request,
        )

    def _hint(self) -> str:
        return ""


class BadRequestError(APIStatusError):
    """400: the server rejected the request's parameters or body."""


class AuthenticationError(APIStatusError):
    """401: no credentials, or credentials the server does not accept."""


class PermissionDeniedError(APIStatusError):
    """403: the user or API key may not do this; ``permission`` names what it lacks."""

    def _hint(self) -> str:
        if not self.permission:
            return ""
        return f"; this call needs the {self.permission!r} permission (or an admin user)"


class NotFoundError(APIStatusError):
    """404: no such resource, or not visible to this user."""


class ConflictError(APIStatusError):
    """409: the request conflicts with the server's state."""


class UnprocessableEntityError(APIStatusError):
    """422: the request was well-formed but could not be processed."""


class RateLimitError(APIStatusError):
    """429: too many requests."""


class InternalServerError(APIStatusError):
    """5xx: the server (or a proxy in front of it) failed."""


_BY_STATUS: dict[int, type[APIStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    422: UnprocessableEntityError,
    429: RateLimitError,
}


def status_error(
    response: httpx.Response, body: Any, *, permission: str | None = None
) -> APIStatusError:
    """The exception for an error response; its class follows the status code."""
    status = response.status_code
    cls = _BY_STATUS.get(status) or (InternalServerError if status >= 500 else APIStatusError)
    return cls(response, body, permission=permission)


def failure_message(exc: BaseException) -> str:
    """What a bulk upload or download records for a file that failed: the server's words
    when it gave some, else the error's."""
    if isinstance(exc, APIStatusError):
        return exc.server_message or str(exc)
    if isinstance(exc, OSError):
        return f"{exc.strerror or exc}"
    return str(exc) or type(exc).__name__


# Query parameters that carry credentials (shared-link keys, tokens) are not repeated
# in messages or logs.
SECRET_QUERY_PARAMS = frozenset({"key", "token", "apiKey", "api_key", "password", "access_token"})


def redact_url(url: httpx.URL) -> str:
    if not url.query:
        return str(url)
    params = [
        (name, "***" if name in SECRET_QUERY_PARAMS else value)
        for name, value in url.params.multi_items()
    ]
    return str(url.copy_with(params=params))


def describe_request(request: httpx.Request) -> str:
    return f"{request.method} {redact_url(request.url)}"


# JSON members whose values are credentials; masked in body excerpts.
_SECRET_MEMBER = re.compile(
    r'("(?:accessToken|access_token|secret|clientSecret|password|newPassword|token|'
    r'apiKey|api_key|pinCode|newPinCode|key|licenseKey|activationKey)"\s*:\s*)"(?:[^"\\]|\\.)*"'
)


def redact_secrets(text: str) -> str:
    """``text`` with the values of credential-like JSON members replaced by ``***``."""
    return _SECRET_MEMBER.sub(r'\1"***"', text)


def _excerpt(response: httpx.Response) -> str:
    try:
        return redact_secrets(response.text[: _BODY_EXCERPT * 2])[:_BODY_EXCERPT]
    except (httpx.ResponseNotRead, UnicodeDecodeError):
        return ""
