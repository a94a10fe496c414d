"""Property-based: what a 2.7.5 server answers decodes into the 3.0.3 models.

For every operation both releases have, instances of its success body are generated from
the 2.7.5 spec's own schema and decoded with the response type of the 3.0.3 method, as
the client does. Fields 2.x leaves out are optional in the models, 2.x durations come as
text, renamed schemas and enum values either release lacks all have to decode.
"""

from __future__ import annotations

import json
from typing import Any

import hypothesis
import pytest
from hypothesis import HealthCheck, given, settings

import immich.models
from codegen import corrections
from immich import converter
from immich.models import AssetResponseDto
from tests.contract.openapi_schema import inline
from tests.contract.schema_strategies import from_schema
from tests.spec_location import DEFAULT_SPEC, load_spec

NEWEST = load_spec()
# With the corrections too: what real 2.x servers send, where their spec says less.
OLDER = corrections.apply(
    json.loads(DEFAULT_SPEC.with_name("immich-openapi-specs-2.7.5.json").read_text("utf-8"))
)
EXAMPLES = 8


def _json_responses(spec: dict[str, Any]) -> dict[str, dict[str, Any]]:
    found = {}
    for item in spec["paths"].values():
        for node in item.values():
            for code, response in node["responses"].items():
                content = response.get("content", {}).get("application/json")
                if code.startswith("2") and content:
                    found[node["operationId"]] = content["schema"]
                    break
    return found


def _python_type(node: dict[str, Any]) -> Any:
    """The type the 3.0.3 client decodes a response schema into (None: not a model)."""
    if "$ref" in node:
        return getattr(immich.models, node["$ref"].rsplit("/", 1)[-1])
    if node.get("type") == "array":
        item = _python_type(node["items"])
        return None if item is None else list[item]  # type: ignore[valid-type]
    return None


NEW_RESPONSES = _json_responses(NEWEST)
OLD_RESPONSES = _json_responses(OLDER)
CASES = sorted(
    (operation_id, OLD_RESPONSES[operation_id], _python_type(schema))
    for operation_id, schema in NEW_RESPONSES.items()
    if operation_id in OLD_RESPONSES and _python_type(schema) is not None
)


def test_most_operations_are_checked() -> None:
    assert len(CASES) > 150


@pytest.mark.parametrize(
    ("operation_id", "old_schema", "new_type"), CASES, ids=[c[0] for c in CASES]
)
def test_a_2x_answer_decodes_into_the_newest_model(
    operation_id: str, old_schema: dict[str, Any], new_type: Any
) -> None:
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
        phases=[hypothesis.Phase.generate],
    )
    @given(from_schema(inline(OLDER, old_schema, relax=True)))
    def check(instance: Any) -> None:
        converter.structure(instance, new_type)

    check()


def test_a_2x_asset_reads_its_duration_in_milliseconds() -> None:
    asset = converter.structure(
        {**_minimal_2x_asset(), "duration": "00:01:02.500"}, AssetResponseDto
    )
    assert asset.duration == 62500


def _minimal_2x_asset() -> dict[str, Any]:
    """The required fields of 2.7.5's AssetResponseDto, as a 2.x server fills them."""
    return {
        "checksum": "qUqP5cyxm6YcTAhz05Hph5gvu9M=",
        "createdAt": "2024-05-01T10:11:12.345Z",
        "deviceAssetId": "IMG_0001.jpg-100",
        "deviceId": "CLI",
        "duration": "0:00:00.00000",
        "fileCreatedAt": "2024-04-30T09:00:00.000Z",
        "fileModifiedAt": "2024-04-30T09:00:00.000Z",
        "hasMetadata": True,
        "height": 3000,
        "id": "0b2f6a5e-9a43-4c6c-9a1e-0c6f3f9b1d2a",
        "isArchived": False,
        "isEdited": False,
        "isFavorite": False,
        "isOffline": False,
        "isTrashed": False,
        "localDateTime": "2024-04-30T11:00:00.000Z",
        "originalFileName": "IMG_0001.jpg",
        "originalPath": "/data/library/admin/IMG_0001.jpg",
        "ownerId": "7d8c2f1e-3b4a-4e5f-8a9b-1c2d3e4f5a6b",
        "thumbhash": None,
        "type": "IMAGE",
        "updatedAt": "2024-05-01T10:11:12.345Z",
        "visibility": "timeline",
        "width": 4000,
    }
