"""``/libraries/*`` (admin only): external libraries and their scans."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .._dto import library_dto
from .._errors import bad_request, not_found
from .._http import FakeResponse, empty_response, json_response
from .._library_scan import check_existing_assets, import_new_files
from .._router import Call, RouteGroup
from .._state import FakeState, Library
from .._wire import utc_now

routes = RouteGroup()


def _library(call: Call) -> Library:
    library = call.state.libraries.get(call.path_id())
    if library is None:
        raise not_found("Library not found")
    return library


def queue_library_scan(state: FakeState, library: Library) -> None:
    """A scan is two jobs on the ``library`` queue, as Immich queues them: importing new
    files, then checking the assets there are (they run when due, or when a paused queue
    resumes)."""
    library_id = library.id

    def step(work: Callable[[FakeState, Library], None]) -> Callable[[], None]:
        def run() -> None:
            current = state.libraries.get(library_id)
            if current is not None:
                work(state, current)

        return run

    data = {"id": library_id}
    state.queues.submit("library", "LibrarySyncFilesQueueAll", step(import_new_files), data=data)
    state.queues.submit(
        "library", "LibraryScanAssetsQueueAll", step(check_existing_assets), data=dict(data)
    )


@routes.get("/libraries", "getAllLibraries", admin_only=True)
def get_all_libraries(call: Call) -> FakeResponse:
    libraries = sorted(call.state.libraries.values(), key=lambda library: library.created_at)
    return json_response(200, [library_dto(call.state, library) for library in libraries])


@routes.post("/libraries", "createLibrary", admin_only=True)
def create_library(call: Call) -> FakeResponse:
    fields = call.json()
    owner_id = fields.required_uuid("ownerId")
    if owner_id not in call.state.users:
        raise bad_request("User not found")
    library = Library(
        owner_id=owner_id,
        name=fields.string("name") or "New External Library",
        import_paths=fields.string_list("importPaths") or [],
        exclusion_patterns=fields.string_list("exclusionPatterns") or [],
    )
    call.state.libraries[library.id] = library
    return json_response(201, library_dto(call.state, library))


@routes.get("/libraries/{id}", "getLibrary", admin_only=True)
def get_library(call: Call) -> FakeResponse:
    return json_response(200, library_dto(call.state, _library(call)))


@routes.put("/libraries/{id}", "updateLibrary", admin_only=True)
def update_library(call: Call) -> FakeResponse:
    library = _library(call)
    fields = call.json()
    name = fields.string("name")
    import_paths = fields.string_list("importPaths")
    exclusion_patterns = fields.string_list("exclusionPatterns")
    if name is not None:
        library.name = name
    if import_paths is not None:
        library.import_paths = import_paths
    if exclusion_patterns is not None:
        library.exclusion_patterns = exclusion_patterns
    library.updated_at = utc_now()
    return json_response(200, library_dto(call.state, library))


@routes.delete("/libraries/{id}", "deleteLibrary", admin_only=True)
def delete_library(call: Call) -> FakeResponse:
    library = _library(call)
    for asset in [a for a in call.state.assets.values() if a.library_id == library.id]:
        call.state.remove_asset(asset)
    del call.state.libraries[library.id]
    return empty_response()


@routes.post("/libraries/{id}/scan", "scanLibrary", admin_only=True)
def scan_library_route(call: Call) -> FakeResponse:
    queue_library_scan(call.state, _library(call))
    return empty_response()


@routes.get("/libraries/{id}/statistics", "getLibraryStatistics", admin_only=True)
def get_library_statistics(call: Call) -> FakeResponse:
    library = _library(call)
    # As Immich counts: trashed assets too (missing files wait in the trash), hidden ones
    # (a live photo's video) not; the usage adds the sizes the metadata jobs recorded.
    assets = [asset for asset in call.state.assets.values() if asset.library_id == library.id]
    shown = [asset for asset in assets if asset.visibility != "hidden"]
    photos = sum(1 for asset in shown if asset.type == "IMAGE")
    videos = sum(1 for asset in shown if asset.type == "VIDEO")
    return json_response(
        200,
        {
            "photos": photos,
            "videos": videos,
            "total": photos + videos,
            "usage": sum(asset.blob.size for asset in assets if asset.metadata_extracted),
        },
    )


def _check_import_path(import_path: str) -> dict[str, Any]:
    """The messages Immich gives when validating an import path."""
    result: dict[str, Any] = {"importPath": import_path, "isValid": False}
    path = Path(import_path)
    if not path.is_absolute():
        result["message"] = f"Import path must be absolute, try {path.resolve()}"
    elif not path.exists():
        result["message"] = "Path does not exist (ENOENT)"
    elif not path.is_dir():
        result["message"] = "Not a directory"
    elif not os.access(path, os.R_OK):
        result["message"] = "Lacking read permission for folder"
    else:
        result["isValid"] = True
    return result


@routes.post("/libraries/{id}/validate", "validate", admin_only=True)
def validate_library(call: Call) -> FakeResponse:
    _library(call)
    import_paths = call.json().string_list("importPaths") or []
    return json_response(200, {"importPaths": [_check_import_path(p) for p in import_paths]})
