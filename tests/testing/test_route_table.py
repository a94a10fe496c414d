"""The fake's route table against the spec: every operation is either implemented, with the
spec's auth and admin rules, or listed as unimplemented and answered with 501."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from immich.testing import FakeImmich
from immich.testing._routes import IMPLEMENTED_ROUTES
from immich.testing._sync import IMPLEMENTED as SYNC_IMPLEMENTED
from immich.testing._unimplemented import UNIMPLEMENTED_OPERATIONS
from tests.spec_location import ROOT, load_spec

HTTP_METHODS = ("get", "post", "put", "patch", "delete")
SOME_ID = "5c1e7a8f-3b2d-4e6f-9a0b-1c2d3e4f5a6b"


def spec_operations() -> dict[tuple[str, str], dict[str, Any]]:
    return {
        (method.upper(), path): operation
        for path, item in load_spec()["paths"].items()
        for method, operation in item.items()
        if method in HTTP_METHODS
    }


def test_implemented_and_unimplemented_cover_the_spec_exactly() -> None:
    spec = {key: operation["operationId"] for key, operation in spec_operations().items()}
    implemented = {(r.method, r.template): r.operation_id for r in IMPLEMENTED_ROUTES}
    unimplemented = {(method, path): op for method, path, op in UNIMPLEMENTED_OPERATIONS}

    assert len(implemented) == len(IMPLEMENTED_ROUTES), "a route is declared twice"
    assert len(unimplemented) == len(UNIMPLEMENTED_OPERATIONS), "a 501 entry is listed twice"
    assert not implemented.keys() & unimplemented.keys(), "implemented yet listed as 501"
    missing = {key: op for key, op in spec.items() if key not in implemented | unimplemented}
    assert not missing, f"spec operations without a route or a 501 entry: {missing}"
    assert {**implemented, **unimplemented} == spec


def test_implemented_routes_follow_the_spec_security() -> None:
    operations = spec_operations()
    for route in IMPLEMENTED_ROUTES:
        operation = operations[(route.method, route.template)]
        assert route.public == (not operation.get("security")), route.operation_id
        assert route.admin_only == bool(operation.get("x-immich-admin-only")), route.operation_id


@pytest.fixture(scope="module")
def admin_client() -> Iterator[httpx.Client]:
    fake = FakeImmich()
    with httpx.Client(
        transport=fake.transport(),
        base_url="http://fake/api",
        headers={"x-api-key": fake.api_key},
    ) as client:
        yield client


@pytest.mark.parametrize(("method", "template", "operation_id"), UNIMPLEMENTED_OPERATIONS)
def test_every_unimplemented_operation_answers_501(
    admin_client: httpx.Client, method: str, template: str, operation_id: str
) -> None:
    path = re.sub(r"\{[^}]+\}", SOME_ID, template)
    response = admin_client.request(method, path)
    assert response.status_code == 501
    assert response.json()["operationId"] == operation_id


def test_the_testing_guide_gives_the_count_of_implemented_operations() -> None:
    guide = (ROOT / "docs" / "testing.md").read_text(encoding="utf-8")
    spec = load_spec()
    total = sum(
        1
        for item in spec["paths"].values()
        for method in item
        if method in {"get", "post", "put", "delete", "patch"}
    )
    implemented = total - len(UNIMPLEMENTED_OPERATIONS)
    assert f"{implemented} of the API's {total} operations are implemented" in guide
    assert [t for t in sorted(SYNC_IMPLEMENTED) if f"`{t}`" not in guide] == []
