"""Bad input from the caller: what is refused before anything is sent, and what goes to
the server as given (for it to refuse). Summarised in ``docs/bad-input.md``."""

from __future__ import annotations

import contextlib
import datetime
import json
import uuid
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from immich import (
    APIResponseValidationError,
    AsyncClient,
    BadRequestError,
    ConfigurationError,
)
from immich.models import AssetMediaSize, AssetTypeEnum, AssetVisibility, OnThisDayDto
from immich.testing import FakeImmich
from tests.helpers import ASSET_ID, FakeServer, multipart_parts, names_in

pytestmark = pytest.mark.usefixtures("no_sleep")

UTC = datetime.timezone.utc
NAIVE = datetime.datetime(2024, 1, 2, 3, 4, 5)
AWARE = datetime.datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)

Call = Callable[[AsyncClient], Any]  # a coroutine under AsyncClient


@pytest.fixture
async def wire() -> AsyncIterator[tuple[AsyncClient, FakeServer]]:
    """A client whose requests are recorded and answered with an empty 200."""
    server = FakeServer(httpx.Response(200, json={}))
    async with AsyncClient(
        "http://127.0.0.1:2283", api_key="key", transport=server.transport, max_retries=0
    ) as client:
        yield client, server


@pytest.fixture
async def immich() -> AsyncIterator[tuple[AsyncClient, FakeImmich]]:
    """A client of a FakeImmich, which validates its input as Immich does."""
    fake = FakeImmich()
    async with AsyncClient(
        "http://127.0.0.1:2283", api_key=fake.api_key, transport=fake.async_transport()
    ) as client:
        yield client, fake


async def _sent(client: AsyncClient, server: FakeServer, call: Call) -> httpx.Request:
    """Make the call and return what went out (the empty answer rarely fits the model)."""
    with contextlib.suppress(APIResponseValidationError):
        await call(client)
    [request] = server.requests
    return request


