"""Each generated method and operation entry says what the spec says about its endpoint."""

from __future__ import annotations

import inspect
from typing import Any

import pytest

from codegen.naming import GROUP_BY_TAG, python_name
from immich import UNSET
from immich._async import api as async_api
from immich._core.operations import OPERATIONS
from immich._core.types import Unset
from immich._core.version_table import FIELDS, VERSIONS
from tests.spec_location import load_spec

SPEC = load_spec()
SCHEMAS = SPEC["components"]["schemas"]
CASES = [
    (method.upper(), path, op)
    for path, item in SPEC["paths"].items()
    for method, op in item.items()
    if isinstance(op, dict) and "operationId" in op
]
IDS = [op["operationId"] for _, _, op in CASES]

BODY_KINDS = {
    "application/json": "json",
    "multipart/form-data": "multipart",
    "application/x-www-form-urlencoded": "form",
}


def group_class(tag: str) -> type:
    group = GROUP_BY_TAG[tag]
    camel = "".join(part.capitalize() for part in group.split("_"))
    module = __import__(f"immich._async.api.{group}", fromlist=["_"])
    return getattr(module, f"Async{camel}Api")  # type: ignore[no-any-return]


def response_kind(op: dict[str, Any]) -> str:
    kinds = set()
    for code, response in op["responses"].items():
        if not code.startswith("2"):
            continue
        content = response.get("content", {})
        if not content:
            kinds.add("empty")
        elif "application/json" in content:
            kinds.add("json")
        elif "application/jsonlines+json" in content:
            kinds.add("jsonlines")
        elif "application/octet-stream" in content:
            kinds.add("binary")
        else:
            kinds.add("text")
    assert len(kinds) == 1, op["operationId"]
    return kinds.pop()


def body_schema_name(op: dict[str, Any]) -> str | None:
    body = op.get("requestBody")
    if not body:
        return None
    (content,) = body["content"].values()
    return content["schema"]["$ref"].rsplit("/", 1)[-1]  # type: ignore[no-any-return]


def body_schema(op: dict[str, Any]) -> dict[str, Any] | None:
    name = body_schema_name(op)
    return None if name is None else SCHEMAS[name]  # type: ignore[no-any-return]


def _response_schemas() -> set[str]:
    def refs(node: Any) -> list[str]:
        if isinstance(node, dict):
            own = [node["$ref"].rsplit("/", 1)[-1]] if "$ref" in node else []
            return own + [r for value in node.values() for r in refs(value)]
        if isinstance(node, list):
            return [r for value in node for r in refs(value)]
        return []

    found: set[str] = set()
    pending = [
        r for item in SPEC["paths"].values() for o in item.values() for r in refs(o["responses"])
    ]
    while pending:
        name = pending.pop()
        if name not in found:
            found.add(name)
            pending += refs(SCHEMAS[name])
    return found


RESPONSE_SCHEMAS = _response_schemas()


def older_servers_leave_out(schema: str, wire: str) -> bool:
    """A field of a schema that responses use too, which an older release's answers lack:
    optional in the model, so that those answers decode (see codegen/versions.py)."""
    history = FIELDS.get(schema, {}).get(wire)
    return (
        schema in RESPONSE_SCHEMAS
        and history is not None
        and set(history.required) != set(VERSIONS)
    )


@pytest.mark.parametrize(("method", "path", "op"), CASES, ids=IDS)
def test_operation_entry_matches_the_spec(method: str, path: str, op: dict[str, Any]) -> None:
    entry = OPERATIONS[op["operationId"]]
    assert entry.method == method
    assert entry.path == path
    body = op.get("requestBody")
    assert entry.body == (BODY_KINDS[next(iter(body["content"]))] if body else None)
    assert entry.response == response_kind(op)
    assert set(entry.success) == {int(c) for c in op["responses"] if c.startswith("2")}
    assert entry.deprecated == bool(op.get("deprecated"))
    assert entry.permission == op.get("x-immich-permission")
    assert entry.admin_only == bool(op.get("x-immich-admin-only"))
    if method in ("GET", "PUT", "DELETE"):
        assert entry.is_retry_safe({})
    if method == "POST" and path.startswith("/search/"):
        assert entry.read_only, "searches change nothing and may be repeated"


@pytest.mark.parametrize(("method", "path", "op"), CASES, ids=IDS)
def test_method_signature_matches_the_spec(method: str, path: str, op: dict[str, Any]) -> None:
    name = OPERATIONS[op["operationId"]].name
    for tag in op["tags"]:
        signature = inspect.signature(getattr(group_class(tag), name))
        params = dict(signature.parameters)
        params.pop("self")

        # Path parameters: positional, required, in the order of the path.
        path_params = [p for p in op.get("parameters", []) if p["in"] == "path"]
        ordered = sorted(path_params, key=lambda p: path.index("{" + p["name"] + "}"))
        positional = [
            n for n, p in params.items() if p.kind is inspect.Parameter.POSITIONAL_OR_KEYWORD
        ]
        assert positional == [python_name(p["name"]) for p in ordered], name
        for p in path_params:
            assert params[python_name(p["name"])].default is inspect.Parameter.empty

        # Query and header parameters, then body fields: keyword-only.
        expected: dict[str, bool] = {}
        for p in op.get("parameters", []):
            if p["in"] in ("query", "header"):
                expected[python_name(p["name"])] = bool(p.get("required"))
        schema = body_schema(op)
        if schema is not None:
            schema_name = body_schema_name(op)
            assert schema_name is not None
            required = set(schema.get("required", []))
            for wire in schema.get("properties", {}):
                py = python_name(wire)
                if py in expected or py in positional:
                    py = f"body_{py}"
                expected[py] = wire in required and not older_servers_leave_out(schema_name, wire)
        expected["timeout"] = False
        keyword_only = {
            n: p.default is inspect.Parameter.empty
            for n, p in params.items()
            if p.kind is inspect.Parameter.KEYWORD_ONLY
        }
        assert keyword_only == expected, name
        for n, is_required in expected.items():
            if not is_required:
                assert params[n].default is UNSET, f"{name}({n})"
                assert "Unset" in str(params[n].annotation), f"{name}({n})"


def test_every_operation_lives_in_the_groups_of_its_tags() -> None:
    classes = {
        group: group_class(next(t for t, g in GROUP_BY_TAG.items() if g == group))
        for group in async_api.GROUPS
    }
    for _, _, op in CASES:
        name = OPERATIONS[op["operationId"]].name
        tagged = {GROUP_BY_TAG[t] for t in op["tags"]}
        homes = {g for g, cls in classes.items() if name in vars(cls)}
        assert tagged <= homes, name
        # Anywhere else, it is the very same method, offered under a second group.
        functions = {vars(classes[g])[name] for g in homes}
        assert len(functions) == 1, f"{name} differs between {sorted(homes)}"


def test_unset_is_its_own_type() -> None:
    assert isinstance(UNSET, Unset)
    assert not UNSET
    assert repr(UNSET) == "UNSET"
