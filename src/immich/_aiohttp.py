"""The default ``AsyncClient`` transport when httpx-aiohttp is installed.

aiohttp under httpx measured 3-4x faster here than httpx's own async transport. This
wrapper keeps two things working that a bare aiohttp transport breaks:

- Mocking libraries that patch ``httpx.AsyncHTTPTransport`` (pytest-httpx) still see
  every request: when that method has been replaced, requests go through it.
- A refused connection is reported as a connection error, not (as httpx-aiohttp maps
  it) a connect timeout.
"""

from __future__ import annotations

import ssl
from typing import Any

import aiohttp
import httpx
from httpx_aiohttp import AiohttpTransport as _Aiohttp

_HTTPX_HANDLER = httpx.AsyncHTTPTransport.handle_async_request


class AiohttpTransport(httpx.AsyncHTTPTransport):
    def __init__(self, verify: ssl.SSLContext | bool = True, **options: Any) -> None:
        super().__init__(verify=verify, **options)
        self._aiohttp = _Aiohttp(verify=verify, **options)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if httpx.AsyncHTTPTransport.handle_async_request is not _HTTPX_HANDLER:
            return await httpx.AsyncHTTPTransport.handle_async_request(self, request)
        try:
            return await self._aiohttp.handle_async_request(request)
        except httpx.ConnectTimeout as exc:
            cause = exc.__cause__
            if isinstance(cause, aiohttp.ClientConnectorError) and not isinstance(
                cause, aiohttp.ServerTimeoutError
            ):
                raise httpx.ConnectError(str(exc), request=request) from cause
            raise

    async def aclose(self) -> None:
        await self._aiohttp.aclose()
        await super().aclose()
