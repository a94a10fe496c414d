"""Responses from older and newer servers decode: the SDK reads types, not the spec's letter."""

from __future__ import annotations

import datetime
import functools
from collections.abc import Callable

import httpx
import pytest

from immich import UNSET, AsyncClient
from immich.models import (
    AssetResponseDto,
    AssetTypeEnum,
    AssetVisibility,
    ExifResponseDto,
    SanitizedAssetResponseDto,
    ServerVersionResponseDto,
)
from tests.helpers import API_KEY, ASSET_ID, FakeServer, asset_json, shared_link_json

UTC = datetime.timezone.utc


Connect = Callable[..., AsyncClient]


@pytest.fixture
def make_client(connect: Connect) -> Connect:
    return functools.partial(connect, api_key=API_KEY)


async def fetch_asset(make_client: Connect, data: dict[str, object]) -> AssetResponseDto:
    server = FakeServer(httpx.Response(200, json=data))
    client = make_client(server)
    return await client.assets.get_asset_info(ASSET_ID)


async def test_unknown_fields_are_ignored(make_client: Connect) -> None:
    data = asset_json(
        futureField={"nested": [1, 2, 3]},
        anotherNewFlag=True,
        exifInfo={"make": "Canon", "brandNewExifTag": 42},
    )
    asset = await fetch_asset(make_client, data)
    assert asset.id == ASSET_ID
    assert not hasattr(asset, "future_field")
    assert not hasattr(asset, "futureField")
    assert isinstance(asset.exif_info, ExifResponseDto)
    assert asset.exif_info.make == "Canon"


async def test_a_notifications_data_sent_as_json_text_is_read_as_the_object(
    make_client: Connect,
) -> None:
    # As Immich 2.7.5 and 3.0.3 send an album invitation (data: JSON.stringify({albumId})).
    invitation = {
        "id": "ea8ab62c-3d11-4e03-9950-3449bc36cf94",
        "createdAt": "2026-12-06T17:26:36.441Z",
        "level": "success",
        "type": "AlbumInvite",
        "title": "Shared Album Invitation",
        "description": "User Two shared an album (Trip) with you",
        "data": '{"albumId":"471511e8-b512-4cd7-b66a-69fb2c908c9a"}',
    }
    other = {**invitation, "type": "Custom", "data": {"albumId": "x"}}
    client = make_client(FakeServer(httpx.Response(200, json=[invitation, other])))
    read = await client.notifications.get_notifications()
    assert [n.data for n in read] == [
        {"albumId": "471511e8-b512-4cd7-b66a-69fb2c908c9a"},
        {"albumId": "x"},
    ]


async def test_unknown_enum_values_are_kept(make_client: Connect) -> None:
    asset = await fetch_asset(make_client, asset_json(type="HOLOGRAM", visibility="vault"))
    assert isinstance(asset.type, AssetTypeEnum)
    assert asset.type == "HOLOGRAM"
    assert asset.type.value == "HOLOGRAM"
    assert asset.type.is_known is False
    assert str(asset.type) == "HOLOGRAM"
    assert isinstance(asset.visibility, AssetVisibility)
    assert asset.visibility == "vault"
    assert asset.visibility.is_known is False
    # Unknown values are not listed among the members.
    assert "HOLOGRAM" not in [m.value for m in AssetTypeEnum]


async def test_known_enum_values_are_the_members(make_client: Connect) -> None:
    asset = await fetch_asset(make_client, asset_json(type="VIDEO", visibility="archive"))
    assert asset.type is AssetTypeEnum.VIDEO
    assert asset.type.is_known is True
    assert asset.type == "VIDEO"
    assert asset.visibility is AssetVisibility.ARCHIVE


async def test_missing_optional_fields_are_unset(make_client: Connect) -> None:
    asset = await fetch_asset(make_client, asset_json())
    for name in ("exif_info", "owner", "people", "tags", "stack", "live_photo_video_id"):
        assert getattr(asset, name) is UNSET, name
    assert "exif_info" not in repr(asset)


async def test_asset_without_is_edited_from_an_older_server(make_client: Connect) -> None:
    data = asset_json()
    del data["isEdited"]
    asset = await fetch_asset(make_client, data)
    assert asset.is_edited is UNSET
    assert asset.id == ASSET_ID


async def test_is_edited_when_present(make_client: Connect) -> None:
    asset = await fetch_asset(make_client, asset_json(isEdited=True))
    assert asset.is_edited is True


async def test_nullable_fields_are_none(make_client: Connect) -> None:
    asset = await fetch_asset(
        make_client,
        asset_json(duration=None, thumbhash=None, height=None, stack=None, duplicateId=None),
    )
    assert asset.duration is None
    assert asset.thumbhash is None
    assert asset.height is None
    assert asset.stack is None
    assert asset.duplicate_id is None


