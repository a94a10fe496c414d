"""The exceptions the SDK raises. Every one derives from :class:`ImmichError`.

Messages name the method and URL of the failed request, never its credentials.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple

import httpx

_BODY_EXCERPT = 500


class ImmichError(Exception):
    """Base class of every error raised by this package."""


class ConfigurationError(ImmichError, ValueError):
    """The client was given (or found in the environment) settings it cannot use."""


class NameLookupError(ImmichError, LookupError):
    """No album (or person, ...) has the name given, or several have it; ``suggestions``
    are the names that come close."""

    def __init__(self, message: str, *, name: str, suggestions: Sequence[str] = ()) -> None:
        if suggestions:
            message += "; did you mean " + " or ".join(repr(s) for s in suggestions) + "?"
        super().__init__(message)
        self.name = name
        self.suggestions = list(suggestions)


class WaitTimeoutError(ImmichError):
    """Waiting for the server's background work (``client.wait``, ``upload(wait=True)``)
    took longer than its timeout. ``pending`` says what was still pending: queue name ->
    jobs left, or asset id -> the steps it still lacked; ``waited`` is in seconds.
    Nothing is cancelled on the server: the work goes on, and waiting again resumes."""

    def __init__(self, message: str, *, waited: float, pending: Mapping[str, Any]) -> None:
        super().__init__(message)
        self.waited = waited
        self.pending = dict(pending)


class QueuePausedError(ImmichError):
    """A queue that was waited for is paused with jobs in it, so it would never drain;
    resume it (``queues.update_queue(name, is_paused=False)``) and wait again."""

    def __init__(self, queue: str, jobs: int) -> None:
        super().__init__(
            f"the {queue} queue is paused with {jobs} job{'s' if jobs != 1 else ''} in it; "
            f"resume it (client.queues.update_queue({queue!r}, is_paused=False), or "
            f"`immich jobs resume {queue}`) and wait again"
        )
        self.queue = queue
        self.jobs = jobs


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


class FieldError(NamedTuple):
    """One reason the server gave for refusing a request's input.

    Immich 3 validates with zod, which names the field by its path:
    ``{"path": ["assetIds", 0], "message": "Invalid UUID", "code": "invalid_format"}``.
    Older servers give sentences (``"each value in assetIds must be a UUID"``), which
    become a ``FieldError`` with an empty path.
    """

    #: Where in the request: ``("assetIds", 0)``; empty when the server did not say.
    path: tuple[str | int, ...]
    message: str
    #: The validator's code (``invalid_format``, ``too_small``, ...), when given.
    code: str | None = None

    @property
    def field(self) -> str:
        """The path as one would write it in Python or JavaScript: ``assetIds[0]``."""
        text = ""
        for part in self.path:
            if isinstance(part, int):
                text += f"[{part}]"
            else:
                text += f".{part}" if text else str(part)
        return text

    def __str__(self) -> str:
        return f"{self.field}: {self.message}" if self.path else self.message


def field_errors(body: Any) -> list[FieldError]:
    """The validation problems an error body lists: zod's ``errors`` (Immich 3), or the
    list of sentences older servers put in ``message``."""
    if not isinstance(body, dict):
        return []
    found: list[FieldError] = []
    issues = body.get("errors")
    if isinstance(issues, list):
        for issue in issues:
            if not isinstance(issue, dict):
                continue
            path = issue.get("path")
            parts = path if isinstance(path, Sequence) and not isinstance(path, str) else ()
            code = issue.get("code")
            found.append(
                FieldError(
                    path=tuple(p if isinstance(p, int) else str(p) for p in parts),
                    message=str(issue.get("message") or code or "invalid"),
                    code=code if isinstance(code, str) else None,
                )
            )
    message = body.get("message")
    if not found and isinstance(message, list):
        found = [FieldError(path=(), message=str(m)) for m in message]
    return found


class APIStatusError(APIError):
    """The server answered with an error status (4xx or 5xx)."""

    status_code: int

    def __init__(
        self,
        response: httpx.Response,
        body: Any,
        *,
        permission: str | None = None,
        credentials: str | None = None,
    ) -> None:
        detail = body if isinstance(body, dict) else {}
        #: Which credentials went with the request, and where they came from (for hints).
        self.credentials = credentials
        #: What the server found wrong with the input, field by field (400s).
        self.errors = field_errors(body)
        server_message = detail.get("message")
        if isinstance(server_message, list):  # older servers: the sentences themselves
            server_message = "; ".join(map(str, server_message))
        elif self.errors:  # "Validation failed", and then which fields and why
            listed = "; ".join(map(str, self.errors))
            server_message = f"{server_message}: {listed}" if server_message else listed
        self.response = response
        self.status_code = response.status_code
        self.body = body
        self.server_message: str | None = server_message
        self.error: str | None = detail.get("error")
        # (2.x puts it in the body, 3.x in a header.)
        self.correlation_id: str | None = detail.get("correlationId") or response.headers.get(
            "x-correlation-id"
        )
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


class RedirectError(APIStatusError):
    """A redirect that was not followed: to another server (the credentials would go
    with it), or one too many. ``location`` is where it pointed."""

    def __init__(self, response: httpx.Response, location: httpx.URL, why: str) -> None:
        #: Where the server redirected to.
        self.location = redact_url(location)
        self._why = why
        super().__init__(response, None)

    def _hint(self) -> str:
        return f": redirected to {self.location}, {self._why}"


class BadRequestError(APIStatusError):
    """400: the server rejected the request's parameters or body."""


