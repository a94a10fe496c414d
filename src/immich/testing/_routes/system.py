"""Server-wide settings and maintenance state: what a fresh Immich 3.0.3 install answers,
since the fake has no configuration, licence, backups or plugins of its own."""

from __future__ import annotations

import copy
import json
from functools import cache
from importlib import resources
from typing import Any

from .._errors import not_found
from .._http import FakeResponse, json_response
from .._router import Call, RouteGroup
from .server import VERSION_TEXT

routes = RouteGroup()

# The storage folders Immich checks when it looks for an earlier installation.
STORAGE_FOLDERS = ("encoded-video", "library", "upload", "profile", "thumbs", "backups")


@cache
def _config_defaults() -> dict[str, Any]:
    text = resources.files(__package__.rsplit(".", 1)[0]).joinpath("_system_config_defaults.json")
    defaults: dict[str, Any] = json.loads(text.read_text(encoding="utf-8"))
    return defaults


def config_defaults() -> dict[str, Any]:
    """Immich 3.0.3's default system configuration (a copy the caller may change)."""
    return copy.deepcopy(_config_defaults())


@routes.get("/system-config", "getConfig", admin_only=True)
def get_config(call: Call) -> FakeResponse:
    return json_response(200, config_defaults())


@routes.get("/system-config/defaults", "getConfigDefaults", admin_only=True)
def get_config_defaults(call: Call) -> FakeResponse:
    return json_response(200, config_defaults())


@routes.get("/system-config/storage-template-options", "getStorageTemplateOptions", admin_only=True)
def get_storage_template_options(call: Call) -> FakeResponse:
    return json_response(
        200,
        {
            "secondOptions": ["s", "ss", "SSS"],
            "minuteOptions": ["m", "mm"],
            "dayOptions": ["d", "dd"],
            "weekOptions": ["W", "WW"],
            "hourOptions": ["h", "hh", "H", "HH"],
            "yearOptions": ["y", "yy"],
            "monthOptions": ["M", "MM", "MMM", "MMMM"],
            "presetOptions": [
                "{{y}}/{{y}}-{{MM}}-{{dd}}/{{filename}}",
                "{{y}}/{{MM}}-{{dd}}/{{filename}}",
                "{{y}}/{{MMMM}}-{{dd}}/{{filename}}",
                "{{y}}/{{MM}}/{{filename}}",
                "{{y}}/{{#if album}}{{album}}{{else}}Other/{{MM}}{{/if}}/{{filename}}",
                "{{#if album}}{{album-startDate-y}}/{{album}}{{else}}{{y}}/Other/{{MM}}{{/if}}/{{filename}}",
                "{{y}}/{{MMM}}/{{filename}}",
                "{{y}}/{{MMMM}}/{{filename}}",
                "{{y}}/{{MM}}/{{dd}}/{{filename}}",
                "{{y}}/{{MMMM}}/{{dd}}/{{filename}}",
                "{{y}}/{{y}}-{{MM}}/{{y}}-{{MM}}-{{dd}}/{{filename}}",
                "{{y}}-{{MM}}-{{dd}}/{{filename}}",
                "{{y}}-{{MMM}}-{{dd}}/{{filename}}",
                "{{y}}-{{MMMM}}-{{dd}}/{{filename}}",
                "{{y}}/{{y}}-{{MM}}/{{filename}}",
                "{{y}}/{{y}}-{{WW}}/{{filename}}",
                "{{y}}/{{y}}-{{MM}}-{{dd}}/{{assetId}}",
                "{{y}}/{{y}}-{{MM}}/{{assetId}}",
                "{{y}}/{{y}}-{{WW}}/{{assetId}}",
                "{{album}}/{{filename}}",
                "{{make}}/{{model}}/{{lensModel}}/{{filename}}",
            ],
        },
    )


@routes.get("/system-metadata/admin-onboarding", "getAdminOnboarding", admin_only=True)
def get_admin_onboarding(call: Call) -> FakeResponse:
    return json_response(200, {"isOnboarded": False})


@routes.get("/system-metadata/reverse-geocoding-state", "getReverseGeocodingState", admin_only=True)
def get_reverse_geocoding_state(call: Call) -> FakeResponse:
    # The fake has no geodata: nothing was ever imported.
    return json_response(200, {"lastUpdate": None, "lastImportFileName": None})


@routes.get("/system-metadata/version-check-state", "getVersionCheckState", admin_only=True)
def get_version_check_state(call: Call) -> FakeResponse:
    return json_response(200, {"checkedAt": None, "releaseVersion": None})


@routes.get("/server/version-check", "getVersionCheck")
def get_version_check(call: Call) -> FakeResponse:
    return json_response(200, {"checkedAt": None, "releaseVersion": None})


@routes.get("/server/apk-links", "getApkLinks")
def get_apk_links(call: Call) -> FakeResponse:
    base = f"https://github.com/immich-app/immich/releases/download/{VERSION_TEXT}"
    return json_response(
        200,
        {
            "arm64v8a": f"{base}/app-arm64-v8a-release.apk",
            "armeabiv7a": f"{base}/app-armeabi-v7a-release.apk",
            "universal": f"{base}/app-release.apk",
            "x86_64": f"{base}/app-x86_64-release.apk",
        },
    )


@routes.get("/server/license", "getServerLicense", admin_only=True)
def get_server_license(call: Call) -> FakeResponse:
    raise not_found("Not Found")  # unlicensed, as a fresh install is


@routes.get("/admin/maintenance/status", "getMaintenanceStatus", public=True)
def get_maintenance_status(call: Call) -> FakeResponse:
    return json_response(200, {"active": False, "action": "end"})


@routes.get("/admin/maintenance/detect-install", "detectPriorInstall", admin_only=True)
def detect_prior_install(call: Call) -> FakeResponse:
    uploads = sum(1 for asset in call.state.assets.values() if asset.library_id is None)
    storage = [
        {
            "folder": folder,
            "readable": True,
            "writable": True,
            "files": uploads if folder == "upload" else 0,
        }
        for folder in STORAGE_FOLDERS
    ]
    return json_response(200, {"storage": storage})


@routes.get("/admin/database-backups", "listDatabaseBackups", admin_only=True)
def list_database_backups(call: Call) -> FakeResponse:
    return json_response(200, {"backups": []})


@routes.get("/admin/integrity/summary", "getIntegrityReportSummary", admin_only=True)
def get_integrity_report_summary(call: Call) -> FakeResponse:
    return json_response(200, {"untracked_file": 0, "missing_file": 0, "checksum_mismatch": 0})


@routes.get("/plugins", "searchPlugins")
def search_plugins(call: Call) -> FakeResponse:
    return json_response(200, [])


@routes.get("/plugins/methods", "searchPluginMethods")
def search_plugin_methods(call: Call) -> FakeResponse:
    return json_response(200, [])


@routes.get("/plugins/templates", "searchPluginTemplates")
def search_plugin_templates(call: Call) -> FakeResponse:
    return json_response(200, [])


@routes.get("/workflows", "searchWorkflows")
def search_workflows(call: Call) -> FakeResponse:
    return json_response(200, [])


@routes.get("/workflows/triggers", "getWorkflowTriggers")
def get_workflow_triggers(call: Call) -> FakeResponse:
    return json_response(
        200,
        [
            {"trigger": "AssetCreate", "types": ["AssetV1"]},
            {"trigger": "AssetMetadataExtraction", "types": ["AssetV1"]},
        ],
    )
