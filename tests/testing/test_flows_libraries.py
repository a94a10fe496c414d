"""External libraries: scans that import files from disk, and the job queues around them."""

from __future__ import annotations

import base64
import hashlib
from pathlib import Path

from immich.testing import FakeImmich

from ._api import Api
from ._assertions import assert_error


def make_library_folder(root: Path, jpegs: list[bytes]) -> Path:
    photos = root / "photos"
    (photos / "2023" / "summer").mkdir(parents=True)
    (photos / "@eaDir").mkdir()
    (photos / "a.jpg").write_bytes(jpegs[0])
    (photos / "2023" / "b.JPG").write_bytes(jpegs[1])
    (photos / "2023" / "summer" / "c.jpeg").write_bytes(jpegs[2])
    (photos / "2023" / "skip.tif").write_bytes(jpegs[3])
    (photos / "@eaDir" / "thumb.jpg").write_bytes(jpegs[4])
    (photos / "notes.txt").write_text("not a photo")
    return photos


def library_assets(api: Api, library_id: str) -> dict[str, dict[str, object]]:
    response = api.post("/search/metadata", json={"libraryId": library_id, "withDeleted": True})
    return {item["originalFileName"]: item for item in response.json()["assets"]["items"]}


def test_library_scan_imports_files(
    api: Api, fake: FakeImmich, jpegs: list[bytes], tmp_path: Path
) -> None:
    photos = make_library_folder(tmp_path, jpegs)
    created = api.post(
        "/libraries",
        json={
            "ownerId": fake.admin["id"],
            "name": "NAS",
            "importPaths": [str(photos)],
            "exclusionPatterns": ["**/@eaDir/**", "**/*.tif"],
        },
    )
    assert created.status_code == 201
    library = created.json()
    assert library["refreshedAt"] is None

    assert api.post(f"/libraries/{library['id']}/scan").status_code == 204
    found = library_assets(api, library["id"])
    assert sorted(found) == ["a.jpg", "b.JPG", "c.jpeg"]
    first = found["a.jpg"]
    assert first["originalPath"] == str(photos / "a.jpg")
    assert first["checksum"] == base64.b64encode(hashlib.sha1(jpegs[0]).digest()).decode()
    assert api.get(f"/assets/{first['id']}/original").content == jpegs[0]
    refreshed = api.get(f"/libraries/{library['id']}").json()
    assert refreshed["assetCount"] == 3
    assert refreshed["refreshedAt"] is not None
    statistics = api.get(f"/libraries/{library['id']}/statistics").json()
    assert (statistics["photos"], statistics["total"]) == (3, 3)

    # A file that disappears goes offline (into the trash); a changed one is re-hashed.
    (photos / "a.jpg").unlink()
    (photos / "2023" / "b.JPG").write_bytes(jpegs[5] + b"changed")
    (photos / "new.png").write_bytes(jpegs[6])
    api.post(f"/libraries/{library['id']}/scan")
    found = library_assets(api, library["id"])
    assert sorted(found) == ["a.jpg", "b.JPG", "c.jpeg", "new.png"]
    assert (found["a.jpg"]["isOffline"], found["a.jpg"]["isTrashed"]) == (True, True)
    changed_checksum = hashlib.sha1(jpegs[5] + b"changed").digest()
    assert found["b.JPG"]["checksum"] == base64.b64encode(changed_checksum).decode()
    assert found["new.png"]["originalMimeType"] == "image/png"

    (photos / "a.jpg").write_bytes(jpegs[0])
    api.post(f"/libraries/{library['id']}/scan")
    back = library_assets(api, library["id"])["a.jpg"]
    assert (back["isOffline"], back["isTrashed"]) == (False, False)

    validated = api.post(
        f"/libraries/{library['id']}/validate",
        json={"importPaths": [str(photos), str(tmp_path / "missing"), "relative/path"]},
    )
    assert [entry["isValid"] for entry in validated.json()["importPaths"]] == [True, False, False]

    updated = api.put(f"/libraries/{library['id']}", json={"name": "Renamed"})
    assert updated.json()["name"] == "Renamed"
    assert [entry["id"] for entry in api.get("/libraries").json()] == [library["id"]]
    assert api.delete(f"/libraries/{library['id']}").status_code == 204
    assert_error(api.get(f"/libraries/{library['id']}"), 404, "Not Found")
    assert library_assets(api, library["id"]) == {}
    assert (photos / "2023" / "summer" / "c.jpeg").exists(), (
        "deleting a library never deletes the user's files"
    )


def test_paused_library_queue_defers_scans(
    api: Api, fake: FakeImmich, jpegs: list[bytes], tmp_path: Path
) -> None:
    photos = make_library_folder(tmp_path, jpegs)
    library = api.post(
        "/libraries", json={"ownerId": fake.admin["id"], "importPaths": [str(photos)]}
    ).json()

    paused = api.put("/queues/library", json={"isPaused": True})
    assert paused.json()["isPaused"] is True
    api.post(f"/libraries/{library['id']}/scan")
    queue = api.get("/queues/library").json()
    # As Immich queues a scan: import the new files, then check the assets there are.
    # A paused queue's jobs count as "paused", not "waiting" (as on Immich 2.7.5 and 3.0.3).
    assert (queue["statistics"]["paused"], queue["statistics"]["waiting"]) == (2, 0)
    jobs = api.get("/queues/library/jobs", params=[("status", "waiting"), ("status", "active")])
    names = [job["name"] for job in jobs.json()]
    assert names == ["LibrarySyncFilesQueueAll", "LibraryScanAssetsQueueAll"]
    assert [job["data"] for job in jobs.json()] == [{"id": library["id"]}] * 2
    assert library_assets(api, library["id"]) == {}

    resumed = api.put("/jobs/library", json={"command": "resume"})
    assert resumed.json()["queueStatus"] == {"isActive": False, "isPaused": False}
    assert resumed.json()["jobCounts"]["waiting"] == 0
    assert resumed.json()["jobCounts"]["completed"] == 2
    # No exclusion patterns this time: the .tif and the @eaDir thumbnail come in too.
    assert len(library_assets(api, library["id"])) == 5

    legacy = api.get("/jobs").json()
    assert legacy["metadataExtraction"]["jobCounts"]["completed"] == 5
    queues = {queue["name"]: queue for queue in api.get("/queues").json()}
    assert queues["thumbnailGeneration"]["statistics"]["completed"] == 5

    started = api.put("/jobs/library", json={"command": "start"})
    assert started.json()["jobCounts"]["completed"] == 4
    api.put("/queues/library", json={"isPaused": True})
    api.post(f"/libraries/{library['id']}/scan")
    assert api.delete("/queues/library/jobs", json={}).status_code == 204
    assert api.get("/queues/library").json()["statistics"]["waiting"] == 0
    assert_error(api.get("/queues/notAQueue"), 400, "Bad Request")