@pytest.fixture(params=["orjson", "stdlib"])
def json_backend(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """The request encoder: orjson (when installed, as with ``immich-sdk[speedups]``) or json."""
    if request.param == "orjson":
        orjson = pytest.importorskip("orjson")
        monkeypatch.setattr("immich._core.json_codec.dumps", orjson.dumps)
    else:

        def dumps(value: Any) -> bytes:
            return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode()

        monkeypatch.setattr("immich._core.json_codec.dumps", dumps)
    return str(request.param)


# -- refused before anything is sent ---------------------------------------------------


@pytest.mark.parametrize(
    "call",
    [
        pytest.param(lambda c: c.search.search_assets(taken_after=NAIVE), id="json-body"),
        pytest.param(lambda c: c.map.get_map_markers(file_created_after=NAIVE), id="query"),
        pytest.param(
            lambda c: c.assets.upload_asset(
                asset_data=b"x", file_created_at=NAIVE, file_modified_at=AWARE
            ),
            id="multipart",
        ),
        pytest.param(
            lambda c: c.search.search_assets(taken_after=AWARE, taken_before=NAIVE),
            id="second-field",
        ),
    ],
)
async def test_a_naive_datetime_is_refused_before_sending(
    call: Call, wire: tuple[AsyncClient, FakeServer]
) -> None:
    client, server = wire
    with pytest.raises(ValueError, match="naive datetime 2024-01-02T03:04:05 has no timezone"):
        await call(client)
    assert server.requests == []


@pytest.mark.parametrize(
    "call",
    [
        pytest.param(
            lambda c: c.search.search_assets(taken_after="2024-01-01"),  # type: ignore[arg-type]
            id="optional",
        ),
        pytest.param(
            lambda c: c.search.search_assets(
                taken_after=AWARE,
                taken_before="2024-01-01",  # type: ignore[arg-type]
            ),
            id="second-field",
        ),
        pytest.param(
            lambda c: c.memories.create_memory(
                data=OnThisDayDto(year=2024),
                memory_at="2024-01-01",  # type: ignore[arg-type]
                type="on_this_day",
            ),
            id="required",
        ),
    ],
)
async def test_a_string_for_a_datetime_is_refused_before_sending(
    call: Call, wire: tuple[AsyncClient, FakeServer]
) -> None:
    client, server = wire
    with pytest.raises(TypeError, match="expected a datetime, got str '2024-01-01'"):
        await call(client)
    assert server.requests == []


@pytest.mark.parametrize(
    "call",
    [
        pytest.param(lambda c: c.albums.get_album_info(""), id="get"),
        pytest.param(lambda c: c.albums.delete_album(""), id="delete"),
        pytest.param(lambda c: c.albums.add_assets_to_album("", ids=[ASSET_ID]), id="put"),
        pytest.param(lambda c: c.assets.download_asset(""), id="download"),
    ],
)
async def test_an_empty_path_parameter_is_refused_before_sending(
    call: Call, wire: tuple[AsyncClient, FakeServer]
) -> None:
    client, server = wire
    with pytest.raises(ValueError, match="path parameter 'id' must not be empty"):
        await call(client)
    assert server.requests == []


async def test_an_empty_id_downloads_nothing(
    wire: tuple[AsyncClient, FakeServer], tmp_path: Path
) -> None:
    client, server = wire
    with pytest.raises(ValueError, match="must not be empty"):
        await client.assets.download_asset_to_file("", tmp_path)
    assert server.requests == []
    assert names_in(tmp_path) == []


@pytest.mark.parametrize("dots", [".", ".."])
async def test_a_dot_path_parameter_is_refused_before_sending(
    dots: str, wire: tuple[AsyncClient, FakeServer]
) -> None:
    # Normalising the URL would drop the segment: "albums/../assets" is "assets", and
    # remove_asset_from_album("..") would trash the assets (DELETE /api/assets).
    client, server = wire
    with pytest.raises(ValueError, match="dot segment"):
        await client.albums.remove_asset_from_album(dots, ids=[ASSET_ID])
    with pytest.raises(ValueError, match="dot segment"):
        await client.albums.add_assets_to_album(dots, ids=[ASSET_ID])
    assert server.requests == []


async def test_a_none_path_parameter_is_refused_before_sending(
    wire: tuple[AsyncClient, FakeServer],
) -> None:
    client, server = wire
    with pytest.raises(ValueError, match="must not be empty, None"):
        await client.albums.get_album_info(None)  # type: ignore[arg-type]
    assert server.requests == []


async def test_a_dot_album_id_cannot_trash_assets(
    immich: tuple[AsyncClient, FakeImmich],
) -> None:
    client, fake = immich
    asset_id = fake.add_asset(b"\xff\xd8 photo", filename="IMG_0001.jpg")
    with contextlib.suppress(Exception):  # whatever it raises, the asset must stay
        await client.albums.remove_asset_from_album("..", ids=[asset_id])
    assert fake.asset(asset_id)["isTrashed"] is False


async def test_a_non_ascii_header_value_is_refused_before_sending(
    wire: tuple[AsyncClient, FakeServer],
) -> None:
    client, server = wire
    with pytest.raises(ValueError, match="header 'x-immich-checksum' must be ASCII"):
        await client.assets.upload_asset(
            asset_data=b"x", file_created_at=AWARE, file_modified_at=AWARE, x_immich_checksum="é"
        )
    assert server.requests == []


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda c: c.albums.create_album("Trip"), "positional argument"),
        (lambda c: c.albums.create_album(album_nme="Trip"), "unexpected keyword argument"),
        (lambda c: c.albums.create_album(), "missing 1 required keyword-only argument"),
        (lambda c: c.albums.get_album_info(), "missing 1 required positional argument"),
    ],
    ids=["positional-body", "misspelt", "missing-body-field", "missing-path"],
)
async def test_call_shape_mistakes_are_type_errors(
    call: Call, message: str, wire: tuple[AsyncClient, FakeServer]
) -> None:
    client, server = wire
    with pytest.raises(TypeError, match=message):
        await call(client)
    assert server.requests == []


async def test_a_missing_upload_file_is_refused_before_sending(
    wire: tuple[AsyncClient, FakeServer], tmp_path: Path
) -> None:
    client, server = wire
    with pytest.raises(FileNotFoundError):
        await client.assets.upload_asset(
            asset_data=tmp_path / "missing.jpg", file_created_at=AWARE, file_modified_at=AWARE
        )
    assert server.requests == []


async def test_a_non_file_upload_is_refused_before_sending(
    wire: tuple[AsyncClient, FakeServer],
) -> None:
    client, server = wire
    # Not a path, bytes, binary file or (name, file) pair.
    with pytest.raises(TypeError, match="asset_data takes a path, bytes"):
        await client.assets.upload_asset(
            asset_data=123,  # type: ignore[arg-type]
            file_created_at=AWARE,
            file_modified_at=AWARE,
        )
    assert server.requests == []


async def test_a_string_for_a_list_is_refused_before_sending(
    wire: tuple[AsyncClient, FakeServer],
) -> None:
    client, server = wire
    with pytest.raises((TypeError, ValueError)):
        await client.tags.upsert_tags(tags="Holiday")  # type: ignore[arg-type]
    assert server.requests == []


