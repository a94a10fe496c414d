"""Which failures are tried again, how often, and after how long."""

from __future__ import annotations

import datetime
import email.utils
import functools
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from immich import (
    APIConnectionError,
    AsyncClient,
    AuthenticationError,
    BadRequestError,
    InternalServerError,
    NotFoundError,
    RateLimitError,
)
from tests.helpers import API_KEY, ASSET_ID, BASE_URL, FakeServer, SinkTransport, album_json

pytestmark = pytest.mark.usefixtures("no_sleep")

UTC = datetime.timezone.utc
NOW = datetime.datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)
OK_ALBUMS = httpx.Response(200, json=[])
EMPTY_SEARCH = {
    "albums": {"count": 0, "facets": [], "items": [], "total": 0},
    "assets": {"count": 0, "facets": [], "items": [], "nextPage": None, "total": 0},
}


Connect = Callable[..., AsyncClient]


@pytest.fixture
def make_client(connect: Connect) -> Connect:
    return functools.partial(connect, api_key=API_KEY)


@pytest.mark.parametrize("status", [408, 429, 500, 502, 503, 504])
async def test_get_is_retried_on_a_transient_status_then_succeeds(
    status: int, no_sleep: list[float], make_client: Connect
) -> None:
    server = FakeServer(httpx.Response(status), OK_ALBUMS)
    client = make_client(server)
    assert await client.albums.get_all_albums() == []
    assert len(server.requests) == 2
    assert len(no_sleep) == 1


async def test_get_is_retried_twice_by_default(no_sleep: list[float], make_client: Connect) -> None:
    server = FakeServer(httpx.Response(503), httpx.Response(502), OK_ALBUMS)
    client = make_client(server)
    assert await client.albums.get_all_albums() == []
    assert len(server.requests) == 3
    assert len(no_sleep) == 2


@pytest.mark.parametrize("max_retries", [0, 1, 3])
async def test_max_retries_is_respected(
    max_retries: int, no_sleep: list[float], make_client: Connect
) -> None:
    server = FakeServer(httpx.Response(503))
    client = make_client(server, max_retries=max_retries)
    with pytest.raises(InternalServerError):
        await client.albums.get_all_albums()
    assert len(server.requests) == max_retries + 1
    assert len(no_sleep) == max_retries


async def test_rate_limit_is_raised_when_retries_run_out(
    no_sleep: list[float], make_client: Connect
) -> None:
    server = FakeServer(httpx.Response(429, headers={"retry-after": "1"}))
    client = make_client(server, max_retries=2)
    with pytest.raises(RateLimitError):
        await client.albums.get_all_albums()
    assert len(server.requests) == 3
    assert no_sleep == [1.0, 1.0]


def test_negative_max_retries_is_refused() -> None:
    with pytest.raises(ValueError, match="max_retries"):
        AsyncClient(BASE_URL, api_key=API_KEY, max_retries=-1)


@pytest.mark.parametrize(
    ("status", "cls"),
    [(400, BadRequestError), (401, AuthenticationError), (404, NotFoundError)],
)
async def test_client_errors_are_not_retried(
    status: int, cls: type[Exception], no_sleep: list[float], make_client: Connect
) -> None:
    server = FakeServer(httpx.Response(status))
    client = make_client(server)
    with pytest.raises(cls):
        await client.albums.get_all_albums()
    assert len(server.requests) == 1
    assert no_sleep == []


async def test_retry_after_seconds_is_honoured(no_sleep: list[float], make_client: Connect) -> None:
    server = FakeServer(httpx.Response(503, headers={"retry-after": "3"}), OK_ALBUMS)
    client = make_client(server)
    await client.albums.get_all_albums()
    assert no_sleep == [3.0]


async def test_retry_after_ms_is_honoured(no_sleep: list[float], make_client: Connect) -> None:
    server = FakeServer(httpx.Response(429, headers={"retry-after-ms": "250"}), OK_ALBUMS)
    client = make_client(server)
    await client.albums.get_all_albums()
    assert no_sleep == [0.25]


async def test_retry_after_http_date_is_honoured(
    no_sleep: list[float], make_client: Connect
) -> None:
    when = datetime.datetime.now(UTC) + datetime.timedelta(seconds=20)
    header = email.utils.format_datetime(when, usegmt=True)
    server = FakeServer(httpx.Response(503, headers={"retry-after": header}), OK_ALBUMS)
    client = make_client(server)
    await client.albums.get_all_albums()
    assert len(no_sleep) == 1
    assert 15.0 <= no_sleep[0] <= 20.0


async def test_unreasonable_retry_after_falls_back_to_backoff(
    no_sleep: list[float], make_client: Connect
) -> None:
    server = FakeServer(httpx.Response(503, headers={"retry-after": "86400"}), OK_ALBUMS)
    client = make_client(server)
    await client.albums.get_all_albums()
    assert len(no_sleep) == 1
    assert 0 < no_sleep[0] <= 8.0


async def test_backoff_grows_without_retry_after(
    no_sleep: list[float], make_client: Connect
) -> None:
    server = FakeServer(httpx.Response(503))
    client = make_client(server, max_retries=4)
    with pytest.raises(InternalServerError):
        await client.albums.get_all_albums()
    assert len(no_sleep) == 4
    assert all(0 < d <= 8.0 for d in no_sleep)
    # Exponential: each pause is at least the previous one's lower bound times two.
    first, second, third, _fourth = no_sleep
    assert 0.3 <= first <= 0.5
    assert 0.7 <= second <= 1.0
    assert 1.5 <= third <= 2.0


