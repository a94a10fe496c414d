"""The error answers: 400 malformed input, 403 admin-only, 404 unknown, 501 unimplemented."""

from __future__ import annotations

import pytest

from immich.testing import FakeImmich

from ._api import Api
from ._assertions import assert_error, assert_unreadable

UNKNOWN_ID = "0d9c8b7a-6f5e-4d3c-9b2a-1f0e9d8c7b6a"


@pytest.mark.parametrize("path", ["/libraries", "/server/statistics", "/jobs", "/queues"])
def test_admin_routes_are_403_for_other_users(api: Api, fake: FakeImmich, path: str) -> None:
    _, key = fake.create_user(email="user@example.com", name="User")
    body = assert_error(api.as_key(key).get(path), 403, "Forbidden")
    assert body["message"] == "Forbidden"
    assert api.get(path).status_code == 200


def test_unimplemented_operations_are_501(api: Api) -> None:
    response = api.get("/activities")
    body = assert_error(response, 501, "Not Implemented")
    assert body["operationId"] == "getActivities"
    assert body["message"] == "FakeImmich does not implement getActivities"
    metadata = api.delete(f"/assets/{UNKNOWN_ID}/metadata/key")
    assert assert_error(metadata, 501, "Not Implemented")["operationId"] == "deleteAssetMetadata"


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/assets/not-a-uuid"),
        ("GET", "/assets/123/original"),
        ("GET", "/albums/xyz"),
        ("PUT", "/tags/nope/assets"),
        ("GET", "/libraries/1234"),
    ],
)
def test_malformed_uuids_are_400(api: Api, method: str, path: str) -> None:
    body = assert_error(api.request(method, path, json={"ids": []}), 400)
    assert body["message"] == "Validation failed"
    (issue,) = body["errors"]
    assert issue["path"] == ["id"]
    assert issue["message"] == "Invalid UUID"


def test_malformed_bodies_are_400(api: Api) -> None:
    assert_error(
        api.post("/albums", content=b"{not json", headers={"content-type": "application/json"}),
        400,
        "Bad Request",
    )
    assert_error(api.post("/albums", json=["a list"]), 400, "Bad Request")
    assert_error(api.post("/albums", json={}), 400, "Bad Request")
    assert_error(api.post("/albums", json={"albumName": 5}), 400, "Bad Request")
    assert_error(api.put("/assets", json={"ids": ["x"], "isFavorite": True}), 400, "Bad Request")
    assert_error(api.put("/assets", json={"ids": [], "isFavorite": "yes"}), 400, "Bad Request")
    assert_error(
        api.post("/assets/bulk-upload-check", json={"assets": [{"id": "a", "checksum": "zz"}]}),
        400,
        "Bad Request",
    )


@pytest.mark.parametrize(
    "path",
    [
        f"/tags/{UNKNOWN_ID}",
        f"/libraries/{UNKNOWN_ID}",
        f"/users/{UNKNOWN_ID}",
        "/no/such/route",
    ],
)
def test_unknown_ids_and_paths_are_404(api: Api, path: str) -> None:
    assert_error(api.get(path), 404, "Not Found")


@pytest.mark.parametrize(
    "path",
    [
        f"/assets/{UNKNOWN_ID}",
        f"/assets/{UNKNOWN_ID}/original",
        f"/assets/{UNKNOWN_ID}/thumbnail",
        f"/albums/{UNKNOWN_ID}",
    ],
)
def test_unknown_assets_and_albums_are_unreadable(api: Api, path: str) -> None:
    assert_unreadable(api.get(path))


def test_head_request_has_length_but_no_body(api: Api, fake: FakeImmich) -> None:
    asset_id = fake.add_asset(b"\xff\xd8 some bytes", filename="a.jpg")
    response = api.request("HEAD", f"/assets/{asset_id}/original")
    assert response.status_code == 200
    assert response.headers["content-length"] == str(len(b"\xff\xd8 some bytes"))
    assert response.content == b""
