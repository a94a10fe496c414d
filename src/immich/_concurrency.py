"""The few places where blocking and async code truly differ, one function of each kind.

Code in ``_async/`` calls the ``async_*`` names; unasync renames them to the plain
ones for ``_sync/``.
"""

from __future__ import annotations

import asyncio
import time

import httpx


async def async_sleep(seconds: float) -> None:
    await asyncio.sleep(seconds)


def sleep(seconds: float) -> None:
    time.sleep(seconds)


def async_default_transport(verify: object) -> httpx.AsyncBaseTransport | None:
    """aiohttp under httpx when it is installed (3-4x faster here), else httpx's own."""
    try:
        from httpx_aiohttp import AiohttpTransport
    except ImportError:
        return None
    return AiohttpTransport(verify=verify)  # type: ignore[arg-type]


def default_transport(verify: object) -> httpx.BaseTransport | None:
    return None
