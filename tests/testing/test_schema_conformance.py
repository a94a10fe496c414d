"""Every JSON body the fake answers with validates against the spec's schema for that
operation and status.

A scripted session calls every implemented operation with realistic requests while an httpx
event hook records each response; the spec (not the fake's router) then tells which
operation answered and which schema applies. OpenAPI 3.0's ``nullable`` becomes a JSON
Schema type list, ``$ref``s resolve through a ``referencing`` registry, and objects get
``additionalProperties: false`` so that a field the spec does not know fails too.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from immich.testing import FakeImmich
from immich.testing._routes import IMPLEMENTED_ROUTES
from tests.spec_location import load_spec

from ._media import make_jpeg

SPEC_URI = "urn:immich-openapi"
# Statuses the real server sends without the spec listing them: Express answers Range
# requests on files with 206, and a user without a licence gets 404.
UNLISTED_SUCCESS_STATUSES = {("downloadAsset", 206), ("getUserLicense", 404)}
_DROPPED_KEYS = {"nullable", "example", "description", "format", "discriminator"}


def to_json_schema(node: Any) -> Any:
    """OpenAPI 3.0 schema -> JSON Schema 2020-12."""
    if isinstance(node, list):
        return [to_json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    converted: dict[str, Any] = {}
    for key, value in node.items():
        if key in _DROPPED_KEYS or key.startswith("x-"):
            continue
        if key == "$ref":
            converted[key] = SPEC_URI + value
        elif key == "properties":
            converted[key] = {name: to_json_schema(child) for name, child in value.items()}
        elif key == "enum":
            converted[key] = list(value)
        else:
            converted[key] = to_json_schema(value)
    if converted.get("type") == "object" and "properties" in converted:
        converted.setdefault("additionalProperties", False)
    if node.get("nullable"):
        if "type" in converted and "$ref" not in converted:
            converted["type"] = [converted["type"], "null"]
            if "enum" in converted:
                converted["enum"].append(None)
        else:
            converted = {"anyOf": [converted, {"type": "null"}]}
    return converted


@pytest.fixture(scope="module")
def registry() -> Registry[Any]:
    schemas = to_json_schema(load_spec()["components"]["schemas"])
    resource = Resource.from_contents(
        {"components": {"schemas": schemas}}, default_specification=DRAFT202012
    )
    return Registry().with_resource(SPEC_URI, resource)


class SpecOperations:
    """Finds the spec operation for a request path, literal segments before parameters."""

    def __init__(self, spec: dict[str, Any]) -> None:
        entries = []
        for template, item in spec["paths"].items():
            pattern = re.compile("^" + re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(template)) + "$")
            precedence = [segment.startswith("{") for segment in template.split("/")]
            for method, operation in item.items():
                entries.append((precedence, method.upper(), pattern, operation))
        entries.sort(key=lambda entry: entry[0])
        self._entries = [(method, pattern, operation) for _, method, pattern, operation in entries]

    def find(self, method: str, path: str) -> dict[str, Any]:
        for route_method, pattern, operation in self._entries:
            if route_method == method and pattern.match(path):
                operation_found: dict[str, Any] = operation
                return operation_found
        raise AssertionError(f"no spec operation for {method} {path}")


@dataclass
class Recorded:
    operation_id: str
    method: str
    path: str
    status: int
    content_type: str
    body: bytes
    schema: dict[str, Any] | None
    documented: bool


@pytest.fixture(scope="module")
def recorded(tmp_path_factory: pytest.TempPathFactory) -> list[Recorded]:
    operations = SpecOperations(load_spec())
    records: list[Recorded] = []

    def record(response: httpx.Response) -> None:
        response.read()
        path = response.request.url.path
        if not path.startswith("/api/"):
            return
        method = response.request.method
        operation = operations.find(method, path.removeprefix("/api"))
        documented = operation["responses"].get(str(response.status_code))
        content = (documented or {}).get("content", {})
        schema = content.get("application/json", {}).get("schema")
        records.append(
            Recorded(
                operation["operationId"],
                method,
                path,
                response.status_code,
                response.headers.get("content-type", ""),
                response.content,
                schema,
                documented is not None,
            )
        )

    fake = FakeImmich()
    with httpx.Client(
        transport=fake.transport(),
        base_url="http://fake/api",
        headers={"x-api-key": fake.api_key},
        event_hooks={"response": [record]},
    ) as client:
        exercise_every_route(client, fake, tmp_path_factory.mktemp("library"))
    return records


# GETs without parameters that answer with defaults; a fresh server has no licences (404).
PARAMETERLESS_GETS = (
    "/admin/database-backups",
    "/admin/integrity/summary",
    "/admin/maintenance/detect-install",
    "/admin/maintenance/status",
    "/auth/status",
    "/duplicates",
    "/map/markers",
    "/memories",
    "/memories/statistics",
    "/notifications",
    "/people",
    "/plugins",
    "/plugins/methods",
    "/plugins/templates",
    "/search/cities",
    "/server/apk-links",
    "/server/license",
    "/server/version-check",
    "/sessions",
    "/stacks",
    "/system-config",
    "/system-config/defaults",
    "/system-config/storage-template-options",
    "/system-metadata/admin-onboarding",
    "/system-metadata/reverse-geocoding-state",
    "/system-metadata/version-check-state",
    "/timeline/buckets",
    "/users/me/license",
    "/users/me/onboarding",
    "/users/me/preferences",
    "/view/folder/unique-paths",
    "/workflows",
    "/workflows/triggers",
)
ANSWERS_404 = {"/server/license", "/users/me/license"}


def ok(response: httpx.Response) -> Any:
    assert response.is_success, f"{response.request.method} {response.request.url}: {response.text}"
    kind = response.headers.get("content-type", "").split(";")[0].strip()
    return response.json() if kind == "application/json" else None


def exercise_every_route(client: httpx.Client, fake: FakeImmich, library_dir: Path) -> None:
    """A realistic session that calls each implemented operation at least once."""
    for path in (
        "/server/ping",
        "/server/version",
        "/server/version-history",
        "/server/about",
        "/server/features",
        "/server/media-types",
        "/server/config",
        "/server/storage",
    ):
        ok(client.get(path))

    login = ok(
        client.post(
            "/auth/login", json={"email": fake.admin_email, "password": fake.admin_password}
        )
    )
    bearer = {"authorization": f"Bearer {login['accessToken']}"}
    # Immich prefers a session (the login's cookie) to the API key: keep calling as the key.
    client.cookies.clear()
    ok(client.post("/auth/validateToken"))

    user = ok(
        client.post(
            "/admin/users",
            json={"email": "sam@example.com", "name": "Sam", "password": "pw", "isAdmin": False},
        )
    )
    user_b = ok(
        client.post(
            "/admin/users", json={"email": "bo@example.com", "name": "Bo", "password": "pw"}
        )
    )
    ok(client.get("/admin/users"))
    ok(client.get(f"/admin/users/{user['id']}"))
    ok(client.get("/users"))
    ok(client.get(f"/users/{user['id']}"))
    ok(client.get("/users/me"))
    ok(client.get("/api-keys/me"))
    created_key = ok(client.post("/api-keys", json={"name": "ci", "permissions": ["asset.read"]}))
    key_id = created_key["apiKey"]["id"]
    ok(client.get("/api-keys"))
    ok(client.get(f"/api-keys/{key_id}"))
    ok(client.put(f"/api-keys/{key_id}", json={"name": "ci-2"}))
    ok(client.delete(f"/api-keys/{key_id}"))

    images = [make_jpeg(index) for index in range(6)]
    asset_ids = []
    for index, data in enumerate(images):
        uploaded = ok(
            client.post(
                "/assets",
                files={"assetData": (f"IMG_{index}.jpg", data, "image/jpeg")},
                data={
                    "fileCreatedAt": f"2024-02-0{index + 1}T10:00:00Z",
                    "fileModifiedAt": "2024-02-10T10:00:00Z",
                    "isFavorite": "true" if index == 0 else "false",
                },
            )
        )
        asset_ids.append(uploaded["id"])
    ok(
        client.post(
            "/assets",
            files={"assetData": ("again.jpg", images[0], "image/jpeg")},
            data={
                "fileCreatedAt": "2024-01-01T00:00:00Z",
                "fileModifiedAt": "2024-01-01T00:00:00Z",
            },
        )
    )
    ok(
        client.post(
            "/assets",
            files={"assetData": ("clip.mp4", b"not really a video", "video/mp4")},
            data={
                "fileCreatedAt": "2024-03-01T00:00:00Z",
                "fileModifiedAt": "2024-03-01T00:00:00Z",
                "duration": "1500",
            },
        )
    )
    ok(
        client.post(
            "/assets/bulk-upload-check",
            json={
                "assets": [
                    {"id": "1", "checksum": fake.asset(asset_ids[0])["checksum"]},
                    {"id": "2", "checksum": "0" * 40},
                ]
            },
        )
    )
    ok(client.get("/assets/statistics"))
    ok(client.get(f"/assets/{asset_ids[0]}"))
    ok(client.put(f"/assets/{asset_ids[0]}", json={"description": "hello", "rating": 5}))
    ok(client.put("/assets", json={"ids": asset_ids[:2], "visibility": "archive"}))
    ok(client.get(f"/assets/{asset_ids[0]}/original"))
    ok(client.get(f"/assets/{asset_ids[0]}/original", headers={"range": "bytes=0-9"}))
    ok(client.get(f"/assets/{asset_ids[0]}/thumbnail"))

    tags = ok(client.put("/tags", json={"tags": ["places/paris", "pets"]}))
    tag = ok(
        client.post("/tags", json={"name": "louvre", "parentId": tags[0]["id"], "color": "#123456"})
    )
    ok(client.get("/tags"))
    ok(client.get(f"/tags/{tag['id']}"))
    ok(client.put(f"/tags/{tag['id']}", json={"color": "#654321"}))
    ok(client.put(f"/tags/{tag['id']}/assets", json={"ids": asset_ids[:2]}))
    ok(client.put("/tags/assets", json={"tagIds": [tags[1]["id"]], "assetIds": asset_ids[2:4]}))
    ok(client.request("DELETE", f"/tags/{tag['id']}/assets", json={"ids": [asset_ids[0]]}))
    ok(client.get(f"/assets/{asset_ids[1]}"))
    ok(client.delete(f"/tags/{tags[1]['id']}"))
    stack = ok(client.post("/stacks", json={"assetIds": asset_ids[2:4]}))
    ok(client.get("/stacks", params={"primaryAssetId": asset_ids[2]}))
    ok(client.get(f"/stacks/{stack['id']}"))
    ok(client.get(f"/assets/{asset_ids[3]}"))
    merged = ok(client.post("/stacks", json={"assetIds": [asset_ids[2], asset_ids[1]]}))
    ok(client.put(f"/stacks/{merged['id']}", json={"primaryAssetId": asset_ids[3]}))
    ok(client.delete(f"/stacks/{merged['id']}/assets/{asset_ids[1]}"))
    ok(client.delete(f"/stacks/{merged['id']}"))
    again = ok(client.post("/stacks", json={"assetIds": asset_ids[2:4]}))
    ok(client.request("DELETE", "/stacks", json={"ids": [again["id"]]}))

    album = ok(
        client.post(
            "/albums",
            json={
                "albumName": "Trip",
                "description": "Paris",
                "assetIds": asset_ids[:2],
                "albumUsers": [{"userId": user["id"], "role": "editor"}],
            },
        )
    )
    empty_album = ok(client.post("/albums", json={"albumName": "Empty"}))
    ok(client.get("/albums"))
    ok(client.get("/albums", params={"isShared": "true"}))
    ok(client.get("/albums/statistics"))
    ok(client.get(f"/albums/{album['id']}"))
    ok(client.put(f"/albums/{album['id']}/assets", json={"ids": [asset_ids[2], asset_ids[0]]}))
    ok(client.request("DELETE", f"/albums/{album['id']}/assets", json={"ids": [asset_ids[2]]}))
    ok(
        client.put(
            "/albums/assets", json={"albumIds": [empty_album["id"]], "assetIds": asset_ids[3:5]}
        )
    )
    ok(client.patch(f"/albums/{album['id']}", json={"albumName": "Paris", "order": "asc"}))
    ok(client.delete(f"/albums/{empty_album['id']}"))

    ok(client.post("/search/metadata", json={"withExif": True, "size": 2}))
    ok(client.post("/search/metadata", json={"albumIds": [album["id"]], "isFavorite": True}))

    ok(client.put(f"/albums/{album['id']}/users", json={"albumUsers": [{"userId": user_b["id"]}]}))
    ok(client.post("/search/statistics", json={"isFavorite": True}))
    album_link = ok(client.post("/shared-links", json={"type": "ALBUM", "albumId": album["id"]}))
    link = ok(
        client.post(
            "/shared-links",
            json={"type": "INDIVIDUAL", "assetIds": asset_ids[:1], "showMetadata": False},
        )
    )
    ok(client.get("/shared-links"))
    ok(client.get(f"/shared-links/{link['id']}"))
    ok(client.put(f"/shared-links/{link['id']}/assets", json={"assetIds": asset_ids[1:3]}))
    ok(
        client.request(
            "DELETE", f"/shared-links/{link['id']}/assets", json={"assetIds": asset_ids[2:3]}
        )
    )
    ok(client.patch(f"/shared-links/{link['id']}", json={"description": "two"}))
    for shared in (album_link, link):
        ok(client.get("/shared-links/me", params={"key": shared["key"]}))
    ok(client.get(f"/assets/{asset_ids[0]}", params={"key": link["key"]}))
    ok(client.get(f"/albums/{album['id']}", params={"key": album_link["key"]}))
    ok(client.delete(f"/shared-links/{link['id']}"))
    ok(client.post("/download/info", json={"albumId": album["id"]}))
    ok(client.post("/download/archive", json={"assetIds": asset_ids[:2]}))

    ok(client.request("DELETE", "/assets", json={"ids": asset_ids[4:]}))
    ok(client.post("/trash/restore/assets", json={"ids": [asset_ids[4]]}))
    ok(client.request("DELETE", "/assets", json={"ids": [asset_ids[4]]}))
    ok(client.post("/trash/restore"))
    ok(client.request("DELETE", "/assets", json={"ids": [asset_ids[5]]}))
    ok(client.post("/search/metadata", json={"withDeleted": True}))
    ok(client.post("/trash/empty"))

    (library_dir / "one.jpg").write_bytes(make_jpeg(40))
    (library_dir / "two.png").write_bytes(b"png-ish")
    library = ok(
        client.post(
            "/libraries",
            json={
                "ownerId": fake.admin["id"],
                "name": "Disk",
                "importPaths": [str(library_dir)],
                "exclusionPatterns": ["**/*.tmp"],
            },
        )
    )
    ok(client.get("/libraries"))
    ok(client.get(f"/libraries/{library['id']}"))
    ok(
        client.post(
            f"/libraries/{library['id']}/validate",
            json={"importPaths": [str(library_dir), "/missing"]},
        )
    )
    ok(client.put("/queues/library", json={"isPaused": True}))
    ok(client.post(f"/libraries/{library['id']}/scan"))
    ok(client.get("/queues/library/jobs"))
    ok(client.get("/queues"))
    ok(client.get("/jobs"))
    ok(client.put("/jobs/library", json={"command": "resume"}))
    ok(client.put("/jobs/thumbnailGeneration", json={"command": "start"}))
    ok(client.post("/jobs", json={"name": "tag-cleanup"}))
    ok(client.get("/queues/library"))
    ok(client.request("DELETE", "/queues/library/jobs", json={"failed": True}))
    ok(client.get(f"/libraries/{library['id']}/statistics"))
    ok(client.put(f"/libraries/{library['id']}", json={"exclusionPatterns": []}))
    ok(client.post("/search/metadata", json={"libraryId": library["id"]}))
    ok(client.get("/server/statistics"))
    ok(client.get("/users/me"))
    ok(client.delete(f"/libraries/{library['id']}"))
    for path in PARAMETERLESS_GETS:
        response = client.get(path)
        if path not in ANSWERS_404:
            ok(response)

    exercise_sync(client, fake, bearer)

    # Logging out of the session needs the session alone, without the API key.
    del client.headers["x-api-key"]
    ok(client.post("/auth/logout", headers=bearer))


SYNC_TYPES = ["AssetsV2", "AlbumsV1", "AlbumsV2", "AlbumToAssetsV1", "AssetExifsV1"]


def exercise_sync(client: httpx.Client, fake: FakeImmich, bearer: dict[str, str]) -> None:
    """The sync protocol, as a login session (the API key alone is refused)."""
    stream = client.post("/sync/stream", json={"types": SYNC_TYPES}, headers=bearer)
    ok(stream)
    acks = [json.loads(line)["ack"] for line in stream.text.splitlines()]
    ok(client.post("/sync/ack", json={"acks": acks}, headers=bearer))
    ok(client.get("/sync/ack", headers=bearer))
    ok(client.request("DELETE", "/sync/ack", json={"types": ["AssetV2"]}, headers=bearer))
    ok(client.post("/sync/stream", json={"types": SYNC_TYPES}, headers=bearer))
    sessions = ok(client.get("/sessions", headers=bearer))
    current = next(item for item in sessions if item["current"])
    ok(client.put(f"/sessions/{current['id']}", json={"isPendingSyncReset": True}, headers=bearer))
    ok(client.post("/sync/stream", json={"types": SYNC_TYPES}, headers=bearer))
    other = ok(
        client.post(
            "/auth/login", json={"email": fake.admin_email, "password": fake.admin_password}
        )
    )
    client.cookies.clear()
    doomed = next(
        item["id"]
        for item in ok(
            client.get("/sessions", headers={"authorization": f"Bearer {other['accessToken']}"})
        )
        if item["current"]
    )
    ok(client.delete(f"/sessions/{doomed}", headers=bearer))


def test_sync_stream_lines_match_the_spec(
    recorded: list[Recorded], registry: Registry[Any]
) -> None:
    """Each line of a stream is a SyncStreamLine, its data the model of its type."""
    items = load_spec()["components"]["schemas"]["SyncStreamLine"]["x-sync-items"]
    streams = [r for r in recorded if r.operation_id == "getSyncStream" and r.status == 200]
    seen = set()
    for record in streams:
        assert record.content_type.startswith("application/jsonlines+json"), record
        for text in record.body.decode().splitlines():
            item = json.loads(text)
            line_schema = {"$ref": SPEC_URI + "#/components/schemas/SyncStreamLine"}
            data_schema = to_json_schema(items[item["type"]])
            for schema, value in ((line_schema, item), (data_schema, item["data"])):
                errors = list(Draft202012Validator(schema, registry=registry).iter_errors(value))
                assert not errors, f"{item['type']}: {[e.message for e in errors[:3]]}"
            seen.add(item["type"])
    assert {"AssetV2", "AssetExifV1", "AlbumV1", "AlbumV2", "AlbumToAssetV1"} <= seen
    assert {"SyncCompleteV1", "SyncResetV1"} <= seen


def test_every_implemented_operation_was_exercised(recorded: list[Recorded]) -> None:
    exercised = {
        record.operation_id
        for record in recorded
        if 200 <= record.status < 300 or record.path.removeprefix("/api") in ANSWERS_404
    }
    implemented = {route.operation_id for route in IMPLEMENTED_ROUTES}
    assert implemented - exercised == set()


def test_success_statuses_are_the_documented_ones(recorded: list[Recorded]) -> None:
    undocumented = [
        f"{record.method} {record.path} -> {record.status}"
        for record in recorded
        if not record.documented
        and (record.operation_id, record.status) not in UNLISTED_SUCCESS_STATUSES
    ]
    assert undocumented == []


def json_records(recorded: list[Recorded]) -> Iterator[Recorded]:
    return (record for record in recorded if record.schema is not None)


def test_json_bodies_match_the_spec(recorded: list[Recorded], registry: Registry[Any]) -> None:
    checked = 0
    for record in json_records(recorded):
        assert record.content_type.startswith("application/json"), record
        schema = to_json_schema(record.schema)
        validator = Draft202012Validator(schema, registry=registry)
        errors = sorted(validator.iter_errors(json.loads(record.body)), key=str)
        assert not errors, (
            f"{record.method} {record.path} ({record.operation_id}) -> {record.status}: "
            + "; ".join(f"{list(error.absolute_path)}: {error.message}" for error in errors[:5])
        )
        checked += 1
    assert checked > 50


def test_binary_bodies_are_not_json(recorded: list[Recorded]) -> None:
    binary = [
        r
        for r in recorded
        if r.schema is None
        and r.status in (200, 206)
        and r.body
        and r.operation_id != "getSyncStream"  # JSON lines: checked on their own
    ]
    assert {record.operation_id for record in binary} >= {
        "downloadAsset",
        "viewAsset",
        "downloadArchive",
    }
    for record in binary:
        assert not record.content_type.startswith("application/json"), record.operation_id
