"""Auto-paging iterators fetch pages lazily and stop at the last one."""

from __future__ import annotations

import datetime
import functools
import json
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from immich import Client
from immich.models import AssetResponseDto, AssetVisibility, PersonResponseDto
from tests.helpers import API_KEY, FakeServer, asset_json, person_json

UTC = datetime.timezone.utc
PAGE_SIZE = 2


def asset_id(n: int) -> str:
    return f"00000000-0000-4000-8000-{n:012d}"


def search_pages(pages: int, per_page: int = PAGE_SIZE) -> FakeServer:
    """A server with ``pages`` pages of search results, numbered from 1."""

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


def test_iter_assets_follows_next_page_to_the_end(make_client: Connect) -> None:
    server = search_pages(3)
    since = datetime.datetime(2024, 1, 1, tzinfo=UTC)
    client = make_client(server)
    assets = [
        a
        for a in client.search.iter_assets(
            taken_after=since, visibility=AssetVisibility.TIMELINE, size=PAGE_SIZE
        )
    ]
    assert [a.id for a in assets] == [asset_id(n) for n in range(6)]
    assert all(isinstance(a, AssetResponseDto) for a in assets)
    assert [b["page"] for b in bodies(server)] == [1, 2, 3]
    # Every page carries the same filters.
    for body in bodies(server):
        assert body["takenAfter"] == "2024-01-01T00:00:00Z"
        assert body["visibility"] == "timeline"
        assert body["size"] == PAGE_SIZE
    assert all((r.method, r.url.path) == ("POST", "/api/search/metadata") for r in server.requests)


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
    server = search_pages(10)
    client = make_client(server)
    seen = []
    for asset in client.search.iter_assets():
        seen.append(asset.id)
        if len(seen) == PAGE_SIZE + 1:  # the first item of page 2
            break
    assert seen[-1] == asset_id(PAGE_SIZE)
    assert len(server.requests) == 2


def test_iter_assets_with_no_results(make_client: Connect) -> None:
    server = search_pages(1, per_page=0)
    client = make_client(server)
    assets = [a for a in client.search.iter_assets(is_favorite=True)]
    assert assets == []
    assert len(server.requests) == 1


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
