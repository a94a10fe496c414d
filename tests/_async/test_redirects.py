"""Redirects: followed on the same server with the credentials, refused to another one,
and a redirect's own body never taken for the answer."""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from immich import APIStatusError, AsyncClient, RedirectError
from tests.helpers import API, API_KEY, FakeServer, album_json

Connect = Callable[..., AsyncClient]
ASSET = "00000000-0000-4000-8000-000000000001"
JPEG = b"\xff\xd8\xff\xe0" + b"original bytes" * 100


@pytest.fixture
def make_client(connect: Connect) -> Connect:
    return functools.partial(connect, api_key=API_KEY, max_retries=0)


def fullsize_redirects_to_original(request: httpx.Request) -> httpx.Response:
    """What Immich 3 does for ``view_asset(size="fullsize")`` of a JPEG."""
    if request.url.path.endswith("/thumbnail"):
        return httpx.Response(
            302,
            headers={"location": "original?", "content-type": "text/plain"},
            content=b"Found. Redirecting to original?",
        )
    return httpx.Response(200, headers={"content-type": "image/jpeg"}, content=JPEG)


async def test_a_redirect_on_the_same_server_is_followed(make_client: Connect) -> None:
    server = FakeServer(fullsize_redirects_to_original)
    client = make_client(server)
    body = await client.assets.view_asset(ASSET, size="fullsize")
    assert body == JPEG
    first, second = server.requests
    assert first.url.path == f"/api/assets/{ASSET}/thumbnail"
    assert second.url.path == f"/api/assets/{ASSET}/original"
    assert second.headers["x-api-key"] == API_KEY  # the credentials went along


async def test_streams_and_files_follow_a_redirect_too(
    make_client: Connect, tmp_path: Path
) -> None:
    client = make_client(FakeServer(fullsize_redirects_to_original))
    async with client.assets.view_asset_stream(ASSET, size="fullsize") as body:
        assert b"".join([chunk async for chunk in body.aiter_bytes()]) == JPEG
    written = await client.assets.view_asset_to_file(ASSET, tmp_path / "a.jpg", size="fullsize")
    assert written.read_bytes() == JPEG


async def test_a_redirect_to_another_server_fails_naming_it(make_client: Connect) -> None:
    server = FakeServer(
        httpx.Response(302, headers={"location": "https://elsewhere.example/steal?key=abc"})
    )
    client = make_client(server)
    with pytest.raises(RedirectError) as caught:
        await client.assets.download_asset(ASSET)
    assert isinstance(caught.value, APIStatusError)
    assert caught.value.status_code == 302
    assert caught.value.location == "https://elsewhere.example/steal?key=***"
    assert "abc" not in caught.value.location  # a secret in the query is masked
    assert "redirected to https://elsewhere.example/steal" in str(caught.value)
    assert len(server.requests) == 1  # nothing was sent there
    assert API_KEY not in str(caught.value)


async def test_another_port_is_another_server(make_client: Connect) -> None:
    server = FakeServer(httpx.Response(307, headers={"location": "http://localhost:9999/api/x"}))
    with pytest.raises(RedirectError):
        await make_client(server).server.get_about_info()


async def test_a_redirect_loop_ends(make_client: Connect) -> None:
    server = FakeServer(httpx.Response(302, headers={"location": f"{API}/server/about"}))
    with pytest.raises(RedirectError, match="more than 10 redirects"):
        await make_client(server).server.get_about_info()
    assert len(server.requests) == 11


async def test_see_other_after_a_post_is_a_get(make_client: Connect) -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        if request.method == "POST":
            return httpx.Response(303, headers={"location": "/api/albums/x"})
        return httpx.Response(200, json=album_json())

    server = FakeServer(answer)
    album = await make_client(server).albums.create_album(album_name="Trip")
    assert album.album_name == album_json()["albumName"]
    post, get = server.requests
    assert (post.method, get.method) == ("POST", "GET")
    assert get.content == b""
    assert "content-type" not in get.headers


async def test_a_permanent_redirect_keeps_the_method_and_body(make_client: Connect) -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/api/albums":
            return httpx.Response(308, headers={"location": "/api/v2/albums"})
        return httpx.Response(201, json=None)

    server = FakeServer(answer)
    with pytest.raises(Exception):  # noqa: B017, PT011 - the answer's body is not an album
        await make_client(server).albums.create_album(album_name="Trip")
    first, second = server.requests
    assert (second.method, second.url.path) == ("POST", "/api/v2/albums")
    assert second.content == first.content