# -- passed through to the server ------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "segment"),
    [
        (123, "123"),
        (True, "true"),
        (uuid.UUID(ASSET_ID), ASSET_ID),
        ("not-a-uuid", "not-a-uuid"),
        (" ", "%20"),
        ("a/b?c#d", "a%2Fb%3Fc%23d"),
        ("%2e%2e", "%252e%252e"),
        ("é", "%C3%A9"),
    ],
    ids=["int", "bool", "uuid-object", "not-a-uuid", "space", "reserved", "pct", "utf8"],
)
async def test_path_parameters_are_sent_as_text_one_segment(
    value: Any, segment: str, wire: tuple[AsyncClient, FakeServer]
) -> None:
    client, server = wire
    sent = await _sent(client, server, lambda c: c.albums.get_album_info(value))
    assert sent.url.raw_path.decode() == f"/api/albums/{segment}"


@pytest.mark.parametrize("bad_id", ["not-a-uuid", "123", "None", "00000000-0000-0000-0000"])
async def test_an_invalid_uuid_is_the_servers_to_refuse(
    bad_id: str, immich: tuple[AsyncClient, FakeImmich]
) -> None:
    client, _ = immich
    with pytest.raises(BadRequestError) as caught:
        await client.albums.get_album_info(bad_id)
    assert caught.value.status_code == 400
    # zod, as Immich 3 words it, and the field it names
    assert caught.value.server_message == "Validation failed: id: Invalid UUID"
    assert f"/api/albums/{bad_id}" in caught.value.url


async def test_a_wrongly_typed_path_parameter_reaches_the_server(
    immich: tuple[AsyncClient, FakeImmich],
) -> None:
    client, _ = immich
    with pytest.raises(BadRequestError, match="Validation failed"):
        await client.albums.get_album_info(123)  # type: ignore[arg-type]
    album = await client.albums.create_album(album_name="Trip")
    found = await client.albums.get_album_info(uuid.UUID(album.id))  # type: ignore[arg-type]
    assert found.id == album.id


async def test_invalid_uuids_in_a_body_are_the_servers_to_refuse(
    immich: tuple[AsyncClient, FakeImmich],
) -> None:
    client, _ = immich
    album = await client.albums.create_album(album_name="Trip")
    with pytest.raises(BadRequestError, match="Validation failed"):
        await client.albums.add_assets_to_album(album.id, ids=["not-a-uuid"])


@pytest.mark.parametrize(
    ("call", "field", "wire_value"),
    [
        (lambda c: c.search.search_assets(type="HOLOGRAM"), "type", "HOLOGRAM"),
        (lambda c: c.search.search_assets(type=AssetTypeEnum.VIDEO), "type", "VIDEO"),
        (lambda c: c.search.search_assets(visibility="secret"), "visibility", "secret"),
        (lambda c: c.search.search_assets(size=-1), "size", -1),
        (
            lambda c: c.search.search_assets(taken_after=datetime.date(2024, 1, 2)),
            "takenAfter",
            "2024-01-02",
        ),
        (lambda c: c.albums.create_album(album_name=123), "albumName", 123),
        (lambda c: c.albums.create_album(album_name={"a": 1}), "albumName", {"a": 1}),
        (lambda c: c.albums.create_album(album_name=None), "albumName", None),
        (lambda c: c.albums.create_album(album_name=""), "albumName", ""),
        (lambda c: c.tags.create_tag(name="x", color="not a colour"), "color", "not a colour"),
    ],
    ids=[
        "unknown-enum",
        "known-enum",
        "unknown-visibility",
        "negative-int",
        "date-for-datetime",
        "int-for-str",
        "dict-for-str",
        "none-for-str",
        "empty-str",
        "free-text",
    ],
)
async def test_json_body_values_are_sent_as_given(
    call: Call, field: str, wire_value: Any, wire: tuple[AsyncClient, FakeServer]
) -> None:
    client, server = wire
    sent = await _sent(client, server, call)
    assert json.loads(sent.content)[field] == wire_value


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
@pytest.mark.parametrize("value", [float("nan"), float("inf"), float("-inf")])
async def test_not_a_number_is_refused_before_sending(
    json_backend: str, value: float, wire: tuple[AsyncClient, FakeServer]
) -> None:
    # JSON has no NaN: orjson would write null (clearing the field on the server) and the
    # standard library NaN (malformed JSON). Neither is sent.
    client, server = wire
    with pytest.raises(ValueError, match="JSON has no NaN or infinity"):
        await client.assets.update_assets(ids=["a"], latitude=value)
    assert server.requests == []


