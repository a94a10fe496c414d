"""Command-line strings to typed arguments, as ``immich api`` converts them."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from immich._core.types import FileInput, Unset
from immich.cli._convert import ConversionError, convert, param_type, parse_datetime
from immich.models.album_user_create_dto import AlbumUserCreateDto
from immich.models.album_user_role import AlbumUserRole
from immich.models.asset_visibility import AssetVisibility

UTC = datetime.timezone.utc


@pytest.mark.parametrize(
    ("annotation", "values", "expected"),
    [
        (str, ["x"], "x"),
        (str | Unset, ["x"], "x"),
        (int | None | Unset, ["5"], 5),
        (int | None | Unset, ["null"], None),
        (float | Unset, ["1.5"], 1.5),
        (bool | Unset, ["yes"], True),
        (bool | Unset, ["false"], False),
        (list[str], ["a,b", "c"], ["a", "b", "c"]),
        (list[str] | Unset, ['["a,b"]'], ["a,b"]),
        (list[int] | Unset, ["1,2"], [1, 2]),
        (AssetVisibility | Unset, ["Archive"], AssetVisibility.ARCHIVE),
        (AssetVisibility | Unset, ["LOCKED"], AssetVisibility.LOCKED),
        (datetime.date | Unset, ["2024-02-29"], datetime.date(2024, 2, 29)),
        (
            datetime.datetime | Unset,
            ["2024-05-01T10:00:00Z"],
            datetime.datetime(2024, 5, 1, 10, tzinfo=UTC),
        ),
        (dict[str, Any] | Unset, ['{"a": 1}'], {"a": 1}),
        (FileInput, ["photo.jpg"], "photo.jpg"),
    ],
)
def test_convert(annotation: Any, values: list[str], expected: Any) -> None:
    assert convert(values, param_type(annotation)) == expected


def test_models_from_json() -> None:
    kind = param_type(list[AlbumUserCreateDto] | Unset)
    one = convert(['{"userId": "u1", "role": "editor"}'], kind)
    many = convert(
        ['[{"userId": "u1", "role": "editor"}, {"userId": "u2", "role": "viewer"}]'], kind
    )
    assert one == [AlbumUserCreateDto(user_id="u1", role=AlbumUserRole.EDITOR)]
    assert [u.user_id for u in many] == ["u1", "u2"]


def test_a_model_that_does_not_fit() -> None:
    with pytest.raises(ConversionError, match="expected structure"):
        convert(['{"role": "editor"}'], param_type(list[AlbumUserCreateDto]))


def test_the_per_call_timeout_is_seconds() -> None:
    import httpx

    assert convert(["2.5"], param_type(float | httpx.Timeout | None | Unset)) == 2.5


def test_naive_times_are_local_and_dates_are_their_start() -> None:
    local = parse_datetime("2024-05-01T10:00")
    assert local.tzinfo is not None
    assert local.replace(tzinfo=None) == datetime.datetime(2024, 5, 1, 10)
    start = parse_datetime("2024-05-01")
    assert start.replace(tzinfo=None) == datetime.datetime(2024, 5, 1)
    offset = parse_datetime("2024-05-01T10:00:00+02:00")
    assert offset.utcoffset() == datetime.timedelta(hours=2)


@pytest.mark.parametrize(
    ("annotation", "values"),
    [
        (int, ["x"]),
        (bool, ["maybe"]),
        (AssetVisibility, ["public"]),
        (datetime.date, ["May 1"]),
        (str, ["a", "b"]),
        (dict[str, Any], ["{"]),
        (list[int], ['["a"]']),
    ],
)
def test_bad_values(annotation: Any, values: list[str]) -> None:
    with pytest.raises(ConversionError):
        convert(values, param_type(annotation))


def test_metavars() -> None:
    assert param_type(int | Unset).metavar() == "INTEGER"
    assert param_type(list[str] | Unset).metavar() == "TEXT,..."
    assert param_type(list[AlbumUserCreateDto]).metavar() == "JSON"
    assert param_type(bool | Unset).metavar() == ""
    assert param_type(AssetVisibility).metavar() == "archive|timeline|hidden|locked"
