"""``immich.converter``: models to the wire's JSON and back, the way the server writes it."""

from __future__ import annotations

import copy
import datetime

import attrs
import cattrs
import pytest

import immich
from immich import UNSET, converter
from immich._core.converter import converter as shared_converter
from immich.models import (
    AlbumUserCreateDto,
    AlbumUserRole,
    AssetEditActionItemDto,
    AssetMetadataUpsertItemDto,
    AssetResponseDto,
    AssetTypeEnum,
    CreateAlbumDto,
    CropParameters,
    MirrorParameters,
    OAuthBackchannelLogoutDto,
    PersonResponseDto,
    RotateParameters,
    SessionCreateResponseDto,
    SharedLinkEditDto,
)
from tests.helpers import asset_json, person_json

UTC = datetime.timezone.utc

# Whole seconds with "Z": the form the SDK itself writes, so text round trips exactly.
WIRE_ASSET = asset_json(  # timestamps as the server writes them: UTC, to the millisecond
    createdAt="2024-05-01T10:11:12.000Z",
    fileCreatedAt="2024-04-30T09:00:00.000Z",
    fileModifiedAt="2024-04-30T09:00:00.000Z",
    localDateTime="2024-04-30T11:00:00.000Z",
    updatedAt="2024-05-01T10:11:12.000Z",
    duplicateId=None,
    people=[person_json(1)],
    tags=[],
)


def test_public_converter_is_the_one_the_clients_use() -> None:
    assert immich.converter is shared_converter
    assert converter is shared_converter


def test_structure_then_unstructure_gives_back_the_wire_json() -> None:
    asset = converter.structure(copy.deepcopy(WIRE_ASSET), AssetResponseDto)
    assert isinstance(asset, AssetResponseDto)
    assert asset.file_created_at == datetime.datetime(2024, 4, 30, 9, tzinfo=UTC)
    assert asset.people[0].name == "Person 1"  # type: ignore[index]
    assert converter.unstructure(asset) == WIRE_ASSET


def test_unstructure_then_structure_gives_back_the_model() -> None:
    asset = converter.structure(copy.deepcopy(WIRE_ASSET), AssetResponseDto)
    assert converter.structure(converter.unstructure(asset), AssetResponseDto) == asset


def test_fractional_datetimes_survive_a_round_trip() -> None:
    data = asset_json(createdAt="2024-05-01T10:11:12.345Z")
    asset = converter.structure(data, AssetResponseDto)
    wire = converter.unstructure(asset)
    assert asset.created_at == datetime.datetime(2024, 5, 1, 10, 11, 12, 345000, tzinfo=UTC)
    assert wire["createdAt"].endswith("Z")
    assert converter.structure(wire, AssetResponseDto).created_at == asset.created_at


def test_unset_fields_are_dropped_and_none_is_kept() -> None:
    asset = converter.structure(asset_json(), AssetResponseDto)
    wire = converter.unstructure(asset)
    assert set(wire) == set(asset_json())  # nothing added for the UNSET optionals
    assert "exifInfo" not in wire
    assert "people" not in wire
    assert wire["duration"] is None
    assert wire["thumbhash"] is None


def test_request_model_keys_are_camel_case() -> None:
    dto = CreateAlbumDto(
        album_name="Trip",
        album_users=[AlbumUserCreateDto(user_id="u1", role=AlbumUserRole.VIEWER)],
    )
    assert converter.unstructure(dto) == {
        "albumName": "Trip",
        "albumUsers": [{"role": "viewer", "userId": "u1"}],
    }


def test_explicit_none_is_null_on_the_wire() -> None:
    dto = SharedLinkEditDto(expires_at=None, password=None)
    assert converter.unstructure(dto) == {"expiresAt": None, "password": None}