async def test_a_huge_integer_depends_on_the_json_encoder(
    json_backend: str, wire: tuple[AsyncClient, FakeServer]
) -> None:
    client, server = wire
    if json_backend == "orjson":  # refused before sending
        with pytest.raises(TypeError, match="64-bit"):
            await client.search.search_assets(size=10**30)
        assert server.requests == []
    else:  # sent as it is, for the server to refuse
        sent = await _sent(client, server, lambda c: c.search.search_assets(size=10**30))
        assert json.loads(sent.content)["size"] == 10**30


@pytest.mark.parametrize(
    ("call", "query"),
    [
        (lambda c: c.assets.view_asset("a", size="huge"), [("size", "huge")]),
        (lambda c: c.assets.view_asset("a", size=AssetMediaSize.PREVIEW), [("size", "preview")]),
        (lambda c: c.assets.view_asset("a", key=["k1", "k2"]), [("key", "k1"), ("key", "k2")]),
        (lambda c: c.assets.view_asset("a", edited=None), []),
        (
            lambda c: c.map.get_map_markers(file_created_after=AWARE),
            [("fileCreatedAfter", "2024-01-02T03:04:05.000Z")],
        ),
    ],
    ids=["unknown-enum", "known-enum", "list-for-str", "none-is-left-out", "aware-datetime"],
)
async def test_query_values_are_sent_as_given(
    call: Call, query: list[tuple[str, str]], wire: tuple[AsyncClient, FakeServer]
) -> None:
    client, server = wire
    sent = await _sent(client, server, call)
    assert list(sent.url.params.multi_items()) == query


async def test_multipart_values_are_sent_as_given(wire: tuple[AsyncClient, FakeServer]) -> None:
    client, server = wire
    sent = await _sent(
        client,
        server,
        lambda c: c.assets.upload_asset(
            asset_data=("x.heic", b"data"),
            file_created_at=AWARE,
            file_modified_at=AWARE,
            visibility="secret",  # type: ignore[arg-type]
            duration=-5,
        ),
    )
    parts = multipart_parts(sent)
    assert parts["visibility"].data == b"secret"
    assert parts["duration"].data == b"-5"
    assert parts["fileCreatedAt"].data == b"2024-01-02T03:04:05.000Z"


async def test_an_unknown_enum_value_is_the_servers_to_refuse(
    immich: tuple[AsyncClient, FakeImmich],
) -> None:
    client, fake = immich
    asset_id = fake.add_asset(b"\xff\xd8 photo", filename="IMG_0001.jpg")
    with pytest.raises(BadRequestError, match="Validation failed"):
        await client.assets.view_asset(asset_id, size="huge")  # type: ignore[arg-type]
    with pytest.raises(BadRequestError, match="Validation failed"):
        await client.assets.upload_asset(
            asset_data=("x.jpg", b"\xff\xd8 other"),
            file_created_at=AWARE,
            file_modified_at=AWARE,
            visibility="secret",  # type: ignore[arg-type]
        )
    assert AssetVisibility("timeline").is_known


async def test_a_non_ascii_api_key_is_refused_without_showing_it() -> None:
    key = "sk-pasted\u2019key"  # a curly apostrophe from a chat window
    with pytest.raises(ConfigurationError) as caught:
        AsyncClient("http://localhost:2283", api_key=key)
    assert "API key" in str(caught.value)
    assert key not in str(caught.value)
    assert "pasted" not in repr(caught.value)


@pytest.mark.parametrize("pasted", ["sk-key\n", "sk-key\r\n", " sk-key", "sk-key\t "])
async def test_whitespace_around_a_credential_is_left_out(pasted: str) -> None:
    # A key read from a file with its line ending, or pasted with a space.
    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json=[])

    for credentials, header, sent in [
        ({"api_key": pasted}, "x-api-key", "sk-key"),
        ({"access_token": pasted}, "authorization", "Bearer sk-key"),
    ]:
        async with AsyncClient(
            "http://localhost:2283", transport=httpx.MockTransport(answer), **credentials
        ) as client:
            await client.albums.get_all_albums()
        assert seen.pop().headers[header] == sent


@pytest.mark.parametrize("key", ["sk-SECRET\nkey", "sk-SECRET key", "sk-SECRET\x00"])
async def test_a_credential_with_spaces_or_control_characters_inside_is_refused_unshown(
    key: str,
) -> None:
    # (The HTTP layer's own error for such a header quotes the value.)
    with pytest.raises(ConfigurationError, match="spaces or control characters") as caught:
        AsyncClient("http://localhost:2283", api_key=key)
    assert "SECRET" not in str(caught.value)
