"""Credentials never show: not in reprs, exception messages, logs or model reprs."""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable

import httpx
import pytest

from immich import (
    APIConnectionError,
    APIResponseValidationError,
    APIStatusError,
    AsyncClient,
    AuthenticationError,
    NotFoundError,
)
from immich.models import (
    ApiKeyCreateResponseDto,
    ApiKeyResponseDto,
    ChangePasswordDto,
    LoginCredentialDto,
    LoginResponseDto,
    Permission,
    SessionCreateResponseDto,
    SharedLinkLoginDto,
    UserAdminCreateDto,
)
from tests.helpers import (
    ACCESS_TOKEN,
    API,
    API_KEY,
    ASSET_ID,
    PASSWORD,
    FakeServer,
    login_json,
)

pytestmark = pytest.mark.usefixtures("no_sleep")

JAN_1 = datetime.datetime(2024, 1, 1, tzinfo=datetime.timezone.utc)
SHARED_KEY = "shared-SECRET-link-key-99"
SECRETS = (API_KEY, ACCESS_TOKEN, PASSWORD, SHARED_KEY)


def leaks(text: str) -> list[str]:
    return [s for s in SECRETS if s in text]


Connect = Callable[..., AsyncClient]


@pytest.fixture
def make_client(connect: Connect) -> Connect:
    return connect


@pytest.mark.parametrize(
    "credentials",
    [{"api_key": API_KEY}, {"access_token": ACCESS_TOKEN}, {"session_cookie": ACCESS_TOKEN}],
    ids=["api_key", "access_token", "session_cookie"],
)
async def test_client_repr_hides_credentials(
    credentials: dict[str, str], make_client: Connect
) -> None:
    server = FakeServer()
    client = make_client(server, **credentials)
    text = repr(client)
    group = repr(client.albums)
    assert leaks(text) == []
    assert leaks(group) == []
    assert "localhost:2283" in text
    assert next(iter(credentials)) in text  # which kind of credential, not its value


async def test_repr_after_login_hides_the_token(make_client: Connect) -> None:
    server = FakeServer(httpx.Response(201, json=login_json()))
    client = make_client(server)
    await client.login("admin@example.com", PASSWORD)
    assert leaks(repr(client)) == []
    assert leaks(str(client)) == []


@pytest.mark.parametrize(
    "answer",
    [
        httpx.Response(401, json={"message": "Invalid API key", "error": "Unauthorized"}),
        httpx.Response(403, json={"message": "Forbidden", "error": "Forbidden"}),
        httpx.Response(500, text="boom"),
        httpx.ConnectError("refused"),
        httpx.ReadTimeout("slow"),
        httpx.Response(200, text="not json"),
    ],
    ids=["401", "403", "500", "connect", "timeout", "invalid-json"],
)
async def test_exceptions_do_not_show_credentials(answer: object, make_client: Connect) -> None:
    server = FakeServer(answer)
    client = make_client(server, api_key=API_KEY, max_retries=0)
    with pytest.raises((APIStatusError, APIConnectionError, APIResponseValidationError)) as caught:
        await client.albums.get_all_albums()
    exc = caught.value
    assert leaks(str(exc)) == []
    assert leaks(repr(exc)) == []
    assert leaks(" ".join(map(str, exc.args))) == []


async def test_shared_link_key_in_the_query_is_redacted_in_errors(make_client: Connect) -> None:
    server = FakeServer(httpx.Response(404, json={"message": "Asset not found"}))
    client = make_client(server, max_retries=0)
    with pytest.raises(NotFoundError) as caught:
        await client.assets.download_asset(ASSET_ID, key=SHARED_KEY)
    exc = caught.value
    # The key did go to the server...
    assert server.last.url.params["key"] == SHARED_KEY
    # ...but not into the message.
    assert leaks(str(exc)) == []
    assert leaks(exc.url) == []
    assert f"{API}/assets/{ASSET_ID}/original" in exc.url


async def test_login_failure_does_not_show_the_password(make_client: Connect) -> None:
    server = FakeServer(
        httpx.Response(
            401, json={"message": "Incorrect email or password", "error": "Unauthorized"}
        )
    )
    client = make_client(server)
    with pytest.raises(AuthenticationError) as caught:
        await client.login("admin@example.com", PASSWORD)
    assert leaks(str(caught.value)) == []
    assert "Incorrect email or password" in str(caught.value)


