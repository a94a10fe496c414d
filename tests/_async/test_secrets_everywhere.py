"""A realistic session with distinctive secrets, and everything it leaves behind searched
for them: log records of every logger at DEBUG (and ``IMMICH_LOG=debug`` on stderr),
stdout, warnings, and the str and repr of every exception and returned object.

The session runs against ``FakeImmich`` through the fault injector, so that it meets a
retry, error statuses, a broken connection, a timeout and a malformed answer.
"""

from __future__ import annotations

import json
import logging
import warnings
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import httpx
import pytest

from immich import (
    APIConnectionError,
    APIResponseValidationError,
    APITimeoutError,
    AsyncClient,
    AuthenticationError,
    ConfigurationError,
    ImmichError,
    InsecureTransportWarning,
    InternalServerError,
    PermissionDeniedError,
)
from immich.models import Permission
from immich.testing import FakeImmich
from tests.faults.injector import Fault, FaultPlan, FaultTransport, Status, only

pytestmark = pytest.mark.usefixtures("no_sleep")

API_KEY = "sk-SECRET-everywhere-api-key-5d1e9f"
PASSWORD = "pw-SECRET-correct-horse-battery-42"
WRONG_PASSWORD = "pw-SECRET-wrong-horse-battery-43"
WRONG_KEY = "sk-SECRET-revoked-api-key-77aa"
EMAIL = "admin@example.com"
URL = "http://127.0.0.1:2283"

Connect = Callable[..., AsyncClient]


