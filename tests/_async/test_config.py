"""Settings: base URL, environment, credentials, the httpx client, lifecycle, warnings."""

from __future__ import annotations

import warnings
from collections.abc import Callable

import httpx
import pytest

import immich
from immich import AsyncClient, ConfigurationError
from immich._config import InsecureTransportWarning
from tests.helpers import ACCESS_TOKEN, API, API_KEY, BASE_URL, PASSWORD, FakeServer, login_json

ENV_VARS = ("IMMICH_URL", "IMMICH_INSTANCE_URL", "IMMICH_API_KEY", "IMMICH_ACCESS_TOKEN")


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ENV_VARS:
        monkeypatch.delenv(name, raising=False)


Connect = Callable[..., AsyncClient]


@pytest.fixture
def make_client(connect: Connect) -> Connect:
    return connect


# --- base URL -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "base_url",
    [
        "http://localhost:2283",
        "http://localhost:2283/",
        "http://localhost:2283/api",
        "http://localhost:2283/api/",
        "  http://localhost:2283/api  ",
        httpx.URL("http://localhost:2283"),
    ],
)
async def test_base_url_with_or_without_api_and_slash(base_url: str, make_client: Connect) -> None:
    server = FakeServer(httpx.Response(200, json=[]))
    client = make_client(server, base_url, api_key=API_KEY)
    await client.albums.get_all_albums()
    assert str(server.last.url) == f"{API}/albums"
    assert client.base_url == httpx.URL(f"{API}/")


@pytest.mark.parametrize(
    "base_url", ["https://example.com/immich", "https://example.com/immich/api/"]
)
async def test_base_url_under_a_sub_path(base_url: str, make_client: Connect) -> None:
    server = FakeServer(httpx.Response(200, json=[]))
    client = make_client(server, base_url, api_key=API_KEY)
    await client.albums.get_all_albums()
    assert str(server.last.url) == "https://example.com/immich/api/albums"


def test_missing_base_url_names_the_variable() -> None:
    with pytest.raises(ConfigurationError, match="IMMICH_URL"):
        AsyncClient(api_key=API_KEY, transport=FakeServer().transport)


def test_configuration_error_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="IMMICH_URL"):
        AsyncClient(transport=FakeServer().transport)


@pytest.mark.parametrize(
    "base_url",
    ["localhost:2283", "ftp://photos.example.com", "http://", "not a url", "http://[::1"],
)
def test_malformed_base_url(base_url: str) -> None:
    with pytest.raises(ConfigurationError, match="URL"):
        AsyncClient(base_url, api_key=API_KEY, transport=FakeServer().transport)


# --- environment --------------------------------------------------------------------


async def test_url_and_key_from_the_environment(
    monkeypatch: pytest.MonkeyPatch, make_client: Connect
) -> None:
    monkeypatch.setenv("IMMICH_URL", "http://127.0.0.1:2283")
    monkeypatch.setenv("IMMICH_API_KEY", API_KEY)
    server = FakeServer(httpx.Response(200, json=[]))
    client = make_client(server, None)
    await client.albums.get_all_albums()
    assert str(server.last.url) == "http://127.0.0.1:2283/api/albums"
    assert server.last.headers["x-api-key"] == API_KEY


async def test_instance_url_variable_of_the_official_cli(
    monkeypatch: pytest.MonkeyPatch, make_client: Connect
) -> None:
    monkeypatch.setenv("IMMICH_INSTANCE_URL", "http://localhost:3001/api")
    server = FakeServer(httpx.Response(200, json=[]))
    client = make_client(server, None)
    await client.albums.get_all_albums()
    assert str(server.last.url) == "http://localhost:3001/api/albums"


async def test_immich_url_wins_over_instance_url(
    monkeypatch: pytest.MonkeyPatch, make_client: Connect
) -> None:
    monkeypatch.setenv("IMMICH_URL", "http://localhost:1111")
    monkeypatch.setenv("IMMICH_INSTANCE_URL", "http://localhost:2222")
    server = FakeServer()
    client = make_client(server, None)
    assert client.base_url.port == 1111


async def test_arguments_win_over_the_environment(
    monkeypatch: pytest.MonkeyPatch, make_client: Connect
) -> None:
    monkeypatch.setenv("IMMICH_URL", "http://localhost:1111")
    monkeypatch.setenv("IMMICH_API_KEY", "env-key")
    server = FakeServer(httpx.Response(200, json=[]))
    client = make_client(server, BASE_URL, api_key=API_KEY)
    await client.albums.get_all_albums()
    assert str(server.last.url) == f"{API}/albums"
    assert server.last.headers["x-api-key"] == API_KEY


async def test_access_token_from_the_environment(
    monkeypatch: pytest.MonkeyPatch, make_client: Connect
) -> None:
    monkeypatch.setenv("IMMICH_ACCESS_TOKEN", ACCESS_TOKEN)
    server = FakeServer(httpx.Response(200, json=[]))
    client = make_client(server)
    await client.albums.get_all_albums()
    assert server.last.headers["authorization"] == f"Bearer {ACCESS_TOKEN}"
    assert "x-api-key" not in server.last.headers


# --- credentials --------------------------------------------------------------------


