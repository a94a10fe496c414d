"""Auto-paging iterators fetch pages lazily and stop at the last one."""

from __future__ import annotations

import datetime
import functools
import json
import random
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from immich import Client
from immich.models import AssetOrder, AssetResponseDto, AssetVisibility, PersonResponseDto
from tests.helpers import API_KEY, FakeServer, asset_json, person_json

UTC = datetime.timezone.utc
PAGE_SIZE = 2


def asset_id(n: int) -> str:
    return f"00000000-0000-4000-8000-{n:012d}"


def moment(n: int) -> str:
    """The ``n``-th second of 2024 as the server writes it (milliseconds, ``Z``)."""
    when = datetime.datetime(2024, 1, 1, tzinfo=UTC) + datetime.timedelta(seconds=n)
    return when.strftime("%Y-%m-%dT%H:%M:%S.000Z")


def uploaded(n: int, apart: datetime.timedelta) -> datetime.datetime:
    """When asset ``n`` was uploaded (``createdAt``), as the database keeps it."""
    return datetime.datetime(2025, 1, 1, tzinfo=UTC) + n * apart


def in_json(when: datetime.datetime) -> str:
    """As the server writes it: milliseconds (JavaScript's dates), whatever it keeps."""
    return when.strftime("%Y-%m-%dT%H:%M:%S.") + f"{when.microsecond // 1000:03d}Z"