class Tap(httpx.AsyncBaseTransport):
    """Passes requests on and notes the session tokens that logins hand out."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.tokens: list[str] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self.inner.handle_async_request(request)
        if request.url.path.endswith("/auth/login") and response.status_code == 201:
            content = await response.aread()
            self.tokens.append(json.loads(content)["accessToken"])
            return httpx.Response(201, headers=response.headers, content=content)
        return response


class Evidence:
    """Everything the session produced that a user might print, log or show."""

    def __init__(self) -> None:
        self.texts: list[str] = []

    def keep(self, *objects: Any) -> None:
        for obj in objects:
            self.texts += [str(obj), repr(obj)]

    def keep_error(self, error: BaseException) -> None:
        seen: set[int] = set()
        current: BaseException | None = error
        while current is not None and id(current) not in seen:
            seen.add(id(current))
            self.keep(current, *current.args)
            for name in ("message", "url", "server_message", "body", "body_excerpt"):
                if hasattr(current, name):
                    self.keep(getattr(current, name))
            for name in ("request", "response"):
                if getattr(current, name, None) is not None:
                    self.keep(getattr(current, name))
            current = current.__cause__ or current.__context__


def leaks(text: str, secrets: list[str]) -> list[str]:
    return [secret for secret in secrets if secret in text]


@pytest.fixture
def immich_log_to_stderr(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """``IMMICH_LOG=debug`` as a user would set it; the handler goes afterwards."""
    logger = logging.getLogger("immich")
    handlers, level = list(logger.handlers), logger.level
    monkeypatch.setenv("IMMICH_LOG", "debug")
    monkeypatch.setattr("immich._logging._configured", False)
    yield
    for handler in logger.handlers[:]:
        if handler not in handlers:
            logger.removeHandler(handler)
    logger.setLevel(level)


@pytest.fixture
async def session() -> AsyncIterator[tuple[FakeImmich, FaultPlan, Tap, list[AsyncClient]]]:
    fake = FakeImmich(api_key=API_KEY, admin_email=EMAIL, admin_password=PASSWORD)
    plan = FaultPlan(
        script=[
            Status(503, "seconds"),  # GET /albums: retried...
            None,  # ...and answered
            Status(500),  # POST /albums: raised
            Fault.DROP_AFTER,  # POST /albums: a broken connection
            Fault.STALL,  # GET /albums: a timeout, every attempt
            Fault.STALL,
            Fault.STALL,
            Fault.MALFORMED_JSON,  # GET /albums: not JSON
        ],
        match=only(path="/albums"),
        stall=5.0,
    )
    tap = Tap(FaultTransport(fake.async_transport(), plan))
    clients: list[AsyncClient] = []
    yield fake, plan, tap, clients
    for client in clients:
        await client.aclose()


@pytest.mark.usefixtures("immich_log_to_stderr")
async def test_no_secret_shows_anywhere_in_a_realistic_session(
    session: tuple[FakeImmich, FaultPlan, Tap, list[AsyncClient]],
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
) -> None:
    fake, plan, tap, clients = session
    caplog.set_level(logging.DEBUG)  # every logger: immich, httpx, httpcore
    evidence = Evidence()
    secrets = [API_KEY, PASSWORD, WRONG_PASSWORD, WRONG_KEY]
    _, member_key = fake.create_user(email="member@example.com", name="Member")
    secrets.append(member_key)

    def connect(base_url: str = URL, **options: Any) -> AsyncClient:
        client = AsyncClient(base_url, transport=tap, check_server_version=False, **options)
        clients.append(client)
        evidence.keep(client, client.albums, client.http_client)
        return client

    with warnings.catch_warnings(record=True) as caught_warnings:
        warnings.simplefilter("always")
        client = connect(api_key=API_KEY)

        # API-key calls, one of them retried after a 503.
        me = await client.users.get_my_user()
        albums = await client.albums.get_all_albums()
        evidence.keep(me, albums)
        print(client, me)

        # Failing calls: 500, a broken connection, a timeout, a malformed answer.
        failures: list[tuple[type[ImmichError], Any]] = [
            (InternalServerError, lambda: client.albums.create_album(album_name="A")),
            (APIConnectionError, lambda: client.albums.create_album(album_name="B")),
            (APITimeoutError, lambda: client.albums.get_all_albums(timeout=0.5)),
            (APIResponseValidationError, lambda: client.albums.get_all_albums()),
        ]
        for expected, call in failures:
            with pytest.raises(expected) as caught:
                await call()
            evidence.keep_error(caught.value)
            print(caught.value)

        # 401 with a wrong key, 403 for a user who is not an admin.
        with pytest.raises(AuthenticationError) as unauthorized:
            await connect(api_key=WRONG_KEY).users.get_my_user()
        evidence.keep_error(unauthorized.value)
        with pytest.raises(PermissionDeniedError) as forbidden:
            await connect(api_key=member_key).users_admin.search_users_admin()
        evidence.keep_error(forbidden.value)

        # A password login that fails, one that works, and calls with the session token.
        with pytest.raises(AuthenticationError) as refused:
            await client.login(EMAIL, WRONG_PASSWORD)
        evidence.keep_error(refused.value)
        await client.login(EMAIL, PASSWORD)
        evidence.keep(client, await client.users.get_my_user())
        answer = await client.with_response(client.auth.login, email=EMAIL, password=PASSWORD)
        evidence.keep(answer, answer.parsed)
        print(answer, answer.parsed)
        created = await client.api_keys.create_api_key(name="ci", permissions=[Permission.ALL])
        evidence.keep(created)
        secrets.append(created.secret)

        # The other ways in, and a warning about plain HTTP.
        evidence.keep(connect(access_token=tap.tokens[0]), connect(session_cookie=tap.tokens[0]))
        connect(base_url="http://photos.example.com:2283", api_key=API_KEY)
    secrets += tap.tokens

    assert len(tap.tokens) == 2
    assert len(plan.injected) == 7
    out, err = capsys.readouterr()
    assert "GET http://127.0.0.1:2283/api/users/me -> 200" in err  # IMMICH_LOG did print
    messages = [record.getMessage() for record in caplog.records]
    assert any(": retry 1 of 2" in message for message in messages)
    assert any(record.name.startswith("httpx") for record in caplog.records)
    # (FakeImmich's async transport leaves ResourceWarnings about its request spools.)
    shown = [w for w in caught_warnings if not issubclass(w.category, ResourceWarning)]
    assert [w.category for w in shown] == [InsecureTransportWarning]
    places = {
        "stdout": out,
        "stderr": err,
        "log records": "\n".join(messages),
        "caplog": caplog.text,
        "warnings": "\n".join(str(w.message) for w in caught_warnings),
        **{f"evidence {i}": text for i, text in enumerate(evidence.texts)},
    }
    found = {place: leaks(text, secrets) for place, text in places.items()}
    assert {place: hits for place, hits in found.items() if hits} == {}


async def test_a_non_ascii_api_key_is_not_shown_in_the_error(connect: Connect) -> None:
    key = "sk-SECRET-pasted-key-\u2019"  # a curly apostrophe from a chat window
    transport = httpx.MockTransport(lambda request: httpx.Response(200, json=[]))
    with pytest.raises(ConfigurationError, match="API key") as caught:
        connect(transport, URL, api_key=key)
    assert "SECRET" not in str(caught.value)


async def test_a_password_in_the_base_url_is_not_shown(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="immich")
    transport = httpx.MockTransport(lambda request: httpx.Response(500, text="down"))
    client = AsyncClient(
        "http://admin:url-SECRET-password@127.0.0.1:2283", transport=transport, max_retries=0
    )
    try:
        with pytest.raises(InternalServerError) as caught:
            await client.albums.get_all_albums()
        shown = [repr(client), str(caught.value), caught.value.url, caplog.text]
    finally:
        await client.aclose()
    assert [text for text in shown if "url-SECRET-password" in text] == []


async def test_a_password_in_the_base_url_is_sent_as_basic_auth() -> None:
    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json=[])

    async with AsyncClient(
        "http://proxy-user:proxy-pass@127.0.0.1:2283",
        api_key="key",
        transport=httpx.MockTransport(answer),
    ) as client:
        assert await client.albums.get_all_albums() == []
    (request,) = seen
    assert request.headers["authorization"].startswith("Basic ")
    assert request.headers["x-api-key"] == "key"
    assert request.url.userinfo == b""
    assert str(client.base_url) == "http://127.0.0.1:2283/api/"


async def test_a_malformed_url_with_a_password_does_not_show_it() -> None:
    with pytest.raises(ConfigurationError) as caught:
        AsyncClient("ftp://user:url-SECRET-pw@example.com", api_key="k")
    assert "url-SECRET-pw" not in str(caught.value)
