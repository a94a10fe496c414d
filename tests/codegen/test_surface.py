"""The generated surface covers the whole spec, the same way on both clients."""

from __future__ import annotations

import enum
import importlib
import inspect
import re
from typing import Any

import attrs
import pytest

import immich
import immich.models
from codegen.naming import GROUP_BY_TAG
from immich._async.api import GROUPS as ASYNC_GROUPS
from immich._core import operations as _operations
from immich._sync.api import GROUPS as SYNC_GROUPS
from tests.spec_location import load_spec

SPEC = load_spec()
HTTP_METHODS = ("get", "put", "post", "delete", "patch", "head", "options")
SPEC_OPERATIONS = [
    (method.upper(), path, operation)
    for path, item in SPEC["paths"].items()
    for method, operation in item.items()
    if method in HTTP_METHODS
]
SCHEMAS = SPEC["components"]["schemas"]


def snake(name: str) -> str:
    """``getAllAlbums`` -> ``get_all_albums``, ``logoutOAuth`` -> ``logout_o_auth``."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def group_attribute(tag: str) -> str:
    """The client attribute of a spec tag: ``"Users (admin)"`` -> ``users_admin``."""
    return GROUP_BY_TAG[tag]


def group_classes(group: str) -> tuple[type, type]:
    camel = "".join(part.capitalize() for part in group.split("_"))
    async_module = importlib.import_module(f"immich._async.api.{group}")
    sync_module = importlib.import_module(f"immich._sync.api.{group}")
    return getattr(async_module, f"Async{camel}Api"), getattr(sync_module, f"{camel}Api")


def test_the_spec_has_254_operations() -> None:
    assert len(SPEC_OPERATIONS) == 254
    assert len({op["operationId"] for _, _, op in SPEC_OPERATIONS}) == 254


def test_the_operations_table_has_every_operation() -> None:
    table = _operations.OPERATIONS
    assert len(table) == 254
    assert set(table) == {op["operationId"] for _, _, op in SPEC_OPERATIONS}
    for method, path, op in SPEC_OPERATIONS:
        entry = table[op["operationId"]]
        assert (entry.method, entry.path) == (method, path), op["operationId"]
        assert entry.name == snake(op["operationId"])


def test_there_are_38_groups_on_both_clients() -> None:
    tags = {tag["name"] for tag in SPEC["tags"]}
    assert len(tags) == 38
    # Every operation's tag is declared ("Integrity (admin)" is declared but, in 3.0.3, empty).
    assert {tag for _, _, op in SPEC_OPERATIONS for tag in op["tags"]} <= tags
    assert set(GROUP_BY_TAG) == tags  # every tag has a name, no name without a tag
    assert ASYNC_GROUPS == SYNC_GROUPS
    assert len(ASYNC_GROUPS) == 38
    assert set(ASYNC_GROUPS) == {group_attribute(tag) for tag in tags}
    for group in ASYNC_GROUPS:
        async_cls, sync_cls = group_classes(group)
        assert hasattr(immich.AsyncClient, group), group
        assert hasattr(immich.Client, group), group
        assert sync_cls.__name__ == async_cls.__name__.removeprefix("Async")


def test_group_names_are_snake_case_tags() -> None:
    assert GROUP_BY_TAG["Users (admin)"] == "users_admin"
    assert GROUP_BY_TAG["Shared links"] == "shared_links"
    assert GROUP_BY_TAG["API keys"] == "api_keys"
    for name in GROUP_BY_TAG.values():
        assert re.fullmatch(r"[a-z]+(_[a-z]+)*", name), name


@pytest.mark.parametrize(
    ("method", "path", "operation"),
    SPEC_OPERATIONS,
    ids=[op["operationId"] for _, _, op in SPEC_OPERATIONS],
)
def test_every_operation_is_a_method_of_every_group_of_its_tags(
    method: str, path: str, operation: dict[str, Any]
) -> None:
    name = snake(operation["operationId"])
    assert operation["tags"], "every operation is tagged"
    for tag in operation["tags"]:
        async_cls, sync_cls = group_classes(group_attribute(tag))
        async_method = getattr(async_cls, name)
        sync_method = getattr(sync_cls, name)
        assert inspect.iscoroutinefunction(async_method), f"{tag}: {name}"
        assert not inspect.iscoroutinefunction(sync_method), f"{tag}: {name}"
        assert _parameters(async_method) == _parameters(sync_method), f"{tag}: {name}"
        assert f"{method} /api{path}" in (async_method.__doc__ or ""), f"{tag}: {name}"
        assert f"{method} /api{path}" in (sync_method.__doc__ or ""), f"{tag}: {name}"


def _parameters(method: Any) -> list[tuple[str, Any, Any, Any]]:
    return [
        (p.name, p.kind, p.default, p.annotation)
        for p in inspect.signature(method).parameters.values()
    ]


async def test_groups_are_reachable_on_instances() -> None:
    async with immich.AsyncClient("http://localhost:2283") as aclient:
        with immich.Client("http://localhost:2283") as client:
            for group in ASYNC_GROUPS:
                async_cls, sync_cls = group_classes(group)
                assert type(getattr(aclient, group)) is async_cls
                assert type(getattr(client, group)) is sync_cls


def test_api_version() -> None:
    assert immich.API_VERSION == "3.0.3"
    assert SPEC["info"]["version"] == immich.API_VERSION


def test_every_component_schema_has_a_model() -> None:
    assert (
        len(SCHEMAS) == 378
    )  # the spec's 376, SanitizedAssetResponseDto and SyncStreamLine (codegen/corrections.py)
    assert set(SCHEMAS) <= set(immich.models.__all__)
    for name, schema in SCHEMAS.items():
        model = getattr(immich.models, name)
        assert model.__name__ == name
        if "enum" in schema:
            assert issubclass(model, enum.Enum), name
            assert {m.value for m in model} == set(schema["enum"]), name
        else:
            if "$ref" in schema:  # an alias of another schema
                schema = SCHEMAS[schema["$ref"].rsplit("/", 1)[-1]]
            assert attrs.has(model), name
            fields = {f.name for f in attrs.fields(model)}
            assert len(fields) == len(schema["properties"]), name


def test_every_model_has_a_docstring() -> None:
    missing = [
        name
        for name in immich.models.__all__
        if not (getattr(immich.models, name).__doc__ or "").strip()
    ]
    assert missing == []
