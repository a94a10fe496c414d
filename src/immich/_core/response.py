"""The one response decoder: an ``httpx.Response`` in, a model (or an exception) out."""

from __future__ import annotations

from typing import Any, Generic, TypeVar

import attrs
import cattrs
import httpx

from immich._core import json_codec as _json
from immich._core.converter import converter
from immich._core.operation import Operation
from immich._core.request import CREDENTIALS
from immich._errors import APIResponseValidationError, RedirectError, status_error

T = TypeVar("T")


def raise_for_status(response: httpx.Response, operation: Operation) -> None:
    """Raise the typed error for a 4xx/5xx response; the body must have been read."""
    if response.status_code < 400:
        return
    try:
        body: Any = _json.loads(response.content) if response.content else None
    except ValueError:
        body = response.text
    raise status_error(
        response,
        body,
        permission=operation.permission,
        credentials=response.request.extensions.get(CREDENTIALS),
    )


#: Redirects followed for one call before it fails (browsers allow about 20; httpx 20).
MAX_REDIRECTS = 10


def follow_redirect(request: httpx.Request, response: httpx.Response, hops: int) -> httpx.Request:
    """The request a redirect asks for, on the same server only.

    The credentials go with it (they are request headers), so a ``Location`` on another
    scheme, host or port is not followed: the call fails naming it. A redirect's own body
    is never taken for the answer.
    """
    target = request.url.join(response.headers["location"])
    if hops > MAX_REDIRECTS:
        raise RedirectError(response, target, f"more than {MAX_REDIRECTS} redirects")
    if (target.scheme, target.host, target.port) != (
        request.url.scheme,
        request.url.host,
        request.url.port,
    ):
        raise RedirectError(
            response, target, "another server: not followed, so the credentials stay here"
        )
    method = request.method
    if (response.status_code == 303 and method != "HEAD") or (
        response.status_code in (301, 302) and method == "POST"
    ):
        method = "GET"  # as browsers and httpx do
    headers = request.headers.copy()
    if method != request.method:
        for name in ("content-length", "content-type", "transfer-encoding"):
            headers.pop(name, None)
        return httpx.Request(method, target, headers=headers, extensions=request.extensions)
    if not isinstance(request.stream, httpx.ByteStream):
        raise RedirectError(
            response, target, "the request's body was a stream that cannot be sent twice"
        )
    return httpx.Request(
        method, target, headers=headers, content=request.content, extensions=request.extensions
    )


def decode(response: httpx.Response, operation: Operation, response_type: Any) -> Any:
    """The success body as the operation's declared type."""
    if operation.response == "binary":
        return response.content  # the client checked its length as it arrived
    if operation.response == "text":
        return response.text
    if operation.response == "jsonlines":
        from immich._core.sync import SyncLineError, decode_lines

        try:
            return decode_lines(response.content)
        except SyncLineError as exc:
            raise APIResponseValidationError(str(exc), response=response) from None
    if operation.response == "empty" or response_type is None:
        return None
    try:
        data = _json.loads(response.content)
    except ValueError:
        kind = response.headers.get("content-type", "").split(";")[0].strip()
        if response.content and kind.endswith("json"):
            message = "the server's answer is not valid JSON"  # broken, not another server's
        else:
            what = (kind or "no content type") if response.content else "an empty body"
            message = (
                f"the server's answer is not JSON ({what}): there is no Immich API at this "
                "URL, or something in front of it answered instead; check the server's address"
            )
        raise APIResponseValidationError(message, response=response) from None
    try:
        return converter.structure(data, response_type)
    except (cattrs.BaseValidationError, TypeError, ValueError, KeyError, AttributeError) as exc:
        raise APIResponseValidationError(
            f"the server's answer does not fit {getattr(response_type, '__name__', response_type)}: "
            f"{_first_problem(exc)}",
            response=response,
        ) from exc


def _first_problem(exc: BaseException) -> str:
    if isinstance(exc, cattrs.BaseValidationError) and exc.exceptions:
        return _first_problem(exc.exceptions[0])
    if isinstance(exc, KeyError):
        return f"required field {exc.args[0]!r} is missing"
    return f"{type(exc).__name__}: {exc}"


@attrs.frozen
class APIResponse(Generic[T]):
    """A decoded result together with the HTTP response it came from."""

    parsed: T
    http: httpx.Response

    @property
    def status_code(self) -> int:
        return self.http.status_code

    @property
    def headers(self) -> httpx.Headers:
        return self.http.headers