class Library:
    """``POST /search/metadata`` as the real server answers it: assets ordered by
    ``fileCreatedAt`` alone (newest first unless ``order`` is ``asc``), assets taken at
    the same moment in an order of their own for each query (the database's), the
    ``taken*`` and ``created*`` bounds inclusive, pages by offset, ``nextPage`` while
    more remain.

    ``between_pages`` runs before each page after the first: the library changing
    while it is read."""

    def __init__(
        self,
        dates: list[int],
        between_pages: Callable[[Library], None] | None = None,
        uploads_apart: datetime.timedelta = datetime.timedelta(milliseconds=1),
    ):
        self.assets = [{"id": asset_id(n), "taken": taken, "n": n} for n, taken in enumerate(dates)]
        self.apart = uploads_apart
        self.between_pages = between_pages
        self.bodies: list[dict[str, Any]] = []
        self.shuffle = random.Random(7)

    def answer(self, request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        if self.bodies and self.between_pages is not None:
            self.between_pages(self)
        self.bodies.append(body)

        def within(a: dict[str, Any]) -> bool:
            taken = datetime.datetime.fromisoformat(moment(a["taken"]).replace("Z", "+00:00"))
            created = uploaded(a["n"], self.apart)  # as the database keeps it
            return (
                ("takenBefore" not in body or taken <= _instant(body["takenBefore"]))
                and ("takenAfter" not in body or taken >= _instant(body["takenAfter"]))
                and ("createdBefore" not in body or created <= _instant(body["createdBefore"]))
                and ("createdAfter" not in body or created >= _instant(body["createdAfter"]))
            )

        matches = [a for a in self.assets if within(a)]
        self.shuffle.shuffle(matches)  # then sorted: ties keep this query's own order
        matches.sort(key=lambda a: a["taken"], reverse=body.get("order", "desc") == "desc")
        size, page = body.get("size", 250), body.get("page", 1)
        items = matches[(page - 1) * size : page * size]
        more = len(matches) > page * size
        return httpx.Response(
            200,
            json={
                "albums": {"count": 0, "facets": [], "items": [], "total": 0},
                "assets": {
                    "count": len(items),
                    "facets": [],
                    "items": [
                        asset_json(
                            id=a["id"],
                            fileCreatedAt=moment(a["taken"]),
                            createdAt=in_json(uploaded(a["n"], self.apart)),
                        )
                        for a in items
                    ],
                    "nextPage": str(page + 1) if more else None,
                    "total": len(items),
                },
            },
        )

    def add(self, n: int, taken: int) -> None:
        self.assets.append({"id": asset_id(n), "taken": taken, "n": n})


def _instant(text: str) -> datetime.datetime:
    """A time the client sent, as the server reads it: to the millisecond (JavaScript)."""
    when = datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))
    return when.replace(microsecond=when.microsecond // 1000 * 1000)


def search_pages(pages: int, per_page: int = PAGE_SIZE) -> FakeServer:
    """A server with ``pages`` pages of search results, numbered from 1, by offset."""

    def answer(request: httpx.Request) -> httpx.Response:
        page = json.loads(request.content)["page"]
        items = [asset_json(id=asset_id((page - 1) * per_page + i)) for i in range(per_page)]
        return httpx.Response(
            200,
            json={
                "albums": {"count": 0, "facets": [], "items": [], "total": 0},
                "assets": {
                    "count": len(items),
                    "facets": [],
                    "items": items,
                    "nextPage": str(page + 1) if page < pages else None,
                    "total": pages * per_page,
                },
            },
        )

    return FakeServer(answer)


def people_pages(pages: int, per_page: int = PAGE_SIZE) -> FakeServer:
    def answer(request: httpx.Request) -> httpx.Response:
        page = int(request.url.params["page"])
        return httpx.Response(
            200,
            json={
                "hasNextPage": page < pages,
                "hidden": 0,
                "people": [person_json((page - 1) * per_page + i) for i in range(per_page)],
                "total": pages * per_page,
            },
        )

    return FakeServer(answer)


Connect = Callable[..., Client]


@pytest.fixture
def make_client(connect: Connect) -> Connect:
    return functools.partial(connect, api_key=API_KEY)


def bodies(server: FakeServer) -> list[dict[str, Any]]:
    return [json.loads(r.content) for r in server.requests]


def test_iter_assets_pages_by_date_to_the_end(make_client: Connect) -> None:
    library = Library(dates=[10, 9, 8, 7, 6, 5])
    since = datetime.datetime(2024, 1, 1, tzinfo=UTC)
    client = make_client(FakeServer(library.answer))
    assets = [
        a
        for a in client.search.iter_assets(
            taken_after=since, visibility=AssetVisibility.TIMELINE, size=PAGE_SIZE
        )
    ]
    assert [a.id for a in assets] == [asset_id(n) for n in range(6)]
    assert all(isinstance(a, AssetResponseDto) for a in assets)
    # Each page after the first asks for what was taken up to the last asset's millisecond
    # (so it comes again: others may share its moment), from its start.
    assert [(b["page"], b.get("takenBefore")) for b in library.bodies] == [
        (1, None),
        (1, "2024-01-01T00:00:09.000Z"),
        (1, "2024-01-01T00:00:08.000Z"),
        (1, "2024-01-01T00:00:07.000Z"),
        (1, "2024-01-01T00:00:06.000Z"),
    ]
    # Every page carries the caller's filters.
    for body in library.bodies:
        assert body["takenAfter"] == "2024-01-01T00:00:00.000Z"
        assert body["visibility"] == "timeline"
        assert body["size"] == PAGE_SIZE


def test_iter_assets_never_yields_twice_or_misses_when_assets_arrive(
    make_client: Connect,
) -> None:
    """Offset paging of a library that grows yields the same asset again and again."""

    def upload_newer(library: Library) -> None:  # another client uploads between pages
        library.add(len(library.assets), taken=100 + len(library.assets))

    library = Library(dates=[10, 9, 8, 7, 6, 5, 4], between_pages=upload_newer)
    client = make_client(FakeServer(library.answer))
    ids = [a.id for a in client.search.iter_assets(size=PAGE_SIZE)]
    assert len(ids) == len(set(ids))
    assert set(ids) >= {asset_id(n) for n in range(7)}


def test_iter_assets_never_misses_when_assets_go(make_client: Connect) -> None:
    def delete_newest(library: Library) -> None:
        library.assets.pop(0)

    library = Library(dates=[10, 9, 8, 7, 6, 5, 4, 3], between_pages=delete_newest)
    client = make_client(FakeServer(library.answer))
    ids = [a.id for a in client.search.iter_assets(size=PAGE_SIZE)]
    assert len(ids) == len(set(ids))
    # Everything that was there from start to end was yielded.
    assert set(ids) >= {a["id"] for a in library.assets}


@pytest.mark.parametrize("order", [AssetOrder.DESC, AssetOrder.ASC])
def test_iter_assets_reads_a_moment_larger_than_a_page_whole(
    make_client: Connect, order: AssetOrder
) -> None:
    """Eleven photos of one second, among others: the server orders equals at random, so
    offsets within them would skip and repeat; they are read in windows of upload time."""
    library = Library(dates=[9, *[5] * 11, 1, 0])
    client = make_client(FakeServer(library.answer))
    ids = [a.id for a in client.search.iter_assets(order=order, size=PAGE_SIZE)]
    assert sorted(ids) == sorted(asset_id(n) for n in range(14))
    assert len(ids) == 14
    windows = [b for b in library.bodies if "createdAfter" in b]
    assert windows, "the moment was read in windows of upload time"
    assert all(b["page"] == 1 for b in library.bodies)
    assert len(library.bodies) < 40


def test_iter_assets_reads_uploads_of_one_millisecond_too(make_client: Connect) -> None:
    """A burst uploaded at once: upload times microseconds apart, which the JSON shows, and
    the server reads bounds, to the millisecond only."""
    library = Library(dates=[5] * 40, uploads_apart=datetime.timedelta(microseconds=700))
    client = make_client(FakeServer(library.answer))
    ids = [a.id for a in client.search.iter_assets(size=3)]
    assert sorted(ids) == sorted(asset_id(n) for n in range(40))
    assert len(library.bodies) < 200


def test_iter_assets_keeps_within_the_callers_bound(make_client: Connect) -> None:
    library = Library(dates=[10, 9, 8, 7, 6, 5])
    until = datetime.datetime(2024, 1, 1, 0, 0, 8, tzinfo=UTC)
    client = make_client(FakeServer(library.answer))
    ids = [a.id for a in client.search.iter_assets(taken_before=until, size=PAGE_SIZE)]
    assert ids == [asset_id(n) for n in range(2, 6)]
    bounds = [b["takenBefore"] for b in library.bodies]
    assert bounds[0] == "2024-01-01T00:00:08.000Z"
    assert all(bound <= "2024-01-01T00:00:08.000Z" for bound in bounds)


def test_iter_assets_oldest_first_pages_by_taken_after(make_client: Connect) -> None:
    library = Library(dates=[1, 2, 3, 4, 5])
    client = make_client(FakeServer(library.answer))
    ids = [a.id for a in client.search.iter_assets(order=AssetOrder.ASC, size=PAGE_SIZE)]
    assert ids == [asset_id(n) for n in range(5)]
    assert [b.get("takenAfter") for b in library.bodies] == [
        None,
        "2024-01-01T00:00:02.000Z",
        "2024-01-01T00:00:03.000Z",
        "2024-01-01T00:00:04.000Z",
    ]
    assert all("takenBefore" not in b for b in library.bodies)


def test_iter_assets_is_lazy(make_client: Connect) -> None:
    server = search_pages(10)
    client = make_client(server)
    iterator = client.search.iter_assets()
    assert server.requests == []  # nothing fetched before iterating
    seen = []
    for asset in iterator:
        seen.append(asset.id)
        if len(seen) == 1:
            break
    assert seen == [asset_id(0)]
    assert len(server.requests) == 1


def test_iter_assets_fetches_the_next_page_only_when_needed(make_client: Connect) -> None:
    library = Library(dates=list(range(20, 0, -1)))
    client = make_client(FakeServer(library.answer))
    seen = []
    for asset in client.search.iter_assets(size=PAGE_SIZE):
        seen.append(asset.id)
        if len(seen) == PAGE_SIZE + 1:  # the first item of page 2
            break
    assert seen[-1] == asset_id(PAGE_SIZE)
    assert len(library.bodies) == 2


def test_iter_assets_with_no_results(make_client: Connect) -> None:
    server = search_pages(1, per_page=0)
    client = make_client(server)
    assets = [a for a in client.search.iter_assets(is_favorite=True)]
    assert assets == []
    assert len(server.requests) == 1


def test_iter_smart_never_yields_an_asset_twice(make_client: Connect) -> None:
    pages = {1: [0, 1], 2: [1, 2], 3: [3]}  # re-ranked between pages: 1 comes again

    def answer(request: httpx.Request) -> httpx.Response:
        page = json.loads(request.content)["page"]
        return httpx.Response(
            200,
            json={
                "albums": {"count": 0, "facets": [], "items": [], "total": 0},
                "assets": {
                    "count": 2,
                    "facets": [],
                    "items": [asset_json(id=asset_id(n)) for n in pages[page]],
                    "nextPage": str(page + 1) if page < 3 else None,
                    "total": 2,
                },
            },
        )

    client = make_client(FakeServer(answer))
    ids = [a.id for a in client.search.iter_smart(query="beach")]
    assert ids == [asset_id(n) for n in range(4)]


def test_iter_smart_pages_the_smart_search(make_client: Connect) -> None:
    server = search_pages(2)
    client = make_client(server)
    assets = [a for a in client.search.iter_smart(query="beach at sunset")]
    assert len(assets) == 4
    assert [r.url.path for r in server.requests] == ["/api/search/smart"] * 2
    assert [b["query"] for b in bodies(server)] == ["beach at sunset"] * 2
    assert [b["page"] for b in bodies(server)] == [1, 2]


def test_iter_all_people_follows_has_next_page(make_client: Connect) -> None:
    server = people_pages(3)
    client = make_client(server)
    people = [p for p in client.people.iter_all_people(size=PAGE_SIZE, with_hidden=True)]
    assert [p.name for p in people] == [f"Person {n}" for n in range(6)]
    assert all(isinstance(p, PersonResponseDto) for p in people)
    assert [r.url.params["page"] for r in server.requests] == ["1", "2", "3"]
    assert all(r.url.params["withHidden"] == "true" for r in server.requests)
    assert all(r.url.params["size"] == str(PAGE_SIZE) for r in server.requests)


def test_iter_all_people_stops_early(make_client: Connect) -> None:
    server = people_pages(5)
    client = make_client(server)
    for person in client.people.iter_all_people():
        assert person.name == "Person 0"
        break
    assert len(server.requests) == 1


@pytest.mark.parametrize("has_next_page", [False, None])
def test_iter_all_people_single_page(has_next_page: bool | None, make_client: Connect) -> None:
    body: dict[str, Any] = {"hidden": 0, "people": [person_json(1)], "total": 1}
    if has_next_page is not None:
        body["hasNextPage"] = has_next_page
    server = FakeServer(httpx.Response(200, json=body))
    client = make_client(server)
    people = [p for p in client.people.iter_all_people()]
    assert [p.name for p in people] == ["Person 1"]
    assert len(server.requests) == 1
