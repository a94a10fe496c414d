"""``/timeline/buckets`` (assets per month) and ``/view/folder/unique-paths``."""

from __future__ import annotations

from collections import Counter
from pathlib import PurePosixPath

from .._http import FakeResponse, json_response
from .._router import Call, RouteGroup
from .assets import VISIBILITIES

routes = RouteGroup()


@routes.get("/timeline/buckets", "getTimeBuckets")
def get_time_buckets(call: Call) -> FakeResponse:
    visibility = call.query_choice("visibility", VISIBILITIES)
    is_favorite = call.query_bool("isFavorite")
    is_trashed = bool(call.query_bool("isTrashed"))
    months: Counter[str] = Counter()
    for asset in call.state.owned_assets(call.user.id):
        if asset.is_trashed != is_trashed:
            continue
        # Immich's timeline shows the timeline and the archive unless told otherwise.
        if visibility is None and asset.visibility not in ("timeline", "archive"):
            continue
        if visibility is not None and asset.visibility != visibility:
            continue
        if is_favorite is not None and asset.is_favorite != is_favorite:
            continue
        months[asset.file_created_at.strftime("%Y-%m-01")] += 1
    order = call.query_choice("order", ("asc", "desc")) or "desc"
    buckets = sorted(months.items(), reverse=order == "desc")
    return json_response(200, [{"timeBucket": month, "count": count} for month, count in buckets])


@routes.get("/view/folder/unique-paths", "getUniqueOriginalPaths")
def get_unique_original_paths(call: Call) -> FakeResponse:
    folders = {
        str(PurePosixPath(asset.original_path).parent)
        for asset in call.state.owned_assets(call.user.id)
    }
    return json_response(200, sorted(folders))