class AuthenticationError(APIStatusError):
    """401: no credentials, or credentials the server does not accept."""

    def _hint(self) -> str:
        if self.response.request.url.path.endswith("/auth/login"):
            return ""  # the email and password were refused, not the client's credentials
        if self.server_message and self.server_message.startswith("Invalid share "):
            # ("Invalid share key"/"slug"): the call's key= or slug=, not the client's credentials
            return (
                "; the shared link's key= or slug= given to this call is unknown, or the link "
                "has expired"
            )
        where = "make one in Immich under Account Settings > API Keys"
        if not self.credentials:
            return f"; no credentials were sent: pass api_key= or set IMMICH_API_KEY ({where})"
        if "token" in self.credentials or "cookie" in self.credentials:
            return f"; the server refused {self.credentials}: it may have expired, log in again"
        return f"; the server refused {self.credentials}: check it, or {where}"


class PermissionDeniedError(APIStatusError):
    """403: the user or API key may not do this; ``permission`` names what it lacks."""

    def _hint(self) -> str:
        if self.server_message and "cannot be used with API keys" in self.server_message:
            # The sync endpoints: no permission helps, only a session does.
            return (
                "; they need a session: sign in with a password (client.login(email, "
                "password)), and keep a session of their own for them (their checkpoints "
                "are the session's)"
            )
        if not self.permission:
            return ""
        return f"; this call needs the {self.permission!r} permission (or an admin user)"


class NotFoundError(APIStatusError):
    """404: no such resource, or not visible to this user."""

    def _hint(self) -> str:
        # Immich (Express) answers "Cannot GET /path" for a route it does not have: the
        # server's URL is the likely mistake (a path too many, another server).
        if self.server_message and self.server_message.startswith("Cannot "):
            return "; there is no Immich API at this URL: check the server's address (http://host:2283)"
        return ""


class ConflictError(APIStatusError):
    """409: the request conflicts with the server's state."""


class RequestTooLargeError(APIStatusError):
    """413: the body is larger than the server, or a proxy in front of it, takes."""

    def _hint(self) -> str:
        return (
            "; the server or a proxy in front of it refused a body this large (for nginx, "
            "raise client_max_body_size; Immich itself takes any size)"
        )


class UnprocessableEntityError(APIStatusError):
    """422: the request was well-formed but could not be processed."""


class RateLimitError(APIStatusError):
    """429: too many requests."""


class InternalServerError(APIStatusError):
    """5xx: the server (or a proxy in front of it) failed."""


class NotFoundOrNoAccessError(BadRequestError, NotFoundError):
    """400 "Not found or no album.read access": Immich's answer for an id that does not
    exist *or* that this user may not see (it does not say which). A ``NotFoundError``
    as well as a ``BadRequestError``, so ``except NotFoundError`` catches it."""


_BY_STATUS: dict[int, type[APIStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    413: RequestTooLargeError,
    422: UnprocessableEntityError,
    429: RateLimitError,
}


def status_error(
    response: httpx.Response,
    body: Any,
    *,
    permission: str | None = None,
    credentials: str | None = None,
) -> APIStatusError:
    """The exception for an error response; its class follows the status code."""
    status = response.status_code
    cls = _BY_STATUS.get(status) or (InternalServerError if status >= 500 else APIStatusError)
    message = body.get("message") if isinstance(body, dict) else None
    if status == 400 and isinstance(message, str) and message.startswith("Not found or no "):
        cls = NotFoundOrNoAccessError
    return cls(response, body, permission=permission, credentials=credentials)


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
        (name, _MASK if name in SECRET_QUERY_PARAMS else value)
        for name, value in url.params.multi_items()
    ]
    # The mask as it reads ("key=***"), not as a URL encodes it ("key=%2A%2A%2A").
    return str(url.copy_with(params=params)).replace(_MASK_ENCODED, _MASK)


_MASK = "***"
_MASK_ENCODED = "%2A%2A%2A"


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
