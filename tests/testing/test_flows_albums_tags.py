"""Albums and tags: membership with per-id results, and searching by either."""

from __future__ import annotations

from immich.testing import FakeImmich

from ._api import Api
from ._assertions import assert_error, assert_unreadable

UNKNOWN_ID = "8d3c4b2a-1f0e-4d9c-8b7a-6f5e4d3c2b1a"


def seed(fake: FakeImmich, jpegs: list[bytes], count: int) -> list[str]:
    return [
        fake.add_asset(data, filename=f"IMG_{index}.jpg")
        for index, data in enumerate(jpegs[:count])
    ]


def test_album_membership(api: Api, fake: FakeImmich, jpegs: list[bytes]) -> None:
    ids = seed(fake, jpegs, 5)
    created = api.post("/albums", json={"albumName": "Holidays", "assetIds": ids[:2]})
    assert created.status_code == 201
    album = created.json()
    assert album["assetCount"] == 2
    assert album["albumThumbnailAssetId"] == ids[0]
    assert album["albumUsers"][0]["role"] == "owner"
    album_id = album["id"]

    added = api.put(f"/albums/{album_id}/assets", json={"ids": [ids[1], ids[2], UNKNOWN_ID]})
    assert added.status_code == 200
    assert added.json() == [
        {"id": ids[1], "success": False, "error": "duplicate"},
        {"id": ids[2], "success": True},
        {"id": UNKNOWN_ID, "success": False, "error": "no_permission"},  # as Immich 3 words it
    ]
    assert api.get(f"/albums/{album_id}").json()["assetCount"] == 3

    listed = api.get("/albums").json()
    assert [entry["albumName"] for entry in listed] == ["Holidays"]
    assert api.get("/albums", params={"assetId": ids[2]}).json()[0]["id"] == album_id
    assert api.get("/albums", params={"assetId": ids[4]}).json() == []

    in_album = api.post("/search/metadata", json={"albumIds": [album_id]}).json()
    assert sorted(item["id"] for item in in_album["assets"]["items"]) == sorted(ids[:3])

    removed = api.delete(f"/albums/{album_id}/assets", json={"ids": [ids[0], ids[4]]})
    assert removed.json() == [
        {"id": ids[0], "success": True},
        {"id": ids[4], "success": False, "error": "not_found"},
    ]
    patched = api.patch(f"/albums/{album_id}", json={"albumName": "Summer", "description": "2024"})
    assert (patched.json()["albumName"], patched.json()["description"]) == ("Summer", "2024")
    assert patched.json()["albumThumbnailAssetId"] == ids[1]

    assert api.delete(f"/albums/{album_id}").status_code == 204
    assert_unreadable(api.get(f"/albums/{album_id}"))


def test_albums_shared_with_another_user(api: Api, fake: FakeImmich, jpegs: list[bytes]) -> None:
    user_id, key = fake.create_user(email="sam@example.com", name="Sam")
    (asset_id,) = seed(fake, jpegs, 1)
    album = api.post(
        "/albums",
        json={
            "albumName": "Shared",
            "assetIds": [asset_id],
            "albumUsers": [{"userId": user_id, "role": "viewer"}],
        },
    ).json()
    assert album["shared"] is True
    sam = api.as_key(key)
    assert [entry["id"] for entry in sam.get("/albums").json()] == [album["id"]]
    assert sam.get(f"/assets/{asset_id}").status_code == 200
    assert sam.get(f"/assets/{asset_id}/original").content == jpegs[0]
    # A viewer may look, not change.
    assert_error(
        sam.put(f"/albums/{album['id']}/assets", json={"ids": [asset_id]}), 400, "Bad Request"
    )


def test_tags(api: Api, fake: FakeImmich, jpegs: list[bytes]) -> None:
    ids = seed(fake, jpegs, 4)
    upserted = api.put("/tags", json={"tags": ["trips/2024/paris", "family"]})
    assert upserted.status_code == 200
    paris, family = upserted.json()
    assert (paris["name"], paris["value"]) == ("paris", "trips/2024/paris")
    assert "parentId" in paris
    assert "parentId" not in family
    values = [tag["value"] for tag in api.get("/tags").json()]
    assert values == ["family", "trips", "trips/2024", "trips/2024/paris"]
    assert api.put("/tags", json={"tags": ["trips/2024/paris"]}).json()[0]["id"] == paris["id"]

    tagged = api.put(f"/tags/{paris['id']}/assets", json={"ids": [ids[0], ids[1]]})
    assert tagged.json() == [{"id": ids[0], "success": True}, {"id": ids[1], "success": True}]
    again = api.put(f"/tags/{paris['id']}/assets", json={"ids": [ids[0], UNKNOWN_ID]})
    assert again.json() == [
        {"id": ids[0], "success": False, "error": "duplicate"},
        {"id": UNKNOWN_ID, "success": False, "error": "not_found"},
    ]
    bulk = api.put(
        "/tags/assets", json={"tagIds": [paris["id"], family["id"]], "assetIds": ids[1:3]}
    )
    assert bulk.json() == {"count": 3}

    both = api.post("/search/metadata", json={"tagIds": [paris["id"], family["id"]]}).json()
    assert sorted(item["id"] for item in both["assets"]["items"]) == sorted(ids[1:3])
    untagged = api.post("/search/metadata", json={"tagIds": None}).json()
    assert [item["id"] for item in untagged["assets"]["items"]] == [ids[3]]
    asset_tags = api.get(f"/assets/{ids[1]}").json()["tags"]
    assert sorted(tag["value"] for tag in asset_tags) == ["family", "trips/2024/paris"]

    removed = api.delete(f"/tags/{paris['id']}/assets", json={"ids": [ids[0], ids[3]]})
    assert removed.json() == [
        {"id": ids[0], "success": True},
        {"id": ids[3], "success": False, "error": "not_found"},
    ]
    colored = api.put(f"/tags/{family['id']}", json={"color": "#ff0000"})
    assert colored.json()["color"] == "#ff0000"

    trips = next(tag for tag in api.get("/tags").json() if tag["value"] == "trips")
    assert api.delete(f"/tags/{trips['id']}").status_code == 204
    assert [tag["value"] for tag in api.get("/tags").json()] == ["family"]
    assert_error(api.get(f"/tags/{paris['id']}"), 404, "Not Found")
    created = api.post("/tags", json={"name": "pets", "color": "#00ff00"})
    assert created.status_code == 201
    assert_error(api.post("/tags", json={"name": "pets"}), 400, "Bad Request")
