"""One client interface over the three ways of reaching a FakeImmich (the sync transport,
the async transport and the loopback socket), so each flow test runs through all three."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx

from immich.testing import FakeImmich

MODES = ("sync-transport", "async-transport", "loopback")
_UNSET: Any = object()


class Api:
    """Every call returns a response whose body has been read."""

    def __init__(
        self,
        mode: str,
        client: httpx.Client | httpx.AsyncClient,
        api_key: str | None,
        loop: asyncio.AbstractEventLoop | None = None,
        *,
        root: str = "http://fake",
    ) -> None:
        self.mode = mode
        self.api_key = api_key
        # The server's URL without /api, for the routes outside it.
        self.root = root
        self._client = client
        # Async clients run their calls to completion on a loop of their own.
        self._loop = loop

    def as_key(self, api_key: str | None) -> Api:
        """The same client, calling as someone else (None: with no credentials)."""
        return Api(self.mode, self._client, api_key, self._loop, root=self.root)

    def request(
        self,
        method: str,
        path: str,
        *,
        headers: dict[str, str] | None = None,
        content_chunks: list[bytes] | None = None,
        **kwargs: Any,
    ) -> httpx.Response:
        all_headers = {"x-api-key": self.api_key} if self.api_key is not None else {}
        all_headers.update(headers or {})
        if isinstance(self._client, httpx.Client):
            if content_chunks is not None:
                kwargs["content"] = iter(content_chunks)
            return self._client.request(method, path, headers=all_headers, **kwargs)
        if content_chunks is not None:
            kwargs["content"] = _async_chunks(content_chunks)
        client = self._client
        assert self._loop is not None

        async def send() -> httpx.Response:
            response = await client.request(method, path, headers=all_headers, **kwargs)
            await response.aread()
            return response

        return self._loop.run_until_complete(send())

    def get(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("POST", path, **kwargs)

    def put(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("PUT", path, **kwargs)

    def patch(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("PATCH", path, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("DELETE", path, **kwargs)

    def upload(
        self,
        data: bytes,
        filename: str,
        *,
        taken_at: str = "2024-05-01T12:00:00.000Z",
        headers: dict[str, str] | None = None,
        **fields: str,
    ) -> httpx.Response:
        form = {"fileCreatedAt": taken_at, "fileModifiedAt": taken_at, **fields}
        return self.post(
            "/assets",
            files={"assetData": (filename, data, "application/octet-stream")},
            data=form,
            headers=headers,
        )

    def close(self) -> None:
        if isinstance(self._client, httpx.Client):
            self._client.close()
            return
        assert self._loop is not None
        self._loop.run_until_complete(self._client.aclose())
        self._loop.close()


async def _async_chunks(chunks: list[bytes]) -> AsyncIterator[bytes]:
    for chunk in chunks:
        yield chunk


def open_api(fake: FakeImmich, mode: str, url: str | None = None) -> Api:
    if mode == "sync-transport":
        client = httpx.Client(transport=fake.transport(), base_url="http://fake/api")
        return Api(mode, client, fake.api_key)
    if mode == "async-transport":
        async_client = httpx.AsyncClient(
            transport=fake.async_transport(), base_url="http://fake/api"
        )
        return Api(mode, async_client, fake.api_key, asyncio.new_event_loop())
    assert url is not None
    return Api(mode, httpx.Client(base_url=url + "/api"), fake.api_key, root=url)


def iter_apis(fake: FakeImmich, mode: str) -> Iterator[Api]:
    """Yields one Api for the mode, serving the fake on loopback while it is in use."""
    if mode == "loopback":
        with fake.serve() as url:
            api = open_api(fake, mode, url)
            try:
                yield api
            finally:
                api.close()
        return
    api = open_api(fake, mode)
    try:
        yield api
    finally:
        api.close()
