"""The typed sync stream and acks (``tests/_sync/test_sync_stream.py`` is generated)."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from immich import (
    APIResponseValidationError,
    IncompleteDownloadError,
    PermissionDeniedError,
    UnsupportedByServerError,
)
from immich._core.sync import SyncEvent
from immich.models import SyncAssetExifV1, SyncAssetV2, SyncCompleteV1, SyncEntityType
from immich.testing import FakeImmich
from tests._async.conftest import Connect
from tests._async.recording import Recorder, body_json
from tests.helpers import PASSWORD, SERVER_VERSION
from tests.streams import BrokenStream, Chunks

TYPES = ["AssetsV2", "AlbumsV2", "AlbumToAssetsV1", "AssetExifsV1"]
ASSET = {
    "id": "0b2f6a5e-9a43-4c6c-9a1e-0c6f3f9b1d2a",
    "ownerId": "7d8c2f1e-3b4a-4e5f-8a9b-1c2d3e4f5a6b",
    "originalFileName": "IMG_1.jpg",
    "fileCreatedAt": "2024-04-30T09:00:00.000Z",
    "fileModifiedAt": "2024-04-30T09:00:00.000Z",
    "createdAt": "2024-05-01T10:11:12.345Z",
    "localDateTime": "2024-04-30T11:00:00.000Z",
    "type": "IMAGE",
    "deletedAt": None,
    "isFavorite": False,
    "visibility": "timeline",
    "duration": None,
    "livePhotoVideoId": None,
    "stackId": None,
    "libraryId": None,
    "width": 4,
    "height": 3,
    "isEdited": False,
    "checksum": "qUqP5cyxm6YcTAhz05Hph5gvu9M=",
    "thumbhash": None,
}


def jsonl(*items: dict[str, Any]) -> bytes:
    return b"".join(json.dumps(item).encode() + b"\n" for item in items)


def answering(body: bytes | httpx.SyncByteStream, version: dict[str, Any] = SERVER_VERSION) -> Any:
    """A transport that is a server answering the stream with ``body``."""

    def handle(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/server/version"):
            return httpx.Response(200, json=version)
        assert request.url.path.endswith("/sync/stream")
        headers = {"content-type": "application/jsonlines+json"}
        if isinstance(body, bytes):
            return httpx.Response(200, headers=headers, content=body)
        return httpx.Response(200, headers=headers, stream=body)

    return httpx.MockTransport(handle)


@pytest.fixture
def fake() -> FakeImmich:
    return FakeImmich()


async def user(fake: FakeImmich, connect: Connect) -> tuple[Any, str]:
    """A user's client, signed in with a password (the sync endpoints need a session)."""
    user_id, _ = fake.create_user(email="ann@example.com", name="Ann", password=PASSWORD)
    client = connect(fake.async_transport())
    await client.login("ann@example.com", PASSWORD)
    return client, user_id


async def test_events_are_typed_and_acks_set_the_session_checkpoints(
    fake: FakeImmich, connect: Connect
) -> None:
    client, user_id = await user(fake, connect)
    photo = fake.add_asset(b"photo", filename="a.jpg", owner=user_id)

    events = [event async for event in client.sync.stream(TYPES)]

    assert [str(e.type) for e in events] == ["AssetV2", "AssetExifV1", "SyncCompleteV1"]
    asset, exif, complete = events
    assert isinstance(asset.data, SyncAssetV2)
    assert asset.data.id == photo
    assert asset.type == SyncEntityType.ASSET_V2
    assert asset.raw["originalFileName"] == "a.jpg"
    assert isinstance(exif.data, SyncAssetExifV1)
    assert isinstance(complete.data, SyncCompleteV1)
    assert asset.parsed_ack.type == "AssetV2"

    assert await client.sync.ack(events) == 1
    stored = {str(a.type): a.ack for a in await client.sync.get_sync_ack()}
    assert stored == {e.parsed_ack.type: e.ack for e in events}
    # Acknowledged: nothing new but the end of the stream.
    again = [event async for event in client.sync.stream(TYPES)]
    assert [str(e.type) for e in again] == ["SyncCompleteV1"]


async def test_the_generated_method_returns_the_lines_too(
    fake: FakeImmich, connect: Connect
) -> None:
    client, user_id = await user(fake, connect)
    fake.add_asset(b"photo", filename="a.jpg", owner=user_id)

    answer = await client.with_response(client.sync.get_sync_stream, types=["AssetsV2"])

    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("application/jsonlines+json")
    assert [str(e.type) for e in answer.parsed] == ["AssetV2", "SyncCompleteV1"]
    assert all(isinstance(e, SyncEvent) for e in answer.parsed)


