"""``/server/*``: version, features, media types, statistics, storage."""

from __future__ import annotations

import shutil
import tempfile

from .._http import FakeResponse, json_response
from .._media_types import IMAGE_TYPES, SIDECAR_TYPES, VIDEO_TYPES
from .._router import Call, RouteGroup
from .._wire import format_datetime

IMMICH_VERSION = (3, 0, 3)
VERSION_TEXT = "v{}.{}.{}".format(*IMMICH_VERSION)

routes = RouteGroup()


@routes.get("/server/ping", "pingServer", public=True)
def ping_server(call: Call) -> FakeResponse:
    return json_response(200, {"res": "pong"})


@routes.get("/server/version", "getServerVersion", public=True)
def get_server_version(call: Call) -> FakeResponse:
    major, minor, patch = IMMICH_VERSION
    return json_response(200, {"major": major, "minor": minor, "patch": patch, "prerelease": None})


@routes.get("/server/version-history", "getVersionHistory", public=True)
def get_version_history(call: Call) -> FakeResponse:
    installed = {
        "id": call.state.install_id,
        "createdAt": format_datetime(call.state.started_at),
        "version": VERSION_TEXT.lstrip("v"),
    }
    return json_response(200, [installed])


@routes.get("/server/about", "getAboutInfo")
def get_about_info(call: Call) -> FakeResponse:
    return json_response(
        200,
        {
            "version": VERSION_TEXT,
            "versionUrl": f"https://github.com/immich-app/immich/releases/tag/{VERSION_TEXT}",
            "licensed": False,
            # What a release build reports about itself (the fake has no tools of its own).
            "sourceRef": VERSION_TEXT,
            "sourceCommit": "",
            "nodejs": "v22.0.0",
            "exiftool": "13.0",
            "ffmpeg": "7.0",
            "libvips": "8.16.0",
            "imagemagick": "7.1.1",
        },
    )


@routes.get("/server/features", "getServerFeatures", public=True)
def get_server_features(call: Call) -> FakeResponse:
    enabled = {"passwordLogin", "search", "sidecar", "trash"}
    names = (
        "configFile",
        "duplicateDetection",
        "email",
        "facialRecognition",
        "importFaces",
        "map",
        "oauth",
        "oauthAutoLaunch",
        "ocr",
        "passwordLogin",
        "realtimeTranscoding",
        "reverseGeocoding",
        "search",
        "sidecar",
        "smartSearch",
        "trash",
    )
    return json_response(200, {name: name in enabled for name in names})


@routes.get("/server/media-types", "getSupportedMediaTypes", public=True)
def get_supported_media_types(call: Call) -> FakeResponse:
    return json_response(
        200,
        {"image": list(IMAGE_TYPES), "video": list(VIDEO_TYPES), "sidecar": list(SIDECAR_TYPES)},
    )


@routes.get("/server/config", "getServerConfig", public=True)
def get_server_config(call: Call) -> FakeResponse:
    return json_response(
        200,
        {
            "externalDomain": "",
            "isInitialized": True,
            "isOnboarded": True,
            "loginPageMessage": "",
            "maintenanceMode": False,
            "mapDarkStyleUrl": "https://tiles.immich.cloud/v1/style/dark.json",
            "mapLightStyleUrl": "https://tiles.immich.cloud/v1/style/light.json",
            "minFaces": 3,
            "oauthButtonText": "Login with OAuth",
            "publicUsers": True,
            "trashDays": 30,
            "userDeleteDelay": 7,
        },
    )


@routes.get("/server/statistics", "getServerStatistics", admin_only=True)
def get_server_statistics(call: Call) -> FakeResponse:
    state = call.state
    total = {"photos": 0, "videos": 0, "usage": 0, "usagePhotos": 0, "usageVideos": 0}
    by_user = []
    for user in state.users.values():
        row = {"photos": 0, "videos": 0, "usage": 0, "usagePhotos": 0, "usageVideos": 0}
        for asset in state.owned_assets(user.id):
            if asset.is_trashed:
                continue
            kind = "Photos" if asset.type == "IMAGE" else "Videos"
            row[kind.lower()] += 1
            row["usage"] += asset.blob.size
            row[f"usage{kind}"] += asset.blob.size
        for key, value in row.items():
            total[key] += value
        by_user.append({**row, "userId": user.id, "userName": user.name, "quotaSizeInBytes": None})
    return json_response(200, {**total, "usageByUser": by_user})


@routes.get("/server/storage", "getStorage")
def get_storage(call: Call) -> FakeResponse:
    directory = call.state.blobs.directory or tempfile.gettempdir()
    disk = shutil.disk_usage(directory)
    return json_response(
        200,
        {
            "diskSize": _human_size(disk.total),
            "diskSizeRaw": disk.total,
            "diskUse": _human_size(disk.used),
            "diskUseRaw": disk.used,
            "diskAvailable": _human_size(disk.free),
            "diskAvailableRaw": disk.free,
            "diskUsagePercentage": round(disk.used / disk.total * 100, 2) if disk.total else 0.0,
        },
    )


def _human_size(size: float) -> str:
    units = ("B", "KiB", "MiB", "GiB", "TiB")
    index = 0
    while size >= 1024 and index < len(units) - 1:
        size /= 1024
        index += 1
    return f"{size:.1f} {units[index]}"
