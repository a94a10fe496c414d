"""Messages that say what to do: the mistakes of a new user's first hour, each answered
with what went wrong and how to put it right."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from immich import (
    APIConnectionError,
    APIResponseValidationError,
    AsyncClient,
    AuthenticationError,
    ImmichError,
    NameLookupError,
    NotFoundError,
)
from immich._async._lookup import find_album, find_person
from immich.testing import FakeImmich, tiny_jpeg
from tests.helpers import API_KEY, FakeServer, person_json

Connect = Callable[..., AsyncClient]


@pytest.fixture
def fake() -> FakeImmich:
    return FakeImmich()


async def test_https_to_a_plain_http_server_says_which_url_to_use(fake: FakeImmich) -> None:
    with fake.serve() as url:
        https = url.replace("http://", "https://")
        async with AsyncClient(https, api_key=fake.api_key, max_retries=0) as client:
            with pytest.raises(APIConnectionError) as caught:
                await client.server.get_server_version()
    assert f"the server answers plain HTTP, not HTTPS: use {url}" in str(caught.value)


UNAUTHORIZED = httpx.Response(401, json={"message": "Invalid API key"})


async def test_a_refused_key_says_where_it_came_from_and_where_to_make_one(
    connect: Connect,
) -> None:
    client = connect(FakeServer(UNAUTHORIZED), api_key=API_KEY, max_retries=0)
    with pytest.raises(AuthenticationError) as caught:
        await client.users.get_my_user()
    message = str(caught.value)
    assert "the server refused the API key given as api_key=" in message
    assert "Account Settings > API Keys" in message
    assert API_KEY not in message


async def test_a_key_from_the_environment_is_named_so(
    connect: Connect, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("IMMICH_API_KEY", API_KEY)
    client = connect(FakeServer(UNAUTHORIZED), max_retries=0)
    with pytest.raises(AuthenticationError, match="the API key from IMMICH_API_KEY"):
        await client.users.get_my_user()


async def test_no_credentials_at_all_says_how_to_give_some(
    connect: Connect, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("IMMICH_API_KEY", raising=False)
    monkeypatch.delenv("IMMICH_ACCESS_TOKEN", raising=False)
    answer = httpx.Response(401, json={"message": "Authentication required"})
    client = connect(FakeServer(answer), max_retries=0)
    with pytest.raises(AuthenticationError) as caught:
        await client.users.get_my_user()
    assert "no credentials were sent: pass api_key= or set IMMICH_API_KEY" in str(caught.value)


@pytest.mark.parametrize("credentials", [{"api_key": API_KEY}, {}])
async def test_a_wrong_password_is_not_blamed_on_the_clients_credentials(
    fake: FakeImmich, connect: Connect, credentials: dict[str, str]
) -> None:
    client = connect(fake.async_transport(), max_retries=0, **credentials)
    with pytest.raises(AuthenticationError) as caught:
        await client.login(fake.admin_email, "not the password")
    message = str(caught.value)
    assert message.startswith("401 Incorrect email or password (POST ")
    assert message.endswith("/auth/login)")


@pytest.mark.parametrize("what", ["key", "slug"])
async def test_a_refused_share_key_is_not_blamed_on_the_api_key(
    connect: Connect, what: str
) -> None:
    answer = httpx.Response(401, json={"message": f"Invalid share {what}"})
    client = connect(FakeServer(answer), api_key=API_KEY, max_retries=0)
    with pytest.raises(AuthenticationError) as caught:
        await client.shared_links.get_my_shared_link(**{what: "nope"})
    message = str(caught.value)
    assert "the shared link's key= or slug= given to this call is unknown" in message
    assert "API key" not in message


async def test_a_url_without_immich_behind_it_says_so(fake: FakeImmich) -> None:
    with fake.serve() as url:
        async with AsyncClient(url + "/photos", api_key=fake.api_key) as client:
            with pytest.raises(NotFoundError) as caught:
                await client.server.get_server_version()
    assert "there is no Immich API at this URL: check the server's address" in str(caught.value)


async def test_a_web_page_where_json_belongs_says_so(connect: Connect) -> None:
    page = httpx.Response(200, html="<html><body>Welcome</body></html>")
    client = connect(FakeServer(page), api_key=API_KEY)
    with pytest.raises(APIResponseValidationError) as caught:
        await client.server.get_about_info()
    message = str(caught.value)
    assert "not JSON (text/html)" in message
    assert "there is no Immich API at this URL" in message


async def test_a_misspelt_album_is_an_immich_error_with_close_names(fake: FakeImmich) -> None:
    async with AsyncClient(api_key=fake.api_key, transport=fake.async_transport()) as client:
        await client.albums.create_album(album_name="Garden")
        await client.albums.create_album(album_name="Gardening tips")
        with pytest.raises(NameLookupError) as caught:
            await find_album(client, "garden")
    error = caught.value
    assert isinstance(error, ImmichError)
    assert isinstance(error, LookupError)  # as before
    assert error.suggestions == ["Garden", "Gardening tips"]
    assert str(error) == "no album named 'garden'; did you mean 'Garden' or 'Gardening tips'?"


async def test_a_misspelt_person_gets_close_names(connect: Connect) -> None:
    people = {"hasNextPage": False, "hidden": 0, "people": [person_json(1)], "total": 1}
    client = connect(FakeServer(httpx.Response(200, json=people)), api_key=API_KEY)
    with pytest.raises(NameLookupError, match=r"did you mean 'Person 1'\?"):
        await find_person(client, "person 2")


async def test_an_upload_album_beside_one_of_another_case_warns(
    fake: FakeImmich, tmp_path: Path
) -> None:
    (tmp_path / "a.jpg").write_bytes(tiny_jpeg(1))
    async with AsyncClient(api_key=fake.api_key, transport=fake.async_transport()) as client:
        await client.albums.create_album(album_name="Garden")
        with pytest.warns(UserWarning, match="creating the album 'garden' beside 'Garden'"):
            result = await client.upload(tmp_path, album="garden", hash_cache=False)
        assert result.ok
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # the same name again: no warning
            await client.upload(tmp_path, album="Garden", hash_cache=False)
        names = sorted(a.album_name for a in await client.albums.get_all_albums())
    assert names == ["Garden", "garden"]


def test_a_fake_transport_needs_no_url_and_warns_of_no_network(fake: FakeImmich) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        client = AsyncClient(api_key=fake.api_key, transport=fake.async_transport())
    assert str(client.base_url) == "http://immich.fake/api/"


async def test_a_fake_transport_answers_as_the_readme_shows(fake: FakeImmich) -> None:
    async with AsyncClient(api_key=fake.api_key, transport=fake.async_transport()) as client:
        assert (await client.server.get_server_version()).major == 3
