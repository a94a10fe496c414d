"""Large bodies go through in constant memory, both ways."""

from __future__ import annotations

import datetime
import os
import tracemalloc
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from immich import Client
from tests.helpers import API_KEY, ASSET_ID, BASE_URL, ChunkStream, FakeServer, SinkTransport

SIZE = 100 * 1024 * 1024  # 100 MiB
#: Far below SIZE, far above what a few 1 MiB chunks and the client itself need.
MEMORY_BUDGET = 16 * 1024 * 1024
NOW = datetime.datetime(2024, 1, 2, 3, 4, 5, tzinfo=datetime.timezone.utc)


@pytest.fixture
def traced() -> Iterator[list[int]]:
    """Traces Python allocations; the list holds the peak once the test is done with it."""
    tracemalloc.start()
    tracemalloc.reset_peak()
    peak: list[int] = []
    try:
        yield peak
    finally:
        tracemalloc.stop()


def _peak() -> int:
    return tracemalloc.get_traced_memory()[1]


def big_download(request: httpx.Request) -> httpx.Response:
    return httpx.Response(
        200,
        headers={"content-length": str(SIZE), "content-type": "application/octet-stream"},
        stream=ChunkStream(SIZE),
    )


def test_download_to_file_streams_100mb_in_constant_memory(
    tmp_path: Path, traced: list[int]
) -> None:
    server = FakeServer(big_download)
    target = tmp_path / "video.mp4"
    with Client(BASE_URL, api_key=API_KEY, transport=server.transport) as client:
        tracemalloc.reset_peak()
        client.assets.download_asset_to_file(ASSET_ID, target)
        peak = _peak()
    assert target.stat().st_size == SIZE
    assert peak < MEMORY_BUDGET, f"peak {peak / 2**20:.1f} MiB while downloading 100 MiB"


def test_download_stream_holds_one_chunk_at_a_time(traced: list[int]) -> None:
    server = FakeServer(big_download)
    received = 0
    chunks = 0
    with Client(BASE_URL, api_key=API_KEY, transport=server.transport) as client:
        tracemalloc.reset_peak()
        with client.assets.download_asset_stream(ASSET_ID) as body:
            for chunk in body.iter_bytes():
                received += len(chunk)
                chunks += 1
        peak = _peak()
    assert received == SIZE
    assert chunks >= 100
    assert peak < MEMORY_BUDGET, f"peak {peak / 2**20:.1f} MiB while streaming 100 MiB"


def test_upload_from_a_100mb_path_streams_the_file(tmp_path: Path, traced: list[int]) -> None:
    path = tmp_path / "big.mp4"
    with path.open("wb") as f:
        f.truncate(SIZE)  # sparse: costs no disk
    sink = SinkTransport(201, answer_json={"id": ASSET_ID, "status": "created"}, keep_bodies=False)
    with Client(BASE_URL, api_key=API_KEY, transport=sink) as client:
        tracemalloc.reset_peak()
        result = client.assets.upload_asset(
            asset_data=path, file_created_at=NOW, file_modified_at=NOW
        )
        peak = _peak()
    assert result.id == ASSET_ID
    assert len(sink.sizes) == 1
    assert SIZE < sink.sizes[0] < SIZE + 4096  # the file and a little multipart framing
    assert sink.largest_chunk < MEMORY_BUDGET
    assert int(sink.requests[0].headers["content-length"]) == sink.sizes[0]
    assert peak < MEMORY_BUDGET, f"peak {peak / 2**20:.1f} MiB while uploading 100 MiB"


def test_downloaded_file_gets_the_usual_permissions(tmp_path: Path) -> None:
    """Not the 0600 of a private temporary file: what any new file gets under the umask."""
    server = FakeServer(lambda request: httpx.Response(200, content=b"photo bytes"))
    target = tmp_path / "photo.jpg"
    with Client(BASE_URL, api_key=API_KEY, transport=server.transport) as client:
        client.assets.download_asset_to_file(ASSET_ID, target)
    reference = tmp_path / "reference"
    reference.write_bytes(b"")
    assert target.stat().st_mode & 0o777 == reference.stat().st_mode & 0o777
    assert [name for name in os.listdir(tmp_path) if name.endswith(".part")] == []
