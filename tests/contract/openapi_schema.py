"""OpenAPI 3.0 schemas from the spec as plain JSON Schema, for validators and generators."""

from __future__ import annotations

import copy
from typing import Any

# Keys that constrain *inputs* only; decoding never enforces them (see the README).
RELAXED_KEYS = ("pattern",)


def json_schema(spec: dict[str, Any], name: str, *, relax: bool = False) -> dict[str, Any]:
    """Component schema ``name`` with every ``$ref`` inlined and ``nullable`` translated."""
    components = spec["components"]["schemas"]
    return _convert(copy.deepcopy(components[name]), components, relax)


def inline(spec: dict[str, Any], node: dict[str, Any], *, relax: bool = False) -> dict[str, Any]:
    return _convert(copy.deepcopy(node), spec["components"]["schemas"], relax)


def _convert(node: Any, components: dict[str, Any], relax: bool) -> Any:
    if isinstance(node, list):
        return [_convert(item, components, relax) for item in node]
    if not isinstance(node, dict):
        return node
    if "$ref" in node:
        target = components[node["$ref"].rsplit("/", 1)[-1]]
        # Siblings of a $ref (nullable, description) apply to the referenced schema.
        node = {**copy.deepcopy(target), **{k: v for k, v in node.items() if k != "$ref"}}
        return _convert(node, components, relax)
    result: dict[str, Any] = {}
    for key, value in node.items():
        if key.startswith("x-") or key in ("example", "description", "nullable"):
            continue
        if relax and key in RELAXED_KEYS:
            continue
        if key == "properties":  # property names are data, not schema keywords
            result[key] = {k: _convert(v, components, relax) for k, v in value.items()}
        else:
            result[key] = _convert(value, components, relax)
    if node.get("nullable"):
        result = _nullable(result)
    return result


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    if "enum" in schema:
        schema["enum"] = [*schema["enum"], None]
    if isinstance(schema.get("type"), str):
        schema["type"] = [schema["type"], "null"]
        return schema
    return {"anyOf": [schema, {"type": "null"}]}
