"""``Client``: the canonical client. ``Client`` is generated from this file by unasync."""

from __future__ import annotations

import copy
import os
import ssl
import warnings
from collections.abc import Iterator, Mapping
from contextlib import ExitStack, contextmanager
from functools import cached_property
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, TypeVar

import httpx

from immich import _config, versions
from immich._core import compat as _compat
from immich._core import operations as _operations
from immich._core.compat import Dialect
from immich._core.model import Model
from immich._core.operation import Operation
from immich._core.request import build_request
from immich._core.response import APIResponse, decode
from immich._core.types import UNSET, Method, P
from immich._errors import ConfigurationError, UnsupportedByServerError
from immich._http.tls import ssl_context
from immich._http.transports import default_transport
from immich._logging import configure_from_env
from immich._sync._helpers import AssetsHelpers
from immich._sync._sender import captured_responses, send
from immich._sync._streaming import BinaryResponse
from immich._sync.api import GROUPS, APIGroups

if TYPE_CHECKING:
    from immich._sync.wait import Waiter
    from immich._transfer.progress import ProgressCallback
    from immich._transfer.results import MirrorResult

T = TypeVar("T")


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
        verify: TLS verification: True (what the machine trusts: ``SSL_CERT_FILE``,
            ``SSL_CERT_DIR``, else the system's trust store), False, the path of a CA
            bundle, or an ``ssl.SSLContext`` of your own (e.g. with a client certificate).
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
        verify: bool | str | os.PathLike[str] | ssl.SSLContext = True,
        transport: httpx.BaseTransport | None = None,
        http_client: httpx.Client | None = None,
        headers: Mapping[str, str] | None = None,
        check_server_version: bool = True,
    ) -> None:
        configure_from_env()
        if max_retries < 0:
            raise ValueError("max_retries must be 0 or more")
        # FakeImmich's transports answer in this process: they know their URL, and what
        # they carry crosses no network.
        in_memory: str | None = getattr(transport, "in_memory_url", None)
        if base_url is None and in_memory and not _config.env_url():
            base_url = in_memory
        self.base_url = _config.resolve_base_url(base_url)
        basic_auth = _config.basic_auth(base_url)
        if basic_auth is not None and http_client is not None:
            raise ConfigurationError(
                "a user:password in the server URL cannot be combined with http_client=; "
                "set auth= on your httpx client instead"
            )
        self._root_of = self.base_url
        self._root = str(self.base_url)
        from_env = api_key is None and access_token is None
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
        self._described = _config.describe_credentials(self._auth_kind, from_env=from_env)
        self._in_memory = bool(in_memory)
        if not in_memory:
            _config.warn_if_plain_http(
                self.base_url, bool(self._credentials) or basic_auth is not None
            )
        self.max_retries = max_retries
        self._check_server_version = check_server_version
        self._server_version: tuple[int, int, int] | None = None
        self._owns_http = http_client is None
        if http_client is None:
            context = ssl_context(verify)
            http_client = httpx.Client(
                base_url=self.base_url,
                auth=basic_auth,
                timeout=_config.timeout_of(timeout),
                verify=context,
                transport=transport or default_transport(context, _config.LIMITS),
                limits=_config.LIMITS,
                headers={"user-agent": _config.USER_AGENT, **(headers or {})},
                cookies=_config.client_cookies(),
            )
        self._http = http_client

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
        if not self._in_memory:
            _config.warn_if_plain_http(self.base_url, True, stacklevel=3)
        result = self.auth.login(email=email, password=password)
        self._credentials = _config.auth_headers(
            api_key=None, access_token=result.access_token, session_cookie=None
        )
        self._auth_kind = "access_token"
        self._described = "the session token of login()"

    def _session_token(self) -> str | None:
        """The session token this client sends (after :meth:`login`, or given as
        ``access_token`` or ``session_cookie``), or None (an API key, or nothing)."""
        bearer = self._credentials.get("authorization", "")
        if bearer.startswith("Bearer "):
            return bearer[len("Bearer ") :]
        cookie = self._credentials.get("cookie", "")
        prefix = f"{_config.COOKIE_NAME}="
        return cookie[len(prefix) :] if cookie.startswith(prefix) else None

    def _with_session(self, token: str, described: str) -> Client:
        """This client (its server, connections and settings) sending ``token`` as its
        credentials instead: a shallow copy that does not close the shared connections."""
        other = copy.copy(self)
        for name in GROUPS:  # (bound to this client)
            other.__dict__.pop(name, None)
        other._credentials = _config.auth_headers(
            api_key=None, access_token=token, session_cookie=None
        )
        other._auth_kind = "access_token"
        other._described = described
        other._owns_http = False
        return other

    def with_response(
        self, method: Method[P, T], /, *args: P.args, **kwargs: P.kwargs
    ) -> APIResponse[T]:
        """Call an API method and return its result with the HTTP response (status, headers).

        ``r = client.with_response(client.assets.upload_asset, asset_data=...)``
        """
        captured: list[httpx.Response] = []
        token = captured_responses.set(captured)
        try:
            parsed = method(*args, **kwargs)
        finally:
            captured_responses.reset(token)
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
        with ExitStack() as files:
            request = build_request(self._http, self._api_root(), operation, files, **arguments)
            response = send(
                self._http, request, operation, stream=False, max_retries=self.max_retries
            )
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
            response = send(
                self._http, request, operation, stream=True, max_retries=self.max_retries
            )
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
            "credentials": self._described,
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
        than the newest spec (see ``immich._core.compat``). The server's version is asked
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

    @cached_property
    def wait(self) -> Waiter:
        """Waiting for the server's background work: queues going idle, a library scan, a
        job, the processing of given assets (see :class:`~immich._sync.wait.Waiter`).

        ``client.wait.for_assets(ids)``, ``client.wait.scan_library("NAS")``,
        ``client.wait.run_job("thumbnailGeneration")``, ``client.wait.for_queues("library")``.
        """
        from immich._sync.wait import Waiter

        return Waiter(self)

    # -- bulk workflows (``client.download(...)`` is the download group, made callable) --

    upload = AssetsHelpers.upload  # the same function as client.assets.upload

    @property
    def _client(self) -> Client:
        """The client ``upload`` works with, as on ``client.assets`` (where it is this one)."""
        return self

    def mirror(
        self,
        destination: str | os.PathLike[str],
        *,
        email: str | None = None,
        password: str | None = None,
        layout: str | None = None,
        prune: bool = False,
        album_links: bool = False,
        verify: bool = False,
        full: bool = False,
        dry_run: bool = False,
        concurrency: int | None = None,
        progress: ProgressCallback | None = None,
        hash_cache: bool | str | os.PathLike[str] = True,
    ) -> MirrorResult:
        """Mirror the user's library into the folder ``destination``.

        The first run downloads every original (verified by SHA-1), writes a JSON sidecar
        next to each (dates, EXIF, description, favourite, rating, visibility, tags, albums)
        and a manifest per album in ``albums/``. Later runs apply only what changed since the
        last run: new and replaced files downloaded, sidecars and albums rewritten, trashed
        and deleted assets handled by ``prune``. Nothing in the mirror is ever deleted: files
        are only added, or moved into ``.trash/``.

        Args:
            destination: The mirror's folder (created if missing).
            email: With ``password``: the user to sign in as. The sync protocol needs a login
                session (the server refuses API keys); the mirror keeps its own, made on the
                first run, in its state, and needs the password again only if that session
                is revoked. Without them, a ``client`` signed in with ``client.login()``
                lends its session.
            password: The user's password.
            layout: Where files go: ``"{yyyy}/{mm}"`` (the default) sorts them into year and
                month folders; ``"{original}"`` keeps them side by side (see
                :mod:`immich._transfer.layout`; ``{album}`` is not for mirrors: albums are
                manifests). Fixed once the mirror holds files.
            prune: Move the files of assets the server trashed or deleted (and their sidecars)
                into ``.trash/`` in the mirror, and back when restored. By default they stay
                where they are, their sidecars saying so.
            album_links: Also keep a folder of links per album (``albums/<name>/``) to its files.
            verify: Read every file of the mirror again and compare its SHA-1 with the
                server's; download again what differs. (Missing files are always noticed.)
            full: List the whole library again rather than the changes (what is already
                there is not downloaded again).
            dry_run: Report what a run would do and change nothing (neither the mirror nor
                what the server knows of it).
            concurrency: Parallel downloads; default ``min(8, 2 x CPUs)``.
            progress: Called with a :class:`~immich._transfer.progress.Progress` as work
                advances (phases ``"sync"``, then ``"download"``).
            hash_cache: Where the SHA-1 of files is remembered (see :func:`upload`).
        """
        from immich._sync.mirror import mirror

        return mirror(
            self,
            destination,
            email=email,
            password=password,
            layout=layout,
            prune=prune,
            album_links=album_links,
            verify=verify,
            full=full,
            dry_run=dry_run,
            concurrency=concurrency,
            progress=progress,
            hash_cache=hash_cache,
        )