async def test_post_is_not_retried(no_sleep: list[float], make_client: Connect) -> None:
    server = FakeServer(httpx.Response(503), httpx.Response(201, json={}))
    client = make_client(server)
    with pytest.raises(InternalServerError):
        await client.albums.create_album(album_name="Trip")
    assert len(server.requests) == 1
    assert no_sleep == []


async def test_patch_is_not_retried(no_sleep: list[float], make_client: Connect) -> None:
    server = FakeServer(httpx.Response(502))
    client = make_client(server)
    with pytest.raises(InternalServerError):
        await client.shared_links.update_shared_link("link-1", allow_download=False)
    assert len(server.requests) == 1


async def test_put_and_delete_are_retried(no_sleep: list[float], make_client: Connect) -> None:
    server = FakeServer(httpx.Response(503), httpx.Response(200, json=[]))
    client = make_client(server)
    await client.albums.add_assets_to_album("album-1", ids=[ASSET_ID])
    assert [r.method for r in server.requests] == ["PUT", "PUT"]
    assert server.requests[0].content == server.requests[1].content

    server = FakeServer(httpx.Response(503), httpx.Response(204))
    client = make_client(server)
    await client.albums.delete_album("album-1")
    assert [r.method for r in server.requests] == ["DELETE", "DELETE"]


async def test_read_only_post_is_retried(no_sleep: list[float], make_client: Connect) -> None:
    server = FakeServer(httpx.Response(503), httpx.Response(200, json=EMPTY_SEARCH))
    client = make_client(server)
    result = await client.search.search_assets(is_favorite=True)
    assert result.assets.items == []
    assert [r.method for r in server.requests] == ["POST", "POST"]
    assert server.requests[1].content == server.requests[0].content
    assert len(no_sleep) == 1


def _upload(client: AsyncClient, path: Path, **kwargs: object) -> object:
    return client.assets.upload_asset(
        asset_data=path,
        file_created_at=NOW,
        file_modified_at=NOW,
        **kwargs,  # type: ignore[arg-type]
    )


async def test_upload_without_checksum_is_not_retried(
    tmp_path: Path, no_sleep: list[float], make_client: Connect
) -> None:
    path = tmp_path / "a.jpg"
    path.write_bytes(b"photo" * 1000)
    sink = SinkTransport(503, 201, answer_json={"id": ASSET_ID, "status": "created"})
    client = make_client(sink)
    with pytest.raises(InternalServerError):
        await _upload(client, path)
    assert len(sink.requests) == 1
    assert no_sleep == []


async def test_upload_with_checksum_is_retried_with_the_whole_file(
    tmp_path: Path, no_sleep: list[float], make_client: Connect
) -> None:
    content = bytes(range(256)) * 2000
    path = tmp_path / "a.jpg"
    path.write_bytes(content)
    sink = SinkTransport(503, 201, answer_json={"id": ASSET_ID, "status": "created"})
    client = make_client(sink)
    result = await _upload(client, path, x_immich_checksum="c0ffee")
    assert result.id == ASSET_ID  # type: ignore[attr-defined]
    assert len(sink.requests) == 2
    assert len(no_sleep) == 1
    # The second attempt sends the file again from its start, not what is left of it.
    first, second = sink.bodies
    assert content in first
    assert second == first
    assert sink.requests[1].headers["x-immich-checksum"] == "c0ffee"


async def test_get_is_retried_after_connection_errors(
    no_sleep: list[float], make_client: Connect
) -> None:
    server = FakeServer(httpx.ConnectError("refused"), httpx.ReadError("reset"), OK_ALBUMS)
    client = make_client(server)
    assert await client.albums.get_all_albums() == []
    assert len(server.requests) == 3
    assert len(no_sleep) == 2


async def test_get_is_retried_after_a_read_timeout(
    no_sleep: list[float], make_client: Connect
) -> None:
    server = FakeServer(httpx.ReadTimeout("slow"), OK_ALBUMS)
    client = make_client(server)
    assert await client.albums.get_all_albums() == []
    assert len(server.requests) == 2


async def test_connection_errors_give_up_after_max_retries(
    no_sleep: list[float], make_client: Connect
) -> None:
    server = FakeServer(httpx.ConnectError("refused"))
    client = make_client(server, max_retries=2)
    with pytest.raises(APIConnectionError):
        await client.albums.get_all_albums()
    assert len(server.requests) == 3


async def test_post_is_retried_when_the_connection_was_never_made(
    no_sleep: list[float], make_client: Connect
) -> None:
    server = FakeServer(httpx.ConnectError("refused"), httpx.Response(201, json=album_json()))
    client = make_client(server)
    album = await client.albums.create_album(album_name="Trip")
    assert album.album_name == "Trip"
    assert len(server.requests) == 2
    assert len(no_sleep) == 1


async def test_post_is_not_retried_after_a_broken_connection(
    no_sleep: list[float], make_client: Connect
) -> None:
    server = FakeServer(httpx.ReadError("reset"), httpx.Response(201, json={}))
    client = make_client(server)
    with pytest.raises(APIConnectionError):
        await client.albums.create_album(album_name="Trip")
    assert len(server.requests) == 1
    assert no_sleep == []


async def test_streamed_download_is_retried(
    tmp_path: Path, no_sleep: list[float], make_client: Connect
) -> None:
    server = FakeServer(httpx.Response(503), httpx.Response(200, content=b"photo"))
    client = make_client(server)
    await client.assets.download_asset_to_file(ASSET_ID, tmp_path / "p.jpg")
    assert (tmp_path / "p.jpg").read_bytes() == b"photo"
    assert len(server.requests) == 2