async def test_api_keys_are_refused_with_what_to_do(fake: FakeImmich, connect: Connect) -> None:
    client = connect(fake.async_transport(), api_key=fake.api_key)

    with pytest.raises(PermissionDeniedError) as caught:
        [event async for event in client.sync.stream(TYPES)]

    assert "Sync endpoints cannot be used with API keys" in str(caught.value)
    assert "client.login" in str(caught.value)


async def test_unknown_types_and_fields_come_through(connect: Connect) -> None:
    body = jsonl(
        {"type": "AssetV2", "data": {**ASSET, "newField": 1}, "ack": "AssetV2|0192-1"},
        {"type": "GalaxyV9", "data": {"stars": 3}, "ack": "GalaxyV9|0192-2|x"},
        {"type": "SyncCompleteV1", "data": {}, "ack": "SyncCompleteV1|0192-3"},
    )
    client = connect(answering(body), access_token="t")

    asset, galaxy, _ = [event async for event in client.sync.stream(["AssetsV2"])]

    assert asset.data.original_file_name == "IMG_1.jpg"
    assert asset.raw["newField"] == 1  # kept in the raw data
    assert galaxy.type == "GalaxyV9"
    assert not galaxy.type.is_known
    assert galaxy.data == {"stars": 3}
    assert galaxy.parsed_ack.extra == "x"


async def test_lines_split_across_chunks_and_a_last_line_without_newline(
    connect: Connect,
) -> None:
    body = (
        jsonl(
            {"type": "AssetV2", "data": ASSET, "ack": "AssetV2|1"},
            {"type": "AssetDeleteV1", "data": {"assetId": ASSET["id"]}, "ack": "AssetDeleteV1|2"},
        )
        + json.dumps({"type": "SyncCompleteV1", "data": {}, "ack": "SyncCompleteV1|3"}).encode()
    )
    chunks = [body[i : i + 7] for i in range(0, len(body), 7)]
    client = connect(answering(Chunks(chunks)), access_token="t")

    events = [event async for event in client.sync.stream(["AssetsV2"])]

    assert [e.ack for e in events] == ["AssetV2|1", "AssetDeleteV1|2", "SyncCompleteV1|3"]


async def test_a_line_that_is_not_an_event_is_a_validation_error(connect: Connect) -> None:
    client = connect(answering(b'{"type": "AssetV2", "data": {"id": 1}}\n'), access_token="t")

    with pytest.raises(APIResponseValidationError, match="no ack"):
        [event async for event in client.sync.stream(["AssetsV2"])]


async def test_a_stream_that_breaks_off_raises(connect: Connect) -> None:
    line = jsonl({"type": "AssetV2", "data": ASSET, "ack": "AssetV2|1"})
    client = connect(answering(BrokenStream(line)), access_token="t")
    received = []

    async def read() -> None:
        async for event in client.sync.stream(["AssetsV2"]):
            received.append(event)

    with pytest.raises(IncompleteDownloadError, match="broke off"):
        await read()
    assert [e.ack for e in received] == ["AssetV2|1"]


async def test_v2_types_are_refused_on_a_2x_server_before_anything_is_sent(
    connect: Connect,
) -> None:
    older = {"major": 2, "minor": 7, "patch": 5, "prerelease": None}
    client = connect(answering(b"", version=older), access_token="t")

    with pytest.raises(UnsupportedByServerError, match="AssetsV2"):
        [event async for event in client.sync.stream(["AssetsV2"])]
    events = [event async for event in client.sync.stream(["AssetsV1"])]
    assert events == []


async def test_acks_keep_the_last_per_type_and_send_a_reset_alone(
    fake: FakeImmich, connect: Connect
) -> None:
    await user(fake, connect)
    spy = Recorder(fake.async_transport(), keep_bodies=True)
    client = connect(spy)
    await client.login("ann@example.com", PASSWORD)

    calls = await client.sync.ack(
        ["AssetV2|1", "AssetExifV1|2", "AssetV2|3", "SyncResetV1|reset", "AssetV2|5"]
    )
    assert calls == 2
    assert [body_json(r)["acks"] for r in spy.sent("POST", "/sync/ack")] == [
        ["SyncResetV1|reset"],
        ["AssetV2|5"],
    ]
    assert await client.sync.ack([]) == 0
    assert len(spy.sent("POST", "/sync/ack")) == 2
