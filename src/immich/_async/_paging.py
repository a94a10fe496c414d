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
from collections.abc import AsyncIterator, Iterable, Iterator
from typing import Any

from immich._core.types import UNSET, AsyncMethod

# The JSON has milliseconds, and the server reads the bounds it is sent to the millisecond,
# while the database may keep microseconds: times are compared by their millisecond.
_MILLISECOND = datetime.timedelta(milliseconds=1)
_MICROSECOND = datetime.timedelta(microseconds=1)
# Upload times to split a moment's assets by, when the caller names none.
_EARLIEST = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)


def _is_last(next_page: Any) -> bool:
    return next_page in (None, UNSET, "")


def _moment(when: datetime.datetime) -> datetime.datetime:
    return when.replace(microsecond=when.microsecond // 1000 * 1000)


async def by_taken_date(
    fetch: AsyncMethod[..., Any], arguments: dict[str, Any]
) -> AsyncIterator[Any]:
    """Metadata search, paged by date: each page asks for the assets taken at or before
    (``order="asc"``: at or after) the moment of the last one of the page before, instead
    of for an offset. The server orders by ``fileCreatedAt`` alone, so an asset added or
    deleted meanwhile no longer shifts the pages. A moment with more assets than a page
    holds is read by :func:`_one_moment`. What is seen twice is yielded once.
    """
    ascending = str(getattr(arguments.get("order"), "value", arguments.get("order"))) == "asc"
    bound_name = "taken_after" if ascending else "taken_before"
    bound = arguments.get(bound_name, UNSET)  # the caller's own bound, if any
    seen: set[str] = set()
    while True:
        result = await fetch(**{**arguments, bound_name: bound}, page=1)
        items = result.assets.items
        for item in _unseen(items, seen):
            yield item
        if _is_last(result.assets.next_page) or not items:
            return
        moment = _moment(items[-1].file_created_at)
        if _moment(items[0].file_created_at) == moment:
            # A whole page of one moment, and more to come: read that moment apart, then
            # go on beyond it.
            async for item in _one_moment(fetch, arguments, moment, seen):
                yield item
            edge = moment + _MILLISECOND if ascending else moment - _MICROSECOND
        else:
            # Everything before this moment was on the page; the moment itself is asked
            # for again, whole (its assets seen already are not yielded twice).
            edge = moment if ascending else moment + _MILLISECOND - _MICROSECOND
        if bound is not UNSET:  # never beyond the caller's bound
            edge = max(edge, bound) if ascending else min(edge, bound)
        bound = edge


async def _one_moment(
    fetch: AsyncMethod[..., Any],
    arguments: dict[str, Any],
    moment: datetime.datetime,
    seen: set[str],
) -> AsyncIterator[Any]:
    """The assets taken in one millisecond, more than a page of them (a burst, or files
    with one modification time and no EXIF date). The server orders them at random, so
    offsets would skip some and repeat others: they are asked for in windows of upload
    time (``createdAt``), split until each fits in one page. Assets uploaded in the same
    millisecond, more than a page of them, are read by offset."""
    taken_after, taken_before = _given(arguments, "taken_after"), _given(arguments, "taken_before")
    within = {
        **arguments,
        "taken_after": max(moment, taken_after) if taken_after else moment,
        "taken_before": min(moment + _MILLISECOND - _MICROSECOND, taken_before)
        if taken_before
        else moment + _MILLISECOND - _MICROSECOND,
    }
    windows = [
        (
            _moment(_given(arguments, "created_after") or _EARLIEST),
            _moment(
                _given(arguments, "created_before")
                or datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=1)
            ),
        )
    ]
    while windows:
        start, end = windows.pop()
        window = {**within, "created_after": start, "created_before": end}
        result = await fetch(**window, page=1)
        halves = (
            []
            if _is_last(result.assets.next_page)
            else _split(start, end, [item.created_at for item in result.assets.items])
        )
        if halves:
            windows += halves
            continue
        page = 1
        while True:  # the window fits in a page (or cannot be split: then by offset)
            for item in _unseen(result.assets.items, seen):
                yield item
            if _is_last(result.assets.next_page):
                break
            page += 1
            result = await fetch(**window, page=page)


def _unseen(items: Iterable[Any], seen: set[str]) -> Iterator[Any]:
    """The items whose id is not in ``seen`` yet (which they are added to)."""
    for item in items:
        if item.id not in seen:
            seen.add(item.id)
            yield item


def _split(
    start: datetime.datetime, end: datetime.datetime, sample: list[datetime.datetime]
) -> list[tuple[datetime.datetime, datetime.datetime]]:
    """Two windows that together make ``start``-``end`` (the later first, so that the
    earlier is read first), at the sample's median upload time. The server reads the
    bounds to the millisecond (JavaScript's dates) while it keeps microseconds, so the
    windows meet at a millisecond that both include: one of a millisecond only cannot be
    split (none is returned)."""
    if end - start < 2 * _MILLISECOND:
        return []
    pivot = _moment(sorted(sample)[len(sample) // 2])
    pivot = min(max(pivot, start + _MILLISECOND), end - _MILLISECOND)
    return [(pivot, end), (start, pivot)]


def _given(arguments: dict[str, Any], name: str) -> Any:
    value = arguments.get(name, UNSET)
    return None if value is UNSET or value is None else value


async def by_next_page(
    fetch: AsyncMethod[..., Any], arguments: dict[str, Any]
) -> AsyncIterator[Any]:
    """Search results: ``assets.nextPage`` names the next page, null after the last."""
    page = 1
    seen: set[str] = set()
    while True:
        result = await fetch(**arguments, page=page)
        for item in _unseen(result.assets.items, seen):
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
        for item in _unseen(result.people, seen):
            yield item
        if not result.has_next_page:
            return
        page += 1
