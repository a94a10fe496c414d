"""The fake's background jobs (an upload's metadata and thumbnails, a tag edit's sidecar
write), its stacks and its one-off jobs, through each way of reaching it."""

from __future__ import annotations

import time

from immich.testing import FakeImmich

from ._api import Api
from ._assertions import assert_error
from ._media import make_exif_jpeg

UNKNOWN_ID = "8d3c4b2a-1f0e-4d9c-8b7a-6f5e4d3c2b1a"


def _queue(api: Api, name: str) -> dict[str, int]:
    return api.get(f"/queues/{name}").json()["statistics"]


def test_an_upload_is_processed_when_its_jobs_are_due(
    api: Api, fake: FakeImmich, jpegs: list[bytes]
) -> None:
    fake.job_delay = 0.2
    asset_id = fake.add_asset(jpegs[0], filename="a.jpg", taken_at="2024-05-01T10:20:30Z")
    fresh = api.get(f"/assets/{asset_id}").json()
    assert fresh["thumbhash"] is None
    assert fresh["exifInfo"]["fileSizeInByte"] == len(jpegs[0])
    assert fresh["exifInfo"]["dateTimeOriginal"] is None  # nothing read yet
    assert fresh["exifInfo"]["modifyDate"] is None
    assert _queue(api, "metadataExtraction")["waiting"] == 1
    jobs = api.get("/queues/metadataExtraction/jobs").json()
    assert [(j["name"], j["data"]) for j in jobs] == [
        ("AssetExtractMetadata", {"id": asset_id, "source": "upload"})
    ]

    time.sleep(0.25)
    read = api.get(f"/assets/{asset_id}").json()  # the metadata job ran before this answer
    assert read["exifInfo"]["modifyDate"] is not None
    assert read["exifInfo"]["dateTimeOriginal"] == "2024-05-01T10:20:30.000Z"
    assert read["thumbhash"] is None  # its job was queued when the metadata job ended
    assert _queue(api, "thumbnailGeneration")["waiting"] == 1

    assert fake.run_jobs() == 1  # whatever waits, due or not
    done = api.get(f"/assets/{asset_id}").json()
    assert done["thumbhash"]
    assert _queue(api, "thumbnailGeneration") == {
        "active": 0, "completed": 1, "delayed": 0, "failed": 0, "paused": 0, "waiting": 0
    }  # fmt: skip


def test_dates_come_from_exif_else_the_earlier_file_time(
    api: Api, fake: FakeImmich, jpegs: list[bytes]
) -> None:
    exif = fake.add_asset(make_exif_jpeg(1, "2021:06:01 10:20:30", "+02:00"), filename="e.jpg")
    local = fake.add_asset(make_exif_jpeg(2, "2021:06:01 10:20:30"), filename="l.jpg")
    plain = fake.add_asset(jpegs[3], filename="p.jpg", taken_at="2020-01-01T00:00:00Z")

    with_offset = api.get(f"/assets/{exif}").json()
    assert with_offset["exifInfo"]["dateTimeOriginal"] == "2021-06-01T08:20:30.000Z"
    assert with_offset["localDateTime"] == "2021-06-01T10:20:30.000Z"
    assert with_offset["exifInfo"]["timeZone"] == "UTC+2"
    without = api.get(f"/assets/{local}").json()
    assert without["exifInfo"]["dateTimeOriginal"] == "2021-06-01T10:20:30.000Z"
    assert without["exifInfo"]["timeZone"] is None
    assert api.get(f"/assets/{plain}").json()["localDateTime"] == "2020-01-01T00:00:00.000Z"


def test_a_paused_queue_holds_its_jobs(api: Api, fake: FakeImmich, jpegs: list[bytes]) -> None:
    api.put("/queues/thumbnailGeneration", json={"isPaused": True})
    asset_id = fake.add_asset(jpegs[0])
    assert fake.run_jobs() == 0
    assert api.get(f"/assets/{asset_id}").json()["thumbhash"] is None
    held = _queue(api, "thumbnailGeneration")
    assert (held["paused"], held["waiting"]) == (1, 0)  # as Immich counts a paused queue's
    paused_jobs = api.get("/queues/thumbnailGeneration/jobs", params=[("status", "paused")] * 2)
    assert [job["name"] for job in paused_jobs.json()] == ["AssetGenerateThumbnails"]
    api.put("/queues/thumbnailGeneration", json={"isPaused": False})
    assert _queue(api, "thumbnailGeneration")["paused"] == 0
    assert api.get(f"/assets/{asset_id}").json()["thumbhash"]


