"""``Client``: the canonical client. ``Client`` is generated from this file by unasync."""

from __future__ import annotations

import contextvars
import datetime
import logging
import os
import time
import warnings
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import ExitStack, contextmanager
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, TypeVar

import httpx

from immich import _compat, _config, _json, _operations, versions
from immich._compat import Dialect
from immich._concurrency import default_transport, direct_transport, sleep
from immich._converter import converter
from immich._errors import (
    APIConnectionError,
    APITimeoutError,
    ConfigurationError,
    IncompleteDownloadError,
    UnsupportedByServerError,
    describe_request,
)
from immich._logging import configure_from_env, logger
from immich._model import Model
from immich._operation import Operation
from immich._request import READ_BODY, DirectTransport, Prepared, build_request, prepare
from immich._response import (
    APIResponse,
    ShortBody,
    check_complete,
    decode,
    follow_redirect,
    raise_for_status,
)
from immich._retries import retry_delay, should_retry
from immich._sync._streaming import BinaryResponse
from immich._sync.api import APIGroups
from immich._types import UNSET, Method, P

if TYPE_CHECKING:
    from typing_extensions import Unpack

    from immich._options import UploadOptions
    from immich._results import UploadResult

T = TypeVar("T")

# Set while with_response() runs: the responses of the calls made inside it land here.
_captured: contextvars.ContextVar[list[httpx.Response] | None] = contextvars.ContextVar(
    "immich_captured_responses", default=None
)
_httpx_logger = logging.getLogger("httpx")


