"""Which transport each client sends through when the caller names none.

- ``Client``: httpx's own (httpcore). Against a real server a call's time is the
  server's; httpcore is as fast as anything there, and with it httpx honours the
  proxies of the environment.
- ``AsyncClient``: aiohttp under httpx's interface (``immich._http.aiohttp_transport``):
  httpx's own async transport falls behind under concurrency. aiohttp honours the
  environment's proxies itself.
"""

from __future__ import annotations

import ssl

import httpx


def async_default_transport(
    ssl_context: ssl.SSLContext, limits: httpx.Limits
) -> httpx.AsyncBaseTransport:
    # (Imported here: it takes asyncio along, which the blocking client never needs.)
    from immich._http.aiohttp_transport import AiohttpTransport

    return AiohttpTransport(ssl_context=ssl_context, limits=limits)


def default_transport(
    ssl_context: ssl.SSLContext, limits: httpx.Limits
) -> httpx.BaseTransport | None:
    """None: httpx makes its own, with the client's ``verify`` and ``limits``."""
    return None