@pytest.mark.parametrize(
    ("wire", "expected"),
    [
        ("2024-04-30T09:00:00Z", datetime.datetime(2024, 4, 30, 9, tzinfo=UTC)),
        ("2024-04-30T09:00:00.000Z", datetime.datetime(2024, 4, 30, 9, tzinfo=UTC)),
        ("2024-04-30T09:00:00.5Z", datetime.datetime(2024, 4, 30, 9, 0, 0, 500000, tzinfo=UTC)),
        (
            "2024-04-30T09:00:00.123456789Z",
            datetime.datetime(2024, 4, 30, 9, 0, 0, 123456, tzinfo=UTC),
        ),
        (
            "2024-04-30T11:00:00+02:00",
            datetime.datetime(
                2024, 4, 30, 11, tzinfo=datetime.timezone(datetime.timedelta(hours=2))
            ),
        ),
        (
            "2024-04-30T04:30:00.25-04:30",
            datetime.datetime(
                2024,
                4,
                30,
                4,
                30,
                0,
                250000,
                tzinfo=datetime.timezone(-datetime.timedelta(hours=4, minutes=30)),
            ),
        ),
        ("2024-04-30T09:00:00", datetime.datetime(2024, 4, 30, 9, tzinfo=UTC)),
        ("2024-04-30T09:00:00.000", datetime.datetime(2024, 4, 30, 9, tzinfo=UTC)),
        (" 2024-04-30T09:00:00.000z ", datetime.datetime(2024, 4, 30, 9, tzinfo=UTC)),
    ],
)
async def test_datetimes_in_every_iso_form(
    wire: str, expected: datetime.datetime, make_client: Connect
) -> None:
    asset = await fetch_asset(make_client, asset_json(fileCreatedAt=wire))
    assert asset.file_created_at == expected
    assert asset.file_created_at.tzinfo is not None
    assert asset.file_created_at.utcoffset() == expected.utcoffset()


@pytest.mark.parametrize(
    "uuid",
    [
        "00000000-0000-0000-0000-000000000000",  # nil
        "018f2c3a-7b5e-7c9d-8e0f-1a2b3c4d5e6f",  # v7
        "6ba7b810-9dad-11d1-80b4-00c04fd430c8",  # v1
        "A1B2C3D4-E5F6-1234-ABCD-EF0123456789",  # upper case, no version
    ],
)
async def test_uuids_that_are_not_v4_are_accepted(uuid: str, make_client: Connect) -> None:
    asset = await fetch_asset(make_client, asset_json(id=uuid, ownerId=uuid))
    assert asset.id == uuid
    assert asset.owner_id == uuid


async def test_out_of_range_numbers_are_accepted(make_client: Connect) -> None:
    # The spec caps these; a newer server may not. Decoding checks types only.
    asset = await fetch_asset(make_client, asset_json(width=10**12, duration=2**40))
    assert asset.width == 10**12
    assert asset.duration == 2**40


async def test_scalars_decode_to_the_field_s_type(make_client: Connect) -> None:
    exif = {"latitude": 52, "exifImageWidth": 4000, "make": "Canon", "rating": None}
    asset = await fetch_asset(make_client, asset_json(exifInfo=exif, height=None, duration=None))
    assert isinstance(asset.exif_info, ExifResponseDto)
    assert asset.exif_info.latitude == 52.0
    assert type(asset.exif_info.latitude) is float  # an int on the wire, a float field
    assert type(asset.exif_info.exif_image_width) is int
    assert asset.exif_info.make == "Canon"
    assert asset.exif_info.rating is None
    assert asset.exif_info.longitude is UNSET
    assert asset.height is None


async def test_nested_lists_of_models_decode(make_client: Connect) -> None:
    person = {
        "birthDate": "1990-05-17",
        "id": "00000000-0000-4000-8000-000000000001",
        "isHidden": False,
        "name": "Ann",
        "thumbnailPath": "/t.jpg",
        "faces": [],
        "unknownPersonField": "x",
    }
    asset = await fetch_asset(make_client, asset_json(people=[person]))
    assert asset.people[0].name == "Ann"  # type: ignore[index]
    assert asset.people[0].birth_date == datetime.date(1990, 5, 17)  # type: ignore[index]


async def test_nullable_integer_in_a_small_model(make_client: Connect) -> None:
    server = FakeServer(
        httpx.Response(200, json={"major": 3, "minor": 1, "patch": 0, "prerelease": None}),
        auto_version=False,
    )
    client = make_client(server)
    version = await client.server.get_server_version()
    assert version == ServerVersionResponseDto(major=3, minor=1, patch=0, prerelease=None)


async def test_a_link_that_hides_metadata_shows_sanitized_assets(connect: Connect) -> None:
    """Immich strips a shared link's assets to ten fields when the link was made with
    show_metadata=False: the spec does not say so (see codegen/corrections.py)."""
    sanitized = {
        "id": "0b2f6a5e-9a43-4c6c-9a1e-0c6f3f9b1d2a",
        "type": "IMAGE",
        "thumbhash": None,
        "originalMimeType": "image/jpeg",
        "localDateTime": "2024-04-30T11:00:00.000Z",
        "duration": None,
        "livePhotoVideoId": None,
        "hasMetadata": False,
        "width": 4000,
        "height": 3000,
    }
    link = shared_link_json(assets=[sanitized, asset_json()], showMetadata=False)
    server = FakeServer(httpx.Response(200, json=link))
    client = connect(server, api_key=API_KEY)
    shown = await client.shared_links.get_my_shared_link(key="link-key")
    stripped, whole = shown.assets
    assert isinstance(stripped, SanitizedAssetResponseDto)
    assert (stripped.id, stripped.has_metadata, stripped.width) == (sanitized["id"], False, 4000)
    assert isinstance(whole, AssetResponseDto)