def test_an_array_query_parameter_given_once_is_refused_as_immich_3_does(api: Api) -> None:
    once = api.get("/queues/thumbnailGeneration/jobs", params={"status": "paused"})
    assert once.status_code == 400
    (issue,) = once.json()["errors"]
    assert (issue["path"], issue["expected"], issue["code"]) == (
        ["status"],
        "array",
        "invalid_type",
    )


def test_a_tag_edit_queues_a_sidecar_write_and_a_metadata_job(
    api: Api, fake: FakeImmich, jpegs: list[bytes]
) -> None:
    asset_id = fake.add_asset(jpegs[0])
    fake.job_delay = 10
    (tag,) = api.put("/tags", json={"tags": ["a/b"]}).json()
    api.put("/tags/assets", json={"tagIds": [tag["id"]], "assetIds": [asset_id]})
    jobs = api.get("/queues/sidecar/jobs").json()
    assert [(j["name"], j["data"]) for j in jobs] == [("SidecarWrite", {"id": asset_id})]
    fake.run_jobs()
    assert _queue(api, "metadataExtraction")["completed"] == 2  # the upload's, and this one
    assert [t["value"] for t in api.get(f"/assets/{asset_id}").json()["tags"]] == ["a/b"]


def test_stacks(api: Api, fake: FakeImmich, jpegs: list[bytes]) -> None:
    ids = [fake.add_asset(data, filename=f"IMG_{n}.jpg") for n, data in enumerate(jpegs[:4])]
    created = api.post("/stacks", json={"assetIds": [ids[1], ids[0]]})
    assert created.status_code == 201
    stack = created.json()
    assert stack["primaryAssetId"] == ids[1]
    assert [a["id"] for a in stack["assets"]] == [ids[1], ids[0]]
    assert "exifInfo" in stack["assets"][0]
    info = api.get(f"/assets/{ids[0]}").json()
    assert info["stack"] == {"id": stack["id"], "primaryAssetId": ids[1], "assetCount": 2}
    assert api.get(f"/assets/{ids[2]}").json()["stack"] is None

    # A stack whose primary is among the new one's assets is merged into it.
    merged = api.post("/stacks", json={"assetIds": [ids[2], ids[1]]}).json()
    assert {a["id"] for a in merged["assets"]} == {ids[0], ids[1], ids[2]}
    assert api.get(f"/stacks/{stack['id']}").status_code == 400
    listed = api.get("/stacks", params={"primaryAssetId": ids[2]}).json()
    assert [s["id"] for s in listed] == [merged["id"]]

    updated = api.put(f"/stacks/{merged['id']}", json={"primaryAssetId": ids[0]}).json()
    assert updated["primaryAssetId"] == ids[0]
    assert_error(api.put(f"/stacks/{merged['id']}", json={"primaryAssetId": ids[3]}), 400)
    assert_error(api.delete(f"/stacks/{merged['id']}/assets/{ids[0]}"), 400)
    assert api.delete(f"/stacks/{merged['id']}/assets/{ids[2]}").status_code == 204
    assert api.get(f"/assets/{ids[2]}").json()["stack"] is None
    assert api.delete(f"/stacks/{merged['id']}").status_code == 204
    assert api.get(f"/assets/{ids[0]}").json()["stack"] is None

    assert_error(api.post("/stacks", json={"assetIds": [ids[0]]}), 400)
    assert_error(api.post("/stacks", json={"assetIds": [ids[0], UNKNOWN_ID]}), 400)


def test_one_off_jobs(api: Api, fake: FakeImmich, jpegs: list[bytes]) -> None:
    asset_id = fake.add_asset(jpegs[0])
    used, _ = api.put("/tags", json={"tags": ["kept/child", "gone/child"]}).json()
    api.put(f"/tags/{used['id']}/assets", json={"ids": [asset_id]})
    assert api.post("/jobs", json={"name": "tag-cleanup"}).status_code == 204
    assert sorted(t["value"] for t in api.get("/tags").json()) == ["kept", "kept/child"]
    assert api.post("/jobs", json={"name": "backup-database"}).status_code == 204
    assert _queue(api, "backupDatabase")["completed"] == 1
    assert_error(api.post("/jobs", json={"name": "nonsense"}), 400)
