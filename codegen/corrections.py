"""Where real Immich servers answer what their published spec does not describe.

The spec is generated from the server's DTOs, and a few answers are built outside them.
Each correction below is applied to every spec before generation, names the server code
that makes it necessary, and is exercised against real servers by the e2e suite; the
models then decode what the server really sends.
"""

from __future__ import annotations

import copy
from typing import Any

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
    return fixed