def test_datetimes_go_out_as_the_server_writes_them() -> None:
    """In UTC, to the millisecond, with a Z: the same instant, in the server's form."""
    dto = SharedLinkEditDto(
        expires_at=datetime.datetime(
            2025, 6, 1, 12, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=-5))
        )
    )
    assert converter.unstructure(dto) == {"expiresAt": "2025-06-01T17:00:00.000Z"}
    dto = SharedLinkEditDto(expires_at=datetime.datetime(2025, 6, 1, 12, 0, 0, 250999, tzinfo=UTC))
    assert converter.unstructure(dto) == {"expiresAt": "2025-06-01T12:00:00.250Z"}


def test_naive_datetimes_are_refused_on_the_way_out() -> None:
    dto = SharedLinkEditDto(expires_at=datetime.datetime(2025, 6, 1, 12, 0))
    with pytest.raises(ValueError, match="timezone"):
        converter.unstructure(dto)


def test_wire_names_that_are_not_camel_case() -> None:
    assert converter.unstructure(OAuthBackchannelLogoutDto(logout_token="t")) == {
        "logout_token": "t"
    }
    session = converter.structure(
        {
            "appVersion": None,
            "createdAt": "2024-01-01",
            "current": True,
            "deviceOS": "iOS",
            "deviceType": "phone",
            "id": "s1",
            "isPendingSyncReset": False,
            "token": "t",
            "updatedAt": "2024-01-01",
        },
        SessionCreateResponseDto,
    )
    assert session.device_os == "iOS"
    assert converter.unstructure(session)["deviceOS"] == "iOS"


def test_dates_are_dates() -> None:
    person = converter.structure({**person_json(1), "birthDate": "1990-05-17"}, PersonResponseDto)
    assert person.birth_date == datetime.date(1990, 5, 17)
    assert converter.unstructure(person)["birthDate"] == "1990-05-17"


def test_free_form_objects_pass_through() -> None:
    item = AssetMetadataUpsertItemDto(key="mobile-app", value={"a": [1, {"b": None}]})
    wire = converter.unstructure(item)
    assert wire == {"key": "mobile-app", "value": {"a": [1, {"b": None}]}}
    assert converter.structure(wire, AssetMetadataUpsertItemDto) == item


def test_unknown_enum_value_round_trips() -> None:
    asset = converter.structure(asset_json(type="HOLOGRAM"), AssetResponseDto)
    assert asset.type == "HOLOGRAM"
    assert asset.type.is_known is False
    assert converter.unstructure(asset)["type"] == "HOLOGRAM"
    # The same unknown value gives the same member every time.
    assert AssetTypeEnum("HOLOGRAM") is AssetTypeEnum("HOLOGRAM")


def test_enum_of_the_wrong_type_is_refused() -> None:
    with pytest.raises(cattrs.BaseValidationError) as caught:
        converter.structure(asset_json(type=7), AssetResponseDto)
    assert any("$.type" in m for m in cattrs.transform_error(caught.value))


def test_missing_required_field_is_refused() -> None:
    data = asset_json()
    del data["ownerId"]
    with pytest.raises(cattrs.BaseValidationError) as caught:
        converter.structure(data, AssetResponseDto)
    assert any("owner_id" in m or "ownerId" in m for m in cattrs.transform_error(caught.value))


@pytest.mark.parametrize(
    ("parameters", "cls"),
    [
        ({"x": 1, "y": 2, "width": 30, "height": 40}, CropParameters),
        ({"angle": 90}, RotateParameters),
        ({"axis": "horizontal"}, MirrorParameters),
    ],
)
def test_union_members_are_told_apart(parameters: dict[str, object], cls: type) -> None:
    action = {"action": "rotate", "parameters": parameters}
    item = converter.structure(action, AssetEditActionItemDto)
    assert isinstance(item.parameters, cls)
    assert converter.unstructure(item) == action


def test_models_are_attrs_with_unset_defaults() -> None:
    fields = {f.name: f for f in attrs.fields(AssetResponseDto)}
    assert fields["is_edited"].default is UNSET
    assert fields["exif_info"].default is UNSET
    assert fields["id"].default is attrs.NOTHING
