"""Where real Immich servers answer what their published spec does not describe.

The spec is generated from the server's DTOs, and a few answers are built outside them.
Each correction below is applied to every spec before generation, names the server code
that makes it necessary, and is exercised against real servers by the e2e suite; the
models then decode what the server really sends.
"""

from __future__ import annotations

import copy
from typing import Any

from immich._core.sync import SYNC_ITEMS

# server/src/dtos/asset-response.dto.ts, mapAsset(..., {stripMetadata: true}): what a
# shared link made with showMetadata=false shows of each asset (and getAssetInfo to its
# visitors): ten fields of AssetResponseDto, under the name SanitizedAssetResponseDto,
# which no operation of the spec mentions.
SANITIZED_FIELDS = (
    "id",
    "type",
    "thumbhash",
    "originalMimeType",
    "localDateTime",
    "duration",
    "livePhotoVideoId",
    "hasMetadata",
    "width",
    "height",
)
SANITIZED_OPTIONAL = ("originalMimeType", "livePhotoVideoId")

# Timestamps the spec types as plain strings, which the server writes with
# toISOString() (server/src/dtos/session.dto.ts mapSession, plugin.dto.ts mapPlugin,
# workflow's mapping, auth.service.ts getAuthStatus; the version check's checkedAt with
# Luxon's toISO()), in 2.7.5 as in 3.0.3: decoded as datetimes, as every other timestamp.
TIMESTAMPS = {
    "SessionResponseDto": ("createdAt", "updatedAt", "expiresAt"),
    "SessionCreateResponseDto": ("createdAt", "updatedAt", "expiresAt"),
    "AuthStatusResponseDto": ("expiresAt", "pinExpiresAt"),
    "PluginResponseDto": ("createdAt", "updatedAt"),
    "WorkflowResponseDto": ("createdAt", "updatedAt"),
    "VersionCheckStateResponseDto": ("checkedAt",),
}


def apply(spec: dict[str, Any]) -> dict[str, Any]:
    """``spec`` with the corrections made (a copy; the original is left as it is)."""
    fixed = copy.deepcopy(spec)
    schemas = fixed["components"]["schemas"]
    asset = schemas["AssetResponseDto"]
    schemas.setdefault(
        "SanitizedAssetResponseDto",
        {
            "type": "object",
            "description": (
                "An asset as a shared link that hides metadata shows it (the spec does "
                "not describe this answer: see codegen/corrections.py)."
            ),
            "properties": {
                name: copy.deepcopy(asset["properties"][name]) for name in SANITIZED_FIELDS
            },
            "required": [n for n in SANITIZED_FIELDS if n not in SANITIZED_OPTIONAL],
        },
    )
    link_assets = schemas["SharedLinkResponseDto"]["properties"]["assets"]
    link_assets["items"] = {
        "anyOf": [
            {"$ref": "#/components/schemas/AssetResponseDto"},
            {"$ref": "#/components/schemas/SanitizedAssetResponseDto"},
        ]
    }
    for name, properties in TIMESTAMPS.items():
        for prop in properties:
            found = schemas.get(name, {}).get("properties", {}).get(prop)
            if found is not None and found.get("type") == "string" and "format" not in found:
                found["format"] = "date-time"
    _describe_sync_stream(fixed)
    return fixed


def _describe_sync_stream(spec: dict[str, Any]) -> None:
    """server/src/controllers/sync.controller.ts, getSyncStream: the answer is
    ``application/jsonlines+json``, one ``{"type", "data", "ack"}`` object per line
    (server/src/utils/sync.ts, serialize), which the spec leaves out (a 200 without
    content). Described here (``SyncStreamLine``), the generated method returns the
    lines, and the models of the lines' data (the server's ``SyncItem`` map,
    ``immich._core.sync.SYNC_ITEMS``, under ``x-sync-items``) are response models: a
    field an older server leaves out is optional in them. (The map is an extension, not
    a property, so that comparing releases pairs no model with another of its list.)"""
    operation = spec.get("paths", {}).get("/sync/stream", {}).get("post")
    if operation is None:
        return
    schemas = spec["components"]["schemas"]
    schemas["SyncStreamLine"] = {
        "type": "object",
        "description": (
            "One line of the sync stream (see codegen/corrections.py): the type of the "
            "entity, its data (the model x-sync-items names for the type), and the ack "
            "to send once it is stored."
        ),
        "properties": {
            "type": {"$ref": "#/components/schemas/SyncEntityType"},
            "data": {"type": "object", "additionalProperties": True},
            "ack": {"type": "string"},
        },
        "required": ["type", "data", "ack"],
        "x-sync-items": {
            entity: {"$ref": f"#/components/schemas/{name}"}
            for entity, name in SYNC_ITEMS.items()
            if name in schemas
        },
    }
    operation["responses"]["200"]["content"] = {
        "application/jsonlines+json": {"schema": {"$ref": "#/components/schemas/SyncStreamLine"}}
    }
