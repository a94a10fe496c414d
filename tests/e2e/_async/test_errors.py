"""The real server's errors, as the SDK raises them: the typed exception, the server's
message, the status, method and URL, and never a credential in ``str`` or ``repr``."""

from __future__ import annotations

import uuid

import pytest

import immich
from immich import AsyncClient
from tests.e2e.server import Account, Server


def _assert_clean(exc: BaseException, *secrets: str) -> None:
    for text in (str(exc), repr(exc)):
        for secret in secrets:
            assert secret not in text, f"a credential in {text!r}"


async def test_400_validation_names_each_failing_field(
    client: AsyncClient, account: Account
) -> None:
    """Immich 3's zod body: ``{"message": "Validation failed", "errors": [{"path":
    ["assetIds", 0], "message": "Invalid UUID", ...}]}``: the message should say which
    field failed and why, not only "Validation failed"."""
    with pytest.raises(immich.BadRequestError) as caught:
        await client.albums.create_album(album_name="E2E invalid", asset_ids=["nope"])
    error = caught.value
    assert error.status_code == 400
    assert error.method == "POST"
    assert error.url == f"{client.base_url}albums"
    assert error.body["errors"][0]["path"] == ["assetIds", 0]
    _assert_clean(error, account.api_key)
    assert "assetIds[0]: Invalid UUID" in str(error)


async def test_400_validation_of_a_path_parameter(client: AsyncClient, account: Account) -> None:
    with pytest.raises(immich.BadRequestError) as caught:
        await client.albums.get_album_info("not-a-uuid")
    error = caught.value
    assert error.method == "GET"
    assert error.url.endswith("/api/albums/not-a-uuid")
    assert error.body["errors"][0]["path"] == ["id"]
    _assert_clean(error, account.api_key)
    assert "id: Invalid UUID" in str(error)


async def test_400_for_what_the_user_may_not_see(client: AsyncClient) -> None:
    unknown = str(uuid.uuid4())
    with pytest.raises(immich.BadRequestError) as caught:
        await client.albums.get_album_info(unknown)
    assert caught.value.server_message == "Not found or no album.read access"
    assert str(caught.value) == (
        f"400 Not found or no album.read access (GET {client.base_url}albums/{unknown})"
    )


async def test_401_bad_key(server: Server) -> None:
    bad = "e2e-not-a-key-" + uuid.uuid4().hex
    async with AsyncClient(server.url, api_key=bad) as c:
        with pytest.raises(immich.AuthenticationError) as caught:
            await c.users.get_my_user()
    error = caught.value
    assert error.status_code == 401
    assert error.server_message == "Invalid API key"
    assert (error.method, error.url) == ("GET", f"{c.base_url}users/me")
    assert str(error) == f"401 Invalid API key (GET {c.base_url}users/me)"
    _assert_clean(error, bad)
    assert bad not in repr(c)


async def test_401_no_key(anonymous: AsyncClient) -> None:
    with pytest.raises(immich.AuthenticationError) as caught:
        await anonymous.albums.get_all_albums()
    error = caught.value
    assert error.status_code == 401
    assert error.server_message == "Authentication required"
    assert error.url == f"{anonymous.base_url}albums"


async def test_403_a_user_on_an_admin_route(client: AsyncClient, account: Account) -> None:
    with pytest.raises(immich.PermissionDeniedError) as caught:
        await client.users_admin.search_users_admin()
    error = caught.value
    assert error.status_code == 403
    assert error.server_message == "Forbidden"
    assert error.permission == "adminUser.read"
    assert error.method == "GET"
    assert error.url == f"{client.base_url}admin/users"
    assert "'adminUser.read'" in str(error)
    _assert_clean(error, account.api_key)


async def test_404_unknown_uuid(client: AsyncClient, account: Account) -> None:
    unknown = str(uuid.uuid4())
    with pytest.raises(immich.NotFoundError) as caught:
        await client.users.get_profile_image(unknown)
    error = caught.value
    assert error.status_code == 404
    assert error.server_message == "Not Found"
    assert error.url == f"{client.base_url}users/{unknown}/profile-image"
    assert str(error) == f"404 Not Found (GET {client.base_url}users/{unknown}/profile-image)"
    _assert_clean(error, account.api_key)

    with pytest.raises(immich.NotFoundError) as download:
        await client.assets.download_asset(unknown)
    assert download.value.permission == "asset.download"
    assert download.value.url == f"{client.base_url}assets/{unknown}/original"
