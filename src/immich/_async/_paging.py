"""Auto-paging iterators: the generated ``iter_*`` methods fetch pages through these."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from immich._types import UNSET, AsyncMethod


async def by_next_page(
    fetch: AsyncMethod[..., Any], arguments: dict[str, Any]
) -> AsyncIterator[Any]:
    """Search results: ``assets.nextPage`` names the next page, null after the last."""
    page = 1
    while True:
        result = await fetch(**arguments, page=page)
        for item in result.assets.items:
            yield item
        next_page = result.assets.next_page
        if next_page in (None, UNSET, ""):
            return
        page = int(next_page)


async def by_has_next_page(
    fetch: AsyncMethod[..., Any], arguments: dict[str, Any]
) -> AsyncIterator[Any]:
    """People: ``hasNextPage`` says whether the page after this one exists."""
    page = 1
    while True:
        result = await fetch(**arguments, page=page)
        for item in result.people:
            yield item
        if not result.has_next_page:
            return
        page += 1
