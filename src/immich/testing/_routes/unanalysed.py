"""What Immich derives from analysing photos (faces, places, duplicates, memories)
and its notifications: the fake analyses nothing, so these answer as for a library whose
jobs have found nothing yet."""

from __future__ import annotations

from .._http import FakeResponse, json_response
from .._router import Call, RouteGroup

routes = RouteGroup()


@routes.get("/people", "getAllPeople")
def get_all_people(call: Call) -> FakeResponse:
    return json_response(200, {"people": [], "hasNextPage": False, "total": 0, "hidden": 0})


@routes.get("/duplicates", "getAssetDuplicates")
def get_asset_duplicates(call: Call) -> FakeResponse:
    return json_response(200, [])


@routes.get("/map/markers", "getMapMarkers")
def get_map_markers(call: Call) -> FakeResponse:
    return json_response(200, [])


@routes.get("/search/cities", "getAssetsByCity")
def get_assets_by_city(call: Call) -> FakeResponse:
    return json_response(200, [])


@routes.get("/memories", "searchMemories")
def search_memories(call: Call) -> FakeResponse:
    return json_response(200, [])


@routes.get("/memories/statistics", "memoriesStatistics")
def memories_statistics(call: Call) -> FakeResponse:
    return json_response(200, {"total": 0})


@routes.get("/notifications", "getNotifications")
def get_notifications(call: Call) -> FakeResponse:
    return json_response(200, [])
