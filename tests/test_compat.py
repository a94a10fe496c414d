"""The version table and the conversions between releases (``immich._core.compat``)."""

from __future__ import annotations

import datetime
import io
import json
from pathlib import Path
from typing import Any

import pytest

from immich._core import compat as _compat
from immich._core.compat import Dialect, decode_form, device_asset_id, dialect_for, encode_form
from immich._core.version_table import FIELDS, VERSIONS
from immich.models import AssetMediaCreateDto
from tests.spec_location import DEFAULT_SPEC

OLDER_SPEC = DEFAULT_SPEC.with_name("immich-openapi-specs-2.7.5.json")
V2 = (2, 7, 5)


def test_the_table_knows_both_releases() -> None:
    assert VERSIONS == ((2, 7, 5), (3, 0, 3))


@pytest.mark.parametrize(
    ("server", "spec"),
    [
        ((3, 0, 3), None),
        ((3, 0, 0), None),  # a release of the newest spec's major.minor speaks it
        ((3, 4, 1), None),  # newer: the newest spec
        ((2, 7, 5), V2),
        ((2, 7, 0), V2),
        ((2, 4, 0), V2),  # older than every spec: the oldest is the nearest
    ],
)
def test_the_dialect_of_a_server(server: tuple[int, int, int], spec: Any) -> None:
    dialect = dialect_for(server)
    assert (dialect.spec if dialect else None) == spec
    if dialect is not None:
        assert dialect.server == server


@pytest.mark.parametrize(
    ("text", "milliseconds"),
    [
        ("00:00:05.500", 5500),  # as 2.x writes it
        ("0:01:02.500000", 62500),
        ("1:00:00", 3_600_000),
        ("0:00:00.00000", None),  # an image, on 2.x: null on 3.x
        ("5.5 s", 5500),  # exiftool's text, passed on by 2.x
        ("unknown", None),
        (1234, 1234),  # 3.x: already milliseconds
        (None, None),
    ],
)
def test_durations_read_in_either_form(text: Any, milliseconds: int | None) -> None:
    assert decode_form("duration_text", text) == milliseconds


def test_durations_are_sent_to_2x_as_text_and_read_back() -> None:
    for value in (999, 5500, 62_500, 3_600_000 + 61_001):
        text = encode_form("duration_text", value)
        assert isinstance(text, str)
        assert decode_form("duration_text", text) == value
    assert encode_form("duration_text", 62500) == "00:01:02.500"
    assert encode_form("duration_text", [1000, None]) == ["00:00:01.000", None]


def _request_schemas(spec: dict[str, Any]) -> set[str]:
    def refs(node: Any) -> list[str]:
        if isinstance(node, dict):
            own = [node["$ref"].rsplit("/", 1)[-1]] if "$ref" in node else []
            return own + [r for value in node.values() for r in refs(value)]
        if isinstance(node, list):
            return [r for value in node for r in refs(value)]
        return []

    schemas = spec["components"]["schemas"]
    found: set[str] = set()
    pending = [
        r
        for item in spec["paths"].values()
        for o in item.values()
        for r in refs(o.get("requestBody"))
    ]
    while pending:
        name = pending.pop()
        if name not in found:
            found.add(name)
            pending += refs(schemas[name])
    return found


def test_every_field_an_older_release_requires_and_the_newest_lacks_is_filled_in() -> None:
    """A new release of the spec that drops a required field fails here until
    ``immich._core.compat.FILLERS`` says what to send older servers."""
    newest = json.loads(DEFAULT_SPEC.read_text(encoding="utf-8"))
    needed = {
        (schema, wire)
        for schema in _request_schemas(newest)
        for wire, history in FIELDS.get(schema, {}).items()
        if VERSIONS[-1] not in history.present and history.required
    }
    # (Workflows were remade in 3.0: their 2.x fields cannot be derived from 3.0's.)
    unservable = {(s, w) for s, w in needed if s.startswith("Workflow")}
    assert needed - unservable == set(_compat.FILLERS)


def test_an_upload_to_2x_names_its_file_as_the_official_cli_did(tmp_path: Path) -> None:
    photo = tmp_path / "IMG 0001.jpg"
    photo.write_bytes(b"x" * 1234)
    now = datetime.datetime.now(datetime.timezone.utc)

    def body(data: Any) -> AssetMediaCreateDto:
        return AssetMediaCreateDto(asset_data=data, file_created_at=now, file_modified_at=now)

    assert device_asset_id(body(photo)) == "IMG0001.jpg-1234"
    assert device_asset_id(body(str(photo))) == "IMG0001.jpg-1234"
    with photo.open("rb") as f:
        assert device_asset_id(body(("IMG 0001.jpg", f))) == "IMG0001.jpg-1234"
    assert device_asset_id(body(("a.jpg", b"abc"))) == "a.jpg-3"
    assert device_asset_id(body(("a.jpg", io.BytesIO(b"abc")))) == "a.jpg"  # size unknown
    # PostgreSQL takes no NUL in text: 2.x would answer 500.
    assert device_asset_id(body(("a\x00b\nc.jpg", b"ab"))) == "abc.jpg-2"
    assert _compat.FILLERS[("AssetMediaCreateDto", "deviceId")](body(photo)) == "immich-sdk"


def test_the_older_spec_is_the_one_the_table_was_made_from() -> None:
    older = json.loads(OLDER_SPEC.read_text(encoding="utf-8"))
    assert older["info"]["version"] == "2.7.5"
    assert Dialect(V2, V2).spec in VERSIONS