async def test_access_token_is_sent_as_bearer(make_client: Connect) -> None:
    server = FakeServer(httpx.Response(200, json=[]))
    client = make_client(server, access_token=ACCESS_TOKEN)
    await client.albums.get_all_albums()
    assert server.last.headers["authorization"] == f"Bearer {ACCESS_TOKEN}"


async def test_session_cookie_is_sent_as_the_immich_cookie(make_client: Connect) -> None:
    server = FakeServer(httpx.Response(200, json=[]))
    client = make_client(server, session_cookie=ACCESS_TOKEN)
    await client.albums.get_all_albums()
    assert server.last.headers["cookie"] == f"immich_access_token={ACCESS_TOKEN}"


async def test_no_credentials_sends_none(make_client: Connect) -> None:
    server = FakeServer(httpx.Response(200, json={"res": "pong"}))
    client = make_client(server)
    await client.server.ping_server()
    headers = server.last.headers
    assert "x-api-key" not in headers
    assert "authorization" not in headers
    assert "cookie" not in headers


async def test_an_empty_api_key_sends_none_whatever_the_environment_says(
    make_client: Connect, monkeypatch: pytest.MonkeyPatch
) -> None:
    # (A shared link's visitor: the shared-links guide says so.)
    monkeypatch.setenv("IMMICH_API_KEY", API_KEY)
    server = FakeServer(httpx.Response(200, json={"res": "pong"}))
    client = make_client(server, api_key="")
    await client.server.ping_server()
    assert "x-api-key" not in server.last.headers


async def test_login_switches_to_bearer_auth(make_client: Connect) -> None:
    server = FakeServer(httpx.Response(201, json=login_json()), httpx.Response(200, json=[]))
    client = make_client(server, api_key=API_KEY)
    result = await client.login("admin@example.com", PASSWORD)
    await client.albums.get_all_albums()
    text = repr(client)
    login, after = server.requests
    assert (login.method, login.url.path) == ("POST", "/api/auth/login")
    assert login.headers["content-type"] == "application/json"
    assert login.content.count(b"admin@example.com") == 1
    assert after.headers["authorization"] == f"Bearer {ACCESS_TOKEN}"
    assert "x-api-key" not in after.headers
    assert "access_token" in text
    assert result is None


# --- the httpx client ---------------------------------------------------------------


async def test_user_agent_names_the_package_and_version(make_client: Connect) -> None:
    server = FakeServer(httpx.Response(200, json=[]))
    client = make_client(server, api_key=API_KEY)
    await client.albums.get_all_albums()
    agent = server.last.headers["user-agent"]
    assert agent.startswith(f"immich-python/{immich.__version__}")
    assert immich.__version__ in agent


async def test_context_manager_closes_the_client(make_client: Connect) -> None:
    async with make_client(FakeServer()) as client:
        assert not client.http_client.is_closed
    assert client.http_client.is_closed


async def test_aclose_closes_the_client(make_client: Connect) -> None:
    client = make_client(FakeServer())
    await client.aclose()
    assert client.http_client.is_closed


async def test_own_http_client_is_not_closed() -> None:
    server = FakeServer(httpx.Response(200, json=[]))
    http = httpx.AsyncClient(base_url=f"{API}/", transport=server.transport)
    async with AsyncClient(BASE_URL, api_key=API_KEY, http_client=http) as client:
        assert client.http_client is http
        await client.albums.get_all_albums()
    assert not http.is_closed
    await http.aclose()
    assert server.last.headers["x-api-key"] == API_KEY


async def test_own_http_client_is_sent_to_the_base_url() -> None:
    server = FakeServer(httpx.Response(200, json=[]))
    http = httpx.AsyncClient(transport=server.transport)
    try:
        async with AsyncClient(BASE_URL, api_key=API_KEY, http_client=http) as client:
            await client.albums.get_all_albums()
    finally:
        await http.aclose()
    assert str(server.last.url) == f"{API}/albums"


async def test_api_groups_are_created_once(make_client: Connect) -> None:
    client = make_client(FakeServer())
    assert client.albums is client.albums
    assert client.assets is not client.albums


# --- plain-HTTP warning -------------------------------------------------------------


def test_plain_http_to_another_machine_warns() -> None:
    server = FakeServer()
    with pytest.warns(InsecureTransportWarning, match="photos.example.com") as record:
        AsyncClient("http://photos.example.com:2283", api_key=API_KEY, transport=server.transport)
    # The warning points at the line that made the client.
    assert record[0].filename == __file__


@pytest.mark.parametrize(
    ("base_url", "credentials"),
    [
        ("http://localhost:2283", {"api_key": API_KEY}),
        ("http://127.0.0.1:2283", {"api_key": API_KEY}),
        ("http://[::1]:2283", {"access_token": ACCESS_TOKEN}),
        ("http://immich.localhost", {"api_key": API_KEY}),
        ("https://photos.example.com", {"api_key": API_KEY}),
        ("http://photos.example.com:2283", {}),
    ],
)
def test_no_warning_for_loopback_https_or_no_credentials(
    base_url: str, credentials: dict[str, str]
) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        AsyncClient(base_url, transport=FakeServer().transport, **credentials)  # type: ignore[arg-type]
