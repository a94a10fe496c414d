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
    client: AsyncClient, account: Account, server: Server
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
    _assert_clean(error, account.api_key)
    if server.version < (3, 0, 0):
        # 2.x validates with class-validator: a list of sentences naming no path.
        assert error.body["message"] == ["each value in assetIds must be a UUID"]
        assert error.errors == [immich.FieldError((), "each value in assetIds must be a UUID")]
        assert str(error) == (
            f"400 each value in assetIds must be a UUID (POST {client.base_url}albums)"
        )
        return
    assert error.body["errors"][0]["path"] == ["assetIds", 0]
    assert error.errors[0].path == ("assetIds", 0)
    assert "assetIds[0]: Invalid UUID" in str(error)


async def test_400_validation_of_a_path_parameter(
    client: AsyncClient, account: Account, server: Server
) -> None:
    with pytest.raises(immich.BadRequestError) as caught:
        await client.albums.get_album_info("not-a-uuid")
    error = caught.value
    assert error.method == "GET"
    assert error.url.endswith("/api/albums/not-a-uuid")
    _assert_clean(error, account.api_key)
    if server.version < (3, 0, 0):
        # 2.x: class-validator's sentence, no path.
        assert error.errors == [immich.FieldError((), "id must be a UUID")]
        assert str(error).startswith("400 id must be a UUID (GET ")
        return
    assert error.body["errors"][0]["path"] == ["id"]
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
    assert str(error) == (
        f"401 Invalid API key (GET {c.base_url}users/me); the server refused the API key "
        "given as api_key=: check it, or make one in Immich under Account Settings > API Keys"
    )
    _assert_clean(error, bad)
    assert bad not in repr(c)


async def test_401_no_key(anonymous: AsyncClient) -> None:
    with pytest.raises(immich.AuthenticationError) as caught:
        await anonymous.albums.get_all_albums()
    error = caught.value
    assert error.status_code == 401
    assert error.server_message == "Authentication required"
    assert error.url == f"{anonymous.base_url}albums"
    assert "no credentials were sent: pass api_key= or set IMMICH_API_KEY" in str(error)


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


async def test_404_unknown_uuid(client: AsyncClient, account: Account, server: Server) -> None:
    unknown = str(uuid.uuid4())
    url = f"{client.base_url}users/{unknown}/profile-image"
    if server.version < (3, 0, 0):
        # 2.x answers 400 "User not found" for a user that does not exist.
        with pytest.raises(immich.BadRequestError) as refused:
            await client.users.get_profile_image(unknown)
        assert not isinstance(refused.value, immich.NotFoundError)
        assert refused.value.status_code == 400
        assert str(refused.value) == f"400 User not found (GET {url})"
        _assert_clean(refused.value, account.api_key)
    else:
        with pytest.raises(immich.NotFoundError) as caught:
            await client.users.get_profile_image(unknown)
        error = caught.value
        assert error.status_code == 404
        assert error.server_message == "Not Found"
        assert error.url == url
        assert str(error) == f"404 Not Found (GET {url})"
        _assert_clean(error, account.api_key)

    with pytest.raises(immich.NotFoundError) as download:
        await client.assets.download_asset(unknown)
    # 2.x: 400 "Not found or no asset.download access" (a NotFoundOrNoAccessError); 3.x: 404.
    assert download.value.status_code == (400 if server.version < (3, 0, 0) else 404)
    assert download.value.permission == "asset.download"
    assert download.value.url == f"{client.base_url}assets/{unknown}/original"
