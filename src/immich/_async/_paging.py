"""Auto-paging iterators: the generated ``iter_*`` methods fetch pages through these.

Immich pages by offset, and a library changes while it is read: the server extracts
metadata from fresh uploads (which moves their dates), and other clients add and delete.
An offset then lands somewhere else than it did, so plain offset paging yields some
items twice and skips others. Every iterator here remembers what it yielded and never
yields it again; the asset search goes further and pages by date (see
:func:`by_taken_date`).
"""

from __future__ import annotations

import datetime
from collections.abc import AsyncIterator
from typing import Any

from immich._core.types import UNSET, AsyncMethod

# The server's timestamps have microseconds, the JSON only milliseconds: a bound one
# millisecond wide of the last date seen cannot leave out an asset of that same moment.
_ONE_MS = datetime.timedelta(milliseconds=1)


def _is_last(next_page: Any) -> bool:
    return next_page in (None, UNSET, "")


async def by_taken_date(
    fetch: AsyncMethod[..., Any], arguments: dict[str, Any]
) -> AsyncIterator[Any]:
    """Metadata search, paged by date: each page asks for the assets taken at or before
    (``order="asc"``: after) the last one of the page before, instead of for an offset.

    The server orders by ``fileCreatedAt`` alone, so an asset added or deleted meanwhile
    no longer shifts the pages. Assets of one moment that fill more than a page are
    read by offset within that moment. What is seen twice is yielded once.
    """
    ascending = str(getattr(arguments.get("order"), "value", arguments.get("order"))) == "asc"
    bound_name = "taken_after" if ascending else "taken_before"
    bound = arguments.get(bound_name, UNSET)  # the caller's own bound, if any
    page = 1
    seen: set[str] = set()
    while True:
        result = await fetch(**{**arguments, bound_name: bound}, page=page)
        items = result.assets.items
        for item in items:
            if item.id not in seen:
                seen.add(item.id)
                yield item
        if _is_last(result.assets.next_page) or not items:
            return
        last = items[-1].file_created_at
        edge = last - _ONE_MS if ascending else last + _ONE_MS
        if bound is not UNSET:  # the bound only ever narrows (else it could cycle)
            edge = max(edge, bound) if ascending else min(edge, bound)
        if edge == bound:  # the page did not get past the bound's moment: offset within it
            page += 1
        else:
            bound, page = edge, 1


async def by_next_page(
    fetch: AsyncMethod[..., Any], arguments: dict[str, Any]
) -> AsyncIterator[Any]:
    """Search results: ``assets.nextPage`` names the next page, null after the last."""
    page = 1
    seen: set[str] = set()
    while True:
        result = await fetch(**arguments, page=page)
        for item in result.assets.items:
            if item.id not in seen:
                seen.add(item.id)
                yield item
        next_page = result.assets.next_page
        if _is_last(next_page):
            return
        page = int(next_page)


async def by_has_next_page(
    fetch: AsyncMethod[..., Any], arguments: dict[str, Any]
) -> AsyncIterator[Any]:
    """People: ``hasNextPage`` says whether the page after this one exists."""
    page = 1
    seen: set[str] = set()
    while True:
        result = await fetch(**arguments, page=page)
        for item in result.people:
            if item.id not in seen:
                seen.add(item.id)
                yield item
        if not result.has_next_page:
            return
        page += 1
