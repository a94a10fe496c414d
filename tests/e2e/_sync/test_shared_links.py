"""Shared links on the real server, used the way a visitor uses them: by a client with no
credentials at all, passing the link's ``key=`` to the methods that take it."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

import immich
from immich import Client
from immich.models import AssetMediaSize, SharedLinkType
from tests.e2e.server import Server, Uploaded

UTC = datetime.timezone.utc


def _is_image(data: bytes) -> bool:
    return data[:3] == b"\xff\xd8\xff" or (data[:4] == b"RIFF" and data[8:12] == b"WEBP")


def _assert_clean(exc: BaseException, *secrets: str) -> None:
    """Neither the message nor the repr of an error repeats a credential."""
    for text in (str(exc), repr(exc)):
        for secret in secrets:
            assert secret not in text


def test_album_link_used_anonymously(
    client: Client, anonymous: Client, photos: list[Uploaded], tmp_path: Path
) -> None:
    first, second, third = photos
    album = client.albums.create_album(album_name="E2E link album", asset_ids=[first.id, second.id])
    expires = datetime.datetime.now(UTC) + datetime.timedelta(days=7)
    link = client.shared_links.create_shared_link(
        type=SharedLinkType.ALBUM,
        album_id=album.id,
        allow_download=True,
        description="for the e2e visitor",
        expires_at=expires,
    )
    try:
        assert link.type == SharedLinkType.ALBUM
        assert link.key
        assert link.key not in repr(link)  # masked
        assert link.allow_download is True
        assert link.expires_at is not None
        assert abs((link.expires_at - expires).total_seconds()) < 1
        owned = client.shared_links.get_all_shared_links(album_id=album.id)
        assert [s.id for s in owned] == [link.id]

        mine = anonymous.shared_links.get_my_shared_link(key=link.key)
        assert mine.id == link.id
        assert mine.description == "for the e2e visitor"
        assert mine.album is not None
        assert mine.album.id == album.id

        seen = anonymous.albums.get_album_info(album.id, key=link.key)
        assert seen.album_name == "E2E link album"
        assert seen.asset_count == 2
        info = anonymous.assets.get_asset_info(first.id, key=link.key)
        assert info.original_file_name == first.name

        thumbnail = anonymous.assets.view_asset(
            first.id, key=link.key, size=AssetMediaSize.THUMBNAIL
        )
        assert _is_image(thumbnail)
        assert thumbnail != first.content
        original = anonymous.assets.download_asset(first.id, key=link.key)
        assert original == first.content
        saved = anonymous.assets.download_asset_to_file(
            second.id, tmp_path / "second.jpg", key=link.key
        )
        assert saved.read_bytes() == second.content

        # Only the album's assets.
        with pytest.raises(immich.BadRequestError) as outside:
            anonymous.assets.get_asset_info(third.id, key=link.key)
        assert outside.value.server_message == "Not found or no asset.read access"
        _assert_clean(outside.value, link.key)

        # Without the key, the visitor is nobody.
        with pytest.raises(immich.AuthenticationError) as nobody:
            anonymous.albums.get_album_info(album.id)
        assert nobody.value.status_code == 401
        assert nobody.value.server_message == "Authentication required"
    finally:
        client.shared_links.remove_shared_link(link.id)
        client.albums.delete_album(album.id)

    # A deleted link's key opens nothing.
    with pytest.raises(immich.AuthenticationError) as deleted:
        anonymous.shared_links.get_my_shared_link(key=link.key)
    assert deleted.value.server_message == "Invalid share key"
    _assert_clean(deleted.value, link.key)


def test_wrong_key_is_a_typed_401_without_the_key(
    anonymous: Client, photos: list[Uploaded]
) -> None:
    wrong = "not-a-real-shared-link-key-0123456789"
    with pytest.raises(immich.AuthenticationError) as caught:
        anonymous.shared_links.get_my_shared_link(key=wrong)
    error = caught.value
    assert error.status_code == 401
    assert error.server_message == "Invalid share key"
    assert error.method == "GET"
    assert error.url.startswith(str(anonymous.base_url))
    assert "/shared-links/me?key=" in error.url
    _assert_clean(error, wrong)
    with pytest.raises(immich.AuthenticationError) as thumbnail:
        anonymous.assets.view_asset(photos[0].id, key=wrong)
    _assert_clean(thumbnail.value, wrong)


def test_individual_link_with_password_and_no_download(
    client: Client, anonymous: Client, server: Server, photos: list[Uploaded]
) -> None:
    photo = photos[2]
    password = "e2e-link-password"
    link = client.shared_links.create_shared_link(
        type=SharedLinkType.INDIVIDUAL,
        asset_ids=[photo.id],
        allow_download=False,
        password=password,
    )
    try:
        assert [a.id for a in link.assets] == [photo.id]
        assert link.allow_download is False
        assert password not in repr(link)

        with pytest.raises(immich.AuthenticationError) as locked:
            anonymous.shared_links.get_my_shared_link(key=link.key)
        assert locked.value.server_message == "Password required"
        with pytest.raises(immich.AuthenticationError) as bad:
            anonymous.shared_links.shared_link_login(key=link.key, password="wrong")
        assert bad.value.server_message == "Invalid password"
        _assert_clean(bad.value, link.key, "wrong")

        # The login answers with a cookie the client keeps for the next calls.
        opened = anonymous.shared_links.shared_link_login(key=link.key, password=password)
        assert opened.id == link.id
        mine = anonymous.shared_links.get_my_shared_link(key=link.key)
        assert [a.id for a in mine.assets] == [photo.id]
        thumbnail = anonymous.assets.view_asset(photo.id, key=link.key)
        assert _is_image(thumbnail)

        # No downloads: the server answers 404 for a file it will not send.
        with pytest.raises(immich.NotFoundError) as refused:
            anonymous.assets.download_asset(photo.id, key=link.key)
        assert refused.value.permission == "asset.download"
        _assert_clean(refused.value, link.key, password)

        # Another visitor, without the password's cookie, is still asked for it. (Immich
        # 3.0.3 checks the password on this call only: the asset endpoints serve anyone
        # with the key.)
        with Client(server.url) as stranger:
            with pytest.raises(immich.AuthenticationError) as asked:
                stranger.shared_links.get_my_shared_link(key=link.key)
            assert asked.value.server_message == "Password required"
    finally:
        client.shared_links.remove_shared_link(link.id)


def test_expiry_is_enforced_and_can_be_removed(
    client: Client, anonymous: Client, photos: list[Uploaded]
) -> None:
    yesterday = datetime.datetime.now(UTC) - datetime.timedelta(days=1)
    link = client.shared_links.create_shared_link(
        type=SharedLinkType.INDIVIDUAL, asset_ids=[photos[0].id], expires_at=yesterday
    )
    try:
        with pytest.raises(immich.AuthenticationError) as expired:
            anonymous.shared_links.get_my_shared_link(key=link.key)
        assert expired.value.server_message == "Invalid share key"

        # expires_at=None is sent as null: the expiry goes away.
        updated = client.shared_links.update_shared_link(link.id, expires_at=None)
        assert updated.expires_at is None
        mine = anonymous.shared_links.get_my_shared_link(key=link.key)
        assert [a.id for a in mine.assets] == [photos[0].id]

        # Leaving it out (UNSET) keeps what is there.
        updated = client.shared_links.update_shared_link(link.id, description="kept")
        assert updated.expires_at is None
        assert updated.description == "kept"
    finally:
        client.shared_links.remove_shared_link(link.id)
    assert link.id not in {s.id for s in client.shared_links.get_all_shared_links()}


def test_link_without_metadata_decodes_for_the_visitor(
    client: Client, anonymous: Client, photos: list[Uploaded]
) -> None:
    """A link with show_metadata=False gives visitors assets without their metadata.

    Immich 3.0.3 then sends each asset as its ``SanitizedAssetResponseDto`` (id, type,
    thumbhash, sizes; no checksum, file name, dates...), while its spec says
    ``AssetResponseDto``, whose ``checksum`` and others are required.
    """
    photo = photos[1]
    link = client.shared_links.create_shared_link(
        type=SharedLinkType.INDIVIDUAL, asset_ids=[photo.id], show_metadata=False
    )
    try:
        assert link.show_metadata is False
        mine = anonymous.shared_links.get_my_shared_link(key=link.key)
        assert [a.id for a in mine.assets] == [photo.id]
        assert mine.show_metadata is False
        thumbnail = anonymous.assets.view_asset(photo.id, key=link.key)
        assert _is_image(thumbnail)
    finally:
        client.shared_links.remove_shared_link(link.id)