class Client(APIGroups):
    """An Immich API client. API groups are attributes: ``client.albums.get_all_albums()``.

    Args:
        base_url: The server, ``http://host:2283`` or ``.../api``. Default: ``IMMICH_URL``.
        api_key: An API key (sent as ``x-api-key``). Default: ``IMMICH_API_KEY``.
        access_token: A session token (sent as ``Authorization: Bearer``), e.g. from
            :meth:`login`. Default: ``IMMICH_ACCESS_TOKEN``.
        session_cookie: The value of a browser session's ``immich_access_token`` cookie.
        timeout: Seconds, or an ``httpx.Timeout`` with connect/read/write/pool parts.
        max_retries: How often a failed idempotent request is tried again (connection
            errors, 408, 429 and 5xx), with exponential backoff and ``Retry-After``.
        verify: TLS verification: True, False, or the path of a CA bundle.
        transport: An httpx transport to send through (tests, ``immich.testing``).
        http_client: An ``httpx.Client`` of your own; you close it, not us.
        headers: Extra headers for every request.
        check_server_version: Before calling a method that needs a newer server than
            the oldest supported one, ask the server its version (once, cached) and
            raise :class:`UnsupportedByServerError` rather than send a doomed request.
    """

    def __init__(
        self,
        base_url: str | httpx.URL | None = None,
        *,
        api_key: str | None = None,
        access_token: str | None = None,
        session_cookie: str | None = None,
        timeout: float | httpx.Timeout | None = _config.DEFAULT_TIMEOUT,
        max_retries: int = _config.DEFAULT_MAX_RETRIES,
        verify: bool | str = True,
        transport: httpx.BaseTransport | None = None,
        http_client: httpx.Client | None = None,
        headers: Mapping[str, str] | None = None,
        check_server_version: bool = True,
    ) -> None:
        configure_from_env()
        if max_retries < 0:
            raise ValueError("max_retries must be 0 or more")
        self.base_url = _config.resolve_base_url(base_url)
        proxy_auth = _config.basic_auth(base_url)
        if proxy_auth is not None and http_client is not None:
            raise ConfigurationError(
                "a user:password in the server URL cannot be combined with http_client=; "
                "set auth= on your httpx client instead"
            )
        self._root_of = self.base_url
        self._root = str(self.base_url)
        api_key, access_token = _config.env_credentials(api_key, access_token)
        self._credentials = _config.auth_headers(
            api_key=api_key, access_token=access_token, session_cookie=session_cookie
        )
        self._auth_kind = next(
            (
                kind
                for kind, value in (
                    ("api_key", api_key),
                    ("access_token", access_token),
                    ("session_cookie", session_cookie),
                )
                if value
            ),
            None,
        )
        _config.warn_if_plain_http(self.base_url, bool(self._credentials) or proxy_auth is not None)
        self.max_retries = max_retries
        self._check_server_version = check_server_version
        self._server_version: tuple[int, int, int] | None = None
        self._owns_http = http_client is None
        # Our default transport, when it can also send without httpx's objects (_fetch).
        self._direct: DirectTransport | None = None
        if http_client is None:
            ssl = _config.ssl_context(verify)
            if transport is None:
                transport = default_transport(ssl)
                self._direct = direct_transport(transport)
            http_client = httpx.Client(
                base_url=self.base_url,
                auth=proxy_auth,
                timeout=_config.timeout_of(timeout),
                verify=ssl,
                transport=transport,
                headers={"user-agent": _config.USER_AGENT, **(headers or {})},
            )
        self._http = http_client
        # Our own httpx client is sent through by _dispatch, which skips the parts of
        # httpx's send() that such a client does not use; one handed in is left to httpx.
        # (A user:password in the URL is basic auth, which httpx's send() adds.)
        self._route: Callable[[httpx.URL], httpx.BaseTransport] | None = (
            getattr(http_client, "_transport_for_url", None)
            if self._owns_http and proxy_auth is None
            else None
        )

    def __repr__(self) -> str:
        auth = self._auth_kind or "none"
        return f"{type(self).__name__}(base_url={str(self.base_url)!r}, auth={auth!r})"

    def __enter__(self) -> Client:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Close the connections, unless the httpx client was handed in by the caller."""
        if self._owns_http:
            self._http.close()

    @property
    def http_client(self) -> httpx.Client:
        """The underlying ``httpx.Client``."""
        return self._http

    def login(self, email: str, password: str) -> None:
        """Sign in with a user's password and use the session token for later calls.

        Needed for the endpoints that refuse API keys (``sync``).
        """
        _config.warn_if_plain_http(self.base_url, True, stacklevel=3)
        result = self.auth.login(email=email, password=password)
        self._credentials = _config.auth_headers(
            api_key=None, access_token=result.access_token, session_cookie=None
        )
        self._auth_kind = "access_token"

    def with_response(
        self, method: Method[P, T], /, *args: P.args, **kwargs: P.kwargs
    ) -> APIResponse[T]:
        """Call an API method and return its result with the HTTP response (status, headers).

        ``r = client.with_response(client.assets.upload_asset, asset_data=...)``
        """
        captured: list[httpx.Response] = []
        token = _captured.set(captured)
        try:
            parsed = method(*args, **kwargs)
        finally:
            _captured.reset(token)
        if not captured:
            raise TypeError(f"{method!r} sent no request; pass a method of this client")
        return APIResponse(parsed=parsed, http=captured[-1])

    def request(
        self,
        operation: Operation,
        *,
        path: Mapping[str, Any] | None = None,
        query: Mapping[str, Any] | None = None,
        headers: Mapping[str, Any] | None = None,
        body: Model | None = None,
        response_type: Any = None,
        timeout: Any = UNSET,
    ) -> Any:
        """Send one operation and decode its answer; every generated method ends here."""
        dialect = self._preflight(operation, path, query, headers, body)
        arguments = self._arguments(path, query, headers, body, timeout, dialect)
        direct = self._direct_for(operation)
        if direct is not None:
            prepared = prepare(self._http, self._api_root(), operation, **arguments)
            if prepared is not None:
                return self._fetch(direct, prepared, operation, response_type)
        with ExitStack() as files:
            request = build_request(self._http, self._api_root(), operation, files, **arguments)
            response = self._send(request, operation, stream=False)
        return decode(response, operation, response_type)

    @contextmanager
    def stream(
        self,
        operation: Operation,
        *,
        path: Mapping[str, Any] | None = None,
        query: Mapping[str, Any] | None = None,
        headers: Mapping[str, Any] | None = None,
        body: Model | None = None,
        timeout: Any = UNSET,
    ) -> Iterator[BinaryResponse]:
        """Send one operation and hand over its body as a stream of chunks."""
        dialect = self._preflight(operation, path, query, headers, body)
        arguments = self._arguments(path, query, headers, body, timeout, dialect)
        with ExitStack() as files:
            request = build_request(self._http, self._api_root(), operation, files, **arguments)
            response = self._send(request, operation, stream=True)
        try:
            yield BinaryResponse(response)
        finally:
            response.close()

    def _arguments(
        self,
        path: Mapping[str, Any] | None,
        query: Mapping[str, Any] | None,
        headers: Mapping[str, Any] | None,
        body: Model | None,
        timeout: Any,
        dialect: Dialect | None,
    ) -> dict[str, Any]:
        """What the request builders take besides the operation; credentials merged in."""
        return {
            "path": path,
            "query": query,
            "headers": {**self._credentials, **(headers or {})},
            "body": body,
            "timeout": timeout,
            "dialect": dialect,
        }

    def _api_root(self) -> str:
        """``str(self.base_url)``, worked out again only when ``base_url`` is replaced."""
        if self._root_of is not self.base_url:
            self._root_of, self._root = self.base_url, str(self.base_url)
        return self._root

    def server_version(self) -> tuple[int, int, int]:
        """The server's ``(major, minor, patch)``, asked once and remembered."""
        if self._server_version is None:
            answer = self.request(_operations.GET_SERVER_VERSION, response_type=dict)
            self._server_version = (answer["major"], answer["minor"], answer["patch"])
        return self._server_version

    def _preflight(
        self,
        operation: Operation,
        path: Mapping[str, Any] | None,
        query: Mapping[str, Any] | None,
        headers: Mapping[str, Any] | None,
        body: Model | None,
    ) -> Dialect | None:
        """Warn about deprecated methods; refuse what the server is too old to serve.
        Returns the server's dialect when its release takes this call in another form
        than the newest spec (see ``immich._compat``). The server's version is asked
        (once per client) only for a call that depends on it."""
        if operation.deprecated:
            warnings.warn(
                f"{operation.name} is deprecated by the Immich API and will be removed",
                DeprecationWarning,
                stacklevel=4,
            )
        if not self._check_server_version:
            return None
        varies = operation.varies and _compat.needs_dialect(
            operation.operation_id, (path, query, headers), body
        )
        if not (varies or operation.since > versions.OLDEST_SUPPORTED):
            return None
        server = self.server_version()
        if server < operation.since:
            raise UnsupportedByServerError(
                operation.name, operation.since_version, ".".join(map(str, server))
            )
        dialect = _compat.dialect_for(server) if varies else None
        if dialect is not None:
            _compat.check_operation(operation.operation_id, operation.name, dialect)
        return dialect

    def download_to_file(
        self, operation: Operation, destination: str | os.PathLike[str], **arguments: Any
    ) -> Path:
        """Stream an operation's body to a file; see :meth:`BinaryResponse.write_to`."""
        with self.stream(operation, **arguments) as body:
            return body.write_to(destination)

    def _send(
        self,
        request: httpx.Request,
        operation: Operation,
        *,
        stream: bool,
        first: httpx.Response | httpx.TransportError | None = None,
    ) -> httpx.Response:
        """Send with retries; ``first`` is the outcome of a first attempt already made."""
        retry_safe = operation.is_retry_safe(request.headers)
        attempt = 0
        redirects = 0
        while True:
            started = time.perf_counter()
            try:
                if first is None:
                    response = self._dispatch(request, stream=stream)
                elif isinstance(first, httpx.Response):
                    response, first = first, None
                else:
                    error, first = first, None
                    raise error
                if response.status_code >= 400:
                    response.read()
                elif not stream:
                    # A body cut short is a broken connection: retried when that is safe.
                    check_complete(response)
            except httpx.TransportError as exc:
                if not (retry_safe or _nothing_sent(exc)) or attempt >= self.max_retries:
                    raise _connection_error(exc, describe_request(request), request) from exc
                delay = retry_delay(attempt)
                logger.debug("%s failed: %r", describe_request(request), exc)
            else:
                # (Describing the URL costs more than the rest of a call's bookkeeping.)
                if logger.isEnabledFor(logging.DEBUG):
                    elapsed = (time.perf_counter() - started) * 1000
                    logger.debug(
                        "%s -> %s (%.1f ms)",
                        describe_request(request),
                        response.status_code,
                        elapsed,
                    )
                if (captured := _captured.get()) is not None:
                    captured.append(response)
                if response.is_redirect:
                    # e.g. view_asset(size="fullsize") of a JPEG: 302 to its original.
                    response.close()
                    redirects += 1
                    request = follow_redirect(request, response, redirects)
                    continue
                if response.status_code < 400:
                    return response
                if not (retry_safe and should_retry(response)) or attempt >= self.max_retries:
                    raise_for_status(response, operation)
                delay = retry_delay(attempt, response)
            attempt += 1
            logger.info(
                "%s: retry %d of %d in %.2f s",
                describe_request(request),
                attempt,
                self.max_retries,
                delay,
            )
            sleep(delay)

    def _plain(self) -> bool:
        """Whether our httpx client is still as we made it: no auth, redirects or hooks
        configured on ``http_client`` since. Then _dispatch and _fetch may skip them."""
        http = self._http
        hooks = http.event_hooks
        return not (
            self._route is None
            or http.is_closed
            or http.auth is not None
            or http.follow_redirects
            or hooks["request"]
            or hooks["response"]
        )

    def _direct_for(self, operation: Operation) -> DirectTransport | None:
        """The transport to _fetch a call of ``operation`` through, if it can be: a JSON,
        empty or binary (read whole) answer, nothing that wants httpx's objects
        (with_response, a cookie to send, the DEBUG log, httpx's own log), and not while a
        mock replaces httpx's transport."""
        direct = self._direct
        if (
            direct is None
            or operation.response == "text"
            or _captured.get() is not None
            or logger.isEnabledFor(logging.DEBUG)
            or _httpx_logger.isEnabledFor(logging.INFO)
            or not direct.can_fetch()
            or not self._plain()
            or self._http.cookies
        ):
            return None
        return direct

    def _fetch(
        self,
        direct: DirectTransport,
        prepared: Prepared,
        operation: Operation,
        response_type: Any,
    ) -> Any:
        """One call without httpx's Request and Response objects, which together take
        longer than the transport needs for a small call. A plain success is decoded from the
        body; anything else (an error status, a retry, a cookie, an encoded body, a body
        that does not decode) becomes httpx's objects and takes the usual way, so that
        errors, retries and their messages are those of every other call."""
        started = time.perf_counter()
        try:
            answer = direct.fetch(prepared)
        except httpx.TransportError as exc:
            request = prepared.request()
            exc.request = request  # as httpx does
            response = self._send(request, operation, stream=False, first=exc)
            return decode(response, operation, response_type)
        headers = answer.headers
        if (
            answer.status < 300
            and "content-encoding" not in headers
            and "set-cookie" not in headers
        ):
            if operation.response == "binary":
                return answer.body
            if operation.response == "empty" or response_type is None:
                return None
            try:
                return converter.structure(_json.loads(answer.body), response_type)
            except Exception:  # decode() below raises the error, with the response
                pass
        request = prepared.request()
        response = self._received(request, answer.response(request), started)
        response = self._send(request, operation, stream=False, first=response)
        return decode(response, operation, response_type)

    def _dispatch(self, request: httpx.Request, *, stream: bool) -> httpx.Response:
        """``self._http.send(request, stream=stream)``, in a fraction of the time.

        Per call, httpx's ``send`` runs an auth flow, a redirect loop, event hooks and a
        cookie jar that looks at every response, and reads the body through four layers
        of async generators: together more time than the transport takes for a small call.
        Our own client uses none of them unless someone configured them on
        ``http_client`` since; then (and for a client handed in) httpx sends.
        """
        route = self._route
        if route is None or not self._plain():
            return self._http.send(request, stream=stream)
        if not stream:
            # The transports of this package then read the body in one go.
            request.extensions[READ_BODY] = True
        started = time.perf_counter()
        try:
            response = route(request.url).handle_request(request)
        except httpx.RequestError as exc:
            exc.request = request  # as httpx does
            raise
        response = self._received(request, response, started)
        if response.is_closed:  # read whole by the transport
            return response
        assert isinstance(response.stream, httpx.SyncByteStream)  # as httpx checks
        response.stream = _Timed(response.stream, response, started)
        if not stream:
            try:
                response.read()
            except BaseException:
                response.close()
                raise
        return response

    def _received(
        self, request: httpx.Request, response: httpx.Response, started: float
    ) -> httpx.Response:
        """What httpx's send() does with a response it receives: keep its cookies, log it,
        time it (here when it has been read whole, else when its stream closes)."""
        response.request = request
        if "set-cookie" in response.headers:
            self._http.cookies.extract_cookies(response)
        if _httpx_logger.isEnabledFor(logging.INFO):
            _httpx_logger.info(
                'HTTP Request: %s %s "%s %d %s"',
                request.method,
                request.url,
                response.http_version,
                response.status_code,
                response.reason_phrase,
            )
        if response.is_closed:
            response.elapsed = datetime.timedelta(seconds=time.perf_counter() - started)
        return response

    # -- bulk workflows (``client.download(...)`` is the download group, made callable) --

    def upload(
        self,
        paths: str | os.PathLike[str] | Iterable[str | os.PathLike[str]],
        **options: Unpack[UploadOptions],
    ) -> UploadResult:
        """Upload files and folders, skipping what the server already has.

        The options and behaviour are those of :func:`immich._sync.upload.upload`.
        """
        from immich._sync.upload import upload

        return upload(self, paths, **options)


class _Timed(httpx.SyncByteStream):
    """A response stream that sets ``response.elapsed`` when closed, as httpx's does."""

    def __init__(
        self, stream: httpx.SyncByteStream, response: httpx.Response, started: float
    ) -> None:
        self._stream = stream
        self._response = response
        self._started = started

    def __iter__(self) -> Iterator[bytes]:
        for chunk in self._stream:
            yield chunk

    def close(self) -> None:
        self._response.elapsed = datetime.timedelta(seconds=time.perf_counter() - self._started)
        self._stream.close()


def _nothing_sent(exc: httpx.TransportError) -> bool:
    """Failures before the request left: safe to retry whatever the method."""
    return isinstance(exc, (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout))


def _connection_error(
    exc: httpx.TransportError, where: str, request: httpx.Request
) -> APIConnectionError:
    if isinstance(exc, ShortBody):
        return IncompleteDownloadError(f"{where}: {exc}", request=request)
    if isinstance(exc, httpx.TimeoutException):
        return APITimeoutError(f"{where} timed out ({type(exc).__name__})", request=request)
    return APIConnectionError(f"{where} failed: {type(exc).__name__}: {exc}", request=request)