async def test_undecodable_login_answer_does_not_show_the_token(make_client: Connect) -> None:
    # A proxy or a newer server answers the login with a shape this SDK cannot read.
    server = FakeServer(httpx.Response(201, json={"accessToken": ACCESS_TOKEN, "userId": 7}))
    client = make_client(server)
    with pytest.raises(APIResponseValidationError) as caught:
        await client.login("admin@example.com", PASSWORD)
    assert leaks(str(caught.value)) == []
    assert leaks(repr(caught.value)) == []


async def test_debug_logs_do_not_show_credentials(
    caplog: pytest.LogCaptureFixture, make_client: Connect
) -> None:
    caplog.set_level(logging.DEBUG, logger="immich")
    server = FakeServer(
        httpx.Response(503, headers={"retry-after": "0"}),  # a retry
        httpx.Response(200, json=[]),
        httpx.Response(401, json={"message": "Invalid API key"}),  # an error
        httpx.ConnectError("refused"),  # a transport failure, retried...
        httpx.Response(404, json={"message": "nope"}),  # ...then an error with a secret query
        httpx.Response(201, json=login_json()),  # a login
        httpx.Response(200, json=[]),  # a call with the session token
    )
    client = make_client(server, api_key=API_KEY)
    await client.albums.get_all_albums()
    with pytest.raises(AuthenticationError):
        await client.albums.get_all_albums()
    with pytest.raises(NotFoundError):
        await client.assets.download_asset(ASSET_ID, key=SHARED_KEY)
    await client.login("admin@example.com", PASSWORD)
    await client.albums.get_all_albums()
    assert server.last.headers["authorization"] == f"Bearer {ACCESS_TOKEN}"
    records = [r for r in caplog.records if r.name.startswith("immich")]
    assert any(r.levelno == logging.DEBUG for r in records)  # there was something to leak
    assert len(records) >= len(server.requests)
    for record in records:
        assert leaks(record.getMessage()) == [], record.getMessage()
    assert leaks(caplog.text) == []


def test_model_repr_hides_the_password() -> None:
    credentials = LoginCredentialDto(email="admin@example.com", password=PASSWORD)
    assert leaks(repr(credentials)) == []
    assert leaks(str(credentials)) == []
    assert "admin@example.com" in repr(credentials)
    assert "password=" in repr(credentials)
    # Only the repr is masked: the value is there to be sent.
    assert credentials.password == PASSWORD


@pytest.mark.parametrize(
    "model",
    [
        LoginResponseDto(
            access_token=ACCESS_TOKEN,
            is_admin=True,
            is_onboarded=True,
            name="Admin",
            profile_image_path="",
            should_change_password=False,
            user_email="admin@example.com",
            user_id="u1",
        ),
        ChangePasswordDto(password=PASSWORD, new_password=PASSWORD + "-new"),
        UserAdminCreateDto(email="a@example.com", name="A", password=PASSWORD),
        SharedLinkLoginDto(password=PASSWORD),
        ApiKeyCreateResponseDto(
            api_key=ApiKeyResponseDto(
                created_at=JAN_1, id="k1", name="ci", permissions=[Permission.ALL], updated_at=JAN_1
            ),
            secret=API_KEY,
        ),
        SessionCreateResponseDto(
            app_version=None,
            created_at="",
            current=True,
            device_os="",
            device_type="",
            id="s1",
            is_pending_sync_reset=False,
            token=ACCESS_TOKEN,
            updated_at="",
        ),
    ],
    ids=lambda m: type(m).__name__,
)
def test_models_with_secret_fields_mask_them(model: object) -> None:
    assert leaks(repr(model)) == []
    assert type(model).__name__ in repr(model)


async def test_plain_http_warning_does_not_show_the_key(recwarn: pytest.WarningsRecorder) -> None:
    server = FakeServer()
    async with AsyncClient(
        "http://photos.example.com:2283", api_key=API_KEY, transport=server.transport
    ):
        pass
    assert len(recwarn) == 1
    assert leaks(str(recwarn[0].message)) == []
